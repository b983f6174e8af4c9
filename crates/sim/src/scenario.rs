//! The scenario format: what the outside world does during a run.
//!
//! ```json
//! {"input": {...},
//!  "responders": {"RequestApproval": [{"callback": "success", "output": {"decision": "approve"}, "after": 60}]},
//!  "calls": [{"at": 120, "action": "SendTaskSuccess", "state": "RequestApproval", "output": {}}],
//!  "context": {"executionName": "demo"}}
//! ```
//! Responders answer the integration calls of a Task state, one entry per invocation (retries and
//! Map iterations included). Calls are API calls made at a virtual time. The conformance corpus's
//! `mocks` are responders and its `env` is the context, so the corpus runs through this format.

use std::fmt;

use asl::model::{Graph, StateKind, StateMachine};
use asl::Value;
use serde_json::Value as Json;

use crate::excerpt::{excerpt, excerpt_of};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scenario {
    pub input: Option<Value>,
    /// Per Task state name, the responses to its invocations, in order.
    pub responders: Vec<(String, Vec<Response>)>,
    pub calls: Vec<Call>,
    pub context: Context,
    /// What the run should end with: examples promise an outcome, and tests hold them to it.
    pub expect: Option<Expect>,
}

/// A promised outcome: the execution status (`SUCCEEDED`, `FAILED`...) and, if it fails, the error.
#[derive(Clone, Debug, PartialEq)]
pub struct Expect {
    pub status: String,
    pub error: Option<String>,
}

/// What an integration does when a Task state calls it.
#[derive(Clone, Debug, PartialEq)]
pub enum Response {
    /// The call returns `X`: the task's result, or for a callback task its immediate response
    /// (TaskSubmitted output); for an activity, the worker's SendTaskSuccess output.
    Return(Value),
    /// The call fails with this error and cause.
    Throw { error: Option<String>, cause: Option<String> },
    /// A callback task's external system answers later with the token.
    Callback { answer: Answer, after_seconds: Option<f64>, heartbeats: Vec<f64> },
    /// The call never returns.
    Hang,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Answer {
    Success(Value),
    Failure {
        error: Option<String>,
        cause: Option<String>,
    },
    /// Nobody answers (only heartbeats, if any).
    None,
}

/// An API call from the outside world at a virtual time.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    pub at_seconds: f64,
    pub action: Action,
    /// Which token: the last one issued to this state, or a literal token.
    pub target: Target,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    State(String),
    Token(String),
    /// StopExecution needs no token.
    Execution,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// The output as raw text, so invalid JSON can be sent on purpose.
    SendTaskSuccess {
        output: String,
    },
    SendTaskFailure {
        error: Option<String>,
        cause: Option<String>,
    },
    SendTaskHeartbeat,
    StopExecution {
        error: Option<String>,
        cause: Option<String>,
    },
}

impl Action {
    pub fn name(&self) -> &'static str {
        match self {
            Action::SendTaskSuccess { .. } => "SendTaskSuccess",
            Action::SendTaskFailure { .. } => "SendTaskFailure",
            Action::SendTaskHeartbeat => "SendTaskHeartbeat",
            Action::StopExecution { .. } => "StopExecution",
        }
    }
}

/// Names the execution reports in `$$` and its ARNs (the corpus's `env`).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Context {
    pub options: asl::exec::StartOptions,
}

/// A scenario that cannot be used, with the JSON pointer of the problem.
#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioError {
    pub pointer: String,
    pub message: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.pointer.is_empty() {
            write!(f, "{}", self.message)
        } else {
            // A pointer holds state names, which can be anything, at any length.
            write!(f, "at {}: {}", excerpt_of(&self.pointer, 2 * crate::excerpt::EXCERPT_CHARS), self.message)
        }
    }
}

impl std::error::Error for ScenarioError {}

fn err(pointer: impl Into<String>, message: impl Into<String>) -> ScenarioError {
    ScenarioError { pointer: pointer.into(), message: message.into() }
}

