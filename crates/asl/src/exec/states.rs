//! Entering and leaving states: the data flow of each state type, Wait, and Assign.

use super::query::{unexpected_type, StatesVars};
use super::*;
use crate::model::{Block, Rule};

impl Execution {
    pub(super) fn enter(&mut self, tid: usize, index: usize, input: Value) {
        if self.test_reached_next(tid, index, &input) {
            return;
        }
        let graph = self.threads[tid].graph.clone();
        let state = &graph.states[index];
        let entered_id = self.emit(
            tid,
            EventKind::StateEntered {
                state_type: state.type_name(),
                name: state.name.clone(),
                input: input.clone(),
            },
        );
        let flow = self.options.record_data_flow.then(|| {
            self.data_flow.push(DataFlow {
                entered_event: entered_id,
                exited_event: None,
                state: state.name.clone(),
                state_type: state.type_name(),
                jsonata: state.jsonata,
                input: input.clone(),
                after_input_path: None,
                after_parameters: None,
                result: None,
                after_result_selector: None,
                after_result_path: None,
                output: None,
                assigned: None,
                variables: Value::object(self.threads[tid].scope.visible()),
                context: None,
                failure: None,
            });
            self.data_flow.len() - 1
        });
        let visit = Visit {
            state: index,
            raw_input: input,
            entered_id,
            entered_at: self.now,
            retries_used: vec![0; state.retry.len()],
            retry_count: 0,
            flow,
        };
        self.attempt(tid, visit);
    }

