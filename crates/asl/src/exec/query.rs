//! JSONata states at run time (ASL-SEMANTICS §6): evaluating `{% %}` values with `$states` and
//! the variables, a JSONata state's Assign and Output, and the `EvaluationFailed` event.

use super::*;
use crate::jsonata::Host;
use crate::model::Block;
use crate::query::{query_error, Query, QueryEnv};

/// What `$states` holds for one evaluation (ASL-SEMANTICS §6.2): `input` and `context` always,
/// `result` only in a Task's, Map's or Parallel's Output and Assign, `errorOutput` only in a
/// catcher's.
#[derive(Clone, Copy)]
pub(super) struct StatesVars<'a> {
    pub input: &'a Value,
    /// `Null` when the state never reads the context ([`State::uses_context`]).
    pub context: &'a Value,
    pub result: Option<&'a Value>,
    pub error_output: Option<&'a Value>,
}

impl<'a> StatesVars<'a> {
    pub(super) fn new(input: &'a Value, context: &'a Value) -> StatesVars<'a> {
        StatesVars { input, context, result: None, error_output: None }
    }

    fn to_value(self) -> Value {
        let mut states = Map::new();
        states.insert("input".into(), self.input.clone());
        if let Some(result) = self.result {
            states.insert("result".into(), result.clone());
        }
        if let Some(error_output) = self.error_output {
            states.insert("errorOutput".into(), error_output.clone());
        }
        if !self.context.is_null() {
            states.insert("context".into(), self.context.clone());
        }
        Value::object(states)
    }
}

impl Execution {
    /// Evaluates a JSONata value for the field `field`, on the virtual clock and with a seed drawn
    /// from the execution's generator (only when there is an expression to evaluate, so that the
    /// draws of a run without JSONata stay what they were).
    pub(super) fn eval_query(
        &mut self,
        scope: &Rc<Scope>,
        query: &Query,
        field: &str,
        states: StatesVars,
    ) -> Result<Value, EvalError> {
        if let Some(literal) = query.literal() {
            return Ok(literal.clone());
        }
        let states = states.to_value();
        let env = QueryEnv { states: &states, variables: &**scope, host: self.host() };
        query.eval(field, &env)
    }

    /// As [`Execution::eval_query`], but an undefined result is `None`.
    pub(super) fn eval_query_optional(
        &mut self,
        scope: &Rc<Scope>,
        query: &Query,
        field: &str,
        states: StatesVars,
    ) -> Result<Option<Value>, EvalError> {
        let states = states.to_value();
        let env = QueryEnv { states: &states, variables: &**scope, host: self.host() };
        query.eval_optional(field, &env)
    }

    fn host(&mut self) -> Host {
        let now_ms = self.options.start_epoch_ms.saturating_add(self.now);
        Host { now_ms: i64::try_from(now_ms).unwrap_or(i64::MAX), seed: self.rng.next_u64() }
    }

    /// A block of either language: a JSONPath template over `path_input` (absent: `path_input`
    /// itself), or a JSONata value over `states` (absent: `states.input`).
    pub(super) fn eval_block(
        &mut self,
        scope: &Rc<Scope>,
        block: Option<&Block>,
        field: &str,
        path_input: &Value,
        states: StatesVars,
    ) -> Result<Value, EvalError> {
        match block {
            None => Ok(path_input.clone()),
            Some(Block::Template(t)) => self.eval_template(Some(t), path_input, states.context, scope),
            Some(Block::Query(q)) => self.eval_query(scope, q, field, states),
        }
    }

