//! Problems found in a definition, as data.
//!
//! Deep code reports a problem against a JSON pointer only; the byte range, line and column are
//! attached once, from the source map built while reading the JSON ([`crate::source`]). Rendering
//! (a caret line in the terminal, a squiggle in the editor) belongs to the CLI and the app.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// A byte range in the source text, with the 1-based line and column of its start.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub line: usize,
    pub column: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A stable, greppable name for the rule, such as `missing-field` or `unreachable-state`.
    pub code: &'static str,
    pub message: String,
    /// RFC 6901 pointer to the offending value, such as `/States/Approve/Next`.
    pub pointer: String,
    /// Where the pointer's value sits in the source, once attached.
    pub span: Option<Span>,
}

impl Diagnostic {
    pub fn error(code: &'static str, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            pointer: pointer.into(),
            span: None,
        }
    }

    pub fn warning(code: &'static str, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            code,
            message: message.into(),
            pointer: pointer.into(),
            span: None,
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Appends a member name to a JSON pointer, escaping `~` and `/` as RFC 6901 requires.
pub fn pointer_join(base: &str, member: &str) -> String {
    let mut out = String::with_capacity(base.len() + member.len() + 1);
    out.push_str(base);
    out.push('/');
    for c in member.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_members_are_escaped() {
        assert_eq!(pointer_join("/States", "a/b~c"), "/States/a~1b~0c");
        assert_eq!(pointer_join("", "States"), "/States");
    }
}
