//! Windowed drawing for long scrolling content. The event history and the sequence diagram draw
//! only what lies near the visible part of their scroller, so a 1,000-event execution costs the
//! browser about the layout and paint of a 50-event one (`cargo xtask bench --web` measures it).
//!
//! The scroller reports its position in blocks of [`BLOCK`] pixels: scrolling within a block
//! changes nothing and re-renders nothing. The drawn span reaches at least one block beyond the
//! visible part on each side, so the content is already there when a scroll crosses into the next
//! block.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::Element;
use yew::prelude::*;

/// The unit of scroll position that matters for drawing, in CSS pixels.
pub const BLOCK: f64 = 400.0;

/// Within this many pixels of the end, the scroller counts as "at the end" and follows new
/// content, as a log viewer or a chat does.
const END_SLACK: f64 = 24.0;

/// Where a scroller stands, in blocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Viewport {
    /// The block the visible part starts in.
    first: u32,
    /// How many blocks the visible part spans (rounded up).
    blocks: u32,
    /// The user is at the end of the content (or has not scrolled yet): new content is drawn and
    /// scrolled to at once, so following a running execution costs one render per change.
    pub at_end: bool,
}

impl Default for Viewport {
    /// Before the first measurement: a tall pane, following the end.
    fn default() -> Viewport {
        Viewport { first: 0, blocks: 3, at_end: true }
    }
}

impl Viewport {
    /// The viewport of a scroller at `scroll_top` showing `visible` pixels of `total`.
    pub fn measure(scroll_top: f64, visible: f64, total: f64) -> Viewport {
        let top = scroll_top.max(0.0);
        Viewport {
            first: (top / BLOCK).floor() as u32,
            blocks: ((visible.max(1.0)) / BLOCK).ceil() as u32,
            at_end: total - top - visible < END_SLACK,
        }
    }

    /// The vertical span of content, `from..to` in pixels, worth drawing when the content is
    /// `height` tall: the visible part, a block above and two below (the visible part may reach
    /// into the block after its last whole one).
    pub fn span(&self, height: f64) -> (f64, f64) {
        let visible = f64::from(self.blocks) * BLOCK;
        let first =
            if self.at_end { ((height - visible).max(0.0) / BLOCK).floor() } else { f64::from(self.first) };
        let from = (first - 1.0).max(0.0) * BLOCK;
        (from, (first + f64::from(self.blocks) + 2.0) * BLOCK)
    }
}

/// Tracks the viewport of the element behind `scroller`; hand the returned callback to its
/// `onscroll`. The viewport is measured on mount, on every scroll and whenever the element is
/// resized (a dragged divider, a resized window). Only a scroll decides whether the view follows
/// the end: content that grows, or a pane that shrinks, does not stop it following.
#[hook]
pub fn use_viewport(scroller: NodeRef) -> (Viewport, Callback<Event>) {
    let viewport = use_state_eq(Viewport::default);
    let following = use_mut_ref(|| true);
    let measure = {
        let (viewport, scroller) = (viewport.clone(), scroller.clone());
        Callback::from(move |scrolled: bool| {
            if let Some(el) = scroller.cast::<Element>() {
                let mut measured = Viewport::measure(
                    f64::from(el.scroll_top()),
                    f64::from(el.client_height()),
                    f64::from(el.scroll_height()),
                );
                if scrolled {
                    *following.borrow_mut() = measured.at_end;
                } else {
                    measured.at_end = *following.borrow();
                }
                viewport.set(measured);
            }
        })
    };
    {
        let measure = measure.clone();
        use_effect_with(scroller, move |scroller| {
            let on_resize = Closure::<dyn FnMut()>::new(move || measure.emit(false));
            let observer = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()).ok();
            if let (Some(observer), Some(el)) = (&observer, scroller.cast::<Element>()) {
                observer.observe(&el);
            }
            move || {
                if let Some(observer) = observer {
                    observer.disconnect();
                }
                drop(on_resize);
            }
        });
    }
    (*viewport, Callback::from(move |_: Event| measure.emit(true)))
}

/// Keeps the scroller at the end of its content while the viewport follows it: call after every
/// render that may have added content.
pub fn stick_to_end(scroller: &NodeRef, viewport: Viewport) {
    if viewport.at_end {
        if let Some(el) = scroller.cast::<Element>() {
            el.set_scroll_top(el.scroll_height());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrolling_within_a_block_changes_nothing() {
        let a = Viewport::measure(410.0, 300.0, 5000.0);
        let b = Viewport::measure(790.0, 300.0, 5000.0);
        assert_eq!(a, b);
        assert_ne!(a, Viewport::measure(810.0, 300.0, 5000.0));
    }

    #[test]
    fn the_span_covers_the_visible_part_and_a_block_either_side() {
        let v = Viewport::measure(1000.0, 300.0, 5000.0);
        let (from, to) = v.span(5000.0);
        assert!(from <= 1000.0 - BLOCK + 200.0 && to >= 1300.0 + BLOCK, "{from}..{to}");
        assert_eq!(from, 400.0);
    }

    #[test]
    fn at_the_end_the_span_follows_the_content() {
        let v = Viewport::measure(4700.0, 300.0, 5000.0);
        assert!(v.at_end);
        // The content grew by 1,000 px before the scroller caught up: the new end is drawn.
        let (from, to) = v.span(6000.0);
        assert!(from <= 6000.0 - 300.0 && to >= 6000.0, "{from}..{to}");
    }

    #[test]
    fn the_top_of_short_content_is_drawn() {
        assert_eq!(Viewport::default().span(100.0).0, 0.0);
    }
}
