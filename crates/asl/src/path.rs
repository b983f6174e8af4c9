//! JSONPath as Step Functions evaluates it (Jayway JsonPath underneath).
//!
//! A [`Path`] is parsed once when the definition is read and evaluated many times, so evaluation
//! never re-parses and a simple definite path (`$.a.b[0]`) walks borrowed nodes and ends with one
//! O(1) [`Value`] clone.
//!
//! What AWS shows, and what this module reproduces:
//! * a *definite* path (only `.name`, `['name']`, `[index]`) selects one node or fails with Jayway's
//!   text: `No results for path: $['x']` when the last step is missing, `Missing property in path
//!   $['no']` when a step before it is (ASL-SEMANTICS §5.3);
//! * an *indefinite* path (`*`, `..`, slices, unions, filters) never fails: it gathers its matches
//!   into an array, `[]` when nothing matches — recorded on AWS for `$.items[*]`, `$.item.items[1:5]`
//!   on `{}` (corpus `base.test_base...test_json_path_array_wildcard_or_slice_with_no_input*`);
//! * inside `['...']` a backslash does not start an escape except before the closing quote (corpus
//!   `test_escape_sequence_parsing__ESCAPE_SEQUENCES_JSONPATH`: `$['Test\""Name"']` selects the key
//!   `Test\""Name"`).

use std::fmt;
use std::rc::Rc;

use crate::value::{Map, Value};

/// Which document a path starts from.
#[derive(Clone, Debug, PartialEq)]
pub enum Root {
    /// `$`: the state's input (or whatever the field applies to).
    Input,
    /// `$$`: the context object.
    Context,
    /// `$name`: a workflow variable.
    Variable(Rc<str>),
}

/// A parsed JSONPath. Cloning is O(1).
#[derive(Clone, Debug)]
pub struct Path {
    inner: Rc<Inner>,
}

#[derive(Debug)]
struct Inner {
    text: Box<str>,
    root: Root,
    segs: Vec<Seg>,
    definite: bool,
}

/// A path that AWS would reject when the definition is created.
#[derive(Clone, Debug, PartialEq)]
pub struct PathSyntaxError {
    pub message: String,
}

/// A path that does not match the document; `message` is what AWS prints after
/// `Invalid path '<path>' : `.
#[derive(Clone, Debug, PartialEq)]
pub struct PathMiss {
    pub message: String,
}

impl fmt::Display for PathSyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for PathMiss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for PathSyntaxError {}
impl std::error::Error for PathMiss {}

/// One step of a path.
#[derive(Clone, Debug, PartialEq)]
enum Seg {
    /// `.name` or `['name']`.
    Field(Rc<str>),
    /// `[3]`, `[-1]` (counted from the end).
    Index(i64),
    /// `['a','b']`: as the last step Jayway merges the members into one object; before it, a union.
    Fields(Vec<Rc<str>>),
    /// `[0,2]`.
    Indexes(Vec<i64>),
    /// `*` / `[*]`: every member or element.
    Wildcard,
    /// `[from:to]` (Jayway has no step).
    Slice(Option<i64>, Option<i64>),
    /// `..`: the next step applies to every container at or below the current node.
    Descend,
    /// `[?(...)]`.
    Filter(Rc<Expr>),
    /// `.length()`: the size of the array (or object, or string) selected so far.
    Length,
}

impl Seg {
    fn is_single(&self) -> bool {
        matches!(self, Seg::Field(_) | Seg::Index(_))
    }
}

/// A filter expression inside `[?( )]`.
#[derive(Clone, Debug, PartialEq)]
enum Expr {
    Or(Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Exists(Operand),
    Cmp(Operand, CmpOp, Operand),
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Clone, Debug, PartialEq)]
enum Operand {
    /// `@...`: relative to the item being tested.
    Current(Vec<Seg>),
    /// `$...`: relative to the document the whole path is evaluated against.
    Root(Vec<Seg>),
    Literal(Value),
}

impl Path {
    /// Parses any JSONPath AWS accepts in `InputPath`, `OutputPath` and `.$` template fields.
    pub fn parse(text: &str) -> Result<Path, PathSyntaxError> {
        let mut p = Parser::new(text);
        let root = p.root()?;
        let segs = p.segments(false)?;
        if let Some(c) = p.peek() {
            return Err(p.error(format!("unexpected '{c}'")));
        }
        let definite = segs_definite(&segs);
        Ok(Path { inner: Rc::new(Inner { text: text.into(), root, segs, definite }) })
    }

    /// Parses a Reference Path (ResultPath, ItemsPath, `*Path` fields): it must name exactly one node,
    /// so only `.name`, `['name']` and `[index]` steps are allowed.
    pub fn parse_reference(text: &str) -> Result<Path, PathSyntaxError> {
        let path = Path::parse(text)?;
        if let Some(bad) = path.inner.segs.iter().find(|s| !s.is_single()) {
            let what = match bad {
                Seg::Wildcard => "the wildcard '*'",
                Seg::Descend => "'..' (deep scan)",
                Seg::Filter(_) => "a filter '[?(...)]'",
                Seg::Slice(..) => "a slice '[from:to]'",
                Seg::Fields(_) | Seg::Indexes(_) => "a union '[a,b]'",
                Seg::Length => "the function length()",
                Seg::Field(_) | Seg::Index(_) => "this step",
            };
            return Err(PathSyntaxError {
                message: format!(
                    "'{text}' is not a valid reference path: it must select a single node, so {what} is not allowed"
                ),
            });
        }
        Ok(path)
    }

