//! Places in a text: lines and columns as the definition reader counts them (1-based, columns in
//! characters, a leading byte-order mark not counted), the YAML parser's character offsets as
//! bytes, and where the n-th character of a string's value is written in the source.

use asl::Span;

use crate::node::{Scalar, Style};

/// Byte offsets where the lines of a text start.
pub struct Lines<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> Lines<'t> {
    pub fn new(text: &'t str) -> Lines<'t> {
        let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
        let mut starts = vec![bom];
        starts.extend(text.bytes().enumerate().filter(|&(_, b)| b == b'\n').map(|(i, _)| i + 1));
        Lines { text, starts }
    }

    /// 1-based line and column (in characters) of a byte offset, clamped to the text.
    pub fn line_col(&self, byte: usize) -> (usize, usize) {
        let byte = floor_boundary(self.text, byte);
        let index = self.starts.partition_point(|&s| s <= byte).saturating_sub(1);
        let start = self.starts[index].min(byte);
        (index + 1, self.text[start..byte].chars().count() + 1)
    }

    pub fn span(&self, (start, end): (usize, usize)) -> Span {
        let start = floor_boundary(self.text, start);
        let end = floor_boundary(self.text, end.max(start));
        let (line, column) = self.line_col(start);
        Span { start, end, line, column }
    }
}

pub fn floor_boundary(text: &str, byte: usize) -> usize {
    let mut byte = byte.min(text.len());
    while !text.is_char_boundary(byte) {
        byte -= 1;
    }
    byte
}

/// Turns the YAML parser's character offsets into byte offsets: a checkpoint every 64
/// characters, so one conversion walks 63 characters at most (and an ASCII text none).
pub struct CharIndex<'t> {
    text: &'t str,
    ascii: bool,
    checkpoints: Vec<usize>,
}

const STRIDE: usize = 64;

