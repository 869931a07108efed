//! Two sequences aligned in near O(n log n) time, however much of them
//! moved.
//!
//! Elements that occur exactly once in each sequence are matched to each
//! other. The longest chain of such matches that keeps its order (a longest
//! increasing subsequence, found in O(k log k)) stays in place; every other
//! unique match has moved, and is given as gone from its old place and come
//! to its new one, so that the caller can show it as a move. Between two
//! kept matches, what is left is aligned by Myers' algorithm when the
//! stretch is short, and as one rewritten stretch when it is long: Myers
//! costs the stretch's length times its number of differences, which for a
//! long stretch of repeated elements would be quadratic.
//!
//! Patience diff (as in `similar`) finds the same anchors, but aligns the
//! stretches between them with Myers whatever their length; for a reversed
//! block of 50,000 roles that takes minutes.

use std::collections::HashMap;
use std::hash::Hash;

use similar::{Algorithm, DiffOp, capture_diff_slices};

/// Stretches longer than this (old and new together) between two kept
/// matches are not given to Myers.
const MYERS_LIMIT: usize = 4096;

/// One step through both sequences, in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Old element `.0` is new element `.1`.
    Same(usize, usize),
    /// An old element not in the new sequence here.
    Gone(usize),
    /// A new element not in the old sequence here.
    Came(usize),
    /// Old elements replaced by new ones at this place, each side in order:
    /// the caller decides which of them are one element reworded.
    Rewritten(Vec<usize>, Vec<usize>),
}

/// The steps from `old` to `new`.
pub fn steps<T: Eq + Hash>(old: &[T], new: &[T]) -> Vec<Step> {
    let (a, b, distinct) = interned(old, new);
    let mut out = Vec::with_capacity(a.len().max(b.len()));
    // What is the same at both ends is the same, whatever the middle holds.
    let (head, tail) = common_ends(&a, &b);
    out.extend((0..head).map(|k| Step::Same(k, k)));
    middle(&a, &b, distinct, (head, a.len() - tail), (head, b.len() - tail), &mut out);
    out.extend((0..tail).map(|k| Step::Same(a.len() - tail + k, b.len() - tail + k)));
    out
}

/// How many elements the two sequences share at their start, and then at
/// their end.
fn common_ends(a: &[usize], b: &[usize]) -> (usize, usize) {
    let head = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let tail = a[head..].iter().rev().zip(b[head..].iter().rev()).take_while(|(x, y)| x == y).count();
    (head, tail)
}

/// Each element as a number, equal numbers for equal elements, and how
/// many numbers were given: the rest compares numbers, and each element is
/// hashed once.
fn interned<T: Eq + Hash>(old: &[T], new: &[T]) -> (Vec<usize>, Vec<usize>, usize) {
    let mut ids: HashMap<&T, usize, foldhash::fast::RandomState> =
        HashMap::with_capacity_and_hasher(old.len() + new.len(), foldhash::fast::RandomState::default());
    let mut id = |item| {
        let next = ids.len();
        *ids.entry(item).or_insert(next)
    };
    let a = old.iter().map(&mut id).collect();
    let b = new.iter().map(&mut id).collect();
    (a, b, ids.len())
}

