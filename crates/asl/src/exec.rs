//! One execution of a state machine, on a virtual clock.
//!
//! The execution is a set of *threads*: the top-level one, one per Parallel branch and one per Map
//! iteration. A thread runs states until it must wait (for an integration, a task token, a Wait
//! state, a retry delay or its children), then the next ready thread runs. Children run before
//! their later siblings, depth first, so histories read in a natural order and replay exactly.
//!
//! Nothing here reads a clock or a random source of its own. The host (the simulated world, the
//! CLI, the browser) drives it with commands: [`Execution::resolve`] for an integration's answer,
//! [`Execution::send_task_success`] and friends for task tokens, and [`Execution::advance_to`] for
//! time. Integration calls leave as [`Effect`]s. Everything that happened is in [`Execution::history`].

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::rc::Rc;

use crate::dataflow::{self, RUNTIME};
use crate::history::{Assigned, Event, EventKind, TaskResource};
use crate::model::{
    Count, Graph, MapState, Pattern, Resource, ResourceKind, Seconds, Source, State, StateKind, StateMachine,
    WaitFor,
};
use crate::rng::Rng;
use crate::template::{Env, EvalError, Variables};
use crate::value::{Map, Value};

/// Virtual milliseconds since the execution started.
pub type Millis = u64;

/// AWS's limit on how long a STANDARD execution may run: one year.
const MAX_EXECUTION_MS: Millis = 365 * 24 * 3600 * 1000;
/// AWS's limit on state payloads (ASL-SEMANTICS §10).
pub const MAX_PAYLOAD_BYTES: usize = 262_144;

/// Names and times an execution reports in its context object (`$$`) and events.
#[derive(Clone, Debug, PartialEq)]
pub struct StartOptions {
    pub account_id: String,
    pub region: String,
    pub state_machine_name: String,
    pub execution_name: String,
    pub role_arn: String,
    /// Wall-clock start in milliseconds since the Unix epoch (only for timestamps in output).
    pub start_epoch_ms: u64,
    /// Seeds task tokens, `States.UUID`, `States.MathRandom` and retry jitter.
    pub seed: u64,
    /// A host setting, not an AWS one: see [`Execution::set_step_limit`].
    pub step_limit: Option<u64>,
}

impl Default for StartOptions {
    fn default() -> Self {
        StartOptions {
            account_id: "123456789012".into(),
            region: "us-east-1".into(),
            state_machine_name: "Baton".into(),
            execution_name: "baton-execution".into(),
            role_arn: "arn:aws:iam::123456789012:role/baton".into(),
            start_epoch_ms: 1_767_225_600_000, // 2026-01-01T00:00:00Z: fixed, so runs replay exactly
            seed: 1,
            step_limit: None,
        }
    }
}

impl StartOptions {
    pub fn state_machine_arn(&self) -> String {
        format!("arn:aws:states:{}:{}:stateMachine:{}", self.region, self.account_id, self.state_machine_name)
    }

    pub fn execution_arn(&self) -> String {
        format!(
            "arn:aws:states:{}:{}:execution:{}:{}",
            self.region, self.account_id, self.state_machine_name, self.execution_name
        )
    }
}

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
    pub error: Option<Rc<str>>,
    pub cause: Option<Rc<str>>,
    /// The timeout came from HeartbeatSeconds: a `States.HeartbeatTimeout` retrier/catcher matches.
    pub heartbeat: bool,
    /// `States.Runtime`: neither retried nor caught, it ends the execution (ASL-SEMANTICS §5.3).
    pub fatal: bool,
}

impl Failure {
    pub fn new(error: impl Into<Rc<str>>, cause: Option<String>) -> Failure {
        Failure { error: Some(error.into()), cause: cause.map(Into::into), heartbeat: false, fatal: false }
    }

    fn timeout(heartbeat: bool) -> Failure {
        Failure { error: Some("States.Timeout".into()), cause: None, heartbeat, fatal: false }
    }

    /// Whether a retrier or catcher listing `names` handles this failure.
    pub fn matches(&self, names: &[Rc<str>]) -> bool {
        let Some(error) = self.error.as_deref() else {
            // SendTaskFailure without an error: only States.ALL catches it (recorded on AWS).
            return names.iter().any(|n| &**n == "States.ALL");
        };
        names.iter().any(|n| match &**n {
            "States.ALL" => true,
            "States.TaskFailed" => error != "States.Timeout",
            "States.HeartbeatTimeout" => self.heartbeat,
            name => name == error,
        })
    }

    /// The error output a catcher hands on: `{"Error": ..., "Cause": ...}`.
    fn error_output(&self) -> Value {
        let text = |s: &Option<Rc<str>>| s.clone().map_or(Value::Null, Value::String);
        // A timeout's event has no cause, yet AWS hands catchers `"Cause": ""` (recorded for
        // lambda:invoke, error_handling/test_invoke_timeout).
        let cause = match (&self.cause, self.error.as_deref()) {
            (None, Some("States.Timeout")) => Value::from(""),
            (cause, _) => text(cause),
        };
        Value::from_pairs([("Error", text(&self.error)), ("Cause", cause)])
    }
}

impl From<EvalError> for Failure {
    fn from(e: EvalError) -> Failure {
        let fatal = e.error == RUNTIME;
        Failure { error: Some(e.error.into()), cause: Some(e.cause.into()), heartbeat: false, fatal }
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
    /// 0 for the first attempt, 1 for the first retry...
    pub retry_count: u32,
    /// The Map iteration index, when the task runs inside a Map.
    pub map_index: Option<usize>,
}

/// The integration's answer to an [`Effect`].
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// The call returned. For a callback task this is the immediate response (TaskSubmitted);
    /// otherwise it is the task's result.
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
    fn invalid_token() -> ApiError {
        ApiError { code: "InvalidToken", message: "Invalid Token: 'Invalid token'".into() }
    }

    fn task_timed_out() -> ApiError {
        ApiError {
            code: "TaskTimedOut",
            message: "Task Timed Out: 'Provided task does not exist anymore'".into(),
        }
    }

