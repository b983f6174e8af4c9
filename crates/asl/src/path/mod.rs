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
//!
//! The path as data and its notations live here; reading it is `parse`'s job, applying it to a
//! document `eval`'s.

mod eval;
mod parse;

use std::fmt;
use std::rc::Rc;

use crate::value::Value;

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

impl PathMiss {
    /// True when the path was not given up for a miss but for one of Baton's limits
    /// ([`MAX_PATH_WORK`], or a result deeper than [`crate::env::MAX_VALUE_DEPTH`]): then the
    /// path is not "not found", and callers report this message rather than their own.
    pub fn is_limit(&self) -> bool {
        self.message.starts_with(WORK_LIMIT) || self.message.starts_with(crate::env::TOO_DEEP)
    }
}

/// How the message of a [`PathMiss`] over [`MAX_PATH_WORK`] starts.
const WORK_LIMIT: &str = "evaluating the path would visit more than";

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

/// How deeply filters (`[?(`), parentheses and negations (`!`) may nest inside one another in
/// one path. Jayway sets no limit, but no real path comes near this, and both reading and
/// evaluating a filter recurse once per level: the limit keeps that recursion within a small
/// stack (the browser's), however the path is written.
pub const MAX_FILTER_NESTING: usize = 16;

/// How many nodes one evaluation of a path may visit and gather, filters included. Chained
/// descents (`$..a..a..a`) visit a node once per way of reaching it, which grows as a power of the
/// document's depth; this stops them with an error instead of exhausting memory. A million is
/// several times what `$..*` visits on the largest payload AWS accepts (256 KiB).
pub const MAX_PATH_WORK: usize = 1_000_000;

/// A filter expression inside `[?( )]`. A chain of `&&` (or `||`) is one flat list, so that a
/// long chain is not a deep tree.
#[derive(Clone, Debug, PartialEq)]
enum Expr {
    /// True when any is (two or more).
    Or(Vec<Expr>),
    /// True when all are (two or more).
    And(Vec<Expr>),
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

    /// How many steps follow the root (`$.a['b'][0]` has three).
    pub fn steps(&self) -> usize {
        self.inner.segs.len()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Value {
        Value::parse(s).expect("test JSON")
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
}
