//! One file per pane of the screen. Components draw what `state::AppState` holds and turn clicks
//! into `state::Action`s; none of them owns the execution.

pub mod about;
pub mod clock;
pub mod confirm;
pub mod copy;
pub mod details;
pub mod editor;
pub mod graph;
pub mod history;
pub mod inbox;
pub mod participants;
pub mod sequence;
pub mod splitter;
pub mod status;
pub mod viewport;

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};
use yew::{Callback, KeyboardEvent};

/// The element that has the focus, if any.
pub fn focused_element() -> Option<Element> {
    web_sys::window()?.document()?.active_element()
}

/// Focuses an HTML element or an SVG one (a state of the graph): both have the same `focus()`.
pub fn focus(el: &Element) {
    let _ = el.unchecked_ref::<HtmlElement>().focus();
}

/// The keydown handler of a dialog: Escape closes it.
pub fn close_on_escape(close: &Callback<()>) -> Callback<KeyboardEvent> {
    let close = close.clone();
    Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Escape" {
            close.emit(());
        }
    })
}
