//! Coordinates and edge routes for a ranked scope, recursively for containers.
//!
//! Horizontal placement solves, layer by layer, "stay as close as possible to the mean x of my
//! neighbours without overlapping" exactly, as an isotonic regression (pool-adjacent-violators).
//! A few down/up sweeps straighten chains and centre Choice fan-outs. Forward edges are
//! orthogonal: down from the source, a horizontal jog on its own track in the gap, down into the
//! target. Back edges (loops) run up a lane on the right; Retry loops sit on the left of the state.

use super::extract::{Scope, StateInfo};
use super::rank::{rank, Ranked};
use super::{Edge, EdgeKind, GraphLayout, Group, Node, NodeKind};
use crate::text::{bold_width, text_width};

const MARGIN: f64 = 20.0;
const NODE_H: f64 = 48.0;
const PILL_W: f64 = 72.0;
const PILL_H: f64 = 28.0;
const MIN_W: f64 = 132.0;
const MAX_W: f64 = 240.0;
const SEP: f64 = 32.0;
const DUMMY_SEP: f64 = 14.0;
const TRACK: f64 = 10.0;
const GAP_PAD: f64 = 16.0;
const LABEL_H: f64 = 18.0;
const LABEL_FONT: f64 = 11.0;
const CONTAINER_HEAD: f64 = 40.0;
const GROUP_HEAD: f64 = 22.0;
const GROUP_PAD: f64 = 14.0;
const LANE_GAP: f64 = 22.0;

/// A laid-out scope in local coordinates (origin at its top-left).
struct ScopeBox {
    w: f64,
    h: f64,
    nodes: Vec<Node>,
    edges: Vec<Edge>,
    groups: Vec<Group>,
}

pub(crate) fn layout(scope: &Scope) -> GraphLayout {
    let b = layout_scope(scope);
    let mut g = GraphLayout {
        width: b.w + 2.0 * MARGIN,
        height: b.h + 2.0 * MARGIN,
        nodes: b.nodes,
        edges: b.edges,
        groups: b.groups,
    };
    shift(&mut g.nodes, &mut g.edges, &mut g.groups, MARGIN, MARGIN);
    g
}

pub(crate) fn label_width(label: &str) -> f64 {
    text_width(label, LABEL_FONT) + 12.0
}

fn shift(nodes: &mut [Node], edges: &mut [Edge], groups: &mut [Group], dx: f64, dy: f64) {
    for n in nodes {
        n.x += dx;
        n.y += dy;
    }
    for e in edges {
        for p in &mut e.points {
            p.0 += dx;
            p.1 += dy;
        }
        if let Some(p) = &mut e.label_at {
            p.0 += dx;
            p.1 += dy;
        }
    }
    for g in groups {
        g.x += dx;
        g.y += dy;
    }
}

/// Size of a leaf box from its text; containers are sized by their content.
fn leaf_size(s: &StateInfo) -> (f64, f64) {
    match s.kind {
        NodeKind::Start | NodeKind::End => (PILL_W, PILL_H),
        _ => {
            let name = bold_width(&s.name, 13.0);
            let sub = text_width(&s.subtitle, 11.0) + if s.waits_for_token { 22.0 } else { 0.0 };
            ((name.max(sub) + 32.0).max(MIN_W).min(MAX_W), NODE_H)
        }
    }
}

