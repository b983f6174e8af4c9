//! The workflow graph: the definition as boxes and arrows, with the execution's path coloured.
//!
//! While the editor holds the definition that was started, the graph shows that execution (current
//! state highlighted, visited and failed states coloured). Once the user edits the definition, it
//! becomes a live preview of the text; while the text is not valid JSON the last good drawing stays,
//! dimmed, instead of flickering away.

use std::rc::Rc;

use diagram::graph::{graph_svg, layout_graph, Marks, StateMark};
use serde_json::Value;
use yew::prelude::*;

use crate::run::Run;

#[derive(Properties, PartialEq)]
pub struct WorkflowGraphProps {
    /// The editor's definition, as last compiled.
    pub definition: Rc<asl::Compiled>,
    pub run: Option<Rc<Run>>,
    /// Whether `run` was started from the editor's text.
    pub attached: bool,
    /// The state of the event selected in the history, outlined.
    pub selected: Option<String>,
    /// The state whose details are open.
    pub open: Option<String>,
    /// A state was clicked or activated from the keyboard: open its details.
    pub on_open: Callback<String>,
}

/// A CSS string literal holding `text` (for an attribute selector).
pub fn css_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\a "),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The name of the state an event in the drawing belongs to.
fn state_at(e: &Event) -> Option<String> {
    use wasm_bindgen::JsCast;
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest("[data-state]").ok().flatten())
        .and_then(|el| el.get_attribute("data-state"))
}

/// The graph's marks: how far each state got, as the run's timeline folded it.
pub fn marks_of(progress: &[(Rc<str>, sim::Progress)]) -> Marks {
    let mut marks = Marks::new();
    for (name, progress) in progress {
        let mark = match progress {
            sim::Progress::Current => StateMark::Current,
            sim::Progress::Visited => StateMark::Visited,
            sim::Progress::Caught => StateMark::Caught,
            sim::Progress::Failed => StateMark::Failed,
        };
        marks.set(&**name, mark);
    }
    marks
}

/// The JSON pointer of the state named `name`, searching nested Parallel branches and Map
/// processors too (the graph knows states by name only).
pub fn state_pointer(definition: &asl::Value, name: &str) -> Option<String> {
    fn search(machine: &asl::Value, at: String, name: &str) -> Option<String> {
        let states = machine.get("States")?.as_object()?;
        let here = format!("{at}/States");
        if states.contains_key(name) {
            return Some(asl::diagnostic::pointer_join(&here, name));
        }
        for (key, state) in states {
            let base = asl::diagnostic::pointer_join(&here, key);
            if let Some(branches) = state.get("Branches").and_then(asl::Value::as_array) {
                for (i, branch) in branches.iter().enumerate() {
                    if let Some(found) = search(branch, format!("{base}/Branches/{i}"), name) {
                        return Some(found);
                    }
                }
            }
            for field in ["ItemProcessor", "Iterator"] {
                if let Some(inner) = state.get(field) {
                    if let Some(found) = search(inner, format!("{base}/{field}"), name) {
                        return Some(found);
                    }
                }
            }
        }
        None
    }
    search(definition, String::new(), name)
}

/// Selects the state's name in the definition editor.
fn reveal_state(definition: &asl::Compiled, name: &str) {
    let (Some(value), Some(map)) = (definition.value(), definition.source_map()) else { return };
    let Some(span) = state_pointer(value, name).and_then(|p| map.key_span(&p)) else { return };
    crate::components::editor::reveal_in("definition", definition.text(), span.start, span.end, span.line);
}

fn legend() -> Html {
    let item = |class: &str, text: &str| {
        html! { <li><span class={classes!("swatch", class.to_string())} aria-hidden="true" />{ text.to_string() }</li> }
    };
    html! {
        <ul class="legend" aria-label="Legend">
            { item("current", "Current") }
            { item("visited", "Visited") }
            { item("caught", "Caught") }
            { item("failed", "Failed") }
        </ul>
    }
}

