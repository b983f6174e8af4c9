//! What published definitions write and AWS accepts: `.[` in paths, region-qualified and
//! other-partition integration ARNs, and `Resource` fields still holding template placeholders.

use std::rc::Rc;

use asl::diagnostic::Code;
use asl::exec::{Execution, Outcome, StartOptions, Status};
use asl::model::{Pattern, ResourceKind, StateKind};
use asl::Value;

/// The diagnostics of a definition, as (code, message, is_error).
fn diagnostics(json: &str) -> Vec<(Code, String, bool)> {
    asl::compile(json).diagnostics().iter().map(|d| (d.code, d.message.clone(), d.is_error())).collect()
}

fn machine(json: &str) -> Rc<asl::model::StateMachine> {
    let (machine, diags) = asl::load(&Value::parse(json).unwrap());
    machine.map(Rc::new).unwrap_or_else(|| panic!("invalid test definition: {diags:?}"))
}

#[test]
fn a_dot_before_a_bracket_is_accepted_everywhere_a_path_is_read() {
    // InputPath, a `.$` template path, an intrinsic argument, ResultSelector, ResultPath,
    // ItemsPath, a Choice Variable and a *Path comparator: each with `.[`.
    let json = r#"{"StartAt": "Pick", "States": {
        "Pick": {"Type": "Pass", "InputPath": "$.Snapshots.[0]",
          "Parameters": {"state.$": "$.State", "first.$": "States.StringToJson($.Bodies.[0].body)", "all.$": "$.Bodies.[?(@.n > 0)]"},
          "ResultPath": "$.picked.[0]", "Next": "Check"},
        "Check": {"Type": "Choice", "Choices": [
          {"Variable": "$.picked.[0].state", "StringEqualsPath": "$.picked.[0].state", "Next": "Each"}],
          "Default": "Each"},
        "Each": {"Type": "Map", "ItemsPath": "$.picked.[0].all", "ItemProcessor": {"StartAt": "I",
          "States": {"I": {"Type": "Pass", "End": true}}}, "ResultSelector": {"n.$": "$.[0].n"}, "ResultPath": "$.mapped", "End": true}}}"#;
    assert_eq!(diagnostics(json), []);
    let input = r#"{"Snapshots": [{"State": "completed", "Bodies": [{"body": "{\"n\": 1}", "n": 1}, {"n": 0}]}],
        "picked": [{}]}"#;
    let exec = Execution::start(machine(json), Value::parse(input).unwrap(), StartOptions::default());
    assert_eq!(exec.status(), Status::Succeeded, "{:?}", exec.history().last());
    let out = exec.output().map(Value::to_json).unwrap_or_default();
    assert!(out.contains(r#""state":"completed""#) && out.contains(r#""first":{"n":1}"#), "{out}");
    assert!(out.contains(r#""mapped":{"n":1}"#), "{out}");
}

#[test]
fn region_qualified_and_other_partition_integrations_are_recognised() {
    let json = r#"{"StartAt": "Get", "States": {
        "Get": {"Type": "Task", "Resource": "arn:aws:states:us-east-1:123456789012:aws-sdk:s3:getObject",
          "Parameters": {"Bucket": "b", "Key": "k"}, "Next": "Ask"},
        "Ask": {"Type": "Task", "Resource": "arn:aws-us-gov:states:us-gov-west-1:123456789012:lambda:invoke.waitForTaskToken",
          "Parameters": {"FunctionName": "f"}, "Next": "Cn"},
        "Cn": {"Type": "Task", "Resource": "arn:aws-cn:states:::sqs:sendMessage", "Parameters": {"QueueUrl": "q", "MessageBody": "m"}, "End": true}}}"#;
    let codes: Vec<Code> = diagnostics(json).into_iter().map(|d| d.0).collect();
    // No unknown-resource; the callback lints see the `.waitForTaskToken` suffix.
    assert_eq!(codes, [Code::TokenNotPassed, Code::CallbackWithoutTimeout]);
    let m = machine(json);
    let task = |name: &str| match &m.graph.state(name).unwrap().kind {
        StateKind::Task(t) => t.resource.clone(),
        _ => panic!("{name} is a Task"),
    };
    let get = task("Get");
    assert_eq!((get.kind, &*get.service, &*get.action), (ResourceKind::Service, "aws-sdk:s3", "getObject"));
    let ask = task("Ask");
    assert_eq!((&*ask.service, ask.pattern), ("lambda", Pattern::WaitForTaskToken));
    assert_eq!(&*task("Cn").service, "sqs");
}

#[test]
fn a_placeholder_resource_is_one_warning_and_still_runs() {
    let json = r#"{"StartAt": "Fn", "States": {
        "Fn": {"Type": "Task", "Resource": "${FnArn}", "Next": "Batch"},
        "Batch": {"Type": "Task", "Resource": "arn:${AWS::Partition}:states:::batch:submitJob.sync",
          "Parameters": {"JobName": "j", "JobQueue": "${JobQueueArn}", "JobDefinition": "${JobDefinitionArn}"}, "Next": "Queue"},
        "Queue": {"Type": "Task", "Resource": "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:sqs:sendMessage.waitForTaskToken",
          "Parameters": {"QueueUrl": "${QueueUrl}", "MessageBody": {"token.$": "$$.Task.Token"}}, "TimeoutSeconds": 60, "End": true}}}"#;
    let diags = diagnostics(json);
    assert!(diags.iter().all(|d| d.0 == Code::ResourcePlaceholder && !d.2), "{diags:?}");
    let messages: Vec<&str> = diags.iter().map(|d| d.1.as_str()).collect();
    assert_eq!(
        messages,
        [
            "'Resource' still holds the template placeholder ${FnArn}, which AWS accepts only once substituted; Baton reads it as the Lambda function arn:aws:lambda:us-east-1:123456789012:function:FnArn",
            "'Resource' still holds the template placeholder ${AWS::Partition}, which AWS accepts only once substituted; Baton reads it as arn:aws:states:::batch:submitJob.sync",
            "'Resource' still holds the template placeholders ${AWS::Partition}, ${AWS::Region}, ${AWS::AccountId}, which AWS accepts only once substituted; Baton reads it as arn:aws:states:us-east-1:123456789012:sqs:sendMessage.waitForTaskToken",
        ]
    );
    // A placeholder the rest cannot place is still a warning, not an unknown integration.
    let unknown = diagnostics(
        r#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "${var.x}:run", "End": true}}}"#,
    );
    assert_eq!(unknown.len(), 1);
    assert_eq!(unknown[0].0, Code::ResourcePlaceholder);
    assert!(unknown[0]
        .1
        .ends_with("Baton cannot tell which integration it names, so the scenario's responders answer it"));
    // A Resource that is no ARN and no template is still refused.
    let refused = diagnostics(
        r#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "MyFunction", "End": true}}}"#,
    );
    assert!(refused.iter().any(|d| d.0 == Code::WrongValue && d.2), "{refused:?}");

    // It runs: the Lambda function is invoked, the Batch job runs as `.sync`, the queue waits.
    let mut exec = Execution::start(machine(json), Value::parse("{}").unwrap(), StartOptions::default());
    let effects = exec.take_effects();
    assert_eq!(&*effects[0].resource.arn, "arn:aws:lambda:us-east-1:123456789012:function:FnArn");
    exec.resolve(effects[0].invocation, Outcome::Return(Value::parse("{}").unwrap()));
    // `.sync` takes two answers: the immediate response, then the job's result.
    let effects = exec.take_effects();
    assert_eq!(effects[0].resource.pattern, Pattern::Sync);
    exec.resolve(effects[0].invocation, Outcome::Return(Value::parse("{}").unwrap()));
    exec.resolve(effects[0].invocation, Outcome::Return(Value::parse("{}").unwrap()));
    let effects = exec.take_effects();
    assert_eq!(effects[0].resource.pattern, Pattern::WaitForTaskToken);
    assert!(effects[0].token.is_some());
    assert_eq!(exec.status(), Status::Running);
    let history = exec.history().iter().map(|e| e.kind.type_name()).collect::<Vec<_>>();
    assert_eq!(history[2], "LambdaFunctionScheduled", "{history:?}");
}
