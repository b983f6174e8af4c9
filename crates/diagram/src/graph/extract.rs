//! Read a definition (plain JSON, no validation) into scopes of states and transitions.
//!
//! A scope is what one `StartAt`/`States` pair describes: the top level, one Parallel branch, or a
//! Map item processor. Transitions never cross scopes in ASL, so each scope is laid out on its own
//! and nested inside its container's box.

use std::collections::HashMap;

use serde_json::Value;

use super::{EdgeKind, NodeKind};
use crate::text::{clip_chars, one_line};

/// Containers nested deeper than this are drawn as plain boxes; it bounds recursion for values
/// built in code (serde_json's parser already limits nesting of parsed text).
const MAX_DEPTH: usize = 24;
/// Choice labels longer than this are clipped; the full rule goes to the hover text.
const LABEL_CHARS: usize = 26;

#[derive(Debug, Clone)]
pub(crate) struct Scope {
    /// Prepended to state names to make node ids unique across scopes.
    pub prefix: String,
    pub depth: usize,
    pub states: Vec<StateInfo>,
    pub edges: Vec<RawEdge>,
    /// The first state of each name, for transitions to find their target: a search per
    /// transition made a 20,000-state definition take seconds.
    index: HashMap<String, usize>,
}

#[derive(Debug, Clone)]
pub(crate) struct StateInfo {
    pub name: String,
    pub kind: NodeKind,
    pub state_type: String,
    pub subtitle: String,
    pub waits_for_token: bool,
    pub is_start: bool,
    pub is_end: bool,
    /// Parallel branches or the Map processor: (group label, scope).
    pub children: Vec<(String, Scope)>,
    /// Retry self-loop: (label "retry ×N", detail).
    pub retry: Option<(String, String)>,
}

#[derive(Debug, Clone)]
pub(crate) struct RawEdge {
    pub from: usize,
    pub to: usize,
    pub kind: EdgeKind,
    pub label: Option<String>,
    pub detail: Option<String>,
}

/// The top-level scope, with Start and End pseudo nodes.
pub(crate) fn top_scope(definition: &Value) -> Scope {
    let mut scope = read_scope(definition, String::new(), 0);
    let start_target = scope.states.iter().position(|s| s.is_start);
    let start = scope.states.len();
    scope.states.push(pseudo("Start", NodeKind::Start));
    if let Some(t) = start_target {
        scope.edges.push(RawEdge { from: start, to: t, kind: EdgeKind::Next, label: None, detail: None });
    }
    let ends: Vec<usize> = (0..start).filter(|&i| scope.states[i].is_end).collect();
    if !ends.is_empty() {
        let end = scope.states.len();
        scope.states.push(pseudo("End", NodeKind::End));
        for i in ends {
            scope.edges.push(RawEdge { from: i, to: end, kind: EdgeKind::Next, label: None, detail: None });
        }
    }
    scope
}

fn pseudo(name: &str, kind: NodeKind) -> StateInfo {
    StateInfo {
        name: name.to_string(),
        kind,
        state_type: String::new(),
        subtitle: String::new(),
        waits_for_token: false,
        is_start: false,
        is_end: false,
        children: Vec::new(),
        retry: None,
    }
}

/// Read `{StartAt, States}` of one scope. Missing or mistyped fields give an empty scope.
fn read_scope(v: &Value, prefix: String, depth: usize) -> Scope {
    let mut scope = Scope { prefix, depth, states: Vec::new(), edges: Vec::new(), index: HashMap::new() };
    let empty = serde_json::Map::new();
    let states = v.get("States").and_then(Value::as_object).unwrap_or(&empty);
    for (name, st) in states {
        let info = read_state(name, st, &scope.prefix, depth);
        scope.index.entry(info.name.clone()).or_insert(scope.states.len());
        scope.states.push(info);
    }
    // StartAt: a name in this scope, else a Missing node, else (absent) the first state.
    match v.get("StartAt").and_then(Value::as_str) {
        Some(s) => {
            let i = find_or_missing(&mut scope, s);
            scope.states[i].is_start = true;
        }
        None => {
            if let Some(first) = scope.states.first_mut() {
                first.is_start = true;
            }
        }
    }
    let mut names: Vec<(usize, &Value)> = Vec::new();
    for (i, (_, st)) in states.iter().enumerate() {
        names.push((i, st));
    }
    for (i, st) in names {
        add_transitions(&mut scope, i, st);
    }
    scope
}

