//! What TestState's `definition` holds: a whole state machine (and `stateName` picks the state),
//! or one state's definition alone.
//!
//! A state alone becomes a machine of that state, named [`SINGLE_STATE_NAME`] as AWS names it
//! (recorded: `$$.State.Name` is `StateName`), and of one `Succeed` state for each state it names
//! (`Next`, `Default`, a Choice rule's or a catcher's `Next`): a state tested alone may name states
//! that are not there. Its problems are located in the text as given, like `baton validate`'s.

use std::rc::Rc;

use crate::diagnostic::Diagnostic;
use crate::model::{Graph, StateKind, StateMachine};
use crate::value::{Map, Value};

/// The name a state tested alone has in the machine made around it (and in `$$.State.Name`).
pub const SINGLE_STATE_NAME: &str = "StateName";

/// Where the state's own members are in the machine made around it.
const SINGLE_STATE_POINTER: &str = "/States/StateName";

/// A definition ready to test.
#[derive(Debug)]
pub struct TestDefinition {
    pub machine: Rc<StateMachine>,
    /// The text held one state alone: the machine's [`SINGLE_STATE_NAME`].
    pub single_state: bool,
}

impl TestDefinition {
    /// The state to test: `name` (TestState's `stateName`) in a whole machine, which needs one;
    /// the state itself when the text held one state, which takes none.
    pub fn state<'a>(&self, name: Option<&'a str>) -> Result<&'a str, super::RequestError> {
        match (self.single_state, name) {
            (true, None) => Ok(SINGLE_STATE_NAME),
            (false, Some(name)) => Ok(name),
            (true, Some(_)) => Err(super::RequestError::validation(
                "The definition is one state: stateName picks a state of a whole state machine.".into(),
            )),
            (false, None) => Err(super::RequestError::validation(
                "The definition is a state machine: stateName must name the state to test.".into(),
            )),
        }
    }
}

/// Reads TestState's `definition`: a machine (it has `States`) or one state. `Err` holds the
/// errors, located in `text`.
pub fn definition(text: &str) -> Result<TestDefinition, Vec<Diagnostic>> {
    let errors_of = |diags: &[Diagnostic]| diags.iter().filter(|d| d.is_error()).cloned().collect::<Vec<_>>();
    let parsed = (text.len() <= crate::MAX_DEFINITION_BYTES).then(|| crate::source::parse(text));
    let (state, map) = match parsed {
        Some(Ok((value, map))) if value.get("Type").is_some() && value.get("States").is_none() => {
            (value, map)
        }
        // A machine, or text that is no definition at all: as `baton validate` reads it.
        _ => {
            let compiled = crate::compile(text);
            return match compiled.machine() {
                Some(machine) => Ok(TestDefinition { machine: machine.clone(), single_state: false }),
                None => Err(errors_of(compiled.diagnostics())),
            };
        }
    };
    let (machine, mut diags) = crate::load(&machine_around(&state));
    for d in &mut diags {
        d.pointer = match d.pointer.strip_prefix(SINGLE_STATE_POINTER) {
            Some(rest) if rest.is_empty() || rest.starts_with('/') => rest.to_string(),
            // Nothing outside the state should be wrong; if it is, it is the text's as a whole.
            _ => String::new(),
        };
    }
    diags.extend(map.duplicate_keys().iter().cloned());
    map.attach(&mut diags);
    crate::sort::by_key(&mut diags, |d| (d.span.map_or(0, |s| s.start), d.severity));
    match machine {
        Some(machine) if !diags.iter().any(Diagnostic::is_error) => {
            Ok(TestDefinition { machine: Rc::new(machine), single_state: true })
        }
        _ => Err(errors_of(&diags)),
    }
}

/// `{"StartAt": "StateName", "States": {"StateName": STATE, NAMED: {"Type": "Succeed"}...}}`, in
/// the state's query language.
fn machine_around(state: &Value) -> Value {
    let mut states = Map::new();
    states.insert(SINGLE_STATE_NAME.into(), state.clone());
    for name in named_states(state) {
        states.entry(name).or_insert_with(|| Value::from_pairs([("Type", Value::from("Succeed"))]));
    }
    let mut machine = vec![("StartAt", Value::from(SINGLE_STATE_NAME)), ("States", Value::object(states))];
    // A JSONata state's branches and iterations take the machine's language, as in a machine.
    if let Some(language @ Value::String(_)) = state.get("QueryLanguage") {
        machine.insert(0, ("QueryLanguage", language.clone()));
    }
    Value::from_pairs(machine)
}

/// The states a state's transitions name: `Next`, `Default`, and each Choice rule's and
/// catcher's `Next`.
fn named_states(state: &Value) -> Vec<Rc<str>> {
    let next_of = |v: &Value| v.get("Next").and_then(Value::as_str).map(Rc::from);
    let listed = |field: &str| state.get(field).and_then(Value::as_array).unwrap_or_default().to_vec();
    let mut names: Vec<Rc<str>> = Vec::new();
    names.extend(next_of(state));
    names.extend(state.get("Default").and_then(Value::as_str).map(Rc::from));
    names.extend(listed("Choices").iter().filter_map(next_of));
    names.extend(listed("Catch").iter().filter_map(next_of));
    names
}

/// Every state's name, those inside branches and iterations too, in the definition's order.
pub fn state_names(machine: &StateMachine) -> Vec<Rc<str>> {
    fn walk(graph: &Graph, names: &mut Vec<Rc<str>>) {
        for state in &graph.states {
            names.push(state.name.clone());
            match &state.kind {
                StateKind::Parallel { branches } => branches.iter().for_each(|b| walk(b, names)),
                StateKind::Map(map) => walk(&map.processor, names),
                _ => {}
            }
        }
    }
    let mut names = Vec::new();
    walk(&machine.graph, &mut names);
    names
}
