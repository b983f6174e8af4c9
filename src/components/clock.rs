//! The virtual clock: what time it is in the simulation, what is due next, and the controls that
//! move time forward (and, through `travel`, back). Time moves only when told: by a click, by
//! "advance by" an amount, or by the real-time player (1x, 10x, 60x), a hook whose interval
//! dispatches `AdvanceBy`. Paused by default, so a timeout of an hour still costs one click.

use std::rc::Rc;

use gloo::timers::callback::Interval;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::travel::time_travel;
use crate::format::{clock, countdown};
use crate::run::Run;
use crate::state::Action;

#[derive(Properties, PartialEq)]
pub struct ClockPanelProps {
    pub run: Option<Rc<Run>>,
    /// The event selected anywhere, for "Rewind to this event".
    pub selected: Option<u64>,
    pub on_action: Callback<Action>,
}

/// Fixed steps offered next to "Advance to next deadline".
const STEPS: &[(u64, &str, &str)] = &[
    (1_000, "+1 s", "Advance 1 second"),
    (60_000, "+1 min", "Advance 1 minute"),
    (3_600_000, "+1 h", "Advance 1 hour"),
];

/// Real-time speeds offered: virtual seconds per real second.
const SPEEDS: &[u32] = &[1, 10, 60];
/// How often the real-time player moves the clock, in real milliseconds.
const TICK_MS: u32 = 200;
/// Units of the "advance by" amount.
const UNITS: &[(&str, u64)] = &[("s", 1_000), ("min", 60_000), ("h", 3_600_000), ("d", 86_400_000)];

/// Moves the virtual clock `speed` times faster than real time while `speed` is set, by
/// dispatching `AdvanceBy` from an interval that this hook owns (dropping it stops the clock).
#[hook]
fn use_real_time(speed: Option<u32>, on_action: Callback<Action>) {
    use_effect_with(speed, move |speed| {
        let interval = speed.map(|speed| {
            let step = u64::from(TICK_MS) * u64::from(speed);
            Interval::new(TICK_MS, move || on_action.emit(Action::AdvanceBy(step)))
        });
        move || drop(interval)
    });
}

/// The longest "advance by": a year, the longest a Standard execution may run on AWS. Anything
/// longer moves the clock past every deadline an execution can have.
const MAX_ADVANCE_MS: u64 = 365 * 86_400_000;

/// The milliseconds an "advance by" amount stands for (at most a year).
pub fn amount_ms(amount: &str, unit: &str) -> Option<u64> {
    let n = asl::number::parse_decimal(amount)?;
    let per = UNITS.iter().find(|(u, _)| *u == unit)?.1;
    let ms = n * per as f64;
    (n > 0.0 && ms <= MAX_ADVANCE_MS as f64).then(|| ms.round() as u64)
}

#[component]
pub fn ClockPanel(props: &ClockPanelProps) -> Html {
    let now = props.run.as_ref().map_or(0, |r| r.now_ms);
    let live = props.run.as_ref().is_some_and(|r| !r.status.is_finished());
    let speed = use_state_eq(|| None::<u32>);
    // The player stops by itself when the execution ends (or before one starts).
    if !live && speed.is_some() {
        speed.set(None);
    }
    use_real_time((*speed).filter(|_| live), props.on_action.clone());
    let amount = use_state(|| "5".to_string());
    let unit = use_state(|| "min".to_string());
    let amount_value = amount_ms(&amount, &unit);
    let advance_amount = {
        let on_action = props.on_action.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(ms) = amount_value {
                on_action.emit(Action::AdvanceBy(ms));
            }
        })
    };
    let speed_buttons = SPEEDS.iter().map(|&s| {
        let speed = speed.clone();
        let on = *speed == Some(s);
        let onclick = Callback::from(move |_: MouseEvent| speed.set(Some(s)));
        html! {
            <button type="button" class={classes!("btn", "btn-small", on.then_some("btn-on"))} aria-pressed={on.to_string()}
                aria-label={format!("Run in real time at {s}x")} disabled={!live} {onclick}>{ format!("{s}x") }</button>
        }
    });
    let pause = {
        let speed = speed.clone();
        Callback::from(move |_: MouseEvent| speed.set(None))
    };
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
                    <span class="clock-caption">
                        { match (*speed).filter(|_| live) {
                            Some(s) => format!("running at {s}x real time"),
                            None => "since the execution started · paused".to_string(),
                        } }
                    </span>
                </div>
                <div class="clock-controls">
                    <button type="button" class="btn btn-accent" disabled={!can_advance} onclick={advance}>
                        { "Advance to next deadline" }
                    </button>
                    <div class="btn-group" role="group" aria-label="Advance by">{ for steps }</div>
                    <form class="advance-by" onsubmit={advance_amount}>
                        <input class="mono num" type="number" min="0" step="any" aria-label="Amount to advance"
                            value={(*amount).clone()} disabled={!live}
                            oninput={let amount = amount.clone(); move |e: InputEvent| amount.set(e.target_unchecked_into::<HtmlInputElement>().value())} />
                        <select class="select select-small" aria-label="Unit" disabled={!live}
                            onchange={let unit = unit.clone(); move |e: Event| unit.set(e.target_unchecked_into::<HtmlSelectElement>().value())}>
                            for (u, _) in UNITS.iter() {
                                <option value={*u} selected={*u == unit.as_str()}>{ *u }</option>
                            }
                        </select>
                        <button type="submit" class="btn btn-small" disabled={!live || amount_value.is_none()}
                            title="By a positive amount, up to a year">{ "Advance by" }</button>
                    </form>
                    <div class="btn-group real-time" role="group" aria-label="Real time">
                        <button type="button" class={classes!("btn", "btn-small", speed.is_none().then_some("btn-on"))}
                            aria-pressed={speed.is_none().to_string()} disabled={!live} onclick={pause}>{ "Pause" }</button>
                        { for speed_buttons }
                    </div>
                </div>
                { time_travel(props.run.as_ref(), props.selected, &props.on_action) }
                <h3 class="subhead">{ "Upcoming" }</h3>
                if upcoming.is_empty() {
                    <p class="empty-note">{ if props.run.is_some() { "Nothing is scheduled." } else { "No execution yet." } }</p>
                } else {
                    <ol class="upcoming">
                        for (at, what) in upcoming.iter().take(50) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_with_their_unit() {
        assert_eq!(amount_ms("5", "min"), Some(300_000));
        assert_eq!(amount_ms("1.5", "s"), Some(1_500));
        assert_eq!(amount_ms("2", "d"), Some(172_800_000));
        assert_eq!(amount_ms("0", "s"), None);
        assert_eq!(amount_ms("x", "s"), None);
        assert_eq!(amount_ms("1", "weeks"), None);
        assert_eq!(amount_ms("365", "d"), Some(MAX_ADVANCE_MS));
        assert_eq!(amount_ms("366", "d"), None);
        assert_eq!(amount_ms("99999999999", "s"), None);
        assert_eq!(amount_ms("NaN", "s"), None);
    }
}
