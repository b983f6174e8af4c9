//! `cargo xtask test`: every check and test suite, in order, stopping at the first failure.

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

use crate::fuzz;
use crate::run::{self, cargo, cmd, Run, Stop};
use crate::setup::{self, Needs};

/// Executions per fuzz target in `cargo xtask test` (a few seconds each).
const FUZZ_RUNS: u64 = 20_000;

/// Crates that would tie the language core to the browser.
const BROWSER_CRATES: [&str; 5] = ["wasm-bindgen", "web-sys", "js-sys", "yew", "gloo"];

pub fn test() -> ExitCode {
    let mut run = Run::new("test", true);
    let ok = steps(&mut run).is_ok();
    run.finish(ok)
}

fn steps(run: &mut Run) -> Result<(), Stop> {
    setup::setup(run, Needs::TEST)?;

    run.step("cargo fmt --check", |_| {
        let mut fmt = cargo(["fmt", "--all", "--check"]);
        if !std::io::stdout().is_terminal() {
            fmt.args(["--", "--color", "never"]);
        }
        run::run(&mut fmt).map_err(|e| format!("{e}\nfix with `cargo fmt --all`"))?;
        Ok(String::new())
    })?;
    run.step("cargo clippy (all targets, warnings are errors)", |_| {
        run::run(&mut cargo(["clippy", "--workspace", "--all-targets", "--locked", "--", "-D", "warnings"]))?;
        Ok(String::new())
    })?;
    run.step("native tests (cargo test --workspace)", |run| {
        cargo_test(run, &mut cargo(["test", "--workspace", "--locked", "--no-fail-fast"]))
    })?;
    // The catalogue's time and memory limits are meant for optimized code: the debug run above
    // lists its cases as ignored, this one runs them.
    run.step("hostile-input catalogue (release build)", |run| {
        cargo_test(run, &mut cargo(["test", "--release", "-p", "baton-cli", "--test", "hostile", "--locked"]))
    })?;
    run.step("baton-asl has no browser dependency", |_| asl_is_browser_free())?;
    run.step("wasm32 build of baton-asl and baton-sim", |_| {
        run::run(&mut cargo([
            "build",
            "-p",
            "baton-asl",
            "-p",
            "baton-sim",
            "--target",
            "wasm32-unknown-unknown",
            "--locked",
        ]))?;
        Ok(String::new())
    })?;
    let wasm_test_crates = crates_with_wasm_bindgen_tests();
    if wasm_test_crates.is_empty() {
        println!();
        println!("skipped: no wasm-bindgen tests");
        run.skip("wasm-bindgen tests in headless Chromium", "no wasm-bindgen tests");
    } else {
        run.step("wasm-bindgen tests in headless Chromium", |run| {
            let mut c = cargo(["test", "--target", "wasm32-unknown-unknown", "--locked", "--no-fail-fast"]);
            for name in &wasm_test_crates {
                c.args(["-p", name]);
            }
            c.env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", "wasm-bindgen-test-runner");
            cargo_test(run, &mut c)
        })?;
    }
    // A short fuzz run: a fixed number of executions from a fixed seed, the same work everywhere.
    // Long runs are for a person: `cargo xtask fuzz --time S`.
    fuzz::fuzz(run, &fuzz::TARGETS, fuzz::Budget { seconds: None, runs: Some(FUZZ_RUNS) })?;
    // The build `cargo xtask dist` makes: the browser tests run on what docs sites host.
    run.step("release build of the web app (cargo xtask dist)", |_| crate::dist::build("dist"))?;
    run.step("browser tests (node --test tests/browser/)", browser_tests)?;
    Ok(())
}

/// Runs a `cargo test` command, counting its `test result:` lines into the run.
fn cargo_test(run: &mut Run, c: &mut std::process::Command) -> Result<String, String> {
    let (out, ok) = run::tee(c)?;
    let Counts { passed, failed, ignored, suites } = count_cargo_results(&out);
    run.passed += passed;
    run.failed += failed;
    let note = format!("{passed} passed, {failed} failed, {ignored} ignored in {suites} suites");
    if ok && failed == 0 {
        Ok(note)
    } else if failed > 0 {
        Err(format!("{note}; see the failures above"))
    } else {
        Err(format!("`{}` failed before finishing ({note}); see the errors above", run::show(c)))
    }
}

#[derive(Debug, Default, PartialEq)]
struct Counts {
    passed: u64,
    failed: u64,
    ignored: u64,
    suites: u64,
}

/// Sums cargo's `test result: ok. 3 passed; 0 failed; 1 ignored; ...` lines.
fn count_cargo_results(out: &str) -> Counts {
    let mut counts = Counts::default();
    for line in out.lines() {
        let Some(rest) = line.trim().strip_prefix("test result: ") else { continue };
        counts.suites += 1;
        for part in rest.split(['.', ';']) {
            let mut words = part.split_whitespace();
            let (Some(n), Some(what)) = (words.next(), words.next()) else { continue };
            let Ok(n) = n.parse::<u64>() else { continue };
            match what {
                "passed" => counts.passed += n,
                "failed" => counts.failed += n,
                "ignored" => counts.ignored += n,
                _ => {}
            }
        }
    }
    counts
}

/// `wasm-bindgen`, `wasm-bindgen-futures`, `gloo-timers`, `yew-macro`... but not `yewtube`.
fn is_browser_crate(name: &str) -> bool {
    BROWSER_CRATES.iter().any(|b| name == *b || name.strip_prefix(b).is_some_and(|r| r.starts_with('-')))
}

