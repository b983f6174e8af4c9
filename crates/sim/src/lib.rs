//! The simulated world around an execution: integrations and their responders, the scenario
//! format, and the one way every host (CLI, web app, conformance runner) runs a definition.
//!
//! ```text
//! definition text --asl::compile--> StateMachine --World::start(input, scenario)--> World
//!     World: engine effects -> responders -> commands on the same virtual clock
//! ```
#![forbid(unsafe_code)]

pub mod call;
pub mod examples;
pub mod excerpt;
pub mod export;
pub mod integrations;
pub mod mock_config;
pub mod report;
pub mod scenario;
pub mod test_state;
pub mod timeline;
pub mod world;

use std::rc::Rc;

use asl::model::StateMachine;
use asl::{Diagnostic, Value};

pub use asl::exec::{ApiError, Status};
pub use call::{CallRecord, Caller};
pub use excerpt::excerpt;
pub use integrations::Participant;
pub use mock_config::MockConfig;
pub use report::Report;
pub use scenario::{Scenario, ScenarioError};
pub use test_state::{test_state, Tested};
pub use timeline::{CloseReason, Closed, Progress, Timeline, TokenLife};
pub use world::{Command, Holding, Upcoming, World};

/// Every diagnostic for a definition's text: [`asl::compile`]'s, for the tests and tools that want
/// only them.
pub fn check(text: &str) -> Vec<Diagnostic> {
    asl::compile(text).diagnostics().to_vec()
}

/// The machine of a definition's text and its warnings, or all its diagnostics when it has errors:
/// [`asl::compile`] in the shape of a `Result`.
pub fn load(text: &str) -> Result<(Rc<StateMachine>, Vec<Diagnostic>), Vec<Diagnostic>> {
    let compiled = asl::compile(text);
    match compiled.machine() {
        Some(machine) => Ok((machine.clone(), compiled.diagnostics().to_vec())),
        None => Err(compiled.diagnostics().to_vec()),
    }
}

/// Runs a definition (already parsed JSON) under a scenario to its end, as `baton run` does.
/// `Err` holds the diagnostics when the definition is rejected.
pub fn run(definition: &Value, scenario: &Scenario) -> Result<Report, Vec<Diagnostic>> {
    let machine = match asl::load(definition) {
        (Some(machine), _) => Rc::new(machine),
        (None, diags) => return Err(diags),
    };
    let input = scenario.input.clone().unwrap_or_else(Value::empty_object);
    let mut world = World::start(machine, input, scenario);
    world.run_to_end();
    Ok(Report::of(&world))
}