/// Lay out children of a container side by side; returns its size and its content placed
/// relative to the container's top-left.
fn layout_container(s: &StateInfo, id: &str, depth: usize) -> (f64, f64, ScopeBox) {
    let mut content = ScopeBox { w: 0.0, h: 0.0, nodes: Vec::new(), edges: Vec::new(), groups: Vec::new() };
    let mut x = GROUP_PAD;
    let mut inner_h: f64 = 0.0;
    let mut boxes = Vec::new();
    for (label, child) in &s.children {
        let b = layout_scope(child);
        let gw = (b.w + 2.0 * GROUP_PAD).max(text_width(label, 11.0) + 2.0 * GROUP_PAD);
        inner_h = inner_h.max(b.h + GROUP_HEAD + GROUP_PAD);
        boxes.push((label.clone(), x, gw, b));
        x += gw + GROUP_PAD;
    }
    for (label, gx, gw, mut b) in boxes {
        let cx = gx + (gw - b.w) / 2.0;
        shift(&mut b.nodes, &mut b.edges, &mut b.groups, cx, CONTAINER_HEAD + GROUP_HEAD);
        content.groups.push(Group {
            owner: id.to_string(),
            label,
            depth: depth + 1,
            x: gx,
            y: CONTAINER_HEAD,
            w: gw,
            h: inner_h,
        });
        content.nodes.extend(b.nodes);
        content.edges.extend(b.edges);
        content.groups.extend(b.groups);
    }
    let (lw, _) = leaf_size(s);
    let w = x.max(lw);
    let h = CONTAINER_HEAD + inner_h + GROUP_PAD;
    // Centre the groups when the title is wider than the content.
    if w > x {
        let dx = (w - x) / 2.0;
        shift(&mut content.nodes, &mut content.edges, &mut content.groups, dx, 0.0);
    }
    (w, h, content)
}

