//! The command line and the world around the process: bad arguments are usage errors (with the
//! usage text), unreadable files and unwritable outputs are one-line errors (without it), a
//! closed pipe ends baton quietly.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;

use crate::{Case, Expect, Sink};

const APPROVAL: &str = "{ws}/examples/human-approval/definition.asl.json";
const APPROVAL_INPUT: &str = "{ws}/examples/human-approval/input.json";
const INVALID: &str = "{ws}/crates/cli/tests/invalid/missing-type.asl.json";

/// A definition with 10,000 errors: 10,000 lines of output, far more than a pipe holds.
fn many_errors() -> String {
    let states: Vec<String> =
        (0..10_000).map(|i| format!(r#""S{i}": {{"Type": "Pass", "Next": "Nowhere"}}"#)).collect();
    crate::structure::machine(&format!(r#""A": {{"Type": "Succeed"}}, {}"#, states.join(",\n")))
}

pub fn cases() -> Vec<Case> {
    let usage =
        |name: &str, args: &[&str], says: &'static str| Case::command(name, args, Expect::Usage(says));
    let error =
        |name: &str, args: &[&str], says: &'static str| Case::command(name, args, Expect::Error(says));
    let big = format!("--{}", "x".repeat(100_000));
    let not_utf8 = || OsString::from_vec(b"caf\xe9.json".to_vec());
    vec![
        usage("usage/no-arguments", &[], "no command given"),
        usage("usage/unknown-command", &["frobnicate"], "unknown command"),
        usage("usage/empty-command", &[""], "unknown command"),
        usage("usage/command-in-capitals", &["RUN", APPROVAL], "unknown command"),
        usage("usage/run-without-file", &["run"], "needs a FILE"),
        usage("usage/validate-without-file", &["validate"], "needs a FILE"),
        usage("usage/validate-two-files", &["validate", APPROVAL, APPROVAL], "unexpected argument"),
        usage("usage/run-two-files", &["run", APPROVAL, APPROVAL], "unexpected argument"),
        usage("usage/unknown-option", &["run", APPROVAL, "--frob"], "unknown option"),
        usage("usage/single-dash-option", &["run", APPROVAL, "-i"], "unknown option"),
        usage("usage/double-dash-alone", &["run", APPROVAL, "--"], "unknown option"),
        usage("usage/option-with-equals", &["run", APPROVAL, "--input={}"], "unknown option"),
        usage("usage/validate-run-option", &["validate", APPROVAL, "--history"], "unknown option"),
        usage("usage/run-validate-option", &["run", APPROVAL, "--context"], "unknown option"),
        usage("usage/input-without-value", &["run", APPROVAL, "--input"], "--input needs a value"),
        usage("usage/input-file-without-value", &["run", APPROVAL, "--input-file"], "needs a value"),
        usage("usage/scenario-without-value", &["run", APPROVAL, "--scenario"], "needs a value"),
        usage("usage/history-file-without-value", &["run", APPROVAL, "--history-file"], "needs a value"),
        usage("usage/until-without-value", &["run", APPROVAL, "--until"], "needs a value"),
        usage("usage/until-zero", &["run", APPROVAL, "--until", "0"], "--until needs an event id"),
        usage("usage/until-negative", &["run", APPROVAL, "--until", "-1"], "--until needs an event id"),
        usage("usage/until-word", &["run", APPROVAL, "--until", "end"], "--until needs an event id"),
        usage(
            "usage/until-past-u64",
            &["run", APPROVAL, "--until", "99999999999999999999999"],
            "--until needs an event id",
        ),
        usage("usage/until-twice", &["run", APPROVAL, "--until", "1", "--until", "2"], "given twice"),
        usage(
            "usage/scenario-twice",
            &["run", APPROVAL, "--scenario", "a", "--scenario", "b"],
            "given twice",
        ),
        usage(
            "usage/input-and-input-file",
            &["run", APPROVAL, "--input", "{}", "--input-file", APPROVAL_INPUT],
            "not both",
        ),
        Case::command("usage/option-of-100-kb", &["run", APPROVAL, &big], Expect::Usage("unknown option")),
        Case::command("usage/command-of-100-kb", &[&big[2..]], Expect::Usage("unknown command")),
        Case::command("usage/option-not-utf8", &["run", APPROVAL], Expect::Usage("unknown option"))
            .arg(OsString::from_vec(b"--\xff".to_vec())),
        Case::command("usage/help", &["--help"], Expect::Quiet(0)),
        Case::command("usage/help-short", &["-h"], Expect::Quiet(0)),
        Case::command("usage/help-word", &["help"], Expect::Quiet(0)),
        // Files that cannot be read: one line, no usage text.
        error("usage/missing-definition", &["run", "no/such/definition.json"], "cannot read the definition"),
        error(
            "usage/validate-missing-definition",
            &["validate", "no/such/definition.json"],
            "cannot read the definition",
        ),
        error("usage/definition-is-a-directory", &["validate", "."], "cannot read the definition"),
        error("usage/definition-is-dev-zero", &["validate", "/dev/zero"], "larger than"),
        error("usage/empty-path", &["validate", ""], "cannot read the definition"),
        error("usage/dash-as-path", &["validate", "-"], "cannot read the definition"),
        Case::command(
            "usage/definition-is-dev-null",
            &["validate", "/dev/null"],
            Expect::InvalidAt("/dev/null", ""),
        ),
        Case::command("usage/path-not-utf8", &["validate"], Expect::Error("cannot read the definition"))
            .arg(not_utf8()),
        Case::command(
            "usage/path-of-100-kb",
            &["validate", &"d/".repeat(50_000)],
            Expect::Error("cannot read the definition"),
        ),
        Case::command("usage/definition-with-an-accented-name", &["validate"], Expect::Valid)
            .file("caf\u{e9}.json", r#"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}"#)
            .arg("caf\u{e9}.json"),
        // Outputs that cannot be written.
        Case::command(
            "usage/run-to-dev-full",
            &["run", APPROVAL, "--history"],
            Expect::Error("No space left on device"),
        )
        .stdout(Sink::Full),
        Case::command(
            "usage/validate-errors-to-dev-full",
            &["validate", INVALID],
            Expect::Error("cannot write to standard output"),
        )
        .stdout(Sink::Full),
        Case::command(
            "usage/help-to-dev-full",
            &["--help"],
            Expect::Error("cannot write to standard output"),
        )
        .stdout(Sink::Full),
        Case::command("usage/valid-definition-to-dev-full", &["validate", APPROVAL], Expect::Quiet(0))
            .stdout(Sink::Full),
        Case::command("usage/run-to-a-closed-pipe", &["run", APPROVAL, "--history"], Expect::Quiet(0))
            .stdout(Sink::Closed),
        Case::command("usage/run-history-to-head", &["run", APPROVAL, "--history"], Expect::Quiet(0))
            .stdout(Sink::Head),
        Case::validate("usage/validate-10000-errors-to-head", many_errors(), Expect::Quiet(1))
            .stdout(Sink::Head),
        Case::command("usage/validate-errors-to-a-closed-pipe", &["validate", INVALID], Expect::Quiet(1))
            .stdout(Sink::Closed),
        Case::command("usage/help-to-a-closed-pipe", &["--help"], Expect::Quiet(0)).stdout(Sink::Closed),
        Case::command("usage/usage-error-with-stderr-full", &["frobnicate"], Expect::Exit(2))
            .stderr(Sink::Full),
        Case::command("usage/run-error-with-both-full", &["run", INVALID], Expect::Exit(2))
            .stdout(Sink::Full)
            .stderr(Sink::Full),
        Case::command(
            "usage/until-note-with-stderr-full",
            &["run", APPROVAL, "--until", "999"],
            Expect::Exit(0),
        )
        .stderr(Sink::Full),
        error(
            "usage/history-file-to-dev-full",
            &["run", APPROVAL, "--history-file", "/dev/full"],
            "cannot write the history file",
        ),
        error(
            "usage/history-file-is-a-directory",
            &["run", APPROVAL, "--history-file", "."],
            "cannot write the history file",
        ),
        error(
            "usage/history-file-in-a-missing-directory",
            &["run", APPROVAL, "--history-file", "no/such/dir/history.json"],
            "cannot write the history file",
        ),
        Case::command(
            "usage/history-file-and-closed-stdout",
            &["run", APPROVAL, "--history-file", "history.json"],
            Expect::Quiet(0),
        )
        .stdout(Sink::Closed),
    ]
}
