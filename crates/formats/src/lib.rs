//! What people bring instead of an ASL JSON file, as ASL JSON text the definition reader
//! compiles unchanged ([`asl::compile`]), with every place mapped back to the user's text.
//!
//! - An ASL JSON file passes through untouched (the identity map: no copy, no cost).
//! - A YAML definition is written out as JSON.
//! - A CloudFormation or SAM template (JSON or YAML) gives its state machine's definition, its
//!   intrinsic functions evaluated and `DefinitionSubstitutions` applied ([`template`]).
//! - A Terraform `templatefile` definition has its `${...}` placeholders filled in ([`tpl`]).
//!
//! What only a deployment knows (an account, a function's ARN, a variable) becomes a plausible
//! stand-in, all of them listed in one warning. Baton writes the JSON text itself, so it knows
//! where each value and member name it writes came from: [`Definition::translate`] turns the
//! definition reader's places in the JSON text into places in the user's text (line, column in
//! characters; inside a string where the string is written as itself or with escapes).
//!
//! Text in, text out: no file system (a SAM `DefinitionUri` is handed back to the host as
//! [`Read::Linked`]), no browser.
#![forbid(unsafe_code)]

mod emit;
mod fill;
mod json;
mod map;
mod node;
mod template;
mod text;
mod tpl;
mod write;
mod yaml;

use std::borrow::Cow;

use asl::diagnostic::{Code, Diagnostic};
use asl::Span;

use crate::fill::Fills;
use crate::map::{Mode, SpanMap, Text};
use crate::node::Node;
use crate::text::Lines;
use crate::write::{Hooks, Writer};

pub use crate::template::{SERVERLESS, STEP_FUNCTIONS};

/// The most a YAML file or a template may hold: more than any template CloudFormation accepts
/// (1 MB from S3), and it bounds what reading one can cost. (A JSON definition is bounded by the
/// definition reader, at 1 MiB.)
pub const MAX_SOURCE_BYTES: usize = 4 << 20;

/// What a text was read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// An ASL JSON definition, read as it is.
    Json,
    /// An ASL definition in YAML.
    Yaml,
    /// A CloudFormation or SAM template in JSON.
    JsonTemplate,
    /// A CloudFormation or SAM template in YAML.
    YamlTemplate,
    /// A JSON definition holding Terraform `templatefile` placeholders.
    Terraform,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "ASL JSON",
            Format::Yaml => "ASL YAML",
            Format::JsonTemplate => "CloudFormation/SAM template (JSON)",
            Format::YamlTemplate => "CloudFormation/SAM template (YAML)",
            Format::Terraform => "Terraform template",
        }
    }
}

/// What the host knows besides the text.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options<'a> {
    /// The file's name (or path), for what its extension says: `.yaml`/`.yml` is YAML, `.json`
    /// JSON, `.tftpl`/`.tpl`/`.tmpl` a Terraform template. Without one, the text decides.
    pub name: &'a str,
    /// The logical ID of the template's state machine to read (needed when it has several).
    pub state_machine: Option<&'a str>,
}

/// What reading gave.
#[derive(Debug)]
pub enum Read<'t> {
    Definition(Definition<'t>),
    /// A SAM state machine whose `DefinitionUri` names a local file: the host reads it (relative
    /// to the template) and hands its text to [`read_linked`].
    Linked(Linked),
}

/// Why there is no definition to compile.
#[derive(Debug)]
pub enum Problem {
    /// Problems located in the text given: YAML that is not YAML, a template whose state machine
    /// cannot be read.
    Invalid(Vec<Diagnostic>),
    /// The template has several state machines and none was chosen, or not one of them.
    Choose {
        /// Their logical IDs, in the template's order.
        ids: Vec<String>,
        /// The one asked for, when it is not there.
        asked: Option<String>,
    },
}

impl Problem {
    fn at(d: Diagnostic) -> Problem {
        Problem::Invalid(vec![d])
    }

