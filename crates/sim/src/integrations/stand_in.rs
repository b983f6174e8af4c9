//! Stand-in answers: what an integration answers when nobody scripted it.
//!
//! They are shaped like AWS's responses (the conformance corpus's recordings where there is one),
//! so that the next state finds the fields it most likely reads. What they hold is invented, and
//! chosen so that a workflow runs on and the data it passes along stays recognisable:
//!
//! - A Lambda function echoes the event it receives. `lambda:invoke` answers with its response
//!   (`ExecutedVersion`, `Payload`, `StatusCode` and the SDK metadata) whose `Payload` is the
//!   `Payload` parameter (`{}` without one); a function ARN answers with its input. The immediate
//!   answer of `lambda:invoke.waitForTaskToken` has `Payload: null`: the callback is the answer.
//! - A child execution passes its input through: `states:startExecution.sync` ends with `Output`
//!   equal to its `Input`, both JSON strings as AWS gives them; `.sync:2` gives both as JSON.
//! - DynamoDB `getItem` finds an item that holds only its `Key`; `putItem`, `updateItem` and
//!   `deleteItem` return no attributes; `query` and `scan` find nothing.
//! - S3 `getObject` finds an empty object (`Body: ""`); `putObject` answers with the ETag of what
//!   it stored; `listObjectsV2` lists nothing.
//! - A job (`ecs:runTask.sync`, `batch:submitJob.sync`) succeeds at once, with exit code 0.
//! - SQS, SNS and EventBridge answer with fresh message and event ids.
//! - Anything else answers `{}`.

use asl::model::{Pattern, Resource, ResourceKind};
use asl::Value;
use md5::Digest;

/// Region and account in invented ARNs: the execution's defaults (`asl::exec::StartOptions`).
const REGION: &str = "us-east-1";
const ACCOUNT: &str = "123456789012";
const JSON_1_0: &str = "application/x-amz-json-1.0";

/// Ids and dates for a response nobody scripted: drawn from the world's own seeded source.
pub struct ResponseIds<'a> {
    pub rng: &'a mut asl::rng::Rng,
    /// Wall-clock milliseconds since the Unix epoch, for the `Date` header.
    pub epoch_ms: u64,
}

/// One answer in the making: its request id and date, and the source of further ids.
struct Answer<'a> {
    rng: &'a mut asl::rng::Rng,
    request_id: String,
    date: String,
    epoch_ms: u64,
}

impl Answer<'_> {
    fn uuid(&mut self) -> String {
        self.rng.uuid_v4()
    }

    /// An optimised integration's response: its fields, then `SdkHttpMetadata` and
    /// `SdkResponseMetadata`, as the recordings show them. (aws-sdk integrations have no metadata.)
    fn with_metadata(&self, fields: Vec<(&str, Value)>, content_type: &str) -> Value {
        let length = Value::from_pairs(fields.iter().cloned()).json_len().to_string();
        let mut all = fields;
        all.push(("SdkHttpMetadata", http_metadata(&self.request_id, &self.date, content_type, &length)));
        all.push((
            "SdkResponseMetadata",
            Value::from_pairs([("RequestId", Value::from(self.request_id.clone()))]),
        ));
        Value::from_pairs(all)
    }
}