    /// The work of a state, from InputPath on. Retries come back here.
    pub(super) fn attempt(&mut self, tid: usize, visit: Visit) {
        let graph = self.threads[tid].graph.clone();
        let state = &graph.states[visit.state];
        let scope = self.threads[tid].scope.clone();
        let context = self.context(tid, &visit, state, None);
        let mut rng = std::mem::replace(&mut self.rng, Rng::new(0));
        let effective = {
            let env = Env { input: &visit.raw_input, context: &context, variables: &*scope, rng: &mut rng };
            dataflow::select(&state.input_path, &env)
        };
        self.rng = rng;
        let effective = match effective {
            Ok(v) => v,
            Err(e) => return self.fail_state(tid, visit, e),
        };
        self.record(&visit, |f| {
            f.after_input_path = Some(effective.clone());
            f.context = (!context.is_null()).then(|| context.clone());
        });
        match &state.kind {
            StateKind::Pass { result } => {
                let from_parameters = result.is_none() && state.parameters.is_some();
                let result = match (result, &state.parameters) {
                    (Some(r), _) => Ok(r.clone()),
                    (None, Some(p)) => self.eval_block(
                        &scope,
                        Some(p),
                        "Parameters",
                        &effective,
                        StatesVars::new(&effective, &context),
                    ),
                    (None, None) => Ok(effective.clone()),
                };
                match result {
                    Ok(result) if self.oversized(&result).is_some() => {
                        // An oversized Pass result ends the execution at once (recorded on AWS).
                        let failure = Failure { fatal: true, ..Failure::data_limit(&state.name) };
                        self.finish_thread(tid, Err(failure));
                    }
                    Ok(result) => {
                        self.record(&visit, |f| {
                            f.after_parameters = from_parameters.then(|| result.clone());
                            f.result = Some(result.clone());
                        });
                        self.complete(tid, visit, result, &context)
                    }
                    Err(e) => self.fail_state(tid, visit, e),
                }
            }
            StateKind::Succeed if state.jsonata => {
                let states = StatesVars::new(&effective, &context);
                match self.jsonata_output(&scope, state.output.as_ref(), states) {
                    Ok(output) => {
                        self.exit_state(tid, &visit, state, output.clone(), None);
                        self.finish_thread(tid, Ok(output));
                    }
                    Err(e) => self.fail_state(tid, visit, e),
                }
            }
            StateKind::Succeed => match self.output_path(state, &effective, &context, &scope) {
                Ok(output) => {
                    self.exit_state(tid, &visit, state, output.clone(), None);
                    self.finish_thread(tid, Ok(output));
                }
                Err(e) => self.fail_state(tid, visit, e),
            },
            StateKind::Fail { error, cause } => {
                let error = self.fail_field(error, &effective, &context, &scope);
                let cause = error.clone().and_then(|_| self.fail_field(cause, &effective, &context, &scope));
                match (error, cause) {
                    (Ok(error), Ok(cause)) => {
                        self.record(&visit, |f| f.failure = Some((error.clone(), cause.clone())));
                        let failure = Failure::reported(error, cause);
                        self.finish_thread(tid, Err(failure))
                    }
                    (Err(e), _) | (_, Err(e)) => self.fail_state(tid, visit, e),
                }
            }
            StateKind::Choice { choices, default } => {
                let mut picked = Ok(None);
                for branch in choices {
                    match self.rule_holds(&branch.condition, &effective, &context, &scope) {
                        Ok(true) => {
                            picked = Ok(Some(branch));
                            break;
                        }
                        Ok(false) => {}
                        Err(e) => {
                            picked = Err(e);
                            break;
                        }
                    }
                }
                let (next, rule) = match picked {
                    Ok(Some(branch)) => (Some(branch.next), Some(branch)),
                    Ok(None) => (*default, None),
                    Err(e) => return self.fail_state(tid, visit, e),
                };
                let Some(next) = next else {
                    let failure = Failure::new(
                        ErrorName::NoChoiceMatched,
                        Some(format!(
                            "An error occurred while executing the state '{}' (entered at the event id #{}). No Choice Rule matched and no Default was set.",
                            state.name, visit.entered_id
                        )),
                    );
                    return self.finish_thread(tid, Err(failure));
                };
                let states = StatesVars::new(&effective, &context);
                let rule_assign = rule.and_then(|r| r.assign.as_ref());
                let values = match self.choice_assign(
                    &scope,
                    state.assign.as_ref(),
                    rule_assign,
                    &effective,
                    states,
                ) {
                    Ok(values) => values,
                    Err(e) => return self.fail_state(tid, visit, e),
                };
                let output = match state.jsonata {
                    // A matching rule's Output replaces the state's (recorded,
                    // test_output_in_choice[CONDITION_TRUE]).
                    true => {
                        let output = rule.and_then(|r| r.output.as_ref()).or(state.output.as_ref());
                        self.jsonata_output(&scope, output, states)
                    }
                    false => self.output_path(state, &effective, &context, &scope),
                };
                match output {
                    Ok(output) => {
                        let assigned = self.store_assigned(tid, values);
                        self.exit_state(tid, &visit, state, output.clone(), assigned);
                        self.threads[tid].step = Step::Enter(next, output);
                    }
                    Err(e) => self.fail_state(tid, visit, e),
                }
            }
            StateKind::Wait(wait) => match self.wait_until(wait, &effective, &context, &scope) {
                // AWS refuses a delay of about 2^31 seconds or more (recorded, ASL-SEMANTICS §8.2).
                // Baton also refuses one that ends after 9999-12-31, which no RFC 3339 timestamp
                // can name: AWS's clock cannot get there, a simulated one starting late in 9999 can.
                Ok(until)
                    if until.saturating_sub(self.now) > MAX_WAIT_SECONDS * 1000
                        || self.options.start_epoch_ms.saturating_add(until) > LAST_EPOCH_MS =>
                {
                    self.fail_state(tid, visit, EvalError::runtime("Wait state delay is too long.".into()))
                }
                Ok(until) if until <= self.now => self.finish_wait(tid, visit),
                Ok(until) => {
                    self.add_timer(until, Timer::Wake(tid));
                    self.threads[tid].step = Step::Wait(visit, until);
                }
                Err(e) => self.fail_state(tid, visit, e),
            },
            StateKind::Task(task) => self.start_task(tid, visit, state, task, effective),
            StateKind::Parallel { branches } => {
                let states = StatesVars::new(&effective, &context);
                let input =
                    match self.eval_block(&scope, state.parameters.as_ref(), "Arguments", &effective, states)
                    {
                        Ok(v) => v,
                        Err(e) => return self.fail_state(tid, visit, e),
                    };
                let has_parameters = state.parameters.is_some();
                self.record(&visit, |f| f.after_parameters = has_parameters.then(|| input.clone()));
                if self.test.is_some() {
                    return self.test_children(tid, visit);
                }
                self.emit(tid, EventKind::ParallelStateStarted);
                let cursor = self.threads[tid].cursor;
                let mut children = Children {
                    threads: Vec::new(),
                    results: vec![None; branches.len()],
                    pending: VecDeque::new(),
                    running: branches.len(),
                    failed: 0,
                    tolerated_count: None,
                    tolerated_percentage: None,
                    last_child_event: cursor,
                    last_iteration_end: None,
                    is_map: false,
                };
                for (slot, branch) in branches.iter().enumerate() {
                    let recorded = self.threads[tid].recorded;
                    let child =
                        self.spawn(tid, branch.clone(), slot, None, None, input.clone(), cursor, recorded);
                    children.threads.push(child);
                }
                for &child in children.threads.iter().rev() {
                    self.ready.push_front(child);
                }
                if branches.is_empty() {
                    self.threads[tid].step = Step::ChildrenDone(visit, children);
                } else {
                    self.threads[tid].step = Step::Children(visit, children);
                }
            }
            StateKind::Map(map) => self.start_map(tid, visit, state, map, effective, &scope),
        }
    }