    /// A line saying what went wrong, without places (a host with places prints the
    /// diagnostics of [`Problem::Invalid`] itself).
    pub fn message(&self) -> String {
        match self {
            Problem::Invalid(diags) => diags.first().map(|d| d.message.clone()).unwrap_or_default(),
            Problem::Choose { ids, asked: Some(asked) } => {
                format!("the template has no state machine '{asked}'; its state machines: {}", ids.join(", "))
            }
            Problem::Choose { ids, asked: None } => {
                format!("the template has {} state machines: {}", ids.len(), ids.join(", "))
            }
        }
    }
}

/// A definition as ASL JSON text, and the way back to the text it was read from.
#[derive(Debug)]
pub struct Definition<'t> {
    source: &'t str,
    json: Cow<'t, str>,
    map: SpanMap,
    warnings: Vec<Diagnostic>,
    pub format: Format,
    /// The template's state machine read (its logical ID).
    pub state_machine: Option<String>,
}

impl<'t> Definition<'t> {
    fn identity(source: &'t str) -> Definition<'t> {
        Definition {
            source,
            json: Cow::Borrowed(source),
            map: SpanMap::default(),
            warnings: Vec::new(),
            format: Format::Json,
            state_machine: None,
        }
    }

    /// The ASL JSON text to compile.
    pub fn json(&self) -> &str {
        &self.json
    }

    /// The text the places are in.
    pub fn source(&self) -> &'t str {
        self.source
    }

    /// Whether the JSON text is the source itself.
    pub fn is_identity(&self) -> bool {
        self.map.is_identity() && matches!(self.json, Cow::Borrowed(_))
    }

    /// Reading's own warnings (what was filled in), placed in the source.
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    /// A diagnostic of the JSON text (the definition reader's), placed in the source.
    pub fn translate(&self, d: &Diagnostic) -> Diagnostic {
        let mut d = d.clone();
        if self.is_identity() {
            return d;
        }
        if let Some(span) = d.span {
            let lines = Lines::new(self.source);
            d.span = Some(self.map.translate(&self.json, self.source, &lines, span));
        }
        d
    }

    /// The definition reader's diagnostics placed in the source, with reading's warnings, in
    /// the source's order.
    pub fn diagnostics(&self, compiled: &[Diagnostic]) -> Vec<Diagnostic> {
        let mut all: Vec<Diagnostic> = match self.is_identity() {
            true => compiled.to_vec(),
            false => {
                let lines = Lines::new(self.source);
                compiled
                    .iter()
                    .map(|d| {
                        let mut d = d.clone();
                        d.span = d.span.map(|s| self.map.translate(&self.json, self.source, &lines, s));
                        d
                    })
                    .collect()
            }
        };
        all.extend(self.warnings.iter().cloned());
        asl::sort::by_key(&mut all, |d| (d.span.map_or(0, |s| s.start), d.severity));
        all
    }
}

/// A SAM `DefinitionUri` to read, with the template's substitutions for it.
#[derive(Debug, Clone)]
pub struct Linked {
    /// As written in the template: a path relative to the template's folder.
    pub uri: String,
    pub state_machine: String,
    /// Where the `DefinitionUri` is written in the template.
    pub span: Span,
    /// `DefinitionSubstitutions`, evaluated: name, value, and whether the value is a stand-in.
    pub substitutions: Vec<(String, String, bool)>,
}

#[derive(Clone, Copy, PartialEq)]
enum Hint {
    None,
    Json,
    Yaml,
    Terraform,
}

fn hint(name: &str) -> Hint {
    let name = name.to_ascii_lowercase();
    if name.ends_with(".yaml") || name.ends_with(".yml") {
        Hint::Yaml
    } else if name.ends_with(".tftpl") || name.ends_with(".tpl") || name.ends_with(".tmpl") {
        Hint::Terraform
    } else if name.ends_with(".json") {
        Hint::Json
    } else {
        Hint::None
    }
}

/// Whether the text starts like JSON (`{` or `[`).
fn looks_like_json(text: &str) -> bool {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    matches!(body.trim_start().as_bytes().first(), Some(b'{' | b'['))
}

/// Whether a JSON-looking text has a `${` outside its strings (bare, where a value should be).
fn has_bare_placeholder(text: &str) -> bool {
    if !text.contains("${") {
        return false;
    }
    let bytes = text.as_bytes();
    let (mut i, mut in_string) = (0, false);
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'$' if !in_string && bytes.get(i + 1) == Some(&b'{') => return true,
            _ => {}
        }
        i += 1;
    }
    false
}

