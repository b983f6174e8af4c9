//! Expression text to [`Node`]s: a Pratt parser over JSONata's binding powers, then a second pass
//! that turns `.`, `[...]`, `{...}`, `^(...)`, `@` and `#` into paths of annotated steps.

use std::rc::Rc;

use crate::ast::{Group, Kind, LambdaDef, Node, RawChain, RawOp, Stage, TransformDef};
use crate::lexer::{Lexer, Tok};
use crate::value::Value;
use crate::{Error, Fail};

fn binding_power(op: &str) -> u8 {
    match op {
        "." => 75,
        "[" | "(" | "@" | "#" => 80,
        "{" => 70,
        "*" | "/" | "%" => 60,
        "+" | "-" | "&" => 50,
        "=" | "!=" | "<" | "<=" | ">" | ">=" | "^" | "~>" | "in" => 40,
        "and" => 30,
        "or" => 25,
        "?" | ".." => 20,
        ":=" => 10,
        _ => 0,
    }
}

pub(crate) fn parse(src: &str) -> Result<Node, Fail> {
    let mut p = Parser {
        lexer: Lexer::new(src),
        tok: Tok::End,
        pos: 0,
        depth: 0,
        stack_base: crate::stack_position(),
    };
    p.advance(true)?;
    let raw = p.expression(0)?;
    if p.tok != Tok::End {
        return Err(
            Error::syntax("S0201", format!("Syntax error: {}", show(&p.tok)), p.pos).with_token(show(&p.tok))
        );
    }
    let mut pass = Pass { labels: 0, stack_base: crate::stack_position() };
    let root = process(raw, &mut pass)?;
    if !root.ann.seeking.is_empty() {
        return Err(parent_error(root.pos));
    }
    Ok(root)
}

fn show(tok: &Tok) -> String {
    match tok {
        Tok::Op(o) => o.to_string(),
        Tok::Name(n) => n.clone(),
        Tok::Var(v) => format!("${v}"),
        Tok::Str(s) => s.clone(),
        Tok::Num(n) => crate::value::format_number(*n),
        Tok::True => "true".into(),
        Tok::False => "false".into(),
        Tok::Null => "null".into(),
        Tok::Regex(p, _) => format!("/{p}/"),
        Tok::End => "(end)".into(),
    }
}

struct Parser {
    lexer: Lexer,
    tok: Tok,
    pos: usize,
    /// Nesting of `expression`, bounded so that deeply nested text cannot exhaust the stack.
    depth: usize,
    stack_base: usize,
}

/// Native stack the parser may use; the second pass and evaluation nest no deeper per level.
const MAX_PARSER_STACK: usize = 256 * 1024;

/// Deeper nesting than any real expression; the parser's and the later passes' recursion stays
/// well inside a 512 KiB stack.
const MAX_NESTING: usize = 200;

/// The highest tree the parser builds (see [`Node::height`]): the second pass, evaluation and
/// the tree's drop recurse this deep. Evaluation's own default bound (`max_depth`) is 1000.
const MAX_HEIGHT: u32 = 1000;

fn too_deep(pos: usize) -> Fail {
    Error::syntax("U1001", "Expression nested too deeply", pos)
}

/// The second pass's state: `%` labels so far, and where the native stack was when it began.
struct Pass {
    labels: usize,
    stack_base: usize,
}

/// Appends a postfix form to `left`'s chain of them, or starts a chain: `a.b.c` is one flat
/// chain, not a tree as deep as the path is long.
fn extend_chain(left: Node, op: RawOp, pos: usize) -> Node {
    let mut node = match left.kind {
        Kind::Raw(_) => left,
        _ => Node::new(Kind::Raw(Box::new(RawChain { base: left, ops: Vec::new() })), pos),
    };
    node.height = node.height.max(op.operands_height().saturating_add(1));
    node.pos = pos;
    let Kind::Raw(chain) = &mut node.kind else { unreachable!("a chain was made above") };
    chain.ops.push((op, pos));
    node
}

