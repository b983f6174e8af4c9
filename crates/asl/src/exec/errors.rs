//! When a state fails: Retry, then Catch, then the thread (and perhaps the execution) fails.

use super::*;

impl Execution {
    /// A failure while evaluating the state's own fields (paths, templates): `States.Runtime` ends
    /// the execution; other errors go through Retry/Catch.
    pub(super) fn fail_state(&mut self, tid: usize, visit: Visit, e: EvalError) {
        let location = e.location.clone();
        let failure = self.runtime_failure(tid, &visit, e);
        if failure.error == Some(ErrorName::QueryEvaluationError) {
            self.evaluation_failed(tid, &visit, &failure, location);
        }
        self.handle_failure(tid, visit, failure);
    }

    /// A failure of a catcher's own Output or Assign: the state fails with it, uncaught.
    fn catcher_failed(&mut self, tid: usize, visit: &Visit, e: EvalError) {
        let location = e.location.clone();
        let failure = self.runtime_failure(tid, visit, e);
        if failure.error == Some(ErrorName::QueryEvaluationError) {
            self.evaluation_failed(tid, visit, &failure, location);
        }
        self.finish_thread(tid, Err(failure));
    }

    /// Retry, then Catch, then the thread fails (ASL-SEMANTICS §8.3-8.4).
    pub(super) fn handle_failure(&mut self, tid: usize, mut visit: Visit, failure: Failure) {
        let graph = self.threads[tid].graph.clone();
        let state = &graph.states[visit.state];
        let (error, cause) =
            (failure.error.as_ref().map(ErrorName::to_string), failure.cause.as_deref().map(String::from));
        self.record(&visit, |f| f.failure = Some((error, cause)));
        self.test_note(|t| t.handled = Some((failure.clone(), visit.retries_used.clone())));
        if failure.fatal {
            return self.finish_thread(tid, Err(failure));
        }
        if let Some(i) = retrier(state, &visit, &failure) {
            if self.test.is_some() {
                return self.test_retriable(tid, failure);
            }
            let retrier = &state.retry[i];
            let k = visit.retries_used[i];
            visit.retries_used[i] += 1;
            visit.retry_count += 1;
            let mut delay = retrier.interval_seconds * retrier.backoff_rate.powi(k as i32);
            if let Some(max) = retrier.max_delay_seconds {
                delay = delay.min(max);
            }
            if retrier.jitter_full {
                delay *= self.rng.next_f64();
            }
            // `as` saturates for huge or infinite delays; the add must too.
            let until = self.now.saturating_add((delay * 1000.0).round() as Millis);
            if until <= self.now {
                self.threads[tid].step = Step::Attempt(visit);
            } else {
                self.add_timer(until, Timer::Wake(tid));
                self.threads[tid].step = Step::RetryDelay(visit, until);
            }
            return;
        }
        let Some(catcher) = state.catch.iter().find(|c| failure.matches(&c.errors)) else {
            self.abort_failed_branch_task(tid, state);
            return self.finish_thread(tid, Err(failure));
        };
        let error_output = failure.error_output();
        if state.jsonata {
            return self.caught_jsonata(tid, visit, catcher, error_output);
        }
        let output = match dataflow::merge(&catcher.result_path, &visit.raw_input, error_output.clone()) {
            // The error output added to the input can pass 256 KiB; the state then fails with
            // that error instead, and is not caught again.
            Ok(o) if self.oversized(&o).is_some() => {
                return self.finish_thread(tid, Err(Failure::data_limit(&state.name)));
            }
            Ok(o) => o,
            Err(e) => {
                let failure = self.runtime_failure(tid, &visit, e);
                return self.finish_thread(tid, Err(failure));
            }
        };
        let context = self.context(tid, &visit, state, None);
        let assigned = match self.assign(tid, catcher.assign.as_ref(), &error_output, &context) {
            Ok(a) => a,
            Err(e) => {
                let failure = self.runtime_failure(tid, &visit, e);
                return self.finish_thread(tid, Err(failure));
            }
        };
        self.record(&visit, |f| f.after_result_path = Some(output.clone()));
        self.exit_state(tid, &visit, state, output.clone(), assigned);
        self.threads[tid].step = Step::Enter(catcher.next, output);
    }