/// The immediate response of an integration nobody scripted: a request-response task's result,
/// or what a callback or `.sync` task's submission answers (`TaskSubmitted`).
pub fn default_response(resource: &Resource, parameters: &Value, ids: ResponseIds) -> Value {
    let request_id = ids.rng.uuid_v4();
    let date = asl::history::iso8601(ids.epoch_ms);
    let mut a = Answer { rng: ids.rng, request_id, date, epoch_ms: ids.epoch_ms };
    let api = api_name(resource);
    let service = &*resource.service;
    match resource.kind {
        ResourceKind::LambdaFunction => return parameters.clone(),
        ResourceKind::Service => {}
        ResourceKind::Activity | ResourceKind::Unknown => return Value::empty_object(),
    }
    if let Some(sdk_service) = service.strip_prefix("aws-sdk:") {
        return sdk_response(sdk_service, api, parameters, &mut a);
    }
    match (service, api) {
        ("sqs", _) => {
            let sent = sqs_sent(parameters, &mut a);
            a.with_metadata(sent, JSON_1_0)
        }
        ("sns", _) => {
            let id = a.uuid();
            a.with_metadata(vec![("MessageId", Value::from(id))], "text/xml")
        }
        ("lambda", _) => {
            let payload = match resource.pattern {
                Pattern::WaitForTaskToken => Value::Null,
                _ => parameters.get("Payload").cloned().unwrap_or_else(Value::empty_object),
            };
            let mut v = a.with_metadata(
                vec![("ExecutedVersion", Value::from("$LATEST")), ("Payload", payload)],
                "application/json",
            );
            if let Value::Object(map) = &mut v {
                std::rc::Rc::make_mut(map).insert("StatusCode".into(), Value::from_i64(200));
            }
            v
        }
        ("events", _) => events_put(&mut a),
        ("states", _) => {
            let machine = parameters.get("StateMachineArn").and_then(Value::as_str).unwrap_or("child");
            let machine_name = machine.rsplit(':').next().unwrap_or("child");
            let name = parameters.get("Name").and_then(Value::as_str).map_or_else(|| a.uuid(), String::from);
            let arn = format!("arn:aws:states:{REGION}:{ACCOUNT}:execution:{machine_name}:{name}");
            a.with_metadata(
                vec![("ExecutionArn", Value::from(arn)), ("StartDate", Value::from(a.date.clone()))],
                JSON_1_0,
            )
        }
        ("dynamodb", "getItem") => a.with_metadata(item_of_key(parameters), JSON_1_0),
        ("dynamodb", _) => a.with_metadata(vec![], JSON_1_0),
        ("ecs", "runTask") => {
            let task = ecs_task(parameters, &mut a);
            a.with_metadata(
                vec![("Failures", Value::array(vec![])), ("Tasks", Value::array(vec![task]))],
                JSON_1_0,
            )
        }
        ("batch", "submitJob") => {
            let id = a.uuid();
            let name = parameters.get("JobName").and_then(Value::as_str).unwrap_or("job").to_string();
            a.with_metadata(
                vec![
                    ("JobArn", Value::from(format!("arn:aws:batch:{REGION}:{ACCOUNT}:job/{id}"))),
                    ("JobId", Value::from(id)),
                    ("JobName", Value::from(name)),
                ],
                JSON_1_0,
            )
        }
        _ => Value::empty_object(),
    }
}

/// What a `.sync` task nobody scripted ends with, after its `submitted` response: the finished
/// job as AWS describes it [INF for ecs and batch: the shapes of their Describe* APIs, whose
/// recordings the corpus lacks]. Any other `.sync` integration ends with its submission.
pub fn default_job_result(
    resource: &Resource,
    parameters: &Value,
    submitted: &Value,
    epoch_ms: u64,
) -> Value {
    let date = Value::from(asl::history::iso8601(epoch_ms));
    let from_submission = |key: &str| submitted.get(key).cloned().unwrap_or(Value::Null);
    match (&*resource.service, api_name(resource)) {
        ("states", "startExecution") => {
            // The child passes its input through. `.sync` gives Input and Output as JSON text,
            // `.sync:2` as JSON (recorded: test_start_execution_sync, test_start_execution_sync2).
            let as_json = resource.action.ends_with(":2");
            let input = match parameters.get("Input") {
                None | Some(Value::Null) => Value::empty_object(),
                Some(Value::String(text)) if as_json => {
                    Value::parse(text).unwrap_or_else(|_| Value::string(text.clone()))
                }
                Some(v @ Value::String(_)) => v.clone(),
                Some(v) if as_json => v.clone(),
                Some(v) => Value::from(v.to_json()),
            };
            let input = match (&input, as_json) {
                (Value::Object(_), false) => Value::from(input.to_json()),
                _ => input,
            };
            let arn = from_submission("ExecutionArn");
            let name = arn.as_str().and_then(|a| a.rsplit(':').next()).unwrap_or("child").to_string();
            let machine = parameters.get("StateMachineArn").cloned().unwrap_or_else(|| {
                Value::from(format!("arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:child"))
            });
            let included = || Value::from_pairs([("Included", Value::from(true))]);
            Value::from_pairs([
                ("ExecutionArn", arn),
                ("Input", input.clone()),
                ("InputDetails", included()),
                ("Name", Value::from(name)),
                ("Output", input),
                ("OutputDetails", included()),
                ("StartDate", from_submission("StartDate")),
                ("StateMachineArn", machine),
                ("Status", Value::from("SUCCEEDED")),
                ("StopDate", date),
            ])
        }
        ("ecs", "runTask") => {
            let stopped = |task: &Value| {
                let Value::Object(map) = task else { return task.clone() };
                let mut map = map.clone();
                let m = std::rc::Rc::make_mut(&mut map);
                let container = Value::from_pairs([
                    ("ExitCode", Value::from_i64(0)),
                    ("LastStatus", Value::from("STOPPED")),
                ]);
                m.insert("Containers".into(), Value::array(vec![container]));
                m.insert("DesiredStatus".into(), Value::from("STOPPED"));
                m.insert("LastStatus".into(), Value::from("STOPPED"));
                m.insert("StopCode".into(), Value::from("EssentialContainerExited"));
                m.insert("StoppedAt".into(), date.clone());
                m.insert("StoppedReason".into(), Value::from("Essential container in task exited"));
                Value::Object(map)
            };
            let tasks = submitted.get("Tasks").and_then(Value::as_array).unwrap_or_default();
            Value::from_pairs([
                ("Failures", Value::array(vec![])),
                ("Tasks", Value::array(tasks.iter().map(stopped).collect())),
            ])
        }
        ("batch", "submitJob") => {
            let millis = Value::from_i64(i64::try_from(epoch_ms).unwrap_or(i64::MAX));
            let param = |key: &str| parameters.get(key).cloned().unwrap_or(Value::Null);
            Value::from_pairs([
                ("Attempts", Value::array(vec![])),
                ("Container", Value::from_pairs([("ExitCode", Value::from_i64(0))])),
                ("CreatedAt", millis.clone()),
                ("JobArn", from_submission("JobArn")),
                ("JobDefinition", param("JobDefinition")),
                ("JobId", from_submission("JobId")),
                ("JobName", from_submission("JobName")),
                ("JobQueue", param("JobQueue")),
                ("StartedAt", millis.clone()),
                ("Status", Value::from("SUCCEEDED")),
                ("StoppedAt", millis),
            ])
        }
        _ => submitted.clone(),
    }
}

