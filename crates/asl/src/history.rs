//! The execution event history, in AWS's shape (ASL-SEMANTICS §3).
//!
//! Events are stored as typed data holding shared [`Value`]s, so recording one costs a few
//! reference-count bumps; the AWS JSON form (with `input`/`output`/`parameters` as JSON-encoded
//! strings and ISO timestamps) is produced only when someone asks for it.

use crate::error_name::ErrorName;
use crate::value::{Sizes, Value};
use serde_json::{json, Map as JsonMap, Value as Json};
use std::rc::Rc;

/// One history event. `at_ms` is virtual time since the execution started.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub id: u64,
    pub previous_event_id: u64,
    pub at_ms: u64,
    pub kind: EventKind,
}

/// Where a task runs, as `TaskScheduled` and friends report it: `resourceType` is the service
/// (`sqs`, `lambda`, `aws-sdk:dynamodb`, ...) and `resource` the action with its suffix
/// (`sendMessage.waitForTaskToken`).
#[derive(Clone, Debug, PartialEq)]
pub struct TaskResource {
    pub resource_type: Rc<str>,
    pub resource: Rc<str>,
}

/// Variables a state assigned, in order: `stateExitedEventDetails.assignedVariables`.
pub type Assigned = Vec<(Rc<str>, Value)>;

#[derive(Clone, Debug, PartialEq)]
pub enum EventKind {
    ExecutionStarted {
        input: Value,
        role_arn: Rc<str>,
    },
    ExecutionSucceeded {
        output: Value,
    },
    ExecutionFailed {
        error: Option<ErrorName>,
        cause: Option<Rc<str>>,
    },
    ExecutionTimedOut {
        error: Option<ErrorName>,
        cause: Option<Rc<str>>,
    },
    ExecutionAborted {
        error: Option<ErrorName>,
        cause: Option<Rc<str>>,
    },
    /// `state_type` is the ASL type name (`Task`, `Pass`, ...): AWS spells the event `TaskStateEntered`.
    StateEntered {
        state_type: &'static str,
        name: Rc<str>,
        input: Value,
    },
    StateExited {
        state_type: &'static str,
        name: Rc<str>,
        output: Value,
        assigned: Option<Assigned>,
    },
    TaskScheduled {
        task: TaskResource,
        /// The task token this scheduling issued (`.waitForTaskToken` only). Baton's own
        /// annotation: AWS's event carries the token only inside `parameters`, where the
        /// definition put it, so it is not part of the AWS JSON.
        token: Option<Rc<str>>,
        region: Rc<str>,
        parameters: Value,
        timeout_seconds: Option<u64>,
        heartbeat_seconds: Option<u64>,
        /// The role of the state's `Credentials`, evaluated: `taskCredentials.roleArn`.
        role_arn: Option<Rc<str>>,
    },
    TaskStarted {
        task: TaskResource,
    },
    TaskSubmitted {
        task: TaskResource,
        output: Value,
    },
    TaskSucceeded {
        task: TaskResource,
        output: Value,
    },
    TaskFailed {
        task: TaskResource,
        error: Option<ErrorName>,
        cause: Option<Rc<str>>,
    },
    TaskTimedOut {
        task: TaskResource,
        error: Option<ErrorName>,
        cause: Option<Rc<str>>,
    },
    TaskStateAborted {
        name: Rc<str>,
    },
    LambdaFunctionScheduled {
        resource: Rc<str>,
        input: Value,
        timeout_seconds: Option<u64>,
        /// As in [`EventKind::TaskScheduled`].
        role_arn: Option<Rc<str>>,
    },
    LambdaFunctionStarted,
    LambdaFunctionSucceeded {
        output: Value,
    },
    LambdaFunctionFailed {
        error: Option<ErrorName>,
        cause: Option<Rc<str>>,
    },
    LambdaFunctionTimedOut {
        error: Option<ErrorName>,
        cause: Option<Rc<str>>,
    },
    ActivityScheduled {
        resource: Rc<str>,
        input: Value,
        timeout_seconds: Option<u64>,
        heartbeat_seconds: Option<u64>,
    },
    ActivityStarted {
        worker_name: Option<Rc<str>>,
    },
    ActivitySucceeded {
        output: Value,
    },
    ActivityFailed {
        error: Option<ErrorName>,
        cause: Option<Rc<str>>,
    },
    ActivityTimedOut {
        error: Option<ErrorName>,
        cause: Option<Rc<str>>,
    },
    WaitStateAborted {
        name: Rc<str>,
    },
    ParallelStateStarted,
    ParallelStateSucceeded,
    /// No details: AWS records the error only on the failing event and on what comes after.
    ParallelStateFailed,
    ParallelStateAborted,
    MapStateStarted {
        length: usize,
    },
    MapStateSucceeded,
    /// No details, as [`EventKind::ParallelStateFailed`].
    MapStateFailed,
    MapStateAborted,
    /// A distributed Map started its Map Run: its iterations run as child executions, whose
    /// events are not in this history.
    MapRunStarted {
        map_run_arn: Rc<str>,
    },
    MapRunSucceeded,
    MapRunFailed {
        error: Option<ErrorName>,
        cause: Option<Rc<str>>,
    },
    MapIterationStarted {
        name: Rc<str>,
        index: usize,
    },
    MapIterationSucceeded {
        name: Rc<str>,
        index: usize,
    },
    MapIterationFailed {
        name: Rc<str>,
        index: usize,
    },
    MapIterationAborted {
        name: Rc<str>,
        index: usize,
    },
    /// A JSONata expression failed (`States.QueryEvaluationError`); `location` names its field,
    /// such as `Output/result` (ASL-SEMANTICS §3.2).
    EvaluationFailed {
        state: Rc<str>,
        error: Option<ErrorName>,
        cause: Option<Rc<str>>,
        location: Option<Rc<str>>,
    },
}

