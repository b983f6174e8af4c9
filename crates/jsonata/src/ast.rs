//! The syntax tree the evaluator walks, after the parser's second pass has turned `a.b[c]{d}` into
//! paths of steps with their filters, bindings and grouping attached.

use std::rc::Rc;

use crate::value::Value;

#[derive(Debug)]
pub(crate) struct Node {
    pub kind: Kind,
    /// Character offset just after the token that made this node (JSONata's convention).
    pub pos: usize,
    /// Boxed: most nodes have none, and a small node keeps the parser's stack frames small.
    pub ann: Box<Annotations>,
}

/// What the second pass attaches to a node or step.
#[derive(Debug, Default)]
pub(crate) struct Annotations {
    /// Filters applied to this node's whole result (`(a.b)[0]`).
    pub predicates: Vec<Node>,
    /// Filters and index bindings applied per input item when this node is a path step (`a.b[0]`).
    pub stages: Vec<Stage>,
    pub group: Option<Box<Group>>,
    /// `@$v`: the step binds each result to `$v` and keeps its input as the context.
    pub focus: Option<Rc<str>>,
    /// `#$i`: the step binds each result's position to `$i`.
    pub index: Option<Rc<str>>,
    /// `%` somewhere later in the path needs this step's input: the label it is bound to.
    pub ancestors: Vec<Rc<str>>,
    /// Parse time only: `%`s inside this node still looking for the step whose input they mean.
    pub seeking: Vec<Slot>,
    /// The step (or a path with such a step) carries variable bindings from step to step.
    pub tuple: bool,
    /// `a[]`: a singleton result stays an array.
    pub keep_array: bool,
    /// An array constructor as a path's first or last step: its array is kept whole, not flattened.
    pub cons_array: bool,
}

/// A `%` looking for its step: `level` steps further back along the path.
#[derive(Debug)]
pub(crate) struct Slot {
    pub label: Rc<str>,
    pub level: usize,
}

#[derive(Debug)]
pub(crate) enum Stage {
    Filter(Node),
    Index(Rc<str>),
}

#[derive(Debug)]
pub(crate) struct Group {
    pub pairs: Vec<(Node, Node)>,
}

#[derive(Debug)]
pub(crate) enum Kind {
    Path {
        steps: Vec<Node>,
        keep_singleton: bool,
    },
    /// A field name looked up in the context.
    Name(Rc<str>),
    Literal(Value),
    Regex(Value),
    Wildcard,
    Descendants,
    /// `%`, resolved to the label of the step whose input it means.
    Parent(Rc<str>),
    /// `$name`; the empty name is the context `$`.
    Variable(Rc<str>),
    Binary(&'static str, Box<Node>, Box<Node>),
    Negate(Box<Node>),
    ArrayCons(Vec<Node>),
    ObjectCons(Vec<(Node, Node)>),
    Condition(Box<Node>, Box<Node>, Option<Box<Node>>),
    Block(Vec<Node>),
    Bind(Rc<str>, Box<Node>),
    /// A call; `tail` marks a call whose value is its lambda's result, run by the caller's loop.
    Call {
        callee: Box<Node>,
        args: Vec<Node>,
        partial: bool,
        tail: bool,
    },
    /// `?` in a call's arguments: partial application.
    Placeholder,
    Lambda(Rc<LambdaDef>),
    Apply(Box<Node>, Box<Node>),
    Transform(Rc<TransformDef>),
    Sort(Vec<(Node, bool)>),
    /// A raw node that only exists between the two parser passes.
    Raw(Box<RawOp>),
}

#[derive(Debug)]
pub(crate) struct LambdaDef {
    pub params: Vec<Rc<str>>,
    pub signature: Option<crate::signature::Signature>,
    pub body: Node,
}

#[derive(Debug)]
pub(crate) struct TransformDef {
    pub pattern: Node,
    pub update: Node,
    pub delete: Option<Node>,
}

/// Postfix and infix forms the second pass rewrites into steps.
#[derive(Debug)]
pub(crate) enum RawOp {
    Dot(Node, Node),
    Filter(Node, Node),
    KeepArray(Node),
    GroupBy(Node, Vec<(Node, Node)>),
    SortBy(Node, Vec<(Node, bool)>),
    Focus(Node, Rc<str>),
    IndexBind(Node, Rc<str>),
}

impl Node {
    pub(crate) fn new(kind: Kind, pos: usize) -> Node {
        Node { kind, pos, ann: Box::default() }
    }
}
