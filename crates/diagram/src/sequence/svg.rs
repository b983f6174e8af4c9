//! SVG rendering of a [`SequenceLayout`]: self-contained, themeable through CSS variables
//! (`--seq-bg`, `--head-bg`, `--head-border`, `--text`, `--subtext`, `--line`, `--call`,
//! `--return`, `--callback`, `--rejected`, `--timeout`, `--heartbeat`, `--frame`, `--label-bg`,
//! `--note-bg`, `--font`), every element classed (`msg callback`, `mark timeout`, `frame retry`…).
//! Rows that show a history event carry `data-event="ID"`, so the app can point at an event.

use super::{Lifeline, MarkKind, MessageKind, Outcome, SequenceLayout};
use crate::draw::arrowhead;
use crate::text::{bold_width, esc, num};

const STYLE: &str = "
.baton-seq{font-family:var(--font,system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif);font-size:12px}
.baton-seq .head rect{fill:var(--head-bg,#f1f5f9);stroke:var(--head-border,#94a3b8);stroke-width:1.2}
.baton-seq .head.execution rect{fill:var(--head-exec-bg,#eef2ff);stroke:var(--call,#6366f1)}
.baton-seq .head .name{fill:var(--text,#0f172a);font-weight:600;font-size:12px}
.baton-seq .head .kind{fill:var(--subtext,#64748b);font-size:10px;letter-spacing:.04em}
.baton-seq .life{stroke:var(--line,#cbd5e1);stroke-dasharray:4 4}
.baton-seq .axis line{stroke:var(--line,#cbd5e1)}
.baton-seq .axis text{fill:var(--subtext,#64748b);font-size:10.5px;font-variant-numeric:tabular-nums}
.baton-seq .break rect{fill:var(--break-bg,#f8fafc)}
.baton-seq .break path{fill:none;stroke:var(--subtext,#64748b);stroke-width:1.2}
.baton-seq .break text{fill:var(--subtext,#64748b);font-style:italic;font-size:11px}
.baton-seq .act{fill:var(--act-bg,#e0e7ff);stroke:var(--call,#6366f1);stroke-width:1}
.baton-seq .act.timedout{fill:var(--act-timeout-bg,#fee2e2);stroke:var(--timeout,#dc2626)}
.baton-seq .act.failed{fill:var(--act-failed-bg,#ffedd5);stroke:var(--rejected,#ea580c)}
.baton-seq .act.open{stroke-dasharray:3 2}
.baton-seq .msg line{stroke:var(--call,#6366f1);stroke-width:1.5}
.baton-seq .msg path.head{fill:var(--call,#6366f1)}
.baton-seq .msg.return line{stroke:var(--return,#64748b);stroke-dasharray:5 4}
.baton-seq .msg.return path.head{fill:var(--return,#64748b)}
.baton-seq .msg.error line{stroke:var(--rejected,#ea580c)}
.baton-seq .msg.error path.head{fill:var(--rejected,#ea580c)}
.baton-seq .msg.callback line,.baton-seq .msg.heartbeat line{stroke:var(--callback,#059669)}
.baton-seq .msg.callback path.head,.baton-seq .msg.heartbeat path.head{fill:var(--callback,#059669)}
.baton-seq .msg.callback.fail line{stroke:var(--timeout,#dc2626)}
.baton-seq .msg.callback.fail path.head{fill:var(--timeout,#dc2626)}
.baton-seq .msg.heartbeat line{stroke-dasharray:2 3}
.baton-seq .msg.inferred line{stroke-dasharray:8 3}
.baton-seq .msg.rejected line{stroke:var(--rejected,#dc2626);stroke-dasharray:6 3}
.baton-seq .msg.rejected path.cross{stroke:var(--rejected,#dc2626);stroke-width:2}
.baton-seq .msg rect.bg{fill:var(--label-bg,#fff);fill-opacity:.9}
.baton-seq .msg text{fill:var(--text,#0f172a)}
.baton-seq .msg.rejected text{fill:var(--rejected,#dc2626);font-weight:600}
.baton-seq .note rect{fill:var(--note-bg,#f8fafc);stroke:var(--head-border,#94a3b8)}
.baton-seq .note.state rect{fill:var(--note-state-bg,#fffbeb);stroke:var(--note-state,#f59e0b)}
.baton-seq .note.ok rect{fill:var(--note-ok-bg,#ecfdf5);stroke:var(--callback,#059669)}
.baton-seq .note.fail rect{fill:var(--note-fail-bg,#fef2f2);stroke:var(--timeout,#dc2626)}
.baton-seq .note text{fill:var(--text,#0f172a);font-size:11.5px}
.baton-seq .mark.timeout path{stroke:var(--timeout,#dc2626);stroke-width:2.5;stroke-linecap:round}
.baton-seq .mark.timeout rect{fill:var(--label-bg,#fff)}
.baton-seq .mark.timeout text{fill:var(--timeout,#dc2626);font-weight:700}
.baton-seq .mark.heartbeat circle{fill:var(--heartbeat,#db2777);stroke:var(--label-bg,#fff);stroke-width:1.5}
.baton-seq .frame rect{fill:none;stroke:var(--frame,#94a3b8);stroke-width:1}
.baton-seq .frame path{fill:var(--frame-tab,#e2e8f0);stroke:var(--frame,#94a3b8)}
.baton-seq .frame.retry rect,.baton-seq .frame.retry path{stroke:var(--rejected,#ea580c)}
.baton-seq .frame text{fill:var(--text,#0f172a);font-size:10.5px;font-weight:600}
";

/// A line under the heads strip marks where the rows scroll out of view.
const STRIP_STYLE: &str = ".baton-seq-heads .strip-edge{stroke:var(--line,#cbd5e1)}";

fn data_event(event: Option<i64>) -> String {
    event.map(|id| format!(" data-event=\"{id}\"")).unwrap_or_default()
}

/// Render `layout` as a standalone SVG string.
pub fn sequence_svg(layout: &SequenceLayout) -> String {
    sequence_svg_window(layout, f64::NEG_INFINITY, f64::INFINITY)
}

/// Render only the lifeline heads of `layout`: the top [`SequenceLayout::heads_height`] of the
/// drawing, for a pane to keep in view above the rows ([`sequence_svg_rows_window`]).
pub fn sequence_svg_heads(layout: &SequenceLayout) -> String {
    let h = layout.heads_height();
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"baton-seq baton-seq-heads\" aria-hidden=\"true\" \
         width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\"><style>{STYLE}{STRIP_STYLE}</style>\
         <line class=\"strip-edge\" x1=\"0\" y1=\"{edge}\" x2=\"{w}\" y2=\"{edge}\"/>",
        w = num(layout.width),
        h = num(h),
        // Inside the view box, which would cut a line on its edge in half.
        edge = num(h - 0.5)
    );
    push_heads(&mut s, &layout.lifelines, h);
    s.push_str("</svg>");
    s
}

/// Render `layout` at its full size, but with only the rows, frames, activations, marks and time
/// labels that reach into `from..to` (y, in the layout's units): what a scrolled view needs when
/// the diagram is far taller than the screen. Lifelines and their heads are always drawn.
pub fn sequence_svg_window(layout: &SequenceLayout, from: f64, to: f64) -> String {
    render(layout, 0.0, from, to)
}

/// [`sequence_svg_window`] without the heads: the drawing below [`SequenceLayout::heads_height`].
/// Under [`sequence_svg_heads`] it makes the whole picture again.
pub fn sequence_svg_rows_window(layout: &SequenceLayout, from: f64, to: f64) -> String {
    render(layout, layout.heads_height(), from, to)
}

/// The drawing from `cut` down (the view box leaves out the part above), windowed to `from..to`.
fn render(layout: &SequenceLayout, cut: f64, from: f64, to: f64) -> String {
    let within = |top: f64, bottom: f64| bottom >= from && top <= to;
    let arrows = layout.messages.iter().filter(|m| m.kind != MessageKind::Note).count();
    let mut s = String::with_capacity(4096 + layout.messages.len() * 500);
    s.push_str(&format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"baton-seq\" role=\"img\" aria-label=\"Sequence diagram\" \
         width=\"{w}\" height=\"{h}\" viewBox=\"0 {cut} {w} {h}\">",
        w = num(layout.width),
        h = num(layout.height - cut),
        cut = num(cut)
    ));
    let names: Vec<&str> = layout.lifelines.iter().map(|l| l.name.as_str()).collect();
    s.push_str(&format!(
        "<title>Sequence diagram: {} message{} between {}</title><style>{STYLE}</style>",
        arrows,
        if arrows == 1 { "" } else { "s" },
        esc(&names.join(", "))
    ));
    let axis_x = layout.lifelines.first().map(|l| l.x - l.head_w / 2.0 - 20.0).unwrap_or(80.0).min(84.0);

    // Breaks (behind everything), then frames.
    for t in layout.axis.iter().filter(|t| t.gap.is_some() && within(t.y - 13.0, t.y + 13.0)) {
        let gap = t.gap.as_deref().unwrap_or("");
        s.push_str(&format!(
            "<g class=\"break\"><rect x=\"0\" y=\"{}\" width=\"{}\" height=\"26\"/>\
             <path d=\"M{},{} l6,-4 l6,8 l6,-8 l6,8 l6,-4\"/><text x=\"{}\" y=\"{}\">{}</text></g>",
            num(t.y - 13.0),
            num(layout.width),
            num(axis_x - 34.0),
            num(t.y),
            num(axis_x + 10.0),
            num(t.y + 4.0),
            esc(gap)
        ));
    }
    for f in layout.frames.iter().filter(|f| within(f.y1, f.y2)) {
        let tw = bold_width(&f.label, 10.5) + 20.0;
        s.push_str(&format!(
            "<g class=\"frame {}\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\"/>\
             <path d=\"M{},{} h{} v12 l-6,6 h-{} Z\"/><text x=\"{}\" y=\"{}\">{}</text></g>",
            f.kind.class(),
            num(f.x1),
            num(f.y1),
            num(f.x2 - f.x1),
            num(f.y2 - f.y1),
            num(f.x1),
            num(f.y1),
            num(tw),
            num(tw - 6.0),
            num(f.x1 + 7.0),
            num(f.y1 + 13.0),
            esc(&f.label)
        ));
    }

    // Axis.
    s.push_str("<g class=\"axis\">");
    if let Some(l) = layout.lifelines.first() {
        s.push_str(&format!(
            "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\"/>",
            num(l.top),
            num(l.bottom),
            x = num(axis_x)
        ));
    }
    for t in layout.axis.iter().filter(|t| t.gap.is_none() && within(t.y - 8.0, t.y + 8.0)) {
        s.push_str(&format!(
            "<line x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\"/><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            num(axis_x - 4.0),
            num(axis_x),
            num(axis_x - 7.0),
            num(t.y + 3.5),
            esc(&t.label),
            y = num(t.y)
        ));
    }
    s.push_str("</g>");

    push_heads(&mut s, &layout.lifelines, f64::INFINITY);

    for a in layout.activations.iter().filter(|a| within(a.y1, a.y2)) {
        let class = match a.outcome {
            Outcome::Succeeded => "act succeeded",
            Outcome::Failed => "act failed",
            Outcome::TimedOut => "act timedout",
            Outcome::Aborted => "act aborted",
            Outcome::Open => "act open",
        };
        let title = match &a.token {
            Some(t) => format!("holds task token {t}"),
            None => "working".to_string(),
        };
        s.push_str(&format!(
            "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"10\" height=\"{}\"><title>{}</title></rect>",
            num(a.x),
            num(a.y1),
            num(a.y2 - a.y1),
            esc(&title)
        ));
    }

    for m in &layout.messages {
        let (bx, by, bw, bh) = m.label_box;
        if !within(by.min(m.y - 6.0), (by + bh).max(m.y + 6.0)) {
            continue;
        }
        if m.kind == MessageKind::Note {
            s.push_str(&format!(
                "<g class=\"note {}\"{}><title>{}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"5\"/>\
                 <text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text></g>",
                esc(&m.tone),
                data_event(m.event),
                esc(&m.title),
                num(bx),
                num(by),
                num(bw),
                num(bh),
                num(bx + bw / 2.0),
                num(m.y + 4.0),
                esc(&m.label)
            ));
            continue;
        }
        let dir = if m.x2 >= m.x1 { 1.0 } else { -1.0 };
        let end = if m.kind == MessageKind::Rejected { m.x2 - dir * 14.0 } else { m.x2 - dir * 7.0 };
        s.push_str(&format!(
            "<g class=\"msg {}{}{}\"{}><title>{}</title><line x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\"/>",
            m.kind.class(),
            if m.tone.is_empty() { "" } else { " " },
            esc(&m.tone),
            data_event(m.event),
            esc(&m.title),
            num(m.x1),
            num(end),
            y = num(m.y)
        ));
        if m.kind == MessageKind::Rejected {
            let cx = m.x2 - dir * 9.0;
            s.push_str(&format!(
                "<path class=\"cross\" d=\"M{},{} l8,8 M{},{} l-8,8\"/>",
                num(cx - 4.0),
                num(m.y - 4.0),
                num(cx + 4.0),
                num(m.y - 4.0)
            ));
        } else {
            s.push_str(&format!("<path class=\"head\" d=\"{}\"/>", arrowhead((m.x1, m.y), (m.x2, m.y), 9.0)));
        }
        s.push_str(&format!(
            "<rect class=\"bg\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\"/>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text></g>",
            num(bx),
            num(by),
            num(bw),
            num(bh),
            num(bx + bw / 2.0),
            num(by + 12.0),
            esc(&m.label)
        ));
    }

    for k in layout.marks.iter().filter(|k| within(k.y - 8.0, k.y.max(k.label_box.1 + k.label_box.3) + 8.0)) {
        match k.kind {
            MarkKind::Timeout => {
                let (bx, by, bw, bh) = k.label_box;
                s.push_str(&format!(
                    "<g class=\"mark timeout\"{}><title>{}</title><path d=\"M{},{} l12,12 M{},{} l-12,12\"/>\
                     <rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\"/><text x=\"{}\" y=\"{}\">{}</text></g>",
                    data_event(k.event),
                    esc(&k.title),
                    num(k.x - 6.0),
                    num(k.y - 6.0),
                    num(k.x + 6.0),
                    num(k.y - 6.0),
                    num(bx),
                    num(by),
                    num(bw),
                    num(bh),
                    num(bx + 7.0),
                    num(k.y + 4.0),
                    esc(&k.label)
                ));
            }
            MarkKind::Heartbeat => {
                s.push_str(&format!(
                    "<g class=\"mark heartbeat\"><title>{}</title><circle cx=\"{}\" cy=\"{}\" r=\"4.5\"/></g>",
                    esc(&k.title),
                    num(k.x),
                    num(k.y)
                ));
            }
        }
    }
    s.push_str("</svg>");
    s
}

/// Each lifeline's head, and its line down to its end or to `until`, whichever comes first.
fn push_heads(s: &mut String, lifelines: &[Lifeline], until: f64) {
    for l in lifelines {
        let kind_class: String = l.kind.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
        s.push_str(&format!(
            "<g class=\"head {kind_class}\" data-participant=\"{}\"><title>{} ({})</title>\
             <line class=\"life\" x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\"/>\
             <rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"6\"/>\
             <text class=\"name\" x=\"{x}\" y=\"{}\" text-anchor=\"middle\">{}</text>\
             <text class=\"kind\" x=\"{x}\" y=\"{}\" text-anchor=\"middle\">{}</text></g>",
            esc(&l.id),
            esc(&l.name),
            esc(&l.kind),
            num(l.top),
            num(l.bottom.min(until)),
            num(l.x - l.head_w / 2.0),
            num(l.top - 44.0),
            num(l.head_w),
            num(44.0),
            num(l.top - 25.0),
            esc(&l.name),
            num(l.top - 11.0),
            // Kinds are ASCII words; the ASCII mapping spares the app std's Unicode case tables.
            esc(&l.kind.to_ascii_uppercase()),
            x = num(l.x)
        ));
    }
}
