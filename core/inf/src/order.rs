//! One sort for the whole app.
//!
//! Each `sort_by`/`sort_by_key` call with its own closure is another copy of the standard
//! library's sort in the wasm (about 1.5 KiB gzipped apiece, 7 KiB for the app's four). Every
//! sort the app does goes through [`sort_by_u64_key`] instead, so its first download carries
//! one: a heapsort of `(u64, usize)` pairs, whatever is being sorted (a tenth of the size of
//! the standard sort of those pairs; the lists it sorts are short).

/// Sorts `items` by `key`, ascending; items with equal keys keep their order (a stable sort).
pub fn sort_by_u64_key<T>(items: &mut [T], key: impl Fn(&T) -> u64) {
    let mut keyed: Vec<(u64, usize)> = items.iter().map(key).zip(0..).collect();
    // the positions make every pair distinct, so an unstable sort keeps equal keys in order
    heapsort(&mut keyed);
    // the item that belongs at `i` is at `from[i]`; walk each cycle of that permutation,
    // swapping each slot's item in, and mark the slots done
    let mut from: Vec<usize> = keyed.into_iter().map(|(_, at)| at).collect();
    for start in 0..from.len() {
        let mut i = start;
        while from[i] != usize::MAX {
            let j = from[i];
            from[i] = usize::MAX;
            if j == start {
                break;
            }
            items.swap(i, j);
            i = j;
        }
    }
}

/// Sorts distinct pairs ascending in O(n log n), in place.
fn heapsort(v: &mut [(u64, usize)]) {
    // moves v[root] down until it is no smaller than its children, within v[..end]
    fn sift_down(v: &mut [(u64, usize)], mut root: usize, end: usize) {
        loop {
            let mut child = 2 * root + 1;
            if child >= end {
                return;
            }
            if child + 1 < end && v[child] < v[child + 1] {
                child += 1;
            }
            if v[root] >= v[child] {
                return;
            }
            v.swap(root, child);
            root = child;
        }
    }
    let n = v.len();
    for root in (0..n / 2).rev() {
        sift_down(v, root, n);
    }
    for end in (1..n).rev() {
        v.swap(0, end);
        sift_down(v, 0, end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_like_the_standard_stable_sort() {
        // a small linear congruential generator: many shapes of permutation, ties included
        let mut seed = 0x2545_f491_u64;
        let mut next = move || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            seed >> 33
        };
        for len in [0, 1, 2, 3, 5, 8, 13, 100, 1000] {
            for spread in [1, 3, 10, 1 << 30] {
                let items: Vec<(u64, usize)> = (0..len).map(|i| (next() % spread, i)).collect();
                let mut ours = items.clone();
                sort_by_u64_key(&mut ours, |&(k, _)| k);
                let mut std = items;
                std.sort_by_key(|&(k, _)| k);
                assert_eq!(ours, std, "len {len}, spread {spread}");
            }
        }
    }

    #[test]
    fn sorts_already_sorted_and_reversed_input() {
        let mut up: Vec<u64> = (0..50).collect();
        sort_by_u64_key(&mut up, |&k| k);
        assert_eq!(up, (0..50).collect::<Vec<_>>());
        let mut down: Vec<u64> = (0..50).rev().collect();
        sort_by_u64_key(&mut down, |&k| k);
        assert_eq!(down, (0..50).collect::<Vec<_>>());
    }
}
