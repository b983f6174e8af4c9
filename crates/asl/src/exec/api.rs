//! The types the outside world sees: statuses, failures, integration calls and API answers.

use std::rc::Rc;

use super::{Millis, MAX_CAUSE_CHARS, MAX_ERROR_CHARS};
use crate::env::EvalError;
use crate::error_name::ErrorName;
use crate::history::Assigned;
use crate::model::Resource;
use crate::value::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Running,
    Succeeded,
    Failed,
    TimedOut,
    Aborted,
}

impl Status {
    /// The AWS `ExecutionStatus` spelling.
    pub fn as_aws(&self) -> &'static str {
        match self {
            Status::Running => "RUNNING",
            Status::Succeeded => "SUCCEEDED",
            Status::Failed => "FAILED",
            Status::TimedOut => "TIMED_OUT",
            Status::Aborted => "ABORTED",
        }
    }
}

/// An error as Retry/Catch see it. `error: None` happens when SendTaskFailure names no error.
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    pub error: Option<ErrorName>,
    pub cause: Option<Rc<str>>,
    /// The timeout came from HeartbeatSeconds: a `States.HeartbeatTimeout` retrier/catcher matches.
    pub heartbeat: bool,
    /// Neither retried nor caught: it ends the execution. Set for a terminal name
    /// ([`ErrorName::is_terminal`], ASL-SEMANTICS §5.3) and for the one place where AWS ends
    /// the execution on a name it otherwise lets states handle: an oversized Pass result (§8.5).
    pub fatal: bool,
}

impl Failure {
    pub fn new(error: ErrorName, cause: Option<String>) -> Failure {
        Failure { error: Some(error), cause: cause.map(capped_cause), heartbeat: false, fatal: false }
    }

    /// An error as someone reported it: either part may be missing (SendTaskFailure, a Fail state,
    /// an integration's answer). A name over 256 characters keeps its first 256, a cause its first
    /// 32,768: the lengths AWS's events hold (ASL-SEMANTICS §3.2); what AWS does with a longer
    /// one is not recorded.
    pub fn reported(error: Option<String>, cause: Option<String>) -> Failure {
        Failure {
            error: error.map(|e| ErrorName::parse(&truncated(e, MAX_ERROR_CHARS))),
            cause: cause.map(capped_cause),
            heartbeat: false,
            fatal: false,
        }
    }

    /// A state's result or output over 256 KiB (ASL-SEMANTICS §8.5: the cause is recorded for Task
    /// and Pass results; Baton uses it for every state's output, naming the state).
    pub fn data_limit(name: &str) -> Failure {
        Failure::new(
            ErrorName::DataLimitExceeded,
            Some(format!("The state/task '{name}' returned a result with a size exceeding the maximum number of bytes service limit.")),
        )
    }

    pub(super) fn timeout(heartbeat: bool) -> Failure {
        Failure { error: Some(ErrorName::Timeout), cause: None, heartbeat, fatal: false }
    }

    /// Whether a retrier or catcher listing `names` handles this failure.
    pub fn matches(&self, names: &[ErrorName]) -> bool {
        names.iter().any(|n| n.handles(self.error.as_ref(), self.heartbeat))
    }

    /// The error output a catcher hands on: `{"Error": ..., "Cause": ...}`.
    pub(super) fn error_output(&self) -> Value {
        let error = self.error.as_ref().map_or(Value::Null, |e| Value::from(e.as_str()));
        // A timeout's event has no cause, yet AWS hands catchers `"Cause": ""` (recorded for
        // lambda:invoke, error_handling/test_invoke_timeout).
        let cause = match (&self.cause, &self.error) {
            (None, Some(ErrorName::Timeout)) => Value::from(""),
            (cause, _) => cause.clone().map_or(Value::Null, Value::String),
        };
        Value::from_pairs([("Error", error), ("Cause", cause)])
    }
}

/// A cause as the history can hold it: AWS's events take at most 32,768 characters (ASL-SEMANTICS
/// §3.2). Where a cause comes from a user's data (a 200 kB string that `States.StringToJson`
/// cannot parse, an integration's error) Baton keeps its first 32,768 characters; AWS's own
/// treatment of longer causes is not recorded, so the cut is a documented guess.
pub(super) fn capped_cause(cause: String) -> Rc<str> {
    truncated(cause, MAX_CAUSE_CHARS).into()
}

fn truncated(mut text: String, max_chars: usize) -> String {
    if let Some((at, _)) = text.char_indices().nth(max_chars) {
        text.truncate(at);
    }
    text
}

