//! One case: reading its file, running it through the CLI's entry point, and comparing the
//! outcome (status, output, error, cause) with what AWS recorded, with the case's `ignore` rules.

use std::fmt::Write as _;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{json, Value as Json};

/// One case file, with the fields the run uses.
#[derive(Clone)]
pub struct Case {
    pub name: String,
    pub category: String,
    pub tags: Vec<String>,
    definition: Json,
    input: Json,
    /// `expected` as recorded: `status`, and `output` or `error`/`cause`.
    expected: serde_json::Map<String, Json>,
    /// `expected.history`: every event AWS recorded, when the corpus has them.
    pub history: Option<Vec<Json>>,
    cause_is_json: bool,
    mocks: Option<Json>,
    env: Json,
    ignore: Vec<String>,
    ignore_patterns: Vec<(String, String)>,
}

impl Case {
    pub fn read(file: &Path) -> Result<Case, String> {
        let text = std::fs::read_to_string(file).map_err(|e| format!("cannot read: {e}"))?;
        let mut doc: Json = serde_json::from_str(&text).map_err(|e| format!("not JSON: {e}"))?;
        let mut take = |key: &str| doc.get_mut(key).map(Json::take);
        let string = |v: Option<Json>, key: &str| match v {
            Some(Json::String(s)) => Ok(s),
            _ => Err(format!("`{key}` is missing or not a string")),
        };
        let name = string(take("name"), "name")?;
        let category = string(take("category"), "category")?;
        let tags = match take("tags") {
            Some(Json::Array(tags)) => {
                tags.into_iter().filter_map(|t| t.as_str().map(str::to_owned)).collect()
            }
            _ => Vec::new(),
        };
        let Some(Json::Object(mut expected)) = take("expected") else {
            return Err("`expected` is missing or not an object".into());
        };
        let cause_is_json = expected.remove("cause_is_json").and_then(|v| v.as_bool()).unwrap_or(false);
        let history = match expected.remove("history") {
            Some(Json::Array(events)) => Some(events),
            Some(_) => return Err("`expected.history` is not an array".into()),
            None => None,
        };
        let ignore = match take("ignore") {
            Some(Json::Array(items)) => {
                items.into_iter().filter_map(|p| p.as_str().map(str::to_owned)).collect()
            }
            _ => Vec::new(),
        };
        let ignore_patterns = match take("ignore_patterns") {
            Some(Json::Object(patterns)) => patterns
                .into_iter()
                .filter_map(|(pointer, re)| re.as_str().map(|re| (pointer, re.to_owned())))
                .collect(),
            _ => Vec::new(),
        };
        Ok(Case {
            name,
            category,
            tags,
            definition: take("definition").ok_or("`definition` is missing")?,
            input: take("input").unwrap_or(Json::Null),
            expected,
            history,
            cause_is_json,
            mocks: take("mocks").filter(|m| !m.is_null()),
            env: take("env").unwrap_or_else(|| json!({})),
            ignore,
            ignore_patterns,
        })
    }
}

impl Case {
    /// The scenario `baton run` would read for this case: its input, mocks and environment.
    pub fn scenario(&self) -> Result<sim::Scenario, sim::ScenarioError> {
        sim::Scenario::from_json_value(&json!({
            "input": self.input,
            "responders": self.mocks.clone().unwrap_or_else(|| json!({})),
            "context": self.env,
        }))
    }

    pub fn definition(&self) -> asl::Value {
        asl::Value::from(self.definition.clone())
    }

    pub fn has_mocks(&self) -> bool {
        self.mocks.is_some()
    }
}

/// What one run of a case produced, reduced to what the corpus records.
#[derive(Clone, Debug, PartialEq)]
pub struct Observed {
    status: String,
    output: Option<Json>,
    error: Option<String>,
    cause: Option<String>,
    /// The history as `baton run --history` prints it ([`sim::Report::history_json`]).
    pub history: Vec<Json>,
}

/// Runs a case through the CLI's entry point. `Err` is a one-line reason the case could not run.
pub fn observe(case: &Case) -> Result<Observed, String> {
    let scenario = case.scenario().map_err(|e| one_line(&format!("scenario rejected: {e}")))?;
    let definition = case.definition();
    let report = sim::run(&definition, &scenario).map_err(|diags| {
        let first = diags.iter().find(|d| d.is_error()).or(diags.first());
        match first {
            Some(d) => {
                one_line(&format!("definition rejected: {} ({} at {:?})", d.message, d.code, d.pointer))
            }
            None => "definition rejected without a diagnostic".to_owned(),
        }
    })?;
    Ok(Observed {
        status: report.status.as_aws().to_owned(),
        output: report.output.as_ref().map(Json::from),
        error: report.error.clone(),
        cause: report.cause.clone(),
        history: report.history_json(),
    })
}

