//! The tree-walking evaluator: paths and their sequences, operators, bindings, lambdas and calls.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::DerefMut;
use std::rc::Rc;

use crate::ast::{Group, Kind, LambdaDef, Node, Stage, TransformDef};
use crate::functions::{self, Builtin};
use crate::value::{deep_equal, for_each_leaf, truthy, Array, Map, Object, Value};
use crate::{Environment, Error, Fail};

pub(crate) type Out = Result<Option<Value>, Fail>;

/// A scope of `$variables`; closures keep theirs alive.
#[derive(Default)]
pub(crate) struct Frame {
    /// `None`: bound to undefined, which hides an outer binding of the same name.
    vars: RefCell<HashMap<Rc<str>, Option<Value>>>,
    parent: Option<Rc<Frame>>,
}

impl std::fmt::Debug for Frame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Frame")
    }
}

/// A frame's values may hold closures whose frames hold closures...: dropped flat.
impl Drop for Frame {
    fn drop(&mut self) {
        let vars = std::mem::take(self.vars.get_mut());
        crate::value::drop_flat(vars.into_values().flatten().collect());
    }
}

impl Frame {
    pub(crate) fn child(parent: &Rc<Frame>) -> Rc<Frame> {
        Rc::new(Frame { vars: RefCell::default(), parent: Some(parent.clone()) })
    }

    pub(crate) fn bind(&self, name: Rc<str>, value: Option<Value>) {
        self.vars.borrow_mut().insert(name, value);
    }

    /// `Some(None)`: bound, to undefined.
    fn lookup(&self, name: &str) -> Option<Option<Value>> {
        if let Some(v) = self.vars.borrow().get(name) {
            return Some(v.clone());
        }
        self.parent.as_ref()?.lookup(name)
    }
}

#[derive(Debug)]
pub(crate) enum Function {
    Lambda {
        def: Rc<LambdaDef>,
        frame: Rc<Frame>,
        input: Option<Value>,
    },
    Builtin(&'static Builtin),
    /// Arguments given so far; `None` marks a `?` still to fill.
    Partial {
        func: Value,
        args: Vec<Option<Option<Value>>>,
    },
    Regex(Rc<regex_lite::Regex>),
    /// The `next` of a regex match: the search continues from `from`.
    RegexNext {
        re: Rc<regex_lite::Regex>,
        text: Rc<str>,
        from: usize,
    },
    /// `$f ~> $g`: `$g($f(x))`.
    Chain(Value, Value),
    Transform {
        def: Rc<TransformDef>,
        frame: Rc<Frame>,
    },
    /// A call in tail position, made by the caller's application loop instead of recursively.
    TailCall {
        func: Value,
        args: Vec<Option<Value>>,
        input: Option<Value>,
    },
}

impl Drop for Function {
    fn drop(&mut self) {
        let mut pending = Vec::new();
        self.give_values(&mut pending);
        crate::value::drop_flat(pending);
    }
}

impl Function {
    /// Gives the values this function holds (and those of its scope, when no one else holds it)
    /// to a flat drop, instead of dropping them recursively: `$f ~> $g` in a loop is a chain of
    /// functions as long as the loop.
    pub(crate) fn give_values(&mut self, pending: &mut Vec<Value>) {
        let take = |v: &mut Value| std::mem::replace(v, Value::Null);
        let give_frame = |frame: &Rc<Frame>, pending: &mut Vec<Value>| {
            if Rc::strong_count(frame) == 1 {
                if let Ok(mut vars) = frame.vars.try_borrow_mut() {
                    pending.extend(std::mem::take(vars.deref_mut()).into_values().flatten());
                }
            }
        };
        match self {
            Function::Lambda { frame, input, .. } => {
                pending.extend(input.take());
                give_frame(frame, pending);
            }
            Function::Transform { frame, .. } => give_frame(frame, pending),
            Function::Partial { func, args } => {
                pending.push(take(func));
                pending.extend(std::mem::take(args).into_iter().flatten().flatten());
            }
            Function::Chain(first, second) => pending.extend([take(first), take(second)]),
            Function::TailCall { func, args, input } => {
                pending.push(take(func));
                pending.extend(std::mem::take(args).into_iter().flatten());
                pending.extend(input.take());
            }
            Function::Builtin(_) | Function::Regex(_) | Function::RegexNext { .. } => {}
        }
    }

    /// How many arguments a higher-order function passes it (value, index, array...).
    pub(crate) fn arity(&self) -> usize {
        match self {
            Function::Lambda { def, .. } => def.params.len(),
            Function::Builtin(b) => b.arity(),
            Function::Partial { args, .. } => args.iter().filter(|a| a.is_none()).count(),
            Function::Regex(_) | Function::Chain(..) | Function::Transform { .. } => 1,
            Function::RegexNext { .. } | Function::TailCall { .. } => 0,
        }
    }
}

/// A stream item: the value, and its variable bindings once the path binds any.
type Entry = (Value, Option<Tuple>);

/// One item of a tuple stream: the context value and the variables bound along the path.
#[derive(Clone)]
struct Tuple {
    value: Option<Value>,
    vars: Vec<(Rc<str>, Value)>,
}

impl Tuple {
    fn frame(&self, parent: &Rc<Frame>) -> Rc<Frame> {
        let frame = Frame::child(parent);
        for (k, v) in &self.vars {
            frame.bind(k.clone(), Some(v.clone()));
        }
        frame
    }

    fn set(&mut self, name: &Rc<str>, value: Value) {
        match self.vars.iter_mut().find(|(k, _)| k == name) {
            Some(slot) => slot.1 = value,
            None => self.vars.push((name.clone(), value)),
        }
    }
}

pub(crate) struct Evaluator<'a> {
    pub env: &'a Environment,
    depth: usize,
    fuel: u64,
    rng_state: u64,
    /// Where the native stack was when evaluation began.
    stack_base: usize,
    /// The tuple stream of the nested path just evaluated, when a `%` outside it needs its
    /// bindings (`Account.(Order.Product).%`).
    nested_tuples: Option<Vec<Entry>>,
    /// Scopes a function value was bound in: a lambda bound in the scope it closes over is an
    /// `Rc` cycle, so these are emptied when the evaluation ends (its result is JSON by then).
    function_scopes: Vec<std::rc::Weak<Frame>>,
}

