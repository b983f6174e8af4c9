//! The live sequence diagram: who talked to whom, on the virtual clock. Drawn by `diagram` from the
//! execution's history, the user's API calls and the participants the world knows.

use std::rc::Rc;

use yew::prelude::*;

use crate::state::Run;

#[derive(Properties, PartialEq)]
pub struct SequencePaneProps {
    pub run: Option<Rc<Run>>,
}

fn draw(run: &Run) -> String {
    // TODO: diagram::sequence once it lands.
    let _ = run;
    String::new()
}

#[component]
pub fn SequencePane(props: &SequencePaneProps) -> Html {
    let svg = use_memo(props.run.clone(), |run| run.as_deref().map(|run| AttrValue::from(draw(run))));
    html! {
        <section class="pane sequence-pane" aria-label="Sequence diagram">
            <header class="pane-head">
                <h2>{ "Sequence diagram" }</h2>
                <span class="pane-hint">{ "Messages on the virtual clock" }</span>
            </header>
            <div class="diagram sequence-canvas">
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
