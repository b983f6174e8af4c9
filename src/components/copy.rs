//! Feedback for copy buttons: "Copied" or "Copy failed" replaces the button's label for a moment,
//! then the label comes back, so that the next copy is confirmed too.

use gloo::timers::callback::Timeout;
use yew::prelude::*;

/// How long the outcome of a copy stays on its button.
const SHOWN_MS: u32 = 2_000;

/// The outcome of the last copy while it is shown (`T` says which copy and whether it worked), and
/// the callback that shows a new one. A new outcome restarts the wait.
#[hook]
pub fn use_copy_feedback<T: Clone + 'static>() -> (Option<T>, Callback<T>) {
    let shown = use_state(|| None::<T>);
    let timer = use_mut_ref(|| None::<Timeout>);
    let show = {
        let shown = shown.clone();
        Callback::from(move |outcome: T| {
            shown.set(Some(outcome));
            let shown = shown.clone();
            // Replacing the timer drops, and so cancels, the one still running.
            *timer.borrow_mut() = Some(Timeout::new(SHOWN_MS, move || shown.set(None)));
        })
    };
    ((*shown).clone(), show)
}

/// A copy button's label: what it copies, or how the copy just went.
pub fn label(copied: Option<bool>, idle: &str) -> &str {
    match copied {
        Some(true) => "Copied",
        Some(false) => "Copy failed",
        None => idle,
    }
}