pub(crate) fn evaluate(
    root: &Node,
    input: Option<&serde_json::Value>,
    bindings: &serde_json::Map<String, serde_json::Value>,
    env: &Environment,
) -> Result<crate::Outcome, Fail> {
    let mut input = input.map(Value::from_json);
    // An array input is wrapped so that `$` means the whole array, not each item.
    if let Some(Value::Array(a)) = &input {
        let wrapper = Array {
            items: vec![Value::Array(a.clone())],
            sequence: true,
            outer_wrapper: true,
            ..Array::default()
        };
        input = Some(Value::Array(Rc::new(wrapper)));
    }
    let frame = Rc::new(Frame::default());
    for (k, v) in bindings {
        frame.bind(k.as_str().into(), Some(Value::from_json(v)));
    }
    if let Some(i) = &input {
        frame.bind("$".into(), Some(i.clone()));
    }
    let mut ev = Evaluator {
        env,
        depth: 0,
        fuel: env.fuel,
        rng_state: env.random_seed,
        stack_base: crate::stack_position(),
        nested_tuples: None,
        function_scopes: Vec::new(),
    };
    let result = ev.eval(root, &input, &frame).and_then(|r| match r {
        None => Ok(crate::Outcome::Undefined),
        Some(Value::Function(_)) => Ok(crate::Outcome::Function),
        Some(v) => v
            .to_json()
            .map(|json| json.map_or(crate::Outcome::Undefined, crate::Outcome::Value))
            .map_err(|_| {
                err("U1001", format!("The result is nested more than {} deep", crate::value::MAX_WRITE_DEPTH))
            }),
    });
    for scope in ev.function_scopes.drain(..).filter_map(|w| w.upgrade()).chain([frame]) {
        scope.vars.borrow_mut().clear();
    }
    result
}

fn err(code: &'static str, message: impl Into<String>) -> Fail {
    Error::new(code, message)
}

/// The most items (an array) or bytes (a string) one value may hold, whatever the fuel: more is
/// `U1001`. Above the ten million items the range operator may make, far below what a browser
/// tab can allocate.
pub(crate) const MAX_VALUE_SIZE: usize = 1 << 24;

fn too_large() -> Fail {
    err(
        "U1001",
        format!("Evaluation exceeded its work bound: a value of more than {MAX_VALUE_SIZE} items or bytes"),
    )
}

/// What a value holds, for the fuel its making costs: items, entries or bytes.
pub(crate) fn size_of(v: &Value) -> usize {
    match v {
        Value::Array(a) => a.items.len(),
        Value::Object(m) => m.len(),
        Value::String(s) => s.len(),
        _ => 0,
    }
}

fn out_of_range(n: f64) -> Fail {
    err("D1001", format!("Number out of range: {}", crate::value::format_number(n)))
}

fn stack_overflow() -> Fail {
    err(
        "U1001",
        "Stack overflow error: Check for non-terminating recursive function.  Consider rewriting as tail-recursive.",
    )
}

/// Collapses a sequence: empty is undefined, a singleton is its item (unless kept).
fn collapse(v: Option<Value>) -> Option<Value> {
    match v {
        Some(Value::Array(a)) if a.sequence => match a.items.len() {
            0 => None,
            1 if !a.keep_singleton => Some(a.items[0].clone()),
            _ => Some(Value::Array(a)),
        },
        other => other,
    }
}

fn items_of(v: Option<Value>) -> Vec<Value> {
    match v {
        None => Vec::new(),
        Some(Value::Array(a)) => {
            Rc::try_unwrap(a).map(|mut a| std::mem::take(&mut a.items)).unwrap_or_else(|a| a.items.clone())
        }
        Some(v) => vec![v],
    }
}

/// Pushes `v` into `out`, flattening arrays one level as path steps do. An array no one else
/// holds gives up its items instead of copying them (`[1..10000000]` is one array, not two).
fn push_flat(out: &mut Vec<Value>, v: Value) {
    match v {
        Value::Array(a) => match Rc::try_unwrap(a) {
            Ok(mut owned) if out.is_empty() => *out = std::mem::take(&mut owned.items),
            Ok(mut owned) => out.append(&mut owned.items),
            Err(shared) => out.extend(shared.items.iter().cloned()),
        },
        v => out.push(v),
    }
}

fn flatten_into(out: &mut Vec<Value>, v: &Value) {
    for_each_leaf(v, |leaf| out.push(leaf.clone()));
}

pub(crate) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
        Value::Function(_) => "function",
    }
}

/// The next number in [0, 1) from a SplitMix64 generator: small, seeded, and the same on every
/// platform.
pub(crate) fn splitmix(state: &mut u64) -> f64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

