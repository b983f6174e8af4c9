//! A JSONata expression, parsed and evaluated on an input with the engine's default bounds (depth,
//! native stack, fuel). Input: `EXPRESSION\nINPUT JSON` (no input when it is not JSON).
#![no_main]

use baton_fuzz::first_line;
use baton_jsonata::{Environment, Expression};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (expression, rest) = first_line(text);
    let Ok(expression) = Expression::parse(expression) else { return };
    let input = serde_json::from_str::<serde_json::Value>(rest).ok();
    let _ = expression.evaluate(input.as_ref(), &Default::default(), &Environment::default());
});
