//! Checks that need the whole machine: reachability, and the callback-pattern lints.
//!
//! Errors here are what AWS rejects at CreateStateMachine; warnings are what AWS accepts but a
//! learner almost certainly did not mean (a callback task that can only time out, say).

use crate::diagnostic::{pointer_join, Code, Diagnostic};
use crate::error_name::ErrorName;
use crate::model::{Block, Graph, ResourceKind, Seconds, StateKind, StateMachine};
use crate::value::Value;

pub fn check(machine: &StateMachine, diags: &mut Vec<Diagnostic>) {
    check_graph(&machine.graph, diags);
    check_variables(&machine.definition, "", &[], diags);
}

/// Variable names and scopes (ASL-SEMANTICS §6.3): a Parallel branch or Map iteration may read the
/// variables of the enclosing scope but not assign them.
fn check_variables(owner: &Value, pointer: &str, outer: &[String], diags: &mut Vec<Diagnostic>) {
    let Some(states) = owner.get("States").and_then(Value::as_object) else { return };
    let states_at = pointer_join(pointer, "States");
    // Plain lists: a scope has a handful of variables. Each name comes with the state that
    // assigns it, and whether only that state's catchers do.
    let mut here: Vec<(String, &str, bool)> = Vec::new();
    for (name, state) in states.iter() {
        let state_at = pointer_join(&states_at, name);
        let mut blocks: Vec<(String, &Value, bool)> = Vec::new();
        if let Some(a) = state.get("Assign") {
            blocks.push((pointer_join(&state_at, "Assign"), a, false));
        }
        for list in ["Choices", "Catch"] {
            for (i, item) in state.get(list).and_then(Value::as_array).unwrap_or_default().iter().enumerate()
            {
                if let Some(a) = item.get("Assign") {
                    blocks.push((
                        format!("{}/{i}/Assign", pointer_join(&state_at, list)),
                        a,
                        list == "Catch",
                    ));
                }
            }
        }
        for (at, block, by_catcher) in blocks {
            for key in block.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>()).unwrap_or_default() {
                let var = key.strip_suffix(".$").unwrap_or(&key);
                let key_at = pointer_join(&at, &key);
                if let Some(problem) = variable_name_problem(var) {
                    diags.push(Diagnostic::error(Code::BadVariableName, &key_at, problem));
                } else if outer.iter().any(|v| v == var) {
                    diags.push(Diagnostic::error(
                        Code::AssignsOuterVariable,
                        &key_at,
                        format!("'{var}' belongs to the enclosing scope: a Parallel branch or Map iteration can read it but not assign it"),
                    ));
                }
                match here.iter_mut().find(|(v, _, _)| v == var) {
                    Some(entry) if entry.1 != &**name || !by_catcher => entry.2 = false,
                    Some(_) => {}
                    None => here.push((var.to_string(), name, by_catcher)),
                }
            }
        }
    }
    for (name, state) in states.iter() {
        let state_at = pointer_join(&states_at, name);
        // A Parallel's or Map's own catcher assigns after its branches are over: AWS lets them
        // use the same name (recorded, test_parallel_catch_error[PARALLEL_CATCH_ERROR_VARIABLE_SAMPLING]).
        let visible: Vec<String> = outer
            .iter()
            .cloned()
            .chain(
                here.iter()
                    .filter(|(_, by, only_catch)| !(*only_catch && *by == &**name))
                    .map(|(v, _, _)| v.clone()),
            )
            .collect();
        for (i, branch) in
            state.get("Branches").and_then(Value::as_array).unwrap_or_default().iter().enumerate()
        {
            check_variables(branch, &format!("{}/{i}", pointer_join(&state_at, "Branches")), &visible, diags);
        }
        for key in ["ItemProcessor", "Iterator"] {
            if let Some(processor) = state.get(key) {
                check_variables(processor, &pointer_join(&state_at, key), &visible, diags);
            }
        }
    }
}

/// Why `name` cannot be a variable name, if it cannot.
pub(crate) fn variable_name_problem(name: &str) -> Option<String> {
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_alphabetic() || c == '_');
    if name == "states" {
        return Some("'states' is reserved (it names $states in JSONata) and cannot be assigned".into());
    }
    if name.chars().count() > 80 {
        return Some(format!("variable names can be at most 80 characters; '{name}' is longer"));
    }
    if !first_ok || !chars.all(|c| c.is_alphanumeric() || c == '_') {
        return Some(format!(
            "'{name}' is not a variable name: use letters, digits and '_', starting with a letter or '_' (no paths such as 'x.y' or 'x[0]')"
        ));
    }
    None
}

