//! The checked-in lists that say where the engine stands: `known-failures.txt` (outcomes),
//! `known-history-differences.txt` (histories) and `pinned-passing.txt` (cases that pass although
//! a whole group of theirs is listed). A trial fails when the lists stop being true, in either
//! direction, so they always say exactly where the engine stands.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// Which comparison a trial makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// Status, output, error and cause.
    Outcome,
    /// The whole event history, event by event.
    History,
}

impl Kind {
    pub const ALL: [Kind; 2] = [Kind::Outcome, Kind::History];

    /// The trial kind libtest-mimic prints (`[history] NAME`), and the word in `pinned-passing.txt`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Outcome => "outcome",
            Kind::History => "history",
        }
    }

    /// The list of this kind's known differences, relative to `crates/sim`.
    pub fn list_file(self) -> &'static str {
        match self {
            Kind::Outcome => "tests/known-failures.txt",
            Kind::History => "tests/known-history-differences.txt",
        }
    }

    fn default_header(self) -> &'static str {
        match self {
            Kind::Outcome => {
                "# Conformance cases expected to fail, one per line: `CASE_NAME  # reason`, or\n\
                 # `tag:TAG  # reason` / `category:CATEGORY  # reason` for a whole group.\n"
            }
            Kind::History => {
                "# Conformance cases whose event history differs from AWS's on purpose, one per line:\n\
                 # `CASE_NAME  # reason`, or `tag:TAG  # reason` / `category:CATEGORY  # reason`.\n"
            }
        }
    }
}

pub const PINNED_PASSING: &str = "tests/pinned-passing.txt";

/// What the lists need to know of a case.
#[derive(Clone, Debug)]
pub struct CaseSummary {
    pub name: String,
    pub category: String,
    pub tags: Vec<String>,
    /// The first difference, `None` when it passed.
    pub failure: Option<String>,
}

/// One list of known differences: one case name per line, or `tag:TAG` / `category:CATEGORY`
/// for a whole group, each optionally followed by whitespace and `# reason`. Case names contain
/// `#` (`...#cases[3]`) but never whitespace, so the name is the first word.
#[derive(Debug, Default)]
pub struct KnownList {
    /// Comment and blank lines before the first entry, kept when the file is rewritten.
    header: Vec<String>,
    pub cases: BTreeMap<String, String>,
    /// `tag:x` and `category:x` entries, as written, with their reasons.
    pub groups: BTreeMap<String, String>,
}

impl KnownList {
    pub fn parse(file: &str, text: &str) -> Result<KnownList, String> {
        let mut known = KnownList::default();
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
                    "{file}:{}: expected `NAME  # reason`, found text after the name: {rest}",
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

    /// The group entries that cover a case of this category and these tags.
    pub fn groups_of<'k>(&'k self, category: &str, tags: &[String]) -> Vec<&'k str> {
        self.groups
            .keys()
            .filter(|group| match group.split_once(':') {
                Some(("tag", tag)) => tags.iter().any(|t| t == tag),
                Some(("category", c)) => category == c,
                _ => false,
            })
            .map(String::as_str)
            .collect()
    }
}

/// `pinned-passing.txt`: `outcome NAME` or `history NAME` per line, for the cases that pass
/// inside a listed group, so that a regression there fails like any other.
#[derive(Debug, Default)]
pub struct Pinned {
    header: Vec<String>,
    pub entries: BTreeSet<(Kind, String)>,
}

impl Pinned {
    pub fn parse(text: &str) -> Result<Pinned, String> {
        let mut pinned = Pinned::default();
        for (number, line) in text.lines().enumerate() {
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                if pinned.entries.is_empty() {
                    pinned.header.push(line.to_owned());
                }
                continue;
            }
            let kind = match trimmed.split_once(char::is_whitespace) {
                Some(("outcome", name)) => (Kind::Outcome, name.trim()),
                Some(("history", name)) => (Kind::History, name.trim()),
                _ => {
                    return Err(format!(
                        "{PINNED_PASSING}:{}: expected `outcome NAME` or `history NAME`: {trimmed}",
                        number + 1
                    ))
                }
            };
            pinned.entries.insert((kind.0, kind.1.to_owned()));
        }
        Ok(pinned)
    }

    pub fn contains(&self, kind: Kind, name: &str) -> bool {
        self.entries.contains(&(kind, name.to_owned()))
    }
}

/// What a trial makes of a case's result, given the lists.
#[derive(Debug, PartialEq)]
pub enum Verdict {
    Pass,
    /// A listed difference that is still there: the trial is reported as ignored, with the reason.
    Known(String),
    Fail(String),
}

