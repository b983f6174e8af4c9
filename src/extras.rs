//! The parts of Baton a first visit does not need, loaded when first needed: the Deploy texts (asked
//! for by a person) and `States.Hash`'s digests (a definition that calls it waits for them, as a
//! JSONata definition waits for its engine). They are a wasm module of their own
//! (crates/extras-web, built next to the app as `extras/module.js`): built in, they added about
//! 20 kB gzip to every first load.
//!
//! [`ask`] calls one of the module's functions with texts and reports its reply, a JSON object, or
//! why there is none (`{"error": …}`, or the module could not be loaded). [`use_digests`] lends the
//! engine the module's digests. Natively (the tests) the same functions are linked in.

use serde_json::Value as Json;
use yew::prelude::*;

/// One of the module's functions that answer a JSON object (see crates/extras-web).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Function {
    /// `(definition, name, input, scenario)` → `{"targets": [{"title", "note", "copy", "text"}]}`.
    Deploy,
}

/// Reads a reply: its object, or the error it says.
fn read_reply(reply: &str) -> Result<Json, String> {
    match serde_json::from_str::<Json>(reply) {
        Ok(Json::Object(mut reply)) => match reply.remove("error") {
            Some(Json::String(why)) => Err(why),
            Some(other) => Err(other.to_string()),
            None => Ok(Json::Object(reply)),
        },
        _ => Err(format!("the extras module gave an unreadable reply: {}", sim::excerpt(reply))),
    }
}

/// Calls `function` with `args` and reports its reply.
pub fn ask(function: Function, args: &[&str], done: Callback<Result<Json, String>>) {
    #[cfg(target_arch = "wasm32")]
    {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        module::with(Callback::from(move |module: Result<module::ExtrasModule, String>| {
            let reply = module.and_then(|m| {
                let arg = |i: usize| args.get(i).map_or("", String::as_str);
                match function {
                    Function::Deploy => m.deploy(arg(0), arg(1), arg(2), arg(3)),
                }
                .map_err(|_| "the extras module failed".to_string())
            });
            done.emit(reply.and_then(|reply| read_reply(&reply)));
        }));
    }
    #[cfg(not(target_arch = "wasm32"))]
    done.emit(read_reply(&native(function, args)));
}

#[cfg(not(target_arch = "wasm32"))]
fn native(function: Function, args: &[&str]) -> String {
    use extras_web as m;
    let arg = |i: usize| args.get(i).copied().unwrap_or_default();
    match function {
        Function::Deploy => m::deploy(arg(0), arg(1), arg(2), arg(3)),
    }
}

/// Whether a definition calls `States.Hash` (and so waits for the digests). Read from the text: a
/// mention in a plain string loads them for nothing, which costs a moment, never a wrong result.
pub fn needs_digests(definition: &str) -> bool {
    definition.contains("States.Hash")
}

/// Loads the digests when `needed` first becomes true, lends them to the engine and reports the
/// outcome: `Ok` once lent (the definition may start), or why they could not be loaded.
#[hook]
pub fn use_digests(needed: bool, done: Callback<Result<(), String>>) {
    use_effect_with(needed, move |needed| {
        if *needed && !digests_lent() {
            lend_digests(done);
        }
    });
}

thread_local! {
    /// Whether the digests are lent to the engine (once per page).
    static LENT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

pub fn digests_lent() -> bool {
    LENT.with(std::cell::Cell::get)
}

#[cfg(target_arch = "wasm32")]
pub(crate) fn lend_digests(done: Callback<Result<(), String>>) {
    module::with(Callback::from(move |module: Result<module::ExtrasModule, String>| {
        done.emit(module.map(|module| {
            asl::intrinsics::digest::lend(std::rc::Rc::new(move |algorithm: &str, text: &str| {
                module.digest(algorithm, text).unwrap_or_default()
            }));
            LENT.with(|lent| lent.set(true));
        }))
    }));
}

/// Natively the digests are at hand: lent at once.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn lend_digests(done: Callback<Result<(), String>>) {
    asl::intrinsics::digest::lend(std::rc::Rc::new(|algorithm: &str, text: &str| {
        extras_web::digest(algorithm, text)
    }));
    LENT.with(|lent| lent.set(true));
    done.emit(Ok(()));
}

#[cfg(target_arch = "wasm32")]
mod module {
    use std::cell::RefCell;

    use wasm_bindgen::prelude::*;
    use yew::Callback;

    #[wasm_bindgen]
    extern "C" {
        /// The imported module (crates/extras-web). `catch`: a trap in it is an error here.
        #[derive(Clone)]
        pub type ExtrasModule;
        #[wasm_bindgen(method, catch)]
        pub fn deploy(this: &ExtrasModule, d: &str, n: &str, i: &str, s: &str) -> Result<String, JsValue>;
        #[wasm_bindgen(method, catch)]
        pub fn digest(this: &ExtrasModule, algorithm: &str, text: &str) -> Result<String, JsValue>;
    }

    thread_local! {
        /// The module, once imported.
        static LOADED: RefCell<Option<ExtrasModule>> = const { RefCell::new(None) };
    }

    /// Reports the module, importing it first if need be (a failed import is tried again next time).
    pub fn with(done: Callback<Result<ExtrasModule, String>>) {
        if let Some(module) = LOADED.with(|m| m.borrow().clone()) {
            return done.emit(Ok(module));
        }
        crate::browser::import_module(
            "extras/module.js",
            Callback::from(move |module: Result<JsValue, String>| {
                let module = module.map(|m| {
                    let m: ExtrasModule = m.unchecked_into();
                    LOADED.with(|loaded| *loaded.borrow_mut() = Some(m.clone()));
                    m
                });
                done.emit(module.map_err(|why| format!("the extras module could not be loaded ({why})")));
            }),
        );
    }
}

/// The reply to `function` at once, as natively it comes (for the tests).
#[cfg(test)]
fn asked(function: Function, args: &[&str]) -> Result<Json, String> {
    let got = std::rc::Rc::new(std::cell::RefCell::new(None));
    let put = got.clone();
    ask(function, args, Callback::from(move |r| *put.borrow_mut() = Some(r)));
    let reply = got.borrow_mut().take().expect("natively the reply comes at once");
    reply
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_and_errors_are_read() {
        assert_eq!(read_reply(r#"{"cases": []}"#), Ok(serde_json::json!({"cases": []})));
        assert_eq!(read_reply(r#"{"error": "no"}"#), Err("no".into()));
        assert!(read_reply("nonsense").unwrap_err().contains("unreadable reply"));
    }

    #[test]
    fn the_module_answers_or_says_why_not() {
        let example = crate::examples::default_example();
        let deploy = asked(Function::Deploy, &[example.definition, "approval", example.input, "{}"]).unwrap();
        assert!(deploy["targets"][0]["text"].as_str().unwrap().contains("create-state-machine"));
        let why = asked(Function::Deploy, &["{", "approval", "{}", "{}"]).unwrap_err();
        assert!(why.contains("fix them first"), "{why}");
    }

    #[test]
    fn a_definition_that_hashes_waits_for_the_digests() {
        assert!(needs_digests(r#"{"h.$": "States.Hash($.x, 'SHA-256')"}"#));
        assert!(!needs_digests(crate::examples::default_example().definition));
    }
}
