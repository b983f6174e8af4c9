//! `baton`: validate and run Step Functions state machines on a virtual clock, from a terminal or CI.
#![forbid(unsafe_code)]

use std::process::ExitCode;

const USAGE: &str = "\
usage:
  baton validate FILE [--context]
      Checks a definition. Exit 0 when valid; otherwise exit 1 with one line per problem:
      FILE:LINE:COL: error: MESSAGE (warnings too, as `warning:`). --context adds the source
      line and a caret under each problem.
  baton run FILE [--input JSON] [--input-file PATH] [--scenario PATH] [--history]
                 [--history-file PATH]
      Runs an execution to its end on the virtual clock and prints one JSON object:
      {\"status\", \"output\" | \"error\", \"cause\", \"clock\", \"calls\", \"history\" (with --history)}.
      --history-file writes the history alone as {\"events\": [...]}, as
      `aws stepfunctions get-execution-history` prints it.
      Exit 0 whenever the execution ran; 2 for usage errors or an invalid definition or scenario.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("validate") => validate(&args[1..]),
        Some("run") => run(&args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        Some(other) => Err(format!("unknown command '{other}'")),
        None => Err("no command given".into()),
    };
    result.unwrap_or_else(|message| {
        eprintln!("baton: {message}\n\n{USAGE}");
        ExitCode::from(2)
    })
}

fn read(path: &str, what: &str) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {what} '{path}': {e}"))
}

fn validate(args: &[String]) -> Result<ExitCode, String> {
    let mut file = None;
    let mut context = false;
    for arg in args {
        match arg.as_str() {
            "--context" => context = true,
            flag if flag.starts_with("--") => return Err(format!("unknown option '{flag}'")),
            path if file.is_none() => file = Some(path.to_string()),
            extra => return Err(format!("unexpected argument '{extra}'")),
        }
    }
    let file = file.ok_or("validate needs a FILE")?;
    let text = read(&file, "definition")?;
    let diags = sim::check(&text);
    for d in &diags {
        let rendered = asl::source::render(&file, &text, d);
        match context {
            true => print!("{rendered}"),
            false => println!("{}", rendered.lines().next().unwrap_or_default()),
        }
    }
    Ok(if diags.iter().any(asl::Diagnostic::is_error) { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn run(args: &[String]) -> Result<ExitCode, String> {
    let mut file = None;
    let (mut input_text, mut input_file, mut scenario_file, mut history_file) = (None, None, None, None);
    let mut history = false;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--input" => input_text = Some(value("--input")?),
            "--input-file" => input_file = Some(value("--input-file")?),
            "--scenario" => scenario_file = Some(value("--scenario")?),
            "--history-file" => history_file = Some(value("--history-file")?),
            "--history" => history = true,
            flag if flag.starts_with("--") => return Err(format!("unknown option '{flag}'")),
            path if file.is_none() => file = Some(path.to_string()),
            extra => return Err(format!("unexpected argument '{extra}'")),
        }
    }
    let file = file.ok_or("run needs a FILE")?;
    let text = read(&file, "definition")?;
    let machine = match sim::load(&text) {
        Ok((machine, _warnings)) => machine,
        Err(diags) => {
            let lines: Vec<String> = diags
                .iter()
                .filter(|d| d.is_error())
                .map(|d| asl::source::render(&file, &text, d).lines().next().unwrap_or_default().to_string())
                .collect();
            return Err(format!("the definition is not valid:\n{}", lines.join("\n")));
        }
    };
    let mut scenario = match &scenario_file {
        Some(path) => sim::Scenario::from_json(&read(path, "scenario")?)
            .map_err(|e| format!("the scenario '{path}' is not valid: {e}"))?,
        None => sim::Scenario::default(),
    };
    let input_text = match (input_text, input_file) {
        (Some(_), Some(_)) => return Err("give --input or --input-file, not both".into()),
        (Some(text), None) => Some(text),
        (None, Some(path)) => Some(read(&path, "input")?),
        (None, None) => None,
    };
    if let Some(text) = input_text {
        let input = asl::Value::parse(&text).map_err(|e| format!("the input is not valid JSON: {e}"))?;
        scenario.input = Some(input);
    }
    let input = scenario.input.clone().unwrap_or_else(asl::Value::empty_object);
    let mut world = sim::World::start(machine, input, &scenario);
    world.run_to_end();
    let report = sim::Report::of(&world);
    if let Some(path) = history_file {
        let doc = serde_json::json!({ "events": report.history_json() });
        let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
        std::fs::write(&path, text + "\n").map_err(|e| format!("cannot write '{path}': {e}"))?;
    }
    let out = serde_json::to_string_pretty(&report.to_json(history)).unwrap_or_default();
    println!("{out}");
    Ok(ExitCode::SUCCESS)
}
