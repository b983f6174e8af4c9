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
//! * `States.JsonMerge` returns its keys in Java `HashMap` iteration order (see [`java_hash_order`]).

use std::rc::Rc;

use crate::path::Path;
use crate::rng::Rng;
use crate::template::{Env, EvalError};
use crate::value::{Map, Number, Value};

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
    /// Parses a call such as `States.Format('{}-{}', $.a, States.UUID())`.
    pub fn parse(text: &str) -> Result<Intrinsic, IntrinsicSyntaxError> {
        let mut p = Parser { text, chars: text.chars().collect(), pos: 0 };
        p.skip_ws();
        let call = p.call(1)?;
        p.skip_ws();
        if let Some(c) = p.peek() {
            return Err(p.error(format!("unexpected '{c}' after the end of the call")));
        }
        Ok(Intrinsic { text: text.into(), call: Rc::new(call) })
    }

    /// The call as written.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Evaluates the call; a failing function gives `States.IntrinsicFailure`, a path argument
    /// that selects nothing gives `States.Runtime`.
    pub fn eval(&self, env: &mut Env) -> Result<Value, EvalError> {
        self.eval_for_field(env, None)
    }

    /// As [`Intrinsic::eval`], naming the template field (`key.$`) in path-miss messages as AWS does.
    pub(crate) fn eval_for_field(&self, env: &mut Env, field: Option<&str>) -> Result<Value, EvalError> {
        eval_call(&self.call, env, field)
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

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

struct Parser<'a> {
    text: &'a str,
    chars: Vec<char>,
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn error(&self, what: String) -> IntrinsicSyntaxError {
        IntrinsicSyntaxError { message: format!("{what} at character {} of '{}'", self.pos + 1, self.text) }
    }

    fn call(&mut self, depth: usize) -> Result<Call, IntrinsicSyntaxError> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_alphanumeric() || c == '.' || c == '_') {
            self.pos += 1;
        }
        let name: String = self.chars[start..self.pos].iter().collect();
        if name.is_empty() {
            return Err(self.error("expected an intrinsic function such as States.Format(...)".into()));
        }
        let Some(func) = Func::from_name(&name) else {
            self.pos = start;
            return Err(self.error(format!("unknown intrinsic function '{name}'")));
        };
        if depth > MAX_DEPTH {
            self.pos = start;
            return Err(self.error(format!("intrinsic functions can be nested at most {MAX_DEPTH} deep")));
        }
        self.skip_ws();
        if self.peek() != Some('(') {
            return Err(self.error(format!("expected '(' after {name}")));
        }
        self.pos += 1;
        let mut args = Vec::new();
        self.skip_ws();
        if self.peek() == Some(')') {
            self.pos += 1;
        } else {
            loop {
                self.skip_ws();
                args.push(self.arg(depth)?);
                self.skip_ws();
                match self.peek() {
                    Some(',') => self.pos += 1,
                    Some(')') => {
                        self.pos += 1;
                        break;
                    }
                    Some(c) => return Err(self.error(format!("expected ',' or ')' but found '{c}'"))),
                    None => return Err(self.error(format!("missing ')' to close {name}("))),
                }
            }
        }
        let (min, max) = func.arity();
        let n = args.len();
        if n < min || n > max {
            let expected = match (min, max) {
                (a, b) if a == b => format!("{a} argument{}", if a == 1 { "" } else { "s" }),
                (a, usize::MAX) => format!("at least {a} argument{}", if a == 1 { "" } else { "s" }),
                (a, b) => format!("{a} to {b} arguments"),
            };
            return Err(IntrinsicSyntaxError {
                message: format!("{name} takes {expected} but was given {n} in '{}'", self.text),
            });
        }
        Ok(Call { func, args })
    }

    fn arg(&mut self, depth: usize) -> Result<Arg, IntrinsicSyntaxError> {
        match self.peek() {
            Some('\'') => self.string(),
            Some('$') => self.path(),
            Some(c) if c == '-' || c.is_ascii_digit() => self.number(),
            Some(c) if c.is_alphabetic() => {
                let start = self.pos;
                while self.peek().is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    self.pos += 1;
                }
                let word: String = self.chars[start..self.pos].iter().collect();
                match word.as_str() {
                    "null" => Ok(Arg::Literal(Value::Null)),
                    "true" => Ok(Arg::Literal(Value::Bool(true))),
                    "false" => Ok(Arg::Literal(Value::Bool(false))),
                    "States" if self.peek() == Some('.') => {
                        self.pos = start;
                        Ok(Arg::Call(self.call(depth + 1)?))
                    }
                    _ => {
                        self.pos = start;
                        Err(self.error(format!(
                            "unexpected '{word}': an argument is a 'string', a number, null, true, false, a path or a States.* call"
                        )))
                    }
                }
            }
            Some(c) => Err(self.error(format!("unexpected '{c}' where an argument was expected"))),
            None => Err(self.error("the call ended where an argument was expected".into())),
        }
    }

    /// `'...'` with `\'`, `\{`, `\}`, `\\` escapes (AWS reserves these four characters).
    fn string(&mut self) -> Result<Arg, IntrinsicSyntaxError> {
        let start = self.pos;
        self.pos += 1;
        let mut text = String::new();
        let mut pieces = Vec::new();
        let mut chunk = String::new();
        loop {
            match self.peek() {
                None => {
                    self.pos = start;
                    return Err(self.error("unclosed string literal".into()));
                }
                Some('\'') => {
                    self.pos += 1;
                    break;
                }
                Some('\\') => {
                    let Some(next) = self.chars.get(self.pos + 1).copied() else {
                        return Err(self.error("a backslash must be followed by ', {, } or \\".into()));
                    };
                    if !matches!(next, '\'' | '{' | '}' | '\\') {
                        return Err(self.error(format!(
                            "'\\{next}' is not an escape: only \\', \\{{, \\}} and \\\\ are allowed"
                        )));
                    }
                    text.push(next);
                    chunk.push(next);
                    self.pos += 2;
                }
                Some('{') if self.chars.get(self.pos + 1) == Some(&'}') => {
                    text.push_str("{}");
                    if !chunk.is_empty() {
                        pieces.push(Piece::Text(std::mem::take(&mut chunk)));
                    }
                    pieces.push(Piece::Hole);
                    self.pos += 2;
                }
                Some(c) => {
                    text.push(c);
                    chunk.push(c);
                    self.pos += 1;
                }
            }
        }
        if !chunk.is_empty() {
            pieces.push(Piece::Text(chunk));
        }
        Ok(Arg::Str { text: Value::string(text), pieces })
    }

    fn number(&mut self) -> Result<Arg, IntrinsicSyntaxError> {
        let start = self.pos;
        self.pos += 1;
        while self.peek().is_some_and(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-')) {
            self.pos += 1;
        }
        let text: String = self.chars[start..self.pos].iter().collect();
        match text.parse::<Number>() {
            Ok(n) => Ok(Arg::Literal(Value::Number(n))),
            Err(_) => {
                self.pos = start;
                Err(self.error(format!("'{text}' is not a number")))
            }
        }
    }

    /// A path runs to the next `,` or `)` outside brackets, parentheses and quotes.
    fn path(&mut self) -> Result<Arg, IntrinsicSyntaxError> {
        let start = self.pos;
        let mut depth = 0usize;
        let mut quote: Option<char> = None;
        while let Some(c) = self.peek() {
            match quote {
                Some(q) => {
                    if c == '\\' {
                        self.pos += 1;
                    } else if c == q {
                        quote = None;
                    }
                }
                None => match c {
                    '\'' | '"' => quote = Some(c),
                    '[' | '(' => depth += 1,
                    ']' if depth > 0 => depth -= 1,
                    ')' if depth > 0 => depth -= 1,
                    ',' | ')' if depth == 0 => break,
                    _ => {}
                },
            }
            self.pos += 1;
        }
        let text: String = self.chars[start..self.pos.min(self.chars.len())].iter().collect();
        let text = text.trim_end();
        Path::parse(text).map(Arg::Path).map_err(|e| IntrinsicSyntaxError {
            message: format!("invalid path '{text}' in '{}': {}", self.text, e.message),
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------------

fn failure(cause: String) -> EvalError {
    EvalError { error: "States.IntrinsicFailure".into(), cause }
}

fn eval_arg(arg: &Arg, env: &mut Env, field: Option<&str>) -> Result<Value, EvalError> {
    match arg {
        Arg::Str { text, .. } => Ok(text.clone()),
        Arg::Literal(v) => Ok(v.clone()),
        Arg::Path(p) => env.resolve(p).map_err(|_| crate::template::path_not_found(p, field, env.input)),
        Arg::Call(c) => eval_call(c, env, field),
    }
}

/// `args[i]` below never goes out of bounds: a [`Call`] is only built once its argument count has
/// passed the function's arity check in the parser.
fn eval_call(call: &Call, env: &mut Env, field: Option<&str>) -> Result<Value, EvalError> {
    let mut args = Vec::with_capacity(call.args.len());
    for a in &call.args {
        args.push(eval_arg(a, env, field)?);
    }
    let f = Fun { name: call.func.name() };
    match call.func {
        Func::Format => {
            let pieces_owned;
            let pieces: &[Piece] = match &call.args[0] {
                Arg::Str { pieces, .. } => pieces,
                _ => {
                    let s = f.string(&args[0], 1)?;
                    pieces_owned = split_holes(s);
                    &pieces_owned
                }
            };
            let holes = pieces.iter().filter(|p| **p == Piece::Hole).count();
            if holes != args.len() - 1 {
                return Err(failure(format!(
                    "States.Format: the format string has {holes} placeholder{} '{{}}' but {} argument{} followed it",
                    if holes == 1 { "" } else { "s" },
                    args.len() - 1,
                    if args.len() == 2 { "" } else { "s" }
                )));
            }
            let mut out = String::new();
            let mut rest = args[1..].iter();
            for p in pieces {
                match p {
                    Piece::Text(t) => out.push_str(t),
                    Piece::Hole => {
                        if let Some(v) = rest.next() {
                            out.push_str(&java_string(v));
                        }
                    }
                }
            }
            Ok(Value::string(out))
        }
        Func::StringToJson => {
            let s = f.string(&args[0], 1)?;
            if s.trim().is_empty() {
                return Ok(Value::Null);
            }
            // Jackson reads `-0` as the integer 0 (recorded: `"-0"` → `0`); serde_json would make it -0.0.
            if s.trim() == "-0" {
                return Ok(Value::from_i64(0));
            }
            Value::parse(s.trim())
                .map_err(|e| failure(format!("States.StringToJson: '{s}' is not valid JSON text ({e})")))
        }
        Func::JsonToString => Ok(Value::string(args[0].to_json())),
        Func::Array => Ok(Value::array(args)),
        Func::ArrayPartition => {
            let items = f.array(&args[0], 1)?;
            let size = f.int(&args[1], 2)?;
            if size <= 0 {
                return Err(failure(format!(
                    "States.ArrayPartition: the chunk size must be a positive integer, got {size}"
                )));
            }
            let size = usize::try_from(size).unwrap_or(usize::MAX);
            Ok(Value::array(items.chunks(size).map(|c| Value::array(c.to_vec())).collect()))
        }
        Func::ArrayContains => {
            let items = f.array(&args[0], 1)?;
            Ok(Value::Bool(items.contains(&args[1])))
        }
        Func::ArrayRange => {
            let (start, end, step) = (f.int(&args[0], 1)?, f.int(&args[1], 2)?, f.int(&args[2], 3)?);
            if step == 0 {
                return Err(failure("States.ArrayRange: the step must not be 0".into()));
            }
            let count = if (step > 0 && start > end) || (step < 0 && start < end) {
                0
            } else {
                (end as i128 - start as i128) / step as i128 + 1
            };
            if count > MAX_RANGE_ITEMS as i128 {
                return Err(failure(format!(
                    "States.ArrayRange: the range would have {count} elements; at most {MAX_RANGE_ITEMS} are allowed"
                )));
            }
            // Every element lies between start and end, so it fits in i64; i128 avoids overflow on the way.
            let at = |i: i128| Value::from_i64((start as i128 + i * step as i128) as i64);
            Ok(Value::array((0..count).map(at).collect()))
        }
        Func::ArrayGetItem => {
            let items = f.array(&args[0], 1)?;
            let i = f.int(&args[1], 2)?;
            usize::try_from(i).ok().and_then(|i| items.get(i)).cloned().ok_or_else(|| {
                failure(format!(
                    "States.ArrayGetItem: index {i} is out of bounds for an array of {} element{}",
                    items.len(),
                    if items.len() == 1 { "" } else { "s" }
                ))
            })
        }
        Func::ArrayLength => Ok(Value::from_i64(f.array(&args[0], 1)?.len() as i64)),
        Func::ArrayUnique => {
            let items = f.array(&args[0], 1)?;
            let mut out: Vec<Value> = Vec::with_capacity(items.len());
            for v in items {
                if !out.contains(v) {
                    out.push(v.clone());
                }
            }
            Ok(Value::array(out))
        }
        Func::Base64Encode => {
            let s = f.string(&args[0], 1)?;
            f.limit(s)?;
            Ok(Value::string(base64_encode(s.as_bytes())))
        }
        Func::Base64Decode => {
            let s = f.string(&args[0], 1)?;
            f.limit(s)?;
            let bytes = base64_decode(s)
                .ok_or_else(|| failure(format!("States.Base64Decode: '{s}' is not valid base64")))?;
            Ok(Value::string(String::from_utf8_lossy(&bytes).into_owned()))
        }
        Func::Hash => {
            let data = match &args[0] {
                Value::String(s) => s.to_string(),
                Value::Null => return Err(failure("States.Hash: the data to hash must not be null".into())),
                other => other.to_json(),
            };
            f.limit(&data)?;
            let alg = f.string(&args[1], 2)?;
            hash_hex(alg, data.as_bytes()).map(Value::string).ok_or_else(|| {
                failure(format!(
                    "States.Hash: unsupported algorithm '{alg}'; use one of MD5, SHA-1, SHA-256, SHA-384, SHA-512"
                ))
            })
        }
        Func::JsonMerge => {
            let a = f.object(&args[0], 1)?;
            let b = f.object(&args[1], 2)?;
            match &args[2] {
                Value::Bool(false) => {}
                Value::Bool(true) => {
                    return Err(failure(
                        "States.JsonMerge: deep merging is not supported; the third argument must be false"
                            .into(),
                    ))
                }
                other => {
                    return Err(failure(format!(
                        "States.JsonMerge: the third argument must be the boolean false, got {}",
                        describe(other)
                    )))
                }
            }
            let mut merged = a.clone();
            for (k, v) in b.iter() {
                merged.insert(k.clone(), v.clone());
            }
            Ok(Value::object(java_hash_order(merged)))
        }
        Func::MathRandom => {
            let (lo, hi) = (f.int(&args[0], 1)?, f.int(&args[1], 2)?);
            if hi <= lo {
                return Err(failure(format!(
                    "States.MathRandom: the end ({hi}) must be greater than the start ({lo})"
                )));
            }
            let n = match args.get(2) {
                Some(seed) => {
                    let seed = f.int(seed, 3)?;
                    Rng::new(seed as u64).range_i64(lo, hi - 1)
                }
                None => env.rng.range_i64(lo, hi - 1),
            };
            Ok(Value::from_i64(n))
        }
        Func::MathAdd => {
            let (a, b) = (f.int(&args[0], 1)?, f.int(&args[1], 2)?);
            a.checked_add(b)
                .map(Value::from_i64)
                .ok_or_else(|| failure(format!("States.MathAdd: {a} + {b} is out of range")))
        }
        Func::StringSplit => {
            let s = f.string(&args[0], 1)?;
            let delims = f.string(&args[1], 2)?;
            let parts =
                s.split(|c: char| delims.contains(c)).filter(|t| !t.is_empty()).map(Value::string).collect();
            Ok(Value::array(parts))
        }
        Func::Uuid => Ok(Value::string(env.rng.uuid_v4())),
    }
}

/// Argument checks that name the function and the argument's position in their messages.
struct Fun {
    name: &'static str,
}

impl Fun {
    fn wrong(&self, pos: usize, wanted: &str, got: &Value) -> EvalError {
        failure(format!("{}: argument {pos} must be {wanted}, got {}", self.name, describe(got)))
    }

    fn string<'v>(&self, v: &'v Value, pos: usize) -> Result<&'v str, EvalError> {
        v.as_str().ok_or_else(|| self.wrong(pos, "a string", v))
    }

    fn array<'v>(&self, v: &'v Value, pos: usize) -> Result<&'v [Value], EvalError> {
        v.as_array().ok_or_else(|| self.wrong(pos, "an array", v))
    }

    fn object<'v>(&self, v: &'v Value, pos: usize) -> Result<&'v Map, EvalError> {
        v.as_object().ok_or_else(|| self.wrong(pos, "an object", v))
    }

    /// An integer argument; fractions are rounded as Java's `Math.round` does (recorded for
    /// `States.MathAdd`: 1.5 → 2, -1.5 → -1, -2.5 → -2).
    fn int(&self, v: &Value, pos: usize) -> Result<i64, EvalError> {
        let Value::Number(n) = v else { return Err(self.wrong(pos, "an integer", v)) };
        if let Some(i) = n.as_i64() {
            return Ok(i);
        }
        match n.as_f64() {
            Some(x) if x.is_finite() && x.abs() < 9.0e18 => Ok((x + 0.5).floor() as i64),
            _ => Err(self.wrong(pos, "an integer within range", v)),
        }
    }

    fn limit(&self, s: &str) -> Result<(), EvalError> {
        let n = s.chars().count();
        if n > MAX_CODEC_INPUT {
            return Err(failure(format!(
                "{}: the input has {n} characters; at most {MAX_CODEC_INPUT} are allowed",
                self.name
            )));
        }
        Ok(())
    }
}

