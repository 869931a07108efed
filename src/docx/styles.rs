//! Paragraph, character and table styles, and the numbering definitions.
//!
//! docx-rs defines no styles of its own, so every style Word's navigation
//! pane, TOC and style gallery rely on is declared here with Word's own
//! names ("heading 1", "List Paragraph", …).

use docx_rs::{
    AbstractNumbering, AlignmentType, IndentLevel, Level, LevelJc, LevelOverride, LevelSuffixType, LevelText,
    LineSpacing, NumberFormat, Numbering, NumberingId, RunFonts, SpecialIndentType, Start, Style, StyleType,
};

use crate::model::{Locale, NumberingScheme};

/// docx-rs always writes its own abstractNum 1 / num 1, so ours start at 2.
pub const HEADING_NUM: usize = 2;
pub const BULLET_NUM: usize = 3;
pub const ORDERED_ABSTRACT: usize = 4;
/// zh-chapter numbers articles in a list of their own, so that 第…条 runs on
/// across chapters in every reader (LibreOffice ignores `w:lvlRestart` 0).
pub const ARTICLE_NUM: usize = 5;
/// Each ordered list gets its own `w:num` from here on, so it restarts at 1.
pub const FIRST_ORDERED_NUM: usize = 10;

/// Half-points.
pub const BODY_SIZE: usize = 22;

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

fn run_fonts(latin: &str, east_asia: &str) -> RunFonts {
    RunFonts::new().ascii(latin).hi_ansi(latin).east_asia(east_asia).cs(latin)
}

pub fn default_fonts(locale: Locale) -> RunFonts {
    let f = fonts(locale);
    run_fonts(f.body_latin, f.body_east_asia)
}

fn paragraph(id: &str, name: &str) -> Style {
    Style::new(id, StyleType::Paragraph).name(name).q_format(true)
}

/// All styles. With a numbering scheme, headings 1–3 carry it.
pub fn styles(locale: Locale, numbering: Option<NumberingScheme>) -> Vec<Style> {
    let f = fonts(locale);
    let heading_fonts = run_fonts(f.heading_latin, f.heading_east_asia);
    let mut out = vec![
        paragraph("Normal", "Normal")
            .fonts(run_fonts(f.body_latin, f.body_east_asia))
            .size(BODY_SIZE)
            .line_spacing(LineSpacing::new().after(120).line(300)),
        paragraph("Title", "Title")
            .based_on("Normal")
            .next("Normal")
            .fonts(heading_fonts.clone())
            .size(40)
            .bold()
            .align(AlignmentType::Center)
            .line_spacing(LineSpacing::new().before(480).after(360)),
        // A policy bound into a handbook starts on a page of its own.
        {
            let mut s = paragraph("PartTitle", "Part Title")
                .based_on("Title")
                .next("Normal")
                .fonts(heading_fonts.clone())
                .size(36)
                .bold()
                .align(AlignmentType::Center)
                .outline_lvl(0)
                .line_spacing(LineSpacing::new().before(240).after(360));
            s.paragraph_property = s.paragraph_property.page_break_before(true).keep_next(true);
            s
        },
        paragraph("Subtitle", "Subtitle").based_on("Normal").size(26).align(AlignmentType::Center).color("404040"),
    ];
    let heading_sizes = [32, 28, 24, 22, 22, 22];
    for (i, size) in heading_sizes.iter().enumerate() {
        let level = i + 1;
        let mut style = paragraph(&format!("Heading{level}"), &format!("heading {level}"))
            .based_on("Normal")
            .next("Normal")
            .fonts(heading_fonts.clone())
            .size(*size)
            .bold()
            .outline_lvl(i)
            .line_spacing(LineSpacing::new().before(if level == 1 { 360 } else { 240 }).after(120));
        if level == 1 && numbering == Some(NumberingScheme::ZhChapter) {
            style = style.align(AlignmentType::Center);
        }
        if level == 1 {
            style.paragraph_property = style.paragraph_property.keep_next(true).keep_lines(true);
        } else {
            style.paragraph_property = style.paragraph_property.keep_next(true);
        }
        if let Some(scheme) = numbering
            && level <= 3
        {
            let (num, ilvl) = heading_num(scheme, i);
            style.paragraph_property =
                style.paragraph_property.numbering(NumberingId::new(num), IndentLevel::new(ilvl));
        }
        out.push(style);
    }
    out.extend([
        paragraph("ListParagraph", "List Paragraph").based_on("Normal").line_spacing(LineSpacing::new().after(60)),
        paragraph("Caption", "caption")
            .based_on("Normal")
            .bold()
            .size(BODY_SIZE - 1)
            .line_spacing(LineSpacing::new().before(120).after(60)),
        paragraph("Quote", "Quote").based_on("Normal").italic().color("404040").indent(
            Some(720),
            None,
            Some(720),
            None,
        ),
        paragraph("Code", "Code")
            .based_on("Normal")
            .fonts(run_fonts(f.mono, f.body_east_asia))
            .size(19)
            .line_spacing(LineSpacing::new().after(0).line(240)),
        paragraph("TableText", "Table Text")
            .based_on("Normal")
            .size(BODY_SIZE - 2)
            .line_spacing(LineSpacing::new().before(20).after(20).line(260)),
        paragraph("TOCHeading", "TOC Heading")
            .based_on("Normal")
            .next("Normal")
            .fonts(heading_fonts)
            .size(32)
            .bold()
            .align(AlignmentType::Center),
        paragraph("TOC1", "toc 1")
            .based_on("Normal")
            .next("Normal")
            .line_spacing(LineSpacing::new().before(60).after(20)),
        paragraph("TOC2", "toc 2")
            .based_on("Normal")
            .next("Normal")
            .indent(Some(440), None, None, None)
            .line_spacing(LineSpacing::new().after(20)),
        paragraph("TOC3", "toc 3").based_on("Normal").next("Normal").indent(Some(880), None, None, None),
        paragraph("Header", "header").based_on("Normal").size(18).color("595959"),
        paragraph("Footer", "footer").based_on("Normal").size(18).color("595959").align(AlignmentType::Center),
        paragraph("FootnoteText", "footnote text")
            .based_on("Normal")
            .size(18)
            .line_spacing(LineSpacing::new().after(0)),
        // Word's own base table style, so any table style can be based on it.
        Style::new("TableNormal", StyleType::Table)
            .name("Normal Table")
            .ui_priority(99)
            .semi_hidden()
            .unhide_when_used(),
        Style::new("TableGrid", StyleType::Table).name("Table Grid").based_on("TableNormal").ui_priority(59),
        Style::new("Hyperlink", StyleType::Character).name("Hyperlink").color("0563C1").underline("single"),
        {
            let mut s = Style::new("FootnoteReference", StyleType::Character).name("footnote reference");
            s.run_property = s.run_property.vert_align(docx_rs::VertAlignType::SuperScript);
            s
        },
        Style::new("CodeChar", StyleType::Character).name("Code Char").fonts(run_fonts(f.mono, f.body_east_asia)),
    ]);
    out
}

