//! The result of a run, in the shape `baton run` prints.

use asl::exec::Status;
use asl::history::Event;
use asl::{ErrorName, Value};
use serde_json::{json, Map, Value as Json};

use crate::call::CallRecord;
use crate::world::{Holding, World};

#[derive(Clone, Debug)]
pub struct Report {
    pub status: Status,
    pub output: Option<Value>,
    pub error: Option<String>,
    pub cause: Option<String>,
    /// Virtual milliseconds from the start to the last history event.
    pub clock_ms: u64,
    pub calls: Vec<CallRecord>,
    /// Tokens still out, with who holds them: a run stopped early (`baton run --until`), or one
    /// whose token nobody will ever answer.
    pub open: Vec<Holding>,
    /// The event history, kept as data: [`Report::history_json`] writes AWS's form on demand
    /// (serializing every payload of a long run costs more than running it).
    pub events: Vec<Event>,
    pub start_epoch_ms: u64,
}

impl Report {
    pub fn of(world: &World) -> Report {
        let exec = world.execution();
        let failure = exec.failure();
        Report {
            status: exec.status(),
            output: exec.output().cloned(),
            error: failure.and_then(|f| f.error.as_ref().map(ErrorName::to_string)),
            cause: failure.and_then(|f| f.cause.as_deref().map(String::from)),
            clock_ms: exec.history().last().map_or(0, |e| e.at_ms),
            calls: world.calls().to_vec(),
            open: world.open_tasks(),
            events: exec.history().to_vec(),
            start_epoch_ms: exec.options().start_epoch_ms,
        }
    }

    /// The history as `aws stepfunctions get-execution-history` prints its `events`.
    pub fn history_json(&self) -> Vec<Json> {
        self.events.iter().map(|e| e.to_aws_json(self.start_epoch_ms)).collect()
    }

    /// `{"status", "output" | "error", "cause", "clock", "calls", "open"?, "history"?}`.
    pub fn to_json(&self, with_history: bool) -> Json {
        let mut out = Map::new();
        out.insert("status".into(), json!(self.status.as_aws()));
        if let Some(output) = &self.output {
            out.insert("output".into(), Json::from(output));
        }
        if let Some(e) = &self.error {
            out.insert("error".into(), json!(e));
        }
        if let Some(c) = &self.cause {
            out.insert("cause".into(), json!(c));
        }
        out.insert("clock".into(), seconds(self.clock_ms));
        let calls: Vec<Json> = self.calls.iter().map(call_json).collect();
        out.insert("calls".into(), Json::Array(calls));
        if !self.open.is_empty() {
            out.insert("open".into(), Json::Array(self.open.iter().map(open_json).collect()));
        }
        if with_history {
            out.insert("history".into(), Json::Array(self.history_json()));
        }
        Json::Object(out)
    }
}

/// Whole seconds print as integers, fractions as decimals.
fn seconds(ms: u64) -> Json {
    if ms.is_multiple_of(1000) {
        json!(ms / 1000)
    } else {
        json!(ms as f64 / 1000.0)
    }
}

fn open_json(h: &Holding) -> Json {
    let mut m = Map::new();
    m.insert("state".into(), json!(&*h.task.state));
    m.insert("token".into(), json!(&*h.task.token));
    m.insert("holder".into(), json!(h.participant.name));
    m.insert("since".into(), seconds(h.task.opened_at));
    if let Some(due) = h.task.heartbeat_due {
        m.insert("heartbeatDue".into(), seconds(due));
    }
    if let Some(due) = h.task.timeout_due {
        m.insert("timeoutDue".into(), seconds(due));
    }
    Json::Object(m)
}

fn call_json(c: &CallRecord) -> Json {
    let mut m = Map::new();
    m.insert("at".into(), seconds(c.at_ms));
    m.insert("action".into(), json!(c.action));
    if let Some(s) = &c.state {
        m.insert("state".into(), json!(s));
    }
    if let crate::Caller::Participant(by) = &c.by {
        m.insert("by".into(), json!(by));
    }
    m.insert("ok".into(), json!(c.ok));
    if let Some(e) = &c.error {
        m.insert("error".into(), json!(e));
    }
    if let Some(msg) = &c.message {
        m.insert("message".into(), json!(msg));
    }
    Json::Object(m)
}
