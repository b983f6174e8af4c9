//! The speed workloads through Baton's engine compiled to wasm: `cargo xtask bench --web` builds
//! this crate in release (the app's profile) with wasm-bindgen, and `xtask/bench/engines/` times it
//! in Chromium against aws-local-stepfunctions' browser build.
//!
//! The engine entry point is the native benchmark's (`crates/sim/examples/bench.rs`): `sim::run`
//! with `maxHistoryEvents` lifted. Parsing the JSON and reading the output back stay outside
//! [`Workload::run`], so the page times only the execution, as it does for the other engine.
#![forbid(unsafe_code)]

use wasm_bindgen::prelude::*;

// The app's allocator (src/main.rs): its speed is part of what users get.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// One workload, parsed once; [`Workload::run`] executes it to the end.
#[wasm_bindgen]
pub struct Workload {
    definition: asl::Value,
    input: asl::Value,
    last: Option<sim::Report>,
}

#[wasm_bindgen]
impl Workload {
    /// Parses a definition and an input (JSON texts).
    #[wasm_bindgen(constructor)]
    pub fn new(definition: &str, input: &str) -> Result<Workload, String> {
        let definition = asl::Value::parse(definition).map_err(|e| format!("definition: {e}"))?;
        let input = asl::Value::parse(input).map_err(|e| format!("input: {e}"))?;
        Ok(Workload { definition, input, last: None })
    }

    /// Runs the workload to the end; the number of history events written.
    pub fn run(&mut self) -> Result<u32, String> {
        let mut scenario = sim::Scenario::with_input(self.input.clone());
        // The loop workload writes 40,002 events and the map workload's data is over 256 KiB; AWS
        // would stop both. Speed is measured on the whole workload, as the other engine runs it.
        scenario.context.options.max_history_events = None;
        scenario.context.options.max_payload_bytes = None;
        let report = sim::run(&self.definition, &scenario).map_err(|diags| {
            let first = diags.iter().find(|d| d.is_error()).or(diags.first());
            let why = first.map_or("?".into(), |d| format!("{} at {}: {}", d.code, d.pointer, d.message));
            format!("the definition is rejected: {why}")
        })?;
        let events = u32::try_from(report.events.len()).unwrap_or(u32::MAX);
        self.last = Some(report);
        Ok(events)
    }

    /// The last run's output as JSON, or its status, error and cause when it did not succeed.
    pub fn output(&self) -> Result<String, String> {
        match &self.last {
            Some(sim::Report { output: Some(output), .. }) => Ok(output.to_json()),
            Some(report) => Err(format!(
                "{:?}: {}: {}",
                report.status,
                report.error.as_deref().unwrap_or("-"),
                report.cause.as_deref().unwrap_or("-")
            )),
            None => Err("not run yet".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Workload;

    #[test]
    fn runs_a_loop_to_the_end() {
        let definition = r#"{"StartAt": "Inc", "States": {
            "Inc": {"Type": "Pass", "Parameters": {"i.$": "States.MathAdd($.i, 1)"}, "Next": "Check"},
            "Check": {"Type": "Choice", "Default": "Done",
                      "Choices": [{"Variable": "$.i", "NumericLessThan": 3, "Next": "Inc"}]},
            "Done": {"Type": "Succeed"}}}"#;
        let mut w = Workload::new(definition, r#"{"i": 0}"#).unwrap();
        assert_eq!(w.output().unwrap_err(), "not run yet");
        assert!(w.run().unwrap() > 0);
        assert_eq!(w.output().unwrap(), r#"{"i":3}"#);
    }

    #[test]
    fn a_rejected_definition_is_an_error() {
        let mut w = Workload::new(r#"{"StartAt": "Nowhere", "States": {}}"#, "{}").unwrap();
        assert!(w.run().unwrap_err().starts_with("the definition is rejected"));
    }
}
