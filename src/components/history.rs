//! The execution's event history, as AWS GetExecutionHistory returns it: one row per event, with
//! a short summary; a row expands to the event's full JSON. "Export history JSON" downloads
//! `{"events": [...]}`, the shape of the AWS API response.

use std::collections::BTreeSet;
use std::rc::Rc;

use serde_json::Value;
use yew::prelude::*;

use crate::state::Run;

/// Rows drawn at most: a runaway loop makes thousands of events, and the newest matter most.
const MAX_ROWS: usize = 400;

#[derive(Properties, PartialEq)]
pub struct HistoryTableProps {
    pub run: Option<Rc<Run>>,
}

/// The `…EventDetails` object of an event, if it has one.
fn details(event: &Value) -> Option<&serde_json::Map<String, Value>> {
    event.as_object()?.iter().find(|(k, _)| k.ends_with("EventDetails")).and_then(|(_, v)| v.as_object())
}

fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let head: String = text.chars().take(max).collect();
        format!("{head}…")
    }
}

/// One line about an event: the state's name, the resource, the error, or a clipped payload.
pub fn summary(event: &Value) -> String {
    let Some(d) = details(event) else { return String::new() };
    let text = |k: &str| d.get(k).and_then(Value::as_str);
    let mut parts = Vec::new();
    if let Some(name) = text("name") {
        parts.push(name.to_string());
    }
    if let (Some(kind), Some(res)) = (text("resourceType"), text("resource")) {
        parts.push(format!("{kind}:{res}"));
    }
    if let Some(error) = text("error") {
        parts.push(error.to_string());
    }
    if let Some(cause) = text("cause") {
        parts.push(clip(cause, 80));
    }
    if parts.is_empty() {
        for key in ["output", "input", "parameters"] {
            if let Some(payload) = text(key) {
                let compact =
                    serde_json::from_str::<Value>(payload).map_or(payload.to_string(), |v| v.to_string());
                parts.push(clip(&compact, 80));
                break;
            }
        }
    }
    parts.join(" · ")
}

/// The tone of a row, from its event type.
fn tone(kind: &str) -> Option<&'static str> {
    if kind.ends_with("Failed") || kind.ends_with("TimedOut") || kind.ends_with("Aborted") {
        Some("row-bad")
    } else if kind == "ExecutionSucceeded" || kind.ends_with("Succeeded") {
        Some("row-good")
    } else if kind.ends_with("Submitted") || kind.ends_with("Scheduled") || kind.ends_with("Started") {
        Some("row-wait")
    } else {
        None
    }
}

/// The event's time as it reads in the table: AWS timestamps are wall-clock dates; our virtual
/// clock starts at the epoch, so the time of day is the time since the start.
pub fn time_of(event: &Value) -> String {
    match event.get("timestamp") {
        Some(Value::String(s)) => {
            // `1970-01-01T01:00:00.000Z` -> `01:00:00.000`
            s.split_once('T').map_or(s.as_str(), |(_, t)| t).trim_end_matches('Z').to_string()
        }
        Some(Value::Number(n)) => {
            let ms = n.as_f64().map_or(0, |secs| (secs * 1000.0).round() as u64);
            crate::format::clock(ms)
        }
        _ => String::new(),
    }
}

