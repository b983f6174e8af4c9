//! One file per pane of the screen. Components draw what `state::AppState` holds and turn clicks
//! into `state::Action`s; none of them owns the execution.

pub mod about;
pub mod clock;
pub mod details;
pub mod editor;
pub mod graph;
pub mod history;
pub mod inbox;
pub mod participants;
pub mod sequence;
pub mod splitter;
pub mod status;
pub mod viewport;
