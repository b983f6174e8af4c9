//! The editing commands of the code editors as pure functions of the text and the selection (byte
//! offsets): indent, outdent, a new line that keeps the indentation, and Format. Each returns an
//! [`Edit`] that the component applies the way typing does, so that the browser's own undo sees it.
//! Also: line offsets, and moving the engine's problems along with an edit until it checks again.

use std::ops::Range;

use super::Problem;

/// The byte offset where each line starts, to find lines without scanning the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lines {
    starts: Vec<usize>,
    len: usize,
}

impl Lines {
    pub fn new(text: &str) -> Lines {
        let mut starts = Vec::with_capacity(text.len() / 24 + 1);
        starts.push(0);
        // `find` of one ASCII character is a memchr: this runs on every keystroke.
        let mut at = 0;
        while let Some(i) = text[at..].find('\n') {
            at += i + 1;
            starts.push(at);
        }
        Lines { starts, len: text.len() }
    }

    /// How many lines (a final line break is followed by an empty last line, as in a textarea).
    pub fn count(&self) -> usize {
        self.starts.len()
    }

    /// The 0-based line that holds byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset) - 1
    }

    /// Line `n` (0-based), without its line break.
    pub fn range(&self, n: usize) -> Range<usize> {
        let start = self.starts[n];
        let end = self.starts.get(n + 1).map_or(self.len, |next| next - 1);
        start..end
    }
}

/// Replace `start..end` with `insert`, then select `select` (offsets in the text after the edit).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub start: usize,
    pub end: usize,
    pub insert: String,
    pub select: (usize, usize),
}

impl Edit {
    /// The text after the edit.
    pub fn apply(&self, text: &str) -> String {
        format!("{}{}{}", &text[..self.start], self.insert, &text[self.end..])
    }
}

pub const INDENT: &str = "  ";

/// The lines a selection touches: from the start of its first line to the end of its last (a
/// selection that ends at the very start of a line does not touch that line).
fn touched_lines(text: &str, (start, end): (usize, usize)) -> Range<usize> {
    let from = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let last = if end > start && text[..end].ends_with('\n') { end - 1 } else { end };
    let to = text[last..].find('\n').map_or(text.len(), |i| last + i);
    from..to
}

/// Tab: two spaces at the caret; with a selection, two more spaces before every line it touches
/// (blank lines stay blank).
pub fn indent(text: &str, (start, end): (usize, usize)) -> Edit {
    if start == end {
        let at = start + INDENT.len();
        return Edit { start, end, insert: INDENT.into(), select: (at, at) };
    }
    let block = touched_lines(text, (start, end));
    let mut insert = String::with_capacity(block.len() + 32);
    let (mut new_start, mut new_end) = (start, end);
    let mut at = block.start;
    for (i, line) in text[block.clone()].split('\n').enumerate() {
        if i > 0 {
            insert.push('\n');
        }
        if !line.trim().is_empty() {
            insert.push_str(INDENT);
            if i == 0 && start > block.start {
                new_start += INDENT.len();
            }
            if at < end {
                new_end += INDENT.len();
            }
        }
        insert.push_str(line);
        at += line.len() + 1;
    }
    Edit { start: block.start, end: block.end, insert, select: (new_start, new_end) }
}

/// Shift+Tab: up to two leading spaces (or one tab) fewer on every line the selection touches;
/// `None` when there is nothing to take away.
pub fn outdent(text: &str, (start, end): (usize, usize)) -> Option<Edit> {
    let block = touched_lines(text, (start, end));
    let mut insert = String::with_capacity(block.len());
    let (mut new_start, mut new_end) = (start, end);
    let mut removed_any = false;
    let mut at = block.start;
    for (i, line) in text[block.clone()].split('\n').enumerate() {
        if i > 0 {
            insert.push('\n');
        }
        let cut =
            if line.starts_with('\t') { 1 } else { line.bytes().take(2).take_while(|&b| b == b' ').count() };
        removed_any |= cut > 0;
        // Offsets inside the removed spaces land where the spaces were.
        let moved = |offset: usize| if offset <= at { 0 } else { (offset - at).min(cut) };
        new_start -= moved(start);
        new_end -= moved(end);
        insert.push_str(&line[cut..]);
        at += line.len() + 1;
    }
    removed_any.then_some(Edit { start: block.start, end: block.end, insert, select: (new_start, new_end) })
}

