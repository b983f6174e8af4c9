//! Time travel: back to the instant of any event, undo and redo of the user's own actions, and the
//! branch a rewind-then-act left behind. The execution is a command log replayed on demand
//! (`run.rs`), so going back costs a replay and loses nothing.

use std::rc::Rc;

use yew::prelude::*;

use crate::run::Run;
use crate::state::Action;

/// The time-travel controls, under the clock. `selected` is the event chosen in the history table,
/// the graph or the sequence diagram.
pub fn time_travel(run: Option<&Rc<Run>>, selected: Option<u64>, on_action: &Callback<Action>) -> Html {
    let Some(run) = run else { return Html::default() };
    let button = |text: String, label: &str, action: Option<Action>| {
        let enabled = action.is_some();
        let on_action = on_action.clone();
        let onclick = Callback::from(move |_: MouseEvent| {
            if let Some(action) = action.clone() {
                on_action.emit(action);
            }
        });
        html! {
            <button type="button" class="btn btn-small" aria-label={label.to_string()} disabled={!enabled} {onclick}>
                { text }
            </button>
        }
    };
    let rewind = selected.filter(|&id| run.can_rewind_to(id));
    let rewind_text = match selected {
        Some(id) => format!("Rewind to event {id}"),
        None => "Rewind to event…".to_string(),
    };
    let rewind_label = match selected {
        Some(id) if rewind.is_none() => format!("Rewind to event {id} (the execution is there)"),
        Some(id) => format!("Rewind to event {id}"),
        None => {
            "Rewind to an event (select one in the history, the graph or the sequence diagram)".to_string()
        }
    };
    let branch_point = run.branch_point();
    html! {
        <div class="time-travel" role="group" aria-label="Time travel">
            { button("↶ Undo".into(), "Undo the last action on the execution", run.can_undo().then_some(Action::Undo)) }
            { button("↷ Redo".into(), "Redo", run.can_redo().then_some(Action::Redo)) }
            { button(rewind_text, &rewind_label, rewind.map(Action::RewindTo)) }
            if let Some(point) = branch_point {
                <span title={format!("The other branch went on after event {point}")}>
                    { button("Restore the other branch".into(), "Restore the other branch", Some(Action::RestoreBranch)) }
                </span>
            }
        </div>
    }
}
