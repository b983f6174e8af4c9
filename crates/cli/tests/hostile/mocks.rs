//! Step Functions Local's MockConfigFile (`baton run --mock-config`, `baton test`): malformed
//! files are located errors in the file; hostile but valid ones run, and end.

use crate::structure::machine;
use crate::{Case, Expect, Sink};

const MOCKS: &str = "MockConfigFile.json";
const CALLBACK: &str = "arn:aws:states:::sqs:sendMessage.waitForTaskToken";
const DEFINITION: &str = crate::harness::DEFINITION;

/// A callback Task `Wait4It` with a timeout, then success.
fn callback_machine() -> String {
    machine(&format!(
        r#""A": {{"Type": "Pass", "Next": "Wait4It"}},
           "Wait4It": {{"Type": "Task", "Resource": "{CALLBACK}", "TimeoutSeconds": 3600, "End": true,
                        "Parameters": {{"QueueUrl": "q", "MessageBody": {{"token.$": "$$.Task.Token"}}}}}}"#
    ))
}

/// A file with test case `T` of state machine `M`, mocking `Wait4It` with `R`, and these
/// invocations for `R`.
fn with_invocations(invocations: &str) -> String {
    format!(
        r#"{{"StateMachines": {{"M": {{"TestCases": {{"T": {{"Wait4It": "R"}}}}}}}},
            "MockedResponses": {{"R": {invocations}}}}}"#
    )
}

/// `baton run definition.asl.json --mock-config MockConfigFile.json --test-case T`.
fn run(name: &str, mocks: impl Into<Vec<u8>>, expect: Expect) -> Case {
    Case::run(&format!("mocks/{name}"), callback_machine(), expect)
        .file(MOCKS, mocks)
        .arg("--mock-config")
        .arg(MOCKS)
        .arg("--test-case")
        .arg("T")
}

/// `baton test --definition definition.asl.json MockConfigFile.json`.
fn test(name: &str, mocks: impl Into<Vec<u8>>, expect: Expect) -> Case {
    Case::command(&format!("mocks/{name}"), &["test", "--definition", DEFINITION, MOCKS], expect)
        .file(DEFINITION, callback_machine())
        .file(MOCKS, mocks)
}