#[component]
pub fn WorkflowGraph(props: &WorkflowGraphProps) -> Html {
    let shown_run = props.run.clone().filter(|_| props.attached);
    let drawing = use_memo((props.definition.clone(), shown_run), |(definition, run)| match run {
        Some(run) => {
            let marks = run.with_world(|w| marks_of(w.timeline().progress()));
            run.definition.json().map(|definition| graph_svg(&layout_graph(&definition), &marks))
        }
        None => definition
            .json()
            .filter(|v| v.get("States").is_some_and(Value::is_object))
            .map(|definition| graph_svg(&layout_graph(&definition), &Marks::new())),
    });
    // The last drawing that worked, shown dimmed while the text does not parse.
    let last_good = use_mut_ref(|| None::<AttrValue>);
    let (svg, stale) = match &*drawing {
        Some(svg) => {
            let svg = AttrValue::from(svg.clone());
            *last_good.borrow_mut() = Some(svg.clone());
            (Some(svg), false)
        }
        None => (last_good.borrow().clone(), true),
    };
    let fit = use_state_eq(|| true);
    let toggle_fit = {
        let fit = fit.clone();
        Callback::from(move |_: MouseEvent| fit.set(!*fit))
    };
    let onclick = {
        let (definition, on_open) = (props.definition.clone(), props.on_open.clone());
        Callback::from(move |e: MouseEvent| {
            if let Some(name) = state_at(&e) {
                reveal_state(&definition, &name);
                on_open.emit(name);
            }
        })
    };
    // States are focusable buttons in the drawing: Enter or Space opens the details.
    let onkeydown = {
        let on_open = props.on_open.clone();
        Callback::from(move |e: KeyboardEvent| {
            if matches!(e.key().as_str(), "Enter" | " ") {
                if let Some(name) = state_at(&e) {
                    e.prevent_default();
                    on_open.emit(name);
                }
            }
        })
    };
    // Selection is drawn by a rule aimed at the state's `data-state`, so the SVG need not change.
    let mut rules = String::new();
    if let Some(name) = &props.selected {
        rules.push_str(&format!(
            ".graph-canvas .baton-graph [data-state={}]>.border{{stroke:var(--select);stroke-width:3.5;stroke-dasharray:none}}\
             .graph-canvas .baton-graph [data-state={0}]>.box{{fill:var(--select-bg)}}",
            css_string(name)
        ));
    }
    if let Some(name) = &props.open {
        rules.push_str(&format!(
            ".graph-canvas .baton-graph [data-state={}]>.border{{stroke-width:3.5}}",
            css_string(name)
        ));
    }
    let caption = match (&props.run, props.attached, stale) {
        (_, _, true) => "Last valid version: the definition does not parse right now",
        (Some(_), true, _) => "This execution's path",
        (Some(_), false, _) => "Preview of the edited definition (the execution ran an earlier version)",
        (None, _, _) => "Preview of the definition",
    };

    html! {
        <section class="pane graph-pane" aria-label="Workflow graph">
            <header class="pane-head">
                <h2>{ "Workflow graph" }</h2>
                <span class="pane-hint">{ caption }</span>
                <button type="button" class="btn btn-small btn-quiet" aria-pressed={fit.to_string()} onclick={toggle_fit}
                    title="Shrink the graph to fit the pane, or show it at full size">
                    { "Fit" }
                </button>
            </header>
            if !rules.is_empty() {
                <style>{ rules }</style>
            }
            <div class={classes!("diagram", "graph-canvas", stale.then_some("stale"), fit.then_some("fit"))}
                {onclick} {onkeydown} title="Click a state to see its details and find it in the definition">
                if let Some(svg) = svg {
                    { Html::from_html_unchecked(svg) }
                } else {
                    <div class="empty-state">
                        <p class="empty-title">{ "Nothing to draw yet" }</p>
                        <p class="empty-note">{ "The graph appears once the definition is valid JSON with States." }</p>
                    </div>
                }
            </div>
            { legend() }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_names_are_quoted_for_css() {
        assert_eq!(css_string("Ask"), "\"Ask\"");
        assert_eq!(css_string("a\"b\\c"), "\"a\\\"b\\\\c\"");
    }

    #[test]
    fn states_are_found_at_any_depth() {
        let text = r#"{"States": {"P": {"Type": "Parallel", "Branches": [{"States": {"A": {}}}, {"States": {"B/1": {}}}]},
            "M": {"ItemProcessor": {"States": {"C": {}}}}, "Top": {}}}"#;
        let (value, _) = asl::source::parse(text).unwrap();
        assert_eq!(state_pointer(&value, "Top").as_deref(), Some("/States/Top"));
        assert_eq!(state_pointer(&value, "B/1").as_deref(), Some("/States/P/Branches/1/States/B~11"));
        assert_eq!(state_pointer(&value, "C").as_deref(), Some("/States/M/ItemProcessor/States/C"));
        assert_eq!(state_pointer(&value, "Nope"), None);
    }
}
