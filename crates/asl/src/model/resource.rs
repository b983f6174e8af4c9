//! A Task's `Resource`: which integration it names and how the execution waits for it.
//!
//! Real definitions write it in several ways: `arn:aws:states:::lambda:invoke`, with a region and
//! an account (`arn:aws:states:us-east-1:123456789012:aws-sdk:s3:getObject`), in another partition
//! (`arn:aws-us-gov:`, `arn:aws-cn:`), or still as a template with `${...}` placeholders
//! (`${FnArn}`, `arn:${AWS::Partition}:states:::batch:submitJob.sync`). All of them are read here.

use std::rc::Rc;

/// What stands in for a placeholder in the region and account fields of an ARN: the execution's
/// own defaults (`exec::StartOptions`), so the filled-in ARN looks like the rest of the run.
const STAND_IN_REGION: &str = "us-east-1";
const STAND_IN_ACCOUNT: &str = "123456789012";

/// How the execution talks to the integration (the Resource ARN's suffix).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pattern {
    RequestResponse,
    WaitForTaskToken,
    Sync,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResourceKind {
    /// `arn:aws:states:::sqs:sendMessage.waitForTaskToken`, `arn:aws:states:::aws-sdk:s3:getObject`...
    Service,
    /// A legacy Lambda function ARN (`arn:aws:lambda:region:account:function:name`).
    LambdaFunction,
    /// `arn:aws:states:region:account:activity:name`: the token goes to a polling worker.
    Activity,
    /// Anything else: still runnable with responders; the validator warns.
    Unknown,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    /// The ARN as Baton reads it: the `Resource` text with any `${...}` placeholder filled in
    /// (the text itself when it has none). Task events carry this one, as AWS's carry the ARN
    /// that the template became.
    pub arn: Rc<str>,
    /// The `${...}` placeholders of the text as written, in order and each once: the validator
    /// warns about them.
    pub placeholders: Vec<Rc<str>>,
    pub kind: ResourceKind,
    /// `resourceType` in task events: `sqs`, `lambda`, `aws-sdk:dynamodb`...
    pub service: Rc<str>,
    /// `resource` in task events: the action with its suffix, `sendMessage.waitForTaskToken`.
    pub action: Rc<str>,
    pub pattern: Pattern,
}

impl Resource {
    /// Reads a `Resource` text. Never fails: what it cannot place is [`ResourceKind::Unknown`].
    pub fn parse(text: &str) -> Resource {
        let placeholders = placeholders(text);
        if placeholders.is_empty() {
            return Resource::parse_arn(text, placeholders);
        }
        Resource::parse_arn(&fill_placeholders(text), placeholders)
    }

    fn parse_arn(arn: &str, placeholders: Vec<Rc<str>>) -> Resource {
        let kind_of = |kind, service: &str, action: &str, pattern| Resource {
            arn: arn.into(),
            placeholders: placeholders.clone(),
            kind,
            service: service.into(),
            action: action.into(),
            pattern,
        };
        // arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE...; the region and account may be empty.
        let parts: Vec<&str> = arn.split(':').collect();
        let is_arn = parts.len() >= 6 && parts[0] == "arn";
        if is_arn && parts[2] == "states" && parts.len() >= 7 && parts[5] == "activity" {
            return kind_of(ResourceKind::Activity, "activity", arn, Pattern::WaitForTaskToken);
        }
        if is_arn && parts[2] == "lambda" && parts.len() >= 7 && parts[5] == "function" {
            return kind_of(ResourceKind::LambdaFunction, "lambda", arn, Pattern::RequestResponse);
        }
        // A service integration, in any AWS partition (`aws`, `aws-cn`, `aws-us-gov`...), with or
        // without a region and account. A state machine's or execution's own ARN is no integration.
        let own_arn = matches!(parts.get(5), Some(&("stateMachine" | "execution" | "express" | "mapRun")));
        if is_arn && parts[1].starts_with("aws") && parts[2] == "states" && !own_arn {
            let rest = parts[5..].join(":");
            let (service, action) = match rest.strip_prefix("aws-sdk:") {
                Some(sdk) => match sdk.split_once(':') {
                    Some((svc, action)) => (format!("aws-sdk:{svc}"), action),
                    None => (format!("aws-sdk:{sdk}"), ""),
                },
                None => match rest.split_once(':') {
                    Some((svc, action)) => (svc.to_string(), action),
                    None => (rest.clone(), ""),
                },
            };
            let pattern = if action.ends_with(".waitForTaskToken") {
                Pattern::WaitForTaskToken
            } else if action.contains(".sync") {
                Pattern::Sync
            } else {
                Pattern::RequestResponse
            };
            let kind = if action.is_empty() { ResourceKind::Unknown } else { ResourceKind::Service };
            return kind_of(kind, &service, action, pattern);
        }
        kind_of(ResourceKind::Unknown, "unknown", arn, Pattern::RequestResponse)
    }

