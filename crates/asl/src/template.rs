//! Payload templates (`Parameters`, `ResultSelector`, `ItemSelector`, JSONPath `Assign`).
//!
//! A template is compiled once: every `"key.$"` value becomes a parsed [`Path`] or [`Intrinsic`],
//! and every subtree without `.$` keys stays a shared [`Value`] that evaluation hands out with an O(1)
//! clone instead of rebuilding it.
//!
//! Key order: AWS rebuilds an object that has `.$` keys as a Java `HashMap`, so such an object comes
//! out in hash order, while objects without `.$` keys keep the definition's order (evidence in
//! `java::java_hash_order`). The order is fixed at compile time, costing nothing per evaluation.

use std::rc::Rc;

use crate::diagnostic::{abbreviate, MAX_DIAGNOSTICS};
use crate::env::{check_depth, path_failed, Env, EvalError};
use crate::intrinsics::{self, Intrinsic};
use crate::java;
use crate::path::Path;
use crate::value::{Map, Value};

/// A compiled payload template. Cloning is O(1).
#[derive(Clone, Debug)]
pub struct Template {
    root: Rc<Node>,
}

/// A problem found while compiling a template.
#[derive(Clone, Debug, PartialEq)]
pub struct TemplateError {
    /// RFC 6901 pointer relative to the template root, e.g. `/MessageBody/TaskToken.$`.
    pub pointer: String,
    /// AWS's message (what `SCHEMA_VALIDATION_FAILED: ...` shows).
    pub message: String,
    /// What exactly is wrong, for people; AWS shows nothing like it.
    pub detail: String,
}

#[derive(Debug)]
enum Node {
    /// A subtree with no `.$` keys, handed out as is.
    Literal(Value),
    /// Members in output order.
    Object(Vec<(Rc<str>, Node)>),
    Array(Vec<Node>),
    /// `"key.$": "$..."`; `field` is the key with its `.$`, for messages.
    Path {
        field: Rc<str>,
        path: Path,
    },
    Call {
        field: Rc<str>,
        call: Intrinsic,
    },
}

impl Template {
    /// Compiles a template, collecting every problem rather than stopping at the first.
    pub fn compile(v: &Value) -> Result<Template, Vec<TemplateError>> {
        let mut errors = Vec::new();
        let mut pointer = String::new();
        let root = compile_node(v, &mut pointer, &mut errors);
        if errors.is_empty() {
            Ok(Template { root: Rc::new(root) })
        } else {
            Err(errors)
        }
    }

    /// Builds the payload: `.$` keys lose their suffix and get their path's or call's value.
    /// Fails rather than build a value deeper than [`crate::env::MAX_VALUE_DEPTH`]: a template
    /// that nests the state's own input, run in a loop, would nest deeper each time round.
    pub fn eval(&self, env: &mut Env) -> Result<Value, EvalError> {
        eval_node(&self.root, env, 0)
    }

    /// True when some path in the template (including intrinsic arguments) is `path_text`, in
    /// any notation — e.g. `$$.Task.Token` for the "waitForTaskToken without a token" lint.
    pub fn references_context_path(&self, path_text: &str) -> bool {
        let Ok(wanted) = Path::parse(path_text) else { return false };
        let wanted = wanted.canonical();
        let mut found = false;
        visit_paths(&self.root, &mut |p| found |= p.canonical() == wanted);
        found
    }

    /// True when the template has no `.$` keys at all (its value is constant).
    pub fn is_constant(&self) -> bool {
        matches!(*self.root, Node::Literal(_))
    }
}

fn visit_paths(node: &Node, f: &mut dyn FnMut(&Path)) {
    match node {
        Node::Literal(_) => {}
        Node::Object(entries) => entries.iter().for_each(|(_, n)| visit_paths(n, f)),
        Node::Array(items) => items.iter().for_each(|n| visit_paths(n, f)),
        Node::Path { path, .. } => f(path),
        Node::Call { call, .. } => call.for_each_path(f),
    }
}

/// Appends one RFC 6901 reference token.
fn push_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    for c in token.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            c => pointer.push(c),
        }
    }
}

