//! Geometry of the sequence diagram.
//!
//! Rows go down in event order with fixed heights (by kind), so labels never collide however
//! dense the timing. Lifeline gaps grow until every message label fits between its two ends.
//! Frame headers and footers get their own vertical space, and idle gaps longer than a minute
//! get a break band with the real duration.

use super::script::{RowKind, Script};
use super::time::{duration, offset_label};
use super::{Activation, Frame, Lifeline, Mark, MarkKind, Message, MessageKind, SequenceLayout, Tick};
use crate::text::{bold_width, text_width};

const AXIS_W: f64 = 92.0;
const HEAD_Y: f64 = 12.0;
const HEAD_H: f64 = 44.0;
const MIN_GAP: f64 = 170.0;
const LABEL_FONT: f64 = 12.0;
const FRAME_HEAD: f64 = 26.0;
const FRAME_TAIL: f64 = 10.0;
const BREAK_H: f64 = 36.0;
/// Idle time after which the axis breaks instead of pretending rows are evenly spaced in time.
const BREAK_MS: i64 = 60_000;
const ACT_W: f64 = 10.0;
/// Each level of frame nesting insets a frame by 8 px on both sides, down to this depth.
const MAX_INSET_DEPTH: usize = 6;

pub(crate) fn label_w(s: &str) -> f64 {
    text_width(s, LABEL_FONT) + 14.0
}

fn head_w(name: &str, kind: &str) -> f64 {
    (bold_width(name, 12.0) + 28.0).max(text_width(kind, 10.0) + 28.0).max(100.0)
}

