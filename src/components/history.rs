//! The execution's event history, as AWS GetExecutionHistory returns it: one row per event, with
//! a short summary; a row expands to the event's full JSON. "Export history JSON" downloads
//! `{"events": [...]}`, the shape of the AWS API response.

use std::collections::BTreeSet;
use std::rc::Rc;

use serde_json::Value;
use yew::prelude::*;

use crate::format::lowercase;
use crate::state::Run;

/// Rows drawn at most: a runaway loop makes thousands of events, and the newest matter most.
const MAX_ROWS: usize = 400;

#[derive(Properties, PartialEq)]
pub struct HistoryTableProps {
    pub run: Option<Rc<Run>>,
    /// The selected event's id; its state is highlighted in the graph and the sequence diagram.
    pub selected: Option<u64>,
    pub on_select: Callback<Option<u64>>,
}

/// The state an event belongs to: its own name, or that of the nearest `…StateEntered` up its
/// `previousEventId` chain.
pub fn state_of_event(events: &[Value], id: u64) -> Option<String> {
    let by_id = |id: u64| events.iter().find(|e| e.get("id").and_then(Value::as_u64) == Some(id));
    let mut at = by_id(id);
    for _ in 0..events.len() {
        let event = at?;
        let d = details(event);
        let kind = event.get("type").and_then(Value::as_str).unwrap_or("");
        if kind.ends_with("StateEntered") || kind.ends_with("StateExited") {
            return d.and_then(|d| d.get("name")).and_then(Value::as_str).map(str::to_string);
        }
        at = event.get("previousEventId").and_then(Value::as_u64).filter(|p| *p > 0).and_then(by_id);
    }
    None
}

