//! Mermaid `sequenceDiagram` text for an execution, from the same rows as the SVG.
//!
//! Mermaid frames must nest, so a frame that overlaps another without containing it (concurrent
//! Map iterations) is written as a note instead. Participant ids are generated (`p0`, `p1`, …).

use std::fmt::Write as _;

use serde_json::Value;

use super::script::{build, RowKind};
use super::time::duration;
use super::{Annotations, FrameKind, MessageKind};

/// The sequence diagram as Mermaid text. Never panics.
pub fn sequence_mermaid(history: &[Value], annotations: &Annotations) -> String {
    let sc = build(history, annotations);
    let mut out = String::from("sequenceDiagram\n");
    for (i, p) in sc.lifelines.iter().enumerate() {
        let word = if p.kind == "approver" { "actor" } else { "participant" };
        let _ = writeln!(out, "  {word} p{i} as {}", text(&p.name));
    }
    // Keep only frames that nest (stack discipline), in start order.
    let mut frames: Vec<(usize, usize, usize)> = Vec::new(); // (start, end, index)
    for (i, f) in sc.frames.iter().enumerate() {
        let end = f.end.unwrap_or(f.start);
        let nests = frames.iter().all(|&(s, e, _)| end < s || f.start > e || (f.start >= s && end <= e));
        if nests {
            frames.push((f.start, end, i));
        } else {
            frames.push((f.start, end, usize::MAX)); // placeholder: written as a note
        }
    }
    let last = sc.lifelines.len().saturating_sub(1);
    let mut prev_t: Option<i64> = None;
    for (r, row) in sc.rows.iter().enumerate() {
        if let (Some(t), Some(p)) = (row.t, prev_t) {
            if t - p > 60_000 {
                let _ = writeln!(out, "  Note over p0,p{last}: … {} later", duration((t - p) as u64));
            }
        }
        if row.t.is_some() {
            prev_t = row.t;
        }
        for (k, &(start, _, i)) in frames.iter().enumerate() {
            if start != r {
                continue;
            }
            let f = &sc.frames[if i == usize::MAX { k } else { i }];
            if i == usize::MAX {
                let _ = writeln!(out, "  Note over p0: {}", text(&f.label));
                continue;
            }
            let word = match f.kind {
                FrameKind::Parallel => "par",
                FrameKind::Retry => "critical",
                FrameKind::Map | FrameKind::Iteration => "loop",
            };
            let _ = writeln!(out, "  {word} {}", text(&f.label));
        }
        match &row.kind {
            RowKind::Msg { from, to, kind, label, .. } => {
                let l = text(label);
                let line = match kind {
                    MessageKind::Note => format!("  Note over p{from}: {l}"),
                    MessageKind::Call => format!("  p{from}->>p{to}: {l}"),
                    MessageKind::Return | MessageKind::ReturnError => format!("  p{from}-->>p{to}: {l}"),
                    MessageKind::Callback | MessageKind::Heartbeat => format!("  p{from}->>p{to}: {l}"),
                    MessageKind::Rejected => format!("  p{from}-xp{to}: {l}"),
                };
                out.push_str(&line);
                out.push('\n');
            }
            RowKind::Timeout { lifeline, label, .. } => {
                let _ = writeln!(out, "  Note over p{lifeline}: ✕ {}", text(label));
            }
        }
        for a in &sc.activations {
            if a.start == r {
                let _ = writeln!(out, "  activate p{}", a.lifeline);
            }
        }
        for a in &sc.activations {
            if a.end.unwrap_or(usize::MAX) == r || (a.end.is_none() && r + 1 == sc.rows.len()) {
                let _ = writeln!(out, "  deactivate p{}", a.lifeline);
            }
        }
        // Close frames ending here, innermost (latest started) first.
        for &(_, end, i) in frames.iter().rev() {
            if end == r && i != usize::MAX {
                out.push_str("  end\n");
            }
        }
    }
    out
}

/// Mermaid message text: no newlines, no `;` or `#` (statement separator / entity start).
fn text(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            ';' => out.push_str("#59;"),
            '#' => out.push_str("#35;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}
