//! A problem as an editor shows it: located for display and for selection. The engine's diagnostics
//! become problems in the app's state; the editor underlines them and moves them along with edits.

/// One problem in an editor, located for display (`line 12, column 5: ...`) and for selection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub is_error: bool,
    pub code: String,
    pub message: String,
    /// 1-based.
    pub line: usize,
    /// 1-based.
    pub column: usize,
    /// Byte range in the editor's text.
    pub start: usize,
    pub end: usize,
}

impl Problem {
    /// `line 12, column 5: message`, the form used in the problems list and in error notices.
    pub fn located(&self) -> String {
        format!("line {}, column {}: {}", self.line, self.column, self.message)
    }
}