    /// The path as written in the definition.
    pub fn text(&self) -> &str {
        &self.inner.text
    }

    pub fn root(&self) -> &Root {
        &self.inner.root
    }

    /// True when the path can select at most one node (then a miss is an error, not `[]`).
    pub fn is_definite(&self) -> bool {
        self.inner.definite
    }

    /// True for a path that is only its root (`$`, `$$`, `$name`).
    pub fn is_root(&self) -> bool {
        self.inner.segs.is_empty()
    }

    /// The path in Jayway's bracket notation with its root spelled out (`$$['Task']['Token']`),
    /// for comparing paths written in different notations.
    pub fn canonical(&self) -> String {
        let prefix = match &self.inner.root {
            Root::Input => "$".to_string(),
            Root::Context => "$$".to_string(),
            Root::Variable(name) => format!("${name}"),
        };
        let mut out = prefix;
        render_into(&mut out, &self.inner.segs);
        out
    }

    /// Evaluates the path against `root`, the value of its root (the input for `$`, the context
    /// object for `$$`, the variable's value for `$name`).
    /// A definite path returns the node or a [`PathMiss`]; an indefinite path returns an array of
    /// all matches (`[]` when none).
    pub fn select(&self, root: &Value) -> Result<Value, PathMiss> {
        let segs = &self.inner.segs;
        if self.inner.definite {
            select_definite(segs, root)
        } else {
            let mut out = Vec::new();
            collect(segs, root, root, &mut out);
            Ok(Value::array(out))
        }
    }

    /// `ResultPath`: a copy of `target` with `value` placed at this (reference) path. Missing
    /// intermediate objects are created; only the containers on the path are copied, the rest is
    /// shared. `$` replaces the whole target.
    pub fn assign(&self, target: &Value, value: Value) -> Result<Value, PathMiss> {
        let segs = &self.inner.segs;
        if let Some(bad) = segs.iter().find(|s| !s.is_single()) {
            let mut shown = String::from("$");
            render_into(&mut shown, std::slice::from_ref(bad));
            return Err(PathMiss { message: format!("Cannot write to the indefinite path step {shown}") });
        }
        let mut out = target.clone();
        put(&mut out, segs, 0, value)?;
        Ok(out)
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.inner.text)
    }
}

/// Jayway's definiteness: only single-node steps, with a merge of several names allowed last.
fn segs_definite(segs: &[Seg]) -> bool {
    let n = segs.len();
    segs.iter().enumerate().all(|(i, s)| match s {
        Seg::Field(_) | Seg::Index(_) => true,
        Seg::Fields(_) | Seg::Length => i + 1 == n,
        _ => false,
    })
}

// ---------------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------------

/// Jayway's bracket notation of `segs` after `$`, as its messages print paths.
fn render(segs: &[Seg]) -> String {
    let mut s = String::from("$");
    render_into(&mut s, segs);
    s
}

fn render_into(out: &mut String, segs: &[Seg]) {
    use std::fmt::Write;
    for seg in segs {
        let _ = match seg {
            Seg::Field(name) => write!(out, "['{name}']"),
            Seg::Index(i) => write!(out, "[{i}]"),
            Seg::Fields(names) => {
                let joined: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
                write!(out, "[{}]", joined.join(", "))
            }
            Seg::Indexes(ix) => {
                let joined: Vec<String> = ix.iter().map(|i| i.to_string()).collect();
                write!(out, "[{}]", joined.join(","))
            }
            Seg::Wildcard => write!(out, "[*]"),
            Seg::Slice(a, b) => write!(
                out,
                "[{}:{}]",
                a.map(|v| v.to_string()).unwrap_or_default(),
                b.map(|v| v.to_string()).unwrap_or_default()
            ),
            Seg::Descend => write!(out, ".."),
            Seg::Filter(_) => write!(out, "[?]"),
            Seg::Length => write!(out, ".length()"),
        };
    }
}

/// The Java class Jayway (with the Jackson provider) names in its "not a json object" messages.
fn java_class(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "java.lang.Boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "java.lang.Integer",
        Value::Number(_) => "java.lang.Double",
        Value::String(_) => "java.lang.String",
        Value::Array(_) => "java.util.ArrayList",
        Value::Object(_) => "java.util.LinkedHashMap",
    }
}

fn not_an_object(name: &str, prefix: &[Seg], found: &Value) -> PathMiss {
    PathMiss {
        message: format!(
            "Expected to find an object with property ['{name}'] in path {} but found '{}'. This is not a json object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JacksonJsonProvider'.",
            render(prefix),
            java_class(found)
        ),
    }
}

fn resolve_index(i: i64, len: usize) -> Option<usize> {
    let len = len as i64;
    let j = if i < 0 { len + i } else { i };
    (0..len).contains(&j).then_some(j as usize)
}

