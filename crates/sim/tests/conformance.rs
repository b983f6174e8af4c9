//! The conformance run: every case of the shared corpus (state machines recorded against real
//! AWS, see `shared/conformance/INDEX.md`) goes through the same entry point the CLI uses
//! ([`sim::Scenario::from_json_value`] + [`sim::run`]) and its result is compared with what AWS
//! recorded.
//!
//! The corpus is not in this repository, so the test skips (and says so) when it is absent.
//! Cases that do not pass yet are listed in `tests/known-failures.txt`; the test fails when an
//! unlisted case fails *or* a listed case passes, so the list always says exactly where the
//! engine stands. Every failure, with a one-line reason, is written to
//! `target/conformance-report.txt`.
//!
//! Environment:
//! * `BATON_CONFORMANCE_DIR`: the `cases` directory (default: `shared/conformance/cases` next
//!   to the repository).
//! * `BATON_CONFORMANCE_FILTER=substring`: run only cases whose name contains it (debugging).
//! * `BATON_CONFORMANCE_WRITE_KNOWN=1`: rewrite `known-failures.txt` from this run's failures,
//!   keeping existing reasons. A tool for people; CI never sets it.
//! * `BATON_CONFORMANCE_TIMEOUT_SECS`: how long one case may take (default 30); the engine runs
//!   on a virtual clock, so a case that takes longer is hung.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{json, Value as Json};

const KNOWN_FAILURES: &str = "tests/known-failures.txt";

/// One case file, with the fields the run uses.
#[derive(Clone)]
struct Case {
    name: String,
    file: PathBuf,
    category: String,
    tags: Vec<String>,
    definition: Json,
    input: Json,
    /// `expected` as recorded: `status`, and `output` or `error`/`cause`.
    expected: serde_json::Map<String, Json>,
    cause_is_json: bool,
    mocks: Option<Json>,
    env: Json,
    ignore: Vec<String>,
    ignore_patterns: Vec<(String, String)>,
}

impl Case {
    fn read(file: &Path) -> Result<Case, String> {
        let text = std::fs::read_to_string(file).map_err(|e| format!("cannot read: {e}"))?;
        let mut doc: Json = serde_json::from_str(&text).map_err(|e| format!("not JSON: {e}"))?;
        let mut take = |key: &str| doc.get_mut(key).map(Json::take);
        let string = |v: Option<Json>, key: &str| match v {
            Some(Json::String(s)) => Ok(s),
            _ => Err(format!("`{key}` is missing or not a string")),
        };
        let name = string(take("name"), "name")?;
        let category = string(take("category"), "category")?;
        let tags = match take("tags") {
            Some(Json::Array(tags)) => {
                tags.into_iter().filter_map(|t| t.as_str().map(str::to_owned)).collect()
            }
            _ => Vec::new(),
        };
        let Some(Json::Object(mut expected)) = take("expected") else {
            return Err("`expected` is missing or not an object".into());
        };
        let cause_is_json = expected.remove("cause_is_json").and_then(|v| v.as_bool()).unwrap_or(false);
        let ignore = match take("ignore") {
            Some(Json::Array(items)) => {
                items.into_iter().filter_map(|p| p.as_str().map(str::to_owned)).collect()
            }
            _ => Vec::new(),
        };
        let ignore_patterns = match take("ignore_patterns") {
            Some(Json::Object(patterns)) => patterns
                .into_iter()
                .filter_map(|(pointer, re)| re.as_str().map(|re| (pointer, re.to_owned())))
                .collect(),
            _ => Vec::new(),
        };
        Ok(Case {
            name,
            file: file.to_owned(),
            category,
            tags,
            definition: take("definition").ok_or("`definition` is missing")?,
            input: take("input").unwrap_or(Json::Null),
            expected,
            cause_is_json,
            mocks: take("mocks").filter(|m| !m.is_null()),
            env: take("env").unwrap_or_else(|| json!({})),
            ignore,
            ignore_patterns,
        })
    }
}

/// What one run of a case produced, reduced to what the corpus records.
#[derive(Clone, Debug, PartialEq)]
struct Observed {
    status: String,
    output: Option<Json>,
    error: Option<String>,
    cause: Option<String>,
}

