//! Reading a Choice rule from a definition, reporting every problem as a diagnostic.

use super::ast::{Condition, Op, Operand, TypeTest};
use super::Pattern;
use crate::diagnostic::{pointer_join, Code, Diagnostic, MAX_DIAGNOSTICS};
use crate::path::Path;
use crate::time::parse_timestamp;
use crate::Value;

/// Keys a nested rule (inside `And`/`Or`/`Not`) may carry besides its condition.
const NESTED_EXTRA: &[&str] = &["Comment"];

/// How deeply rules may nest inside `And`, `Or` and `Not`. AWS documents no limit; real rules
/// nest two or three deep. Reading, evaluating and dropping a rule recurse once per level, so
/// without a limit a rule nested as deep as JSON allows would need megabytes of stack.
pub const MAX_RULE_NESTING: usize = 32;

impl Op {
    /// The literal operand's expected JSON type, as a learner would read it in a message.
    fn expects(self) -> &'static str {
        match self {
            Op::String(_) => "a string",
            Op::Numeric(_) => "a number",
            Op::Boolean => "true or false",
            Op::Timestamp(_) => "an RFC 3339 timestamp string such as \"2016-08-18T17:33:00Z\"",
        }
    }
}

/// What a key of a rule object is.
enum Key {
    Variable,
    And,
    Or,
    Not,
    Compare(Op, bool),
    Matches,
    Test(TypeTest),
}

fn classify(key: &str) -> Option<Key> {
    Some(match key {
        "Variable" => Key::Variable,
        "And" => Key::And,
        "Or" => Key::Or,
        "Not" => Key::Not,
        "StringMatches" => Key::Matches,
        _ => {
            if let Some(test) = TypeTest::from_name(key) {
                Key::Test(test)
            } else if let Some(op) = Op::from_name(key) {
                Key::Compare(op, false)
            } else {
                Key::Compare(Op::from_name(key.strip_suffix("Path")?)?, true)
            }
        }
    })
}

/// Every key a rule may hold, for "did you mean" hints.
fn known_keys() -> impl Iterator<Item = String> {
    let fixed = ["Variable", "And", "Or", "Not", "StringMatches"].into_iter().map(String::from);
    let tests = TypeTest::ALL.into_iter().map(|t| t.name().to_string());
    let ops = Op::all().flat_map(|op| [op.name(), format!("{}Path", op.name())]);
    fixed.chain(tests).chain(ops)
}

/// Why `key` is not allowed in a rule, in words a learner can act on.
fn unknown_key_message(key: &str, nested: bool) -> String {
    match key {
        "Next" if nested => "a rule nested inside \"And\", \"Or\" or \"Not\" cannot have \"Next\": only the \
                             top-level rule in \"Choices\" chooses the next state"
            .to_string(),
        "Assign" | "Next" => format!(
            "\"{key}\" belongs to a top-level rule in \"Choices\", not to a rule nested inside \"And\", \"Or\" or \"Not\""
        ),
        "Condition" | "Output" => format!(
            "\"{key}\" is a JSONata field; in a JSONPath Choice rule, test a value with \"Variable\" and an operator such as \"StringEquals\""
        ),
        "End" => "a Choice state cannot end the execution: a rule names its target with \"Next\"".to_string(),
        "StringMatchesPath" => {
            "\"StringMatches\" has no \"Path\" variant: its pattern must be written in the definition".to_string()
        }
        _ => match known_keys().find(|k| k.eq_ignore_ascii_case(key)) {
            Some(known) => format!("unknown field \"{key}\" in a choice rule; did you mean \"{known}\"?"),
            None => format!("unknown field \"{key}\" in a choice rule"),
        },
    }
}

/// Reads the boolean expression of a Choice rule (JSONPath mode).
///
/// `obj` is the rule object and `pointer` its RFC 6901 location (such as `/States/Check/Choices/0`).
/// `extra` lists keys the caller handles itself: `["Next", "Comment", "Assign"]` for a top-level
/// rule. Nested rules (inside `And`/`Or`/`Not`) are read with `["Comment"]` only, so a `Next` there
/// is reported, as AWS rejects it.
///
/// Every problem goes into `diags`; the result is `None` when the rule is unusable.
pub fn parse_condition(
    obj: &Value,
    pointer: &str,
    extra: &[&str],
    diags: &mut Vec<Diagnostic>,
) -> Option<Condition> {
    read_condition(obj, pointer, extra, 0, diags)
}