/// The fast path: walks borrowed nodes, clones once at the end.
fn select_definite(segs: &[Seg], root: &Value) -> Result<Value, PathMiss> {
    let mut cur = root;
    let last = segs.len().saturating_sub(1);
    for (i, seg) in segs.iter().enumerate() {
        match seg {
            Seg::Field(name) => match cur {
                Value::Object(map) => match map.get(&**name) {
                    Some(v) => cur = v,
                    None if i == last => {
                        return Err(PathMiss { message: format!("No results for path: {}", render(segs)) })
                    }
                    None => {
                        return Err(PathMiss {
                            message: format!("Missing property in path {}", render(&segs[..=i])),
                        })
                    }
                },
                other => return Err(not_an_object(name, &segs[..i], other)),
            },
            Seg::Index(ix) => match cur {
                Value::Array(items) => match resolve_index(*ix, items.len()) {
                    Some(j) => cur = &items[j],
                    None => {
                        return Err(PathMiss { message: format!("No results for path: {}", render(segs)) })
                    }
                },
                other => {
                    return Err(PathMiss {
                        message: format!(
                            "Filter: [{ix}] can only be applied to arrays. Current context is: {}",
                            crate::intrinsics::java_string(other)
                        ),
                    })
                }
            },
            Seg::Fields(names) => match cur {
                Value::Object(map) => return Ok(merge_fields(map, names)),
                other => return Err(not_an_object(&names.join("', '"), &segs[..i], other)),
            },
            Seg::Length => {
                return length_of(cur).ok_or_else(|| PathMiss {
                    message: format!(
                        "Invalid function length() on {}: it needs an array",
                        render(&segs[..i])
                    ),
                })
            }
            // `segs_definite` admits no other step; should one slip through, it selects nothing new.
            _ => {}
        }
    }
    Ok(cur.clone())
}

fn merge_fields(map: &Map, names: &[Rc<str>]) -> Value {
    let mut out = Map::with_capacity(names.len());
    for n in names {
        if let Some(v) = map.get(&**n) {
            out.insert(n.clone(), v.clone());
        }
    }
    Value::object(out)
}

fn length_of(v: &Value) -> Option<Value> {
    match v {
        Value::Array(a) => Some(Value::from_i64(a.len() as i64)),
        Value::Object(o) => Some(Value::from_i64(o.len() as i64)),
        Value::String(s) => Some(Value::from_i64(s.chars().count() as i64)),
        _ => None,
    }
}

/// Indefinite evaluation: every match of `segs` from `node` is pushed to `out`; misses are skipped
/// (Jayway with exceptions suppressed).
fn collect(segs: &[Seg], node: &Value, root: &Value, out: &mut Vec<Value>) {
    let Some((seg, rest)) = segs.split_first() else {
        out.push(node.clone());
        return;
    };
    match seg {
        Seg::Field(name) => {
            if let Some(v) = node.get(name) {
                collect(rest, v, root, out);
            }
        }
        Seg::Index(i) => {
            if let Value::Array(items) = node {
                if let Some(j) = resolve_index(*i, items.len()) {
                    collect(rest, &items[j], root, out);
                }
            }
        }
        Seg::Fields(names) => {
            if let Value::Object(map) = node {
                if rest.is_empty() {
                    out.push(merge_fields(map, names));
                } else {
                    for n in names {
                        if let Some(v) = map.get(&**n) {
                            collect(rest, v, root, out);
                        }
                    }
                }
            }
        }
        Seg::Indexes(ix) => {
            if let Value::Array(items) = node {
                for i in ix {
                    if let Some(j) = resolve_index(*i, items.len()) {
                        collect(rest, &items[j], root, out);
                    }
                }
            }
        }
        Seg::Wildcard => match node {
            Value::Array(items) => items.iter().for_each(|v| collect(rest, v, root, out)),
            Value::Object(map) => map.values().for_each(|v| collect(rest, v, root, out)),
            _ => {}
        },
        Seg::Slice(from, to) => {
            if let Value::Array(items) = node {
                let len = items.len() as i64;
                let clamp = |v: i64| if v < 0 { (len + v).max(0) } else { v.min(len) };
                let a = from.map_or(0, clamp);
                let b = to.map_or(len, clamp);
                for item in items.iter().take(b.max(0) as usize).skip(a.max(0) as usize) {
                    collect(rest, item, root, out);
                }
            }
        }
        Seg::Descend => descend(rest, node, root, out),
        Seg::Filter(expr) => match node {
            Value::Array(items) => {
                for item in items.iter() {
                    if test(expr, item, root) {
                        collect(rest, item, root, out);
                    }
                }
            }
            // Jayway applies a filter on an object to the object itself.
            Value::Object(_) if test(expr, node, root) => collect(rest, node, root, out),
            _ => {}
        },
        Seg::Length => {
            if let Some(n) = length_of(node) {
                collect(rest, &n, root, out);
            }
        }
    }
}

/// `..`: applies the following steps to `node` and to every container below it, in document order.
fn descend(rest: &[Seg], node: &Value, root: &Value, out: &mut Vec<Value>) {
    match node {
        Value::Array(items) => {
            collect(rest, node, root, out);
            for v in items.iter() {
                descend(rest, v, root, out);
            }
        }
        Value::Object(map) => {
            collect(rest, node, root, out);
            for v in map.values() {
                descend(rest, v, root, out);
            }
        }
        _ => {}
    }
}

/// The value of a filter operand; `None` when a path operand selects nothing.
fn operand(op: &Operand, item: &Value, root: &Value) -> Option<Value> {
    let (segs, base) = match op {
        Operand::Literal(v) => return Some(v.clone()),
        Operand::Current(segs) => (segs, item),
        Operand::Root(segs) => (segs, root),
    };
    if segs_definite(segs) {
        select_definite(segs, base).ok()
    } else {
        let mut out = Vec::new();
        collect(segs, base, root, &mut out);
        Some(Value::array(out))
    }
}