pub(crate) fn place(sc: &Script) -> SequenceLayout {
    let nl = sc.lifelines.len();
    let heads: Vec<f64> = sc.lifelines.iter().map(|p| head_w(&p.name, &p.kind)).collect();

    // Horizontal: gaps between neighbouring lifelines, widened for labels.
    let mut gaps: Vec<f64> =
        (0..nl.saturating_sub(1)).map(|i| MIN_GAP.max(heads[i] / 2.0 + heads[i + 1] / 2.0 + 24.0)).collect();
    let mut spans: Vec<(usize, usize, f64)> = Vec::new();
    for row in &sc.rows {
        match &row.kind {
            RowKind::Msg { from, to, label, kind, .. } if from != to && *kind != MessageKind::Note => {
                spans.push(((*from).min(*to), (*from).max(*to), label_w(label) + 40.0));
            }
            RowKind::Timeout { lifeline, label, .. } if lifeline + 1 < nl => {
                spans.push((*lifeline, lifeline + 1, label_w(label) + 40.0));
            }
            _ => {}
        }
    }
    sort::by_key(&mut spans, |&(lo, hi, _)| (hi - lo, lo));
    for (lo, hi, need) in spans {
        if hi > lo && hi - 1 < gaps.len() {
            let have: f64 = gaps[lo..hi].iter().sum();
            if have < need {
                gaps[hi - 1] += need - have;
            }
        }
    }
    let mut xs = Vec::with_capacity(nl);
    let mut x = AXIS_W + (heads.first().copied().unwrap_or(100.0) / 2.0).max(60.0) + 24.0;
    for i in 0..nl {
        xs.push(x);
        x += gaps.get(i).copied().unwrap_or(0.0);
    }

    // Frame depth: how many other frames enclose it (start no later, end no earlier). The
    // iterations of one Map are siblings, whatever the order they end in: they share a depth
    // rather than stepping inward once per sibling.
    let frames = &sc.frames;
    let last_row = sc.rows.len().saturating_sub(1);
    let depth: Vec<usize> = frames
        .iter()
        .enumerate()
        .map(|(i, f)| {
            frames
                .iter()
                .enumerate()
                .filter(|(j, g)| {
                    let siblings = f.map.is_some() && g.map == f.map;
                    *j != i
                        && !siblings
                        && (g.start < f.start || (g.start == f.start && *j < i))
                        && g.end.unwrap_or(last_row) >= f.end.unwrap_or(last_row)
                })
                .count()
        })
        .collect();

    // Vertical: walk the rows.
    let mut out = SequenceLayout::default();
    let mut y_of = vec![0.0; sc.rows.len()];
    let mut fy = vec![(0.0, 0.0); frames.len()];
    let mut cursor = HEAD_Y + HEAD_H + 18.0;
    let mut prev_t: Option<i64> = None;
    let mut last_label: Option<String> = None;
    for (r, row) in sc.rows.iter().enumerate() {
        if let (Some(t), Some(p)) = (row.t, prev_t) {
            if t - p > BREAK_MS {
                cursor += 4.0;
                out.axis.push(Tick {
                    y: cursor + BREAK_H / 2.0,
                    label: String::new(),
                    gap: Some(format!("… {} later", duration((t - p) as u64))),
                });
                cursor += BREAK_H;
            }
        }
        let mut starting: Vec<usize> = (0..frames.len()).filter(|&f| frames[f].start == r).collect();
        sort::positions_by_key(&mut starting, |f| (depth[f], f));
        for f in starting {
            fy[f].0 = cursor;
            cursor += FRAME_HEAD;
        }
        let (above, below) = match &row.kind {
            RowKind::Msg { kind: MessageKind::Note, .. } => (17.0, 17.0),
            RowKind::Msg { .. } => (26.0, 14.0),
            RowKind::Timeout { .. } => (18.0, 18.0),
        };
        let y = cursor + above;
        y_of[r] = y;
        cursor = y + below;
        let mut ending: Vec<usize> = (0..frames.len()).filter(|&f| frames[f].end == Some(r)).collect();
        sort::positions_by_key(&mut ending, |f| (std::cmp::Reverse(depth[f]), f));
        for f in ending {
            cursor += FRAME_TAIL;
            fy[f].1 = cursor;
        }
        if let Some(t) = row.t {
            let label = offset_label(t);
            if last_label.as_ref() != Some(&label) {
                out.axis.push(Tick { y, label: label.clone(), gap: None });
                last_label = Some(label);
            }
            prev_t = Some(t);
        }
    }
    let bottom = cursor + 20.0;

    // Activations: stacked when they overlap on one lifeline.
    let mut act_x = Vec::with_capacity(sc.activations.len());
    for (i, a) in sc.activations.iter().enumerate() {
        let level = sc.activations[..i]
            .iter()
            .filter(|b| b.lifeline == a.lifeline && b.end.is_none_or(|e| e >= a.start))
            .count()
            .min(6);
        let lx = xs.get(a.lifeline).copied().unwrap_or(0.0);
        act_x.push(lx - ACT_W / 2.0 + level as f64 * 6.0);
        let y1 = y_of.get(a.start).copied().unwrap_or(0.0);
        let y2 = match a.end.and_then(|e| y_of.get(e)) {
            Some(y) => *y,
            None => bottom - 10.0,
        };
        out.activations.push(Activation {
            lifeline: a.lifeline,
            x: act_x[i],
            y1,
            y2: y2.max(y1 + 6.0),
            outcome: a.outcome,
            token: a.token.clone(),
        });
    }
    // Where an arrow meets lifeline `l` at row `r`: the edge of an active bar facing `toward`.
    let port = |l: usize, r: usize, toward: f64| -> f64 {
        let lx = xs.get(l).copied().unwrap_or(0.0);
        let bar = sc
            .activations
            .iter()
            .enumerate()
            .filter(|(_, a)| a.lifeline == l && a.start <= r && a.end.is_none_or(|e| e >= r))
            .map(|(i, _)| act_x[i])
            .next_back();
        match bar {
            Some(bx) if toward < lx => bx,
            Some(bx) => bx + ACT_W,
            None => lx,
        }
    };

    let mut right_edge: f64 =
        xs.last().copied().unwrap_or(0.0) + heads.last().copied().unwrap_or(100.0) / 2.0;
    let mut row_right = vec![0.0f64; sc.rows.len()];
    for (r, row) in sc.rows.iter().enumerate() {
        let y = y_of[r];
        match &row.kind {
            RowKind::Msg { from, to, kind, label, title, tone } => {
                let (fx, tx) = (xs.get(*from).copied().unwrap_or(0.0), xs.get(*to).copied().unwrap_or(0.0));
                let lw = label_w(label);
                if *kind == MessageKind::Note {
                    let left = (fx - lw / 2.0).max(AXIS_W + 8.0);
                    row_right[r] = left + lw;
                    out.messages.push(Message {
                        row: r,
                        from: *from,
                        to: *to,
                        kind: *kind,
                        label: label.clone(),
                        title: title.clone(),
                        tone: tone.to_string(),
                        x1: left + lw / 2.0,
                        x2: left + lw / 2.0,
                        y,
                        label_box: (left, y - 11.0, lw, 22.0),
                        event: row.event,
                    });
                } else {
                    let x1 = port(*from, r, tx);
                    let x2 = port(*to, r, fx);
                    let cx = (x1 + x2) / 2.0;
                    row_right[r] = fx.max(tx);
                    out.messages.push(Message {
                        row: r,
                        from: *from,
                        to: *to,
                        kind: *kind,
                        label: label.clone(),
                        title: title.clone(),
                        tone: tone.to_string(),
                        x1,
                        x2,
                        y,
                        label_box: (cx - lw / 2.0, y - 22.0, lw, 16.0),
                        event: row.event,
                    });
                }
            }
            RowKind::Timeout { lifeline, label, title } => {
                let lx = xs.get(*lifeline).copied().unwrap_or(0.0);
                let lw = label_w(label);
                row_right[r] = lx + 14.0 + lw;
                right_edge = right_edge.max(row_right[r] + 8.0);
                out.marks.push(Mark {
                    kind: MarkKind::Timeout,
                    lifeline: *lifeline,
                    x: lx,
                    y,
                    label: label.clone(),
                    title: title.clone(),
                    label_box: (lx + 14.0, y - 9.0, lw, 18.0),
                    event: row.event,
                });
            }
        }
    }
    for &(l, r) in &sc.heartbeats {
        let x = port(l, r, f64::INFINITY) - ACT_W / 2.0;
        let y = y_of.get(r).copied().unwrap_or(0.0);
        out.marks.push(Mark {
            kind: MarkKind::Heartbeat,
            lifeline: l,
            x,
            y,
            label: "heartbeat".into(),
            title: "SendTaskHeartbeat accepted: heartbeat clock reset".into(),
            label_box: (x, y, 0.0, 0.0),
            event: None,
        });
    }
    for (i, f) in frames.iter().enumerate() {
        let end = f.end.unwrap_or(f.start);
        let inner_right = (f.start..=end.min(sc.rows.len().saturating_sub(1)))
            .filter_map(|r| row_right.get(r))
            .fold(xs.first().copied().unwrap_or(0.0) + 150.0, |a, &b| a.max(b));
        // Deeper frames share the innermost inset, so that no nest turns a frame inside out.
        let d = depth[i].min(MAX_INSET_DEPTH) as f64;
        let x2 = inner_right + 40.0 - d * 8.0;
        right_edge = right_edge.max(x2 + 8.0);
        out.frames.push(Frame {
            kind: f.kind,
            label: f.label.clone(),
            depth: depth[i],
            x1: AXIS_W + 4.0 + d * 8.0,
            y1: fy[i].0,
            x2,
            y2: fy[i].1.max(fy[i].0 + FRAME_HEAD),
        });
    }
    for (i, p) in sc.lifelines.iter().enumerate() {
        out.lifelines.push(Lifeline {
            id: p.id.clone(),
            name: p.name.clone(),
            kind: p.kind.clone(),
            x: xs[i],
            head_w: heads[i],
            top: HEAD_Y + HEAD_H,
            bottom,
        });
    }
    out.width = (right_edge + 24.0).ceil();
    out.height = (bottom + 12.0).ceil();
    out
}
