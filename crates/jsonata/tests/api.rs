//! The public API, one behaviour per test: undefined versus null, errors with positions,
//! bindings, and what the host decides through `Environment`.

use baton_jsonata::{Environment, Expression, Map};
use serde_json::json;

fn eval(
    expr: &str,
    input: Option<serde_json::Value>,
) -> Result<Option<serde_json::Value>, baton_jsonata::Error> {
    Expression::parse(expr)?.evaluate(input.as_ref(), &Map::new(), &Environment::default())
}

#[test]
fn undefined_is_none_and_null_is_json_null() {
    assert_eq!(eval("missing", Some(json!({"a": 1}))).unwrap(), None);
    assert_eq!(eval("a", Some(json!({"a": null}))).unwrap(), Some(json!(null)));
    assert_eq!(eval("$", None).unwrap(), None);
}

#[test]
fn syntax_errors_carry_code_message_and_character_offset() {
    let e = Expression::parse("é + (1").unwrap_err();
    assert_eq!(e.code, "S0203");
    assert_eq!(e.position, Some(6));
    assert!(e.message.contains("Expected )"));
}

#[test]
fn evaluation_errors_carry_code_and_position() {
    let e = eval("1 + 'a'", None).unwrap_err();
    assert_eq!(e.code, "T2002");
    assert!(e.position.is_some());
}

#[test]
fn bindings_are_variables() {
    let expr = Expression::parse("$x * 2").unwrap();
    let mut bindings = Map::new();
    bindings.insert("x".into(), json!(21));
    assert_eq!(expr.evaluate(None, &bindings, &Environment::default()).unwrap(), Some(json!(42)));
}

#[test]
fn sequences_come_back_as_arrays_and_functions_as_nothing() {
    assert_eq!(eval("a.b", Some(json!({"a": [{"b": 1}, {"b": 2}]}))).unwrap(), Some(json!([1, 2])));
    assert_eq!(eval("function($x){$x}", None).unwrap(), None);
    assert_eq!(eval("{'f': $sum, 'n': 1}", None).unwrap(), Some(json!({"n": 1})));
}

#[test]
fn eval_is_off_unless_the_host_enables_it() {
    assert_eq!(eval("$eval('1 + 1')", None).unwrap_err().code, "T1006");
    let env = Environment { eval_enabled: true, ..Environment::default() };
    let r = Expression::parse("$eval('1 + 1')").unwrap().evaluate(None, &Map::new(), &env).unwrap();
    assert_eq!(r, Some(json!(2)));
}

#[test]
fn now_is_the_host_clock_in_iso_8601() {
    let env = Environment { now_ms: 1_521_801_216_617, ..Environment::default() };
    let r = Expression::parse("$now()").unwrap().evaluate(None, &Map::new(), &env).unwrap();
    assert_eq!(r, Some(json!("2018-03-23T10:33:36.617Z")));
}

#[test]
fn the_same_seed_shuffles_the_same_way() {
    let expr = Expression::parse("$shuffle([1..20])").unwrap();
    let env = |seed| Environment { random_seed: seed, ..Environment::default() };
    let a = expr.evaluate(None, &Map::new(), &env(1)).unwrap();
    assert_eq!(a, expr.evaluate(None, &Map::new(), &env(1)).unwrap());
    assert_ne!(a, expr.evaluate(None, &Map::new(), &env(2)).unwrap());
}

#[test]
fn an_empty_array_reached_by_a_path_stays_an_array() {
    // jsonata-js keeps a plain array a path step selects whole, empty or not (AWS recorded
    // `$states.input.items` over `{"items": []}` as `[]`).
    let expr = Expression::parse("$x.items").unwrap();
    let mut bindings = Map::new();
    bindings.insert("x".into(), json!({"items": []}));
    let got = expr.evaluate(None, &bindings, &Environment::default()).unwrap();
    assert_eq!(got, Some(json!([])));
    assert_eq!(eval("items", Some(json!({"items": []}))).unwrap(), Some(json!([])));
}
