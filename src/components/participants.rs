//! The participants panel: what the external system behind each Task state does when the
//! execution runs. "Leave it to me" keeps the token in the inbox for the user; the other choices
//! become the scenario's responders, on the same virtual clock as the engine's timers.
//!
//! Everything here is saved as scenario JSON (the format `baton run --scenario` reads), shown and
//! editable under "Scenario JSON". An example's scenarios load with "Play scenario".

use std::rc::Rc;

use serde_json::Value;
use sim::scenario::{Answer, Response, ScenarioError};
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::examples::Example;
use crate::format::{duration, seconds};
use crate::participants::{self, heartbeat_pattern, heartbeat_times, TaskInfo};
use crate::run::Run;
use crate::state::{Action, EMPTY_SCENARIO};

/// What the participants panel shows.
pub struct ParticipantsPanelProps {
    pub tasks: Rc<Vec<TaskInfo>>,
    pub scenario: Rc<str>,
    pub scenario_json: Rc<Value>,
    pub problem: Option<String>,
    pub example: Option<&'static Example>,
    pub played: Option<String>,
    pub run: Option<Rc<Run>>,
    /// The tab list drawn in the panel's head.
    pub head: Html,
    pub on_action: Callback<Action>,
}

/// A view function, not a component: it holds no state, and each component costs the download
/// about 2 kB of wasm for its machinery.
pub fn participants_panel(props: &ParticipantsPanelProps) -> Html {
    let scenario = &*props.scenario_json;
    let set = props.tasks.iter().filter(|t| !participants::responses(scenario, &t.name).is_empty()).count();
    let calls = participants::call_lines(scenario);
    let promise = participants::promise(scenario);
    // A verdict only for the scenario that ran, not for one loaded after it.
    let kept =
        props.run.as_ref().filter(|r| *r.scenario_text == *props.scenario).and_then(|r| r.kept_promise());
    let reset = {
        let on_action = props.on_action.clone();
        Callback::from(move |_: MouseEvent| on_action.emit(Action::EditScenario(EMPTY_SCENARIO.into())))
    };
    let play = props.example.filter(|e| !e.scenarios.is_empty()).map(|example| {
        // A scenario for Task states the edited definition no longer has would answer nobody.
        let scenarios = example.scenarios.iter().map(|(name, text)| {
            let missing = serde_json::from_str(text).map_or(Vec::new(), |s| participants::missing_states(&s, &props.tasks));
            let title = match missing.as_slice() {
                [] => format!("Load the scenario “{name}” of “{}” into the participants", example.title),
                states => format!("“{name}” is for Task states this definition does not have: {}", states.join(", ")),
            };
            (*name, title, missing.is_empty())
        });
        html! {
            <div class="play-row" role="group" aria-label="Example scenarios">
                <span class="play-label">{ "Play scenario:" }</span>
                for (name, title, playable) in scenarios {
                    <button type="button"
                        class={classes!("btn", "btn-small", (props.played.as_deref() == Some(name)).then_some("btn-on"))}
                        aria-label={format!("Play scenario: {name}")} {title} disabled={!playable}
                        onclick={let on_action = props.on_action.clone(); let name = name.to_string();
                            move |_: MouseEvent| on_action.emit(Action::PlayScenario(name.clone()))}>
                        { name }
                    </button>
                }
            </div>
        }
    });
    let on_json = props.on_action.reform(|e: InputEvent| {
        Action::EditScenario(e.target_unchecked_into::<HtmlTextAreaElement>().value())
    });

    html! {
        <section class="panel participants-panel" aria-label="Participants">
            <header class="panel-head">
                { props.head.clone() }
                <button type="button" class="btn btn-small btn-quiet push-right" onclick={reset}
                    disabled={&*props.scenario == EMPTY_SCENARIO}
                    title="Remove every simulated answer: each token waits for you">
                    { "Reset" }
                </button>
            </header>
            <div class="panel-body participants-body">
                { play.unwrap_or_default() }
                if let Some((status, error)) = &promise {
                    <p class={classes!("promise", kept.map(|k| if k { "kept" } else { "broken" }))}>
                        <span class="detail-label">{ "Promised outcome" }</span>
                        <strong>{ participants::promise_text(status, error.as_deref()) }</strong>
                        { match kept {
                            Some(true) => html! { <span class="promise-mark">{ "✓ as promised" }</span> },
                            Some(false) => html! { <span class="promise-mark">{ "✕ not what was promised" }</span> },
                            None => html! {},
                        } }
                    </p>
                }
                if props.tasks.is_empty() {
                    <p class="empty-note">{ "The definition has no Task state: nobody outside is called." }</p>
                }
                <ul class="participant-list">
                    for task in props.tasks.iter() {
                        <li key={task.name.clone()}>
                            { task_participant(&TaskParticipantProps {
                                task: task.clone(),
                                responses: participants::responses(scenario, &task.name),
                                on_action: props.on_action.clone(),
                            }) }
                        </li>
                    }
                </ul>
                if !calls.is_empty() {
                    <h3 class="subhead">{ "Scripted API calls" }</h3>
                    <ul class="call-lines">
                        for line in calls { <li class="mono">{ line }</li> }
                    </ul>
                }
                <details class="scenario-json" open={props.problem.is_some()}>
                    <summary>{ "Scenario JSON" }<span class="muted">{ format!(" · {set} of {} tasks simulated", props.tasks.len()) }</span></summary>
                    <textarea class="mono small-code" aria-label="Scenario JSON" spellcheck="false" rows="8"
                        aria-invalid={props.problem.is_some().to_string()}
                        value={props.scenario.to_string()} oninput={on_json} />
                    if let Some(problem) = &props.problem {
                        <p class="field-error">{ problem.clone() }</p>
                    }
                    <p class="hint">{ "The same format as " }<code>{ "baton run --scenario" }</code>{ "; saved with the definition." }</p>
                </details>
            </div>
        </section>
    }
}

