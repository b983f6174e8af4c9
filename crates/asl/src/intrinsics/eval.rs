//! Running a call: each function's behaviour, with AWS's quirks and failure messages.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use super::{digest, Arg, Call, Func, Intrinsic, Piece, MAX_CODEC_INPUT, MAX_RANGE_ITEMS};
use crate::env::{path_failed, Env, EvalError};
use crate::error_name::ErrorName;
use crate::java::{java_hash_order, java_string};
use crate::rng::Rng;
use crate::value::{Map, Value};

impl Intrinsic {
    /// Evaluates the call; a failing function gives `States.IntrinsicFailure`, a path argument
    /// that selects nothing gives `States.Runtime`.
    pub fn eval(&self, env: &mut Env) -> Result<Value, EvalError> {
        self.eval_for_field(env, None)
    }

    /// As [`Intrinsic::eval`], naming the template field (`key.$`) in path-miss messages as AWS does.
    pub(crate) fn eval_for_field(&self, env: &mut Env, field: Option<&str>) -> Result<Value, EvalError> {
        eval_call(&self.call, env, field)
    }
}

/// A hash of `v` under which equal values (by `==`) hash alike: numbers by their value as a
/// float (so `0.0` and `-0.0`, which are equal, agree), and objects without regard to member
/// order, since `==` ignores it. Recursion follows the value's depth, which the engine bounds
/// ([`crate::env::MAX_VALUE_DEPTH`]).
fn structural_hash(v: &Value) -> u64 {
    let mut h = DefaultHasher::new();
    match v {
        Value::Null => 0u8.hash(&mut h),
        Value::Bool(b) => (1u8, b).hash(&mut h),
        Value::Number(n) => {
            let f = n.as_f64().unwrap_or(0.0);
            (2u8, if f == 0.0 { 0 } else { f.to_bits() }).hash(&mut h);
        }
        Value::String(s) => (3u8, &**s).hash(&mut h),
        Value::Array(items) => {
            4u8.hash(&mut h);
            items.iter().for_each(|item| structural_hash(item).hash(&mut h));
        }
        Value::Object(map) => {
            let mut members = 0u64;
            for (k, item) in map.iter() {
                let mut m = DefaultHasher::new();
                (&**k, structural_hash(item)).hash(&mut m);
                members = members.wrapping_add(m.finish());
            }
            (5u8, members).hash(&mut h);
        }
    }
    h.finish()
}

fn failure(cause: String) -> EvalError {
    EvalError { error: ErrorName::IntrinsicFailure, cause, location: None }
}

fn eval_arg(arg: &Arg, env: &mut Env, field: Option<&str>) -> Result<Value, EvalError> {
    match arg {
        Arg::Str { text, .. } => Ok(text.clone()),
        Arg::Literal(v) => Ok(v.clone()),
        Arg::Path(p) => env.resolve(p).map_err(|miss| path_failed(p, miss, field, env.input)),
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
            // First occurrences in order, as AWS returns them. Candidates are found by a hash that
            // agrees with `==` (equal values hash alike), so each item is compared only with the
            // few kept items of its hash rather than with all of them.
            let mut out: Vec<Value> = Vec::with_capacity(items.len());
            let mut kept: HashMap<u64, Vec<usize>> = HashMap::with_capacity(items.len());
            for v in items {
                let same_hash = kept.entry(structural_hash(v)).or_default();
                if !same_hash.iter().any(|&i| out[i] == *v) {
                    same_hash.push(out.len());
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
            if !digest::ALGORITHMS.contains(&alg) {
                return Err(failure(format!(
                    "States.Hash: unsupported algorithm '{alg}'; use one of MD5, SHA-1, SHA-256, SHA-384, SHA-512"
                )));
            }
            // The app blocks Start until it has lent the digests (see `digest`): this is a bug's message.
            let hex = digest::hex(alg, &data)
                .ok_or_else(|| failure("States.Hash: this build of Baton has no digests loaded".into()))?;
            Ok(Value::string(hex))
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
            // Sorted once, so each character costs a binary search rather than a scan of a
            // delimiter string that may be as long as the string itself.
            let mut delims: Vec<char> = delims.chars().collect();
            // Through the shared sort (crate `sort`): no sort instance of its own in the wasm.
            sort::by_key(&mut delims, |c| *c);
            delims.dedup();
            let parts = s
                .split(|c: char| delims.binary_search(&c).is_ok())
                .filter(|t| !t.is_empty())
                .map(Value::string)
                .collect();
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::NoVariables;

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
                Err(EvalError { error: ErrorName::IntrinsicFailure, cause: cause.into(), location: None }),
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
        // A `.` before `[` in an argument, as in published definitions (AWS accepts it).
        give(r#"[{"body":"{\"n\":1}"}]"#, "States.StringToJson($.[0].body)", r#"{"n":1}"#);
        give(r#"{"l":[{"v":1},{"v":5}]}"#, "States.ArrayLength($.l.[?(@.v > 2)])", "1");
        assert_eq!(
            run(r#"{"a":1}"#, "States.Array($.b)"),
            Err(EvalError::runtime("The JSONPath '$.b' could not be found in the input '{\"a\":1}'".into()))
        );
        let deep = (0..10).fold("1".to_string(), |acc, _| format!("States.Array({acc})"));
        assert!(Intrinsic::parse(&deep).is_ok());
        let deeper = format!("States.Array({deep})");
        bad(
            &deeper,
            &format!("intrinsic functions can be nested at most 10 deep at character 131 of '{deeper}'"),
        );
    }
}
