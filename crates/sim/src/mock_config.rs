//! Step Functions Local's mock configuration file (`MockConfigFile.json`), read into scenarios and
//! written back from them.
//!
//! ```json
//! {"StateMachines": {"LambdaSQSIntegration": {"TestCases": {
//!      "HappyPath": {"LambdaState": "MockedLambdaSuccess"}}}},
//!  "MockedResponses": {"MockedLambdaSuccess": {
//!      "0": {"Throw": {"Error": "Lambda.TimeoutException", "Cause": "Lambda timed out."}},
//!      "1-2": {"Return": {"StatusCode": 200, "Payload": {"body": "Hello"}}}}}}
//! ```
//! A test case names, per Task state, a mocked response; a mocked response gives, per invocation
//! of that state within one execution (0-based, retries and Map iterations included), what the
//! call returns or throws. `"1-2"` is an inclusive range. This is exactly what a scenario's
//! responders say, one response per invocation, so a test case becomes a [`Scenario`]:
//! `Return` → `{"return": X}`, `Throw` → `{"throw": {"error", "cause"}}`.
//!
//! Where AWS's documentation is silent, Baton decides (and the README says so):
//! - every invocation from 0 up to the last one given needs a response: a gap or an overlap
//!   between keys is an error of the file, located at the key;
//! - after the last invocation given, the state fails with `Baton.NoResponse`, as Local fails an
//!   execution whose mocked state has no response for an invocation;
//! - for a `.waitForTaskToken` task, Local makes up the token and answers at once, so `Return` is
//!   the callback's SendTaskSuccess output and `Throw` its SendTaskFailure
//!   ([`MockConfig::test_case_scenario`] does this, knowing the definition);
//! - invocation numbers stop at 24,999: an execution records at most 25,000 history events, and
//!   every invocation records several.

use asl::history::EventKind;
use asl::model::{Graph, Pattern, Source, StateKind, StateMachine};
use asl::Value;
use serde_json::{Map, Value as Json};

use crate::excerpt::{excerpt, excerpt_of};
use crate::report::Report;
use crate::scenario::{Answer, Response, Scenario, ScenarioError};

/// The largest invocation number a mocked response may give (see the module's notes).
pub const MAX_INVOCATION: u32 = 24_999;

/// A mock configuration file, in the order it was written.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MockConfig {
    pub state_machines: Vec<MockedMachine>,
    pub mocked_responses: Vec<MockedResponse>,
}

/// One entry of `StateMachines`: a state machine's name and its test cases.
#[derive(Clone, Debug, PartialEq)]
pub struct MockedMachine {
    pub name: String,
    pub test_cases: Vec<TestCase>,
}

/// One entry of `TestCases`: per Task state, the name of its mocked response.
#[derive(Clone, Debug, PartialEq)]
pub struct TestCase {
    pub name: String,
    pub states: Vec<(String, String)>,
}

/// One entry of `MockedResponses`: what invocations `first..=last` get, sorted, from invocation 0
/// with neither gap nor overlap.
#[derive(Clone, Debug, PartialEq)]
pub struct MockedResponse {
    pub name: String,
    pub invocations: Vec<Invocations>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Invocations {
    pub first: u32,
    pub last: u32,
    pub response: Response,
}

/// A problem with the file: the JSON pointer of the offending value and what is wrong, as the
/// scenario reader reports its own, so hosts locate both the same way.
pub type MockConfigError = ScenarioError;

fn err(pointer: impl Into<String>, message: impl Into<String>) -> MockConfigError {
    ScenarioError { pointer: pointer.into(), message: message.into() }
}

/// An RFC 6901 pointer to a member of nested objects, names escaped.
fn pointer(names: &[&str]) -> String {
    names.iter().map(|n| format!("/{}", n.replace('~', "~0").replace('/', "~1"))).collect()
}

/// "A, B, C" for a message, cut after a screenful of names.
fn name_list<'a>(names: impl Iterator<Item = &'a str>) -> String {
    const SHOWN: usize = 20;
    let names: Vec<&str> = names.collect();
    let mut list: Vec<String> = names.iter().take(SHOWN).map(|n| excerpt(n)).collect();
    if names.len() > SHOWN {
        list.push(format!("and {} more", names.len() - SHOWN));
    }
    list.join(", ")
}

impl MockConfig {
    /// Whether a JSON document is a mock configuration file rather than a scenario: it has one of
    /// the file's top-level fields (`MockedResponse` too, the spelling one sentence of AWS's
    /// documentation uses, so that the reader can point at it).
    pub fn looks_like(json: &Json) -> bool {
        json.as_object().is_some_and(|o| {
            o.contains_key("StateMachines")
                || o.contains_key("MockedResponses")
                || o.contains_key("MockedResponse")
        })
    }

    /// Reads a mock configuration file from JSON text.
    pub fn from_json(text: &str) -> Result<MockConfig, MockConfigError> {
        let json: Json = serde_json::from_str(text).map_err(|e| {
            err("", format!("not valid JSON: {e} (line {}, column {})", e.line(), e.column()))
        })?;
        MockConfig::from_json_value(&json)
    }

