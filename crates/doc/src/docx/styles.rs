//! Paragraph, character and table styles, the numbering definitions, and the
//! writers of `word/styles.xml` and `word/numbering.xml`.
//!
//! Every style Word's navigation pane, TOC and style gallery rely on is
//! declared here with Word's own names ("heading 1", "List Paragraph", …).
//! Styles are data ([`Style`]); one writer per schema type (CT_Style, CT_PPr,
//! CT_RPr, CT_Lvl, …) puts their properties in schema order, however a style
//! was put together.

use policywright_i18n::{Locale, NumberingScheme, PageStyle};

use super::DocxOptions;
use super::body::ListInstance;
use super::reference::ReferenceStyles;
use super::xml::{Value, Xml};

pub const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// Our list ids start at 2, where they started when docx-rs wrote a list 1
/// of its own; keeping them keeps every document's numbering as it was.
pub const HEADING_NUM: usize = 2;
pub const BULLET_NUM: usize = 3;
pub const ORDERED_ABSTRACT: usize = 4;
/// zh-chapter numbers articles in a list of their own, so that 第…条 runs on
/// across chapters in every reader (LibreOffice ignores `w:lvlRestart` 0).
pub const ARTICLE_NUM: usize = 5;
/// Each ordered list gets its own `w:num` from here on, so it restarts at 1.
pub const FIRST_ORDERED_NUM: usize = 10;

/// Half-points: 11 pt, an English handbook's body text.
pub const BODY_SIZE: usize = 22;
/// 小四 (12 pt), the body size of Chinese company documents.
const ZH_BODY_SIZE: usize = 24;
/// 五号 (10.5 pt), Chinese table text.
const ZH_TABLE_SIZE: usize = 21;

/// 三号 (16 pt), the body and heading size of GB/T 9704.
const GB_SIZE: usize = 32;
/// 二号 (22 pt), the title of an official document.
const GB_TITLE_SIZE: usize = 44;
/// GB/T 9704's 22 lines in a 225 mm type area, as an exact line pitch.
const GB_LINE: u32 = 579;

/// The body text size, in half-points.
pub fn body_size(locale: Locale, style: PageStyle) -> usize {
    match (style, locale) {
        (PageStyle::Gbt9704, _) => GB_SIZE,
        (PageStyle::Company, Locale::ZhCn) => ZH_BODY_SIZE,
        (PageStyle::Company, Locale::En) => BODY_SIZE,
    }
}

pub struct Fonts {
    pub body_latin: &'static str,
    pub body_east_asia: &'static str,
    pub heading_latin: &'static str,
    pub heading_east_asia: &'static str,
    pub mono: &'static str,
}

pub fn fonts(locale: Locale) -> Fonts {
    match locale {
        // The usual pairing of Chinese company documents: 宋体 text, 黑体 headings.
        Locale::ZhCn => Fonts {
            body_latin: "Times New Roman",
            body_east_asia: "SimSun",
            heading_latin: "Arial",
            heading_east_asia: "SimHei",
            mono: "Consolas",
        },
        Locale::En => Fonts {
            body_latin: "Calibri",
            body_east_asia: "Microsoft YaHei",
            heading_latin: "Calibri Light",
            heading_east_asia: "Microsoft YaHei",
            mono: "Consolas",
        },
    }
}

/// GB/T 9704's fonts: 仿宋 text, 黑体 first-level headings (the styles
/// give each level its own).
fn gb_fonts() -> Fonts {
    Fonts {
        body_latin: "Times New Roman",
        body_east_asia: "FangSong",
        heading_latin: "Times New Roman",
        heading_east_asia: "SimHei",
        mono: "Consolas",
    }
}

/// `w:rFonts`: one font for Latin (and complex-script) text, one for CJK.
#[derive(Debug, Clone, Copy)]
struct RunFonts {
    latin: &'static str,
    east_asia: &'static str,
}

