//! Definitions in other forms than ASL JSON (`crates/formats`), through the `baton` command:
//! YAML, CloudFormation and SAM templates, Terraform templates. Every problem is located in the
//! file the person wrote.

mod common;

use common::baton;

const DIR: &str = "crates/cli/tests/fixtures/formats";

fn validate(file: &str, extra: &[&str]) -> (i32, String, String) {
    let path = format!("{DIR}/{file}");
    let mut args = vec!["validate", "--context", path.as_str()];
    args.extend_from_slice(extra);
    baton(&args)
}

#[test]
fn a_yaml_definition_is_located_in_the_yaml() {
    let (code, stdout, _) = validate("order.asl.yaml", &[]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("validate-yaml", stdout);
    assert_eq!(validate("order-valid.asl.yaml", &[]), (0, String::new(), String::new()));
}

#[test]
fn a_sam_template_is_substituted_and_filled_in_with_one_warning() {
    let (code, stdout, _) = validate("sam-template.yaml", &[]);
    assert_eq!(code, 1, "Enabled is no field of Succeed");
    assert_eq!(stdout.matches(": warning: ").count(), 1, "{stdout}");
    insta::assert_snapshot!("validate-sam", stdout);
}

#[test]
fn a_cloudformation_definition_string_is_located_inside_the_string() {
    let (code, stdout, _) = validate("cfn-template.json", &[]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("validate-cfn-json", stdout);
    let (code, stdout, _) = validate("cfn-string.yaml", &[]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("validate-cfn-yaml-block", stdout);
}

#[test]
fn several_state_machines_need_a_choice() {
    let (code, _, stderr) = validate("two-machines.yaml", &[]);
    assert_eq!(code, 2);
    insta::assert_snapshot!("validate-two-machines", stderr);
    let (code, _, stderr) = validate("two-machines.yaml", &["--state-machine", "Nope"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no state machine 'Nope'; its state machines: Intake, Refunds"), "{stderr}");
    let (code, stdout, stderr) =
        baton(&["run", &format!("{DIR}/two-machines.yaml"), "--state-machine", "Refunds"]);
    assert_eq!(code, 0, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    // A template is YAML 1.1 to CloudFormation: `yes` is true.
    assert_eq!(report["output"], serde_json::json!({"refunded": true}));
}

#[test]
fn a_terraform_template_is_filled_in() {
    let (code, stdout, _) = validate("workflow.asl.json.tftpl", &[]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("validate-terraform", stdout);
    let (code, stdout, stderr) = baton(&["run", &format!("{DIR}/workflow.asl.json.tftpl")]);
    assert_eq!(code, 0, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["status"], "SUCCEEDED");
}

#[test]
fn a_sam_definition_uri_is_read_next_to_the_template() {
    let (code, stdout, _) = validate("sam-uri.yaml", &[]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("validate-sam-definition-uri", stdout);
    let (code, stdout, stderr) = baton(&["run", &format!("{DIR}/sam-uri.yaml")]);
    assert_eq!(code, 0, "{stderr}");
    insta::assert_snapshot!("run-sam-definition-uri", stdout);
}

#[test]
fn convert_goes_both_ways_and_back() {
    let (code, yaml, stderr) =
        baton(&["convert", "examples/human-approval/definition.asl.json", "--to", "yaml"]);
    assert_eq!(code, 0, "{stderr}");
    insta::assert_snapshot!("convert-to-yaml", yaml);
    let dir = std::env::temp_dir().join(format!("baton-convert-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("approval.asl.yaml");
    std::fs::write(&file, &yaml).unwrap();
    let (code, json, stderr) = baton(&["convert", file.to_str().unwrap(), "--to", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let original: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(common::workspace().join("examples/human-approval/definition.asl.json"))
            .unwrap(),
    )
    .unwrap();
    assert_eq!(serde_json::from_str::<serde_json::Value>(&json).unwrap(), original);
    // The YAML runs as the JSON does.
    let (code, stdout, _) = baton(&["validate", file.to_str().unwrap()]);
    assert_eq!((code, stdout.as_str()), (0, ""));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn yaml_that_is_not_yaml_is_located() {
    let dir = std::env::temp_dir().join(format!("baton-bad-yaml-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad.asl.yaml");
    std::fs::write(&file, "StartAt: A\nStates:\n  A: {Type: Pass, End: true\n").unwrap();
    let (code, stdout, _) = baton(&["validate", file.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(stdout.contains("bad.asl.yaml:4:1: error: this is not YAML"), "{stdout}");
    std::fs::remove_dir_all(&dir).ok();
}
