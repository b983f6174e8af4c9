//! Comparing a run's event history with the one AWS recorded, as `shared/conformance/INDEX.md`
//! ("What a runner should compare") prescribes: the same types in the same order, the same ids and
//! previousEventIds, and the same details key by key, with payload fields compared as JSON values
//! and the corpus's placeholders as wildcards.

use std::sync::OnceLock;

use regex::Regex;
use serde_json::Value as Json;

use crate::outcome::{first_difference_but, one_line, shorten};

/// Detail fields that AWS's history holds as JSON text (or free text, for a cause). The corpus
/// kept some of them only parsed, so both sides are compared parsed.
const PAYLOAD_FIELDS: [&str; 4] = ["input", "output", "parameters", "cause"];

/// INDEX.md's word placeholders: values the snapshots blanked with a plain word.
const WORD_PLACEHOLDERS: [&str; 14] = [
    "date",
    "x-amzn-RequestId",
    "x-amzn-requestid",
    "RequestId",
    "X-Amzn-Trace-Id",
    "x-amz-crc32",
    "timestamp",
    "start-date",
    "stop-date",
    "start-time",
    "entered-time",
    "state-machine-arn",
    "execution-arn",
    "map_run_arn",
];

/// INDEX.md's angle-bracket placeholders (`<uuid:3>`, `<MapRunArnPart0_0idx>`, ...).
const ANGLE_PLACEHOLDER: &str = "<(?:uuid|request_id|extended_request_id|task_token|message_id|sequence-number|m-d5-of-message-body|m-d5-of-message-attributes|start-date|stop-date|start-time|entered-time|MapRunArnPart[01]_\\d+idx|execution-arn|json-input|secondary_test_aws_account_id|ArnPart_\\d+idx|test-table)(?::\\d+)?>";

/// Either kind of placeholder as it can appear inside a longer string: an angle-bracket one
/// anywhere, a word one only as a quoted JSON string (plain, or escaped inside JSON text).
fn inner_placeholder() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let words = WORD_PLACEHOLDERS.map(regex::escape).join("|");
        let pattern = format!(r#"{ANGLE_PLACEHOLDER}|\\"(?:{words})\\"|"(?:{words})""#);
        Regex::new(&pattern).unwrap_or_else(|e| panic!("placeholder pattern: {e}"))
    })
}

/// A string that is one placeholder and nothing else. Three callback cases hold a placeholder
/// that the snapshot numbered twice, `<<task_token>:1>`: it stands for the token all the same.
fn whole_placeholder(text: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    let angle = RE.get_or_init(|| {
        Regex::new(&format!("^(?:{ANGLE_PLACEHOLDER}|<{ANGLE_PLACEHOLDER}:\\d+>)$"))
            .unwrap_or_else(|e| panic!("placeholder pattern: {e}"))
    });
    WORD_PLACEHOLDERS.contains(&text) || angle.is_match(text)
}

/// Whether `actual` is `expected` with its inner placeholders filled in: an angle-bracket
/// placeholder stands for any run of characters, a quoted word for any JSON string.
fn matches_with_placeholders(expected: &str, actual: &str) -> bool {
    let re = inner_placeholder();
    if !re.is_match(expected) {
        return false;
    }
    let mut pattern = String::from("^");
    let mut last = 0;
    for m in re.find_iter(expected) {
        pattern.push_str(&regex::escape(&expected[last..m.start()]));
        let found = m.as_str();
        pattern.push_str(if found.starts_with('<') {
            "(?s:.*)"
        } else if found.starts_with('\\') {
            r#"\\"(?s:.*?)\\""#
        } else {
            r#""(?:[^"\\]|\\.)*""#
        });
        last = m.end();
    }
    pattern.push_str(&regex::escape(&expected[last..]));
    pattern.push('$');
    Regex::new(&pattern).is_ok_and(|re| re.is_match(actual))
}

/// The first event where the histories differ, in one line: its id and type, the JSON pointer
/// of the difference inside the event, and what differs there.
pub fn compare(actual: &[Json], expected: &[Json]) -> Result<(), String> {
    for (i, e) in expected.iter().enumerate() {
        let id = i + 1;
        let Some(a) = actual.get(i) else {
            return Err(format!(
                "event {id}: missing, expected {} (the run has {} events, AWS recorded {})",
                type_of(e),
                actual.len(),
                expected.len()
            ));
        };
        if let Some((pointer, what)) = event_difference(a, e) {
            return Err(format!("event {id} ({}) {pointer}: {what}", type_of(e)));
        }
    }
    match actual.get(expected.len()) {
        Some(extra) => Err(format!(
            "event {}: unexpected {} (the run has {} events, AWS recorded {})",
            expected.len() + 1,
            type_of(extra),
            actual.len(),
            expected.len()
        )),
        None => Ok(()),
    }
}

