//! Parallel branches and Map iterations: child threads, concurrency limits, tolerated failures.

use super::errors::retrier;
use super::query::{unexpected_type, StatesVars};
use super::*;

impl Execution {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn spawn(
        &mut self,
        parent: usize,
        graph: Rc<Graph>,
        slot: usize,
        map_index: Option<usize>,
        map_state_name: Option<Rc<str>>,
        input: Value,
        cursor: u64,
        recorded: bool,
    ) -> usize {
        let scope =
            Rc::new(Scope { parent: Some(self.threads[parent].scope.clone()), vars: RefCell::default() });
        let start = graph.start;
        self.threads.push(Thread {
            graph,
            scope,
            cursor,
            parent: Some(parent),
            slot,
            map_index,
            step: Step::Enter(start, input),
            map_state_name,
            recorded,
        });
        self.threads.len() - 1
    }

    pub(super) fn count(
        &mut self,
        count: &Count,
        input: &Value,
        context: &Value,
        scope: &Rc<Scope>,
        field: &str,
        float: bool,
    ) -> Result<Option<f64>, EvalError> {
        match count {
            Count::None => Ok(None),
            Count::Literal(n) => Ok(Some(*n)),
            Count::Query(query) => {
                let field = field.strip_suffix("Path").unwrap_or(field);
                let v = self.eval_query(scope, query, field, StatesVars::new(input, context))?;
                let n = if float { v.as_f64() } else { v.as_i64().map(|n| n as f64) };
                n.map(Some).ok_or_else(|| {
                    let text = query.expressions().first().map_or_else(String::new, |t| t.to_string());
                    unexpected_type(&text, field, if float { "number" } else { "integer" }, &v)
                })
            }
            Count::Path(path) => {
                let env = Env { input, context: &Value::Null, variables: &**scope, rng: &mut self.rng };
                let v = env.resolve(path).map_err(|miss| {
                    EvalError::runtime(format!("Invalid path '{}' : {}", path.text(), miss.message))
                })?;
                // AWS reads numbers written as strings too ("1"), but not other text.
                let number = match &v {
                    Value::String(s) => Value::parse(s.trim()).ok().filter(|n| matches!(n, Value::Number(_))),
                    other => Some(other.clone()),
                };
                let n = number.and_then(|n| if float { n.as_f64() } else { n.as_i64().map(|n| n as f64) });
                match n {
                    Some(n) => Ok(Some(n)),
                    None => Err(EvalError::runtime(format!(
                        "The {field} field refers to value \"{}\" which is not a valid {}: {}",
                        v.as_str().map_or_else(|| v.to_json(), String::from),
                        if float { "float" } else { "integer" },
                        path.text()
                    ))),
                }
            }
        }
    }

