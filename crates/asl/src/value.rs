//! JSON values that are cheap to share.
//!
//! State data flows through every state of an execution, and most states pass most of it on
//! unchanged (`ResultPath: "$.x"` copies the whole input but one key). Arrays, objects and strings
//! are therefore reference-counted: cloning a [`Value`] is O(1), and changing one copies only the
//! containers on the path to the change (`Rc::make_mut`). Object keys keep their insertion order,
//! as AWS does in outputs.

use std::fmt;
use std::rc::Rc;

use indexmap::IndexMap;
pub use serde_json::Number;

/// An object's entries, in insertion order.
pub type Map = IndexMap<Rc<str>, Value>;

#[derive(Clone, Debug, PartialEq, Default)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Number(Number),
    String(Rc<str>),
    Array(Rc<Vec<Value>>),
    Object(Rc<Map>),
}

impl Value {
    pub fn string(s: impl Into<Rc<str>>) -> Value {
        Value::String(s.into())
    }

    pub fn array(items: Vec<Value>) -> Value {
        Value::Array(Rc::new(items))
    }

    pub fn object(map: Map) -> Value {
        Value::Object(Rc::new(map))
    }

    /// An object from `(key, value)` pairs, in order.
    pub fn from_pairs<K: Into<Rc<str>>>(pairs: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::object(pairs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    pub fn empty_object() -> Value {
        Value::object(Map::new())
    }

    pub fn from_i64(n: i64) -> Value {
        Value::Number(n.into())
    }

    /// A number from a float; integral floats stay floats (`1.0`), as in the JSON they came from.
    /// NaN and infinities, which JSON cannot hold, become `null`.
    pub fn from_f64(n: f64) -> Value {
        Number::from_f64(n).map_or(Value::Null, Value::Number)
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => n.as_f64(),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Number(n) => n.as_i64(),
            _ => None,
        }
    }

    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Number(n) => n.as_u64(),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }

    /// The member `key` of an object; `None` for a missing key or a non-object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object().and_then(|o| o.get(key))
    }

    /// The JSON type's name as AWS's messages spell it.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }

    /// Compact JSON text, as AWS writes `input`/`output` in the event history.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "null".into())
    }

    /// Indented JSON text, for people.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|_| "null".into())
    }

    /// Parses JSON text (no source map; see [`crate::source`] for definitions).
    pub fn parse(text: &str) -> Result<Value, serde_json::Error> {
        // Through serde_json's own `Value` (same parser, same errors): the web app links that
        // instance of the parser anyway, and deserializing this type directly would add another.
        serde_json::from_str::<serde_json::Value>(text).map(Value::from)
    }

    /// Size in bytes of the compact JSON text, for AWS's 256 KiB payload limit.
    pub fn json_len(&self) -> usize {
        struct Counter(usize);
        impl std::io::Write for Counter {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                self.0 += buf.len();
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut counter = Counter(0);
        let _ = serde_json::to_writer(&mut counter, self);
        counter.0
    }
}