impl Evaluator<'_> {
    pub(crate) fn random(&mut self) -> f64 {
        splitmix(&mut self.rng_state)
    }

    /// Evaluates a separately parsed expression (`$eval`) in a fresh scope.
    pub(crate) fn eval_detached(&mut self, node: &Node, input: &Option<Value>) -> Out {
        let frame = Rc::new(Frame::default());
        if let Some(i) = input {
            frame.bind("$".into(), Some(i.clone()));
        }
        self.eval(node, input, &frame)
    }

    fn remember_function_scope(&mut self, frame: &Rc<Frame>) {
        // Scopes already dropped need no emptying: forget them now and then, so that a long
        // loop does not grow this list without bound.
        if self.function_scopes.len() >= 1024 && self.function_scopes.len().is_power_of_two() {
            self.function_scopes.retain(|w| w.strong_count() > 0);
        }
        self.function_scopes.push(Rc::downgrade(frame));
    }

    fn stack_exhausted(&self) -> bool {
        self.stack_base.abs_diff(crate::stack_position()) > self.env.max_stack_bytes
    }

    pub(crate) fn eval(&mut self, node: &Node, input: &Option<Value>, frame: &Rc<Frame>) -> Out {
        if self.depth >= self.env.max_depth || self.stack_exhausted() {
            return Err(stack_overflow().at(node.pos));
        }
        if self.fuel == 0 {
            return Err(err("U1001", "Evaluation exceeded its work bound").at(node.pos));
        }
        self.fuel -= 1;
        self.depth += 1;
        let result = self.eval_inner(node, input, frame);
        self.depth -= 1;
        let result = result.map_err(|e| e.at(node.pos))?;
        self.finish(node, result, frame)
    }

    /// A node's filters, grouping and `[]` on its value, then the sequence collapse.
    #[inline(never)]
    fn finish(&mut self, node: &Node, mut result: Option<Value>, frame: &Rc<Frame>) -> Out {
        for predicate in &node.ann.predicates {
            result = Some(self.filter(predicate, result, frame)?);
        }
        if let Some(group) = &node.ann.group {
            if !matches!(node.kind, Kind::Path { .. }) {
                result = self.group(group, result.map(|v| (v, None)), frame)?;
            }
        }
        if let Some(Value::Array(a)) = &mut result {
            if a.sequence && node.ann.keep_array {
                Rc::make_mut(a).keep_singleton = true;
            }
        }
        Ok(collapse(result))
    }

    fn eval_inner(&mut self, node: &Node, input: &Option<Value>, frame: &Rc<Frame>) -> Out {
        match &node.kind {
            Kind::Path { steps, keep_singleton } => self.path(node, steps, *keep_singleton, input, frame),
            Kind::Name(name) => Ok(lookup(input, name)),
            Kind::Literal(v) | Kind::Regex(v) => Ok(Some(v.clone())),
            Kind::Wildcard => Ok(wildcard(input)),
            Kind::Descendants => Ok(descendants(input)),
            Kind::Parent(label) => Ok(frame.lookup(label).flatten()),
            Kind::Variable(name) => Ok(self.variable(name, input, frame)),
            Kind::Binary(..) => self.operator_chain(node, input, frame),
            Kind::Negate(x) => match self.eval(x, input, frame)? {
                None => Ok(None),
                Some(Value::Number(n)) => Ok(Some(Value::Number(-n))),
                Some(_) => Err(err("D1002", "Cannot negate a non-numeric value")),
            },
            Kind::ArrayCons(items) => {
                let mut out = Vec::new();
                for item in items {
                    let v = self.eval(item, input, frame)?;
                    let before = out.len();
                    match v {
                        None => {}
                        // A nested constructor stays an element; other arrays are spliced in.
                        Some(v) if matches!(item.kind, Kind::ArrayCons(_)) => out.push(v),
                        Some(v) => push_flat(&mut out, v),
                    }
                    self.spend_built(out.len() - before, out.len())?;
                }
                let cons = Array { items: out, cons: node.ann.cons_array, ..Array::default() };
                Ok(Some(Value::Array(Rc::new(cons))))
            }
            Kind::ObjectCons(pairs) => self.object_cons(pairs, input, frame),
            Kind::Condition(c, t, e) => {
                let cond = self.eval(c, input, frame)?;
                if truthy(&cond).unwrap_or(false) {
                    self.eval(t, input, frame)
                } else if let Some(e) = e {
                    self.eval(e, input, frame)
                } else {
                    Ok(None)
                }
            }
            Kind::Block(items) => {
                let frame = Frame::child(frame);
                let mut result = None;
                for item in items {
                    result = self.eval(item, input, &frame)?;
                }
                Ok(result)
            }
            Kind::Bind(name, value) => {
                let v = self.eval(value, input, frame)?;
                if matches!(v, Some(Value::Function(_))) {
                    self.remember_function_scope(frame);
                }
                frame.bind(name.clone(), v.clone());
                Ok(v)
            }
            Kind::Call { callee, args, partial, tail } => {
                self.call(callee, args, *partial, *tail, input, frame)
            }
            Kind::Placeholder => Ok(None),
            Kind::Lambda(def) => Ok(Some(Value::Function(Rc::new(Function::Lambda {
                def: def.clone(),
                frame: frame.clone(),
                input: input.clone(),
            })))),
            Kind::Apply(l, r) => self.apply_op(l, r, input, frame),
            Kind::Transform(def) => Ok(Some(Value::Function(Rc::new(Function::Transform {
                def: def.clone(),
                frame: frame.clone(),
            })))),
            Kind::Sort(_) => {
                let items = items_of(input.clone()).into_iter().map(|v| (v, None)).collect();
                let sorted = self.sort_step(node, items, frame)?;
                Ok(Some(Value::sequence(sorted.into_iter().map(|t| t.0).collect())))
            }
            Kind::Raw(_) => unreachable!("raw nodes are rewritten by the parser"),
        }
    }

    fn variable(&self, name: &str, input: &Option<Value>, frame: &Rc<Frame>) -> Option<Value> {
        if name.is_empty() {
            // `$` is the context; the outer wrapper of an array input is not part of it.
            return match input {
                Some(Value::Array(a)) if a.outer_wrapper => a.items.first().cloned(),
                other => other.clone(),
            };
        }
        if let Some(v) = frame.lookup(name) {
            return v;
        }
        if name == "eval" && !self.env.eval_enabled {
            return None;
        }
        functions::lookup(name).map(|b| Value::Function(Rc::new(Function::Builtin(b))))
    }

    // ---- paths ----

    // The helpers below are kept out of `eval_inner` (`inline(never)`), so that the frames of
    // the recursive evaluation stay small and more JSONata recursion fits in the stack budget.
    #[inline(never)]
    fn path(
        &mut self,
        node: &Node,
        steps: &[Node],
        keep_singleton: bool,
        input: &Option<Value>,
        frame: &Rc<Frame>,
    ) -> Out {
        // A path starting with a variable is absolute: `$x.a` does not map over an array context.
        let mut current: Vec<Option<Value>> = match input {
            Some(Value::Array(a)) if !matches!(steps[0].kind, Kind::Variable(_)) => {
                a.items.iter().cloned().map(Some).collect()
            }
            other => vec![other.clone()],
        };
        let mut tuples: Option<Vec<Entry>> = None;
        let mut result: Option<Value> = None;
        let last = steps.len() - 1;
        for (i, step) in steps.iter().enumerate() {
            if step.ann.tuple && tuples.is_none() {
                tuples = Some(
                    current
                        .iter()
                        .map(|v| {
                            (v.clone().unwrap_or(Value::Null), Some(Tuple { value: v.clone(), vars: vec![] }))
                        })
                        .collect(),
                );
            }
            if let Some(ts) = tuples.take() {
                tuples = Some(self.tuple_step(step, ts, frame)?);
                continue;
            }
            let seq = if i == 0 && step.ann.cons_array {
                // The constructed array is the step's result, whole.
                self.eval(step, input, frame)?.unwrap_or(Value::sequence(vec![]))
            } else {
                self.step(step, &current, frame, i == last)?
            };
            current = match &seq {
                Value::Array(a) => a.items.iter().cloned().map(Some).collect(),
                v => vec![Some(v.clone())],
            };
            result = Some(seq);
            if current.is_empty() {
                // jsonata-js stops here but keeps what the step gave: an empty array selected
                // whole (`items` of `{"items": []}`) stays `[]`; an empty sequence is undefined.
                if !matches!(&result, Some(Value::Array(a)) if !a.sequence) {
                    result = None;
                }
                break;
            }
        }
        let mut tuple_entries = None;
        if let Some(ts) = tuples {
            result = Some(Value::sequence(ts.iter().map(|t| t.0.clone()).collect()));
            if node.ann.tuple {
                self.nested_tuples = Some(ts.clone());
            }
            tuple_entries = Some(ts);
        }
        if keep_singleton {
            if let Some(Value::Array(a)) = &mut result {
                if a.cons && !a.sequence {
                    let inner = Value::Array(a.clone());
                    *a = Rc::new(Array { items: vec![inner], sequence: true, ..Array::default() });
                }
                Rc::make_mut(a).keep_singleton = true;
            }
        }
        if let Some(group) = &node.ann.group {
            return self.group(group, result.map(|v| (v, tuple_entries)), frame);
        }
        Ok(result)
    }

    /// One step over every item of the previous step's result, flattened into a sequence.
    fn step(
        &mut self,
        step: &Node,
        input: &[Option<Value>],
        frame: &Rc<Frame>,
        last: bool,
    ) -> Result<Value, Fail> {
        if let Kind::Sort(_) = step.kind {
            let sorted =
                self.sort_step(step, input.iter().flatten().map(|v| (v.clone(), None)).collect(), frame)?;
            let mut values: Option<Value> = Some(Value::sequence(sorted.into_iter().map(|t| t.0).collect()));
            for stage in &step.ann.stages {
                if let Stage::Filter(p) = stage {
                    values = Some(self.filter(p, values, frame)?);
                }
            }
            return Ok(values.unwrap_or(Value::sequence(vec![])));
        }
        let mut results = Vec::new();
        let mut made = 0;
        for item in input {
            let mut v = self.eval(step, item, frame)?;
            for stage in &step.ann.stages {
                if let Stage::Filter(p) = stage {
                    v = Some(self.filter(p, v, frame)?);
                }
            }
            if let Some(v) = v {
                // Each item a step maps to is made: `$a.$a` is |$a|² items, not |$a| steps.
                let items = match &v {
                    Value::Array(a) if !a.cons => a.items.len(),
                    _ => 1,
                };
                made += items;
                self.spend_built(items, made)?;
                results.push(v);
            }
        }
        if last && results.len() == 1 && matches!(&results[0], Value::Array(a) if !a.sequence) {
            // A single array as the last step's result is the path's value as it is.
            return Ok(results.pop().expect("one result"));
        }
        let mut out = Vec::new();
        for v in results {
            match v {
                Value::Array(a) if !a.cons => out.extend(a.items.iter().cloned()),
                v => out.push(v),
            }
        }
        Ok(Value::sequence(out))
    }

    #[inline(never)]
    fn tuple_step(&mut self, step: &Node, input: Vec<Entry>, frame: &Rc<Frame>) -> Result<Vec<Entry>, Fail> {
        let mut result: Vec<Entry>;
        if let Kind::Sort(_) = step.kind {
            result = self.sort_step(step, input, frame)?;
            if let Some(index) = &step.ann.index {
                for (i, t) in result.iter_mut().enumerate() {
                    if let Some(t) = &mut t.1 {
                        t.set(index, Value::Number(i as f64));
                    }
                }
            }
        } else {
            result = Vec::new();
            for (value, tuple) in input {
                let tuple = tuple.unwrap_or(Tuple { value: Some(value.clone()), vars: vec![] });
                let step_frame = tuple.frame(frame);
                self.nested_tuples = None;
                let v = self.eval(step, &tuple.value, &step_frame)?;
                let nested = self.nested_tuples.take();
                let items = match v {
                    None => continue,
                    Some(Value::Array(a)) => a.items.clone(),
                    Some(v) => vec![v],
                };
                self.spend_built(items.len(), result.len() + items.len())?;
                // A nested path's bindings carry on, item by item.
                let nested = nested.filter(|n| step.ann.tuple && n.len() == items.len());
                for (i, item) in items.into_iter().enumerate() {
                    let mut t = tuple.clone();
                    if let Some((_, Some(inner))) = nested.as_ref().map(|n| &n[i]) {
                        for (k, v) in &inner.vars {
                            t.set(k, v.clone());
                        }
                    }
                    match &step.ann.focus {
                        Some(name) => t.set(name, item.clone()),
                        None => t.value = Some(item.clone()),
                    }
                    if let Some(index) = &step.ann.index {
                        t.set(index, Value::Number(i as f64));
                    }
                    if let Some(v) = &tuple.value {
                        for label in &step.ann.ancestors {
                            t.set(label, v.clone());
                        }
                    }
                    result.push((t.value.clone().unwrap_or(Value::Null), Some(t)));
                }
            }
        }
        for stage in &step.ann.stages {
            match stage {
                Stage::Filter(p) => {
                    let filtered = self.filter_tuples(p, result, frame)?;
                    result = filtered;
                }
                Stage::Index(name) => {
                    for (i, t) in result.iter_mut().enumerate() {
                        if let Some(t) = &mut t.1 {
                            t.set(name, Value::Number(i as f64));
                        }
                    }
                }
            }
        }
        Ok(result)
    }

    fn filter_tuples(
        &mut self,
        predicate: &Node,
        input: Vec<Entry>,
        frame: &Rc<Frame>,
    ) -> Result<Vec<Entry>, Fail> {
        let len = input.len();
        let mut out = Vec::new();
        for (index, (value, tuple)) in input.into_iter().enumerate() {
            let f = match &tuple {
                Some(t) => t.frame(frame),
                None => frame.clone(),
            };
            let ctx = tuple.as_ref().map_or(Some(value.clone()), |t| t.value.clone());
            let res = self.eval(predicate, &ctx, &f)?;
            if self.predicate_selects(&res, index, len) {
                out.push((value, tuple));
            }
        }
        Ok(out)
    }

    fn predicate_selects(&self, res: &Option<Value>, index: usize, len: usize) -> bool {
        let matches_index = |n: f64| {
            let mut i = n.floor();
            if i < 0.0 {
                i += len as f64;
            }
            i == index as f64
        };
        match res {
            Some(Value::Number(n)) => matches_index(*n),
            Some(Value::Array(a))
                if !a.items.is_empty() && a.items.iter().all(|v| matches!(v, Value::Number(_))) =>
            {
                a.items.iter().any(|v| matches!(v, Value::Number(n) if matches_index(*n)))
            }
            other => truthy(other).unwrap_or(false),
        }
    }

    /// `[predicate]` over a value: a number indexes, anything else filters by truth.
    #[inline(never)]
    fn filter(&mut self, predicate: &Node, input: Option<Value>, frame: &Rc<Frame>) -> Result<Value, Fail> {
        let items = match input {
            None => return Ok(Value::sequence(vec![])),
            Some(Value::Array(a)) => a.items.clone(),
            Some(v) => vec![v],
        };
        if let Kind::Literal(Value::Number(n)) = predicate.kind {
            let mut i = n.floor();
            if i < 0.0 {
                i += items.len() as f64;
            }
            let picked = if i >= 0.0 { items.get(i as usize).cloned() } else { None };
            return Ok(match picked {
                Some(Value::Array(a)) => Value::Array(a),
                Some(v) => Value::sequence(vec![v]),
                None => Value::sequence(vec![]),
            });
        }
        let len = items.len();
        let mut out = Vec::new();
        for (index, item) in items.into_iter().enumerate() {
            let res = self.eval(predicate, &Some(item.clone()), frame)?;
            if self.predicate_selects(&res, index, len) {
                out.push(item);
            }
        }
        Ok(Value::sequence(out))
    }

    // ---- sorting and grouping ----

    #[inline(never)]
    fn sort_step(&mut self, step: &Node, items: Vec<Entry>, frame: &Rc<Frame>) -> Result<Vec<Entry>, Fail> {
        let Kind::Sort(terms) = &step.kind else { unreachable!() };
        let mut keys: Vec<Vec<Option<Value>>> = Vec::with_capacity(items.len());
        for (value, tuple) in &items {
            let (ctx, f) = match tuple {
                Some(t) => (t.value.clone(), t.frame(frame)),
                None => (Some(value.clone()), frame.clone()),
            };
            let mut k = Vec::new();
            for (term, _) in terms {
                k.push(self.eval(term, &ctx, &f)?);
            }
            keys.push(k);
        }
        let mut order: Vec<usize> = (0..items.len()).collect();
        let mut failure = None;
        let mut comparisons = 0;
        order.sort_by(|&a, &b| {
            comparisons += 1;
            for (t, (_, descending)) in terms.iter().enumerate() {
                let c = match compare_keys(&keys[a][t], &keys[b][t]) {
                    Ok(c) => c,
                    Err(e) => {
                        failure.get_or_insert(e);
                        return std::cmp::Ordering::Equal;
                    }
                };
                if c != std::cmp::Ordering::Equal {
                    return if *descending { c.reverse() } else { c };
                }
            }
            std::cmp::Ordering::Equal
        });
        if let Some(e) = failure {
            return Err(e.at(step.pos));
        }
        // Each comparison is a step of work, as for `$sort`.
        self.spend(comparisons)?;
        let mut slots: Vec<Option<(Value, Option<Tuple>)>> = items.into_iter().map(Some).collect();
        Ok(order.into_iter().filter_map(|i| slots[i].take()).collect())
    }

    #[inline(never)]
    fn group(&mut self, group: &Group, input: Option<(Value, Option<Vec<Entry>>)>, frame: &Rc<Frame>) -> Out {
        let entries: Vec<Entry> = match input {
            None => vec![],
            Some((_, Some(tuples))) => tuples,
            Some((Value::Array(a), None)) => a.items.iter().map(|v| (v.clone(), None)).collect(),
            Some((v, None)) => vec![(v, None)],
        };
        // Keys in first-seen order, each with the pair that made it and the items it collects.
        let mut groups: indexmap::IndexMap<Rc<str>, (usize, Vec<Entry>)> = Default::default();
        let entries_or_undefined: Vec<Option<(Value, Option<Tuple>)>> =
            if entries.is_empty() { vec![None] } else { entries.into_iter().map(Some).collect() };
        // Each item is copied into its group.
        self.spend_built(entries_or_undefined.len(), entries_or_undefined.len())?;
        for entry in &entries_or_undefined {
            let (ctx, f) = match entry {
                Some((_, Some(t))) => (t.value.clone(), t.frame(frame)),
                Some((v, None)) => (Some(v.clone()), frame.clone()),
                None => (None, frame.clone()),
            };
            for (pair_index, (key_node, _)) in group.pairs.iter().enumerate() {
                let Some(key) = self.object_key(key_node, &ctx, &f)? else { continue };
                match groups.get_mut(&key) {
                    Some((index, items)) => {
                        if *index != pair_index {
                            return Err(err(
                                "D1009",
                                format!("Multiple key definitions evaluate to same key: {key}"),
                            )
                            .at(key_node.pos));
                        }
                        if let Some(e) = entry {
                            items.push(e.clone());
                        }
                    }
                    None => {
                        groups.insert(key, (pair_index, entry.iter().cloned().collect()));
                    }
                }
            }
        }
        let mut result = Map::new();
        for (key, (pair_index, items)) in groups {
            let tuples = items.iter().any(|i| i.1.is_some());
            let (ctx, f) = if tuples {
                // The group's variables: each bound to all its values in the group.
                let merged = Frame::child(frame);
                let mut names: Vec<Rc<str>> = Vec::new();
                for (_, t) in &items {
                    for (k, _) in &t.as_ref().expect("tuple").vars {
                        if !names.contains(k) {
                            names.push(k.clone());
                        }
                    }
                }
                for name in names {
                    let vals: Vec<Value> = items
                        .iter()
                        .filter_map(|(_, t)| {
                            t.as_ref()?.vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone())
                        })
                        .collect();
                    merged.bind(name, collapse(Some(Value::sequence(vals))));
                }
                let values =
                    items.iter().filter_map(|(_, t)| t.as_ref().expect("tuple").value.clone()).collect();
                (collapse(Some(Value::sequence(values))), merged)
            } else {
                let values: Vec<Value> = items.into_iter().map(|i| i.0).collect();
                let ctx = match values.len() {
                    0 => None,
                    1 => values.into_iter().next(),
                    _ => Some(Value::array(values)),
                };
                (ctx, frame.clone())
            };
            if let Some(v) = self.eval(&group.pairs[pair_index].1, &ctx, &f)? {
                result.insert(key, v);
            }
        }
        Ok(Some(Value::object(result)))
    }

    /// A key of an object constructor or a grouping: a string, or nothing (the pair is left out).
    fn object_key(
        &mut self,
        node: &Node,
        input: &Option<Value>,
        frame: &Rc<Frame>,
    ) -> Result<Option<Rc<str>>, Fail> {
        match self.eval(node, input, frame)? {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(err(
                "T1003",
                format!(
                    "Key in object structure must evaluate to a string; got: {}",
                    crate::value::to_json_text(&other)
                ),
            )
            .at(node.pos)),
        }
    }

    #[inline(never)]
    fn object_cons(&mut self, pairs: &[(Node, Node)], input: &Option<Value>, frame: &Rc<Frame>) -> Out {
        let mut keys: indexmap::IndexMap<Rc<str>, usize> = Default::default();
        let mut result = Map::new();
        for (pair_index, (k, v)) in pairs.iter().enumerate() {
            let Some(key) = self.object_key(k, input, frame)? else { continue };
            if let Some(&other) = keys.get(&key) {
                if other != pair_index {
                    return Err(err(
                        "D1009",
                        format!("Multiple key definitions evaluate to same key: {key}"),
                    )
                    .at(k.pos));
                }
            }
            keys.insert(key.clone(), pair_index);
            if let Some(value) = self.eval(v, input, frame)? {
                result.insert(key, value);
            }
        }
        Ok(Some(Value::object(result)))
    }

    // ---- operators ----

    /// An operator and the operators down its left side (`1+2+3...`, a tree as deep as the chain
    /// is long), evaluated from the bottom up in a loop: each still costs a step of fuel.
    #[inline(never)]
    fn operator_chain(&mut self, node: &Node, input: &Option<Value>, frame: &Rc<Frame>) -> Out {
        let Kind::Binary(op, left, right) = &node.kind else { unreachable!("an operator") };
        if !matches!(left.kind, Kind::Binary(..)) {
            let left = self.eval(left, input, frame)?;
            return self.binary(op, left, right, input, frame);
        }
        let mut spine = vec![node];
        let mut bottom = node;
        while let Kind::Binary(_, left, _) = &bottom.kind {
            bottom = left;
            if matches!(bottom.kind, Kind::Binary(..)) {
                spine.push(bottom);
            }
        }
        let mut value = self.eval(bottom, input, frame)?;
        for (level, parent) in spine.into_iter().enumerate().rev() {
            let Kind::Binary(op, _, right) = &parent.kind else { unreachable!("the spine holds operators") };
            // The top operator is `node`, which `eval` counts and finishes.
            let top = level == 0;
            if !top {
                self.spend(1).map_err(|e| e.at(parent.pos))?;
            }
            value = self.binary(op, value, right, input, frame).map_err(|e| e.at(parent.pos))?;
            if !top {
                value = self.finish(parent, value, frame)?;
            }
        }
        Ok(value)
    }

    fn binary(
        &mut self,
        op: &str,
        left: Option<Value>,
        r: &Node,
        input: &Option<Value>,
        frame: &Rc<Frame>,
    ) -> Out {
        if op == "and" || op == "or" {
            let left = truthy(&left).unwrap_or(false);
            if (op == "and" && !left) || (op == "or" && left) {
                return Ok(Some(Value::Bool(left)));
            }
            let right = truthy(&self.eval(r, input, frame)?).unwrap_or(false);
            return Ok(Some(Value::Bool(right)));
        }
        let right = self.eval(r, input, frame)?;
        self.operate(op, left, right)
    }

    /// An operator on its evaluated operands: apart from `binary`, so that the recursion through
    /// operands does not carry this code's locals on every level.
    #[inline(never)]
    fn operate(&mut self, op: &str, left: Option<Value>, right: Option<Value>) -> Out {
        match op {
            "+" | "-" | "*" | "/" | "%" => {
                let ln = match &left {
                    None => None,
                    Some(Value::Number(n)) if !n.is_finite() => return Err(out_of_range(*n)),
                    Some(Value::Number(n)) => Some(*n),
                    Some(_) => {
                        return Err(err(
                            "T2001",
                            format!("The left side of the {op} operator must evaluate to a number"),
                        )
                        .with_token(op))
                    }
                };
                let rn = match &right {
                    None => None,
                    Some(Value::Number(n)) if !n.is_finite() => return Err(out_of_range(*n)),
                    Some(Value::Number(n)) => Some(*n),
                    Some(_) => {
                        return Err(err(
                            "T2002",
                            format!("The right side of the {op} operator must evaluate to a number"),
                        )
                        .with_token(op))
                    }
                };
                let (Some(a), Some(b)) = (ln, rn) else { return Ok(None) };
                let v = match op {
                    "+" => a + b,
                    "-" => a - b,
                    "*" => a * b,
                    "/" => a / b,
                    _ => a % b,
                };
                Ok(Some(Value::Number(v)))
            }
            "=" | "!=" => {
                let (Some(a), Some(b)) = (&left, &right) else { return Ok(Some(Value::Bool(false))) };
                let eq = deep_equal(a, b);
                Ok(Some(Value::Bool(if op == "=" { eq } else { !eq })))
            }
            "<" | "<=" | ">" | ">=" => {
                let comparable =
                    |v: &Option<Value>| matches!(v, None | Some(Value::Number(_)) | Some(Value::String(_)));
                if !comparable(&left) || !comparable(&right) {
                    return Err(err(
                        "T2010",
                        format!("The expressions either side of operator {op} must evaluate to numeric or string values"),
                    )
                    .with_token(op));
                }
                let (Some(a), Some(b)) = (&left, &right) else { return Ok(None) };
                let ord = match (a, b) {
                    (Value::Number(x), Value::Number(y)) => x.partial_cmp(y),
                    (Value::String(x), Value::String(y)) => Some(compare_strings(x, y)),
                    _ => {
                        return Err(err(
                            "T2009",
                            format!(
                            "The values {} and {} either side of operator {op} must be of the same data type",
                            crate::value::to_json_text(a),
                            crate::value::to_json_text(b)
                        ),
                        )
                        .with_token(op))
                    }
                };
                let Some(ord) = ord else { return Ok(Some(Value::Bool(false))) };
                use std::cmp::Ordering::*;
                let v = match op {
                    "<" => ord == Less,
                    "<=" => ord != Greater,
                    ">" => ord == Greater,
                    _ => ord != Less,
                };
                Ok(Some(Value::Bool(v)))
            }
            "&" => {
                let mut s = String::new();
                for v in [&left, &right].into_iter().flatten() {
                    s.push_str(&functions::to_string(v, self.size_budget())?);
                }
                // Memory is work too: a loop that doubles a string must run out of fuel.
                self.spend_built(s.len(), s.len())?;
                Ok(Some(Value::string(s)))
            }
            "in" => {
                let (Some(a), Some(b)) = (&left, &right) else { return Ok(Some(Value::Bool(false))) };
                let found = match b {
                    Value::Array(arr) => arr.items.iter().any(|i| deep_equal(a, i)),
                    other => deep_equal(a, other),
                };
                Ok(Some(Value::Bool(found)))
            }
            ".." => {
                let bound = |v: &Option<Value>, code: &'static str, side: &str| match v {
                    None => Ok(None),
                    Some(Value::Number(n)) if n.fract() == 0.0 => Ok(Some(*n)),
                    Some(_) => Err(err(
                        code,
                        format!("The {side} side of the range operator (..) must evaluate to an integer"),
                    )),
                };
                let a = bound(&left, "T2003", "left")?;
                let b = bound(&right, "T2004", "right")?;
                let (Some(a), Some(b)) = (a, b) else { return Ok(None) };
                if a > b {
                    return Ok(None);
                }
                let size = b - a + 1.0;
                if size > 1e7 {
                    return Err(err(
                        "D2014",
                        format!("The size of the sequence allocated by the range operator (..) must not exceed 1e7.  Attempted to allocate {}.", crate::value::format_number(size)),
                    ));
                }
                self.spend(size as u64)?;
                let items = (0..size as i64).map(|i| Value::Number(a + i as f64)).collect();
                Ok(Some(Value::sequence(items)))
            }
            _ => Err(err("S0204", format!("Unknown operator: {op}")).with_token(op)),
        }
    }

    /// Memory is work too: `added` more items or bytes in a value being built cost as many steps,
    /// and a value of `total` beyond [`MAX_VALUE_SIZE`] is `U1001` whatever the fuel.
    pub(crate) fn spend_built(&mut self, added: usize, total: usize) -> Result<(), Fail> {
        if total > MAX_VALUE_SIZE {
            self.fuel = 0;
            return Err(too_large());
        }
        self.spend(added as u64)
    }

    /// The most items or bytes a value being built may still reach: what the fuel left pays for,
    /// within [`MAX_VALUE_SIZE`]. Builders that can outgrow their inputs (text of a value that
    /// shares one long string many times) stop there.
    pub(crate) fn size_budget(&self) -> usize {
        self.fuel.min(MAX_VALUE_SIZE as u64) as usize
    }

    pub(crate) fn spend(&mut self, work: u64) -> Result<(), Fail> {
        if self.fuel < work {
            self.fuel = 0;
            return Err(err("U1001", "Evaluation exceeded its work bound"));
        }
        self.fuel -= work;
        Ok(())
    }

    #[inline(never)]
    fn apply_op(&mut self, l: &Node, r: &Node, input: &Option<Value>, frame: &Rc<Frame>) -> Out {
        let left = self.eval(l, input, frame)?;
        if let Kind::Call { callee, args, partial: false, .. } = &r.kind {
            // `x ~> $f(a)` is `$f(x, a)`.
            let func = self.eval(callee, input, frame)?;
            let mut values = vec![left.clone()];
            for a in args {
                values.push(self.eval(a, input, frame)?);
            }
            let func = self.callable(func, callee, false, frame)?;
            let result = self.apply(&func, values, input).map_err(|e| e.at(r.pos))?;
            // The call's own `[...]` and `[]` still apply to its result.
            return self.finish(r, result, frame);
        }
        let func = self.eval(r, input, frame)?;
        let Some(func @ Value::Function(_)) = func else {
            return Err(err(
                "T2006",
                "The right side of the function application operator ~> must be a function",
            ));
        };
        if let Some(f @ Value::Function(_)) = left {
            return Ok(Some(Value::Function(Rc::new(Function::Chain(f, func)))));
        }
        self.apply(&func, vec![left], input)
    }

    fn callable(
        &self,
        func: Option<Value>,
        callee: &Node,
        partial: bool,
        frame: &Rc<Frame>,
    ) -> Result<Value, Fail> {
        match func {
            Some(f @ Value::Function(_)) => Ok(f),
            _ => {
                let hint = match &callee.kind {
                    Kind::Path { steps, .. } if matches!(steps[0].kind, Kind::Name(_)) => {
                        if let Kind::Name(n) = &steps[0].kind {
                            Some(n.clone())
                        } else {
                            None
                        }
                    }
                    Kind::Name(n) => Some(n.clone()),
                    _ => None,
                }
                // Only a name that would have meant a function with `$` gets the hint.
                .filter(|n| frame.lookup(n).is_some() || functions::lookup(n).is_some());
                Err(match (hint, partial) {
                    (Some(n), false) => {
                        err("T1005", format!("Attempted to invoke a non-function. Did you mean ${n}?"))
                            .with_token(n.to_string())
                    }
                    (Some(n), true) => err(
                        "T1007",
                        format!("Attempted to partially apply a non-function. Did you mean ${n}?"),
                    )
                    .with_token(n.to_string()),
                    (None, false) => err("T1006", "Attempted to invoke a non-function"),
                    (None, true) => err("T1008", "Attempted to partially apply a non-function"),
                }
                .at(callee.pos))
            }
        }
    }

    fn call(
        &mut self,
        callee: &Node,
        args: &[Node],
        partial: bool,
        tail: bool,
        input: &Option<Value>,
        frame: &Rc<Frame>,
    ) -> Out {
        let func = self.eval(callee, input, frame)?;
        let func = self.callable(func, callee, partial, frame)?;
        if partial {
            let mut values = Vec::new();
            for a in args {
                if matches!(a.kind, Kind::Placeholder) {
                    values.push(None);
                } else {
                    values.push(Some(self.eval(a, input, frame)?));
                }
            }
            return Ok(Some(Value::Function(Rc::new(Function::Partial { func, args: values }))));
        }
        let mut values = Vec::with_capacity(args.len());
        for a in args {
            values.push(self.eval(a, input, frame)?);
        }
        if tail {
            // Returned to the lambda application loop below, which makes the call without
            // growing the stack.
            let call = Function::TailCall { func, args: values, input: input.clone() };
            return Ok(Some(Value::Function(Rc::new(call))));
        }
        let token = match &callee.kind {
            Kind::Variable(n) => Some(n.clone()),
            _ => None,
        };
        self.apply(&func, values, input).map_err(|mut e| {
            if e.token.is_none() {
                e.token = token.map(|t| t.to_string());
            }
            e
        })
    }

    /// Calls a function value. Tail calls come back as thunks and are run here in a loop.
    pub(crate) fn apply(&mut self, func: &Value, args: Vec<Option<Value>>, input: &Option<Value>) -> Out {
        let mut result = self.apply_once(func, args, input)?;
        while let Some(Value::Function(f)) = &result {
            let Function::TailCall { func, args, input } = &**f else { break };
            self.spend(1)?;
            result = self.apply_once(&func.clone(), args.clone(), &input.clone())?;
        }
        Ok(result)
    }

    fn apply_once(&mut self, func: &Value, args: Vec<Option<Value>>, input: &Option<Value>) -> Out {
        let Value::Function(f) = func else {
            return Err(err("T1006", "Attempted to invoke a non-function"));
        };
        if self.depth >= self.env.max_depth || self.stack_exhausted() {
            return Err(stack_overflow());
        }
        match &**f {
            Function::Lambda { def, frame, input: captured } => {
                let args = match &def.signature {
                    Some(sig) => sig.validate(args, input, "lambda")?,
                    None => args,
                };
                let scope = Frame::child(frame);
                let mut args = args.into_iter();
                for p in &def.params {
                    let arg = args.next().flatten();
                    if matches!(arg, Some(Value::Function(_))) {
                        self.remember_function_scope(&scope);
                    }
                    scope.bind(p.clone(), arg);
                }
                self.eval(&def.body, captured, &scope)
            }
            Function::Builtin(b) => {
                let args = b.signature().validate(args, input, b.name)?;
                let result = (b.run)(self, args, input)?;
                // What a built-in makes is work: `$a.$string($a)` makes |$a| texts of |$a| items.
                let size = result.as_ref().map_or(0, size_of);
                self.spend_built(size, size)?;
                Ok(result)
            }
            Function::Partial { func, args: given } => {
                let mut supplied = args.into_iter();
                let full = given.iter().map(|g| match g {
                    Some(v) => v.clone(),
                    None => supplied.next().flatten(),
                });
                let full: Vec<Option<Value>> = full.collect();
                self.apply(func, full, input)
            }
            Function::Regex(re) => {
                let text = match args.into_iter().next().flatten() {
                    None => return Ok(None),
                    Some(Value::String(s)) => s,
                    Some(_) => {
                        return Err(err(
                            "T0410",
                            "Argument 1 of function regex does not match function signature",
                        ))
                    }
                };
                Ok(functions::regex_match_object(re, &text, 0))
            }
            Function::RegexNext { re, text, from } => Ok(functions::regex_match_object(re, text, *from)),
            Function::Chain(first, second) => {
                let mid = self.apply(first, args, input)?;
                self.apply(second, vec![mid], input)
            }
            Function::TailCall { .. } => Ok(Some(func.clone())),
            Function::Transform { def, frame } => {
                let target = args.into_iter().next().flatten();
                self.transform(def, frame, target)
            }
        }
    }

    #[inline(never)]
    fn transform(&mut self, def: &TransformDef, frame: &Rc<Frame>, target: Option<Value>) -> Out {
        let Some(target) = target else { return Ok(None) };
        let matches = self.eval(&def.pattern, &Some(target.clone()), frame)?;
        // Objects are shared, so a match is known by its address; the tree is rebuilt with each
        // matched object replaced by its updated copy.
        let mut updates: Vec<(*const Object, Map)> = Vec::new();
        for m in items_of(matches) {
            let Value::Object(obj) = &m else { continue };
            let mut copy = obj.0.clone();
            if let Some(update) = self.eval(&def.update, &Some(m.clone()), frame)? {
                let Value::Object(fields) = update else {
                    return Err(err(
                        "T2011",
                        format!(
                            "The insert/update clause of the transform expression must evaluate to an object: {}",
                            crate::value::to_json_text(&update)
                        ),
                    )
                    .at(def.update.pos));
                };
                for (k, v) in fields.iter() {
                    copy.insert(k.clone(), v.clone());
                }
            }
            if let Some(delete) = &def.delete {
                if let Some(names) = self.eval(delete, &Some(m.clone()), frame)? {
                    let list = items_of(Some(names.clone()));
                    if !list.iter().all(|v| matches!(v, Value::String(_))) {
                        return Err(err(
                            "T2012",
                            format!(
                                "The delete clause of the transform expression must evaluate to a string or array of strings: {}",
                                crate::value::to_json_text(&names)
                            ),
                        )
                        .at(delete.pos));
                    }
                    for name in list {
                        if let Value::String(s) = name {
                            copy.shift_remove(&*s);
                        }
                    }
                }
            }
            updates.push((Rc::as_ptr(obj), copy));
        }
        let mut made = 0;
        let rebuilt = rebuild(&target, &updates, &mut made, 0, crate::stack_position()).ok_or_else(|| {
            err(
                "U1001",
                format!("The transformed value is nested more than {} deep", crate::value::MAX_WRITE_DEPTH),
            )
        })?;
        self.spend_built(made, 0)?;
        Ok(Some(rebuilt))
    }
}