/// "string \"abc\"", for messages about a wrong argument.
fn describe(v: &Value) -> String {
    let mut json = v.to_json();
    if json.chars().count() > 60 {
        json = json.chars().take(57).collect::<String>() + "...";
    }
    format!("{} {json}", v.type_name())
}

fn split_holes(s: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    for (i, part) in s.split("{}").enumerate() {
        if i > 0 {
            pieces.push(Piece::Hole);
        }
        if !part.is_empty() {
            pieces.push(Piece::Text(part.to_string()));
        }
    }
    pieces
}

/// A value as Java's `toString` shows it once AWS has turned JSON into Java collections:
/// strings bare, `null`, numbers as Java prints them, lists `[a, b]`, maps `{k=v, k2=v2}`.
/// Used by `States.Format` (recorded: `{Arg1=1, Arg2=[]}`) and in Jayway's messages.
pub(crate) fn java_string(v: &Value) -> String {
    let mut out = String::new();
    write_java(&mut out, v);
    out
}

fn write_java(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&java_number(n)),
        Value::String(s) => out.push_str(s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_java(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(k);
                out.push('=');
                write_java(out, item);
            }
            out.push('}');
        }
    }
}

/// Integers as they are; fractions as Java's `Double.toString` (`1.0`, `1.5E-4`, `1.0E20`).
fn java_number(n: &Number) -> String {
    if n.is_i64() || n.is_u64() {
        return n.to_string();
    }
    // serde_json writes the shortest digits that read back as the same double, which are the
    // digits Java prints; only the layout differs. Working from its text keeps std's own float
    // printer (several kB) out of the web app.
    let text = n.to_string();
    let (negative, digits, point) = decimal_digits(&text);
    let sign = if negative { "-" } else { "" };
    if digits.is_empty() {
        return format!("{sign}0.0");
    }
    // Java writes 1e-3 <= |x| < 1e7 in plain notation, the rest as `d.dddE±n`.
    if (-2..=7).contains(&point) {
        let len = digits.len() as i32;
        let body = if point <= 0 {
            format!("0.{}{digits}", "0".repeat(point.unsigned_abs() as usize))
        } else if point >= len {
            format!("{digits}{}.0", "0".repeat((point - len) as usize))
        } else {
            format!("{}.{}", &digits[..point as usize], &digits[point as usize..])
        };
        format!("{sign}{body}")
    } else {
        let (first, rest) = digits.split_at(1);
        let rest = if rest.is_empty() { "0" } else { rest };
        format!("{sign}{first}.{rest}E{}", point - 1)
    }
}

