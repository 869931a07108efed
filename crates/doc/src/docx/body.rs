//! Blocks → WordprocessingML text: the document body, its footnotes, and the
//! hyperlinks and list instances they need.
//!
//! The body is written directly, as text, in schema order. It is most of a
//! `.docx` and most of the time spent making one, so its hot paths push
//! fixed markup rather than go through the element writer (`xml.rs`) that
//! writes the parts around it. Every id in here (paragraphs, notes, links,
//! revisions, lists) is counted from the start of the document, so the same
//! input always gives the same text.

use std::collections::{BTreeMap, HashMap};

use policywright_i18n::{Message, heading_number, keys};

use super::DocxOptions;
use super::frame::{margins, page_size};
use super::styles::{self, BULLET_NUM, FIRST_ORDERED_NUM};
use super::xml::escape_into;
use crate::tree::{Align, Block, Change, Inline, Item, Row, Style, TitleBlock, VertAlign, block_text, plain_text};

/// What the body needs from the rest of the package.
#[derive(Debug, Default)]
pub struct Body {
    /// `document.xml` up to the end of the body's children: the start it
    /// was given, then every block. The section properties and closing tags
    /// are the package's.
    /// What `sink` was given before it is the start of this.
    pub xml: String,
    /// `w:footnote` elements, ids from 1 in order of reference.
    pub footnotes: String,
    /// Hyperlink targets; the n-th (from 1) is relationship `rIdLinkn` of
    /// `document.xml`.
    pub links: Vec<String>,
    /// The same for links inside footnotes, relationships of `footnotes.xml`.
    pub note_links: Vec<String>,
    /// List instances beyond the fixed ones: each ordered list, and each
    /// handbook part's heading lists, is its own `w:num` so that it restarts.
    pub lists: Vec<ListInstance>,
    /// Paragraph ids used so far; other parts continue after them.
    pub paragraphs: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListInstance {
    pub id: usize,
    pub abstract_id: usize,
    pub level: usize,
    pub start: usize,
}

/// The size from which the body hands its text over in pieces. Much
/// smaller, and each piece's fresh deflate window costs size; much larger,
/// and less of the deflating overlaps the writing.
pub const PIECE: usize = 256 * 1024;

/// The Quote style's left indent, in twips: each quote in a quote adds one.
const QUOTE_INDENT: i32 = 720;

/// A TOC entry: (Word TOC level from 1, text, begins a handbook part).
type TocEntry = (usize, String, bool);

/// Paragraph properties the writer uses, written in CT_PPr order.
#[derive(Default, Clone, Copy)]
struct Para<'s> {
    style: &'s str,
    keep_next: bool,
    page_break_before: bool,
    /// (num id, level)
    num: Option<(usize, usize)>,
    bottom_rule: bool,
    indent: Option<i32>,
    align: Option<&'static str>,
    /// Every run bold, as in a table's header row.
    bold: bool,
    /// The number of the TOC bookmark around the paragraph's text.
    bookmark: Option<u32>,
}

/// TOC bookmarks get ids of their own, clear of tracked-change ids.
const FIRST_BOOKMARK_ID: u32 = 1_000_000;

impl<'s> Para<'s> {
    fn styled(style: &'s str) -> Para<'s> {
        Para { style, ..Para::default() }
    }
}

/// Writes the body's children after `start`, the start of `document.xml`,
/// so the body (most of the package) is never copied into the document.
/// The blocks are the pieces of `blocks` one after another, so that a
/// caller can put blocks of its own into a document without copying it.
/// A `title` block comes first, in the styles pandoc and Word give one.
/// The body's text is handed to `sink` in pieces of about [`PIECE`] bytes,
/// each ending after a top-level block, so that it can be deflated while
/// the rest is written; the rest is [`Body::xml`].
pub fn write(
    blocks: &[&[Block]],
    footnotes: &BTreeMap<String, Vec<Block>>,
    title: Option<&TitleBlock>,
    opts: &DocxOptions,
    start: String,
    sink: &mut dyn FnMut(Vec<u8>),
) -> Body {
    let all = || blocks.iter().flat_map(|piece| piece.iter());
    let headings = if opts.toc { collect_headings(all(), opts) } else { Vec::new() };
    let mut w = Writer {
        opts,
        notes_by_label: footnotes,
        out: start,
        body: Body::default(),
        link_ids: HashMap::new(),
        note_link_ids: HashMap::new(),
        move_paragraphs: HashMap::new(),
        next_ordered: FIRST_ORDERED_NUM,
        revisions: 0,
        notes: 0,
        seen_title: false,
        parts: 0,
        part_lists: None,
        part_title_at: None,
        toc_written: false,
        toc_marks: 0,
        in_footnote: false,
        text_width: {
            let [_, right, _, left, _, _] = margins(opts);
            page_size(opts.page).0 - right - left
        },
    };
    if let Some(title) = title {
        w.title_block(title);
    }
    let mut blocks = all().peekable();
    while let Some(block) = blocks.next() {
        let next_is_table = matches!(blocks.peek(), Some(Block::Table { .. }));
        if let Block::Heading { level, .. } = block
            && opts.toc
            && !w.toc_written
            && (w.word_level(*level).is_some() || (opts.parts && w.seen_title))
        {
            w.toc(&headings);
        }
        w.block(block, 0, next_is_table, 0);
        // Word joins two tables with nothing between them into one.
        if next_is_table && matches!(block, Block::Table { .. }) {
            w.paragraph(Para::styled("Normal"), &[], None);
        }
        // Only between top-level blocks is `out` the body's (a footnote is
        // written into a string of its own) and its markup whole.
        if w.out.len() >= PIECE {
            let piece = std::mem::replace(&mut w.out, String::with_capacity(PIECE + PIECE / 2));
            sink(piece.into_bytes());
        }
    }
    w.body.xml = w.out;
    w.body
}

struct Writer<'a> {
    opts: &'a DocxOptions,
    notes_by_label: &'a BTreeMap<String, Vec<Block>>,
    /// Where paragraphs go: the body, or a footnote while one is written.
    out: String,
    body: Body,
    link_ids: HashMap<String, usize>,
    note_link_ids: HashMap<String, usize>,
    /// Paragraphs written so far of each (moved from here, move number).
    move_paragraphs: HashMap<(bool, u32), u32>,
    next_ordered: usize,
    revisions: u32,
    notes: u32,
    seen_title: bool,
    /// Handbook parts begun so far, and the heading lists of the current
    /// one from the second on: (list id in the styles, the part's own).
    parts: usize,
    part_lists: Option<Vec<(usize, usize)>>,
    /// The paragraph number of the latest part title.
    part_title_at: Option<u32>,
    toc_written: bool,
    /// TOC headings written so far: the next one's bookmark number.
    toc_marks: u32,
    in_footnote: bool,
    text_width: usize,
}

