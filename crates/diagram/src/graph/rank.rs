//! Layering and ordering of one scope (the first two steps of a Sugiyama-style layout).
//!
//! 1. A depth-first search from the entry marks back edges; loops (Choice → earlier state) are
//!    common and must not break layering.
//! 2. Layers by longest path over the remaining edges (Next, Default, Choice and Catch).
//! 3. Edges spanning several layers get one dummy node per crossed layer so they route around
//!    boxes instead of through them.
//! 4. A few barycentre sweeps reorder each layer to reduce crossings; the best order seen wins.
//!
//! Everything is index-based and iterates in definition order, so output is deterministic.

use super::extract::Scope;
use super::NodeKind;

/// A node of the layered graph: a real state (ids below the state count) or a dummy on a long edge.
#[derive(Debug, Clone)]
pub(crate) struct VNode {
    pub layer: usize,
}

#[derive(Debug, Clone)]
pub(crate) struct Ranked {
    /// Per raw edge: does it point back up (a loop, or a self-transition)?
    pub back: Vec<bool>,
    /// Real nodes first (vnode `i` is state `i`), then dummies.
    pub vnodes: Vec<VNode>,
    /// Vnode ids per layer, left to right.
    pub layers: Vec<Vec<usize>>,
    /// Per raw edge: the vnode path from source to target (empty for back edges).
    pub chains: Vec<Vec<usize>>,
}

pub(crate) fn rank(scope: &Scope) -> Ranked {
    let n = scope.states.len();
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (e, edge) in scope.edges.iter().enumerate() {
        if edge.from < n && edge.to < n {
            out[edge.from].push(e);
        }
    }
    let (back, preorder) = find_back_edges(scope, &out);
    let layer = longest_path(scope, &back);

    let mut vnodes: Vec<VNode> = (0..n).map(|i| VNode { layer: layer[i] }).collect();
    let mut chains = vec![Vec::new(); scope.edges.len()];
    for (e, edge) in scope.edges.iter().enumerate() {
        if back[e] || edge.from >= n || edge.to >= n {
            continue;
        }
        let mut chain = vec![edge.from];
        for l in layer[edge.from] + 1..layer[edge.to] {
            vnodes.push(VNode { layer: l });
            chain.push(vnodes.len() - 1);
        }
        chain.push(edge.to);
        chains[e] = chain;
    }

    let depth = vnodes.iter().map(|v| v.layer + 1).max().unwrap_or(0);
    // Initial order: depth-first discovery; dummies follow their edge's source.
    let mut key: Vec<(usize, usize)> = vec![(usize::MAX, 0); vnodes.len()];
    for (rank, &i) in preorder.iter().enumerate() {
        key[i] = (rank, 0);
    }
    for (e, chain) in chains.iter().enumerate() {
        let base = chain.first().map(|&s| key[s].0).unwrap_or(0);
        for &d in chain.iter().skip(1).take(chain.len().saturating_sub(2)) {
            key[d] = (base, e + 1);
        }
    }
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); depth];
    for (v, vn) in vnodes.iter().enumerate() {
        layers[vn.layer].push(v);
    }
    for l in &mut layers {
        sort::positions_by_key(l, |v| (key[v], v));
    }
    let segs: Vec<(usize, usize)> = chains.iter().flat_map(|c| c.windows(2).map(|w| (w[0], w[1]))).collect();
    let layers = reduce_crossings(layers, &segs, vnodes.len());
    Ranked { back, vnodes, layers, chains }
}

/// Iterative DFS (no recursion: a 5,000-state chain must not overflow the wasm stack).
/// Returns back-edge flags and the preorder of states.
fn find_back_edges(scope: &Scope, out: &[Vec<usize>]) -> (Vec<bool>, Vec<usize>) {
    let n = scope.states.len();
    let mut back = vec![false; scope.edges.len()];
    let mut color = vec![0u8; n]; // 0 new, 1 on stack, 2 done
    let mut preorder = Vec::with_capacity(n);
    // Roots: Start pseudo node, then the scope's entry, then everything else in definition order.
    let mut roots: Vec<usize> = Vec::new();
    roots.extend((0..n).filter(|&i| scope.states[i].kind == NodeKind::Start));
    roots.extend((0..n).filter(|&i| scope.states[i].is_start));
    roots.extend(0..n);
    for root in roots {
        if color[root] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        color[root] = 1;
        preorder.push(root);
        while let Some(top) = stack.last_mut() {
            let (v, next) = *top;
            if next < out[v].len() {
                top.1 += 1;
                let e = out[v][next];
                let w = scope.edges[e].to;
                match color[w] {
                    0 => {
                        color[w] = 1;
                        preorder.push(w);
                        stack.push((w, 0));
                    }
                    1 => back[e] = true,
                    _ => {}
                }
            } else {
                color[v] = 2;
                stack.pop();
            }
        }
    }
    (back, preorder)
}