    fn too_long(field: &str, value: &str, max: usize) -> ApiError {
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

/// Variables of one scope: the top level, a Parallel branch or a Map iteration.
#[derive(Debug, Default)]
struct Scope {
    parent: Option<Rc<Scope>>,
    vars: RefCell<Map>,
}

impl Variables for Scope {
    fn get(&self, name: &str) -> Option<Value> {
        match self.vars.borrow().get(name) {
            Some(v) => Some(v.clone()),
            None => self.parent.as_ref().and_then(|p| p.get(name)),
        }
    }
}

/// One visit of a state: what it was entered with, for ResultPath, retries and error messages.
#[derive(Clone, Debug)]
struct Visit {
    state: usize,
    raw_input: Value,
    entered_id: u64,
    entered_at: Millis,
    /// Attempts used per retrier (reset when the state is left).
    retries_used: Vec<u32>,
    retry_count: u32,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Flavour {
    Service,
    Lambda,
    Activity,
}

#[derive(Debug)]
struct TaskWait {
    invocation: u64,
    token: Option<Rc<str>>,
    flavour: Flavour,
    resource: TaskResource,
    pattern: Pattern,
    /// The integration answered (TaskSubmitted for callbacks) or the activity worker polled.
    started: bool,
    opened_at: Millis,
    timeout_seconds: Option<u64>,
    heartbeat_seconds: Option<u64>,
    timeout_at: Option<Millis>,
    heartbeat_at: Option<Millis>,
}

#[derive(Debug)]
struct Children {
    threads: Vec<usize>,
    results: Vec<Option<Value>>,
    /// Map items not started yet (MaxConcurrency), in order.
    pending: VecDeque<usize>,
    running: usize,
    failed: usize,
    tolerated_count: Option<f64>,
    tolerated_percentage: Option<f64>,
    /// The last event of any child, for the parent's next event (ASL-SEMANTICS §3.4).
    last_child_event: u64,
    is_map: bool,
}

#[derive(Debug)]
enum Step {
    /// About to enter a state with this input.
    Enter(usize, Value),
    /// Run (or re-run, after a retry delay) the work of the visited state.
    Attempt(Visit),
    Task(Visit, TaskWait),
    Wait(Visit, Millis),
    RetryDelay(Visit, Millis),
    Children(Visit, Children),
    /// The children just finished; the parent completes the state.
    ChildrenDone(Visit, Children),
    Done,
}

#[derive(Debug)]
struct Thread {
    graph: Rc<Graph>,
    scope: Rc<Scope>,
    /// The id of this thread's latest event: the next event's previousEventId.
    cursor: u64,
    parent: Option<usize>,
    /// This thread's slot in its parent's results (branch or item index).
    slot: usize,
    map_index: Option<usize>,
    step: Step,
    /// Items of the Map whose iteration this is: for `$$.Map.Item` (kept for the iteration's name).
    map_state_name: Option<Rc<str>>,
}

/// A timer in the queue: `(at, sequence)` orders timers due at the same instant by creation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Timer {
    Wake(usize),
    ExecutionTimeout,
}

#[derive(Debug)]
struct TokenEntry {
    thread: usize,
    open: bool,
}

pub struct Execution {
    machine: Rc<StateMachine>,
    options: StartOptions,
    status: Status,
    output: Option<Value>,
    failure: Option<Failure>,
    now: Millis,
    events: Vec<Event>,
    threads: Vec<Thread>,
    ready: VecDeque<usize>,
    timers: BTreeMap<(Millis, u64), Timer>,
    timer_seq: u64,
    tokens: HashMap<Rc<str>, TokenEntry>,
    invocations: HashMap<u64, usize>,
    next_invocation: u64,
    effects: Vec<Effect>,
    rng: Rng,
    context_execution: Value,
    context_machine: Value,
    /// States one command may enter before it returns (see [`Execution::set_step_limit`]).
    step_limit: Option<u64>,
    steps_left: u64,
}

impl Execution {
    /// Starts an execution: records ExecutionStarted and runs until the first wait.
    pub fn start(machine: Rc<StateMachine>, input: Value, options: StartOptions) -> Execution {
        let start_time = Value::from(crate::history::iso8601(options.start_epoch_ms));
        let context_execution = Value::from_pairs([
            ("Id", Value::from(options.execution_arn())),
            ("Input", input.clone()),
            ("StartTime", start_time),
            ("Name", Value::from(options.execution_name.clone())),
            ("RoleArn", Value::from(options.role_arn.clone())),
            ("RedriveCount", Value::from_i64(0)),
        ]);
        let context_machine = Value::from_pairs([
            ("Id", Value::from(options.state_machine_arn())),
            ("Name", Value::from(options.state_machine_name.clone())),
        ]);
        let graph = machine.graph.clone();
        let step_limit = options.step_limit;
        let mut exec = Execution {
            rng: Rng::new(options.seed),
            machine,
            options,
            status: Status::Running,
            output: None,
            failure: None,
            now: 0,
            events: Vec::new(),
            threads: Vec::new(),
            ready: VecDeque::new(),
            timers: BTreeMap::new(),
            timer_seq: 0,
            tokens: HashMap::new(),
            invocations: HashMap::new(),
            next_invocation: 1,
            effects: Vec::new(),
            context_execution,
            context_machine,
            step_limit,
            steps_left: u64::MAX,
        };
        let role_arn: Rc<str> = exec.options.role_arn.as_str().into();
        exec.push_event(0, EventKind::ExecutionStarted { input: input.clone(), role_arn });
        let timeout = exec
            .machine
            .timeout_seconds
            .map_or(MAX_EXECUTION_MS, |s| s.saturating_mul(1000).min(MAX_EXECUTION_MS));
        exec.add_timer(timeout, Timer::ExecutionTimeout);
        let start = graph.start;
        exec.threads.push(Thread {
            graph,
            scope: Rc::new(Scope::default()),
            cursor: 0,
            parent: None,
            slot: 0,
            map_index: None,
            step: Step::Enter(start, input),
            map_state_name: None,
        });
        exec.ready.push_back(0);
        exec.run();
        exec
    }

    pub fn machine(&self) -> &Rc<StateMachine> {
        &self.machine
    }

    pub fn options(&self) -> &StartOptions {
        &self.options
    }

    pub fn status(&self) -> Status {
        self.status
    }

    pub fn output(&self) -> Option<&Value> {
        self.output.as_ref()
    }

    pub fn failure(&self) -> Option<&Failure> {
        self.failure.as_ref()
    }

    /// Virtual time since the start.
    pub fn now(&self) -> Millis {
        self.now
    }

    pub fn history(&self) -> &[Event] {
        &self.events
    }

    /// The history as `aws stepfunctions get-execution-history` prints its `events`.
    pub fn history_json(&self) -> Vec<serde_json::Value> {
        self.events.iter().map(|e| e.to_aws_json(self.options.start_epoch_ms)).collect()
    }

    /// Integration calls made since the last call of this method.
    pub fn take_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.effects)
    }

    /// Tasks whose tokens are open, oldest first.
    pub fn open_tasks(&self) -> Vec<OpenTask> {
        let mut out: Vec<OpenTask> = self
            .threads
            .iter()
            .filter_map(|t| match &t.step {
                Step::Task(visit, wait) => wait.token.as_ref().map(|token| OpenTask {
                    token: token.clone(),
                    state: t.graph.states[visit.state].name.clone(),
                    resource: match &t.graph.states[visit.state].kind {
                        StateKind::Task(task) => task.resource.clone(),
                        _ => Resource::parse(""),
                    },
                    retry_count: visit.retry_count,
                    map_index: t.map_index,
                    opened_at: wait.opened_at,
                    started: wait.started,
                    heartbeat_due: wait.heartbeat_at,
                    timeout_due: wait.timeout_at,
                }),
                _ => None,
            })
            .collect();
        out.sort_by_key(|t| t.opened_at);
        out
    }

    /// Whether `token` was ever issued by this execution.
    pub fn knows_token(&self, token: &str) -> bool {
        self.tokens.contains_key(token)
    }

    /// The next thing that happens by itself, if any.
    pub fn next_deadline(&self) -> Option<Deadline> {
        self.deadlines().into_iter().next()
    }

    /// When the next thing happens by itself, without describing it (cheap).
    pub fn next_timer_at(&self) -> Option<Millis> {
        if self.status != Status::Running {
            return None;
        }
        self.timers
            .iter()
            .find(|(&(at, _), &timer)| self.describe_timer(at, timer).is_some())
            .map(|(&(at, _), _)| at)
    }

    /// Everything that will happen by itself, soonest first.
    pub fn deadlines(&self) -> Vec<Deadline> {
        if self.status != Status::Running {
            return Vec::new();
        }
        let mut out = Vec::new();
        for (&(at, _), timer) in &self.timers {
            if let Some(what) = self.describe_timer(at, *timer) {
                out.push(Deadline { at, what });
            }
        }
        out
    }

    fn describe_timer(&self, at: Millis, timer: Timer) -> Option<String> {
        let tid = match timer {
            Timer::ExecutionTimeout => return Some("the execution times out".into()),
            Timer::Wake(tid) => tid,
        };
        let thread = self.threads.get(tid)?;
        let name = |visit: &Visit| thread.graph.states[visit.state].name.to_string();
        match &thread.step {
            Step::Wait(visit, until) if *until == at => Some(format!("Wait state \"{}\" ends", name(visit))),
            Step::RetryDelay(visit, until) if *until == at => {
                Some(format!("\"{}\" retries (attempt {})", name(visit), visit.retry_count + 1))
            }
            Step::Task(visit, wait) if wait.timeout_at == Some(at) => {
                Some(format!("\"{}\" times out (TimeoutSeconds)", name(visit)))
            }
            Step::Task(visit, wait) if wait.heartbeat_at == Some(at) && wait.timeout_at != Some(at) => {
                Some(format!("\"{}\" misses its heartbeat (HeartbeatSeconds)", name(visit)))
            }
            _ => None,
        }
    }

    /// Moves the clock to `to`, firing every timer due on the way, in order.
    pub fn advance_to(&mut self, to: Millis) {
        while self.status == Status::Running {
            let Some((&(at, seq), &timer)) = self.timers.iter().next() else { break };
            if at > to {
                break;
            }
            self.timers.remove(&(at, seq));
            self.now = self.now.max(at);
            self.fire(timer, at);
            self.run();
        }
        self.now = self.now.max(to);
    }

