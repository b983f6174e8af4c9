//! The one screen: a top bar, three resizable panes (editors, workflow graph, sequence diagram) and
//! a dock (token inbox, virtual clock, event history).

use std::rc::Rc;

use gloo::timers::callback::Timeout;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::components::about::about_dialog;
use crate::components::clock::ClockPanel;
use crate::components::confirm::confirm_dialog;
use crate::components::details::StateDetails;
use crate::components::editor::CodeEditor;
use crate::components::graph::WorkflowGraph;
use crate::components::history::state_of_event;
use crate::components::history::HistoryTable;
use crate::components::inbox::{token_inbox, TokenInboxProps};
use crate::components::participants::{participants_panel, ParticipantsPanelProps};
use crate::components::sequence::SequencePane;
use crate::components::share::{shared_bar, ShareDialog};
use crate::components::splitter::{Edge, Splitter};
use crate::components::status::status_bar;
use crate::examples;
use crate::format::css_number;
use crate::run::Run;
use crate::share;
use crate::state::{Action, AppState, Notice, NoticeKind};
use crate::storage::{self, Restored, SaveStatus, Slot, Workspace};

/// The first state: the work of the share link the page was opened with (or why it could not be
/// read), or else what storage held.
fn initial_state(restored: &Restored, shared: Option<&Result<Workspace, String>>) -> AppState {
    let example = examples::default_example();
    let from = state_of_work;
    match shared {
        Some(Ok(work)) => return from(work),
        Some(Err(why)) => {
            let mut state = initial_state(restored, None);
            state.notice = Some(Notice {
                kind: NoticeKind::Warning,
                text: format!("This link could not be opened: {why}. Your own work is shown instead."),
                can_undo: false,
            });
            return state;
        }
        None => {}
    }
    match restored {
        Restored::Nothing => AppState::with_example(example),
        Restored::Workspace(w) => from(w),
        Restored::Unreadable { reason, kept_under } => {
            let kept = match kept_under {
                Some(key) => format!("It was set aside in localStorage under “{key}”."),
                None => "It could not be set aside either.".to_string(),
            };
            let text = format!(
                "Your saved work could not be read ({reason}). {kept} The example was loaded instead."
            );
            AppState::new(
                example.definition,
                example.input,
                Some(Notice { kind: NoticeKind::Warning, text, can_undo: false }),
            )
        }
        Restored::Unavailable(reason) => AppState::new(
            example.definition,
            example.input,
            Some(Notice {
                kind: NoticeKind::Warning,
                text: format!("Your edits will not survive a reload: {reason}."),
                can_undo: false,
            }),
        ),
    }
}

/// The state that shows `work`.
pub fn state_of_work(work: &Workspace) -> AppState {
    let mut state = AppState::new(&work.definition, &work.input, None)
        .with_scenario(&work.scenario)
        .remembering_example(work.example.as_deref());
    state.opened_view = work.view.clone();
    state
}

/// The engine yields after a bounded slice of work; this goes on at the next tick, which lets the
/// browser paint and handle clicks (such as "Stop execution") in between.
#[hook]
pub fn use_resume(run: Option<&Rc<Run>>, on_action: &Callback<Action>) {
    let busy = run.filter(|r| r.busy).map(|r| r.revision);
    let on_action = on_action.clone();
    use_effect_with(busy, move |busy| {
        let next = busy.map(|_| Timeout::new(0, move || on_action.emit(Action::Resume)));
        move || drop(next)
    });
}

/// Per Task state, the output a token card's "Task output" starts with.
pub fn task_suggestions(state: &AppState) -> std::collections::BTreeMap<String, String> {
    // Inserted one by one: collecting into a BTreeMap would instantiate a sort.
    let mut suggestions = std::collections::BTreeMap::new();
    for t in state.tasks.iter() {
        suggestions.insert(t.name.clone(), state.suggested_output(&t.name));
    }
    suggestions
}

