//! Values during evaluation: JSON plus functions, with arrays that remember whether they are a
//! sequence (JSONata's flattening result) or were built by an array constructor. Undefined is
//! `Option::None` wherever a value may be missing.

use std::rc::Rc;

use indexmap::IndexMap;

use crate::eval::Function;

pub(crate) type Map = IndexMap<Rc<str>, Value>;

/// Deepest nesting of a value written out (JSON for the host, text for `$string`, a transform's
/// copy): deeper is `U1001`. Evaluation can nest values far deeper (a loop wrapping its
/// accumulator), and every walk over them must then be a loop, or stop here.
pub(crate) const MAX_WRITE_DEPTH: usize = 1000;

/// Native stack a recursive walk over a value may use, whatever its depth: a debug build's
/// frames are several times a release build's.
const MAX_WRITE_STACK: usize = 256 * 1024;

/// Whether a recursive walk that began with the stack at `stack_base` is now `depth` levels
/// down, or as much stack, too far.
pub(crate) fn too_deep_to_write(depth: usize, stack_base: usize) -> bool {
    depth > MAX_WRITE_DEPTH || stack_base.abs_diff(crate::stack_position()) > MAX_WRITE_STACK
}

/// An object's entries, in insertion order: a type of its own so that its drop is flat.
#[derive(Clone, Debug, Default)]
pub(crate) struct Object(pub Map);

impl std::ops::Deref for Object {
    type Target = Map;
    fn deref(&self) -> &Map {
        &self.0
    }
}

impl Drop for Object {
    fn drop(&mut self) {
        drop_flat(std::mem::take(&mut self.0).into_values().collect());
    }
}

impl Drop for Array {
    fn drop(&mut self) {
        drop_flat(std::mem::take(&mut self.items));
    }
}

/// Drops values in a loop: a container no one else holds gives its contents to the list before
/// it goes, so a value nested a million deep (a loop can build one) does not drop recursively.
pub(crate) fn drop_flat(mut pending: Vec<Value>) {
    while let Some(v) = pending.pop() {
        match v {
            Value::Array(a) => {
                if let Ok(mut a) = Rc::try_unwrap(a) {
                    pending.append(&mut a.items);
                }
            }
            Value::Object(o) => {
                if let Ok(mut o) = Rc::try_unwrap(o) {
                    pending.extend(std::mem::take(&mut o.0).into_values());
                }
            }
            Value::Function(f) => {
                if let Ok(mut f) = Rc::try_unwrap(f) {
                    f.give_values(&mut pending);
                }
            }
            _ => {}
        }
    }
}

#[derive(Clone, Debug, Default)]
pub(crate) struct Array {
    pub items: Vec<Value>,
    /// A sequence from path evaluation: a singleton collapses to its item, empty to undefined.
    pub sequence: bool,
    /// `a[]`: a singleton sequence stays an array.
    pub keep_singleton: bool,
    /// Built by `[...]`: kept whole as a path step's result instead of being flattened.
    pub cons: bool,
    /// The wrapper put around an array input so that `$` is the whole array.
    pub outer_wrapper: bool,
}

#[derive(Clone, Debug)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(Rc<str>),
    Array(Rc<Array>),
    Object(Rc<Object>),
    Function(Rc<Function>),
}

impl Value {
    pub(crate) fn object(entries: Map) -> Value {
        Value::Object(Rc::new(Object(entries)))
    }

    pub(crate) fn string(s: impl Into<Rc<str>>) -> Value {
        Value::String(s.into())
    }

    pub(crate) fn array(items: Vec<Value>) -> Value {
        Value::Array(Rc::new(Array { items, ..Array::default() }))
    }

    pub(crate) fn sequence(items: Vec<Value>) -> Value {
        Value::Array(Rc::new(Array { items, sequence: true, ..Array::default() }))
    }

