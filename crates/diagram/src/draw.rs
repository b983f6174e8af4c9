//! Small SVG drawing helpers shared by both diagrams.
//!
//! Arrowheads are drawn as explicit triangles rather than `<marker>`s: markers need document-wide
//! ids, which clash when the app shows two diagrams on one page.

use crate::text::num;

/// Path data for an orthogonal polyline with corners rounded by `radius` (clamped to fit).
pub(crate) fn rounded_path(points: &[(f64, f64)], radius: f64) -> String {
    let mut d = String::new();
    let Some(&(x0, y0)) = points.first() else { return d };
    d.push_str(&format!("M{},{}", num(x0), num(y0)));
    for i in 1..points.len() {
        let p = points[i];
        if i + 1 < points.len() {
            let prev = points[i - 1];
            let next = points[i + 1];
            let len_in = dist(prev, p);
            let len_out = dist(p, next);
            let r = radius.min(len_in / 2.0).min(len_out / 2.0);
            if r > 0.5 {
                let a = toward(p, prev, r);
                let b = toward(p, next, r);
                d.push_str(&format!(
                    " L{},{} Q{},{} {},{}",
                    num(a.0),
                    num(a.1),
                    num(p.0),
                    num(p.1),
                    num(b.0),
                    num(b.1)
                ));
                continue;
            }
        }
        d.push_str(&format!(" L{},{}", num(p.0), num(p.1)));
    }
    d
}

fn dist(a: (f64, f64), b: (f64, f64)) -> f64 {
    ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
}

/// The point `r` px from `from` toward `to`.
fn toward(from: (f64, f64), to: (f64, f64), r: f64) -> (f64, f64) {
    let d = dist(from, to);
    if d < 1e-9 {
        return from;
    }
    (from.0 + (to.0 - from.0) * r / d, from.1 + (to.1 - from.1) * r / d)
}

/// A filled triangle with its tip at `tip`, pointing away from `from`.
pub(crate) fn arrowhead(from: (f64, f64), tip: (f64, f64), size: f64) -> String {
    let d = dist(from, tip);
    let (ux, uy) = if d < 1e-9 { (0.0, 1.0) } else { ((tip.0 - from.0) / d, (tip.1 - from.1) / d) };
    let bx = tip.0 - ux * size;
    let by = tip.1 - uy * size;
    let (px, py) = (-uy * size * 0.45, ux * size * 0.45);
    format!(
        "M{},{} L{},{} L{},{} Z",
        num(tip.0),
        num(tip.1),
        num(bx + px),
        num(by + py),
        num(bx - px),
        num(by - py)
    )
}

/// Shorten the last segment of `points` by `by` px so a line ends at an arrowhead's base.
pub(crate) fn trim_end(points: &[(f64, f64)], by: f64) -> Vec<(f64, f64)> {
    let mut pts = points.to_vec();
    let n = pts.len();
    if n >= 2 {
        let (a, b) = (pts[n - 2], pts[n - 1]);
        let d = dist(a, b);
        if d > by {
            pts[n - 1] = toward(b, a, by);
        }
    }
    pts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_rounds_corners() {
        let d = rounded_path(&[(0.0, 0.0), (0.0, 20.0), (20.0, 20.0)], 6.0);
        assert_eq!(d, "M0,0 L0,14 Q0,20 6,20 L20,20");
        assert_eq!(rounded_path(&[], 6.0), "");
    }

    #[test]
    fn arrow_points_down() {
        assert_eq!(arrowhead((0.0, 0.0), (0.0, 10.0), 8.0), "M0,10 L-3.6,2 L3.6,2 Z");
    }
}
