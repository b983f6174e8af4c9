//! The engine's limits as a `baton run` user meets them: a scenario whose world never lets the
//! execution succeed still ends, with the error that names the limit (issue 10; the engine's own
//! tests are `crates/asl/tests/limits.rs`).

use serde_json::json;

fn run(definition: serde_json::Value, scenario: serde_json::Value) -> sim::Report {
    let definition = asl::Value::from(definition);
    let scenario = sim::Scenario::from_json_value(&scenario).unwrap();
    sim::run(&definition, &scenario).unwrap()
}

fn assert_history_limit(report: &sim::Report) {
    assert_eq!(report.status, asl::exec::Status::Failed);
    assert_eq!(report.error.as_deref(), Some("States.Runtime"));
    assert_eq!(
        report.cause.as_deref(),
        Some("The execution reached the maximum number of history events (25000).")
    );
    assert!(report.events.len() <= asl::exec::MAX_HISTORY_EVENTS + 4, "{} events", report.events.len());
}

#[test]
fn a_task_retried_forever_against_a_throwing_responder_ends_at_the_history_limit() {
    // After its one answer the responder runs out, and a responder that ran out throws.
    let report = run(
        json!({"StartAt": "Call", "States": {"Call": {"Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"},
            "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 99999999, "BackoffRate": 1}],
            "End": true}}}),
        json!({"responders": {"Call": [{"throw": {"error": "Boom", "cause": "always"}}]}}),
    );
    assert_history_limit(&report);
}

#[test]
fn a_callback_that_times_out_and_is_retried_forever_ends_at_the_history_limit() {
    let report = run(
        json!({"StartAt": "Wait", "States": {"Wait": {"Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {"QueueUrl": "q", "MessageBody.$": "$$.Task.Token"}, "TimeoutSeconds": 1,
            "Retry": [{"ErrorEquals": ["States.Timeout"], "MaxAttempts": 99999999, "IntervalSeconds": 1,
                "BackoffRate": 1}],
            "End": true}}}),
        json!({"responders": {"Wait": (0..10_000).map(|_| json!({"callback": "none"})).collect::<Vec<_>>()}}),
    );
    assert_history_limit(&report);
}

#[test]
fn a_scenario_input_over_256_kib_never_runs_a_state() {
    let report = run(
        json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}),
        json!({"input": {"big": "b".repeat(asl::exec::MAX_PAYLOAD_BYTES)}}),
    );
    assert_eq!(report.status, asl::exec::Status::Failed);
    assert_eq!(report.error.as_deref(), Some("States.DataLimitExceeded"));
    assert_eq!(report.events.len(), 2, "ExecutionStarted, ExecutionFailed");
}

#[test]
fn max_history_events_null_still_ends_a_loop() {
    let report = run(
        json!({"StartAt": "Spin", "States": {"Spin": {"Type": "Pass", "Next": "Spin"}}}),
        json!({"context": {"maxHistoryEvents": null}}),
    );
    assert_eq!(report.status, asl::exec::Status::Failed);
    assert_eq!(report.error.as_deref(), Some("States.Runtime"));
    assert!(report.cause.as_deref().unwrap().contains("Baton's ceiling"), "{:?}", report.cause);
    assert!(report.events.len() <= asl::exec::HISTORY_EVENTS_CEILING + 4);
}