    pub(super) fn eval_template(
        &mut self,
        template: Option<&crate::template::Template>,
        input: &Value,
        context: &Value,
        scope: &Rc<Scope>,
    ) -> Result<Value, EvalError> {
        let mut env = Env { input, context, variables: &**scope, rng: &mut self.rng };
        dataflow::apply(template, &mut env)
    }

    /// Whether a Choice rule holds: a JSONPath condition, or a JSONata `Condition` that must
    /// be a boolean.
    fn rule_holds(
        &mut self,
        rule: &Rule,
        input: &Value,
        context: &Value,
        scope: &Rc<Scope>,
    ) -> Result<bool, EvalError> {
        match rule {
            Rule::Path(condition) => {
                let env = Env { input, context, variables: &**scope, rng: &mut self.rng };
                condition.eval(&env)
            }
            Rule::Query(query) => {
                let v = self.eval_query(scope, query, "Condition", StatesVars::new(input, context))?;
                match v {
                    Value::Bool(b) => Ok(b),
                    other => {
                        let text = query.expressions().first().map_or_else(String::new, |t| t.to_string());
                        Err(unexpected_type(&text, "Condition", "boolean", &other))
                    }
                }
            }
        }
    }

    pub(super) fn output_path(
        &mut self,
        state: &State,
        value: &Value,
        context: &Value,
        scope: &Rc<Scope>,
    ) -> Result<Value, EvalError> {
        let env = Env { input: value, context, variables: &**scope, rng: &mut self.rng };
        dataflow::select(&state.output_path, &env)
    }

    pub(super) fn fail_field(
        &mut self,
        source: &Source,
        input: &Value,
        context: &Value,
        scope: &Rc<Scope>,
    ) -> Result<Option<String>, EvalError> {
        match source {
            Source::None => Ok(None),
            Source::Literal(s) => Ok(Some(s.to_string())),
            Source::Query(query, field) => {
                let scope = scope.clone();
                match self.eval_query(&scope, query, field, StatesVars::new(input, context))? {
                    Value::String(s) => Ok(Some(s.to_string())),
                    Value::Null => Ok(None),
                    other => Ok(Some(other.to_json())),
                }
            }
            Source::Dynamic(template, field) => {
                // AWS names the field without the `.$` the template needs (ASL-SEMANTICS §5.3).
                let v = self.eval_template(Some(template), input, context, scope).map_err(|mut e| {
                    e.cause = e.cause.replace(&format!("'{field}.$'"), &format!("'{field}'"));
                    e
                })?;
                match v.get(field) {
                    Some(Value::String(s)) => Ok(Some(s.to_string())),
                    Some(Value::Null) | None => Ok(None),
                    Some(other) => Ok(Some(other.to_json())),
                }
            }
        }
    }

