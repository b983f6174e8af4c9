//! One execution of a state machine, on a virtual clock.
//!
//! The execution is a set of *threads*: the top-level one, one per Parallel branch and one per Map
//! iteration. A thread runs states until it must wait (for an integration, a task token, a Wait
//! state, a retry delay or its children), then the next ready thread runs. Children run before
//! their later siblings, depth first, so histories read in a natural order and replay exactly.
//! AWS interleaves concurrent iterations differently from run to run; Baton's one fixed order is
//! a known difference (the README's "Known differences from AWS").
//!
//! Nothing here reads a clock or a random source of its own. The host (the simulated world, the
//! CLI, the browser) drives it with commands: [`Execution::resolve`] for an integration's answer,
//! [`Execution::send_task_success`] and friends for task tokens, and [`Execution::advance_to`] for
//! time. Integration calls leave as [`Effect`]s. Everything that happened is in [`Execution::history`].
//!
//! Whatever the definition and its input, an execution ends, and holds bounded memory on the way.
//! AWS's own limits do most of it (ASL-SEMANTICS §10): 25,000 history events, checked before each
//! state is entered and each retry; 256 KiB for the input and every state's result and output;
//! 32,768 characters for a cause. Where a host lifts a limit AWS has, or AWS would keep more than
//! a browser tab can, Baton's budgets ([`HISTORY_EVENTS_CEILING`],
//! [`StartOptions::max_history_bytes`]) end the execution with a cause that names them.
//!
//! This file holds the execution, its commands and the scheduler; `states` the work of each state
//! type, `tasks` Task states and tokens, `errors` Retry and Catch, `branches` Parallel and Map, and
//! `api` the types the outside world sees.

mod api;
mod branches;
mod errors;
mod query;
mod states;
mod tasks;
pub mod test_state;

pub use api::{ApiError, DataFlow, Deadline, Effect, Failure, OpenTask, Outcome, Status};

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::rc::Rc;

use crate::dataflow;
use crate::env::{Env, EvalError, Variables};
use crate::error_name::ErrorName;
use crate::history::{Assigned, Event, EventKind, TaskResource};
use crate::model::{
    Count, Graph, MapState, Pattern, Resource, ResourceKind, Seconds, Source, State, StateKind, StateMachine,
    WaitFor,
};
use crate::rng::Rng;
use crate::time::LAST_EPOCH_MS;
use crate::value::{Map, Value};

/// Virtual milliseconds since the execution started.
pub type Millis = u64;

/// `seconds` after `now`, saturating: user-supplied durations can be absurd but never overflow.
fn after(now: Millis, seconds: u64) -> Millis {
    now.saturating_add(seconds.saturating_mul(1000))
}

/// AWS's limit on how long a STANDARD execution may run: one year.
const MAX_EXECUTION_MS: Millis = 365 * 24 * 3600 * 1000;
/// AWS's limit on a STANDARD execution's history (ASL-SEMANTICS §10).
pub const MAX_HISTORY_EVENTS: usize = 25_000;
/// AWS's limit on state payloads (ASL-SEMANTICS §10).
pub const MAX_PAYLOAD_BYTES: usize = 262_144;
/// AWS's limits on the error name and cause of a failure, as the history and SendTaskFailure and
/// StopExecution take them (ASL-SEMANTICS §1.3, §3.2), in characters.
pub const MAX_ERROR_CHARS: usize = 256;
pub const MAX_CAUSE_CHARS: usize = 32_768;
/// Baton's ceiling on history events and retry attempts, kept when `max_history_events: None`
/// lifts AWS's 25,000: a benchmark may loop longer than AWS allows, not forever. A deliberate
/// difference (AWS has no such setting to lift); far above any history AWS would keep.
pub const HISTORY_EVENTS_CEILING: usize = 1_000_000;
/// Baton's default bound on the memory the history's payloads hold (see
/// [`StartOptions::max_history_bytes`]).
pub const HISTORY_BYTES_BUDGET: usize = 512 << 20;
/// The longest delay AWS lets a Wait state wait: a Wait about 24,855 days (2^31 seconds) ahead
/// fails with `Wait state delay is too long.` (recorded, ASL-SEMANTICS §8.2; the boundary was
/// probed, not pinned to the second).
const MAX_WAIT_SECONDS: u64 = i32::MAX as u64;

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
    /// AWS fails a STANDARD execution whose history reaches 25,000 events (ASL-SEMANTICS §10).
    /// `None` lifts the limit, for benchmarks that loop longer than AWS would allow.
    pub max_history_events: Option<usize>,
    /// Keep a [`DataFlow`] per state visit (the app's data-flow view); off by default.
    pub record_data_flow: bool,
    /// A host setting, not an AWS one: the execution fails once its history holds about this many
    /// bytes of data (payloads, causes and the events themselves, each shared value counted once).
    /// AWS stores 25,000 events of 256 KiB each; a browser tab cannot, and a loop that builds a
    /// fresh large value every turn gets there in seconds.
    pub max_history_bytes: usize,
    /// AWS's 256 KiB limit on the execution input, every state's result and output (ASL-SEMANTICS
    /// §10). `None` lifts it, for benchmarks whose data AWS would refuse (a Map over 10,000 items
    /// whose result is 460 kB); nothing else should.
    pub max_payload_bytes: Option<usize>,
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
            max_history_events: Some(MAX_HISTORY_EVENTS),
            record_data_flow: false,
            max_history_bytes: HISTORY_BYTES_BUDGET,
            max_payload_bytes: Some(MAX_PAYLOAD_BYTES),
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

