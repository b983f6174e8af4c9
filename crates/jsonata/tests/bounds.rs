//! Bounds on long and deep expressions and on the size of what they build: each input below
//! ends with a value or a clean `U1001`, never a stack overflow or an aborted allocation (either
//! kills the browser page). The recursive ones run on a deliberately small thread stack, so a
//! pass that recursed without a bound would overflow it and fail the test.

use baton_jsonata::{Environment, Error, Expression, Json};
use serde_json::json;

/// The thread stack the deep cases run on: half a browser's (1 MiB for wasm32), an eighth of a
/// native main thread's, and far below what a recursion a hundred thousand levels deep needs. The
/// parser may use 256 KiB of it, evaluation (in these tests) 96 KiB.
const SMALL_STACK: usize = 512 * 1024;

/// Evaluation may use half of the small stack; the rest is the test's and the parser's.
fn small_env() -> Environment {
    Environment { max_stack_bytes: 96 * 1024, ..Environment::default() }
}

/// Parses and evaluates `text` on `input` in a thread with [`SMALL_STACK`], dropping everything
/// there too (a recursive drop of a deep tree overflows as surely as a recursive walk).
fn run_small(text: String, input: Option<Json>) -> Result<Option<Json>, Error> {
    std::thread::Builder::new()
        .stack_size(SMALL_STACK)
        .spawn(move || {
            let expr = Expression::parse(&text)?;
            expr.evaluate(input.as_ref(), &Default::default(), &small_env())
        })
        .expect("spawn")
        .join()
        .expect("no panic, no overflow")
}

fn chain(first: &str, link: &str, count: usize, last: &str) -> String {
    let mut text = String::from(first);
    for _ in 0..count {
        text.push_str(link);
    }
    text.push_str(last);
    text
}

#[test]
fn a_path_of_a_hundred_thousand_steps_is_a_loop() {
    // The step `$` keeps the context, so every step has work to do.
    let text = chain("a", ".$", 100_000, ".b");
    let got = run_small(text, Some(json!({"a": {"b": 7}}))).unwrap();
    assert_eq!(got, Some(json!(7)));
    let text = chain("a", ".a", 100_000, ".b");
    assert_eq!(run_small(text, Some(json!({"a": 1}))).unwrap(), None);
}

#[test]
fn long_chains_of_postfix_forms_are_loops_too() {
    for (link, input) in [
        ("[0]", json!({"a": [1]})),
        ("[]", json!({"a": [1]})),
        ("^($)", json!({"a": [2, 1]})),
        ("#$i", json!({"a": [1]})),
        ("@$v", json!({"a": [1]})),
    ] {
        let text = chain("a", link, 20_000, "");
        let outcome = run_small(text, Some(input));
        // Some of these are errors in JSONata (a focus after a focus); none is a crash.
        if let Err(e) = &outcome {
            assert!(e.code.starts_with('S') || e.code == "U1001", "{link}: {e}");
        }
    }
}

#[test]
fn long_operator_chains_are_bounded_by_the_parser() {
    for (first, link) in [
        ("1", "+1"),
        ("1", "&1"),
        ("true", " and true"),
        ("false", " or false"),
        ("1", " ~> $string"),
        ("$f", "()"),
        ("1", " = 1"),
    ] {
        let e = run_small(chain(first, link, 100_000, ""), None).unwrap_err();
        assert_eq!(e.code, "U1001", "{first}{link}...");
        assert_eq!(e.message, "Expression nested too deeply");
        assert!(e.position.is_some());
    }
}

#[test]
fn operator_chains_of_reasonable_length_still_evaluate() {
    // Evaluated in a loop, whatever the stack: only the parser's bound on height applies.
    let sum = run_small(chain("1", "+1", 899, ""), None).unwrap();
    assert_eq!(sum, Some(json!(900)));
    let all = run_small(chain("true", " and true", 899, ""), None).unwrap();
    assert_eq!(all, Some(json!(true)));
    let any = run_small(chain("false", " or false", 898, " or 1 = 1"), None).unwrap();
    assert_eq!(any, Some(json!(true)));
    let text = run_small(chain("$length('a'", " & 'a'", 899, ")"), None).unwrap();
    assert_eq!(text, Some(json!(900)));
    let e = run_small(chain("1", "+1", 899, " + 'a'"), None).unwrap_err();
    assert_eq!((e.code, e.position), ("T2002", Some(1801)));
}

