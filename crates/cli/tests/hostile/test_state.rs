//! `baton test-state`: hostile mocks, inputs and variables are one `baton:` line; hostile but
//! valid states (loops, absurd waits and backoffs, big mocked results) answer, and end.

use crate::structure::machine;
use crate::{Case, Expect};

const DEFINITION: &str = crate::harness::DEFINITION;
const LAMBDA: &str = "arn:aws:states:::lambda:invoke";

/// `baton test-state definition.asl.json ARGS...` with this definition.
fn test_state(name: &str, definition: impl Into<Vec<u8>>, args: &[&str], expect: Expect) -> Case {
    let mut case = Case::command(&format!("test-state/{name}"), &["test-state", DEFINITION], expect)
        .file(DEFINITION, definition);
    for arg in args {
        case = case.arg(*arg);
    }
    case
}

/// Arrays inside arrays: 2 bytes a level, and Linux takes at most 128 KiB in one argument.
fn nested(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

pub fn cases() -> Vec<Case> {
    let task = format!(r#"{{"Type": "Task", "Resource": "{LAMBDA}", "End": true}}"#);
    let deep_result = format!(r#"{{"result": "{}"}}"#, nested(50_000));
    let deep_input = nested(50_000);
    let wide_mock = format!(r#"{{"result": "[{}0]"}}"#, "0,".repeat(50_000));
    let map = r#"{"Type": "Map", "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
                  "ResultSelector": {"n.$": "States.ArrayLength($)"}, "End": true}"#;
    let many_variables =
        format!("{{{}}}", (0..5_000).map(|i| format!(r#""v{i}": {i}"#)).collect::<Vec<_>>().join(", "));
    vec![
        test_state(
            "mock-nested-50000-deep",
            task.clone(),
            &["--mock", &deep_result],
            Expect::Error("--mock is not valid"),
        ),
        test_state(
            "input-nested-50000-deep",
            task.clone(),
            &["--input", &deep_input],
            Expect::Error("--input is not valid JSON"),
        ),
        test_state(
            "mock-is-not-an-object",
            task.clone(),
            &["--mock", "[]"],
            Expect::Error("--mock is not valid"),
        ),
        test_state(
            "variables-are-a-string",
            task.clone(),
            &["--variables", r#""x""#],
            Expect::Error("--variables must be"),
        ),
        test_state(
            "five-thousand-variables",
            r#"{"Type": "Pass", "End": true}"#,
            &["--variables", &many_variables, "--inspection-level", "DEBUG"],
            Expect::Ran("SUCCEEDED", None),
        ),
        test_state(
            "map-mocked-with-50000-results",
            map,
            &["--input", "[1, 2, 3]", "--mock", &wide_mock],
            Expect::Ran("SUCCEEDED", None),
        ),
        test_state(
            "state-alone-goes-to-itself",
            r#"{"Type": "Pass", "Next": "StateName"}"#,
            &[],
            Expect::Ran("SUCCEEDED", None),
        ),
        test_state(
            "choice-loops-to-itself",
            machine(
                r#""A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": false, "Next": "A"}], "Default": "A"}"#,
            ),
            &["--state", "A"],
            Expect::Ran("SUCCEEDED", None),
        ),
        test_state(
            "wait-until-the-year-9999",
            r#"{"Type": "Wait", "Timestamp": "9999-12-31T23:59:59Z", "End": true}"#,
            &[],
            Expect::Ran("FAILED", Some("States.Runtime")),
        ),
        test_state(
            "retry-backoff-past-u64",
            format!(
                r#"{{"Type": "Task", "Resource": "{LAMBDA}", "End": true,
                     "Retry": [{{"ErrorEquals": ["E"], "IntervalSeconds": 99999999, "BackoffRate": 1e300, "MaxAttempts": 99999999}}]}}"#
            ),
            &["--mock", r#"{"errorOutput": {"error": "E"}}"#, "--inspection-level", "DEBUG"],
            Expect::OneOf(vec![Expect::Ran("RETRIABLE", Some("E")), Expect::Refused(DEFINITION, "")]),
        ),
    ]
}
