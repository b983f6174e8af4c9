//! What happened in a run, folded once: the engine's typed events plus the world's call records,
//! with the facts only Baton knows attached (which token an event concerns, who held and who
//! answered it, why it closed, how far each state got).
//!
//! Every view reads this instead of re-deriving the engine's facts from AWS-shaped JSON: the
//! token inbox, the graph's marks, the sequence diagram and the history table. The AWS JSON is
//! made only where AWS's shape is the point (the history table's payloads, export, the CLI).
//!
//! The fold is incremental: [`Timeline::sync`] reads only what is new since its last call, so a
//! click costs the events it caused, not the whole history.

use std::rc::Rc;

use asl::exec::{Effect, Execution, Millis, Status};
use asl::history::{Event, EventKind};
use asl::ErrorName;

use crate::call::{CallRecord, Caller};
use crate::integrations::Participant;

/// One task token the execution issued, from the scheduling to its close.
#[derive(Clone, Debug, PartialEq)]
pub struct TokenLife {
    pub token: Rc<str>,
    /// The Task state that issued it.
    pub state: Rc<str>,
    /// The `TaskScheduled` (or `ActivityScheduled`) event that issued it.
    pub scheduled_event: u64,
    /// 1 for the first attempt, 2 for the first retry...
    pub attempt: u32,
    /// The Map iteration the task runs in (`$$.Map.Item.Index`).
    pub map_index: Option<usize>,
    /// Who the token was handed to.
    pub holder: Participant,
    pub opened_at_ms: Millis,
    /// The last accepted SendTaskHeartbeat.
    pub last_heartbeat_ms: Option<Millis>,
    /// Who made the accepted SendTaskSuccess / SendTaskFailure, once one was accepted.
    answered_by: Option<Caller>,
    /// The task's TimeoutSeconds and when its clocks started: to tell which clock fired.
    timeout_seconds: Option<u64>,
    started_at_ms: Option<Millis>,
    pub closed: Option<Closed>,
}

/// When and why a token stopped being open.
#[derive(Clone, Debug, PartialEq)]
pub struct Closed {
    pub at_ms: Millis,
    /// The event that closed it, when one did.
    pub event: Option<u64>,
    pub why: CloseReason,
}

#[derive(Clone, Debug, PartialEq)]
pub enum CloseReason {
    /// SendTaskSuccess was accepted; `None` when no recorded call made it (an integration answer).
    Succeeded { by: Option<Caller> },
    /// SendTaskFailure was accepted, with the error it passed.
    Failed { by: Option<Caller>, error: Option<ErrorName> },
    /// `error` as the history records it (`States.Timeout`, for the heartbeat too, as on AWS);
    /// `heartbeat` says which clock fired.
    TimedOut { error: ErrorName, heartbeat: bool },
    /// The state was stopped while the token was out: a sibling branch failed, or the execution
    /// stopped, failed or timed out around it.
    Aborted,
    /// The execution ended without an event for the task.
    ExecutionEnded(Status),
}

impl CloseReason {
    /// One line for the inbox: what closed the token, in the history's own names.
    pub fn describe(&self) -> String {
        let by = |caller: &Option<Caller>| match caller {
            Some(c) => format!(" by {}", c.name()),
            None => String::new(),
        };
        match self {
            CloseReason::Succeeded { by: caller } => format!("Answered with SendTaskSuccess{}", by(caller)),
            CloseReason::Failed { by: caller, error } => match error {
                Some(e) => format!("Answered with SendTaskFailure ({e}){}", by(caller)),
                None => format!("Answered with SendTaskFailure{}", by(caller)),
            },
            CloseReason::TimedOut { error, heartbeat: true } => {
                format!("Timed out ({error}): no heartbeat in time")
            }
            CloseReason::TimedOut { error, heartbeat: false } => format!("Timed out ({error})"),
            CloseReason::Aborted => "Aborted with its state".to_string(),
            CloseReason::ExecutionEnded(Status::Aborted) => "Execution stopped".to_string(),
            CloseReason::ExecutionEnded(status) => format!("Execution ended ({})", status.as_aws()),
        }
    }
}

/// How far a state got, for the graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// Entered and not left.
    Current,
    Visited,
    /// Failed inside, then left normally (retried or caught).
    Caught,
    /// Where the execution failed.
    Failed,
}

