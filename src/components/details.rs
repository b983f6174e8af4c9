//! The state details panel: what a state is (its type and definition) and what each visit did to
//! its data, as a vertical pipeline of small JSON boxes: input → InputPath → Parameters → result →
//! ResultSelector → ResultPath → OutputPath, plus the variables it assigned and saw and the
//! context object. The engine records these steps (`asl::exec::DataFlow`); this only draws them.

use std::rc::Rc;

use asl::exec::DataFlow;
use serde_json::Value;
use web_sys::Element;
use yew::prelude::*;

use super::{focus, focused_element};

use crate::run::Run;

#[derive(Properties, PartialEq)]
pub struct StateDetailsProps {
    pub name: String,
    /// The definition the state is read from (the run's, or the editor's text).
    pub definition: Option<Rc<Value>>,
    pub run: Option<Rc<Run>>,
    pub on_close: Callback<()>,
    /// Selects a history event (a visit's entered event), to find it in the diagrams.
    pub on_select_event: Callback<Option<u64>>,
}

/// The state named `name` in a definition, at any depth (Parallel branches, Map processors).
pub fn find_state<'a>(machine: &'a Value, name: &str) -> Option<&'a Value> {
    let states = machine.get("States")?.as_object()?;
    if let Some(state) = states.get(name) {
        return Some(state);
    }
    states.values().find_map(|state| {
        let branches = state.get("Branches").and_then(Value::as_array).into_iter().flatten();
        let inner = ["ItemProcessor", "Iterator"].into_iter().filter_map(|f| state.get(f));
        branches.chain(inner).find_map(|m| find_state(m, name))
    })
}

/// A field of the state definition, on one line, for a step's caption.
fn field(state: Option<&Value>, key: &str) -> Option<String> {
    let v = state?.get(key)?;
    let text = v.to_string();
    Some(if text.chars().count() > 60 {
        format!("{}…", text.chars().take(59).collect::<String>())
    } else {
        text
    })
}

/// One box of the pipeline: a caption (the field that made it) and the value, or a muted line
/// when the step did not apply.
fn step(title: &str, caption: Option<String>, value: Option<&asl::Value>, skipped: &str) -> Html {
    match value {
        Some(v) => html! {
            <li class="flow-step">
                <div class="flow-head">
                    <span class="flow-title">{ title.to_string() }</span>
                    if let Some(c) = caption { <code class="flow-caption">{ c }</code> }
                </div>
                <pre class="json-box">{ v.to_json_pretty() }</pre>
            </li>
        },
        None => html! {
            <li class="flow-step skipped">
                <div class="flow-head">
                    <span class="flow-title">{ title.to_string() }</span>
                    <span class="muted">{ skipped.to_string() }</span>
                </div>
            </li>
        },
    }
}

/// A step that passed its input through untouched (its field is not in the definition) is drawn
/// as one muted line, so the steps that changed something stand out.
fn unless_unchanged<'a>(
    value: Option<&'a asl::Value>,
    before: Option<&asl::Value>,
    set: bool,
) -> Option<&'a asl::Value> {
    value.filter(|v| set || Some(*v) != before)
}