/// `made` counts the arrays and objects copied; `None` when the value nests too deep (see
/// [`crate::value::too_deep_to_write`]).
fn rebuild(
    v: &Value,
    updates: &[(*const Object, Map)],
    made: &mut usize,
    depth: usize,
    stack_base: usize,
) -> Option<Value> {
    if crate::value::too_deep_to_write(depth, stack_base) {
        return None;
    }
    Some(match v {
        Value::Object(obj) => {
            let own = updates.iter().find(|(p, _)| std::ptr::eq(*p, Rc::as_ptr(obj)));
            let base = own.map_or(&obj.0, |(_, m)| m);
            *made += 1;
            let mut rebuilt = Map::with_capacity(base.len());
            for (k, v) in base {
                rebuilt.insert(k.clone(), rebuild(v, updates, made, depth + 1, stack_base)?);
            }
            Value::object(rebuilt)
        }
        Value::Array(a) => {
            *made += 1;
            let mut items = Vec::with_capacity(a.items.len());
            for i in &a.items {
                items.push(rebuild(i, updates, made, depth + 1, stack_base)?);
            }
            let arr = Array {
                items,
                sequence: a.sequence,
                keep_singleton: a.keep_singleton,
                cons: a.cons,
                outer_wrapper: a.outer_wrapper,
            };
            Value::Array(Rc::new(arr))
        }
        other => other.clone(),
    })
}

