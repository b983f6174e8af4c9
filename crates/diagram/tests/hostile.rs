//! Hostile definitions lay out in time: a long chain, thousands of states, a Choice with
//! thousands of rules and states that all catch to each other. The layout once searched lists
//! per state, per edge and per layer (a 20,000-state chain took 6 s, optimized); a definition
//! pasted into the app must not freeze the page.

use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};

/// Generous for a debug build on a busy machine; the quadratic layout took far longer.
const BOUND: Duration = Duration::from_secs(20);

fn lay_out(name: &str, definition: &Value) -> diagram::GraphLayout {
    let started = Instant::now();
    let layout = diagram::layout_graph(definition);
    let svg = diagram::graph_svg(&layout, &diagram::Marks::default());
    let took = started.elapsed();
    assert!(took < BOUND, "{name} took {took:?}");
    assert!(layout.width.is_finite() && layout.height.is_finite() && !svg.is_empty(), "{name}");
    layout
}

#[test]
fn a_chain_of_20000_states() {
    let mut states = Map::new();
    for i in 0..20_000 {
        states.insert(format!("S{i}"), json!({"Type": "Pass", "Next": format!("S{}", i + 1)}));
    }
    states.insert("S20000".into(), json!({"Type": "Succeed"}));
    let layout = lay_out("chain", &json!({"StartAt": "S0", "States": states}));
    assert_eq!(layout.nodes.len(), 20_003);
}

#[test]
fn ten_thousand_unreachable_states() {
    let mut states = Map::new();
    states.insert("A".into(), json!({"Type": "Succeed"}));
    for i in 0..10_000 {
        states.insert(format!("U{i}"), json!({"Type": "Succeed"}));
    }
    let layout = lay_out("unreachable", &json!({"StartAt": "A", "States": states}));
    assert_eq!(layout.nodes.len(), 10_003);
}

#[test]
fn a_choice_of_10000_rules() {
    let rules: Vec<Value> = (0..10_000)
        .map(|i| json!({"Variable": "$.x", "NumericEquals": i, "Next": format!("B{}", i % 100)}))
        .collect();
    let mut states = Map::new();
    states.insert("A".into(), json!({"Type": "Choice", "Choices": rules, "Default": "B0"}));
    for i in 0..100 {
        states.insert(format!("B{i}"), json!({"Type": "Succeed"}));
    }
    lay_out("choice", &json!({"StartAt": "A", "States": states}));
}

#[test]
fn states_that_all_catch_to_each_other() {
    let mut states = Map::new();
    for i in 0..60 {
        let catches: Vec<Value> =
            (0..60).map(|j| json!({"ErrorEquals": ["E"], "Next": format!("T{j}")})).collect();
        let task = json!({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Catch": catches, "End": true});
        states.insert(format!("T{i}"), task);
    }
    lay_out("mesh", &json!({"StartAt": "T0", "States": states}));
}