/// The API an integration calls: its action without the `.sync` / `.waitForTaskToken` suffix.
fn api_name(resource: &Resource) -> &str {
    resource.action.split('.').next().unwrap_or_default()
}

/// An `arn:aws:states:::aws-sdk:SERVICE:API` response: the API's own response shape, without
/// SDK metadata (as recorded for s3, dynamodb, sfn and secretsmanager).
fn sdk_response(service: &str, api: &str, parameters: &Value, a: &mut Answer) -> Value {
    let param = |key: &str| parameters.get(key).cloned();
    let fields: Vec<(&str, Value)> = match (service, api) {
        // An empty object, as recorded for test_s3_get_object__empty_str.
        ("s3", "getObject") => vec![
            ("AcceptRanges", Value::from("bytes")),
            ("ContentLength", Value::from_i64(0)),
            ("ContentType", Value::from("binary/octet-stream")),
            ("ETag", Value::from(format!("\"{}\"", md5_hex("")))),
            ("LastModified", Value::from(a.date.clone())),
            ("Metadata", Value::empty_object()),
            ("ServerSideEncryption", Value::from("AES256")),
            ("Body", Value::from("")),
        ],
        ("s3", "putObject") => {
            let body = match param("Body") {
                Some(Value::String(s)) => s.to_string(),
                Some(other) => other.to_json(),
                None => String::new(),
            };
            vec![
                ("ETag", Value::from(format!("\"{}\"", md5_hex(&body)))),
                ("ServerSideEncryption", Value::from("AES256")),
            ]
        }
        ("s3", "listObjectsV2") => vec![
            ("Contents", Value::array(vec![])),
            ("IsTruncated", Value::from(false)),
            ("KeyCount", Value::from_i64(0)),
            ("MaxKeys", Value::from_i64(1000)),
            ("Name", param("Bucket").unwrap_or(Value::Null)),
            ("Prefix", param("Prefix").unwrap_or_else(|| Value::from(""))),
        ],
        ("dynamodb", "getItem") => item_of_key(parameters),
        ("dynamodb", "query" | "scan") => vec![
            ("Count", Value::from_i64(0)),
            ("Items", Value::array(vec![])),
            ("ScannedCount", Value::from_i64(0)),
        ],
        ("sqs", "sendMessage") => sqs_sent(parameters, a),
        ("sns", "publish") => vec![("MessageId", Value::from(a.uuid()))],
        ("eventbridge", "putEvents") => return events_put(a),
        ("sfn", "startExecution") => {
            let machine = parameters.get("StateMachineArn").and_then(Value::as_str).unwrap_or("child");
            let machine_name = machine.rsplit(':').next().unwrap_or("child").to_string();
            let name = parameters.get("Name").and_then(Value::as_str).map_or_else(|| a.uuid(), String::from);
            vec![
                (
                    "ExecutionArn",
                    Value::from(format!("arn:aws:states:{REGION}:{ACCOUNT}:execution:{machine_name}:{name}")),
                ),
                ("StartDate", Value::from(a.date.clone())),
            ]
        }
        ("ecs", "runTask") => {
            vec![("Failures", Value::array(vec![])), ("Tasks", Value::array(vec![ecs_task(parameters, a)]))]
        }
        _ => vec![],
    };
    Value::from_pairs(fields)
}

