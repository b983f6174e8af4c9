//! Placeholders in JSON text: a `DefinitionString` after its intrinsic functions, and a
//! Terraform `templatefile` definition. Each `${Name}` is substituted (CloudFormation's
//! `DefinitionSubstitutions`, textually, as AWS does) or filled in with a stand-in that fits
//! where it stands: inside a `Resource` string the ARN the definition reader makes of it, inside
//! another string a value suggested by its name, bare where a value should be a JSON value for
//! that member ([`fill::bare`]). The text is read as JSON only as far as needed for that (strings,
//! member names, nesting); the definition reader checks the rest, at the places the pieces keep.

use asl::diagnostic::{Code, Diagnostic, Severity};

use crate::fill::{self, Fills};
use crate::map::{Mode, Text};
use crate::text::Lines;

/// A substitution's text, by name and the place of its placeholder.
pub type Substitute<'a> = dyn FnMut(&str, (usize, usize)) -> Result<Option<String>, Diagnostic> + 'a;

pub struct Pass<'a> {
    pub source: &'a str,
    pub lines: &'a Lines<'a>,
    /// Terraform's escapes (`$${`, `%%{`) and directives (`%{`, refused).
    pub terraform: bool,
    /// A substitution's text, by name and the place of its placeholder.
    pub subs: &'a mut Substitute<'a>,
    pub fills: &'a mut Fills,
}

/// Where a placeholder whose `{` is at `i` ends (after its `}`), braces inside counted.
fn placeholder_end(s: &[u8], i: usize) -> Option<usize> {
    let mut depth = 0;
    for (j, &b) in s.iter().enumerate().skip(i) {
        match b {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(j + 1);
                }
            }
            b'\n' => return None,
            _ => {}
        }
    }
    None
}

/// The name a stand-in is made from: `jsonencode(var.items)` is `var.items`.
fn name_of(inner: &str) -> &str {
    let inner = inner.trim();
    match (inner.find('('), inner.rfind(')')) {
        (Some(a), Some(b)) if a < b => inner[a + 1..b].trim().trim_matches('"'),
        _ => inner,
    }
}

struct Frame {
    object: bool,
    /// For a list, the member it is the value of.
    key: Option<String>,
}

