//! Any text as a scenario (responders, calls, heartbeats, context), run against one of the shipped
//! examples. Input: `EXAMPLE SLUG\nSCENARIO JSON` (an unknown slug picks the first example).
#![no_main]

use baton_fuzz::{compile_and_run, first_line};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (slug, scenario) = first_line(text);
    let Ok(scenario) = sim::Scenario::from_json(scenario) else { return };
    let examples = sim::examples::ALL;
    let example = examples.iter().find(|e| e.slug == slug).unwrap_or(&examples[0]);
    compile_and_run(example.definition, &scenario);
});
