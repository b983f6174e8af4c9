//! The one door to the JSONata engine: parse an expression, evaluate it.
//!
//! Everything else in this crate talks to JSONata through this module only, with this crate's
//! [`Value`]s. The engine comes from one of two places:
//! - the cargo feature `jsonata` links `baton-jsonata` in (the CLI, sim's tests);
//! - without it, a host may lend one at run time ([`lend`]): the web app keeps the engine out of its
//!   first load and lends it once it has loaded it as a separate wasm module, when a definition
//!   first needs it. Values cross that boundary as JSON text.
//!
//! Before either, [`available`] is false, the reader refuses JSONata definitions with one
//! diagnostic, and nothing here is ever called with an expression.

use std::rc::Rc;

use crate::value::Value;

/// Whether JSONata can be read and evaluated now.
pub fn available() -> bool {
    cfg!(feature = "jsonata") || LENT.with(|lent| lent.borrow().is_some())
}

/// An engine a host lends, used when this build links none: it parses expressions into handles,
/// evaluates a handle on bindings given as a JSON object's text, and forgets a handle once its
/// expression is dropped.
pub trait Engine {
    fn parse(&self, text: &str) -> Result<u32, JsonataError>;
    fn evaluate(&self, handle: u32, bindings: &str, host: Host) -> Result<Outcome, JsonataError>;
    fn release(&self, handle: u32);
}

thread_local! {
    /// The engine the host lent, if any (one per thread: wasm has one).
    static LENT: std::cell::RefCell<Option<Rc<dyn Engine>>> = const { std::cell::RefCell::new(None) };
}

/// Lends this crate an engine, from now on. Definitions compiled before still carry the
/// diagnostic that refused them: compile them again.
pub fn lend(engine: Rc<dyn Engine>) {
    LENT.with(|lent| *lent.borrow_mut() = Some(engine));
}

/// An expression parsed by a lent engine; dropping the last clone frees it there.
#[cfg(not(feature = "jsonata"))]
#[derive(Debug)]
struct LentExpression {
    handle: u32,
}

#[cfg(not(feature = "jsonata"))]
impl Drop for LentExpression {
    fn drop(&mut self) {
        if let Some(engine) = LENT.with(|lent| lent.borrow().clone()) {
            engine.release(self.handle);
        }
    }
}

#[cfg(not(feature = "jsonata"))]
fn lent() -> Option<Rc<dyn Engine>> {
    LENT.with(|lent| lent.borrow().clone())
}

#[cfg(not(feature = "jsonata"))]
fn unavailable(what: &str) -> JsonataError {
    JsonataError {
        code: "unavailable".into(),
        message: format!("JSONata is not in this build of Baton, so {what} cannot be read"),
        offset: None,
    }
}

/// A JSONata error: the engine's code (`S0202`, `T1006`...), its message and, for syntax errors,
/// the character offset in the expression where it was noticed.
#[derive(Clone, Debug, PartialEq)]
pub struct JsonataError {
    pub code: String,
    pub message: String,
    /// Characters (not bytes) into the expression text.
    pub offset: Option<usize>,
}

/// What an evaluation gave.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Value(Value),
    /// JSONata's *undefined*: nothing.
    Undefined,
    /// A function, which has no JSON form.
    Function,
}

/// A parsed expression and its text (the text between `{%` and `%}`, trimmed), as AWS quotes it
/// in error causes.
#[derive(Clone, Debug)]
pub struct Expression {
    text: Rc<str>,
    #[cfg(feature = "jsonata")]
    parsed: baton_jsonata::Expression,
    #[cfg(not(feature = "jsonata"))]
    lent: Rc<LentExpression>,
}

/// What an evaluation may read besides its bindings: the execution's virtual clock and a seed
/// drawn from the execution's generator, so that a run replays byte for byte.
#[derive(Clone, Copy, Debug)]
pub struct Host {
    /// Milliseconds since the Unix epoch that `$now()` and `$millis()` report.
    pub now_ms: i64,
    /// Seeds `$random()`, `$uuid()` and `$shuffle()`.
    pub seed: u64,
}

impl Expression {
    /// Parses `text`; a syntax error is located by its character offset in `text`.
    pub fn parse(text: &str) -> Result<Expression, JsonataError> {
        #[cfg(feature = "jsonata")]
        {
            match baton_jsonata::Expression::parse(text) {
                Ok(parsed) => Ok(Expression { text: text.into(), parsed }),
                Err(e) => {
                    // The engine reports the offset just after the offending token; the token's
                    // start is where a reader looks.
                    let width = e.token.as_deref().map_or(0, |t| t.chars().count());
                    let offset = e.position.map(|p| p.saturating_sub(width).min(text.chars().count()));
                    Err(JsonataError { code: e.code.to_string(), message: e.message, offset })
                }
            }
        }
        #[cfg(not(feature = "jsonata"))]
        {
            let engine = lent().ok_or_else(|| unavailable(&format!("'{text}'")))?;
            let handle = engine.parse(text)?;
            Ok(Expression { text: text.into(), lent: Rc::new(LentExpression { handle }) })
        }
    }

    /// The expression's text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The names of every `$variable` the text mentions (`$states` included), in order, once each.
    pub fn variables(&self) -> Vec<&str> {
        let text = &*self.text;
        let mut names: Vec<&str> = Vec::new();
        for (i, _) in text.match_indices('$') {
            let rest = &text[i + 1..];
            let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len());
            let name = &rest[..end];
            if !name.is_empty() && !names.contains(&name) {
                names.push(name);
            }
        }
        names
    }

    /// Evaluates with no input document (AWS gives JSONata none: `$states.input` is the input)
    /// and `bindings` as `$name`s.
    pub fn evaluate(&self, bindings: &[(&str, &Value)], host: Host) -> Result<Outcome, JsonataError> {
        #[cfg(feature = "jsonata")]
        {
            let bindings: baton_jsonata::Map<String, baton_jsonata::Json> = bindings
                .iter()
                .map(|(name, value)| (name.to_string(), serde_json::Value::from(*value)))
                .collect();
            let env = baton_jsonata::Environment {
                now_ms: host.now_ms,
                random_seed: host.seed,
                ..baton_jsonata::Environment::default()
            };
            match self.parsed.evaluate_outcome(None, &bindings, &env) {
                Ok(baton_jsonata::Outcome::Value(v)) => Ok(Outcome::Value(Value::from(v))),
                Ok(baton_jsonata::Outcome::Undefined) => Ok(Outcome::Undefined),
                Ok(baton_jsonata::Outcome::Function) => Ok(Outcome::Function),
                Err(e) => {
                    Err(JsonataError { code: e.code.to_string(), message: e.message, offset: e.position })
                }
            }
        }
        #[cfg(not(feature = "jsonata"))]
        {
            let engine = lent().ok_or_else(|| unavailable("an expression"))?;
            let bindings: serde_json::Map<String, serde_json::Value> = bindings
                .iter()
                .map(|(name, value)| (name.to_string(), serde_json::Value::from(*value)))
                .collect();
            engine.evaluate(self.lent.handle, &serde_json::Value::Object(bindings).to_string(), host)
        }
    }
}
