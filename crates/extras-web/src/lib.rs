//! The parts of Baton a first visit does not need, as a wasm module of its own: the work as it goes
//! to AWS (the Deploy texts), and `States.Hash`'s digests. Each is needed now and then, never on a
//! first visit, and together they weigh about 20 kB gzip, so the web app's first load leaves them
//! out; the app imports this module (`extras/module.js`, built next to the app by
//! xtask/trunk/wasm-module.mjs) the first time it needs one of them (src/extras.rs).
//!
//! The protocol is functions over text, as for the JSONata module: nothing but strings crosses
//! between the two wasm instances, and every reply but a digest is a JSON object, `{"error": "…"}`
//! when the request cannot be met:
//! - [`deploy`]`(definition, name, input, scenario)` → `{"targets": [{"title", "note", "copy",
//!   "text"}, …]}`, what `baton export --to cli|cloudformation|sam` prints (sim::export), each with
//!   its title, a note on how to use it and its copy button's label;
//! - [`digest`]`(algorithm, text)` → the digest in lowercase hex, which the app lends the engine
//!   (`asl::intrinsics::digest::lend`) for `States.Hash`.
//!
//! A definition, input or scenario that cannot be read is the app's to report (it checks them on
//! every keystroke); here an unreadable input or scenario is left out of what is exported, as
//! `baton export` leaves them out.
#![forbid(unsafe_code)]

use serde_json::{json, Value as Json};
use sim::export::{export, Target, Work};
use sim::Scenario;
use wasm_bindgen::prelude::wasm_bindgen;

// The app's allocator: small, and enough for these short-lived texts.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

fn error(why: impl std::fmt::Display) -> String {
    json!({ "error": why.to_string() }).to_string()
}

/// The work as it goes to AWS: the `aws stepfunctions` commands, and a CloudFormation and a SAM
/// template. `definition` must be a valid definition (AWS would refuse any other).
#[wasm_bindgen]
pub fn deploy(definition: &str, name: &str, input: &str, scenario: &str) -> String {
    let compiled = asl::compile(definition);
    let Some(definition) = compiled.value().filter(|_| compiled.machine().is_some()) else {
        return error("the definition has errors: fix them first, AWS would refuse it");
    };
    let input = asl::Value::parse(input).ok();
    let scenario = Scenario::from_json(scenario).ok();
    let work = Work { definition, name, input: input.as_ref(), scenario: scenario.as_ref() };
    let targets: Vec<Json> = Target::ALL
        .into_iter()
        .map(|target| {
            let (note, copy) = match target {
                Target::Cli => (
                    "Run in a shell with the AWS CLI; set ROLE_ARN first. The participants' answers become the calls a person would make.",
                    "Copy commands",
                ),
                Target::CloudFormation => (
                    "A CloudFormation template (JSON) with the definition inlined; deploy it with a role ARN as StateMachineRoleArn.",
                    "Copy template",
                ),
                Target::Sam => ("A SAM template (JSON) with the definition inlined: sam deploy --guided.", "Copy template"),
            };
            json!({ "title": target.title(), "note": note, "copy": copy, "text": export(&work, target) })
        })
        .collect();
    json!({ "targets": targets }).to_string()
}

/// `States.Hash`'s digest of `text` with `algorithm` (one of `asl::intrinsics::digest::ALGORITHMS`),
/// in lowercase hex; empty for any other algorithm.
#[wasm_bindgen]
pub fn digest(algorithm: &str, text: &str) -> String {
    match asl::intrinsics::digest::ALGORITHMS.contains(&algorithm) {
        true => asl::intrinsics::digest::hex(algorithm, text).unwrap_or_default(),
        false => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEFINITION: &str = r#"{"StartAt": "RequestApproval", "States": {"RequestApproval": {
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
        "Parameters": {"FunctionName": "notify", "Payload": {"token.$": "$$.Task.Token"}}, "End": true}}}"#;

    fn reply(text: String) -> Json {
        serde_json::from_str(&text).expect("every reply is JSON")
    }

    #[test]
    fn deploy_gives_the_three_texts_or_says_why_not() {
        let r = reply(deploy(DEFINITION, "approval", r#"{"order": 1}"#, "{}"));
        let text = |i: usize| r["targets"][i]["text"].as_str().unwrap().to_string();
        assert_eq!(r["targets"][0]["title"], "AWS CLI");
        assert!(text(0).contains("aws stepfunctions create-state-machine"));
        assert!(text(1).contains("AWS::StepFunctions::StateMachine"));
        assert!(text(2).contains("AWS::Serverless::StateMachine"));
        let broken = reply(deploy(r#"{"StartAt": "Nowhere", "States": {}}"#, "x", "{}", "{}"));
        assert!(broken["error"].as_str().unwrap().contains("fix them first"));
        // An unreadable input or scenario is left out, not a reason to refuse.
        assert!(reply(deploy(DEFINITION, "x", "{", "[")).get("targets").is_some());
    }

    #[test]
    fn digests_are_built_in() {
        assert_eq!(digest("MD5", "abc"), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(digest("CRC32", "abc"), "");
    }
}