impl Writer<'_> {
    /// The Word heading level (1-based) of a Markdown heading, or `None` for
    /// the document title.
    fn word_level(&self, md_level: u8) -> Option<usize> {
        if self.opts.title_from_h1 {
            (md_level > 1).then(|| usize::from(md_level - 1))
        } else {
            Some(usize::from(md_level))
        }
    }

    /// The left indent of a block `quote` quotes deep (and `depth` lists
    /// deep), when it is in a quote: each quote indents as far as the
    /// Quote style does, so nested quotes stay nested.
    fn quote_indent(quote: usize, depth: usize) -> Option<i32> {
        let list = if depth > 0 { styles::list_indent(depth - 1) } else { 0 };
        (quote > 0).then(|| QUOTE_INDENT * i32::try_from(quote).unwrap_or(1) + list)
    }

    /// `quote` is how many quotes the block is in: its paragraphs take the
    /// Quote style, headings keep theirs, and both are indented by it.
    fn block(&mut self, block: &Block, depth: usize, before_table: bool, quote: usize) {
        let style = (quote > 0).then_some("Quote");
        // Only the document's own headings are listed in the TOC, not one
        // inside a quote or a list ([`collect_headings`] reads the top level).
        let top_level = depth == 0 && quote == 0;
        match block {
            Block::Heading { level, inlines, change } => {
                if self.opts.title_from_h1 && *level == 1 && !self.seen_title {
                    self.seen_title = true;
                    return self.paragraph(Para::styled("Title"), inlines, *change);
                }
                if self.opts.parts && *level == 1 {
                    self.start_part();
                    let bookmark = if top_level { self.toc_mark(1) } else { None };
                    return self.paragraph(Para { bookmark, ..Para::styled("PartTitle") }, inlines, *change);
                }
                let word = self.word_level(*level).unwrap_or(1).min(6);
                let name = ["Heading1", "Heading2", "Heading3", "Heading4", "Heading5", "Heading6"][word - 1];
                // Chapters start on a new page, the way printed regulations do,
                // except the first of a handbook part, which follows its title.
                let first_of_part = self.last_was_part_title();
                let mut para = Para {
                    page_break_before: word == 1
                        && self.opts.numbering.is_some()
                        && self.opts.chapter_breaks
                        && !first_of_part,
                    bookmark: if top_level { self.toc_mark(toc_level(*level, self.opts)) } else { None },
                    indent: Self::quote_indent(quote, depth),
                    ..Para::styled(name)
                };
                // From a handbook's second part on, headings use the part's own lists.
                if let (Some(scheme), Some(lists)) = (self.opts.numbering, &self.part_lists)
                    && word <= 3
                {
                    let (num, level) = styles::heading_num(scheme, word - 1);
                    let own = lists.iter().find(|(shared, _)| *shared == num).map_or(num, |(_, own)| *own);
                    para.num = Some((own, level));
                }
                self.paragraph(para, inlines, *change);
            }
            Block::Paragraph { inlines, change } => {
                let all_bold = !inlines.is_empty()
                    && inlines.iter().all(|i| matches!(i, Inline::Text { style, .. } if style.bold));
                let mut para = if before_table && all_bold {
                    Para { keep_next: true, ..Para::styled("Caption") }
                } else {
                    Para::styled("BodyText")
                };
                if let Some(style) = style {
                    para.style = style;
                }
                // A first-level quote is indented by its style; deeper ones
                // and list content by the paragraph.
                if quote > 1 || depth > 0 {
                    para.indent = Self::quote_indent(quote, depth).or_else(|| Some(styles::list_indent(depth - 1)));
                }
                self.paragraph(para, inlines, *change);
            }
            Block::List { start, items } => self.list(*start, items, depth, quote),
            Block::Table { align, head, rows } => self.table(align, head, rows),
            Block::Quote(blocks) => {
                for b in blocks {
                    self.block(b, depth, false, quote + 1);
                }
            }
            // One paragraph with line breaks, not a paragraph per line: the
            // block's shading and spacing then frame it whole, and a reader
            // that reflows or copies it keeps it one piece.
            Block::Code { text, change } => {
                let mut inlines = Vec::with_capacity(2 * text.lines().count().max(1));
                for (i, line) in text.split('\n').enumerate() {
                    if i > 0 {
                        inlines.push(Inline::HardBreak { change: *change });
                    }
                    let line = line.replace('\t', "    ");
                    if !line.is_empty() {
                        inlines.push(Inline::Text { text: line, style: Style::default(), change: *change });
                    }
                }
                let para = Para { indent: Self::quote_indent(quote, depth), ..Para::styled("Code") };
                self.paragraph(para, &inlines, *change);
            }
            // A rule is an empty paragraph with a bottom border, as Word draws one.
            Block::Rule => {
                let para =
                    Para { bottom_rule: true, indent: Self::quote_indent(quote, depth), ..Para::styled("Normal") };
                self.paragraph(para, &[], None)
            }
        }
    }

    fn title_block(&mut self, title: &TitleBlock) {
        let lines = std::iter::once(("Title", &title.title))
            .chain(title.authors.iter().map(|a| ("Author", a)))
            .chain(std::iter::once(("Date", &title.date)));
        for (style, text) in lines.filter(|(_, text)| !text.is_empty()) {
            self.paragraph(Para::styled(style), &[Inline::text(text.as_str())], None);
        }
    }

    /// A handbook part begins: from the second on, its headings get lists of
    /// their own that start at 1 again.
    fn start_part(&mut self) {
        // With frames of their own, each part is a section: the one before
        // it (the cover and contents, or the previous part) ends here.
        if !self.opts.part_frames.is_empty() && !self.in_footnote {
            let section = match self.parts {
                0 => super::frame::Section::whole(super::frame::header_text(self.opts).is_some(), false),
                n => super::frame::Section::part(n),
            };
            self.out = super::frame::section_break(std::mem::take(&mut self.out), self.opts, &section);
        }
        self.parts += 1;
        self.part_title_at = Some(self.body.paragraphs + 1);
        let Some(scheme) = self.opts.numbering else { return };
        if self.parts < 2 {
            return;
        }
        let lists = styles::heading_numbering(scheme)
            .iter()
            .map(|abs| {
                let id = self.next_ordered;
                self.next_ordered += 1;
                self.body.lists.push(ListInstance { id, abstract_id: abs.id, level: 0, start: 1 });
                (abs.id, id)
            })
            .collect();
        self.part_lists = Some(lists);
    }

    /// The bookmark number of a heading the TOC lists, counted in the same
    /// order as [`collect_headings`], so entry n links to heading n.
    fn toc_mark(&mut self, level: usize) -> Option<u32> {
        if !self.opts.toc || level > self.opts.toc_depth.min(TOC_DEPTH) || self.in_footnote {
            return None;
        }
        self.toc_marks += 1;
        Some(self.toc_marks)
    }

    /// Whether the paragraph just written is a part's title.
    fn last_was_part_title(&self) -> bool {
        self.part_title_at == Some(self.body.paragraphs)
    }

    fn list(&mut self, start: Option<u64>, items: &[Item], depth: usize, quote: usize) {
        let style = if quote > 0 { "Quote" } else { "ListParagraph" };
        let num = match start {
            Some(n) => {
                let id = self.next_ordered;
                self.next_ordered += 1;
                let start = usize::try_from(n).unwrap_or(1);
                self.body.lists.push(ListInstance { id, abstract_id: styles::ORDERED_ABSTRACT, level: depth, start });
                id
            }
            None => BULLET_NUM,
        };
        for item in items {
            for (i, block) in item.blocks.iter().enumerate() {
                match block {
                    Block::Paragraph { inlines, change } if i == 0 => {
                        let para = Para { num: Some((num, depth.min(8))), ..Para::styled(style) };
                        self.paragraph(para, inlines, *change);
                    }
                    Block::List { start, items } => self.list(*start, items, depth + 1, quote),
                    other => self.block(other, depth + 1, false, quote),
                }
            }
        }
    }

    fn table(&mut self, align: &[Align], head: &[Vec<Inline>], rows: &[Row]) {
        let columns = head.len().max(rows.iter().map(|r| r.cells.len()).max().unwrap_or(0)).max(1);
        let widths = column_widths(head, rows, columns, self.text_width);
        let out = &mut self.out;
        out.push_str("<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\" /><w:tblW w:w=\"");
        push_num(out, widths.iter().sum::<usize>());
        out.push_str("\" w:type=\"dxa\" /><w:jc w:val=\"left\" /><w:tblBorders>");
        for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
            out.push_str("<w:");
            out.push_str(side);
            out.push_str(" w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"7F7F7F\" />");
        }
        out.push_str("</w:tblBorders><w:tblLayout w:type=\"fixed\" /></w:tblPr><w:tblGrid>");
        for w in &widths {
            out.push_str("<w:gridCol w:w=\"");
            push_num(out, *w);
            out.push_str("\" />");
        }
        out.push_str("</w:tblGrid>");
        if !head.is_empty() {
            // The header row repeats on every page the table runs over.
            self.out.push_str(
                "<w:tr><w:trPr><w:cantSplit /><w:trHeight w:val=\"397\" w:hRule=\"atLeast\" /><w:tblHeader /></w:trPr>",
            );
            for (col, width) in widths.iter().enumerate() {
                self.cell(head.get(col), align.get(col), *width, true, None);
            }
            self.out.push_str("</w:tr>");
        }
        let merges = vertical_merges(rows, columns, self.opts);
        for (r, row) in rows.iter().enumerate() {
            self.out.push_str("<w:tr><w:trPr><w:cantSplit />");
            // A row inserted or deleted whole is a tracked row change.
            match row.change {
                Some(c) if c.is_old() => self.revision_mark("w:del"),
                Some(c) if c.is_new() => self.revision_mark("w:ins"),
                _ => {}
            }
            self.out.push_str("</w:trPr>");
            for (col, width) in widths.iter().enumerate() {
                let merge = merges.get(r).and_then(|m| m.get(col)).copied().flatten();
                self.cell(row.cells.get(col), align.get(col), *width, false, merge);
            }
            self.out.push_str("</w:tr>");
        }
        self.out.push_str("</w:tbl>");
    }

    fn cell(
        &mut self,
        inlines: Option<&Vec<Inline>>,
        align: Option<&Align>,
        width: usize,
        header: bool,
        merge: Option<Merge>,
    ) {
        self.out.push_str("<w:tc><w:tcPr><w:tcW w:w=\"");
        push_num(&mut self.out, width);
        self.out.push_str("\" w:type=\"dxa\" />");
        match merge {
            Some(Merge::Restart) => self.out.push_str("<w:vMerge w:val=\"restart\" />"),
            Some(Merge::Continue) => self.out.push_str("<w:vMerge />"),
            None => {}
        }
        if header {
            self.out.push_str("<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"E7ECF2\" />");
        }
        if merge == Some(Merge::Restart) {
            self.out.push_str("<w:vAlign w:val=\"center\" />");
        }
        self.out.push_str("</w:tcPr>");
        let para = Para {
            align: match align {
                Some(Align::Right) => Some("right"),
                Some(Align::Center) => Some("center"),
                _ => None,
            },
            bold: header,
            ..Para::styled("TableText")
        };
        // A row inserted or deleted whole is marked on the row, and its text
        // on the runs; the paragraph mark of each cell stays unmarked. Marked
        // cell paragraphs made LibreOffice count them into the list numbering
        // of the headings, printing every later chapter as "第二章[第一章]".
        self.paragraph(para, inlines.map_or(&[][..], Vec::as_slice), None);
        self.out.push_str("</w:tc>");
    }

    /// `<w:ins … />` or `<w:del … />` with the next revision id.
    fn revision_mark(&mut self, name: &str) {
        self.revision_tag(name, true);
    }

    /// The start tag of a tracked change with the next revision id.
    fn revision_open(&mut self, name: &str) {
        self.revision_tag(name, false);
    }

    fn revision_tag(&mut self, name: &str, empty: bool) {
        let Some(by) = &self.opts.revision else { return };
        self.revisions += 1;
        self.out.push('<');
        self.out.push_str(name);
        self.out.push_str(" w:id=\"");
        push_num(&mut self.out, self.revisions as usize);
        self.out.push_str("\" w:author=\"");
        escape_into(&mut self.out, &by.author, true);
        self.out.push_str("\" w:date=\"");
        escape_into(&mut self.out, &by.date, true);
        self.out.push_str(if empty { "\" />" } else { "\">" });
    }

    fn paragraph_start(&mut self, para: Para<'_>) {
        self.body.paragraphs += 1;
        self.out.push_str("<w:p w14:paraId=\"");
        push_para_id(&mut self.out, self.body.paragraphs);
        self.out.push_str("\"><w:pPr><w:pStyle w:val=\"");
        self.out.push_str(para.style);
        self.out.push_str("\" />");
        if para.keep_next {
            self.out.push_str("<w:keepNext />");
        }
        if para.page_break_before {
            self.out.push_str("<w:pageBreakBefore />");
        }
        if let Some((num, level)) = para.num {
            self.out.push_str("<w:numPr><w:ilvl w:val=\"");
            push_num(&mut self.out, level);
            self.out.push_str("\" /><w:numId w:val=\"");
            push_num(&mut self.out, num);
            self.out.push_str("\" /></w:numPr>");
        }
        if para.bottom_rule {
            self.out
                .push_str("<w:pBdr><w:bottom w:val=\"single\" w:sz=\"6\" w:space=\"1\" w:color=\"7F7F7F\" /></w:pBdr>");
        }
        if let Some(indent) = para.indent {
            self.out.push_str("<w:ind w:left=\"");
            self.out.push_str(&indent.to_string());
            self.out.push_str("\" />");
        }
        if let Some(align) = para.align {
            self.out.push_str("<w:jc w:val=\"");
            self.out.push_str(align);
            self.out.push_str("\" />");
        }
    }

    /// A paragraph; `change` is its own (the block's), which its mark
    /// carries, so accepting a deleted paragraph removes the paragraph itself.
    fn paragraph(&mut self, para: Para<'_>, inlines: &[Inline], change: Option<Change>) {
        let base = Style { bold: para.bold, ..Style::default() };
        self.paragraph_start(para);
        if self.opts.revision.is_some()
            && let Some(change) = change
        {
            let mark = match change {
                Change::Inserted => "w:ins",
                Change::Deleted => "w:del",
                Change::MovedFrom(_) => "w:moveFrom",
                Change::MovedTo(_) => "w:moveTo",
            };
            self.out.push_str("<w:rPr>");
            self.revision_mark(mark);
            self.out.push_str("</w:rPr>");
        }
        self.out.push_str("</w:pPr>");
        if let Some(n) = para.bookmark {
            self.out.push_str("<w:bookmarkStart w:id=\"");
            push_num(&mut self.out, (FIRST_BOOKMARK_ID + n) as usize);
            self.out.push_str("\" w:name=\"");
            push_bookmark_name(&mut self.out, n);
            self.out.push_str("\" />");
        }
        // A moved paragraph sits in a named move range; the range at the old
        // place and the one at the new place share the name, which is what
        // makes Word show a move rather than a deletion and an insertion.
        let moved = match change {
            Some(Change::MovedFrom(n)) => Some((true, n)),
            Some(Change::MovedTo(n)) => Some((false, n)),
            _ => None,
        };
        let range = match (&self.opts.revision, moved) {
            (Some(_), Some((from, id))) if !self.in_footnote => {
                let count = self.move_paragraphs.entry((from, id)).or_insert(0);
                *count += 1;
                let name = format!("move{id}_{count}");
                let element = if from { "w:moveFromRange" } else { "w:moveToRange" };
                self.revisions += 1;
                let range_id = self.revisions;
                self.move_range_start(element, range_id, &name);
                Some((element, range_id))
            }
            _ => None,
        };
        self.inlines(inlines, base);
        if let Some((element, range_id)) = range {
            self.out.push('<');
            self.out.push_str(element);
            self.out.push_str("End w:id=\"");
            push_num(&mut self.out, range_id as usize);
            self.out.push_str("\" />");
        }
        if let Some(n) = para.bookmark {
            self.out.push_str("<w:bookmarkEnd w:id=\"");
            push_num(&mut self.out, (FIRST_BOOKMARK_ID + n) as usize);
            self.out.push_str("\" />");
        }
        self.out.push_str("</w:p>");
    }

    fn move_range_start(&mut self, element: &str, range_id: u32, name: &str) {
        let Some(by) = &self.opts.revision else { return };
        self.out.push('<');
        self.out.push_str(element);
        self.out.push_str("Start w:id=\"");
        push_num(&mut self.out, range_id as usize);
        self.out.push_str("\" w:name=\"");
        self.out.push_str(name);
        self.out.push_str("\" w:author=\"");
        escape_into(&mut self.out, &by.author, true);
        self.out.push_str("\" w:date=\"");
        escape_into(&mut self.out, &by.date, true);
        self.out.push_str("\" />");
    }

    fn inlines(&mut self, inlines: &[Inline], base: Style) {
        for inline in inlines {
            match inline {
                Inline::Text { text, style, change } => self.tracked_run(text, merge(base, *style), *change, None),
                Inline::HardBreak { change } => self.tracked(*change, |w| w.out.push_str("<w:r><w:br /></w:r>")),
                Inline::Link { url, children } => {
                    // Each part has its own relationships; one id per target.
                    let (ids, links) = if self.in_footnote {
                        (&mut self.note_link_ids, &mut self.body.note_links)
                    } else {
                        (&mut self.link_ids, &mut self.body.links)
                    };
                    let next = ids.len() + 1;
                    let id = *ids.entry(url.clone()).or_insert(next);
                    if id == next {
                        links.push(url.clone());
                    }
                    self.out.push_str("<w:hyperlink r:id=\"rIdLink");
                    push_num(&mut self.out, id);
                    self.out.push_str("\" w:history=\"1\">");
                    for child in children {
                        // Only runs may sit in a hyperlink; anything else
                        // (a note cited in link text) goes after it.
                        if let Inline::Text { text, style, change } = child {
                            self.tracked_run(text, merge(base, *style), *change, Some("Hyperlink"));
                        }
                    }
                    self.out.push_str("</w:hyperlink>");
                    for child in children.iter().filter(|c| !matches!(c, Inline::Text { .. })) {
                        self.inlines(std::slice::from_ref(child), base);
                    }
                }
                Inline::FootnoteRef { label, change } => self.footnote(label, base, *change),
            }
        }
    }

    fn footnote(&mut self, label: &str, base: Style, change: Option<Change>) {
        // A note that cites a note (even itself) would never end; inside a
        // note the reference stays as written.
        let blocks = if self.in_footnote { None } else { self.notes_by_label.get(label) };
        let Some(blocks) = blocks else {
            // An undefined note prints as written, like any reader does.
            return self.tracked_run(&format!("[^{label}]"), base, change, None);
        };
        self.notes += 1;
        let id = self.notes;
        self.tracked(change, |w| {
            w.out.push_str("<w:r><w:rPr><w:rStyle w:val=\"FootnoteReference\" /></w:rPr><w:footnoteReference w:id=\"");
            push_num(&mut w.out, id as usize);
            w.out.push_str("\" /></w:r>");
        });
        // The note is written where its paragraphs would go, then moved.
        let body = std::mem::replace(&mut self.out, String::with_capacity(512));
        self.in_footnote = true;
        self.out.push_str("<w:footnote w:id=\"");
        push_num(&mut self.out, id as usize);
        self.out.push_str("\">");
        let mut first = true;
        for block in blocks {
            let owned;
            let inlines = match block {
                Block::Paragraph { inlines: i, .. } | Block::Heading { inlines: i, .. } => i.as_slice(),
                other => {
                    owned = [Inline::text(block_text(other))];
                    &owned[..]
                }
            };
            self.paragraph_start(Para::styled("FootnoteText"));
            self.out.push_str("</w:pPr>");
            // Word prints a note's number only where the note says so.
            if first {
                self.out.push_str(concat!(
                    "<w:r><w:rPr><w:rStyle w:val=\"FootnoteReference\" /></w:rPr><w:footnoteRef /></w:r>",
                    "<w:r><w:t xml:space=\"preserve\"> </w:t></w:r>"
                ));
                first = false;
            }
            self.inlines(inlines, Style::default());
            self.out.push_str("</w:p>");
        }
        if first {
            // A note defined empty still needs a paragraph.
            self.paragraph_start(Para::styled("FootnoteText"));
            self.out.push_str(
                "</w:pPr><w:r><w:rPr><w:rStyle w:val=\"FootnoteReference\" /></w:rPr><w:footnoteRef /></w:r></w:p>",
            );
        }
        self.out.push_str("</w:footnote>");
        self.in_footnote = false;
        let note = std::mem::replace(&mut self.out, body);
        self.body.footnotes.push_str(&note);
    }

    /// Whatever `write` writes, inside a tracked change when there is one.
    fn tracked(&mut self, change: Option<Change>, write: impl FnOnce(&mut Self)) {
        let wrapper = match (&self.opts.revision, change) {
            (Some(_), Some(Change::Inserted)) => Some("w:ins"),
            (Some(_), Some(Change::Deleted)) => Some("w:del"),
            (Some(_), Some(Change::MovedFrom(_))) => Some("w:moveFrom"),
            (Some(_), Some(Change::MovedTo(_))) => Some("w:moveTo"),
            _ => None,
        };
        if let Some(name) = wrapper {
            self.revision_open(name);
        }
        write(self);
        if let Some(name) = wrapper {
            self.out.push_str("</");
            self.out.push_str(name);
            self.out.push('>');
        }
    }

    /// A run of text, inside a tracked change when it is one.
    fn tracked_run(&mut self, text: &str, style: Style, change: Option<Change>, char_style: Option<&str>) {
        // Deleted text is stored as w:delText, or Word shows it as live text.
        let deleted = self.opts.revision.is_some() && change.is_some_and(Change::is_old);
        self.tracked(change, |w| w.run(text, style, char_style, deleted));
    }

    fn run(&mut self, text: &str, style: Style, char_style: Option<&str>, deleted: bool) {
        self.out.push_str("<w:r>");
        let char_style = if style.code { Some("CodeChar") } else { char_style };
        if char_style.is_some() || style.bold || style.italic || style.strike || style.vert != VertAlign::Baseline {
            self.out.push_str("<w:rPr>");
            if let Some(name) = char_style {
                self.out.push_str("<w:rStyle w:val=\"");
                self.out.push_str(name);
                self.out.push_str("\" />");
            }
            if style.bold {
                self.out.push_str("<w:b /><w:bCs />");
            }
            if style.italic {
                self.out.push_str("<w:i /><w:iCs />");
            }
            if style.strike {
                self.out.push_str("<w:strike />");
            }
            match style.vert {
                VertAlign::Baseline => {}
                VertAlign::Super => self.out.push_str("<w:vertAlign w:val=\"superscript\" />"),
                VertAlign::Sub => self.out.push_str("<w:vertAlign w:val=\"subscript\" />"),
            }
            self.out.push_str("</w:rPr>");
        }
        let tag = if deleted { "w:delText" } else { "w:t" };
        self.out.push('<');
        self.out.push_str(tag);
        self.out.push_str(" xml:space=\"preserve\">");
        escape_into(&mut self.out, text, false);
        self.out.push_str("</");
        self.out.push_str(tag);
        self.out.push_str("></w:r>");
    }

    fn toc(&mut self, headings: &[TocEntry]) {
        self.toc_written = true;
        // A handbook lists its parts and their chapters; a policy its
        // chapters and articles.
        let mut counters = [0u32; 3];
        let entries: Vec<(usize, String)> = headings
            .iter()
            .filter(|(l, _, _)| *l <= self.opts.toc_depth.min(TOC_DEPTH))
            .map(|(level, text, part)| {
                if *part {
                    counters = [0; 3];
                    return (*level, text.clone());
                }
                let label = match self.opts.numbering {
                    Some(scheme) => {
                        // In a handbook, chapters are listed one level down.
                        let depth = level - 1 - usize::from(self.opts.parts);
                        counters[depth] += 1;
                        for (i, c) in counters.iter_mut().enumerate().skip(depth + 1) {
                            // 第…条 run on across chapters.
                            if !(scheme.articles_run_on() && depth == 0 && i == 1) {
                                *c = 0;
                            }
                        }
                        format!("{}{text}", heading_number(scheme, depth, &counters))
                    }
                    None => text.clone(),
                };
                (*level, label)
            })
            .collect();
        if entries.is_empty() {
            return;
        }
        let heading = Inline::text(Message::new(keys::docx::CONTENTS).render(self.opts.locale));
        self.paragraph(
            Para { page_break_before: true, ..Para::styled("TOCHeading") },
            std::slice::from_ref(&heading),
            None,
        );
        // The entries are not wrapped in a TOC field: LibreOffice keeps a TOC
        // field's text as it was written, so its page numbers would never be
        // real. Each entry links to its heading's bookmark instead, and a
        // PAGEREF field gives its page, which LibreOffice and WPS fill in at
        // layout and Word when it updates fields on opening (settings carry
        // w:updateFields).
        for (i, (level, label)) in entries.iter().enumerate() {
            let style = ["TOC1", "TOC2"][level - 1];
            self.paragraph_start(Para::styled(style));
            // The page number stands at the right margin after a dotted leader.
            self.out.push_str("<w:tabs><w:tab w:val=\"right\" w:leader=\"dot\" w:pos=\"");
            push_num(&mut self.out, self.text_width);
            self.out.push_str("\" /></w:tabs></w:pPr>");
            let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
            self.out.push_str("<w:hyperlink w:anchor=\"");
            push_bookmark_name(&mut self.out, n);
            self.out.push_str("\" w:history=\"1\">");
            self.tracked_run(label, Style::default(), None, None);
            self.out.push_str("<w:r><w:tab /></w:r><w:r><w:fldChar w:fldCharType=\"begin\" w:dirty=\"true\" /></w:r>");
            self.out.push_str("<w:r><w:instrText xml:space=\"preserve\"> PAGEREF ");
            push_bookmark_name(&mut self.out, n);
            self.out.push_str(" \\h </w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"separate\" /></w:r>");
            self.out.push_str("<w:r><w:fldChar w:fldCharType=\"end\" /></w:r></w:hyperlink></w:p>");
        }
    }
}

