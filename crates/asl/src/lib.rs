//! The Amazon States Language and a deterministic execution core.
//!
//! The pipeline, one module per stage:
//! [`source`] (JSON text -> [`Value`] + source map) -> [`model`] (typed state machine, with
//! [`Diagnostic`]s) -> [`validate`] (whole-machine checks) -> [`exec`] (an execution on a virtual
//! clock, emitting an AWS-shaped event [`history`]). [`compile`] runs the first three on a
//! definition's text, once; every host (CLI, web app, simulator) starts from its [`Compiled`].
//! The small languages inside a definition each have their own module: [`path`] (JSONPath),
//! [`intrinsics`] (`States.Format(...)` and friends), [`template`] (payload templates with `.$` keys)
//! and [`choice`] (Choice rules); in JSONata states, [`query`] (values with `{% %}` expressions),
//! whose only door to the JSONata engine is [`jsonata`] (the cargo feature `jsonata`, on by
//! default; without it a JSONata definition gets one diagnostic).
//!
//! No wall clock, no global randomness, no browser: time and outside events arrive as method calls,
//! randomness comes from a seeded [`rng::Rng`].
#![forbid(unsafe_code)]

pub mod choice;
pub mod dataflow;
pub mod diagnostic;
pub mod env;
pub mod error_name;
pub mod exec;
pub mod history;
pub mod intrinsics;
pub mod java;
pub mod jsonata;
pub mod model;
pub mod number;
pub mod path;
pub mod query;
pub mod rng;
pub mod source;
pub mod template;
pub mod time;
pub mod validate;
pub mod value;

use std::cell::OnceCell;
use std::rc::Rc;

pub use diagnostic::{Code, Diagnostic, Severity, Span};
pub use error_name::ErrorName;
/// Stable sorts through one shared instance of the standard sort (for the web app's size).
pub use sort;
pub use value::{Map, Value};

use model::StateMachine;
use source::SourceMap;

/// A definition's text, read once: its JSON value and source map, the machine when the text is a
/// valid definition, and every diagnostic, located and in text order. Hosts hold it in an `Rc`
/// and hand it to whatever needs the definition, so nothing reads the text a second time.
#[derive(Debug)]
pub struct Compiled {
    text: Rc<str>,
    /// `None` when the text is not JSON (its syntax error is then the only diagnostic).
    source: Option<(Value, SourceMap)>,
    machine: Option<Rc<StateMachine>>,
    diagnostics: Vec<Diagnostic>,
    /// The value as serde_json's, for the drawings; converted on first use, then shared.
    json: OnceCell<Option<Rc<serde_json::Value>>>,
}

/// The longest definition AWS accepts, in bytes of UTF-8: CreateStateMachine's `definition` has a
/// maximum length of 1,048,576 (ASL-SEMANTICS §10, "definition size 1 MB"). Longer texts are not
/// read at all, which also bounds the memory and time every later stage can spend on one.
pub const MAX_DEFINITION_BYTES: usize = 1 << 20;

/// Reads, validates and locates a definition's text: [`source::parse`], then [`load`], then the
/// source map's places for every diagnostic.
pub fn compile(text: &str) -> Compiled {
    let text: Rc<str> = text.into();
    if text.len() > MAX_DEFINITION_BYTES {
        let diagnostics = vec![too_large(&text)];
        return Compiled { text, source: None, machine: None, diagnostics, json: OnceCell::new() };
    }
    let (source, machine, diagnostics) = match source::parse(&text) {
        Err(e) => (None, None, vec![e.to_diagnostic()]),
        Ok((value, map)) => {
            let (machine, mut diags) = load(&value);
            diags.extend(map.duplicate_keys().iter().cloned());
            map.attach(&mut diags);
            sort::by_key(&mut diags, |d| (d.span.map_or(0, |s| s.start), d.severity));
            // A duplicate key is an error the machine itself cannot see.
            let machine = machine.filter(|_| !diags.iter().any(Diagnostic::is_error)).map(Rc::new);
            (Some((value, map)), machine, diags)
        }
    };
    Compiled { text, source, machine, diagnostics, json: OnceCell::new() }
}

