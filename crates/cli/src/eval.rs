//! `baton eval EXPR [--input-file PATH] [--bindings JSON]`: one JSONata expression, evaluated as
//! AWS Step Functions evaluates the inside of `{% %}` (`$eval` disabled, AWS's extra functions,
//! the engine's bounds on depth and work).
//!
//! - A result is printed as JSON, exit 0; an undefined result prints nothing, exit 0.
//! - A JSONata error is `CODE: MESSAGE (at character N)` on standard error, then the expression's
//!   line with a caret under that character, exit 1. The code comes first so that scripts (and
//!   the reference-suite runner) can read it.
//! - The command line and the files follow the other commands: usage errors, unreadable files,
//!   input that is not JSON exit 2 with a `baton:` message; the input file is bounded as an
//!   execution's input is, and may start with a byte-order mark.

use std::ffi::{OsStr, OsString};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use baton_jsonata::{Environment, Error, Expression, Json, Map};
use sim::excerpt::{excerpt, excerpt_of};

use crate::files::{self, json_text, read_text, Kind};
use crate::out::{say, Stdout};
use crate::{classify, once, unknown_option, unreadable, usage, Arg, Failure};

/// Characters of an error message shown: a message can quote a value of any length.
const MAX_MESSAGE_CHARS: usize = 500;

/// An expression line longer than this is not shown under the error: a caret under column 3,000
/// of a wrapped terminal line helps nobody.
const MAX_SHOWN_LINE_CHARS: usize = 160;

/// The evaluation thread's stack. A debug build reaches the engine's default depth bound (1,000)
/// with less than 8 MiB; the rest is margin. Only the pages used are ever touched.
const EVAL_STACK_BYTES: usize = 64 << 20;

/// `baton eval`'s command line.
#[derive(Default)]
struct EvalArgs {
    expr: Option<OsString>,
    input_file: Option<PathBuf>,
    bindings: Option<OsString>,
}

impl EvalArgs {
    fn parse(args: &[OsString]) -> Result<EvalArgs, Failure> {
        let mut eval = EvalArgs::default();
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let option = match classify(arg) {
                Arg::Path(word) => {
                    eval.set_expr(word)?;
                    continue;
                }
                // An expression may start with '-' (`-1`, `-$x`): after `--`, it is not an option.
                Arg::Option(option) if option == "--" => {
                    for word in it.by_ref() {
                        eval.set_expr(word)?;
                    }
                    continue;
                }
                Arg::Option(option) => option,
            };
            if !matches!(&*option, "--input-file" | "--bindings") {
                return Err(match option.starts_with("--") {
                    true => unknown_option(&option),
                    false => usage(format!(
                        "unknown option '{}' (an expression that starts with '-' goes after '--': \
                         baton eval -- '{}')",
                        excerpt(&option),
                        excerpt(&option)
                    )),
                });
            }
            let value = it.next().ok_or_else(|| usage(format!("{option} needs a value")))?;
            match &*option {
                "--input-file" => once(&mut eval.input_file, "--input-file", PathBuf::from(value))?,
                _ => once(&mut eval.bindings, "--bindings", value.clone())?,
            }
        }
        Ok(eval)
    }

    fn set_expr(&mut self, word: &OsStr) -> Result<(), Failure> {
        match self.expr {
            Some(_) => Err(usage(format!(
                "unexpected argument '{}' (quote the expression as one argument)",
                excerpt(&word.to_string_lossy())
            ))),
            None => {
                self.expr = Some(word.to_os_string());
                Ok(())
            }
        }
    }
}

pub fn eval(args: &[OsString], stdout: &mut Stdout) -> Result<ExitCode, Failure> {
    let EvalArgs { expr, input_file, bindings } = EvalArgs::parse(args)?;
    let expr = expr.ok_or_else(|| usage("eval needs an EXPR"))?;
    let expr = expr.to_str().ok_or("EXPR is not UTF-8 text".to_string())?;
    let bindings = match bindings {
        Some(text) => read_bindings(&text)?,
        None => Map::new(),
    };
    let input = match input_file {
        Some(path) => {
            let text = read_text(&path, Kind::Input).map_err(|e| unreadable(Kind::Input, e))?;
            let value: Json = serde_json::from_str(json_text(&text)).map_err(|e| {
                Failure::Error(format!(
                    "the input is not valid JSON:\n{}",
                    files::syntax_error(&path, &text, &e)
                ))
            })?;
            Some(value)
        }
        None => None,
    };

    let outcome = evaluate(expr, input.as_ref(), &bindings)?;
    match outcome {
        Ok(Some(result)) => {
            stdout.json(&result)?;
            Ok(ExitCode::SUCCESS)
        }
        Ok(None) => Ok(ExitCode::SUCCESS),
        Err(e) => {
            say(&error_report(expr, &e));
            Ok(ExitCode::from(1))
        }
    }
}