fn too_large(text: &str) -> Problem {
    let lines = Lines::new(text);
    let d = Diagnostic {
        code: Code::DefinitionTooLarge,
        ..yaml::error(
            &lines,
            (0, 0),
            format!(
                "the file is {} bytes long; Baton reads YAML and templates up to {MAX_SOURCE_BYTES} bytes",
                text.len()
            ),
        )
    };
    Problem::at(d)
}

/// Reads a definition, in whichever form it comes.
pub fn read<'t>(text: &'t str, options: &Options) -> Result<Read<'t>, Problem> {
    let hint = hint(options.name);
    let yaml = hint == Hint::Yaml || (!looks_like_json(text) && hint == Hint::None);
    if !yaml {
        if hint == Hint::Terraform || has_bare_placeholder(text) {
            return terraform(text).map(Read::Definition);
        }
        let may_be_template =
            text.contains(STEP_FUNCTIONS) || text.contains(SERVERLESS) || text.contains("\"Resources\"");
        if may_be_template && text.len() <= MAX_SOURCE_BYTES {
            if let Ok(root) = json::parse(text) {
                if template::is_template(&root) {
                    return from_template(text, root, options, false, Format::JsonTemplate);
                }
            }
        }
        // Its problems, a syntax error included, are the definition reader's to tell.
        return Ok(Read::Definition(Definition::identity(text)));
    }
    if text.len() > MAX_SOURCE_BYTES {
        return Err(too_large(text));
    }
    let doc = yaml::parse(text).map_err(Problem::at)?;
    let lines = Lines::new(text);
    if template::is_template(&doc.root) {
        if let Some(alias) = doc.first_alias {
            return Err(Problem::at(template::error(
                &lines,
                alias,
                "CloudFormation does not accept YAML aliases in a template: write the value out",
            )));
        }
        return from_template(text, doc.root, options, true, Format::YamlTemplate);
    }
    if let Some((span, tag)) = doc.first_intrinsic_tag {
        return Err(Problem::at(template::error(
            &lines,
            span,
            format!("{tag} is CloudFormation's, and this file is a definition, not a template (it has no Resources)"),
        )));
    }
    let mut writer = Writer::new(&lines, false, asl::MAX_DEFINITION_BYTES);
    writer.document(&doc.root).map_err(Problem::at)?;
    let (json, map) = writer.finish();
    Ok(Read::Definition(Definition {
        source: text,
        json: Cow::Owned(json),
        map,
        warnings: Vec::new(),
        format: Format::Yaml,
        state_machine: None,
    }))
}

/// A Terraform template: placeholders filled in, the rest untouched.
fn terraform(text: &str) -> Result<Definition<'_>, Problem> {
    let lines = Lines::new(text);
    let mut input = Text::default();
    input.push(text, (0, text.len()), Mode::Exact);
    let mut fills = Fills::default();
    let mut no_subs = |_: &str, _: (usize, usize)| Ok(None);
    let mut pass =
        tpl::Pass { source: text, lines: &lines, terraform: true, subs: &mut no_subs, fills: &mut fills };
    let out = pass.run(&input).map_err(Problem::at)?;
    let warnings = fills.warning(&lines).into_iter().collect();
    let (json, map) = out.into_map();
    Ok(Definition {
        source: text,
        json: Cow::Owned(json),
        map,
        warnings,
        format: Format::Terraform,
        state_machine: None,
    })
}