/// Pane sizes in percent: the definition and sequence panes of the workspace's width, the dock of
/// the window's height.
#[derive(Clone, Copy, PartialEq)]
struct PaneWidths {
    left: f64,
    right: f64,
    dock: f64,
}

impl PaneWidths {
    const MIN: f64 = 18.0;
    const MAX: f64 = 50.0;
    /// The graph in the middle keeps at least this much.
    const MIN_MIDDLE: f64 = 22.0;
    const MIN_DOCK: f64 = 20.0;
    const MAX_DOCK: f64 = 70.0;

    fn with_left(self, left: f64) -> PaneWidths {
        let left = left.max(Self::MIN).min(Self::MAX).min(100.0 - Self::MIN_MIDDLE - self.right);
        PaneWidths { left, ..self }
    }

    fn with_dock(self, dock: f64) -> PaneWidths {
        PaneWidths { dock: dock.max(Self::MIN_DOCK).min(Self::MAX_DOCK), ..self }
    }

    fn with_right(self, right: f64) -> PaneWidths {
        let right = right.max(Self::MIN).min(Self::MAX).min(100.0 - Self::MIN_MIDDLE - self.left);
        PaneWidths { right, ..self }
    }
}

/// The notice across the workspace (a view function: it holds no state).
pub fn notice_toast(notice: Option<&Notice>, on_action: &Callback<Action>) -> Html {
    let Some(notice) = notice else { return html! { <div class="toast-slot" aria-live="polite" /> } };
    let dispatch = |action: Action| {
        let on_action = on_action.clone();
        Callback::from(move |_: MouseEvent| on_action.emit(action.clone()))
    };
    let class = match notice.kind {
        NoticeKind::Info => "toast toast-info",
        NoticeKind::Warning => "toast toast-warning",
        NoticeKind::Error => "toast toast-error",
    };
    html! {
        <div class="toast-slot" aria-live="polite">
            <div {class}>
                <p>{ notice.text.clone() }</p>
                if notice.can_undo {
                    <button type="button" class="btn btn-small" onclick={dispatch(Action::UndoLoadExample)}>{ "Undo" }</button>
                }
                <button type="button" class="btn btn-small btn-quiet" aria-label="Dismiss notice" onclick={dispatch(Action::DismissNotice)}>
                    { "✕" }
                </button>
            </div>
        </div>
    }
}

pub fn logo() -> Html {
    html! {
        <svg class="logo" viewBox="0 0 32 32" width="26" height="26" aria-hidden="true">
            <rect x="1" y="1" width="30" height="30" rx="8" class="logo-bg" />
            <path d="M9 23 L23 9" class="logo-stroke" />
            <circle cx="9" cy="23" r="3" class="logo-dot" />
            <circle cx="23" cy="9" r="3" class="logo-dot" />
        </svg>
    }
}

#[derive(Properties, PartialEq)]
pub struct AppProps {
    /// The share link the page was opened with, read before the first render.
    pub shared: Option<std::rc::Rc<share::Opened>>,
}

