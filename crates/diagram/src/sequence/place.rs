//! Geometry of the sequence diagram.
//!
//! Rows go down in event order with fixed heights (by kind), so labels never collide however
//! dense the timing. Lifeline gaps grow until every message label fits between its two ends.
//! Frame headers and footers get their own vertical space, and idle gaps longer than a minute
//! get a break band with the real duration.

use super::script::{Act, RowKind, Script, Span};
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

/// Takes the script by value, to move its labels into the layout rather than copy them.
pub(crate) fn place(sc: Script) -> SequenceLayout {
    let nl = sc.lifelines.len();
    let heads: Vec<f64> = sc.lifelines.iter().map(|p| head_w(&p.name, &p.kind)).collect();
    // Label widths, measured once.
    let label_ws: Vec<f64> = sc
        .rows
        .iter()
        .map(|row| match &row.kind {
            RowKind::Msg { label, .. } | RowKind::Timeout { label, .. } => label_w(label),
        })
        .collect();

    // Horizontal: gaps between neighbouring lifelines, widened for labels.
    let mut gaps: Vec<f64> =
        (0..nl.saturating_sub(1)).map(|i| MIN_GAP.max(heads[i] / 2.0 + heads[i + 1] / 2.0 + 24.0)).collect();
    let mut spans: Vec<(usize, usize, f64)> = Vec::new();
    for (row, lw) in sc.rows.iter().zip(&label_ws) {
        match &row.kind {
            RowKind::Msg { from, to, kind, .. } if from != to && *kind != MessageKind::Note => {
                spans.push(((*from).min(*to), (*from).max(*to), lw + 40.0));
            }
            RowKind::Timeout { lifeline, .. } if lifeline + 1 < nl => {
                spans.push((*lifeline, lifeline + 1, lw + 40.0));
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

    let frames = &sc.frames;
    let depth = depths(frames, sc.rows.len().saturating_sub(1));

    // Vertical: walk the rows. Frames open and close in the order given by their rows, so sort
    // them once by (row, drawing order) and take them off as the walk reaches their row.
    let mut by_start: Vec<usize> = (0..frames.len()).collect();
    sort::positions_by_key(&mut by_start, |f| (frames[f].start, depth[f], f));
    let mut by_start = by_start.into_iter().peekable();
    let mut by_end: Vec<usize> = (0..frames.len()).filter(|&f| frames[f].end.is_some()).collect();
    sort::positions_by_key(&mut by_end, |f| (frames[f].end, std::cmp::Reverse(depth[f]), f));
    let mut by_end = by_end.into_iter().peekable();
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
        while let Some(f) = by_start.next_if(|&f| frames[f].start == r) {
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
        while let Some(f) = by_end.next_if(|&f| frames[f].end == Some(r)) {
            cursor += FRAME_TAIL;
            fy[f].1 = cursor;
        }
        // A row at the time of the previous one would repeat its label.
        if let Some(t) = row.t.filter(|&t| prev_t != Some(t)) {
            let label = offset_label(t);
            if last_label.as_ref() != Some(&label) {
                out.axis.push(Tick { y, label: label.clone(), gap: None });
                last_label = Some(label);
            }
            prev_t = Some(t);
        }
    }
    let bottom = cursor + 20.0;

    // Activations: stacked when they overlap on one lifeline. They start in row order (the script
    // opens each at the row it emits), so one that ends before this one starts ends before every
    // later one too, and only those still open need counting.
    let acts = &sc.activations;
    let mut act_x = Vec::with_capacity(acts.len());
    let mut live: Vec<usize> = Vec::new();
    for (i, a) in acts.iter().enumerate() {
        live.retain(|&b| acts[b].end.is_none_or(|e| e >= a.start));
        let level = live.iter().filter(|&&b| acts[b].lifeline == a.lifeline).count().min(6);
        live.push(i);
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
    // Where an arrow meets lifeline `l` at a row where the bars `open` are active: the edge of the
    // latest bar on `l` facing `toward`.
    let port = |open: &[usize], l: usize, toward: f64| -> f64 {
        let lx = xs.get(l).copied().unwrap_or(0.0);
        match open.iter().rev().find(|&&i| acts[i].lifeline == l).map(|&i| act_x[i]) {
            Some(bx) if toward < lx => bx,
            Some(bx) => bx + ACT_W,
            None => lx,
        }
    };

    let mut right_edge: f64 =
        xs.last().copied().unwrap_or(0.0) + heads.last().copied().unwrap_or(100.0) / 2.0;
    let mut row_right = vec![0.0f64; sc.rows.len()];
    let mut bars = Bars::new(acts);
    out.messages.reserve(sc.rows.len());
    for (r, (row, lw)) in sc.rows.into_iter().zip(label_ws).enumerate() {
        let y = y_of[r];
        match row.kind {
            RowKind::Msg { from, to, kind, label, title, tone } => {
                let (fx, tx) = (xs.get(from).copied().unwrap_or(0.0), xs.get(to).copied().unwrap_or(0.0));
                if kind == MessageKind::Note {
                    let left = (fx - lw / 2.0).max(AXIS_W + 8.0);
                    row_right[r] = left + lw;
                    out.messages.push(Message {
                        row: r,
                        from,
                        to,
                        kind,
                        label,
                        title,
                        tone: tone.to_string(),
                        x1: left + lw / 2.0,
                        x2: left + lw / 2.0,
                        y,
                        label_box: (left, y - 11.0, lw, 22.0),
                        event: row.event,
                    });
                } else {
                    let open = bars.at(r);
                    let x1 = port(open, from, tx);
                    let x2 = port(open, to, fx);
                    let cx = (x1 + x2) / 2.0;
                    row_right[r] = fx.max(tx);
                    out.messages.push(Message {
                        row: r,
                        from,
                        to,
                        kind,
                        label,
                        title,
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
                let lx = xs.get(lifeline).copied().unwrap_or(0.0);
                row_right[r] = lx + 14.0 + lw;
                right_edge = right_edge.max(row_right[r] + 8.0);
                out.marks.push(Mark {
                    kind: MarkKind::Timeout,
                    lifeline,
                    x: lx,
                    y,
                    label,
                    title,
                    label_box: (lx + 14.0, y - 9.0, lw, 18.0),
                    event: row.event,
                });
            }
        }
    }
    let mut bars = Bars::new(acts);
    for &(l, r) in &sc.heartbeats {
        let x = port(bars.at(r), l, f64::INFINITY) - ACT_W / 2.0;
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
    for (i, f) in sc.frames.into_iter().enumerate() {
        let end = f.end.unwrap_or(f.start);
        let inner_right = (f.start..=end.min(row_right.len().saturating_sub(1)))
            .filter_map(|r| row_right.get(r))
            .fold(xs.first().copied().unwrap_or(0.0) + 150.0, |a, &b| a.max(b));
        // Deeper frames share the innermost inset, so that no nest turns a frame inside out.
        let d = depth[i].min(MAX_INSET_DEPTH) as f64;
        let x2 = inner_right + 40.0 - d * 8.0;
        right_edge = right_edge.max(x2 + 8.0);
        out.frames.push(Frame {
            kind: f.kind,
            label: f.label,
            depth: depth[i],
            x1: AXIS_W + 4.0 + d * 8.0,
            y1: fy[i].0,
            x2,
            y2: fy[i].1.max(fy[i].0 + FRAME_HEAD),
        });
    }
    for (i, p) in sc.lifelines.into_iter().enumerate() {
        out.lifelines.push(Lifeline {
            id: p.id,
            name: p.name,
            kind: p.kind,
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

/// The activations open at a row, for rows visited in order: one sweep over the activations
/// instead of a scan of all of them per row. Relies on activations starting in row order; a row
/// asked out of order starts the sweep over.
struct Bars<'a> {
    acts: &'a [Act],
    /// The next activation not yet started.
    next: usize,
    row: usize,
    /// The open ones, in order.
    open: Vec<usize>,
}

impl<'a> Bars<'a> {
    fn new(acts: &'a [Act]) -> Self {
        Bars { acts, next: 0, row: 0, open: Vec::new() }
    }

    fn at(&mut self, r: usize) -> &[usize] {
        if r < self.row {
            self.next = 0;
            self.open.clear();
        }
        self.row = r;
        while self.acts.get(self.next).is_some_and(|a| a.start <= r) {
            self.open.push(self.next);
            self.next += 1;
        }
        let acts = self.acts;
        self.open.retain(|&i| acts[i].end.is_none_or(|e| e >= r));
        &self.open
    }
}

/// Frame depth: how many other frames enclose a frame (start no later, end no earlier; of two
/// starting together, the first listed encloses). The iterations of one Map are siblings, whatever
/// the order they end in: they share a depth rather than stepping inward once per sibling.
///
/// Counted in one pass over the frames in start order, with a Fenwick tree over the rank of their
/// ends (how many seen so far end no sooner), rather than a test of every pair: a Map of thousands
/// of iterations has thousands of frames. Siblings are counted the same way within their Map, and
/// taken off.
fn depths(frames: &[Span], last_row: usize) -> Vec<usize> {
    let n = frames.len();
    let end = |f: usize| frames[f].end.unwrap_or(last_row);
    let mut by_end: Vec<usize> = (0..n).collect();
    sort::positions_by_key(&mut by_end, end);
    let mut rank = vec![0; n];
    for k in 1..n {
        let (f, before) = (by_end[k], by_end[k - 1]);
        rank[f] = rank[before] + usize::from(end(f) > end(before));
    }
    let mut order: Vec<usize> = (0..n).collect();
    sort::positions_by_key(&mut order, |f| (frames[f].start, f));
    let mut tree = vec![0; n + 1];
    let mut depth = vec![0; n];
    for (f, count) in enclosing(&order, &rank, &mut tree) {
        depth[f] += count;
    }
    // The iterations of each Map, still in start order.
    let mut siblings: Vec<usize> = order.iter().copied().filter(|&f| frames[f].map.is_some()).collect();
    sort::positions_by_key(&mut siblings, |f| frames[f].map);
    for group in siblings.chunk_by(|&a, &b| frames[a].map == frames[b].map) {
        for (f, count) in enclosing(group, &rank, &mut tree) {
            depth[f] -= count;
        }
    }
    depth
}

/// For each frame of `order`, how many frames before it in `order` have an end rank no lower.
/// `tree` is an empty Fenwick tree over the ranks, and is left empty.
fn enclosing(order: &[usize], rank: &[usize], tree: &mut [usize]) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(order.len());
    for (seen, &f) in order.iter().enumerate() {
        // Those seen that end sooner: the sum over ranks below f's.
        let (mut sooner, mut k) = (0, rank[f]);
        while k > 0 {
            sooner += tree[k];
            k &= k - 1;
        }
        out.push((f, seen - sooner));
        let mut k = rank[f] + 1;
        while k < tree.len() {
            tree[k] += 1;
            k += k & k.wrapping_neg();
        }
    }
    for &f in order {
        let mut k = rank[f] + 1;
        while k < tree.len() {
            tree[k] -= 1;
            k += k & k.wrapping_neg();
        }
    }
    out
}
