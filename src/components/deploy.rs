//! The "Deploy" dialog: the work as it goes to AWS (`sim::export`, what `baton export` prints):
//! the `aws stepfunctions` commands that create the state machine, start it with the input and
//! answer its tokens as the participants do, and a CloudFormation or SAM template with the
//! definition inlined; each to copy.

use std::rc::Rc;

use sim::export::{export, Target, Work};
use yew::prelude::*;

use super::copy::{label, use_copy_feedback};
use super::modal::Modal;

#[derive(Properties, PartialEq)]
pub struct DeployDialogProps {
    pub compiled: Rc<asl::Compiled>,
    pub input: Rc<str>,
    pub scenario: Rc<str>,
    /// The state machine's name: the example's slug, or a plain one.
    pub name: AttrValue,
    pub on_close: Callback<()>,
}

#[component]
pub fn DeployDialog(props: &DeployDialogProps) -> Html {
    let target = use_state_eq(|| Target::Cli);
    let (copied, show_copied) = use_copy_feedback::<bool>();
    let text = match props.compiled.value().filter(|_| props.compiled.machine().is_some()) {
        None => Err("The definition has errors: fix them first, AWS would refuse it.".to_string()),
        Some(definition) => {
            // An input or scenario that does not parse is left out, not a reason to refuse.
            let input = asl::Value::parse(&props.input).ok();
            let scenario = sim::Scenario::from_json(&props.scenario).ok();
            let work =
                Work { definition, name: &props.name, input: input.as_ref(), scenario: scenario.as_ref() };
            Ok(export(&work, *target))
        }
    };
    let copy = {
        let text = text.clone().unwrap_or_default();
        Callback::from(move |_: MouseEvent| crate::browser::copy_text(&text, show_copied.clone()))
    };
    let tab = |which: Target| {
        let target = target.clone();
        let selected = *target == which;
        html! {
            <button type="button" role="tab" class={classes!("panel-tab", selected.then_some("active"))}
                aria-selected={selected.to_string()} aria-controls="deploy-text"
                onclick={move |_: MouseEvent| target.set(which)}>
                { which.title() }
            </button>
        }
    };
    let copy_idle = if *target == Target::Cli { "Copy commands" } else { "Copy template" };
    let note = match *target {
        Target::Cli => "Run in a shell with the AWS CLI; set ROLE_ARN first. The participants' answers become the calls a person would make.",
        Target::CloudFormation => "A CloudFormation template (JSON) with the definition inlined; deploy it with a role ARN as StateMachineRoleArn.",
        Target::Sam => "A SAM template (JSON) with the definition inlined: sam deploy --guided.",
    };
    html! {
        <Modal labelled_by="deploy-title" focus="deploy-close" class="deploy-dialog" on_close={props.on_close.clone()}>
            <header class="modal-head">
                <h2 id="deploy-title">{ "Deploy to AWS" }</h2>
                <button type="button" id="deploy-close" class="btn btn-small btn-quiet" aria-label="Close"
                    onclick={props.on_close.reform(|_: MouseEvent| ())}>
                    { "✕" }
                </button>
            </header>
            <div class="modal-body share-body">
                <div class="panel-tabs" role="tablist" aria-label="Deploy with">
                    for which in Target::ALL { { tab(which) } }
                </div>
                <p id="deploy-note" class="muted">{ note }</p>
                {
                    match text {
                        Ok(text) => html! {
                            <>
                                <textarea id="deploy-text" class="share-field share-code deploy-text" readonly=true
                                    rows="14" aria-label={format!("{} for this work", target.title())}
                                    aria-describedby="deploy-note" value={text} />
                                <button type="button" class="btn" onclick={copy}>{ label(copied, copy_idle) }</button>
                            </>
                        },
                        Err(why) => html! { <p class="problem-text" role="note">{ why }</p> },
                    }
                }
            </div>
        </Modal>
    }
}
