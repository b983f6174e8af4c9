//! `baton test [--definition FILE] [--state-machine NAME] [--junit FILE] PATH...`: a test runner
//! for CI.
//!
//! - A scenario file that promises an outcome (`expect`) is one case: it passes when the run ends
//!   with the promised status and, when one is promised, error. Its definition is `--definition`
//!   or the `definition.asl.json` next to it, and its input its own `input` or the `input.json`
//!   next to it (`{}` without either): the layout of the repository's `examples/`.
//! - A MockConfigFile (recognised by its content: `StateMachines` or `MockedResponses`) gives one
//!   case per test case. AWS's test cases promise no outcome, so one passes when its execution
//!   succeeds or ends at one of the definition's Fail states ([`judge_test_case`]).
//! - A directory means every `*.scenario.json` under it, sorted; one without `expect` there is a
//!   demonstration, not a test, and is left out (named on the command line, it is an error).
//!
//! Every file is read and checked before anything runs: a file that cannot be used is exit 2,
//! not a failed case. Then one line per case (`ok   NAME` or `FAILED NAME : WHY`), a summary
//! `N passed, N failed`, and exit 1 when a case failed.

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::rc::Rc;

use asl::model::StateMachine;
use asl::Value;
use sim::excerpt::{excerpt, excerpt_of};
use sim::mock_config::judge_test_case;
use sim::{MockConfig, Report, Scenario};

use crate::files::{self, json_text, read_text, Kind};
use crate::out::Stdout;
use crate::{classify, load_definition, mock, name_of, once, scenario_of, unknown_option, unreadable, usage};
use crate::{Arg, Failure};

/// `baton test`'s command line.
#[derive(Default)]
struct TestArgs {
    paths: Vec<PathBuf>,
    definition: Option<PathBuf>,
    state_machine: Option<String>,
    junit: Option<PathBuf>,
}

impl TestArgs {
    fn parse(args: &[OsString]) -> Result<TestArgs, Failure> {
        let mut test = TestArgs::default();
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let option = match classify(arg) {
                Arg::Path(path) => {
                    test.paths.push(PathBuf::from(path));
                    continue;
                }
                Arg::Option(option) => option,
            };
            if !matches!(&*option, "--definition" | "--state-machine" | "--junit") {
                return Err(unknown_option(&option));
            }
            let value = it.next().ok_or_else(|| usage(format!("{option} needs a value")))?;
            match &*option {
                "--definition" => once(&mut test.definition, "--definition", PathBuf::from(value))?,
                "--state-machine" => {
                    once(&mut test.state_machine, "--state-machine", name_of(&option, value)?)?
                }
                _ => once(&mut test.junit, "--junit", PathBuf::from(value))?,
            }
        }
        if test.paths.is_empty() {
            return Err(usage("test needs a PATH: a scenario file, a MockConfigFile or a directory"));
        }
        Ok(test)
    }
}

/// One case, ready to run.
struct Case {
    /// The JUnit suite: a MockConfigFile, or a scenario's directory (an example's folder).
    suite: String,
    /// `FILE` for a scenario, `FILE#TestCase` for a test case.
    name: String,
    /// The JUnit test case's name: the file's name, or the test case's.
    short: String,
    machine: Rc<StateMachine>,
    input: Value,
    scenario: Scenario,
}

/// What a case came to.
struct Outcome {
    passed: bool,
    /// Why it failed, or for a test case how it ended.
    note: Option<String>,
}

