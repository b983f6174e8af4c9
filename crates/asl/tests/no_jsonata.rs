//! A build without the JSONata engine (`--no-default-features`, as the web app's first load):
//! a JSONata definition gets one clear diagnostic, and nothing panics.
#![cfg(not(feature = "jsonata"))]

use asl::Code;

#[test]
fn a_jsonata_machine_or_state_is_refused_with_one_diagnostic() {
    for text in [
        r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "Output": "{% 1 %}", "End": true}}}"#,
        r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% 1 %}", "End": true}}}"#,
    ] {
        let compiled = asl::compile(text);
        assert!(compiled.machine().is_none());
        let diags = compiled.diagnostics();
        assert_eq!(diags.iter().map(|d| d.code).collect::<Vec<_>>(), [Code::JsonataUnsupported], "{text}");
        assert!(
            diags[0].message.starts_with("JSONata is not in this build of Baton"),
            "{}",
            diags[0].message
        );
    }
}
