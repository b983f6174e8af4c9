//! YAML text into the document tree, with places, from saphyr-parser's events.
//!
//! Decisions (see the README's "Formats" section):
//! - One document per file; `---` before a second one is an error.
//! - Anchors and aliases: an alias shares its anchor's value (nothing is copied while reading);
//!   writing JSON expands it under a size budget, so an alias bomb stops at the size AWS accepts.
//!   CloudFormation refuses aliases, so a template's are refused here ([`Document::aliases`]).
//! - Merge keys (`<<`, YAML 1.1) are refused: CloudFormation refuses them too.
//! - Tags: the core schema's (`!!str`, `!!int`, `!!float`, `!!bool`, `!!null`, `!!map`, `!!seq`) and
//!   CloudFormation's short forms (`!Ref`, `!Sub`...), which become the long form
//!   (`{"Fn::Sub": ...}`); any other tag is an error.
//! - Keys are scalars, taken as their text (`1: a` is the member `"1"`, as `json.dumps` writes it).
//! - A plain scalar's type is resolved when JSON is written ([`crate::write`]): YAML 1.2's core
//!   schema, plus YAML 1.1's `yes`/`no`/`on`/`off` in templates, which CloudFormation reads as 1.1.

use std::collections::HashMap;
use std::rc::Rc;

use asl::diagnostic::{Code, Diagnostic, Severity};
use saphyr_parser::{Event, Parser, ScalarStyle, Span as YamlSpan, Tag};

use crate::node::{Node, Scalar, Style, Value};
use crate::text::{content_start, CharIndex, Lines};

/// The short-form tags of CloudFormation's intrinsic functions, and their long names.
const INTRINSIC_TAGS: &[(&str, &str)] = &[
    ("Ref", "Ref"),
    ("Condition", "Condition"),
    ("Sub", "Fn::Sub"),
    ("Join", "Fn::Join"),
    ("GetAtt", "Fn::GetAtt"),
    ("If", "Fn::If"),
    ("Select", "Fn::Select"),
    ("Split", "Fn::Split"),
    ("FindInMap", "Fn::FindInMap"),
    ("ImportValue", "Fn::ImportValue"),
    ("GetAZs", "Fn::GetAZs"),
    ("Base64", "Fn::Base64"),
    ("Cidr", "Fn::Cidr"),
    ("Equals", "Fn::Equals"),
    ("Not", "Fn::Not"),
    ("And", "Fn::And"),
    ("Or", "Fn::Or"),
    ("Transform", "Fn::Transform"),
    ("ToJsonString", "Fn::ToJsonString"),
    ("Length", "Fn::Length"),
];

/// A YAML document read.
pub struct Document {
    pub root: Rc<Node>,
    /// The first CloudFormation short-form tag (`!Sub`): only a template may hold one.
    pub first_intrinsic_tag: Option<((usize, usize), String)>,
    /// The first alias (`*name`): CloudFormation refuses them.
    pub first_alias: Option<(usize, usize)>,
}

enum Frame {
    Seq {
        start: usize,
        tag: Option<Wrap>,
        anchor: usize,
        items: Vec<Rc<Node>>,
    },
    Map {
        start: usize,
        tag: Option<Wrap>,
        anchor: usize,
        members: Vec<(Rc<Node>, Rc<Node>)>,
        key: Option<Rc<Node>>,
    },
}

