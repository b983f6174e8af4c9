//! `baton eval`, tested as a process: results, undefined, JSONata errors with their place, and
//! the command line's mistakes as the other commands report them.

use std::path::Path;
use std::process::Command;

fn baton(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_baton")).args(args).output().expect("the baton binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

/// A scratch file for one test, under cargo's temporary directory for integration tests.
fn scratch(name: &str, bytes: &[u8]) -> String {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("eval-{name}"));
    std::fs::write(&path, bytes).unwrap();
    path.to_string_lossy().into_owned()
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

#[test]
fn a_result_is_printed_as_json() {
    let input = scratch("order.json", br#"{"items": [{"price": 2, "qty": 3}, {"price": 1, "qty": 4}]}"#);
    let (code, stdout, stderr) = baton(&["eval", "$sum(items.(price * qty))", "--input-file", &input]);
    assert_eq!((code, stdout.as_str(), stderr.as_str()), (0, "10\n", ""));

    let (code, stdout, _) =
        baton(&["eval", "{'total': $x * 2, 'names': ['a', 'b']}", "--bindings", r#"{"x": 21}"#]);
    assert_eq!(code, 0);
    assert_eq!(json(&stdout), serde_json::json!({"total": 42, "names": ["a", "b"]}));
}

#[test]
fn an_undefined_result_prints_nothing() {
    // Without --input-file the input is undefined, so a path selects nothing.
    assert_eq!(baton(&["eval", "name"]), (0, String::new(), String::new()));
    let input = scratch("null.json", b"null");
    assert_eq!(baton(&["eval", "$", "--input-file", &input]), (0, "null\n".into(), String::new()));
}

/// The code first (scripts read it), the place, then the expression with a caret.
#[test]
fn an_error_exits_1_with_its_code_and_place() {
    let (code, stdout, stderr) = baton(&["eval", "\"a\" + 1"]);
    assert_eq!((code, stdout.as_str()), (1, ""));
    assert_eq!(
        stderr,
        "T2001: The left side of the + operator must evaluate to a number (at character 5)\n  \"a\" + 1\n      ^\n"
    );
    let (code, _, stderr) = baton(&["eval", "(1 + 2"]);
    assert_eq!(code, 1);
    assert!(stderr.starts_with("S0203: ") && stderr.contains("(at character "), "{stderr}");
    let (code, _, stderr) = baton(&["eval", "[1,\n 2 +,\n 3]"]);
    assert_eq!(code, 1);
    assert!(stderr.starts_with("S0211: ") && stderr.contains("(at line 2, column 5)"), "{stderr}");
}

/// Step Functions' JSONata: no `$eval`, and the functions AWS adds.
#[test]
fn the_environment_is_aws() {
    let (code, _, stderr) = baton(&["eval", "$eval('1 + 1')"]);
    assert_eq!(code, 1);
    assert!(stderr.starts_with("T1006: "), "{stderr}");
    let (code, stdout, _) = baton(&["eval", "$partition([1, 2, 3], 2)"]);
    assert_eq!((code, json(&stdout)), (0, serde_json::json!([[1, 2], [3]])));
    let (code, stdout, _) = baton(&["eval", "$range(0, 10, 5)"]);
    assert_eq!((code, json(&stdout)), (0, serde_json::json!([0, 5, 10])));
}

/// A recursion within the engine's depth bound completes, in a debug build too (its frames are
/// large): the bound that applies is the depth, not the build's stack.
#[test]
fn a_deep_recursion_within_the_bound_completes() {
    let (code, stdout, stderr) =
        baton(&["eval", "($f := function($n) { $n = 0 ? 0 : 1 + $f($n - 1) }; $f(300))"]);
    assert_eq!((code, stdout.as_str()), (0, "300\n"), "{stderr}");
}

/// Runaway work ends with U1001, in a debug build too, whatever the recursion.
#[test]
fn runaway_expressions_end_with_u1001() {
    for expr in [
        "($f := function($n) { $n + $f($n + 1) }; $f(0))",
        "($f := function($n) { $f($n + 1) }; $f(0))",
        "$count([1..100000000])",
    ] {
        let (code, _, stderr) = baton(&["eval", expr]);
        assert_eq!(code, 1, "{expr}: {stderr}");
        assert!(stderr.starts_with("U1001: ") || stderr.starts_with("D2014: "), "{expr}: {stderr}");
    }
}

#[test]
fn an_expression_that_starts_with_a_dash_goes_after_double_dash() {
    assert_eq!(baton(&["eval", "--", "-1"]), (0, "-1\n".into(), String::new()));
    assert_eq!(baton(&["eval", "--bindings", r#"{"x": 2}"#, "--", "-$x"]), (0, "-2\n".into(), String::new()));
    let (code, _, stderr) = baton(&["eval", "-1"]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("baton: unknown option '-1' (an expression that starts with '-' goes after '--'")
    );
}

/// Usage errors exit 2 with the usage text; bad values and files exit 2 with one message.
#[test]
fn command_line_mistakes_exit_2() {
    let input = scratch("ok.json", b"{}");
    for (args, is_usage, says) in [
        (vec!["eval"], true, "eval needs an EXPR"),
        (vec!["eval", "a", "b"], true, "unexpected argument 'b'"),
        (vec!["eval", "a", "--", "b"], true, "unexpected argument 'b'"),
        (vec!["eval", "a", "--input"], true, "unknown option '--input'"),
        (vec!["eval", "a", "--input-file"], true, "--input-file needs a value"),
        (vec!["eval", "a", "--bindings", "{}", "--bindings", "{}"], true, "--bindings is given twice"),
        (vec!["eval", "a", "--input-file", &input, "--input-file", &input], true, "given twice"),
        (
            vec!["eval", "a", "--bindings", "{x: 1}"],
            false,
            "--bindings is not valid JSON: key must be a string",
        ),
        (vec!["eval", "a", "--bindings", "[1]"], false, "--bindings must be a JSON object"),
        (vec!["eval", "a", "--bindings", r#"{"$x": 1}"#], false, "write \"x\" for $x"),
        (
            vec!["eval", "a", "--input-file", "no/such/file.json"],
            false,
            "cannot read the input 'no/such/file.json'",
        ),
    ] {
        let (code, stdout, stderr) = baton(&args);
        assert_eq!((code, stdout.as_str()), (2, ""), "{args:?}: {stderr}");
        assert!(stderr.starts_with("baton: ") && stderr.contains(says), "{args:?}: {stderr}");
        assert_eq!(stderr.contains("usage:"), is_usage, "{args:?}: {stderr}");
    }
}

/// The input file is read as `baton run` reads one: a byte-order mark is skipped, bad bytes and
/// bad JSON are located, and more than an execution's input (256 KiB) is refused unread.
#[test]
fn the_input_file_is_read_as_run_reads_it() {
    let bom = scratch("bom.json", b"\xef\xbb\xbf{\"a\": 1}");
    assert_eq!(baton(&["eval", "a", "--input-file", &bom]), (0, "1\n".into(), String::new()));

    let latin1 = scratch("latin1.json", b"{\"name\": \"Jos\xe9\"}");
    let (code, _, stderr) = baton(&["eval", "name", "--input-file", &latin1]);
    assert_eq!(code, 2);
    assert!(stderr.contains(&format!("{latin1}:1:14: error: the text is not UTF-8")), "{stderr}");

    let broken = scratch("broken.json", b"{\"a\":\n }");
    let (code, _, stderr) = baton(&["eval", "a", "--input-file", &broken]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("baton: the input is not valid JSON:\n")
            && stderr.contains(&format!("{broken}:2:"))
    );

    let big = scratch("big.json", format!("\"{}\"", "x".repeat(300_000)).as_bytes());
    let (code, _, stderr) = baton(&["eval", "$length($)", "--input-file", &big]);
    assert_eq!(code, 2);
    assert!(stderr.contains("larger than 262,144 bytes"), "{stderr}");
}

#[test]
fn a_full_disk_is_an_error_with_a_message() {
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let out =
        Command::new(env!("CARGO_BIN_EXE_baton")).args(["eval", "[1..100]"]).stdout(full).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.starts_with("baton: cannot write to standard output"), "{stderr}");
}

/// An error message quoting a long value is cut, like every other message baton writes.
#[test]
fn errors_quote_excerpts_of_long_values() {
    let long = format!("$number('{}')", "x".repeat(100_000));
    let (code, _, stderr) = baton(&["eval", &long]);
    assert_eq!(code, 1);
    for line in stderr.lines() {
        assert!(line.chars().count() < 1000, "{} chars", line.len());
    }
}
