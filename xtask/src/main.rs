//! `cargo xtask`: the project's own build tool (std only, no dependencies).
//!
//! - `cargo xtask setup`: installs what is missing (wasm32 target, Trunk, wasm-bindgen-cli, npm
//!   packages), idempotent and a few seconds when everything is present;
//! - `cargo xtask serve [--port N]`: setup, then `trunk serve` of the web app (default port 8080);
//! - `cargo xtask dist [--out DIR]`: setup, then the release build as a static folder that works
//!   from any sub-path of any host (for docs sites);
//! - `cargo xtask test`: setup (plus Chromium), then every check and test suite in order, stopping at
//!   the first failure; the last line printed is `N passed, N failed`;
//! - `cargo xtask bench [--runs N]`: the speed workloads through Baton (native) and through
//!   aws-local-stepfunctions (Node), side by side;
//! - `cargo xtask bench --web [--runs N]`: the web app's size, load time and click latency against
//!   the budget (release build, headless Chromium), and the speed workloads through Baton's engine
//!   in wasm and aws-local-stepfunctions' browser build, side by side in one page;
//! - `cargo xtask fuzz [--time S] [--runs N] [TARGET...]`: coverage-guided fuzzing of every reader
//!   of user input (libFuzzer, stable toolchain), S seconds or N executions per target.

mod bench;
mod bench_web;
mod dist;
mod fuzz;
mod http;
mod json;
mod run;
mod serve;
mod setup;
mod testing;
mod workloads;

use std::path::PathBuf;
use std::process::ExitCode;

use run::Run;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  setup              install what is missing (wasm32 target, Trunk, wasm-bindgen-cli, npm packages)
  serve [--port N]   setup, then serve the app with rebuilds at http://127.0.0.1:N/ (default 8080)
  dist [--out DIR]   setup, then the release build as a static folder for any host and sub-path
                     (default dist/), with the embed demo page embed-demo.html
  test               setup, then formatting, clippy, native tests, the wasm build, the release build
                     and the browser tests; the last line is `N passed, N failed`
  bench [--runs N]   time Baton and aws-local-stepfunctions on the same workloads (default 5 runs)
  bench --web [--runs N]
                     the web app against its budget: first-load size (gzip), time to an editable
                     page, click latency with 1,000 events (default 9 loads, 10 clicks of each kind);
                     and the workloads through Baton (wasm) and aws-local-stepfunctions (browser
                     build) in one Chromium page (default 5 runs each; --runs N sets all three)
  fuzz [--time S] [--runs N] [TARGET...]
                     coverage-guided fuzzing with libFuzzer: each target stops after S seconds or
                     N executions, whichever comes first (default 60 s; given N alone, the seed is
                     fixed so the work is the same everywhere);
                     targets: definition, jsonpath, intrinsics, choice, scenario, history, jsonata (all
                     by default). Crashes are saved under target/fuzz/artifacts/TARGET/";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(command) = args.first().map(String::as_str) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let rest = &args[1..];

    let root = repo_root();
    if let Err(e) = std::env::set_current_dir(&root) {
        eprintln!("xtask: cannot enter {}: {e}", root.display());
        return ExitCode::FAILURE;
    }
    prepend_path(&root);

    let result = match command {
        "setup" => no_options(rest).map(|()| {
            let mut run = Run::new("setup", false);
            let ok = setup::setup(&mut run, setup::Needs::WEB).is_ok();
            run.finish(ok)
        }),
        "serve" => parse_number(rest, "--port", 8080).and_then(|port| {
            let port = u16::try_from(port).map_err(|_| format!("--port {port} is not a port number"))?;
            Ok(serve::serve(port))
        }),
        "dist" => parse_text(rest, "--out", dist::DEFAULT_OUT).map(|out| dist::dist(&out)),
        "test" => no_options(rest).map(|()| testing::test()),
        "bench" => bench_command(rest),
        "fuzz" => fuzz_command(rest),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        other => Err(format!("unknown command `{other}`")),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("xtask: {message}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// `bench [--runs N]` (the engines) or `bench --web [--runs N]` (the web app).
fn bench_command(rest: &[String]) -> Result<ExitCode, String> {
    let web = rest.iter().any(|a| a == "--web");
    let rest: Vec<String> = rest.iter().filter(|a| *a != "--web").cloned().collect();
    let runs = if rest.is_empty() { None } else { Some(parse_number(&rest, "--runs", 5)? as usize) };
    if runs == Some(0) {
        return Err("--runs must be at least 1".into());
    }
    Ok(if web { bench_web::bench_web(runs) } else { bench::bench(runs.unwrap_or(5)) })
}

/// `fuzz [--time S] [--runs N] [TARGET...]`.
fn fuzz_command(rest: &[String]) -> Result<ExitCode, String> {
    let mut budget = fuzz::Budget { seconds: None, runs: None };
    let mut targets = Vec::new();
    let mut args = rest.iter();
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) => (name, Some(value.to_string())),
            None => (arg.as_str(), None),
        };
        if name == "--time" || name == "--runs" {
            let value = match inline {
                Some(v) => v,
                None => args.next().cloned().ok_or(format!("{name} expects a number"))?,
            };
            let n: u64 = value
                .parse()
                .ok()
                .filter(|n| *n > 0)
                .ok_or(format!("{name} expects a positive number, got `{value}`"))?;
            if name == "--time" {
                budget.seconds = Some(n);
            } else {
                budget.runs = Some(n);
            }
        } else if let Some(target) = fuzz::TARGETS.iter().find(|t| *t == arg) {
            targets.push(*target);
        } else {
            return Err(format!("unknown fuzz target `{arg}` (targets: {})", fuzz::TARGETS.join(", ")));
        }
    }
    if budget.seconds.is_none() && budget.runs.is_none() {
        budget.seconds = Some(60);
    }
    if targets.is_empty() {
        targets = fuzz::TARGETS.to_vec();
    }
    let mut run = Run::new("fuzz", false);
    let ok = fuzz::fuzz(&mut run, &targets, budget).is_ok();
    Ok(run.finish(ok))
}

