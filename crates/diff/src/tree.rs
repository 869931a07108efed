//! Two document trees → one, with every change marked on its nodes.
//!
//! Blocks are aligned level by level (the blocks of the document, the items
//! of a list, the rows of a table), so one changed duty is one changed list
//! item and the list around it stays whole. Two blocks of the same kind in
//! the same place that read alike are compared word by word; otherwise one is
//! deleted and the other inserted. Last, a deleted paragraph, heading or row
//! that reappears word for word elsewhere becomes a move.
//!
//! Both trees are the *semantic* documents (no heading numbers), so
//! inserting an article does not mark every later 第…条 as changed.

use std::collections::HashMap;

use crate::align::{self, Step};
use crate::words;
use policywright_doc::{Block, Change, Doc, Inline, Item, Row, block_text};

/// The newer document with the older one's deletions and every change in
/// it. The newer document is taken, not copied: most of it is the result.
pub fn diff(old: &Doc, new: Doc) -> Doc {
    diff_owned(old.clone(), new)
}

/// [`diff`] taking the older document too: what was deleted from it is
/// moved into the result rather than copied, which for a large move is half
/// a document.
pub(crate) fn diff_owned(old: Doc, new: Doc) -> Doc {
    let Doc { blocks: old_blocks, mut footnotes } = old;
    let mut blocks = diff_blocks(old_blocks, new.blocks);
    find_moves(&mut blocks);
    footnotes.extend(new.footnotes);
    Doc { blocks, footnotes }
}

/// Aligns two sequences of equal-able things, hands stretches that did not
/// match exactly to `replace`, and marks the rest. Both sequences' elements
/// are moved into the result.
fn align<T: Eq + std::hash::Hash>(
    old: Vec<T>,
    new: Vec<T>,
    mark: impl Fn(&mut T, Change),
    mut replace: impl FnMut(Vec<T>, Vec<T>, &mut Vec<T>),
) -> Vec<T> {
    let steps = align::steps(&old, &new);
    // Room for every element of the result at once: the document's list of
    // blocks is the largest there is.
    let room = steps
        .iter()
        .map(|step| match step {
            Step::Same(..) | Step::Gone(_) | Step::Came(_) => 1,
            Step::Rewritten(xs, ys) => xs.len() + ys.len(),
        })
        .sum();
    let mut out = Vec::with_capacity(room);
    // Each element is taken once, by the one step that names it; an old
    // element the same as a new one is dropped with the rest.
    let mut old: Vec<Option<T>> = old.into_iter().map(Some).collect();
    let mut new: Vec<Option<T>> = new.into_iter().map(Some).collect();
    let marked = |mut item: T, change: Change| {
        mark(&mut item, change);
        item
    };
    for step in steps {
        match step {
            Step::Same(_, j) => out.extend(new.get_mut(j).and_then(Option::take)),
            Step::Gone(i) => out.extend(old.get_mut(i).and_then(Option::take).map(|x| marked(x, Change::Deleted))),
            Step::Came(j) => out.extend(new.get_mut(j).and_then(Option::take).map(|y| marked(y, Change::Inserted))),
            Step::Rewritten(xs, ys) => {
                let gone: Vec<T> = xs.into_iter().filter_map(|i| old.get_mut(i).and_then(Option::take)).collect();
                let came: Vec<T> = ys.into_iter().filter_map(|j| new.get_mut(j).and_then(Option::take)).collect();
                replace(gone, came, &mut out);
            }
        }
    }
    out
}

