//! `baton test-state`: one state run once, answered as AWS's TestState API answers. Each case is
//! snapshotted at INFO and at DEBUG (the answer as the API returns it, payloads as JSON text);
//! refusals are one line on stderr and exit 2.

mod common;

use common::baton;

const FIXTURES: &str = "crates/cli/tests/fixtures/test_state";

/// `baton test-state FIXTURE ARGS... --inspection-level LEVEL`: its standard output, after
/// checking that it succeeded and said nothing on stderr.
fn test_state(fixture: &str, args: &[&str], level: &str) -> String {
    let file = format!("{FIXTURES}/{fixture}");
    let mut all = vec!["test-state", &file];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--inspection-level", level]);
    let (code, stdout, stderr) = baton(&all);
    assert_eq!((code, stderr.as_str()), (0, ""), "baton {}", all.join(" "));
    stdout
}

/// Snapshots a case at INFO and at DEBUG; TRACE answers as DEBUG (no HTTP Task calls anything).
fn at_info_and_debug(name: &str, fixture: &str, args: &[&str]) {
    insta::assert_snapshot!(format!("{name}-info"), test_state(fixture, args, "INFO"));
    let debug = test_state(fixture, args, "DEBUG");
    assert_eq!(test_state(fixture, args, "TRACE"), debug, "{name}: TRACE differs from DEBUG");
    insta::assert_snapshot!(format!("{name}-debug"), debug);
}

const ORDER: &str = r#"{"order": {"id": "o-1", "total": 42}}"#;

#[test]
fn a_task_with_parameters_result_selector_and_result_path_answered_by_a_mock() {
    let mock = r#"{"result": "{\"Payload\": {\"chargeId\": \"ch_1\", \"status\": \"captured\"}, \"StatusCode\": 200}"}"#;
    at_info_and_debug("task", "order.asl.json", &["--state", "Charge", "--input", ORDER, "--mock", mock]);
}

#[test]
fn a_failure_a_retrier_takes_is_retriable_with_its_backoff() {
    let mock = r#"{"errorOutput": {"error": "Lambda.TooManyRequestsException", "cause": "Rate exceeded"}}"#;
    at_info_and_debug("retry", "order.asl.json", &["--state", "Charge", "--input", ORDER, "--mock", mock]);
}

