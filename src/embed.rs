//! The embed: the same app in a compact layout made for an iframe 480 to 1000 px wide, reached
//! through the Share dialog's embed code (`?embed…#share=…`) or a docs page's own address
//! (`?embed&definition=URL&scenario=URL`). Its options are in `address.rs`.
//!
//! What sets it apart from the full app:
//! - it shows the panes its address chose, under a bar with the status, "Start execution" and a
//!   link "Open in Baton" to the full app with the same work;
//! - it never touches storage: a third-party frame often has none, and a docs page's example is
//!   not the reader's work (nothing is saved, so a blocked or throwing `localStorage` breaks
//!   nothing);
//! - with "Play on load" it starts the execution at once and moves the virtual clock to each next
//!   deadline at a readable pace, to the end; "Replay" plays it again;
//! - it tells the page around it its height (`postMessage`), so that the embed code can size the
//!   frame to its content.

use std::rc::Rc;

use gloo::timers::callback::Timeout;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use yew::prelude::*;

use crate::address::{self, EditorMode, EmbedOptions, Pane};
use crate::app::{logo, notice_toast, state_of_work, task_suggestions, use_resume};
use crate::components::clock::ClockPanel;
use crate::components::editor::CodeEditor;
use crate::components::graph::WorkflowGraph;
use crate::components::history::HistoryTable;
use crate::components::inbox::{token_inbox, TokenInboxProps};
use crate::components::sequence::SequencePane;
use crate::components::status::status_bar;
use crate::examples;
use crate::share::Opened;
use crate::state::{Action, AppState, Notice, NoticeKind};

/// How long each step of "Play on load" stays on screen before the clock moves to the next
/// deadline: long enough to see a token arrive in the inbox and the diagram grow.
const PLAY_STEP_MS: u32 = 1_200;

/// The message that tells the embedding page the frame's height: `{baton: "height", height}`.
pub const HEIGHT_MESSAGE: &str = "height";

#[derive(Properties, PartialEq)]
pub struct EmbedProps {
    pub options: EmbedOptions,
    /// The work the address opened (a share link, files), or why it could not be opened.
    pub opened: Option<Rc<Opened>>,
    /// What was wrong with the address itself.
    pub problems: Vec<String>,
}

/// The first state: the opened work, or the default example with a note saying why not.
fn embed_state(opened: Option<&Opened>, problems: &[String]) -> AppState {
    let mut notes = Vec::new();
    let mut state = match opened.map(|o| &o.work) {
        Some(Ok(work)) => state_of_work(work),
        Some(Err(why)) => {
            notes.push(format!("This embed's work could not be opened: {why}. An example is shown instead."));
            AppState::with_example(examples::default_example())
        }
        None => AppState::with_example(examples::default_example()),
    };
    notes.extend(problems.iter().map(|p| format!("In this embed's address, {p}.")));
    if !notes.is_empty() {
        state.notice = Some(Notice { kind: NoticeKind::Warning, text: notes.join(" "), can_undo: false });
    }
    state
}

/// The full app's address for the same work: this page's, less the embed options.
fn open_in_baton_address() -> String {
    let Some(location) = web_sys::window().map(|w| w.location()) else { return String::new() };
    let page = crate::share::page_address().unwrap_or_default();
    let files = address::launch(&location.search().unwrap_or_default()).files;
    let query = if files.any() { format!("?{}", files.query()) } else { String::new() };
    format!("{page}{query}{}", location.hash().unwrap_or_default())
}

