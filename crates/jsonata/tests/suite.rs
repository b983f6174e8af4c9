//! The JSONata 2.0.6 reference suite, one trial per case: `cargo test -p baton-jsonata --test suite
//! function-sum/case000` runs one. The suite lives outside the repository (default
//! `../shared/jsonata-suite` from the workspace root, or `$BATON_JSONATA_SUITE`).
//!
//! `known-failures.txt` lists the cases this engine does not pass, one per line with the reason;
//! a listed case that passes fails the run, so the list stays true.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use baton_jsonata::{Environment, Expression, Json};
use libtest_mimic::{Arguments, Failed, Trial};

fn suite_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("BATON_JSONATA_SUITE") {
        return PathBuf::from(dir);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/jsonata-suite")
}

fn known_failures() -> HashMap<String, String> {
    let text = include_str!("known-failures.txt");
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| match l.split_once(char::is_whitespace) {
            Some((name, reason)) => (name.to_string(), reason.trim().to_string()),
            None => (l.to_string(), String::new()),
        })
        .collect()
}

struct Case {
    name: String,
    dir: PathBuf,
    spec: Json,
}

fn load_cases(root: &Path) -> Vec<Case> {
    let mut cases = Vec::new();
    let mut groups: Vec<PathBuf> = std::fs::read_dir(root.join("groups"))
        .expect("the suite's groups/")
        .map(|e| e.unwrap().path())
        .collect();
    groups.sort();
    for group in groups {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&group)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        let group_name = group.file_name().unwrap().to_string_lossy().to_string();
        for file in files {
            let stem = file.file_stem().unwrap().to_string_lossy().to_string();
            // Two cases hold a lone UTF-16 surrogate, which no Rust string can: they read as U+FFFD.
            let text = std::fs::read_to_string(&file).unwrap().replace("\\uD800", "\\uFFFD");
            let spec: Json = serde_json::from_str(&text).unwrap();
            match spec {
                Json::Array(items) => {
                    for (i, spec) in items.into_iter().enumerate() {
                        cases.push(Case {
                            name: format!("{group_name}/{stem}[{i}]"),
                            dir: group.clone(),
                            spec,
                        });
                    }
                }
                spec => cases.push(Case { name: format!("{group_name}/{stem}"), dir: group.clone(), spec }),
            }
        }
    }
    cases
}

/// Numbers compare by value (the suite writes `1` where an engine may compute `1.0`), to 15
/// significant digits as the reference runner does, so float noise in the last digit is equal.
fn same(a: &Json, b: &Json) -> bool {
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

fn run_case(root: &Path, case: &Case) -> Result<(), String> {
    let spec = &case.spec;
    let expr_text = match (spec.get("expr"), spec.get("expr-file")) {
        (Some(Json::String(e)), _) => e.clone(),
        (_, Some(Json::String(f))) => std::fs::read_to_string(case.dir.join(f)).map_err(|e| e.to_string())?,
        _ => return Err("case has no expression".into()),
    };
    let input: Option<Json> = match (spec.get("data"), spec.get("dataset")) {
        (Some(d), _) => Some(d.clone()),
        (None, Some(Json::String(name))) => {
            let text = std::fs::read_to_string(root.join("datasets").join(format!("{name}.json")))
                .map_err(|e| e.to_string())?;
            Some(serde_json::from_str(&text).map_err(|e| e.to_string())?)
        }
        _ => None,
    };
    let bindings = match spec.get("bindings") {
        Some(Json::Object(m)) => m.clone(),
        _ => Default::default(),
    };
    // The suite is plain JSONata 2.0.6, `$eval` included (AWS disables it). It bounds time, not
    // steps: two cases count ten-million-element ranges, far past the default fuel.
    let mut env = Environment {
        max_depth: 2000,
        max_stack_bytes: 200 << 20,
        fuel: 50_000_000,
        eval_enabled: true,
        ..Environment::default()
    };
    if let Some(d) = spec.get("depth").and_then(Json::as_u64) {
        env.max_depth = d as usize;
    }
    let outcome = Expression::parse(&expr_text).and_then(|e| e.evaluate(input.as_ref(), &bindings, &env));
    let code = spec.get("code").or_else(|| spec.get("error").and_then(|e| e.get("code")));
    if let Some(Json::String(code)) = code {
        return match outcome {
            Err(e) if e.code == code => Ok(()),
            Err(e) => Err(format!("expected error {code}, got {e}")),
            Ok(v) => Err(format!("expected error {code}, got {v:?}")),
        };
    }
    let got = outcome.map_err(|e| format!("error {e}"))?;
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

fn main() {
    let args = Arguments::from_args();
    let root = suite_dir();
    if !root.join("groups").is_dir() {
        // Not every checkout has the suite beside it: say so, as an ignored trial, and pass;
        // except under CI, where a missing suite would otherwise pass unnoticed.
        let note = format!("reference suite not found at {} (set BATON_JSONATA_SUITE)", root.display());
        let trial = match std::env::var("CI").is_ok_and(|v| v == "true") {
            true => {
                Trial::test(note.clone(), move || Err(format!("{note} (CI=true: the suite must run)").into()))
            }
            false => Trial::test(note, || Ok(())).with_ignored_flag(true),
        };
        libtest_mimic::run(&args, vec![trial]).exit();
    }
    let known = known_failures();
    let cases = load_cases(&root);
    let trials = cases
        .into_iter()
        .map(|case| {
            let root = root.clone();
            let listed = known.get(&case.name).cloned();
            let name = case.name.clone();
            Trial::test(name, move || {
                // Deep (non-tail) recursion in some cases needs more stack than a test thread has.
                let outcome = std::thread::Builder::new()
                    .stack_size(256 << 20)
                    .spawn(move || run_case(&root, &case))
                    .expect("spawn")
                    .join()
                    .unwrap_or_else(|_| Err("panicked".into()));
                match (outcome, listed) {
                    (Ok(()), None) => Ok(()),
                    (Err(e), None) => Err(Failed::from(e)),
                    (Err(_), Some(_)) => Ok(()),
                    (Ok(()), Some(reason)) => {
                        Err(Failed::from(format!("passes, but is listed in known-failures.txt ({reason})")))
                    }
                }
            })
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}