/// [`parse_condition`] of a rule nested `depth` levels inside the top-level one.
fn read_condition(
    obj: &Value,
    pointer: &str,
    extra: &[&str],
    depth: usize,
    diags: &mut Vec<Diagnostic>,
) -> Option<Condition> {
    if depth > MAX_RULE_NESTING {
        diags.push(Diagnostic::error(
            Code::ChoiceTooDeep,
            pointer,
            format!(
                "this rule is nested more than {MAX_RULE_NESTING} deep inside \"And\", \"Or\" and \"Not\" (Baton's limit)"
            ),
        ));
        return None;
    }
    let Some(map) = obj.as_object() else {
        diags.push(Diagnostic::error(
            Code::ChoiceRuleType,
            pointer,
            format!("a choice rule must be an object, but this is {}", article(obj)),
        ));
        return None;
    };
    let errors_before = error_count(diags);
    let nested = !extra.contains(&"Next");
    let mut variable = None;
    let mut operators = Vec::new();
    for (key, value) in map {
        if extra.contains(&&**key) {
            continue;
        }
        match classify(key) {
            Some(Key::Variable) => variable = Some(value),
            Some(kind) => operators.push((key, kind, value)),
            None => diags.push(Diagnostic::error(
                if nested && &**key == "Next" { Code::ChoiceNestedNext } else { Code::ChoiceUnknownField },
                pointer_join(pointer, key),
                unknown_key_message(key, nested),
            )),
        }
    }

    let (key, kind, value) = match operators.as_slice() {
        // A misspelled operator was reported above already; "tests nothing" would only repeat it.
        [] if error_count(diags) > errors_before => return None,
        [] => {
            diags.push(Diagnostic::error(
                Code::ChoiceMissingOperator,
                pointer,
                "this choice rule tests nothing: give it \"Variable\" and an operator such as \"StringEquals\", \
                 or combine rules with \"And\", \"Or\" or \"Not\"",
            ));
            return None;
        }
        [(key, kind, value)] => (*key, kind, *value),
        [(first, ..), rest @ ..] => {
            for (other, ..) in rest {
                diags.push(Diagnostic::error(
                    Code::ChoiceMultipleOperators,
                    pointer_join(pointer, other),
                    format!(
                        "a choice rule holds exactly one operator, but this one has both \"{first}\" and \
                         \"{other}\"; to test both, put two rules inside \"And\""
                    ),
                ));
            }
            return None;
        }
    };
    let at = pointer_join(pointer, key);

    let combinator = match kind {
        Key::And | Key::Or => {
            let rules = parse_list(value, &at, key, depth + 1, diags);
            Some(rules.map(|rules| {
                if matches!(kind, Key::And) {
                    Condition::And(rules)
                } else {
                    Condition::Or(rules)
                }
            }))
        }
        Key::Not => Some(if value.as_object().is_some() {
            read_condition(value, &at, NESTED_EXTRA, depth + 1, diags)
                .map(|rule| Condition::Not(Box::new(rule)))
        } else {
            diags.push(Diagnostic::error(
                Code::ChoiceOperandType,
                &at,
                format!("\"Not\" takes one rule object, but this is {}", article(value)),
            ));
            None
        }),
        _ => None,
    };
    if let Some(condition) = combinator {
        if variable.is_some() {
            diags.push(Diagnostic::error(
                Code::ChoiceMisplacedVariable,
                pointer_join(pointer, "Variable"),
                format!(
                    "\"Variable\" has no meaning next to \"{key}\": put it into each nested rule instead"
                ),
            ));
        }
        return condition.filter(|_| error_count(diags) == errors_before);
    }

    let variable = match variable {
        None => {
            diags.push(Diagnostic::error(
                Code::ChoiceMissingVariable,
                pointer,
                format!("\"{key}\" tests the value at \"Variable\", but this rule has no \"Variable\""),
            ));
            None
        }
        Some(path) => parse_path(path, &pointer_join(pointer, "Variable"), "\"Variable\"", diags),
    };
    let condition = parse_test(kind, key, value, &at, diags);
    match (variable, condition) {
        (Some(variable), Some(test)) if error_count(diags) == errors_before => Some(test(variable)),
        _ => None,
    }
}

