//! Choice rules in JSONPath mode: reading them from a definition, and evaluating them.
//!
//! A rule is either a combinator (`And`, `Or`, `Not`) over nested rules, or a test of the value at
//! `Variable`: a comparison against a literal or against another path (the `…Path` operators), a
//! wildcard match (`StringMatches`), or a type test (`IsNull`, `IsPresent`, …).
//!
//! What AWS does, and where the evidence comes from (tags as in `ASL-SEMANTICS.md`):
//! * A type mismatch is a plain `false`, never an error: `StringEquals` on a number, `NumericEquals`
//!   on a string, `BooleanEquals` on `0`, `TimestampEquals` on a string that is not a timestamp.
//!   [REC `choice_operators`, 472 recorded cases]
//! * Integers and floats compare by value: `0` equals `0.0`. [REC `test_numeric`]
//! * `IsPresent` is the only operator that tolerates a missing `Variable`; any other rule whose
//!   `Variable` (or `…Path` operand) selects nothing fails the execution with `States.Runtime`,
//!   cause `Invalid path '<path>': The choice state's condition path references an invalid value.`
//!   [3P: several independent emulators reproduce this exact text; not in the recorded corpus]
//! * `And`/`Or` stop at the first rule that decides the outcome, so a later rule with a missing path
//!   does not fail the execution. [INF]
//!
//! Timestamps are parsed here ([`parse_timestamp`]) because the Wait state needs the same parser.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;
use std::rc::Rc;

use crate::diagnostic::{pointer_join, Diagnostic};
use crate::path::Path;
use crate::template::{Env, EvalError};
use crate::Value;

/// Keys a nested rule (inside `And`/`Or`/`Not`) may carry besides its condition.
const NESTED_EXTRA: &[&str] = &["Comment"];

/// The relation an ordered comparison checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cmp {
    Equals,
    LessThan,
    GreaterThan,
    LessThanEquals,
    GreaterThanEquals,
}

impl Cmp {
    const ALL: [Cmp; 5] =
        [Cmp::Equals, Cmp::LessThan, Cmp::GreaterThan, Cmp::LessThanEquals, Cmp::GreaterThanEquals];

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

    fn suffix(self) -> &'static str {
        match self {
            Cmp::Equals => "Equals",
            Cmp::LessThan => "LessThan",
            Cmp::GreaterThan => "GreaterThan",
            Cmp::LessThanEquals => "LessThanEquals",
            Cmp::GreaterThanEquals => "GreaterThanEquals",
        }
    }
}

/// A comparison operator: the data type it compares and the relation. `BooleanEquals` has only
/// equality; the `…Path` spelling of an operator is the same `Op` with an [`Operand::Path`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    String(Cmp),
    Numeric(Cmp),
    Boolean,
    Timestamp(Cmp),
}

impl Op {
    /// Every comparison operator, for lookups and for "did you mean" hints.
    fn all() -> impl Iterator<Item = Op> {
        let ordered = Cmp::ALL.into_iter().flat_map(|c| [Op::String(c), Op::Numeric(c), Op::Timestamp(c)]);
        ordered.chain(std::iter::once(Op::Boolean))
    }

    /// The operator's name in a definition, without the `Path` suffix, such as `NumericLessThan`.
    pub fn name(self) -> String {
        match self {
            Op::String(c) => format!("String{}", c.suffix()),
            Op::Numeric(c) => format!("Numeric{}", c.suffix()),
            Op::Boolean => "BooleanEquals".to_string(),
            Op::Timestamp(c) => format!("Timestamp{}", c.suffix()),
        }
    }

    fn from_name(name: &str) -> Option<Op> {
        Op::all().find(|op| op.name() == name)
    }

    /// The literal operand's expected JSON type, as a learner would read it in a message.
    fn expects(self) -> &'static str {
        match self {
            Op::String(_) => "a string",
            Op::Numeric(_) => "a number",
            Op::Boolean => "true or false",
            Op::Timestamp(_) => "an RFC 3339 timestamp string such as \"2016-08-18T17:33:00Z\"",
        }
    }

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

/// The right-hand side of a comparison.
#[derive(Clone, Debug)]
pub enum Operand {
    /// From `StringEquals: "x"` and friends; its type was checked when the rule was read.
    Literal(Value),
    /// From `StringEqualsPath: "$.x"` and friends: a reference path, resolved at evaluation.
    Path(Path),
}

