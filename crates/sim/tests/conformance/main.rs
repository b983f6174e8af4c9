//! The conformance run: every case of the shared corpus (state machines recorded against real
//! AWS, see `shared/conformance/INDEX.md`) goes through the same entry point the CLI uses
//! ([`sim::Scenario::from_json_value`] + [`sim::run`]), and what it did is compared with what AWS
//! recorded. Each case is its own trial (libtest-mimic), so
//! `cargo test -p baton-sim --test conformance NAME` runs the cases whose name contains NAME:
//! * `[outcome] CASE`: status, output, error and cause, with the case's `ignore` rules;
//! * `[history] CASE` (cases with `expected.history`): the event history, event by event.
//!
//! Known differences are listed in `tests/known-failures.txt` (outcomes) and
//! `tests/known-history-differences.txt` (histories); `tests/pinned-passing.txt` names the cases
//! that pass inside a listed group. A listed difference that is still there is reported as an
//! ignored trial with its reason; an unlisted difference, a listed case that passes and a pinned
//! case that fails each fail their trial. Every trial's result goes to
//! `target/conformance-report.txt`, with counts per category.
//!
//! The corpus is not in this repository: without it the run says so and skips, except under
//! `CI=true`, where it fails.
//!
//! Environment:
//! * `BATON_CONFORMANCE_DIR`: the `cases` directory (default: `shared/conformance/cases` next
//!   to the repository).
//! * `BATON_CONFORMANCE_WRITE_KNOWN=1`: rewrite the three lists from this run's results, keeping
//!   existing reasons. A tool for people; CI never sets it.
//! * `BATON_CONFORMANCE_TIMEOUT_SECS`: how long one case may take (default 30); the engine runs
//!   on a virtual clock, so a case that takes longer is hung.

mod history;
mod lists;
mod outcome;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use libtest_mimic::{Arguments, Completion, Failed, Trial};