/// Variables of one scope: the top level, a Parallel branch or a Map iteration.
#[derive(Debug, Default)]
struct Scope {
    parent: Option<Rc<Scope>>,
    vars: RefCell<Map>,
}

impl Scope {
    /// Every variable visible here, outer scopes first (inner ones shadow them).
    fn visible(&self) -> Map {
        let mut all = self.parent.as_ref().map(|p| p.visible()).unwrap_or_default();
        for (k, v) in self.vars.borrow().iter() {
            all.insert(k.clone(), v.clone());
        }
        all
    }
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
    /// This visit's entry in the data-flow record, when recording.
    flow: Option<usize>,
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
    /// The last `MapIterationSucceeded`/`MapIterationFailed`: AWS's MapStateSucceeded and the
    /// MapStateExited after it both point at it (recorded, e.g. `test_map_state_nested`).
    last_iteration_end: Option<u64>,
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
    /// False inside a distributed Map's iterations: AWS runs them as child executions, whose
    /// events are not in the parent's history (ASL-SEMANTICS §3.3).
    recorded: bool,
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
    /// The event that issued the token (TaskScheduled or ActivityScheduled).
    scheduled_event: u64,
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
    /// States one command may enter or retry before it returns (see [`Execution::set_step_limit`]).
    step_limit: Option<u64>,
    steps_left: u64,
    data_flow: Vec<DataFlow>,
    /// State entries and retry attempts so far: a retry whose state fails before writing an event
    /// still counts toward [`HISTORY_EVENTS_CEILING`].
    attempts: usize,
    /// What the history holds, by [`crate::history::EventKind::remember`]'s measure.
    history_bytes: usize,
    /// Set when the execution runs one state for [`test_state`]: how that state ended.
    test: Option<Box<test_state::TestRun>>,
    /// The JSON sizes of the values the history holds (by address: every one of them lives in an
    /// event for as long as the execution does, so no address is reused). A state's output is
    /// mostly its input's parts, so checking it against 256 KiB walks only what is new.
    sizes: crate::value::Sizes,
}

impl Execution {
    /// StartExecution: refuses an input over 256 KiB as AWS does, else [`Execution::start`].
    pub fn try_start(
        machine: Rc<StateMachine>,
        input: Value,
        options: StartOptions,
    ) -> Result<Execution, ApiError> {
        Execution::check_input(&input, &options)?;
        Ok(Execution::start(machine, input, options))
    }

    /// What StartExecution checks of its input: at most 262,144 bytes of JSON (the API's length
    /// constraint, ASL-SEMANTICS §10). AWS answers a longer one with its generic validation error
    /// (the message's form is inferred from other fields', ASL-SEMANTICS §1.3).
    pub fn check_input(input: &Value, options: &StartOptions) -> Result<(), ApiError> {
        match options.max_payload_bytes {
            Some(max) if input.json_len() > max => Err(ApiError::too_long("input", &input.to_json(), max)),
            _ => Ok(()),
        }
    }