fn find_or_missing(scope: &mut Scope, name: &str) -> usize {
    if let Some(&i) = scope.index.get(name) {
        return i;
    }
    let mut m = pseudo(name, NodeKind::Missing);
    m.subtitle = "missing state".to_string();
    scope.index.insert(name.to_string(), scope.states.len());
    scope.states.push(m);
    scope.states.len() - 1
}

fn add_transitions(scope: &mut Scope, i: usize, st: &Value) {
    let push = |scope: &mut Scope, target: &str, kind, label: Option<String>, detail: Option<String>| {
        let to = find_or_missing(scope, target);
        scope.edges.push(RawEdge { from: i, to, kind, label, detail });
    };
    if let Some(choices) = st.get("Choices").and_then(Value::as_array) {
        for rule in choices {
            if let Some(next) = rule.get("Next").and_then(Value::as_str) {
                let full = rule_text(rule, 0);
                push(scope, next, EdgeKind::Choice, Some(clip_chars(&full, LABEL_CHARS)), Some(full));
            }
        }
    }
    if let Some(d) = st.get("Default").and_then(Value::as_str) {
        push(scope, d, EdgeKind::Default, Some("default".to_string()), None);
    }
    if let Some(n) = st.get("Next").and_then(Value::as_str) {
        push(scope, n, EdgeKind::Next, None, None);
    }
    if let Some(catches) = st.get("Catch").and_then(Value::as_array) {
        for c in catches {
            if let Some(n) = c.get("Next").and_then(Value::as_str) {
                let errs = string_list(c.get("ErrorEquals"));
                let label = if errs.is_empty() { "catch".to_string() } else { errs.join(", ") };
                push(scope, n, EdgeKind::Catch, Some(clip_chars(&label, LABEL_CHARS + 6)), Some(label));
            }
        }
    }
}

fn read_state(name: &str, st: &Value, prefix: &str, depth: usize) -> StateInfo {
    let ty = st.get("Type").and_then(Value::as_str).unwrap_or("").to_string();
    let mut info = pseudo(name, NodeKind::State);
    info.state_type = ty.clone();
    info.is_end =
        st.get("End").and_then(Value::as_bool).unwrap_or(false) || matches!(ty.as_str(), "Succeed" | "Fail");
    match ty.as_str() {
        "Task" => {
            let (label, token) = integration(st);
            info.subtitle = label;
            info.waits_for_token = token;
        }
        "Wait" => info.subtitle = wait_text(st),
        "Fail" => {
            info.subtitle = match st.get("Error").and_then(Value::as_str) {
                Some(e) => clip_chars(&format!("Fail · {}", one_line(e)), 30),
                None => "Fail".to_string(),
            }
        }
        "Map" => {
            let distributed = st.pointer("/ItemProcessor/ProcessorConfig/Mode").and_then(Value::as_str)
                == Some("DISTRIBUTED");
            info.subtitle = if distributed { "Map (distributed)" } else { "Map" }.to_string();
        }
        "" => info.subtitle = "state".to_string(),
        other => info.subtitle = clip_chars(&one_line(other), 24),
    }
    info.retry = retry(st);
    if depth < MAX_DEPTH {
        let id = format!("{prefix}{name}");
        if ty == "Parallel" {
            if let Some(branches) = st.get("Branches").and_then(Value::as_array) {
                for (b, branch) in branches.iter().enumerate() {
                    let scope = read_scope(branch, format!("{id}/{}/", b + 1), depth + 1);
                    info.children.push((format!("Branch {}", b + 1), scope));
                }
            }
        } else if ty == "Map" {
            let (label, proc) = match (st.get("ItemProcessor"), st.get("Iterator")) {
                (Some(p), _) => ("Item processor", p),
                (None, Some(p)) => ("Iterator", p),
                (None, None) => ("", &Value::Null),
            };
            if !label.is_empty() {
                info.children.push((label.to_string(), read_scope(proc, format!("{id}/"), depth + 1)));
            }
        }
    }
    info
}