impl EventKind {
    /// The AWS `HistoryEventType` name.
    pub fn type_name(&self) -> String {
        use EventKind::*;
        let fixed = match self {
            StateEntered { state_type, .. } => return format!("{state_type}StateEntered"),
            StateExited { state_type, .. } => return format!("{state_type}StateExited"),
            ExecutionStarted { .. } => "ExecutionStarted",
            ExecutionSucceeded { .. } => "ExecutionSucceeded",
            ExecutionFailed { .. } => "ExecutionFailed",
            ExecutionTimedOut { .. } => "ExecutionTimedOut",
            ExecutionAborted { .. } => "ExecutionAborted",
            TaskScheduled { .. } => "TaskScheduled",
            TaskStarted { .. } => "TaskStarted",
            TaskSubmitted { .. } => "TaskSubmitted",
            TaskSucceeded { .. } => "TaskSucceeded",
            TaskFailed { .. } => "TaskFailed",
            TaskTimedOut { .. } => "TaskTimedOut",
            TaskStateAborted { .. } => "TaskStateAborted",
            LambdaFunctionScheduled { .. } => "LambdaFunctionScheduled",
            LambdaFunctionStarted => "LambdaFunctionStarted",
            LambdaFunctionSucceeded { .. } => "LambdaFunctionSucceeded",
            LambdaFunctionFailed { .. } => "LambdaFunctionFailed",
            LambdaFunctionTimedOut { .. } => "LambdaFunctionTimedOut",
            ActivityScheduled { .. } => "ActivityScheduled",
            ActivityStarted { .. } => "ActivityStarted",
            ActivitySucceeded { .. } => "ActivitySucceeded",
            ActivityFailed { .. } => "ActivityFailed",
            ActivityTimedOut { .. } => "ActivityTimedOut",
            WaitStateAborted { .. } => "WaitStateAborted",
            ParallelStateStarted => "ParallelStateStarted",
            ParallelStateSucceeded => "ParallelStateSucceeded",
            ParallelStateFailed => "ParallelStateFailed",
            ParallelStateAborted => "ParallelStateAborted",
            MapStateStarted { .. } => "MapStateStarted",
            MapStateSucceeded => "MapStateSucceeded",
            MapStateFailed => "MapStateFailed",
            MapStateAborted => "MapStateAborted",
            MapRunStarted { .. } => "MapRunStarted",
            MapRunSucceeded => "MapRunSucceeded",
            MapRunFailed { .. } => "MapRunFailed",
            MapIterationStarted { .. } => "MapIterationStarted",
            MapIterationSucceeded { .. } => "MapIterationSucceeded",
            MapIterationFailed { .. } => "MapIterationFailed",
            MapIterationAborted { .. } => "MapIterationAborted",
            EvaluationFailed { .. } => "EvaluationFailed",
        };
        fixed.to_string()
    }