/// Longest path from the sources over forward edges; the End pseudo node goes below everything.
fn longest_path(scope: &Scope, back: &[bool]) -> Vec<usize> {
    let n = scope.states.len();
    let mut indeg = vec![0usize; n];
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (e, edge) in scope.edges.iter().enumerate() {
        if !back[e] && edge.from < n && edge.to < n {
            indeg[edge.to] += 1;
            out[edge.from].push(edge.to);
        }
    }
    let mut layer = vec![0usize; n];
    let mut queue: Vec<usize> = (0..n).filter(|&i| indeg[i] == 0).collect();
    let mut head = 0;
    while head < queue.len() {
        let v = queue[head];
        head += 1;
        for &w in &out[v] {
            layer[w] = layer[w].max(layer[v] + 1);
            indeg[w] -= 1;
            if indeg[w] == 0 {
                queue.push(w);
            }
        }
    }
    if let Some(end) = scope.states.iter().position(|s| s.kind == NodeKind::End) {
        let deepest = (0..n).filter(|&i| i != end).map(|i| layer[i]).max().unwrap_or(0);
        layer[end] = deepest + 1;
    }
    layer
}

/// Barycentre sweeps (down, up, …); keeps the order with the fewest crossings.
fn reduce_crossings(mut layers: Vec<Vec<usize>>, segs: &[(usize, usize)], nv: usize) -> Vec<Vec<usize>> {
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); nv];
    let mut succs: Vec<Vec<usize>> = vec![Vec::new(); nv];
    for &(a, b) in segs {
        succs[a].push(b);
        preds[b].push(a);
    }
    let mut best = layers.clone();
    let mut best_cross = crossings(&layers, &succs, nv);
    for iter in 0..6 {
        let down = iter % 2 == 0;
        let mut pos = positions(&layers, nv);
        let order: Vec<usize> = if down {
            (1..layers.len()).collect()
        } else {
            (0..layers.len().saturating_sub(1)).rev().collect()
        };
        for l in order {
            let nbrs = if down { &preds } else { &succs };
            let bary: Vec<f64> = layers[l]
                .iter()
                .enumerate()
                .map(|(i, &v)| {
                    let ns = &nbrs[v];
                    if ns.is_empty() {
                        i as f64
                    } else {
                        ns.iter().map(|&u| pos[u] as f64).sum::<f64>() / ns.len() as f64
                    }
                })
                .collect();
            let mut order: Vec<usize> = (0..bary.len()).collect();
            sort::positions_by(&mut order, |a, b| bary[a].total_cmp(&bary[b]).then(a.cmp(&b)));
            layers[l] = order.into_iter().map(|i| layers[l][i]).collect();
            for (i, &v) in layers[l].iter().enumerate() {
                pos[v] = i;
            }
        }
        let c = crossings(&layers, &succs, nv);
        if c < best_cross {
            best_cross = c;
            best = layers.clone();
        }
    }
    best
}

fn positions(layers: &[Vec<usize>], nv: usize) -> Vec<usize> {
    let mut pos = vec![0; nv];
    for l in layers {
        for (i, &v) in l.iter().enumerate() {
            pos[v] = i;
        }
    }
    pos
}

/// Number of crossing segment pairs between adjacent layers: two segments cross when their
/// ends are in opposite orders on the two layers. Counted as inversions, in O(s log s) per
/// layer (a pairwise count took seconds on a layer of 10,000 states).
fn crossings(layers: &[Vec<usize>], succs: &[Vec<usize>], nv: usize) -> usize {
    let pos = positions(layers, nv);
    let mut total = 0;
    for l in layers {
        let mut segs: Vec<(usize, usize)> = l
            .iter()
            .flat_map(|&a| succs[a].iter().map(move |&b| (a, b)))
            .map(|(a, b)| (pos[a], pos[b]))
            .collect();
        // By top end, then bottom end: segments sharing a top end never count, and any later
        // segment whose bottom end is further left crosses. (Through the shared sort, crate
        // `sort`: no sort instance of its own in the wasm.)
        sort::by_key(&mut segs, |s| *s);
        let width = segs.iter().map(|s| s.1 + 1).max().unwrap_or(0);
        let mut seen = Fenwick::new(width);
        for (i, &(_, b)) in segs.iter().enumerate() {
            total += i - seen.count_up_to(b);
            seen.add(b);
        }
    }
    total
}

/// Counts of positions seen so far, with prefix sums in O(log n).
struct Fenwick(Vec<usize>);

impl Fenwick {
    fn new(n: usize) -> Fenwick {
        Fenwick(vec![0; n + 1])
    }

    fn add(&mut self, at: usize) {
        let mut i = at + 1;
        while i < self.0.len() {
            self.0[i] += 1;
            i += i & i.wrapping_neg();
        }
    }

    /// How many positions `<= at` were added.
    fn count_up_to(&self, at: usize) -> usize {
        let (mut i, mut sum) = (at + 1, 0);
        while i > 0 {
            sum += self.0[i];
            i -= i & i.wrapping_neg();
        }
        sum
    }
}
