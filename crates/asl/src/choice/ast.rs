//! A Choice rule as data: comparison operators, operands, type tests and the condition tree, with
//! the names a definition spells them by and a readable rendering.

use std::fmt;

use super::Pattern;
use crate::path::Path;
use crate::Value;

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
    pub(super) fn all() -> impl Iterator<Item = Op> {
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

    pub(super) fn from_name(name: &str) -> Option<Op> {
        Op::all().find(|op| op.name() == name)
    }
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
    pub(super) const ALL: [TypeTest; 6] = [
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

    pub(super) fn from_name(name: &str) -> Option<TypeTest> {
        TypeTest::ALL.into_iter().find(|t| t.name() == name)
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

#[cfg(test)]
mod tests {
    use crate::choice::parse_condition;
    use crate::Value;

    fn json(text: &str) -> Value {
        Value::parse(text).unwrap_or_else(|e| panic!("bad test JSON {text}: {e}"))
    }

    fn rule(text: &str) -> super::Condition {
        let mut diags = Vec::new();
        let rule = parse_condition(&json(text), "/r", &["Next"], &mut diags);
        assert!(diags.iter().all(|d| !d.is_error()), "{text}: {diags:?}");
        rule.unwrap_or_else(|| panic!("{text}: no condition"))
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
}