fn type_of(event: &Json) -> &str {
    event.get("type").and_then(Json::as_str).unwrap_or("?")
}

/// The `<x>EventDetails` member of an event, if it has one.
fn details_of(event: &Json) -> Option<(&String, &Json)> {
    event.as_object()?.iter().find(|(key, _)| key.ends_with("EventDetails"))
}

fn event_difference(actual: &Json, expected: &Json) -> Option<(String, String)> {
    for key in ["type", "id", "previousEventId"] {
        let (a, e) = (actual.get(key), expected.get(key));
        if a != e {
            return Some((format!("/{key}"), format!("{} != expected {}", show_opt(a), show_opt(e))));
        }
    }
    let (key, a, e) = match (details_of(actual), details_of(expected)) {
        (None, None) => return None,
        (Some((key, value)), None) => {
            return Some((format!("/{key}"), format!("unexpected details {}", show(value))))
        }
        (None, Some((key, _))) => return Some((format!("/{key}"), "missing".into())),
        (Some((a_key, _)), Some((e_key, _))) if a_key != e_key => {
            return Some((format!("/{e_key}"), format!("missing; the run has {a_key} instead")))
        }
        (Some((key, a)), Some((_, e))) => {
            (key, normalise(a, type_of(expected)), normalise(e, type_of(expected)))
        }
    };
    let mut path = format!("/{key}");
    difference(&a, &e, &mut path)
}

/// A details object ready to compare: payload fields parsed when they hold JSON text, and the
/// two values a case cannot supply (INDEX.md, "Values the case cannot supply") left out.
fn normalise(details: &Json, event_type: &str) -> Json {
    let Json::Object(fields) = details else { return details.clone() };
    let mut out = serde_json::Map::new();
    for (key, value) in fields {
        let skipped = matches!(
            (event_type, key.as_str()),
            ("TaskSubmitted", "output") | ("ActivityStarted", "workerName")
        );
        if skipped {
            continue;
        }
        let value = if PAYLOAD_FIELDS.contains(&key.as_str()) {
            parsed(value)
        } else if key == "assignedVariables" {
            match value {
                Json::Object(vars) => {
                    Json::Object(vars.iter().map(|(k, v)| (k.clone(), parsed(v))).collect())
                }
                other => other.clone(),
            }
        } else {
            value.clone()
        };
        out.insert(key.clone(), value);
    }
    Json::Object(out)
}

/// A payload as a JSON value: JSON text parsed, anything else (free text, an already parsed
/// value) as it is.
fn parsed(value: &Json) -> Json {
    match value {
        Json::String(text) => serde_json::from_str(text).unwrap_or_else(|_| value.clone()),
        other => other.clone(),
    }
}

/// The first place where `actual` differs from `expected`, placeholders in `expected` being
/// wildcards. `1` and `1.0` differ, as in the outcome comparison.
fn difference(actual: &Json, expected: &Json, path: &mut String) -> Option<(String, String)> {
    first_difference_but(actual, expected, path, &|actual, expected| match (actual, expected) {
        (_, Json::String(e)) if whole_placeholder(e) => true,
        (Json::String(a), Json::String(e)) => a == e || matches_with_placeholders(e, a),
        _ => false,
    })
}

fn show(value: &Json) -> String {
    shorten(&one_line(&value.to_string()), 160)
}

fn show_opt(value: Option<&Json>) -> String {
    value.map_or_else(|| "(none)".to_owned(), show)
}

/// The comparison's own rules, without the engine.
pub mod tests {
    use super::*;
    use serde_json::json;

    fn event(id: u64, prev: u64, kind: &str, details: Option<(&str, Json)>) -> Json {
        let mut e = json!({"id": id, "previousEventId": prev, "type": kind});
        if let (Some((key, d)), Json::Object(map)) = (details, &mut e) {
            map.insert(key.into(), d);
        }
        e
    }