/// Runs a case through the CLI's entry point. `Err` is a one-line reason the case could not run.
fn observe(case: &Case) -> Result<Observed, String> {
    let scenario = sim::Scenario::from_json_value(&json!({
        "input": case.input,
        "responders": case.mocks.clone().unwrap_or_else(|| json!({})),
        "context": case.env,
    }))
    .map_err(|e| one_line(&format!("scenario rejected: {e}")))?;
    let definition = asl::Value::from(case.definition.clone());
    let report = sim::run(&definition, &scenario).map_err(|diags| {
        let first = diags.iter().find(|d| d.is_error()).or(diags.first());
        match first {
            Some(d) => {
                one_line(&format!("definition rejected: {} ({} at {:?})", d.message, d.code, d.pointer))
            }
            None => "definition rejected without a diagnostic".to_owned(),
        }
    })?;
    Ok(Observed {
        status: report.status.as_aws().to_owned(),
        output: report.output.as_ref().map(Json::from),
        error: report.error.clone(),
        cause: report.cause.clone(),
    })
}

/// [`observe`], but a panic or a hang becomes a failure instead of ending the whole run: the
/// engine must never panic, and this makes each one visible by name. The case runs on its own
/// thread (the engine's values are `Rc`, so everything is built there) with a generous stack,
/// because a stack overflow would abort the process and lose every result.
fn observe_isolated(case: &Case, timeout: Duration) -> Result<Observed, String> {
    let (send, receive) = mpsc::channel();
    let scenario_case = case.clone();
    let spawned = std::thread::Builder::new().name(case.name.clone()).stack_size(16 << 20).spawn(move || {
        let result = catch_unwind(AssertUnwindSafe(|| observe(&scenario_case)))
            .unwrap_or_else(|payload| Err(format!("panicked: {}", one_line(&panic_message(&*payload)))));
        let _ = send.send(result);
    });
    if let Err(e) = spawned {
        return Err(format!("could not start a thread: {e}"));
    }
    match receive.recv_timeout(timeout) {
        Ok(result) => result,
        // The thread is left running: a thread cannot be killed, and the process ends soon.
        Err(mpsc::RecvTimeoutError::Timeout) => Err(format!("hung: no result after {}s", timeout.as_secs())),
        Err(mpsc::RecvTimeoutError::Disconnected) => Err("the case's thread died without a result".into()),
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(no message)".to_owned()
    }
}

/// Compares what happened with what AWS recorded, as INDEX.md prescribes; `Err` is the first
/// difference, in one line.
fn compare(case: &Case, observed: &Observed) -> Result<(), String> {
    let expected_status = case.expected.get("status").and_then(Json::as_str).unwrap_or("?");
    if observed.status != expected_status {
        let mut reason = format!("status {} != expected {expected_status}", observed.status);
        if let Some(error) = &observed.error {
            let _ = write!(reason, " ({error}: {})", observed.cause.as_deref().unwrap_or(""));
        }
        return Err(shorten(&one_line(&reason), 300));
    }

    // Both sides as documents shaped like `expected`, so that `ignore` pointers apply to both.
    let mut actual = serde_json::Map::new();
    actual.insert("status".into(), Json::String(observed.status.clone()));
    if expected_status == "SUCCEEDED" {
        if let Some(output) = &observed.output {
            actual.insert("output".into(), output.clone());
        }
    } else {
        if let Some(error) = &observed.error {
            actual.insert("error".into(), Json::String(error.clone()));
        }
        if let Some(cause) = &observed.cause {
            let cause = if case.cause_is_json {
                serde_json::from_str(cause).map_err(|_| {
                    format!("cause is not JSON, expected a JSON document: {}", shorten(&one_line(cause), 200))
                })?
            } else {
                Json::String(cause.clone())
            };
            actual.insert("cause".into(), cause);
        }
    }
    let mut actual = Json::Object(actual);
    let mut expected = Json::Object(case.expected.clone());

    // An ignored value must still look right where the corpus says what it should look like.
    for (pointer, pattern) in &case.ignore_patterns {
        let re = regex::Regex::new(pattern)
            .map_err(|e| format!("bad ignore_patterns regex for {pointer}: {e}"))?;
        match actual.pointer(pointer) {
            Some(Json::String(s)) if re.is_match(s) => {}
            Some(other) => {
                return Err(format!(
                    "{pointer} = {} does not match {pattern}",
                    shorten(&one_line(&other.to_string()), 200)
                ))
            }
            None => return Err(format!("{pointer} is missing (it should match {pattern})")),
        }
    }
    for pointer in &case.ignore {
        remove_pointer(&mut actual, pointer);
        remove_pointer(&mut expected, pointer);
    }
    for field in ["output", "error", "cause"] {
        let (a, e) = (actual.get(field), expected.get(field));
        match (a, e) {
            (None, None) => {}
            (Some(a), None) => {
                return Err(format!("unexpected {field}: {}", shorten(&one_line(&a.to_string()), 200)))
            }
            (None, Some(e)) => {
                return Err(format!("no {field}, expected {}", shorten(&one_line(&e.to_string()), 200)))
            }
            (Some(a), Some(e)) => {
                if let Some(difference) = first_difference(a, e, &mut String::new()) {
                    return Err(describe_difference(field, difference));
                }
            }
        }
    }
    Ok(())
}