impl Parser {
    fn advance(&mut self, operand_expected: bool) -> Result<(), Fail> {
        let (tok, pos) = self.lexer.next(operand_expected)?;
        self.tok = tok;
        self.pos = pos;
        Ok(())
    }

    fn expect(&mut self, op: &'static str, operand_next: bool) -> Result<(), Fail> {
        if self.tok == Tok::Op(op) {
            return self.advance(operand_next);
        }
        if self.tok == Tok::End {
            return Err(Error::syntax("S0203", format!("Expected {op} before end of expression"), self.pos)
                .with_token(op));
        }
        Err(Error::syntax("S0202", format!("Expected {op}, got {}", show(&self.tok)), self.pos)
            .with_token(show(&self.tok)))
    }

    fn expression(&mut self, rbp: u8) -> Result<Node, Fail> {
        if self.depth >= MAX_NESTING || self.stack_base.abs_diff(crate::stack_position()) > MAX_PARSER_STACK {
            return Err(too_deep(self.pos));
        }
        self.depth += 1;
        let result = self.expression_inner(rbp);
        self.depth -= 1;
        result
    }

    fn expression_inner(&mut self, rbp: u8) -> Result<Node, Fail> {
        let tok = std::mem::replace(&mut self.tok, Tok::End);
        let pos = self.pos;
        let mut left = self.nud(tok, pos)?;
        while let Tok::Op(op) = self.tok {
            if binding_power(op) <= rbp {
                break;
            }
            let pos = self.pos;
            self.advance(true)?;
            left = self.led(op, left, pos)?;
            // `1+1+1...` grows a left-deep tree here, one level per operator, without nesting
            // this parser's calls: bounded by its height.
            if left.height > MAX_HEIGHT {
                return Err(too_deep(pos));
            }
        }
        Ok(left)
    }

    #[inline(never)]
    fn nud(&mut self, tok: Tok, pos: usize) -> Result<Node, Fail> {
        let leaf = |kind| Ok(Node::new(kind, pos));
        match tok {
            Tok::Name(n) => {
                self.advance(false)?;
                leaf(Kind::Name(n.into()))
            }
            Tok::Var(v) => {
                self.advance(false)?;
                leaf(Kind::Variable(v.into()))
            }
            Tok::Str(s) => {
                self.advance(false)?;
                leaf(Kind::Literal(Value::string(s)))
            }
            Tok::Num(n) => {
                self.advance(false)?;
                leaf(Kind::Literal(Value::Number(n)))
            }
            Tok::True | Tok::False => {
                self.advance(false)?;
                leaf(Kind::Literal(Value::Bool(tok == Tok::True)))
            }
            Tok::Null => {
                self.advance(false)?;
                leaf(Kind::Literal(Value::Null))
            }
            Tok::Regex(pattern, flags) => {
                self.advance(false)?;
                let re = crate::functions::compile_regex(&pattern, &flags)
                    .map_err(|_| Error::syntax("S0302", "Invalid regular expression", pos))?;
                leaf(Kind::Regex(re))
            }
            Tok::End => Err(Error::syntax("S0207", "Unexpected end of expression", pos)),
            Tok::Op(op) => {
                let operand_next = !matches!(op, "*" | "**" | "%" | "?" | "and" | "or" | "in");
                self.advance(operand_next)?;
                self.prefix(op, pos)
            }
        }
    }

