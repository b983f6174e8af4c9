//! Fold an event history and the recorded callback calls into diagram rows.
//!
//! Three passes: (1) find every task hand-off (`TaskScheduled`, `ActivityScheduled`,
//! `LambdaFunctionScheduled`), its participant, its token and the events that answer it;
//! (2) attribute each [`ApiCall`] to a task — by token, else by the time window of an open
//! callback task — and merge calls into the event order (a call never precedes its hand-off, and
//! follows the events of its instant except those it caused: an accepted SendTaskSuccess precedes
//! its TaskSucceeded, a StopExecution its ExecutionAborted); (3) emit rows, activations and frames.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::Value;

use super::time::timestamp_ms;
use super::{Annotations, ApiCall, FrameKind, MessageKind, Outcome, Participant};
use crate::history::{is_known_type, timeout_clock, Clock};
use crate::text::{clip_chars, one_line};

/// Epoch milliseconds of 2000-01-01: a call time below this is relative to ExecutionStarted.
const EPOCH_2000_MS: u64 = 946_684_800_000;

#[derive(Debug, Clone)]
pub(crate) struct Script {
    /// Index 0 is the execution.
    pub lifelines: Vec<Participant>,
    pub rows: Vec<Row>,
    pub activations: Vec<Act>,
    pub frames: Vec<Span>,
    /// (lifeline, row) of accepted heartbeats.
    pub heartbeats: Vec<(usize, usize)>,
}

#[derive(Debug, Clone)]
pub(crate) struct Row {
    /// Milliseconds since ExecutionStarted, when known.
    pub t: Option<i64>,
    pub kind: RowKind,
    /// The id of the history event the row shows, so that the app can find an event's row.
    pub event: Option<i64>,
}

#[derive(Debug, Clone)]
pub(crate) enum RowKind {
    Msg { from: usize, to: usize, kind: MessageKind, label: String, title: String, tone: &'static str },
    Timeout { lifeline: usize, label: String, title: String },
}

#[derive(Debug, Clone)]
pub(crate) struct Act {
    pub lifeline: usize,
    pub start: usize,
    pub end: Option<usize>,
    pub outcome: Outcome,
    pub token: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct Span {
    pub kind: FrameKind,
    pub label: String,
    pub start: usize,
    pub end: Option<usize>,
    /// For a Map iteration: the Map's frame (the innermost Map open when the iteration started).
    /// Iterations of one Map are siblings, never drawn one inside another.
    pub map: Option<usize>,
}

/// One history event, read once: the passes below run over these, not over the JSON. (On a long
/// history, looking keys up by hash and comparing type strings again in every pass, with the
/// history's strings scattered over the heap, was most of the time.)
pub(crate) struct Ev<'a> {
    pub id: i64,
    pub prev: i64,
    pub ty: &'a str,
    pub kind: Kind,
    /// Epoch milliseconds, when the event has a readable timestamp.
    pub t: Option<i64>,
    /// The event's `…EventDetails` object (null without one).
    pub d: &'a Value,
    /// The state's name, for a `…StateEntered` event.
    pub name: &'a str,
}

/// What the passes tell event types apart by, decided once per event.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    ExecutionStarted,
    /// ExecutionSucceeded, ExecutionFailed, ExecutionAborted, ExecutionTimedOut.
    ExecutionEnded,
    /// Any `…StateEntered`.
    Entered,
    /// Any `…StateExited`.
    Exited,
    /// TaskScheduled, ActivityScheduled, LambdaFunctionScheduled.
    Handoff,
    // From here on, the `Task…`, `Activity…` and `LambdaFunction…` events that pass 1 attributes
    // to a hand-off.
    /// TaskStarted or LambdaFunctionStarted: the task is ready for callbacks; no row.
    Started,
    ActivityStarted,
    TaskSubmitted,
    /// A result or a failure (TaskSucceeded, ActivityFailed, TaskStartFailed…).
    TaskEnded,
    /// TaskTimedOut, ActivityTimedOut, LambdaFunctionTimedOut.
    TaskTimedOut,
    TaskStateAborted,
    /// Another `Task…`/`Activity…`/`LambdaFunction…` event: it closes its task, without a row.
    TaskOther,
    /// ParallelStateStarted, MapStateStarted.
    FrameStarted,
    /// Parallel or Map state Succeeded, Failed or Aborted.
    FrameEnded,
    MapIterationStarted,
    /// MapIterationSucceeded, MapIterationFailed, MapIterationAborted.
    MapIterationEnded,
    Other,
}

