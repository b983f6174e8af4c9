//! Reading the documents `baton show` is given: a history (whichever tool printed it), a
//! definition (ASL, or `describe-state-machine` output) and `describe-execution` output. Each is
//! checked for what would make the picture wrong; a problem names the JSON pointer it is at.

use serde_json::{Map, Value};

use super::fold::{fold, Story};
use super::{is_known_type, Problem};
use crate::sequence::time::timestamp_ms;
use crate::text::{clip_chars, one_line};

/// AWS keeps at most this many events for one execution.
const AWS_MAX_EVENTS: usize = 25_000;

/// Which tool printed the history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// `{"events": [...], "nextToken"?}`: `aws stepfunctions get-execution-history`, the API, an
    /// SDK's response (`"Events"` and capitalized keys, as Go and PowerShell write them), or
    /// `baton run --history-file`.
    Aws,
    /// `{"status", …, "calls": [...], "history": [...]}`: `baton run --history`.
    BatonRun,
    /// A bare list of events (`jq .events`).
    List,
}

/// A callback API call `baton run` recorded (its `calls`): what a history does not hold.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// Milliseconds since the execution started.
    pub at_ms: u64,
    /// `SendTaskSuccess`, `SendTaskFailure`, `SendTaskHeartbeat` or `StopExecution`.
    pub action: String,
    /// The Task state whose token it used.
    pub state: Option<String>,
    /// The participant that made it.
    pub by: Option<String>,
    /// False when Step Functions refused it.
    pub ok: bool,
    pub error: Option<String>,
    /// The hand-off it answered (an index into [`Story::handoffs`]), once the story is told.
    pub handoff: Option<usize>,
}

/// A history, read: its events in id order and what was doubtful about it.
#[derive(Debug, Clone)]
pub struct History {
    /// The events in id order (a history listed latest first, `--reverse-order`, is turned
    /// around), as the document had them, keys in AWS's camelCase.
    pub events: Vec<Value>,
    /// The calls `baton run` recorded; none for a history from AWS.
    pub calls: Vec<Call>,
    pub form: Form,
    /// What is doubtful but does not stop the drawing: missing events, a page of a longer history,
    /// event types Step Functions does not have, timestamps that cannot be read.
    pub warnings: Vec<Problem>,
    /// The pointer of the list of events in the document.
    list: String,
    /// The document listed the events latest first.
    reversed: bool,
}

impl History {
    /// The JSON pointer, in the document, of `events[i]`.
    pub fn pointer(&self, i: usize) -> String {
        let at = if self.reversed { self.events.len().saturating_sub(i + 1) } else { i };
        format!("{}/{at}", self.list)
    }

    /// What happened, folded from the events (and the calls `baton run` recorded).
    pub fn story(&self) -> Story {
        fold(&self.events, &self.calls)
    }
}

/// "an object", "a list", "a string"…: what a JSON value is, for messages.
fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// The message for an object that is not a history: what it is instead, when it is one of the
/// documents people mistake for it.
fn not_a_history(o: &Map<String, Value>) -> String {
    let has = |k: &str| o.contains_key(k);
    if has("executionArn") && (has("status") || has("startDate")) {
        return "this is `describe-execution` output, not an execution history: the history is what \
                `aws stepfunctions get-execution-history --execution-arn ARN` prints"
            .into();
    }
    if has("definition") && has("stateMachineArn") {
        return "this is `describe-state-machine` output (a definition), not an execution history, \
                which `aws stepfunctions get-execution-history --execution-arn ARN` prints"
            .into();
    }
    if has("States") || has("StartAt") {
        return "this is a state machine definition, not an execution history, which \
                `aws stepfunctions get-execution-history --execution-arn ARN` prints"
            .into();
    }
    if has("executions") {
        return "this is `list-executions` output, not an execution history: pick an execution's \
                ARN and run `aws stepfunctions get-execution-history --execution-arn ARN`"
            .into();
    }
    let keys: Vec<String> =
        o.keys().take(5).map(|k| format!("\"{}\"", clip_chars(&one_line(k), 40))).collect();
    let has_keys = match keys.len() {
        0 => "the object is empty".to_string(),
        _ if o.len() > 5 => format!("the object has {}, …", keys.join(", ")),
        _ => format!("the object has {}", keys.join(", ")),
    };
    format!(
        "not an execution history: expected {{\"events\": [...]}}, as `aws stepfunctions \
         get-execution-history` prints it ({has_keys})"
    )
}

