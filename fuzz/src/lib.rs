//! What the fuzz targets share: each turns its bytes into the text a user could paste (a
//! definition, a path, a rule, a scenario), puts it where the engine reads such text, and drives
//! it through the same doors the CLI and the web app use: `asl::compile`, `sim::World`, the report.
//! A target's input format is the one its seeds (written by `cargo xtask fuzz`) have.

use std::rc::Rc;

use asl::Value;
use serde_json::{json, Value as Json};
use sim::{Report, Scenario, World};

/// `text` up to its first newline, and the rest (`""` without a newline).
pub fn first_line(text: &str) -> (&str, &str) {
    text.split_once('\n').unwrap_or((text, ""))
}

/// The execution input in `text`, or `{}` when it is not JSON (the engine is not under test there).
pub fn input(text: &str) -> Value {
    Value::parse(text).unwrap_or_else(|_| Value::empty_object())
}

/// Compiles `definition`, formats every diagnostic as the CLI does, and runs the machine (if it is
/// valid) to its end under `scenario`, with the history serialised as `baton run --history` prints
/// it.
pub fn compile_and_run(definition: &str, scenario: &Scenario) {
    let compiled = asl::compile(definition);
    for d in compiled.diagnostics() {
        let _ = format!("{}: {} ({})", d.severity, d.message, d.pointer);
    }
    let Some(machine) = compiled.machine() else { return };
    let input = scenario.input.clone().unwrap_or_else(Value::empty_object);
    let mut world = World::start(Rc::clone(machine), input, scenario);
    world.run_to_end();
    let _ = Report::of(&world).to_json(true).to_string();
}

/// Runs `definition` (a JSON value built by a target) on `input`.
pub fn run_json(definition: &Json, input: Value) {
    compile_and_run(&definition.to_string(), &Scenario::with_input(input));
}

/// A definition of one state, `state`, that ends the execution.
pub fn one_state(mut state: Json) -> Json {
    state["End"] = json!(true);
    json!({ "StartAt": "Fuzzed", "States": { "Fuzzed": state } })
}
