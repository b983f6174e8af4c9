//! The same callback rules as `crates/asl/tests/callback.rs`, written the way a `baton run` user
//! writes them: a scenario of responders and timed API calls, judged by the `calls` it reports.

use serde_json::json;

const DEFINITION: &str = r#"{"StartAt": "Wait", "States": {"Wait": {"Type": "Task",
    "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
    "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/jobs", "MessageBody": {"t.$": "$$.Task.Token"}},
    "TimeoutSeconds": 100, "HeartbeatSeconds": 20, "End": true}}}"#;

/// Runs the scenario and returns the report's JSON (as `baton run` prints it).
fn run(scenario: serde_json::Value) -> serde_json::Value {
    let definition = asl::Value::parse(DEFINITION).unwrap();
    let scenario = sim::Scenario::from_json_value(&scenario).unwrap();
    sim::run(&definition, &scenario).unwrap().to_json(false)
}

/// `(at, action, error code or "ok")`.
type Reported = (u64, String, String);

/// What each reported call got.
fn calls(report: &serde_json::Value) -> Vec<Reported> {
    report["calls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let outcome = c["error"].as_str().unwrap_or("ok").to_string();
            (c["at"].as_u64().unwrap(), c["action"].as_str().unwrap().to_string(), outcome)
        })
        .collect()
}

fn call(at: u64, action: &str, extra: serde_json::Value) -> serde_json::Value {
    let mut c = json!({"at": at, "action": action, "state": "Wait"});
    c.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    c
}

#[test]
fn outcome_table() {
    let ok = |at, action: &str| (at, action.to_string(), "ok".to_string());
    let err = |at, action: &str, e: &str| (at, action.to_string(), e.to_string());
    let rows: Vec<(&str, serde_json::Value, &str, Vec<Reported>)> = vec![
        (
            "a token never issued",
            json!([{"at": 1, "action": "SendTaskSuccess", "token": "garbage", "output": {}}, call(2, "SendTaskSuccess", json!({}))]),
            "SUCCEEDED",
            vec![err(1, "SendTaskSuccess", "InvalidToken"), ok(2, "SendTaskSuccess")],
        ),
        (
            "a duplicate success",
            json!([
                call(5, "SendTaskSuccess", json!({"output": 1})),
                call(6, "SendTaskSuccess", json!({"output": 2}))
            ]),
            "SUCCEEDED",
            vec![ok(5, "SendTaskSuccess"), err(6, "SendTaskSuccess", "TaskTimedOut")],
        ),
        (
            "success after failure",
            json!([call(5, "SendTaskFailure", json!({"error": "E"})), call(6, "SendTaskSuccess", json!({}))]),
            "FAILED",
            vec![ok(5, "SendTaskFailure"), err(6, "SendTaskSuccess", "TaskTimedOut")],
        ),
        (
            "an answer after the timeout",
            json!([call(150, "SendTaskSuccess", json!({}))]),
            "FAILED",
            vec![err(150, "SendTaskSuccess", "TaskTimedOut")],
        ),
        (
            "heartbeats keep it alive until the hard timeout",
            json!([
                call(15, "SendTaskHeartbeat", json!({})),
                call(30, "SendTaskHeartbeat", json!({})),
                call(45, "SendTaskSuccess", json!({}))
            ]),
            "SUCCEEDED",
            vec![ok(15, "SendTaskHeartbeat"), ok(30, "SendTaskHeartbeat"), ok(45, "SendTaskSuccess")],
        ),
        (
            "a heartbeat after the heartbeat timeout",
            json!([call(25, "SendTaskHeartbeat", json!({}))]),
            "FAILED",
            vec![err(25, "SendTaskHeartbeat", "TaskTimedOut")],
        ),
        (
            "output that is not JSON",
            json!([
                call(1, "SendTaskSuccess", json!({"outputText": "{nope"})),
                call(2, "SendTaskSuccess", json!({"outputText": "[1]"}))
            ]),
            "SUCCEEDED",
            vec![err(1, "SendTaskSuccess", "InvalidOutput"), ok(2, "SendTaskSuccess")],
        ),
        (
            "a too-long error",
            json!([call(1, "SendTaskFailure", json!({"error": "e".repeat(300)}))]),
            "FAILED",
            vec![err(1, "SendTaskFailure", "ValidationException")],
        ),
        (
            "a token of a stopped execution",
            json!([{"at": 3, "action": "StopExecution"}, call(4, "SendTaskHeartbeat", json!({}))]),
            "ABORTED",
            vec![ok(3, "StopExecution"), err(4, "SendTaskHeartbeat", "TaskTimedOut")],
        ),
    ];
    for (what, scenario_calls, status, expected) in rows {
        let report = run(json!({"calls": scenario_calls}));
        assert_eq!(report["status"], status, "{what}: {report}");
        assert_eq!(calls(&report), expected, "{what}");
    }
}

#[test]
fn responders_answer_on_the_clock() {
    let report = run(
        json!({"responders": {"Wait": [{"callback": "success", "after": 90, "heartbeats": [15, 30, 45, 60, 75], "output": {"done": true}}]}}),
    );
    assert_eq!((report["status"].as_str(), report["clock"].as_u64()), (Some("SUCCEEDED"), Some(90)));
    assert_eq!(report["output"], json!({"done": true}));

    let report = run(json!({"responders": {"Wait": [{"callback": "none", "heartbeats": [15]}]}}));
    assert_eq!((report["error"].as_str(), report["clock"].as_u64()), (Some("States.Timeout"), Some(35)));

    let report = run(json!({"responders": {"Wait": [{"callback": "failure"}]}}));
    assert_eq!(report["status"], "FAILED");
    assert!(report.get("error").is_none() && report.get("cause").is_none(), "no error, no cause: {report}");
}

#[test]
fn a_step_limit_slices_an_endless_loop_so_a_page_stays_responsive() {
    let (machine, _) = sim::load(
        r#"{"StartAt": "Spin", "States": {
            "Spin": {"Type": "Pass", "Next": "Again"},
            "Again": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": true, "Next": "Done"}], "Default": "Spin"},
            "Done": {"Type": "Succeed"}}}"#,
    )
    .unwrap();
    let mut scenario = sim::Scenario::default();
    scenario.context.options.step_limit = Some(1000);
    let mut world = sim::World::start(machine, asl::Value::empty_object(), &scenario);
    assert!(world.is_busy());
    assert_eq!(world.status(), asl::exec::Status::Running);
    let before = world.execution().history().len();
    assert_eq!(before, 2001, "ExecutionStarted and one entered/exited pair per step");
    world.resume();
    assert_eq!(world.execution().history().len(), 4001, "each slice makes the same progress");
    world.stop_execution().unwrap();
    assert_eq!(world.status(), asl::exec::Status::Aborted);
    assert!(!world.is_busy());
}