    pub(super) fn wait_until(
        &mut self,
        wait: &WaitFor,
        input: &Value,
        context: &Value,
        scope: &Rc<Scope>,
    ) -> Result<Millis, EvalError> {
        let from_epoch = |ms: i64, start: u64| -> Millis { ms.saturating_sub(start as i64).max(0) as Millis };
        match wait {
            WaitFor::Seconds(s) => Ok(after(self.now, *s)),
            WaitFor::Timestamp(ms) => Ok(from_epoch(*ms, self.options.start_epoch_ms)),
            WaitFor::SecondsQuery(query) => {
                let v = self.eval_query(scope, query, "Seconds", StatesVars::new(input, context))?;
                match v.as_u64() {
                    Some(n) => Ok(after(self.now, n)),
                    None => {
                        let text = query.expressions().first().map_or_else(String::new, |t| t.to_string());
                        Err(unexpected_type(&text, "Seconds", "integer", &v))
                    }
                }
            }
            WaitFor::TimestampQuery(query) => {
                let v = self.eval_query(scope, query, "Timestamp", StatesVars::new(input, context))?;
                match v.as_str().and_then(crate::time::parse_timestamp) {
                    Some(t) => Ok(from_epoch(t.to_epoch_millis(), self.options.start_epoch_ms)),
                    // AWS's words (recorded, ASL-SEMANTICS §6.2).
                    None => Err(crate::query::query_error(
                        "Timestamp",
                        format!(
                            "The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: {}",
                            v.as_str().map_or_else(|| v.to_json(), String::from)
                        ),
                    )),
                }
            }
            WaitFor::SecondsPath(path) | WaitFor::TimestampPath(path) => {
                let env = Env { input, context, variables: &**scope, rng: &mut self.rng };
                let is_seconds = matches!(wait, WaitFor::SecondsPath(_));
                let field = if is_seconds { "SecondsPath" } else { "TimestampPath" };
                let value = env.resolve(path).map_err(|_| {
                    EvalError::runtime(format!(
                        "The {field} parameter does not reference an input value: {}",
                        path.text()
                    ))
                })?;
                if is_seconds {
                    match (value.as_i64(), value.as_f64()) {
                        (Some(n), _) if n < 0 => Err(EvalError::runtime(format!(
                            "The SecondsPath parameter references a negative value: {} == {value}",
                            path.text()
                        ))),
                        (Some(n), _) => Ok(after(self.now, n as u64)),
                        _ => Err(EvalError::runtime(format!(
                            "The SecondsPath parameter cannot be parsed as a long value: {} == {value}",
                            path.text()
                        ))),
                    }
                } else {
                    match value.as_str().and_then(crate::time::parse_timestamp) {
                        Some(t) => Ok(from_epoch(t.to_epoch_millis(), self.options.start_epoch_ms)),
                        None => Err(EvalError::runtime(format!(
                            "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {} == {}",
                            path.text(),
                            value.as_str().map_or_else(|| value.to_json(), String::from)
                        ))),
                    }
                }
            }
        }
    }

    pub(super) fn finish_wait(&mut self, tid: usize, visit: Visit) {
        let graph = self.threads[tid].graph.clone();
        let state = &graph.states[visit.state];
        let scope = self.threads[tid].scope.clone();
        let context = self.context(tid, &visit, state, None);
        let effective = {
            let env =
                Env { input: &visit.raw_input, context: &context, variables: &*scope, rng: &mut self.rng };
            dataflow::select(&state.input_path, &env)
        };
        match effective {
            Ok(effective) => self.complete_with(tid, visit, effective.clone(), effective, &context),
            Err(e) => self.fail_state(tid, visit, e),
        }
        self.ready.push_back(tid);
    }

    /// Finishes a state that produced `result`: ResultPath, OutputPath, Assign, then Next.
    pub(super) fn complete(&mut self, tid: usize, visit: Visit, result: Value, context: &Value) {
        let assign_input = result.clone();
        self.complete_with(tid, visit, result, assign_input, context)
    }

    pub(super) fn complete_with(
        &mut self,
        tid: usize,
        visit: Visit,
        result: Value,
        assign_input: Value,
        context: &Value,
    ) {
        let graph = self.threads[tid].graph.clone();
        let state = &graph.states[visit.state];
        let scope = self.threads[tid].scope.clone();
        if state.jsonata {
            return self.complete_jsonata(tid, visit, result, context);
        }
        let is_wait = matches!(state.kind, StateKind::Wait(_));
        let merged =
            if is_wait { Ok(result) } else { dataflow::merge(&state.result_path, &visit.raw_input, result) };
        if let Ok(merged) = &merged {
            self.record(&visit, |f| f.after_result_path = Some(merged.clone()));
        }
        let output = merged.and_then(|m| self.output_path(state, &m, context, &scope));
        let output = match output {
            Ok(o) => o,
            Err(e) => return self.fail_state(tid, visit, e),
        };
        // AWS fails a state whose output is over 256 KiB (ASL-SEMANTICS §10). An output that is
        // the state's own input was measured when it was made.
        if !output.is_same(&visit.raw_input) && self.oversized(&output).is_some() {
            return self.handle_failure(tid, visit, Failure::data_limit(&state.name));
        }
        let assigned = match self.assign(tid, state.assign.as_ref(), &assign_input, context) {
            Ok(a) => a,
            Err(e) => return self.fail_state(tid, visit, e),
        };
        self.exit_state(tid, &visit, state, output.clone(), assigned);
        match state.next {
            Some(next) => self.threads[tid].step = Step::Enter(next, output),
            None => self.finish_thread(tid, Ok(output)),
        }
    }

