//! The JSONata 2.0.6 reference suite, one trial per case: `cargo test -p baton-jsonata --test suite
//! function-sum/case000` runs one. The suite lives outside the repository (default
//! `../shared/jsonata-suite` from the workspace root, or `$BATON_JSONATA_SUITE`).
//!
//! `known-failures.txt` lists the cases this engine does not pass, one per line with the reason;
//! a listed case that passes fails the run, so the list stays true.

#[path = "support/suite.rs"]
mod suite;

use std::path::Path;

use baton_jsonata::Expression;
use libtest_mimic::{Arguments, Failed, Trial};
use suite::{judge, load_cases, prepare, suite_environment, Case};

fn run_case(root: &Path, case: &Case) -> Result<(), String> {
    let prepared = prepare(root, case)?;
    let input = prepared.input.read()?;
    let env = suite_environment(prepared.depth);
    let outcome = Expression::parse(&prepared.expr)
        .and_then(|e| e.evaluate(input.as_ref(), &prepared.bindings, &env))
        .map_err(|e| e.code.to_string());
    judge(&case.spec, outcome)
}

fn main() {
    let args = Arguments::from_args();
    let root = suite::suite_dir(env!("CARGO_MANIFEST_DIR"));
    if !root.join("groups").is_dir() {
        libtest_mimic::run(&args, vec![suite::missing_suite_trial(&root)]).exit();
    }
    let known = suite::listed(include_str!("known-failures.txt"));
    let cases = match load_cases(&root) {
        Ok(cases) => cases,
        Err(e) => {
            libtest_mimic::run(&args, vec![Trial::test("load the reference suite", move || Err(e.into()))])
                .exit()
        }
    };
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