/// JavaScript compares strings by UTF-16 code units.
pub(crate) fn compare_strings(a: &str, b: &str) -> std::cmp::Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

fn compare_keys(a: &Option<Value>, b: &Option<Value>) -> Result<std::cmp::Ordering, Fail> {
    use std::cmp::Ordering::*;
    let (a, b) = match (a, b) {
        (None, None) => return Ok(Equal),
        (None, _) => return Ok(Greater),
        (_, None) => return Ok(Less),
        (Some(a), Some(b)) => (a, b),
    };
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => Ok(x.partial_cmp(y).unwrap_or(Equal)),
        (Value::String(x), Value::String(y)) => Ok(compare_strings(x, y)),
        (Value::Number(_) | Value::String(_), Value::Number(_) | Value::String(_)) => Err(err(
            "T2007",
            format!(
                "Type mismatch when comparing values {} and {} in order-by clause",
                crate::value::to_json_text(a),
                crate::value::to_json_text(b)
            ),
        )),
        _ => Err(err(
            "T2008",
            "The expressions within an order-by clause must evaluate to numeric or string values",
        )),
    }
}

/// A field of an object, or of each object in an array (however deeply nested), flattened.
pub(crate) fn lookup(input: &Option<Value>, key: &str) -> Option<Value> {
    match input.as_ref()? {
        array @ Value::Array(_) => {
            let mut out = Vec::new();
            for_each_leaf(array, |leaf| {
                if let Value::Object(m) = leaf {
                    if let Some(v) = m.get(key) {
                        push_flat(&mut out, v.clone());
                    }
                }
            });
            Some(Value::sequence(out))
        }
        Value::Object(m) => m.get(key).cloned(),
        _ => None,
    }
}

