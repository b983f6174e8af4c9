//! Diagrams for Baton: pure layout of a state machine's workflow graph and of an execution's
//! sequence diagram, rendered to self-contained, accessible SVG and to Mermaid text.
//!
//! Inputs are plain `serde_json` values (a definition; AWS-shaped history events), not the `asl`
//! crate's types, so the diagrams stay decoupled from the engine and can draw definitions that do
//! not validate yet. Layout is deterministic and never panics, whatever the JSON: the editor shows
//! a graph while the author is mid-keystroke.
//!
//! * [`layout_graph`] → [`GraphLayout`] → [`graph_svg`] (with [`Marks`] from a running execution);
//!   [`graph_mermaid`] for text.
//! * [`layout_sequence`] → [`SequenceLayout`] → [`sequence_svg`]; [`sequence_mermaid`] for text.
//! * [`read_history`] → [`History`] → [`Story`]: an execution that ran on AWS, read from
//!   `get-execution-history` output and folded into what happened (a summary for a terminal, the
//!   graph's marks); [`marks_of_history`] for the marks of any history.
#![forbid(unsafe_code)]

mod draw;
pub mod graph;
pub mod history;
pub mod sequence;
mod text;

pub use graph::{
    graph_mermaid, graph_svg, layout_graph, Edge, EdgeKind, GraphLayout, Group, Marks, Node, NodeKind,
    StateMark,
};

pub use history::{marks_of_history, read_history, History, Problem, Story};

pub use sequence::{
    layout_sequence, sequence_mermaid, sequence_svg, sequence_svg_heads, sequence_svg_rows_window,
    sequence_svg_window, short_token, Activation, Annotations, ApiCall, Frame, FrameKind, Lifeline, Mark,
    MarkKind, Message, MessageKind, Outcome, Participant, SequenceLayout, Tick,
};
