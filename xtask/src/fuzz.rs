//! `cargo xtask fuzz`: coverage-guided fuzzing of everything that reads user input, with libFuzzer
//! on the stable toolchain.
//!
//! The targets live in `fuzz/` (outside the workspace, so ordinary builds never compile libFuzzer).
//! They are built with the instrumentation flags `cargo fuzz` passes, all of them stable `-C`
//! options: no nightly compiler and no `cargo-fuzz` binary are needed. Seeds come from
//! `examples/` and the AWS-recorded corpus (`../shared/conformance`), cut into each target's input
//! format; inputs libFuzzer finds interesting go to `target/fuzz/corpus/TARGET` and are kept between
//! runs. Crashes that were fixed are kept in `fuzz/regressions/TARGET/` and replayed before every
//! run.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::json::Json;
use crate::run::{self, cargo, Run, StepResult};

/// Every target, in the order they run (see `fuzz/fuzz_targets/` for what each feeds).
pub const TARGETS: [&str; 7] =
    ["definition", "jsonpath", "intrinsics", "choice", "scenario", "history", "jsonata"];

/// What `cargo fuzz build` passes rustc for libFuzzer: edge coverage with inline 8-bit counters, a
/// table of the instrumented code, and comparison operands for libFuzzer to aim at. Overflow checks
/// and debug assertions on, so that arithmetic mistakes are crashes too.
const RUSTFLAGS: &str = "-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
    -Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
    -Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks";

const TARGET_TRIPLE: &str = "x86_64-unknown-linux-gnu";

/// How long one target runs: until `seconds` pass or `runs` executions are done, whichever comes
/// first. A budget of executions alone uses a fixed seed: the same work on every machine, which is
/// what `cargo xtask test` wants.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    pub seconds: Option<u64>,
    pub runs: Option<u64>,
}

/// Builds the targets, then runs each of `targets` for `budget` after replaying its regressions.
/// A crash in one target does not stop the others: a long run reports everything it found.
pub fn fuzz(run: &mut Run, targets: &[&str], budget: Budget) -> Result<(), run::Stop> {
    run.step("fuzz: build the targets (libFuzzer, coverage instrumentation)", |_| build())?;
    let mut crashed = false;
    for target in targets {
        crashed |= run.step(&format!("fuzz: {target}"), |_| fuzz_target(target, budget)).is_err();
    }
    if crashed {
        Err(run::Stop)
    } else {
        Ok(())
    }
}

fn target_dir() -> PathBuf {
    PathBuf::from("target/fuzz")
}

fn build() -> StepResult {
    let mut c = cargo(["build", "--release", "--locked", "--manifest-path", "fuzz/Cargo.toml", "--bins"]);
    c.args(["--target", TARGET_TRIPLE]);
    // With an explicit --target, RUSTFLAGS reach the targets only, not build scripts.
    c.env("RUSTFLAGS", RUSTFLAGS).env("CARGO_TARGET_DIR", target_dir());
    run::run(&mut c)?;
    Ok(String::new())
}

