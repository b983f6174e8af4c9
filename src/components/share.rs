//! Sharing: the "Share" dialog (a link that holds the whole piece of work), and the bar shown while
//! work opened from such a link is on screen, which keeps it apart from the user's own.

use yew::prelude::*;

use super::copy::{label, use_copy_feedback};
use super::modal::Modal;
use crate::share;
use crate::storage::Workspace;

#[derive(Properties, PartialEq)]
pub struct ShareDialogProps {
    /// The work to share, as it is now.
    pub workspace: Workspace,
    pub on_close: Callback<()>,
}

/// A modal dialog with the share link, built when it opens (compressing takes the browser a moment).
#[component]
pub fn ShareDialog(props: &ShareDialogProps) -> Html {
    let link = use_state_eq(|| None::<Result<String, String>>);
    {
        let link = link.clone();
        use_effect_with(props.workspace.clone(), move |workspace| {
            share::make_link(workspace, Callback::from(move |made| link.set(Some(made))));
        });
    }
    let (copied, show_copied) = use_copy_feedback::<bool>();
    let copy = {
        let link = (*link).clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(Ok(link)) = &link {
                crate::browser::copy_text(link, show_copied.clone());
            }
        })
    };
    let select_all = Callback::from(|e: FocusEvent| {
        if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
            input.select();
        }
    });
    let (value, note) = match &*link {
        None => (String::new(), "Preparing the link…".to_string()),
        Some(Ok(link)) => (
            link.clone(),
            format!(
                "{} characters. The link holds the definition, the input and the participants; \
                 nothing is uploaded anywhere.",
                link.chars().count()
            ),
        ),
        Some(Err(why)) => (String::new(), format!("No link could be made: {why}.")),
    };
    let ready = matches!(&*link, Some(Ok(_)));

    html! {
        <Modal labelled_by="share-title" focus="share-close" on_close={props.on_close.clone()}>
            <header class="modal-head">
                <h2 id="share-title">{ "Share this work" }</h2>
                <button type="button" id="share-close" class="btn btn-small btn-quiet" aria-label="Close"
                    onclick={props.on_close.reform(|_: MouseEvent| ())}>
                    { "✕" }
                </button>
            </header>
            <div class="modal-body share-body">
                <label for="share-link">{ "Share link" }</label>
                <div class="share-row">
                    <input id="share-link" class="share-field" type="text" readonly=true {value}
                        aria-describedby="share-note" onfocus={select_all} />
                    <button type="button" class="btn" disabled={!ready} onclick={copy}>
                        { label(copied, "Copy link") }
                    </button>
                </div>
                <p id="share-note" class="muted" aria-live="polite">{ note }</p>
            </div>
        </Modal>
    }
}

/// The bar over shared work: whose work this is, the way back to the user's own, and the way to
/// adopt this one.
pub fn shared_bar(on_keep: Callback<MouseEvent>) -> Html {
    let mine = share::page_address().unwrap_or_default();
    html! {
        <div class="shared-bar" role="region" aria-label="Shared work">
            <p>
                <strong>{ "Shared work." }</strong>
                { " It is kept apart from your own work, which nothing here replaces." }
            </p>
            <a class="btn btn-small" href={mine}>{ "Back to my work" }</a>
            <button type="button" class="btn btn-small" onclick={on_keep}>{ "Keep as my work" }</button>
        </div>
    }
}