/// The list and level that number a heading at `depth` (0-based).
pub fn heading_num(scheme: NumberingScheme, depth: usize) -> (usize, usize) {
    match (scheme, depth) {
        (NumberingScheme::ZhChapter, 0) => (HEADING_NUM, 0),
        (NumberingScheme::ZhChapter, d) => (ARTICLE_NUM, d - 1),
        (_, d) => (HEADING_NUM, d),
    }
}

fn heading_level(i: usize, format: &str, text: &str, suffix: LevelSuffixType, style: &str) -> Level {
    Level::new(i, Start::new(1), NumberFormat::new(format), LevelText::new(text), LevelJc::new("left"))
        .indent(Some(0), Some(SpecialIndentType::FirstLine(0)), None, None)
        .suffix(suffix)
        .paragraph_style(style)
}

/// The abstract lists that number headings in `scheme`.
pub fn heading_numbering(scheme: NumberingScheme) -> Vec<AbstractNumbering> {
    match scheme {
        NumberingScheme::ZhChapter => vec![
            AbstractNumbering::new(HEADING_NUM).add_level(heading_level(
                0,
                "chineseCounting",
                "第%1章",
                LevelSuffixType::Space,
                "Heading1",
            )),
            AbstractNumbering::new(ARTICLE_NUM)
                .add_level(heading_level(0, "chineseCounting", "第%1条", LevelSuffixType::Space, "Heading2"))
                .add_level(heading_level(1, "chineseCounting", "%2、", LevelSuffixType::Nothing, "Heading3")),
        ],
        NumberingScheme::ZhOutline => vec![
            AbstractNumbering::new(HEADING_NUM)
                .add_level(heading_level(0, "chineseCounting", "%1、", LevelSuffixType::Nothing, "Heading1"))
                .add_level(heading_level(1, "chineseCounting", "（%2）", LevelSuffixType::Nothing, "Heading2"))
                .add_level(heading_level(2, "decimal", "%3.", LevelSuffixType::Space, "Heading3")),
        ],
        NumberingScheme::Decimal => vec![
            AbstractNumbering::new(HEADING_NUM)
                .add_level(heading_level(0, "decimal", "%1", LevelSuffixType::Space, "Heading1"))
                .add_level(heading_level(1, "decimal", "%1.%2", LevelSuffixType::Space, "Heading2"))
                .add_level(heading_level(2, "decimal", "%1.%2.%3", LevelSuffixType::Space, "Heading3")),
        ],
    }
}

const BULLETS: [&str; 3] = ["•", "◦", "▪"];

pub fn bullet_numbering() -> AbstractNumbering {
    let mut abs = AbstractNumbering::new(BULLET_NUM);
    for i in 0..9 {
        abs = abs.add_level(
            Level::new(
                i,
                Start::new(1),
                NumberFormat::new("bullet"),
                LevelText::new(BULLETS[i % BULLETS.len()]),
                LevelJc::new("left"),
            )
            .indent(Some(list_indent(i)), Some(SpecialIndentType::Hanging(360)), None, None),
        );
    }
    abs
}

pub fn ordered_numbering() -> AbstractNumbering {
    let formats = [("decimal", "%{}."), ("lowerLetter", "%{}."), ("lowerRoman", "%{}.")];
    let mut abs = AbstractNumbering::new(ORDERED_ABSTRACT);
    for i in 0..9 {
        let (format, pattern) = formats[i % formats.len()];
        abs = abs.add_level(
            Level::new(
                i,
                Start::new(1),
                NumberFormat::new(format),
                LevelText::new(pattern.replace("{}", &(i + 1).to_string())),
                LevelJc::new("left"),
            )
            .indent(Some(list_indent(i)), Some(SpecialIndentType::Hanging(400)), None, None),
        );
    }
    abs
}

/// An instance of the ordered list that starts again at `start` on `level`.
/// A list of its own on `abstract_id`, whose `level` starts at `start`: an
/// ordered list, or a handbook part's headings numbered from 1 again.
pub fn list_instance(id: usize, abstract_id: usize, level: usize, start: usize) -> Numbering {
    Numbering::new(id, abstract_id).add_override(LevelOverride::new(level).start(start))
}

pub fn list_indent(level: usize) -> i32 {
    420 + 420 * i32::try_from(level).unwrap_or(0)
}
