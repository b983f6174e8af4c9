//! The few browser calls the components make on a click: copy to the clipboard and download a
//! file. They report failure instead of panicking; none of this is reachable from the reducer.

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