struct TaskParticipantProps {
    task: TaskInfo,
    responses: Vec<Result<Response, ScenarioError>>,
    on_action: Callback<Action>,
}

/// A readable form of a Task's resource, as the engine reads it (with or without a region and
/// account, placeholders filled in): `lambda:invoke.waitForTaskToken`, `aws-sdk:s3:getObject`,
/// `activity:print-label`.
fn short_resource(resource: &str) -> String {
    let read = asl::model::Resource::parse(resource);
    match read.kind {
        asl::model::ResourceKind::Service => format!("{}:{}", read.service, read.action),
        asl::model::ResourceKind::Activity => {
            format!("activity:{}", read.arn.rsplit(':').next().unwrap_or_default())
        }
        _ => resource.rsplit(':').next().unwrap_or(resource).to_string(),
    }
}

fn task_participant(props: &TaskParticipantProps) -> Html {
    let task = &props.task;
    let mut facts = vec![short_resource(&task.resource)];
    if let Some(t) = task.timeout_s {
        facts.push(format!("timeout {}", duration(t * 1000)));
    }
    if let Some(h) = task.heartbeat_s {
        facts.push(format!("heartbeat {}", duration(h * 1000)));
    }
    let rows: Vec<Result<Option<Response>, ScenarioError>> = if props.responses.is_empty() {
        vec![Ok(None)]
    } else {
        props.responses.iter().map(|r| r.clone().map(Some)).collect()
    };
    let count = props.responses.len();
    let add = {
        let (on_action, state) = (props.on_action.clone(), task.name.clone());
        let last = props.responses.last().and_then(|r| r.as_ref().ok()).cloned();
        Callback::from(move |_: MouseEvent| {
            if let Some(response) = last.clone() {
                on_action.emit(Action::SetResponse {
                    state: state.clone(),
                    index: count,
                    response: Some(response),
                });
            }
        })
    };
    html! {
        <article class={classes!("participant", task.callback.then_some("callback"))} aria-label={format!("Participant for {}", task.name)}>
            <header class="participant-head">
                <span class="state-name">{ task.name.clone() }</span>
                if task.callback { <span class="tag tag-open">{ "callback" }</span> }
                <span class="participant-facts mono">{ facts.join(" · ") }</span>
            </header>
            for (index, response) in rows.into_iter().enumerate() {
                { invocation_editor(&InvocationEditorProps {
                    task: task.clone(), index, numbered: count > 1, response, on_action: props.on_action.clone(),
                }) }
            }
            if count > 0 {
                <button type="button" class="btn btn-small btn-quiet add-invocation" onclick={add}
                    title="Retries and Map iterations call the task again: each call takes the next answer">
                    { format!("+ Answer for call {}", count + 1) }
                </button>
            }
        </article>
    }
}

struct InvocationEditorProps {
    task: TaskInfo,
    index: usize,
    /// Several answers: say which call each is for.
    numbered: bool,
    /// `Ok(None)`: leave it to me. An error: a response the panel cannot show (edit it in the
    /// scenario JSON).
    response: Result<Option<Response>, ScenarioError>,
    on_action: Callback<Action>,
}

/// The menu's choices for a callback task and for any other task.
const CALLBACK_CHOICES: &[(&str, &str)] = &[
    ("manual", "Leave it to me"),
    ("success", "Answer success after…"),
    ("failure", "Fail after…"),
    ("never", "Never answer"),
];
const REQUEST_CHOICES: &[(&str, &str)] = &[
    ("manual", "Default response"),
    ("return", "Return a result"),
    ("throw", "Fail the call"),
    ("hang", "Never return"),
];

