//! `cargo xtask bench [--runs N]`: the speed workloads through Baton's engine (native, the
//! `bench-native` profile) and through aws-local-stepfunctions 3.0.0 (Node), side by side; then
//! the whole JSONata reference suite through Baton's JSONata engine (native) and through
//! jsonata-js 2.0.6 (Node), side by side. Machines are noisy: read the ratio, not the absolute
//! numbers.
//!
//! The web app's size and speed against its budget, and these workloads in Chromium (Baton's
//! engine in wasm against ALSF's browser build), are a separate run, `cargo xtask bench --web`
//! ([`crate::bench_web`]): it needs a release build (about a minute of wasm-opt alone) and Chromium.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::json::Json;
use crate::run::{self, cargo, cmd, Run};
use crate::setup::{self, Needs};
use crate::workloads;

const DIR: &str = "target/bench-workloads";
/// Where the two JSONata timing scripts write their reports.
const SUITE_REPORTS: &str = "target/bench-jsonata";

pub fn bench(runs: usize) -> ExitCode {
    let mut run = Run::new("bench", false);
    if setup::setup(&mut run, Needs::BENCH).is_err() {
        return run.finish(false);
    }
    if run.step("write the workloads (loop, map, chain)", |_| workloads::write_all(Path::new(DIR))).is_err() {
        return run.finish(false);
    }
    let runs_arg = runs.to_string();

    let mut baton = None;
    let baton_ok = run
        .step(&format!("Baton, native (bench-native profile): median of {runs} runs"), |_| {
            let mut c =
                cargo(["run", "--locked", "--profile", "bench-native", "-p", "baton-sim", "--example"]);
            c.args(["bench", "--", DIR, &runs_arg]);
            baton = Some(report(&mut c)?);
            Ok(String::new())
        })
        .is_ok();

    let mut alsf = None;
    let alsf_ok = run
        .step(&format!("aws-local-stepfunctions 3.0.0 in Node: median of {runs} runs"), |_| {
            alsf = Some(report(&mut cmd("node", ["xtask/bench/alsf.mjs", DIR, &runs_arg]))?);
            Ok(String::new())
        })
        .is_ok();

    print_table(runs, baton.as_ref(), alsf.as_ref());
    let suite_ok = bench_jsonata_suite(&mut run, runs);
    println!();
    println!(
        "the web app's size, load time and click latency, and these workloads in Chromium \
         (Baton in wasm): `cargo xtask bench --web`"
    );
    run.finish(baton_ok && alsf_ok && suite_ok)
}

/// The JSONata reference suite, outside the repository like the engine's test expects it.
fn jsonata_suite_dir() -> PathBuf {
    std::env::var_os("BATON_JSONATA_SUITE")
        .map_or_else(|| PathBuf::from("../shared/jsonata-suite"), PathBuf::from)
}

/// Times every reference-suite case (parse + evaluate) through both JSONata engines and prints
/// the totals over the cases both complete; `false` if an engine's run failed.
fn bench_jsonata_suite(run: &mut Run, runs: usize) -> bool {
    let suite = jsonata_suite_dir();
    if !suite.join("groups").is_dir() {
        let why = format!("not found at {} (set BATON_JSONATA_SUITE)", suite.display());
        run.skip("JSONata reference suite", &why);
        return true;
    }
    if let Err(e) = std::fs::create_dir_all(SUITE_REPORTS) {
        println!("cannot create {SUITE_REPORTS}: {e}");
        return false;
    }
    let suite_arg = suite.to_string_lossy().into_owned();
    let runs_arg = runs.to_string();
    let native_out = format!("{SUITE_REPORTS}/baton.json");
    let node_out = format!("{SUITE_REPORTS}/jsonata-js.json");

    let mut baton = None;
    let baton_ok = run
        .step(&format!("JSONata suite, Baton's engine (native, bench-native profile): {runs} runs"), |_| {
            let mut c =
                cargo(["run", "--locked", "--profile", "bench-native", "-p", "baton-jsonata", "--example"]);
            c.args(["suite_bench", "--", &suite_arg, &runs_arg, &native_out]);
            run::run(&mut c)?;
            baton = Some(SuiteReport::read(&native_out)?);
            Ok(String::new())
        })
        .is_ok();
    let mut js = None;
    let js_ok = run
        .step(&format!("JSONata suite, jsonata-js 2.0.6 in Node: {runs} runs"), |_| {
            run::run(&mut cmd("node", ["xtask/bench/jsonata.mjs", &suite_arg, &runs_arg, &node_out]))?;
            js = Some(SuiteReport::read(&node_out)?);
            Ok(String::new())
        })
        .is_ok();
    if let (Some(baton), Some(js)) = (&baton, &js) {
        print_suite_comparison(runs, baton, js);
    }
    baton_ok && js_ok
}

