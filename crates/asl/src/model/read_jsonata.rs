//! Reading JSONata states (ASL-SEMANTICS §6.2): their `{% %}` fields, and a located message for
//! each field of the other query language, saying what to write instead.

use super::read::{article, Obj, Reader};
use super::*;
use crate::diagnostic::{pointer_join, Code};
use crate::query::Query;

/// JSONPath fields a JSONata state cannot have, with what to write instead.
const JSONPATH_ONLY: [(&str, &str); 17] = [
    ("InputPath", "read the input as $states.input in Arguments or Output"),
    ("Parameters", "use Arguments"),
    ("ResultSelector", "use Output, reading the result as $states.result"),
    ("ResultPath", "use Output, combining $states.input and $states.result (for example with $merge)"),
    ("OutputPath", "use Output"),
    ("Result", "use Output"),
    ("ItemsPath", "use Items, with an expression such as \"{% $states.input.items %}\""),
    ("MaxConcurrencyPath", "use MaxConcurrency with a {% %} expression"),
    ("ToleratedFailureCountPath", "use ToleratedFailureCount with a {% %} expression"),
    ("ToleratedFailurePercentagePath", "use ToleratedFailurePercentage with a {% %} expression"),
    ("TimeoutSecondsPath", "use TimeoutSeconds with a {% %} expression"),
    ("HeartbeatSecondsPath", "use HeartbeatSeconds with a {% %} expression"),
    ("SecondsPath", "use Seconds with a {% %} expression"),
    ("TimestampPath", "use Timestamp with a {% %} expression"),
    ("ErrorPath", "use Error with a {% %} expression"),
    ("CausePath", "use Cause with a {% %} expression"),
    ("Iterator", "use ItemProcessor"),
];

/// JSONata fields a JSONPath state cannot have, with what to write instead.
const JSONATA_ONLY: [(&str, &str); 3] = [
    ("Arguments", "use Parameters"),
    ("Output", "use ResultSelector, ResultPath and OutputPath"),
    ("Items", "use ItemsPath"),
];

/// The fields of a JSONata Choice rule.
const RULE_FIELDS: [&str; 5] = ["Condition", "Next", "Assign", "Output", "Comment"];

impl Reader {
    /// Reports a JSONPath-only field of a JSONata state, once each, and marks it as read.
    pub(super) fn refuse_jsonpath_fields(&mut self, obj: &mut Obj, state_type: &str) {
        for (key, instead) in JSONPATH_ONLY {
            if obj.get(key).is_none() {
                continue;
            }
            let instead = match (key, state_type) {
                ("Parameters", "Map") => "use ItemSelector",
                ("Parameters", "Pass") => "use Output",
                _ => instead,
            };
            self.error(
                Code::JsonPathFieldInJsonata,
                obj.at(key),
                format!("'{key}' is a JSONPath field, and this state's QueryLanguage is JSONata: {instead}"),
            );
        }
    }

    /// Reports a JSONata-only field of a JSONPath state and marks it as read.
    pub(super) fn refuse_jsonata_fields(&mut self, obj: &mut Obj, state_type: &str) {
        for (key, instead) in JSONATA_ONLY {
            // `Items` belongs to Map states; elsewhere it is merely unknown.
            if (key == "Items" && state_type != "Map") || obj.get(key).is_none() {
                continue;
            }
            self.jsonata_field_in_jsonpath(&obj.at(key), key, instead);
        }
    }

    fn jsonata_field_in_jsonpath(&mut self, at: &str, key: &str, instead: &str) {
        self.error(
            Code::JsonataFieldInJsonPath,
            at,
            format!("'{key}' is a JSONata field, and this state's QueryLanguage is JSONPath: {instead}, or set \"QueryLanguage\": \"JSONata\""),
        );
    }

    pub(super) fn refuse_jsonpath_catcher_fields(&mut self, c: &mut Obj) {
        if c.get("ResultPath").is_some() {
            self.error(
                Code::JsonPathFieldInJsonata,
                c.at("ResultPath"),
                "'ResultPath' is a JSONPath field, and this state's QueryLanguage is JSONata: use the catcher's Output, reading the error as $states.errorOutput",
            );
        }
    }

    pub(super) fn refuse_jsonata_catcher_fields(&mut self, c: &mut Obj) {
        if c.get("Output").is_some() {
            let at = c.at("Output");
            self.jsonata_field_in_jsonpath(&at, "Output", "use the catcher's ResultPath");
        }
    }

