//! The result of a run, in the shape `baton run` prints.

use asl::exec::Status;
use asl::history::Event;
use asl::Value;
use serde_json::{json, Map, Value as Json};

use crate::world::{CallRecord, World};

#[derive(Clone, Debug)]
pub struct Report {
    pub status: Status,
    pub output: Option<Value>,
    pub error: Option<String>,
    pub cause: Option<String>,
    /// Virtual milliseconds from the start to the last history event.
    pub clock_ms: u64,
    pub calls: Vec<CallRecord>,
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
            error: failure.and_then(|f| f.error.as_deref().map(String::from)),
            cause: failure.and_then(|f| f.cause.as_deref().map(String::from)),
            clock_ms: exec.history().last().map_or(0, |e| e.at_ms),
            calls: world.calls().to_vec(),
            events: exec.history().to_vec(),
            start_epoch_ms: exec.options().start_epoch_ms,
        }
    }

    /// The history as `aws stepfunctions get-execution-history` prints its `events`.
    pub fn history_json(&self) -> Vec<Json> {
        self.events.iter().map(|e| e.to_aws_json(self.start_epoch_ms)).collect()
    }

    /// `{"status", "output" | "error", "cause", "clock", "calls", "history"?}`.
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

fn call_json(c: &CallRecord) -> Json {
    let mut m = Map::new();
    m.insert("at".into(), seconds(c.at_ms));
    m.insert("action".into(), json!(c.action));
    if let Some(s) = &c.state {
        m.insert("state".into(), json!(s));
    }
    if let Some(by) = &c.by {
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
