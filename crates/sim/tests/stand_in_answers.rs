//! Unscripted integrations answer with the fields the next state most likely reads, so that a
//! real definition runs through without a scenario (crates/sim/src/integrations/stand_in.rs).

use sim::Scenario;

/// Runs a definition with no responders, only an input; it must succeed. Returns its output.
fn run(definition: &str, input: &str) -> serde_json::Value {
    let definition = asl::Value::parse(definition).expect("test definition");
    let scenario = Scenario::from_json_value(
        &serde_json::json!({ "input": serde_json::from_str::<serde_json::Value>(input).unwrap() }),
    )
    .expect("scenario");
    let report = sim::run(&definition, &scenario).unwrap_or_else(|d| panic!("rejected: {d:?}"));
    assert_eq!(report.status, sim::Status::Succeeded, "{:?} {:?}", report.error, report.cause);
    report.output.map(|v| serde_json::from_str(&v.to_json()).unwrap()).unwrap_or_default()
}

/// One Task state, its result kept under `$.result`.
fn one_task(resource: &str, parameters: &str) -> String {
    format!(
        r#"{{"StartAt": "T", "States": {{"T": {{"Type": "Task", "Resource": "{resource}",
            "Parameters": {parameters}, "ResultPath": "$.result", "End": true}}}}}}"#
    )
}