/// `Item` for a DynamoDB `getItem`: an item holding only its key, so `$.Item.id.S` is there.
fn item_of_key(parameters: &Value) -> Vec<(&'static str, Value)> {
    match parameters.get("Key") {
        Some(key @ Value::Object(_)) => vec![("Item", key.clone())],
        _ => vec![],
    }
}

/// SQS `sendMessage`'s answer: the MD5 of the body as sent and a message id.
fn sqs_sent(parameters: &Value, a: &mut Answer) -> Vec<(&'static str, Value)> {
    // SQS receives MessageBody as text: an object is sent as its JSON.
    let message = match parameters.get("MessageBody") {
        Some(Value::String(s)) => s.to_string(),
        Some(other) => other.to_json(),
        None => String::new(),
    };
    vec![("MD5OfMessageBody", Value::from(md5_hex(&message))), ("MessageId", Value::from(a.uuid()))]
}

fn events_put(a: &mut Answer) -> Value {
    Value::from_pairs([
        ("Entries", Value::array(vec![Value::from_pairs([("EventId", Value::from(a.uuid()))])])),
        ("FailedEntryCount", Value::from_i64(0)),
    ])
}

/// An ECS task just started by `runTask` [INF: the fields of ECS's `Task` that workflows read].
fn ecs_task(parameters: &Value, a: &mut Answer) -> Value {
    let text =
        |key: &str, default: &str| parameters.get(key).and_then(Value::as_str).unwrap_or(default).to_string();
    let cluster = text("Cluster", "default");
    let cluster_name = cluster.rsplit('/').next().unwrap_or("default").to_string();
    let definition = text("TaskDefinition", "task");
    let definition_arn = match definition.starts_with("arn:") {
        true => definition,
        false => format!("arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/{definition}"),
    };
    let id = a.uuid().replace('-', "");
    Value::from_pairs([
        ("ClusterArn", Value::from(format!("arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/{cluster_name}"))),
        ("Containers", Value::array(vec![])),
        ("CreatedAt", Value::from_i64(i64::try_from(a.epoch_ms).unwrap_or(i64::MAX))),
        ("DesiredStatus", Value::from("RUNNING")),
        ("LastStatus", Value::from("PROVISIONING")),
        ("LaunchType", Value::from(text("LaunchType", "FARGATE"))),
        ("TaskArn", Value::from(format!("arn:aws:ecs:{REGION}:{ACCOUNT}:task/{cluster_name}/{id}"))),
        ("TaskDefinitionArn", Value::from(definition_arn)),
    ])
}

fn md5_hex(text: &str) -> String {
    md5::Md5::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// `SdkHttpMetadata` as AWS's service integrations report it.
fn http_metadata(request_id: &str, date: &str, content_type: &str, length: &str) -> Value {
    let text = |s: &str| Value::from(s.to_string());
    Value::from_pairs([
        (
            "AllHttpHeaders",
            Value::from_pairs([
                ("x-amzn-RequestId", Value::array(vec![text(request_id)])),
                ("Content-Length", Value::array(vec![text(length)])),
                ("Date", Value::array(vec![text(date)])),
                ("Content-Type", Value::array(vec![text(content_type)])),
            ]),
        ),
        (
            "HttpHeaders",
            Value::from_pairs([
                ("Content-Length", text(length)),
                ("Content-Type", text(content_type)),
                ("Date", text(date)),
                ("x-amzn-RequestId", text(request_id)),
            ]),
        ),
        ("HttpStatusCode", Value::from_i64(200)),
    ])
}
