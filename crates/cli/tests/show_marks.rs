//! The graph `baton show` draws for a history colours the states as the app colours them for a
//! simulated run. The app folds the engine's typed events (`sim::Timeline::progress`, mapped to
//! marks in `src/components/graph.rs`); `diagram::marks_of_history` folds AWS's JSON, which is
//! all a real execution leaves. Here both fold every example's run, at every event of it.
//!
//! And `baton show`'s reading of real histories holds on every history recorded on AWS in the
//! conformance corpus (`../shared/conformance`, or `BATON_CONFORMANCE_DIR`).

use std::path::{Path, PathBuf};
use std::rc::Rc;

mod common;

use common::workspace;
use diagram::history::{read_history, Status};
use diagram::{layout_sequence, marks_of_history, sequence_mermaid, Marks, StateMark};
use serde_json::{json, Value};

/// The app's `marks_of` (src/components/graph.rs), as written there.
fn app_marks(progress: &[(Rc<str>, sim::Progress)]) -> Marks {
    let mut marks = Marks::new();
    for (name, progress) in progress {
        let mark = match progress {
            sim::Progress::Current => StateMark::Current,
            sim::Progress::Visited => StateMark::Visited,
            sim::Progress::Caught => StateMark::Caught,
            sim::Progress::Failed => StateMark::Failed,
        };
        marks.set(&**name, mark);
    }
    marks
}

/// Every example's definition with each of its scenarios.
fn example_runs() -> Vec<(PathBuf, PathBuf)> {
    let mut runs = Vec::new();
    let mut dirs: Vec<PathBuf> =
        std::fs::read_dir(workspace().join("examples")).unwrap().map(|e| e.unwrap().path()).collect();
    dirs.sort();
    for dir in dirs {
        let definition = dir.join("definition.asl.json");
        if !definition.exists() {
            continue;
        }
        let mut scenarios: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().ends_with(".scenario.json"))
            .collect();
        scenarios.sort();
        runs.extend(scenarios.into_iter().map(|s| (definition.clone(), s)));
    }
    runs
}

/// Runs where failures meet containers: a Parallel branch failing (its sibling aborted) and
/// caught, a Map iteration failing and caught, a JSONata expression failing, a Map retried.
const CASES: [(&str, &str, &str); 4] = [
    (
        "parallel-caught",
        r#"{"StartAt": "Both", "States": {
            "Both": {"Type": "Parallel", "Branches": [
                {"StartAt": "Left", "States": {"Left": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "left"}, "End": true}}},
                {"StartAt": "Right", "States": {"Right": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/1/q", "MessageBody": {"t.$": "$$.Task.Token"}}, "End": true}}}
            ], "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Stop"}], "End": true},
            "Stop": {"Type": "Fail", "Error": "Stopped"}}}"#,
        r#"{"responders": {"Left": [{"throw": {"error": "Boom"}, "after": 5}], "Right": [{"callback": "none"}]}}"#,
    ),
    (
        "map-caught",
        r#"{"StartAt": "Each", "States": {
            "Each": {"Type": "Map", "ItemsPath": "$.items", "ItemProcessor": {"StartAt": "Work", "States": {
                "Work": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "work"}, "End": true}}},
              "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Done"}], "End": true},
            "Done": {"Type": "Succeed"}}}"#,
        r#"{"input": {"items": [1, 2, 3]}, "responders": {"Work": [{"return": {}}, {"throw": {"error": "Bad"}}, {"return": {}}]}}"#,
    ),
    (
        "jsonata-fails",
        r#"{"QueryLanguage": "JSONata", "StartAt": "Compute", "States": {
            "Compute": {"Type": "Pass", "Output": "{% $x.y.z() %}", "End": true}}}"#,
        r#"{}"#,
    ),
    (
        "map-retried",
        r#"{"StartAt": "Each", "States": {
            "Each": {"Type": "Map", "ItemsPath": "$.items", "ItemProcessor": {"StartAt": "Work", "States": {
                "Work": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "work"}, "End": true}}},
              "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 1}], "End": true}}}"#,
        r#"{"input": {"items": [1, 2]}, "responders": {"Work": [{"throw": {"error": "Bad"}}, {"return": {}}, {"return": {}}, {"return": {}}]}}"#,
    ),
];

