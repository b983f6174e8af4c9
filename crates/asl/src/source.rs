//! Reading definition text into a [`Value`] plus a source map.
//!
//! Definitions are written by people, so every problem must point at a line and a column. The
//! rest of the crate reports problems against RFC 6901 pointers only ([`Diagnostic::pointer`]);
//! this module reads the JSON text once, remembers where each value (and each member name) sits,
//! and translates pointers back to places in the text ([`SourceMap::attach`]).
//!
//! The reader is a small hand-written parser rather than serde_json because serde_json keeps no
//! positions. It accepts exactly RFC 8259 JSON (what AWS accepts), plus a
//! leading byte-order mark, and produces the same values serde_json would: numbers go through
//! [`serde_json::Number`]'s own parser so `1` and `1.0` stay distinct. Its error messages are
//! written for people editing by hand (a trailing comma, a missing comma, single quotes, comments
//! and an unclosed bracket each get their own message).
//!
//! It runs in the browser on every keystroke, so it is a single pass with no backtracking; the only
//! per-value cost beyond building the [`Value`] is one entry in the map's tree, of constant size
//! (member names are shared with the value). Nesting is limited to [`MAX_DEPTH`] levels so that a
//! hostile or broken input cannot overflow the stack later on. Texts longer than AWS accepts are
//! refused before they get here ([`crate::MAX_DEFINITION_BYTES`]).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::rc::Rc;

use crate::diagnostic::{Code, Diagnostic, Severity, Span};
use crate::value::{Map, Number, Value};

/// How deeply objects and arrays may nest. Real definitions stay below 30 levels. The reader
/// itself does not recurse, but everything downstream of it does (dropping, comparing and
/// serialising a [`Value`], walking the model), so absurd nesting is refused here, with a message.
/// Values built while running are held to the same limit ([`crate::env::MAX_VALUE_DEPTH`]).
pub const MAX_DEPTH: usize = 512;

/// Where one value sits in the text, as byte ranges (line and column are computed on demand,
/// because most entries are never asked for).
#[derive(Clone, Debug)]
struct Entry {
    value: (usize, usize),
    /// The member name, quotes included, when the value is an object member.
    key: Option<(usize, usize)>,
    /// The container holding the value and the step from it (`None` for the whole document), so
    /// that a pointer can be spelled out again for the rare diagnostic that needs one.
    parent: Option<(usize, Step)>,
}

/// One step from a container to a value inside it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Step {
    Member(Rc<str>),
    Item(usize),
}

/// Characters are counted from checkpoints this many bytes apart, so finding a column costs at
/// most this many bytes of scanning however long the line is (minified definitions are one line).
const CHAR_CHECKPOINT: usize = 256;

/// Maps JSON pointers to places in the text a [`Value`] was read from.
///
/// Values are kept as a tree (each entry knows its container and the step from it) rather than
/// as a table of pointer strings: a pointer per value costs the length of its ancestors' names
/// for each value, so a long member name over a long array would need gigabytes.
#[derive(Clone, Debug)]
pub struct SourceMap {
    /// The text itself: columns count characters, which needs the bytes of the line.
    text: Box<str>,
    /// Byte offset where each line starts; the first line starts after the byte-order mark.
    line_starts: Vec<usize>,
    /// How many characters come before each multiple of [`CHAR_CHECKPOINT`] bytes.
    char_checkpoints: Vec<usize>,
    /// Entry 0 is the whole document.
    entries: Vec<Entry>,
    /// The entry reached from a container's entry by one step.
    children: HashMap<(usize, Step), usize>,
    duplicates: Vec<Diagnostic>,
}

impl SourceMap {
    fn span(&self, (start, end): (usize, usize)) -> Span {
        let (line, column) = self.line_col(start);
        Span { start, end, line, column }
    }

    fn is_array(&self, entry: &Entry) -> bool {
        self.text.as_bytes().get(entry.value.0) == Some(&b'[')
    }

    /// Follows `pointer` from the whole document as far as the text has values: the entry of the
    /// pointer itself, or else of its nearest existing ancestor, and whether the whole pointer
    /// was found.
    fn walk(&self, pointer: &str) -> Option<(&Entry, bool)> {
        let mut id = 0;
        let mut entry = self.entries.first()?;
        if pointer.is_empty() {
            return Some((entry, true));
        }
        let Some(tokens) = pointer.strip_prefix('/') else { return Some((entry, false)) };
        for token in tokens.split('/') {
            let step = if self.is_array(entry) {
                // RFC 6901 array indexes: digits without leading zeros.
                match token.parse::<usize>() {
                    Ok(i)
                        if token.bytes().all(|b| b.is_ascii_digit())
                            && (token == "0" || !token.starts_with('0')) =>
                    {
                        Step::Item(i)
                    }
                    _ => return Some((entry, false)),
                }
            } else if token.contains('~') {
                Step::Member(token.replace("~1", "/").replace("~0", "~").into())
            } else {
                Step::Member(token.into())
            };
            match self.children.get(&(id, step)) {
                Some(&child) => {
                    id = child;
                    entry = &self.entries[child];
                }
                None => return Some((entry, false)),
            }
        }
        Some((entry, true))
    }

    fn get(&self, pointer: &str) -> Option<&Entry> {
        self.walk(pointer).filter(|&(_, exact)| exact).map(|(entry, _)| entry)
    }

    /// The span of the value at `pointer` (`""` is the whole document).
    pub fn value_span(&self, pointer: &str) -> Option<Span> {
        self.get(pointer).map(|e| self.span(e.value))
    }

    /// The span of the member name (with its quotes) when `pointer` names an existing object
    /// member; for "unknown field" diagnostics, where the name is the problem.
    pub fn key_span(&self, pointer: &str) -> Option<Span> {
        self.get(pointer).and_then(|e| e.key).map(|k| self.span(k))
    }

    /// The value at `pointer`, or failing that the value of its nearest existing ancestor.
    /// Never panics; an unknown pointer ends at the whole document.
    pub fn span_or_nearest(&self, pointer: &str) -> Span {
        match self.walk(pointer) {
            Some((entry, _)) => self.span(entry.value),
            None => self.span((0, 0)),
        }
    }

    /// The member name if `pointer` names an existing object member, else the value at
    /// `pointer`, else the nearest existing ancestor ([`Self::span_or_nearest`]).
    pub fn locate(&self, pointer: &str) -> Span {
        match self.walk(pointer) {
            Some((Entry { key: Some(key), .. }, true)) => self.span(*key),
            Some((entry, _)) => self.span(entry.value),
            None => self.span((0, 0)),
        }
    }

    /// The span [`Self::attach`] gives a diagnostic about `pointer`: one that stays short enough
    /// to underline. A scalar is underlined itself (the bad `Next` target); an object or array
    /// held by a member is represented by its member name (the state name rather than the whole
    /// state's body); a missing pointer falls back to its nearest existing ancestor, by the same
    /// rule (a missing `Next` underlines the state's name).
    pub fn diagnostic_span(&self, pointer: &str) -> Span {
        let Some((entry, _)) = self.walk(pointer) else { return self.span((0, 0)) };
        let is_container = matches!(self.text.as_bytes().get(entry.value.0), Some(b'{' | b'['));
        match entry.key {
            Some(key) if is_container => self.span(key),
            _ => self.span(entry.value),
        }
    }

