//! Syntax highlighting for the code editors: a tokenizer for one line of JSON that also knows the
//! small languages ASL writes inside strings (JSONPath `$.a`, `$$.Task.Token`, intrinsic calls
//! `States.Format(...)`, JSONata `"{% $states.input.n * 2 %}"`) and ASL's own field names; bracket matching; and the cutting of a line
//! into the runs the editor paints (token colour, problem underline, matched bracket).
//!
//! Everything works a line at a time, with nothing carried from one line to the next: a JSON
//! string cannot hold a raw line break, so every line of a valid document starts outside a string.
//! That is what keeps the editor cheap on long definitions: it tokenizes only the lines on screen,
//! and bracket matching only the lines between a bracket and its partner. (In broken text an
//! unterminated string simply ends with its line, which is also the least confusing thing to show.)

use std::ops::Range;

use super::text::Lines;

/// What a token is, for colouring.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A member name.
    Key,
    /// A member name ASL defines (`"Type"`, `"Next"`, `"Resource"`...).
    AslKey,
    /// A string value, or the plain parts of one.
    Str,
    /// A JSONPath inside a string: `"$.detail"`, `$$.Task.Token` in an intrinsic's arguments.
    Path,
    /// An intrinsic function's name inside a string: `States.Format` in `"States.Format(...)"`.
    Intrinsic,
    Number,
    /// `true`, `false`, `null`.
    Literal,
    /// `:` and `,`.
    Punct,
    /// `{`, `}`, `[`, `]`.
    Bracket,
    /// What JSON does not allow (a comment, a single quote, a bare word).
    Invalid,
    /// The plain parts of a JSONata expression (names, operators): code, not string.
    Code,
}

impl Kind {
    /// The CSS class that colours it (www/editor.css).
    pub fn class(self) -> &'static str {
        match self {
            Kind::Key => "tk-key",
            Kind::AslKey => "tk-key tk-asl",
            Kind::Str => "tk-str",
            Kind::Path => "tk-path",
            Kind::Intrinsic => "tk-fn",
            Kind::Number => "tk-num",
            Kind::Literal => "tk-lit",
            Kind::Punct => "tk-punct",
            Kind::Bracket => "tk-bracket",
            Kind::Invalid => "tk-bad",
            Kind::Code => "tk-code",
        }
    }
}

/// A token of one line: byte offsets within the line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
}

/// The member names of the Amazon States Language, sorted (binary search).
const ASL_KEYS: &[&str] = &[
    "And",
    "Arguments",
    "Assign",
    "BackoffRate",
    "Branches",
    "Catch",
    "Cause",
    "CausePath",
    "Choices",
    "Comment",
    "Condition",
    "Credentials",
    "Default",
    "End",
    "Error",
    "ErrorEquals",
    "ErrorPath",
    "HeartbeatSeconds",
    "HeartbeatSecondsPath",
    "InputPath",
    "IntervalSeconds",
    "ItemBatcher",
    "ItemProcessor",
    "ItemReader",
    "ItemSelector",
    "Items",
    "ItemsPath",
    "Iterator",
    "JitterStrategy",
    "Label",
    "MaxAttempts",
    "MaxConcurrency",
    "MaxConcurrencyPath",
    "MaxDelaySeconds",
    "Next",
    "Not",
    "Or",
    "Output",
    "OutputPath",
    "Parameters",
    "ProcessorConfig",
    "QueryLanguage",
    "Resource",
    "ResultPath",
    "ResultSelector",
    "ResultWriter",
    "Retry",
    "Seconds",
    "SecondsPath",
    "StartAt",
    "States",
    "TimeoutSeconds",
    "TimeoutSecondsPath",
    "Timestamp",
    "TimestampPath",
    "ToleratedFailureCount",
    "ToleratedFailureCountPath",
    "ToleratedFailurePercentage",
    "ToleratedFailurePercentagePath",
    "Type",
    "Variable",
    "Version",
];

fn is_asl_key(name: &str) -> bool {
    ASL_KEYS.binary_search(&name).is_ok()
}