impl Value {
    /// Whether both are the same shared string, array or object (not merely equal): a cheap way
    /// to know a value was already measured or checked.
    pub fn is_same(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::String(a), Value::String(b)) => Rc::ptr_eq(a, b),
            (Value::Array(a), Value::Array(b)) => Rc::ptr_eq(a, b),
            (Value::Object(a), Value::Object(b)) => Rc::ptr_eq(a, b),
            _ => false,
        }
    }

    /// The size of the compact JSON text, as [`Value::json_len`], taking the sizes of parts
    /// already in `sizes` from there: a value built from a history's values walks only its new
    /// parts.
    pub fn json_len_with(&self, sizes: &Sizes) -> usize {
        match self.address().and_then(|a| sizes.json.get(&a)) {
            Some(&known) => known,
            None => self.json_len_by(|v| v.json_len_with(sizes)),
        }
    }

    /// Records the JSON size of this value and its parts in `sizes`, and answers about how many
    /// bytes of memory the parts that were not there yet hold. Only for values a history keeps
    /// for as long as `sizes` lives: an address is then never reused for another value.
    pub fn remember(&self, sizes: &mut Sizes) -> usize {
        const SLOT: usize = std::mem::size_of::<Value>();
        // A map entry: its key, its value and the index's hash and slot (IndexMap's layout, roughly).
        const ENTRY: usize = SLOT + std::mem::size_of::<Rc<str>>() + 2 * std::mem::size_of::<usize>();
        // The record in `sizes` costs memory too: an address, a size and the table's control byte.
        const RECORD: usize = 3 * std::mem::size_of::<usize>();
        let Some(address) = self.address() else { return 0 };
        if sizes.json.contains_key(&address) {
            return 0;
        }
        let memory = RECORD
            + match self {
                Value::String(s) => s.len(),
                Value::Array(items) => {
                    items.capacity() * SLOT + items.iter().map(|v| v.remember(sizes)).sum::<usize>()
                }
                Value::Object(map) => {
                    map.capacity() * ENTRY
                        + map.iter().map(|(k, v)| k.len() + v.remember(sizes)).sum::<usize>()
                }
                _ => 0,
            };
        let json = self.json_len_with(sizes);
        sizes.json.insert(address, json);
        memory
    }

    /// The address of a shared string, array or object; `None` for the values held inline.
    fn address(&self) -> Option<usize> {
        match self {
            Value::String(s) => Some(Rc::as_ptr(s) as *const u8 as usize),
            Value::Array(a) => Some(Rc::as_ptr(a) as usize),
            Value::Object(o) => Some(Rc::as_ptr(o) as usize),
            _ => None,
        }
    }

    /// The compact JSON size, with `part` measuring each element or member value.
    fn json_len_by(&self, part: impl Fn(&Value) -> usize) -> usize {
        let commas = |n: usize| n.saturating_sub(1);
        match self {
            Value::String(s) => json_str_len(s),
            Value::Array(items) => 2 + commas(items.len()) + items.iter().map(part).sum::<usize>(),
            Value::Object(map) => {
                2 + commas(map.len()) + map.iter().map(|(k, v)| json_str_len(k) + 1 + part(v)).sum::<usize>()
            }
            scalar => scalar.json_len(),
        }
    }
}

/// The length of `s` as a JSON string, quotes included, escaped as serde_json escapes: `"` and
/// `\` and the control characters, five of them in two characters (`\n`), the rest in six
/// (`\u001f`).
fn json_str_len(s: &str) -> usize {
    let extra: usize = s
        .bytes()
        .map(|b| match b {
            b'"' | b'\\' | b'\n' | b'\r' | b'\t' | 0x08 | 0x0c => 1,
            0..=0x1f => 5,
            _ => 0,
        })
        .sum();
    s.len() + 2 + extra
}

/// What a history knows of its values' sizes, by address: the JSON size of each string, array and
/// object it holds. Being there also means the history's memory budget has counted it.
#[derive(Debug, Default)]
pub struct Sizes {
    json: std::collections::HashMap<usize, usize, std::hash::BuildHasherDefault<AddressHasher>>,
}

/// Hashes an address with one multiplication: addresses are distinct already, and the history
/// looks one up per event, where SipHash's defence against chosen keys only costs time.
#[derive(Default)]
pub struct AddressHasher(u64);

impl std::hash::Hasher for AddressHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(self.0.rotate_left(8) ^ u64::from(b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        // Allocations are aligned, so the low bits are zero: the product's high half, folded
        // down, spreads the bits the table indexes by.
        let h = n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = h ^ (h >> 32);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_json())
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.into())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(s.into())
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Value {
        Value::from_i64(n)
    }
}

