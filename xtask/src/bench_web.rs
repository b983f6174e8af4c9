//! `cargo xtask bench --web [--runs N]`: the web app's size and speed against the budget.
//!
//! A release `trunk build` into `target/bench-dist` (not `dist/`, so a running `cargo xtask serve`
//! or browser test keeps its build), served on 127.0.0.1 by [`crate::http`], then
//! `xtask/bench/web.mjs` (Playwright with Debian Chromium, launched as the browser tests launch
//! it) measures:
//! - the gzip -9 size of each first-load asset and their total (budget 450 kB), and apart the
//!   JSONata engine the app fetches when a definition first needs it;
//! - the median time from navigation start to an editable definition editor (budget 500 ms), and
//!   to a usable embed; a docs reader's first visit, cold, for both (budget 500 ms, goal 300 ms);
//! - with a history of about 1,000 events, the median time from a click on "Send task success" /
//!   "Advance to next deadline" until every view has updated and the next frame is out (50 ms).
//!
//! - the speed workloads (loop, map, chain) through Baton's engine compiled to wasm
//!   (`crates/bench-wasm`, built with the app's release profile and wasm-opt settings, so it runs
//!   as users get it) and through aws-local-stepfunctions 3.0.0's browser build, in turn in one
//!   page (`xtask/bench/engines/`, served from `target/bench-engines`): medians, transitions per
//!   second and the ratio ALSF ms / Baton ms, against the goal of at least 5x.
//!
//! It prints a table with each figure, its budget and PASS/OVER, and writes the figures to
//! `target/bench-web.json`. A benchmark, not a test: a figure over budget or a goal not met is
//! reported, and the command fails only when it cannot measure. Timings depend on the machine and
//! its load.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::json::Json;
use crate::run::{self, cargo, cmd, Run};
use crate::setup::{self, Needs};
use crate::workloads;

const DIST: &str = "target/bench-dist";
const REPORT: &str = "target/bench-web.json";
/// The engines' page: wasm-bindgen's output, ALSF's bundle, the page and the workload files.
const ENGINES: &str = "target/bench-engines";
const ENGINE_PAGE: &str = "xtask/bench/engines";
const ENGINE_CRATE: &str = "baton-bench-wasm";
const ALSF: &str = "node_modules/aws-local-stepfunctions";
const ALSF_VERSION: &str = "3.0.0";
/// Runs of each engine on each workload, when `--runs` is not given (as `cargo xtask bench`).
const ENGINE_RUNS: usize = 5;
/// Page loads and clicks of each kind, when `--runs` is not given.
const LOADS: usize = 9;
const CLICKS: usize = 10;
/// The history the clicks are timed on.
const EVENTS: usize = 1000;

pub fn bench_web(runs: Option<usize>) -> ExitCode {
    let mut run = Run::new("bench --web", false);
    if setup::setup(&mut run, Needs::TEST).is_err() {
        return run.finish(false);
    }
    let build = run.step(&format!("release build of the web app (cargo xtask dist) into {DIST}"), |_| {
        crate::dist::build(DIST)
    });
    if build.is_err() {
        return run.finish(false);
    }
    let profile = release_profile();
    let mut engine_build = String::new();
    let engines = run.step(
        &format!(
            "Baton's engine for the browser: {ENGINE_CRATE}, release profile ({profile}), into {ENGINES}"
        ),
        |_| {
            let opt = build_engines()?;
            engine_build = format!("release profile ({profile}); {opt}");
            Ok(opt)
        },
    );
    if engines.is_err() {
        return run.finish(false);
    }
    let (loads, clicks) = runs.map_or((LOADS, CLICKS), |n| (n, n));
    let engine_runs = runs.unwrap_or(ENGINE_RUNS);
    let measured = run.step(
        &format!(
            "web app: size, {loads} page loads, {clicks} clicks of each kind with {EVENTS} events; \
             engines: {engine_runs} runs of each workload"
        ),
        |_| measure(loads, clicks, engine_runs, &engine_build),
    );
    run.finish(measured.is_ok())
}

/// The `[profile.release]` settings in Cargo.toml, as one line: the app's and the engine's build.
fn release_profile() -> String {
    let toml = std::fs::read_to_string("Cargo.toml").unwrap_or_default();
    let settings: Vec<&str> = toml
        .lines()
        .skip_while(|l| l.trim() != "[profile.release]")
        .skip(1)
        .map(str::trim)
        .take_while(|l| !l.is_empty() && !l.starts_with('['))
        .filter(|l| !l.starts_with('#'))
        .collect();
    if settings.is_empty() {
        "Cargo's defaults".into()
    } else {
        settings.join(", ")
    }
}