/// What a tag on a collection asks for.
#[derive(Clone)]
enum Wrap {
    /// An intrinsic function's long name.
    Intrinsic(&'static str),
    /// `!!seq`, `!!map`: nothing.
    Plain,
}

pub fn error(lines: &Lines, span: (usize, usize), message: impl Into<String>) -> Diagnostic {
    Diagnostic {
        severity: Severity::Error,
        code: Code::JsonSyntax,
        message: message.into(),
        pointer: String::new(),
        span: Some(lines.span(span)),
        offset: None,
    }
}

/// Reads a YAML text; the first problem is returned, located.
pub fn parse(text: &str) -> Result<Document, Diagnostic> {
    let lines = Lines::new(text);
    let chars = CharIndex::new(text);
    let bytes = |span: YamlSpan| (chars.byte(span.start.index()), chars.byte(span.end.index()));
    let fail = |span: (usize, usize), message: String| Err(error(&lines, span, message));
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, Rc<Node>> = HashMap::new();
    let mut documents = 0;
    let mut root: Option<Rc<Node>> = None;
    let mut first_intrinsic_tag = None;
    let mut first_alias = None;
    for event in Parser::new_from_str(text) {
        let (event, span) = match event {
            Ok(found) => found,
            Err(e) => {
                let at = chars.byte(e.marker().index());
                let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
                return fail((at, end), format!("this is not YAML: {}", e.info()));
            }
        };
        let span = bytes(span);
        let (node, anchor) = match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return fail(
                        span,
                        "a second YAML document: Baton reads one definition or template per file".into(),
                    );
                }
                continue;
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => continue,
            Event::Alias(id) => {
                first_alias.get_or_insert(span);
                match anchors.get(&id) {
                    Some(node) => (node.clone(), 0),
                    None => return fail(span, "this alias names no anchor defined before it".into()),
                }
            }
            Event::Scalar(value, style, anchor, tag) => {
                let node =
                    scalar(text, span, &value, style, tag.as_deref(), &lines, &mut first_intrinsic_tag)?;
                (node, anchor)
            }
            Event::SequenceStart(anchor, ref tag) | Event::MappingStart(anchor, ref tag) => {
                if stack.len() >= asl::source::MAX_DEPTH {
                    return fail(
                        (span.0, span.0 + 1),
                        format!("too deeply nested: more than {} levels", asl::source::MAX_DEPTH),
                    );
                }
                let is_seq = matches!(&event, Event::SequenceStart(..));
                let wrap = collection_tag(tag.as_deref(), is_seq, span, &lines, &mut first_intrinsic_tag)?;
                stack.push(match is_seq {
                    true => Frame::Seq { start: span.0, tag: wrap, anchor, items: Vec::new() },
                    false => Frame::Map { start: span.0, tag: wrap, anchor, members: Vec::new(), key: None },
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (start, wrap, anchor, value) = match stack.pop() {
                    Some(Frame::Seq { start, tag, anchor, items }) => (start, tag, anchor, Value::Seq(items)),
                    Some(Frame::Map { start, tag, anchor, members, .. }) => {
                        (start, tag, anchor, Value::Map(members))
                    }
                    None => continue,
                };
                let node = Node::new((start, span.1.max(start)), value);
                (wrap_intrinsic(node, wrap), anchor)
            }
        };
        if anchor > 0 {
            anchors.insert(anchor, node.clone());
        }
        // Hand the value to its container.
        match stack.last_mut() {
            None => root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { members, key, .. }) => match key.take() {
                Some(name) => members.push((name, node)),
                None => {
                    let Value::Str(s) = &node.value else {
                        let what = match &node.value {
                            Value::Seq(_) | Value::Map(_) => "a list or an object",
                            _ => "this value",
                        };
                        return fail(node.span, format!("a key must be a plain text, not {what}"));
                    };
                    if &*s.text == "<<" && s.untyped {
                        return fail(
                            node.span,
                            "merge keys (<<) are YAML 1.1, and CloudFormation refuses them too: write the members out".into(),
                        );
                    }
                    *key = Some(node);
                }
            },
        }
    }
    match root {
        Some(root) => Ok(Document { root, first_intrinsic_tag, first_alias }),
        None => fail((0, 0), "the file is empty: expected a definition or a template".into()),
    }
}

fn tag_name(tag: &Tag) -> String {
    match tag.handle.as_str() {
        "tag:yaml.org,2002:" => format!("!!{}", tag.suffix),
        handle => format!("{handle}{}", tag.suffix),
    }
}

fn intrinsic_tag(tag: &Tag) -> Option<&'static str> {
    if tag.handle != "!" {
        return None;
    }
    INTRINSIC_TAGS.iter().find(|(short, _)| *short == tag.suffix).map(|(_, long)| *long)
}

fn unknown_tag(tag: &Tag, span: (usize, usize), lines: &Lines) -> Diagnostic {
    let end = span.0 + tag_name(tag).len();
    error(
        lines,
        (span.0, end.max(span.0 + 1)),
        format!(
            "Baton does not read the tag {}: only YAML's core tags (!!str, !!int...) and CloudFormation's (!Ref, !Sub...)",
            tag_name(tag)
        ),
    )
}