    /// Finishes a JSONata state that produced `result` (its input, for a state without work):
    /// Assign and Output, both evaluated with the variables as they were when the state was
    /// entered, then stored and written out (ASL-SEMANTICS §6.3).
    pub(super) fn complete_jsonata(&mut self, tid: usize, visit: Visit, result: Value, context: &Value) {
        let graph = self.threads[tid].graph.clone();
        let state = &graph.states[visit.state];
        let scope = self.threads[tid].scope.clone();
        let has_result =
            matches!(state.kind, StateKind::Task(_) | StateKind::Map(_) | StateKind::Parallel { .. });
        let mut states = StatesVars::new(&visit.raw_input, context);
        if has_result {
            states.result = Some(&result);
        }
        let assigned = match self.eval_assign(&scope, state.assign.as_ref(), &visit.raw_input, states) {
            Ok(a) => a,
            Err(e) => return self.fail_state(tid, visit, e),
        };
        let output = match &state.output {
            Some(q) => self.eval_query(&scope, q, "Output", states),
            None => Ok(result.clone()),
        };
        let output = match output {
            Ok(o) => o,
            Err(e) => return self.fail_state(tid, visit, e),
        };
        if !output.is_same(&visit.raw_input) && self.oversized(&output).is_some() {
            return self.handle_failure(tid, visit, Failure::data_limit(&state.name));
        }
        let assigned = self.store_assigned(tid, assigned);
        self.exit_state(tid, &visit, state, output.clone(), assigned);
        match state.next {
            Some(next) => self.threads[tid].step = Step::Enter(next, output),
            None => self.finish_thread(tid, Ok(output)),
        }
    }

    /// A JSONata state's Output without a result (Succeed, Choice): the expression, or the input.
    pub(super) fn jsonata_output(
        &mut self,
        scope: &Rc<Scope>,
        output: Option<&Query>,
        states: StatesVars,
    ) -> Result<Value, EvalError> {
        match output {
            Some(q) => self.eval_query(scope, q, "Output", states),
            None => Ok(states.input.clone()),
        }
    }

    /// Records `EvaluationFailed`, which AWS writes for every `States.QueryEvaluationError`
    /// (ASL-SEMANTICS §3.3). It points at the event before the state's `...StateEntered` while
    /// the state has written nothing since (recorded for Pass, Task and Map), and at the latest
    /// event otherwise (recorded for a Wait's `Timestamp`).
    pub(super) fn evaluation_failed(
        &mut self,
        tid: usize,
        visit: &Visit,
        failure: &Failure,
        location: Option<Rc<str>>,
    ) {
        let graph = self.threads[tid].graph.clone();
        let state = &graph.states[visit.state];
        let cursor = self.threads[tid].cursor;
        let at_entry = cursor == visit.entered_id && !matches!(state.kind, StateKind::Wait(_));
        let previous = match at_entry {
            true => {
                let entered = (visit.entered_id as usize).checked_sub(1).and_then(|i| self.events.get(i));
                entered.map_or(cursor, |e| e.previous_event_id)
            }
            false => cursor,
        };
        let kind = EventKind::EvaluationFailed {
            state: state.name.clone(),
            error: failure.error.clone(),
            cause: failure.cause.clone(),
            location,
        };
        let id = self.push_for(tid, previous, kind);
        self.threads[tid].cursor = id;
        // A Map or Parallel that fails before it starts says so too (recorded for Map `Items`).
        if at_entry && super::errors::retrier(state, visit, failure).is_none() {
            match state.kind {
                StateKind::Map(_) => drop(self.emit(tid, EventKind::MapStateFailed)),
                StateKind::Parallel { .. } => drop(self.emit(tid, EventKind::ParallelStateFailed)),
                _ => {}
            }
        }
    }
}

/// AWS's cause for an expression whose value has the wrong type for its field (recorded for Map
/// `Items`; Baton words the other fields the same way).
pub(super) fn unexpected_type(expression: &str, field: &str, expected: &str, v: &Value) -> EvalError {
    query_error(
        field,
        format!(
            "The JSONata expression '{expression}' specified for the field '{field}' returned an unexpected result type. Expected '{expected}', but was '{}' for value: {}",
            v.type_name(),
            v.to_json()
        ),
    )
}
