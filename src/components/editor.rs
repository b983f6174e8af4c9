//! The code editors (the definition and the execution input): JSON with syntax highlighting, line
//! numbers, matching brackets, Format, indentation keys, and the engine's problems underlined in
//! place (message on hover) and listed below (a click selects the spot).
//!
//! # Why hand-made, on a textarea
//!
//! The app's first load must stay within 400 KB gzip, and the wasm alone was already 356,038
//! bytes gzip when this editor was begun (`gzip -9 < dist/*.wasm | wc -c` after
//! `trunk build --release`). A minimal CodeMirror 6 (view, state, commands, language, JSON) is
//! some 130 KB gzip and Monaco over 1 MB: either would break the budget on its own. This editor
//! adds 15,072 bytes gzip to the wasm (measured on the same tree with and without it: 413,498 ->
//! 428,570) and 1.2 KB gzip of CSS.
//!
//! # How
//!
//! The `<textarea>` stays the real control, so the keyboard, the clipboard, IME, spell-check off,
//! the accessible name and the browser's undo all keep working. Its text is transparent; behind it
//! a `<pre aria-hidden>` mirror, in the same font, line height and padding, draws the coloured
//! tokens, the underlines and the matched brackets, moved with the textarea's scroll position by a
//! CSS transform. Only the lines on screen (plus a margin) are drawn, and each is tokenized on its
//! own (`editor::highlight`), so a keystroke costs the same in a 20-line and a 2,000-line
//! definition. The engine's check runs once typing pauses (`editor::use_debounce` in the app).
//!
//! Edits the editor makes itself (Tab, Shift+Tab, Enter, Format) go through
//! `document.execCommand("insertText")`, the same path as typing: they land in the browser's undo
//! history, so Ctrl/Cmd+Z undoes a Format and Ctrl+Y / Shift+Ctrl+Z redoes it. An app-level undo
//! stack would have to shadow every kind of edit (typing, IME, drag and drop, cut) and would fight
//! the browser's own; setting `value` directly wipes the browser's history. One exception: Chrome's
//! `insertText` slows down with every line break it inserts (10 s for 2,000 lines here), so an edit
//! of more than `EXEC_COMMAND_MAX_LINES` lines (formatting a minified definition) sets the value
//! and keeps one undo / redo step of its own; the history before it is lost.
//!
//! Tab indents, so a keyboard user leaves with Escape then Tab (said in the hint under the editor).

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, HtmlTextAreaElement};
use yew::prelude::*;

use crate::editor::highlight;
use crate::editor::text::{self, Edit, Lines};
use crate::editor::Problem;
use crate::format::utf16_offset;

/// Must match `--code-line-height` in style.css; used to scroll a problem into view.
const LINE_HEIGHT_PX: i32 = 20;
/// The top padding of the textarea and the mirror (`.code-input` in style.css).
const PAD_TOP_PX: i32 = 8;
/// Lines are drawn in steps of this many, one step beyond the screen on each side, so that most
/// scroll events keep the drawn window (and cost no redraw).
const CHUNK: usize = 16;
/// The problems list shows at most this many.
const MAX_LISTED: usize = 200;

#[derive(Properties, PartialEq)]
pub struct CodeEditorProps {
    /// The textarea's id; the problems list's id is derived from it.
    pub id: AttrValue,
    /// The textarea's accessible name.
    pub label: AttrValue,
    pub value: Rc<str>,
    pub problems: Rc<Vec<Problem>>,
    pub on_change: Callback<String>,
    /// What to say when there is nothing to report; `None` hides the problems area when empty.
    #[prop_or_default]
    pub all_clear: Option<AttrValue>,
    /// Leaves out the toolbar (Format, caret position, keyboard hint) for a small editor; its keys
    /// (Shift+Alt+F to format, Escape then Tab to leave) still work.
    #[prop_or_default]
    pub compact: bool,
    /// Readable, selectable and scrollable, not editable (an embed's definition); implies `compact`.
    #[prop_or_default]
    pub readonly: bool,
}

/// The lines drawn: `first..end`, 0-based.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Window {
    first: usize,
    end: usize,
}