/// One engine's timings of the suite: per case, what it did (`value`, `undefined`,
/// `error CODE` or `timeout`) and its time in each run.
struct SuiteReport {
    engine: String,
    cases: BTreeMap<String, (String, Vec<f64>)>,
}

impl SuiteReport {
    fn read(path: &str) -> Result<SuiteReport, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
        let json = Json::parse(&text).map_err(|e| format!("{path}: {e}"))?;
        let engine = json.get("engine").and_then(Json::as_str).unwrap_or("?").to_string();
        let Some(Json::Arr(entries)) = json.get("cases") else { return Err(format!("{path}: no cases")) };
        let mut cases = BTreeMap::new();
        for entry in entries {
            let name =
                entry.get("name").and_then(Json::as_str).ok_or(format!("{path}: a case without a name"))?;
            let outcome = entry.get("outcome").and_then(Json::as_str).unwrap_or("?").to_string();
            let ms = match entry.get("ms") {
                Some(Json::Arr(ms)) => ms.iter().filter_map(Json::as_f64).collect(),
                _ => Vec::new(),
            };
            cases.insert(name.to_string(), (outcome, ms));
        }
        Ok(SuiteReport { engine, cases })
    }

    /// The total time of `names` in each run.
    fn totals(&self, names: &[&String], runs: usize) -> Vec<f64> {
        (0..runs)
            .map(|r| names.iter().map(|n| self.cases[*n].1.get(r).copied().unwrap_or(0.0)).sum())
            .collect()
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

fn print_suite_comparison(runs: usize, baton: &SuiteReport, js: &SuiteReport) {
    // Timed: the cases both engines ran to an end (a value, undefined or an error) within their
    // bounds; a timeout's time is the bound's, not the engine's.
    let both: Vec<&String> = baton.cases.keys().filter(|n| js.cases.contains_key(*n)).collect();
    let timed: Vec<&String> = both
        .iter()
        .copied()
        .filter(|n| baton.cases[*n].0 != "timeout" && js.cases[*n].0 != "timeout")
        .collect();
    let left_out: Vec<&str> = both.iter().filter(|n| !timed.contains(n)).map(|n| n.as_str()).collect();
    let baton_ms = median(baton.totals(&timed, runs));
    let js_ms = median(js.totals(&timed, runs));

    println!();
    println!("==> JSONata reference suite: parse + evaluate of every case, median of {runs} runs after one warm-up");
    println!();
    println!("  {:<28} {:>12} {:>10}", "engine", "cases timed", "total ms");
    println!("  {:<28} {:>12} {:>10}", "-".repeat(28), "-".repeat(12), "-".repeat(10));
    for (engine, ms) in
        [(format!("{} (native)", baton.engine), baton_ms), (format!("{} (Node)", js.engine), js_ms)]
    {
        println!("  {engine:<28} {:>12} {ms:>10.1}", thousands(timed.len() as u64));
    }
    println!();
    match baton_ms > 0.0 {
        true => println!("  jsonata-js ms / Baton ms: {:.2}x", js_ms / baton_ms),
        false => println!("  jsonata-js ms / Baton ms: -"),
    }
    println!(
        "  left out: {} of {} cases, a timeout in either engine{}",
        left_out.len(),
        thousands(both.len() as u64),
        if left_out.is_empty() { String::new() } else { format!(" ({})", left_out.join(", ")) }
    );
    let differ: Vec<String> = timed
        .iter()
        .filter(|n| baton.cases[**n].0 != js.cases[**n].0)
        .map(|n| format!("{n} (Baton {}, jsonata-js {})", baton.cases[*n].0, js.cases[*n].0))
        .collect();
    println!(
        "  outcomes (value, undefined, error code) agree on {} of {} timed cases{}",
        thousands((timed.len() - differ.len()) as u64),
        thousands(timed.len() as u64),
        if differ.is_empty() { String::new() } else { format!("; they differ on {}", differ.join(", ")) }
    );
    // Where the time goes: a total is easily one or two cases.
    let mut heaviest: Vec<(&String, f64, f64)> = timed
        .iter()
        .map(|n| (*n, median(baton.cases[*n].1.clone()), median(js.cases[*n].1.clone())))
        .collect();
    heaviest.sort_by(|a, b| (b.1 + b.2).total_cmp(&(a.1 + a.2)));
    println!();
    println!("  heaviest cases (median ms)      Baton  jsonata-js");
    for (name, b, j) in heaviest.iter().take(HEAVIEST) {
        println!("    {name:<28} {b:>9.1} {j:>11.1}");
    }
    let rest: Vec<&String> = heaviest.iter().skip(HEAVIEST).map(|(n, _, _)| *n).collect();
    let (baton_rest, js_rest) = (median(baton.totals(&rest, runs)), median(js.totals(&rest, runs)));
    let ratio = if baton_rest > 0.0 { format!("{:.1}x", js_rest / baton_rest) } else { "-".into() };
    println!(
        "  the other {} cases: Baton {baton_rest:.1} ms, jsonata-js {js_rest:.1} ms ({ratio})",
        thousands(rest.len() as u64)
    );
}

/// How many of the heaviest cases are shown apart: a handful of cases hold most of the time.
const HEAVIEST: usize = 6;

/// Runs an engine's timing script and reads the JSON it prints.
fn report(c: &mut std::process::Command) -> Result<Json, String> {
    let (out, ok) = run::tee(c)?;
    if !ok {
        return Err(format!("`{}` failed; see above", run::show(c)));
    }
    let start = out.find('{').ok_or("no JSON report in the output")?;
    Json::parse(out[start..].trim_end())
}

fn print_table(runs: usize, baton: Option<&Json>, alsf: Option<&Json>) {
    let figures = |report: Option<&Json>, name: &str| -> (Option<f64>, Option<f64>, Option<String>) {
        let entry = report.and_then(|r| r.get(name));
        (
            entry.and_then(|e| e.get("median_ms")).and_then(Json::as_f64),
            entry.and_then(|e| e.get("transitions_per_s")).and_then(Json::as_f64),
            entry.and_then(|e| e.get("check")).and_then(Json::as_str).map(str::to_string),
        )
    };
    let ms = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.1}"));
    let rate = |v: Option<f64>| v.map_or("-".to_string(), |v| thousands(v.round() as u64));

    println!();
    println!("==> speed: median of {runs} runs after one warm-up, same workload files ({DIR})");
    println!();
    let header = [
        "workload",
        "transitions",
        "Baton ms",
        "Baton transitions/s",
        "alsf ms",
        "alsf transitions/s",
        "alsf ms / Baton ms",
    ];
    let mut rows = vec![header.map(str::to_string).to_vec()];
    let mut checks = Vec::new();
    for name in workloads::NAMES {
        let (b_ms, b_rate, b_check) = figures(baton, name);
        let (a_ms, a_rate, a_check) = figures(alsf, name);
        let ratio = match (b_ms, a_ms) {
            (Some(b), Some(a)) if b > 0.0 => format!("{:.1}x", a / b),
            _ => "-".into(),
        };
        rows.push(vec![
            name.to_string(),
            thousands(workloads::transitions(name)),
            ms(b_ms),
            rate(b_rate),
            ms(a_ms),
            rate(a_rate),
            ratio,
        ]);
        checks.push((name, b_check, a_check));
    }
    let widths: Vec<usize> =
        (0..header.len()).map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0)).collect();
    for (i, row) in rows.iter().enumerate() {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(c, cell)| {
                if c == 0 {
                    format!("{cell:<w$}", w = widths[c])
                } else {
                    format!("{cell:>w$}", w = widths[c])
                }
            })
            .collect();
        println!("  {}", cells.join("  "));
        if i == 0 {
            let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
            println!("  {}", rule.join("  "));
        }
    }
    println!();
    println!("result checks (first 80 characters of each engine's output):");
    for (name, b, a) in checks {
        let same = match (&b, &a) {
            (Some(b), Some(a)) if b == a => "  (same)",
            (Some(_), Some(_)) => "  (DIFFERENT)",
            _ => "",
        };
        println!("  {name:<6} Baton: {}{same}", b.as_deref().unwrap_or("-"));
        println!("  {:<6} alsf:  {}", "", a.as_deref().unwrap_or("-"));
    }
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let groups: Vec<&str> =
        digits.as_bytes().rchunks(3).rev().map(|g| std::str::from_utf8(g).unwrap_or("?")).collect();
    groups.join(",")
}

