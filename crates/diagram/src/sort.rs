//! One shared copy of the standard library's sort for the layouts.
//!
//! Every `slice::sort_by` call with its own closure gets its own instance of the standard sort,
//! several kilobytes of WebAssembly each, and the web app downloads them all. The layouts sort
//! node and segment indices, so they all go through [`positions_by`]: one non-generic instance
//! that calls the comparison through a `&dyn Fn`. (`baton-asl` has the same helper; the diagrams
//! do not depend on the engine.)

use std::cmp::Ordering;

/// Sorts `items` by `key`, keeping the order of items with equal keys, like
/// [`slice::sort_by_key`].
pub(crate) fn by_key<T, K: Ord>(items: &mut Vec<T>, key: impl Fn(&T) -> K) {
    let mut order: Vec<usize> = (0..items.len()).collect();
    sort_positions(&mut order, &|a, b| key(&items[a]).cmp(&key(&items[b])));
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(order.into_iter().filter_map(|i| slots[i].take()));
}

/// Sorts `positions` (indices into the caller's data) by `cmp`, keeping the order of equal ones.
pub(crate) fn positions_by(positions: &mut [usize], cmp: impl Fn(usize, usize) -> Ordering) {
    sort_positions(positions, &cmp);
}

/// Sorts `positions` by `key`, keeping the order of equal ones.
pub(crate) fn positions_by_key<K: Ord>(positions: &mut [usize], key: impl Fn(usize) -> K) {
    sort_positions(positions, &|a, b| key(a).cmp(&key(b)));
}

/// The one instance of the standard sort behind this module.
#[inline(never)]
fn sort_positions(positions: &mut [usize], cmp: &dyn Fn(usize, usize) -> Ordering) {
    positions.sort_by(|&a, &b| cmp(a, b));
}