impl From<serde_json::Value> for Value {
    fn from(v: serde_json::Value) -> Value {
        match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(b),
            serde_json::Value::Number(n) => Value::Number(n),
            serde_json::Value::String(s) => Value::String(s.into()),
            serde_json::Value::Array(a) => Value::array(a.into_iter().map(Value::from).collect()),
            serde_json::Value::Object(o) => {
                Value::object(o.into_iter().map(|(k, v)| (k.into(), Value::from(v))).collect())
            }
        }
    }
}

impl From<&Value> for serde_json::Value {
    fn from(v: &Value) -> serde_json::Value {
        match v {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => serde_json::Value::Number(n.clone()),
            Value::String(s) => serde_json::Value::String(s.to_string()),
            Value::Array(a) => serde_json::Value::Array(a.iter().map(Into::into).collect()),
            Value::Object(o) => {
                serde_json::Value::Object(o.iter().map(|(k, v)| (k.to_string(), v.into())).collect())
            }
        }
    }
}

impl serde::Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Number(n) => n.serialize(s),
            Value::String(v) => s.serialize_str(v),
            Value::Array(a) => {
                let mut seq = s.serialize_seq(Some(a.len()))?;
                for item in a.iter() {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Value::Object(o) => {
                let mut map = s.serialize_map(Some(o.len()))?;
                for (k, v) in o.iter() {
                    map.serialize_entry(&**k, v)?;
                }
                map.end()
            }
        }
    }
}

impl<'de> serde::Deserialize<'de> for Value {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Value;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_unit<E>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }
            fn visit_none<E>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }
            fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
                Ok(Value::Bool(b))
            }
            fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
                Ok(Value::Number(n.into()))
            }
            fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
                Ok(Value::Number(n.into()))
            }
            fn visit_f64<E>(self, n: f64) -> Result<Value, E> {
                Ok(Value::from_f64(n))
            }
            fn visit_str<E>(self, s: &str) -> Result<Value, E> {
                Ok(Value::String(s.into()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Value::array(items))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
                let mut map = Map::with_capacity(access.size_hint().unwrap_or(0));
                while let Some((k, v)) = access.next_entry::<String, Value>()? {
                    map.insert(k.into(), v);
                }
                Ok(Value::object(map))
            }
        }
        d.deserialize_any(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_keeps_key_order_and_number_kinds() {
        let text = r#"{"z":1,"a":[1.0,-2,"x",null,true],"m":{}}"#;
        let v = Value::parse(text).unwrap();
        assert_eq!(v.to_json(), text);
        assert_eq!(v.json_len(), text.len());
    }

    #[test]
    fn clones_share_and_changes_copy_only_the_path() {
        let v = Value::parse(r#"{"doc":{"rows":[1,2,3]},"last":null}"#).unwrap();
        let mut w = v.clone();
        if let Value::Object(o) = &mut w {
            Rc::make_mut(o).insert("last".into(), Value::from(true));
        }
        assert_eq!(v.get("last"), Some(&Value::Null));
        let (Value::Object(a), Value::Object(b)) = (v.get("doc").unwrap(), w.get("doc").unwrap()) else {
            panic!("objects expected")
        };
        assert!(Rc::ptr_eq(a, b), "the untouched member is shared, not copied");
    }

    #[test]
    fn sizes_remembered_match_the_json_text() {
        let text = r#"{"q\"s":"a\\b\n\t\r\b\f\u0001\u001f\u007f é 😀","n":[1,-2.5,1e300,null,true,false,[],{}],"o":{"k":{"":""}}}"#;
        let v = Value::parse(text).unwrap();
        let mut sizes = Sizes::default();
        assert_eq!(v.json_len_with(&sizes), v.json_len());
        assert!(v.remember(&mut sizes) > 0);
        assert_eq!(v.remember(&mut sizes), 0, "counted once");
        // A new value around a remembered one measures the same as its text.
        let bigger = Value::from_pairs([("old", v.clone()), ("new", Value::from("x\"y"))]);
        assert_eq!(bigger.json_len_with(&sizes), bigger.json_len());
        assert_eq!(bigger.json_len(), bigger.to_json().len());
    }
}
