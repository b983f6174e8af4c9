//! Simulated participants: what the external system behind each Task state does during a run.
//!
//! The persisted form is the scenario JSON of the README (`{"responders": {"State": [...]}}`), so
//! what the panel edits is exactly what `baton run --scenario` reads. One response is the
//! simulator's own [`Response`], read and written by `sim::scenario`; this module fits it to the
//! panel's menu and millisecond fields, and lists the Task states of a definition. Pure
//! functions, tested natively.

use serde_json::{Map, Value};
use sim::scenario::{Answer, Response, ScenarioError};

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

/// The menu choice a response shows as; `None`, no response at all, is "manual": a callback token
/// waits for the person at the keyboard, and any other task gets a plausible response at once.
pub fn kind(response: Option<&Response>) -> &'static str {
    match response {
        None => "manual",
        Some(Response::Callback { answer: Answer::Success(_), .. }) => "success",
        Some(Response::Callback { answer: Answer::Failure { .. }, .. }) => "failure",
        Some(Response::Callback { answer: Answer::None, .. }) => "never",
        Some(Response::Return(_)) => "return",
        Some(Response::Throw { .. }) => "throw",
        Some(Response::Hang) => "hang",
    }
}

/// The response a menu choice starts with. A callback keeps the time and heartbeats of the one
/// it replaces, so switching between success and failure loses nothing.
pub fn chosen(kind: &str, previous: Option<&Response>, task: &str) -> Option<Response> {
    let heartbeats = previous.map_or(Vec::new(), |r| r.heartbeats().to_vec());
    let after_seconds = Some(previous.and_then(after_ms).map_or(60.0, seconds));
    Some(match kind {
        "success" => Response::Callback {
            answer: Answer::Success(asl::Value::empty_object()),
            after_seconds,
            heartbeats,
        },
        "failure" => Response::Callback {
            answer: Answer::Failure {
                error: Some("Rejected".into()),
                cause: Some(format!("{task} said no")),
            },
            after_seconds,
            heartbeats,
        },
        "never" => Response::Callback { answer: Answer::None, after_seconds: None, heartbeats },
        "return" => Response::Return(asl::Value::empty_object()),
        "throw" => Response::Throw { error: Some("ServiceException".into()), cause: None },
        "hang" => Response::Hang,
        _ => return None,
    })
}

/// When the answer comes, in milliseconds after the token was issued, for the responses that
/// answer later. The panel's fields count milliseconds, the format seconds.
pub fn after_ms(response: &Response) -> Option<u64> {
    response.answer_after_seconds().map(millis)
}

/// The heartbeat times in milliseconds after the token was issued.
pub fn heartbeats_ms(response: &Response) -> Vec<u64> {
    response.heartbeats().iter().copied().map(millis).collect()
}

/// The same response answering `ms` after the token was issued (ignored by the ones that do not
/// answer later).
pub fn with_after_ms(mut response: Response, ms: u64) -> Response {
    if let Response::Callback { answer: Answer::Success(_) | Answer::Failure { .. }, after_seconds, .. } =
        &mut response
    {
        *after_seconds = Some(seconds(ms));
    }
    response
}

/// The same response with other heartbeat times (ignored by kinds without heartbeats).
pub fn with_heartbeats_ms(mut response: Response, beats: &[u64]) -> Response {
    if let Response::Callback { heartbeats, .. } = &mut response {
        *heartbeats = beats.iter().map(|&ms| seconds(ms)).collect();
    }
    response
}

/// The same result or successful answer with another output.
pub fn with_output(mut response: Response, output: asl::Value) -> Response {
    if let Response::Return(x) | Response::Callback { answer: Answer::Success(x), .. } = &mut response {
        *x = output;
    }
    response
}

/// The same failure with the error and cause of the panel's two fields; a blank field is left out
/// of the scenario rather than written as an empty name.
pub fn with_failure(mut response: Response, error: &str, cause: &str) -> Response {
    let text = |t: &str| (!t.trim().is_empty()).then(|| t.to_string());
    if let Response::Throw { error: e, cause: c }
    | Response::Callback { answer: Answer::Failure { error: e, cause: c }, .. } = &mut response
    {
        (*e, *c) = (text(error), text(cause));
    }
    response
}