fn from_template<'t>(
    text: &'t str,
    root: std::rc::Rc<Node>,
    options: &Options,
    yaml11: bool,
    format: Format,
) -> Result<Read<'t>, Problem> {
    let lines = Lines::new(text);
    let machines = template::machines(&root);
    let ids: Vec<String> = machines.iter().map(|(k, _)| k.as_str().unwrap_or_default().to_string()).collect();
    let chosen = match (options.state_machine, machines.as_slice()) {
        (Some(asked), _) => machines
            .iter()
            .find(|(k, _)| k.as_str() == Some(asked))
            .ok_or_else(|| Problem::Choose { ids: ids.clone(), asked: Some(asked.to_string()) })?,
        (None, [only]) => only,
        (None, []) => {
            let at = root.member("Resources").map_or((0, 0), |(k, _)| k.span);
            return Err(Problem::at(template::error(
                &lines,
                at,
                format!("the template has no state machine ({STEP_FUNCTIONS} or {SERVERLESS})"),
            )));
        }
        (None, _) => return Err(Problem::Choose { ids, asked: None }),
    };
    let (id_node, resource) = chosen.clone();
    let id = id_node.as_str().unwrap_or_default().to_string();
    let Some(properties) = resource.get("Properties").filter(|p| p.members().is_some()).cloned() else {
        return Err(Problem::at(template::error(
            &lines,
            id_node.span,
            format!("the state machine {id} has no Properties"),
        )));
    };
    let mut template = template::Template {
        source: text,
        lines: &lines,
        root: root.clone(),
        substitutions: properties.get("DefinitionSubstitutions").cloned(),
        fills: Fills::default(),
        yaml11,
    };
    let (json, map) = if let Some(definition) = properties.get("Definition") {
        let hooks: &mut dyn Hooks = &mut template;
        let mut writer = Writer::new(&lines, yaml11, asl::MAX_DEFINITION_BYTES).hooks(hooks);
        writer.document(definition).map_err(Problem::at)?;
        writer.finish()
    } else if let Some(string) = properties.get("DefinitionString") {
        let input = template.text(string).map_err(Problem::at)?;
        let mut fills = Fills::default();
        let mut subs = |name: &str, _: (usize, usize)| template.substitution(name);
        let mut pass =
            tpl::Pass { source: text, lines: &lines, terraform: false, subs: &mut subs, fills: &mut fills };
        let out = pass.run(&input).map_err(Problem::at)?;
        template.fills.merge(fills);
        out.into_map()
    } else if let Some((key, uri)) = properties.member("DefinitionUri") {
        let local = uri.as_str().filter(|u| !u.starts_with("s3://"));
        let Some(local) = local else {
            return Err(Problem::at(template::error(
                &lines,
                key.span,
                "the definition is in S3: Baton reads a Definition, or a DefinitionUri naming a local file",
            )));
        };
        let mut substitutions = Vec::new();
        if let Some(members) = template.substitutions.clone().and_then(|s| s.members().map(<[_]>::to_vec)) {
            for (name, value) in members {
                let before = template.fills.len();
                let text = template.string(&value).map_err(Problem::at)?;
                let filled = template.fills.len() > before;
                substitutions.push((name.as_str().unwrap_or_default().to_string(), text, filled));
            }
        }
        return Ok(Read::Linked(Linked {
            uri: local.to_string(),
            state_machine: id,
            span: lines.span(uri.span),
            substitutions,
        }));
    } else {
        let what = if properties.get("DefinitionS3Location").is_some() {
            "its definition is in S3 (DefinitionS3Location), which Baton cannot read: give it a Definition or a DefinitionString"
        } else {
            "it has no Definition, DefinitionString or DefinitionUri"
        };
        return Err(Problem::at(template::error(
            &lines,
            id_node.span,
            format!("the state machine {id}: {what}"),
        )));
    };
    let warnings = template.fills.warning(&lines).into_iter().collect();
    Ok(Read::Definition(Definition {
        source: text,
        json: Cow::Owned(json),
        map,
        warnings,
        format,
        state_machine: Some(id),
    }))
}

/// A `DefinitionSubstitutions` value by name, recording a stand-in where it is used.
type Lookup<'l> = dyn FnMut(&str, (usize, usize), &mut Fills) -> Option<String> + 'l;