/// Removes the value at an RFC 6901 pointer: an object member is removed, an array item is
/// replaced by `null` (removing it would shift the items after it). Missing paths are ignored.
fn remove_pointer(doc: &mut Json, pointer: &str) {
    let Some(rest) = pointer.strip_prefix('/') else { return };
    let tokens: Vec<String> = rest.split('/').map(|t| t.replace("~1", "/").replace("~0", "~")).collect();
    let Some((last, parents)) = tokens.split_last() else { return };
    let mut at = doc;
    for token in parents {
        let next = match at {
            Json::Object(map) => map.get_mut(token),
            Json::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
            _ => None,
        };
        match next {
            Some(next) => at = next,
            None => return,
        }
    }
    match at {
        Json::Object(map) => {
            map.shift_remove(last);
        }
        Json::Array(items) => {
            if let Some(item) = last.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                *item = Json::Null;
            }
        }
        _ => {}
    }
}

/// The first place where `actual` and `expected` differ: its pointer and what differs there.
/// Numbers compare as serde_json does: `1` and `1.0` are different values, as AWS recorded them.
fn first_difference(actual: &Json, expected: &Json, path: &mut String) -> Option<(String, String)> {
    let show = |v: &Json| shorten(&v.to_string(), 120);
    match (actual, expected) {
        (Json::Object(a), Json::Object(e)) => {
            for (key, e_value) in e {
                let len = path.len();
                path.push('/');
                path.push_str(&key.replace('~', "~0").replace('/', "~1"));
                let found = match a.get(key) {
                    Some(a_value) => first_difference(a_value, e_value, path),
                    None => Some((path.clone(), format!("missing, expected {}", show(e_value)))),
                };
                path.truncate(len);
                if found.is_some() {
                    return found;
                }
            }
            a.iter()
                .find(|(key, _)| !e.contains_key(*key))
                .map(|(key, value)| (path.clone(), format!("unexpected member \"{key}\": {}", show(value))))
        }
        (Json::Array(a), Json::Array(e)) => {
            for (i, (a_item, e_item)) in a.iter().zip(e).enumerate() {
                let len = path.len();
                let _ = write!(path, "/{i}");
                let found = first_difference(a_item, e_item, path);
                path.truncate(len);
                if found.is_some() {
                    return found;
                }
            }
            (a.len() != e.len()).then(|| (path.clone(), format!("{} items != expected {}", a.len(), e.len())))
        }
        (a, e) if a == e => None,
        (a, e) => Some((path.clone(), format!("{} != expected {}", show(a), show(e)))),
    }
}

/// "output differs at /a/b: 1 != expected 2", or "output differs: ..." for the whole value.
fn describe_difference(field: &str, (path, what): (String, String)) -> String {
    if path.is_empty() {
        format!("{field} differs: {what}")
    } else {
        format!("{field} differs at {path}: {what}")
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// `known-failures.txt`: one case name per line, or `tag:TAG` / `category:CATEGORY` for a whole
/// group, each optionally followed by whitespace and `# reason`. Case names contain `#`
/// (`...#cases[3]`) but never whitespace, so the name is the first word.
#[derive(Default)]
struct KnownFailures {
    /// Comment and blank lines before the first entry, kept when the file is rewritten.
    header: Vec<String>,
    cases: BTreeMap<String, String>,
    /// `tag:x` and `category:x` entries, as written, with their reasons.
    groups: BTreeMap<String, String>,
}

impl KnownFailures {
    fn parse(text: &str) -> Result<KnownFailures, String> {
        let mut known = KnownFailures::default();
        let mut in_header = true;
        for (number, line) in text.lines().enumerate() {
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                if in_header {
                    known.header.push(line.to_owned());
                }
                continue;
            }
            in_header = false;
            let (entry, rest) = trimmed.split_once(char::is_whitespace).unwrap_or((trimmed, ""));
            let rest = rest.trim();
            if !(rest.is_empty() || rest.starts_with('#')) {
                return Err(format!(
                    "{KNOWN_FAILURES}:{}: expected `NAME  # reason`, found text after the name: {rest}",
                    number + 1
                ));
            }
            let reason = rest.trim_start_matches('#').trim().to_owned();
            if entry.starts_with("tag:") || entry.starts_with("category:") {
                known.groups.insert(entry.to_owned(), reason);
            } else {
                known.cases.insert(entry.to_owned(), reason);
            }
        }
        Ok(known)
    }

    /// The group entries that cover `case`.
    fn groups_of<'k>(&'k self, case: &CaseSummary) -> Vec<&'k str> {
        self.groups
            .keys()
            .filter(|group| match group.split_once(':') {
                Some(("tag", tag)) => case.tags.iter().any(|t| t == tag),
                Some(("category", category)) => case.category == category,
                _ => false,
            })
            .map(String::as_str)
            .collect()
    }
}

