//! The document tree written as JSON text, with a segment for every value and member name
//! written ([`SpanMap`]): the definition reader's places in the JSON text lead back to the
//! user's text.

use std::rc::Rc;

use asl::diagnostic::{Code, Diagnostic, Severity};
use asl::source::MAX_DEPTH;

use crate::map::{Mode, Seg, SpanMap, NONE};
use crate::node::{intrinsic, Node, Value};
use crate::text::Lines;
use crate::yaml::{resolve_plain, Resolved};

/// What a template does to the values it writes: its intrinsic functions are evaluated, its
/// strings substituted. A plain definition has none.
pub trait Hooks {
    /// What to write instead of the string `text` (the value or the name of the member `key`).
    fn string(
        &mut self,
        node: &Rc<Node>,
        text: &str,
        key: Option<&str>,
    ) -> Result<Option<String>, Diagnostic>;
    /// The value of an intrinsic function (`{"Fn::Sub": ...}`).
    fn intrinsic(&mut self, node: &Rc<Node>) -> Result<Rc<Node>, Diagnostic>;
}

pub struct Writer<'a> {
    pub out: String,
    segs: Vec<Seg>,
    lines: &'a Lines<'a>,
    /// YAML 1.1's `yes`/`no`/`on`/`off` are booleans (templates, which CloudFormation reads so).
    yaml11: bool,
    /// The JSON text may not grow past this (aliases can multiply a small text).
    limit: usize,
    pretty: bool,
    hooks: Option<&'a mut dyn Hooks>,
}

impl<'a> Writer<'a> {
    pub fn new(lines: &'a Lines<'a>, yaml11: bool, limit: usize) -> Writer<'a> {
        Writer { out: String::new(), segs: Vec::new(), lines, yaml11, limit, pretty: false, hooks: None }
    }

    pub fn pretty(mut self) -> Self {
        self.pretty = true;
        self
    }

    pub fn hooks(mut self, hooks: &'a mut dyn Hooks) -> Self {
        self.hooks = Some(hooks);
        self
    }

    pub fn finish(self) -> (String, SpanMap) {
        (self.out, SpanMap { segs: self.segs })
    }

    fn error(&self, code: Code, span: (usize, usize), message: String) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code,
            message,
            pointer: String::new(),
            span: Some(self.lines.span(span)),
            offset: None,
        }
    }

    fn open(&mut self, src: (usize, usize), parent: usize, mode: Mode) -> usize {
        let at = self.out.len();
        self.segs.push(Seg { out: (at, at), src, parent, mode });
        self.segs.len() - 1
    }

    fn close(&mut self, id: usize) {
        self.segs[id].out.1 = self.out.len();
    }

    fn newline(&mut self, depth: usize) {
        if self.pretty {
            self.out.push('\n');
            for _ in 0..depth {
                self.out.push_str("  ");
            }
        }
    }

    /// Writes the whole document.
    pub fn document(&mut self, node: &Rc<Node>) -> Result<(), Diagnostic> {
        self.value(node, 0, NONE, None)?;
        if self.pretty {
            self.out.push('\n');
        }
        Ok(())
    }

    fn value(
        &mut self,
        node: &Rc<Node>,
        depth: usize,
        parent: usize,
        key: Option<&str>,
    ) -> Result<(), Diagnostic> {
        if self.out.len() > self.limit {
            return Err(self.error(
                Code::DefinitionTooLarge,
                node.span,
                format!(
                    "as JSON, the definition grows past {} bytes here (aliases written out); AWS accepts at most 1 MiB",
                    self.limit
                ),
            ));
        }
        if depth > MAX_DEPTH {
            return Err(self.error(
                Code::JsonSyntax,
                node.span,
                format!("too deeply nested: more than {MAX_DEPTH} levels"),
            ));
        }
        if intrinsic(node).is_some() {
            if let Some(hooks) = self.hooks.as_deref_mut() {
                let value = hooks.intrinsic(node)?;
                // The value stands where the function is written.
                let id = self.open(node.span, parent, Mode::Whole);
                self.value(&value, depth, id, key)?;
                self.close(id);
                return Ok(());
            }
        }
        match &node.value {
            Value::Null => self.scalar(node, parent, "null"),
            Value::Bool(b) => self.scalar(node, parent, if *b { "true" } else { "false" }),
            Value::Number(n) => self.scalar(node, parent, n),
            Value::Str(s) if s.untyped => match resolve_plain(&s.text, self.yaml11) {
                Resolved::Null => self.scalar(node, parent, "null"),
                Resolved::Bool(b) => self.scalar(node, parent, if b { "true" } else { "false" }),
                Resolved::Number(n) => self.scalar(node, parent, &n),
                Resolved::NotJson => {
                    return Err(self.error(
                        Code::WrongValue,
                        node.span,
                        format!("'{}' is a number JSON cannot hold; quote it to mean the text", s.text),
                    ))
                }
                Resolved::Str => self.string(node, &s.text.clone(), parent, key)?,
            },
            Value::Str(s) => self.string(node, &s.text.clone(), parent, key)?,
            Value::Seq(items) => {
                let id = self.open(node.span, parent, Mode::Whole);
                self.out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.newline(depth + 1);
                    self.value(item, depth + 1, id, key)?;
                }
                if !items.is_empty() {
                    self.newline(depth);
                }
                self.out.push(']');
                self.close(id);
            }
            Value::Map(members) => {
                let id = self.open(node.span, parent, Mode::Whole);
                self.out.push('{');
                for (i, (name, value)) in members.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.newline(depth + 1);
                    let text = name.as_str().unwrap_or_default().to_string();
                    self.string(name, &text, id, None)?;
                    self.out.push_str(if self.pretty { ": " } else { ":" });
                    self.value(value, depth + 1, id, Some(&text))?;
                }
                if !members.is_empty() {
                    self.newline(depth);
                }
                self.out.push('}');
                self.close(id);
            }
        }
        Ok(())
    }

    fn scalar(&mut self, node: &Rc<Node>, parent: usize, text: &str) {
        let id = self.open(node.span, parent, Mode::Whole);
        self.out.push_str(text);
        self.close(id);
    }

    fn string(
        &mut self,
        node: &Rc<Node>,
        text: &str,
        parent: usize,
        key: Option<&str>,
    ) -> Result<(), Diagnostic> {
        let replaced = match self.hooks.as_deref_mut() {
            Some(hooks) => hooks.string(node, text, key)?,
            None => None,
        };
        let (text, mode) = match &replaced {
            Some(changed) => (changed.as_str(), Mode::Whole),
            None => (text, Mode::Json(node.clone())),
        };
        let id = self.open(node.span, parent, mode);
        push_json_string(&mut self.out, text);
        self.close(id);
        Ok(())
    }
}

/// `text` as a JSON string literal.
pub fn push_json_string(out: &mut String, text: &str) {
    out.push('"');
    let mut start = 0;
    for (i, c) in text.char_indices() {
        let escape = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            c if (c as u32) < 0x20 => "",
            _ => continue,
        };
        out.push_str(&text[start..i]);
        match escape {
            "" => out.push_str(&format!("\\u{:04x}", c as u32)),
            escape => out.push_str(escape),
        }
        start = i + c.len_utf8();
    }
    out.push_str(&text[start..]);
    out.push('"');
}
