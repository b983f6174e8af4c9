//! Applying a path to a document: selecting (definite and indefinite, filters included) and
//! writing at a reference path.

use std::rc::Rc;

use super::{
    render, render_into, segs_definite, CmpOp, Expr, Operand, Path, PathMiss, Seg, MAX_PATH_WORK, WORK_LIMIT,
};
use crate::env::{nests_deeper_than, too_deep_message, MAX_VALUE_DEPTH};
use crate::value::{Map, Value};

impl Path {
    /// Evaluates the path against `root`, the value of its root (the input for `$`, the context
    /// object for `$$`, the variable's value for `$name`).
    /// A definite path returns the node or a [`PathMiss`]; an indefinite path returns an array of
    /// all matches (`[]` when none), or fails when that would take more than [`MAX_PATH_WORK`].
    pub fn select(&self, root: &Value) -> Result<Value, PathMiss> {
        let segs = &self.inner.segs;
        if self.inner.definite {
            select_definite(segs, root)
        } else {
            let mut work = Work::new();
            let out = collect(segs, root, root, &mut work);
            if work.spent() {
                return Err(too_much_work());
            }
            // The array of matches is one level deeper than the deepest match: a loop that
            // selects its own input through a filter (which matches an object itself) would
            // otherwise nest it deeper each time round.
            if out.iter().any(|v| nests_deeper_than(v, MAX_VALUE_DEPTH - 1)) {
                return Err(PathMiss { message: too_deep_message() });
            }
            Ok(Value::array(out))
        }
    }

