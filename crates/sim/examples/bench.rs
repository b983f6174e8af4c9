//! Times Baton's engine on the speed workloads; run by `cargo xtask bench`.
//!
//! usage: `cargo run --profile bench-native -p baton-sim --example bench -- WORKLOAD_DIR [RUNS]`
//!
//! For each workload (`NAME.asl.json` + `NAME.input.json` in WORKLOAD_DIR, written by
//! `cargo xtask bench`): one warm-up run, then RUNS timed runs to completion, reading and parsing
//! excluded (as in the aws-local-stepfunctions script). Prints JSON
//! `{ NAME: { median_ms, transitions_per_s, check } }`, where `check` is the first 80 characters of
//! the output, so a wrong answer shows.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

const WORKLOADS: [(&str, u64); 3] = [("loop", 20001), ("map", 10001), ("chain", 1000)];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (dir, runs) = match args.as_slice() {
        [dir] => (dir.as_str(), 5),
        [dir, runs] => match runs.parse::<usize>() {
            Ok(n) if n > 0 => (dir.as_str(), n),
            _ => return usage(),
        },
        _ => return usage(),
    };
    let mut report = serde_json::Map::new();
    for (name, transitions) in WORKLOADS {
        match time_workload(Path::new(dir), name, transitions, runs) {
            Ok(entry) => {
                report.insert(name.to_string(), entry);
            }
            Err(e) => {
                eprintln!("bench: {name}: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let text = serde_json::to_string_pretty(&serde_json::Value::Object(report)).expect("JSON of a map");
    println!("{text}");
    ExitCode::SUCCESS
}

fn usage() -> ExitCode {
    eprintln!("usage: bench WORKLOAD_DIR [RUNS]");
    ExitCode::from(2)
}

fn time_workload(dir: &Path, name: &str, transitions: u64, runs: usize) -> Result<serde_json::Value, String> {
    let read = |suffix: &str| -> Result<asl::Value, String> {
        let path = dir.join(format!("{name}.{suffix}.json"));
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        asl::Value::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    };
    let definition = read("asl")?;
    let input = read("input")?;

    let mut times = Vec::with_capacity(runs);
    let mut check = String::new();
    for run in 0..=runs {
        let mut scenario = sim::Scenario::with_input(input.clone());
        // The loop workload writes 40,002 events and the map workload's data is over 256 KiB; AWS
        // would stop both. Speed is measured on the whole workload, as the other engine runs it.
        scenario.context.options.max_history_events = None;
        scenario.context.options.max_payload_bytes = None;
        let t0 = Instant::now();
        let report = sim::run(&definition, &scenario).map_err(|e| format!("{e:?}"))?;
        let ms = t0.elapsed().as_secs_f64() * 1000.0;
        if run > 0 {
            times.push(ms); // run 0 is the warm-up
        }
        check = match &report.output {
            Some(output) => output.to_json().chars().take(80).collect(),
            None => format!(
                "{:?}: {}: {}",
                report.status,
                report.error.as_deref().unwrap_or("-"),
                report.cause.as_deref().unwrap_or("-")
            )
            .chars()
            .take(80)
            .collect(),
        };
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    Ok(serde_json::json!({
        "median_ms": (median * 10.0).round() / 10.0,
        "transitions_per_s": (transitions as f64 / (median / 1000.0)).round() as u64,
        "check": check,
    }))
}