    /// Answers an integration call.
    pub fn resolve(&mut self, invocation: u64, outcome: Outcome) {
        let Some(&tid) = self.invocations.get(&invocation) else { return };
        let Step::Task(_, wait) = &self.threads[tid].step else { return };
        if wait.invocation != invocation || self.status != Status::Running {
            return;
        }
        let (flavour, pattern, started) = (wait.flavour, wait.pattern, wait.started);
        match outcome {
            Outcome::Throw { error, cause } => {
                let failure = Failure {
                    error: error.map(Into::into),
                    cause: cause.map(Into::into),
                    heartbeat: false,
                    fatal: false,
                };
                self.task_failed(tid, failure);
            }
            Outcome::Return(value) if pattern == Pattern::WaitForTaskToken && flavour == Flavour::Service => {
                if started {
                    return;
                }
                let resource = match &mut self.threads[tid].step {
                    Step::Task(_, wait) => {
                        wait.started = true;
                        wait.resource.clone()
                    }
                    _ => return,
                };
                self.emit(tid, EventKind::TaskSubmitted { task: resource, output: value });
            }
            Outcome::Return(value) => self.task_succeeded(tid, value),
        }
        self.run();
    }

    /// An activity worker polled (GetActivityTask) and received the task of `invocation`.
    pub fn activity_started(&mut self, invocation: u64, worker_name: Option<&str>) {
        let Some(&tid) = self.invocations.get(&invocation) else { return };
        let now = self.now;
        let Step::Task(_, wait) = &mut self.threads[tid].step else { return };
        if wait.flavour != Flavour::Activity || wait.started || wait.invocation != invocation {
            return;
        }
        wait.started = true;
        // The timeout and heartbeat clocks start when a worker takes the task (ASL-SEMANTICS §11).
        wait.timeout_at = wait.timeout_seconds.map(|s| now + s * 1000);
        wait.heartbeat_at = wait.heartbeat_seconds.map(|s| now + s * 1000);
        let due: Vec<Millis> = wait.timeout_at.into_iter().chain(wait.heartbeat_at).collect();
        for at in due {
            self.add_timer(at, Timer::Wake(tid));
        }
        self.emit(tid, EventKind::ActivityStarted { worker_name: worker_name.map(Into::into) });
    }

    /// SendTaskSuccess: `output` is JSON text, as the API takes it.
    pub fn send_task_success(&mut self, token: &str, output: &str) -> Result<(), ApiError> {
        let tid = self.open_token(token)?;
        if output.len() > MAX_PAYLOAD_BYTES {
            return Err(ApiError::too_long("output", output, MAX_PAYLOAD_BYTES));
        }
        let value = Value::parse(output).map_err(|e| ApiError {
            code: "InvalidOutput",
            // AWS's exact text is not recorded (ASL-SEMANTICS §13.1); this names the parser's complaint.
            message: format!("Invalid Output: '{e}'"),
        })?;
        self.task_succeeded(tid, value);
        self.run();
        Ok(())
    }

    /// SendTaskFailure: both fields are optional, as in the API.
    pub fn send_task_failure(
        &mut self,
        token: &str,
        error: Option<&str>,
        cause: Option<&str>,
    ) -> Result<(), ApiError> {
        if let Some(e) = error.filter(|e| e.chars().count() > 256) {
            return Err(ApiError::too_long("error", e, 256));
        }
        if let Some(c) = cause.filter(|c| c.chars().count() > 32_768) {
            return Err(ApiError::too_long("cause", c, 32_768));
        }
        let tid = self.open_token(token)?;
        let failure = Failure {
            error: error.map(Into::into),
            cause: cause.map(Into::into),
            heartbeat: false,
            fatal: false,
        };
        self.task_failed(tid, failure);
        self.run();
        Ok(())
    }

    /// SendTaskHeartbeat: resets the heartbeat clock only; no history event.
    pub fn send_task_heartbeat(&mut self, token: &str) -> Result<(), ApiError> {
        let tid = self.open_token(token)?;
        let now = self.now;
        let next = match &mut self.threads[tid].step {
            Step::Task(_, wait) => {
                match (wait.heartbeat_seconds, wait.started || wait.flavour != Flavour::Activity) {
                    (Some(s), true) => {
                        wait.heartbeat_at = Some(now + s * 1000);
                        wait.heartbeat_at
                    }
                    _ => None,
                }
            }
            _ => None,
        };
        if let Some(at) = next {
            self.add_timer(at, Timer::Wake(tid));
        }
        Ok(())
    }

    /// StopExecution: the execution ends ABORTED and every open token closes.
    pub fn stop(&mut self, error: Option<&str>, cause: Option<&str>) -> Result<(), ApiError> {
        if self.status != Status::Running {
            return Err(ApiError {
                code: "ExecutionDoesNotExist",
                message: format!("Execution Does Not Exist: '{}'", self.options.execution_arn()),
            });
        }
        self.close_all_tokens();
        self.status = Status::Aborted;
        self.failure = error.map(|e| Failure::new(e, cause.map(String::from)));
        let kind = EventKind::ExecutionAborted { error: error.map(Into::into), cause: cause.map(Into::into) };
        self.push_event(0, kind);
        Ok(())
    }

    fn open_token(&self, token: &str) -> Result<usize, ApiError> {
        if token.is_empty() || token.len() > 2048 {
            return Err(ApiError::invalid_token());
        }
        match self.tokens.get(token) {
            None => Err(ApiError::invalid_token()),
            Some(entry) if !entry.open || self.status != Status::Running => Err(ApiError::task_timed_out()),
            Some(entry) => Ok(entry.thread),
        }
    }

    // ----- the scheduler -----

    fn add_timer(&mut self, at: Millis, timer: Timer) {
        self.timer_seq += 1;
        self.timers.insert((at, self.timer_seq), timer);
    }

    fn fire(&mut self, timer: Timer, at: Millis) {
        match timer {
            Timer::ExecutionTimeout => {
                self.close_all_tokens();
                self.status = Status::TimedOut;
                self.failure = Some(Failure::timeout(false));
                let kind = EventKind::ExecutionTimedOut { error: Some("States.Timeout".into()), cause: None };
                let prev = self.events.last().map_or(0, |e| e.id);
                self.push_event(prev, kind);
            }
            Timer::Wake(tid) => {
                let step = std::mem::replace(&mut self.threads[tid].step, Step::Done);
                match step {
                    Step::Wait(visit, until) if until == at => self.finish_wait(tid, visit),
                    Step::RetryDelay(visit, until) if until == at => {
                        self.threads[tid].step = Step::Attempt(visit);
                        self.ready.push_front(tid);
                    }
                    Step::Task(visit, wait) => {
                        let timed_out = wait.timeout_at == Some(at);
                        let missed_heartbeat = wait.heartbeat_at == Some(at);
                        self.threads[tid].step = Step::Task(visit, wait);
                        if timed_out || missed_heartbeat {
                            self.task_timed_out(tid, missed_heartbeat && !timed_out);
                        }
                    }
                    other => self.threads[tid].step = other,
                }
            }
        }
    }

    /// Bounds how many states one command may enter: an endless loop of Pass and Choice states
    /// would otherwise never return and freeze a browser tab. When the bound is reached the
    /// execution stays `Running` and [`Execution::is_busy`]; [`Execution::resume`] goes on.
    /// `None` (the default) means no bound.
    pub fn set_step_limit(&mut self, limit: Option<u64>) {
        self.step_limit = limit;
    }

    /// Work is left that no timer or outside answer is waiting for: call [`Execution::resume`].
    pub fn is_busy(&self) -> bool {
        self.status == Status::Running && !self.ready.is_empty()
    }

    /// Runs the next slice of work after the step limit stopped a command.
    pub fn resume(&mut self) {
        self.run();
    }

    /// Runs ready threads until every thread waits, the execution ends or the step limit is hit.
    fn run(&mut self) {
        self.steps_left = self.step_limit.unwrap_or(u64::MAX);
        while self.status == Status::Running && self.steps_left > 0 {
            let Some(tid) = self.ready.pop_front() else { break };
            self.run_thread(tid);
        }
    }

    fn run_thread(&mut self, tid: usize) {
        loop {
            if self.status != Status::Running {
                return;
            }
            let step = std::mem::replace(&mut self.threads[tid].step, Step::Done);
            match step {
                Step::Enter(state, input) if self.steps_left == 0 => {
                    self.threads[tid].step = Step::Enter(state, input);
                    self.ready.push_front(tid);
                    return;
                }
                Step::Enter(state, input) => {
                    self.steps_left -= 1;
                    self.enter(tid, state, input)
                }
                Step::Attempt(visit) => self.attempt(tid, visit),
                Step::ChildrenDone(visit, children) => self.children_done(tid, visit, children),
                other => {
                    self.threads[tid].step = other;
                    return;
                }
            }
        }
    }

