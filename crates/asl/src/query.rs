//! JSONata-mode field values: JSON in which any string written `{% expression %}` is a JSONata
//! expression, at any depth (ASL-SEMANTICS §6.2). `Arguments`, `Output`, `Assign`, `Items`,
//! `ItemSelector`, a Choice rule's `Condition`, `TimeoutSeconds`... all hold one.
//!
//! Compiled once, like payload templates: the subtrees without expressions stay shared
//! [`Value`]s. Evaluating one needs `$states` and the visible variables; the engine itself sits
//! behind [`crate::jsonata`].

use std::rc::Rc;

use crate::env::{check_depth, EvalError, Variables};
use crate::error_name::ErrorName;
use crate::jsonata::{Expression, Host, JsonataError, Outcome};
use crate::value::{Map, Value};

/// A compiled JSONata-mode value. Cloning is O(1).
#[derive(Clone, Debug)]
pub struct Query {
    root: Rc<Node>,
}

#[derive(Debug)]
enum Node {
    Literal(Value),
    Expression(Expression),
    Object(Vec<(Rc<str>, Node)>),
    Array(Vec<Node>),
}

/// A syntax error in one expression of a value: where the string is (an RFC 6901 pointer
/// relative to the value) and where in the string the engine stopped.
#[derive(Clone, Debug, PartialEq)]
pub struct QuerySyntaxError {
    pub pointer: String,
    /// The expression's text, as written between `{%` and `%}`.
    pub expression: String,
    pub error: JsonataError,
    /// Characters into the JSON string (its decoded text) where the problem is.
    pub string_offset: Option<usize>,
}

/// What an evaluation reads: `$states` (`input`, and `result`, `errorOutput`, `context` where AWS
/// allows them), the variables in scope, the clock and a seed.
pub struct QueryEnv<'a> {
    pub states: &'a Value,
    pub variables: &'a dyn Variables,
    pub host: Host,
}

/// The expression inside `text` when it is one: exactly `{%` ... `%}` (AWS's rule: anything else is
/// a literal string, even `"$states.input"`), with its offset in characters.
pub fn expression_in(text: &str) -> Option<(&str, usize)> {
    let inner = text.strip_prefix("{%")?.strip_suffix("%}")?;
    let trimmed = inner.trim_start();
    let offset = 2 + inner[..inner.len() - trimmed.len()].chars().count();
    Some((trimmed.trim_end(), offset))
}

impl Query {
    /// Compiles `v`, reporting every expression that does not parse.
    pub fn compile(v: &Value) -> Result<Query, Vec<QuerySyntaxError>> {
        let mut errors = Vec::new();
        let mut pointer = String::new();
        let root = compile_node(v, &mut pointer, &mut errors);
        if errors.is_empty() {
            Ok(Query { root: Rc::new(root) })
        } else {
            Err(errors)
        }
    }

    /// Whether the value has no expression at all.
    pub fn is_literal(&self) -> bool {
        matches!(&*self.root, Node::Literal(_))
    }

    /// The literal value, when there is no expression in it.
    pub fn literal(&self) -> Option<&Value> {
        match &*self.root {
            Node::Literal(v) => Some(v),
            _ => None,
        }
    }

    /// Every expression's text, in definition order.
    pub fn expressions(&self) -> Vec<&str> {
        fn walk<'a>(node: &'a Node, out: &mut Vec<&'a str>) {
            match node {
                Node::Literal(_) => {}
                Node::Expression(e) => out.push(e.text()),
                Node::Object(members) => members.iter().for_each(|(_, n)| walk(n, out)),
                Node::Array(items) => items.iter().for_each(|n| walk(n, out)),
            }
        }
        let mut out = Vec::new();
        walk(&self.root, &mut out);
        out
    }

    /// Evaluates the value for the field named `field` (`Output`, `Arguments`...): AWS names the
    /// place of a failing expression below it, `Output/result`. Failures are
    /// `States.QueryEvaluationError` with AWS's causes, and their place in [`EvalError::location`].
    pub fn eval(&self, field: &str, env: &QueryEnv) -> Result<Value, EvalError> {
        let mut location = field.to_string();
        eval_node(&self.root, &mut location, env, 0)
    }

    /// As [`Query::eval`], but an undefined top-level result is `None` rather than an error: the
    /// caller words its own complaint (Map `Items`).
    pub fn eval_optional(&self, field: &str, env: &QueryEnv) -> Result<Option<Value>, EvalError> {
        match &*self.root {
            Node::Expression(e) => evaluate(e, field, env),
            _ => self.eval(field, env).map(Some),
        }
    }
}

