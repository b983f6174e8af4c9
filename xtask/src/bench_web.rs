//! `cargo xtask bench --web [--runs N]`: the web app's size and speed against the budget.
//!
//! A release `trunk build` into `target/bench-dist` (not `dist/`, so a running `cargo xtask serve`
//! or browser test keeps its build), served on 127.0.0.1 by [`crate::http`], then
//! `xtask/bench/web.mjs` (Playwright with Debian Chromium, launched as the browser tests launch
//! it) measures:
//! - the gzip -9 size of each first-load asset and their total (budget 400 kB);
//! - the median time from navigation start to an editable definition editor (budget 500 ms);
//! - with a history of about 1,000 events, the median time from a click on "Send task success" /
//!   "Advance to next deadline" until every view has updated and the next frame is out (50 ms).
//!
//! It prints a table with each figure, its budget and PASS/OVER, and writes the figures to
//! `target/bench-web.json`. A benchmark, not a test: a figure over budget is reported, and the
//! command fails only when it cannot measure. Timings depend on the machine and its load.

use std::path::Path;
use std::process::ExitCode;

use crate::json::Json;
use crate::run::{self, cmd, Run};
use crate::setup::{self, Needs};

const DIST: &str = "target/bench-dist";
const REPORT: &str = "target/bench-web.json";
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
    let build =
        run.step(&format!("release build of the web app (trunk build --release) into {DIST}"), |_| {
            run::run(&mut cmd("trunk", ["build", "--release", "--offline", "--locked", "--dist", DIST]))?;
            Ok(String::new())
        });
    if build.is_err() {
        return run.finish(false);
    }
    let (loads, clicks) = runs.map_or((LOADS, CLICKS), |n| (n, n));
    let measured = run.step(
        &format!("web app: size, {loads} page loads, {clicks} clicks of each kind with {EVENTS} events"),
        |_| measure(loads, clicks),
    );
    run.finish(measured.is_ok())
}

fn measure(loads: usize, clicks: usize) -> Result<String, String> {
    if !Path::new(DIST).join("index.html").is_file() {
        return Err(format!("{DIST}/index.html is missing; the release build did not produce the app"));
    }
    let base_url = crate::http::serve_dir(Path::new(DIST))?;
    println!("serving {DIST}/ at {base_url}");
    let _ = std::fs::remove_file(REPORT);
    let (loads, clicks, events) = (loads.to_string(), clicks.to_string(), EVENTS.to_string());
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
        "{size} gzip, editable in {}, Send task success {}, Advance to next deadline {}; {over} ({REPORT})",
        ms(&["load", "editable", "median_ms"]),
        ms(&["clicks", "send_task_success", "frame", "median_ms"]),
        ms(&["clicks", "advance_to_next_deadline", "frame", "median_ms"]),
    )
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
             OVER budget: advance_to_next_deadline (target/bench-web.json)"
        );
        let empty = Json::parse(r#"{"over_budget": []}"#).unwrap();
        assert_eq!(
            summary(&empty),
            "- gzip, editable in -, Send task success -, Advance to next deadline -; all within budget \
             (target/bench-web.json)"
        );
    }
}
