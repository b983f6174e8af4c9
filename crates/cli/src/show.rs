//! `baton show HISTORY [--definition FILE] [--execution FILE] [--svg OUT] [--graph-svg OUT]
//! [--mermaid]`: an execution that ran on AWS, from what `aws stepfunctions get-execution-history`
//! printed (or `baton run --history`), drawn as the app draws a simulated one.
//!
//! Reading and folding the history is [`diagram::history`]'s: this module reads the files, places
//! the problems it reports (a JSON pointer) at a line and column, and writes the outputs. Standard
//! output gets one thing: the summary, or the Mermaid text (`--mermaid`), or an SVG written to `-`.

use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use diagram::history::{read_definition, read_execution, read_history, Execution, Problem};
use diagram::{graph_svg, layout_graph, layout_sequence, sequence_mermaid, sequence_svg};
use serde_json::Value;

use crate::files::{self, json_text, located};
use crate::out::{say, Stdout};
use crate::{classify, once, set_file, unknown_option, usage, Arg, Failure};

/// A history is read up to this size. AWS keeps 25,000 events, each with up to 256 KiB of input
/// or output; real histories of that length run to tens of megabytes. The bound only keeps a
/// stray disk image from exhausting memory.
const MAX_HISTORY_BYTES: u64 = 256 << 20;

#[derive(Default)]
struct ShowArgs {
    history: Option<PathBuf>,
    definition: Option<PathBuf>,
    execution: Option<PathBuf>,
    svg: Option<PathBuf>,
    graph_svg: Option<PathBuf>,
    mermaid: bool,
}

impl ShowArgs {
    fn parse(args: &[OsString]) -> Result<ShowArgs, Failure> {
        let mut show = ShowArgs::default();
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let option = match classify(arg) {
                Arg::Path(path) => {
                    set_file(&mut show.history, path)?;
                    continue;
                }
                Arg::Option(option) if option == "--mermaid" => {
                    show.mermaid = true;
                    continue;
                }
                Arg::Option(option) => option,
            };
            if !matches!(&*option, "--definition" | "--execution" | "--svg" | "--graph-svg") {
                return Err(unknown_option(&option));
            }
            let value = PathBuf::from(it.next().ok_or_else(|| usage(format!("{option} needs a value")))?);
            match &*option {
                "--definition" => once(&mut show.definition, "--definition", value)?,
                "--execution" => once(&mut show.execution, "--execution", value)?,
                "--svg" => once(&mut show.svg, "--svg", value)?,
                _ => once(&mut show.graph_svg, "--graph-svg", value)?,
            }
        }
        if show.graph_svg.is_some() && show.definition.is_none() {
            return Err(usage("--graph-svg needs --definition FILE: the graph is the definition's"));
        }
        let stdin = |p: &Option<PathBuf>| p.as_deref() == Some(Path::new("-"));
        if [stdin(&show.definition), stdin(&show.execution)].into_iter().filter(|&s| s).count()
            + usize::from(stdin(&show.history))
            > 1
        {
            return Err(usage("only one file can be read from standard input ('-')"));
        }
        let to_stdout =
            usize::from(show.mermaid) + usize::from(stdin(&show.svg)) + usize::from(stdin(&show.graph_svg));
        if to_stdout > 1 {
            return Err(usage(
                "only one of --mermaid, --svg - and --graph-svg - can write to standard output",
            ));
        }
        Ok(show)
    }
}

