//! What each integration looks like from outside: its participant in the sequence diagram and the
//! immediate response it gives when nobody scripted one.

use asl::model::{Resource, ResourceKind};
use asl::Value;
use md5::Digest;

/// Someone the execution talks to: a queue, a Lambda function, a topic, an activity worker...
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Participant {
    /// Stable across runs of the same definition: derived from the resource and its target.
    pub id: String,
    pub name: String,
    /// `queue`, `lambda`, `topic`, `activity`, `execution`, `bus`, `table`, `service`.
    pub kind: &'static str,
}

/// The participant a task invocation talks to, named after what its parameters point at.
pub fn participant(resource: &Resource, parameters: &Value) -> Participant {
    let text = |key: &str| parameters.get(key).and_then(Value::as_str).map(str::to_string);
    let last = |s: String, sep: char| s.rsplit(sep).next().unwrap_or_default().to_string();
    let (kind, name) = match (resource.kind.clone(), &*resource.service) {
        (ResourceKind::Activity, _) => ("activity", last(resource.arn.to_string(), ':')),
        (ResourceKind::LambdaFunction, _) => ("lambda", last(resource.arn.to_string(), ':')),
        (_, "sqs") => ("queue", text("QueueUrl").map_or_else(|| "queue".into(), |u| last(u, '/'))),
        (_, "lambda") => ("lambda", text("FunctionName").map_or_else(|| "function".into(), |f| last(f, ':'))),
        (_, "sns") => ("topic", text("TopicArn").map_or_else(|| "topic".into(), |t| last(t, ':'))),
        (_, "states") => {
            ("execution", text("StateMachineArn").map_or_else(|| "child execution".into(), |a| last(a, ':')))
        }
        (_, "events") => ("bus", "EventBridge".into()),
        (_, "dynamodb") => ("table", text("TableName").unwrap_or_else(|| "table".into())),
        (_, service) => ("service", service.trim_start_matches("aws-sdk:").to_string()),
    };
    let name = if name.is_empty() { resource.service.to_string() } else { name };
    let id = format!("{kind}:{name}");
    Participant { id, name, kind }
}

/// Ids and dates for a response nobody scripted: drawn from the world's own seeded source.
pub struct ResponseIds<'a> {
    pub rng: &'a mut asl::rng::Rng,
    /// Wall-clock milliseconds since the Unix epoch, for the `Date` header.
    pub epoch_ms: u64,
}

/// A plausible immediate response for an integration nobody scripted, shaped like the responses
/// AWS recorded (the conformance corpus's mocks): SDK metadata, a request id, message ids.
pub fn default_response(resource: &Resource, parameters: &Value, ids: ResponseIds) -> Value {
    let request_id = ids.rng.uuid_v4();
    let date = asl::history::iso8601(ids.epoch_ms);
    let body = |fields: Vec<(&str, Value)>, content_type: &str| {
        let payload = Value::from_pairs(fields.iter().cloned());
        let length = payload.json_len().to_string();
        let mut all = fields;
        all.push(("SdkHttpMetadata", http_metadata(&request_id, &date, content_type, &length)));
        all.push((
            "SdkResponseMetadata",
            Value::from_pairs([("RequestId", Value::from(request_id.clone()))]),
        ));
        Value::from_pairs(all)
    };
    let json_type = "application/x-amz-json-1.0";
    match (&*resource.service, resource.kind.clone()) {
        ("sqs", ResourceKind::Service) => {
            // SQS receives MessageBody as text: an object is sent as its JSON.
            let message = match parameters.get("MessageBody") {
                Some(Value::String(s)) => s.to_string(),
                Some(other) => other.to_json(),
                None => String::new(),
            };
            let md5: String =
                md5::Md5::digest(message.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
            let id = ids.rng.uuid_v4();
            body(vec![("MD5OfMessageBody", Value::from(md5)), ("MessageId", Value::from(id))], json_type)
        }
        ("sns", ResourceKind::Service) => {
            body(vec![("MessageId", Value::from(ids.rng.uuid_v4()))], "text/xml")
        }
        ("lambda", ResourceKind::Service) => {
            let mut v = body(
                vec![("ExecutedVersion", Value::from("$LATEST")), ("Payload", Value::Null)],
                "application/json",
            );
            if let Value::Object(map) = &mut v {
                std::rc::Rc::make_mut(map).insert("StatusCode".into(), Value::from_i64(200));
            }
            v
        }
        ("events", ResourceKind::Service) => Value::from_pairs([
            ("Entries", Value::array(vec![Value::from_pairs([("EventId", Value::from(ids.rng.uuid_v4()))])])),
            ("FailedEntryCount", Value::from_i64(0)),
        ]),
        ("states", ResourceKind::Service) => {
            let machine = parameters.get("StateMachineArn").and_then(Value::as_str).unwrap_or("child");
            let machine_name = machine.rsplit(':').next().unwrap_or("child");
            let name = parameters
                .get("Name")
                .and_then(Value::as_str)
                .map_or_else(|| ids.rng.uuid_v4(), String::from);
            let arn = format!("arn:aws:states:us-east-1:123456789012:execution:{machine_name}:{name}");
            body(
                vec![("ExecutionArn", Value::from(arn)), ("StartDate", Value::from(date.clone()))],
                json_type,
            )
        }
        ("dynamodb", ResourceKind::Service) => body(vec![], json_type),
        _ => Value::empty_object(),
    }
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