    /// The span of one character of the string value at `pointer`: the one `offset` characters
    /// into its decoded text (an escape such as `\n` or `\u00e9` is one character there, several
    /// bytes here), or the closing quote when `offset` is at the end. `None` when `pointer` is not
    /// a string in the text.
    pub fn string_char_span(&self, pointer: &str, offset: usize) -> Option<Span> {
        let entry = self.get(pointer)?;
        let (start, end) = entry.value;
        let raw = self.text.get(start..end)?;
        if !raw.starts_with('"') {
            return None;
        }
        let bytes = raw.as_bytes();
        let mut i = 1;
        let mut chars = 0;
        while i < bytes.len().saturating_sub(1) && chars < offset {
            i += match bytes[i] {
                // `\uD83D\uDE00` (a surrogate pair) is one character.
                b'\\' if bytes.get(i + 1) == Some(&b'u') => {
                    let high = raw.get(i + 2..i + 6).and_then(|h| u16::from_str_radix(h, 16).ok());
                    let paired = high.is_some_and(|h| (0xD800..0xDC00).contains(&h))
                        && raw.get(i + 6..i + 8) == Some("\\u");
                    if paired {
                        12
                    } else {
                        6
                    }
                }
                b'\\' => 2,
                b => utf8_width(b),
            };
            chars += 1;
        }
        let at = (start + i).min(end.saturating_sub(1));
        let width = match bytes.get(i) {
            Some(b'\\') => 2,
            Some(&b) => utf8_width(b),
            None => 1,
        };
        Some(self.span((at, (at + width).min(end))))
    }

    /// The pointer of an entry, spelled out from its steps.
    fn pointer_of(&self, mut id: usize) -> String {
        let mut steps = Vec::new();
        while let Some((parent, step)) = &self.entries[id].parent {
            steps.push(step);
            id = *parent;
        }
        let mut pointer = String::new();
        for step in steps.into_iter().rev() {
            match step {
                Step::Member(name) => push_segment(&mut pointer, name),
                // Infallible: writing to a String.
                Step::Item(i) => drop(write!(pointer, "/{i}")),
            }
        }
        pointer
    }

    /// How many characters come before `byte` (a character boundary).
    fn chars_before(&self, byte: usize) -> usize {
        let checkpoint = byte / CHAR_CHECKPOINT;
        let from = checkpoint * CHAR_CHECKPOINT;
        // A character starts at every byte that is not a UTF-8 continuation byte.
        let since = self.text.as_bytes()[from..byte].iter().filter(|&&b| b & 0xC0 != 0x80).count();
        self.char_checkpoints[checkpoint] + since
    }

    /// 1-based line and column of a byte offset; the column counts characters, not bytes, so
    /// that it matches what an editor shows. Offsets past the end (or inside a character)
    /// are clamped.
    pub fn line_col(&self, byte: usize) -> (usize, usize) {
        let byte = floor_char_boundary(&self.text, byte);
        let index = self.line_starts.partition_point(|&start| start <= byte).saturating_sub(1);
        let start = self.line_starts.get(index).copied().unwrap_or(0).min(byte);
        (index + 1, self.chars_before(byte) - self.chars_before(start) + 1)
    }

    /// Fills in the span of every diagnostic that has none, from its pointer
    /// ([`Self::diagnostic_span`]). Diagnostics that already carry a span (syntax errors) keep it.
    pub fn attach(&self, diags: &mut [Diagnostic]) {
        for diag in diags.iter_mut().filter(|d| d.span.is_none()) {
            let inside = diag.offset.and_then(|offset| self.string_char_span(&diag.pointer, offset));
            diag.span = Some(inside.unwrap_or_else(|| self.diagnostic_span(&diag.pointer)));
        }
    }

    /// Members whose name repeats an earlier member of the same object (code `duplicate-key`,
    /// reported at the later name, spans attached). They are not syntax errors, so reading
    /// succeeds and, as in serde_json, the later value wins; but they are errors: AWS rejects a
    /// repeated state name (`DUPLICATE_STATE_NAME`), and for any other field the person editing
    /// almost certainly did not mean to write it twice. At most [`MAX_DUPLICATES_REPORTED`].
    pub fn duplicate_keys(&self) -> &[Diagnostic] {
        &self.duplicates
    }

    /// The text the map was built from (byte-order mark included), for rendering.
    pub fn text(&self) -> &str {
        &self.text
    }
}

/// Repeated member names reported, at most: each report carries its pointer, which can be as
/// long as the text, so thousands of them would cost the text's length thousands of times.
pub const MAX_DUPLICATES_REPORTED: usize = 100;

fn floor_char_boundary(text: &str, byte: usize) -> usize {
    let mut byte = byte.min(text.len());
    while !text.is_char_boundary(byte) {
        byte -= 1;
    }
    byte
}

/// The JSON text is not JSON; reading stops at the first such problem.
#[derive(Clone, Debug, PartialEq)]
pub struct SyntaxError {
    pub message: String,
    pub span: Span,
}

impl SyntaxError {
    /// As a diagnostic (code `json-syntax`, pointer `""`), span included, so syntax errors travel
    /// through the same channels as every other problem.
    pub fn to_diagnostic(&self) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code: Code::JsonSyntax,
            message: self.message.clone(),
            pointer: String::new(),
            span: Some(self.span),
            offset: None,
        }
    }
}

impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.span.line, self.span.column, self.message)
    }
}

impl std::error::Error for SyntaxError {}

