//! The built-in function library: each function is a plain Rust function behind a JSONata
//! signature, which checks and coerces its arguments before it runs.

use std::rc::Rc;

use crate::eval::{compare_strings, type_name, Evaluator, Function, Out};
use crate::signature::Signature;
use crate::value::{deep_equal, format_number_15, stringify, truthy, Map, Value, WriteStop};
use crate::{Error, Fail};

type Args = Vec<Option<Value>>;

pub(crate) struct Builtin {
    pub name: &'static str,
    sig: &'static str,
    pub run: fn(&mut Evaluator, Args, &Option<Value>) -> Out,
}

impl std::fmt::Debug for Builtin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "${}", self.name)
    }
}

impl Builtin {
    pub(crate) fn signature(&self) -> Signature {
        Signature::parse(&self.sig[1..self.sig.len() - 1], 0).expect("built-in signatures parse")
    }

    pub(crate) fn arity(&self) -> usize {
        self.signature().arity()
    }
}

pub(crate) fn lookup(name: &str) -> Option<&'static Builtin> {
    BUILTINS.iter().find(|b| b.name == name)
}

fn err(code: &'static str, message: impl Into<String>) -> Fail {
    Error::new(code, message)
}

macro_rules! builtins {
    ($($name:literal $sig:literal $f:expr;)*) => {
        static BUILTINS: &[Builtin] = &[$(Builtin { name: $name, sig: $sig, run: $f },)*];
    };
}

builtins! {
    "sum" "<a<n>:n>" |_, a, _| Ok(nums(&a[0]).map(|n| Value::Number(n.iter().sum())));
    "count" "<a:n>" |_, a, _| Ok(Some(Value::Number(a[0].as_ref().map_or(0, len) as f64)));
    "max" "<a<n>:n>" |_, a, _| Ok(nums(&a[0]).filter(|n| !n.is_empty()).map(|n| Value::Number(n.iter().copied().fold(f64::NEG_INFINITY, f64::max))));
    "min" "<a<n>:n>" |_, a, _| Ok(nums(&a[0]).filter(|n| !n.is_empty()).map(|n| Value::Number(n.iter().copied().fold(f64::INFINITY, f64::min))));
    "average" "<a<n>:n>" |_, a, _| Ok(nums(&a[0]).filter(|n| !n.is_empty()).map(|n| Value::Number(n.iter().sum::<f64>() / n.len() as f64)));
    "string" "<x-b?:s>" string;
    "substring" "<s-nn?:s>" substring;
    "substringBefore" "<s-s:s>" |_, a, _| Ok(str_arg(&a, 0).map(|s| { let c = str_arg(&a, 1).unwrap_or_default(); Value::string(s.find(&*c).map_or(&*s, |i| &s[..i])) }));
    "substringAfter" "<s-s:s>" |_, a, _| Ok(str_arg(&a, 0).map(|s| { let c = str_arg(&a, 1).unwrap_or_default(); Value::string(s.find(&*c).map_or(&*s, |i| &s[i + c.len()..])) }));
    "lowercase" "<s-:s>" |_, a, _| Ok(str_arg(&a, 0).map(|s| Value::string(s.to_lowercase())));
    "uppercase" "<s-:s>" |_, a, _| Ok(str_arg(&a, 0).map(|s| Value::string(s.to_uppercase())));
    "length" "<s-:n>" |_, a, _| Ok(str_arg(&a, 0).map(|s| Value::Number(s.chars().count() as f64)));
    "trim" "<s-:s>" |_, a, _| Ok(str_arg(&a, 0).map(|s| Value::string(s.split(|c: char| " \t\n\r\u{c}".contains(c)).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" "))));
    "pad" "<s-ns?:s>" pad;
    "match" "<s-f<s:o>n?:a<o>>" match_fn;
    "contains" "<s-(sf):b>" contains;
    "replace" "<s-(sf)(sf)n?:s>" replace;
    "split" "<s-(sf)n?:a<s>>" split;
    "join" "<a<s>s?:s>" join;
    "formatNumber" "<n-so?:s>" crate::numfmt::format_number;
    "formatBase" "<n-n?:s>" crate::numfmt::format_base;
    "formatInteger" "<n-s:s>" crate::numfmt::format_integer;
    "parseInteger" "<s-s:n>" crate::numfmt::parse_integer;
    "number" "<(nsb)-:n>" number;
    "floor" "<n-:n>" |_, a, _| Ok(num_arg(&a, 0).map(|n| Value::Number(n.floor())));
    "ceil" "<n-:n>" |_, a, _| Ok(num_arg(&a, 0).map(|n| Value::Number(n.ceil())));
    "round" "<n-n?:n>" |_, a, _| Ok(num_arg(&a, 0).map(|n| Value::Number(round_half_even(n, num_arg(&a, 1).unwrap_or(0.0)))));
    "abs" "<n-:n>" |_, a, _| Ok(num_arg(&a, 0).map(|n| Value::Number(n.abs())));
    "sqrt" "<n-:n>" |_, a, _| match num_arg(&a, 0) { Some(n) if n < 0.0 => Err(err("D3060", format!("The sqrt function cannot be applied to a negative number: {}", crate::value::format_number(n)))), n => Ok(n.map(|n| Value::Number(n.sqrt()))) };
    "power" "<n-n:n>" power;
    // Step Functions' `$random` takes an optional seed: the same seed, the same number.
    "random" "<n?:n>" |ev, a, _| Ok(Some(Value::Number(match num_arg(&a, 0) {
        Some(seed) => crate::eval::splitmix(&mut seed.to_bits()),
        None => ev.random(),
    })));
    "boolean" "<x-:b>" |_, a, _| Ok(a[0].as_ref().map(|_| Value::Bool(bool_cast(&a[0]))));
    "not" "<x-:b>" |_, a, _| Ok(a[0].as_ref().map(|_| Value::Bool(!bool_cast(&a[0]))));
    "exists" "<x:b>" |_, a, _| Ok(Some(Value::Bool(a[0].is_some())));
    "map" "<af>" map;
    "filter" "<af>" filter;
    "single" "<af?>" single;
    "reduce" "<afj?:j>" reduce;
    "zip" "<a+>" zip;
    "sift" "<o-f?:o>" sift;
    "each" "<o-f:a>" each;
    "keys" "<x-:a<s>>" keys;
    "lookup" "<x-s:x>" |_, a, _| Ok(crate::eval::lookup(&a[0], &str_arg(&a, 1).unwrap_or_default()));
    "append" "<xx:a>" append;
    "spread" "<x-:a<o>>" spread;
    "merge" "<a<o>:o>" merge;
    "reverse" "<a:a>" |_, a, _| Ok(a[0].as_ref().map(|v| Value::array(v.as_array().map_or(vec![], |a| a.items.iter().rev().cloned().collect()))));
    "sort" "<af?:a>" sort;
    "shuffle" "<a:a>" shuffle;
    "distinct" "<x:x>" distinct;
    "type" "<x:s>" |_, a, _| Ok(a[0].as_ref().map(|v| Value::string(type_name(v))));
    "error" "<s?:x>" |_, a, _| Err(err("D3137", str_arg(&a, 0).map_or("$error() function evaluated".to_string(), |s| s.to_string())));
    "assert" "<bs?:x>" |_, a, _| if matches!(a[0], Some(Value::Bool(true))) { Ok(None) } else { Err(err("D3141", str_arg(&a, 1).map_or("$assert() statement failed".to_string(), |s| s.to_string()))) };
    "base64encode" "<s-:s>" |_, a, _| Ok(str_arg(&a, 0).map(|s| Value::string(base64_encode(s.as_bytes()))));
    "base64decode" "<s-:s>" |_, a, _| Ok(str_arg(&a, 0).map(|s| Value::string(String::from_utf8_lossy(&base64_decode(&s)).into_owned())));
    "encodeUrlComponent" "<s-:s>" |_, a, _| url_encode(&a, "-_.!~*'()");
    "encodeUrl" "<s-:s>" |_, a, _| url_encode(&a, "-_.!~*'();/?:@&=+$,#[]");
    "decodeUrlComponent" "<s-:s>" |_, a, _| url_decode(&a, "", "decodeUrlComponent");
    "decodeUrl" "<s-:s>" |_, a, _| url_decode(&a, ";/?:@&=+$,#", "decodeUrl");
    "now" "<s?s?:s>" crate::datetime::now;
    "millis" "<:n>" |ev, _, _| Ok(Some(Value::Number(ev.env.now_ms as f64)));
    "fromMillis" "<n-s?s?:s>" crate::datetime::from_millis;
    "toMillis" "<s-s?:n>" crate::datetime::to_millis;
    "clone" "<(oa)-:o>" |_, a, _| Ok(a[0].clone());
    "eval" "<sx?:x>" eval_fn;
    // Step Functions adds these (ASL-SEMANTICS §6.2); `$random` takes its optional seed there too.
    "partition" "<an:a>" partition;
    "range" "<nnn?:a<n>>" range;
    "parse" "<s-:j>" parse;
    "uuid" "<:s>" |ev, _, _| Ok(Some(Value::string(uuid_v4(ev))));
    "hash" "<s-s:s>" hash;
}

