//! The JSONata 2.0.6 reference suite through `baton eval`, one trial per case, one process per
//! case: `cargo test -p baton-cli --test eval_suite function-sum/case000` runs one. It checks
//! what the engine's own runner (`crates/jsonata/tests/suite.rs`) checks, through the command
//! line: the result printed as JSON, nothing for undefined, or exit 1 with the error's code first
//! on standard error.
//!
//! The suite lives outside the repository (default `../shared/jsonata-suite` from the workspace
//! root, or `$BATON_JSONATA_SUITE`). Cases the engine does not pass are in the engine's
//! `known-failures.txt`: through `baton eval` they must fail as they do in the engine (the same
//! value or error code, evaluated here in the same environment). `eval-known-failures.txt` adds
//! those that differ only because `baton eval` is Step Functions' JSONata (no `$eval`, the
//! engine's default bounds), each with its reason. A listed case that passes fails the run, so
//! both lists stay true.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use baton_jsonata::{Environment, Expression, Json, Map};
use libtest_mimic::{Arguments, Failed, Trial};

fn suite_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("BATON_JSONATA_SUITE") {
        return PathBuf::from(dir);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/jsonata-suite")
}

/// `group/case reason` lines; `#` starts a comment.
fn listed(text: &str) -> HashMap<String, String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| match l.split_once(char::is_whitespace) {
            Some((name, reason)) => (name.to_string(), reason.trim().to_string()),
            None => (l.to_string(), String::new()),
        })
        .collect()
}

/// Why a case is listed as failing, and whether the engine's own list says so (the case must
/// then fail through `baton eval` as it fails in the engine) or `eval-known-failures.txt`.
#[derive(Clone)]
struct Listed {
    reason: String,
    by_engine: bool,
}

fn known_failures() -> HashMap<String, Listed> {
    let engine = listed(include_str!("../../jsonata/tests/known-failures.txt"));
    let eval = listed(include_str!("eval-known-failures.txt"));
    let listing = |by_engine| move |(name, reason)| (name, Listed { reason, by_engine });
    engine.into_iter().map(listing(true)).chain(eval.into_iter().map(listing(false))).collect()
}

struct Case {
    name: String,
    dir: PathBuf,
    spec: Json,
}

