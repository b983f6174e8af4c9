//! What stands in for a value only a deployment knows (an account, a function's ARN, a
//! Terraform variable), and the one warning that lists every value filled in.
//!
//! The stand-ins are those of the definition reader ([`asl::model::Resource`]): region
//! `us-east-1`, account `123456789012`, partition `aws`; a `Resource` still holding a
//! placeholder is read by [`asl::model::Resource::parse`], so it names the integration the core
//! would have read, and the core has nothing left to warn about.

use asl::diagnostic::{Code, Diagnostic, Severity};

use crate::text::Lines;

pub const REGION: &str = "us-east-1";
pub const ACCOUNT: &str = "123456789012";
pub const PARTITION: &str = "aws";
pub const STACK: &str = "baton-stack";

/// Values filled in, in the order met, each once.
#[derive(Default, Debug)]
pub struct Fills {
    list: Vec<(String, String, (usize, usize))>,
}

/// Filled-in values the warning names; the rest are counted.
const LISTED: usize = 12;

impl Fills {
    /// `what` (as written: `${Name}`, `Ref Name`) became `value`; `at` is where it is written.
    pub fn add(&mut self, what: impl Into<String>, value: impl Into<String>, at: (usize, usize)) {
        let what = what.into();
        if !self.list.iter().any(|(w, _, _)| *w == what) {
            self.list.push((what, value.into(), at));
        }
    }

