//! Checks the Choice rules against AWS's recorded outcomes: every conformance case in category
//! "choice" runs through a tiny interpreter that knows just enough (Choice, Pass with a literal
//! `Result`/`Parameters`, Succeed, Fail) to follow the branch our evaluation picks, and its output
//! must equal the recorded one. Cases with other shapes are skipped and counted, never guessed.
//!
//! The corpus lives outside the repository (`/work/shared/conformance/cases`); set
//! `BATON_CONFORMANCE_DIR` to point elsewhere. Without it the test prints a notice and passes.

use std::collections::BTreeMap;
use std::path::PathBuf;

use asl::choice::parse_condition;
use asl::rng::Rng;
use asl::template::{Env, NoVariables};
use asl::Value;

/// How one case went.
enum Outcome {
    Pass,
    Skip(String),
    Fail(String),
}

/// How an execution of the tiny interpreter ended.
#[derive(Debug, PartialEq)]
enum End {
    Succeeded(Value),
    Failed { error: Option<Value>, cause: Option<Value> },
}

fn corpus_dir() -> PathBuf {
    match std::env::var_os("BATON_CONFORMANCE_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/cases"),
    }
}

/// Whether a payload holds a `.$` key anywhere, which would need the template evaluator.
fn has_dynamic_keys(value: &Value) -> bool {
    match value {
        Value::Object(o) => o.iter().any(|(k, v)| k.ends_with(".$") || has_dynamic_keys(v)),
        Value::Array(a) => a.iter().any(has_dynamic_keys),
        _ => false,
    }
}

/// A minimal context object (`$$`) built from the case's canonical environment.
fn context(case: &Value, input: &Value, state: &str) -> Value {
    let env = case.get("env").cloned().unwrap_or(Value::Null);
    let field = |k: &str| env.get(k).cloned().unwrap_or(Value::Null);
    Value::from_pairs([
        (
            "Execution",
            Value::from_pairs([
                ("Id", field("executionArn")),
                ("Input", input.clone()),
                ("Name", field("executionName")),
                ("RoleArn", field("roleArn")),
                ("StartTime", Value::from("2024-01-01T00:00:00.000Z")),
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
                ("RetryCount", Value::from(0i64)),
            ]),
        ),
    ])
}

/// Runs the definition of `case`; `Err` carries a skip reason (a shape this interpreter does not
/// handle) or, prefixed with `FAIL:`, a problem with our Choice rules.
fn execute(case: &Value) -> Result<End, String> {
    let definition = case.get("definition").ok_or("no definition")?;
    if definition.get("QueryLanguage").and_then(Value::as_str) == Some("JSONata") {
        return Err("JSONata definition".into());
    }
    let states = definition.get("States").and_then(Value::as_object).ok_or("no States")?;
    let mut current = definition.get("StartAt").and_then(Value::as_str).ok_or("no StartAt")?.to_string();
    let execution_input = case.get("input").cloned().unwrap_or(Value::Null);
    let mut data = execution_input.clone();
    for _ in 0..1000 {
        let state = states.get(current.as_str()).ok_or_else(|| format!("FAIL: no state {current}"))?;
        let kind = state.get("Type").and_then(Value::as_str).unwrap_or("");
        let map = state.as_object().ok_or("state is not an object")?;
        for (key, value) in map {
            let handled = match &**key {
                "Type" | "Comment" | "Next" | "End" => true,
                "QueryLanguage" => value.as_str() == Some("JSONPath"),
                "InputPath" | "OutputPath" | "ResultPath" => value.as_str() == Some("$"),
                "Choices" | "Default" => kind == "Choice",
                // `Result` is a literal: its `.$` keys stay as they are (AWS records them verbatim).
                "Result" => kind == "Pass",
                "Parameters" => kind == "Pass" && !has_dynamic_keys(value),
                "Error" | "Cause" => kind == "Fail",
                _ => false,
            };
            if !handled {
                return Err(format!("{kind} state with {key}"));
            }
        }
        let next = |state: &Value| -> Result<Option<String>, String> {
            if state.get("End").and_then(Value::as_bool) == Some(true) {
                return Ok(None);
            }
            let next = state.get("Next").and_then(Value::as_str).ok_or("FAIL: neither Next nor End")?;
            Ok(Some(next.to_string()))
        };
        let target = match kind {
            "Pass" => {
                if let Some(result) = state.get("Result").or_else(|| state.get("Parameters")) {
                    data = result.clone();
                }
                next(state)?
            }
            "Succeed" => None,
            "Fail" => {
                return Ok(End::Failed {
                    error: state.get("Error").cloned(),
                    cause: state.get("Cause").cloned(),
                })
            }
            "Choice" => {
                let choices = state.get("Choices").and_then(Value::as_array).ok_or("FAIL: no Choices")?;
                let context = context(case, &execution_input, &current);
                let mut rng = Rng::new(0);
                let env = Env { input: &data, context: &context, variables: &NoVariables, rng: &mut rng };
                let mut chosen = None;
                for (i, rule) in choices.iter().enumerate() {
                    if rule.get("Assign").is_some() {
                        return Err("Choice rule with Assign".into());
                    }
                    let pointer = format!("/States/{current}/Choices/{i}");
                    let mut diags = Vec::new();
                    let condition =
                        parse_condition(rule, &pointer, &["Next", "Comment", "Assign"], &mut diags);
                    let condition = match condition {
                        Some(c) if diags.iter().all(|d| !d.is_error()) => c,
                        _ => return Err(format!("FAIL: rule {pointer} rejected: {diags:?}")),
                    };
                    match condition.eval(&env) {
                        Ok(true) => {
                            chosen = rule.get("Next").and_then(Value::as_str).map(String::from);
                            break;
                        }
                        Ok(false) => {}
                        Err(e) => {
                            return Ok(End::Failed {
                                error: Some(Value::from(e.error)),
                                cause: Some(Value::from(e.cause)),
                            })
                        }
                    }
                }
                match chosen.or_else(|| state.get("Default").and_then(Value::as_str).map(String::from)) {
                    Some(target) => Some(target),
                    None => {
                        return Ok(End::Failed {
                            error: Some(Value::from("States.NoChoiceMatched")),
                            cause: None,
                        })
                    }
                }
            }
            other => return Err(format!("{other} state")),
        };
        match target {
            Some(t) => current = t,
            None => return Ok(End::Succeeded(data)),
        }
    }
    Err("FAIL: more than 1000 transitions".into())
}