    /// Whether the task pauses for a task token (callback tasks and activities).
    pub fn waits_for_token(&self) -> bool {
        self.pattern == Pattern::WaitForTaskToken
    }

    /// Whether `$$.Task.Token` exists for this task (callback and `.sync` tasks, ASL-SEMANTICS §1.1).
    pub fn has_token(&self) -> bool {
        matches!(self.pattern, Pattern::WaitForTaskToken | Pattern::Sync)
            && self.kind != ResourceKind::Activity
    }
}

/// The `${...}` placeholders of a text (CloudFormation `${AWS::Partition}`, `${FnArn}`, SAM
/// `${LambdaFunction.Arn}`, Terraform `${var.x}`), in order, each once. An unclosed `${` is text.
fn placeholders(text: &str) -> Vec<Rc<str>> {
    let mut found: Vec<Rc<str>> = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let Some(len) = rest[start..].find('}') else { break };
        let placeholder = &rest[start..start + len + 1];
        if !found.iter().any(|p| &**p == placeholder) {
            found.push(placeholder.into());
        }
        rest = &rest[start + len + 1..];
    }
    found
}

/// The text with each placeholder replaced by what it most plausibly stands for.
///
/// - A text that is one placeholder alone names a whole ARN. Published templates use this for a
///   Lambda function (`${FnArn}`, `${LambdaFunction.Arn}`), so it reads as one; a name that says
///   "activity" reads as an activity [INF: a guess from the name, as a reader of the template
///   would guess].
/// - Otherwise the placeholder fills one field of an ARN: the partition becomes `aws`, the region
///   and account Baton's defaults, and any other field the placeholder's name.
fn fill_placeholders(text: &str) -> String {
    let trimmed = text.trim();
    if placeholders(trimmed).len() == 1 && trimmed.starts_with("${") && trimmed.ends_with('}') {
        let name = stand_in_name(trimmed);
        return match name.to_ascii_lowercase().contains("activity") {
            true => format!("arn:aws:states:{STAND_IN_REGION}:{STAND_IN_ACCOUNT}:activity:{name}"),
            false => format!("arn:aws:lambda:{STAND_IN_REGION}:{STAND_IN_ACCOUNT}:function:{name}"),
        };
    }
    let fields: Vec<String> = arn_fields(text)
        .into_iter()
        .enumerate()
        .map(|(i, field)| match (i, field.contains("${")) {
            (_, false) => field.to_string(),
            (1, true) => "aws".to_string(),
            (3, true) => STAND_IN_REGION.to_string(),
            (4, true) => STAND_IN_ACCOUNT.to_string(),
            (_, true) => {
                let mut filled = field.to_string();
                for p in placeholders(field) {
                    filled = filled.replace(&*p, &stand_in_name(&p));
                }
                filled
            }
        })
        .collect();
    fields.join(":")
}