/// A number's text (`-12.5`, `1e-7`, `2.5e21`) as its sign, its significant digits and the place
/// of the decimal point: the value is `0.DIGITS × 10^point`. Zero has no digits.
fn decimal_digits(text: &str) -> (bool, String, i32) {
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mantissa, exponent) = text.split_once(['e', 'E']).unwrap_or((text, "0"));
    let exponent: i32 = exponent.trim_start_matches('+').parse().unwrap_or(0);
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all: String = [whole, fraction].concat();
    let significant = all.trim_start_matches('0');
    let point = whole.len() as i32 - (all.len() - significant.len()) as i32 + exponent;
    (negative, significant.trim_end_matches('0').to_string(), point)
}

/// Reorders an object's members as Java's `HashMap` iterates them: by bucket of the key's
/// `String.hashCode` (spread as `h ^ (h >>> 16)`), insertion order within a bucket, in a table of 16
/// slots doubled while more than 3/4 full.
///
/// Evidence (conformance corpus): `States.JsonMerge` gave `{constant_input_field, constant_in_literal}`
/// for a merge of `{constant_in_literal}` with `{constant_input_field}`, and payload-template objects
/// with `.$` keys came out as `{decoded, encoded}`, `{parsedJson, mergedJson, stringifiedJson}` and
/// `{formattedString, splitString}` — all exactly this order, none the definition's.
pub(crate) fn java_hash_order(map: Map) -> Map {
    let order = java_hash_permutation(map.keys().map(|k| &**k));
    let mut entries: Vec<Option<(Rc<str>, Value)>> = map.into_iter().map(Some).collect();
    let mut out = Map::with_capacity(entries.len());
    for i in order {
        if let Some((k, v)) = entries.get_mut(i).and_then(Option::take) {
            out.insert(k, v);
        }
    }
    out
}

