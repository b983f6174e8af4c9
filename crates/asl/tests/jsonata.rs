//! JSONata state machines (ASL-SEMANTICS §6): reading them (each diagnostic located, the JSONata
//! syntax error at its character), and running them through the engine's own API: `$states`,
//! variables, `States.QueryEvaluationError` with its `EvaluationFailed` event, catchers and
//! retriers, the virtual clock and the seed. The corpus (crates/sim/tests/conformance) holds the
//! cases AWS recorded; these hold what it does not.
#![cfg(feature = "jsonata")]

use std::rc::Rc;

use asl::exec::{Execution, Outcome, StartOptions, Status};
use asl::{Code, Value};

fn machine(json: &str) -> Rc<asl::model::StateMachine> {
    let (machine, diags) = asl::load(&Value::parse(json).unwrap());
    machine.map(Rc::new).unwrap_or_else(|| panic!("invalid test definition: {diags:?}"))
}

/// A JSONata machine of one state `S`, written as its fields.
fn one_state(fields: &str) -> Rc<asl::model::StateMachine> {
    machine(&format!(r#"{{"QueryLanguage": "JSONata", "StartAt": "S", "States": {{"S": {{{fields}}}}}}}"#))
}

fn run(machine: Rc<asl::model::StateMachine>, input: &str) -> Execution {
    Execution::start(machine, Value::parse(input).unwrap(), StartOptions::default())
}

fn types(exec: &Execution) -> Vec<String> {
    exec.history().iter().map(|e| e.kind.type_name()).collect()
}

fn json(text: &str) -> Value {
    Value::parse(text).unwrap()
}

/// The codes and the located text of every diagnostic of `text`.
fn diagnostics(text: &str) -> Vec<(Code, String)> {
    let compiled = asl::compile(text);
    compiled
        .diagnostics()
        .iter()
        .map(|d| {
            let span = d.span.expect("located");
            (d.code, text[span.start..span.end].to_string())
        })
        .collect()
}

#[test]
fn pass_output_and_assign_read_the_input_and_the_variables_as_they_were() {
    let m = machine(
        r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {
            "A": {"Type": "Pass", "Assign": {"x": 1, "y": 2}, "Next": "Swap"},
            "Swap": {"Type": "Pass", "Assign": {"x": "{% $y %}", "y": "{% $x %}"},
                     "Output": {"x": "{% $x %}", "sum": "{% $states.input.a + $x %}"}, "Next": "Read"},
            "Read": {"Type": "Pass", "Output": ["{% $x %}", "{% $y %}"], "End": true}}}"#,
    );
    let exec = run(m.clone(), r#"{"a": 10}"#);
    assert_eq!(exec.status(), Status::Succeeded);
    assert_eq!(exec.output(), Some(&json("[2, 1]")), "assigned together, from the values at entry");
    let swap_exit = exec.history_json()[4].clone();
    assert_eq!(swap_exit["stateExitedEventDetails"]["output"], "{\"x\":1,\"sum\":11}");
    assert_eq!(swap_exit["stateExitedEventDetails"]["assignedVariables"]["x"], "2");
}

#[test]
fn a_string_is_an_expression_only_when_it_is_all_braces() {
    let m = one_state(
        r#""Type": "Pass", "Output": {"a": "$states.input", "b": " {% 1 %}", "c": "{%1+1%}"}, "End": true"#,
    );
    let exec = run(m, "{}");
    assert_eq!(exec.output(), Some(&json(r#"{"a": "$states.input", "b": " {% 1 %}", "c": 2}"#)));
}

#[test]
fn a_task_gets_its_arguments_and_its_output_reads_the_result() {
    let m = one_state(
        r#""Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
           "Arguments": {"FunctionName": "f", "Payload": "{% $states.input %}"},
           "Output": {"got": "{% $states.result.Payload %}", "was": "{% $states.input.n %}"}, "End": true"#,
    );
    let mut exec = run(m, r#"{"n": 7}"#);
    let effects = exec.take_effects();
    assert_eq!(effects[0].parameters, json(r#"{"FunctionName": "f", "Payload": {"n": 7}}"#));
    exec.resolve(effects[0].invocation, Outcome::Return(json(r#"{"Payload": "done"}"#)));
    assert_eq!(exec.output(), Some(&json(r#"{"got": "done", "was": 7}"#)));
}

#[test]
fn a_task_without_output_gives_its_result_and_without_arguments_gets_its_input() {
    let m = one_state(r#""Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true"#);
    let mut exec = run(m, r#"{"n": 7}"#);
    let effects = exec.take_effects();
    assert_eq!(effects[0].parameters, json(r#"{"n": 7}"#));
    exec.resolve(effects[0].invocation, Outcome::Return(json("42")));
    assert_eq!(exec.output(), Some(&json("42")));
}

#[test]
fn the_callback_token_is_in_states_context() {
    let m = one_state(
        r#""Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "TimeoutSeconds": 60,
           "Arguments": {"QueueUrl": "q", "MessageBody": {"token": "{% $states.context.Task.Token %}"}}, "End": true"#,
    );
    let mut exec = run(m, "{}");
    let effects = exec.take_effects();
    let token = effects[0].token.clone().expect("a token");
    assert_eq!(
        effects[0].parameters.get("MessageBody").and_then(|b| b.get("token")),
        Some(&Value::String(token.clone()))
    );
    exec.resolve(effects[0].invocation, Outcome::Return(json("{}")));
    exec.send_task_success(&token, r#""ok""#).unwrap();
    assert_eq!(exec.output(), Some(&json(r#""ok""#)));
}

#[test]
fn an_undefined_value_fails_with_aws_cause_and_an_evaluation_failed_event() {
    let exec = run(one_state(r#""Type": "Pass", "Output": {"r": "{% $nothing %}"}, "End": true"#), "{}");
    assert_eq!(exec.status(), Status::Failed);
    assert_eq!(types(&exec), ["ExecutionStarted", "PassStateEntered", "EvaluationFailed", "ExecutionFailed"]);
    let event = &exec.history_json()[2];
    assert_eq!(event["previousEventId"], 0, "as recorded: the event before the state's entry");
    let details = &event["evaluationFailedEventDetails"];
    assert_eq!(details["location"], "Output/r");
    assert_eq!(details["state"], "S");
    assert_eq!(
        details["cause"],
        "An error occurred while executing the state 'S' (entered at the event id #2). The JSONata expression '$nothing' specified for the field 'Output/r' returned nothing (undefined)."
    );
}

#[test]
fn an_engine_error_is_named_with_its_code() {
    let exec = run(one_state(r#""Type": "Pass", "Output": "{% 1 + 'a' %}", "End": true"#), "{}");
    let cause = exec.failure().and_then(|f| f.cause.clone()).unwrap();
    assert!(cause.ends_with("specified for the field 'Output' threw an error during evaluation. T2002: The right side of the + operator must evaluate to a number"), "{cause}");
}

#[test]
fn a_query_evaluation_error_can_be_caught_and_the_catcher_reads_the_error_output() {
    let m = machine(
        r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {
            "A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Arguments": "{% $missing %}",
                  "Catch": [{"ErrorEquals": ["States.QueryEvaluationError"], "Assign": {"e": "{% $states.errorOutput.Error %}"},
                             "Output": {"in": "{% $states.input %}"}, "Next": "B"}], "End": true},
            "B": {"Type": "Pass", "Output": {"e": "{% $e %}", "in": "{% $states.input.in %}"}, "End": true}}}"#,
    );
    let exec = run(m, r#"{"k": 1}"#);
    assert_eq!(exec.status(), Status::Succeeded);
    assert_eq!(exec.output(), Some(&json(r#"{"e": "States.QueryEvaluationError", "in": {"k": 1}}"#)));
    assert_eq!(&types(&exec)[2..4], ["EvaluationFailed", "TaskStateExited"]);
}

#[test]
fn a_query_evaluation_error_can_be_retried() {
    let m = one_state(
        r#""Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Arguments": "{% $missing %}",
           "Retry": [{"ErrorEquals": ["States.QueryEvaluationError"], "MaxAttempts": 2, "IntervalSeconds": 1}], "End": true"#,
    );
    let mut exec = run(m, "{}");
    exec.advance_to(10_000);
    assert_eq!(exec.status(), Status::Failed);
    assert_eq!(types(&exec).iter().filter(|t| *t == "EvaluationFailed").count(), 3);
}

#[test]
fn choice_conditions_pick_the_rule_and_its_output() {
    let m = machine(
        r#"{"QueryLanguage": "JSONata", "StartAt": "C", "States": {
            "C": {"Type": "Choice", "Choices": [
                    {"Condition": "{% $states.input.n > 5 %}", "Next": "Big", "Output": "big"},
                    {"Condition": false, "Next": "Big"}],
                  "Default": "Small", "Output": "{% $states.input.n %}"},
            "Big": {"Type": "Succeed"}, "Small": {"Type": "Succeed"}}}"#,
    );
    assert_eq!(run(m.clone(), r#"{"n": 9}"#).output(), Some(&json(r#""big""#)));
    assert_eq!(run(m, r#"{"n": 1}"#).output(), Some(&json("1")));
}

#[test]
fn a_condition_that_is_not_a_boolean_fails() {
    let m = machine(
        r#"{"QueryLanguage": "JSONata", "StartAt": "C", "States": {
            "C": {"Type": "Choice", "Choices": [{"Condition": "{% $states.input %}", "Next": "D"}]},
            "D": {"Type": "Succeed"}}}"#,
    );
    let exec = run(m, r#""yes""#);
    assert_eq!(
        exec.failure().and_then(|f| f.error.clone()).map(|e| e.to_string()).as_deref(),
        Some("States.QueryEvaluationError")
    );
}

#[test]
fn a_map_iterates_its_items_with_the_item_in_the_context() {
    let m = one_state(
        r#""Type": "Map", "Items": "{% $states.input.xs %}", "MaxConcurrency": "{% 1 %}",
           "ItemSelector": {"v": "{% $states.context.Map.Item.Value %}", "i": "{% $states.context.Map.Item.Index %}"},
           "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "Output": "{% $states.input.v * 10 + $states.input.i %}", "End": true}}},
           "Output": "{% $sum($states.result) %}", "End": true"#,
    );
    let exec = run(m, r#"{"xs": [1, 2, 3]}"#);
    assert_eq!(exec.output(), Some(&json("63")));
}

#[test]
fn a_wait_waits_on_the_virtual_clock_and_now_reads_it() {
    let m = machine(
        r#"{"QueryLanguage": "JSONata", "StartAt": "W", "States": {
            "W": {"Type": "Wait", "Seconds": "{% $states.input.s %}", "Next": "T"},
            "T": {"Type": "Pass", "Output": {"now": "{% $now() %}", "ms": "{% $millis() %}"}, "End": true}}}"#,
    );
    let mut exec = run(m, r#"{"s": 90}"#);
    assert_eq!(exec.status(), Status::Running);
    exec.advance_to(90_000);
    assert_eq!(exec.output(), Some(&json(r#"{"now": "2026-01-01T00:01:30.000Z", "ms": 1767225690000}"#)));
}

#[test]
fn random_and_uuid_come_from_the_seed() {
    let m = one_state(r#""Type": "Pass", "Output": ["{% $random() %}", "{% $uuid() %}"], "End": true"#);
    let a = run(m.clone(), "{}").output().cloned();
    let b = run(m.clone(), "{}").output().cloned();
    assert_eq!(a, b, "the same seed, the same values");
    let other = Execution::start(m, json("{}"), StartOptions { seed: 2, ..StartOptions::default() });
    assert_ne!(other.output().cloned(), a, "another seed, other values");
}

#[test]
fn fail_error_and_cause_may_be_expressions() {
    let exec = run(
        one_state(
            r#""Type": "Fail", "Error": "{% 'E' & $states.input.n %}", "Cause": "{% $string($states.input) %}""#,
        ),
        r#"{"n": 1}"#,
    );
    let failure = exec.failure().unwrap();
    assert_eq!(failure.error.as_ref().map(|e| e.to_string()).as_deref(), Some("E1"));
    assert_eq!(failure.cause.as_deref(), Some(r#"{"n":1}"#));
}

#[test]
fn inner_states_default_to_the_machine_language() {
    // A JSONata Map in a JSONPath machine: its item processor is JSONPath.
    let m = machine(
        r#"{"StartAt": "M", "States": {"M": {"Type": "Map", "QueryLanguage": "JSONata", "Items": "{% [1, 2] %}",
            "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"v.$": "$"}, "End": true}}},
            "End": true}}}"#,
    );
    assert_eq!(run(m, "{}").output(), Some(&json(r#"[{"v": 1}, {"v": 2}]"#)));
}

#[test]
fn each_language_refuses_the_other_s_fields_and_says_what_to_write() {
    let text = r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {
        "A": {"Type": "Pass", "ResultPath": "$.x", "Next": "B"},
        "B": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {}, "Next": "C"},
        "C": {"Type": "Pass", "QueryLanguage": "JSONPath", "End": true}}}"#;
    let got = diagnostics(text);
    assert_eq!(
        got,
        [
            (Code::JsonPathFieldInJsonata, "\"$.x\"".to_string()),
            (Code::JsonPathFieldInJsonata, "\"Parameters\"".to_string()),
            (Code::QueryLanguageConflict, "\"JSONPath\"".to_string()),
        ]
    );
    let compiled = asl::compile(text);
    assert!(
        compiled.diagnostics()[1].message.ends_with("use Arguments"),
        "{}",
        compiled.diagnostics()[1].message
    );

    let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Output": 1, "End": true}}}"#;
    let compiled = asl::compile(text);
    assert_eq!(compiled.diagnostics()[0].code, Code::JsonataFieldInJsonPath);
    assert!(compiled.diagnostics()[0].message.contains("use ResultSelector, ResultPath and OutputPath"));
}

#[test]
fn a_syntax_error_is_located_at_its_character_in_the_string() {
    // The expression starts after `{% `; the `\n` and `é` before the error are one character
    // each in the string but more in the text.
    let text = "{\"QueryLanguage\": \"JSONata\", \"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\",\n  \"Output\": {\"x\": \"{% 'é\\n' & ) %}\"}, \"End\": true}}}";
    let compiled = asl::compile(text);
    let d = &compiled.diagnostics()[0];
    assert_eq!(d.code, Code::JsonataSyntax);
    assert_eq!(d.pointer, "/States/A/Output/x");
    let span = d.span.unwrap();
    assert_eq!(&text[span.start..span.end], ")");
    assert_eq!((span.line, span.column), (2, 31));
    assert!(d.message.contains("S0211") || d.message.contains("S02"), "{}", d.message);
}

#[test]
fn callback_lints_apply_to_jsonata_tasks() {
    let text = r#"{"QueryLanguage": "JSONata", "StartAt": "T", "States": {"T": {"Type": "Task",
        "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Arguments": {"QueueUrl": "q", "MessageBody": "{% $states.input %}"}, "End": true}}}"#;
    let codes: Vec<Code> = asl::compile(text).diagnostics().iter().map(|d| d.code).collect();
    assert_eq!(codes, [Code::TokenNotPassed, Code::CallbackWithoutTimeout]);
    let passing = text.replace("{% $states.input %}", "{% $states.context.Task.Token %}");
    let codes: Vec<Code> = asl::compile(&passing).diagnostics().iter().map(|d| d.code).collect();
    assert_eq!(codes, [Code::CallbackWithoutTimeout]);
}

#[test]
fn states_members_outside_their_fields_are_warned_about() {
    let text = r#"{"QueryLanguage": "JSONata", "StartAt": "T", "States": {"T": {"Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke", "Arguments": "{% $states.result %}",
        "Output": "{% $states.result %}", "End": true}}}"#;
    let got = diagnostics(text);
    assert_eq!(got, [(Code::StatesMemberUnavailable, "\"{% $states.result %}\"".to_string())]);
    assert_eq!(asl::compile(text).diagnostics()[0].pointer, "/States/T/Arguments");
}

#[test]
fn diagnostics_render_like_the_cli() {
    let text = "{\"QueryLanguage\": \"JSONata\", \"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\",\n  \"Output\": \"{% $states.input.a + %}\", \"InputPath\": \"$.a\", \"End\": true}}}";
    let compiled = asl::compile(text);
    let rendered: Vec<String> =
        compiled.diagnostics().iter().map(|d| asl::source::render("def.json", text, d)).collect();
    insta::assert_snapshot!(rendered.join("\n"));
}

#[test]
fn the_state_s_assign_applies_whichever_way_and_a_rule_s_goes_on_top() {
    // AWS's Choice documentation; the rule's value winning for the same name is recorded
    // (test_assign_in_choice[CONDITION_TRUE]).
    let m = machine(
        r#"{"QueryLanguage": "JSONata", "StartAt": "C", "States": {
            "C": {"Type": "Choice", "Choices": [{"Condition": "{% $states.input.go %}", "Next": "D", "Assign": {"v": 2, "w": 2}}],
                  "Default": "D", "Output": "{% $states.input.go %}", "Assign": {"v": 1}},
            "D": {"Type": "Pass", "Output": {"in": "{% $states.input %}", "v": "{% $v %}", "w": "{% $exists($w) %}"}, "End": true}}}"#,
    );
    assert_eq!(run(m.clone(), r#"{"go": true}"#).output(), Some(&json(r#"{"in": true, "v": 2, "w": true}"#)));
    assert_eq!(run(m, r#"{"go": false}"#).output(), Some(&json(r#"{"in": false, "v": 1, "w": false}"#)));
}

#[test]
fn map_counts_may_read_the_context() {
    let m = one_state(
        r#""Type": "Map", "Items": [1, 2], "MaxConcurrency": "{% $states.context.Execution.Input.c %}",
           "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true"#,
    );
    assert_eq!(run(m, r#"{"c": 1}"#).output(), Some(&json("[1, 2]")));
}