    fn push_event(&mut self, previous_event_id: u64, kind: EventKind) -> u64 {
        let id = self.events.len() as u64 + 1;
        self.events.push(Event { id, previous_event_id, at_ms: self.now, kind });
        id
    }

    /// Records an event in `tid`'s thread and moves the thread's cursor to it.
    fn emit(&mut self, tid: usize, kind: EventKind) -> u64 {
        let id = self.push_event(self.threads[tid].cursor, kind);
        self.threads[tid].cursor = id;
        id
    }

    fn context(&self, tid: usize, visit: &Visit, state: &State, token: Option<&Rc<str>>) -> Value {
        if !state.uses_context {
            return Value::Null;
        }
        let mut s = Map::new();
        s.insert("Name".into(), Value::String(state.name.clone()));
        s.insert(
            "EnteredTime".into(),
            Value::from(crate::history::iso8601(self.options.start_epoch_ms + visit.entered_at)),
        );
        if matches!(state.kind, StateKind::Task(_) | StateKind::Parallel { .. } | StateKind::Map(_)) {
            s.insert("RetryCount".into(), Value::from_i64(visit.retry_count.into()));
        }
        let mut ctx = Map::new();
        ctx.insert("Execution".into(), self.context_execution.clone());
        ctx.insert("StateMachine".into(), self.context_machine.clone());
        ctx.insert("State".into(), Value::object(s));
        if let Some(token) = token {
            ctx.insert("Task".into(), Value::from_pairs([("Token", Value::String(token.clone()))]));
        }
        let _ = tid;
        Value::object(ctx)
    }

    /// The cause prefix AWS puts on runtime errors.
    fn runtime_failure(&self, tid: usize, visit: &Visit, e: EvalError) -> Failure {
        let name = &self.threads[tid].graph.states[visit.state].name;
        let mut failure = Failure::from(e);
        if failure.fatal {
            let cause = failure.cause.as_deref().unwrap_or("");
            failure.cause = Some(
                format!("An error occurred while executing the state '{name}' (entered at the event id #{}). {cause}", visit.entered_id)
                    .into(),
            );
        }
        failure
    }

    fn enter(&mut self, tid: usize, index: usize, input: Value) {
        let graph = self.threads[tid].graph.clone();
        let state = &graph.states[index];
        let entered_id = self.emit(
            tid,
            EventKind::StateEntered {
                state_type: state.type_name(),
                name: state.name.clone(),
                input: input.clone(),
            },
        );
        let visit = Visit {
            state: index,
            raw_input: input,
            entered_id,
            entered_at: self.now,
            retries_used: vec![0; state.retry.len()],
            retry_count: 0,
        };
        self.attempt(tid, visit);
    }

    /// The work of a state, from InputPath on. Retries come back here.
    fn attempt(&mut self, tid: usize, visit: Visit) {
        let graph = self.threads[tid].graph.clone();
        let state = &graph.states[visit.state];
        let scope = self.threads[tid].scope.clone();
        let context = self.context(tid, &visit, state, None);
        let mut rng = std::mem::replace(&mut self.rng, Rng::new(0));
        let effective = {
            let env = Env { input: &visit.raw_input, context: &context, variables: &*scope, rng: &mut rng };
            dataflow::select(&state.input_path, &env)
        };
        self.rng = rng;
        let effective = match effective {
            Ok(v) => v,
            Err(e) => return self.fail_state(tid, visit, e),
        };
        match &state.kind {
            StateKind::Pass { result } => {
                let result = match (result, &state.parameters) {
                    (Some(r), _) => Ok(r.clone()),
                    (None, Some(_)) => {
                        self.eval_template(state.parameters.as_ref(), &effective, &context, &scope)
                    }
                    (None, None) => Ok(effective.clone()),
                };
                match result {
                    Ok(result) if result.json_len() > MAX_PAYLOAD_BYTES => {
                        // An oversized Pass result ends the execution at once (recorded on AWS).
                        let mut failure = Failure::new(
                            "States.DataLimitExceeded",
                            Some(format!("The state/task '{}' returned a result with a size exceeding the maximum number of bytes service limit.", state.name)),
                        );
                        failure.fatal = true;
                        self.finish_thread(tid, Err(failure));
                    }
                    Ok(result) => self.complete(tid, visit, result, &context),
                    Err(e) => self.fail_state(tid, visit, e),
                }
            }
            StateKind::Succeed => match self.output_path(state, &effective, &context, &scope) {
                Ok(output) => {
                    self.emit(tid, exited(state, output.clone(), None));
                    self.finish_thread(tid, Ok(output));
                }
                Err(e) => self.fail_state(tid, visit, e),
            },
            StateKind::Fail { error, cause } => {
                let error = self.fail_field(error, &effective, &context, &scope);
                let cause = self.fail_field(cause, &effective, &context, &scope);
                match (error, cause) {
                    (Ok(error), Ok(cause)) => self.finish_thread(
                        tid,
                        Err(Failure {
                            error: error.map(Into::into),
                            cause: cause.map(Into::into),
                            heartbeat: false,
                            fatal: false,
                        }),
                    ),
                    (Err(e), _) | (_, Err(e)) => self.fail_state(tid, visit, e),
                }
            }
            StateKind::Choice { choices, default } => {
                let mut rng = std::mem::replace(&mut self.rng, Rng::new(0));
                let picked = {
                    let env = Env { input: &effective, context: &context, variables: &*scope, rng: &mut rng };
                    let mut picked = Ok(None);
                    for branch in choices {
                        match branch.condition.eval(&env) {
                            Ok(true) => {
                                picked = Ok(Some(branch));
                                break;
                            }
                            Ok(false) => {}
                            Err(e) => {
                                picked = Err(e);
                                break;
                            }
                        }
                    }
                    picked
                };
                self.rng = rng;
                let (next, assign) = match picked {
                    Ok(Some(branch)) => (Some(branch.next), branch.assign.as_ref().or(state.assign.as_ref())),
                    Ok(None) => (*default, state.assign.as_ref()),
                    Err(e) => return self.fail_state(tid, visit, e),
                };
                let Some(next) = next else {
                    let failure = Failure::new(
                        "States.NoChoiceMatched",
                        Some(format!(
                            "An error occurred while executing the state '{}' (entered at the event id #{}). No Choice Rule matched and no Default was set.",
                            state.name, visit.entered_id
                        )),
                    );
                    return self.finish_thread(tid, Err(failure));
                };
                let assigned = match self.assign(tid, assign, &effective, &context) {
                    Ok(a) => a,
                    Err(e) => return self.fail_state(tid, visit, e),
                };
                match self.output_path(state, &effective, &context, &scope) {
                    Ok(output) => {
                        self.emit(tid, exited(state, output.clone(), assigned));
                        self.threads[tid].step = Step::Enter(next, output);
                    }
                    Err(e) => self.fail_state(tid, visit, e),
                }
            }
            StateKind::Wait(wait) => match self.wait_until(wait, &effective, &context, &scope) {
                Ok(until) if until <= self.now => self.finish_wait(tid, visit),
                Ok(until) => {
                    self.add_timer(until, Timer::Wake(tid));
                    self.threads[tid].step = Step::Wait(visit, until);
                }
                Err(e) => self.fail_state(tid, visit, e),
            },
            StateKind::Task(task) => self.start_task(tid, visit, state, task, effective),
            StateKind::Parallel { branches } => {
                let input = match self.eval_template(state.parameters.as_ref(), &effective, &context, &scope)
                {
                    Ok(v) => v,
                    Err(e) => return self.fail_state(tid, visit, e),
                };
                self.emit(tid, EventKind::ParallelStateStarted);
                let cursor = self.threads[tid].cursor;
                let mut children = Children {
                    threads: Vec::new(),
                    results: vec![None; branches.len()],
                    pending: VecDeque::new(),
                    running: branches.len(),
                    failed: 0,
                    tolerated_count: None,
                    tolerated_percentage: None,
                    last_child_event: cursor,
                    is_map: false,
                };
                for (slot, branch) in branches.iter().enumerate() {
                    let child = self.spawn(tid, branch.clone(), slot, None, None, input.clone(), cursor);
                    children.threads.push(child);
                }
                for &child in children.threads.iter().rev() {
                    self.ready.push_front(child);
                }
                if branches.is_empty() {
                    self.threads[tid].step = Step::ChildrenDone(visit, children);
                } else {
                    self.threads[tid].step = Step::Children(visit, children);
                }
            }
            StateKind::Map(map) => self.start_map(tid, visit, state, map, effective, &scope),
        }
    }

