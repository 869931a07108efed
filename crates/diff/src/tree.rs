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

/// The newer document with the older one's deletions and every change in it.
pub fn diff(old: &Doc, new: &Doc) -> Doc {
    let mut blocks = diff_blocks(&old.blocks, &new.blocks);
    find_moves(&mut blocks);
    let mut footnotes = old.footnotes.clone();
    footnotes.extend(new.footnotes.iter().map(|(k, v)| (k.clone(), v.clone())));
    Doc { blocks, footnotes }
}

/// Aligns two sequences of equal-able things, hands stretches that did not
/// match exactly to `replace`, and marks the rest.
fn align<T: Clone + Eq + std::hash::Hash>(
    old: &[T],
    new: &[T],
    mut marked: impl FnMut(&T, Change) -> T,
    mut replace: impl FnMut(&[T], &[T], &mut Vec<T>),
) -> Vec<T> {
    let mut out = Vec::with_capacity(new.len());
    for step in align::steps(old, new) {
        match step {
            Step::Same(_, j) => out.push(new[j].clone()),
            Step::Gone(i) => out.push(marked(&old[i], Change::Deleted)),
            Step::Came(j) => out.push(marked(&new[j], Change::Inserted)),
            Step::Rewritten(xs, ys) => {
                let gone: Vec<T> = xs.into_iter().map(|i| old[i].clone()).collect();
                let came: Vec<T> = ys.into_iter().map(|j| new[j].clone()).collect();
                replace(&gone, &came, &mut out);
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
fn emit_pairs<T: Clone>(
    old: &[T],
    new: &[T],
    pairs: &[(usize, usize)],
    out: &mut Vec<T>,
    marked: &mut impl FnMut(&T, Change) -> T,
    merge: &mut impl FnMut(&T, &T, &mut Vec<T>),
) {
    let (mut i, mut j) = (0, 0);
    for &(pi, pj) in pairs.iter().chain(std::iter::once(&(old.len(), new.len()))) {
        out.extend(old[i..pi].iter().map(|b| marked(b, Change::Deleted)));
        out.extend(new[j..pj].iter().map(|b| marked(b, Change::Inserted)));
        if pi < old.len() && pj < new.len() {
            merge(&old[pi], &new[pj], out);
        }
        (i, j) = (pi + 1, pj + 1);
    }
}

fn diff_blocks(old: &[Block], new: &[Block]) -> Vec<Block> {
    align(old, new, marked_block, |a, b, out| {
        let pairs = pairing(a, b, pairable);
        emit_pairs(a, b, &pairs, out, &mut marked_block, &mut merge_blocks);
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

fn merge_blocks(a: &Block, b: &Block, out: &mut Vec<Block>) {
    match (a, b) {
        (Block::Paragraph { inlines: x, .. }, Block::Paragraph { inlines: y, .. }) => match words::merge(x, y) {
            Some(inlines) => out.push(Block::Paragraph { inlines, change: None }),
            None => out.extend([marked_block(a, Change::Deleted), marked_block(b, Change::Inserted)]),
        },
        (Block::Heading { inlines: x, .. }, Block::Heading { level, inlines: y, .. }) => match words::merge(x, y) {
            Some(inlines) => out.push(Block::Heading { level: *level, inlines, change: None }),
            None => out.extend([marked_block(a, Change::Deleted), marked_block(b, Change::Inserted)]),
        },
        (Block::List { items: x, .. }, Block::List { start, items: y }) => {
            out.push(Block::List { start: *start, items: diff_items(x, y) })
        }
        (Block::Table { head: h, rows: x, .. }, Block::Table { align, head: k, rows: y }) => {
            let head = if h == k { k.clone() } else { merge_cells(h, k) };
            out.push(Block::Table { align: align.clone(), head, rows: diff_rows(x, y) });
        }
        (Block::Quote(x), Block::Quote(y)) => out.push(Block::Quote(diff_blocks(x, y))),
        _ => out.extend([marked_block(a, Change::Deleted), marked_block(b, Change::Inserted)]),
    }
}

fn diff_items(old: &[Item], new: &[Item]) -> Vec<Item> {
    let text = |i: &Item| Inline::text(i.blocks.iter().map(block_text).collect::<Vec<_>>().join(" "));
    align(old, new, marked_item, |a, b, out| {
        let pairs = pairing(a, b, |x, y| words::merge(&[text(x)], &[text(y)]).is_some());
        emit_pairs(a, b, &pairs, out, &mut marked_item, &mut |x: &Item, y: &Item, out: &mut Vec<Item>| {
            out.push(Item { blocks: diff_blocks(&x.blocks, &y.blocks) })
        });
    })
}

fn diff_rows(old: &[Row], new: &[Row]) -> Vec<Row> {
    let text =
        |r: &Row| Inline::text(r.cells.iter().map(|c| policywright_doc::plain_text(c)).collect::<Vec<_>>().join(" "));
    align(old, new, marked_row, |a, b, out| {
        let pairs = pairing(a, b, |x, y| words::merge(&[text(x)], &[text(y)]).is_some());
        emit_pairs(a, b, &pairs, out, &mut marked_row, &mut |x: &Row, y: &Row, out: &mut Vec<Row>| {
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

fn marked_block(block: &Block, change: Change) -> Block {
    let mut block = block.clone();
    mark_block(&mut block, change);
    block
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

fn marked_item(item: &Item, change: Change) -> Item {
    let mut item = item.clone();
    item.blocks.iter_mut().for_each(|b| mark_block(b, change));
    item
}

fn marked_row(row: &Row, change: Change) -> Row {
    let mut row = row.clone();
    mark_row(&mut row, change);
    row
}

fn mark_row(row: &mut Row, change: Change) {
    row.change = Some(change);
    row.cells.iter_mut().for_each(|c| words::mark(c, change));
}

/// A leaf that was deleted or inserted whole, by what it says.
#[derive(PartialEq, Eq, Hash)]
enum Key {
    Block(Block),
    Row(Vec<Vec<Inline>>),
}

/// Each leaf (paragraph, heading, code block, table row) in reading order,
/// with its change when it was deleted or inserted whole.
fn leaves(blocks: &[Block], out: &mut Vec<Option<(Change, Key)>>) {
    for block in blocks {
        match block {
            Block::Heading { change, .. } | Block::Paragraph { change, .. } | Block::Code { change, .. } => {
                let key = change.filter(|c| matches!(c, Change::Deleted | Change::Inserted)).map(|c| {
                    let mut plain = block.clone();
                    unmark_block(&mut plain);
                    (c, Key::Block(plain))
                });
                // Empty paragraphs say nothing, so they move nowhere.
                out.push(key.filter(|_| !block_text(block).trim().is_empty()));
            }
            Block::List { items, .. } => items.iter().for_each(|i| leaves(&i.blocks, out)),
            Block::Table { rows, .. } => {
                for row in rows {
                    let key = row.change.filter(|c| matches!(c, Change::Deleted | Change::Inserted)).map(|c| {
                        let mut plain = row.clone();
                        plain.change = None;
                        plain.cells.iter_mut().for_each(|cell| unmark(cell));
                        (c, Key::Row(plain.cells))
                    });
                    out.push(key);
                }
            }
            Block::Quote(inner) => leaves(inner, out),
            Block::Rule => {}
        }
    }
}

fn unmark(inlines: &mut [Inline]) {
    for inline in inlines {
        match inline {
            Inline::Text { change, .. } | Inline::FootnoteRef { change, .. } | Inline::HardBreak { change } => {
                *change = None
            }
            Inline::Link { children, .. } => unmark(children),
        }
    }
}

fn unmark_block(block: &mut Block) {
    match block {
        Block::Heading { inlines, change, .. } | Block::Paragraph { inlines, change } => {
            *change = None;
            unmark(inlines);
        }
        Block::Code { change, .. } => *change = None,
        _ => {}
    }
}

/// Pairs every deleted leaf with the first unpaired inserted leaf that says
/// the same, numbering the moves from 1 in the order of the deletions.
fn find_moves(blocks: &mut [Block]) {
    let mut found = Vec::new();
    leaves(blocks, &mut found);
    let mut inserted: HashMap<&Key, Vec<usize>> = HashMap::new();
    for (i, leaf) in found.iter().enumerate().rev() {
        if let Some((Change::Inserted, key)) = leaf {
            inserted.entry(key).or_default().push(i);
        }
    }
    let mut moves: HashMap<usize, Change> = HashMap::new();
    let mut n = 0;
    for (i, leaf) in found.iter().enumerate() {
        if let Some((Change::Deleted, key)) = leaf
            && let Some(j) = inserted.get_mut(key).and_then(Vec::pop)
        {
            n += 1;
            moves.insert(i, Change::MovedFrom(n));
            moves.insert(j, Change::MovedTo(n));
        }
    }
    if !moves.is_empty() {
        let mut index = 0;
        apply_moves(blocks, &moves, &mut index);
    }
}

/// Walks the leaves in the same order as [`leaves`], marking the moved ones.
fn apply_moves(blocks: &mut [Block], moves: &HashMap<usize, Change>, index: &mut usize) {
    for block in blocks {
        match block {
            Block::Heading { .. } | Block::Paragraph { .. } | Block::Code { .. } => {
                if let Some(change) = moves.get(index) {
                    mark_block(block, *change);
                }
                *index += 1;
            }
            Block::List { items, .. } => items.iter_mut().for_each(|i| apply_moves(&mut i.blocks, moves, index)),
            Block::Table { rows, .. } => {
                for row in rows {
                    if let Some(change) = moves.get(index) {
                        mark_row(row, *change);
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
        diff(&markdown::parse(old), &markdown::parse(new))
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