    /// A JSONata catcher: its Assign and Output read `$states.errorOutput` (and `$states.input`);
    /// without an Output the error output goes on (ASL-SEMANTICS §6.2).
    fn caught_jsonata(
        &mut self,
        tid: usize,
        visit: Visit,
        catcher: &crate::model::Catcher,
        error_output: Value,
    ) {
        let graph = self.threads[tid].graph.clone();
        let state = &graph.states[visit.state];
        let scope = self.threads[tid].scope.clone();
        let context = self.context(tid, &visit, state, None);
        let mut states = query::StatesVars::new(&visit.raw_input, &context);
        states.error_output = Some(&error_output);
        let assigned = match self.eval_assign(&scope, catcher.assign.as_ref(), &error_output, states) {
            Ok(a) => a,
            Err(e) => return self.catcher_failed(tid, &visit, e),
        };
        let output = match &catcher.output {
            Some(q) => match self.eval_query(&scope, q, "Output", states) {
                Ok(o) => o,
                Err(e) => return self.catcher_failed(tid, &visit, e),
            },
            None => error_output.clone(),
        };
        if self.oversized(&output).is_some() {
            return self.finish_thread(tid, Err(Failure::data_limit(&state.name)));
        }
        let assigned = self.store_assigned(tid, assigned);
        self.record(&visit, |f| f.after_result_path = Some(output.clone()));
        self.exit_state(tid, &visit, state, output.clone(), assigned);
        self.threads[tid].step = Step::Enter(catcher.next, output);
    }

    /// A Task whose failure ends its Parallel branch is written off as aborted too, pointing at
    /// the failure (recorded, test_sqs_failure_in_wait_for_task_tok_no_error_field
    /// [SQS_PARALLEL_WAIT_FOR_TASK_TOKEN]). A failing Map iteration's Task gets no such event.
    fn abort_failed_branch_task(&mut self, tid: usize, state: &State) {
        let in_branch = self.threads[tid]
            .parent
            .is_some_and(|p| matches!(&self.threads[p].step, Step::Children(_, c) if !c.is_map));
        if in_branch && matches!(state.kind, StateKind::Task(_)) {
            let cursor = self.threads[tid].cursor;
            self.push_for(tid, cursor, EventKind::TaskStateAborted { name: state.name.clone() });
        }
    }

    /// A thread ran off its end (`Ok`) or failed unhandled (`Err`).
    pub(super) fn finish_thread(&mut self, tid: usize, result: Result<Value, Failure>) {
        self.threads[tid].step = Step::Done;
        match self.threads[tid].parent {
            None => self.finish_execution(tid, result),
            Some(parent) => self.child_finished(parent, tid, result),
        }
    }

    pub(super) fn finish_execution(&mut self, tid: usize, result: Result<Value, Failure>) {
        self.close_all_tokens();
        match result {
            Ok(output) => {
                self.status = Status::Succeeded;
                self.emit(tid, EventKind::ExecutionSucceeded { output: output.clone() });
                self.output = Some(output);
            }
            Err(failure) => {
                self.status = Status::Failed;
                self.emit(
                    tid,
                    EventKind::ExecutionFailed { error: failure.error.clone(), cause: failure.cause.clone() },
                );
                self.failure = Some(failure);
            }
        }
    }
}

/// The retrier that takes `failure` now: the first one whose ErrorEquals matches, if it has
/// attempts left (ASL-SEMANTICS §8.3). A `States.Runtime` failure is never retried.
pub(super) fn retrier(state: &State, visit: &Visit, failure: &Failure) -> Option<usize> {
    if failure.fatal {
        return None;
    }
    let i = state.retry.iter().position(|r| failure.matches(&r.errors))?;
    (visit.retries_used[i] < state.retry[i].max_attempts).then_some(i)
}