#[component]
pub fn App(props: &AppProps) -> Html {
    // The first render is committed: `cargo xtask bench --web` reads this mark.
    use_effect_with((), |_| {
        let _ = web_sys::window().and_then(|w| w.performance()).map(|p| p.mark("baton:ready"));
    });
    let restored = use_memo((), |_| storage::restore());
    let state = use_reducer({
        let (restored, shared) = (restored.clone(), props.shared.clone());
        move || {
            // The edits this browser made to the link's work since it was first opened, if any.
            let shared = shared.map(|opened| {
                opened.work.clone().map(|work| storage::restore_shared(&opened.data).unwrap_or(work))
            });
            initial_state(&restored, shared.as_ref())
        }
    });
    // Shared work is saved apart from the user's own, which it never replaces unasked.
    let slot = match props.shared.as_deref() {
        Some(share::Opened { data, work: Ok(_) }) => Slot::Shared(data.clone()),
        _ => Slot::Own,
    };
    let shared = matches!(slot, Slot::Shared(_));
    let dock_tab = use_state_eq(|| DockTab::of_view(state.opened_view.as_deref()));
    let workspace_now = Workspace {
        definition: state.definition.to_string(),
        input: state.input.to_string(),
        scenario: state.scenario.to_string(),
        example: state.example.map(str::to_string),
        view: dock_tab.view().map(str::to_string),
    };
    let save_status = storage::use_autosave(workspace_now.clone(), slot);
    // The Share dialog: `Some(true)` when "Deploy" opened it (its focus starts on the deploy section).
    let share_open = use_state_eq(|| None::<bool>);
    // Asked before shared work replaces the user's own saved work.
    let confirm_keep = use_state_eq(|| false);
    let about_open = use_state_eq(|| false);
    // The example waiting for the user's yes before it replaces edited work.
    let pending_example = use_state_eq(|| None::<examples::Entry>);
    let examples_menu = use_node_ref();
    let widths = use_state_eq(|| PaneWidths { left: 30.0, right: 33.0, dock: 40.0 });
    let workspace = use_node_ref();
    let frame = use_node_ref();

    let on_action = {
        let state = state.clone();
        Callback::from(move |action: Action| state.dispatch(action))
    };
    // The engine checks the definition once typing pauses, so that a keystroke stays cheap.
    crate::editor::use_debounce(
        state.definition.clone(),
        crate::editor::CHECK_DELAY_MS,
        on_action.reform(|()| Action::CheckDefinition),
    );
    // Confirmations fade on their own; warnings and errors stay until dismissed.
    {
        let info = state.notice.clone().filter(|n| n.kind == NoticeKind::Info);
        let on_action = on_action.clone();
        use_effect_with(info, move |info| {
            let fade =
                info.as_ref().map(|_| Timeout::new(8_000, move || on_action.emit(Action::DismissNotice)));
            move || drop(fade)
        });
    }
    use_resume(state.run.as_ref(), &on_action);
    crate::jsonata::use_engine(state.needs_jsonata(), on_action.reform(Action::JsonataEngine));
    crate::extras::use_digests(state.needs_digests(), on_action.reform(Action::Digests));
    // The first dock panel shows the token inbox or the participants (as the work was saved or
    // shared); a new execution shows the inbox, where its tokens land.
    {
        let dock_tab = dock_tab.clone();
        let execution = state.run.as_ref().map(|r| r.execution_number());
        use_effect_with(execution, move |execution| {
            if execution.is_some() {
                dock_tab.set(DockTab::Inbox);
            }
        });
    }
    // The tab list is drawn inside the panel it switches, so a switch replaces the focused tab: the
    // tab selected takes the focus once it is drawn.
    let focus_dock_tab = use_mut_ref(|| false);
    {
        let focus_dock_tab = focus_dock_tab.clone();
        use_effect_with(*dock_tab, move |tab| {
            if std::mem::take(&mut *focus_dock_tab.borrow_mut()) {
                crate::components::focus_by_id(tab.id());
            }
        });
    }
    let select_dock_tab = {
        let dock_tab = dock_tab.clone();
        Callback::from(move |tab: DockTab| {
            if *dock_tab != tab {
                *focus_dock_tab.borrow_mut() = true;
                dock_tab.set(tab);
            }
        })
    };
    // The menu shows the example the work came from.
    {
        let examples_menu = examples_menu.clone();
        use_effect_with(state.example, move |example| {
            if let Some(select) = examples_menu.cast::<HtmlSelectElement>() {
                select.set_value(example.unwrap_or_default());
            }
        });
    }
    // Only the default example is built in: the work's example is fetched if it is not at hand
    // (saved work from another example, after a reload), and the views that show it then redraw.
    {
        let on_action = on_action.clone();
        use_effect_with(state.example, move |slug| {
            if let Some(slug) = slug.filter(|slug| examples::by_id(slug).is_none()) {
                examples::load(
                    slug,
                    Callback::from(move |loaded: Result<_, String>| {
                        on_action
                            .emit(loaded.map_or_else(Action::ExampleUnavailable, |_| Action::ExampleArrived))
                    }),
                );
            }
        });
    }
    let example = state.example.and_then(examples::by_id);
    // Work that came from no example is the user's own.
    let edited = example.is_none_or(|e| state.differs_from(e));
    let emit = |action: Action| {
        let on_action = on_action.clone();
        Callback::from(move |_: MouseEvent| on_action.emit(action.clone()))
    };
    let on_definition = on_action.reform(Action::EditDefinition);
    let on_input = on_action.reform(Action::EditInput);
    // Loads an example, fetching it first if it is not built in.
    let load_example = {
        let on_action = on_action.clone();
        Callback::from(move |chosen: examples::Entry| {
            let on_action = on_action.clone();
            examples::load(
                chosen.slug,
                Callback::from(move |loaded: Result<&'static examples::Example, String>| {
                    on_action.emit(match loaded {
                        Ok(example) => Action::LoadExample(example.slug.to_string()),
                        Err(why) => Action::ExampleUnavailable(why),
                    })
                }),
            );
        })
    };
    let on_example = {
        let (load_example, pending_example, current) =
            (load_example.clone(), pending_example.clone(), state.example);
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            let chosen = examples::MENU.iter().find(|entry| entry.slug == select.value()).copied();
            // The menu goes on showing the work's example until another one is loaded.
            select.set_value(current.unwrap_or_default());
            match chosen {
                // Another example over edited work asks first ("Reset to example" is the way back
                // to the same one).
                Some(chosen) if edited && current != Some(chosen.slug) => pending_example.set(Some(chosen)),
                Some(chosen) => load_example.emit(chosen),
                None => {}
            }
        })
    };
    let reset_to_example = {
        let (pending_example, current) = (pending_example.clone(), state.example);
        Callback::from(move |_: MouseEvent| {
            if edited {
                pending_example.set(examples::MENU.iter().find(|entry| Some(entry.slug) == current).copied());
            }
        })
    };
    let confirm_example = pending_example.map(|chosen| {
        let cancel = {
            let pending_example = pending_example.clone();
            Callback::from(move |()| pending_example.set(None))
        };
        let replace = {
            let (load_example, cancel) = (load_example.clone(), cancel.clone());
            Callback::from(move |()| {
                cancel.emit(());
                load_example.emit(chosen);
            })
        };
        confirm_dialog(
            format!("Replace your edits with the example “{}”?", chosen.title),
            "Your changes to the definition, input and participants will be lost.",
            "Replace",
            replace,
            cancel,
        )
    });
    let resize_left = {
        let widths = widths.clone();
        Callback::from(move |p: f64| widths.set(widths.with_left(p)))
    };
    let resize_dock = {
        let widths = widths.clone();
        Callback::from(move |p: f64| widths.set(widths.with_dock(p)))
    };
    let resize_right = {
        let widths = widths.clone();
        Callback::from(move |p: f64| widths.set(widths.with_right(p)))
    };

    let run = state.run.clone();
    let running = run.as_ref().is_some_and(|r| !r.status.is_finished());
    let blocker = state.start_blocker();
    let errors = state.error_count();
    let warnings = state.definition_problems.len() - errors;
    let problem_count = match (errors, warnings) {
        (0, 0) => html! { <span class="count count-good">{ "Valid" }</span> },
        (0, w) => html! { <span class="count count-warn">{ plural(w, "warning") }</span> },
        (e, _) => html! { <span class="count count-bad">{ plural(e, "error") }</span> },
    };
    let save_note = match &save_status {
        SaveStatus::Idle => html! { <span class="save-note" /> },
        SaveStatus::Saved => html! {
            <span class="save-note" title="The definition and input are kept in this browser's storage">{ "✓ Saved" }</span>
        },
        SaveStatus::Failed(why) => {
            html! { <span class="save-note save-failed" title={why.clone()}>{ "Not saved" }</span> }
        }
    };
    let open_about = {
        let about_open = about_open.clone();
        Callback::from(move |_: MouseEvent| about_open.set(true))
    };
    // Closing a dialog gives the focus back to the button that opened it (see `Modal`).
    let about = example.filter(|_| *about_open).map(|example| {
        let about_open = about_open.clone();
        about_dialog(example, Callback::from(move |()| about_open.set(false)))
    });
    let share_dialog = share_open.map(|deploy| {
        let share_open = share_open.clone();
        let on_close = Callback::from(move |()| share_open.set(None));
        html! { <ShareDialog workspace={workspace_now.clone()} {deploy} {on_close} /> }
    });
    let open_share = |deploy: bool| {
        let share_open = share_open.clone();
        Callback::from(move |_: MouseEvent| share_open.set(Some(deploy)))
    };
    // Keeping shared work as one's own: saved under the user's key, then the page reopens without
    // the link, on that work.
    let keep = {
        // The last use of this render's workspace: moved, not copied.
        let workspace = workspace_now;
        Callback::from(move |()| {
            if storage::keep_as_own(&workspace).is_ok() {
                if let (Some(window), Some(mine)) = (web_sys::window(), share::page_address()) {
                    let _ = window.location().assign(&mine);
                }
            }
        })
    };
    let on_keep = {
        let (keep, confirm_keep) = (keep.clone(), confirm_keep.clone());
        Callback::from(move |_: MouseEvent| match storage::has_own_work() {
            true => confirm_keep.set(true),
            false => keep.emit(()),
        })
    };
    let keep_dialog = confirm_keep.then(|| {
        let cancel = confirm_keep.clone();
        confirm_dialog(
            "Replace your saved work with this shared work?".into(),
            "The definition, input and participants you saved in this browser will be lost.",
            "Replace",
            keep.clone(),
            Callback::from(move |()| cancel.set(false)),
        )
    });
    let style = format!("--left: {}%; --right: {}%;", css_number(widths.left), css_number(widths.right));
    // Stable callbacks (the reducer's dispatcher never changes), so that the graph and the history
    // are not redrawn when something else changes.
    let on_select_event = use_callback(state.dispatcher(), |id: Option<u64>, dispatcher| {
        dispatcher.dispatch(Action::SelectEvent(id))
    });
    let selected_state = match (&run, state.selected_event) {
        (Some(run), Some(id)) if state.run_matches_editor() => run.history.with(|h| state_of_event(h, id)),
        _ => None,
    };
    let on_open_state = use_callback(state.dispatcher(), |name: String, dispatcher| {
        dispatcher.dispatch(Action::ShowState(Some(name)))
    });
    let details = state.details.clone().map(|name| {
        // The run's definition while the graph shows the run; the editor's, as last compiled, otherwise.
        let definition = match &run {
            Some(run) if state.run_matches_editor() => run.definition.json(),
            _ => state.compiled.json(),
        };
        let run = run.clone().filter(|_| state.run_matches_editor());
        html! {
            <StateDetails {name} {definition} {run}
                on_close={on_action.reform(|()| Action::ShowState(None))}
                on_select_event={on_select_event.clone()} />
        }
    });
    let suggestions = {
        let state = state.clone();
        use_memo((state.example, state.scenario.clone(), state.tasks.clone()), move |_| {
            task_suggestions(&state)
        })
    };
    let simulated = state
        .tasks
        .iter()
        .filter(|t| state.scenario_json.get("responders").and_then(|r| r.get(&t.name)).is_some())
        .count();
    // The WAI-ARIA tabs pattern: one tab in the Tab order, arrow keys (and Home, End) select.
    let tab = |which: DockTab, text: &str, count: String| {
        let selected = *dock_tab == which;
        let select_dock_tab = select_dock_tab.clone();
        html! {
            <button type="button" role="tab" id={which.id()} class={classes!("panel-tab", selected.then_some("active"))}
                aria-selected={selected.to_string()} aria-controls={selected.then_some(DOCK_PANEL)}
                tabindex={if selected { "0" } else { "-1" }}
                onclick={move |_: MouseEvent| select_dock_tab.emit(which)}>
                { text.to_string() }
                if !count.is_empty() { <span class="tab-count">{ count }</span> }
            </button>
        }
    };
    let on_tab_key = {
        let (select_dock_tab, at) =
            (select_dock_tab.clone(), DockTab::ALL.iter().position(|t| *t == *dock_tab));
        Callback::from(move |e: KeyboardEvent| {
            let (at, n) = (at.unwrap_or(0), DockTab::ALL.len());
            let to = match e.key().as_str() {
                "ArrowRight" => (at + 1) % n,
                "ArrowLeft" => (at + n - 1) % n,
                "Home" => 0,
                "End" => n - 1,
                _ => return,
            };
            e.prevent_default();
            select_dock_tab.emit(DockTab::ALL[to]);
        })
    };
    let tabs = html! {
        <div class="panel-tabs" role="tablist" aria-label="Token inbox or participants" onkeydown={on_tab_key}>
            { tab(DockTab::Inbox, "Token inbox", String::new()) }
            { tab(DockTab::Participants, "Participants", if simulated > 0 { format!("{simulated} simulated") } else { String::new() }) }
        </div>
    };
    // Escape closes the state details from anywhere in the workspace: a click on a state leaves the
    // focus in the definition, where the click selected the state.
    let on_workspace_key = {
        let (on_action, details_open) = (on_action.clone(), state.details.is_some());
        Callback::from(move |e: KeyboardEvent| {
            if details_open && e.key() == "Escape" {
                on_action.emit(Action::ShowState(None));
            }
        })
    };
    let frame_style = format!("--dock: {}%;", css_number(widths.dock));

    html! {
        <div class="app" ref={frame.clone()} style={frame_style}>
            // One grid row for the top bar and, over shared work, the bar that says so.
            <div class="app-head">
                <header class="topbar">
                    <div class="brand">
                        { logo() }
                        <span class="brand-name">{ "Baton" }</span>
                        <span class="brand-sub">{ "Step Functions callbacks, simulated" }</span>
                    </div>
                    <div class="toolbar">
                        <label class="visually-hidden" for="examples">{ "Examples" }</label>
                        <select id="examples" class="select" ref={examples_menu} onchange={on_example}>
                            <option value="">{ "Examples…" }</option>
                            for entry in examples::MENU.iter() {
                                <option value={entry.slug}>{ entry.title }</option>
                            }
                        </select>
                        if let Some(example) = example {
                            <button type="button" class="btn btn-quiet" onclick={open_about}
                                title={format!("What “{}” shows, and what to try", example.title)}>
                                { "About this example" }
                            </button>
                            // Disabled by aria-disabled, not `disabled`, so that it keeps the focus the
                            // dialog gives back once the example is restored. "Reset" next to the menu
                            // is clear on screen and leaves the header room for the status; its
                            // accessible name says the whole.
                            <button type="button" class="btn btn-quiet" aria-disabled={(!edited).to_string()}
                                onclick={reset_to_example} aria-label="Reset to example"
                                title={if edited {
                                    "Put back the example's definition, input and participants"
                                } else {
                                    "Nothing to reset: this is the example as it comes"
                                }}>
                                { "Reset" }
                            </button>
                        }
                        <button type="button" class="btn btn-quiet" onclick={open_share(false)}
                            title="A link that holds this definition, input and participants">
                            { "Share" }
                        </button>
                        <button type="button" class="btn btn-quiet" onclick={open_share(true)}
                            title="The AWS CLI commands, or a CloudFormation or SAM template, for this work">
                            { "Deploy" }
                        </button>
                        <button
                            type="button"
                            class="btn btn-primary"
                            disabled={blocker.is_some()}
                            aria-describedby="start-blocker"
                            onclick={emit(Action::Start)}
                        >
                            <span class="btn-icon" aria-hidden="true">{ "▶" }</span>
                            { "Start execution" }
                        </button>
                        <button type="button" class="btn" disabled={!running} onclick={emit(Action::Stop)}>
                            { "Stop execution" }
                        </button>
                        <span id="start-blocker" class="start-blocker">{ blocker.unwrap_or_default() }</span>
                    </div>
                    { status_bar(run.as_deref()) }
                    { save_note }
                </header>
                if shared { { shared_bar(on_keep) } }
            </div>

            { about.unwrap_or_default() }
            { share_dialog.unwrap_or_default() }
            { keep_dialog.unwrap_or_default() }
            { confirm_example.unwrap_or_default() }
            { notice_toast(state.notice.as_ref(), &on_action) }

            <main class="workspace" ref={workspace.clone()} {style} onkeydown={on_workspace_key}>
                <section class="pane editor-pane" aria-label="Definition">
                    <header class="pane-head">
                        <h2><label for="definition">{ "Definition" }</label></h2>
                        { problem_count }
                        <span class="pane-hint">{ "Amazon States Language" }</span>
                    </header>
                    <div class="editor-main">
                        <CodeEditor
                            id="definition"
                            label="State machine definition"
                            value={state.definition.clone()}
                            problems={state.definition_problems.clone()}
                            on_change={on_definition}
                        />
                    </div>
                    <header class="pane-head pane-head-inner">
                        <h2><label for="input">{ "Execution input" }</label></h2>
                        if state.input_problems.is_empty() {
                            <span class="count count-good">{ "JSON" }</span>
                        } else {
                            <span class="count count-bad">{ "Invalid JSON" }</span>
                        }
                    </header>
                    <div class="editor-input">
                        <CodeEditor
                            id="input"
                            label="Execution input"
                            value={state.input.clone()}
                            problems={state.input_problems.clone()}
                            on_change={on_input}
                            compact=true
                        />
                    </div>
                </section>
                <Splitter
                    edge={Edge::Left}
                    container={workspace.clone()}
                    percent={widths.left}
                    label="Resize the definition pane"
                    min={PaneWidths::MIN as u8}
                    max={PaneWidths::MAX as u8}
                    on_resize={resize_left}
                />
                <WorkflowGraph definition={state.compiled.clone()} run={run.clone()} attached={state.run_matches_editor()}
                    selected={selected_state} open={state.details.clone()} on_open={on_open_state} />
                <Splitter
                    edge={Edge::Right}
                    container={workspace}
                    percent={widths.right}
                    label="Resize the sequence diagram pane"
                    min={PaneWidths::MIN as u8}
                    max={PaneWidths::MAX as u8}
                    on_resize={resize_right}
                />
                <SequencePane run={run.clone()} selected={state.selected_event} on_select={on_select_event.clone()} />
                { details.unwrap_or_default() }
            </main>

            <Splitter
                edge={Edge::Bottom}
                container={frame}
                percent={widths.dock}
                label="Resize the token inbox, clock and history"
                min={PaneWidths::MIN_DOCK as u8}
                max={PaneWidths::MAX_DOCK as u8}
                on_resize={resize_dock}
            />
            <div class="dock">
                <div class="dock-tabpanel" role="tabpanel" id={DOCK_PANEL} aria-labelledby={dock_tab.id()}>
                    if *dock_tab == DockTab::Inbox {
                        { token_inbox(&TokenInboxProps { run: run.clone(), suggestions, head: tabs, on_action: on_action.clone() }) }
                    } else {
                        { participants_panel(&ParticipantsPanelProps {
                            tasks: state.tasks.clone(),
                            scenario: state.scenario.clone(),
                            scenario_json: state.scenario_json.clone(),
                            problem: state.scenario_problem.clone(),
                            example,
                            played: state.played.clone(),
                            run: run.clone(),
                            head: tabs,
                            on_action: on_action.clone(),
                        }) }
                    }
                </div>
                <ClockPanel run={run.clone()} selected={state.selected_event} on_action={on_action.clone()} />
                <HistoryTable {run} selected={state.selected_event} on_select={on_select_event} />
            </div>
        </div>
    }
}

