//! Steps (headers, timing, summary) and child processes.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

/// Why a step stopped the run; the details were already printed.
#[derive(Debug)]
pub struct Stop;

enum Outcome {
    Ok(String),
    Skipped(String),
    Failed(String),
}

struct Record {
    name: String,
    took: Duration,
    outcome: Outcome,
}

/// One `cargo xtask` command: its steps so far and, for `test`, the test counts.
pub struct Run {
    command: &'static str,
    started: Instant,
    records: Vec<Record>,
    /// `test` prints `N passed, N failed` last, and a failed step that reported no failed test
    /// counts as one failure, so that line never looks green on a red run.
    counts_tests: bool,
    pub passed: u64,
    pub failed: u64,
}

/// What a step's body returns: a short note for the summary, or the reason it failed.
pub type StepResult = Result<String, String>;

impl Run {
    pub fn new(command: &'static str, counts_tests: bool) -> Run {
        Run { command, started: Instant::now(), records: Vec::new(), counts_tests, passed: 0, failed: 0 }
    }

    /// Runs one step under a header, times it and records the outcome; `Err(Stop)` if it failed.
    pub fn step(&mut self, name: &str, body: impl FnOnce(&mut Run) -> StepResult) -> Result<(), Stop> {
        println!();
        println!("==> {name}");
        let failed_before = self.failed;
        let t0 = Instant::now();
        let result = body(self);
        let took = t0.elapsed();
        match result {
            Ok(note) => {
                let tail = if note.is_empty() { String::new() } else { format!(": {note}") };
                println!("<== {name}: ok in {}{tail}", secs(took));
                self.records.push(Record { name: name.into(), took, outcome: Outcome::Ok(note) });
                Ok(())
            }
            Err(message) => {
                if self.counts_tests && self.failed == failed_before {
                    self.failed += 1;
                }
                println!("!!! {name}: FAILED after {}", secs(took));
                for line in message.lines() {
                    println!("!!!   {line}");
                }
                self.records.push(Record { name: name.into(), took, outcome: Outcome::Failed(message) });
                Err(Stop)
            }
        }
    }

    /// Records a step that did not need to run.
    pub fn skip(&mut self, name: &str, why: &str) {
        println!();
        println!("==> {name}");
        println!("<== {name}: skipped: {why}");
        self.records.push(Record {
            name: name.into(),
            took: Duration::ZERO,
            outcome: Outcome::Skipped(why.into()),
        });
    }

    /// Prints the summary (and, for `test`, `N passed, N failed` as the very last line).
    pub fn finish(&self, ok: bool) -> ExitCode {
        println!();
        println!("==> summary of `cargo xtask {}`", self.command);
        for r in &self.records {
            let (mark, note) = match &r.outcome {
                Outcome::Ok(note) => ("ok     ", note.clone()),
                Outcome::Skipped(why) => ("skipped", why.clone()),
                Outcome::Failed(msg) => ("FAILED ", msg.lines().next().unwrap_or("").to_string()),
            };
            let note = if note.is_empty() { String::new() } else { format!("  {note}") };
            println!("  {mark} {:>7}  {}{note}", secs(r.took), r.name);
        }
        let verdict = if ok { "succeeded" } else { "FAILED" };
        println!("`cargo xtask {}` {verdict} in {}", self.command, secs(self.started.elapsed()));
        if self.counts_tests {
            println!("{} passed, {} failed", self.passed, self.failed);
        }
        if ok {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        }
    }
}

pub fn secs(d: Duration) -> String {
    format!("{:.1}s", d.as_secs_f64())
}

/// A command line as a person would type it.
pub fn show(cmd: &Command) -> String {
    // `$CARGO` is a long toolchain path; people type `cargo`.
    let program = Path::new(cmd.get_program());
    let program = if program.file_name() == Some(OsStr::new("cargo")) {
        OsStr::new("cargo")
    } else {
        program.as_os_str()
    };
    let mut parts = vec![quote(program)];
    parts.extend(cmd.get_args().map(quote));
    parts.join(" ")
}

fn quote(s: &OsStr) -> String {
    let s = s.to_string_lossy();
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c)) {
        s.into_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

pub fn cmd<I, S>(program: &str, args: I) -> Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut c = Command::new(program);
    c.args(args);
    c
}

/// The cargo that runs us (falls back to `cargo` on PATH).
pub fn cargo<I, S>(args: I) -> Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let program = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut c = Command::new(program);
    c.args(args);
    c
}

fn spawn_error(cmd: &Command, e: std::io::Error) -> String {
    let program = cmd.get_program().to_string_lossy().into_owned();
    if e.kind() == std::io::ErrorKind::NotFound {
        format!("`{program}` is not installed (not found on PATH)")
    } else {
        format!("cannot start `{}`: {e}", show(cmd))
    }
}

/// Runs a command with inherited output; an error unless it exits 0.
pub fn run(cmd: &mut Command) -> Result<(), String> {
    println!("$ {}", show(cmd));
    let status = cmd.status().map_err(|e| spawn_error(cmd, e))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({status})", show(cmd)))
    }
}

/// Runs a command, printing its stdout line by line as it comes and returning it (stderr is
/// inherited), with whether it exited 0.
pub fn tee(cmd: &mut Command) -> Result<(String, bool), String> {
    println!("$ {}", show(cmd));
    let mut child = cmd.stdout(Stdio::piped()).spawn().map_err(|e| spawn_error(cmd, e))?;
    let mut text = String::new();
    if let Some(stdout) = child.stdout.take() {
        let mut out = std::io::stdout();
        for line in BufReader::new(stdout).split(b'\n') {
            let line = line.map_err(|e| format!("reading the output of `{}`: {e}", show(cmd)))?;
            let line = String::from_utf8_lossy(&line);
            let _ = writeln!(out, "{line}");
            text.push_str(&line);
            text.push('\n');
        }
    }
    let status = child.wait().map_err(|e| format!("waiting for `{}`: {e}", show(cmd)))?;
    Ok((text, status.success()))
}

/// Runs a command quietly and returns its stdout; an error (with its stderr) unless it exits 0.
pub fn capture(cmd: &mut Command) -> Result<String, String> {
    let out = cmd.stdin(Stdio::null()).output().map_err(|e| spawn_error(cmd, e))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        let stderr = String::from_utf8_lossy(&out.stderr);
        Err(format!("`{}` failed ({}):\n{}", show(cmd), out.status, stderr.trim_end()))
    }
}

/// The trimmed first line of `program args` when it runs and exits 0.
pub fn probe(program: &str, args: &[&str]) -> Option<String> {
    let out = capture(&mut cmd(program, args)).ok()?;
    Some(out.lines().next().unwrap_or("").trim().to_string())
}

/// Where `program` is on PATH.
pub fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(program)).find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    p.metadata().map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0).unwrap_or(false)
}

pub fn cargo_home() -> Option<PathBuf> {
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        return Some(PathBuf::from(home));
    }
    std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo"))
}

pub fn is_ci() -> bool {
    std::env::var("CI").map(|v| !v.is_empty() && v != "0" && v != "false").unwrap_or(false)
}