/// Aligns `a[a0..a1]` with `b[b0..b1]`; the elements are numbers below
/// `distinct`.
fn middle(
    a: &[usize],
    b: &[usize],
    distinct: usize,
    (a0, a1): (usize, usize),
    (b0, b1): (usize, usize),
    out: &mut Vec<Step>,
) {
    // How often each element occurs on each side, and where on the old.
    let mut seen: Vec<(u32, u32, usize)> = vec![(0, 0, 0); distinct];
    for (i, &x) in a.iter().enumerate().take(a1).skip(a0) {
        let e = &mut seen[x];
        e.0 = e.0.saturating_add(1);
        e.2 = i;
    }
    for &y in &b[b0..b1] {
        seen[y].1 = seen[y].1.saturating_add(1);
    }
    // Unique matches in the order of the new sequence, by old position.
    let matches: Vec<(usize, usize)> = (b0..b1)
        .filter_map(|j| {
            let (in_a, in_b, i) = seen[b[j]];
            (in_a == 1 && in_b == 1).then_some((i, j))
        })
        .collect();
    let kept = increasing(&matches);
    let mut moved_old = vec![false; a1 - a0];
    let mut moved_new = vec![false; b1 - b0];
    let mut keep = vec![false; matches.len()];
    for &k in &kept {
        keep[k] = true;
    }
    for (k, &(i, j)) in matches.iter().enumerate() {
        if !keep[k] {
            moved_old[i - a0] = true;
            moved_new[j - b0] = true;
        }
    }
    // Between kept matches (and the ends), the rest aligned; a moved
    // element is given where it stands, before the rest that follows it.
    let mut from = (a0, b0);
    let anchors = kept.iter().map(|&k| matches[k]).chain(std::iter::once((a1, b1)));
    for (i, j) in anchors {
        let rest_a: Vec<usize> = (from.0..i).filter(|&x| !moved_old[x - a0]).collect();
        let rest_b: Vec<usize> = (from.1..j).filter(|&y| !moved_new[y - b0]).collect();
        let mut pending_a = (from.0..i).filter(|&x| moved_old[x - a0]).peekable();
        let mut pending_b = (from.1..j).filter(|&y| moved_new[y - b0]).peekable();
        for step in stretch(a, b, &rest_a, &rest_b) {
            let (next_a, next_b) = match &step {
                Step::Same(x, y) => (Some(*x), Some(*y)),
                Step::Gone(x) => (Some(*x), None),
                Step::Came(y) => (None, Some(*y)),
                Step::Rewritten(xs, ys) => (xs.first().copied(), ys.first().copied()),
            };
            // Each side stays in its own order: a moved element comes
            // before the first step that takes a later element of its side.
            if let Some(n) = next_a {
                while let Some(x) = pending_a.next_if(|&x| x < n) {
                    out.push(Step::Gone(x));
                }
            }
            if let Some(n) = next_b {
                while let Some(y) = pending_b.next_if(|&y| y < n) {
                    out.push(Step::Came(y));
                }
            }
            out.push(step);
        }
        out.extend(pending_a.map(Step::Gone));
        out.extend(pending_b.map(Step::Came));
        if i < a1 {
            out.push(Step::Same(i, j));
        }
        from = (i + 1, j + 1);
    }
}

/// The stretch between two kept matches: old elements `xs` against new
/// elements `ys` (positions in `a` and `b`).
fn stretch(a: &[usize], b: &[usize], xs: &[usize], ys: &[usize]) -> Vec<Step> {
    if xs.is_empty() || ys.is_empty() {
        return xs.iter().map(|&x| Step::Gone(x)).chain(ys.iter().map(|&y| Step::Came(y))).collect();
    }
    let va: Vec<usize> = xs.iter().map(|&x| a[x]).collect();
    let vb: Vec<usize> = ys.iter().map(|&y| b[y]).collect();
    if xs.len() + ys.len() > MYERS_LIMIT {
        let (head, tail) = common_ends(&va, &vb);
        let mut out: Vec<Step> = (0..head).map(|k| Step::Same(xs[k], ys[k])).collect();
        let (gone, came) = (&xs[head..xs.len() - tail], &ys[head..ys.len() - tail]);
        out.extend(stretch_ends(gone, came));
        out.extend((0..tail).map(|k| Step::Same(xs[xs.len() - tail + k], ys[ys.len() - tail + k])));
        return out;
    }
    let mut out = Vec::new();
    for op in capture_diff_slices(Algorithm::Myers, &va, &vb) {
        match op {
            DiffOp::Equal { old_index, new_index, len } => {
                out.extend((0..len).map(|k| Step::Same(xs[old_index + k], ys[new_index + k])))
            }
            DiffOp::Delete { old_index, old_len, .. } => {
                out.extend(xs[old_index..old_index + old_len].iter().map(|&x| Step::Gone(x)))
            }
            DiffOp::Insert { new_index, new_len, .. } => {
                out.extend(ys[new_index..new_index + new_len].iter().map(|&y| Step::Came(y)))
            }
            DiffOp::Replace { old_index, old_len, new_index, new_len } => out.push(Step::Rewritten(
                xs[old_index..old_index + old_len].to_vec(),
                ys[new_index..new_index + new_len].to_vec(),
            )),
        }
    }
    out
}

