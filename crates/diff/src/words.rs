//! Inline content compared word by word, formatting and links kept.
//!
//! Inlines are cut into tokens that each carry their style and link: a word,
//! a run of spaces, one punctuation mark, one CJK character (so that a
//! one-character edit in Chinese marks one character), a note reference or a
//! line break. Tokens are compared whole, so a change never splits a piece of
//! formatting, and the result is built back into inlines with changes on them.

use policywright_doc::{Change, Inline, Style};

use crate::align::{self, Step};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Piece {
    Text(String),
    Note(String),
    Break,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Token {
    piece: Piece,
    style: Style,
    link: Option<String>,
}

fn tokens(inlines: &[Inline]) -> Vec<Token> {
    let mut out = Vec::new();
    push_tokens(inlines, None, &mut out);
    out
}

fn push_tokens(inlines: &[Inline], link: Option<&str>, out: &mut Vec<Token>) {
    for inline in inlines {
        match inline {
            Inline::Text { text, style, .. } => {
                for word in split_words(text) {
                    out.push(Token {
                        piece: Piece::Text(word.to_string()),
                        style: *style,
                        link: link.map(str::to_string),
                    });
                }
            }
            Inline::Link { url, children } => push_tokens(children, Some(url), out),
            Inline::FootnoteRef { label, .. } => {
                out.push(Token { piece: Piece::Note(label.clone()), style: Style::default(), link: None })
            }
            Inline::HardBreak { .. } => out.push(Token { piece: Piece::Break, style: Style::default(), link: None }),
        }
    }
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum Class {
    Word,
    Space,
    Single,
}

fn class(c: char) -> Class {
    if c.is_whitespace() {
        Class::Space
    } else if c.is_alphanumeric() && !is_cjk(c) {
        Class::Word
    } else {
        Class::Single
    }
}

/// Han, kana, hangul and fullwidth forms: each character is a word.
fn is_cjk(c: char) -> bool {
    matches!(u32::from(c),
        0x2E80..=0x9FFF | 0xA960..=0xA97F | 0xAC00..=0xD7FF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F
        | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
}

fn split_words(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut current: Option<Class> = None;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (n, &(i, c)) in chars.iter().enumerate() {
        // A number is one word with its separators: "1.0" → "1.1" is one
        // number changed, not a digit.
        let digit = |m: Option<&(usize, char)>| m.is_some_and(|(_, d)| d.is_ascii_digit());
        let in_number =
            matches!(c, '.' | ',') && digit(n.checked_sub(1).and_then(|p| chars.get(p))) && digit(chars.get(n + 1));
        let k = if in_number { Class::Word } else { class(c) };
        match current {
            Some(prev) if prev == k && k != Class::Single => {}
            Some(_) => {
                out.push(&text[start..i]);
                start = i;
            }
            None => {}
        }
        current = Some(k);
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// Two texts this different are shown as one removed and one added.
pub const REWORD_LIMIT: f32 = 0.4;

/// The inlines of both versions merged, changes marked; `None` when they
/// are too different to be shown as one reworded text.
pub fn merge(old: &[Inline], new: &[Inline]) -> Option<Vec<Inline>> {
    let a = tokens(old);
    let b = tokens(new);
    let steps = align::steps(&a, &b);
    let same = steps.iter().filter(|s| matches!(s, Step::Same(..))).count();
    // The share of tokens both texts keep, as `similar` measures it.
    let total = a.len() + b.len();
    let ratio = if total == 0 { 1.0 } else { 2.0 * same as f32 / total as f32 };
    if ratio < REWORD_LIMIT {
        return None;
    }
    let mut marked: Vec<(Token, Option<Change>)> = Vec::with_capacity(a.len().max(b.len()));
    let gone = |x: usize| (a[x].clone(), Some(Change::Deleted));
    let came = |y: usize| (b[y].clone(), Some(Change::Inserted));
    for step in steps {
        match step {
            Step::Same(_, y) => marked.push((b[y].clone(), None)),
            Step::Gone(x) => marked.push(gone(x)),
            Step::Came(y) => marked.push(came(y)),
            Step::Rewritten(xs, ys) => {
                marked.extend(xs.into_iter().map(gone));
                marked.extend(ys.into_iter().map(came));
            }
        }
    }
    Some(build(&marked))
}

/// Tokens back into inlines: neighbours with the same style, link and change
/// join into one text, and a link's tokens into one link.
fn build(marked: &[(Token, Option<Change>)]) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::new();
    let mut i = 0;
    while i < marked.len() {
        let link = marked[i].0.link.clone();
        let end = marked[i..].iter().position(|(t, _)| t.link != link).map_or(marked.len(), |p| i + p);
        let inlines = plain(&marked[i..end]);
        match link {
            Some(url) => out.push(Inline::Link { url, children: inlines }),
            None => out.extend(inlines),
        }
        i = end;
    }
    out
}

fn plain(marked: &[(Token, Option<Change>)]) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::new();
    for (token, change) in marked {
        match &token.piece {
            Piece::Text(text) => {
                if let Some(Inline::Text { text: last, style, change: c }) = out.last_mut()
                    && *style == token.style
                    && *c == *change
                {
                    last.push_str(text);
                    continue;
                }
                out.push(Inline::Text { text: text.clone(), style: token.style, change: *change });
            }
            Piece::Note(label) => out.push(Inline::FootnoteRef { label: label.clone(), change: *change }),
            Piece::Break => out.push(Inline::HardBreak { change: *change }),
        }
    }
    out
}

/// Every inline marked with `change`, deep.
pub fn mark(inlines: &mut [Inline], change: Change) {
    for inline in inlines {
        match inline {
            Inline::Text { change: c, .. }
            | Inline::FootnoteRef { change: c, .. }
            | Inline::HardBreak { change: c } => *c = Some(change),
            Inline::Link { children, .. } => mark(children, change),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(inlines: &[Inline], want: Option<Change>) -> Vec<String> {
        inlines
            .iter()
            .filter_map(|i| match i {
                Inline::Text { text, change, .. } if *change == want => Some(text.clone()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn one_chinese_character_is_one_change() {
        let merged = merge(&[Inline::text("本制度适用于全体员工。")], &[Inline::text("本制度适用于全部员工。")])
            .expect("similar");
        assert_eq!(texts(&merged, Some(Change::Deleted)), ["体"]);
        assert_eq!(texts(&merged, Some(Change::Inserted)), ["部"]);
    }

    #[test]
    fn words_and_formatting_are_kept_whole() {
        let bold = Style { bold: true, ..Style::default() };
        let old = [Inline::styled("Reports to", bold), Inline::text(": the manager")];
        let new = [Inline::styled("Reports to", bold), Inline::text(": the director")];
        let merged = merge(&old, &new).expect("similar");
        assert_eq!(merged[0], Inline::styled("Reports to", bold));
        assert_eq!(texts(&merged, Some(Change::Deleted)), ["manager"]);
        assert_eq!(texts(&merged, Some(Change::Inserted)), ["director"]);
    }

    #[test]
    fn a_number_changes_whole() {
        let merged =
            merge(&[Inline::text("version 1.0 of 2,000 words")], &[Inline::text("version 1.1 of 2,000 words")])
                .expect("similar");
        assert_eq!(texts(&merged, Some(Change::Deleted)), ["1.0"]);
        assert_eq!(texts(&merged, Some(Change::Inserted)), ["1.1"]);
    }

    #[test]
    fn different_texts_are_not_merged() {
        assert!(merge(&[Inline::text("alpha beta gamma")], &[Inline::text("one two three four")]).is_none());
    }
}
