//! TestState against AWS's own answers: each case is a state, an input, a mock and the answer AWS
//! gave (recorded in LocalStack's TestState parity snapshots, 2025-11/12,
//! `tests/aws/services/stepfunctions/v2/test_state/test_test_state_scenarios.snapshot.json` and
//! `test_state_configuration.snapshot.json`), written as those snapshots write it: payloads that
//! are JSON objects shown parsed, the others as the API's text.

use asl::exec::test_state::{definition, run, InspectionLevel, Mock, Request};
use asl::Value;

const HELLO: &str = r#"{"Value": "HelloWorld"}"#;
const NESTED: &str = r#"{"initialData": {"fieldFromInput": "value from input", "otherField": "other"}, "unrelatedData": {"someOtherField": 1234}}"#;

/// Tests `state` (one state's definition) at DEBUG and compares the answer with `expected`.
fn give(state: &str, input: &str, mock: Option<&str>, expected: &str) {
    let tested = definition(state).unwrap_or_else(|d| panic!("{state}: {d:?}"));
    let request = Request {
        input: Value::parse(input).unwrap(),
        inspection_level: InspectionLevel::Debug,
        mock: mock.map(|m| Mock::from_json(&Value::parse(m).unwrap()).unwrap()),
        ..Request::default()
    };
    let name = tested.state(None).unwrap();
    let answer = run(&tested.machine, name, &request, None).unwrap_or_else(|e| panic!("{state}: {e}"));
    let got = readable(answer.to_aws_json());
    let expected: serde_json::Value = serde_json::from_str(expected).unwrap();
    assert_eq!(got, expected, "{state}\n{}", serde_json::to_string_pretty(&got).unwrap());
}

/// The API's answer as the recordings show it: a payload holding a JSON object, parsed.
fn readable(mut answer: serde_json::Value) -> serde_json::Value {
    fn parse(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::String(text) if text.starts_with('{') => {
                *v = serde_json::from_str(text).unwrap();
            }
            serde_json::Value::Object(o) => o.values_mut().for_each(parse),
            _ => {}
        }
    }
    parse(&mut answer);
    answer
}

#[test]
fn pass_states() {
    // test_base_inspection_level_debug[BASE_PASS_STATE]
    give(
        r#"{"Type": "Pass", "End": true}"#,
        HELLO,
        None,
        r#"{"output": {"Value": "HelloWorld"}, "status": "SUCCEEDED", "inspectionData": {
            "input": {"Value": "HelloWorld"}, "afterInputPath": {"Value": "HelloWorld"},
            "afterParameters": {"Value": "HelloWorld"}, "afterResultSelector": {"Value": "HelloWorld"},
            "afterResultPath": {"Value": "HelloWorld"}}}"#,
    );
    // [BASE_RESULT_PASS_STATE]: with Result, no afterInputPath nor afterParameters.
    give(
        r#"{"Type": "Pass", "Result": {"resultKey": "result value"}, "End": true}"#,
        HELLO,
        None,
        r#"{"output": {"resultKey": "result value"}, "status": "SUCCEEDED", "inspectionData": {
            "input": {"Value": "HelloWorld"}, "result": {"resultKey": "result value"},
            "afterResultSelector": {"resultKey": "result value"}, "afterResultPath": {"resultKey": "result value"}}}"#,
    );
    // [IO_PASS_STATE]
    give(
        r#"{"Type": "Pass", "InputPath": "$.initialData",
            "Parameters": {"staticValue": "some value", "inputValue.$": "$.fieldFromInput"},
            "ResultPath": "$.modifiedData", "End": true}"#,
        NESTED,
        None,
        r#"{"status": "SUCCEEDED",
            "output": {"initialData": {"fieldFromInput": "value from input", "otherField": "other"},
                "unrelatedData": {"someOtherField": 1234},
                "modifiedData": {"staticValue": "some value", "inputValue": "value from input"}},
            "inspectionData": {
                "input": {"initialData": {"fieldFromInput": "value from input", "otherField": "other"},
                    "unrelatedData": {"someOtherField": 1234}},
                "afterInputPath": {"fieldFromInput": "value from input", "otherField": "other"},
                "afterParameters": {"staticValue": "some value", "inputValue": "value from input"},
                "afterResultSelector": {"staticValue": "some value", "inputValue": "value from input"},
                "afterResultPath": {"initialData": {"fieldFromInput": "value from input", "otherField": "other"},
                    "unrelatedData": {"someOtherField": 1234},
                    "modifiedData": {"staticValue": "some value", "inputValue": "value from input"}}}}"#,
    );
    // [IO_RESULT_PASS_STATE]: Result wins over InputPath and Parameters.
    give(
        r#"{"Type": "Pass", "InputPath": "$.initialData",
            "Parameters": {"staticValue": "some value", "inputValue.$": "$.fieldFromInput"},
            "Result": {"resultKey": "result value"}, "ResultPath": "$.modifiedData", "End": true}"#,
        NESTED,
        None,
        r#"{"status": "SUCCEEDED",
            "output": {"initialData": {"fieldFromInput": "value from input", "otherField": "other"},
                "unrelatedData": {"someOtherField": 1234}, "modifiedData": {"resultKey": "result value"}},
            "inspectionData": {
                "input": {"initialData": {"fieldFromInput": "value from input", "otherField": "other"},
                    "unrelatedData": {"someOtherField": 1234}},
                "result": {"resultKey": "result value"},
                "afterResultSelector": {"resultKey": "result value"},
                "afterResultPath": {"initialData": {"fieldFromInput": "value from input", "otherField": "other"},
                    "unrelatedData": {"someOtherField": 1234}, "modifiedData": {"resultKey": "result value"}}}}"#,
    );
}

