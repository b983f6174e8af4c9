//! The simulated world.
#![forbid(unsafe_code)]
