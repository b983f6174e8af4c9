//! The Amazon States Language and a deterministic execution core.
//!
//! The pipeline, one module per stage:
//! [`source`] (JSON text -> [`Value`] + source map) -> [`model`] (typed state machine, with
//! [`Diagnostic`]s) -> [`validate`] (whole-machine checks) -> [`exec`] (an execution on a virtual
//! clock, emitting an AWS-shaped event [`history`]).
//! The small languages inside a definition each have their own module: [`path`] (JSONPath),
//! [`intrinsics`] (`States.Format(...)` and friends), [`template`] (payload templates with `.$` keys)
//! and [`choice`] (Choice rules).
//!
//! No wall clock, no global randomness, no browser: time and outside events arrive as method calls,
//! randomness comes from a seeded [`rng::Rng`].
#![forbid(unsafe_code)]

pub mod choice;
pub mod dataflow;
pub mod diagnostic;
pub mod exec;
pub mod history;
pub mod intrinsics;
pub mod model;
pub mod path;
pub mod rng;
pub mod source;
pub mod template;
pub mod validate;
pub mod value;

pub use diagnostic::{Diagnostic, Severity, Span};
/// Stable sorts through one shared instance of the standard sort (for the web app's size).
pub use sort;
pub use value::{Map, Value};