/// [`observe`], but a panic or a hang becomes a failure instead of ending the whole run: the
/// engine must never panic, and this makes each one visible by name. The case runs on its own
/// thread (the engine's values are `Rc`, so everything is built there) with a generous stack,
/// because a stack overflow would abort the process and lose every result.
pub fn observe_isolated(case: &Case, timeout: Duration) -> Result<Observed, String> {
    let (send, receive) = mpsc::channel();
    let scenario_case = case.clone();
    let spawned = std::thread::Builder::new().name(case.name.clone()).stack_size(16 << 20).spawn(move || {
        let result = catch_unwind(AssertUnwindSafe(|| observe(&scenario_case)))
            .unwrap_or_else(|payload| Err(format!("panicked: {}", one_line(&panic_message(&*payload)))));
        let _ = send.send(result);
    });
    if let Err(e) = spawned {
        return Err(format!("could not start a thread: {e}"));
    }
    match receive.recv_timeout(timeout) {
        Ok(result) => result,
        // The thread is left running: a thread cannot be killed, and the process ends soon.
        Err(mpsc::RecvTimeoutError::Timeout) => Err(format!("hung: no result after {}s", timeout.as_secs())),
        Err(mpsc::RecvTimeoutError::Disconnected) => Err("the case's thread died without a result".into()),
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(no message)".to_owned()
    }
}

/// Compares what happened with what AWS recorded, as INDEX.md prescribes; `Err` is the first
/// difference, in one line.
pub fn compare(case: &Case, observed: &Observed) -> Result<(), String> {
    let expected_status = case.expected.get("status").and_then(Json::as_str).unwrap_or("?");
    if observed.status != expected_status {
        let mut reason = format!("status {} != expected {expected_status}", observed.status);
        if let Some(error) = &observed.error {
            let _ = write!(reason, " ({error}: {})", observed.cause.as_deref().unwrap_or(""));
        }
        return Err(shorten(&one_line(&reason), 300));
    }

    // Both sides as documents shaped like `expected`, so that `ignore` pointers apply to both.
    let mut actual = serde_json::Map::new();
    actual.insert("status".into(), Json::String(observed.status.clone()));
    if expected_status == "SUCCEEDED" {
        if let Some(output) = &observed.output {
            actual.insert("output".into(), output.clone());
        }
    } else {
        if let Some(error) = &observed.error {
            actual.insert("error".into(), Json::String(error.clone()));
        }
        if let Some(cause) = &observed.cause {
            let cause = if case.cause_is_json {
                serde_json::from_str(cause).map_err(|_| {
                    format!("cause is not JSON, expected a JSON document: {}", shorten(&one_line(cause), 200))
                })?
            } else {
                Json::String(cause.clone())
            };
            actual.insert("cause".into(), cause);
        }
    }
    let mut actual = Json::Object(actual);
    let mut expected = Json::Object(case.expected.clone());

    // An ignored value must still look right where the corpus says what it should look like.
    for (pointer, pattern) in &case.ignore_patterns {
        let re = regex::Regex::new(pattern)
            .map_err(|e| format!("bad ignore_patterns regex for {pointer}: {e}"))?;
        match actual.pointer(pointer) {
            Some(Json::String(s)) if re.is_match(s) => {}
            Some(other) => {
                return Err(format!(
                    "{pointer} = {} does not match {pattern}",
                    shorten(&one_line(&other.to_string()), 200)
                ))
            }
            None => return Err(format!("{pointer} is missing (it should match {pattern})")),
        }
    }
    for pointer in &case.ignore {
        remove_pointer(&mut actual, pointer);
        remove_pointer(&mut expected, pointer);
    }
    for field in ["output", "error", "cause"] {
        let (a, e) = (actual.get(field), expected.get(field));
        match (a, e) {
            (None, None) => {}
            (Some(a), None) => {
                return Err(format!("unexpected {field}: {}", shorten(&one_line(&a.to_string()), 200)))
            }
            (None, Some(e)) => {
                return Err(format!("no {field}, expected {}", shorten(&one_line(&e.to_string()), 200)))
            }
            (Some(a), Some(e)) => {
                if let Some(difference) = first_difference(a, e, &mut String::new()) {
                    return Err(describe_difference(field, difference));
                }
            }
        }
    }
    Ok(())
}

