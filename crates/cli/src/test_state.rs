//! `baton test-state FILE [--state NAME] [--input JSON] [--inspection-level LEVEL] [--mock JSON]
//! [--variables JSON]`: one state run once, as AWS's TestState API runs it, answered as the API
//! answers (`aws stepfunctions test-state` prints the same JSON). The work is
//! [`sim::test_state`]'s; here the command line is read and the file's problems located.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use asl::exec::test_state::{self, InspectionLevel, Mock, Request};
use asl::Value;

use crate::files::{self, read_text, Kind};
use crate::out::{say, Stdout};
use crate::{classify, name_of, once, set_file, unknown_option, unreadable, usage, Arg, Failure};

/// `baton test-state`'s command line.
#[derive(Default)]
struct TestStateArgs {
    file: Option<PathBuf>,
    state: Option<String>,
    input: Option<OsString>,
    inspection_level: Option<InspectionLevel>,
    mock: Option<OsString>,
    variables: Option<OsString>,
}

impl TestStateArgs {
    fn parse(args: &[OsString]) -> Result<TestStateArgs, Failure> {
        let mut parsed = TestStateArgs::default();
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let option = match classify(arg) {
                Arg::Path(path) => {
                    set_file(&mut parsed.file, path)?;
                    continue;
                }
                Arg::Option(option) => option,
            };
            if !matches!(&*option, "--state" | "--input" | "--inspection-level" | "--mock" | "--variables") {
                return Err(unknown_option(&option));
            }
            let value = it.next().ok_or_else(|| usage(format!("{option} needs a value")))?;
            match &*option {
                "--state" => once(&mut parsed.state, "--state", name_of(&option, value)?)?,
                "--input" => once(&mut parsed.input, "--input", value.clone())?,
                "--mock" => once(&mut parsed.mock, "--mock", value.clone())?,
                "--variables" => once(&mut parsed.variables, "--variables", value.clone())?,
                _ => {
                    let level = value.to_str().and_then(InspectionLevel::parse).ok_or_else(|| {
                        usage(format!(
                            "--inspection-level must be INFO, DEBUG or TRACE, not '{}'",
                            sim::excerpt(&value.to_string_lossy())
                        ))
                    })?;
                    once(&mut parsed.inspection_level, "--inspection-level", level)?;
                }
            }
        }
        Ok(parsed)
    }
}

pub fn test_state(args: &[OsString], stdout: &mut Stdout) -> Result<ExitCode, Failure> {
    let TestStateArgs { file, state, input, inspection_level, mock, variables } = TestStateArgs::parse(args)?;
    let file = file.ok_or_else(|| usage("test-state needs a FILE"))?;
    let definition = load(&file)?;
    let names = || {
        let names = test_state::state_names(&definition.machine);
        let shown: Vec<String> = names.iter().take(20).map(|n| format!("'{}'", sim::excerpt(n))).collect();
        let more = if names.len() > shown.len() { ", ..." } else { "" };
        format!("{}{more}", shown.join(", "))
    };
    let shown = files::shown(&file);
    let state = match (&state, definition.single_state) {
        (None, false) => {
            return Err(Failure::Error(format!(
                "{shown} holds a state machine: give --state NAME, one of its states: {}",
                names()
            )))
        }
        (Some(_), true) => {
            return Err(Failure::Error(format!(
                "{shown} holds one state, which is the one tested: --state picks a state of a state machine"
            )))
        }
        (Some(name), false)
            if !test_state::state_names(&definition.machine).iter().any(|n| **n == **name) =>
        {
            return Err(Failure::Error(format!(
                "{shown} has no state '{}'; its states: {}",
                sim::excerpt(name),
                names()
            )))
        }
        (name, _) => definition.state(name.as_deref()).map_err(|e| Failure::Error(e.message))?,
    };
    let request = Request {
        input: match input {
            Some(text) => json_option("--input", &text)?,
            None => Value::empty_object(),
        },
        inspection_level: inspection_level.unwrap_or_default(),
        variables: match variables {
            Some(text) => match json_option("--variables", &text)? {
                Value::Object(vars) => (*vars).clone(),
                other => {
                    return Err(Failure::Error(format!(
                        "--variables must be a JSON object of variable names and values, not {}",
                        other.type_name()
                    )))
                }
            },
            None => asl::Map::new(),
        },
        mock: match mock {
            Some(text) => Some(
                Mock::from_json(&json_option("--mock", &text)?)
                    .map_err(|e| Failure::Error(format!("--mock is not valid: {}", e.message)))?,
            ),
            None => None,
        },
    };
    let tested = sim::test_state(&definition.machine, state, &request)
        .map_err(|e| Failure::Error(format!("test-state refuses the request ({}): {}", e.code, e.message)))?;
    if let Some(resource) = &tested.stand_in {
        say(&format!(
            "baton: note: no --mock, so the Task was answered by Baton's stand-in for {} (AWS would call the service)",
            sim::excerpt(resource)
        ));
    }
    stdout.json(&tested.response.to_aws_json())?;
    Ok(ExitCode::SUCCESS)
}

/// Reads FILE: a state machine or one state; problems are located lines, as `baton run` gives them.
fn load(file: &Path) -> Result<test_state::TestDefinition, Failure> {
    let text = read_text(file, Kind::Definition).map_err(|e| unreadable(Kind::Definition, e))?;
    test_state::definition(&text).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(|d| files::diagnostic_line(file, d)).collect();
        Failure::Error(format!("the definition is not valid:\n{}", lines.join("\n")))
    })
}

/// An option's JSON value.
fn json_option(option: &str, text: &OsStr) -> Result<Value, Failure> {
    let text = text.to_str().ok_or_else(|| Failure::Error(format!("{option} is not UTF-8 text")))?;
    Value::parse(text).map_err(|e| Failure::Error(format!("{option} is not valid JSON: {e}")))
}