/// Where the string starting at the quote `b[start]` ends: after its closing quote, or at the end
/// of the line when it is not closed.
fn string_end(b: &[u8], start: usize) -> usize {
    let mut j = start + 1;
    while j < b.len() {
        match b[j] {
            b'\\' => j += 2,
            b'"' => return j + 1,
            _ => j += 1,
        }
    }
    b.len()
}

fn is_word_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// The tokens of one line (which must not contain a line break). Whitespace is not a token.
pub fn tokenize_line(line: &str) -> Vec<Token> {
    let b = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let start = i;
        let kind = match b[i] {
            b' ' | b'\t' | b'\r' => {
                i += 1;
                continue;
            }
            b'{' | b'}' | b'[' | b']' => {
                i += 1;
                Kind::Bracket
            }
            b':' | b',' => {
                i += 1;
                Kind::Punct
            }
            b'"' => {
                i = string_end(b, i);
                let after = b[i..].iter().position(|c| !matches!(c, b' ' | b'\t' | b'\r'));
                if after.is_some_and(|k| b[i + k] == b':') {
                    let closed = i - start >= 2 && b[i - 1] == b'"';
                    let name = &line[start + 1..if closed { i - 1 } else { i }];
                    if is_asl_key(name) {
                        Kind::AslKey
                    } else {
                        Kind::Key
                    }
                } else {
                    string_parts(line, start, i, &mut out);
                    continue;
                }
            }
            b'-' | b'0'..=b'9' => {
                i += 1;
                while i < b.len() && matches!(b[i], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-') {
                    i += 1;
                }
                Kind::Number
            }
            c if is_word_byte(c) => {
                while i < b.len() && is_word_byte(b[i]) {
                    i += 1;
                }
                match &line[start..i] {
                    "true" | "false" | "null" => Kind::Literal,
                    _ => Kind::Invalid,
                }
            }
            _ => {
                // Up to the next thing JSON knows: a comment, 'single quotes', a stray character.
                i += 1;
                while i < b.len()
                    && !matches!(b[i], b' ' | b'\t' | b'{' | b'}' | b'[' | b']' | b':' | b',' | b'"')
                {
                    i += 1;
                }
                Kind::Invalid
            }
        };
        out.push(Token { start, end: i, kind });
    }
    out
}

/// A string value `line[start..end]` (quotes included): a path when it starts with `$`, an
/// intrinsic call when it starts with `States.Name(`, otherwise a plain string.
fn string_parts(line: &str, start: usize, end: usize, out: &mut Vec<Token>) {
    let content = &line[start + 1..end];
    if end - start >= 6 && content.starts_with("{%") && content.ends_with("%}\"") {
        jsonata_parts(line, start, end, out);
    } else if content.starts_with('$') {
        out.push(Token { start, end, kind: Kind::Path });
    } else if intrinsic_name(content) > 0 {
        intrinsic_parts(line, start, end, out);
    } else {
        out.push(Token { start, end, kind: Kind::Str });
    }
}