#[cfg(debug_assertions)]
thread_local! {
    static PARSES: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// How many texts [`parse`] has read on this thread (debug builds only): tests use it to check
/// that a host reads a definition once per change of its text.
#[cfg(debug_assertions)]
pub fn parse_count() -> u64 {
    PARSES.with(std::cell::Cell::get)
}

/// Reads JSON text into a [`Value`] and a [`SourceMap`] of it.
pub fn parse(text: &str) -> Result<(Value, SourceMap), SyntaxError> {
    #[cfg(debug_assertions)]
    PARSES.with(|n| n.set(n.get() + 1));
    let bom = if text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
    let mut line_starts = vec![bom];
    line_starts.extend(text.bytes().enumerate().filter(|&(_, b)| b == b'\n').map(|(i, _)| i + 1));
    let mut char_checkpoints = Vec::with_capacity(text.len() / CHAR_CHECKPOINT + 1);
    let mut chars = 0;
    for chunk in text.as_bytes().chunks(CHAR_CHECKPOINT) {
        char_checkpoints.push(chars);
        chars += chunk.iter().filter(|&&b| b & 0xC0 != 0x80).count();
    }
    char_checkpoints.push(chars);
    let mut map = SourceMap {
        text: text.into(),
        line_starts,
        char_checkpoints,
        entries: Vec::new(),
        children: HashMap::new(),
        duplicates: Vec::new(),
    };
    let mut reader = Reader { text, bytes: text.as_bytes(), pos: bom, map: &mut map, duplicates: Vec::new() };
    reader.skip_whitespace()?;
    if reader.at_end() {
        return Err(reader.error("the input is empty: expected a JSON value", (reader.pos, reader.pos)));
    }
    let value = reader.value()?;
    reader.skip_whitespace()?;
    if !reader.at_end() {
        let span = reader.char_at(reader.pos);
        return Err(reader.error(
            format!("unexpected {} after the end of the JSON value", reader.describe(reader.pos)),
            span,
        ));
    }
    let duplicates = std::mem::take(&mut reader.duplicates);
    map.duplicates = duplicates
        .into_iter()
        .map(|(id, key, name)| Diagnostic {
            severity: Severity::Error,
            code: Code::DuplicateKey,
            message: format!("duplicate key \"{name}\": this object already has a member of that name"),
            span: Some(map.span(key)),
            pointer: map.pointer_of(id),
            offset: None,
        })
        .collect();
    Ok((value, map))
}

/// The kind of an open container, for "... is not closed" messages.
#[derive(Clone, Copy)]
enum Container {
    Object,
    Array,
}

impl Container {
    fn name(self) -> &'static str {
        match self {
            Container::Object => "object",
            Container::Array => "array",
        }
    }
}

/// An object or array being read: where it opened, its entry in the map, and what has been read
/// of it so far.
enum Frame {
    Object {
        open: usize,
        id: usize,
        map: Map,
        /// The member whose value is being read: its name and the name's span.
        member: (Rc<str>, (usize, usize)),
    },
    Array {
        open: usize,
        id: usize,
        items: Vec<Value>,
    },
}

struct Reader<'t, 'm> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
    map: &'m mut SourceMap,
    /// `(entry, key span, key)` of each repeated member name reported.
    duplicates: Vec<(usize, (usize, usize), Rc<str>)>,
}

type Parsed<T> = Result<T, SyntaxError>;

impl Reader<'_, '_> {
    fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn error(&self, message: impl Into<String>, range: (usize, usize)) -> SyntaxError {
        SyntaxError { message: message.into(), span: self.map.span(range) }
    }

    /// The byte range of the character starting at `pos` (empty at the end of the text).
    fn char_at(&self, pos: usize) -> (usize, usize) {
        let len = self.text.get(pos..).and_then(|rest| rest.chars().next()).map_or(0, char::len_utf8);
        (pos, pos + len)
    }

    /// The character at `pos` quoted for a message, such as `'}'`.
    fn describe(&self, pos: usize) -> String {
        match self.text.get(pos..).and_then(|rest| rest.chars().next()) {
            None => "end of input".into(),
            // Invisible or confusable characters (a no-break space, a stray byte-order mark) by code.
            Some(c) if !(c.is_ascii_graphic() || c.is_alphanumeric()) => {
                format!("character U+{:04X}", c as u32)
            }
            Some(c) => format!("'{c}'"),
        }
    }

    /// "unexpected end of input: the object opened at line 3, column 5 is not closed", placed just
    /// after the last thing in the text, where the closing bracket is missing (rather than on the
    /// empty last line).
    fn unclosed(&self, container: Container, open: usize) -> SyntaxError {
        let (line, column) = self.map.line_col(open);
        let end = self.text.trim_end_matches([' ', '\t', '\n', '\r']).len().max(open + 1);
        self.error(
            format!(
                "unexpected end of input: the {} opened at line {line}, column {column} is not closed",
                container.name()
            ),
            (end, end),
        )
    }

    /// Skips JSON whitespace; comments are reported rather than skipped, since AWS rejects them.
    fn skip_whitespace(&mut self) -> Parsed<()> {
        while let Some(b) = self.peek() {
            match b {
                b' ' | b'\t' | b'\n' | b'\r' => self.pos += 1,
                b'/' if matches!(self.bytes.get(self.pos + 1), Some(b'/' | b'*')) => {
                    return Err(self.error("comments are not allowed in JSON", (self.pos, self.pos + 2)));
                }
                _ => break,
            }
        }
        Ok(())
    }