use lists::{CaseSummary, Kind, KnownList, Pinned, Verdict};
use outcome::{Case, Observed};

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let dir = cases_dir();
    let files = case_files(&dir).unwrap_or_default();
    if files.is_empty() {
        let mut trials = harness_trials();
        trials.push(missing_corpus(&dir));
        return libtest_mimic::run(&args, trials).exit_code();
    }
    let suite = match Suite::load(&files) {
        Ok(suite) => Arc::new(suite),
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let mut trials = Vec::new();
    for (index, case) in suite.cases.iter().enumerate() {
        let has_history = case.as_ref().is_ok_and(|c| c.history.is_some());
        for kind in Kind::ALL {
            if kind == Kind::History && !has_history {
                continue;
            }
            let shared = suite.clone();
            let trial = Trial::ignorable_test(suite.name(index), move || shared.trial(kind, index));
            trials.push(trial.with_kind(kind.name()));
        }
    }
    for kind in Kind::ALL {
        let suite = suite.clone();
        trials.push(Trial::test(kind.list_file(), move || suite.check_list(kind)).with_kind("lists"));
    }
    let pinned_suite = suite.clone();
    trials.push(Trial::test(lists::PINNED_PASSING, move || pinned_suite.check_pinned()).with_kind("lists"));
    let deterministic_suite = suite.clone();
    trials.push(
        Trial::test("runs_are_deterministic", move || deterministic_suite.runs_are_deterministic())
            .with_kind("engine"),
    );
    trials.extend(harness_trials());

    let conclusion = libtest_mimic::run(&args, trials);
    if args.list {
        return conclusion.exit_code();
    }
    let filtered = args.filter.is_some() || !args.skip.is_empty();
    suite.report(filtered);
    if suite.write_known {
        if let Err(e) = suite.rewrite_lists() {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    }
    conclusion.exit_code()
}

/// The one trial of a run without the corpus: skipped, but failed under CI, where a missing
/// corpus would otherwise pass unnoticed.
fn missing_corpus(dir: &Path) -> Trial {
    let message = format!("conformance corpus not found at {}; set BATON_CONFORMANCE_DIR", dir.display());
    println!("{message}");
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    Trial::ignorable_test("corpus", move || match ci {
        true => Err(format!("{message} (CI=true: the conformance suite must run)").into()),
        false => Ok(Completion::ignored_with(message)),
    })
    .with_kind("conformance")
}

/// The harness's own tests, as plain trials (this target has no libtest harness for `#[test]`).
fn harness_trials() -> Vec<Trial> {
    let tests: [(&str, fn()); 7] = [
        (
            "ignore_pointers_remove_members_and_blank_items",
            outcome::tests::ignore_pointers_remove_members_and_blank_items,
        ),
        ("differences_name_the_first_place", outcome::tests::differences_name_the_first_place),
        ("comparison_follows_the_index", outcome::tests::comparison_follows_the_index),
        ("placeholders_are_wildcards", history::tests::placeholders_are_wildcards),
        ("histories_compare_as_the_index_says", history::tests::histories_compare_as_the_index_says),
        ("known_failures_file_format", lists::tests::known_failures_file_format),
        ("verdicts_keep_the_lists_true", lists::tests::verdicts_keep_the_lists_true),
    ];
    tests
        .into_iter()
        .map(|(name, test)| {
            Trial::test(name, move || {
                test();
                Ok(())
            })
            .with_kind("harness")
        })
        .collect()
}

/// Everything the trials share: the cases, each case's run (made once, by whichever trial needs
/// it first), the lists, and each trial's result for the report.
struct Suite {
    cases: Vec<Result<Case, (PathBuf, String)>>,
    runs: Vec<OnceLock<Result<Observed, String>>>,
    lists: BTreeMap<Kind, KnownList>,
    pinned: Pinned,
    timeout: Duration,
    write_known: bool,
    /// The first difference (`None`: none) of every trial that ran.
    results: Mutex<BTreeMap<(Kind, usize), Option<String>>>,
}

impl Suite {
    fn load(files: &[PathBuf]) -> Result<Suite, String> {
        let cases: Vec<_> =
            files.iter().map(|file| Case::read(file).map_err(|e| (file.clone(), e))).collect();
        let mut lists = BTreeMap::new();
        for kind in Kind::ALL {
            let text = std::fs::read_to_string(crate_path(kind.list_file())).unwrap_or_default();
            lists.insert(kind, KnownList::parse(kind.list_file(), &text)?);
        }
        let pinned =
            Pinned::parse(&std::fs::read_to_string(crate_path(lists::PINNED_PASSING)).unwrap_or_default())?;
        Ok(Suite {
            runs: cases.iter().map(|_| OnceLock::new()).collect(),
            cases,
            lists,
            pinned,
            timeout: Duration::from_secs(
                std::env::var("BATON_CONFORMANCE_TIMEOUT_SECS")
                    .ok()
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(30),
            ),
            write_known: std::env::var("BATON_CONFORMANCE_WRITE_KNOWN").is_ok_and(|v| v == "1"),
            results: Mutex::new(BTreeMap::new()),
        })
    }

    /// The case's first difference of this kind, running the case if no trial has yet.
    fn failure(&self, kind: Kind, index: usize) -> Option<String> {
        if let Some(known) = self.results.lock().ok().and_then(|r| r.get(&(kind, index)).cloned()) {
            return known;
        }
        let failure = match &self.cases[index] {
            Err((_, e)) => Some(format!("case file unreadable: {e}")),
            Ok(case) => {
                let run = self.runs[index].get_or_init(|| outcome::observe_isolated(case, self.timeout));
                match (kind, run, &case.history) {
                    (_, Err(e), _) => Some(e.clone()),
                    (Kind::Outcome, Ok(observed), _) => outcome::compare(case, observed).err(),
                    (Kind::History, Ok(observed), Some(expected)) => {
                        history::compare(&observed.history, expected).err()
                    }
                    (Kind::History, Ok(_), None) => None,
                }
            }
        };
        if let Ok(mut results) = self.results.lock() {
            results.insert((kind, index), failure.clone());
        }
        failure
    }

    /// The case's name, or its file's for a file that could not be read.
    fn name(&self, index: usize) -> String {
        match &self.cases[index] {
            Ok(case) => case.name.clone(),
            Err((file, _)) => file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default(),
        }
    }

    fn summary(&self, kind: Kind, index: usize) -> CaseSummary {
        let (category, tags) = match &self.cases[index] {
            Ok(case) => (case.category.clone(), case.tags.clone()),
            Err(_) => ("(unreadable)".to_owned(), Vec::new()),
        };
        CaseSummary { name: self.name(index), category, tags, failure: self.failure(kind, index) }
    }

    fn trial(&self, kind: Kind, index: usize) -> Result<Completion, Failed> {
        let summary = self.summary(kind, index);
        if self.write_known {
            // The lists are rewritten after the run; nothing fails meanwhile.
            return Ok(match summary.failure {
                None => Completion::Completed,
                Some(failure) => Completion::ignored_with(failure),
            });
        }
        match lists::verdict(kind, &summary, &self.lists[&kind], &self.pinned) {
            Verdict::Pass => Ok(Completion::Completed),
            Verdict::Known(reason) => Ok(Completion::ignored_with(reason)),
            Verdict::Fail(message) => Err(message.into()),
        }
    }

    fn index_of(&self, name: &str) -> Option<usize> {
        self.cases.iter().position(|c| c.as_ref().is_ok_and(|c| c.name == name))
    }

    /// A list names only corpus cases, and each group covers at least one case that still fails.
    fn check_list(&self, kind: Kind) -> Result<(), Failed> {
        let list = &self.lists[&kind];
        let mut problems = Vec::new();
        for name in list.cases.keys() {
            match self.index_of(name).map(|i| &self.cases[i]) {
                None => problems.push(format!("{name}: not in the corpus")),
                Some(Ok(case)) if kind == Kind::History && case.history.is_none() => {
                    problems.push(format!("{name}: the corpus has no history for it"))
                }
                _ => {}
            }
        }
        for group in list.groups.keys() {
            let covered: Vec<usize> = (0..self.cases.len())
                .filter(|&i| match &self.cases[i] {
                    Ok(case) => {
                        (kind == Kind::Outcome || case.history.is_some())
                            && list.groups_of(&case.category, &case.tags).contains(&group.as_str())
                    }
                    Err(_) => false,
                })
                .collect();
            if !covered.iter().any(|&i| self.failure(kind, i).is_some()) {
                problems.push(format!("{group}: covers no failing case; remove the line"));
            }
        }
        problem_list(kind.list_file(), problems)
    }

    /// Every pinned case is a corpus case that a group of its list covers.
    fn check_pinned(&self) -> Result<(), Failed> {
        let mut problems = Vec::new();
        for (kind, name) in &self.pinned.entries {
            let list = &self.lists[kind];
            match self.index_of(name).map(|i| &self.cases[i]) {
                Some(Ok(case)) if !list.groups_of(&case.category, &case.tags).is_empty() => {}
                Some(_) => problems.push(format!(
                    "{} {name}: no group of {} covers it",
                    kind.name(),
                    kind.list_file()
                )),
                None => problems.push(format!("{} {name}: not in the corpus", kind.name())),
            }
        }
        problem_list(lists::PINNED_PASSING, problems)
    }

    /// The engine must give the same result every time for the same definition and responders:
    /// runs a sample of the corpus twice with one scenario and once more with a freshly built one.
    fn runs_are_deterministic(&self) -> Result<(), Failed> {
        let mut differing = Vec::new();
        let mut compared = 0;
        for (i, case) in self.cases.iter().enumerate() {
            let Ok(case) = case else { continue };
            // Every fifth case, plus every case with responders (the part most likely to hold state).
            if i % 5 != 0 && !case.has_mocks() {
                continue;
            }
            let runs = catch_unwind(AssertUnwindSafe(|| {
                let scenario = case.scenario().ok()?;
                let definition = case.definition();
                // Everything the report holds: status, output, calls and the whole event history.
                let summarise = |report: Result<sim::Report, Vec<asl::Diagnostic>>| format!("{report:?}");
                let first = summarise(sim::run(&definition, &scenario));
                let second = summarise(sim::run(&definition, &scenario));
                let fresh = outcome::observe(case).map(|o| format!("{o:?}")).unwrap_or_else(|e| e);
                let again = outcome::observe(case).map(|o| format!("{o:?}")).unwrap_or_else(|e| e);
                Some((first, second, fresh, again))
            }));
            // Panics and unusable scenarios are the case trials' business.
            let Ok(Some((first, second, fresh, again))) = runs else { continue };
            compared += 1;
            if first != second || fresh != again {
                differing.push(format!(
                    "{}:\n  same scenario:  {first}\n             vs:  {second}\n  fresh scenario: {fresh}\n             vs:  {again}",
                    case.name
                ));
            }
        }
        match differing.is_empty() {
            true if compared > 0 => Ok(()),
            true => Err("no case was compared".into()),
            false => Err(format!("results differ between identical runs:\n{}", differing.join("\n")).into()),
        }
    }

    /// The summaries of every trial of `kind` that ran, in case order.
    fn ran(&self, kind: Kind) -> Vec<CaseSummary> {
        let indices: Vec<usize> = match self.results.lock() {
            Ok(results) => results.keys().filter(|(k, _)| *k == kind).map(|&(_, i)| i).collect(),
            Err(_) => Vec::new(),
        };
        indices.into_iter().map(|i| self.summary(kind, i)).collect()
    }

    /// Prints the counts per category and writes `target/conformance-report.txt`.
    fn report(&self, filtered: bool) {
        let outcomes = self.ran(Kind::Outcome);
        let histories = self.ran(Kind::History);
        if outcomes.is_empty() && histories.is_empty() {
            return;
        }
        #[derive(Default)]
        struct Counts {
            cases: usize,
            passed: usize,
            known: usize,
            failed: usize,
        }
        let mut table: BTreeMap<(String, Kind), Counts> = BTreeMap::new();
        let mut sections: BTreeMap<(Kind, &str), Vec<(&CaseSummary, String)>> = BTreeMap::new();
        for (kind, summaries) in [(Kind::Outcome, &outcomes), (Kind::History, &histories)] {
            for s in summaries {
                let verdict = lists::verdict(kind, s, &self.lists[&kind], &self.pinned);
                for category in [s.category.clone(), "TOTAL".to_owned()] {
                    let counts = table.entry((category, kind)).or_default();
                    counts.cases += 1;
                    match &verdict {
                        Verdict::Pass => counts.passed += 1,
                        Verdict::Known(_) => counts.known += 1,
                        Verdict::Fail(_) => counts.failed += 1,
                    }
                }
                // A listed case that passes fails its trial, so `passed` counts only verdicts.
                let (section, text) = match verdict {
                    Verdict::Pass => continue,
                    Verdict::Known(reason) => ("known differences", reason),
                    Verdict::Fail(message) => ("failing trials: fix them or list them", message),
                };
                sections.entry((kind, section)).or_default().push((s, text));
            }
        }
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{:<20} {:>8} {:>6} {:>6} {:>6} {:>8} {:>9} {:>6} {:>6}",
            "category", "outcomes", "pass", "known", "fail", "history", "identical", "known", "fail"
        );
        let categories: Vec<String> = {
            let mut c: Vec<String> = table.keys().map(|(c, _)| c.clone()).filter(|c| c != "TOTAL").collect();
            c.dedup();
            c.push("TOTAL".into());
            c
        };
        for category in &categories {
            let empty = Counts::default();
            let o = table.get(&(category.clone(), Kind::Outcome)).unwrap_or(&empty);
            let h = table.get(&(category.clone(), Kind::History)).unwrap_or(&empty);
            let _ = writeln!(
                out,
                "{category:<20} {:>8} {:>6} {:>6} {:>6} {:>8} {:>9} {:>6} {:>6}",
                o.cases, o.passed, o.known, o.failed, h.cases, h.passed, h.known, h.failed
            );
        }
        // Issue 9's measure: identical histories, JSONata (not supported yet) aside.
        let identical = |with_jsonata: bool| {
            let counted: Vec<&CaseSummary> =
                histories.iter().filter(|s| with_jsonata || !s.tags.iter().any(|t| t == "jsonata")).collect();
            let same = counted.iter().filter(|s| s.failure.is_none()).count();
            (same, counted.len())
        };
        let ((same, of), (same_all, of_all)) = (identical(false), identical(true));
        if of_all > 0 {
            let _ = writeln!(
                out,
                "\nhistories identical to AWS's: {same} of {of} ({:.1}%) without tag jsonata; {same_all} of {of_all} in all",
                100.0 * same as f64 / of.max(1) as f64
            );
        }
        print!("\n{out}");

        let mut report = String::new();
        let _ = writeln!(
            report,
            "Baton conformance run: {} cases from {}",
            self.cases.len(),
            cases_dir().display()
        );
        if filtered {
            let _ = writeln!(report, "(filtered: only the trials that ran are counted)");
        }
        let _ = writeln!(report, "\n{out}");
        for ((kind, title), items) in &sections {
            let _ = writeln!(report, "\n== {}: {title} ({}) ==", kind.name(), items.len());
            for (s, text) in items {
                let _ = writeln!(report, "{}  [{}]\n    {text}", s.name, s.category);
            }
        }
        let path = report_path();
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        match std::fs::write(&path, &report) {
            Ok(()) => println!("conformance report: {}", path.display()),
            Err(e) => println!("could not write the conformance report to {}: {e}", path.display()),
        }
    }

    /// `BATON_CONFORMANCE_WRITE_KNOWN=1`: the three lists, rewritten from this run's results.
    fn rewrite_lists(&self) -> Result<(), String> {
        let categories: BTreeMap<String, String> =
            self.cases.iter().flatten().map(|c| (c.name.clone(), c.category.clone())).collect();
        let mut rewritten = BTreeMap::new();
        for kind in Kind::ALL {
            let text = lists::rewrite_known(kind, &self.lists[&kind], &self.ran(kind), &categories);
            write(kind.list_file(), &text)?;
            rewritten.insert(kind, KnownList::parse(kind.list_file(), &text)?);
        }
        let (outcomes, histories) = (self.ran(Kind::Outcome), self.ran(Kind::History));
        let text = lists::rewrite_pinned(
            &self.pinned,
            &[
                (Kind::Outcome, &rewritten[&Kind::Outcome], &outcomes[..]),
                (Kind::History, &rewritten[&Kind::History], &histories[..]),
            ],
        );
        write(lists::PINNED_PASSING, &text)
    }
}

