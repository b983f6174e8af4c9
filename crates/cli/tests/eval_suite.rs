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

#[path = "../../jsonata/tests/support/suite.rs"]
mod suite;

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Stdio};

use baton_jsonata::{Environment, Expression, Json};
use libtest_mimic::{Arguments, Failed, Trial};
use suite::{judge, listed, load_cases, prepare, same, Case, Input, Outcome, Prepared};

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
    if !case.bindings.is_empty() {
        command.arg("--bindings").arg(Json::Object(case.bindings.clone()).to_string());
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
    let input = case.input.read()?;
    let bindings = case.bindings.clone();
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
    let root = suite::suite_dir(env!("CARGO_MANIFEST_DIR"));
    if !root.join("groups").is_dir() {
        libtest_mimic::run(&args, vec![suite::missing_suite_trial(&root)]).exit();
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
