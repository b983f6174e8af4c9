//! A draggable, keyboard-operable divider between two panes of the workspace grid.
//!
//! It reports a new width as a percentage of the workspace; the app owns the widths. The pointer is
//! captured during a drag so that a fast mouse does not lose it.

use web_sys::{Element, HtmlElement};
use yew::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edge {
    /// Resizes the pane on the left of the divider, measured from the workspace's left edge.
    Left,
    /// Resizes the pane on the right, measured from the workspace's right edge.
    Right,
    /// Resizes the pane below (the dock), measured from the container's bottom edge.
    Bottom,
}

#[derive(Properties, PartialEq)]
pub struct SplitterProps {
    pub edge: Edge,
    /// The workspace whose width the percentage is of.
    pub container: NodeRef,
    /// The current width of the pane this divider resizes, in percent.
    pub percent: f64,
    pub label: AttrValue,
    /// The range the app clamps `percent` to, announced to assistive technology.
    pub min: u8,
    pub max: u8,
    pub on_resize: Callback<f64>,
}

/// Keyboard steps, in percent.
const STEP: f64 = 2.0;

#[component]
pub fn Splitter(props: &SplitterProps) -> Html {
    let dragging = use_state_eq(|| false);
    // Key presses can come faster than renders: each step starts from the width last asked for,
    // not the one last drawn, so that three quick presses make three steps.
    let asked = use_mut_ref(|| props.percent);
    let drawn = use_mut_ref(|| props.percent);
    if *drawn.borrow() != props.percent {
        *drawn.borrow_mut() = props.percent;
        *asked.borrow_mut() = props.percent;
    }

    let percent_at = {
        let container = props.container.clone();
        let edge = props.edge;
        move |e: &PointerEvent| -> Option<f64> {
            let rect = container.cast::<Element>()?.get_bounding_client_rect();
            if rect.width() <= 0.0 || rect.height() <= 0.0 {
                return None;
            }
            let x = f64::from(e.client_x()) - rect.left();
            let y = f64::from(e.client_y()) - rect.top();
            Some(match edge {
                Edge::Left => x / rect.width() * 100.0,
                Edge::Right => (rect.width() - x) / rect.width() * 100.0,
                Edge::Bottom => (rect.height() - y) / rect.height() * 100.0,
            })
        }
    };

    let onpointerdown = {
        let dragging = dragging.clone();
        Callback::from(move |e: PointerEvent| {
            if e.button() != 0 {
                return;
            }
            e.prevent_default();
            let target: HtmlElement = e.target_unchecked_into();
            let _ = target.set_pointer_capture(e.pointer_id());
            let _ = target.focus();
            dragging.set(true);
        })
    };
    let onpointermove = {
        let dragging = dragging.clone();
        let on_resize = props.on_resize.clone();
        let percent_at = percent_at.clone();
        Callback::from(move |e: PointerEvent| {
            if *dragging {
                if let Some(p) = percent_at(&e) {
                    on_resize.emit(p);
                }
            }
        })
    };
    let end_drag = {
        let dragging = dragging.clone();
        Callback::from(move |e: PointerEvent| {
            let target: HtmlElement = e.target_unchecked_into();
            let _ = target.release_pointer_capture(e.pointer_id());
            dragging.set(false);
        })
    };
    let onkeydown = {
        let on_resize = props.on_resize.clone();
        let (edge, asked) = (props.edge, asked.clone());
        let (min, max) = (f64::from(props.min), f64::from(props.max));
        Callback::from(move |e: KeyboardEvent| {
            let grow = match (e.key().as_str(), edge) {
                ("ArrowRight", Edge::Left) | ("ArrowLeft", Edge::Right) | ("ArrowUp", Edge::Bottom) => STEP,
                ("ArrowLeft", Edge::Left) | ("ArrowRight", Edge::Right) | ("ArrowDown", Edge::Bottom) => {
                    -STEP
                }
                _ => return,
            };
            e.prevent_default();
            let next = (*asked.borrow() + grow).max(min).min(max);
            *asked.borrow_mut() = next;
            on_resize.emit(next);
        })
    };

    let (orientation, class) = match props.edge {
        Edge::Bottom => ("horizontal", "splitter splitter-h"),
        Edge::Left | Edge::Right => ("vertical", "splitter"),
    };
    html! {
        <div
            class={classes!(class, (*dragging).then_some("dragging"))}
            role="separator"
            aria-orientation={orientation}
            aria-label={props.label.clone()}
            aria-valuenow={(props.percent.round() as i64).to_string()}
            aria-valuemin={props.min.to_string()}
            aria-valuemax={props.max.to_string()}
            tabindex="0"
            {onpointerdown}
            {onpointermove}
            onpointerup={end_drag.clone()}
            onpointercancel={end_drag}
            {onkeydown}
        />
    }
}