/// A rule's test with its `Variable` still to be filled in.
type Test = Box<dyn FnOnce(Path) -> Condition>;

/// Reads the operand of a comparison, `StringMatches` or type test.
fn parse_test(kind: &Key, key: &str, value: &Value, at: &str, diags: &mut Vec<Diagnostic>) -> Option<Test> {
    let wrong = |diags: &mut Vec<Diagnostic>, message: String| {
        diags.push(Diagnostic::error(Code::ChoiceOperandType, at, message));
        None
    };
    match *kind {
        Key::Compare(op, true) => {
            let operand = Operand::Path(parse_path(value, at, &format!("\"{key}\""), diags)?);
            Some(Box::new(move |variable| Condition::Compare { variable, op, operand }))
        }
        Key::Compare(op, false) => {
            let fits = match op {
                Op::String(_) => value.as_str().is_some(),
                Op::Numeric(_) => matches!(value, Value::Number(_)),
                Op::Boolean => value.as_bool().is_some(),
                Op::Timestamp(_) => value.as_str().is_some_and(|s| parse_timestamp(s).is_some()),
            };
            if !fits {
                let found = match (op, value.as_str()) {
                    (Op::Timestamp(_), Some(s)) => {
                        format!(
                            "\"{s}\" is not one (it needs a 'T', seconds and a zone such as 'Z' or '+01:00')"
                        )
                    }
                    _ => format!("found {}", article(value)),
                };
                return wrong(diags, format!("\"{key}\" compares with {}, but {found}", op.expects()));
            }
            let operand = Operand::Literal(value.clone());
            Some(Box::new(move |variable| Condition::Compare { variable, op, operand }))
        }
        Key::Matches => {
            let Some(text) = value.as_str() else {
                return wrong(
                    diags,
                    format!("\"StringMatches\" takes a pattern string, but found {}", article(value)),
                );
            };
            let pattern = Pattern::new(text);
            if let Some(offset) = pattern.stray_backslash() {
                diags.push(Diagnostic::warning(
                    Code::ChoicePatternEscape,
                    at,
                    format!(
                        "the backslash at character {} escapes neither '*' nor '\\' (write \"\\\\*\" for a literal \
                         star and \"\\\\\\\\\" for a literal backslash); AWS fails the execution with States.Runtime \
                         when this rule is evaluated",
                        offset + 1
                    ),
                ));
            }
            Some(Box::new(move |variable| Condition::Matches { variable, pattern }))
        }
        Key::Test(test) => match value.as_bool() {
            Some(expected) => Some(Box::new(move |variable| Condition::Test { variable, test, expected })),
            None => wrong(diags, format!("\"{key}\" takes true or false, but found {}", article(value))),
        },
        Key::Variable | Key::And | Key::Or | Key::Not => None,
    }
}

/// Reads the rules of an `And`/`Or`, all of them, so every problem is reported.
fn parse_list(
    value: &Value,
    at: &str,
    key: &str,
    depth: usize,
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<Condition>> {
    let Some(items) = value.as_array() else {
        diags.push(Diagnostic::error(
            Code::ChoiceOperandType,
            at,
            format!("\"{key}\" takes an array of rules, but this is {}", article(value)),
        ));
        return None;
    };
    if items.is_empty() {
        diags.push(Diagnostic::error(
            Code::ChoiceEmptyList,
            at,
            format!("\"{key}\" needs at least one rule, but its array is empty"),
        ));
        return None;
    }
    let mut rules = Vec::with_capacity(items.len());
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        if diags.len() >= MAX_DIAGNOSTICS {
            // Enough has been reported; reading on would only add pointers nobody reads.
            return None;
        }
        match read_condition(item, &pointer_join(at, &i.to_string()), NESTED_EXTRA, depth, diags) {
            Some(rule) => rules.push(rule),
            None => ok = false,
        }
    }
    ok.then_some(rules)
}

