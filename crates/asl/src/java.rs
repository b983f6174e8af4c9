//! Values as AWS's Java runtime prints and orders them: `toString` of its collections and numbers,
//! and `HashMap` iteration order. `States.Format`, Jayway's messages and payload templates with `.$`
//! keys show them (evidence in the conformance corpus).

use std::rc::Rc;

use crate::value::{Map, Number, Value};

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

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Value {
        Value::parse(s).expect("test JSON")
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
}
