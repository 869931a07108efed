//! Markdown → the document tree.
//!
//! pulldown-cmark's event stream is flat; the tree knows a list's depth, a
//! table's header row and a footnote's text. Three rules hold for every
//! tree that comes out of here, whatever the text:
//!
//! - no character XML 1.0 cannot carry;
//! - raw HTML is text, or with [`Reading::html`] its text and the known
//!   formatting it names ([`super::html`]), never markup; images are their
//!   alt text;
//! - a link is a link only to a safe target ([`crate::is_safe_url`]).

use pulldown_cmark::{Alignment, Event, HeadingLevel, Parser, Tag, TagEnd};

use super::html::{self, Marks};
use super::parser_options;
use crate::tree::{Align, Block, Doc, Inline, Item, Row, Style};

/// What a reading makes of text beyond CommonMark and the GFM pieces of
/// [`parser_options`]. A policy's Markdown is read without either: its
/// templates escape user text, and its outputs must not change under it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Reading {
    /// Raw HTML is its text and the formatting it names, as pandoc reads
    /// it, rather than the literal tags.
    pub html: bool,
    /// Bare `https://…` and `www.…` addresses are links, as on GitHub.
    pub autolinks: bool,
}

/// Text Word cannot store is dropped here, once, for every output.
pub(super) fn clean(text: &str) -> String {
    if text.chars().any(crate::is_xml_illegal) {
        text.chars().filter(|&c| !crate::is_xml_illegal(c)).collect()
    } else {
        text.to_string()
    }
}

pub fn parse(markdown: &str) -> Doc {
    parse_with(markdown, Reading::default())
}

pub fn parse_with(markdown: &str, reading: Reading) -> Doc {
    parse_in_pieces(markdown, reading, PIECE_BYTES)
}

/// About how much text pulldown-cmark is given at once (see [`pieces`]).
const PIECE_BYTES: usize = 256 << 10;

fn parse_in_pieces(markdown: &str, reading: Reading, piece_bytes: usize) -> Doc {
    // A byte-order mark is an encoding's signature, not text: left in, it
    // stands before a first `#` and makes the heading a paragraph.
    let markdown = markdown.strip_prefix('\u{FEFF}').unwrap_or(markdown);
    // Room for every top-level block, which a blank line nearly always
    // ends: a list that doubles as it fills copies itself into fresh
    // memory again and again, and room never used costs nothing.
    let blank_lines = markdown.matches("\n\n").count();
    let mut doc = Doc { blocks: Vec::with_capacity(blank_lines + 1), ..Doc::default() };
    let mut builder = Builder { reading, ..Builder::default() };
    for piece in pieces(markdown, piece_bytes) {
        for event in Parser::new_ext(piece, parser_options()) {
            builder.event(event, &mut doc);
        }
    }
    builder.finish(&mut doc);
    doc
}

/// The text cut into pieces of about `size` bytes that read as the whole
/// does, one after another: pulldown-cmark holds the whole structure of
/// what it is given before the first event, which for a policy of 100,000
/// roles is a hundred megabytes, grown by copying.
///
/// A piece ends before a line that starts with `#` (a heading) after a
/// blank line: there every paragraph, list, quote, table and indented code
/// has ended. Text in which such a line could be inside something else (a
/// fenced code block or a raw HTML block, which a blank line does not end)
/// or where text could mean something elsewhere (a link reference or
/// footnote definition, which the whole document shares) is given whole.
fn pieces(text: &str, size: usize) -> impl Iterator<Item = &str> {
    let whole = text.len() <= size
        || text.contains("]:")
        || text.lines().any(|line| {
            let line = line.trim_start_matches([' ', '\t']);
            line.starts_with("```") || line.starts_with("~~~") || line.starts_with('<')
        });
    let size = if whole { usize::MAX } else { size };
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let text = rest?;
        let mut at = size.min(text.len());
        while !text.is_char_boundary(at) {
            at += 1;
        }
        match text[at..].find("\n\n#") {
            Some(found) => {
                let cut = at + found + 2;
                rest = Some(&text[cut..]);
                Some(&text[..cut])
            }
            None => {
                rest = None;
                Some(text)
            }
        }
    })
}

#[derive(Debug)]
enum Frame {
    Quote(Vec<Block>),
    List { start: Option<u64>, items: Vec<Item> },
    Item(Vec<Block>),
    Footnote { label: String, blocks: Vec<Block> },
}