/// The wasm-opt level and extra arguments index.html gives Trunk for the app's release build.
fn wasm_opt_settings(index_html: &str) -> (String, Vec<String>) {
    let attr = |name: &str| -> Option<String> {
        let tag = index_html.lines().find(|l| l.contains("data-trunk") && l.contains(r#"rel="rust""#))?;
        let start = tag.find(&format!(r#" {name}=""#))? + name.len() + 3;
        let len = tag[start..].find('"')?;
        Some(tag[start..start + len].to_string())
    };
    // Trunk runs `wasm-opt -O` in release when the level is not given.
    let level = attr("data-wasm-opt").unwrap_or_default();
    let params =
        attr("data-wasm-opt-params").map_or(Vec::new(), |p| p.split_whitespace().map(String::from).collect());
    (level, params)
}

/// Builds the engine's wasm as Trunk builds the app's (cargo, wasm-bindgen --target web, then
/// wasm-opt with index.html's settings), and gathers the page with ALSF's browser bundle and the
/// workloads. Returns the wasm-opt arguments and the wasm's size, for the report.
fn build_engines() -> Result<String, String> {
    let dir = Path::new(ENGINES);
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {ENGINES}: {e}"))?;

    let target = "wasm32-unknown-unknown";
    run::run(&mut cargo([
        "build",
        "--release",
        "--locked",
        "--offline",
        "-p",
        ENGINE_CRATE,
        "--target",
        target,
    ]))?;
    let target_dir = std::env::var_os("CARGO_TARGET_DIR").map_or(PathBuf::from("target"), PathBuf::from);
    let wasm = target_dir.join(target).join("release").join("bench_wasm.wasm");
    run::run(
        cmd("wasm-bindgen", ["--target=web", "--no-typescript", "--out-name=bench_wasm"])
            .arg(format!("--out-dir={ENGINES}"))
            .arg(&wasm),
    )?;

    let index = std::fs::read_to_string("index.html").map_err(|e| format!("cannot read index.html: {e}"))?;
    let (level, params) = wasm_opt_settings(&index);
    let bg = dir.join("bench_wasm_bg.wasm");
    let optimized = dir.join("bench_wasm_bg.opt.wasm");
    run::run(
        cmd("wasm-opt", [format!("--output={}", optimized.display()), format!("-O{level}")])
            .arg(&bg)
            .args(&params),
    )?;
    std::fs::rename(&optimized, &bg).map_err(|e| format!("cannot replace {}: {e}", bg.display()))?;
    let wasm_bytes = std::fs::metadata(&bg).map(|m| m.len()).unwrap_or(0);

    for file in ["index.html", "engines.mjs"] {
        copy(&Path::new(ENGINE_PAGE).join(file), &dir.join(file))?;
    }
    let bundle = alsf_browser_bundle()?;
    copy(&bundle, &dir.join("alsf.browser.esm.js"))?;
    workloads::write_all(&dir.join("workloads"))?;

    let opt = format!("wasm-opt -O{level} {}", params.join(" "));
    Ok(format!("{opt}; {:.1} kB of wasm", wasm_bytes as f64 / 1000.0))
}

/// ALSF's browser build, as its package.json names it, after checking the version compared.
fn alsf_browser_bundle() -> Result<PathBuf, String> {
    let manifest = Path::new(ALSF).join("package.json");
    let text = std::fs::read_to_string(&manifest)
        .map_err(|e| format!("cannot read {}: {e} (run `npm ci`)", manifest.display()))?;
    let package = Json::parse(&text)?;
    let version = package.get("version").and_then(Json::as_str).unwrap_or("?");
    if version != ALSF_VERSION {
        return Err(format!("{ALSF} is version {version}, expected {ALSF_VERSION}; run `npm ci`"));
    }
    let browser = package
        .get("browser")
        .and_then(Json::as_str)
        .ok_or_else(|| format!("{} names no browser build", manifest.display()))?;
    Ok(Path::new(ALSF).join(browser))
}

fn copy(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| format!("cannot copy {} to {}: {e}", from.display(), to.display()))
}

fn measure(loads: usize, clicks: usize, engine_runs: usize, engine_build: &str) -> Result<String, String> {
    if !Path::new(DIST).join("index.html").is_file() {
        return Err(format!("{DIST}/index.html is missing; the release build did not produce the app"));
    }
    let base_url = crate::http::serve_dir(Path::new(DIST))?;
    println!("serving {DIST}/ at {base_url}");
    let engines_url = crate::http::serve_dir(Path::new(ENGINES))?;
    println!("serving {ENGINES}/ at {engines_url}");
    let _ = std::fs::remove_file(REPORT);
    let (loads, clicks, events) = (loads.to_string(), clicks.to_string(), EVENTS.to_string());
    let engine_runs = engine_runs.to_string();
    let mut node = cmd(
        "node",
        [
            "xtask/bench/web.mjs",
            DIST,
            &base_url,
            "--loads",
            &loads,
            "--clicks",
            &clicks,
            "--events",
            &events,
            "--json",
            REPORT,
            "--engines",
            &engines_url,
            "--engine-runs",
            &engine_runs,
            "--engine-build",
            engine_build,
        ],
    );
    if let Some(chromium) = setup::chromium_path() {
        node.env("CHROMIUM", chromium);
    }
    let (_, ok) = run::tee(&mut node)?;
    if !ok {
        return Err(format!("`{}` failed; see above", run::show(&node)));
    }
    let text = std::fs::read_to_string(REPORT).map_err(|e| format!("cannot read {REPORT}: {e}"))?;
    Ok(summary(&Json::parse(&text)?))
}

/// One line for the run's summary: the four budgeted figures and the verdict.
fn summary(report: &Json) -> String {
    let num = |path: &[&str]| -> Option<f64> {
        path.iter().try_fold(report, |j, key| j.get(key)).and_then(Json::as_f64)
    };
    let ms = |path: &[&str]| num(path).map_or("-".into(), |v| format!("{v:.0} ms"));
    let size = num(&["size", "total_gzip_bytes"]).map_or("-".into(), |b| format!("{:.1} kB", b / 1000.0));
    let over = match report.get("over_budget") {
        Some(Json::Arr(items)) if !items.is_empty() => {
            let names: Vec<&str> = items.iter().filter_map(Json::as_str).collect();
            format!("OVER budget: {}", names.join(", "))
        }
        Some(Json::Arr(_)) => "all within budget".into(),
        _ => "no verdict".into(),
    };
    format!(
        "{size} gzip, editable in {}, Send task success {}, Advance to next deadline {}; {over}; {} ({REPORT})",
        ms(&["load", "editable", "median_ms"]),
        ms(&["clicks", "send_task_success", "frame", "median_ms"]),
        ms(&["clicks", "advance_to_next_deadline", "frame", "median_ms"]),
        engines_summary(report),
    )
}

/// The engines' ratios (ALSF ms / Baton ms) and whether each meets the goal.
fn engines_summary(report: &Json) -> String {
    let Some(engines) = report.get("engines") else {
        return "engines not measured".into();
    };
    let ratios: Vec<String> = workloads::NAMES
        .iter()
        .map(|name| {
            let ratio = engines
                .get("workloads")
                .and_then(|w| w.get(name))
                .and_then(|w| w.get("alsf_ms_per_baton_ms"));
            format!("{name} {}", ratio.and_then(Json::as_f64).map_or("-".into(), |r| format!("{r:.1}x")))
        })
        .collect();
    let goal = engines.get("goal_ratio").and_then(Json::as_f64).map_or("-".into(), |g| format!("{g}x"));
    let verdict = match engines.get("below_goal") {
        Some(Json::Arr(items)) if !items.is_empty() => {
            let names: Vec<&str> = items.iter().filter_map(Json::as_str).collect();
            format!("goal {goal} NOT MET for {}", names.join(", "))
        }
        Some(Json::Arr(_)) => format!("goal {goal} met"),
        _ => "no verdict".into(),
    };
    format!("in Chromium ALSF ms / Baton ms: {} ({verdict})", ratios.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_reads_the_report() {
        let report = Json::parse(
            r#"{"size": {"total_gzip_bytes": 375012}, "load": {"editable": {"median_ms": 212.4}},
                "clicks": {"send_task_success": {"frame": {"median_ms": 31.2}},
                           "advance_to_next_deadline": {"frame": {"median_ms": 61.0}}},
                "over_budget": ["advance_to_next_deadline"]}"#,
        )
        .unwrap();
        assert_eq!(
            summary(&report),
            "375.0 kB gzip, editable in 212 ms, Send task success 31 ms, Advance to next deadline 61 ms; \
             OVER budget: advance_to_next_deadline; engines not measured (target/bench-web.json)"
        );
        let empty = Json::parse(r#"{"over_budget": []}"#).unwrap();
        assert_eq!(
            summary(&empty),
            "- gzip, editable in -, Send task success -, Advance to next deadline -; all within budget; \
             engines not measured (target/bench-web.json)"
        );
    }

    #[test]
    fn engines_summary_reads_the_ratios() {
        let report = Json::parse(
            r#"{"engines": {"goal_ratio": 5, "below_goal": ["chain"],
                "workloads": {"loop": {"alsf_ms_per_baton_ms": 12.34}, "map": {"alsf_ms_per_baton_ms": 7},
                              "chain": {"alsf_ms_per_baton_ms": 3.96}}}}"#,
        )
        .unwrap();
        assert_eq!(
            engines_summary(&report),
            "in Chromium ALSF ms / Baton ms: loop 12.3x, map 7.0x, chain 4.0x (goal 5x NOT MET for chain)"
        );
    }

    #[test]
    fn wasm_opt_settings_come_from_the_rust_link() {
        let html = r#"<link data-trunk rel="css" href="a.css" />
    <link data-trunk rel="rust" data-wasm-opt="z" data-wasm-opt-params="--low-memory-unused -Oz" data-bin="x" />"#;
        assert_eq!(
            wasm_opt_settings(html),
            ("z".to_string(), vec!["--low-memory-unused".into(), "-Oz".into()])
        );
        assert_eq!(wasm_opt_settings(r#"<link data-trunk rel="rust" />"#), (String::new(), vec![]));
    }
}