#[component]
pub fn HistoryTable(props: &HistoryTableProps) -> Html {
    let expanded = use_state(BTreeSet::<usize>::new);
    // Follow new events while the user is at the bottom of the table, as a log viewer does.
    let scroller = use_node_ref();
    let follow = use_mut_ref(|| true);
    let onscroll = {
        let (scroller, follow) = (scroller.clone(), follow.clone());
        Callback::from(move |_: Event| {
            if let Some(el) = scroller.cast::<web_sys::Element>() {
                *follow.borrow_mut() = el.scroll_height() - el.scroll_top() - el.client_height() < 24;
            }
        })
    };
    let events = props.run.as_ref().map(|r| r.history.clone()).unwrap_or_default();
    let total = events.len();
    {
        let (scroller, follow) = (scroller.clone(), follow.clone());
        use_effect_with(events.clone(), move |_| {
            if *follow.borrow() {
                if let Some(el) = scroller.cast::<web_sys::Element>() {
                    el.set_scroll_top(el.scroll_height());
                }
            }
        });
    }
    let first_shown = total.saturating_sub(MAX_ROWS);

    let export = {
        let events = events.clone();
        Callback::from(move |_: MouseEvent| {
            let text = events.with(|events| {
                serde_json::to_string_pretty(&serde_json::json!({ "events": events })).unwrap_or_default()
            });
            if let Err(e) = crate::browser::download("execution-history.json", "application/json", &text) {
                gloo::console::warn!("export failed", e);
            }
        })
    };

    let rows: Vec<Html> = events.with(|all| {
        all.iter().enumerate().skip(first_shown).map(|(i, event)| {
        let kind = event.get("type").and_then(Value::as_str).unwrap_or("?").to_string();
        let id = event.get("id").map_or((i + 1).to_string(), |v| v.to_string());
        let open = expanded.contains(&i);
        let toggle = {
            let expanded = expanded.clone();
            Callback::from(move |_: MouseEvent| {
                let mut next = (*expanded).clone();
                if !next.remove(&i) {
                    next.insert(i);
                }
                expanded.set(next);
            })
        };
        let detail_id = format!("event-{i}-json");
        html! {
            <>
                <tr class={classes!("event-row", tone(&kind), open.then_some("open"))}>
                    <td class="col-id mono">{ id }</td>
                    <td class="col-type">
                        <button type="button" class="row-toggle" aria-expanded={open.to_string()}
                            aria-controls={detail_id.clone()} onclick={toggle}>
                            <span class="chevron" aria-hidden="true">{ "›" }</span>
                            { kind.clone() }
                        </button>
                    </td>
                    <td class="col-time mono">{ time_of(event) }</td>
                    <td class="col-details">{ summary(event) }</td>
                </tr>
                if open {
                    <tr class="event-json" id={detail_id}>
                        <td colspan="4"><pre>{ serde_json::to_string_pretty(event).unwrap_or_default() }</pre></td>
                    </tr>
                }
            </>
        }
    }).collect()
    });

    html! {
        <section class="panel history-panel" aria-label="Event history">
            <header class="panel-head">
                <h2>{ "Event history" }</h2>
                <span class="count">{ format!("{total} events") }</span>
                <button type="button" class="btn btn-small btn-quiet push-right" disabled={events.is_empty()} onclick={export}>
                    { "Export history JSON" }
                </button>
            </header>
            <div class="panel-body table-scroll" ref={scroller} {onscroll}>
                if events.is_empty() {
                    <p class="empty-note">{ "Events appear here as the execution runs." }</p>
                } else {
                    <table class="history">
                        <thead>
                            <tr><th scope="col">{ "#" }</th><th scope="col">{ "Type" }</th><th scope="col">{ "Time" }</th><th scope="col">{ "Details" }</th></tr>
                        </thead>
                        <tbody>
                            if first_shown > 0 {
                                <tr class="event-elided">
                                    <td colspan="4">
                                        { format!("{first_shown} earlier events are not shown here; \"Export history JSON\" has them all.") }
                                    </td>
                                </tr>
                            }
                            { for rows }
                        </tbody>
                    </table>
                }
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn summaries_pick_the_useful_fields() {
        let entered = json!({"type": "TaskStateEntered", "stateEnteredEventDetails": {"name": "RequestApproval", "input": "{}"}});
        assert_eq!(summary(&entered), "RequestApproval");
        let failed = json!({"type": "TaskTimedOut", "taskTimedOutEventDetails": {"resourceType": "lambda", "resource": "invoke.waitForTaskToken", "error": "States.Timeout"}});
        assert_eq!(summary(&failed), "lambda:invoke.waitForTaskToken · States.Timeout");
        let started =
            json!({"type": "ExecutionStarted", "executionStartedEventDetails": {"input": "{\n \"a\": 1\n}"}});
        assert_eq!(summary(&started), "{\"a\":1}");
        assert_eq!(summary(&json!({"type": "X"})), "");
    }

    #[test]
    fn times_read_from_the_virtual_start() {
        assert_eq!(time_of(&json!({"timestamp": "1970-01-01T01:00:00.000Z"})), "01:00:00.000");
        assert_eq!(time_of(&json!({"timestamp": 3600.5})), "01:00:00.500");
    }
}