/// `w:spacing`, in twentieths of a point; `line` in 240ths of a line, or
/// in twentieths of a point when `exact`.
#[derive(Debug, Clone, Copy, Default)]
struct Spacing {
    before: Option<u32>,
    after: Option<u32>,
    line: Option<u32>,
    /// `exact`, or `auto` where a style must not take its base's exact pitch.
    rule: Option<&'static str>,
}

impl Spacing {
    fn before(self, v: u32) -> Spacing {
        Spacing { before: Some(v), ..self }
    }
    fn after(self, v: u32) -> Spacing {
        Spacing { after: Some(v), ..self }
    }
    fn line(self, v: u32) -> Spacing {
        Spacing { line: Some(v), ..self }
    }
    fn exact_line(self, twips: u32) -> Spacing {
        Spacing { line: Some(twips), rule: Some("exact"), ..self }
    }
    fn auto_line(self, v: u32) -> Spacing {
        Spacing { line: Some(v), rule: Some("auto"), ..self }
    }
}

/// `w:ind`, in twips.
#[derive(Debug, Clone, Copy, Default)]
struct Indent {
    left: i32,
    right: Option<i32>,
    hanging: Option<i32>,
    first_line: Option<i32>,
    /// In hundredths of a character: 200 is the two-character indent of
    /// Chinese paragraphs, which follows the font size where twips do not.
    first_line_chars: Option<u32>,
}

impl Indent {
    /// Two characters of body text in from the left, nothing hanging.
    fn two_chars(body_size: usize) -> Indent {
        // Half-points to twips, twice: two characters of the body size.
        let twips = i32::try_from(body_size * 20).unwrap_or(480);
        Indent { left: 0, right: Some(0), first_line: Some(twips), first_line_chars: Some(200), ..Indent::default() }
    }
}

/// The paragraph properties styles and list levels use (CT_PPrBase).
#[derive(Debug, Clone, Copy, Default)]
struct ParaProps {
    keep_next: bool,
    keep_lines: bool,
    page_break_before: bool,
    /// (num id, level)
    num: Option<(usize, usize)>,
    /// `w:shd` fill colour.
    shading: Option<&'static str>,
    spacing: Option<Spacing>,
    indent: Option<Indent>,
    align: Option<&'static str>,
    outline: Option<usize>,
}

impl ParaProps {
    fn is_empty(&self) -> bool {
        !self.keep_next
            && !self.keep_lines
            && !self.page_break_before
            && self.num.is_none()
            && self.shading.is_none()
            && self.spacing.is_none()
            && self.indent.is_none()
            && self.align.is_none()
            && self.outline.is_none()
    }
}

/// The run properties styles and defaults use (CT_RPr).
#[derive(Debug, Clone, Copy, Default)]
struct RunProps {
    fonts: Option<RunFonts>,
    bold: bool,
    italic: bool,
    color: Option<&'static str>,
    /// Half-points.
    size: Option<usize>,
    underline: Option<&'static str>,
    vert_align: Option<&'static str>,
    /// The document language, in the defaults only.
    lang: Option<&'static str>,
}