    /// Records this event's values in `sizes` (see [`Value::remember`]) and answers about how many
    /// bytes of memory the event adds to a history that already holds what `sizes` knows. A value
    /// shared with an earlier event, such as a state's input that was the previous state's
    /// output, costs nothing again: the measure is of memory, not of the JSON AWS would print.
    pub fn remember(&self, sizes: &mut Sizes) -> usize {
        use EventKind::*;
        let text = |s: &Option<Rc<str>>| s.as_ref().map_or(0, |s| s.len());
        let mut size = std::mem::size_of::<Event>();
        let mut value = |v: &Value| size += v.remember(sizes);
        match self {
            ExecutionStarted { input: v, .. }
            | ExecutionSucceeded { output: v }
            | StateEntered { input: v, .. }
            | TaskScheduled { parameters: v, .. }
            | TaskSubmitted { output: v, .. }
            | TaskSucceeded { output: v, .. }
            | LambdaFunctionScheduled { input: v, .. }
            | LambdaFunctionSucceeded { output: v }
            | ActivityScheduled { input: v, .. }
            | ActivitySucceeded { output: v } => value(v),
            StateExited { output, assigned, .. } => {
                value(output);
                for (_, v) in assigned.iter().flatten() {
                    value(v);
                }
            }
            _ => {}
        }
        size + match self {
            ExecutionFailed { cause, .. }
            | ExecutionTimedOut { cause, .. }
            | ExecutionAborted { cause, .. }
            | TaskFailed { cause, .. }
            | TaskTimedOut { cause, .. }
            | LambdaFunctionFailed { cause, .. }
            | LambdaFunctionTimedOut { cause, .. }
            | ActivityFailed { cause, .. }
            | ActivityTimedOut { cause, .. }
            | MapRunFailed { cause, .. }
            | EvaluationFailed { cause, .. } => text(cause),
            _ => 0,
        }
    }

    /// The name of the state this event belongs to, when the event says it.
    pub fn state_name(&self) -> Option<&str> {
        use EventKind::*;
        match self {
            StateEntered { name, .. }
            | StateExited { name, .. }
            | TaskStateAborted { name }
            | WaitStateAborted { name }
            | MapIterationStarted { name, .. }
            | MapIterationSucceeded { name, .. }
            | MapIterationFailed { name, .. }
            | MapIterationAborted { name, .. }
            | EvaluationFailed { state: name, .. } => Some(name),
            _ => None,
        }
    }
}

impl Event {
    /// The event as `aws stepfunctions get-execution-history` prints it.
    pub fn to_aws_json(&self, start_epoch_ms: u64) -> Json {
        let mut out = JsonMap::new();
        out.insert("timestamp".into(), json!(iso8601(start_epoch_ms.saturating_add(self.at_ms))));
        out.insert("type".into(), json!(self.kind.type_name()));
        out.insert("id".into(), json!(self.id));
        out.insert("previousEventId".into(), json!(self.previous_event_id));
        if let Some((key, details)) = details(&self.kind) {
            out.insert(key.into(), Json::Object(details));
        }
        Json::Object(out)
    }
}

fn payload(details: &mut JsonMap<String, Json>, key: &str, value: &Value) {
    details.insert(key.into(), json!(value.to_json()));
    details.insert(format!("{key}Details"), json!({"truncated": false}));
}

fn error_cause(error: &Option<ErrorName>, cause: &Option<Rc<str>>) -> JsonMap<String, Json> {
    let mut d = JsonMap::new();
    if let Some(e) = error {
        d.insert("error".into(), json!(e.as_str()));
    }
    if let Some(c) = cause {
        d.insert("cause".into(), json!(&**c));
    }
    d
}

fn task_credentials(details: &mut JsonMap<String, Json>, role_arn: &Option<Rc<str>>) {
    if let Some(role) = role_arn {
        details.insert("taskCredentials".into(), json!({"roleArn": &**role}));
    }
}

fn task_fields(task: &TaskResource) -> JsonMap<String, Json> {
    let mut d = JsonMap::new();
    d.insert("resourceType".into(), json!(&*task.resource_type));
    d.insert("resource".into(), json!(&*task.resource));
    d
}