fn check_graph(graph: &Graph, diags: &mut Vec<Diagnostic>) {
    let reachable = reachable(graph);
    for (i, state) in graph.states.iter().enumerate() {
        if !reachable[i] {
            diags.push(Diagnostic::error(
                Code::UnreachableState,
                &state.pointer,
                format!(
                    "state \"{}\" can never be reached: no Next, Default, Choice or Catch leads to it",
                    state.name
                ),
            ));
        }
        match &state.kind {
            StateKind::Task(task) => lint_task(state, task, diags),
            StateKind::Parallel { branches } => branches.iter().for_each(|b| check_graph(b, diags)),
            StateKind::Map(map) => check_graph(&map.processor, diags),
            _ => {}
        }
    }
}

/// Marks the states reachable from the start through every kind of transition.
fn reachable(graph: &Graph) -> Vec<bool> {
    let mut seen = vec![false; graph.states.len()];
    let mut stack = vec![graph.start];
    while let Some(i) = stack.pop() {
        if i >= seen.len() || seen[i] {
            continue;
        }
        seen[i] = true;
        let state = &graph.states[i];
        stack.extend(state.next);
        stack.extend(state.catch.iter().map(|c| c.next));
        if let StateKind::Choice { choices, default } = &state.kind {
            stack.extend(choices.iter().map(|c| c.next));
            stack.extend(*default);
        }
    }
    seen
}

fn lint_task(state: &crate::model::State, task: &crate::model::Task, diags: &mut Vec<Diagnostic>) {
    let resource_at = pointer_join(&state.pointer, "Resource");
    let resource = &task.resource;
    if !resource.placeholders.is_empty() {
        // A template not yet filled in: AWS would refuse it, but its intent is usually clear, and
        // the rest of the definition deserves a run. One warning, instead of unknown-resource.
        let (s, list) = match resource.placeholders.len() {
            1 => ("", resource.placeholders[0].to_string()),
            _ => ("s", resource.placeholders.join(", ")),
        };
        let reading = match resource.kind {
            ResourceKind::Unknown => {
                "Baton cannot tell which integration it names, so the scenario's responders answer it"
                    .to_string()
            }
            ResourceKind::LambdaFunction => format!("Baton reads it as the Lambda function {}", resource.arn),
            ResourceKind::Activity => format!("Baton reads it as the activity {}", resource.arn),
            ResourceKind::Service => format!("Baton reads it as {}", resource.arn),
        };
        diags.push(Diagnostic::warning(
            Code::ResourcePlaceholder,
            &resource_at,
            format!("'Resource' still holds the template placeholder{s} {list}, which AWS accepts only once substituted; {reading}"),
        ));
    } else if resource.kind == ResourceKind::Unknown && !resource.arn.is_empty() {
        // (An empty one is an error already, in `model::read`.)
        diags.push(Diagnostic::warning(
            Code::UnknownResource,
            &resource_at,
            format!(
                "Baton does not know the integration \"{}\"; it still runs, answered by the scenario's responders",
                task.resource.arn
            ),
        ));
    }
    if !task.resource.waits_for_token() {
        return;
    }
    let passes_token = task.resource.kind == ResourceKind::Activity
        || state.parameters.as_ref().is_some_and(|p| match p {
            Block::Template(t) => t.references_context_path("$$.Task.Token"),
            // Spaces aside, as `$states.context.Task.Token` or through a variable holding the
            // context (conservatively: any expression mentioning `Task.Token`).
            Block::Query(q) => q.expressions().iter().any(|e| {
                let compact: String = e.chars().filter(|c| !c.is_whitespace()).collect();
                compact.contains("Task.Token")
            }),
        });
    if !passes_token {
        let message = match state.jsonata {
            false => "this task waits for a task token but its Parameters never pass \"$$.Task.Token\": nobody can answer it, so it can only time out",
            true => "this task waits for a task token but its Arguments never pass \"{% $states.context.Task.Token %}\": nobody can answer it, so it can only time out",
        };
        diags.push(Diagnostic::warning(Code::TokenNotPassed, &resource_at, message));
    }
    if matches!(task.timeout, Seconds::None) {
        diags.push(Diagnostic::warning(
            Code::CallbackWithoutTimeout,
            &resource_at,
            "this task waits for a callback with no TimeoutSeconds: if nobody answers, it waits up to a year",
        ));
    }
    for (i, catcher) in state.catch.iter().enumerate() {
        let names = &catcher.errors;
        let sees_timeout = names.iter().any(|n| matches!(n, ErrorName::Timeout | ErrorName::All))
            || state.catch[..i].iter().any(|c| c.errors.contains(&ErrorName::Timeout));
        if names.contains(&ErrorName::TaskFailed) && !sees_timeout {
            let (task_failed, timeout) = (ErrorName::TaskFailed, ErrorName::Timeout);
            diags.push(Diagnostic::warning(
                Code::TaskFailedMissesTimeout,
                pointer_join(&pointer_join(&state.pointer, "Catch"), &i.to_string()),
                format!("\"{task_failed}\" does not match \"{timeout}\": a callback that nobody answers will not be caught here"),
            ));
        }
    }
}