    /// `ResultPath`: a copy of `target` with `value` placed at this (reference) path. Missing
    /// intermediate objects are created; only the containers on the path are copied, the rest is
    /// shared. `$` replaces the whole target.
    pub fn assign(&self, target: &Value, value: Value) -> Result<Value, PathMiss> {
        let segs = &self.inner.segs;
        // Every step could create an object: a path this long would build a value deeper than
        // any the engine holds.
        if segs.len() >= MAX_VALUE_DEPTH {
            return Err(PathMiss { message: too_deep_message() });
        }
        if let Some(bad) = segs.iter().find(|s| !s.is_single()) {
            let mut shown = String::from("$");
            render_into(&mut shown, std::slice::from_ref(bad));
            return Err(PathMiss { message: format!("Cannot write to the indefinite path step {shown}") });
        }
        let mut out = target.clone();
        put(&mut out, segs, value)?;
        Ok(out)
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
                            crate::java::java_string(other)
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

/// The nodes one evaluation may still visit ([`MAX_PATH_WORK`]); once spent, every loop stops and
/// the evaluation fails.
struct Work {
    left: usize,
}

impl Work {
    fn new() -> Work {
        Work { left: MAX_PATH_WORK }
    }

    fn spent(&self) -> bool {
        self.left == 0
    }

    /// Counts one node; false once the budget is spent.
    fn take(&mut self) -> bool {
        self.left = self.left.saturating_sub(1);
        self.left > 0
    }

    fn push(&mut self, out: &mut Vec<Value>, v: &Value) {
        if self.take() {
            out.push(v.clone());
        }
    }
}

fn too_much_work() -> PathMiss {
    PathMiss {
        message: format!(
            "{WORK_LIMIT} {MAX_PATH_WORK} nodes (Baton's limit); chained '..' steps multiply the work"
        ),
    }
}

/// Indefinite evaluation: every match of `segs` from `start`, in document order; misses are
/// skipped (Jayway with exceptions suppressed). Step by step rather than by recursion, so a long
/// path cannot exhaust the stack; each step maps every node so far to its matches, in order,
/// which is the order a depth-first walk would give.
fn collect(segs: &[Seg], start: &Value, root: &Value, work: &mut Work) -> Vec<Value> {
    let mut nodes = vec![start.clone()];
    for (i, seg) in segs.iter().enumerate() {
        let last = i + 1 == segs.len();
        let mut next = Vec::new();
        for node in &nodes {
            step(seg, last, node, root, work, &mut next);
            if work.spent() {
                return Vec::new();
            }
        }
        nodes = next;
    }
    nodes
}

/// The matches of one step from `node`, appended to `out`.
fn step(seg: &Seg, last: bool, node: &Value, root: &Value, work: &mut Work, out: &mut Vec<Value>) {
    match seg {
        Seg::Field(name) => {
            if let Some(v) = node.get(name) {
                work.push(out, v);
            }
        }
        Seg::Index(i) => {
            if let Value::Array(items) = node {
                if let Some(j) = resolve_index(*i, items.len()) {
                    work.push(out, &items[j]);
                }
            }
        }
        Seg::Fields(names) => {
            if let Value::Object(map) = node {
                if last {
                    work.push(out, &merge_fields(map, names));
                } else {
                    for n in names {
                        if let Some(v) = map.get(&**n) {
                            work.push(out, v);
                        }
                    }
                }
            }
        }
        Seg::Indexes(ix) => {
            if let Value::Array(items) = node {
                for i in ix {
                    if let Some(j) = resolve_index(*i, items.len()) {
                        work.push(out, &items[j]);
                    }
                }
            }
        }
        Seg::Wildcard => match node {
            Value::Array(items) => items.iter().for_each(|v| work.push(out, v)),
            Value::Object(map) => map.values().for_each(|v| work.push(out, v)),
            _ => {}
        },
        Seg::Slice(from, to) => {
            if let Value::Array(items) = node {
                let len = items.len() as i64;
                let clamp = |v: i64| if v < 0 { (len + v).max(0) } else { v.min(len) };
                let a = from.map_or(0, clamp);
                let b = to.map_or(len, clamp);
                for item in items.iter().take(b.max(0) as usize).skip(a.max(0) as usize) {
                    work.push(out, item);
                }
            }
        }
        Seg::Descend => descend(node, work, out),
        Seg::Filter(expr) => match node {
            Value::Array(items) => {
                for item in items.iter() {
                    if test(expr, item, root, work) {
                        work.push(out, item);
                    }
                    if work.spent() {
                        return;
                    }
                }
            }
            // Jayway applies a filter on an object to the object itself.
            Value::Object(_) if test(expr, node, root, work) => work.push(out, node),
            _ => {}
        },
        Seg::Length => {
            if let Some(n) = length_of(node) {
                work.push(out, &n);
            }
        }
    }
}

/// `..`: `node` and every container below it, in document order (the following step applies to
/// each). An explicit stack, so a deep document cannot exhaust the call stack.
fn descend(node: &Value, work: &mut Work, out: &mut Vec<Value>) {
    let mut pending = vec![node];
    while let Some(node) = pending.pop() {
        if !work.take() {
            return;
        }
        match node {
            Value::Array(items) => {
                out.push(node.clone());
                pending.extend(items.iter().rev());
            }
            Value::Object(map) => {
                out.push(node.clone());
                pending.extend(map.values().rev());
            }
            _ => {}
        }
    }
}

/// The value of a filter operand; `None` when a path operand selects nothing.
fn operand(op: &Operand, item: &Value, root: &Value, work: &mut Work) -> Option<Value> {
    let (segs, base) = match op {
        Operand::Literal(v) => return Some(v.clone()),
        Operand::Current(segs) => (segs, item),
        Operand::Root(segs) => (segs, root),
    };
    if segs_definite(segs) {
        select_definite(segs, base).ok()
    } else {
        Some(Value::array(collect(segs, base, root, work)))
    }
}

/// Whether `item` passes the filter. Recursion here follows the expression's nesting, which the
/// parser bounds ([`super::MAX_FILTER_NESTING`]).
fn test(expr: &Expr, item: &Value, root: &Value, work: &mut Work) -> bool {
    match expr {
        Expr::Or(terms) => terms.iter().any(|t| test(t, item, root, work)),
        Expr::And(terms) => terms.iter().all(|t| test(t, item, root, work)),
        Expr::Not(a) => !test(a, item, root, work),
        Expr::Exists(op) => match (op, operand(op, item, root, work)) {
            (Operand::Literal(Value::Bool(b)), _) => *b,
            (Operand::Literal(_), _) => true,
            (_, Some(Value::Array(a))) if !segs_definite(op_segs(op)) => !a.is_empty(),
            (_, found) => found.is_some(),
        },
        Expr::Cmp(l, op, r) => {
            let (l, r) = (operand(l, item, root, work), operand(r, item, root, work));
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
            crate::number::parse_decimal(s) == a.as_f64()
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

/// Writes `value` at `segs` inside `node`, copying only the containers on the way (a loop, so a
/// long path cannot exhaust the stack).
fn put(node: &mut Value, segs: &[Seg], value: Value) -> Result<(), PathMiss> {
    let mut node = node;
    for (at, seg) in segs.iter().enumerate() {
        node = match seg {
            Seg::Field(name) => match node {
                Value::Object(map) => {
                    let child = Rc::make_mut(map).entry(name.clone());
                    // An existing member keeps its position; a new one goes last.
                    if at + 1 == segs.len() {
                        child.or_insert(Value::Null)
                    } else {
                        child.or_insert_with(Value::empty_object)
                    }
                }
                other => return Err(not_an_object(name, &segs[..at], other)),
            },
            Seg::Index(i) => match node {
                Value::Array(items) => match resolve_index(*i, items.len()) {
                    Some(j) => &mut Rc::make_mut(items)[j],
                    None => {
                        return Err(PathMiss {
                            message: format!(
                                "Index {i} is out of bounds in path {} (the array has {} elements)",
                                render(&segs[..=at]),
                                items.len()
                            ),
                        })
                    }
                },
                other => {
                    return Err(PathMiss {
                        message: format!(
                            "Filter: [{i}] can only be applied to arrays. Current context is: {}",
                            crate::java::java_string(other)
                        ),
                    })
                }
            },
            _ => return Err(PathMiss { message: "Cannot write through an indefinite path step".into() }),
        };
    }
    *node = value;
    Ok(())
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

    /// A `.` before `[` is read as the `[` alone, as Jayway (and so AWS) reads it.
    #[test]
    fn dot_before_bracket() {
        let snapshots = r#"{"Snapshots":[{"State":"completed"},{"State":"pending"}]}"#;
        give(snapshots, "$.Snapshots.[0].State", r#""completed""#);
        give(snapshots, "$.Snapshots.[-1]['State']", r#""pending""#);
        give(snapshots, "$.['Snapshots'].[1].State", r#""pending""#);
        give("[10,20]", "$.[0]", "10");
        give(r#"[{"OU":1},{"OU":0},{"OU":2}]"#, "$.[?(@.OU > 0)]", r#"[{"OU":1},{"OU":2}]"#);
        give(r#"[{"a":[5,6]},{"a":[7]}]"#, "$.[?(@.a.[0] > 5)]", r#"[{"a":[7]}]"#);
        give("[10,20,30]", "$.[0:2]", "[10,20]");
        give("[10,20,30]", "$.[*]", "[10,20,30]");
        give(snapshots, "$.Snapshots.[0]", r#"{"State":"completed"}"#);
        // A miss reads the same as without the dot.
        let (dotted, plain) = (Path::parse("$.a.[0].b").unwrap(), Path::parse("$.a[0].b").unwrap());
        assert_eq!(dotted.select(&v("{}")), plain.select(&v("{}")));
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
