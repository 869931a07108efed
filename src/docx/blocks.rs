//! Markdown → a small block tree, the shape the DOCX writer needs.
//!
//! pulldown-cmark's event stream is flat; Word wants to know a list's depth,
//! a table's header row and a footnote's text before it writes them, so the
//! events are folded into blocks first.

use std::collections::BTreeMap;

use pulldown_cmark::{Alignment, Event, HeadingLevel, Parser, Tag, TagEnd};

use crate::markdown::parser_options;
use crate::model::strip_xml_illegal;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Marks {
    pub bold: bool,
    pub italic: bool,
    pub strike: bool,
    pub code: bool,
    /// Tracked insertion or deletion, for redlines.
    pub inserted: bool,
    pub deleted: bool,
    /// Tracked move: the old place and the new one.
    pub moved_from: bool,
    pub moved_to: bool,
    /// Which move (from 1) the text belongs to; 0 when unnumbered.
    pub move_id: u32,
}

/// Private-use characters that mark tracked changes in a redline's Markdown.
/// They pass through the Markdown parser as text; user text never holds them
/// (the template escape removes them).
pub const INS_START: char = '\u{E000}';
pub const INS_END: char = '\u{E001}';
pub const DEL_START: char = '\u{E002}';
pub const DEL_END: char = '\u{E003}';
pub const MOVE_FROM_START: char = '\u{E004}';
pub const MOVE_FROM_END: char = '\u{E005}';
pub const MOVE_TO_START: char = '\u{E006}';
pub const MOVE_TO_END: char = '\u{E007}';
/// A move's start mark is followed by its number, in these digits (U+E010 is
/// 0 … U+E019 is 9), so that its two ends can be paired.
pub const MOVE_DIGIT_ZERO: char = '\u{E010}';

/// Every character the redline's marks use, digits included.
pub fn is_change_mark(c: char) -> bool {
    ('\u{E000}'..='\u{E01F}').contains(&c)
}

/// The number of a move, written in move digits.
pub fn move_number(n: usize) -> String {
    n.to_string()
        .chars()
        .map(|d| char::from_u32(u32::from(MOVE_DIGIT_ZERO) + (d as u32 - '0' as u32)).unwrap_or(MOVE_DIGIT_ZERO))
        .collect()
}

fn move_digit(c: char) -> Option<u32> {
    let d = u32::from(c).checked_sub(u32::from(MOVE_DIGIT_ZERO))?;
    (d < 10).then_some(d)
}

#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    Text { text: String, marks: Marks },
    Link { url: String, children: Vec<Inline> },
    FootnoteRef(String),
    HardBreak,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Heading { level: u8, inlines: Vec<Inline> },
    Paragraph(Vec<Inline>),
    List { start: Option<u64>, items: Vec<Vec<Block>> },
    Table { align: Vec<Alignment>, head: Vec<Vec<Inline>>, rows: Vec<Vec<Vec<Inline>>> },
    Quote(Vec<Block>),
    Code(String),
    Rule,
}

#[derive(Debug, Default)]
pub struct Doc {
    pub blocks: Vec<Block>,
    /// Footnote definitions by label, wherever they stood in the text.
    pub footnotes: BTreeMap<String, Vec<Block>>,
}

/// Text Word cannot store is dropped here, once, for every part of the file.
fn clean(text: &str) -> String {
    strip_xml_illegal(text).into_owned()
}

pub fn parse(markdown: &str) -> Doc {
    let mut doc = Doc::default();
    let mut builder = Builder::default();
    for event in Parser::new_ext(markdown, parser_options()) {
        builder.event(event, &mut doc);
    }
    builder.finish(&mut doc);
    doc
}

/// Open containers, innermost last.
#[derive(Debug)]
enum Frame {
    Quote(Vec<Block>),
    List { start: Option<u64>, items: Vec<Vec<Block>> },
    Item(Vec<Block>),
    Footnote { label: String, blocks: Vec<Block> },
}

/// Word numbers list levels 0–8; deeper Markdown nesting is laid out at the
/// deepest level. Quotes inside quotes read as one quote. Both keep the
/// writer's recursion shallow whatever the input.
const MAX_LIST_DEPTH: usize = 9;

#[derive(Default)]
struct Builder {
    frames: Vec<Frame>,
    /// For each open list and item: whether it was folded into its parent.
    list_folded: Vec<bool>,
    item_folded: Vec<bool>,
    quote_folded: Vec<bool>,
    /// Inline content of the paragraph, heading or table cell being read.
    inlines: Vec<Inline>,
    /// Open links, each with the inlines before it was opened.
    links: Vec<(String, Vec<Inline>)>,
    marks: Marks,
    heading: Option<u8>,
    code: Option<String>,
    table: Option<TableBuild>,
    /// Inline content outside any paragraph (tight list items) is collected
    /// into an implicit paragraph.
    in_paragraph: bool,
    /// Just after a move's start mark, where its number is written.
    reading_move_id: bool,
}

