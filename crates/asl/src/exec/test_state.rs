//! One state, run once, as AWS's TestState API runs it (`baton test-state`, and the app's "Test
//! this state").
//!
//! TestState takes a state's definition (or a whole machine and the `stateName` of one of its
//! states), an input, the variables in scope, an inspection level and, since November 2025, a
//! `mock` of the integration's answer. It runs that state alone and answers with the state's
//! `output`, `error` and `cause`, the `nextState` and a `status`: `SUCCEEDED`, `FAILED`,
//! `RETRIABLE` (a retrier would run the state again: nothing is retried) or `CAUGHT_ERROR` (a
//! catcher took the failure, and `nextState` is its `Next`). At `DEBUG` it adds `inspectionData`,
//! the value after each data-flow step.
//!
//! The state runs on the execution core itself ([`Execution`], with `record_data_flow`): the same
//! data flow, JSONPath and JSONata, Retry and Catch matching and error texts as a whole execution.
//! A few hooks in the core stop it where TestState stops: at the next state's entry, and at a
//! retry. Nothing here reads a clock or does I/O: a Wait state's time passes on the virtual clock
//! at once, and a Task's answer is the `mock`, or a host's stand-in ([`run`]'s `answer`): AWS
//! calls the real service there, which Baton cannot.
//!
//! What AWS answers, as recorded against AWS (LocalStack's TestState parity snapshots, 2025-11 and
//! 2025-12, `tests/aws/services/stepfunctions/v2/test_state/`):
//!
//! - `inspectionData.input` always; in JSONPath, `afterInputPath`; a Task adds `afterParameters`
//!   (its input without Parameters), `result`, `afterResultSelector` (the result without a
//!   ResultSelector) and `afterResultPath`; a Pass state without `Result` shows its input (or
//!   Parameters) as `afterParameters` and `afterResultSelector` and no `result`, one with
//!   `Result` shows `result` and no `afterInputPath`; Choice, Succeed and Fail show `input` and
//!   `afterInputPath`. A JSONata state shows `input`, and a Task `afterArguments` and `result`;
//!   a Map `maxConcurrency` (0 without one) and its tolerated-failure settings, and no `result`.
//! - `variables` when any are in scope: the ones given, with the state's assignments.
//! - `errorDetails`: `retryIndex` (the first retrier whose ErrorEquals matches, also when its
//!   attempts are used up), `retryBackoffIntervalSeconds` (IntervalSeconds x BackoffRate^attempts,
//!   whole seconds) when RETRIABLE, `catchIndex` when CAUGHT_ERROR.
//! - `INFO` gives no `inspectionData`; `TRACE` adds the HTTP request and response of an HTTP Task
//!   that really called its endpoint. Baton calls none, so `TRACE` answers as `DEBUG` does.
//! - Map and Parallel states run only with a mock whose result is an array (a Parallel's with one
//!   item per branch): it stands for the iterations' or branches' results, which go on through
//!   ResultSelector, ResultPath and Output. Pass, Choice, Wait, Succeed and Fail refuse a mock.
//!   The refusals' words are AWS's.
//!
//! Not recorded, so Baton's choice: the words refusing a callback, `.sync` or activity Task
//! without a mock (AWS documents the refusal); what a JSONPath catcher's `ResultPath` shows (Baton
//! shows nothing: `afterResultPath` is the state's own ResultPath); the inspection data of a
//! JSONPath Map or Parallel past its mocked result (Baton shows `afterResultSelector` and
//! `afterResultPath`, as for a Task); whether a Wait state makes TestState wait (Baton's clock is
//! virtual: it never waits). `fieldValidationMode` is accepted and does nothing: Baton has no API
//! models to check a mocked result against (as `NONE`). `stateConfiguration` is not taken. The
//! context object (`$$`, `$states.context`) is an ordinary execution's: AWS's names an Express
//! execution of its own (`arn:aws:states:REGION:ACCOUNT:express:...`) and has no RedriveCount.

mod definition;
mod response;

pub use definition::{definition, state_names, TestDefinition, SINGLE_STATE_NAME};
pub use response::{ErrorDetails, InspectionData, Response, TestStatus};

use super::*;

