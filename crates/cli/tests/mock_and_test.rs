//! `baton run --mock-config` (Step Functions Local's MockConfigFile) and `baton test` (the test
//! runner for CI), tested as a process: what a terminal or CI sees.

use std::path::Path;

mod common;

use common::baton;

/// A scratch file for one test, under cargo's temporary directory for integration tests.
fn scratch(name: &str, text: &str) -> String {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("mock-and-test");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

const DEFINITION: &str = "crates/cli/tests/mock-config/definition.asl.json";
const MOCKS: &str = "crates/cli/tests/mock-config/MockConfigFile.json";

/// AWS's RetryPath: invocation 0 throws, 1-2 throw another error, 3 returns; the Retry
/// (2 s, backoff 2) waits 2 + 4 + 8 seconds, and SQSState answers with its mocked response.
#[test]
fn run_a_test_case_with_numbered_and_ranged_responses() {
    let (code, stdout, stderr) =
        baton(&["run", DEFINITION, "--mock-config", MOCKS, "--test-case", "RetryPath", "--history"]);
    assert_eq!(code, 0, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let tasks: Vec<String> = report["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"].as_str().unwrap().starts_with("Task") && e["type"] != "TaskStarted")
        .map(|e| {
            let details = e.as_object().unwrap().iter().find(|(k, _)| k.ends_with("EventDetails"));
            let error = details.and_then(|(_, d)| d["error"].as_str()).unwrap_or_default();
            format!("{} {} {error}", &e["timestamp"].as_str().unwrap()[17..19], e["type"].as_str().unwrap())
        })
        .collect();
    let mut report = report;
    report.as_object_mut().unwrap().remove("history");
    insta::assert_snapshot!(format!(
        "{}\n{}",
        serde_json::to_string_pretty(&report).unwrap(),
        tasks.join("\n")
    ));

    // The state machine's name can be given, and must then be right.
    let (code, _, _) = baton(&[
        "run",
        DEFINITION,
        "--mock-config",
        MOCKS,
        "--test-case",
        "HappyPath",
        "--state-machine",
        "LambdaSQSIntegration",
    ]);
    assert_eq!(code, 0);
    let (code, stdout, stderr) = baton(&[
        "run",
        DEFINITION,
        "--mock-config",
        MOCKS,
        "--test-case",
        "HappyPath",
        "--state-machine",
        "Other",
    ]);
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert_eq!(
        stderr,
        format!("baton: {MOCKS}: no state machine named 'Other'; the file has LambdaSQSIntegration\n")
    );
    let (code, _, stderr) = baton(&["run", DEFINITION, "--mock-config", MOCKS, "--test-case", "SadPath"]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        format!(
            "baton: {MOCKS}: no test case named 'SadPath' for state machine 'LambdaSQSIntegration'; its test \
             cases: HappyPath, RetryPath, GiveUpPath, TooFewMocks\n"
        )
    );
}

/// Step Functions Local answers a mocked `.waitForTaskToken` task at once: `Return` is what the
/// callback sends back, `Throw` its failure.
#[test]
fn a_mocked_callback_is_answered_with_its_response() {
    let mocks = scratch(
        "approval-mocks.json",
        r#"{"StateMachines": {"HumanApproval": {"TestCases": {
              "Approve": {"RequestApproval": "Yes"}, "Refuse": {"RequestApproval": "Broken"}}}},
            "MockedResponses": {
              "Yes": {"0": {"Return": {"decision": "approve"}}},
              "Broken": {"0": {"Throw": {"Error": "Mail.Bounced", "Cause": "no such mailbox"}}}}}"#,
    );
    let run = |case: &str| {
        let definition = "examples/human-approval/definition.asl.json";
        let (code, stdout, stderr) =
            baton(&["run", definition, "--mock-config", &mocks, "--test-case", case]);
        assert_eq!(code, 0, "{stderr}");
        serde_json::from_str::<serde_json::Value>(&stdout).unwrap()
    };
    let approve = run("Approve");
    assert_eq!((approve["status"].as_str(), approve["clock"].as_u64()), (Some("SUCCEEDED"), Some(0)));
    assert_eq!(approve["output"], serde_json::json!({"decision": "approve"}));
    let refuse = run("Refuse");
    assert_eq!((refuse["status"].as_str(), refuse["error"].as_str()), (Some("FAILED"), Some("Mail.Bounced")));
}

/// A folder with a scenario that keeps its promise and one that does not: one line each, the
/// first difference, a summary, exit 1; and the JUnit report of the same.
#[test]
fn test_a_folder_with_a_passing_and_a_failing_scenario() {
    let junit = Path::new(env!("CARGO_TARGET_TMPDIR")).join("mock-and-test-junit.xml");
    let junit = junit.to_string_lossy();
    let (code, stdout, stderr) = baton(&["test", "crates/cli/tests/test-runner", "--junit", &junit]);
    assert_eq!((code, stderr.as_str()), (1, ""));
    insta::assert_snapshot!("test-folder", stdout);
    insta::assert_snapshot!("test-folder-junit", std::fs::read_to_string(&*junit).unwrap());
}

