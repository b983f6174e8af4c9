//! The app's state: what the user is editing and the execution they are playing with.
//!
//! A `Reducible` with an [`Action`] per user intent. Every action is delegated to the engine
//! (`sim`); the reducer only keeps what the components need to draw, precomputed once per change so
//! that rendering stays cheap. No storage, timers or browser calls here: the reducer is pure and its
//! tests run natively (`cargo test -p baton-web`).

use std::cell::RefCell;
use std::rc::Rc;

use asl::exec::{ApiError, Status};
use asl::Diagnostic;
use yew::Reducible;

use crate::examples::{self, Example};
use crate::participants::{self, Behaviour, TaskInfo};

/// One problem in an editor, located for display (`line 12, column 5: ...`) and for selection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub is_error: bool,
    pub code: String,
    pub message: String,
    /// 1-based.
    pub line: usize,
    /// 1-based.
    pub column: usize,
    /// Byte range in the editor's text.
    pub start: usize,
    pub end: usize,
}

impl Problem {
    fn from_diagnostic(d: &Diagnostic) -> Problem {
        let span = d.span.unwrap_or_default();
        Problem {
            is_error: d.is_error(),
            code: d.code.to_string(),
            message: d.message.clone(),
            line: span.line.max(1),
            column: span.column.max(1),
            start: span.start,
            end: span.end,
        }
    }

    /// `line 12, column 5: message`, the form used in the problems list and in error notices.
    pub fn located(&self) -> String {
        format!("line {}, column {}: {}", self.line, self.column, self.message)
    }
}

/// States one engine command may enter before it yields to the browser (see [`Run::busy`]).
const STEP_LIMIT: u64 = 250;

/// Parses JSON text the way the engine does, so that errors carry a line and column.
fn parse_json(text: &str) -> Result<asl::Value, Problem> {
    asl::source::parse(text).map(|(value, _)| value).map_err(|e| Problem::from_diagnostic(&e.to_diagnostic()))
}

/// The definition's problems, errors first, then by position.
fn check_definition(text: &str) -> Vec<Problem> {
    let mut problems: Vec<Problem> = sim::check(text).iter().map(Problem::from_diagnostic).collect();
    asl::sort::by_key(&mut problems, |p| (!p.is_error, p.start, p.end));
    problems
}

/// An execution's status, as the AWS console names it (plus the callback wait, which is what this
/// tool is about).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunStatus {
    Running,
    WaitingForCallback,
    Succeeded,
    Failed,
    TimedOut,
    Aborted,
}

impl RunStatus {
    pub fn label(self) -> &'static str {
        match self {
            RunStatus::Running => "Running",
            RunStatus::WaitingForCallback => "Waiting for callback",
            RunStatus::Succeeded => "Succeeded",
            RunStatus::Failed => "Failed",
            RunStatus::TimedOut => "Timed out",
            RunStatus::Aborted => "Aborted",
        }
    }

    /// A CSS-friendly name for the status chip's colour.
    pub fn class(self) -> &'static str {
        match self {
            RunStatus::Running => "running",
            RunStatus::WaitingForCallback => "waiting",
            RunStatus::Succeeded => "succeeded",
            RunStatus::Failed => "failed",
            RunStatus::TimedOut => "timed-out",
            RunStatus::Aborted => "aborted",
        }
    }

    pub fn is_finished(self) -> bool {
        !matches!(self, RunStatus::Running | RunStatus::WaitingForCallback)
    }

    /// "Waiting for callback" is the engine's Running while a token is out.
    fn of(status: Status, tokens_out: bool) -> RunStatus {
        match status {
            Status::Running if tokens_out => RunStatus::WaitingForCallback,
            Status::Running => RunStatus::Running,
            Status::Succeeded => RunStatus::Succeeded,
            Status::Failed => RunStatus::Failed,
            Status::TimedOut => RunStatus::TimedOut,
            Status::Aborted => RunStatus::Aborted,
        }
    }
}

/// A task token the execution handed out, open or answered. Closed tokens stay in the inbox so that
/// the user can see what AWS says to a late or duplicate answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenCard {
    pub token: String,
    pub state: String,
    pub attempt: u32,
    /// The Map iteration the task runs in (`$$.Map.Item.Index`), to tell its tokens apart.
    pub map_index: Option<usize>,
    /// Who holds the token: the participant the task was sent to.
    pub holder: String,
    pub opened_at_ms: u64,
    pub heartbeat_due_ms: Option<u64>,
    pub timeout_due_ms: Option<u64>,
    /// Set when the token stopped being open: when, and why.
    pub closed: Option<(u64, String)>,
    /// Why the last answer typed for this token was not sent (invalid JSON output, located).
    pub rejected_output: Option<String>,
}

/// The result of the last call the user made as the external system.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallOutcome {
    pub action: &'static str,
    pub ok: bool,
    /// `TaskTimedOut: Task Timed Out: '...'` on failure, a short confirmation on success.
    pub text: String,
}

/// A started execution and everything drawn from it.
///
/// The world is shared, not copied, between the states a reducer produces (it cannot be cloned);
/// everything the components read is copied out of it after each change, so an older state still
/// draws what it drew.
#[derive(Clone)]
pub struct Run {
    world: Rc<RefCell<sim::World>>,
    /// The definition text that was started; the graph shows it as long as the editor holds it.
    pub definition_text: Rc<str>,
    pub definition_json: Rc<serde_json::Value>,
    pub status: RunStatus,
    pub output: Option<String>,
    pub error: Option<String>,
    pub cause: Option<String>,
    pub now_ms: u64,
    pub upcoming: Rc<Vec<(u64, String)>>,
    pub tokens: Rc<Vec<TokenCard>>,
    pub history: EventLog,
    pub last_call: Option<CallOutcome>,
    /// The step limit paused the engine with work left; the app resumes it on the next tick, so a
    /// runaway loop never freezes the page and "Stop execution" stays clickable.
    pub busy: bool,
    /// Bumped on every change, so components can memoise expensive drawings on it.
    pub revision: u64,
    /// The outcome the scenario promised (`SUCCEEDED`, `FAILED` + error), to say whether it came.
    pub promise: Option<(String, Option<String>)>,
    /// The participants' scenario text the execution started with: a verdict on a promise belongs
    /// to that scenario only, not to one loaded since.
    pub scenario_text: Rc<str>,
}