impl Kind {
    pub(crate) fn of(ty: &str) -> Kind {
        if ty.ends_with("StateEntered") {
            return Kind::Entered;
        }
        if ty.ends_with("StateExited") {
            return Kind::Exited;
        }
        match ty {
            "ExecutionStarted" => Kind::ExecutionStarted,
            "ExecutionSucceeded" | "ExecutionFailed" | "ExecutionAborted" | "ExecutionTimedOut" => {
                Kind::ExecutionEnded
            }
            "TaskScheduled" | "ActivityScheduled" | "LambdaFunctionScheduled" => Kind::Handoff,
            "TaskStarted" | "LambdaFunctionStarted" => Kind::Started,
            "ActivityStarted" => Kind::ActivityStarted,
            "TaskSubmitted" => Kind::TaskSubmitted,
            "TaskSucceeded"
            | "ActivitySucceeded"
            | "LambdaFunctionSucceeded"
            | "TaskFailed"
            | "ActivityFailed"
            | "LambdaFunctionFailed"
            | "TaskStartFailed"
            | "TaskSubmitFailed"
            | "ActivityScheduleFailed"
            | "LambdaFunctionScheduleFailed"
            | "LambdaFunctionStartFailed" => Kind::TaskEnded,
            "TaskTimedOut" | "ActivityTimedOut" | "LambdaFunctionTimedOut" => Kind::TaskTimedOut,
            "TaskStateAborted" => Kind::TaskStateAborted,
            "ParallelStateStarted" | "MapStateStarted" => Kind::FrameStarted,
            "ParallelStateSucceeded"
            | "ParallelStateFailed"
            | "ParallelStateAborted"
            | "MapStateSucceeded"
            | "MapStateFailed"
            | "MapStateAborted" => Kind::FrameEnded,
            "MapIterationStarted" => Kind::MapIterationStarted,
            "MapIterationSucceeded" | "MapIterationFailed" | "MapIterationAborted" => Kind::MapIterationEnded,
            ty if ty.starts_with("Task")
                || ty.starts_with("Activity")
                || ty.starts_with("LambdaFunction") =>
            {
                Kind::TaskOther
            }
            _ => Kind::Other,
        }
    }

    /// Whether events of this kind belong to a hand-off (pass 1 attributes them to one).
    pub(crate) fn of_task(self) -> bool {
        matches!(
            self,
            Kind::Started
                | Kind::ActivityStarted
                | Kind::TaskSubmitted
                | Kind::TaskEnded
                | Kind::TaskTimedOut
                | Kind::TaskStateAborted
                | Kind::TaskOther
        )
    }
}

/// Reads event `i` of the history in one walk over its keys (a handful: cheaper than hashing each
/// key it looks up).
pub(crate) fn read(i: usize, e: &Value) -> Ev<'_> {
    let mut ev = Ev { id: i as i64 + 1, prev: -1, ty: "", kind: Kind::Other, t: None, d: &NULL, name: "" };
    let mut details = None;
    for (k, v) in e.as_object().into_iter().flatten() {
        match k.as_str() {
            "id" => ev.id = v.as_i64().unwrap_or(ev.id),
            "previousEventId" => ev.prev = v.as_i64().unwrap_or(-1),
            "type" => ev.ty = v.as_str().unwrap_or(""),
            "timestamp" => ev.t = timestamp_ms(v),
            // The first object under a key like `stateEnteredEventDetails`.
            k if details.is_none() && k.ends_with("EventDetails") && v.is_object() => details = Some(v),
            _ => {}
        }
    }
    ev.d = details.unwrap_or(&NULL);
    ev.kind = Kind::of(ev.ty);
    if ev.kind == Kind::Entered {
        ev.name = s(ev.d, "name");
    }
    ev
}

/// A hand-off and what answered it.
struct Task {
    ev: usize,
    entry: i64,
    state: String,
    who: Participant,
    waits: bool,
    token: Option<String>,
    action: String,
    /// Last event after which a callback may arrive (TaskSubmitted / ActivityStarted).
    ready: usize,
    close: Option<usize>,
}

static NULL: Value = Value::Null;

/// A string field of a details object. Those hold a handful of keys: walking them is cheaper than
/// hashing the key for a lookup.
pub(crate) fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    let field = v.as_object().and_then(|o| o.iter().find(|(k, _)| k.as_str() == key));
    field.and_then(|(_, v)| v.as_str()).unwrap_or("")
}

/// A JSON-encoded string field (AWS sends `parameters`/`input`/`output` that way); objects pass.
fn json_field(v: &Value, key: &str) -> Value {
    match v.get(key) {
        Some(Value::String(t)) => serde_json::from_str(t).unwrap_or(Value::Null),
        Some(other) => other.clone(),
        None => Value::Null,
    }
}

/// [`one_line`], without a copy for the usual name that has nothing to replace. (A control
/// character is below 0x20, 0x7F, or 0x80-0x9F, which UTF-8 writes after a 0xC2 byte.)
fn name_line(name: &str) -> Cow<'_, str> {
    if name.bytes().any(|b| b < 0x20 || b == 0x7F || b == 0xC2) {
        Cow::Owned(one_line(name))
    } else {
        Cow::Borrowed(name)
    }
}

fn last_segment(s: &str, sep: char) -> &str {
    s.trim_end_matches(sep).rsplit(sep).next().unwrap_or(s)
}

fn lambda_name(f: &str) -> String {
    // "arn:aws:lambda:r:a:function:name[:alias]" or plain "name".
    match f.split(':').collect::<Vec<_>>().as_slice() {
        [_, _, _, _, _, "function", name, ..] => name.to_string(),
        _ => f.to_string(),
    }
}

fn participant(id: String, name: String, kind: &str) -> Participant {
    Participant { id, name: clip_chars(&one_line(&name), 40), kind: kind.to_string() }
}

