//! The API calls the outside world makes (SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat,
//! StopExecution), as recorded: who made each and what AWS answered. The world writes them and the
//! timeline reads them.

use asl::exec::Millis;

/// One API call made by the outside world, and what AWS answered.
#[derive(Clone, Debug, PartialEq)]
pub struct CallRecord {
    pub at_ms: Millis,
    pub action: &'static str,
    /// The Task state the token belonged to, when known.
    pub state: Option<String>,
    pub token: Option<String>,
    pub by: Caller,
    pub ok: bool,
    pub error: Option<String>,
    pub message: Option<String>,
}

/// Who made an API call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Caller {
    /// The person at the keyboard (the app's buttons).
    Person,
    /// The scenario's scripted `calls`.
    Scenario,
    /// A simulated participant answering as its responder says, by name.
    Participant(String),
}

impl Caller {
    /// How the app names the caller: "You", "the scenario" or the participant's name.
    pub fn name(&self) -> &str {
        match self {
            Caller::Person => "You",
            Caller::Scenario => "the scenario",
            Caller::Participant(name) => name,
        }
    }
}