#[test]
fn deep_nesting_is_bounded_by_the_parser() {
    for (open, close) in [("[", "]"), ("(", ")"), ("{'a':", "}"), ("-", ""), ("$x := ", "")] {
        let text = format!("{}1{}", open.repeat(100_000), close.repeat(100_000));
        let e = run_small(text, None).unwrap_err();
        assert_eq!(e.code, "U1001", "{open}...");
    }
}

fn eval_with(text: &str, env: &Environment) -> Result<Option<Json>, Error> {
    Expression::parse(text)?.evaluate(None, &Default::default(), env)
}

fn eval(text: &str) -> Result<Option<Json>, Error> {
    eval_with(text, &Environment::default())
}

/// Each of these built hundreds of megabytes to gigabytes (400 million items, a 10 GB text)
/// before the fuel counted what they made; the process aborted on a failed allocation.
#[test]
fn what_an_expression_makes_costs_fuel() {
    for text in [
        "($a := [1..20000]; $a.$a)",
        "($a := [1..20000]; $a.($a))",
        "($a := [1..20000]; $a@$x.$a)",
        "($a := [1..2000]; [$a, $a].[$a, $a, $a])",
        "$replace($pad('', 100000, 'a'), 'a', $pad('', 100000, 'b'))",
        "($s := $pad('', 100000, 'x'); $string([1..1000].$s))",
        "($s := $pad('', 100000, 'x'); $string([1..1000].$s, true))",
        "($s := $pad('', 100000, 'x'); $join([1..1000].$s))",
        "($s := $pad('', 100000, 'x'); [1..1000].$s & '')",
        "($a := [1..20000]; $a.$string($a))",
        "($a := [1..20000]; $a.$sort($a))",
        "($a := [1..20000]; $a.$append($a, $a))",
        "($a := [1..20000]; $a.$zip($a, $a))",
        "($a := [1..2000]; $a.$split($join($a.'x'), ''))",
        "$distinct([1..20000])",
        "($a := [1..20000]; $a.($a^(-$)))",
        "($a := [1..20000]; $a.($a{'k': $}))",
    ] {
        let e = eval(text).unwrap_err();
        assert_eq!(e.code, "U1001", "{text}: {e}");
    }
}

#[test]
fn one_value_is_bounded_whatever_the_fuel() {
    let unbounded = Environment { fuel: u64::MAX, ..Environment::default() };
    let e = eval_with("$replace($pad('', 100000, 'a'), 'a', $pad('', 1000, 'b'))", &unbounded).unwrap_err();
    assert_eq!(e.code, "U1001");
    for text in ["$range(0, 1e9)", "$pad('x', 1e12)", "($s := $pad('', 100000); $join([1..1000].$s))"] {
        let e = eval_with(text, &unbounded).unwrap_err();
        assert_eq!(e.code, "U1001", "{text}");
    }
}

#[test]
fn what_the_fuel_pays_for_still_works() {
    assert_eq!(eval("($a := [1..1000]; $count($a.$a))").unwrap(), Some(json!(1_000_000)));
    let text = eval("$length($replace($pad('', 1000, 'a'), 'a', $pad('', 1000, 'b')))").unwrap();
    assert_eq!(text, Some(json!(1_000_000)));
    // The reference suite's largest: ten million items under its fuel of 50 million.
    let suite = Environment { fuel: 50_000_000, ..Environment::default() };
    assert_eq!(eval_with("[1..10000000] ~> $count()", &suite).unwrap(), Some(json!(10_000_000)));
}

