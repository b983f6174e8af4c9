//! JSONPath and the intrinsic functions: paths that do not parse are located errors; paths and
//! functions that fail at run time fail the execution with AWS's error; pathological ones end.

use crate::structure::machine;
use crate::{Case, Expect};

/// A machine whose one Pass state has these fields.
fn pass(fields: &str) -> String {
    machine(&format!(r#""A": {{"Type": "Pass", {fields}, "End": true}}"#))
}

/// A Pass state whose Parameters are `{"v.$": EXPR}`, as a JSON string literal.
fn param(expr: &str) -> String {
    pass(&format!(r#""Parameters": {{"v.$": {}}}"#, serde_json::Value::from(expr)))
}

const BAD_PATHS: &[(&str, &str)] = &[
    ("dot-at-end", "$."),
    ("open-bracket", "$["),
    ("double-dot-at-end", "$.."),
    ("unclosed-bracket", "$.a["),
    ("unclosed-quote", "$['a"),
    ("unclosed-filter", "$[?("),
    ("triple-dollar", "$$$"),
    ("no-dollar", "a.b"),
    ("too-many-slice-parts", "$[1:2:3:4]"),
    ("space-in-name", "$.a b"),
    ("empty-brackets", "$[]"),
    ("filter-without-at", "$[?(a > 1)]"),
    ("filter-bad-operator", "$[?(@.a >>> 1)]"),
    ("filter-unclosed-string", "$[?(@.a == 'x)]"),
];

const BAD_INTRINSICS: &[(&str, &str)] = &[
    ("unclosed-call", "States.Format("),
    ("trailing-comma", "States.Format('{}', )"),
    ("unknown-function", "States.Frobnicate()"),
    ("unclosed-string", "States.Format('abc)"),
    ("too-few-arguments", "States.ArrayRange(1)"),
    ("too-many-arguments", "States.MathAdd(1, 2, 3)"),
    ("uuid-with-argument", "States.UUID(1)"),
    ("lowercase-namespace", "states.Array(1)"),
    ("garbage-after-call", "States.Array(1) x"),
    ("bare-word-argument", "States.Array(x)"),
];

/// (name, Parameters expression, input, error the execution fails with).
const RUNTIME_FAILURES: &[(&str, &str, &str, &str)] = &[
    ("missing-field", "$.missing", "{}", "States.Runtime"),
    ("index-past-the-end", "$.a[99999999]", r#"{"a": [1]}"#, "States.Runtime"),
    ("string-to-json-of-bad-json", "States.StringToJson($.s)", r#"{"s": "{bad"}"#, "States.IntrinsicFailure"),
    ("array-range-step-zero", "States.ArrayRange(0, 10, 0)", "{}", "States.IntrinsicFailure"),
    ("array-range-a-billion", "States.ArrayRange(0, 1000000000, 1)", "{}", "States.IntrinsicFailure"),
    (
        "base64-decode-garbage",
        "States.Base64Decode($.s)",
        r#"{"s": "!!!not base64"}"#,
        "States.IntrinsicFailure",
    ),
    ("hash-unknown-algorithm", "States.Hash($.s, 'MD4')", r#"{"s": "x"}"#, "States.IntrinsicFailure"),
    (
        "array-partition-by-zero",
        "States.ArrayPartition($.a, 0)",
        r#"{"a": [1, 2]}"#,
        "States.IntrinsicFailure",
    ),
    ("array-get-item-far", "States.ArrayGetItem($.a, 99999999)", r#"{"a": [1]}"#, "States.IntrinsicFailure"),
    ("math-add-a-string", "States.MathAdd($.s, 1)", r#"{"s": "one"}"#, "States.IntrinsicFailure"),
    ("format-too-few-values", "States.Format('{} {}', 1)", "{}", "States.IntrinsicFailure"),
    ("string-split-a-number", "States.StringSplit($.n, ',')", r#"{"n": 1}"#, "States.IntrinsicFailure"),
    ("array-length-of-an-object", "States.ArrayLength($)", r#"{"a": 1}"#, "States.IntrinsicFailure"),
    ("hash-of-a-long-string", "States.Hash($.s, 'SHA-1')", "LONG", "States.IntrinsicFailure"),
];

pub fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for &(name, path) in BAD_PATHS {
        let definition = pass(&format!(r#""InputPath": {}"#, serde_json::Value::from(path)));
        cases.push(Case::validate(&format!("paths/input-path-{name}"), definition, Expect::Invalid("")));
        cases.push(Case::validate(&format!("paths/parameter-path-{name}"), param(path), Expect::Invalid("")));
    }
    for &(name, expr) in BAD_INTRINSICS {
        cases.push(Case::validate(&format!("paths/intrinsic-{name}"), param(expr), Expect::Invalid("")));
    }
    for &(name, expr, input, error) in RUNTIME_FAILURES {
        let input = match input {
            "LONG" => format!(r#"{{"s": "{}"}}"#, "x".repeat(20_000)),
            other => other.to_string(),
        };
        cases.push(
            Case::run(&format!("paths/run-{name}"), param(expr), Expect::Ran("FAILED", Some(error)))
                .input(input),
        );
    }
    cases.extend(generated());
    cases
}

fn generated() -> Vec<Case> {
    let deep_input = |depth: usize| format!("{}1{}", r#"{"a":"#.repeat(depth), "}".repeat(depth));
    let items = |n: usize| format!(r#"{{"items": [{}]}}"#, vec!["1"; n].join(","));
    let nested_filter = |depth: usize| format!("$[?(@{}.x)]{}", "[?(@".repeat(depth), ")]".repeat(depth));
    let nested_call = |depth: usize| format!("{}1{}", "States.Array(".repeat(depth), ")".repeat(depth));
    let deep_template = |depth: usize| format!("{}1{}", r#"{"a":"#.repeat(depth), "}".repeat(depth));
    let map_with_selector = |selector: &str| {
        machine(&format!(
            r#""A": {{"Type": "Map", "ItemsPath": "$.items", "ItemSelector": {selector}, "End": true,
                "ItemProcessor": {{"StartAt": "X", "States": {{"X": {{"Type": "Pass", "End": true}}}}}}}}"#
        ))
    };
    let choice_matches = |pattern: &str| {
        machine(&format!(
            r#""A": {{"Type": "Choice", "Choices": [{{"Variable": "$.s", "StringMatches": "{pattern}", "Next": "Y"}}], "Default": "N"}},
               "Y": {{"Type": "Succeed"}}, "N": {{"Type": "Succeed"}}"#
        ))
    };
    vec![
        Case::validate("paths/filter-nested-2000-deep", param(&nested_filter(2000)), Expect::Ends),
        Case::run("paths/run-filter-nested-2000-deep", param(&nested_filter(2000)), Expect::Ends),
        // Baton's bound on filter nesting (README, known differences): 16 is read, 17 is refused
        // (`nested_filter(n)` holds n + 1 filters).
        Case::validate("paths/filter-nested-16-deep", param(&nested_filter(15)), Expect::Valid),
        Case::validate(
            "paths/filter-nested-17-deep",
            param(&nested_filter(16)),
            Expect::Invalid("nested more than 16 deep"),
        ),
        Case::validate("paths/filter-nested-50000-deep", param(&nested_filter(50_000)), Expect::Ends),
        Case::run("paths/run-filter-nested-50000-deep", param(&nested_filter(50_000)), Expect::Ends)
            .arg("--input")
            .arg("[1]"),
        Case::validate("paths/input-path-stray-bracket", pass(r#""InputPath": "$.a]""#), Expect::Ends),
        Case::run("paths/run-parameter-path-stray-bracket", param("$.a]"), Expect::Ends),
        Case::run("paths/run-recursive-descent-twice", param("$..a..a"), Expect::Ran("SUCCEEDED", None))
            .input(deep_input(20)),
        Case::run(
            "paths/run-recursive-descent-chain",
            param(&format!("${}", "..a".repeat(12))),
            Expect::Ends,
        )
        .input(deep_input(100)),
        Case::run(
            "paths/run-recursive-descent-five-times",
            param(&format!("${}", "..a".repeat(5))),
            Expect::Ends,
        )
        .input(deep_input(100)),
        Case::run("paths/run-recursive-descent-on-wide-input", param("$..*"), Expect::Ends)
            .input(items(100_000)),
        Case::validate(
            "paths/path-of-a-megabyte",
            param(&format!("$.{}", "a.".repeat(500_000) + "a")),
            Expect::Ends,
        ),
        Case::run(
            "paths/run-path-1000-fields-deep",
            param(&format!("$.{}", vec!["a"; 1000].join("."))),
            Expect::Ends,
        )
        .input(deep_input(120)),
        Case::validate("paths/intrinsic-nested-1000-deep", param(&nested_call(1000)), Expect::Ends),
        Case::validate("paths/intrinsic-nested-11-deep", param(&nested_call(11)), Expect::Invalid("")),
        Case::run(
            "paths/run-intrinsic-nested-10-deep",
            param(&nested_call(10)),
            Expect::Ran("SUCCEEDED", None),
        ),
        Case::run(
            "paths/run-array-with-10000-arguments",
            param(&format!("States.Array({})", vec!["1"; 10_000].join(", "))),
            Expect::Ran("SUCCEEDED", None),
        ),
        Case::run(
            "paths/run-format-with-10000-values",
            param(&format!("States.Format('{}', {})", "{}".repeat(10_000), vec!["1"; 10_000].join(", "))),
            Expect::Ends,
        ),
        Case::run(
            "paths/run-array-unique-of-40000",
            param("States.ArrayUnique($.items)"),
            Expect::Ran("SUCCEEDED", None),
        )
        // As many distinct items as the 256 KiB input limit allows.
        .input(format!(
            r#"{{"items": [{}]}}"#,
            (0..40_000).map(|i| i.to_string()).collect::<Vec<_>>().join(",")
        )),
        Case::run(
            "paths/run-array-contains-in-100000",
            param("States.ArrayContains($.items, 2)"),
            Expect::Ran("SUCCEEDED", None),
        )
        .input(items(100_000)),
        Case::run("paths/run-string-split-a-megabyte", param("States.StringSplit($.s, 'a')"), Expect::Ends)
            .input(format!(r#"{{"s": "{}"}}"#, "ab".repeat(100_000))),
        Case::run(
            "paths/run-json-to-string-of-deep-input",
            param("States.JsonToString($)"),
            Expect::Ran("SUCCEEDED", None),
        )
        .input(deep_input(100)),
        Case::run(
            "paths/run-string-matches-backtracking",
            choice_matches(&"*a".repeat(30).replace("**", "*")),
            Expect::Ran("SUCCEEDED", None),
        )
        .input(format!(r#"{{"s": "{}b"}}"#, "a".repeat(100_000))),
        Case::run(
            "paths/run-string-matches-many-stars",
            choice_matches(&"*".repeat(10_000)),
            Expect::Ran("SUCCEEDED", None),
        )
        .input(format!(r#"{{"s": "{}"}}"#, "a".repeat(100_000))),
        Case::validate("paths/item-selector-400-deep", map_with_selector(&deep_template(400)), Expect::Ends),
        Case::run("paths/run-item-selector-400-deep", map_with_selector(&deep_template(400)), Expect::Ends)
            .input(items(3)),
        Case::run(
            "paths/run-item-selector-30-deep",
            map_with_selector(&deep_template(30)),
            Expect::Ran("SUCCEEDED", None),
        )
        .input(items(3)),
        Case::run(
            "paths/run-filter-over-100000-items",
            param("$.items[?(@ > 0)]"),
            Expect::Ran("SUCCEEDED", None),
        )
        .input(items(100_000)),
        Case::run("paths/run-slice-with-huge-step", param("$.items[0:100000:99999999]"), Expect::Ends)
            .input(items(1000)),
        Case::run("paths/run-negative-slice", param("$.items[-99999999:]"), Expect::Ends).input(items(10)),
    ]
}
