//! The few browser calls the components make on a click: copy to the clipboard, download a file,
//! fetch a file of the app's own, import one of the app's on-demand modules. They report failure
//! instead of panicking; none of this is reachable from the reducer.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use yew::Callback;

/// Copies `text` to the clipboard and reports whether the browser allowed it. A refusal (no
/// permission, insecure page) is caught, so it never becomes an unhandled promise rejection.
pub fn copy_text(text: &str, done: Callback<bool>) {
    let Some(window) = web_sys::window() else {
        done.emit(false);
        return;
    };
    let promise = window.navigator().clipboard().write_text(text);
    let ok = done.clone();
    let on_ok = Closure::once(move |_: JsValue| ok.emit(true));
    let on_err = Closure::once(move |_: JsValue| done.emit(false));
    let _ = promise.then2(&on_ok, &on_err);
    // Each closure runs at most once and is small; letting the promise own them is simplest.
    on_ok.forget();
    on_err.forget();
}

/// Offers `text` as a file download, through a temporary object URL.
pub fn download(name: &str, mime: &str, text: &str) -> Result<(), JsValue> {
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let a: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    // The download has started from the click; the URL is no longer needed after this task.
    gloo::timers::callback::Timeout::new(0, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}

/// Fetches `url` (a file served with the app) as text and reports the text, or why there is none
/// (offline, 404...). Every failure is caught, so none becomes an unhandled promise rejection.
#[cfg(target_arch = "wasm32")]
pub fn fetch_text(url: &str, done: Callback<Result<String, String>>) {
    let Some(window) = web_sys::window() else {
        done.emit(Err("no window".into()));
        return;
    };
    let reason = |e: JsValue| {
        e.dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .or_else(|| e.as_string())
            .or_else(|| js_sys::JSON::stringify(&e).ok()?.as_string())
    };
    let failed = done.clone();
    let on_response = Closure::once(move |response: JsValue| {
        let Ok(response) = response.dyn_into::<web_sys::Response>() else {
            return done.emit(Err("not a response".into()));
        };
        if !response.ok() {
            return done.emit(Err(format!("HTTP {}", response.status())));
        }
        let Ok(text) = response.text() else { return done.emit(Err("unreadable response".into())) };
        let read = done.clone();
        let on_text =
            Closure::once(move |text: JsValue| read.emit(text.as_string().ok_or_else(|| "not text".into())));
        let on_error = Closure::once(move |e: JsValue| done.emit(Err(reason(e).unwrap_or_default())));
        let _ = text.then2(&on_text, &on_error);
        on_text.forget();
        on_error.forget();
    });
    // The browser says no more than "Failed to fetch" for an unreachable server and for one that
    // does not let other sites read its files; both are worth naming.
    let on_error = Closure::once(move |e: JsValue| {
        let why = reason(e).unwrap_or_default();
        failed.emit(Err(format!(
            "{}: the server is unreachable, or does not let other sites read the file (CORS)",
            if why.is_empty() { "network error" } else { why.as_str() }
        )))
    });
    let _ = window.fetch_with_str(url).then2(&on_response, &on_error);
    on_response.forget();
    on_error.forget();
}

#[cfg(target_arch = "wasm32")]
mod import {
    use wasm_bindgen::prelude::*;

    // Relative to the page, as every asset of the app is (the build works from any sub-path). The
    // browser imports a module once; its `default()` instantiates the wasm once.
    #[wasm_bindgen(inline_js = "export function import_module(path) {
        return import(new URL(path, document.baseURI).href).then((m) => m.default().then(() => m));
    }")]
    extern "C" {
        pub fn import_module(path: &str) -> js_sys::Promise;
    }
}

/// Imports one of the app's wasm modules loaded on demand (`path` from the page, such as
/// `jsonata/engine.js`) and reports it once instantiated, or why it could not be loaded.
#[cfg(target_arch = "wasm32")]
pub fn import_module(path: &str, done: Callback<Result<JsValue, String>>) {
    let failed = done.clone();
    let on_ok = Closure::once(move |module: JsValue| done.emit(Ok(module)));
    let on_err = Closure::once(move |e: JsValue| {
        let why = e
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .or_else(|| e.as_string())
            .unwrap_or_else(|| "unknown error".into());
        failed.emit(Err(why));
    });
    let _ = import::import_module(path).then2(&on_ok, &on_err);
    on_ok.forget();
    on_err.forget();
}

/// Natively (the tests) there is nothing to fetch from.
#[cfg(not(target_arch = "wasm32"))]
pub fn fetch_text(_url: &str, done: Callback<Result<String, String>>) {
    done.emit(Err("fetching needs a browser".into()));
}

// The browser's own deflate, through the Compression Streams API (web-sys has it only behind its
// unstable flag). Declared here, the app carries no compressor of its own.
#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    type CompressionStream;
    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<CompressionStream, JsValue>;
    #[wasm_bindgen(method, getter)]
    fn readable(this: &CompressionStream) -> web_sys::ReadableStream;
    #[wasm_bindgen(method, getter)]
    fn writable(this: &CompressionStream) -> web_sys::WritableStream;

    type DecompressionStream;
    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<DecompressionStream, JsValue>;
    #[wasm_bindgen(method, getter)]
    fn readable(this: &DecompressionStream) -> web_sys::ReadableStream;
    #[wasm_bindgen(method, getter)]
    fn writable(this: &DecompressionStream) -> web_sys::WritableStream;
}

/// Compresses `bytes` (raw deflate) and reports the result.
pub fn deflate(bytes: &[u8], done: Callback<Result<Vec<u8>, String>>) {
    match CompressionStream::new("deflate-raw") {
        Ok(s) => transform(bytes, web_sys::ReadableWritablePair::new(&s.readable(), &s.writable()), done),
        Err(_) => done.emit(Err("this browser cannot compress (no CompressionStream)".into())),
    }
}

/// Decompresses what [`deflate`] made; damaged or cut data is an error.
pub fn inflate(bytes: &[u8], done: Callback<Result<Vec<u8>, String>>) {
    match DecompressionStream::new("deflate-raw") {
        Ok(s) => transform(bytes, web_sys::ReadableWritablePair::new(&s.readable(), &s.writable()), done),
        Err(_) => done.emit(Err("this browser cannot decompress (no DecompressionStream)".into())),
    }
}

/// Pipes `bytes` through a transform stream and collects what comes out, through a `Response`
/// (the shortest way to read a whole stream). Every failure is caught and reported.
fn transform(bytes: &[u8], through: web_sys::ReadableWritablePair, done: Callback<Result<Vec<u8>, String>>) {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence(&parts) else {
        return done.emit(Err("cannot hold the data".into()));
    };
    let stream = blob.stream().pipe_through(&through);
    let Ok(buffer) =
        web_sys::Response::new_with_opt_readable_stream(Some(&stream)).and_then(|r| r.array_buffer())
    else {
        return done.emit(Err("cannot read the data".into()));
    };
    let failed = done.clone();
    let on_ok =
        Closure::once(move |buffer: JsValue| done.emit(Ok(js_sys::Uint8Array::new(&buffer).to_vec())));
    let on_err = Closure::once(move |_: JsValue| failed.emit(Err("the data is damaged".into())));
    let _ = buffer.then2(&on_ok, &on_err);
    on_ok.forget();
    on_err.forget();
}
