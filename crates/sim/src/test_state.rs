//! TestState with Baton's stand-in answers: [`asl::exec::test_state`], where a request-response
//! Task without a mock is answered as a run answers a Task nobody scripted
//! ([`crate::integrations::default_response`]). AWS calls the real service there; Baton has none
//! to call, and says so ([`Tested::stand_in`]) so that no host passes the stand-in off as the
//! service's answer.
//!
//! The CLI's `baton test-state` and the app's "Test this state" both call [`test_state`], so they
//! answer alike.

use std::rc::Rc;

use asl::exec::test_state::{self, Request, RequestError, Response};
use asl::exec::{Effect, StartOptions};
use asl::model::StateMachine;

use crate::integrations::{default_response, ResponseIds};

/// A test's answer, and whether a stand-in answered for the service.
#[derive(Clone, Debug, PartialEq)]
pub struct Tested {
    pub response: Response,
    /// The Task's `Resource` when Baton's stand-in answered it (the request had no mock).
    pub stand_in: Option<Rc<str>>,
}

/// Runs `state` of `machine` once, as TestState does; a Task without a mock gets Baton's stand-in
/// answer for its integration (a Lambda function echoes its payload, SQS answers a message id...).
pub fn test_state(
    machine: &Rc<StateMachine>,
    state: &str,
    request: &Request,
) -> Result<Tested, RequestError> {
    // The same seed and clock as a run's defaults: a test answers the same every time.
    let options = StartOptions::default();
    let mut rng = asl::rng::Rng::new(options.seed ^ 0x5EED_B1A7);
    let mut stand_in = None;
    let mut answer = |effect: &Effect| {
        stand_in = Some(effect.resource.arn.clone());
        let ids = ResponseIds { rng: &mut rng, epoch_ms: options.start_epoch_ms };
        default_response(&effect.resource, &effect.parameters, ids)
    };
    let response = test_state::run(machine, state, request, Some(&mut answer))?;
    Ok(Tested { response, stand_in })
}
