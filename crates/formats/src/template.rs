//! CloudFormation and SAM templates: the state machine's definition, its intrinsic functions
//! evaluated, its `DefinitionSubstitutions` applied, and what only a deployment knows filled in.
//!
//! - `AWS::StepFunctions::StateMachine`: `Definition` (an object), `DefinitionString` (a string,
//!   often `Fn::Sub` or `Fn::Join`), `DefinitionSubstitutions`. `DefinitionS3Location` is in S3,
//!   which Baton cannot read.
//! - `AWS::Serverless::StateMachine`: `Definition`, `DefinitionUri` (a local file is read by the
//!   host, relative to the template: [`crate::Read::Linked`]), `DefinitionSubstitutions`.
//!
//! Intrinsic functions: `Ref` and `Fn::GetAtt` give what the resource's type documents (a
//! function's ARN, a queue's URL) with the stand-in account and region, a parameter's `Default`
//! when it has one; `Fn::Sub`, `Fn::Join`, `Fn::Select`, `Fn::Split`, `Fn::FindInMap` (the
//! template's `Mappings`), `Fn::GetAZs`, `Fn::Base64`, `Fn::ToJsonString`, `Fn::Length` are
//! evaluated; `Fn::If` takes its first value (conditions depend on the deployment's parameters);
//! `Fn::ImportValue` a stand-in. Everything filled in is listed in one warning.

use std::rc::Rc;

use asl::diagnostic::{Code, Diagnostic, Severity};

use crate::fill::{self, Fills};
use crate::map::{Mode, Text};
use crate::node::{intrinsic, Node, Value};
use crate::text::Lines;
use crate::write::{Hooks, Writer};

pub const STEP_FUNCTIONS: &str = "AWS::StepFunctions::StateMachine";
pub const SERVERLESS: &str = "AWS::Serverless::StateMachine";

/// Whether a document is a template rather than a definition.
pub fn is_template(root: &Node) -> bool {
    root.get("States").is_none() && root.get("Resources").is_some_and(|r| r.members().is_some())
}

/// The template's state machines: logical ID's node and resource.
pub fn machines(root: &Node) -> Vec<(Rc<Node>, Rc<Node>)> {
    let Some(resources) = root.get("Resources").and_then(|r| r.members()) else { return Vec::new() };
    resources
        .iter()
        .filter(|(_, r)| matches!(r.get("Type").and_then(|t| t.as_str()), Some(STEP_FUNCTIONS | SERVERLESS)))
        .map(|(k, r)| (k.clone(), r.clone()))
        .collect()
}

pub fn error(lines: &Lines, span: (usize, usize), message: impl Into<String>) -> Diagnostic {
    Diagnostic {
        severity: Severity::Error,
        code: Code::WrongValue,
        message: message.into(),
        pointer: String::new(),
        span: Some(lines.span(span)),
        offset: None,
    }
}

pub struct Template<'a> {
    pub source: &'a str,
    pub lines: &'a Lines<'a>,
    pub root: Rc<Node>,
    /// The chosen machine's `DefinitionSubstitutions`.
    pub substitutions: Option<Rc<Node>>,
    pub fills: Fills,
    pub yaml11: bool,
}

