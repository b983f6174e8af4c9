//! A started execution, as a command log: the world is its start plus the commands applied to it,
//! and is only a cache, rebuilt by deterministic replay whenever a state of the app asks for a
//! point of the log the cache is not at. That is what makes every older state of the app still
//! read its own world, and what rewinding, undo, redo and branches are made of.
//!
//! ```text
//! Origin --(commands[..position] of the tip branch)--> World (cached) --timeline--> views
//! ```

use std::cell::{Ref, RefCell};
use std::rc::Rc;

use asl::exec::{ApiError, Status};
use asl::model::StateMachine;
use asl::ErrorName;
use sim::Command;

/// States one engine command may enter before it yields to the browser (see [`Run::busy`]).
pub const STEP_LIMIT: u64 = 250;

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

/// What a run starts from, checked by the caller: with the commands, all it takes to rebuild the
/// world.
pub struct Origin {
    /// The definition that was started; the graph shows it as long as the editor holds its text.
    pub definition: Rc<asl::Compiled>,
    pub machine: Rc<StateMachine>,
    pub input: asl::Value,
    pub scenario: sim::Scenario,
    /// The participants' scenario text the execution started with.
    pub scenario_text: Rc<str>,
}

/// A line of commands from the start, and the history's length after each prefix of it
/// (`events_after[k]`: after the first `k` commands).
#[derive(Clone, Debug, PartialEq)]
struct Branch {
    commands: Rc<Vec<Command>>,
    events_after: Rc<Vec<usize>>,
}

/// Where the run stands: `position` commands of the `tip` branch applied; `other` is the branch
/// a rewind-then-act left behind, which can be restored.
#[derive(Clone, Debug, PartialEq)]
struct Place {
    tip: Branch,
    position: usize,
    other: Option<Branch>,
}

/// The world at some point of some branch.
struct Cache {
    world: sim::World,
    applied: Vec<Command>,
}

/// A started execution and everything drawn from it.
///
/// Everything the components read is copied out of the world after each change, so drawing never
/// replays; the world itself is reached through [`Run::with_world`].
#[derive(Clone)]
pub struct Run {
    origin: Rc<Origin>,
    place: Place,
    /// Places to go back to (Undo), and to go forward to again (Redo).
    undo: Rc<Vec<Place>>,
    redo: Rc<Vec<Place>>,
    cache: Rc<RefCell<Cache>>,
    /// The definition that was started; the graph shows it as long as the editor holds its text.
    pub definition: Rc<asl::Compiled>,
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
        self.revision == other.revision && self.history == other.history && self.place == other.place
    }
}

/// The history in AWS's JSON shape, each event converted once, with the virtual time the engine
/// recorded for it (so no view parses a timestamp back). Along one branch a history only grows, so
/// the states the reducer produces share one log and remember how much of it they have seen: a
/// long execution costs each step only its new events. Travelling (rewind, undo, another branch)
/// starts a log of its own.
#[derive(Clone, Default)]
pub struct EventLog {
    log: Rc<RefCell<Logged>>,
    len: usize,
}

#[derive(Default)]
struct Logged {
    events: Vec<serde_json::Value>,
    /// Milliseconds since the start of the execution, per event.
    at_ms: Vec<u64>,
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
        f(&self.log.borrow().events[..self.len])
    }

    /// Reads the events this snapshot has seen and the virtual time of each.
    pub fn with_times<T>(&self, f: impl FnOnce(&[serde_json::Value], &[u64]) -> T) -> T {
        let log = self.log.borrow();
        f(&log.events[..self.len], &log.at_ms[..self.len])
    }

    /// Catches up with the execution, which went on from where this snapshot's events end. Appends
    /// to the shared log only when this snapshot is at its end (an older snapshot that acted again
    /// starts a log of its own, so that no other snapshot's events change under it).
    fn sync(&mut self, execution: &asl::exec::Execution) {
        let all = execution.history();
        if self.log.borrow().events.len() != self.len || all.len() < self.len {
            *self = EventLog::default();
        }
        let epoch = execution.options().start_epoch_ms;
        let mut log = self.log.borrow_mut();
        for event in &all[self.len..] {
            log.events.push(event.to_aws_json(epoch));
            log.at_ms.push(event.at_ms);
        }
        self.len = log.events.len();
    }
}

impl PartialEq for EventLog {
    fn eq(&self, other: &EventLog) -> bool {
        Rc::ptr_eq(&self.log, &other.log) && self.len == other.len
    }
}

impl Run {
    /// Starts the execution `number` of the session: each gets its own tokens and name, as on AWS,
    /// and replays exactly.
    pub fn start(mut origin: Origin, number: u64) -> Run {
        let promise = origin.scenario.expect.take().map(|e| (e.status, e.error));
        let options = &mut origin.scenario.context.options;
        options.record_data_flow = true;
        options.step_limit = Some(STEP_LIMIT);
        options.seed = number;
        options.execution_name = format!("execution-{number}");
        let world = sim::World::start(origin.machine.clone(), origin.input.clone(), &origin.scenario);
        let events = world.execution().history().len();
        let mut run = Run {
            definition: origin.definition.clone(),
            scenario_text: origin.scenario_text.clone(),
            origin: Rc::new(origin),
            place: Place {
                tip: Branch { commands: Rc::default(), events_after: Rc::new(vec![events]) },
                position: 0,
                other: None,
            },
            undo: Rc::default(),
            redo: Rc::default(),
            cache: Rc::new(RefCell::new(Cache { world, applied: Vec::new() })),
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
        };
        run.refresh();
        run
    }

