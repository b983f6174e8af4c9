//! The live sequence diagram: who talked to whom, on the virtual clock. Drawn by `diagram` from the
//! execution's history, the user's API calls and the participants the world knows.

use std::rc::Rc;

use diagram::{layout_sequence, sequence_mermaid, sequence_svg, ApiCall, Participant};
use yew::prelude::*;

use crate::state::Run;

#[derive(Properties, PartialEq)]
pub struct SequencePaneProps {
    pub run: Option<Rc<Run>>,
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

fn draw(run: &Run) -> String {
    let (calls, participants) = diagram_inputs(run);
    run.history.with(|h| sequence_svg(&layout_sequence(h, &calls, &participants)))
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
    let drawn = use_memo(props.run.clone().filter(|r| !r.busy), |run| {
        run.as_deref().map(|run| AttrValue::from(draw(run)))
    });
    let last = use_mut_ref(|| None::<AttrValue>);
    if !busy {
        *last.borrow_mut() = (*drawn).clone();
    }
    let svg = Rc::new(last.borrow().clone());
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
    html! {
        <section class="pane sequence-pane" aria-label="Sequence diagram">
            <header class="pane-head">
                <h2>{ "Sequence diagram" }</h2>
                <button type="button" class="btn btn-small btn-quiet push-right" disabled={props.run.is_none()} onclick={copy_mermaid}
                    title="Copy this diagram as Mermaid text, for documentation">
                    { match *copied { Some(true) => "Copied", Some(false) => "Copy failed", None => "Copy Mermaid" } }
                </button>
            </header>
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