fn test(expr: &Expr, item: &Value, root: &Value) -> bool {
    match expr {
        Expr::Or(a, b) => test(a, item, root) || test(b, item, root),
        Expr::And(a, b) => test(a, item, root) && test(b, item, root),
        Expr::Not(a) => !test(a, item, root),
        Expr::Exists(op) => match (op, operand(op, item, root)) {
            (Operand::Literal(Value::Bool(b)), _) => *b,
            (Operand::Literal(_), _) => true,
            (_, Some(Value::Array(a))) if !segs_definite(op_segs(op)) => !a.is_empty(),
            (_, found) => found.is_some(),
        },
        Expr::Cmp(l, op, r) => {
            let (l, r) = (operand(l, item, root), operand(r, item, root));
            match op {
                CmpOp::Eq => loose_eq(l.as_ref(), r.as_ref()),
                CmpOp::Ne => !loose_eq(l.as_ref(), r.as_ref()),
                CmpOp::Lt => order(l.as_ref(), r.as_ref()).is_some_and(|o| o.is_lt()),
                CmpOp::Le => order(l.as_ref(), r.as_ref()).is_some_and(|o| o.is_le()),
                CmpOp::Gt => order(l.as_ref(), r.as_ref()).is_some_and(|o| o.is_gt()),
                CmpOp::Ge => order(l.as_ref(), r.as_ref()).is_some_and(|o| o.is_ge()),
            }
        }
    }
}

fn op_segs(op: &Operand) -> &[Seg] {
    match op {
        Operand::Current(s) | Operand::Root(s) => s,
        Operand::Literal(_) => &[],
    }
}

/// Jayway's `==`: numbers by value, a number equals a string holding that number, otherwise
/// structural equality; a missing operand equals nothing.
fn loose_eq(l: Option<&Value>, r: Option<&Value>) -> bool {
    let (Some(l), Some(r)) = (l, r) else { return false };
    match (l, r) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (Value::Number(a), Value::String(s)) | (Value::String(s), Value::Number(a)) => {
            s.trim().parse::<f64>().ok() == a.as_f64()
        }
        _ => l == r,
    }
}

/// Ordering for `<`, `<=`, `>`, `>=`: numbers with numbers, strings with strings, nothing else.
fn order(l: Option<&Value>, r: Option<&Value>) -> Option<std::cmp::Ordering> {
    match (l?, r?) {
        (Value::Number(a), Value::Number(b)) => a.as_f64()?.partial_cmp(&b.as_f64()?),
        (Value::String(a), Value::String(b)) => Some(a.encode_utf16().cmp(b.encode_utf16())),
        _ => None,
    }
}

