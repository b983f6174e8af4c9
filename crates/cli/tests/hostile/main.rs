//! The hostile-input catalogue: broken JSON, hostile structures, paths and intrinsics, runtime
//! bombs, scenarios, inputs, command lines, JSONata expressions (`baton eval`) and single states
//! (`baton test-state`), each run through the real `baton` binary as a subprocess under limits,
//! with what must happen checked.
//!
//! Every case must end by itself within [`CPU_SECONDS`] of CPU time and [`MEMORY_BYTES`] of
//! address space, without a panic or a signal, and say what happened: a located
//! `FILE:LINE:COL: error:` line for a problem inside a file, the usage text for a usage error and
//! only then, or the execution's status and error as JSON. Big inputs are generated here, not
//! stored.
//!
//! The limits are meant for an optimized binary, so the catalogue runs with one, as
//! `cargo xtask test` does: `cargo test --release -p baton-cli --test hostile` (cases by name:
//! `... -- json/`). Under a debug build (`cargo test --workspace`) every case is listed as
//! ignored, with a note: unoptimized code is ten times slower and its stack frames are larger,
//! so it would fail limits that are about runaway work, not the build, and double the suite's
//! time. `-- --include-ignored` runs them anyway, with the CPU limit multiplied by
//! [`DEBUG_SLOWDOWN`].

mod bombs;
mod eval;
mod harness;
mod inputs;
mod json;
mod mocks;
mod paths;
mod scenarios;
mod structure;
mod test_state;
mod usage;

use libtest_mimic::{Arguments, Trial};

pub use harness::{Case, Expect, Sink};

/// CPU time a case may use (the child's RLIMIT_CPU). CPU time rather than wall time, so that a
/// busy machine does not fail a case; a wall-clock watchdog catches a child that blocks.
pub const CPU_SECONDS: u64 = 2;
/// Address space a case may use (the child's RLIMIT_AS).
pub const MEMORY_BYTES: u64 = 512 << 20;
/// How much longer a debug build may take than the release build the limits are meant for.
pub const DEBUG_SLOWDOWN: u64 = 10;

fn main() {
    let args = Arguments::from_args();
    let mut cases = Vec::new();
    for category in [
        json::cases(),
        structure::cases(),
        paths::cases(),
        bombs::cases(),
        scenarios::cases(),
        mocks::cases(),
        inputs::cases(),
        usage::cases(),
        eval::cases(),
        test_state::cases(),
    ] {
        cases.extend(category);
    }
    let mut seen = std::collections::HashSet::new();
    for case in &cases {
        assert!(seen.insert(case.name.clone()), "two cases are named {}", case.name);
    }
    let debug = cfg!(debug_assertions);
    if debug && !args.include_ignored {
        eprintln!(
            "note: the hostile catalogue's {} cases are skipped in a debug build; run them with \
             `cargo test --release -p baton-cli --test hostile`",
            cases.len()
        );
    }
    let binary = harness::binary();
    let trials = cases
        .into_iter()
        .map(|case| {
            let name = case.name.clone();
            let binary = binary.clone();
            Trial::test(name, move || case.check(&binary).map_err(Into::into)).with_ignored_flag(debug)
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}