impl PartialEq for Run {
    fn eq(&self, other: &Run) -> bool {
        self.revision == other.revision && self.history == other.history
    }
}

/// The history in AWS's JSON shape, each event converted once. A history only grows, so every
/// state the reducer produces shares one log and remembers how much of it it has seen: a long
/// execution costs each step only its new events, not a copy of all of them.
#[derive(Clone, Default)]
pub struct EventLog {
    events: Rc<RefCell<Vec<serde_json::Value>>>,
    len: usize,
}

impl EventLog {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Reads the events this snapshot has seen.
    pub fn with<T>(&self, f: impl FnOnce(&[serde_json::Value]) -> T) -> T {
        f(&self.events.borrow()[..self.len])
    }

    fn sync(&mut self, execution: &asl::exec::Execution) {
        let all = execution.history();
        let mut log = self.events.borrow_mut();
        if all.len() < log.len() {
            // Not expected (histories only grow), but never show events that are gone.
            log.clear();
        }
        let epoch = execution.options().start_epoch_ms;
        let seen = log.len();
        log.extend(all[seen..].iter().map(|e| e.to_aws_json(epoch)));
        self.len = log.len();
    }
}

impl PartialEq for EventLog {
    fn eq(&self, other: &EventLog) -> bool {
        Rc::ptr_eq(&self.events, &other.events) && self.len == other.len
    }
}

/// Why tokens that were open before an action are not open after it.
enum Closing<'a> {
    Answered { token: &'a str, how: &'static str },
    Clock,
    Stopped,
}

impl Run {
    fn start(
        definition: &Rc<str>,
        input_text: &str,
        scenario_text: &str,
        number: u64,
    ) -> Result<Run, String> {
        let input = parse_json(input_text).map_err(|p| format!("Execution input: {}", p.located()))?;
        let mut scenario =
            sim::Scenario::from_json(scenario_text).map_err(|e| format!("Participants: {e}"))?;
        let (machine, _warnings) = sim::load(definition).map_err(|diagnostics| {
            let first = diagnostics.iter().find(|d| d.is_error()).or(diagnostics.first());
            match first {
                Some(d) => format!("Definition: {}", Problem::from_diagnostic(d).located()),
                None => "Definition: it cannot be loaded".to_string(),
            }
        })?;
        let definition_json: serde_json::Value =
            serde_json::from_str(definition).map_err(|e| format!("Definition: {e}"))?;
        // The participants' responders and scripted calls come from the scenario; a task without a
        // responder leaves its token to the person at the keyboard.
        let promise = scenario.expect.take().map(|e| (e.status, e.error));
        let options = &mut scenario.context.options;
        options.record_data_flow = true;
        options.step_limit = Some(STEP_LIMIT);
        // Each execution of the session gets its own tokens and name, as on AWS; replayable still.
        options.seed = number;
        options.execution_name = format!("execution-{number}");
        let world = sim::World::start(machine, input, &scenario);
        let mut run = Run {
            world: Rc::new(RefCell::new(world)),
            definition_text: definition.clone(),
            definition_json: Rc::new(definition_json),
            status: RunStatus::Running,
            output: None,
            error: None,
            cause: None,
            now_ms: 0,
            upcoming: Rc::default(),
            tokens: Rc::default(),
            history: EventLog::default(),
            last_call: None,
            busy: false,
            revision: 0,
            promise,
            scenario_text: scenario_text.into(),
        };
        run.refresh(Closing::Clock);
        Ok(run)
    }

    /// Copies what the components show out of the world, after any change to it.
    fn refresh(&mut self, closing: Closing<'_>) {
        let world = self.world.borrow();
        // A finished execution holds no open token, whatever its threads still say.
        let open = if world.status() == Status::Running { world.open_tasks() } else { Vec::new() };
        self.status = RunStatus::of(world.status(), !open.is_empty());
        let execution = world.execution();
        self.output = execution.output().map(|v| v.to_json_pretty());
        let failure = execution.failure();
        self.error = failure.and_then(|f| f.error.as_deref().map(str::to_string));
        self.cause = failure.and_then(|f| f.cause.as_deref().map(str::to_string));
        self.now_ms = world.now_ms();
        self.busy = world.is_busy();
        self.upcoming = Rc::new(world.upcoming().into_iter().map(|u| (u.at_ms, u.what)).collect());
        self.history.sync(execution);

        let now = self.now_ms;
        let tokens = Rc::make_mut(&mut self.tokens);
        for card in tokens.iter_mut().filter(|c| c.closed.is_none()) {
            if !open.iter().any(|h| *h.task.token == *card.token) {
                let why = match closing {
                    Closing::Answered { token, how } if token == card.token => how.to_string(),
                    Closing::Stopped => "Execution stopped".to_string(),
                    _ => match (
                        card.timeout_due_ms.filter(|&d| d <= now),
                        card.heartbeat_due_ms.filter(|&d| d <= now),
                    ) {
                        // Whichever deadline passed first is the one that fired.
                        (Some(t), Some(h)) if h < t => "Timed out (States.HeartbeatTimeout)".to_string(),
                        (Some(_), _) => "Timed out (States.Timeout)".to_string(),
                        (None, Some(_)) => "Timed out (States.HeartbeatTimeout)".to_string(),
                        (None, None) => "Closed".to_string(),
                    },
                };
                card.closed = Some((now, why));
            }
        }
        for sim::Holding { task, participant } in open {
            if let Some(card) = tokens.iter_mut().find(|c| *c.token == *task.token) {
                card.heartbeat_due_ms = task.heartbeat_due;
                card.timeout_due_ms = task.timeout_due;
                card.attempt = task.retry_count + 1;
                card.holder = participant.name;
            } else {
                tokens.push(TokenCard {
                    token: task.token.to_string(),
                    state: task.state.to_string(),
                    attempt: task.retry_count + 1,
                    map_index: task.map_index,
                    holder: participant.name,
                    opened_at_ms: task.opened_at,
                    heartbeat_due_ms: task.heartbeat_due,
                    timeout_due_ms: task.timeout_due,
                    closed: None,
                    rejected_output: None,
                });
            }
        }
        drop(world);
        self.revision += 1;
    }

