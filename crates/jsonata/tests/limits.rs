//! Bounds: runaway expressions end with U1001 instead of exhausting the native stack or looping.

use baton_jsonata::{Environment, Expression};

fn eval_in_small_stack(expr: &'static str) -> Result<Option<serde_json::Value>, baton_jsonata::Error> {
    std::thread::Builder::new()
        .stack_size(512 * 1024)
        .spawn(move || {
            let e = Expression::parse(expr)?;
            e.evaluate(None, &Default::default(), &Environment::default())
        })
        .unwrap()
        .join()
        .unwrap()
}

#[test]
fn endless_recursion_is_a_stack_overflow_error() {
    let e = eval_in_small_stack("($f := function($n){ $n + $f($n + 1) }; $f(0))").unwrap_err();
    assert_eq!(e.code, "U1001");
    assert!(e.message.starts_with("Stack overflow error"));
}

#[test]
fn recursion_through_paths_and_blocks_is_bounded_too() {
    let e = eval_in_small_stack("($f := function($n){ ([$n].($f($ + 1)))[0] }; $f(0))").unwrap_err();
    assert_eq!(e.code, "U1001");
}

#[test]
fn endless_tail_recursion_runs_out_of_fuel() {
    let e = Expression::parse("($f := function($n){ $f($n + 1) }; $f(0))").unwrap();
    let env = Environment { fuel: 100_000, ..Environment::default() };
    let err = e.evaluate(None, &Default::default(), &env).unwrap_err();
    assert_eq!(err.code, "U1001");
}

/// Found by fuzzing (fuzz/regressions/jsonata): a parameter renamed by a stray byte leaves `$b`
/// undefined, and this gcd calls itself forever. The default fuel ends it (about a tenth of a
/// second of native work).
#[test]
fn a_runaway_tail_recursion_ends_under_the_default_fuel() {
    let e = Expression::parse("($gcd := function($x, $y){ $b = 0 ? $a : $gcd($b, $a % $b) }; $gcd(8, 12))")
        .unwrap();
    let err = e.evaluate(None, &Default::default(), &Environment::default()).unwrap_err();
    assert_eq!(err.code, "U1001");
}

/// Found by fuzzing (fuzz/regressions/jsonata): a picture width of millions of characters is a
/// work bound, not a string to build; a wide one that is allowed costs its width, not its square.
#[test]
fn picture_widths_are_bounded() {
    for picture in ["[Y,199016171]", "Year: <[Y)049670, 199016171]>", "[f,5000000]"] {
        let e = Expression::parse(&format!("$fromMillis(1521801216170, '{picture}')")).unwrap();
        let err = e.evaluate(None, &Default::default(), &Environment::default()).unwrap_err();
        assert_eq!(err.code, "U1001", "{picture}");
    }
    let wide = Expression::parse("$fromMillis(1521801216170, '[Y,9000]')").unwrap();
    let year = wide.evaluate(None, &Default::default(), &Environment::default()).unwrap().unwrap();
    assert_eq!(year.as_str().map(str::len), Some(9000));
}

#[test]
fn tail_recursion_is_not_bounded_by_depth() {
    let r = eval_in_small_stack(
        "($f := function($n, $acc){ $n = 0 ? $acc : $f($n - 1, $acc + 1) }; $f(10000, 0))",
    );
    assert_eq!(r.unwrap(), Some(serde_json::json!(10000)));
}

#[test]
fn deeply_nested_text_is_an_error_not_a_crash() {
    let text: &'static str = Box::leak(format!("{}1{}", "(".repeat(5000), ")".repeat(5000)).into_boxed_str());
    let e = eval_in_small_stack(text).unwrap_err();
    assert_eq!(e.code, "U1001");
}

#[test]
fn clock_and_random_come_from_the_environment() {
    let e = Expression::parse("[$millis(), $random()]").unwrap();
    let env = Environment { now_ms: 1_700_000_000_000, random_seed: 7, ..Environment::default() };
    let a = e.evaluate(None, &Default::default(), &env).unwrap().unwrap();
    let b = e.evaluate(None, &Default::default(), &env).unwrap().unwrap();
    assert_eq!(a, b);
    assert_eq!(a[0], serde_json::json!(1_700_000_000_000i64));
}

#[test]
fn doubling_a_string_runs_out_of_fuel_before_memory() {
    let e = Expression::parse("($f := function($s, $n){ $n = 0 ? $s : $f($s & $s, $n - 1) }; $f('ab', 64))")
        .unwrap();
    let err = e.evaluate(None, &Default::default(), &Environment::default()).unwrap_err();
    assert_eq!(err.code, "U1001");
    let e = Expression::parse("$pad('x', 1e300)").unwrap();
    assert_eq!(e.evaluate(None, &Default::default(), &Environment::default()).unwrap_err().code, "U1001");
}
