//! A plain `<textarea>` made into a code editor: a line-number gutter, wavy underlines under the
//! engine's diagnostics, and a problems list whose entries move the caret to the problem.
//!
//! The underlines are drawn in a `<pre>` behind a transparent textarea, with the same font and
//! padding, kept in step with the textarea's scroll position. The textarea stays the real,
//! accessible control: screen readers and the keyboard see nothing else.

use std::collections::BTreeMap;
use std::rc::Rc;

use web_sys::{Element, HtmlTextAreaElement};
use yew::prelude::*;

use crate::format::utf16_offset;
use crate::state::Problem;

/// Must match `--code-line-height` in style.css; used to scroll a problem into view.
const LINE_HEIGHT_PX: i32 = 20;

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
}

/// A run of the editor's text, underlined when it is the location of a problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    pub text: String,
    /// `Some(true)` for an error, `Some(false)` for a warning.
    pub mark: Option<bool>,
}

/// Cuts `text` into plain and underlined runs. Overlapping problems keep the first; an empty range
/// underlines the character at its start, or a space when it points at the end of a line.
pub fn segments(text: &str, problems: &[Problem]) -> Vec<Segment> {
    let mut ranges: Vec<(usize, usize, bool)> =
        problems.iter().map(|p| (p.start, p.end, p.is_error)).collect();
    ranges.sort_by_key(|&(start, end, is_error)| (start, !is_error, end));
    let boundary = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let mut out = Vec::new();
    let mut cursor = 0;
    for (start, end, is_error) in ranges {
        let start = boundary(start);
        if start < cursor {
            continue;
        }
        let mut end = boundary(end.max(start));
        if start > cursor {
            out.push(Segment { text: text[cursor..start].to_string(), mark: None });
        }
        if end == start {
            match text[start..].chars().next() {
                Some(c) if c != '\n' => end = start + c.len_utf8(),
                _ => {
                    out.push(Segment { text: " ".into(), mark: Some(is_error) });
                    cursor = start;
                    continue;
                }
            }
        }
        // A range that runs over several lines is underlined on its first line only: long marks
        // over whole objects are noise.
        if let Some(nl) = text[start..end].find('\n') {
            end = start + nl.max(1);
        }
        out.push(Segment { text: text[start..end].to_string(), mark: Some(is_error) });
        cursor = end;
    }
    if cursor < text.len() {
        out.push(Segment { text: text[cursor..].to_string(), mark: None });
    }
    // A textarea shows a last empty line after a final newline; a <pre> needs a character for it.
    out.push(Segment { text: " ".into(), mark: None });
    out
}

fn sync_scroll(source: &NodeRef, gutter: &NodeRef, backdrop: &NodeRef) {
    let Some(source) = source.cast::<Element>() else { return };
    if let Some(gutter) = gutter.cast::<Element>() {
        gutter.set_scroll_top(source.scroll_top());
    }
    if let Some(backdrop) = backdrop.cast::<Element>() {
        backdrop.set_scroll_top(source.scroll_top());
        backdrop.set_scroll_left(source.scroll_left());
    }
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
    use wasm_bindgen::JsCast;
    let el = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<HtmlTextAreaElement>().ok());
    if let Some(el) = el {
        select_range(&el, text, start, end, line);
    }
}

