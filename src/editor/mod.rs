//! The code editors' logic, apart from their component (`components::editor`): highlighting and
//! bracket matching ([`highlight`]), editing commands and Format ([`text`]), all pure and tested
//! natively; and the hook that lets the engine check a definition once typing pauses.

pub mod highlight;
mod problem;
pub mod text;

pub use problem::Problem;

use gloo::timers::callback::Timeout;
use yew::prelude::*;

/// How long typing must pause before the engine checks the definition again.
pub const CHECK_DELAY_MS: u32 = 150;

/// Calls `then` once `value` has stayed the same for `delay_ms`; a newer value cancels the
/// pending call (dropping a `Timeout` cancels it). So a burst of keystrokes costs one call.
#[hook]
pub fn use_debounce<T: PartialEq + 'static>(value: T, delay_ms: u32, then: Callback<()>) {
    use_effect_with(value, move |_| {
        let pending = Timeout::new(delay_ms, move || then.emit(()));
        move || drop(pending)
    });
}
