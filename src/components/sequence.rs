//! The live sequence diagram: who talked to whom, on the virtual clock. Drawn by `diagram` from the
//! execution's history, the user's API calls and the participants the world knows.

use std::rc::Rc;

use diagram::{layout_sequence, sequence_svg, ApiCall, Participant};
use yew::prelude::*;

use crate::state::Run;

#[derive(Properties, PartialEq)]
pub struct SequencePaneProps {
    pub run: Option<Rc<Run>>,
}

/// The world's records in the diagram's terms (the diagram crate does not know the engine).
fn draw(run: &Run) -> String {
    let (calls, participants) = run.with_world(|world| {
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
    });
    sequence_svg(&layout_sequence(&run.history, &calls, &participants))
}

#[component]
pub fn SequencePane(props: &SequencePaneProps) -> Html {
    let svg = use_memo(props.run.clone(), |run| run.as_deref().map(|run| AttrValue::from(draw(run))));
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
    html! {
        <section class="pane sequence-pane" aria-label="Sequence diagram">
            <header class="pane-head">
                <h2>{ "Sequence diagram" }</h2>
                <span class="pane-hint">{ "Messages on the virtual clock" }</span>
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
