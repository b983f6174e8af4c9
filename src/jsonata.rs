//! JSONata, loaded when first needed. The first load leaves the engine out (it would add about a
//! third to the download, for definitions most learners never write); the first definition that
//! needs it makes the app import `jsonata/engine.js` (crates/jsonata-web, built next to the app)
//! and lend it to the engine (`asl::jsonata::lend`). The definition is then checked again, and
//! from there on JSONata runs as in the CLI.
//!
//! The module speaks the text protocol of crates/jsonata-web; [`LoadedEngine`] turns its replies
//! into `asl`'s types. Natively (the tests) the same replies come from that crate's functions.

use std::cell::Cell;
use std::rc::Rc;

use asl::jsonata::{Engine, Host, JsonataError, Outcome};
use serde_json::Value as Json;
use yew::prelude::*;

/// Reads `{"handle": N}` or `{"error": …}`.
fn parse_reply(reply: &str) -> Result<u32, JsonataError> {
    let reply: Json = serde_json::from_str(reply).map_err(|_| broken(reply))?;
    match reply.get("handle").and_then(Json::as_u64) {
        Some(handle) => u32::try_from(handle).map_err(|_| broken("a handle out of range")),
        None => Err(error_of(&reply)),
    }
}

/// Reads `{"value": V}`, `{"undefined": true}`, `{"function": true}` or `{"error": …}`.
fn evaluate_reply(reply: &str) -> Result<Outcome, JsonataError> {
    let mut reply: Json = serde_json::from_str(reply).map_err(|_| broken(reply))?;
    if let Some(value) = reply.get_mut("value") {
        return Ok(Outcome::Value(asl::Value::from(value.take())));
    }
    if reply.get("undefined").is_some() {
        return Ok(Outcome::Undefined);
    }
    if reply.get("function").is_some() {
        return Ok(Outcome::Function);
    }
    Err(error_of(&reply))
}

fn error_of(reply: &Json) -> JsonataError {
    let Some(error) = reply.get("error") else { return broken(&reply.to_string()) };
    let text = |field: &str| error.get(field).and_then(Json::as_str).unwrap_or_default().to_string();
    JsonataError {
        code: text("code"),
        message: text("message"),
        offset: error.get("offset").and_then(Json::as_u64).map(|o| o as usize),
    }
}

fn broken(what: &str) -> JsonataError {
    JsonataError {
        code: "engine".into(),
        message: format!("the JSONata engine gave an unreadable reply: {what}"),
        offset: None,
    }
}

#[cfg(target_arch = "wasm32")]
mod module {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        /// The imported module (crates/jsonata-web). `catch`: a trap in it is an error here.
        pub type EngineModule;
        #[wasm_bindgen(method, catch)]
        pub fn parse(this: &EngineModule, text: &str) -> Result<String, JsValue>;
        #[wasm_bindgen(method, catch)]
        pub fn evaluate(
            this: &EngineModule,
            handle: u32,
            bindings: &str,
            now_ms: f64,
            seed: u64,
        ) -> Result<String, JsValue>;
        #[wasm_bindgen(method, catch)]
        pub fn release(this: &EngineModule, handle: u32) -> Result<(), JsValue>;
    }
}

/// The engine module, once imported.
struct LoadedEngine {
    #[cfg(target_arch = "wasm32")]
    module: module::EngineModule,
}

#[cfg(target_arch = "wasm32")]
fn failed(e: wasm_bindgen::JsValue) -> JsonataError {
    JsonataError {
        code: "engine".into(),
        message: format!("the JSONata engine failed: {}", e.as_string().unwrap_or_else(|| format!("{e:?}"))),
        offset: None,
    }
}

impl Engine for LoadedEngine {
    fn parse(&self, text: &str) -> Result<u32, JsonataError> {
        #[cfg(target_arch = "wasm32")]
        return parse_reply(&self.module.parse(text).map_err(failed)?);
        #[cfg(not(target_arch = "wasm32"))]
        return parse_reply(&jsonata_web::parse(text));
    }

    fn evaluate(&self, handle: u32, bindings: &str, host: Host) -> Result<Outcome, JsonataError> {
        #[cfg(target_arch = "wasm32")]
        return evaluate_reply(
            &self.module.evaluate(handle, bindings, host.now_ms as f64, host.seed).map_err(failed)?,
        );
        #[cfg(not(target_arch = "wasm32"))]
        return evaluate_reply(&jsonata_web::evaluate(handle, bindings, host.now_ms as f64, host.seed));
    }