fn details(kind: &EventKind) -> Option<(&'static str, JsonMap<String, Json>)> {
    use EventKind::*;
    let mut d = JsonMap::new();
    let key = match kind {
        ExecutionStarted { input, role_arn } => {
            payload(&mut d, "input", input);
            d.insert("roleArn".into(), json!(&**role_arn));
            "executionStartedEventDetails"
        }
        ExecutionSucceeded { output } => {
            payload(&mut d, "output", output);
            "executionSucceededEventDetails"
        }
        ExecutionFailed { error, cause } => {
            return Some(("executionFailedEventDetails", error_cause(error, cause)))
        }
        ExecutionTimedOut { error, cause } => {
            return Some(("executionTimedOutEventDetails", error_cause(error, cause)))
        }
        ExecutionAborted { error, cause } => {
            return Some(("executionAbortedEventDetails", error_cause(error, cause)))
        }
        StateEntered { name, input, .. } => {
            d.insert("name".into(), json!(&**name));
            payload(&mut d, "input", input);
            "stateEnteredEventDetails"
        }
        StateExited { name, output, assigned, .. } => {
            d.insert("name".into(), json!(&**name));
            payload(&mut d, "output", output);
            if let Some(vars) = assigned {
                let vars: JsonMap<String, Json> =
                    vars.iter().map(|(k, v)| (k.to_string(), json!(v.to_json()))).collect();
                d.insert("assignedVariables".into(), Json::Object(vars));
                d.insert("assignedVariablesDetails".into(), json!({"truncated": false}));
            }
            "stateExitedEventDetails"
        }
        TaskScheduled {
            task,
            token: _,
            region,
            parameters,
            timeout_seconds,
            heartbeat_seconds,
            role_arn,
        } => {
            d = task_fields(task);
            d.insert("region".into(), json!(&**region));
            d.insert("parameters".into(), json!(parameters.to_json()));
            if let Some(t) = timeout_seconds {
                d.insert("timeoutInSeconds".into(), json!(t));
            }
            if let Some(h) = heartbeat_seconds {
                d.insert("heartbeatInSeconds".into(), json!(h));
            }
            task_credentials(&mut d, role_arn);
            "taskScheduledEventDetails"
        }
        TaskStarted { task } => return Some(("taskStartedEventDetails", task_fields(task))),
        TaskSubmitted { task, output } | TaskSucceeded { task, output } => {
            d = task_fields(task);
            payload(&mut d, "output", output);
            if matches!(kind, TaskSubmitted { .. }) {
                "taskSubmittedEventDetails"
            } else {
                "taskSucceededEventDetails"
            }
        }
        TaskFailed { task, error, cause } | TaskTimedOut { task, error, cause } => {
            d = task_fields(task);
            d.extend(error_cause(error, cause));
            if matches!(kind, TaskFailed { .. }) {
                "taskFailedEventDetails"
            } else {
                "taskTimedOutEventDetails"
            }
        }
        TaskStateAborted { .. } | WaitStateAborted { .. } => return None,
        LambdaFunctionScheduled { resource, input, timeout_seconds, role_arn } => {
            d.insert("resource".into(), json!(&**resource));
            payload(&mut d, "input", input);
            if let Some(t) = timeout_seconds {
                d.insert("timeoutInSeconds".into(), json!(t));
            }
            task_credentials(&mut d, role_arn);
            "lambdaFunctionScheduledEventDetails"
        }
        LambdaFunctionStarted => return None,
        LambdaFunctionSucceeded { output } => {
            payload(&mut d, "output", output);
            "lambdaFunctionSucceededEventDetails"
        }
        LambdaFunctionFailed { error, cause } => {
            return Some(("lambdaFunctionFailedEventDetails", error_cause(error, cause)))
        }
        LambdaFunctionTimedOut { error, cause } => {
            return Some(("lambdaFunctionTimedOutEventDetails", error_cause(error, cause)))
        }
        ActivityScheduled { resource, input, timeout_seconds, heartbeat_seconds } => {
            d.insert("resource".into(), json!(&**resource));
            payload(&mut d, "input", input);
            if let Some(t) = timeout_seconds {
                d.insert("timeoutInSeconds".into(), json!(t));
            }
            if let Some(h) = heartbeat_seconds {
                d.insert("heartbeatInSeconds".into(), json!(h));
            }
            "activityScheduledEventDetails"
        }
        ActivityStarted { worker_name } => {
            if let Some(w) = worker_name {
                d.insert("workerName".into(), json!(&**w));
            }
            "activityStartedEventDetails"
        }
        ActivitySucceeded { output } => {
            payload(&mut d, "output", output);
            "activitySucceededEventDetails"
        }
        ActivityFailed { error, cause } => {
            return Some(("activityFailedEventDetails", error_cause(error, cause)))
        }
        ActivityTimedOut { error, cause } => {
            return Some(("activityTimedOutEventDetails", error_cause(error, cause)))
        }
        ParallelStateStarted | ParallelStateSucceeded | ParallelStateFailed | ParallelStateAborted => {
            return None
        }
        MapStateSucceeded | MapStateFailed | MapStateAborted => return None,
        MapRunStarted { map_run_arn } => {
            d.insert("mapRunArn".into(), json!(&**map_run_arn));
            "mapRunStartedEventDetails"
        }
        MapRunSucceeded => return None,
        MapRunFailed { error, cause } => {
            return Some(("mapRunFailedEventDetails", error_cause(error, cause)))
        }
        MapStateStarted { length } => {
            d.insert("length".into(), json!(length));
            "mapStateStartedEventDetails"
        }
        MapIterationStarted { name, index }
        | MapIterationSucceeded { name, index }
        | MapIterationFailed { name, index }
        | MapIterationAborted { name, index } => {
            d.insert("name".into(), json!(&**name));
            d.insert("index".into(), json!(index));
            match kind {
                MapIterationStarted { .. } => "mapIterationStartedEventDetails",
                MapIterationSucceeded { .. } => "mapIterationSucceededEventDetails",
                MapIterationFailed { .. } => "mapIterationFailedEventDetails",
                _ => "mapIterationAbortedEventDetails",
            }
        }
        EvaluationFailed { state, error, cause, location } => {
            d = error_cause(error, cause);
            if let Some(location) = location {
                d.insert("location".into(), json!(&**location));
            }
            d.insert("state".into(), json!(&**state));
            "evaluationFailedEventDetails"
        }
    };
    Some((key, d))
}

