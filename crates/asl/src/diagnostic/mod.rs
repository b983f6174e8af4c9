//! Problems found in a definition, as data.
//!
//! Deep code reports a problem against a JSON pointer only; the byte range, line and column are
//! attached once, from the source map built while reading the JSON ([`crate::source`]). Rendering
//! (a caret line in the terminal, a squiggle in the editor) belongs to the CLI and the app.

use std::fmt;

mod codes;

pub use codes::Code;

/// How many problems reading a definition reports at most; the rest are dropped. Each carries a
/// pointer that can be nearly as long as the text, so without a bound a list of many bad items
/// under a long name would hold the name once per item. Nobody reads past the first thousand.
pub const MAX_DIAGNOSTICS: usize = 1000;

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
    /// The rule, such as `missing-field` or `unreachable-state` (see [`Code`] for all of them).
    pub code: Code,
    pub message: String,
    /// RFC 6901 pointer to the offending value, such as `/States/Approve/Next`.
    pub pointer: String,
    /// Where the pointer's value sits in the source, once attached.
    pub span: Option<Span>,
    /// For a problem inside a string (a JSONata syntax error): how many characters of the
    /// string's decoded text come before it. Attaching then places the span there.
    pub offset: Option<usize>,
}

impl Diagnostic {
    pub fn error(code: Code, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            pointer: pointer.into(),
            span: None,
            offset: None,
        }
    }

    /// An error inside the string at `pointer`, `offset` characters into its text.
    pub fn error_in_string(
        code: Code,
        pointer: impl Into<String>,
        offset: usize,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic { offset: Some(offset), ..Diagnostic::error(code, pointer, message) }
    }

    pub fn warning(code: Code, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            code,
            message: message.into(),
            pointer: pointer.into(),
            span: None,
            offset: None,
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// `text` as a message quotes it: whole when short, else its first 200 characters and an
/// ellipsis, so that a hostile 100 KB path does not make each message about it 100 KB long.
pub fn abbreviate(text: &str) -> std::borrow::Cow<'_, str> {
    const SHOWN: usize = 200;
    match text.char_indices().nth(SHOWN) {
        None => text.into(),
        Some((cut, _)) => format!("{}…", &text[..cut]).into(),
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
    fn long_texts_are_abbreviated_in_messages() {
        assert_eq!(abbreviate("$.a"), "$.a");
        let long = "é".repeat(300);
        assert_eq!(abbreviate(&long), format!("{}…", "é".repeat(200)));
    }

    #[test]
    fn pointer_members_are_escaped() {
        assert_eq!(pointer_join("/States", "a/b~c"), "/States/a~1b~0c");
        assert_eq!(pointer_join("", "States"), "/States");
    }
}