/// The diagnostic for a text over [`MAX_DEFINITION_BYTES`], placed where the text passes the limit.
fn too_large(text: &str) -> Diagnostic {
    let mut start = MAX_DEFINITION_BYTES;
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let before = &text[..start];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let column = before[line_start..].trim_start_matches('\u{feff}').chars().count() + 1;
    Diagnostic {
        severity: Severity::Error,
        code: Code::DefinitionTooLarge,
        message: format!(
            "the definition is {} bytes long; AWS accepts at most {MAX_DEFINITION_BYTES} bytes (1 MiB), so it is not read",
            text.len()
        ),
        pointer: String::new(),
        span: Some(Span { start, end: text.len(), line, column }),
        offset: None,
    }
}

/// Reads and validates a definition that is JSON already ([`model::read`], then
/// [`validate::check`]). Returns the machine when there are no errors (warnings may remain). The
/// diagnostics carry pointers only: without text there is nothing to locate them in.
pub fn load(definition: &Value) -> (Option<StateMachine>, Vec<Diagnostic>) {
    let (machine, mut diags) = model::read(definition);
    if let Some(machine) = &machine {
        validate::check(machine, &mut diags);
    }
    let valid = !diags.iter().any(Diagnostic::is_error);
    (machine.filter(|_| valid), diags)
}

impl Compiled {
    /// The text that was compiled.
    pub fn text(&self) -> &Rc<str> {
        &self.text
    }

    /// The definition as JSON, unless the text is not JSON.
    pub fn value(&self) -> Option<&Value> {
        self.source.as_ref().map(|(value, _)| value)
    }

    /// Where each value of [`Self::value`] sits in the text.
    pub fn source_map(&self) -> Option<&SourceMap> {
        self.source.as_ref().map(|(_, map)| map)
    }

    /// The machine, when the definition has no errors.
    pub fn machine(&self) -> Option<&Rc<StateMachine>> {
        self.machine.as_ref()
    }

    /// Every syntax error, problem and warning, sorted by place.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// [`Self::value`] as serde_json's value, the form the drawings (`baton-diagram`) read:
    /// converted once, on first use.
    pub fn json(&self) -> Option<Rc<serde_json::Value>> {
        self.json.get_or_init(|| self.value().map(|v| Rc::new(serde_json::Value::from(v)))).clone()
    }
}

/// Two compilations of the same text are the same: compiling is deterministic.
impl PartialEq for Compiled {
    fn eq(&self, other: &Compiled) -> bool {
        self.text == other.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_valid_definition_compiles_to_a_machine() {
        let c = compile(r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}"#);
        assert!(c.machine().is_some() && c.diagnostics().is_empty());
        assert_eq!(c.value().and_then(|v| v.get("StartAt")).and_then(Value::as_str), Some("A"));
        assert!(c.source_map().and_then(|m| m.key_span("/States/A")).is_some());
        assert_eq!(c.json().and_then(|j| j["StartAt"].as_str().map(str::to_string)).as_deref(), Some("A"));
    }

    #[test]
    fn problems_are_located_and_sorted_and_keep_the_machine_out() {
        let text = "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": \"Z\"},\n \"A\": {\"Type\": \"Pass\", \"End\": true}}}";
        let c = compile(text);
        assert!(c.machine().is_none() && c.has_errors());
        let codes: Vec<Code> = c.diagnostics().iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::DuplicateKey], "the later A wins, so only the duplicate is wrong");
        assert_eq!(c.diagnostics()[0].span.map(|s| s.line), Some(2));
    }

    #[test]
    fn text_that_is_not_json_has_its_syntax_error_only() {
        let c = compile("{\"StartAt\": ");
        assert!(c.value().is_none() && c.source_map().is_none() && c.json().is_none());
        assert_eq!(c.diagnostics().iter().map(|d| d.code).collect::<Vec<_>>(), [Code::JsonSyntax]);
    }

    #[test]
    fn compiling_parses_the_text_once() {
        let before = source::parse_count();
        let c = compile(r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}"#);
        let _ = (c.json(), c.json());
        assert_eq!(source::parse_count() - before, 1);
    }
}
