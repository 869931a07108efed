//! Blocks → a docx-rs document.

use std::collections::BTreeMap;

use docx_rs::{
    AlignmentType, BorderType, BreakType, Docx, FieldCharType, Footer, Footnote, Header, HeightRule, Hyperlink,
    HyperlinkType, IndentLevel, InstrNUMPAGES, InstrPAGE, InstrText, NumberingId, PageMargin, Paragraph, Run, Shading,
    ShdType, Table, TableBorder, TableBorderPosition, TableBorders, TableCell, TableLayoutType, TableRow, WidthType,
};
use pulldown_cmark::Alignment;

use super::blocks::{Block, Doc, Inline, Marks, plain_text};
use super::styles::{self, BULLET_NUM, FIRST_ORDERED_NUM};
use super::{DocxOptions, PageSize};
use crate::markdown::heading_number;

/// Height of a table's header row, in twips. It doubles as the marker the
/// package step looks for to add `w:tblHeader`, which docx-rs cannot write.
pub const HEADER_ROW_HEIGHT: f32 = 397.0;

pub struct Writer<'a> {
    opts: &'a DocxOptions,
    docx: Docx,
    /// Body content, added to `docx` in one go at the end: docx-rs builders
    /// take `self` by value, and re-adding one by one would copy the document.
    items: Vec<Item>,
    numberings: Vec<docx_rs::Numbering>,
    footnotes: BTreeMap<String, Vec<Block>>,
    next_ordered: usize,
    seen_title: bool,
    toc_written: bool,
    /// Counters for the number text of TOC entries.
    counters: [u32; 3],
    in_footnote: bool,
}