fn parse_seconds(text: &str) -> Option<u64> {
    let s = asl::number::parse_decimal(text)?;
    (s >= 0.0 && s.is_finite() && s < 1e10).then(|| (s * 1000.0).round() as u64)
}

fn invocation_editor(props: &InvocationEditorProps) -> Html {
    let task = &props.task;
    let id = |what: &str| {
        format!("p-{}-{}-{what}", task.name.replace(|c: char| !c.is_ascii_alphanumeric(), "_"), props.index)
    };
    let Ok(response) = props.response.clone() else {
        return html! {
            <p class="hint">{ format!("Call {}: a response this panel cannot show; see the scenario JSON.", props.index + 1) }</p>
        };
    };
    let emit = {
        let (on_action, state, index) = (props.on_action.clone(), task.name.clone(), props.index);
        move |response: Option<Response>| {
            on_action.emit(Action::SetResponse { state: state.clone(), index, response })
        }
    };
    let timeout_ms = task.timeout_s.map(|t| t * 1000);
    // Heartbeats go on until the answer (or the task's timeout), unless counted.
    let beat_limit = move |r: &Response| match (participants::after_ms(r), timeout_ms) {
        (Some(a), Some(t)) => Some(a.min(t)),
        (a, t) => a.or(t),
    };
    let on_kind = {
        let (emit, response, state) = (emit.clone(), response.clone(), task.name.clone());
        Callback::from(move |e: Event| {
            let kind = e.target_unchecked_into::<HtmlSelectElement>().value();
            emit(participants::chosen(&kind, response.as_ref(), &state));
        })
    };
    let choices = if task.callback { CALLBACK_CHOICES } else { REQUEST_CHOICES };
    let kind = participants::kind(response.as_ref());
    let label = if props.numbered { format!("Call {}", props.index + 1) } else { "Does".to_string() };

    let after = response.clone().and_then(|response| {
        let after_ms = participants::after_ms(&response)?;
        let emit = emit.clone();
        let onchange = Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            if let Some(ms) = parse_seconds(&input.value()) {
                emit(Some(participants::with_after_ms(response.clone(), ms)));
            }
        });
        Some(html! {
            <span class="inline-field">
                <input id={id("after")} class="mono num" type="number" min="0" step="1" value={seconds(after_ms)}
                    aria-label={format!("{}: answer after seconds", task.name)} {onchange} />
                <span class="unit">{ "s" }</span>
            </span>
        })
    });

    let details = match &response {
        Some(r @ (Response::Return(output) | Response::Callback { answer: Answer::Success(output), .. })) => {
            html! { <JsonField label={format!("{}: output", task.name)} value={output.clone()} response={r.clone()} on_change={Callback::from(emit.clone())} /> }
        }
        Some(
            r @ (Response::Throw { error, cause }
            | Response::Callback { answer: Answer::Failure { error, cause }, .. }),
        ) => {
            let (error, cause) = (error.clone().unwrap_or_default(), cause.clone().unwrap_or_default());
            let text_change = |is_error: bool| {
                let (emit, response, error, cause) = (emit.clone(), r.clone(), error.clone(), cause.clone());
                Callback::from(move |e: Event| {
                    let value = e.target_unchecked_into::<HtmlInputElement>().value();
                    let (error, cause) = if is_error { (&value, &cause) } else { (&error, &value) };
                    emit(Some(participants::with_failure(response.clone(), error, cause)));
                })
            };
            html! {
                <div class="field-pair">
                    <input class="mono" placeholder="Error" value={error.clone()} aria-label={format!("{}: error", task.name)} onchange={text_change(true)} />
                    <input placeholder="Cause" value={cause.clone()} aria-label={format!("{}: cause", task.name)} onchange={text_change(false)} />
                </div>
            }
        }
        _ => html! {},
    };

    let heartbeats = response.clone().filter(|r| matches!(r, Response::Callback { .. })).map(|response| {
        let beats = participants::heartbeats_ms(&response);
        let limit = beat_limit(&response);
        let pattern = heartbeat_pattern(&beats, limit);
        let every = pattern.map(|(e, _)| e).or(beats.first().copied());
        let count = pattern.and_then(|(_, c)| c);
        let on = !beats.is_empty();
        let set_beats = {
            let (emit, response) = (emit.clone(), response.clone());
            move |every_ms: Option<u64>, count: Option<u32>| {
                let beats = every_ms.map_or(Vec::new(), |e| heartbeat_times(e, count, beat_limit(&response)));
                emit(Some(participants::with_heartbeats_ms(response.clone(), &beats)));
            }
        };
        let toggle = {
            let set_beats = set_beats.clone();
            let default_every = task.heartbeat_s.map_or(30_000, |h| (h * 1000 * 3 / 4).max(1000));
            Callback::from(move |e: Event| {
                let checked = e.target_unchecked_into::<HtmlInputElement>().checked();
                set_beats(checked.then_some(every.unwrap_or(default_every)), count);
            })
        };
        let on_every = {
            let set_beats = set_beats.clone();
            Callback::from(move |e: Event| {
                if let Some(ms) = parse_seconds(&e.target_unchecked_into::<HtmlInputElement>().value()).filter(|ms| *ms > 0) {
                    set_beats(Some(ms), count);
                }
            })
        };
        let on_count = Callback::from(move |e: Event| {
            let text = e.target_unchecked_into::<HtmlInputElement>().value();
            let count = text.trim().parse::<u32>().ok().filter(|c| *c > 0);
            set_beats(every, count);
        });
        let custom = on && pattern.is_none();
        html! {
            <div class="heartbeat-row">
                <label class="check">
                    <input type="checkbox" checked={on} onchange={toggle} />
                    { "Heartbeat every" }
                </label>
                <input class="mono num" type="number" min="1" step="1" disabled={!on}
                    value={every.map(seconds).unwrap_or_default()}
                    aria-label={format!("{}: heartbeat every seconds", task.name)} onchange={on_every} />
                <span class="unit">{ "s," }</span>
                <input class="mono num" type="number" min="1" step="1" disabled={!on} placeholder="all"
                    value={count.map(|c| c.to_string()).unwrap_or_default()}
                    aria-label={format!("{}: number of heartbeats", task.name)} onchange={on_count} />
                <span class="unit">{ "times" }</span>
                if custom {
                    <span class="hint">{ format!("custom: at {} s", beats.iter().map(|b| seconds(*b)).collect::<Vec<_>>().join(", ")) }</span>
                } else if on {
                    <span class="hint">{ format!("{} beat{}", beats.len(), if beats.len() == 1 { "" } else { "s" }) }</span>
                }
            </div>
        }
    });

    html! {
        <div class={classes!("invocation", format!("does-{kind}"))}>
            <div class="invocation-main">
                <label class="invocation-label" for={id("kind")}>{ label }</label>
                <select id={id("kind")} class="select select-small" onchange={on_kind}
                    aria-label={format!("What {} does", task.name)}>
                    for (value, text) in choices.iter() {
                        <option value={*value} selected={*value == kind}>{ *text }</option>
                    }
                </select>
                { after.unwrap_or_default() }
            </div>
            { details }
            { heartbeats.unwrap_or_default() }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct JsonFieldProps {
    label: String,
    value: asl::Value,
    /// The result or successful answer whose output this is.
    response: Response,
    on_change: Callback<Option<Response>>,
}

/// A JSON value typed as text: sent on change when it parses, otherwise the problem is shown.
#[component]
fn JsonField(props: &JsonFieldProps) -> Html {
    let draft = use_state(|| None::<String>);
    let error = use_state(|| None::<String>);
    let text = (*draft).clone().unwrap_or_else(|| props.value.to_string());
    let oninput = {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            draft.set(Some(e.target_unchecked_into::<HtmlTextAreaElement>().value()))
        })
    };
    let onchange = {
        let (draft, error, response, on_change) =
            (draft.clone(), error.clone(), props.response.clone(), props.on_change.clone());
        Callback::from(move |e: Event| {
            let text = e.target_unchecked_into::<HtmlTextAreaElement>().value();
            match asl::Value::parse(&text) {
                Ok(output) => {
                    error.set(None);
                    draft.set(None);
                    on_change.emit(Some(participants::with_output(response.clone(), output)));
                }
                Err(e) => error.set(Some(format!("Not JSON: {e}"))),
            }
        })
    };
    html! {
        <>
            <textarea class="mono small-code" rows="1" spellcheck="false" aria-label={props.label.clone()}
                aria-invalid={error.is_some().to_string()} value={text} {oninput} {onchange} />
            if let Some(e) = &*error { <p class="field-error">{ e.clone() }</p> }
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::short_resource;

    #[test]
    fn resources_read_short_with_or_without_region_and_account() {
        assert_eq!(
            short_resource("arn:aws:states:::lambda:invoke.waitForTaskToken"),
            "lambda:invoke.waitForTaskToken"
        );
        assert_eq!(
            short_resource("arn:aws:states:us-east-1:123456789012:aws-sdk:s3:getObject"),
            "aws-sdk:s3:getObject"
        );
        assert_eq!(
            short_resource("arn:aws:states:us-east-1:123456789012:activity:print-label"),
            "activity:print-label"
        );
        assert_eq!(short_resource("arn:aws:lambda:us-east-1:123456789012:function:resize"), "resize");
    }
}
