//! The engine against anything a user can paste: every execution ends, within bounded memory, with
//! an error that says which limit ended it (issue 10). AWS's own limits come first (ASL-SEMANTICS
//! §10: 25,000 history events, 256 KiB payloads, 32,768-character causes); Baton's budgets only
//! bound what AWS would let grow, and say so in their messages.

use std::rc::Rc;

use asl::exec::{Execution, Outcome, StartOptions, Status, MAX_HISTORY_EVENTS, MAX_PAYLOAD_BYTES};
use asl::{ErrorName, Value};

fn machine(json: &str) -> Rc<asl::model::StateMachine> {
    let (machine, diags) = asl::load(&Value::parse(json).unwrap());
    machine.map(Rc::new).unwrap_or_else(|| panic!("invalid test definition: {diags:?}"))
}

fn start(definition: &str, input: Value) -> Execution {
    Execution::start(machine(definition), input, StartOptions::default())
}

/// Answers every integration call with `answer` and moves the clock to each timer, as a world of
/// always-failing (or never-answering) participants would, until the execution ends. `rounds`
/// bounds the test itself: an engine that never ends the execution fails it instead of hanging.
fn drive(exec: &mut Execution, rounds: usize, answer: impl Fn(u32) -> Option<Outcome>) {
    for _ in 0..rounds {
        if exec.status() != Status::Running {
            return;
        }
        for effect in exec.take_effects() {
            if let Some(outcome) = answer(effect.retry_count) {
                exec.resolve(effect.invocation, outcome);
            }
        }
        if let Some(at) = exec.next_timer_at() {
            exec.advance_to(at);
        }
    }
}

fn error_and_cause(exec: &Execution) -> (Option<String>, String) {
    let failure = exec.failure().expect("the execution failed");
    (failure.error.as_ref().map(|e| e.to_string()), failure.cause.as_deref().unwrap_or_default().to_string())
}

fn assert_ended_by_history_limit(exec: &Execution) {
    assert_eq!(exec.status(), Status::Failed);
    let (error, cause) = error_and_cause(exec);
    assert_eq!(error.as_deref(), Some("States.Runtime"));
    assert_eq!(cause, "The execution reached the maximum number of history events (25000).");
    // The check runs before a state's work, so a few events of the work in progress may follow.
    assert!(exec.history().len() <= MAX_HISTORY_EVENTS + 4, "{} events", exec.history().len());
}

// ----- finding 1: retries count toward the history limit -----

#[test]
fn a_task_retried_on_every_error_ends_at_the_history_limit() {
    let mut exec = start(
        r#"{"StartAt": "Call", "States": {"Call": {"Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"},
            "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 99999999, "BackoffRate": 1}],
            "End": true}}}"#,
        Value::empty_object(),
    );
    drive(&mut exec, 20_000, |_| Some(Outcome::Throw { error: Some("Boom".into()), cause: None }));
    assert_ended_by_history_limit(&exec);
}

#[test]
fn a_callback_retried_on_its_timeout_ends_at_the_history_limit() {
    let mut exec = start(
        r#"{"StartAt": "Wait", "States": {"Wait": {"Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {"QueueUrl": "q", "MessageBody.$": "$$.Task.Token"}, "TimeoutSeconds": 1,
            "Retry": [{"ErrorEquals": ["States.Timeout"], "MaxAttempts": 99999999, "BackoffRate": 1}],
            "End": true}}}"#,
        Value::empty_object(),
    );
    // The queue accepts each message; nobody ever sends the token back.
    drive(&mut exec, 40_000, |_| Some(Outcome::Return(Value::parse(r#"{"MessageId": "m"}"#).unwrap())));
    assert_ended_by_history_limit(&exec);
}

// ----- finding 2: every state's output, and the execution input, stay within 256 KiB -----

fn assert_data_limit(exec: &Execution, state: &str) {
    assert_eq!(exec.status(), Status::Failed, "{:?}", exec.failure());
    let (error, cause) = error_and_cause(exec);
    assert_eq!(error.as_deref(), Some("States.DataLimitExceeded"));
    assert_eq!(
        cause,
        format!("The state/task '{state}' returned a result with a size exceeding the maximum number of bytes service limit.")
    );
}

#[test]
fn a_parallel_whose_output_doubles_in_a_loop_fails_at_256_kib() {
    let exec = start(
        r#"{"StartAt": "Double", "States": {
            "Double": {"Type": "Parallel", "Next": "Double", "Branches": [
                {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}},
                {"StartAt": "B", "States": {"B": {"Type": "Pass", "End": true}}}]}}}"#,
        Value::from("x"),
    );
    assert_data_limit(&exec, "Double");
    assert!(exec.history().len() < 1_000);
}

