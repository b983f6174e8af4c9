//! `baton export FILE --to cli|cloudformation|sam [--name NAME] [--input-file PATH] [--scenario PATH]`:
//! the work as a person takes it to AWS (`sim::export`): the `aws stepfunctions` commands that
//! create the state machine, start it and answer its tokens as the scenario's participants do; or
//! a CloudFormation or SAM template with the definition inlined. The definition must be valid: an
//! invalid one would only fail at AWS.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use sim::export::{export, Target, Work};

use crate::files::{self, json_text, read_text, Kind};
use crate::out::Stdout;
use crate::{classify, once, read_scenario, set_file, unknown_option, unreadable, usage, Arg, Failure};

#[derive(Default)]
struct ExportArgs {
    file: Option<PathBuf>,
    to: Option<String>,
    name: Option<String>,
    input_file: Option<PathBuf>,
    scenario_file: Option<PathBuf>,
}

impl ExportArgs {
    fn parse(args: &[OsString]) -> Result<ExportArgs, Failure> {
        let mut export = ExportArgs::default();
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let option = match classify(arg) {
                Arg::Path(path) => {
                    set_file(&mut export.file, path)?;
                    continue;
                }
                Arg::Option(option) => option,
            };
            if !matches!(&*option, "--to" | "--name" | "--input-file" | "--scenario") {
                return Err(unknown_option(&option));
            }
            let value = it.next().ok_or_else(|| usage(format!("{option} needs a value")))?;
            let text = || {
                value.to_str().map(str::to_owned).ok_or_else(|| usage(format!("{option} is not UTF-8 text")))
            };
            match &*option {
                "--to" => once(&mut export.to, "--to", text()?)?,
                "--name" => once(&mut export.name, "--name", text()?)?,
                "--input-file" => once(&mut export.input_file, "--input-file", PathBuf::from(value))?,
                _ => once(&mut export.scenario_file, "--scenario", PathBuf::from(value))?,
            }
        }
        Ok(export)
    }
}

/// A state machine name from the file's: `approval.asl.json` is `approval`, and a file named
/// `definition` takes its folder's name (`examples/human-approval/definition.asl.json`). AWS
/// allows letters, digits, `-` and `_`, 80 at most.
fn name_of(file: &Path) -> String {
    let stem = file.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let stem = stem.split('.').next().unwrap_or_default();
    let stem = match stem {
        "definition" | "" => {
            file.parent().and_then(|p| p.file_name()).and_then(|n| n.to_str()).unwrap_or("state-machine")
        }
        stem => stem,
    };
    let name: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' })
        .take(80)
        .collect();
    if name.is_empty() {
        "state-machine".into()
    } else {
        name
    }
}

pub fn export_command(args: &[OsString], stdout: &mut Stdout) -> Result<ExitCode, Failure> {
    let ExportArgs { file, to, name, input_file, scenario_file } = ExportArgs::parse(args)?;
    let file = file.ok_or_else(|| usage("export needs a FILE"))?;
    let keys = Target::ALL.map(Target::key).join(", ");
    let to = to.ok_or_else(|| usage(format!("export needs --to ({keys})")))?;
    let target =
        Target::from_key(&to).ok_or_else(|| usage(format!("--to must be one of {keys}, not '{to}'")))?;
    let loaded = crate::source::load_machine(&file, None)?;
    let compiled = &loaded.compiled;
    let (Some(machine), Some(definition)) = (compiled.machine().cloned(), compiled.value()) else {
        return Err(Failure::Error("the definition is not valid".into()));
    };
    let scenario = scenario_file.map(|path| read_scenario(&path, &machine)).transpose()?;
    let input = match input_file {
        Some(path) => {
            let text = read_text(&path, Kind::Input).map_err(|e| unreadable(Kind::Input, e))?;
            Some(asl::Value::parse(json_text(&text)).map_err(|e| {
                Failure::Error(format!(
                    "the input is not valid JSON:\n{}",
                    files::syntax_error(&path, &text, &e)
                ))
            })?)
        }
        None => scenario.as_ref().and_then(|s| s.input.clone()),
    };
    let name = name.unwrap_or_else(|| name_of(&file));
    let work = Work { definition, name: &name, input: input.as_ref(), scenario: scenario.as_ref() };
    stdout.text(&export(&work, target))?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_file_or_its_folder() {
        assert_eq!(name_of(Path::new("flows/approval.asl.json")), "approval");
        assert_eq!(name_of(Path::new("examples/human-approval/definition.asl.json")), "human-approval");
        assert_eq!(name_of(Path::new("my flow (v2).json")), "my-flow--v2-");
    }
}
