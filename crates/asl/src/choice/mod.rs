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
//! Timestamps are parsed by [`crate::time`], which the Wait state shares.
//!
//! One module per job: `ast` (the rule as data, and its rendering), `read` (from a definition,
//! with diagnostics), `eval` (against an execution's data) and `pattern` (`StringMatches`).

mod ast;
mod eval;
mod pattern;
mod read;

pub use ast::{Cmp, Condition, Op, Operand, TypeTest};
pub use pattern::Pattern;
pub use read::{parse_condition, MAX_RULE_NESTING};