/// Reads a reference path (`Variable` or a `…Path` operand).
fn parse_path(value: &Value, at: &str, what: &str, diags: &mut Vec<Diagnostic>) -> Option<Path> {
    let Some(text) = value.as_str() else {
        diags.push(Diagnostic::error(
            Code::ChoiceOperandType,
            at,
            format!(
                "{what} takes a reference path string such as \"$.order.total\", but found {}",
                article(value)
            ),
        ));
        return None;
    };
    match Path::parse_reference(text) {
        Ok(path) => Some(path),
        Err(e) => {
            diags.push(Diagnostic::error(
                Code::InvalidPath,
                at,
                format!("{what} needs a reference path such as \"$.order.total\": {}", e.message),
            ));
            None
        }
    }
}

fn error_count(diags: &[Diagnostic]) -> usize {
    diags.iter().filter(|d| d.is_error()).count()
}

/// "a string (\"5\")", "an array", … for messages.
fn article(value: &Value) -> String {
    match value {
        Value::Null => "null".to_string(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(_) => format!("the string {value}"),
        Value::Array(_) => "an array".to_string(),
        Value::Object(_) => "an object".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(text: &str) -> Value {
        Value::parse(text).unwrap_or_else(|e| panic!("bad test JSON {text}: {e}"))
    }

    /// Parses `rule_json` as a top-level rule; returns `(pointer, code, message)` of each diagnostic.
    fn problems(rule_json: &str) -> (bool, Vec<(String, Code, String)>) {
        let mut diags = Vec::new();
        let rule = parse_condition(
            &json(rule_json),
            "/States/C/Choices/0",
            &["Next", "Comment", "Assign"],
            &mut diags,
        );
        (rule.is_some(), diags.into_iter().map(|d| (d.pointer, d.code, d.message)).collect())
    }

    /// One bad rule per line: rule, pointer and code of its only diagnostic, and a fragment of the message.
    fn rejects(rule_json: &str, pointer: &str, code: Code, fragment: &str) {
        let (ok, found) = problems(rule_json);
        assert!(!ok, "{rule_json} should be unusable");
        assert_eq!(found.len(), 1, "{rule_json}: {found:#?}");
        let (p, c, m) = &found[0];
        assert_eq!((p.as_str(), *c), (pointer, code), "{rule_json}: {m}");
        assert!(m.contains(fragment), "{rule_json}: message {m:?} lacks {fragment:?}");
    }

    #[test]
    fn parse_errors() {
        let at = "/States/C/Choices/0";
        rejects(
            r#"{"Variable":"$.x","StringEqual":"a","Next":"N"}"#,
            &format!("{at}/StringEqual"),
            Code::ChoiceUnknownField,
            "unknown field \"StringEqual\"",
        );
        rejects(
            r#"{"Variable":"$.x","stringEquals":"a"}"#,
            &format!("{at}/stringEquals"),
            Code::ChoiceUnknownField,
            "did you mean \"StringEquals\"?",
        );
        rejects(
            r#"{"Variable":"$.x","StringMatchesPath":"$.p"}"#,
            &format!("{at}/StringMatchesPath"),
            Code::ChoiceUnknownField,
            "no \"Path\" variant",
        );
        rejects(
            r#"{"Condition":"{% true %}","Next":"N"}"#,
            &format!("{at}/Condition"),
            Code::ChoiceUnknownField,
            "JSONata",
        );
        rejects(r#"{"Variable":"$.x","Next":"N"}"#, at, Code::ChoiceMissingOperator, "tests nothing");
        rejects(
            r#"{"Variable":"$.x","StringEquals":"a","IsNull":true}"#,
            &format!("{at}/IsNull"),
            Code::ChoiceMultipleOperators,
            "both \"StringEquals\" and \"IsNull\"",
        );
        rejects(r#"{"NumericEquals":3,"Next":"N"}"#, at, Code::ChoiceMissingVariable, "no \"Variable\"");
        rejects(
            r#"{"Variable":"$.x","NumericEquals":"3"}"#,
            &format!("{at}/NumericEquals"),
            Code::ChoiceOperandType,
            "a number, but found the string \"3\"",
        );
        rejects(
            r#"{"Variable":"$.x","StringEquals":3}"#,
            &format!("{at}/StringEquals"),
            Code::ChoiceOperandType,
            "a string, but found the number 3",
        );
        rejects(
            r#"{"Variable":"$.x","BooleanEquals":"true"}"#,
            &format!("{at}/BooleanEquals"),
            Code::ChoiceOperandType,
            "true or false",
        );
        rejects(
            r#"{"Variable":"$.x","TimestampEquals":"2016-08-18 17:33:00Z"}"#,
            &format!("{at}/TimestampEquals"),
            Code::ChoiceOperandType,
            "needs a 'T'",
        );
        rejects(
            r#"{"Variable":"$.x","IsPresent":"yes"}"#,
            &format!("{at}/IsPresent"),
            Code::ChoiceOperandType,
            "takes true or false",
        );
        rejects(
            r#"{"Variable":"$.x","StringMatches":null}"#,
            &format!("{at}/StringMatches"),
            Code::ChoiceOperandType,
            "pattern string",
        );
        rejects(
            r#"{"Variable":"x","StringEquals":"a"}"#,
            &format!("{at}/Variable"),
            Code::InvalidPath,
            "\"Variable\" needs a reference path",
        );
        rejects(
            r#"{"Variable":5,"StringEquals":"a"}"#,
            &format!("{at}/Variable"),
            Code::ChoiceOperandType,
            "reference path string",
        );
        rejects(
            r#"{"Variable":"$.x","NumericEqualsPath":"limit"}"#,
            &format!("{at}/NumericEqualsPath"),
            Code::InvalidPath,
            "\"NumericEqualsPath\" needs a reference path",
        );
        rejects(
            r#"{"Variable":"$.x","NumericEqualsPath":3}"#,
            &format!("{at}/NumericEqualsPath"),
            Code::ChoiceOperandType,
            "found the number 3",
        );
        rejects(r#"{"And":[],"Next":"N"}"#, &format!("{at}/And"), Code::ChoiceEmptyList, "at least one rule");
        rejects(
            r#"{"Or":{"Variable":"$.x","IsNull":true}}"#,
            &format!("{at}/Or"),
            Code::ChoiceOperandType,
            "an array of rules",
        );
        rejects(
            r#"{"Not":[{"Variable":"$.x","IsNull":true}]}"#,
            &format!("{at}/Not"),
            Code::ChoiceOperandType,
            "one rule object",
        );
        rejects(
            r#"{"Variable":"$.x","And":[{"Variable":"$.x","IsNull":true}]}"#,
            &format!("{at}/Variable"),
            Code::ChoiceMisplacedVariable,
            "no meaning next to \"And\"",
        );
        rejects(r#"[1]"#, at, Code::ChoiceRuleType, "must be an object");
        // Nested rules: Next and Assign are reported where they stand.
        rejects(
            r#"{"And":[{"Variable":"$.x","IsNull":true,"Next":"N"}],"Next":"N"}"#,
            &format!("{at}/And/0/Next"),
            Code::ChoiceNestedNext,
            "cannot have \"Next\"",
        );
        rejects(
            r#"{"Not":{"Variable":"$.x","IsNull":true,"Assign":{}}}"#,
            &format!("{at}/Not/Assign"),
            Code::ChoiceUnknownField,
            "top-level rule",
        );
        rejects(
            r#"{"Or":[{"Variable":"$.x","IsNull":true},{"Variable":"$.y","NumericEquals":true}]}"#,
            &format!("{at}/Or/1/NumericEquals"),
            Code::ChoiceOperandType,
            "a number",
        );
    }

    #[test]
    fn all_problems_are_reported() {
        let (ok, found) = problems(r#"{"And":[{"Variable":"x","IsNull":1},{"Foo":1}],"Bar":2}"#);
        assert!(!ok);
        let pointers: Vec<&str> = found.iter().map(|(p, ..)| p.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/States/C/Choices/0/Bar",
                "/States/C/Choices/0/And/0/Variable",
                "/States/C/Choices/0/And/0/IsNull",
                "/States/C/Choices/0/And/1/Foo",
            ]
        );
    }

    #[test]
    fn extra_keys_and_comments_are_ignored() {
        let (ok, found) =
            problems(r#"{"Variable":"$.x","IsNull":true,"Next":"N","Comment":"c","Assign":{"a":1}}"#);
        assert!(ok && found.is_empty(), "{found:?}");
        let (ok, found) =
            problems(r#"{"Not":{"Variable":"$.x","IsNull":true,"Comment":"inner"},"Next":"N"}"#);
        assert!(ok && found.is_empty(), "{found:?}");
    }
}