/// The parts of a JSONata expression `"{% … %}"`: its `$variable.paths` and `$functions(`,
/// numbers, quoted strings and keywords; the delimiters as punctuation and the rest as code.
fn jsonata_parts(line: &str, start: usize, end: usize, out: &mut Vec<Token>) {
    let b = line.as_bytes();
    let close = end - 3;
    out.push(Token { start, end: start + 3, kind: Kind::Punct });
    let mut plain = start + 3;
    let mut i = plain;
    let push = |out: &mut Vec<Token>, from: usize, to: usize, kind: Kind, plain: &mut usize| {
        if *plain < from {
            out.push(Token { start: *plain, end: from, kind: Kind::Code });
        }
        out.push(Token { start: from, end: to, kind });
        *plain = to;
    };
    let word_end = |mut i: usize| {
        while i < close && is_word_byte(b[i]) {
            i += 1;
        }
        i
    };
    while i < close {
        let from = i;
        match b[i] {
            b'$' => {
                i = word_end(i + 1);
                if b.get(i) == Some(&b'(') {
                    push(out, from, i, Kind::Intrinsic, &mut plain);
                } else {
                    while i + 1 < close && b[i] == b'.' && is_word_byte(b[i + 1]) {
                        i = word_end(i + 1);
                    }
                    push(out, from, i, Kind::Path, &mut plain);
                }
            }
            // 'single' or \"double\" quoted (escaped, inside the JSON string).
            b'\'' | b'\\' if b[i] == b'\'' || b.get(i + 1) == Some(&b'"') => {
                let quote: &[u8] = if b[i] == b'\'' { b"'" } else { b"\\\"" };
                i += quote.len();
                while i < close && !b[i..].starts_with(quote) {
                    i += if b[i] == b'\\' && quote == b"'" { 2 } else { 1 };
                }
                i = (i + quote.len()).min(close);
                push(out, from, i, Kind::Str, &mut plain);
            }
            c if c.is_ascii_digit() && (from == 0 || !is_word_byte(b[from - 1])) => {
                while i < close && (b[i].is_ascii_digit() || b[i] == b'.') {
                    i += 1;
                }
                push(out, from, i, Kind::Number, &mut plain);
            }
            c if is_word_byte(c) => {
                i = word_end(i);
                if matches!(&line[from..i], "and" | "or" | "in" | "true" | "false" | "null" | "function") {
                    push(out, from, i, Kind::Literal, &mut plain);
                }
            }
            _ => i += 1,
        }
    }
    if plain < close {
        out.push(Token { start: plain, end: close, kind: Kind::Code });
    }
    out.push(Token { start: close, end, kind: Kind::Punct });
}

/// The length of `States.Name` when `s` starts with it followed by `(`; 0 otherwise.
fn intrinsic_name(s: &str) -> usize {
    let Some(rest) = s.strip_prefix("States.") else { return 0 };
    let name = rest.bytes().take_while(|&c| is_word_byte(c)).count();
    if name > 0 && rest.as_bytes().get(name) == Some(&b'(') {
        "States.".len() + name
    } else {
        0
    }
}

/// The parts of an intrinsic call: function names, paths among the arguments, and the rest
/// (quotes, `'literal'` arguments, commas and parentheses) as string.
fn intrinsic_parts(line: &str, start: usize, end: usize, out: &mut Vec<Token>) {
    let b = line.as_bytes();
    let mut plain = start;
    let mut i = start + 1;
    let push = |out: &mut Vec<Token>, from: usize, to: usize, kind: Kind, plain: &mut usize| {
        if *plain < from {
            out.push(Token { start: *plain, end: from, kind: Kind::Str });
        }
        out.push(Token { start: from, end: to, kind });
        *plain = to;
    };
    while i < end {
        match b[i] {
            b'\\' => i += 2,
            // A 'literal' argument: nothing inside it is a path or a call.
            b'\'' => {
                i += 1;
                while i < end && b[i] != b'\'' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'$' => {
                let from = i;
                while i < end && !matches!(b[i], b',' | b')' | b' ' | b'"' | b'\\') {
                    i += 1;
                }
                push(out, from, i, Kind::Path, &mut plain);
            }
            b'S' if intrinsic_name(&line[i..end]) > 0 => {
                let to = i + intrinsic_name(&line[i..end]);
                push(out, i, to, Kind::Intrinsic, &mut plain);
                i = to;
            }
            _ => i += 1,
        }
    }
    if plain < end {
        out.push(Token { start: plain, end, kind: Kind::Str });
    }
}

fn closer(open: u8) -> u8 {
    if open == b'{' {
        b'}'
    } else {
        b']'
    }
}

/// The bracket next to the caret and its partner, as byte offsets in the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BracketMatch {
    pub at: usize,
    /// `None` when it has no partner, or its partner is of the other kind (`{` ... `]`).
    pub partner: Option<usize>,
}

