//! Evaluating a Choice rule against the state's input, the context object and the variables.

use std::borrow::Cow;
use std::cmp::Ordering;

use super::ast::{Cmp, Condition, Op, Operand, TypeTest};
use crate::env::{path_over_limit, Env, EvalError};
use crate::path::Path;
use crate::time::parse_timestamp;
use crate::Value;

impl Cmp {
    /// Whether `left <relation> right` holds, given how `left` orders against `right`.
    fn holds(self, order: Ordering) -> bool {
        match self {
            Cmp::Equals => order == Ordering::Equal,
            Cmp::LessThan => order == Ordering::Less,
            Cmp::GreaterThan => order == Ordering::Greater,
            Cmp::LessThanEquals => order != Ordering::Greater,
            Cmp::GreaterThanEquals => order != Ordering::Less,
        }
    }
}

impl Op {
    /// Applies the operator. Values of the wrong type never match (AWS answers `false`, not an
    /// error); so do timestamp operands that do not parse.
    fn apply(self, left: &Value, right: &Value) -> bool {
        match (self, left, right) {
            (Op::String(c), Value::String(a), Value::String(b)) => c.holds(compare_strings(a, b)),
            (Op::Numeric(c), Value::Number(a), Value::Number(b)) => match (a.as_f64(), b.as_f64()) {
                (Some(a), Some(b)) => a.partial_cmp(&b).is_some_and(|o| c.holds(o)),
                _ => false,
            },
            (Op::Boolean, Value::Bool(a), Value::Bool(b)) => a == b,
            (Op::Timestamp(c), Value::String(a), Value::String(b)) => {
                match (parse_timestamp(a), parse_timestamp(b)) {
                    (Some(a), Some(b)) => c.holds(a.cmp(&b)),
                    _ => false,
                }
            }
            _ => false,
        }
    }
}

