//! The workflow graph of a state machine definition: layout, SVG and Mermaid.
//!
//! Pipeline: [`extract`] reads the definition JSON into scopes of states and transitions,
//! [`rank`] assigns layers and orders each layer, [`place`] turns that into coordinates and edge
//! routes (recursively for Parallel branches and Map processors), and [`svg`] / [`mermaid`] render.
//! Nothing here panics on odd input: what cannot be understood is drawn as far as it goes.

mod extract;
mod mermaid;
mod place;
mod rank;
mod svg;

use std::collections::BTreeMap;
use std::fmt::Write as _;

pub use mermaid::graph_mermaid;
pub use svg::graph_svg;

/// How the app marks a state while an execution runs. Several states can be marked at once
/// (a Parallel has one current state per branch).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StateMark {
    /// The execution passed through this state.
    Visited,
    /// The execution is in this state now (for a callback task: waiting for its token).
    Current,
    /// The state failed and the failure was not caught.
    Failed,
    /// The state failed and a Catch handled it.
    Caught,
}

impl StateMark {
    /// CSS class added to the state's group in the SVG.
    pub fn class(self) -> &'static str {
        match self {
            StateMark::Visited => "visited",
            StateMark::Current => "current",
            StateMark::Failed => "failed",
            StateMark::Caught => "caught",
        }
    }
}

/// Marks per state name. Kept in a `BTreeMap` so rendering is deterministic.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Marks {
    states: BTreeMap<String, StateMark>,
}

impl Marks {
    /// No marks: the plain definition view.
    pub fn new() -> Self {
        Self::default()
    }

    /// Mark `state` (replacing an earlier mark).
    pub fn set(&mut self, state: impl Into<String>, mark: StateMark) -> &mut Self {
        self.states.insert(state.into(), mark);
        self
    }

    /// Remove the mark of `state`.
    pub fn clear(&mut self, state: &str) {
        self.states.remove(state);
    }

    /// The mark of `state`, if any.
    pub fn get(&self, state: &str) -> Option<StateMark> {
        self.states.get(state).copied()
    }
}

impl<S: Into<String>> FromIterator<(S, StateMark)> for Marks {
    fn from_iter<I: IntoIterator<Item = (S, StateMark)>>(iter: I) -> Self {
        Marks { states: iter.into_iter().map(|(k, v)| (k.into(), v)).collect() }
    }
}

/// What a node stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    /// The "Start" pill above the top-level `StartAt` state.
    Start,
    /// The "End" pill below the top-level terminal states.
    End,
    /// A state of the definition.
    State,
    /// A transition target that does not exist in its scope (a typo while editing). Drawn so the
    /// author sees the dangling `Next` instead of an edge into nothing.
    Missing,
}

/// One box of the graph. Coordinates are absolute, top-left origin, in px.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Unique id: the state name at top level, `Outer/branch/Inner` inside containers.
    pub id: String,
    /// The state name (what `data-state` carries).
    pub name: String,
    pub kind: NodeKind,
    /// The ASL `Type` ("Task", "Choice", …); empty for Start/End/Missing or when absent.
    pub state_type: String,
    /// Second line: integration for Task ("lambda:invoke", "sqs:sendMessage", "activity: Name"),
    /// or a short description of other types ("Wait 10 s").
    pub subtitle: String,
    /// Task whose Resource ends in `.waitForTaskToken`, or an activity: it pauses for a token.
    pub waits_for_token: bool,
    /// Entry state of its scope (top level or a branch).
    pub is_start: bool,
    /// Terminal state: `End: true`, Succeed or Fail.
    pub is_end: bool,
    /// Parallel or Map drawn as a container around its groups.
    pub is_container: bool,
    /// Nesting depth: 0 at top level.
    pub depth: usize,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

/// Why an edge exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeKind {
    Next,
    Default,
    Choice,
    Catch,
    Retry,
}

impl EdgeKind {
    /// CSS class / short name.
    pub fn class(self) -> &'static str {
        match self {
            EdgeKind::Next => "next",
            EdgeKind::Default => "default",
            EdgeKind::Choice => "choice",
            EdgeKind::Catch => "catch",
            EdgeKind::Retry => "retry",
        }
    }
}

/// A routed transition. `points` is an orthogonal polyline from the source to the target; the
/// arrowhead sits at the last point.
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    /// Node id of the source.
    pub from: String,
    /// Node id of the target.
    pub to: String,
    pub kind: EdgeKind,
    /// Short label drawn on the edge (Choice rule, Catch errors, "retry ×N").
    pub label: Option<String>,
    /// Longer text for hover (full rule, retry policy).
    pub detail: Option<String>,
    /// Goes back up the graph (a loop); routed around the right side.
    pub back: bool,
    pub points: Vec<(f64, f64)>,
    /// Centre of the label, when there is one.
    pub label_at: Option<(f64, f64)>,
    /// Estimated label box width, for overlap checks and the label background.
    pub label_w: f64,
}

/// The dashed box of one Parallel branch or a Map item processor, inside its container node.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// Node id of the container state.
    pub owner: String,
    /// "Branch 1", "Item processor", "Iterator".
    pub label: String,
    pub depth: usize,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

/// The laid-out graph. Nodes are sorted so containers come before what they contain.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GraphLayout {
    pub width: f64,
    pub height: f64,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    pub groups: Vec<Group>,
}

/// Lay out the workflow graph of `definition` (a state machine JSON value). Never panics: a
/// missing `States`, a `StartAt` or `Next` naming nothing, wrong field types — all produce a
/// drawing of whatever is there.
pub fn layout_graph(definition: &serde_json::Value) -> GraphLayout {
    let scope = extract::top_scope(definition);
    place::layout(&scope)
}

impl GraphLayout {
    /// The node with this id.
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id == id)
    }

    /// A compact, stable text dump (integer coordinates) for snapshot tests and debugging.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "size {}x{}", r(self.width), r(self.height));
        for g in &self.groups {
            let _ = writeln!(
                s,
                "group {:?} in {} d{} @{},{} {}x{}",
                g.label,
                g.owner,
                g.depth,
                r(g.x),
                r(g.y),
                r(g.w),
                r(g.h)
            );
        }
        for n in &self.nodes {
            let mut flags = Vec::new();
            if n.is_start {
                flags.push("start");
            }
            if n.is_end {
                flags.push("end");
            }
            if n.waits_for_token {
                flags.push("token");
            }
            if n.is_container {
                flags.push("container");
            }
            let kind = match n.kind {
                NodeKind::State => n.state_type.as_str(),
                NodeKind::Start => "<start>",
                NodeKind::End => "<end>",
                NodeKind::Missing => "<missing>",
            };
            let _ = writeln!(
                s,
                "node {} [{}] {:?} {} d{} @{},{} {}x{}",
                n.id,
                kind,
                n.subtitle,
                flags.join(","),
                n.depth,
                r(n.x),
                r(n.y),
                r(n.w),
                r(n.h)
            );
        }
        for e in &self.edges {
            let pts: Vec<String> = e.points.iter().map(|(x, y)| format!("{},{}", r(*x), r(*y))).collect();
            let _ = writeln!(
                s,
                "edge {} -> {} {}{}{} [{}]",
                e.from,
                e.to,
                e.kind.class(),
                if e.back { " back" } else { "" },
                e.label.as_ref().map(|l| format!(" {l:?}")).unwrap_or_default(),
                pts.join(" ")
            );
        }
        s
    }
}

fn r(v: f64) -> i64 {
    if v.is_finite() {
        v.round() as i64
    } else {
        0
    }
}