/// Whether the row matches the filter text (type, summary or id; case-insensitive).
pub fn matches_filter(event: &Value, filter: &str) -> bool {
    let filter = lowercase(filter.trim());
    if filter.is_empty() {
        return true;
    }
    let kind = lowercase(event.get("type").and_then(Value::as_str).unwrap_or(""));
    let id = event.get("id").map(Value::to_string).unwrap_or_default();
    kind.contains(&filter) || lowercase(&summary(event)).contains(&filter) || id == filter
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
    let filter = use_state(String::new);
    let filtering = !filter.trim().is_empty();
    let first_shown = if filtering { 0 } else { total.saturating_sub(MAX_ROWS) };
    let on_filter = {
        let filter = filter.clone();
        Callback::from(move |e: InputEvent| {
            filter.set(e.target_unchecked_into::<web_sys::HtmlInputElement>().value())
        })
    };
    // The ids of the rows shown, in order, for moving the selection with the arrow keys.
    let shown_ids: Rc<Vec<u64>> = Rc::new(events.with(|all| {
        all.iter()
            .skip(first_shown)
            .filter(|e| matches_filter(e, &filter))
            .filter_map(|e| e.get("id").and_then(Value::as_u64))
            .collect()
    }));
    let onkeydown = {
        let (shown_ids, on_select, selected) = (shown_ids.clone(), props.on_select.clone(), props.selected);
        Callback::from(move |e: KeyboardEvent| {
            let step: isize = match e.key().as_str() {
                "ArrowDown" => 1,
                "ArrowUp" => -1,
                "Escape" => {
                    on_select.emit(None);
                    return;
                }
                _ => return,
            };
            e.prevent_default();
            let at = selected.and_then(|id| shown_ids.iter().position(|x| *x == id));
            let next = match at {
                Some(i) => (i as isize + step).clamp(0, shown_ids.len() as isize - 1) as usize,
                None if step > 0 => 0,
                None => shown_ids.len().saturating_sub(1),
            };
            if let Some(id) = shown_ids.get(next) {
                on_select.emit(Some(*id));
                // The focus follows the selection, so the arrow keys keep working from there.
                use wasm_bindgen::JsCast;
                let document = web_sys::window().and_then(|w| w.document());
                let button = document
                    .and_then(|d| d.query_selector(&format!("#event-row-{id} .row-toggle")).ok().flatten())
                    .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
                if let Some(button) = button {
                    let _ = button.focus();
                }
            }
        })
    };

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
        all.iter().enumerate().skip(first_shown).filter(|(_, e)| matches_filter(e, &filter)).map(|(i, event)| {
        let kind = event.get("type").and_then(Value::as_str).unwrap_or("?").to_string();
        let event_id = event.get("id").and_then(Value::as_u64).unwrap_or(i as u64 + 1);
        let id = event_id.to_string();
        let open = expanded.contains(&i);
        let selected = props.selected == Some(event_id);
        let toggle = {
            let (expanded, on_select) = (expanded.clone(), props.on_select.clone());
            Callback::from(move |e: MouseEvent| {
                e.stop_propagation();
                let mut next = (*expanded).clone();
                if !next.remove(&i) {
                    next.insert(i);
                }
                expanded.set(next);
                on_select.emit(Some(event_id));
            })
        };
        let select = {
            let on_select = props.on_select.clone();
            Callback::from(move |_: MouseEvent| on_select.emit(if selected { None } else { Some(event_id) }))
        };
        let detail_id = format!("event-{i}-json");
        // Keyed by event: a new event adds its row and leaves the others alone.
        html! {
            <key={event_id}>
                <tr class={classes!("event-row", tone(&kind), open.then_some("open"), selected.then_some("selected"))}
                    id={format!("event-row-{event_id}")} aria-selected={selected.to_string()} onclick={select}>
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
                <span class="count">{ if filtering { format!("{} of {total}", shown_ids.len()) } else { format!("{total} events") } }</span>
                <button type="button" class="btn btn-small btn-quiet push-right" disabled={events.is_empty()} onclick={export}>
                    { "Export history JSON" }
                </button>
            </header>
            if !events.is_empty() {
                <div class="panel-toolbar">
                    <input class="filter" type="search" placeholder="Filter by type or state…" aria-label="Filter events"
                        value={(*filter).clone()} oninput={on_filter} />
                    <span class="hint">{ "Select an event to find it in the diagrams" }</span>
                </div>
            }
            <div class="panel-body table-scroll" ref={scroller} {onscroll}>
                if events.is_empty() {
                    <p class="empty-note">{ "Events appear here as the execution runs." }</p>
                } else {
                    <table class="history" aria-label="Events: select one (click, or arrow keys) to find it in the graph and the sequence diagram" {onkeydown}>
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

    #[test]
    fn events_belong_to_the_state_they_happened_in() {
        let events = [
            json!({"id": 1, "previousEventId": 0, "type": "ExecutionStarted"}),
            json!({"id": 2, "previousEventId": 1, "type": "TaskStateEntered", "stateEnteredEventDetails": {"name": "Ask"}}),
            json!({"id": 3, "previousEventId": 2, "type": "TaskScheduled", "taskScheduledEventDetails": {"resource": "x"}}),
            json!({"id": 4, "previousEventId": 3, "type": "TaskSubmitted"}),
        ];
        assert_eq!(state_of_event(&events, 4).as_deref(), Some("Ask"));
        assert_eq!(state_of_event(&events, 2).as_deref(), Some("Ask"));
        assert_eq!(state_of_event(&events, 1), None);
        assert_eq!(state_of_event(&events, 9), None);
    }

    #[test]
    fn the_filter_reads_type_and_summary() {
        let e = json!({"id": 2, "type": "TaskStateEntered", "stateEnteredEventDetails": {"name": "RequestApproval"}});
        assert!(matches_filter(&e, ""));
        assert!(matches_filter(&e, "statEENT"));
        assert!(matches_filter(&e, "approval"));
        assert!(matches_filter(&e, "2"));
        assert!(!matches_filter(&e, "Timeout"));
    }
}
