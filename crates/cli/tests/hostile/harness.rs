//! One case: the files it writes, the command line, where standard output goes, and what must
//! happen; and how a case is run and judged.

use std::ffi::OsString;
use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::{CPU_SECONDS, DEBUG_SLOWDOWN, MEMORY_BYTES};

/// The binary cargo built with the test, in the test's own profile (`--release` for the real
/// run), or `BATON_BIN` to judge another build (an older one, to see a case fail before a fix).
pub fn binary() -> PathBuf {
    std::env::var_os("BATON_BIN").map_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_baton")), PathBuf::from)
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// Where a stream of the child goes.
#[derive(Clone, Copy, Debug)]
pub enum Sink {
    /// Read by the harness.
    Pipe,
    /// `/dev/full`: every write fails with ENOSPC.
    Full,
    /// A pipe whose reader has gone before baton writes (`| head -0`).
    Closed,
    /// A pipe whose reader leaves after two lines (`| head -2`), while baton is still writing.
    Head,
}

/// What must happen, beyond the rules every case obeys (no panic, no signal, within the limits,
/// error lines short).
#[derive(Clone, Debug)]
pub enum Expect {
    /// `validate` exits 0: no errors (warnings allowed).
    Valid,
    /// `validate` exits 1 with a located `definition.asl.json:LINE:COL: error:` line whose
    /// message contains the text.
    Invalid(&'static str),
    /// [`Expect::Invalid`], located in another file.
    InvalidAt(&'static str, &'static str),
    /// Exit 2 and a `baton:` message with a located error line in the named file (containing the
    /// text), and no usage text.
    Refused(&'static str, &'static str),
    /// Exit 0 and the report's JSON: this status and, when given, this error.
    Ran(&'static str, Option<&'static str>),
    /// Exit 0 and a report this function accepts.
    Report(fn(&serde_json::Value) -> Result<(), String>),
    /// Exit 2 with a `baton:` message containing the text, and no usage text.
    Error(&'static str),
    /// Exit 2 with a `baton:` message containing the text, then the usage text.
    Usage(&'static str),
    /// This exit code and nothing on standard error.
    Quiet(i32),
    /// This exit code; nothing more can be seen (standard error is `/dev/full`).
    Exit(i32),
    /// `eval`'s JSONata error: exit 1, nothing on standard output, and standard error starts with
    /// `CODE: ` (no `baton:`, no usage text).
    Jsonata(&'static str),
    /// One of these.
    OneOf(Vec<Expect>),
    /// Any outcome a hostile input may fairly have, for limits whose exact answer is the
    /// engine's call (or AWS's, unrecorded): exit 0 (a report, or `validate`'s silence or
    /// warnings), exit 1 with a located error, or exit 2 with a `baton:` message.
    Ends,
}

pub struct Case {
    pub name: String,
    /// Written into the case's directory, where baton runs.
    files: Vec<(String, Vec<u8>)>,
    /// `{ws}` in an argument is the workspace directory.
    args: Vec<OsString>,
    stdout: Sink,
    stderr: Sink,
    expect: Expect,
}

/// The definition file every definition case writes.
pub const DEFINITION: &str = "definition.asl.json";

/// Error lines are for people: longer than this, they echo an input instead of quoting it.
const MAX_ERROR_LINE_CHARS: usize = 1000;

impl Case {
    /// `baton` with these arguments and no files.
    pub fn command(name: &str, args: &[&str], expect: Expect) -> Case {
        Case {
            name: name.to_string(),
            files: Vec::new(),
            args: args.iter().map(OsString::from).collect(),
            stdout: Sink::Pipe,
            stderr: Sink::Pipe,
            expect,
        }
    }

    /// `baton validate definition.asl.json` with this definition.
    pub fn validate(name: &str, definition: impl Into<Vec<u8>>, expect: Expect) -> Case {
        Case::command(name, &["validate", DEFINITION], expect).file(DEFINITION, definition)
    }

    /// `baton run definition.asl.json` with this definition.
    pub fn run(name: &str, definition: impl Into<Vec<u8>>, expect: Expect) -> Case {
        Case::command(name, &["run", DEFINITION], expect).file(DEFINITION, definition)
    }

    pub fn file(mut self, name: &str, bytes: impl Into<Vec<u8>>) -> Case {
        self.files.push((name.to_string(), bytes.into()));
        self
    }

    pub fn arg(mut self, arg: impl Into<OsString>) -> Case {
        self.args.push(arg.into());
        self
    }

    /// `--input-file input.json` with these bytes.
    pub fn input(self, bytes: impl Into<Vec<u8>>) -> Case {
        self.file("input.json", bytes).arg("--input-file").arg("input.json")
    }

    /// `--scenario scenario.json` with these bytes.
    pub fn scenario(self, bytes: impl Into<Vec<u8>>) -> Case {
        self.file("scenario.json", bytes).arg("--scenario").arg("scenario.json")
    }

    pub fn stdout(mut self, sink: Sink) -> Case {
        self.stdout = sink;
        self
    }

    pub fn stderr(mut self, sink: Sink) -> Case {
        self.stderr = sink;
        self
    }

    /// Runs the case and judges it; `Err` says what went wrong.
    pub fn check(&self, binary: &Path) -> Result<(), String> {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("hostile").join(self.name.replace('/', "--"));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        for (name, bytes) in &self.files {
            std::fs::write(dir.join(name), bytes).map_err(|e| format!("writing {name}: {e}"))?;
        }
        let run = self.execute(binary, &dir)?;
        run.judge(&self.expect).map_err(|problem| {
            format!(
                "{problem}\n  exit {:?}, {} ms\n  stderr: {}\n  stdout: {}",
                run.status.code(),
                run.took.as_millis(),
                excerpt(&run.stderr),
                excerpt(&run.stdout)
            )
        })?;
        let _ = std::fs::remove_dir_all(&dir);
        Ok(())
    }

    fn execute(&self, binary: &Path, dir: &Path) -> Result<Run, String> {
        let slowdown = if cfg!(debug_assertions) { DEBUG_SLOWDOWN } else { 1 };
        // The limits are set by the shell that then becomes baton (`exec`): `ulimit` is
        // setrlimit without unsafe code in the test, and the shell is everywhere the tests run.
        let limits = format!(
            "ulimit -v {} && ulimit -t {} && exec \"$0\" \"$@\"",
            MEMORY_BYTES / 1024,
            CPU_SECONDS * slowdown
        );
        let ws = workspace().to_string_lossy().into_owned();
        let args = self.args.iter().map(|a| match a.to_str() {
            Some(text) if text.contains("{ws}") => OsString::from(text.replace("{ws}", &ws)),
            _ => a.clone(),
        });
        let mut command = Command::new("sh");
        command.arg("-c").arg(limits).arg(binary).args(args).current_dir(dir).stdin(Stdio::null());
        command.stdout(stdio(self.stdout)?).stderr(stdio(self.stderr)?);
        let started = Instant::now();
        let mut child = command.spawn().map_err(|e| format!("cannot start baton: {e}"))?;
        if let Sink::Closed = self.stdout {
            drop(child.stdout.take());
        }
        let stdout = match self.stdout {
            Sink::Head => child.stdout.take().map(read_two_lines),
            _ => child.stdout.take().map(read_all),
        };
        let stderr = child.stderr.take().map(read_all);
        // CPU time is limited by the kernel; this catches a child that blocks instead.
        let wall = Duration::from_secs(15 * CPU_SECONDS * slowdown);
        let status = loop {
            match child.try_wait().map_err(|e| e.to_string())? {
                Some(status) => break status,
                None if started.elapsed() > wall => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(format!("still running after {wall:?} of wall-clock time: killed"));
                }
                None => std::thread::sleep(Duration::from_millis(2)),
            }
        };
        let took = started.elapsed();
        let joined = |h: Option<JoinHandle<Vec<u8>>>| {
            String::from_utf8_lossy(&h.map(|h| h.join().unwrap_or_default()).unwrap_or_default()).into_owned()
        };
        Ok(Run { status, took, stdout: joined(stdout), stderr: joined(stderr) })
    }
}

fn stdio(sink: Sink) -> Result<Stdio, String> {
    Ok(match sink {
        Sink::Pipe | Sink::Closed | Sink::Head => Stdio::piped(),
        Sink::Full => Stdio::from(
            std::fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .map_err(|e| format!("/dev/full: {e}"))?,
        ),
    })
}

fn read_all(mut from: impl Read + Send + 'static) -> JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = from.read_to_end(&mut bytes);
        bytes
    })
}

/// Reads two lines, then closes the pipe (with at most a buffer's worth read past them).
fn read_two_lines(from: impl Read + Send + 'static) -> JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut from = std::io::BufReader::new(from);
        let mut bytes = Vec::new();
        for _ in 0..2 {
            let _ = std::io::BufRead::read_until(&mut from, b'\n', &mut bytes);
        }
        bytes
    })
}

