//! The shape of the history around Map and Parallel states, one small machine per rule, as AWS
//! recorded them (ASL-SEMANTICS §3.3-3.4; the conformance corpus holds the full recordings).
//! Each event reads `id<-previousEventId Type`.

use std::rc::Rc;

use asl::exec::{Execution, Outcome, StartOptions};
use asl::Value;

fn start(definition: &str, input: &str) -> Execution {
    let (machine, diags) = asl::load(&Value::parse(definition).unwrap());
    let machine = Rc::new(machine.unwrap_or_else(|| panic!("{diags:?}")));
    Execution::start(machine, Value::parse(input).unwrap(), StartOptions::default())
}

fn events(exec: &Execution) -> Vec<String> {
    exec.history()
        .iter()
        .map(|e| format!("{}<-{} {}", e.id, e.previous_event_id, e.kind.type_name()))
        .collect()
}

fn details(exec: &Execution, id: usize) -> Option<serde_json::Value> {
    let event = exec.history_json().into_iter().nth(id - 1)?;
    event.as_object()?.iter().find(|(k, _)| k.ends_with("EventDetails")).map(|(_, v)| v.clone())
}

#[test]
fn a_map_succeeds_after_its_last_iteration() {
    let exec = start(
        r#"{"StartAt": "M", "States": {"M": {"Type": "Map", "MaxConcurrency": 1, "End": true,
            "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}}}}"#,
        "[1, 2]",
    );
    assert_eq!(
        events(&exec),
        [
            "1<-0 ExecutionStarted",
            "2<-0 MapStateEntered",
            "3<-2 MapStateStarted",
            "4<-3 MapIterationStarted",
            "5<-4 PassStateEntered",
            "6<-5 PassStateExited",
            "7<-6 MapIterationSucceeded",
            "8<-6 MapIterationStarted",
            "9<-8 PassStateEntered",
            "10<-9 PassStateExited",
            "11<-10 MapIterationSucceeded",
            "12<-11 MapStateSucceeded",
            "13<-11 MapStateExited",
            "14<-13 ExecutionSucceeded",
        ]
    );
}

#[test]
fn a_retried_map_starts_again_without_failing_first() {
    let mut exec = start(
        r#"{"StartAt": "M", "States": {"M": {"Type": "Map", "MaxConcurrency": 1, "End": true,
            "Retry": [{"ErrorEquals": ["Boom"], "MaxAttempts": 1, "IntervalSeconds": 1}],
            "ItemProcessor": {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Boom"}}}}}}"#,
        "[1]",
    );
    exec.advance_to(1000);
    assert_eq!(
        events(&exec)[2..],
        [
            "3<-2 MapStateStarted",
            "4<-3 MapIterationStarted",
            "5<-4 FailStateEntered",
            "6<-5 MapIterationFailed",
            "7<-5 MapStateStarted",
            "8<-7 MapIterationStarted",
            "9<-8 FailStateEntered",
            "10<-9 MapIterationFailed",
            "11<-9 MapStateFailed",
            "12<-11 ExecutionFailed",
        ]
    );
    assert_eq!(details(&exec, 11), None, "AWS records no details on MapStateFailed");
}

#[test]
fn a_failed_parallel_branch_aborts_its_task_and_the_others() {
    let mut exec = start(
        r#"{"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [
            {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": true}}},
            {"StartAt": "B", "States": {"B": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "End": true}}}]}}}"#,
        "{}",
    );
    let first = exec.take_effects()[0].invocation;
    exec.resolve(first, Outcome::Throw { error: Some("Boom".into()), cause: None });
    assert_eq!(
        events(&exec)[2..],
        [
            "3<-2 ParallelStateStarted",
            "4<-3 TaskStateEntered",
            "5<-4 TaskScheduled",
            "6<-5 TaskStarted",
            "7<-3 TaskStateEntered",
            "8<-7 TaskScheduled",
            "9<-8 TaskStarted",
            "10<-6 TaskFailed",
            "11<-10 TaskStateAborted",
            "12<-10 TaskStateAborted",
            "13<-10 ParallelStateFailed",
            "14<-13 ExecutionFailed",
        ]
    );
    assert_eq!(details(&exec, 13), None, "AWS records no details on ParallelStateFailed");
}

#[test]
fn a_distributed_map_shows_its_map_run_not_its_iterations() {
    let exec = start(
        r#"{"StartAt": "M", "States": {"M": {"Type": "Map", "Label": "Run", "End": true,
            "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                              "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}}}}"#,
        "[1, 2]",
    );
    assert_eq!(
        events(&exec),
        [
            "1<-0 ExecutionStarted",
            "2<-0 MapStateEntered",
            "3<-2 MapStateStarted",
            "4<-3 MapRunStarted",
            "5<-4 MapRunSucceeded",
            "6<-5 MapStateSucceeded",
            "7<-4 MapStateExited",
            "8<-7 ExecutionSucceeded",
        ]
    );
    let arn = details(&exec, 4).and_then(|d| d["mapRunArn"].as_str().map(String::from)).unwrap_or_default();
    assert!(arn.starts_with("arn:aws:states:us-east-1:123456789012:mapRun:Baton/Run:"), "{arn}");
    assert_eq!(exec.output().map(Value::to_json).as_deref(), Some("[1,2]"));
}

#[test]
fn a_bad_tolerated_failure_count_fails_the_map_after_it_started() {
    let exec = start(
        r#"{"StartAt": "M", "States": {"M": {"Type": "Map", "ToleratedFailureCountPath": "$.n", "ItemsPath": "$.items",
            "End": true, "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}}}}"#,
        r#"{"n": "many", "items": [1]}"#,
    );
    assert_eq!(events(&exec)[2..], ["3<-2 MapStateStarted", "4<-3 ExecutionFailed"]);
}

#[test]
fn an_empty_assign_assigns_nothing() {
    let exec =
        start(r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "Assign": {}, "End": true}}}"#, "{}");
    let exited = details(&exec, 3).unwrap_or_default();
    assert!(exited.get("assignedVariables").is_none(), "{exited}");
}
