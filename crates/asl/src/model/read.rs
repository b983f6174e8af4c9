//! Reading a definition's JSON into the model, collecting every problem on the way.

use std::collections::HashMap;
use std::rc::Rc;

use super::*;
use crate::choice;
use crate::diagnostic::{abbreviate, pointer_join, Code, MAX_DIAGNOSTICS};

/// Reads `definition` into a machine (as much of it as can be read) and its problems. The checks
/// that need the whole machine are [`crate::validate`]'s; [`crate::load`] runs both.
pub fn read(definition: &Value) -> (Option<StateMachine>, Vec<Diagnostic>) {
    let mut reader = Reader { diags: Vec::new(), machine_jsonata: false, jsonata: false };
    let machine = reader.machine(definition);
    (machine, reader.diags)
}

const STATE_TYPES: [&str; 8] = ["Task", "Wait", "Pass", "Succeed", "Fail", "Choice", "Parallel", "Map"];

pub(super) struct Reader {
    pub(super) diags: Vec<Diagnostic>,
    /// The machine's `QueryLanguage` is JSONata: the default of every state, nested ones too.
    pub(super) machine_jsonata: bool,
    /// The state being read is a JSONata state.
    pub(super) jsonata: bool,
}

/// An object being read: remembers which members were looked at, so the rest can be reported.
pub(super) struct Obj<'a> {
    pub(super) map: &'a crate::value::Map,
    pub(super) pointer: String,
    pub(super) seen: Vec<&'static str>,
}

impl<'a> Obj<'a> {
    pub(super) fn get(&mut self, key: &'static str) -> Option<&'a Value> {
        self.seen.push(key);
        self.map.get(key)
    }

    pub(super) fn at(&self, key: &str) -> String {
        pointer_join(&self.pointer, key)
    }
}

impl Reader {
    pub(super) fn error(&mut self, code: Code, pointer: impl Into<String>, message: impl Into<String>) {
        if self.diags.len() < MAX_DIAGNOSTICS {
            self.diags.push(Diagnostic::error(code, pointer, message));
        }
    }