/// `$hash(text, algorithm)`: the digest of the text's UTF-8 bytes in lower-case hex, by MD5, SHA-1,
/// SHA-256, SHA-384 or SHA-512 (the algorithms Step Functions lists, as for States.Hash).
fn hash(_: &mut Evaluator, a: Args, _: &Option<Value>) -> Out {
    use sha2::Digest;
    let (Some(text), Some(algorithm)) = (str_arg(&a, 0), str_arg(&a, 1)) else { return Ok(None) };
    let data = text.as_bytes();
    let digest: Vec<u8> = match &*algorithm {
        "MD5" => md5::Md5::digest(data).to_vec(),
        "SHA-1" => sha1::Sha1::digest(data).to_vec(),
        "SHA-256" => sha2::Sha256::digest(data).to_vec(),
        "SHA-384" => sha2::Sha384::digest(data).to_vec(),
        "SHA-512" => sha2::Sha512::digest(data).to_vec(),
        // AWS's text is not recorded [INF].
        _ => {
            return Err(err(
                "D3137",
                format!("$hash: the algorithm must be one of MD5, SHA-1, SHA-256, SHA-384, SHA-512, not '{algorithm}'"),
            ))
        }
    };
    Ok(Some(Value::string(digest.iter().map(|b| format!("{b:02x}")).collect::<String>())))
}

/// An argument that must be a whole number of at least `min`, or the signature error JSONata
/// gives for an argument of the wrong kind (AWS's own texts for these are not recorded).
fn whole(a: &Args, i: usize, min: f64, name: &str) -> Result<Option<f64>, Fail> {
    match num_arg(a, i) {
        Some(n) if n.fract() != 0.0 || n < min => Err(Error::new(
            "T0410",
            format!("Argument {} of function {name} does not match function signature", i + 1),
        )
        .with_token(name)),
        n => Ok(n),
    }
}