/// Who receives a hand-off, from its event type and details.
pub(crate) fn derive(ty: &str, d: &Value) -> Participant {
    if ty == "ActivityScheduled" {
        let arn = s(d, "resource");
        let name = arn.split_once(":activity:").map(|(_, n)| n).unwrap_or(arn);
        return participant(format!("activity:{name}"), name.to_string(), "activity");
    }
    if ty == "LambdaFunctionScheduled" {
        let name = lambda_name(s(d, "resource"));
        return participant(format!("lambda:{name}"), name, "lambda");
    }
    let rt = s(d, "resourceType");
    let params = json_field(d, "parameters");
    let p = |k: &str| params.get(k).and_then(Value::as_str).map(str::to_string);
    match rt {
        "sqs" => {
            let q = p("QueueUrl").map(|u| last_segment(&u, '/').to_string()).unwrap_or_else(|| "sqs".into());
            participant(format!("queue:{q}"), q, "queue")
        }
        "lambda" => {
            let f = p("FunctionName").map(|f| lambda_name(&f)).unwrap_or_else(|| "lambda".into());
            participant(format!("lambda:{f}"), f, "lambda")
        }
        "sns" => {
            let t = p("TopicArn").map(|t| last_segment(&t, ':').to_string()).unwrap_or_else(|| "sns".into());
            participant(format!("topic:{t}"), t, "topic")
        }
        "" => participant("service:unknown".into(), "service".into(), "service"),
        other => {
            let svc = other.strip_prefix("aws-sdk:").unwrap_or(other);
            participant(format!("service:{svc}"), svc.to_string(), "service")
        }
    }
}

/// The token the host says the hand-off event `id` issued. Hosts list tokens in issue order, which
/// is event order; a list out of order only loses the fast path.
fn known_token(tokens: &[(i64, String)], id: i64) -> Option<String> {
    let found = match tokens.binary_search_by_key(&id, |(event, _)| *event) {
        Ok(i) => Some(i),
        Err(_) => tokens.iter().position(|(event, _)| *event == id),
    };
    found.map(|i| tokens[i].1.clone())
}

/// The token a waitForTaskToken hand-off carries, when the host did not say (a history imported
/// from AWS): a recorded call's token found in the parameters, else a string under a key named
/// like "token".
pub(crate) fn find_token(d: &Value, calls: &[ApiCall]) -> Option<String> {
    let raw = match d.get("parameters") {
        Some(Value::String(t)) => t.clone(),
        Some(v) => v.to_string(),
        None => String::new(),
    };
    if let Some(c) = calls.iter().find(|c| !c.token.is_empty() && raw.contains(&c.token)) {
        return Some(c.token.clone());
    }
    fn walk(v: &Value, depth: usize) -> Option<String> {
        if depth > 16 {
            return None;
        }
        match v {
            Value::Object(o) => {
                for (k, x) in o {
                    if let (true, Some(t)) = (k.to_ascii_lowercase().contains("token"), x.as_str()) {
                        return Some(t.to_string());
                    }
                }
                o.values().find_map(|x| walk(x, depth + 1))
            }
            Value::Array(a) => a.iter().find_map(|x| walk(x, depth + 1)),
            _ => None,
        }
    }
    walk(&json_field(d, "parameters"), 0)
}

/// A token as a label shows it: its first 8 characters and its last 6, as the app's token inbox
/// shows it. Real tokens are hundreds of characters long and begin alike (`AQCEAAAAKgAAAAMA…`):
/// the end tells two of them apart.
pub fn short_token(t: &str) -> String {
    let n = t.chars().count();
    if n <= 16 {
        return t.to_string();
    }
    let tail: String = t.chars().skip(n - 6).collect();
    format!("{}…{tail}", t.chars().take(8).collect::<String>())
}

