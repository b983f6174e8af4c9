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
pub mod modal;
pub mod participants;
pub mod sequence;
pub mod share;
pub mod splitter;
pub mod status;
pub mod travel;
pub mod viewport;

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

/// The element that has the focus, if any.
pub fn focused_element() -> Option<Element> {
    web_sys::window()?.document()?.active_element()
}

/// Focuses an HTML element or an SVG one (a state of the graph): both have the same `focus()`.
pub fn focus(el: &Element) {
    let _ = el.unchecked_ref::<HtmlElement>().focus();
}

/// Focuses the element with this id, if there is one.
pub fn focus_by_id(id: &str) {
    if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(id)) {
        focus(&el);
    }
}