/// `$partition(array, size)`: the array cut into arrays of `size` items, the last one shorter.
fn partition(_: &mut Evaluator, a: Args, _: &Option<Value>) -> Out {
    let Some(size) = whole(&a, 1, 1.0, "partition")? else { return Ok(None) };
    let Some(_) = &a[0] else { return Ok(None) };
    let list = items(&a[0]);
    Ok(Some(Value::array(list.chunks(size as usize).map(|c| Value::array(c.to_vec())).collect())))
}

/// `$range(start, end, step)`: `start`, `start + step`, … up to `end` inclusive (`step` 1 by
/// default; a negative step counts down). A sequence, so one number comes back alone: AWS
/// returned `1` for `$range(1, 9, 9)`.
fn range(ev: &mut Evaluator, a: Args, _: &Option<Value>) -> Out {
    let (Some(start), Some(end)) = (num_arg(&a, 0), num_arg(&a, 1)) else { return Ok(None) };
    let step = num_arg(&a, 2).unwrap_or(1.0);
    if step == 0.0 || !step.is_finite() {
        return Err(Error::new("T0410", "Argument 3 of function range does not match function signature")
            .with_token("range"));
    }
    let span = (end - start) / step;
    let count = if span < 0.0 { 0.0 } else { span.floor() + 1.0 };
    // Each item is work, as it is for `[a..b]`.
    ev.spend_built(count as usize, count as usize)?;
    Ok(Some(Value::sequence((0..count as u64).map(|i| Value::Number(start + i as f64 * step)).collect())))
}

/// `$parse(text)`: the JSON value the string holds (AWS's alternative to `$eval`).
fn parse(_: &mut Evaluator, a: Args, _: &Option<Value>) -> Out {
    let Some(text) = str_arg(&a, 0) else { return Ok(None) };
    match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(v) => Ok(Some(Value::from_json(&v))),
        // AWS's text is not recorded [INF]: `$eval`'s code for a syntax error in its argument.
        Err(e) => Err(err("D3120", format!("Syntax error in JSON passed to function parse: {e}"))),
    }
}