/// The lines to draw for a textarea scrolled to `scroll_top` and `client_height` pixels tall.
fn window_for(scroll_top: i32, client_height: i32) -> Window {
    let first_visible = ((scroll_top - PAD_TOP_PX).max(0) / LINE_HEIGHT_PX) as usize;
    let visible = (client_height.max(0) / LINE_HEIGHT_PX) as usize + 2;
    let first = (first_visible / CHUNK).saturating_sub(1) * CHUNK;
    let end = ((first_visible + visible) / CHUNK + 2) * CHUNK;
    Window { first, end }
}

/// The problem tooltip: which problems, and where (pixels in the code area).
#[derive(Clone, Debug, PartialEq)]
struct Tip {
    problems: Vec<usize>,
    left: i32,
    /// From the top of the code area, or from its bottom when the tooltip opens upwards.
    y: i32,
    above: bool,
}

/// The layers that follow the textarea's scroll position: the mirror and the line numbers, and
/// the position they were last moved to.
#[derive(Clone)]
struct Layers {
    textarea: NodeRef,
    code: NodeRef,
    gutter: NodeRef,
    at: Rc<RefCell<Option<(i32, i32)>>>,
}

/// Moves the mirror and the line numbers to the textarea's scroll position (when it changed);
/// returns its scroll top and height.
fn sync_scroll(layers: &Layers) -> Option<(i32, i32)> {
    let source = layers.textarea.cast::<Element>()?;
    let (top, left) = (source.scroll_top(), source.scroll_left());
    if layers.at.replace(Some((top, left))) == Some((top, left)) {
        return Some((top, source.client_height()));
    }
    if let Some(layer) = layers.code.cast::<Element>() {
        let _ = layer.set_attribute("style", &format!("transform: translate({}px, {}px)", -left, -top));
    }
    if let Some(layer) = layers.gutter.cast::<Element>() {
        let _ = layer.set_attribute("style", &format!("transform: translateY({}px)", -top));
    }
    Some((top, source.client_height()))
}

/// Selects `start..end` (bytes of `text`, on 1-based `line`) in the textarea and scrolls it to
/// the middle.
fn select_range(el: &HtmlTextAreaElement, text: &str, start: usize, end: usize, line: usize) {
    let from = utf16_offset(text, start);
    let to = utf16_offset(text, end.max(start));
    let _ = el.focus();
    let _ = el.set_selection_range(from, to);
    let line_top = (line.max(1) as i32 - 1) * LINE_HEIGHT_PX;
    el.set_scroll_top((line_top - el.client_height() / 2).max(0));
}

fn reveal(textarea: &NodeRef, text: &str, problem: &Problem) {
    if let Some(el) = textarea.cast::<HtmlTextAreaElement>() {
        select_range(&el, text, problem.start, problem.end, problem.line);
    }
}

/// Selects a range in the editor whose textarea has the id `id` (used by the graph to show where
/// a state is defined).
pub fn reveal_in(id: &str, text: &str, start: usize, end: usize, line: usize) {
    let el = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<HtmlTextAreaElement>().ok());
    if let Some(el) = el {
        select_range(&el, text, start, end, line);
    }
}

