//! An execution that ran on AWS, from what `aws stepfunctions get-execution-history` prints:
//! read and checked ([`read_history`]), then folded into what happened ([`History::story`]):
//! the execution's status and times, every state entered and how it ended, every task hand-off
//! with its token, its timeout and heartbeat, and what came of it (answered, timed out, retried,
//! caught). The [`Story`] prints as a summary for a terminal and gives the workflow graph its
//! [`Marks`](crate::Marks); the events themselves are what [`layout_sequence`](crate::layout_sequence)
//! draws.
//!
//! It lives here, not in the engine's crates, because it reads the same AWS-shaped JSON as the
//! sequence diagram (timestamps, event kinds, participants, tokens found in the parameters) and
//! knows nothing the engine knows: a real history is all there is of a real execution.
//!
//! What a history does not hold: the callback calls themselves. SendTaskSuccess and
//! SendTaskFailure show only through the TaskSucceeded / TaskFailed they cause, and
//! SendTaskHeartbeat leaves no event at all, so a heartbeat is seen only when one was missed (a
//! timeout that fired before TimeoutSeconds ran out). The output of `baton run --history` does list
//! its calls, and they are read too.

mod fold;
mod read;
mod summary;

use serde_json::Value;

pub use fold::{marks_of_history, End, Handoff, Outcome, Status, Story, Then, Unknown, Visit};
pub use read::{read_definition, read_execution, read_history, state_names, Call, Execution, Form, History};

/// A problem with a document, at a JSON pointer into it (`""` for the whole document), for the
/// host to locate in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub pointer: String,
    pub message: String,
}

impl Problem {
    pub(crate) fn at(pointer: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem { pointer: pointer.into(), message: message.into() }
    }
}

/// Every event type of Step Functions' `HistoryEventType` (the API's enum, 2025).
pub const EVENT_TYPES: &[&str] = &[
    "ActivityFailed",
    "ActivityScheduled",
    "ActivityScheduleFailed",
    "ActivityStarted",
    "ActivitySucceeded",
    "ActivityTimedOut",
    "ChoiceStateEntered",
    "ChoiceStateExited",
    "ExecutionAborted",
    "ExecutionFailed",
    "ExecutionStarted",
    "ExecutionSucceeded",
    "ExecutionTimedOut",
    "FailStateEntered",
    "LambdaFunctionFailed",
    "LambdaFunctionScheduled",
    "LambdaFunctionScheduleFailed",
    "LambdaFunctionStarted",
    "LambdaFunctionStartFailed",
    "LambdaFunctionSucceeded",
    "LambdaFunctionTimedOut",
    "MapIterationAborted",
    "MapIterationFailed",
    "MapIterationStarted",
    "MapIterationSucceeded",
    "MapStateAborted",
    "MapStateEntered",
    "MapStateExited",
    "MapStateFailed",
    "MapStateStarted",
    "MapStateSucceeded",
    "ParallelStateAborted",
    "ParallelStateEntered",
    "ParallelStateExited",
    "ParallelStateFailed",
    "ParallelStateStarted",
    "ParallelStateSucceeded",
    "PassStateEntered",
    "PassStateExited",
    "SucceedStateEntered",
    "SucceedStateExited",
    "TaskFailed",
    "TaskScheduled",
    "TaskStarted",
    "TaskStartFailed",
    "TaskStateAborted",
    "TaskStateEntered",
    "TaskStateExited",
    "TaskSubmitFailed",
    "TaskSubmitted",
    "TaskSucceeded",
    "TaskTimedOut",
    "WaitStateAborted",
    "WaitStateEntered",
    "WaitStateExited",
    "MapRunAborted",
    "MapRunFailed",
    "MapRunStarted",
    "MapRunSucceeded",
    "ExecutionRedriven",
    "MapRunRedriven",
    "EvaluationFailed",
];

/// Whether `ty` is an event type Step Functions writes.
pub fn is_known_type(ty: &str) -> bool {
    EVENT_TYPES.contains(&ty)
}