/// How much a test reports: AWS's `inspectionLevel`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum InspectionLevel {
    /// The output, error, cause, next state and status.
    #[default]
    Info,
    /// And `inspectionData`: the data after each data-flow step.
    Debug,
    /// And, for an HTTP Task that called its endpoint, the raw request and response (none in
    /// Baton, which calls no endpoint: as `Debug`).
    Trace,
}

impl InspectionLevel {
    /// `INFO`, `DEBUG` or `TRACE`, as the API spells them.
    pub fn parse(text: &str) -> Option<InspectionLevel> {
        match text {
            "INFO" => Some(InspectionLevel::Info),
            "DEBUG" => Some(InspectionLevel::Debug),
            "TRACE" => Some(InspectionLevel::Trace),
            _ => None,
        }
    }

    pub fn as_aws(self) -> &'static str {
        match self {
            InspectionLevel::Info => "INFO",
            InspectionLevel::Debug => "DEBUG",
            InspectionLevel::Trace => "TRACE",
        }
    }
}

/// The integration's answer, as TestState's `mock` gives it.
#[derive(Clone, Debug, PartialEq)]
pub enum Mock {
    /// `{"result": "<JSON text>"}`: what the integration returned (for a Map or a Parallel, the
    /// array of the iterations' or branches' results).
    Result(Value),
    /// `{"errorOutput": {"error": ..., "cause": ...}}`: the integration failed.
    ErrorOutput { error: Option<String>, cause: Option<String> },
}

impl Mock {
    /// Reads the API's `mock` object. `result` is JSON text, as the API takes it; a value that is
    /// not a string (`{"result": {"ok": true}}`) is taken as the result itself, which saves
    /// escaping on a command line. `fieldValidationMode` (`STRICT`, `PRESENT` or `NONE`) is checked
    /// and otherwise ignored: Baton has no service API models to validate a result against.
    pub fn from_json(json: &Value) -> Result<Mock, RequestError> {
        let invalid = |message: String| RequestError::validation(message);
        let Some(fields) = json.as_object() else {
            return Err(invalid(format!("A test mock must be a JSON object, not {}.", json.type_name())));
        };
        for (key, value) in fields {
            match &**key {
                "result" | "errorOutput" => {}
                "fieldValidationMode" => match value.as_str() {
                    Some("STRICT" | "PRESENT" | "NONE") => {}
                    _ => {
                        return Err(invalid(format!(
                            "fieldValidationMode must be one of STRICT, PRESENT, NONE, not {}.",
                            value.to_json()
                        )))
                    }
                },
                other => {
                    return Err(invalid(format!(
                        "Unknown field '{other}' in the test mock: it takes result, errorOutput and fieldValidationMode."
                    )))
                }
            }
        }
        match (fields.get("result"), fields.get("errorOutput")) {
            // AWS's words (recorded, test_both_mock_result_and_mock_error_output_are_set).
            (Some(_), Some(_)) => Err(invalid(
                "A test mock should have only one of the following fields: [result, errorOutput].".into(),
            )),
            (None, None) => Err(invalid(
                "A test mock should have one of the following fields: [result, errorOutput].".into(),
            )),
            (Some(Value::String(text)), None) => {
                if text.len() > MAX_PAYLOAD_BYTES {
                    return Err(RequestError::too_long("mock.result", text, MAX_PAYLOAD_BYTES));
                }
                Value::parse(text)
                    .map(Mock::Result)
                    .map_err(|e| invalid(format!("The mocked result is not valid JSON: {e}")))
            }
            (Some(result), None) => Ok(Mock::Result(result.clone())),
            (None, Some(error_output)) => {
                let Some(parts) = error_output.as_object() else {
                    return Err(invalid(format!(
                        "errorOutput must be a JSON object with error and cause, not {}.",
                        error_output.type_name()
                    )));
                };
                let text = |name: &str, max: usize| match parts.get(name) {
                    None | Some(Value::Null) => Ok(None),
                    Some(Value::String(s)) if s.chars().count() > max => {
                        Err(RequestError::too_long(&format!("mock.errorOutput.{name}"), s, max))
                    }
                    Some(Value::String(s)) => Ok(Some(s.to_string())),
                    Some(other) => Err(invalid(format!(
                        "errorOutput.{name} must be a string, not {}.",
                        other.type_name()
                    ))),
                };
                let (error, cause) = (text("error", MAX_ERROR_CHARS)?, text("cause", MAX_CAUSE_CHARS)?);
                if let Some(other) = parts.keys().find(|k| !matches!(&***k, "error" | "cause")) {
                    return Err(invalid(format!(
                        "Unknown field '{other}' in errorOutput: it takes error and cause."
                    )));
                }
                Ok(Mock::ErrorOutput { error, cause })
            }
        }
    }
}