/// The bracket just before the caret (or else just after it), outside strings, and its partner.
pub fn match_bracket(text: &str, lines: &Lines, caret: usize) -> Option<BracketMatch> {
    let line = lines.line_of(caret);
    let range = lines.range(line);
    let tokens = tokenize_line(&text[range.clone()]);
    let bracket_at =
        |pos: usize| tokens.iter().any(|t| t.kind == Kind::Bracket && range.start + t.start == pos);
    let at = [caret.checked_sub(1), Some(caret)]
        .into_iter()
        .flatten()
        .find(|&p| p >= range.start && bracket_at(p))?;
    let b = text.as_bytes();
    let opening = matches!(b[at], b'{' | b'[');
    let mut depth = 0usize;
    let mut partner = None;
    let mut visit = |pos: usize| -> bool {
        if matches!(b[pos], b'{' | b'[') == opening {
            depth += 1;
            false
        } else {
            depth -= 1;
            if depth == 0 {
                partner = Some(pos);
            }
            depth == 0
        }
    };
    'scan: {
        if opening {
            for l in line..lines.count() {
                let r = lines.range(l);
                for t in tokenize_line(&text[r.clone()]).iter().filter(|t| t.kind == Kind::Bracket) {
                    if r.start + t.start >= at && visit(r.start + t.start) {
                        break 'scan;
                    }
                }
            }
        } else {
            for l in (0..=line).rev() {
                let r = lines.range(l);
                for t in tokenize_line(&text[r.clone()]).iter().rev().filter(|t| t.kind == Kind::Bracket) {
                    if r.start + t.start <= at && visit(r.start + t.start) {
                        break 'scan;
                    }
                }
            }
        }
    }
    let partner = partner.filter(|&p| {
        let (open, close) = if opening { (b[at], b[p]) } else { (b[p], b[at]) };
        closer(open) == close
    });
    Some(BracketMatch { at, partner })
}

/// A run of one line that is painted one way: byte offsets in the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Run {
    pub start: usize,
    pub end: usize,
    pub kind: Option<Kind>,
    /// The index of the underline ([`Mark`]) over this run.
    pub mark: Option<usize>,
    /// A bracket the caret is at: `Some(true)` when matched, `Some(false)` when not.
    pub bracket: Option<bool>,
}

/// An underline under a problem: byte offsets in the text, on one line. `start == end` is a
/// problem at the end of a line, drawn under one blank space after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mark {
    pub start: usize,
    pub end: usize,
    pub is_error: bool,
    /// The index of the problem it underlines.
    pub problem: usize,
}

/// A stable sort for short or nearly sorted lists (a line's cuts, problems that come sorted by
/// severity then position). The standard library's sorts would add kilobytes to the wasm for
/// each type sorted.
fn insertion_sort_by_key<T, K: Ord>(items: &mut [T], key: impl Fn(&T) -> K) {
    for i in 1..items.len() {
        let mut j = i;
        while j > 0 && key(&items[j - 1]) > key(&items[j]) {
            items.swap(j - 1, j);
            j -= 1;
        }
    }
}

/// Turns problem ranges (byte ranges in `text`, in the order given) into underlines. Overlapping
/// problems keep the earliest starting one (errors first); an empty range underlines the character
/// at its start; a range over several lines is underlined on its first line only, because long
/// marks over whole objects are noise.
pub fn marks(text: &str, problems: impl IntoIterator<Item = (usize, usize, bool)>) -> Vec<Mark> {
    let boundary = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let mut ranges: Vec<(usize, usize, bool, usize)> =
        problems.into_iter().enumerate().map(|(n, (s, e, is_error))| (s, e, is_error, n)).collect();
    insertion_sort_by_key(&mut ranges, |&(start, end, is_error, _)| (start, !is_error, end));
    let mut out: Vec<Mark> = Vec::new();
    for (start, end, is_error, problem) in ranges {
        let start = boundary(start);
        if out.last().is_some_and(|m| start < m.end || (start == m.start && m.start == m.end)) {
            continue;
        }
        let mut end = boundary(end.max(start));
        if end == start {
            if let Some(c) = text[start..].chars().next().filter(|&c| c != '\n') {
                end = start + c.len_utf8();
            }
        }
        if let Some(nl) = text[start..end].find('\n') {
            end = start + nl;
        }
        out.push(Mark { start, end, is_error, problem });
    }
    out
}

