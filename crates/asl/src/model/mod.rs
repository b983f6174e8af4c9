//! The typed state machine, read from a definition's JSON value.
//!
//! Reading collects every problem it finds as a [`Diagnostic`] (pointer only; the caller attaches
//! line and column from the source map) and still builds as much of the machine as it can, so
//! the editor can show all problems at once. Small languages are compiled here, once: paths,
//! payload templates, intrinsic calls and Choice conditions never get re-parsed while running.

use std::collections::HashMap;
use std::rc::Rc;

use crate::choice::Condition;
use crate::diagnostic::Diagnostic;
use crate::error_name::ErrorName;
use crate::path::Path;
use crate::query::Query;
use crate::template::Template;
use crate::value::Value;

/// A definition that passed reading and validation.
#[derive(Debug)]
pub struct StateMachine {
    pub graph: Rc<Graph>,
    /// Execution-level `TimeoutSeconds`: past it the execution ends `TIMED_OUT`.
    pub timeout_seconds: Option<u64>,
    pub comment: Option<String>,
    /// The definition as read, for diagrams and the `$$` context.
    pub definition: Value,
}

/// A set of states with a start: the machine itself, a Parallel branch or a Map processor.
#[derive(Debug)]
pub struct Graph {
    pub start: usize,
    pub states: Vec<State>,
    pub index: HashMap<Rc<str>, usize>,
}

impl Graph {
    pub fn state(&self, name: &str) -> Option<&State> {
        self.index.get(name).map(|&i| &self.states[i])
    }
}

#[derive(Debug)]
pub struct State {
    pub name: Rc<str>,
    /// RFC 6901 pointer to the state's object in the definition.
    pub pointer: String,
    pub kind: StateKind,
    /// `QueryLanguage` is JSONata for this state (its own or the machine's).
    pub jsonata: bool,
    pub input_path: PathField,
    pub output_path: PathField,
    /// `Parameters` (JSONPath) or `Arguments` (JSONata): what a Task, Parallel or Pass works on.
    pub parameters: Option<Block>,
    pub result_selector: Option<Template>,
    pub result_path: ResultPath,
    pub assign: Option<Block>,
    /// JSONata `Output`; absent, the output is the result (Task, Map, Parallel) or the input.
    pub output: Option<Query>,
    pub retry: Vec<Retrier>,
    pub catch: Vec<Catcher>,
    /// Index of the next state, or `None` for `End: true` (and for Choice, Succeed, Fail).
    pub next: Option<usize>,
    /// Whether anything in the state reads `$$`, so the context object is built only when needed.
    pub uses_context: bool,
}

impl State {
    /// The ASL `Type` name.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            StateKind::Pass { .. } => "Pass",
            StateKind::Task(_) => "Task",
            StateKind::Choice { .. } => "Choice",
            StateKind::Wait(_) => "Wait",
            StateKind::Succeed => "Succeed",
            StateKind::Fail { .. } => "Fail",
            StateKind::Parallel { .. } => "Parallel",
            StateKind::Map(_) => "Map",
        }
    }
}

/// A value computed from a state's data: a JSONPath payload template (`Parameters`, `Assign`,
/// `ItemSelector`...) or, in a JSONata state, a value with `{% %}` expressions.
#[derive(Debug, Clone)]
pub enum Block {
    Template(Template),
    Query(Query),
}

impl Block {
    /// The JSONata value, for a JSONata state's block.
    pub fn query(&self) -> Option<&Query> {
        match self {
            Block::Query(q) => Some(q),
            Block::Template(_) => None,
        }
    }

    /// The payload template, for a JSONPath state's block.
    pub fn template(&self) -> Option<&Template> {
        match self {
            Block::Template(t) => Some(t),
            Block::Query(_) => None,
        }
    }
}

/// `InputPath` / `OutputPath`: absent means `$`, `null` means `{}`.
#[derive(Debug, Clone)]
pub enum PathField {
    Whole,
    Null,
    Path(Path),
}

/// `ResultPath`: absent means the result replaces the input, `null` discards the result.
#[derive(Debug, Clone)]
pub enum ResultPath {
    Replace,
    Discard,
    Path(Path),
}

