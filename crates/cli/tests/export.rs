//! `baton export`: the work as it goes to AWS, for each target, on a shipped example.

use std::path::PathBuf;

mod common;

use common::baton;

const DEFINITION: &str = "examples/human-approval/definition.asl.json";

#[test]
fn the_cli_commands_create_start_and_answer_as_the_scenario_does() {
    let (code, stdout, stderr) = baton(&[
        "export",
        DEFINITION,
        "--to",
        "cli",
        "--input-file",
        "examples/human-approval/input.json",
        "--scenario",
        "examples/human-approval/duplicate.scenario.json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    insta::assert_snapshot!(stdout);
}

#[test]
fn the_templates_inline_the_definition() {
    let definition: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(PathBuf::from("../..").join(DEFINITION)).unwrap())
            .unwrap();
    for (to, resource_type) in
        [("cloudformation", "AWS::StepFunctions::StateMachine"), ("sam", "AWS::Serverless::StateMachine")]
    {
        let (code, stdout, stderr) = baton(&["export", DEFINITION, "--to", to]);
        assert_eq!(code, 0, "{stderr}");
        let template: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        let resource = &template["Resources"]["HumanApproval"];
        assert_eq!(resource["Type"], resource_type);
        assert_eq!(resource["Properties"]["Definition"], definition);
        assert_eq!(resource["Properties"]["Name"], "human-approval");
        insta::assert_snapshot!(format!("export-{to}"), stdout);
    }
}

#[test]
fn wrong_targets_and_invalid_definitions_are_refused() {
    let (code, _, stderr) = baton(&["export", DEFINITION, "--to", "terraform"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--to must be one of cli, cloudformation, sam, not 'terraform'"), "{stderr}");
    let (code, _, stderr) =
        baton(&["export", "crates/cli/tests/invalid/invalid-json.asl.json", "--to", "sam"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("the definition is not valid"), "{stderr}");
}
