//! JSONata 2.0.6, the query and transformation language AWS Step Functions evaluates in `{% ... %}`.
//!
//! ```
//! use baton_jsonata::{Environment, Expression};
//! use serde_json::json;
//!
//! let expr = Expression::parse("$sum(items.(price * qty))").unwrap();
//! let input = json!({"items": [{"price": 2, "qty": 3}, {"price": 1, "qty": 4}]});
//! let result = expr.evaluate(Some(&input), &Default::default(), &Environment::default()).unwrap();
//! assert_eq!(result, Some(json!(10)));
//! ```
//!
//! - [`Expression::parse`] reads the text once; a syntax error is an [`Error`] with JSONata's code
//!   (`S0202`...), message and character offset.
//! - [`Expression::evaluate`] runs it on an input (`None` is JSONata's *undefined*, distinct from
//!   JSON `null`), with extra `$variables` (`bindings`), and returns `Ok(None)` when the result is
//!   undefined. Sequences are returned as arrays; functions have no JSON form and are dropped as
//!   `JSON.stringify` drops them.
//! - [`Environment`] is everything the host decides: the clock `$now()`/`$millis()` read, the seed
//!   `$random()`/`$shuffle()` draw from, and the bounds on depth and work. Nothing reads the wall
//!   clock or global randomness, so an evaluation is a pure function of its arguments.
//!
//! The pipeline: `lexer` (tokens on demand, since `/` starts a regex only where an operand is
//! expected) -> `parser` (a Pratt parser, then a pass that turns `.`, `[...]`, `{...}`, `^(...)`,
//! `@`, `#` and `%` into paths of annotated steps, `ast`) -> `eval` (a tree-walking evaluator over
//! `value`s) with `functions` (the built-ins behind their `signature`s), `numfmt` (number and
//! integer pictures) and `datetime` (date pictures).
//!
//! # Bounds
//!
//! Every evaluation ends: nesting deeper than [`Environment::max_depth`] or using more native stack
//! than [`Environment::max_stack_bytes`] is `U1001` ("Stack overflow error..."), more steps than
//! [`Environment::fuel`] is `U1001` too. Tail calls (`$f(...)` as a lambda's value) run in a loop,
//! so tail recursion is bounded by fuel only. Fuel also counts the items and bytes an evaluation
//! makes (path steps, constructors, every built-in's result, long strings), and no one value holds
//! more than 2^24 items or bytes, so memory is bounded too. Results nest at most 1,000 deep; the
//! parser bounds an expression's height at 1,000 and its nesting as well, and long paths and
//! operator chains are read and evaluated in loops, not by recursion.
//!
//! # Differences from JSONata 2.0.6, on purpose
//!
//! - `$eval` exists only when [`Environment::eval_enabled`] (AWS Step Functions disables it), and
//!   the expression it runs does not see the caller's variables.
//! - `$now()`, `$millis()` read [`Environment::now_ms`]; `$random()` and `$shuffle()` draw from a
//!   SplitMix64 generator seeded with [`Environment::random_seed`]. `$toMillis` reads a timestamp
//!   without a zone as UTC.
//! - Regular expressions are `regex-lite`'s dialect: JavaScript's look-around and
//!   back-references are not supported (the pattern is a syntax error).
//! - Strings are Unicode scalar values: a lone UTF-16 surrogate cannot be represented.
//! - `U1001` also ends runaway work (fuel), where JSONata relies on the host's time limit.
//! - The functions AWS Step Functions adds are there: `$partition(array, size)`,
//!   `$range(start, end, step?)`, `$parse(text)`, `$uuid()` (version 4, from the seeded
//!   generator), `$random(seed?)` (one seed, one number) and `$hash(text, algorithm)`.
//!
//! The reference suite runs as `cargo test -p baton-jsonata --test suite`; the cases it does not
//! pass are listed with their reasons in `tests/known-failures.txt`.
#![forbid(unsafe_code)]

mod ast;
mod datetime;
mod eval;
mod functions;
mod lexer;
mod numfmt;
mod parser;
mod signature;
mod value;

use std::fmt;
use std::rc::Rc;

pub use serde_json::{Map, Value as Json};

