//! Times the engine on the whole JSONata reference suite; run by `cargo xtask bench`, beside
//! `xtask/bench/jsonata.mjs`, which times jsonata-js 2.0.6 on the same cases.
//!
//! usage: `cargo run --profile bench-native -p baton-jsonata --example suite_bench -- SUITE_DIR RUNS OUT_JSON`
//!
//! Every case is parsed and evaluated (reading the files excluded) once as a warm-up, then RUNS
//! times. Each case is timed alone, so that the comparison can leave out a case either engine
//! does not complete: OUT_JSON is `{ "engine", "runs", "cases": [{ "name", "outcome", "ms": [...] }] }`,
//! where `outcome` is `value`, `undefined`, `error CODE` or `timeout` (the work bound, the
//! engine's counterpart of the suite's time limit).
//!
//! The environment is the one the suite runner (`tests/suite.rs`) uses: plain JSONata 2.0.6
//! (`$eval` included), the case's `depth` bound, and bounds on work and stack wide enough for
//! the suite's largest cases, so that both engines do the same work.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use baton_jsonata::{Environment, Expression, Json, Map};

struct Case {
    name: String,
    expr: String,
    input: Option<Json>,
    bindings: Map<String, Json>,
    depth: Option<usize>,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, runs, out] = args.as_slice() else { return usage() };
    let Some(runs) = runs.parse::<usize>().ok().filter(|&n| n > 0) else { return usage() };
    let cases = match load_cases(Path::new(dir)) {
        Ok(cases) => cases,
        Err(e) => {
            eprintln!("suite_bench: {e}");
            return ExitCode::FAILURE;
        }
    };
    // Deep (non-tail) recursion in some cases needs more stack than the main thread has.
    let timed = std::thread::Builder::new().stack_size(256 << 20).spawn(move || time_cases(&cases, runs));
    let report = match timed.map(|t| t.join()) {
        Ok(Ok(report)) => report,
        _ => {
            eprintln!("suite_bench: the timing thread failed");
            return ExitCode::FAILURE;
        }
    };
    let text = serde_json::to_string(&report).expect("JSON of a map");
    if let Err(e) = std::fs::write(out, text) {
        eprintln!("suite_bench: cannot write {out}: {e}");
        return ExitCode::FAILURE;
    }
    println!(
        "baton-jsonata: {} cases, {runs} runs, written to {out}",
        report["cases"].as_array().map_or(0, Vec::len)
    );
    ExitCode::SUCCESS
}

fn usage() -> ExitCode {
    eprintln!("usage: suite_bench SUITE_DIR RUNS OUT_JSON");
    ExitCode::from(2)
}

fn time_cases(cases: &[Case], runs: usize) -> Json {
    let mut outcomes = vec![String::new(); cases.len()];
    let mut times = vec![Vec::with_capacity(runs); cases.len()];
    for run in 0..=runs {
        for (i, case) in cases.iter().enumerate() {
            let env = Environment {
                max_depth: case.depth.unwrap_or(2000),
                max_stack_bytes: 200 << 20,
                fuel: 50_000_000,
                eval_enabled: true,
                ..Environment::default()
            };
            let t0 = Instant::now();
            let outcome = Expression::parse(&case.expr)
                .and_then(|e| e.evaluate(case.input.as_ref(), &case.bindings, &env));
            let ms = t0.elapsed().as_secs_f64() * 1000.0;
            if run == 0 {
                // The warm-up run says what each case does; the timed runs do the same.
                outcomes[i] = match outcome {
                    Ok(Some(_)) => "value".into(),
                    Ok(None) => "undefined".into(),
                    Err(e) if e.code == "U1001" && e.message.contains("work bound") => "timeout".into(),
                    Err(e) => format!("error {}", e.code),
                };
            } else {
                times[i].push(ms);
            }
        }
    }
    let cases: Vec<Json> = cases
        .iter()
        .zip(outcomes)
        .zip(times)
        .map(|((case, outcome), ms)| serde_json::json!({ "name": case.name, "outcome": outcome, "ms": ms }))
        .collect();
    serde_json::json!({ "engine": "baton-jsonata", "runs": runs, "cases": cases })
}

/// Every `*.json` under `groups/` (a file holds one case or an array of them), with its input
/// and bindings read once.
fn load_cases(root: &Path) -> Result<Vec<Case>, String> {
    let sorted_entries = |dir: &Path| -> Result<Vec<PathBuf>, String> {
        let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        Ok(paths)
    };
    let read_json = |path: &Path| -> Result<Json, String> {
        // Two cases hold a lone UTF-16 surrogate, which no Rust string can: they read as U+FFFD.
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        serde_json::from_str(&text.replace("\\uD800", "\\uFFFD"))
            .map_err(|e| format!("{}: {e}", path.display()))
    };
    let mut cases = Vec::new();
    for group in sorted_entries(&root.join("groups"))? {
        let group_name = group.file_name().unwrap_or_default().to_string_lossy().into_owned();
        for file in sorted_entries(&group)?.into_iter().filter(|p| p.extension().is_some_and(|e| e == "json"))
        {
            let stem = file.file_stem().unwrap_or_default().to_string_lossy().into_owned();
            let specs = match read_json(&file)? {
                Json::Array(items) => items
                    .into_iter()
                    .enumerate()
                    .map(|(i, spec)| (format!("{group_name}/{stem}[{i}]"), spec))
                    .collect(),
                spec => vec![(format!("{group_name}/{stem}"), spec)],
            };
            for (name, spec) in specs {
                let expr = match (spec.get("expr"), spec.get("expr-file")) {
                    (Some(Json::String(e)), _) => e.clone(),
                    (_, Some(Json::String(f))) => {
                        std::fs::read_to_string(group.join(f)).map_err(|e| format!("{name}: {e}"))?
                    }
                    _ => return Err(format!("{name}: no expression")),
                };
                let input = match (spec.get("data"), spec.get("dataset")) {
                    (Some(data), _) => Some(data.clone()),
                    (None, Some(Json::String(set))) => {
                        Some(read_json(&root.join("datasets").join(format!("{set}.json")))?)
                    }
                    _ => None,
                };
                let bindings = match spec.get("bindings") {
                    Some(Json::Object(b)) => b.clone(),
                    _ => Map::new(),
                };
                let depth = spec.get("depth").and_then(Json::as_u64).map(|d| d as usize);
                cases.push(Case { name, expr, input, bindings, depth });
            }
        }
    }
    Ok(cases)
}
