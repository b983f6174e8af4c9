//! A Choice rule (any JSON object: comparisons, And/Or/Not, StringMatches patterns, timestamps),
//! read and evaluated on an input. Input: `RULE JSON\nINPUT JSON`.
#![no_main]

use baton_fuzz::{first_line, input, run_json};
use serde_json::{json, Value as Json};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (rule, rest) = first_line(text);
    let Ok(Json::Object(mut rule)) = serde_json::from_str::<Json>(rule) else { return };
    rule.insert("Next".into(), json!("Matched"));
    let definition = json!({
        "StartAt": "Decide",
        "States": {
            "Decide": { "Type": "Choice", "Choices": [rule], "Default": "Otherwise" },
            "Matched": { "Type": "Succeed" },
            "Otherwise": { "Type": "Fail", "Error": "NoMatch" },
        },
    });
    run_json(&definition, input(rest));
});