impl<'t> CharIndex<'t> {
    pub fn new(text: &'t str) -> CharIndex<'t> {
        let ascii = text.is_ascii();
        let checkpoints = match ascii {
            true => Vec::new(),
            false => text.char_indices().step_by(STRIDE).map(|(i, _)| i).collect(),
        };
        CharIndex { text, ascii, checkpoints }
    }

    pub fn byte(&self, char_index: usize) -> usize {
        if self.ascii {
            return char_index.min(self.text.len());
        }
        let Some(&from) = self.checkpoints.get(char_index / STRIDE) else { return self.text.len() };
        let rest = char_index % STRIDE;
        self.text[from..].char_indices().nth(rest).map_or(self.text.len(), |(i, _)| from + i)
    }
}

/// Where a scalar's characters start, given the byte where the YAML node starts (its tag or
/// anchor, if any): past `!Tag` and `&anchor`, past the opening quote, or on the line after a
/// block scalar's header. Also the block's indentation.
pub fn content_start(source: &str, node_start: usize, style: Style) -> (usize, usize) {
    let bytes = source.as_bytes();
    let mut p = node_start;
    while matches!(bytes.get(p), Some(b'!' | b'&')) {
        while bytes.get(p).is_some_and(|b| !b.is_ascii_whitespace()) {
            p += 1;
        }
        while matches!(bytes.get(p), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            p += 1;
        }
    }
    match style {
        Style::Single | Style::Double if matches!(bytes.get(p), Some(b'\'' | b'"')) => (p + 1, 0),
        Style::Literal | Style::Folded if !matches!(bytes.get(p), Some(b'|' | b'>')) => {
            // The parser's place is the content itself (without a tag, it skips the header).
            let line_start = source[..p].rfind('\n').map_or(0, |i| i + 1);
            (p, p - line_start)
        }
        Style::Literal | Style::Folded => {
            let Some(newline) = source[p..].find('\n') else { return (source.len(), 0) };
            let mut line = p + newline + 1;
            // The indentation is the first non-blank line's.
            loop {
                let indent = bytes[line..].iter().take_while(|&&b| b == b' ').count();
                match bytes.get(line + indent) {
                    Some(b'\n') => line += indent + 1,
                    Some(b'\r') if bytes.get(line + indent + 1) == Some(&b'\n') => line += indent + 2,
                    _ => return (line + indent, indent),
                }
            }
        }
        _ => (p, 0),
    }
}

/// The byte in `source` where the character `target` characters into the scalar's value is
/// written, following the value and the source in step: a character written as itself, an
/// escape (`\n`, `\u00e9`, `''`), a line break folded into a space, a block's indentation.
/// `None` where the two stop agreeing (a form this walk does not follow): the caller then points
/// at the whole scalar.
pub fn locate_char(source: &str, scalar: &Scalar, target: usize) -> Option<usize> {
    if scalar.style == Style::Synthetic {
        return None;
    }
    let value = &*scalar.text;
    let src = source.as_bytes();
    let mut j = scalar.content;
    let mut chars = value.chars().peekable();
    let mut done = 0;
    while done < target {
        let c = *chars.peek()?;
        let d = source.get(j..)?.chars().next()?;
        match (scalar.style, d) {
            (Style::Double, '\\') => {
                let len = match src.get(j + 1)? {
                    b'u' if (c as u32) > 0xFFFF && src.get(j + 6..j + 8) == Some(b"\\u") => 12,
                    b'u' => 6,
                    b'U' => 10,
                    b'x' => 4,
                    b'\n' | b'\r' => {
                        // A line continuation: no character of the value.
                        j += 2;
                        while matches!(src.get(j), Some(b' ' | b'\t' | b'\n' | b'\r')) {
                            j += 1;
                        }
                        continue;
                    }
                    _ => 2,
                };
                j += len;
            }
            (Style::Single, '\'') if c == '\'' && src.get(j + 1) == Some(&b'\'') => j += 2,
            (Style::Literal, '\r' | '\n') if c == '\n' => {
                j += if d == '\r' { 2 } else { 1 };
                let mut skipped = 0;
                while skipped < scalar.indent && src.get(j) == Some(&b' ') {
                    j += 1;
                    skipped += 1;
                }
            }
            (_, '\r' | '\n') => {
                // A run of line breaks: one is a space, n of them n - 1 newlines.
                let mut breaks = 0;
                while let Some(&b) = src.get(j) {
                    match b {
                        b'\n' => breaks += 1,
                        b'\r' | b' ' | b'\t' => {}
                        _ => break,
                    }
                    j += 1;
                }
                let folded = if breaks <= 1 { 1 } else { breaks - 1 };
                for _ in 0..folded {
                    match chars.next()? {
                        ' ' | '\n' => done += 1,
                        _ => return None,
                    }
                }
                continue;
            }
            (style, ' ' | '\t')
                if style != Style::Literal && {
                    // Spaces before a folded line break are not part of the value.
                    let mut k = j;
                    while matches!(src.get(k), Some(b' ' | b'\t')) {
                        k += 1;
                    }
                    matches!(src.get(k), Some(b'\n' | b'\r')) || c != d
                } =>
            {
                while matches!(src.get(j), Some(b' ' | b'\t')) {
                    j += 1;
                }
                continue;
            }
            _ if c == d => j += d.len_utf8(),
            _ => return None,
        }
        chars.next();
        done += 1;
    }
    Some(j)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::rc::Rc;

    fn scalar(source: &str, start: usize, style: Style, text: &str) -> Scalar {
        let (content, indent) = content_start(source, start, style);
        Scalar { text: Rc::from(text), style, content, indent, untyped: false }
    }

    #[test]
    fn lines_and_columns_count_characters_after_the_mark() {
        let lines = Lines::new("\u{feff}ab\néc");
        assert_eq!(lines.line_col(3), (1, 1));
        assert_eq!(lines.line_col(6), (2, 1));
        assert_eq!(lines.line_col(8), (2, 2));
    }

    #[test]
    fn character_offsets_become_bytes() {
        let text = "é".repeat(200);
        let index = CharIndex::new(&text);
        assert_eq!(index.byte(0), 0);
        assert_eq!(index.byte(130), 260);
        assert_eq!(index.byte(200), 400);
        assert_eq!(CharIndex::new("abc").byte(2), 2);
    }

    #[test]
    fn characters_are_found_through_escapes_and_folds() {
        let src = r#"k: !Sub "a\"b\u00e9c""#;
        let s = scalar(src, 3, Style::Double, "a\"béc");
        assert_eq!(locate_char(src, &s, 0), Some(9));
        assert_eq!(locate_char(src, &s, 2), Some(12));
        assert_eq!(locate_char(src, &s, 4), Some(19));

        let src = "k: 'it''s here'";
        let s = scalar(src, 3, Style::Single, "it's here");
        assert_eq!(&src[locate_char(src, &s, 5).unwrap()..], "here'");

        let src = "k: |\n  {\n    \"a\": 1\n  }\n";
        let s = scalar(src, 3, Style::Literal, "{\n  \"a\": 1\n}\n");
        assert_eq!(&src[locate_char(src, &s, 4).unwrap()..], "\"a\": 1\n  }\n");

        let src = "k: plain   \n    folded";
        let s = scalar(src, 3, Style::Plain, "plain folded");
        assert_eq!(&src[locate_char(src, &s, 6).unwrap()..], "folded");
        // Disagreement: no place rather than a wrong one.
        let s = scalar(src, 3, Style::Plain, "other");
        assert_eq!(locate_char(src, &s, 2), None);
    }
}
