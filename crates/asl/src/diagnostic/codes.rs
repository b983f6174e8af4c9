//! Every diagnostic code the reader and the validator emit, in one place.
//!
//! A code is a stable, greppable name for a rule: the CLI prints it, the editor shows it next to the
//! message, and people search for it. Each entry shows a small definition that triggers it; a test
//! compiles every one of those examples and checks that its code comes out.

use std::fmt;

/// Declares the codes once: the enum, its string forms and the list of all of them.
macro_rules! codes {
    ($($(#[$doc:meta])* $name:ident = $text:literal,)*) => {
        /// The rule a [`super::Diagnostic`] reports on; its string form is [`Code::as_str`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Code {
            $($(#[$doc])* $name,)*
        }

        impl Code {
            /// Every code, in the order of this registry.
            pub const ALL: &'static [Code] = &[$(Code::$name,)*];

            /// The stable name, such as `missing-field`: what the CLI, the app and snapshots show.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$name => $text,)*
                }
            }
        }
    };
}

codes! {
    // The JSON text itself (`crate::source`).

    /// The text is not JSON; reading stops at the first such problem.
    ///
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true,}}}
    /// ```
    JsonSyntax = "json-syntax",
    /// An object repeats a member name (the later one wins, as in serde_json).
    ///
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}, "A": {"Type": "Succeed"}}}
    /// ```
    DuplicateKey = "duplicate-key",
    /// The text is longer than AWS accepts (1,048,576 bytes); it is not read at all. The example
    /// stands for a definition whose `Comment` alone is a mebibyte long.
    ///
    /// ```json
    /// {"Comment": "(1 MiB)", "StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}
    /// ```
    DefinitionTooLarge = "definition-too-large",

    // Reading the definition (`crate::model`).

    /// A field holds the wrong kind of JSON value.
    ///
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": "yes"}}}
    /// ```
    WrongType = "wrong-type",
    /// A field holds the right kind of value, but not one of those allowed.
    ///
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Sleep", "End": true}}}
    /// ```
    WrongValue = "wrong-value",
    /// A field that the object does not have (AWS rejects unknown fields).
    ///
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true, "Nxet": "A"}}}
    /// ```
    UnknownField = "unknown-field",
    /// A required field is missing.
    ///
    /// ```json
    /// {"States": {"A": {"Type": "Pass", "End": true}}}
    /// ```
    MissingField = "missing-field",
    /// `StartAt`, `Next` or `Default` names a state that does not exist.
    ///
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}}
    /// ```
    MissingState = "missing-state",
    /// A state (or a catcher, or a Choice rule) has nowhere to go.
    ///
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass"}}}
    /// ```
    MissingNext = "missing-next",
    /// A state has both `Next` and `End`.
    ///
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "A", "End": true}}}
    /// ```
    NextAndEnd = "next-and-end",
    /// A state name longer than 80 characters.
    ///
    /// ```json
    /// {"StartAt": "SendTheReminderEmailToTheCustomerThenWaitForTheirAnswerUntilTheDeadlineRunsOutNow",
    ///  "States": {"SendTheReminderEmailToTheCustomerThenWaitForTheirAnswerUntilTheDeadlineRunsOutNow":
    ///    {"Type": "Succeed"}}}
    /// ```
    BadName = "bad-name",
    /// A path field that is not a valid JSONPath (or reference path where one is needed).
    ///
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "InputPath": "$.order[", "End": true}}}
    /// ```
    BadPath = "bad-path",
    /// A payload template (`Parameters`, `ResultSelector`, `ItemSelector`, `Assign`) with a bad
    /// `.$` value.
    ///
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"total.$": 5}, "End": true}}}
    /// ```
    BadTemplate = "bad-template",
    /// A Wait state's `Timestamp` that is not an RFC 3339 timestamp.
    ///
    /// ```json
    /// {"StartAt": "W", "States": {"W": {"Type": "Wait", "Timestamp": "tomorrow", "End": true}}}
    /// ```
    BadTimestamp = "bad-timestamp",
    /// Two fields that exclude each other are both set.
    ///
    /// ```json
    /// {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 5, "SecondsPath": "$.s", "End": true}}}
    /// ```
    ExclusiveFields = "exclusive-fields",
    /// A task's heartbeat interval that is not shorter than its timeout.
    ///
    /// ```json
    /// {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
    ///   "TimeoutSeconds": 10, "HeartbeatSeconds": 10, "End": true}}}
    /// ```
    HeartbeatNotBelowTimeout = "heartbeat-not-below-timeout",
    /// A JSONata machine or state in a build of Baton without the JSONata engine (the cargo
    /// feature `jsonata` off, as in the web app's first load for now).
    ///
    /// ```json
    /// {"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Succeed"}}}
    /// ```
    JsonataUnsupported = "jsonata-unsupported",
    /// A state set to JSONPath in a machine set to JSONata, which AWS refuses.
    ///
    /// ```json
    /// {"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass",
    ///   "QueryLanguage": "JSONPath", "End": true}}}
    /// ```
    QueryLanguageConflict = "query-language-conflict",
    /// A JSONPath field (`ResultPath`, `Parameters`, `ItemsPath`, a Choice `Variable`...) in a
    /// JSONata state; the message says what to write instead.
    ///
    /// ```json
    /// {"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass",
    ///   "ResultPath": "$.x", "End": true}}}
    /// ```
    JsonPathFieldInJsonata = "jsonpath-field-in-jsonata",
    /// A JSONata field (`Arguments`, `Output`, `Items`, a Choice `Condition`) in a JSONPath state;
    /// the message says what to write instead.
    ///
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "Output": {"x": 1}, "End": true}}}
    /// ```
    JsonataFieldInJsonPath = "jsonata-field-in-jsonpath",
    /// A `{% %}` expression that is not valid JSONata, located at its character in the string.
    ///
    /// ```json
    /// {"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass",
    ///   "Output": "{% $states.input + %}", "End": true}}}
    /// ```
    JsonataSyntax = "jsonata-syntax",
    /// `$states.result` or `$states.errorOutput` where AWS does not provide it (a warning): the
    /// expression would fail with `States.QueryEvaluationError`.
    ///
    /// ```json
    /// {"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass",
    ///   "Output": "{% $states.result %}", "End": true}}}
    /// ```
    StatesMemberUnavailable = "states-member-unavailable",
    /// A feature Baton does not simulate (S3 reading and writing of a Distributed Map).
    ///
    /// ```json
    /// {"StartAt": "M", "States": {"M": {"Type": "Map", "ItemReader": {"Resource": "arn:aws:states:::s3:getObject"},
    ///   "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Succeed"}}}, "End": true}}}
    /// ```
    Unsupported = "unsupported",
    /// `States.ALL` shares its `ErrorEquals` with other names.
    ///
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
    ///   "Retry": [{"ErrorEquals": ["States.ALL", "States.Timeout"]}], "End": true}}}
    /// ```
    StatesAllNotAlone = "states-all-not-alone",
    /// A retrier or catcher for `States.ALL` that is not the last one.
    ///
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
    ///   "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "B"}, {"ErrorEquals": ["States.Timeout"], "Next": "B"}],
    ///   "End": true}, "B": {"Type": "Succeed"}}}
    /// ```
    StatesAllNotLast = "states-all-not-last",

    // Choice rules (`crate::choice`).

    /// A Choice rule that is not an object.
    ///
    /// ```json
    /// {"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": ["yes"], "Default": "D"},
    ///   "D": {"Type": "Succeed"}}}
    /// ```
    ChoiceRuleType = "choice-rule-type",
    /// A Choice rule member that is neither an operator nor `Variable`.
    ///
    /// ```json
    /// {"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [{"Variable": "$.a",
    ///   "StringEquals": "x", "Colour": "red", "Next": "D"}], "Default": "D"}, "D": {"Type": "Succeed"}}}
    /// ```
    ChoiceUnknownField = "choice-unknown-field",
    /// A `Next` inside `And`, `Or` or `Not`: only a top-level rule has one.
    ///
    /// ```json
    /// {"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [{"Not": {"Variable": "$.a",
    ///   "IsNull": true, "Next": "D"}, "Next": "D"}], "Default": "D"}, "D": {"Type": "Succeed"}}}
    /// ```
    ChoiceNestedNext = "choice-nested-next",
    /// A Choice rule that tests nothing.
    ///
    /// ```json
    /// {"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [{"Variable": "$.a", "Next": "D"}],
    ///   "Default": "D"}, "D": {"Type": "Succeed"}}}
    /// ```
    ChoiceMissingOperator = "choice-missing-operator",
    /// A Choice rule with more than one operator.
    ///
    /// ```json
    /// {"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [{"Variable": "$.a", "IsNull": true,
    ///   "IsString": true, "Next": "D"}], "Default": "D"}, "D": {"Type": "Succeed"}}}
    /// ```
    ChoiceMultipleOperators = "choice-multiple-operators",
    /// A comparison without the `Variable` it compares.
    ///
    /// ```json
    /// {"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [{"IsNull": true, "Next": "D"}],
    ///   "Default": "D"}, "D": {"Type": "Succeed"}}}
    /// ```
    ChoiceMissingVariable = "choice-missing-variable",
    /// A `Variable` next to `And`, `Or` or `Not`, where it means nothing.
    ///
    /// ```json
    /// {"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [{"Variable": "$.a",
    ///   "And": [{"Variable": "$.a", "IsNull": true}], "Next": "D"}], "Default": "D"}, "D": {"Type": "Succeed"}}}
    /// ```
    ChoiceMisplacedVariable = "choice-misplaced-variable",
    /// An `And` or `Or` with no rules.
    ///
    /// ```json
    /// {"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [{"And": [], "Next": "D"}],
    ///   "Default": "D"}, "D": {"Type": "Succeed"}}}
    /// ```
    ChoiceEmptyList = "choice-empty-list",
    /// An operator's operand of the wrong type (a number compared with a string, say).
    ///
    /// ```json
    /// {"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [{"Variable": "$.a",
    ///   "NumericEquals": "5", "Next": "D"}], "Default": "D"}, "D": {"Type": "Succeed"}}}
    /// ```
    ChoiceOperandType = "choice-operand-type",
    /// A backslash in a `StringMatches` pattern that escapes neither `*` nor `\` (a warning: AWS
    /// fails the execution when the rule is evaluated).
    ///
    /// ```json
    /// {"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [{"Variable": "$.a",
    ///   "StringMatches": "a\\b", "Next": "D"}], "Default": "D"}, "D": {"Type": "Succeed"}}}
    /// ```
    ChoicePatternEscape = "choice-pattern-escape",
    /// A Choice rule's `Variable` or `…Path` operand that is not a reference path.
    ///
    /// ```json
    /// {"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [{"Variable": "$.a[",
    ///   "IsNull": true, "Next": "D"}], "Default": "D"}, "D": {"Type": "Succeed"}}}
    /// ```
    InvalidPath = "invalid-path",
    /// Choice rules nested more than 32 deep inside `And`, `Or` and `Not` (Baton's limit).
    ///
    /// ```json
    /// {"StartAt": "C", "States": {"C": {"Type": "Choice", "Default": "D", "Choices": [{"Next": "D", "Not":
    /// {"Not": {"Not": {"Not": {"Not": {"Not": {"Not": {"Not": {"Not": {"Not": {"Not": {"Not":
    /// {"Not": {"Not": {"Not": {"Not": {"Not": {"Not": {"Not": {"Not": {"Not": {"Not": {"Not":
    /// {"Not": {"Not": {"Not": {"Not": {"Not": {"Not": {"Not": {"Not": {"Not": {"Not": {"Not":
    /// {"Variable": "$.a", "IsNull": true}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}]},
    ///  "D": {"Type": "Succeed"}}}
    /// ```
    ChoiceTooDeep = "choice-too-deep",

    // Whole-machine checks (`crate::validate`).

    /// A state that no transition leads to.
    ///
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Succeed"}, "B": {"Type": "Succeed"}}}
    /// ```
    UnreachableState = "unreachable-state",
    /// A name that cannot be a variable name in `Assign`.
    ///
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "Assign": {"order.total": 1}, "End": true}}}
    /// ```
    BadVariableName = "bad-variable-name",
    /// A Parallel branch or Map iteration that assigns a variable of the enclosing scope.
    ///
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "Assign": {"n": 1}, "Next": "P"},
    ///   "P": {"Type": "Parallel", "End": true, "Branches": [{"StartAt": "B",
    ///     "States": {"B": {"Type": "Pass", "Assign": {"n": 2}, "End": true}}}]}}}
    /// ```
    AssignsOuterVariable = "assigns-outer-variable",
    /// A task resource Baton does not know (a warning: the scenario's responders answer it).
    ///
    /// ```json
    /// {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:example:worker",
    ///   "End": true}}}
    /// ```
    UnknownResource = "unknown-resource",
    /// A task resource that is still a template, with `${...}` placeholders (a warning: Baton reads
    /// it for the integration it most plausibly names, here a Lambda function).
    ///
    /// ```json
    /// {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "${FnArn}", "End": true}}}
    /// ```
    ResourcePlaceholder = "resource-placeholder",
    /// A task that waits for a token but never passes `$$.Task.Token` (a warning).
    ///
    /// ```json
    /// {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
    ///   "Parameters": {"QueueUrl": "q", "MessageBody": "hi"}, "TimeoutSeconds": 60, "End": true}}}
    /// ```
    TokenNotPassed = "token-not-passed",
    /// A task that waits for a callback with no `TimeoutSeconds` (a warning).
    ///
    /// ```json
    /// {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
    ///   "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}}, "End": true}}}
    /// ```
    CallbackWithoutTimeout = "callback-without-timeout",
    /// A callback task's catcher for `States.TaskFailed`, which a timeout slips past (a warning).
    ///
    /// ```json
    /// {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
    ///   "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}}, "TimeoutSeconds": 60,
    ///   "Catch": [{"ErrorEquals": ["States.TaskFailed"], "Next": "F"}], "End": true}, "F": {"Type": "Fail"}}}
    /// ```
    TaskFailedMissesTimeout = "task-failed-misses-timeout",
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each code's doc example, read from this file: `(variant name, string form, example)`.
    fn documented() -> Vec<(String, String, String)> {
        let mut out = Vec::new();
        let (mut example, mut in_example) = (String::new(), false);
        for line in include_str!("codes.rs").lines().map(str::trim) {
            if let Some(doc) = line.strip_prefix("///") {
                let doc = doc.strip_prefix(' ').unwrap_or(doc);
                match doc {
                    "```json" => in_example = true,
                    "```" => in_example = false,
                    text if in_example => example.push_str(text),
                    _ => {}
                }
            } else if let Some((name, text)) = line.strip_suffix("\",").and_then(|l| l.split_once(" = \"")) {
                out.push((name.to_string(), text.to_string(), std::mem::take(&mut example)));
            }
        }
        out
    }

    #[test]
    fn every_code_is_emitted_by_its_documented_example() {
        let documented = documented();
        assert_eq!(documented.len(), Code::ALL.len(), "one example per code");
        for ((name, text, example), code) in documented.iter().zip(Code::ALL) {
            assert_eq!(format!("{code:?}"), *name);
            assert_eq!(code.as_str(), text);
            assert!(!example.is_empty(), "{name} has no example");
            // An example too large to write out is written with a placeholder.
            let example = example.replace("(1 MiB)", &"x".repeat(crate::MAX_DEFINITION_BYTES));
            let compiled = crate::compile(&example);
            let codes: Vec<Code> = compiled.diagnostics().iter().map(|d| d.code).collect();
            // Which of the JSONata examples give their own code depends on the build.
            let jsonata_example = example.contains("\"JSONata\"");
            let expected = match (crate::jsonata::available(), *code) {
                (true, Code::JsonataUnsupported) => {
                    assert!(!codes.contains(code), "{name}: this build runs JSONata");
                    continue;
                }
                (false, _) if jsonata_example => Code::JsonataUnsupported,
                _ => *code,
            };
            assert!(codes.contains(&expected), "{name}: the example gives {codes:?}, not {text}");
        }
    }

    #[test]
    fn names_are_unique_and_kebab_case() {
        for (i, code) in Code::ALL.iter().enumerate() {
            let text = code.as_str();
            assert!(text.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'), "{text}");
            assert!(Code::ALL[..i].iter().all(|c| c.as_str() != text), "{text} twice");
            assert_eq!(code.to_string(), text);
        }
    }
}
