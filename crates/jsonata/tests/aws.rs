//! The functions Step Functions adds to JSONata, with the results AWS recorded where the
//! conformance corpus has them (`intrinsic_functions.test_array_jsonata`,
//! `test_json_manipulation_jsonata`).

use baton_jsonata::{Environment, Expression};
use serde_json::{json, Value};

fn eval(expr: &str) -> Result<Option<Value>, baton_jsonata::Error> {
    Expression::parse(expr).unwrap().evaluate(None, &Default::default(), &Environment::default())
}

#[test]
fn partition_cuts_an_array_into_pieces() {
    // Recorded on AWS.
    assert_eq!(eval("$partition([0], 2)").unwrap(), Some(json!([[0]])));
    assert_eq!(eval("$partition([0, 1, 2], 2)").unwrap(), Some(json!([[0, 1], [2]])));
    assert_eq!(eval("$partition([0, 1, 2, 3], 3)").unwrap(), Some(json!([[0, 1, 2], [3]])));
    assert_eq!(eval("$partition([0, 1, 2, 3], 5)").unwrap(), Some(json!([[0, 1, 2, 3]])));
    assert_eq!(eval("$partition([0, 1], 0)").unwrap_err().code, "T0410");
}

#[test]
fn range_counts_to_its_end_inclusive_and_one_item_stands_alone() {
    // Recorded on AWS, `1` alone included.
    assert_eq!(eval("$range(0, 9, 3)").unwrap(), Some(json!([0, 3, 6, 9])));
    assert_eq!(eval("$range(0, 10, 3)").unwrap(), Some(json!([0, 3, 6, 9])));
    assert_eq!(eval("$range(1, 9, 9)").unwrap(), Some(json!(1)));
    assert_eq!(eval("$range(1, 9, 2)").unwrap(), Some(json!([1, 3, 5, 7, 9])));
    assert_eq!(eval("$range(3, 1, 1)").unwrap(), None);
    assert_eq!(eval("$range(1, 3)").unwrap(), Some(json!([1, 2, 3])));
    // AWS's documentation: even numbers, and a negative step counting down.
    assert_eq!(eval("$range(0, 10, 2)").unwrap(), Some(json!([0, 2, 4, 6, 8, 10])));
    assert_eq!(eval("$range(10, 0, -5)").unwrap(), Some(json!([10, 5, 0])));
    assert_eq!(eval("$range(0, 3, 0)").unwrap_err().code, "T0410");
    assert_eq!(eval("$range(0, 1e12, 1)").unwrap_err().code, "U1001", "a range is work, like [a..b]");
}

#[test]
fn parse_reads_json_text() {
    // Recorded on AWS.
    assert_eq!(eval("$parse('-0')").unwrap(), Some(json!(0)));
    assert_eq!(eval("$parse('1.1')").unwrap(), Some(json!(1.1)));
    assert_eq!(eval("$parse('[1, 2, \"HelloWorld\"]')").unwrap(), Some(json!([1, 2, "HelloWorld"])));
    assert_eq!(eval("$parse('{\"Arg1\": 1, \"Arg2\": []}')").unwrap(), Some(json!({"Arg1": 1, "Arg2": []})));
    assert_eq!(eval("$parse('{oops')").unwrap_err().code, "D3120");
}

#[test]
fn uuid_and_seeded_random_are_reproducible() {
    let uuid = eval("$uuid()").unwrap().unwrap();
    let text = uuid.as_str().unwrap();
    assert_eq!(text.len(), 36);
    assert_eq!(&text[14..15], "4", "version 4: {text}");
    assert!("89ab".contains(&text[19..20]), "RFC 4122 variant: {text}");
    assert_eq!(eval("$uuid()").unwrap(), Some(uuid), "the same seed, the same id");
    assert_ne!(
        eval("[$uuid(), $uuid()]").unwrap().unwrap()[0],
        eval("[$uuid(), $uuid()]").unwrap().unwrap()[1]
    );
    assert_eq!(eval("$random(42)").unwrap(), eval("$random(42)").unwrap());
    assert_ne!(eval("$random(42)").unwrap(), eval("$random(43)").unwrap());
    let r = eval("$random()").unwrap().unwrap().as_f64().unwrap();
    assert!((0.0..1.0).contains(&r));
}

#[test]
fn hash_digests_text_in_hex() {
    assert_eq!(eval("$hash('abc', 'MD5')").unwrap(), Some(json!("900150983cd24fb0d6963f7d28e17f72")));
    assert_eq!(
        eval("$hash('abc', 'SHA-1')").unwrap(),
        Some(json!("a9993e364706816aba3e25717850c26c9cd0d89d"))
    );
    assert_eq!(
        eval("$hash('abc', 'SHA-256')").unwrap(),
        Some(json!("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"))
    );
    assert_eq!(eval("$hash('abc', 'SHA-512')").unwrap().unwrap().as_str().map(str::len), Some(128));
    assert_eq!(eval("$hash('abc', 'CRC32')").unwrap_err().code, "D3137");
}