impl<'a> Writer<'a> {
    pub fn new(opts: &'a DocxOptions) -> Writer<'a> {
        let mut docx = Docx::new()
            .default_fonts(styles::default_fonts(opts.locale))
            .default_size(styles::BODY_SIZE)
            .add_abstract_numbering(styles::bullet_numbering())
            .add_numbering(docx_rs::Numbering::new(BULLET_NUM, BULLET_NUM))
            .add_abstract_numbering(styles::ordered_numbering());
        for style in styles::styles(opts.locale, opts.numbering) {
            docx = docx.add_style(style);
        }
        if let Some(scheme) = opts.numbering {
            for abs in styles::heading_numbering(scheme) {
                let id = abs.id;
                docx = docx.add_abstract_numbering(abs).add_numbering(docx_rs::Numbering::new(id, id));
            }
        }
        let (w, h) = match opts.page {
            PageSize::A4 => (11906, 16838),
            PageSize::Letter => (12240, 15840),
        };
        let side = match opts.page {
            PageSize::A4 => 1588,
            PageSize::Letter => 1440,
        };
        docx = docx
            .page_size(w, h)
            .page_margin(PageMargin::new().top(1440).bottom(1440).left(side).right(side).header(720).footer(720));
        Writer {
            opts,
            docx,
            items: Vec::new(),
            numberings: Vec::new(),
            footnotes: BTreeMap::new(),
            next_ordered: FIRST_ORDERED_NUM,
            seen_title: false,
            toc_written: false,
            counters: [0; 3],
            in_footnote: false,
        }
    }

    pub fn text_width(&self) -> usize {
        match self.opts.page {
            PageSize::A4 => 11906 - 2 * 1588,
            PageSize::Letter => 12240 - 2 * 1440,
        }
    }

    /// A writer for the second part of a document written in two halves: the
    /// title and the TOC are behind it, and its ordered lists take ids from
    /// `first_ordered` so they never collide with the first half's.
    pub fn continuation(opts: &'a DocxOptions, first_ordered: usize) -> Writer<'a> {
        let mut w = Writer::new(opts);
        w.seen_title = true;
        w.toc_written = true;
        w.next_ordered = first_ordered;
        w
    }

    pub fn write(self, doc: Doc) -> Docx {
        let headings = collect_headings(&doc.blocks, self.opts);
        self.write_part(doc.blocks, doc.footnotes, &headings)
    }

    /// Writes `blocks`; `headings` are the whole document's, for the TOC.
    pub fn write_part(
        mut self,
        blocks: Vec<Block>,
        footnotes: BTreeMap<String, Vec<Block>>,
        headings: &[(usize, String)],
    ) -> Docx {
        self.footnotes = footnotes;
        let mut blocks = blocks.into_iter().peekable();
        while let Some(block) = blocks.next() {
            let next_is_table = matches!(blocks.peek(), Some(Block::Table { .. }));
            if let Block::Heading { level, .. } = &block
                && self.opts.toc
                && !self.toc_written
                && self.word_level(*level).is_some()
            {
                self.write_toc(headings);
            }
            let items = self.block(block, 0, next_is_table);
            self.items.extend(items);
        }
        let mut docx = self.add_header_footer();
        // numbering.xml always holds our list definitions; its relationship
        // must be there even when this half has no list of its own.
        docx.document_rels.has_numberings = true;
        for n in std::mem::take(&mut self.numberings) {
            docx = docx.add_numbering(n);
        }
        // In place, with the bookkeeping `Docx::add_paragraph` does: moving
        // the whole `Docx` once per paragraph costs more than writing it.
        let items = std::mem::take(&mut self.items);
        docx.document.children.reserve(items.len());
        for item in items {
            let numbered = match &item {
                Item::Paragraph(p) => p.has_numbering,
                Item::Table(t) => t.has_numbering,
            };
            if numbered {
                docx.document_rels.has_numberings = true;
                docx.document.has_numbering = true;
            }
            docx.document.children.push(match item {
                Item::Paragraph(p) => docx_rs::DocumentChild::Paragraph(p),
                Item::Table(t) => docx_rs::DocumentChild::Table(t),
            });
        }
        docx
    }

    /// The Word heading level (1-based) of a Markdown heading, or `None` for
    /// the document title.
    fn word_level(&self, md_level: u8) -> Option<usize> {
        if self.opts.title_from_h1 {
            (md_level > 1).then(|| usize::from(md_level - 1))
        } else {
            Some(usize::from(md_level))
        }
    }

    fn block(&mut self, block: Block, depth: usize, before_table: bool) -> Vec<Item> {
        match block {
            Block::Heading { level, inlines } => {
                if self.opts.title_from_h1 && level == 1 && !self.seen_title {
                    self.seen_title = true;
                    let p = self.inlines(Paragraph::new().style("Title"), &inlines, Marks::default());
                    return vec![Item::paragraph(p)];
                }
                let word = self.word_level(level).unwrap_or(1).min(6);
                let mut p = Paragraph::new().style(&format!("Heading{word}"));
                // Chapters start on a new page, the way printed regulations do.
                if word == 1 && self.opts.numbering.is_some() {
                    p = p.page_break_before(true);
                }
                vec![Item::paragraph(self.inlines(p, &inlines, Marks::default()))]
            }
            Block::Paragraph(inlines) => {
                let all_bold = !inlines.is_empty()
                    && inlines.iter().all(|i| matches!(i, Inline::Text { marks, .. } if marks.bold));
                let mut p = if before_table && all_bold {
                    Paragraph::new().style("Caption").keep_next(true)
                } else {
                    Paragraph::new().style("Normal")
                };
                if depth > 0 {
                    p = p.indent(Some(styles::list_indent(depth - 1)), None, None, None);
                }
                vec![Item::paragraph(self.inlines(p, &inlines, Marks::default()))]
            }
            Block::List { start, items } => self.list(start, items, depth),
            Block::Table { align, head, rows } => vec![Item::Table(Box::new(self.table(&align, &head, &rows)))],
            Block::Quote(blocks) => blocks
                .into_iter()
                .flat_map(|b| self.block(b, depth, false))
                .map(|item| match item {
                    Item::Paragraph(p) => Item::paragraph(p.style("Quote")),
                    other => other,
                })
                .collect(),
            Block::Code(text) => text
                .split('\n')
                .map(|line| {
                    Item::paragraph(
                        Paragraph::new().style("Code").add_run(Run::new().add_text(line.replace('\t', "    "))),
                    )
                })
                .collect(),
            // A rule is an empty paragraph with a bottom border, as Word draws one.
            Block::Rule => {
                let mut p = Paragraph::new().style("Normal");
                p.property = p.property.set_borders(
                    docx_rs::ParagraphBorders::with_empty().set(
                        docx_rs::ParagraphBorder::new(docx_rs::ParagraphBorderPosition::Bottom)
                            .val(BorderType::Single)
                            .size(6)
                            .space(1)
                            .color("7F7F7F"),
                    ),
                );
                vec![Item::paragraph(p)]
            }
        }
    }

    fn list(&mut self, start: Option<u64>, items: Vec<Vec<Block>>, depth: usize) -> Vec<Item> {
        let num = match start {
            Some(n) => {
                let id = self.next_ordered;
                self.next_ordered += 1;
                self.numberings.push(styles::ordered_instance(id, depth, usize::try_from(n).unwrap_or(1)));
                id
            }
            None => BULLET_NUM,
        };
        let mut out = Vec::new();
        for item in items {
            let mut first = true;
            for block in item {
                match block {
                    Block::Paragraph(inlines) if first => {
                        let p = Paragraph::new()
                            .style("ListParagraph")
                            .numbering(NumberingId::new(num), IndentLevel::new(depth.min(8)));
                        out.push(Item::paragraph(self.inlines(p, &inlines, Marks::default())));
                    }
                    Block::List { start, items } => out.extend(self.list(start, items, depth + 1)),
                    other => out.extend(self.block(other, depth + 1, false)),
                }
                first = false;
            }
        }
        out
    }

    fn table(&mut self, align: &[Alignment], head: &[Vec<Inline>], rows: &[Vec<Vec<Inline>>]) -> Table {
        let columns = head.len().max(rows.iter().map(Vec::len).max().unwrap_or(0)).max(1);
        let widths = column_widths(head, rows, columns, self.text_width());
        let border = |pos| TableBorder::new(pos).border_type(BorderType::Single).size(4).color("7F7F7F");
        let borders = TableBorders::new()
            .set(border(TableBorderPosition::Top))
            .set(border(TableBorderPosition::Bottom))
            .set(border(TableBorderPosition::Left))
            .set(border(TableBorderPosition::Right))
            .set(border(TableBorderPosition::InsideH))
            .set(border(TableBorderPosition::InsideV));
        let mut out_rows = Vec::new();
        let cell = |w: &mut Writer<'_>, inlines: Option<&Vec<Inline>>, col: usize, header: bool| {
            let mut p = Paragraph::new().style("TableText");
            p = match align.get(col) {
                Some(Alignment::Right) => p.align(AlignmentType::Right),
                Some(Alignment::Center) => p.align(AlignmentType::Center),
                _ => p,
            };
            let marks = Marks { bold: header, ..Marks::default() };
            let p = match inlines {
                Some(inlines) => w.inlines(p, inlines, marks),
                None => p,
            };
            let mut c = TableCell::new().add_paragraph(p).width(widths[col], WidthType::Dxa);
            if header {
                c = c.shading(Shading::new().shd_type(ShdType::Clear).color("auto").fill("E7ECF2"));
            }
            c
        };
        if !head.is_empty() {
            let cells = (0..columns).map(|i| cell(self, head.get(i), i, true)).collect();
            out_rows
                .push(TableRow::new(cells).row_height(HEADER_ROW_HEIGHT).height_rule(HeightRule::AtLeast).cant_split());
        }
        for row in rows {
            let cells = (0..columns).map(|i| cell(self, row.get(i), i, false)).collect();
            let mut tr = TableRow::new(cells).cant_split();
            // A row inserted or deleted whole is a tracked row change.
            if let Some(by) = &self.opts.revision {
                let whole = |deleted| {
                    row.iter()
                        .all(|c| c.iter().all(|i| !matches!(i, Inline::Text { .. })) || Self::all_tracked(c, deleted))
                };
                if row.iter().any(|c| Self::all_tracked(c, true)) && whole(true) {
                    tr = tr.delete(docx_rs::Delete::new().author(by.author.as_str()).date(by.date.as_str()));
                } else if row.iter().any(|c| Self::all_tracked(c, false)) && whole(false) {
                    tr = tr.insert(docx_rs::Insert::new_with_empty().author(by.author.as_str()).date(by.date.as_str()));
                }
            }
            out_rows.push(tr);
        }
        Table::new(out_rows)
            .style("TableGrid")
            .set_grid(widths.clone())
            .width(widths.iter().sum(), WidthType::Dxa)
            .layout(TableLayoutType::Fixed)
            .set_borders(borders)
    }

    /// Whether every piece of text in `inlines` is inserted (or deleted).
    fn all_tracked(inlines: &[Inline], deleted: bool) -> bool {
        let mut any = false;
        for inline in inlines {
            match inline {
                Inline::Text { text, marks } if !text.trim().is_empty() => {
                    let (gone, new) = (marks.deleted || marks.moved_from, marks.inserted || marks.moved_to);
                    if (deleted && !gone) || (!deleted && !new) {
                        return false;
                    }
                    any = true;
                }
                Inline::Link { children, .. } => {
                    if !Self::all_tracked(children, deleted) {
                        return false;
                    }
                    any = true;
                }
                _ => {}
            }
        }
        any
    }

    fn inlines(&mut self, p: Paragraph, inlines: &[Inline], base: Marks) -> Paragraph {
        let mut p = self.inline_runs(p, inlines, base);
        // A paragraph inserted or deleted whole carries the change on its
        // mark too, so accepting a deletion removes the paragraph itself.
        if let Some(by) = &self.opts.revision {
            if Self::all_tracked(inlines, true) {
                p = p.delete(by.author.as_str(), by.date.as_str());
            } else if Self::all_tracked(inlines, false) {
                p = p.insert(by.author.as_str(), by.date.as_str());
            }
        }
        p
    }

    fn inline_runs(&mut self, mut p: Paragraph, inlines: &[Inline], base: Marks) -> Paragraph {
        for inline in inlines {
            match inline {
                // Pushing in place: docx-rs builders move the whole paragraph on every call.
                Inline::Text { text, marks } => {
                    let marks = merge(base, *marks);
                    self.push_tracked(&mut p, run(text, marks), marks);
                }
                Inline::HardBreak => push_run(&mut p, Run::new().add_break(BreakType::TextWrapping)),
                Inline::Link { url, children } => {
                    let mut link = Hyperlink::new(url.as_str(), HyperlinkType::External);
                    for child in children {
                        match child {
                            Inline::Text { text, marks } => {
                                link = link.add_run(run(text, merge(base, *marks)).style("Hyperlink"));
                            }
                            other => p = self.inline_runs(p, std::slice::from_ref(other), base),
                        }
                    }
                    p.children.push(docx_rs::ParagraphChild::Hyperlink(link));
                }
                Inline::FootnoteRef(label) => {
                    // A note that cites a note (even itself) would never end;
                    // inside a note the reference stays as written.
                    let blocks = if self.in_footnote { None } else { self.footnotes.get(label).cloned() };
                    let Some(blocks) = blocks else {
                        // An undefined note prints as written, like any reader does.
                        p = p.add_run(run(&format!("[^{label}]"), base));
                        continue;
                    };
                    let mut note = Footnote::new();
                    self.in_footnote = true;
                    for block in blocks {
                        let inlines = match block {
                            Block::Paragraph(i) | Block::Heading { inlines: i, .. } => i,
                            other => vec![Inline::Text { text: block_text(&other), marks: Marks::default() }],
                        };
                        let np = self.inlines(Paragraph::new().style("FootnoteText"), &inlines, Marks::default());
                        note = note.add_content(np);
                    }
                    self.in_footnote = false;
                    p = p.add_run(Run::new().style("FootnoteReference").add_footnote_reference(note));
                }
            }
        }
        p
    }

    fn write_toc(&mut self, headings: &[(usize, String)]) {
        self.toc_written = true;
        let title = match self.opts.locale {
            crate::model::Locale::ZhCn => "目　录",
            crate::model::Locale::En => "Contents",
        };
        self.items.push(Item::paragraph(
            Paragraph::new().style("TOCHeading").page_break_before(true).add_run(Run::new().add_text(title)),
        ));
        // A TOC field Word refreshes on opening (settings carry w:updateFields),
        // pre-filled so every other reader shows the real list.
        let mut entries: Vec<Paragraph> = Vec::new();
        for (level, text) in headings.iter().filter(|(l, _)| *l <= 2) {
            let label = match self.opts.numbering {
                Some(scheme) => {
                    let depth = level - 1;
                    self.counters[depth] += 1;
                    for (i, c) in self.counters.iter_mut().enumerate().skip(depth + 1) {
                        if !(scheme == crate::model::NumberingScheme::ZhChapter && depth == 0 && i == 1) {
                            *c = 0;
                        }
                    }
                    format!("{}{text}", heading_number(scheme, depth, &self.counters))
                }
                None => text.clone(),
            };
            entries.push(Paragraph::new().style(&format!("TOC{level}")).add_run(Run::new().add_text(label)));
        }
        self.counters = [0; 3];
        let begin = Run::new()
            .add_field_char(FieldCharType::Begin, true)
            .add_instr_text(InstrText::Unsupported(r#" TOC \o "1-2" \h \z \u "#.to_string()))
            .add_field_char(FieldCharType::Separate, false);
        let end = Run::new().add_field_char(FieldCharType::End, false);
        if entries.is_empty() {
            entries.push(Paragraph::new().style("TOC1"));
        }
        let last = entries.len() - 1;
        for (i, mut entry) in entries.into_iter().enumerate() {
            if i == 0 {
                entry.children.insert(0, docx_rs::ParagraphChild::Run(Box::new(begin.clone())));
            }
            if i == last {
                entry = entry.add_run(end.clone());
            }
            self.items.push(Item::paragraph(entry));
        }
    }

    fn add_header_footer(&mut self) -> Docx {
        let mut docx = std::mem::replace(&mut self.docx, Docx::new());
        let header_text = self.opts.header_text.trim();
        if !header_text.is_empty() {
            let header = Header::new().add_paragraph(
                Paragraph::new().style("Header").align(AlignmentType::Right).add_run(Run::new().add_text(header_text)),
            );
            docx = docx.header(header);
        }
        let field = |instr: InstrText, placeholder: &str| {
            Run::new()
                .add_field_char(FieldCharType::Begin, false)
                .add_instr_text(instr)
                .add_field_char(FieldCharType::Separate, false)
                .add_text(placeholder)
                .add_field_char(FieldCharType::End, false)
        };
        let (before, middle, after) = match self.opts.locale {
            crate::model::Locale::ZhCn => ("第 ", " 页 / 共 ", " 页"),
            crate::model::Locale::En => ("page ", " of ", ""),
        };
        let mut p = Paragraph::new().style("Footer");
        if !self.opts.version.is_empty() {
            p = p.add_run(Run::new().add_text(format!("v{} · ", self.opts.version)));
        }
        p = p
            .add_run(Run::new().add_text(before))
            .add_run(field(InstrText::PAGE(InstrPAGE::new()), "1"))
            .add_run(Run::new().add_text(middle))
            .add_run(field(InstrText::NUMPAGES(InstrNUMPAGES::new()), "1"));
        if !after.is_empty() {
            p = p.add_run(Run::new().add_text(after));
        }
        docx.footer(Footer::new().add_paragraph(p))
    }
}

pub enum Item {
    Paragraph(Box<Paragraph>),
    Table(Box<Table>),
}

impl Item {
    fn paragraph(p: Paragraph) -> Item {
        Item::Paragraph(Box::new(p))
    }
}

impl Writer<'_> {
    /// A run as it is, or wrapped as a tracked insertion or deletion.
    fn push_tracked(&self, p: &mut Paragraph, run: Run, marks: Marks) {
        match (&self.opts.revision, marks.inserted || marks.moved_to, marks.deleted || marks.moved_from) {
            (Some(by), true, false) if marks.moved_to => {
                p.children.push(docx_rs::ParagraphChild::MoveTo(
                    docx_rs::MoveTo::new(run).author(by.author.as_str()).date(by.date.as_str()),
                ));
            }
            (Some(by), false, true) if marks.moved_from => {
                p.children.push(docx_rs::ParagraphChild::MoveFrom(
                    docx_rs::MoveFrom::new().add_run(run).author(by.author.as_str()).date(by.date.as_str()),
                ));
            }
            (Some(by), true, false) => {
                p.children.push(docx_rs::ParagraphChild::Insert(
                    docx_rs::Insert::new(run).author(by.author.as_str()).date(by.date.as_str()),
                ));
            }
            (Some(by), false, true) => {
                p.children.push(docx_rs::ParagraphChild::Delete(
                    docx_rs::Delete::new().add_run(run).author(by.author.as_str()).date(by.date.as_str()),
                ));
            }
            _ => push_run(p, run),
        }
    }
}

fn push_run(p: &mut Paragraph, run: Run) {
    p.children.push(docx_rs::ParagraphChild::Run(Box::new(run)));
}

fn merge(a: Marks, b: Marks) -> Marks {
    Marks {
        bold: a.bold || b.bold,
        italic: a.italic || b.italic,
        strike: a.strike || b.strike,
        code: a.code || b.code,
        inserted: a.inserted || b.inserted,
        deleted: a.deleted || b.deleted,
        moved_from: a.moved_from || b.moved_from,
        moved_to: a.moved_to || b.moved_to,
    }
}

fn run(text: &str, marks: Marks) -> Run {
    // Deleted text is stored as w:delText, or Word shows it as live text.
    let mut r =
        if marks.deleted || marks.moved_from { Run::new().add_delete_text(text) } else { Run::new().add_text(text) };
    if marks.bold {
        r = r.bold();
    }
    if marks.italic {
        r = r.italic();
    }
    if marks.strike {
        r = r.strike();
    }
    if marks.code {
        r = r.style("CodeChar");
    }
    r
}

fn block_text(block: &Block) -> String {
    match block {
        Block::Heading { inlines, .. } | Block::Paragraph(inlines) => plain_text(inlines),
        Block::List { items, .. } => items.iter().flatten().map(block_text).collect::<Vec<_>>().join(" "),
        Block::Table { head, rows, .. } => {
            head.iter().chain(rows.iter().flatten()).map(|c| plain_text(c)).collect::<Vec<_>>().join(" ")
        }
        Block::Quote(blocks) => blocks.iter().map(block_text).collect::<Vec<_>>().join(" "),
        Block::Code(text) => text.clone(),
        Block::Rule => String::new(),
    }
}

/// Word heading levels and texts of every heading, for the TOC.
pub fn collect_headings(blocks: &[Block], opts: &DocxOptions) -> Vec<(usize, String)> {
    let mut seen_title = false;
    blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading { level, inlines } => {
                if opts.title_from_h1 && *level == 1 && !seen_title {
                    seen_title = true;
                    return None;
                }
                let word =
                    if opts.title_from_h1 { usize::from(*level).saturating_sub(1).max(1) } else { usize::from(*level) };
                Some((word, plain_text(inlines)))
            }
            _ => None,
        })
        .collect()
}

/// Display width of text: CJK characters take two columns.
fn display_width(text: &str) -> usize {
    text.chars().map(|c| if (c as u32) >= 0x1100 { 2 } else { 1 }).sum()
}

/// Widths in twips that follow how much each column holds. Columns whose
/// content fits in less than a fair share get all they need (a weight, a grade,
/// a short name never wraps); the wide columns share what is left.
fn column_widths(head: &[Vec<Inline>], rows: &[Vec<Vec<Inline>>], columns: usize, total: usize) -> Vec<usize> {
    // One display column is about a digit's width of 10-point bold text.
    const UNIT: usize = 110;
    let mut natural = vec![6 * UNIT; columns];
    // Columns that must wrap share the room by how much they hold on average,
    // so one long name does not starve a column of descriptions.
    let mut total_chars = vec![0usize; columns];
    let mut rows_seen = 0usize;
    for (r, row) in std::iter::once(head).chain(rows.iter().map(Vec::as_slice)).enumerate() {
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
    let assigned: usize = widths.iter().sum();
    if let Some(last) = widths.iter_mut().rev().find(|w| **w > 0) {
        *last += total.saturating_sub(assigned);
    }
    widths
}