/// Enter: a line break, then the current line's indentation, one level more after an opening
/// bracket. Between a pair of brackets (`{|}`) the closing one moves to its own line.
pub fn newline(text: &str, (start, end): (usize, usize)) -> Edit {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let indent: String = text[line_start..start].chars().take_while(|&c| c == ' ' || c == '\t').collect();
    let before = text[line_start..start].trim_end().bytes().last();
    let after = text[end..].bytes().find(|&b| b != b' ' && b != b'\t');
    let mut insert = format!("\n{indent}");
    if let Some(open @ (b'{' | b'[')) = before {
        insert.push_str(INDENT);
        let caret = start + insert.len();
        if after == Some(if open == b'{' { b'}' } else { b']' }) {
            insert.push('\n');
            insert.push_str(&indent);
        }
        return Edit { start, end, insert, select: (caret, caret) };
    }
    let caret = start + insert.len();
    Edit { start, end, insert, select: (caret, caret) }
}

/// The smallest edit that turns `old` into `new` (one changed stretch between a common beginning
/// and a common end), so that applying a whole new text disturbs as little as possible. The caret
/// goes to the end of the changed stretch.
pub fn replace_all(old: &str, new: &str) -> Edit {
    let mut prefix = common_prefix(old.as_bytes(), new.as_bytes(), false);
    while !old.is_char_boundary(prefix) || !new.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let mut suffix = common_prefix(&old.as_bytes()[prefix..], &new.as_bytes()[prefix..], true);
    while !old.is_char_boundary(old.len() - suffix) || !new.is_char_boundary(new.len() - suffix) {
        suffix -= 1;
    }
    let insert = new[prefix..new.len() - suffix].to_string();
    let caret = prefix + insert.len();
    Edit { start: prefix, end: old.len() - suffix, insert, select: (caret, caret) }
}

/// How many bytes `a` and `b` have in common at their start (or, `from_end`, at their end).
/// Compared a block at a time, so that a keystroke in a long text costs little.
fn common_prefix(a: &[u8], b: &[u8], from_end: bool) -> usize {
    const BLOCK: usize = 64;
    let n = a.len().min(b.len());
    let (a, b) = if from_end { (&a[a.len() - n..], &b[b.len() - n..]) } else { (&a[..n], &b[..n]) };
    let same = |i: usize, len: usize| {
        if from_end {
            a[n - i - len..n - i] == b[n - i - len..n - i]
        } else {
            a[i..i + len] == b[i..i + len]
        }
    };
    let mut i = 0;
    while i + BLOCK <= n && same(i, BLOCK) {
        i += BLOCK;
    }
    while i < n && same(i, 1) {
        i += 1;
    }
    i
}

/// Pretty-prints JSON with two-space indentation, keeping the members' order and every number and
/// string exactly as written (`1.0` stays `1.0`, `"\u00e9"` stays escaped). Empty objects and
/// arrays stay `{}` and `[]`; a final line break is kept if there was one.
///
/// The text is checked with the engine's reader first; the error says where it is not JSON.
pub fn format_json(text: &str) -> Result<String, String> {
    asl::source::parse(text)
        .map_err(|e| format!("line {}, column {}: {}", e.span.line, e.span.column, e.message))?;
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let mut depth = 0usize;
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str(INDENT);
        }
    };
    let next_significant =
        |from: usize| b[from..].iter().position(|c| !c.is_ascii_whitespace()).map(|k| b[from + k]);
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            c if c.is_ascii_whitespace() => i += 1,
            c @ (b'{' | b'[') => {
                out.push(c as char);
                i += 1;
                let close = if c == b'{' { b'}' } else { b']' };
                if next_significant(i) == Some(close) {
                    let k = b[i..].iter().position(|&x| x == close).unwrap_or(0);
                    out.push(close as char);
                    i += k + 1;
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            c @ (b'}' | b']') => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c as char);
                i += 1;
            }
            b',' => {
                out.push(',');
                newline(&mut out, depth);
                i += 1;
            }
            b':' => {
                out.push_str(": ");
                i += 1;
            }
            b'"' => {
                let start = i;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
                out.push_str(&text[start..i]);
            }
            _ => {
                // A number or a literal (or the byte-order mark the reader allows): as written.
                let start = i;
                while i < b.len() && !matches!(b[i], b',' | b'}' | b']' | b':') && !b[i].is_ascii_whitespace()
                {
                    i += 1;
                }
                out.push_str(&text[start..i]);
            }
        }
    }
    if text.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
}