fn layout_scope(scope: &Scope) -> ScopeBox {
    let n = scope.states.len();
    let ranked = rank(scope);
    let nv = ranked.vnodes.len();

    // Sizes and nested content of real nodes.
    let mut size = vec![(0.0, 0.0); n];
    let mut inner: Vec<Option<ScopeBox>> = Vec::with_capacity(n);
    for (i, s) in scope.states.iter().enumerate() {
        let id = format!("{}{}", scope.prefix, s.name);
        if s.children.is_empty() {
            size[i] = leaf_size(s);
            inner.push(None);
        } else {
            let (w, h, b) = layout_container(s, &id, scope.depth);
            size[i] = (w, h);
            inner.push(Some(b));
        }
    }

    // Labels entering each target from above, stacked (k-th label sits k rows higher).
    let mut label_slot = vec![0usize; scope.edges.len()];
    let mut labels_into = vec![0usize; n];
    let mut label_need = vec![0.0f64; n];
    for (e, edge) in scope.edges.iter().enumerate() {
        if ranked.back[e] || edge.to >= n {
            continue;
        }
        if let Some(l) = &edge.label {
            label_slot[e] = labels_into[edge.to];
            labels_into[edge.to] += 1;
            label_need[edge.to] = label_need[edge.to].max(label_width(l) / 2.0 + 4.0);
        }
    }

    // Horizontal extents around each vnode's centre.
    let mut left = vec![6.0; nv];
    let mut right = vec![6.0; nv];
    for i in 0..n {
        let half = size[i].0 / 2.0;
        left[i] = half.max(label_need[i]);
        right[i] = half.max(label_need[i]);
        if let Some((l, _)) = &scope.states[i].retry {
            left[i] = left[i].max(half + 30.0 + label_width(l));
        }
    }

    let xs = place_x(&ranked, &left, &right, n);
    let min_x = (0..nv).map(|v| xs[v] - left[v]).fold(f64::INFINITY, f64::min);
    let min_x = if min_x.is_finite() { min_x } else { 0.0 };
    let cx: Vec<f64> = xs.iter().map(|x| x - min_x).collect();

    // Exit/entry points spread along the bottom/top edges of real nodes.
    let segs = segments(&ranked);
    let (exit_x, entry_x) = ports(&segs, &cx, &size, n);

    // Vertical: layer heights, then gaps sized by their jog tracks and labels.
    let layers = &ranked.layers;
    let layer_h: Vec<f64> = layers
        .iter()
        .map(|l| l.iter().filter(|&&v| v < n).map(|&v| size[v].1).fold(PILL_H, f64::max))
        .collect();
    let mut tracks: Vec<Vec<(usize, usize)>> = vec![Vec::new(); layers.len()]; // per gap: (seg, track)
    let mut n_tracks = vec![0usize; layers.len()];
    // Each gap's segments, in segment order, found in one pass rather than a pass per gap.
    let mut leaving_layer: Vec<Vec<usize>> = vec![Vec::new(); layers.len()];
    for (k, s) in segs.iter().enumerate() {
        if let Some(gap) = leaving_layer.get_mut(ranked.vnodes[s.a].layer) {
            gap.push(k);
        }
    }
    for (l, gap) in tracks.iter_mut().enumerate() {
        let jogs: Vec<(f64, f64, usize)> = leaving_layer[l]
            .iter()
            .copied()
            .filter_map(|k| {
                let (xa, xb) = (exit_x[k], entry_x[k]);
                ((xa - xb).abs() > 0.5).then(|| (xa.min(xb), xa.max(xb), k))
            })
            .collect();
        let mut order: Vec<usize> = (0..jogs.len()).collect();
        sort::positions_by(&mut order, |a, b| {
            jogs[a].0.total_cmp(&jogs[b].0).then(jogs[a].2.cmp(&jogs[b].2))
        });
        let mut ends: Vec<f64> = Vec::new();
        for (lo, hi, k) in order.into_iter().map(|j| jogs[j]) {
            let t = match ends.iter().position(|&e| e + 8.0 < lo) {
                Some(t) => t,
                None => {
                    ends.push(f64::NEG_INFINITY);
                    ends.len() - 1
                }
            };
            ends[t] = hi;
            gap.push((k, t));
        }
        n_tracks[l] = ends.len();
    }
    let mut layer_y = vec![0.0; layers.len()];
    let mut y = 0.0;
    for l in 0..layers.len() {
        layer_y[l] = y;
        y += layer_h[l];
        if l + 1 < layers.len() {
            let stacked =
                layers[l + 1].iter().filter(|&&v| v < n).map(|&v| labels_into[v]).max().unwrap_or(0);
            let gap = 2.0 * GAP_PAD + n_tracks[l] as f64 * TRACK + stacked as f64 * LABEL_H;
            y += gap.max(40.0);
        }
    }
    let height = y;
    let track_y = |l: usize, t: usize| layer_y[l] + layer_h[l] + GAP_PAD + t as f64 * TRACK;
    let mut seg_track = vec![None; segs.len()];
    for (l, gap) in tracks.iter().enumerate() {
        for &(k, t) in gap {
            seg_track[k] = Some(track_y(l, t));
        }
    }

    // Build nodes.
    let mut out = ScopeBox { w: 0.0, h: height, nodes: Vec::new(), edges: Vec::new(), groups: Vec::new() };
    let mut order: Vec<usize> = layers.iter().flatten().copied().filter(|&v| v < n).collect();
    sort::positions_by_key(&mut order, |v| (ranked.vnodes[v].layer, v));
    let node_x = |i: usize| cx[i] - size[i].0 / 2.0;
    let node_y = |i: usize| layer_y[ranked.vnodes[i].layer];
    let ids: Vec<String> = scope.states.iter().map(|s| node_id(scope, s)).collect();
    for &i in &order {
        let s = &scope.states[i];
        out.nodes.push(Node {
            id: ids[i].clone(),
            name: s.name.clone(),
            kind: s.kind,
            state_type: s.state_type.clone(),
            subtitle: s.subtitle.clone(),
            waits_for_token: s.waits_for_token,
            is_start: s.is_start,
            is_end: s.is_end,
            is_container: !s.children.is_empty(),
            depth: scope.depth,
            x: node_x(i),
            y: node_y(i),
            w: size[i].0,
            h: size[i].1,
        });
        if let Some(mut b) = inner[i].take() {
            shift(&mut b.nodes, &mut b.edges, &mut b.groups, node_x(i), node_y(i));
            out.nodes.extend(b.nodes);
            out.edges.extend(b.edges);
            out.groups.extend(b.groups);
        }
    }
    let mut width = (0..nv).map(|v| cx[v] + right[v]).fold(0.0, f64::max);

    // Forward edges: follow the vnode chain.
    // Indexed once: a search per segment made a 20,000-state chain take seconds.
    let mut seg_index: std::collections::HashMap<(usize, usize, usize), usize> =
        std::collections::HashMap::new();
    for (k, s) in segs.iter().enumerate() {
        seg_index.entry((s.a, s.b, s.edge)).or_insert(k);
    }
    let seg_of = |a: usize, b: usize, e: usize| seg_index.get(&(a, b, e)).copied();
    for (e, edge) in scope.edges.iter().enumerate() {
        if ranked.back[e] || edge.from >= n || edge.to >= n {
            continue;
        }
        let chain = &ranked.chains[e];
        let mut pts: Vec<(f64, f64)> = Vec::new();
        for w in chain.windows(2) {
            let Some(k) = seg_of(w[0], w[1], e) else { continue };
            let (a, b) = (w[0], w[1]);
            let la = ranked.vnodes[a].layer;
            let start_y = if a < n { node_y(a) + size[a].1 } else { layer_y[la] + layer_h[la] };
            if pts.is_empty() {
                pts.push((exit_x[k], start_y));
            } else {
                pts.push((exit_x[k], layer_y[la] + layer_h[la]));
            }
            if let Some(ty) = seg_track[k] {
                pts.push((exit_x[k], ty));
                pts.push((entry_x[k], ty));
            }
            let lb = ranked.vnodes[b].layer;
            pts.push((entry_x[k], layer_y[lb]));
        }
        let end = pts.last().copied().unwrap_or((0.0, 0.0));
        let (label_at, label_w) = match &edge.label {
            Some(l) => {
                let lw = label_width(l);
                let y = end.1 - 17.0 - label_slot[e] as f64 * LABEL_H;
                (Some((end.0, y)), lw)
            }
            None => (None, 0.0),
        };
        out.edges.push(Edge {
            from: ids[edge.from].clone(),
            to: ids[edge.to].clone(),
            kind: edge.kind,
            label: edge.label.clone(),
            detail: edge.detail.clone(),
            back: false,
            points: simplify(pts),
            label_at,
            label_w,
        });
    }

    // Back edges: out of the source's right side, up a lane, into the target's right side.
    let mut lanes: Vec<(f64, f64, f64)> = Vec::new(); // (top, bottom, right edge incl. label)
                                                      // The right edge of each layer, once (a scan of every crossed layer per back edge was
                                                      // quadratic in a definition where every state catches to every other).
    let layer_right: Vec<f64> = layers
        .iter()
        .map(|l| l.iter().map(|&v| cx[v] + right[v]).fold(f64::NEG_INFINITY, f64::max))
        .collect();
    for (e, edge) in scope.edges.iter().enumerate() {
        if !ranked.back[e] || edge.from >= n || edge.to >= n {
            continue;
        }
        let (s, t) = (edge.from, edge.to);
        let (ls, lt) = (ranked.vnodes[s].layer, ranked.vnodes[t].layer);
        let (lo, hi) = (ls.min(lt), ls.max(lt));
        let mut lane =
            layer_right[lo..=hi].iter().copied().fold(cx[s] + size[s].0 / 2.0, f64::max) + LANE_GAP;
        let sy = node_y(s) + size[s].1 * 0.62;
        let ty = node_y(t) + size[t].1 * 0.38;
        let (top, bottom) = (ty.min(sy), ty.max(sy));
        for &(lt_, lb, lr) in &lanes {
            if lt_ <= bottom + 4.0 && top <= lb + 4.0 {
                lane = lane.max(lr + 12.0);
            }
        }
        let lw = edge.label.as_ref().map(|l| label_width(l)).unwrap_or(0.0);
        let label_at = edge.label.as_ref().map(|_| (lane + 6.0 + lw / 2.0, (sy + ty) / 2.0));
        lanes.push((top, bottom, lane + if lw > 0.0 { lw + 8.0 } else { 0.0 }));
        width = width.max(lane + 8.0 + lw);
        let pts = vec![(cx[s] + size[s].0 / 2.0, sy), (lane, sy), (lane, ty), (cx[t] + size[t].0 / 2.0, ty)];
        out.edges.push(Edge {
            from: ids[s].clone(),
            to: ids[t].clone(),
            kind: edge.kind,
            label: edge.label.clone(),
            detail: edge.detail.clone(),
            back: true,
            points: pts,
            label_at,
            label_w: lw,
        });
    }

    // Retry self-loops on the left side.
    for (i, s) in scope.states.iter().enumerate() {
        let Some((label, detail)) = &s.retry else { continue };
        let (x, y, h) = (node_x(i), node_y(i), size[i].1);
        let lw = label_width(label);
        let loop_x = x - 22.0;
        out.edges.push(Edge {
            from: ids[i].clone(),
            to: ids[i].clone(),
            kind: EdgeKind::Retry,
            label: Some(label.clone()),
            detail: Some(detail.clone()),
            back: false,
            points: vec![
                (x, y + h * 0.25),
                (loop_x, y + h * 0.25),
                (loop_x, y + h * 0.75),
                (x, y + h * 0.75),
            ],
            label_at: Some((loop_x - 6.0 - lw / 2.0, y + h * 0.5)),
            label_w: lw,
        });
    }
    out.w = width;
    out
}