    #[inline(never)]
    fn prefix(&mut self, op: &'static str, pos: usize) -> Result<Node, Fail> {
        match op {
            "-" => {
                let operand = self.expression(70)?;
                Ok(Node::new(Kind::Negate(Box::new(operand)), pos))
            }
            "*" => Ok(Node::new(Kind::Wildcard, pos)),
            "**" => Ok(Node::new(Kind::Descendants, pos)),
            "%" => Ok(Node::new(Kind::Parent("".into()), pos)),
            "?" => Ok(Node::new(Kind::Placeholder, pos)),
            "(" => {
                let mut items = Vec::new();
                while self.tok != Tok::Op(")") {
                    items.push(self.expression(0)?);
                    if self.tok != Tok::Op(";") {
                        break;
                    }
                    self.advance(true)?;
                }
                self.expect(")", false)?;
                Ok(Node::new(Kind::Block(items), pos))
            }
            "[" => {
                let mut items = Vec::new();
                if self.tok != Tok::Op("]") {
                    loop {
                        items.push(self.expression(0)?);
                        if self.tok != Tok::Op(",") {
                            break;
                        }
                        self.advance(true)?;
                    }
                }
                self.expect("]", false)?;
                Ok(Node::new(Kind::ArrayCons(items), pos))
            }
            "{" => {
                let pairs = self.object_pairs()?;
                Ok(Node::new(Kind::ObjectCons(pairs), pos))
            }
            "|" => {
                let pattern = self.expression(0)?;
                self.expect("|", true)?;
                let update = self.expression(0)?;
                let delete = if self.tok == Tok::Op(",") {
                    self.advance(true)?;
                    Some(Box::new(self.expression(0)?))
                } else {
                    None
                };
                self.expect("|", false)?;
                let delete = delete.map(|d| *d);
                Ok(Node::new(Kind::Transform(Rc::new(TransformDef { pattern, update, delete })), pos))
            }
            // Operators that are also words make field names when an operand is expected.
            "and" | "or" | "in" => Ok(Node::new(Kind::Name(op.into()), pos)),
            _ => Err(Error::syntax(
                "S0211",
                format!("The symbol {op} cannot be used as a unary operator"),
                pos,
            )
            .with_token(op)),
        }
    }

    #[inline(never)]
    fn object_pairs(&mut self) -> Result<Vec<(Node, Node)>, Fail> {
        let mut pairs = Vec::new();
        if self.tok != Tok::Op("}") {
            loop {
                let key = self.expression(0)?;
                self.expect(":", true)?;
                let value = self.expression(0)?;
                pairs.push((key, value));
                if self.tok != Tok::Op(",") {
                    break;
                }
                self.advance(true)?;
            }
        }
        self.expect("}", false)?;
        Ok(pairs)
    }