pub(crate) fn build(history: &[Value], annotations: &Annotations) -> Script {
    let (calls, given) = (&annotations.calls[..], &annotations.participants[..]);
    // Events in id order (a reverseOrder history reads the same).
    let mut evs: Vec<Ev> = history.iter().enumerate().map(|(i, e)| read(i, e)).collect();
    if !evs.is_sorted_by_key(|e| e.id) {
        sort::by_key(&mut evs, |e| e.id);
    }
    let t0 = evs
        .iter()
        .find(|e| e.kind == Kind::ExecutionStarted)
        .and_then(|e| e.t)
        .or_else(|| evs.iter().find_map(|e| e.t));
    let rel = |t: Option<i64>| -> Option<i64> { Some(t? - t0.unwrap_or(0)) };

    // The state entry of every event (as the position of its `…StateEntered`), following
    // previousEventId: an entered event is its own, any other event has its predecessor's.
    let mut ctx: Vec<Option<usize>> = Vec::with_capacity(evs.len());
    // The entry of the latest event so far with the same id that has one (odd histories repeat
    // ids): what a lookup of that id as a predecessor finds.
    let mut last_of_id: Vec<Option<usize>> = Vec::with_capacity(evs.len());
    for (i, e) in evs.iter().enumerate() {
        let c = if e.kind == Kind::Entered {
            Some(i)
        } else {
            // The predecessor is among the events before this one: usually the one right before,
            // else found by binary search (ids are sorted).
            let end = match i.checked_sub(1) {
                Some(j) if evs[j].id == e.prev => i,
                _ => evs[..i].partition_point(|x| x.id <= e.prev),
            };
            end.checked_sub(1).filter(|&j| evs[j].id == e.prev).and_then(|j| last_of_id[j])
        };
        let same_id = i.checked_sub(1).filter(|&j| evs[j].id == e.id).and_then(|j| last_of_id[j]);
        last_of_id.push(c.or(same_id));
        ctx.push(c);
    }
    // The state name and entry id of an event (entry 0 when it has none).
    let state_of = |i: usize| -> (Cow<str>, i64) {
        ctx[i].map(|k| (name_line(evs[k].name), evs[k].id)).unwrap_or_default()
    };
    let entry_of = |i: usize| -> i64 { ctx[i].map_or(0, |k| evs[k].id) };

    // Pass 1: tasks.
    let mut tasks: Vec<Task> = Vec::new();
    let mut task_of_ev: Vec<Option<usize>> = vec![None; evs.len()];
    // Tasks not closed yet, in order: the candidates for an event of a task.
    let mut open: Vec<usize> = Vec::new();
    for (i, e) in evs.iter().enumerate() {
        if e.kind == Kind::Handoff {
            let (state, entry) = state_of(i);
            let state = state.into_owned();
            let res = s(e.d, "resource");
            let waits = e.ty == "ActivityScheduled" || res.ends_with(".waitForTaskToken");
            let action = match e.ty {
                "ActivityScheduled" => "ActivityScheduled".to_string(),
                "LambdaFunctionScheduled" => "invoke".to_string(),
                _ => res.trim_end_matches(".waitForTaskToken").to_string(),
            };
            let token = match e.ty == "TaskScheduled" && waits {
                true => known_token(&annotations.tokens, e.id).or_else(|| find_token(e.d, calls)),
                false => None,
            };
            let who = derive(e.ty, e.d);
            tasks.push(Task { ev: i, entry, state, who, waits, token, action, ready: i, close: None });
            task_of_ev[i] = Some(tasks.len() - 1);
            open.push(tasks.len() - 1);
            continue;
        }
        if !e.kind.of_task() {
            continue;
        }
        // The open task of this state entry, else the latest open task.
        let entry = entry_of(i);
        let at = open.iter().rposition(|&k| tasks[k].entry == entry && entry != 0);
        let Some(at) = at.or(open.len().checked_sub(1)) else { continue };
        let k = open[at];
        task_of_ev[i] = Some(k);
        match e.kind {
            Kind::TaskSubmitted | Kind::ActivityStarted | Kind::Started => tasks[k].ready = i,
            _ => {
                tasks[k].close = Some(i);
                open.remove(at);
            }
        }
    }

    // Lifelines: execution, supplied participants, then derived ones in order of appearance.
    let mut lifelines =
        vec![Participant { id: "execution".into(), name: "Execution".into(), kind: "execution".into() }];
    lifelines.extend(given.iter().cloned());
    let lane = |p: &Participant, lifelines: &mut Vec<Participant>| -> usize {
        if let Some(i) = lifelines.iter().position(|l| l.id == p.id) {
            return i;
        }
        if let Some(i) = lifelines.iter().skip(1).position(|l| l.name == p.name) {
            return i + 1;
        }
        lifelines.push(p.clone());
        lifelines.len() - 1
    };
    let task_lane: Vec<usize> = tasks.iter().map(|t| lane(&t.who, &mut lifelines)).collect();

    // Pass 2: attribute calls and merge them into the event order.
    let call_t = |c: &ApiCall| -> i64 {
        let at = c.at_ms.min(i64::MAX as u64) as i64;
        match t0 {
            Some(t0) if c.at_ms >= EPOCH_2000_MS => at - t0,
            _ => at,
        }
    };
    let ev_t = |i: usize| rel(evs[i].t);
    // The tasks with a token, by token: a call finds the first task with its token by binary
    // search (when every callback loop answers its token, scanning them all per call was
    // quadratic). The callback tasks without a token, for the calls matched by time.
    let mut by_token: Vec<usize> = (0..tasks.len()).filter(|&k| tasks[k].token.is_some()).collect();
    sort::positions_by_key(&mut by_token, |k| tasks[k].token.as_deref());
    let tokenless: Vec<usize> =
        (0..tasks.len()).filter(|&k| tasks[k].waits && tasks[k].token.is_none()).collect();
    let mut call_task: Vec<Option<usize>> = Vec::with_capacity(calls.len());
    for c in calls {
        let token = Some(c.token.as_str()).filter(|t| !t.is_empty());
        let first = by_token.partition_point(|&k| tasks[k].token.as_deref() < token);
        let by_token =
            by_token.get(first).copied().filter(|&k| token.is_some() && tasks[k].token.as_deref() == token);
        let tc = call_t(c);
        let by_time = || {
            tokenless.iter().copied().find(|&k| {
                let started = ev_t(tasks[k].ev).is_none_or(|ts| ts <= tc);
                let not_closed = tasks[k].close.and_then(ev_t).is_none_or(|ts| ts >= tc);
                started && not_closed
            })
        };
        let k = if c.action == "StopExecution" { None } else { by_token.or_else(by_time) };
        call_task.push(k);
    }
    let mut call_lane = Vec::with_capacity(calls.len());
    for (j, c) in calls.iter().enumerate() {
        let l = match (&c.participant, call_task[j]) {
            (Some(p), _) => {
                let p = Participant { id: p.clone(), name: p.clone(), kind: "service".into() };
                lane(&p, &mut lifelines)
            }
            (None, Some(k)) => task_lane[k],
            (None, None) => {
                let p = Participant { id: "client".into(), name: "Client".into(), kind: "service".into() };
                lane(&p, &mut lifelines)
            }
        };
        let l = if l == 0 {
            let p = Participant { id: "client".into(), name: "Client".into(), kind: "service".into() };
            lane(&p, &mut lifelines)
        } else {
            l
        };
        call_lane.push(l);
    }
    // The event an accepted call caused: the close of the task it answered, or the aborts that
    // StopExecution brought (AWS lists a TaskStateAborted… before the ExecutionAborted).
    let aborted =
        evs.iter().position(|e| e.kind == Kind::ExecutionEnded && e.ty == "ExecutionAborted").map(|mut i| {
            while i > 0 && evs[i - 1].ty.ends_with("Aborted") {
                i -= 1;
            }
            i
        });
    let caused: Vec<Option<usize>> = calls
        .iter()
        .zip(&call_task)
        .map(|(c, k)| match c.action.as_str() {
            "SendTaskSuccess" | "SendTaskFailure" if c.ok => k.and_then(|k| tasks[k].close),
            "StopExecution" if c.ok => aborted,
            _ => None,
        })
        .collect();
    // Order: events, with each call where it was made: after the events of its instant, unless
    // it caused one of them (then right before that one), and never before its hand-off.
    let mut pending: Vec<usize> = (0..calls.len()).collect();
    sort::positions_by_key(&mut pending, |j| (call_t(&calls[j]), j));
    let mut is_caused = vec![false; evs.len()];
    for &i in caused.iter().flatten() {
        if let Some(c) = is_caused.get_mut(i) {
            *c = true;
        }
    }
    let mut order: Vec<Item> = Vec::with_capacity(evs.len() + calls.len());
    // `pending[placed..]` are the calls not placed yet, still in time order.
    let mut placed = 0;
    for (i, &has_cause) in is_caused.iter().enumerate() {
        let waiting = &mut pending[placed..];
        // Calls made before the one that caused event i precede it too.
        let cause = if has_cause { waiting.iter().position(|&j| caused[j] == Some(i)) } else { None };
        // The calls made before this event are a prefix of `waiting`: only those, and those up to
        // the cause, can be due. (Looking at every pending call at every event was quadratic on a
        // long history.)
        let te = ev_t(i);
        let before = waiting.partition_point(|&j| te.is_some_and(|te| te > call_t(&calls[j])));
        let scan = before.max(cause.map_or(0, |c| c + 1));
        let due = |p: usize, j: usize| {
            let ready = call_task[j].is_none_or(|t| tasks[t].ready < i);
            ready && (p < before || cause.is_some_and(|c| p <= c))
        };
        for (p, &j) in waiting[..scan].iter().enumerate() {
            if due(p, j) {
                order.push(Item::Call(j));
            }
        }
        // The calls not due close up towards the rest, and the placed ones drop off the front
        // (rather than shifting the whole rest down at each placed call).
        let mut kept = scan;
        for p in (0..scan).rev() {
            let j = waiting[p];
            if !due(p, j) {
                kept -= 1;
                waiting[kept] = j;
            }
        }
        placed += kept;
        order.push(Item::Ev(i));
    }
    order.extend(pending[placed..].iter().map(|&j| Item::Call(j)));

    // Pass 3: rows.
    let mut b = Builder {
        rows: Vec::new(),
        acts: Vec::new(),
        frames: Vec::new(),
        open_frames: Vec::new(),
        heartbeats: Vec::new(),
    };
    let mut task_act: Vec<Option<usize>> = vec![None; tasks.len()];
    let mut answered: Vec<bool> = vec![false; tasks.len()];
    let mut attempts: BTreeMap<i64, usize> = BTreeMap::new();
    let mut retry_frame: Vec<Option<usize>> = vec![None; tasks.len()];
    // The call row that answered each task, which then also shows the event it caused.
    let mut answer_row: Vec<Option<usize>> = vec![None; tasks.len()];
    for item in order {
        match item {
            Item::Call(j) => {
                let c = &calls[j];
                let from = call_lane[j];
                let t = Some(call_t(c));
                let token = if c.token.is_empty() { String::new() } else { format!(" · token {}", c.token) };
                let mut title = format!("{}{token}", c.action);
                let (kind, label, tone) = if !c.ok {
                    let err = c.error.clone().unwrap_or_else(|| "rejected".into());
                    title.push_str(&format!(" — rejected: {err}"));
                    (MessageKind::Rejected, format!("{} ✕ {err}", c.action), "")
                } else if c.action == "SendTaskHeartbeat" {
                    (MessageKind::Heartbeat, c.action.clone(), "")
                } else if c.action == "SendTaskFailure" {
                    let l = match &c.error {
                        Some(e) => format!("SendTaskFailure ({})", clip_chars(e, 24)),
                        None => "SendTaskFailure".into(),
                    };
                    (MessageKind::Callback, l, "fail")
                } else {
                    (MessageKind::Callback, c.action.clone(), "")
                };
                let row = b.msg(t, from, 0, kind, label, title, tone);
                if let Some(k) = call_task[j] {
                    if c.ok && kind == MessageKind::Heartbeat {
                        b.heartbeats.push((task_lane[k], row));
                    }
                    if c.ok
                        && matches!(c.action.as_str(), "SendTaskSuccess" | "SendTaskFailure")
                        && tasks[k].close.is_some()
                    {
                        answered[k] = true;
                        answer_row[k] = Some(row);
                        b.close(task_act[k], row, outcome_of(&c.action));
                    }
                }
            }
            Item::Ev(i) => {
                let e = &evs[i];
                let t = ev_t(i);
                let first_row = b.rows.len();
                let state = || state_of(i).0;
                // "#12 TaskScheduled: what", written in one string.
                let title = |what: &str| {
                    let mut s = String::with_capacity(e.ty.len() + what.len() + 16);
                    let _ = write!(s, "#{} {}", e.id, e.ty);
                    if !what.is_empty() {
                        s.push_str(": ");
                        s.push_str(what);
                    }
                    s
                };
                match e.kind {
                    Kind::ExecutionStarted => {
                        b.msg(t, 0, 0, MessageKind::Note, "Execution started".into(), title(""), "start");
                    }
                    Kind::Entered => {
                        let state = state();
                        b.msg(
                            t,
                            0,
                            0,
                            MessageKind::Note,
                            ["▸ ", &clip_chars(&state, 36)].concat(),
                            title(&state),
                            "state",
                        );
                    }
                    Kind::Handoff => {
                        let Some(k) = task_of_ev[i] else { continue };
                        let task = &tasks[k];
                        let n = attempts.entry(task.entry).or_insert(0);
                        *n += 1;
                        let attempt = *n;
                        let label = match (&task.token, task.waits) {
                            (Some(tok), _) => {
                                format!("{} · token {}", clip_chars(&task.action, 28), short_token(tok))
                            }
                            (None, true) if e.ty == "ActivityScheduled" => "activity task".to_string(),
                            (None, true) => format!("{} · waits for token", clip_chars(&task.action, 28)),
                            (None, false) => clip_chars(&task.action, 32),
                        };
                        let mut what = format!("{} → {}", task.state, task.who.name);
                        if let Some(tok) = &task.token {
                            what.push_str(&format!(" · token {tok}"));
                        }
                        for (key, unit) in
                            [("timeoutInSeconds", "timeout"), ("heartbeatInSeconds", "heartbeat")]
                        {
                            if let Some(v) = e.d.get(key).and_then(Value::as_u64) {
                                what.push_str(&format!(" · {unit} {v} s"));
                            }
                        }
                        if attempt >= 2 {
                            retry_frame[k] = Some(b.open_frame(Span {
                                kind: FrameKind::Retry,
                                label: format!("retry {} · {}", attempt - 1, clip_chars(&task.state, 30)),
                                start: b.rows.len(),
                                end: None,
                                map: None,
                            }));
                        }
                        let row = b.msg(t, 0, task_lane[k], MessageKind::Call, label, title(&what), "");
                        b.acts.push(Act {
                            lifeline: task_lane[k],
                            start: row,
                            end: None,
                            outcome: Outcome::Open,
                            token: task.token.clone(),
                        });
                        task_act[k] = Some(b.acts.len() - 1);
                    }
                    Kind::ActivityStarted => {
                        let Some(k) = task_of_ev[i] else { continue };
                        let worker = s(e.d, "workerName");
                        let label = if worker.is_empty() {
                            "GetActivityTask".to_string()
                        } else {
                            format!("GetActivityTask ({})", clip_chars(worker, 20))
                        };
                        b.msg(t, task_lane[k], 0, MessageKind::Callback, label, title(worker), "");
                    }
                    Kind::TaskSubmitted => {
                        let Some(k) = task_of_ev[i] else { continue };
                        b.msg(
                            t,
                            task_lane[k],
                            0,
                            MessageKind::Return,
                            "TaskSubmitted".into(),
                            title(&summary(e.d)),
                            "",
                        );
                    }
                    Kind::TaskEnded => {
                        let Some(k) = task_of_ev[i] else { continue };
                        let ok = e.ty.ends_with("Succeeded");
                        let outcome = if ok { Outcome::Succeeded } else { Outcome::Failed };
                        let row = if answered[k] {
                            None
                        } else if tasks[k].waits
                            && !e.ty.contains("Start")
                            && !e.ty.contains("Schedule")
                            && !e.ty.contains("Submit")
                        {
                            // A callback task only closes through SendTaskSuccess/Failure: show the call
                            // even when the app did not record it.
                            let (action, tone) = if ok {
                                ("SendTaskSuccess", "inferred")
                            } else {
                                ("SendTaskFailure", "inferred fail")
                            };
                            let err = s(e.d, "error");
                            let label = if ok || err.is_empty() {
                                action.to_string()
                            } else {
                                format!("{action} ({})", clip_chars(err, 24))
                            };
                            Some(b.msg(
                                t,
                                task_lane[k],
                                0,
                                MessageKind::Callback,
                                label,
                                title(&summary(e.d)),
                                tone,
                            ))
                        } else if ok {
                            Some(b.msg(
                                t,
                                task_lane[k],
                                0,
                                MessageKind::Return,
                                "result".into(),
                                title(&summary(e.d)),
                                "",
                            ))
                        } else {
                            let err = s(e.d, "error");
                            let label = if err.is_empty() {
                                e.ty.to_string()
                            } else {
                                format!("{} ({})", e.ty, clip_chars(err, 28))
                            };
                            Some(b.msg(
                                t,
                                task_lane[k],
                                0,
                                MessageKind::ReturnError,
                                label,
                                title(&summary(e.d)),
                                "",
                            ))
                        };
                        if let Some(row) = row {
                            b.close(task_act[k], row, outcome);
                        }
                        b.end_frame(retry_frame[k]);
                    }
                    Kind::TaskTimedOut => {
                        let Some(k) = task_of_ev[i] else { continue };
                        let err = match s(e.d, "error") {
                            "" => "States.Timeout",
                            other => other,
                        };
                        // Which clock ran out: AWS names both States.Timeout.
                        let task = &tasks[k];
                        let started = (task.ready != task.ev).then(|| evs[task.ready].t).flatten();
                        let clock = timeout_clock(evs[task.ev].d, err, task.ready != task.ev, started, e.t);
                        let (label, why) = match clock {
                            Some(Clock::Heartbeat(h)) if err == "States.Timeout" => {
                                (format!("{err}: no heartbeat in {h} s"), clock.map(Clock::describe))
                            }
                            _ => (err.to_string(), clock.map(Clock::describe)),
                        };
                        let what = match why {
                            Some(why) => format!("{} timed out: {why}", task.state),
                            None => format!("{} timed out", task.state),
                        };
                        let row = b.timeout(t, task_lane[k], label, title(&what));
                        b.close(task_act[k], row, Outcome::TimedOut);
                        b.end_frame(retry_frame[k]);
                    }
                    Kind::TaskStateAborted => {
                        let entry = ctx[i].map_or(-1, |k| evs[k].id);
                        for k in (0..tasks.len()).filter(|&k| tasks[k].entry == entry) {
                            let last = b.rows.len().saturating_sub(1);
                            b.close(task_act[k], last, Outcome::Aborted);
                            b.end_frame(retry_frame[k]);
                        }
                    }
                    Kind::FrameStarted => {
                        let state = state();
                        let (kind, word) = if e.ty == "MapStateStarted" {
                            (FrameKind::Map, "map")
                        } else {
                            (FrameKind::Parallel, "parallel")
                        };
                        // A retried Parallel/Map re-emits …Started: close the earlier attempt.
                        let label0 = format!("{word} · {}", clip_chars(&state, 30));
                        if let Some(f) = b.find_open(|f| f.kind == kind && f.label.starts_with(&label0)) {
                            b.close_frame(f, b.rows.len().saturating_sub(1));
                        }
                        let mut label = label0;
                        if let Some(n) = e.d.get("length").and_then(Value::as_u64) {
                            label.push_str(&format!(" ({n} item{})", if n == 1 { "" } else { "s" }));
                        }
                        b.open_frame(Span { kind, label, start: b.rows.len(), end: None, map: None });
                    }
                    Kind::FrameEnded => {
                        let state = state();
                        let kind = if e.ty.starts_with("Map") { FrameKind::Map } else { FrameKind::Parallel };
                        let prefix = format!(
                            "{} · {}",
                            if kind == FrameKind::Map { "map" } else { "parallel" },
                            clip_chars(&state, 30)
                        );
                        // previousEventId of these events may lead into the last iteration, so fall
                        // back to the innermost open frame of the kind.
                        let named = b.find_open(|f| f.kind == kind && f.label.starts_with(&prefix));
                        if let Some(f) = named.or_else(|| b.find_open(|f| f.kind == kind)) {
                            let last = b.rows.len().saturating_sub(1).max(b.frames[f].start);
                            b.close_frame(f, last);
                        }
                    }
                    Kind::MapIterationStarted => {
                        let idx = e.d.get("index").and_then(Value::as_i64).unwrap_or(-1);
                        let label = format!("iteration {idx}");
                        let map = b.find_open(|f| f.kind == FrameKind::Map);
                        b.open_frame(Span {
                            kind: FrameKind::Iteration,
                            label,
                            start: b.rows.len(),
                            end: None,
                            map,
                        });
                    }
                    Kind::MapIterationEnded => {
                        let idx = e.d.get("index").and_then(Value::as_i64).unwrap_or(-1);
                        let label = format!("iteration {idx}");
                        if let Some(f) = b.find_open(|f| f.label == label) {
                            let last = b.rows.len().saturating_sub(1).max(b.frames[f].start);
                            b.close_frame(f, last);
                        }
                    }
                    Kind::ExecutionEnded => {
                        let err = s(e.d, "error");
                        let row = match e.ty {
                            "ExecutionSucceeded" => b.msg(
                                t,
                                0,
                                0,
                                MessageKind::Note,
                                "Execution succeeded".into(),
                                title(""),
                                "ok",
                            ),
                            "ExecutionTimedOut" => b.timeout(
                                t,
                                0,
                                if err.is_empty() { "States.Timeout".into() } else { err.to_string() },
                                title("execution timed out"),
                            ),
                            ty => {
                                let word = if ty == "ExecutionFailed" { "failed" } else { "aborted" };
                                let label = if err.is_empty() {
                                    format!("Execution {word}")
                                } else {
                                    format!("Execution {word}: {}", clip_chars(err, 28))
                                };
                                b.msg(t, 0, 0, MessageKind::Note, label, title(s(e.d, "cause")), "fail")
                            }
                        };
                        for a in 0..b.acts.len() {
                            if b.acts[a].end.is_none() {
                                b.close(Some(a), row, Outcome::Aborted);
                            }
                        }
                    }
                    // An event Step Functions does not have (a newer type, or a mistake): kept,
                    // shown as it is.
                    Kind::Other | Kind::TaskOther if !is_known_type(e.ty) => {
                        let label = match e.ty {
                            "" => "(event without a type)".to_string(),
                            ty => clip_chars(&one_line(ty), 36),
                        };
                        b.msg(t, 0, 0, MessageKind::Note, label, title(&summary(e.d)), "unknown");
                    }
                    _ => {}
                }
                for row in &mut b.rows[first_row..] {
                    row.event = Some(e.id);
                }
                if b.rows.len() == first_row {
                    if let Some(row) =
                        task_of_ev[i].and_then(|k| answer_row[k]).and_then(|r| b.rows.get_mut(r))
                    {
                        row.event.get_or_insert(e.id);
                    }
                }
            }
        }
    }
    // Frames still open end at the last row; empty ones are dropped.
    let last = b.rows.len().saturating_sub(1);
    b.frames.retain(|f| f.start <= last && !b.rows.is_empty());
    for f in &mut b.frames {
        if f.end.is_none() {
            f.end = Some(last);
        }
    }
    Script { lifelines, rows: b.rows, activations: b.acts, frames: b.frames, heartbeats: b.heartbeats }
}

