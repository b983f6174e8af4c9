//! Scripted calls after the execution's end cost what calls before it cost: each is answered
//! (TaskTimedOut, InvalidToken...) in constant time, so a day of heartbeats or a flood of calls at
//! one instant runs in a blink. They once cost a scan of everything still planned per call.

use std::time::{Duration, Instant};

use sim::{Scenario, World};

/// Runs `calls` (scenario `calls` entries) against a definition that ends at once.
fn run_late_calls(calls: Vec<serde_json::Value>) -> (sim::Report, Duration) {
    let definition = r#"{"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}"#;
    let machine = asl::compile(definition).machine().cloned().unwrap();
    let scenario = Scenario::from_json_value(&serde_json::json!({ "calls": calls })).unwrap();
    let started = Instant::now();
    let mut world = World::start(machine, asl::Value::empty_object(), &scenario);
    world.run_to_end();
    (sim::Report::of(&world), started.elapsed())
}

/// Generous for a debug build on a busy machine; the quadratic version took minutes.
const BOUND: Duration = Duration::from_secs(20);

#[test]
fn a_day_of_heartbeats_after_the_end() {
    let calls = (1..=86_400)
        .map(|s| serde_json::json!({"at": s, "action": "SendTaskHeartbeat", "token": "gone"}))
        .collect();
    let (report, took) = run_late_calls(calls);
    assert_eq!(report.calls.len(), 86_400);
    assert!(report.calls.iter().all(|c| !c.ok));
    assert_eq!(report.calls.last().unwrap().at_ms, 86_400_000);
    assert!(took < BOUND, "86,400 late heartbeats took {took:?}");
}

#[test]
fn a_hundred_thousand_calls_at_one_instant() {
    let calls = (0..100_000)
        .map(|i| serde_json::json!({"at": 60, "action": "SendTaskSuccess", "token": format!("t{i}")}))
        .collect();
    let (report, took) = run_late_calls(calls);
    assert_eq!(report.calls.len(), 100_000);
    assert!(report.calls.iter().all(|c| !c.ok && c.at_ms == 60_000));
    assert!(took < BOUND, "100,000 calls at one instant took {took:?}");
}
