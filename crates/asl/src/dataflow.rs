//! JSONPath-mode input and output processing (ASL-SEMANTICS §5.1):
//! raw input -> InputPath -> Parameters -> (the state's work) -> ResultSelector -> ResultPath
//! (merged into the raw input) -> OutputPath.
//!
//! Failures here are `States.Runtime`: AWS reports path misses with that name, and it can be
//! neither retried nor caught.

use crate::env::{check_depth, Env, EvalError};
use crate::model::{PathField, ResultPath};
use crate::template::Template;
use crate::value::Value;

/// `InputPath` / `OutputPath`, applied to `env.input`.
pub fn select(field: &PathField, env: &Env) -> Result<Value, EvalError> {
    match field {
        PathField::Whole => Ok(env.input.clone()),
        PathField::Null => Ok(Value::empty_object()),
        PathField::Path(path) => env
            .resolve(path)
            .map_err(|miss| EvalError::runtime(format!("Invalid path '{}' : {}", path.text(), miss.message))),
    }
}

/// `ResultPath`: places the result into the raw input. Every state's result passes through here,
/// so this is where a result that would nest too deeply is stopped ([`check_depth`]), whatever
/// built it (a Task's answer, the array of a Map's or a Parallel's outputs).
pub fn merge(field: &ResultPath, raw_input: &Value, result: Value) -> Result<Value, EvalError> {
    match field {
        ResultPath::Replace => check_depth(result, 0),
        ResultPath::Discard => Ok(raw_input.clone()),
        ResultPath::Path(path) => {
            // Each step of the path may be a new object around the result.
            let result = check_depth(result, path.steps())?;
            path.assign(raw_input, result).map_err(|miss| {
                EvalError::runtime(format!("Invalid path '{}' : {}", path.text(), miss.message))
            })
        }
    }
}

/// A payload template (Parameters, ResultSelector, ItemSelector, Assign), or the value itself.
pub fn apply(template: Option<&Template>, env: &mut Env) -> Result<Value, EvalError> {
    match template {
        Some(t) => t.eval(env),
        None => Ok(env.input.clone()),
    }
}