enum Item {
    Ev(usize),
    Call(usize),
}

fn outcome_of(action: &str) -> Outcome {
    if action == "SendTaskFailure" {
        Outcome::Failed
    } else {
        Outcome::Succeeded
    }
}

/// A one-line hover summary of an event's payload/error.
fn summary(d: &Value) -> String {
    let mut parts = Vec::new();
    for k in ["error", "cause", "output"] {
        let v = s(d, k);
        if !v.is_empty() {
            parts.push(format!("{k} {}", clip_chars(&one_line(v), 120)));
        }
    }
    parts.join(" · ")
}

struct Builder {
    rows: Vec<Row>,
    acts: Vec<Act>,
    frames: Vec<Span>,
    /// The frames not ended yet, in order: where a frame to end or to nest in is looked for,
    /// rather than among all frames (a Map of thousands of iterations leaves thousands behind).
    open_frames: Vec<usize>,
    heartbeats: Vec<(usize, usize)>,
}

impl Builder {
    #[allow(clippy::too_many_arguments)]
    fn msg(
        &mut self,
        t: Option<i64>,
        from: usize,
        to: usize,
        kind: MessageKind,
        label: String,
        title: String,
        tone: &'static str,
    ) -> usize {
        let kind = if from == to && kind != MessageKind::Note { MessageKind::Note } else { kind };
        self.rows.push(Row { t, kind: RowKind::Msg { from, to, kind, label, title, tone }, event: None });
        self.rows.len() - 1
    }

