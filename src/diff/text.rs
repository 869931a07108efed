//! The rendered documents compared block by block, then word by word.
//!
//! Both sides are the *semantic* Markdown (no heading numbers), so inserting
//! an article does not mark every later 第…条 as changed. Words are Unicode
//! words: each Chinese character is one, so a one-character edit marks one
//! character, not the sentence.

use serde::Serialize;
use similar::{Algorithm, ChangeTag, DiffOp, TextDiff, capture_diff_slices};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SpanKind {
    Equal,
    Inserted,
    Deleted,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Span {
    pub kind: SpanKind,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum BlockDiff {
    Equal {
        text: String,
    },
    Inserted {
        text: String,
    },
    Deleted {
        text: String,
    },
    /// The same block, reworded: its words, each kept, inserted or deleted.
    Changed {
        spans: Vec<Span>,
    },
    /// A block that left this place unchanged for another (`MovedTo`); both
    /// ends of one move carry the same number, from 1.
    #[serde(rename = "moved-from")]
    MovedFrom {
        text: String,
        #[serde(rename = "move")]
        id: usize,
    },
    #[serde(rename = "moved-to")]
    MovedTo {
        text: String,
        #[serde(rename = "move")]
        id: usize,
    },
}

/// A deleted block that reappears word for word elsewhere was moved, and is
/// reported as a move rather than as a deletion and an unrelated insertion.
fn pair_moves(blocks: &mut [BlockDiff]) {
    let mut taken = vec![false; blocks.len()];
    let mut moves = 0;
    for i in 0..blocks.len() {
        let BlockDiff::Deleted { text } = &blocks[i] else { continue };
        if text.trim().is_empty() {
            continue;
        }
        let found = (0..blocks.len())
            .find(|&j| !taken[j] && matches!(&blocks[j], BlockDiff::Inserted { text: t } if t == text));
        if let Some(j) = found {
            taken[j] = true;
            moves += 1;
            let text = text.clone();
            blocks[i] = BlockDiff::MovedFrom { text: text.clone(), id: moves };
            blocks[j] = BlockDiff::MovedTo { text, id: moves };
        }
    }
}

/// Blocks: runs of lines separated by blank lines. List items and table rows
/// are blocks of their own, so one changed duty is one changed block.
pub fn blocks(markdown: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in markdown.lines() {
        let item = is_item_line(line);
        if line.trim().is_empty() || (item && !current.is_empty()) {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            if line.trim().is_empty() {
                continue;
            }
        }
        if !current.is_empty() {
            current.push('\n');
        }
        current.push_str(line);
        if item {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// The separator that puts `next` back after `prev`: list items and table
/// rows were adjacent lines; everything else was apart.
pub fn separator(prev: &str, next: &str) -> &'static str {
    let first = |t: &str| t.lines().next().map(is_item_line).unwrap_or(false);
    let row = |t: &str| t.trim_start().starts_with('|');
    if first(prev) && first(next) && row(prev) == row(next) { "\n" } else { "\n\n" }
}

fn is_item_line(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("- ")
        || t.starts_with("| ")
        || t.split_once(". ").is_some_and(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// Two blocks this different are shown as one removed and one added.
const REWORD_LIMIT: f32 = 0.4;

pub fn text_diff(old: &str, new: &str) -> Vec<BlockDiff> {
    let a = blocks(old);
    let b = blocks(new);
    let mut out = Vec::new();
    for op in capture_diff_slices(Algorithm::Patience, &a, &b) {
        match op {
            DiffOp::Equal { old_index, len, .. } => {
                out.extend(a[old_index..old_index + len].iter().map(|t| BlockDiff::Equal { text: t.clone() }));
            }
            DiffOp::Delete { old_index, old_len, .. } => {
                out.extend(a[old_index..old_index + old_len].iter().map(|t| BlockDiff::Deleted { text: t.clone() }));
            }
            DiffOp::Insert { new_index, new_len, .. } => {
                out.extend(b[new_index..new_index + new_len].iter().map(|t| BlockDiff::Inserted { text: t.clone() }));
            }
            DiffOp::Replace { old_index, old_len, new_index, new_len } => {
                let pairs = old_len.min(new_len);
                for k in 0..pairs {
                    let (o, n) = (&a[old_index + k], &b[new_index + k]);
                    let words = TextDiff::configure().algorithm(Algorithm::Patience).diff_unicode_words(o, n);
                    if words.ratio() < REWORD_LIMIT {
                        out.push(BlockDiff::Deleted { text: o.clone() });
                        out.push(BlockDiff::Inserted { text: n.clone() });
                        continue;
                    }
                    let mut spans: Vec<Span> = Vec::new();
                    for change in words.iter_all_changes() {
                        let kind = match change.tag() {
                            ChangeTag::Equal => SpanKind::Equal,
                            ChangeTag::Insert => SpanKind::Inserted,
                            ChangeTag::Delete => SpanKind::Deleted,
                        };
                        match spans.last_mut() {
                            Some(last) if last.kind == kind => last.text.push_str(change.value()),
                            _ => spans.push(Span { kind, text: change.value().to_string() }),
                        }
                    }
                    out.push(BlockDiff::Changed { spans });
                }
                out.extend(
                    a[old_index + pairs..old_index + old_len].iter().map(|t| BlockDiff::Deleted { text: t.clone() }),
                );
                out.extend(
                    b[new_index + pairs..new_index + new_len].iter().map(|t| BlockDiff::Inserted { text: t.clone() }),
                );
            }
        }
    }
    pair_moves(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_chinese_character_is_one_change() {
        let diff = text_diff("本制度适用于全体员工。\n", "本制度适用于全部员工。\n");
        let [BlockDiff::Changed { spans }] = &diff[..] else { panic!("{diff:?}") };
        let deleted: Vec<&str> =
            spans.iter().filter(|s| s.kind == SpanKind::Deleted).map(|s| s.text.as_str()).collect();
        let inserted: Vec<&str> =
            spans.iter().filter(|s| s.kind == SpanKind::Inserted).map(|s| s.text.as_str()).collect();
        assert_eq!((deleted, inserted), (vec!["体"], vec!["部"]));
    }

    #[test]
    fn list_items_are_blocks_of_their_own() {
        assert_eq!(blocks("**Duties**\n\n1. one\n2. two\n- three\n"), ["**Duties**", "1. one", "2. two", "- three"]);
    }
}
