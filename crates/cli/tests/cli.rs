//! The `baton` command, tested as a process: what a terminal or CI sees.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

mod common;

use common::{baton, workspace};

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

/// Usage errors exit 2 with the usage text; other errors exit 2 with one clear message and no
/// usage text (which would bury it).
#[test]
fn usage_and_input_errors_exit_2_with_a_message() {
    let definition = "examples/human-approval/definition.asl.json";
    for (args, is_usage) in [
        (vec![], true),
        (vec!["frobnicate"], true),
        (vec!["run"], true),
        (vec!["run", definition, "--frob"], true),
        (vec!["run", definition, "--scenario"], true),
        (vec!["run", definition, "--input", "{}", "--input", "{}"], true),
        (vec!["run", definition, "--input", "{not json"], false),
        (vec!["run", "crates/cli/tests/invalid/missing-type.asl.json"], false),
        (vec!["run", "no/such/file.json"], false),
        (vec!["validate", "crates"], false),
    ] {
        let (code, stdout, stderr) = baton(&args);
        assert_eq!(code, 2, "{args:?}");
        assert!(stdout.is_empty());
        assert!(stderr.starts_with("baton: "), "{stderr}");
        assert_eq!(stderr.contains("usage:"), is_usage, "{args:?}: {stderr}");
    }
}

/// A scratch file for one test, under cargo's temporary directory for integration tests.
fn scratch(name: &str, bytes: &[u8]) -> String {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{name}"));
    std::fs::write(&path, bytes).unwrap();
    path.to_string_lossy().into_owned()
}

/// A full disk is an error with a message; a reader that leaves early (`| head`) ends the output
/// quietly, with the exit code the command had anyway. Neither may panic, as `println!` did.
#[test]
fn write_errors_end_with_a_message_and_a_closed_pipe_quietly() {
    let definition = "examples/human-approval/definition.asl.json";
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_baton"))
        .args(["run", definition, "--history"])
        .current_dir(workspace())
        .stdout(full)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr, "baton: cannot write to standard output: No space left on device (os error 28)\n");

    for (args, code) in [(vec!["run", definition, "--history"], 0), (vec!["validate", MISSING_TYPE], 1)] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_baton"))
            .args(&args)
            .current_dir(workspace())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take()); // the reader has gone before baton writes
        let mut stderr = String::new();
        child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
        assert_eq!((child.wait().unwrap().code(), stderr.as_str()), (Some(code), ""), "{args:?}");
    }
}

const MISSING_TYPE: &str = "crates/cli/tests/invalid/missing-type.asl.json";

/// Bytes that are not UTF-8 are a problem of the file, located at the first bad byte like any
/// other (exit 1 from validate, 2 from run), in the definition, the input and the scenario.
#[test]
fn text_that_is_not_utf8_is_located() {
    let definition = scratch(
        "latin1.asl.json",
        b"{\"StartAt\": \"A\",\n \"States\": {\"A\": {\"Type\": \"Pass\", \"Comment\": \"caf\xe9\", \"End\": true}}}",
    );
    let (code, stdout, _) = baton(&["validate", &definition]);
    assert_eq!(code, 1);
    assert_eq!(
        stdout,
        format!("{definition}:2:50: error: the text is not UTF-8: byte 0xE9 does not belong here\n")
    );
    let (code, _, stderr) = baton(&["run", &definition]);
    assert_eq!(code, 2);
    assert!(stderr.contains(&format!("{definition}:2:50: error: the text is not UTF-8")), "{stderr}");

    let input = scratch("latin1-input.json", b"{\"name\": \"Jos\xe9\"}");
    let (code, _, stderr) =
        baton(&["run", "examples/human-approval/definition.asl.json", "--input-file", &input]);
    assert_eq!(code, 2);
    assert!(stderr.contains(&format!("{input}:1:14: error:")), "{stderr}");
}

