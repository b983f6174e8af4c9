//! Broken JSON and broken text in a definition: every one is a located error, from `validate`
//! (exit 1) and from `run` (exit 2), never a crash.

use crate::{Case, Expect};

/// Texts that are not a JSON document, each with what the error must say (often nothing
/// particular: the place is what matters).
const BROKEN: &[(&str, &[u8], &str)] = &[
    ("empty-file", b"", ""),
    ("only-whitespace", b" \n\t\r\n ", ""),
    ("only-a-brace", b"{", ""),
    ("only-a-closing-brace", b"}", ""),
    ("only-a-bracket", b"[", ""),
    ("unclosed-object", br#"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}"#, ""),
    ("extra-closing-brace", br#"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}}"#, ""),
    ("trailing-comma-in-object", br#"{"StartAt": "A", "States": {"A": {"Type": "Succeed"},}}"#, ""),
    ("trailing-comma-in-array", br#"{"StartAt": "A", "States": {"A": {"Type": "Fail", "X": [1,]}}}"#, ""),
    ("missing-comma", br#"{"StartAt": "A" "States": {}}"#, ""),
    ("missing-colon", br#"{"StartAt" "A"}"#, ""),
    ("single-quotes", br#"{'StartAt': 'A'}"#, ""),
    ("unquoted-key", br#"{StartAt: "A"}"#, ""),
    ("line-comment", b"// a comment\n{\"StartAt\": \"A\"}", ""),
    ("block-comment", b"{/* a comment */ \"StartAt\": \"A\"}", ""),
    ("hash-comment", b"# comment\n{}", ""),
    ("unclosed-string", br#"{"StartAt": "A"#, ""),
    ("newline-in-string", b"{\"StartAt\": \"A\nB\"}", ""),
    ("tab-in-string", b"{\"StartAt\": \"A\tB\"}", ""),
    ("nul-in-string", b"{\"StartAt\": \"A\0B\"}", ""),
    ("bad-escape", br#"{"StartAt": "\x41"}"#, ""),
    ("short-unicode-escape", br#"{"StartAt": "\u12"}"#, ""),
    ("non-hex-unicode-escape", br#"{"StartAt": "\uZZZZ"}"#, ""),
    ("backslash-at-end", br#"{"StartAt": "\"#, ""),
    ("nan", br#"{"StartAt": "A", "TimeoutSeconds": NaN}"#, ""),
    ("infinity", br#"{"StartAt": "A", "TimeoutSeconds": Infinity}"#, ""),
    ("minus-infinity", br#"{"StartAt": "A", "TimeoutSeconds": -Infinity}"#, ""),
    ("leading-zero", br#"{"StartAt": "A", "TimeoutSeconds": 012}"#, ""),
    ("plus-sign", br#"{"StartAt": "A", "TimeoutSeconds": +1}"#, ""),
    ("leading-dot", br#"{"StartAt": "A", "TimeoutSeconds": .5}"#, ""),
    ("trailing-dot", br#"{"StartAt": "A", "TimeoutSeconds": 1.}"#, ""),
    ("bare-exponent", br#"{"StartAt": "A", "TimeoutSeconds": 1e}"#, ""),
    ("hex-number", br#"{"StartAt": "A", "TimeoutSeconds": 0x10}"#, ""),
    ("misspelt-true", br#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": tru}}}"#, ""),
    ("misspelt-null", br#"{"Comment": nul}"#, ""),
    ("capitalised-true", br#"{"Comment": True}"#, ""),
    ("two-documents", br#"{"StartAt": "A"}{"StartAt": "B"}"#, ""),
    ("garbage-after-document", b"{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Succeed\"}}} x", ""),
    ("nul-byte-between-tokens", b"{\"StartAt\": \"A\",\0 \"States\": {}}", ""),
    ("byte-order-mark-twice", b"\xef\xbb\xbf\xef\xbb\xbf{}", ""),
    ("only-a-byte-order-mark", b"\xef\xbb\xbf", ""),
    ("top-level-array", br#"[{"StartAt": "A"}]"#, ""),
    ("top-level-string", br#""StartAt""#, ""),
    ("top-level-number", b"42", ""),
    ("top-level-null", b"null", ""),
    // Bytes that are not UTF-8: the error is at the first bad byte.
    ("latin1-byte", b"{\"Comment\": \"caf\xe9\"}", "UTF-8"),
    ("utf16-le-with-mark", b"\xff\xfe{\0}\0", "UTF-8"),
    ("utf16-be-with-mark", b"\xfe\xff\0{\0}", "UTF-8"),
    ("overlong-slash", b"{\"Comment\": \"\xc0\xaf\"}", "UTF-8"),
    ("encoded-surrogate", b"{\"Comment\": \"\xed\xa0\x80\"}", "UTF-8"),
    ("truncated-character-at-end", b"{\"Comment\": \"\xe2\x82", "UTF-8"),
    ("lone-continuation-byte", b"{\"Comment\": \"\x80\"}", "UTF-8"),
    ("five-byte-sequence", b"{\"Comment\": \"\xf8\x88\x80\x80\x80\"}", "UTF-8"),
    ("bad-byte-on-line-three", b"{\n\"Comment\": \"ok\",\n\"StartAt\": \"\xff\"}", "UTF-8"),
    ("bad-byte-after-crlf-lines", b"{\r\n\"Comment\": \"ok\",\r\n\xfe}", "UTF-8"),
];

pub fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for &(name, text, says) in BROKEN {
        cases.push(Case::validate(&format!("json/{name}"), text, Expect::Invalid(says)));
    }
    // The same problems through `run`: exit 2, the same located line.
    for name in [
        "empty-file",
        "trailing-comma-in-object",
        "nan",
        "latin1-byte",
        "utf16-le-with-mark",
        "two-documents",
    ] {
        let (_, text, says) = BROKEN.iter().find(|(n, ..)| *n == name).unwrap();
        cases.push(Case::run(
            &format!("json/run-{name}"),
            *text,
            Expect::Refused(crate::harness::DEFINITION, says),
        ));
    }
    cases.extend(generated());
    cases
}

/// Big or deep texts, made here rather than stored.
fn generated() -> Vec<Case> {
    let valid =
        |extra: &str| format!(r#"{{"StartAt": "A", {extra} "States": {{"A": {{"Type": "Succeed"}}}}}}"#);
    vec![
        Case::validate("json/100k-open-brackets", "[".repeat(100_000), Expect::Invalid("")),
        Case::validate("json/100k-open-braces", r#"{"a":"#.repeat(100_000), Expect::Invalid("")),
        Case::validate(
            "json/600-deep-comment",
            valid(&format!(r#""Comment": {}1{}, "#, "[".repeat(600), "]".repeat(600))),
            Expect::Invalid(""),
        ),
        Case::run(
            "json/run-100k-open-brackets",
            "[".repeat(100_000),
            Expect::Refused(crate::harness::DEFINITION, ""),
        ),
        Case::validate("json/1e400", valid(r#""TimeoutSeconds": 1e400,"#), Expect::Invalid("")),
        Case::validate(
            "json/huge-integer",
            valid(r#""TimeoutSeconds": 18446744073709551617,"#),
            Expect::Invalid(""),
        ),
        Case::validate("json/negative-zero-timeout", valid(r#""TimeoutSeconds": -0,"#), Expect::Invalid("")),
        Case::validate(
            "json/5000-digit-number",
            valid(&format!(r#""Comment": {},"#, "9".repeat(5000))),
            Expect::Invalid(""),
        ),
        Case::validate(
            "json/syntax-error-after-a-megabyte-of-spaces",
            format!("{}{{\"StartAt\": }}", " ".repeat(1 << 20)),
            Expect::Invalid(""),
        ),
        Case::validate(
            "json/syntax-error-on-line-100000",
            format!("{{{}\"StartAt\" \"A\"}}", "\n".repeat(100_000)),
            Expect::Invalid(""),
        ),
        Case::validate(
            "json/long-line-with-error-at-its-end",
            valid(&format!(r#""Comment": "{}", "Version": 1.0.0,"#, "x".repeat(500_000))),
            Expect::Invalid(""),
        ),
        Case::validate(
            "json/200k-duplicate-keys",
            valid(&r#""Comment": "x","#.repeat(200_000)),
            Expect::Invalid(""),
        ),
        Case::validate(
            "json/200k-duplicate-keys-on-separate-lines",
            valid(&"\n\"Comment\": \"x\",".repeat(200_000)),
            Expect::Invalid(""),
        ),
        Case::validate(
            "json/10k-syntax-errors-would-be-one",
            format!("{{{}}}", r#""a": 1 "b": 2, "#.repeat(10_000)),
            Expect::Invalid(""),
        ),
        Case::validate("json/megabyte-of-nul-bytes", vec![0u8; 1 << 20], Expect::Invalid("")),
        Case::validate("json/random-bytes", pseudo_random_bytes(200_000), Expect::Invalid("")),
        Case::validate(
            "json/unicode-line-separators",
            valid("\u{2028}\u{2029}\"Comment\": \"\u{2028}\","),
            Expect::Invalid(""),
        ),
        Case::validate("json/escaped-lone-surrogate", valid(r#""Comment": "\ud800","#), Expect::Invalid("")),
        Case::validate(
            "json/escaped-nul-in-state-name",
            r#"{"StartAt": "A\u0000", "States": {"A\u0000": {"Type": "Succeed"}}}"#,
            Expect::Valid,
        ),
        Case::validate(
            "json/crlf-everywhere",
            valid("\r\n\"Comment\": 1,\r\n").replace('\n', "\r\n"),
            Expect::Invalid(""),
        ),
    ]
}

/// Deterministic noise (xorshift), so the case is the same on every run.
fn pseudo_random_bytes(n: usize) -> Vec<u8> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}