    /// Reads one value (whitespace before it already skipped), recording the span of it and of
    /// everything inside it under the current pointer.
    ///
    /// Containers are kept on an explicit stack rather than by recursion: a recursive reader
    /// needs kilobytes of stack per level in a debug build, and the browser's stack is small.
    fn value(&mut self) -> Parsed<Value> {
        let mut stack: Vec<Frame> = Vec::new();
        // The member name of the value about to be read, if it is an object member.
        let mut key: Option<(usize, usize)> = None;
        'read: loop {
            let start = self.pos;
            let parent = match stack.last() {
                None => None,
                Some(Frame::Object { id, member, .. }) => Some((*id, Step::Member(member.0.clone()))),
                Some(Frame::Array { id, items, .. }) => Some((*id, Step::Item(items.len()))),
            };
            let id = self.open_entry(start, key.take(), parent);
            let mut value = match self.peek() {
                Some(b'{') => {
                    self.enter(Container::Object, stack.len())?;
                    self.skip_whitespace()?;
                    if self.peek() == Some(b'}') {
                        self.pos += 1;
                        Value::empty_object()
                    } else {
                        let member = self.member_name(start)?;
                        key = Some(member.1);
                        stack.push(Frame::Object { open: start, id, map: Map::new(), member });
                        continue 'read;
                    }
                }
                Some(b'[') => {
                    self.enter(Container::Array, stack.len())?;
                    self.skip_whitespace()?;
                    if self.peek() == Some(b']') {
                        self.pos += 1;
                        Value::array(Vec::new())
                    } else if self.at_end() {
                        return Err(self.unclosed(Container::Array, start));
                    } else {
                        stack.push(Frame::Array { open: start, id, items: Vec::new() });
                        continue 'read;
                    }
                }
                Some(b'"') => Value::String(self.string()?),
                Some(b'-' | b'0'..=b'9') => self.number()?,
                Some(b) if b.is_ascii_alphabetic() || b == b'_' => self.word()?,
                Some(b'\'') => {
                    return Err(self.error(
                        "single quotes are not allowed in JSON; use double quotes",
                        self.char_at(self.pos),
                    ))
                }
                _ => {
                    let what = self.describe(self.pos);
                    return Err(
                        self.error(format!("expected a JSON value, found {what}"), self.char_at(self.pos))
                    );
                }
            };
            self.close_entry(id);
            // The entry of the value just finished, for a duplicate-key report.
            let mut finished = id;

            // Hand the finished value to its container; close every container that ends here.
            loop {
                let Some(frame) = stack.last_mut() else { return Ok(value) };
                match frame {
                    Frame::Object { open, id, map, member } => {
                        let (name, range) = member.clone();
                        if map.contains_key(&name) && self.duplicates.len() < MAX_DUPLICATES_REPORTED {
                            self.duplicates.push((finished, range, name.clone()));
                        }
                        map.insert(name, value);
                        self.skip_whitespace()?;
                        match self.peek() {
                            Some(b',') => {
                                let comma = self.pos;
                                self.pos += 1;
                                self.skip_whitespace()?;
                                if self.peek() == Some(b'}') {
                                    return Err(self
                                        .error("trailing comma is not allowed in JSON", (comma, comma + 1)));
                                }
                                *member = self.member_name(*open)?;
                                key = Some(member.1);
                                continue 'read;
                            }
                            Some(b'}') => {
                                self.pos += 1;
                                finished = *id;
                                value = Value::object(std::mem::take(map));
                                stack.pop();
                                self.close_entry(finished);
                            }
                            None => return Err(self.unclosed(Container::Object, *open)),
                            Some(_) => {
                                return Err(self.error(
                                    "expected ',' or '}' after an object member",
                                    self.char_at(self.pos),
                                ))
                            }
                        }
                    }
                    Frame::Array { open, id, items } => {
                        items.push(value);
                        self.skip_whitespace()?;
                        match self.peek() {
                            Some(b',') => {
                                let comma = self.pos;
                                self.pos += 1;
                                self.skip_whitespace()?;
                                if self.peek() == Some(b']') {
                                    return Err(self
                                        .error("trailing comma is not allowed in JSON", (comma, comma + 1)));
                                }
                                if self.at_end() {
                                    return Err(self.unclosed(Container::Array, *open));
                                }
                                continue 'read;
                            }
                            Some(b']') => {
                                self.pos += 1;
                                finished = *id;
                                value = Value::array(std::mem::take(items));
                                stack.pop();
                                self.close_entry(finished);
                            }
                            None => return Err(self.unclosed(Container::Array, *open)),
                            Some(_) => {
                                return Err(self.error(
                                    "expected ',' or ']' after an array item",
                                    self.char_at(self.pos),
                                ))
                            }
                        }
                    }
                }
            }
        }
    }

    /// Starts the entry of a value that begins at `start`; [`Self::close_entry`] sets its end.
    fn open_entry(
        &mut self,
        start: usize,
        key: Option<(usize, usize)>,
        parent: Option<(usize, Step)>,
    ) -> usize {
        let id = self.map.entries.len();
        if let Some(link) = &parent {
            // A repeated member name replaces the earlier one here, as its value does in the map.
            self.map.children.insert(link.clone(), id);
        }
        self.map.entries.push(Entry { value: (start, start), key, parent });
        id
    }

    /// Ends the entry `id` at the current position.
    fn close_entry(&mut self, id: usize) {
        self.map.entries[id].value.1 = self.pos;
    }

    /// Steps into an object or array at `pos`, unless that would nest too deeply.
    fn enter(&mut self, container: Container, depth: usize) -> Parsed<()> {
        if depth >= MAX_DEPTH {
            return Err(self.error(
                format!("too deeply nested: this {} is more than {MAX_DEPTH} levels deep", container.name()),
                (self.pos, self.pos + 1),
            ));
        }
        self.pos += 1;
        Ok(())
    }

    /// Reads `"name":` and the whitespace after it, at the start of an object member (whitespace
    /// before it skipped). `open` is where the object began.
    fn member_name(&mut self, open: usize) -> Parsed<(Rc<str>, (usize, usize))> {
        match self.peek() {
            Some(b'"') => {}
            None => return Err(self.unclosed(Container::Object, open)),
            Some(b'\'') => {
                return Err(self.error(
                    "single quotes are not allowed in JSON; use double quotes",
                    self.char_at(self.pos),
                ))
            }
            Some(b) if b.is_ascii_alphabetic() || b == b'_' || b == b'$' => {
                let end = self.word_end();
                return Err(
                    self.error("object member names must be strings in double quotes", (self.pos, end))
                );
            }
            Some(_) => {
                let what = self.describe(self.pos);
                return Err(self.error(
                    format!("expected a member name in double quotes, found {what}"),
                    self.char_at(self.pos),
                ));
            }
        }
        let key_start = self.pos;
        let name = self.string()?;
        let range = (key_start, self.pos);
        self.skip_whitespace()?;
        match self.peek() {
            Some(b':') => self.pos += 1,
            None => return Err(self.unclosed(Container::Object, open)),
            Some(_) => {
                return Err(self
                    .error(format!("expected ':' after the member name \"{name}\""), self.char_at(self.pos)))
            }
        }
        self.skip_whitespace()?;
        if self.at_end() {
            return Err(self.unclosed(Container::Object, open));
        }
        Ok((name, range))
    }

    /// The end of a run of identifier-like characters starting at `pos`.
    fn word_end(&self) -> usize {
        let mut end = self.pos;
        while self.bytes.get(end).is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'$')) {
            end += 1;
        }
        end
    }

    /// `true`, `false`, `null`, or a helpful error for near misses (`True`, `NaN`, `yes`).
    fn word(&mut self) -> Parsed<Value> {
        let start = self.pos;
        let end = self.word_end();
        let word = &self.text[start..end];
        let value = match word {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "null" => Value::Null,
            _ => {
                let lower = word.to_ascii_lowercase();
                let message = if matches!(lower.as_str(), "true" | "false" | "null") {
                    format!("'{word}' is not a JSON literal; write it in lower case: {lower}")
                } else if matches!(lower.as_str(), "nan" | "infinity") {
                    format!("'{word}' is not a JSON number")
                } else {
                    format!("unexpected '{word}': strings must be in double quotes")
                };
                return Err(self.error(message, (start, end)));
            }
        };
        self.pos = end;
        Ok(value)
    }

    /// Checks the number grammar, then lets serde_json turn the text into a [`Number`] so that
    /// integers, floats and their precision come out exactly as serde_json would read them.
    fn number(&mut self) -> Parsed<Value> {
        let start = self.pos;
        let digits = |reader: &mut Self| {
            let from = reader.pos;
            while reader.peek().is_some_and(|b| b.is_ascii_digit()) {
                reader.pos += 1;
            }
            reader.pos > from
        };
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if self.peek().is_some_and(|b| b.is_ascii_digit()) {
                    digits(self);
                    return Err(self.error("numbers cannot have leading zeros", (start, self.pos)));
                }
            }
            Some(b'1'..=b'9') => {
                digits(self);
            }
            _ => {
                let end = if self.peek().is_some_and(|b| b.is_ascii_alphabetic()) {
                    self.word_end()
                } else {
                    self.char_at(self.pos).1
                };
                return Err(self.error("expected a digit after '-'", (start, end.max(self.pos))));
            }
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !digits(self) {
                return Err(self.error("expected a digit after the decimal point", (start, self.pos)));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !digits(self) {
                return Err(self.error("expected a digit in the exponent", (start, self.pos)));
            }
        }
        let text = &self.text[start..self.pos];
        match text.parse::<Number>() {
            Ok(n) => Ok(Value::Number(n)),
            Err(_) => Err(self.error(format!("number {text} is out of range"), (start, self.pos))),
        }
    }

    /// Reads a string starting at its opening quote. Strings without escapes (nearly all of
    /// them in a definition) are sliced straight from the text.
    fn string(&mut self) -> Parsed<Rc<str>> {
        let open = self.pos;
        self.pos += 1;
        let mut owned: Option<String> = None;
        let mut run_start = self.pos;
        loop {
            let Some(b) = self.peek() else {
                let (line, column) = self.map.line_col(open);
                return Err(self.error(
                    format!(
                        "unexpected end of input: the string opened at line {line}, column {column} is not closed"
                    ),
                    (open, open + 1),
                ));
            };
            match b {
                b'"' => {
                    let run = &self.text[run_start..self.pos];
                    self.pos += 1;
                    return Ok(match owned {
                        Some(mut s) => {
                            s.push_str(run);
                            s.into()
                        }
                        None => run.into(),
                    });
                }
                b'\\' => {
                    let s = owned.get_or_insert_with(String::new);
                    s.push_str(&self.text[run_start..self.pos]);
                    s.push(self.escape()?);
                    run_start = self.pos;
                }
                b'\n' | b'\r' => {
                    return Err(self.error(
                        "this string is not closed before the end of the line (write a line break as \\n)",
                        (open, self.pos),
                    ))
                }
                0..=0x1f => {
                    return Err(self.error(
                        format!("control character U+{b:04X} must be escaped in a string"),
                        (self.pos, self.pos + 1),
                    ))
                }
                _ => self.pos += 1,
            }
        }
    }

    /// Reads one escape sequence starting at its backslash.
    fn escape(&mut self) -> Parsed<char> {
        let backslash = self.pos;
        self.pos += 1;
        let c = match self.peek() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => return self.unicode_escape(backslash),
            None => {
                return Err(
                    self.error("unexpected end of input inside a string escape", (backslash, self.pos))
                )
            }
            Some(_) => {
                let end = self.char_at(self.pos).1;
                let seq = &self.text[backslash..end];
                return Err(self.error(
                    format!(
                        "invalid escape '{seq}' in a string (valid: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)"
                    ),
                    (backslash, end),
                ));
            }
        };
        self.pos += 1;
        Ok(c)
    }

    /// `\uXXXX`, with surrogate pairs joined; a lone surrogate is not a character, so it is an
    /// error (as in serde_json), not a replacement character.
    fn unicode_escape(&mut self, backslash: usize) -> Parsed<char> {
        let first = self.hex4(backslash)?;
        match first {
            0xD800..=0xDBFF => {
                let second_start = self.pos;
                let second = if self.bytes.get(self.pos..self.pos + 2) == Some(b"\\u") {
                    Some(self.hex4(second_start)?)
                } else {
                    None
                };
                match second {
                    Some(low @ 0xDC00..=0xDFFF) => {
                        let code = 0x10000 + ((first - 0xD800) << 10) + (low - 0xDC00);
                        char::from_u32(code)
                            .ok_or_else(|| self.error("invalid unicode escape", (backslash, self.pos)))
                    }
                    _ => Err(self.error(
                        format!(
                            "lone surrogate \\u{first:04X}: a high surrogate must be followed by a low surrogate (\\uDC00-\\uDFFF)"
                        ),
                        (backslash, backslash + 6),
                    )),
                }
            }
            0xDC00..=0xDFFF => Err(self.error(
                format!("lone surrogate \\u{first:04X}: a low surrogate must follow a high surrogate"),
                (backslash, self.pos),
            )),
            // Every other value below 0x10000 is a scalar value.
            _ => char::from_u32(first)
                .ok_or_else(|| self.error("invalid unicode escape", (backslash, self.pos))),
        }
    }

    /// Four hex digits after `\u` (the reader is at the `u`); returns their value.
    fn hex4(&mut self, backslash: usize) -> Parsed<u32> {
        // Skip the backslash when called for the second half of a pair.
        if self.peek() == Some(b'\\') {
            self.pos += 1;
        }
        self.pos += 1; // the 'u'
        let mut code = 0;
        for _ in 0..4 {
            let digit = self.peek().and_then(|b| (b as char).to_digit(16));
            let Some(digit) = digit else {
                return Err(self.error(
                    "invalid unicode escape: expected 4 hex digits after \\u",
                    (backslash, self.char_at(self.pos).1.max(self.pos)),
                ));
            };
            code = code * 16 + digit;
            self.pos += 1;
        }
        Ok(code)
    }
}