/// Every test case of a MockConfigFile is a case; one passes when it succeeds or ends at one of
/// the definition's Fail states, and fails when its mocked responses run out.
#[test]
fn test_every_test_case_of_a_mock_configuration_file() {
    let junit = Path::new(env!("CARGO_TARGET_TMPDIR")).join("mock-and-test-junit-mocks.xml");
    let junit = junit.to_string_lossy();
    let (code, stdout, stderr) = baton(&["test", "--definition", DEFINITION, MOCKS, "--junit", &junit]);
    assert_eq!((code, stderr.as_str()), (1, ""));
    insta::assert_snapshot!("test-mock-config", stdout);
    insta::assert_snapshot!("test-mock-config-junit", std::fs::read_to_string(&*junit).unwrap());
    // The definition next to the file is found without --definition.
    assert_eq!(baton(&["test", MOCKS]).1, stdout);
}

#[test]
fn the_repository_examples_pass() {
    let (code, stdout, stderr) = baton(&["test", "examples/"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let summary = stdout.lines().last().unwrap();
    assert!(summary.ends_with(" passed, 0 failed"), "{stdout}");
    assert!(stdout.lines().count() > 10);
}

/// A file that cannot be used stops the run before anything runs, with a located message.
#[test]
fn broken_files_are_located_and_exit_2() {
    let gap = scratch(
        "gap.json",
        "{\"StateMachines\": {\"M\": {\"TestCases\": {\"T\": {\"LambdaState\": \"R\"}}}},\n \"MockedResponses\": {\"R\": {\n   \"0\": {\"Return\": 1},\n   \"2-3\": {\"Return\": 2}}}}",
    );
    let duplicate = scratch(
        "duplicate.json",
        "{\"StateMachines\": {\"M\": {\"TestCases\": {\n  \"T\": {},\n  \"T\": {}}}}}",
    );
    let typo = scratch(
        "typo.json",
        "{\"StateMachines\": {\"M\": {\"TestCases\": {\"T\": {\n  \"LamdaState\": \"R\"}}}},\n \"MockedResponses\": {\"R\": {\"0\": {\"Return\": 1}}}}",
    );
    let lost = scratch("lost.scenario.json", r#"{"expect": {"status": "SUCCEEDED"}}"#);
    let demo = scratch("demo.scenario.json", r#"{"responders": {}}"#);
    let several = scratch(
        "several.json",
        r#"{"StateMachines": {"A": {"TestCases": {}}, "B": {"TestCases": {}}}, "MockedResponses": {}}"#,
    );
    let table = [
        (vec!["run", DEFINITION, "--mock-config", &gap, "--test-case", "T"], format!(
            "baton: the mock configuration file is not valid:\n{gap}:4:4: error: invocation 1 has no response: '0' is followed by '2-3'\n"
        )),
        (vec!["run", DEFINITION, "--mock-config", &duplicate, "--test-case", "T"], format!(
            "baton: the mock configuration file is not valid:\n{duplicate}:3:3: error: duplicate key \"T\": this object already has a member of that name\n"
        )),
        (vec!["test", "--definition", DEFINITION, &typo], format!(
            "baton: the mock configuration file is not valid:\n{typo}:2:3: error: no state named 'LamdaState' in the definition; its Task states: LambdaState, SQSState\n"
        )),
        (vec!["test", &lost], format!(
            "baton: no definition for '{lost}': give --definition FILE, or put a definition.asl.json next to it\n"
        )),
        (vec!["test", "--definition", DEFINITION, &demo], format!(
            "baton: '{demo}' promises no outcome: baton test runs scenarios with \"expect\": {{\"status\": ...}}\n"
        )),
        (vec!["test", "--definition", DEFINITION, &several], format!(
            "baton: {several}: the mock configuration file has several state machines (A, B): say which with --state-machine\n"
        )),
    ];
    for (args, expected) in table {
        let (code, stdout, stderr) = baton(&args);
        assert_eq!((code, stdout.as_str()), (2, ""), "{args:?}");
        assert_eq!(stderr, expected, "{args:?}");
    }
}

#[test]
fn usage_errors_exit_2_with_the_usage() {
    for args in [
        vec!["test"],
        vec!["test", "--junit"],
        vec!["test", "examples", "--frob"],
        vec!["run", DEFINITION, "--mock-config", MOCKS],
        vec!["run", DEFINITION, "--test-case", "HappyPath"],
        vec!["run", DEFINITION, "--state-machine", "M"],
        vec!["run", DEFINITION, "--mock-config", MOCKS, "--test-case", "T", "--scenario", "s.json"],
        vec!["run", DEFINITION, "--mock-config", MOCKS, "--test-case", "T", "--test-case", "U"],
    ] {
        let (code, stdout, stderr) = baton(&args);
        assert_eq!((code, stdout.as_str()), (2, ""), "{args:?}");
        assert!(stderr.starts_with("baton: ") && stderr.contains("usage:"), "{args:?}: {stderr}");
    }
}
