//! A JSONPath where a definition reads one (a Parameters value, InputPath, OutputPath) and where it
//! writes one (ResultPath), evaluated on an input. Input: `PATH\nINPUT JSON`.
#![no_main]

use baton_fuzz::{first_line, input, one_state, run_json};
use serde_json::json;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (path, rest) = first_line(text);
    let read = one_state(json!({
        "Type": "Pass",
        "Parameters": { "read.$": path },
        "ResultPath": "$.read",
        "OutputPath": "$",
    }));
    run_json(&read, input(rest));
    run_json(&one_state(json!({ "Type": "Pass", "InputPath": path, "OutputPath": path })), input(rest));
    run_json(
        &one_state(json!({ "Type": "Pass", "Result": { "written": true }, "ResultPath": path })),
        input(rest),
    );
});
