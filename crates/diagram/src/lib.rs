//! Diagram layout.
#![forbid(unsafe_code)]
