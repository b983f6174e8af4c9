//! Sharing: the "Share" dialog (a link that holds the whole piece of work, the code that embeds it
//! in a page, and the work as it goes to AWS), and the bar shown while work opened from such a link
//! is on screen, which keeps it apart from the user's own.

use yew::prelude::*;

use serde_json::Value as Json;

use super::copy::{label, use_copy_feedback};
use super::modal::Modal;
use crate::address::{EditorMode, EmbedOptions, Pane};
use crate::examples;
use crate::extras::{ask, Function};
use crate::share;
use crate::storage::Workspace;

#[derive(Properties, PartialEq)]
pub struct ShareDialogProps {
    /// The work to share, as it is now.
    pub workspace: Workspace,
    /// Opened by "Deploy": the focus starts on the deploy section.
    pub deploy: bool,
    pub on_close: Callback<()>,
}

/// A modal dialog with the share link, built when it opens (compressing takes the browser a moment).
#[component]
pub fn ShareDialog(props: &ShareDialogProps) -> Html {
    let link = use_state_eq(|| None::<Result<String, String>>);
    // The work as it goes to AWS (`baton export`'s texts), from the extras module (src/extras.rs).
    let deploy = use_state_eq(|| None::<Result<Json, String>>);
    {
        let (link, deploy) = (link.clone(), deploy.clone());
        use_effect_with(props.workspace.clone(), move |workspace| {
            share::make_link(workspace, Callback::from(move |made| link.set(Some(made))));
            let w = workspace;
            let name = w.example.as_deref().unwrap_or("state-machine");
            let asked = [w.definition.as_str(), name, &w.input, &w.scenario];
            ask(Function::Deploy, &asked, Callback::from(move |texts| deploy.set(Some(texts))));
        });
    }
    let target = use_state_eq(|| 0_usize);
    let (deploy_copied, show_deploy_copied) = use_copy_feedback::<bool>();
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
    let select_all_text = Callback::from(|e: FocusEvent| {
        if let Some(text) = e.target_dyn_into::<web_sys::HtmlTextAreaElement>() {
            text.select();
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

    // The embed: its options, and the code made of the link with them.
    let options = use_state_eq(EmbedOptions::default);
    let (code_copied, show_code_copied) = use_copy_feedback::<bool>();
    let title = props
        .workspace
        .example
        .as_deref()
        .and_then(|slug| examples::MENU.iter().find(|e| e.slug == slug))
        .map_or("Step Functions workflow", |e| e.title);
    let code = match &*link {
        Some(Ok(link)) => share::embed_code(link, &options, title),
        _ => String::new(),
    };
    let copy_code = {
        let code = code.clone();
        Callback::from(move |_: MouseEvent| {
            if !code.is_empty() {
                crate::browser::copy_text(&code, show_code_copied.clone());
            }
        })
    };
    let toggle_pane = |pane: Pane| {
        let options = options.clone();
        Callback::from(move |_: Event| {
            let mut next = (*options).clone();
            match next.shows(pane) {
                // The last pane stays: an embed of nothing is no embed.
                true if next.panes.len() > 1 => next.panes.retain(|p| *p != pane),
                true => {}
                false => {
                    next.panes = Pane::ALL.into_iter().filter(|p| *p == pane || next.shows(*p)).collect()
                }
            }
            options.set(next);
        })
    };
    let on_editor = {
        let options = options.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            let editor = if select.value() == "readonly" { EditorMode::ReadOnly } else { EditorMode::Hidden };
            options.set(EmbedOptions { editor, ..(*options).clone() });
        })
    };
    let on_play = {
        let options = options.clone();
        Callback::from(move |_: Event| {
            options.set(EmbedOptions { play: !options.play, ..(*options).clone() })
        })
    };

    let deploy_section = match &*deploy {
        None => html! { <p class="muted" role="status">{ "Preparing the commands and templates…" }</p> },
        Some(Err(why)) => html! { <p class="problem-text" role="note">{ why }</p> },
        Some(Ok(texts)) => {
            let chosen = &texts["targets"][*target];
            let field = |name: &str| chosen[name].as_str().unwrap_or_default().to_string();
            let text = field("text");
            let copy = {
                let text = text.clone();
                Callback::from(move |_: MouseEvent| {
                    crate::browser::copy_text(&text, show_deploy_copied.clone())
                })
            };
            let titles = texts["targets"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|t| t["title"].as_str().unwrap_or_default());
            html! {
                <>
                    <div class="panel-tabs" role="tablist" aria-label="Deploy with">
                        for (i, title) in titles.enumerate() {
                            <button type="button" role="tab" id={(i == 0).then_some("deploy-first")}
                                class={classes!("panel-tab", (i == *target).then_some("active"))}
                                aria-selected={(i == *target).to_string()} aria-controls="deploy-text"
                                onclick={let target = target.clone(); move |_: MouseEvent| target.set(i)}>
                                { title }
                            </button>
                        }
                    </div>
                    <p id="deploy-note" class="muted">{ field("note") }</p>
                    <textarea id="deploy-text" class="share-field share-code deploy-text" readonly=true rows="12"
                        aria-label={format!("{} for this work", field("title"))} aria-describedby="deploy-note"
                        value={text} />
                    <button type="button" class="btn" onclick={copy}>{ label(deploy_copied, &field("copy")) }</button>
                </>
            }
        }
    };
    // Opened by "Deploy", the focus starts on the deploy section (its first tab once the texts are in).
    let focus = if props.deploy { "deploy-title" } else { "share-close" };

    html! {
        <Modal labelled_by="share-title" {focus} on_close={props.on_close.clone()}>
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
                        aria-describedby="share-note" onfocus={select_all.clone()} />
                    <button type="button" class="btn" disabled={!ready} onclick={copy}>
                        { label(copied, "Copy link") }
                    </button>
                </div>
                <p id="share-note" class="muted" aria-live="polite">{ note }</p>

                <h3 class="share-section">{ "Embed in a page" }</h3>
                <fieldset class="share-options">
                    <legend>{ "Panes" }</legend>
                    for pane in Pane::ALL {
                        <label class="check">
                            <input type="checkbox" checked={options.shows(pane)} onchange={toggle_pane(pane)} />
                            { pane.title() }
                        </label>
                    }
                </fieldset>
                <div class="share-options">
                    <label class="inline" for="embed-editor">{ "Definition" }</label>
                    <select id="embed-editor" class="select" onchange={on_editor}>
                        <option value="hidden" selected={options.editor == EditorMode::Hidden}>{ "Hidden" }</option>
                        <option value="readonly" selected={options.editor == EditorMode::ReadOnly}>{ "Read-only" }</option>
                    </select>
                    <label class="check">
                        <input type="checkbox" checked={options.play} onchange={on_play} />
                        { "Play on load" }
                    </label>
                </div>
                <label for="embed-code">{ "Embed code" }</label>
                <textarea id="embed-code" class="share-field share-code" readonly=true rows="4" value={code}
                    aria-describedby="embed-note" onfocus={select_all_text} />
                <div class="share-row">
                    <button type="button" class="btn" disabled={!ready} onclick={copy_code}>
                        { label(code_copied, "Copy embed code") }
                    </button>
                    <p id="embed-note" class="muted">
                        { "Paste it into any HTML page: the frame sizes itself to its content, and saves nothing." }
                    </p>
                </div>

                <h3 class="share-section" id="deploy-title" tabindex="-1">{ "Deploy to AWS" }</h3>
                { deploy_section }
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
