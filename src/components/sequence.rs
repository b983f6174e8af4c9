//! The live sequence diagram: who talked to whom, on the virtual clock. Drawn by `diagram` from the
//! execution's history, the user's API calls and the participants the world knows.

use std::rc::Rc;

use diagram::{layout_sequence, sequence_mermaid, sequence_svg, ApiCall, Participant};
use yew::prelude::*;

use crate::state::Run;

#[derive(Properties, PartialEq)]
pub struct SequencePaneProps {
    pub run: Option<Rc<Run>>,
    /// The history event selected by the user: its row (or the nearest earlier one) is marked.
    pub selected: Option<u64>,
}

/// A drawing and the ids of the history events it has a row for, in increasing order.
#[derive(PartialEq)]
struct Drawing {
    svg: AttrValue,
    events: Vec<i64>,
}

/// The world's records in the diagram's terms (the diagram crate does not know the engine).
fn diagram_inputs(run: &Run) -> (Vec<ApiCall>, Vec<Participant>) {
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
                participant: c.by.clone(),
            })
            .collect();
        let participants: Vec<Participant> = world
            .participants()
            .iter()
            .map(|p| Participant { id: p.id.clone(), name: p.name.clone(), kind: p.kind.to_string() })
            .collect();
        (calls, participants)
    })
}

fn draw(run: &Run) -> Drawing {
    let (calls, participants) = diagram_inputs(run);
    let layout = run.history.with(|h| layout_sequence(h, &calls, &participants));
    let mut events: Vec<i64> = layout
        .messages
        .iter()
        .filter_map(|m| m.event)
        .chain(layout.marks.iter().filter_map(|m| m.event))
        .collect();
    asl::sort::by_key(&mut events, |&e| e);
    events.dedup();
    Drawing { svg: AttrValue::from(sequence_svg(&layout)), events }
}

/// The row that stands for event `id`: its own, or the last row before it.
fn row_for(events: &[i64], id: u64) -> Option<i64> {
    events.iter().rev().find(|e| **e <= id as i64).copied()
}

fn mermaid(run: &Run) -> String {
    let (calls, participants) = diagram_inputs(run);
    run.history.with(|h| sequence_mermaid(h, &calls, &participants))
}

#[component]
pub fn SequencePane(props: &SequencePaneProps) -> Html {
    // While the engine works through a long slice-by-slice run, keep the last drawing instead of
    // redrawing the whole diagram at every slice.
    let busy = props.run.as_ref().is_some_and(|r| r.busy);
    let drawn =
        use_memo(props.run.clone().filter(|r| !r.busy), |run| run.as_deref().map(|run| Rc::new(draw(run))));
    let last = use_mut_ref(|| None::<Rc<Drawing>>);
    if !busy {
        *last.borrow_mut() = (*drawn).clone();
    }
    let drawing = last.borrow().clone();
    let svg = Rc::new(drawing.as_ref().map(|d| d.svg.clone()));
    let marked = drawing.as_ref().zip(props.selected).and_then(|(d, id)| row_for(&d.events, id));

    // Follow the newest message, as a chat does, whenever the drawing changes.
    let canvas = use_node_ref();
    {
        let canvas = canvas.clone();
        use_effect_with(svg.clone(), move |_| {
            if let Some(el) = canvas.cast::<web_sys::Element>() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    }
    let copied = use_state_eq(|| None::<bool>);
    let copy_mermaid = {
        let (run, copied) = (props.run.clone(), copied.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(run) = &run {
                let copied = copied.clone();
                crate::browser::copy_text(&mermaid(run), Callback::from(move |ok| copied.set(Some(ok))));
            }
        })
    };
    // A new drawing resets the "Copied" confirmation.
    {
        let copied = copied.clone();
        use_effect_with(svg.clone(), move |_| copied.set(None));
    }
    // Bring the marked row into view when the selection changes.
    {
        let canvas = canvas.clone();
        use_effect_with(marked, move |marked| {
            let row = marked
                .zip(canvas.cast::<web_sys::Element>())
                .and_then(|(id, el)| el.query_selector(&format!("[data-event=\"{id}\"]")).ok().flatten());
            if let Some(row) = row {
                row.scroll_into_view_with_bool(false);
            }
        });
    }
    let export_svg = {
        let svg = svg.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(svg) = &*svg {
                if let Err(e) = crate::browser::download("sequence-diagram.svg", "image/svg+xml", svg) {
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
    html! {
        <section class="pane sequence-pane" aria-label="Sequence diagram">
            <header class="pane-head">
                <h2>{ "Sequence diagram" }</h2>
                <button type="button" class="btn btn-small btn-quiet push-right" disabled={props.run.is_none()} onclick={copy_mermaid}
                    title="Copy this diagram as Mermaid text, for documentation">
                    { match *copied { Some(true) => "Copied", Some(false) => "Copy failed", None => "Copy Mermaid" } }
                </button>
                <button type="button" class="btn btn-small btn-quiet" disabled={svg.is_none()} onclick={export_svg}
                    title="Download this diagram as an SVG file">
                    { "Export SVG" }
                </button>
            </header>
            if let Some(rule) = rule {
                <style>{ rule }</style>
            }
            <div class="diagram sequence-canvas" ref={canvas}>
                if let Some(svg) = (*svg).clone() {
                    { Html::from_html_unchecked(svg) }
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
