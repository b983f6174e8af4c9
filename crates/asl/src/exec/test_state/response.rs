//! TestState's answer: the types, what each state type shows at `DEBUG` (see the parent module's
//! documentation for what is recorded), and the API's JSON.

use std::rc::Rc;

use super::super::{DataFlow, Execution, Failure, Status};
use super::{InspectionLevel, TestRun};
use crate::model::{Retrier, State, StateKind};
use crate::value::Value;

/// TestState's `status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TestStatus {
    Succeeded,
    Failed,
    /// A retrier matched the error and has attempts left: the state would run again.
    Retriable,
    /// A catcher took the error: `nextState` is its `Next`.
    CaughtError,
}

impl TestStatus {
    pub fn as_aws(self) -> &'static str {
        match self {
            TestStatus::Succeeded => "SUCCEEDED",
            TestStatus::Failed => "FAILED",
            TestStatus::Retriable => "RETRIABLE",
            TestStatus::CaughtError => "CAUGHT_ERROR",
        }
    }
}

/// TestState's answer, with values where the API has JSON text ([`Response::to_aws_json`] writes
/// the API's form).
#[derive(Clone, Debug, PartialEq)]
pub struct Response {
    /// The state's output: when it succeeded, or a catcher's output.
    pub output: Option<Value>,
    pub error: Option<String>,
    pub cause: Option<String>,
    /// At `DEBUG` and `TRACE`.
    pub inspection_data: Option<InspectionData>,
    /// The state the execution would go to: by `Next`, a Choice rule, `Default` or a catcher.
    pub next_state: Option<Rc<str>>,
    pub status: TestStatus,
}

/// The data after each step of the state's data flow (the API's `InspectionData`); a step the
/// state does not have, or did not reach, is `None`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct InspectionData {
    pub input: Value,
    pub after_arguments: Option<Value>,
    pub after_input_path: Option<Value>,
    pub after_parameters: Option<Value>,
    pub result: Option<Value>,
    pub after_result_selector: Option<Value>,
    pub after_result_path: Option<Value>,
    /// The variables in scope after the state (those given and those it assigned), when any.
    pub variables: Option<Value>,
    pub error_details: Option<ErrorDetails>,
    pub after_items_path: Option<Value>,
    pub after_item_selector: Option<Value>,
    pub after_item_batcher: Option<Value>,
    pub tolerated_failure_count: Option<i64>,
    pub tolerated_failure_percentage: Option<f64>,
    pub max_concurrency: Option<i64>,
}

/// Which retrier and catcher matched the error (the API's `InspectionErrorDetails`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ErrorDetails {
    pub catch_index: Option<usize>,
    pub retry_index: Option<usize>,
    pub retry_backoff_interval_seconds: Option<u64>,
}

impl Response {
    /// The answer as the API returns it: field names and order as in AWS's model, every payload as
    /// JSON text (`"output": "{\"a\":1}"`), absent fields left out.
    pub fn to_aws_json(&self) -> serde_json::Value {
        let mut o = serde_json::Map::new();
        let mut put = |key: &str, value: Option<serde_json::Value>| {
            if let Some(value) = value {
                o.insert(key.into(), value);
            }
        };
        put("output", self.output.as_ref().map(text));
        put("error", self.error.clone().map(Into::into));
        put("cause", self.cause.clone().map(Into::into));
        put("inspectionData", self.inspection_data.as_ref().map(InspectionData::to_aws_json));
        put("nextState", self.next_state.as_deref().map(Into::into));
        put("status", Some(self.status.as_aws().into()));
        serde_json::Value::Object(o)
    }
}

impl InspectionData {
    fn to_aws_json(&self) -> serde_json::Value {
        let mut o = serde_json::Map::new();
        let mut put = |key: &str, value: Option<serde_json::Value>| {
            if let Some(value) = value {
                o.insert(key.into(), value);
            }
        };
        put("input", Some(text(&self.input)));
        put("afterArguments", self.after_arguments.as_ref().map(text));
        put("afterInputPath", self.after_input_path.as_ref().map(text));
        put("afterParameters", self.after_parameters.as_ref().map(text));
        put("result", self.result.as_ref().map(text));
        put("afterResultSelector", self.after_result_selector.as_ref().map(text));
        put("afterResultPath", self.after_result_path.as_ref().map(text));
        put("variables", self.variables.as_ref().map(text));
        put("errorDetails", self.error_details.as_ref().map(ErrorDetails::to_aws_json));
        put("afterItemsPath", self.after_items_path.as_ref().map(text));
        put("afterItemSelector", self.after_item_selector.as_ref().map(text));
        put("afterItemBatcher", self.after_item_batcher.as_ref().map(text));
        put("toleratedFailureCount", self.tolerated_failure_count.map(Into::into));
        put("toleratedFailurePercentage", self.tolerated_failure_percentage.map(Into::into));
        put("maxConcurrency", self.max_concurrency.map(Into::into));
        serde_json::Value::Object(o)
    }
}

impl ErrorDetails {
    fn to_aws_json(&self) -> serde_json::Value {
        let mut o = serde_json::Map::new();
        if let Some(i) = self.catch_index {
            o.insert("catchIndex".into(), i.into());
        }
        if let Some(i) = self.retry_index {
            o.insert("retryIndex".into(), i.into());
        }
        if let Some(s) = self.retry_backoff_interval_seconds {
            o.insert("retryBackoffIntervalSeconds".into(), s.into());
        }
        serde_json::Value::Object(o)
    }
}

/// A payload as the API carries it: compact JSON text.
fn text(value: &Value) -> serde_json::Value {
    serde_json::Value::String(value.to_json())
}