    fn eval_template(
        &mut self,
        template: Option<&crate::template::Template>,
        input: &Value,
        context: &Value,
        scope: &Rc<Scope>,
    ) -> Result<Value, EvalError> {
        let mut env = Env { input, context, variables: &**scope, rng: &mut self.rng };
        dataflow::apply(template, &mut env)
    }

    fn output_path(
        &mut self,
        state: &State,
        value: &Value,
        context: &Value,
        scope: &Rc<Scope>,
    ) -> Result<Value, EvalError> {
        let env = Env { input: value, context, variables: &**scope, rng: &mut self.rng };
        dataflow::select(&state.output_path, &env)
    }

    fn fail_field(
        &mut self,
        source: &Source,
        input: &Value,
        context: &Value,
        scope: &Rc<Scope>,
    ) -> Result<Option<String>, EvalError> {
        match source {
            Source::None => Ok(None),
            Source::Literal(s) => Ok(Some(s.to_string())),
            Source::Dynamic(template, field) => {
                // AWS names the field without the `.$` the template needs (ASL-SEMANTICS §5.3).
                let v = self.eval_template(Some(template), input, context, scope).map_err(|mut e| {
                    e.cause = e.cause.replace(&format!("'{field}.$'"), &format!("'{field}'"));
                    e
                })?;
                match v.get(field) {
                    Some(Value::String(s)) => Ok(Some(s.to_string())),
                    Some(Value::Null) | None => Ok(None),
                    Some(other) => Ok(Some(other.to_json())),
                }
            }
        }
    }

    fn wait_until(
        &mut self,
        wait: &WaitFor,
        input: &Value,
        context: &Value,
        scope: &Rc<Scope>,
    ) -> Result<Millis, EvalError> {
        let runtime = |cause: String| EvalError { error: RUNTIME.into(), cause };
        let from_epoch = |ms: i64, start: u64| -> Millis { (ms - start as i64).max(0) as Millis };
        match wait {
            WaitFor::Seconds(s) => Ok(self.now + s * 1000),
            WaitFor::Timestamp(ms) => Ok(from_epoch(*ms, self.options.start_epoch_ms)),
            WaitFor::SecondsPath(path) | WaitFor::TimestampPath(path) => {
                let env = Env { input, context, variables: &**scope, rng: &mut self.rng };
                let is_seconds = matches!(wait, WaitFor::SecondsPath(_));
                let field = if is_seconds { "SecondsPath" } else { "TimestampPath" };
                let value = env.resolve(path).map_err(|_| {
                    runtime(format!(
                        "The {field} parameter does not reference an input value: {}",
                        path.text()
                    ))
                })?;
                if is_seconds {
                    match (value.as_i64(), value.as_f64()) {
                        (Some(n), _) if n < 0 => Err(runtime(format!(
                            "The SecondsPath parameter references a negative value: {} == {value}",
                            path.text()
                        ))),
                        (Some(n), _) => Ok(self.now + (n as u64).saturating_mul(1000)),
                        _ => Err(runtime(format!(
                            "The SecondsPath parameter cannot be parsed as a long value: {} == {value}",
                            path.text()
                        ))),
                    }
                } else {
                    match value.as_str().and_then(crate::choice::parse_timestamp) {
                        Some(t) => Ok(from_epoch(t.to_epoch_millis(), self.options.start_epoch_ms)),
                        None => Err(runtime(format!(
                            "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {} == {}",
                            path.text(),
                            value.as_str().map_or_else(|| value.to_json(), String::from)
                        ))),
                    }
                }
            }
        }
    }

    fn finish_wait(&mut self, tid: usize, visit: Visit) {
        let graph = self.threads[tid].graph.clone();
        let state = &graph.states[visit.state];
        let scope = self.threads[tid].scope.clone();
        let context = self.context(tid, &visit, state, None);
        let effective = {
            let env =
                Env { input: &visit.raw_input, context: &context, variables: &*scope, rng: &mut self.rng };
            dataflow::select(&state.input_path, &env)
        };
        match effective {
            Ok(effective) => self.complete_with(tid, visit, effective.clone(), effective, &context),
            Err(e) => self.fail_state(tid, visit, e),
        }
        self.ready.push_back(tid);
    }

    /// Finishes a state that produced `result`: ResultPath, OutputPath, Assign, then Next.
    fn complete(&mut self, tid: usize, visit: Visit, result: Value, context: &Value) {
        let assign_input = result.clone();
        self.complete_with(tid, visit, result, assign_input, context)
    }

    fn complete_with(
        &mut self,
        tid: usize,
        visit: Visit,
        result: Value,
        assign_input: Value,
        context: &Value,
    ) {
        let graph = self.threads[tid].graph.clone();
        let state = &graph.states[visit.state];
        let scope = self.threads[tid].scope.clone();
        let is_wait = matches!(state.kind, StateKind::Wait(_));
        let merged =
            if is_wait { Ok(result) } else { dataflow::merge(&state.result_path, &visit.raw_input, result) };
        let output = merged.and_then(|m| self.output_path(state, &m, context, &scope));
        let output = match output {
            Ok(o) => o,
            Err(e) => return self.fail_state(tid, visit, e),
        };
        let assigned = match self.assign(tid, state.assign.as_ref(), &assign_input, context) {
            Ok(a) => a,
            Err(e) => return self.fail_state(tid, visit, e),
        };
        self.emit(tid, exited(state, output.clone(), assigned));
        match state.next {
            Some(next) => self.threads[tid].step = Step::Enter(next, output),
            None => self.finish_thread(tid, Ok(output)),
        }
    }

    /// Evaluates an Assign block and stores its variables in the thread's scope.
    fn assign(
        &mut self,
        tid: usize,
        assign: Option<&crate::template::Template>,
        input: &Value,
        context: &Value,
    ) -> Result<Option<Assigned>, EvalError> {
        let Some(assign) = assign else { return Ok(None) };
        let scope = self.threads[tid].scope.clone();
        let values = self.eval_template(Some(assign), input, context, &scope)?;
        let Some(values) = values.as_object() else { return Ok(None) };
        let mut vars = scope.vars.borrow_mut();
        let mut assigned = Vec::with_capacity(values.len());
        for (k, v) in values.iter() {
            vars.insert(k.clone(), v.clone());
            assigned.push((k.clone(), v.clone()));
        }
        Ok(Some(assigned))
    }

    // ----- tasks -----

    fn new_token(&mut self) -> Rc<str> {
        // Tokens look like AWS's (long, base64) but come from the execution's seed: unguessable to a
        // person, replayable for a test.
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut token = String::with_capacity(172);
        token.push_str("AQB");
        while token.len() < 172 {
            let bits = self.rng.next_u64();
            for i in 0..10 {
                if token.len() < 172 {
                    token.push(ALPHABET[((bits >> (i * 6)) & 63) as usize] as char);
                }
            }
        }
        token.into()
    }

    fn seconds(
        &mut self,
        s: &Seconds,
        input: &Value,
        context: &Value,
        scope: &Rc<Scope>,
        field: &str,
    ) -> Result<Option<u64>, EvalError> {
        match s {
            Seconds::None => Ok(None),
            Seconds::Literal(n) => Ok(Some(*n)),
            Seconds::Path(path) => {
                let env = Env { input, context, variables: &**scope, rng: &mut self.rng };
                let v = env.resolve(path).map_err(|miss| EvalError {
                    error: RUNTIME.into(),
                    cause: format!("Invalid path '{}' : {}", path.text(), miss.message),
                })?;
                match v.as_u64() {
                    Some(n) if n > 0 => Ok(Some(n)),
                    _ => Err(EvalError {
                        error: RUNTIME.into(),
                        cause: format!(
                            "The {field} field refers to value {v} which is not a valid positive integer: {}",
                            path.text()
                        ),
                    }),
                }
            }
        }
    }

