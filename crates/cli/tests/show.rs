//! `baton show`: an execution that ran on AWS, from `get-execution-history` output. The main
//! fixture is shaped as the AWS CLI v2 prints it (ISO timestamps with an offset and microseconds,
//! payloads as JSON strings, real-looking tokens): a `.waitForTaskToken` callback whose worker
//! missed its heartbeat, retried with a new token and answered, then a Lambda task throttled once.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

mod common;

use common::{baton, workspace};
use serde_json::{json, Value};

const DIR: &str = "crates/cli/tests/fixtures/show";
const HISTORY: &str = "crates/cli/tests/fixtures/show/callback-retried.history.json";
const DEFINITION: &str = "crates/cli/tests/fixtures/show/order-approval.asl.json";
const DESCRIBE_STATE_MACHINE: &str = "crates/cli/tests/fixtures/show/describe-state-machine.json";
const DESCRIBE_EXECUTION: &str = "crates/cli/tests/fixtures/show/describe-execution.json";

/// `baton show ARGS`, which must succeed without a word on standard error: its output.
fn show(args: &[&str]) -> String {
    let mut all = vec!["show"];
    all.extend_from_slice(args);
    let (code, stdout, stderr) = baton(&all);
    assert_eq!((code, stderr.as_str()), (0, ""), "baton {all:?}");
    stdout
}

/// A scratch file under the target directory, for outputs and generated inputs.
fn scratch(name: &str) -> PathBuf {
    let dir = workspace().join("target/tmp/show-tests");
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir.join(name)
}

fn read_json(path: &str) -> Value {
    let text = std::fs::read_to_string(workspace().join(path)).expect("fixture");
    serde_json::from_str(&text).expect("fixture JSON")
}

#[test]
fn a_callback_that_missed_its_heartbeat_retried_and_was_answered() {
    let summary = show(&[HISTORY]);
    insta::assert_snapshot!("show-callback-retried", summary);
    // The story's facts, stated once more than the snapshot states them.
    assert!(summary.starts_with("Execution SUCCEEDED in 1 min 58 s\n"), "{summary}");
    assert!(summary.contains("✕ States.Timeout: no SendTaskHeartbeat within HeartbeatSeconds (60 s)"));
    assert!(summary.contains("→ retried (#7)"));
    assert!(summary.contains("succeeded on attempt 2 (retried after Lambda.TooManyRequestsException)"));
}

#[test]
fn the_sequence_diagram_shows_the_hand_off_the_missed_heartbeat_and_the_retry() {
    let mermaid = show(&[HISTORY, "--mermaid"]);
    insta::assert_snapshot!("show-callback-retried-mermaid", mermaid);

    let out = scratch("callback-retried.svg");
    let summary = show(&[HISTORY, "--svg", out.to_str().unwrap()]);
    assert!(summary.starts_with("Execution SUCCEEDED"), "the summary still goes to standard output");
    let svg = std::fs::read_to_string(&out).unwrap();
    assert!(svg.starts_with("<svg") && svg.ends_with("</svg>\n"));
    // Each attempt's token, told apart by its end (AWS tokens begin alike).
    let tokens: Vec<&str> = ["AQCgAAAA…mIVg==", "AQCgAAAA…Hyqg=="]
        .into_iter()
        .filter(|t| svg.contains(&format!("sendMessage · token {t}")))
        .collect();
    assert_eq!(tokens.len(), 2, "both hand-offs name their token: {}", &svg[..svg.len().min(3000)]);
    assert!(svg.contains("States.Timeout: no heartbeat in 60 s"));
    assert!(svg.contains("class=\"mark timeout\""));
    assert!(svg.contains("retry 1 · RequestApproval") && svg.contains("retry 1 · ShipOrder"));
    assert!(svg.contains("SendTaskSuccess"));
}