#[test]
fn fail_succeed_and_choice_states() {
    // [BASE_FAIL_STATE]
    give(
        r#"{"Type": "Fail", "Error": "SomeFailure", "Cause": "This state machines raises a 'SomeFailure' failure."}"#,
        HELLO,
        None,
        r#"{"error": "SomeFailure", "cause": "This state machines raises a 'SomeFailure' failure.",
            "status": "FAILED",
            "inspectionData": {"input": {"Value": "HelloWorld"}, "afterInputPath": {"Value": "HelloWorld"}}}"#,
    );
    // [BASE_SUCCEED_STATE]
    give(
        r#"{"Type": "Succeed"}"#,
        HELLO,
        None,
        r#"{"output": {"Value": "HelloWorld"}, "status": "SUCCEEDED",
            "inspectionData": {"input": {"Value": "HelloWorld"}, "afterInputPath": {"Value": "HelloWorld"}}}"#,
    );
    // [BASE_CHOICE_STATE]: the next states need not exist.
    give(
        r#"{"Type": "Choice", "Choices": [
            {"Not": {"Variable": "$.type", "StringEquals": "Private"}, "Next": "Public"},
            {"Variable": "$.value", "NumericEquals": 0, "Next": "ValueIsZero"},
            {"And": [{"Variable": "$.value", "NumericGreaterThanEquals": 20},
                     {"Variable": "$.value", "NumericLessThan": 30}], "Next": "ValueInTwenties"}],
            "Default": "DefaultState"}"#,
        r#"{"type": "Private", "value": 22}"#,
        None,
        r#"{"output": {"type": "Private", "value": 22}, "nextState": "ValueInTwenties", "status": "SUCCEEDED",
            "inspectionData": {"input": {"type": "Private", "value": 22}, "afterInputPath": {"type": "Private", "value": 22}}}"#,
    );
}