/// The delay before the retry a retrier would make now (`used` attempts made): IntervalSeconds x
/// BackoffRate^used, at most MaxDelaySeconds, in whole seconds (recorded: 1 x 2^4 is 16). Jitter
/// would draw a shorter one at random; the bound is reported.
fn backoff_seconds(retrier: &Retrier, used: u32) -> u64 {
    let mut delay = retrier.interval_seconds * retrier.backoff_rate.powi(used as i32);
    if let Some(max) = retrier.max_delay_seconds {
        delay = delay.min(max);
    }
    delay as u64
}

impl Execution {
    /// The answer, once the tested state has ended.
    pub(super) fn test_response(&self, level: InspectionLevel) -> Response {
        let Some(test) = self.test.as_deref() else { unreachable!("a test's execution has its TestRun") };
        let state = &test.graph.states[test.index];
        // A failure that Retry and Catch saw, and that is not the end of the run: retried or caught.
        let handled = test.handled.as_ref().filter(|(f, _)| !f.fatal);
        let status = match (self.status, test.retriable, handled) {
            (_, true, _) => TestStatus::Retriable,
            (Status::Succeeded, _, Some(_)) => TestStatus::CaughtError,
            (Status::Succeeded, _, None) => TestStatus::Succeeded,
            _ => TestStatus::Failed,
        };
        let failure = match status {
            TestStatus::Succeeded => None,
            TestStatus::Failed => self.failure.as_ref(),
            TestStatus::Retriable | TestStatus::CaughtError => handled.map(|(f, _)| f),
        };
        let inspection_data = match level {
            InspectionLevel::Info => None,
            InspectionLevel::Debug | InspectionLevel::Trace => {
                self.data_flow.first().map(|flow| inspection(state, flow, test, status, handled))
            }
        };
        let succeeded = matches!(status, TestStatus::Succeeded | TestStatus::CaughtError);
        Response {
            output: self.output.clone().filter(|_| succeeded),
            error: failure.and_then(|f| f.error.as_ref()).map(|e| e.to_string()),
            cause: failure.and_then(|f| f.cause.as_deref()).map(String::from),
            inspection_data,
            next_state: test.next.filter(|_| succeeded).map(|i| test.graph.states[i].name.clone()),
            status,
        }
    }
}

/// What `state`'s visit shows at `DEBUG`.
fn inspection(
    state: &State,
    flow: &DataFlow,
    test: &TestRun,
    status: TestStatus,
    handled: Option<&(Failure, Vec<u32>)>,
) -> InspectionData {
    let mut data = InspectionData { input: flow.input.clone(), ..InspectionData::default() };
    let succeeded = status == TestStatus::Succeeded;
    match (&state.kind, state.jsonata) {
        (StateKind::Task(_), true) => {
            data.after_arguments = flow.after_parameters.clone();
            data.result = flow.result.clone();
        }
        (StateKind::Parallel { .. }, true) => data.after_arguments = flow.after_parameters.clone(),
        (_, true) => {}
        (StateKind::Pass { result: Some(_) }, false) => {
            data.result = flow.result.clone();
            data.after_result_selector = flow.result.clone();
        }
        (StateKind::Pass { result: None }, false) => {
            data.after_input_path = flow.after_input_path.clone();
            data.after_parameters = flow.result.clone();
            data.after_result_selector = flow.result.clone();
        }
        (StateKind::Task(_) | StateKind::Parallel { .. } | StateKind::Map(_), false) => {
            data.after_input_path = flow.after_input_path.clone();
            data.after_parameters = flow.after_parameters.clone();
            if matches!(state.kind, StateKind::Task(_)) {
                data.result = flow.result.clone();
            }
            data.after_result_selector = match state.result_selector {
                Some(_) => flow.after_result_selector.clone(),
                None => flow.result.clone(),
            };
        }
        (_, false) => data.after_input_path = flow.after_input_path.clone(),
    }
    let has_result_path = matches!(
        state.kind,
        StateKind::Pass { .. } | StateKind::Task(_) | StateKind::Parallel { .. } | StateKind::Map(_)
    );
    if !state.jsonata && has_result_path && succeeded {
        data.after_result_path = flow.after_result_path.clone();
    }
    if let StateKind::Map(_) = state.kind {
        data.after_items_path = test.after_items_path.clone();
        data.after_item_selector = test.after_item_selector.clone();
        data.after_item_batcher = test.after_item_batcher.clone();
        data.max_concurrency = test.max_concurrency.map(|n| n as i64);
        data.tolerated_failure_count = test.tolerated_failure_count.map(|n| n as i64);
        data.tolerated_failure_percentage = test.tolerated_failure_percentage;
    }
    let mut variables = flow.variables.as_object().cloned().unwrap_or_default();
    if matches!(status, TestStatus::Succeeded | TestStatus::CaughtError) {
        for (name, value) in flow.assigned.iter().flatten() {
            variables.insert(name.clone(), value.clone());
        }
    }
    data.variables = (!variables.is_empty()).then(|| Value::object(variables));
    data.error_details = handled.map(|(failure, used)| {
        let retry_index = state.retry.iter().position(|r| failure.matches(&r.errors));
        let retriable = status == TestStatus::Retriable;
        ErrorDetails {
            catch_index: match status {
                TestStatus::CaughtError => state.catch.iter().position(|c| failure.matches(&c.errors)),
                _ => None,
            },
            retry_index,
            retry_backoff_interval_seconds: retry_index
                .filter(|_| retriable)
                .map(|i| backoff_seconds(&state.retry[i], used.get(i).copied().unwrap_or(0))),
        }
    });
    data.error_details = data.error_details.filter(|d| *d != ErrorDetails::default());
    data
}