/// Every `*.json` under `groups/`: a file holds one case or an array of them.
fn load_cases(root: &Path) -> Result<Vec<Case>, String> {
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
            // Two cases hold a lone UTF-16 surrogate, which no Rust string can: they read as
            // U+FFFD, as in the engine's runner.
            let text = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            let spec: Json = serde_json::from_str(&text.replace("\\uD800", "\\uFFFD"))
                .map_err(|e| format!("{}: {e}", file.display()))?;
            match spec {
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

/// Numbers compare by value, to 15 significant digits as the reference runner does (the suite
/// writes `1` where an engine may compute `1.0`, and float noise in the last digit is equal).
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

/// What an evaluation gave: a result (`None`: undefined) or an error code.
type Outcome = Result<Option<Json>, String>;

/// A case's expression, input and bindings, ready for either evaluation.
struct Prepared {
    expr: String,
    input: Input,
    bindings: Option<Map<String, Json>>,
}

enum Input {
    Undefined,
    Inline(Json),
    Dataset(PathBuf),
}

fn prepare(root: &Path, case: &Case) -> Result<Prepared, String> {
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
        Some(Json::Object(b)) => Some(b.clone()),
        _ => None,
    };
    Ok(Prepared { expr, input, bindings })
}

/// `baton eval [--input-file F] [--bindings B] -- EXPR`, run directly (no shell).
fn eval_through_baton(name: &str, case: &Prepared) -> Result<Outcome, String> {
    let mut command = Command::new(env!("CARGO_BIN_EXE_baton"));
    command.arg("eval").stdin(Stdio::null());
    match &case.input {
        Input::Undefined => {}
        Input::Inline(data) => {
            let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("eval-suite");
            std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
            let file = dir.join(format!("{}.json", name.replace(['/', '[', ']'], "-")));
            std::fs::write(&file, data.to_string()).map_err(|e| e.to_string())?;
            command.arg("--input-file").arg(file);
        }
        Input::Dataset(file) => {
            command.arg("--input-file").arg(file);
        }
    }
    if let Some(bindings) = &case.bindings {
        command.arg("--bindings").arg(Json::Object(bindings.clone()).to_string());
    }
    let out = command.arg("--").arg(&case.expr).output().map_err(|e| format!("cannot run baton: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    match out.status.code() {
        Some(0) if stdout.is_empty() => Ok(Ok(None)),
        Some(0) => serde_json::from_str(&stdout)
            .map(|v| Ok(Some(v)))
            .map_err(|e| format!("stdout is not JSON ({e}): {stdout}")),
        Some(1) => match stderr.split_once(": ") {
            Some((code, _)) => Ok(Err(code.to_string())),
            None => Err(format!("exit 1 without a code: {stderr}")),
        },
        code => Err(format!("exit {code:?}: {stderr}")),
    }
}

/// The engine in this process, in `baton eval`'s environment (Step Functions' defaults, and a
/// stack as big as the command gives its evaluation thread).
fn eval_in_process(case: &Prepared) -> Result<Outcome, String> {
    let input = match &case.input {
        Input::Undefined => None,
        Input::Inline(data) => Some(data.clone()),
        Input::Dataset(file) => {
            let text = std::fs::read_to_string(file).map_err(|e| e.to_string())?;
            Some(serde_json::from_str(&text).map_err(|e| e.to_string())?)
        }
    };
    let bindings = case.bindings.clone().unwrap_or_default();
    let env = Environment { max_stack_bytes: 48 << 20, ..Environment::default() };
    let expr = case.expr.clone();
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || Expression::parse(&expr).and_then(|e| e.evaluate(input.as_ref(), &bindings, &env)))
        .map_err(|e| e.to_string())?
        .join()
        .map_err(|_| "the engine panicked".to_string())
        .map(|outcome| outcome.map_err(|e| e.code.to_string()))
}

fn same_outcome(a: &Outcome, b: &Outcome) -> bool {
    match (a, b) {
        (Ok(Some(x)), Ok(Some(y))) => same(x, y),
        _ => a == b,
    }
}

/// Whether an outcome is what the case expects.
fn judge(spec: &Json, outcome: Outcome) -> Result<(), String> {
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

/// One trial: the case through `baton eval`, judged, and set against the lists.
fn run_case(root: &Path, case: &Case, listed: Option<&Listed>) -> Result<(), String> {
    let prepared = prepare(root, case)?;
    let outcome = eval_through_baton(&case.name, &prepared)?;
    match (judge(&case.spec, outcome.clone()), listed) {
        (Ok(()), None) => Ok(()),
        (Err(e), None) => Err(e),
        (Ok(()), Some(listed)) => Err(format!("passes, but is listed as failing ({})", listed.reason)),
        (Err(_), Some(Listed { by_engine: false, .. })) => Ok(()),
        (Err(_), Some(Listed { by_engine: true, .. })) => {
            let engine = eval_in_process(&prepared)?;
            match same_outcome(&outcome, &engine) {
                true => Ok(()),
                false => Err(format!(
                    "fails, as the engine's list says, but not as the engine does: baton eval gave \
                     {outcome:?}, the engine {engine:?}"
                )),
            }
        }
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
    let cases = match load_cases(&root) {
        Ok(cases) => cases,
        Err(e) => {
            let trial = Trial::test("load the reference suite", move || Err(e.into()));
            libtest_mimic::run(&args, vec![trial]).exit();
        }
    };
    let known = known_failures();
    let trials = cases
        .into_iter()
        .map(|case| {
            let root = root.clone();
            let listed = known.get(&case.name).cloned();
            Trial::test(case.name.clone(), move || {
                run_case(&root, &case, listed.as_ref()).map_err(Failed::from)
            })
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}