/// The type tests, each written `"IsX": true|false`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TypeTest {
    IsNull,
    IsPresent,
    IsNumeric,
    IsString,
    IsBoolean,
    IsTimestamp,
}

impl TypeTest {
    const ALL: [TypeTest; 6] = [
        TypeTest::IsNull,
        TypeTest::IsPresent,
        TypeTest::IsNumeric,
        TypeTest::IsString,
        TypeTest::IsBoolean,
        TypeTest::IsTimestamp,
    ];

    pub fn name(self) -> &'static str {
        match self {
            TypeTest::IsNull => "IsNull",
            TypeTest::IsPresent => "IsPresent",
            TypeTest::IsNumeric => "IsNumeric",
            TypeTest::IsString => "IsString",
            TypeTest::IsBoolean => "IsBoolean",
            TypeTest::IsTimestamp => "IsTimestamp",
        }
    }

    fn from_name(name: &str) -> Option<TypeTest> {
        TypeTest::ALL.into_iter().find(|t| t.name() == name)
    }

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

/// A `StringMatches` pattern: `*` matches any run of characters (including none); `\*` is a literal
/// star and `\\` a literal backslash (in JSON text: `"\\*"`, `"\\\\"`).
#[derive(Clone, Debug)]
pub struct Pattern {
    text: Rc<str>,
    /// The compiled pattern, or the character offset of a backslash that escapes neither `*` nor
    /// `\`. AWS accepts such a definition but fails the execution when the rule runs.
    tokens: Result<Vec<Token>, usize>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Token {
    Char(char),
    Star,
}

impl Pattern {
    pub fn new(text: &str) -> Pattern {
        let mut tokens = Vec::with_capacity(text.len());
        let mut chars = text.chars().enumerate();
        let mut bad = None;
        while let Some((at, c)) = chars.next() {
            match c {
                '*' => tokens.push(Token::Star),
                '\\' => match chars.next() {
                    Some((_, e @ ('*' | '\\'))) => tokens.push(Token::Char(e)),
                    _ => {
                        bad = Some(at);
                        break;
                    }
                },
                c => tokens.push(Token::Char(c)),
            }
        }
        Pattern { text: text.into(), tokens: bad.map_or(Ok(tokens), Err) }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The character offset of a backslash that escapes neither `*` nor `\`, if any.
    pub fn stray_backslash(&self) -> Option<usize> {
        self.tokens.as_ref().err().copied()
    }

    /// Whether the whole of `subject` matches; `None` when the pattern itself is malformed.
    pub fn matches(&self, subject: &str) -> Option<bool> {
        let tokens = self.tokens.as_ref().ok()?;
        let s: Vec<char> = subject.chars().collect();
        // Greedy matching with one backtrack point: the most recent star and where it restarted.
        let (mut si, mut ti) = (0, 0);
        let mut star: Option<(usize, usize)> = None;
        while si < s.len() {
            match tokens.get(ti) {
                Some(Token::Star) => {
                    star = Some((ti, si));
                    ti += 1;
                    continue;
                }
                Some(Token::Char(c)) if *c == s[si] => {
                    ti += 1;
                    si += 1;
                    continue;
                }
                _ => {}
            }
            match star {
                Some((star_at, restart)) => {
                    ti = star_at + 1;
                    si = restart + 1;
                    star = Some((star_at, restart + 1));
                }
                None => return Some(false),
            }
        }
        Some(tokens[ti..].iter().all(|t| *t == Token::Star))
    }
}

/// The boolean expression of one Choice rule.
#[derive(Clone, Debug)]
pub enum Condition {
    And(Vec<Condition>),
    Or(Vec<Condition>),
    Not(Box<Condition>),
    /// `StringEquals`, `NumericLessThanPath`, `BooleanEquals`, `TimestampGreaterThan`, …
    Compare {
        variable: Path,
        op: Op,
        operand: Operand,
    },
    /// `StringMatches` (it has no `Path` variant).
    Matches {
        variable: Path,
        pattern: Pattern,
    },
    /// `IsNull`, `IsPresent`, `IsNumeric`, `IsString`, `IsBoolean`, `IsTimestamp`.
    Test {
        variable: Path,
        test: TypeTest,
        expected: bool,
    },
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
                pattern.matches(subject).ok_or_else(|| EvalError {
                    error: "States.Runtime".to_string(),
                    cause: format!(
                        "The StringMatches pattern '{}' contains a backslash that escapes neither '*' nor '\\'.",
                        pattern.text()
                    ),
                })
            }
            Condition::Test { variable, test: TypeTest::IsPresent, expected } => {
                Ok(env.resolve(variable).is_ok() == *expected)
            }
            Condition::Test { variable, test, expected } => {
                Ok(test.check(&resolve(env, variable)?) == *expected)
            }
        }
    }

    /// Calls `f` on every path the rule reads (its `Variable`s and `…Path` operands), in order; for
    /// checks such as "this variable is never assigned".
    pub fn for_each_path(&self, f: &mut dyn FnMut(&Path)) {
        match self {
            Condition::And(rules) | Condition::Or(rules) => rules.iter().for_each(|r| r.for_each_path(f)),
            Condition::Not(rule) => rule.for_each_path(f),
            Condition::Compare { variable, operand, .. } => {
                f(variable);
                if let Operand::Path(path) = operand {
                    f(path);
                }
            }
            Condition::Matches { variable, .. } | Condition::Test { variable, .. } => f(variable),
        }
    }
}

/// A short, readable rendering for diagrams and traces, such as
/// `($.value NumericGreaterThanEquals 20 And $.value NumericLessThan 30)`.
impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |f: &mut fmt::Formatter<'_>, rules: &[Condition], word: &str| {
            f.write_str("(")?;
            for (i, rule) in rules.iter().enumerate() {
                if i > 0 {
                    write!(f, " {word} ")?;
                }
                write!(f, "{rule}")?;
            }
            f.write_str(")")
        };
        match self {
            Condition::And(rules) => list(f, rules, "And"),
            Condition::Or(rules) => list(f, rules, "Or"),
            Condition::Not(rule) => write!(f, "Not {rule}"),
            Condition::Compare { variable, op, operand: Operand::Literal(v) } => {
                write!(f, "{} {} {v}", variable.text(), op.name())
            }
            Condition::Compare { variable, op, operand: Operand::Path(p) } => {
                write!(f, "{} {}Path {}", variable.text(), op.name(), p.text())
            }
            Condition::Matches { variable, pattern } => {
                write!(f, "{} StringMatches {}", variable.text(), Value::from(pattern.text()))
            }
            Condition::Test { variable, test, expected } => {
                write!(f, "{} {} {expected}", variable.text(), test.name())
            }
        }
    }
}

/// The value at `path`; a miss is AWS's `States.Runtime` failure for Choice rules.
fn resolve(env: &Env, path: &Path) -> Result<Value, EvalError> {
    env.resolve(path).map_err(|_| EvalError {
        error: "States.Runtime".to_string(),
        cause: format!(
            "Invalid path '{}': The choice state's condition path references an invalid value.",
            path.text()
        ),
    })
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
    let Some(map) = obj.as_object() else {
        diags.push(Diagnostic::error(
            "choice-rule-type",
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
                if nested && &**key == "Next" { "choice-nested-next" } else { "choice-unknown-field" },
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
                "choice-missing-operator",
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
                    "choice-multiple-operators",
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
            let rules = parse_list(value, &at, key, diags);
            Some(rules.map(|rules| {
                if matches!(kind, Key::And) {
                    Condition::And(rules)
                } else {
                    Condition::Or(rules)
                }
            }))
        }
        Key::Not => Some(if value.as_object().is_some() {
            parse_condition(value, &at, NESTED_EXTRA, diags).map(|rule| Condition::Not(Box::new(rule)))
        } else {
            diags.push(Diagnostic::error(
                "choice-operand-type",
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
                "choice-misplaced-variable",
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
                "choice-missing-variable",
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
        diags.push(Diagnostic::error("choice-operand-type", at, message));
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
                    "choice-pattern-escape",
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
fn parse_list(value: &Value, at: &str, key: &str, diags: &mut Vec<Diagnostic>) -> Option<Vec<Condition>> {
    let Some(items) = value.as_array() else {
        diags.push(Diagnostic::error(
            "choice-operand-type",
            at,
            format!("\"{key}\" takes an array of rules, but this is {}", article(value)),
        ));
        return None;
    };
    if items.is_empty() {
        diags.push(Diagnostic::error(
            "choice-empty-list",
            at,
            format!("\"{key}\" needs at least one rule, but its array is empty"),
        ));
        return None;
    }
    let mut rules = Vec::with_capacity(items.len());
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        match parse_condition(item, &pointer_join(at, &i.to_string()), NESTED_EXTRA, diags) {
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
            "choice-operand-type",
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
                "invalid-path",
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

/// An instant on the UTC timeline, with nanosecond precision; ordered by time, so timestamps written
/// with different offsets compare correctly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    /// Seconds since 1970-01-01T00:00:00Z (negative before).
    seconds: i64,
    /// 0..1_000_000_000.
    nanos: u32,
}

impl Timestamp {
    pub fn from_epoch_millis(millis: i64) -> Timestamp {
        let nanos = millis.rem_euclid(1000) as u32 * 1_000_000;
        Timestamp { seconds: millis.div_euclid(1000), nanos }
    }

    /// Milliseconds since the Unix epoch, rounded down (the virtual clock's unit).
    pub fn to_epoch_millis(&self) -> i64 {
        self.seconds * 1000 + i64::from(self.nanos / 1_000_000)
    }

    pub fn epoch_seconds(&self) -> i64 {
        self.seconds
    }

    pub fn subsec_nanos(&self) -> u32 {
        self.nanos
    }
}

/// Parses an RFC 3339 timestamp as AWS accepts it: `YYYY-MM-DDTHH:MM:SS`, an optional fraction of
/// any length (digits beyond nanoseconds are dropped), then `Z` or `±HH:MM`.
///
/// Rejected, as AWS rejects them: a missing `T` (`2016-12-05 21:29:29Z`), a missing zone, a lowercase
/// `t` or `z` (the ASL spec demands uppercase), out-of-range fields (month 13, hour 25, February 30),
/// leap second 60 and offsets beyond ±18:00 (Java's limits; AWS runs on Java).
pub fn parse_timestamp(s: &str) -> Option<Timestamp> {
    let b = s.as_bytes();
    let num = |at: usize, len: usize| -> Option<i64> {
        let digits = b.get(at..at + len)?;
        digits.iter().try_fold(0i64, |n, d| d.is_ascii_digit().then(|| n * 10 + i64::from(d - b'0')))
    };
    let punct = |at: usize, c: u8| b.get(at) == Some(&c);
    let year = num(0, 4)?;
    let month = num(5, 2)?;
    let day = num(8, 2)?;
    let hour = num(11, 2)?;
    let minute = num(14, 2)?;
    let second = num(17, 2)?;
    if !(punct(4, b'-') && punct(7, b'-') && punct(10, b'T') && punct(13, b':') && punct(16, b':')) {
        return None;
    }
    let mut i = 19;
    let mut nanos = 0u32;
    if punct(i, b'.') {
        i += 1;
        let start = i;
        while let Some(d) = b.get(i).filter(|d| d.is_ascii_digit()) {
            if i - start < 9 {
                nanos = nanos * 10 + u32::from(d - b'0');
            }
            i += 1;
        }
        let count = i - start;
        if count == 0 {
            return None;
        }
        for _ in count..9 {
            nanos *= 10;
        }
    }
    let offset = match b.get(i)? {
        b'Z' => {
            i += 1;
            0
        }
        sign @ (b'+' | b'-') => {
            let (oh, om) = (num(i + 1, 2)?, num(i + 4, 2)?);
            if !punct(i + 3, b':') || om > 59 || oh * 60 + om > 18 * 60 {
                return None;
            }
            i += 6;
            let minutes = oh * 60 + om;
            if *sign == b'-' {
                -minutes
            } else {
                minutes
            }
        }
        _ => return None,
    };
    if i != b.len() || !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset * 60;
    Some(Timestamp { seconds, nanos })
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to the given proleptic Gregorian date (negative before). Counts from
/// 0000-03-01 so the leap day falls at the end of each 400-year cycle's year.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;
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
                assert_eq!(e.error, "States.Runtime");
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

    #[test]
    fn display_reads_like_the_rule() {
        let r = rule(
            r#"{"And":[{"Variable":"$.n","NumericGreaterThanEquals":20},{"Not":{"Variable":"$.s","StringEqualsPath":"$.p"}}]}"#,
        );
        assert_eq!(r.to_string(), "($.n NumericGreaterThanEquals 20 And Not $.s StringEqualsPath $.p)");
        let mut paths = Vec::new();
        r.for_each_path(&mut |p| paths.push(p.text().to_string()));
        assert_eq!(paths, ["$.n", "$.s", "$.p"]);
    }

    /// Parses `rule_json` as a top-level rule; returns `(pointer, code, message)` of each diagnostic.
    fn problems(rule_json: &str) -> (bool, Vec<(String, &'static str, String)>) {
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
    fn rejects(rule_json: &str, pointer: &str, code: &str, fragment: &str) {
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
            "choice-unknown-field",
            "unknown field \"StringEqual\"",
        );
        rejects(
            r#"{"Variable":"$.x","stringEquals":"a"}"#,
            &format!("{at}/stringEquals"),
            "choice-unknown-field",
            "did you mean \"StringEquals\"?",
        );
        rejects(
            r#"{"Variable":"$.x","StringMatchesPath":"$.p"}"#,
            &format!("{at}/StringMatchesPath"),
            "choice-unknown-field",
            "no \"Path\" variant",
        );
        rejects(
            r#"{"Condition":"{% true %}","Next":"N"}"#,
            &format!("{at}/Condition"),
            "choice-unknown-field",
            "JSONata",
        );
        rejects(r#"{"Variable":"$.x","Next":"N"}"#, at, "choice-missing-operator", "tests nothing");
        rejects(
            r#"{"Variable":"$.x","StringEquals":"a","IsNull":true}"#,
            &format!("{at}/IsNull"),
            "choice-multiple-operators",
            "both \"StringEquals\" and \"IsNull\"",
        );
        rejects(r#"{"NumericEquals":3,"Next":"N"}"#, at, "choice-missing-variable", "no \"Variable\"");
        rejects(
            r#"{"Variable":"$.x","NumericEquals":"3"}"#,
            &format!("{at}/NumericEquals"),
            "choice-operand-type",
            "a number, but found the string \"3\"",
        );
        rejects(
            r#"{"Variable":"$.x","StringEquals":3}"#,
            &format!("{at}/StringEquals"),
            "choice-operand-type",
            "a string, but found the number 3",
        );
        rejects(
            r#"{"Variable":"$.x","BooleanEquals":"true"}"#,
            &format!("{at}/BooleanEquals"),
            "choice-operand-type",
            "true or false",
        );
        rejects(
            r#"{"Variable":"$.x","TimestampEquals":"2016-08-18 17:33:00Z"}"#,
            &format!("{at}/TimestampEquals"),
            "choice-operand-type",
            "needs a 'T'",
        );
        rejects(
            r#"{"Variable":"$.x","IsPresent":"yes"}"#,
            &format!("{at}/IsPresent"),
            "choice-operand-type",
            "takes true or false",
        );
        rejects(
            r#"{"Variable":"$.x","StringMatches":null}"#,
            &format!("{at}/StringMatches"),
            "choice-operand-type",
            "pattern string",
        );
        rejects(
            r#"{"Variable":"x","StringEquals":"a"}"#,
            &format!("{at}/Variable"),
            "invalid-path",
            "\"Variable\" needs a reference path",
        );
        rejects(
            r#"{"Variable":5,"StringEquals":"a"}"#,
            &format!("{at}/Variable"),
            "choice-operand-type",
            "reference path string",
        );
        rejects(
            r#"{"Variable":"$.x","NumericEqualsPath":"limit"}"#,
            &format!("{at}/NumericEqualsPath"),
            "invalid-path",
            "\"NumericEqualsPath\" needs a reference path",
        );
        rejects(
            r#"{"Variable":"$.x","NumericEqualsPath":3}"#,
            &format!("{at}/NumericEqualsPath"),
            "choice-operand-type",
            "found the number 3",
        );
        rejects(r#"{"And":[],"Next":"N"}"#, &format!("{at}/And"), "choice-empty-list", "at least one rule");
        rejects(
            r#"{"Or":{"Variable":"$.x","IsNull":true}}"#,
            &format!("{at}/Or"),
            "choice-operand-type",
            "an array of rules",
        );
        rejects(
            r#"{"Not":[{"Variable":"$.x","IsNull":true}]}"#,
            &format!("{at}/Not"),
            "choice-operand-type",
            "one rule object",
        );
        rejects(
            r#"{"Variable":"$.x","And":[{"Variable":"$.x","IsNull":true}]}"#,
            &format!("{at}/Variable"),
            "choice-misplaced-variable",
            "no meaning next to \"And\"",
        );
        rejects(r#"[1]"#, at, "choice-rule-type", "must be an object");
        // Nested rules: Next and Assign are reported where they stand.
        rejects(
            r#"{"And":[{"Variable":"$.x","IsNull":true,"Next":"N"}],"Next":"N"}"#,
            &format!("{at}/And/0/Next"),
            "choice-nested-next",
            "cannot have \"Next\"",
        );
        rejects(
            r#"{"Not":{"Variable":"$.x","IsNull":true,"Assign":{}}}"#,
            &format!("{at}/Not/Assign"),
            "choice-unknown-field",
            "top-level rule",
        );
        rejects(
            r#"{"Or":[{"Variable":"$.x","IsNull":true},{"Variable":"$.y","NumericEquals":true}]}"#,
            &format!("{at}/Or/1/NumericEquals"),
            "choice-operand-type",
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

    fn ts(s: &str) -> Option<i64> {
        parse_timestamp(s).map(|t| t.to_epoch_millis())
    }

    #[test]
    fn timestamp_parser() {
        assert_eq!(ts("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(ts("2012-10-09T19:00:55Z"), Some(1_349_809_255_000));
        assert_eq!(ts("2012-10-09T20:00:55+01:00"), Some(1_349_809_255_000));
        assert_eq!(ts("2012-10-09T18:30:55-00:30"), Some(1_349_809_255_000));
        assert_eq!(ts("2016-03-05T21:29:29.243167252Z"), Some(1_457_213_369_243));
        assert_eq!(ts("2016-03-05T21:29:29.5Z"), Some(1_457_213_369_500));
        assert_eq!(ts("2016-03-05T21:29:29.1234567891234Z"), Some(1_457_213_369_123));
        assert_eq!(ts("1969-12-31T23:59:59.999Z"), Some(-1));
        assert_eq!(ts("2000-02-29T00:00:00Z"), Some(951_782_400_000));
        assert_eq!(ts("9999-12-31T23:59:59Z"), Some(253_402_300_799_000));
        let a = parse_timestamp("2016-03-05T21:29:29.000000001Z");
        let b = parse_timestamp("2016-03-05T21:29:29Z");
        assert!(a > b);
        assert_eq!(a.map(|t| t.subsec_nanos()), Some(1));
        assert_eq!(Timestamp::from_epoch_millis(-1), Timestamp { seconds: -1, nanos: 999_000_000 });
        for bad in [
            "2016-12-05 21:29:29Z",
            "2016-12-05T21:29:29",
            "2016-13-05T21:29:29Z",
            "2016-12-05T25:29:29Z",
            "05-12-2016T21:29:29Z",
            "2023-02-24",
            "2023-02-24 12:15:56.832957",
            "2016-12-05t21:29:29Z",
            "2016-12-05T21:29:29z",
            "2016-12-05T21:29Z",
            "2016-12-05T21:29:60Z",
            "2016-12-05T21:29:29.Z",
            "2015-02-29T00:00:00Z",
            "1900-02-29T00:00:00Z",
            "2016-04-31T00:00:00Z",
            "2016-00-10T00:00:00Z",
            "2016-01-00T00:00:00Z",
            "2016-12-05T21:29:29+0100",
            "2016-12-05T21:29:29+19:00",
            "2016-12-05T21:29:29+01:60",
            "2016-12-05T21:29:29Z ",
            " 2016-12-05T21:29:29Z",
            "+2016-12-05T21:29:29Z",
            "２016-12-05T21:29:29Z",
            "",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad:?} should be rejected");
        }
        assert!(parse_timestamp("2016-12-05T21:29:29+18:00").is_some());
        assert!(parse_timestamp("2016-12-05T21:29:29-00:00").is_some());
    }
}