#[cfg(test)]
mod tests {
    #[test]
    fn median_takes_the_middle_run() {
        assert_eq!(super::median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(super::median(vec![4.0, 1.0]), 4.0);
        assert_eq!(super::median(Vec::new()), 0.0);
    }

    #[test]
    fn a_suite_report_totals_each_run() {
        let path = std::env::temp_dir().join(format!("xtask-suite-report-{}.json", std::process::id()));
        let text = r#"{"engine": "e", "runs": 2, "cases": [
            {"name": "a/case000", "outcome": "value", "ms": [1.5, 2]},
            {"name": "b/case000[0]", "outcome": "timeout", "ms": [10, 1e1]}]}"#;
        std::fs::write(&path, text).unwrap();
        let report = super::SuiteReport::read(&path.to_string_lossy()).unwrap();
        let _ = std::fs::remove_file(&path);
        assert_eq!(report.engine, "e");
        assert_eq!(report.cases["b/case000[0]"].0, "timeout");
        let names: Vec<&String> = report.cases.keys().collect();
        assert_eq!(report.totals(&names, 2), vec![11.5, 12.0]);
    }

    #[test]
    fn thousands() {
        assert_eq!(super::thousands(0), "0");
        assert_eq!(super::thousands(999), "999");
        assert_eq!(super::thousands(20001), "20,001");
        assert_eq!(super::thousands(1234567), "1,234,567");
    }
}