/// Which of a task's clocks ran out when it timed out. AWS records both as `States.Timeout`
/// (`States.HeartbeatTimeout` exists only in Retry and Catch), so the clock is inferred.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// No SendTaskHeartbeat came within HeartbeatSeconds (the value, in seconds).
    Heartbeat(u64),
    /// TimeoutSeconds ran out (the value, in seconds).
    Timeout(u64),
}

impl Clock {
    /// Why the task timed out, in a few words.
    pub fn describe(self) -> String {
        match self {
            Clock::Heartbeat(h) => format!("no SendTaskHeartbeat within HeartbeatSeconds ({h} s)"),
            Clock::Timeout(t) => format!("TimeoutSeconds ({t} s) ran out"),
        }
    }
}

/// The clock that ran out when a task timed out, from its hand-off's details (`timeoutInSeconds`,
/// `heartbeatInSeconds`: AWS writes them only when set), the error recorded, whether the task had
/// started (TaskStarted, ActivityStarted…) and when, and when it timed out (epoch milliseconds).
///
/// Without HeartbeatSeconds only TimeoutSeconds can run out. Without TimeoutSeconds the default
/// (99,999,999 s) is longer than an execution may last, so a heartbeat was missed. With both, a
/// timeout that fired a second or more before TimeoutSeconds was up was the heartbeat's.
/// `None` when it cannot be told (both set and no times; neither set).
pub fn timeout_clock(
    handoff: &Value,
    error: &str,
    started: bool,
    started_ms: Option<i64>,
    timed_out_ms: Option<i64>,
) -> Option<Clock> {
    let secs = |key: &str| handoff.get(key).and_then(Value::as_u64);
    let (timeout, heartbeat) = (secs("timeoutInSeconds"), secs("heartbeatInSeconds"));
    if error == "States.HeartbeatTimeout" {
        return heartbeat.map(Clock::Heartbeat);
    }
    match (timeout, heartbeat) {
        (timeout, None) => timeout.map(Clock::Timeout),
        // The heartbeat clock starts when the task starts: a task that never started timed out
        // on TimeoutSeconds, and there is none here.
        (None, Some(h)) => started.then_some(Clock::Heartbeat(h)),
        (Some(t), Some(h)) => {
            if !started {
                return Some(Clock::Timeout(t));
            }
            let elapsed = timed_out_ms?.checked_sub(started_ms?)?;
            let limit = i64::try_from(t).unwrap_or(i64::MAX).saturating_mul(1000);
            Some(if elapsed.saturating_add(1000) < limit { Clock::Heartbeat(h) } else { Clock::Timeout(t) })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_clock_that_ran_out() {
        let both = json!({"timeoutInSeconds": 600, "heartbeatInSeconds": 5});
        assert_eq!(
            timeout_clock(&both, "States.Timeout", true, Some(0), Some(5_020)),
            Some(Clock::Heartbeat(5))
        );
        assert_eq!(
            timeout_clock(&both, "States.Timeout", true, Some(0), Some(600_040)),
            Some(Clock::Timeout(600))
        );
        assert_eq!(timeout_clock(&both, "States.Timeout", true, None, None), None);
        assert_eq!(timeout_clock(&both, "States.Timeout", false, None, None), Some(Clock::Timeout(600)));
        assert_eq!(
            timeout_clock(&json!({"timeoutInSeconds": 5}), "States.Timeout", true, None, None),
            Some(Clock::Timeout(5))
        );
        assert_eq!(
            timeout_clock(&json!({"heartbeatInSeconds": 5}), "States.Timeout", true, None, None),
            Some(Clock::Heartbeat(5))
        );
        assert_eq!(timeout_clock(&json!({}), "States.Timeout", true, None, None), None);
        assert_eq!(
            timeout_clock(&both, "States.HeartbeatTimeout", true, None, None),
            Some(Clock::Heartbeat(5))
        );
        assert!(EVENT_TYPES.iter().all(|t| is_known_type(t)) && !is_known_type("TaskRetried"));
    }
}