/// Integration label and waits-for-token flag of a Task's `Resource`.
///
/// `arn:aws:states:::lambda:invoke.waitForTaskToken` → ("lambda:invoke", true);
/// `arn:aws:states:::aws-sdk:s3:getObject` → ("s3:getObject", false);
/// `arn:aws:states:r:a:activity:Name` → ("activity: Name", true);
/// `arn:aws:lambda:r:a:function:Fn` → ("lambda: Fn", false).
///
/// Any partition, with or without a region and account; a template placeholder such as
/// `${AWS::Partition}` counts as one field even though it holds `::`.
pub(crate) fn integration(st: &Value) -> (String, bool) {
    let res = match st.get("Resource").and_then(Value::as_str) {
        Some(r) => one_line(r),
        None => return ("Task".to_string(), false),
    };
    let parts = arn_fields(&res);
    if parts.len() >= 6 && parts[0] == "arn" {
        let service = parts[2];
        let rest = parts[5..].join(":");
        if service == "states" && parts[5] == "activity" {
            return (clip_chars(&format!("activity: {}", parts[6..].join(":")), 32), true);
        }
        if service == "lambda" && parts[5] == "function" {
            return (clip_chars(&format!("lambda: {}", parts.get(6).unwrap_or(&"")), 32), false);
        }
        if service == "states" {
            let rest = rest.strip_prefix("aws-sdk:").unwrap_or(&rest);
            let (action, token) = match rest.strip_suffix(".waitForTaskToken") {
                Some(a) => (a, true),
                None => (rest, false),
            };
            return (clip_chars(action, 32), token);
        }
    }
    let token = res.ends_with(".waitForTaskToken");
    (clip_chars(&res, 32), token)
}