/// Writes `value` at `segs[at..]` inside `node`, copying only the containers on the way.
fn put(node: &mut Value, segs: &[Seg], at: usize, value: Value) -> Result<(), PathMiss> {
    let Some(seg) = segs.get(at) else {
        *node = value;
        return Ok(());
    };
    match seg {
        Seg::Field(name) => match node {
            Value::Object(map) => {
                let map = Rc::make_mut(map);
                if at + 1 == segs.len() {
                    map.insert(name.clone(), value);
                    Ok(())
                } else {
                    let child = map.entry(name.clone()).or_insert_with(Value::empty_object);
                    put(child, segs, at + 1, value)
                }
            }
            other => Err(not_an_object(name, &segs[..at], other)),
        },
        Seg::Index(i) => match node {
            Value::Array(items) => match resolve_index(*i, items.len()) {
                Some(j) => put(&mut Rc::make_mut(items)[j], segs, at + 1, value),
                None => Err(PathMiss {
                    message: format!(
                        "Index {i} is out of bounds in path {} (the array has {} elements)",
                        render(&segs[..=at]),
                        items.len()
                    ),
                }),
            },
            other => Err(PathMiss {
                message: format!(
                    "Filter: [{i}] can only be applied to arrays. Current context is: {}",
                    crate::intrinsics::java_string(other)
                ),
            }),
        },
        _ => Err(PathMiss { message: "Cannot write through an indefinite path step".into() }),
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

struct Parser<'a> {
    text: &'a str,
    chars: Vec<char>,
    pos: usize,
}

/// Characters that end a dot-notation name inside a filter expression.
fn ends_filter_name(c: char) -> bool {
    c.is_whitespace() || matches!(c, ')' | '=' | '!' | '<' | '>' | '&' | '|' | ',' | ']')
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Parser<'a> {
        Parser { text, chars: text.chars().collect(), pos: 0 }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.chars.get(self.pos + n).copied()
    }

    fn error(&self, what: String) -> PathSyntaxError {
        PathSyntaxError { message: format!("{what} at character {} of '{}'", self.pos + 1, self.text) }
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: char, context: &str) -> Result<(), PathSyntaxError> {
        if self.eat(c) {
            Ok(())
        } else {
            match self.peek() {
                Some(found) => Err(self.error(format!("expected '{c}' {context} but found '{found}'"))),
                None => Err(self.error(format!("expected '{c}' {context} but the path ended"))),
            }
        }
    }

    fn root(&mut self) -> Result<Root, PathSyntaxError> {
        if !self.eat('$') {
            return Err(match self.peek() {
                None => PathSyntaxError { message: "a path cannot be empty; it must start with '$'".into() },
                Some(_) => self.error("a path must start with '$'".into()),
            });
        }
        if self.eat('$') {
            return Ok(Root::Context);
        }
        match self.peek() {
            Some(c) if c.is_alphabetic() || c == '_' => {
                let start = self.pos;
                while self.peek().is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    self.pos += 1;
                }
                let name: String = self.chars[start..self.pos].iter().collect();
                Ok(Root::Variable(name.into()))
            }
            _ => Ok(Root::Input),
        }
    }

    /// Steps until the end of the text (or, in a filter, until something that is not a step).
    fn segments(&mut self, in_filter: bool) -> Result<Vec<Seg>, PathSyntaxError> {
        let mut segs = Vec::new();
        loop {
            match self.peek() {
                Some('.') => {
                    self.pos += 1;
                    if self.eat('.') {
                        segs.push(Seg::Descend);
                        match self.peek() {
                            Some('[') => segs.push(self.bracket()?),
                            Some('*') => {
                                self.pos += 1;
                                segs.push(Seg::Wildcard);
                            }
                            Some('.') | None => {
                                return Err(self.error("'..' must be followed by a name, '*' or '['".into()))
                            }
                            Some(_) => segs.push(self.dot_name(in_filter)?),
                        }
                    } else if self.eat('*') {
                        segs.push(Seg::Wildcard);
                    } else {
                        match self.peek() {
                            None => return Err(self.error("a path cannot end with '.'".into())),
                            Some('.') | Some('[') => {
                                return Err(self.error("expected a name after '.'".into()))
                            }
                            Some(_) => segs.push(self.dot_name(in_filter)?),
                        }
                    }
                }
                Some('[') => segs.push(self.bracket()?),
                Some(c) if in_filter && (ends_filter_name(c)) => break,
                None => break,
                Some(' ') => {
                    return Err(self.error(
                        "unexpected space (use bracket notation ['my prop'] for names with spaces)".into(),
                    ))
                }
                Some(c) => {
                    if in_filter {
                        break;
                    }
                    return Err(self.error(format!("unexpected '{c}'")));
                }
            }
        }
        if let Some(i) = segs.iter().position(|s| *s == Seg::Length) {
            if i + 1 != segs.len() {
                return Err(PathSyntaxError {
                    message: format!("length() must be the last step of the path '{}'", self.text),
                });
            }
        }
        Ok(segs)
    }

    fn dot_name(&mut self, in_filter: bool) -> Result<Seg, PathSyntaxError> {
        let start = self.pos;
        while let Some(c) = self.peek() {
            if c == '.' || c == '[' || c == '(' || (in_filter && ends_filter_name(c)) {
                break;
            }
            if c == ' ' {
                return Err(self.error(
                    "unexpected space (use bracket notation ['my prop'] for names with spaces)".into(),
                ));
            }
            self.pos += 1;
        }
        let name: String = self.chars[start..self.pos].iter().collect();
        if self.peek() == Some('(') {
            if name == "length" && self.peek_at(1) == Some(')') {
                self.pos += 2;
                return Ok(Seg::Length);
            }
            return Err(self.error(format!("the JSONPath function '{name}()' is not supported")));
        }
        if name.is_empty() {
            return Err(self.error("expected a name".into()));
        }
        Ok(Seg::Field(name.into()))
    }

    fn bracket(&mut self) -> Result<Seg, PathSyntaxError> {
        let open = self.pos;
        self.pos += 1; // '['
        self.skip_ws();
        let seg = match self.peek() {
            None => {
                self.pos = open;
                return Err(self.error("unclosed '['".into()));
            }
            Some('*') => {
                self.pos += 1;
                Seg::Wildcard
            }
            Some('?') => {
                self.pos += 1;
                self.skip_ws();
                self.expect('(', "after '[?'")?;
                let expr = self.or_expr()?;
                self.skip_ws();
                self.expect(')', "to close the filter")?;
                Seg::Filter(Rc::new(expr))
            }
            Some('\'') | Some('"') => {
                let mut names = vec![self.quoted()?];
                loop {
                    self.skip_ws();
                    if !self.eat(',') {
                        break;
                    }
                    self.skip_ws();
                    if !matches!(self.peek(), Some('\'') | Some('"')) {
                        return Err(self.error("expected a quoted name after ','".into()));
                    }
                    names.push(self.quoted()?);
                }
                if names.len() == 1 {
                    Seg::Field(names.remove(0))
                } else {
                    Seg::Fields(names)
                }
            }
            Some(c) if c == '-' || c == ':' || c.is_ascii_digit() => self.index_or_slice()?,
            Some(c) => return Err(self.error(format!("unexpected '{c}' after '['"))),
        };
        self.skip_ws();
        match self.peek() {
            Some(']') => {
                self.pos += 1;
                Ok(seg)
            }
            None => {
                self.pos = open;
                Err(self.error("unclosed '['".into()))
            }
            Some(c) => Err(self.error(format!("expected ']' but found '{c}'"))),
        }
    }

    /// A quoted name. Only a backslash before the quote character (or before a backslash) escapes;
    /// any other backslash is kept, as AWS does.
    fn quoted(&mut self) -> Result<Rc<str>, PathSyntaxError> {
        let start = self.pos;
        let Some(q) = self.peek() else { return Err(self.error("expected a quote".into())) };
        self.pos += 1;
        let mut s = String::new();
        loop {
            match self.peek() {
                None => {
                    self.pos = start;
                    return Err(self.error(format!("unclosed quote {q}")));
                }
                Some('\\') if self.peek_at(1) == Some(q) => {
                    s.push(q);
                    self.pos += 2;
                }
                Some(c) if c == q => {
                    self.pos += 1;
                    return Ok(s.into());
                }
                Some(c) => {
                    s.push(c);
                    self.pos += 1;
                }
            }
        }
    }

    fn int(&mut self) -> Result<Option<i64>, PathSyntaxError> {
        self.skip_ws();
        let start = self.pos;
        if self.peek() == Some('-') {
            self.pos += 1;
        }
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        if self.pos == start {
            return Ok(None);
        }
        let text: String = self.chars[start..self.pos].iter().collect();
        match text.parse::<i64>() {
            Ok(v) => Ok(Some(v)),
            Err(_) => {
                self.pos = start;
                Err(self.error(format!("'{text}' is not a valid array index")))
            }
        }
    }

    fn index_or_slice(&mut self) -> Result<Seg, PathSyntaxError> {
        let first = self.int()?;
        self.skip_ws();
        if self.eat(':') {
            let second = self.int()?;
            self.skip_ws();
            if self.peek() == Some(':') {
                return Err(self.error("slices with a step ([a:b:step]) are not supported".into()));
            }
            return Ok(Seg::Slice(first, second));
        }
        let Some(first) = first else { return Err(self.error("expected an array index".into())) };
        let mut all = vec![first];
        while self.eat(',') {
            match self.int()? {
                Some(v) => all.push(v),
                None => return Err(self.error("expected an array index after ','".into())),
            }
            self.skip_ws();
        }
        Ok(if all.len() == 1 { Seg::Index(first) } else { Seg::Indexes(all) })
    }

    fn or_expr(&mut self) -> Result<Expr, PathSyntaxError> {
        let mut left = self.and_expr()?;
        loop {
            self.skip_ws();
            if self.peek() == Some('|') && self.peek_at(1) == Some('|') {
                self.pos += 2;
                let right = self.and_expr()?;
                left = Expr::Or(Box::new(left), Box::new(right));
            } else {
                return Ok(left);
            }
        }
    }

    fn and_expr(&mut self) -> Result<Expr, PathSyntaxError> {
        let mut left = self.unary()?;
        loop {
            self.skip_ws();
            if self.peek() == Some('&') && self.peek_at(1) == Some('&') {
                self.pos += 2;
                let right = self.unary()?;
                left = Expr::And(Box::new(left), Box::new(right));
            } else {
                return Ok(left);
            }
        }
    }

    fn unary(&mut self) -> Result<Expr, PathSyntaxError> {
        self.skip_ws();
        if self.peek() == Some('!') && self.peek_at(1) != Some('=') {
            self.pos += 1;
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        if self.eat('(') {
            let e = self.or_expr()?;
            self.skip_ws();
            self.expect(')', "to close '('")?;
            return Ok(e);
        }
        let left = self.operand()?;
        self.skip_ws();
        let op = match (self.peek(), self.peek_at(1)) {
            (Some('='), Some('=')) => Some((CmpOp::Eq, 2)),
            (Some('!'), Some('=')) => Some((CmpOp::Ne, 2)),
            (Some('<'), Some('=')) => Some((CmpOp::Le, 2)),
            (Some('>'), Some('=')) => Some((CmpOp::Ge, 2)),
            (Some('<'), _) => Some((CmpOp::Lt, 1)),
            (Some('>'), _) => Some((CmpOp::Gt, 1)),
            (Some('='), Some('~')) => {
                return Err(self.error("regular expressions (=~) are not supported in filters".into()))
            }
            (Some('='), _) => return Err(self.error("use '==' to compare".into())),
            _ => None,
        };
        match op {
            None => Ok(Expr::Exists(left)),
            Some((op, n)) => {
                self.pos += n;
                let right = self.operand()?;
                Ok(Expr::Cmp(left, op, right))
            }
        }
    }

    fn operand(&mut self) -> Result<Operand, PathSyntaxError> {
        self.skip_ws();
        match self.peek() {
            Some('@') => {
                self.pos += 1;
                Ok(Operand::Current(self.segments(true)?))
            }
            Some('$') => {
                self.pos += 1;
                Ok(Operand::Root(self.segments(true)?))
            }
            Some('\'') | Some('"') => Ok(Operand::Literal(Value::String(self.quoted()?))),
            Some(c) if c == '-' || c.is_ascii_digit() => {
                let start = self.pos;
                self.pos += 1;
                while self.peek().is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-')) {
                    self.pos += 1;
                }
                let text: String = self.chars[start..self.pos].iter().collect();
                match text.parse::<serde_json::Number>() {
                    Ok(n) => Ok(Operand::Literal(Value::Number(n))),
                    Err(_) => {
                        self.pos = start;
                        Err(self.error(format!("'{text}' is not a number")))
                    }
                }
            }
            Some(c) if c.is_ascii_alphabetic() => {
                let start = self.pos;
                while self.peek().is_some_and(|c| c.is_ascii_alphanumeric()) {
                    self.pos += 1;
                }
                let word: String = self.chars[start..self.pos].iter().collect();
                match word.as_str() {
                    "true" => Ok(Operand::Literal(Value::Bool(true))),
                    "false" => Ok(Operand::Literal(Value::Bool(false))),
                    "null" => Ok(Operand::Literal(Value::Null)),
                    _ => {
                        self.pos = start;
                        Err(self.error(format!(
                            "unexpected '{word}' in filter (operators like in/nin/size are not supported)"
                        )))
                    }
                }
            }
            Some(c) => Err(self.error(format!("unexpected '{c}' in filter"))),
            None => Err(self.error("the filter is incomplete".into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Value {
        Value::parse(s).expect("test JSON")
    }

    /// `expected` is JSON, or `!message` for a miss.
    fn give(input: &str, path: &str, expected: &str) {
        let p = Path::parse(path).unwrap_or_else(|e| panic!("{path}: {}", e.message));
        let got = p.select(&v(input));
        match expected.strip_prefix('!') {
            Some(msg) => assert_eq!(got, Err(PathMiss { message: msg.into() }), "{path} on {input}"),
            None => assert_eq!(got, Ok(v(expected)), "{path} on {input}"),
        }
    }

    const STORE: &str = r#"{"store":{"book":[
        {"category":"reference","author":"Nigel Rees","title":"Sayings","price":8.95},
        {"category":"fiction","author":"Evelyn Waugh","title":"Sword","price":12.99},
        {"category":"fiction","author":"Herman Melville","title":"Moby Dick","isbn":"0-553","price":8.99},
        {"category":"fiction","author":"J. R. R. Tolkien","title":"LOTR","isbn":"0-395","price":22.99}],
        "bicycle":{"color":"red","price":19.95}},"expensive":10}"#;

    #[test]
    fn definite_paths() {
        give(r#"{"a":{"b":[1,2,{"c":true}]}}"#, "$", r#"{"a":{"b":[1,2,{"c":true}]}}"#);
        give(r#"{"a":{"b":[1,2,{"c":true}]}}"#, "$.a.b[2].c", "true");
        give(r#"{"a":{"b":[1,2,{"c":true}]}}"#, "$['a']['b'][0]", "1");
        give(r#"{"a":{"b":[1,2,{"c":true}]}}"#, "$[\"a\"].b[-1]", r#"{"c":true}"#);
        give(r#"{"a b":1}"#, "$['a b']", "1");
        give(r#"{"it's":1}"#, r"$['it\'s']", "1");
        give(r#"{"Test\\\"\"Name\"":"ok"}"#, r#"$['Test\""Name"']"#, r#""ok""#);
        give(r#"{"ünï":{"x-y":2}}"#, "$.ünï.x-y", "2");
        give("[10,20]", "$[1]", "20");
        give("[10,20]", "$.length()", "2");
        give(r#"{"a":1,"b":2,"c":3}"#, "$['a','c','zz']", r#"{"a":1,"c":3}"#);
    }

    #[test]
    fn aws_miss_messages() {
        give("{}", "$.x", "!No results for path: $['x']");
        give("{}", "$.no.such.result.path", "!Missing property in path $['no']");
        give(r#"{"a":{}}"#, "$.a.b.c", "!Missing property in path $['a']['b']");
        give(r#"{"a":{}}"#, "$.a.b", "!No results for path: $['a']['b']");
        give(r#"{"items":[1]}"#, "$.items[10]", "!No results for path: $['items'][10]");
        give(r#"{"a":5}"#, "$.a.b", "!Expected to find an object with property ['b'] in path $['a'] but found 'java.lang.Integer'. This is not a json object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JacksonJsonProvider'.");
        give(
            r#"{"a":{"k":1}}"#,
            "$.a[0]",
            "!Filter: [0] can only be applied to arrays. Current context is: {k=1}",
        );
    }

    #[test]
    fn indefinite_paths_gather_and_never_fail() {
        give("{}", "$.item.items[*]", "[]");
        give("{}", "$.items[1:5].itemValue", "[]");
        give("{}", "$[*]", "[]");
        give("[1,2,3,4,5]", "$[1:3]", "[2,3]");
        give("[1,2,3,4,5]", "$[-2:]", "[4,5]");
        give("[1,2,3,4,5]", "$[:2]", "[1,2]");
        give("[1,2,3,4,5]", "$[:-3]", "[1,2]");
        give("[1,2,3,4,5]", "$[0,4,9]", "[1,5]");
        give(r#"{"a":1,"b":[2]}"#, "$.*", "[1,[2]]");
        give(r#"{"a":{"b":1},"c":[{"b":2}]}"#, "$..b", "[1,2]");
        give(r#"{"a":{"b":1}}"#, "$..*", r#"[{"b":1},1]"#);
        give(
            STORE,
            "$.store.book[*].author",
            r#"["Nigel Rees","Evelyn Waugh","Herman Melville","J. R. R. Tolkien"]"#,
        );
        give(STORE, "$..book[2].title", r#"["Moby Dick"]"#);
        give(STORE, "$.store.*.price", "[19.95]");
        give(STORE, "$..price", "[8.95,12.99,8.99,22.99,19.95]");
        give(
            STORE,
            "$.store.book[*]['title','price']",
            r#"[{"title":"Sayings","price":8.95},{"title":"Sword","price":12.99},{"title":"Moby Dick","price":8.99},{"title":"LOTR","price":22.99}]"#,
        );
    }

    #[test]
    fn filters() {
        give(
            r#"{"users":[{"year":1997,"status":0},{"year":1998,"status":1}]}"#,
            "$.users[?(@.status == 0)]",
            r#"[{"year":1997,"status":0}]"#,
        );
        give(STORE, "$.store.book[?(@.isbn)].title", r#"["Moby Dick","LOTR"]"#);
        give(STORE, "$.store.book[?(!@.isbn)].title", r#"["Sayings","Sword"]"#);
        give(STORE, "$.store.book[?(@.price < 10)].title", r#"["Sayings","Moby Dick"]"#);
        give(
            STORE,
            "$.store.book[?(@.price <= $.expensive && @.category == 'fiction')].title",
            r#"["Moby Dick"]"#,
        );
        give(
            STORE,
            "$.store.book[?(@.price > 20 || @.author == \"Nigel Rees\")].title",
            r#"["Sayings","LOTR"]"#,
        );
        give(STORE, "$.store.book[?(@.category != 'fiction')].title", r#"["Sayings"]"#);
        give(STORE, "$.store.book[?(@.price >= 22.99)].title", r#"["LOTR"]"#);
        give(STORE, "$..book[?((@.price > 9) && (@.price < 20))].title", r#"["Sword"]"#);
        give(r#"[{"a":null},{"a":true},{}]"#, "$[?(@.a == null)]", r#"[{"a":null}]"#);
        give(r#"[{"a":null},{"a":true},{}]"#, "$[?(@.a == true)]", r#"[{"a":true}]"#);
        give(r#"[{"a":null},{"a":true},{}]"#, "$[?(@.a)]", r#"[{"a":null},{"a":true}]"#);
        give(r#"[1,5,"5",10]"#, "$[?(@ > 4)]", "[5,10]");
        give(r#"[{"s":"b"},{"s":"a"}]"#, "$[?(@.s < 'b')]", r#"[{"s":"a"}]"#);
        // Jayway: a filter on an object tests the object itself.
        give(r#"{"a":{"x":1}}"#, "$.a[?(@.x == 1)]", r#"[{"x":1}]"#);
    }

    #[test]
    fn roots_and_flags() {
        let p = Path::parse("$$.Execution.Input").unwrap();
        assert_eq!(p.root(), &Root::Context);
        assert!(p.is_definite());
        assert_eq!(p.canonical(), "$$['Execution']['Input']");
        let p = Path::parse("$myVar.a[0]").unwrap();
        assert_eq!(p.root(), &Root::Variable("myVar".into()));
        assert_eq!(p.select(&v(r#"{"a":[7]}"#)), Ok(v("7")));
        assert_eq!(p.to_string(), "$myVar.a[0]");
        assert!(!Path::parse("$.a[*]").unwrap().is_definite());
        assert!(!Path::parse("$..a").unwrap().is_definite());
        assert!(!Path::parse("$.a[0,1]").unwrap().is_definite());
        assert!(Path::parse("$").unwrap().is_root());
    }

    #[test]
    fn syntax_errors() {
        let bad = |t: &str, msg: &str| {
            let e = Path::parse(t).err().unwrap_or_else(|| panic!("{t} should fail"));
            assert_eq!(e.message, msg, "{t}");
        };
        bad("", "a path cannot be empty; it must start with '$'");
        bad("a.b", "a path must start with '$' at character 1 of 'a.b'");
        bad("$.a[0", "unclosed '[' at character 4 of '$.a[0'");
        bad("$.a.", "a path cannot end with '.' at character 5 of '$.a.'");
        bad("$.a b", "unexpected space (use bracket notation ['my prop'] for names with spaces) at character 4 of '$.a b'");
        bad("$['a", "unclosed quote ' at character 3 of '$['a'");
        bad("$[::2]", "slices with a step ([a:b:step]) are not supported at character 4 of '$[::2]'");
        bad("$.a.max()", "the JSONPath function 'max()' is not supported at character 8 of '$.a.max()'");
        bad("$[?(@.a = 1)]", "use '==' to compare at character 9 of '$[?(@.a = 1)]'");
        bad(
            "$[?(@.a == 1]",
            "expected ')' to close the filter but found ']' at character 13 of '$[?(@.a == 1]'",
        );
    }

    #[test]
    fn reference_paths() {
        assert!(Path::parse_reference("$.a['b'][0]").is_ok());
        assert!(Path::parse_reference("$").is_ok());
        for t in ["$.a[*]", "$..a", "$.a[?(@.x)]", "$.a[0:1]", "$.a[0,1]", "$.*"] {
            assert!(Path::parse_reference(t).is_err(), "{t}");
        }
        let e = Path::parse_reference("$.a[*]").err().map(|e| e.message);
        assert_eq!(
            e.as_deref(),
            Some("'$.a[*]' is not a valid reference path: it must select a single node, so the wildcard '*' is not allowed")
        );
    }

    #[test]
    fn assign_copies_only_the_path() {
        let input = v(r#"{"keep":{"big":[1,2,3]},"a":{"x":1}}"#);
        let p = Path::parse_reference("$.a.y.z").unwrap();
        let out = p.assign(&input, v("5")).unwrap();
        assert_eq!(out, v(r#"{"keep":{"big":[1,2,3]},"a":{"x":1,"y":{"z":5}}}"#));
        let (Some(Value::Object(a)), Some(Value::Object(b))) = (input.get("keep"), out.get("keep")) else {
            panic!("objects expected")
        };
        assert!(Rc::ptr_eq(a, b));
        assert_eq!(input.get("a"), Some(&v(r#"{"x":1}"#)), "the target itself is untouched");
        // existing key keeps its position
        let out = Path::parse_reference("$.keep").unwrap().assign(&input, v("0")).unwrap();
        assert_eq!(out.to_json(), r#"{"keep":0,"a":{"x":1}}"#);
        assert_eq!(Path::parse_reference("$").unwrap().assign(&input, v("1")), Ok(v("1")));
        let out = Path::parse_reference("$.l[1]").unwrap().assign(&v(r#"{"l":[1,2]}"#), v("9")).unwrap();
        assert_eq!(out, v(r#"{"l":[1,9]}"#));
        let e = Path::parse_reference("$.x").unwrap().assign(&v(r#""str""#), v("1")).unwrap_err();
        assert!(e.message.starts_with(
            "Expected to find an object with property ['x'] in path $ but found 'java.lang.String'"
        ));
        assert!(Path::parse_reference("$.l[5]").unwrap().assign(&v(r#"{"l":[]}"#), v("1")).is_err());
    }
}