fn seconds(ms: u64) -> f64 {
    ms as f64 / 1000.0
}

fn millis(s: f64) -> u64 {
    (s * 1000.0).round() as u64
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

/// The responses configured for `state` in a scenario (parsed JSON), one per invocation; an error
/// for one the format cannot read.
pub fn responses(scenario: &Value, state: &str) -> Vec<Result<Response, ScenarioError>> {
    scenario
        .get("responders")
        .and_then(|r| r.get(state))
        .and_then(Value::as_array)
        .map_or(Vec::new(), |list| list.iter().map(Response::from_json_value).collect())
}

/// Sets the response to invocation `index` of `state` (appending when `index` is past the end).
/// `None` removes that response, and the state's entry once none is left.
pub fn set_response(scenario: &mut Value, state: &str, index: usize, response: Option<&Response>) {
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
    match response.map(Response::to_json) {
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
    use serde_json::json;

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
    fn the_panel_writes_the_scenario_format_as_before() {
        let write = |r: &Response| r.to_json().to_string();
        let success = chosen("success", None, "Ask").unwrap();
        assert_eq!(write(&success), r#"{"callback":"success","output":{},"after":60}"#);
        let approve = asl::Value::parse(r#"{"decision": "approve"}"#).unwrap();
        let success = with_output(with_after_ms(success, 600_000), approve);
        assert_eq!(write(&success), r#"{"callback":"success","output":{"decision":"approve"},"after":600}"#);
        let failure = chosen("failure", Some(&success), "Ask").unwrap();
        let failure = with_heartbeats_ms(with_after_ms(failure, 1_500), &[500]);
        assert_eq!(
            write(&failure),
            r#"{"callback":"failure","error":"Rejected","cause":"Ask said no","after":1.5,"heartbeats":[0.5]}"#
        );
        let failure = with_failure(failure, "E", " ");
        assert_eq!(write(&failure), r#"{"callback":"failure","error":"E","after":1.5,"heartbeats":[0.5]}"#);
        assert_eq!((after_ms(&failure), heartbeats_ms(&failure)), (Some(1_500), vec![500]));
        let never = chosen("never", Some(&failure), "Ask").unwrap();
        assert_eq!(write(&never), r#"{"callback":"none","heartbeats":[0.5]}"#);
        assert_eq!(after_ms(&never), None);
        let throw = chosen("throw", None, "Ask").unwrap();
        assert_eq!(write(&throw), r#"{"throw":{"error":"ServiceException"}}"#);
        assert_eq!(write(&with_failure(throw, "", "")), r#"{"throw":{}}"#);
        assert_eq!(write(&chosen("return", None, "Ask").unwrap()), r#"{"return":{}}"#);
        assert_eq!(write(&chosen("hang", None, "Ask").unwrap()), r#"{"hang":true}"#);
        assert_eq!(chosen("manual", Some(&never), "Ask"), None);
        let kinds: Vec<&str> =
            [Some(&success), Some(&failure), Some(&never), None].into_iter().map(kind).collect();
        assert_eq!(kinds, ["success", "failure", "never", "manual"]);
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
        let never = chosen("never", None, "T").unwrap();
        set_response(&mut scenario, "T", 0, Some(&never));
        set_response(&mut scenario, "T", 5, Some(&Response::Hang));
        assert_eq!(responses(&scenario, "T"), [Ok(never.clone()), Ok(Response::Hang)]);
        set_response(&mut scenario, "T", 0, None);
        assert_eq!(responses(&scenario, "T"), [Ok(Response::Hang)]);
        set_response(&mut scenario, "T", 0, None);
        assert_eq!(scenario, json!({"expect": {"status": "SUCCEEDED"}}));
        assert_eq!(promise(&scenario), Some(("SUCCEEDED".into(), None)));
        assert_eq!(promise_text("FAILED", Some("Rejected")), "Failed with Rejected");
        assert_eq!(promise_text("TIMED_OUT", None), "Timed out");
        // One the format cannot read is kept in place, for the scenario JSON editor.
        let odd = json!({"responders": {"T": [{"callback": "maybe"}, {"hang": true}]}});
        assert!(matches!(responses(&odd, "T").as_slice(), [Err(_), Ok(Response::Hang)]));
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
