//! Hostile definitions and inputs: each must end in a located diagnostic or a run-time error, in
//! bounded memory and time, never in a stack overflow (which kills the web page).
//!
//! Most tests use a size at which the code before these limits crashed, exhausted memory or took
//! many seconds (each says what happened); the others guard limits that already held (the JSON
//! reader's depth, intrinsic nesting). None of them times anything. They run on a thread with a small stack: the
//! browser's wasm stack is 1 MiB, and a debug build needs several times the stack of a release
//! build for the same recursion, so 256 KiB here is stricter than the browser. The few tests that
//! build values as deep as the engine allows ([`asl::env::MAX_VALUE_DEPTH`]) get 1 MiB.

use asl::env::{Env, NoVariables};
use asl::exec::{Execution, StartOptions, Status};
use asl::intrinsics::Intrinsic;
use asl::path::Path;
use asl::rng::Rng;
use asl::{Code, Value};

const SMALL_STACK: usize = 256 * 1024;
const BROWSER_STACK: usize = 1024 * 1024;

/// Runs `f` on a thread with a stack of `bytes`, passing its panics on.
fn on_stack(bytes: usize, f: impl FnOnce() + Send + 'static) {
    let thread = std::thread::Builder::new().stack_size(bytes).spawn(f).expect("a thread");
    if let Err(panic) = thread.join() {
        std::panic::resume_unwind(panic);
    }
}

/// Each diagnostic as `(code, message, line, column, the text under its span)`.
fn diagnostics(text: &str) -> Vec<(Code, String, usize, usize, String)> {
    let compiled = asl::compile(text);
    compiled
        .diagnostics()
        .iter()
        .map(|d| {
            let span = d.span.expect("located");
            let under: String = text[span.start..span.end].chars().take(20).collect();
            (d.code, d.message.clone(), span.line, span.column, under)
        })
        .collect()
}