    #[inline(never)]
    fn led(&mut self, op: &'static str, left: Node, pos: usize) -> Result<Node, Fail> {
        match op {
            "." => {
                let right = self.expression(binding_power("."))?;
                Ok(extend_chain(left, RawOp::Dot(right), pos))
            }
            "[" => {
                if self.tok == Tok::Op("]") {
                    self.advance(false)?;
                    return Ok(extend_chain(left, RawOp::KeepArray, pos));
                }
                let predicate = self.expression(0)?;
                self.expect("]", false)?;
                Ok(extend_chain(left, RawOp::Filter(predicate), pos))
            }
            "{" => {
                let pairs = self.object_pairs()?;
                Ok(extend_chain(left, RawOp::GroupBy(pairs), pos))
            }
            "^" => {
                self.expect("(", true)?;
                let mut terms = Vec::new();
                loop {
                    let mut descending = false;
                    if self.tok == Tok::Op("<") {
                        self.advance(true)?;
                    } else if self.tok == Tok::Op(">") {
                        descending = true;
                        self.advance(true)?;
                    }
                    terms.push((self.expression(0)?, descending));
                    if self.tok != Tok::Op(",") {
                        break;
                    }
                    self.advance(true)?;
                }
                self.expect(")", false)?;
                Ok(extend_chain(left, RawOp::SortBy(terms), pos))
            }
            "@" | "#" => {
                let Tok::Var(name) = std::mem::replace(&mut self.tok, Tok::End) else {
                    return Err(Error::syntax(
                        "S0214",
                        format!("The right side of {op} must be a variable name (start with $)"),
                        self.pos,
                    )
                    .with_token(op));
                };
                self.advance(false)?;
                let name: Rc<str> = name.into();
                if op == "@" {
                    Ok(extend_chain(left, RawOp::Focus(name), pos))
                } else {
                    Ok(extend_chain(left, RawOp::IndexBind(name), pos))
                }
            }
            "(" => self.call(left, pos),
            "?" => {
                let then = self.expression(0)?;
                let otherwise = if self.tok == Tok::Op(":") {
                    self.advance(true)?;
                    Some(Box::new(self.expression(0)?))
                } else {
                    None
                };
                Ok(Node::new(Kind::Condition(Box::new(left), Box::new(then), otherwise), pos))
            }
            ":=" => {
                let Kind::Variable(name) = &left.kind else {
                    return Err(Error::syntax(
                        "S0212",
                        "The left side of := must be a variable name (start with $)",
                        pos,
                    ));
                };
                let name = name.clone();
                let value = self.expression(binding_power(":=") - 1)?;
                Ok(Node::new(Kind::Bind(name, Box::new(value)), pos))
            }
            "~>" => {
                let right = self.expression(binding_power(op))?;
                Ok(Node::new(Kind::Apply(Box::new(left), Box::new(right)), pos))
            }
            _ if binding_power(op) > 0 && !matches!(op, "]" | "}" | ")" | "," | ";" | ":") => {
                let right = self.expression(binding_power(op))?;
                Ok(Node::new(Kind::Binary(op, Box::new(left), Box::new(right)), pos))
            }
            _ => Err(Error::syntax("S0201", format!("Syntax error: {op}"), pos).with_token(op)),
        }
    }

    #[inline(never)]
    fn call(&mut self, callee: Node, pos: usize) -> Result<Node, Fail> {
        let mut args = Vec::new();
        if self.tok != Tok::Op(")") {
            loop {
                args.push(self.expression(0)?);
                if self.tok != Tok::Op(",") {
                    break;
                }
                self.advance(true)?;
            }
        }
        self.expect(")", false)?;
        let is_lambda = matches!(&callee.kind, Kind::Name(n) if &**n == "function" || &**n == "λ");
        if !is_lambda {
            let partial = args.iter().any(|a| matches!(a.kind, Kind::Placeholder));
            return Ok(Node::new(Kind::Call { callee: Box::new(callee), args, partial, tail: false }, pos));
        }
        let mut params = Vec::new();
        for a in &args {
            match &a.kind {
                Kind::Variable(v) => params.push(v.clone()),
                _ => {
                    return Err(Error::syntax(
                        "S0208",
                        "Parameter of function definition must be a variable name (start with $)",
                        a.pos,
                    ))
                }
            }
        }
        let signature = if self.tok == Tok::Op("<") {
            let text = self.lexer.signature()?;
            self.advance(true)?;
            Some(crate::signature::Signature::parse(&text, pos)?)
        } else {
            None
        };
        self.expect("{", true)?;
        let body = self.expression(0)?;
        self.expect("}", false)?;
        let def = LambdaDef { params, signature, body };
        Ok(Node::new(Kind::Lambda(Rc::new(def)), pos))
    }
}

fn parent_error(pos: usize) -> Fail {
    Error::syntax("S0217", "The object representing the 'parent' cannot be derived from this expression", pos)
        .with_token("%")
}

