//! The live sequence diagram: who talked to whom, on the virtual clock. Drawn by `diagram` from the
//! execution's history and what the run's timeline knows beyond it: the API calls, the
//! participants and the token each hand-off issued.

use std::rc::Rc;

use diagram::{
    layout_sequence, sequence_mermaid, sequence_svg, sequence_svg_heads, sequence_svg_rows_window,
    Annotations, ApiCall, Participant, SequenceLayout,
};
use yew::prelude::*;

use super::copy::{self, use_copy_feedback};
use super::viewport::{stick_to_end, use_viewport};
use crate::run::Run;

#[derive(Properties, PartialEq)]
pub struct SequencePaneProps {
    pub run: Option<Rc<Run>>,
    /// The history event selected by the user: its row (or the nearest earlier one) is marked.
    pub selected: Option<u64>,
    /// A click on a row selects its event (to find it elsewhere, or to rewind to it).
    pub on_select: Callback<Option<u64>>,
}

/// The laid-out diagram of one revision of a run, and the ids of the history events it has a row
/// for, in increasing order.
struct Drawing {
    layout: SequenceLayout,
    events: Vec<i64>,
}

/// The world's records in the diagram's terms (the diagram crate does not know the engine).
fn annotations(run: &Run) -> Annotations {
    run.with_world(|world| {
        let calls: Vec<ApiCall> = world
            .calls()
            .iter()
            .map(|c| ApiCall {
                at_ms: c.at_ms,
                action: c.action.to_string(),
                token: c.token.clone().unwrap_or_default(),
                ok: c.ok,
                error: c.error.clone(),
                participant: match &c.by {
                    sim::Caller::Participant(name) => Some(name.clone()),
                    _ => None,
                },
            })
            .collect();
        let participants: Vec<Participant> = world
            .participants()
            .iter()
            .map(|p| Participant { id: p.id.clone(), name: p.name.clone(), kind: p.kind.to_string() })
            .collect();
        let tokens = world
            .timeline()
            .tokens()
            .iter()
            .map(|life| (life.scheduled_event as i64, life.token.to_string()))
            .collect();
        Annotations { calls, participants, tokens }
    })
}

/// A drawing compared by identity, so that effects and memos keyed on it cost nothing to check.
#[derive(Clone)]
struct Shared(Rc<Drawing>);

impl PartialEq for Shared {
    fn eq(&self, other: &Shared) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

fn draw(run: &Run) -> Drawing {
    let annotations = annotations(run);
    let layout = run.history.with(|h| layout_sequence(h, &annotations));
    let mut events: Vec<i64> = layout
        .messages
        .iter()
        .filter_map(|m| m.event)
        .chain(layout.marks.iter().filter_map(|m| m.event))
        .collect();
    asl::sort::by_key(&mut events, |&e| e);
    events.dedup();
    Drawing { layout, events }
}

/// The y of the row that shows event `id`, if the diagram has one.
fn row_y(layout: &SequenceLayout, id: i64) -> Option<f64> {
    let message = layout.messages.iter().find(|m| m.event == Some(id)).map(|m| m.y);
    message.or_else(|| layout.marks.iter().find(|m| m.event == Some(id)).map(|m| m.y))
}

/// The history event of the row under a click, if the row shows one.
fn event_at(e: &MouseEvent) -> Option<u64> {
    use wasm_bindgen::JsCast;
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest("[data-event]").ok().flatten())
        .and_then(|el| el.get_attribute("data-event"))
        .and_then(|id| id.parse().ok())
}

/// The row that stands for event `id`: its own, or the last row before it.
fn row_for(events: &[i64], id: u64) -> Option<i64> {
    events.iter().rev().find(|e| **e <= id as i64).copied()
}

fn mermaid(run: &Run) -> String {
    let annotations = annotations(run);
    run.history.with(|h| sequence_mermaid(h, &annotations))
}