/// An SDK's capitalized keys (`Id`, `Type`, `TaskScheduledEventDetails`, `ResourceType`) in AWS's
/// camelCase, in the event and in its details.
fn camel_case(o: Map<String, Value>) -> Map<String, Value> {
    fn lower(k: String) -> String {
        let mut chars = k.chars();
        match chars.next() {
            Some(c) if c.is_ascii_uppercase() => c.to_ascii_lowercase().to_string() + chars.as_str(),
            _ => k,
        }
    }
    o.into_iter()
        .map(|(k, v)| {
            let k = lower(k);
            let v = match v {
                Value::Object(d) if k.ends_with("EventDetails") => {
                    Value::Object(d.into_iter().map(|(k, v)| (lower(k), v)).collect())
                }
                v => v,
            };
            (k, v)
        })
        .collect()
}

/// Reads a history document: `get-execution-history` output (`{"events": [...]}`), the output of
/// `baton run --history` (`{"history": [...], "calls": [...]}`), or a bare list of events.
///
/// Refused, with the pointer of the problem: a document that is not one of these (with what it
/// is instead when it is a definition or `describe-*` output), no events, an event that is not an
/// object or has no `type` or `id`, and events out of order (neither ascending nor, as with
/// `--reverse-order`, descending; or an id twice). Kept, with a warning: missing events (a page of
/// a longer history, a gap), more than AWS keeps, types Step Functions does not have (shown as
/// they are), timestamps that cannot be read.
pub fn read_history(doc: Value) -> Result<History, Problem> {
    let mut warnings = Vec::new();
    let (form, list, events, calls) = match doc {
        Value::Array(events) => (Form::List, String::new(), events, Vec::new()),
        Value::Object(mut o) => {
            if let Some(key) = ["events", "Events"].into_iter().find(|k| o.contains_key(*k)) {
                let list = format!("/{key}");
                let events = match o.remove(key) {
                    Some(Value::Array(events)) => events,
                    other => {
                        let what = other.as_ref().map_or("missing", kind_of);
                        return Err(Problem::at(list, format!("\"{key}\" is {what}, not a list of events")));
                    }
                };
                for token in ["nextToken", "NextToken"] {
                    if o.get(token).is_some_and(|t| !t.is_null()) {
                        warnings.push(Problem::at(
                            format!("/{token}"),
                            "this is one page of the history: more events follow (\"nextToken\"); \
                             `aws stepfunctions get-execution-history` without --max-items prints them all",
                        ));
                    }
                }
                (Form::Aws, list, events, Vec::new())
            } else if matches!(o.get("history"), Some(Value::Array(_))) {
                let calls = read_calls(o.get("calls"), &mut warnings);
                let Some(Value::Array(events)) = o.remove("history") else {
                    return Err(Problem::at("/history", "\"history\" is not a list of events"));
                };
                (Form::BatonRun, "/history".to_string(), events, calls)
            } else {
                return Err(Problem::at("", not_a_history(&o)));
            }
        }
        other => {
            return Err(Problem::at(
                "",
                format!(
                    "not an execution history: the document is {}; expected {{\"events\": [...]}}, as \
                     `aws stepfunctions get-execution-history` prints it",
                    kind_of(&other)
                ),
            ))
        }
    };
    let mut history = History { events, calls, form, warnings, list, reversed: false };
    check_events(&mut history)?;
    Ok(history)
}