    pub fn from_json_value(json: &Json) -> Result<MockConfig, MockConfigError> {
        let top = json.as_object().ok_or_else(|| {
            err("", "a mock configuration file must be a JSON object with StateMachines and MockedResponses")
        })?;
        for key in top.keys() {
            match key.as_str() {
                "StateMachines" | "MockedResponses" => {}
                "MockedResponse" => {
                    return Err(err("/MockedResponse", "the field is spelt 'MockedResponses', with an s"))
                }
                other => {
                    return Err(err(
                        pointer(&[other]),
                        format!(
                            "'{}' is not a field of a mock configuration file (expected StateMachines, MockedResponses)",
                            excerpt(other)
                        ),
                    ))
                }
            }
        }
        let mut config = MockConfig::default();
        // Mocked responses first, whatever the file's order: test cases are checked against them.
        if let Some(responses) = top.get("MockedResponses") {
            let responses = responses.as_object().ok_or_else(|| {
                err("/MockedResponses", "'MockedResponses' must map names to mocked responses")
            })?;
            for (name, invocations) in responses {
                config.mocked_responses.push(read_mocked_response(name, invocations)?);
            }
        }
        if let Some(machines) = top.get("StateMachines") {
            let machines = machines.as_object().ok_or_else(|| {
                err(
                    "/StateMachines",
                    "'StateMachines' must map state machine names to {\"TestCases\": {...}}",
                )
            })?;
            for (name, machine) in machines {
                config.state_machines.push(config.read_machine(name, machine)?);
            }
        }
        Ok(config)
    }

    fn read_machine(&self, name: &str, json: &Json) -> Result<MockedMachine, MockConfigError> {
        let at = pointer(&["StateMachines", name]);
        let obj = json
            .as_object()
            .ok_or_else(|| err(&at, "a state machine's entry must be {\"TestCases\": {...}}"))?;
        if let Some(other) = obj.keys().find(|k| *k != "TestCases") {
            return Err(err(
                pointer(&["StateMachines", name, other]),
                format!(
                    "'{}' is not a field of a state machine's entry (expected TestCases)",
                    excerpt(other)
                ),
            ));
        }
        let cases =
            obj.get("TestCases").ok_or_else(|| err(&at, "a state machine's entry needs 'TestCases'"))?;
        let cases = cases.as_object().ok_or_else(|| {
            err(
                format!("{at}/TestCases"),
                "'TestCases' must map test case names to {\"State\": \"MockedResponse\"}",
            )
        })?;
        let mut test_cases = Vec::new();
        for (case, states) in cases {
            let at = pointer(&["StateMachines", name, "TestCases", case]);
            let states = states
                .as_object()
                .ok_or_else(|| err(&at, "a test case must map Task state names to mocked response names"))?;
            let mut mocked = Vec::new();
            for (state, response) in states {
                let at = pointer(&["StateMachines", name, "TestCases", case, state]);
                let response = response.as_str().ok_or_else(|| {
                    err(&at, "a test case maps a state to a mocked response's name, a string")
                })?;
                if self.mocked_response(response).is_none() {
                    let known = match self.mocked_responses.is_empty() {
                        true => "the file has no MockedResponses".to_string(),
                        false => format!(
                            "MockedResponses has {}",
                            name_list(self.mocked_responses.iter().map(|r| r.name.as_str()))
                        ),
                    };
                    return Err(err(
                        at,
                        format!("no mocked response named '{}'; {known}", excerpt(response)),
                    ));
                }
                mocked.push((state.clone(), response.to_string()));
            }
            test_cases.push(TestCase { name: case.clone(), states: mocked });
        }
        Ok(MockedMachine { name: name.to_string(), test_cases })
    }

    pub fn mocked_response(&self, name: &str) -> Option<&MockedResponse> {
        self.mocked_responses.iter().find(|r| r.name == name)
    }

    /// A test case by name, of the state machine named (or of the only one in the file).
    /// `Err` says what the file has instead.
    pub fn find_test_case(
        &self,
        state_machine: Option<&str>,
        test_case: &str,
    ) -> Result<(&MockedMachine, &TestCase), String> {
        let names = || name_list(self.state_machines.iter().map(|m| m.name.as_str()));
        let machine = match state_machine {
            Some(name) => self.state_machines.iter().find(|m| m.name == name).ok_or_else(|| {
                match self.state_machines.is_empty() {
                    true => "the mock configuration file has no StateMachines".to_string(),
                    false => format!("no state machine named '{}'; the file has {}", excerpt(name), names()),
                }
            })?,
            None => match self.state_machines.as_slice() {
                [only] => only,
                [] => return Err("the mock configuration file has no StateMachines".into()),
                _ => {
                    return Err(format!(
                        "the mock configuration file has several state machines ({}): say which with --state-machine",
                        names()
                    ))
                }
            },
        };
        let case = machine.test_cases.iter().find(|c| c.name == test_case).ok_or_else(|| {
            let cases = name_list(machine.test_cases.iter().map(|c| c.name.as_str()));
            match machine.test_cases.is_empty() {
                true => format!("state machine '{}' has no test cases", excerpt(&machine.name)),
                false => format!(
                    "no test case named '{}' for state machine '{}'; its test cases: {cases}",
                    excerpt(test_case),
                    excerpt(&machine.name)
                ),
            }
        })?;
        Ok((machine, case))
    }