#[derive(Default)]
struct TableBuild {
    align: Vec<Alignment>,
    head: Vec<Vec<Inline>>,
    rows: Vec<Vec<Vec<Inline>>>,
    row: Vec<Vec<Inline>>,
    in_head: bool,
}

impl Builder {
    fn push_block(&mut self, block: Block, doc: &mut Doc) {
        match self.frames.last_mut() {
            None => doc.blocks.push(block),
            Some(Frame::Quote(blocks) | Frame::Item(blocks) | Frame::Footnote { blocks, .. }) => blocks.push(block),
            Some(Frame::List { items, .. }) => items.push(vec![block]),
        }
    }

    /// Text next to text with the same marks is one run in Word: joining
    /// them here keeps soft breaks and escapes from splitting runs.
    fn push_inline(&mut self, inline: Inline) {
        if let Inline::Text { text, marks } = &inline
            && let Some(Inline::Text { text: last, marks: last_marks }) = self.inlines.last_mut()
            && last_marks == marks
        {
            last.push_str(text);
            return;
        }
        self.inlines.push(inline);
    }

    /// Closes an implicit paragraph of loose inline content, if any.
    fn flush_inlines(&mut self, doc: &mut Doc) {
        if !self.inlines.is_empty() && self.table.is_none() && self.heading.is_none() {
            let inlines = std::mem::take(&mut self.inlines);
            self.push_block(Block::Paragraph(inlines), doc);
        }
    }

    fn event(&mut self, event: Event<'_>, doc: &mut Doc) {
        match event {
            Event::Start(tag) => self.start(tag, doc),
            Event::End(tag) => self.end(tag, doc),
            Event::Text(text) => {
                if let Some(code) = &mut self.code {
                    code.push_str(&clean(&text));
                } else {
                    self.text_with_change_marks(&clean(&text), self.marks);
                }
            }
            Event::Code(text) => {
                let marks = Marks { code: true, ..self.marks };
                self.text_with_change_marks(&clean(&text), marks);
            }
            // Raw HTML is shown as the text it is; it never becomes markup.
            Event::Html(text) | Event::InlineHtml(text) => {
                let text = clean(text.trim_end_matches('\n'));
                if self.in_paragraph || self.heading.is_some() || self.table.is_some() {
                    self.push_inline(Inline::Text { text, marks: self.marks });
                } else {
                    self.flush_inlines(doc);
                    self.push_block(Block::Paragraph(vec![Inline::Text { text, marks: Marks::default() }]), doc);
                }
            }
            Event::FootnoteReference(label) => self.push_inline(Inline::FootnoteRef(label.to_string())),
            Event::SoftBreak => self.push_inline(Inline::Text { text: " ".into(), marks: self.marks }),
            Event::HardBreak => self.push_inline(Inline::HardBreak),
            Event::Rule => {
                self.flush_inlines(doc);
                self.push_block(Block::Rule, doc);
            }
            Event::TaskListMarker(done) => {
                let mark = if done { "☑ " } else { "☐ " };
                self.push_inline(Inline::Text { text: mark.into(), marks: self.marks });
            }
            Event::InlineMath(t) | Event::DisplayMath(t) => {
                self.push_inline(Inline::Text { text: clean(&t), marks: self.marks });
            }
        }
    }

