//! The sequence diagram of one execution: who handed a task token to whom, and what came back.
//!
//! Pipeline: [`script`] folds the AWS event history and the callback API calls into rows (notes,
//! messages, timeouts) plus activations and frames; [`place`] gives every row a y (by order, not
//! by time, so 200 messages stay readable) and every lifeline an x; [`svg`] and [`mermaid`] render.
//! Times are shown on a left axis, relative to `ExecutionStarted`; long idle gaps are compressed
//! into a break mark that prints the real gap ("… 3 h later").

mod mermaid;
mod place;
pub(crate) mod script;
mod svg;
pub(crate) mod time;

use std::fmt::Write as _;

pub use mermaid::sequence_mermaid;
pub use script::short_token;
pub use svg::{sequence_svg, sequence_svg_heads, sequence_svg_rows_window, sequence_svg_window};

/// What the host knows beyond the history: the calls it made, the participants it simulated and
/// the token each callback hand-off issued. A history imported from AWS comes with none of these.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Annotations {
    pub calls: Vec<ApiCall>,
    /// Known participants; the rest are derived from the history.
    pub participants: Vec<Participant>,
    /// `(TaskScheduled event id, token)`. Without an entry, the token is looked for in the task's
    /// parameters, where the definition put it.
    pub tokens: Vec<(i64, String)>,
}

/// A callback API call made against a task token (or a StopExecution), as recorded by the app.
///
/// `at_ms` is on the same clock as the history: either epoch milliseconds (like the timestamps),
/// or — when smaller than the year-2000 epoch value — milliseconds since `ExecutionStarted`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiCall {
    pub at_ms: u64,
    /// `SendTaskSuccess`, `SendTaskFailure`, `SendTaskHeartbeat` or `StopExecution`.
    pub action: String,
    pub token: String,
    /// False when Step Functions rejected the call.
    pub ok: bool,
    /// The rejection (`TaskTimedOut`, `TaskDoesNotExist`, `InvalidToken`), or the error passed
    /// to SendTaskFailure.
    pub error: Option<String>,
    /// Id (or name) of the participant that made the call, if known; otherwise it is attributed
    /// to whoever holds the token.
    pub participant: Option<String>,
}

/// A lifeline other than the execution: a queue, a Lambda, a topic, an approver, an activity…
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    /// Stable id. Derived ids look like `queue:orders`, `lambda:email-approver`, `topic:alerts`,
    /// `activity:review`, `service:dynamodb`; supplied participants with the same id (or name)
    /// take the place of the derived one.
    pub id: String,
    pub name: String,
    /// "queue", "lambda", "topic", "approver", "activity", "service".
    pub kind: String,
}

/// A vertical line: the execution (always first) or a participant.
#[derive(Debug, Clone, PartialEq)]
pub struct Lifeline {
    pub id: String,
    pub name: String,
    /// "execution" for the execution itself, else the participant kind.
    pub kind: String,
    /// Centre x of the line and of its header box.
    pub x: f64,
    /// Header box width.
    pub head_w: f64,
    /// Top of the line (bottom of the header box) and its end.
    pub top: f64,
    pub bottom: f64,
}

/// How a message is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    /// Execution → integration: a task hand-off (TaskScheduled, ActivityScheduled…).
    Call,
    /// Integration → execution, dashed: the immediate response (TaskSubmitted, a result).
    Return,
    /// A failure response from the integration (TaskFailed of a request/response task).
    ReturnError,
    /// Participant → execution: SendTaskSuccess / SendTaskFailure / StopExecution.
    Callback,
    /// Participant → execution: SendTaskHeartbeat.
    Heartbeat,
    /// A call Step Functions refused (e.g. `TaskTimedOut` after the timeout fired).
    Rejected,
    /// A box on the execution's lifeline: state entered, execution started / ended.
    Note,
}

impl MessageKind {
    pub fn class(self) -> &'static str {
        match self {
            MessageKind::Call => "call",
            MessageKind::Return => "return",
            MessageKind::ReturnError => "return error",
            MessageKind::Callback => "callback",
            MessageKind::Heartbeat => "heartbeat",
            MessageKind::Rejected => "rejected",
            MessageKind::Note => "note",
        }
    }
}

/// One row: an arrow between lifelines, or a note on one lifeline (`from == to`).
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// Row index (vertical order).
    pub row: usize,
    /// Lifeline indexes.
    pub from: usize,
    pub to: usize,
    pub kind: MessageKind,
    pub label: String,
    /// Hover text: full token, payload summary, event id.
    pub title: String,
    /// Extra CSS classes: "start", "state", "ok", "fail" for notes; "fail" for a SendTaskFailure;
    /// "inferred" for a callback shown from the history alone (the app did not record the call).
    pub tone: String,
    /// Arrow ends (equal for a note: its centre).
    pub x1: f64,
    pub x2: f64,
    pub y: f64,
    /// Label box (left, top, width, height), for rendering the background and overlap checks.
    pub label_box: (f64, f64, f64, f64),
    /// The id of the history event this row shows (`data-event` in the SVG), if it shows one.
    pub event: Option<i64>,
}