impl RunProps {
    fn is_empty(&self) -> bool {
        self.fonts.is_none()
            && !self.bold
            && !self.italic
            && self.color.is_none()
            && self.size.is_none()
            && self.underline.is_none()
            && self.vert_align.is_none()
            && self.lang.is_none()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Paragraph,
    Character,
    Table,
}

/// One `w:style`.
#[derive(Debug, Clone, Copy)]
struct Style {
    kind: Kind,
    id: &'static str,
    name: &'static str,
    based_on: Option<&'static str>,
    next: Option<&'static str>,
    ui_priority: Option<u32>,
    semi_hidden: bool,
    unhide_when_used: bool,
    para: ParaProps,
    run: RunProps,
}

impl Style {
    fn new(kind: Kind, id: &'static str, name: &'static str) -> Style {
        Style {
            kind,
            id,
            name,
            based_on: None,
            next: None,
            ui_priority: None,
            semi_hidden: false,
            unhide_when_used: false,
            para: ParaProps::default(),
            run: RunProps::default(),
        }
    }
    fn based_on(mut self, id: &'static str) -> Style {
        self.based_on = Some(id);
        self
    }
    fn next(mut self, id: &'static str) -> Style {
        self.next = Some(id);
        self
    }
    fn ui_priority(mut self, p: u32) -> Style {
        self.ui_priority = Some(p);
        self
    }
    fn fonts(mut self, latin: &'static str, east_asia: &'static str) -> Style {
        self.run.fonts = Some(RunFonts { latin, east_asia });
        self
    }
    fn size(mut self, half_points: usize) -> Style {
        self.run.size = Some(half_points);
        self
    }
    fn bold(mut self) -> Style {
        self.run.bold = true;
        self
    }
    fn italic(mut self) -> Style {
        self.run.italic = true;
        self
    }
    fn color(mut self, rgb: &'static str) -> Style {
        self.run.color = Some(rgb);
        self
    }
    fn underline(mut self, kind: &'static str) -> Style {
        self.run.underline = Some(kind);
        self
    }
    fn vert_align(mut self, position: &'static str) -> Style {
        self.run.vert_align = Some(position);
        self
    }
    fn align(mut self, jc: &'static str) -> Style {
        self.para.align = Some(jc);
        self
    }
    fn shading(mut self, fill: &'static str) -> Style {
        self.para.shading = Some(fill);
        self
    }
    fn spacing(mut self, spacing: Spacing) -> Style {
        self.para.spacing = Some(spacing);
        self
    }
    fn indent(mut self, left: i32, right: i32) -> Style {
        self.para.indent = Some(Indent { left, right: Some(right), ..Indent::default() });
        self
    }
    fn outline(mut self, level: usize) -> Style {
        self.para.outline = Some(level);
        self
    }
    fn keep_next(mut self) -> Style {
        self.para.keep_next = true;
        self
    }
    fn keep_lines(mut self) -> Style {
        self.para.keep_lines = true;
        self
    }
    fn page_break_before(mut self) -> Style {
        self.para.page_break_before = true;
        self
    }
}

fn paragraph(id: &'static str, name: &'static str) -> Style {
    Style::new(Kind::Paragraph, id, name)
}

const HEADING_IDS: [&str; 6] = ["Heading1", "Heading2", "Heading3", "Heading4", "Heading5", "Heading6"];
const HEADING_NAMES: [&str; 6] = ["heading 1", "heading 2", "heading 3", "heading 4", "heading 5", "heading 6"];

/// All styles. With a numbering scheme, headings 1–3 carry it.
fn styles(locale: Locale, numbering: Option<NumberingScheme>, page: PageStyle) -> Vec<Style> {
    let gb = page == PageStyle::Gbt9704;
    let f = if gb { gb_fonts() } else { fonts(locale) };
    let (heading_latin, heading_east_asia) = (f.heading_latin, f.heading_east_asia);
    let space = Spacing::default();
    let zh = locale == Locale::ZhCn || gb;
    let body = body_size(locale, page);
    // Chinese body text: 小四 at 1.5 lines (or 三号 on GB/T 9704's grid of
    // 22 lines), justified, two characters in.
    let mut body_text = paragraph("BodyText", "Body Text").based_on("Normal");
    if zh {
        body_text = body_text.align("both");
        body_text.para.indent = Some(Indent::two_chars(body));
    }
    let normal_spacing = match (gb, zh) {
        (true, _) => space.after(0).exact_line(GB_LINE),
        (false, true) => space.after(120).line(360),
        (false, false) => space.after(120).line(300),
    };
    let title = paragraph("Title", "Title").based_on("Normal").next("Normal").align("center");
    let title = if gb {
        // 二号 小标宋, not bold, with a blank line's room below.
        title.fonts(f.body_latin, "FZXiaoBiaoSong-B05S").size(GB_TITLE_SIZE).spacing(space.after(GB_LINE))
    } else {
        title.fonts(heading_latin, heading_east_asia).size(40).bold().spacing(space.before(480).after(360))
    };
    let mut out = Vec::with_capacity(32);
    out.extend([
        paragraph("Normal", "Normal").fonts(f.body_latin, f.body_east_asia).size(body).spacing(normal_spacing),
        body_text,
        title,
        // A policy bound into a handbook starts on a page of its own.
        paragraph("PartTitle", "Part Title")
            .based_on("Title")
            .next("Normal")
            .fonts(heading_latin, heading_east_asia)
            .size(36)
            .bold()
            .align("center")
            .outline(0)
            .spacing(space.before(240).after(360))
            .page_break_before()
            .keep_next(),
        paragraph("Subtitle", "Subtitle").based_on("Normal").size(26).align("center").color("404040"),
        // A converted file's title block; pandoc reads these names back as
        // the document's author and date.
        paragraph("Author", "Author").based_on("Normal").next("Normal").align("center").color("404040"),
        paragraph("Date", "Date").based_on("Normal").next("Normal").align("center").color("404040"),
    ]);
    let heading_sizes = [32, 28, 24, 22, 22, 22];
    for (i, size) in heading_sizes.into_iter().enumerate() {
        let level = i + 1;
        let mut style = paragraph(HEADING_IDS[i], HEADING_NAMES[i])
            .based_on("Normal")
            .next("Normal")
            .fonts(heading_latin, heading_east_asia)
            .size(size)
            .bold()
            .outline(i)
            .spacing(space.before(if level == 1 { 360 } else { 240 }).after(120))
            .keep_next();
        if gb {
            // GB/T 9704: every level in 三号, on the line grid: 黑体, then
            // 楷体, then 仿宋 in bold, then 仿宋.
            let east_asia = ["SimHei", "KaiTi", "FangSong", "FangSong", "FangSong", "FangSong"][i];
            style = style.fonts(f.body_latin, east_asia).size(GB_SIZE).spacing(space.before(0).after(0));
            style.run.bold = level == 3;
        }
        if level == 1 && numbering == Some(NumberingScheme::ZhChapter) {
            style = style.align("center");
        }
        if level == 1 {
            style = style.keep_lines();
        }
        if let Some(scheme) = numbering
            && level <= 3
        {
            style.para.num = Some(heading_num(scheme, i));
        }
        out.push(style);
    }
    out.extend([
        paragraph("ListParagraph", "List Paragraph").based_on("Normal").spacing(space.after(60)),
        paragraph("Caption", "caption").based_on("Normal").bold().size(body - 1).spacing(space.before(120).after(60)),
        paragraph("Quote", "Quote").based_on("Normal").italic().color("404040").indent(720, 720),
        // A code block is one paragraph, its lines joined by breaks; the
        // shading shows where it begins and ends, and the space after keeps
        // the next paragraph off it.
        paragraph("Code", "Code")
            .based_on("Normal")
            .fonts(f.mono, f.body_east_asia)
            .size(19)
            .shading("F2F2F2")
            .spacing(space.before(60).after(200).line(240)),
        paragraph("TableText", "Table Text")
            .based_on("Normal")
            .size(if zh { ZH_TABLE_SIZE } else { BODY_SIZE - 2 })
            .spacing(space.before(20).after(20).line(260)),
        paragraph("TOCHeading", "TOC Heading")
            .based_on("Normal")
            .next("Normal")
            .fonts(heading_latin, heading_east_asia)
            .size(32)
            .bold()
            .align("center"),
        paragraph("TOC1", "toc 1").based_on("Normal").next("Normal").spacing(space.before(60).after(20)),
        paragraph("TOC2", "toc 2").based_on("Normal").next("Normal").indent(440, 0).spacing(space.after(20)),
        paragraph("TOC3", "toc 3").based_on("Normal").next("Normal").indent(880, 0),
        paragraph("Header", "header").based_on("Normal").size(18).color("595959"),
        // GB/T 9704's page number is 4号 宋体; a company footer is small and grey.
        if gb {
            paragraph("Footer", "footer")
                .based_on("Normal")
                .fonts("SimSun", "SimSun")
                .size(28)
                .spacing(space.auto_line(240))
        } else {
            paragraph("Footer", "footer").based_on("Normal").size(18).color("595959").align("center")
        },
        paragraph("FootnoteText", "footnote text").based_on("Normal").size(18).spacing(space.after(0)),
        // Word's own base table style, so any table style can be based on it.
        Style { semi_hidden: true, unhide_when_used: true, ..Style::new(Kind::Table, "TableNormal", "Normal Table") }
            .ui_priority(99),
        Style::new(Kind::Table, "TableGrid", "Table Grid").based_on("TableNormal").ui_priority(59),
        Style::new(Kind::Character, "Hyperlink", "Hyperlink").color("0563C1").underline("single"),
        Style::new(Kind::Character, "FootnoteReference", "footnote reference").vert_align("superscript"),
        Style::new(Kind::Character, "CodeChar", "Code Char").fonts(f.mono, f.body_east_asia),
    ]);
    out
}

/// `word/styles.xml`: the document defaults, then every style. With a
/// reference document, its defaults and styles come first and ours only
/// fill in the style ids it lacks.
pub fn write_styles(opts: &DocxOptions) -> String {
    let reference = opts.reference_styles.as_ref();
    let mut w = Xml::part(16 * 1024 + reference.map_or(0, ReferenceStyles::len));
    w.start_tag("w:styles");
    w.attr("xmlns:w", &W_NS);
    if let Some(reference) = reference {
        reference.declare_namespaces(&mut w);
    }
    w.end_start_tag(false);
    match reference.and_then(ReferenceStyles::doc_defaults) {
        Some(defaults) => w.raw(defaults),
        None => doc_defaults(&mut w, opts.locale, opts.style),
    }
    if let Some(reference) = reference {
        w.raw(reference.styles());
    }
    for style in styles(opts.locale, opts.numbering, opts.style) {
        if !reference.is_some_and(|r| r.defines(style.id)) {
            write_style(&mut w, &style);
        }
    }
    w.close("w:styles");
    w.finish()
}

/// CT_DocDefaults: the body font and size, and the document language.
fn doc_defaults(w: &mut Xml, locale: Locale, page: PageStyle) {
    let f = if page == PageStyle::Gbt9704 { gb_fonts() } else { fonts(locale) };
    let run = RunProps {
        fonts: Some(RunFonts { latin: f.body_latin, east_asia: f.body_east_asia }),
        size: Some(body_size(locale, page)),
        lang: Some(locale.tag()),
        ..RunProps::default()
    };
    w.open("w:docDefaults", &[]);
    w.open("w:rPrDefault", &[]);
    run_props(w, &run);
    w.close("w:rPrDefault");
    w.close("w:docDefaults");
}

/// CT_Style, children in schema order.
fn write_style(w: &mut Xml, style: &Style) {
    let kind = match style.kind {
        Kind::Paragraph => "paragraph",
        Kind::Character => "character",
        Kind::Table => "table",
    };
    w.open("w:style", &[("w:type", &kind), ("w:styleId", &style.id)]);
    w.val("w:name", &style.name);
    if let Some(id) = style.based_on {
        w.val("w:basedOn", &id);
    }
    if let Some(id) = style.next {
        w.val("w:next", &id);
    }
    if let Some(p) = style.ui_priority {
        w.val("w:uiPriority", &p);
    }
    if style.semi_hidden {
        w.empty("w:semiHidden", &[]);
    }
    if style.unhide_when_used {
        w.empty("w:unhideWhenUsed", &[]);
    }
    // Every style has always been in the gallery.
    w.empty("w:qFormat", &[]);
    if !style.para.is_empty() {
        para_props(w, &style.para);
    }
    if !style.run.is_empty() {
        run_props(w, &style.run);
    }
    if style.kind == Kind::Table {
        table_props(w);
    }
    w.close("w:style");
}

/// CT_PPrBase order: pStyle, keepNext, keepLines, pageBreakBefore, …, numPr,
/// …, shd, …, spacing, ind, …, jc, …, outlineLvl.
fn para_props(w: &mut Xml, p: &ParaProps) {
    w.open("w:pPr", &[]);
    if p.keep_next {
        w.empty("w:keepNext", &[]);
    }
    if p.keep_lines {
        w.empty("w:keepLines", &[]);
    }
    if p.page_break_before {
        w.empty("w:pageBreakBefore", &[]);
    }
    if let Some((num, level)) = p.num {
        w.open("w:numPr", &[]);
        w.val("w:ilvl", &level);
        w.val("w:numId", &num);
        w.close("w:numPr");
    }
    if let Some(fill) = p.shading {
        w.empty("w:shd", &[("w:val", &"clear"), ("w:color", &"auto"), ("w:fill", &fill)]);
    }
    if let Some(s) = p.spacing {
        w.start_tag("w:spacing");
        if let Some(v) = s.before {
            w.attr("w:before", &v);
        }
        if let Some(v) = s.after {
            w.attr("w:after", &v);
        }
        if let Some(v) = s.line {
            w.attr("w:line", &v);
        }
        if let Some(rule) = s.rule {
            w.attr("w:lineRule", &rule);
        }
        w.end_start_tag(true);
    }
    if let Some(ind) = p.indent {
        w.start_tag("w:ind");
        w.attr("w:left", &ind.left);
        if let Some(v) = ind.right {
            w.attr("w:right", &v);
        }
        if let Some(v) = ind.hanging {
            w.attr("w:hanging", &v);
        }
        if let Some(v) = ind.first_line {
            w.attr("w:firstLine", &v);
        }
        if let Some(v) = ind.first_line_chars {
            w.attr("w:firstLineChars", &v);
        }
        w.end_start_tag(true);
    }
    if let Some(jc) = p.align {
        w.val("w:jc", &jc);
    }
    if let Some(level) = p.outline {
        w.val("w:outlineLvl", &level);
    }
    w.close("w:pPr");
}

/// CT_RPr order: rFonts, b, bCs, i, iCs, …, color, …, sz, szCs, …, u, …,
/// vertAlign, …, lang.
fn run_props(w: &mut Xml, r: &RunProps) {
    w.open("w:rPr", &[]);
    if let Some(f) = r.fonts {
        w.empty(
            "w:rFonts",
            &[("w:ascii", &f.latin), ("w:hAnsi", &f.latin), ("w:cs", &f.latin), ("w:eastAsia", &f.east_asia)],
        );
    }
    if r.bold {
        w.empty("w:b", &[]);
        w.empty("w:bCs", &[]);
    }
    if r.italic {
        w.empty("w:i", &[]);
        w.empty("w:iCs", &[]);
    }
    if let Some(c) = r.color {
        w.val("w:color", &c);
    }
    if let Some(size) = r.size {
        w.val("w:sz", &size);
        w.val("w:szCs", &size);
    }
    if let Some(u) = r.underline {
        w.val("w:u", &u);
    }
    if let Some(v) = r.vert_align {
        w.val("w:vertAlign", &v);
    }
    if let Some(lang) = r.lang {
        // East Asian and complex-script text keep their own languages.
        w.empty("w:lang", &[("w:val", &lang), ("w:eastAsia", &"zh-CN"), ("w:bidi", &"ar-SA")]);
    }
    w.close("w:rPr");
}

/// The table properties both table styles have always had (CT_TblPrBase
/// order: tblW, jc, tblBorders).
fn table_props(w: &mut Xml) {
    w.open("w:tblPr", &[]);
    w.empty("w:tblW", &[("w:w", &0usize), ("w:type", &"auto")]);
    w.val("w:jc", &"left");
    w.open("w:tblBorders", &[]);
    for side in ["w:top", "w:left", "w:bottom", "w:right", "w:insideH", "w:insideV"] {
        w.empty(side, &[("w:val", &"single"), ("w:sz", &2usize), ("w:space", &0usize), ("w:color", &"000000")]);
    }
    w.close("w:tblBorders");
    w.close("w:tblPr");
}

/// The list and level that number a heading at `depth` (0-based).
pub fn heading_num(scheme: NumberingScheme, depth: usize) -> (usize, usize) {
    match (scheme, depth) {
        (NumberingScheme::ZhChapter, 0) => (HEADING_NUM, 0),
        (NumberingScheme::ZhChapter, d) => (ARTICLE_NUM, d - 1),
        (_, d) => (HEADING_NUM, d),
    }
}

/// One level of a heading list.
#[derive(Debug)]
pub struct HeadingLevel {
    format: &'static str,
    text: &'static str,
    /// What follows the number: `space` or `nothing`.
    suffix: &'static str,
    style: &'static str,
}

/// An abstract list that numbers headings; its `w:num` has the same id.
#[derive(Debug)]
pub struct HeadingList {
    pub id: usize,
    levels: &'static [HeadingLevel],
}

const fn level(format: &'static str, text: &'static str, suffix: &'static str, style: &'static str) -> HeadingLevel {
    HeadingLevel { format, text, suffix, style }
}

const ZH_CHAPTER: &[HeadingList] = &[
    HeadingList { id: HEADING_NUM, levels: &[level("chineseCounting", "第%1章", "space", "Heading1")] },
    HeadingList {
        id: ARTICLE_NUM,
        levels: &[
            level("chineseCounting", "第%1条", "space", "Heading2"),
            level("chineseCounting", "%2、", "nothing", "Heading3"),
        ],
    },
];

const ZH_OUTLINE: &[HeadingList] = &[HeadingList {
    id: HEADING_NUM,
    levels: &[
        level("chineseCounting", "%1、", "nothing", "Heading1"),
        level("chineseCounting", "（%2）", "nothing", "Heading2"),
        level("decimal", "%3.", "space", "Heading3"),
    ],
}];

const DECIMAL: &[HeadingList] = &[HeadingList {
    id: HEADING_NUM,
    levels: &[
        level("decimal", "%1", "space", "Heading1"),
        level("decimal", "%1.%2", "space", "Heading2"),
        level("decimal", "%1.%2.%3", "space", "Heading3"),
    ],
}];

/// The abstract lists that number headings in `scheme`.
pub fn heading_numbering(scheme: NumberingScheme) -> &'static [HeadingList] {
    match scheme {
        NumberingScheme::ZhChapter => ZH_CHAPTER,
        NumberingScheme::ZhOutline => ZH_OUTLINE,
        NumberingScheme::Decimal => DECIMAL,
    }
}