fn fuzz_target(target: &str, budget: Budget) -> StepResult {
    let binary = target_dir().join(TARGET_TRIPLE).join("release").join(target);
    let regressions = regression_files(target)?;
    if !regressions.is_empty() {
        // Given files, libFuzzer runs each once and stops at the first crash.
        let mut replay = Command::new(&binary);
        replay.args(&regressions);
        run::capture(&mut replay).map_err(|e| format!("a kept regression crashes again:\n{e}"))?;
    }

    let corpus = target_dir().join("corpus").join(target);
    let seeds = target_dir().join("seeds").join(target);
    let artifacts = target_dir().join("artifacts").join(target);
    for dir in [&corpus, &artifacts] {
        fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let seeded = write_seeds(target, &seeds)?;

    let mut c = Command::new(&binary);
    c.arg(&corpus).arg(&seeds);
    // A slow input is a finding (the hostile-input contract: 2 s each), and so is a big allocation.
    // libFuzzer's timeout is wall-clock time: a paused or starved process reports one too.
    c.args(["-timeout=10", "-rss_limit_mb=2048", "-malloc_limit_mb=1024", "-print_final_stats=1"]);
    c.arg(format!("-artifact_prefix={}/", artifacts.display()));
    if let Some(s) = budget.seconds {
        c.arg(format!("-max_total_time={s}"));
    }
    if let Some(n) = budget.runs {
        c.arg(format!("-runs={n}"));
        if budget.seconds.is_none() {
            c.arg("-seed=1");
        }
    }
    let log_path = target_dir().join(format!("{target}.log"));
    let output = c.output().map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
    let log = String::from_utf8_lossy(&output.stderr).into_owned();
    let _ = fs::write(&log_path, &log);
    let stats = Stats::read(&log);
    if !output.status.success() {
        let tail: Vec<&str> = log.lines().rev().take(30).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(format!(
            "{target} found a crash (log: {}; the input is in {}/). Fix it, then keep the input in \
             fuzz/regressions/{target}/ so it is replayed on every run.\n{}",
            log_path.display(),
            artifacts.display(),
            tail.join("\n")
        ));
    }
    Ok(format!(
        "{} executions in {} s ({} per second), {seeded} seeds, {} corpus inputs, {} coverage points, \
         no crash",
        group(stats.runs),
        stats.seconds,
        group(stats.runs / stats.seconds.max(1)),
        fs::read_dir(&corpus).map(|d| d.count()).unwrap_or(0),
        stats.coverage,
    ))
}

fn regression_files(target: &str) -> Result<Vec<PathBuf>, String> {
    let dir = Path::new("fuzz/regressions").join(target);
    let Ok(entries) = fs::read_dir(&dir) else { return Ok(Vec::new()) };
    let mut files: Vec<PathBuf> =
        entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_file()).collect();
    files.sort();
    Ok(files)
}

/// What libFuzzer's final statistics say.
#[derive(Debug, Default, PartialEq)]
struct Stats {
    runs: u64,
    seconds: u64,
    coverage: u64,
}

impl Stats {
    /// Reads `stat::number_of_executed_units: N`, `stat::...` (from `-print_final_stats=1`) and
    /// the last `cov: N` of the progress lines.
    fn read(log: &str) -> Stats {
        let mut stats = Stats::default();
        for line in log.lines() {
            if let Some(n) = line.strip_prefix("stat::number_of_executed_units:") {
                stats.runs = n.trim().parse().unwrap_or(0);
            }
            if let Some(rest) = line.strip_prefix("Done ") {
                // "Done 384628 runs in 16 second(s)"
                let words: Vec<&str> = rest.split_whitespace().collect();
                if let [runs, "runs", "in", secs, ..] = words[..] {
                    stats.runs = runs.parse().unwrap_or(stats.runs);
                    stats.seconds = secs.parse().unwrap_or(0);
                }
            }
            if let Some(at) = line.find(" cov: ") {
                let n = line[at + 6..].split_whitespace().next().unwrap_or("");
                stats.coverage = n.parse().unwrap_or(stats.coverage);
            }
        }
        stats
    }
}

/// `1234567` as `1,234,567`.
fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Writes the seeds of `target` into `dir` (replacing what was there) and counts them.
fn write_seeds(target: &str, dir: &Path) -> Result<usize, String> {
    let _ = fs::remove_dir_all(dir);
    fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let seeds = seeds(target)?;
    for (i, seed) in seeds.iter().enumerate() {
        fs::write(dir.join(format!("seed-{i:05}")), seed).map_err(|e| format!("cannot write a seed: {e}"))?;
    }
    Ok(seeds.len())
}

/// One definition and its input, from an example or a recorded case.
struct Sample {
    definition: Json,
    input: String,
}

