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
    /// Levels of nodes below this one, counted as it was built: what the recursive passes over
    /// the tree (the second parser pass, evaluation, drop) nest. A raw chain counts as one level
    /// however long it is, since the second pass walks it in a loop.
    pub height: u32,
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
    /// Postfix forms that only exist between the two parser passes.
    Raw(Box<RawChain>),
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

/// `base` followed by the forms the second pass rewrites into steps (`a.b[0]{...}^(c)`), in
/// order, each with its position. Flat rather than a left-deep tree, so that a path of a hundred
/// thousand steps is a loop, not a recursion as deep.
#[derive(Debug)]
pub(crate) struct RawChain {
    pub base: Node,
    pub ops: Vec<(RawOp, usize)>,
}

#[derive(Debug)]
pub(crate) enum RawOp {
    Dot(Node),
    Filter(Node),
    KeepArray,
    GroupBy(Vec<(Node, Node)>),
    SortBy(Vec<(Node, bool)>),
    Focus(Rc<str>),
    IndexBind(Rc<str>),
}

impl RawOp {
    /// The height of this form's highest operand (`left` aside): 0 when it has none.
    pub(crate) fn operands_height(&self) -> u32 {
        let mut most = 0;
        let mut see = |n: &Node| most = most.max(n.height);
        match self {
            RawOp::Dot(n) | RawOp::Filter(n) => see(n),
            RawOp::GroupBy(pairs) => pairs.iter().for_each(|(k, v)| {
                see(k);
                see(v);
            }),
            RawOp::SortBy(terms) => terms.iter().for_each(|(t, _)| see(t)),
            RawOp::KeepArray | RawOp::Focus(_) | RawOp::IndexBind(_) => {}
        }
        most
    }
}

impl Node {
    pub(crate) fn new(kind: Kind, pos: usize) -> Node {
        let height = kind.height();
        Node { kind, pos, ann: Box::default(), height }
    }
}

impl Kind {
    /// The height of a node of this kind: one more than its highest child (see [`Node::height`]).
    fn height(&self) -> u32 {
        let mut below = 0;
        let mut see = |n: &Node| below = below.max(n.height);
        match self {
            Kind::Path { steps, .. } => steps.iter().for_each(&mut see),
            Kind::Binary(_, l, r) | Kind::Apply(l, r) => {
                see(l);
                see(r);
            }
            Kind::Negate(x) | Kind::Bind(_, x) => see(x),
            Kind::ArrayCons(items) | Kind::Block(items) => items.iter().for_each(&mut see),
            Kind::ObjectCons(pairs) => pairs.iter().for_each(|(k, v)| {
                see(k);
                see(v);
            }),
            Kind::Condition(c, t, e) => {
                see(c);
                see(t);
                e.iter().for_each(|e| see(e));
            }
            Kind::Call { callee, args, .. } => {
                see(callee);
                args.iter().for_each(&mut see);
            }
            Kind::Lambda(def) => see(&def.body),
            Kind::Transform(def) => {
                see(&def.pattern);
                see(&def.update);
                def.delete.iter().for_each(&mut see);
            }
            Kind::Sort(terms) => terms.iter().for_each(|(t, _)| see(t)),
            Kind::Raw(chain) => {
                // The chain's own length does not count: the base is one level down, like the
                // operands of any of its forms.
                see(&chain.base);
                for (op, _) in &chain.ops {
                    below = below.max(op.operands_height());
                }
            }
            Kind::Name(_)
            | Kind::Literal(_)
            | Kind::Regex(_)
            | Kind::Wildcard
            | Kind::Descendants
            | Kind::Parent(_)
            | Kind::Variable(_)
            | Kind::Placeholder => {}
        }
        below.saturating_add(1)
    }
}
