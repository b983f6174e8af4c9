//! Definitions shaped like published ones, which AWS accepts and Baton once refused or misread:
//! `.[` in paths, integration ARNs with a region and account, and `Resource` fields that still
//! hold template placeholders. The fixtures are in tests/real/.

mod common;

use common::baton;

const DIR: &str = "crates/cli/tests/real";

/// `baton run` on a fixture with extra arguments; exit 0 and the report as pretty JSON.
fn run(name: &str, extra: &[&str]) -> (serde_json::Value, String) {
    let file = format!("{DIR}/{name}.asl.json");
    let mut args = vec!["run", file.as_str()];
    args.extend_from_slice(extra);
    let (code, stdout, stderr) = baton(&args);
    assert_eq!(code, 0, "{name}: {stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("run prints one JSON object");
    let pretty = serde_json::to_string_pretty(&report).unwrap();
    (report, pretty)
}

#[test]
fn a_dot_before_a_bracket_validates_and_runs() {
    let (code, stdout, stderr) = baton(&["validate", &format!("{DIR}/ebs-snapshot.asl.json")]);
    assert_eq!((code, stdout.as_str(), stderr.as_str()), (0, "", ""));
    let scenario = format!("{DIR}/ebs-snapshot.scenario.json");
    let (report, pretty) = run("ebs-snapshot", &["--scenario", &scenario]);
    assert_eq!(report["status"], "SUCCEEDED");
    assert_eq!(report["output"], serde_json::json!({"snapshot": "snap-0copy", "progress": ["100%"]}));
    insta::assert_snapshot!("run-ebs-snapshot", pretty);
}

#[test]
fn region_qualified_integrations_validate_and_run() {
    let (code, stdout, stderr) = baton(&["validate", &format!("{DIR}/region-qualified.asl.json")]);
    assert_eq!((code, stdout.as_str(), stderr.as_str()), (0, "", ""), "no unknown-resource warning");
    let scenario = format!("{DIR}/region-qualified.scenario.json");
    let (report, pretty) = run("region-qualified", &["--scenario", &scenario, "--history"]);
    assert_eq!(report["status"], "SUCCEEDED");
    let output = &report["output"][0];
    assert_eq!(
        output["order"],
        serde_json::json!({"orderId": "o-1"}),
        "getItem's stand-in item holds its key"
    );
    assert_eq!(output["manifest"]["size"], 0, "getObject's stand-in object is empty");
    assert_eq!(output["approval"], serde_json::json!({"approved": true}));
    // The callback waited for its token: the region-qualified ARN's suffix was read.
    let types: Vec<&str> =
        report["history"].as_array().unwrap().iter().filter_map(|e| e["type"].as_str()).collect();
    assert!(types.contains(&"TaskSubmitted"), "{types:?}");
    assert_eq!(report["clock"], 120);
    insta::assert_snapshot!("run-region-qualified", pretty);
}

#[test]
fn placeholders_are_warnings_and_the_definition_runs() {
    let (code, stdout, stderr) = baton(&["validate", &format!("{DIR}/sam-placeholders.asl.json")]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.lines().all(|l| l.contains(": warning: ")), "{stdout}");
    assert!(!stdout.contains("unknown-resource"), "{stdout}");
    insta::assert_snapshot!("validate-sam-placeholders", stdout);

    let (report, pretty) = run("sam-placeholders", &["--input", r#"{"date": "2026-01-01"}"#, "--history"]);
    assert_eq!(report["status"], "SUCCEEDED");
    assert_eq!(report["output"], serde_json::json!({"status": "SUCCEEDED", "exitCode": 0}));
    // `${FnArn}` ran as a Lambda function, named after the placeholder.
    let scheduled = report["history"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["type"] == "LambdaFunctionScheduled")
        .expect("a LambdaFunctionScheduled event");
    assert_eq!(
        scheduled["lambdaFunctionScheduledEventDetails"]["resource"],
        "arn:aws:lambda:us-east-1:123456789012:function:FnArn"
    );
    insta::assert_snapshot!("run-sam-placeholders", pretty);
}