#[test]
fn a_map_whose_results_exceed_256_kib_fails_and_can_be_caught() {
    let items = Value::array((0..300).map(Value::from_i64).collect());
    let definition = |catch: &str, caught: &str| {
        format!(
            r#"{{"StartAt": "Each", "States": {{
                "Each": {{"Type": "Map", "End": true {catch}, "ItemProcessor": {{"StartAt": "Big",
                    "States": {{"Big": {{"Type": "Pass", "Result": "{}", "End": true}}}}}}}}
                {caught}}}}}"#,
            "y".repeat(1000)
        )
    };
    let exec = start(&definition("", ""), items.clone());
    assert_data_limit(&exec, "Each");
    let catch = r#", "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}]"#;
    let exec = start(&definition(catch, r#", "Caught": {"Type": "Pass", "End": true}"#), items.clone());
    assert_eq!(exec.status(), Status::Succeeded);
    assert_eq!(exec.output().unwrap().get("Error").and_then(Value::as_str), Some("States.DataLimitExceeded"));
    // Benchmarks lift the limit to run workloads AWS would refuse.
    let options = StartOptions { max_payload_bytes: None, ..StartOptions::default() };
    let exec = Execution::start(machine(&definition("", "")), items, options);
    assert_eq!(exec.status(), Status::Succeeded);
}

#[test]
fn a_pass_whose_output_exceeds_256_kib_after_result_path_fails() {
    let big = "z".repeat(200_000);
    let exec = start(
        &format!(
            r#"{{"StartAt": "Add", "States": {{"Add": {{"Type": "Pass", "Result": "{}",
                "ResultPath": "$.more", "End": true}}}}}}"#,
            "w".repeat(100_000)
        ),
        Value::from_pairs([("big", Value::from(big))]),
    );
    assert_data_limit(&exec, "Add");
}

#[test]
fn a_callback_result_that_makes_the_output_exceed_256_kib_fails_the_task() {
    let exec_input = Value::from_pairs([("big", Value::from("z".repeat(200_000)))]);
    let mut exec = start(
        r#"{"StartAt": "Wait", "States": {"Wait": {"Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {"QueueUrl": "q", "MessageBody.$": "$$.Task.Token"},
            "ResultPath": "$.answer", "End": true}}}"#,
        exec_input,
    );
    let effect = exec.take_effects().remove(0);
    exec.resolve(effect.invocation, Outcome::Return(Value::empty_object()));
    let answer = format!("\"{}\"", "a".repeat(100_000));
    exec.send_task_success(effect.token.as_deref().unwrap(), &answer).unwrap();
    assert_data_limit(&exec, "Wait");
}

#[test]
fn a_task_whose_parameters_exceed_256_kib_fails_before_it_is_scheduled() {
    let exec = start(
        r#"{"StartAt": "Call", "States": {"Call": {"Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "f", "Payload": {"a.$": "$.big", "b.$": "$.big"}}, "End": true}}}"#,
        Value::from_pairs([("big", Value::from("p".repeat(150_000)))]),
    );
    assert_eq!(exec.status(), Status::Failed);
    assert_eq!(exec.failure().unwrap().error, Some(ErrorName::DataLimitExceeded));
    let types: Vec<String> = exec.history().iter().map(|e| e.kind.type_name()).collect();
    assert_eq!(types, ["ExecutionStarted", "TaskStateEntered", "ExecutionFailed"]);
}