fn opt_string(
    obj: &serde_json::Map<String, Json>,
    key: &str,
    at: &str,
) -> Result<Option<String>, ScenarioError> {
    match obj.get(key) {
        None | Some(Json::Null) => Ok(None),
        Some(Json::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(err(format!("{at}/{key}"), format!("'{key}' must be a string"))),
    }
}

fn seconds(v: Option<&Json>, at: &str) -> Result<Option<f64>, ScenarioError> {
    // The message names the field, so that it reads alone next to a line and column.
    let field = match at.rsplit('/').next() {
        Some(last) if last.parse::<usize>().is_ok() => "a heartbeat".to_string(),
        Some(last) => format!("'{last}'"),
        None => "the time".to_string(),
    };
    match v {
        None | Some(Json::Null) => Ok(None),
        Some(Json::Number(n)) => match n.as_f64() {
            Some(s) if s >= 0.0 && s.is_finite() => Ok(Some(s)),
            _ => Err(err(at, format!("{field} must be a number of seconds, zero or more"))),
        },
        Some(_) => Err(err(at, format!("{field} must be a number of seconds"))),
    }
}

fn put_text(obj: &mut serde_json::Map<String, Json>, key: &str, text: &Option<String>) {
    if let Some(text) = text {
        obj.insert(key.into(), Json::String(text.clone()));
    }
}

/// Seconds as the format writes them: whole numbers as integers (`60`, not `60.0`).
fn seconds_json(s: f64) -> Json {
    let whole = s as u64;
    if whole as f64 == s {
        Json::from(whole)
    } else {
        Json::from(s)
    }
}

impl Scenario {
    /// A scenario that only sets the execution input.
    pub fn with_input(input: Value) -> Scenario {
        Scenario { input: Some(input), ..Scenario::default() }
    }

    /// Reads a scenario from JSON text.
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        let json: Json = serde_json::from_str(text).map_err(|e| {
            err("", format!("not valid JSON: {e} (line {}, column {})", e.line(), e.column()))
        })?;
        Scenario::from_json_value(&json)
    }

    pub fn from_json_value(json: &Json) -> Result<Scenario, ScenarioError> {
        let obj = json.as_object().ok_or_else(|| err("", "a scenario must be a JSON object"))?;
        let mut scenario = Scenario::default();
        for key in obj.keys() {
            if !matches!(key.as_str(), "input" | "responders" | "calls" | "context" | "expect" | "comment") {
                return Err(err(
                    format!("/{key}"),
                    format!(
                        "'{}' is not a scenario field (expected input, responders, calls, context, expect, comment)",
                        excerpt(key)
                    ),
                ));
            }
        }
        scenario.input = obj.get("input").map(|v| Value::from(v.clone()));
        if let Some(responders) = obj.get("responders") {
            let map = responders.as_object().ok_or_else(|| {
                err("/responders", "'responders' must map state names to lists of responses")
            })?;
            for (state, list) in map {
                let at = responder_pointer(state);
                let list = list.as_array().ok_or_else(|| {
                    err(&at, "a state's responders must be a list of responses, one per invocation")
                })?;
                let responses = list
                    .iter()
                    .enumerate()
                    .map(|(i, r)| Response::from_json(r, &format!("{at}/{i}")))
                    .collect::<Result<Vec<_>, _>>()?;
                scenario.responders.push((state.clone(), responses));
            }
        }
        if let Some(calls) = obj.get("calls") {
            let list = calls.as_array().ok_or_else(|| err("/calls", "'calls' must be a list"))?;
            for (i, c) in list.iter().enumerate() {
                scenario.calls.push(Call::from_json(c, &format!("/calls/{i}"))?);
            }
        }
        if let Some(context) = obj.get("context") {
            scenario.context = Context::from_json(context)?;
        }
        if let Some(expect) = obj.get("expect") {
            let e = expect
                .as_object()
                .ok_or_else(|| err("/expect", "'expect' must be {\"status\": ..., \"error\": ...}"))?;
            let status = opt_string(e, "status", "/expect")?
                .ok_or_else(|| err("/expect", "'expect' needs a 'status'"))?;
            scenario.expect = Some(Expect { status, error: opt_string(e, "error", "/expect")? });
        }
        Ok(scenario)
    }

    /// Checks the scenario against the definition it runs: every responder and every call's
    /// `state` must name a Task state of it (nested ones in Parallel branches and Map iterations
    /// included). A misspelt name would otherwise be ignored in silence, its state answered by
    /// the made-up default response, and the scenario would seem to work.
    pub fn check_states(&self, machine: &StateMachine) -> Result<(), ScenarioError> {
        let states = all_states(&machine.graph);
        let problem = |name: &str| -> Option<String> {
            let tasks = || task_list(&states);
            match states.iter().find(|(n, _)| &**n == name) {
                None => Some(format!("no state named '{}' in the definition; {}", excerpt(name), tasks())),
                Some((_, "Task")) => None,
                Some((_, kind)) => Some(format!(
                    "'{}' is a {kind} state, and only Task states call integrations; {}",
                    excerpt(name),
                    tasks()
                )),
            }
        };
        for (state, _) in &self.responders {
            if let Some(message) = problem(state) {
                return Err(err(responder_pointer(state), message));
            }
        }
        for (i, call) in self.calls.iter().enumerate() {
            if let Target::State(state) = &call.target {
                if let Some(message) = problem(state) {
                    return Err(err(format!("/calls/{i}/state"), message));
                }
            }
        }
        Ok(())
    }

    /// The responses configured for a state, if any.
    pub fn responses(&self, state: &str) -> Option<&[Response]> {
        self.responders.iter().find(|(s, _)| s == state).map(|(_, r)| r.as_slice())
    }
}