/// A version 4 UUID from the evaluation's seeded generator: reproducible, like the rest of a run.
fn uuid_v4(ev: &mut Evaluator) -> String {
    let mut bytes = [0u8; 16];
    for b in bytes.iter_mut() {
        *b = (ev.random() * 256.0) as u8;
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

/// `$eval(text, context)`: JSONata in a string, in a scope of its own (it does not see the
/// caller's variables). Only when the host enables it: AWS Step Functions does not.
fn eval_fn(ev: &mut Evaluator, a: Args, input: &Option<Value>) -> Out {
    let Some(text) = str_arg(&a, 0) else { return Ok(None) };
    let node = crate::parser::parse(&text).map_err(|e| {
        err("D3120", format!("Syntax error in expression passed to function eval: {}", e.message))
    })?;
    let context = match a.get(1) {
        Some(Some(v)) => Some(v.clone()),
        _ => input.clone(),
    };
    ev.eval_detached(&node, &context).map_err(|e| {
        err(
            "D3121",
            format!("Dynamic error evaluating the expression passed to function eval: {}", e.message),
        )
    })
}

// ---- argument helpers ----

fn str_arg(a: &Args, i: usize) -> Option<Rc<str>> {
    match a.get(i) {
        Some(Some(Value::String(s))) => Some(s.clone()),
        _ => None,
    }
}

fn num_arg(a: &Args, i: usize) -> Option<f64> {
    match a.get(i) {
        Some(Some(Value::Number(n))) => Some(*n),
        _ => None,
    }
}

fn nums(v: &Option<Value>) -> Option<Vec<f64>> {
    let v = v.as_ref()?;
    Some(v.as_array().map_or(vec![], |a| {
        a.items.iter().filter_map(|i| if let Value::Number(n) = i { Some(*n) } else { None }).collect()
    }))
}

fn len(v: &Value) -> usize {
    v.as_array().map_or(1, |a| a.items.len())
}

fn items(v: &Option<Value>) -> Vec<Value> {
    match v {
        None => vec![],
        Some(Value::Array(a)) => a.items.clone(),
        Some(v) => vec![v.clone()],
    }
}

pub(crate) fn bool_cast(v: &Option<Value>) -> bool {
    truthy(v).unwrap_or(false)
}

/// `$string` of a value: strings as they are, numbers to 15 digits, the rest as JSON of at most
/// `limit` bytes (longer is `U1001`).
pub(crate) fn to_string(v: &Value, limit: usize) -> Result<String, Fail> {
    match v {
        Value::String(s) => Ok(s.to_string()),
        Value::Function(_) => Ok(String::new()),
        Value::Number(n) if !n.is_finite() => {
            Err(err("D3001", "Attempting to invoke string function on Infinity or NaN"))
        }
        other => {
            check_finite(other)?;
            stringify(other, false, limit).map_err(not_written)
        }
    }
}

fn text_too_long() -> Fail {
    err("U1001", "Evaluation exceeded its work bound: a text longer than the fuel left pays for")
}

fn not_written(stop: WriteStop) -> Fail {
    match stop {
        WriteStop::TooLong => text_too_long(),
        WriteStop::TooDeep => err(
            "U1001",
            format!("The value is nested more than {} deep to be written", crate::value::MAX_WRITE_DEPTH),
        ),
    }
}

/// Infinity and NaN have no JSON form. A loop: values may nest deeper than the stack allows.
fn check_finite(v: &Value) -> Result<(), Fail> {
    let mut pending = vec![v];
    while let Some(v) = pending.pop() {
        match v {
            Value::Number(n) if !n.is_finite() => {
                return Err(err("D1001", format!("Number out of range: {}", crate::value::format_number(*n))))
            }
            Value::Array(a) => pending.extend(a.items.iter().rev()),
            Value::Object(m) => pending.extend(m.values().rev()),
            _ => {}
        }
    }
    Ok(())
}

fn string(ev: &mut Evaluator, a: Args, _: &Option<Value>) -> Out {
    let Some(v) = &a[0] else { return Ok(None) };
    let pretty = matches!(a.get(1), Some(Some(Value::Bool(true))));
    if let Value::Number(n) = v {
        if n.is_finite() {
            return Ok(Some(Value::string(format_number_15(*n))));
        }
    }
    if pretty && !matches!(v, Value::String(_)) {
        check_finite(v)?;
        let text = stringify(v, true, ev.size_budget()).map_err(not_written)?;
        return Ok(Some(Value::string(text)));
    }
    Ok(Some(Value::string(to_string(v, ev.size_budget())?)))
}

/// Substrings count characters (code points), as JSONata 2 does.
fn substring(_: &mut Evaluator, a: Args, _: &Option<Value>) -> Out {
    let Some(s) = str_arg(&a, 0) else { return Ok(None) };
    let units: Vec<char> = s.chars().collect();
    let n = units.len() as f64;
    let mut start = num_arg(&a, 1).unwrap_or(0.0);
    if start < 0.0 {
        start = (n + start).max(0.0);
    }
    let start = start.min(n);
    let end = match num_arg(&a, 2) {
        None => n,
        Some(l) if l <= 0.0 => start,
        Some(l) => (start + l).min(n),
    };
    let (start, end) = (start.floor() as usize, end.floor() as usize);
    Ok(Some(Value::string(units[start..end.max(start)].iter().collect::<String>())))
}

fn pad(ev: &mut Evaluator, a: Args, _: &Option<Value>) -> Out {
    let Some(s) = str_arg(&a, 0) else { return Ok(None) };
    let width = num_arg(&a, 1).unwrap_or(0.0);
    let wanted = width.abs().min(1e15) as usize;
    ev.spend_built(wanted, wanted)?;
    let filler: Vec<char> = str_arg(&a, 2).filter(|f| !f.is_empty()).unwrap_or(" ".into()).chars().collect();
    let have = s.chars().count();
    let want = width.abs() as usize;
    if want <= have {
        return Ok(Some(Value::String(s)));
    }
    let padding: String = (0..want - have).map(|i| filler[i % filler.len()]).collect();
    Ok(Some(Value::string(if width > 0.0 { format!("{s}{padding}") } else { format!("{padding}{s}") })))
}

/// `$join(strings, separator)`. Its length is known before it is built: an array that holds one
/// long string a million times is small, its join is not.
fn join(ev: &mut Evaluator, a: Args, _: &Option<Value>) -> Out {
    let Some(v) = &a[0] else { return Ok(None) };
    let sep = str_arg(&a, 1).unwrap_or_default();
    let parts: Vec<&str> = v.as_array().map_or(Vec::new(), |a| {
        a.items.iter().map(|i| if let Value::String(s) = i { &**s } else { "" }).collect()
    });
    // Saturating: on wasm32 the sum of one long string's many uses overflows a usize.
    let separators = sep.len().saturating_mul(parts.len().saturating_sub(1));
    let length = parts.iter().fold(separators, |total, p| total.saturating_add(p.len()));
    if length > ev.size_budget() {
        return Err(text_too_long());
    }
    Ok(Some(Value::string(parts.join(&sep))))
}

fn number(_: &mut Evaluator, a: Args, _: &Option<Value>) -> Out {
    match &a[0] {
        None => Ok(None),
        Some(Value::Number(n)) => Ok(Some(Value::Number(*n))),
        Some(Value::Bool(b)) => Ok(Some(Value::Number(if *b { 1.0 } else { 0.0 }))),
        Some(Value::String(s)) => {
            match parse_number(s) {
                Some(n) => Ok(Some(Value::Number(n))),
                None => Err(err("D3030", format!("Unable to cast value to a number: \"{s}\""))
                    .with_token(s.to_string())),
            }
        }
        Some(_) => Err(err("D3030", "Unable to cast value to a number")),
    }
}

/// A string as a JSON number, or in JavaScript's hexadecimal, octal or binary notation.
fn parse_number(s: &str) -> Option<f64> {
    let t = s.trim();
    for (prefix, radix) in [("0x", 16), ("0X", 16), ("0o", 8), ("0O", 8), ("0b", 2), ("0B", 2)] {
        if let Some(rest) = t.strip_prefix(prefix) {
            return i64::from_str_radix(rest, radix).ok().map(|n| n as f64);
        }
    }
    // JSON's number syntax, except that leading zeros are allowed.
    let body = t.strip_prefix('-').unwrap_or(t);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let digits = |d: &str| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit());
    let exp_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['+', '-']).unwrap_or(e)));
    if !digits(int) || !frac.is_none_or(digits) || !exp_ok {
        return None;
    }
    let n: f64 = t.parse().ok()?;
    n.is_finite().then_some(n)
}

/// Round half to even, at `precision` decimal places, as JSONata's `$round`.
fn round_half_even(n: f64, precision: f64) -> f64 {
    let shift = |x: f64, p: f64| -> f64 {
        let text = format!("{}e{}", x, p as i64);
        text.parse().unwrap_or(x)
    };
    let value = shift(n, precision);
    let mut result = value.round();
    let diff = result - value;
    if diff.abs() == 0.5 && result % 2.0 != 0.0 {
        result -= diff.signum();
    }
    let back = shift(result, -precision);
    if back == 0.0 {
        0.0
    } else {
        back
    }
}