/// The seeds of `target`, in its input format (see `fuzz/fuzz_targets/`).
fn seeds(target: &str) -> Result<Vec<String>, String> {
    let samples = samples()?;
    let mut seeds = Vec::new();
    match target {
        "definition" => seeds.extend(samples.iter().map(|s| s.definition.to_python_json())),
        "history" => {
            seeds.extend(samples.iter().map(|s| format!("{}\0{}", s.definition.to_python_json(), s.input)))
        }
        "jsonpath" | "intrinsics" => {
            for s in &samples {
                let mut texts = Vec::new();
                strings(&s.definition, &mut texts);
                let intrinsic = target == "intrinsics";
                for t in texts
                    .into_iter()
                    .filter(|t| t.starts_with("States.") == intrinsic && (intrinsic || t.starts_with('$')))
                {
                    seeds.push(format!("{t}\n{}", s.input));
                }
            }
        }
        "choice" => {
            for s in &samples {
                let mut rules = Vec::new();
                choice_rules(&s.definition, &mut rules);
                seeds.extend(rules.into_iter().map(|rule| format!("{}\n{}", rule.to_python_json(), s.input)));
            }
        }
        "scenario" => {
            for example in example_dirs()? {
                let slug = example.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                for file in
                    files(&example)?.into_iter().filter(|f| f.to_string_lossy().ends_with(".scenario.json"))
                {
                    seeds.push(format!("{slug}\n{}", read(&file)?));
                }
            }
        }
        "jsonata" => seeds.extend(jsonata_cases()?),
        other => return Err(format!("unknown fuzz target `{other}` (targets: {})", TARGETS.join(", "))),
    }
    seeds.sort();
    seeds.dedup();
    Ok(seeds)
}

/// The JSONata reference suite's cases as `EXPRESSION\nINPUT` (the input inline or from its
/// dataset; none when the case has none).
fn jsonata_cases() -> Result<Vec<String>, String> {
    let suite = std::env::var_os("BATON_JSONATA_SUITE")
        .map_or_else(|| PathBuf::from("../shared/jsonata-suite"), PathBuf::from);
    let groups = suite.join("groups");
    if fs::read_dir(&groups).is_err() {
        if run::is_ci() {
            return Err(format!("the JSONata reference suite (seeds) is not at {}", suite.display()));
        }
        println!("(no JSONata suite at {}: the jsonata target starts from nothing)", suite.display());
        return Ok(Vec::new());
    }
    let mut seeds = Vec::new();
    for group in files(&groups)? {
        for file in files(&group)?.into_iter().filter(|f| f.extension().is_some_and(|e| e == "json")) {
            // A file holds one case or a list of them.
            let cases = match Json::parse(&read(&file)?) {
                Ok(Json::Arr(cases)) => cases,
                Ok(case) => vec![case],
                Err(_) => continue,
            };
            for case in cases {
                let Some(expression) = case.get("expr").and_then(Json::as_str) else { continue };
                let input = match (case.get("data"), case.get("dataset").and_then(Json::as_str)) {
                    (Some(data), _) => data.to_python_json(),
                    (None, Some(name)) => {
                        read(&suite.join("datasets").join(format!("{name}.json"))).unwrap_or_default()
                    }
                    (None, None) => String::new(),
                };
                // One line for the expression: the target splits at the first newline.
                seeds.push(format!("{}\n{input}", expression.replace('\n', " ")));
            }
        }
    }
    Ok(seeds)
}

/// Every string value inside `v`: where paths and intrinsic calls are.
fn strings(v: &Json, out: &mut Vec<String>) {
    match v {
        Json::Str(s) => out.push(s.clone()),
        Json::Arr(items) => items.iter().for_each(|i| strings(i, out)),
        Json::Obj(pairs) => pairs.iter().for_each(|(_, v)| strings(v, out)),
        _ => {}
    }
}

