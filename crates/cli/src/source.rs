//! Definitions in whichever form they come: ASL JSON, ASL YAML, a CloudFormation or SAM
//! template (JSON or YAML; `--state-machine LOGICAL_ID` picks one of several), a Terraform
//! template with `${...}` placeholders. The `formats` crate turns each into ASL JSON text; the
//! definition reader compiles that; every problem is placed back in the file it is in (the
//! template, or the file its `DefinitionUri` names). `baton convert` is here too.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use asl::Diagnostic;
use formats::{Options, Problem, Read};

use crate::files::{self, read_text, Kind, Unreadable};
use crate::out::Stdout;
use crate::{classify, once, set_file, unknown_option, usage, Arg, Failure};

/// A definition read and compiled.
pub struct Loaded {
    /// The file the places are in: the one given, or the file a SAM `DefinitionUri` names.
    pub path: PathBuf,
    /// That file's text.
    pub text: String,
    pub compiled: asl::Compiled,
    /// The definition reader's diagnostics placed in `text`, with reading's warnings.
    pub diagnostics: Vec<Diagnostic>,
    /// Whether the file given is a template (so `--state-machine` meant one of its machines).
    pub is_template: bool,
}

/// Why there is no compiled definition.
pub enum NotLoaded {
    Unreadable(Unreadable),
    /// Problems located in `path`'s text (YAML that is not YAML, a template's definition that
    /// cannot be read).
    Invalid {
        path: PathBuf,
        text: String,
        diagnostics: Vec<Diagnostic>,
    },
    /// Anything else: a message.
    Failure(Failure),
}

impl NotLoaded {
    /// For the commands that need a machine: everything is a failure (exit 2).
    pub fn failure(self) -> Failure {
        match self {
            NotLoaded::Unreadable(e) => crate::unreadable(Kind::Definition, e),
            NotLoaded::Invalid { path, diagnostics, .. } => invalid(&path, &diagnostics),
            NotLoaded::Failure(f) => f,
        }
    }
}

fn invalid(path: &Path, diagnostics: &[Diagnostic]) -> Failure {
    let lines: Vec<String> =
        diagnostics.iter().filter(|d| d.is_error()).map(|d| files::diagnostic_line(path, d)).collect();
    Failure::Error(format!("the definition is not valid:\n{}", lines.join("\n")))
}

fn choose(file: &Path, problem: &Problem) -> Failure {
    let hint = match problem {
        Problem::Choose { asked: None, .. } => "; say which with --state-machine LOGICAL_ID",
        _ => "",
    };
    Failure::Error(format!("{}: {}{hint}", files::shown(file), problem.message()))
}

fn name_of(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Reads and compiles the definition in `file`.
pub fn load(file: &Path, state_machine: Option<&str>) -> Result<Loaded, NotLoaded> {
    let text = read_text(file, Kind::Definition).map_err(NotLoaded::Unreadable)?;
    let name = name_of(file);
    let options = Options { name: &name, state_machine };
    let problem = |path: &Path, text: &str, p: Problem| match p {
        Problem::Invalid(diagnostics) => {
            NotLoaded::Invalid { path: path.to_path_buf(), text: text.to_string(), diagnostics }
        }
        choice => NotLoaded::Failure(choose(path, &choice)),
    };
    let definition = match formats::read(&text, &options) {
        Ok(Read::Definition(definition)) => definition,
        Ok(Read::Linked(linked)) => {
            let path = file.parent().unwrap_or(Path::new("")).join(&linked.uri);
            let linked_text = read_text(&path, Kind::Definition).map_err(|e| {
                let why = match e {
                    Unreadable::Io(message) | Unreadable::NotText(message) => message,
                };
                let at = linked.span;
                let line = files::located(
                    file,
                    at.line,
                    at.column,
                    &format!("DefinitionUri of {}: {why}", linked.state_machine),
                );
                NotLoaded::Failure(Failure::Error(line))
            })?;
            let definition = formats::read_linked(&linked_text, &name_of(&path), &linked)
                .map_err(|p| problem(&path, &linked_text, p))?;
            return Ok(compile(path.clone(), &linked_text, &definition, true));
        }
        Err(p) => return Err(problem(file, &text, p)),
    };
    let is_template = definition.state_machine.is_some();
    Ok(compile(file.to_path_buf(), &text, &definition, is_template))
}

fn compile(path: PathBuf, text: &str, definition: &formats::Definition, is_template: bool) -> Loaded {
    let compiled = asl::compile(definition.json());
    let diagnostics = definition.diagnostics(compiled.diagnostics());
    Loaded { path, text: text.to_string(), compiled, diagnostics, is_template }
}

/// Reads a definition that must be valid: its machine, or its errors as located lines.
pub fn load_machine(file: &Path, state_machine: Option<&str>) -> Result<Loaded, Failure> {
    let loaded = load(file, state_machine).map_err(NotLoaded::failure)?;
    if loaded.compiled.machine().is_none() {
        return Err(invalid(&loaded.path, &loaded.diagnostics));
    }
    Ok(loaded)
}

/// `baton convert FILE --to json|yaml`: the document in the other form, on standard output.
pub fn convert(args: &[OsString], stdout: &mut Stdout) -> Result<ExitCode, Failure> {
    let mut file = None;
    let mut to: Option<String> = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match classify(arg) {
            Arg::Path(path) => set_file(&mut file, path)?,
            Arg::Option(option) if option == "--to" => {
                let value = it.next().ok_or_else(|| usage("--to needs a value"))?;
                once(&mut to, "--to", value.to_string_lossy().into_owned())?;
            }
            Arg::Option(option) => return Err(unknown_option(&option)),
        }
    }
    let file: PathBuf = file.ok_or_else(|| usage("convert needs a FILE"))?;
    let target = match to.as_deref() {
        Some("json") => formats::Target::Json,
        Some("yaml") => formats::Target::Yaml,
        Some(other) => return Err(usage(format!("--to must be json or yaml, not '{other}'"))),
        None => return Err(usage("convert needs --to json|yaml")),
    };
    let text = read_text(&file, Kind::Definition).map_err(|e| crate::unreadable(Kind::Definition, e))?;
    match formats::convert(&text, &name_of(&file), target) {
        Ok(converted) => {
            stdout.text(&converted)?;
            Ok(ExitCode::SUCCESS)
        }
        Err(Problem::Invalid(diagnostics)) => {
            let lines: Vec<String> = diagnostics.iter().map(|d| files::diagnostic_line(&file, d)).collect();
            Err(Failure::Error(format!("the file cannot be converted:\n{}", lines.join("\n"))))
        }
        Err(other) => Err(Failure::Error(other.message())),
    }
}