    fn start_task(
        &mut self,
        tid: usize,
        visit: Visit,
        state: &State,
        task: &crate::model::Task,
        effective: Value,
    ) {
        let scope = self.threads[tid].scope.clone();
        let token = match task.resource.has_token() || task.resource.kind == ResourceKind::Activity {
            true => Some(self.new_token()),
            false => None,
        };
        let context_token = if task.resource.has_token() { token.as_ref() } else { None };
        let context = self.context(tid, &visit, state, context_token);
        let timeouts =
            self.seconds(&task.timeout, &effective, &context, &scope, "TimeoutSecondsPath").and_then(|t| {
                Ok((t, self.seconds(&task.heartbeat, &effective, &context, &scope, "HeartbeatSecondsPath")?))
            });
        let (timeout_seconds, heartbeat_seconds) = match timeouts {
            Ok(t) => t,
            Err(e) => return self.fail_state(tid, visit, e),
        };
        let parameters = match self.eval_template(state.parameters.as_ref(), &effective, &context, &scope) {
            Ok(p) => p,
            Err(e) => return self.fail_state(tid, visit, e),
        };
        let flavour = match task.resource.kind {
            ResourceKind::LambdaFunction => Flavour::Lambda,
            ResourceKind::Activity => Flavour::Activity,
            _ => Flavour::Service,
        };
        let resource = TaskResource {
            resource_type: task.resource.service.clone(),
            resource: task.resource.action.clone(),
        };
        match flavour {
            Flavour::Service => {
                self.emit(
                    tid,
                    EventKind::TaskScheduled {
                        task: resource.clone(),
                        region: self.options.region.as_str().into(),
                        parameters: parameters.clone(),
                        timeout_seconds,
                        heartbeat_seconds,
                    },
                );
                self.emit(tid, EventKind::TaskStarted { task: resource.clone() });
            }
            Flavour::Lambda => {
                self.emit(
                    tid,
                    EventKind::LambdaFunctionScheduled {
                        resource: task.resource.arn.clone(),
                        input: parameters.clone(),
                        timeout_seconds,
                    },
                );
                self.emit(tid, EventKind::LambdaFunctionStarted);
            }
            Flavour::Activity => {
                self.emit(
                    tid,
                    EventKind::ActivityScheduled {
                        resource: task.resource.arn.clone(),
                        input: parameters.clone(),
                        timeout_seconds,
                        heartbeat_seconds,
                    },
                );
            }
        }
        let invocation = self.next_invocation;
        self.next_invocation += 1;
        self.invocations.insert(invocation, tid);
        if let Some(token) = &token {
            self.tokens.insert(token.clone(), TokenEntry { thread: tid, open: true });
        }
        let clocks_run = flavour != Flavour::Activity;
        let timeout_at = timeout_seconds.filter(|_| clocks_run).map(|s| self.now + s * 1000);
        let heartbeat_at = heartbeat_seconds.filter(|_| clocks_run).map(|s| self.now + s * 1000);
        for at in timeout_at.into_iter().chain(heartbeat_at) {
            self.add_timer(at, Timer::Wake(tid));
        }
        self.effects.push(Effect {
            invocation,
            state: state.name.clone(),
            resource: task.resource.clone(),
            parameters,
            token: token.clone(),
            retry_count: visit.retry_count,
            map_index: self.threads[tid].map_index,
        });
        let wait = TaskWait {
            invocation,
            token,
            flavour,
            resource,
            pattern: task.resource.pattern,
            started: false,
            opened_at: self.now,
            timeout_seconds,
            heartbeat_seconds,
            timeout_at,
            heartbeat_at,
        };
        self.threads[tid].step = Step::Task(visit, wait);
    }

    fn close_token(&mut self, wait: &TaskWait) {
        if let Some(token) = &wait.token {
            if let Some(entry) = self.tokens.get_mut(token) {
                entry.open = false;
            }
        }
        self.invocations.remove(&wait.invocation);
    }

    fn close_all_tokens(&mut self) {
        for entry in self.tokens.values_mut() {
            entry.open = false;
        }
    }

    fn take_task(&mut self, tid: usize) -> Option<(Visit, TaskWait)> {
        match std::mem::replace(&mut self.threads[tid].step, Step::Done) {
            Step::Task(visit, wait) => Some((visit, wait)),
            other => {
                self.threads[tid].step = other;
                None
            }
        }
    }

    fn task_succeeded(&mut self, tid: usize, result: Value) {
        let Some((visit, wait)) = self.take_task(tid) else { return };
        self.close_token(&wait);
        let kind = match wait.flavour {
            Flavour::Service => {
                EventKind::TaskSucceeded { task: wait.resource.clone(), output: result.clone() }
            }
            Flavour::Lambda => EventKind::LambdaFunctionSucceeded { output: result.clone() },
            Flavour::Activity => EventKind::ActivitySucceeded { output: result.clone() },
        };
        self.emit(tid, kind);
        let graph = self.threads[tid].graph.clone();
        let state = &graph.states[visit.state];
        if result.json_len() > MAX_PAYLOAD_BYTES {
            let name = match wait.flavour {
                Flavour::Service => wait.resource.resource_type.to_string(),
                _ => match &state.kind {
                    StateKind::Task(t) => t.resource.arn.to_string(),
                    _ => state.name.to_string(),
                },
            };
            let failure = Failure::new(
                "States.DataLimitExceeded",
                Some(format!("The state/task '{name}' returned a result with a size exceeding the maximum number of bytes service limit.")),
            );
            return self.handle_failure(tid, visit, failure);
        }
        let scope = self.threads[tid].scope.clone();
        let context = self.context(tid, &visit, state, wait.token.as_ref());
        let selected = match self.eval_template(state.result_selector.as_ref(), &result, &context, &scope) {
            Ok(v) => v,
            Err(e) => return self.fail_state(tid, visit, e),
        };
        self.complete(tid, visit, selected, &context);
        self.ready.push_back(tid);
    }

    fn task_failed(&mut self, tid: usize, failure: Failure) {
        let Some((visit, wait)) = self.take_task(tid) else { return };
        self.close_token(&wait);
        let (error, cause) = (failure.error.clone(), failure.cause.clone());
        let kind = match wait.flavour {
            Flavour::Service => EventKind::TaskFailed { task: wait.resource.clone(), error, cause },
            Flavour::Lambda => EventKind::LambdaFunctionFailed { error, cause },
            Flavour::Activity => EventKind::ActivityFailed { error, cause },
        };
        self.emit(tid, kind);
        self.handle_failure(tid, visit, failure);
        self.ready.push_back(tid);
    }

    fn task_timed_out(&mut self, tid: usize, heartbeat: bool) {
        let Some((visit, wait)) = self.take_task(tid) else { return };
        self.close_token(&wait);
        let failure = Failure::timeout(heartbeat);
        let (error, cause) = (failure.error.clone(), None);
        let kind = match wait.flavour {
            Flavour::Service => EventKind::TaskTimedOut { task: wait.resource.clone(), error, cause },
            Flavour::Lambda => EventKind::LambdaFunctionTimedOut { error, cause },
            Flavour::Activity => EventKind::ActivityTimedOut { error, cause },
        };
        self.emit(tid, kind);
        self.handle_failure(tid, visit, failure);
        self.ready.push_back(tid);
    }

    // ----- errors -----

    /// A failure while evaluating the state's own fields (paths, templates): `States.Runtime` ends
    /// the execution; other errors go through Retry/Catch.
    fn fail_state(&mut self, tid: usize, visit: Visit, e: EvalError) {
        let failure = self.runtime_failure(tid, &visit, e);
        self.handle_failure(tid, visit, failure);
    }