fn wildcard(input: &Option<Value>) -> Option<Value> {
    let mut input = input.as_ref()?;
    if let Value::Array(a) = input {
        if a.outer_wrapper && !a.items.is_empty() {
            input = &a.items[0];
        }
    }
    let mut out = Vec::new();
    // An array's values are its items (JavaScript's `Object.keys` of an array).
    let values: Vec<&Value> = match input {
        Value::Object(m) => m.values().collect(),
        Value::Array(a) => a.items.iter().collect(),
        _ => vec![],
    };
    for v in values {
        match v {
            Value::Array(_) => flatten_into(&mut out, v),
            v => out.push(v.clone()),
        }
    }
    Some(Value::sequence(out))
}

/// `**`: every value below, objects before what they hold, arrays flattened; a loop, since the
/// input may nest deeper than the stack allows.
fn descendants(input: &Option<Value>) -> Option<Value> {
    let mut out = Vec::new();
    let mut pending = vec![input.as_ref()?];
    while let Some(v) = pending.pop() {
        match v {
            Value::Array(a) => pending.extend(a.items.iter().rev()),
            Value::Object(m) => {
                out.push(v.clone());
                pending.extend(m.values().rev());
            }
            v => out.push(v.clone()),
        }
    }
    Some(Value::sequence(out))
}