/// What a test is given besides the definition: TestState's `input`, `inspectionLevel`,
/// `variables` and `mock`.
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    /// The state's input (`{}` when the API's `input` is left out).
    pub input: Value,
    pub inspection_level: InspectionLevel,
    /// The variables in scope when the state is entered.
    pub variables: Map,
    pub mock: Option<Mock>,
}

impl Default for Request {
    fn default() -> Request {
        Request {
            input: Value::empty_object(),
            inspection_level: InspectionLevel::Info,
            variables: Map::new(),
            mock: None,
        }
    }
}

/// Why TestState refuses a request, as the API answers: `ValidationException` or
/// `InvalidDefinition`, and a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestError {
    pub code: &'static str,
    pub message: String,
}

impl RequestError {
    fn validation(message: String) -> RequestError {
        RequestError { code: "ValidationException", message }
    }

    fn too_long(field: &str, value: &str, max: usize) -> RequestError {
        let ApiError { code, message } = ApiError::too_long(field, value, max);
        RequestError { code, message }
    }
}

impl std::fmt::Display for RequestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

/// How the tested state ended, noted by the core's hooks while it runs.
#[derive(Debug)]
pub(super) struct TestRun {
    graph: Rc<Graph>,
    index: usize,
    mock: Option<Mock>,
    /// The tested state was entered: the next entry is the next state's.
    entered: bool,
    /// The state the run went on to (its index in `graph`): by `Next`, a Choice rule or a catcher.
    next: Option<usize>,
    /// The last failure Retry and Catch saw, and the attempts each retrier had used.
    pub(super) handled: Option<(Failure, Vec<u32>)>,
    /// A retrier took the failure: the state would run again.
    retriable: bool,
    pub(super) after_items_path: Option<Value>,
    pub(super) after_item_selector: Option<Value>,
    pub(super) after_item_batcher: Option<Value>,
    pub(super) max_concurrency: Option<f64>,
    pub(super) tolerated_failure_count: Option<f64>,
    pub(super) tolerated_failure_percentage: Option<f64>,
}

/// Runs the state `state` of `machine` once, as TestState does (see the module's documentation).
///
/// `answer` answers a Task that has no mock: a host's stand-in for the real service, given the
/// integration call (the resource and the evaluated parameters). Without one, such a Task is
/// refused. A callback (`.waitForTaskToken`), `.sync` or activity Task needs a mock, as on AWS;
/// so do Map and Parallel states.
pub fn run(
    machine: &Rc<StateMachine>,
    state: &str,
    request: &Request,
    mut answer: Option<&mut dyn FnMut(&Effect) -> Value>,
) -> Result<Response, RequestError> {
    // AWS's words (recorded, test_base_state_name_validation_failures).
    let (graph, index) = find_state(&machine.graph, state)
        .ok_or_else(|| RequestError::validation("State not found in definition".into()))?;
    check(&graph.states[index], request, answer.is_some())?;
    let options = StartOptions { record_data_flow: true, ..StartOptions::default() };
    let mut exec = Execution::idle(machine.clone(), &request.input, options);
    exec.test = Some(Box::new(TestRun {
        graph: graph.clone(),
        index,
        mock: request.mock.clone(),
        entered: false,
        next: None,
        handled: None,
        retriable: false,
        after_items_path: None,
        after_item_selector: None,
        after_item_batcher: None,
        max_concurrency: None,
        tolerated_failure_count: None,
        tolerated_failure_percentage: None,
    }));
    let scope = Scope { parent: None, vars: RefCell::new(request.variables.clone()) };
    exec.threads.push(Thread {
        graph,
        scope: Rc::new(scope),
        cursor: 0,
        parent: None,
        slot: 0,
        map_index: None,
        step: Step::Enter(index, request.input.clone()),
        map_state_name: None,
        recorded: true,
    });
    exec.ready.push_back(0);
    exec.run();
    // One state asks for one integration call at most, and waits for one timer at most (a
    // Wait's); the bound only guards against a core that keeps asking.
    for _ in 0..8 {
        if exec.status != Status::Running {
            break;
        }
        if let Some(effect) = exec.take_effects().into_iter().next() {
            let outcome = match (&request.mock, answer.as_mut()) {
                (Some(Mock::Result(v)), _) => Outcome::Return(v.clone()),
                (Some(Mock::ErrorOutput { error, cause }), _) => {
                    Outcome::Throw { error: error.clone(), cause: cause.clone() }
                }
                (None, Some(answer)) => Outcome::Return(answer(&effect)),
                (None, None) => break, // refused by `check`
            };
            exec.answer_test_task(&effect, outcome);
        } else if let Some(at) = exec.next_timer_at() {
            exec.advance_to(at);
        } else {
            break;
        }
    }
    if exec.status == Status::Running {
        return Err(RequestError::validation(format!(
            "The state '{state}' did not finish: Baton could not answer what it waits for."
        )));
    }
    Ok(exec.test_response(request.inspection_level))
}