pub fn test(args: &[OsString], stdout: &mut Stdout) -> Result<ExitCode, Failure> {
    let args = TestArgs::parse(args)?;
    let mut definitions = Definitions::default();
    let mut cases = Vec::new();
    for path in &args.paths {
        if path.is_dir() {
            let found = scenario_files(path)?;
            if found.is_empty() {
                return Err(Failure::Error(format!("no *.scenario.json under '{}'", files::shown(path))));
            }
            for file in found {
                cases.extend(read_cases(&file, &args, &mut definitions, false)?);
            }
        } else {
            cases.extend(read_cases(path, &args, &mut definitions, true)?);
        }
    }

    let mut results = Vec::with_capacity(cases.len());
    for case in &cases {
        let outcome = run(case);
        let line = match (&outcome.passed, &outcome.note) {
            (true, None) => format!("ok   {}\n", case.name),
            (true, Some(note)) => format!("ok   {} ({note})\n", case.name),
            (false, note) => format!("FAILED {} : {}\n", case.name, note.as_deref().unwrap_or_default()),
        };
        stdout.text(&line)?;
        results.push(outcome);
    }
    let failed = results.iter().filter(|o| !o.passed).count();
    stdout.text(&format!("{} passed, {failed} failed\n", results.len() - failed))?;
    if let Some(path) = &args.junit {
        write_junit(path, &cases, &results)?;
    }
    Ok(if failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn run(case: &Case) -> Outcome {
    let mut world = sim::World::start(case.machine.clone(), case.input.clone(), &case.scenario);
    world.run_to_end();
    let report = Report::of(&world);
    match &case.scenario.expect {
        Some(expect) => match first_difference(expect, &report) {
            None => Outcome { passed: true, note: None },
            Some(why) => Outcome { passed: false, note: Some(why) },
        },
        None => match judge_test_case(&report, &case.machine) {
            Ok(how) => Outcome { passed: true, note: Some(how) },
            Err(why) => Outcome { passed: false, note: Some(why) },
        },
    }
}

/// The first way the run differs from its promise: the status, then the error (when promised).
fn first_difference(expect: &sim::scenario::Expect, report: &Report) -> Option<String> {
    let status = report.status.as_aws();
    let got = match &report.error {
        Some(error) => format!("{status} ({error})"),
        None => status.to_string(),
    };
    if expect.status != status {
        return Some(format!("expected status {}, got {got}", excerpt(&expect.status)));
    }
    match (&expect.error, &report.error) {
        (Some(wanted), Some(error)) if wanted != error => {
            Some(format!("expected error {}, got {}", excerpt(wanted), excerpt(error)))
        }
        (Some(wanted), None) => Some(format!("expected error {}, got no error", excerpt(wanted))),
        _ => None,
    }
}

/// Every `*.scenario.json` under a directory, sorted. Symbolic links to directories are not
/// followed: a link back up the tree would never end.
fn scenario_files(dir: &Path) -> Result<Vec<PathBuf>, Failure> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let cannot = |e: std::io::Error| format!("cannot read the directory '{}': {e}", files::shown(&dir));
        for entry in std::fs::read_dir(&dir).map_err(cannot)? {
            let entry = entry.map_err(cannot)?;
            let path = entry.path();
            let kind = entry.file_type().map_err(cannot)?;
            if kind.is_dir() {
                pending.push(path);
            } else if entry.file_name().to_string_lossy().ends_with(".scenario.json") && path.is_file() {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Definitions compiled once, by path.
#[derive(Default)]
struct Definitions(HashMap<PathBuf, Rc<StateMachine>>);

impl Definitions {
    fn get(&mut self, path: &Path, state_machine: Option<&str>) -> Result<Rc<StateMachine>, Failure> {
        if let Some(machine) = self.0.get(path) {
            return Ok(machine.clone());
        }
        let machine = load_definition(path, state_machine)?;
        self.0.insert(path.to_path_buf(), machine.clone());
        Ok(machine)
    }
}

/// A file next to `file`.
fn beside(file: &Path, name: &str) -> PathBuf {
    file.parent().unwrap_or(Path::new("")).join(name)
}

/// `--definition`, or the `definition.asl.json` next to the file.
fn definition_for(
    file: &Path,
    args: &TestArgs,
    definitions: &mut Definitions,
) -> Result<Rc<StateMachine>, Failure> {
    if let Some(path) = &args.definition {
        return definitions.get(path, args.state_machine.as_deref());
    }
    let next_to = beside(file, "definition.asl.json");
    if !next_to.is_file() {
        return Err(Failure::Error(format!(
            "no definition for '{}': give --definition FILE, or put a definition.asl.json next to it",
            files::shown(file)
        )));
    }
    definitions.get(&next_to, args.state_machine.as_deref())
}

/// The `input.json` next to the file, or `{}`.
fn input_beside(file: &Path) -> Result<Value, Failure> {
    let path = beside(file, "input.json");
    if !path.is_file() {
        return Ok(Value::empty_object());
    }
    let text = read_text(&path, Kind::Input).map_err(|e| unreadable(Kind::Input, e))?;
    Value::parse(json_text(&text)).map_err(|e| {
        Failure::Error(format!("the input is not valid JSON:\n{}", files::syntax_error(&path, &text, &e)))
    })
}

/// The cases of one file: a scenario's one, or a MockConfigFile's test cases. `named`: the file
/// was named on the command line (rather than found in a directory).
fn read_cases(
    file: &Path,
    args: &TestArgs,
    definitions: &mut Definitions,
    named: bool,
) -> Result<Vec<Case>, Failure> {
    let shown = files::shown(file);
    let (text, json) = mock::read_json(file, Kind::Scenario)?;
    if MockConfig::looks_like(&json) {
        let config = mock::of_json(file, &text, &json)?;
        let machine = definition_for(file, args, definitions)?;
        let mocked = match &args.state_machine {
            Some(name) => config.state_machines.iter().find(|m| &m.name == name),
            None => match config.state_machines.as_slice() {
                [only] => Some(only),
                _ => None,
            },
        };
        let Some(mocked) = mocked else {
            // Says what the file has, as `baton run --mock-config` does.
            let why = config.find_test_case(args.state_machine.as_deref(), "").err().unwrap_or_default();
            return Err(Failure::Error(format!("{}: {why}", files::shown(file))));
        };
        if mocked.test_cases.is_empty() {
            return Err(Failure::Error(format!(
                "{}: state machine '{}' has no test cases",
                files::shown(file),
                excerpt(&mocked.name)
            )));
        }
        let input = input_beside(file)?;
        let mut cases = Vec::new();
        for case in &mocked.test_cases {
            let scenario = mock::test_case_scenario((file, &text), &config, (mocked, case), &machine)?;
            cases.push(Case {
                suite: shown.clone(),
                name: format!("{shown}#{}", excerpt_of(&case.name, 200)),
                short: case.name.clone(),
                machine: machine.clone(),
                input: input.clone(),
                scenario,
            });
        }
        return Ok(cases);
    }
    // A scenario without a promise is not a test: skipped in a directory, refused by name.
    let promises = json.get("expect").is_some();
    if !promises {
        return match named {
            true => Err(Failure::Error(format!(
                "'{}' promises no outcome: baton test runs scenarios with \"expect\": {{\"status\": ...}}",
                files::shown(file)
            ))),
            false => Ok(Vec::new()),
        };
    }
    let machine = definition_for(file, args, definitions)?;
    let scenario = scenario_of(file, &text, &json, &machine)?;
    let input = match &scenario.input {
        Some(input) => input.clone(),
        None => input_beside(file)?,
    };
    let short = file.file_name().map_or_else(|| shown.clone(), |n| n.to_string_lossy().into_owned());
    let suite = files::shown(file.parent().unwrap_or(Path::new("")));
    Ok(vec![Case { suite, name: shown, short, machine, input, scenario }])
}

/// The JUnit XML report: one suite per MockConfigFile or scenario directory, one test case per
/// case.
fn write_junit(path: &Path, cases: &[Case], results: &[Outcome]) -> Result<(), Failure> {
    let failed = results.iter().filter(|o| !o.passed).count();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.push_str(&format!(
        "<testsuites name=\"baton test\" tests=\"{}\" failures=\"{failed}\">\n",
        cases.len()
    ));
    let mut i = 0;
    while i < cases.len() {
        let suite = &cases[i].suite;
        let end = i + cases[i..].iter().take_while(|c| &c.suite == suite).count();
        let suite_failed = results[i..end].iter().filter(|o| !o.passed).count();
        xml.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{suite_failed}\">\n",
            xml_escape(suite),
            end - i
        ));
        for (case, outcome) in cases[i..end].iter().zip(&results[i..end]) {
            let open = format!(
                "    <testcase classname=\"{}\" name=\"{}\"",
                xml_escape(suite),
                xml_escape(&case.short)
            );
            match (outcome.passed, &outcome.note) {
                (false, note) => {
                    let why = xml_escape(note.as_deref().unwrap_or_default());
                    xml.push_str(&format!(
                        "{open}>\n      <failure message=\"{why}\">{why}</failure>\n    </testcase>\n"
                    ));
                }
                (true, Some(note)) => {
                    xml.push_str(&format!(
                        "{open}>\n      <system-out>{}</system-out>\n    </testcase>\n",
                        xml_escape(note)
                    ));
                }
                (true, None) => xml.push_str(&format!("{open}/>\n")),
            }
        }
        xml.push_str("  </testsuite>\n");
        i = end;
    }
    xml.push_str("</testsuites>\n");
    std::fs::write(path, xml)
        .map_err(|e| Failure::Error(format!("cannot write the JUnit report '{}': {e}", files::shown(path))))
}

/// Text as XML 1.0 character data or an attribute value: the five special characters as
/// entities, and characters XML 1.0 cannot hold at all (most control characters, U+FFFE,
/// U+FFFF; a state name or an error may contain anything) as U+FFFD.
fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Tab, newline and carriage return are allowed, but an attribute value would lose them.
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_text_is_escaped_and_what_xml_cannot_hold_is_replaced() {
        assert_eq!(xml_escape(r#"<a href="x">&'"#), "&lt;a href=&quot;x&quot;&gt;&amp;&apos;");
        assert_eq!(xml_escape("a\u{1b}b\u{FFFF}\n"), "a\u{FFFD}b\u{FFFD}&#10;");
    }
}