fn node_id(scope: &Scope, s: &StateInfo) -> String {
    match s.kind {
        NodeKind::Start => format!("{}<start>", scope.prefix),
        NodeKind::End => format!("{}<end>", scope.prefix),
        NodeKind::Missing => format!("{}?{}", scope.prefix, s.name),
        NodeKind::State => format!("{}{}", scope.prefix, s.name),
    }
}

/// One layer-to-next-layer piece of a forward edge.
struct Seg {
    a: usize,
    b: usize,
    edge: usize,
}

fn segments(r: &Ranked) -> Vec<Seg> {
    let mut segs = Vec::new();
    for (e, chain) in r.chains.iter().enumerate() {
        for w in chain.windows(2) {
            segs.push(Seg { a: w[0], b: w[1], edge: e });
        }
    }
    segs
}

/// Exit x (on the source) and entry x (on the target) per segment. Several edges leaving one
/// box are spread along its bottom in the order of where they go, so they do not overlap.
fn ports(segs: &[Seg], cx: &[f64], size: &[(f64, f64)], n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut exit: Vec<f64> = segs.iter().map(|s| cx[s.a]).collect();
    let mut entry: Vec<f64> = segs.iter().map(|s| cx[s.b]).collect();
    // Each box's segments, in segment order, found in one pass rather than a pass per box.
    let (mut leaving, mut arriving) = (vec![Vec::new(); n], vec![Vec::new(); n]);
    for (k, s) in segs.iter().enumerate() {
        if s.a < n {
            leaving[s.a].push(k);
        }
        if s.b < n {
            arriving[s.b].push(k);
        }
    }
    for v in 0..n {
        for outgoing in [true, false] {
            let mut mine: Vec<usize> = if outgoing { leaving[v].clone() } else { arriving[v].clone() };
            if mine.len() < 2 {
                continue;
            }
            let other = |k: usize| if outgoing { cx[segs[k].b] } else { cx[segs[k].a] };
            sort::positions_by(&mut mine, |p, q| other(p).total_cmp(&other(q)).then(p.cmp(&q)));
            let m = mine.len() as f64;
            let step = ((size[v].0 - 32.0) / (m - 1.0)).max(0.0).min(22.0);
            for (j, &k) in mine.iter().enumerate() {
                let x = cx[v] + (j as f64 - (m - 1.0) / 2.0) * step;
                if outgoing {
                    exit[k] = x;
                } else {
                    entry[k] = x;
                }
            }
        }
    }
    (exit, entry)
}