/// Appends a member name to a pointer, escaped as RFC 6901 requires: what
/// [`crate::diagnostic::pointer_join`] does, without a new string per member.
fn push_segment(pointer: &mut String, member: &str) {
    pointer.push('/');
    if !member.contains(['~', '/']) {
        pointer.push_str(member);
        return;
    }
    for c in member.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            c => pointer.push(c),
        }
    }
}

/// How many characters of a long line [`render`] shows: minified definitions are one huge line.
const RENDER_WIDTH: usize = 120;

/// Renders a diagnostic for a terminal, as the CLI prints it:
///
/// ```text
/// machine.json:3:5: error: expected ',' or '}' after an object member
///     3 |     "Next": "B"
///       |     ^
/// ```
///
/// The location comes from the diagnostic's span; the source line is taken from `text` (the text
/// the span refers to). Long lines are cut to a window around the span. A diagnostic without a
/// span is printed as `FILE: error: MESSAGE (at POINTER)`.
pub fn render(file: &str, text: &str, diag: &Diagnostic) -> String {
    let Some(span) = diag.span else {
        let at = if diag.pointer.is_empty() { String::new() } else { format!(" (at {})", diag.pointer) };
        return format!("{file}: {}: {}{at}\n", diag.severity, diag.message);
    };
    let mut out = format!("{file}:{}:{}: {}: {}\n", span.line, span.column, diag.severity, diag.message);
    let start = floor_char_boundary(text, span.start);
    // A window of the line around the span, so that a minified definition stays readable. It is
    // found by walking out from the span a window's width at most, never by scanning the whole
    // line: a definition with thousands of diagnostics on one line would otherwise take
    // quadratic time to print.
    let is_line_break = |c: char| c == '\n';
    let mut before: Vec<char> = Vec::new();
    let mut cut_before = false;
    let mut first_line = true;
    for c in text[..start].chars().rev() {
        if is_line_break(c) {
            first_line = false;
            break;
        }
        if before.len() == RENDER_WIDTH / 2 {
            cut_before = true;
            break;
        }
        before.push(c);
    }
    // The byte-order mark at the start of the text is not shown.
    if first_line && !cut_before && before.last() == Some(&'\u{feff}') {
        before.pop();
    }
    before.reverse();
    let mut after: Vec<char> = Vec::new();
    let mut after_end = start;
    let mut cut_after = false;
    for c in text[start..].chars() {
        if is_line_break(c) {
            break;
        }
        if before.len() + after.len() == RENDER_WIDTH {
            cut_after = true;
            break;
        }
        after.push(c);
        after_end += c.len_utf8();
    }
    // Carriage returns that end the line are not shown.
    if !cut_after {
        while after.last() == Some(&'\r') {
            after.pop();
            after_end -= 1;
        }
    }
    // The span's characters in the window; at least one caret, even for an empty span.
    let end = floor_char_boundary(text, span.end.clamp(start, after_end));
    let marked = text[start..end].chars().count().clamp(1, after.len().max(1));

    let mut shown: String = before.iter().chain(&after).collect();
    let mut pad: String = before.iter().map(|&c| if c == '\t' { '\t' } else { ' ' }).collect();
    if cut_before {
        shown.insert(0, '…');
        pad.insert(0, ' ');
    }
    if cut_after {
        shown.push('…');
    }

    let number = span.line.to_string();
    let gutter = " ".repeat(number.len());
    let _ = writeln!(out, "    {number} | {shown}");
    let _ = writeln!(out, "    {gutter} | {pad}{}", "^".repeat(marked));
    out
}