/// A parsing or evaluation failure, with JSONata's error code.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    /// JSONata's code: `S0xxx` syntax, `T` type, `D` dynamic, `U` resource limits.
    pub code: &'static str,
    pub message: String,
    /// Character offset (not byte) into the expression, just after the offending token.
    pub position: Option<usize>,
    /// The offending token, when JSONata reports one.
    pub token: Option<String>,
}

/// Errors inside the engine are boxed: a small `Err` keeps every `Result` (and so every level
/// of the recursive evaluator) small.
pub(crate) type Fail = Box<Error>;

impl Error {
    pub(crate) fn new(code: &'static str, message: impl Into<String>) -> Fail {
        Box::new(Error { code, message: message.into(), position: None, token: None })
    }

    pub(crate) fn syntax(code: &'static str, message: impl Into<String>, position: usize) -> Fail {
        Box::new(Error { code, message: message.into(), position: Some(position), token: None })
    }

    pub(crate) fn with_token(mut self: Fail, token: impl Into<String>) -> Fail {
        self.token = Some(token.into());
        self
    }

    pub(crate) fn at(mut self: Fail, position: usize) -> Fail {
        self.position.get_or_insert(position);
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)?;
        if let Some(p) = self.position {
            write!(f, " (at {p})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// The address of a local: how deep the native stack is, compared between two calls. Safe code,
/// and meaningful on wasm32 too (its stack lives in linear memory and also grows down).
#[inline(never)]
pub(crate) fn stack_position() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

/// What the host decides for an evaluation.
#[derive(Debug, Clone)]
pub struct Environment {
    /// Milliseconds since the Unix epoch that `$now()` and `$millis()` report, the same for the
    /// whole evaluation (as in JSONata).
    pub now_ms: i64,
    /// Seed of the generator behind `$random()` and `$shuffle()`.
    pub random_seed: u64,
    /// Deepest nesting of evaluation (and so of non-tail recursion) before `U1001`.
    pub max_depth: usize,
    /// Evaluation steps, and items and bytes made, before `U1001`: an endless tail-recursive loop
    /// ends too. The default, 5,000,000, is a fraction of a second of native work (fuzzing found
    /// that 50,000,000 kept a runaway expression busy for 3 s natively, more in a browser, where
    /// the page would freeze meanwhile), and enough for the reference suite's large-data cases
    /// (`flattening/large`) now that what an evaluation makes is counted too.
    pub fuel: u64,
    /// Native stack the evaluator may use before `U1001`, whatever `max_depth` says: a debug
    /// build's frames are several times a release build's. Keep it under the thread's stack.
    pub max_stack_bytes: usize,
    /// Whether `$eval` exists. AWS Step Functions disables it, so by default it does not (a call
    /// is then `T1006`, as for any undefined function).
    pub eval_enabled: bool,
}

impl Default for Environment {
    fn default() -> Self {
        Environment {
            now_ms: 0,
            random_seed: 0,
            max_depth: 1000,
            fuel: 5_000_000,
            max_stack_bytes: 256 * 1024,
            eval_enabled: false,
        }
    }
}

/// What an evaluation gave ([`Expression::evaluate_outcome`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Value(Json),
    Undefined,
    /// A function, which has no JSON form.
    Function,
}

/// A parsed expression, reusable across evaluations.
#[derive(Debug, Clone)]
pub struct Expression {
    root: Rc<ast::Node>,
}

impl Expression {
    pub fn parse(text: &str) -> Result<Expression, Error> {
        Ok(Expression { root: Rc::new(parser::parse(text).map_err(|e| *e)?) })
    }

    /// Evaluates on `input` (`None`: undefined), with `bindings` as extra `$variables`.
    pub fn evaluate(
        &self,
        input: Option<&Json>,
        bindings: &Map<String, Json>,
        env: &Environment,
    ) -> Result<Option<Json>, Error> {
        Ok(match self.evaluate_outcome(input, bindings, env)? {
            Outcome::Value(v) => Some(v),
            Outcome::Undefined | Outcome::Function => None,
        })
    }

    /// As [`Expression::evaluate`], telling a function result apart from undefined (AWS Step
    /// Functions words the two differently).
    pub fn evaluate_outcome(
        &self,
        input: Option<&Json>,
        bindings: &Map<String, Json>,
        env: &Environment,
    ) -> Result<Outcome, Error> {
        eval::evaluate(&self.root, input, bindings, env).map_err(|e| *e)
    }
}
