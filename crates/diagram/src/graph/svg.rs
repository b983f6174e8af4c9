//! SVG rendering of a [`GraphLayout`].
//!
//! Self-contained: one `<svg>` with its own `<style>`, no external references, no ids. Colours
//! come from CSS variables with light-theme fallbacks, so the app themes light/dark by setting
//! variables (`--node-bg`, `--node-border`, `--node-text`, `--node-subtext`, `--edge`,
//! `--edge-catch`, `--edge-retry`, `--edge-label`, `--label-bg`, `--container-bg`, `--group-border`,
//! `--pill-bg`, `--pill-text`, `--token`, `--mark-visited`, `--mark-current`, `--mark-failed`,
//! `--mark-caught`, `--font`). Every state is a `<g class="state …" data-state="Name">` so the app
//! can make it clickable, and a focusable button (`tabindex="0"`, `role="button"`, named by its
//! title) so that it is reachable by keyboard too; the drawing itself is a `group` for that reason
//! (an `img` would hide its buttons). Marks add `visited` / `current` / `failed` / `caught`.

use super::{Edge, GraphLayout, Marks, Node, NodeKind};
use crate::draw::{arrowhead, rounded_path, trim_end};
use crate::text::{bold_width, esc, fit, num, text_width};

// The current state's halo pulses three times, not forever: an endless animation makes the browser
// repaint the whole drawing every frame for as long as an execution waits for a token.
const STYLE: &str = "
.baton-graph{font-family:var(--font,system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif)}
.baton-graph .box{fill:var(--node-bg,#fff)}
.baton-graph .border{fill:none;stroke:var(--node-border,#94a3b8);stroke-width:1.5}
.baton-graph .accent{fill:var(--node-border,#94a3b8)}
.baton-graph .task .accent{fill:var(--accent-task,#6366f1)}
.baton-graph .choice .accent{fill:var(--accent-choice,#f59e0b)}
.baton-graph .succeed .accent{fill:var(--accent-succeed,#16a34a)}
.baton-graph .fail .accent{fill:var(--accent-fail,#dc2626)}
.baton-graph .wait .accent{fill:var(--accent-wait,#0ea5e9)}
.baton-graph .name{fill:var(--node-text,#0f172a);font-size:13px;font-weight:600}
.baton-graph .sub{fill:var(--node-subtext,#64748b);font-size:11px}
.baton-graph .container>.box{fill:var(--container-bg,#f8fafc)}
.baton-graph .group{fill:var(--node-bg,#fff);fill-opacity:.6;stroke:var(--group-border,#cbd5e1);stroke-dasharray:5 4}
.baton-graph .group-label{fill:var(--node-subtext,#64748b);font-size:11px;font-weight:600;letter-spacing:.02em}
.baton-graph .pill .box{fill:var(--pill-bg,#334155);stroke:none}
.baton-graph .pill .name{fill:var(--pill-text,#fff);font-size:12px}
.baton-graph .missing .border{stroke:var(--mark-failed,#dc2626);stroke-dasharray:4 3}
.baton-graph .token-badge circle{fill:var(--token,#d97706)}
.baton-graph .token-badge path{fill:#fff}
.baton-graph .visited>.border{stroke:var(--mark-visited,#16a34a);stroke-width:2}
.baton-graph .caught>.border{stroke:var(--mark-caught,#ea580c);stroke-width:2.5}
.baton-graph .failed>.border{stroke:var(--mark-failed,#dc2626);stroke-width:2.5}
.baton-graph .current>.border{stroke:var(--mark-current,#2563eb);stroke-width:3}
.baton-graph .halo{fill:none;stroke:var(--mark-current,#2563eb);stroke-opacity:.25;stroke-width:8}
@media (prefers-reduced-motion:no-preference){.baton-graph .halo{animation:baton-pulse 1.6s ease-in-out 3}}
@keyframes baton-pulse{50%{stroke-opacity:.05}}
.baton-graph .edge path.line{fill:none;stroke:var(--edge,#64748b);stroke-width:1.5}
.baton-graph .edge path.head{fill:var(--edge,#64748b)}
.baton-graph .edge.catch path.line{stroke:var(--edge-catch,#dc2626);stroke-dasharray:6 4}
.baton-graph .edge.catch path.head{fill:var(--edge-catch,#dc2626)}
.baton-graph .edge.retry path.line{stroke:var(--edge-retry,#d97706);stroke-dasharray:3 3}
.baton-graph .edge.retry path.head{fill:var(--edge-retry,#d97706)}
.baton-graph .edge rect{fill:var(--label-bg,#fff);fill-opacity:.92}
.baton-graph .edge text{fill:var(--edge-label,#334155);font-size:11px}
.baton-graph .edge.catch text{fill:var(--edge-catch,#dc2626)}
.baton-graph .edge.retry text{fill:var(--edge-retry,#b45309)}
.baton-graph .edge.default text{font-style:italic}
";

/// Render `layout` as a standalone SVG string, with `marks` applied as classes.
pub fn graph_svg(layout: &GraphLayout, marks: &Marks) -> String {
    let states = layout.nodes.iter().filter(|n| n.kind == NodeKind::State).count();
    let mut s = String::with_capacity(4096 + layout.nodes.len() * 600 + layout.edges.len() * 400);
    s.push_str(&format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"baton-graph\" role=\"group\" \
         aria-label=\"Workflow graph\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">",
        w = num(layout.width.ceil()),
        h = num(layout.height.ceil())
    ));
    let plural = if states == 1 { "" } else { "s" };
    s.push_str(&format!("<title>Workflow graph: {states} state{plural}</title>"));
    s.push_str("<style>");
    s.push_str(STYLE);
    s.push_str("</style>");

    // Containers first (behind everything), outermost first.
    for n in layout.nodes.iter().filter(|n| n.is_container) {
        s.push_str(&node_group(n, marks));
        for g in layout.groups.iter().filter(|g| g.owner == n.id) {
            s.push_str(&format!(
                "<rect class=\"group\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"6\"/>\
                 <text class=\"group-label\" x=\"{}\" y=\"{}\">{}</text>",
                num(g.x),
                num(g.y),
                num(g.w),
                num(g.h),
                num(g.x + 10.0),
                num(g.y + 15.0),
                esc(&g.label)
            ));
        }
    }
    s.push_str("<g class=\"edges\">");
    // Names by id, looked up once per edge end (a search per edge was quadratic).
    let mut names: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
    for n in &layout.nodes {
        names.entry(n.id.as_str()).or_insert(n.name.as_str());
    }
    for e in &layout.edges {
        s.push_str(&edge_group(e, &names));
    }
    s.push_str("</g><g class=\"nodes\">");
    for n in layout.nodes.iter().filter(|n| !n.is_container) {
        s.push_str(&node_group(n, marks));
    }
    s.push_str("</g></svg>");
    s
}

fn type_class(t: &str) -> String {
    let c: String = t.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
    if c.is_empty() {
        "unknown".to_string()
    } else {
        c
    }
}

fn node_group(n: &Node, marks: &Marks) -> String {
    let mut classes = match n.kind {
        NodeKind::Start => "pill start".to_string(),
        NodeKind::End => "pill end".to_string(),
        NodeKind::Missing => "state missing".to_string(),
        NodeKind::State => format!("state {}", type_class(&n.state_type)),
    };
    if n.is_container {
        classes.push_str(" container");
    }
    if n.waits_for_token {
        classes.push_str(" waits-for-token");
    }
    let mark = if n.kind == NodeKind::State { marks.get(&n.name) } else { None };
    if let Some(m) = mark {
        classes.push(' ');
        classes.push_str(m.class());
    }
    let (x, y, w, h) = (n.x, n.y, n.w, n.h);
    let cx = x + w / 2.0;
    let mut s = String::new();
    let title = node_title(n, mark.map(|m| m.class()));
    let data = if n.kind == NodeKind::State || n.kind == NodeKind::Missing {
        format!(
            " data-state=\"{}\" tabindex=\"0\" role=\"button\" aria-label=\"{}\"",
            esc(&n.name),
            esc(&title)
        )
    } else {
        String::new()
    };
    s.push_str(&format!("<g class=\"{classes}\"{data}>"));
    s.push_str(&format!("<title>{}</title>", esc(&title)));
    if matches!(n.kind, NodeKind::Start | NodeKind::End) {
        s.push_str(&format!(
            "<rect class=\"box\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{}\"/>\
             <text class=\"name\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text></g>",
            num(x),
            num(y),
            num(w),
            num(h),
            num(h / 2.0),
            num(cx),
            num(y + h / 2.0 + 4.0),
            if n.kind == NodeKind::Start { "Start" } else { "End" }
        ));
        return s;
    }
    if mark == Some(super::StateMark::Current) {
        s.push_str(&rect("halo", x - 3.0, y - 3.0, w + 6.0, h + 6.0, 10.0));
    }
    s.push_str(&rect("accent", x, y, w, h, 8.0));
    s.push_str(&rect("box", x + 4.0, y, w - 4.0, h, 7.0));
    s.push_str(&rect("border", x, y, w, h, 8.0));
    if n.is_container {
        let name = fit(&n.name, 13.0, w - 24.0);
        s.push_str(&format!(
            "<text class=\"name\" x=\"{}\" y=\"{}\">{}</text><text class=\"sub\" x=\"{}\" y=\"{}\">{}</text>",
            num(x + 14.0),
            num(y + 18.0),
            esc(&name),
            num(x + 14.0 + bold_width(&name, 13.0) + 8.0),
            num(y + 18.0),
            esc(&n.subtitle)
        ));
    } else {
        let name = fit(&n.name, 13.0 * 1.07, w - 24.0);
        let badge = if n.waits_for_token { 22.0 } else { 0.0 };
        let sub = fit(&n.subtitle, 11.0, w - 24.0 - badge);
        let sub_w = text_width(&sub, 11.0);
        let sub_cx = cx + 2.0 - badge / 2.0;
        s.push_str(&format!(
            "<text class=\"name\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\
             <text class=\"sub\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            num(cx + 2.0),
            num(y + 20.0),
            esc(&name),
            num(sub_cx),
            num(y + 36.0),
            esc(&sub)
        ));
        if n.waits_for_token {
            s.push_str(&token_badge(sub_cx + sub_w / 2.0 + 13.0, y + 32.0));
        }
    }
    s.push_str("</g>");
    s
}

/// An hourglass in a circle: "this state pauses until a task token comes back".
fn token_badge(cx: f64, cy: f64) -> String {
    format!(
        "<g class=\"token-badge\"><title>waits for token</title><circle cx=\"{}\" cy=\"{}\" r=\"8\"/>\
         <path d=\"M{},{} h7 l-3.5,4.5 l3.5,4.5 h-7 l3.5,-4.5 Z\"/></g>",
        num(cx),
        num(cy),
        num(cx - 3.5),
        num(cy - 4.5)
    )
}

fn rect(class: &str, x: f64, y: f64, w: f64, h: f64, rx: f64) -> String {
    format!(
        "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{}\"/>",
        num(x),
        num(y),
        num(w.max(0.0)),
        num(h.max(0.0)),
        num(rx)
    )
}

fn node_title(n: &Node, mark: Option<&str>) -> String {
    let mut t = n.name.clone();
    match n.kind {
        NodeKind::Missing => t.push_str(" — missing: no state with this name in its scope"),
        _ => {
            let ty = if n.state_type.is_empty() { "state" } else { n.state_type.as_str() };
            t.push_str(&format!(" — {ty}"));
            if n.state_type == "Task" && !n.subtitle.is_empty() {
                t.push_str(&format!(" ({})", n.subtitle));
            }
        }
    }
    if n.waits_for_token {
        t.push_str(" · waits for token");
    }
    if n.is_start {
        t.push_str(" · start");
    }
    if n.is_end {
        t.push_str(" · end");
    }
    if let Some(m) = mark {
        t.push_str(&format!(" · {m}"));
    }
    t
}

fn edge_group(e: &Edge, names: &std::collections::HashMap<&str, &str>) -> String {
    let name = |id: &str| names.get(id).map_or_else(|| id.to_string(), |n| n.to_string());
    let mut title = format!("{} → {}", name(&e.from), name(&e.to));
    if let Some(d) = e.detail.as_ref().or(e.label.as_ref()) {
        title.push_str(&format!(": {d}"));
    }
    let mut s = format!(
        "<g class=\"edge {}{}\"><title>{}</title>",
        e.kind.class(),
        if e.back { " back" } else { "" },
        esc(&title)
    );
    if e.points.len() >= 2 {
        let line = trim_end(&e.points, 6.0);
        s.push_str(&format!("<path class=\"line\" d=\"{}\"/>", rounded_path(&line, 6.0)));
        let n = e.points.len();
        s.push_str(&format!(
            "<path class=\"head\" d=\"{}\"/>",
            arrowhead(e.points[n - 2], e.points[n - 1], 8.0)
        ));
    }
    if let (Some(label), Some((lx, ly))) = (&e.label, e.label_at) {
        s.push_str(&format!(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"16\" rx=\"4\"/>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            num(lx - e.label_w / 2.0),
            num(ly - 8.0),
            num(e.label_w),
            num(lx),
            num(ly + 4.0),
            esc(label)
        ));
    }
    s.push_str("</g>");
    s
}