fn merge(a: Style, b: Style) -> Style {
    Style {
        bold: a.bold || b.bold,
        italic: a.italic || b.italic,
        strike: a.strike || b.strike,
        code: a.code || b.code,
        vert: if b.vert == VertAlign::Baseline { a.vert } else { b.vert },
    }
}

fn push_num(out: &mut String, n: usize) {
    use std::fmt::Write;
    let _ = write!(out, "{n}");
}

/// Paragraph ids are eight hex digits, below 0x80000000 as Word requires.
fn push_para_id(out: &mut String, n: u32) {
    use std::fmt::Write;
    let _ = write!(out, "{:08X}", n & 0x7FFF_FFFF);
}

/// How deep a TOC can go: parts or chapters, and the level below.
const TOC_DEPTH: usize = 2;

/// `_Toc` followed by the number, the bookmark names Word gives TOC targets.
fn push_bookmark_name(out: &mut String, n: u32) {
    use std::fmt::Write;
    let _ = write!(out, "_Toc{n:08}");
}

/// The TOC level of a heading that is not the title or a part's.
fn toc_level(md_level: u8, opts: &DocxOptions) -> usize {
    let word = if opts.title_from_h1 { usize::from(md_level).saturating_sub(1).max(1) } else { usize::from(md_level) };
    // In a handbook every heading sits one level below its part.
    word + usize::from(opts.parts)
}