    /// A test case as a scenario: each state's mocked response, one response per invocation.
    /// `Err` when the test case asks for more invocations than one execution can make.
    pub fn scenario(&self, machine: &MockedMachine, case: &TestCase) -> Result<Scenario, MockConfigError> {
        // A test case may point many states at one long range: the total is what memory holds.
        let mut total: usize = 0;
        let mut scenario = Scenario::default();
        for (state, name) in &case.states {
            // A file read by this module names only mocked responses it has.
            let Some(mocked) = self.mocked_response(name) else { continue };
            let count = mocked.invocations.last().map_or(0, |i| i.last as usize + 1);
            total += count;
            if total > MAX_INVOCATION as usize + 1 {
                return Err(err(
                    pointer(&["StateMachines", &machine.name, "TestCases", &case.name]),
                    format!(
                        "the test case's mocked responses cover more than {} invocations in all, more than one \
                         execution can make (AWS's limit is 25,000 history events)",
                        MAX_INVOCATION + 1
                    ),
                ));
            }
            let mut responses = Vec::with_capacity(count);
            for i in &mocked.invocations {
                responses.extend(std::iter::repeat_n(i.response.clone(), (i.last - i.first) as usize + 1));
            }
            scenario.responders.push((state.clone(), responses));
        }
        Ok(scenario)
    }

    /// A test case as the scenario that runs it on this definition: [`MockConfig::scenario`],
    /// checked against the definition (every state must be a Task state of it; an error points at
    /// the test case's entry), and with callback tasks answered as Local answers them: at once,
    /// `Return` as the SendTaskSuccess output and `Throw` as the SendTaskFailure.
    pub fn test_case_scenario(
        &self,
        machine: &MockedMachine,
        case: &TestCase,
        definition: &StateMachine,
    ) -> Result<Scenario, MockConfigError> {
        let mut scenario = self.scenario(machine, case)?;
        scenario.check_states(definition).map_err(|e| {
            // The scenario's pointer is `/responders/<state>`; the same state in the test case:
            let state = e.pointer.strip_prefix("/responders").unwrap_or_default();
            let case_at = pointer(&["StateMachines", &machine.name, "TestCases", &case.name]);
            err(format!("{case_at}{state}"), e.message)
        })?;
        let callbacks = callback_states(&definition.graph);
        for (state, responses) in &mut scenario.responders {
            if !callbacks.contains(&state.as_str()) {
                continue;
            }
            for r in responses.iter_mut() {
                let answer = match r {
                    Response::Return(x) => Answer::Success(x.clone()),
                    Response::Throw { error, cause } => {
                        Answer::Failure { error: error.take(), cause: cause.take() }
                    }
                    _ => continue,
                };
                *r = Response::Callback { answer, after_seconds: None, heartbeats: Vec::new() };
            }
        }
        Ok(scenario)
    }
}

fn read_mocked_response(name: &str, json: &Json) -> Result<MockedResponse, MockConfigError> {
    let at = pointer(&["MockedResponses", name]);
    let obj = json.as_object().ok_or_else(|| {
        err(&at, "a mocked response must map invocation numbers (\"0\", \"1-2\") to {\"Return\": ...} or {\"Throw\": ...}")
    })?;
    let mut invocations = Vec::new();
    for (key, entry) in obj {
        let at = pointer(&["MockedResponses", name, key]);
        let (first, last) = invocation_range(key).map_err(|message| err(&at, message))?;
        invocations.push((Invocations { first, last, response: read_response(entry, &at)? }, key));
    }
    invocations.sort_by_key(|(i, _)| (i.first, i.last));
    let mut next = 0u32;
    let mut previous: Option<&str> = None;
    for (i, key) in &invocations {
        let at = pointer(&["MockedResponses", name, key]);
        if i.first > next {
            let missing = match i.first - 1 == next {
                true => format!("invocation {next} has"),
                false => format!("invocations {next}-{} have", i.first - 1),
            };
            let after = previous
                .map_or_else(|| "it starts at".to_string(), |p| format!("'{}' is followed by", excerpt(p)));
            return Err(err(at, format!("{missing} no response: {after} '{}'", excerpt(key))));
        }
        if i.first < next {
            let p = previous.unwrap_or_default();
            return Err(err(
                at,
                format!(
                    "invocation {} is given twice, by '{}' and by '{}'",
                    i.first,
                    excerpt(p),
                    excerpt(key)
                ),
            ));
        }
        next = i.last + 1;
        previous = Some(key);
    }
    if invocations.is_empty() {
        return Err(err(at, "a mocked response needs a response for invocation \"0\" at least"));
    }
    Ok(MockedResponse {
        name: name.to_string(),
        invocations: invocations.into_iter().map(|(i, _)| i).collect(),
    })
}