pub fn verdict(kind: Kind, case: &CaseSummary, list: &KnownList, pinned: &Pinned) -> Verdict {
    let file = kind.list_file().trim_start_matches("tests/");
    let by_name = list.cases.get(&case.name);
    let groups = list.groups_of(&case.category, &case.tags);
    let is_pinned = pinned.contains(kind, &case.name);
    match (&case.failure, by_name) {
        (None, Some(_)) => Verdict::Fail(format!("now passes: remove it from {file}")),
        (None, None) if !groups.is_empty() && !is_pinned => Verdict::Fail(format!(
            "passes although {} is listed in {file}: pin it in pinned-passing.txt \
             (BATON_CONFORMANCE_WRITE_KNOWN=1 does)",
            groups.join(", ")
        )),
        (None, None) => Verdict::Pass,
        (Some(failure), Some(reason)) => Verdict::Known(format!("{reason} ({failure})")),
        (Some(failure), None) if is_pinned => {
            Verdict::Fail(format!("regression: pinned as passing in pinned-passing.txt: {failure}"))
        }
        (Some(failure), None) => match groups.first() {
            Some(group) => Verdict::Known(format!("{group}: {} ({failure})", list.groups[*group])),
            None => Verdict::Fail(failure.clone()),
        },
    }
}

