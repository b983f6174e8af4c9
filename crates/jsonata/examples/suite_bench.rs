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

#[path = "../tests/support/suite.rs"]
mod suite;

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use baton_jsonata::{Expression, Json};

struct Case {
    name: String,
    prepared: suite::Prepared,
    input: Option<Json>,
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
            let env = suite::suite_environment(case.prepared.depth);
            let t0 = Instant::now();
            let outcome = Expression::parse(&case.prepared.expr)
                .and_then(|e| e.evaluate(case.input.as_ref(), &case.prepared.bindings, &env));
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

/// Every case, with its input and bindings read once.
fn load_cases(root: &Path) -> Result<Vec<Case>, String> {
    suite::load_cases(root)?
        .iter()
        .map(|case| {
            let prepared = suite::prepare(root, case).map_err(|e| format!("{}: {e}", case.name))?;
            let input = prepared.input.read().map_err(|e| format!("{}: {e}", case.name))?;
            Ok(Case { name: case.name.clone(), prepared, input })
        })
        .collect()
}
