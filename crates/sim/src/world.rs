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

use crate::integrations::{default_response, participant, Participant, ResponseIds};
use crate::scenario::{Action, Answer, Response, Scenario, Target};

/// One API call made by the outside world, and what AWS answered.
#[derive(Clone, Debug, PartialEq)]
pub struct CallRecord {
    pub at_ms: Millis,
    pub action: &'static str,
    /// The Task state the token belonged to, when known.
    pub state: Option<String>,
    pub token: Option<String>,
    /// The participant that made the call (a simulated worker), or `None` for a person or scenario call.
    pub by: Option<String>,
    pub ok: bool,
    pub error: Option<String>,
    pub message: Option<String>,
}

/// Something the world will do at a time.
#[derive(Clone, Debug)]
enum Planned {
    Resolve(u64, Outcome),
    Poll(u64),
    Call { action: Action, target: Target, by: Option<String> },
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
    /// Per Task state, its responses and the next one to give (a list: a scenario names a few states).
    responders: Vec<(String, Vec<Response>, usize)>,
    planned: BTreeMap<(Millis, u64), Planned>,
    seq: u64,
    calls: Vec<CallRecord>,
    last_token: HashMap<Rc<str>, Rc<str>>,
    token_state: HashMap<Rc<str>, Rc<str>>,
    holders: HashMap<Rc<str>, Participant>,
    participants: Vec<Participant>,
    /// Ids in made-up integration responses: seeded like the execution, separate from it.
    rng: asl::rng::Rng,
}

impl World {
    /// Starts the execution and lets the world answer until everything waits.
    pub fn start(machine: Rc<StateMachine>, input: Value, scenario: &Scenario) -> World {
        let exec = Execution::start(machine, input, scenario.context.options.clone());
        let mut world = World {
            exec,
            responders: scenario.responders.iter().map(|(s, r)| (s.clone(), r.clone(), 0)).collect(),
            planned: BTreeMap::new(),
            seq: 0,
            calls: Vec::new(),
            last_token: HashMap::new(),
            token_state: HashMap::new(),
            holders: HashMap::new(),
            participants: Vec::new(),
            rng: asl::rng::Rng::new(scenario.context.options.seed ^ 0x5EED_B1A7),
        };
        for call in &scenario.calls {
            let at = (call.at_seconds * 1000.0).round() as Millis;
            world.plan(
                at,
                Planned::Call { action: call.action.clone(), target: call.target.clone(), by: None },
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

    /// Open tokens with the participant holding each.
    pub fn open_tasks(&self) -> Vec<Holding> {
        self.exec
            .open_tasks()
            .into_iter()
            .map(|task| {
                let participant = self.holders.get(&task.token).cloned().unwrap_or_else(|| Participant {
                    id: "person".into(),
                    name: "You".into(),
                    kind: "person",
                });
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
                Planned::Call { action, by, .. } => match by {
                    Some(by) => format!("{by} calls {}", action.name()),
                    None => format!("scenario calls {}", action.name()),
                },
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
        loop {
            while self.exec.is_busy() {
                self.resume();
            }
            if !self.advance_to_next_deadline() {
                break;
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
        self.seq += 1;
        self.planned.insert((at, self.seq), planned);
    }

    /// Answers new integration calls and carries out everything due now, until nothing is left.
    fn settle(&mut self) {
        loop {
            let effects = self.exec.take_effects();
            for effect in &effects {
                self.on_effect(effect);
            }
            if self.exec.status() != Status::Running {
                // Integrations and workers have nobody left to answer. Scripted API calls still
                // happen, so late and duplicate callbacks get AWS's answer (TaskTimedOut).
                self.planned.retain(|_, planned| matches!(planned, Planned::Call { .. }));
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
        let (_, responses, next) = self.responders.iter_mut().find(|(s, ..)| s == state)?;
        let r = responses.get(*next).cloned();
        *next += 1;
        // A state with responders that run out keeps failing loudly rather than waiting forever.
        Some(r.unwrap_or(Response::Throw {
            error: Some("Baton.NoResponse".into()),
            cause: Some(format!("the scenario has no response for invocation {} of state '{state}'", *next)),
        }))
    }

    fn on_effect(&mut self, effect: &Effect) {
        let now = self.exec.now();
        let who = participant(&effect.resource, &effect.parameters);
        if !self.participants.iter().any(|p| p.id == who.id) {
            self.participants.push(who.clone());
        }
        if let Some(token) = &effect.token {
            self.last_token.insert(effect.state.clone(), token.clone());
            self.token_state.insert(token.clone(), effect.state.clone());
            self.holders.insert(token.clone(), who.clone());
        }
        let activity = effect.resource.kind == ResourceKind::Activity;
        let callback = effect.resource.pattern == Pattern::WaitForTaskToken && !activity;
        let sync = effect.resource.pattern == Pattern::Sync;
        let epoch_ms = self.exec.options().start_epoch_ms.saturating_add(now);
        let ids = ResponseIds { rng: &mut self.rng, epoch_ms };
        let submitted = default_response(&effect.resource, &effect.parameters, ids);
        let inv = effect.invocation;
        let token_call = |action: Action| Planned::Call {
            action,
            target: Target::Token(effect.token.as_deref().unwrap_or_default().to_string()),
            by: Some(who.name.clone()),
        };
        match self.next_response(&effect.state) {
            None if activity => self.plan(now, Planned::Poll(inv)),
            None => self.plan(now, Planned::Resolve(inv, Outcome::Return(submitted))),
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
                } else if callback || !sync {
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

    fn call(&mut self, action: Action, target: &Target, by: Option<String>) -> Result<(), ApiError> {
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
            _ => self.token_state.get(t).map(|s| s.to_string()),
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
        let result = self.call(action, target, None);
        self.settle();
        result
    }
}
