//! `cargo xtask bench [--runs N]`: the speed workloads through Baton's engine (native, the
//! `bench-native` profile) and through aws-local-stepfunctions 3.0.0 (Node), side by side.
//! Machines are noisy: read the ratio, not the absolute numbers.
//!
//! The web app's size and speed against its budget, and these workloads in Chromium (Baton's
//! engine in wasm against ALSF's browser build), are a separate run, `cargo xtask bench --web`
//! ([`crate::bench_web`]): it needs a release build (about a minute of wasm-opt alone) and Chromium.

use std::path::Path;
use std::process::ExitCode;

use crate::json::Json;
use crate::run::{self, cargo, cmd, Run};
use crate::setup::{self, Needs};
use crate::workloads;

const DIR: &str = "target/bench-workloads";

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
    println!();
    println!(
        "the web app's size, load time and click latency, and these workloads in Chromium \
         (Baton in wasm): `cargo xtask bench --web`"
    );
    run.finish(baton_ok && alsf_ok)
}

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
    fn thousands() {
        assert_eq!(super::thousands(0), "0");
        assert_eq!(super::thousands(999), "999");
        assert_eq!(super::thousands(20001), "20,001");
        assert_eq!(super::thousands(1234567), "1,234,567");
    }
}
