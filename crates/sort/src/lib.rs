//! Stable sorts that share one copy of the standard library's sort.
//!
//! Every `slice::sort_by` (or `sort_by_key`) call with its own element type or closure gets its own
//! instance of the standard sort: several kilobytes of WebAssembly each, and the web app downloads
//! them all. These helpers sort positions (`usize`) through a single, non-generic instance that
//! calls the comparison through a `&dyn Fn`, so a call site costs a few hundred bytes instead. The
//! engine, the simulated world, the diagrams and the app all sort through this crate (one crate,
//! so that there is one instance); their lists are short enough that the indirect call does not
//! matter.
#![forbid(unsafe_code)]

use std::cmp::Ordering;

/// Sorts `items` by `key`, keeping the order of items with equal keys, like
/// [`slice::sort_by_key`].
pub fn by_key<T, K: Ord>(items: &mut Vec<T>, key: impl Fn(&T) -> K) {
    let mut order: Vec<usize> = (0..items.len()).collect();
    sort_positions(&mut order, &|a, b| key(&items[a]).cmp(&key(&items[b])));
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(order.into_iter().filter_map(|i| slots[i].take()));
}

/// Sorts `positions` (indices into the caller's data) by `cmp`, keeping the order of equal ones.
pub fn positions_by(positions: &mut [usize], cmp: impl Fn(usize, usize) -> Ordering) {
    sort_positions(positions, &cmp);
}

/// Sorts `positions` by `key`, keeping the order of equal ones.
pub fn positions_by_key<K: Ord>(positions: &mut [usize], key: impl Fn(usize) -> K) {
    sort_positions(positions, &|a, b| key(a).cmp(&key(b)));
}

/// The one instance of the standard sort behind this module.
#[inline(never)]
fn sort_positions(positions: &mut [usize], cmp: &dyn Fn(usize, usize) -> Ordering) {
    positions.sort_by(|&a, &b| cmp(a, b));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_key_is_stable() {
        let mut v = vec![(2, 'a'), (1, 'b'), (2, 'c'), (0, 'd'), (1, 'e')];
        by_key(&mut v, |&(k, _)| k);
        assert_eq!(v, [(0, 'd'), (1, 'b'), (1, 'e'), (2, 'a'), (2, 'c')]);
    }

    #[test]
    fn positions_by_is_stable() {
        let keys = [3, 1, 3, 0];
        let mut p = vec![0, 1, 2, 3];
        positions_by(&mut p, |a, b| keys[a].cmp(&keys[b]));
        assert_eq!(p, [3, 1, 0, 2]);
        let mut q = vec![2, 0];
        positions_by(&mut q, |a, b| keys[a].cmp(&keys[b]));
        assert_eq!(q, [2, 0]);
    }
}