fn compile_node(v: &Value, pointer: &mut String, errors: &mut Vec<QuerySyntaxError>) -> Node {
    match v {
        Value::String(s) => match expression_in(s) {
            None => Node::Literal(v.clone()),
            Some((text, start)) => match Expression::parse(text) {
                Ok(e) => Node::Expression(e),
                Err(error) => {
                    let string_offset = error.offset.map(|o| start + o);
                    errors.push(QuerySyntaxError {
                        pointer: pointer.clone(),
                        expression: text.to_string(),
                        error,
                        string_offset,
                    });
                    Node::Literal(Value::Null)
                }
            },
        },
        Value::Object(map) => {
            let mut members = Vec::with_capacity(map.len());
            for (k, item) in map.iter() {
                let len = pointer.len();
                pointer.push_str(&crate::diagnostic::pointer_join("", k));
                members.push((k.clone(), compile_node(item, pointer, errors)));
                pointer.truncate(len);
            }
            if members.iter().all(|(_, n)| matches!(n, Node::Literal(_))) {
                Node::Literal(v.clone())
            } else {
                Node::Object(members)
            }
        }
        Value::Array(list) => {
            let mut items = Vec::with_capacity(list.len());
            for (i, item) in list.iter().enumerate() {
                let len = pointer.len();
                pointer.push_str(&format!("/{i}"));
                items.push(compile_node(item, pointer, errors));
                pointer.truncate(len);
            }
            if items.iter().all(|n| matches!(n, Node::Literal(_))) {
                Node::Literal(v.clone())
            } else {
                Node::Array(items)
            }
        }
        _ => Node::Literal(v.clone()),
    }
}

fn eval_node(node: &Node, location: &mut String, env: &QueryEnv, depth: usize) -> Result<Value, EvalError> {
    match node {
        Node::Literal(v) => Ok(v.clone()),
        Node::Expression(e) => match evaluate(e, location, env)? {
            // A result placed `depth` containers deep must stay within Baton's nesting limit.
            Some(v) => check_depth(v, depth).map_err(|e| e.at(location)),
            None => Err(query_error(
                location,
                format!(
                    "The JSONata expression '{}' specified for the field '{location}' returned nothing (undefined).",
                    e.text()
                ),
            )),
        },
        Node::Object(members) => {
            let mut out = Map::with_capacity(members.len());
            for (k, n) in members {
                let len = location.len();
                location.push('/');
                location.push_str(k);
                let v = eval_node(n, location, env, depth + 1)?;
                location.truncate(len);
                out.insert(k.clone(), v);
            }
            Ok(Value::object(out))
        }
        Node::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            // AWS's name for a place inside an array is not recorded; Baton writes the index as
            // one more step (`Output/list/0`), as it writes a member (`Output/result`, recorded).
            for (i, n) in items.iter().enumerate() {
                let len = location.len();
                location.push_str(&format!("/{i}"));
                out.push(eval_node(n, location, env, depth + 1)?);
                location.truncate(len);
            }
            Ok(Value::array(out))
        }
    }
}

/// One expression, with `$states` and the variables it mentions bound.
fn evaluate(e: &Expression, location: &str, env: &QueryEnv) -> Result<Option<Value>, EvalError> {
    // Only what the text names is handed over: converting every variable for every expression
    // would cost more than most expressions.
    let mut owned: Vec<(&str, Value)> = Vec::new();
    for name in e.variables() {
        if name == "states" {
            owned.push((name, env.states.clone()));
        } else if let Some(v) = env.variables.get(name) {
            owned.push((name, v));
        }
    }
    let bindings: Vec<(&str, &Value)> = owned.iter().map(|(n, v)| (*n, v)).collect();
    let outcome = e.evaluate(&bindings, env.host).map_err(|err| {
        query_error(
            location,
            format!(
                "The JSONata expression '{}' specified for the field '{location}' threw an error during evaluation. {}: {}",
                e.text(),
                err.code,
                err.message
            ),
        )
    })?;
    match outcome {
        Outcome::Value(v) => Ok(Some(v)),
        Outcome::Undefined => Ok(None),
        // AWS's words (recorded for Map `Items`).
        Outcome::Function => Err(query_error(
            location,
            format!(
                "The JSONata expression '{}' specified for the field '{location}' returned an unsupported result type.",
                e.text()
            ),
        )),
    }
}

/// `States.QueryEvaluationError` at `location`.
pub fn query_error(location: &str, cause: String) -> EvalError {
    EvalError { error: ErrorName::QueryEvaluationError, cause, location: Some(location.into()) }
}

#[cfg(all(test, feature = "jsonata"))]
mod tests {
    use super::*;
    use crate::env::NoVariables;

    fn env(states: &Value) -> QueryEnv<'_> {
        QueryEnv { states, variables: &NoVariables, host: Host { now_ms: 0, seed: 1 } }
    }

    #[test]
    fn only_whole_strings_in_braces_are_expressions() {
        assert_eq!(expression_in("{% $x %}"), Some(("$x", 3)));
        assert_eq!(expression_in("{%$x%}"), Some(("$x", 2)));
        assert_eq!(expression_in(" {% $x %}"), None);
        assert_eq!(expression_in("$states.input"), None);
    }

    #[test]
    fn nested_expressions_are_evaluated_and_named_by_their_place() {
        let v = Value::parse(r#"{"a": "{% $states.input.n + 1 %}", "b": ["{% $nope %}"]}"#).unwrap();
        let q = Query::compile(&v).unwrap();
        let states = Value::parse(r#"{"input": {"n": 1}}"#).unwrap();
        let e = q.eval("Output", &env(&states)).unwrap_err();
        assert_eq!(e.location.as_deref(), Some("Output/b/0"));
        assert!(e.cause.ends_with("returned nothing (undefined)."), "{}", e.cause);
    }

    #[test]
    fn syntax_errors_are_located_in_the_string() {
        let v = Value::parse(r#"{"a": "{%  1 + %}"}"#).unwrap();
        let errors = Query::compile(&v).unwrap_err();
        assert_eq!(errors[0].pointer, "/a");
        assert!(errors[0].string_offset.is_some());
    }
}