/// What ended an activation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Succeeded,
    Failed,
    TimedOut,
    Aborted,
    /// Still running when the history ends.
    Open,
}

/// A participant's bar from the hand-off to the close of the task.
#[derive(Debug, Clone, PartialEq)]
pub struct Activation {
    pub lifeline: usize,
    pub x: f64,
    pub y1: f64,
    pub y2: f64,
    pub outcome: Outcome,
    /// Task token held meanwhile, if known.
    pub token: Option<String>,
}

/// What a frame groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameKind {
    /// A second or later attempt of a task (after Retry).
    Retry,
    Parallel,
    Map,
    /// One Map iteration.
    Iteration,
}

impl FrameKind {
    pub fn class(self) -> &'static str {
        match self {
            FrameKind::Retry => "retry",
            FrameKind::Parallel => "parallel",
            FrameKind::Map => "map",
            FrameKind::Iteration => "iteration",
        }
    }
}

/// A labelled box around rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    pub kind: FrameKind,
    pub label: String,
    pub depth: usize,
    pub x1: f64,
    pub y1: f64,
    pub x2: f64,
    pub y2: f64,
}

/// Small glyphs on a lifeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkKind {
    /// A SendTaskHeartbeat that reset the heartbeat clock.
    Heartbeat,
    /// A timeout: drawn as a cross with the text "States.Timeout".
    Timeout,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    pub kind: MarkKind,
    pub lifeline: usize,
    pub x: f64,
    pub y: f64,
    pub label: String,
    /// Hover text.
    pub title: String,
    /// Label box (left, top, width, height); zero-sized when there is no label.
    pub label_box: (f64, f64, f64, f64),
    /// The id of the history event this mark shows (`data-event` in the SVG), if any.
    pub event: Option<i64>,
}

/// A time label on the left axis; `gap` is set on a compressed idle break ("… 3 h later").
#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    pub y: f64,
    pub label: String,
    pub gap: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct SequenceLayout {
    pub width: f64,
    pub height: f64,
    pub lifelines: Vec<Lifeline>,
    pub messages: Vec<Message>,
    pub activations: Vec<Activation>,
    pub frames: Vec<Frame>,
    pub marks: Vec<Mark>,
    pub axis: Vec<Tick>,
}

/// Lay out the sequence diagram of an execution from its AWS-shaped history (`GetExecutionHistory`
/// events) and what the host knows beyond it (see [`Annotations`]). Never panics; events it does not know are skipped.
pub fn layout_sequence(history: &[serde_json::Value], annotations: &Annotations) -> SequenceLayout {
    let script = script::build(history, annotations);
    place::place(script)
}

impl SequenceLayout {
    /// The height of the band that holds the lifeline heads: past the top of the lifelines, short
    /// of the first row.
    pub fn heads_height(&self) -> f64 {
        self.lifelines.first().map_or(0.0, |l| l.top) + 10.0
    }

    /// A compact, stable text dump (integer coordinates) for snapshot tests and debugging.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "size {}x{}", r(self.width), r(self.height));
        for (i, l) in self.lifelines.iter().enumerate() {
            let _ = writeln!(s, "lifeline {i} {} {:?} ({}) x={}", l.id, l.name, l.kind, r(l.x));
        }
        for m in &self.messages {
            let arrow =
                if m.from == m.to { format!("note@{}", m.from) } else { format!("{}->{}", m.from, m.to) };
            let _ = writeln!(s, "row {} y={} {} {} {:?}", m.row, r(m.y), m.kind.class(), arrow, m.label);
        }
        for a in &self.activations {
            let _ = writeln!(
                s,
                "activation @{} y={}..{} {:?}{}",
                a.lifeline,
                r(a.y1),
                r(a.y2),
                a.outcome,
                a.token.as_ref().map(|t| format!(" token={t}")).unwrap_or_default()
            );
        }
        for f in &self.frames {
            let _ =
                writeln!(s, "frame {} {:?} d{} y={}..{}", f.kind.class(), f.label, f.depth, r(f.y1), r(f.y2));
        }
        for m in &self.marks {
            let _ = writeln!(s, "mark {:?} @{} y={} {:?}", m.kind, m.lifeline, r(m.y), m.label);
        }
        for t in &self.axis {
            let _ = writeln!(
                s,
                "tick y={} {}{}",
                r(t.y),
                t.label,
                t.gap.as_ref().map(|g| format!(" gap {g:?}")).unwrap_or_default()
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
