//! No input makes the engine panic (a panic aborts the browser app): every prefix of every
//! reference-suite expression, and each with a character replaced by or preceded by an operator, is parsed
//! and evaluated on the suite's main dataset with a small fuel bound.

use std::path::{Path, PathBuf};

use baton_jsonata::{Environment, Expression, Json, Map};

fn suite_dir() -> PathBuf {
    match std::env::var("BATON_JSONATA_SUITE") {
        Ok(dir) => PathBuf::from(dir),
        Err(_) => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/jsonata-suite"),
    }
}

fn expressions(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let Ok(groups) = std::fs::read_dir(root.join("groups")) else { return out };
    for group in groups.flatten() {
        for file in std::fs::read_dir(group.path()).into_iter().flatten().flatten() {
            let text = std::fs::read_to_string(file.path()).unwrap_or_default().replace("\\uD800", "");
            let Ok(spec) = serde_json::from_str::<Json>(&text) else { continue };
            let cases = match spec {
                Json::Array(items) => items,
                one => vec![one],
            };
            out.extend(cases.iter().filter_map(|c| c.get("expr")?.as_str().map(String::from)));
        }
    }
    out
}

#[test]
fn mangled_expressions_never_panic() {
    let root = suite_dir();
    let data: Json = std::fs::read_to_string(root.join("datasets/dataset5.json"))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or(Json::Null);
    let env = Environment { fuel: 20_000, eval_enabled: true, ..Environment::default() };
    let mut panics: Vec<String> = Vec::new();
    let swaps = ['(', ')', '[', ']', '{', '}', '.', '%', '$', '?', ':', '"', '/', '#', '@', '^', '|'];
    std::panic::set_hook(Box::new(|_| {}));
    let outcome = std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || {
            for expr in expressions(&root) {
                let chars: Vec<char> = expr.chars().collect();
                let mut variants: Vec<String> =
                    (0..chars.len()).map(|i| chars[..i].iter().collect()).collect();
                // Each position once: replaced by an operator, or with one inserted before it.
                for i in (0..chars.len()).step_by(3) {
                    let swap = swaps[(i * 7 + expr.len()) % swaps.len()];
                    let mut c = chars.clone();
                    c[i] = swap;
                    variants.push(c.iter().collect());
                    c[i] = chars[i];
                    c.insert(i, swaps[(i * 3 + 1) % swaps.len()]);
                    variants.push(c.into_iter().collect());
                }
                for text in variants {
                    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        if let Ok(e) = Expression::parse(&text) {
                            let _ = e.evaluate(Some(&data), &Map::new(), &env);
                        }
                    }));
                    if run.is_err() {
                        panics.push(text);
                    }
                }
            }
            panics
        })
        .unwrap()
        .join()
        .unwrap();
    let _ = std::panic::take_hook();
    assert!(
        outcome.is_empty(),
        "{} expressions panicked, e.g. {:?}",
        outcome.len(),
        &outcome[..outcome.len().min(15)]
    );
}
