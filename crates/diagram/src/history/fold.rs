//! The fold: a history's events, in id order, into what happened. One pass over the events; the
//! state an event belongs to is found through `previousEventId` (an event's entry is its
//! predecessor's), as the sequence diagram finds it.
//!
//! The graph's marks follow the engine's own fold (`sim::Timeline`, which the app reads) rule for
//! rule, so that a real execution and a simulated one colour the same graph the same way: a state
//! entered and not left is current; left, it is visited; a failure in it followed by its exit was
//! caught; the state where the execution failed (a Fail state, the state of the last failure, or
//! else the innermost one still open) is failed.

use std::collections::HashMap;

use serde_json::Value;

use super::read::Call;
use super::{timeout_clock, Clock};
use crate::graph::{Marks, StateMark};
use crate::sequence::script::{derive, find_token, read, s, Ev, Kind};
use crate::{Annotations, ApiCall, Participant};

/// An execution's status, as `describe-execution` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// No event ended it: still running, or the history stops short.
    Running,
    Succeeded,
    Failed,
    TimedOut,
    Aborted,
}

impl Status {
    pub fn as_aws(self) -> &'static str {
        match self {
            Status::Running => "RUNNING",
            Status::Succeeded => "SUCCEEDED",
            Status::Failed => "FAILED",
            Status::TimedOut => "TIMED_OUT",
            Status::Aborted => "ABORTED",
        }
    }
}

/// How a visit to a state ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Left normally (after retries, if it has errors).
    Done,
    /// Failed with this error and left through a Catch.
    Caught(String),
    /// Where the execution failed, with this error.
    Failed(String),
    /// Stopped by its own `…Aborted` event (a sibling branch failed, the execution was stopped);
    /// with the error of its last attempt when that had failed (AWS aborts the very task whose
    /// failure ends a Parallel branch).
    Aborted(Option<String>),
    /// Still open when the execution ended (failed elsewhere, stopped or timed out).
    Stopped,
    /// Open when the history ends, with a token or an activity out.
    Waiting,
    /// Open when the history ends.
    Running,
}

/// One visit to a state: from its `…StateEntered` to how it ended.
#[derive(Debug, Clone, PartialEq)]
pub struct Visit {
    /// The `…StateEntered` event's id.
    pub event: i64,
    pub name: String,
    /// `Task`, `Choice`, `Map`…: the event type's prefix.
    pub kind: String,
    /// Milliseconds since the execution started, when the events have times.
    pub at_ms: Option<i64>,
    pub end_ms: Option<i64>,
    /// The Map iteration it ran in (the innermost), if any.
    pub map_index: Option<i64>,
    /// A Task's hand-offs, a Map's or Parallel's starts: more than one after a Retry.
    pub attempts: u32,
    /// The error of every failure in it, in order (retried, caught or final).
    pub errors: Vec<String>,
    pub outcome: Outcome,
    /// The state entered right after it was left: its Next, the catcher's Next, the Choice's pick.
    pub next: Option<String>,
    /// A Map's number of items (`MapStateStarted`'s length).
    pub items: Option<u64>,
    /// The error of the last attempt, while no later attempt started.
    failing: Option<String>,
}

/// How a task hand-off ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum End {
    /// TaskSucceeded (a callback's SendTaskSuccess, an integration's result), ActivitySucceeded…
    Succeeded,
    /// TaskFailed, ActivityFailed…; `answered` when the task had been handed off (TaskSubmitted,
    /// ActivityStarted) so the failure is SendTaskFailure's, not the hand-off's own.
    Failed { error: String, cause: Option<String>, answered: bool },
    /// TaskTimedOut…, with the clock that ran out when it can be told.
    TimedOut { error: String, clock: Option<Clock> },
    /// TaskStateAborted.
    Aborted,
    /// The execution ended while it was out.
    ExecutionEnded(Status),
}

/// What came of a failed or timed-out attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Then {
    /// Nothing to say: it succeeded, or is still out.
    Nothing,
    /// Retried: the next attempt's hand-off event and time.
    Retried { event: i64, at_ms: Option<i64> },
    /// Caught: the state entered next.
    Caught { next: Option<String> },
    /// The execution failed.
    FailedExecution,
}