#[component]
pub fn CodeEditor(props: &CodeEditorProps) -> Html {
    let textarea = use_node_ref();
    let gutter = use_node_ref();
    let backdrop = use_node_ref();

    let oninput = {
        let on_change = props.on_change.clone();
        Callback::from(move |e: InputEvent| {
            let el: HtmlTextAreaElement = e.target_unchecked_into();
            on_change.emit(el.value());
        })
    };
    let onscroll = {
        let (textarea, gutter, backdrop) = (textarea.clone(), gutter.clone(), backdrop.clone());
        Callback::from(move |_: Event| sync_scroll(&textarea, &gutter, &backdrop))
    };
    // After a re-render the backdrop is new text at scroll 0; put it back where the textarea is.
    {
        let (textarea, gutter, backdrop) = (textarea.clone(), gutter.clone(), backdrop.clone());
        use_effect_with((props.value.clone(), props.problems.clone()), move |_| {
            sync_scroll(&textarea, &gutter, &backdrop)
        });
    }

    let segments =
        use_memo((props.value.clone(), props.problems.clone()), |(text, problems)| segments(text, problems));
    let line_count = props.value.matches('\n').count() + 1;
    // Worst severity per line, for the gutter.
    let mut marked_lines = BTreeMap::new();
    for p in props.problems.iter() {
        let worst = marked_lines.entry(p.line).or_insert(false);
        *worst |= p.is_error;
    }
    let has_errors = props.problems.iter().any(|p| p.is_error);
    let problems_id = format!("{}-problems", props.id);

    let gutter_lines = (1..=line_count).map(|n| {
        let class = match marked_lines.get(&n) {
            Some(true) => "ln ln-error",
            Some(false) => "ln ln-warning",
            None => "ln",
        };
        html! { <div {class}>{ n }</div> }
    });
    let backdrop_runs = segments.iter().map(|s| match s.mark {
        None => html! { { s.text.clone() } },
        Some(true) => html! { <mark class="squiggle error">{ s.text.clone() }</mark> },
        Some(false) => html! { <mark class="squiggle warning">{ s.text.clone() }</mark> },
    });

    let problem_items = props.problems.iter().map(|p| {
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
            </ul>
        },
    };

    html! {
        <div class="code-editor">
            <div class={classes!("code-frame", has_errors.then_some("invalid"))}>
                <div class="gutter" ref={gutter} aria-hidden="true">{ for gutter_lines }</div>
                <div class="code-area">
                    <pre class="code-backdrop" ref={backdrop} aria-hidden="true">{ for backdrop_runs }</pre>
                    <textarea
                        id={props.id.clone()}
                        ref={textarea}
                        class="code-input"
                        aria-label={props.label.clone()}
                        aria-invalid={if has_errors { "true" } else { "false" }}
                        aria-describedby={problems_id}
                        spellcheck="false"
                        autocomplete="off"
                        autocapitalize="off"
                        wrap="off"
                        value={props.value.to_string()}
                        {oninput}
                        {onscroll}
                    />
                </div>
            </div>
            { summary }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(start: usize, end: usize, is_error: bool) -> Problem {
        Problem { is_error, code: "x".into(), message: "m".into(), line: 1, column: start + 1, start, end }
    }

    fn render(segments: &[Segment]) -> String {
        segments
            .iter()
            .map(|s| match s.mark {
                None => s.text.clone(),
                Some(true) => format!("[{}]", s.text),
                Some(false) => format!("<{}>", s.text),
            })
            .collect()
    }

    #[test]
    fn problems_become_marked_runs() {
        let text = "{\"a\": 1,\n \"b\": x}";
        assert_eq!(render(&segments(text, &[])), format!("{text} "));
        assert_eq!(render(&segments(text, &[problem(15, 16, true)])), "{\"a\": 1,\n \"b\": [x]} ");
        assert_eq!(render(&segments(text, &[problem(1, 4, false)])), "{<\"a\">: 1,\n \"b\": x} ");
    }

    #[test]
    fn empty_ranges_still_show() {
        assert_eq!(render(&segments("ab", &[problem(1, 1, true)])), "a[b] ");
        assert_eq!(render(&segments("ab\n", &[problem(2, 2, true)])), "ab[ ]\n ");
        assert_eq!(render(&segments("ab", &[problem(9, 9, true)])), "ab[ ] ");
    }

    #[test]
    fn overlaps_and_multiline_ranges_are_trimmed() {
        let text = "{\n  \"x\": 1\n}";
        assert_eq!(render(&segments(text, &[problem(0, text.len(), true)])), "[{]\n  \"x\": 1\n} ");
        assert_eq!(render(&segments("abcdef", &[problem(0, 4, true), problem(2, 3, false)])), "[abcd]ef ");
        assert_eq!(render(&segments("é x", &[problem(1, 1, true)])), "[é] x ");
    }
}