    /// A JSONPath Choice rule with JSONata's fields: the fields are reported here, and
    /// `choice::parse_condition` leaves them alone.
    pub(super) fn refuse_jsonata_rule_fields(&mut self, rule: &Value, at: &str) {
        for (key, instead) in [
            ("Condition", "use Variable and a comparison such as StringEquals"),
            ("Output", "use OutputPath on the state"),
        ] {
            if rule.get(key).is_some() {
                self.jsonata_field_in_jsonpath(&pointer_join(at, key), key, instead);
            }
        }
    }

    /// A JSONata Choice rule: its `Condition` (`true`, `false` or an expression) and `Output`.
    pub(super) fn jsonata_rule(&mut self, rule: &Value, at: &str) -> (Option<Rule>, Option<Query>) {
        let Some(map) = rule.as_object() else {
            self.error(
                Code::ChoiceRuleType,
                at,
                format!("a choice rule must be an object, but this is {}", article(rule)),
            );
            return (None, None);
        };
        for key in map.keys().filter(|k| !RULE_FIELDS.contains(&&***k)) {
            let (code, message) = if is_jsonpath_rule_field(key) {
                (
                    Code::JsonPathFieldInJsonata,
                    format!("'{key}' is a JSONPath rule field, and this state's QueryLanguage is JSONata: write the test as a Condition, such as \"{{% $states.input.x = 1 %}}\""),
                )
            } else {
                (Code::UnknownField, format!("'{key}' is not a field of a Choice rule"))
            };
            self.error(code, pointer_join(at, key), message);
        }
        let condition_at = pointer_join(at, "Condition");
        let condition = match map.get("Condition") {
            None => {
                self.error(Code::MissingField, at, "a JSONata Choice rule needs a 'Condition'");
                None
            }
            Some(Value::Bool(_)) | Some(Value::String(_)) => {
                let v = map.get("Condition").cloned().unwrap_or_default();
                match self.compile_query(&v, &condition_at) {
                    Some(q) if q.literal().is_some_and(|l| !matches!(l, Value::Bool(_))) => {
                        self.error(
                            Code::WrongType,
                            &condition_at,
                            "'Condition' must be true, false or a {% %} expression",
                        );
                        None
                    }
                    q => q.map(Rule::Query),
                }
            }
            Some(other) => {
                self.error(
                    Code::WrongType,
                    &condition_at,
                    format!(
                        "'Condition' must be true, false or a {{% %}} expression, not {}",
                        article(other)
                    ),
                );
                None
            }
        };
        let output = map.get("Output").and_then(|o| self.compile_query(o, &pointer_join(at, "Output")));
        (condition, output)
    }

    /// A JSONata Wait: `Seconds` (a whole number or an expression) or `Timestamp` (a timestamp
    /// or an expression).
    pub(super) fn jsonata_wait(&mut self, obj: &mut Obj) -> Option<WaitFor> {
        let has_seconds = obj.map.contains_key("Seconds");
        let has_timestamp = obj.map.contains_key("Timestamp");
        if has_seconds && has_timestamp {
            let _ = (obj.get("Seconds"), obj.get("Timestamp"));
            self.error(
                Code::ExclusiveFields,
                obj.at("Timestamp"),
                "a Wait state takes exactly one of Seconds and Timestamp; this one has both",
            );
            return None;
        }
        if !has_seconds && !has_timestamp {
            self.error(Code::MissingField, &obj.pointer, "a Wait state needs Seconds or Timestamp");
            return None;
        }
        let key = if has_seconds { "Seconds" } else { "Timestamp" };
        let query = self.query(obj, key)?;
        let Some(literal) = query.literal() else {
            return Some(if has_seconds {
                WaitFor::SecondsQuery(query)
            } else {
                WaitFor::TimestampQuery(query)
            });
        };
        if has_seconds {
            match literal.as_u64() {
                Some(n) if n <= 99_999_999 => Some(WaitFor::Seconds(n)),
                _ => {
                    self.error(
                        Code::WrongValue,
                        obj.at(key),
                        format!("'Seconds' must be a whole number from 0 to 99999999 or a {{% %}} expression, not {literal}"),
                    );
                    None
                }
            }
        } else {
            match literal.as_str().and_then(crate::time::parse_timestamp) {
                Some(t) => Some(WaitFor::Timestamp(t.to_epoch_millis())),
                None => {
                    self.error(
                        Code::BadTimestamp,
                        obj.at(key),
                        "'Timestamp' must be an RFC 3339 timestamp such as 2026-01-01T12:00:00Z, or a {% %} expression",
                    );
                    None
                }
            }
        }
    }

