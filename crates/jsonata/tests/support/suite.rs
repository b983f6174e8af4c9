//! Reading the JSONata 2.0.6 reference suite and judging an outcome against it, shared by the
//! suite's three runners, each of which includes this file with `#[path]`: the engine's own
//! (`crates/jsonata/tests/suite.rs`), `baton eval`'s (`crates/cli/tests/eval_suite.rs`) and the
//! bench (`crates/jsonata/examples/suite_bench.rs`).
//!
//! The suite lives outside the repository: `../shared/jsonata-suite` beside the workspace, or
//! `$BATON_JSONATA_SUITE`. A case is a JSON object with `expr` (or `expr-file`), an input (`data`
//! or a `dataset` name), `bindings`, an optional `depth` bound, and what it expects: `result`,
//! `undefinedResult`, or an error `code`.

// Each runner uses its part of this file.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use baton_jsonata::{Environment, Json, Map};

/// Where the suite is, seen from a crate of this workspace (`env!("CARGO_MANIFEST_DIR")`).
pub fn suite_dir(manifest_dir: &str) -> PathBuf {
    match std::env::var("BATON_JSONATA_SUITE") {
        Ok(dir) => PathBuf::from(dir),
        Err(_) => Path::new(manifest_dir).join("../../../shared/jsonata-suite"),
    }
}

/// A list of cases, `group/case reason` per line; `#` starts a comment.
pub fn listed(text: &str) -> HashMap<String, String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| match l.split_once(char::is_whitespace) {
            Some((name, reason)) => (name.to_string(), reason.trim().to_string()),
            None => (l.to_string(), String::new()),
        })
        .collect()
}

pub struct Case {
    /// `group/case`, or `group/case[i]` for the i-th case of a file that holds several.
    pub name: String,
    /// The group's folder, where an `expr-file` is.
    pub dir: PathBuf,
    pub spec: Json,
}

fn read_json(path: &Path) -> Result<Json, String> {
    // Two cases hold a lone UTF-16 surrogate, which no Rust string can: they read as U+FFFD.
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text.replace("\\uD800", "\\uFFFD")).map_err(|e| format!("{}: {e}", path.display()))
}

/// Every `*.json` under `groups/`, in name order: a file holds one case or an array of them.
pub fn load_cases(root: &Path) -> Result<Vec<Case>, String> {
    let sorted_entries = |dir: &Path| -> Result<Vec<PathBuf>, String> {
        let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        Ok(paths)
    };
    let mut cases = Vec::new();
    for group in sorted_entries(&root.join("groups"))? {
        let group_name = group.file_name().unwrap_or_default().to_string_lossy().into_owned();
        for file in sorted_entries(&group)?.into_iter().filter(|p| p.extension().is_some_and(|e| e == "json"))
        {
            let stem = file.file_stem().unwrap_or_default().to_string_lossy().into_owned();
            match read_json(&file)? {
                Json::Array(items) => cases.extend(items.into_iter().enumerate().map(|(i, spec)| Case {
                    name: format!("{group_name}/{stem}[{i}]"),
                    dir: group.clone(),
                    spec,
                })),
                spec => cases.push(Case { name: format!("{group_name}/{stem}"), dir: group.clone(), spec }),
            }
        }
    }
    Ok(cases)
}

/// Where a case's input comes from.
pub enum Input {
    Undefined,
    Inline(Json),
    /// A file of `datasets/`.
    Dataset(PathBuf),
}

impl Input {
    pub fn read(&self) -> Result<Option<Json>, String> {
        match self {
            Input::Undefined => Ok(None),
            Input::Inline(data) => Ok(Some(data.clone())),
            Input::Dataset(file) => read_json(file).map(Some),
        }
    }
}

/// A case's expression, input, bindings and depth bound, ready to evaluate.
pub struct Prepared {
    pub expr: String,
    pub input: Input,
    pub bindings: Map<String, Json>,
    pub depth: Option<usize>,
}

pub fn prepare(root: &Path, case: &Case) -> Result<Prepared, String> {
    let spec = &case.spec;
    let expr = match (spec.get("expr"), spec.get("expr-file")) {
        (Some(Json::String(e)), _) => e.clone(),
        (_, Some(Json::String(f))) => std::fs::read_to_string(case.dir.join(f)).map_err(|e| e.to_string())?,
        _ => return Err("case has no expression".into()),
    };
    let input = match (spec.get("data"), spec.get("dataset")) {
        (Some(data), _) => Input::Inline(data.clone()),
        (None, Some(Json::String(name))) => {
            Input::Dataset(root.join("datasets").join(format!("{name}.json")))
        }
        _ => Input::Undefined,
    };
    let bindings = match spec.get("bindings") {
        Some(Json::Object(b)) => b.clone(),
        _ => Map::new(),
    };
    let depth = spec.get("depth").and_then(Json::as_u64).map(|d| d as usize);
    Ok(Prepared { expr, input, bindings, depth })
}

/// The suite's environment: plain JSONata 2.0.6 (`$eval` included; AWS disables it), the case's
/// depth bound, and room for its largest cases. The suite bounds time, not steps: two cases count
/// ten-million-element ranges, far past the default fuel.
pub fn suite_environment(depth: Option<usize>) -> Environment {
    Environment {
        max_depth: depth.unwrap_or(2000),
        max_stack_bytes: 200 << 20,
        fuel: 50_000_000,
        eval_enabled: true,
        ..Environment::default()
    }
}

/// Numbers compare by value (the suite writes `1` where an engine may compute `1.0`), to 15
/// significant digits as the reference runner does, so float noise in the last digit is equal.
pub fn same(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap_or(f64::NAN), y.as_f64().unwrap_or(f64::NAN));
            x == y || format!("{x:.14e}") == format!("{y:.14e}")
        }
        (Json::Array(x), Json::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q)),
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// What an evaluation gave: a result (`None`: undefined) or an error code.
pub type Outcome = Result<Option<Json>, String>;

/// Whether `outcome` is what the case expects; if not, how it differs.
pub fn judge(spec: &Json, outcome: Outcome) -> Result<(), String> {
    let code = spec.get("code").or_else(|| spec.get("error").and_then(|e| e.get("code")));
    if let Some(Json::String(code)) = code {
        return match outcome {
            Err(got) if got == *code => Ok(()),
            Err(got) => Err(format!("expected error {code}, got {got}")),
            Ok(v) => Err(format!("expected error {code}, got {v:?}")),
        };
    }
    let got = outcome.map_err(|code| format!("error {code}"))?;
    if spec.get("undefinedResult").is_some() {
        return match got {
            None => Ok(()),
            Some(v) => Err(format!("expected undefined, got {v}")),
        };
    }
    let Some(expected) = spec.get("result") else { return Err("case has no expected outcome".into()) };
    match got {
        Some(v) if same(&v, expected) => Ok(()),
        Some(v) => Err(format!("expected {expected}\n     got {v}")),
        None => Err(format!("expected {expected}, got undefined")),
    }
}

/// The one trial to run when the suite is not there: ignored (not every checkout has it beside
/// it), except under CI, where a missing suite would otherwise pass unnoticed.
pub fn missing_suite_trial(root: &Path) -> libtest_mimic::Trial {
    let note = format!("reference suite not found at {} (set BATON_JSONATA_SUITE)", root.display());
    match std::env::var("CI").is_ok_and(|v| v == "true") {
        true => libtest_mimic::Trial::test(note.clone(), move || {
            Err(format!("{note} (CI=true: the suite must run)").into())
        }),
        false => libtest_mimic::Trial::test(note, || Ok(())).with_ignored_flag(true),
    }
}