fn power(_: &mut Evaluator, a: Args, _: &Option<Value>) -> Out {
    let (Some(b), Some(e)) = (num_arg(&a, 0), num_arg(&a, 1)) else { return Ok(None) };
    let r = b.powf(e);
    if !r.is_finite() {
        return Err(err(
            "D3061",
            format!(
                "The power function has resulted in a value that cannot be represented as a JSON number: base={}, exponent={}",
                crate::value::format_number(b),
                crate::value::format_number(e)
            ),
        ));
    }
    Ok(Some(Value::Number(r)))
}

// ---- regular expressions ----

pub(crate) fn compile_regex(pattern: &str, flags: &str) -> Result<Value, regex_lite::Error> {
    let mut prefix = String::new();
    for (flag, inline) in [('i', "(?i)"), ('m', "(?m)"), ('s', "(?s)")] {
        if flags.contains(flag) {
            prefix.push_str(inline);
        }
    }
    let re = regex_lite::Regex::new(&format!("{prefix}{pattern}"))?;
    Ok(Value::Function(Rc::new(Function::Regex(Rc::new(re)))))
}

fn char_index(s: &str, byte: usize) -> usize {
    s[..byte].encode_utf16().count()
}

/// A regex value called on a string: the first match from `from` as `{match, start, end, groups,
/// next}`, `next` continuing the search.
pub(crate) fn regex_match_object(re: &Rc<regex_lite::Regex>, text: &Rc<str>, from: usize) -> Option<Value> {
    let caps = re.captures_at(text, from)?;
    let m = caps.get(0)?;
    let mut obj = Map::new();
    obj.insert("match".into(), Value::string(m.as_str()));
    obj.insert("start".into(), Value::Number(char_index(text, m.start()) as f64));
    obj.insert("end".into(), Value::Number(char_index(text, m.end()) as f64));
    let groups = (1..caps.len()).map(|i| Value::string(caps.get(i).map_or("", |g| g.as_str()))).collect();
    obj.insert("groups".into(), Value::array(groups));
    let next_from = if m.end() == m.start() { m.end() + 1 } else { m.end() };
    let next =
        Function::RegexNext { re: re.clone(), text: text.clone(), from: next_from.min(text.len() + 1) };
    if next_from <= text.len() {
        obj.insert("next".into(), Value::Function(Rc::new(next)));
    }
    Some(Value::object(obj))
}

/// Matches of a pattern argument (a regex value or a custom matcher function), in order.
struct Found {
    start: usize,
    end: usize,
    text: String,
    groups: Vec<String>,
}

fn find_all(
    ev: &mut Evaluator,
    pattern: &Value,
    s: &Rc<str>,
    limit: Option<usize>,
    name: &str,
) -> Result<Vec<Found>, Fail> {
    let mut out = Vec::new();
    let Value::Function(f) = pattern else { return Ok(out) };
    if let Function::Regex(re) = &**f {
        for caps in re.captures_iter(s) {
            if limit.is_some_and(|l| out.len() >= l) {
                break;
            }
            let m = caps.get(0).expect("group 0");
            if m.start() == m.end() {
                return Err(err("D1004", "Regular expression matches zero length string"));
            }
            out.push(Found {
                start: m.start(),
                end: m.end(),
                text: m.as_str().to_string(),
                groups: (1..caps.len())
                    .map(|i| caps.get(i).map_or(String::new(), |g| g.as_str().to_string()))
                    .collect(),
            });
        }
        return Ok(out);
    }
    // A custom matcher: a function returning match objects with `next`.
    let mut result = ev.apply(pattern, vec![Some(Value::String(s.clone()))], &None)?;
    let malformed = || {
        err("T1010", format!("The matcher function argument passed to function {name} does not return the correct object structure"))
    };
    if result.as_ref().is_some_and(|r| !matches!(r, Value::Object(_))) {
        return Err(malformed());
    }
    while let Some(Value::Object(m)) = result {
        let budget = ev.size_budget();
        if limit.is_some_and(|l| out.len() >= l) {
            break;
        }
        let (Some(Value::String(text)), Some(Value::Number(start))) = (m.get("match"), m.get("start")) else {
            return Err(malformed());
        };
        let start_byte = s.char_indices().nth(*start as usize).map_or(s.len(), |(b, _)| b);
        out.push(Found {
            start: start_byte,
            end: start_byte + text.len(),
            text: text.to_string(),
            groups: m.get("groups").and_then(|g| g.as_array()).map_or(vec![], |g| {
                g.items.iter().map(|v| to_string(v, budget).unwrap_or_default()).collect()
            }),
        });
        result = match m.get("next") {
            Some(next @ Value::Function(_)) => ev.apply(next, vec![], &None)?,
            _ => None,
        };
    }
    Ok(out)
}

fn limit_arg(a: &Args, i: usize, code: &'static str, name: &str) -> Result<Option<usize>, Fail> {
    match num_arg(a, i) {
        None => Ok(None),
        Some(n) if n < 0.0 => {
            Err(err(code, format!("Third argument of {name} function must evaluate to a positive number")))
        }
        Some(n) => Ok(Some(n.floor() as usize)),
    }
}

fn match_fn(ev: &mut Evaluator, a: Args, _: &Option<Value>) -> Out {
    let Some(s) = str_arg(&a, 0) else { return Ok(None) };
    let limit = limit_arg(&a, 2, "D3040", "match")?;
    let pattern = a[1].clone().unwrap_or(Value::Null);
    let found = find_all(ev, &pattern, &s, limit, "match")?;
    let out = found
        .into_iter()
        .map(|f| {
            let mut m = Map::new();
            m.insert("match".into(), Value::string(f.text));
            m.insert("index".into(), Value::Number(char_index(&s, f.start) as f64));
            m.insert("groups".into(), Value::array(f.groups.into_iter().map(Value::string).collect()));
            Value::object(m)
        })
        .collect();
    Ok(Some(Value::sequence(out)))
}