const BULLETS: [&str; 3] = ["•", "◦", "▪"];
const ORDERED_FORMATS: [&str; 3] = ["decimal", "lowerLetter", "lowerRoman"];

/// A level's `w:lvlText`: the pattern with its `%` followed by the level's
/// number (from 1), so `（%）` at level 1 is `（%1）`.
struct LevelText(&'static str, usize);

impl Value for LevelText {
    fn write_to(&self, out: &mut String) {
        for (i, part) in self.0.split('%').enumerate() {
            if i > 0 {
                out.push('%');
                self.1.write_to(out);
            }
            out.push_str(part);
        }
    }
}

/// Item numbers under Chinese headings: below 第…条, （一） 1. （1）; below
/// the outline's 一、（一）1., what comes next in the same series.
const ZH_CHAPTER_ITEMS: [(&str, &str); 3] = [("chineseCounting", "（%）"), ("decimal", "%."), ("decimal", "（%）")];
const ZH_OUTLINE_ITEMS: [(&str, &str); 3] =
    [("decimal", "（%）"), ("decimalEnclosedCircle", "%"), ("lowerLetter", "%.")];

fn chinese_items(opts: &DocxOptions) -> Option<&'static [(&'static str, &'static str)]> {
    match opts.numbering? {
        NumberingScheme::ZhChapter => Some(&ZH_CHAPTER_ITEMS),
        NumberingScheme::ZhOutline => Some(&ZH_OUTLINE_ITEMS),
        NumberingScheme::Decimal => None,
    }
}

