//! Quoting a user's value inside an error message.
//!
//! Messages echo what they complain about (an unknown field, a state name, a path), and that value
//! can be a 14 MB line: a message quotes at most an excerpt, on one line, so that the message
//! stays readable and a terminal or CI log is not flooded.

/// Characters of a value that a message quotes before cutting it with `…`.
pub const EXCERPT_CHARS: usize = 60;

/// `text` as a message quotes it: at most [`EXCERPT_CHARS`] characters, then `…`; control
/// characters (a newline would break the one-line message) written as escapes.
pub fn excerpt(text: &str) -> String {
    excerpt_of(text, EXCERPT_CHARS)
}

/// [`excerpt`] with another length, for values that are long by nature (file paths).
pub fn excerpt_of(text: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max_chars * 2));
    for (i, c) in text.chars().enumerate() {
        if i == max_chars {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_are_cut_and_control_characters_escaped() {
        assert_eq!(excerpt("Approve"), "Approve");
        assert_eq!(excerpt(&"x".repeat(14_000_000)), format!("{}…", "x".repeat(EXCERPT_CHARS)));
        assert_eq!(excerpt(&"é".repeat(61)), format!("{}…", "é".repeat(60)));
        assert_eq!(excerpt("a\nb\u{0}"), "a\\nb\\u{0}");
        assert_eq!(excerpt_of("abcdef", 3), "abc…");
    }
}
