//! The simulated world around one execution.
//!
//! The engine emits integration calls ([`asl::exec::Effect`]); the world answers them as the
//! scenario's responders say (at once, later on the virtual clock, or never), turns scenario
//! calls into SendTask* commands at their times, and otherwise leaves the token to the person at
//! the keyboard. Engine timers and world actions share one clock; at the same instant engine
//! timers fire first, so a callback that arrives exactly at the timeout is too late (a choice:
//! AWS does not define the order).

use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use asl::exec::{ApiError, Effect, Execution, Millis, OpenTask, Outcome, Status};
use asl::model::{Pattern, ResourceKind, StateMachine};
use asl::Value;

use crate::call::{CallRecord, Caller};
use crate::integrations::{default_job_result, default_response, participant, Participant, ResponseIds};
use crate::scenario::{Action, Answer, Response, Scenario, Target};
use crate::timeline::Timeline;

/// One thing done to a running world from outside: a person's click, the clock moving, or the
/// host going on with a paused slice. A world is its start plus the commands applied to it, in
/// order; replaying them rebuilds it exactly (the engine is deterministic), which is how a host
/// rewinds, undoes and keeps every earlier state readable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    SendTaskSuccess {
        token: String,
        output: String,
    },
    SendTaskFailure {
        token: String,
        error: Option<String>,
        cause: Option<String>,
    },
    SendTaskHeartbeat {
        token: String,
    },
    StopExecution,
    /// Move the clock to the next thing that happens by itself (nothing, when nothing will).
    AdvanceToNextDeadline,
    AdvanceBy(Millis),
    /// Go on after the step limit paused the engine (see [`World::set_step_limit`]).
    Resume,
}

impl Command {
    /// Whether a person asked for it (the host's own `Resume` slices are not undone one by one).
    pub fn is_user_action(&self) -> bool {
        !matches!(self, Command::Resume)
    }
}

/// Something the world will do at a time.
#[derive(Clone, Debug)]
enum Planned {
    Resolve(u64, Outcome),
    Poll(u64),
    Call { action: Action, target: Target, by: Caller },
}

/// An open token as the inbox shows it: the engine's view plus who holds it.
#[derive(Clone, Debug, PartialEq)]
pub struct Holding {
    pub task: OpenTask,
    pub participant: Participant,
}

/// A thing that will happen by itself on the virtual clock.
#[derive(Clone, Debug, PartialEq)]
pub struct Upcoming {
    pub at_ms: Millis,
    pub what: String,
}

pub struct World {
    exec: Execution,
    /// Per Task state, its responses and the next one to give.
    responders: HashMap<String, (Vec<Response>, usize)>,
    planned: BTreeMap<(Millis, u64), Planned>,
    /// The execution has ended and `planned` holds only API calls: what integrations and workers
    /// had planned was dropped once, so late calls cost no more than calls in time.
    ended: bool,
    seq: u64,
    calls: Vec<CallRecord>,
    last_token: HashMap<Rc<str>, Rc<str>>,
    participants: Vec<Participant>,
    timeline: Timeline,
    /// Ids in made-up integration responses: seeded like the execution, separate from it.
    rng: asl::rng::Rng,
}

impl World {
    /// Starts the execution and lets the world answer until everything waits.
    pub fn start(machine: Rc<StateMachine>, input: Value, scenario: &Scenario) -> World {
        let exec = Execution::start(machine, input, scenario.context.options.clone());
        let mut world = World {
            exec,
            responders: scenario.responders.iter().map(|(s, r)| (s.clone(), (r.clone(), 0))).collect(),
            planned: BTreeMap::new(),
            ended: false,
            seq: 0,
            calls: Vec::new(),
            last_token: HashMap::new(),
            participants: Vec::new(),
            timeline: Timeline::default(),
            rng: asl::rng::Rng::new(scenario.context.options.seed ^ 0x5EED_B1A7),
        };
        for call in &scenario.calls {
            let at = (call.at_seconds * 1000.0).round() as Millis;
            world.plan(
                at,
                Planned::Call {
                    action: call.action.clone(),
                    target: call.target.clone(),
                    by: Caller::Scenario,
                },
            );
        }
        world.settle();
        world
    }

    pub fn execution(&self) -> &Execution {
        &self.exec
    }

    pub fn status(&self) -> Status {
        self.exec.status()
    }

