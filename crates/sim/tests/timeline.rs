//! The timeline says, for every token, who held it, who answered and why it closed, in the
//! history's own names; and how far each state got.

use serde_json::json;
use sim::{Caller, CloseReason, Progress, World};

const CALLBACK: &str = r#"{"StartAt": "Ask", "States": {
    "Ask": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/approvals",
                       "MessageBody": {"token.$": "$$.Task.Token"}},
        "TimeoutSeconds": 100, "HeartbeatSeconds": 20, "Next": "Done",
        "Catch": [{"ErrorEquals": ["States.Timeout"], "Next": "TooLate"}]},
    "TooLate": {"Type": "Fail", "Error": "Late"},
    "Done": {"Type": "Succeed"}}}"#;

fn world(scenario: serde_json::Value) -> World {
    let (machine, _) = sim::load(CALLBACK).unwrap();
    let scenario = sim::Scenario::from_json_value(&scenario).unwrap();
    World::start(machine, asl::Value::from(json!({})), &scenario)
}

fn only_reason(world: &World) -> CloseReason {
    let tokens = world.timeline().tokens();
    assert_eq!(tokens.len(), 1, "one token issued");
    tokens[0].closed.clone().expect("the token is closed").why
}

fn event_type(world: &World, id: u64) -> String {
    world.execution().history()[id as usize - 1].kind.type_name()
}

#[test]
fn a_person_answers_and_the_events_know_the_token() {
    let mut w = world(json!({}));
    let life = w.timeline().tokens()[0].clone();
    assert_eq!(life.holder.name, "approvals");
    assert_eq!(event_type(&w, life.scheduled_event), "TaskScheduled");
    assert!(life.closed.is_none());
    w.send_task_success(&life.token, "{}").unwrap();
    assert_eq!(only_reason(&w), CloseReason::Succeeded { by: Some(Caller::Person) });
    let closed = w.timeline().tokens()[0].closed.clone().unwrap();
    assert_eq!(event_type(&w, closed.event.unwrap()), "TaskSucceeded");
    assert_eq!(w.timeline().token_of(closed.event.unwrap()).unwrap().token, life.token);
    assert_eq!(only_reason(&w).describe(), "Answered with SendTaskSuccess by You");
}

#[test]
fn a_token_opened_and_answered_in_one_command_is_kept_with_who_answered() {
    let w = world(json!({"responders": {"Ask": [{"callback": "success", "output": {"ok": true}}]}}));
    assert_eq!(w.status(), sim::Status::Succeeded);
    let why = only_reason(&w);
    assert_eq!(why, CloseReason::Succeeded { by: Some(Caller::Participant("approvals".into())) });
    assert_eq!(why.describe(), "Answered with SendTaskSuccess by approvals");
}

#[test]
fn a_scripted_failure_names_the_scenario_and_the_error() {
    let w =
        world(json!({"calls": [{"at": 3, "action": "SendTaskFailure", "state": "Ask", "error": "Nope"}]}));
    let mut w = w;
    w.run_to_end();
    assert_eq!(
        only_reason(&w),
        CloseReason::Failed { by: Some(Caller::Scenario), error: Some("Nope".into()) }
    );
}

#[test]
fn a_missed_heartbeat_reads_states_timeout_as_in_the_history() {
    let mut w = world(json!({}));
    w.advance_to_next_deadline();
    let why = only_reason(&w);
    assert_eq!(why, CloseReason::TimedOut { error: "States.Timeout".into(), heartbeat: true });
    assert!(why.describe().starts_with("Timed out (States.Timeout)"), "{}", why.describe());
    let progress = w.timeline().progress();
    assert_eq!(progress.iter().find(|(n, _)| &**n == "Ask").unwrap().1, Progress::Caught);
    assert_eq!(progress.iter().find(|(n, _)| &**n == "TooLate").unwrap().1, Progress::Failed);
}

#[test]
fn the_timeout_itself_is_told_apart_from_the_heartbeat() {
    let beats: Vec<u64> = (1..=6).map(|i| i * 15).collect();
    let calls: Vec<_> =
        beats.iter().map(|at| json!({"at": at, "action": "SendTaskHeartbeat", "state": "Ask"})).collect();
    let mut w = world(json!({"calls": calls}));
    w.run_to_end();
    assert_eq!(only_reason(&w), CloseReason::TimedOut { error: "States.Timeout".into(), heartbeat: false });
    assert_eq!(w.timeline().tokens()[0].last_heartbeat_ms, Some(90_000));
}

#[test]
fn stopping_closes_the_open_token() {
    let mut w = world(json!({}));
    w.stop_execution().unwrap();
    let why = only_reason(&w);
    assert!(
        matches!(why, CloseReason::Aborted | CloseReason::ExecutionEnded(sim::Status::Aborted)),
        "{why:?}"
    );
    assert_eq!(w.timeline().progress()[0].1, Progress::Failed);
}

#[test]
fn every_retry_gets_its_own_token_and_attempt() {
    let definition = r#"{"StartAt": "Ask", "States": {"Ask": {"Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
        "Parameters": {"FunctionName": "ask", "Payload": {"t.$": "$$.Task.Token"}},
        "TimeoutSeconds": 5, "Retry": [{"ErrorEquals": ["States.Timeout"], "MaxAttempts": 1}],
        "End": true}}}"#;
    let (machine, _) = sim::load(definition).unwrap();
    let mut w = World::start(machine, asl::Value::from(json!({})), &sim::Scenario::default());
    w.run_to_end();
    let tokens = w.timeline().tokens();
    assert_eq!(tokens.iter().map(|t| t.attempt).collect::<Vec<_>>(), [1, 2]);
    assert_ne!(tokens[0].token, tokens[1].token);
    assert!(tokens.iter().all(|t| matches!(t.closed.as_ref().unwrap().why, CloseReason::TimedOut { .. })));
}

#[test]
fn a_waiting_task_is_current_and_success_leaves_only_visited_states() {
    let mut w = world(json!({}));
    assert_eq!(w.timeline().progress().to_vec(), [("Ask".into(), Progress::Current)]);
    let token = w.timeline().tokens()[0].token.clone();
    w.send_task_success(&token, "{}").unwrap();
    let progress = w.timeline().progress().to_vec();
    assert_eq!(progress, [("Ask".into(), Progress::Visited), ("Done".into(), Progress::Visited)]);
}

#[test]
fn an_uncaught_failure_marks_the_task() {
    let mut w = world(json!({}));
    let token = w.timeline().tokens()[0].token.clone();
    w.send_task_failure(&token, Some("Boom"), None).unwrap();
    assert_eq!(w.timeline().progress().to_vec(), [("Ask".into(), Progress::Failed)]);
}

#[test]
fn a_caught_jsonata_failure_marks_its_state_caught() {
    let definition = r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {
        "A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Arguments": "{% $nothing %}",
              "Catch": [{"ErrorEquals": ["States.QueryEvaluationError"], "Next": "B"}], "End": true},
        "B": {"Type": "Pass", "End": true}}}"#;
    let (machine, _) = sim::load(definition).unwrap();
    let scenario = sim::Scenario::from_json_value(&json!({})).unwrap();
    let w = World::start(machine, asl::Value::from(json!({})), &scenario);
    assert_eq!(w.status(), sim::Status::Succeeded);
    let progress = w.timeline().progress().to_vec();
    assert_eq!(progress, [("A".into(), Progress::Caught), ("B".into(), Progress::Visited)]);
}