/// The state called `name` in `graph` or in any branch or iteration inside it, with its graph.
/// AWS requires state names to be unique in the whole machine.
fn find_state(graph: &Rc<Graph>, name: &str) -> Option<(Rc<Graph>, usize)> {
    if let Some(&index) = graph.index.get(name) {
        return Some((graph.clone(), index));
    }
    graph.states.iter().find_map(|state| match &state.kind {
        StateKind::Parallel { branches } => branches.iter().find_map(|b| find_state(b, name)),
        StateKind::Map(map) => find_state(&map.processor, name),
        _ => None,
    })
}

/// What TestState refuses before running anything.
fn check(state: &State, request: &Request, has_answer: bool) -> Result<(), RequestError> {
    // The API's length constraint on `input`, as StartExecution's (ASL-SEMANTICS §10).
    if request.input.json_len() > MAX_PAYLOAD_BYTES {
        return Err(RequestError::too_long("input", &request.input.to_json(), MAX_PAYLOAD_BYTES));
    }
    // The names and sizes an Assign may give (ASL-SEMANTICS §6.3), in the validator's words.
    for (name, value) in &request.variables {
        if let Some(problem) = crate::validate::variable_name_problem(name) {
            return Err(RequestError::validation(format!("variables: {problem}")));
        }
        if value.json_len() > MAX_PAYLOAD_BYTES {
            return Err(RequestError::validation(format!(
                "variables: the value of '{name}' is {} bytes; a variable can hold at most {MAX_PAYLOAD_BYTES} bytes.",
                value.json_len()
            )));
        }
    }
    let kind = state.type_name();
    match (&state.kind, &request.mock) {
        // AWS's words (recorded, test_state_type_requires_mock).
        (StateKind::Map(_) | StateKind::Parallel { .. }, None) => Err(RequestError {
            code: "InvalidDefinition",
            message: "TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]".into(),
        }),
        // AWS's words (recorded, test_mock_result_is_not_array_on_*).
        (StateKind::Map(_) | StateKind::Parallel { .. }, Some(Mock::Result(result))) if result.as_array().is_none() => {
            Err(RequestError::validation("Mocked result must be an array.".into()))
        }
        (StateKind::Parallel { branches }, Some(Mock::Result(Value::Array(items)))) if items.len() != branches.len() => {
            Err(RequestError::validation(
                "Mocked result must contain the same number of items as number of Parallel branches.".into(),
            ))
        }
        (StateKind::Map(_) | StateKind::Parallel { .. }, Some(_)) => Ok(()),
        (StateKind::Task(task), None) => {
            let pattern = match (&task.resource.kind, task.resource.pattern) {
                (ResourceKind::Activity, _) => Some("an activity"),
                (_, Pattern::WaitForTaskToken) => Some("the .waitForTaskToken integration pattern"),
                (_, Pattern::Sync) => Some("the .sync integration pattern"),
                (_, Pattern::RequestResponse) => None,
            };
            match (pattern, has_answer) {
                (Some(pattern), _) => Err(RequestError::validation(format!(
                    "A mock is required to test a Task state with {pattern}."
                ))),
                (None, false) => Err(RequestError::validation(
                    "A mock is required to test a Task state here: Baton calls no real service.".into(),
                )),
                (None, true) => Ok(()),
            }
        }
        (StateKind::Task(_), Some(_)) => Ok(()),
        // AWS's words (recorded, test_state_type_does_not_accept_mock).
        (_, Some(_)) => Err(RequestError::validation(format!(
            "State type '{kind}' is not supported when a mock is specified"
        ))),
        (_, None) => Ok(()),
    }
}