/// The positions of `keys` in Java `HashMap` iteration order (see [`java_hash_order`]).
pub(crate) fn java_hash_permutation<'k>(keys: impl Iterator<Item = &'k str>) -> Vec<usize> {
    let hashes: Vec<u32> = keys
        .map(|k| {
            let h = k.encode_utf16().fold(0u32, |h, u| h.wrapping_mul(31).wrapping_add(u as u32));
            h ^ (h >> 16)
        })
        .collect();
    let mut slots = 16usize;
    while hashes.len() * 4 > slots * 3 {
        slots *= 2;
    }
    let mask = (slots - 1) as u32;
    let mut order: Vec<usize> = (0..hashes.len()).collect();
    crate::sort::positions_by_key(&mut order, |i| hashes[i] & mask);
    order
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Standard alphabet with padding; line breaks (as MIME text has) are skipped.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let (mut acc, mut bits, mut padding) = (0u32, 0u32, 0usize);
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => {
                padding += 1;
                continue;
            }
            b'\r' | b'\n' => continue,
            _ => return None,
        };
        if padding > 0 {
            return None; // data after padding
        }
        acc = acc << 6 | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // Leftover bits must be zero padding of a 2- or 3-character tail; a lone character is invalid.
    if bits >= 6 || padding > 2 {
        return None;
    }
    Some(out)
}