/// `"3"` → (3, 3), `"1-2"` → (1, 2).
fn invocation_range(key: &str) -> Result<(u32, u32), String> {
    let number = |s: &str| -> Result<u32, String> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "'{}' is not an invocation number: write \"0\", \"1\"... or a range such as \"1-2\"",
                excerpt(key)
            ));
        }
        s.parse::<u32>().ok().filter(|n| *n <= MAX_INVOCATION).ok_or_else(|| {
            format!(
                "'{}' is beyond invocation {MAX_INVOCATION}: one execution records at most 25,000 history events",
                excerpt(key)
            )
        })
    };
    let (first, last) = match key.split_once('-') {
        Some((a, b)) => (number(a)?, number(b)?),
        None => (number(key)?, number(key)?),
    };
    if first > last {
        return Err(format!("'{}' is a range that ends before it starts", excerpt(key)));
    }
    Ok((first, last))
}

fn read_response(json: &Json, at: &str) -> Result<Response, MockConfigError> {
    let one_of = "a response must hold one field, \"Return\" or \"Throw\"";
    let obj = json.as_object().ok_or_else(|| err(at, one_of))?;
    if let Some(other) = obj.keys().find(|k| !matches!(k.as_str(), "Return" | "Throw")) {
        return Err(err(
            format!("{at}{}", pointer(&[other])),
            format!("'{}' is not a field of a response (expected Return or Throw)", excerpt(other)),
        ));
    }
    match (obj.get("Return"), obj.get("Throw")) {
        (Some(x), None) => Ok(Response::Return(Value::from(x.clone()))),
        (None, Some(t)) => {
            let at = format!("{at}/Throw");
            let t =
                t.as_object().ok_or_else(|| err(&at, "'Throw' must be {\"Error\": ..., \"Cause\": ...}"))?;
            if let Some(other) = t.keys().find(|k| !matches!(k.as_str(), "Error" | "Cause")) {
                return Err(err(
                    format!("{at}{}", pointer(&[other])),
                    format!("'{}' is not a field of Throw (expected Error, Cause)", excerpt(other)),
                ));
            }
            let text = |key: &str| match t.get(key) {
                None => Ok(None),
                Some(Json::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(err(format!("{at}/{key}"), format!("'{key}' must be a string"))),
            };
            Ok(Response::Throw { error: text("Error")?, cause: text("Cause")? })
        }
        (Some(_), Some(_)) => Err(err(at, "a response holds \"Return\" or \"Throw\", not both")),
        (None, None) => Err(err(at, one_of)),
    }
}

/// Names of the `.waitForTaskToken` Task states, nested ones included.
fn callback_states(graph: &Graph) -> Vec<&str> {
    let mut out = Vec::new();
    // A stack rather than recursion: nesting depth is whatever the definition says.
    let mut pending = vec![graph];
    while let Some(graph) = pending.pop() {
        for state in &graph.states {
            match &state.kind {
                StateKind::Task(task) if task.resource.pattern == Pattern::WaitForTaskToken => {
                    out.push(&*state.name)
                }
                StateKind::Parallel { branches } => pending.extend(branches.iter().map(|b| &**b)),
                StateKind::Map(map) => pending.push(&map.processor),
                _ => {}
            }
        }
    }
    out
}

/// The Fail state named, wherever it is nested.
fn fail_state<'a>(graph: &'a Graph, name: &str) -> Option<&'a Source> {
    let mut pending = vec![graph];
    while let Some(graph) = pending.pop() {
        for state in &graph.states {
            match &state.kind {
                StateKind::Fail { error, .. } if &*state.name == name => return Some(error),
                StateKind::Parallel { branches } => pending.extend(branches.iter().map(|b| &**b)),
                StateKind::Map(map) => pending.push(&map.processor),
                _ => {}
            }
        }
    }
    None
}

/// Whether a test case's run passed, and how it ended, in words. AWS's test cases promise no
/// outcome, so Baton judges by what the definition says: a run passes when it succeeds, or when it
/// fails through one of the definition's Fail states (a failure path the author wrote, such as a
/// rejection). Anything else fails the test case: an error no Fail state raises (a task error
/// nobody caught, `States.Runtime`), a timeout, an abort, a run that never ends (a callback nobody
/// answers), and a mocked state that ran out of responses (`Baton.NoResponse`), caught or not.
pub fn judge_test_case(report: &Report, definition: &StateMachine) -> Result<String, String> {
    let status = report.status.as_aws();
    let error = report.error.as_deref();
    let with_error = || match (error, report.cause.as_deref()) {
        (Some(e), Some(c)) => format!("{status} ({e}: {})", excerpt(c)),
        (Some(e), None) => format!("{status} ({e})"),
        (None, _) => status.to_string(),
    };
    // A mocked state that ran out of responses is a broken test case, even when a catch-all
    // Retry or Catch hides it.
    let ran_out = report.events.iter().find_map(|e| match &e.kind {
        EventKind::TaskFailed { error: Some(error), cause, .. }
        | EventKind::LambdaFunctionFailed { error: Some(error), cause }
            if error.to_string() == "Baton.NoResponse" =>
        {
            Some(cause.as_deref().unwrap_or_default().to_string())
        }
        _ => None,
    });
    if let Some(cause) = ran_out {
        return Err(format!("a mocked state ran out of responses: {}", excerpt_of(&cause, 200)));
    }
    match status {
        "SUCCEEDED" => return Ok(status.into()),
        "FAILED" => {}
        "RUNNING" => {
            return Err(format!(
                "the execution never ends ({status}: a task waits for an answer nobody sends)"
            ))
        }
        _ => return Err(format!("the execution ended {}", with_error())),
    }
    // The Fail states entered, latest first: the one whose error the execution ended with.
    let entered = report.events.iter().rev().filter_map(|e| match &e.kind {
        EventKind::StateEntered { state_type: "Fail", name, .. } => Some(name),
        _ => None,
    });
    for name in entered {
        let raised_here = match fail_state(&definition.graph, name) {
            Some(Source::Literal(e)) => Some(&**e) == error,
            Some(Source::None) => error.is_none(),
            // `ErrorPath` or JSONata: the error is whatever the data said.
            Some(_) => true,
            None => false,
        };
        if raised_here {
            let error = error.map(|e| format!(": {e}")).unwrap_or_default();
            return Ok(format!("{status} at Fail state '{}'{error}", excerpt(name)));
        }
    }
    Err(format!("the execution ended {}, not at a Fail state of the definition", with_error()))
}

