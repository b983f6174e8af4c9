//! The token inbox: the user plays the external system that holds each task token.
//!
//! Every token the execution handed out gets a card, open or closed. A closed card keeps its
//! buttons, because answering a token twice, or too late, is exactly what a learner wants to see
//! AWS refuse.

use std::collections::BTreeMap;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlTextAreaElement, Node};
use yew::prelude::*;

use super::copy::{self, use_copy_feedback};

use crate::format::{clock, countdown, duration, short_token};
use crate::run::{CallOutcome, Run, TokenCard};
use crate::state::Action;

/// What "Task output" holds before the user types, when nothing better is known.
pub const DEFAULT_OUTPUT: &str = "{}";

/// What the token inbox shows.
pub struct TokenInboxProps {
    pub run: Option<Rc<Run>>,
    /// Per Task state, the output "Task output" starts with (from the example's scenarios).
    pub suggestions: Rc<BTreeMap<String, String>>,
    /// The tab list drawn in the panel's head.
    pub head: Html,
    pub on_action: Callback<Action>,
}

pub use sim::export::shell_quote;

/// The AWS CLI command that makes the same call as a button of the token card.
pub fn cli_command(action: &str, token: &str, output: &str, error: &str, cause: &str) -> String {
    let token = shell_quote(token);
    match action {
        "success" => {
            // Compact JSON reads better on one line; text that is not JSON is passed as typed.
            let output = serde_json::from_str::<serde_json::Value>(output)
                .map_or(output.to_string(), |v| v.to_string());
            format!(
                "aws stepfunctions send-task-success --task-token {token} --task-output {}",
                shell_quote(&output)
            )
        }
        "failure" => {
            let mut command = format!("aws stepfunctions send-task-failure --task-token {token}");
            if !error.trim().is_empty() {
                command.push_str(&format!(" --error {}", shell_quote(error.trim())));
            }
            if !cause.trim().is_empty() {
                command.push_str(&format!(" --cause {}", shell_quote(cause)));
            }
            command
        }
        _ => format!("aws stepfunctions send-task-heartbeat --task-token {token}"),
    }
}

/// A view function, not a component: it holds no state, and each component costs the download
/// about 2 kB of wasm for its machinery.
pub fn token_inbox(props: &TokenInboxProps) -> Html {
    let body = match &props.run {
        None => html! {
            <div class="empty-state">
                <p class="empty-title">{ "No tokens yet" }</p>
                <p class="empty-note">
                    { "Start an execution. When a Task whose Resource ends in " }
                    <code>{ ".waitForTaskToken" }</code>
                    { " runs, its token lands here and you answer as the external system." }
                </p>
            </div>
        },
        Some(run) if run.tokens.is_empty() => html! {
            <div class="empty-state">
                <p class="empty-title">{ "No task tokens" }</p>
                <p class="empty-note">{ "This execution has not handed out a task token." }</p>
            </div>
        },
        Some(run) => {
            // Open tokens first, newest first within each group.
            let mut cards: Vec<&TokenCard> = run.tokens.iter().collect();
            asl::sort::by_key(&mut cards, |c| (c.closed.is_some(), std::cmp::Reverse(c.opened_at_ms)));
            html! {
                <ul class="token-list">
                    for card in cards {
                        <li key={card.token.clone()}>
                            <TokenCardView card={card.clone()} now_ms={run.now_ms} on_action={props.on_action.clone()}
                                suggested={props.suggestions.get(&card.state).cloned().unwrap_or_else(|| DEFAULT_OUTPUT.to_string())} />
                        </li>
                    }
                </ul>
            }
        }
    };
    let open = props.run.as_ref().map_or(0, |r| r.tokens.iter().filter(|t| t.closed.is_none()).count());
    let last_call = props.run.as_ref().and_then(|r| r.last_call.as_ref());

    html! {
        <section class="panel inbox-panel" aria-label="Token inbox">
            <header class="panel-head">
                { props.head.clone() }
                <span class={classes!("count", (open > 0).then_some("count-live"))}>{ format!("{open} open") }</span>
            </header>
            { last_call_line(last_call) }
            <div class="panel-body">{ body }</div>
        </section>
    }
}

/// The answer to the user's last API call, announced politely to screen readers. The line is always
/// there (empty at first), so that nothing below it moves when the first answer arrives.
fn last_call_line(call: Option<&CallOutcome>) -> Html {
    let (class, text) = match call {
        None => {
            ("last-call", html! { <span class="muted">{ "Your API calls' results appear here." }</span> })
        }
        Some(call) if call.ok => (
            "last-call ok",
            html! { <><span class="call-icon" aria-hidden="true">{ "✓" }</span>{ call.text.clone() }</> },
        ),
        Some(call) => (
            "last-call refused",
            html! {
                <>
                    <span class="call-icon" aria-hidden="true">{ "✕" }</span>
                    <span class="call-action">{ call.action }</span>
                    <span class="call-text">{ call.text.clone() }</span>
                </>
            },
        ),
    };
    html! { <div {class} aria-live="polite" aria-label="Last API call">{ text }</div> }
}

