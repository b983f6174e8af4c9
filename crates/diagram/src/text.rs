//! Text helpers shared by both diagrams: width estimates, truncation, escaping, number formatting.
//!
//! Layout runs without a browser, so text cannot be measured. We estimate widths from a per-glyph
//! table tuned for a proportional sans-serif (system-ui / Helvetica-like); estimates err on the wide
//! side so boxes never clip their labels.

/// Estimated width in px of `s` rendered at `font_px` in a proportional sans-serif font.
pub(crate) fn text_width(s: &str, font_px: f64) -> f64 {
    let em: f64 = s.chars().map(glyph_em).sum();
    em * font_px * SCALE
}

/// Fonts differ between machines (DejaVu Sans on Linux is wide); pad estimates so labels fit.
const SCALE: f64 = 1.08;

/// Same as [`text_width`] for bold text (about 7% wider).
pub(crate) fn bold_width(s: &str, font_px: f64) -> f64 {
    text_width(s, font_px) * 1.07
}

fn glyph_em(c: char) -> f64 {
    match c {
        'i' | 'l' | 'j' | '|' | '\'' | '.' | ',' | ':' | ';' | '!' => 0.28,
        'f' | 't' | 'r' | 'I' | '(' | ')' | '[' | ']' | ' ' | '"' | '`' => 0.36,
        'm' | 'w' | 'M' | 'W' | '@' | '%' => 0.88,
        '…' => 0.9,
        'A'..='Z' => 0.68,
        '0'..='9' => 0.58,
        c if c.is_ascii() => 0.55,
        // CJK and other wide scripts.
        c if (c as u32) >= 0x2E80 => 1.0,
        _ => 0.62,
    }
}

/// Cut `s` so its estimated width fits `max_px`, ending in "…" when shortened.
pub(crate) fn fit(s: &str, font_px: f64, max_px: f64) -> String {
    if text_width(s, font_px) <= max_px {
        return s.to_string();
    }
    let budget = max_px - text_width("…", font_px);
    let mut out = String::new();
    let mut used = 0.0;
    for c in s.chars() {
        let w = glyph_em(c) * font_px * SCALE;
        if used + w > budget {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// Keep at most `n` characters, marking a cut with "…".
pub(crate) fn clip_chars(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_string();
    }
    let mut out: String = s.chars().take(n.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Escape text for XML content and attribute values. Control characters (invalid in XML 1.0)
/// are dropped so a hostile state name cannot make the SVG unparsable.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Format a coordinate compactly and deterministically: at most one decimal, no "-0".
///
/// In tenths with integers: formatting the `f64` itself would put std's float printer in the web
/// app's download for this one job.
pub(crate) fn num(v: f64) -> String {
    if !v.is_finite() {
        return "0".to_string();
    }
    let tenths = (v * 10.0).round() as i64;
    let sign = if tenths < 0 { "-" } else { "" };
    match (tenths.unsigned_abs() / 10, tenths.unsigned_abs() % 10) {
        (whole, 0) => format!("{sign}{whole}"),
        (whole, tenth) => format!("{sign}{whole}.{tenth}"),
    }
}

/// Replace characters that are awkward in one-line labels (newlines, tabs) with spaces.
pub(crate) fn one_line(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_shortens_with_ellipsis() {
        let s = fit("AVeryLongStateNameThatGoesOnAndOn", 13.0, 80.0);
        assert!(s.ends_with('…'));
        assert!(text_width(&s, 13.0) <= 80.0 + 0.001);
        assert_eq!(fit("Ok", 13.0, 80.0), "Ok");
    }

    #[test]
    fn escapes_markup_and_controls() {
        assert_eq!(esc("a<b>&\"'\u{1}"), "a&lt;b&gt;&amp;&quot;&#39;");
    }

    #[test]
    fn numbers_are_compact() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.04), "12");
        assert_eq!(num(-0.01), "0");
        assert_eq!(num(3.25), "3.3");
        assert_eq!(num(f64::NAN), "0");
    }
}