/// Removes the value at an RFC 6901 pointer: an object member is removed, an array item is
/// replaced by `null` (removing it would shift the items after it). Missing paths are ignored.
fn remove_pointer(doc: &mut Json, pointer: &str) {
    let Some(rest) = pointer.strip_prefix('/') else { return };
    let tokens: Vec<String> = rest.split('/').map(|t| t.replace("~1", "/").replace("~0", "~")).collect();
    let Some((last, parents)) = tokens.split_last() else { return };
    let mut at = doc;
    for token in parents {
        let next = match at {
            Json::Object(map) => map.get_mut(token),
            Json::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
            _ => None,
        };
        match next {
            Some(next) => at = next,
            None => return,
        }
    }
    match at {
        Json::Object(map) => {
            map.shift_remove(last);
        }
        Json::Array(items) => {
            if let Some(item) = last.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                *item = Json::Null;
            }
        }
        _ => {}
    }
}

/// The first place where `actual` and `expected` differ: its pointer and what differs there.
/// Numbers compare as serde_json does: `1` and `1.0` are different values, as AWS recorded them.
fn first_difference(actual: &Json, expected: &Json, path: &mut String) -> Option<(String, String)> {
    first_difference_but(actual, expected, path, &|_, _| false)
}

/// [`first_difference`], where `wildcard(actual, expected)` may accept a pair of values as the
/// same (the history comparison's placeholders).
pub fn first_difference_but(
    actual: &Json,
    expected: &Json,
    path: &mut String,
    wildcard: &dyn Fn(&Json, &Json) -> bool,
) -> Option<(String, String)> {
    let show = |v: &Json| shorten(&one_line(&v.to_string()), 160);
    if wildcard(actual, expected) {
        return None;
    }
    match (actual, expected) {
        (Json::Object(a), Json::Object(e)) => {
            for (key, e_value) in e {
                let len = path.len();
                path.push('/');
                path.push_str(&key.replace('~', "~0").replace('/', "~1"));
                let found = match a.get(key) {
                    Some(a_value) => first_difference_but(a_value, e_value, path, wildcard),
                    None => Some((path.clone(), format!("missing, expected {}", show(e_value)))),
                };
                path.truncate(len);
                if found.is_some() {
                    return found;
                }
            }
            a.iter()
                .find(|(key, _)| !e.contains_key(*key))
                .map(|(key, value)| (path.clone(), format!("unexpected member \"{key}\": {}", show(value))))
        }
        (Json::Array(a), Json::Array(e)) => {
            for (i, (a_item, e_item)) in a.iter().zip(e).enumerate() {
                let len = path.len();
                let _ = write!(path, "/{i}");
                let found = first_difference_but(a_item, e_item, path, wildcard);
                path.truncate(len);
                if found.is_some() {
                    return found;
                }
            }
            (a.len() != e.len()).then(|| (path.clone(), format!("{} items != expected {}", a.len(), e.len())))
        }
        (a, e) if a == e => None,
        (a, e) => Some((path.clone(), format!("{} != expected {}", show(a), show(e)))),
    }
}

/// "output differs at /a/b: 1 != expected 2", or "output differs: ..." for the whole value.
fn describe_difference(field: &str, (path, what): (String, String)) -> String {
    if path.is_empty() {
        format!("{field} differs: {what}")
    } else {
        format!("{field} differs at {path}: {what}")
    }
}

pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// The comparison's own rules, without the engine.
pub mod tests {
    use super::*;

    pub fn ignore_pointers_remove_members_and_blank_items() {
        let mut doc = json!({"output": {"a": 1, "b/c": 2, "t~": 3, "list": [1, 2, 3]}});
        for p in ["/output/a", "/output/b~1c", "/output/t~0", "/output/list/1", "/output/nope/x", "/cause"] {
            remove_pointer(&mut doc, p);
        }
        assert_eq!(doc, json!({"output": {"list": [1, null, 3]}}));
    }