#[component]
pub fn EmbedApp(props: &EmbedProps) -> Html {
    use_effect_with((), |_| {
        let _ = web_sys::window().and_then(|w| w.performance()).map(|p| p.mark("baton:ready"));
    });
    let state = use_reducer({
        let (opened, problems) = (props.opened.clone(), props.problems.clone());
        move || embed_state(opened.as_deref(), &problems)
    });
    let on_action = {
        let state = state.clone();
        Callback::from(move |action: Action| state.dispatch(action))
    };
    use_resume(state.run.as_ref(), &on_action);
    crate::jsonata::use_engine(state.needs_jsonata(), on_action.reform(Action::JsonataEngine));
    crate::extras::use_digests(state.needs_digests(), on_action.reform(Action::Digests));
    let play = props.options.play;
    // "Play on load": start once the frame is drawn, then move the clock on, one deadline per step,
    // while the execution waits for one.
    {
        let on_action = on_action.clone();
        use_effect_with((), move |_| {
            if play {
                on_action.emit(Action::Start);
            }
        });
    }
    {
        let on_action = on_action.clone();
        let waiting = state
            .run
            .as_ref()
            .filter(|r| play && !r.busy && !r.status.is_finished() && r.has_deadline())
            .map(|r| r.revision);
        use_effect_with(waiting, move |waiting| {
            let next = waiting
                .map(|_| Timeout::new(PLAY_STEP_MS, move || on_action.emit(Action::AdvanceToNextDeadline)));
            move || drop(next)
        });
    }
    let root = use_node_ref();
    use_height_messages(root.clone());

    let options = &props.options;
    let run = state.run.clone();
    let finished = run.as_ref().is_some_and(|r| r.status.is_finished());
    let emit = |action: Action| on_action.reform(move |_: MouseEvent| action.clone());
    let blocker = state.start_blocker();
    let title = state
        .example
        .and_then(|slug| examples::MENU.iter().find(|e| e.slug == slug))
        .map_or("Step Functions workflow", |entry| entry.title);
    let suggestions = Rc::new(task_suggestions(&state));
    let selected = state.selected_event;
    let on_select = on_action.reform(Action::SelectEvent);

    html! {
        <div class="embed" ref={root}>
            <header class="embed-bar">
                <a class="embed-brand" href={open_in_baton_address()} target="_blank" rel="noopener"
                    title="Open this work in Baton, in a new tab">
                    { logo() }
                    <span class="visually-hidden">{ "Baton: " }</span>
                </a>
                <h1 class="embed-title">{ title }</h1>
                <div class="embed-controls">
                    <button type="button" class="btn btn-primary" disabled={blocker.is_some()}
                        title={blocker.clone().unwrap_or_default()} onclick={emit(Action::Start)}>
                        <span class="btn-icon" aria-hidden="true">{ "▶" }</span>
                        { "Start execution" }
                    </button>
                    if play && finished {
                        <button type="button" class="btn" onclick={emit(Action::Start)}
                            title="Play the execution again from the start">
                            <span class="btn-icon" aria-hidden="true">{ "↻" }</span>
                            { "Replay" }
                        </button>
                    }
                </div>
                { status_bar(run.as_deref()) }
                <a class="btn btn-quiet embed-open" href={open_in_baton_address()} target="_blank" rel="noopener">
                    { "Open in Baton" }
                    <span aria-hidden="true">{ " ↗" }</span>
                </a>
            </header>
            { notice_toast(state.notice.as_ref(), &on_action) }
            <div class="embed-views">
                if options.editor == EditorMode::ReadOnly {
                    <section class="pane editor-pane" aria-label="Definition">
                        <header class="pane-head">
                            <h2><label for="definition">{ "Definition" }</label></h2>
                        </header>
                        <div class="editor-main">
                            <CodeEditor id="definition" label="State machine definition (read-only)"
                                value={state.definition.clone()} problems={state.definition_problems.clone()}
                                on_change={Callback::from(|_: String| ())} readonly=true />
                        </div>
                    </section>
                }
                if options.shows(Pane::Graph) {
                    <WorkflowGraph definition={state.compiled.clone()} run={run.clone()} attached={state.run_matches_editor()}
                        selected={None::<String>} open={None::<String>} on_open={Callback::from(|_: String| ())} />
                }
                if options.shows(Pane::Sequence) {
                    <SequencePane run={run.clone()} {selected} on_select={on_select.clone()} />
                }
            </div>
            <div class="embed-dock">
                if options.shows(Pane::Inbox) {
                    { token_inbox(&TokenInboxProps {
                        run: run.clone(),
                        suggestions,
                        head: html! { <h2>{ "Token inbox" }</h2> },
                        on_action: on_action.clone(),
                    }) }
                }
                if options.shows(Pane::Clock) {
                    <ClockPanel run={run.clone()} {selected} on_action={on_action.clone()} />
                }
                if options.shows(Pane::History) {
                    <HistoryTable {run} {selected} {on_select} />
                }
            </div>
        </div>
    }
}

/// Tells the page around the frame the height of `root` whenever it changes, as
/// `{baton: "height", height: PIXELS}`. The embed code listens for it and sizes the frame, so the
/// frame is never cut off and never scrolls inside a scrolling page. Nothing is sent when the app
/// is not in a frame.
#[hook]
fn use_height_messages(root: NodeRef) {
    use_effect_with(root, |root| {
        let window = web_sys::window();
        let parent = window.as_ref().and_then(|w| w.parent().ok().flatten());
        let in_frame = match (&window, &parent) {
            (Some(window), Some(parent)) => !js_sys::Object::is(window, parent),
            _ => false,
        };
        let element = root.cast::<web_sys::Element>();
        let last = std::cell::Cell::new(0.0);
        let tell = Closure::<dyn FnMut()>::new(move || {
            let (Some(parent), Some(element)) = (&parent, &element) else { return };
            let height = element.get_bounding_client_rect().height().ceil();
            if !in_frame || height == last.get() {
                return;
            }
            last.set(height);
            let message = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&message, &"baton".into(), &HEIGHT_MESSAGE.into());
            let _ = js_sys::Reflect::set(&message, &"height".into(), &JsValue::from_f64(height));
            // The height of a public example is no secret: any page may embed it.
            let _ = parent.post_message(&message, "*");
        });
        let observer = web_sys::ResizeObserver::new(tell.as_ref().unchecked_ref()).ok();
        if let (Some(observer), Some(element)) = (&observer, root.cast::<web_sys::Element>()) {
            observer.observe(&element);
        }
        move || {
            if let Some(observer) = observer {
                observer.disconnect();
            }
            drop(tell);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::Workspace;

    fn opened(work: Result<Workspace, String>) -> Opened {
        Opened { data: "QUJD".into(), work }
    }

    #[test]
    fn an_embed_shows_its_work_or_the_example_with_the_reason() {
        let work = Workspace {
            definition: r#"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}"#.into(),
            input: "{}".into(),
            scenario: "{}".into(),
            example: None,
            view: None,
        };
        let state = embed_state(Some(&opened(Ok(work.clone()))), &[]);
        assert_eq!((&*state.definition, state.notice), (work.definition.as_str(), None));

        let state =
            embed_state(Some(&opened(Err("the link is damaged".into()))), &["“maps” is unknown".into()]);
        assert_eq!(&*state.definition, examples::default_example().definition);
        let notice = state.notice.expect("a notice");
        assert_eq!(notice.kind, NoticeKind::Warning);
        assert!(notice.text.starts_with("This embed's work could not be opened: the link is damaged."));
        assert!(notice.text.ends_with("In this embed's address, “maps” is unknown."));
    }
}