    pub fn merge(&mut self, other: Fills) {
        for (what, value, at) in other.list {
            self.add(what, value, at);
        }
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// The one warning, placed at the first value filled in (in the text's order).
    pub fn warning(&self, lines: &Lines) -> Option<Diagnostic> {
        let first = self.list.iter().map(|(_, _, at)| *at).min()?;
        let mut shown: Vec<String> = self
            .list
            .iter()
            .take(LISTED)
            .map(|(what, value, _)| format!("{what} = {}", clip(value)))
            .collect();
        if self.list.len() > LISTED {
            shown.push(format!("and {} more", self.list.len() - LISTED));
        }
        let n = self.list.len();
        Some(Diagnostic {
            severity: Severity::Warning,
            code: Code::ResourcePlaceholder,
            message: format!(
                "Baton filled in {} that only a deployment knows, with stand-ins: {}",
                if n == 1 { "1 value".to_string() } else { format!("{n} values") },
                shown.join("; ")
            ),
            pointer: String::new(),
            span: Some(lines.span(first)),
            offset: None,
        })
    }
}

fn clip(value: &str) -> String {
    match value.char_indices().nth(100) {
        Some((cut, _)) => format!("{}…", &value[..cut]),
        None => value.to_string(),
    }
}

/// CloudFormation's pseudo parameters.
pub fn pseudo(name: &str) -> Option<String> {
    Some(match name {
        "AWS::Region" => REGION.into(),
        "AWS::AccountId" => ACCOUNT.into(),
        "AWS::Partition" => PARTITION.into(),
        "AWS::URLSuffix" => "amazonaws.com".into(),
        "AWS::StackName" => STACK.into(),
        "AWS::StackId" => format!(
            "arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/{STACK}/00000000-0000-0000-0000-000000000000"
        ),
        _ => return None,
    })
}

/// What `Ref` (no attribute) or `Fn::GetAtt` (an attribute) of a template's resource gives, by
/// its type, as the resource's documentation says; its name is its logical ID.
pub fn resource(id: &str, kind: &str, attribute: Option<&str>) -> String {
    let (r, a) = (REGION, ACCOUNT);
    let lower = id.to_ascii_lowercase();
    match (kind, attribute) {
        ("AWS::Lambda::Function" | "AWS::Serverless::Function", Some("Arn")) => {
            format!("arn:aws:lambda:{r}:{a}:function:{id}")
        }
        ("AWS::SQS::Queue", None | Some("QueueUrl")) => format!("https://sqs.{r}.amazonaws.com/{a}/{id}"),
        ("AWS::SQS::Queue", Some("Arn")) => format!("arn:aws:sqs:{r}:{a}:{id}"),
        ("AWS::SNS::Topic", None | Some("TopicArn")) => format!("arn:aws:sns:{r}:{a}:{id}"),
        (
            "AWS::DynamoDB::Table" | "AWS::Serverless::SimpleTable" | "AWS::DynamoDB::GlobalTable",
            Some("Arn"),
        ) => {
            format!("arn:aws:dynamodb:{r}:{a}:table/{id}")
        }
        ("AWS::S3::Bucket", None) => lower,
        ("AWS::S3::Bucket", Some("Arn")) => format!("arn:aws:s3:::{lower}"),
        ("AWS::S3::Bucket", Some("DomainName")) => format!("{lower}.s3.amazonaws.com"),
        ("AWS::StepFunctions::Activity", None | Some("Arn")) => {
            format!("arn:aws:states:{r}:{a}:activity:{id}")
        }
        ("AWS::StepFunctions::StateMachine" | "AWS::Serverless::StateMachine", None | Some("Arn")) => {
            format!("arn:aws:states:{r}:{a}:stateMachine:{id}")
        }
        ("AWS::Events::EventBus", Some("Arn")) => format!("arn:aws:events:{r}:{a}:event-bus/{id}"),
        ("AWS::ECS::Cluster", Some("Arn")) => format!("arn:aws:ecs:{r}:{a}:cluster/{id}"),
        ("AWS::ECS::TaskDefinition", None) => format!("arn:aws:ecs:{r}:{a}:task-definition/{id}:1"),
        ("AWS::Batch::JobQueue", None) => format!("arn:aws:batch:{r}:{a}:job-queue/{id}"),
        ("AWS::Batch::JobDefinition", None) => format!("arn:aws:batch:{r}:{a}:job-definition/{id}:1"),
        ("AWS::IAM::Role", Some("Arn")) => format!("arn:aws:iam::{a}:role/{id}"),
        (_, Some(attribute)) if attribute.ends_with("Arn") => {
            let service = kind.split("::").nth(1).unwrap_or("service").to_ascii_lowercase();
            format!("arn:aws:{service}:{r}:{a}:{id}")
        }
        (_, Some(attribute)) if attribute.ends_with("Name") => id.to_string(),
        (_, Some(attribute)) => format!("{id}-{attribute}"),
        (_, None) => id.to_string(),
    }
}

/// A stand-in for a value known only by its name (`${ProcessFunctionArn}`, `${var.queue_url}`):
/// an ARN of the service the name suggests for a name ending in `Arn`, a queue URL for one
/// ending in `Url`, otherwise the name itself.
pub fn by_name(placeholder: &str) -> String {
    if let Some(value) = pseudo(placeholder) {
        return value;
    }
    let name = placeholder.rsplit(['.', ':']).next().unwrap_or(placeholder);
    let whole = placeholder.to_ascii_lowercase();
    let lower = name.to_ascii_lowercase();
    let base = |suffix: usize| -> String {
        let cut = &name[..name.len() - suffix];
        let cut = cut.trim_end_matches(['_', '-', '.']);
        let cut = if cut.is_empty() { name } else { cut };
        cut.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' }).collect()
    };
    let (r, a) = (REGION, ACCOUNT);
    // `${MyFunction.Arn}`: the attribute is the last part, the resource the one before.
    let attribute_of = placeholder.rsplit_once('.').map(|(resource, _)| resource);
    if lower.ends_with("arn") {
        let id = match attribute_of {
            Some(resource) if lower == "arn" => resource.rsplit('.').next().unwrap_or(resource).to_string(),
            _ => base(3),
        };
        let has = |words: &[&str]| words.iter().any(|w| whole.contains(w));
        return if has(&["queue", "sqs"]) {
            format!("arn:aws:sqs:{r}:{a}:{id}")
        } else if has(&["topic", "sns"]) {
            format!("arn:aws:sns:{r}:{a}:{id}")
        } else if has(&["table", "dynamo"]) {
            format!("arn:aws:dynamodb:{r}:{a}:table/{id}")
        } else if has(&["bucket"]) {
            format!("arn:aws:s3:::{}", id.to_ascii_lowercase())
        } else if has(&["statemachine", "state_machine", "workflow"]) {
            format!("arn:aws:states:{r}:{a}:stateMachine:{id}")
        } else if has(&["activity"]) {
            format!("arn:aws:states:{r}:{a}:activity:{id}")
        } else if has(&["role"]) {
            format!("arn:aws:iam::{a}:role/{id}")
        } else if has(&["bus"]) {
            format!("arn:aws:events:{r}:{a}:event-bus/{id}")
        } else {
            format!("arn:aws:lambda:{r}:{a}:function:{id}")
        };
    }
    if lower.ends_with("url") {
        return match whole.contains("queue") || whole.contains("sqs") {
            true => format!("https://sqs.{r}.amazonaws.com/{a}/{}", base(3)),
            false => format!("https://example.com/{}", base(3)),
        };
    }
    let plain: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' })
        .collect();
    if plain.is_empty() {
        "placeholder".into()
    } else {
        plain
    }
}

/// A JSON value for a placeholder standing bare where the member `key`'s value should be
/// (`"TimeoutSeconds": ${timeout}` in a Terraform template): a number for the fields that hold
/// one, an object or a list for those, a string otherwise.
pub fn bare(placeholder: &str, key: Option<&str>) -> String {
    match key.unwrap_or_default() {
        "Resource" => json_string(&asl::model::Resource::parse(&format!("${{{placeholder}}}")).arn),
        "TimeoutSeconds" => "300".into(),
        "HeartbeatSeconds" | "MaxDelaySeconds" => "60".into(),
        "Seconds" | "IntervalSeconds" | "MaxItemsPerBatch" => "1".into(),
        "MaxAttempts" => "3".into(),
        "BackoffRate" => "2".into(),
        "MaxConcurrency"
        | "ToleratedFailureCount"
        | "ToleratedFailurePercentage"
        | "MaxItems"
        | "MaxInputBytesPerBatch" => "0".into(),
        "Parameters" | "Arguments" | "Result" | "ResultSelector" | "ItemSelector" | "Output" | "Assign"
        | "Credentials" | "ItemReader" | "ResultWriter" | "ItemBatcher" | "Payload" | "Input" => "{}".into(),
        "Retry" | "Catch" | "ErrorEquals" | "Branches" | "Choices" => "[]".into(),
        "End" => "true".into(),
        _ => json_string(&by_name(placeholder)),
    }
}

pub fn json_string(text: &str) -> String {
    let mut out = String::new();
    crate::write::push_json_string(&mut out, text);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_suggest_their_service() {
        assert_eq!(
            by_name("ProcessFunctionArn"),
            "arn:aws:lambda:us-east-1:123456789012:function:ProcessFunction"
        );
        assert_eq!(by_name("OrdersQueueUrl"), "https://sqs.us-east-1.amazonaws.com/123456789012/OrdersQueue");
        assert_eq!(
            by_name("var.orders_table_arn"),
            "arn:aws:dynamodb:us-east-1:123456789012:table/orders_table"
        );
        assert_eq!(by_name("Checker.Arn"), "arn:aws:lambda:us-east-1:123456789012:function:Checker");
        assert_eq!(by_name("AWS::Region"), "us-east-1");
        assert_eq!(by_name("TableName"), "TableName");
        assert_eq!(bare("timeout", Some("TimeoutSeconds")), "300");
        assert_eq!(bare("fn", Some("Resource")), "\"arn:aws:lambda:us-east-1:123456789012:function:fn\"");
        assert_eq!(bare("x", Some("Comment")), "\"x\"");
    }

    #[test]
    fn resources_give_what_their_type_documents() {
        assert_eq!(
            resource("Q", "AWS::SQS::Queue", None),
            "https://sqs.us-east-1.amazonaws.com/123456789012/Q"
        );
        assert_eq!(resource("Fn", "AWS::Serverless::Function", None), "Fn");
        assert_eq!(
            resource("Fn", "AWS::Serverless::Function", Some("Arn")),
            "arn:aws:lambda:us-east-1:123456789012:function:Fn"
        );
        assert_eq!(
            resource("K", "AWS::Kinesis::Stream", Some("Arn")),
            "arn:aws:kinesis:us-east-1:123456789012:K"
        );
    }
}
