//! What every dialog of the app does, in one place: the focus moves in when it opens (to the
//! element it names), Tab goes round inside it so the page behind is out of reach, Escape or a
//! click outside closes it, and the focus goes back where it was once it closes.

use wasm_bindgen::JsCast;
use web_sys::Element;
use yew::prelude::*;

use super::{focus, focus_by_id, focused_element};

#[derive(Properties, PartialEq)]
pub struct ModalProps {
    /// `dialog`, or `alertdialog` for a question that must be answered.
    #[prop_or("dialog")]
    pub role: &'static str,
    /// The id of the dialog's title.
    pub labelled_by: &'static str,
    /// The id of the text that says what is at stake, if any.
    #[prop_or_default]
    pub described_by: Option<&'static str>,
    /// Extra classes of the dialog box.
    #[prop_or_default]
    pub class: &'static str,
    /// The id of the element that takes the focus when the dialog opens.
    pub focus: &'static str,
    /// Escape and a click outside: for a question, the safe answer.
    pub on_close: Callback<()>,
    pub children: Html,
}

#[component]
pub fn Modal(props: &ModalProps) -> Html {
    let dialog = use_node_ref();
    use_effect_with(props.focus, |first| {
        let opener = focused_element();
        focus_by_id(first);
        move || {
            if let Some(el) = opener.filter(|el| el.is_connected()) {
                focus(&el);
            }
        }
    });
    let onkeydown = {
        let (on_close, dialog) = (props.on_close.clone(), dialog.clone());
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "Escape" => on_close.emit(()),
            "Tab" => {
                let Some(dialog) = dialog.cast::<Element>() else { return };
                // What the dialogs hold that takes the focus (selected elements only, so a cast is safe).
                let Ok(all) = dialog.query_selector_all("button:not([disabled]), input, [href]") else {
                    return;
                };
                let (first, last) = (all.item(0), all.item(all.length().saturating_sub(1)));
                let (edge, other) = if e.shift_key() { (first, last) } else { (last, first) };
                let at_edge = edge.is_some_and(|edge| focused_element().is_some_and(|f| *f == edge));
                if let (true, Some(other)) = (at_edge, other.map(JsCast::unchecked_into::<Element>)) {
                    e.prevent_default();
                    focus(&other);
                }
            }
            _ => {}
        })
    };
    let close = props.on_close.reform(|_: MouseEvent| ());
    let stop = Callback::from(|e: MouseEvent| e.stop_propagation());
    html! {
        <div class="modal-backdrop" onclick={close}>
            <div ref={dialog} class={classes!("modal", props.class)} role={props.role} aria-modal="true"
                aria-labelledby={props.labelled_by} aria-describedby={props.described_by}
                onclick={stop} {onkeydown}>
                { props.children.clone() }
            </div>
        </div>
    }
}