    pub fn placeholders_are_wildcards() {
        assert!(whole_placeholder("<uuid:3>"));
        assert!(whole_placeholder("<MapRunArnPart0_12idx>"));
        assert!(whole_placeholder("date"));
        assert!(whole_placeholder("<<task_token>:1>"));
        assert!(!whole_placeholder("<omitted>"));
        assert!(!whole_placeholder("<uuid:3> "));
        assert!(matches_with_placeholders(
            "arn:x:<MapRunArnPart0_0idx>:<MapRunArnPart1_0idx>",
            "arn:x:a/b:c"
        ));
        assert!(matches_with_placeholders(r#"{"Date":"date","n":1}"#, r#"{"Date":"Mon, 1 Jan","n":1}"#));
        assert!(!matches_with_placeholders(r#"{"Date":"date","n":1}"#, r#"{"Date":"x","n":2}"#));
        // A word counts inside a string only as a quoted JSON string.
        assert!(!matches_with_placeholders("the date is", "the day is"));
        assert!(matches_with_placeholders(r#"cause {\"Date\":\"date\"}"#, r#"cause {\"Date\":\"today\"}"#));
        let mut path = String::new();
        // A whole-string placeholder stands for a value of any type.
        assert_eq!(difference(&json!({"t": 5}), &json!({"t": "timestamp"}), &mut path), None);
        assert_eq!(
            difference(&json!({"t": 5}), &json!({"t": "<omitted>"}), &mut path),
            Some(("/t".into(), "5 != expected \"<omitted>\"".into()))
        );
    }

    pub fn histories_compare_as_the_index_says() {
        let started = |input: Json| {
            event(1, 0, "ExecutionStarted", Some(("executionStartedEventDetails", json!({"input": input}))))
        };
        // Payloads compare parsed, whatever their spacing or key order.
        assert_eq!(
            compare(&[started(json!("{\"a\":1,\"b\":2}"))], &[started(json!({"b": 2, "a": 1}))]),
            Ok(())
        );
        assert_eq!(compare(&[started(json!("{\"a\": 1}"))], &[started(json!("{\"a\":1}"))]), Ok(()));
        assert_eq!(
            compare(&[started(json!("{\"a\":1.0}"))], &[started(json!({"a": 1}))]),
            Err("event 1 (ExecutionStarted) /executionStartedEventDetails/input/a: 1.0 != expected 1".into())
        );
        let exited = |prev: u64| event(2, prev, "PassStateExited", None);
        assert_eq!(
            compare(&[started(json!("{}")), exited(0)], &[started(json!({})), exited(1)]),
            Err("event 2 (PassStateExited) /previousEventId: 0 != expected 1".into())
        );
        assert_eq!(
            compare(&[started(json!("{}"))], &[started(json!({})), exited(1)]),
            Err("event 2: missing, expected PassStateExited (the run has 1 events, AWS recorded 2)".into())
        );
        assert_eq!(
            compare(&[started(json!("{}")), exited(1)], &[started(json!({}))]),
            Err("event 2: unexpected PassStateExited (the run has 2 events, AWS recorded 1)".into())
        );
        // assignedVariables values are payloads too.
        let assigned = |v: Json| {
            event(
                2,
                1,
                "PassStateExited",
                Some(("stateExitedEventDetails", json!({"assignedVariables": {"x": v}}))),
            )
        };
        assert_eq!(
            compare(
                &[started(json!("{}")), assigned(json!("[1, 2]"))],
                &[started(json!({})), assigned(json!("[1,2]"))]
            ),
            Ok(())
        );
        // What the case cannot supply is skipped.
        let submitted = |output: Json| {
            event(
                1,
                0,
                "TaskSubmitted",
                Some(("taskSubmittedEventDetails", json!({"resource": "r", "output": output}))),
            )
        };
        assert_eq!(compare(&[submitted(json!("{\"a\":1}"))], &[submitted(json!({"b": 2}))]), Ok(()));
        let worker = |name: &str| {
            event(1, 0, "ActivityStarted", Some(("activityStartedEventDetails", json!({"workerName": name}))))
        };
        assert_eq!(compare(&[worker("baton")], &[worker("test-worker")]), Ok(()));
        // A free-text cause compares as text.
        let failed = |cause: &str| {
            event(1, 0, "ExecutionFailed", Some(("executionFailedEventDetails", json!({"cause": cause}))))
        };
        assert_eq!(
            compare(&[failed("boom")], &[failed("bang")]),
            Err(
                "event 1 (ExecutionFailed) /executionFailedEventDetails/cause: \"boom\" != expected \"bang\""
                    .into()
            )
        );
        assert_eq!(
            compare(
                &[event(1, 0, "MapStateFailed", Some(("mapStateFailedEventDetails", json!({}))))],
                &[event(1, 0, "MapStateFailed", None)]
            ),
            Err("event 1 (MapStateFailed) /mapStateFailedEventDetails: unexpected details {}".into())
        );
    }
}