    fn timeout(&mut self, t: Option<i64>, lifeline: usize, label: String, title: String) -> usize {
        self.rows.push(Row { t, kind: RowKind::Timeout { lifeline, label, title }, event: None });
        self.rows.len() - 1
    }

    fn close(&mut self, act: Option<usize>, row: usize, outcome: Outcome) {
        if let Some(a) = act.and_then(|a| self.acts.get_mut(a)) {
            if a.end.is_none() {
                a.end = Some(row.max(a.start));
                a.outcome = outcome;
            }
        }
    }

    fn end_frame(&mut self, f: Option<usize>) {
        let last = self.rows.len().saturating_sub(1);
        if let Some(f) = f.filter(|&f| self.frames.get(f).is_some_and(|fr| fr.end.is_none())) {
            self.close_frame(f, last.max(self.frames[f].start));
        }
    }

    /// Adds a frame, not ended yet; returns its index.
    fn open_frame(&mut self, span: Span) -> usize {
        self.frames.push(span);
        self.open_frames.push(self.frames.len() - 1);
        self.frames.len() - 1
    }

    /// The latest frame not ended yet that `test` accepts.
    fn find_open(&self, test: impl Fn(&Span) -> bool) -> Option<usize> {
        self.open_frames.iter().rev().copied().find(|&f| test(&self.frames[f]))
    }

    /// Ends frame `f` (one not ended yet) at row `end`.
    fn close_frame(&mut self, f: usize, end: usize) {
        self.frames[f].end = Some(end);
        self.open_frames.retain(|&g| g != f);
    }
}