    /// "Waiting for callback" while a token is out and nothing else can run.
    pub fn status_label(&self) -> &'static str {
        match self.exec.status() {
            Status::Running if !self.exec.open_tasks().is_empty() => "Waiting for callback",
            Status::Running => "Running",
            Status::Succeeded => "Succeeded",
            Status::Failed => "Failed",
            Status::TimedOut => "Timed out",
            Status::Aborted => "Aborted",
        }
    }

    pub fn now_ms(&self) -> Millis {
        self.exec.now()
    }

    pub fn calls(&self) -> &[CallRecord] {
        &self.calls
    }

    pub fn participants(&self) -> &[Participant] {
        &self.participants
    }

    /// Everything that happened so far, with Baton's annotations: what the views read.
    pub fn timeline(&self) -> &Timeline {
        &self.timeline
    }

    /// Open tokens with the participant holding each.
    pub fn open_tasks(&self) -> Vec<Holding> {
        self.exec
            .open_tasks()
            .into_iter()
            .map(|task| {
                let participant =
                    self.timeline.token(&self.exec, &task.token).map(|t| t.holder.clone()).unwrap_or_else(
                        || Participant { id: "person".into(), name: "You".into(), kind: "person" },
                    );
                Holding { task, participant }
            })
            .collect()
    }

    /// Timeouts, heartbeats, Wait ends, retries and scripted actions still to come, soonest first.
    pub fn upcoming(&self) -> Vec<Upcoming> {
        let mut out: Vec<Upcoming> =
            self.exec.deadlines().into_iter().map(|d| Upcoming { at_ms: d.at, what: d.what }).collect();
        for (&(at, _), planned) in &self.planned {
            let what = match planned {
                Planned::Resolve(..) => "an integration answers".to_string(),
                Planned::Poll(_) => "an activity worker polls".to_string(),
                Planned::Call { action, by: Caller::Participant(name), .. } => {
                    format!("{name} calls {}", action.name())
                }
                Planned::Call { action, .. } => format!("scenario calls {}", action.name()),
            };
            out.push(Upcoming { at_ms: at, what });
        }
        asl::sort::by_key(&mut out, |u| u.at_ms);
        out
    }

    /// See [`Execution::set_step_limit`]: the browser bounds each command so a runaway loop
    /// cannot freeze the page.
    pub fn set_step_limit(&mut self, limit: Option<u64>) {
        self.exec.set_step_limit(limit);
    }

    /// The step limit stopped the last command with work left; call [`World::resume`] soon.
    pub fn is_busy(&self) -> bool {
        self.exec.is_busy()
    }

    pub fn resume(&mut self) {
        self.exec.resume();
        self.settle();
    }

    // ----- commands from a person -----

    /// Carries out one command; `Err` is AWS's answer to a rejected API call.
    pub fn apply(&mut self, command: &Command) -> Result<(), ApiError> {
        match command {
            Command::SendTaskSuccess { token, output } => self.send_task_success(token, output),
            Command::SendTaskFailure { token, error, cause } => {
                self.send_task_failure(token, error.as_deref(), cause.as_deref())
            }
            Command::SendTaskHeartbeat { token } => self.send_task_heartbeat(token),
            Command::StopExecution => self.stop_execution(),
            Command::AdvanceToNextDeadline => {
                self.advance_to_next_deadline();
                Ok(())
            }
            Command::AdvanceBy(ms) => {
                self.advance_by(*ms);
                Ok(())
            }
            Command::Resume => {
                self.resume();
                Ok(())
            }
        }
    }

    pub fn send_task_success(&mut self, token: &str, output: &str) -> Result<(), ApiError> {
        self.call_now(Action::SendTaskSuccess { output: output.into() }, &Target::Token(token.into()))
    }

    pub fn send_task_failure(
        &mut self,
        token: &str,
        error: Option<&str>,
        cause: Option<&str>,
    ) -> Result<(), ApiError> {
        let action = Action::SendTaskFailure { error: error.map(Into::into), cause: cause.map(Into::into) };
        self.call_now(action, &Target::Token(token.into()))
    }

    pub fn send_task_heartbeat(&mut self, token: &str) -> Result<(), ApiError> {
        self.call_now(Action::SendTaskHeartbeat, &Target::Token(token.into()))
    }

    pub fn stop_execution(&mut self) -> Result<(), ApiError> {
        self.call_now(Action::StopExecution { error: None, cause: None }, &Target::Execution)
    }

    /// Moves the clock to the next thing that happens by itself; false when nothing will.
    pub fn advance_to_next_deadline(&mut self) -> bool {
        match self.next_at() {
            Some(at) => {
                self.advance_to(at);
                true
            }
            None => false,
        }
    }

    pub fn advance_by(&mut self, ms: Millis) {
        let to = self.exec.now().saturating_add(ms);
        self.advance_to(to);
    }

    /// Runs until the execution ends, moving the clock to each next deadline while nothing else
    /// can happen.
    /// Calls planned for after the end still happen, so late and duplicate callbacks show AWS's answer.
    pub fn run_to_end(&mut self) {
        self.run_until(u64::MAX);
    }

    /// Runs as [`World::run_to_end`] does, but stops after the command during which the history
    /// reached event `event_id` (the events of one command share its instant). False when the
    /// run ended before that event.
    pub fn run_until(&mut self, event_id: u64) -> bool {
        let reached = |world: &World| world.exec.history().len() as u64 >= event_id;
        loop {
            if reached(self) {
                return true;
            }
            if self.exec.is_busy() {
                self.resume();
            } else if !self.advance_to_next_deadline() {
                return reached(self);
            }
        }
    }

    // ----- the world's own machinery -----

    fn next_at(&self) -> Option<Millis> {
        let engine = self.exec.next_timer_at();
        let world = self.planned.keys().next().map(|&(at, _)| at);
        match (engine, world) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn advance_to(&mut self, to: Millis) {
        loop {
            match self.next_at() {
                Some(at) if at <= to => {
                    self.exec.advance_to(at);
                    self.settle();
                }
                _ => break,
            }
        }
        self.exec.advance_to(to);
        self.settle();
    }

    fn plan(&mut self, at: Millis, planned: Planned) {
        if self.ended && !matches!(planned, Planned::Call { .. }) {
            return; // nobody is left to answer (see `carry_out_due`)
        }
        self.seq += 1;
        self.planned.insert((at, self.seq), planned);
    }

    /// Answers new integration calls and carries out everything due now, until nothing is left;
    /// then folds what happened into the timeline.
    fn settle(&mut self) {
        self.carry_out_due();
        self.timeline.sync(&self.exec, &self.calls);
    }

    fn carry_out_due(&mut self) {
        loop {
            let effects = self.exec.take_effects();
            for effect in &effects {
                self.on_effect(effect);
            }
            if !self.ended && self.exec.status() != Status::Running {
                // Integrations and workers have nobody left to answer. Scripted API calls still
                // happen, so late and duplicate callbacks get AWS's answer (TaskTimedOut). Once:
                // a scan per late call made 100,000 late calls quadratic.
                self.planned.retain(|_, planned| matches!(planned, Planned::Call { .. }));
                self.ended = true;
            }
            let now = self.exec.now();
            let due = match self.planned.keys().next() {
                Some(&key) if key.0 <= now => key,
                _ if effects.is_empty() => return,
                _ => continue,
            };
            if let Some(planned) = self.planned.remove(&due) {
                self.carry_out(planned);
            }
        }
    }

    fn carry_out(&mut self, planned: Planned) {
        match planned {
            Planned::Resolve(invocation, outcome) => self.exec.resolve(invocation, outcome),
            Planned::Poll(invocation) => self.exec.activity_started(invocation, Some("baton-worker")),
            Planned::Call { action, target, by } => {
                let _ = self.call(action, &target, by);
            }
        }
    }

    fn next_response(&mut self, state: &str) -> Option<Response> {
        let (responses, next) = self.responders.get_mut(state)?;
        let r = responses.get(*next).cloned();
        *next += 1;
        // A state with responders that run out keeps failing loudly rather than waiting forever.
        Some(r.unwrap_or(Response::Throw {
            error: Some("Baton.NoResponse".into()),
            cause: Some(format!(
                "the scenario has no response for invocation {} of state '{}'",
                *next,
                crate::excerpt(state)
            )),
        }))
    }

    fn on_effect(&mut self, effect: &Effect) {
        let now = self.exec.now();
        let who = participant(&effect.resource, &effect.parameters);
        if !self.participants.iter().any(|p| p.id == who.id) {
            self.participants.push(who.clone());
        }
        self.timeline.issued(effect, &who, now);
        if let Some(token) = &effect.token {
            self.last_token.insert(effect.state.clone(), token.clone());
        }
        let activity = effect.resource.kind == ResourceKind::Activity;
        let sync = effect.resource.pattern == Pattern::Sync;
        let epoch_ms = self.exec.options().start_epoch_ms.saturating_add(now);
        let ids = ResponseIds { rng: &mut self.rng, epoch_ms };
        let submitted = default_response(&effect.resource, &effect.parameters, ids);
        let inv = effect.invocation;
        let token_call = |action: Action| Planned::Call {
            action,
            target: Target::Token(effect.token.as_deref().unwrap_or_default().to_string()),
            by: Caller::Participant(who.name.clone()),
        };
        match self.next_response(&effect.state) {
            None if activity => self.plan(now, Planned::Poll(inv)),
            // A `.sync` task is answered twice: the submission, then the job's result.
            None if sync => {
                let finished = default_job_result(&effect.resource, &effect.parameters, &submitted, epoch_ms);
                self.plan(now, Planned::Resolve(inv, Outcome::Return(submitted)));
                self.plan(now, Planned::Resolve(inv, Outcome::Return(finished)));
            }
            None => self.plan(now, Planned::Resolve(inv, Outcome::Return(submitted))),
            Some(Response::Return(x)) if sync => {
                self.plan(now, Planned::Resolve(inv, Outcome::Return(submitted)));
                self.plan(now, Planned::Resolve(inv, Outcome::Return(x)));
            }
            Some(Response::Return(x)) if activity => {
                self.plan(now, Planned::Poll(inv));
                self.plan(now, token_call(Action::SendTaskSuccess { output: x.to_json() }));
            }
            Some(Response::Return(x)) => self.plan(now, Planned::Resolve(inv, Outcome::Return(x))),
            Some(Response::Throw { error, cause }) if activity => {
                self.plan(now, Planned::Poll(inv));
                self.plan(now, token_call(Action::SendTaskFailure { error, cause }));
            }
            Some(Response::Throw { error, cause }) => {
                self.plan(now, Planned::Resolve(inv, Outcome::Throw { error, cause }))
            }
            Some(Response::Hang) if activity => self.plan(now, Planned::Poll(inv)),
            Some(Response::Hang) => {}
            Some(Response::Callback { answer, after_seconds, heartbeats }) => {
                if activity {
                    self.plan(now, Planned::Poll(inv));
                } else {
                    self.plan(now, Planned::Resolve(inv, Outcome::Return(submitted)));
                }
                for h in heartbeats {
                    self.plan(
                        now.saturating_add((h * 1000.0).round() as Millis),
                        token_call(Action::SendTaskHeartbeat),
                    );
                }
                let at = now.saturating_add((after_seconds.unwrap_or(0.0) * 1000.0).round() as Millis);
                match answer {
                    Answer::Success(output) => {
                        self.plan(at, token_call(Action::SendTaskSuccess { output: output.to_json() }))
                    }
                    Answer::Failure { error, cause } => {
                        self.plan(at, token_call(Action::SendTaskFailure { error, cause }))
                    }
                    Answer::None => {}
                }
            }
        }
    }

    fn call(&mut self, action: Action, target: &Target, by: Caller) -> Result<(), ApiError> {
        let token: Option<String> = match target {
            Target::Token(t) => Some(t.clone()),
            Target::State(s) => {
                Some(self.last_token.get(s.as_str()).map(|t| t.to_string()).unwrap_or_default())
            }
            Target::Execution => None,
        };
        let t = token.as_deref().unwrap_or_default();
        let result = match &action {
            Action::SendTaskSuccess { output } => self.exec.send_task_success(t, output),
            Action::SendTaskFailure { error, cause } => {
                self.exec.send_task_failure(t, error.as_deref(), cause.as_deref())
            }
            Action::SendTaskHeartbeat => self.exec.send_task_heartbeat(t),
            Action::StopExecution { error, cause } => self.exec.stop(error.as_deref(), cause.as_deref()),
        };
        let state = match target {
            Target::State(s) => Some(s.clone()),
            _ => self.timeline.token(&self.exec, t).map(|life| life.state.to_string()),
        };
        self.calls.push(CallRecord {
            at_ms: self.exec.now(),
            action: action.name(),
            state,
            token,
            by,
            ok: result.is_ok(),
            error: result.as_ref().err().map(|e| e.code.to_string()),
            message: result.as_ref().err().map(|e| e.message.clone()),
        });
        result
    }

    /// A person's call: carried out, then the world reacts to it.
    fn call_now(&mut self, action: Action, target: &Target) -> Result<(), ApiError> {
        let result = self.call(action, target, Caller::Person);
        self.settle();
        result
    }
}