/// A UTF-8 byte-order mark (Windows editors write one) is accepted at the start of every file.
#[test]
fn a_byte_order_mark_is_accepted_in_every_file() {
    let bom = |text: &str| [&b"\xef\xbb\xbf"[..], text.as_bytes()].concat();
    let input = scratch("bom-input.json", &bom(r#"{"requester": "ana@example.com"}"#));
    let scenario = scratch(
        "bom.scenario.json",
        &bom(
            r#"{"responders": {"RequestApproval": [{"callback": "success", "output": {"decision": "approve"}}]}}"#,
        ),
    );
    let definition =
        std::fs::read_to_string(workspace().join("examples/human-approval/definition.asl.json")).unwrap();
    let definition = scratch("bom.asl.json", &bom(&definition));
    let (code, stdout, stderr) =
        baton(&["run", &definition, "--input-file", &input, "--scenario", &scenario]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("\"SUCCEEDED\""), "{stdout}");

    let broken = scratch("bom-broken.json", &bom("{\"a\": }"));
    let (_, _, stderr) = baton(&["run", &definition, "--input-file", &broken]);
    assert!(stderr.contains(&format!("{broken}:1:7: error:")), "the mark is not a column: {stderr}");
}

/// A responder for a state the definition does not have would be ignored in silence; it is an
/// error located in the scenario, naming the states that do exist.
#[test]
fn a_scenario_for_a_state_that_does_not_exist_is_refused() {
    let scenario = scratch(
        "typo.scenario.json",
        b"{\"responders\": {\n  \"RequestAproval\": [{\"callback\": \"success\"}]}}",
    );
    let (code, stdout, stderr) =
        baton(&["run", "examples/human-approval/definition.asl.json", "--scenario", &scenario]);
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert_eq!(
        stderr,
        format!(
            "baton: the scenario is not valid:\n{scenario}:2:3: error: no state named 'RequestAproval' in the \
             definition; its Task states: RequestApproval, NotifyAdmin\n"
        )
    );
}

/// Error lines quote a short excerpt of what they complain about, never a whole 1 MB value.
#[test]
fn errors_quote_excerpts_of_long_values() {
    let long = "x".repeat(1 << 20);
    let definition = "examples/human-approval/definition.asl.json";
    let key = scratch("long-key.scenario.json", format!("{{\"{long}\": 1}}").as_bytes());
    let state =
        scratch("long-state.scenario.json", format!("{{\"responders\": {{\"{long}\": []}}}}").as_bytes());
    let names = scratch(
        "long-names.asl.json",
        format!(r#"{{"StartAt": "A", "States": {{"A": {{"Type": "Pass", "Next": "{long}"}}}}}}"#).as_bytes(),
    );
    let option = format!("--{}", "y".repeat(100_000));
    for args in [
        vec!["run", definition, "--scenario", &key],
        vec!["run", definition, "--scenario", &state],
        vec!["run", definition, &option],
        vec!["validate", &names],
        vec!["run", &names],
    ] {
        let (code, stdout, stderr) = baton(&args);
        assert!(code == 1 || code == 2);
        for line in stdout.lines().chain(stderr.lines()) {
            assert!(line.chars().count() < 1000, "{} chars: {}…", line.len(), &line[..200]);
        }
    }
}

/// `--until` stops at the instant of an event: here the approval's hand-off, with its token open
/// and the timeout still ahead; the history ends with that instant.
#[test]
fn run_until_prints_the_state_at_an_event() {
    let definition = "examples/human-approval/definition.asl.json";
    let input = "examples/human-approval/input.json";
    let args = ["run", definition, "--input-file", input, "--history", "--until", "4"];
    let (code, stdout, stderr) = baton(&args);
    assert_eq!(code, 0, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["status"], "RUNNING");
    assert_eq!(report["clock"], 0);
    assert_eq!(report["open"][0]["state"], "RequestApproval");
    assert_eq!(report["open"][0]["timeoutDue"], 3600);
    let types: Vec<&str> =
        report["history"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert!(types.len() >= 4 && !types.contains(&"TaskTimedOut"), "{types:?}");

    let (code, _, stderr) = baton(&["run", definition, "--until", "0"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--until needs an event id"), "{stderr}");
    let (code, _, stderr) = baton(&["run", definition, "--input-file", input, "--until", "999"]);
    assert_eq!(code, 0);
    assert!(stderr.contains("before event 999"), "{stderr}");
}

/// Every example's scenarios name states that exist: the check that refuses a misspelt responder
/// accepts them all, and each example ends as its scenario promises.
#[test]
fn every_example_scenario_runs() {
    let mut count = 0;
    for example in std::fs::read_dir(workspace().join("examples")).unwrap() {
        let dir = example.unwrap().path();
        let mut scenarios: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().ends_with(".scenario.json"))
            .collect();
        scenarios.sort();
        for scenario in scenarios {
            let args = [
                "run",
                &dir.join("definition.asl.json").to_string_lossy(),
                "--input-file",
                &dir.join("input.json").to_string_lossy(),
                "--scenario",
                &scenario.to_string_lossy(),
            ]
            .map(|a| a.to_string());
            let (code, stdout, stderr) = baton(&args.iter().map(String::as_str).collect::<Vec<_>>());
            assert_eq!(code, 0, "{}: {stderr}", scenario.display());
            let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
            let promised: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&scenario).unwrap()).unwrap();
            if let Some(status) = promised["expect"]["status"].as_str() {
                assert_eq!(report["status"], status, "{}", scenario.display());
            }
            count += 1;
        }
    }
    assert!(count >= 10, "{count} example scenarios");
}