/// A task hand-off (`TaskScheduled`, `ActivityScheduled`, `LambdaFunctionScheduled`): one
/// attempt of a Task state.
#[derive(Debug, Clone, PartialEq)]
pub struct Handoff {
    /// The hand-off event's id.
    pub event: i64,
    pub state: String,
    /// Its state's visit (an index into [`Story::visits`]).
    pub visit: Option<usize>,
    /// 1 for the first attempt, 2 for the first retry…
    pub attempt: u32,
    pub map_index: Option<i64>,
    /// Who it went to, as the sequence diagram names the lifeline.
    pub who: Participant,
    /// `sqs:sendMessage.waitForTaskToken`; an activity's or a Lambda function's ARN.
    pub resource: String,
    /// It waits for a task token (`.waitForTaskToken`) or an activity worker.
    pub waits: bool,
    /// The task token, found in the parameters.
    pub token: Option<String>,
    pub timeout_s: Option<u64>,
    pub heartbeat_s: Option<u64>,
    /// Milliseconds since the execution started.
    pub at_ms: Option<i64>,
    /// When it started (TaskStarted, ActivityStarted…), since the execution started.
    pub started_ms: Option<i64>,
    /// Handed off: TaskSubmitted for a callback, ActivityStarted for an activity.
    pub submitted: bool,
    /// The activity worker that took it.
    pub worker: Option<String>,
    pub end: Option<End>,
    pub end_event: Option<i64>,
    pub end_ms: Option<i64>,
    pub then: Then,
}

/// An event of a type Step Functions does not write: kept, shown as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unknown {
    pub event: i64,
    pub at_ms: Option<i64>,
    pub ty: String,
}

/// What happened in an execution, from its history.
#[derive(Debug, Clone, PartialEq)]
pub struct Story {
    pub status: Status,
    pub error: Option<String>,
    pub cause: Option<String>,
    /// Epoch milliseconds of `ExecutionStarted` (else of the first event with a time).
    pub start_ms: Option<i64>,
    /// Epoch milliseconds of the event that ended the execution, or of the last event.
    pub end_ms: Option<i64>,
    pub events: usize,
    pub first_id: i64,
    pub last_id: i64,
    /// `ExecutionRedriven` events.
    pub redrives: usize,
    pub visits: Vec<Visit>,
    pub handoffs: Vec<Handoff>,
    /// The calls `baton run` recorded, each attributed to the hand-off whose token it used.
    pub calls: Vec<Call>,
    pub unknown: Vec<Unknown>,
    pub marks: Marks,
}

impl Story {
    /// The sequence diagram's annotations: the recorded calls, with the tokens they used (none
    /// for a history from AWS, which records no calls).
    pub fn annotations(&self) -> Annotations {
        let calls = self
            .calls
            .iter()
            .map(|c| ApiCall {
                at_ms: c.at_ms,
                action: c.action.clone(),
                token: c.handoff.and_then(|k| self.handoffs[k].token.clone()).unwrap_or_default(),
                ok: c.ok,
                error: c.error.clone(),
                participant: c.by.clone(),
            })
            .collect();
        Annotations { calls, participants: Vec::new(), tokens: Vec::new() }
    }
}

/// The workflow graph's marks for a history (AWS-shaped events, in any order): the same marks the
/// app derives from a simulated run's timeline, for any history, simulated or real.
pub fn marks_of_history(history: &[Value]) -> Marks {
    fold(history, &[]).marks
}

/// The engine's progress fold (`sim::Timeline::fold_progress`), over AWS's JSON.
#[derive(Default)]
struct Progress<'a> {
    marks: Marks,
    /// States entered and not left, innermost last.
    current: Vec<&'a str>,
    /// The state a failure happened in, until it is left or the execution fails.
    failing: Option<&'a str>,
}

impl<'a> Progress<'a> {
    fn entered(&mut self, name: &'a str, fail_state: bool) {
        self.marks.set(name, StateMark::Current);
        self.current.push(name);
        if fail_state {
            self.failing = Some(name);
        }
    }

    fn exited(&mut self, name: &'a str) {
        let caught = self.failing == Some(name);
        self.marks.set(name, if caught { StateMark::Caught } else { StateMark::Visited });
        if caught {
            self.failing = None;
        }
        if let Some(i) = self.current.iter().rposition(|c| *c == name) {
            self.current.remove(i);
        }
    }

    /// A failure in the innermost open state.
    fn failed(&mut self) {
        self.failing = self.current.last().copied();
    }

