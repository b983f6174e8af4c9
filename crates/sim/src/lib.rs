//! The simulated world around an execution: integrations and their responders, the scenario
//! format, and the one way every host (CLI, web app, conformance runner) runs a definition.
//!
//! ```text
//! definition text --load--> StateMachine --World::start(input, scenario)--> World
//!     World: engine effects -> responders -> commands on the same virtual clock
//! ```
#![forbid(unsafe_code)]

pub mod examples;
pub mod integrations;
pub mod report;
pub mod scenario;
pub mod world;

use std::rc::Rc;

use asl::model::StateMachine;
use asl::{Diagnostic, Value};

pub use asl::exec::{ApiError, Status};
pub use integrations::Participant;
pub use report::Report;
pub use scenario::{Scenario, ScenarioError};
pub use world::{CallRecord, Holding, Upcoming, World};

/// Every diagnostic for a definition's text (syntax errors, problems, warnings), located.
pub fn check(text: &str) -> Vec<Diagnostic> {
    match load(text) {
        Ok((_, warnings)) => warnings,
        Err(diags) => diags,
    }
}

/// Reads and validates a definition's text. On success, also returns its warnings.
pub fn load(text: &str) -> Result<(Rc<StateMachine>, Vec<Diagnostic>), Vec<Diagnostic>> {
    let (value, map) = asl::source::parse(text).map_err(|e| vec![e.to_diagnostic()])?;
    let (machine, mut diags) = asl::model::load(&value);
    diags.extend(map.duplicate_keys().iter().cloned());
    map.attach(&mut diags);
    asl::sort::by_key(&mut diags, |d| (d.span.map_or(0, |s| s.start), d.severity));
    match machine {
        Some(m) if !diags.iter().any(Diagnostic::is_error) => Ok((Rc::new(m), diags)),
        _ => Err(diags),
    }
}

/// Runs a definition (already parsed JSON) under a scenario to its end, as `baton run` does.
/// `Err` holds the diagnostics when the definition is rejected.
pub fn run(definition: &Value, scenario: &Scenario) -> Result<Report, Vec<Diagnostic>> {
    let (machine, diags) = asl::model::load(definition);
    let machine = match machine {
        Some(m) if !diags.iter().any(Diagnostic::is_error) => Rc::new(m),
        _ => return Err(diags),
    };
    let input = scenario.input.clone().unwrap_or_else(Value::empty_object);
    let mut world = World::start(machine, input, scenario);
    world.run_to_end();
    Ok(Report::of(&world))
}