fn pipeline(flow: &DataFlow, state: Option<&Value>) -> Html {
    let has = |key: &str| state.is_some_and(|s| s.get(key).is_some());
    let params_key = if has("ItemSelector") { "ItemSelector" } else { "Parameters" };
    let result_title = match flow.state_type {
        "Task" => "Result (the integration's answer)",
        "Parallel" => "Result (the branches' outputs)",
        "Map" => "Result (the iterations' outputs)",
        _ => "Result",
    };
    let assigned = flow.assigned.as_ref().filter(|a| !a.is_empty()).map(|a| {
        html! {
            <li class="flow-step">
                <div class="flow-head"><span class="flow-title">{ "Assign" }</span></div>
                <dl class="vars">
                    for (name, value) in a.iter() {
                        <div><dt class="mono">{ format!("${name}") }</dt><dd><pre class="json-box">{ value.to_json_pretty() }</pre></dd></div>
                    }
                </dl>
            </li>
        }
    });
    let variables =
        flow.variables.as_object().filter(|o| !o.is_empty()).map(|_| flow.variables.to_json_pretty());
    let not_yet =
        if flow.failure.is_some() { "none: the visit failed" } else { "not yet: the state has not finished" };
    // Plain calls into a list: one `step` per box, whichever language the state speaks.
    let steps: Vec<Html> = if flow.jsonata {
        // JSONata's pipeline: Arguments from $states.input, the result, then Output from both.
        let mut steps = vec![step("State input ($states.input)", None, Some(&flow.input), "")];
        if has("Arguments") {
            steps.push(step("Arguments", field(state, "Arguments"), flow.after_parameters.as_ref(), "—"));
        }
        steps.push(step(&format!("{result_title}, $states.result"), None, flow.result.as_ref(), "no result"));
        steps.push(step("Output", field(state, "Output"), flow.output.as_ref(), not_yet));
        steps
    } else {
        vec![
            step("State input", None, Some(&flow.input), ""),
            step(
                "After InputPath",
                field(state, "InputPath"),
                unless_unchanged(flow.after_input_path.as_ref(), Some(&flow.input), has("InputPath")),
                "no InputPath: unchanged",
            ),
            step(
                &format!("After {params_key}"),
                field(state, params_key),
                unless_unchanged(
                    flow.after_parameters.as_ref(),
                    flow.after_input_path.as_ref(),
                    has(params_key),
                ),
                &format!("no {params_key}: unchanged"),
            ),
            step(result_title, None, flow.result.as_ref(), "no result"),
            step(
                "After ResultSelector",
                field(state, "ResultSelector"),
                unless_unchanged(
                    flow.after_result_selector.as_ref(),
                    flow.result.as_ref(),
                    has("ResultSelector"),
                ),
                if flow.result.is_some() { "no ResultSelector: unchanged" } else { "—" },
            ),
            step("After ResultPath", field(state, "ResultPath"), flow.after_result_path.as_ref(), "—"),
            step("Output (after OutputPath)", field(state, "OutputPath"), flow.output.as_ref(), not_yet),
        ]
    };
    html! {
        <>
            <ol class="flow" aria-label="Data flow">
                { for steps }
                { for assigned }
            </ol>
            if let Some((error, cause)) = &flow.failure {
                <div class="flow-failure" role="note">
                    <span class="detail-label">{ "Error" }</span>
                    <code class="error-name">{ error.clone().unwrap_or_else(|| "—".into()) }</code>
                    if let Some(cause) = cause { <p>{ cause.clone() }</p> }
                </div>
            }
            <details class="flow-extra">
                <summary>{ "Variables visible on entry" }</summary>
                <pre class="json-box">{ variables.unwrap_or_else(|| "{}  (none)".into()) }</pre>
            </details>
            if let Some(context) = &flow.context {
                <details class="flow-extra">
                    <summary>{ "Context object ($$)" }</summary>
                    <pre class="json-box">{ context.to_json_pretty() }</pre>
                </details>
            }
        </>
    }
}