/// Every Choice rule inside `v`, without its `Next`.
fn choice_rules(v: &Json, out: &mut Vec<Json>) {
    match v {
        Json::Arr(items) => items.iter().for_each(|i| choice_rules(i, out)),
        Json::Obj(pairs) => {
            for (k, v) in pairs {
                if let (true, Json::Arr(rules)) = (k == "Choices", v) {
                    for rule in rules {
                        if let Json::Obj(fields) = rule {
                            out.push(Json::Obj(
                                fields.iter().filter(|(k, _)| k != "Next").cloned().collect(),
                            ));
                        }
                    }
                }
                choice_rules(v, out);
            }
        }
        _ => {}
    }
}

fn samples() -> Result<Vec<Sample>, String> {
    let mut samples = Vec::new();
    for example in example_dirs()? {
        let definition = Json::parse(&read(&example.join("definition.asl.json"))?)?;
        samples.push(Sample { definition, input: read(&example.join("input.json"))? });
    }
    let corpus = conformance_dir();
    let cases = corpus.join("cases");
    match fs::read_dir(&cases) {
        Ok(_) => {
            for file in files(&cases)? {
                let case = Json::parse(&read(&file)?).map_err(|e| format!("{}: {e}", file.display()))?;
                if let Some(definition) = case.get("definition") {
                    let input = case.get("input").map_or("{}".into(), Json::to_python_json);
                    samples.push(Sample { definition: definition.clone(), input });
                }
            }
        }
        Err(_) if run::is_ci() => {
            return Err(format!("the conformance corpus (seeds) is not at {}", corpus.display()));
        }
        Err(_) => println!("(no conformance corpus at {}: seeding from examples/ only)", corpus.display()),
    }
    Ok(samples)
}

/// The AWS-recorded corpus, where the conformance test finds it.
fn conformance_dir() -> PathBuf {
    std::env::var_os("BATON_CONFORMANCE_DIR")
        .map_or_else(|| PathBuf::from("../shared/conformance"), PathBuf::from)
}

fn example_dirs() -> Result<Vec<PathBuf>, String> {
    Ok(files(Path::new("examples"))?.into_iter().filter(|p| p.is_dir()).collect())
}

/// The entries of `dir`, sorted.
fn files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    Ok(paths)
}

fn read(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_libfuzzer_final_stats() {
        let log = "#1024\tpulse  cov: 812 ft: 2000 corp: 40/3Kb exec/s: 512 rss: 60Mb\n\
                   #2048\tNEW    cov: 830 ft: 2100 corp: 41/3Kb lim: 4 exec/s: 600 rss: 61Mb L: 3/9 MS: 1 ChangeBit-\n\
                   Done 384628 runs in 16 second(s)\n\
                   stat::number_of_executed_units: 384628\n";
        assert_eq!(Stats::read(log), Stats { runs: 384_628, seconds: 16, coverage: 830 });
    }

    #[test]
    fn groups_thousands() {
        assert_eq!(group(0), "0");
        assert_eq!(group(999), "999");
        assert_eq!(group(1000), "1,000");
        assert_eq!(group(10_000_000), "10,000,000");
    }

    #[test]
    fn finds_choice_rules_at_any_depth_without_their_next() {
        let def = Json::parse(
            r#"{"States": {"A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": true, "Next": "B"}]},
                "M": {"ItemProcessor": {"States": {"C": {"Choices": [{"Not": {"Variable": "$", "IsNull": true}, "Next": "D"}]}}}}}}"#,
        )
        .unwrap();
        let mut rules = Vec::new();
        choice_rules(&def, &mut rules);
        let texts: Vec<String> = rules.iter().map(Json::to_python_json).collect();
        assert_eq!(
            texts,
            [r#"{"Variable": "$.x", "IsPresent": true}"#, r#"{"Not": {"Variable": "$", "IsNull": true}}"#]
        );
    }
}