/// The problems of `old` moved along with the edit that made `new`: those before the changed
/// stretch stay, those after it shift by its change in length and lines, and those inside it shrink
/// to its start. The engine's next check (debounced) replaces them; until then the underlines stay
/// on the text they were about instead of sliding off it.
pub fn shift_problems(old: &str, new: &str, problems: &[Problem]) -> Vec<Problem> {
    if problems.is_empty() {
        return Vec::new();
    }
    let edit = replace_all(old, new);
    let old_end = edit.end;
    let new_end = edit.start + edit.insert.len();
    let lines_added =
        edit.insert.matches('\n').count() as isize - old[edit.start..old_end].matches('\n').count() as isize;
    // Text typed right at a problem's start goes before it; right at its end, after it.
    let shift = |offset: usize, is_start: bool| -> usize {
        if offset < edit.start || (offset == edit.start && !is_start) {
            offset
        } else if offset >= old_end {
            offset - old_end + new_end
        } else {
            edit.start
        }
    };
    problems
        .iter()
        .map(|p| {
            let (start, end) = (shift(p.start, true), shift(p.end, false));
            let mut moved = Problem { start, end: end.max(start), ..p.clone() };
            if start != p.start {
                let line_start = new[..start.min(new.len())].rfind('\n').map_or(0, |i| i + 1);
                moved.column = new[line_start..start.min(new.len())].chars().count() + 1;
                if p.start >= old_end {
                    moved.line = (p.line as isize + lines_added).max(1) as usize;
                } else {
                    moved.line = new[..start.min(new.len())].matches('\n').count() + 1;
                }
            }
            moved
        })
        .collect()
}

