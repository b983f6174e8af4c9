//! JSONPath-mode input and output processing (ASL-SEMANTICS §5.1):
//! raw input -> InputPath -> Parameters -> (the state's work) -> ResultSelector -> ResultPath
//! (merged into the raw input) -> OutputPath.
//!
//! Failures here are `States.Runtime`: AWS reports path misses with that name, and it can be
//! neither retried nor caught.

use crate::model::{PathField, ResultPath};
use crate::template::{Env, EvalError, Template};
use crate::value::Value;

pub const RUNTIME: &str = "States.Runtime";

fn runtime(cause: String) -> EvalError {
    EvalError { error: RUNTIME.into(), cause }
}

/// `InputPath` / `OutputPath`, applied to `env.input`.
pub fn select(field: &PathField, env: &Env) -> Result<Value, EvalError> {
    match field {
        PathField::Whole => Ok(env.input.clone()),
        PathField::Null => Ok(Value::empty_object()),
        PathField::Path(path) => env
            .resolve(path)
            .map_err(|miss| runtime(format!("Invalid path '{}' : {}", path.text(), miss.message))),
    }
}

/// `ResultPath`: places the result into the raw input.
pub fn merge(field: &ResultPath, raw_input: &Value, result: Value) -> Result<Value, EvalError> {
    match field {
        ResultPath::Replace => Ok(result),
        ResultPath::Discard => Ok(raw_input.clone()),
        ResultPath::Path(path) => path
            .assign(raw_input, result)
            .map_err(|miss| runtime(format!("Invalid path '{}' : {}", path.text(), miss.message))),
    }
}

/// A payload template (Parameters, ResultSelector, ItemSelector, Assign), or the value itself.
pub fn apply(template: Option<&Template>, env: &mut Env) -> Result<Value, EvalError> {
    match template {
        Some(t) => t.eval(env),
        None => Ok(env.input.clone()),
    }
}