/// Word heading levels and texts of every heading, for the TOC.
pub fn collect_headings<'b>(blocks: impl Iterator<Item = &'b Block>, opts: &DocxOptions) -> Vec<TocEntry> {
    let mut seen_title = false;
    blocks
        .filter_map(|b| match b {
            Block::Heading { level, inlines, .. } => {
                if opts.title_from_h1 && *level == 1 && !seen_title {
                    seen_title = true;
                    return None;
                }
                if opts.parts && *level == 1 {
                    return Some((1, plain_text(inlines), true));
                }
                Some((toc_level(*level, opts), plain_text(inlines), false))
            }
            _ => None,
        })
        .collect()
}

/// A cell's part in a vertical merge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Merge {
    Restart,
    Continue,
}

/// Which cells merge down. In a policy's own tables, a row that leaves its
/// first cells empty and goes on with content belongs under the row above
/// (an indicator under its category): those cells merge into the one above.
/// Nowhere else, since in any other Markdown an empty cell is just empty, and
/// not in a redline, whose rows come and go on their own.
fn vertical_merges(rows: &[Row], columns: usize, opts: &DocxOptions) -> Vec<Vec<Option<Merge>>> {
    let mut out = vec![vec![None; columns]; rows.len()];
    if !opts.title_from_h1 || opts.numbering.is_none() || opts.revision.is_some() {
        return out;
    }
    let empty = |cell: Option<&Vec<Inline>>| cell.is_none_or(|c| plain_text(c).trim().is_empty());
    for r in 1..rows.len() {
        let cells = &rows[r].cells;
        let lead = (0..columns).take_while(|&c| empty(cells.get(c))).count();
        if lead == 0 || lead == columns {
            continue;
        }
        let (before, after) = out.split_at_mut(r);
        let (above, here) = (&mut before[r - 1], &mut after[0]);
        for (c, (up, cell)) in above.iter_mut().zip(here.iter_mut()).enumerate().take(lead) {
            if empty(rows[r - 1].cells.get(c)) && up.is_none() {
                continue;
            }
            *cell = Some(Merge::Continue);
            if up.is_none() {
                *up = Some(Merge::Restart);
            }
        }
    }
    out
}