/// The byte offset of a UTF-16 offset (what a textarea's selection API counts) in `text`.
pub fn byte_offset(text: &str, utf16: u32) -> usize {
    // Definitions are mostly ASCII, where both count the same.
    let ascii = (utf16 as usize).min(text.len());
    if text.as_bytes()[..ascii].is_ascii() {
        return ascii;
    }
    let mut units = 0u32;
    for (i, c) in text.char_indices() {
        if units >= utf16 {
            return i;
        }
        units += c.len_utf16() as u32;
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `text` with `|` for the caret, or `[` `]` around the selection.
    fn parse(marked: &str) -> (String, (usize, usize)) {
        if let Some(at) = marked.find('|') {
            return (marked.replacen('|', "", 1), (at, at));
        }
        let start = marked.find('[').unwrap();
        let end = marked.find(']').unwrap() - 1;
        (marked.replacen('[', "", 1).replacen(']', "", 1), (start, end))
    }

    fn show(text: &str, edit: &Edit) -> String {
        let mut after = edit.apply(text);
        let (s, e) = edit.select;
        if s == e {
            after.insert(s, '|');
        } else {
            after.insert(e, ']');
            after.insert(s, '[');
        }
        after
    }

    fn run(f: impl Fn(&str, (usize, usize)) -> Edit, marked: &str) -> String {
        let (text, sel) = parse(marked);
        show(&text, &f(&text, sel))
    }

    #[test]
    fn lines_are_found_by_offset() {
        let lines = Lines::new("ab\n\ncd\n");
        assert_eq!(lines.count(), 4);
        assert_eq!((lines.line_of(0), lines.line_of(2), lines.line_of(3), lines.line_of(4)), (0, 0, 1, 2));
        assert_eq!(
            (lines.range(0), lines.range(1), lines.range(2), lines.range(3)),
            (0..2, 3..3, 4..6, 7..7)
        );
    }

    #[test]
    fn tab_indents() {
        assert_eq!(run(indent, "a|b"), "a  |b");
        assert_eq!(run(indent, "x\na[b\n\nc]d\ny"), "x\n  a[b\n\n  c]d\ny");
        assert_eq!(run(indent, "[ab\n]cd"), "[  ab\n]cd");
    }

    #[test]
    fn shift_tab_outdents() {
        let out = |text: &str, sel| outdent(text, sel).unwrap();
        assert_eq!(run(out, "    a|b"), "  a|b");
        assert_eq!(run(out, " |ab"), "|ab");
        assert_eq!(run(out, "  [a\n    b\nc]"), "[a\n  b\nc]");
        assert_eq!(run(out, "\tx|"), "x|");
        assert_eq!(outdent("ab", (1, 1)), None);
    }

    #[test]
    fn enter_keeps_the_indentation() {
        assert_eq!(run(newline, "    \"a\": 1,|"), "    \"a\": 1,\n    |");
        assert_eq!(run(newline, "  \"a\": {|"), "  \"a\": {\n    |");
        assert_eq!(run(newline, "  [|]"), "  [\n    |\n  ]");
        assert_eq!(run(newline, "  {[x]}"), "  {\n    |\n  }");
    }

    #[test]
    fn replacing_touches_only_what_changed() {
        let edit = replace_all("{\"a\":1}", "{\n  \"a\": 1\n}");
        assert_eq!((edit.start, edit.end, edit.insert.as_str()), (1, 6, "\n  \"a\": 1\n"));
        assert_eq!(replace_all("é", "è").insert, "è");
        assert_eq!(replace_all("same", "same").insert, "");
        let long = "x".repeat(300);
        let edit = replace_all(&format!("{long}a{long}"), &format!("{long}bc{long}"));
        assert_eq!((edit.start, edit.end, edit.insert.as_str()), (300, 301, "bc"));
        let edit = replace_all(&format!("{long}{long}"), &format!("{long}y{long}"));
        assert_eq!((edit.start, edit.end, edit.insert.as_str()), (300, 300, "y"));
    }

    #[test]
    fn format_pretty_prints_and_keeps_what_was_written() {
        let text = "{\"b\":1.0,\"a\":[1,{\"x\":\"\\u00e9, [y]\"}],\"e\":{},\"f\":[ ]}\n";
        let want = "{\n  \"b\": 1.0,\n  \"a\": [\n    1,\n    {\n      \"x\": \"\\u00e9, [y]\"\n    }\n  ],\n  \"e\": {},\n  \"f\": []\n}\n";
        assert_eq!(format_json(text).unwrap(), want);
        assert_eq!(format_json(want).unwrap(), want, "formatting twice changes nothing");
        assert_eq!(format_json("  true ").unwrap(), "true");
        assert_eq!(format_json("{\"a\": 1,}").unwrap_err(), format_json("{\"a\": 1,}").unwrap_err());
        assert!(format_json("{\"a\": 1,}").unwrap_err().starts_with("line 1, column "));
    }

    fn problem(start: usize, end: usize, line: usize, column: usize) -> Problem {
        Problem { is_error: true, code: "x".into(), message: "m".into(), line, column, start, end }
    }

    #[test]
    fn problems_move_with_the_text() {
        let old = "{\n  \"a\": x\n}";
        let p = problem(9, 10, 2, 8);
        // Typing before the problem, on its line.
        let new = "{\n  \"a\":  x\n}";
        let moved = &shift_problems(old, new, std::slice::from_ref(&p))[0];
        assert_eq!((moved.start, moved.end, moved.line, moved.column), (10, 11, 2, 9));
        assert_eq!(&new[moved.start..moved.end], "x");
        // A line added above it.
        let new = "{\n\n  \"a\": x\n}";
        let moved = &shift_problems(old, new, std::slice::from_ref(&p))[0];
        assert_eq!((moved.start, moved.line, moved.column), (10, 3, 8));
        // An edit after it changes nothing.
        assert_eq!(shift_problems(old, "{\n  \"a\": x\n}\n", std::slice::from_ref(&p))[0], p);
        // Deleting it leaves an empty range where it was.
        let moved = &shift_problems(old, "{\n  \"a\": \n}", &[p])[0];
        assert_eq!((moved.start, moved.end), (9, 9));
    }

    #[test]
    fn utf16_offsets_become_byte_offsets() {
        assert_eq!(byte_offset("abc", 2), 2);
        assert_eq!(byte_offset("é!", 1), 2);
        assert_eq!(byte_offset("😀x", 2), 4);
        assert_eq!(byte_offset("ab", 9), 2);
    }
}