impl Pass<'_> {
    fn error(&self, input: &Text, at: (usize, usize), message: String) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code: Code::JsonSyntax,
            message,
            pointer: String::new(),
            span: Some(self.lines.span(input.source_range(self.source, at.0, at.1))),
            offset: None,
        }
    }

    pub fn run(&mut self, input: &Text) -> Result<Text, Diagnostic> {
        let s = input.s.as_bytes();
        let mut out = Text::default();
        let mut copied = 0;
        let mut stack: Vec<Frame> = Vec::new();
        let mut expect_key = false;
        let mut last_string: Option<(usize, usize)> = None;
        let mut last_key: Option<String> = None;
        // Whether the next value is a member's (after ':').
        let mut after_colon = false;
        let mut i = 0;
        while i < s.len() {
            match s[i] {
                b'"' => {
                    let end = string_end(s, i);
                    let value_key = match stack.last() {
                        Some(Frame { object: true, .. }) if after_colon => last_key.clone(),
                        Some(Frame { object: false, key }) => key.clone(),
                        _ => None,
                    };
                    let inside = &input.s[i + 1..end.saturating_sub(1).max(i + 1)];
                    if inside.contains("${") || (self.terraform && inside.contains("%{")) {
                        out.copy(input, copied, i + 1);
                        self.string(
                            input,
                            i + 1,
                            end.saturating_sub(1).max(i + 1),
                            value_key.as_deref(),
                            &mut out,
                        )?;
                        copied = end.saturating_sub(1).max(i + 1);
                    }
                    last_string = Some((i, end));
                    after_colon = false;
                    i = end;
                    continue;
                }
                b'$' if s.get(i + 1) == Some(&b'{') => {
                    let Some(end) = placeholder_end(s, i + 1) else {
                        i += 1;
                        continue;
                    };
                    let inner = &input.s[i + 2..end - 1];
                    out.copy(input, copied, i);
                    copied = end;
                    let src = input.source_range(self.source, i, end);
                    if let Some(text) = (self.subs)(inner.trim(), src)? {
                        out.push(&text, src, Mode::Whole);
                    } else {
                        if expect_key {
                            return Err(self.error(
                                input,
                                (i, end),
                                "a placeholder where a member name should be: Baton cannot tell what it stands for".into(),
                            ));
                        }
                        let key = match stack.last() {
                            Some(Frame { object: true, .. }) => last_key.clone(),
                            Some(Frame { object: false, key }) => key.clone(),
                            None => None,
                        };
                        let value = fill::bare(name_of(inner), key.as_deref());
                        self.fills.add(format!("${{{}}}", inner.trim()), value.clone(), src);
                        out.push(&value, src, Mode::Whole);
                    }
                    after_colon = false;
                    i = end;
                    continue;
                }
                b'$' if self.terraform && s.get(i + 1) == Some(&b'$') && s.get(i + 2) == Some(&b'{') => {
                    out.copy(input, copied, i);
                    copied = i + 1;
                    i += 3;
                    continue;
                }
                b'%' if self.terraform && s.get(i + 1) == Some(&b'{') => {
                    return Err(self.directive(input, i));
                }
                b'{' => {
                    stack.push(Frame { object: true, key: None });
                    expect_key = true;
                }
                b'[' => {
                    let key = match stack.last() {
                        Some(Frame { object: true, .. }) if after_colon => last_key.clone(),
                        Some(Frame { object: false, key }) => key.clone(),
                        _ => None,
                    };
                    stack.push(Frame { object: false, key });
                    expect_key = false;
                }
                b'}' | b']' => {
                    stack.pop();
                    expect_key = false;
                }
                b',' => expect_key = stack.last().is_some_and(|f| f.object),
                b':' => {
                    expect_key = false;
                    after_colon = true;
                    last_key = last_string
                        .map(|(a, b)| serde_json::from_str::<String>(&input.s[a..b]).unwrap_or_default());
                    i += 1;
                    continue;
                }
                b' ' | b'\t' | b'\n' | b'\r' => {
                    i += 1;
                    continue;
                }
                _ => {}
            }
            after_colon = false;
            i += 1;
        }
        out.copy(input, copied, s.len());
        Ok(out)
    }

    fn directive(&self, input: &Text, i: usize) -> Diagnostic {
        self.error(
            input,
            (i, i + 2),
            "a Terraform template directive (%{ ... }): Baton fills in ${...} placeholders, not directives"
                .into(),
        )
    }

    /// The inside of a string literal, `input.s[from..to]`, with its placeholders replaced.
    fn string(
        &mut self,
        input: &Text,
        from: usize,
        to: usize,
        key: Option<&str>,
        out: &mut Text,
    ) -> Result<(), Diagnostic> {
        let s = input.s.as_bytes();
        // In a Resource, the whole string is read as the definition reader reads it.
        let mut piece = Text::default();
        let mut copied = from;
        let mut left: Vec<String> = Vec::new();
        let mut i = from;
        while i < to {
            match s[i] {
                b'\\' => i += 2,
                b'$' if s.get(i + 1) == Some(&b'{') => {
                    let Some(end) = placeholder_end(&s[..to], i + 1) else {
                        i += 1;
                        continue;
                    };
                    let inner = &input.s[i + 2..end - 1];
                    piece.copy(input, copied, i);
                    copied = end;
                    let src = input.source_range(self.source, i, end);
                    match (self.subs)(inner.trim(), src)? {
                        Some(text) => piece.push(&text, src, Mode::Whole),
                        None if key == Some("Resource") => {
                            left.push(format!("${{{}}}", inner.trim()));
                            piece.push(&input.s[i..end], src, Mode::Whole);
                        }
                        None => {
                            let value = fill::by_name(name_of(inner));
                            self.fills.add(format!("${{{}}}", inner.trim()), value.clone(), src);
                            let escaped = fill::json_string(&value);
                            piece.push(&escaped[1..escaped.len() - 1], src, Mode::Whole);
                        }
                    }
                    i = end;
                }
                b'$' if self.terraform && s.get(i + 1) == Some(&b'$') && s.get(i + 2) == Some(&b'{') => {
                    piece.copy(input, copied, i);
                    copied = i + 1;
                    i += 3;
                }
                b'%' if self.terraform && s.get(i + 1) == Some(&b'%') && s.get(i + 2) == Some(&b'{') => {
                    piece.copy(input, copied, i);
                    copied = i + 1;
                    i += 3;
                }
                b'%' if self.terraform && s.get(i + 1) == Some(&b'{') => return Err(self.directive(input, i)),
                _ => i += 1,
            }
        }
        piece.copy(input, copied, to);
        if left.is_empty() {
            out.append(&piece);
            return Ok(());
        }
        let written: String =
            serde_json::from_str(&format!("\"{}\"", piece.s)).unwrap_or_else(|_| piece.s.clone());
        let arn = asl::model::Resource::parse(&written).arn;
        let src = input.source_range(self.source, from, to);
        for placeholder in left {
            self.fills.add(placeholder, arn.to_string(), src);
        }
        let escaped = fill::json_string(&arn);
        out.push(&escaped[1..escaped.len() - 1], src, Mode::Whole);
        Ok(())
    }
}

/// The end (after the closing quote) of the string literal starting at `i`.
fn string_end(s: &[u8], i: usize) -> usize {
    let mut j = i + 1;
    while j < s.len() {
        match s[j] {
            b'\\' => j += 2,
            b'"' => return j + 1,
            _ => j += 1,
        }
    }
    s.len()
}