fn compile_node(v: &Value, pointer: &mut String, errors: &mut Vec<TemplateError>) -> Node {
    match v {
        Value::Object(map) => {
            let mut entries = Vec::with_capacity(map.len());
            let mut dynamic = false;
            let mut has_dollar_key = false;
            for (key, child) in map.iter() {
                if errors.len() >= MAX_DIAGNOSTICS {
                    break;
                }
                let len = pointer.len();
                push_token(pointer, key);
                let node = match key.strip_suffix(".$") {
                    Some(name) => {
                        has_dollar_key = true;
                        if map.contains_key(name) {
                            errors.push(TemplateError {
                                pointer: pointer.clone(),
                                message: format!(
                                    "The field '{name}' is defined twice: as '{name}' and as '{key}'"
                                ),
                                detail: format!(
                                    "'{key}' is renamed to '{name}', which the object already has"
                                ),
                            });
                        }
                        let node = compile_expr(key, child, pointer, errors);
                        (Rc::from(name), node)
                    }
                    None => (key.clone(), compile_node(child, pointer, errors)),
                };
                pointer.truncate(len);
                dynamic |= !matches!(node.1, Node::Literal(_));
                entries.push(node);
            }
            if !dynamic && !has_dollar_key {
                return Node::Literal(v.clone());
            }
            if has_dollar_key {
                let order = java::java_hash_permutation(entries.iter().map(|(k, _)| &**k));
                let mut slots: Vec<Option<(Rc<str>, Node)>> = entries.into_iter().map(Some).collect();
                entries = order.into_iter().filter_map(|i| slots.get_mut(i).and_then(Option::take)).collect();
            }
            Node::Object(entries)
        }
        Value::Array(items) => {
            let mut nodes = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                if errors.len() >= MAX_DIAGNOSTICS {
                    break;
                }
                let len = pointer.len();
                push_token(pointer, &i.to_string());
                nodes.push(compile_node(item, pointer, errors));
                pointer.truncate(len);
            }
            if nodes.iter().all(|n| matches!(n, Node::Literal(_))) {
                Node::Literal(v.clone())
            } else {
                Node::Array(nodes)
            }
        }
        other => Node::Literal(other.clone()),
    }
}

/// The value of a `key.$` member: a path (`$...`, `$$...`, `$var...`) or an intrinsic call.
fn compile_expr(key: &Rc<str>, v: &Value, pointer: &str, errors: &mut Vec<TemplateError>) -> Node {
    let fail = |errors: &mut Vec<TemplateError>, detail: String| {
        errors.push(TemplateError {
            pointer: pointer.to_string(),
            message: format!(
                "The value for the field '{key}' must be a valid JSONPath or a valid intrinsic function call"
            ),
            detail,
        });
        Node::Literal(Value::Null)
    };
    let Value::String(text) = v else {
        return fail(
            errors,
            match v {
                Value::Null => "a '.$' field needs a string, not null".to_string(),
                _ => format!(
                    "a '.$' field needs a string, not {} {}",
                    article(v.type_name()),
                    abbreviate(&v.to_json())
                ),
            },
        );
    };
    if text.starts_with('$') {
        match Path::parse(text) {
            Ok(path) => Node::Path { field: key.clone(), path },
            Err(e) => fail(errors, e.message),
        }
    } else if intrinsics::looks_like_call(text) {
        match Intrinsic::parse(text) {
            Ok(call) => Node::Call { field: key.clone(), call },
            Err(e) => fail(errors, e.message),
        }
    } else {
        fail(
            errors,
            format!(
                "'{}' is neither a path (starting with '$') nor an intrinsic function call such as States.Format(...); drop the '.$' from the key to use it as a literal",
                abbreviate(text)
            ),
        )
    }
}

fn article(type_name: &str) -> String {
    match type_name.chars().next() {
        Some('a' | 'o') => format!("an {type_name}"),
        _ => format!("a {type_name}"),
    }
}