/// The drawer. Escape closes it from anywhere in the workspace (the app handles that key).
///
/// Opened from the keyboard (Enter on a state of the graph), the drawer takes the focus and gives
/// it back when it closes. A click selects the state in the definition and leaves the focus there,
/// so the drawer does not take it from a text field.
#[component]
pub fn StateDetails(props: &StateDetailsProps) -> Html {
    let drawer = use_node_ref();
    let heading = use_node_ref();
    // Where the focus goes back to on close; set when the drawer took it.
    let return_focus = use_mut_ref(|| None::<Element>);
    {
        let (drawer, heading, return_focus) = (drawer.clone(), heading.clone(), return_focus.clone());
        use_effect_with(props.name.clone(), move |_| {
            let in_drawer = |el: &Element| drawer.get().is_some_and(|d| d.contains(Some(el)));
            let typing = |el: &Element| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA");
            if let Some(focused) = focused_element().filter(|el| !in_drawer(el) && !typing(el)) {
                *return_focus.borrow_mut() = Some(focused);
                if let Some(heading) = heading.cast::<Element>() {
                    focus(&heading);
                }
            }
        });
    }
    {
        let drawer = drawer.clone();
        use_effect_with((), move |_| {
            move || {
                // Unless the user has moved the focus elsewhere since.
                let focus_here = focused_element().is_none_or(|el| {
                    el.tag_name() == "BODY" || drawer.get().is_some_and(|d| d.contains(Some(&el)))
                });
                if let Some(el) = return_focus.take().filter(|el| focus_here && el.is_connected()) {
                    focus(&el);
                }
            }
        });
    }
    let state = props.definition.as_deref().and_then(|d| find_state(d, &props.name));
    let visits: Rc<Vec<DataFlow>> = use_memo((props.run.clone(), props.name.clone()), |(run, name)| {
        run.as_ref().map_or(Vec::new(), |r| r.visits(name))
    });
    let chosen = use_state(|| None::<usize>);
    // A new state or run shows its latest visit.
    {
        let chosen = chosen.clone();
        use_effect_with(props.name.clone(), move |_| chosen.set(None));
    }
    let index = (*chosen).filter(|i| *i < visits.len()).or(visits.len().checked_sub(1));
    let kind = state
        .and_then(|s| s.get("Type"))
        .and_then(Value::as_str)
        .map(str::to_string)
        .or_else(|| visits.first().map(|v| v.state_type.to_string()))
        .unwrap_or_else(|| "State".into());
    let close = props.on_close.reform(|_: MouseEvent| ());
    let visit_buttons = visits.iter().enumerate().map(|(i, v)| {
        let (chosen, on_select) = (chosen.clone(), props.on_select_event.clone());
        let entered = v.entered_event;
        let onclick = Callback::from(move |_: MouseEvent| {
            chosen.set(Some(i));
            on_select.emit(Some(entered));
        });
        let label = match v.exited_event {
            Some(exited) => format!("#{entered} → #{exited}"),
            None => format!("#{entered} → …"),
        };
        let on = index == Some(i);
        html! {
            <button type="button" class={classes!("btn", "btn-small", on.then_some("btn-on"), v.failure.is_some().then_some("visit-failed"))}
                aria-pressed={on.to_string()} title={format!("Visit {}: events {label}", i + 1)} {onclick}>
                { format!("Visit {}", i + 1) }<span class="muted mono">{ format!(" {label}") }</span>
            </button>
        }
    });

    html! {
        <aside class="details-drawer" aria-label="State details" ref={drawer.clone()}>
            <header class="pane-head details-head">
                <h2 class="details-name" title={props.name.clone()} tabindex="-1" ref={heading}>{ props.name.clone() }</h2>
                <span class={classes!("tag", "type-tag", format!("type-{}", kind.to_ascii_lowercase()))}>{ kind.clone() }</span>
                <button type="button" class="btn btn-small btn-quiet push-right" aria-label="Close state details" onclick={close}>{ "✕" }</button>
            </header>
            <div class="details-body">
                <h3 class="subhead">{ "Data flow" }</h3>
                if visits.is_empty() {
                    <p class="empty-note">
                        { if props.run.is_some() {
                            "This execution has not entered the state (or ran an earlier version of the definition)."
                        } else {
                            "Start an execution to see what this state does to its data, step by step."
                        } }
                    </p>
                } else {
                    <div class="visit-list" role="group" aria-label="Visits">{ for visit_buttons }</div>
                    if let Some(flow) = index.and_then(|i| visits.get(i)) {
                        { pipeline(flow, state) }
                    }
                }
                <details class="flow-extra" open={visits.is_empty()}>
                    <summary>{ "Definition" }</summary>
                    <pre class="json-box">{ state.map(|s| serde_json::to_string_pretty(s).unwrap_or_default()).unwrap_or_else(|| "(not in the definition)".into()) }</pre>
                </details>
            </div>
        </aside>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn states_are_found_in_branches_and_processors() {
        let d = json!({"States": {"P": {"Type": "Parallel", "Branches": [{"States": {"A": {"Type": "Pass"}}}]},
            "M": {"Type": "Map", "ItemProcessor": {"States": {"B": {"Type": "Wait"}}}}}});
        assert_eq!(find_state(&d, "A"), Some(&json!({"Type": "Pass"})));
        assert_eq!(find_state(&d, "B"), Some(&json!({"Type": "Wait"})));
        assert_eq!(find_state(&d, "P").and_then(|p| p.get("Type")), Some(&json!("Parallel")));
        assert_eq!(find_state(&d, "Z"), None);
    }

    #[test]
    fn long_fields_are_clipped_for_captions() {
        let s = json!({"ResultPath": "$.x", "Parameters": {"a": "b".repeat(80)}});
        assert_eq!(field(Some(&s), "ResultPath").as_deref(), Some("\"$.x\""));
        assert!(field(Some(&s), "Parameters").unwrap().ends_with('…'));
        assert_eq!(field(Some(&s), "OutputPath"), None);
    }
}