/// What the summary needs of a case after it ran.
struct CaseSummary {
    name: String,
    file: PathBuf,
    category: String,
    tags: Vec<String>,
    /// `None` when it passed.
    failure: Option<String>,
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

/// The cases to run, or `None` (after saying why) when the corpus is not there.
fn load_cases() -> Option<Vec<Result<Case, (PathBuf, String)>>> {
    let dir = cases_dir();
    let files = match case_files(&dir) {
        Ok(files) if !files.is_empty() => files,
        _ => {
            println!(
                "conformance corpus not found at {}; set BATON_CONFORMANCE_DIR; skipping",
                dir.display()
            );
            return None;
        }
    };
    let filter = std::env::var("BATON_CONFORMANCE_FILTER").ok().filter(|f| !f.is_empty());
    let cases = files
        .iter()
        .map(|file| Case::read(file).map_err(|e| (file.clone(), e)))
        .filter(|case| match (&filter, case) {
            (Some(filter), Ok(case)) => case.name.contains(filter.as_str()),
            (Some(filter), Err((file, _))) => file.to_string_lossy().contains(filter.as_str()),
            (None, _) => true,
        })
        .collect();
    Some(cases)
}

fn report_path() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repository().join("target"));
    target.join("conformance-report.txt")
}

#[derive(Default)]
struct Counts {
    cases: usize,
    passed: usize,
    known: usize,
    unexpected: usize,
}

