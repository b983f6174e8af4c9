//! The data-flow record: every step of the JSONPath pipeline of each state visit, for the app's
//! data-flow view.

use std::rc::Rc;

use asl::exec::{Execution, StartOptions};
use asl::{ErrorName, Value};

fn run(definition: &str, input: &str, record: bool) -> Execution {
    let (machine, diags) = asl::load(&Value::parse(definition).unwrap());
    let machine = Rc::new(machine.unwrap_or_else(|| panic!("{diags:?}")));
    let options = StartOptions { record_data_flow: record, ..StartOptions::default() };
    Execution::start(machine, Value::parse(input).unwrap(), options)
}

const DEFINITION: &str = r#"{"StartAt": "Init", "States": {
    "Init": {"Type": "Pass", "Assign": {"greeting": "hi"}, "Next": "Shape"},
    "Shape": {"Type": "Pass", "InputPath": "$.order", "Parameters": {"id.$": "$.id", "who.$": "$greeting"},
              "ResultPath": "$.shaped", "OutputPath": "$.shaped", "End": true}}}"#;

#[test]
fn each_step_of_the_pipeline_is_recorded() {
    let exec = run(DEFINITION, r#"{"order": {"id": 7}, "noise": true}"#, true);
    let flows = exec.data_flow();
    assert_eq!(flows.len(), 2);
    let shape = &flows[1];
    let json = |v: &Option<Value>| v.as_ref().map(Value::to_json);
    assert_eq!(shape.state.as_ref(), "Shape");
    assert_eq!(shape.input.to_json(), r#"{"order":{"id":7},"noise":true}"#);
    assert_eq!(json(&shape.after_input_path).as_deref(), Some(r#"{"id":7}"#));
    assert_eq!(json(&shape.after_parameters).as_deref(), Some(r#"{"id":7,"who":"hi"}"#));
    assert_eq!(
        json(&shape.after_result_path).as_deref(),
        Some(r#"{"order":{"id":7},"noise":true,"shaped":{"id":7,"who":"hi"}}"#)
    );
    assert_eq!(json(&shape.output).as_deref(), Some(r#"{"id":7,"who":"hi"}"#));
    assert_eq!(shape.variables.to_json(), r#"{"greeting":"hi"}"#);
    assert_eq!(flows[0].assigned.as_ref().map(|a| a.len()), Some(1));
    let exited: Vec<u64> =
        exec.history().iter().filter(|e| e.kind.type_name() == "PassStateExited").map(|e| e.id).collect();
    assert_eq!(flows.iter().map(|f| f.exited_event.unwrap()).collect::<Vec<_>>(), exited);
}

#[test]
fn nothing_is_recorded_unless_asked() {
    assert!(run(DEFINITION, r#"{"order": {"id": 7}}"#, false).data_flow().is_empty());
}

#[test]
fn a_failed_visit_records_its_error() {
    let exec =
        run(r#"{"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E", "Cause": "C"}}}"#, "{}", true);
    assert_eq!(exec.data_flow()[0].failure, Some((Some("E".into()), Some("C".into()))));
}

#[test]
fn variables_over_256_kib_are_refused() {
    let big = "x".repeat(150_000);
    let input = format!(r#"{{"a": "{big}"}}"#);
    let one = run(
        r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Assign": {"a.$": "$.a"}, "End": true}}}"#,
        &input,
        false,
    );
    assert_eq!(one.status(), asl::exec::Status::Succeeded);
    let both = run(
        r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Assign": {"a.$": "$.a", "b.$": "$.a"}, "End": true}}}"#,
        &input,
        false,
    );
    assert_eq!(both.failure().unwrap().error, Some(ErrorName::DataLimitExceeded));
}

/// A JSONata state's visit says so, and records what its Arguments made, its result and Output.
#[cfg(feature = "jsonata")]
#[test]
fn a_jsonata_visit_records_its_arguments_result_and_output() {
    let definition = r#"{"QueryLanguage": "JSONata", "StartAt": "Call", "States": {
        "Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                 "Arguments": {"FunctionName": "f", "Payload": {"n": "{% $states.input.n + 1 %}"}},
                 "Output": "{% $states.result.StatusCode %}", "End": true}}}"#;
    let exec = run(definition, r#"{"n": 1}"#, true);
    let call = &exec.data_flow()[0];
    assert!(call.jsonata);
    let json = |v: &Option<Value>| v.as_ref().map(Value::to_json);
    assert_eq!(json(&call.after_parameters).as_deref(), Some(r#"{"FunctionName":"f","Payload":{"n":2}}"#));
    assert!(run(DEFINITION, r#"{"order": {"id": 7}}"#, true).data_flow().iter().all(|f| !f.jsonata));
}
