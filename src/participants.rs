//! Simulated participants: what the external system behind each Task state does during a run.
//!
//! The persisted form is the scenario JSON of the README (`{"responders": {"State": [...]}}`), so
//! what the panel edits is exactly what `baton run --scenario` reads. This module turns one
//! response of that format into a [`Behaviour`] the panel can show and back, and lists the Task
//! states of a definition. Pure functions, tested natively.

use serde_json::{json, Map, Value};

/// A Task state of the definition, as the participants panel lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskInfo {
    pub name: String,
    pub resource: String,
    /// `.waitForTaskToken` or an activity: the external system answers later with the token.
    pub callback: bool,
    pub timeout_s: Option<u64>,
    pub heartbeat_s: Option<u64>,
}

/// Every Task state of `definition`, nested Parallel branches and Map processors included, in the
/// order they are written.
pub fn tasks_of(definition: &Value) -> Vec<TaskInfo> {
    fn walk(machine: &Value, out: &mut Vec<TaskInfo>) {
        let Some(states) = machine.get("States").and_then(Value::as_object) else { return };
        for (name, state) in states {
            if state.get("Type").and_then(Value::as_str) == Some("Task") {
                let resource = state.get("Resource").and_then(Value::as_str).unwrap_or_default().to_string();
                let callback = resource.ends_with(".waitForTaskToken") || resource.contains(":activity:");
                out.push(TaskInfo {
                    name: name.clone(),
                    callback,
                    timeout_s: state.get("TimeoutSeconds").and_then(Value::as_u64),
                    heartbeat_s: state.get("HeartbeatSeconds").and_then(Value::as_u64),
                    resource,
                });
            }
            for branch in state.get("Branches").and_then(Value::as_array).into_iter().flatten() {
                walk(branch, out);
            }
            for field in ["ItemProcessor", "Iterator"] {
                if let Some(inner) = state.get(field) {
                    walk(inner, out);
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(definition, &mut out);
    out
}

/// What one invocation of a Task state's integration does. Times are milliseconds after the token
/// was issued; heartbeats are the times of each SendTaskHeartbeat.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Behaviour {
    /// No responder: a callback token waits for the person at the keyboard; any other task gets a
    /// plausible integration response at once.
    Manual,
    /// SendTaskSuccess with `output`, `after_ms` after the token was issued.
    Success { after_ms: u64, output: Value, heartbeats: Vec<u64> },
    /// SendTaskFailure with `error` and `cause`.
    Failure { after_ms: u64, error: String, cause: String, heartbeats: Vec<u64> },
    /// Never answers (only heartbeats, if any), so a timeout decides.
    Never { heartbeats: Vec<u64> },
    /// A request-response task's result.
    Return { output: Value },
    /// The integration call fails.
    Throw { error: String, cause: String },
    /// The integration call never returns.
    Hang,
}

impl Behaviour {
    /// A short label for the panel's menu.
    pub fn kind(&self) -> &'static str {
        match self {
            Behaviour::Manual => "manual",
            Behaviour::Success { .. } => "success",
            Behaviour::Failure { .. } => "failure",
            Behaviour::Never { .. } => "never",
            Behaviour::Return { .. } => "return",
            Behaviour::Throw { .. } => "throw",
            Behaviour::Hang => "hang",
        }
    }

    pub fn heartbeats(&self) -> &[u64] {
        match self {
            Behaviour::Success { heartbeats, .. }
            | Behaviour::Failure { heartbeats, .. }
            | Behaviour::Never { heartbeats } => heartbeats,
            _ => &[],
        }
    }

    /// The same behaviour with other heartbeat times (ignored by kinds without heartbeats).
    pub fn with_heartbeats(self, beats: Vec<u64>) -> Behaviour {
        match self {
            Behaviour::Success { after_ms, output, .. } => {
                Behaviour::Success { after_ms, output, heartbeats: beats }
            }
            Behaviour::Failure { after_ms, error, cause, .. } => {
                Behaviour::Failure { after_ms, error, cause, heartbeats: beats }
            }
            Behaviour::Never { .. } => Behaviour::Never { heartbeats: beats },
            other => other,
        }
    }

    /// When the answer comes, for the kinds that answer later.
    pub fn after_ms(&self) -> Option<u64> {
        match self {
            Behaviour::Success { after_ms, .. } | Behaviour::Failure { after_ms, .. } => Some(*after_ms),
            _ => None,
        }
    }

    /// The scenario-format response; `None` for [`Behaviour::Manual`] (no entry at all).
    pub fn to_json(&self) -> Option<Value> {
        let beats = |obj: &mut Map<String, Value>, heartbeats: &[u64]| {
            if !heartbeats.is_empty() {
                obj.insert(
                    "heartbeats".into(),
                    Value::Array(heartbeats.iter().map(|&ms| seconds(ms)).collect()),
                );
            }
        };
        let text = |obj: &mut Map<String, Value>, key: &str, value: &str| {
            if !value.trim().is_empty() {
                obj.insert(key.into(), Value::String(value.to_string()));
            }
        };
        Some(match self {
            Behaviour::Manual => return None,
            Behaviour::Success { after_ms, output, heartbeats } => {
                let mut obj = Map::new();
                obj.insert("callback".into(), "success".into());
                obj.insert("output".into(), output.clone());
                obj.insert("after".into(), seconds(*after_ms));
                beats(&mut obj, heartbeats);
                Value::Object(obj)
            }
            Behaviour::Failure { after_ms, error, cause, heartbeats } => {
                let mut obj = Map::new();
                obj.insert("callback".into(), "failure".into());
                text(&mut obj, "error", error);
                text(&mut obj, "cause", cause);
                obj.insert("after".into(), seconds(*after_ms));
                beats(&mut obj, heartbeats);
                Value::Object(obj)
            }
            Behaviour::Never { heartbeats } => {
                let mut obj = Map::new();
                obj.insert("callback".into(), "none".into());
                beats(&mut obj, heartbeats);
                Value::Object(obj)
            }
            Behaviour::Return { output } => json!({ "return": output }),
            Behaviour::Throw { error, cause } => {
                let mut obj = Map::new();
                text(&mut obj, "error", error);
                text(&mut obj, "cause", cause);
                json!({ "throw": obj })
            }
            Behaviour::Hang => json!({ "hang": true }),
        })
    }

    /// Reads one response of the scenario format (already checked by `sim::Scenario::from_json`);
    /// `None` for anything else.
    pub fn from_json(response: &Value) -> Option<Behaviour> {
        let obj = response.as_object()?;
        let text = |v: Option<&Value>, key: &str| {
            v.and_then(|v| v.get(key)).and_then(Value::as_str).unwrap_or_default().to_string()
        };
        if let Some(output) = obj.get("return") {
            return Some(Behaviour::Return { output: output.clone() });
        }
        if let Some(t) = obj.get("throw") {
            return Some(Behaviour::Throw { error: text(Some(t), "error"), cause: text(Some(t), "cause") });
        }
        if obj.get("hang") == Some(&Value::Bool(true)) {
            return Some(Behaviour::Hang);
        }
        let after_ms = millis(obj.get("after")).unwrap_or(0);
        let heartbeats: Vec<u64> = obj
            .get("heartbeats")
            .and_then(Value::as_array)
            .map_or(Vec::new(), |l| l.iter().filter_map(|h| millis(Some(h))).collect());
        match obj.get("callback")?.as_str()? {
            "success" => Some(Behaviour::Success {
                after_ms,
                output: obj.get("output").cloned().unwrap_or(Value::Null),
                heartbeats,
            }),
            "failure" => Some(Behaviour::Failure {
                after_ms,
                error: text(Some(response), "error"),
                cause: text(Some(response), "cause"),
                heartbeats,
            }),
            "none" => Some(Behaviour::Never { heartbeats }),
            _ => None,
        }
    }
}

/// Milliseconds as the scenario format's seconds: whole numbers stay integers.
fn seconds(ms: u64) -> Value {
    if ms / 1000 * 1000 == ms {
        Value::from(ms / 1000)
    } else {
        Value::from(ms as f64 / 1000.0)
    }
}

fn millis(v: Option<&Value>) -> Option<u64> {
    let s = v?.as_f64()?;
    (s >= 0.0 && s.is_finite()).then(|| (s * 1000.0).round() as u64)
}

/// Heartbeats at most this many per invocation: enough for any lesson, few enough to list.
pub const MAX_HEARTBEATS: u64 = 100;

/// Heartbeat times every `every_ms`, `count` times or (with no count) for as long as the task can
/// still be answered: strictly before `limit_ms` (the answer, or the task's timeout).
pub fn heartbeat_times(every_ms: u64, count: Option<u32>, limit_ms: Option<u64>) -> Vec<u64> {
    if every_ms == 0 {
        return Vec::new();
    }
    let most = count.map_or(MAX_HEARTBEATS, |c| u64::from(c).min(MAX_HEARTBEATS));
    (1..=most).map(|i| i * every_ms).take_while(|&t| limit_ms.is_none_or(|limit| t < limit)).collect()
}

/// How a list of heartbeat times reads in the panel: `(every, count)` when the beats are regular
/// (`count` is `None` when they go on until `limit_ms`), or `None` for an irregular list.
pub fn heartbeat_pattern(beats: &[u64], limit_ms: Option<u64>) -> Option<(u64, Option<u32>)> {
    let every = *beats.first()?;
    if every == 0 || beats.iter().enumerate().any(|(i, &t)| t != (i as u64 + 1) * every) {
        return None;
    }
    let next = (beats.len() as u64 + 1) * every;
    let until_limit = limit_ms.is_some_and(|limit| next >= limit) || beats.len() as u64 >= MAX_HEARTBEATS;
    Some((every, if until_limit { None } else { Some(beats.len() as u32) }))
}

/// The responses configured for `state` in a scenario (parsed JSON), one per invocation.
pub fn responses(scenario: &Value, state: &str) -> Vec<Option<Behaviour>> {
    scenario
        .get("responders")
        .and_then(|r| r.get(state))
        .and_then(Value::as_array)
        .map_or(Vec::new(), |list| list.iter().map(Behaviour::from_json).collect())
}

/// Sets the response to invocation `index` of `state` (appending when `index` is past the end).
/// [`Behaviour::Manual`] removes that response, and the state's entry once none is left.
pub fn set_response(scenario: &mut Value, state: &str, index: usize, behaviour: &Behaviour) {
    if !scenario.is_object() {
        *scenario = Value::Object(Map::new());
    }
    let Some(root) = scenario.as_object_mut() else { return };
    let responders = root.entry("responders").or_insert_with(|| Value::Object(Map::new()));
    if !responders.is_object() {
        *responders = Value::Object(Map::new());
    }
    let Some(map) = responders.as_object_mut() else { return };
    let list = map.entry(state.to_string()).or_insert_with(|| Value::Array(Vec::new()));
    if !list.is_array() {
        *list = Value::Array(Vec::new());
    }
    let Some(items) = list.as_array_mut() else { return };
    match behaviour.to_json() {
        Some(response) if index < items.len() => items[index] = response,
        Some(response) => items.push(response),
        None if index < items.len() => {
            items.remove(index);
        }
        None => {}
    }
    if items.is_empty() {
        map.shift_remove(state);
    }
    if map.is_empty() {
        root.shift_remove("responders");
    }
}

/// The scripted API calls of a scenario, one line each (`at 30 s: SendTaskSuccess → RequestApproval`).
pub fn call_lines(scenario: &Value) -> Vec<String> {
    let Some(calls) = scenario.get("calls").and_then(Value::as_array) else { return Vec::new() };
    calls
        .iter()
        .map(|c| {
            let at = c.get("at").and_then(Value::as_f64).unwrap_or(0.0).max(0.0);
            let action = c.get("action").and_then(Value::as_str).unwrap_or("?");
            let target = c
                .get("state")
                .and_then(Value::as_str)
                .map(str::to_string)
                .or_else(|| {
                    c.get("token")
                        .and_then(Value::as_str)
                        .map(|t| format!("token {}", crate::format::short_token(t)))
                })
                .unwrap_or_else(|| "the execution".into());
            format!("at {} s: {action} → {target}", crate::format::seconds((at * 1000.0).round() as u64))
        })
        .collect()
}

/// The Task states a scenario speaks for (its responders and its calls' targets) that `tasks`
/// does not have: a scenario written for another definition.
pub fn missing_states(scenario: &Value, tasks: &[TaskInfo]) -> Vec<String> {
    let responders = scenario.get("responders").and_then(Value::as_object).into_iter().flat_map(|r| r.keys());
    let calls = scenario.get("calls").and_then(Value::as_array).into_iter().flatten();
    let mut missing: Vec<String> = Vec::new();
    for state in responders.map(String::as_str).chain(calls.filter_map(|c| c.get("state")?.as_str())) {
        if !tasks.iter().any(|t| t.name == state) && !missing.iter().any(|m| m == state) {
            missing.push(state.to_string());
        }
    }
    missing
}

/// The outcome a scenario promises, as the panel says it: `Succeeded`, `Failed · ApprovalTimedOut`.
pub fn promise(scenario: &Value) -> Option<(String, Option<String>)> {
    let expect = scenario.get("expect")?;
    let status = expect.get("status")?.as_str()?.to_string();
    Some((status, expect.get("error").and_then(Value::as_str).map(str::to_string)))
}

/// A promised outcome as a sentence fragment: `Succeeded`, `Failed with ApprovalTimedOut`.
pub fn promise_text(status: &str, error: Option<&str>) -> String {
    let status = match status {
        "SUCCEEDED" => "Succeeded",
        "FAILED" => "Failed",
        "TIMED_OUT" => "Timed out",
        "ABORTED" => "Aborted",
        other => other,
    };
    match error {
        Some(e) => format!("{status} with {e}"),
        None => status.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tasks_are_listed_at_any_depth() {
        let definition = json!({"StartAt": "P", "States": {
            "P": {"Type": "Parallel", "Branches": [{"StartAt": "A", "States": {"A": {"Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "TimeoutSeconds": 60}}}]},
            "M": {"Type": "Map", "ItemProcessor": {"States": {"W": {"Type": "Task",
                "Resource": "arn:aws:states:us-east-1:1:activity:w", "HeartbeatSeconds": 5}}}},
            "N": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish"}}});
        let tasks = tasks_of(&definition);
        let names: Vec<(&str, bool)> = tasks.iter().map(|t| (t.name.as_str(), t.callback)).collect();
        assert_eq!(names, [("A", true), ("W", true), ("N", false)]);
        assert_eq!(tasks[0].timeout_s, Some(60));
        assert_eq!(tasks[1].heartbeat_s, Some(5));
    }

    #[test]
    fn behaviours_round_trip_through_the_scenario_format() {
        let all = [
            Behaviour::Success {
                after_ms: 600_000,
                output: json!({"decision": "approve"}),
                heartbeats: vec![],
            },
            Behaviour::Failure {
                after_ms: 1_500,
                error: "Rejected".into(),
                cause: "No".into(),
                heartbeats: vec![500],
            },
            Behaviour::Never { heartbeats: vec![45_000, 90_000] },
            Behaviour::Return { output: json!([1]) },
            Behaviour::Throw { error: "Boom".into(), cause: String::new() },
            Behaviour::Hang,
        ];
        for b in all {
            let json = b.to_json().unwrap();
            assert_eq!(Behaviour::from_json(&json), Some(b.clone()), "{json}");
            let text = format!("{{\"responders\": {{\"T\": [{json}]}}}}");
            assert!(sim::Scenario::from_json(&text).is_ok(), "{text}");
        }
        assert_eq!(Behaviour::Manual.to_json(), None);
        let json =
            Behaviour::Failure { after_ms: 1_500, error: "E".into(), cause: "C".into(), heartbeats: vec![] }
                .to_json()
                .unwrap();
        assert_eq!(json, json!({"callback": "failure", "error": "E", "cause": "C", "after": 1.5}));
    }

    #[test]
    fn heartbeats_are_generated_and_recognised() {
        assert_eq!(heartbeat_times(45_000, None, Some(300_000)).len(), 6);
        assert_eq!(heartbeat_times(45_000, Some(2), Some(300_000)), [45_000, 90_000]);
        assert_eq!(heartbeat_times(1_000, None, None).len() as u64, MAX_HEARTBEATS);
        assert_eq!(heartbeat_times(0, None, None), Vec::<u64>::new());
        let beats = heartbeat_times(45_000, None, Some(300_000));
        assert_eq!(heartbeat_pattern(&beats, Some(300_000)), Some((45_000, None)));
        assert_eq!(heartbeat_pattern(&[45_000, 90_000], Some(3_600_000)), Some((45_000, Some(2))));
        assert_eq!(heartbeat_pattern(&[20_000, 45_000], None), None);
        assert_eq!(heartbeat_pattern(&[], None), None);
    }

    #[test]
    fn responses_are_set_appended_and_removed() {
        let mut scenario = json!({"expect": {"status": "SUCCEEDED"}});
        let never = Behaviour::Never { heartbeats: vec![] };
        set_response(&mut scenario, "T", 0, &never);
        set_response(&mut scenario, "T", 5, &Behaviour::Hang);
        assert_eq!(responses(&scenario, "T"), [Some(never.clone()), Some(Behaviour::Hang)]);
        set_response(&mut scenario, "T", 0, &Behaviour::Manual);
        assert_eq!(responses(&scenario, "T"), [Some(Behaviour::Hang)]);
        set_response(&mut scenario, "T", 0, &Behaviour::Manual);
        assert_eq!(scenario, json!({"expect": {"status": "SUCCEEDED"}}));
        assert_eq!(promise(&scenario), Some(("SUCCEEDED".into(), None)));
        assert_eq!(promise_text("FAILED", Some("Rejected")), "Failed with Rejected");
        assert_eq!(promise_text("TIMED_OUT", None), "Timed out");
    }

    #[test]
    fn scripted_calls_read_as_one_line_each() {
        let scenario = json!({"calls": [{"at": 30, "action": "SendTaskSuccess", "state": "Ask"},
            {"at": 1.5, "action": "StopExecution"}]});
        assert_eq!(
            call_lines(&scenario),
            ["at 30 s: SendTaskSuccess → Ask", "at 1.5 s: StopExecution → the execution"]
        );
    }

    #[test]
    fn a_scenario_for_other_states_is_noticed() {
        let tasks = tasks_of(&serde_json::json!({"States": {"Ask": {"Type": "Task", "Resource": "r"}}}));
        let scenario = serde_json::json!({
            "responders": {"Ask": [], "Gone": []},
            "calls": [{"at": 1, "action": "SendTaskSuccess", "state": "Gone"}, {"at": 2, "action": "StopExecution"}],
        });
        assert_eq!(missing_states(&scenario, &tasks), ["Gone"]);
        assert!(missing_states(&serde_json::json!({"responders": {"Ask": []}}), &tasks).is_empty());
    }
}
