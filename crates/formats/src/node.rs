//! The document tree both readers build (YAML and JSON): values with the byte range each one
//! takes in the user's text, and for strings where their characters start there, so that any
//! place in the JSON text written from them can be followed back.

use std::rc::Rc;

/// How a string was written in the source: decides how its characters line up with the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// A YAML plain scalar (unquoted): also the ones whose type is resolved later (`true`, `12`).
    Plain,
    /// `'...'`: `''` is one quote.
    Single,
    /// `"..."` in YAML, or a JSON string: backslash escapes.
    Double,
    /// `|` block: lines kept, indentation removed.
    Literal,
    /// `>` block: lines folded.
    Folded,
    /// Made up by Baton (an intrinsic function's result): no characters of its own in the text.
    Synthetic,
}

/// A string and where it sits.
#[derive(Clone, Debug)]
pub struct Scalar {
    pub text: Rc<str>,
    pub style: Style,
    /// The byte where the string's characters start in the source (after a tag, an anchor, the
    /// opening quote, or a block scalar's header line).
    pub content: usize,
    /// A block scalar's indentation (spaces removed from each line).
    pub indent: usize,
    /// A plain YAML scalar whose type is still to be resolved (`12`, `true`, `~`); a quoted one,
    /// or one tagged `!!str`, is a string whatever it reads.
    pub untyped: bool,
}

#[derive(Clone, Debug)]
pub enum Value {
    Null,
    Bool(bool),
    /// A number as JSON writes it.
    Number(Rc<str>),
    Str(Scalar),
    Seq(Vec<Rc<Node>>),
    /// Members in order, a repeated name included (the JSON text keeps both, and the definition
    /// reader reports the repetition where it is).
    Map(Vec<(Rc<Node>, Rc<Node>)>),
}

#[derive(Clone, Debug)]
pub struct Node {
    /// The byte range of the whole value in the source, tag and anchor included.
    pub span: (usize, usize),
    pub value: Value,
}

impl Node {
    pub fn new(span: (usize, usize), value: Value) -> Rc<Node> {
        Rc::new(Node { span, value })
    }

    /// A string made up by Baton, placed at `span`.
    pub fn synthetic(span: (usize, usize), text: impl Into<Rc<str>>) -> Rc<Node> {
        let scalar =
            Scalar { text: text.into(), style: Style::Synthetic, content: span.0, indent: 0, untyped: false };
        Node::new(span, Value::Str(scalar))
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(&s.text),
            _ => None,
        }
    }

    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn members(&self) -> Option<&[(Rc<Node>, Rc<Node>)]> {
        match &self.value {
            Value::Map(members) => Some(members),
            _ => None,
        }
    }

    /// The member named `name` (the last one, when repeated: as the JSON reader takes it).
    pub fn get(&self, name: &str) -> Option<&Rc<Node>> {
        self.member(name).map(|(_, v)| v)
    }

    /// The member named `name`, its name's node with its value.
    pub fn member(&self, name: &str) -> Option<(&Rc<Node>, &Rc<Node>)> {
        self.members()?.iter().rev().find(|(k, _)| k.as_str() == Some(name)).map(|(k, v)| (k, v))
    }

    /// What kind of value this is, for messages.
    pub fn kind(&self) -> &'static str {
        match &self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "an object",
        }
    }
}

/// The CloudFormation intrinsic function a one-member object stands for (`{"Ref": ...}`,
/// `{"Fn::Sub": ...}`, or their YAML short forms `!Ref`, `!Sub`), with its argument.
pub fn intrinsic(node: &Node) -> Option<(&str, &Rc<Node>)> {
    match node.members()? {
        [(key, arg)] => {
            let name = key.as_str()?;
            (name == "Ref" || name == "Condition" || name.starts_with("Fn::")).then_some((name, arg))
        }
        _ => None,
    }
}
