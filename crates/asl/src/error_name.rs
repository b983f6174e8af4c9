//! Error names, typed: the `States.*` names Step Functions defines (ASL-SEMANTICS §8.5) and any
//! other name a task, a Fail state or SendTaskFailure reports. One place decides how a name is
//! spelled, which failures end the execution outright, and which `ErrorEquals` entry handles
//! which failure.

use std::fmt;
use std::rc::Rc;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ErrorName {
    /// `States.ALL`: only in `ErrorEquals`, where it matches every failure.
    All,
    HeartbeatTimeout,
    Timeout,
    /// `States.TaskFailed`: in `ErrorEquals`, every failure except a timeout.
    TaskFailed,
    Permissions,
    ResultPathMatchFailure,
    ParameterPathFailure,
    QueryEvaluationError,
    BranchFailed,
    NoChoiceMatched,
    IntrinsicFailure,
    ExceedToleratedFailureThreshold,
    ItemReaderFailed,
    ResultWriterFailed,
    DataLimitExceeded,
    Runtime,
    /// Any other name, `Lambda.ServiceException` or `ApprovalRejected` alike.
    Custom(Rc<str>),
}

/// The predefined names with their spelling, in the order ASL-SEMANTICS §8.5 lists them.
const PREDEFINED: [(ErrorName, &str); 16] = [
    (ErrorName::All, "States.ALL"),
    (ErrorName::HeartbeatTimeout, "States.HeartbeatTimeout"),
    (ErrorName::Timeout, "States.Timeout"),
    (ErrorName::TaskFailed, "States.TaskFailed"),
    (ErrorName::Permissions, "States.Permissions"),
    (ErrorName::ResultPathMatchFailure, "States.ResultPathMatchFailure"),
    (ErrorName::ParameterPathFailure, "States.ParameterPathFailure"),
    (ErrorName::QueryEvaluationError, "States.QueryEvaluationError"),
    (ErrorName::BranchFailed, "States.BranchFailed"),
    (ErrorName::NoChoiceMatched, "States.NoChoiceMatched"),
    (ErrorName::IntrinsicFailure, "States.IntrinsicFailure"),
    (ErrorName::ExceedToleratedFailureThreshold, "States.ExceedToleratedFailureThreshold"),
    (ErrorName::ItemReaderFailed, "States.ItemReaderFailed"),
    (ErrorName::ResultWriterFailed, "States.ResultWriterFailed"),
    (ErrorName::DataLimitExceeded, "States.DataLimitExceeded"),
    (ErrorName::Runtime, "States.Runtime"),
];

impl ErrorName {
    pub fn parse(name: &str) -> ErrorName {
        match PREDEFINED.iter().find(|(_, spelled)| *spelled == name) {
            Some((known, _)) => known.clone(),
            None => ErrorName::Custom(name.into()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            ErrorName::Custom(name) => name,
            known => PREDEFINED.iter().find(|(n, _)| n == known).map_or("", |(_, spelled)| spelled),
        }
    }

    /// A name Step Functions reserves: user errors must not start with `States.`.
    pub fn is_predefined(&self) -> bool {
        !matches!(self, ErrorName::Custom(_))
    }

    /// Whether a failure with this name ends the execution without Retry or Catch. Only
    /// `States.Runtime` does: AWS retries and catches even `States.DataLimitExceeded` raised by
    /// a task result, although its docs call it terminal (ASL-SEMANTICS §8.5, recorded).
    pub fn is_terminal(&self) -> bool {
        *self == ErrorName::Runtime
    }

    /// Whether an `ErrorEquals` entry naming `self` handles a failure named `error` (`None` when
    /// SendTaskFailure named none); `heartbeat` says a timeout came from HeartbeatSeconds.
    ///
    /// - `States.ALL` handles everything, the nameless failure included (recorded on AWS);
    /// - `States.TaskFailed` handles every named failure but `States.Timeout`;
    /// - `States.HeartbeatTimeout` handles a missed heartbeat, which AWS records as
    ///   `States.Timeout` (its match is Baton's reading of the spec, unverified on AWS);
    /// - any other entry handles exactly its own name.
    pub fn handles(&self, error: Option<&ErrorName>, heartbeat: bool) -> bool {
        match (self, error) {
            (ErrorName::All, _) => true,
            (_, None) => false,
            (ErrorName::TaskFailed, Some(e)) => *e != ErrorName::Timeout,
            (ErrorName::HeartbeatTimeout, Some(e)) => heartbeat || *e == ErrorName::HeartbeatTimeout,
            (name, Some(e)) => name == e,
        }
    }
}

impl fmt::Display for ErrorName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<&str> for ErrorName {
    fn from(name: &str) -> ErrorName {
        ErrorName::parse(name)
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorName::{self, *};

    #[test]
    fn names_read_and_print_the_same() {
        for (name, spelled) in super::PREDEFINED.iter() {
            assert_eq!(ErrorName::parse(spelled), *name);
            assert_eq!(name.as_str(), *spelled);
            assert!(name.is_predefined());
        }
        assert_eq!(ErrorName::parse("Lambda.Unknown"), Custom("Lambda.Unknown".into()));
        assert_eq!(ErrorName::parse("States.Nonsense").to_string(), "States.Nonsense");
        assert!(!ErrorName::parse("States.Nonsense").is_predefined());
    }

    #[test]
    fn only_the_runtime_error_is_terminal() {
        let terminal: Vec<&ErrorName> =
            super::PREDEFINED.iter().map(|(n, _)| n).filter(|n| n.is_terminal()).collect();
        assert_eq!(terminal, [&Runtime]);
        assert!(!Custom("States.Runtime!".into()).is_terminal());
    }

    #[test]
    fn error_equals_matching_table() {
        let custom = Custom("Boom".into());
        // (entry, failure, heartbeat, handled)
        let rows: [(ErrorName, Option<ErrorName>, bool, bool); 12] = [
            (All, Some(Timeout), false, true),
            (All, None, false, true),
            (TaskFailed, Some(custom.clone()), false, true),
            (TaskFailed, Some(Timeout), false, false),
            (TaskFailed, Some(Timeout), true, false),
            (TaskFailed, None, false, false),
            (Timeout, Some(Timeout), true, true),
            (HeartbeatTimeout, Some(Timeout), true, true),
            (HeartbeatTimeout, Some(Timeout), false, false),
            (custom.clone(), Some(custom.clone()), false, true),
            (custom.clone(), Some(Custom("Other".into())), false, false),
            (DataLimitExceeded, Some(DataLimitExceeded), false, true),
        ];
        for (entry, failure, heartbeat, handled) in rows {
            assert_eq!(
                entry.handles(failure.as_ref(), heartbeat),
                handled,
                "{entry} vs {failure:?} ({heartbeat})"
            );
        }
    }
}
