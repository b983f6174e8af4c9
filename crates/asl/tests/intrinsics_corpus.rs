//! Quick feedback for paths, templates and intrinsics against the AWS-recorded corpus: every case in
//! category "intrinsics" whose machine is a single Pass state with `Parameters` is evaluated here
//! directly (no engine), with the state's `ResultPath`/`OutputPath` applied.
//!
//! The corpus lives outside the crate (`shared/conformance/cases`, or `$BATON_CONFORMANCE_DIR`);
//! without it the test says so and passes.

use std::path::PathBuf;

use asl::path::Path;
use asl::rng::Rng;
use asl::template::{Env, NoVariables, Template};
use asl::Value;

fn corpus_dir() -> PathBuf {
    match std::env::var_os("BATON_CONFORMANCE_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/cases"),
    }
}

/// The parts of the context object these cases read, built from the case's canonical `env`.
fn context(case: &Value, input: &Value, state: &str) -> Value {
    let env = case.get("env").cloned().unwrap_or_else(Value::empty_object);
    let field = |k: &str| env.get(k).cloned().unwrap_or(Value::Null);
    Value::from_pairs([
        (
            "Execution",
            Value::from_pairs([
                ("Id", field("executionArn")),
                ("Input", input.clone()),
                ("StartTime", Value::from("2024-01-01T00:00:00.000Z")),
                ("Name", field("executionName")),
                ("RoleArn", field("roleArn")),
                ("RedriveCount", Value::from_i64(0)),
            ]),
        ),
        (
            "StateMachine",
            Value::from_pairs([("Id", field("stateMachineArn")), ("Name", field("stateMachineName"))]),
        ),
        (
            "State",
            Value::from_pairs([
                ("Name", Value::from(state)),
                ("EnteredTime", Value::from("2024-01-01T00:00:00.000Z")),
            ]),
        ),
    ])
}

/// Runs one case; `Ok(true)` when the key order matches too, `Err` with a description on a mismatch,
/// `None` when the case is not a single Pass state with Parameters.
fn run_case(case: &Value) -> Option<Result<bool, String>> {
    let states = case.get("definition")?.get("States")?.as_object()?;
    if states.len() != 1 {
        return None;
    }
    let (name, state) = states.iter().next()?;
    if state.get("Type")?.as_str()? != "Pass" {
        return None;
    }
    let params = state.get("Parameters")?;
    let input = case.get("input").cloned().unwrap_or(Value::Null);
    let expected = case.get("expected")?.get("output")?;
    Some((|| {
        let template = Template::compile(params).map_err(|e| format!("compile: {e:?}"))?;
        let ctx = context(case, &input, name);
        let mut rng = Rng::new(7);
        let mut env = Env { input: &input, context: &ctx, variables: &NoVariables, rng: &mut rng };
        let result = template.eval(&mut env).map_err(|e| format!("eval: {e}"))?;
        let mut output = match state.get("ResultPath") {
            None => result,
            Some(Value::Null) => input.clone(),
            Some(Value::String(p)) => Path::parse_reference(p)
                .map_err(|e| e.message)?
                .assign(&input, result)
                .map_err(|e| e.message)?,
            Some(other) => return Err(format!("unexpected ResultPath {other}")),
        };
        match state.get("OutputPath") {
            None => {}
            Some(Value::Null) => output = Value::empty_object(),
            Some(Value::String(p)) => {
                output = Path::parse(p).map_err(|e| e.message)?.select(&output).map_err(|e| e.message)?
            }
            Some(other) => return Err(format!("unexpected OutputPath {other}")),
        }
        if &output == expected {
            Ok(output.to_json() == expected.to_json())
        } else {
            Err(format!("got {output}, expected {expected}"))
        }
    })())
}

#[test]
fn intrinsics_corpus() {
    let dir = corpus_dir();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        println!(
            "notice: no conformance corpus at {}; set BATON_CONFORMANCE_DIR to run this check",
            dir.display()
        );
        return;
    };
    let mut files: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    files.sort();
    let (mut total, mut passed, mut ordered, mut skipped) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    let (mut other_passed, mut other_failures) = (0, Vec::new());
    for file in files.iter().filter(|f| f.extension().is_some_and(|e| e == "json")) {
        let Some(case) = std::fs::read_to_string(file).ok().and_then(|t| Value::parse(&t).ok()) else {
            failures.push(format!("{}: unreadable", file.display()));
            continue;
        };
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if case.get("category").and_then(Value::as_str) != Some("intrinsics") {
            // Other single-Pass cases exercise paths and templates too: reported, not required.
            if case.get("expected").and_then(|e| e.get("status")).and_then(Value::as_str) == Some("SUCCEEDED")
            {
                match run_case(&case) {
                    Some(Ok(_)) => other_passed += 1,
                    Some(Err(why)) => other_failures.push(format!("{name}: {why}")),
                    None => {}
                }
            }
            continue;
        }
        match run_case(&case) {
            None => skipped += 1,
            Some(Ok(same_order)) => {
                total += 1;
                passed += 1;
                ordered += usize::from(same_order);
            }
            Some(Err(why)) => {
                total += 1;
                failures.push(format!("{name}: {why}"));
            }
        }
    }
    println!(
        "intrinsics corpus: {passed}/{total} passed ({ordered} with identical key order), {skipped} not single-Pass cases skipped"
    );
    println!(
        "other single-Pass cases with Parameters: {other_passed}/{} passed",
        other_passed + other_failures.len()
    );
    for f in &other_failures {
        println!("note: {f}");
    }
    for f in &failures {
        println!("FAIL {f}");
    }
    assert!(failures.is_empty(), "{} corpus case(s) failed", failures.len());
}