/// A one-state machine around a Pass state's body (without its `End`).
fn pass(body: &str) -> String {
    format!(r#"{{"StartAt": "P", "States": {{"P": {{"Type": "Pass", {body}, "End": true}}}}}}"#)
}

fn run(definition: &str, input: &str) -> Execution {
    let compiled = asl::compile(definition);
    let machine = compiled.machine().unwrap_or_else(|| panic!("{:?}", compiled.diagnostics())).clone();
    Execution::start(machine, Value::parse(input).expect("input JSON"), StartOptions::default())
}

/// `{"a": {"a": ... inner ...}}`, `depth` objects around `inner`.
fn nested_objects(depth: usize, inner: &str) -> String {
    format!("{}{inner}{}", "{\"a\": ".repeat(depth), "}".repeat(depth))
}

// The JSON reader.

#[test]
fn json_nested_100_000_deep_is_a_located_syntax_error() {
    // The reader keeps its own stack of open containers and stops at 512.
    on_stack(SMALL_STACK, || {
        let text = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let found = diagnostics(&text);
        assert_eq!(found.len(), 1);
        let (code, message, line, column, under) = &found[0];
        assert_eq!(
            (*code, message.as_str()),
            (Code::JsonSyntax, "too deeply nested: this array is more than 512 levels deep")
        );
        assert_eq!((*line, *column, under.as_str()), (1, 513, "["));
    });
}

#[test]
fn a_long_member_name_over_a_long_array_is_mapped_in_linear_memory() {
    // Before, the source map kept one pointer string per value: 100,000 pointers that each
    // repeat the 100,000-character name, over 10 GB for a 300 KB definition.
    on_stack(SMALL_STACK, || {
        let name = "k".repeat(100_000);
        let items = vec!["0"; 100_000].join(",");
        let text = pass(&format!(r#""Result": {{"{name}": [{items}]}}"#));
        let compiled = asl::compile(&text);
        assert!(compiled.machine().is_some(), "{:?}", compiled.diagnostics());
        let map = compiled.source_map().expect("a source map");
        let last = map.value_span(&format!("/States/P/Result/{name}/99999")).expect("the last item");
        assert_eq!(&text[last.start..last.end], "0");
        assert_eq!(last.column, text.rfind("0]").expect("the last item") + 1);
        let key = map.key_span(&format!("/States/P/Result/{name}")).expect("the name");
        assert_eq!(key.end - key.start, name.len() + 2);
    });
}

#[test]
fn many_problems_under_a_long_name_are_reported_in_bounded_memory() {
    // Each diagnostic carries its pointer: 100,000 bad items under a 400,000-character name
    // would hold 40 GB of pointers.
    on_stack(SMALL_STACK, || {
        let name = "n".repeat(400_000);
        let retriers = vec!["1"; 100_000].join(",");
        let text = format!(
            r#"{{"StartAt": "{name}", "States": {{"{name}": {{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Retry": [{retriers}], "End": true}}}}}}"#
        );
        let found = diagnostics(&text);
        assert_eq!(found.iter().filter(|d| d.0 == Code::BadName).count(), 1, "{:?}", found.len());
        assert!(found.len() <= asl::diagnostic::MAX_DIAGNOSTICS + 1);
        assert!(found.iter().all(|d| d.1.len() < 1000), "messages quote long names abbreviated");
        // The same in a template, whose keys have no length limit.
        let key = "k".repeat(100_000);
        let bad = vec![r#"{"x.$": 1}"#; 50_000].join(",");
        let found = diagnostics(&pass(&format!(r#""Parameters": {{"{key}": [{bad}]}}"#)));
        assert_eq!(found.len(), asl::diagnostic::MAX_DIAGNOSTICS);
        assert!(found.iter().all(|d| d.0 == Code::BadTemplate));
    });
}

#[test]
fn a_definition_over_1_mib_is_refused_unread() {
    // Before, a 20 MB definition was read whole (1.8 GB at its peak).
    on_stack(SMALL_STACK, || {
        let text = pass(&format!(r#""Comment": "{}""#, "x".repeat(20 << 20)));
        let found = diagnostics(&text);
        assert_eq!(found.len(), 1);
        let (code, message, line, column, _) = &found[0];
        assert_eq!(*code, Code::DefinitionTooLarge);
        assert!(message.contains("AWS accepts at most 1048576 bytes"), "{message}");
        assert_eq!((*line, *column), (1, asl::MAX_DEFINITION_BYTES + 1));
        // At the limit exactly, the text is read.
        let padding = asl::MAX_DEFINITION_BYTES - pass(r#""Comment": """#).len();
        let text = pass(&format!(r#""Comment": "{}""#, "x".repeat(padding)));
        assert_eq!(text.len(), asl::MAX_DEFINITION_BYTES);
        assert!(asl::compile(&text).machine().is_some());
    });
}

#[test]
fn diagnostics_on_a_one_line_definition_take_linear_time() {
    // Before, each diagnostic's column was counted from the start of its line, and rendering
    // copied the whole line: 10,000 diagnostics on one line took 11 s in a release build.
    on_stack(SMALL_STACK, || {
        let states: Vec<String> =
            (0..10_000).map(|i| format!(r#""S{i}":{{"Type":"Pass","End":true,"Nxet":1}}"#)).collect();
        let text = format!(r#"{{"StartAt":"S0","States":{{{}}}}}"#, states.join(","));
        let compiled = asl::compile(&text);
        let unknown: Vec<_> =
            compiled.diagnostics().iter().filter(|d| d.code == Code::UnknownField).collect();
        // One per state, up to the cap; every state is unreachable too, and those are located.
        assert_eq!(unknown.len(), asl::diagnostic::MAX_DIAGNOSTICS);
        let last = compiled.diagnostics().last().and_then(|d| d.span).expect("located");
        assert_eq!(Some(last.start), text.rfind("\"S9999\""), "the last state is unreachable");
        assert_eq!((last.line, last.column), (1, last.start + 1), "the text is ASCII: a column per byte");
        let rendered: usize =
            compiled.diagnostics().iter().map(|d| asl::source::render("one-line.json", &text, d).len()).sum();
        assert!(rendered < 11_000 * 400, "each rendering shows a window of the line, not all of it");
    });
}

// JSONPath.

#[test]
fn filters_nested_past_the_limit_are_located_diagnostics() {
    // Before, reading each of these paths overflowed the stack.
    on_stack(SMALL_STACK, || {
        let limit = format!("nested more than {} deep", asl::path::MAX_FILTER_NESTING);
        let filters = format!("${}", "[?(@".repeat(10_000));
        let parens = format!("$[?({}@.a{})]", "(".repeat(100_000), ")".repeat(100_000));
        let negations = format!("$[?({}@.a)]", "!".repeat(100_000));
        for path in [&filters, &parens, &negations] {
            let text = pass(&format!(r#""InputPath": "{path}""#));
            let found = diagnostics(&text);
            assert_eq!(found.len(), 1, "{found:?}");
            let (code, message, line, column, under) = &found[0];
            assert_eq!(*code, Code::BadPath);
            assert!(message.contains(&limit), "{message}");
            assert!(message.len() < 500, "the path is abbreviated: {message}");
            assert_eq!((*line, *column), (1, text.find("\"$").expect("the path") + 1));
            assert!(under.starts_with("\"$"));
        }
        // The same in a Choice rule's Variable, and in a template's path.
        let choice = format!(
            r#"{{"StartAt": "C", "States": {{"C": {{"Type": "Choice", "Choices": [{{"Variable": "{filters}",
              "IsNull": true, "Next": "D"}}], "Default": "D"}}, "D": {{"Type": "Succeed"}}}}}}"#
        );
        let template = pass(&format!(r#""Parameters": {{"x.$": "{filters}"}}"#));
        for text in [choice, template] {
            let found = diagnostics(&text);
            assert_eq!(found.len(), 1, "{found:?}");
            assert!(found[0].1.contains(&limit), "{}", found[0].1);
        }
    });
}

#[test]
fn filters_as_deep_as_allowed_and_long_chains_evaluate() {
    on_stack(SMALL_STACK, || {
        let n = asl::path::MAX_FILTER_NESTING;
        let deepest = format!("$[?({}@.a == 1{})]", "(".repeat(n - 1), ")".repeat(n - 1));
        let input = Value::parse(r#"[{"a": 1}, {"a": 2}]"#).expect("JSON");
        let selected = Path::parse(&deepest).expect("within the limit").select(&input);
        assert_eq!(selected.map(|v| v.to_json()), Ok(r#"[{"a":1}]"#.to_string()));
        // Filters inside filters, as deep as allowed: each tests the item it is given.
        let deepest = format!("${}.a == 1{}", "[?(@".repeat(n), ")]".repeat(n));
        let selected = Path::parse(&deepest).expect("within the limit").select(&input);
        assert_eq!(selected.map(|v| v.to_json()), Ok(r#"[{"a":1}]"#.to_string()));
        // Before, a chain of && was a tree as deep as the chain is long.
        let chain = format!("$[?({}@.a == 1)]", "@.a && ".repeat(100_000));
        let selected = Path::parse(&chain).expect("a flat chain").select(&input);
        assert_eq!(selected.map(|v| v.to_json()), Ok(r#"[{"a":1}]"#.to_string()));
    });
}

#[test]
fn chained_descents_stop_at_the_work_limit() {
    // Before, six chained '..' over 100 levels tried to allocate 6 GB. (Reading and writing a
    // 100-level input takes more than the small stack in a debug build: serde_json recurses.)
    on_stack(BROWSER_STACK, || {
        let definition = pass(r#""Parameters": {"n.$": "States.ArrayLength($..a..a..a..a..a..a)"}"#);
        let exec = run(&definition, &nested_objects(100, "1"));
        assert_eq!(exec.status(), Status::Failed);
        let failure = exec.failure().expect("a failure");
        let cause = failure.cause.clone().unwrap_or_default();
        assert!(cause.contains("more than 1000000 nodes"), "{cause}");
        // Two chained descents are within the limit.
        let exec =
            run(&pass(r#""Parameters": {"n.$": "States.ArrayLength($..a..a)"}"#), &nested_objects(100, "1"));
        assert_eq!(exec.output().map(Value::to_json), Some(r#"{"n":4950}"#.to_string()));
    });
}

// Values the engine builds.

#[test]
fn an_indefinite_path_cannot_build_a_value_past_the_depth_limit() {
    // The array of matches is one level deeper than the deepest match; a filter on an object
    // matches the object itself.
    on_stack(BROWSER_STACK, || {
        let limit = asl::env::MAX_VALUE_DEPTH;
        let path = Path::parse("$[?(@.a)]").expect("a path");
        let (deepest, _) = asl::source::parse(&nested_objects(limit, "1")).expect("JSON");
        let miss = path.select(&deepest).err().map(|miss| miss.message).unwrap_or_default();
        assert!(miss.contains("more than 512 levels deep"), "{miss}");
        let (one_less, _) = asl::source::parse(&nested_objects(limit - 1, "1")).expect("JSON");
        let selected = path.select(&one_less).ok();
        assert_eq!(selected.as_ref().and_then(Value::as_array).map(<[Value]>::len), Some(1));
    });
}

#[test]
fn a_map_that_nests_its_own_output_fails_at_the_depth_limit() {
    // Before, each round of the loop nested the output 400 levels deeper, until dropping it
    // overflowed the stack after the result had been printed.
    on_stack(BROWSER_STACK, || {
        let selector = nested_objects(400, r#"{"v.$": "$$.Map.Item.Value"}"#);
        let definition = format!(
            r#"{{"StartAt": "M", "States": {{"M": {{"Type": "Map", "ItemSelector": {selector},
                "ItemProcessor": {{"StartAt": "P", "States": {{"P": {{"Type": "Pass", "End": true}}}}}},
                "Next": "M"}}}}}}"#
        );
        let exec = run(&definition, "[1]");
        assert_eq!(exec.status(), Status::Failed);
        let cause = exec.failure().and_then(|f| f.cause.clone()).unwrap_or_default();
        assert!(cause.contains("more than 512 levels deep"), "{cause}");
    });
}

#[test]
fn a_result_path_loop_fails_at_the_depth_limit() {
    // Before, each round nested the input one level deeper under "x", until something that
    // recurses over it overflowed the stack.
    on_stack(BROWSER_STACK, || {
        let definition =
            r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "ResultPath": "$.x", "Next": "P"}}}"#;
        let exec = run(definition, "{}");
        assert_eq!(exec.status(), Status::Failed);
        let cause = exec.failure().and_then(|f| f.cause.clone()).unwrap_or_default();
        assert!(cause.contains("more than 512 levels deep"), "{cause}");
        // A ResultPath with more steps than the limit fails without building anything.
        let steps = ".a".repeat(600);
        let exec = run(&pass(&format!(r#""ResultPath": "${steps}""#)), "{}");
        assert_eq!(exec.status(), Status::Failed);
    });
}

// Intrinsics and Choice rules.

#[test]
fn intrinsics_nested_10_000_deep_are_a_located_diagnostic() {
    // The parser stops at AWS's limit of 10 before it recurses further.
    on_stack(SMALL_STACK, || {
        let call = format!("{}{}", "States.Array(".repeat(10_000), ")".repeat(10_000));
        let found = diagnostics(&pass(&format!(r#""Parameters": {{"x.$": "{call}"}}"#)));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, Code::BadTemplate);
        assert!(found[0].1.contains("nested at most 10 deep"), "{}", found[0].1);
    });
}

#[test]
fn choice_rules_nested_10_000_deep_are_a_located_diagnostic() {
    // Stopped by the JSON reader's 512 levels before any rule is read.
    on_stack(SMALL_STACK, || {
        for (open, close) in [(r#"{"Not": "#, "}"), (r#"{"And": ["#, "]}")] {
            let rule = format!(
                "{}{}{}",
                open.repeat(10_000),
                r#"{"Variable": "$.a", "IsNull": true}"#,
                close.repeat(10_000)
            );
            let text = format!(
                r#"{{"StartAt": "C", "States": {{"C": {{"Type": "Choice", "Choices": [{{"Not": {rule}, "Next": "D"}}],
                  "Default": "D"}}, "D": {{"Type": "Succeed"}}}}}}"#
            );
            let found = diagnostics(&text);
            assert_eq!(found.len(), 1, "{found:?}");
            assert_eq!(found[0].0, Code::JsonSyntax);
            assert!(found[0].1.starts_with("too deeply nested"), "{}", found[0].1);
        }
    });
}

/// A machine whose one Choice rule is `Not` around `depth` levels of `open`/`close` around a
/// rule that holds for `{"a": null}`.
fn nested_rule(open: &str, close: &str, depth: usize) -> String {
    let rule =
        format!("{}{}{}", open.repeat(depth), r#"{"Variable": "$.a", "IsNull": false}"#, close.repeat(depth));
    format!(
        r#"{{"StartAt": "C", "States": {{"C": {{"Type": "Choice", "Choices": [{{"Not": {rule}, "Next": "Yes"}}],
          "Default": "No"}}, "Yes": {{"Type": "Succeed"}}, "No": {{"Type": "Fail"}}}}}}"#
    )
}

#[test]
fn choice_rules_nested_past_the_limit_are_located_diagnostics() {
    // Within JSON's 512 levels, but before, reading and running a rule 250 levels deep needed
    // 2 MiB of stack in a debug build.
    on_stack(SMALL_STACK, || {
        let limit = asl::choice::MAX_RULE_NESTING;
        for (open, close) in [
            (r#"{"Not": "#, "}"),
            (r#"{"And": ["#, "]}"),
            (r#"{"Or": [{"Variable": "$.b", "IsPresent": true}, "#, "]}"),
        ] {
            let text = nested_rule(open, close, 250);
            let found = diagnostics(&text);
            // Besides a warning that the state the rule leads to is unreachable.
            let too_deep: Vec<_> = found.iter().filter(|d| d.0 == Code::ChoiceTooDeep).collect();
            assert!(matches!(too_deep.len(), 1 | 2), "one for each rule at the level too deep: {found:?}");
            let (_, message, ..) = too_deep[0];
            assert!(message.contains(&format!("more than {limit} deep")), "{message}");
            // As deep as allowed: read and run. Under a chain of Nots the rule's outcome flips
            // with each one.
            let depth = limit - 1;
            let text = nested_rule(open, close, depth);
            let exec = run(&text, r#"{"a": null}"#);
            let expected =
                if open.contains("Not") && depth % 2 == 1 { Status::Failed } else { Status::Succeeded };
            assert_eq!(exec.status(), expected, "{open}");
        }
    });
}

#[test]
fn string_matches_takes_linear_time() {
    // Before, matching backtracked to the last star: 12 s for a 100 KB pattern.
    on_stack(SMALL_STACK, || {
        let pattern = format!("*{}b*", "a".repeat(50_000));
        let definition = format!(
            r#"{{"StartAt": "C", "States": {{"C": {{"Type": "Choice", "Choices": [{{"Variable": "$.s",
              "StringMatches": "{pattern}", "Next": "Yes"}}], "Default": "No"}},
              "Yes": {{"Type": "Succeed"}}, "No": {{"Type": "Pass", "Result": "no", "End": true}}}}}}"#
        );
        let input = format!(r#"{{"s": "{}"}}"#, "a".repeat(100_000));
        let exec = run(&definition, &input);
        assert_eq!(exec.output().map(Value::to_json), Some("\"no\"".to_string()));
        let input = format!(r#"{{"s": "{}b{}"}}"#, "a".repeat(100_000), "a".repeat(10));
        let exec = run(&definition, &input);
        assert_eq!(exec.status(), Status::Succeeded);
        assert_ne!(exec.output().map(Value::to_json), Some("\"no\"".to_string()));
    });
}

#[test]
fn array_unique_takes_linear_time_and_keeps_first_occurrences() {
    // Before, each item was compared with every item kept: 18 s for 100,000 items.
    on_stack(SMALL_STACK, || {
        let items: Vec<String> = (0..100_000).map(|i| (i % 60_000).to_string()).collect();
        let input = Value::parse(&format!("{{\"a\": [{}]}}", items.join(","))).expect("JSON");
        let call = Intrinsic::parse("States.ArrayUnique($.a)").expect("a call");
        let context = Value::empty_object();
        let mut rng = Rng::new(1);
        let mut env = Env { input: &input, context: &context, variables: &NoVariables, rng: &mut rng };
        let unique = call.eval(&mut env).expect("unique items");
        let unique = unique.as_array().expect("an array");
        assert_eq!(unique.len(), 60_000);
        assert_eq!(unique[59_999].to_json(), "59999");
        let mixed = Value::parse(r#"{"a": [1, 1.0, {"x": 1, "y": 2}, {"y": 2, "x": 1}, 0.0, -0.0, "1"]}"#);
        let mixed = mixed.expect("JSON");
        let mut env = Env { input: &mixed, context: &context, variables: &NoVariables, rng: &mut rng };
        let unique = call.eval(&mut env).expect("unique items");
        assert_eq!(unique.to_json(), r#"[1,1.0,{"x":1,"y":2},0.0,"1"]"#);
    });
}

#[test]
fn string_split_takes_linear_time_in_the_delimiters() {
    // Before, each character of the string was looked for in the whole delimiter string.
    on_stack(SMALL_STACK, || {
        let delimiters: String = ('\u{100}'..'\u{d7ff}').chain('\u{e000}'..'\u{ffff}').collect();
        let text = format!("{}-{}", "a".repeat(100_000), "\u{100}".repeat(100_000));
        let input = Value::from_pairs([("s", Value::string(text)), ("d", Value::string(delimiters))]);
        let call = Intrinsic::parse("States.StringSplit($.s, $.d)").expect("a call");
        let context = Value::empty_object();
        let mut rng = Rng::new(1);
        let mut env = Env { input: &input, context: &context, variables: &NoVariables, rng: &mut rng };
        let parts = call.eval(&mut env).expect("parts");
        assert_eq!(parts.as_array().map(|p| p.len()), Some(1));
    });
}

// Small problems found on the way.

#[test]
fn an_empty_resource_is_an_error() {
    let text = r#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "", "End": true}}}"#;
    let found = diagnostics(text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].0, found[0].4.as_str()), (Code::WrongValue, "\"\""));
    assert!(asl::compile(text).machine().is_none());
}

#[test]
fn a_null_path_field_reads_well() {
    let found = diagnostics(&pass(r#""Parameters": {"x.$": null}"#));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].1.contains("a '.$' field needs a string, not null"), "{}", found[0].1);
    assert!(!found[0].1.contains("null null"), "{}", found[0].1);
}

// JSONata (ASL-SEMANTICS §6): the engine bounds depth, stack and work; a runaway expression
// fails its state with `States.QueryEvaluationError`, and a parser-hostile one is a diagnostic.

#[cfg(feature = "jsonata")]
fn jsonata_pass(output: &str) -> String {
    format!(
        r#"{{"QueryLanguage": "JSONata", "StartAt": "P", "States": {{"P": {{"Type": "Pass", "Output": "{{% {output} %}}", "End": true}}}}}}"#
    )
}

#[cfg(feature = "jsonata")]
#[test]
fn runaway_jsonata_fails_its_state_in_bounded_time_and_stack() {
    on_stack(BROWSER_STACK, || {
        for expression in [
            // Deep recursion, endless tail recursion, a huge range, a huge string.
            "($f := function($n) { $n = 0 ? 0 : 1 + $f($n - 1) }; $f(1000000))",
            "($f := function($n) { $f($n + 1) }; $f(0))",
            "[1..100000000]",
            "$pad('', 1000000000)",
            "$count([1..1000000].($string($) & 'x'))",
        ] {
            let exec = run(&jsonata_pass(expression), "{}");
            assert_eq!(exec.status(), Status::Failed, "{expression}");
            let error = exec.failure().and_then(|f| f.error.clone()).map(|e| e.to_string());
            assert_eq!(error.as_deref(), Some("States.QueryEvaluationError"), "{expression}");
        }
    });
}

#[cfg(feature = "jsonata")]
#[test]
fn parser_hostile_jsonata_is_a_located_diagnostic() {
    // The engine's parser and evaluator each allow themselves 256 KiB of stack from where they
    // start (`baton-jsonata`), so the browser's stack, not this file's stricter one.
    on_stack(BROWSER_STACK, || {
        for expression in
            ["(".repeat(100_000), "[".repeat(100_000), "$f(".repeat(50_000), "\\\"".repeat(1000)]
        {
            let got = diagnostics(&jsonata_pass(&expression));
            assert!(!got.is_empty() && got.iter().all(|d| d.0 == Code::JsonataSyntax), "{got:?}");
        }
    });
}