    /// Warns about `$states.result` and `$states.errorOutput` where AWS does not provide them
    /// (ASL-SEMANTICS §6.2): `result` only in the Output and Assign of a Task, Map or Parallel,
    /// `errorOutput` only in a catcher's. There they are undefined, and the expression fails.
    pub(super) fn check_states_members(&mut self, state: &crate::value::Map, at: &str, takes_result: bool) {
        for (key, value) in state.iter() {
            let key_at = pointer_join(at, key);
            match &**key {
                // Nested states are checked as states; these hold no expressions.
                "Branches" | "ItemProcessor" | "Iterator" | "Type" | "Comment" | "Next" | "End"
                | "QueryLanguage" | "Retry" | "Resource" | "Default" => {}
                "Catch" => {
                    for (i, catcher) in value.as_array().unwrap_or_default().iter().enumerate() {
                        for field in ["Output", "Assign"] {
                            if let Some(v) = catcher.get(field) {
                                self.states_members_in(v, &format!("{key_at}/{i}/{field}"), false, true);
                            }
                        }
                    }
                }
                "Choices" => {
                    for (i, rule) in value.as_array().unwrap_or_default().iter().enumerate() {
                        self.states_members_in(rule, &format!("{key_at}/{i}"), false, false);
                    }
                }
                "Output" | "Assign" => self.states_members_in(value, &key_at, takes_result, false),
                _ => self.states_members_in(value, &key_at, false, false),
            }
        }
    }

    fn states_members_in(&mut self, v: &Value, at: &str, result: bool, error_output: bool) {
        match v {
            Value::String(s) => {
                let Some((text, _)) = crate::query::expression_in(s) else { return };
                let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
                for (member, allowed, where_) in [
                    ("result", result, "in the Output and Assign of a Task, Map or Parallel state"),
                    ("errorOutput", error_output, "in a catcher's Output and Assign"),
                ] {
                    let used = compact.match_indices(&format!("$states.{member}")).any(|(i, m)| {
                        !compact[i + m.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
                    });
                    if used && !allowed && self.diags.len() < crate::diagnostic::MAX_DIAGNOSTICS {
                        self.diags.push(Diagnostic::warning(
                            Code::StatesMemberUnavailable,
                            at,
                            format!("$states.{member} exists only {where_}: here it is undefined, and the expression fails"),
                        ));
                    }
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.states_members_in(item, &format!("{at}/{i}"), result, error_output);
                }
            }
            Value::Object(members) => {
                for (k, item) in members.iter() {
                    self.states_members_in(item, &pointer_join(at, k), result, error_output);
                }
            }
            _ => {}
        }
    }

    /// A JSONata-mode field: any JSON, with `{% %}` expressions at any depth.
    pub(super) fn query(&mut self, obj: &mut Obj, key: &'static str) -> Option<Query> {
        let v = obj.get(key)?;
        let at = obj.at(key);
        self.compile_query(v, &at)
    }

    pub(super) fn query_block(&mut self, obj: &mut Obj, key: &'static str) -> Option<Block> {
        if key == "Assign" {
            if let Some(other) = obj.map.get(key).filter(|v| !matches!(v, Value::Object(_))) {
                self.error(
                    Code::WrongType,
                    obj.at(key),
                    format!(
                        "'Assign' must be an object of variable names and values, not {}",
                        article(other)
                    ),
                );
                obj.seen.push(key);
                return None;
            }
        }
        self.query(obj, key).map(Block::Query)
    }

    /// Compiles a JSONata-mode value; each expression that does not parse is reported at its
    /// character inside its string.
    pub(super) fn compile_query(&mut self, v: &Value, at: &str) -> Option<Query> {
        match Query::compile(v) {
            Ok(q) => Some(q),
            Err(errors) => {
                for e in errors {
                    let pointer = format!("{at}{}", e.pointer);
                    let message = format!(
                        "'{}' is not a valid JSONata expression: {}: {}",
                        crate::diagnostic::abbreviate(&e.expression),
                        e.error.code,
                        e.error.message
                    );
                    let diag = match e.string_offset {
                        Some(offset) => {
                            Diagnostic::error_in_string(Code::JsonataSyntax, pointer, offset, message)
                        }
                        None => Diagnostic::error(Code::JsonataSyntax, pointer, message),
                    };
                    if self.diags.len() < crate::diagnostic::MAX_DIAGNOSTICS {
                        self.diags.push(diag);
                    }
                }
                None
            }
        }
    }
}

/// `Variable`, `And`/`Or`/`Not` and the comparison operators (`StringEquals`, `IsNull`...).
fn is_jsonpath_rule_field(key: &str) -> bool {
    matches!(key, "Variable" | "And" | "Or" | "Not")
        || ["String", "Numeric", "Boolean", "Timestamp", "Is"].iter().any(|p| key.starts_with(p))
}