#[test]
fn an_execution_input_over_256_kib_is_refused_at_start() {
    let definition = r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#;
    let big = Value::from("i".repeat(MAX_PAYLOAD_BYTES));
    let refused = Execution::try_start(machine(definition), big.clone(), StartOptions::default())
        .err()
        .expect("StartExecution refuses the input");
    assert_eq!(refused.code, "ValidationException");
    assert!(
        refused.message.ends_with(
            "at 'input' failed to satisfy constraint: Member must have length less than or equal to 262144"
        ),
        "{}",
        refused.message
    );
    // A host that starts it anyway gets an execution that ends before its first state.
    let exec = start(definition, big);
    assert_eq!(exec.status(), Status::Failed);
    assert_eq!(exec.failure().unwrap().error, Some(ErrorName::DataLimitExceeded));
    assert!(exec.history().iter().all(|e| e.kind.state_name().is_none()), "no state ran");
    // Exactly at the limit is fine: the JSON text of a string counts its quotes.
    let fits = Value::from("i".repeat(MAX_PAYLOAD_BYTES - 2));
    assert!(Execution::try_start(machine(definition), fits, StartOptions::default()).is_ok());
}

#[test]
fn without_the_aws_history_limit_a_loop_ends_at_batons_ceiling() {
    let options = StartOptions { max_history_events: None, ..StartOptions::default() };
    let m = machine(r#"{"StartAt": "Spin", "States": {"Spin": {"Type": "Pass", "Next": "Spin"}}}"#);
    let exec = Execution::start(m, Value::empty_object(), options);
    assert_eq!(exec.status(), Status::Failed);
    let (error, cause) = error_and_cause(&exec);
    assert_eq!(error.as_deref(), Some("States.Runtime"));
    assert!(cause.contains("Baton's ceiling of 1000000 history events"), "{cause}");
    assert!(exec.history().len() <= asl::exec::HISTORY_EVENTS_CEILING + 4);
}

#[test]
fn a_loop_that_makes_fresh_data_ends_at_the_history_memory_budget() {
    // Each turn formats a new 200 kB string: 25,000 events of them would hold gigabytes.
    let options = StartOptions { max_history_bytes: 8 << 20, ..StartOptions::default() };
    let m = machine(
        r#"{"StartAt": "Copy", "States": {"Copy": {"Type": "Pass", "Next": "Copy",
            "Parameters": {"s.$": "States.Format('{}', $.s)"}}}}"#,
    );
    let input = Value::from_pairs([("s", Value::from("m".repeat(200_000)))]);
    let exec = Execution::start(m, input, options);
    assert_eq!(exec.status(), Status::Failed);
    let (error, cause) = error_and_cause(&exec);
    assert_eq!(error.as_deref(), Some("States.Runtime"));
    assert!(cause.contains("8388608 bytes"), "{cause}");
    assert!(exec.history().len() < 1_000, "{} events", exec.history().len());
}

// ----- finding 3: errors and causes stay within AWS's lengths -----

#[test]
fn an_intrinsic_failure_on_a_huge_string_has_a_capped_cause() {
    let bad = format!("{{{}", "q".repeat(200_000));
    let exec = start(
        r#"{"StartAt": "Parse", "States": {"Parse": {"Type": "Pass",
            "Parameters": {"v.$": "States.StringToJson($.s)"}, "End": true}}}"#,
        Value::from_pairs([("s", Value::from(bad))]),
    );
    assert_eq!(exec.status(), Status::Failed);
    let (_, cause) = error_and_cause(&exec);
    assert_eq!(cause.chars().count(), 32_768);
    let failed = exec.history_json().pop().unwrap();
    let recorded = failed["executionFailedEventDetails"]["cause"].as_str().unwrap();
    assert_eq!(recorded.chars().count(), 32_768);
}

#[test]
fn a_thrown_error_with_a_huge_cause_is_capped_in_history_and_catcher() {
    let mut exec = start(
        r#"{"StartAt": "Call", "States": {
            "Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": "f"}, "End": true,
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Done"}]},
            "Done": {"Type": "Pass", "End": true}}}"#,
        Value::empty_object(),
    );
    let effect = exec.take_effects().remove(0);
    let (error, cause) = ("E".repeat(1_000), "c".repeat(100_000));
    exec.resolve(effect.invocation, Outcome::Throw { error: Some(error), cause: Some(cause) });
    assert_eq!(exec.status(), Status::Succeeded);
    let output = exec.output().unwrap();
    assert_eq!(output.get("Error").and_then(Value::as_str).map(|e| e.chars().count()), Some(256));
    assert_eq!(output.get("Cause").and_then(Value::as_str).map(|c| c.chars().count()), Some(32_768));
}