fn contains(ev: &mut Evaluator, a: Args, _: &Option<Value>) -> Out {
    let Some(s) = str_arg(&a, 0) else { return Ok(None) };
    let found = match &a[1] {
        Some(Value::String(p)) => s.contains(&**p),
        Some(pattern) => !find_all(ev, pattern, &s, Some(1), "contains")?.is_empty(),
        None => false,
    };
    Ok(Some(Value::Bool(found)))
}

fn replace(ev: &mut Evaluator, a: Args, _: &Option<Value>) -> Out {
    let Some(s) = str_arg(&a, 0) else { return Ok(None) };
    if matches!(&a[1], Some(Value::String(p)) if p.is_empty()) {
        return Err(err("D3010", "Second argument of replace function cannot be an empty string"));
    }
    let limit = match num_arg(&a, 3) {
        None => None,
        Some(n) if n < 0.0 => {
            return Err(err(
                "D3011",
                "Fourth argument of replace function must evaluate to a positive number",
            ))
        }
        Some(n) => Some(n.floor() as usize),
    };
    let found: Vec<Found> = match &a[1] {
        Some(Value::String(p)) => s
            .match_indices(&**p)
            .take(limit.unwrap_or(usize::MAX))
            .map(|(i, m)| Found { start: i, end: i + m.len(), text: m.to_string(), groups: vec![] })
            .collect(),
        Some(pattern) => find_all(ev, pattern, &s, limit, "replace")?,
        None => return Ok(None),
    };
    let mut out = String::new();
    let mut at = 0;
    for f in found {
        // A short text with a long replacement for each of many matches is a long text.
        if out.len() > ev.size_budget() {
            return Err(text_too_long());
        }
        out.push_str(&s[at..f.start]);
        match &a[2] {
            Some(Value::String(r)) => out.push_str(&expand_replacement(r, &f)),
            Some(func @ Value::Function(_)) => {
                let mut m = Map::new();
                m.insert("match".into(), Value::string(f.text.as_str()));
                m.insert("index".into(), Value::Number(char_index(&s, f.start) as f64));
                m.insert(
                    "groups".into(),
                    Value::array(f.groups.iter().map(|g| Value::string(g.as_str())).collect()),
                );
                match ev.apply(func, vec![Some(Value::object(m))], &None)? {
                    Some(Value::String(r)) => out.push_str(&r),
                    _ => {
                        return Err(err(
                            "D3012",
                            "Attempted to replace a matched string with a non-string value",
                        ))
                    }
                }
            }
            _ => {}
        }
        at = f.end;
    }
    out.push_str(&s[at..]);
    if out.len() > ev.size_budget() {
        return Err(text_too_long());
    }
    Ok(Some(Value::string(out)))
}

