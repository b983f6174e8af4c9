//! The built-in examples. Kept in one place so that they can move into the engine crate later
//! without touching the components.

/// A definition and an execution input the user can load from the Examples menu.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Example {
    /// Stable identifier, used as the `<option>` value.
    pub id: &'static str,
    pub title: &'static str,
    /// One sentence shown as the option's description.
    pub summary: &'static str,
    pub definition: &'static str,
    pub input: &'static str,
}

/// Every built-in example; the first one is loaded on a first visit.
pub const ALL: &[Example] = &[HUMAN_APPROVAL];

pub fn by_id(id: &str) -> Option<&'static Example> {
    ALL.iter().find(|e| e.id == id)
}

pub fn default_example() -> &'static Example {
    &ALL[0]
}

/// The callback pattern in its simplest form: a Lambda e-mails a person a task token and the
/// execution waits until they answer, or gives up after an hour.
pub const HUMAN_APPROVAL: Example = Example {
    id: "human-approval",
    title: "Human approval (callback with timeout)",
    summary: "Wait for a person to approve a request through a task token; give up after an hour.",
    definition: r#"{
  "Comment": "Ask a person to approve a request. The execution pauses until they answer with the task token, or gives up after an hour.",
  "StartAt": "RequestApproval",
  "States": {
    "RequestApproval": {
      "Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
      "Parameters": {
        "FunctionName": "send-approval-email",
        "Payload": {
          "token.$": "$$.Task.Token",
          "request.$": "$"
        }
      },
      "TimeoutSeconds": 3600,
      "Catch": [
        {
          "ErrorEquals": ["States.Timeout"],
          "Next": "ApprovalTimedOut",
          "ResultPath": "$.error"
        }
      ],
      "Next": "CheckDecision"
    },
    "CheckDecision": {
      "Type": "Choice",
      "Choices": [
        {
          "Variable": "$.decision",
          "StringEquals": "approve",
          "Next": "Approved"
        }
      ],
      "Default": "Rejected"
    },
    "Approved": {
      "Type": "Succeed"
    },
    "Rejected": {
      "Type": "Fail",
      "Error": "ApprovalRejected",
      "Cause": "The approver said no"
    },
    "ApprovalTimedOut": {
      "Type": "Fail",
      "Error": "ApprovalTimedOut",
      "Cause": "Nobody answered within an hour"
    }
  }
}
"#,
    input: r#"{
  "requester": "ana@example.com",
  "amount": 420
}
"#,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_are_valid_json_with_unique_ids() {
        for (i, e) in ALL.iter().enumerate() {
            serde_json::from_str::<serde_json::Value>(e.definition).unwrap();
            serde_json::from_str::<serde_json::Value>(e.input).unwrap();
            assert!(ALL[..i].iter().all(|other| other.id != e.id), "duplicate id {}", e.id);
        }
    }
}