#[derive(Properties, PartialEq)]
struct TokenCardProps {
    card: TokenCard,
    now_ms: u64,
    /// What "Task output" starts with.
    suggested: String,
    on_action: Callback<Action>,
}

/// Closes the disclosure menu if it is open, and gives the focus to its button, since the item
/// that had it is hidden now. False when it was closed already.
fn close_menu(menu: &NodeRef) -> bool {
    let Some(menu) = menu.cast::<Element>().filter(|m| m.has_attribute("open")) else { return false };
    let _ = menu.remove_attribute("open");
    if let Some(summary) = menu.first_element_child().and_then(|s| s.dyn_into::<HtmlElement>().ok()) {
        let _ = summary.focus();
    }
    true
}

fn textarea_value(e: InputEvent) -> String {
    e.target_unchecked_into::<HtmlTextAreaElement>().value()
}

fn input_value(e: InputEvent) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

#[component]
fn TokenCardView(props: &TokenCardProps) -> Html {
    let card = &props.card;
    let output = use_state(|| props.suggested.clone());
    let error = use_state(String::new);
    let cause = use_state(String::new);
    let (copied, show_copied) = use_copy_feedback::<bool>();
    let (cli_copied, show_cli_copied) = use_copy_feedback::<bool>();
    let cli_menu = use_node_ref();
    let copy_cli = |action: &'static str| {
        let (token, cli_menu, show_cli_copied) =
            (card.token.clone(), cli_menu.clone(), show_cli_copied.clone());
        let (output, error, cause) = (output.clone(), error.clone(), cause.clone());
        Callback::from(move |_: MouseEvent| {
            let command = cli_command(action, &token, &output, &error, &cause);
            crate::browser::copy_text(&command, show_cli_copied.clone());
            close_menu(&cli_menu);
        })
    };
    let on_cli_menu_key = {
        let cli_menu = cli_menu.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" && close_menu(&cli_menu) {
                e.prevent_default();
            }
        })
    };
    // Like any menu, it closes when the focus goes elsewhere (a click outside, Tab past it).
    let on_cli_menu_blur = {
        let cli_menu = cli_menu.clone();
        Callback::from(move |e: FocusEvent| {
            let to = e.related_target().and_then(|t| t.dyn_into::<Node>().ok());
            if let Some(menu) = cli_menu.cast::<Element>().filter(|m| !m.contains(to.as_ref())) {
                let _ = menu.remove_attribute("open");
            }
        })
    };
    let id = |what: &str| format!("{what}-{}", short_token(&card.token).replace('…', "-"));

    let send_success = {
        let (on_action, token, output) = (props.on_action.clone(), card.token.clone(), output.clone());
        Callback::from(move |_: MouseEvent| {
            on_action.emit(Action::SendSuccess { token: token.clone(), output: (*output).clone() })
        })
    };
    let send_failure = {
        let (on_action, token) = (props.on_action.clone(), card.token.clone());
        let (error, cause) = (error.clone(), cause.clone());
        Callback::from(move |_: MouseEvent| {
            on_action.emit(Action::SendFailure {
                token: token.clone(),
                error: (*error).clone(),
                cause: (*cause).clone(),
            })
        })
    };
    let send_heartbeat = {
        let (on_action, token) = (props.on_action.clone(), card.token.clone());
        Callback::from(move |_: MouseEvent| on_action.emit(Action::SendHeartbeat { token: token.clone() }))
    };
    let copy = {
        let token = card.token.clone();
        Callback::from(move |_: MouseEvent| {
            crate::browser::copy_text(&token, show_copied.clone());
        })
    };

    let now = props.now_ms;
    let age_end = card.closed.as_ref().map_or(now, |(at, _)| *at);
    let deadline = |label: &str, due: Option<u64>| match (due, &card.closed) {
        (Some(due), None) => html! {
            <div class="deadline">
                <dt>{ label.to_string() }</dt>
                <dd><span class={classes!("mono", (due <= now).then_some("overdue"))}>{ countdown(now, due) }</span></dd>
            </div>
        },
        _ => html! {},
    };
    // How much of the task's time budget is used: a thin bar, so the timeout is felt, not read.
    let progress = match (card.timeout_due_ms, &card.closed) {
        (Some(due), None) if due > card.opened_at_ms => {
            let used = (now.saturating_sub(card.opened_at_ms)) as f64 / (due - card.opened_at_ms) as f64;
            let pct = (used.max(0.0).min(1.0) * 100.0).round() as u8;
            html! { <div class="budget" aria-hidden="true"><div class="budget-fill" style={format!("width: {pct}%")} /></div> }
        }
        _ => html! {},
    };
    let is_open = card.closed.is_none();
    let heartbeat_hint = match card.heartbeat_due_ms {
        Some(_) => "Restarts the HeartbeatSeconds timer",
        _ => "This task sets no HeartbeatSeconds",
    };
    let output_id = id("output");
    let output_error_id = id("output-error");

    html! {
        <article class={classes!("token-card", (!is_open).then_some("closed"))} aria-label={match card.map_index {
            Some(index) => format!("Task token for {}, Map item {index}", card.state),
            None => format!("Task token for {}", card.state),
        }}>
            <header class="token-head">
                <div class="token-title">
                    <span class="state-name" title={card.state.clone()}>{ card.state.clone() }</span>
                    if let Some(index) = card.map_index {
                        <span class="tag" title="The Map iteration ($$.Map.Item.Index)">{ format!("item {index}") }</span>
                    }
                    <span class="tag">{ format!("attempt {}", card.attempt) }</span>
                    if let Some((_, why)) = &card.closed {
                        <span class="tag tag-closed">{ why.clone() }</span>
                    } else {
                        <span class="tag tag-open">{ "open" }</span>
                    }
                </div>
                <div class="token-tools">
                    <button type="button" class="btn btn-small btn-quiet" onclick={copy} title={card.token.clone()}>
                        { copy::label(copied, "Copy token") }
                    </button>
                    <details class="menu" ref={cli_menu.clone()} onkeydown={on_cli_menu_key} onfocusout={on_cli_menu_blur}>
                        <summary class="btn btn-small btn-quiet" title="Copy the same call as an AWS CLI command">
                            { copy::label(cli_copied, "Copy CLI") }
                        </summary>
                        <div class="menu-items" role="group" aria-label="AWS CLI commands">
                            <button type="button" class="btn btn-small btn-quiet" onclick={copy_cli("success")}>{ "send-task-success" }</button>
                            <button type="button" class="btn btn-small btn-quiet" onclick={copy_cli("failure")}>{ "send-task-failure" }</button>
                            <button type="button" class="btn btn-small btn-quiet" onclick={copy_cli("heartbeat")}>{ "send-task-heartbeat" }</button>
                        </div>
                    </details>
                </div>
            </header>
            <dl class="token-facts">
                <div><dt>{ "Token" }</dt><dd><code title={card.token.clone()}>{ short_token(&card.token) }</code></dd></div>
                <div><dt>{ "Holder" }</dt><dd title={card.holder.clone()}>{ card.holder.clone() }</dd></div>
                <div><dt>{ "Age" }</dt><dd class="mono">{ duration(age_end.saturating_sub(card.opened_at_ms)) }</dd></div>
                { deadline("Heartbeat", card.heartbeat_due_ms) }
                { deadline("Timeout", card.timeout_due_ms) }
                if let Some((at, _)) = &card.closed {
                    <div><dt>{ "Closed at" }</dt><dd class="mono">{ clock(*at) }</dd></div>
                }
            </dl>
            { progress }
            if !is_open {
                <p class="closed-note">{ "Closed. Sending to it still works: see what AWS answers." }</p>
            }
            <div class="token-actions">
                <label for={output_id.clone()}>{ "Task output" }</label>
                <textarea
                    id={output_id}
                    class="mono small-code"
                    rows="1"
                    spellcheck="false"
                    aria-invalid={if card.rejected_output.is_some() { "true" } else { "false" }}
                    aria-describedby={output_error_id.clone()}
                    value={(*output).clone()}
                    oninput={let output = output.clone(); move |e| output.set(textarea_value(e))}
                />
                <button type="button" class="btn btn-success" onclick={send_success}>{ "Send task success" }</button>
                if let Some(why) = card.rejected_output.clone() {
                    <p class="field-error" id={output_error_id}>{ why }</p>
                }
                <label for={id("error")}>{ "Error" }</label>
                <div class="field-pair">
                    <input id={id("error")} class="mono" placeholder="Rejected" value={(*error).clone()}
                        oninput={let error = error.clone(); move |e| error.set(input_value(e))} />
                    <label for={id("cause")}>{ "Cause" }</label>
                    <input id={id("cause")} placeholder="Why it failed" value={(*cause).clone()}
                        oninput={let cause = cause.clone(); move |e| cause.set(input_value(e))} />
                </div>
                <button type="button" class="btn btn-danger" onclick={send_failure}>{ "Send task failure" }</button>
                <span class="action-label">{ "Heartbeat" }</span>
                <span class="action-hint">{ heartbeat_hint }</span>
                <button type="button" class="btn" onclick={send_heartbeat}>{ "Send task heartbeat" }</button>
            </div>
        </article>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_commands_match_the_buttons() {
        assert_eq!(
            cli_command("success", "AQ==", "{\"decision\": \"approve\"}", "", ""),
            "aws stepfunctions send-task-success --task-token 'AQ==' --task-output '{\"decision\":\"approve\"}'"
        );
        assert_eq!(
            cli_command("failure", "T", "", "Rejected", "it's over budget"),
            "aws stepfunctions send-task-failure --task-token 'T' --error 'Rejected' --cause 'it'\\''s over budget'"
        );
        assert_eq!(
            cli_command("failure", "T", "", " ", ""),
            "aws stepfunctions send-task-failure --task-token 'T'"
        );
        assert_eq!(
            cli_command("heartbeat", "T", "", "", ""),
            "aws stepfunctions send-task-heartbeat --task-token 'T'"
        );
        assert_eq!(
            cli_command("success", "T", "{bad", "", ""),
            "aws stepfunctions send-task-success --task-token 'T' --task-output '{bad'"
        );
    }
}