#[derive(Clone, Debug, Default)]
pub struct Timeline {
    tokens: Vec<TokenLife>,
    /// Token index by event (`[id - 1]`): the event that issued it, and every later event of the
    /// same task. A plain list, as event ids run 1, 2, 3...
    token_of_event: Vec<Option<u32>>,
    progress: Vec<(Rc<str>, Progress)>,
    /// States entered and not left, innermost last.
    current: Vec<Rc<str>>,
    /// The state a failure event happened in, until it is left or the execution fails.
    failing: Option<Rc<str>>,
    events_seen: usize,
    calls_seen: usize,
    /// The tokens still open when the execution ended have been closed.
    ended: bool,
}

impl Timeline {
    /// Every token the execution issued, in issue order, open or closed.
    pub fn tokens(&self) -> &[TokenLife] {
        &self.tokens
    }

    /// The life of a token `exec` issued (the engine knows which event issued it; a token's
    /// events lead to its life).
    pub fn token(&self, exec: &Execution, token: &str) -> Option<&TokenLife> {
        self.token_of(exec.token_issued_by(token)?)
    }

    /// The token a history event concerns (its scheduling, start, submit, answer, timeout, abort).
    pub fn token_of(&self, event_id: u64) -> Option<&TokenLife> {
        self.token_index(event_id).map(|i| &self.tokens[i])
    }

    fn token_index(&self, event_id: u64) -> Option<usize> {
        let slot = usize::try_from(event_id).ok()?.checked_sub(1)?;
        self.token_of_event.get(slot).copied().flatten().map(|i| i as usize)
    }

    fn set_token_index(&mut self, event_id: u64, index: usize) {
        let Some(slot) = usize::try_from(event_id).ok().and_then(|id| id.checked_sub(1)) else { return };
        if self.token_of_event.len() <= slot {
            self.token_of_event.resize(slot + 1, None);
        }
        self.token_of_event[slot] = Some(index as u32);
    }

    /// How far each state got, in the order they were first entered.
    pub fn progress(&self) -> &[(Rc<str>, Progress)] {
        &self.progress
    }

    /// A scheduling that issued a token: the world calls this for each effect it answers.
    pub(crate) fn issued(&mut self, effect: &Effect, holder: &Participant, at_ms: Millis) {
        let Some(token) = &effect.token else { return };
        self.set_token_index(effect.scheduled_event, self.tokens.len());
        self.tokens.push(TokenLife {
            token: token.clone(),
            state: effect.state.clone(),
            scheduled_event: effect.scheduled_event,
            attempt: effect.retry_count + 1,
            map_index: effect.map_index,
            holder: holder.clone(),
            opened_at_ms: at_ms,
            last_heartbeat_ms: None,
            answered_by: None,
            timeout_seconds: None,
            started_at_ms: None,
            closed: None,
        });
    }

    /// Folds in what happened since the last call: new calls first (an accepted answer precedes
    /// the event it causes), then new events.
    pub(crate) fn sync(&mut self, exec: &Execution, calls: &[CallRecord]) {
        for call in &calls[self.calls_seen.min(calls.len())..] {
            self.on_call(exec, call);
        }
        self.calls_seen = calls.len();
        let history = exec.history();
        for event in &history[self.events_seen.min(history.len())..] {
            self.on_event(event);
        }
        self.events_seen = history.len();
        if exec.status() != Status::Running && !self.ended {
            // Once: an ended execution issues no more tokens, and late calls each sync.
            self.ended = true;
            let (now, status) = (exec.now(), exec.status());
            for life in self.tokens.iter_mut().filter(|t| t.closed.is_none()) {
                life.closed =
                    Some(Closed { at_ms: now, event: None, why: CloseReason::ExecutionEnded(status) });
            }
        }
    }

    fn on_call(&mut self, exec: &Execution, call: &CallRecord) {
        let (true, Some(token)) = (call.ok, call.token.as_deref()) else { return };
        let Some(i) = exec.token_issued_by(token).and_then(|id| self.token_index(id)) else { return };
        let life = &mut self.tokens[i];
        match call.action {
            "SendTaskSuccess" | "SendTaskFailure" => life.answered_by = Some(call.by.clone()),
            "SendTaskHeartbeat" => life.last_heartbeat_ms = Some(call.at_ms),
            _ => {}
        }
    }

    fn on_event(&mut self, event: &Event) {
        self.follow_token(event);
        self.fold_progress(event);
    }

