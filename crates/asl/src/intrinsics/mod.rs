//! Intrinsic functions: `States.Format('{} items', $.n)` and the other calls of ASL-SEMANTICS §7.
//!
//! A call is parsed once ([`Intrinsic::parse`], run when the definition is read, so unknown
//! functions and wrong argument counts are reported before any execution) and evaluated many times.
//!
//! Quirks reproduced because AWS recorded them (LocalStack snapshots in the conformance corpus):
//! * `States.Format` renders objects and arrays the way Java's `Map.toString` does (`{a=1, b=[]}`);
//! * `States.MathAdd` rounds each operand with Java's `Math.round` (half up, toward +∞);
//! * `States.StringSplit` splits on *any* character of the delimiter string and drops empty tokens;
//! * `States.StringToJson` of a blank string is `null`;
//! * `States.JsonMerge` returns its keys in Java `HashMap` iteration order (see `java::java_hash_order`).
//!
//! The call as data lives here; reading it is `parse`'s job, running it `eval`'s.

pub mod digest;
mod eval;
mod parse;

use std::rc::Rc;

use crate::path::Path;
use crate::value::Value;

/// AWS allows intrinsic calls nested this deep in one field.
const MAX_DEPTH: usize = 10;
/// Input limit of `States.Base64Encode`/`Base64Decode`/`Hash` (characters).
const MAX_CODEC_INPUT: usize = 10_000;
/// Largest array `States.ArrayRange` may produce.
const MAX_RANGE_ITEMS: usize = 1000;

/// A parsed intrinsic function call. Cloning is O(1).
#[derive(Clone, Debug)]
pub struct Intrinsic {
    text: Rc<str>,
    call: Rc<Call>,
}

/// A call AWS rejects when the state machine is created.
#[derive(Clone, Debug, PartialEq)]
pub struct IntrinsicSyntaxError {
    pub message: String,
}

impl std::fmt::Display for IntrinsicSyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for IntrinsicSyntaxError {}

#[derive(Debug)]
struct Call {
    func: Func,
    args: Vec<Arg>,
}

#[derive(Debug)]
enum Arg {
    /// A `'quoted'` literal; `pieces` keeps which braces were escaped, for `States.Format`.
    Str {
        text: Value,
        pieces: Vec<Piece>,
    },
    /// Numbers, `true`, `false`, `null`.
    Literal(Value),
    Path(Path),
    Call(Call),
}

/// A format string split at its unescaped `{}` placeholders.
#[derive(Debug, PartialEq)]
enum Piece {
    Text(String),
    Hole,
}

macro_rules! functions {
    ($($variant:ident = $name:literal, $min:expr, $max:expr;)*) => {
        #[derive(Clone, Copy, Debug, PartialEq)]
        enum Func { $($variant),* }

        impl Func {
            fn from_name(name: &str) -> Option<Func> {
                match name { $($name => Some(Func::$variant),)* _ => None }
            }
            fn name(self) -> &'static str {
                match self { $(Func::$variant => $name),* }
            }
            /// Accepted argument counts (`usize::MAX` = any number).
            fn arity(self) -> (usize, usize) {
                match self { $(Func::$variant => ($min, $max)),* }
            }
        }
    };
}

functions! {
    Format = "States.Format", 1, usize::MAX;
    StringToJson = "States.StringToJson", 1, 1;
    JsonToString = "States.JsonToString", 1, 1;
    Array = "States.Array", 0, usize::MAX;
    ArrayPartition = "States.ArrayPartition", 2, 2;
    ArrayContains = "States.ArrayContains", 2, 2;
    ArrayRange = "States.ArrayRange", 3, 3;
    ArrayGetItem = "States.ArrayGetItem", 2, 2;
    ArrayLength = "States.ArrayLength", 1, 1;
    ArrayUnique = "States.ArrayUnique", 1, 1;
    Base64Encode = "States.Base64Encode", 1, 1;
    Base64Decode = "States.Base64Decode", 1, 1;
    Hash = "States.Hash", 2, 2;
    JsonMerge = "States.JsonMerge", 3, 3;
    MathRandom = "States.MathRandom", 2, 3;
    MathAdd = "States.MathAdd", 2, 2;
    StringSplit = "States.StringSplit", 2, 2;
    Uuid = "States.UUID", 0, 0;
}

/// True when `text` is meant as an intrinsic call (starts with `States.` and has a `(`), so a
/// template can tell a broken call from a plain mistake.
pub fn looks_like_call(text: &str) -> bool {
    text.trim_start().starts_with("States.") && text.contains('(')
}

impl Intrinsic {
    /// The call as written.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Calls `f` on every path argument, nested calls included.
    pub(crate) fn for_each_path(&self, f: &mut dyn FnMut(&Path)) {
        fn walk(call: &Call, f: &mut dyn FnMut(&Path)) {
            for arg in &call.args {
                match arg {
                    Arg::Path(p) => f(p),
                    Arg::Call(c) => walk(c, f),
                    Arg::Str { .. } | Arg::Literal(_) => {}
                }
            }
        }
        walk(&self.call, f)
    }
}