    pub fn differences_name_the_first_place() {
        let d = |a: Json, e: Json| {
            first_difference(&a, &e, &mut String::new()).map(|d| describe_difference("output", d))
        };
        assert_eq!(
            d(json!({"a": {"b": 1}}), json!({"a": {"b": 2}})).as_deref(),
            Some("output differs at /a/b: 1 != expected 2")
        );
        assert_eq!(d(json!(1), json!(1.0)).as_deref(), Some("output differs: 1 != expected 1.0"));
        assert_eq!(d(json!([1]), json!([1, 2])).as_deref(), Some("output differs: 1 items != expected 2"));
        assert_eq!(
            d(json!({}), json!({"x": true})).as_deref(),
            Some("output differs at /x: missing, expected true")
        );
        assert_eq!(
            d(json!({"y": null}), json!({})).as_deref(),
            Some("output differs: unexpected member \"y\": null")
        );
        assert_eq!(d(json!({"k": [1, {"z": "s"}]}), json!({"k": [1, {"z": "s"}]})), None);
    }

    fn case(expected: Json) -> Case {
        let mut doc = json!({"name": "n", "category": "c", "tags": ["pass"], "definition": {}, "input": {}});
        if let Json::Object(map) = &mut doc {
            if let Json::Object(e) = expected {
                for (k, v) in e {
                    map.insert(k, v);
                }
            }
        }
        let dir = std::env::temp_dir().join(format!("baton-conformance-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let file = dir.join(format!("{}.json", doc.to_string().len()));
        let _ = std::fs::write(&file, doc.to_string());
        match Case::read(&file) {
            Ok(case) => case,
            Err(e) => panic!("{e}"),
        }
    }

    fn observed(status: &str, output: Option<Json>, error: Option<&str>, cause: Option<&str>) -> Observed {
        Observed {
            status: status.into(),
            output,
            error: error.map(Into::into),
            cause: cause.map(Into::into),
            history: Vec::new(),
        }
    }

    pub fn comparison_follows_the_index() {
        let succeeded = case(json!({
            "expected": {"status": "SUCCEEDED", "output": {"v": 1, "Execution": {"StartTime": "x"}}},
            "ignore": ["/output/Execution/StartTime"]
        }));
        let ok_output = json!({"v": 1, "Execution": {"StartTime": "2024-01-01"}});
        assert_eq!(compare(&succeeded, &observed("SUCCEEDED", Some(ok_output), None, None)), Ok(()));
        assert_eq!(
            compare(&succeeded, &observed("SUCCEEDED", Some(json!({"v": 2, "Execution": {}})), None, None)),
            Err("output differs at /v: 2 != expected 1".into())
        );
        assert_eq!(
            compare(&succeeded, &observed("FAILED", None, Some("States.Runtime"), Some("boom"))),
            Err("status FAILED != expected SUCCEEDED (States.Runtime: boom)".into())
        );
        assert_eq!(
            compare(&succeeded, &observed("SUCCEEDED", None, None, None)),
            Err("no output, expected {\"v\":1,\"Execution\":{}}".into())
        );

        let json_cause = case(json!({
            "expected": {"status": "FAILED", "error": "E", "cause": {"a": 1, "requestId": "r"}, "cause_is_json": true},
            "ignore": ["/cause/requestId"]
        }));
        let good = observed("FAILED", None, Some("E"), Some(r#"{"requestId":"other","a":1}"#));
        assert_eq!(compare(&json_cause, &good), Ok(()));
        assert!(compare(&json_cause, &observed("FAILED", None, Some("E"), Some("not json")))
            .is_err_and(|e| e.starts_with("cause is not JSON")));
        assert_eq!(
            compare(&json_cause, &observed("FAILED", None, Some("F"), Some(r#"{"a":1}"#))),
            Err("error differs: \"F\" != expected \"E\"".into())
        );

        let patterned = case(json!({
            "expected": {"status": "FAILED", "error": "States.Runtime", "cause": "recorded 'x'"},
            "ignore": ["/cause"],
            "ignore_patterns": {"/cause": "^recorded '.*'$"}
        }));
        let matching = observed("FAILED", None, Some("States.Runtime"), Some("recorded 'y'"));
        assert_eq!(compare(&patterned, &matching), Ok(()));
        let other = observed("FAILED", None, Some("States.Runtime"), Some("something else"));
        assert_eq!(
            compare(&patterned, &other),
            Err("/cause = \"something else\" does not match ^recorded '.*'$".into())
        );
        let absent = case(json!({"expected": {"status": "FAILED"}}));
        assert_eq!(
            compare(&absent, &observed("FAILED", None, Some("E"), None)),
            Err("unexpected error: \"E\"".into())
        );
    }
}