/// Which panel the first slot of the dock shows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum DockTab {
    Inbox,
    Participants,
}

impl DockTab {
    /// In the order of the tab list.
    const ALL: [DockTab; 2] = [DockTab::Inbox, DockTab::Participants];

    /// The tab a saved or shared work's `view` names; the inbox when it names none.
    fn of_view(view: Option<&str>) -> DockTab {
        match view {
            Some("participants") => DockTab::Participants,
            _ => DockTab::Inbox,
        }
    }

    /// What a workspace records of it: nothing for the usual view, the inbox.
    fn view(self) -> Option<&'static str> {
        match self {
            DockTab::Inbox => None,
            DockTab::Participants => Some("participants"),
        }
    }

    /// The id of the tab's element.
    fn id(self) -> &'static str {
        match self {
            DockTab::Inbox => "dock-tab-inbox",
            DockTab::Participants => "dock-tab-participants",
        }
    }
}

/// The id of the element that holds the selected dock tab's panel.
const DOCK_PANEL: &str = "dock-panel";

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pane_widths_stay_usable() {
        let w = PaneWidths { left: 30.0, right: 33.0, dock: 40.0 };
        assert_eq!(w.with_left(5.0).left, PaneWidths::MIN);
        assert_eq!(w.with_left(90.0).left, PaneWidths::MAX - 5.0);
        assert_eq!(w.with_right(40.0).right, 40.0);
        assert_eq!(w.with_dock(95.0).dock, PaneWidths::MAX_DOCK);
    }

    #[test]
    fn a_share_link_opens_its_work_or_says_why_not_over_the_users_own() {
        let theirs = Workspace {
            definition: examples::default_example().definition.into(),
            input: "{\"theirs\": true}".into(),
            scenario: "{}".into(),
            example: None,
            view: None,
        };
        let mine = Restored::Workspace(Workspace { input: "{\"mine\": true}".into(), ..theirs.clone() });
        let state = initial_state(&mine, Some(&Ok(theirs)));
        assert_eq!(&*state.input, "{\"theirs\": true}");
        let state = initial_state(&mine, Some(&Err("the link is damaged".into())));
        assert_eq!(&*state.input, "{\"mine\": true}");
        let notice = state.notice.unwrap();
        assert_eq!(notice.kind, NoticeKind::Warning);
        assert!(
            notice.text.starts_with("This link could not be opened: the link is damaged."),
            "{}",
            notice.text
        );
    }

    #[test]
    fn unreadable_storage_loads_the_example_with_a_notice() {
        let state = initial_state(
            &Restored::Unreadable {
                reason: "not JSON".into(),
                kept_under: Some(storage::UNREADABLE_KEY.into()),
            },
            None,
        );
        assert_eq!(&*state.definition, examples::default_example().definition);
        let notice = state.notice.unwrap();
        assert!(notice.text.contains(storage::UNREADABLE_KEY), "{}", notice.text);
    }

    #[test]
    fn a_saved_workspace_is_restored() {
        let scenario = r#"{"responders": {"Ask": [{"callback": "none"}]}}"#;
        let w = Workspace {
            definition: "{}".into(),
            input: "[]".into(),
            scenario: scenario.into(),
            example: None,
            view: None,
        };
        let state = initial_state(&Restored::Workspace(w), None);
        assert_eq!(&*state.definition, "{}");
        assert_eq!(&*state.input, "[]");
        assert_eq!(&*state.scenario, scenario);
        assert!(state.notice.is_none());
    }
}
