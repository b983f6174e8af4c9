//! Runtime bombs: endless loops, endless retries, Parallel and Map explosions, huge Waits and
//! payloads that grow. Each ends by itself, on AWS's limits (25,000 history events, 256 KiB
//! payloads, 32,768-character causes), within the catalogue's CPU and memory limits.

use crate::structure::machine;
use crate::{Case, Expect};

const LAMBDA: &str = "arn:aws:states:::lambda:invoke";
const CALLBACK: &str = "arn:aws:states:::sqs:sendMessage.waitForTaskToken";

/// `body` (states, one named `Loop`) behind a Choice that ends only when `$.stop` exists, which
/// it never does: validation sees an end, the execution never reaches it.
fn forever(first: &str, body: &str) -> String {
    format!(
        r#"{{"StartAt": "{first}", "States": {{
            "Check": {{"Type": "Choice", "Choices": [{{"Variable": "$.stop", "IsPresent": true, "Next": "Done"}}], "Default": "{first}"}},
            "Done": {{"Type": "Succeed"}},
            {body}}}}}"#
    )
}

fn branch(states: &str, start: &str) -> String {
    format!(r#"{{"StartAt": "{start}", "States": {{{states}}}}}"#)
}

/// A Parallel of `n` branches, each one Pass.
fn parallel(n: usize) -> String {
    let branches = vec![branch(r#""X": {"Type": "Pass", "End": true}"#, "X"); n];
    machine(&format!(r#""A": {{"Type": "Parallel", "End": true, "Branches": [{}]}}"#, branches.join(",")))
}

/// A Map over `$.items` whose iteration is `processor` (states starting at X).
fn map(fields: &str, processor: &str) -> String {
    machine(&format!(
        r#""A": {{"Type": "Map", "ItemsPath": "$.items", {fields} "End": true, "ItemProcessor": {}}}"#,
        branch(processor, "X")
    ))
}

fn items(n: usize) -> String {
    format!(r#"{{"items": [{}]}}"#, vec!["1"; n].join(","))
}

fn string_input(bytes: usize) -> String {
    format!(r#"{{"s": "{}"}}"#, "x".repeat(bytes))
}

/// Every failing retry of a Task answered by a responder that throws.
fn retrying(retry: &str) -> String {
    machine(&format!(r#""A": {{"Type": "Task", "Resource": "{LAMBDA}", "Retry": [{retry}], "End": true}}"#))
}

const THROWS: &str = r#"{"responders": {"A": [{"throw": {"error": "Boom"}}]}}"#;

/// AWS refuses to start an execution whose input is over 256 KiB; baton may refuse it (exit 2)
/// or fail the execution with States.DataLimitExceeded.
pub fn refused_or_data_limit() -> Expect {
    Expect::OneOf(vec![Expect::Ran("FAILED", Some("States.DataLimitExceeded")), Expect::Error("")])
}

fn cause_at_most_32768(report: &serde_json::Value) -> Result<(), String> {
    let cause = report["cause"].as_str().unwrap_or_default();
    match report["status"] == "FAILED" && cause.chars().count() <= 32_768 {
        true => Ok(()),
        false => Err(format!("status {}, cause of {} characters", report["status"], cause.chars().count())),
    }
}

pub fn cases() -> Vec<Case> {
    let cap = || Expect::Ran("FAILED", Some("States.Runtime"));
    let data_limit = || Expect::Ran("FAILED", Some("States.DataLimitExceeded"));
    let pass_loop = forever("Loop", r#""Loop": {"Type": "Pass", "Next": "Check"}"#);
    vec![
        Case::run("bombs/pass-loop", pass_loop.clone(), cap()),
        Case::run("bombs/wait-loop", forever("Loop", r#""Loop": {"Type": "Wait", "Seconds": 1, "Next": "Check"}"#), cap()),
        // A standard execution lasts at most a year.
        Case::run(
            "bombs/wait-loop-of-long-waits",
            forever("Loop", r#""Loop": {"Type": "Wait", "Seconds": 99999999, "Next": "Check"}"#),
            Expect::Ran("TIMED_OUT", None),
        ),
        Case::run(
            "bombs/task-loop",
            forever("Loop", &format!(r#""Loop": {{"Type": "Task", "Resource": "{LAMBDA}", "Next": "Check"}}"#)),
            cap(),
        ),
        Case::run(
            "bombs/catch-loop",
            forever(
                "Loop",
                &format!(
                    r#""Loop": {{"Type": "Task", "Resource": "{LAMBDA}", "Catch": [{{"ErrorEquals": ["States.ALL"], "Next": "Check"}}], "End": true}}"#
                ),
            ),
            cap(),
        )
        .scenario(r#"{"responders": {"Loop": [{"throw": {"error": "Boom"}}]}}"#),
        Case::run(
            "bombs/parallel-loop",
            forever("Loop", &format!(r#""Loop": {{"Type": "Parallel", "Next": "Check", "Branches": [{}]}}"#,
                branch(r#""X": {"Type": "Pass", "End": true}"#, "X"))),
            cap(),
        ),
        Case::run(
            "bombs/map-loop",
            forever("Loop", &format!(
                r#""Loop": {{"Type": "Map", "ItemsPath": "$.items", "ResultPath": null, "Next": "Check", "ItemProcessor": {}}}"#,
                branch(r#""X": {"Type": "Pass", "End": true}"#, "X")
            )),
            cap(),
        )
        .input(items(10)),
        Case::run("bombs/retry-99999999-times", retrying(r#"{"ErrorEquals": ["States.ALL"], "MaxAttempts": 99999999, "IntervalSeconds": 1, "BackoffRate": 1}"#), cap())
            .scenario(THROWS),
        Case::run("bombs/retry-with-exploding-backoff", retrying(r#"{"ErrorEquals": ["States.ALL"], "MaxAttempts": 99999999, "IntervalSeconds": 99999999, "BackoffRate": 99999999}"#), Expect::Ran("TIMED_OUT", None))
            .scenario(THROWS),
        Case::run(
            "bombs/retry-forever-inside-parallel",
            machine(&format!(
                r#""A": {{"Type": "Parallel", "End": true, "Branches": [{}]}}"#,
                branch(&format!(r#""T": {{"Type": "Task", "Resource": "{LAMBDA}", "Retry": [{{"ErrorEquals": ["States.ALL"], "MaxAttempts": 99999999, "IntervalSeconds": 1, "BackoffRate": 1}}], "End": true}}"#), "T")
            )),
            cap(),
        )
        .scenario(r#"{"responders": {"T": [{"throw": {"error": "Boom"}}]}}"#),
        Case::run("bombs/parallel-1000-branches", parallel(1000), Expect::Ran("SUCCEEDED", None)),
        // 13,000 branches: past the 25,000-event cap, within the 1 MB definition limit.
        Case::run("bombs/parallel-13000-branches", parallel(13_000), cap()),
        Case::run("bombs/map-1000-items", map("", r#""X": {"Type": "Pass", "End": true}"#), Expect::Ran("SUCCEEDED", None))
            .input(items(1000)),
        Case::run("bombs/map-100000-items", map("", r#""X": {"Type": "Pass", "End": true}"#), cap()).input(items(100_000)),
        Case::run("bombs/map-100000-items-one-at-a-time", map(r#""MaxConcurrency": 1,"#, r#""X": {"Type": "Pass", "End": true}"#), cap())
            .input(items(100_000)),
        Case::run(
            "bombs/map-of-maps",
            map("", &format!(
                r#""X": {{"Type": "Map", "ItemsPath": "$$.Execution.Input.items", "End": true, "ItemProcessor": {}}}"#,
                branch(r#""Y": {"Type": "Pass", "End": true}"#, "Y")
            )),
            cap(),
        )
        .input(items(1000)),
        // Nobody answers: the execution waits out its year.
        Case::run("bombs/map-of-1000-waiting-callbacks", map("", &format!(r#""X": {{"Type": "Task", "Resource": "{CALLBACK}", "End": true}}"#)), Expect::Ran("TIMED_OUT", None))
            .input(items(1000)),
        Case::run("bombs/map-of-1000-waiting-callbacks-until-event-9", map("", &format!(r#""X": {{"Type": "Task", "Resource": "{CALLBACK}", "End": true}}"#)), Expect::Ran("RUNNING", None))
            .input(items(1000))
            .arg("--until")
            .arg("9"),
        Case::run("bombs/callback-nobody-answers", machine(&format!(r#""A": {{"Type": "Task", "Resource": "{CALLBACK}", "End": true}}"#)), Expect::Ran("TIMED_OUT", None)),
        Case::run(
            "bombs/heartbeat-timeout-of-one-second",
            machine(&format!(r#""A": {{"Type": "Task", "Resource": "{CALLBACK}", "HeartbeatSeconds": 1, "TimeoutSeconds": 99999999, "End": true}}"#)),
            Expect::Ran("FAILED", Some("States.Timeout")),
        ),
        Case::run(
            "bombs/execution-timeout-during-a-long-wait",
            r#"{"StartAt": "A", "TimeoutSeconds": 1, "States": {"A": {"Type": "Wait", "Seconds": 99999999, "End": true}}}"#,
            Expect::Ran("TIMED_OUT", None),
        ),
        Case::run("bombs/wait-u64-max-seconds", machine(r#""A": {"Type": "Wait", "Seconds": 18446744073709551615, "End": true}"#), Expect::Ends),
        Case::run("bombs/wait-seconds-path-1e300", machine(r#""A": {"Type": "Wait", "SecondsPath": "$.s", "End": true}"#), Expect::Ends)
            .arg("--input").arg(r#"{"s": 1e300}"#),
        Case::run("bombs/wait-timestamp-path-year-99999", machine(r#""A": {"Type": "Wait", "TimestampPath": "$.t", "End": true}"#), Expect::Ran("FAILED", Some("States.Runtime")))
            .arg("--input").arg(r#"{"t": "99999-01-01T00:00:00Z"}"#),
        Case::run(
            "bombs/payload-doubling-loop",
            forever("Loop", r#""Loop": {"Type": "Pass", "Parameters": {"a.$": "$", "b.$": "$"}, "Next": "Check"}"#),
            data_limit(),
        ),
        Case::run(
            "bombs/json-to-string-growth-loop",
            forever("Loop", r#""Loop": {"Type": "Pass", "Parameters": {"s.$": "States.JsonToString($)", "t.$": "States.JsonToString($)"}, "Next": "Check"}"#),
            data_limit(),
        ),
        Case::run("bombs/pass-output-over-256-kib", machine(r#""A": {"Type": "Pass", "Parameters": {"a.$": "$.s", "b.$": "$.s"}, "End": true}"#), data_limit())
            .input(string_input(200_000)),
        Case::run("bombs/parallel-output-over-256-kib", {
            let b = branch(r#""X": {"Type": "Pass", "End": true}"#, "X");
            machine(&format!(r#""A": {{"Type": "Parallel", "End": true, "Branches": [{}]}}"#, vec![b; 10].join(",")))
        }, data_limit())
        .input(string_input(100_000)),
        Case::run("bombs/map-output-over-256-kib", map(r#""ItemSelector": {"s.$": "$$.Execution.Input.s"},"#, r#""X": {"Type": "Pass", "End": true}"#), data_limit())
            .input(format!(r#"{{"s": "{}", "items": [{}]}}"#, "x".repeat(10_000), vec!["1"; 100].join(","))),
        Case::run("bombs/execution-input-over-256-kib", machine(r#""A": {"Type": "Succeed"}"#), refused_or_data_limit())
            .input(string_input(300_000)),
        // The same input from the scenario, which baton cannot refuse by the file's size.
        Case::run("bombs/scenario-input-over-256-kib", machine(r#""A": {"Type": "Succeed"}"#), refused_or_data_limit())
            .scenario(format!(r#"{{"input": {}}}"#, string_input(300_000))),
        Case::run("bombs/task-result-over-256-kib", machine(&format!(r#""A": {{"Type": "Task", "Resource": "{LAMBDA}", "End": true}}"#)), data_limit())
            .scenario(format!(r#"{{"responders": {{"A": [{{"return": "{}"}}]}}}}"#, "x".repeat(300_000))),
        Case::run("bombs/fail-cause-of-100000-characters", machine(&format!(r#""A": {{"Type": "Fail", "Error": "E", "Cause": "{}"}}"#, "c".repeat(100_000))), Expect::Report(cause_at_most_32768)),
        Case::run("bombs/thrown-cause-of-100000-characters", machine(&format!(r#""A": {{"Type": "Task", "Resource": "{LAMBDA}", "End": true}}"#)), Expect::Report(cause_at_most_32768))
            .scenario(format!(r#"{{"responders": {{"A": [{{"throw": {{"error": "E", "cause": "{}"}}}}]}}}}"#, "c".repeat(100_000))),
        Case::run("bombs/history-cap-with-history-printed", pass_loop.clone(), cap()).arg("--history"),
        Case::run("bombs/history-cap-with-history-to-head", pass_loop.clone(), Expect::Quiet(0))
            .arg("--history")
            .stdout(crate::Sink::Head),
        Case::run("bombs/history-cap-with-history-file", pass_loop.clone(), cap()).arg("--history-file").arg("history.json"),
        Case::run("bombs/no-history-cap-pass-loop", pass_loop.clone(), Expect::Ends)
            .scenario(r#"{"context": {"maxHistoryEvents": null}}"#),
        Case::run("bombs/history-cap-of-one-event", pass_loop.clone(), cap()).scenario(r#"{"context": {"maxHistoryEvents": 1}}"#),
        Case::run("bombs/history-cap-of-zero-events", pass_loop, Expect::Ends).scenario(r#"{"context": {"maxHistoryEvents": 0}}"#),
        Case::run("bombs/until-an-event-past-the-cap", forever("Loop", r#""Loop": {"Type": "Pass", "Next": "Check"}"#), cap())
            .arg("--until").arg("99999999"),
        // The loop never waits, so its first step runs to the cap.
        Case::run("bombs/until-event-one-of-a-loop", forever("Loop", r#""Loop": {"Type": "Pass", "Next": "Check"}"#), cap())
            .arg("--until").arg("1"),
    ]
}