/// Strings compare by UTF-16 code units, as Java's `String.compareTo` does (AWS's runtime): this
/// differs from Rust's byte order only between characters above U+FFFF and U+E000..U+FFFF.
fn compare_strings(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

impl TypeTest {
    /// Whether a present value passes the test (`IsPresent` is decided before this is asked).
    fn check(self, value: &Value) -> bool {
        match self {
            TypeTest::IsNull => value.is_null(),
            TypeTest::IsPresent => true,
            TypeTest::IsNumeric => matches!(value, Value::Number(_)),
            TypeTest::IsString => matches!(value, Value::String(_)),
            TypeTest::IsBoolean => matches!(value, Value::Bool(_)),
            TypeTest::IsTimestamp => value.as_str().is_some_and(|s| parse_timestamp(s).is_some()),
        }
    }
}

impl Condition {
    /// Evaluates the rule against `env.input` (the Choice state's effective input), `env.context`
    /// (`$$`) and the workflow variables (`$name`).
    ///
    /// Errors are AWS's `States.Runtime` failures (uncatchable); `cause` lacks the "An error
    /// occurred while executing the state …" prefix, which the engine adds.
    pub fn eval(&self, env: &Env) -> Result<bool, EvalError> {
        match self {
            Condition::And(rules) => {
                for rule in rules {
                    if !rule.eval(env)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
            Condition::Or(rules) => {
                for rule in rules {
                    if rule.eval(env)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            Condition::Not(rule) => Ok(!rule.eval(env)?),
            Condition::Compare { variable, op, operand } => {
                let left = resolve(env, variable)?;
                let right = match operand {
                    Operand::Literal(value) => Cow::Borrowed(value),
                    Operand::Path(path) => Cow::Owned(resolve(env, path)?),
                };
                Ok(op.apply(&left, &right))
            }
            Condition::Matches { variable, pattern } => {
                let value = resolve(env, variable)?;
                let Some(subject) = value.as_str() else { return Ok(false) };
                pattern.matches(subject).ok_or_else(|| {
                    EvalError::runtime(format!(
                        "The StringMatches pattern '{}' contains a backslash that escapes neither '*' nor '\\'.",
                        pattern.text()
                    ))
                })
            }
            Condition::Test { variable, test: TypeTest::IsPresent, expected } => {
                let present = match env.resolve(variable) {
                    Ok(_) => true,
                    Err(miss) if miss.is_limit() => return Err(path_over_limit(variable, &miss)),
                    Err(_) => false,
                };
                Ok(present == *expected)
            }
            Condition::Test { variable, test, expected } => {
                Ok(test.check(&resolve(env, variable)?) == *expected)
            }
        }
    }
}

/// The value at `path`; a miss is AWS's `States.Runtime` failure for Choice rules.
fn resolve(env: &Env, path: &Path) -> Result<Value, EvalError> {
    env.resolve(path).map_err(|miss| {
        if miss.is_limit() {
            return path_over_limit(path, &miss);
        }
        EvalError::runtime(format!(
            "Invalid path '{}': The choice state's condition path references an invalid value.",
            path.text()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::choice::parse_condition;
    use crate::error_name::ErrorName;
    use crate::rng::Rng;

    fn json(text: &str) -> Value {
        Value::parse(text).unwrap_or_else(|e| panic!("bad test JSON {text}: {e}"))
    }

    fn rule(text: &str) -> Condition {
        let mut diags = Vec::new();
        let rule = parse_condition(&json(text), "/r", &["Next"], &mut diags);
        assert!(diags.iter().all(|d| !d.is_error()), "{text}: {diags:?}");
        rule.unwrap_or_else(|| panic!("{text}: no condition"))
    }

    fn run(rule_json: &str, input_json: &str) -> Result<bool, EvalError> {
        let input = json(input_json);
        let context = json(r#"{"Execution":{"Name":"exec-1"},"State":{"Name":"Check"}}"#);
        let vars = json(r#"{"limit":10,"who":"ada","cfg":{"on":true}}"#);
        let vars = vars.as_object().cloned().unwrap_or_default();
        let mut rng = Rng::new(1);
        let env = Env { input: &input, context: &context, variables: &vars, rng: &mut rng };
        rule(rule_json).eval(&env)
    }

    /// One behaviour per line: rule, input, expected outcome.
    fn give(rule_json: &str, input_json: &str, expected: bool) {
        match run(rule_json, input_json) {
            Ok(got) => assert_eq!(got, expected, "rule {rule_json} on {input_json}"),
            Err(e) => panic!("rule {rule_json} on {input_json}: {e:?}"),
        }
    }

    fn fails(rule_json: &str, input_json: &str, cause: &str) {
        match run(rule_json, input_json) {
            Err(e) => {
                assert_eq!(e.error, ErrorName::Runtime);
                assert_eq!(e.cause, cause, "rule {rule_json}");
            }
            Ok(got) => panic!("rule {rule_json} on {input_json}: expected an error, got {got}"),
        }
    }

    #[test]
    fn strings() {
        give(r#"{"Variable":"$.v","StringEquals":"Hello"}"#, r#"{"v":"Hello"}"#, true);
        give(r#"{"Variable":"$.v","StringEquals":"     "}"#, r#"{"v":" "}"#, false);
        give(r#"{"Variable":"$.v","StringEquals":"\t\r\n"}"#, r#"{"v":"\t\n"}"#, false);
        give(r#"{"Variable":"$.v","StringLessThan":"AB"}"#, r#"{"v":"A"}"#, true);
        give(r#"{"Variable":"$.v","StringGreaterThan":"A "}"#, r#"{"v":"A"}"#, false);
        give(r#"{"Variable":"$.v","StringGreaterThanEquals":""}"#, r#"{"v":""}"#, true);
        give(r#"{"Variable":"$.v","StringLessThanEquals":"A"}"#, r#"{"v":"AB"}"#, false);
        // Java order (UTF-16 units): U+1F600 (surrogates D83D..) sorts before U+FF21.
        give(r#"{"Variable":"$.v","StringLessThan":"Ａ"}"#, r#"{"v":"😀"}"#, true);
    }

    #[test]
    fn type_mismatches_are_false_not_errors() {
        for v in ["null", "0", "1.1", "true", "[]", "[\"\"]", "{}", "{\"A\":0}"] {
            let input = format!(r#"{{"v":{v}}}"#);
            give(r#"{"Variable":"$.v","StringEquals":"HelloWorld"}"#, &input, false);
            give(r#"{"Variable":"$.v","TimestampEquals":"2012-10-09T19:00:55Z"}"#, &input, false);
            give(r#"{"Variable":"$.v","StringMatches":"*"}"#, &input, false);
        }
        for v in ["null", "\"\"", "\"1\"", "true", "false", "[]", "{}"] {
            let input = format!(r#"{{"v":{v}}}"#);
            give(r#"{"Variable":"$.v","NumericEquals":0}"#, &input, false);
            give(r#"{"Variable":"$.v","NumericLessThan":1}"#, &input, false);
        }
        for v in ["null", "0", "0.0", "1", "\"true\"", "[]", "{}"] {
            give(r#"{"Variable":"$.v","BooleanEquals":true}"#, &format!(r#"{{"v":{v}}}"#), false);
            give(r#"{"Variable":"$.v","BooleanEquals":false}"#, &format!(r#"{{"v":{v}}}"#), false);
        }
        give(r#"{"Variable":"$.v","NumericEqualsPath":"$.w"}"#, r#"{"v":1,"w":"1"}"#, false);
        give(
            r#"{"Variable":"$.v","TimestampEquals":"2012-10-09T19:00:55Z"}"#,
            r#"{"v":"2012-10-09 19:00:55Z"}"#,
            false,
        );
    }

    #[test]
    fn numbers() {
        give(r#"{"Variable":"$.v","NumericEquals":0.0}"#, r#"{"v":0}"#, true);
        give(r#"{"Variable":"$.v","NumericEquals":0}"#, r#"{"v":0.0}"#, true);
        give(r#"{"Variable":"$.v","NumericEquals":2.22}"#, r#"{"v":2.22}"#, true);
        give(r#"{"Variable":"$.v","NumericEqualsPath":"$.w"}"#, r#"{"v":1,"w":1.0}"#, true);
        give(r#"{"Variable":"$.v","NumericGreaterThan":0}"#, r#"{"v":1}"#, true);
        give(r#"{"Variable":"$.v","NumericGreaterThan":1}"#, r#"{"v":1}"#, false);
        give(r#"{"Variable":"$.v","NumericGreaterThanEquals":1}"#, r#"{"v":1}"#, true);
        give(r#"{"Variable":"$.v","NumericLessThan":-1.5}"#, r#"{"v":-2}"#, true);
        give(r#"{"Variable":"$.v","NumericLessThanEqualsPath":"$.w"}"#, r#"{"v":1,"w":0}"#, false);
        give(r#"{"Variable":"$.v","NumericEquals":1e3}"#, r#"{"v":1000}"#, true);
    }

    #[test]
    fn booleans() {
        give(r#"{"Variable":"$.v","BooleanEquals":true}"#, r#"{"v":true}"#, true);
        give(r#"{"Variable":"$.v","BooleanEquals":true}"#, r#"{"v":false}"#, false);
        give(r#"{"Variable":"$.v","BooleanEqualsPath":"$.w"}"#, r#"{"v":false,"w":false}"#, true);
    }

    #[test]
    fn timestamps() {
        let t = "2012-10-09T19:00:55Z";
        give(&format!(r#"{{"Variable":"$.v","TimestampEquals":"{t}"}}"#), &format!(r#"{{"v":"{t}"}}"#), true);
        give(
            &format!(r#"{{"Variable":"$.v","TimestampLessThan":"{t}"}}"#),
            r#"{"v":"2012-10-09T19:00:54.999Z"}"#,
            true,
        );
        // Same instant, different offsets.
        give(
            &format!(r#"{{"Variable":"$.v","TimestampEquals":"{t}"}}"#),
            r#"{"v":"2012-10-09T20:00:55+01:00"}"#,
            true,
        );
        give(
            &format!(r#"{{"Variable":"$.v","TimestampGreaterThan":"{t}"}}"#),
            r#"{"v":"2012-10-09T19:00:55-00:01"}"#,
            true,
        );
        give(
            r#"{"Variable":"$.v","TimestampGreaterThanEqualsPath":"$.w"}"#,
            r#"{"v":"2012-10-09T19:00:55Z","w":"2012-10-09T19:00:56Z"}"#,
            false,
        );
        give(
            r#"{"Variable":"$.v","TimestampLessThanPath":"$.w"}"#,
            r#"{"v":"2012-10-09T19:00:55Z","w":"not a time"}"#,
            false,
        );
        // A timestamp is also a string.
        give(&format!(r#"{{"Variable":"$.v","StringEquals":"{t}"}}"#), &format!(r#"{{"v":"{t}"}}"#), true);
    }

    #[test]
    fn string_matches() {
        let m = |pattern: &str, subject: &str, expected: bool| {
            let rule = format!(r#"{{"Variable":"$.v","StringMatches":{}}}"#, Value::from(pattern));
            give(&rule, &format!(r#"{{"v":{}}}"#, Value::from(subject)), expected);
        };
        m("foo*.log", "foo23.log", true);
        m("*.log", "zebra.log", true);
        m("foo*.*", "foobar.zebra", true);
        m("foo*.log", "foo23.log.gz", false);
        m("*", "", true);
        m("", "", true);
        m("", "x", false);
        m("a*b*c", "abbbc", true);
        m("a*b*c", "acb", false);
        m("**a", "ba", true);
        m(r"\*", "*", true);
        m(r"\*", "x", false);
        m(r"a\\b", r"a\b", true);
        m(r"a\\*", r"a\xyz", true);
        m("?", "x", false);
        m(".*", "abc", false);
        m("héllo*", "héllo wörld", true);
    }

    #[test]
    fn string_matches_stray_backslash_fails_at_runtime() {
        let mut diags = Vec::new();
        let c = parse_condition(&json(r#"{"Variable":"$.v","StringMatches":"a\\b"}"#), "/r", &[], &mut diags);
        assert!(c.is_some());
        assert_eq!(diags.len(), 1);
        assert!(!diags[0].is_error());
        assert_eq!(diags[0].pointer, "/r/StringMatches");
        fails(
            r#"{"Variable":"$.v","StringMatches":"a\\"}"#,
            r#"{"v":"a"}"#,
            r"The StringMatches pattern 'a\' contains a backslash that escapes neither '*' nor '\'.",
        );
    }

    #[test]
    fn type_tests() {
        let all =
            ["null", "\"\"", "\"x\"", "\"2012-10-09T19:00:55Z\"", "0", "1.1", "true", "false", "[]", "{}"];
        let expect = |test: &str, v: &str| match test {
            "IsNull" => v == "null",
            "IsNumeric" => v == "0" || v == "1.1",
            "IsString" => v.starts_with('"'),
            "IsBoolean" => v == "true" || v == "false",
            "IsTimestamp" => v == "\"2012-10-09T19:00:55Z\"",
            _ => true, // IsPresent: a present null is present
        };
        for test in ["IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp"] {
            for v in all {
                let input = format!(r#"{{"v":{v}}}"#);
                give(&format!(r#"{{"Variable":"$.v","{test}":true}}"#), &input, expect(test, v));
                give(&format!(r#"{{"Variable":"$.v","{test}":false}}"#), &input, !expect(test, v));
            }
        }
        give(r#"{"Variable":"$.missing","IsPresent":true}"#, "{}", false);
        give(r#"{"Variable":"$.missing","IsPresent":false}"#, "{}", true);
        give(r#"{"Variable":"$.a.b","IsPresent":false}"#, r#"{"a":"text"}"#, true);
        give(r#"{"Variable":"$nope","IsPresent":false}"#, "{}", true);
    }

    #[test]
    fn missing_paths_fail_except_is_present() {
        let cause = |p: &str| {
            format!("Invalid path '{p}': The choice state's condition path references an invalid value.")
        };
        fails(r#"{"Variable":"$.missing","StringEquals":"x"}"#, "{}", &cause("$.missing"));
        fails(r#"{"Variable":"$.missing","IsNull":true}"#, "{}", &cause("$.missing"));
        fails(r#"{"Variable":"$.v","NumericEqualsPath":"$.right"}"#, r#"{"v":8}"#, &cause("$.right"));
        fails(r#"{"Not":{"Variable":"$.x","BooleanEquals":true}}"#, "{}", &cause("$.x"));
    }

    #[test]
    fn combinators() {
        let twenties = r#"{"And":[{"Variable":"$.value","NumericGreaterThanEquals":20},
                                  {"Variable":"$.value","NumericLessThan":30}]}"#;
        give(twenties, r#"{"value":22}"#, true);
        give(twenties, r#"{"value":30}"#, false);
        give(
            r#"{"Or":[{"Variable":"$.a","IsNull":true},{"Variable":"$.b","IsNull":true}]}"#,
            r#"{"a":1,"b":null}"#,
            true,
        );
        give(r#"{"Not":{"Variable":"$.type","StringEquals":"Private"}}"#, r#"{"type":"Private"}"#, false);
        give(r#"{"And":[{"Variable":"$.type","StringEquals":"Public"}]}"#, r#"{"type":"Public"}"#, true);
        // Short-circuit: the missing path in the second rule is never read.
        give(
            r#"{"And":[{"Variable":"$.a","IsNull":true},{"Variable":"$.missing","IsNull":true}]}"#,
            r#"{"a":1}"#,
            false,
        );
        give(
            r#"{"Or":[{"Variable":"$.a","IsNumeric":true},{"Variable":"$.missing","IsNull":true}]}"#,
            r#"{"a":1}"#,
            true,
        );
        give(
            r#"{"Not":{"Not":{"Or":[{"Variable":"$.a","IsString":true}],"Comment":"x"}}}"#,
            r#"{"a":""}"#,
            true,
        );
    }

    #[test]
    fn context_and_variables() {
        give(r#"{"Variable":"$$.Execution.Name","StringEquals":"exec-1"}"#, "{}", true);
        give(r#"{"Variable":"$limit","NumericGreaterThan":5}"#, "{}", true);
        give(r#"{"Variable":"$who","StringEqualsPath":"$.name"}"#, r#"{"name":"ada"}"#, true);
        give(r#"{"Variable":"$.v","NumericLessThanPath":"$limit"}"#, r#"{"v":3}"#, true);
        give(r#"{"Variable":"$cfg.on","BooleanEquals":true}"#, "{}", true);
        give(r#"{"Variable":"$","StringEquals":"bare"}"#, r#""bare""#, true);
    }
}