    /// Starts an execution: records ExecutionStarted and runs until the first wait.
    ///
    /// A host should refuse an input over 256 KiB first ([`Execution::try_start`]), as AWS refuses
    /// it. Given one here anyway, the execution fails with `States.DataLimitExceeded` before its
    /// first state: this constructor cannot refuse, and must not run what AWS never would.
    pub fn start(machine: Rc<StateMachine>, input: Value, options: StartOptions) -> Execution {
        let graph = machine.graph.clone();
        let mut exec = Execution::idle(machine, &input, options);
        // The execution also times out when the calendar RFC 3339 can write runs out, so no event
        // is ever stamped after 9999-12-31T23:59:59.999Z. AWS cannot get there; a simulated clock
        // that starts late in 9999 can.
        let calendar_left = LAST_EPOCH_MS.saturating_sub(exec.options.start_epoch_ms);
        let timeout = exec
            .machine
            .timeout_seconds
            .map_or(MAX_EXECUTION_MS, |s| s.saturating_mul(1000).min(MAX_EXECUTION_MS))
            .min(calendar_left);
        exec.add_timer(timeout, Timer::ExecutionTimeout);
        let refused = exec.oversized(&input).map(|max| {
            format!(
                "The execution input is {} bytes; StartExecution accepts at most {max}.",
                input.json_len()
            )
        });
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
            recorded: true,
        });
        if let Some(cause) = refused {
            let failure = Failure { fatal: true, ..Failure::new(ErrorName::DataLimitExceeded, Some(cause)) };
            exec.finish_execution(0, Err(failure));
            return exec;
        }
        exec.ready.push_back(0);
        exec.run();
        exec
    }

    /// An execution that has recorded ExecutionStarted and has no thread, timer or step yet.
    fn idle(machine: Rc<StateMachine>, input: &Value, options: StartOptions) -> Execution {
        let start_time = Value::from(crate::history::iso8601(options.start_epoch_ms));
        let context_execution = Value::from_pairs([
            ("Id", Value::from(options.execution_arn())),
            ("Input", input.clone()),
            ("StartTime", start_time),
            ("Name", Value::from(options.execution_name.clone())),
            ("RoleArn", Value::from(options.role_arn.clone())),
            // AWS's 2023 recordings lack RedriveCount, the later ones have it: two conformance
            // histories recorded in 2023 differ (crates/sim/tests/known-history-differences.txt).
            ("RedriveCount", Value::from_i64(0)),
        ]);
        let context_machine = Value::from_pairs([
            ("Id", Value::from(options.state_machine_arn())),
            ("Name", Value::from(options.state_machine_name.clone())),
        ]);
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
            data_flow: Vec::new(),
            attempts: 0,
            history_bytes: 0,
            sizes: Default::default(),
            test: None,
        };
        let role_arn: Rc<str> = exec.options.role_arn.as_str().into();
        exec.push_event(0, EventKind::ExecutionStarted { input: input.clone(), role_arn });
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

    /// Each state visit's data flow, in visit order (empty unless `record_data_flow` was set).
    pub fn data_flow(&self) -> &[DataFlow] {
        &self.data_flow
    }

    /// Integration calls made since the last call of this method.
    pub fn take_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.effects)
    }

    /// Tasks whose tokens are open, oldest first.
    pub fn open_tasks(&self) -> Vec<OpenTask> {
        if self.status != Status::Running {
            return Vec::new(); // an ended execution has closed every token
        }
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
        crate::sort::by_key(&mut out, |t| t.opened_at);
        out
    }

    /// Whether `token` was ever issued by this execution.
    pub fn knows_token(&self, token: &str) -> bool {
        self.tokens.contains_key(token)
    }

    /// The id of the event that issued `token`, if this execution issued it.
    pub fn token_issued_by(&self, token: &str) -> Option<u64> {
        self.tokens.get(token).map(|entry| entry.scheduled_event)
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

    /// Answers an integration call. A callback (`.waitForTaskToken`) task takes one answer, the
    /// submission's response; a `.sync` task takes two, the submission's response and then the
    /// job's result.
    pub fn resolve(&mut self, invocation: u64, outcome: Outcome) {
        let Some(&tid) = self.invocations.get(&invocation) else { return };
        let Step::Task(_, wait) = &self.threads[tid].step else { return };
        if wait.invocation != invocation || self.status != Status::Running {
            return;
        }
        let (flavour, pattern, started) = (wait.flavour, wait.pattern, wait.started);
        match outcome {
            Outcome::Throw { error, cause } => {
                let failure = Failure::reported(error, cause);
                self.task_failed(tid, failure);
            }
            // A callback or `.sync` task's first answer is the integration's response to the
            // submission (TaskSubmitted); a callback then waits for its token, a `.sync` task
            // for the integration's second answer, the job's result (ASL-SEMANTICS §3.3).
            Outcome::Return(_)
                if pattern == Pattern::WaitForTaskToken && flavour == Flavour::Service && started =>
            {
                return;
            }
            Outcome::Return(value)
                if pattern != Pattern::RequestResponse && flavour == Flavour::Service && !started =>
            {
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
        wait.timeout_at = wait.timeout_seconds.map(|s| after(now, s));
        wait.heartbeat_at = wait.heartbeat_seconds.map(|s| after(now, s));
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
        check_error_and_cause(error, cause)?;
        let tid = self.open_token(token)?;
        let failure = Failure::reported(error.map(String::from), cause.map(String::from));
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
                    // A second heartbeat at the same instant moves nothing: its timer is set.
                    (Some(s), true) if wait.heartbeat_at != Some(after(now, s)) => {
                        wait.heartbeat_at = Some(after(now, s));
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

    /// StopExecution: the execution ends ABORTED and every open token closes. The error and cause
    /// have the lengths SendTaskFailure allows (the API's constraints, ASL-SEMANTICS §3.2).
    pub fn stop(&mut self, error: Option<&str>, cause: Option<&str>) -> Result<(), ApiError> {
        check_error_and_cause(error, cause)?;
        if self.status != Status::Running {
            return Err(ApiError {
                code: "ExecutionDoesNotExist",
                message: format!("Execution Does Not Exist: '{}'", self.options.execution_arn()),
            });
        }
        self.close_all_tokens();
        self.status = Status::Aborted;
        let error = error.map(ErrorName::parse);
        self.failure = error.clone().map(|e| Failure::new(e, cause.map(String::from)));
        let kind = EventKind::ExecutionAborted { error, cause: cause.map(Into::into) };
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
                let kind = EventKind::ExecutionTimedOut { error: Some(ErrorName::Timeout), cause: None };
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

    /// Bounds how many states one command may enter or retry: an endless loop of Pass and Choice
    /// states would otherwise never return and freeze a browser tab. When the bound is reached the
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
                Step::Attempt(visit) if self.steps_left == 0 => {
                    self.threads[tid].step = Step::Attempt(visit);
                    self.ready.push_front(tid);
                    return;
                }
                // Entering a state and retrying one are the two ways an execution goes on
                // without end (a loop, a retrier with 99999999 attempts): both check the budgets.
                Step::Enter(..) | Step::Attempt(..) if self.exhausted_budget().is_some() => {
                    let cause = self.exhausted_budget();
                    let failure = Failure { fatal: true, ..Failure::new(ErrorName::Runtime, cause) };
                    return self.finish_execution(tid, Err(failure));
                }
                Step::Enter(state, input) => {
                    self.steps_left -= 1;
                    self.attempts += 1;
                    self.enter(tid, state, input)
                }
                Step::Attempt(visit) => {
                    self.steps_left -= 1;
                    self.attempts += 1;
                    self.attempt(tid, visit)
                }
                Step::ChildrenDone(visit, children) => self.children_done(tid, visit, children),
                other => {
                    self.threads[tid].step = other;
                    return;
                }
            }
        }
    }

    /// Updates the data-flow record of `visit`, when recording.
    fn record(&mut self, visit: &Visit, f: impl FnOnce(&mut DataFlow)) {
        if let Some(flow) = visit.flow.and_then(|i| self.data_flow.get_mut(i)) {
            f(flow);
        }
    }

    /// Writes the `...StateExited` event (and the data-flow record's end).
    fn exit_state(
        &mut self,
        tid: usize,
        visit: &Visit,
        state: &State,
        output: Value,
        assigned: Option<Assigned>,
    ) {
        let recording = visit.flow.is_some();
        let kept = if recording { Some((output.clone(), assigned.clone())) } else { None };
        let id = self.emit(tid, states::exited(state, output, assigned));
        if let Some((output, assigned)) = kept {
            self.record(visit, |f| {
                f.output = Some(output);
                f.assigned = assigned;
                f.exited_event = Some(id);
            });
        }
    }

    /// Why the execution may not go on, if a limit is reached: AWS's history limit, or one of
    /// Baton's budgets, each named in the cause so the user knows which.
    fn exhausted_budget(&self) -> Option<String> {
        if let Some(max) = self.options.max_history_events.filter(|&max| self.events.len() >= max) {
            // The error name is AWS's generic one; the text is AWS's (seen in users' reports, e.g.
            // github.com/aws-samples/aws-organizations-tag-inventory/issues/16).
            return Some(format!("The execution reached the maximum number of history events ({max})."));
        }
        if self.events.len().max(self.attempts) >= HISTORY_EVENTS_CEILING {
            return Some(format!(
                "The execution reached Baton's ceiling of {HISTORY_EVENTS_CEILING} history events or state attempts. \
                 It applies even when maxHistoryEvents is null (AWS stops at {MAX_HISTORY_EVENTS} events)."
            ));
        }
        if self.history_bytes >= self.options.max_history_bytes {
            return Some(format!(
                "The execution's history holds more than {} bytes of data, Baton's memory budget \
                 (not an AWS limit: AWS would keep up to {MAX_HISTORY_EVENTS} events of up to {MAX_PAYLOAD_BYTES} bytes each).",
                self.options.max_history_bytes
            ));
        }
        None
    }

    /// The payload limit `value` breaks, if it breaks it (and the limit is not lifted).
    fn oversized(&self, value: &Value) -> Option<usize> {
        self.options.max_payload_bytes.filter(|&max| value.json_len_with(&self.sizes) > max)
    }

    fn push_event(&mut self, previous_event_id: u64, kind: EventKind) -> u64 {
        self.history_bytes = self.history_bytes.saturating_add(kind.remember(&mut self.sizes));
        let id = self.events.len() as u64 + 1;
        self.events.push(Event { id, previous_event_id, at_ms: self.now, kind });
        id
    }

    /// Records an event of `tid`'s thread, unless the thread runs in a distributed Map's child
    /// execution; then the event is not in this history and the answer is `previous_event_id`.
    fn push_for(&mut self, tid: usize, previous_event_id: u64, kind: EventKind) -> u64 {
        match self.threads[tid].recorded {
            true => self.push_event(previous_event_id, kind),
            false => previous_event_id,
        }
    }

    /// Records an event in `tid`'s thread and moves the thread's cursor to it.
    fn emit(&mut self, tid: usize, kind: EventKind) -> u64 {
        let id = self.push_for(tid, self.threads[tid].cursor, kind);
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
            Value::from(crate::history::iso8601(
                self.options.start_epoch_ms.saturating_add(visit.entered_at),
            )),
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
        // AWS puts the state on the causes it writes itself: path misses and JSONata failures.
        if failure.fatal || failure.error == Some(ErrorName::QueryEvaluationError) {
            let cause = failure.cause.as_deref().unwrap_or("");
            failure.cause = Some(api::capped_cause(format!(
                "An error occurred while executing the state '{name}' (entered at the event id #{}). {cause}",
                visit.entered_id
            )));
        }
        failure
    }
}

/// The length checks SendTaskFailure and StopExecution share (ASL-SEMANTICS §1.3, §3.2).
fn check_error_and_cause(error: Option<&str>, cause: Option<&str>) -> Result<(), ApiError> {
    if let Some(e) = error.filter(|e| e.chars().count() > MAX_ERROR_CHARS) {
        return Err(ApiError::too_long("error", e, MAX_ERROR_CHARS));
    }
    if let Some(c) = cause.filter(|c| c.chars().count() > MAX_CAUSE_CHARS) {
        return Err(ApiError::too_long("cause", c, MAX_CAUSE_CHARS));
    }
    Ok(())
}