fn excerpt(text: &str) -> String {
    let cut: String = text.chars().take(600).collect();
    if cut.len() < text.len() {
        format!("{cut}… ({} bytes)", text.len())
    } else {
        cut
    }
}

struct Run {
    status: ExitStatus,
    took: Duration,
    stdout: String,
    stderr: String,
}

impl Run {
    fn judge(&self, expect: &Expect) -> Result<(), String> {
        if let Some(signal) = self.status.signal() {
            let why = match signal {
                6 => " (SIGABRT: a panic, or an allocation over the memory limit)",
                9 | 24 => " (over the CPU time limit)",
                11 => " (SIGSEGV: a stack overflow?)",
                _ => "",
            };
            return Err(format!("killed by signal {signal}{why}"));
        }
        let code = self.status.code().unwrap_or(-1);
        if code == 101 || self.stderr.contains("panicked at") {
            return Err("panicked".into());
        }
        for line in self.stderr.lines() {
            if line.chars().count() > MAX_ERROR_LINE_CHARS {
                return Err(format!("an error line of {} characters echoes its input", line.chars().count()));
            }
        }
        let usage = self.stderr.contains("\nusage:");
        let said = |text: &str| self.stderr.starts_with("baton: ") && self.stderr.contains(text);
        match expect {
            Expect::Valid => expect_code(code, 0),
            Expect::Invalid(says) => self.judge(&Expect::InvalidAt(DEFINITION, says)),
            Expect::InvalidAt(file, says) => {
                expect_code(code, 1)?;
                for line in self.stdout.lines() {
                    if line.chars().count() > MAX_ERROR_LINE_CHARS {
                        return Err(format!("a diagnostic of {} characters echoes its input", line.len()));
                    }
                }
                match located(&self.stdout, file, says) {
                    true => Ok(()),
                    false => Err(format!("no located error line for {file} saying '{says}' on stdout")),
                }
            }
            Expect::Refused(file, says) => {
                expect_code(code, 2)?;
                if !self.stderr.starts_with("baton: ") || usage {
                    return Err("a refusal is one `baton:` message, without the usage text".into());
                }
                match located(&self.stderr, file, says) {
                    true => Ok(()),
                    false => Err(format!("no located error line for {file} saying '{says}' on stderr")),
                }
            }
            Expect::Ran(status, error) => {
                expect_code(code, 0)?;
                let found = top_level(&self.stdout, "status");
                if found.as_deref() != Some(*status) {
                    return Err(format!("status {found:?} where {status} was expected"));
                }
                match (error, top_level(&self.stdout, "error")) {
                    (Some(error), found) if found.as_deref() != Some(*error) => {
                        Err(format!("error {found:?} where {error} was expected"))
                    }
                    _ => Ok(()),
                }
            }
            Expect::Report(accepts) => {
                expect_code(code, 0)?;
                let report: serde_json::Value =
                    serde_json::from_str(&self.stdout).map_err(|e| format!("stdout is not JSON: {e}"))?;
                accepts(&report)
            }
            Expect::Error(says) => {
                expect_code(code, 2)?;
                match said(says) && !usage {
                    true => Ok(()),
                    false => Err(format!("expected one `baton:` message saying '{says}', without usage")),
                }
            }
            Expect::Usage(says) => {
                expect_code(code, 2)?;
                match said(says) && usage {
                    true => Ok(()),
                    false => Err(format!("expected a `baton:` message saying '{says}', then the usage text")),
                }
            }
            Expect::Quiet(expected) => {
                expect_code(code, *expected)?;
                match self.stderr.is_empty() {
                    true => Ok(()),
                    false => Err("expected nothing on stderr".into()),
                }
            }
            Expect::Exit(expected) => expect_code(code, *expected),
            Expect::Jsonata(error_code) => {
                expect_code(code, 1)?;
                match self.stdout.is_empty() && self.stderr.starts_with(&format!("{error_code}: ")) && !usage
                {
                    true => Ok(()),
                    false => {
                        Err(format!("expected nothing on stdout and a stderr starting with '{error_code}: '"))
                    }
                }
            }
            Expect::OneOf(expectations) => {
                let mut problems = Vec::new();
                for expect in expectations {
                    match self.judge(expect) {
                        Ok(()) => return Ok(()),
                        Err(problem) => problems.push(problem),
                    }
                }
                Err(problems.join("; or "))
            }
            Expect::Ends => {
                let fair = match code {
                    0 => {
                        top_level(&self.stdout, "status").is_some()
                            || self.stdout.lines().all(|l| l.contains(": warning: "))
                    }
                    1 => located(&self.stdout, DEFINITION, ""),
                    2 => self.stderr.starts_with("baton: "),
                    _ => false,
                };
                match fair {
                    true => Ok(()),
                    false => Err("expected a report or silence (exit 0), a located error (exit 1) or a `baton:` message (exit 2)".into()),
                }
            }
        }
    }
}

/// A top-level string member of the report, read from its text: the report is indented by two
/// spaces per level, and its nesting can be deeper than serde_json reads by default.
fn top_level(report: &str, key: &str) -> Option<String> {
    let prefix = format!("  \"{key}\": ");
    let line = report.lines().find_map(|line| line.strip_prefix(&prefix))?;
    serde_json::from_str(line.trim_end_matches(',')).ok()
}

fn expect_code(code: i32, expected: i32) -> Result<(), String> {
    match code == expected {
        true => Ok(()),
        false => Err(format!("exit {code} where {expected} was expected")),
    }
}

/// Whether `text` has a line `FILE:LINE:COL: error: ...` for `file` whose message contains `says`.
fn located(text: &str, file: &str, says: &str) -> bool {
    text.lines().any(|line| {
        let Some(rest) = line.strip_prefix(file).and_then(|r| r.strip_prefix(':')) else { return false };
        let mut parts = rest.splitn(3, ':');
        let (Some(l), Some(c), Some(message)) = (parts.next(), parts.next(), parts.next()) else {
            return false;
        };
        let number = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && s != "0";
        number(l) && number(c) && message.strip_prefix(" error: ").is_some_and(|m| m.contains(says))
    })
}
