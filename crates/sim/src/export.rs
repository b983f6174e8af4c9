//! Out to AWS: the work as a person takes it to a real account. `baton export` and the app's
//! Deploy dialog print the same texts:
//! - [`Target::Cli`]: the `aws stepfunctions` commands that create the state machine, start an
//!   execution with the input, and answer its tokens as the scenario's participants do;
//! - [`Target::CloudFormation`] and [`Target::Sam`]: a template with the definition inlined
//!   (`Definition`, an object), a parameter for the role the state machine runs as, and its ARN
//!   as an output. JSON, which both CloudFormation and SAM read.
//!
//! Nothing here knows an account: the role and the names are parameters a person fills in.

use std::fmt::Write as _;

use asl::Value;

use crate::scenario::{Action, Answer, Response, Scenario, Target as CallTarget};

/// Where the work goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Cli,
    CloudFormation,
    Sam,
}

impl Target {
    pub const ALL: [Target; 3] = [Target::Cli, Target::CloudFormation, Target::Sam];

    /// The name `baton export --to NAME` takes.
    pub fn key(self) -> &'static str {
        match self {
            Target::Cli => "cli",
            Target::CloudFormation => "cloudformation",
            Target::Sam => "sam",
        }
    }

    pub fn from_key(key: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.key() == key)
    }

    /// Its name for people.
    pub fn title(self) -> &'static str {
        match self {
            Target::Cli => "AWS CLI",
            Target::CloudFormation => "CloudFormation",
            Target::Sam => "SAM",
        }
    }
}

/// What is exported: the definition (as JSON), the state machine's name, the execution input, and
/// the participants whose answers become commands.
pub struct Work<'a> {
    pub definition: &'a Value,
    pub name: &'a str,
    pub input: Option<&'a Value>,
    pub scenario: Option<&'a Scenario>,
}

/// The text for `target`.
pub fn export(work: &Work, target: Target) -> String {
    match target {
        Target::Cli => cli(work),
        Target::CloudFormation => template(work, "AWS::StepFunctions::StateMachine"),
        Target::Sam => template(work, "AWS::Serverless::StateMachine"),
    }
}

/// Quotes `text` for a POSIX shell: `'it'\''s'`.
pub fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

/// A CloudFormation logical id from a name: its letters and digits, starting with a letter.
fn logical_id(name: &str) -> String {
    let id: String = name.split(|c: char| !c.is_ascii_alphanumeric()).map(capitalized).collect();
    match id.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => id,
        _ => format!("StateMachine{id}"),
    }
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
}