/// The checks on the list of events (see [`read_history`]); turns a latest-first list around.
fn check_events(h: &mut History) -> Result<(), Problem> {
    let list = h.list.clone();
    if h.events.is_empty() {
        return Err(Problem::at(list, "the history holds no events"));
    }
    let mut ids = Vec::with_capacity(h.events.len());
    for (i, e) in h.events.iter_mut().enumerate() {
        let at = format!("{list}/{i}");
        let Value::Object(o) = e else {
            return Err(Problem::at(
                at,
                format!("item {} of the list is {}, not an event", i + 1, kind_of(e)),
            ));
        };
        if !o.contains_key("type") && o.contains_key("Type") {
            *o = camel_case(std::mem::take(o));
        }
        let ty = match o.get("type") {
            Some(Value::String(ty)) if !ty.is_empty() => clip_chars(&one_line(ty), 60),
            Some(_) => return Err(Problem::at(format!("{at}/type"), "\"type\" is not an event type's name")),
            None => return Err(Problem::at(at, format!("item {} of the list has no \"type\"", i + 1))),
        };
        let id = match o.get("id") {
            Some(v) => v.as_i64().filter(|&id| id >= 1).ok_or_else(|| {
                Problem::at(
                    format!("{at}/id"),
                    format!("the {ty} event's \"id\" is not a whole number from 1 up"),
                )
            })?,
            None => return Err(Problem::at(at, format!("item {} of the list ({ty}) has no \"id\"", i + 1))),
        };
        ids.push(id);
    }
    let ascending = ids.windows(2).all(|w| w[0] < w[1]);
    if !ascending {
        let descending = ids.windows(2).all(|w| w[0] > w[1]);
        if !descending {
            // Where the order the list mostly keeps breaks.
            let up = ids[0] <= ids[ids.len() - 1];
            let i = (1..ids.len())
                .find(|&i| if up { ids[i] <= ids[i - 1] } else { ids[i] >= ids[i - 1] })
                .unwrap_or(1);
            let message = if ids[i] == ids[i - 1] {
                format!("event #{} comes twice in a row: the events are not one execution's history", ids[i])
            } else {
                format!(
                    "event #{} comes after #{}: the events are out of order (a history lists them by \
                     id, ascending, or descending with --reverse-order)",
                    ids[i],
                    ids[i - 1]
                )
            };
            return Err(Problem::at(format!("{list}/{i}/id"), message));
        }
        h.events.reverse();
        ids.reverse();
        h.reversed = true;
    }
    if ids[0] != 1 {
        let missing =
            if ids[0] == 2 { "event #1 is".to_string() } else { format!("events #1 to #{} are", ids[0] - 1) };
        h.warnings.push(Problem::at(
            h.pointer(0),
            format!(
                "the history starts at event #{}: {missing} missing (is this a later page of a \
                 paginated history?)",
                ids[0]
            ),
        ));
    }
    let gaps: Vec<usize> = (1..ids.len()).filter(|&i| ids[i] != ids[i - 1] + 1).collect();
    if let Some(&i) = gaps.first() {
        let (a, b) = (ids[i - 1] + 1, ids[i] - 1);
        let missing = if a == b { format!("event #{a} is") } else { format!("events #{a} to #{b} are") };
        let more = match gaps.len() {
            1 => String::new(),
            n => format!(" ({} more gaps after it)", n - 1),
        };
        h.warnings.push(Problem::at(
            h.pointer(i),
            format!("{missing} missing: the ids jump from #{} to #{}{more}", ids[i - 1], ids[i]),
        ));
    }
    if h.events.len() > AWS_MAX_EVENTS {
        h.warnings.push(Problem::at(
            list,
            format!("{} events: more than the 25,000 AWS keeps for one execution", h.events.len()),
        ));
    }
    // Types Step Functions does not have, once each (a few), and the first unreadable timestamp.
    let mut unknown: Vec<String> = Vec::new();
    let mut bad_time = false;
    let mut notes = Vec::new();
    for (i, e) in h.events.iter().enumerate() {
        let ty = e.get("type").and_then(Value::as_str).unwrap_or_default();
        if !is_known_type(ty) && unknown.len() < 10 && !unknown.iter().any(|u| u == ty) {
            unknown.push(ty.to_string());
            notes.push(Problem::at(
                format!("{}/type", h.pointer(i)),
                format!(
                    "event #{} has the type '{}', which Step Functions does not write (as far as baton \
                     knows): it is kept and shown as it is",
                    ids[i],
                    clip_chars(&one_line(ty), 60)
                ),
            ));
        }
        if let Some(t) = e.get("timestamp") {
            if !bad_time && timestamp_ms(t).is_none() {
                bad_time = true;
                let shown = match t {
                    Value::String(s) => format!("'{}'", clip_chars(&one_line(s), 40)),
                    other => kind_of(other).to_string(),
                };
                notes.push(Problem::at(
                    format!("{}/timestamp", h.pointer(i)),
                    format!(
                        "the timestamp of event #{} ({shown}) is not a time baton can read (ISO 8601, or \
                         epoch seconds): times are left out where it counts",
                        ids[i]
                    ),
                ));
            }
        }
    }
    h.warnings.extend(notes);
    Ok(())
}

/// The `calls` of `baton run`'s output. A call that is not one baton writes is left out, with a
/// warning.
fn read_calls(v: Option<&Value>, warnings: &mut Vec<Problem>) -> Vec<Call> {
    let Some(Value::Array(calls)) = v else { return Vec::new() };
    let mut out = Vec::with_capacity(calls.len());
    for (i, c) in calls.iter().enumerate() {
        let text = |k: &str| c.get(k).and_then(Value::as_str).map(str::to_string);
        let at = c.get("at").and_then(Value::as_f64).filter(|at| at.is_finite() && *at >= 0.0 && *at < 1e13);
        let (Some(at), Some(action)) = (at, text("action")) else {
            warnings.push(Problem::at(
                format!("/calls/{i}"),
                "not a call as `baton run` writes one ({\"at\", \"action\", …}): left out",
            ));
            continue;
        };
        out.push(Call {
            at_ms: (at * 1000.0).round() as u64,
            action,
            state: text("state"),
            by: text("by"),
            ok: c.get("ok").and_then(Value::as_bool).unwrap_or(true),
            error: text("error"),
            handoff: None,
        });
    }
    out
}

