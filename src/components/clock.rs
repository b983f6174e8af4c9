//! The virtual clock: what time it is in the simulation, what is due next, and the controls that
//! move time forward. Time never moves by itself, so a timeout of an hour costs one click.

use std::rc::Rc;

use yew::prelude::*;

use crate::format::{clock, countdown};
use crate::state::{Action, Run};

#[derive(Properties, PartialEq)]
pub struct ClockPanelProps {
    pub run: Option<Rc<Run>>,
    pub on_action: Callback<Action>,
}

/// Fixed steps offered next to "Advance to next deadline".
const STEPS: &[(u64, &str, &str)] = &[
    (1_000, "+1 s", "Advance 1 second"),
    (60_000, "+1 min", "Advance 1 minute"),
    (3_600_000, "+1 h", "Advance 1 hour"),
];

#[component]
pub fn ClockPanel(props: &ClockPanelProps) -> Html {
    let now = props.run.as_ref().map_or(0, |r| r.now_ms);
    let live = props.run.as_ref().is_some_and(|r| !r.status.is_finished());
    let can_advance = props.run.as_ref().is_some_and(|r| r.has_deadline());
    let advance = {
        let on_action = props.on_action.clone();
        Callback::from(move |_: MouseEvent| on_action.emit(Action::AdvanceToNextDeadline))
    };
    let steps = STEPS.iter().map(|&(ms, text, label)| {
        let on_action = props.on_action.clone();
        let onclick = Callback::from(move |_: MouseEvent| on_action.emit(Action::AdvanceBy(ms)));
        html! { <button type="button" class="btn btn-small" aria-label={label} disabled={!live} {onclick}>{ text }</button> }
    });
    let upcoming = props.run.as_ref().map(|r| r.upcoming.clone()).unwrap_or_default();

    html! {
        <section class="panel clock-panel" aria-label="Clock">
            <header class="panel-head">
                <h2>{ "Virtual clock" }</h2>
            </header>
            <div class="panel-body">
                <div class="clock-face">
                    <span class="clock-time" aria-label={format!("Virtual time {}", clock(now))}>{ clock(now) }</span>
                    <span class="clock-caption">{ "since the execution started" }</span>
                </div>
                <div class="clock-controls">
                    <button type="button" class="btn btn-accent" disabled={!can_advance} onclick={advance}>
                        { "Advance to next deadline" }
                    </button>
                    <div class="btn-group" role="group" aria-label="Advance by">{ for steps }</div>
                </div>
                <h3 class="subhead">{ "Upcoming" }</h3>
                if upcoming.is_empty() {
                    <p class="empty-note">{ if props.run.is_some() { "Nothing is scheduled." } else { "No execution yet." } }</p>
                } else {
                    <ol class="upcoming">
                        for (at, what) in upcoming.iter() {
                            <li>
                                <span class="upcoming-what">{ what.clone() }</span>
                                <span class="upcoming-when">
                                    <time class="mono">{ clock(*at) }</time>
                                    <span class="muted">{ countdown(now, *at) }</span>
                                </span>
                            </li>
                        }
                    </ol>
                }
            </div>
        </section>
    }
}