    /// Evaluates an Assign block and stores its variables in the thread's scope.
    pub(super) fn assign(
        &mut self,
        tid: usize,
        assign: Option<&Block>,
        input: &Value,
        context: &Value,
    ) -> Result<Option<Assigned>, EvalError> {
        let scope = self.threads[tid].scope.clone();
        let values = self.eval_assign(&scope, assign, input, StatesVars::new(input, context))?;
        Ok(self.store_assigned(tid, values))
    }

    /// A Choice state's assignments: the state's Assign applies whichever way the state goes, and
    /// the matching rule's Assign on top of it, its values winning for the same name (AWS's
    /// Choice documentation; the winning rule's value is recorded,
    /// test_assign_in_choice[CONDITION_TRUE]).
    fn choice_assign(
        &mut self,
        scope: &Rc<Scope>,
        state_assign: Option<&Block>,
        rule_assign: Option<&Block>,
        input: &Value,
        states: StatesVars,
    ) -> Result<Option<Map>, EvalError> {
        let state_values = self.eval_assign(scope, state_assign, input, states)?;
        let rule_values = self.eval_assign(scope, rule_assign, input, states)?;
        Ok(match (state_values, rule_values) {
            (Some(mut values), Some(rule_values)) => {
                values.extend(rule_values);
                Some(values)
            }
            (values, None) | (None, values) => values,
        })
    }

    /// Evaluates an Assign block with the variables as they are (the state's entry values), and
    /// checks AWS's limits; stores nothing yet. `None` for no Assign or an empty one.
    pub(super) fn eval_assign(
        &mut self,
        scope: &Rc<Scope>,
        assign: Option<&Block>,
        path_input: &Value,
        states: StatesVars,
    ) -> Result<Option<Map>, EvalError> {
        let Some(assign) = assign else { return Ok(None) };
        let values = self.eval_block(scope, Some(assign), "Assign", path_input, states)?;
        // AWS writes no assignedVariables for an empty Assign (recorded, test_base_cases[BASE_EMPTY]).
        let Some(values) = values.as_object().filter(|v| !v.is_empty()) else { return Ok(None) };
        // AWS's limits (ASL-SEMANTICS §6.3): 256 KiB per variable and per Assign block.
        let mut block = 0;
        for (name, value) in values.iter() {
            let size = value.json_len();
            block += size;
            if size > MAX_PAYLOAD_BYTES {
                return Err(EvalError {
                    error: ErrorName::DataLimitExceeded,
                    cause: format!("The value assigned to the variable '{name}' is {size} bytes; a variable can hold at most {MAX_PAYLOAD_BYTES} bytes."),
                    location: None,
                });
            }
        }
        if block > MAX_PAYLOAD_BYTES {
            return Err(EvalError {
                error: ErrorName::DataLimitExceeded,
                cause: format!("The Assign block's values total {block} bytes; one Assign can hold at most {MAX_PAYLOAD_BYTES} bytes."),
                location: None,
            });
        }
        Ok(Some(values.clone()))
    }

    /// Stores evaluated Assign values in the thread's scope, all at once.
    pub(super) fn store_assigned(&mut self, tid: usize, values: Option<Map>) -> Option<Assigned> {
        let values = values?;
        let scope = self.threads[tid].scope.clone();
        let mut vars = scope.vars.borrow_mut();
        let mut assigned = Vec::with_capacity(values.len());
        for (k, v) in values {
            vars.insert(k.clone(), v.clone());
            assigned.push((k, v));
        }
        Some(assigned)
    }
}

pub(super) fn exited(state: &State, output: Value, assigned: Option<Assigned>) -> EventKind {
    EventKind::StateExited { state_type: state.type_name(), name: state.name.clone(), output, assigned }
}
