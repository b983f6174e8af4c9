//! The one door to the JSONata engine (`baton-jsonata`): parse an expression, evaluate it.
//!
//! Everything else in this crate talks to JSONata through this module only, with this crate's
//! [`Value`]s, so that the engine can stay out of a build (the web app's first load: the cargo
//! feature `jsonata` is off there) and later come from a separately loaded wasm module without
//! touching the rest. Without the feature, [`AVAILABLE`] is false, the reader refuses JSONata
//! definitions with one diagnostic, and nothing here is ever called with an expression.

use std::rc::Rc;

use crate::value::Value;

/// Whether this build can evaluate JSONata.
pub const AVAILABLE: bool = cfg!(feature = "jsonata");

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
            Err(JsonataError {
                code: "unavailable".into(),
                message: format!("JSONata is not in this build of Baton, so '{text}' cannot be read"),
                offset: None,
            })
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
            let _ = (bindings, host);
            Err(JsonataError {
                code: "unavailable".into(),
                message: "JSONata is not in this build of Baton".into(),
                offset: None,
            })
        }
    }
}