    /// The world at this run's place, replayed first if the cache is elsewhere: forward from the
    /// cache when the cache is on the way, from the start otherwise.
    fn world(&self) -> Ref<'_, sim::World> {
        let wanted = &self.place.tip.commands[..self.place.position];
        let mut cache = self.cache.borrow_mut();
        if cache.applied.as_slice() != wanted {
            if !wanted.starts_with(&cache.applied) {
                let origin = &self.origin;
                cache.world =
                    sim::World::start(origin.machine.clone(), origin.input.clone(), &origin.scenario);
                cache.applied.clear();
            }
            let from = cache.applied.len();
            for command in &wanted[from..] {
                let _ = cache.world.apply(command);
            }
            cache.applied.extend_from_slice(&wanted[from..]);
        }
        drop(cache);
        Ref::map(self.cache.borrow(), |c| &c.world)
    }

    /// Reads the world, for drawings that need more than the copied fields.
    pub fn with_world<T>(&self, f: impl FnOnce(&sim::World) -> T) -> T {
        f(&self.world())
    }

    /// Applies a command at this run's place. Acting from a rewound place starts a new branch,
    /// unless the command is the one the branch already had there.
    fn act(&mut self, command: Command) -> Result<(), ApiError> {
        let before = self.place.clone();
        let result = {
            let _ = self.world(); // the cache at this place
            self.cache.borrow_mut().world.apply(&command)
        };
        let events = self.cache.borrow().world.execution().history().len();
        let place = &mut self.place;
        let same_as_tip = place.tip.commands.get(place.position) == Some(&command);
        if !same_as_tip {
            if place.position < place.tip.commands.len() {
                place.other = Some(place.tip.clone());
            }
            let commands = Rc::make_mut(&mut place.tip.commands);
            commands.truncate(place.position);
            commands.push(command.clone());
            let after = Rc::make_mut(&mut place.tip.events_after);
            after.truncate(place.position + 1);
            after.push(events);
        }
        place.position += 1;
        self.cache.borrow_mut().applied.push(command.clone());
        if command.is_user_action() {
            Rc::make_mut(&mut self.undo).push(before);
            self.redo = Rc::default();
        }
        self.refresh();
        result
    }

    /// Goes to another place (rewind, undo, redo, restore) and draws it. Its history need not
    /// extend the one shown (another branch shares only a prefix), so the log starts anew.
    fn go_to(&mut self, place: Place) {
        self.place = place;
        self.last_call = None;
        self.history = EventLog::default();
        self.refresh();
    }

    /// Copies what the components show out of the world, after any change to it.
    fn refresh(&mut self) {
        let world = self.world();
        // A finished execution holds no open token, whatever its threads still say.
        let open = if world.status() == Status::Running { world.open_tasks() } else { Vec::new() };
        let status = RunStatus::of(world.status(), !open.is_empty());
        let execution = world.execution();
        let output = execution.output().map(|v| v.to_json_pretty());
        let failure = execution.failure();
        let error = failure.and_then(|f| f.error.as_ref().map(ErrorName::to_string));
        let cause = failure.and_then(|f| f.cause.as_deref().map(str::to_string));
        let now_ms = world.now_ms();
        let busy = world.is_busy();
        let upcoming = Rc::new(world.upcoming().into_iter().map(|u| (u.at_ms, u.what)).collect());
        let mut history = self.history.clone();
        history.sync(execution);
        // Cards come from the timeline, which saw every token the execution issued (also one
        // opened and answered within one command) and knows why each closed; the open ones add
        // their live deadlines. A rejected typed answer stays on its card.
        let cards = world
            .timeline()
            .tokens()
            .iter()
            .map(|life| {
                let live = open.iter().find(|h| h.task.token == life.token).map(|h| &h.task);
                TokenCard {
                    token: life.token.to_string(),
                    state: life.state.to_string(),
                    attempt: life.attempt,
                    map_index: life.map_index,
                    holder: life.holder.name.clone(),
                    opened_at_ms: life.opened_at_ms,
                    heartbeat_due_ms: live.and_then(|t| t.heartbeat_due),
                    timeout_due_ms: live.and_then(|t| t.timeout_due),
                    closed: life.closed.as_ref().map(|c| (c.at_ms, c.why.describe())),
                    rejected_output: self
                        .tokens
                        .iter()
                        .find(|c| *c.token == *life.token)
                        .and_then(|c| c.rejected_output.clone()),
                }
            })
            .collect();
        drop(world);
        self.status = status;
        self.output = output;
        self.error = error;
        self.cause = cause;
        self.now_ms = now_ms;
        self.busy = busy;
        self.upcoming = upcoming;
        self.history = history;
        self.tokens = Rc::new(cards);
        self.revision += 1;
    }

    fn record(&mut self, action: &'static str, result: Result<(), ApiError>, ok_text: &str) {
        self.last_call = Some(match result {
            Ok(()) => CallOutcome { action, ok: true, text: ok_text.to_string() },
            Err(e) => CallOutcome { action, ok: false, text: format!("{}: {}", e.code, e.message) },
        });
    }

    pub(crate) fn send_success(&mut self, token: &str, output: Result<String, String>) {
        let card = Rc::make_mut(&mut self.tokens).iter_mut().find(|c| c.token == token);
        let output = match (output, card) {
            (Ok(output), card) => {
                if let Some(card) = card {
                    card.rejected_output = None;
                }
                output
            }
            (Err(problem), card) => {
                if let Some(card) = card {
                    card.rejected_output = Some(format!("Not sent: {problem}"));
                }
                self.revision += 1;
                return;
            }
        };
        let result = self.act(Command::SendTaskSuccess { token: token.into(), output });
        self.record("SendTaskSuccess", result, "SendTaskSuccess accepted");
    }

    pub(crate) fn send_failure(&mut self, token: &str, error: &str, cause: &str) {
        let error = Some(error.trim()).filter(|e| !e.is_empty()).map(str::to_string);
        let cause = Some(cause).filter(|c| !c.trim().is_empty()).map(str::to_string);
        let result = self.act(Command::SendTaskFailure { token: token.into(), error, cause });
        self.record("SendTaskFailure", result, "SendTaskFailure accepted");
    }

    pub(crate) fn send_heartbeat(&mut self, token: &str) {
        let result = self.act(Command::SendTaskHeartbeat { token: token.into() });
        self.record("SendTaskHeartbeat", result, "SendTaskHeartbeat accepted");
    }

    pub(crate) fn stop(&mut self) {
        let result = self.act(Command::StopExecution);
        self.record("StopExecution", result, "StopExecution accepted");
    }

    pub(crate) fn advance_to_next_deadline(&mut self) {
        let _ = self.act(Command::AdvanceToNextDeadline);
    }

    pub(crate) fn resume(&mut self) {
        let _ = self.act(Command::Resume);
    }

    pub(crate) fn advance_by(&mut self, ms: u64) {
        let _ = self.act(Command::AdvanceBy(ms));
    }

    /// The place where event `id` had just happened: after the command during which the
    /// execution recorded it (events of one command share its instant), on the current branch.
    /// `None` when this branch never reached that event.
    fn place_of_event(&self, id: u64) -> Option<Place> {
        let after = &self.place.tip.events_after;
        let position = after.iter().position(|&len| len as u64 >= id)?;
        Some(Place { position, ..self.place.clone() })
    }

    /// Whether "Rewind to this event" can go to event `id` (and is not already there).
    pub fn can_rewind_to(&self, id: u64) -> bool {
        self.place_of_event(id).is_some_and(|p| p.position != self.place.position)
    }

    /// Returns the execution to the instant of event `id`: its clock, open tokens and inbox as
    /// they were. A new action from there starts a new branch. Undo comes back.
    pub(crate) fn rewind_to(&mut self, id: u64) {
        if let Some(place) = self.place_of_event(id).filter(|p| p.position != self.place.position) {
            Rc::make_mut(&mut self.undo).push(self.place.clone());
            self.redo = Rc::default();
            self.go_to(place);
        }
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Steps back over the user's last action (an answer, a clock move, a rewind...).
    pub(crate) fn undo(&mut self) {
        if let Some(place) = Rc::make_mut(&mut self.undo).pop() {
            Rc::make_mut(&mut self.redo).push(self.place.clone());
            self.go_to(place);
        }
    }

    pub(crate) fn redo(&mut self) {
        if let Some(place) = Rc::make_mut(&mut self.redo).pop() {
            Rc::make_mut(&mut self.undo).push(self.place.clone());
            self.go_to(place);
        }
    }

    /// The history length where the current branch left the other one, when there is another.
    pub fn branch_point(&self) -> Option<usize> {
        let other = self.place.other.as_ref()?;
        let (a, b) = (&self.place.tip.commands, &other.commands);
        let common = a.iter().zip(b.iter()).take_while(|(x, y)| x == y).count();
        self.place.tip.events_after.get(common).copied()
    }

    /// Swaps to the branch a rewind-then-act left, at its end.
    pub(crate) fn restore_other_branch(&mut self) {
        if let Some(other) = self.place.other.clone() {
            Rc::make_mut(&mut self.undo).push(self.place.clone());
            self.redo = Rc::default();
            let position = other.commands.len();
            self.go_to(Place { other: Some(self.place.tip.clone()), tip: other, position });
        }
    }

    /// Whether the clock has anything left to fire.
    pub fn has_deadline(&self) -> bool {
        !self.upcoming.is_empty()
    }

    /// Which execution of the session this is (1, 2, ...): tells runs apart.
    pub fn execution_number(&self) -> u64 {
        self.origin.scenario.context.options.seed
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
