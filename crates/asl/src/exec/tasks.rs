//! Task states: scheduling an integration, task tokens, and the three ways a task ends.

use super::query::{unexpected_type, StatesVars};
use super::*;

impl Execution {
    pub(super) fn new_token(&mut self) -> Rc<str> {
        // Tokens look like AWS's (long, base64) but come from the execution's seed: unguessable to a
        // person, replayable for a test.
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut token = String::with_capacity(172);
        token.push_str("AQB");
        while token.len() < 172 {
            let bits = self.rng.next_u64();
            for i in 0..10 {
                if token.len() < 172 {
                    token.push(ALPHABET[((bits >> (i * 6)) & 63) as usize] as char);
                }
            }
        }
        token.into()
    }

    pub(super) fn seconds(
        &mut self,
        s: &Seconds,
        input: &Value,
        context: &Value,
        scope: &Rc<Scope>,
        field: &str,
    ) -> Result<Option<u64>, EvalError> {
        match s {
            Seconds::None => Ok(None),
            Seconds::Literal(n) => Ok(Some(*n)),
            Seconds::Query(query) => {
                let field = field.strip_suffix("Path").unwrap_or(field);
                let v = self.eval_query(scope, query, field, StatesVars::new(input, context))?;
                match v.as_u64() {
                    Some(n) if n > 0 => Ok(Some(n)),
                    _ => {
                        let text = query.expressions().first().map_or_else(String::new, |t| t.to_string());
                        Err(unexpected_type(&text, field, "positive integer", &v))
                    }
                }
            }
            Seconds::Path(path) => {
                let env = Env { input, context, variables: &**scope, rng: &mut self.rng };
                let v = env.resolve(path).map_err(|miss| {
                    EvalError::runtime(format!("Invalid path '{}' : {}", path.text(), miss.message))
                })?;
                match v.as_u64() {
                    Some(n) if n > 0 => Ok(Some(n)),
                    _ => Err(EvalError::runtime(format!(
                        "The {field} field refers to value {v} which is not a valid positive integer: {}",
                        path.text()
                    ))),
                }
            }
        }
    }

    pub(super) fn start_task(
        &mut self,
        tid: usize,
        visit: Visit,
        state: &State,
        task: &crate::model::Task,
        effective: Value,
    ) {
        let scope = self.threads[tid].scope.clone();
        let token = match task.resource.has_token() || task.resource.kind == ResourceKind::Activity {
            true => Some(self.new_token()),
            false => None,
        };
        let context_token = if task.resource.has_token() { token.as_ref() } else { None };
        let context = self.context(tid, &visit, state, context_token);
        let timeouts =
            self.seconds(&task.timeout, &effective, &context, &scope, "TimeoutSecondsPath").and_then(|t| {
                Ok((t, self.seconds(&task.heartbeat, &effective, &context, &scope, "HeartbeatSecondsPath")?))
            });
        let (timeout_seconds, heartbeat_seconds) = match timeouts {
            Ok(t) => t,
            Err(e) => return self.fail_state(tid, visit, e),
        };
        let states = StatesVars::new(&effective, &context);
        let parameters =
            match self.eval_block(&scope, state.parameters.as_ref(), "Arguments", &effective, states) {
                Ok(p) => p,
                Err(e) => return self.fail_state(tid, visit, e),
            };
        // AWS fails a task whose effective input (after Parameters) is over 256 KiB (ASL-SEMANTICS
        // §10, documented); its cause text is not recorded, so this one is Baton's.
        if let Some(max) = self.oversized(&parameters) {
            let cause = format!(
                "The state/task '{}' has an input (after Parameters) with a size exceeding the maximum number of bytes service limit ({max} bytes).",
                state.name
            );
            return self.handle_failure(tid, visit, Failure::new(ErrorName::DataLimitExceeded, Some(cause)));
        }
        // The role goes into the history (taskCredentials); the simulated world ignores it.
        let role_arn = match &task.credentials {
            None => None,
            Some(credentials) => {
                match self.eval_block(&scope, Some(credentials), "Credentials", &effective, states) {
                    Ok(c) => c
                        .get("RoleArn")
                        .map(|r| Rc::from(r.as_str().map_or_else(|| r.to_json(), String::from))),
                    Err(e) => return self.fail_state(tid, visit, e),
                }
            }
        };
        let flavour = match task.resource.kind {
            ResourceKind::LambdaFunction => Flavour::Lambda,
            ResourceKind::Activity => Flavour::Activity,
            _ => Flavour::Service,
        };
        let resource = TaskResource {
            resource_type: task.resource.service.clone(),
            resource: task.resource.action.clone(),
        };
        let scheduled_event = match flavour {
            Flavour::Service => {
                let id = self.emit(
                    tid,
                    EventKind::TaskScheduled {
                        task: resource.clone(),
                        token: context_token.cloned(),
                        region: self.options.region.as_str().into(),
                        parameters: parameters.clone(),
                        timeout_seconds,
                        heartbeat_seconds,
                        role_arn,
                    },
                );
                self.emit(tid, EventKind::TaskStarted { task: resource.clone() });
                id
            }
            Flavour::Lambda => {
                let id = self.emit(
                    tid,
                    EventKind::LambdaFunctionScheduled {
                        resource: task.resource.arn.clone(),
                        input: parameters.clone(),
                        timeout_seconds,
                        role_arn,
                    },
                );
                self.emit(tid, EventKind::LambdaFunctionStarted);
                id
            }
            Flavour::Activity => self.emit(
                tid,
                EventKind::ActivityScheduled {
                    resource: task.resource.arn.clone(),
                    input: parameters.clone(),
                    timeout_seconds,
                    heartbeat_seconds,
                },
            ),
        };
        let invocation = self.next_invocation;
        self.next_invocation += 1;
        self.invocations.insert(invocation, tid);
        if let Some(token) = &token {
            self.tokens.insert(token.clone(), TokenEntry { thread: tid, open: true, scheduled_event });
        }
        let clocks_run = flavour != Flavour::Activity;
        let timeout_at = timeout_seconds.filter(|_| clocks_run).map(|s| after(self.now, s));
        let heartbeat_at = heartbeat_seconds.filter(|_| clocks_run).map(|s| after(self.now, s));
        for at in timeout_at.into_iter().chain(heartbeat_at) {
            self.add_timer(at, Timer::Wake(tid));
        }
        self.record(&visit, |f| f.after_parameters = Some(parameters.clone()));
        self.effects.push(Effect {
            invocation,
            state: state.name.clone(),
            resource: task.resource.clone(),
            parameters,
            token: token.clone(),
            scheduled_event,
            retry_count: visit.retry_count,
            map_index: self.threads[tid].map_index,
        });
        let wait = TaskWait {
            invocation,
            token,
            flavour,
            resource,
            pattern: task.resource.pattern,
            started: false,
            opened_at: self.now,
            timeout_seconds,
            heartbeat_seconds,
            timeout_at,
            heartbeat_at,
        };
        self.threads[tid].step = Step::Task(visit, wait);
    }

