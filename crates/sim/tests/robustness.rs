//! Bad input never crashes anything: a panic in wasm kills the page. Every corpus definition is
//! mutated in many small ways (fields dropped, values swapped for other JSON types, strings
//! garbled) and each mutant must be read, validated and, if valid, run without a panic.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

use asl::rng::Rng;
use asl::{Map, Value};

fn corpus_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("BATON_CONFORMANCE_DIR").map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/cases")
    });
    dir.is_dir().then_some(dir)
}

/// Values of every JSON type, including ones that look like paths and intrinsics.
fn oddity(rng: &mut Rng) -> Value {
    let choices = [
        Value::Null,
        Value::Bool(true),
        Value::from_i64(-1),
        Value::from_f64(1.5e300),
        Value::Number(u64::MAX.into()),
        Value::from_i64(99_999_999),
        Value::from(""),
        Value::from("$"),
        Value::from("$$.Task.Token"),
        Value::from("$.a[?(@.b > 1)]"),
        Value::from("States.Format('{}'"),
        Value::from("States.ArrayRange(0, 99999999, 1)"),
        Value::from("2026-13-45T99:99:99Z"),
        Value::from("\u{0}\u{ffff}"),
        Value::array(vec![]),
        Value::array(vec![Value::Null, Value::from("x")]),
        Value::empty_object(),
        Value::from_pairs([("Type", Value::from("Pass")), ("End", Value::Bool(true))]),
    ];
    choices[(rng.next_u64() % choices.len() as u64) as usize].clone()
}

/// One random change somewhere in `v`.
fn mutate(v: &Value, rng: &mut Rng, depth: usize) -> Value {
    match v {
        Value::Object(map) if !map.is_empty() && depth < 12 => {
            let i = (rng.next_u64() % map.len() as u64) as usize;
            let mut out: Map = (**map).clone();
            let key = out.get_index(i).map(|(k, _)| k.clone()).unwrap_or_else(|| "".into());
            match rng.next_u64() % 4 {
                0 => {
                    out.shift_remove(&key);
                }
                1 => {
                    out.insert(key, oddity(rng));
                }
                2 => {
                    let child = mutate(&out[&key], rng, depth + 1);
                    out.insert(key, child);
                }
                _ => {
                    out.insert(format!("{key}.$").into(), oddity(rng));
                }
            }
            Value::object(out)
        }
        Value::Array(items) if !items.is_empty() && depth < 12 => {
            let i = (rng.next_u64() % items.len() as u64) as usize;
            let mut out = (**items).clone();
            out[i] =
                if rng.next_u64().is_multiple_of(2) { oddity(rng) } else { mutate(&out[i], rng, depth + 1) };
            Value::array(out)
        }
        _ => oddity(rng),
    }
}

#[test]
fn mutated_corpus_definitions_never_panic() {
    let Some(dir) = corpus_dir() else {
        println!("conformance corpus not found; set BATON_CONFORMANCE_DIR; skipping");
        return;
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let mut rng = Rng::new(2026);
    let (mut runs, mut rejected) = (0, 0);
    // Every 4th case, 6 mutants each: about 1,500 definitions, a few seconds.
    for file in files.iter().step_by(4) {
        let case: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        let definition = Value::from(case["definition"].clone());
        let input = Value::from(case["input"].clone());
        for _ in 0..6 {
            let mutant = mutate(&definition, &mut rng, 0);
            let result = catch_unwind(AssertUnwindSafe(|| {
                let mut scenario = sim::Scenario::with_input(input.clone());
                scenario.context.options.max_history_events = Some(2_000);
                sim::run(&mutant, &scenario).map(|r| r.to_json(true).to_string().len())
            }));
            match result {
                Ok(Ok(_)) => runs += 1,
                Ok(Err(diags)) => {
                    assert!(diags.iter().any(asl::Diagnostic::is_error));
                    rejected += 1;
                }
                Err(_) => panic!("panicked on a mutant of {}:\n{}", file.display(), mutant.to_json_pretty()),
            }
        }
    }
    println!("mutants: {runs} ran, {rejected} rejected with diagnostics");
    assert!(runs > 100 && rejected > 100);
}

#[test]
fn garbage_text_never_panics_the_reader_or_the_scenario_parser() {
    let mut rng = Rng::new(7);
    let alphabet: Vec<char> = "{}[]\":,.$\\ 0123456789-+eEtrufalsn\u{e9}\u{1F600}\n".chars().collect();
    for _ in 0..3_000 {
        let len = (rng.next_u64() % 60) as usize;
        let text: String =
            (0..len).map(|_| alphabet[(rng.next_u64() % alphabet.len() as u64) as usize]).collect();
        let _ = sim::check(&text);
        let _ = sim::Scenario::from_json(&text);
    }
}