#[test]
fn stop_execution_checks_error_and_cause_lengths_as_send_task_failure_does() {
    let definition = r#"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 60, "End": true}}}"#;
    let mut exec = start(definition, Value::empty_object());
    let long_error = "e".repeat(257);
    let e = exec.stop(Some(&long_error), None).unwrap_err();
    assert_eq!(e.code, "ValidationException");
    assert!(e.message.contains("at 'error'"), "{}", e.message);
    let long_cause = "c".repeat(32_769);
    let e = exec.stop(None, Some(&long_cause)).unwrap_err();
    assert!(e.message.contains("at 'cause'"), "{}", e.message);
    assert_eq!(exec.status(), Status::Running, "a refused stop changes nothing");
    exec.stop(Some(&"e".repeat(256)), Some(&"c".repeat(32_768))).unwrap();
    assert_eq!(exec.status(), Status::Aborted);
}

// ----- finding 4: every timestamp is RFC 3339 -----

fn assert_timestamps_valid(exec: &Execution) {
    for event in exec.history_json() {
        let stamp = event["timestamp"].as_str().unwrap();
        assert!(asl::time::parse_timestamp(stamp).is_some(), "{stamp} is not RFC 3339");
    }
}

#[test]
fn a_wait_past_year_9999_fails_instead_of_printing_a_five_digit_year() {
    let options = StartOptions {
        start_epoch_ms: asl::time::parse_timestamp("9999-12-31T23:00:00Z").unwrap().to_epoch_millis() as u64,
        ..StartOptions::default()
    };
    let m = machine(
        r#"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 7200, "Next": "After"},
            "After": {"Type": "Pass", "End": true}}}"#,
    );
    let mut exec = Execution::start(m, Value::empty_object(), options);
    exec.advance_to(u64::MAX);
    assert_eq!(exec.status(), Status::Failed);
    let (error, cause) = error_and_cause(&exec);
    assert_eq!(error.as_deref(), Some("States.Runtime"));
    assert!(cause.ends_with("Wait state delay is too long."), "{cause}");
    assert_timestamps_valid(&exec);
}

#[test]
fn a_task_timeout_past_year_9999_times_the_execution_out_at_the_calendars_end() {
    let options = StartOptions {
        start_epoch_ms: asl::time::parse_timestamp("9999-12-31T23:00:00Z").unwrap().to_epoch_millis() as u64,
        ..StartOptions::default()
    };
    let m = machine(
        r#"{"StartAt": "Wait", "States": {"Wait": {"Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {"QueueUrl": "q", "MessageBody.$": "$$.Task.Token"}, "TimeoutSeconds": 7200,
            "End": true}}}"#,
    );
    let mut exec = Execution::start(m, Value::empty_object(), options);
    exec.advance_to(u64::MAX);
    assert_eq!(exec.status(), Status::TimedOut);
    assert_timestamps_valid(&exec);
    let last = exec.history_json().pop().unwrap();
    assert_eq!(last["timestamp"], "9999-12-31T23:59:59.999Z");
}

#[test]
fn a_seconds_path_beyond_what_aws_can_wait_is_a_runtime_error() {
    let exec = start(
        r#"{"StartAt": "W", "States": {"W": {"Type": "Wait", "SecondsPath": "$.s", "End": true}}}"#,
        Value::from_pairs([("s", Value::from_i64(3_000_000_000))]),
    );
    assert_eq!(exec.status(), Status::Failed);
    let (error, cause) = error_and_cause(&exec);
    assert_eq!(error.as_deref(), Some("States.Runtime"));
    assert_eq!(
        cause,
        "An error occurred while executing the state 'W' (entered at the event id #2). Wait state delay is too long."
    );
}

#[test]
fn timestamps_are_printed_within_rfc_3339_years() {
    assert_eq!(asl::history::iso8601(u64::MAX), "9999-12-31T23:59:59.999Z");
    assert_eq!(asl::history::iso8601(253_402_300_799_999), "9999-12-31T23:59:59.999Z");
}
