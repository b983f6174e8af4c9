//! Every shipped example runs to the outcome its scenario promises, and its full event history is a
//! snapshot: a change in what Baton records shows up as a reviewable diff.

use sim::examples::{Example, ALL};
use sim::{Report, Scenario, World};

/// One line per event (`id prev time type details`), then the API calls.
fn render(report: &Report) -> String {
    let mut out = String::new();
    for e in &report.history_json() {
        let details = e
            .as_object()
            .and_then(|o| o.iter().find(|(k, _)| k.ends_with("EventDetails")))
            .map_or(String::new(), |(_, v)| v.to_string());
        let details = details
            .replace(r#","inputDetails":{"truncated":false}"#, "")
            .replace(r#","outputDetails":{"truncated":false}"#, "");
        out.push_str(&format!(
            "{:>3} {:>3} {} {} {}\n",
            e["id"],
            e["previousEventId"],
            &e["timestamp"].as_str().unwrap_or_default()[11..19],
            e["type"].as_str().unwrap_or_default(),
            details
        ));
    }
    for c in &report.calls {
        out.push_str(&format!(
            "call at {}s {} by {} -> {}\n",
            c.at_ms / 1000,
            c.action,
            c.by.name(),
            c.error.as_deref().unwrap_or("ok")
        ));
    }
    out
}

fn run(example: &Example, scenario_text: &str) -> Report {
    let (machine, warnings) = sim::load(example.definition).expect("examples are valid");
    assert!(warnings.is_empty(), "{}: {warnings:?}", example.slug);
    let scenario = Scenario::from_json(scenario_text).expect("scenarios are valid");
    let input = asl::Value::parse(example.input).expect("inputs are JSON");
    let mut world = World::start(machine, input, &scenario);
    world.run_to_end();
    Report::of(&world)
}

#[test]
fn examples_keep_their_promises_and_histories() {
    for example in ALL {
        assert!(!example.scenarios.is_empty(), "{} has no scenario", example.slug);
        for (name, text) in example.scenarios {
            let report = run(example, text);
            let expect = Scenario::from_json(text)
                .unwrap()
                .expect
                .expect("every example scenario promises an outcome");
            assert_eq!(report.status.as_aws(), expect.status, "{}/{name}", example.slug);
            assert_eq!(report.error, expect.error, "{}/{name}", example.slug);
            insta::assert_snapshot!(format!("{}__{name}", example.slug), render(&report));
        }
    }
}

#[test]
fn the_examples_folder_and_the_built_in_list_agree() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut dirs: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    let mut slugs: Vec<String> = ALL.iter().map(|e| e.slug.to_string()).collect();
    slugs.sort();
    assert_eq!(dirs, slugs);
    for example in ALL {
        let count = std::fs::read_dir(root.join(example.slug))
            .unwrap()
            .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().ends_with(".scenario.json"))
            .count();
        assert_eq!(count, example.scenarios.len(), "{}", example.slug);
    }
}

#[test]
fn retried_callbacks_get_new_tokens_and_the_old_one_is_closed() {
    let example = sim::examples::find("retry-after-timeout").unwrap();
    let report = run(example, example.scenarios[0].1);
    let tokens: Vec<String> = report
        .history_json()
        .into_iter()
        .filter(|e| e["type"] == "TaskScheduled")
        .map(|e| e["taskScheduledEventDetails"]["parameters"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(tokens.len(), 2);
    assert_ne!(tokens[0], tokens[1]);
    assert!(tokens[1].contains("\"attempt\":1"));
    let late = &report.calls[0];
    assert_eq!((late.at_ms, late.error.as_deref()), (62_000, Some("TaskTimedOut")));
}