fn stretch_ends(gone: &[usize], came: &[usize]) -> Vec<Step> {
    match (gone.is_empty(), came.is_empty()) {
        (true, true) => Vec::new(),
        (false, true) => gone.iter().map(|&x| Step::Gone(x)).collect(),
        (true, false) => came.iter().map(|&y| Step::Came(y)).collect(),
        (false, false) => vec![Step::Rewritten(gone.to_vec(), came.to_vec())],
    }
}

/// Indices into `pairs` (sorted by their second number) of a longest chain
/// whose first numbers increase: patience sorting, O(k log k).
fn increasing(pairs: &[(usize, usize)]) -> Vec<usize> {
    // tops[n]: the index of the pair ending the best chain of length n + 1
    // found so far, the one with the smallest first number.
    let mut tops: Vec<usize> = Vec::new();
    let mut before: Vec<Option<usize>> = vec![None; pairs.len()];
    for (k, &(i, _)) in pairs.iter().enumerate() {
        let n = tops.partition_point(|&t| pairs[t].0 < i);
        before[k] = n.checked_sub(1).map(|p| tops[p]);
        if n == tops.len() {
            tops.push(k);
        } else {
            tops[n] = k;
        }
    }
    let mut chain = Vec::with_capacity(tops.len());
    let mut at = tops.last().copied();
    while let Some(k) = at {
        chain.push(k);
        at = before[k];
    }
    chain.reverse();
    chain
}

#[cfg(test)]
mod tests {
    use super::*;

    fn replay(old: &[char], new: &[char], steps: &[Step]) -> (String, String) {
        let (mut a, mut b) = (String::new(), String::new());
        for step in steps {
            match step {
                Step::Same(x, y) => {
                    assert_eq!(old[*x], new[*y]);
                    a.push(old[*x]);
                    b.push(new[*y]);
                }
                Step::Gone(x) => a.push(old[*x]),
                Step::Came(y) => b.push(new[*y]),
                Step::Rewritten(xs, ys) => {
                    a.extend(xs.iter().map(|&x| old[x]));
                    b.extend(ys.iter().map(|&y| new[y]));
                }
            }
        }
        (a, b)
    }

    fn check(old: &str, new: &str) -> Vec<Step> {
        let (a, b): (Vec<char>, Vec<char>) = (old.chars().collect(), new.chars().collect());
        let steps = steps(&a, &b);
        // Every element of each side once, in its order.
        assert_eq!(replay(&a, &b, &steps), (old.to_string(), new.to_string()), "{steps:?}");
        steps
    }

    #[test]
    fn a_block_moved_to_the_end_is_gone_then_come() {
        let steps = check("xabc", "abcx");
        assert_eq!(steps, [Step::Gone(0), Step::Same(1, 0), Step::Same(2, 1), Step::Same(3, 2), Step::Came(3)]);
    }

    #[test]
    fn a_reversed_sequence_keeps_one_in_place_and_moves_the_rest() {
        let steps = check("abcdef", "fedcba");
        let same = steps.iter().filter(|s| matches!(s, Step::Same(..))).count();
        assert_eq!(same, 1, "{steps:?}");
    }

    #[test]
    fn repeated_elements_between_anchors_are_aligned() {
        let steps = check("a--b--c", "a---b-c");
        assert!(steps.contains(&Step::Same(0, 0)) && steps.contains(&Step::Same(3, 4)), "{steps:?}");
        check("", "abc");
        check("abc", "");
        check("aaaa", "aa");
        check("abab", "baba");
    }

    #[test]
    fn a_replaced_stretch_is_rewritten() {
        assert_eq!(check("aXb", "aYb"), [Step::Same(0, 0), Step::Rewritten(vec![1], vec![1]), Step::Same(2, 2)]);
    }

    #[test]
    fn a_long_stretch_of_repeats_is_not_given_to_myers() {
        let old: String = "ab".repeat(MYERS_LIMIT);
        let new: String = "ba".repeat(MYERS_LIMIT);
        let steps = check(&old, &new);
        assert_eq!(steps.len(), 1, "one rewritten stretch");
    }
}