/// Drop points that sit on a straight line between their neighbours, and duplicates.
fn simplify(pts: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(pts.len());
    for p in pts {
        if let Some(&last) = out.last() {
            if (last.0 - p.0).abs() < 0.01 && (last.1 - p.1).abs() < 0.01 {
                continue;
            }
        }
        if out.len() >= 2 {
            let a = out[out.len() - 2];
            let b = out[out.len() - 1];
            let same_x = (a.0 - b.0).abs() < 0.01 && (b.0 - p.0).abs() < 0.01;
            let same_y = (a.1 - b.1).abs() < 0.01 && (b.1 - p.1).abs() < 0.01;
            if same_x || same_y {
                out.pop();
            }
        }
        out.push(p);
    }
    out
}

/// Centre x of every vnode: initial packing, then alternating sweeps toward neighbours' means.
fn place_x(r: &Ranked, left: &[f64], right: &[f64], n: usize) -> Vec<f64> {
    let nv = r.vnodes.len();
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); nv];
    let mut succs: Vec<Vec<usize>> = vec![Vec::new(); nv];
    for chain in &r.chains {
        for w in chain.windows(2) {
            succs[w[0]].push(w[1]);
            preds[w[1]].push(w[0]);
        }
    }
    let sep = |a: usize, b: usize| if a < n && b < n { SEP } else { DUMMY_SEP };
    let mut x = vec![0.0; nv];
    for layer in &r.layers {
        let mut cur = 0.0;
        for (i, &v) in layer.iter().enumerate() {
            if i > 0 {
                cur += right[layer[i - 1]] + sep(layer[i - 1], v) + left[v];
            }
            x[v] = cur;
        }
        let mid = cur / 2.0;
        for &v in layer {
            x[v] -= mid;
        }
    }
    let passes: [u8; 5] = [0, 1, 0, 1, 2]; // down, up, down, up, both
    for pass in passes {
        let order: Vec<usize> =
            if pass == 1 { (0..r.layers.len()).rev().collect() } else { (0..r.layers.len()).collect() };
        for l in order {
            let layer = &r.layers[l];
            let desired: Vec<f64> = layer
                .iter()
                .map(|&v| {
                    let nb: Vec<usize> = match pass {
                        0 => preds[v].clone(),
                        1 => succs[v].clone(),
                        _ => preds[v].iter().chain(succs[v].iter()).copied().collect(),
                    };
                    if nb.is_empty() {
                        x[v]
                    } else {
                        nb.iter().map(|&u| x[u]).sum::<f64>() / nb.len() as f64
                    }
                })
                .collect();
            let gaps: Vec<f64> = (0..layer.len())
                .map(|i| {
                    if i == 0 {
                        0.0
                    } else {
                        right[layer[i - 1]] + sep(layer[i - 1], layer[i]) + left[layer[i]]
                    }
                })
                .collect();
            let placed = isotonic(&desired, &gaps);
            for (i, &v) in layer.iter().enumerate() {
                x[v] = placed[i];
            }
        }
    }
    x
}

