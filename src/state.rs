//! The app's state: what the user is editing and the execution they are playing with.
//!
//! A `Reducible` with an [`Action`] per user intent. Every action is delegated to the engine
//! (`sim`); the reducer only keeps what the components need to draw, precomputed once per change so
//! that rendering stays cheap. No storage, timers or browser calls here: the reducer is pure and its
//! tests run natively (`cargo test -p baton-web`).

use std::rc::Rc;

use asl::Diagnostic;
use sim::scenario::{Answer, Response};
use yew::Reducible;

use crate::editor::Problem;
use crate::examples::{self, Example};
use crate::participants::{self, TaskInfo};
use crate::run::{Origin, Run};

/// The engine's diagnostics become the editor's problems here, where the two meet.
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
}

/// Parses JSON text the way the engine does, so that errors carry a line and column.
/// The execution input, read and checked as StartExecution checks it: JSON, and at most 256 KiB of
/// it (AWS refuses a longer input before the execution exists).
fn parse_input(text: &str) -> Result<asl::Value, Problem> {
    let value = asl::source::parse(text)
        .map(|(value, _)| value)
        .map_err(|e| Problem::from_diagnostic(&e.to_diagnostic()))?;
    let max = asl::exec::MAX_PAYLOAD_BYTES;
    match value.json_len() {
        len if len > max => Err(Problem {
            is_error: true,
            code: "input-too-large".into(),
            message: format!(
                "the input is {len} bytes of JSON; StartExecution accepts at most {max} (256 KiB) and \
                 refuses more with a ValidationException"
            ),
            line: 1,
            column: 1,
            start: 0,
            end: text.find('\n').unwrap_or(text.len()),
        }),
        _ => Ok(value),
    }
}

/// The definition's problems, errors first, then by position.
fn problems_of(compiled: &asl::Compiled) -> Vec<Problem> {
    let mut problems: Vec<Problem> = compiled.diagnostics().iter().map(Problem::from_diagnostic).collect();
    // The app loads the engine as soon as it sees this (src/jsonata.rs): say so, not "not in this build".
    for p in problems.iter_mut().filter(|p| p.code == asl::Code::JsonataUnsupported.as_str()) {
        p.message = LOADING_JSONATA.into();
    }
    asl::sort::by_key(&mut problems, |p| (!p.is_error, p.start, p.end));
    problems
}

/// What a JSONata definition says until the engine is there (and blocks Start with).
const LOADING_JSONATA: &str = "Loading the JSONata engine…";

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
#[derive(Clone, Debug, PartialEq)]
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
    /// Set what invocation `index` of a Task state's external system does (`None`, "leave it to
    /// me", removes it).
    SetResponse {
        state: String,
        index: usize,
        response: Option<Response>,
    },
    /// Load one of the current example's scenarios into the participants panel.
    PlayScenario(String),
    /// Select a history event (by id), to find it in the graph and the sequence diagram.
    SelectEvent(Option<u64>),
    /// Return the execution to the instant of this event (by id); acting from there branches.
    RewindTo(u64),
    /// Step back over the user's last action on the execution (an answer, a clock move, a rewind).
    Undo,
    Redo,
    /// Go back to the branch the last rewind-then-act left.
    RestoreBranch,
    /// Open (or close) the details panel of a state.
    ShowState(Option<String>),
    /// The JSONata engine was loaded and lent to the engine (check the definition again), or why
    /// it could not be.
    JsonataEngine(Result<(), String>),
    /// `States.Hash`'s digests were loaded and lent to the engine (the definition may start), or
    /// why they could not be (src/extras.rs).
    Digests(Result<(), String>),
}

/// The participants' settings when nobody set any: every token is left to the user.
pub const EMPTY_SCENARIO: &str = "{}";

/// The scenario text's problem, if it is not a usable scenario.
fn check_scenario(text: &str) -> Option<String> {
    sim::Scenario::from_json(text).err().map(|e| e.to_string())
}

/// The Task states of a definition (none while it is not JSON).
fn tasks_of(definition: &asl::Compiled) -> Vec<TaskInfo> {
    definition.json().map_or(Vec::new(), |v| participants::tasks_of(&v))
}