/// The new list: the old header, the groups that still cover a failure, and every other failing
/// case by name, grouped by category. Existing reasons are kept; new entries get `TODO: triage`.
/// Entries for cases this run did not include (a filtered run) are kept as they are, so a partial
/// run never forgets anything; `categories` (every corpus case's category) files them under the
/// right heading.
pub fn rewrite_known(
    kind: Kind,
    known: &KnownList,
    summaries: &[CaseSummary],
    categories: &BTreeMap<String, String>,
) -> String {
    let mut out = String::new();
    for line in &known.header {
        let _ = writeln!(out, "{line}");
    }
    if known.header.is_empty() {
        let _ = writeln!(out, "{}", kind.default_header());
    }
    let failing: Vec<&CaseSummary> = summaries.iter().filter(|s| s.failure.is_some()).collect();
    let kept_groups: BTreeMap<&String, &String> = known
        .groups
        .iter()
        .filter(|(group, _)| {
            let covers = |s: &&CaseSummary| known.groups_of(&s.category, &s.tags).contains(&group.as_str());
            // A group with no case in a filtered run cannot be judged; keep it.
            failing.iter().any(covers) || !summaries.iter().any(|s| covers(&s))
        })
        .collect();
    for (group, reason) in &kept_groups {
        let _ = writeln!(out, "{group}  # {reason}");
    }
    let mut by_category: BTreeMap<&str, BTreeMap<&str, &str>> = BTreeMap::new();
    for s in &failing {
        let groups = known.groups_of(&s.category, &s.tags);
        let covered = groups.iter().any(|g| kept_groups.keys().any(|k| k.as_str() == *g));
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

/// The new `pinned-passing.txt`: every case that passed although a group of the (rewritten)
/// list covers it, plus the old entries for cases this run did not include.
pub fn rewrite_pinned(pinned: &Pinned, runs: &[(Kind, &KnownList, &[CaseSummary])]) -> String {
    let mut out = String::new();
    for line in &pinned.header {
        let _ = writeln!(out, "{line}");
    }
    if pinned.header.is_empty() {
        out.push_str(
            "# Cases that pass although a tag:/category: line of their list covers them, as\n\
             # `outcome NAME` or `history NAME`: a failure of one of them is a regression.\n\n",
        );
    }
    let mut entries = BTreeSet::new();
    for (kind, list, summaries) in runs {
        let ran: BTreeSet<&str> = summaries.iter().map(|s| s.name.as_str()).collect();
        for s in summaries.iter() {
            let grouped = !list.groups_of(&s.category, &s.tags).is_empty();
            if s.failure.is_none() && grouped && !list.cases.contains_key(&s.name) {
                entries.insert((*kind, s.name.clone()));
            }
        }
        for (k, name) in &pinned.entries {
            if k == kind && !ran.contains(name.as_str()) {
                entries.insert((*k, name.clone()));
            }
        }
    }
    for (kind, name) in entries {
        let _ = writeln!(out, "{} {name}", kind.name());
    }
    out
}

/// The lists' own rules, without the engine.
pub mod tests {
    use super::*;

    fn summary(name: &str, category: &str, tags: &[&str], failure: Option<&str>) -> CaseSummary {
        CaseSummary {
            name: name.into(),
            category: category.into(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            failure: failure.map(Into::into),
        }
    }

    pub fn known_failures_file_format() {
        let file = "known-failures.txt";
        let text =
            "# header\n\n# more\ntag:jsonata  # not yet\na.b#cases[1]  # why\nplain\n# c\ncategory:map\n";
        let known = KnownList::parse(file, text).unwrap_or_default();
        assert_eq!(known.header, ["# header", "", "# more"]);
        assert_eq!(known.cases.get("a.b#cases[1]").map(String::as_str), Some("why"));
        assert_eq!(known.cases.get("plain").map(String::as_str), Some(""));
        assert_eq!(known.groups.keys().collect::<Vec<_>>(), ["category:map", "tag:jsonata"]);
        assert!(KnownList::parse(file, "name extra words\n").is_err());
        let grouped = summary("x", "map", &["jsonata"], Some("f"));
        assert_eq!(known.groups_of(&grouped.category, &grouped.tags), ["category:map", "tag:jsonata"]);

        let known = KnownList::parse(file, "# h\ntag:jsonata  # later\nold  # kept reason\ngone  # fixed\n")
            .unwrap_or_default();
        let summaries = vec![
            grouped,
            summary("old", "choice", &[], Some("f")),
            summary("new", "choice", &[], Some("f")),
            summary("gone", "choice", &[], None),
        ];
        let categories = BTreeMap::new();
        assert_eq!(
            rewrite_known(Kind::Outcome, &known, &summaries, &categories),
            "# h\ntag:jsonata  # later\n\n# choice\nnew  # TODO: triage\nold  # kept reason\n"
        );
        // A filtered run keeps what it did not run, under its category.
        let known =
            KnownList::parse(file, "other  # r1\nelsewhere  # r2\nold  # kept reason\n").unwrap_or_default();
        let categories = BTreeMap::from([("other".to_owned(), "map".to_owned())]);
        assert_eq!(
            rewrite_known(Kind::Outcome, &known, &summaries[1..2], &categories),
            "# Conformance cases expected to fail, one per line: `CASE_NAME  # reason`, or\n\
             # `tag:TAG  # reason` / `category:CATEGORY  # reason` for a whole group.\n\n\n\
             # choice\nold  # kept reason\n\n# map\nother  # r1\n\n# not in the corpus\nelsewhere  # r2\n"
        );
    }

    pub fn verdicts_keep_the_lists_true() {
        let list = KnownList::parse("l", "tag:jsonata  # later\nnamed  # a reason\n").unwrap_or_default();
        let pinned = Pinned::parse("# h\nhistory kept\noutcome kept\n").unwrap_or_default();
        assert!(Pinned::parse("kept\n").is_err());
        let v = |name: &str, tags: &[&str], failure: Option<&str>| {
            verdict(Kind::History, &summary(name, "c", tags, failure), &list, &pinned)
        };
        assert_eq!(v("plain", &[], None), Verdict::Pass);
        assert_eq!(v("plain", &[], Some("differs")), Verdict::Fail("differs".into()));
        assert_eq!(v("named", &[], Some("differs")), Verdict::Known("a reason (differs)".into()));
        assert!(matches!(v("named", &[], None), Verdict::Fail(m) if m.starts_with("now passes")));
        assert_eq!(v("j", &["jsonata"], Some("d")), Verdict::Known("tag:jsonata: later (d)".into()));
        assert!(matches!(v("j", &["jsonata"], None), Verdict::Fail(m) if m.contains("pin it")));
        assert_eq!(v("kept", &["jsonata"], None), Verdict::Pass);
        assert!(
            matches!(v("kept", &["jsonata"], Some("d")), Verdict::Fail(m) if m.starts_with("regression"))
        );

        let summaries = [
            summary("j", "c", &["jsonata"], None),
            summary("k", "c", &["jsonata"], Some("d")),
            summary("gone", "c", &["jsonata"], Some("d")),
        ];
        let old = Pinned::parse("outcome unrun\nhistory gone\n").unwrap_or_default();
        assert_eq!(
            rewrite_pinned(&old, &[(Kind::History, &list, &summaries[..]), (Kind::Outcome, &list, &[])]),
            "# Cases that pass although a tag:/category: line of their list covers them, as\n\
             # `outcome NAME` or `history NAME`: a failure of one of them is a regression.\n\n\
             outcome unrun\nhistory j\n"
        );
    }
}