/// Cuts the line `range` of `text` into runs: by token, by underline and by matched bracket.
/// `marks` must be sorted and disjoint (as [`marks`] makes them). Whitespace outside underlines is
/// a run without a kind. An underline at the end of the line comes last, as an empty run.
pub fn runs(text: &str, range: Range<usize>, marks: &[Mark], brackets: &[(usize, bool)]) -> Vec<Run> {
    let tokens = tokenize_line(&text[range.clone()]);
    let marks: Vec<(usize, &Mark)> =
        marks.iter().enumerate().filter(|(_, m)| m.end >= range.start && m.start <= range.end).collect();
    let mut cuts = vec![range.start, range.end];
    cuts.extend(tokens.iter().flat_map(|t| [range.start + t.start, range.start + t.end]));
    cuts.extend(marks.iter().flat_map(|(_, m)| [m.start.max(range.start), m.end.min(range.end)]));
    cuts.extend(brackets.iter().filter(|(p, _)| range.contains(p)).flat_map(|&(p, _)| [p, p + 1]));
    insertion_sort_by_key(&mut cuts, |&c| c);
    cuts.dedup();
    let mut out: Vec<Run> = Vec::new();
    let mut token = tokens.iter().peekable();
    for pair in cuts.windows(2) {
        let (start, end) = (pair[0], pair[1]);
        while token.peek().is_some_and(|t| range.start + t.end <= start) {
            token.next();
        }
        let kind = token.peek().filter(|t| range.start + t.start <= start).map(|t| t.kind);
        let mark = marks.iter().find(|(_, m)| m.start <= start && start < m.end).map(|&(i, _)| i);
        let bracket = brackets.iter().find(|&&(p, _)| p == start).map(|&(_, ok)| ok);
        match out.last_mut() {
            Some(last)
                if (last.kind, last.mark, last.bracket) == (kind, mark, bracket) && bracket.is_none() =>
            {
                last.end = end;
            }
            _ => out.push(Run { start, end, kind, mark, bracket }),
        }
    }
    let at_end = marks.iter().find(|(_, m)| m.start == m.end && m.start == range.end);
    if let Some(&(i, m)) = at_end {
        out.push(Run { start: m.start, end: m.end, kind: None, mark: Some(i), bracket: None });
    }
    out
}

fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
}