/// Moves the unresolved `%`s of a node's direct children up to the node.
fn adopt_seeking(node: &mut Node) {
    let mut found = Vec::new();
    let mut take = |n: &mut Node| found.append(&mut n.ann.seeking);
    match &mut node.kind {
        Kind::Binary(_, l, r) | Kind::Apply(l, r) => {
            take(l);
            take(r);
        }
        Kind::Negate(x) | Kind::Bind(_, x) => take(x),
        Kind::ArrayCons(items) | Kind::Block(items) => items.iter_mut().for_each(take),
        Kind::ObjectCons(pairs) => pairs.iter_mut().for_each(|(k, v)| {
            take(k);
            take(v);
        }),
        Kind::Condition(c, t, e) => {
            take(c);
            take(t);
            if let Some(e) = e {
                take(e);
            }
        }
        // Not the callee: `%()` is a call of nothing, an evaluation error.
        Kind::Call { args, .. } => args.iter_mut().for_each(take),
        _ => {}
    }
    node.ann.seeking.append(&mut found);
}

/// Walks a `%` back from a step: a name or wildcard is one level up; at level zero that step's
/// input is the parent, so the step binds it to the slot's label.
fn seek_parent(node: &mut Node, slot: &mut crate::ast::Slot) -> Result<(), Fail> {
    match &mut node.kind {
        Kind::Name(_) | Kind::Wildcard => {
            slot.level -= 1;
            if slot.level == 0 {
                node.ann.ancestors.push(slot.label.clone());
                node.ann.tuple = true;
            }
        }
        Kind::Parent(_) => slot.level += 1,
        Kind::Block(items) => {
            if let Some(last) = items.last_mut() {
                node.ann.tuple = true;
                seek_parent(last, slot)?;
            }
        }
        Kind::Path { steps, .. } => {
            node.ann.tuple = true;
            for step in steps.iter_mut().rev() {
                if slot.level == 0 {
                    break;
                }
                seek_parent(step, slot)?;
            }
        }
        _ => return Err(parent_error(node.pos)),
    }
    Ok(())
}

/// Resolves the `%`s the last step of a path is seeking against the steps before it; those
/// that reach past the first step are left for the enclosing expression.
fn resolve_ancestry(path: &mut Node) -> Result<(), Fail> {
    let Kind::Path { steps, .. } = &mut path.kind else { return Ok(()) };
    let Some(last) = steps.last_mut() else { return Ok(()) };
    let slots = std::mem::take(&mut last.ann.seeking);
    for mut slot in slots {
        let mut index = steps.len() - 1;
        while slot.level > 0 {
            if index == 0 {
                path.ann.seeking.push(slot);
                break;
            }
            index -= 1;
            // Contiguous steps that bind the focus count as one.
            while index > 0 && steps[index].ann.focus.is_some() && steps[index - 1].ann.focus.is_some() {
                index -= 1;
            }
            seek_parent(&mut steps[index], &mut slot)?;
        }
    }
    Ok(())
}

/// The second pass: paths, step annotations, tail calls, and `%` resolved to steps.
fn process(node: Node, pass: &mut Pass) -> Result<Node, Fail> {
    // The tree's height is bounded, but a debug build's frames are large: measure as well.
    if pass.stack_base.abs_diff(crate::stack_position()) > MAX_PARSER_STACK {
        return Err(too_deep(node.pos));
    }
    let mut node = process_node(node, pass)?;
    adopt_seeking(&mut node);
    Ok(node)
}

