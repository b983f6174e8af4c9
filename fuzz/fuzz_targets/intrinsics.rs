//! An intrinsic function call (`States.Format(...)` and friends) as a Parameters value, evaluated on
//! an input. Input: `CALL\nINPUT JSON`.
#![no_main]

use baton_fuzz::{first_line, input, one_state, run_json};
use serde_json::json;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (call, rest) = first_line(text);
    run_json(&one_state(json!({ "Type": "Pass", "Parameters": { "value.$": call } })), input(rest));
});