#[test]
fn describe_state_machine_output_gives_the_graph_its_marks() {
    let out = scratch("callback-retried-graph.svg");
    let summary = show(&[
        HISTORY,
        "--definition",
        DESCRIBE_STATE_MACHINE,
        "--execution",
        DESCRIBE_EXECUTION,
        "--graph-svg",
        out.to_str().unwrap(),
    ]);
    insta::assert_snapshot!("show-callback-retried-described", summary);
    let svg = std::fs::read_to_string(&out).unwrap();
    let class_of = |state: &str| {
        let at = svg.find(&format!("data-state=\"{state}\"")).expect(state);
        let open = svg[..at].rfind("<g class=\"").expect("the state's group") + "<g class=\"".len();
        svg[open..at].trim_end().trim_end_matches('"').to_string()
    };
    // As the app marks a simulated run: a failure inside, then left, is "caught" (retried here).
    assert_eq!(class_of("RequestApproval"), "state task waits-for-token caught");
    assert_eq!(class_of("IsApproved"), "state choice visited");
    assert_eq!(class_of("ShipOrder"), "state task caught");
    assert_eq!(class_of("Rejected"), "state fail");
    assert_eq!(class_of("ApprovalExpired"), "state fail");

    // The same graph from the plain definition.
    let plain = scratch("callback-retried-graph-plain.svg");
    show(&[HISTORY, "--definition", DEFINITION, "--graph-svg", plain.to_str().unwrap()]);
    assert_eq!(std::fs::read_to_string(&plain).unwrap(), svg);
}

#[test]
fn any_order_and_any_sdk_shape_tell_the_same_story() {
    let expected = show(&[HISTORY]);
    let doc = read_json(HISTORY);
    let events = doc["events"].as_array().unwrap().clone();

    // --reverse-order: latest first.
    let reversed: Vec<Value> = events.iter().rev().cloned().collect();
    let path = scratch("reversed.history.json");
    std::fs::write(&path, json!({ "events": reversed }).to_string()).unwrap();
    assert_eq!(show(&[path.to_str().unwrap()]), expected);

    // The JSON wire's epoch seconds, and an SDK's capitalized keys (Go, PowerShell).
    let capital = |k: &str| k[..1].to_uppercase() + &k[1..];
    let sdk: Vec<Value> = events
        .iter()
        .map(|e| {
            let mut out = serde_json::Map::new();
            for (k, v) in e.as_object().unwrap() {
                let v = match (k.as_str(), v) {
                    ("timestamp", Value::String(s)) => json!(epoch_seconds(s)),
                    (k, Value::Object(d)) if k.ends_with("EventDetails") => {
                        Value::Object(d.iter().map(|(k, v)| (capital(k), v.clone())).collect())
                    }
                    _ => v.clone(),
                };
                out.insert(capital(k), v);
            }
            Value::Object(out)
        })
        .collect();
    let path = scratch("sdk.history.json");
    std::fs::write(&path, json!({ "Events": sdk }).to_string()).unwrap();
    assert_eq!(show(&[path.to_str().unwrap()]), expected);

    // A bare list (`jq .events`), and standard input.
    let path = scratch("list.history.json");
    std::fs::write(&path, Value::Array(events).to_string()).unwrap();
    assert_eq!(show(&[path.to_str().unwrap()]), expected);
    let text = std::fs::read(workspace().join(HISTORY)).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_baton"))
        .args(["show", "-"])
        .current_dir(workspace())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&text).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        (out.status.code(), String::from_utf8_lossy(&out.stdout).as_ref()),
        (Some(0), expected.as_str())
    );
}

/// `2025-03-14T09:26:53.589000+01:00` as epoch seconds, to the millisecond (only the fixture's
/// form: `+01:00`).
fn epoch_seconds(s: &str) -> f64 {
    let n = |a: usize, b: usize| s[a..b].parse::<i64>().unwrap();
    let (y, mo, d) = (n(0, 4), n(5, 7), n(8, 10));
    assert_eq!((y, mo, &s[26..]), (2025, 3, "+01:00"));
    let days = 20_148 + d - 1; // 2025-03-01 is day 20,148 since 1970-01-01.
    let ms = ((days * 24 + n(11, 13) - 1) * 60 + n(14, 16)) * 60_000 + n(17, 19) * 1000 + n(20, 23);
    ms as f64 / 1000.0
}