#[test]
fn lambda_invoke_echoes_its_payload_and_the_next_state_reads_it() {
    let definition = r#"{"StartAt": "Score", "States": {
        "Score": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
          "Parameters": {"FunctionName": "score", "Payload": {"orderId.$": "$.orderId"}},
          "ResultSelector": {"orderId.$": "$.Payload.orderId", "status.$": "$.StatusCode"}, "Next": "Check"},
        "Check": {"Type": "Choice", "Choices": [{"Variable": "$.orderId", "StringEquals": "o-1", "Next": "Done"}],
          "Default": "Fail"},
        "Done": {"Type": "Succeed"}, "Fail": {"Type": "Fail"}}}"#;
    let output = run(definition, r#"{"orderId": "o-1"}"#);
    assert_eq!(output, serde_json::json!({"orderId": "o-1", "status": 200}));
    // Without a Payload the function receives, and so returns, `{}`.
    let output = run(&one_task("arn:aws:states:::lambda:invoke", r#"{"FunctionName": "f"}"#), "{}");
    assert_eq!(output["result"]["Payload"], serde_json::json!({}));
    assert_eq!(output["result"]["ExecutedVersion"], "$LATEST");
}

#[test]
fn a_lambda_function_arn_or_placeholder_echoes_its_input() {
    let definition =
        r#"{"StartAt": "Fn", "States": {"Fn": {"Type": "Task", "Resource": "${FnArn}", "End": true}}}"#;
    let output = run(definition, r#"{"a": [1, 2]}"#);
    assert_eq!(output, serde_json::json!({"a": [1, 2]}));
}

#[test]
fn start_execution_sync_ends_with_output_as_text_and_sync_2_as_json() {
    let params = r#"{"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:Child", "Input": {"n.$": "$.n"}}"#;
    let out = run(&one_task("arn:aws:states:::states:startExecution.sync", params), r#"{"n": 7}"#);
    let result = &out["result"];
    assert_eq!(result["Output"], serde_json::json!(r#"{"n":7}"#));
    assert_eq!(result["Input"], result["Output"]);
    assert_eq!(result["Status"], "SUCCEEDED");
    assert_eq!(result["StateMachineArn"], "arn:aws:states:us-east-1:123456789012:stateMachine:Child");
    assert!(result["ExecutionArn"]
        .as_str()
        .unwrap()
        .starts_with("arn:aws:states:us-east-1:123456789012:execution:Child:"));

    let out = run(&one_task("arn:aws:states:::states:startExecution.sync:2", params), r#"{"n": 7}"#);
    assert_eq!(out["result"]["Output"], serde_json::json!({"n": 7}));
    // A definition reading a field of the child's output, as published ones do with `.sync:2`.
    let reads_output = r#"{"StartAt": "Child", "States": {"Child": {"Type": "Task",
        "Resource": "arn:aws:states:us-east-1:123456789012:states:startExecution.sync:2",
        "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:Child", "Input": {"n.$": "$.n"}},
        "OutputPath": "$.Output.n", "End": true}}}"#;
    assert_eq!(run(reads_output, r#"{"n": 7}"#), serde_json::json!(7));
}

#[test]
fn aws_sdk_and_optimised_calls_answer_with_their_api_shapes() {
    let table: &[(&str, &str, &[&str])] = &[
        (
            "arn:aws:states:::aws-sdk:s3:getObject",
            r#"{"Bucket": "b", "Key": "k"}"#,
            &["Body", "ContentLength", "ETag", "LastModified"],
        ),
        (
            "arn:aws:states:us-east-1:123456789012:aws-sdk:s3:getObject",
            r#"{"Bucket": "b", "Key": "k"}"#,
            &["Body"],
        ),
        ("arn:aws:states:::aws-sdk:s3:putObject", r#"{"Bucket": "b", "Key": "k", "Body": "x"}"#, &["ETag"]),
        (
            "arn:aws:states:::aws-sdk:s3:listObjectsV2",
            r#"{"Bucket": "b"}"#,
            &["Contents", "KeyCount", "IsTruncated"],
        ),
        (
            "arn:aws:states:::aws-sdk:dynamodb:getItem",
            r#"{"TableName": "t", "Key": {"id": {"S": "1"}}}"#,
            &["Item"],
        ),
        ("arn:aws:states:::aws-sdk:dynamodb:query", r#"{"TableName": "t"}"#, &["Count", "Items"]),
        (
            "arn:aws:states:::aws-sdk:sqs:sendMessage",
            r#"{"QueueUrl": "q", "MessageBody": "m"}"#,
            &["MessageId", "MD5OfMessageBody"],
        ),
        ("arn:aws:states:::aws-sdk:sns:publish", r#"{"TopicArn": "t", "Message": "m"}"#, &["MessageId"]),
        (
            "arn:aws:states:::aws-sdk:sfn:startExecution",
            r#"{"StateMachineArn": "arn:aws:states:us-east-1:1:stateMachine:C"}"#,
            &["ExecutionArn", "StartDate"],
        ),
        (
            "arn:aws:states:::aws-sdk:ecs:runTask",
            r#"{"Cluster": "c", "TaskDefinition": "td"}"#,
            &["Tasks", "Failures"],
        ),
        (
            "arn:aws:states:::dynamodb:getItem",
            r#"{"TableName": "t", "Key": {"id": {"S": "1"}}}"#,
            &["Item", "SdkHttpMetadata"],
        ),
        (
            "arn:aws:states:::dynamodb:putItem",
            r#"{"TableName": "t", "Item": {"id": {"S": "1"}}}"#,
            &["SdkHttpMetadata"],
        ),
        (
            "arn:aws:states:::sqs:sendMessage",
            r#"{"QueueUrl": "q", "MessageBody": "m"}"#,
            &["MessageId", "SdkHttpMetadata"],
        ),
        ("arn:aws:states:::sns:publish", r#"{"TopicArn": "t", "Message": "m"}"#, &["MessageId"]),
        ("arn:aws:states:::ecs:runTask", r#"{"Cluster": "c", "TaskDefinition": "td"}"#, &["Tasks"]),
        ("arn:aws:states:::ecs:runTask.sync", r#"{"Cluster": "c", "TaskDefinition": "td"}"#, &["Tasks"]),
        (
            "arn:aws:states:::batch:submitJob",
            r#"{"JobName": "j", "JobQueue": "q", "JobDefinition": "d"}"#,
            &["JobId", "JobArn", "JobName"],
        ),
        (
            "arn:aws:states:::batch:submitJob.sync",
            r#"{"JobName": "j", "JobQueue": "q", "JobDefinition": "d"}"#,
            &["JobId", "Status", "Container"],
        ),
    ];
    for (resource, params, fields) in table {
        let out = run(&one_task(resource, params), "{}");
        for field in *fields {
            assert!(out["result"].get(field).is_some(), "{resource}: no {field} in {}", out["result"]);
        }
        // The aws-sdk integrations carry no SDK metadata, as AWS's recordings show.
        if resource.contains("aws-sdk") {
            assert!(out["result"].get("SdkHttpMetadata").is_none(), "{resource}");
        }
    }
    let out = run(
        &one_task(
            "arn:aws:states:::aws-sdk:dynamodb:getItem",
            r#"{"TableName": "t", "Key": {"id": {"S": "1"}}}"#,
        ),
        "{}",
    );
    assert_eq!(out["result"], serde_json::json!({"Item": {"id": {"S": "1"}}}));
    let out = run(
        &one_task(
            "arn:aws:states:::ecs:runTask.sync",
            r#"{"Cluster": "arn:aws:ecs:us-east-1:1:cluster/c", "TaskDefinition": "td"}"#,
        ),
        "{}",
    );
    let task = &out["result"]["Tasks"][0];
    assert_eq!(
        (task["LastStatus"].as_str(), task["Containers"][0]["ExitCode"].as_i64()),
        (Some("STOPPED"), Some(0))
    );
    let out = run(
        &one_task(
            "arn:aws:states:::batch:submitJob.sync",
            r#"{"JobName": "j", "JobQueue": "q", "JobDefinition": "d"}"#,
        ),
        "{}",
    );
    assert_eq!(out["result"]["Status"], "SUCCEEDED");
    // An API Baton has no shape for answers `{}`.
    let out =
        run(&one_task("arn:aws:states:::aws-sdk:kms:encrypt", r#"{"KeyId": "k", "Plaintext": "p"}"#), "{}");
    assert_eq!(out["result"], serde_json::json!({}));
}

#[test]
fn a_scripted_answer_still_wins() {
    let definition = asl::Value::parse(&one_task(
        "arn:aws:states:::lambda:invoke",
        r#"{"FunctionName": "f", "Payload": {"a": 1}}"#,
    ))
    .unwrap();
    let scenario = Scenario::from_json_value(
        &serde_json::json!({"responders": {"T": [{"return": {"Payload": "scripted"}}]}}),
    )
    .expect("scenario");
    let report = sim::run(&definition, &scenario).unwrap();
    let output = report.output.unwrap().to_json();
    assert!(output.contains(r#""result":{"Payload":"scripted"}"#), "{output}");
}
