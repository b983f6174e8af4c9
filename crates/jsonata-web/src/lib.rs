//! The JSONata engine as a wasm module of its own. The web app's first load leaves JSONata out
//! (about a third more to download, for a feature only JSONata definitions use); when a
//! definition first needs it, the app imports this module (`jsonata/engine.js`, built next to
//! the app by xtask/trunk/wasm-module.mjs) and lends it to `asl` (`asl::jsonata::lend`).
//!
//! The protocol is three functions over text, so that nothing but strings and numbers crosses
//! between the two wasm instances:
//! - [`parse`]`(text)` → `{"handle": N}` or `{"error": ERROR}`;
//! - [`evaluate`]`(handle, bindings, now_ms, seed)`, `bindings` a JSON object of `$name`s →
//!   `{"value": V}`, `{"undefined": true}`, `{"function": true}` or `{"error": ERROR}`;
//! - [`release`]`(handle)` forgets a parsed expression;
//!
//! with ERROR `{"code": "T2001", "message": "…", "offset": N|null}`, `offset` the character where
//! the offending token starts. Evaluation is AWS Step Functions' (`$eval` off, AWS's functions
//! on), on the caller's clock and seed, so a run replays byte for byte.
#![forbid(unsafe_code)]

use std::cell::RefCell;

use baton_jsonata::{Environment, Expression, Json, Map, Outcome};
use serde_json::json;
use wasm_bindgen::prelude::wasm_bindgen;

// The app's allocator: small, and enough for an evaluator's short-lived values.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

thread_local! {
    /// Parsed expressions by handle; a released slot is reused.
    static PARSED: RefCell<Vec<Option<Expression>>> = const { RefCell::new(Vec::new()) };
}

fn error_reply(e: baton_jsonata::Error, text: Option<&str>) -> String {
    // The engine reports the offset just after the offending token; a reader looks at its start.
    let width = e.token.as_deref().map_or(0, |t| t.chars().count());
    let offset = e.position.map(|p| {
        let start = p.saturating_sub(width);
        text.map_or(start, |text| start.min(text.chars().count()))
    });
    json!({"error": {"code": e.code, "message": e.message, "offset": offset}}).to_string()
}

/// Parses `text` and keeps it under a handle.
#[wasm_bindgen]
pub fn parse(text: &str) -> String {
    match Expression::parse(text) {
        Err(e) => error_reply(e, Some(text)),
        Ok(expression) => PARSED.with(|parsed| {
            let mut parsed = parsed.borrow_mut();
            let handle = match parsed.iter().position(Option::is_none) {
                Some(free) => {
                    parsed[free] = Some(expression);
                    free
                }
                None => {
                    parsed.push(Some(expression));
                    parsed.len() - 1
                }
            };
            json!({ "handle": handle }).to_string()
        }),
    }
}

/// Evaluates the expression kept under `handle` with no input document (Step Functions gives
/// JSONata none) and `bindings`, a JSON object's text.
#[wasm_bindgen]
pub fn evaluate(handle: u32, bindings: &str, now_ms: f64, seed: u64) -> String {
    let bindings: Map<String, Json> = match serde_json::from_str(bindings) {
        Ok(Json::Object(map)) => map,
        _ => return json!({"error": {"code": "bindings", "message": "the bindings are not a JSON object", "offset": null}}).to_string(),
    };
    let env = Environment { now_ms: now_ms as i64, random_seed: seed, ..Environment::default() };
    PARSED.with(|parsed| {
        let parsed = parsed.borrow();
        let Some(Some(expression)) = parsed.get(handle as usize) else {
            return json!({"error": {"code": "handle", "message": format!("no expression {handle}"), "offset": null}})
                .to_string();
        };
        match expression.evaluate_outcome(None, &bindings, &env) {
            Ok(Outcome::Value(value)) => json!({ "value": value }).to_string(),
            Ok(Outcome::Undefined) => json!({"undefined": true}).to_string(),
            Ok(Outcome::Function) => json!({"function": true}).to_string(),
            Err(e) => error_reply(e, None),
        }
    })
}

/// Forgets the expression kept under `handle`.
#[wasm_bindgen]
pub fn release(handle: u32) {
    PARSED.with(|parsed| {
        if let Some(slot) = parsed.borrow_mut().get_mut(handle as usize) {
            *slot = None;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_protocol_parses_evaluates_and_releases() {
        let handle: Json = serde_json::from_str(&parse("$sum($states.input.n) + $x")).unwrap();
        let handle = handle["handle"].as_u64().unwrap() as u32;
        let bindings = r#"{"states": {"input": {"n": [1, 2]}}, "x": 4}"#;
        assert_eq!(evaluate(handle, bindings, 0.0, 1), r#"{"value":7}"#);
        // JSONata: arithmetic on nothing is nothing.
        assert_eq!(evaluate(handle, r#"{"states": {"input": {}}, "x": 1}"#, 0.0, 1), r#"{"undefined":true}"#);
        release(handle);
        assert!(evaluate(handle, "{}", 0.0, 1).contains(r#""code":"handle""#));
        // The slot is reused.
        let again: Json = serde_json::from_str(&parse("1")).unwrap();
        assert_eq!(again["handle"].as_u64(), Some(u64::from(handle)));
    }

    #[test]
    fn errors_are_located_at_the_start_of_their_token() {
        let reply: Json = serde_json::from_str(&parse("1 + ")).unwrap();
        assert_eq!(reply["error"]["code"], "S0207");
        let reply: Json = serde_json::from_str(&parse("$x ) 1")).unwrap();
        assert_eq!(reply["error"]["offset"], 3, "{reply}");
        let h: Json = serde_json::from_str(&parse("$f()")).unwrap();
        let reply = evaluate(h["handle"].as_u64().unwrap() as u32, r#"{"f": 1}"#, 0.0, 0);
        assert!(reply.contains(r#""code":"T1006""#), "{reply}");
        assert_eq!(
            evaluate(0, "[]", 0.0, 0),
            r#"{"error":{"code":"bindings","message":"the bindings are not a JSON object","offset":null}}"#
        );
    }

    #[test]
    fn undefined_and_functions_are_told_apart() {
        let h = |text: &str| {
            serde_json::from_str::<Json>(&parse(text)).unwrap()["handle"].as_u64().unwrap() as u32
        };
        assert_eq!(evaluate(h("$nothing"), "{}", 0.0, 0), r#"{"undefined":true}"#);
        assert_eq!(evaluate(h("function($x){$x}"), "{}", 0.0, 0), r#"{"function":true}"#);
        assert_eq!(evaluate(h("$millis()"), "{}", 1234.0, 0), r#"{"value":1234}"#);
    }
}