fn process_node(node: Node, pass: &mut Pass) -> Result<Node, Fail> {
    let pos = node.pos;
    let mut node = node;
    node.kind = match node.kind {
        Kind::Raw(chain) => return process_chain(*chain, pass),
        Kind::Binary(..) | Kind::Apply(..) => return process_operator_chain(node, pass),
        Kind::Negate(x) => {
            let x = process(*x, pass)?;
            if let Kind::Literal(Value::Number(n)) = x.kind {
                Kind::Literal(Value::Number(-n))
            } else {
                Kind::Negate(Box::new(x))
            }
        }
        Kind::ArrayCons(items) => Kind::ArrayCons(process_all(items, pass)?),
        Kind::ObjectCons(pairs) => Kind::ObjectCons(process_pairs(pairs, pass)?),
        Kind::Condition(c, t, e) => Kind::Condition(
            Box::new(process(*c, pass)?),
            Box::new(process(*t, pass)?),
            e.map(|e| process(*e, pass)).transpose()?.map(Box::new),
        ),
        Kind::Block(items) => Kind::Block(process_all(items, pass)?),
        Kind::Bind(name, v) => Kind::Bind(name, Box::new(process(*v, pass)?)),
        Kind::Call { callee, args, partial, tail } => Kind::Call {
            callee: Box::new(process(*callee, pass)?),
            args: process_all(args, pass)?,
            partial,
            tail,
        },
        Kind::Lambda(def) => {
            let def = Rc::try_unwrap(def).unwrap_or_else(|_| unreachable!("a fresh lambda is not shared"));
            let body = mark_tail_calls(process(def.body, pass)?);
            Kind::Lambda(Rc::new(LambdaDef { params: def.params, signature: def.signature, body }))
        }
        Kind::Transform(def) => {
            let def = Rc::try_unwrap(def).unwrap_or_else(|_| unreachable!("a fresh transform is not shared"));
            Kind::Transform(Rc::new(TransformDef {
                pattern: process(def.pattern, pass)?,
                update: process(def.update, pass)?,
                delete: def.delete.map(|d| process(d, pass)).transpose()?,
            }))
        }
        // A bare name is a one-step path, as in JSONata: `a[]`, `a[0]` and errors treat it so.
        Kind::Name(_) => {
            return Ok(Node::new(Kind::Path { steps: vec![node], keep_singleton: false }, pos));
        }
        Kind::Parent(_) => {
            pass.labels += 1;
            let label: Rc<str> = format!("%{}", pass.labels).into();
            node.ann.seeking.push(crate::ast::Slot { label: label.clone(), level: 1 });
            Kind::Parent(label)
        }
        other => other,
    };
    Ok(node)
}

/// The operands of an operator, and of the operators down its left side (`1+2+3...`,
/// `x ~> $f ~> $g...`, a tree as deep as the chain is long): the left-most first, then each right
/// operand going up, in a loop rather than a recursion down the chain.
#[inline(never)]
fn process_operator_chain(node: Node, pass: &mut Pass) -> Result<Node, Fail> {
    let hole = || Box::new(Node::new(Kind::Placeholder, 0));
    let mut spine = Vec::new();
    let mut bottom = node;
    while let Kind::Binary(_, left, _) | Kind::Apply(left, _) = &mut bottom.kind {
        let left = std::mem::replace(left, hole());
        spine.push(bottom);
        bottom = *left;
    }
    let mut done = process(bottom, pass)?;
    while let Some(mut parent) = spine.pop() {
        let (Kind::Binary(_, left, right) | Kind::Apply(left, right)) = &mut parent.kind else {
            unreachable!("the spine holds operators")
        };
        let right_raw = std::mem::replace(right, hole());
        **right = process(*right_raw, pass)?;
        **left = done;
        adopt_seeking(&mut parent);
        done = parent;
    }
    Ok(done)
}

fn process_all(items: Vec<Node>, pass: &mut Pass) -> Result<Vec<Node>, Fail> {
    items.into_iter().map(|n| process(n, pass)).collect()
}

fn process_pairs(pairs: Vec<(Node, Node)>, pass: &mut Pass) -> Result<Vec<(Node, Node)>, Fail> {
    pairs.into_iter().map(|(k, v)| Ok((process(k, pass)?, process(v, pass)?))).collect()
}

/// A call whose value is the lambda's value runs in the caller's loop, so tail recursion is not
/// bounded by the evaluator's depth.
fn mark_tail_calls(mut node: Node) -> Node {
    let plain = node.ann.predicates.is_empty()
        && node.ann.group.is_none()
        && node.ann.stages.is_empty()
        && !node.ann.keep_array;
    node.kind = match node.kind {
        Kind::Call { callee, args, partial, .. } if plain && !partial => {
            Kind::Call { callee, args, partial, tail: true }
        }
        Kind::Condition(c, t, e) if plain => {
            Kind::Condition(c, Box::new(mark_tail_calls(*t)), e.map(|e| Box::new(mark_tail_calls(*e))))
        }
        Kind::Block(mut items) if plain => {
            if let Some(last) = items.pop() {
                items.push(mark_tail_calls(last));
            }
            Kind::Block(items)
        }
        other => other,
    };
    node
}