    /// Attaches the event to its task's token (events of one task chain by `previousEventId`)
    /// and closes the token when the event ends the task.
    fn follow_token(&mut self, event: &Event) {
        use EventKind::*;
        let task_event = matches!(
            event.kind,
            TaskStarted { .. }
                | TaskSubmitted { .. }
                | TaskSucceeded { .. }
                | TaskFailed { .. }
                | TaskTimedOut { .. }
                | TaskStateAborted { .. }
                | ActivityStarted { .. }
                | ActivitySucceeded { .. }
                | ActivityFailed { .. }
                | ActivityTimedOut { .. }
        );
        let index = match self.token_index(event.id) {
            Some(i) => i, // the scheduling event itself
            None if task_event => match self.token_index(event.previous_event_id) {
                Some(i) => {
                    self.set_token_index(event.id, i);
                    i
                }
                None => return,
            },
            None => return,
        };
        let life = &mut self.tokens[index];
        let why = match &event.kind {
            TaskScheduled { timeout_seconds, .. } | ActivityScheduled { timeout_seconds, .. } => {
                life.timeout_seconds = *timeout_seconds;
                return;
            }
            TaskSubmitted { .. } | ActivityStarted { .. } => {
                life.started_at_ms = Some(event.at_ms);
                return;
            }
            TaskSucceeded { .. } | ActivitySucceeded { .. } => {
                CloseReason::Succeeded { by: life.answered_by.clone() }
            }
            TaskFailed { error, .. } | ActivityFailed { error, .. } => {
                CloseReason::Failed { by: life.answered_by.clone(), error: error.clone() }
            }
            TaskTimedOut { error, .. } | ActivityTimedOut { error, .. } => {
                // HeartbeatSeconds is below TimeoutSeconds (validation insists), so a task that
                // timed out before its TimeoutSeconds ran out missed a heartbeat.
                let started = life.started_at_ms.unwrap_or(life.opened_at_ms);
                let elapsed = event.at_ms.saturating_sub(started);
                let heartbeat = life.timeout_seconds.is_none_or(|t| elapsed < t.saturating_mul(1000));
                CloseReason::TimedOut { error: error.clone().unwrap_or(ErrorName::Timeout), heartbeat }
            }
            TaskStateAborted { .. } => CloseReason::Aborted,
            _ => return,
        };
        if life.closed.is_none() {
            life.closed = Some(Closed { at_ms: event.at_ms, event: Some(event.id), why });
        }
    }

    /// Marks each state by what happened in it. A failure in a state that is then left normally
    /// was retried or caught; one followed by the end of the execution was not.
    fn fold_progress(&mut self, event: &Event) {
        use EventKind::*;
        match &event.kind {
            StateEntered { state_type, name, .. } => {
                self.set_progress(name, Progress::Current);
                self.current.push(name.clone());
                if *state_type == "Fail" {
                    self.failing = Some(name.clone());
                }
            }
            StateExited { name, .. } => {
                let caught = self.failing.as_deref() == Some(&**name);
                self.set_progress(name, if caught { Progress::Caught } else { Progress::Visited });
                if caught {
                    self.failing = None;
                }
                if let Some(i) = self.current.iter().rposition(|c| c == name) {
                    self.current.remove(i);
                }
            }
            ExecutionFailed { .. } | ExecutionTimedOut { .. } | ExecutionAborted { .. } => {
                if let Some(name) = self.failing.take().or_else(|| self.current.last().cloned()) {
                    self.set_progress(&name, Progress::Failed);
                }
                self.settle_current();
            }
            ExecutionSucceeded { .. } => self.settle_current(),
            TaskFailed { .. }
            | TaskTimedOut { .. }
            | LambdaFunctionFailed { .. }
            | LambdaFunctionTimedOut { .. }
            | ActivityFailed { .. }
            | ActivityTimedOut { .. }
            | ParallelStateFailed
            | MapStateFailed
            | MapIterationFailed { .. } => self.failing = self.current.last().cloned(),
            // A JSONata expression of this state failed.
            EvaluationFailed { state, .. } => self.failing = Some(state.clone()),
            _ => {}
        }
    }

    /// At the end, states still marked current were left when the execution ended.
    fn settle_current(&mut self) {
        for name in std::mem::take(&mut self.current) {
            if let Some((_, p)) = self.progress.iter_mut().find(|(n, _)| *n == name) {
                if *p == Progress::Current {
                    *p = Progress::Visited;
                }
            }
        }
    }

    fn set_progress(&mut self, name: &Rc<str>, progress: Progress) {
        match self.progress.iter_mut().find(|(n, _)| n == name) {
            Some((_, p)) => *p = progress,
            None => self.progress.push((name.clone(), progress)),
        }
    }
}
