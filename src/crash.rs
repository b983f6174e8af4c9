//! The last resort. A panic in wasm ends the app for good (the release build aborts), so before it
//! does, the hook saves the work still waiting for its autosave and replaces the page with a
//! plain notice: what happened, that the work is kept, and a way back. Every other failure in the
//! app is reported in place and never gets here.

use std::panic::PanicHookInfo;

use wasm_bindgen::prelude::wasm_bindgen;

use crate::storage;

/// Installs the hook (before the app's first render, so Yew keeps it instead of its own).
pub fn install() {
    yew::set_custom_panic_hook(Box::new(on_panic));
}

fn on_panic(info: &PanicHookInfo<'_>) {
    let details = info.to_string();
    web_sys::console::error_1(&details.as_str().into());
    let saved = storage::save_unsaved();
    // Nothing more can go wrong than what already has: DOM failures here are ignored.
    let _ = show_notice(&notice_text(&saved), &details);
}

/// What the notice says about the user's work.
fn notice_text(saved: &Result<(), String>) -> String {
    match saved {
        Ok(()) => "Your work is saved in this browser. Reload the page to go on where you were.".into(),
        Err(why) => format!(
            "Your latest changes could not be saved ({why}); what was saved before them is still here. \
             Reload the page to go on."
        ),
    }
}

/// Replaces the page with the notice: static HTML and a link, since no Rust code runs after this.
fn show_notice(text: &str, details: &str) -> Option<()> {
    let document = web_sys::window()?.document()?;
    let body = document.body()?;
    let notice = document.create_element("div").ok()?;
    notice.set_class_name("crash");
    notice.set_attribute("role", "alert").ok()?;
    let heading = document.create_element("h1").ok()?;
    heading.set_text_content(Some("Something went wrong"));
    let paragraph = document.create_element("p").ok()?;
    paragraph.set_text_content(Some(text));
    // A link to the page itself reloads it, with no script left to run it.
    let reload = document.create_element("a").ok()?;
    reload.set_class_name("btn btn-primary");
    reload.set_attribute("href", &web_sys::window()?.location().href().ok()?).ok()?;
    reload.set_text_content(Some("Reload"));
    let more = document.create_element("details").ok()?;
    let summary = document.create_element("summary").ok()?;
    summary.set_text_content(Some("What the app said (for a bug report)"));
    let pre = document.create_element("pre").ok()?;
    pre.set_text_content(Some(details));
    more.append_with_node_2(&summary, &pre).ok()?;
    notice.append_with_node_4(&heading, &paragraph, &reload, &more).ok()?;
    body.set_text_content(None);
    body.append_child(&notice).ok()?;
    crate::components::focus(&reload);
    Some(())
}

/// Panics on purpose, so that a browser test can check the notice and the saved work:
/// `window.wasmBindings.crash_test()` in the page's console. Nothing in the app calls it.
#[wasm_bindgen]
pub fn crash_test() {
    panic!("crash_test() was called: this is the notice a panic shows");
}

#[cfg(test)]
mod tests {
    use super::notice_text;

    #[test]
    fn the_notice_says_whether_the_work_is_saved() {
        assert!(notice_text(&Ok(())).starts_with("Your work is saved"));
        let failed = notice_text(&Err("storage full".into()));
        assert!(failed.contains("could not be saved (storage full)"), "{failed}");
    }
}