/// `2026-01-01T00:00:00.000Z` from milliseconds since the Unix epoch (proleptic Gregorian, UTC).
///
/// RFC 3339 has four-digit years: an instant after `9999-12-31T23:59:59.999Z` prints as that
/// instant. The engine never stamps an event later (the execution times out there first); the
/// clamp keeps any other caller's text valid rather than inventing a fifth digit.
pub fn iso8601(epoch_ms: u64) -> String {
    let epoch_ms = epoch_ms.min(crate::time::LAST_EPOCH_MS);
    let secs = epoch_ms / 1000;
    let millis = epoch_ms % 1000;
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{millis:03}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// Days since 1970-01-01 to (year, month, day); Howard Hinnant's well-known civil calendar algorithm.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_timestamps() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601(1_767_225_600_000), "2026-01-01T00:00:00.000Z");
        assert_eq!(iso8601(951_782_400_123), "2000-02-29T00:00:00.123Z");
        assert_eq!(iso8601(crate::time::LAST_EPOCH_MS), "9999-12-31T23:59:59.999Z");
        assert_eq!(iso8601(crate::time::LAST_EPOCH_MS + 1), "9999-12-31T23:59:59.999Z");
    }

    #[test]
    fn events_render_in_aws_shape() {
        let task =
            TaskResource { resource_type: "sqs".into(), resource: "sendMessage.waitForTaskToken".into() };
        let ev = Event {
            id: 6,
            previous_event_id: 5,
            at_ms: 5000,
            kind: EventKind::TaskTimedOut { task, error: Some(ErrorName::Timeout), cause: None },
        };
        assert_eq!(
            ev.to_aws_json(0).to_string(),
            r#"{"timestamp":"1970-01-01T00:00:05.000Z","type":"TaskTimedOut","id":6,"previousEventId":5,"taskTimedOutEventDetails":{"resourceType":"sqs","resource":"sendMessage.waitForTaskToken","error":"States.Timeout"}}"#
        );
    }
}