/// Parses and evaluates on a thread of its own, whose stack is big enough for the engine's depth
/// bound to be the one that ends a deep recursion, in a debug build as in a release build: the
/// engine's default stack bound (256 KiB, for a browser's stack) ends a debug build's recursion
/// after a few dozen calls.
fn evaluate(
    expr: &str,
    input: Option<&Json>,
    bindings: &Map<String, Json>,
) -> Result<Result<Option<Json>, Error>, Failure> {
    // The engine stops at three quarters of the stack: the rest is margin for the frames between
    // two of its checks.
    let env = Environment { max_stack_bytes: EVAL_STACK_BYTES / 4 * 3, ..environment() };
    std::thread::scope(|scope| {
        let evaluation = std::thread::Builder::new()
            .stack_size(EVAL_STACK_BYTES)
            .spawn_scoped(scope, || Expression::parse(expr).and_then(|e| e.evaluate(input, bindings, &env)))
            .map_err(|e| Failure::Error(format!("cannot start the evaluation: {e}")))?;
        evaluation.join().map_err(|_| Failure::Error("the evaluation failed unexpectedly".into()))
    })
}

/// `--bindings '{"name": value}'`: `$name` is `value` in the expression.
fn read_bindings(text: &OsStr) -> Result<Map<String, Json>, Failure> {
    let text = text.to_str().ok_or("--bindings is not UTF-8 text".to_string())?;
    let json: Json = serde_json::from_str(text)
        .map_err(|e| Failure::Error(format!("--bindings is not valid JSON: {e}")))?;
    let Json::Object(bindings) = json else {
        return Err(Failure::Error(
            "--bindings must be a JSON object of variables: '{\"name\": value}' binds $name".into(),
        ));
    };
    // `{"$x": 1}` would bind `$$x`, which no expression can name, and `{"$": 1}` the input itself.
    if let Some(name) = bindings.keys().find(|name| name.starts_with('$')) {
        return Err(Failure::Error(format!(
            "--bindings names variables without their '$': write \"{}\" for ${}",
            excerpt(&name[1..]),
            excerpt(&name[1..])
        )));
    }
    Ok(bindings)
}

/// AWS's environment: `$eval` disabled (the default), the engine's bounds, and `$now()` the
/// wall clock, as in a real execution. `$random()` draws from a seed taken from the clock too:
/// one evaluation at a terminal has no execution whose seed would make it reproducible.
fn environment() -> Environment {
    let since_epoch = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    Environment {
        now_ms: i64::try_from(since_epoch.as_millis()).unwrap_or(i64::MAX),
        random_seed: since_epoch.as_nanos() as u64,
        ..Environment::default()
    }
}

/// `CODE: MESSAGE (at character N)`, then the expression's line with a caret under character N
/// when the line is short enough to read. JSONata's position is the character just after the
/// offending token, so counted from 1 it is the token's last character.
fn error_report(expr: &str, e: &Error) -> String {
    let mut report = format!("{}: {}", e.code, excerpt_of(&e.message, MAX_MESSAGE_CHARS));
    let Some(position) = e.position else { return report };
    let at = position.max(1);
    let before: Vec<char> = expr.chars().take(at - 1).collect();
    let line_number = before.iter().filter(|&&c| c == '\n').count() + 1;
    let line_start = before.iter().rposition(|&c| c == '\n').map_or(0, |i| i + 1);
    let column = at - line_start;
    match expr.contains('\n') {
        true => report.push_str(&format!(" (at line {line_number}, column {column})")),
        false => report.push_str(&format!(" (at character {at})")),
    }
    let line = expr.lines().nth(line_number - 1).unwrap_or_default();
    if line.chars().count() <= MAX_SHOWN_LINE_CHARS {
        // Tabs stay tabs under the line, so that the caret lines up however wide they are shown.
        let pad: String = before[line_start..].iter().map(|&c| if c == '\t' { '\t' } else { ' ' }).collect();
        report.push_str(&format!("\n  {line}\n  {pad}^"));
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(position: Option<usize>) -> Error {
        Error { code: "T2001", message: "bad".into(), position, token: None }
    }

    #[test]
    fn an_error_names_its_character_and_points_at_it() {
        assert_eq!(
            error_report("\"a\" + 1", &error(Some(5))),
            "T2001: bad (at character 5)\n  \"a\" + 1\n      ^"
        );
        assert_eq!(error_report("x", &error(None)), "T2001: bad");
        assert_eq!(error_report("(", &error(Some(0))), "T2001: bad (at character 1)\n  (\n  ^");
        assert_eq!(error_report("ab", &error(Some(3))), "T2001: bad (at character 3)\n  ab\n    ^");
    }

    #[test]
    fn a_multiline_expression_says_line_and_column() {
        assert_eq!(
            error_report("(\n\t1 +\n  x)", &error(Some(6))),
            "T2001: bad (at line 2, column 4)\n  \t1 +\n  \t  ^"
        );
        let long = format!("1 + {}", "a".repeat(200));
        assert_eq!(error_report(&long, &error(Some(3))), "T2001: bad (at character 3)");
    }
}