fn hash_hex(alg: &str, data: &[u8]) -> Option<String> {
    use sha2::Digest;
    let digest: Vec<u8> = match alg {
        "MD5" => md5::Md5::digest(data).to_vec(),
        "SHA-1" => sha1::Sha1::digest(data).to_vec(),
        "SHA-256" => sha2::Sha256::digest(data).to_vec(),
        "SHA-384" => sha2::Sha384::digest(data).to_vec(),
        "SHA-512" => sha2::Sha512::digest(data).to_vec(),
        _ => return None,
    };
    Some(digest.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::NoVariables;

    fn v(s: &str) -> Value {
        Value::parse(s).expect("test JSON")
    }

    fn run(input: &str, expr: &str) -> Result<Value, EvalError> {
        let call = Intrinsic::parse(expr).unwrap_or_else(|e| panic!("{expr}: {}", e.message));
        let input = v(input);
        let context = v(
            r#"{"Execution":{"Name":"TestExecution"},"StateMachine":{"Id":"arn:sm","Name":"TestStateMachine"}}"#,
        );
        let mut rng = Rng::new(42);
        let mut env = Env { input: &input, context: &context, variables: &NoVariables, rng: &mut rng };
        call.eval(&mut env)
    }

    /// `expected` is JSON, or `!cause` for a failure.
    fn give(input: &str, expr: &str, expected: &str) {
        let got = run(input, expr);
        match expected.strip_prefix('!') {
            Some(cause) => assert_eq!(
                got,
                Err(EvalError { error: "States.IntrinsicFailure".into(), cause: cause.into() }),
                "{expr}"
            ),
            None => {
                let got = got.unwrap_or_else(|e| panic!("{expr}: {}", e.cause));
                assert_eq!(got.to_json(), v(expected).to_json(), "{expr}");
            }
        }
    }

    fn bad(expr: &str, message: &str) {
        match Intrinsic::parse(expr) {
            Ok(_) => panic!("{expr} should not parse"),
            Err(e) => assert_eq!(e.message, message, "{expr}"),
        }
    }

    #[test]
    fn numbers_are_written_as_java_writes_doubles() {
        let java = |x: f64| java_number(&Number::from_f64(x).expect("finite"));
        assert_eq!(java(1.5), "1.5");
        assert_eq!(java(100.0), "100.0");
        assert_eq!(java(-0.0), "-0.0");
        assert_eq!(java(0.001), "0.001");
        assert_eq!(java(0.05), "0.05");
        assert_eq!(java(1234567.5), "1234567.5");
        assert_eq!(java(9999999.0), "9999999.0");
        assert_eq!(java(10000000.0), "1.0E7");
        assert_eq!(java(0.000999), "9.99E-4");
        assert_eq!(java(-1e-7), "-1.0E-7");
        assert_eq!(java(1.5e21), "1.5E21");
        assert_eq!(java(1.7976931348623157e308), "1.7976931348623157E308");
    }

    #[test]
    fn format() {
        give(r#"{"a":""}"#, "States.Format('Formatting argument {}.', $.a)", r#""Formatting argument .""#);
        give(r#"{"a":null}"#, "States.Format('x={}', $.a)", r#""x=null""#);
        give(r#"{"a":1.1,"b":1}"#, "States.Format('{} {}', $.a, $.b)", r#""1.1 1""#);
        give(r#"{"a":{"Arg1":1,"Arg2":[]}}"#, "States.Format('{}', $.a)", r#""{Arg1=1, Arg2=[]}""#);
        give(
            r#"{"a":[1,"x",[null,true],{"k":2.0}]}"#,
            "States.Format('{}', $.a)",
            r#""[1, x, [null, true], {k=2.0}]""#,
        );
        give("{}", r"States.Format('\{\} {} \'q\' \\', 'v')", r#""{} v 'q' \\""#);
        give(
            "{}",
            "States.Format('{}={}', $$.Execution.Name, $$.StateMachine)",
            r#""TestExecution={Id=arn:sm, Name=TestStateMachine}""#,
        );
        give(r#"{"t":"{}+{}"}"#, "States.Format($.t, 1, 2)", r#""1+2""#);
        give(
            "{}",
            "States.Format('{} {}', 1)",
            "!States.Format: the format string has 2 placeholders '{}' but 1 argument followed it",
        );
        give("{}", "States.Format('{}', 1e20)", r#""1.0E20""#);
    }

    #[test]
    fn json_functions() {
        give(r#"{"s":""}"#, "States.StringToJson($.s)", "null");
        give(r#"{"s":" "}"#, "States.StringToJson($.s)", "null");
        give(r#"{"s":"-0"}"#, "States.StringToJson($.s)", "0");
        give(r#"{"s":"1.1"}"#, "States.StringToJson($.s)", "1.1");
        give(r#"{"s":"{\"Arg1\": 1, \"Arg2\": []}"}"#, "States.StringToJson($.s)", r#"{"Arg1":1,"Arg2":[]}"#);
        give(r#"{"s":"{"}"#, "States.StringToJson($.s)", "!States.StringToJson: '{' is not valid JSON text (EOF while parsing an object at line 1 column 1)");
        give(
            r#"{"s":1}"#,
            "States.StringToJson($.s)",
            "!States.StringToJson: argument 1 must be a string, got number 1",
        );
        give(r#"{"o":{"Arg1":1,"Arg2":[]}}"#, "States.JsonToString($.o)", r#""{\"Arg1\":1,\"Arg2\":[]}""#);
        give(r#"{"o":"x"}"#, "States.JsonToString($.o)", r#""\"x\"""#);
        give(
            r#"{"a":{"a":{"a1":1,"a2":2},"b":2,"d":3},"b":{"a":{"a3":1,"a4":2},"c":3,"d":4}}"#,
            "States.JsonMerge($.a, $.b, false)",
            r#"{"a":{"a3":1,"a4":2},"b":2,"c":3,"d":4}"#,
        );
        // Java HashMap order, as AWS returned it.
        give(
            r#"{"x":{"constant_input_field":"constant_value"}}"#,
            r#"States.JsonMerge(States.StringToJson('\{"constant_in_literal": "false"\}'), $.x, false)"#,
            r#"{"constant_input_field":"constant_value","constant_in_literal":"false"}"#,
        );
        give(
            r#"{"a":{},"b":{}}"#,
            "States.JsonMerge($.a, $.b, true)",
            "!States.JsonMerge: deep merging is not supported; the third argument must be false",
        );
        give(
            r#"{"a":[],"b":{}}"#,
            "States.JsonMerge($.a, $.b, false)",
            "!States.JsonMerge: argument 1 must be an object, got array []",
        );
    }

    #[test]
    fn arrays() {
        give("{}", "States.Array()", "[]");
        give(r#"{"a":null}"#, "States.Array($.a, 1, 'x', true, 2.50)", r#"[null,1,"x",true,2.50]"#);
        give(r#"{"a":[0,1,2,3]}"#, "States.ArrayPartition($.a, 3)", "[[0,1,2],[3]]");
        give(r#"{"a":[]}"#, "States.ArrayPartition($.a, 2)", "[]");
        give(
            r#"{"a":[1]}"#,
            "States.ArrayPartition($.a, 0)",
            "!States.ArrayPartition: the chunk size must be a positive integer, got 0",
        );
        give(r#"{"a":[[1,2,3],2],"b":[1,2,3]}"#, "States.ArrayContains($.a, $.b)", "true");
        give(r#"{"a":[{"1":2,"2":[]}],"b":{"1":2,"2":[]}}"#, "States.ArrayContains($.a, $.b)", "true");
        give(r#"{"a":[],"b":[]}"#, "States.ArrayContains($.a, $.b)", "false");
        give("{}", "States.ArrayRange(0, 10, 3)", "[0,3,6,9]");
        give("{}", "States.ArrayRange(1, 9, 9)", "[1]");
        give("{}", "States.ArrayRange(5, 1, -2)", "[5,3,1]");
        give("{}", "States.ArrayRange(5, 1, 2)", "[]");
        give(
            "{}",
            "States.ArrayRange(-9000000000000000000, 9000000000000000000, 9000000000000000000)",
            "[-9000000000000000000,0,9000000000000000000]",
        );
        give("{}", "States.ArrayRange(1, 2, 0)", "!States.ArrayRange: the step must not be 0");
        give(
            "{}",
            "States.ArrayRange(1, 1001, 1)",
            "!States.ArrayRange: the range would have 1001 elements; at most 1000 are allowed",
        );
        give(r#"{"a":[1,2,3,4,5,6,7,8,9]}"#, "States.ArrayGetItem($.a, 5)", "6");
        give(
            r#"{"a":[1]}"#,
            "States.ArrayGetItem($.a, 1)",
            "!States.ArrayGetItem: index 1 is out of bounds for an array of 1 element",
        );
        give(r#"{"a":[1,2,3]}"#, "States.ArrayLength($.a)", "3");
        give(
            r#"{"a":"x"}"#,
            "States.ArrayLength($.a)",
            r#"!States.ArrayLength: argument 1 must be an array, got string "x""#,
        );
        give(
            r#"{"a":[null,null,true,true,1,1,1.1,"H","H",[],[],{"a":1},{"a":1},{"a":2}]}"#,
            "States.ArrayUnique($.a)",
            r#"[null,true,1,1.1,"H",[],{"a":1},{"a":2}]"#,
        );
    }

    #[test]
    fn encodings_and_hashes() {
        give(r#"{"s":"Data to encode"}"#, "States.Base64Encode($.s)", r#""RGF0YSB0byBlbmNvZGU=""#);
        give(r#"{"s":"RGF0YSB0byBlbmNvZGU="}"#, "States.Base64Decode($.s)", r#""Data to encode""#);
        give("{}", "States.Base64Encode('')", r#""""#);
        give("{}", "States.Base64Decode('')", r#""""#);
        give("{}", "States.Base64Encode('ab')", r#""YWI=""#);
        give("{}", "States.Base64Decode('YWI=')", r#""ab""#);
        give("{}", "States.Base64Decode('!')", "!States.Base64Decode: '!' is not valid base64");
        for (alg, hex) in [
            ("MD5", "812f45842bc6d66ee14572ce20db8e86"),
            ("SHA-1", "aaff4a450a104cd177d28d18d74485e8cae074b7"),
            ("SHA-256", "b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3"),
        ] {
            give("{}", &format!("States.Hash('input data', '{alg}')"), &format!("\"{hex}\""));
        }
        give(
            "{}",
            "States.Hash('x', 'SHA-3')",
            "!States.Hash: unsupported algorithm 'SHA-3'; use one of MD5, SHA-1, SHA-256, SHA-384, SHA-512",
        );
        let long = "a".repeat(10_001);
        give(
            &format!(r#"{{"s":"{long}"}}"#),
            "States.Base64Encode($.s)",
            "!States.Base64Encode: the input has 10001 characters; at most 10000 are allowed",
        );
    }

    #[test]
    fn math() {
        for (a, b, sum) in [
            ("1.49", "1.5", "3"),
            ("-1.5", "0", "-1"),
            ("-2.5", "0", "-2"),
            ("2.5", "0", "3"),
            ("-0.5", "0.5", "1"),
            ("-1.51", "0", "-2"),
            ("-9", "3", "-6"),
            ("-1.5", "-1.51", "-3"),
        ] {
            give(&format!(r#"{{"a":{a},"b":{b}}}"#), "States.MathAdd($.a, $.b)", sum);
        }
        give(
            "{}",
            "States.MathAdd('1', 2)",
            r#"!States.MathAdd: argument 1 must be an integer, got string "1""#,
        );
        let first = run("{}", "States.MathRandom(1, 999, 7)");
        assert_eq!(first, run("{}", "States.MathRandom(1, 999, 7)"), "same seed, same value");
        for _ in 0..50 {
            let n = run("{}", "States.MathRandom(10, 12)").ok().and_then(|v| v.as_i64());
            assert!(matches!(n, Some(10 | 11)), "{n:?}");
        }
        give(
            "{}",
            "States.MathRandom(5, 5)",
            "!States.MathRandom: the end (5) must be greater than the start (5)",
        );
    }

    #[test]
    fn strings_and_uuid() {
        give(
            r#"{"s":"This.is+a,test=string","d":".+,="}"#,
            "States.StringSplit($.s, $.d)",
            r#"["This","is","a","test","string"]"#,
        );
        give(r#"{"s":",,,,"}"#, "States.StringSplit($.s, ',')", "[]");
        give(r#"{"s":", , ,"}"#, "States.StringSplit($.s, ',')", r#"[" "," "]"#);
        give("{}", "States.StringSplit('Hello\nWorld', '\n')", r#"["Hello","World"]"#);
        let u =
            run("{}", "States.UUID()").ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
        assert_eq!((u.len(), &u[14..15]), (36, "4"));
    }

    #[test]
    fn nesting_and_paths() {
        give(
            "{}",
            "States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), 0)",
            r#""TestStateMachine""#,
        );
        give(
            "{}",
            "States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), States.MathAdd(States.ArrayLength(States.StringSplit($$.StateMachine.Name, '-')), -1))",
            r#""TestStateMachine""#,
        );
        give(r#"{"a":{"x,y":[1,2]}}"#, "States.ArrayLength($.a['x,y'])", "2");
        give(r#"{"l":[{"v":1},{"v":5}]}"#, "States.ArrayLength($.l[?(@.v > 2)])", "1");
        assert_eq!(
            run(r#"{"a":1}"#, "States.Array($.b)"),
            Err(EvalError {
                error: "States.Runtime".into(),
                cause: "The JSONPath '$.b' could not be found in the input '{\"a\":1}'".into()
            })
        );
        let deep = (0..10).fold("1".to_string(), |acc, _| format!("States.Array({acc})"));
        assert!(Intrinsic::parse(&deep).is_ok());
        let deeper = format!("States.Array({deep})");
        bad(
            &deeper,
            &format!("intrinsic functions can be nested at most 10 deep at character 131 of '{deeper}'"),
        );
    }

    #[test]
    fn syntax_errors() {
        bad("States.Nope(1)", "unknown intrinsic function 'States.Nope' at character 1 of 'States.Nope(1)'");
        bad("States.MathAdd(1)", "States.MathAdd takes 2 arguments but was given 1 in 'States.MathAdd(1)'");
        bad("States.UUID(1)", "States.UUID takes 0 arguments but was given 1 in 'States.UUID(1)'");
        bad(
            "States.Format()",
            "States.Format takes at least 1 argument but was given 0 in 'States.Format()'",
        );
        bad(
            "States.MathRandom(1)",
            "States.MathRandom takes 2 to 3 arguments but was given 1 in 'States.MathRandom(1)'",
        );
        bad(
            "States.Format('open\\')",
            "unclosed string literal at character 15 of 'States.Format('open\\')'",
        );
        bad("States.Format('a\\n')", "'\\n' is not an escape: only \\', \\{, \\} and \\\\ are allowed at character 17 of 'States.Format('a\\n')'");
        bad("States.Array(1", "missing ')' to close States.Array( at character 15 of 'States.Array(1'");
        bad(
            "States.Array(1) x",
            "unexpected 'x' after the end of the call at character 17 of 'States.Array(1) x'",
        );
        bad("States.Array(foo)", "unexpected 'foo': an argument is a 'string', a number, null, true, false, a path or a States.* call at character 14 of 'States.Array(foo)'");
        bad("States.Array($.a[)", "invalid path '$.a[)' in 'States.Array($.a[)': unexpected ')' after '[' at character 5 of '$.a[)'");
        assert!(looks_like_call("States.Format('x')"));
        assert!(!looks_like_call("States.Format"));
        assert!(!looks_like_call("$.x"));
    }

    #[test]
    fn java_rendering_and_hash_order() {
        assert_eq!(java_string(&v(r#"{"a":[1,2.5,"s",null],"b":{}}"#)), "{a=[1, 2.5, s, null], b={}}");
        assert_eq!(java_string(&v("1.0")), "1.0");
        assert_eq!(java_string(&v("0.0001")), "1.0E-4");
        let keys = ["mergedJson", "parsedJson", "stringifiedJson"];
        let order: Vec<&str> =
            java_hash_permutation(keys.iter().copied()).into_iter().map(|i| keys[i]).collect();
        assert_eq!(order, ["parsedJson", "mergedJson", "stringifiedJson"]);
    }
}
