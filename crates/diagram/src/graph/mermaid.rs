//! Mermaid `flowchart TD` text for a definition: for READMEs, issues and the CLI.
//!
//! Built from the same extraction as the SVG layout (Mermaid does its own layout). Node ids are
//! generated (`s0`, `s1`, …) because state names may contain anything; names go in quoted labels
//! with Mermaid's `#code;` escapes.

use serde_json::Value;
use std::fmt::Write as _;

use super::extract::{top_scope, Scope};
use super::{EdgeKind, NodeKind};

/// Mermaid flowchart of `definition`. Never panics; an empty definition gives just "Start".
pub fn graph_mermaid(definition: &Value) -> String {
    let scope = top_scope(definition);
    let mut w =
        Writer { out: String::from("flowchart TD\n"), next: 0, edges: Vec::new(), classes: Vec::new() };
    w.scope(&scope, 1);
    let edges = std::mem::take(&mut w.edges);
    for e in edges {
        w.out.push_str(&e);
        w.out.push('\n');
    }
    w.out.push_str("  classDef token stroke:#d97706,stroke-width:2px\n");
    w.out.push_str("  classDef fail stroke:#dc2626\n");
    w.out.push_str("  classDef succeed stroke:#16a34a\n");
    w.out.push_str("  classDef missing stroke:#dc2626,stroke-dasharray:4 3\n");
    let classes = std::mem::take(&mut w.classes);
    for (class, ids) in group_classes(classes) {
        let _ = writeln!(w.out, "  class {} {class}", ids.join(","));
    }
    w.out
}

struct Writer {
    out: String,
    next: usize,
    edges: Vec<String>,
    classes: Vec<(&'static str, String)>,
}

impl Writer {
    fn fresh(&mut self) -> String {
        let id = format!("s{}", self.next);
        self.next += 1;
        id
    }

    fn scope(&mut self, scope: &Scope, indent: usize) {
        let pad = "  ".repeat(indent);
        let ids: Vec<String> = scope.states.iter().map(|_| self.fresh()).collect();
        for (i, s) in scope.states.iter().enumerate() {
            let id = &ids[i];
            if !s.children.is_empty() {
                let title = format!("{}: {}", s.state_type, s.name);
                let _ = writeln!(self.out, "{pad}subgraph {id} [\"{}\"]", label(&title));
                for (group, child) in &s.children {
                    let gid = format!("{id}_{}", self.fresh());
                    let _ = writeln!(self.out, "{pad}  subgraph {gid} [\"{}\"]", label(group));
                    self.scope(child, indent + 2);
                    let _ = writeln!(self.out, "{pad}  end");
                }
                let _ = writeln!(self.out, "{pad}end");
            } else {
                let text = match s.kind {
                    NodeKind::Start | NodeKind::End => s.name.clone(),
                    _ if s.subtitle.is_empty() => s.name.clone(),
                    _ => {
                        let token = if s.waits_for_token { " ⧗ waits for token" } else { "" };
                        format!("{}<br/>{}{token}", s.name, s.subtitle)
                    }
                };
                let t = if matches!(s.kind, NodeKind::Start | NodeKind::End) { text } else { label(&text) };
                let t = t.replace("#60;br/#62;", "<br/>");
                let shape = match (s.kind, s.state_type.as_str()) {
                    (NodeKind::Start | NodeKind::End, _) => format!("([\"{t}\"])"),
                    (NodeKind::Missing, _) => format!(">\"{t}\"]"),
                    (_, "Choice") => format!("{{\"{t}\"}}"),
                    (_, "Succeed" | "Fail") => format!("([\"{t}\"])"),
                    _ => format!("[\"{t}\"]"),
                };
                let _ = writeln!(self.out, "{pad}{id}{shape}");
            }
            if s.waits_for_token {
                self.classes.push(("token", id.clone()));
            }
            match (s.kind, s.state_type.as_str()) {
                (NodeKind::Missing, _) => self.classes.push(("missing", id.clone())),
                (_, "Fail") => self.classes.push(("fail", id.clone())),
                (_, "Succeed") => self.classes.push(("succeed", id.clone())),
                _ => {}
            }
            if let Some((l, _)) = &s.retry {
                self.edges.push(format!("  {id} -.->|\"{}\"| {id}", label(l)));
            }
        }
        for e in &scope.edges {
            let (Some(a), Some(b)) = (ids.get(e.from), ids.get(e.to)) else { continue };
            let arrow = if e.kind == EdgeKind::Catch { "-.->" } else { "-->" };
            let line = match &e.label {
                Some(l) => format!("  {a} {arrow}|\"{}\"| {b}", label(l)),
                None => format!("  {a} {arrow} {b}"),
            };
            self.edges.push(line);
        }
    }
}

/// Escape text for a quoted Mermaid label.
fn label(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '"' => out.push_str("#34;"),
            '#' => out.push_str("#35;"),
            '<' => out.push_str("#60;"),
            '>' => out.push_str("#62;"),
            '&' => out.push_str("#38;"),
            '|' => out.push_str("#124;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn group_classes(items: Vec<(&'static str, String)>) -> Vec<(&'static str, Vec<String>)> {
    let mut out: Vec<(&'static str, Vec<String>)> = Vec::new();
    for (c, id) in items {
        match out.iter_mut().find(|(k, _)| *k == c) {
            Some((_, ids)) => ids.push(id),
            None => out.push((c, vec![id])),
        }
    }
    out
}
