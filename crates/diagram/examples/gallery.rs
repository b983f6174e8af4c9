//! Render every fixture to one HTML page, to look at the diagrams in a browser:
//! `cargo run -p baton-diagram --example gallery -- /tmp/gallery.html [light|dark]`.
//! Optional third argument: a fixture name to render alone (for screenshots).

use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let out = args.get(1).cloned().unwrap_or_else(|| "/tmp/baton-gallery.html".to_string());
    let dark = args.get(2).map(|s| s == "dark").unwrap_or(false);
    let only = args.get(3).cloned();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut body = String::new();
    let mut names: Vec<_> = std::fs::read_dir(dir.join("graph"))
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    names.sort();
    for p in names {
        let name = p.file_stem().unwrap_or_default().to_string_lossy().to_string();
        if only.as_ref().is_some_and(|o| *o != name) {
            continue;
        }
        let text = std::fs::read_to_string(&p).unwrap_or_default();
        let def: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        let layout = diagram::layout_graph(&def);
        let mut marks = diagram::Marks::new();
        if name == "human_approval" {
            marks.set("Request approval", diagram::StateMark::Current);
        }
        if name == "catch_retry" {
            marks.set("Call API", diagram::StateMark::Caught);
            marks.set("Report timeout", diagram::StateMark::Visited);
            marks.set("Failed", diagram::StateMark::Failed);
        }
        body.push_str(&format!("<h2>{name}</h2>{}", diagram::graph_svg(&layout, &marks)));
    }
    let mut seqs: Vec<_> = std::fs::read_dir(dir.join("sequence"))
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    seqs.sort();
    for p in seqs {
        let name = format!("seq_{}", p.file_stem().unwrap_or_default().to_string_lossy());
        if only.as_ref().is_some_and(|o| *o != name) {
            continue;
        }
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&p).unwrap_or_default()).unwrap_or_default();
        let (history, calls, participants) = load(&v);
        let layout = diagram::layout_sequence(
            &history,
            &diagram::Annotations { calls, participants, tokens: Vec::new() },
        );
        body.push_str(&format!("<h2>{name}</h2>{}", diagram::sequence_svg(&layout)));
    }
    let theme = if dark {
        "body{background:#0f172a;color:#e2e8f0;--node-bg:#1e293b;--node-border:#64748b;--node-text:#f1f5f9;\
         --node-subtext:#94a3b8;--edge:#94a3b8;--edge-label:#cbd5e1;--label-bg:#0f172a;--container-bg:#172033;\
         --group-border:#475569;--pill-bg:#cbd5e1;--pill-text:#0f172a}"
    } else {
        "body{background:#fff}"
    };
    let html = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><style>{theme} body{{font-family:sans-serif;margin:16px}} \
         h2{{font-size:14px}}</style></head><body>{body}</body></html>"
    );
    if let Err(e) = std::fs::write(&out, html) {
        eprintln!("cannot write {out}: {e}");
    }
}

fn load(v: &serde_json::Value) -> (Vec<serde_json::Value>, Vec<diagram::ApiCall>, Vec<diagram::Participant>) {
    let history = v["history"].as_array().cloned().unwrap_or_default();
    let str_of = |x: &serde_json::Value, k: &str| x[k].as_str().unwrap_or("").to_string();
    let calls = v["calls"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|c| diagram::ApiCall {
                    at_ms: c["at_ms"].as_u64().unwrap_or(0),
                    action: str_of(c, "action"),
                    token: str_of(c, "token"),
                    ok: c["ok"].as_bool().unwrap_or(true),
                    error: c["error"].as_str().map(str::to_string),
                    participant: c["participant"].as_str().map(str::to_string),
                })
                .collect()
        })
        .unwrap_or_default();
    let participants = v["participants"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|p| diagram::Participant {
                    id: str_of(p, "id"),
                    name: str_of(p, "name"),
                    kind: str_of(p, "kind"),
                })
                .collect()
        })
        .unwrap_or_default();
    (history, calls, participants)
}