/// The value of `node`, which sits inside `enclosing` objects and arrays of the template. What a
/// path or a call gives is checked against the depth left ([`check_depth`]); literals need no
/// check, since they sit in the definition as deep as they sit here.
fn eval_node(node: &Node, env: &mut Env, enclosing: usize) -> Result<Value, EvalError> {
    match node {
        Node::Literal(v) => Ok(v.clone()),
        Node::Object(entries) => {
            let mut map = Map::with_capacity(entries.len());
            for (k, n) in entries {
                map.insert(k.clone(), eval_node(n, env, enclosing + 1)?);
            }
            Ok(Value::object(map))
        }
        Node::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for n in items {
                out.push(eval_node(n, env, enclosing + 1)?);
            }
            Ok(Value::array(out))
        }
        Node::Path { field, path } => {
            let value = env.resolve(path).map_err(|miss| path_failed(path, miss, Some(field), env.input))?;
            check_depth(value, enclosing)
        }
        Node::Call { field, call } => check_depth(call.eval_for_field(env, Some(field))?, enclosing),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::NoVariables;
    use crate::rng::Rng;

    fn v(s: &str) -> Value {
        Value::parse(s).expect("test JSON")
    }

    const CONTEXT: &str = r#"{"Execution":{"Name":"TestExecution"},"Task":{"Token":"tok"}}"#;

    fn run(input: &str, template: &str) -> Result<Value, EvalError> {
        let t = Template::compile(&v(template)).unwrap_or_else(|e| panic!("{template}: {e:?}"));
        let (input, context) = (v(input), v(CONTEXT));
        let mut vars = Map::new();
        vars.insert("greeting".into(), v(r#"{"text":"hi"}"#));
        let mut rng = Rng::new(1);
        let mut env = Env { input: &input, context: &context, variables: &vars, rng: &mut rng };
        t.eval(&mut env)
    }

    /// `expected` is JSON compared as text (so key order counts), or `!error: cause`.
    fn give(input: &str, template: &str, expected: &str) {
        let got = run(input, template);
        match expected.strip_prefix('!') {
            Some(msg) => assert_eq!(got.map_err(|e| e.to_string()), Err(msg.to_string()), "{template}"),
            None => assert_eq!(got.map(|g| g.to_json()), Ok(v(expected).to_json()), "{template}"),
        }
    }

    fn errors(template: &str) -> Vec<(String, String)> {
        match Template::compile(&v(template)) {
            Ok(_) => panic!("{template} should not compile"),
            Err(errs) => errs.into_iter().map(|e| (e.pointer, e.message)).collect(),
        }
    }

    #[test]
    fn evaluates_paths_calls_and_literals() {
        give(
            r#"{"a":1}"#,
            r#"{"x.$":"$.a","lit":"$.a","n":[1,{"y.$":"$"}]}"#,
            r#"{"lit":"$.a","x":1,"n":[1,{"y":{"a":1}}]}"#,
        );
        give("{}", r#"{"name.$":"$$.Execution.Name"}"#, r#"{"name":"TestExecution"}"#);
        give("{}", r#"{"g.$":"$greeting.text"}"#, r#"{"g":"hi"}"#);
        give("{}", r#"{"g.$":"$greeting"}"#, r#"{"g":{"text":"hi"}}"#);
        give(r#"{"n":2}"#, r#"{"s.$":"States.Format('n={}', $.n)"}"#, r#"{"s":"n=2"}"#);
        give(r#"{"l":[]}"#, r#"{"i.$":"$.l[*]"}"#, r#"{"i":[]}"#);
        give("{}", r#""plain""#, r#""plain""#);
        give("{}", r#"{"Result.$":"$"}"#, r#"{"Result":{}}"#);
    }

    #[test]
    fn objects_with_dollar_keys_come_out_in_java_hash_order() {
        give(
            r#"{"e":"SGk=","r":"Hi"}"#,
            r#"{"encodingOps":{"encoded.$":"States.Base64Encode($.r)","decoded.$":"States.Base64Decode($.e)"},"z":{"b":1,"a":2}}"#,
            r#"{"encodingOps":{"decoded":"Hi","encoded":"SGk="},"z":{"b":1,"a":2}}"#,
        );
    }

    #[test]
    fn literal_subtrees_are_shared() {
        let t = Template::compile(&v(r#"{"x.$":"$","big":{"rows":[1,2,3]}}"#))
            .unwrap_or_else(|e| panic!("{e:?}"));
        let (input, context) = (v("{}"), v("{}"));
        let mut rng = Rng::new(1);
        let mut env = Env { input: &input, context: &context, variables: &NoVariables, rng: &mut rng };
        let (a, b) = (t.eval(&mut env).unwrap_or_default(), t.eval(&mut env).unwrap_or_default());
        let (Some(Value::Object(x)), Some(Value::Object(y))) = (a.get("big"), b.get("big")) else {
            panic!("objects expected")
        };
        assert!(Rc::ptr_eq(x, y));
        assert!(Template::compile(&v(r#"{"a":[1,{"b":2}]}"#)).is_ok_and(|t| t.is_constant()));
    }

    #[test]
    fn runtime_misses() {
        give(
            r#"{"int-literal":0}"#,
            r#"{"value.$":"$.no_such_jsonpath"}"#,
            r#"!States.Runtime: The JSONPath '$.no_such_jsonpath' specified for the field 'value.$' could not be found in the input '{"int-literal":0}'"#,
        );
        give(
            r#"{"int-literal":0}"#,
            r#"{"value.$":"$$.Execution.Input.no_such_jsonpath"}"#,
            r#"!States.Runtime: The JSONPath '$$.Execution.Input.no_such_jsonpath' specified for the field 'value.$' could not be found in the input '{"int-literal":0}'"#,
        );
        give(
            "{}",
            r#"{"a":{"v.$":"States.Array($nope)"}}"#,
            "!States.Runtime: The JSONPath '$nope' specified for the field 'v.$' could not be found in the input '{}'",
        );
        give(
            "{}",
            r#"{"v.$":"States.ArrayLength('x')"}"#,
            r#"!States.IntrinsicFailure: States.ArrayLength: argument 1 must be an array, got string "x""#,
        );
    }

    #[test]
    fn compile_errors_are_all_collected() {
        let msg = |k: &str| {
            format!(
                "The value for the field '{k}' must be a valid JSONPath or a valid intrinsic function call"
            )
        };
        assert_eq!(
            errors(
                r#"{"parsed.$":"hello","MessageBody":{"TaskToken.$":5,"ok.$":"$.x","a/b~.$":"$.a["},"l":[{"c.$":"States.Nope()"}]}"#
            ),
            vec![
                ("/parsed.$".into(), msg("parsed.$")),
                ("/MessageBody/TaskToken.$".into(), msg("TaskToken.$")),
                ("/MessageBody/a~1b~0.$".into(), msg("a/b~.$")),
                ("/l/0/c.$".into(), msg("c.$")),
            ]
        );
        assert_eq!(
            errors(r#"{"a":1,"a.$":"$.x"}"#),
            vec![("/a.$".into(), "The field 'a' is defined twice: as 'a' and as 'a.$'".into())]
        );
        let detail = Template::compile(&v(r#"{"x.$":"$.a["}"#)).err().map(|e| e[0].detail.clone());
        assert_eq!(detail.as_deref(), Some("unclosed '[' at character 4 of '$.a['"));
    }

    #[test]
    fn finds_context_paths() {
        let t = Template::compile(&v(r#"{"MessageBody":{"TaskToken.$":"$$.Task.Token"}}"#))
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert!(t.references_context_path("$$.Task.Token"));
        assert!(t.references_context_path("$$['Task']['Token']"));
        assert!(!t.references_context_path("$.Task.Token"));
        let t = Template::compile(&v(r#"{"m.$":"States.Format('{}', $$.Task.Token)"}"#))
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert!(t.references_context_path("$$.Task.Token"));
        let t = Template::compile(&v(r#"{"m":"$$.Task.Token"}"#)).unwrap_or_else(|e| panic!("{e:?}"));
        assert!(!t.references_context_path("$$.Task.Token"));
    }
}