    pub(crate) fn as_array(&self) -> Option<&Array> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    pub(crate) fn from_json(v: &serde_json::Value) -> Value {
        match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => Value::Number(n.as_f64().unwrap_or(f64::NAN)),
            serde_json::Value::String(s) => Value::string(s.as_str()),
            serde_json::Value::Array(items) => Value::array(items.iter().map(Value::from_json).collect()),
            serde_json::Value::Object(map) => {
                Value::object(map.iter().map(|(k, v)| (Rc::from(k.as_str()), Value::from_json(v))).collect())
            }
        }
    }

    /// JSON for the host. Functions have no JSON form: like `JSON.stringify`, they become nothing
    /// in an object, null in an array, and undefined at the top. `Err` when nested deeper than
    /// [`MAX_WRITE_DEPTH`].
    pub(crate) fn to_json(&self) -> Result<Option<serde_json::Value>, TooDeep> {
        self.to_json_at(0, crate::stack_position())
    }

    fn to_json_at(&self, depth: usize, stack_base: usize) -> Result<Option<serde_json::Value>, TooDeep> {
        if too_deep_to_write(depth, stack_base) {
            return Err(TooDeep);
        }
        Ok(Some(match self {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => number_to_json(*n),
            Value::String(s) => serde_json::Value::String(s.to_string()),
            Value::Array(a) => {
                let mut items = Vec::with_capacity(a.items.len());
                for v in &a.items {
                    items.push(v.to_json_at(depth + 1, stack_base)?.unwrap_or(serde_json::Value::Null));
                }
                serde_json::Value::Array(items)
            }
            Value::Object(m) => {
                let mut entries = serde_json::Map::new();
                for (k, v) in m.iter() {
                    if let Some(v) = v.to_json_at(depth + 1, stack_base)? {
                        entries.insert(k.to_string(), v);
                    }
                }
                serde_json::Value::Object(entries)
            }
            Value::Function(_) => return Ok(None),
        }))
    }
}

/// A value nested deeper than [`MAX_WRITE_DEPTH`], met while writing it.
#[derive(Debug)]
pub(crate) struct TooDeep;

/// Why a value's text was not written.
#[derive(Debug)]
pub(crate) enum WriteStop {
    /// Longer than the limit given.
    TooLong,
    TooDeep,
}

/// A number as JSON: a whole number as an integer, written as `JSON.stringify` writes it (no
/// `.0`; beyond 2^53 the shortest digits that read back as the same float, then zeros), the
/// rest as a float.
pub(crate) fn number_to_json(n: f64) -> serde_json::Value {
    const TWO_TO_53: f64 = 9_007_199_254_740_992.0;
    if n.fract() == 0.0 && n.abs() <= TWO_TO_53 {
        return serde_json::Value::from(n as i64);
    }
    if n.fract() == 0.0 {
        // Below 1e21 JavaScript writes all the digits: an integer, when it fits in 64 bits.
        let text = format_number(n);
        if let Ok(i) = text.parse::<i64>() {
            return serde_json::Value::from(i);
        }
        if let Ok(u) = text.parse::<u64>() {
            return serde_json::Value::from(u);
        }
    }
    serde_json::Number::from_f64(n).map(serde_json::Value::Number).unwrap_or(serde_json::Value::Null)
}

/// A number as JavaScript's `String(n)` writes it: shortest round-trip digits, exponent form
/// below 1e-6 and from 1e21.
pub(crate) fn format_number(n: f64) -> String {
    if n.is_nan() {
        return "NaN".into();
    }
    if n.is_infinite() {
        return if n > 0.0 { "Infinity".into() } else { "-Infinity".into() };
    }
    if n == 0.0 {
        return "0".into();
    }
    let sci = format!("{:e}", n.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let sign = if n < 0.0 { "-" } else { "" };
    let k = digits.len() as i32;
    let body = if (-7 < exp) && exp < 21 {
        if exp >= k - 1 {
            format!("{digits}{}", "0".repeat((exp - k + 1) as usize))
        } else if exp >= 0 {
            let (a, b) = digits.split_at(exp as usize + 1);
            format!("{a}.{b}")
        } else {
            format!("0.{}{digits}", "0".repeat((-exp - 1) as usize))
        }
    } else {
        let (a, b) = digits.split_at(1);
        let e = if exp >= 0 { format!("+{exp}") } else { exp.to_string() };
        if b.is_empty() {
            format!("{a}e{e}")
        } else {
            format!("{a}.{b}e{e}")
        }
    };
    format!("{sign}{body}")
}

/// A number rounded to 15 significant digits, as JSONata's `$string` does to hide float noise.
pub(crate) fn format_number_15(n: f64) -> String {
    if !n.is_finite() || n == 0.0 {
        return format_number(n);
    }
    let rounded: f64 = format!("{:.14e}", n).parse().unwrap_or(n);
    format_number(rounded)
}

fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `JSON.stringify` as JSONata's `$string` uses it: numbers to 15 digits, functions as "",
/// optionally indented by two spaces. Not when the text would be longer than `limit` bytes (a
/// value that shares one long string a million times is small, its text is not), nor deeper than
/// [`MAX_WRITE_DEPTH`].
pub(crate) fn stringify(v: &Value, pretty: bool, limit: usize) -> Result<String, WriteStop> {
    let mut out = String::new();
    write_json(&mut out, v, pretty, 0, limit, crate::stack_position())?;
    Ok(out)
}

/// Stops (`Err`) as soon as `out` is longer than `limit`, or the value nests too deep (see
/// [`too_deep_to_write`]).
fn write_json(
    out: &mut String,
    v: &Value,
    pretty: bool,
    depth: usize,
    limit: usize,
    stack_base: usize,
) -> Result<(), WriteStop> {
    if too_deep_to_write(depth, stack_base) {
        return Err(WriteStop::TooDeep);
    }
    let newline = |out: &mut String, depth: usize| {
        if pretty {
            out.push('\n');
            out.push_str(&"  ".repeat(depth));
        }
    };
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) if n.is_finite() => out.push_str(&format_number_15(*n)),
        Value::Number(_) => out.push_str("null"),
        Value::String(s) => {
            if out.len() + s.len() > limit {
                return Err(WriteStop::TooLong);
            }
            write_string(out, s)
        }
        Value::Function(_) => out.push_str("\"\""),
        Value::Array(a) => {
            out.push('[');
            for (i, item) in a.items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                write_json(out, item, pretty, depth + 1, limit, stack_base)?;
            }
            if !a.items.is_empty() {
                newline(out, depth);
            }
            out.push(']');
        }
        Value::Object(m) => {
            out.push('{');
            for (i, (k, item)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                write_string(out, k);
                out.push(':');
                if pretty {
                    out.push(' ');
                }
                write_json(out, item, pretty, depth + 1, limit, stack_base)?;
            }
            if !m.is_empty() {
                newline(out, depth);
            }
            out.push('}');
        }
    }
    if out.len() > limit {
        return Err(WriteStop::TooLong);
    }
    Ok(())
}