/// A scenario's responders as a mock configuration file with one state machine and one test
/// case, each state's responses as a mocked response named after the state (consecutive equal
/// responses as a range, `"1-2"`). A callback's answer becomes `Return` (its SendTaskSuccess
/// output) or `Throw` (its SendTaskFailure), as Local reads them for a `.waitForTaskToken` task.
/// The second part lists what the file cannot say: a callback's delay and heartbeats are dropped,
/// and a state's responses stop at one that never answers (`hang`, `callback: none`), since
/// the file has no way to say "no answer". The scenario's input, calls and context are not part
/// of the format.
pub fn to_mock_config(scenario: &Scenario, state_machine: &str, test_case: &str) -> (Json, Vec<String>) {
    let mut lost = Vec::new();
    let mut states = Map::new();
    let mut mocked = Map::new();
    for (state, responses) in &scenario.responders {
        let mut entries: Vec<(u32, u32, Json)> = Vec::new();
        for (n, response) in responses.iter().enumerate() {
            let entry = match response {
                Response::Return(x) => Some(serde_json::json!({ "Return": Json::from(x) })),
                Response::Throw { error, cause } => Some(throw_json(error, cause)),
                Response::Callback { answer, after_seconds, heartbeats } => {
                    if after_seconds.is_some() || !heartbeats.is_empty() {
                        lost.push(format!(
                            "'{}', invocation {n}: the callback's delay and heartbeats are dropped (Local answers at once)",
                            excerpt(state)
                        ));
                    }
                    match answer {
                        Answer::Success(x) => Some(serde_json::json!({ "Return": Json::from(x) })),
                        Answer::Failure { error, cause } => Some(throw_json(error, cause)),
                        Answer::None => None,
                    }
                }
                Response::Hang => None,
            };
            let Some(entry) = entry else {
                lost.push(format!(
                    "'{}', invocation {n} and after: a task that never answers cannot be mocked",
                    excerpt(state)
                ));
                break;
            };
            let n = n as u32;
            match entries.last_mut() {
                Some((_, last, previous)) if *previous == entry => *last = n,
                _ => entries.push((n, n, entry)),
            }
        }
        if entries.is_empty() {
            continue;
        }
        let invocations: Map<String, Json> = entries
            .into_iter()
            .map(|(first, last, entry)| match first == last {
                true => (first.to_string(), entry),
                false => (format!("{first}-{last}"), entry),
            })
            .collect();
        states.insert(state.clone(), Json::String(state.clone()));
        mocked.insert(state.clone(), Json::Object(invocations));
    }
    let file = serde_json::json!({
        "StateMachines": { state_machine: { "TestCases": { test_case: states } } },
        "MockedResponses": mocked,
    });
    (file, lost)
}

