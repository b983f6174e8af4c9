//! Where each part of the JSON text Baton wrote came from in the user's text, and the
//! translation of the definition reader's places back there.

use std::rc::Rc;

use asl::Span;

use crate::node::Node;
use crate::text::{floor_boundary, locate_char, Lines};

/// How the bytes of a segment line up with the source.
#[derive(Clone, Debug)]
pub enum Mode {
    /// Made up or computed: any place inside is the whole source range.
    Whole,
    /// The same bytes as the source, from `src.0` on.
    Exact,
    /// The string's characters as they are (not JSON-escaped), from the `n`-th character of the
    /// scalar's value on.
    Chars(Rc<Node>, usize),
    /// The scalar written as a JSON string literal, quotes included.
    Json(Rc<Node>),
}

/// A run of the JSON text and where it came from.
#[derive(Clone, Debug)]
pub struct Seg {
    pub out: (usize, usize),
    pub src: (usize, usize),
    /// The segment that contains this one ([`NONE`] for the outermost ones).
    pub parent: usize,
    pub mode: Mode,
}

pub const NONE: usize = usize::MAX;

/// The segments of a JSON text in order of their start; containers before what they hold. An
/// empty map is the identity: the JSON text is the user's text.
#[derive(Clone, Debug, Default)]
pub struct SpanMap {
    pub segs: Vec<Seg>,
}

impl SpanMap {
    pub fn is_identity(&self) -> bool {
        self.segs.is_empty()
    }

    /// A span of the JSON text as a span of the source.
    pub fn translate(&self, json: &str, source: &str, lines: &Lines, span: Span) -> Span {
        let Some(seg) = innermost(&self.segs, span.start) else { return lines.span((0, 0)) };
        if seg.out == (span.start, span.end) || matches!(seg.mode, Mode::Whole) {
            return lines.span(seg.src);
        }
        let start = point(seg, json, source, span.start);
        let end = match span.end <= seg.out.1 {
            true => point(seg, json, source, span.end),
            false => seg.src.1,
        };
        lines.span((start, end.max(start)))
    }
}

/// The innermost segment holding `o`.
fn innermost(segs: &[Seg], o: usize) -> Option<&Seg> {
    let mut i = segs.partition_point(|s| s.out.0 <= o).checked_sub(1)?;
    loop {
        let seg = &segs[i];
        if o < seg.out.1 || (o == seg.out.1 && seg.out.0 == seg.out.1) {
            return Some(seg);
        }
        if seg.parent == NONE {
            // Past the end of a run with nothing around it: its end.
            return (o == seg.out.1).then_some(seg);
        }
        i = seg.parent;
    }
}

fn point(seg: &Seg, json: &str, source: &str, o: usize) -> usize {
    let o = o.clamp(seg.out.0, seg.out.1);
    match &seg.mode {
        Mode::Whole => seg.src.0,
        Mode::Exact => floor_boundary(source, (seg.src.0 + (o - seg.out.0)).min(seg.src.1)),
        Mode::Chars(node, first) => {
            let n = json.get(seg.out.0..o).map_or(0, |s| s.chars().count());
            scalar_char(source, node, first + n).unwrap_or(seg.src.0)
        }
        Mode::Json(node) => {
            if o <= seg.out.0 {
                return seg.src.0;
            }
            let end = o.min(seg.out.1.saturating_sub(1));
            let n = json.get(seg.out.0 + 1..end).map_or(0, json_chars);
            match (o >= seg.out.1, scalar_char(source, node, n)) {
                (true, _) => seg.src.1,
                (false, Some(at)) => at,
                (false, None) => seg.src.0,
            }
        }
    }
}

fn scalar_char(source: &str, node: &Node, n: usize) -> Option<usize> {
    locate_char(source, node.as_scalar()?, n)
}

/// Characters of a JSON string literal's inside, escapes counted once.
fn json_chars(raw: &str) -> usize {
    let bytes = raw.as_bytes();
    let (mut i, mut n) = (0, 0);
    while i < bytes.len() {
        i += match bytes[i] {
            b'\\' if bytes.get(i + 1) == Some(&b'u') => 6,
            b'\\' => 2,
            b => utf8_width(b),
        };
        n += 1;
    }
    n
}

pub fn utf8_width(b: u8) -> usize {
    match b {
        0xF0.. => 4,
        0xE0.. => 3,
        0xC0.. => 2,
        _ => 1,
    }
}

/// A text being put together from pieces of the source and computed parts, each piece
/// remembering where it came from.
#[derive(Clone, Debug, Default)]
pub struct Text {
    pub s: String,
    /// Pieces in order; each runs to the next one's start (the last to the end of `s`).
    pub pieces: Vec<Seg>,
}

impl Text {
    /// The characters of a scalar, mapped to where they are written.
    pub fn scalar(node: &Rc<Node>) -> Text {
        let mut text = Text::default();
        if let Some(s) = node.as_scalar() {
            text.push(&s.text.clone(), node.span, Mode::Chars(node.clone(), 0));
        }
        text
    }

    /// Computed text standing for the source range `src`.
    pub fn whole(s: &str, src: (usize, usize)) -> Text {
        let mut text = Text::default();
        text.push(s, src, Mode::Whole);
        text
    }

    pub fn push(&mut self, s: &str, src: (usize, usize), mode: Mode) {
        if s.is_empty() {
            return;
        }
        let at = self.s.len();
        self.s.push_str(s);
        self.pieces.push(Seg { out: (at, self.s.len()), src, parent: NONE, mode });
    }

    /// Appends `other[from..to]` with the places of its pieces.
    pub fn copy(&mut self, other: &Text, from: usize, to: usize) {
        if from >= to {
            return;
        }
        for piece in &other.pieces {
            let (a, b) = (piece.out.0.max(from), piece.out.1.min(to));
            if a >= b {
                continue;
            }
            let skipped = a - piece.out.0;
            let (src, mode) = match &piece.mode {
                Mode::Exact => ((piece.src.0 + skipped, piece.src.1), Mode::Exact),
                Mode::Chars(node, first) => {
                    let n = other.s[piece.out.0..a].chars().count();
                    (piece.src, Mode::Chars(node.clone(), first + n))
                }
                mode => (piece.src, mode.clone()),
            };
            self.push(&other.s[a..b], src, mode);
        }
    }

    pub fn append(&mut self, other: &Text) {
        self.copy(other, 0, other.s.len());
    }

    /// The source range of `self.s[from..to]`, as closely as the pieces tell.
    pub fn source_range(&self, source: &str, from: usize, to: usize) -> (usize, usize) {
        let Some(seg) = innermost(&self.pieces, from) else { return (0, 0) };
        let start = point(seg, &self.s, source, from);
        let end = match (&seg.mode, to <= seg.out.1) {
            (Mode::Whole, _) => seg.src.1,
            (_, true) => point(seg, &self.s, source, to),
            (_, false) => seg.src.1,
        };
        (start, end.max(start))
    }

    pub fn into_map(self) -> (String, SpanMap) {
        (self.s, SpanMap { segs: self.pieces })
    }
}