    pub(super) fn close_token(&mut self, wait: &TaskWait) {
        if let Some(token) = &wait.token {
            if let Some(entry) = self.tokens.get_mut(token) {
                entry.open = false;
            }
        }
        self.invocations.remove(&wait.invocation);
    }

    pub(super) fn close_all_tokens(&mut self) {
        for entry in self.tokens.values_mut() {
            entry.open = false;
        }
    }

    pub(super) fn take_task(&mut self, tid: usize) -> Option<(Visit, TaskWait)> {
        match std::mem::replace(&mut self.threads[tid].step, Step::Done) {
            Step::Task(visit, wait) => Some((visit, wait)),
            other => {
                self.threads[tid].step = other;
                None
            }
        }
    }

    pub(super) fn task_succeeded(&mut self, tid: usize, result: Value) {
        let Some((visit, wait)) = self.take_task(tid) else { return };
        self.close_token(&wait);
        let kind = match wait.flavour {
            Flavour::Service => {
                EventKind::TaskSucceeded { task: wait.resource.clone(), output: result.clone() }
            }
            Flavour::Lambda => EventKind::LambdaFunctionSucceeded { output: result.clone() },
            Flavour::Activity => EventKind::ActivitySucceeded { output: result.clone() },
        };
        self.emit(tid, kind);
        let graph = self.threads[tid].graph.clone();
        let state = &graph.states[visit.state];
        if self.oversized(&result).is_some() {
            let name = match wait.flavour {
                Flavour::Service => wait.resource.resource_type.to_string(),
                _ => match &state.kind {
                    StateKind::Task(t) => t.resource.arn.to_string(),
                    _ => state.name.to_string(),
                },
            };
            return self.handle_failure(tid, visit, Failure::data_limit(&name));
        }
        let scope = self.threads[tid].scope.clone();
        let context = self.context(tid, &visit, state, wait.token.as_ref());
        // The result is kept before ResultSelector reads it: a selector that fails shows what it read.
        self.record(&visit, |f| f.result = Some(result.clone()));
        let selected = match self.eval_template(state.result_selector.as_ref(), &result, &context, &scope) {
            Ok(v) => v,
            Err(e) => return self.fail_state(tid, visit, e),
        };
        let has_selector = state.result_selector.is_some();
        self.record(&visit, |f| f.after_result_selector = has_selector.then(|| selected.clone()));
        self.complete(tid, visit, selected, &context);
        self.ready.push_back(tid);
    }

    pub(super) fn task_failed(&mut self, tid: usize, failure: Failure) {
        let Some((visit, wait)) = self.take_task(tid) else { return };
        self.close_token(&wait);
        let (error, cause) = (failure.error.clone(), failure.cause.clone());
        let kind = match wait.flavour {
            Flavour::Service => EventKind::TaskFailed { task: wait.resource.clone(), error, cause },
            Flavour::Lambda => EventKind::LambdaFunctionFailed { error, cause },
            Flavour::Activity => EventKind::ActivityFailed { error, cause },
        };
        self.emit(tid, kind);
        self.handle_failure(tid, visit, failure);
        self.ready.push_back(tid);
    }

    pub(super) fn task_timed_out(&mut self, tid: usize, heartbeat: bool) {
        let Some((visit, wait)) = self.take_task(tid) else { return };
        self.close_token(&wait);
        let failure = Failure::timeout(heartbeat);
        let (error, cause) = (failure.error.clone(), None);
        let kind = match wait.flavour {
            Flavour::Service => EventKind::TaskTimedOut { task: wait.resource.clone(), error, cause },
            Flavour::Lambda => EventKind::LambdaFunctionTimedOut { error, cause },
            Flavour::Activity => EventKind::ActivityTimedOut { error, cause },
        };
        self.emit(tid, kind);
        self.handle_failure(tid, visit, failure);
        self.ready.push_back(tid);
    }
}