fn throw_json(error: &Option<String>, cause: &Option<String>) -> Json {
    let mut t = Map::new();
    if let Some(e) = error {
        t.insert("Error".into(), Json::String(e.clone()));
    }
    if let Some(c) = cause {
        t.insert("Cause".into(), Json::String(c.clone()));
    }
    serde_json::json!({ "Throw": t })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// AWS's own example, from the Step Functions Local documentation.
    const AWS_EXAMPLE: &str = r#"{
      "StateMachines": {"LambdaSQSIntegration": {"TestCases": {
        "HappyPath": {"LambdaState": "MockedLambdaSuccess", "SQSState": "MockedSQSSuccess"},
        "RetryPath": {"LambdaState": "MockedLambdaRetry", "SQSState": "MockedSQSSuccess"},
        "HybridPath": {"LambdaState": "MockedLambdaSuccess"}}}},
      "MockedResponses": {
        "MockedLambdaSuccess": {"0": {"Return": {"StatusCode": 200, "Payload": {"StatusCode": 200, "body": "Hello from Lambda!"}}}},
        "LambdaMockedResourceNotReady": {"0": {"Throw": {"Error": "Lambda.ResourceNotReadyException", "Cause": "Lambda resource is not ready."}}},
        "MockedSQSSuccess": {"0": {"Return": {"MD5OfMessageBody": "3bcb6e8e", "MessageId": "3bcb6e8e-8b51"}}},
        "MockedLambdaRetry": {
          "0": {"Throw": {"Error": "Lambda.ResourceNotReadyException", "Cause": "Lambda resource is not ready."}},
          "1-2": {"Throw": {"Error": "Lambda.TimeoutException", "Cause": "Lambda timed out."}},
          "3": {"Return": {"StatusCode": 200, "Payload": {"StatusCode": 200, "body": "Hello from Lambda!"}}}}}}"#;

    fn throw(error: &str, cause: &str) -> Response {
        Response::Throw { error: Some(error.into()), cause: Some(cause.into()) }
    }

    fn scenario_of(config: &MockConfig, case: &str) -> Scenario {
        let (machine, case) = config.find_test_case(None, case).unwrap();
        config.scenario(machine, case).unwrap()
    }

    fn read_error(json: &str) -> MockConfigError {
        MockConfig::from_json(json).unwrap_err()
    }

    #[test]
    fn numbered_and_ranged_invocations_are_expanded_in_order() {
        let config = MockConfig::from_json(AWS_EXAMPLE).unwrap();
        assert_eq!(config.state_machines[0].test_cases.len(), 3);
        let retry = scenario_of(&config, "RetryPath");
        let lambda = retry.responses("LambdaState").unwrap();
        assert_eq!(lambda.len(), 4);
        assert_eq!(lambda[0], throw("Lambda.ResourceNotReadyException", "Lambda resource is not ready."));
        assert_eq!(lambda[1], throw("Lambda.TimeoutException", "Lambda timed out."));
        assert_eq!(lambda[2], lambda[1]);
        assert!(matches!(&lambda[3], Response::Return(x) if x.get("StatusCode").is_some()));
        assert_eq!(retry.responses("SQSState").unwrap().len(), 1);
        let hybrid = scenario_of(&config, "HybridPath");
        assert_eq!(hybrid.responders.len(), 1, "a state the test case does not name is not mocked");
    }

    #[test]
    fn keys_are_sorted_whatever_their_order_in_the_file() {
        let config = MockConfig::from_json(
            r#"{"MockedResponses": {"R": {"2-3": {"Return": "b"}, "0-1": {"Return": "a"}}}}"#,
        )
        .unwrap();
        let firsts: Vec<u32> = config.mocked_responses[0].invocations.iter().map(|i| i.first).collect();
        assert_eq!(firsts, [0, 2]);
    }

    #[test]
    fn gaps_and_overlaps_are_located_at_the_key() {
        let e = read_error(r#"{"MockedResponses": {"R": {"0": {"Return": 1}, "3": {"Return": 2}}}}"#);
        assert_eq!(e.pointer, "/MockedResponses/R/3");
        assert_eq!(e.message, "invocations 1-2 have no response: '0' is followed by '3'");
        let e = read_error(r#"{"MockedResponses": {"R": {"1": {"Return": 1}}}}"#);
        assert_eq!(e.message, "invocation 0 has no response: it starts at '1'");
        let e = read_error(r#"{"MockedResponses": {"R": {"0-2": {"Return": 1}, "2-3": {"Return": 2}}}}"#);
        assert_eq!(e.pointer, "/MockedResponses/R/2-3");
        assert_eq!(e.message, "invocation 2 is given twice, by '0-2' and by '2-3'");
    }

    #[test]
    fn malformed_files_say_where_and_what() {
        let table = [
            ("[]", "", "must be a JSON object"),
            (r#"{"MockedResponse": {}}"#, "/MockedResponse", "'MockedResponses', with an s"),
            (r#"{"Comment": 1}"#, "/Comment", "not a field of a mock configuration file"),
            (r#"{"StateMachines": []}"#, "/StateMachines", "must map state machine names"),
            (r#"{"StateMachines": {"M": {}}}"#, "/StateMachines/M", "needs 'TestCases'"),
            (
                r#"{"StateMachines": {"M": {"TestCase": {}}}}"#,
                "/StateMachines/M/TestCase",
                "expected TestCases",
            ),
            (
                r#"{"StateMachines": {"M": {"TestCases": {"T": []}}}}"#,
                "/StateMachines/M/TestCases/T",
                "must map",
            ),
            (
                r#"{"StateMachines": {"M": {"TestCases": {"T": {"S": 1}}}}}"#,
                "/StateMachines/M/TestCases/T/S",
                "a string",
            ),
            (
                r#"{"StateMachines": {"M": {"TestCases": {"T": {"S": "Nope"}}}}, "MockedResponses": {"R": {"0": {"Return": 1}}}}"#,
                "/StateMachines/M/TestCases/T/S",
                "no mocked response named 'Nope'; MockedResponses has R",
            ),
            (r#"{"MockedResponses": {"R": {}}}"#, "/MockedResponses/R", "invocation \"0\" at least"),
            (r#"{"MockedResponses": {"R": []}}"#, "/MockedResponses/R", "must map invocation numbers"),
            (
                r#"{"MockedResponses": {"R": {"first": {"Return": 1}}}}"#,
                "/MockedResponses/R/first",
                "not an invocation number",
            ),
            (
                r#"{"MockedResponses": {"R": {"-1": {"Return": 1}}}}"#,
                "/MockedResponses/R/-1",
                "not an invocation number",
            ),
            (
                r#"{"MockedResponses": {"R": {"0-": {"Return": 1}}}}"#,
                "/MockedResponses/R/0-",
                "not an invocation number",
            ),
            (
                r#"{"MockedResponses": {"R": {"2-1": {"Return": 1}}}}"#,
                "/MockedResponses/R/2-1",
                "ends before it starts",
            ),
            (
                r#"{"MockedResponses": {"R": {"0-99999999999": {"Return": 1}}}}"#,
                "/MockedResponses/R/0-99999999999",
                "beyond invocation 24999",
            ),
            (r#"{"MockedResponses": {"R": {"0": {}}}}"#, "/MockedResponses/R/0", "\"Return\" or \"Throw\""),
            (r#"{"MockedResponses": {"R": {"0": 1}}}"#, "/MockedResponses/R/0", "\"Return\" or \"Throw\""),
            (
                r#"{"MockedResponses": {"R": {"0": {"Return": 1, "Throw": {}}}}}"#,
                "/MockedResponses/R/0",
                "not both",
            ),
            (
                r#"{"MockedResponses": {"R": {"0": {"return": 1}}}}"#,
                "/MockedResponses/R/0/return",
                "expected Return or Throw",
            ),
            (r#"{"MockedResponses": {"R": {"0": {"Throw": "E"}}}}"#, "/MockedResponses/R/0/Throw", "must be"),
            (
                r#"{"MockedResponses": {"R": {"0": {"Throw": {"Error": 1}}}}}"#,
                "/MockedResponses/R/0/Throw/Error",
                "a string",
            ),
            (
                r#"{"MockedResponses": {"R": {"0": {"Throw": {"error": "E"}}}}}"#,
                "/MockedResponses/R/0/Throw/error",
                "expected Error, Cause",
            ),
            (
                r#"{"MockedResponses": {"a/b~c": {"x": {"Return": 1}}}}"#,
                "/MockedResponses/a~1b~0c/x",
                "not an invocation",
            ),
        ];
        for (json, at, says) in table {
            let e = read_error(json);
            assert_eq!(e.pointer, at, "{json}");
            assert!(e.message.contains(says), "{json}: {}", e.message);
        }
        assert!(read_error("{").message.starts_with("not valid JSON"));
    }

    #[test]
    fn test_cases_are_found_by_name_or_explained() {
        let config = MockConfig::from_json(AWS_EXAMPLE).unwrap();
        assert!(config.find_test_case(Some("LambdaSQSIntegration"), "HappyPath").is_ok());
        let e = config.find_test_case(None, "SadPath").unwrap_err();
        assert_eq!(
            e,
            "no test case named 'SadPath' for state machine 'LambdaSQSIntegration'; its test cases: HappyPath, \
             RetryPath, HybridPath"
        );
        let e = config.find_test_case(Some("Other"), "HappyPath").unwrap_err();
        assert_eq!(e, "no state machine named 'Other'; the file has LambdaSQSIntegration");
        let two =
            MockConfig::from_json(r#"{"StateMachines": {"A": {"TestCases": {}}, "B": {"TestCases": {}}}}"#)
                .unwrap();
        assert!(two
            .find_test_case(None, "T")
            .unwrap_err()
            .contains("(A, B): say which with --state-machine"));
    }

    #[test]
    fn a_test_case_cannot_ask_for_more_invocations_than_an_execution_makes() {
        let states: Vec<String> = (0..3).map(|i| format!(r#""S{i}": "R""#)).collect();
        let json = format!(
            r#"{{"StateMachines": {{"M": {{"TestCases": {{"T": {{{}}}}}}}}}, "MockedResponses": {{"R": {{"0-20000": {{"Return": 1}}}}}}}}"#,
            states.join(",")
        );
        let config = MockConfig::from_json(&json).unwrap();
        let (machine, case) = config.find_test_case(None, "T").unwrap();
        let e = config.scenario(machine, case).unwrap_err();
        assert_eq!(e.pointer, "/StateMachines/M/TestCases/T");
    }

    #[test]
    fn callback_tasks_are_answered_at_once_with_the_mocked_response() {
        let definition = asl::compile(
            r#"{"StartAt": "Ask", "States": {
                "Ask": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Next": "Call",
                        "Parameters": {"QueueUrl": "q", "MessageBody": {"t.$": "$$.Task.Token"}}},
                "Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}}"#,
        )
        .machine()
        .cloned()
        .unwrap();
        let config = MockConfig::from_json(
            r#"{"StateMachines": {"M": {"TestCases": {"T": {"Ask": "Answer", "Call": "Answer"}, "Bad": {"Nope": "Answer"}}}},
                "MockedResponses": {"Answer": {"0": {"Return": {"ok": true}}}}}"#,
        )
        .unwrap();
        let (machine, case) = config.find_test_case(None, "T").unwrap();
        let scenario = config.test_case_scenario(machine, case, &definition).unwrap();
        let ok = Value::parse(r#"{"ok": true}"#).unwrap();
        assert_eq!(
            scenario.responses("Ask").unwrap()[0],
            Response::Callback {
                answer: Answer::Success(ok.clone()),
                after_seconds: None,
                heartbeats: vec![]
            }
        );
        assert_eq!(scenario.responses("Call").unwrap()[0], Response::Return(ok));
        let report = crate::run(&definition.definition, &scenario).unwrap();
        assert_eq!(judge_test_case(&report, &definition), Ok("SUCCEEDED".into()));

        let (machine, bad) = config.find_test_case(None, "Bad").unwrap();
        let e = config.test_case_scenario(machine, bad, &definition).unwrap_err();
        assert_eq!(e.pointer, "/StateMachines/M/TestCases/Bad/Nope");
        assert!(e.message.starts_with("no state named 'Nope'"), "{}", e.message);
    }

    #[test]
    fn a_test_case_passes_when_it_succeeds_or_ends_at_a_fail_state() {
        let definition = asl::compile(
            r#"{"StartAt": "Call", "States": {
                "Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true,
                         "Catch": [{"ErrorEquals": ["Rejected"], "Next": "Refuse"}]},
                "Refuse": {"Type": "Fail", "Error": "Refused"}}}"#,
        )
        .machine()
        .cloned()
        .unwrap();
        let judge = |responses: &str| {
            let scenario =
                Scenario::from_json(&format!(r#"{{"responders": {{"Call": {responses}}}}}"#)).unwrap();
            judge_test_case(&crate::run(&definition.definition, &scenario).unwrap(), &definition)
        };
        assert_eq!(judge(r#"[{"return": 1}]"#), Ok("SUCCEEDED".into()));
        assert_eq!(
            judge(r#"[{"throw": {"error": "Rejected"}}]"#),
            Ok("FAILED at Fail state 'Refuse': Refused".into())
        );
        assert_eq!(
            judge(r#"[{"throw": {"error": "Boom", "cause": "bad"}}]"#),
            Err("the execution ended FAILED (Boom: bad), not at a Fail state of the definition".into())
        );
        assert_eq!(
            judge(r#"[{"throw": {"error": "Rejected"}}, {"return": 1}]"#),
            Ok("FAILED at Fail state 'Refuse': Refused".into())
        );
        let e = judge("[]").unwrap_err();
        assert_eq!(
            e,
            "a mocked state ran out of responses: the scenario has no response for invocation 1 of state 'Call'"
        );
    }

    #[test]
    fn a_scenario_written_as_a_mock_configuration_reads_back_the_same() {
        let scenario = Scenario::from_json(
            r#"{"responders": {
                "Charge": [{"throw": {"error": "Lambda.TimeoutException", "cause": "timed out"}},
                           {"throw": {"error": "Lambda.TimeoutException", "cause": "timed out"}},
                           {"return": {"Payload": {"ok": true}}}],
                "Notify/all": [{"return": "sent"}, {"throw": {}}]}}"#,
        )
        .unwrap();
        let (file, lost) = to_mock_config(&scenario, "Orders", "Retries");
        assert!(lost.is_empty(), "{lost:?}");
        assert_eq!(
            file["MockedResponses"]["Charge"],
            serde_json::json!({
                "0-1": {"Throw": {"Error": "Lambda.TimeoutException", "Cause": "timed out"}},
                "2": {"Return": {"Payload": {"ok": true}}}
            })
        );
        let config = MockConfig::from_json_value(&file).unwrap();
        let (machine, case) = config.find_test_case(Some("Orders"), "Retries").unwrap();
        assert_eq!(config.scenario(machine, case).unwrap(), scenario);

        // And the other way: AWS's example, through a scenario, reads back as the same scenario.
        let aws = MockConfig::from_json(AWS_EXAMPLE).unwrap();
        let retry = scenario_of(&aws, "RetryPath");
        let (file, _) = to_mock_config(&retry, "LambdaSQSIntegration", "RetryPath");
        assert_eq!(file["MockedResponses"]["LambdaState"].as_object().unwrap().len(), 3);
        assert_eq!(scenario_of(&MockConfig::from_json_value(&file).unwrap(), "RetryPath"), retry);
    }

    #[test]
    fn what_a_mock_configuration_cannot_say_is_listed() {
        let scenario = Scenario::from_json(
            r#"{"responders": {
                "Ask": [{"callback": "success", "output": {"ok": 1}, "after": 60}, {"callback": "failure", "error": "No"},
                        {"hang": true}, {"return": 1}],
                "Wait": [{"callback": "none"}]}}"#,
        )
        .unwrap();
        let (file, lost) = to_mock_config(&scenario, "M", "T");
        assert_eq!(
            file["MockedResponses"],
            serde_json::json!({"Ask": {"0": {"Return": {"ok": 1}}, "1": {"Throw": {"Error": "No"}}}})
        );
        assert_eq!(file["StateMachines"]["M"]["TestCases"]["T"], serde_json::json!({"Ask": "Ask"}));
        assert_eq!(lost.len(), 3, "{lost:?}");
        assert!(lost[1].contains("'Ask', invocation 2 and after"), "{lost:?}");
    }
}