/// Which old and new elements of a replaced range to compare with each
/// other: the most pairs that `pairs_with` allows, in order (a longest
/// common subsequence). Large ranges pair by position instead, which
/// costs nothing and is what a reader expects of a rewritten passage.
fn pairing<T>(old: &[T], new: &[T], pairs_with: impl Fn(&T, &T) -> bool) -> Vec<(usize, usize)> {
    const SMALL: usize = 24;
    if old.len() > SMALL || new.len() > SMALL {
        return (0..old.len().min(new.len())).filter(|&k| pairs_with(&old[k], &new[k])).map(|k| (k, k)).collect();
    }
    let (n, m) = (old.len(), new.len());
    let mut ok = vec![vec![false; m]; n];
    for (i, row) in ok.iter_mut().enumerate() {
        for (j, cell) in row.iter_mut().enumerate() {
            *cell = pairs_with(&old[i], &new[j]);
        }
    }
    let mut best = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            let take = if ok[i][j] { 1 + best[i + 1][j + 1] } else { 0 };
            best[i][j] = take.max(best[i + 1][j]).max(best[i][j + 1]);
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < n && j < m {
        if ok[i][j] && best[i][j] == 1 + best[i + 1][j + 1] {
            out.push((i, j));
            i += 1;
            j += 1;
        } else if best[i + 1][j] >= best[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// Emits a replaced range: unpaired old elements deleted and new ones
/// inserted, in reading order, and each pair merged by `merge`.
fn emit_pairs<T>(
    old: Vec<T>,
    new: Vec<T>,
    pairs: &[(usize, usize)],
    out: &mut Vec<T>,
    mark: impl Fn(&mut T, Change),
    mut merge: impl FnMut(T, T, &mut Vec<T>),
) {
    let marked = |mut item: T, change: Change| {
        mark(&mut item, change);
        item
    };
    let mut old = old.into_iter().enumerate().peekable();
    let mut new = new.into_iter().enumerate().peekable();
    for &(pi, pj) in pairs.iter().chain(std::iter::once(&(usize::MAX, usize::MAX))) {
        while let Some((_, item)) = old.next_if(|&(i, _)| i < pi) {
            out.push(marked(item, Change::Deleted));
        }
        while let Some((_, item)) = new.next_if(|&(j, _)| j < pj) {
            out.push(marked(item, Change::Inserted));
        }
        if let (Some((_, x)), Some((_, y))) = (old.next_if(|&(i, _)| i == pi), new.next_if(|&(j, _)| j == pj)) {
            merge(x, y, out);
        }
    }
}

fn diff_blocks(old: Vec<Block>, new: Vec<Block>) -> Vec<Block> {
    align(old, new, mark_block, |a, b, out| {
        let pairs = pairing(&a, &b, pairable);
        emit_pairs(a, b, &pairs, out, mark_block, merge_blocks);
    })
}

/// Whether two blocks are one block reworded, rather than one gone and
/// another come.
fn pairable(a: &Block, b: &Block) -> bool {
    match (a, b) {
        (Block::Paragraph { inlines: x, .. }, Block::Paragraph { inlines: y, .. }) => words::merge(x, y).is_some(),
        (Block::Heading { level: l, inlines: x, .. }, Block::Heading { level: m, inlines: y, .. }) => {
            l == m && words::merge(x, y).is_some()
        }
        (Block::List { start: s, .. }, Block::List { start: t, .. }) if s.is_some() == t.is_some() => {
            similar_text(a, b)
        }
        (Block::Table { head: h, .. }, Block::Table { head: k, .. }) if h.len() == k.len() => similar_text(a, b),
        (Block::Quote(_), Block::Quote(_)) => similar_text(a, b),
        _ => false,
    }
}

fn similar_text(a: &Block, b: &Block) -> bool {
    words::merge(&[Inline::text(block_text(a))], &[Inline::text(block_text(b))]).is_some()
}

fn merge_blocks(a: Block, b: Block, out: &mut Vec<Block>) {
    let replaced = |out: &mut Vec<Block>, mut a: Block, mut b: Block| {
        mark_block(&mut a, Change::Deleted);
        out.push(a);
        mark_block(&mut b, Change::Inserted);
        out.push(b);
    };
    match (a, b) {
        (Block::Paragraph { inlines: x, change: was }, Block::Paragraph { inlines: y, change }) => {
            match words::merge(&x, &y) {
                Some(inlines) => out.push(Block::Paragraph { inlines, change: None }),
                None => {
                    replaced(out, Block::Paragraph { inlines: x, change: was }, Block::Paragraph { inlines: y, change })
                }
            }
        }
        (
            Block::Heading { level: old_level, inlines: x, change: was },
            Block::Heading { level, inlines: y, change },
        ) => match words::merge(&x, &y) {
            Some(inlines) => out.push(Block::Heading { level, inlines, change: None }),
            None => replaced(
                out,
                Block::Heading { level: old_level, inlines: x, change: was },
                Block::Heading { level, inlines: y, change },
            ),
        },
        (Block::List { items: x, .. }, Block::List { start, items: y }) => {
            out.push(Block::List { start, items: diff_items(x, y) })
        }
        (Block::Table { head: h, rows: x, .. }, Block::Table { align, head: k, rows: y }) => {
            let head = if h == k { k } else { merge_cells(&h, &k) };
            out.push(Block::Table { align, head, rows: diff_rows(x, y) });
        }
        (Block::Quote(x), Block::Quote(y)) => out.push(Block::Quote(diff_blocks(x, y))),
        (a, b) => replaced(out, a, b),
    }
}

fn diff_items(old: Vec<Item>, new: Vec<Item>) -> Vec<Item> {
    let text = |i: &Item| Inline::text(i.blocks.iter().map(block_text).collect::<Vec<_>>().join(" "));
    align(old, new, mark_item, |a, b, out| {
        let pairs = pairing(&a, &b, |x, y| words::merge(&[text(x)], &[text(y)]).is_some());
        emit_pairs(a, b, &pairs, out, mark_item, |x: Item, y: Item, out: &mut Vec<Item>| {
            out.push(Item { blocks: diff_blocks(x.blocks, y.blocks) })
        });
    })
}

fn diff_rows(old: Vec<Row>, new: Vec<Row>) -> Vec<Row> {
    let text =
        |r: &Row| Inline::text(r.cells.iter().map(|c| policywright_doc::plain_text(c)).collect::<Vec<_>>().join(" "));
    align(old, new, mark_row, |a, b, out| {
        let pairs = pairing(&a, &b, |x, y| words::merge(&[text(x)], &[text(y)]).is_some());
        emit_pairs(a, b, &pairs, out, mark_row, |x: Row, y: Row, out: &mut Vec<Row>| {
            out.push(Row { cells: merge_cells(&x.cells, &y.cells), change: None })
        });
    })
}

/// Cell by cell; a cell rewritten beyond recognition shows the old text
/// deleted and the new inserted.
fn merge_cells(old: &[Vec<Inline>], new: &[Vec<Inline>]) -> Vec<Vec<Inline>> {
    (0..old.len().max(new.len()))
        .map(|c| {
            let (x, y) = (old.get(c).map_or(&[][..], Vec::as_slice), new.get(c).map_or(&[][..], Vec::as_slice));
            if x == y {
                return y.to_vec();
            }
            words::merge(x, y).unwrap_or_else(|| {
                let mut gone = x.to_vec();
                words::mark(&mut gone, Change::Deleted);
                let mut come = y.to_vec();
                words::mark(&mut come, Change::Inserted);
                gone.extend(come);
                gone
            })
        })
        .collect()
}

fn mark_block(block: &mut Block, change: Change) {
    match block {
        Block::Heading { inlines, change: c, .. } | Block::Paragraph { inlines, change: c } => {
            *c = Some(change);
            words::mark(inlines, change);
        }
        Block::Code { change: c, .. } => *c = Some(change),
        Block::List { items, .. } => {
            items.iter_mut().for_each(|i| i.blocks.iter_mut().for_each(|b| mark_block(b, change)))
        }
        Block::Table { head, rows, .. } => {
            // A table added or removed whole takes its header row with it.
            head.iter_mut().for_each(|c| words::mark(c, change));
            rows.iter_mut().for_each(|r| mark_row(r, change));
        }
        Block::Quote(blocks) => blocks.iter_mut().for_each(|b| mark_block(b, change)),
        Block::Rule => {}
    }
}

fn mark_item(item: &mut Item, change: Change) {
    item.blocks.iter_mut().for_each(|b| mark_block(b, change));
}

fn mark_row(row: &mut Row, change: Change) {
    row.change = Some(change);
    row.cells.iter_mut().for_each(|c| words::mark(c, change));
}

/// What a leaf says, whatever its marks: a deleted leaf and an inserted one
/// that say the same are equal. It borrows the leaf, since every deleted
/// and inserted leaf of a large comparison is looked up by it.
#[derive(Clone, Copy)]
enum Said<'a> {
    Heading(u8, &'a [Inline]),
    Paragraph(&'a [Inline]),
    Code(&'a str),
    Row(&'a [Vec<Inline>]),
}

impl std::hash::Hash for Said<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        fn hash_inlines<H: std::hash::Hasher>(inlines: &[Inline], state: &mut H) {
            state.write_usize(inlines.len());
            for inline in inlines {
                match inline {
                    Inline::Text { text, style, .. } => {
                        state.write_u8(0);
                        text.hash(state);
                        style.hash(state);
                    }
                    Inline::Link { url, children } => {
                        state.write_u8(1);
                        url.hash(state);
                        hash_inlines(children, state);
                    }
                    Inline::FootnoteRef { label, .. } => {
                        state.write_u8(2);
                        label.hash(state);
                    }
                    Inline::HardBreak { .. } => state.write_u8(3),
                }
            }
        }
        match *self {
            Said::Heading(level, x) => {
                state.write_u8(level);
                hash_inlines(x, state);
            }
            Said::Paragraph(x) => {
                state.write_u8(u8::MAX);
                hash_inlines(x, state);
            }
            Said::Code(text) => text.hash(state),
            Said::Row(cells) => {
                state.write_usize(cells.len());
                cells.iter().for_each(|c| hash_inlines(c, state));
            }
        }
    }
}

impl PartialEq for Said<'_> {
    fn eq(&self, other: &Self) -> bool {
        fn same(a: &[Inline], b: &[Inline]) -> bool {
            a.len() == b.len()
                && a.iter().zip(b).all(|pair| match pair {
                    (Inline::Text { text: t, style: s, .. }, Inline::Text { text: u, style: v, .. }) => {
                        t == u && s == v
                    }
                    (Inline::Link { url: u, children: c }, Inline::Link { url: v, children: d }) => {
                        u == v && same(c, d)
                    }
                    (Inline::FootnoteRef { label: l, .. }, Inline::FootnoteRef { label: m, .. }) => l == m,
                    (Inline::HardBreak { .. }, Inline::HardBreak { .. }) => true,
                    _ => false,
                })
        }
        match (*self, *other) {
            (Said::Heading(l, x), Said::Heading(m, y)) => l == m && same(x, y),
            (Said::Paragraph(x), Said::Paragraph(y)) => same(x, y),
            (Said::Code(x), Said::Code(y)) => x == y,
            (Said::Row(x), Said::Row(y)) => x.len() == y.len() && x.iter().zip(y).all(|(c, d)| same(c, d)),
            _ => false,
        }
    }
}

impl Eq for Said<'_> {}

/// Each leaf (paragraph, heading, code block, table row) in reading order,
/// with its change when it was deleted or inserted whole.
fn leaves<'a>(blocks: &'a [Block], out: &mut Vec<Option<(Change, Said<'a>)>>) {
    let whole = |change: &Option<Change>| change.filter(|c| matches!(c, Change::Deleted | Change::Inserted));
    for block in blocks {
        let (said, change) = match block {
            Block::Heading { level, inlines, change } => (Said::Heading(*level, inlines), change),
            Block::Paragraph { inlines, change } => (Said::Paragraph(inlines), change),
            Block::Code { text, change } => (Said::Code(text), change),
            Block::List { items, .. } => {
                items.iter().for_each(|i| leaves(&i.blocks, out));
                continue;
            }
            Block::Table { rows, .. } => {
                out.extend(rows.iter().map(|row| whole(&row.change).map(|c| (c, Said::Row(&row.cells)))));
                continue;
            }
            Block::Quote(inner) => {
                leaves(inner, out);
                continue;
            }
            Block::Rule => continue,
        };
        // Empty paragraphs say nothing, so they move nowhere.
        out.push(whole(change).map(|c| (c, said)).filter(|_| !block_text(block).trim().is_empty()));
    }
}

/// Pairs every deleted leaf with the first unpaired inserted leaf that says
/// the same, numbering the moves from 1 in the order of the deletions.
fn find_moves(blocks: &mut [Block]) {
    let mut found = Vec::new();
    leaves(blocks, &mut found);
    let mut inserted: HashMap<Said<'_>, Vec<usize>, foldhash::fast::RandomState> = HashMap::default();
    for (i, leaf) in found.iter().enumerate().rev() {
        if let Some((Change::Inserted, said)) = leaf {
            inserted.entry(*said).or_default().push(i);
        }
    }
    let mut moves: Vec<Option<Change>> = vec![None; found.len()];
    let mut n = 0;
    for (i, leaf) in found.iter().enumerate() {
        if let Some((Change::Deleted, said)) = leaf
            && let Some(j) = inserted.get_mut(said).and_then(Vec::pop)
        {
            n += 1;
            moves[i] = Some(Change::MovedFrom(n));
            moves[j] = Some(Change::MovedTo(n));
        }
    }
    // Both borrow the blocks, which are marked next.
    drop(inserted);
    drop(found);
    if n > 0 {
        let mut index = 0;
        apply_moves(blocks, &moves, &mut index);
    }
}

/// Walks the leaves in the same order as [`leaves`], marking the moved ones.
fn apply_moves(blocks: &mut [Block], moves: &[Option<Change>], index: &mut usize) {
    for block in blocks {
        match block {
            Block::Heading { .. } | Block::Paragraph { .. } | Block::Code { .. } => {
                if let Some(change) = moves.get(*index).copied().flatten() {
                    mark_block(block, change);
                }
                *index += 1;
            }
            Block::List { items, .. } => items.iter_mut().for_each(|i| apply_moves(&mut i.blocks, moves, index)),
            Block::Table { rows, .. } => {
                for row in rows {
                    if let Some(change) = moves.get(*index).copied().flatten() {
                        mark_row(row, change);
                    }
                    *index += 1;
                }
            }
            Block::Quote(inner) => apply_moves(inner, moves, index),
            Block::Rule => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use policywright_doc::markdown;

    fn merged(old: &str, new: &str) -> Doc {
        diff(&markdown::parse(old), markdown::parse(new))
    }

    #[test]
    fn one_changed_item_keeps_the_list_whole() {
        let doc = merged("1. one\n2. the second item\n3. three\n", "1. one\n2. the 2nd item\n3. three\n");
        let [Block::List { items, .. }] = &doc.blocks[..] else { panic!("{doc:?}") };
        assert_eq!(items.len(), 3);
        let Block::Paragraph { inlines, change: None } = &items[1].blocks[0] else { panic!("{items:?}") };
        assert!(inlines.iter().any(|i| matches!(i, Inline::Text { change: Some(Change::Deleted), .. })), "{inlines:?}");
    }

    #[test]
    fn a_paragraph_that_reappears_elsewhere_is_a_move() {
        let doc = merged("Alpha text here.\n\nBeta.\n\nGamma.\n", "Beta.\n\nGamma.\n\nAlpha text here.\n");
        let changes: Vec<Option<Change>> =
            doc.blocks.iter().map(|b| if let Block::Paragraph { change, .. } = b { *change } else { None }).collect();
        assert_eq!(changes, [Some(Change::MovedFrom(1)), None, None, Some(Change::MovedTo(1))]);
    }

    #[test]
    fn markdown_syntax_in_text_is_never_split() {
        let doc = merged("**Bold words** and more.\n", "**Bold phrase** and more.\n");
        let written = markdown::write_marked(&doc, &markdown::Critic { moved_away: "m", moved_here: "h" });
        assert_eq!(written, "**Bold {--words--}{++phrase++}** and more.\n");
    }
}