    pub(super) fn start_map(
        &mut self,
        tid: usize,
        visit: Visit,
        state: &State,
        map: &MapState,
        effective: Value,
        scope: &Rc<Scope>,
    ) {
        let items = match (&map.items, &map.items_path) {
            (Some(query), _) => self.map_items(scope, query, &effective, &visit, state, tid),
            (None, None) if state.jsonata => match &effective {
                Value::Array(_) => Ok(effective.clone()),
                // AWS's words (recorded, ASL-SEMANTICS §6.2), without a field: there is no Items.
                other => Err(EvalError {
                    error: ErrorName::QueryEvaluationError,
                    cause: format!("Map state input must be an array but was: {}", other.to_json()),
                    location: None,
                }),
            },
            (None, None) => Ok(effective.clone()),
            (None, Some(path)) => {
                let env =
                    Env { input: &effective, context: &Value::Null, variables: &**scope, rng: &mut self.rng };
                env.resolve(path).map_err(|miss| {
                    EvalError::runtime(format!("Invalid path '{}' : {}", path.text(), miss.message))
                })
            }
        };
        let items = match items {
            Ok(Value::Array(items)) => {
                if !state.jsonata {
                    self.test_note(|t| t.after_items_path = Some(Value::Array(items.clone())));
                }
                items
            }
            Ok(other) => {
                let e = EvalError::runtime(format!(
                    "Map state input must be an array but was: {}",
                    other.to_json()
                ));
                return self.fail_state(tid, visit, e);
            }
            Err(e) => return self.fail_state(tid, visit, e),
        };
        // `$states.context` for the JSONata count fields (JSONPath's `...Path` fields read `$` only).
        let context = match state.jsonata {
            true => self.context(tid, &visit, state, None),
            false => Value::Null,
        };
        let max_concurrency = match self.count(
            &map.max_concurrency,
            &effective,
            &context,
            scope,
            "MaxConcurrencyPath",
            false,
        ) {
            Ok(c) => c,
            Err(e) => return self.fail_state(tid, visit, e),
        };
        // Each child's input: ItemSelector over the item (with $$.Map.Item), or the item itself.
        let mut inputs = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            let input = match &map.item_selector {
                None => item.clone(),
                Some(selector) => {
                    let mut context = match self.context(tid, &visit, state, None) {
                        Value::Object(o) => (*o).clone(),
                        _ => {
                            let mut ctx = Map::new();
                            ctx.insert("Execution".into(), self.context_execution.clone());
                            ctx.insert("StateMachine".into(), self.context_machine.clone());
                            ctx
                        }
                    };
                    context.insert(
                        "Map".into(),
                        Value::from_pairs([(
                            "Item",
                            Value::from_pairs([
                                ("Index", Value::from_i64(index as i64)),
                                ("Value", item.clone()),
                            ]),
                        )]),
                    );
                    let context = Value::object(context);
                    let states = StatesVars::new(&effective, &context);
                    match self.eval_block(scope, Some(selector), "ItemSelector", &effective, states) {
                        Ok(v) => v,
                        Err(e) => return self.fail_state(tid, visit, e),
                    }
                }
            };
            inputs.push(input);
        }
        if map.item_selector.is_some() {
            self.test_note(|t| t.after_item_selector = Some(Value::array(inputs.clone())));
        }
        let inputs = match &map.batcher {
            None => inputs,
            Some(batcher) => match self.batch(inputs, batcher, &effective, &context, scope) {
                Ok(b) => b,
                Err(e) => return self.fail_state(tid, visit, e),
            },
        };
        if map.batcher.is_some() {
            self.test_note(|t| t.after_item_batcher = Some(Value::array(inputs.clone())));
        }
        self.emit(tid, EventKind::MapStateStarted { length: inputs.len() });
        // AWS reads the tolerated failure settings after MapStateStarted: a bad one fails the
        // state after it (recorded, test_map_state_tolerated_failure_count_path[NoNumber] and
        // friends), while a bad MaxConcurrencyPath fails it before.
        let tolerated = self
            .count(
                &map.tolerated_failure_count,
                &effective,
                &context,
                scope,
                "ToleratedFailureCountPath",
                false,
            )
            .and_then(|count| {
                let percentage = self.count(
                    &map.tolerated_failure_percentage,
                    &effective,
                    &context,
                    scope,
                    "ToleratedFailurePercentagePath",
                    true,
                )?;
                Ok((count, percentage))
            });
        let (tolerated_count, tolerated_percentage) = match tolerated {
            Ok(t) => t,
            Err(e) => return self.fail_state(tid, visit, e),
        };
        if tolerated_count.is_some_and(|c| c < 0.0) {
            return self.fail_state(
                tid,
                visit,
                EvalError::runtime("ToleratedFailureCount cannot be negative.".into()),
            );
        }
        if tolerated_percentage.is_some_and(|p| !(0.0..=100.0).contains(&p)) {
            return self.fail_state(
                tid,
                visit,
                EvalError::runtime("ToleratedFailurePercentage must be between 0 and 100.".into()),
            );
        }
        if self.test.is_some() {
            self.test_note(|t| {
                t.max_concurrency = Some(max_concurrency.unwrap_or(0.0));
                t.tolerated_failure_count = tolerated_count;
                t.tolerated_failure_percentage = tolerated_percentage;
            });
            return self.test_children(tid, visit);
        }
        if map.distributed {
            let map_run_arn = self.map_run_arn(map);
            self.emit(tid, EventKind::MapRunStarted { map_run_arn });
        }
        let recorded = self.threads[tid].recorded && !map.distributed;
        let cursor = self.threads[tid].cursor;
        let mut children = Children {
            threads: Vec::with_capacity(inputs.len()),
            results: vec![None; inputs.len()],
            pending: VecDeque::new(),
            running: 0,
            failed: 0,
            tolerated_count,
            tolerated_percentage,
            last_child_event: cursor,
            last_iteration_end: None,
            is_map: true,
        };
        let limit = match max_concurrency {
            Some(c) if c >= 1.0 => c as usize,
            _ => usize::MAX,
        };
        for (index, input) in inputs.into_iter().enumerate() {
            let child = self.spawn(
                tid,
                map.processor.clone(),
                index,
                Some(index),
                Some(state.name.clone()),
                input,
                cursor,
                recorded,
            );
            children.threads.push(child);
            if index < limit {
                children.running += 1;
            } else {
                children.pending.push_back(index);
            }
        }
        let first: Vec<usize> = children.threads[..children.running].to_vec();
        self.threads[tid].step = Step::Children(visit, children);
        for &child in &first {
            self.map_iteration_started(child);
        }
        for &child in first.iter().rev() {
            self.ready.push_front(child);
        }
        let Step::Children(visit, children) = std::mem::replace(&mut self.threads[tid].step, Step::Done)
        else {
            return;
        };
        if children.threads.is_empty() {
            self.threads[tid].step = Step::ChildrenDone(visit, children);
        } else {
            self.threads[tid].step = Step::Children(visit, children);
        }
    }

    /// A JSONata Map's `Items`: an expression that must give an array (AWS's causes, recorded).
    fn map_items(
        &mut self,
        scope: &Rc<Scope>,
        query: &crate::query::Query,
        input: &Value,
        visit: &Visit,
        state: &State,
        tid: usize,
    ) -> Result<Value, EvalError> {
        let context = self.context(tid, visit, state, None);
        match self.eval_query_optional(scope, query, "Items", StatesVars::new(input, &context))? {
            Some(v @ Value::Array(_)) => Ok(v),
            Some(other) => {
                let text = query.expressions().first().map_or_else(String::new, |t| t.to_string());
                Err(unexpected_type(&text, "Items", "array", &other))
            }
            None => {
                let text = query.expressions().first().map_or_else(String::new, |t| t.to_string());
                Err(crate::query::query_error(
                    "Items",
                    format!("The JSONata expression '{text}' specified for the field 'Items' returned nothing (undefined)."),
                ))
            }
        }
    }

    /// `arn:aws:states:REGION:ACCOUNT:mapRun:MACHINE/LABEL:ID`; without a Label, AWS generates
    /// that part too.
    fn map_run_arn(&mut self, map: &MapState) -> Rc<str> {
        let label = map.label.as_deref().map_or_else(|| self.rng.uuid_v4(), String::from);
        let id = self.rng.uuid_v4();
        let o = &self.options;
        format!("arn:aws:states:{}:{}:mapRun:{}/{label}:{id}", o.region, o.account_id, o.state_machine_name)
            .into()
    }

    /// Groups Map items into batches: `{"Items": [...], "BatchInput": ...}` per child (ItemBatcher).
    pub(super) fn batch(
        &mut self,
        items: Vec<Value>,
        batcher: &crate::model::ItemBatcher,
        input: &Value,
        context: &Value,
        scope: &Rc<Scope>,
    ) -> Result<Vec<Value>, EvalError> {
        let max_items =
            self.count(&batcher.max_items, input, context, scope, "MaxItemsPerBatchPath", false)?;
        let max_bytes =
            self.count(&batcher.max_bytes, input, context, scope, "MaxInputBytesPerBatchPath", false)?;
        let batch_input = match &batcher.batch_input {
            Some(t) => {
                Some(self.eval_block(scope, Some(t), "BatchInput", input, StatesVars::new(input, context))?)
            }
            None => None,
        };
        let max_items = max_items.map_or(usize::MAX, |n| (n as usize).max(1));
        let max_bytes = max_bytes.map_or(usize::MAX, |n| n as usize);
        let mut batches = Vec::new();
        let mut current: Vec<Value> = Vec::new();
        let mut bytes = 0;
        for item in items {
            let size = item.json_len() + 1;
            if !current.is_empty() && (current.len() >= max_items || bytes + size > max_bytes) {
                batches.push(std::mem::take(&mut current));
                bytes = 0;
            }
            bytes += size;
            current.push(item);
        }
        if !current.is_empty() {
            batches.push(current);
        }
        Ok(batches
            .into_iter()
            .map(|items| {
                let mut m = Map::new();
                if let Some(b) = &batch_input {
                    m.insert("BatchInput".into(), b.clone());
                }
                m.insert("Items".into(), Value::array(items));
                Value::object(m)
            })
            .collect())
    }

    pub(super) fn map_iteration_started(&mut self, child: usize) {
        let (Some(name), Some(index)) =
            (self.threads[child].map_state_name.clone(), self.threads[child].map_index)
        else {
            return;
        };
        let parent = self.threads[child].parent.unwrap_or(0);
        let prev = match &self.threads[parent].step {
            Step::Children(_, c) => c.last_child_event,
            _ => self.threads[parent].cursor,
        };
        let id = self.push_for(child, prev, EventKind::MapIterationStarted { name, index });
        self.threads[child].cursor = id;
    }

    pub(super) fn child_finished(&mut self, parent: usize, child: usize, result: Result<Value, Failure>) {
        let slot = self.threads[child].slot;
        let child_cursor = self.threads[child].cursor;
        let iteration = self.threads[child].map_state_name.clone().zip(self.threads[child].map_index);
        let Step::Children(_, children) = &mut self.threads[parent].step else { return };
        children.running = children.running.saturating_sub(1);
        let mut start_next = None;
        let mut fail_now = None;
        match result {
            Ok(output) => {
                children.results[slot] = Some(output);
                children.last_child_event = child_cursor;
                if let Some((name, index)) = iteration {
                    let id =
                        self.push_for(child, child_cursor, EventKind::MapIterationSucceeded { name, index });
                    if let Step::Children(_, children) = &mut self.threads[parent].step {
                        children.last_iteration_end = Some(id);
                    }
                }
            }
            Err(failure) => {
                children.failed += 1;
                children.last_child_event = child_cursor;
                let total = children.results.len() as f64;
                let tolerated = children.tolerated_count.is_some_and(|c| children.failed as f64 <= c)
                    || children
                        .tolerated_percentage
                        .is_some_and(|p| children.failed as f64 * 100.0 / total <= p);
                let breached = children.tolerated_count.is_some() || children.tolerated_percentage.is_some();
                children.results[slot] = Some(failure.error_output());
                if failure.fatal || !tolerated {
                    let failure = if breached && !failure.fatal {
                        Failure::new(
                            ErrorName::ExceedToleratedFailureThreshold,
                            Some("The specified tolerated failure threshold was exceeded".into()),
                        )
                    } else {
                        failure
                    };
                    fail_now = Some(failure);
                }
                if let Some((name, index)) = iteration.clone() {
                    let id =
                        self.push_for(child, child_cursor, EventKind::MapIterationFailed { name, index });
                    if let Step::Children(_, children) = &mut self.threads[parent].step {
                        children.last_iteration_end = Some(id);
                    }
                }
            }
        }
        let Step::Children(_, children) = &mut self.threads[parent].step else { return };
        if fail_now.is_none() {
            if let Some(next) = children.pending.pop_front() {
                children.running += 1;
                start_next = Some(children.threads[next]);
            }
        }
        if let Some(failure) = fail_now {
            let Step::Children(visit, children) =
                std::mem::replace(&mut self.threads[parent].step, Step::Done)
            else {
                return;
            };
            let failing_event = children.last_child_event;
            self.abort_children(&children, failing_event);
            let graph = self.threads[parent].graph.clone();
            // A Map or Parallel about to be retried gets no ...StateFailed: its next
            // ...StateStarted follows the failing event (recorded, test_map_state_retry and
            // test_parallel_state_retry). Both ...StateFailed point at the failing event.
            self.threads[parent].cursor = failing_event;
            let state = &graph.states[visit.state];
            if matches!(&state.kind, StateKind::Map(m) if m.distributed) {
                // Not recorded on AWS: the details follow mapRunFailedEventDetails (ASL-SEMANTICS §3.2).
                let (error, cause) = (failure.error.clone(), failure.cause.clone());
                self.emit(parent, EventKind::MapRunFailed { error, cause });
            }
            if retrier(state, &visit, &failure).is_none() {
                let kind =
                    if children.is_map { EventKind::MapStateFailed } else { EventKind::ParallelStateFailed };
                self.emit(parent, kind);
            }
            self.handle_failure(parent, visit, failure);
            self.ready.push_front(parent);
            return;
        }
        if let Some(next) = start_next {
            self.map_iteration_started(next);
            self.ready.push_front(next);
        } else if children.running == 0 && children.pending.is_empty() {
            let Step::Children(visit, children) =
                std::mem::replace(&mut self.threads[parent].step, Step::Done)
            else {
                return;
            };
            self.threads[parent].step = Step::ChildrenDone(visit, children);
            self.ready.push_front(parent);
        }
    }

    /// Ends every unfinished child (and its children), closing their tokens. AWS points each
    /// `TaskStateAborted` and `MapIterationAborted` at the event that failed the state
    /// (recorded, test_service_lambda_map_timeout; ASL-SEMANTICS §3.4).
    pub(super) fn abort_children(&mut self, children: &Children, failing_event: u64) {
        for &child in &children.threads {
            let step = std::mem::replace(&mut self.threads[child].step, Step::Done);
            let started = !children.pending.contains(&self.threads[child].slot);
            match step {
                Step::Done => continue,
                Step::Task(visit, wait) => {
                    self.close_token(&wait);
                    let name = self.threads[child].graph.states[visit.state].name.clone();
                    self.push_for(child, failing_event, EventKind::TaskStateAborted { name });
                }
                Step::Children(_, grandchildren) => self.abort_children(&grandchildren, failing_event),
                _ => {}
            }
            if started {
                if let Some((name, index)) =
                    self.threads[child].map_state_name.clone().zip(self.threads[child].map_index)
                {
                    self.push_for(child, failing_event, EventKind::MapIterationAborted { name, index });
                }
            }
            self.ready.retain(|&t| t != child);
        }
    }

    pub(super) fn children_done(&mut self, tid: usize, visit: Visit, children: Children) {
        let graph = self.threads[tid].graph.clone();
        let state = &graph.states[visit.state];
        let result = Value::array(children.results.iter().cloned().map(Option::unwrap_or_default).collect());
        // The branches' or iterations' results together are the state's result, held to 256 KiB
        // as a Task's is (ASL-SEMANTICS §10; not recorded for Parallel and Map, whose failure
        // events here follow the ones a failed branch leaves).
        if self.oversized(&result).is_some() {
            let failure = Failure::data_limit(&state.name);
            self.threads[tid].cursor = children.last_iteration_end.unwrap_or(children.last_child_event);
            if matches!(&state.kind, StateKind::Map(m) if m.distributed) {
                let (error, cause) = (failure.error.clone(), failure.cause.clone());
                self.emit(tid, EventKind::MapRunFailed { error, cause });
            }
            if retrier(state, &visit, &failure).is_none() {
                let kind =
                    if children.is_map { EventKind::MapStateFailed } else { EventKind::ParallelStateFailed };
                self.emit(tid, kind);
            }
            return self.handle_failure(tid, visit, failure);
        }
        let kind =
            if children.is_map { EventKind::MapStateSucceeded } else { EventKind::ParallelStateSucceeded };
        if matches!(&state.kind, StateKind::Map(m) if m.distributed) {
            // MapRunSucceeded and MapStateSucceeded follow each other, and MapStateExited points
            // at MapRunStarted, the cursor (recorded since November 2024, e.g.
            // test_map_state_config_distributed_items_path_from_previous; older recordings
            // point it at MapRunSucceeded).
            let run_started = self.threads[tid].cursor;
            let run_succeeded = self.push_for(tid, run_started, EventKind::MapRunSucceeded);
            self.push_for(tid, run_succeeded, kind);
        } else {
            // AWS points ...StateSucceeded and the ...StateExited after it at the same event: the
            // last MapIterationSucceeded (or Failed, when tolerated) of a Map, the last branch
            // event of a Parallel (ASL-SEMANTICS §3.4).
            let last = children.last_iteration_end.unwrap_or(children.last_child_event);
            self.push_for(tid, last, kind);
            self.threads[tid].cursor = last;
        }
        let scope = self.threads[tid].scope.clone();
        let context = self.context(tid, &visit, state, None);
        self.record(&visit, |f| f.result = Some(result.clone()));
        match self.eval_template(state.result_selector.as_ref(), &result, &context, &scope) {
            Ok(selected) => {
                let has_selector = state.result_selector.is_some();
                self.record(&visit, |f| f.after_result_selector = has_selector.then(|| selected.clone()));
                self.complete(tid, visit, selected, &context)
            }
            Err(e) => self.fail_state(tid, visit, e),
        }
    }
}