    /// The execution failed, timed out or was stopped: the state it failed in, if any.
    fn execution_failed(&mut self) -> Option<&'a str> {
        let name = self.failing.take().or_else(|| self.current.last().copied());
        if let Some(name) = name {
            self.marks.set(name, StateMark::Failed);
        }
        self.settle();
        name
    }

    /// At the end, states still marked current were left when the execution ended.
    fn settle(&mut self) {
        for name in std::mem::take(&mut self.current) {
            if self.marks.get(name) == Some(StateMark::Current) {
                self.marks.set(name, StateMark::Visited);
            }
        }
    }
}

/// The kinds of failure events that the engine's fold counts (and the failures of the hand-off
/// itself, which the engine never writes).
fn is_failure(ty: &str) -> bool {
    matches!(
        ty,
        "TaskFailed"
            | "TaskTimedOut"
            | "TaskStartFailed"
            | "TaskSubmitFailed"
            | "LambdaFunctionFailed"
            | "LambdaFunctionTimedOut"
            | "LambdaFunctionScheduleFailed"
            | "LambdaFunctionStartFailed"
            | "ActivityFailed"
            | "ActivityTimedOut"
            | "ActivityScheduleFailed"
            | "ParallelStateFailed"
            | "MapStateFailed"
            | "MapIterationFailed"
    )
}

fn non_empty(v: &str) -> Option<String> {
    (!v.is_empty()).then(|| v.to_string())
}

/// The fold's working state: the visits open, by name and by nesting.
struct Open<'a> {
    by_name: HashMap<&'a str, Vec<usize>>,
    /// Open Map and Parallel visits, innermost last.
    containers: Vec<usize>,
}

impl<'a> Open<'a> {
    fn remove(&mut self, name: &str, v: usize) {
        if let Some(list) = self.by_name.get_mut(name) {
            if let Some(i) = list.iter().rposition(|&x| x == v) {
                list.remove(i);
            }
        }
        if let Some(i) = self.containers.iter().rposition(|&x| x == v) {
            self.containers.remove(i);
        }
    }

    /// The latest open visit of `name`.
    fn latest(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).and_then(|l| l.last().copied())
    }

    fn all(&self) -> Vec<usize> {
        let mut all: Vec<usize> = self.by_name.values().flatten().copied().collect();
        all.sort_unstable();
        all
    }
}