#[test]
fn a_failure_a_catcher_takes_goes_to_its_next_state() {
    let mock = r#"{"errorOutput": {"error": "Card.Declined", "cause": "Insufficient funds"}}"#;
    at_info_and_debug("catch", "order.asl.json", &["--state", "Charge", "--input", ORDER, "--mock", mock]);
    // The second catcher, States.ALL: catchIndex 1.
    let mock = r#"{"errorOutput": {"error": "States.TaskFailed", "cause": "The task failed."}}"#;
    let answer =
        test_state("order.asl.json", &["--state", "Charge", "--input", ORDER, "--mock", mock], "DEBUG");
    assert!(answer.contains(r#""catchIndex": 1"#) && answer.contains(r#""nextState": "Refund""#), "{answer}");
}

#[test]
fn a_choice_names_the_next_state() {
    let input = r#"{"charge": {"status": "pending"}}"#;
    at_info_and_debug("choice", "order.asl.json", &["--state", "Route", "--input", input]);
}

#[test]
fn a_jsonata_task_with_variables_assign_and_output() {
    let args = [
        "--state",
        "Greet",
        "--input",
        r#"{"user": {"name": "Ana"}}"#,
        "--variables",
        r#"{"greeting": "Hello", "greeted": 2}"#,
        "--mock",
        r#"{"result": {"Payload": {"message": "Hello, Ana"}}}"#,
    ];
    at_info_and_debug("jsonata", "greet.asl.json", &args);
}

#[test]
fn one_state_alone_in_the_file() {
    at_info_and_debug("one-state", "choice.json", &["--input", r#"{"type": "Private", "value": 22}"#]);
}

#[test]
fn map_parallel_and_wait_states() {
    let labels = r#"{"result": "[{\"label\": \"L1\"}, {\"label\": \"L2\"}]"}"#;
    let parcels = r#"{"parcels": ["p1", "p2"]}"#;
    at_info_and_debug("map", "fan-out.asl.json", &["--state", "Each", "--input", parcels, "--mock", labels]);
    let busy = r#"{"errorOutput": {"error": "Carrier.Busy"}}"#;
    at_info_and_debug("parallel-retry", "fan-out.asl.json", &["--state", "Both", "--mock", busy]);
    // A callback Task inside the Map's iterations, with its token in the parameters.
    let label = r#"{"result": "{\"label\": \"L1\"}"}"#;
    let parcel = r#"{"parcel": "p1"}"#;
    let answer =
        test_state("fan-out.asl.json", &["--state", "Label", "--input", parcel, "--mock", label], "INFO");
    assert!(answer.contains(r#""status": "SUCCEEDED""#), "{answer}");
    // A Wait state five years ahead: the virtual clock gets there at once.
    let answer = test_state("fan-out.asl.json", &["--state", "Cool off"], "INFO");
    assert!(answer.contains(r#""status": "SUCCEEDED""#) && !answer.contains("nextState"), "{answer}");
}

#[test]
fn a_task_without_a_mock_gets_the_stand_in_and_says_so() {
    let file = format!("{FIXTURES}/order.asl.json");
    let (code, stdout, stderr) = baton(&["test-state", &file, "--state", "Charge", "--input", ORDER]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("Baton's stand-in for arn:aws:states:::lambda:invoke"), "{stderr}");
    // The stand-in echoes the payload, so this ResultSelector finds no chargeId.
    assert!(stdout.contains(r#""error": "States.Runtime""#), "{stdout}");
}

#[test]
fn bad_requests_are_refused_with_one_line() {
    let order = format!("{FIXTURES}/order.asl.json");
    let fan_out = format!("{FIXTURES}/fan-out.asl.json");
    let choice = format!("{FIXTURES}/choice.json");
    let cases: &[&[&str]] = &[
        &[&order, "--state", "Nope"],
        &[&order],
        &[&choice, "--state", "Route"],
        &[&format!("{FIXTURES}/invalid-state.json")],
        &[&format!("{FIXTURES}/not-json.json")],
        &[&order, "--state", "Charge", "--mock", r#"{"result": "{}", "errorOutput": {"error": "E"}}"#],
        &[&order, "--state", "Charge", "--mock", r#"{"result": "not JSON"}"#],
        &[
            &order,
            "--state",
            "Charge",
            "--mock",
            r#"{"errorOutput": {"error": "E"}, "fieldValidationMode": "LAX"}"#,
        ],
        &[&order, "--state", "Charge", "--mock", "{result:"],
        &[&order, "--state", "Charge", "--input", "{bad json"],
        &[&order, "--state", "Charge", "--variables", "[1, 2]"],
        &[&order, "--state", "Charge", "--variables", r#"{"x.y": 1}"#],
        &[&order, "--state", "Ship", "--mock", r#"{"result": "{}"}"#],
        &[&fan_out, "--state", "Each"],
        &[&fan_out, "--state", "Both", "--mock", r#"{"result": "[1, 2, 3]"}"#],
        &[&fan_out, "--state", "Label"],
    ];
    let mut report = String::new();
    for args in cases {
        let mut all = vec!["test-state"];
        all.extend_from_slice(args);
        let (code, stdout, stderr) = baton(&all);
        assert_eq!((code, stdout.as_str()), (2, ""), "baton {}", all.join(" "));
        report.push_str(&format!("$ baton {}\n{stderr}\n", all.join(" ")));
    }
    insta::assert_snapshot!(report);
}

#[test]
fn usage_errors_show_the_usage() {
    let order = format!("{FIXTURES}/order.asl.json");
    for (args, says) in [
        (vec!["test-state"], "test-state needs a FILE"),
        (vec!["test-state", &order, "--inspection-level", "debug"], "must be INFO, DEBUG or TRACE"),
        (vec!["test-state", &order, "--state"], "--state needs a value"),
        (vec!["test-state", &order, "--state", "A", "--state", "B"], "--state is given twice"),
        (vec!["test-state", &order, "--history"], "unknown option '--history'"),
    ] {
        let (code, _, stderr) = baton(&args);
        assert_eq!(code, 2, "{args:?}");
        assert!(stderr.contains(says) && stderr.contains("usage:"), "{args:?}: {stderr}");
    }
}