/// `$1`, `$$` and friends in a replacement string; a group number too large is read as fewer
/// digits, as JSONata does.
fn expand_replacement(r: &str, f: &Found) -> String {
    let chars: Vec<char> = r.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '$' && i + 1 < chars.len() {
            if chars[i + 1] == '$' {
                out.push('$');
                i += 2;
                continue;
            }
            if chars[i + 1].is_ascii_digit() {
                let mut j = i + 1;
                while j < chars.len() && chars[j].is_ascii_digit() {
                    j += 1;
                }
                // Use the longest prefix of digits that names a group.
                let digits: String = chars[i + 1..j].iter().collect();
                let mut taken = digits.len();
                while taken > 1 && digits[..taken].parse::<usize>().unwrap_or(0) > f.groups.len() {
                    taken -= 1;
                }
                let n: usize = digits[..taken].parse().unwrap_or(0);
                if n == 0 {
                    out.push_str(&f.text);
                } else if let Some(g) = f.groups.get(n - 1) {
                    out.push_str(g);
                }
                i += 1 + taken;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

fn split(ev: &mut Evaluator, a: Args, _: &Option<Value>) -> Out {
    let Some(s) = str_arg(&a, 0) else { return Ok(None) };
    let limit = limit_arg(&a, 2, "D3020", "split")?;
    let mut parts: Vec<Value> = match &a[1] {
        Some(Value::String(sep)) if sep.is_empty() => {
            s.chars().map(|c| Value::string(c.to_string())).collect()
        }
        Some(Value::String(sep)) => s.split(&**sep).map(Value::string).collect(),
        Some(pattern) => {
            let found = find_all(ev, pattern, &s, None, "split")?;
            let mut parts = Vec::new();
            let mut at = 0;
            for f in found {
                parts.push(Value::string(&s[at..f.start]));
                at = f.end;
            }
            parts.push(Value::string(&s[at..]));
            parts
        }
        None => return Ok(None),
    };
    if let Some(l) = limit {
        parts.truncate(l);
    }
    Ok(Some(Value::array(parts)))
}

// ---- higher-order functions ----

fn hof_args(f: &Value, item: &Value, index: usize, array: &Value) -> Args {
    let arity = match f {
        Value::Function(func) => func.arity(),
        _ => 1,
    };
    let mut args = vec![Some(item.clone())];
    if arity >= 2 {
        args.push(Some(Value::Number(index as f64)));
    }
    if arity >= 3 {
        args.push(Some(array.clone()));
    }
    args
}

fn map(ev: &mut Evaluator, a: Args, _: &Option<Value>) -> Out {
    let Some(arr) = &a[0] else { return Ok(None) };
    let f = a[1].clone().unwrap_or(Value::Null);
    let mut out = Vec::new();
    for (i, item) in items(&a[0]).iter().enumerate() {
        if let Some(v) = ev.apply(&f, hof_args(&f, item, i, arr), &None)? {
            out.push(v);
        }
    }
    Ok(Some(Value::sequence(out)))
}

fn filter(ev: &mut Evaluator, a: Args, _: &Option<Value>) -> Out {
    let Some(arr) = &a[0] else { return Ok(None) };
    let f = a[1].clone().unwrap_or(Value::Null);
    let mut out = Vec::new();
    for (i, item) in items(&a[0]).iter().enumerate() {
        if bool_cast(&ev.apply(&f, hof_args(&f, item, i, arr), &None)?) {
            out.push(item.clone());
        }
    }
    Ok(Some(Value::sequence(out)))
}

fn single(ev: &mut Evaluator, a: Args, _: &Option<Value>) -> Out {
    let Some(arr) = &a[0] else { return Ok(None) };
    let mut found = None;
    for (i, item) in items(&a[0]).iter().enumerate() {
        let keep = match &a[1] {
            Some(f) => bool_cast(&ev.apply(f, hof_args(f, item, i, arr), &None)?),
            None => true,
        };
        if keep {
            if found.is_some() {
                return Err(err(
                    "D3138",
                    "The $single() function expected exactly 1 matching result.  Instead it matched more.",
                ));
            }
            found = Some(item.clone());
        }
    }
    match found {
        Some(v) => Ok(Some(v)),
        None => Err(err(
            "D3139",
            "The $single() function expected exactly 1 matching result.  Instead it matched 0.",
        )),
    }
}

fn reduce(ev: &mut Evaluator, a: Args, _: &Option<Value>) -> Out {
    let Some(arr) = &a[0] else { return Ok(None) };
    let f = a[1].clone().unwrap_or(Value::Null);
    let arity = match &f {
        Value::Function(func) => func.arity(),
        _ => 0,
    };
    if arity < 2 {
        return Err(err(
            "D3050",
            "The second argument of reduce function must be a function with at least two arguments",
        ));
    }
    let list = items(&a[0]);
    let (mut acc, start) = match &a[2] {
        Some(init) => (Some(init.clone()), 0),
        None => (list.first().cloned(), 1),
    };
    for (i, item) in list.iter().enumerate().skip(start) {
        let mut args = vec![acc, Some(item.clone())];
        if arity >= 3 {
            args.push(Some(Value::Number(i as f64)));
        }
        if arity >= 4 {
            args.push(Some(arr.clone()));
        }
        acc = ev.apply(&f, args, &None)?;
    }
    Ok(acc)
}

fn zip(_: &mut Evaluator, a: Args, _: &Option<Value>) -> Out {
    let lists: Vec<Vec<Value>> = a.iter().map(items).collect();
    let n = lists.iter().map(|l| l.len()).min().unwrap_or(0);
    Ok(Some(Value::array(
        (0..n).map(|i| Value::array(lists.iter().map(|l| l[i].clone()).collect())).collect(),
    )))
}

/// The arguments `$sift` and `$each` pass their function: the value, then as many of the key and
/// the whole object as the function takes.
fn entry_args(value: &Value, key: &Rc<str>, object: &Option<Value>, arity: usize) -> Args {
    let mut args = vec![Some(value.clone())];
    if arity >= 2 {
        args.push(Some(Value::String(key.clone())));
    }
    if arity >= 3 {
        args.push(object.clone());
    }
    args
}

fn sift(ev: &mut Evaluator, a: Args, _: &Option<Value>) -> Out {
    let Some(Value::Object(m)) = &a[0] else { return Ok(None) };
    let f = a[1].clone().unwrap_or(Value::Null);
    let arity = if let Value::Function(func) = &f { func.arity() } else { 1 };
    let mut out = Map::new();
    for (k, v) in m.iter() {
        let args = entry_args(v, k, &a[0], arity);
        if bool_cast(&ev.apply(&f, args, &None)?) {
            out.insert(k.clone(), v.clone());
        }
    }
    Ok((!out.is_empty()).then(|| Value::object(out)))
}

fn each(ev: &mut Evaluator, a: Args, _: &Option<Value>) -> Out {
    let Some(Value::Object(m)) = &a[0] else { return Ok(None) };
    let f = a[1].clone().unwrap_or(Value::Null);
    let arity = if let Value::Function(func) = &f { func.arity() } else { 1 };
    let mut out = Vec::new();
    for (k, v) in m.iter() {
        let args = entry_args(v, k, &a[0], arity);
        if let Some(r) = ev.apply(&f, args, &None)? {
            out.push(r);
        }
    }
    Ok(Some(Value::sequence(out)))
}

/// A stable merge sort whose comparison may fail (it calls a JSONata function).
fn merge_sort(
    list: Vec<Value>,
    before: &mut dyn FnMut(&Value, &Value) -> Result<bool, Fail>,
) -> Result<Vec<Value>, Fail> {
    if list.len() <= 1 {
        return Ok(list);
    }
    let mut left = list;
    let right = left.split_off(left.len() / 2);
    let left = merge_sort(left, before)?;
    let right = merge_sort(right, before)?;
    let mut out = Vec::with_capacity(left.len() + right.len());
    let (mut l, mut r) = (left.into_iter().peekable(), right.into_iter().peekable());
    while let (Some(a), Some(b)) = (l.peek(), r.peek()) {
        // The comparator says whether `a` goes after `b`.
        if before(a, b)? {
            out.push(r.next().expect("peeked"));
        } else {
            out.push(l.next().expect("peeked"));
        }
    }
    out.extend(l);
    out.extend(r);
    Ok(out)
}

fn sort(ev: &mut Evaluator, a: Args, _: &Option<Value>) -> Out {
    let Some(_) = &a[0] else { return Ok(None) };
    let list = items(&a[0]);
    let sorted = match &a[1] {
        Some(f) => {
            let f = f.clone();
            merge_sort(list, &mut |x, y| {
                Ok(bool_cast(&ev.apply(&f, vec![Some(x.clone()), Some(y.clone())], &None)?))
            })?
        }
        None => {
            let all_numbers = list.iter().all(|v| matches!(v, Value::Number(_)));
            let all_strings = list.iter().all(|v| matches!(v, Value::String(_)));
            if !all_numbers && !all_strings {
                return Err(err("D3070", "The single argument form of the sort function can only be applied to an array of strings or an array of numbers.  Use the second argument to specify a comparison function"));
            }
            merge_sort(list, &mut |x, y| {
                ev.spend(1)?;
                Ok(match (x, y) {
                    (Value::Number(p), Value::Number(q)) => p > q,
                    (Value::String(p), Value::String(q)) => {
                        compare_strings(p, q) == std::cmp::Ordering::Greater
                    }
                    _ => false,
                })
            })?
        }
    };
    Ok(Some(Value::array(sorted)))
}

fn shuffle(ev: &mut Evaluator, a: Args, _: &Option<Value>) -> Out {
    let Some(_) = &a[0] else { return Ok(None) };
    let mut list = items(&a[0]);
    for i in (1..list.len()).rev() {
        let j = (ev.random() * (i + 1) as f64).floor() as usize;
        list.swap(i, j);
    }
    Ok(Some(Value::array(list)))
}

fn distinct(ev: &mut Evaluator, a: Args, _: &Option<Value>) -> Out {
    let Some(v) = &a[0] else { return Ok(None) };
    let Value::Array(arr) = v else { return Ok(Some(v.clone())) };
    if arr.items.len() <= 1 {
        return Ok(Some(v.clone()));
    }
    let mut out: Vec<Value> = Vec::new();
    for item in &arr.items {
        // Quadratic: each item is compared with those kept so far.
        ev.spend(out.len() as u64)?;
        if !out.iter().any(|o| deep_equal(o, item)) {
            out.push(item.clone());
        }
    }
    Ok(Some(if arr.sequence { Value::sequence(out) } else { Value::array(out) }))
}

// ---- objects ----

fn keys(_: &mut Evaluator, a: Args, _: &Option<Value>) -> Out {
    // A set in first-seen order: many objects of distinct keys are not quadratic.
    let mut out: indexmap::IndexSet<Rc<str>> = Default::default();
    for v in items(&a[0]) {
        if let Value::Object(m) = v {
            out.extend(m.keys().cloned());
        }
    }
    Ok(Some(Value::sequence(out.into_iter().map(Value::String).collect())))
}

fn append(_: &mut Evaluator, a: Args, _: &Option<Value>) -> Out {
    match (&a[0], &a[1]) {
        (None, other) | (other, None) => Ok(other.clone()),
        (Some(x), Some(y)) => {
            let mut out = items(&Some(x.clone()));
            out.extend(items(&Some(y.clone())));
            Ok(Some(Value::array(out)))
        }
    }
}

fn spread(_: &mut Evaluator, a: Args, _: &Option<Value>) -> Out {
    let Some(v) = &a[0] else { return Ok(None) };
    let mut out = Vec::new();
    for item in items(&Some(v.clone())) {
        match item {
            Value::Object(m) => {
                for (k, v) in m.iter() {
                    let mut one = Map::new();
                    one.insert(k.clone(), v.clone());
                    out.push(Value::object(one));
                }
            }
            other => out.push(other),
        }
    }
    if !matches!(v, Value::Array(_) | Value::Object(_)) {
        return Ok(Some(v.clone()));
    }
    Ok(Some(Value::sequence(out)))
}

fn merge(_: &mut Evaluator, a: Args, _: &Option<Value>) -> Out {
    let Some(_) = &a[0] else { return Ok(None) };
    let mut out = Map::new();
    for v in items(&a[0]) {
        if let Value::Object(m) = v {
            for (k, v) in m.iter() {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    Ok(Some(Value::object(out)))
}

// ---- encodings ----

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
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

fn base64_decode(s: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes() {
        let Some(v) = B64.iter().position(|&b| b == c) else { continue };
        acc = acc << 6 | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

fn url_encode(a: &Args, keep: &str) -> Out {
    let Some(s) = str_arg(a, 0) else { return Ok(None) };
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || keep.contains(c) {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    Ok(Some(Value::string(out)))
}

fn url_decode(a: &Args, reserved: &str, name: &str) -> Out {
    let Some(s) = str_arg(a, 0) else { return Ok(None) };
    let bytes = s.as_bytes();
    let mut out: Vec<u8> = Vec::new();
    let mut i = 0;
    let malformed = || err("D3140", format!("Malformed URL passed to ${name}(): \"{s}\""));
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3).ok_or_else(malformed)?;
            let b = u8::from_str_radix(hex, 16).map_err(|_| malformed())?;
            if b < 0x80 && reserved.contains(b as char) {
                out.extend_from_slice(&bytes[i..i + 3]);
            } else {
                out.push(b);
            }
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map(|s| Some(Value::string(s))).map_err(|_| malformed())
}