/// Word numbers list levels 0–8; deeper Markdown nesting is laid out at the
/// deepest level. Quotes nest as deep as anyone reads them; deeper ones read
/// as the deepest. Both keep every writer's recursion shallow whatever the
/// input.
const MAX_LIST_DEPTH: usize = 9;
const MAX_QUOTE_DEPTH: usize = 8;

#[derive(Default)]
struct Builder {
    frames: Vec<Frame>,
    /// For each open list and item: whether it was folded into its parent.
    list_folded: Vec<bool>,
    item_folded: Vec<bool>,
    quote_folded: Vec<bool>,
    /// Inline content of the paragraph, heading or table cell being read.
    inlines: Vec<Inline>,
    /// Open links, each with the inlines before it was opened; `None` for a
    /// link whose target is not safe, which stays text.
    /// A link opened by an inline HTML `<a>` is marked `true`.
    links: Vec<(Option<String>, Vec<Inline>, bool)>,
    style: Style,
    heading: Option<u8>,
    code: Option<String>,
    table: Option<TableBuild>,
    /// Inline content outside any paragraph (tight list items) is collected
    /// into an implicit paragraph.
    in_paragraph: bool,
    reading: Reading,
    /// Formatting opened by inline HTML, on top of `style`.
    marks: Marks,
    /// The raw text of the HTML block being read.
    html_block: Option<String>,
    /// Inside an inline HTML comment that spans several events, or inside
    /// an inline script or style, whose text is dropped with it.
    in_comment: bool,
    hidden: Option<String>,
}

#[derive(Default)]
struct TableBuild {
    align: Vec<Align>,
    head: Vec<Vec<Inline>>,
    rows: Vec<Row>,
    row: Vec<Vec<Inline>>,
}

fn align(a: Alignment) -> Align {
    match a {
        Alignment::None => Align::None,
        Alignment::Left => Align::Left,
        Alignment::Center => Align::Center,
        Alignment::Right => Align::Right,
    }
}

impl Builder {
    fn push_block(&mut self, block: Block, doc: &mut Doc) {
        match self.frames.last_mut() {
            None => doc.blocks.push(block),
            Some(Frame::Quote(blocks) | Frame::Item(blocks) | Frame::Footnote { blocks, .. }) => blocks.push(block),
            Some(Frame::List { items, .. }) => items.push(Item { blocks: vec![block] }),
        }
    }

    /// Text next to text with the same style is one run: joining them here
    /// keeps soft breaks and escapes from splitting runs.
    fn push_text(&mut self, text: String, style: Style) {
        if let Some(Inline::Text { text: last, style: last_style, change: None }) = self.inlines.last_mut()
            && *last_style == style
        {
            last.push_str(&text);
            return;
        }
        self.inlines.push(Inline::Text { text, style, change: None });
    }

    /// The formatting of text read now: Markdown's, and inline HTML's.
    fn current(&self) -> Style {
        self.marks.style(self.style)
    }

    /// An inline HTML tag: the formatting it names, a line break, an
    /// image's alt text, or nothing; a comment is dropped whole.
    fn inline_html(&mut self, text: &str) {
        if self.in_comment {
            self.in_comment = !text.contains("-->");
            return;
        }
        if let Some(comment) = text.trim_start().strip_prefix("<!--") {
            self.in_comment = !comment.contains("-->");
            return;
        }
        if let Some(hidden) = &self.hidden {
            if matches!(html::tag(text), html::Tag::Close { name } if name == *hidden) {
                self.hidden = None;
            }
            return;
        }
        match html::tag(text) {
            html::Tag::Open { name, .. } if html::is_hidden(&name) && !text.trim_end().ends_with("/>") => {
                self.hidden = Some(name);
            }
            html::Tag::Open { name, attrs } => match name.as_str() {
                "br" => self.inlines.push(Inline::HardBreak { change: None }),
                "img" => {
                    if let Some(alt) = html::attr(attrs, "alt") {
                        self.push_text(clean(&alt), self.current());
                    }
                }
                // Not inside a link: Word cannot nest hyperlinks.
                "a" if self.links.is_empty() => {
                    let url = html::attr(attrs, "href").map(|u| clean(u.trim())).filter(|u| crate::is_safe_url(u));
                    let before = std::mem::take(&mut self.inlines);
                    self.links.push((url, before, true));
                }
                _ => {
                    self.marks.apply(&name, true);
                }
            },
            html::Tag::Close { name } => {
                if name == "a" && self.links.last().is_some_and(|(_, _, html)| *html) {
                    self.close_link(true);
                }
                self.marks.apply(&name, false);
            }
            html::Tag::Other => {}
        }
    }