impl Template<'_> {
    fn error(&self, span: (usize, usize), message: impl Into<String>) -> Diagnostic {
        error(self.lines, span, message)
    }

    fn resource_type(&self, id: &str) -> Option<String> {
        let resource = self.root.get("Resources")?.get(id)?;
        Some(resource.get("Type").and_then(|t| t.as_str()).unwrap_or_default().to_string())
    }

    fn parameter(&self, id: &str) -> Option<&Rc<Node>> {
        self.root.get("Parameters")?.get(id)
    }

    /// `Ref name` or `Fn::GetAtt name.attribute`, or `${name}` in `Fn::Sub`: a value when the
    /// name is a pseudo parameter, a parameter or a resource (`None` otherwise), filled in.
    fn known(
        &mut self,
        name: &str,
        attribute: Option<&str>,
        label: &str,
        at: (usize, usize),
    ) -> Option<String> {
        let value = if let (Some(v), None) = (fill::pseudo(name), attribute) {
            v
        } else if let (Some(p), None) = (self.parameter(name), attribute) {
            match p.get("Default").map(|d| scalar_text(d)) {
                Some(Some(default)) => default,
                _ => fill::by_name(name),
            }
        } else if let Some(kind) = self.resource_type(name) {
            fill::resource(name, &kind, attribute)
        } else {
            return None;
        };
        self.fills.add(label, value.clone(), at);
        Some(value)
    }

    /// `Ref`/`Fn::GetAtt` of anything: a stand-in by name when the template does not say.
    fn reference(&mut self, name: &str, attribute: Option<&str>, label: &str, at: (usize, usize)) -> String {
        if name == "AWS::NoValue" {
            return String::new();
        }
        if let Some(value) = self.known(name, attribute, label, at) {
            return value;
        }
        let whole = match attribute {
            Some(a) => format!("{name}.{a}"),
            None => name.to_string(),
        };
        let value = fill::by_name(&whole);
        self.fills.add(label, value.clone(), at);
        value
    }

    /// A value as text, as CloudFormation turns numbers and booleans into strings.
    pub fn string(&mut self, node: &Rc<Node>) -> Result<String, Diagnostic> {
        let node = match intrinsic(node) {
            Some(_) => self.eval(node)?,
            None => node.clone(),
        };
        scalar_text(&node)
            .ok_or_else(|| self.error(node.span, format!("expected a text here, not {}", node.kind())))
    }

    /// A value as text with the places of its characters: a string's own, `Fn::Sub`'s template
    /// between its substitutions, `Fn::Join`'s parts.
    pub fn text(&mut self, node: &Rc<Node>) -> Result<Text, Diagnostic> {
        match intrinsic(node) {
            None if node.as_str().is_some() => Ok(Text::scalar(node)),
            Some(("Fn::Sub", _)) => self.sub(node),
            Some(("Fn::Join", arg)) => {
                let [delimiter, parts] = self.args::<2>(node, arg)?;
                let delimiter = self.text(&delimiter)?;
                let parts = match intrinsic(&parts) {
                    Some(_) => self.eval(&parts)?,
                    None => parts,
                };
                let Value::Seq(items) = &parts.value else {
                    return Err(self.error(parts.span, "Fn::Join joins a list"));
                };
                let mut text = Text::default();
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        text.append(&delimiter);
                    }
                    text.append(&self.text(item)?);
                }
                Ok(text)
            }
            _ => {
                let value = self.string(node)?;
                Ok(Text::whole(&value, node.span))
            }
        }
    }

    fn args<const N: usize>(&self, node: &Node, arg: &Node) -> Result<[Rc<Node>; N], Diagnostic> {
        let name = intrinsic(node).map_or("", |(n, _)| n);
        match &arg.value {
            Value::Seq(items) if items.len() == N => Ok(std::array::from_fn(|i| items[i].clone())),
            _ => Err(self.error(arg.span, format!("{name} takes a list of {N} values"))),
        }
    }

    /// `Fn::Sub`: its template with each `${Name}` replaced by its variable, a pseudo parameter,
    /// a parameter or a resource; a name it does not know stays, for `DefinitionSubstitutions`.
    fn sub(&mut self, node: &Rc<Node>) -> Result<Text, Diagnostic> {
        let Some((_, arg)) = intrinsic(node) else { return Ok(Text::default()) };
        let (template, variables) = match &arg.value {
            Value::Seq(items) if items.len() == 2 => (items[0].clone(), Some(items[1].clone())),
            Value::Str(_) => (arg.clone(), None),
            _ => {
                return Err(
                    self.error(arg.span, "Fn::Sub takes a text, or a list of a text and its variables")
                )
            }
        };
        let Some(s) = template.as_str().map(str::to_string) else {
            return Err(self.error(template.span, "Fn::Sub's template must be a text"));
        };
        let mut text = Text::default();
        let mut chars = 0;
        let mut rest = s.as_str();
        let literal = |text: &mut Text, part: &str, chars: &mut usize| {
            text.push(part, template.span, Mode::Chars(template.clone(), *chars));
            *chars += part.chars().count();
        };
        while let Some(start) = rest.find("${") {
            literal(&mut text, &rest[..start], &mut chars);
            let after = &rest[start + 2..];
            if let Some(escaped) = after.strip_prefix('!') {
                // `${!Literal}` is the text `${Literal}`.
                text.push("${", template.span, Mode::Chars(template.clone(), chars));
                chars += 3;
                rest = escaped;
                continue;
            }
            let Some(end) = after.find('}') else {
                rest = &rest[start..];
                break;
            };
            let name = after[..end].trim();
            let written = &rest[start..start + 2 + end + 1];
            let from = s.len() - rest.len() + start;
            let here = Text::scalar(&template).source_range(self.source, from, from + written.len());
            let label = format!("${{{name}}}");
            let value = match variables.as_ref().and_then(|v| v.get(name)).cloned() {
                Some(variable) => Some(self.string(&variable)?),
                None => match name.split_once('.') {
                    Some((resource, attribute)) if self.resource_type(resource).is_some() => {
                        self.known(resource, Some(attribute), &label, here)
                    }
                    _ => self.known(name, None, &label, here),
                },
            };
            match value {
                Some(value) => text.push(&value, here, Mode::Whole),
                None => text.push(written, template.span, Mode::Chars(template.clone(), chars)),
            }
            chars += written.chars().count();
            rest = &after[end + 1..];
        }
        literal(&mut text, rest, &mut chars);
        Ok(text)
    }

    /// An intrinsic function's value.
    pub fn eval(&mut self, node: &Rc<Node>) -> Result<Rc<Node>, Diagnostic> {
        let Some((name, arg)) = intrinsic(node) else { return Ok(node.clone()) };
        let (name, arg) = (name.to_string(), arg.clone());
        let span = node.span;
        let text = |s: String| Node::synthetic(span, s);
        Ok(match name.as_str() {
            "Ref" => {
                let target = self.string(&arg)?;
                text(self.reference(&target, None, &format!("Ref {target}"), span))
            }
            "Fn::GetAtt" => {
                let (resource, attribute) = match &arg.value {
                    Value::Seq(items) if items.len() == 2 => {
                        (self.string(&items[0])?, self.string(&items[1])?)
                    }
                    _ => {
                        let whole = self.string(&arg)?;
                        match whole.split_once('.') {
                            Some((r, a)) => (r.to_string(), a.to_string()),
                            None => return Err(self.error(arg.span, "Fn::GetAtt takes RESOURCE.ATTRIBUTE")),
                        }
                    }
                };
                let label = format!("GetAtt {resource}.{attribute}");
                text(self.reference(&resource, Some(&attribute), &label, span))
            }
            "Fn::Sub" | "Fn::Join" => text(self.text(node)?.s),
            "Fn::If" => {
                let [condition, first, _] = self.args::<3>(node, &arg)?;
                let condition = scalar_text(&condition).unwrap_or_default();
                self.fills.add(format!("Fn::If {condition}"), "its first value", span);
                self.eval(&first)?
            }
            "Fn::Select" => {
                let [index, list] = self.args::<2>(node, &arg)?;
                let index = self.string(&index)?;
                let list = self.eval(&list)?;
                let Value::Seq(items) = &list.value else {
                    return Err(self.error(list.span, "Fn::Select selects from a list"));
                };
                let item = index.parse::<usize>().ok().and_then(|i| items.get(i)).cloned();
                let item = item.ok_or_else(|| {
                    self.error(span, format!("Fn::Select: no item {index} in a list of {}", items.len()))
                })?;
                self.eval(&item)?
            }
            "Fn::Split" => {
                let [delimiter, source] = self.args::<2>(node, &arg)?;
                let (delimiter, source) = (self.string(&delimiter)?, self.string(&source)?);
                if delimiter.is_empty() {
                    return Err(self.error(span, "Fn::Split needs a delimiter"));
                }
                let items =
                    source.split(delimiter.as_str()).map(|part| Node::synthetic(span, part)).collect();
                Node::new(span, Value::Seq(items))
            }
            "Fn::GetAZs" => {
                let zones = ["a", "b", "c"].map(|z| Node::synthetic(span, format!("{}{z}", fill::REGION)));
                self.fills.add("Fn::GetAZs", format!("{}a, b, c", fill::REGION), span);
                Node::new(span, Value::Seq(zones.to_vec()))
            }
            "Fn::FindInMap" => {
                let [map, first, second] = self.args::<3>(node, &arg)?;
                let names = [self.string(&map)?, self.string(&first)?, self.string(&second)?];
                let found = self
                    .root
                    .get("Mappings")
                    .and_then(|m| m.get(&names[0]))
                    .and_then(|m| m.get(&names[1]))
                    .and_then(|m| m.get(&names[2]))
                    .cloned();
                let found = found.ok_or_else(|| {
                    self.error(
                        span,
                        format!("Fn::FindInMap: the template's Mappings have no {}", names.join(".")),
                    )
                })?;
                self.eval(&found)?
            }
            "Fn::ImportValue" => {
                let export = self.string(&arg)?;
                let value = fill::by_name(&export);
                self.fills.add(format!("Fn::ImportValue {export}"), value.clone(), span);
                text(value)
            }
            "Fn::Base64" => text(base64(self.string(&arg)?.as_bytes())),
            "Fn::ToJsonString" => {
                let lines = self.lines;
                let yaml11 = self.yaml11;
                let mut writer = Writer::new(lines, yaml11, asl::MAX_DEFINITION_BYTES).hooks(self);
                writer.document(&arg)?;
                text(writer.finish().0)
            }
            "Fn::Length" => {
                let list = self.eval(&arg)?;
                match &list.value {
                    Value::Seq(items) => Node::new(span, Value::Number(items.len().to_string().into())),
                    _ => return Err(self.error(list.span, "Fn::Length counts a list")),
                }
            }
            other => return Err(self.error(span, format!("Baton does not evaluate {other} in a definition"))),
        })
    }

    /// A `DefinitionSubstitutions` entry, as text.
    pub fn substitution(&mut self, name: &str) -> Result<Option<String>, Diagnostic> {
        let Some(value) = self.substitutions.as_ref().and_then(|s| s.get(name)).cloned() else {
            return Ok(None);
        };
        self.string(&value).map(Some)
    }
}