fn asl_is_browser_free() -> Result<String, String> {
    // `--target all`: a browser crate behind a cfg(target_arch = "wasm32") would count too.
    let tree = run::capture(&mut cargo([
        "tree",
        "-p",
        "baton-asl",
        "-e",
        "normal",
        "--prefix",
        "none",
        "--target",
        "all",
        "--locked",
    ]))?;
    let mut names: Vec<&str> = tree.lines().filter_map(|l| l.split_whitespace().next()).collect();
    names.sort_unstable();
    names.dedup();
    let offenders: Vec<&str> = names.iter().copied().filter(|name| is_browser_crate(name)).collect();
    if offenders.is_empty() {
        Ok(format!("{} crates, none of {}", names.len(), BROWSER_CRATES.join(", ")))
    } else {
        Err(format!(
            "baton-asl depends on {} (a browser crate); the language core must build without the \
             browser. See `cargo tree -p baton-asl -e normal -i {}`",
            offenders.join(", "),
            offenders[0]
        ))
    }
}

/// Workspace crates whose manifest lists `wasm-bindgen-test`.
fn crates_with_wasm_bindgen_tests() -> Vec<String> {
    let mut manifests = vec![Path::new("Cargo.toml").to_path_buf()];
    if let Ok(dirs) = std::fs::read_dir("crates") {
        manifests.extend(dirs.flatten().map(|d| d.path().join("Cargo.toml")));
    }
    manifests.sort();
    let mut names = Vec::new();
    for manifest in manifests {
        let Ok(text) = std::fs::read_to_string(&manifest) else { continue };
        if !text.contains("wasm-bindgen-test") {
            continue;
        }
        let name = text
            .split("[package]")
            .nth(1)
            .and_then(|pkg| pkg.lines().find_map(|l| l.trim().strip_prefix("name")))
            .and_then(|rest| rest.trim().strip_prefix('='))
            .map(|v| v.trim().trim_matches('"').to_string());
        if let Some(name) = name {
            names.push(name);
        }
    }
    names
}

/// What a build wrote to `dir`, by kind: `dist/: css 29 KB, ...`.
pub fn dist_sizes(dir: &Path) -> String {
    let Ok(entries) = std::fs::read_dir(dir) else { return String::new() };
    let mut parts: Vec<String> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let kind =
                ["wasm", "js", "css", "html"].into_iter().find(|ext| name.ends_with(&format!(".{ext}")))?;
            Some(format!("{kind} {} KB", e.metadata().ok()?.len().div_ceil(1024)))
        })
        .collect();
    parts.sort();
    format!("{}/: {}", dir.display(), parts.join(", "))
}

fn browser_tests(run: &mut Run) -> Result<String, String> {
    if !Path::new("dist/index.html").is_file() {
        return Err("dist/index.html is missing; the release build did not produce the app".into());
    }
    let base_url = crate::http::serve_dir(Path::new("dist"))?;
    println!("serving dist/ at {base_url}");
    let tap = Path::new("target").join("browser-tests.tap");
    let _ = std::fs::remove_file(&tap);
    let mut node = cmd(
        "node",
        [
            "--test",
            "--test-reporter=spec",
            "--test-reporter-destination=stdout",
            "--test-reporter=tap",
            &format!("--test-reporter-destination={}", tap.display()),
            "tests/browser/",
        ],
    );
    node.env("BASE_URL", &base_url);
    if let Some(chromium) = setup::chromium_path() {
        node.env("CHROMIUM", chromium);
    }
    let (out, ok) = run::tee(&mut node)?;
    // Node's summary: `# pass N` / `# fail N` (TAP), `ℹ pass N` (spec).
    let report = std::fs::read_to_string(&tap).unwrap_or(out);
    let count = |key: &str| -> Option<u64> {
        report.lines().rev().find_map(|l| {
            let l = l.trim_start_matches(['#', 'ℹ', ' ']);
            l.strip_prefix(key)?.strip_prefix(' ')?.trim().parse().ok()
        })
    };
    let (Some(passed), Some(failed)) = (count("pass"), count("fail")) else {
        return Err("node --test printed no `# pass N` / `# fail N` summary; see its output above".into());
    };
    let cancelled = count("cancelled").unwrap_or(0);
    run.passed += passed;
    run.failed += failed + cancelled;
    let note = format!("{passed} passed, {failed} failed, {cancelled} cancelled");
    if passed + failed + cancelled == 0 {
        return Err("no browser tests found in tests/browser/ (files named *.test.mjs)".into());
    }
    if ok && failed + cancelled == 0 {
        Ok(note)
    } else {
        Err(format!("{note}; screenshots and details: tests/artifacts/ and the output above"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_cargo_test_result_lines() {
        let out = "running 2 tests\n\
            test result: ok. 3 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s\n\
            test result: FAILED. 5 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out; finished in 1.50s\n\
            some test printing: 7 passed\n";
        assert_eq!(count_cargo_results(out), Counts { passed: 8, failed: 2, ignored: 1, suites: 2 });
    }

    #[test]
    fn recognises_browser_crates() {
        for name in
            ["wasm-bindgen", "wasm-bindgen-futures", "web-sys", "js-sys", "yew", "yew-macro", "gloo-timers"]
        {
            assert!(is_browser_crate(name), "{name}");
        }
        for name in ["serde_json", "indexmap", "yewtube", "wasm-encoder", "baton-asl"] {
            assert!(!is_browser_crate(name), "{name}");
        }
    }
}