    fn release(&self, handle: u32) {
        #[cfg(target_arch = "wasm32")]
        let _ = self.module.release(handle);
        #[cfg(not(target_arch = "wasm32"))]
        jsonata_web::release(handle);
    }
}

thread_local! {
    /// Whether the import has been started: once per page, by whichever view needs it first.
    static STARTED: Cell<bool> = const { Cell::new(false) };
}

/// Loads the engine when `needed` first becomes true, and reports the outcome: `Ok` once it is
/// lent to `asl` (check the definition again), or why it could not be loaded.
#[hook]
pub fn use_engine(needed: bool, done: Callback<Result<(), String>>) {
    use_effect_with(needed, move |needed| {
        if *needed && !STARTED.with(|s| s.replace(true)) {
            load(done);
        }
    });
}

#[cfg(target_arch = "wasm32")]
fn load(done: Callback<Result<(), String>>) {
    use wasm_bindgen::JsCast;

    crate::browser::import_module(
        "jsonata/engine.js",
        Callback::from(move |module: Result<wasm_bindgen::JsValue, String>| {
            done.emit(module.map(|module| {
                asl::jsonata::lend(Rc::new(LoadedEngine { module: module.unchecked_into() }));
            }))
        }),
    );
}

/// Natively the engine is at hand: lent at once.
#[cfg(not(target_arch = "wasm32"))]
fn load(done: Callback<Result<(), String>>) {
    lend_native();
    done.emit(Ok(()));
}

/// Lends `asl` the engine of crates/jsonata-web, through the same replies the module gives.
#[cfg(not(target_arch = "wasm32"))]
pub fn lend_native() {
    asl::jsonata::lend(Rc::new(LoadedEngine {}));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{Action, AppState};
    use yew::Reducible;

    const DEFINITION: &str = r#"{
        "QueryLanguage": "JSONata",
        "StartAt": "Ask",
        "States": {
            "Ask": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Arguments": {"QueueUrl": "q", "MessageBody": {"token": "{% $states.context.Task.Token %}", "n": "{% $states.input.n * 2 %}"}},
                "Output": "{% $states.result.answer & '!' %}",
                "End": true
            }
        }
    }"#;

    #[test]
    fn replies_are_read() {
        assert_eq!(parse_reply(r#"{"handle": 3}"#), Ok(3));
        let e = parse_reply(r#"{"error": {"code": "S0202", "message": "Expected ')'", "offset": 4}}"#)
            .unwrap_err();
        assert_eq!((e.code.as_str(), e.offset), ("S0202", Some(4)));
        assert_eq!(
            evaluate_reply(r#"{"value": [1, "a"]}"#),
            Ok(Outcome::Value(asl::Value::from(serde_json::json!([1, "a"]))))
        );
        assert_eq!(evaluate_reply(r#"{"undefined": true}"#), Ok(Outcome::Undefined));
        assert_eq!(evaluate_reply(r#"{"function": true}"#), Ok(Outcome::Function));
        assert_eq!(evaluate_reply("oops").unwrap_err().code, "engine");
    }

    #[test]
    fn a_jsonata_definition_waits_for_the_engine_then_runs() {
        let linked = asl::jsonata::available();
        let state = Rc::new(AppState::new(DEFINITION, r#"{"n": 21}"#, None));
        // `cargo test --workspace` links the engine into asl for every crate (the CLI asks for it);
        // the app's own build does not, and then the definition waits for it.
        if !linked {
            assert!(state.needs_jsonata(), "{:?}", state.definition_problems);
            assert_eq!(state.start_blocker().as_deref(), Some("Loading the JSONata engine…"));
        }

        lend_native();
        let state = state.reduce(Action::JsonataEngine(Ok(())));
        assert!(!state.needs_jsonata());
        assert_eq!(state.error_count(), 0, "{:?}", state.definition_problems);
        let state = state.reduce(Action::Start);
        let run = state.run.clone().expect("a run");
        let card = run.tokens.first().expect("a token").clone();
        let state =
            state.reduce(Action::SendSuccess { token: card.token, output: r#"{"answer": "yes"}"#.into() });
        let run = state.run.clone().unwrap();
        assert_eq!(run.output.as_deref(), Some("\"yes!\""));
    }

    #[test]
    fn a_failed_load_is_said() {
        let linked = asl::jsonata::available();
        let state = Rc::new(AppState::new(DEFINITION, "{}", None));
        let state = state.reduce(Action::JsonataEngine(Err("HTTP 404".into())));
        let notice = state.notice.clone().expect("a notice");
        assert!(notice.text.contains("HTTP 404"), "{}", notice.text);
        assert_eq!(state.needs_jsonata(), !linked);
    }
}