#[derive(Debug)]
pub enum StateKind {
    Pass { result: Option<Value> },
    Task(Task),
    Choice { choices: Vec<ChoiceBranch>, default: Option<usize> },
    Wait(WaitFor),
    Succeed,
    Fail { error: Source, cause: Source },
    Parallel { branches: Vec<Rc<Graph>> },
    Map(MapState),
}

#[derive(Debug)]
pub struct ChoiceBranch {
    pub condition: Rule,
    pub next: usize,
    pub assign: Option<Block>,
    /// JSONata: the rule's `Output`, taken instead of the state's when the rule matches.
    pub output: Option<Query>,
}

/// A Choice rule's test: JSONPath's `Variable` and comparisons, or JSONata's `Condition`.
#[derive(Debug)]
pub enum Rule {
    Path(Condition),
    Query(Query),
}

/// A Fail state's `Error`/`Cause`: given literally, or read through `ErrorPath`/`CausePath`.
#[derive(Debug, Clone)]
pub enum Source {
    None,
    Literal(Rc<str>),
    /// A one-member payload template `{"<field>.$": ...}` and the field's name.
    Dynamic(Template, &'static str),
    /// JSONata: an expression, and the field's name (`Error` or `Cause`).
    Query(Query, &'static str),
}

#[derive(Debug, Clone)]
pub enum WaitFor {
    Seconds(u64),
    /// Milliseconds since the Unix epoch.
    Timestamp(i64),
    SecondsPath(Path),
    TimestampPath(Path),
    /// JSONata: `Seconds` given as an expression.
    SecondsQuery(Query),
    /// JSONata: `Timestamp` given as an expression.
    TimestampQuery(Query),
}

/// A positive number of seconds given literally or through a path.
#[derive(Debug, Clone)]
pub enum Seconds {
    None,
    Literal(u64),
    Path(Path),
    /// JSONata: an expression.
    Query(Query),
}

#[derive(Debug)]
pub struct Task {
    pub resource: Resource,
    pub timeout: Seconds,
    pub heartbeat: Seconds,
    /// `Credentials`: `{"RoleArn": ...}`, the role the task runs as.
    pub credentials: Option<Block>,
}

#[derive(Debug)]
pub struct MapState {
    pub items_path: Option<Path>,
    /// JSONata `Items`; absent, the state's input must be the array.
    pub items: Option<Query>,
    pub item_selector: Option<Block>,
    pub processor: Rc<Graph>,
    pub max_concurrency: Count,
    pub tolerated_failure_count: Count,
    pub tolerated_failure_percentage: Count,
    pub batcher: Option<ItemBatcher>,
    /// `ProcessorConfig.Mode` is `DISTRIBUTED`: the iterations are child executions.
    pub distributed: bool,
    /// `Label`: names the Map Run of a distributed Map.
    pub label: Option<Rc<str>>,
}

/// A count given literally (`MaxConcurrency`) or through a path (`MaxConcurrencyPath`).
#[derive(Debug, Clone)]
pub enum Count {
    None,
    Literal(f64),
    Path(Path),
    /// JSONata: an expression.
    Query(Query),
}

#[derive(Debug)]
pub struct ItemBatcher {
    pub max_items: Count,
    pub max_bytes: Count,
    pub batch_input: Option<Block>,
}

#[derive(Debug)]
pub struct Retrier {
    pub errors: Vec<ErrorName>,
    pub interval_seconds: f64,
    pub max_attempts: u32,
    pub backoff_rate: f64,
    pub max_delay_seconds: Option<f64>,
    pub jitter_full: bool,
}

#[derive(Debug)]
pub struct Catcher {
    pub errors: Vec<ErrorName>,
    pub next: usize,
    pub result_path: ResultPath,
    pub assign: Option<Block>,
    /// JSONata `Output`; absent, the error output.
    pub output: Option<Query>,
}

mod read;
mod read_jsonata;
mod resource;

pub use read::{article, read};
pub use resource::{Pattern, Resource, ResourceKind};