/// How many bytes the UTF-8 character starting with byte `b` takes.
fn utf8_width(b: u8) -> usize {
    match b {
        0xF0.. => 4,
        0xE0.. => 3,
        0xC0.. => 2,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> (Value, SourceMap) {
        match parse(text) {
            Ok(parsed) => parsed,
            Err(e) => panic!("{text:?} should parse: {e}"),
        }
    }

    fn err(text: &str) -> SyntaxError {
        match parse(text) {
            Ok((v, _)) => panic!("{text:?} should not parse, got {v}"),
            Err(e) => e,
        }
    }

    /// The text a span covers.
    fn slice(text: &str, span: Span) -> &str {
        &text[span.start..span.end]
    }

    const DEFINITION: &str = r#"{
  "Comment": "Ünïcödé — first",
  "StartAt": "A",
  "States": {
    "A": {"Type": "Pass", "Result": [1, 1.0, -2e3, true, null], "Next": "a/b~c"},
    "a/b~c": {
      "Type": "Succeed"
    }
  }
}"#;

    #[test]
    fn spans_of_values_members_and_items() {
        let (value, map) = ok(DEFINITION);
        assert_eq!(value, Value::from(serde_json::from_str::<serde_json::Value>(DEFINITION).unwrap()));
        // (pointer, value text, key text, line, column of the value)
        let table: &[(&str, &str, Option<&str>, usize, usize)] = &[
            ("/Comment", "\"Ünïcödé — first\"", Some("\"Comment\""), 2, 14),
            ("/StartAt", "\"A\"", Some("\"StartAt\""), 3, 14),
            ("/States/A/Type", "\"Pass\"", Some("\"Type\""), 5, 19),
            ("/States/A/Result", "[1, 1.0, -2e3, true, null]", Some("\"Result\""), 5, 37),
            ("/States/A/Result/0", "1", None, 5, 38),
            ("/States/A/Result/1", "1.0", None, 5, 41),
            ("/States/A/Result/2", "-2e3", None, 5, 46),
            ("/States/A/Result/4", "null", None, 5, 58),
            ("/States/A/Next", "\"a/b~c\"", Some("\"Next\""), 5, 73),
            ("/States/a~1b~0c/Type", "\"Succeed\"", Some("\"Type\""), 7, 15),
        ];
        for &(pointer, value_text, key_text, line, column) in table {
            let span = map.value_span(pointer).unwrap_or_else(|| panic!("{pointer} has a span"));
            assert_eq!(slice(DEFINITION, span), value_text, "{pointer}");
            assert_eq!((span.line, span.column), (line, column), "{pointer}");
            assert_eq!(map.key_span(pointer).map(|s| slice(DEFINITION, s)), key_text, "{pointer}");
        }
        let root = map.value_span("").unwrap();
        assert_eq!((root.start, root.end, root.line, root.column), (0, DEFINITION.len(), 1, 1));
        assert_eq!(map.key_span(""), None);
        assert_eq!(map.value_span("/States/B"), None);
        let a = map.value_span("/States/A").unwrap();
        assert!(slice(DEFINITION, a).starts_with("{\"Type\"") && slice(DEFINITION, a).ends_with('}'));
    }

    #[test]
    fn nearest_locate_and_attach() {
        let (_, map) = ok(DEFINITION);
        let text = |span: Span| slice(DEFINITION, span);
        // A missing field is reported at its parent object.
        assert_eq!(map.span_or_nearest("/States/A/End"), map.value_span("/States/A").unwrap());
        assert_eq!(map.span_or_nearest("/States/Nope/Next/x"), map.value_span("/States").unwrap());
        assert_eq!(map.span_or_nearest("nonsense"), map.value_span("").unwrap());
        assert_eq!(map.span_or_nearest("/States/A/Result/9"), map.value_span("/States/A/Result").unwrap());
        assert_eq!(text(map.locate("/States/A/Next")), "\"Next\"");
        assert_eq!(text(map.locate("/States/A/Result/1")), "1.0");
        assert_eq!(text(map.locate("")), DEFINITION);
        assert_eq!(map.locate("/States/A/End"), map.value_span("/States/A").unwrap());

        let mut diags = vec![
            Diagnostic::error(Code::MissingState, "/States/A/Next", "no such state"),
            Diagnostic::error(Code::MissingField, "/States/A/End", "missing End"),
            Diagnostic::warning(Code::WrongValue, "/States/A/Result/2", "item"),
            Diagnostic::error(Code::JsonSyntax, "", "kept"),
        ];
        diags[3].span = Some(Span { start: 1, end: 2, line: 9, column: 9 });
        map.attach(&mut diags);
        let spans: Vec<&str> = diags.iter().take(3).map(|d| text(d.span.unwrap())).collect();
        assert_eq!(spans, ["\"a/b~c\"", "\"A\"", "-2e3"]);
        assert_eq!(diags[3].span, Some(Span { start: 1, end: 2, line: 9, column: 9 }));
    }

    #[test]
    fn line_col_counts_characters_and_handles_bom_and_crlf() {
        let text = "\u{feff}{\r\n  \"é€😀\": \"x\",\r\n\t\"k\": 1\n}";
        let (_, map) = ok(text);
        let span = map.value_span("/é€😀").unwrap();
        assert_eq!(slice(text, span), "\"x\"");
        assert_eq!((span.line, span.column), (2, 10));
        let k = map.key_span("/k").unwrap();
        assert_eq!((k.line, k.column), (3, 2));
        // The byte-order mark is not a column.
        assert_eq!(map.line_col(3), (1, 1));
        assert_eq!(map.line_col(0), (1, 1));
        assert_eq!(map.value_span("").map(|s| (s.start, s.line, s.column)), Some((3, 1, 1)));
        // Past the end and inside a character: clamped, no panic.
        assert_eq!(map.line_col(usize::MAX), (4, 2));
        let inside_euro = text.find('€').unwrap() + 1;
        assert_eq!(map.line_col(inside_euro), (2, 5));
    }

    #[test]
    fn values_match_serde_json() {
        let texts = [
            r#"{"a":1,"b":1.0,"c":-0,"d":1e2,"e":12345678901234567890,"f":123456789012345678901234567890}"#,
            r#"["\"\\\/\b\f\n\r\t","\u00e9\u20AC\ud83d\ude00","plain","mixé\u0041"]"#,
            r#"  {"nested": [[[]], {}, {"x": [false]}]}  "#,
            "0",
            "-1.5E-3",
            r#""""#,
            "null",
            r#"{"dup": 1, "other": 2, "dup": 3}"#,
        ];
        for text in texts {
            let (value, _) = ok(text);
            let expected = Value::from(serde_json::from_str::<serde_json::Value>(text).unwrap());
            assert_eq!(value, expected, "{text}");
            assert_eq!(value.to_json(), expected.to_json(), "{text}");
        }
    }

    #[test]
    fn duplicate_keys_are_reported_and_the_later_value_wins() {
        let text = "{\"States\": {\"A\": 1, \"B\": 2, \"A\": {\"x\": 3}}}";
        let (value, map) = ok(text);
        assert_eq!(
            value.get("States").and_then(|s| s.get("A")).map(Value::to_json).as_deref(),
            Some("{\"x\":3}")
        );
        let dups = map.duplicate_keys();
        assert_eq!(dups.len(), 1);
        assert_eq!((dups[0].code, dups[0].pointer.as_str()), (Code::DuplicateKey, "/States/A"));
        assert_eq!(dups[0].message, "duplicate key \"A\": this object already has a member of that name");
        let span = dups[0].span.unwrap();
        assert_eq!((slice(text, span), span.column), ("\"A\"", 29));
        assert_eq!(map.value_span("/States/A").map(|s| slice(text, s)), Some("{\"x\": 3}"));
    }

    #[test]
    fn syntax_errors_have_messages_and_places() {
        // (input, message, line, column, text under the span)
        let table: &[(&str, &str, usize, usize, &str)] = &[
            ("", "the input is empty: expected a JSON value", 1, 1, ""),
            ("  \n ", "the input is empty: expected a JSON value", 2, 2, ""),
            ("{\"a\": 1 \"b\": 2}", "expected ',' or '}' after an object member", 1, 9, "\""),
            ("[1 2]", "expected ',' or ']' after an array item", 1, 4, "2"),
            ("{\"a\": 1,\n}", "trailing comma is not allowed in JSON", 1, 8, ","),
            ("[1, 2, ]", "trailing comma is not allowed in JSON", 1, 6, ","),
            (
                "{\n  \"a\": {\n    \"b\": [1,\n",
                "unexpected end of input: the array opened at line 3, column 10 is not closed",
                3,
                13,
                "",
            ),
            (
                "{\n  \"a\": {\"b\": 1}\n",
                "unexpected end of input: the object opened at line 1, column 1 is not closed",
                2,
                16,
                "",
            ),
            ("{\"a\"", "unexpected end of input: the object opened at line 1, column 1 is not closed", 1, 5, ""),
            ("{\"a\":", "unexpected end of input: the object opened at line 1, column 1 is not closed", 1, 6, ""),
            ("{\"a\" 1}", "expected ':' after the member name \"a\"", 1, 6, "1"),
            ("{a: 1}", "object member names must be strings in double quotes", 1, 2, "a"),
            ("{'a': 1}", "single quotes are not allowed in JSON; use double quotes", 1, 2, "'"),
            ("['a']", "single quotes are not allowed in JSON; use double quotes", 1, 2, "'"),
            ("{1: 1}", "expected a member name in double quotes, found '1'", 1, 2, "1"),
            ("[True]", "'True' is not a JSON literal; write it in lower case: true", 1, 2, "True"),
            ("[NaN]", "'NaN' is not a JSON number", 1, 2, "NaN"),
            ("[-Infinity]", "expected a digit after '-'", 1, 2, "-Infinity"),
            ("[hello]", "unexpected 'hello': strings must be in double quotes", 1, 2, "hello"),
            ("[,]", "expected a JSON value, found ','", 1, 2, ","),
            ("{\"a\": }", "expected a JSON value, found '}'", 1, 7, "}"),
            ("[é]", "expected a JSON value, found 'é'", 1, 2, "é"),
            ("{} {}", "unexpected '{' after the end of the JSON value", 1, 4, "{"),
            ("{}}", "unexpected '}' after the end of the JSON value", 1, 3, "}"),
            ("// c\n{}", "comments are not allowed in JSON", 1, 1, "//"),
            ("{\"a\": 1 /* c */}", "comments are not allowed in JSON", 1, 9, "/*"),
            ("[01]", "numbers cannot have leading zeros", 1, 2, "01"),
            ("[1.]", "expected a digit after the decimal point", 1, 2, "1."),
            ("[1e+]", "expected a digit in the exponent", 1, 2, "1e+"),
            ("[1e999]", "number 1e999 is out of range", 1, 2, "1e999"),
            ("[\"ab", "unexpected end of input: the string opened at line 1, column 2 is not closed", 1, 2, "\""),
            (
                "{\"a\": \"b\n}",
                "this string is not closed before the end of the line (write a line break as \\n)",
                1,
                7,
                "\"b",
            ),
            ("[\"a\tb\"]", "control character U+0009 must be escaped in a string", 1, 4, "\t"),
            (
                "[\"\\x\"]",
                "invalid escape '\\x' in a string (valid: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)",
                1,
                3,
                "\\x",
            ),
            ("[\"\\u12G4\"]", "invalid unicode escape: expected 4 hex digits after \\u", 1, 3, "\\u12G"),
            (
                "[\"\\uD83D\"]",
                "lone surrogate \\uD83D: a high surrogate must be followed by a low surrogate (\\uDC00-\\uDFFF)",
                1,
                3,
                "\\uD83D",
            ),
            (
                "[\"\\uD83D\\u0041\"]",
                "lone surrogate \\uD83D: a high surrogate must be followed by a low surrogate (\\uDC00-\\uDFFF)",
                1,
                3,
                "\\uD83D",
            ),
            (
                "[\"\\uDE00\"]",
                "lone surrogate \\uDE00: a low surrogate must follow a high surrogate",
                1,
                3,
                "\\uDE00",
            ),
            ("  é: 1", "expected a JSON value, found 'é'", 1, 3, "é"),
            ("[\u{a0}1]", "expected a JSON value, found character U+00A0", 1, 2, "\u{a0}"),
        ];
        for &(input, message, line, column, under) in table {
            let e = err(input);
            assert_eq!(e.message, message, "{input:?}");
            assert_eq!((e.span.line, e.span.column), (line, column), "{input:?}: {}", e.message);
            assert_eq!(slice(input, e.span), under, "{input:?}");
            let d = e.to_diagnostic();
            assert_eq!((d.code, d.pointer.as_str(), d.span), (Code::JsonSyntax, "", Some(e.span)));
        }
    }

    #[test]
    fn nesting_is_limited_without_overflowing_the_stack() {
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        let (_, map) = ok(&deep(MAX_DEPTH));
        assert!(map.value_span(&"/0".repeat(MAX_DEPTH - 1)).is_some());
        let e = err(&deep(MAX_DEPTH + 1));
        assert_eq!(e.message, "too deeply nested: this array is more than 512 levels deep");
        assert_eq!(e.span.column, MAX_DEPTH + 1);
        let objects = format!("{}1{}", "{\"a\":".repeat(MAX_DEPTH + 1), "}".repeat(MAX_DEPTH + 1));
        assert_eq!(err(&objects).message, "too deeply nested: this object is more than 512 levels deep");
        // Far past the limit, unclosed: still an error, not a crash.
        assert!(parse(&"[{\"a\":".repeat(100_000)).is_err());
    }

    /// A tiny deterministic generator, so the mutation test needs no dependency.
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self, below: usize) -> usize {
            self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((self.0 >> 33) as usize) % below.max(1)
        }
    }

    /// Feeds thousands of truncated and mutated documents: the reader must never panic, must
    /// accept exactly what serde_json accepts, produce the same value, and keep every span and
    /// line/column query in range.
    #[test]
    fn never_panics_and_agrees_with_serde_json_on_mutated_inputs() {
        let seeds = [
            DEFINITION,
            "{\"a\": [\"\\u00e9\\ud83d\\ude00\\n\", -1.5e-3, 0, {}, []], \"ü\": null, \"t\": true}",
            "\u{feff}[{\"k\":\"v\"},\r\n 12, \"x\\\"y\"]",
        ];
        let pieces = [
            "{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "\\ud83d", "\\ude00", "e", "-", ".", "0", "1",
            " ", "\n", "t", "n", "é", "😀", "/", "*", "'", "\u{feff}", "\t", "\u{1}",
        ];
        let mut rng = Lcg(0x5eed);
        let mut checked = 0;
        for seed in seeds {
            let mut inputs: Vec<String> = Vec::new();
            let boundaries: Vec<usize> = (0..=seed.len()).filter(|&i| seed.is_char_boundary(i)).collect();
            for &cut in &boundaries {
                inputs.push(seed[..cut].to_string());
                inputs.push(seed[cut..].to_string());
            }
            for _ in 0..3000 {
                let mut text = seed.to_string();
                for _ in 0..1 + rng.next(3) {
                    let b: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
                    let at = b[rng.next(b.len())];
                    match rng.next(3) {
                        0 => text.insert_str(at, pieces[rng.next(pieces.len())]),
                        1 => {
                            let to = b[(b.iter().position(|&x| x == at).unwrap_or(0) + 1).min(b.len() - 1)];
                            text.replace_range(at..to, "");
                        }
                        _ => {
                            let to = b[(b.iter().position(|&x| x == at).unwrap_or(0) + 1).min(b.len() - 1)];
                            text.replace_range(at..to, pieces[rng.next(pieces.len())]);
                        }
                    }
                }
                inputs.push(text);
            }
            for text in inputs {
                let ours = parse(&text);
                let without_bom = text.strip_prefix('\u{feff}').unwrap_or(&text);
                let theirs = serde_json::from_str::<serde_json::Value>(without_bom);
                match (&ours, theirs) {
                    (Ok((value, map)), Ok(expected)) => {
                        assert_eq!(value, &Value::from(expected), "{text:?}");
                        let root = map.value_span("").unwrap();
                        assert!(root.end <= text.len());
                        for entry in &map.entries {
                            assert!(entry.value.0 <= entry.value.1 && entry.value.1 <= text.len());
                            assert!(
                                text.is_char_boundary(entry.value.0) && text.is_char_boundary(entry.value.1)
                            );
                        }
                    }
                    (Err(e), Err(_)) => {
                        assert!(e.span.start <= e.span.end && e.span.end <= text.len(), "{text:?}: {e:?}");
                        assert!(text.is_char_boundary(e.span.start) && text.is_char_boundary(e.span.end));
                        assert!(e.span.line >= 1 && e.span.column >= 1);
                        let _ = render("f.json", &text, &e.to_diagnostic());
                    }
                    (Ok(_), Err(e)) => panic!("{text:?} accepted, serde_json says {e}"),
                    (Err(e), Ok(_)) => panic!("{text:?} rejected ({e}), serde_json accepts it"),
                }
                checked += 1;
            }
        }
        assert!(checked > 9000);
    }

    #[test]
    fn reads_a_large_definition_quickly_enough() {
        let mut text = String::from("{\"StartAt\": \"S0\", \"States\": {\n");
        for i in 0..2000 {
            let _ = writeln!(
                text,
                "  \"S{i}\": {{\"Type\": \"Pass\", \"Result\": {{\"n\": {i}, \"s\": \"é{i}\"}}, \"Next\": \"S{}\"}},",
                i + 1
            );
        }
        text.push_str("  \"S2000\": {\"Type\": \"Succeed\"}\n}}");
        let started = std::time::Instant::now();
        let (value, map) = ok(&text);
        let elapsed = started.elapsed();
        assert_eq!(value.get("States").and_then(Value::as_object).map(|s| s.len()), Some(2001));
        let span = map.value_span("/States/S1999/Result/s").unwrap();
        assert_eq!((span.line, slice(&text, span)), (2001, "\"é1999\""));
        // Generous, debug build, shared machine: this guards against quadratic behaviour only.
        assert!(elapsed.as_millis() < 2000, "took {elapsed:?}");
    }

    #[test]
    fn renders_like_the_cli() {
        let cases = [
            ("missing-comma.json", "{\n  \"StartAt\": \"A\"\n  \"States\": {}\n}\n"),
            ("trailing.json", "{\n  \"States\": {\n    \"A\": {\"Type\": \"Pass\", \"End\": true,}\n  }\n}"),
            ("unclosed.json", "{\n  \"States\": {\n    \"A\": {\"Type\": \"Pass\"}\n"),
            ("tabs.json", "{\n\t\"Comment\": \"ü\tx\n}"),
            ("bom.json", "\u{feff}{'a': 1}"),
        ];
        let mut out = String::new();
        for (file, text) in cases {
            out.push_str(&render(file, text, &err(text).to_diagnostic()));
        }
        // Long minified line: a window around the error.
        let long = format!("{{\"Comment\": \"{}\", \"x\": tru}}", "y".repeat(300));
        out.push_str(&render("minified.json", &long, &err(&long).to_diagnostic()));
        // A validation diagnostic with a span from the map, and one without.
        let text = "{\n  \"StartAt\": \"Nope\",\n  \"States\": {}\n}";
        let (_, map) = ok(text);
        let mut diags = [
            Diagnostic::error(Code::MissingState, "/StartAt", "StartAt names no state: \"Nope\""),
            Diagnostic::warning(Code::MissingField, "/States", "no states"),
        ];
        map.attach(&mut diags);
        for d in &diags {
            out.push_str(&render("machine.json", text, d));
        }
        out.push_str(&render("x.json", text, &Diagnostic::error(Code::MissingState, "/States/A", "no span")));
        insta::assert_snapshot!(out);
    }
}
