//! The document tree written as YAML (`baton convert --to yaml`): block style, two spaces of
//! indentation, a string quoted whenever YAML 1.1 or 1.2 could read it as something else.

use std::fmt::Write as _;

use crate::node::{Node, Value};
use crate::write::push_json_string;
use crate::yaml::{resolve_plain, Resolved};

pub fn yaml(root: &Node, yaml11: bool) -> String {
    let mut out = String::new();
    match &root.value {
        Value::Seq(items) if !items.is_empty() => seq(&mut out, items, 0, yaml11),
        Value::Map(members) if !members.is_empty() => map(&mut out, members, 0, yaml11),
        _ => {
            out.push_str(&scalar(root, yaml11));
            out.push('\n');
        }
    }
    out
}

fn indent(out: &mut String, n: usize) {
    for _ in 0..n {
        out.push(' ');
    }
}

fn is_block(node: &Node) -> bool {
    matches!(&node.value, Value::Seq(items) if !items.is_empty())
        || matches!(&node.value, Value::Map(members) if !members.is_empty())
}

fn map(out: &mut String, members: &[(std::rc::Rc<Node>, std::rc::Rc<Node>)], depth: usize, yaml11: bool) {
    for (i, (key, value)) in members.iter().enumerate() {
        if i > 0 {
            indent(out, depth);
        }
        out.push_str(&string(key.as_str().unwrap_or_default()));
        out.push(':');
        nested(out, value, depth + 2, yaml11);
    }
}

fn seq(out: &mut String, items: &[std::rc::Rc<Node>], depth: usize, yaml11: bool) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            indent(out, depth);
        }
        out.push('-');
        match &item.value {
            Value::Map(members) if !members.is_empty() => {
                out.push(' ');
                map(out, members, depth + 2, yaml11);
            }
            _ => nested(out, item, depth + 2, yaml11),
        }
    }
}

/// A value after `key:` or `-`: on the same line when it is a scalar, below otherwise.
fn nested(out: &mut String, value: &Node, depth: usize, yaml11: bool) {
    if !is_block(value) {
        out.push(' ');
        out.push_str(&scalar(value, yaml11));
        out.push('\n');
        return;
    }
    out.push('\n');
    indent(out, depth);
    match &value.value {
        Value::Seq(items) => seq(out, items, depth, yaml11),
        Value::Map(members) => map(out, members, depth, yaml11),
        _ => {}
    }
}

fn scalar(node: &Node, yaml11: bool) -> String {
    match &node.value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Seq(_) => "[]".into(),
        Value::Map(_) => "{}".into(),
        Value::Str(s) if s.untyped => match resolve_plain(&s.text, yaml11) {
            Resolved::Null => "null".into(),
            Resolved::Bool(b) => b.to_string(),
            Resolved::Number(n) => n,
            Resolved::NotJson => s.text.to_string(),
            Resolved::Str => string(&s.text),
        },
        Value::Str(s) => string(&s.text),
    }
}

/// A string, plain when nothing could read it as anything else, else double-quoted with JSON's
/// escapes (which YAML's double quotes read the same).
pub fn string(text: &str) -> String {
    if is_plain_safe(text) {
        return text.to_string();
    }
    let mut out = String::new();
    push_json_string(&mut out, text);
    // `\u007f` and friends are escaped by JSON already; YAML also wants DEL escaped.
    if out.contains('\u{7f}') {
        let mut escaped = String::new();
        for c in out.chars() {
            match c {
                '\u{7f}' => escaped.push_str("\\x7F"),
                c => {
                    let _ = write!(escaped, "{c}");
                }
            }
        }
        return escaped;
    }
    out
}

fn is_plain_safe(text: &str) -> bool {
    let Some(first) = text.chars().next() else { return false };
    (first.is_ascii_alphabetic() || matches!(first, '$' | '_' | '/'))
        && text.chars().all(|c| c.is_ascii_alphanumeric() || " _$./-()=+,:;<>^~".contains(c))
        && !text.ends_with([' ', ':'])
        && !text.contains(": ")
        && !matches!(text, "y" | "Y" | "n" | "N")
        && resolve_plain(text, true) == Resolved::Str
}
