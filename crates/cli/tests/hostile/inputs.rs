//! Execution inputs, from `--input-file` and `--input`: malformed ones are refused with a place,
//! odd but valid ones run.

use crate::structure::machine;
use crate::{Case, Expect};

const INPUT: &str = "input.json";

fn echo() -> String {
    machine(r#""A": {"Type": "Pass", "End": true}"#)
}

/// Input files that are not JSON text: (name, bytes, what the located error says).
const MALFORMED: &[(&str, &[u8], &str)] = &[
    ("empty", b"", ""),
    ("whitespace", b"  \n ", ""),
    ("only-a-byte-order-mark", b"\xef\xbb\xbf", ""),
    ("unclosed-object", b"{\"a\": 1", ""),
    ("trailing-comma", b"{\"a\": 1,}", ""),
    ("single-quotes", b"{'a': 1}", ""),
    ("comment", b"{\"a\": 1} // note", ""),
    ("nan", b"{\"a\": NaN}", ""),
    ("two-values", b"{} {}", ""),
    ("garbage-after", b"{\"a\": 1}x", ""),
    ("bad-escape", b"{\"a\": \"\\q\"}", ""),
    ("control-character", b"{\"a\": \"\x01\"}", ""),
    ("latin1", b"{\"name\": \"Jos\xe9\"}", "UTF-8"),
    ("utf16-le", b"\xff\xfe{\0}\0", "UTF-8"),
    ("error-on-line-three", b"{\n\"a\": 1,\n\"b\": }", ""),
    ("escaped-lone-surrogate", b"{\"a\": \"\\udc00\"}", "surrogate"),
];

/// Input files that are JSON and run: (name, bytes).
const VALID: &[(&str, &[u8])] = &[
    ("byte-order-mark", b"\xef\xbb\xbf{\"a\": 1}"),
    ("null", b"null"),
    ("a-string", b"\"just text\""),
    ("a-number", b"-0.0e-0"),
    ("an-array", b"[1, [2, [3]]]"),
    ("huge-number", b"{\"n\": 1e308}"),
    ("big-integer", b"{\"n\": 123456789012345678901234567890}"),
    ("escaped-nul", b"{\"a\": \"\\u0000\"}"),
    ("unicode", "{\"名前\": \"🚀\"}".as_bytes()),
    ("crlf", b"{\r\n\"a\": 1\r\n}\r\n"),
];

pub fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for &(name, bytes, says) in MALFORMED {
        cases.push(Case::run(&format!("inputs/{name}"), echo(), Expect::Refused(INPUT, says)).input(bytes));
    }
    for &(name, bytes) in VALID {
        cases.push(Case::run(&format!("inputs/{name}"), echo(), Expect::Ran("SUCCEEDED", None)).input(bytes));
    }
    let deep = |depth: usize| format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
    let wide = |n: usize| format!("[{}]", vec!["0"; n].join(","));
    cases.extend([
        Case::run("inputs/nested-100-deep", echo(), Expect::Ran("SUCCEEDED", None)).input(deep(100)),
        Case::run("inputs/nested-129-deep", echo(), Expect::Refused(INPUT, "")).input(deep(129)),
        Case::run("inputs/nested-600-deep", echo(), Expect::Refused(INPUT, "")).input(deep(600)),
        Case::run("inputs/nested-100000-deep", echo(), Expect::Refused(INPUT, "")).input(deep(100_000)),
        Case::run("inputs/unclosed-100000-deep", echo(), Expect::Refused(INPUT, ""))
            .input("[".repeat(100_000)),
        Case::run("inputs/200-kib", echo(), Expect::Ran("SUCCEEDED", None))
            .input(format!(r#"{{"s": "{}"}}"#, "x".repeat(200_000))),
        Case::run("inputs/syntax-error-at-the-end-of-200-kib", echo(), Expect::Refused(INPUT, ""))
            .input(format!(r#"{{"s": "{}",}}"#, "x".repeat(200_000))),
        // AWS refuses an execution input over 256 KiB, and so does baton, before reading it.
        Case::run("inputs/exactly-256-kib", echo(), Expect::Ran("SUCCEEDED", None))
            .input(format!(r#""{}""#, "x".repeat((256 << 10) - 2))),
        Case::run("inputs/exactly-256-kib-after-a-byte-order-mark", echo(), Expect::Ran("SUCCEEDED", None))
            .input(format!("\u{feff}\"{}\"", "x".repeat((256 << 10) - 2))),
        Case::run("inputs/one-byte-over-256-kib", echo(), Expect::Error("256 KiB"))
            .input(format!(r#""{}""#, "x".repeat((256 << 10) - 1))),
        Case::run("inputs/20-mib", echo(), Expect::Error("256 KiB"))
            .input(format!(r#"{{"s": "{}"}}"#, "x".repeat(20 << 20))),
        Case::run("inputs/60-mb-of-tiny-arrays", echo(), Expect::Error("256 KiB"))
            .input(format!("[{}]", vec!["[0]"; 15_000_000].join(","))),
        Case::run("inputs/40000-numbers", echo(), Expect::Ran("SUCCEEDED", None)).input(wide(40_000)),
        Case::run("inputs/dev-zero", echo(), Expect::Error("256 KiB")).arg("--input-file").arg("/dev/zero"),
        Case::run("inputs/dev-null", echo(), Expect::Refused("/dev/null", ""))
            .arg("--input-file")
            .arg("/dev/null"),
        Case::run("inputs/directory", echo(), Expect::Error("cannot read the input"))
            .arg("--input-file")
            .arg("."),
        Case::run("inputs/missing-file", echo(), Expect::Error("cannot read the input"))
            .arg("--input-file")
            .arg("nope.json"),
        // `--input` on the command line.
        Case::run("inputs/inline-empty", echo(), Expect::Error("--input is not valid JSON"))
            .arg("--input")
            .arg(""),
        Case::run("inputs/inline-broken", echo(), Expect::Error("--input is not valid JSON"))
            .arg("--input")
            .arg("{\"a\":"),
        Case::run("inputs/inline-byte-order-mark", echo(), Expect::Error("--input is not valid JSON"))
            .arg("--input")
            .arg("\u{feff}{}"),
        Case::run("inputs/inline-nested-100000-deep", echo(), Expect::Error("--input is not valid JSON"))
            .arg("--input")
            .arg(deep(60_000)),
        Case::run("inputs/inline-100-kib", echo(), Expect::Ran("SUCCEEDED", None))
            .arg("--input")
            .arg(format!(r#"{{"s": "{}"}}"#, "x".repeat(100_000))),
        Case::run("inputs/inline-not-utf8", echo(), Expect::Error("--input is not UTF-8"))
            .arg("--input")
            .arg(<std::ffi::OsString as std::os::unix::ffi::OsStringExt>::from_vec(
                b"{\"a\": \"\xff\"}".to_vec(),
            )),
        Case::run("inputs/inline-and-file", echo(), Expect::Usage("not both"))
            .arg("--input")
            .arg("{}")
            .input("{}"),
        Case::run("inputs/scenario-input-replaced-by-inline", echo(), Expect::Ran("SUCCEEDED", None))
            .scenario(r#"{"input": {"from": "scenario"}}"#)
            .arg("--input")
            .arg("1"),
    ]);
    cases
}
