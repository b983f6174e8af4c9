//! JSON text into the document tree, with places (for JSON templates and for conversion). The
//! text is checked by the definition reader first ([`asl::source::parse`]), whose messages are
//! written for people and whose places are the file's; this reader then only builds the tree.

use std::rc::Rc;

use asl::Diagnostic;

use crate::node::{Node, Scalar, Style, Value};

/// Reads JSON text that [`asl::source::parse`] accepts; its syntax error otherwise.
pub fn parse(text: &str) -> Result<Rc<Node>, Diagnostic> {
    asl::source::parse(text).map_err(|e| e.to_diagnostic())?;
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut reader = Reader { text, bytes: text.as_bytes(), pos: start };
    reader.skip();
    // The definition reader accepted the text, so this cannot fail; a failure is an empty tree.
    Ok(reader.value().unwrap_or_else(|| Node::new((0, 0), Value::Null)))
}

struct Reader<'t> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
}

impl Reader<'_> {
    fn skip(&mut self) {
        while matches!(self.bytes.get(self.pos), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn value(&mut self) -> Option<Rc<Node>> {
        let start = self.pos;
        let value = match self.bytes.get(self.pos)? {
            b'{' => {
                self.pos += 1;
                let mut members = Vec::new();
                loop {
                    self.skip();
                    match self.bytes.get(self.pos)? {
                        b'}' => break,
                        b',' => self.pos += 1,
                        _ => {
                            let key = self.string()?;
                            self.skip();
                            self.pos += 1; // ':'
                            self.skip();
                            members.push((key, self.value()?));
                        }
                    }
                }
                self.pos += 1;
                Value::Map(members)
            }
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip();
                    match self.bytes.get(self.pos)? {
                        b']' => break,
                        b',' => self.pos += 1,
                        _ => items.push(self.value()?),
                    }
                }
                self.pos += 1;
                Value::Seq(items)
            }
            b'"' => return self.string(),
            b't' => self.word("true", Value::Bool(true))?,
            b'f' => self.word("false", Value::Bool(false))?,
            b'n' => self.word("null", Value::Null)?,
            _ => {
                while self.bytes.get(self.pos).is_some_and(|b| b"+-.eE0123456789".contains(b)) {
                    self.pos += 1;
                }
                Value::Number(self.text[start..self.pos].into())
            }
        };
        Some(Node::new((start, self.pos), value))
    }

    fn word(&mut self, word: &str, value: Value) -> Option<Value> {
        self.pos += word.len();
        Some(value)
    }

    fn string(&mut self) -> Option<Rc<Node>> {
        let start = self.pos;
        let mut i = start + 1;
        let mut escaped = false;
        loop {
            match *self.bytes.get(i)? {
                b'\\' => {
                    escaped = true;
                    i += 2;
                }
                b'"' => break,
                _ => i += 1,
            }
        }
        self.pos = i + 1;
        let raw = &self.text[start..self.pos];
        let text: Rc<str> = match escaped {
            false => raw[1..raw.len() - 1].into(),
            true => serde_json::from_str::<String>(raw).ok()?.into(),
        };
        let scalar = Scalar { text, style: Style::Double, content: start + 1, indent: 0, untyped: false };
        Some(Node::new((start, self.pos), Value::Str(scalar)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_keep_their_places_and_number_texts() {
        let text = "\u{feff}{\"a\": [1.0, -2e5, true, null], \"b\\n\": \"x\\\"y\"}";
        let root = parse(text).unwrap();
        let members = root.members().unwrap();
        assert_eq!(members[0].0.span, (4, 7));
        let Value::Seq(items) = &members[0].1.value else { panic!() };
        assert!(matches!(&items[0].value, Value::Number(n) if &**n == "1.0"));
        assert!(matches!(&items[1].value, Value::Number(n) if &**n == "-2e5"));
        assert_eq!(members[1].0.as_str(), Some("b\n"));
        assert_eq!(members[1].1.as_str(), Some("x\"y"));
        assert!(parse("{\"a\": }").is_err());
    }
}