    /// Splits text at change marks, which switch insertion and deletion on
    /// and off for everything that follows, across formatting.
    fn text_with_change_marks(&mut self, text: &str, marks: Marks) {
        // Formatting comes from the event; the tracked state from the marks seen so far.
        let tracked = |m: Marks, own: Marks| Marks {
            inserted: own.inserted,
            deleted: own.deleted,
            moved_from: own.moved_from,
            moved_to: own.moved_to,
            move_id: own.move_id,
            ..m
        };
        if !text.contains(is_change_mark) {
            self.push_inline(Inline::Text { text: text.to_string(), marks: tracked(marks, self.marks) });
            return;
        }
        let mut piece = String::new();
        for c in text.chars() {
            if let Some(d) = move_digit(c) {
                // Digits straight after a move's start mark number it.
                if self.reading_move_id {
                    self.marks.move_id = self.marks.move_id.saturating_mul(10).saturating_add(d);
                }
                continue;
            }
            self.reading_move_id = false;
            if is_change_mark(c) {
                if !piece.is_empty() {
                    let m = tracked(marks, self.marks);
                    self.push_inline(Inline::Text { text: std::mem::take(&mut piece), marks: m });
                }
                match c {
                    INS_START => self.marks.inserted = true,
                    INS_END => self.marks.inserted = false,
                    DEL_START => self.marks.deleted = true,
                    DEL_END => self.marks.deleted = false,
                    MOVE_FROM_START | MOVE_TO_START => {
                        if c == MOVE_FROM_START {
                            self.marks.moved_from = true;
                        } else {
                            self.marks.moved_to = true;
                        }
                        self.marks.move_id = 0;
                        self.reading_move_id = true;
                    }
                    MOVE_FROM_END => {
                        self.marks.moved_from = false;
                        self.marks.move_id = 0;
                    }
                    MOVE_TO_END => {
                        self.marks.moved_to = false;
                        self.marks.move_id = 0;
                    }
                    _ => {}
                }
            } else {
                piece.push(c);
            }
        }
        if !piece.is_empty() {
            let m = tracked(marks, self.marks);
            self.push_inline(Inline::Text { text: piece, marks: m });
        }
    }

