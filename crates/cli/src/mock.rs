//! Step Functions Local's mock configuration file (`MockConfigFile.json`) on the command line:
//! `baton run --mock-config FILE --test-case NAME` and `baton test`. The mapping itself is
//! [`sim::mock_config`]'s; here the file is read and its problems located as FILE:LINE:COL.

use std::path::Path;

use asl::model::StateMachine;
use sim::mock_config::{MockedMachine, TestCase};
use sim::{MockConfig, Scenario};

use crate::files::{self, json_text, read_text, Kind};
use crate::{unreadable, Failure};

/// A JSON file's text (byte-order mark included, for locating) and its value; a syntax error is
/// located.
pub fn read_json(path: &Path, kind: Kind) -> Result<(String, serde_json::Value), Failure> {
    let text = read_text(path, kind).map_err(|e| unreadable(kind, e))?;
    match serde_json::from_str(json_text(&text)) {
        Ok(json) => Ok((text, json)),
        Err(e) => Err(invalid(kind, files::syntax_error(path, &text, &e))),
    }
}

fn invalid(kind: Kind, line: String) -> Failure {
    Failure::Error(format!("the {} is not valid:\n{line}", kind.name()))
}

/// Reads a mock configuration file: its text, for locating later problems, and what it says.
pub fn read(path: &Path) -> Result<(String, MockConfig), Failure> {
    let (text, json) = read_json(path, Kind::MockConfig)?;
    let config = of_json(path, &text, &json)?;
    Ok((text, config))
}

/// The mock configuration file of JSON already read. A name given twice is an error here,
/// though JSON allows it: a copied test case or mocked response, not renamed, would otherwise
/// replace the first in silence.
pub fn of_json(path: &Path, text: &str, json: &serde_json::Value) -> Result<MockConfig, Failure> {
    if let Ok((_, map)) = asl::source::parse(text) {
        if let Some(d) = map.duplicate_keys().first() {
            return Err(invalid(Kind::MockConfig, files::diagnostic_line(path, d)));
        }
    }
    MockConfig::from_json_value(json)
        .map_err(|e| invalid(Kind::MockConfig, files::locate_pointer(path, text, &e.pointer, &e.message)))
}

/// One test case as the scenario that runs it on this definition; a state the definition does
/// not have is located in the file.
pub fn test_case_scenario(
    (path, text): (&Path, &str),
    config: &MockConfig,
    (machine, case): (&MockedMachine, &TestCase),
    definition: &StateMachine,
) -> Result<Scenario, Failure> {
    config
        .test_case_scenario(machine, case, definition)
        .map_err(|e| invalid(Kind::MockConfig, files::locate_pointer(path, text, &e.pointer, &e.message)))
}

/// `baton run --mock-config PATH --test-case NAME [--state-machine NAME]`: the test case's
/// scenario.
pub fn run_scenario(
    path: &Path,
    state_machine: Option<&str>,
    test_case: &str,
    definition: &StateMachine,
) -> Result<Scenario, Failure> {
    let (text, config) = read(path)?;
    let found = config
        .find_test_case(state_machine, test_case)
        .map_err(|message| Failure::Error(format!("{}: {message}", files::shown(path))))?;
    test_case_scenario((path, &text), &config, found, definition)
}
