//! The callback pattern through the engine's own API: every row of ASL-SEMANTICS §1.4 (what each
//! SendTask* call answers, when) and the timeout and heartbeat rules of §2.

use std::rc::Rc;

use asl::exec::{Execution, Outcome, StartOptions, Status};
use asl::{ErrorName, Value};

const SEC: u64 = 1000;

fn machine(json: &str) -> Rc<asl::model::StateMachine> {
    let (machine, diags) = asl::load(&Value::parse(json).unwrap());
    machine.map(Rc::new).unwrap_or_else(|| panic!("invalid test definition: {diags:?}"))
}

/// A one-task machine; `fields` are extra Task fields such as `"TimeoutSeconds": 5`.
fn callback_task(fields: &str) -> Rc<asl::model::StateMachine> {
    machine(&format!(
        r#"{{"StartAt": "Wait", "States": {{"Wait": {{"Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {{"QueueUrl": "q", "MessageBody": {{"token.$": "$$.Task.Token"}}}}
            {fields}, "End": true}}}}}}"#
    ))
}

/// Starts an execution, lets the integration accept the message, and returns the token.
fn started(machine: Rc<asl::model::StateMachine>) -> (Execution, String) {
    let mut exec = Execution::start(machine, Value::parse(r#"{"job": 1}"#).unwrap(), StartOptions::default());
    let effects = exec.take_effects();
    assert_eq!(effects.len(), 1);
    let token = effects[0].token.as_deref().expect("callback tasks carry a token").to_string();
    assert!(effects[0].parameters.to_json().contains(&token), "the token reaches the integration");
    exec.resolve(effects[0].invocation, Outcome::Return(Value::parse(r#"{"MessageId": "m-1"}"#).unwrap()));
    (exec, token)
}

fn types(exec: &Execution) -> Vec<String> {
    exec.history().iter().map(|e| e.kind.type_name()).collect()
}

fn error_of(result: Result<(), asl::exec::ApiError>) -> (&'static str, String) {
    let e = result.expect_err("an error answer");
    (e.code, e.message)
}

const TIMED_OUT: (&str, &str) = ("TaskTimedOut", "Task Timed Out: 'Provided task does not exist anymore'");

fn assert_timed_out(result: Result<(), asl::exec::ApiError>) {
    let (code, message) = error_of(result);
    assert_eq!((code, message.as_str()), TIMED_OUT);
}

#[test]
fn a_token_never_issued_is_invalid() {
    let (mut exec, _) = started(callback_task(""));
    for token in ["not-a-token", "", &"x".repeat(3000)] {
        let (code, message) = error_of(exec.send_task_success(token, "{}"));
        assert_eq!((code, message.as_str()), ("InvalidToken", "Invalid Token: 'Invalid token'"));
        assert_eq!(error_of(exec.send_task_heartbeat(token)).0, "InvalidToken");
        assert_eq!(error_of(exec.send_task_failure(token, None, None)).0, "InvalidToken");
    }
    assert_eq!(exec.status(), Status::Running);
}

#[test]
fn the_first_success_closes_the_task_and_its_output_is_the_result() {
    let (mut exec, token) = started(callback_task(""));
    assert_eq!(
        types(&exec),
        ["ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSubmitted"]
    );
    exec.send_task_success(&token, "\"test_message_txt\"").unwrap();
    assert_eq!(exec.status(), Status::Succeeded);
    assert_eq!(exec.output(), Some(&Value::from("test_message_txt")));
    assert_eq!(&types(&exec)[5..], ["TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"]);
}

#[test]
fn a_second_answer_with_the_same_token_is_task_timed_out_not_a_silent_success() {
    let (mut exec, token) = started(callback_task(""));
    exec.send_task_success(&token, "1").unwrap();
    assert_timed_out(exec.send_task_success(&token, "2"));
    assert_timed_out(exec.send_task_failure(&token, Some("E"), None));
    assert_timed_out(exec.send_task_heartbeat(&token));
    assert_eq!(exec.output(), Some(&Value::from_i64(1)), "the repeat cannot change the outcome");
}

#[test]
fn an_answer_after_the_timeout_is_task_timed_out() {
    let (mut exec, token) = started(callback_task(r#", "TimeoutSeconds": 5"#));
    assert_eq!(exec.next_deadline().map(|d| d.at), Some(5 * SEC));
    exec.advance_to(5 * SEC);
    assert_eq!(exec.status(), Status::Failed);
    assert_timed_out(exec.send_task_success(&token, "{}"));
}

#[test]
fn tokens_of_a_stopped_or_finished_execution_are_task_timed_out() {
    let (mut exec, token) = started(callback_task(""));
    exec.stop(None, None).unwrap();
    assert_eq!(exec.status(), Status::Aborted);
    assert!(exec.open_tasks().is_empty(), "stopping closes every token");
    assert_eq!(types(&exec).last().unwrap(), "ExecutionAborted");
    assert_eq!(exec.history().last().unwrap().previous_event_id, 0);
    assert_timed_out(exec.send_task_heartbeat(&token));
    assert_eq!(error_of(exec.stop(None, None)).0, "ExecutionDoesNotExist");
}

#[test]
fn a_heartbeat_on_an_open_task_is_accepted_and_writes_no_event() {
    let (mut exec, token) = started(callback_task(r#", "HeartbeatSeconds": 10"#));
    let before = exec.history().len();
    exec.send_task_heartbeat(&token).unwrap();
    assert_eq!(exec.history().len(), before);
    // Also without HeartbeatSeconds (ASL-SEMANTICS §13.3: accepted).
    let (mut plain, plain_token) = started(callback_task(""));
    plain.send_task_heartbeat(&plain_token).unwrap();
}

#[test]
fn heartbeats_at_one_instant_leave_one_heartbeat_deadline() {
    let (mut exec, token) = started(callback_task(r#", "HeartbeatSeconds": 60, "TimeoutSeconds": 600"#));
    let heartbeat_deadlines = |exec: &Execution| {
        exec.deadlines().iter().filter(|d| d.what.contains("heartbeat")).map(|d| d.at).collect::<Vec<_>>()
    };
    for _ in 0..3 {
        exec.send_task_heartbeat(&token).unwrap();
    }
    assert_eq!(heartbeat_deadlines(&exec), [60 * SEC]);
    exec.advance_to(30 * SEC);
    exec.send_task_heartbeat(&token).unwrap();
    exec.send_task_heartbeat(&token).unwrap();
    assert_eq!(heartbeat_deadlines(&exec), [90 * SEC]);
    exec.advance_to(89 * SEC);
    assert_eq!(exec.status(), Status::Running);
    exec.advance_to(90 * SEC);
    assert_eq!(exec.status(), Status::Failed, "the heartbeat deadline still fires");
}

#[test]
fn output_that_is_not_json_is_invalid_output_and_the_task_stays_open() {
    let (mut exec, token) = started(callback_task(""));
    assert_eq!(error_of(exec.send_task_success(&token, "{not json")).0, "InvalidOutput");
    exec.send_task_success(&token, "{}").unwrap();
}

#[test]
fn length_limits_are_validation_errors() {
    let (mut exec, token) = started(callback_task(""));
    let big = format!("\"{}\"", "a".repeat(262_144));
    let (code, message) = error_of(exec.send_task_success(&token, &big));
    assert_eq!(code, "ValidationException");
    assert!(message.ends_with(
        "at 'output' failed to satisfy constraint: Member must have length less than or equal to 262144"
    ));
    assert!(error_of(exec.send_task_failure(&token, Some(&"e".repeat(257)), None)).1.contains("'error'"));
    assert!(error_of(exec.send_task_failure(&token, None, Some(&"c".repeat(32_769)))).1.contains("32768"));
    exec.send_task_failure(&token, Some(&"e".repeat(256)), Some(&"c".repeat(32_768))).unwrap();
}

#[test]
fn failure_names_flow_into_catch_and_an_empty_failure_is_caught_by_states_all_only() {
    let m = || {
        machine(
            r#"{"StartAt": "Wait", "States": {
                "Wait": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                    "Parameters": {"t.$": "$$.Task.Token"}, "End": true, "Catch": [
                    {"ErrorEquals": ["States.Runtime"], "ResultPath": "$.err", "Next": "Runtime"},
                    {"ErrorEquals": ["States.TaskFailed"], "ResultPath": "$.err", "Next": "TaskFailed"},
                    {"ErrorEquals": ["States.ALL"], "ResultPath": "$.err", "Next": "All"}]},
                "Runtime": {"Type": "Pass", "Result": "Runtime", "ResultPath": "$.by", "End": true},
                "TaskFailed": {"Type": "Pass", "Result": "TaskFailed", "ResultPath": "$.by", "End": true},
                "All": {"Type": "Pass", "Result": "All", "ResultPath": "$.by", "End": true}}}"#,
        )
    };
    let (mut exec, token) = started(m());
    exec.send_task_failure(&token, Some("Rejected"), Some("no budget")).unwrap();
    let out = exec.output().unwrap().to_json();
    assert_eq!(out, r#"{"job":1,"err":{"Error":"Rejected","Cause":"no budget"},"by":"TaskFailed"}"#);

    let (mut exec, token) = started(m());
    exec.send_task_failure(&token, None, None).unwrap();
    let out = exec.output().unwrap().to_json();
    assert_eq!(out, r#"{"job":1,"err":{"Error":null,"Cause":null},"by":"All"}"#);
    let failed = &exec.history_json()[5];
    assert_eq!(failed["type"], "TaskFailed");
    assert_eq!(
        failed["taskFailedEventDetails"],
        serde_json::json!({"resourceType": "sqs", "resource": "sendMessage.waitForTaskToken"})
    );
}

#[test]
fn heartbeat_expiry_is_reported_as_states_timeout_without_a_cause() {
    let (mut exec, _) = started(callback_task(r#", "TimeoutSeconds": 600, "HeartbeatSeconds": 5"#));
    let scheduled = exec.history_json()[2].clone();
    assert_eq!(scheduled["taskScheduledEventDetails"]["timeoutInSeconds"], 600);
    assert_eq!(scheduled["taskScheduledEventDetails"]["heartbeatInSeconds"], 5);
    assert_eq!(exec.next_deadline().unwrap().at, 5 * SEC);
    exec.advance_to(60 * SEC);
    let history = exec.history_json();
    let n = history.len();
    assert_eq!(history[n - 2]["type"], "TaskTimedOut");
    assert_eq!(history[n - 2]["taskTimedOutEventDetails"]["error"], "States.Timeout");
    assert!(history[n - 2]["taskTimedOutEventDetails"].get("cause").is_none());
    assert_eq!(history[n - 1]["executionFailedEventDetails"], serde_json::json!({"error": "States.Timeout"}));
    assert_eq!(history[n - 1]["timestamp"], "2026-01-01T00:00:05.000Z");
}

#[test]
fn unset_timeouts_are_not_printed() {
    let (exec, _) = started(callback_task(""));
    let details = &exec.history_json()[2]["taskScheduledEventDetails"];
    assert!(details.get("timeoutInSeconds").is_none() && details.get("heartbeatInSeconds").is_none());
}

#[test]
fn heartbeats_reset_only_the_heartbeat_clock_and_timeout_seconds_is_a_hard_bound() {
    let (mut exec, token) = started(callback_task(r#", "TimeoutSeconds": 30, "HeartbeatSeconds": 10"#));
    for t in [8, 16, 24] {
        exec.advance_to(t * SEC);
        exec.send_task_heartbeat(&token).unwrap();
        assert_eq!(exec.status(), Status::Running, "alive at {t} s");
    }
    assert_eq!(
        exec.next_deadline().unwrap().at,
        30 * SEC,
        "the hard bound comes before the next heartbeat deadline (34 s)"
    );
    exec.advance_to(30 * SEC);
    assert_eq!(exec.status(), Status::Failed);
    assert_eq!(exec.now(), 30 * SEC);
}

#[test]
fn missing_a_heartbeat_times_out_even_long_before_timeout_seconds() {
    let (mut exec, token) = started(callback_task(r#", "TimeoutSeconds": 600, "HeartbeatSeconds": 10"#));
    exec.advance_to(9 * SEC);
    exec.send_task_heartbeat(&token).unwrap();
    exec.advance_to(18 * SEC);
    assert_eq!(exec.status(), Status::Running);
    exec.advance_to(19 * SEC);
    assert_eq!(exec.status(), Status::Failed);
    assert_eq!(exec.history().last().unwrap().at_ms, 19 * SEC);
}

#[test]
fn timeout_and_heartbeat_paths_read_the_input() {
    let m = machine(
        r#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {"t.$": "$$.Task.Token"}, "TimeoutSecondsPath": "$.limits.total", "HeartbeatSecondsPath": "$.limits.beat", "End": true}}}"#,
    );
    let mut exec = Execution::start(
        m.clone(),
        Value::parse(r#"{"limits": {"total": 50, "beat": 7}}"#).unwrap(),
        StartOptions::default(),
    );
    let details = &exec.history_json()[2]["taskScheduledEventDetails"];
    assert_eq!(
        (details["timeoutInSeconds"].as_u64(), details["heartbeatInSeconds"].as_u64()),
        (Some(50), Some(7))
    );
    assert_eq!(exec.take_effects().len(), 1);
    assert_eq!(exec.next_deadline().unwrap().at, 7 * SEC);

    let exec = Execution::start(m, Value::parse(r#"{"limits": {}}"#).unwrap(), StartOptions::default());
    assert_eq!(exec.status(), Status::Failed);
    let failure = exec.failure().unwrap();
    assert_eq!(failure.error, Some(ErrorName::Runtime));
    assert_eq!(
        failure.cause.as_deref(),
        Some("An error occurred while executing the state 'T' (entered at the event id #2). Invalid path '$.limits.total' : No results for path: $['limits']['total']")
    );
    assert_eq!(
        types(&exec),
        ["ExecutionStarted", "TaskStateEntered", "ExecutionFailed"],
        "fails before TaskScheduled"
    );
}

#[test]
fn task_failed_does_not_match_a_timeout_but_heartbeat_timeout_matches_a_missed_heartbeat() {
    let run = |catch: &str, heartbeat: bool| {
        let timing = if heartbeat {
            r#""TimeoutSeconds": 100, "HeartbeatSeconds": 5"#
        } else {
            r#""TimeoutSeconds": 5"#
        };
        let m = machine(&format!(
            r#"{{"StartAt": "T", "States": {{
                "T": {{"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                      "Parameters": {{"t.$": "$$.Task.Token"}}, {timing},
                      "Catch": [{{"ErrorEquals": [{catch}], "Next": "Caught"}}], "End": true}},
                "Caught": {{"Type": "Succeed"}}}}}}"#
        ));
        let mut exec = Execution::start(m, Value::empty_object(), StartOptions::default());
        exec.advance_to(10 * SEC);
        exec.status()
    };
    assert_eq!(run(r#""States.TaskFailed""#, false), Status::Failed);
    assert_eq!(run(r#""States.Timeout""#, false), Status::Succeeded);
    assert_eq!(run(r#""States.ALL""#, false), Status::Succeeded);
    assert_eq!(
        run(r#""States.HeartbeatTimeout""#, false),
        Status::Failed,
        "a plain timeout is not a heartbeat timeout"
    );
    assert_eq!(run(r#""States.HeartbeatTimeout""#, true), Status::Succeeded);
    assert_eq!(run(r#""States.Timeout""#, true), Status::Succeeded);
}

#[test]
fn the_execution_timeout_ends_it_timed_out_and_closes_its_tokens() {
    let m = machine(
        r#"{"TimeoutSeconds": 20, "StartAt": "T", "States": {"T": {"Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Parameters": {"t.$": "$$.Task.Token"}, "End": true}}}"#,
    );
    let mut exec = Execution::start(m, Value::empty_object(), StartOptions::default());
    let token = exec.take_effects()[0].token.clone().unwrap();
    exec.advance_to(19 * SEC);
    assert_eq!(exec.status(), Status::Running);
    exec.advance_to(20 * SEC);
    assert_eq!(exec.status(), Status::TimedOut);
    assert_eq!(types(&exec).last().unwrap(), "ExecutionTimedOut");
    assert_timed_out(exec.send_task_success(&token, "{}"));
}

#[test]
fn a_retry_issues_a_new_token_and_closes_the_old_one() {
    let (mut exec, first) = started(callback_task(
        r#", "TimeoutSeconds": 5, "Retry": [{"ErrorEquals": ["States.Timeout"], "IntervalSeconds": 2, "MaxAttempts": 1}]"#,
    ));
    exec.advance_to(5 * SEC);
    assert_eq!(exec.next_deadline().unwrap().at, 7 * SEC, "the retry waits IntervalSeconds");
    exec.advance_to(7 * SEC);
    let effects = exec.take_effects();
    assert_eq!(effects.len(), 1);
    assert_eq!(effects[0].retry_count, 1);
    let second = effects[0].token.as_deref().unwrap().to_string();
    assert_ne!(first, second);
    assert_timed_out(exec.send_task_success(&first, "{}"));
    exec.send_task_success(&second, r#"{"second": true}"#).unwrap();
    assert_eq!(exec.status(), Status::Succeeded);
    let t = types(&exec);
    assert_eq!(t.iter().filter(|t| *t == "TaskScheduled").count(), 2);
    assert_eq!(t.iter().filter(|t| *t == "TaskStateExited").count(), 1, "no exit between attempts");
}

#[test]
fn tokens_are_long_unique_and_the_same_for_the_same_seed() {
    let run = |seed| {
        let options = StartOptions { seed, ..StartOptions::default() };
        let mut exec = Execution::start(callback_task(""), Value::empty_object(), options);
        exec.take_effects()[0].token.as_deref().unwrap().to_string()
    };
    let (a, b, c) = (run(1), run(1), run(2));
    assert_eq!(a, b);
    assert_ne!(a, c);
    assert!(a.len() >= 100 && a.len() <= 2048);
}

#[test]
fn a_parallel_failure_aborts_the_sibling_and_closes_its_token() {
    let m = machine(
        r#"{"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [
            {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Parameters": {"t.$": "$$.Task.Token"}, "End": true}}},
            {"StartAt": "B", "States": {"B": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Parameters": {"t.$": "$$.Task.Token"}, "End": true}}}]}}}"#,
    );
    let mut exec = Execution::start(m, Value::empty_object(), StartOptions::default());
    let effects = exec.take_effects();
    assert_eq!(exec.open_tasks().len(), 2);
    let (a, b) = (effects[0].token.clone().unwrap(), effects[1].token.clone().unwrap());
    exec.send_task_failure(&b, Some("No"), Some("B says no")).unwrap();
    assert_eq!(exec.status(), Status::Failed);
    assert_eq!(
        exec.failure().unwrap().error,
        Some("No".into()),
        "the branch's own error, not States.BranchFailed"
    );
    let t = types(&exec);
    assert!(t.contains(&"TaskStateAborted".to_string()) && t.contains(&"ParallelStateFailed".to_string()));
    assert_timed_out(exec.send_task_success(&a, "{}"));
}

#[test]
fn an_activity_waits_for_a_worker_and_its_clocks_start_when_the_worker_polls() {
    let m = machine(
        r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:us-east-1:123456789012:activity:print",
            "TimeoutSeconds": 30, "HeartbeatSeconds": 10, "End": true}}}"#,
    );
    let mut exec = Execution::start(m, Value::parse(r#"{"n": 1}"#).unwrap(), StartOptions::default());
    let effect = exec.take_effects().remove(0);
    assert_eq!(types(&exec), ["ExecutionStarted", "TaskStateEntered", "ActivityScheduled"]);
    assert_eq!(
        exec.next_deadline().map(|d| d.at),
        Some(365 * 24 * 3600 * SEC),
        "no task clock before the poll"
    );
    exec.advance_to(100 * SEC);
    exec.activity_started(effect.invocation, Some("printer-1"));
    assert_eq!(exec.next_deadline().unwrap().at, 110 * SEC);
    let token = effect.token.unwrap();
    exec.send_task_success(&token, r#"{"printed": true}"#).unwrap();
    assert_eq!(
        &types(&exec)[3..],
        ["ActivityStarted", "ActivitySucceeded", "TaskStateExited", "ExecutionSucceeded"]
    );
    assert_eq!(exec.history_json()[3]["activityStartedEventDetails"]["workerName"], "printer-1");
}

#[test]
fn a_sync_task_can_be_completed_by_its_token() {
    let m = machine(
        r#"{"StartAt": "S", "States": {"S": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync",
            "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:child", "Input": {"t.$": "$$.Task.Token"}}, "End": true}}}"#,
    );
    let mut exec = Execution::start(m, Value::empty_object(), StartOptions::default());
    let token = exec.take_effects()[0].token.clone().expect(".sync tasks have a token");
    exec.send_task_success(&token, r#""early""#).unwrap();
    assert_eq!(exec.output(), Some(&Value::from("early")));
}

#[test]
fn a_sync_task_is_submitted_then_answered_with_the_jobs_result() {
    let m = machine(
        r#"{"StartAt": "S", "States": {"S": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync",
            "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:child"}, "End": true}}}"#,
    );
    let mut exec = Execution::start(m, Value::empty_object(), StartOptions::default());
    let invocation = exec.take_effects()[0].invocation;
    exec.resolve(invocation, Outcome::Return(Value::parse(r#"{"ExecutionArn": "arn"}"#).unwrap()));
    assert_eq!(exec.status(), Status::Running, "the child execution is still running");
    exec.resolve(invocation, Outcome::Return(Value::parse(r#"{"Status": "SUCCEEDED"}"#).unwrap()));
    assert_eq!(
        &types(&exec)[2..],
        [
            "TaskScheduled",
            "TaskStarted",
            "TaskSubmitted",
            "TaskSucceeded",
            "TaskStateExited",
            "ExecutionSucceeded"
        ]
    );
    assert_eq!(exec.output(), Some(&Value::parse(r#"{"Status": "SUCCEEDED"}"#).unwrap()));
}

#[test]
fn an_execution_fails_when_its_history_reaches_the_limit() {
    let m = machine(r#"{"StartAt": "Spin", "States": {"Spin": {"Type": "Pass", "Next": "Spin"}}}"#);
    let options = StartOptions { max_history_events: Some(101), ..StartOptions::default() };
    let exec = Execution::start(m, Value::empty_object(), options);
    assert_eq!(exec.status(), Status::Failed);
    assert_eq!(exec.failure().unwrap().error, Some(ErrorName::Runtime));
    assert_eq!(exec.history().len(), 102, "ExecutionStarted, 50 entered/exited pairs, ExecutionFailed");
}