/// `JSON.stringify(9007199254740993)` is `9007199254740992`: whole numbers have no `.0`, above
/// 2^53 too.
#[test]
fn whole_numbers_are_integers_in_json() {
    for (text, json) in [
        ("9007199254740993", "9007199254740992"),
        ("-9007199254740993", "-9007199254740992"),
        ("1e18", "1000000000000000000"),
        ("12345678901234567890", "12345678901234567000"),
        ("0.5", "0.5"),
        ("-0", "0"),
    ] {
        let got = eval(text).unwrap().unwrap();
        assert_eq!(got.to_string(), json, "{text}");
    }
}

/// A loop can nest a value as deep as it turns, a few steps each (twenty thousand here: a
/// recursive walk or drop that deep overflows the small stack several times over). Every walk over values
/// is a loop or stops at 1000 levels with `U1001`, and their drop is flat: recursively, each of
/// these overflowed the stack.
#[test]
fn deeply_nested_values_end_cleanly() {
    let deep_array = "$reduce([1..20000], function($a, $x){ [[$a]] }, [])";
    let deep_object = "$reduce([1..20000], function($a, $x){ {'a': $a} }, {})";
    for built in [deep_array, deep_object] {
        let e = run_small(built.to_string(), None).unwrap_err();
        assert_eq!(e.code, "U1001", "{built}");
        // Used without being written out: compared, tested, walked, looked into, dropped.
        let used = format!(
            "($d := {built}; [$d = $d, $boolean($d), $exists($d.x), $count($d.**) > 0, \
             $exists($lookup($d, 'b')), $type($d), $d in [$d]])"
        );
        let got = run_small(used, None).unwrap();
        // `[[[...[]]]]` holds no value but arrays; `{'a': {'a': ...{}}}` holds objects.
        let expected = match built == deep_array {
            true => json!([true, false, false, false, false, "array", false]),
            false => json!([true, true, false, true, false, "object", true]),
        };
        assert_eq!(got, Some(expected), "{built}");
        for written in ["$string($d)", "$d ~> |$|{}|", "$d ~> |a|{'b': 1}|"] {
            let text = format!("($d := {built}; {written})");
            let e = run_small(text, None).unwrap_err();
            assert_eq!(e.code, "U1001", "{built} {written}");
        }
    }
}

/// Closures that capture closures, `~>` chains and partial applications of partial
/// applications: function values as deep as the loop that made them, dropped flat.
#[test]
fn deeply_nested_functions_are_dropped_flat() {
    for text in [
        "$reduce([1..20000], function($a, $x){ function(){ $a } }, 0) ~> $type()",
        "($f := function($n, $a){ $n = 0 ? $a : $f($n - 1, $a ~> $uppercase) }; $type($f(20000, $lowercase)))",
        "($f := function($n, $a){ $n = 0 ? $a : $f($n - 1, $a(?)) }; $type($f(20000, $string)))",
    ] {
        assert_eq!(run_small(text.to_string(), None).unwrap(), Some(json!("function")), "{text}");
    }
    // Calling the chain recurses, within the evaluator's bound.
    let text =
        "($f := function($n, $a){ $n = 0 ? $a : $f($n - 1, $a ~> $uppercase) }; $f(20000, $lowercase)('x'))";
    assert_eq!(run_small(text.to_string(), None).unwrap_err().code, "U1001");
}

/// Matching arguments to a signature was a search that recursed once per parameter and, with
/// many optional ones, took exponential time.
#[test]
fn signatures_match_in_bounded_time_and_stack() {
    let many = format!("(function()<{}>{{1}})()", "n?".repeat(20_000));
    assert_eq!(run_small(many, None).unwrap_err().code, "U1001");
    let optional = format!("(function()<{}s>{{1}})({})", "x?".repeat(30), ["1"; 15].join(","));
    let e = run_small(optional, None).unwrap_err();
    assert_eq!(
        (e.code, e.message.as_str()),
        ("T0410", "Argument 16 of function lambda does not match function signature")
    );
    let zipped = format!("$count($zip({}))", ["[1]"; 5000].join(","));
    assert_eq!(run_small(zipped, None).unwrap(), Some(json!(1)));
}