    /// Retry, then Catch, then the thread fails (ASL-SEMANTICS §8.3-8.4).
    fn handle_failure(&mut self, tid: usize, mut visit: Visit, failure: Failure) {
        let graph = self.threads[tid].graph.clone();
        let state = &graph.states[visit.state];
        if failure.fatal {
            return self.finish_thread(tid, Err(failure));
        }
        if let Some(i) = state.retry.iter().position(|r| failure.matches(&r.errors)) {
            let retrier = &state.retry[i];
            if visit.retries_used[i] < retrier.max_attempts {
                let k = visit.retries_used[i];
                visit.retries_used[i] += 1;
                visit.retry_count += 1;
                let mut delay = retrier.interval_seconds * retrier.backoff_rate.powi(k as i32);
                if let Some(max) = retrier.max_delay_seconds {
                    delay = delay.min(max);
                }
                if retrier.jitter_full {
                    delay *= self.rng.next_f64();
                }
                let until = self.now + (delay * 1000.0).round() as Millis;
                if matches!(state.kind, StateKind::Parallel { .. } | StateKind::Map(_)) {
                    // Retrying a Parallel or Map re-runs it from its Started event.
                }
                if until <= self.now {
                    self.threads[tid].step = Step::Attempt(visit);
                } else {
                    self.add_timer(until, Timer::Wake(tid));
                    self.threads[tid].step = Step::RetryDelay(visit, until);
                }
                return;
            }
        }
        let Some(catcher) = state.catch.iter().find(|c| failure.matches(&c.errors)) else {
            return self.finish_thread(tid, Err(failure));
        };
        let error_output = failure.error_output();
        let output = match dataflow::merge(&catcher.result_path, &visit.raw_input, error_output.clone()) {
            Ok(o) => o,
            Err(e) => {
                let failure = self.runtime_failure(tid, &visit, e);
                return self.finish_thread(tid, Err(failure));
            }
        };
        let context = self.context(tid, &visit, state, None);
        let assigned = match self.assign(tid, catcher.assign.as_ref(), &error_output, &context) {
            Ok(a) => a,
            Err(e) => {
                let failure = self.runtime_failure(tid, &visit, e);
                return self.finish_thread(tid, Err(failure));
            }
        };
        self.emit(tid, exited(state, output.clone(), assigned));
        self.threads[tid].step = Step::Enter(catcher.next, output);
    }

    /// A thread ran off its end (`Ok`) or failed unhandled (`Err`).
    fn finish_thread(&mut self, tid: usize, result: Result<Value, Failure>) {
        self.threads[tid].step = Step::Done;
        match self.threads[tid].parent {
            None => self.finish_execution(tid, result),
            Some(parent) => self.child_finished(parent, tid, result),
        }
    }

    fn finish_execution(&mut self, tid: usize, result: Result<Value, Failure>) {
        self.close_all_tokens();
        match result {
            Ok(output) => {
                self.status = Status::Succeeded;
                self.emit(tid, EventKind::ExecutionSucceeded { output: output.clone() });
                self.output = Some(output);
            }
            Err(failure) => {
                self.status = Status::Failed;
                self.emit(
                    tid,
                    EventKind::ExecutionFailed { error: failure.error.clone(), cause: failure.cause.clone() },
                );
                self.failure = Some(failure);
            }
        }
    }

    // ----- Parallel and Map -----

    #[allow(clippy::too_many_arguments)]
    fn spawn(
        &mut self,
        parent: usize,
        graph: Rc<Graph>,
        slot: usize,
        map_index: Option<usize>,
        map_state_name: Option<Rc<str>>,
        input: Value,
        cursor: u64,
    ) -> usize {
        let scope =
            Rc::new(Scope { parent: Some(self.threads[parent].scope.clone()), vars: RefCell::default() });
        let start = graph.start;
        self.threads.push(Thread {
            graph,
            scope,
            cursor,
            parent: Some(parent),
            slot,
            map_index,
            step: Step::Enter(start, input),
            map_state_name,
        });
        self.threads.len() - 1
    }

    fn count(
        &mut self,
        count: &Count,
        input: &Value,
        scope: &Rc<Scope>,
        field: &str,
        float: bool,
    ) -> Result<Option<f64>, EvalError> {
        match count {
            Count::None => Ok(None),
            Count::Literal(n) => Ok(Some(*n)),
            Count::Path(path) => {
                let env = Env { input, context: &Value::Null, variables: &**scope, rng: &mut self.rng };
                let v = env.resolve(path).map_err(|miss| EvalError {
                    error: RUNTIME.into(),
                    cause: format!("Invalid path '{}' : {}", path.text(), miss.message),
                })?;
                // AWS reads numbers written as strings too ("1"), but not other text.
                let number = match &v {
                    Value::String(s) => Value::parse(s.trim()).ok().filter(|n| matches!(n, Value::Number(_))),
                    other => Some(other.clone()),
                };
                let n = number.and_then(|n| if float { n.as_f64() } else { n.as_i64().map(|n| n as f64) });
                match n {
                    Some(n) => Ok(Some(n)),
                    None => Err(EvalError {
                        error: RUNTIME.into(),
                        cause: format!(
                            "The {field} field refers to value \"{}\" which is not a valid {}: {}",
                            v.as_str().map_or_else(|| v.to_json(), String::from),
                            if float { "float" } else { "integer" },
                            path.text()
                        ),
                    }),
                }
            }
        }
    }