pub fn cases() -> Vec<Case> {
    let refused = |says| Expect::Refused(MOCKS, says);
    let return_1 = r#"{"Return": 1}"#;
    let long = "k".repeat(1 << 20);
    let mut cases = vec![
        run("empty", "", refused("")),
        run("not-json", "StateMachines: {}", refused("")),
        run("array", "[]", refused("must be a JSON object")),
        run("unknown-field", r#"{"Comment": "mocks"}"#, refused("not a field of a mock configuration file")),
        run("singular-mocked-response", r#"{"MockedResponse": {}}"#, refused("with an s")),
        run("state-machines-array", r#"{"StateMachines": []}"#, refused("must map state machine names")),
        run("no-test-cases", r#"{"StateMachines": {"M": {}}}"#, refused("needs 'TestCases'")),
        run("test-case-array", r#"{"StateMachines": {"M": {"TestCases": {"T": []}}}}"#, refused("must map")),
        run(
            "state-to-a-number",
            r#"{"StateMachines": {"M": {"TestCases": {"T": {"Wait4It": 1}}}}}"#,
            refused("a string"),
        ),
        run(
            "unknown-mocked-response",
            with_invocations(r#"{"0": {"Return": 1}}"#).replace(r#""Wait4It": "R""#, r#""Wait4It": "Q""#),
            refused("no mocked response named 'Q'"),
        ),
        run("no-invocations", with_invocations("{}"), refused("invocation \"0\" at least")),
        run("invocations-array", with_invocations("[]"), refused("must map invocation numbers")),
        run(
            "key-a-word",
            with_invocations(r#"{"first": {"Return": 1}}"#),
            refused("not an invocation number"),
        ),
        run(
            "key-negative",
            with_invocations(r#"{"-1": {"Return": 1}}"#),
            refused("not an invocation number"),
        ),
        run(
            "key-open-range",
            with_invocations(r#"{"0-": {"Return": 1}}"#),
            refused("not an invocation number"),
        ),
        run(
            "key-spaces",
            with_invocations(r#"{"0 - 1": {"Return": 1}}"#),
            refused("not an invocation number"),
        ),
        run("key-plus", with_invocations(r#"{"+0": {"Return": 1}}"#), refused("not an invocation number")),
        run(
            "key-reversed-range",
            with_invocations(r#"{"2-1": {"Return": 1}}"#),
            refused("ends before it starts"),
        ),
        run(
            "key-u64-overflow",
            with_invocations(r#"{"0-99999999999999999999999": {"Return": 1}}"#),
            refused("beyond invocation"),
        ),
        run("key-25000", with_invocations(r#"{"0-25000": {"Return": 1}}"#), refused("beyond invocation")),
        run("gap", with_invocations(r#"{"0": {"Return": 1}, "2": {"Return": 1}}"#), refused("no response")),
        run(
            "starts-at-1",
            with_invocations(r#"{"1": {"Return": 1}}"#),
            refused("invocation 0 has no response"),
        ),
        run(
            "overlap",
            with_invocations(r#"{"0-2": {"Return": 1}, "1": {"Return": 1}}"#),
            refused("given twice"),
        ),
        run(
            "duplicate-key",
            with_invocations(r#"{"0": {"Return": 1}, "0": {"Return": 2}}"#),
            refused("duplicate key"),
        ),
        run(
            "duplicate-test-case",
            r#"{"StateMachines": {"M": {"TestCases": {"T": {}, "T": {}}}}}"#,
            refused("duplicate key"),
        ),
        run("response-not-an-object", with_invocations(r#"{"0": 1}"#), refused("\"Return\" or \"Throw\"")),
        run(
            "return-and-throw",
            with_invocations(r#"{"0": {"Return": 1, "Throw": {}}}"#),
            refused("not both"),
        ),
        run(
            "lowercase-return",
            with_invocations(r#"{"0": {"return": 1}}"#),
            refused("expected Return or Throw"),
        ),
        run("throw-a-string", with_invocations(r#"{"0": {"Throw": "Boom"}}"#), refused("must be")),
        run("throw-error-number", with_invocations(r#"{"0": {"Throw": {"Error": 1}}}"#), refused("a string")),
        run(
            "throw-lowercase-fields",
            with_invocations(r#"{"0": {"Throw": {"error": "E"}}}"#),
            refused("expected Error, Cause"),
        ),
        run(
            "state-not-in-the-definition",
            with_invocations(r#"{"0": {"Return": 1}}"#).replace("Wait4It", "WaitForIt"),
            refused("no state named 'WaitForIt'"),
        ),
        run(
            "state-a-pass-state",
            with_invocations(r#"{"0": {"Return": 1}}"#).replace(r#""Wait4It": "R""#, r#""A": "R""#),
            refused("Pass state"),
        ),
        run(
            "key-of-a-megabyte",
            with_invocations(&format!(r#"{{"{long}": {{"Return": 1}}}}"#)),
            refused("not an invocation number"),
        ),
        run(
            "mocked-response-name-of-a-megabyte",
            with_invocations(r#"{"0": {"Return": 1}}"#)
                .replace(r#""Wait4It": "R""#, &format!(r#""Wait4It": "{long}""#)),
            refused("no mocked response named"),
        ),
        run(
            "state-name-of-a-megabyte",
            with_invocations(r#"{"0": {"Return": 1}}"#).replace("Wait4It", &long),
            refused("no state named"),
        ),
        run(
            "100000-states-on-one-long-range",
            format!(
                r#"{{"StateMachines": {{"M": {{"TestCases": {{"T": {{{}}}}}}}}}, "MockedResponses": {{"R": {{"0-24999": {return_1}}}}}}}"#,
                (0..100_000).map(|i| format!(r#""S{i}": "R""#)).collect::<Vec<_>>().join(",")
            ),
            refused("more than 25000 invocations"),
        ),
        // Valid and hostile: they run.
        run(
            "25000-invocations-of-one-range",
            with_invocations(&format!(r#"{{"0-24999": {return_1}}}"#)),
            Expect::Ran("SUCCEEDED", None),
        ),
        run(
            "25000-numbered-invocations-backwards",
            with_invocations(&format!(
                "{{{}}}",
                (0..25_000).rev().map(|i| format!(r#""{i}": {return_1}"#)).collect::<Vec<_>>().join(",")
            )),
            Expect::Ran("SUCCEEDED", None),
        ),
        run(
            "100000-unused-mocked-responses",
            format!(
                r#"{{"StateMachines": {{"M": {{"TestCases": {{"T": {{}}}}}}}}, "MockedResponses": {{{}}}}}"#,
                (0..100_000).map(|i| format!(r#""R{i}": {{"0": {return_1}}}"#)).collect::<Vec<_>>().join(",")
            ),
            Expect::Ran("FAILED", Some("States.Timeout")),
        ),
        run(
            "return-deeply-nested",
            with_invocations(&format!(r#"{{"0": {{"Return": {}1{}}}}}"#, "[".repeat(120), "]".repeat(120))),
            Expect::Ends,
        ),
        run(
            "throw-cause-of-a-megabyte",
            with_invocations(&format!(r#"{{"0": {{"Throw": {{"Error": "E", "Cause": "{long}"}}}}}}"#)),
            Expect::Ends,
        ),
        run("not-utf8", &b"{\"StateMachines\": \"\xff\"}"[..], refused("UTF-8")),
        Case::run(
            "mocks/missing-file",
            callback_machine(),
            Expect::Error("cannot read the mock configuration file"),
        )
        .arg("--mock-config")
        .arg("no-such-file.json")
        .arg("--test-case")
        .arg("T"),
        Case::run("mocks/dev-zero", callback_machine(), Expect::Error("larger than"))
            .arg("--mock-config")
            .arg("/dev/zero")
            .arg("--test-case")
            .arg("T"),
        Case::run("mocks/test-case-of-a-megabyte", callback_machine(), Expect::Error("no test case named"))
            .file(MOCKS, with_invocations(r#"{"0": {"Return": 1}}"#))
            .arg("--mock-config")
            .arg(MOCKS)
            .arg("--test-case")
            .arg("t".repeat(100_000)),
    ];
    cases.extend([
        test("test-passes", with_invocations(r#"{"0": {"Return": 1}}"#), Expect::Quiet(0)),
        test("test-runs-out", with_invocations(r#"{"0": {"Throw": {"Error": "E"}}}"#), Expect::Quiet(1)),
        test("test-malformed", with_invocations("{}"), refused("invocation \"0\" at least")),
        test(
            "test-junit-to-dev-full",
            with_invocations(r#"{"0": {"Return": 1}}"#),
            Expect::Error("cannot write the JUnit report"),
        )
        .arg("--junit")
        .arg("/dev/full"),
        test("test-to-a-closed-pipe", with_invocations(r#"{"0": {"Return": 1}}"#), Expect::Quiet(0))
            .stdout(Sink::Closed),
        Case::command(
            "mocks/test-a-directory-without-scenarios",
            &["test", "."],
            Expect::Error("no *.scenario.json"),
        ),
    ]);
    cases
}
