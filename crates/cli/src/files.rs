//! Reading the files baton is given, and saying where in them a problem is.
//!
//! Every problem inside a file is reported as `FILE:LINE:COL: error: MESSAGE`, with columns
//! counted in characters and a leading byte-order mark not counted, as the definition reader
//! counts them: bytes that are not UTF-8, JSON syntax, and what the scenario format or the
//! definition make of the JSON. Definition, input and scenario files may all start with a UTF-8
//! byte-order mark (Windows editors write one). The mark is not part of the text: the definition
//! reader skips it, and baton skips it in every file rather than accept it in one and refuse it
//! in another.

use std::io::Read;
use std::path::Path;

use asl::diagnostic::{Diagnostic, Span};
use sim::excerpt::excerpt_of;

/// Definitions and scenarios baton reads whole. AWS refuses definitions over 1 MB, which is the
/// engine's to say; this bound only keeps `/dev/zero` or a stray disk image from exhausting
/// memory before anything is read.
pub const MAX_FILE_BYTES: u64 = 16 << 20;

/// AWS refuses to start an execution whose input is over 256 KiB, so baton refuses the file
/// before reading it into memory, as StartExecution would.
pub const MAX_INPUT_BYTES: u64 = 256 << 10;

/// Characters of a diagnostic's message a line shows: a message can quote a value of any length.
const MAX_MESSAGE_CHARS: usize = 500;

/// Why a file could not be read as text.
pub enum Unreadable {
    /// The file system refused, or the file is too big: one line, no location.
    Io(String),
    /// The bytes are not UTF-8: a located line.
    NotText(String),
}

/// A path as messages show it (paths are long by nature, but not 14 MB).
pub fn shown(path: &Path) -> String {
    excerpt_of(&path.display().to_string(), 300)
}

/// What a file is to baton: it names the file in messages and bounds its size.
#[derive(Clone, Copy, PartialEq)]
pub enum Kind {
    Definition,
    Input,
    Scenario,
    /// Step Functions Local's `MockConfigFile.json`.
    MockConfig,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Definition => "definition",
            Kind::Input => "input",
            Kind::Scenario => "scenario",
            Kind::MockConfig => "mock configuration file",
        }
    }

    fn too_big(self, path: &Path) -> String {
        match self {
            Kind::Input => format!(
                "the input '{}' is larger than 262,144 bytes (256 KiB), AWS's limit for an execution input",
                shown(path)
            ),
            _ => format!(
                "the {} '{}' is larger than {} MiB, which baton does not read",
                self.name(),
                shown(path),
                MAX_FILE_BYTES >> 20
            ),
        }
    }
}

/// The whole text of a file, byte-order mark included (strip it with [`json_text`]).
pub fn read_text(path: &Path, kind: Kind) -> Result<String, Unreadable> {
    let cannot =
        |e: std::io::Error| Unreadable::Io(format!("cannot read the {} '{}': {e}", kind.name(), shown(path)));
    let max = if kind == Kind::Input { MAX_INPUT_BYTES } else { MAX_FILE_BYTES };
    let file = std::fs::File::open(path).map_err(cannot)?;
    let mut bytes = Vec::new();
    // The byte-order mark is not part of the text, so it does not count.
    file.take(max + 4).read_to_end(&mut bytes).map_err(cannot)?;
    let mark = if bytes.starts_with("\u{feff}".as_bytes()) { 3 } else { 0 };
    if (bytes.len() - mark) as u64 > max {
        return Err(Unreadable::Io(kind.too_big(path)));
    }
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let bad = e.utf8_error().valid_up_to();
        let valid = std::str::from_utf8(&bytes[..bad]).unwrap_or_default();
        let (line, column) = line_col(valid, bad);
        let message = format!("the text is not UTF-8: byte 0x{:02X} does not belong here", bytes[bad]);
        Unreadable::NotText(located(path, line, column, &message))
    })
}

/// The JSON text of a file: without its byte-order mark.
pub fn json_text(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// 1-based line and column (in characters, the byte-order mark not counted) of a byte offset.
fn line_col(text: &str, byte: usize) -> (usize, usize) {
    let before = &text[..byte];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.matches('\n').count() + 1;
    let mut line_text = &before[line_start..];
    if line_start == 0 {
        line_text = line_text.strip_prefix('\u{feff}').unwrap_or(line_text);
    }
    (line, line_text.chars().count() + 1)
}

/// `FILE:LINE:COL: error: MESSAGE`.
pub fn located(path: &Path, line: usize, column: usize, message: &str) -> String {
    format!("{}:{line}:{column}: error: {}", path.display(), excerpt_of(message, MAX_MESSAGE_CHARS))
}

/// A diagnostic's first line, `FILE:LINE:COL: SEVERITY: MESSAGE`, as [`asl::source::render`]
/// begins; built here because rendering the caret line costs a pass over the source line, for
/// every diagnostic of a one-line definition.
pub fn diagnostic_line(path: &Path, d: &Diagnostic) -> String {
    let message = excerpt_of(&d.message, MAX_MESSAGE_CHARS);
    match d.span {
        Some(Span { line, column, .. }) => {
            format!("{}:{line}:{column}: {}: {message}", path.display(), d.severity)
        }
        None if d.pointer.is_empty() => format!("{}: {}: {message}", path.display(), d.severity),
        None => format!("{}: {}: {message} (at {})", path.display(), d.severity, excerpt_of(&d.pointer, 120)),
    }
}

/// Where a problem with the JSON value at `pointer` sits in `text`, as a located line. The text
/// is read again with the definition reader, which keeps positions (only when there is a problem
/// to place): a member is pointed at by its name (an unknown field, a misspelt state), a list's
/// element at itself.
pub fn locate_pointer(path: &Path, text: &str, pointer: &str, message: &str) -> String {
    match asl::source::parse(text) {
        Ok((_, map)) => {
            let span = map.locate(pointer);
            located(path, span.line, span.column, message)
        }
        Err(_) => located(path, 1, 1, message),
    }
}

/// Where a JSON syntax error is, as a located line: the definition reader's message and place
/// (it words errors for people), or serde_json's when only serde_json refuses the text (its
/// nesting limit is the lower one).
pub fn syntax_error(path: &Path, text: &str, serde: &serde_json::Error) -> String {
    match asl::source::parse(text) {
        Err(e) => located(path, e.span.line, e.span.column, &e.message),
        Ok(_) => {
            let message = serde.to_string();
            // serde_json ends its messages with the place, which the line already says.
            let message = message.split(" at line ").next().unwrap_or_default();
            located(path, serde.line().max(1), serde.column().max(1), message)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_after_the_byte_order_mark() {
        assert_eq!(line_col("abc", 3), (1, 4));
        assert_eq!(line_col("\u{feff}ab", 5), (1, 3));
        assert_eq!(line_col("a\né", 4), (2, 2));
    }
}