fn responder_pointer(state: &str) -> String {
    format!("/responders/{}", state.replace('~', "~0").replace('/', "~1"))
}

/// Every state of a graph and of the graphs nested in it, with its type: outer states first.
fn all_states(graph: &Graph) -> Vec<(std::rc::Rc<str>, &'static str)> {
    let mut out = Vec::new();
    // A stack rather than recursion: nesting depth is whatever the definition says.
    let mut pending = vec![graph];
    while let Some(graph) = pending.pop() {
        for state in &graph.states {
            out.push((state.name.clone(), state.type_name()));
            match &state.kind {
                StateKind::Parallel { branches } => pending.extend(branches.iter().rev().map(|b| &**b)),
                StateKind::Map(map) => pending.push(&map.processor),
                _ => {}
            }
        }
    }
    out
}

/// "its Task states: A, B, C" for a message, cut after a screenful of names.
fn task_list(states: &[(std::rc::Rc<str>, &'static str)]) -> String {
    const SHOWN: usize = 20;
    let tasks: Vec<&str> = states.iter().filter(|(_, kind)| *kind == "Task").map(|(n, _)| &**n).collect();
    if tasks.is_empty() {
        return "the definition has no Task state".into();
    }
    let mut list: Vec<String> = tasks.iter().take(SHOWN).map(|n| excerpt(n)).collect();
    if tasks.len() > SHOWN {
        list.push(format!("and {} more", tasks.len() - SHOWN));
    }
    format!("its Task states: {}", list.join(", "))
}

impl Response {
    /// Reads one response of the scenario format, as `responders` holds them.
    pub fn from_json_value(v: &Json) -> Result<Response, ScenarioError> {
        Response::from_json(v, "")
    }

    /// The response in the scenario format: the inverse of [`Response::from_json_value`], so a
    /// response edited in the web app is written back the way the README spells it. Only what is
    /// set is written (no `after` or `heartbeats` when there are none); a success always has
    /// its `output`.
    pub fn to_json(&self) -> Json {
        let mut obj = serde_json::Map::new();
        match self {
            Response::Return(x) => {
                obj.insert("return".into(), x.into());
            }
            Response::Throw { error, cause } => {
                let mut t = serde_json::Map::new();
                put_text(&mut t, "error", error);
                put_text(&mut t, "cause", cause);
                obj.insert("throw".into(), Json::Object(t));
            }
            Response::Hang => {
                obj.insert("hang".into(), Json::Bool(true));
            }
            Response::Callback { answer, after_seconds, heartbeats } => {
                match answer {
                    Answer::Success(output) => {
                        obj.insert("callback".into(), "success".into());
                        obj.insert("output".into(), output.into());
                    }
                    Answer::Failure { error, cause } => {
                        obj.insert("callback".into(), "failure".into());
                        put_text(&mut obj, "error", error);
                        put_text(&mut obj, "cause", cause);
                    }
                    Answer::None => {
                        obj.insert("callback".into(), "none".into());
                    }
                }
                if let Some(s) = after_seconds {
                    obj.insert("after".into(), seconds_json(*s));
                }
                if !heartbeats.is_empty() {
                    obj.insert("heartbeats".into(), heartbeats.iter().copied().map(seconds_json).collect());
                }
            }
        }
        Json::Object(obj)
    }

    /// A callback's heartbeat times, in seconds after the token was issued; none for other kinds.
    pub fn heartbeats(&self) -> &[f64] {
        match self {
            Response::Callback { heartbeats, .. } => heartbeats,
            _ => &[],
        }
    }

    /// When a callback's answer comes, in seconds after the token was issued (at once without
    /// `after`, as the world plays it); `None` when no answer comes later.
    pub fn answer_after_seconds(&self) -> Option<f64> {
        match self {
            Response::Callback {
                answer: Answer::Success(_) | Answer::Failure { .. }, after_seconds, ..
            } => Some(after_seconds.unwrap_or(0.0)),
            _ => None,
        }
    }

    fn from_json(v: &Json, at: &str) -> Result<Response, ScenarioError> {
        let obj = v
            .as_object()
            .ok_or_else(|| err(at, "a response must be an object such as {\"return\": {...}}"))?;
        if let Some(x) = obj.get("return") {
            return Ok(Response::Return(Value::from(x.clone())));
        }
        if let Some(t) = obj.get("throw") {
            let t = t.as_object().ok_or_else(|| {
                err(format!("{at}/throw"), "'throw' must be {\"error\": ..., \"cause\": ...}")
            })?;
            let at = format!("{at}/throw");
            return Ok(Response::Throw {
                error: opt_string(t, "error", &at)?,
                cause: opt_string(t, "cause", &at)?,
            });
        }
        if obj.get("hang") == Some(&Json::Bool(true)) {
            return Ok(Response::Hang);
        }
        if let Some(kind) = obj.get("callback") {
            let answer = match kind.as_str() {
                Some("success") => {
                    Answer::Success(Value::from(obj.get("output").cloned().unwrap_or(Json::Null)))
                }
                Some("failure") => Answer::Failure {
                    error: opt_string(obj, "error", at)?,
                    cause: opt_string(obj, "cause", at)?,
                },
                Some("none") => Answer::None,
                _ => {
                    return Err(err(
                        format!("{at}/callback"),
                        "'callback' must be \"success\", \"failure\" or \"none\"",
                    ))
                }
            };
            let after_seconds = seconds(obj.get("after"), &format!("{at}/after"))?;
            let heartbeats = match obj.get("heartbeats") {
                None | Some(Json::Null) => Vec::new(),
                Some(Json::Array(items)) => items
                    .iter()
                    .enumerate()
                    .map(|(i, h)| {
                        seconds(Some(h), &format!("{at}/heartbeats/{i}")).map(Option::unwrap_or_default)
                    })
                    .collect::<Result<_, _>>()?,
                Some(_) => {
                    return Err(err(format!("{at}/heartbeats"), "'heartbeats' must be a list of seconds"))
                }
            };
            return Ok(Response::Callback { answer, after_seconds, heartbeats });
        }
        Err(err(at, "a response needs one of \"return\", \"throw\", \"callback\" or \"hang\""))
    }
}

impl Call {
    fn from_json(v: &Json, at: &str) -> Result<Call, ScenarioError> {
        let obj = v.as_object().ok_or_else(|| err(at, "a call must be an object"))?;
        let at_seconds = seconds(obj.get("at"), &format!("{at}/at"))?.unwrap_or(0.0);
        let error = opt_string(obj, "error", at)?;
        let cause = opt_string(obj, "cause", at)?;
        let action =
            match obj.get("action").and_then(Json::as_str) {
                Some("SendTaskSuccess") => {
                    let output = match (obj.get("outputText"), obj.get("output")) {
                        (Some(Json::String(text)), _) => text.clone(),
                        (Some(_), _) => {
                            return Err(err(format!("{at}/outputText"), "'outputText' must be a string"))
                        }
                        (None, Some(output)) => output.to_string(),
                        (None, None) => "{}".into(),
                    };
                    Action::SendTaskSuccess { output }
                }
                Some("SendTaskFailure") => Action::SendTaskFailure { error, cause },
                Some("SendTaskHeartbeat") => Action::SendTaskHeartbeat,
                Some("StopExecution") => Action::StopExecution { error, cause },
                _ => return Err(err(
                    format!("{at}/action"),
                    "'action' must be SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat or StopExecution",
                )),
            };
        let target = match (opt_string(obj, "token", at)?, opt_string(obj, "state", at)?) {
            (Some(token), _) => Target::Token(token),
            (None, Some(state)) => Target::State(state),
            (None, None) if matches!(action, Action::StopExecution { .. }) => Target::Execution,
            (None, None) => {
                return Err(err(at, "a call needs 'state' (use the last token issued to it) or 'token'"))
            }
        };
        Ok(Call { at_seconds, action, target })
    }
}

impl Context {
    fn from_json(v: &Json) -> Result<Context, ScenarioError> {
        let obj = v.as_object().ok_or_else(|| err("/context", "'context' must be an object"))?;
        let mut options = asl::exec::StartOptions::default();
        let text = |key: &str| opt_string(obj, key, "/context");
        if let Some(v) = text("accountId")? {
            options.account_id = v;
        }
        if let Some(v) = text("region")? {
            options.region = v;
        }
        if let Some(v) = text("stateMachineName")? {
            options.state_machine_name = v;
        }
        if let Some(v) = text("executionName")? {
            options.execution_name = v;
        }
        if let Some(v) = text("roleArn")? {
            options.role_arn = v;
        }
        if let Some(max) = obj.get("maxHistoryEvents") {
            options.max_history_events = match max {
                Json::Null => None,
                other => Some(other.as_u64().ok_or_else(|| {
                    err(
                        "/context/maxHistoryEvents",
                        "'maxHistoryEvents' must be a whole number, or null for no limit",
                    )
                })? as usize),
            };
        }
        if let Some(seed) = obj.get("seed") {
            options.seed =
                seed.as_u64().ok_or_else(|| err("/context/seed", "'seed' must be a whole number"))?;
        }
        if let Some(start) = obj.get("startTime") {
            let ms = start
                .as_str()
                .and_then(asl::time::parse_timestamp)
                .map(|t| t.to_epoch_millis())
                .filter(|ms| *ms >= 0)
                .ok_or_else(|| err("/context/startTime", "'startTime' must be an RFC 3339 timestamp"))?;
            options.start_epoch_ms = ms as u64;
        }
        Ok(Context { options })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_response_kind() {
        let s = Scenario::from_json(
            r#"{"input": {"a": 1}, "responders": {"T": [
                {"return": {"ok": true}}, {"throw": {"error": "E", "cause": "C"}},
                {"callback": "success", "output": 1, "after": 5, "heartbeats": [1, 2]},
                {"callback": "failure", "error": "E"}, {"callback": "none"}, {"hang": true}]},
              "calls": [{"at": 3, "action": "SendTaskSuccess", "state": "T", "outputText": "{bad"}]}"#,
        )
        .unwrap();
        let r = s.responses("T").unwrap();
        assert_eq!(r.len(), 6);
        assert_eq!(r[5], Response::Hang);
        assert_eq!(s.calls[0].action, Action::SendTaskSuccess { output: "{bad".into() });
    }

    #[test]
    fn responses_are_written_as_they_are_read() {
        let object = |json: &str| Value::parse(json).unwrap();
        let failure = |error: Option<&str>, cause: Option<&str>| Answer::Failure {
            error: error.map(Into::into),
            cause: cause.map(Into::into),
        };
        let table = [
            (r#"{"return":{"ok":true}}"#, Response::Return(object(r#"{"ok": true}"#))),
            (r#"{"return":null}"#, Response::Return(Value::Null)),
            (
                r#"{"throw":{"error":"E","cause":"C"}}"#,
                Response::Throw { error: Some("E".into()), cause: Some("C".into()) },
            ),
            (r#"{"throw":{}}"#, Response::Throw { error: None, cause: None }),
            (r#"{"hang":true}"#, Response::Hang),
            (
                r#"{"callback":"success","output":{"decision":"approve"},"after":600}"#,
                Response::Callback {
                    answer: Answer::Success(object(r#"{"decision": "approve"}"#)),
                    after_seconds: Some(600.0),
                    heartbeats: vec![],
                },
            ),
            (
                r#"{"callback":"success","output":1}"#,
                Response::Callback {
                    answer: Answer::Success(Value::from(1i64)),
                    after_seconds: None,
                    heartbeats: vec![],
                },
            ),
            (
                r#"{"callback":"failure","error":"Rejected","cause":"No","after":1.5,"heartbeats":[0.5,1]}"#,
                Response::Callback {
                    answer: failure(Some("Rejected"), Some("No")),
                    after_seconds: Some(1.5),
                    heartbeats: vec![0.5, 1.0],
                },
            ),
            (
                r#"{"callback":"failure","cause":"No","after":0}"#,
                Response::Callback {
                    answer: failure(None, Some("No")),
                    after_seconds: Some(0.0),
                    heartbeats: vec![],
                },
            ),
            (
                r#"{"callback":"none","heartbeats":[45,90]}"#,
                Response::Callback {
                    answer: Answer::None,
                    after_seconds: None,
                    heartbeats: vec![45.0, 90.0],
                },
            ),
            (
                r#"{"callback":"none"}"#,
                Response::Callback { answer: Answer::None, after_seconds: None, heartbeats: vec![] },
            ),
        ];
        for (json, response) in table {
            let read = Response::from_json_value(&serde_json::from_str(json).unwrap());
            assert_eq!(read.as_ref(), Ok(&response), "{json}");
            assert_eq!(response.to_json().to_string(), json);
        }
    }

    #[test]
    fn a_callback_says_when_it_answers() {
        let read = |json: &str| Response::from_json_value(&serde_json::from_str(json).unwrap()).unwrap();
        let success = read(r#"{"callback": "success", "heartbeats": [1, 2]}"#);
        assert_eq!((success.answer_after_seconds(), success.heartbeats()), (Some(0.0), &[1.0, 2.0][..]));
        assert_eq!(read(r#"{"callback": "failure", "after": 3}"#).answer_after_seconds(), Some(3.0));
        assert_eq!(read(r#"{"callback": "none", "after": 3}"#).answer_after_seconds(), None);
        assert_eq!(Response::Hang.heartbeats(), &[] as &[f64]);
    }

    #[test]
    fn responders_and_calls_must_name_task_states() {
        let machine = asl::compile(
            r#"{"StartAt": "P", "States": {
                "P": {"Type": "Parallel", "Next": "Done", "Branches": [
                    {"StartAt": "Approve", "States": {"Approve": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}}]},
                "Done": {"Type": "Succeed"}}}"#,
        )
        .machine()
        .cloned()
        .unwrap();
        let check = |json: &str| Scenario::from_json(json).unwrap().check_states(&machine);
        assert_eq!(check(r#"{"responders": {"Approve": [{"return": 1}]}}"#), Ok(()));
        let e = check(r#"{"responders": {"Aprove": [{"return": 1}]}}"#).unwrap_err();
        assert_eq!(e.pointer, "/responders/Aprove");
        assert_eq!(e.message, "no state named 'Aprove' in the definition; its Task states: Approve");
        let e = check(r#"{"responders": {"Done": []}}"#).unwrap_err();
        assert!(e.message.starts_with("'Done' is a Succeed state"), "{}", e.message);
        let e = check(r#"{"calls": [{"action": "SendTaskHeartbeat", "state": "a/b"}]}"#).unwrap_err();
        assert_eq!(e.pointer, "/calls/0/state");
        let long = "N".repeat(100_000);
        let e = check(&format!(r#"{{"responders": {{"{long}": []}}}}"#)).unwrap_err();
        assert!(e.to_string().len() < 400, "{e}");
    }

    #[test]
    fn errors_name_the_place() {
        let e = Scenario::from_json(r#"{"responders": {"T": [{"callback": "maybe"}]}}"#).unwrap_err();
        assert_eq!(e.pointer, "/responders/T/0/callback");
        let e = Scenario::from_json(r#"{"calls": [{"action": "SendTaskSuccess"}]}"#).unwrap_err();
        assert_eq!(e.pointer, "/calls/0");
        assert!(Scenario::from_json("[1]").is_err());
        assert!(Scenario::from_json(r#"{"inptu": 1}"#).unwrap_err().message.contains("inptu"));
    }
}