/// The file a SAM `DefinitionUri` names (JSON or YAML), with the template's substitutions.
pub fn read_linked<'t>(text: &'t str, name: &str, linked: &Linked) -> Result<Definition<'t>, Problem> {
    let lines = Lines::new(text);
    let mut fills = Fills::default();
    let mut lookup = |placeholder: &str, at: (usize, usize), fills: &mut Fills| {
        let found = linked.substitutions.iter().find(|(n, _, _)| n == placeholder);
        found.map(|(n, value, filled)| {
            if *filled {
                fills.add(format!("${{{n}}}"), value.clone(), at);
            }
            value.clone()
        })
    };
    let yaml = hint(name) == Hint::Yaml || (!looks_like_json(text) && hint(name) == Hint::None);
    let (json, map, format) = if yaml {
        if text.len() > MAX_SOURCE_BYTES {
            return Err(too_large(text));
        }
        let doc = yaml::parse(text).map_err(Problem::at)?;
        if let Some((span, tag)) = doc.first_intrinsic_tag {
            return Err(Problem::at(template::error(
                &lines,
                span,
                format!("{tag} is not read in a DefinitionUri file: only DefinitionSubstitutions are applied to it"),
            )));
        }
        struct Subs<'a, 'l> {
            lookup: &'a mut Lookup<'l>,
            fills: &'a mut Fills,
            _l: std::marker::PhantomData<&'l ()>,
        }
        impl Hooks for Subs<'_, '_> {
            fn string(
                &mut self,
                node: &std::rc::Rc<Node>,
                text: &str,
                key: Option<&str>,
            ) -> Result<Option<String>, Diagnostic> {
                let mut local = Fills::default();
                let fills = &mut *self.fills;
                let lookup = &mut self.lookup;
                let result = template::substitute(
                    text,
                    key,
                    node.span,
                    &mut |n| Ok(lookup(n, node.span, fills)),
                    &mut local,
                );
                self.fills.merge(local);
                result
            }
            fn intrinsic(&mut self, node: &std::rc::Rc<Node>) -> Result<std::rc::Rc<Node>, Diagnostic> {
                Ok(node.clone())
            }
        }
        let mut hooks = Subs { lookup: &mut lookup, fills: &mut fills, _l: std::marker::PhantomData };
        let mut writer = Writer::new(&lines, false, asl::MAX_DEFINITION_BYTES).hooks(&mut hooks);
        writer.document(&doc.root).map_err(Problem::at)?;
        let (json, map) = writer.finish();
        (json, map, Format::Yaml)
    } else {
        let mut input = Text::default();
        input.push(text, (0, text.len()), Mode::Exact);
        let mut pass_fills = Fills::default();
        let mut subs = |name: &str, at: (usize, usize)| Ok(lookup(name, at, &mut fills));
        let mut pass = tpl::Pass {
            source: text,
            lines: &lines,
            terraform: false,
            subs: &mut subs,
            fills: &mut pass_fills,
        };
        let out = pass.run(&input).map_err(Problem::at)?;
        fills.merge(pass_fills);
        let (json, map) = out.into_map();
        (json, map, Format::Json)
    };
    let warnings = fills.warning(&lines).into_iter().collect();
    Ok(Definition {
        source: text,
        json: Cow::Owned(json),
        map,
        warnings,
        format,
        state_machine: Some(linked.state_machine.clone()),
    })
}

/// What [`convert`] writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Json,
    Yaml,
}

/// A JSON or YAML document (a definition, a template, anything) in the other form: JSON
/// indented by two spaces, or block-style YAML. A template's YAML short forms (`!Sub`) become
/// their long forms (`Fn::Sub:`), which both forms read.
pub fn convert(text: &str, name: &str, to: Target) -> Result<String, Problem> {
    if text.len() > MAX_SOURCE_BYTES {
        return Err(too_large(text));
    }
    let hint = hint(name);
    let yaml = hint == Hint::Yaml || (!looks_like_json(text) && hint == Hint::None);
    let root = match yaml {
        true => yaml::parse(text).map_err(Problem::at)?.root,
        false => json::parse(text).map_err(Problem::at)?,
    };
    let yaml11 = yaml && template::is_template(&root);
    let lines = Lines::new(text);
    Ok(match to {
        Target::Json => {
            // Aliases written out may not grow the text past what a template may hold.
            let mut writer = Writer::new(&lines, yaml11, MAX_SOURCE_BYTES).pretty();
            writer.document(&root).map_err(Problem::at)?;
            writer.finish().0
        }
        Target::Yaml => emit::yaml(&root, yaml11),
    })
}
