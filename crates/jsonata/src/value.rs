//! Values during evaluation: JSON plus functions, with arrays that remember whether they are a
//! sequence (JSONata's flattening result) or were built by an array constructor. Undefined is
//! `Option::None` wherever a value may be missing.

use std::rc::Rc;

use indexmap::IndexMap;

use crate::eval::Function;

pub(crate) type Map = IndexMap<Rc<str>, Value>;

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
    Object(Rc<Map>),
    Function(Rc<Function>),
}

impl Value {
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
            serde_json::Value::Object(map) => Value::Object(Rc::new(
                map.iter().map(|(k, v)| (Rc::from(k.as_str()), Value::from_json(v))).collect(),
            )),
        }
    }

    /// JSON for the host. Functions have no JSON form: like `JSON.stringify`, they become nothing
    /// in an object, null in an array, and undefined at the top.
    pub(crate) fn to_json(&self) -> Option<serde_json::Value> {
        Some(match self {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => number_to_json(*n),
            Value::String(s) => serde_json::Value::String(s.to_string()),
            Value::Array(a) => serde_json::Value::Array(
                a.items.iter().map(|v| v.to_json().unwrap_or(serde_json::Value::Null)).collect(),
            ),
            Value::Object(m) => serde_json::Value::Object(
                m.iter().filter_map(|(k, v)| Some((k.to_string(), v.to_json()?))).collect(),
            ),
            Value::Function(_) => return None,
        })
    }
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
/// optionally indented by two spaces. `None` when the text would be longer than `limit` bytes:
/// a value that shares one long string a million times is small, its text is not.
pub(crate) fn stringify(v: &Value, pretty: bool, limit: usize) -> Option<String> {
    let mut out = String::new();
    write_json(&mut out, v, pretty, 0, limit).ok()?;
    Some(out)
}

/// Stops (`Err`) as soon as `out` is longer than `limit`.
fn write_json(out: &mut String, v: &Value, pretty: bool, depth: usize, limit: usize) -> Result<(), ()> {
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
                return Err(());
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
                write_json(out, item, pretty, depth + 1, limit)?;
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
                write_json(out, item, pretty, depth + 1, limit)?;
            }
            if !m.is_empty() {
                newline(out, depth);
            }
            out.push('}');
        }
    }
    if out.len() > limit {
        return Err(());
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
    if write_json(&mut out, v, false, 0, LIMIT).is_err() {
        let mut cut = LIMIT.min(out.len());
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
        out.push('…');
    }
    out
}

/// JSONata's `=`: deep equality on JSON values; functions are never equal.
pub(crate) fn deep_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Number(x), Value::Number(y)) => x == y,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Array(x), Value::Array(y)) => {
            x.items.len() == y.items.len() && x.items.iter().zip(&y.items).all(|(p, q)| deep_equal(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| deep_equal(v, w)))
        }
        (Value::Function(x), Value::Function(y)) => Rc::ptr_eq(x, y),
        _ => false,
    }
}

/// JSONata's boolean cast (`$boolean`), with undefined for an empty sequence.
pub(crate) fn truthy(v: &Option<Value>) -> Option<bool> {
    let v = v.as_ref()?;
    Some(match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => *n != 0.0,
        Value::String(s) => !s.is_empty(),
        Value::Object(m) => !m.is_empty(),
        Value::Function(_) => false,
        Value::Array(a) => match a.items.len() {
            0 => false,
            1 => truthy(&Some(a.items[0].clone())).unwrap_or(false),
            _ => a.items.iter().any(|i| truthy(&Some(i.clone())).unwrap_or(false)),
        },
    })
}