    fn record(&mut self, action: &'static str, result: Result<(), ApiError>, ok_text: String) {
        self.last_call = Some(match result {
            Ok(()) => CallOutcome { action, ok: true, text: ok_text },
            Err(e) => CallOutcome { action, ok: false, text: format!("{}: {}", e.code, e.message) },
        });
    }

    fn card_mut(&mut self, token: &str) -> Option<&mut TokenCard> {
        Rc::make_mut(&mut self.tokens).iter_mut().find(|c| c.token == token)
    }

    fn send_success(&mut self, token: &str, output: &str) {
        if let Err(problem) = parse_json(output) {
            if let Some(card) = self.card_mut(token) {
                card.rejected_output = Some(format!("Not sent: {}", problem.located()));
            }
            self.revision += 1;
            return;
        }
        if let Some(card) = self.card_mut(token) {
            card.rejected_output = None;
        }
        let result = self.world.borrow_mut().send_task_success(token, output);
        self.record("SendTaskSuccess", result, "SendTaskSuccess accepted".into());
        self.refresh(Closing::Answered { token, how: "Answered with SendTaskSuccess" });
    }

    fn send_failure(&mut self, token: &str, error: &str, cause: &str) {
        let error = Some(error.trim()).filter(|e| !e.is_empty());
        let cause = Some(cause).filter(|c| !c.trim().is_empty());
        let result = self.world.borrow_mut().send_task_failure(token, error, cause);
        self.record("SendTaskFailure", result, "SendTaskFailure accepted".into());
        self.refresh(Closing::Answered { token, how: "Answered with SendTaskFailure" });
    }

    fn send_heartbeat(&mut self, token: &str) {
        let result = self.world.borrow_mut().send_task_heartbeat(token);
        self.record("SendTaskHeartbeat", result, "SendTaskHeartbeat accepted".into());
        self.refresh(Closing::Clock);
    }

    fn stop(&mut self) {
        let result = self.world.borrow_mut().stop_execution();
        self.record("StopExecution", result, "StopExecution accepted".into());
        self.refresh(Closing::Stopped);
    }

    fn advance_to_next_deadline(&mut self) -> bool {
        if !self.world.borrow_mut().advance_to_next_deadline() {
            return false;
        }
        self.refresh(Closing::Clock);
        true
    }

    fn resume(&mut self) {
        self.world.borrow_mut().resume();
        self.refresh(Closing::Clock);
    }

    fn advance_by(&mut self, ms: u64) {
        self.world.borrow_mut().advance_by(ms);
        self.refresh(Closing::Clock);
    }

    /// Reads the world, for drawings that need more than the copied fields.
    pub fn with_world<T>(&self, f: impl FnOnce(&sim::World) -> T) -> T {
        f(&self.world.borrow())
    }

    /// Whether the clock has anything left to fire.
    pub fn has_deadline(&self) -> bool {
        !self.upcoming.is_empty()
    }

    /// Which execution of the session this is (1, 2, ...): tells runs apart.
    pub fn execution_number(&self) -> u64 {
        self.with_world(|w| w.execution().options().seed)
    }