fn cli(work: &Work) -> String {
    let mut out = String::new();
    out.push_str(
        "# ROLE_ARN: an IAM role Step Functions can assume, allowed to call what the definition uses.\n",
    );
    let _ = writeln!(
        out,
        "STATE_MACHINE_ARN=$(aws stepfunctions create-state-machine --name {} \\\n  --role-arn \"$ROLE_ARN\" \\\n  --definition {} \\\n  --query stateMachineArn --output text)",
        shell_quote(work.name),
        shell_quote(&work.definition.to_json())
    );
    let input = work.input.map_or_else(|| "{}".to_string(), Value::to_json);
    let _ = writeln!(
        out,
        "EXECUTION_ARN=$(aws stepfunctions start-execution --state-machine-arn \"$STATE_MACHINE_ARN\" \\\n  --input {} \\\n  --query executionArn --output text)",
        shell_quote(&input)
    );
    let answers = work.scenario.map(answers).unwrap_or_default();
    if !answers.is_empty() {
        out.push_str(
            "\n# What the participants do. TOKEN is the task token the state sent (in the message,\n\
             # the Lambda payload or the activity task, where the definition puts $$.Task.Token).\n",
        );
        for line in answers {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out.push_str(
        "\n# Follow it.\naws stepfunctions get-execution-history --execution-arn \"$EXECUTION_ARN\"\n",
    );
    out
}

/// The scenario's answers as commands, in time order, each with a comment that says whose and
/// when: responders that call back, then the scripted calls.
fn answers(scenario: &Scenario) -> Vec<String> {
    let mut timed: Vec<(f64, String, String)> = Vec::new();
    let token = "\"$TOKEN\"";
    for (state, responses) in &scenario.responders {
        for (n, response) in responses.iter().enumerate() {
            let Response::Callback { answer, after_seconds, heartbeats } = response else { continue };
            let after = after_seconds.unwrap_or(0.0);
            let whose = |when: f64| format!("{state}, call {}, {when} s after its token", n + 1);
            for beat in heartbeats {
                let command = format!("aws stepfunctions send-task-heartbeat --task-token {token}");
                timed.push((*beat, command, whose(*beat)));
            }
            let command = match answer {
                Answer::Success(output) => format!(
                    "aws stepfunctions send-task-success --task-token {token} --task-output {}",
                    shell_quote(&output.to_json())
                ),
                Answer::Failure { error, cause } => {
                    format!(
                        "aws stepfunctions send-task-failure --task-token {token}{}",
                        failure(error, cause)
                    )
                }
                Answer::None => continue,
            };
            timed.push((after, command, whose(after)));
        }
    }
    for call in &scenario.calls {
        let at = call.at_seconds;
        let (token, whose) = match &call.target {
            CallTarget::State(state) => (token.to_string(), format!("{state}, at {at} s")),
            CallTarget::Token(literal) => (shell_quote(literal), format!("at {at} s")),
            CallTarget::Execution => (String::new(), format!("at {at} s")),
        };
        let command = match &call.action {
            Action::SendTaskSuccess { output } => {
                format!(
                    "aws stepfunctions send-task-success --task-token {token} --task-output {}",
                    shell_quote(output)
                )
            }
            Action::SendTaskFailure { error, cause } => {
                format!("aws stepfunctions send-task-failure --task-token {token}{}", failure(error, cause))
            }
            Action::SendTaskHeartbeat => {
                format!("aws stepfunctions send-task-heartbeat --task-token {token}")
            }
            Action::StopExecution { error, cause } => {
                format!(
                    "aws stepfunctions stop-execution --execution-arn \"$EXECUTION_ARN\"{}",
                    failure(error, cause)
                )
            }
        };
        timed.push((at, command, whose));
    }
    // Stable: at the same instant, responders before scripted calls, each in its order.
    timed.sort_by(|a, b| a.0.total_cmp(&b.0));
    timed.into_iter().map(|(_, command, whose)| format!("{command}  # {whose}")).collect()
}

fn failure(error: &Option<String>, cause: &Option<String>) -> String {
    let mut flags = String::new();
    if let Some(error) = error {
        let _ = write!(flags, " --error {}", shell_quote(error));
    }
    if let Some(cause) = cause {
        let _ = write!(flags, " --cause {}", shell_quote(cause));
    }
    flags
}

fn template(work: &Work, resource_type: &str) -> String {
    let id = logical_id(work.name);
    let sam = resource_type == "AWS::Serverless::StateMachine";
    let mut properties = vec![
        ("Name".to_string(), Value::from(work.name)),
        ("Definition".to_string(), work.definition.clone()),
    ];
    let role = Value::from_pairs([("Ref", Value::from("StateMachineRoleArn"))]);
    properties.push((if sam { "Role" } else { "RoleArn" }.to_string(), role));
    let resource = Value::from_pairs([
        ("Type", Value::from(resource_type)),
        ("Properties", Value::from_pairs(properties)),
    ]);
    let parameter = Value::from_pairs([
        ("Type", Value::from("String")),
        ("Description", Value::from("The IAM role the state machine runs as")),
    ]);
    // SAM's StateMachine returns its ARN from Ref, as CloudFormation's does.
    let output = Value::from_pairs([("Value", Value::from_pairs([("Ref", Value::from(id.as_str()))]))]);
    let mut top = vec![("AWSTemplateFormatVersion", Value::from("2010-09-09"))];
    if sam {
        top.push(("Transform", Value::from("AWS::Serverless-2016-10-31")));
    }
    top.extend([
        ("Description", Value::from(format!("{} (exported by Baton)", work.name))),
        ("Parameters", Value::from_pairs([("StateMachineRoleArn", parameter)])),
        ("Resources", Value::from_pairs([(id.as_str(), resource)])),
        ("Outputs", Value::from_pairs([(format!("{id}Arn"), output)])),
    ]);
    Value::from_pairs(top).to_json_pretty() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn definition() -> Value {
        Value::parse(r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Comment": "it's", "End": true}}}"#)
            .unwrap()
    }

    #[test]
    fn names_become_logical_ids() {
        assert_eq!(logical_id("human-approval"), "HumanApproval");
        assert_eq!(logical_id("2 step flow"), "StateMachine2StepFlow");
        assert_eq!(logical_id(""), "StateMachine");
    }

    #[test]
    fn the_cli_commands_quote_what_they_pass() {
        let definition = definition();
        let input = Value::parse(r#"{"who": "ana"}"#).unwrap();
        let scenario = Scenario::from_json(
            r#"{"responders": {"A": [{"callback": "success", "output": {"ok": true}, "after": 600}]},
                "calls": [{"at": 700, "action": "SendTaskFailure", "state": "A", "error": "Late"}]}"#,
        )
        .unwrap();
        let work =
            Work { definition: &definition, name: "demo", input: Some(&input), scenario: Some(&scenario) };
        let text = export(&work, Target::Cli);
        assert!(text.contains(r#"--definition '{"StartAt":"A","States":{"A":{"Type":"Pass","Comment":"it'\''s","End":true}}}'"#), "{text}");
        assert!(text.contains(r#"--input '{"who":"ana"}'"#), "{text}");
        let success = text
            .find("send-task-success --task-token \"$TOKEN\" --task-output '{\"ok\":true}'  # A, call 1, 600 s after its token")
            .expect(&text);
        let failure = text
            .find("send-task-failure --task-token \"$TOKEN\" --error 'Late'  # A, at 700 s")
            .expect(&text);
        assert!(success < failure, "in time order: {text}");
    }

    #[test]
    fn templates_inline_the_definition() {
        let definition = definition();
        let work = Work { definition: &definition, name: "human-approval", input: None, scenario: None };
        let cfn = Value::parse(&export(&work, Target::CloudFormation)).unwrap();
        let resource = cfn.get("Resources").and_then(|r| r.get("HumanApproval")).unwrap();
        assert_eq!(resource.get("Type").unwrap(), &Value::from("AWS::StepFunctions::StateMachine"));
        assert_eq!(resource.get("Properties").and_then(|p| p.get("Definition")), Some(&definition));
        assert!(resource.get("Properties").and_then(|p| p.get("RoleArn")).is_some());
        assert!(cfn.get("Transform").is_none());

        let sam = Value::parse(&export(&work, Target::Sam)).unwrap();
        assert_eq!(sam.get("Transform").unwrap(), &Value::from("AWS::Serverless-2016-10-31"));
        let resource = sam.get("Resources").and_then(|r| r.get("HumanApproval")).unwrap();
        assert_eq!(resource.get("Type").unwrap(), &Value::from("AWS::Serverless::StateMachine"));
        assert!(resource.get("Properties").and_then(|p| p.get("Role")).is_some());
    }
}