/// A scalar's text as CloudFormation reads it into a string.
pub fn scalar_text(node: &Node) -> Option<String> {
    match &node.value {
        Value::Str(s) => Some(s.text.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

impl Hooks for Template<'_> {
    fn string(
        &mut self,
        node: &Rc<Node>,
        text: &str,
        key: Option<&str>,
    ) -> Result<Option<String>, Diagnostic> {
        let mut fills = Fills::default();
        let result = substitute(text, key, node.span, &mut |name| self.substitution(name), &mut fills);
        self.fills.merge(fills);
        result
    }

    fn intrinsic(&mut self, node: &Rc<Node>) -> Result<Rc<Node>, Diagnostic> {
        self.eval(node)
    }
}

/// `text` with each `${Name}` substituted by `lookup` or filled in (in a `Resource`, the whole
/// text as the definition reader reads it); `None` when it holds no placeholder.
pub fn substitute(
    text: &str,
    key: Option<&str>,
    at: (usize, usize),
    lookup: &mut dyn FnMut(&str) -> Result<Option<String>, Diagnostic>,
    fills: &mut Fills,
) -> Result<Option<String>, Diagnostic> {
    if !text.contains("${") {
        return Ok(None);
    }
    let mut out = String::with_capacity(text.len());
    let mut left = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            rest = &rest[start..];
            break;
        };
        let name = after[..end].trim();
        let written = &rest[start..start + end + 3];
        match lookup(name)? {
            Some(value) => out.push_str(&value),
            None if key == Some("Resource") => {
                left.push(written.to_string());
                out.push_str(written);
            }
            None => {
                let value = fill::by_name(name);
                fills.add(written, value.clone(), at);
                out.push_str(&value);
            }
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    if !left.is_empty() {
        let arn = asl::model::Resource::parse(&out).arn.to_string();
        for placeholder in left {
            fills.add(placeholder, arn.clone(), at);
        }
        return Ok(Some(arn));
    }
    Ok(Some(out))
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_pads() {
        assert_eq!(super::base64(b"ab"), "YWI=");
        assert_eq!(super::base64(b"abc"), "YWJj");
        assert_eq!(super::base64(b"a"), "YQ==");
    }
}