fn start(definition: &str, scenario: &str, input_file: Option<&Path>) -> sim::World {
    let (machine, _) = sim::load(definition).expect("a valid definition");
    let scenario = sim::Scenario::from_json(scenario).expect("a scenario");
    let input = match (&scenario.input, input_file) {
        (Some(input), _) => input.clone(),
        (None, Some(file)) => {
            asl::Value::parse(&std::fs::read_to_string(file).unwrap_or("{}".into())).unwrap()
        }
        (None, None) => asl::Value::empty_object(),
    };
    sim::World::start(machine, input, &scenario)
}

#[test]
fn a_history_marks_the_graph_as_the_engine_s_timeline_does() {
    let runs = example_runs();
    assert!(runs.len() >= 15, "the examples are found: {runs:?}");
    let text = |p: &Path| std::fs::read_to_string(p).unwrap();
    let mut all: Vec<(String, String, String, Option<PathBuf>)> = runs
        .into_iter()
        .map(|(d, s)| {
            let name = format!("{} with {}", d.display(), s.display());
            (name, text(&d), text(&s), Some(d.with_file_name("input.json")))
        })
        .collect();
    all.extend(CASES.map(|(name, d, s)| (name.to_string(), d.to_string(), s.to_string(), None)));
    let mut compared = 0;
    for (name, definition, scenario, input) in all {
        let start = || start(&definition, &scenario, input.as_deref());
        let mut whole = start();
        whole.run_to_end();
        let length = whole.execution().history().len() as u64;
        // At every event of the run (while it runs, states are current), and at its end.
        for until in (1..=length).map(Some).chain([None]) {
            let mut world = start();
            match until {
                Some(id) => {
                    world.run_until(id);
                }
                None => world.run_to_end(),
            }
            let history = sim::Report::of(&world).history_json();
            assert_eq!(
                marks_of_history(&history),
                app_marks(world.timeline().progress()),
                "{name}, until event {until:?}"
            );
            compared += 1;
        }
    }
    assert!(compared > 100, "{compared}");
}

fn conformance_dir() -> PathBuf {
    match std::env::var_os("BATON_CONFORMANCE_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => workspace().join("../shared/conformance/cases"),
    }
}

/// Every history recorded on AWS reads without a problem, tells the status AWS recorded, and
/// draws; none has an event type baton does not know.
#[test]
fn every_history_recorded_on_aws_reads_and_tells_its_status() {
    let dir = conformance_dir();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        let message = format!("conformance corpus not found at {}; set BATON_CONFORMANCE_DIR", dir.display());
        assert!(!std::env::var("CI").is_ok_and(|v| v == "true"), "{message} (CI=true: it must run)");
        println!("{message}");
        return;
    };
    let mut files: Vec<PathBuf> =
        entries.map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|x| x == "json")).collect();
    files.sort();
    let mut read = 0;
    for file in files {
        let case: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let Some(events) = case["expected"]["history"].as_array() else { continue };
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let history = read_history(json!({ "events": events })).unwrap_or_else(|p| panic!("{name}: {p:?}"));
        // The corpus drops timestamps; nothing else may be doubtful.
        assert_eq!(history.warnings, [], "{name}");
        let story = history.story();
        assert_eq!(story.unknown, [], "{name}");
        let expected = match case["expected"]["status"].as_str() {
            Some("SUCCEEDED") => Status::Succeeded,
            Some("FAILED") => Status::Failed,
            Some("TIMED_OUT") => Status::TimedOut,
            Some("ABORTED") => Status::Aborted,
            other => panic!("{name}: status {other:?}"),
        };
        assert_eq!(story.status, expected, "{name}");
        // Every state entered is accounted for, and a summary and the diagrams come out.
        assert!(
            story.visits.iter().all(|v| !matches!(v.outcome, diagram::history::Outcome::Running)),
            "{name}"
        );
        assert!(story.summary(None).starts_with(&format!("Execution {}", expected.as_aws())), "{name}");
        let annotations = story.annotations();
        assert!(!layout_sequence(&history.events, &annotations).messages.is_empty(), "{name}");
        assert!(sequence_mermaid(&history.events, &annotations).starts_with("sequenceDiagram\n"), "{name}");
        read += 1;
    }
    println!("{read} histories read");
    assert!(read >= 500, "{read} histories read");
}
