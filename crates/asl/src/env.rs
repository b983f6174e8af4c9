//! The environment paths, intrinsic calls, templates and Choice rules are evaluated in: `$`
//! (input), `$$` (context), `$name` (variables) and the execution's seeded randomness; and the
//! run-time failure they report.

use std::fmt;
use std::rc::Rc;

use crate::error_name::ErrorName;
use crate::path::{Path, PathMiss, Root};
use crate::rng::Rng;
use crate::value::{Map, Value};

/// Workflow variables visible to a state (the scope chain lives in the engine).
pub trait Variables {
    fn get(&self, name: &str) -> Option<Value>;
}

/// A flat map of variables, handy in tests.
impl Variables for Map {
    fn get(&self, name: &str) -> Option<Value> {
        indexmap::IndexMap::get(self, name).cloned()
    }
}

/// For states that see no variables.
pub struct NoVariables;

impl Variables for NoVariables {
    fn get(&self, _name: &str) -> Option<Value> {
        None
    }
}

/// Everything a path or an intrinsic call can read: `$` (input), `$$` (context), `$name`
/// (variables), plus the execution's seeded randomness for `States.UUID`/`States.MathRandom`.
pub struct Env<'a> {
    pub input: &'a Value,
    pub context: &'a Value,
    pub variables: &'a dyn Variables,
    pub rng: &'a mut Rng,
}

impl Env<'_> {
    /// Evaluates `path` against the document its root names; an unknown variable is a miss.
    pub fn resolve(&self, path: &Path) -> Result<Value, PathMiss> {
        match path.root() {
            Root::Input => path.select(self.input),
            Root::Context => path.select(self.context),
            Root::Variable(name) => match self.variables.get(name) {
                Some(value) => path.select(&value),
                None => Err(PathMiss { message: format!("The variable '${name}' has not been assigned") }),
            },
        }
    }
}

/// A run-time failure: `error` is the AWS error name, `cause` the text after AWS's
/// `An error occurred while executing the state '<S>' (entered at the event id #<n>). ` prefix,
/// which the engine adds.
#[derive(Clone, Debug, PartialEq)]
pub struct EvalError {
    pub error: ErrorName,
    pub cause: String,
    /// For a JSONata failure, the field AWS names in its `EvaluationFailed` event
    /// (`Output/result`, `Items`); `None` otherwise.
    pub location: Option<Rc<str>>,
}

impl EvalError {
    /// `States.Runtime`, the name AWS gives a path that selects nothing or a value of the wrong
    /// kind where the state needs one.
    pub fn runtime(cause: String) -> EvalError {
        EvalError { error: ErrorName::Runtime, cause, location: None }
    }

    /// This failure, named as happening in the JSONata field `location` (kept if already set).
    pub fn at(mut self, location: &str) -> EvalError {
        if self.location.is_none() && self.error == ErrorName::QueryEvaluationError {
            self.location = Some(location.into());
        }
        self
    }
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.error, self.cause)
    }
}

impl std::error::Error for EvalError {}

/// How deeply the JSON values the engine builds (templates, intrinsic results, `ResultPath`
/// merges, indefinite path results) may nest objects and arrays: the same limit as for definitions
/// ([`crate::source::MAX_DEPTH`]), so that one number bounds every value Baton holds. Dropping,
/// comparing and serialising a value recurse once per level; at this depth that takes about
/// 400 KiB of stack in a release build, within the browser's 1 MiB. AWS documents no limit
/// (ASL-SEMANTICS has none; Jackson, the Java JSON library, refuses 1,000 levels by default since
/// version 2.15, but whether Step Functions keeps that default is not known). serde_json, which
/// reads every execution input and task result here, refuses 128, so values this deep only ever
/// come from a definition or from a loop that nests its own output a little deeper each time.
///
/// Every value the engine holds is within the limit, so each place that builds a value checks
/// only what it adds: the values it places inside new containers, against what the containers
/// leave of the limit ([`check_depth`]). Walking a whole state's data at every step would cost
/// more than the step itself.
pub const MAX_VALUE_DEPTH: usize = crate::source::MAX_DEPTH;

/// True when `value` nests objects and arrays more than `limit` levels deep (`[]` is one level).
/// A loop with an explicit stack, so asking is safe however deep the value is.
pub fn nests_deeper_than(value: &Value, limit: usize) -> bool {
    fn is_container(value: &Value) -> bool {
        matches!(value, Value::Array(_) | Value::Object(_))
    }
    // Objects and arrays only (most values are scalars, and skipping them here is most of the
    // speed), each with its depth: `[]` is 1 deep.
    let mut pending = Vec::new();
    if is_container(value) {
        pending.push((value, 1));
    }
    while let Some((value, depth)) = pending.pop() {
        if depth > limit {
            return true;
        }
        match value {
            Value::Array(items) => {
                pending.extend(items.iter().filter(|v| is_container(v)).map(|v| (v, depth + 1)));
            }
            Value::Object(map) => {
                pending.extend(map.values().filter(|v| is_container(v)).map(|v| (v, depth + 1)));
            }
            _ => {}
        }
    }
    false
}

/// How the message of [`too_deep_message`] starts.
pub(crate) const TOO_DEEP: &str = "the value built here would nest objects and arrays more than";

pub(crate) fn too_deep_message() -> String {
    format!("{TOO_DEEP} {MAX_VALUE_DEPTH} levels deep (Baton's limit)")
}

/// `States.Runtime` unless `value` can be placed inside `enclosing` new objects or arrays and stay
/// within [`MAX_VALUE_DEPTH`], so that nothing deeper is ever built.
pub fn check_depth(value: Value, enclosing: usize) -> Result<Value, EvalError> {
    match MAX_VALUE_DEPTH.checked_sub(enclosing) {
        Some(room) if !nests_deeper_than(&value, room) => Ok(value),
        _ => Err(EvalError::runtime(too_deep_message())),
    }
}

/// What a path that failed to select reports in a template or an intrinsic argument: AWS's "not
/// found" cause ([`path_not_found`]), unless the path gave up on one of Baton's limits.
pub(crate) fn path_failed(path: &Path, miss: PathMiss, field: Option<&str>, input: &Value) -> EvalError {
    if miss.is_limit() {
        path_over_limit(path, &miss)
    } else {
        path_not_found(path, field, input)
    }
}

/// `States.Runtime` for a path given up on one of Baton's limits ([`PathMiss::is_limit`]).
pub(crate) fn path_over_limit(path: &Path, miss: &PathMiss) -> EvalError {
    EvalError::runtime(format!("Invalid path '{path}' : {}", miss.message))
}

/// AWS's cause for a template path that selects nothing (recorded as `States.Runtime`).
///
/// The input printed is always the state's input (`env.input`), also for `$$` paths: in the corpus
/// case `test_invalid_jsonpath__INVALID_JSONPATH_IN_STRING_EXPR_CONTEXTPATH` the cause of a missing
/// `$$.Execution.Input.no_such_jsonpath` ends in exactly the execution input, not the context object.
/// Variables follow the same rule (not recorded).
pub(crate) fn path_not_found(path: &Path, field: Option<&str>, input: &Value) -> EvalError {
    let cause = match field {
        Some(field) => format!(
            "The JSONPath '{path}' specified for the field '{field}' could not be found in the input '{}'",
            input.to_json()
        ),
        None => format!("The JSONPath '{path}' could not be found in the input '{}'", input.to_json()),
    };
    EvalError::runtime(cause)
}
