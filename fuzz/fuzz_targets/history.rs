//! A whole execution: any definition and input, run to its end, with its event history serialised
//! in AWS's JSON shape. Input: `DEFINITION\0INPUT JSON`.
#![no_main]

use baton_fuzz::{compile_and_run, input};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (definition, rest) = text.split_once('\0').unwrap_or((text, ""));
    compile_and_run(definition, &sim::Scenario::with_input(input(rest)));
});