/// `word/numbering.xml`: the abstract lists (bullets, ordered lists, the
/// scheme's heading lists), then the list instances: one per abstract list,
/// then one per ordered list or handbook part that starts again.
pub fn write_numbering(opts: &DocxOptions, lists: &[ListInstance]) -> String {
    let mut w = Xml::part(12 * 1024 + lists.len() * 160);
    w.open("w:numbering", &[("xmlns:w", &W_NS)]);
    w.open("w:abstractNum", &[("w:abstractNumId", &BULLET_NUM)]);
    for i in 0..9 {
        let indent = Indent { left: list_indent(i), right: Some(0), hanging: Some(360), ..Indent::default() };
        list_level(&mut w, i, "bullet", &BULLETS[i % BULLETS.len()], None, None, indent);
    }
    w.close("w:abstractNum");
    w.open("w:abstractNum", &[("w:abstractNumId", &ORDERED_ABSTRACT)]);
    match chinese_items(opts) {
        // Chinese items are numbered the way articles are cited, （一） then
        // 1. then （1）, each standing in two characters like body text with
        // the text straight after the number.
        Some(levels) => {
            for i in 0..9 {
                let (format, text) = levels[i % levels.len()];
                list_level(
                    &mut w,
                    i,
                    format,
                    &LevelText(text, i + 1),
                    Some("nothing"),
                    None,
                    Indent::two_chars(body_size(opts.locale, opts.style)),
                );
            }
        }
        None => {
            for i in 0..9 {
                let indent = Indent { left: list_indent(i), right: Some(0), hanging: Some(400), ..Indent::default() };
                let format = ORDERED_FORMATS[i % ORDERED_FORMATS.len()];
                list_level(&mut w, i, format, &LevelText("%.", i + 1), None, None, indent);
            }
        }
    }
    w.close("w:abstractNum");
    let headings = opts.numbering.map_or(&[][..], heading_numbering);
    for list in headings {
        w.open("w:abstractNum", &[("w:abstractNumId", &list.id)]);
        for (i, l) in list.levels.iter().enumerate() {
            let indent = Indent { left: 0, right: Some(0), first_line: Some(0), ..Indent::default() };
            list_level(&mut w, i, l.format, &l.text, Some(l.suffix), Some(l.style), indent);
        }
        w.close("w:abstractNum");
    }
    num(&mut w, BULLET_NUM, BULLET_NUM, None);
    for list in headings {
        num(&mut w, list.id, list.id, None);
    }
    for list in lists {
        num(&mut w, list.id, list.abstract_id, Some((list.level, list.start)));
    }
    w.close("w:numbering");
    w.finish()
}