    /// The status as AWS names it in `DescribeExecution` (`SUCCEEDED`, `TIMED_OUT`...).
    pub fn aws_status(&self) -> &'static str {
        match self.status {
            RunStatus::Running | RunStatus::WaitingForCallback => "RUNNING",
            RunStatus::Succeeded => "SUCCEEDED",
            RunStatus::Failed => "FAILED",
            RunStatus::TimedOut => "TIMED_OUT",
            RunStatus::Aborted => "ABORTED",
        }
    }

    /// Once finished: whether the run ended as its scenario promised (`None` without a promise).
    pub fn kept_promise(&self) -> Option<bool> {
        let (status, error) = self.promise.as_ref().filter(|_| self.status.is_finished())?;
        Some(status == self.aws_status() && (error.is_none() || *error == self.error))
    }

    /// What each visit of `state` did to its data, in visit order.
    pub fn visits(&self, state: &str) -> Vec<asl::exec::DataFlow> {
        self.with_world(|w| {
            w.execution().data_flow().iter().filter(|d| &*d.state == state).cloned().collect()
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoticeKind {
    Info,
    Warning,
    Error,
}

/// A message across the top of the workspace, dismissed by the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub kind: NoticeKind,
    pub text: String,
    /// Whether an "Undo" button restores the text replaced by loading an example.
    pub can_undo: bool,
}

/// What loading an example replaced: definition, input, scenario and the example they came from.
type Replaced = (Rc<str>, Rc<str>, Rc<str>, Option<&'static str>);

/// Everything the user can do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// The definition's new text; cheap, so that typing stays fast.
    EditDefinition(String),
    /// Run the engine's checks on the definition (dispatched once typing pauses).
    CheckDefinition,
    EditInput(String),
    /// Load an example that is at hand (the app fetches the others first: `examples::load`).
    LoadExample(String),
    UndoLoadExample,
    /// An example was fetched: what shows it (About, the scenarios to play) can now draw it.
    ExampleArrived,
    /// An example could not be fetched (offline, say): the user is told, nothing else changes.
    ExampleUnavailable(String),
    DismissNotice,
    Start,
    Stop,
    SendSuccess {
        token: String,
        output: String,
    },
    SendFailure {
        token: String,
        error: String,
        cause: String,
    },
    SendHeartbeat {
        token: String,
    },
    AdvanceToNextDeadline,
    AdvanceBy(u64),
    /// Go on with an execution the step limit paused (dispatched by the app, not the user).
    Resume,
    /// Replace the participants' scenario JSON (the panel's "Scenario JSON" editor).
    EditScenario(String),
    /// Set what invocation `index` of a Task state's external system does (`Manual` removes it).
    SetResponse {
        state: String,
        index: usize,
        behaviour: Behaviour,
    },
    /// Load one of the current example's scenarios into the participants panel.
    PlayScenario(String),
    /// Select a history event (by id), to find it in the graph and the sequence diagram.
    SelectEvent(Option<u64>),
    /// Open (or close) the details panel of a state.
    ShowState(Option<String>),
}

/// The participants' settings when nobody set any: every token is left to the user.
pub const EMPTY_SCENARIO: &str = "{}";

/// The scenario text's problem, if it is not a usable scenario.
fn check_scenario(text: &str) -> Option<String> {
    sim::Scenario::from_json(text).err().map(|e| e.to_string())
}

/// The Task states of a definition's text (none while it is not JSON).
fn tasks_of_text(text: &str) -> Vec<TaskInfo> {
    serde_json::from_str::<serde_json::Value>(text).map_or(Vec::new(), |v| participants::tasks_of(&v))
}

#[derive(Clone)]
pub struct AppState {
    pub definition: Rc<str>,
    pub input: Rc<str>,
    pub definition_problems: Rc<Vec<Problem>>,
    /// The definition text the engine last checked (`definition_problems`, `tasks`, the graph).
    pub checked_definition: Rc<str>,
    pub input_problems: Rc<Vec<Problem>>,
    pub run: Option<Rc<Run>>,
    pub notice: Option<Notice>,
    /// Executions started in this session, to give each its own tokens and name.
    started: u64,
    /// The example the text came from (even if edited since), for "About this example".
    pub example: Option<&'static str>,
    /// The definition, input and scenario replaced by the last example load, for "Undo".
    replaced: Option<Replaced>,
    /// The participants' settings: scenario JSON, the README's format (persisted as is).
    pub scenario: Rc<str>,
    /// Why `scenario` cannot be used, if it cannot.
    pub scenario_problem: Option<String>,
    /// The scenario parsed (an empty object while it does not parse), for the panel.
    pub scenario_json: Rc<serde_json::Value>,
    /// The definition's Task states, for the participants panel.
    pub tasks: Rc<Vec<TaskInfo>>,
    /// The scenario of the current example last played, by name.
    pub played: Option<String>,
    /// The history event the user selected.
    pub selected_event: Option<u64>,
    /// The state whose details panel is open.
    pub details: Option<String>,
}

impl AppState {
    pub fn new(definition: &str, input: &str, notice: Option<Notice>) -> AppState {
        AppState {
            definition: definition.into(),
            input: input.into(),
            definition_problems: Rc::new(check_definition(definition)),
            checked_definition: definition.into(),
            input_problems: Rc::new(parse_json(input).err().into_iter().collect()),
            run: None,
            notice,
            started: 0,
            example: examples::at_hand().iter().find(|e| e.definition == definition).map(|e| e.slug),
            replaced: None,
            scenario: EMPTY_SCENARIO.into(),
            scenario_problem: None,
            scenario_json: Rc::new(serde_json::json!({})),
            tasks: Rc::new(tasks_of_text(definition)),
            played: None,
            selected_event: None,
            details: None,
        }
    }

    /// Whether the work (definition, input, participants) is not `example` as it comes: loading it
    /// would replace something.
    pub fn differs_from(&self, example: &Example) -> bool {
        *self.definition != *example.definition
            || *self.input != *example.input
            || *self.scenario != *EMPTY_SCENARIO
    }

    /// The same state, remembering that its text came from the example `slug` (saved with the work:
    /// an example that is not at hand yet cannot be recognised by its text).
    pub fn remembering_example(mut self, slug: Option<&str>) -> AppState {
        if let Some(entry) = examples::MENU.iter().find(|e| Some(e.slug) == slug) {
            self.example = Some(entry.slug);
        }
        self
    }

    /// The same state with other participants' settings (scenario JSON text).
    pub fn with_scenario(mut self, text: &str) -> AppState {
        self.set_scenario(text);
        self
    }

    fn set_scenario(&mut self, text: &str) {
        self.scenario_problem = check_scenario(text);
        self.scenario_json = Rc::new(serde_json::from_str(text).unwrap_or_else(|_| serde_json::json!({})));
        self.scenario = text.into();
    }

    /// What "Task output" suggests for a token of `state`: the output the participants' settings or
    /// a scenario of the example answer it with, else an empty object. The example's scenarios speak
    /// only for its own Task states: a state the user added gets no borrowed answer.
    pub fn suggested_output(&self, state: &str) -> String {
        let from = |scenario: &serde_json::Value, any_state: bool| {
            let responders = scenario.get("responders")?.as_object()?;
            let mut lists: Vec<&serde_json::Value> = responders.get(state).into_iter().collect();
            if any_state {
                lists.extend(responders.values());
            }
            lists.into_iter().filter_map(serde_json::Value::as_array).flatten().find_map(|r| {
                match Behaviour::from_json(r) {
                    Some(Behaviour::Success { output, .. }) => Some(output.to_string()),
                    _ => None,
                }
            })
        };
        let example_scenarios: Vec<serde_json::Value> = self
            .example
            .and_then(examples::by_id)
            .filter(|e| tasks_of_text(e.definition).iter().any(|t| t.name == state))
            .map_or(&[][..], |e| e.scenarios)
            .iter()
            .filter_map(|(_, text)| serde_json::from_str(text).ok())
            .collect();
        from(&self.scenario_json, false)
            .or_else(|| example_scenarios.iter().find_map(|s| from(s, false)))
            .or_else(|| example_scenarios.iter().find_map(|s| from(s, true)))
            .unwrap_or_else(|| "{}".to_string())
    }

    pub fn with_example(example: &'static Example) -> AppState {
        AppState { example: Some(example.slug), ..AppState::new(example.definition, example.input, None) }
    }

    pub fn error_count(&self) -> usize {
        self.definition_problems.iter().filter(|p| p.is_error).count()
    }

    /// Why "Start execution" is disabled, if it is.
    pub fn start_blocker(&self) -> Option<String> {
        match (self.error_count(), self.input_problems.is_empty()) {
            (0, true) if self.scenario_problem.is_some() => {
                Some("Fix the participants' scenario JSON to start".into())
            }
            (0, true) => None,
            (0, false) => Some("Fix the execution input to start".into()),
            (1, _) => Some("Fix 1 error in the definition to start".into()),
            (n, _) => Some(format!("Fix {n} errors in the definition to start")),
        }
    }

    /// Whether the run shown was started from the text now in the editor.
    pub fn run_matches_editor(&self) -> bool {
        self.run.as_ref().is_some_and(|run| run.definition_text == self.definition)
    }

    fn run_mut(&mut self) -> Option<&mut Run> {
        self.run.as_mut().map(Rc::make_mut)
    }

    /// Applies `action`; false when nothing changed, so that the reducer can skip the re-render.
    fn apply(&mut self, action: Action) -> bool {
        match action {
            Action::EditDefinition(text) => {
                if *self.definition == *text {
                    return false;
                }
                // The engine checks the text once typing pauses (`CheckDefinition`); until then the
                // problems found move along with the text they are about.
                self.definition_problems = Rc::new(crate::editor::text::shift_problems(
                    &self.definition,
                    &text,
                    &self.definition_problems,
                ));
                self.definition = text.into();
            }
            Action::CheckDefinition => {
                if *self.checked_definition == *self.definition {
                    return false;
                }
                let text = self.definition.clone();
                self.definition_problems = Rc::new(check_definition(&text));
                let tasks = tasks_of_text(&text);
                // While the text is not JSON, keep listing the last states it had.
                let parses = || serde_json::from_str::<serde_json::Value>(&text).is_ok();
                if *self.tasks != tasks && (!tasks.is_empty() || parses()) {
                    self.tasks = Rc::new(tasks);
                }
                self.checked_definition = text;
            }
            Action::EditInput(text) => {
                if *self.input == *text {
                    return false;
                }
                self.input_problems = Rc::new(parse_json(&text).err().into_iter().collect());
                self.input = text.into();
            }
            Action::LoadExample(id) => {
                let Some(example) = examples::by_id(&id) else { return false };
                let replaced =
                    (self.definition.clone(), self.input.clone(), self.scenario.clone(), self.example);
                let changed = self.differs_from(example);
                *self = AppState {
                    run: self.run.take(),
                    started: self.started,
                    ..AppState::with_example(example)
                };
                self.notice = Some(Notice {
                    kind: NoticeKind::Info,
                    text: format!("Loaded the example “{}”.", example.title),
                    can_undo: changed,
                });
                self.replaced = changed.then_some(replaced);
            }
            Action::UndoLoadExample => {
                let Some((definition, input, scenario, example)) = self.replaced.take() else { return false };
                *self = AppState {
                    run: self.run.take(),
                    started: self.started,
                    example,
                    ..AppState::new(&definition, &input, None).with_scenario(&scenario)
                };
            }
            Action::ExampleArrived => {}
            Action::ExampleUnavailable(reason) => {
                self.notice = Some(Notice {
                    kind: NoticeKind::Error,
                    text: format!("Sorry: {reason}."),
                    can_undo: false,
                });
            }
            Action::DismissNotice => {
                if self.notice.take().is_none() {
                    return false;
                }
            }
            Action::Start => {
                match Run::start(&self.definition, &self.input, &self.scenario, self.started + 1) {
                    Ok(run) => {
                        self.started += 1;
                        self.run = Some(Rc::new(run));
                        self.selected_event = None;
                        if self.notice.as_ref().is_some_and(|n| n.kind == NoticeKind::Error) {
                            self.notice = None;
                        }
                    }
                    Err(text) => {
                        self.notice = Some(Notice { kind: NoticeKind::Error, text, can_undo: false });
                    }
                }
            }
            Action::Stop => match self.run_mut() {
                Some(run) if !run.status.is_finished() => run.stop(),
                _ => return false,
            },
            Action::SendSuccess { token, output } => match self.run_mut() {
                Some(run) => run.send_success(&token, &output),
                None => return false,
            },
            Action::SendFailure { token, error, cause } => match self.run_mut() {
                Some(run) => run.send_failure(&token, &error, &cause),
                None => return false,
            },
            Action::SendHeartbeat { token } => match self.run_mut() {
                Some(run) => run.send_heartbeat(&token),
                None => return false,
            },
            Action::AdvanceToNextDeadline => {
                // Cheap check first, so that a no-op does not clone the world.
                if !self.run.as_ref().is_some_and(|run| run.has_deadline()) {
                    return false;
                }
                return self.run_mut().is_some_and(Run::advance_to_next_deadline);
            }
            Action::Resume => match self.run_mut() {
                Some(run) if run.busy => run.resume(),
                _ => return false,
            },
            Action::AdvanceBy(ms) => match self.run_mut() {
                Some(run) if ms > 0 && !run.status.is_finished() => run.advance_by(ms),
                _ => return false,
            },
            Action::EditScenario(text) => {
                if *self.scenario == *text {
                    return false;
                }
                self.set_scenario(&text);
                self.played = None;
            }
            Action::SetResponse { state, index, behaviour } => {
                let mut scenario = (*self.scenario_json).clone();
                participants::set_response(&mut scenario, &state, index, &behaviour);
                if scenario == *self.scenario_json && self.scenario_problem.is_none() {
                    return false;
                }
                let text = serde_json::to_string_pretty(&scenario).unwrap_or_else(|_| EMPTY_SCENARIO.into());
                self.set_scenario(&text);
                self.played = None;
            }
            Action::PlayScenario(name) => {
                let example = self.example.and_then(examples::by_id);
                let Some((name, text)) = example.and_then(|e| e.scenarios.iter().find(|(n, _)| *n == name))
                else {
                    return false;
                };
                let scenario: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
                if let Some(input) = scenario.get("input") {
                    let input = serde_json::to_string_pretty(input).unwrap_or_default();
                    self.input_problems = Rc::new(parse_json(&input).err().into_iter().collect());
                    self.input = input.into();
                }
                self.set_scenario(text.trim_end());
                self.played = Some(name.to_string());
                let promise = participants::promise(&scenario).map_or(String::new(), |(status, error)| {
                    format!(" Promised outcome: {}.", participants::promise_text(&status, error.as_deref()))
                });
                self.notice = Some(Notice {
                    kind: NoticeKind::Info,
                    text: format!(
                        "Scenario “{name}” is set up. Start the execution, then advance the clock to each next deadline.{promise}"
                    ),
                    can_undo: false,
                });
            }
            Action::SelectEvent(id) => {
                if self.selected_event == id {
                    return false;
                }
                self.selected_event = id;
            }
            Action::ShowState(name) => {
                if self.details == name {
                    return false;
                }
                self.details = name;
            }
        }
        true
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        if next.apply(action) {
            Rc::new(next)
        } else {
            self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn approval() -> Rc<AppState> {
        Rc::new(AppState::with_example(examples::default_example()))
    }

    fn run(state: &AppState) -> &Run {
        state.run.as_deref().expect("a run")
    }

    fn open_token(state: &AppState) -> String {
        let card = run(state).tokens.iter().find(|c| c.closed.is_none()).expect("an open token");
        card.token.clone()
    }

    #[test]
    fn the_example_has_no_errors() {
        let state = approval();
        assert_eq!(state.error_count(), 0, "{:?}", state.definition_problems);
        assert!(state.input_problems.is_empty());
        assert_eq!(state.start_blocker(), None);
    }

    #[test]
    fn start_waits_for_the_callback() {
        let state = approval().reduce(Action::Start);
        let run = run(&state);
        assert_eq!(run.status, RunStatus::WaitingForCallback);
        assert_eq!(run.tokens.len(), 1);
        assert_eq!(run.tokens[0].state, "RequestApproval");
        assert_eq!(run.tokens[0].timeout_due_ms, Some(3_600_000));
        assert!(run.has_deadline());
        assert!(state.run_matches_editor());
    }

    #[test]
    fn approving_succeeds_and_a_second_answer_is_refused() {
        let state = approval().reduce(Action::Start);
        let token = open_token(&state);
        let output = r#"{"decision": "approve"}"#.to_string();
        let state = state.reduce(Action::SendSuccess { token: token.clone(), output: output.clone() });
        let r = run(&state);
        assert_eq!(r.status, RunStatus::Succeeded);
        assert!(r.last_call.as_ref().unwrap().ok);
        assert_eq!(r.tokens[0].closed.as_ref().unwrap().1, "Answered with SendTaskSuccess");

        let state = state.reduce(Action::SendSuccess { token, output });
        let call = run(&state).last_call.clone().unwrap();
        assert!(!call.ok);
        assert!(call.text.starts_with("TaskTimedOut: "), "{}", call.text);
    }

    #[test]
    fn invalid_output_is_not_sent() {
        let state = approval().reduce(Action::Start);
        let token = open_token(&state);
        let state = state.reduce(Action::SendSuccess { token, output: "{\"decision\": }".into() });
        let r = run(&state);
        assert_eq!(r.status, RunStatus::WaitingForCallback);
        assert!(r.last_call.is_none());
        let why = r.tokens[0].rejected_output.as_deref().unwrap();
        assert!(why.starts_with("Not sent: line 1, column "), "{why}");
    }

    #[test]
    fn rejecting_fails_the_execution() {
        let state = approval().reduce(Action::Start);
        let token = open_token(&state);
        let state = state.reduce(Action::SendFailure {
            token,
            error: "Rejected".into(),
            cause: "Not in budget".into(),
        });
        let r = run(&state);
        assert_eq!(r.status, RunStatus::Failed);
        assert_eq!(r.error.as_deref(), Some("Rejected"));
        assert_eq!(r.cause.as_deref(), Some("Not in budget"));
    }

    #[test]
    fn advancing_fires_the_timeout_and_the_catch() {
        let state = approval().reduce(Action::Start);
        let state = state.reduce(Action::AdvanceToNextDeadline);
        let r = run(&state);
        assert_eq!(r.now_ms, 3_600_000);
        assert_eq!(r.status, RunStatus::Failed);
        assert_eq!(r.error.as_deref(), Some("ApprovalTimedOut"));
        assert_eq!(r.tokens[0].closed.as_ref().unwrap().1, "Timed out (States.Timeout)");
        let history = r.history.with(|h| serde_json::to_string(h).unwrap());
        assert!(history.contains("States.Timeout"));
        // Nothing left to fire: a second advance changes nothing.
        let again = state.clone().reduce(Action::AdvanceToNextDeadline);
        assert!(Rc::ptr_eq(&state, &again));
    }

    #[test]
    fn editing_reports_located_problems() {
        let state = approval().reduce(Action::EditDefinition("{\n  \"StartAt\": \n}".into()));
        // Typing is cheap: the engine checks once the app says typing paused.
        assert_eq!(state.error_count(), 0);
        let state = state.reduce(Action::CheckDefinition);
        let again = state.clone().reduce(Action::CheckDefinition);
        assert!(Rc::ptr_eq(&state, &again), "a second check of the same text changes nothing");
        assert!(state.error_count() > 0);
        assert_eq!(state.definition_problems[0].line, 3);
        assert!(state.start_blocker().is_some());
        let state = state.reduce(Action::EditInput("[1,".into()));
        assert_eq!(state.input_problems.len(), 1);
    }

    #[test]
    fn editing_after_start_keeps_the_run_but_detaches_the_graph() {
        let state = approval().reduce(Action::Start);
        let edited = format!("{} ", state.definition);
        let state = state.reduce(Action::EditDefinition(edited));
        assert!(state.run.is_some());
        assert!(!state.run_matches_editor());
    }

    #[test]
    fn loading_an_example_can_be_undone() {
        let state = approval().reduce(Action::EditInput("{\"amount\": 1}".into()));
        let state = state.reduce(Action::LoadExample("human-approval".into()));
        assert!(state.notice.as_ref().unwrap().can_undo);
        assert!(state.input.contains("420"));
        let state = state.reduce(Action::UndoLoadExample);
        assert_eq!(&*state.input, "{\"amount\": 1}");
        assert!(state.notice.is_none());
    }

    #[test]
    fn no_op_actions_keep_the_same_state() {
        let state = approval();
        for action in [
            Action::DismissNotice,
            Action::Stop,
            Action::AdvanceToNextDeadline,
            Action::AdvanceBy(1000),
            Action::EditInput(state.input.to_string()),
            Action::SendHeartbeat { token: "nope".into() },
        ] {
            let next = state.clone().reduce(action.clone());
            assert!(Rc::ptr_eq(&state, &next), "{action:?} changed the state");
        }
    }

    #[test]
    fn an_endless_loop_runs_in_slices_and_can_be_stopped() {
        let definition = r#"{"StartAt": "Spin", "States": {
            "Spin": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "BooleanEquals": true, "Next": "Done"}], "Default": "Again"},
            "Again": {"Type": "Pass", "Next": "Spin"},
            "Done": {"Type": "Succeed"}}}"#;
        let state = Rc::new(AppState::new(definition, r#"{"stop": false}"#, None)).reduce(Action::Start);
        assert!(run(&state).busy);
        assert_eq!(run(&state).status, RunStatus::Running);
        let state = state.reduce(Action::Resume);
        assert!(run(&state).busy);
        let state = state.reduce(Action::Stop);
        assert_eq!(run(&state).status, RunStatus::Aborted);
        assert!(!run(&state).busy);
        let again = state.clone().reduce(Action::Resume);
        assert!(Rc::ptr_eq(&state, &again));
    }

    #[test]
    fn each_execution_gets_its_own_token() {
        let first = approval().reduce(Action::Start);
        let second = first.clone().reduce(Action::Start);
        assert_ne!(open_token(&first), open_token(&second));
    }

    #[test]
    fn a_missed_heartbeat_is_named_as_such() {
        let example = examples::by_id("heartbeats").unwrap();
        let state = Rc::new(AppState::with_example(example)).reduce(Action::Start);
        let token = open_token(&state);
        let state = state.reduce(Action::AdvanceBy(1_000)).reduce(Action::SendHeartbeat { token });
        assert!(run(&state).last_call.as_ref().unwrap().ok);
        assert_eq!(run(&state).tokens[0].heartbeat_due_ms, Some(61_000));
        let state = state.reduce(Action::AdvanceToNextDeadline);
        assert_eq!(run(&state).tokens[0].closed.as_ref().unwrap().1, "Timed out (States.HeartbeatTimeout)");
    }

    /// Runs to the end by "Advance to next deadline" alone, as the examples' browser tests do.
    fn advance_until_done(mut state: Rc<AppState>) -> Rc<AppState> {
        for _ in 0..100 {
            while run(&state).busy {
                state = state.reduce(Action::Resume);
            }
            if run(&state).status.is_finished() {
                break;
            }
            state = state.reduce(Action::AdvanceToNextDeadline);
        }
        state
    }

    #[test]
    fn every_example_scenario_keeps_its_promise_by_clicks_alone() {
        for example in examples::at_hand() {
            for (name, _) in example.scenarios {
                let state = Rc::new(AppState::with_example(example))
                    .reduce(Action::PlayScenario(name.to_string()))
                    .reduce(Action::Start);
                let state = advance_until_done(state);
                let r = run(&state);
                assert!(r.promise.is_some(), "{}/{name} promises nothing", example.slug);
                assert_eq!(
                    r.kept_promise(),
                    Some(true),
                    "{}/{name}: {:?} {:?}",
                    example.slug,
                    r.status,
                    r.error
                );
            }
        }
    }

    /// The "duplicate" scenario's second click comes a second after the execution has ended: the
    /// clock still offers it, and AWS's answer is TaskTimedOut.
    #[test]
    fn a_scripted_call_after_the_end_still_happens() {
        let state = approval().reduce(Action::PlayScenario("duplicate".into())).reduce(Action::Start);
        let state = advance_until_done(state);
        assert_eq!(run(&state).aws_status(), "SUCCEEDED");
        assert_eq!(*run(&state).upcoming, [(31_000, "scenario calls SendTaskSuccess".to_string())]);
        let state = state.reduce(Action::AdvanceToNextDeadline);
        let late = run(&state).with_world(|w| w.calls().last().cloned()).expect("the late call");
        assert_eq!((late.at_ms, late.action, late.ok), (31_000, "SendTaskSuccess", false));
        assert_eq!(late.error.as_deref(), Some("TaskTimedOut"));
        assert!(run(&state).upcoming.is_empty() && !run(&state).has_deadline());
    }

    #[test]
    fn the_example_of_saved_work_is_remembered_even_when_edited() {
        let state = AppState::new("{ edited }", "{}", None).remembering_example(Some("sqs-worker"));
        assert_eq!(state.example, Some("sqs-worker"));
        let unknown = AppState::new("{ edited }", "{}", None).remembering_example(Some("gone"));
        assert_eq!(unknown.example, None);
        let state = Rc::new(state)
            .reduce(Action::ExampleUnavailable("the example could not be loaded: HTTP 404".into()));
        let notice = state.notice.as_ref().expect("a notice");
        assert_eq!(
            (notice.kind, notice.text.as_str()),
            (NoticeKind::Error, "Sorry: the example could not be loaded: HTTP 404.")
        );
    }

    #[test]
    fn playing_a_scenario_sets_the_participants() {
        let state = approval().reduce(Action::PlayScenario("reject".into()));
        assert_eq!(state.played.as_deref(), Some("reject"));
        assert!(state.scenario.contains("\"failure\""));
        assert_eq!(state.scenario_problem, None);
        assert!(state.notice.as_ref().unwrap().text.contains("Failed with Rejected"), "{:?}", state.notice);
        // Unknown scenarios change nothing.
        let same = state.clone().reduce(Action::PlayScenario("nope".into()));
        assert!(Rc::ptr_eq(&state, &same));
    }

    #[test]
    fn a_participant_answers_on_the_virtual_clock() {
        let behaviour = Behaviour::Success {
            after_ms: 90_000,
            output: serde_json::json!({"decision": "approve"}),
            heartbeats: vec![],
        };
        let state =
            approval().reduce(Action::SetResponse { state: "RequestApproval".into(), index: 0, behaviour });
        assert!(state.scenario.contains("\"after\": 90"), "{}", state.scenario);
        let state = state.reduce(Action::Start);
        assert_eq!(run(&state).status, RunStatus::WaitingForCallback);
        assert_eq!(run(&state).upcoming[0].0, 90_000);
        let state = state.reduce(Action::AdvanceToNextDeadline);
        assert_eq!(run(&state).status, RunStatus::Succeeded);
        assert_eq!(run(&state).now_ms, 90_000);
        // "Leave it to me" removes the responder again.
        let state = state.reduce(Action::SetResponse {
            state: "RequestApproval".into(),
            index: 0,
            behaviour: Behaviour::Manual,
        });
        assert_eq!(&*state.scenario, "{}");
    }

    #[test]
    fn an_invalid_scenario_blocks_start_and_says_why() {
        let state = approval().reduce(Action::EditScenario("{\"responders\": 3}".into()));
        let problem = state.scenario_problem.clone().unwrap();
        assert!(problem.contains("/responders"), "{problem}");
        assert!(state.start_blocker().unwrap().contains("scenario"));
        let state = state.reduce(Action::Start);
        assert!(state.run.is_none());
        assert!(state.notice.as_ref().unwrap().text.starts_with("Participants: "));
    }

    #[test]
    fn loading_an_example_resets_the_participants_and_undo_restores_them() {
        let state = approval().reduce(Action::PlayScenario("timeout".into()));
        let played = state.scenario.clone();
        let state = state.reduce(Action::LoadExample("human-approval".into()));
        assert_eq!(&*state.scenario, EMPTY_SCENARIO);
        assert!(state.notice.as_ref().unwrap().can_undo);
        let state = state.reduce(Action::UndoLoadExample);
        assert_eq!(state.scenario, played);
    }

    #[test]
    fn the_suggested_output_comes_from_the_example() {
        let state = approval();
        assert_eq!(state.suggested_output("RequestApproval"), r#"{"decision":"approve"}"#);
        let sqs = AppState::with_example(examples::by_id("sqs-worker").unwrap());
        assert!(sqs.suggested_output("QueueJob").contains("s3://photos/cat-small.jpg"));
        let plain = AppState::new("{}", "{}", None);
        assert_eq!(plain.suggested_output("X"), "{}");
        // A Task the user added to the example borrows no answer from it.
        assert_eq!(state.suggested_output("MyOwnTask"), "{}");
    }

    #[test]
    fn the_data_flow_is_recorded_per_visit() {
        let state = approval().reduce(Action::Start);
        let visits = run(&state).visits("RequestApproval");
        assert_eq!(visits.len(), 1);
        let parameters = visits[0].after_parameters.as_ref().expect("Parameters were applied").to_json();
        assert!(parameters.contains("send-approval-email"), "{parameters}");
    }

    #[test]
    fn selection_and_details_are_state_too() {
        let state = approval().reduce(Action::Start);
        let state = state.reduce(Action::SelectEvent(Some(3)));
        assert_eq!(state.selected_event, Some(3));
        let same = state.clone().reduce(Action::SelectEvent(Some(3)));
        assert!(Rc::ptr_eq(&state, &same));
        let state = state.reduce(Action::ShowState(Some("CheckDecision".into())));
        assert_eq!(state.details.as_deref(), Some("CheckDecision"));
        let state = state.reduce(Action::ShowState(None)).reduce(Action::Start);
        assert_eq!((state.details.clone(), state.selected_event), (None, None));
    }

    #[test]
    fn the_task_list_follows_the_definition() {
        let state = approval();
        let names: Vec<&str> = state.tasks.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["RequestApproval", "NotifyAdmin"]);
        // While the text is broken the last list stays.
        let state = state.reduce(Action::EditDefinition("{ broken".into()));
        assert_eq!(state.tasks.len(), 2);
    }

    #[test]
    fn stopping_aborts() {
        let state = approval().reduce(Action::Start).reduce(Action::Stop);
        let r = run(&state);
        assert_eq!(r.status, RunStatus::Aborted);
        assert_eq!(r.tokens[0].closed.as_ref().unwrap().1, "Execution stopped");
    }
}