/// The definition in a document: an ASL definition itself, or the output of
/// `describe-state-machine` / `describe-state-machine-for-execution` (its `definition` string).
pub fn read_definition(doc: Value) -> Result<Value, Problem> {
    let Value::Object(mut o) = doc else {
        return Err(Problem::at(
            "",
            format!("not a state machine definition: the document is {}", kind_of(&doc)),
        ));
    };
    if o.contains_key("States") {
        return Ok(Value::Object(o));
    }
    match o.remove("definition") {
        Some(Value::String(text)) => match serde_json::from_str::<Value>(&text) {
            Ok(Value::Object(d)) if d.contains_key("States") => Ok(Value::Object(d)),
            Ok(_) => Err(Problem::at(
                "/definition",
                "the \"definition\" string holds no state machine (no \"States\")",
            )),
            Err(e) => Err(Problem::at("/definition", format!("the \"definition\" string is not JSON: {e}"))),
        },
        Some(Value::Object(d)) if d.contains_key("States") => Ok(Value::Object(d)),
        Some(other) => Err(Problem::at(
            "/definition",
            format!("\"definition\" is {}, not a state machine definition", kind_of(&other)),
        )),
        None => {
            let has = |k: &str| o.contains_key(k);
            let message = if has("executionArn") && has("status") {
                "this is `describe-execution` output, which holds no definition: \
                 `aws stepfunctions describe-state-machine-for-execution --execution-arn ARN` prints it"
            } else if has("events") || has("Events") {
                "this is an execution history, not a state machine definition"
            } else {
                "not a state machine definition: expected an ASL definition ({\"StartAt\", \"States\"}) or \
                 what `aws stepfunctions describe-state-machine` prints"
            };
            Err(Problem::at("", message))
        }
    }
}

/// What `describe-execution` says about an execution.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Execution {
    pub arn: Option<String>,
    pub name: Option<String>,
    pub state_machine_arn: Option<String>,
    /// `RUNNING`, `SUCCEEDED`, `FAILED`, `TIMED_OUT`, `ABORTED`, `PENDING_REDRIVE`.
    pub status: Option<String>,
    /// Epoch milliseconds.
    pub start_ms: Option<i64>,
    pub stop_ms: Option<i64>,
    pub error: Option<String>,
    pub cause: Option<String>,
    pub redrive_count: Option<u64>,
}

/// The output of `aws stepfunctions describe-execution`.
pub fn read_execution(doc: &Value) -> Result<Execution, Problem> {
    let o = doc.as_object().filter(|o| o.contains_key("executionArn") || o.contains_key("status"));
    let Some(o) = o else {
        let message = if doc.get("events").is_some() {
            "this is an execution history, not `describe-execution` output"
        } else {
            "not `describe-execution` output: expected {\"executionArn\", \"status\", …}, as \
             `aws stepfunctions describe-execution --execution-arn ARN` prints it"
        };
        return Err(Problem::at("", message));
    };
    let text = |k: &str| o.get(k).and_then(Value::as_str).map(|s| clip_chars(&one_line(s), 2048));
    Ok(Execution {
        arn: text("executionArn"),
        name: text("name"),
        state_machine_arn: text("stateMachineArn"),
        status: text("status"),
        start_ms: o.get("startDate").and_then(timestamp_ms),
        stop_ms: o.get("stopDate").and_then(timestamp_ms),
        error: text("error"),
        cause: text("cause"),
        redrive_count: o.get("redriveCount").and_then(Value::as_u64),
    })
}

/// Every state's name in a definition, Parallel branches and Map processors included.
pub fn state_names(definition: &Value) -> Vec<String> {
    fn walk(machine: &Value, out: &mut Vec<String>, depth: usize) {
        let Some(states) = machine.get("States").and_then(Value::as_object) else { return };
        if depth > 64 {
            return;
        }
        for (name, state) in states {
            out.push(name.clone());
            for branch in state.get("Branches").and_then(Value::as_array).into_iter().flatten() {
                walk(branch, out, depth + 1);
            }
            for field in ["ItemProcessor", "Iterator"] {
                if let Some(inner) = state.get(field) {
                    walk(inner, out, depth + 1);
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(definition, &mut out, 0);
    out
}
