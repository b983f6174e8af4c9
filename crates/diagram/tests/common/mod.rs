//! Fixture loading shared by the integration tests.
#![allow(dead_code)]

use diagram::{Annotations, ApiCall, Participant};
use serde_json::Value;
use std::path::PathBuf;

pub fn fixture(rel: &str) -> Value {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(rel);
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The calls and participants a host recorded, without known tokens (as for an imported history).
pub fn annotations(calls: &[ApiCall], participants: &[Participant]) -> Annotations {
    Annotations { calls: calls.to_vec(), participants: participants.to_vec(), tokens: Vec::new() }
}

/// A sequence fixture: `{history, calls, participants}`.
pub fn sequence_fixture(name: &str) -> (Vec<Value>, Vec<ApiCall>, Vec<Participant>) {
    let v = fixture(&format!("sequence/{name}.json"));
    let history = v["history"].as_array().cloned().unwrap_or_default();
    let s = |x: &Value, k: &str| x[k].as_str().unwrap_or("").to_string();
    let calls = v["calls"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| ApiCall {
            at_ms: c["at_ms"].as_u64().unwrap_or(0),
            action: s(c, "action"),
            token: s(c, "token"),
            ok: c["ok"].as_bool().unwrap_or(true),
            error: c["error"].as_str().map(str::to_string),
            participant: c["participant"].as_str().map(str::to_string),
        })
        .collect();
    let participants = v["participants"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| Participant { id: s(p, "id"), name: s(p, "name"), kind: s(p, "kind") })
        .collect();
    (history, calls, participants)
}

/// Do two boxes (x, y, w, h) overlap by more than a hair?
pub fn overlap(a: (f64, f64, f64, f64), b: (f64, f64, f64, f64)) -> bool {
    a.0 + a.2 > b.0 + 0.5 && b.0 + b.2 > a.0 + 0.5 && a.1 + a.3 > b.1 + 0.5 && b.1 + b.3 > a.1 + 0.5
}