/// CT_Lvl order: start, numFmt, pStyle, suff, lvlText, lvlJc, pPr.
fn list_level(
    w: &mut Xml,
    ilvl: usize,
    format: &str,
    text: &dyn Value,
    suffix: Option<&str>,
    style: Option<&str>,
    indent: Indent,
) {
    w.open("w:lvl", &[("w:ilvl", &ilvl)]);
    w.val("w:start", &1usize);
    w.val("w:numFmt", &format);
    if let Some(style) = style {
        w.val("w:pStyle", &style);
    }
    if let Some(suffix) = suffix {
        w.val("w:suff", &suffix);
    }
    w.val("w:lvlText", text);
    w.val("w:lvlJc", &"left");
    para_props(w, &ParaProps { indent: Some(indent), ..ParaProps::default() });
    w.close("w:lvl");
}

/// CT_Num: the abstract list, and where given the level that starts again
/// and its first number.
fn num(w: &mut Xml, id: usize, abstract_id: usize, restart: Option<(usize, usize)>) {
    w.open("w:num", &[("w:numId", &id)]);
    w.val("w:abstractNumId", &abstract_id);
    if let Some((level, start)) = restart {
        w.open("w:lvlOverride", &[("w:ilvl", &level)]);
        w.val("w:startOverride", &start);
        w.close("w:lvlOverride");
    }
    w.close("w:num");
}

pub fn list_indent(level: usize) -> i32 {
    420 + 420 * i32::try_from(level).unwrap_or(0)
}