    fn start_map(
        &mut self,
        tid: usize,
        visit: Visit,
        state: &State,
        map: &MapState,
        effective: Value,
        scope: &Rc<Scope>,
    ) {
        let runtime = |cause: String| EvalError { error: RUNTIME.into(), cause };
        let items = match &map.items_path {
            None => Ok(effective.clone()),
            Some(path) => {
                let env =
                    Env { input: &effective, context: &Value::Null, variables: &**scope, rng: &mut self.rng };
                env.resolve(path)
                    .map_err(|miss| runtime(format!("Invalid path '{}' : {}", path.text(), miss.message)))
            }
        };
        let items = match items {
            Ok(Value::Array(items)) => items,
            Ok(other) => {
                let e = runtime(format!("Map state input must be an array but was: {}", other.to_json()));
                return self.fail_state(tid, visit, e);
            }
            Err(e) => return self.fail_state(tid, visit, e),
        };
        let limits = self
            .count(&map.max_concurrency, &effective, scope, "MaxConcurrencyPath", false)
            .and_then(|c| {
                Ok((
                    c,
                    self.count(
                        &map.tolerated_failure_count,
                        &effective,
                        scope,
                        "ToleratedFailureCountPath",
                        false,
                    )?,
                ))
            })
            .and_then(|(c, t)| {
                Ok((
                    c,
                    t,
                    self.count(
                        &map.tolerated_failure_percentage,
                        &effective,
                        scope,
                        "ToleratedFailurePercentagePath",
                        true,
                    )?,
                ))
            });
        let (max_concurrency, tolerated_count, tolerated_percentage) = match limits {
            Ok(l) => l,
            Err(e) => return self.fail_state(tid, visit, e),
        };
        if tolerated_count.is_some_and(|c| c < 0.0) {
            return self.fail_state(tid, visit, runtime("ToleratedFailureCount cannot be negative.".into()));
        }
        if tolerated_percentage.is_some_and(|p| !(0.0..=100.0).contains(&p)) {
            return self.fail_state(
                tid,
                visit,
                runtime("ToleratedFailurePercentage must be between 0 and 100.".into()),
            );
        }
        // Each child's input: ItemSelector over the item (with $$.Map.Item), or the item itself.
        let mut inputs = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            let input = match &map.item_selector {
                None => item.clone(),
                Some(selector) => {
                    let mut context = match self.context(tid, &visit, state, None) {
                        Value::Object(o) => (*o).clone(),
                        _ => {
                            let mut ctx = Map::new();
                            ctx.insert("Execution".into(), self.context_execution.clone());
                            ctx.insert("StateMachine".into(), self.context_machine.clone());
                            ctx
                        }
                    };
                    context.insert(
                        "Map".into(),
                        Value::from_pairs([(
                            "Item",
                            Value::from_pairs([
                                ("Index", Value::from_i64(index as i64)),
                                ("Value", item.clone()),
                            ]),
                        )]),
                    );
                    let context = Value::object(context);
                    match self.eval_template(Some(selector), &effective, &context, scope) {
                        Ok(v) => v,
                        Err(e) => return self.fail_state(tid, visit, e),
                    }
                }
            };
            inputs.push(input);
        }
        let inputs = match &map.batcher {
            None => inputs,
            Some(batcher) => match self.batch(inputs, batcher, &effective, scope) {
                Ok(b) => b,
                Err(e) => return self.fail_state(tid, visit, e),
            },
        };
        self.emit(tid, EventKind::MapStateStarted { length: inputs.len() });
        let cursor = self.threads[tid].cursor;
        let mut children = Children {
            threads: Vec::with_capacity(inputs.len()),
            results: vec![None; inputs.len()],
            pending: VecDeque::new(),
            running: 0,
            failed: 0,
            tolerated_count,
            tolerated_percentage,
            last_child_event: cursor,
            is_map: true,
        };
        let limit = match max_concurrency {
            Some(c) if c >= 1.0 => c as usize,
            _ => usize::MAX,
        };
        for (index, input) in inputs.into_iter().enumerate() {
            let child = self.spawn(
                tid,
                map.processor.clone(),
                index,
                Some(index),
                Some(state.name.clone()),
                input,
                cursor,
            );
            children.threads.push(child);
            if index < limit {
                children.running += 1;
            } else {
                children.pending.push_back(index);
            }
        }
        let first: Vec<usize> = children.threads[..children.running].to_vec();
        self.threads[tid].step = Step::Children(visit, children);
        for &child in &first {
            self.map_iteration_started(child);
        }
        for &child in first.iter().rev() {
            self.ready.push_front(child);
        }
        let Step::Children(visit, children) = std::mem::replace(&mut self.threads[tid].step, Step::Done)
        else {
            return;
        };
        if children.threads.is_empty() {
            self.threads[tid].step = Step::ChildrenDone(visit, children);
        } else {
            self.threads[tid].step = Step::Children(visit, children);
        }
    }

    /// Groups Map items into batches: `{"Items": [...], "BatchInput": ...}` per child (ItemBatcher).
    fn batch(
        &mut self,
        items: Vec<Value>,
        batcher: &crate::model::ItemBatcher,
        input: &Value,
        scope: &Rc<Scope>,
    ) -> Result<Vec<Value>, EvalError> {
        let max_items = self.count(&batcher.max_items, input, scope, "MaxItemsPerBatchPath", false)?;
        let max_bytes = self.count(&batcher.max_bytes, input, scope, "MaxInputBytesPerBatchPath", false)?;
        let batch_input = match &batcher.batch_input {
            Some(t) => Some(self.eval_template(Some(t), input, &Value::Null, scope)?),
            None => None,
        };
        let max_items = max_items.map_or(usize::MAX, |n| (n as usize).max(1));
        let max_bytes = max_bytes.map_or(usize::MAX, |n| n as usize);
        let mut batches = Vec::new();
        let mut current: Vec<Value> = Vec::new();
        let mut bytes = 0;
        for item in items {
            let size = item.json_len() + 1;
            if !current.is_empty() && (current.len() >= max_items || bytes + size > max_bytes) {
                batches.push(std::mem::take(&mut current));
                bytes = 0;
            }
            bytes += size;
            current.push(item);
        }
        if !current.is_empty() {
            batches.push(current);
        }
        Ok(batches
            .into_iter()
            .map(|items| {
                let mut m = Map::new();
                if let Some(b) = &batch_input {
                    m.insert("BatchInput".into(), b.clone());
                }
                m.insert("Items".into(), Value::array(items));
                Value::object(m)
            })
            .collect())
    }

    fn map_iteration_started(&mut self, child: usize) {
        let (Some(name), Some(index)) =
            (self.threads[child].map_state_name.clone(), self.threads[child].map_index)
        else {
            return;
        };
        let parent = self.threads[child].parent.unwrap_or(0);
        let prev = match &self.threads[parent].step {
            Step::Children(_, c) => c.last_child_event,
            _ => self.threads[parent].cursor,
        };
        let id = self.push_event(prev, EventKind::MapIterationStarted { name, index });
        self.threads[child].cursor = id;
    }

    fn child_finished(&mut self, parent: usize, child: usize, result: Result<Value, Failure>) {
        let slot = self.threads[child].slot;
        let child_cursor = self.threads[child].cursor;
        let iteration = self.threads[child].map_state_name.clone().zip(self.threads[child].map_index);
        let Step::Children(_, children) = &mut self.threads[parent].step else { return };
        children.running = children.running.saturating_sub(1);
        let mut start_next = None;
        let mut fail_now = None;
        match result {
            Ok(output) => {
                children.results[slot] = Some(output);
                children.last_child_event = child_cursor;
                if let Some((name, index)) = iteration {
                    let id = self.events.len() as u64 + 1;
                    self.events.push(Event {
                        id,
                        previous_event_id: child_cursor,
                        at_ms: self.now,
                        kind: EventKind::MapIterationSucceeded { name, index },
                    });
                }
            }
            Err(failure) => {
                children.failed += 1;
                children.last_child_event = child_cursor;
                let total = children.results.len() as f64;
                let tolerated = children.tolerated_count.is_some_and(|c| children.failed as f64 <= c)
                    || children
                        .tolerated_percentage
                        .is_some_and(|p| children.failed as f64 * 100.0 / total <= p);
                let breached = children.tolerated_count.is_some() || children.tolerated_percentage.is_some();
                children.results[slot] = Some(failure.error_output());
                if failure.fatal || !tolerated {
                    let failure = if breached && !failure.fatal {
                        Failure::new(
                            "States.ExceedToleratedFailureThreshold",
                            Some("The specified tolerated failure threshold was exceeded".into()),
                        )
                    } else {
                        failure
                    };
                    fail_now = Some(failure);
                }
                if let Some((name, index)) = iteration.clone() {
                    let id = self.events.len() as u64 + 1;
                    self.events.push(Event {
                        id,
                        previous_event_id: child_cursor,
                        at_ms: self.now,
                        kind: EventKind::MapIterationFailed { name, index },
                    });
                }
            }
        }
        let Step::Children(_, children) = &mut self.threads[parent].step else { return };
        if fail_now.is_none() {
            if let Some(next) = children.pending.pop_front() {
                children.running += 1;
                start_next = Some(children.threads[next]);
            }
        }
        if let Some(failure) = fail_now {
            let Step::Children(visit, children) =
                std::mem::replace(&mut self.threads[parent].step, Step::Done)
            else {
                return;
            };
            self.abort_children(&children);
            let (error, cause) = (failure.error.clone(), failure.cause.clone());
            let kind = if children.is_map {
                EventKind::MapStateFailed { error, cause }
            } else {
                EventKind::ParallelStateFailed { error, cause }
            };
            let id = self.push_event(children.last_child_event, kind);
            self.threads[parent].cursor = id;
            self.handle_failure(parent, visit, failure);
            self.ready.push_front(parent);
            return;
        }
        if let Some(next) = start_next {
            self.map_iteration_started(next);
            self.ready.push_front(next);
        } else if children.running == 0 && children.pending.is_empty() {
            let Step::Children(visit, children) =
                std::mem::replace(&mut self.threads[parent].step, Step::Done)
            else {
                return;
            };
            self.threads[parent].step = Step::ChildrenDone(visit, children);
            self.ready.push_front(parent);
        }
    }

    /// Ends every unfinished child (and its children), closing their tokens.
    fn abort_children(&mut self, children: &Children) {
        for &child in &children.threads {
            let step = std::mem::replace(&mut self.threads[child].step, Step::Done);
            let started = !children.pending.contains(&self.threads[child].slot);
            match step {
                Step::Done => continue,
                Step::Task(visit, wait) => {
                    self.close_token(&wait);
                    let name = self.threads[child].graph.states[visit.state].name.clone();
                    self.emit(child, EventKind::TaskStateAborted { name });
                }
                Step::Children(_, grandchildren) => self.abort_children(&grandchildren),
                _ => {}
            }
            if started {
                if let Some((name, index)) =
                    self.threads[child].map_state_name.clone().zip(self.threads[child].map_index)
                {
                    let prev = self.threads[child].cursor;
                    self.push_event(prev, EventKind::MapIterationAborted { name, index });
                }
            }
            self.ready.retain(|&t| t != child);
        }
    }

    fn children_done(&mut self, tid: usize, visit: Visit, children: Children) {
        let graph = self.threads[tid].graph.clone();
        let state = &graph.states[visit.state];
        let kind =
            if children.is_map { EventKind::MapStateSucceeded } else { EventKind::ParallelStateSucceeded };
        // AWS writes ...StateSucceeded and the following ...StateExited both after the last child event.
        self.push_event(children.last_child_event, kind);
        self.threads[tid].cursor = children.last_child_event;
        let result = Value::array(children.results.into_iter().map(Option::unwrap_or_default).collect());
        let scope = self.threads[tid].scope.clone();
        let context = self.context(tid, &visit, state, None);
        match self.eval_template(state.result_selector.as_ref(), &result, &context, &scope) {
            Ok(selected) => self.complete(tid, visit, selected, &context),
            Err(e) => self.fail_state(tid, visit, e),
        }
    }
}

fn exited(state: &State, output: Value, assigned: Option<Assigned>) -> EventKind {
    EventKind::StateExited { state_type: state.type_name(), name: state.name.clone(), output, assigned }
}
