//! A modal question before the app throws away the user's work: the focus goes to its safe answer
//! (Cancel), stays inside while it is open, and goes back where it was once it is answered.

use web_sys::{Element, HtmlElement};
use yew::prelude::*;

use super::focused_element;

#[derive(Properties, PartialEq)]
pub struct ConfirmDialogProps {
    /// The question, the dialog's title.
    pub question: String,
    /// What is lost by saying yes.
    pub detail: String,
    /// The button that says yes, a verb: "Replace".
    pub confirm: &'static str,
    pub on_confirm: Callback<()>,
    pub on_cancel: Callback<()>,
}

fn focus(button: &NodeRef) {
    if let Some(el) = button.cast::<Element>() {
        super::focus(&el);
    }
}

#[component]
pub fn ConfirmDialog(props: &ConfirmDialogProps) -> Html {
    let cancel_button = use_node_ref();
    let confirm_button = use_node_ref();
    {
        let cancel_button = cancel_button.clone();
        use_effect_with((), move |_| {
            let opener = focused_element();
            focus(&cancel_button);
            move || {
                if let Some(el) = opener.filter(|el| el.is_connected()) {
                    super::focus(&el);
                }
            }
        });
    }
    let onkeydown = {
        let (first, last, on_cancel) =
            (cancel_button.clone(), confirm_button.clone(), props.on_cancel.clone());
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "Escape" => on_cancel.emit(()),
            // Tab goes round the dialog's two buttons: the page behind it is out of reach.
            "Tab" => {
                let (from, to) = if e.shift_key() { (&first, &last) } else { (&last, &first) };
                if from.cast::<HtmlElement>().is_some_and(|b| e.target() == Some(b.into())) {
                    e.prevent_default();
                    focus(to);
                }
            }
            _ => {}
        })
    };
    let cancel = props.on_cancel.reform(|_: MouseEvent| ());
    let confirm = props.on_confirm.reform(|_: MouseEvent| ());
    let stop = Callback::from(|e: MouseEvent| e.stop_propagation());

    html! {
        <div class="modal-backdrop" onclick={cancel.clone()}>
            <div class="modal modal-confirm" role="alertdialog" aria-modal="true" aria-labelledby="confirm-question"
                aria-describedby="confirm-detail" onclick={stop} {onkeydown}>
                <header class="modal-head"><h2 id="confirm-question">{ props.question.clone() }</h2></header>
                <p id="confirm-detail" class="modal-body">{ props.detail.clone() }</p>
                <div class="modal-actions">
                    <button type="button" class="btn" ref={cancel_button} onclick={cancel}>{ "Cancel" }</button>
                    <button type="button" class="btn btn-danger" ref={confirm_button} onclick={confirm}>
                        { props.confirm }
                    </button>
                </div>
            </div>
        </div>
    }
}
