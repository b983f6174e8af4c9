//! The execution's status chip and what it ended with.

use yew::prelude::*;

use crate::run::{Run, RunStatus};

/// Holds the one element with `role="status"` on the page: screen readers announce each change,
/// and the browser tests read it. Its text is exactly the status name (empty before the first
/// execution); details sit next to it. The element is always there, so that the first change is
/// announced too.
///
/// A view function, not a component: it holds no state, and a component costs the download about
/// 2 kB of wasm for its machinery.
pub fn status_bar(run: Option<&Run>) -> Html {
    let status = run.map(|run| run.status);
    let chip_class = match status {
        Some(status) => classes!("chip", format!("chip-{}", status.class())),
        None => classes!("chip", "chip-idle", "visually-hidden"),
    };
    let live = html! { <span class={chip_class} role="status">{ status.map(RunStatus::label).unwrap_or("") }</span> };
    let Some(run) = run else {
        return html! {
            <div class="status-bar">
                { live }
                <span class="chip chip-idle" aria-hidden="true">{ "Not started" }</span>
                <span class="status-detail muted">{ "No execution yet" }</span>
            </div>
        };
    };
    let detail = match run.status {
        RunStatus::Succeeded => {
            let output = run.output.clone().unwrap_or_else(|| "null".into());
            let compact = output.split_whitespace().collect::<Vec<_>>().join(" ");
            html! {
                <span class="status-detail" title={output}>
                    <span class="detail-label">{ "Output" }</span>
                    <code class="detail-value">{ compact }</code>
                </span>
            }
        }
        RunStatus::Aborted if run.error.is_none() => {
            html! { <span class="status-detail muted">{ "Stopped with StopExecution" }</span> }
        }
        RunStatus::Failed | RunStatus::TimedOut | RunStatus::Aborted => {
            let error = run.error.clone().unwrap_or_else(|| "—".into());
            let cause = run.cause.clone().unwrap_or_default();
            html! {
                <span class="status-detail" title={format!("{error}: {cause}")}>
                    <span class="detail-label">{ "Error" }</span>
                    <code class="detail-value error-name">{ error }</code>
                    if !cause.is_empty() {
                        <span class="detail-label">{ "Cause" }</span>
                        <span class="detail-value">{ cause }</span>
                    }
                </span>
            }
        }
        RunStatus::WaitingForCallback => {
            let open = run.tokens.iter().filter(|t| t.closed.is_none()).count();
            let text = if open == 1 {
                "1 task token is out".to_string()
            } else {
                format!("{open} task tokens are out")
            };
            html! { <span class="status-detail muted">{ text }</span> }
        }
        RunStatus::Running if run.busy => html! { <span class="status-detail muted">{ "Working…" }</span> },
        RunStatus::Running => {
            html! { <span class="status-detail muted">{ "Advance the clock to continue" }</span> }
        }
    };
    html! {
        <div class="status-bar">
            { live }
            { detail }
        </div>
    }
}
