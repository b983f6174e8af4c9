//! Definitions that are JSON but not state machines, or state machines at the edge of what is
//! allowed: each is a located error, or valid and runs.

use crate::{Case, Expect};

/// A machine starting at `A` with these states (the inside of `"States": {...}`).
pub fn machine(states: &str) -> String {
    format!(r#"{{"StartAt": "A", "States": {{{states}}}}}"#)
}

const LAMBDA: &str = "arn:aws:states:::lambda:invoke";

/// (name, definition, the error's words) for definitions that are not valid.
fn invalid() -> Vec<(&'static str, String, &'static str)> {
    let task =
        |fields: &str| machine(&format!(r#""A": {{"Type": "Task", "Resource": "{LAMBDA}", {fields}}}"#));
    let pass = |fields: &str| machine(&format!(r#""A": {{"Type": "Pass", {fields}}}"#));
    vec![
        ("empty-object", "{}".into(), ""),
        ("no-start-at", r#"{"States": {"A": {"Type": "Succeed"}}}"#.into(), "StartAt"),
        ("no-states", r#"{"StartAt": "A"}"#.into(), "States"),
        ("start-at-missing-state", r#"{"StartAt": "B", "States": {"A": {"Type": "Succeed"}}}"#.into(), ""),
        ("start-at-number", r#"{"StartAt": 1, "States": {"A": {"Type": "Succeed"}}}"#.into(), ""),
        ("start-at-empty", r#"{"StartAt": "", "States": {"A": {"Type": "Succeed"}}}"#.into(), ""),
        ("states-empty", r#"{"StartAt": "A", "States": {}}"#.into(), ""),
        ("states-array", r#"{"StartAt": "A", "States": [{"Type": "Succeed"}]}"#.into(), ""),
        ("states-null", r#"{"StartAt": "A", "States": null}"#.into(), ""),
        ("state-not-object", machine(r#""A": "Succeed""#), ""),
        ("state-without-type", machine(r#""A": {"End": true}"#), "Type"),
        ("unknown-type", machine(r#""A": {"Type": "Sleep", "End": true}"#), ""),
        ("type-lowercase", machine(r#""A": {"Type": "pass", "End": true}"#), ""),
        ("type-number", machine(r#""A": {"Type": 5, "End": true}"#), ""),
        ("next-missing-state", pass(r#""Next": "B""#), ""),
        (
            "next-and-end",
            machine(r#""A": {"Type": "Pass", "Next": "B", "End": true}, "B": {"Type": "Succeed"}"#),
            "",
        ),
        ("neither-next-nor-end", pass(r#""Comment": "stuck""#), ""),
        ("end-false", pass(r#""End": false"#), ""),
        ("end-string", pass(r#""End": "true""#), ""),
        ("unknown-field", pass(r#""End": true, "Nxet": "B""#), ""),
        (
            "unknown-top-level-field",
            r#"{"StartAt": "A", "Sates": {}, "States": {"A": {"Type": "Succeed"}}}"#.into(),
            "",
        ),
        ("succeed-with-next", machine(r#""A": {"Type": "Succeed", "Next": "A"}"#), ""),
        ("fail-with-end", machine(r#""A": {"Type": "Fail", "End": true}"#), ""),
        (
            "choice-without-choices",
            machine(r#""A": {"Type": "Choice", "Default": "B"}, "B": {"Type": "Succeed"}"#),
            "",
        ),
        (
            "choice-empty-choices",
            machine(r#""A": {"Type": "Choice", "Choices": [], "Default": "B"}, "B": {"Type": "Succeed"}"#),
            "",
        ),
        (
            "choice-rule-without-next",
            machine(r#""A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": true}]}"#),
            "",
        ),
        (
            "choice-two-comparisons",
            machine(
                r#""A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "NumericEquals": 1, "StringEquals": "a", "Next": "B"}]}, "B": {"Type": "Succeed"}"#,
            ),
            "",
        ),
        (
            "choice-default-missing",
            machine(
                r#""A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsNull": true, "Next": "B"}], "Default": "Z"}, "B": {"Type": "Succeed"}"#,
            ),
            "",
        ),
        (
            "choice-with-end",
            machine(
                r#""A": {"Type": "Choice", "End": true, "Choices": [{"Variable": "$.x", "IsNull": true, "Next": "A"}]}"#,
            ),
            "",
        ),
        ("wait-without-duration", pass(r#""End": true"#).replace("Pass", "Wait"), ""),
        (
            "wait-two-durations",
            machine(
                r#""A": {"Type": "Wait", "Seconds": 1, "Timestamp": "2026-01-01T00:00:00Z", "End": true}"#,
            ),
            "",
        ),
        ("wait-negative-seconds", machine(r#""A": {"Type": "Wait", "Seconds": -1, "End": true}"#), ""),
        ("wait-fractional-seconds", machine(r#""A": {"Type": "Wait", "Seconds": 1.5, "End": true}"#), ""),
        (
            "wait-bad-timestamp",
            machine(r#""A": {"Type": "Wait", "Timestamp": "2026-13-45T99:99:99Z", "End": true}"#),
            "",
        ),
        (
            "wait-seconds-path-not-a-path",
            machine(r#""A": {"Type": "Wait", "SecondsPath": "seconds", "End": true}"#),
            "",
        ),
        ("parallel-without-branches", machine(r#""A": {"Type": "Parallel", "End": true}"#), ""),
        (
            "parallel-branch-not-machine",
            machine(r#""A": {"Type": "Parallel", "Branches": [{}], "End": true}"#),
            "",
        ),
        (
            "parallel-branch-next-outside",
            machine(
                r#""A": {"Type": "Parallel", "Branches": [{"StartAt": "X", "States": {"X": {"Type": "Pass", "Next": "B"}}}], "Next": "B"}, "B": {"Type": "Succeed"}"#,
            ),
            "",
        ),
        ("map-without-processor", machine(r#""A": {"Type": "Map", "End": true}"#), ""),
        ("map-processor-empty", machine(r#""A": {"Type": "Map", "ItemProcessor": {}, "End": true}"#), ""),
        (
            "map-negative-concurrency",
            machine(
                r#""A": {"Type": "Map", "MaxConcurrency": -1, "ItemProcessor": {"StartAt": "X", "States": {"X": {"Type": "Succeed"}}}, "End": true}"#,
            ),
            "",
        ),
        ("task-without-resource", machine(r#""A": {"Type": "Task", "End": true}"#), "Resource"),
        ("task-resource-number", machine(r#""A": {"Type": "Task", "Resource": 1, "End": true}"#), ""),
        (
            "task-resource-not-an-arn",
            machine(r#""A": {"Type": "Task", "Resource": "lambda", "End": true}"#),
            "",
        ),
        ("task-resource-empty", machine(r#""A": {"Type": "Task", "Resource": "", "End": true}"#), ""),
        ("task-timeout-zero", task(r#""TimeoutSeconds": 0, "End": true"#), ""),
        ("task-timeout-negative", task(r#""TimeoutSeconds": -5, "End": true"#), ""),
        ("task-timeout-string", task(r#""TimeoutSeconds": "60", "End": true"#), ""),
        (
            "task-heartbeat-not-below-timeout",
            task(r#""TimeoutSeconds": 10, "HeartbeatSeconds": 10, "End": true"#),
            "",
        ),
        (
            "task-timeout-and-timeout-path",
            task(r#""TimeoutSeconds": 10, "TimeoutSecondsPath": "$.t", "End": true"#),
            "",
        ),
        ("retry-not-array", task(r#""Retry": {}, "End": true"#), ""),
        ("retry-empty-error-equals", task(r#""Retry": [{"ErrorEquals": []}], "End": true"#), ""),
        (
            "retry-all-not-last",
            task(r#""Retry": [{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["X"]}], "End": true"#),
            "",
        ),
        (
            "retry-all-with-others",
            task(r#""Retry": [{"ErrorEquals": ["States.ALL", "X"]}], "End": true"#),
            "",
        ),
        (
            "retry-negative-attempts",
            task(r#""Retry": [{"ErrorEquals": ["X"], "MaxAttempts": -1}], "End": true"#),
            "",
        ),
        (
            "retry-backoff-below-one",
            task(r#""Retry": [{"ErrorEquals": ["X"], "BackoffRate": 0.5}], "End": true"#),
            "",
        ),
        (
            "retry-interval-zero",
            task(r#""Retry": [{"ErrorEquals": ["X"], "IntervalSeconds": 0}], "End": true"#),
            "",
        ),
        (
            "retry-unknown-field",
            task(r#""Retry": [{"ErrorEquals": ["X"], "Jitter": "FULL"}], "End": true"#),
            "",
        ),
        ("catch-without-next", task(r#""Catch": [{"ErrorEquals": ["States.ALL"]}], "End": true"#), ""),
        (
            "catch-next-missing",
            task(r#""Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Z"}], "End": true"#),
            "",
        ),
        (
            "catch-on-pass",
            pass(r#""Catch": [{"ErrorEquals": ["States.ALL"], "Next": "A"}], "End": true"#),
            "",
        ),
        ("retry-on-wait", machine(r#""A": {"Type": "Wait", "Seconds": 1, "Retry": [], "End": true}"#), ""),
        ("result-path-not-a-path", pass(r#""ResultPath": "result", "End": true"#), ""),
        ("input-path-not-a-path", pass(r#""InputPath": "input", "End": true"#), ""),
        ("output-path-number", pass(r#""OutputPath": 1, "End": true"#), ""),
        (
            "timeout-seconds-negative-top-level",
            r#"{"StartAt": "A", "TimeoutSeconds": -1, "States": {"A": {"Type": "Succeed"}}}"#.into(),
            "",
        ),
        (
            "version-number",
            r#"{"StartAt": "A", "Version": 1, "States": {"A": {"Type": "Succeed"}}}"#.into(),
            "",
        ),
        (
            "query-language-unknown",
            r#"{"StartAt": "A", "QueryLanguage": "SQL", "States": {"A": {"Type": "Succeed"}}}"#.into(),
            "",
        ),
        (
            "state-name-over-80-characters",
            machine(&format!(
                r#""A": {{"Type": "Pass", "Next": "{0}"}}, "{0}": {{"Type": "Succeed"}}"#,
                "B".repeat(81)
            )),
            "",
        ),
        ("unreachable-state", machine(r#""A": {"Type": "Succeed"}, "B": {"Type": "Succeed"}"#), ""),
        (
            "wait-over-99999999-seconds",
            machine(r#""A": {"Type": "Wait", "Seconds": 100000000, "End": true}"#),
            "",
        ),
        (
            "duplicate-state",
            r#"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}, "A": {"Type": "Fail"}}}"#.into(),
            "",
        ),
    ]
}

/// (name, definition) for definitions whose validity AWS's recordings do not settle: whatever
/// baton says, it says it cleanly.
fn unsettled() -> Vec<(&'static str, String)> {
    vec![
        ("parameters-string", machine(r#""A": {"Type": "Pass", "Parameters": "x", "End": true}"#)),
        ("state-name-empty", r#"{"StartAt": "", "States": {"": {"Type": "Succeed"}}}"#.into()),
        (
            "duplicate-state-name-across-branches",
            machine(
                r#""A": {"Type": "Parallel", "End": true, "Branches": [{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}]}"#,
            ),
        ),
        (
            "loop-without-end",
            machine(r#""A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"}"#),
        ),
    ]
}

/// (name, definition) for definitions at the edge that are valid.
fn valid() -> Vec<(&'static str, String)> {
    vec![
        (
            "unicode-state-names",
            machine(r#""A": {"Type": "Pass", "Next": "ステート 🚀"}, "ステート 🚀": {"Type": "Succeed"}"#),
        ),
        (
            "state-name-of-80-characters",
            machine(&format!(
                r#""A": {{"Type": "Pass", "Next": "{0}"}}, "{0}": {{"Type": "Succeed"}}"#,
                "B".repeat(80)
            )),
        ),
        ("wait-99999999-seconds", machine(r#""A": {"Type": "Wait", "Seconds": 99999999, "End": true}"#)),
        (
            "wait-until-year-9999",
            machine(r#""A": {"Type": "Wait", "Timestamp": "9999-12-31T23:59:59Z", "End": true}"#),
        ),
        (
            "comment-everywhere",
            r#"{"Comment": "c", "StartAt": "A", "States": {"A": {"Comment": "c", "Type": "Succeed"}}}"#
                .into(),
        ),
    ]
}

pub fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for (name, definition, says) in invalid() {
        cases.push(Case::validate(&format!("structure/{name}"), definition.clone(), Expect::Invalid(says)));
    }
    for name in
        ["no-start-at", "unknown-type", "next-missing-state", "task-resource-empty", "unreachable-state"]
    {
        let (_, definition, says) = invalid().into_iter().find(|(n, ..)| *n == name).unwrap();
        cases.push(Case::run(
            &format!("structure/run-{name}"),
            definition,
            Expect::Refused(crate::harness::DEFINITION, says),
        ));
    }
    for (name, definition) in valid() {
        cases.push(Case::validate(&format!("structure/{name}"), definition, Expect::Valid));
    }
    for (name, definition) in unsettled() {
        cases.push(Case::validate(&format!("structure/{name}"), definition.clone(), Expect::Ends));
        cases.push(Case::run(&format!("structure/run-{name}"), definition, Expect::Ends));
    }
    // A standard execution lasts at most a year: longer waits end TIMED_OUT.
    cases.push(Case::run(
        "structure/run-wait-99999999-seconds",
        valid()[2].1.clone(),
        Expect::Ran("TIMED_OUT", None),
    ));
    cases.push(Case::run(
        "structure/run-wait-until-year-9999",
        valid()[3].1.clone(),
        // Over 2^31 seconds away: AWS's "Wait state delay is too long." (ASL-SEMANTICS, [REC]).
        Expect::Ran("FAILED", Some("States.Runtime")),
    ));
    cases.extend(generated());
    cases
}

/// Wide, long and deep machines, made here.
fn generated() -> Vec<Case> {
    let chain = |n: usize| {
        let states: Vec<String> = (0..n)
            .map(|i| match i + 1 == n {
                true => format!(r#""S{i}": {{"Type": "Succeed"}}"#),
                false => format!(r#""S{i}": {{"Type": "Pass", "Next": "S{}"}}"#, i + 1),
            })
            .collect();
        format!(r#"{{"StartAt": "S0", "States": {{{}}}}}"#, states.join(","))
    };
    // A Parallel inside a Parallel inside ..., `depth` levels.
    let nested_parallel = |depth: usize| {
        let mut inner = r#"{"StartAt": "X", "States": {"X": {"Type": "Succeed"}}}"#.to_string();
        for i in 0..depth {
            inner = format!(
                r#"{{"StartAt": "P{i}", "States": {{"P{i}": {{"Type": "Parallel", "End": true, "Branches": [{inner}]}}}}}}"#
            );
        }
        inner
    };
    let wide_choice = |n: usize| {
        let rules: Vec<String> =
            (0..n).map(|i| format!(r#"{{"Variable": "$.x", "NumericEquals": {i}, "Next": "B"}}"#)).collect();
        machine(&format!(
            r#""A": {{"Type": "Choice", "Choices": [{}], "Default": "B"}}, "B": {{"Type": "Succeed"}}"#,
            rules.join(",")
        ))
    };
    let many_unreachable = |n: usize| {
        let states: Vec<String> = (0..n).map(|i| format!(r#""U{i}": {{"Type": "Succeed"}}"#)).collect();
        machine(&format!(r#""A": {{"Type": "Succeed"}}, {}"#, states.join(",")))
    };
    let many_bad_nexts = |n: usize| {
        let states: Vec<String> =
            (0..n).map(|i| format!(r#""U{i}": {{"Type": "Pass", "Next": "Nowhere{i}"}}"#)).collect();
        machine(&format!(r#""A": {{"Type": "Succeed"}}, {}"#, states.join(",")))
    };
    let minified_errors = |n: usize| many_bad_nexts(n).replace([' ', '\n'], "");
    vec![
        Case::run("structure/chain-of-5000-states", chain(5000), Expect::Ran("SUCCEEDED", None)),
        Case::validate("structure/chain-of-20000-states", chain(20_000), Expect::Valid),
        Case::run(
            "structure/chain-of-20000-states-hits-the-history-cap",
            chain(20_000),
            Expect::Ran("FAILED", Some("States.Runtime")),
        ),
        Case::run("structure/parallel-nested-30-deep", nested_parallel(30), Expect::Ran("SUCCEEDED", None)),
        Case::validate("structure/parallel-nested-150-deep", nested_parallel(150), Expect::Ends),
        Case::run("structure/run-parallel-nested-150-deep", nested_parallel(150), Expect::Ends),
        Case::run("structure/choice-with-10000-rules", wide_choice(10_000), Expect::Ran("SUCCEEDED", None))
            .arg("--input")
            .arg(r#"{"x": 9999}"#),
        Case::validate("structure/10000-unreachable-states", many_unreachable(10_000), Expect::Invalid("")),
        Case::validate("structure/10000-bad-nexts", many_bad_nexts(10_000), Expect::Invalid("")),
        Case::validate("structure/10000-bad-nexts-on-one-line", minified_errors(10_000), Expect::Invalid("")),
        Case::validate("structure/definition-over-1-mb", chain(40_000), Expect::Invalid("")),
        Case::validate(
            "structure/definition-of-15-mb-of-tiny-arrays",
            machine(&format!(
                r#""A": {{"Type": "Pass", "End": true, "Result": [{}]}}"#,
                vec!["[0]"; 3_700_000].join(",")
            )),
            Expect::Invalid(""),
        ),
        Case::validate(
            "structure/definition-over-16-mib",
            machine(&format!(
                r#""A": {{"Type": "Pass", "End": true, "Comment": "{}"}}"#,
                "x".repeat(17 << 20)
            )),
            Expect::Error("larger than 16 MiB"),
        ),
        Case::validate(
            "structure/long-state-name-echoed",
            machine(&format!(r#""A": {{"Type": "Pass", "Next": "{}"}}"#, "N".repeat(1 << 20))),
            Expect::Invalid(""),
        ),
        Case::validate(
            "structure/long-unknown-field-echoed",
            machine(&format!(r#""A": {{"Type": "Succeed", "{}": 1}}"#, "F".repeat(1 << 20))),
            Expect::Invalid(""),
        ),
        Case::validate(
            "structure/validate-with-context-on-a-long-line",
            minified_errors(2000),
            Expect::Invalid(""),
        )
        .arg("--context"),
    ]
}