fn into_path(node: Node) -> Node {
    if matches!(node.kind, Kind::Path { .. }) {
        return node;
    }
    let pos = node.pos;
    let mut step = node;
    step.ann.stages.extend(std::mem::take(&mut step.ann.predicates).into_iter().map(Stage::Filter));
    // A first step's `%` can only mean something before this path.
    let seeking = std::mem::take(&mut step.ann.seeking);
    let mut path = Node::new(Kind::Path { steps: vec![step], keep_singleton: false }, pos);
    path.ann.seeking = seeking;
    path
}

fn last_step(path: &mut Node) -> &mut Node {
    if matches!(path.kind, Kind::Path { .. }) {
        let Kind::Path { steps, .. } = &mut path.kind else { unreachable!() };
        return steps.last_mut().expect("a path has steps");
    }
    path
}

/// A chain of postfix forms, applied one after the other to its processed base: a loop however
/// long the path.
fn process_chain(chain: RawChain, pass: &mut Pass) -> Result<Node, Fail> {
    let mut node = process(chain.base, pass)?;
    for (op, pos) in chain.ops {
        node = process_raw(node, op, pos, pass)?;
        adopt_seeking(&mut node);
    }
    Ok(node)
}

/// One postfix form applied to `left`, already processed.
fn process_raw(left: Node, raw: RawOp, pos: usize, pass: &mut Pass) -> Result<Node, Fail> {
    match raw {
        RawOp::Dot(r) => {
            // Only the first step and the new ones can still be literals or `[]`: the steps in
            // between were checked when they joined, and looking at them again would make a long
            // path quadratic.
            let checked_from = match &left.kind {
                Kind::Path { steps, .. } => steps.len(),
                _ => 0,
            };
            let mut path = into_path(left);
            let mut right = process(r, pass)?;
            let right_seeking = std::mem::take(&mut right.ann.seeking);
            let Kind::Path { steps, keep_singleton } = &mut path.kind else { unreachable!() };
            match right.kind {
                Kind::Path { steps: more, keep_singleton: k } => {
                    steps.extend(more);
                    *keep_singleton |= k;
                }
                _ => {
                    let mut step = right;
                    step.ann
                        .stages
                        .extend(std::mem::take(&mut step.ann.predicates).into_iter().map(Stage::Filter));
                    steps.push(step);
                }
            }
            let (first, rest) = steps.split_at_mut(1);
            let unchecked = first.iter_mut().chain(rest.iter_mut().skip(checked_from.saturating_sub(1)));
            for step in unchecked {
                match &step.kind {
                    Kind::Literal(Value::String(s)) => step.kind = Kind::Name(s.clone()),
                    Kind::Literal(v) => {
                        let shown = crate::value::to_json_text(v);
                        return Err(Error::syntax(
                            "S0213",
                            format!(
                                "The literal value {shown} cannot be used as a step within a path expression"
                            ),
                            step.pos,
                        )
                        .with_token(shown));
                    }
                    _ => {}
                }
            }
            if steps[..1].iter().chain(&steps[checked_from.max(1)..]).any(|s| s.ann.keep_array) {
                *keep_singleton = true;
            }
            if let Some(first) = steps.first_mut() {
                if matches!(first.kind, Kind::ArrayCons(_)) {
                    first.ann.cons_array = true;
                }
            }
            if let Some(last) = steps.last_mut() {
                if matches!(last.kind, Kind::ArrayCons(_)) {
                    last.ann.cons_array = true;
                }
            }
            if let Some(last) = steps.last_mut() {
                last.ann.seeking.extend(right_seeking);
            }
            path.pos = pos;
            resolve_ancestry(&mut path)?;
            Ok(path)
        }
        RawOp::Filter(predicate) => {
            let mut node = left;
            let mut predicate = process(predicate, pass)?;
            let is_path = matches!(node.kind, Kind::Path { .. });
            let step = last_step(&mut node);
            if step.ann.group.is_some() {
                return Err(Error::syntax(
                    "S0209",
                    "A predicate cannot follow a grouping expression in a step",
                    pos,
                ));
            }
            // A `%` in a predicate means the parent of the step's items: the step's input.
            for mut slot in std::mem::take(&mut predicate.ann.seeking) {
                if slot.level == 1 {
                    seek_parent(step, &mut slot)?;
                } else {
                    slot.level -= 1;
                }
                if slot.level > 0 {
                    step.ann.seeking.push(slot);
                }
            }
            if is_path {
                step.ann.stages.push(Stage::Filter(predicate));
            } else {
                step.ann.predicates.push(predicate);
            }
            Ok(node)
        }
        RawOp::KeepArray => {
            let mut node = left;
            last_step(&mut node).ann.keep_array = true;
            if let Kind::Path { keep_singleton, .. } = &mut node.kind {
                *keep_singleton = true;
            }
            Ok(node)
        }
        RawOp::GroupBy(pairs) => {
            let mut node = left;
            if node.ann.group.is_some() {
                return Err(Error::syntax("S0210", "Each step can only have one grouping expression", pos));
            }
            let mut pairs = process_pairs(pairs, pass)?;
            let mut seeking = Vec::new();
            for (k, v) in &mut pairs {
                seeking.append(&mut k.ann.seeking);
                seeking.append(&mut v.ann.seeking);
            }
            node.ann.group = Some(Box::new(Group { pairs }));
            if matches!(node.kind, Kind::Path { .. }) {
                last_step(&mut node).ann.seeking.extend(seeking);
                resolve_ancestry(&mut node)?;
            } else {
                node.ann.seeking.extend(seeking);
            }
            Ok(node)
        }
        RawOp::SortBy(terms) => {
            let mut path = into_path(left);
            let mut terms: Vec<(Node, bool)> =
                terms.into_iter().map(|(t, d)| Ok((process(t, pass)?, d))).collect::<Result<_, Fail>>()?;
            let mut sort = Node::new(Kind::Sort(Vec::new()), pos);
            for (t, _) in &mut terms {
                sort.ann.seeking.append(&mut t.ann.seeking);
            }
            sort.kind = Kind::Sort(terms);
            if let Kind::Path { steps, .. } = &mut path.kind {
                steps.push(sort);
            }
            resolve_ancestry(&mut path)?;
            Ok(path)
        }
        RawOp::Focus(name) => {
            let mut node = left;
            let is_path = matches!(node.kind, Kind::Path { .. });
            let step = last_step(&mut node);
            if !step.ann.stages.is_empty() || !step.ann.predicates.is_empty() {
                return Err(Error::syntax(
                    "S0215",
                    "A context variable binding must precede any predicates on a step",
                    pos,
                ));
            }
            if matches!(step.kind, Kind::Sort(_)) {
                return Err(Error::syntax(
                    "S0216",
                    "A context variable binding must precede the 'order-by' clause on a step",
                    pos,
                ));
            }
            step.ann.focus = Some(name);
            step.ann.tuple = true;
            let _ = is_path;
            Ok(node)
        }
        RawOp::IndexBind(name) => {
            let mut path = into_path(left);
            let step = last_step(&mut path);
            if step.ann.stages.is_empty() {
                step.ann.index = Some(name);
            } else {
                step.ann.stages.push(Stage::Index(name));
            }
            step.ann.tuple = true;
            Ok(path)
        }
    }
}