/// `document.execCommand(command, false, value)`: edits the focused textarea as typing would,
/// inside the browser's undo history. False when the browser refused.
fn exec_command(command: &str, value: &str) -> bool {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return false };
    let Some(exec) = js_sys::Reflect::get(&document, &JsValue::from_str("execCommand"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    else {
        return false;
    };
    exec.call3(&document, &JsValue::from_str(command), &JsValue::FALSE, &JsValue::from_str(value))
        .is_ok_and(|done| done.is_truthy())
}

/// The textarea's selection, in UTF-16 units.
fn selection_of(el: &HtmlTextAreaElement) -> Option<(u32, u32)> {
    let start = el.selection_start().ok().flatten()?;
    Some((start, el.selection_end().ok().flatten().unwrap_or(start)))
}

/// The textarea's selection, as byte offsets in `text`.
fn selection_in(el: &HtmlTextAreaElement, text: &str) -> (usize, usize) {
    let start = el.selection_start().ok().flatten().unwrap_or(0);
    let end = el.selection_end().ok().flatten().unwrap_or(start);
    (text::byte_offset(text, start), text::byte_offset(text, end))
}

/// An edit with more line breaks than this is made by setting the textarea's value instead of
/// through `execCommand`, whose cost in Chrome grows with every line break it inserts (measured
/// here: 0.4 s for 200 lines, 10 s for 2,000).
const EXEC_COMMAND_MAX_LINES: usize = 200;

/// An edit too large for `execCommand`, made by setting the value. That empties the browser's
/// undo history, so the editor keeps one undo step of its own for it.
struct BigEdit {
    before: String,
    after: String,
    undone: bool,
}

/// The textarea and the text it holds, as far as the app knows.
type Held = Rc<RefCell<Option<(HtmlTextAreaElement, Rc<str>)>>>;

/// What the editing commands need besides the textarea: where the new text goes, and the editor's
/// own records of it.
#[derive(Clone)]
struct Editing {
    on_change: Callback<String>,
    /// The textarea and the text it holds, as far as the app knows (see `CodeEditor`).
    held: Held,
    big: Rc<RefCell<Option<BigEdit>>>,
}

impl Editing {
    /// Replaces the whole text without `execCommand` (no `input` event: the app is told here).
    fn set_text(&self, el: &HtmlTextAreaElement, text: &str) {
        el.set_value(text);
        *self.held.borrow_mut() = Some((el.clone(), text.into()));
        self.on_change.emit(text.to_string());
    }

    /// Applies `edit` to the textarea's `text` as if typed (see the module notes on undo).
    fn apply(&self, el: &HtmlTextAreaElement, text: &str, edit: &Edit) {
        let _ = el.focus();
        let after = edit.apply(text);
        if edit.insert.matches('\n').count() > EXEC_COMMAND_MAX_LINES {
            self.set_text(el, &after);
            *self.big.borrow_mut() =
                Some(BigEdit { before: text.to_string(), after: after.clone(), undone: false });
        } else {
            let _ = el.set_selection_range(utf16_offset(text, edit.start), utf16_offset(text, edit.end));
            let done = if edit.insert.is_empty() {
                edit.start == edit.end || exec_command("delete", "")
            } else {
                exec_command("insertText", &edit.insert)
            };
            if !done {
                // A browser without execCommand: the edit still happens, outside its undo history.
                self.set_text(el, &after);
            }
        }
        let _ =
            el.set_selection_range(utf16_offset(&after, edit.select.0), utf16_offset(&after, edit.select.1));
    }

    /// Ctrl+Z right after a big edit takes it back; false leaves the key to the browser.
    fn undo(&self, el: &HtmlTextAreaElement) -> bool {
        self.step(el, true)
    }

    /// Ctrl+Y right after undoing a big edit makes it again; false leaves the key to the browser.
    fn redo(&self, el: &HtmlTextAreaElement) -> bool {
        self.step(el, false)
    }

    fn step(&self, el: &HtmlTextAreaElement, undo: bool) -> bool {
        let mut big = self.big.borrow_mut();
        let Some(edit) = big.as_mut().filter(|b| b.undone != undo) else { return false };
        let (from, to) = if undo { (&edit.after, &edit.before) } else { (&edit.before, &edit.after) };
        if el.value() != *from {
            return false;
        }
        let to = to.clone();
        edit.undone = undo;
        drop(big);
        self.set_text(el, &to);
        true
    }

    /// Pretty-prints the textarea's JSON in place (an undoable edit); false when it is not JSON.
    fn format(&self, el: &HtmlTextAreaElement) -> bool {
        let text = el.value();
        let Ok(formatted) = text::format_json(&text) else { return false };
        if formatted != text {
            let mut edit = text::replace_all(&text, &formatted);
            edit.select = (edit.start, edit.start);
            self.apply(el, &text, &edit);
            // Show the start of what changed rather than wherever the browser scrolled to.
            let line = formatted[..edit.start].matches('\n').count() as i32;
            el.set_scroll_top((line * LINE_HEIGHT_PX - el.client_height() / 3).max(0));
        }
        true
    }
}

/// The line numbers `shown` (0-based) as HTML, coloured by the worst problem on each line.
fn gutter_html(shown: std::ops::Range<usize>, problems: &[Problem]) -> String {
    // Worst severity per shown line (a plain list: the window is a few hundred lines).
    let mut worst: Vec<Option<bool>> = vec![None; shown.len()];
    for p in problems {
        if let Some(w) = p.line.checked_sub(1 + shown.start).and_then(|i| worst.get_mut(i)) {
            *w = Some(w.unwrap_or(false) | p.is_error);
        }
    }
    let mut out = String::with_capacity(shown.len() * 40);
    for (n, w) in shown.zip(worst) {
        let class = match w {
            Some(true) => "ln ln-error",
            Some(false) => "ln ln-warning",
            None => "ln",
        };
        out.push_str(&format!("<div class=\"{class}\">{}</div>", n + 1));
    }
    out
}

#[component]
pub fn CodeEditor(props: &CodeEditorProps) -> Html {
    let textarea = use_node_ref();
    let area = use_node_ref();
    let code_layer = use_node_ref();
    let gutter_layer = use_node_ref();
    let window = use_state_eq(|| Window { first: 0, end: 6 * CHUNK });
    // The selection in UTF-16 units while the textarea has the focus.
    let selection = use_state_eq(|| None::<(u32, u32)>);
    let tip = use_state_eq(|| None::<Tip>);
    // Set by Escape: the next Tab leaves the editor instead of indenting.
    let tab_leaves = use_mut_ref(|| false);
    // The textarea and the text it holds, as far as the app knows. It is given the app's text only
    // when that differs (an example loaded) or it is a new element, not after every keystroke:
    // that spares copying the whole text back and forth and leaves the browser's undo alone.
    let held: Held = use_mut_ref(|| None);

    let editing =
        Editing { on_change: props.on_change.clone(), held: held.clone(), big: use_mut_ref(|| None) };

    let lines = use_memo(props.value.clone(), |text| Lines::new(text));
    let marks = use_memo((props.value.clone(), props.problems.clone()), |(text, problems)| {
        highlight::marks(text, problems.iter().map(|p| (p.start, p.end, p.is_error)))
    });

    let layers = Layers {
        textarea: textarea.clone(),
        code: code_layer.clone(),
        gutter: gutter_layer.clone(),
        at: use_mut_ref(|| None),
    };
    // After every render: the textarea holds the app's text, the mirror follows the textarea, and
    // the drawn window covers the screen.
    {
        let (layers, window, held, value) =
            (layers.clone(), window.clone(), held.clone(), props.value.clone());
        use_effect(move || {
            if let Some(el) = layers.textarea.cast::<HtmlTextAreaElement>() {
                let mut held = held.borrow_mut();
                if !held.as_ref().is_some_and(|(shown, text)| *shown == el && **text == *value) {
                    el.set_value(&value);
                    // A new text starts at its top (setting the value put the caret at its end,
                    // where the focus would scroll to).
                    let _ = el.set_selection_range(0, 0);
                    el.set_scroll_top(0);
                    *held = Some((el, value));
                }
            }
            if let Some((top, height)) = sync_scroll(&layers) {
                window.set(window_for(top, height));
            }
        });
    }

    let oninput = {
        let (on_change, held, selection) = (props.on_change.clone(), held.clone(), selection.clone());
        Callback::from(move |e: InputEvent| {
            let el: HtmlTextAreaElement = e.target_unchecked_into();
            let value = el.value();
            *held.borrow_mut() = Some((el.clone(), value.as_str().into()));
            // With the text, so that both make one redraw.
            selection.set(selection_of(&el));
            on_change.emit(value);
        })
    };
    let onscroll = {
        let (layers, window, tip) = (layers.clone(), window.clone(), tip.clone());
        Callback::from(move |_: Event| {
            if let Some((top, height)) = sync_scroll(&layers) {
                window.set(window_for(top, height));
            }
            tip.set(None);
        })
    };
    let track_selection = {
        let selection = selection.clone();
        Callback::from(move |e: Event| selection.set(selection_of(&e.target_unchecked_into())))
    };
    let onblur = {
        let selection = selection.clone();
        Callback::from(move |_: FocusEvent| selection.set(None))
    };
    let onfocus = {
        let (track, tab_leaves) = (track_selection.clone(), tab_leaves.clone());
        Callback::from(move |e: FocusEvent| {
            *tab_leaves.borrow_mut() = false;
            track.emit(e.into());
        })
    };
    let onkeydown = {
        let (editing, tab_leaves, tip) = (editing.clone(), tab_leaves.clone(), tip.clone());
        Callback::from(move |e: KeyboardEvent| {
            if e.is_composing() {
                return;
            }
            let key = e.key();
            let command = e.ctrl_key() || e.meta_key();
            let leaving = match key.as_str() {
                "Shift" | "Control" | "Alt" | "Meta" => *tab_leaves.borrow(),
                _ => std::mem::take(&mut *tab_leaves.borrow_mut()),
            };
            let el: HtmlTextAreaElement = e.target_unchecked_into();
            match key.as_str() {
                "Escape" => {
                    *tab_leaves.borrow_mut() = true;
                    tip.set(None);
                }
                // After Escape the browser moves the focus on.
                "Tab" if leaving || command || e.alt_key() => {}
                "Tab" => {
                    e.prevent_default();
                    let text = el.value();
                    let selection = selection_in(&el, &text);
                    let edit = if e.shift_key() {
                        text::outdent(&text, selection)
                    } else {
                        Some(text::indent(&text, selection))
                    };
                    if let Some(edit) = edit {
                        editing.apply(&el, &text, &edit);
                    }
                }
                "Enter" if !command && !e.alt_key() => {
                    e.prevent_default();
                    let text = el.value();
                    let edit = text::newline(&text, selection_in(&el, &text));
                    editing.apply(&el, &text, &edit);
                }
                "z" | "Z" if command && !e.shift_key() => {
                    // After a big edit, the editor's own undo step; otherwise the browser's.
                    let taken_back = editing.undo(&el);
                    if taken_back {
                        e.prevent_default();
                    }
                }
                // Chrome on Linux leaves Ctrl+Y to the page.
                "y" | "Y" | "z" | "Z" if command => {
                    e.prevent_default();
                    if !editing.redo(&el) {
                        exec_command("redo", "");
                    }
                }
                _ if e.code() == "KeyF" && e.shift_key() && e.alt_key() && !command => {
                    e.prevent_default();
                    editing.format(&el);
                }
                _ => {}
            }
        })
    };
    let onmousemove = {
        let (textarea, area, code_layer, tip) =
            (textarea.clone(), area.clone(), code_layer.clone(), tip.clone());
        let (lines, marks, problems) = (lines.clone(), marks.clone(), props.problems.clone());
        Callback::from(move |e: MouseEvent| {
            let (Some(el), Some(area), Some(layer)) =
                (textarea.cast::<Element>(), area.cast::<Element>(), code_layer.cast::<Element>())
            else {
                return;
            };
            let frame = area.get_bounding_client_rect();
            let (x, y) = (e.client_x() as f64, e.client_y() as f64);
            let line = (y - frame.top() + el.scroll_top() as f64 - PAD_TOP_PX as f64) / LINE_HEIGHT_PX as f64;
            // Only the underlines on the line under the pointer are measured.
            let hit = marks
                .iter()
                .filter(|m| line >= 0.0 && lines.line_of(m.start) == line as usize)
                .find_map(|m| {
                    let mark =
                        layer.query_selector(&format!("mark[data-problem=\"{}\"]", m.problem)).ok()??;
                    let r = mark.get_bounding_client_rect();
                    (x >= r.left() - 1.0 && x <= r.right() + 1.0 && y >= r.top() && y <= r.bottom())
                        .then_some((m, r))
                });
            tip.set(hit.map(|(m, r)| {
                let overlaps =
                    |p: &Problem| p.start < m.end.max(m.start + 1) && p.end.max(p.start + 1) > m.start;
                let above = r.bottom() - frame.top() + 72.0 > frame.height();
                Tip {
                    problems: (0..problems.len())
                        .filter(|&i| i == m.problem || overlaps(&problems[i]))
                        .collect(),
                    left: (r.left() - frame.left()).max(0.0) as i32,
                    y: if above {
                        (frame.bottom() - r.top()) as i32 + 2
                    } else {
                        (r.bottom() - frame.top()) as i32 + 2
                    },
                    above,
                }
            }));
        })
    };
    // New problems: the tooltip's may be gone.
    {
        let tip = tip.clone();
        use_effect_with(props.problems.clone(), move |_| tip.set(None));
    }
    let onmouseleave = {
        let tip = tip.clone();
        Callback::from(move |_: MouseEvent| tip.set(None))
    };

    let text = &*props.value;
    let caret = selection.map(|(start, end)| (text::byte_offset(text, start), text::byte_offset(text, end)));
    let brackets: Vec<(usize, bool)> = match caret
        .and_then(|(_, end)| highlight::match_bracket(text, &lines, end))
    {
        Some(m) => std::iter::once((m.at, m.partner.is_some())).chain(m.partner.map(|p| (p, true))).collect(),
        None => Vec::new(),
    };
    let line_count = lines.count();
    let shown = window.first.min(line_count)..window.end.min(line_count);
    let spacer = format!("height: {}px", shown.start as i32 * LINE_HEIGHT_PX);
    let code_lines = shown.clone().map(|n| {
        let runs = highlight::runs(text, lines.range(n), &marks, &brackets);
        Html::from_html_unchecked(highlight::line_html(text, &runs, &marks).into())
    });

    let gutter_lines = Html::from_html_unchecked(gutter_html(shown, &props.problems).into());
    let digits = line_count.to_string().len().max(2);

    let has_errors = props.problems.iter().any(|p| p.is_error);
    let problems_id = format!("{}-problems", props.id);
    let hint_id = format!("{}-keys", props.id);
    // A list of thousands (a pasted document of the wrong kind) would slow every keystroke.
    let more = props.problems.len().saturating_sub(MAX_LISTED);
    let problem_items = props.problems.iter().take(MAX_LISTED).map(|p| {
        let onclick = {
            let (textarea, text, p) = (textarea.clone(), props.value.clone(), p.clone());
            Callback::from(move |_: MouseEvent| reveal(&textarea, &text, &p))
        };
        let (class, severity) = if p.is_error { ("problem error", "Error") } else { ("problem warning", "Warning") };
        html! {
            <li>
                <button type="button" {class} {onclick} title={format!("{} ({})", severity, p.code)}>
                    <span class="problem-icon" aria-hidden="true">{ if p.is_error { "✕" } else { "!" } }</span>
                    <span class="visually-hidden">{ format!("{severity}: ") }</span>
                    <span class="problem-text">{ p.located() }</span>
                    <code class="problem-code">{ p.code.clone() }</code>
                </button>
            </li>
        }
    });
    let summary = match (props.problems.len(), &props.all_clear) {
        (0, Some(clear)) => {
            html! { <p class="problems-clear" id={problems_id.clone()}>{ clear.clone() }</p> }
        }
        (0, None) => html! {},
        _ => html! {
            <ul class="problems" id={problems_id.clone()} aria-label={format!("Problems in {}", props.label)}>
                { for problem_items }
                if more > 0 {
                    <li class="problems-more">{ format!("… and {more} more") }</li>
                }
            </ul>
        },
    };

    let tooltip = tip.as_ref().map(|tip| {
        let style =
            format!("left: {}px; {}: {}px", tip.left, if tip.above { "bottom" } else { "top" }, tip.y);
        html! {
            <div class="code-tooltip" role="tooltip" {style}>
                for i in tip.problems.iter().filter_map(|&i| props.problems.get(i)) {
                    <p class={if i.is_error { "tip error" } else { "tip warning" }}>
                        <span class="tip-severity">{ if i.is_error { "Error" } else { "Warning" } }</span>
                        { i.message.clone() }
                        <code class="problem-code">{ i.code.clone() }</code>
                    </p>
                }
            </div>
        }
    });

    let keys_hint = "Tab indents, Shift+Tab outdents. Press Escape, then Tab, to leave the editor.";
    let toolbar = if props.readonly {
        html! {}
    } else if props.compact {
        html! { <span class="visually-hidden" id={hint_id.clone()}>{ keys_hint }</span> }
    } else {
        let blocker = props.problems.iter().find(|p| p.code == asl::Code::JsonSyntax.as_str());
        let note_id = format!("{}-format-note", props.id);
        let onclick = {
            let (textarea, editing) = (textarea.clone(), editing.clone());
            Callback::from(move |_: MouseEvent| {
                if let Some(el) = textarea.cast::<HtmlTextAreaElement>() {
                    editing.format(&el);
                }
            })
        };
        let position = caret.map(|(_, end)| {
            let line = lines.line_of(end.min(text.len()));
            let column = text[lines.range(line).start..end.min(text.len())].chars().count() + 1;
            format!("Ln {}, Col {}", line + 1, column)
        });
        html! {
            <div class="code-toolbar">
                <button type="button" class="btn btn-small" {onclick} disabled={blocker.is_some()}
                    aria-describedby={note_id.clone()} aria-keyshortcuts="Shift+Alt+F"
                    title="Pretty-print the JSON with 2-space indentation (Shift+Alt+F)">
                    { "Format" }
                </button>
                <span class="code-note" id={note_id}>
                    { blocker.map(|p| format!("Format needs valid JSON: line {}", p.line)).unwrap_or_default() }
                </span>
                <span class="code-position">{ position.unwrap_or_default() }</span>
                <span class="code-hint" id={hint_id.clone()} title={keys_hint}>
                    <kbd>{ "Esc" }</kbd>{ " " }<kbd>{ "Tab" }</kbd>{ " leaves the editor" }
                    <span class="visually-hidden">{ format!(". {keys_hint}") }</span>
                </span>
            </div>
        }
    };

    html! {
        <div class={classes!("code-editor", (props.compact || props.readonly).then_some("compact"))}>
            <div class={classes!("code-frame", has_errors.then_some("invalid"))}>
                <div class="gutter" aria-hidden="true" style={format!("min-width: calc({digits}ch + 19px)")}>
                    <div class="code-layer" ref={gutter_layer}>
                        <div style={spacer.clone()} />
                        { gutter_lines }
                    </div>
                </div>
                <div class="code-area" ref={area}>
                    <pre class="code-backdrop" aria-hidden="true">
                        <span class="code-layer" ref={code_layer}>
                            <span class="cl-spacer" style={spacer} />
                            { for code_lines }
                        </span>
                    </pre>
                    <textarea
                        id={props.id.clone()}
                        ref={textarea}
                        class="code-input"
                        aria-label={props.label.clone()}
                        aria-invalid={if has_errors { "true" } else { "false" }}
                        aria-describedby={format!("{problems_id} {hint_id}")}
                        spellcheck="false"
                        autocomplete="off"
                        autocapitalize="off"
                        wrap="off"
                        readonly={props.readonly}
                        {oninput}
                        {onscroll}
                        {onkeydown}
                        {onfocus}
                        {onblur}
                        {onmousemove}
                        {onmouseleave}
                        onkeyup={track_selection.reform(|e: KeyboardEvent| e.into())}
                        onmouseup={track_selection.reform(|e: MouseEvent| e.into())}
                        onselect={track_selection.clone()}
                        onselectionchange={track_selection}
                    />
                    // Always there, so that the textarea before it keeps its place among its
                    // siblings (Yew matches unkeyed children from the end) and is never re-created.
                    <div class="code-tip-slot">{ for tooltip }</div>
                </div>
            </div>
            { toolbar }
            { summary }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_drawn_window_covers_the_screen_in_steps() {
        let w = window_for(0, 400);
        assert_eq!((w.first, w.end), (0, 3 * CHUNK));
        // 1,000 lines down, 20 lines tall: some lines above and below, in whole steps.
        let w = window_for(PAD_TOP_PX + 1000 * LINE_HEIGHT_PX, 400);
        assert!(w.first <= 1000 - CHUNK + 1 && w.first.is_multiple_of(CHUNK), "{w:?}");
        assert!(w.end >= 1022 + CHUNK - 1 && w.end.is_multiple_of(CHUNK), "{w:?}");
        // A small scroll keeps the same window.
        assert_eq!(window_for(PAD_TOP_PX + 1000 * LINE_HEIGHT_PX + 20, 400), w);
    }
}