    fn start(&mut self, tag: Tag<'_>, doc: &mut Doc) {
        match tag {
            Tag::Paragraph => {
                self.flush_inlines(doc);
                self.in_paragraph = true;
            }
            Tag::Heading { level, .. } => {
                self.flush_inlines(doc);
                self.heading = Some(match level {
                    HeadingLevel::H1 => 1,
                    HeadingLevel::H2 => 2,
                    HeadingLevel::H3 => 3,
                    HeadingLevel::H4 => 4,
                    HeadingLevel::H5 => 5,
                    HeadingLevel::H6 => 6,
                });
            }
            Tag::BlockQuote(_) => {
                self.flush_inlines(doc);
                let inside_quote = !self.quote_folded.is_empty();
                self.quote_folded.push(inside_quote);
                if !inside_quote {
                    self.frames.push(Frame::Quote(Vec::new()));
                }
            }
            Tag::CodeBlock(_) => {
                self.flush_inlines(doc);
                self.code = Some(String::new());
            }
            Tag::List(start) => {
                self.flush_inlines(doc);
                let depth = self.list_folded.iter().filter(|f| !**f).count();
                let fold = depth >= MAX_LIST_DEPTH;
                self.list_folded.push(fold);
                if !fold {
                    self.frames.push(Frame::List { start, items: Vec::new() });
                }
            }
            Tag::Item => {
                self.flush_inlines(doc);
                let fold = self.list_folded.last().copied().unwrap_or(false);
                self.item_folded.push(fold);
                if !fold {
                    self.frames.push(Frame::Item(Vec::new()));
                }
            }
            Tag::FootnoteDefinition(label) => {
                self.flush_inlines(doc);
                self.frames.push(Frame::Footnote { label: label.to_string(), blocks: Vec::new() });
            }
            Tag::Table(align) => {
                self.flush_inlines(doc);
                self.table = Some(TableBuild { align, ..TableBuild::default() });
            }
            Tag::TableHead => {
                if let Some(t) = &mut self.table {
                    t.in_head = true;
                }
            }
            Tag::TableRow => {}
            Tag::TableCell => self.inlines.clear(),
            Tag::Emphasis => self.marks.italic = true,
            Tag::Strong => self.marks.bold = true,
            Tag::Strikethrough => self.marks.strike = true,
            Tag::Link { dest_url, .. } => {
                let before = std::mem::take(&mut self.inlines);
                self.links.push((clean(&dest_url), before));
            }
            // Images would fetch remote content; their alt text stands in.
            Tag::Image { .. } => {}
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd, doc: &mut Doc) {
        match tag {
            TagEnd::Paragraph => {
                self.in_paragraph = false;
                let inlines = std::mem::take(&mut self.inlines);
                self.push_block(Block::Paragraph(inlines), doc);
            }
            TagEnd::Heading(_) => {
                let level = self.heading.take().unwrap_or(1);
                let inlines = std::mem::take(&mut self.inlines);
                self.push_block(Block::Heading { level, inlines }, doc);
            }
            TagEnd::BlockQuote(_) => {
                self.flush_inlines(doc);
                if self.quote_folded.pop() == Some(false)
                    && let Some(Frame::Quote(blocks)) = self.frames.pop()
                {
                    self.push_block(Block::Quote(blocks), doc);
                }
            }
            TagEnd::CodeBlock => {
                let text = self.code.take().unwrap_or_default();
                self.push_block(Block::Code(text.trim_end_matches('\n').to_string()), doc);
            }
            TagEnd::List(_) => {
                self.flush_inlines(doc);
                if self.list_folded.pop() == Some(false)
                    && let Some(Frame::List { start, items }) = self.frames.pop()
                {
                    self.push_block(Block::List { start, items }, doc);
                }
            }
            TagEnd::Item => {
                self.flush_inlines(doc);
                if self.item_folded.pop() == Some(false)
                    && let Some(Frame::Item(blocks)) = self.frames.pop()
                    && let Some(Frame::List { items, .. }) = self.frames.last_mut()
                {
                    items.push(blocks);
                }
            }
            TagEnd::FootnoteDefinition => {
                self.flush_inlines(doc);
                if let Some(Frame::Footnote { label, blocks }) = self.frames.pop() {
                    doc.footnotes.insert(label, blocks);
                }
            }
            TagEnd::TableCell => {
                let cell = std::mem::take(&mut self.inlines);
                if let Some(t) = &mut self.table {
                    t.row.push(cell);
                }
            }
            TagEnd::TableHead => {
                if let Some(t) = &mut self.table {
                    t.head = std::mem::take(&mut t.row);
                    t.in_head = false;
                }
            }
            TagEnd::TableRow => {
                if let Some(t) = &mut self.table {
                    let row = std::mem::take(&mut t.row);
                    t.rows.push(row);
                }
            }
            TagEnd::Table => {
                if let Some(t) = self.table.take() {
                    self.push_block(Block::Table { align: t.align, head: t.head, rows: t.rows }, doc);
                }
            }
            TagEnd::Emphasis => self.marks.italic = false,
            TagEnd::Strong => self.marks.bold = false,
            TagEnd::Strikethrough => self.marks.strike = false,
            TagEnd::Link => {
                if let Some((url, before)) = self.links.pop() {
                    let children = std::mem::replace(&mut self.inlines, before);
                    self.inlines.push(Inline::Link { url, children });
                }
            }
            _ => {}
        }
    }

    fn finish(&mut self, doc: &mut Doc) {
        self.flush_inlines(doc);
        // Unclosed containers cannot happen with pulldown-cmark, but nothing
        // typed may be lost if they ever do.
        while let Some(frame) = self.frames.pop() {
            match frame {
                Frame::Quote(blocks) | Frame::Item(blocks) => doc.blocks.extend(blocks),
                Frame::List { items, .. } => doc.blocks.extend(items.into_iter().flatten()),
                Frame::Footnote { label, blocks } => {
                    doc.footnotes.insert(label, blocks);
                }
            }
        }
    }
}

/// The plain text of some inlines, for table widths, bookmarks and the TOC.
pub fn plain_text(inlines: &[Inline]) -> String {
    let mut out = String::new();
    for inline in inlines {
        match inline {
            Inline::Text { text, .. } => out.push_str(text),
            Inline::Link { children, .. } => out.push_str(&plain_text(children)),
            Inline::HardBreak => out.push(' '),
            Inline::FootnoteRef(_) => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tight_list_items_become_paragraphs() {
        let doc = parse("- a\n- b\n  - c\n");
        let Block::List { items, .. } = &doc.blocks[0] else { panic!("{:?}", doc.blocks) };
        assert_eq!(items.len(), 2);
        assert!(matches!(items[1][1], Block::List { .. }), "{items:?}");
    }

    #[test]
    fn deep_nesting_is_folded_not_recursed() {
        let quotes = format!("{}deep", "> ".repeat(5000));
        let doc = parse(&quotes);
        assert!(matches!(&doc.blocks[..], [Block::Quote(inner)] if matches!(inner[..], [Block::Paragraph(_)])));
        let lists: String = (0..200).map(|i| format!("{}- item {i}\n", "  ".repeat(i))).collect();
        let doc = parse(&lists);
        fn depth(blocks: &[Block]) -> usize {
            blocks
                .iter()
                .map(|b| match b {
                    Block::List { items, .. } => 1 + items.iter().map(|i| depth(i)).max().unwrap_or(0),
                    _ => 0,
                })
                .max()
                .unwrap_or(0)
        }
        assert_eq!(depth(&doc.blocks), 9);
        assert!(format!("{:?}", doc.blocks).contains("item 199"), "nothing is lost");
    }

    #[test]
    fn footnotes_are_collected_by_label() {
        let doc = parse("Text[^n].\n\n[^n]: The note.\n");
        assert!(doc.footnotes.contains_key("n"));
        assert_eq!(doc.blocks.len(), 1);
    }
}
