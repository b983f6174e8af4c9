//! A question before the app throws away the user's work: the focus goes to its safe answer
//! (Cancel), which Escape and a click outside give too.

use yew::prelude::*;

use super::modal::Modal;

/// The question, what is lost by saying yes, and the button that says yes (a verb: "Replace").
pub fn confirm_dialog(
    question: String,
    detail: &str,
    confirm: &'static str,
    on_confirm: Callback<()>,
    on_cancel: Callback<()>,
) -> Html {
    html! {
        <Modal role="alertdialog" class="modal-confirm" labelled_by="confirm-question"
            described_by={Some("confirm-detail")} focus="confirm-cancel" on_close={on_cancel.clone()}>
            <header class="modal-head"><h2 id="confirm-question">{ question }</h2></header>
            <p id="confirm-detail" class="modal-body">{ detail.to_string() }</p>
            <div class="modal-actions">
                <button type="button" id="confirm-cancel" class="btn" onclick={on_cancel.reform(|_: MouseEvent| ())}>
                    { "Cancel" }
                </button>
                <button type="button" class="btn btn-danger" onclick={on_confirm.reform(|_: MouseEvent| ())}>
                    { confirm }
                </button>
            </div>
        </Modal>
    }
}