pub fn show(args: &[OsString], stdout: &mut Stdout) -> Result<ExitCode, Failure> {
    let args = ShowArgs::parse(args)?;
    let path = args.history.ok_or_else(|| usage("show needs a HISTORY file ('-' for standard input)"))?;
    let (path, text, doc) = read_json(&path, "history", MAX_HISTORY_BYTES)?;
    let history = read_history(doc).map_err(|p| invalid("history", &path, &text, &p))?;
    warn(&path, &text, &history.warnings);
    let story = history.story();

    let definition = match &args.definition {
        Some(file) => {
            let (file, text, doc) = read_json(file, "definition", files::MAX_FILE_BYTES)?;
            // A describe-state-machine document holds the definition as a string: its problems are
            // placed at that string.
            let inside = doc.get("States").is_none();
            let definition = read_definition(doc).map_err(|p| invalid("definition", &file, &text, &p))?;
            let mut problems = story.check_definition(&definition);
            if inside {
                problems.iter_mut().for_each(|p| p.pointer = "/definition".into());
            }
            warn(&file, &text, &problems);
            Some(definition)
        }
        None => None,
    };
    let execution: Option<Execution> = match &args.execution {
        Some(file) => {
            let what = "describe-execution output";
            let (file, text, doc) = read_json(file, what, files::MAX_FILE_BYTES)?;
            let execution = read_execution(&doc).map_err(|p| invalid(what, &file, &text, &p))?;
            warn(&file, &text, &story.check_execution(&execution));
            Some(execution)
        }
        None => None,
    };

    let annotations = story.annotations();
    let mut stdout_taken = false;
    if let Some(out) = &args.svg {
        let svg = sequence_svg(&layout_sequence(&history.events, &annotations));
        stdout_taken |= write_out(out, &svg, "sequence diagram", stdout)?;
    }
    if let (Some(out), Some(definition)) = (&args.graph_svg, &definition) {
        let svg = graph_svg(&layout_graph(definition), &story.marks);
        stdout_taken |= write_out(out, &svg, "workflow graph", stdout)?;
    }
    if args.mermaid {
        stdout.text(&sequence_mermaid(&history.events, &annotations))?;
    } else if !stdout_taken {
        stdout.text(&story.summary(execution.as_ref()))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// A JSON file (`-`: standard input) as the path messages name, its text (for locating problems)
/// and its value. Text that is not UTF-8 or not JSON is a located error.
fn read_json(path: &Path, what: &str, max: u64) -> Result<(PathBuf, String, Value), Failure> {
    let from_stdin = path == Path::new("-");
    let shown = if from_stdin { PathBuf::from("<stdin>") } else { path.to_path_buf() };
    let cannot = |e: std::io::Error| format!("cannot read the {what} '{}': {e}", files::shown(&shown));
    let mut bytes = Vec::new();
    let read = match from_stdin {
        true => std::io::stdin().lock().take(max + 4).read_to_end(&mut bytes),
        false => std::fs::File::open(path).and_then(|f| f.take(max + 4).read_to_end(&mut bytes)),
    };
    read.map_err(cannot)?;
    let mark = if bytes.starts_with("\u{feff}".as_bytes()) { 3 } else { 0 };
    if (bytes.len() - mark) as u64 > max {
        return Err(Failure::Error(format!(
            "the {what} '{}' is larger than {} MiB, which baton does not read",
            files::shown(&shown),
            max >> 20
        )));
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let bad = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let valid = String::from_utf8_lossy(&bytes[..bad]);
            let line = valid.matches('\n').count() + 1;
            let line_text = &valid[valid.rfind('\n').map_or(0, |i| i + 1)..];
            let column = line_text.trim_start_matches('\u{feff}').chars().count() + 1;
            let message = format!("the text is not UTF-8: byte 0x{:02X} does not belong here", bytes[bad]);
            return Err(Failure::Error(format!(
                "the {what} is not valid:\n{}",
                located(&shown, line, column, &message)
            )));
        }
    };
    match serde_json::from_str(json_text(&text)) {
        Ok(doc) => Ok((shown, text, doc)),
        Err(e) => Err(Failure::Error(format!(
            "the {what} is not valid JSON:\n{}",
            files::syntax_error(&shown, &text, &e)
        ))),
    }
}

/// A problem that stops `show`, placed in its file.
fn invalid(what: &str, path: &Path, text: &str, problem: &Problem) -> Failure {
    Failure::Error(format!(
        "the {what} is not valid:\n{}",
        files::locate_pointer(path, text, &problem.pointer, &problem.message)
    ))
}

/// Warnings, each placed in its file (`FILE:LINE:COL: warning: …`), on standard error. The text
/// is read again for positions only when there is something to place.
fn warn(path: &Path, text: &str, problems: &[Problem]) {
    if problems.is_empty() {
        return;
    }
    let map = asl::source::parse(text).ok().map(|(_, map)| map);
    for p in problems {
        let message = sim::excerpt::excerpt_of(&p.message, 500);
        match &map {
            Some(map) => {
                let span = map.locate(&p.pointer);
                say(&format!("{}:{}:{}: warning: {message}", path.display(), span.line, span.column));
            }
            None => say(&format!("{}: warning: {message}", path.display())),
        }
    }
}

/// Writes a drawing to `out` (`-`: standard output); true when it went to standard output.
fn write_out(out: &Path, svg: &str, what: &str, stdout: &mut Stdout) -> Result<bool, Failure> {
    if out == Path::new("-") {
        stdout.text(svg)?;
        stdout.text("\n")?;
        return Ok(true);
    }
    let mut text = String::with_capacity(svg.len() + 1);
    text.push_str(svg);
    text.push('\n');
    std::fs::write(out, text)
        .map_err(|e| Failure::Error(format!("cannot write the {what} to '{}': {e}", files::shown(out))))?;
    Ok(false)
}