fn check(case: &Value) -> Outcome {
    let expected = case.get("expected").cloned().unwrap_or(Value::Null);
    let want = match expected.get("status").and_then(Value::as_str) {
        Some("SUCCEEDED") => End::Succeeded(expected.get("output").cloned().unwrap_or(Value::Null)),
        Some("FAILED") => {
            End::Failed { error: expected.get("error").cloned(), cause: expected.get("cause").cloned() }
        }
        other => return Outcome::Skip(format!("status {other:?}")),
    };
    match execute(case) {
        Ok(got) if got == want => Outcome::Pass,
        Ok(got) => Outcome::Fail(format!("expected {want:?}, got {got:?}")),
        Err(reason) => match reason.strip_prefix("FAIL: ") {
            Some(problem) => Outcome::Fail(problem.to_string()),
            None => Outcome::Skip(reason),
        },
    }
}

#[test]
fn choice_cases_follow_the_recorded_branch() {
    let dir = corpus_dir();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        println!(
            "conformance corpus not found at {}; set BATON_CONFORMANCE_DIR to run this test",
            dir.display()
        );
        return;
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();

    let (mut pass, mut fail, mut operators_pass, mut operators_total) = (0, 0, 0, 0);
    let mut skips: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut failures = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let case = Value::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if case.get("category").and_then(Value::as_str) != Some("choice") {
            continue;
        }
        let name = case.get("name").and_then(Value::as_str).unwrap_or("?").to_string();
        let operators = name.starts_with("choice_operators.");
        operators_total += usize::from(operators);
        match check(&case) {
            Outcome::Pass => {
                pass += 1;
                operators_pass += usize::from(operators);
            }
            Outcome::Skip(reason) => skips.entry(reason).or_default().push(name),
            Outcome::Fail(problem) => {
                fail += 1;
                failures.push(format!("{name}: {problem}"));
            }
        }
    }
    let skipped: usize = skips.values().map(Vec::len).sum();
    println!("choice corpus: {pass} passed, {skipped} skipped, {fail} failed");
    println!("  choice_operators: {operators_pass} of {operators_total} passed");
    for (reason, names) in &skips {
        println!("  skipped ({reason}): {}", names.len());
    }
    for failure in &failures {
        println!("  FAIL {failure}");
    }
    assert!(failures.is_empty(), "{fail} choice case(s) failed; see the output above");
    assert!(pass + skipped > 0, "no case in category \"choice\" under {}", dir.display());
    assert_eq!(operators_pass, operators_total, "every choice_operators case must run and pass");
}
