//! Robustness: odd, random and real-world JSON never panics and yields sane geometry.

mod common;

use common::annotations;
use diagram::{
    graph_mermaid, graph_svg, layout_graph, layout_sequence, sequence_mermaid, sequence_svg, ApiCall, Marks,
    Participant,
};
use serde_json::{json, Value};

/// Deterministic xorshift so failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    /// One chance in `n` (written without `is_multiple_of`, which is newer than our MSRV).
    fn one_in(&mut self, n: u64) -> bool {
        self.next().checked_rem(n) == Some(0)
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

const KEYS: [&str; 24] = [
    "StartAt",
    "States",
    "Type",
    "Next",
    "End",
    "Choices",
    "Default",
    "Catch",
    "Retry",
    "ErrorEquals",
    "Branches",
    "ItemProcessor",
    "Iterator",
    "Resource",
    "Variable",
    "StringEquals",
    "Not",
    "And",
    "MaxAttempts",
    "Seconds",
    "id",
    "type",
    "timestamp",
    "previousEventId",
];
const WORDS: [&str; 16] = [
    "A",
    "B",
    "C",
    "Task",
    "Choice",
    "Parallel",
    "Map",
    "Pass",
    "Fail",
    "Succeed",
    "Wait",
    "<&\"'>",
    "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
    "TaskScheduled",
    "2024-01-01T00:00:00Z",
    "",
];

fn random_value(r: &mut Rng, depth: usize) -> Value {
    match r.next() % if depth > 5 { 4 } else { 7 } {
        0 => Value::Null,
        1 => json!(r.one_in(7)),
        2 => json!((r.next() % 2000) as i64 - 1000),
        3 => json!(r.pick(&WORDS)),
        4 | 5 => {
            let mut m = serde_json::Map::new();
            for _ in 0..r.next() % 6 {
                m.insert(r.pick(&KEYS).to_string(), random_value(r, depth + 1));
            }
            if r.one_in(2) {
                let mut states = serde_json::Map::new();
                for _ in 0..r.next() % 5 {
                    states.insert(r.pick(&WORDS).to_string(), random_value(r, depth + 1));
                }
                m.insert("States".into(), Value::Object(states));
            }
            Value::Object(m)
        }
        _ => Value::Array((0..r.next() % 5).map(|_| random_value(r, depth + 1)).collect()),
    }
}

#[test]
fn random_definitions_and_histories_never_panic() {
    let mut r = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..1500 {
        let v = random_value(&mut r, 0);
        let g = layout_graph(&v);
        assert!(g.width.is_finite() && g.height.is_finite());
        let _ = graph_svg(&g, &Marks::new());
        let _ = graph_mermaid(&v);
        let history: Vec<Value> = match &v {
            Value::Array(a) => a.clone(),
            other => vec![other.clone(), random_value(&mut r, 0)],
        };
        let calls = vec![ApiCall {
            at_ms: r.next() % 10_000,
            action: r.pick(&["SendTaskSuccess", "SendTaskHeartbeat", "StopExecution", ""]).into(),
            token: r.pick(&WORDS).into(),
            ok: r.one_in(2),
            error: None,
            participant: None,
        }];
        let l = layout_sequence(&history, &annotations(&calls, &[]));
        assert!(l.width.is_finite() && l.height.is_finite());
        let _ = sequence_svg(&l);
        let _ = sequence_mermaid(&history, &annotations(&calls, &[]));
    }
}

#[test]
fn malformed_shapes_draw_what_is_there() {
    let cases = [
        json!(null),
        json!([]),
        json!("StartAt"),
        json!({}),
        json!({"StartAt": "Nope"}),
        json!({"StartAt": 3, "States": []}),
        json!({"States": {"A": {"Type": "Pass", "Next": "A"}}}),
        json!({"StartAt": "A", "States": {"A": {"Type": "Choice", "Choices": "x", "Default": 4}}}),
        json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": [{}, null, {"StartAt": "Q"}], "End": true}}}),
        json!({"StartAt": "M", "States": {"M": {"Type": "Map", "Iterator": {"StartAt": "X", "States": {"X": {"Type": "Pass", "Next": "M"}}}}}}),
    ];
    for c in &cases {
        let g = layout_graph(c);
        let svg = graph_svg(&g, &Marks::new());
        assert!(svg.ends_with("</svg>"), "{c}");
    }
    // A state pointing to itself is a loop, not a crash; an unknown StartAt is a missing node.
    let g = layout_graph(&cases[6]);
    assert!(g.edges.iter().any(|e| e.back && e.from == "A" && e.to == "A"));
    assert!(layout_graph(&cases[4]).nodes.iter().any(|n| n.name == "Nope"));
}

#[test]
fn deep_and_long_definitions_do_not_overflow() {
    // A 2,000-state chain: iterative DFS, no recursion.
    let mut states = serde_json::Map::new();
    for i in 0..2000 {
        states.insert(format!("S{i}"), json!({"Type": "Pass", "Next": format!("S{}", i + 1)}));
    }
    states.insert("S2000".into(), json!({"Type": "Succeed"}));
    let g = layout_graph(&json!({"StartAt": "S0", "States": states}));
    assert_eq!(g.nodes.len(), 2003);
    // Parallel nested 60 deep (beyond the container limit).
    let mut def = json!({"StartAt": "Leaf", "States": {"Leaf": {"Type": "Pass", "End": true}}});
    for _ in 0..60 {
        def = json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": [def], "End": true}}});
    }
    let g = layout_graph(&def);
    assert!(g.width.is_finite() && !g.nodes.is_empty());
}

#[test]
fn weird_histories_and_participants() {
    let history = vec![
        json!({"id": "x", "type": 5}),
        json!({"id": 3, "type": "TaskSucceeded", "timestamp": "garbage"}),
        json!({"id": 2, "type": "TaskTimedOut", "taskTimedOutEventDetails": {}}),
        json!({"id": 1, "type": "ExecutionTimedOut", "timestamp": 1.7e9}),
        json!({"id": 4, "type": "MapIterationSucceeded", "mapIterationSucceededEventDetails": {"index": "z"}}),
        json!({"id": 5, "type": "ParallelStateFailed"}),
    ];
    let calls = vec![ApiCall {
        at_ms: u64::MAX,
        action: "SendTaskFailure".into(),
        token: String::new(),
        ok: true,
        error: Some("a;b#c".into()),
        participant: Some("execution".into()),
    }];
    let people = vec![Participant { id: String::new(), name: String::new(), kind: String::new() }];
    let l = layout_sequence(&history, &annotations(&calls, &people));
    assert!(sequence_svg(&l).contains("States.Timeout"));
    let m = sequence_mermaid(&history, &annotations(&calls, &people));
    assert!(m.contains("a#59;b#35;c"), "{m}");
}

/// Every definition of the conformance corpus lays out without overlapping boxes.
#[test]
fn conformance_definitions_lay_out_cleanly() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/cases");
    let Ok(entries) = std::fs::read_dir(&dir) else { return };
    let mut n = 0;
    let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        let Ok(text) = std::fs::read_to_string(&p) else { continue };
        let Ok(case) = serde_json::from_str::<Value>(&text) else { continue };
        let g = layout_graph(&case["definition"]);
        let contains = |a: &diagram::Node, b: &diagram::Node| {
            a.x <= b.x && a.y <= b.y && a.x + a.w >= b.x + b.w && a.y + a.h >= b.y + b.h
        };
        for (i, a) in g.nodes.iter().enumerate() {
            for b in &g.nodes[i + 1..] {
                if !contains(a, b) && !contains(b, a) {
                    assert!(
                        !common::overlap((a.x, a.y, a.w, a.h), (b.x, b.y, b.w, b.h)),
                        "{}: {} overlaps {}",
                        p.display(),
                        a.id,
                        b.id
                    );
                }
            }
        }
        n += 1;
    }
    assert!(n > 100, "{n} definitions");
}