#[component]
pub fn SequencePane(props: &SequencePaneProps) -> Html {
    // While the engine works through a long slice-by-slice run, keep the last drawing instead of
    // redrawing the whole diagram at every slice.
    let busy = props.run.as_ref().is_some_and(|r| r.busy);
    let drawn = use_memo(props.run.clone().filter(|r| !r.busy), |run| {
        run.as_deref().map(|run| Shared(Rc::new(draw(run))))
    });
    let last = use_mut_ref(|| None::<Shared>);
    if !busy {
        *last.borrow_mut() = (*drawn).clone();
    }
    let drawing = last.borrow().clone();
    let marked = drawing.as_ref().zip(props.selected).and_then(|(d, id)| row_for(&d.0.events, id));
    // Where this branch left the other one (after a rewind and a new action): its row is outlined.
    let branch_point = props.run.as_ref().and_then(|r| r.branch_point()).map(|len| len as u64);
    let branch_row = drawing.as_ref().zip(branch_point).and_then(|(d, id)| row_for(&d.0.events, id));

    // Only the rows near the visible part are in the page: a long execution's diagram is many
    // screens tall, and the browser would lay out and paint all of it on every change.
    let canvas = use_node_ref();
    let (viewport, onscroll) = use_viewport(canvas.clone());
    // The lifeline heads stay in view above the scroller, which shows the rest: a y in the
    // scroller is the layout's y less the heads' height.
    let span = drawing.as_ref().map(|d| {
        let heads = d.0.layout.heads_height();
        let (from, to) = viewport.span(d.0.layout.height - heads);
        (from + heads, to + heads)
    });
    let rows = use_memo((drawing.clone(), span), |(drawing, span)| {
        drawing
            .as_ref()
            .zip(*span)
            .map(|(d, (from, to))| AttrValue::from(sequence_svg_rows_window(&d.0.layout, from, to)))
    });
    let heads = use_memo(drawing.clone(), |drawing| {
        drawing.as_ref().map(|d| AttrValue::from(sequence_svg_heads(&d.0.layout)))
    });
    // Follow the newest message while the view is at the end, as a chat does.
    {
        let canvas = canvas.clone();
        use_effect_with(drawing.clone(), move |_| stick_to_end(&canvas, viewport));
    }
    let (copied, show_copied) = use_copy_feedback::<bool>();
    let copy_mermaid = {
        let run = props.run.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(run) = &run {
                crate::browser::copy_text(&mermaid(run), show_copied.clone());
            }
        })
    };
    // Bring the marked row into view when the selection changes; the scroll draws it.
    {
        let (canvas, drawing) = (canvas.clone(), drawing.clone());
        use_effect_with(marked, move |marked| {
            let Some((id, d)) = marked.zip(drawing) else { return };
            if let Some((y, el)) = row_y(&d.0.layout, id).zip(canvas.cast::<web_sys::Element>()) {
                let y = y - d.0.layout.heads_height();
                let (top, height) = (f64::from(el.scroll_top()), f64::from(el.client_height()));
                if y < top + 20.0 || y > top + height - 20.0 {
                    el.set_scroll_top((y - height / 2.0).max(0.0) as i32);
                }
            }
        });
    }
    let export_svg = {
        let drawing = drawing.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(drawing) = &drawing {
                let svg = sequence_svg(&drawing.0.layout);
                if let Err(e) = crate::browser::download("sequence-diagram.svg", "image/svg+xml", &svg) {
                    gloo::console::warn!("export failed", e);
                }
            }
        })
    };
    let rule = marked.map(|id| {
        format!(
            ".sequence-canvas .baton-seq [data-event=\"{id}\"] line,.sequence-canvas .baton-seq [data-event=\"{id}\"] path{{stroke-width:3}}\
             .sequence-canvas .baton-seq [data-event=\"{id}\"] rect{{stroke:var(--select);stroke-width:2.5;fill:var(--select-bg);fill-opacity:1}}\
             .sequence-canvas .baton-seq [data-event=\"{id}\"] text{{font-weight:700}}"
        )
    });
    let branch_rule = branch_row.map(|id| {
        format!(
            ".sequence-canvas .baton-seq [data-event=\"{id}\"] rect{{stroke:var(--branch);stroke-width:2;stroke-dasharray:4 3}}"
        )
    });
    let select_row = {
        let on_select = props.on_select.clone();
        Callback::from(move |e: MouseEvent| {
            if let Some(id) = event_at(&e) {
                on_select.emit(Some(id));
            }
        })
    };
    html! {
        <section class="pane sequence-pane" aria-label="Sequence diagram">
            <header class="pane-head">
                <h2>{ "Sequence diagram" }</h2>

                <button type="button" class="btn btn-small btn-quiet push-right" disabled={props.run.is_none()} onclick={copy_mermaid}
                    title="Copy this diagram as Mermaid text, for documentation">
                    { copy::label(copied, "Copy Mermaid") }
                </button>
                <button type="button" class="btn btn-small btn-quiet" disabled={rows.is_none()} onclick={export_svg}
                    title="Download this diagram as an SVG file">
                    { "Export SVG" }
                </button>
            </header>
            if let Some(rule) = rule {
                <style>{ rule }</style>
            }
            if let Some(rule) = branch_rule {
                <style>{ rule }</style>
            }
            <div class={classes!("diagram", "sequence-canvas", rows.is_some().then_some("below-heads"))} ref={canvas} {onscroll}
                onclick={select_row}>
                if let Some(rows) = (*rows).clone() {
                    { Html::from_html_unchecked(rows) }
                } else {
                    <div class="empty-state">
                        <p class="empty-title">{ "No execution yet" }</p>
                        <p class="empty-note">
                            { "Start an execution to watch the state machine hand a task token to the external \
                               system and wait for the answer." }
                        </p>
                    </div>
                }
            </div>
            if let Some(heads) = (*heads).clone() {
                <div class="sequence-heads">{ Html::from_html_unchecked(heads) }</div>
            }
            if let Some(point) = branch_point {
                <p class="branch-note" title="You rewound and acted differently: the other branch went on from this event. Restore it under the clock.">
                    { format!("Branched after event {point} (outlined)") }
                </p>
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_without_a_row_points_at_the_row_before() {
        assert_eq!(row_for(&[1, 2, 3, 7], 5), Some(3));
        assert_eq!(row_for(&[1, 2, 3, 7], 7), Some(7));
        assert_eq!(row_for(&[4], 2), None);
    }
}
