//! "About this example": the example's explanation (a short Markdown file next to it in
//! `examples/`) in a dialog. Only the Markdown those files use is understood: a heading,
//! paragraphs, "- " lists, `code` and **bold**.

use yew::prelude::*;

use super::modal::Modal;

use crate::examples::Example;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Inline {
    Text(String),
    Code(String),
    Bold(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    Heading(String),
    Paragraph(Vec<Inline>),
    List(Vec<Vec<Inline>>),
}

/// Splits a line into text, `code` and **bold** runs; an unclosed marker is kept as text.
pub fn inlines(text: &str) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let code = rest.find('`');
        let bold = rest.find("**");
        let (at, marker, make): (usize, &str, fn(String) -> Inline) = match (code, bold) {
            (Some(c), Some(b)) if b < c => (b, "**", Inline::Bold),
            (Some(c), _) => (c, "`", Inline::Code),
            (None, Some(b)) => (b, "**", Inline::Bold),
            (None, None) => break,
        };
        let after = &rest[at + marker.len()..];
        let Some(end) = after.find(marker) else { break };
        if at > 0 {
            out.push(Inline::Text(rest[..at].to_string()));
        }
        out.push(make(after[..end].to_string()));
        rest = &after[end + marker.len()..];
    }
    if !rest.is_empty() {
        out.push(Inline::Text(rest.to_string()));
    }
    out
}

/// The blocks of a small Markdown text. List items and paragraphs may wrap over several lines.
pub fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let mut items: Vec<String> = Vec::new();
    let flush = |out: &mut Vec<Block>, paragraph: &mut Vec<&str>, items: &mut Vec<String>| {
        if !paragraph.is_empty() {
            out.push(Block::Paragraph(inlines(&paragraph.join(" "))));
            paragraph.clear();
        }
        if !items.is_empty() {
            out.push(Block::List(items.iter().map(|i| inlines(i)).collect()));
            items.clear();
        }
    };
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            flush(&mut out, &mut paragraph, &mut items);
        } else if let Some(heading) = trimmed.strip_prefix('#') {
            flush(&mut out, &mut paragraph, &mut items);
            out.push(Block::Heading(heading.trim_start_matches('#').trim().to_string()));
        } else if let Some(item) = trimmed.strip_prefix("- ") {
            if !paragraph.is_empty() {
                let mut none = Vec::new();
                flush(&mut out, &mut paragraph, &mut none);
            }
            items.push(item.to_string());
        } else if let Some(last) = items.last_mut().filter(|_| line.starts_with(' ')) {
            last.push(' ');
            last.push_str(trimmed);
        } else {
            if !items.is_empty() {
                let mut none = Vec::new();
                flush(&mut out, &mut none, &mut items);
            }
            paragraph.push(trimmed);
        }
    }
    flush(&mut out, &mut paragraph, &mut items);
    out
}

fn render_inlines(inlines: &[Inline]) -> Html {
    inlines
        .iter()
        .map(|i| match i {
            Inline::Text(t) => html! { { t.clone() } },
            Inline::Code(c) => html! { <code>{ c.clone() }</code> },
            Inline::Bold(b) => html! { <strong>{ b.clone() }</strong> },
        })
        .collect()
}

/// The dialog: its close button takes the focus.
pub fn about_dialog(example: &'static Example, on_close: Callback<()>) -> Html {
    let content = blocks(example.explanation)
        .into_iter()
        // The dialog has its own title.
        .filter(|b| !matches!(b, Block::Heading(_)))
        .map(|b| match b {
            Block::Heading(h) => html! { <h3>{ h }</h3> },
            Block::Paragraph(p) => html! { <p>{ render_inlines(&p) }</p> },
            Block::List(items) => html! {
                <ul>{ for items.iter().map(|i| html! { <li>{ render_inlines(i) }</li> }) }</ul>
            },
        });
    html! {
        <Modal labelled_by="about-title" focus="about-close" on_close={on_close.clone()}>
            <header class="modal-head">
                <h2 id="about-title">{ example.title }</h2>
                <button type="button" id="about-close" class="btn btn-small btn-quiet" aria-label="Close"
                    onclick={on_close.reform(|_: MouseEvent| ())}>
                    { "✕" }
                </button>
            </header>
            <div class="modal-body prose">
                { for content }
                <p class="muted">{ "The bullets are scenarios to try: play the external system in the token inbox." }</p>
            </div>
        </Modal>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Inline {
        Inline::Text(s.into())
    }

    #[test]
    fn inline_markers() {
        assert_eq!(inlines("plain"), vec![text("plain")]);
        assert_eq!(
            inlines("a `b` and **c**."),
            vec![text("a "), Inline::Code("b".into()), text(" and "), Inline::Bold("c".into()), text(".")]
        );
        assert_eq!(inlines("open `tick"), vec![text("open `tick")]);
    }

    #[test]
    fn blocks_of_an_example_readme() {
        let md = "# Title\n\nOne\ntwo.\n\n- **a**: x\n  y\n- b\n\nAfter.\n";
        assert_eq!(
            blocks(md),
            vec![
                Block::Heading("Title".into()),
                Block::Paragraph(vec![text("One two.")]),
                Block::List(vec![vec![Inline::Bold("a".into()), text(": x y")], vec![text("b")]]),
                Block::Paragraph(vec![text("After.")]),
            ]
        );
    }

    #[test]
    fn every_shipped_explanation_has_a_paragraph() {
        for e in crate::examples::at_hand() {
            assert!(blocks(e.explanation).iter().any(|b| matches!(b, Block::Paragraph(_))), "{}", e.slug);
        }
    }
}
