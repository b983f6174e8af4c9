//! Workflow graph: layout snapshots, Mermaid snapshots and SVG content checks.

mod common;

use common::{fixture, overlap};
use diagram::{graph_mermaid, graph_svg, layout_graph, EdgeKind, GraphLayout, Marks, NodeKind, StateMark};

const FIXTURES: [&str; 6] = ["linear", "choice_loop", "catch_retry", "parallel", "map", "human_approval"];

fn layout(name: &str) -> GraphLayout {
    layout_graph(&fixture(&format!("graph/{name}.json")))
}

#[test]
fn layout_snapshots() {
    for name in FIXTURES {
        insta::assert_snapshot!(format!("layout_{name}"), layout(name).to_text());
    }
}

#[test]
fn mermaid_snapshots() {
    for name in FIXTURES {
        insta::assert_snapshot!(
            format!("mermaid_{name}"),
            graph_mermaid(&fixture(&format!("graph/{name}.json")))
        );
    }
}

#[test]
fn human_approval_svg_snapshot() {
    let mut marks = Marks::new();
    marks.set("Request approval", StateMark::Current);
    insta::assert_snapshot!(graph_svg(&layout("human_approval"), &marks));
}

/// No two boxes overlap unless one contains the other (a container and its states).
pub fn assert_no_node_overlap(g: &GraphLayout, what: &str) {
    let contains = |a: &diagram::Node, b: &diagram::Node| {
        a.x <= b.x && a.y <= b.y && a.x + a.w >= b.x + b.w && a.y + a.h >= b.y + b.h
    };
    for (i, a) in g.nodes.iter().enumerate() {
        for b in &g.nodes[i + 1..] {
            if contains(a, b) || contains(b, a) {
                continue;
            }
            assert!(
                !overlap((a.x, a.y, a.w, a.h), (b.x, b.y, b.w, b.h)),
                "{what}: {} overlaps {}",
                a.id,
                b.id
            );
        }
        assert!(
            a.x >= 0.0 && a.y >= 0.0 && a.x + a.w <= g.width && a.y + a.h <= g.height,
            "{what}: {} outside",
            a.id
        );
    }
}

#[test]
fn fixtures_have_no_overlapping_boxes_or_labels() {
    for name in FIXTURES {
        let g = layout(name);
        assert_no_node_overlap(&g, name);
        let labels: Vec<(f64, f64, f64, f64)> = g
            .edges
            .iter()
            .filter_map(|e| e.label_at.map(|(x, y)| (x - e.label_w / 2.0, y - 8.0, e.label_w, 16.0)))
            .collect();
        for (i, a) in labels.iter().enumerate() {
            for b in &labels[i + 1..] {
                assert!(!overlap(*a, *b), "{name}: labels overlap {a:?} {b:?}");
            }
            for n in g.nodes.iter().filter(|n| !n.is_container) {
                assert!(!overlap(*a, (n.x, n.y, n.w, n.h)), "{name}: label {a:?} over {}", n.id);
            }
        }
    }
}

#[test]
fn human_approval_semantics() {
    let g = layout("human_approval");
    let task = g.node("Request approval").expect("task node");
    assert!(task.waits_for_token && task.is_start);
    assert_eq!(task.subtitle, "lambda:invoke");
    let catch = g.edges.iter().find(|e| e.kind == EdgeKind::Catch).expect("catch edge");
    assert_eq!((catch.to.as_str(), catch.label.as_deref()), ("ApprovalTimedOut", Some("States.Timeout")));
    let choice = g.edges.iter().find(|e| e.kind == EdgeKind::Choice).expect("choice edge");
    assert_eq!(choice.label.as_deref(), Some("$.answer == \"approve\""));
    for end in ["Approved", "Rejected", "ApprovalTimedOut"] {
        assert!(g.node(end).is_some_and(|n| n.is_end), "{end} is terminal");
    }
    // Layers go down: Start above the task, the task above the Choice.
    let y = |id: &str| g.node(id).map(|n| n.y).unwrap_or(f64::NAN);
    assert!(y("<start>") < y("Request approval") && y("Request approval") < y("Approved?"));
}

#[test]
fn choice_loop_is_a_back_edge_routed_on_the_right() {
    let g = layout("choice_loop");
    let back: Vec<_> = g.edges.iter().filter(|e| e.back).collect();
    assert_eq!(back.len(), 1);
    assert_eq!((back[0].from.as_str(), back[0].to.as_str()), ("Job complete?", "Wait 30s"));
    let src = g.node("Job complete?").expect("choice");
    assert!(back[0].points.iter().skip(1).take(2).all(|p| p.0 > src.x + src.w));
}

#[test]
fn retry_is_a_labelled_self_loop() {
    let g = layout("catch_retry");
    let r = g.edges.iter().find(|e| e.kind == EdgeKind::Retry).expect("retry");
    assert_eq!(
        (r.from.as_str(), r.to.as_str(), r.label.as_deref()),
        ("Call API", "Call API", Some("retry ×5"))
    );
    let svg = graph_svg(&g, &Marks::new());
    assert!(svg.contains("class=\"edge retry\"") && svg.contains("retry ×5"));
    assert!(svg.contains("class=\"edge catch\""));
}

#[test]
fn containers_nest_their_branches() {
    let g = layout("parallel");
    let par = g.node("Fan out").expect("parallel");
    assert!(par.is_container);
    assert_eq!(g.groups.iter().filter(|gr| gr.owner == "Fan out").count(), 2);
    let inner = g.node("Fan out/2/Enqueue work").expect("branch state");
    assert!(inner.waits_for_token && inner.depth == 1);
    assert!(inner.x > par.x && inner.y > par.y && inner.x + inner.w < par.x + par.w);
    let m = layout("map");
    assert_eq!(m.groups.iter().map(|g| g.label.as_str()).collect::<Vec<_>>(), ["Item processor"]);
}

#[test]
fn svg_is_accessible_and_themeable() {
    let g = layout("human_approval");
    let mut marks = Marks::new();
    marks.set("Request approval", StateMark::Current).set("Approved?", StateMark::Visited);
    let svg = graph_svg(&g, &marks);
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(
        svg.contains("role=\"group\"")
            && svg.contains("aria-label=\"Workflow graph\"")
            && svg.contains("<title>")
    );
    assert!(svg.contains("class=\"state task waits-for-token current\" data-state=\"Request approval\""));
    assert!(svg.contains("class=\"state choice visited\" data-state=\"Approved?\""));
    assert!(svg.contains("waits for token"));
    // Every state is a button reachable by keyboard, named by its title.
    assert!(svg.contains(
        "data-state=\"Approved?\" tabindex=\"0\" role=\"button\" aria-label=\"Approved? — Choice · visited\""
    ));
    assert!(svg.contains("var(--node-bg,#fff)"));
    assert!(!svg.contains("id=\""), "no document-wide ids");
}

#[test]
fn dangling_targets_are_drawn_as_missing_nodes() {
    let def = serde_json::json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Typo"}}});
    let g = layout_graph(&def);
    let missing = g.nodes.iter().find(|n| n.kind == NodeKind::Missing).expect("missing node");
    assert_eq!(missing.name, "Typo");
    assert!(g.edges.iter().any(|e| e.from == "A" && e.to == missing.id));
    let svg = graph_svg(&g, &Marks::new());
    assert!(svg.contains("state missing"));
}

#[test]
fn layout_is_deterministic() {
    for name in FIXTURES {
        assert_eq!(layout(name), layout(name));
    }
}
