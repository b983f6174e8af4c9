//! The wildcard patterns of `StringMatches`.

use std::rc::Rc;

/// A `StringMatches` pattern: `*` matches any run of characters (including none); `\*` is a literal
/// star and `\\` a literal backslash (in JSON text: `"\\*"`, `"\\\\"`).
#[derive(Clone, Debug)]
pub struct Pattern {
    text: Rc<str>,
    /// The literal text between the stars (one more piece than there are stars), or the
    /// character offset of a backslash that escapes neither `*` nor `\`. AWS accepts such a
    /// definition but fails the execution when the rule runs.
    pieces: Result<Vec<String>, usize>,
}

impl Pattern {
    pub fn new(text: &str) -> Pattern {
        let mut pieces = vec![String::new()];
        let mut chars = text.chars().enumerate();
        let mut bad = None;
        while let Some((at, c)) = chars.next() {
            let piece = match c {
                '*' => {
                    pieces.push(String::new());
                    continue;
                }
                '\\' => match chars.next() {
                    Some((_, e @ ('*' | '\\'))) => e,
                    _ => {
                        bad = Some(at);
                        break;
                    }
                },
                c => c,
            };
            if let Some(last) = pieces.last_mut() {
                last.push(piece);
            }
        }
        Pattern { text: text.into(), pieces: bad.map_or(Ok(pieces), Err) }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The character offset of a backslash that escapes neither `*` nor `\`, if any.
    pub fn stray_backslash(&self) -> Option<usize> {
        self.pieces.as_ref().err().copied()
    }

    /// Whether the whole of `subject` matches; `None` when the pattern itself is malformed.
    ///
    /// Linear in the lengths of the pattern and the subject: the first piece must start the
    /// subject and the last must end it; each piece between them is found at its leftmost place
    /// after the one before (the leftmost place never loses a match a later place would find).
    /// `str::find` searches in linear time, so no input makes this quadratic, as backtracking to
    /// the last star would.
    pub fn matches(&self, subject: &str) -> Option<bool> {
        let pieces = self.pieces.as_ref().ok()?;
        let (first, rest) = pieces.split_first()?;
        let Some((last, middle)) = rest.split_last() else { return Some(subject == first) };
        let Some(inner) = subject.strip_prefix(first.as_str()) else { return Some(false) };
        let Some(mut inner) = inner.strip_suffix(last.as_str()) else { return Some(false) };
        for piece in middle {
            match inner.find(piece.as_str()) {
                Some(at) => inner = &inner[at + piece.len()..],
                None => return Some(false),
            }
        }
        Some(true)
    }
}