/// A value as JSON text for error messages, cut short after some thousands of characters.
pub(crate) fn to_json_text(v: &Value) -> String {
    const LIMIT: usize = 4096;
    if let Value::String(s) = v {
        return s.to_string();
    }
    let mut out = String::new();
    if write_json(&mut out, v, false, 0, LIMIT, crate::stack_position()).is_err() {
        let mut cut = LIMIT.min(out.len());
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
        out.push('…');
    }
    out
}

/// JSONata's `=`: deep equality on JSON values; functions are never equal. A loop over pairs,
/// since values may nest deeper than the stack allows.
pub(crate) fn deep_equal(a: &Value, b: &Value) -> bool {
    let mut pending = vec![(a, b)];
    while let Some((a, b)) = pending.pop() {
        let same = match (a, b) {
            (Value::Null, Value::Null) => true,
            (Value::Bool(x), Value::Bool(y)) => x == y,
            (Value::Number(x), Value::Number(y)) => x == y,
            (Value::String(x), Value::String(y)) => x == y,
            (Value::Array(x), Value::Array(y)) => {
                pending.extend(x.items.iter().zip(&y.items));
                x.items.len() == y.items.len()
            }
            (Value::Object(x), Value::Object(y)) => {
                for (k, v) in x.iter() {
                    match y.get(k) {
                        Some(w) => pending.push((v, w)),
                        None => return false,
                    }
                }
                x.len() == y.len()
            }
            (Value::Function(x), Value::Function(y)) => Rc::ptr_eq(x, y),
            _ => false,
        };
        if !same {
            return false;
        }
    }
    true
}

/// JSONata's boolean cast (`$boolean`), with undefined for an empty sequence. An array is true
/// when any of its items is, however deep: a loop over them.
pub(crate) fn truthy(v: &Option<Value>) -> Option<bool> {
    let mut pending = vec![v.as_ref()?];
    while let Some(v) = pending.pop() {
        let true_here = match v {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::Number(n) => *n != 0.0,
            Value::String(s) => !s.is_empty(),
            Value::Object(m) => !m.is_empty(),
            Value::Function(_) => false,
            Value::Array(a) => {
                pending.extend(a.items.iter());
                false
            }
        };
        if true_here {
            return Some(true);
        }
    }
    Some(false)
}

/// The values inside `v` that are not arrays, in order, however deeply the arrays nest.
pub(crate) fn for_each_leaf<'v>(v: &'v Value, mut f: impl FnMut(&'v Value)) {
    let mut pending: Vec<std::slice::Iter<'v, Value>> = Vec::new();
    match v {
        Value::Array(a) => pending.push(a.items.iter()),
        v => return f(v),
    }
    while let Some(items) = pending.last_mut() {
        match items.next() {
            None => {
                pending.pop();
            }
            Some(Value::Array(a)) => pending.push(a.items.iter()),
            Some(v) => f(v),
        }
    }
}