fn collection_tag(
    tag: Option<&Tag>,
    is_seq: bool,
    span: (usize, usize),
    lines: &Lines,
    first: &mut Option<((usize, usize), String)>,
) -> Result<Option<Wrap>, Diagnostic> {
    let Some(tag) = tag else { return Ok(None) };
    if let Some(long) = intrinsic_tag(tag) {
        first.get_or_insert((span, tag_name(tag)));
        return Ok(Some(Wrap::Intrinsic(long)));
    }
    match (tag.is_yaml_core_schema(), tag.suffix.as_str(), is_seq) {
        (true, "seq", true) | (true, "map", false) => Ok(Some(Wrap::Plain)),
        _ => Err(unknown_tag(tag, span, lines)),
    }
}

/// `!Sub x` as `{"Fn::Sub": x}`: the name stands where the tag is.
fn wrap_intrinsic(node: Rc<Node>, wrap: Option<Wrap>) -> Rc<Node> {
    match wrap {
        Some(Wrap::Intrinsic(long)) => {
            let span = node.span;
            let name = Node::synthetic(span, long);
            Node::new(span, Value::Map(vec![(name, node)]))
        }
        _ => node,
    }
}

fn scalar(
    text: &str,
    span: (usize, usize),
    value: &str,
    style: ScalarStyle,
    tag: Option<&Tag>,
    lines: &Lines,
    first: &mut Option<((usize, usize), String)>,
) -> Result<Rc<Node>, Diagnostic> {
    let style = match style {
        ScalarStyle::Plain => Style::Plain,
        ScalarStyle::SingleQuoted => Style::Single,
        ScalarStyle::DoubleQuoted => Style::Double,
        ScalarStyle::Literal => Style::Literal,
        ScalarStyle::Folded => Style::Folded,
    };
    let (content, indent) = content_start(text, span.0, style);
    let string = |untyped| {
        let s = Scalar { text: value.into(), style, content, indent, untyped };
        Node::new(span, Value::Str(s))
    };
    let Some(tag) = tag else { return Ok(string(style == Style::Plain)) };
    if let Some(long) = intrinsic_tag(tag) {
        first.get_or_insert((span, tag_name(tag)));
        return Ok(wrap_intrinsic(string(false), Some(Wrap::Intrinsic(long))));
    }
    if !tag.is_yaml_core_schema() {
        return Err(unknown_tag(tag, span, lines));
    }
    let resolved = resolve_plain(value, false);
    let node = match (tag.suffix.as_str(), resolved) {
        ("str", _) => string(false),
        ("null", Resolved::Null) => Node::new(span, Value::Null),
        ("bool", Resolved::Bool(b)) => Node::new(span, Value::Bool(b)),
        ("int", Resolved::Number(n)) if !n.contains(['.', 'e', 'E']) => {
            Node::new(span, Value::Number(n.into()))
        }
        ("float", Resolved::Number(n)) => Node::new(span, Value::Number(n.into())),
        ("null" | "bool" | "int" | "float", _) => {
            return Err(error(
                lines,
                span,
                format!("'{}' is not what {} says it is", excerpt(value), tag_name(tag)),
            ))
        }
        _ => return Err(unknown_tag(tag, span, lines)),
    };
    Ok(node)
}