#[test]
fn baton_run_output_is_shown_with_its_calls() {
    let (code, run, stderr) = baton(&[
        "run",
        "examples/heartbeats/definition.asl.json",
        "--input-file",
        "examples/heartbeats/input.json",
        "--scenario",
        "examples/heartbeats/stops-beating.scenario.json",
        "--history",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let path = scratch("stops-beating.run.json");
    std::fs::write(&path, run).unwrap();
    let summary = show(&[path.to_str().unwrap()]);
    // A history from baton run names its heartbeats: a history from AWS cannot.
    insta::assert_snapshot!("show-baton-run", summary);
    assert!(summary.contains("♥ SendTaskHeartbeat ×2 by transcode"));
    let mermaid = show(&[path.to_str().unwrap(), "--mermaid"]);
    assert_eq!(mermaid.matches("SendTaskHeartbeat").count(), 2, "{mermaid}");
    assert!(mermaid.contains("✕ States.Timeout: no heartbeat in 60 s"), "{mermaid}");
}

/// Every malformed input in `bad/`: a located message (or a warning), never a panic.
#[test]
fn malformed_inputs_get_located_messages() {
    let mut report = String::new();
    let mut names: Vec<String> = std::fs::read_dir(workspace().join(DIR).join("bad"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in names {
        let path = format!("{DIR}/bad/{name}");
        let (code, stdout, stderr) = baton(&["show", &path]);
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        report.push_str(&format!("== {name} (exit {code})\n{stderr}"));
        if code == 0 {
            report.push_str(&stdout);
        }
        report.push('\n');
    }
    // Files that are something else than what they are given as.
    for args in [
        vec![DESCRIBE_EXECUTION],
        vec![DEFINITION],
        vec![DESCRIBE_STATE_MACHINE],
        vec![HISTORY, "--definition", DESCRIBE_EXECUTION],
        vec![HISTORY, "--definition", HISTORY],
        vec![HISTORY, "--execution", DEFINITION],
        vec![HISTORY, "--definition", "examples/human-approval/definition.asl.json"],
    ] {
        let mut all = vec!["show"];
        all.extend_from_slice(&args);
        let (code, _, stderr) = baton(&all);
        report.push_str(&format!("== show {} (exit {code})\n{stderr}\n", args.join(" ")));
    }
    insta::assert_snapshot!("show-malformed", report);
}

#[test]
fn usage_errors() {
    for (args, message) in [
        (vec!["show"], "show needs a HISTORY file"),
        (vec!["show", HISTORY, "--graph-svg", "g.svg"], "--graph-svg needs --definition FILE"),
        (
            vec!["show", HISTORY, "--mermaid", "--svg", "-"],
            "only one of --mermaid, --svg - and --graph-svg -",
        ),
        (vec!["show", "-", "--definition", "-"], "only one file can be read from standard input"),
        (vec!["show", HISTORY, "--svg"], "--svg needs a value"),
        (vec!["show", HISTORY, HISTORY], "unexpected argument"),
        (vec!["show", HISTORY, "--until", "3"], "unknown option '--until'"),
        (vec!["show", HISTORY, "--svg", "a.svg", "--svg", "b.svg"], "--svg is given twice"),
    ] {
        let (code, _, stderr) = baton(&args);
        assert_eq!(code, 2, "{args:?}");
        assert!(stderr.starts_with(&format!("baton: {message}")), "{args:?}: {stderr}");
        assert!(stderr.contains("usage:"), "{args:?}");
    }
    let (code, _, stderr) = baton(&["show", "crates/cli/tests/fixtures/show/no-such.json"]);
    assert_eq!(code, 2);
    assert!(stderr.starts_with("baton: cannot read the history"), "{stderr}");
    let (code, _, stderr) = baton(&["show", HISTORY, "--svg", "target/no-such-dir/x/out.svg"]);
    assert_eq!(code, 2);
    assert!(stderr.starts_with("baton: cannot write the sequence diagram to"), "{stderr}");
}

/// A history as long as AWS keeps (25,000 events): a Map of 3,570 callbacks. Shown, cut in the
/// middle, quickly enough; one event more is said to be more than AWS keeps.
#[test]
fn a_25000_event_history() {
    let events = long_history(3_570);
    assert_eq!(events.len(), 25_000);
    let path = scratch("long.history.json");
    std::fs::write(&path, json!({ "events": events }).to_string()).unwrap();
    let svg = scratch("long.svg");
    let started = std::time::Instant::now();
    let summary = show(&[path.to_str().unwrap(), "--svg", svg.to_str().unwrap()]);
    let took = started.elapsed();
    assert!(took.as_secs() < 60, "took {took:?}");
    let head: Vec<&str> = summary.lines().take(6).collect();
    assert_eq!(
        head,
        [
            "Execution SUCCEEDED in 2 min 58 s",
            "  25,000 events · started 2025-03-14T08:00:00.000Z",
            "",
            "States",
            "  +0.005 s     Prepare         Pass  done",
            "  +0.007 s     EachItem        Map   succeeded (3,570 items)",
        ]
    );
    assert!(summary.contains("  … 3,373 more state entries not shown …\n"), "{summary}");
    assert!(summary.contains("  … 3,510 more hand-offs not shown …\n"));
    assert!(summary.contains("Approve [3569]"));
    assert!(summary.lines().count() < 600);
    let svg = std::fs::read_to_string(&svg).unwrap();
    assert_eq!(svg.matches("class=\"msg call\"").count(), 3_570);

    let mut more = long_history(3_570);
    let last = more.last().cloned().unwrap();
    more.insert(more.len() - 1, json!({"type": "PassStateEntered", "id": 0, "previousEventId": 0, "stateEnteredEventDetails": {"name": "Extra"}}));
    for (i, e) in more.iter_mut().enumerate() {
        e["id"] = json!(i + 1);
    }
    assert_eq!(more[25_000]["type"], last["type"]);
    let path = scratch("longer.history.json");
    std::fs::write(&path, json!({ "events": more }).to_string()).unwrap();
    let (code, _, stderr) = baton(&["show", path.to_str().unwrap(), "--mermaid"]);
    assert_eq!(code, 0);
    assert!(
        stderr.contains(": warning: 25001 events: more than the 25,000 AWS keeps for one execution"),
        "{stderr}"
    );
}

/// A Map of `n` callback iterations (7 events each) between two Pass states.
fn long_history(n: usize) -> Vec<Value> {
    let mut events: Vec<Value> = Vec::new();
    let mut add = |ty: &str, prev: usize, details: Option<(&str, Value)>, ms: u64| -> usize {
        let id = events.len() + 1;
        let mut e = json!({"timestamp": iso(ms), "type": ty, "id": id, "previousEventId": prev});
        if let Some((key, d)) = details {
            e[key] = d;
        }
        events.push(e);
        id
    };
    let entered = |name: &str| ("stateEnteredEventDetails", json!({"name": name, "input": "{}"}));
    let exited = |name: &str| ("stateExitedEventDetails", json!({"name": name, "output": "{}"}));
    let sqs = |output: bool| {
        let mut d = json!({"resourceType": "sqs", "resource": "sendMessage.waitForTaskToken"});
        if output {
            d["output"] = json!("{}");
        }
        d
    };
    add("ExecutionStarted", 0, Some(("executionStartedEventDetails", json!({"input": "{}"}))), 0);
    let p = add("PassStateEntered", 0, Some(entered("Prepare")), 5);
    let p = add("PassStateExited", p, Some(exited("Prepare")), 6);
    let p = add("MapStateEntered", p, Some(entered("EachItem")), 7);
    let mut last = add("MapStateStarted", p, Some(("mapStateStartedEventDetails", json!({"length": n}))), 8);
    let mut ms = 0;
    for i in 0..n {
        ms = 10 + i as u64 * 50;
        let iteration = json!({"name": "EachItem", "index": i});
        let s = add(
            "MapIterationStarted",
            last,
            Some(("mapIterationStartedEventDetails", iteration.clone())),
            ms,
        );
        let q = add("TaskStateEntered", s, Some(entered("Approve")), ms + 1);
        let parameters = json!({"QueueUrl": "https://sqs.eu-west-1.amazonaws.com/123456789012/approvals",
            "MessageBody": {"TaskToken": format!("AQCgAAAAKgAAAAMAAAAA{i:08}")}});
        let mut scheduled = sqs(false);
        scheduled["region"] = json!("eu-west-1");
        scheduled["parameters"] = json!(parameters.to_string());
        scheduled["heartbeatInSeconds"] = json!(60);
        let q = add("TaskScheduled", q, Some(("taskScheduledEventDetails", scheduled)), ms + 2);
        let q = add("TaskSubmitted", q, Some(("taskSubmittedEventDetails", sqs(true))), ms + 3);
        let q = add("TaskSucceeded", q, Some(("taskSucceededEventDetails", sqs(true))), ms + 40);
        let q = add("TaskStateExited", q, Some(exited("Approve")), ms + 41);
        add("MapIterationSucceeded", q, Some(("mapIterationSucceededEventDetails", iteration)), ms + 42);
        last = q;
    }
    ms += 100;
    let p = add("MapStateSucceeded", last, None, ms);
    let p = add("MapStateExited", p - 1, Some(exited("EachItem")), ms);
    let p = add("PassStateEntered", p, Some(entered("Done")), ms + 1);
    let p = add("PassStateExited", p, Some(exited("Done")), ms + 2);
    add("ExecutionSucceeded", p, Some(("executionSucceededEventDetails", json!({"output": "{}"}))), ms + 3);
    events
}

/// `2025-03-14T08:00:00.000Z` plus `ms`, as the AWS CLI prints a time in UTC.
fn iso(ms: u64) -> String {
    let (s, ms) = (ms / 1000, ms % 1000);
    format!("2025-03-14T08:{:02}:{:02}.{ms:03}000+00:00", s / 60, s % 60)
}