/// One line of the editor's mirror as HTML: `<span class="cl">`, its runs as coloured spans, those
/// under the same underline grouped into one `<mark data-problem="N">`. A string rather than
/// virtual nodes because the lines on screen are redrawn on every keystroke: the editor hands each
/// line to Yew as one piece of raw HTML, which Yew skips when it has not changed.
pub fn line_html(text: &str, runs: &[Run], marks: &[Mark]) -> String {
    let mut out = String::with_capacity(64 + runs.len() * 40);
    out.push_str("<span class=\"cl\">");
    let mut open: Option<usize> = None;
    for run in runs {
        if run.mark != open {
            if open.is_some() {
                out.push_str("</mark>");
            }
            if let Some(m) = run.mark {
                let severity = if marks[m].is_error { "error" } else { "warning" };
                out.push_str(&format!(
                    "<mark class=\"squiggle {severity}\" data-problem=\"{}\">",
                    marks[m].problem
                ));
            }
            open = run.mark;
        }
        let body = if run.start == run.end { " " } else { &text[run.start..run.end] };
        let bracket = match run.bracket {
            Some(true) => Some("br-match"),
            Some(false) => Some("br-bad"),
            None => None,
        };
        let class: Vec<&str> = run.kind.map(Kind::class).into_iter().chain(bracket).collect();
        if class.is_empty() {
            push_escaped(&mut out, body);
        } else {
            out.push_str("<span class=\"");
            out.push_str(&class.join(" "));
            out.push_str("\">");
            push_escaped(&mut out, body);
            out.push_str("</span>");
        }
    }
    if open.is_some() {
        out.push_str("</mark>");
    }
    out.push_str("</span>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A line with its tokens written as `[kind:text]`.
    fn show(line: &str) -> String {
        tokenize_line(line)
            .iter()
            .map(|t| {
                let k = match t.kind {
                    Kind::Key => "key",
                    Kind::AslKey => "asl",
                    Kind::Str => "str",
                    Kind::Path => "path",
                    Kind::Intrinsic => "fn",
                    Kind::Number => "num",
                    Kind::Literal => "lit",
                    Kind::Punct => "p",
                    Kind::Bracket => "b",
                    Kind::Invalid => "bad",
                    Kind::Code => "code",
                };
                format!("[{k}:{}]", &line[t.start..t.end])
            })
            .collect()
    }

    #[test]
    fn insertion_sort_is_stable() {
        let mut v = vec![(3, 'a'), (1, 'b'), (3, 'c'), (0, 'd'), (1, 'e')];
        insertion_sort_by_key(&mut v, |&(k, _)| k);
        assert_eq!(v, [(0, 'd'), (1, 'b'), (1, 'e'), (3, 'a'), (3, 'c')]);
    }

    #[test]
    fn the_asl_keys_are_sorted() {
        assert!(ASL_KEYS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn json_tokens() {
        assert_eq!(show(r#"  "Type": "Task","#), r#"[asl:"Type"][p::][str:"Task"][p:,]"#);
        assert_eq!(
            show(r#"{"n": -1.5e3, "ok": [true, null]}"#),
            r#"[b:{][key:"n"][p::][num:-1.5e3][p:,][key:"ok"][p::][b:[][lit:true][p:,][lit:null][b:]][b:}]"#
        );
        assert_eq!(show(r#""a\"b" :1"#), r#"[key:"a\"b"][p::][num:1]"#);
        assert_eq!(show(r#""é", "x"#), r#"[str:"é"][p:,][str:"x]"#);
    }

    #[test]
    fn paths_and_intrinsics_inside_strings() {
        assert_eq!(show(r#""token.$": "$$.Task.Token""#), r#"[key:"token.$"][p::][path:"$$.Task.Token"]"#);
        assert_eq!(
            show(r#""States.Format('Hi {}, $5', $.name)""#),
            r#"[str:"][fn:States.Format][str:('Hi {}, $5', ][path:$.name][str:)"]"#
        );
        assert_eq!(
            show(r#""States.Array(States.UUID(), $$.Execution.Id)""#),
            r#"[str:"][fn:States.Array][str:(][fn:States.UUID][str:(), ][path:$$.Execution.Id][str:)"]"#
        );
        // An error name is not a call.
        assert_eq!(show(r#""States.Timeout""#), r#"[str:"States.Timeout"]"#);
    }

    #[test]
    fn jsonata_inside_its_delimiters() {
        assert_eq!(
            show(r#""Output": "{% $states.result.n * 2 & $string($x) %}""#),
            r#"[asl:"Output"][p::][p:"{%][code: ][path:$states.result.n][code: * ][num:2][code: & ][fn:$string][code:(][path:$x][code:) ][p:%}"]"#
        );
        assert_eq!(
            show(r#""{% 'it''s' & \"q\" and true %}""#),
            r#"[p:"{%][code: ][str:'it'][str:'s'][code: & ][str:\"q\"][code: ][lit:and][code: ][lit:true][code: ][p:%}"]"#
        );
        // Not quite an expression: a plain string.
        assert_eq!(show(r#""{% x""#), r#"[str:"{% x"]"#);
    }

    #[test]
    fn what_json_does_not_allow() {
        assert_eq!(show("// note"), "[bad://][bad:note]");
        assert_eq!(show("{'a': nul}"), "[b:{][bad:'a'][p::][bad:nul][b:}]");
    }

    fn at(text: &str, caret: usize) -> Option<(usize, Option<usize>)> {
        match_bracket(text, &Lines::new(text), caret).map(|m| (m.at, m.partner))
    }

    #[test]
    fn brackets_match_across_lines_and_skip_strings() {
        let text = "{\n  \"a\": [1, \"]\"],\n  \"b\": {}\n}";
        assert_eq!(at(text, 0), Some((0, Some(text.len() - 1))));
        assert_eq!(at(text, 1), Some((0, Some(text.len() - 1))));
        assert_eq!(at(text, text.len()), Some((text.len() - 1, Some(0))));
        let open = text.find('[').unwrap();
        let close = text.rfind(']').unwrap();
        assert_eq!(at(text, open + 1), Some((open, Some(close))));
        assert_eq!(at(text, close + 1), Some((close, Some(open))));
        // Inside a string: no bracket.
        assert_eq!(at(text, text.find("\"]\"").unwrap() + 2), None);
        assert_eq!(at(text, 4), None);
    }

    #[test]
    fn unmatched_and_mismatched_brackets() {
        assert_eq!(at("[1, 2", 1), Some((0, None)));
        assert_eq!(at("1]", 2), Some((1, None)));
        assert_eq!(at("{1]", 0), Some((0, None)));
    }

    fn paint(text: &str, marks: &[Mark], brackets: &[(usize, bool)]) -> String {
        let lines = Lines::new(text);
        (0..lines.count())
            .map(|l| {
                runs(text, lines.range(l), marks, brackets)
                    .iter()
                    .map(|r| {
                        let body = if r.start == r.end { " " } else { &text[r.start..r.end] };
                        let body = match r.bracket {
                            Some(true) => format!("({body})"),
                            Some(false) => format!("(!{body})"),
                            None => body.to_string(),
                        };
                        match r.mark.map(|m| marks[m].is_error) {
                            Some(true) => format!("<{body}>"),
                            Some(false) => format!("<?{body}>"),
                            None => body,
                        }
                    })
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn problems_become_underlines() {
        let text = "{\"a\": 1,\n \"b\": x}";
        let m = marks(text, [(15, 16, true)]);
        assert_eq!(paint(text, &m, &[]), "{\"a\": 1,\n \"b\": <x>}");
        let m = marks(text, [(1, 4, false)]);
        assert_eq!(paint(text, &m, &[]), "{<?\"a\">: 1,\n \"b\": x}");
        // An underline over two tokens is one run per token, all under the same mark.
        let m = marks(text, [(1, 7, true)]);
        let runs = runs(text, 0..8, &m, &[]);
        assert!(runs.iter().filter(|r| r.mark.is_some()).count() >= 3);
    }

    #[test]
    fn empty_and_multiline_ranges_still_show_on_one_line() {
        let m = marks("ab", [(1, 1, true)]);
        assert_eq!(paint("ab", &m, &[]), "a<b>");
        let m = marks("ab\nc", [(2, 2, true)]);
        assert_eq!(m[0].start, m[0].end);
        assert_eq!(paint("ab\nc", &m, &[]), "ab< >\nc");
        let m = marks("ab", [(9, 9, true)]);
        assert_eq!(paint("ab", &m, &[]), "ab< >");
        let text = "{\n  \"x\": 1\n}";
        let m = marks(text, [(0, text.len(), true)]);
        assert_eq!(paint(text, &m, &[]), "<{>\n  \"x\": 1\n}");
        let m = marks("abcdef", [(0, 4, true), (2, 3, false)]);
        assert_eq!(m.len(), 1);
        assert_eq!(paint("é x", &marks("é x", [(1, 1, true)]), &[]), "<é> x");
    }

    #[test]
    fn lines_become_html() {
        let text = "  \"a<b\": [1, x]";
        let m = marks(text, [(13, 14, true)]);
        let lines = Lines::new(text);
        let html = line_html(text, &runs(text, lines.range(0), &m, &[(9, true)]), &m);
        assert_eq!(
            html,
            concat!(
                r#"<span class="cl">  <span class="tk-key">"a&lt;b"</span><span class="tk-punct">:</span> "#,
                r#"<span class="tk-bracket br-match">[</span><span class="tk-num">1</span>"#,
                r#"<span class="tk-punct">,</span> <mark class="squiggle error" data-problem="0">"#,
                r#"<span class="tk-bad">x</span></mark><span class="tk-bracket">]</span></span>"#
            )
        );
    }

    #[test]
    fn brackets_at_the_caret_are_runs_of_their_own() {
        assert_eq!(paint("[[1]]", &[], &[(0, true), (4, true)]), "([)[1](])");
        assert_eq!(paint("{]", &[], &[(0, false)]), "(!{)]");
    }
}
