//! What each integration looks like from outside: its participant in the sequence diagram and the
//! answers it gives when nobody scripted one ([`stand_in`]).

mod stand_in;

use asl::model::{Resource, ResourceKind};
use asl::Value;

pub use stand_in::{default_job_result, default_response, ResponseIds};

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
