//! Scenario files: malformed ones are located errors in the scenario; hostile responders and
//! huge call lists run, and end.

use crate::structure::machine;
use crate::{Case, Expect};

const SCENARIO: &str = "scenario.json";
const CALLBACK: &str = "arn:aws:states:::sqs:sendMessage.waitForTaskToken";
const LAMBDA: &str = "arn:aws:states:::lambda:invoke";

/// A callback Task `Wait4It` with a timeout, then success.
fn callback_machine() -> String {
    machine(&format!(
        r#""A": {{"Type": "Pass", "Next": "Wait4It"}},
           "Wait4It": {{"Type": "Task", "Resource": "{CALLBACK}", "TimeoutSeconds": 3600, "HeartbeatSeconds": 600, "End": true,
                        "Parameters": {{"QueueUrl": "q", "MessageBody": {{"token.$": "$$.Task.Token"}}}}}}"#
    ))
}

/// Scenarios the format refuses: (name, text, what the located error says).
const MALFORMED: &[(&str, &str, &str)] = &[
    ("empty", "", ""),
    ("not-json", "responders: none", ""),
    ("trailing-comma", r#"{"responders": {},}"#, ""),
    ("array", "[]", "object"),
    ("string", r#""scenario""#, "object"),
    ("unknown-field", r#"{"responder": {}}"#, "not a scenario field"),
    ("responders-array", r#"{"responders": []}"#, ""),
    ("responder-not-a-list", r#"{"responders": {"Wait4It": {"return": 1}}}"#, ""),
    ("response-not-an-object", r#"{"responders": {"Wait4It": [1]}}"#, ""),
    ("response-of-no-kind", r#"{"responders": {"Wait4It": [{}]}}"#, ""),
    ("callback-maybe", r#"{"responders": {"Wait4It": [{"callback": "maybe"}]}}"#, ""),
    ("callback-after-negative", r#"{"responders": {"Wait4It": [{"callback": "success", "after": -1}]}}"#, ""),
    ("callback-after-string", r#"{"responders": {"Wait4It": [{"callback": "success", "after": "1"}]}}"#, ""),
    ("heartbeats-not-a-list", r#"{"responders": {"Wait4It": [{"callback": "none", "heartbeats": 5}]}}"#, ""),
    (
        "heartbeat-negative",
        r#"{"responders": {"Wait4It": [{"callback": "none", "heartbeats": [1, -1]}]}}"#,
        "",
    ),
    ("throw-not-an-object", r#"{"responders": {"Wait4It": [{"throw": "Boom"}]}}"#, ""),
    ("throw-error-number", r#"{"responders": {"Wait4It": [{"throw": {"error": 1}}]}}"#, ""),
    ("calls-object", r#"{"calls": {}}"#, ""),
    ("call-without-action", r#"{"calls": [{"state": "Wait4It"}]}"#, ""),
    ("call-unknown-action", r#"{"calls": [{"action": "SendTaskMaybe", "state": "Wait4It"}]}"#, ""),
    ("call-without-target", r#"{"calls": [{"action": "SendTaskSuccess"}]}"#, ""),
    ("call-at-negative", r#"{"calls": [{"at": -5, "action": "StopExecution"}]}"#, ""),
    (
        "call-output-text-number",
        r#"{"calls": [{"action": "SendTaskSuccess", "state": "Wait4It", "outputText": 1}]}"#,
        "",
    ),
    ("context-array", r#"{"context": []}"#, ""),
    ("context-seed-negative", r#"{"context": {"seed": -1}}"#, ""),
    ("context-seed-string", r#"{"context": {"seed": "7"}}"#, ""),
    ("context-start-time-garbage", r#"{"context": {"startTime": "yesterday"}}"#, ""),
    ("context-start-time-before-1970", r#"{"context": {"startTime": "1969-12-31T23:59:59Z"}}"#, ""),
    ("context-max-history-string", r#"{"context": {"maxHistoryEvents": "25000"}}"#, ""),
    ("context-max-history-negative", r#"{"context": {"maxHistoryEvents": -1}}"#, ""),
    ("context-name-number", r#"{"context": {"executionName": 1}}"#, ""),
    ("expect-without-status", r#"{"expect": {"error": "E"}}"#, ""),
    // States that are not there, or not Task states.
    ("responder-for-a-missing-state", r#"{"responders": {"WaitForIt": [{"return": 1}]}}"#, "Wait4It"),
    ("responder-for-a-pass-state", r#"{"responders": {"A": [{"return": 1}]}}"#, "Pass state"),
    ("responder-for-an-empty-name", r#"{"responders": {"": []}}"#, "no state named"),
    (
        "call-to-a-missing-state",
        r#"{"calls": [{"action": "SendTaskSuccess", "state": "Nope"}]}"#,
        "no state named",
    ),
    ("responders-for-many-missing-states", "MANY", "no state named"),
];

pub fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for &(name, text, says) in MALFORMED {
        let text = match text {
            "MANY" => format!(
                r#"{{"responders": {{{}}}}}"#,
                (0..100_000).map(|i| format!(r#""S{i}": []"#)).collect::<Vec<_>>().join(",")
            ),
            other => other.to_string(),
        };
        cases.push(
            Case::run(&format!("scenarios/{name}"), callback_machine(), Expect::Refused(SCENARIO, says))
                .scenario(text),
        );
    }
    cases.extend(running());
    cases
}

/// Scenarios that are valid and hostile: they run.
fn running() -> Vec<Case> {
    let calls = |n: usize, call: &dyn Fn(usize) -> String| {
        format!(r#"{{"calls": [{}]}}"#, (0..n).map(call).collect::<Vec<_>>().join(","))
    };
    let responses = |n: usize, response: &str| {
        format!(r#"{{"responders": {{"Wait4It": [{}]}}}}"#, vec![response; n].join(","))
    };
    let succeeded = || Expect::Ran("SUCCEEDED", None);
    let lambda_loop = machine(&format!(
        r#""A": {{"Type": "Task", "Resource": "{LAMBDA}", "Retry": [{{"ErrorEquals": ["States.ALL"], "MaxAttempts": 3}}], "End": true}}"#
    ));
    vec![
        Case::run("scenarios/a-byte-order-mark", callback_machine(), succeeded())
            .scenario(format!("\u{feff}{}", r#"{"responders": {"Wait4It": [{"callback": "success"}]}}"#)),
        Case::run("scenarios/not-utf8", callback_machine(), Expect::Refused(SCENARIO, "UTF-8"))
            .scenario(&b"{\"comment\": \"\xff\"}"[..]),
        Case::run("scenarios/86400-heartbeats-after-the-end", callback_machine(), succeeded()).scenario(format!(
            r#"{{"responders": {{"Wait4It": [{{"callback": "success"}}]}}, "calls": [{}]}}"#,
            (1..=86_400).map(|s| format!(r#"{{"at": {s}, "action": "SendTaskHeartbeat", "state": "Wait4It"}}"#)).collect::<Vec<_>>().join(",")
        )),
        Case::run(
            "scenarios/100000-calls-at-one-instant",
            callback_machine(),
            succeeded(),
        )
        .scenario(calls(100_000, &|_| r#"{"at": 10, "action": "SendTaskSuccess", "state": "Wait4It"}"#.into())),
        Case::run("scenarios/100000-calls-to-literal-tokens", callback_machine(), Expect::Ran("FAILED", Some("States.Timeout")))
            .scenario(calls(100_000, &|i| format!(r#"{{"at": {i}, "action": "SendTaskHeartbeat", "token": "t{i}"}}"#))),
        Case::run("scenarios/10000-stop-executions", callback_machine(), Expect::Ran("ABORTED", None))
            .scenario(calls(10_000, &|_| r#"{"at": 1, "action": "StopExecution"}"#.into())),
        Case::run("scenarios/100000-heartbeats-from-a-responder", callback_machine(), succeeded()).scenario(format!(
            r#"{{"responders": {{"Wait4It": [{{"callback": "success", "after": 3000, "heartbeats": [{}]}}]}}}}"#,
            (0..100_000).map(|i| (i % 3000).to_string()).collect::<Vec<_>>().join(",")
        )),
        Case::run("scenarios/100000-responses-for-one-state", callback_machine(), succeeded())
            .scenario(responses(100_000, r#"{"callback": "success"}"#)),
        Case::run("scenarios/responses-run-out", lambda_loop.clone(), Expect::Ran("FAILED", Some("Baton.NoResponse")))
            .scenario(r#"{"responders": {"A": [{"throw": {"error": "E"}}]}}"#),
        Case::run("scenarios/callback-after-1e300-seconds", callback_machine(), Expect::Ran("FAILED", Some("States.Timeout")))
            .scenario(r#"{"responders": {"Wait4It": [{"callback": "success", "after": 1e300, "heartbeats": [1e300]}]}}"#),
        Case::run("scenarios/call-at-1e300-seconds", callback_machine(), Expect::Ran("FAILED", Some("States.Timeout")))
            .scenario(r#"{"calls": [{"at": 1e300, "action": "StopExecution"}]}"#),
        Case::run("scenarios/success-output-not-json", callback_machine(), Expect::Ran("FAILED", Some("States.Timeout")))
            .scenario(r#"{"calls": [{"at": 1, "action": "SendTaskSuccess", "state": "Wait4It", "outputText": "{not json"}]}"#),
        Case::run("scenarios/success-output-over-256-kib", callback_machine(), Expect::Ran("FAILED", Some("States.Timeout")))
            .scenario(format!(
                r#"{{"calls": [{{"at": 1, "action": "SendTaskSuccess", "state": "Wait4It", "outputText": "\"{}\""}}]}}"#,
                "x".repeat(300_000)
            )),
        Case::run("scenarios/failure-cause-of-a-megabyte", callback_machine(), Expect::Report(failed_with_short_cause))
            .scenario(format!(
                r#"{{"calls": [{{"at": 1, "action": "SendTaskFailure", "state": "Wait4It", "error": "E", "cause": "{}"}}]}}"#,
                "c".repeat(1 << 20)
            )),
        Case::run("scenarios/failure-error-of-a-megabyte", callback_machine(), Expect::Ends).scenario(format!(
            r#"{{"calls": [{{"at": 1, "action": "SendTaskFailure", "state": "Wait4It", "error": "{}"}}]}}"#,
            "e".repeat(1 << 20)
        )),
        Case::run("scenarios/token-of-a-megabyte", callback_machine(), Expect::Ran("FAILED", Some("States.Timeout")))
            .scenario(format!(r#"{{"calls": [{{"at": 1, "action": "SendTaskHeartbeat", "token": "{}"}}]}}"#, "t".repeat(1 << 20))),
        Case::run("scenarios/deeply-nested-output", callback_machine(), Expect::Ends).scenario(format!(
            r#"{{"responders": {{"Wait4It": [{{"callback": "success", "output": {}1{}}}]}}}}"#,
            "[".repeat(120),
            "]".repeat(120)
        )),
        Case::run("scenarios/scenario-input-of-deep-nesting", callback_machine(), Expect::Ends)
            .scenario(format!(r#"{{"input": {}1{}}}"#, "[".repeat(127), "]".repeat(127))),
        Case::run("scenarios/unknown-field-of-a-megabyte", callback_machine(), Expect::Refused(SCENARIO, "not a scenario field"))
            .scenario(format!(r#"{{"{}": 1}}"#, "k".repeat(1 << 20))),
        Case::run("scenarios/missing-state-of-a-megabyte", callback_machine(), Expect::Refused(SCENARIO, "no state named"))
            .scenario(format!(r#"{{"responders": {{"{}": []}}}}"#, "k".repeat(1 << 20))),
        Case::run("scenarios/max-history-events-huge", callback_machine(), Expect::Ran("FAILED", Some("States.Timeout")))
            .scenario(r#"{"context": {"maxHistoryEvents": 18446744073709551615}}"#),
        Case::run("scenarios/seed-u64-max", callback_machine(), Expect::Ran("FAILED", Some("States.Timeout")))
            .scenario(r#"{"context": {"seed": 18446744073709551615}}"#),
        // No time exists past the calendar's end: the execution times out there.
        Case::run("scenarios/start-time-year-9999", callback_machine(), Expect::Ran("TIMED_OUT", Some("States.Timeout")))
            .scenario(r#"{"context": {"startTime": "9999-12-31T23:59:59Z"}}"#),
        Case::run("scenarios/execution-name-of-a-megabyte", callback_machine(), Expect::Ends)
            .scenario(format!(r#"{{"context": {{"executionName": "{}"}}}}"#, "n".repeat(1 << 20))),
        Case::run("scenarios/directory", callback_machine(), Expect::Error("cannot read the scenario"))
            .arg("--scenario").arg("."),
        Case::run("scenarios/missing-file", callback_machine(), Expect::Error("cannot read the scenario"))
            .arg("--scenario").arg("no-such-scenario.json"),
        Case::run("scenarios/dev-zero", callback_machine(), Expect::Error("larger than"))
            .arg("--scenario").arg("/dev/zero"),
        Case::run("scenarios/dev-null", callback_machine(), Expect::Refused("/dev/null", ""))
            .arg("--scenario").arg("/dev/null"),
    ]
}

fn failed_with_short_cause(report: &serde_json::Value) -> Result<(), String> {
    let cause = report["cause"].as_str().unwrap_or_default().chars().count();
    match report["status"] == "FAILED" && cause <= 32_768 {
        true => Ok(()),
        false => Err(format!("status {}, cause of {cause} characters", report["status"])),
    }
}