#[test]
fn conformance() {
    let Some(cases) = load_cases() else { return };
    let filtered = std::env::var("BATON_CONFORMANCE_FILTER").is_ok_and(|f| !f.is_empty());
    let write_known = std::env::var("BATON_CONFORMANCE_WRITE_KNOWN").is_ok_and(|v| v == "1");
    let timeout = Duration::from_secs(
        std::env::var("BATON_CONFORMANCE_TIMEOUT_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(30),
    );
    let known_path = Path::new(env!("CARGO_MANIFEST_DIR")).join(KNOWN_FAILURES);
    let known_text = std::fs::read_to_string(&known_path).unwrap_or_default();
    let known = match KnownFailures::parse(&known_text) {
        Ok(known) => known,
        Err(e) => panic!("{e}"),
    };

    let mut summaries = Vec::new();
    for case in cases {
        let summary = match case {
            Ok(case) => {
                let failure =
                    observe_isolated(&case, timeout).and_then(|observed| compare(&case, &observed)).err();
                CaseSummary {
                    name: case.name,
                    file: case.file,
                    category: case.category,
                    tags: case.tags,
                    failure,
                }
            }
            Err((file, e)) => CaseSummary {
                name: file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default(),
                file,
                category: "(unreadable)".into(),
                tags: Vec::new(),
                failure: Some(format!("case file unreadable: {e}")),
            },
        };
        summaries.push(summary);
    }

    // Sort each case into passed / known failure / unexpected failure / listed but passing.
    let mut by_category: BTreeMap<String, Counts> = BTreeMap::new();
    let mut total = Counts::default();
    let mut unexpected = Vec::new();
    let mut known_failed = Vec::new();
    let mut now_passing = Vec::new();
    let mut group_passing: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut group_failing: BTreeMap<&str, usize> = BTreeMap::new();
    for s in &summaries {
        let listed = known.cases.contains_key(&s.name);
        let groups = known.groups_of(s);
        let counts = by_category.entry(s.category.clone()).or_default();
        counts.cases += 1;
        total.cases += 1;
        match &s.failure {
            None => {
                counts.passed += 1;
                total.passed += 1;
                if listed {
                    now_passing.push(s);
                }
                for group in groups {
                    group_passing.entry(group).or_default().push(&s.name);
                }
            }
            Some(_) if listed || !groups.is_empty() => {
                counts.known += 1;
                total.known += 1;
                known_failed.push(s);
                for group in groups {
                    *group_failing.entry(group).or_default() += 1;
                }
            }
            Some(_) => {
                counts.unexpected += 1;
                total.unexpected += 1;
                unexpected.push(s);
            }
        }
    }
    let ran: BTreeSet<&str> = summaries.iter().map(|s| s.name.as_str()).collect();
    // Only a full run can tell that a listed case or group no longer exists or no longer fails.
    let missing: Vec<&String> = if filtered {
        Vec::new()
    } else {
        known.cases.keys().filter(|n| !ran.contains(n.as_str())).collect()
    };
    let stale_groups: Vec<&String> = if filtered {
        Vec::new()
    } else {
        known.groups.keys().filter(|g| !group_failing.contains_key(g.as_str())).collect()
    };

    // The table, printed and written to the report.
    let mut table = String::new();
    let _ = writeln!(
        table,
        "{:<24} {:>6} {:>6} {:>6} {:>6} {:>11}",
        "category", "cases", "pass", "pass%", "known", "unexpected"
    );
    let mut row = |name: &str, c: &Counts| {
        let percent = if c.cases == 0 { 0.0 } else { 100.0 * c.passed as f64 / c.cases as f64 };
        let _ = writeln!(
            table,
            "{name:<24} {:>6} {:>6} {:>5.1}% {:>6} {:>11}",
            c.cases, c.passed, percent, c.known, c.unexpected
        );
    };
    for (category, counts) in &by_category {
        row(category, counts);
    }
    row("TOTAL", &total);

    let mut report = String::new();
    let _ = writeln!(report, "Baton conformance run: {} cases from {}", total.cases, cases_dir().display());
    if filtered {
        let _ = writeln!(report, "(filtered by BATON_CONFORMANCE_FILTER)");
    }
    let _ = writeln!(report, "\n{table}");
    let mut section = |title: &str, items: &[&CaseSummary]| {
        if items.is_empty() {
            return;
        }
        let _ = writeln!(report, "\n== {title} ({}) ==", items.len());
        for s in items {
            let _ = writeln!(report, "{}  [{}]", s.name, s.category);
            let _ = writeln!(report, "    {}", s.failure.as_deref().unwrap_or("passes"));
            let _ = writeln!(report, "    {}", s.file.display());
        }
    };
    section("unexpected failures: fix them or list them in tests/known-failures.txt", &unexpected);
    section("listed in known-failures.txt but now passing: remove them", &now_passing);
    section("known failures", &known_failed);
    if !group_passing.is_empty() {
        let _ = writeln!(report, "\n== cases passing although their group is listed ==");
        for (group, names) in &group_passing {
            let _ = writeln!(report, "{group}: {} passing", names.len());
            for name in names {
                let _ = writeln!(report, "    {name}");
            }
        }
    }
    let path = report_path();
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let written = std::fs::write(&path, &report);
    println!("{table}");
    match written {
        Ok(()) => println!("conformance report: {}", path.display()),
        Err(e) => println!("could not write the conformance report to {}: {e}", path.display()),
    }

    if write_known {
        // A filtered run needs every case's category to file the entries it did not run.
        let categories: BTreeMap<String, String> = if filtered {
            case_files(&cases_dir())
                .unwrap_or_default()
                .iter()
                .filter_map(|file| Case::read(file).ok())
                .map(|case| (case.name, case.category))
                .collect()
        } else {
            summaries.iter().map(|s| (s.name.clone(), s.category.clone())).collect()
        };
        let text = rewrite_known(&known, &summaries, &categories);
        match std::fs::write(&known_path, text) {
            Ok(()) => println!("rewrote {} from this run's failures", known_path.display()),
            Err(e) => panic!("could not rewrite {}: {e}", known_path.display()),
        }
        return;
    }

    let mut problems = String::new();
    if !unexpected.is_empty() {
        let _ = writeln!(problems, "{} unexpected failure(s):", unexpected.len());
        for s in &unexpected {
            let _ = writeln!(problems, "  {}: {}", s.name, s.failure.as_deref().unwrap_or(""));
        }
    }
    if !now_passing.is_empty() {
        let _ = writeln!(
            problems,
            "{} case(s) now pass: remove them from known-failures.txt:",
            now_passing.len()
        );
        for s in &now_passing {
            let _ = writeln!(problems, "  {}", s.name);
        }
    }
    if !missing.is_empty() {
        let _ = writeln!(problems, "{} case(s) in known-failures.txt are not in the corpus:", missing.len());
        for name in &missing {
            let _ = writeln!(problems, "  {name}");
        }
    }
    if !stale_groups.is_empty() {
        let _ =
            writeln!(problems, "these known-failures.txt groups cover no failing case: remove the lines:");
        for group in &stale_groups {
            let _ = writeln!(problems, "  {group}");
        }
    }
    assert!(
        problems.is_empty(),
        "{problems}\n(details in {}; BATON_CONFORMANCE_WRITE_KNOWN=1 rewrites the list)",
        path.display()
    );
}

/// The new `known-failures.txt`: the old header, the groups that still cover a failure, and every
/// other failing case by name, grouped by category. Existing reasons are kept; new entries get
/// `TODO: triage`. Entries for cases this run did not include (a filtered run) are kept as they
/// are, so a partial run never forgets anything; `categories` (every corpus case's category)
/// files them under the right heading.
fn rewrite_known(
    known: &KnownFailures,
    summaries: &[CaseSummary],
    categories: &BTreeMap<String, String>,
) -> String {
    let mut out = String::new();
    for line in &known.header {
        let _ = writeln!(out, "{line}");
    }
    if known.header.is_empty() {
        out.push_str(
            "# Conformance cases expected to fail, one per line: `CASE_NAME  # reason`, or\n\
             # `tag:TAG  # reason` / `category:CATEGORY  # reason` for a whole group.\n\n",
        );
    }
    let failing: Vec<&CaseSummary> = summaries.iter().filter(|s| s.failure.is_some()).collect();
    let kept_groups: BTreeMap<&String, &String> = known
        .groups
        .iter()
        .filter(|(group, _)| {
            let covers_a_failure = failing.iter().any(|s| known.groups_of(s).contains(&group.as_str()));
            // A group with no case in a filtered run cannot be judged; keep it.
            let ran_any = summaries.iter().any(|s| known.groups_of(s).contains(&group.as_str()));
            covers_a_failure || !ran_any
        })
        .collect();
    for (group, reason) in &kept_groups {
        let _ = writeln!(out, "{group}  # {reason}");
    }
    let mut by_category: BTreeMap<&str, BTreeMap<&str, &str>> = BTreeMap::new();
    for s in &failing {
        let covered = known.groups_of(s).iter().any(|g| kept_groups.keys().any(|k| k.as_str() == *g));
        if !covered {
            let reason = known.cases.get(&s.name).map_or("TODO: triage", String::as_str);
            by_category.entry(&s.category).or_default().insert(&s.name, reason);
        }
    }
    let ran: BTreeSet<&str> = summaries.iter().map(|s| s.name.as_str()).collect();
    for (name, reason) in known.cases.iter().filter(|(name, _)| !ran.contains(name.as_str())) {
        let category = categories.get(name).map_or("not in the corpus", String::as_str);
        by_category.entry(category).or_default().insert(name, reason);
    }
    for (category, cases) in &by_category {
        let _ = writeln!(out, "\n# {category}");
        for (name, reason) in cases {
            let _ = writeln!(out, "{name}  # {reason}");
        }
    }
    out
}

/// The engine must give the same result every time for the same definition and responders:
/// runs a sample of the corpus twice with one scenario and once more with a freshly built one.
#[test]
fn runs_are_deterministic() {
    let Some(cases) = load_cases() else { return };
    let mut differing = Vec::new();
    let mut compared = 0;
    for (i, case) in cases.iter().enumerate() {
        let Ok(case) = case else { continue };
        // Every fifth case, plus every case with responders (the part most likely to hold state).
        if i % 5 != 0 && case.mocks.is_none() {
            continue;
        }
        let runs = catch_unwind(AssertUnwindSafe(|| {
            let scenario = sim::Scenario::from_json_value(&json!({
                "input": case.input,
                "responders": case.mocks.clone().unwrap_or_else(|| json!({})),
                "context": case.env,
            }))
            .ok()?;
            let definition = asl::Value::from(case.definition.clone());
            // Everything the report holds: status, output, calls and the whole event history.
            let summarise = |report: Result<sim::Report, Vec<asl::Diagnostic>>| format!("{report:?}");
            let first = summarise(sim::run(&definition, &scenario));
            let second = summarise(sim::run(&definition, &scenario));
            let fresh = observe(case).map(|o| format!("{o:?}")).unwrap_or_else(|e| e);
            let again = observe(case).map(|o| format!("{o:?}")).unwrap_or_else(|e| e);
            Some((first, second, fresh, again))
        }));
        // Panics and unusable scenarios are the main test's business.
        let Ok(Some((first, second, fresh, again))) = runs else { continue };
        compared += 1;
        if first != second || fresh != again {
            differing.push(format!(
                "{}:\n  same scenario:  {first}\n             vs:  {second}\n  fresh scenario: {fresh}\n             vs:  {again}",
                case.name
            ));
        }
    }
    println!("determinism: compared {compared} cases");
    assert!(differing.is_empty(), "results differ between identical runs:\n{}", differing.join("\n"));
}

#[cfg(test)]
mod harness {
    //! The harness's own logic, independent of the engine.
    use super::*;

    #[test]
    fn ignore_pointers_remove_members_and_blank_items() {
        let mut doc = json!({"output": {"a": 1, "b/c": 2, "t~": 3, "list": [1, 2, 3]}});
        for p in ["/output/a", "/output/b~1c", "/output/t~0", "/output/list/1", "/output/nope/x", "/cause"] {
            remove_pointer(&mut doc, p);
        }
        assert_eq!(doc, json!({"output": {"list": [1, null, 3]}}));
    }

    #[test]
    fn differences_name_the_first_place() {
        let d = |a: Json, e: Json| {
            first_difference(&a, &e, &mut String::new()).map(|d| describe_difference("output", d))
        };
        assert_eq!(
            d(json!({"a": {"b": 1}}), json!({"a": {"b": 2}})).as_deref(),
            Some("output differs at /a/b: 1 != expected 2")
        );
        assert_eq!(d(json!(1), json!(1.0)).as_deref(), Some("output differs: 1 != expected 1.0"));
        assert_eq!(d(json!([1]), json!([1, 2])).as_deref(), Some("output differs: 1 items != expected 2"));
        assert_eq!(
            d(json!({}), json!({"x": true})).as_deref(),
            Some("output differs at /x: missing, expected true")
        );
        assert_eq!(
            d(json!({"y": null}), json!({})).as_deref(),
            Some("output differs: unexpected member \"y\": null")
        );
        assert_eq!(d(json!({"k": [1, {"z": "s"}]}), json!({"k": [1, {"z": "s"}]})), None);
    }

    fn case(expected: Json) -> Case {
        let mut doc = json!({"name": "n", "category": "c", "tags": ["pass"], "definition": {}, "input": {}});
        if let Json::Object(map) = &mut doc {
            if let Json::Object(e) = expected {
                for (k, v) in e {
                    map.insert(k, v);
                }
            }
        }
        let dir = std::env::temp_dir().join(format!("baton-conformance-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let file = dir.join(format!("{}.json", doc.to_string().len()));
        let _ = std::fs::write(&file, doc.to_string());
        match Case::read(&file) {
            Ok(case) => case,
            Err(e) => panic!("{e}"),
        }
    }

    fn observed(status: &str, output: Option<Json>, error: Option<&str>, cause: Option<&str>) -> Observed {
        Observed { status: status.into(), output, error: error.map(Into::into), cause: cause.map(Into::into) }
    }

    #[test]
    fn comparison_follows_the_index() {
        let succeeded = case(json!({
            "expected": {"status": "SUCCEEDED", "output": {"v": 1, "Execution": {"StartTime": "x"}}},
            "ignore": ["/output/Execution/StartTime"]
        }));
        let ok_output = json!({"v": 1, "Execution": {"StartTime": "2024-01-01"}});
        assert_eq!(compare(&succeeded, &observed("SUCCEEDED", Some(ok_output), None, None)), Ok(()));
        assert_eq!(
            compare(&succeeded, &observed("SUCCEEDED", Some(json!({"v": 2, "Execution": {}})), None, None)),
            Err("output differs at /v: 2 != expected 1".into())
        );
        assert_eq!(
            compare(&succeeded, &observed("FAILED", None, Some("States.Runtime"), Some("boom"))),
            Err("status FAILED != expected SUCCEEDED (States.Runtime: boom)".into())
        );
        assert_eq!(
            compare(&succeeded, &observed("SUCCEEDED", None, None, None)),
            Err("no output, expected {\"v\":1,\"Execution\":{}}".into())
        );

        let json_cause = case(json!({
            "expected": {"status": "FAILED", "error": "E", "cause": {"a": 1, "requestId": "r"}, "cause_is_json": true},
            "ignore": ["/cause/requestId"]
        }));
        let good = observed("FAILED", None, Some("E"), Some(r#"{"requestId":"other","a":1}"#));
        assert_eq!(compare(&json_cause, &good), Ok(()));
        assert!(compare(&json_cause, &observed("FAILED", None, Some("E"), Some("not json")))
            .is_err_and(|e| e.starts_with("cause is not JSON")));
        assert_eq!(
            compare(&json_cause, &observed("FAILED", None, Some("F"), Some(r#"{"a":1}"#))),
            Err("error differs: \"F\" != expected \"E\"".into())
        );

        let patterned = case(json!({
            "expected": {"status": "FAILED", "error": "States.Runtime", "cause": "recorded 'x'"},
            "ignore": ["/cause"],
            "ignore_patterns": {"/cause": "^recorded '.*'$"}
        }));
        let matching = observed("FAILED", None, Some("States.Runtime"), Some("recorded 'y'"));
        assert_eq!(compare(&patterned, &matching), Ok(()));
        let other = observed("FAILED", None, Some("States.Runtime"), Some("something else"));
        assert_eq!(
            compare(&patterned, &other),
            Err("/cause = \"something else\" does not match ^recorded '.*'$".into())
        );
        let absent = case(json!({"expected": {"status": "FAILED"}}));
        assert_eq!(
            compare(&absent, &observed("FAILED", None, Some("E"), None)),
            Err("unexpected error: \"E\"".into())
        );
    }

    #[test]
    fn known_failures_file_format() {
        let text =
            "# header\n\n# more\ntag:jsonata  # not yet\na.b#cases[1]  # why\nplain\n# c\ncategory:map\n";
        let known = KnownFailures::parse(text).unwrap_or_default();
        assert_eq!(known.header, ["# header", "", "# more"]);
        assert_eq!(known.cases.get("a.b#cases[1]").map(String::as_str), Some("why"));
        assert_eq!(known.cases.get("plain").map(String::as_str), Some(""));
        assert_eq!(known.groups.keys().collect::<Vec<_>>(), ["category:map", "tag:jsonata"]);
        assert!(KnownFailures::parse("name extra words\n").is_err());
        let summary = CaseSummary {
            name: "x".into(),
            file: PathBuf::new(),
            category: "map".into(),
            tags: vec!["jsonata".into()],
            failure: Some("f".into()),
        };
        assert_eq!(known.groups_of(&summary), ["category:map", "tag:jsonata"]);

        let known = KnownFailures::parse("# h\ntag:jsonata  # later\nold  # kept reason\ngone  # fixed\n")
            .unwrap_or_default();
        let summaries = vec![
            CaseSummary { failure: Some("f".into()), ..summary },
            CaseSummary {
                name: "old".into(),
                file: PathBuf::new(),
                category: "choice".into(),
                tags: vec![],
                failure: Some("f".into()),
            },
            CaseSummary {
                name: "new".into(),
                file: PathBuf::new(),
                category: "choice".into(),
                tags: vec![],
                failure: Some("f".into()),
            },
            CaseSummary {
                name: "gone".into(),
                file: PathBuf::new(),
                category: "choice".into(),
                tags: vec![],
                failure: None,
            },
        ];
        let categories = BTreeMap::new();
        assert_eq!(
            rewrite_known(&known, &summaries, &categories),
            "# h\ntag:jsonata  # later\n\n# choice\nnew  # TODO: triage\nold  # kept reason\n"
        );
        // A filtered run keeps what it did not run, under its category.
        let known =
            KnownFailures::parse("other  # r1\nelsewhere  # r2\nold  # kept reason\n").unwrap_or_default();
        let categories = BTreeMap::from([("other".to_owned(), "map".to_owned())]);
        assert_eq!(
            rewrite_known(&known, &summaries[1..2], &categories),
            "# Conformance cases expected to fail, one per line: `CASE_NAME  # reason`, or\n\
             # `tag:TAG  # reason` / `category:CATEGORY  # reason` for a whole group.\n\n\n\
             # choice\nold  # kept reason\n\n# map\nother  # r1\n\n# not in the corpus\nelsewhere  # r2\n"
        );
    }
}