/// Display width of text: CJK characters take two columns.
fn display_width(text: &str) -> usize {
    text.chars().map(|c| if (c as u32) >= 0x1100 { 2 } else { 1 }).sum()
}

/// Widths in twips that follow how much each column holds. Columns whose
/// content fits in less than a fair share get all they need (a weight, a grade,
/// a short name never wraps); the wide columns share what is left.
fn column_widths(head: &[Vec<Inline>], rows: &[Row], columns: usize, total: usize) -> Vec<usize> {
    // One display column is about a digit's width of 10-point bold text.
    const UNIT: usize = 110;
    let mut natural = vec![6 * UNIT; columns];
    // Columns that must wrap share the room by how much they hold on average,
    // so one long name does not starve a column of descriptions.
    let mut total_chars = vec![0usize; columns];
    let mut rows_seen = 0usize;
    for (r, row) in std::iter::once(head).chain(rows.iter().map(|r| r.cells.as_slice())).enumerate() {
        for (i, cell) in row.iter().enumerate().take(columns) {
            // Long cells wrap; past about 60 columns more width buys little.
            let width = display_width(&plain_text(cell)).min(60);
            // Header text is bold; cell margins take about four columns.
            let width = if r == 0 { width * 6 / 5 } else { width };
            natural[i] = natural[i].max((width + 4) * UNIT);
            if r > 0 {
                total_chars[i] += width;
            }
        }
        rows_seen += usize::from(r > 0);
    }
    let average: Vec<usize> = (0..columns).map(|i| ((total_chars[i] / rows_seen.max(1)) + 4).max(6) * UNIT).collect();
    let mut widths = vec![0usize; columns];
    let mut open: Vec<usize> = (0..columns).collect();
    let mut left = total;
    // Water-filling: settle every column that needs at most half an even share.
    loop {
        let share = left / open.len().max(1);
        let (small, large): (Vec<usize>, Vec<usize>) = open.iter().partition(|&&i| natural[i] * 2 <= share);
        if small.is_empty() || large.is_empty() {
            break;
        }
        for i in small {
            widths[i] = natural[i];
            left -= natural[i];
        }
        open = large;
    }
    let weight = |i: usize| average[i].min(natural[i]);
    let want: usize = open.iter().map(|&i| weight(i)).sum::<usize>().max(1);
    for &i in &open {
        widths[i] = left * weight(i) / want;
    }
    // No column is narrower than its header needs: the longest English word,
    // or up to four Chinese characters on one line, so a column that is empty
    // in every row still reads "Positions" and "对应岗位", not one letter a line.
    let floors: Vec<usize> = (0..columns).map(|i| head.get(i).map_or(0, |h| header_floor(&plain_text(h)))).collect();
    let short: usize = (0..columns).map(|i| floors[i].saturating_sub(widths[i])).sum();
    let spare: usize = (0..columns).map(|i| widths[i].saturating_sub(floors[i])).sum();
    if short > 0 && spare >= short {
        let surplus: Vec<usize> = (0..columns).map(|i| widths[i].saturating_sub(floors[i])).collect();
        for i in 0..columns {
            if widths[i] < floors[i] {
                widths[i] = floors[i];
            } else {
                widths[i] -= short * surplus[i] / spare;
            }
        }
    }
    let assigned: usize = widths.iter().sum();
    if let Some(last) = widths.iter_mut().rev().find(|w| **w > 0) {
        *last += total.saturating_sub(assigned);
    }
    widths
}

/// The width in twips a header cell needs so that it does not break inside
/// a word: its longest word in bold, or for Chinese, up to four characters
/// (two lines of a longer header are fine), with the cell's margins.
fn header_floor(text: &str) -> usize {
    const UNIT: usize = 110;
    let cjk = text.chars().filter(|c| u32::from(*c) >= 0x1100).count();
    let word = text.split_whitespace().map(display_width).max().unwrap_or(0);
    let need = if cjk > 0 { (cjk.min(4) * 2).max(word.min(8)) } else { word };
    (need * 6 / 5 + 4) * UNIT
}