#[cfg(feature = "jsonata")]
#[test]
fn jsonata_tasks_caught_and_retried() {
    const TASK: &str = r#"{"QueryLanguage": "JSONata", "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Arguments": {"FunctionName": "foo", "Payload": "bar"}, RETRY_OR_CATCH, "End": true}"#;
    let catch = TASK.replace(
        "RETRY_OR_CATCH",
        r#""Catch": [{"ErrorEquals": ["MockException"], "Output": "{% $states.errorOutput %}", "Next": "HandleMockError"},
                     {"ErrorEquals": ["States.TaskFailed"], "Output": "{% $states.errorOutput %}", "Next": "HandleThreshold"}]"#,
    );
    // test_state_task_catch_error[DEBUG] (the recorded Output is all of $states, whose context
    // names AWS's test execution; here its errorOutput part).
    give(
        &catch,
        HELLO,
        Some(r#"{"errorOutput": {"error": "MockException", "cause": "Mock the cause of the error."}}"#),
        r#"{"error": "MockException", "cause": "Mock the cause of the error.", "nextState": "HandleMockError",
            "status": "CAUGHT_ERROR", "output": {"Error": "MockException", "Cause": "Mock the cause of the error."},
            "inspectionData": {"input": {"Value": "HelloWorld"}, "afterArguments": {"FunctionName": "foo", "Payload": "bar"},
                "errorDetails": {"catchIndex": 0}}}"#,
    );
    give(
        &catch,
        HELLO,
        Some(r#"{"errorOutput": {"error": "States.TaskFailed", "cause": "The task failed."}}"#),
        r#"{"error": "States.TaskFailed", "cause": "The task failed.", "nextState": "HandleThreshold",
            "status": "CAUGHT_ERROR", "output": {"Error": "States.TaskFailed", "Cause": "The task failed."},
            "inspectionData": {"input": {"Value": "HelloWorld"}, "afterArguments": {"FunctionName": "foo", "Payload": "bar"},
                "errorDetails": {"catchIndex": 1}}}"#,
    );
    // test_state_configuration_retrier_retry_count, on the first attempt (the recording's fourth
    // retry waits 1 x 2^4 = 16 seconds; the first waits IntervalSeconds).
    let retry = TASK.replace(
        "RETRY_OR_CATCH",
        r#""Retry": [{"ErrorEquals": ["MockException"], "IntervalSeconds": 1, "MaxAttempts": 5, "BackoffRate": 2.0}]"#,
    );
    give(
        &retry,
        r#"{"Values": ["first", "second", "third"]}"#,
        Some(r#"{"errorOutput": {"error": "MockException", "cause": "Mock the cause of the error."}}"#),
        r#"{"error": "MockException", "cause": "Mock the cause of the error.", "status": "RETRIABLE",
            "inspectionData": {"input": {"Values": ["first", "second", "third"]},
                "afterArguments": {"FunctionName": "foo", "Payload": "bar"},
                "errorDetails": {"retryBackoffIntervalSeconds": 1, "retryIndex": 0}}}"#,
    );
}

#[test]
fn what_testing_refuses() {
    let refused = |state: &str, mock: Option<&str>| {
        let tested = definition(state).unwrap();
        let request = Request {
            mock: mock.map(|m| Mock::from_json(&Value::parse(m).unwrap()).unwrap()),
            ..Request::default()
        };
        run(&tested.machine, tested.state(None).unwrap(), &request, None).unwrap_err().to_string()
    };
    let task = r#"{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}"#;
    assert!(refused(task, None).contains("Baton calls no real service"));
    assert_eq!(
        refused(r#"{"Type": "Pass", "End": true}"#, Some(r#"{"result": "{}"}"#)),
        "ValidationException: State type 'Pass' is not supported when a mock is specified"
    );
    let map = r#"{"Type": "Map", "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}"#;
    assert!(
        refused(map, None).starts_with("InvalidDefinition: TestState API does not support Map or Parallel")
    );
    assert_eq!(
        refused(map, Some(r#"{"result": "{}"}"#)),
        "ValidationException: Mocked result must be an array."
    );
    let mock = |m: &str| Mock::from_json(&Value::parse(m).unwrap()).map_err(|e| e.message);
    assert_eq!(mock(r#"{"result": "[1, 2]"}"#), Ok(Mock::Result(Value::parse("[1,2]").unwrap())));
    assert_eq!(mock(r#"{"result": [1, 2]}"#), Ok(Mock::Result(Value::parse("[1,2]").unwrap())));
    assert_eq!(
        mock(r#"{"errorOutput": {"error": "E"}, "fieldValidationMode": "NONE"}"#),
        Ok(Mock::ErrorOutput { error: Some("E".into()), cause: None })
    );
    assert!(mock(r#"{"result": "{}", "errorOutput": {}}"#).unwrap_err().contains("only one of"));
    assert!(mock(r#"{"results": "{}"}"#).unwrap_err().contains("Unknown field 'results'"));
}

#[test]
fn a_state_alone_is_located_in_its_own_text() {
    let errors =
        definition("{\n  \"Type\": \"Pass\",\n  \"ResultPath\": 5,\n  \"End\": true\n}").unwrap_err();
    let places: Vec<_> =
        errors.iter().map(|d| (d.pointer.as_str(), d.span.map(|s| (s.line, s.column)))).collect();
    assert_eq!(places, [("/ResultPath", Some((3, 17)))]);
    // A whole machine names the state to test; one state alone takes no name.
    let machine = definition(r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}"#).unwrap();
    assert_eq!((machine.single_state, machine.state(Some("A"))), (false, Ok("A")));
    assert!(machine.state(None).is_err());
}
