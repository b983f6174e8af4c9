//! The library as a host uses it: text in, ASL JSON text out, the definition reader's places
//! translated back; and hostile YAML.

use formats::{read, Format, Options, Problem, Read};

fn definition<'t>(text: &'t str, name: &str) -> formats::Definition<'t> {
    match read(text, &Options { name, state_machine: None }) {
        Ok(Read::Definition(d)) => d,
        other => panic!("{name}: {other:?}"),
    }
}

/// (line, column, message) of every diagnostic, placed in the source.
fn located(text: &str, name: &str) -> Vec<(usize, usize, String)> {
    let d = definition(text, name);
    let compiled = asl::compile(d.json());
    d.diagnostics(compiled.diagnostics())
        .into_iter()
        .map(|d| {
            let span = d.span.unwrap();
            (span.line, span.column, d.message)
        })
        .collect()
}

#[test]
fn json_passes_through_untouched() {
    let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}"#;
    let d = definition(text, "a.asl.json");
    assert!(d.is_identity());
    assert_eq!(d.format, Format::Json);
    assert!(std::ptr::eq(d.json(), text), "no copy");
    // A syntax error is the definition reader's, at its own place.
    let d = definition("{\"StartAt\": }", "");
    assert!(d.is_identity());
}

#[test]
fn places_inside_strings_follow_quotes_and_escapes() {
    // The JSONPath error is at character 15 of the string: inside a double-quoted YAML scalar
    // with an escape before it, the place is still the character's.
    let yaml = "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Parameters:\n      \"x.$\": \"States.Format('\\u00e9 {}', $.a[)\"\n    End: true\n";
    let found = located(yaml, "a.asl.yaml");
    assert_eq!(found.len(), 1, "{found:?}");
    let (line, column, _) = &found[0];
    assert_eq!(*line, 6);
    let source_line = yaml.lines().nth(5).unwrap();
    let at: String = source_line.chars().skip(column - 1).collect();
    assert!(at.starts_with("\"States") || at.starts_with("$.a[") || at.starts_with("[)"), "{at}");
}

#[test]
fn member_names_and_values_map_to_their_yaml() {
    let yaml = "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Nxt: B\n    End: true\n";
    let found = located(yaml, "");
    assert_eq!(found.iter().map(|(l, c, _)| (*l, *c)).collect::<Vec<_>>(), [(5, 10)], "{found:?}");
    // A literal block: the JSON line's own line in the YAML.
    let template = "Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionString: |\n        {\"StartAt\": \"A\",\n         \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": \"Z\"}}}\n";
    let found = located(template, "t.yaml");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].0, found[0].1), (7, 51), "at \"Z\"");
}

#[test]
fn deep_nesting_is_refused_with_a_place() {
    let deep = format!("a: {}1{}\n", "[".repeat(600), "]".repeat(600));
    match read(&deep, &Options::default()) {
        Err(Problem::Invalid(d)) => {
            // Baton's bound or the YAML parser's own, whichever comes first.
            let m = &d[0].message;
            assert!(m.contains("too deeply nested") || m.contains("recursion limit"), "{m}");
            assert_eq!(d[0].span.unwrap().line, 1);
        }
        other => panic!("{other:?}"),
    }
    let block: String = (0..600).map(|i| format!("{}- \n", "  ".repeat(i))).collect();
    assert!(matches!(read(&block, &Options::default()), Err(Problem::Invalid(_))));
}

#[test]
fn an_alias_bomb_stops_at_the_size_aws_accepts() {
    let mut bomb = String::from("a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n");
    for i in 1..10 {
        let prev = i - 1;
        bomb.push_str(&format!("a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"));
    }
    bomb.push_str("StartAt: A\nStates: {A: {Type: Pass, Result: *a9, End: true}}\n");
    let started = std::time::Instant::now();
    match read(&bomb, &Options::default()) {
        Err(Problem::Invalid(d)) => assert!(d[0].message.contains("1048576"), "{}", d[0].message),
        other => panic!("{other:?}"),
    }
    assert!(started.elapsed().as_secs() < 5);
    // In a template, CloudFormation refuses aliases whatever their size.
    let template = "x: &x 1\nResources:\n  M: {Type: AWS::StepFunctions::StateMachine, Properties: {Definition: {Comment: *x}}}\n";
    match read(template, &Options::default()) {
        Err(Problem::Invalid(d)) => assert!(d[0].message.contains("aliases"), "{}", d[0].message),
        other => panic!("{other:?}"),
    }
}

#[test]
fn huge_scalars_and_files_are_bounded() {
    let huge =
        format!("StartAt: A\nComment: {}\nStates: {{A: {{Type: Pass, End: true}}}}\n", "x".repeat(2 << 20));
    match read(&huge, &Options::default()) {
        Err(Problem::Invalid(d)) => {
            assert_eq!(d[0].code, asl::Code::DefinitionTooLarge);
            assert_eq!(d[0].span.unwrap().line, 3, "placed where the JSON passes the limit");
        }
        other => panic!("{other:?}"),
    }
    let too_big = "a".repeat(formats::MAX_SOURCE_BYTES + 1);
    assert!(matches!(
        read(&too_big, &Options { name: "x.yaml", state_machine: None }),
        Err(Problem::Invalid(_))
    ));
}

#[test]
fn yaml_booleans_are_1_2_in_definitions_and_1_1_in_templates() {
    let d = definition("StartAt: A\nStates: {A: {Type: Pass, Result: [yes, on, true], End: true}}\n", "");
    assert!(d.json().contains(r#"["yes","on",true]"#), "{}", d.json());
    let t = "Resources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Definition: {StartAt: A, States: {A: {Type: Pass, Result: [yes, on, 'yes'], End: true}}}\n";
    let d = definition(t, "");
    assert!(d.json().contains(r#"[true,true,"yes"]"#), "{}", d.json());
}

#[test]
fn duplicate_keys_are_the_definition_readers_to_report_at_the_later_key() {
    let found =
        located("StartAt: A\nStates:\n  A: {Type: Pass, End: true}\n  A: {Type: Pass, End: true}\n", "");
    assert_eq!((found[0].0, found[0].1), (4, 3), "{found:?}");
    assert!(found[0].2.contains("duplicate key"));
}

#[test]
fn convert_round_trips() {
    let json = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/human-approval/definition.asl.json"
    ))
    .unwrap();
    let yaml = formats::convert(&json, "d.json", formats::Target::Yaml).unwrap();
    let back = formats::convert(&yaml, "d.yaml", formats::Target::Json).unwrap();
    let a: serde_json::Value = serde_json::from_str(&json).unwrap();
    let b: serde_json::Value = serde_json::from_str(&back).unwrap();
    assert_eq!(a, b);
    // Strings that YAML would read as something else stay strings.
    let tricky = r##"{"a": ["yes", "1.0", "~", "", "null", "a: b", " x", "#c", "-", "0x10", "2024-01-01", "y", "multi\nline"]}"##;
    let yaml = formats::convert(tricky, "t.json", formats::Target::Yaml).unwrap();
    let back = formats::convert(&yaml, "t.yaml", formats::Target::Json).unwrap();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(tricky).unwrap(),
        serde_json::from_str::<serde_json::Value>(&back).unwrap(),
        "{yaml}"
    );
}