    pub(super) fn object<'a>(&mut self, v: &'a Value, pointer: &str, what: &str) -> Option<Obj<'a>> {
        match v {
            Value::Object(map) => Some(Obj { map, pointer: pointer.to_string(), seen: Vec::new() }),
            other => {
                self.error(
                    Code::WrongType,
                    pointer,
                    format!("{what} must be a JSON object, but this is {}", article(other)),
                );
                None
            }
        }
    }

    /// Reports members nobody asked for: AWS rejects unknown fields.
    pub(super) fn finish(&mut self, obj: Obj, what: &str) {
        for key in obj.map.keys() {
            if !obj.seen.iter().any(|s| *s == &**key) {
                let hint = obj
                    .seen
                    .iter()
                    .find(|s| s.eq_ignore_ascii_case(key))
                    .map(|s| format!(" (did you mean '{s}'?)"))
                    .unwrap_or_default();
                self.error(
                    Code::UnknownField,
                    obj.at(key),
                    format!("'{key}' is not a field of {what}{hint}"),
                );
            }
        }
    }

    pub(super) fn string(&mut self, obj: &mut Obj, key: &'static str) -> Option<Rc<str>> {
        match obj.get(key)? {
            Value::String(s) => Some(s.clone()),
            other => {
                self.error(
                    Code::WrongType,
                    obj.at(key),
                    format!("'{key}' must be a string, not {}", article(other)),
                );
                None
            }
        }
    }

    fn bool(&mut self, obj: &mut Obj, key: &'static str) -> Option<bool> {
        match obj.get(key)? {
            Value::Bool(b) => Some(*b),
            other => {
                self.error(
                    Code::WrongType,
                    obj.at(key),
                    format!("'{key}' must be true or false, not {}", article(other)),
                );
                None
            }
        }
    }

    /// A non-negative integer within `max`.
    pub(super) fn integer(&mut self, obj: &mut Obj, key: &'static str, min: u64, max: u64) -> Option<u64> {
        let v = obj.get(key)?;
        match v.as_u64() {
            Some(n) if n >= min && n <= max => Some(n),
            _ => {
                self.error(
                    Code::WrongValue,
                    obj.at(key),
                    format!("'{key}' must be a whole number from {min} to {max}, not {v}"),
                );
                None
            }
        }
    }

    pub(super) fn number(&mut self, obj: &mut Obj, key: &'static str) -> Option<f64> {
        let v = obj.get(key)?;
        match v.as_f64() {
            Some(n) => Some(n),
            None => {
                self.error(
                    Code::WrongType,
                    obj.at(key),
                    format!("'{key}' must be a number, not {}", article(v)),
                );
                None
            }
        }
    }

    pub(super) fn path(&mut self, obj: &mut Obj, key: &'static str, reference: bool) -> Option<Path> {
        let at = obj.at(key);
        let text = self.string(obj, key)?;
        self.parse_path(&text, &at, key, reference)
    }

    fn parse_path(&mut self, text: &str, at: &str, key: &str, reference: bool) -> Option<Path> {
        let parsed = if reference { Path::parse_reference(text) } else { Path::parse(text) };
        match parsed {
            Ok(p) => Some(p),
            Err(e) => {
                let kind = if reference { "a valid reference path" } else { "a valid JSONPath" };
                self.error(Code::BadPath, at, format!("'{key}' must be {kind}: {}", e.message));
                None
            }
        }
    }

    /// `InputPath`/`OutputPath`: a path, or `null`.
    fn path_field(&mut self, obj: &mut Obj, key: &'static str) -> PathField {
        match obj.get(key) {
            None => PathField::Whole,
            Some(Value::Null) => PathField::Null,
            Some(Value::String(s)) => {
                let at = obj.at(key);
                self.parse_path(s, &at, key, false).map_or(PathField::Whole, PathField::Path)
            }
            Some(other) => {
                self.error(
                    Code::WrongType,
                    obj.at(key),
                    format!("'{key}' must be a path string or null, not {}", article(other)),
                );
                PathField::Whole
            }
        }
    }

    fn result_path(&mut self, obj: &mut Obj) -> ResultPath {
        match obj.get("ResultPath") {
            None => ResultPath::Replace,
            Some(Value::Null) => ResultPath::Discard,
            Some(Value::String(s)) => {
                let at = obj.at("ResultPath");
                if s.starts_with("$$") {
                    self.error(Code::BadPath, &at, "'ResultPath' cannot write into the context object ($$)");
                    return ResultPath::Replace;
                }
                match self.parse_path(s, &at, "ResultPath", true) {
                    Some(p) if matches!(p.root(), crate::path::Root::Variable(_)) => {
                        self.error(
                            Code::BadPath,
                            &at,
                            "'ResultPath' cannot write into a variable; use Assign",
                        );
                        ResultPath::Replace
                    }
                    Some(p) => ResultPath::Path(p),
                    None => ResultPath::Replace,
                }
            }
            Some(other) => {
                self.error(
                    Code::WrongType,
                    obj.at("ResultPath"),
                    format!("'ResultPath' must be a reference path or null, not {}", article(other)),
                );
                ResultPath::Replace
            }
        }
    }

    pub(super) fn template(&mut self, obj: &mut Obj, key: &'static str) -> Option<Template> {
        let v = obj.get(key)?;
        let at = obj.at(key);
        self.compile_template(v, &at)
    }

    pub(super) fn compile_template(&mut self, v: &Value, at: &str) -> Option<Template> {
        match Template::compile(v) {
            Ok(t) => Some(t),
            Err(errors) => {
                for e in errors {
                    // AWS's own words first, then what exactly is wrong.
                    let message =
                        if e.detail.is_empty() { e.message } else { format!("{} ({})", e.message, e.detail) };
                    self.error(Code::BadTemplate, format!("{at}{}", e.pointer), message);
                }
                None
            }
        }
    }

    /// A value given either literally (`key`) or through a reference path (`path_key`), never both.
    fn literal_or_path<T>(
        &mut self,
        obj: &mut Obj,
        key: &'static str,
        path_key: &'static str,
        literal: Option<T>,
    ) -> Option<Result<T, Path>> {
        let path = self.path(obj, path_key, true);
        match (literal, path) {
            (Some(_), Some(_)) => {
                self.error(
                    Code::ExclusiveFields,
                    obj.at(path_key),
                    format!("'{key}' and '{path_key}' cannot both be set"),
                );
                None
            }
            (Some(n), None) => Some(Ok(n)),
            (None, Some(p)) => Some(Err(p)),
            (None, None) => None,
        }
    }

    pub(super) fn seconds(&mut self, obj: &mut Obj, key: &'static str, path_key: &'static str) -> Seconds {
        if self.jsonata {
            // A whole number or an expression; the `...Path` form was refused already.
            return match obj.map.get(key) {
                Some(Value::String(_)) => self.query(obj, key).map_or(Seconds::None, Seconds::Query),
                _ => self.integer(obj, key, 1, 99_999_999).map_or(Seconds::None, Seconds::Literal),
            };
        }
        let literal = self.integer(obj, key, 1, 99_999_999);
        match self.literal_or_path(obj, key, path_key, literal) {
            Some(Ok(n)) => Seconds::Literal(n),
            Some(Err(p)) => Seconds::Path(p),
            None => Seconds::None,
        }
    }

    pub(super) fn count(&mut self, obj: &mut Obj, key: &'static str, path_key: &'static str) -> Count {
        let literal = match obj.map.get(key) {
            // An expression; the `...Path` form was refused already.
            Some(Value::String(_)) if self.jsonata => {
                return self.query(obj, key).map_or(Count::None, Count::Query);
            }
            _ => self.number(obj, key),
        };
        let given = match self.jsonata {
            true => literal.map(Ok),
            false => self.literal_or_path(obj, key, path_key, literal),
        };
        match given {
            Some(Ok(n)) if n < 0.0 => {
                self.error(Code::WrongValue, obj.at(key), format!("'{key}' cannot be negative"));
                Count::None
            }
            Some(Ok(n)) => Count::Literal(n),
            Some(Err(p)) => Count::Path(p),
            None => Count::None,
        }
    }

    fn machine(&mut self, v: &Value) -> Option<StateMachine> {
        let mut obj = self.object(v, "", "A state machine definition")?;
        let comment = self.string(&mut obj, "Comment").map(|s| s.to_string());
        let _version = self.string(&mut obj, "Version");
        let timeout_seconds = self.integer(&mut obj, "TimeoutSeconds", 1, 99_999_999);
        let jsonata = self.query_language(&mut obj) == Some(true);
        if jsonata && !crate::jsonata::available() {
            // One clear message rather than a complaint about every JSONata-only field.
            self.error(Code::JsonataUnsupported, obj.at("QueryLanguage"), JSONATA_UNAVAILABLE);
            return None;
        }
        self.machine_jsonata = jsonata;
        let graph = self.graph(&mut obj, "the state machine");
        self.finish(obj, "a state machine");
        Some(StateMachine { graph: Rc::new(graph?), timeout_seconds, comment, definition: v.clone() })
    }

    /// `QueryLanguage`, when it is given and valid: whether it is JSONata.
    fn query_language(&mut self, obj: &mut Obj) -> Option<bool> {
        match self.string(obj, "QueryLanguage").as_deref() {
            None => None,
            Some("JSONPath") => Some(false),
            Some("JSONata") => Some(true),
            Some(other) => {
                self.error(
                    Code::WrongValue,
                    obj.at("QueryLanguage"),
                    format!("'QueryLanguage' must be \"JSONPath\" or \"JSONata\", not \"{other}\""),
                );
                None
            }
        }
    }

    /// Reads `StartAt` and `States` of `obj` into a graph (transitions resolved to indices).
    fn graph(&mut self, obj: &mut Obj, owner: &str) -> Option<Graph> {
        let start_at = self.string(obj, "StartAt");
        let states_at = obj.at("States");
        let states_value = obj.get("States");
        if start_at.is_none() && !obj.map.contains_key("StartAt") {
            self.error(
                Code::MissingField,
                &obj.pointer,
                format!("{owner} needs a 'StartAt' naming its first state"),
            );
        }
        let Some(states_value) = states_value else {
            self.error(Code::MissingField, &obj.pointer, format!("{owner} needs a 'States' object"));
            return None;
        };
        let states_obj = self.object(states_value, &states_at, "'States'")?;
        let names: HashMap<Rc<str>, usize> =
            states_obj.map.keys().enumerate().map(|(i, k)| (k.clone(), i)).collect();
        if names.is_empty() {
            self.error(Code::MissingField, &states_at, "'States' must contain at least one state");
        }
        let mut states = Vec::with_capacity(names.len());
        for (name, value) in states_obj.map.iter() {
            let at = pointer_join(&states_at, name);
            if name.chars().count() > 80 {
                self.error(
                    Code::BadName,
                    &at,
                    format!("state names can be at most 80 characters; '{}' is longer", abbreviate(name)),
                );
                // Its body is not read: every pointer into it repeats the name, so a long name
                // over a long list of items would cost the name's length once per item.
                continue;
            }
            if let Some(state) = self.state(name, value, &at, &names) {
                states.push(state);
            }
        }
        let start = match &start_at {
            Some(s) => match names.get(s) {
                Some(&i) => i,
                None => {
                    self.error(
                        Code::MissingState,
                        obj.at("StartAt"),
                        format!("'StartAt' names a state \"{s}\" that does not exist in 'States'"),
                    );
                    0
                }
            },
            None => 0,
        };
        if states.len() != names.len() {
            return None;
        }
        Some(Graph { start, states, index: names })
    }

    pub(super) fn target(
        &mut self,
        name: &str,
        at: &str,
        key: &str,
        names: &HashMap<Rc<str>, usize>,
    ) -> Option<usize> {
        match names.get(name) {
            Some(&i) => Some(i),
            None => {
                let hint = names
                    .keys()
                    .find(|n| n.eq_ignore_ascii_case(name))
                    .map(|n| format!(" (did you mean \"{n}\"?)"))
                    .unwrap_or_default();
                self.error(
                    Code::MissingState,
                    at,
                    format!("'{key}' names a state \"{name}\" that does not exist here{hint}"),
                );
                None
            }
        }
    }

    fn next_or_end(&mut self, obj: &mut Obj, names: &HashMap<Rc<str>, usize>) -> Option<usize> {
        let next = self.string(obj, "Next");
        let end = self.bool(obj, "End");
        match (next, end) {
            (Some(_), Some(true)) => {
                self.error(
                    Code::NextAndEnd,
                    obj.at("End"),
                    "a state cannot have both 'Next' and 'End: true'",
                );
                None
            }
            (Some(n), _) => {
                let at = obj.at("Next");
                self.target(&n, &at, "Next", names)
            }
            (None, Some(true)) => None,
            (None, _) => {
                self.error(
                    Code::MissingNext,
                    &obj.pointer,
                    "this state needs 'Next' (the state to go to) or 'End: true'",
                );
                None
            }
        }
    }

    /// Reads one state, in its query language (which the states nested in it do not inherit:
    /// theirs defaults to the machine's, ASL-SEMANTICS §6.1).
    fn state(
        &mut self,
        name: &Rc<str>,
        v: &Value,
        at: &str,
        names: &HashMap<Rc<str>, usize>,
    ) -> Option<State> {
        let outer = self.jsonata;
        let state = self.state_body(name, v, at, names);
        self.jsonata = outer;
        state
    }

    fn state_body(
        &mut self,
        name: &Rc<str>,
        v: &Value,
        at: &str,
        names: &HashMap<Rc<str>, usize>,
    ) -> Option<State> {
        let mut obj = self.object(v, at, &format!("State \"{name}\""))?;
        let type_name = self.string(&mut obj, "Type");
        let Some(type_name) = type_name else {
            if !obj.map.contains_key("Type") {
                self.error(Code::MissingField, at, format!("state \"{name}\" needs a 'Type'"));
            }
            return None;
        };
        if !STATE_TYPES.contains(&&*type_name) {
            self.error(
                Code::WrongValue,
                obj.at("Type"),
                format!(
                    "'Type' must be one of {}; \"{type_name}\" is not a state type",
                    STATE_TYPES.join(", ")
                ),
            );
            return None;
        }
        let _comment = self.string(&mut obj, "Comment");
        let jsonata = match self.query_language(&mut obj) {
            Some(false) if self.machine_jsonata => {
                // AWS's words (recorded, ASL-SEMANTICS §6.1).
                self.error(
                    Code::QueryLanguageConflict,
                    obj.at("QueryLanguage"),
                    "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine",
                );
                false
            }
            Some(true) if !crate::jsonata::available() => {
                self.error(Code::JsonataUnsupported, obj.at("QueryLanguage"), JSONATA_UNAVAILABLE);
                return None;
            }
            Some(own) => own,
            None => self.machine_jsonata,
        };
        self.jsonata = jsonata;
        let t = &*type_name;
        let terminal = matches!(t, "Succeed" | "Fail");
        let takes_result = matches!(t, "Task" | "Parallel" | "Map");
        let mut output = None;
        let (input_path, output_path, parameters, result_selector, result_path, assign);
        if jsonata {
            self.refuse_jsonpath_fields(&mut obj, t);
            (input_path, output_path, result_selector, result_path) =
                (PathField::Whole, PathField::Whole, None, ResultPath::Replace);
            parameters = match t {
                "Task" | "Parallel" => self.query_block(&mut obj, "Arguments"),
                _ => None,
            };
            assign = if terminal { None } else { self.query_block(&mut obj, "Assign") };
            if t != "Fail" {
                output = self.query(&mut obj, "Output");
            }
        } else {
            self.refuse_jsonata_fields(&mut obj, t);
            input_path = if t == "Fail" { PathField::Whole } else { self.path_field(&mut obj, "InputPath") };
            output_path =
                if t == "Fail" { PathField::Whole } else { self.path_field(&mut obj, "OutputPath") };
            let takes_parameters = matches!(t, "Task" | "Pass" | "Parallel" | "Map");
            parameters = if takes_parameters {
                self.template(&mut obj, "Parameters").map(Block::Template)
            } else {
                None
            };
            result_selector = if takes_result { self.template(&mut obj, "ResultSelector") } else { None };
            result_path =
                if takes_result || t == "Pass" { self.result_path(&mut obj) } else { ResultPath::Replace };
            assign = if terminal { None } else { self.template(&mut obj, "Assign").map(Block::Template) };
        }
        let (retry, catch) = if takes_result {
            (self.retriers(&mut obj), self.catchers(&mut obj, names))
        } else {
            (Vec::new(), Vec::new())
        };
        let kind = match t {
            "Pass" if jsonata => StateKind::Pass { result: None },
            "Pass" => StateKind::Pass { result: obj.get("Result").cloned() },
            "Task" => StateKind::Task(self.task(&mut obj)),
            "Choice" => self.choice(&mut obj, names),
            "Wait" => StateKind::Wait(self.wait(&mut obj)?),
            "Succeed" => StateKind::Succeed,
            "Fail" => StateKind::Fail {
                error: self.source(&mut obj, "Error", "ErrorPath"),
                cause: self.source(&mut obj, "Cause", "CausePath"),
            },
            "Parallel" => self.parallel(&mut obj)?,
            _ => StateKind::Map(self.map_state(&mut obj)?),
        };
        let next = if terminal || t == "Choice" { None } else { self.next_or_end(&mut obj, names) };
        // A JSONata state may read `$states.context` (or hand `$states` to a function).
        let uses_context = mentions_context(v) || (jsonata && mentions(v, "$states"));
        if jsonata {
            self.check_states_members(obj.map, &obj.pointer, takes_result);
        }
        self.finish(obj, &format!("a {t} state"));
        Some(State {
            name: name.clone(),
            pointer: at.to_string(),
            kind,
            jsonata,
            input_path,
            output_path,
            parameters,
            result_selector,
            result_path,
            assign,
            output,
            retry,
            catch,
            next,
            uses_context,
        })
    }

    fn source(&mut self, obj: &mut Obj, key: &'static str, path_key: &'static str) -> Source {
        if self.jsonata {
            return match self.query(obj, key) {
                None => Source::None,
                Some(q) => match q.literal() {
                    Some(Value::String(s)) => Source::Literal(s.clone()),
                    Some(other) => {
                        self.error(
                            Code::WrongType,
                            obj.at(key),
                            format!(
                                "'{key}' must be a string or a {{% %}} expression, not {}",
                                article(other)
                            ),
                        );
                        Source::None
                    }
                    None => Source::Query(q, key),
                },
            };
        }
        let literal = self.string(obj, key);
        let path_at = obj.at(path_key);
        let path = self.string(obj, path_key);
        match (literal, path) {
            (Some(_), Some(_)) => {
                self.error(
                    Code::ExclusiveFields,
                    path_at,
                    format!("'{key}' and '{path_key}' cannot both be set"),
                );
                Source::None
            }
            (Some(s), None) => Source::Literal(s),
            // ErrorPath/CausePath take a path or an intrinsic call: a one-member payload template
            // evaluates either, with the same error texts as Parameters.
            (None, Some(p)) => {
                let template = Value::from_pairs([(format!("{path_key}.$"), Value::string(p))]);
                match Template::compile(&template) {
                    Ok(t) => Source::Dynamic(t, path_key),
                    Err(errors) => {
                        for e in errors {
                            self.error(Code::BadPath, &path_at, e.message);
                        }
                        Source::None
                    }
                }
            }
            (None, None) => Source::None,
        }
    }

    fn task(&mut self, obj: &mut Obj) -> Task {
        let resource = match self.string(obj, "Resource") {
            Some(arn) => {
                if arn.is_empty() {
                    // The States Language requires a URI here, and AWS's validator is reported to
                    // refuse an empty one (no recording of it in ASL-SEMANTICS).
                    self.error(
                        Code::WrongValue,
                        obj.at("Resource"),
                        "'Resource' cannot be empty: it must name the integration to call, as an ARN",
                    );
                } else if !arn.starts_with("arn:") && !arn.contains("${") {
                    // AWS refuses any Resource that is not an ARN at CreateStateMachine [INF: its
                    // schema validation names "a valid resource ARN"]. A `${...}` placeholder of a
                    // template is left to the integration reader, which says what it stands for.
                    self.error(
                        Code::WrongValue,
                        obj.at("Resource"),
                        format!(
                            "'Resource' must be an ARN, such as arn:aws:states:::lambda:invoke; '{}' is not one",
                            crate::diagnostic::abbreviate(&arn)
                        ),
                    );
                }
                Resource::parse(&arn)
            }
            None => {
                if !obj.map.contains_key("Resource") {
                    self.error(
                        Code::MissingField,
                        &obj.pointer,
                        "a Task state needs a 'Resource' (the integration to call)",
                    );
                }
                Resource::parse("")
            }
        };
        let credentials = match self.jsonata {
            true => self.query_block(obj, "Credentials"),
            false => self.template(obj, "Credentials").map(Block::Template),
        };
        let timeout = self.seconds(obj, "TimeoutSeconds", "TimeoutSecondsPath");
        let heartbeat = self.seconds(obj, "HeartbeatSeconds", "HeartbeatSecondsPath");
        if let (Seconds::Literal(t), Seconds::Literal(h)) = (&timeout, &heartbeat) {
            if h >= t {
                self.error(
                    Code::HeartbeatNotBelowTimeout,
                    obj.at("HeartbeatSeconds"),
                    format!("'HeartbeatSeconds' ({h}) must be smaller than 'TimeoutSeconds' ({t})"),
                );
            }
        }
        Task { resource, timeout, heartbeat, credentials }
    }

    fn choice(&mut self, obj: &mut Obj, names: &HashMap<Rc<str>, usize>) -> StateKind {
        let mut choices = Vec::new();
        let at = obj.at("Choices");
        match obj.get("Choices") {
            Some(Value::Array(rules)) if !rules.is_empty() => {
                for (i, rule) in rules.iter().enumerate() {
                    let rule_at = format!("{at}/{i}");
                    let (condition, output) = if self.jsonata {
                        self.jsonata_rule(rule, &rule_at)
                    } else {
                        self.refuse_jsonata_rule_fields(rule, &rule_at);
                        let extra = ["Next", "Comment", "Assign", "Condition", "Output"];
                        (
                            choice::parse_condition(rule, &rule_at, &extra, &mut self.diags).map(Rule::Path),
                            None,
                        )
                    };
                    let next = match rule.get("Next") {
                        Some(Value::String(n)) => {
                            self.target(n, &pointer_join(&rule_at, "Next"), "Next", names)
                        }
                        Some(_) => {
                            self.error(
                                Code::WrongType,
                                pointer_join(&rule_at, "Next"),
                                "'Next' must be a state name",
                            );
                            None
                        }
                        None => {
                            self.error(Code::MissingNext, &rule_at, "each Choice rule needs a 'Next' state");
                            None
                        }
                    };
                    let assign_at = pointer_join(&rule_at, "Assign");
                    let assign = match (rule.get("Assign"), self.jsonata) {
                        (None, _) => None,
                        (Some(a), true) => self.compile_query(a, &assign_at).map(Block::Query),
                        (Some(a), false) => self.compile_template(a, &assign_at).map(Block::Template),
                    };
                    if let (Some(condition), Some(next)) = (condition, next) {
                        choices.push(ChoiceBranch { condition, next, assign, output });
                    }
                }
            }
            Some(Value::Array(_)) => {
                self.error(Code::MissingField, at, "'Choices' must hold at least one rule")
            }
            Some(other) => self.error(
                Code::WrongType,
                at,
                format!("'Choices' must be an array of rules, not {}", article(other)),
            ),
            None => self.error(Code::MissingField, &obj.pointer, "a Choice state needs 'Choices'"),
        }
        let default = self.string(obj, "Default").and_then(|d| {
            let at = obj.at("Default");
            self.target(&d, &at, "Default", names)
        });
        for forbidden in ["Next", "End"] {
            if obj.map.contains_key(forbidden) {
                obj.seen.push(if forbidden == "Next" { "Next" } else { "End" });
                self.error(
                    Code::UnknownField,
                    obj.at(forbidden),
                    format!("a Choice state cannot have '{forbidden}': each rule names its own 'Next', and 'Default' covers the rest"),
                );
            }
        }
        StateKind::Choice { choices, default }
    }

    fn wait(&mut self, obj: &mut Obj) -> Option<WaitFor> {
        if self.jsonata {
            return self.jsonata_wait(obj);
        }
        let seconds = self.integer(obj, "Seconds", 0, 99_999_999);
        let timestamp = self.string(obj, "Timestamp");
        let seconds_path = self.path(obj, "SecondsPath", true);
        let timestamp_path = self.path(obj, "TimestampPath", true);
        let given: Vec<&str> = [
            ("Seconds", obj.map.contains_key("Seconds")),
            ("Timestamp", obj.map.contains_key("Timestamp")),
            ("SecondsPath", obj.map.contains_key("SecondsPath")),
            ("TimestampPath", obj.map.contains_key("TimestampPath")),
        ]
        .into_iter()
        .filter_map(|(k, present)| present.then_some(k))
        .collect();
        if given.len() > 1 {
            self.error(
                Code::ExclusiveFields,
                obj.at(given[1]),
                format!("a Wait state takes exactly one of Seconds, Timestamp, SecondsPath, TimestampPath; this one has {}", given.join(" and ")),
            );
            return None;
        }
        if given.is_empty() {
            self.error(
                Code::MissingField,
                &obj.pointer,
                "a Wait state needs one of Seconds, Timestamp, SecondsPath or TimestampPath",
            );
            return None;
        }
        if let Some(ts) = timestamp {
            return match crate::time::parse_timestamp(&ts) {
                Some(t) => Some(WaitFor::Timestamp(t.to_epoch_millis())),
                None => {
                    self.error(
                        Code::BadTimestamp,
                        obj.at("Timestamp"),
                        "'Timestamp' must be an RFC 3339 timestamp such as 2026-01-01T12:00:00Z",
                    );
                    None
                }
            };
        }
        seconds
            .map(WaitFor::Seconds)
            .or(seconds_path.map(WaitFor::SecondsPath))
            .or(timestamp_path.map(WaitFor::TimestampPath))
    }

    fn parallel(&mut self, obj: &mut Obj) -> Option<StateKind> {
        let at = obj.at("Branches");
        let branches = match obj.get("Branches") {
            Some(Value::Array(items)) if !items.is_empty() => {
                let mut graphs = Vec::new();
                for (i, b) in items.iter().enumerate() {
                    let b_at = format!("{at}/{i}");
                    let mut branch = self.object(b, &b_at, "A Parallel branch")?;
                    let _ = self.string(&mut branch, "Comment");
                    let graph = self.graph(&mut branch, "each Parallel branch");
                    self.finish(branch, "a Parallel branch");
                    graphs.push(Rc::new(graph?));
                }
                graphs
            }
            Some(Value::Array(_)) => {
                self.error(Code::MissingField, at, "'Branches' must hold at least one branch");
                return None;
            }
            Some(other) => {
                self.error(
                    Code::WrongType,
                    at,
                    format!("'Branches' must be an array, not {}", article(other)),
                );
                return None;
            }
            None => {
                self.error(Code::MissingField, &obj.pointer, "a Parallel state needs 'Branches'");
                return None;
            }
        };
        Some(StateKind::Parallel { branches })
    }

    fn map_state(&mut self, obj: &mut Obj) -> Option<MapState> {
        let (items_path, items, item_selector) = match self.jsonata {
            true => (None, self.query(obj, "Items"), self.query_block(obj, "ItemSelector")),
            false => {
                let items_path = self.path(obj, "ItemsPath", true);
                (items_path, None, self.template(obj, "ItemSelector").map(Block::Template))
            }
        };
        // In a JSONata state `Parameters` was refused already.
        let legacy_parameters = obj.map.contains_key("Parameters") && !self.jsonata;
        if item_selector.is_some() && legacy_parameters {
            self.error(
                Code::ExclusiveFields,
                obj.at("Parameters"),
                "'ItemSelector' replaces the older 'Parameters' of a Map; use only one",
            );
        }
        let processor_key = match (obj.map.contains_key("ItemProcessor"), obj.map.contains_key("Iterator")) {
            (true, true) => {
                self.error(
                    Code::ExclusiveFields,
                    obj.at("Iterator"),
                    "'ItemProcessor' replaces the older 'Iterator'; use only one",
                );
                "ItemProcessor"
            }
            (false, true) => "Iterator",
            _ => "ItemProcessor",
        };
        let processor_at = obj.at(processor_key);
        let mut distributed = false;
        let processor = match obj.get(processor_key) {
            Some(v) => {
                let mut p = self.object(v, &processor_at, &format!("'{processor_key}'"))?;
                let _ = self.string(&mut p, "Comment");
                if let Some(config) = p.get("ProcessorConfig") {
                    distributed =
                        self.processor_config(config, &pointer_join(&processor_at, "ProcessorConfig"));
                }
                let graph = self.graph(&mut p, &format!("'{processor_key}'"));
                self.finish(p, &format!("'{processor_key}'"));
                graph?
            }
            None => {
                self.error(
                    Code::MissingField,
                    &obj.pointer,
                    "a Map state needs an 'ItemProcessor' (the states to run for each item)",
                );
                return None;
            }
        };
        let max_concurrency = self.count(obj, "MaxConcurrency", "MaxConcurrencyPath");
        let tolerated_failure_count = self.count(obj, "ToleratedFailureCount", "ToleratedFailureCountPath");
        let tolerated_failure_percentage =
            self.count(obj, "ToleratedFailurePercentage", "ToleratedFailurePercentagePath");
        if let Count::Literal(p) = tolerated_failure_percentage {
            if p > 100.0 {
                self.error(
                    Code::WrongValue,
                    obj.at("ToleratedFailurePercentage"),
                    "'ToleratedFailurePercentage' must be between 0 and 100",
                );
            }
        }
        let label = self.string(obj, "Label");
        let batcher = match obj.get("ItemBatcher") {
            Some(v) => {
                let at = obj.at("ItemBatcher");
                let mut b = self.object(v, &at, "'ItemBatcher'")?;
                let max_items = self.count(&mut b, "MaxItemsPerBatch", "MaxItemsPerBatchPath");
                let max_bytes = self.count(&mut b, "MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath");
                let batch_input = match self.jsonata {
                    true => self.query_block(&mut b, "BatchInput"),
                    false => self.template(&mut b, "BatchInput").map(Block::Template),
                };
                self.finish(b, "'ItemBatcher'");
                Some(ItemBatcher { max_items, max_bytes, batch_input })
            }
            None => None,
        };
        for unsupported in ["ItemReader", "ResultWriter"] {
            if obj.get(if unsupported == "ItemReader" { "ItemReader" } else { "ResultWriter" }).is_some() {
                self.error(
                    Code::Unsupported,
                    obj.at(unsupported),
                    format!("'{unsupported}' (reading or writing S3) is not supported yet: Baton has no S3"),
                );
            }
        }
        let item_selector = if legacy_parameters && item_selector.is_none() {
            self.template(obj, "Parameters").map(Block::Template)
        } else {
            item_selector
        };
        Some(MapState {
            items_path,
            items,
            item_selector,
            processor: Rc::new(processor),
            max_concurrency,
            tolerated_failure_count,
            tolerated_failure_percentage,
            batcher,
            distributed,
            label,
        })
    }

    /// Checks a `ProcessorConfig`; true when its Mode is `DISTRIBUTED`.
    fn processor_config(&mut self, v: &Value, at: &str) -> bool {
        let Some(mut c) = self.object(v, at, "'ProcessorConfig'") else { return false };
        let mut distributed = false;
        if let Some(mode) = self.string(&mut c, "Mode") {
            distributed = &*mode == "DISTRIBUTED";
            if !matches!(&*mode, "INLINE" | "DISTRIBUTED") {
                self.error(Code::WrongValue, c.at("Mode"), "'Mode' must be \"INLINE\" or \"DISTRIBUTED\"");
            }
        }
        if let Some(t) = self.string(&mut c, "ExecutionType") {
            if !matches!(&*t, "STANDARD" | "EXPRESS") {
                self.error(
                    Code::WrongValue,
                    c.at("ExecutionType"),
                    "'ExecutionType' must be \"STANDARD\" or \"EXPRESS\"",
                );
            }
        }
        self.finish(c, "'ProcessorConfig'");
        distributed
    }

    fn error_names(&mut self, obj: &mut Obj, what: &str) -> Vec<ErrorName> {
        let at = obj.at("ErrorEquals");
        match obj.get("ErrorEquals") {
            Some(Value::Array(items)) if !items.is_empty() => {
                let mut names = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    match item.as_str() {
                        Some(s) => names.push(ErrorName::parse(s)),
                        None => {
                            self.error(Code::WrongType, format!("{at}/{i}"), "error names must be strings")
                        }
                    }
                }
                if names.len() > 1 && names.contains(&ErrorName::All) {
                    self.error(
                        Code::StatesAllNotAlone,
                        &at,
                        format!("\"{}\" must be the only name in its 'ErrorEquals'", ErrorName::All),
                    );
                }
                names
            }
            Some(Value::Array(_)) => {
                self.error(
                    Code::MissingField,
                    at,
                    format!("'ErrorEquals' of a {what} must name at least one error"),
                );
                Vec::new()
            }
            Some(other) => {
                self.error(
                    Code::WrongType,
                    at,
                    format!("'ErrorEquals' must be an array of error names, not {}", article(other)),
                );
                Vec::new()
            }
            None => {
                self.error(Code::MissingField, &obj.pointer, format!("a {what} needs 'ErrorEquals'"));
                Vec::new()
            }
        }
    }

    /// Reads `Retry` or `Catch`: an array of handler objects, each with `ErrorEquals`, where
    /// `States.ALL` may only come last. `read_one` reads the rest of one handler.
    fn handlers<T>(
        &mut self,
        obj: &mut Obj,
        key: &'static str,
        what: &str,
        mut read_one: impl FnMut(&mut Self, &mut Obj, Vec<ErrorName>) -> Option<T>,
    ) -> Vec<T> {
        let at = obj.at(key);
        let Some(v) = obj.get(key) else { return Vec::new() };
        let Some(items) = v.as_array() else {
            self.error(Code::WrongType, at, format!("'{key}' must be an array of {what}s"));
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let item_at = format!("{at}/{i}");
            let Some(mut h) = self.object(item, &item_at, &format!("A {what}")) else { continue };
            let errors = self.error_names(&mut h, what);
            if errors.contains(&ErrorName::All) && i + 1 != items.len() {
                let all = ErrorName::All;
                self.error(
                    Code::StatesAllNotLast,
                    pointer_join(&item_at, "ErrorEquals"),
                    format!("a {what} for \"{all}\" must be the last one: {what}s after it can never match"),
                );
            }
            let _ = self.string(&mut h, "Comment");
            let handler = read_one(self, &mut h, errors);
            self.finish(h, &format!("a {what}"));
            out.extend(handler);
        }
        out
    }

    fn retriers(&mut self, obj: &mut Obj) -> Vec<Retrier> {
        self.handlers(obj, "Retry", "retrier", |this, r, errors| {
            let interval_seconds = this.integer(r, "IntervalSeconds", 1, 99_999_999).unwrap_or(1) as f64;
            let max_attempts = this.integer(r, "MaxAttempts", 0, 99_999_999).unwrap_or(3) as u32;
            let backoff_rate = match this.number(r, "BackoffRate") {
                Some(b) if b < 1.0 => {
                    this.error(Code::WrongValue, r.at("BackoffRate"), "'BackoffRate' must be at least 1.0");
                    2.0
                }
                Some(b) => b,
                None => 2.0,
            };
            let max_delay_seconds = this.integer(r, "MaxDelaySeconds", 1, 31_622_400).map(|n| n as f64);
            let jitter_full = match this.string(r, "JitterStrategy").as_deref() {
                None | Some("NONE") => false,
                Some("FULL") => true,
                Some(other) => {
                    this.error(
                        Code::WrongValue,
                        r.at("JitterStrategy"),
                        format!("'JitterStrategy' must be \"FULL\" or \"NONE\", not \"{other}\""),
                    );
                    false
                }
            };
            Some(Retrier {
                errors,
                interval_seconds,
                max_attempts,
                backoff_rate,
                max_delay_seconds,
                jitter_full,
            })
        })
    }

    fn catchers(&mut self, obj: &mut Obj, names: &HashMap<Rc<str>, usize>) -> Vec<Catcher> {
        self.handlers(obj, "Catch", "catcher", |this, c, errors| {
            let next = match this.string(c, "Next") {
                Some(n) => {
                    let n_at = c.at("Next");
                    this.target(&n, &n_at, "Next", names)
                }
                None => {
                    this.error(
                        Code::MissingNext,
                        &c.pointer,
                        "a catcher needs 'Next': the state to go to when it catches",
                    );
                    None
                }
            };
            let (result_path, assign, output) = if this.jsonata {
                this.refuse_jsonpath_catcher_fields(c);
                (ResultPath::Replace, this.query_block(c, "Assign"), this.query(c, "Output"))
            } else {
                this.refuse_jsonata_catcher_fields(c);
                (this.result_path(c), this.template(c, "Assign").map(Block::Template), None)
            };
            Some(Catcher { errors, next: next?, result_path, assign, output })
        })
    }
}

/// The reader's answer to a JSONata definition in a build without the engine.
const JSONATA_UNAVAILABLE: &str = "JSONata is not in this build of Baton: it runs JSONPath state machines only. The command-line `baton` runs JSONata.";

/// Whether any string or key in `v` contains `needle`.
fn mentions(v: &Value, needle: &str) -> bool {
    match v {
        Value::String(s) => s.contains(needle),
        Value::Array(a) => a.iter().any(|v| mentions(v, needle)),
        Value::Object(o) => o.iter().any(|(k, v)| k.contains(needle) || mentions(v, needle)),
        _ => false,
    }
}

/// Whether any string in the state mentions `$$`: a cheap, conservative test for context use.
fn mentions_context(v: &Value) -> bool {
    match v {
        Value::String(s) => s.contains("$$"),
        Value::Array(a) => a.iter().any(mentions_context),
        Value::Object(o) => o.iter().any(|(k, v)| k.contains("$$") || mentions_context(v)),
        _ => false,
    }
}

/// "an object", "a string", ... for messages.
pub fn article(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
        other => format!("a {} ({other})", other.type_name()),
    }
}