pub(crate) fn fold(history: &[Value], calls: &[Call]) -> Story {
    let mut evs: Vec<Ev> = history.iter().enumerate().map(|(i, e)| read(i, e)).collect();
    if !evs.is_sorted_by_key(|e| e.id) {
        sort::by_key(&mut evs, |e| e.id);
    }
    let n = evs.len();
    let start_ms = evs
        .iter()
        .find(|e| e.kind == Kind::ExecutionStarted)
        .and_then(|e| e.t)
        .or_else(|| evs.iter().find_map(|e| e.t));
    let rel = |t: Option<i64>| -> Option<i64> { Some(t? - start_ms?) };

    let mut story = Story {
        status: Status::Running,
        error: None,
        cause: None,
        start_ms,
        end_ms: evs.iter().rev().find_map(|e| e.t),
        events: n,
        first_id: evs.first().map_or(0, |e| e.id),
        last_id: evs.last().map_or(0, |e| e.id),
        redrives: 0,
        visits: Vec::new(),
        handoffs: Vec::new(),
        calls: calls.to_vec(),
        unknown: Vec::new(),
        marks: Marks::new(),
    };
    let mut progress = Progress::default();
    let mut open = Open { by_name: HashMap::new(), containers: Vec::new() };
    // Per event position: the position of its state entry (its `…StateEntered`), its Map index.
    let mut entry: Vec<Option<usize>> = Vec::with_capacity(n);
    let mut index: Vec<Option<i64>> = Vec::with_capacity(n);
    // The visit of each entered event, and the visit each exit event closed.
    let mut visit_at: Vec<Option<usize>> = vec![None; n];
    let mut exit_of: Vec<Option<usize>> = vec![None; n];
    // Hand-offs not ended yet, and each hand-off's event position and start (epoch ms).
    let mut out: Vec<usize> = Vec::new();
    let mut handoff_pos: Vec<usize> = Vec::new();
    let mut handoff_entry: Vec<Option<usize>> = Vec::new();
    let mut started_at: Vec<Option<i64>> = Vec::new();
    let mut started: Vec<bool> = Vec::new();
    let mut last_error: Option<String> = None;

    for (i, e) in evs.iter().enumerate() {
        let prev = match i.checked_sub(1) {
            Some(j) if evs[j].id == e.prev => Some(j),
            _ => {
                let p = evs[..i].partition_point(|x| x.id < e.prev);
                (p < i && evs[p].id == e.prev).then_some(p)
            }
        };
        entry.push(if e.kind == Kind::Entered { Some(i) } else { prev.and_then(|p| entry[p]) });
        index.push(match e.kind {
            Kind::MapIterationStarted => e.d.get("index").and_then(Value::as_i64),
            _ => prev.and_then(|p| index[p]),
        });
        let visit_of_entry = entry[i].and_then(|p| visit_at[p]);
        let t = rel(e.t);
        let error = || non_empty(s(e.d, "error"));

        // The engine's progress fold's failures, and the events the kinds below do not tell apart.
        if is_failure(e.ty) {
            progress.failed();
        }
        match e.ty {
            "EvaluationFailed" => {
                let state = s(e.d, "state");
                progress.failing = Some(state);
                let err = error().unwrap_or_else(|| "States.QueryEvaluationError".into());
                fail_visit(&mut story, open.latest(state), &err);
                last_error = Some(err);
            }
            "WaitStateAborted" => {
                if let Some(v) = visit_of_entry {
                    close(&mut story, &mut open, v, Outcome::Aborted(None), t);
                }
            }
            "ExecutionRedriven" => {
                story.redrives += 1;
                story.status = Status::Running;
                story.error = None;
                story.cause = None;
            }
            ty if !super::is_known_type(ty) => {
                story.unknown.push(Unknown { event: e.id, at_ms: t, ty: ty.to_string() })
            }
            _ => {}
        }
        match e.kind {
            Kind::ExecutionStarted => {}
            Kind::Entered => {
                let name = e.name;
                let kind = e.ty.strip_suffix("StateEntered").unwrap_or(e.ty).to_string();
                let v = story.visits.len();
                story.visits.push(Visit {
                    event: e.id,
                    name: name.to_string(),
                    kind,
                    at_ms: t,
                    end_ms: None,
                    map_index: index[i],
                    attempts: 0,
                    errors: Vec::new(),
                    outcome: Outcome::Running,
                    next: None,
                    items: None,
                    failing: None,
                });
                visit_at[i] = Some(v);
                open.by_name.entry(name).or_default().push(v);
                if matches!(e.ty, "MapStateEntered" | "ParallelStateEntered") {
                    open.containers.push(v);
                }
                // The state left just before, through this one's predecessor.
                if let Some(w) = prev.and_then(|p| exit_of[p]) {
                    story.visits[w].next.get_or_insert_with(|| name.to_string());
                }
                progress.entered(name, e.ty == "FailStateEntered");
            }
            Kind::Exited => {
                let name = s(e.d, "name");
                // The visit of this thread if it is open under this name, else the latest one.
                let mine = visit_of_entry.filter(|&v| open.by_name.get(name).is_some_and(|l| l.contains(&v)));
                if let Some(v) = mine.or_else(|| open.latest(name)) {
                    let visit = &mut story.visits[v];
                    visit.outcome = match visit.failing.take() {
                        Some(error) => Outcome::Caught(error),
                        None => Outcome::Done,
                    };
                    visit.end_ms = t;
                    // A Map's exit follows its last iteration's events: it is in the Map's place.
                    index[i] = visit.map_index;
                    exit_of[i] = Some(v);
                    open.remove(name, v);
                }
                progress.exited(name);
            }
            Kind::Handoff => {
                let v = visit_of_entry;
                let attempt = match v {
                    Some(v) => {
                        let visit = &mut story.visits[v];
                        visit.attempts += 1;
                        visit.failing = None;
                        visit.attempts
                    }
                    None => 1,
                };
                let res = s(e.d, "resource");
                let waits = e.ty == "ActivityScheduled" || res.ends_with(".waitForTaskToken");
                let resource = match (e.ty, s(e.d, "resourceType")) {
                    ("TaskScheduled", rt) if !rt.is_empty() => format!("{rt}:{res}"),
                    _ => res.to_string(),
                };
                let token = match e.ty == "TaskScheduled" && waits {
                    true => find_token(e.d, &[]),
                    false => None,
                };
                let secs = |key: &str| e.d.get(key).and_then(Value::as_u64);
                story.handoffs.push(Handoff {
                    event: e.id,
                    state: v.map(|v| story.visits[v].name.clone()).unwrap_or_default(),
                    visit: v,
                    attempt,
                    map_index: index[i],
                    who: derive(e.ty, e.d),
                    resource,
                    waits,
                    token,
                    timeout_s: secs("timeoutInSeconds"),
                    heartbeat_s: secs("heartbeatInSeconds"),
                    at_ms: t,
                    started_ms: None,
                    submitted: false,
                    worker: None,
                    end: None,
                    end_event: None,
                    end_ms: None,
                    then: Then::Nothing,
                });
                out.push(story.handoffs.len() - 1);
                handoff_pos.push(i);
                handoff_entry.push(entry[i]);
                started_at.push(None);
                started.push(false);
            }
            kind if kind.of_task() => {
                if kind == Kind::TaskStateAborted {
                    // Every hand-off of the state ends with it, and the state too.
                    for k in out.iter().copied().filter(|&k| handoff_entry[k] == entry[i]).collect::<Vec<_>>()
                    {
                        end_handoff(&mut story, &mut out, k, End::Aborted, e.id, t);
                    }
                    if let Some(v) = visit_of_entry {
                        close(&mut story, &mut open, v, Outcome::Aborted(None), t);
                    }
                    continue;
                }
                // The open hand-off of this state entry, else the latest open one.
                let at = out.iter().rposition(|&k| entry[i].is_some() && handoff_entry[k] == entry[i]);
                let Some(at) = at.or(out.len().checked_sub(1)) else { continue };
                let k = out[at];
                match kind {
                    Kind::Started | Kind::ActivityStarted | Kind::TaskSubmitted => {
                        let h = &mut story.handoffs[k];
                        h.started_ms = h.started_ms.or(t);
                        started_at[k] = started_at[k].or(e.t);
                        started[k] = true;
                        if kind != Kind::Started {
                            h.submitted = true;
                        }
                        if kind == Kind::ActivityStarted {
                            h.worker = non_empty(s(e.d, "workerName"));
                        }
                    }
                    Kind::TaskEnded if e.ty.ends_with("Succeeded") => {
                        end_handoff(&mut story, &mut out, k, End::Succeeded, e.id, t);
                    }
                    Kind::TaskEnded => {
                        let err = error().unwrap_or_else(|| "(no error name)".into());
                        let answered = story.handoffs[k].submitted;
                        let end =
                            End::Failed { error: err.clone(), cause: non_empty(s(e.d, "cause")), answered };
                        end_handoff(&mut story, &mut out, k, end, e.id, t);
                        let v = story.handoffs[k].visit;
                        fail_visit(&mut story, v, &err);
                        last_error = Some(err);
                    }
                    Kind::TaskTimedOut => {
                        let err = error().unwrap_or_else(|| "States.Timeout".into());
                        let pos = handoff_pos[k];
                        let clock = timeout_clock(evs[pos].d, &err, started[k], started_at[k], e.t);
                        end_handoff(
                            &mut story,
                            &mut out,
                            k,
                            End::TimedOut { error: err.clone(), clock },
                            e.id,
                            t,
                        );
                        let v = story.handoffs[k].visit;
                        fail_visit(&mut story, v, &err);
                        last_error = Some(err);
                    }
                    // A `Task…` type Step Functions does not write: kept below, ends nothing.
                    _ => {}
                }
            }
            Kind::FrameStarted => {
                let kind = if e.ty == "MapStateStarted" { "Map" } else { "Parallel" };
                let v = open.containers.iter().rev().copied().find(|&v| story.visits[v].kind == kind);
                if let Some(v) = v {
                    let visit = &mut story.visits[v];
                    visit.attempts += 1;
                    visit.failing = None;
                    visit.items = e.d.get("length").and_then(Value::as_u64).or(visit.items);
                }
            }
            Kind::FrameEnded => {
                let kind = if e.ty.starts_with("Map") { "Map" } else { "Parallel" };
                let v = open.containers.iter().rev().copied().find(|&v| story.visits[v].kind == kind);
                if let Some(v) = v {
                    index[i] = story.visits[v].map_index;
                    if e.ty.ends_with("Failed") {
                        let err = last_error.clone().unwrap_or_else(|| "(no error name)".into());
                        fail_visit(&mut story, Some(v), &err);
                    } else if e.ty.ends_with("Aborted") {
                        close(&mut story, &mut open, v, Outcome::Aborted(None), t);
                    }
                }
            }
            Kind::MapIterationEnded => {
                // Back in the Map's place, whatever the iteration's last event was.
                let map = open.latest(s(e.d, "name")).filter(|&v| story.visits[v].kind == "Map");
                let map = map.or_else(|| {
                    open.containers.iter().rev().copied().find(|&v| story.visits[v].kind == "Map")
                });
                if let Some(v) = map {
                    index[i] = story.visits[v].map_index;
                }
            }
            Kind::ExecutionEnded => {
                let status = match e.ty {
                    "ExecutionSucceeded" => Status::Succeeded,
                    "ExecutionFailed" => Status::Failed,
                    "ExecutionTimedOut" => Status::TimedOut,
                    _ => Status::Aborted,
                };
                story.status = status;
                story.error = error();
                story.cause = non_empty(s(e.d, "cause"));
                story.end_ms = e.t;
                let failed_in = match status {
                    Status::Succeeded => {
                        progress.settle();
                        None
                    }
                    _ => progress.execution_failed(),
                };
                let failed_visit = failed_in.and_then(|name| open.latest(name));
                for v in open.all() {
                    let outcome = match Some(v) == failed_visit {
                        true => Outcome::Failed(
                            story.error.clone().unwrap_or_else(|| status.as_aws().to_string()),
                        ),
                        false => Outcome::Stopped,
                    };
                    close(&mut story, &mut open, v, outcome, t);
                }
                for k in out.clone() {
                    end_handoff(&mut story, &mut out, k, End::ExecutionEnded(status), e.id, t);
                }
            }
            _ => {}
        }
    }

    // Open when the history ends: waiting for a token or a worker, or running.
    for v in open.all() {
        let waiting = out.iter().any(|&k| story.handoffs[k].visit == Some(v) && story.handoffs[k].waits);
        story.visits[v].outcome = if waiting { Outcome::Waiting } else { Outcome::Running };
    }
    // What came of each failed attempt: the next attempt of its visit, or its visit's end.
    for k in 0..story.handoffs.len() {
        let failed = matches!(story.handoffs[k].end, Some(End::Failed { .. } | End::TimedOut { .. }));
        if !failed {
            continue;
        }
        let v = story.handoffs[k].visit;
        let retry = story.handoffs[k + 1..].iter().find(|h| v.is_some() && h.visit == v);
        story.handoffs[k].then = match (retry, v.map(|v| &story.visits[v])) {
            (Some(h), _) => Then::Retried { event: h.event, at_ms: h.at_ms },
            (None, Some(visit)) => match &visit.outcome {
                Outcome::Caught(_) => Then::Caught { next: visit.next.clone() },
                Outcome::Failed(_) => Then::FailedExecution,
                _ => Then::Nothing,
            },
            (None, None) => Then::Nothing,
        };
    }
    // Each recorded call answered the latest hand-off of its state made by then.
    for c in &mut story.calls {
        let Some(state) = c.state.as_deref() else { continue };
        c.handoff = story.handoffs.iter().rposition(|h| {
            h.state == state && h.waits && h.at_ms.is_none_or(|at| at <= c.at_ms.min(i64::MAX as u64) as i64)
        });
    }
    story.marks = progress.marks;
    story
}

