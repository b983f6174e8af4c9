//! The three speed workloads, exactly as /work/shared/bench/make_workloads.py writes them
//! (same definitions, same inputs, same bytes), so every engine compared runs the same files.

use std::path::Path;

use crate::json::Json;

pub const NAMES: [&str; 3] = ["loop", "map", "chain"];

/// State transitions per run of each workload.
pub fn transitions(name: &str) -> u64 {
    match name {
        "loop" => 20001,
        "map" => 10001,
        _ => 1000,
    }
}

/// Writes `NAME.asl.json` and `NAME.input.json` for every workload into `dir`.
pub fn write_all(dir: &Path) -> Result<String, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let chain_in = chain_input();
    let chain_input_len = chain_in.to_python_json().len();
    let workloads = [
        ("loop", loop_def(), loop_input()),
        ("map", map_def(), map_input()),
        ("chain", chain_def(), chain_in),
    ];
    for (name, definition, input) in workloads {
        for (suffix, value) in [("asl", definition), ("input", input)] {
            let path = dir.join(format!("{name}.{suffix}.json"));
            std::fs::write(&path, value.to_python_json())
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
    }
    Ok(format!("{}, {chain_input_len} bytes of chain input", dir.display()))
}

fn s(text: &str) -> Json {
    Json::str(text)
}

/// A Pass that increments `$.i` and a Choice that loops back until 10,000.
fn loop_def() -> Json {
    Json::obj([
        ("StartAt", s("Inc")),
        (
            "States",
            Json::obj([
                (
                    "Inc",
                    Json::obj([
                        ("Type", s("Pass")),
                        ("Parameters", Json::obj([("i.$", s("States.MathAdd($.i, 1)"))])),
                        ("Next", s("Check")),
                    ]),
                ),
                (
                    "Check",
                    Json::obj([
                        ("Type", s("Choice")),
                        (
                            "Choices",
                            Json::Arr(vec![Json::obj([
                                ("Variable", s("$.i")),
                                ("NumericLessThan", Json::Int(10000)),
                                ("Next", s("Inc")),
                            ])]),
                        ),
                        ("Default", s("Done")),
                    ]),
                ),
                ("Done", Json::obj([("Type", s("Succeed"))])),
            ]),
        ),
    ])
}

fn loop_input() -> Json {
    Json::obj([("i", Json::Int(0))])
}

/// An inline Map over 10,000 items whose processor is one Pass with States.Format.
fn map_def() -> Json {
    let fmt = Json::obj([
        ("Type", s("Pass")),
        ("End", Json::Bool(true)),
        (
            "Parameters",
            Json::obj([("label.$", s("States.Format('{} costs {}', $.name, $.price)")), ("id.$", s("$.id"))]),
        ),
    ]);
    let each = Json::obj([
        ("Type", s("Map")),
        ("ItemsPath", s("$.items")),
        ("MaxConcurrency", Json::Int(0)),
        ("End", Json::Bool(true)),
        (
            "ItemProcessor",
            Json::obj([
                ("ProcessorConfig", Json::obj([("Mode", s("INLINE"))])),
                ("StartAt", s("Fmt")),
                ("States", Json::obj([("Fmt", fmt)])),
            ]),
        ),
    ]);
    Json::obj([("StartAt", s("Each")), ("States", Json::obj([("Each", each)]))])
}

fn map_input() -> Json {
    let items = (0..10000i64)
        .map(|i| {
            Json::obj([
                ("id", Json::Int(i)),
                ("name", Json::Str(format!("item-{i}"))),
                ("price", Json::Float(i as f64 * 1.5)),
            ])
        })
        .collect();
    Json::obj([("items", Json::Arr(items))])
}

/// 1,000 Pass states, each with InputPath, Parameters and ResultPath over a 10 KB document.
fn chain_def() -> Json {
    let n = 1000;
    let states = (0..n)
        .map(|k| {
            let mut state = vec![
                ("Type".to_string(), s("Pass")),
                ("InputPath".to_string(), s("$.doc")),
                (
                    "Parameters".to_string(),
                    Json::obj([("count.$", s("$.meta.count")), ("step", Json::Int(k))]),
                ),
                ("ResultPath".to_string(), s("$.last")),
            ];
            if k + 1 < n {
                state.push(("Next".to_string(), Json::Str(format!("S{}", k + 1))));
            } else {
                state.push(("End".to_string(), Json::Bool(true)));
            }
            (format!("S{k}"), Json::Obj(state))
        })
        .collect();
    Json::obj([("StartAt", s("S0")), ("States", Json::Obj(states))])
}

fn chain_input() -> Json {
    let rows: Vec<Json> = (0..160i64)
        .map(|i| {
            Json::obj([
                ("id", Json::Int(i)),
                ("sku", Json::Str(format!("SKU-{i:05}"))),
                ("qty", Json::Int(i % 7)),
                ("tags", Json::Arr(vec![s("a"), s("b")])),
            ])
        })
        .collect();
    let count = rows.len() as i64;
    Json::obj([
        ("doc", Json::obj([("meta", Json::obj([("count", Json::Int(count))])), ("rows", Json::Arr(rows))])),
        ("last", Json::Null),
    ])
}