impl From<EvalError> for Failure {
    fn from(e: EvalError) -> Failure {
        let fatal = e.error.is_terminal();
        Failure { fatal, ..Failure::new(e.error, Some(e.cause)) }
    }
}

/// An integration call the outside world must answer through [`Execution::resolve`].
#[derive(Clone, Debug)]
pub struct Effect {
    pub invocation: u64,
    /// The Task state's name.
    pub state: Rc<str>,
    pub resource: Resource,
    /// What the integration receives: the evaluated Parameters (or the effective input).
    pub parameters: Value,
    /// The task token, for callback tasks, `.sync` tasks and activities.
    pub token: Option<Rc<str>>,
    /// The id of the event that scheduled the call (`TaskScheduled`, `ActivityScheduled` or
    /// `LambdaFunctionScheduled`): ties the token and the participant to the history.
    pub scheduled_event: u64,
    /// 0 for the first attempt, 1 for the first retry...
    pub retry_count: u32,
    /// The Map iteration index, when the task runs inside a Map.
    pub map_index: Option<usize>,
}

/// The integration's answer to an [`Effect`].
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// The call returned. For a callback task this is the immediate response (TaskSubmitted);
    /// a `.sync` task takes two, the immediate response and then the job's result; otherwise it
    /// is the task's result.
    Return(Value),
    /// The call failed with an error name and cause.
    Throw { error: Option<String>, cause: Option<String> },
}

/// An error answer from SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat / StopExecution.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// AWS's error code: `InvalidToken`, `TaskTimedOut`, `InvalidOutput`, `ValidationException`,
    /// `ExecutionDoesNotExist`.
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub(super) fn invalid_token() -> ApiError {
        ApiError { code: "InvalidToken", message: "Invalid Token: 'Invalid token'".into() }
    }

    pub(super) fn task_timed_out() -> ApiError {
        ApiError {
            code: "TaskTimedOut",
            message: "Task Timed Out: 'Provided task does not exist anymore'".into(),
        }
    }

    pub(super) fn too_long(field: &str, value: &str, max: usize) -> ApiError {
        let shown: String = value.chars().take(40).collect();
        ApiError {
            code: "ValidationException",
            message: format!(
                "1 validation error detected: Value '{shown}…' at '{field}' failed to satisfy constraint: Member must have length less than or equal to {max}"
            ),
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

/// A task waiting for its token, as the token inbox shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct OpenTask {
    pub token: Rc<str>,
    pub state: Rc<str>,
    pub resource: Resource,
    pub retry_count: u32,
    pub map_index: Option<usize>,
    pub opened_at: Millis,
    /// False while an activity waits for a worker to poll it, or an integration has not answered.
    pub started: bool,
    pub heartbeat_due: Option<Millis>,
    pub timeout_due: Option<Millis>,
}

/// Something that will happen by itself at a virtual time.
#[derive(Clone, Debug, PartialEq)]
pub struct Deadline {
    pub at: Millis,
    pub what: String,
}

/// What one state visit did to its data: the JSONPath pipeline step by step, for the data-flow
/// view. Recorded only when [`super::StartOptions::record_data_flow`] is set: it keeps every
/// intermediate value alive, which a long benchmark run does not want.
#[derive(Clone, Debug, PartialEq)]
pub struct DataFlow {
    /// The id of the state's `...StateEntered` event.
    pub entered_event: u64,
    /// The id of its `...StateExited` event, once it exited (normally or through a catcher).
    pub exited_event: Option<u64>,
    pub state: Rc<str>,
    pub state_type: &'static str,
    /// Whether the state is in JSONata (Arguments -> result -> Output) rather than JSONPath.
    pub jsonata: bool,
    /// The raw state input.
    pub input: Value,
    pub after_input_path: Option<Value>,
    /// What Parameters made (for a Task, what the integration received).
    pub after_parameters: Option<Value>,
    /// The task's result, the branches' or iterations' results, or a Pass state's result.
    pub result: Option<Value>,
    pub after_result_selector: Option<Value>,
    pub after_result_path: Option<Value>,
    /// The state output, after OutputPath.
    pub output: Option<Value>,
    pub assigned: Option<Assigned>,
    /// The variables visible when the state was entered, as an object.
    pub variables: Value,
    /// The context object (`$$`), when the state reads it.
    pub context: Option<Value>,
    /// The error and cause, when the visit failed.
    pub failure: Option<(Option<String>, Option<String>)>,
}