/// The Task states of an example's definition, which the app does not otherwise compile.
fn example_tasks(example: &Example) -> Vec<TaskInfo> {
    serde_json::from_str::<serde_json::Value>(example.definition)
        .map_or(Vec::new(), |v| participants::tasks_of(&v))
}

#[derive(Clone)]
pub struct AppState {
    pub definition: Rc<str>,
    pub input: Rc<str>,
    pub definition_problems: Rc<Vec<Problem>>,
    /// The definition as the engine last compiled it, once per change of its text (after typing
    /// pauses, or at Start): `definition_problems`, `tasks`, the graph and the details read it.
    pub compiled: Rc<asl::Compiled>,
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
    /// The view the opened work was saved or shared with (`Workspace::view`), for the first render.
    pub opened_view: Option<String>,
    /// The history event the user selected.
    pub selected_event: Option<u64>,
    /// The state whose details panel is open.
    pub details: Option<String>,
}

impl AppState {
    pub fn new(definition: &str, input: &str, notice: Option<Notice>) -> AppState {
        let compiled = asl::compile(definition);
        AppState {
            definition: compiled.text().clone(),
            input: input.into(),
            definition_problems: Rc::new(problems_of(&compiled)),
            tasks: Rc::new(tasks_of(&compiled)),
            compiled: Rc::new(compiled),
            input_problems: Rc::new(parse_input(input).err().into_iter().collect()),
            run: None,
            notice,
            started: 0,
            example: examples::at_hand().iter().find(|e| e.definition == definition).map(|e| e.slug),
            replaced: None,
            scenario: EMPTY_SCENARIO.into(),
            scenario_problem: None,
            scenario_json: Rc::new(serde_json::json!({})),
            played: None,
            opened_view: None,
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
                match Response::from_json_value(r) {
                    Ok(Response::Callback { answer: Answer::Success(output), .. }) => {
                        Some(output.to_string())
                    }
                    _ => None,
                }
            })
        };
        let example_scenarios: Vec<serde_json::Value> = self
            .example
            .and_then(examples::by_id)
            .filter(|e| example_tasks(e).iter().any(|t| t.name == state))
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
        if self.needs_jsonata() {
            return Some(LOADING_JSONATA.into());
        }
        if self.needs_digests() {
            return Some("Loading the digests for States.Hash…".into());
        }
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

    /// What "Start" starts: the definition, input and scenario, each checked, or why one cannot be used.
    fn origin(&self) -> Result<Origin, String> {
        let input = parse_input(&self.input).map_err(|p| format!("Execution input: {}", p.located()))?;
        let scenario = sim::Scenario::from_json(&self.scenario).map_err(|e| format!("Participants: {e}"))?;
        let definition = &self.compiled;
        let machine = definition.machine().cloned().ok_or_else(|| {
            let diagnostics = definition.diagnostics();
            let first = diagnostics.iter().find(|d| d.is_error()).or(diagnostics.first());
            match first {
                Some(d) => format!("Definition: {}", Problem::from_diagnostic(d).located()),
                None => "Definition: it cannot be loaded".to_string(),
            }
        })?;
        Ok(Origin {
            definition: definition.clone(),
            machine,
            input,
            scenario,
            scenario_text: self.scenario.clone(),
        })
    }

    /// Whether the run shown was started from the text now in the editor.
    pub fn run_matches_editor(&self) -> bool {
        self.run.as_ref().is_some_and(|run| *run.definition.text() == self.definition)
    }

    fn run_mut(&mut self) -> Option<&mut Run> {
        self.run.as_mut().map(Rc::make_mut)
    }

    /// A time-travel move, checked on the shared run first, so that a no-op does not copy it.
    fn travel(&mut self, possible: impl Fn(&Run) -> bool, go: impl FnOnce(&mut Run)) -> bool {
        if !self.run.as_deref().is_some_and(possible) {
            return false;
        }
        self.run_mut().is_some_and(|run| {
            go(run);
            true
        })
    }

    /// Whether the definition waits for `States.Hash`'s digests (see `extras.rs`).
    pub fn needs_digests(&self) -> bool {
        crate::extras::needs_digests(&self.definition) && !crate::extras::digests_lent()
    }

    /// Whether the definition waits for the JSONata engine (see `jsonata.rs`).
    pub fn needs_jsonata(&self) -> bool {
        self.definition_problems.iter().any(|p| p.code == asl::Code::JsonataUnsupported.as_str())
    }

    /// Compiles the editor's text unless it is compiled already; false when it was.
    fn compile_definition(&mut self) -> bool {
        if *self.compiled.text() == self.definition {
            return false;
        }
        self.recompile();
        true
    }

    /// Compiles the definition, even if its text has not changed (the JSONata engine arrived).
    fn recompile(&mut self) {
        let compiled = asl::compile(&self.definition);
        self.definition_problems = Rc::new(problems_of(&compiled));
        let tasks = tasks_of(&compiled);
        // While the text is not JSON, keep listing the last states it had.
        if *self.tasks != tasks && (!tasks.is_empty() || compiled.value().is_some()) {
            self.tasks = Rc::new(tasks);
        }
        // One allocation for both, so that later checks compare pointers.
        self.definition = compiled.text().clone();
        self.compiled = Rc::new(compiled);
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
            Action::CheckDefinition => return self.compile_definition(),
            Action::JsonataEngine(Ok(())) => self.recompile(),
            // Start no longer waits: draw it again.
            Action::Digests(Ok(())) => {}
            Action::Digests(Err(why)) => {
                self.notice = Some(Notice {
                    kind: NoticeKind::Error,
                    text: format!("The digests for States.Hash could not be loaded: {why}."),
                    can_undo: false,
                });
            }
            Action::JsonataEngine(Err(why)) => {
                self.notice = Some(Notice {
                    kind: NoticeKind::Error,
                    text: format!(
                        "The JSONata engine could not be loaded ({why}): JSONata definitions cannot run until \
                         the page is reloaded."
                    ),
                    can_undo: false,
                });
            }
            Action::EditInput(text) => {
                if *self.input == *text {
                    return false;
                }
                self.input_problems = Rc::new(parse_input(&text).err().into_iter().collect());
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
                // Started before typing paused: the check the pause would have run, now.
                self.compile_definition();
                match self.origin() {
                    Ok(origin) => {
                        let run = Run::start(origin, self.started + 1);
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
                Some(run) => {
                    let checked = parse_input(&output).map(|_| output).map_err(|p| p.located());
                    run.send_success(&token, checked)
                }
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
                if let Some(run) = self.run_mut() {
                    run.advance_to_next_deadline();
                }
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
            Action::SetResponse { state, index, response } => {
                let mut scenario = (*self.scenario_json).clone();
                participants::set_response(&mut scenario, &state, index, response.as_ref());
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
                    self.input_problems = Rc::new(parse_input(&input).err().into_iter().collect());
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
            Action::RewindTo(id) => return self.travel(|run| run.can_rewind_to(id), |run| run.rewind_to(id)),
            Action::Undo => return self.travel(Run::can_undo, Run::undo),
            Action::Redo => return self.travel(Run::can_redo, Run::redo),
            Action::RestoreBranch => {
                return self.travel(|run| run.branch_point().is_some(), Run::restore_other_branch)
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
    use crate::run::RunStatus;

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
        assert_eq!(r.tokens[0].closed.as_ref().unwrap().1, "Answered with SendTaskSuccess by You");

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

    /// AWS refuses an input over 256 KiB at StartExecution; the app says so before Start.
    #[test]
    fn an_input_over_256_kib_blocks_start() {
        let big = format!("{{\"text\": \"{}\"}}", "x".repeat(asl::exec::MAX_PAYLOAD_BYTES));
        let state = approval().reduce(Action::EditInput(big));
        assert_eq!(state.input_problems.len(), 1);
        assert!(
            state.input_problems[0].message.contains("accepts at most 262144"),
            "{:?}",
            state.input_problems
        );
        assert_eq!(state.start_blocker().as_deref(), Some("Fix the execution input to start"));
        let fits = format!("{{\"text\": \"{}\"}}", "x".repeat(asl::exec::MAX_PAYLOAD_BYTES - 20));
        assert!(approval().reduce(Action::EditInput(fits)).input_problems.is_empty());
    }

    /// The engine reads the definition once per change of its text: the problems, the task list,
    /// the graph's and details' JSON and the execution all come from that one compilation.
    #[test]
    fn one_edit_is_read_exactly_once() {
        let state = approval();
        let edited = state.definition.replace("\"RequestApproval\"", "\"AskForApproval\"");
        let before = asl::source::parse_count();
        let state = state.reduce(Action::EditDefinition(edited.clone()));
        assert_eq!(asl::source::parse_count(), before, "typing does not read the text");
        let state = state.reduce(Action::CheckDefinition).reduce(Action::CheckDefinition);
        assert_eq!(state.error_count(), 0, "{:?}", state.definition_problems);
        assert!(state.tasks.iter().any(|t| t.name == "AskForApproval"));
        let (graph, details) = (state.compiled.json(), state.compiled.json());
        assert!(graph.is_some_and(|g| details.is_some_and(|d| Rc::ptr_eq(&g, &d))));
        assert_eq!(asl::source::parse_count() - before, 1);

        // Start right after typing, before the pause: Start compiles, and the pause's check then
        // has nothing to do. (Start also reads the execution input: one more parse.)
        let typed = state.reduce(Action::EditDefinition(format!("{edited} ")));
        let before = asl::source::parse_count();
        let started = typed.reduce(Action::Start).reduce(Action::CheckDefinition);
        assert_eq!(asl::source::parse_count() - before, 2);
        assert!(Rc::ptr_eq(&run(&started).definition, &started.compiled));
        assert!(started.run_matches_editor());
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
    fn a_missed_heartbeat_reads_states_timeout_as_in_the_history() {
        let example = examples::by_id("heartbeats").unwrap();
        let state = Rc::new(AppState::with_example(example)).reduce(Action::Start);
        let token = open_token(&state);
        let state = state.reduce(Action::AdvanceBy(1_000)).reduce(Action::SendHeartbeat { token });
        assert!(run(&state).last_call.as_ref().unwrap().ok);
        assert_eq!(run(&state).tokens[0].heartbeat_due_ms, Some(61_000));
        let state = state.reduce(Action::AdvanceToNextDeadline);
        assert_eq!(
            run(&state).tokens[0].closed.as_ref().unwrap().1,
            "Timed out (States.Timeout): no heartbeat in time"
        );
    }

    #[test]
    fn the_history_keeps_the_times_the_engine_recorded() {
        let state = approval().reduce(Action::Start).reduce(Action::AdvanceToNextDeadline);
        let r = run(&state);
        let times = r.history.with_times(|events, at_ms| (events.len(), at_ms.to_vec()));
        assert_eq!(times.0, times.1.len());
        assert_eq!(times.1.first(), Some(&0));
        assert_eq!(times.1.last(), Some(&r.now_ms));
        assert!(r.now_ms > 0, "the deadline moved the clock");
    }

    /// The id of the first event of `kind` in the run's history.
    fn event_id(state: &AppState, kind: &str) -> u64 {
        run(state).history.with(|h| {
            let event = h.iter().find(|e| e["type"] == kind).expect("the event");
            event["id"].as_u64().unwrap()
        })
    }

    #[test]
    fn rewinding_to_the_hand_off_lets_the_approver_answer_differently() {
        let started = approval().reduce(Action::Start);
        let token = open_token(&started);
        let approve = r#"{"decision": "approve"}"#.to_string();
        let approved = started.reduce(Action::SendSuccess { token: token.clone(), output: approve });
        assert_eq!(run(&approved).status, RunStatus::Succeeded);
        let submitted = event_id(&approved, "TaskSubmitted");

        let rewound = approved.clone().reduce(Action::RewindTo(submitted));
        let r = run(&rewound);
        assert_eq!(r.status, RunStatus::WaitingForCallback);
        assert_eq!(r.now_ms, 0);
        assert_eq!(r.history.len() as u64, submitted, "the history ends at the event");
        assert!(r.tokens[0].closed.is_none(), "the token is open again");
        // The older state still reads its own world.
        assert_eq!(run(&approved).with_world(|w| w.status()), sim::Status::Succeeded);

        let reject = r#"{"decision": "reject"}"#.to_string();
        let rejected = rewound.reduce(Action::SendSuccess { token: token.clone(), output: reject });
        assert_eq!(run(&rejected).status, RunStatus::Failed);
        assert_eq!(run(&rejected).error.as_deref(), Some("ApprovalRejected"));
        assert!(run(&rejected).branch_point().is_some(), "the first branch can be restored");

        // Undo steps back over the answer, then over the rewind: the first branch again.
        let back = rejected.clone().reduce(Action::Undo);
        assert_eq!(run(&back).status, RunStatus::WaitingForCallback);
        let first = back.reduce(Action::Undo);
        assert_eq!(run(&first).status, RunStatus::Succeeded);
        let again = first.reduce(Action::Redo).reduce(Action::Redo);
        assert_eq!(run(&again).error.as_deref(), Some("ApprovalRejected"));

        let restored = rejected.clone().reduce(Action::RestoreBranch);
        assert_eq!(run(&restored).status, RunStatus::Succeeded);
        // The history shown is the restored branch's own, not the other's with events appended.
        let events = |state: &AppState| run(state).history.with(|h| h.to_vec());
        assert_eq!(events(&restored), events(&approved));
        assert_eq!(events(&rejected).last().unwrap()["type"], "ExecutionFailed");
        let swapped_back = restored.reduce(Action::RestoreBranch);
        assert_eq!(run(&swapped_back).status, RunStatus::Failed);
    }

    #[test]
    fn rewinding_turns_the_clock_back_and_replay_is_exact() {
        let started = approval().reduce(Action::Start);
        let timed_out = started.reduce(Action::AdvanceToNextDeadline);
        assert_eq!(run(&timed_out).now_ms, 3_600_000);
        let history = run(&timed_out).history.with(|h| h.to_vec());
        let rewound = timed_out.reduce(Action::RewindTo(2));
        assert_eq!(run(&rewound).now_ms, 0);
        assert!(!run(&rewound).can_rewind_to(2), "already there");
        let replayed = rewound.reduce(Action::AdvanceToNextDeadline);
        assert_eq!(
            run(&replayed).history.with(|h| h.to_vec()),
            history,
            "the same command, the same history"
        );
        assert!(
            run(&replayed).branch_point().is_none(),
            "repeating the branch's own command is no new branch"
        );
    }

    #[test]
    fn undo_and_rewind_without_anything_to_do_keep_the_state() {
        let started = approval().reduce(Action::Start);
        for action in [Action::Undo, Action::Redo, Action::RestoreBranch, Action::RewindTo(999)] {
            let same = started.clone().reduce(action);
            assert!(Rc::ptr_eq(&same, &started));
        }
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
        // As the app does when a JSONata example is opened.
        crate::jsonata::lend_native();
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
        let response = Response::Callback {
            answer: Answer::Success(asl::Value::parse(r#"{"decision": "approve"}"#).unwrap()),
            after_seconds: Some(90.0),
            heartbeats: vec![],
        };
        let state = approval().reduce(Action::SetResponse {
            state: "RequestApproval".into(),
            index: 0,
            response: Some(response),
        });
        assert!(state.scenario.contains("\"after\": 90"), "{}", state.scenario);
        let state = state.reduce(Action::Start);
        assert_eq!(run(&state).status, RunStatus::WaitingForCallback);
        assert_eq!(run(&state).upcoming[0].0, 90_000);
        let state = state.reduce(Action::AdvanceToNextDeadline);
        assert_eq!(run(&state).status, RunStatus::Succeeded);
        assert_eq!(run(&state).now_ms, 90_000);
        // "Leave it to me" removes the responder again.
        let state =
            state.reduce(Action::SetResponse { state: "RequestApproval".into(), index: 0, response: None });
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

    #[test]
    fn a_definition_that_hashes_starts_once_the_digests_are_lent() {
        let definition = r#"{"StartAt": "F", "States": {"F": {"Type": "Pass",
            "Parameters": {"md5.$": "States.Hash($.text, 'MD5')"}, "End": true}}}"#;
        let state = Rc::new(AppState::new(definition, r#"{"text": "abc"}"#, None));
        assert_eq!(state.start_blocker().as_deref(), Some("Loading the digests for States.Hash…"));
        // What `extras::use_digests` does once the module is in.
        crate::extras::lend_digests(yew::Callback::noop());
        let state = state.reduce(Action::Digests(Ok(())));
        assert_eq!(state.start_blocker(), None);
        let state = advance_until_done(state.reduce(Action::Start));
        assert_eq!(run(&state).status, RunStatus::Succeeded);
        assert!(run(&state)
            .output
            .as_deref()
            .is_some_and(|o| o.contains("900150983cd24fb0d6963f7d28e17f72")));
    }
}