/// Ends hand-off `k` (one still out).
fn end_handoff(story: &mut Story, out: &mut Vec<usize>, k: usize, end: End, event: i64, t: Option<i64>) {
    let h = &mut story.handoffs[k];
    if h.end.is_none() {
        h.end = Some(end);
        h.end_event = Some(event);
        h.end_ms = t;
    }
    out.retain(|&x| x != k);
}

/// A failure in visit `v`: an attempt failed.
fn fail_visit(story: &mut Story, v: Option<usize>, error: &str) {
    if let Some(visit) = v.and_then(|v| story.visits.get_mut(v)) {
        visit.errors.push(error.to_string());
        visit.failing = Some(error.to_string());
    }
}

/// Ends visit `v`, if it is still open.
fn close(story: &mut Story, open: &mut Open<'_>, v: usize, outcome: Outcome, t: Option<i64>) {
    let visit = &mut story.visits[v];
    let name = visit.name.clone();
    let still_open = open.by_name.get(name.as_str()).is_some_and(|l| l.contains(&v));
    if still_open {
        visit.outcome = match outcome {
            Outcome::Aborted(None) => Outcome::Aborted(visit.failing.take()),
            outcome => outcome,
        };
        visit.end_ms = t;
        visit.failing = None;
        open.remove(&name, v);
    }
}