/// The fields of an ARN split at `:`, except inside a `${...}` placeholder.
fn arn_fields(arn: &str) -> Vec<&str> {
    let mut fields = Vec::new();
    let (mut start, mut in_placeholder) = (0, false);
    let bytes = arn.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'{' if i > 0 && bytes[i - 1] == b'$' => in_placeholder = true,
            b'}' => in_placeholder = false,
            b':' if !in_placeholder => {
                fields.push(&arn[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    fields.push(&arn[start..]);
    fields
}

fn wait_text(st: &Value) -> String {
    if let Some(s) = st.get("Seconds").and_then(Value::as_f64) {
        return format!("Wait {} s", crate::text::num(s));
    }
    if st.get("Timestamp").is_some() {
        return "Wait until timestamp".to_string();
    }
    if st.get("SecondsPath").is_some() || st.get("TimestampPath").is_some() {
        return "Wait (from input)".to_string();
    }
    "Wait".to_string()
}

/// "retry ×N" where N totals the attempts of all retriers (MaxAttempts defaults to 3).
fn retry(st: &Value) -> Option<(String, String)> {
    let retriers = st.get("Retry").and_then(Value::as_array)?;
    let mut total: u64 = 0;
    let mut detail = Vec::new();
    for r in retriers {
        let n = r.get("MaxAttempts").and_then(Value::as_u64).unwrap_or(3);
        total = total.saturating_add(n);
        let errs = string_list(r.get("ErrorEquals")).join(", ");
        let mut d = format!("{errs}: up to {n} attempts");
        if let Some(i) = r.get("IntervalSeconds").and_then(Value::as_f64) {
            d.push_str(&format!(", every {} s", crate::text::num(i)));
        }
        if let Some(b) = r.get("BackoffRate").and_then(Value::as_f64) {
            d.push_str(&format!(" ×{}", crate::text::num(b)));
        }
        detail.push(d);
    }
    if retriers.is_empty() {
        return None;
    }
    Some((format!("retry ×{total}"), format!("Retry — {}", detail.join("; "))))
}

fn string_list(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(one_line).collect(),
        Some(Value::String(s)) => vec![one_line(s)],
        _ => Vec::new(),
    }
}

/// A short human reading of a Choice rule: `$.answer == "yes"`, `$.n > 3`, `not($.x present)`.
/// Cheap on purpose: the full JSON is one hover away in the editor.
fn rule_text(rule: &Value, depth: usize) -> String {
    if depth > 4 {
        return "…".to_string();
    }
    if let Some(c) = rule.get("Condition").and_then(Value::as_str) {
        let t = c.trim();
        let t = t.strip_prefix("{%").and_then(|t| t.strip_suffix("%}")).unwrap_or(t);
        return one_line(t.trim());
    }
    for (key, joiner) in [("And", " && "), ("Or", " || ")] {
        if let Some(list) = rule.get(key).and_then(Value::as_array) {
            let parts: Vec<String> = list.iter().map(|r| rule_text(r, depth + 1)).collect();
            return parts.join(joiner);
        }
    }
    if let Some(inner) = rule.get("Not") {
        return format!("not({})", rule_text(inner, depth + 1));
    }
    let var = rule.get("Variable").and_then(Value::as_str).map(one_line).unwrap_or_default();
    let Some(obj) = rule.as_object() else { return "rule".to_string() };
    for (k, v) in obj {
        if matches!(k.as_str(), "Variable" | "Next" | "Comment" | "Assign" | "Output") {
            continue;
        }
        let (base, is_path) = match k.strip_suffix("Path") {
            Some(b) if k != "IsPresent" => (b, true),
            _ => (k.as_str(), false),
        };
        let op = match base {
            "StringEquals" | "NumericEquals" | "BooleanEquals" | "TimestampEquals" => "==",
            "StringLessThan" | "NumericLessThan" | "TimestampLessThan" => "<",
            "StringGreaterThan" | "NumericGreaterThan" | "TimestampGreaterThan" => ">",
            "StringLessThanEquals" | "NumericLessThanEquals" | "TimestampLessThanEquals" => "<=",
            "StringGreaterThanEquals" | "NumericGreaterThanEquals" | "TimestampGreaterThanEquals" => ">=",
            "StringMatches" => "matches",
            "IsPresent" | "IsNull" | "IsNumeric" | "IsString" | "IsBoolean" | "IsTimestamp" => {
                let word = base.trim_start_matches("Is").to_ascii_lowercase();
                let word = if word == "present" { word } else { format!("is {word}") };
                return match v.as_bool() {
                    Some(false) => format!("not({var} {word})"),
                    _ => format!("{var} {word}"),
                };
            }
            _ => continue,
        };
        let rhs = if is_path {
            v.as_str().map(one_line).unwrap_or_default()
        } else {
            let s = v.to_string();
            one_line(&s)
        };
        return format!("{var} {op} {rhs}");
    }
    if var.is_empty() {
        "rule".to_string()
    } else {
        var
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn integration_labels() {
        let t = |r: &str| integration(&json!({ "Resource": r }));
        assert_eq!(t("arn:aws:states:::lambda:invoke.waitForTaskToken"), ("lambda:invoke".into(), true));
        assert_eq!(t("arn:aws:states:::sqs:sendMessage"), ("sqs:sendMessage".into(), false));
        assert_eq!(t("arn:aws:states:::aws-sdk:s3:getObject"), ("s3:getObject".into(), false));
        assert_eq!(t("arn:aws:states:us-east-1:1:activity:Approve"), ("activity: Approve".into(), true));
        assert_eq!(t("arn:aws:lambda:us-east-1:1:function:Fn"), ("lambda: Fn".into(), false));
        assert_eq!(t("arn:aws:states:::states:startExecution.sync:2").0, "states:startExecution.sync:2");
        // Region-qualified, other partitions, and templates not yet filled in.
        assert_eq!(
            t("arn:aws:states:us-east-1:123456789012:aws-sdk:s3:getObject"),
            ("s3:getObject".into(), false)
        );
        assert_eq!(
            t("arn:aws-us-gov:states:us-gov-west-1:123456789012:lambda:invoke.waitForTaskToken"),
            ("lambda:invoke".into(), true)
        );
        assert_eq!(
            t("arn:${AWS::Partition}:states:::batch:submitJob.sync"),
            ("batch:submitJob.sync".into(), false)
        );
        assert_eq!(
            t("arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:sqs:sendMessage.waitForTaskToken"),
            ("sqs:sendMessage".into(), true)
        );
        assert_eq!(
            t("arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${Fn}"),
            ("lambda: ${Fn}".into(), false)
        );
        assert_eq!(t("${FnArn}"), ("${FnArn}".into(), false));
    }

    #[test]
    fn rule_labels() {
        let r = |v: Value| rule_text(&v, 0);
        assert_eq!(r(json!({"Variable":"$.a","StringEquals":"yes","Next":"X"})), "$.a == \"yes\"");
        assert_eq!(r(json!({"Variable":"$.n","NumericGreaterThanPath":"$.m"})), "$.n > $.m");
        assert_eq!(r(json!({"Not":{"Variable":"$.x","IsPresent":true}})), "not($.x present)");
        assert_eq!(r(json!({"Variable":"$.x","IsNull":false})), "not($.x is null)");
        assert_eq!(
            r(
                json!({"And":[{"Variable":"$.a","BooleanEquals":true},{"Variable":"$.b","NumericLessThan":2}]})
            ),
            "$.a == true && $.b < 2"
        );
        assert_eq!(r(json!({"Condition":"{% $x > 1 %}"})), "$x > 1");
    }
}