    /// Formatting HTML opened in a paragraph, heading or cell ends with it.
    fn end_inline_html(&mut self) {
        self.marks = Marks::default();
        self.in_comment = false;
        self.hidden = None;
        // An `<a>` never closed is its text.
        while self.links.last().is_some_and(|(_, _, html)| *html) {
            self.close_link(false);
        }
    }

    /// The inlines of the paragraph, heading or cell just read.
    fn take_inlines(&mut self) -> Vec<Inline> {
        let inlines = std::mem::take(&mut self.inlines);
        if self.reading.autolinks { super::autolink::link(inlines) } else { inlines }
    }

    /// Closes an implicit paragraph of loose inline content, if any.
    fn flush_inlines(&mut self, doc: &mut Doc) {
        if !self.inlines.is_empty() && self.table.is_none() && self.heading.is_none() {
            let inlines = self.take_inlines();
            self.push_block(Block::paragraph(inlines), doc);
        }
    }

    fn event(&mut self, event: Event<'_>, doc: &mut Doc) {
        if (self.in_comment || self.hidden.is_some())
            && matches!(event, Event::Text(_) | Event::SoftBreak | Event::HardBreak | Event::Code(_))
        {
            return;
        }
        match event {
            Event::Start(tag) => self.start(tag, doc),
            Event::End(tag) => self.end(tag, doc),
            Event::Text(text) => {
                if let Some(code) = &mut self.code {
                    code.push_str(&clean(&text));
                } else {
                    self.push_text(clean(&text), self.current());
                }
            }
            Event::Code(text) => self.push_text(clean(&text), Style { code: true, ..self.current() }),
            Event::Html(text) if self.reading.html => match &mut self.html_block {
                Some(block) => block.push_str(&text),
                None => {
                    self.flush_inlines(doc);
                    for block in html::blocks(&text) {
                        self.push_block(block, doc);
                    }
                }
            },
            Event::InlineHtml(text) if self.reading.html => self.inline_html(&text),
            // Raw HTML is shown as the text it is; it never becomes markup.
            Event::Html(text) | Event::InlineHtml(text) => {
                let text = clean(text.trim_end_matches('\n'));
                if self.in_paragraph || self.heading.is_some() || self.table.is_some() {
                    self.push_text(text, self.style);
                } else {
                    self.flush_inlines(doc);
                    self.push_block(Block::paragraph(vec![Inline::text(text)]), doc);
                }
            }
            Event::FootnoteReference(label) => {
                self.inlines.push(Inline::FootnoteRef { label: clean(&label), change: None })
            }
            Event::SoftBreak => self.push_text(" ".into(), self.current()),
            Event::HardBreak => self.inlines.push(Inline::HardBreak { change: None }),
            Event::Rule => {
                self.flush_inlines(doc);
                self.push_block(Block::Rule, doc);
            }
            Event::TaskListMarker(done) => {
                let mark = if done { "☑ " } else { "☐ " };
                self.push_text(mark.into(), self.style);
            }
            Event::InlineMath(t) | Event::DisplayMath(t) => self.push_text(clean(&t), self.style),
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
                let depth = self.quote_folded.iter().filter(|f| !**f).count();
                let fold = depth >= MAX_QUOTE_DEPTH;
                self.quote_folded.push(fold);
                if !fold {
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
                self.frames.push(Frame::Footnote { label: clean(&label), blocks: Vec::new() });
            }
            Tag::Table(alignment) => {
                self.flush_inlines(doc);
                self.table =
                    Some(TableBuild { align: alignment.into_iter().map(align).collect(), ..TableBuild::default() });
            }
            Tag::HtmlBlock if self.reading.html => {
                self.flush_inlines(doc);
                self.html_block = Some(String::new());
            }
            Tag::TableHead | Tag::TableRow => {}
            Tag::TableCell => self.inlines.clear(),
            Tag::Emphasis => self.style.italic = true,
            Tag::Strong => self.style.bold = true,
            Tag::Strikethrough => self.style.strike = true,
            Tag::Link { dest_url, .. } => {
                let before = std::mem::take(&mut self.inlines);
                let url = clean(&dest_url);
                self.links.push((crate::is_safe_url(&url).then_some(url), before, false));
            }
            // Images would fetch remote content; their alt text stands in.
            Tag::Image { .. } => {}
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd, doc: &mut Doc) {
        match tag {
            TagEnd::HtmlBlock => {
                if let Some(text) = self.html_block.take() {
                    for block in html::blocks(&text) {
                        self.push_block(block, doc);
                    }
                }
            }
            TagEnd::Paragraph => {
                self.end_inline_html();
                self.in_paragraph = false;
                let inlines = self.take_inlines();
                self.push_block(Block::paragraph(inlines), doc);
            }
            TagEnd::Heading(_) => {
                self.end_inline_html();
                let level = self.heading.take().unwrap_or(1);
                let inlines = self.take_inlines();
                self.push_block(Block::heading(level, inlines), doc);
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
                self.push_block(Block::Code { text: text.trim_end_matches('\n').to_string(), change: None }, doc);
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
                    items.push(Item { blocks });
                }
            }
            TagEnd::FootnoteDefinition => {
                self.flush_inlines(doc);
                if let Some(Frame::Footnote { label, blocks }) = self.frames.pop() {
                    doc.footnotes.insert(label, blocks);
                }
            }
            TagEnd::TableCell => {
                self.end_inline_html();
                let cell = self.take_inlines();
                if let Some(t) = &mut self.table {
                    t.row.push(cell);
                }
            }
            TagEnd::TableHead => {
                if let Some(t) = &mut self.table {
                    t.head = std::mem::take(&mut t.row);
                }
            }
            TagEnd::TableRow => {
                if let Some(t) = &mut self.table {
                    let cells = std::mem::take(&mut t.row);
                    t.rows.push(Row { cells, change: None });
                }
            }
            TagEnd::Table => {
                if let Some(t) = self.table.take() {
                    self.push_block(Block::Table { align: t.align, head: t.head, rows: t.rows }, doc);
                }
            }
            TagEnd::Emphasis => self.style.italic = false,
            TagEnd::Strong => self.style.bold = false,
            TagEnd::Strikethrough => self.style.strike = false,
            TagEnd::Link => {
                // An `<a>` left open inside the link ends with it, as text.
                while self.links.last().is_some_and(|(_, _, html)| *html) {
                    self.close_link(false);
                }
                self.close_link(true);
            }
            _ => {}
        }
    }

