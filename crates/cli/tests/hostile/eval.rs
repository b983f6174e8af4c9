//! JSONata expressions through `baton eval`: nesting, recursion, runaway work and values that
//! grow end with a JSONata error (exit 1, `CODE: ...` on stderr); hostile inputs, bindings and
//! outputs are refused or reported as for the other commands.
//!
//! Not here yet, because they still end the process: an allocation the engine's fuel does not
//! see, such as `($a := [1..20000]; $a.$a)` (400 million items) or a `$replace` of 100,000
//! matches by 100,000 characters, and a path of 40,000 steps (`a.a.a...`), whose processing after
//! parsing recurses without a bound. Add them when the engine bounds them.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;

use crate::{Case, Expect, Sink};

const INPUT: &str = "input.json";

fn eval(name: &str, expr: &str, expect: Expect) -> Case {
    Case::command(&format!("eval/{name}"), &["eval", expr], expect)
}

/// `baton eval -- EXPR`, for expressions that start with '-'.
fn eval_after_dashes(name: &str, expr: &str, expect: Expect) -> Case {
    Case::command(&format!("eval/{name}"), &["eval", "--", expr], expect)
}

fn is_array(report: &serde_json::Value) -> Result<(), String> {
    match report.is_array() {
        true => Ok(()),
        false => Err("expected an array".into()),
    }
}

fn is_string(report: &serde_json::Value) -> Result<(), String> {
    match report.is_string() {
        true => Ok(()),
        false => Err("expected a string".into()),
    }
}

pub fn cases() -> Vec<Case> {
    let nested = |open: &str, inner: &str, close: &str, n: usize| {
        format!("{}{inner}{}", open.repeat(n), close.repeat(n))
    };
    let deep_json = |depth: usize| format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
    let u1001 = Expect::Jsonata("U1001");
    vec![
        // Nesting the parser bounds.
        eval("parentheses-50000-deep", &nested("(", "1", ")", 50_000), u1001.clone()),
        eval("arrays-50000-deep", &nested("[", "1", "]", 50_000), u1001.clone()),
        eval("objects-20000-deep", &nested("{\"a\":", "1", "}", 20_000), u1001.clone()),
        eval("calls-30000-deep", &nested("$f(", "1", ")", 30_000), u1001.clone()),
        eval_after_dashes("unary-minus-60000-times", &format!("{}1", "-".repeat(60_000)), u1001.clone()),
        // Nesting only evaluation meets.
        eval("sum-of-50000-terms", &format!("{}1", "1+".repeat(50_000)), u1001.clone()),
        eval("chain-of-5000-functions", &format!("1{}", " ~> $string()".repeat(5_000)), u1001.clone()),
        // Runaway work.
        eval("endless-recursion", "($f := function($n) { $n + $f($n + 1) }; $f(0))", u1001.clone()),
        eval("endless-tail-recursion", "($f := function($n) { $f($n + 1) }; $f(0))", u1001.clone()),
        // Within the default fuel (5,000,000), in about a third of a second.
        eval(
            "sort-100000-with-a-lambda",
            "$sort([1..100000], function($a, $b) { $a < $b })",
            Expect::Report(is_array),
        ),
        eval(
            "merge-a-million-objects",
            "[1..1000000] ~> $map(function($v) { {'k' & $v: $v} }) ~> $merge()",
            u1001.clone(),
        ),
        eval("range-of-ten-billion", "[1..10000000000]", Expect::Jsonata("D2014")),
        // Values that grow.
        eval("pad-to-100-billion", "$pad('x', 100000000000)", u1001.clone()),
        eval(
            "string-doubled-40-times",
            "($f := function($s, $n) { $n = 0 ? $s : $f($s & $s, $n - 1) }; $f('x', 40))",
            u1001.clone(),
        ),
        eval(
            "array-doubled-1000-times",
            "$reduce([1..1000], function($acc, $v) { $append($acc, $acc) }, [1])",
            u1001.clone(),
        ),
        eval("join-2-million-strings", "$join([1..2000000].$string())", u1001.clone()),
        // A million zeros, padded in one go (one at a time was quadratic: 9 s).
        eval(
            "picture-of-a-million-digits",
            "$formatNumber(1, '#' & $pad('', 1000000, '0'))",
            Expect::Report(is_string),
        ),
        // About 6.9 MB of text: more than the default fuel pays for (bytes made count).
        eval("string-of-a-million-numbers", "$string([1..1000000])", u1001.clone()),
        eval("nested-quantifiers", "$match($pad('', 40, 'a') & '!', /(a+)+$/)", Expect::Quiet(0)),
        // Odd expressions.
        eval("empty-expression", "", Expect::Jsonata("S0207")),
        eval("string-of-100-kb", &format!("'{}'", "x".repeat(100_000)), Expect::Report(is_string)),
        // A lone surrogate cannot be a Rust string: it reads as U+FFFD.
        eval("escaped-lone-surrogate", "\"\\uD800\"", Expect::Report(is_string)),
        Case::command("eval/expression-not-utf8", &["eval"], Expect::Error("EXPR is not UTF-8"))
            .arg(OsString::from_vec(b"caf\xe9".to_vec())),
        // Inputs and bindings.
        eval("input-nested-129-deep", "$", Expect::Refused(INPUT, "")).input(deep_json(129)),
        eval("input-lone-surrogate", "a", Expect::Refused(INPUT, "surrogate"))
            .input(&b"{\"a\": \"\\udc00\"}"[..]),
        eval("input-is-dev-zero", "$", Expect::Error("larger than")).arg("--input-file").arg("/dev/zero"),
        eval("input-of-100-deep-arrays", "$count($)", Expect::Quiet(0)).input(deep_json(100)),
        eval("bindings-nested-200-deep", "$x", Expect::Error("--bindings is not valid JSON"))
            .arg("--bindings")
            .arg(format!("{{\"x\": {}}}", deep_json(200))),
        eval("bindings-not-utf8", "$x", Expect::Error("--bindings is not UTF-8"))
            .arg("--bindings")
            .arg(OsString::from_vec(b"{\"x\": \"\xff\"}".to_vec())),
        eval("bindings-of-the-input", "$", Expect::Error("without their '$'"))
            .arg("--bindings")
            .arg("{\"$\": 1}"),
        // Outputs.
        eval("result-to-dev-full", "[1..1000]", Expect::Error("cannot write to standard output"))
            .stdout(Sink::Full),
        eval("result-to-head", "[1..100000]", Expect::Quiet(0)).stdout(Sink::Head),
        eval("result-to-a-closed-pipe", "[1..100000]", Expect::Quiet(0)).stdout(Sink::Closed),
        eval("error-with-stderr-full", "1 + 'a'", Expect::Exit(1)).stderr(Sink::Full),
    ]
}
