//! `baton`: validate and run Step Functions state machines on a virtual clock, and evaluate JSONata
//! expressions, from a terminal or CI.
#![forbid(unsafe_code)]

mod eval;
mod export;
mod files;
mod mock;
mod out;
mod show;
mod source;
mod test;
mod test_state;

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use asl::model::StateMachine;
use files::{json_text, read_text, Kind, Unreadable};
use out::{say, Stdout};
use sim::{excerpt, Scenario};

const USAGE: &str = "\
usage:
  baton validate FILE [--context] [--state-machine LOGICAL_ID]
      Checks a definition. Exit 0 when valid; otherwise exit 1 with one line per problem:
      FILE:LINE:COL: error: MESSAGE (warnings too, as `warning:`). --context adds the source
      line and a caret under each problem.
      Every command's definition FILE may be ASL JSON, ASL YAML, a CloudFormation or SAM
      template (JSON or YAML; --state-machine picks one of several by its logical ID) or a
      Terraform template with ${...} placeholders; problems are located in that file.
  baton run FILE [--input JSON] [--input-file PATH] [--scenario PATH] [--history]
                 [--history-file PATH] [--until EVENT_ID]
                 [--mock-config PATH --test-case NAME [--state-machine NAME]]
      Runs an execution to its end on the virtual clock and prints one JSON object:
      {\"status\", \"output\" | \"error\", \"cause\", \"clock\", \"calls\", \"open\" (tokens still
      out, if any), \"history\" (with --history)}.
      --until stops at the instant of event EVENT_ID and prints the state there.
      --history-file writes the history alone as {\"events\": [...]}, as
      `aws stepfunctions get-execution-history` prints it.
      --mock-config runs a test case of Step Functions Local's MockConfigFile instead of a
      scenario (--state-machine: which one of the file's, when it has several; with a
      template, the same name picks the template's state machine).
      Exit 0 whenever the execution ran; 2 for usage errors, a file that cannot be read or
      written, and an invalid definition, scenario or input (located as FILE:LINE:COL).
  baton eval EXPR [--input-file PATH] [--bindings JSON]
      Evaluates one JSONata expression as Step Functions does ($eval disabled, AWS's extra
      functions) on the input (undefined without --input-file); --bindings '{\"x\": 1}' sets $x.
      Prints the result as JSON (nothing when it is undefined), exit 0. A JSONata error exits 1:
      CODE: MESSAGE (at character N). An expression that starts with '-' goes after `--`.
      Usage errors and a file that cannot be read exit 2.
  baton test [--definition FILE] [--state-machine NAME] [--junit FILE] PATH...
      Runs scenario files that promise an outcome (\"expect\") and every test case of a
      MockConfigFile; a directory means every *.scenario.json under it. A scenario's definition
      is --definition or the definition.asl.json next to it; its input, its own \"input\" or the
      input.json next to it. A test case passes when its execution succeeds or ends at one of
      the definition's Fail states. Prints `ok` or `FAILED` per case, then `N passed, N failed`;
      --junit writes a JUnit XML report. Exit 1 when a case fails, 2 for usage and file errors.
  baton export FILE --to cli|cloudformation|sam [--name NAME] [--input-file PATH] [--scenario PATH]
      Prints the work as it goes to AWS: the aws stepfunctions commands that create the state
      machine, start an execution and answer its tokens as the scenario's participants do
      (cli), or a template with the definition inlined (cloudformation, sam). NAME defaults to
      the file's name (or its folder's, for definition.asl.json).
  baton convert FILE --to json|yaml
      Prints a JSON or YAML document (a definition, a template) in the other form.
  baton test-state FILE [--state NAME] [--input JSON] [--inspection-level INFO|DEBUG|TRACE]
                        [--mock JSON] [--variables JSON]
      Runs one state once, as AWS's TestState API does, and prints its answer: {\"output\",
      \"error\", \"cause\", \"inspectionData\" (DEBUG, TRACE), \"nextState\", \"status\"}.
      FILE is one state, or a state machine and --state names the state. --mock is the API's
      {\"result\": \"JSON\"} or {\"errorOutput\": {\"error\", \"cause\"}}; without one a Task gets
      Baton's stand-in answer (said on stderr). Exit 0 whatever the status; 2 as for run.
  baton show HISTORY [--definition FILE] [--execution FILE] [--svg OUT] [--graph-svg OUT] [--mermaid]
      Shows an execution that ran on AWS, from what `aws stepfunctions get-execution-history`
      printed (or `baton run --history`; '-' reads standard input): its status and duration, each
      state entered and how it ended, and each token handed out (to whom, its timeout and
      heartbeat, how it came back, retries and catches). --svg writes the sequence diagram;
      --mermaid prints it as Mermaid instead of the summary. --definition (an ASL file, or what
      describe-state-machine prints) checks the history against it and, with --graph-svg, draws the
      workflow graph with each state marked; --execution takes what describe-execution prints.
      OUT '-' writes to standard output. Exit 0 when shown; 2 for usage errors, files that cannot
      be read or written, and input that is not a history (located as FILE:LINE:COL).";

/// Why baton stops without doing what it was asked.
enum Failure {
    /// The command line is wrong: the message is followed by the usage text.
    Usage(String),
    /// Anything else (a file that cannot be read, an invalid definition, a full disk): the
    /// message alone, a line or located lines.
    Error(String),
}

impl From<String> for Failure {
    fn from(message: String) -> Failure {
        Failure::Error(message)
    }
}

fn usage(message: impl Into<String>) -> Failure {
    Failure::Usage(message.into())
}

fn main() -> ExitCode {
    // `args_os`: `args` panics on an argument that is not UTF-8 (a file name can be anything).
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let mut stdout = Stdout::new();
    let result = match args.first().map(|a| a.to_string_lossy()) {
        Some(command) if command == "validate" => validate(&args[1..], &mut stdout),
        Some(command) if command == "run" => run(&args[1..], &mut stdout),
        Some(command) if command == "eval" => eval::eval(&args[1..], &mut stdout),
        Some(command) if command == "export" => export::export_command(&args[1..], &mut stdout),
        Some(command) if command == "test" => test::test(&args[1..], &mut stdout),
        Some(command) if command == "convert" => source::convert(&args[1..], &mut stdout),
        Some(command) if command == "test-state" => test_state::test_state(&args[1..], &mut stdout),
        Some(command) if command == "show" => show::show(&args[1..], &mut stdout),
        Some(command) if matches!(&*command, "-h" | "--help" | "help") => {
            stdout.text(&format!("{USAGE}\n")).map(|()| ExitCode::SUCCESS).map_err(Failure::Error)
        }
        Some(other) => Err(usage(format!("unknown command '{}'", excerpt(&other)))),
        None => Err(usage("no command given")),
    };
    match result.and_then(|code| stdout.finish().map(|()| code).map_err(Failure::Error)) {
        Ok(code) => code,
        Err(Failure::Usage(message)) => {
            say(&format!("baton: {message}\n\n{USAGE}"));
            ExitCode::from(2)
        }
        Err(Failure::Error(message)) => {
            say(&format!("baton: {message}"));
            ExitCode::from(2)
        }
    }
}

/// A command-line word: an option, or a path (anything else, `-` included).
enum Arg<'a> {
    Option(String),
    Path(&'a OsStr),
}

fn classify(arg: &OsStr) -> Arg<'_> {
    let text = arg.to_string_lossy();
    match text.starts_with('-') && text.len() > 1 {
        true => Arg::Option(text.into_owned()),
        false => Arg::Path(arg),
    }
}

fn unknown_option(option: &str) -> Failure {
    usage(format!("unknown option '{}'", excerpt(option)))
}

/// Sets an option's value, refusing a second one: which one was meant is anybody's guess.
fn once<T>(slot: &mut Option<T>, name: &str, value: T) -> Result<(), Failure> {
    match slot.replace(value) {
        Some(_) => Err(usage(format!("{name} is given twice"))),
        None => Ok(()),
    }
}

/// The command's one FILE; a second path is a mistake.
fn set_file(file: &mut Option<PathBuf>, path: &OsStr) -> Result<(), Failure> {
    match file {
        Some(_) => Err(usage(format!("unexpected argument '{}'", excerpt(&path.to_string_lossy())))),
        None => {
            *file = Some(PathBuf::from(path));
            Ok(())
        }
    }
}

fn validate(args: &[OsString], stdout: &mut Stdout) -> Result<ExitCode, Failure> {
    let mut file = None;
    let mut context = false;
    let mut state_machine = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match classify(arg) {
            Arg::Option(option) if option == "--context" => context = true,
            Arg::Option(option) if option == "--state-machine" => {
                let value = it.next().ok_or_else(|| usage("--state-machine needs a value"))?;
                once(&mut state_machine, "--state-machine", name_of(&option, value)?)?;
            }
            Arg::Option(option) => return Err(unknown_option(&option)),
            Arg::Path(path) => set_file(&mut file, path)?,
        }
    }
    let file = file.ok_or_else(|| usage("validate needs a FILE"))?;
    let (file, text, diagnostics, has_errors) = match source::load(&file, state_machine.as_deref()) {
        Ok(loaded) => {
            let has_errors = loaded.compiled.has_errors();
            (loaded.path, loaded.text, loaded.diagnostics, has_errors)
        }
        Err(source::NotLoaded::Unreadable(Unreadable::Io(message))) => return Err(Failure::Error(message)),
        // Not UTF-8 is a problem of the definition, reported like the others.
        Err(source::NotLoaded::Unreadable(Unreadable::NotText(line))) => {
            stdout.text(&format!("{line}\n"))?;
            return Ok(ExitCode::from(1));
        }
        Err(source::NotLoaded::Invalid { path, text, diagnostics }) => (path, text, diagnostics, true),
        Err(source::NotLoaded::Failure(failure)) => return Err(failure),
    };
    let shown = file.display().to_string();
    let mut lines = String::new();
    for d in &diagnostics {
        lines.push_str(&files::diagnostic_line(&file, d));
        lines.push('\n');
        if context {
            for line in asl::source::render(&shown, &text, d).lines().skip(1) {
                lines.push_str(line);
                lines.push('\n');
            }
        }
    }
    stdout.text(&lines)?;
    Ok(if has_errors { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// `baton run`'s command line.
#[derive(Default)]
struct RunArgs {
    file: Option<PathBuf>,
    input: Option<OsString>,
    input_file: Option<PathBuf>,
    scenario_file: Option<PathBuf>,
    history_file: Option<PathBuf>,
    history: bool,
    until: Option<u64>,
    mock_config: Option<PathBuf>,
    test_case: Option<String>,
    state_machine: Option<String>,
}

impl RunArgs {
    fn parse(args: &[OsString]) -> Result<RunArgs, Failure> {
        let mut run = RunArgs::default();
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let option = match classify(arg) {
                Arg::Path(path) => {
                    set_file(&mut run.file, path)?;
                    continue;
                }
                Arg::Option(option) if option == "--history" => {
                    run.history = true;
                    continue;
                }
                Arg::Option(option) => option,
            };
            if !matches!(
                &*option,
                "--input"
                    | "--input-file"
                    | "--scenario"
                    | "--history-file"
                    | "--until"
                    | "--mock-config"
                    | "--test-case"
                    | "--state-machine"
            ) {
                return Err(unknown_option(&option));
            }
            let value = it.next().ok_or_else(|| usage(format!("{option} needs a value")))?;
            match &*option {
                "--input" => once(&mut run.input, "--input", value.clone())?,
                "--input-file" => once(&mut run.input_file, "--input-file", PathBuf::from(value))?,
                "--scenario" => once(&mut run.scenario_file, "--scenario", PathBuf::from(value))?,
                "--history-file" => once(&mut run.history_file, "--history-file", PathBuf::from(value))?,
                "--mock-config" => once(&mut run.mock_config, "--mock-config", PathBuf::from(value))?,
                "--test-case" => once(&mut run.test_case, "--test-case", name_of(&option, value)?)?,
                "--state-machine" => {
                    once(&mut run.state_machine, "--state-machine", name_of(&option, value)?)?
                }
                _ => {
                    let id = value.to_str().and_then(|v| v.parse::<u64>().ok()).filter(|&id| id > 0);
                    let id = id.ok_or_else(|| usage("--until needs an event id (1, 2, ...)"))?;
                    once(&mut run.until, "--until", id)?;
                }
            }
        }
        if run.input.is_some() && run.input_file.is_some() {
            return Err(usage("give --input or --input-file, not both"));
        }
        match (&run.mock_config, &run.test_case) {
            (Some(_), _) if run.scenario_file.is_some() => {
                return Err(usage("give --scenario or --mock-config, not both"))
            }
            (Some(_), None) => return Err(usage("--mock-config needs --test-case NAME")),
            (None, Some(_)) => return Err(usage("--test-case needs --mock-config PATH")),
            _ => {}
        }
        Ok(run)
    }
}

/// An option's value that names something (a test case, a state machine): text.
fn name_of(option: &str, value: &OsStr) -> Result<String, Failure> {
    value.to_str().map(String::from).ok_or_else(|| usage(format!("{option} is not UTF-8 text")))
}

fn run(args: &[OsString], stdout: &mut Stdout) -> Result<ExitCode, Failure> {
    let RunArgs {
        file,
        input,
        input_file,
        scenario_file,
        history_file,
        history,
        until,
        mock_config,
        test_case,
        state_machine,
    } = RunArgs::parse(args)?;
    let file = file.ok_or_else(|| usage("run needs a FILE"))?;
    let loaded = source::load_machine(&file, state_machine.as_deref())?;
    if state_machine.is_some() && mock_config.is_none() && !loaded.is_template {
        return Err(usage("--state-machine needs a template FILE or --mock-config PATH"));
    }
    let machine = loaded.compiled.machine().cloned().ok_or("the definition is not valid".to_string())?;
    let mut scenario = match (&scenario_file, &mock_config, &test_case) {
        (Some(path), _, _) => read_scenario(path, &machine)?,
        (None, Some(path), Some(case)) => mock::run_scenario(path, state_machine.as_deref(), case, &machine)?,
        _ => Scenario::default(),
    };
    if let Some(text) = input {
        let text = text.to_str().ok_or("--input is not UTF-8 text".to_string())?;
        let value =
            asl::Value::parse(text).map_err(|e| Failure::Error(format!("--input is not valid JSON: {e}")))?;
        scenario.input = Some(value);
    } else if let Some(path) = input_file {
        let text = read_text(&path, Kind::Input).map_err(|e| unreadable(Kind::Input, e))?;
        let value = asl::Value::parse(json_text(&text)).map_err(|e| {
            Failure::Error(format!("the input is not valid JSON:\n{}", files::syntax_error(&path, &text, &e)))
        })?;
        scenario.input = Some(value);
    }

    let input = scenario.input.clone().unwrap_or_else(asl::Value::empty_object);
    let mut world = sim::World::start(machine, input, &scenario);
    match until {
        Some(id) if !world.run_until(id) => {
            let last = world.execution().history().len();
            say(&format!("baton: the execution ended at event {last}, before event {id}"));
        }
        Some(_) => {}
        None => world.run_to_end(),
    }
    let report = sim::Report::of(&world);
    if let Some(path) = history_file {
        write_history(&path, &report)?;
    }
    stdout.json(&report.to_json(history))?;
    Ok(ExitCode::SUCCESS)
}

/// Reads and compiles a definition (in any of its forms); its errors are located lines.
fn load_definition(file: &Path, state_machine: Option<&str>) -> Result<std::rc::Rc<StateMachine>, Failure> {
    let loaded = source::load_machine(file, state_machine)?;
    loaded.compiled.machine().cloned().ok_or_else(|| Failure::Error("the definition is not valid".into()))
}

fn unreadable(kind: Kind, e: Unreadable) -> Failure {
    match e {
        Unreadable::Io(message) => Failure::Error(message),
        Unreadable::NotText(line) => Failure::Error(format!("the {} is not valid:\n{line}", kind.name())),
    }
}

/// Reads a scenario and checks it against the machine it will drive; problems are located.
fn read_scenario(path: &Path, machine: &StateMachine) -> Result<Scenario, Failure> {
    let (text, json) = mock::read_json(path, Kind::Scenario)?;
    scenario_of(path, &text, &json, machine)
}

/// The scenario of JSON already read, checked against the machine it will drive.
fn scenario_of(
    path: &Path,
    text: &str,
    json: &serde_json::Value,
    machine: &StateMachine,
) -> Result<Scenario, Failure> {
    let invalid = |line: String| Failure::Error(format!("the scenario is not valid:\n{line}"));
    let scenario = Scenario::from_json_value(json)
        .and_then(|scenario| scenario.check_states(machine).map(|()| scenario))
        .map_err(|e| invalid(files::locate_pointer(path, text, &e.pointer, &e.message)))?;
    Ok(scenario)
}

/// `{"events": [...]}`, written as it is serialized.
fn write_history(path: &Path, report: &sim::Report) -> Result<(), Failure> {
    use std::io::Write;
    let cannot = |e: std::io::Error| format!("cannot write the history file '{}': {e}", files::shown(path));
    let file = std::fs::File::create(path).map_err(cannot)?;
    let mut out = std::io::BufWriter::new(file);
    let doc = serde_json::json!({ "events": report.history_json() });
    serde_json::to_writer_pretty(&mut out, &doc).map_err(|e| cannot(e.into()))?;
    out.write_all(b"\n").and_then(|()| out.flush()).map_err(cannot)?;
    Ok(())
}
