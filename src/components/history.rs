//! The execution's event history, as AWS GetExecutionHistory returns it: one row per event, with
//! a short summary; a row expands to the event's full JSON. "Export history JSON" downloads
//! `{"events": [...]}`, the shape of the AWS API response.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use serde_json::Value;
use yew::prelude::*;

use super::viewport::{stick_to_end, use_viewport};
use crate::format::{css_number, lowercase};
use crate::run::Run;

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

/// Rendered heights, in pixels, measured in the page after each render (fonts and zoom decide
/// them): every row is as tall as the first one drawn; an expanded row's JSON is as tall as it was
/// when last drawn.
#[derive(Clone, Debug, PartialEq)]
struct Heights {
    row: f64,
    /// By event index; counted only while the row is expanded.
    details: BTreeMap<usize, f64>,
}

impl Heights {
    /// The height of event `i`'s row, and of its JSON when expanded.
    fn of(&self, i: usize, expanded: &BTreeSet<usize>) -> f64 {
        let details = if expanded.contains(&i) { self.details.get(&i).copied().unwrap_or(0.0) } else { 0.0 };
        self.row + details
    }
}

impl Default for Heights {
    fn default() -> Heights {
        // The stylesheet's row height, until the first row is measured.
        Heights { row: 31.0, details: BTreeMap::new() }
    }
}

/// The rows drawn for a scroll position: the indexes (into the list of shown events) of the
/// first and one past the last, and the heights of the space left above and below them.
#[derive(Debug, PartialEq)]
struct Slice {
    first: usize,
    end: usize,
    above: f64,
    below: f64,
}

/// The rows of `shown` (event indexes) that reach into `from..to` (pixels from the first row).
fn slice(shown: &[usize], height: impl Fn(usize) -> f64, (from, to): (f64, f64)) -> Slice {
    let (mut y, mut first, mut above) = (0.0, shown.len(), 0.0);
    let mut end = shown.len();
    for (k, &i) in shown.iter().enumerate() {
        let bottom = y + height(i);
        if first == shown.len() && bottom >= from {
            (first, above) = (k, y);
        }
        if y > to {
            end = k;
            break;
        }
        y = bottom;
    }
    let below = shown[end..].iter().map(|&i| height(i)).sum();
    Slice { first: first.min(end), end, above, below }
}

#[component]
pub fn HistoryTable(props: &HistoryTableProps) -> Html {
    let expanded = use_state(BTreeSet::<usize>::new);
    let events = props.run.as_ref().map(|r| r.history.clone()).unwrap_or_default();
    let total = events.len();
    // Only the rows near the visible part are in the page (see `viewport`): the table of a
    // runaway loop has thousands of events, every one of them reachable by scrolling.
    let scroller = use_node_ref();
    let (viewport, onscroll) = use_viewport(scroller.clone());
    let heights = use_state_eq(Heights::default);
    // New events stay in view while the user is at the end of the table, as in a log viewer.
    {
        let scroller = scroller.clone();
        use_effect_with(events.clone(), move |_| stick_to_end(&scroller, viewport));
    }
    // After every render, measure what was drawn; a changed height draws again with it.
    {
        let (scroller, heights) = (scroller.clone(), heights.clone());
        use_effect(move || {
            if let Some(table) = scroller.cast::<web_sys::Element>() {
                heights.set(measure(&table, &heights));
            }
        });
    }
    let filter = use_state(String::new);
    let filtering = !filter.trim().is_empty();
    let on_filter = {
        let filter = filter.clone();
        Callback::from(move |e: InputEvent| {
            filter.set(e.target_unchecked_into::<web_sys::HtmlInputElement>().value())
        })
    };
    // The events shown (indexes), and their ids in order, for moving the selection with the keys.
    let shown: Vec<usize> = events.with(|all| {
        all.iter().enumerate().filter(|(_, e)| matches_filter(e, &filter)).map(|(i, _)| i).collect()
    });
    let shown_ids: Rc<Vec<u64>> = Rc::new(events.with(|all| {
        shown.iter().map(|&i| all[i].get("id").and_then(Value::as_u64).unwrap_or(i as u64 + 1)).collect()
    }));
    // The header row is as tall as a row.
    let height = |i: usize| heights.of(i, &expanded);
    let head = heights.row;
    let (from, to) = viewport.span(head + shown.iter().map(|&i| height(i)).sum::<f64>());
    let drawn = slice(&shown, height, (from - head, to - head));
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

    let rows: Vec<Html> = events.with_times(|all, at_ms| {
        shown[drawn.first..drawn.end].iter().map(|&i| {
        let event = &all[i];
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
                    <td class="col-time mono">{ crate::format::clock(at_ms[i]) }</td>
                    <td class="col-details">{ summary(event) }</td>
                </tr>
                if open {
                    <tr class="event-json" id={detail_id} data-index={i.to_string()}>
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
                            if drawn.above > 0.0 {
                                <tr class="spacer" aria-hidden="true" style={format!("height: {}px", css_number(drawn.above))}><td colspan="4" /></tr>
                            }
                            { for rows }
                            if drawn.below > 0.0 {
                                <tr class="spacer" aria-hidden="true" style={format!("height: {}px", css_number(drawn.below))}><td colspan="4" /></tr>
                            }
                        </tbody>
                    </table>
                }
            </div>
        </section>
    }
}

/// The heights of what is drawn in `table` (the scroller), starting from `known`.
fn measure(table: &web_sys::Element, known: &Heights) -> Heights {
    let height = |el: web_sys::Element| el.get_bounding_client_rect().height();
    let mut heights = known.clone();
    if let Some(row) = table.query_selector("tr.event-row").ok().flatten() {
        heights.row = height(row);
    }
    if let Ok(details) = table.query_selector_all("tr.event-json") {
        for k in 0..details.length() {
            let Some(el) =
                details.item(k).and_then(|n| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(n).ok())
            else {
                continue;
            };
            if let Some(i) = el.get_attribute("data-index").and_then(|i| i.parse().ok()) {
                heights.details.insert(i, height(el));
            }
        }
    }
    heights
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
    fn a_slice_draws_the_rows_in_reach_and_stands_in_for_the_rest() {
        let shown: Vec<usize> = (0..100).collect();
        let heights = Heights { row: 10.0, details: BTreeMap::from([(3, 50.0), (60, 1000.0)]) };
        let expanded = BTreeSet::from([3]);
        let height = |i: usize| heights.of(i, &expanded);
        // Row 3 is 60 px (expanded), so row 4 spans 90..100; row 60's details do not count.
        let s = slice(&shown, height, (95.0, 150.0));
        assert_eq!((s.first, s.end, s.above), (4, 11, 90.0));
        assert_eq!(s.above + (4..11).map(height).sum::<f64>() + s.below, 1050.0);
        assert_eq!(slice(&shown, height, (-400.0, 40.0)).first, 0);
        let end = slice(&shown, height, (2000.0, 3000.0));
        assert_eq!((end.first, end.end, end.below), (100, 100, 0.0));
        assert_eq!(slice(&[], height, (0.0, 100.0)), Slice { first: 0, end: 0, above: 0.0, below: 0.0 });
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