impl Execution {
    /// Notes something about the tested state; nothing outside a test.
    pub(super) fn test_note(&mut self, note: impl FnOnce(&mut TestRun)) {
        if let Some(test) = self.test.as_deref_mut() {
            note(test);
        }
    }

    /// Called on every state entry: in a test, the second entry is the next state's, where
    /// TestState stops. True when the run stops here.
    pub(super) fn test_reached_next(&mut self, tid: usize, index: usize, input: &Value) -> bool {
        let Some(test) = self.test.as_deref_mut() else { return false };
        if !test.entered {
            test.entered = true;
            return false;
        }
        test.next = Some(index);
        self.output = Some(input.clone());
        self.status = Status::Succeeded;
        self.threads[tid].step = Step::Done;
        true
    }

    /// A retrier took the failure: TestState stops, `RETRIABLE`, instead of waiting and retrying.
    pub(super) fn test_retriable(&mut self, tid: usize, failure: Failure) {
        self.test_note(|t| t.retriable = true);
        self.failure = Some(failure);
        self.status = Status::Failed;
        self.threads[tid].step = Step::Done;
    }

    /// A Map's iterations or a Parallel's branches, in a test: the mock's result stands for their
    /// results (checked to be an array before the run), or its error output fails the state.
    pub(super) fn test_children(&mut self, tid: usize, visit: Visit) {
        let graph = self.threads[tid].graph.clone();
        let is_map = matches!(graph.states[visit.state].kind, StateKind::Map(_));
        match self.test.as_ref().and_then(|t| t.mock.clone()) {
            Some(Mock::Result(Value::Array(results))) => {
                let children = Children {
                    threads: Vec::new(),
                    results: results.iter().cloned().map(Some).collect(),
                    pending: VecDeque::new(),
                    running: 0,
                    failed: 0,
                    tolerated_count: None,
                    tolerated_percentage: None,
                    last_child_event: self.threads[tid].cursor,
                    last_iteration_end: None,
                    is_map,
                };
                self.threads[tid].step = Step::ChildrenDone(visit, children);
            }
            Some(Mock::ErrorOutput { error, cause }) => {
                self.handle_failure(tid, visit, Failure::reported(error, cause))
            }
            // Refused before the run.
            _ => self.finish_thread(tid, Err(Failure::new(ErrorName::Runtime, None))),
        }
    }

    /// Gives a tested Task its answer, whatever it waits for: the integration's response, the
    /// token's callback, or a `.sync` job's submission and then its result.
    fn answer_test_task(&mut self, effect: &Effect, outcome: Outcome) {
        let waits_for_token = effect.resource.kind == ResourceKind::Activity
            || effect.resource.pattern == Pattern::WaitForTaskToken;
        match (outcome, &effect.token) {
            (Outcome::Return(value), Some(token)) if waits_for_token => {
                // The mock holds at most 256 KiB, all SendTaskSuccess takes.
                let _ = self.send_task_success(token, &value.to_json());
            }
            (Outcome::Return(value), _) if effect.resource.pattern == Pattern::Sync => {
                self.resolve(effect.invocation, Outcome::Return(Value::empty_object()));
                self.resolve(effect.invocation, Outcome::Return(value));
            }
            (outcome, _) => self.resolve(effect.invocation, outcome),
        }
    }
}