fn no_options(rest: &[String]) -> Result<(), String> {
    match rest.first() {
        None => Ok(()),
        Some(arg) => Err(format!("unexpected argument `{arg}`")),
    }
}

/// `[--name TEXT]` or `[--name=TEXT]`, nothing else.
fn parse_text(rest: &[String], name: &str, default: &str) -> Result<String, String> {
    match rest {
        [] => Ok(default.to_string()),
        [flag, value] if flag == name => Ok(value.clone()),
        [flag] if flag.starts_with(&format!("{name}=")) => Ok(flag[name.len() + 1..].to_string()),
        _ => Err(format!("expected nothing or `{name} VALUE`, got `{}`", rest.join(" "))),
    }
}

/// `[--name N]` or `[--name=N]`, nothing else.
fn parse_number(rest: &[String], name: &str, default: u64) -> Result<u64, String> {
    let value = match rest {
        [] => return Ok(default),
        [flag, value] if flag == name => value.as_str(),
        [flag] if flag.starts_with(&format!("{name}=")) => &flag[name.len() + 1..],
        _ => return Err(format!("expected nothing or `{name} N`, got `{}`", rest.join(" "))),
    };
    value.parse().map_err(|_| format!("{name} expects a number, got `{value}`"))
}

/// The workspace root: xtask lives in `<root>/xtask`.
fn repo_root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().map(PathBuf::from).unwrap_or(manifest_dir)
}

/// Child processes find `wasm-opt` (npm binaryen) and the cargo-installed tools first.
fn prepend_path(root: &std::path::Path) {
    let mut dirs = vec![root.join("node_modules").join(".bin")];
    if let Some(cargo_bin) = run::cargo_home().map(|home| home.join("bin")) {
        dirs.push(cargo_bin);
    }
    if let Some(old) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&old));
    }
    if let Ok(path) = std::env::join_paths(dirs) {
        // Single-threaded at this point.
        std::env::set_var("PATH", path);
    }
}