/// The fields of an ARN split at `:`, except inside a placeholder (`${AWS::Region}` is one field).
fn arn_fields(text: &str) -> Vec<&str> {
    let mut fields = Vec::new();
    let (mut start, mut in_placeholder) = (0, false);
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'{' if i > 0 && bytes[i - 1] == b'$' => in_placeholder = true,
            b'}' => in_placeholder = false,
            b':' if !in_placeholder => {
                fields.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    fields.push(&text[start..]);
    fields
}

/// A name for what a placeholder stands for: `${FnArn}` → `FnArn`, `${LambdaFunction.Arn}` →
/// `LambdaFunction`, `${var.worker_arn}` → `worker_arn`, `${aws_lambda_function.fn.arn}` → `fn`;
/// kept to the characters a function or activity name may hold.
fn stand_in_name(placeholder: &str) -> String {
    let inner = placeholder.trim_start_matches("${").trim_end_matches('}').trim();
    let inner = inner.strip_suffix(".Arn").or_else(|| inner.strip_suffix(".arn")).unwrap_or(inner);
    let last = inner.rsplit(['.', ':']).next().unwrap_or(inner);
    let name: String = last
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' })
        .collect();
    if name.is_empty() {
        "placeholder".to_string()
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (kind, service, action, pattern) of a Resource text.
    fn read(text: &str) -> (ResourceKind, String, String, Pattern) {
        let r = Resource::parse(text);
        (r.kind, r.service.to_string(), r.action.to_string(), r.pattern)
    }

    #[test]
    fn integrations_with_or_without_region_and_account_in_any_partition() {
        use Pattern::*;
        use ResourceKind::*;
        let sdk_get = (Service, "aws-sdk:s3".to_string(), "getObject".to_string(), RequestResponse);
        assert_eq!(read("arn:aws:states:::aws-sdk:s3:getObject"), sdk_get);
        assert_eq!(read("arn:aws:states:us-east-1:123456789012:aws-sdk:s3:getObject"), sdk_get);
        assert_eq!(read("arn:aws-us-gov:states:us-gov-west-1:123456789012:aws-sdk:s3:getObject"), sdk_get);
        assert_eq!(read("arn:aws-cn:states:::aws-sdk:s3:getObject"), sdk_get);
        let invoke_token =
            (Service, "lambda".to_string(), "invoke.waitForTaskToken".to_string(), WaitForTaskToken);
        assert_eq!(
            read("arn:aws:states:us-east-1:123456789012:lambda:invoke.waitForTaskToken"),
            invoke_token
        );
        assert_eq!(read("arn:aws:states:::lambda:invoke.waitForTaskToken"), invoke_token);
        assert_eq!(read("arn:aws:states:eu-west-1:1:states:startExecution.sync:2").3, Sync);
        assert_eq!(read("arn:aws:states:us-east-1:1:activity:Approve").0, Activity);
        assert_eq!(read("arn:aws-cn:lambda:cn-north-1:1:function:Fn").0, LambdaFunction);
        assert!(!Resource::parse("arn:aws:states:us-east-1:1:aws-sdk:s3:getObject").has_token());
        // Not integrations.
        assert_eq!(read("arn:aws:states:us-east-1:1:stateMachine:Child").0, Unknown);
        assert_eq!(read("arn:aws:states:::lambda").0, Unknown);
        assert_eq!(read("arn:example:worker").0, Unknown);
        assert_eq!(read("arn:aws:sqs:us-east-1:1:queue").0, Unknown);
        assert_eq!(read("").0, Unknown);
    }

    #[test]
    fn placeholders_are_filled_in_and_listed() {
        use Pattern::*;
        use ResourceKind::*;
        let cases: &[(&str, &str, ResourceKind, &str, &str, Pattern)] = &[
            ("${FnArn}", "arn:aws:lambda:us-east-1:123456789012:function:FnArn", LambdaFunction, "lambda", "arn:aws:lambda:us-east-1:123456789012:function:FnArn", RequestResponse),
            ("${LambdaFunction.Arn}", "arn:aws:lambda:us-east-1:123456789012:function:LambdaFunction", LambdaFunction, "lambda", "arn:aws:lambda:us-east-1:123456789012:function:LambdaFunction", RequestResponse),
            ("${var.worker_arn}", "arn:aws:lambda:us-east-1:123456789012:function:worker_arn", LambdaFunction, "lambda", "arn:aws:lambda:us-east-1:123456789012:function:worker_arn", RequestResponse),
            ("${ApprovalActivityArn}", "arn:aws:states:us-east-1:123456789012:activity:ApprovalActivityArn", Activity, "activity", "arn:aws:states:us-east-1:123456789012:activity:ApprovalActivityArn", WaitForTaskToken),
            ("arn:${AWS::Partition}:states:::batch:submitJob.sync", "arn:aws:states:::batch:submitJob.sync", Service, "batch", "submitJob.sync", Sync),
            ("arn:${Partition}:states:::lambda:invoke", "arn:aws:states:::lambda:invoke", Service, "lambda", "invoke", RequestResponse),
            ("arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:sqs:sendMessage.waitForTaskToken", "arn:aws:states:us-east-1:123456789012:sqs:sendMessage.waitForTaskToken", Service, "sqs", "sendMessage.waitForTaskToken", WaitForTaskToken),
            ("arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${AWS::StackName}-worker", "arn:aws:lambda:us-east-1:123456789012:function:StackName-worker", LambdaFunction, "lambda", "arn:aws:lambda:us-east-1:123456789012:function:StackName-worker", RequestResponse),
            ("arn:aws:states:::${Service}:${Action}", "arn:aws:states:::Service:Action", Service, "Service", "Action", RequestResponse),
        ];
        for (text, arn, kind, service, action, pattern) in cases {
            let r = Resource::parse(text);
            assert_eq!(&*r.arn, *arn, "{text}");
            assert_eq!(
                (&r.kind, &*r.service, &*r.action, &r.pattern),
                (kind, *service, *action, pattern),
                "{text}"
            );
        }
        let terraform = Resource::parse("${aws_lambda_function.fn.arn}");
        assert_eq!(&*terraform.arn, "arn:aws:lambda:us-east-1:123456789012:function:fn");
        let r = Resource::parse(
            "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${Fn}-${Fn}",
        );
        let listed: Vec<&str> = r.placeholders.iter().map(|p| &**p).collect();
        assert_eq!(listed, ["${AWS::Partition}", "${AWS::Region}", "${AWS::AccountId}", "${Fn}"]);
        assert!(Resource::parse("arn:aws:states:::lambda:invoke").placeholders.is_empty());
    }

    #[test]
    fn odd_texts_never_panic() {
        for text in ["${", "${}", "$}{", "arn:${", "arn:${a:b", "${:}", "arn:aws:states:::${}", "ü${ü}ü:${"]
        {
            let r = Resource::parse(text);
            assert!(!r.arn.is_empty() || text.is_empty(), "{text}");
        }
        assert_eq!(
            Resource::parse("${}").arn.as_ref(),
            "arn:aws:lambda:us-east-1:123456789012:function:placeholder"
        );
    }
}
