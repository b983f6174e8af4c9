//! The `baton` command, tested as a process: what a terminal or CI sees.

use std::path::{Path, PathBuf};
use std::process::Command;

fn baton(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_baton"))
        .args(args)
        .current_dir(workspace())
        .output()
        .expect("the baton binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every file in tests/invalid/ is validated; the located messages are the snapshot.
#[test]
fn validate_reports_every_problem_with_its_location() {
    let dir = workspace().join("crates/cli/tests/invalid");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert!(files.len() >= 10);
    for file in files {
        let rel = file.strip_prefix(workspace()).unwrap().to_string_lossy().into_owned();
        let (code, stdout, stderr) = baton(&["validate", &rel]);
        let name = file.file_stem().unwrap().to_string_lossy().replace(".asl", "");
        let warnings_only = !stdout.contains(": error: ");
        assert_eq!(code, if warnings_only { 0 } else { 1 }, "{rel}: {stdout}{stderr}");
        insta::assert_snapshot!(format!("validate-{name}"), stdout);
    }
}

#[test]
fn validate_with_context_shows_the_line_and_a_caret() {
    let (code, stdout, _) =
        baton(&["validate", "--context", "crates/cli/tests/invalid/invalid-json.asl.json"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(stdout);
}

#[test]
fn a_valid_definition_validates_silently() {
    assert_eq!(
        baton(&["validate", "examples/human-approval/definition.asl.json"]),
        (0, String::new(), String::new())
    );
}

fn run_approval(scenario: &str) -> serde_json::Value {
    let scenario = format!("examples/human-approval/{scenario}.scenario.json");
    let (code, stdout, stderr) = baton(&[
        "run",
        "examples/human-approval/definition.asl.json",
        "--input-file",
        "examples/human-approval/input.json",
        "--scenario",
        &scenario,
    ]);
    assert_eq!(code, 0, "{stderr}");
    serde_json::from_str(&stdout).expect("run prints one JSON object")
}

#[test]
fn run_approval_outcomes() {
    let approve = run_approval("approve");
    assert_eq!(approve["status"], "SUCCEEDED");
    assert_eq!(approve["output"], serde_json::json!({"decision": "approve"}));
    assert_eq!(approve["clock"], 600);

    let reject = run_approval("reject");
    assert_eq!((reject["status"].as_str(), reject["error"].as_str()), (Some("FAILED"), Some("Rejected")));
    assert_eq!(reject["cause"], "Not in budget");

    let timeout = run_approval("timeout");
    assert_eq!(
        (timeout["status"].as_str(), timeout["error"].as_str()),
        (Some("FAILED"), Some("ApprovalTimedOut"))
    );
    assert_eq!(timeout["clock"], 3600);
    let late = &timeout["calls"][0];
    assert_eq!((late["ok"].as_bool(), late["error"].as_str()), (Some(false), Some("TaskTimedOut")));

    let duplicate = run_approval("duplicate");
    assert_eq!(duplicate["status"], "SUCCEEDED");
    let calls = duplicate["calls"].as_array().unwrap();
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0]["ok"], true);
    assert_eq!(calls[1]["error"], "TaskTimedOut");
    assert_eq!(calls[1]["message"], "Task Timed Out: 'Provided task does not exist anymore'");
}

#[test]
fn run_with_history_prints_aws_events() {
    let (code, stdout, _) = baton(&[
        "run",
        "examples/human-approval/definition.asl.json",
        "--input",
        r#"{"requester": "ana@example.com"}"#,
        "--history",
    ]);
    assert_eq!(code, 0);
    let out: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let types: Vec<&str> =
        out["history"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        [
            "ExecutionStarted",
            "TaskStateEntered",
            "TaskScheduled",
            "TaskStarted",
            "TaskSubmitted",
            "TaskTimedOut",
            "TaskStateExited",
            "TaskStateEntered",
            "TaskScheduled",
            "TaskStarted",
            "TaskSucceeded",
            "TaskStateExited",
            "FailStateEntered",
            "ExecutionFailed"
        ]
    );
    assert!(out["history"][2]["taskScheduledEventDetails"]["parameters"]
        .as_str()
        .unwrap()
        .contains("\"token\":\"AQB"));
}

#[test]
fn usage_and_input_errors_exit_2_with_a_message() {
    for args in [
        vec![],
        vec!["frobnicate"],
        vec!["run"],
        vec!["run", "examples/human-approval/definition.asl.json", "--input", "{not json"],
        vec!["run", "crates/cli/tests/invalid/missing-type.asl.json"],
        vec!["run", "no/such/file.json"],
    ] {
        let (code, stdout, stderr) = baton(&args);
        assert_eq!(code, 2, "{args:?}");
        assert!(stdout.is_empty());
        assert!(stderr.starts_with("baton: "), "{stderr}");
    }
}