    /// Closes the innermost link: a link if `keep` and its target is safe,
    /// else only its text.
    fn close_link(&mut self, keep: bool) {
        let Some((url, before, _)) = self.links.pop() else { return };
        let children = std::mem::replace(&mut self.inlines, before);
        match url.filter(|_| keep) {
            Some(url) => self.inlines.push(Inline::Link { url, children }),
            // An unsafe link is only its text.
            None => {
                for child in children {
                    match child {
                        Inline::Text { text, style, change: None } => self.push_text(text, style),
                        other => self.inlines.push(other),
                    }
                }
            }
        }
    }

    fn finish(&mut self, doc: &mut Doc) {
        self.flush_inlines(doc);
        // Unclosed containers cannot happen with pulldown-cmark, but nothing
        // typed may be lost if they ever do.
        while let Some(frame) = self.frames.pop() {
            match frame {
                Frame::Quote(blocks) | Frame::Item(blocks) => doc.blocks.extend(blocks),
                Frame::List { items, .. } => doc.blocks.extend(items.into_iter().flat_map(|i| i.blocks)),
                Frame::Footnote { label, blocks } => {
                    doc.footnotes.insert(label, blocks);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Text cut into pieces as small as can be reads as the whole does.
    #[test]
    fn a_text_read_in_pieces_is_the_text_read_whole() {
        let samples = [
            "# Title\n\nText.\n\n## One\n\n- a\n- b\n\n## Two\n\n1. x\n\n2. y\n\n### Three\n",
            "- a\n\n  b\n\n#tag\n\n- c\n- d\n\n# h\n",
            "> quote\n>\n> more\n\n# after\n\n    code\n\n# h\n\n| a | b |\n| - | - |\n| 1 | 2 |\n\n## t\n",
            "Setext\n===\n\n#\n\n## \\# escaped *emphasis\n\n# not closed* **x**\n",
            "中文 **粗体**\n\n# 第一章\n\n一、条款\n\n# 第二章\n",
            "```\ncode\n\n# inside\n```\n\n# h\n",
            "<div>\n\n# inside\n\n</div>\n",
            "Note[^1].\n\n# h\n\n[^1]: The note.\n",
            "[a link][r]\n\n# h\n\n[r]: https://example.com\n",
        ];
        for text in samples {
            let whole = parse_in_pieces(text, Reading::default(), usize::MAX);
            for reading in [Reading::default(), Reading { html: true, autolinks: true }] {
                assert_eq!(parse_in_pieces(text, reading, 1), parse_in_pieces(text, reading, usize::MAX), "{text:?}");
            }
            assert_eq!(parse(text), whole, "{text:?}");
        }
        assert!(pieces("a\n\n# b\n\n# c\n", 1).count() == 3);
        assert!(pieces("```\n\n# b\n```\n\n# c\n", 1).count() == 1);
    }

    #[test]
    fn tight_list_items_become_paragraphs() {
        let doc = parse("- a\n- b\n  - c\n");
        let Block::List { items, .. } = &doc.blocks[0] else { panic!("{:?}", doc.blocks) };
        assert_eq!(items.len(), 2);
        assert!(matches!(items[1].blocks[1], Block::List { .. }), "{items:?}");
    }

    #[test]
    fn deep_nesting_is_folded_not_recursed() {
        let quotes = format!("{}deep", "> ".repeat(5000));
        let doc = parse(&quotes);
        let mut blocks = &doc.blocks[..];
        let mut quotes = 0;
        while let [Block::Quote(inner)] = blocks {
            quotes += 1;
            blocks = inner;
        }
        assert_eq!(quotes, MAX_QUOTE_DEPTH);
        assert!(matches!(blocks, [Block::Paragraph { .. }]), "{blocks:?}");
        let lists: String = (0..200).map(|i| format!("{}- item {i}\n", "  ".repeat(i))).collect();
        let doc = parse(&lists);
        fn depth(blocks: &[Block]) -> usize {
            blocks
                .iter()
                .map(|b| match b {
                    Block::List { items, .. } => 1 + items.iter().map(|i| depth(&i.blocks)).max().unwrap_or(0),
                    _ => 0,
                })
                .max()
                .unwrap_or(0)
        }
        assert_eq!(depth(&doc.blocks), 9);
        assert!(format!("{:?}", doc.blocks).contains("item 199"), "nothing is lost");
    }

    /// Regression: a quote in a quote was flattened into one quote.
    #[test]
    fn nested_quotes_stay_nested_and_keep_their_headings() {
        let doc = parse("> ## Note\n>\n> outer\n>\n> > inner\n>\n> back\n");
        let [Block::Quote(outer)] = &doc.blocks[..] else { panic!("{doc:?}") };
        assert_eq!(outer[0], Block::heading(2, vec![Inline::text("Note")]));
        assert!(matches!(&outer[2], Block::Quote(inner) if crate::block_text(&inner[0]) == "inner"), "{outer:?}");
        assert_eq!(crate::block_text(&outer[3]), "back");
    }

    /// Regression: a UTF-8 byte-order mark before `# Heading` made the
    /// first heading a plain paragraph.
    #[test]
    fn a_byte_order_mark_does_not_hide_the_first_heading() {
        let doc = parse("\u{FEFF}# Title\n\nText.\n");
        assert_eq!(doc.blocks[0], Block::heading(1, vec![Inline::text("Title")]));
        assert!(!format!("{doc:?}").contains('\u{FEFF}'));
    }

    #[test]
    fn footnotes_are_collected_by_label() {
        let doc = parse("Text[^n].\n\n[^n]: The note.\n");
        assert!(doc.footnotes.contains_key("n"));
        assert_eq!(doc.blocks.len(), 1);
    }

    #[test]
    fn unsafe_links_are_only_their_text() {
        let doc = parse("[a](javascript:alert(1)) [b](file:///etc/passwd) [c](https://example.com) [d](#top)");
        let Block::Paragraph { inlines, .. } = &doc.blocks[0] else { panic!("{doc:?}") };
        let links: Vec<&str> = inlines
            .iter()
            .filter_map(|i| if let Inline::Link { url, .. } = i { Some(url.as_str()) } else { None })
            .collect();
        assert_eq!(links, ["https://example.com", "#top"]);
        assert_eq!(crate::plain_text(inlines), "a b c d");
    }
}