fn excerpt(text: &str) -> String {
    match text.char_indices().nth(60) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// What a plain scalar is.
#[derive(Debug, PartialEq)]
pub enum Resolved {
    Null,
    Bool(bool),
    /// As JSON writes it.
    Number(String),
    Str,
    /// A number JSON cannot hold (`.inf`, `.nan`, a huge hex).
    NotJson,
}

/// A plain scalar's type by YAML 1.2's core schema; with `yaml11`, also YAML 1.1's booleans
/// (`yes`, `no`, `on`, `off` in PyYAML's spellings), as CloudFormation reads templates.
pub fn resolve_plain(text: &str, yaml11: bool) -> Resolved {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Resolved::Null,
        "true" | "True" | "TRUE" => return Resolved::Bool(true),
        "false" | "False" | "FALSE" => return Resolved::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF" | ".nan"
        | ".NaN" | ".NAN" => return Resolved::NotJson,
        _ => {}
    }
    if yaml11 {
        match text {
            "yes" | "Yes" | "YES" | "on" | "On" | "ON" => return Resolved::Bool(true),
            "no" | "No" | "NO" | "off" | "Off" | "OFF" => return Resolved::Bool(false),
            _ => {}
        }
    }
    let radix = |digits: &str, radix| match u64::from_str_radix(digits, radix) {
        Ok(n) if !digits.is_empty() => Resolved::Number(n.to_string()),
        Err(_) if !digits.is_empty() && digits.chars().all(|c| c.is_digit(radix)) => Resolved::NotJson,
        _ => Resolved::Str,
    };
    if let Some(octal) = text.strip_prefix("0o") {
        return radix(octal, 8);
    }
    if let Some(hex) = text.strip_prefix("0x") {
        return radix(hex, 16);
    }
    // [-+]? ( \.[0-9]+ | [0-9]+ ( \.[0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
    let (negative, unsigned) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (mantissa, None),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    let shape_ok = digits(int)
        && frac.is_none_or(digits)
        && !(int.is_empty() && frac.is_none_or(str::is_empty))
        && exponent_ok;
    if !shape_ok {
        return Resolved::Str;
    }
    let mut json = String::with_capacity(text.len() + 2);
    if negative {
        json.push('-');
    }
    let int = int.trim_start_matches('0');
    json.push_str(if int.is_empty() { "0" } else { int });
    if let Some(frac) = frac {
        json.push('.');
        json.push_str(if frac.is_empty() { "0" } else { frac });
    }
    if let Some(e) = exponent {
        json.push('e');
        json.push_str(e);
    }
    Resolved::Number(json)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_scalars_resolve_as_the_core_schema_says() {
        let n = |s: &str| Resolved::Number(s.to_string());
        assert_eq!(resolve_plain("12", false), n("12"));
        assert_eq!(resolve_plain("+012", false), n("12"));
        assert_eq!(resolve_plain("-0", false), n("-0"));
        assert_eq!(resolve_plain("1.", false), n("1.0"));
        assert_eq!(resolve_plain(".5e-3", false), n("0.5e-3"));
        assert_eq!(resolve_plain("0x1F", false), n("31"));
        assert_eq!(resolve_plain("0o17", false), n("15"));
        assert_eq!(resolve_plain("1_000", false), Resolved::Str);
        assert_eq!(resolve_plain("1e", false), Resolved::Str);
        assert_eq!(resolve_plain(".", false), Resolved::Str);
        assert_eq!(resolve_plain("-.inf", false), Resolved::NotJson);
        assert_eq!(resolve_plain("0x1FFFFFFFFFFFFFFFFFFFF", false), Resolved::NotJson);
        assert_eq!(resolve_plain("~", false), Resolved::Null);
        assert_eq!(resolve_plain("yes", false), Resolved::Str);
        assert_eq!(resolve_plain("yes", true), Resolved::Bool(true));
        assert_eq!(resolve_plain("Off", true), Resolved::Bool(false));
        assert_eq!(resolve_plain("y", true), Resolved::Str);
    }

    #[test]
    fn tags_become_intrinsics_and_places_are_bytes() {
        let doc = parse("é: !Sub \"x ${y}\"\nb: !GetAtt [A, Arn]\n").unwrap();
        let (key, value) = &doc.root.members().unwrap()[0];
        assert_eq!(key.span, (0, 2));
        let (name, arg) = crate::node::intrinsic(value).unwrap();
        assert_eq!(name, "Fn::Sub");
        assert_eq!(arg.as_str(), Some("x ${y}"));
        assert_eq!(arg.as_scalar().unwrap().content, 10);
        assert_eq!(doc.first_intrinsic_tag.as_ref().map(|t| t.1.as_str()), Some("!Sub"));
    }

    #[test]
    fn problems_are_located() {
        let at = |text: &str| parse(text).err().and_then(|d| d.span).map(|s| (s.line, s.column));
        assert_eq!(at("a: 1\n---\nb: 2\n"), Some((2, 1)));
        assert_eq!(at("a: !Foo x\n"), Some((1, 4)));
        assert_eq!(at("a: [1, 2\n"), Some((2, 1)));
        assert_eq!(at("base: &b {x: 1}\nc:\n  <<: *b\n"), Some((3, 3)));
        assert_eq!(at("? [a]\n: b\n"), Some((1, 3)));
        assert_eq!(at(""), Some((1, 1)));
        assert_eq!(at("a: *nope\n"), Some((1, 4)));
        assert_eq!(at("a: !!int x\n"), Some((1, 4)));
    }
}