/// Closest positions (least squares) to `desired` such that `x[i] - x[i-1] >= gaps[i]`.
/// Substituting `y[i] = x[i] - offset[i]` turns it into isotonic regression, solved by
/// pool-adjacent-violators in linear time.
fn isotonic(desired: &[f64], gaps: &[f64]) -> Vec<f64> {
    let mut offset = Vec::with_capacity(desired.len());
    let mut acc = 0.0;
    for g in gaps {
        acc += g;
        offset.push(acc);
    }
    // Blocks of (sum, count).
    let mut blocks: Vec<(f64, f64, usize)> = Vec::new();
    for (i, d) in desired.iter().enumerate() {
        blocks.push((d - offset[i], 1.0, 1));
        while blocks.len() >= 2 {
            let b = blocks[blocks.len() - 1];
            let a = blocks[blocks.len() - 2];
            if a.0 / a.1 > b.0 / b.1 {
                blocks.pop();
                blocks.pop();
                blocks.push((a.0 + b.0, a.1 + b.1, a.2 + b.2));
            } else {
                break;
            }
        }
    }
    let mut out = Vec::with_capacity(desired.len());
    for (sum, cnt, len) in blocks {
        for _ in 0..len {
            out.push(sum / cnt + offset[out.len()]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isotonic_respects_gaps() {
        let x = isotonic(&[0.0, 0.0, 0.0], &[0.0, 10.0, 10.0]);
        assert_eq!(x, vec![-10.0, 0.0, 10.0]);
        let x = isotonic(&[0.0, 100.0], &[0.0, 10.0]);
        assert_eq!(x, vec![0.0, 100.0]);
    }
}