fn problem_list(file: &str, problems: Vec<String>) -> Result<(), Failed> {
    match problems.is_empty() {
        true => Ok(()),
        false => Err(format!(
            "{file} is out of date (BATON_CONFORMANCE_WRITE_KNOWN=1 rewrites it):\n  {}",
            problems.join("\n  ")
        )
        .into()),
    }
}

fn write(file: &str, text: &str) -> Result<(), String> {
    let path = crate_path(file);
    std::fs::write(&path, text).map_err(|e| format!("could not rewrite {}: {e}", path.display()))?;
    println!("rewrote {}", path.display());
    Ok(())
}

fn crate_path(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(file)
}

/// The repository root (two levels above `crates/sim`), without `..` so that printed paths are
/// easy to open.
fn repository() -> &'static Path {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.ancestors().nth(2).unwrap_or(manifest)
}

fn cases_dir() -> PathBuf {
    match std::env::var_os("BATON_CONFORMANCE_DIR") {
        Some(dir) => PathBuf::from(dir),
        // `crates/sim` -> the repository -> the directory holding it and `shared/`.
        None => repository().parent().unwrap_or(Path::new("..")).join("shared/conformance/cases"),
    }
}

/// Every case file in `dir`, sorted by file name so that runs and reports are stable.
fn case_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    Ok(files)
}

fn report_path() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repository().join("target"));
    target.join("conformance-report.txt")
}
