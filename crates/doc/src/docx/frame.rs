//! The WordprocessingML around the body: the document's root and section
//! properties (page size, margins, header and footer), the header and
//! footer themselves, the settings, and the footnotes part.

use policywright_i18n::{Message, PageStyle, keys};

use super::styles::W_NS;
use super::xml::{Attrs, Xml};
use super::{DocxOptions, PageSize};

const R_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const MC_NS: &str = "http://schemas.openxmlformats.org/markup-compatibility/2006";
const W14_NS: &str = "http://schemas.microsoft.com/office/word/2010/wordml";

/// The namespaces of every part that holds paragraphs: relationship ids for
/// hyperlinks, and `w14:paraId`, which readers before Word 2010 may ignore.
const STORY_NAMESPACES: &Attrs<'static> =
    &[("xmlns:w", &W_NS), ("xmlns:r", &R_NS), ("xmlns:mc", &MC_NS), ("xmlns:w14", &W14_NS), ("mc:Ignorable", &"w14")];

pub const HEADER_ID: &str = "rIdHeader1";
pub const FOOTER_ID: &str = "rIdFooter1";
pub const EVEN_FOOTER_ID: &str = "rIdFooter2";

/// The start of `document.xml`, up to where the body's first child goes,
/// in a string with room for the body.
pub fn document_start(capacity: usize) -> String {
    let mut w = Xml::part(capacity);
    w.open("w:document", STORY_NAMESPACES);
    w.open("w:body", &[]);
    w.finish()
}

/// Ends `document.xml` after the body's last child: the section properties.
pub fn document_end(document: String, opts: &DocxOptions, header: bool, even_footer: bool) -> String {
    let mut w = Xml::continuing(document);
    match opts.part_frames.len() {
        // A handbook whose parts have frames of their own ends in its last
        // part's section.
        0 => section_properties(&mut w, opts, &Section::whole(header, even_footer)),
        n => section_properties(&mut w, opts, &Section::part(n)),
    }
    w.close("w:body");
    w.close("w:document");
    w.finish()
}

/// The page's size in twips: A4 or US Letter, portrait.
pub fn page_size(page: PageSize) -> (usize, usize) {
    match page {
        PageSize::A4 => (11906, 16838),
        PageSize::Letter => (12240, 15840),
    }
}

/// The left and right margins in twips: 2.8 cm on A4, an inch on Letter.
pub fn side_margin(page: PageSize) -> usize {
    match page {
        PageSize::A4 => 1588,
        PageSize::Letter => 1440,
    }
}

/// The page margins in twips: (top, right, bottom, left, header, footer).
pub fn margins(opts: &DocxOptions) -> [usize; 6] {
    match opts.style {
        // GB/T 9704: a type area of 156 × 225 mm, 37 mm from the top and
        // 28 mm from the binding edge.
        PageStyle::Gbt9704 => [2098, 1474, 1984, 1588, 851, 1134],
        PageStyle::Company => {
            let side = side_margin(opts.page);
            [1440, side, 1440, side, 720, 720]
        }
    }
}

/// Whether even pages get a footer of their own (the outer-side page number).
pub fn has_even_footer(opts: &DocxOptions) -> bool {
    opts.style == PageStyle::Gbt9704
}

/// Which header and footer a section shows.
pub struct Section {
    header: Option<String>,
    footer: String,
    even_footer: bool,
    /// The first section of a policy or handbook: its cover has no frame.
    first: bool,
}

impl Section {
    /// The one section of a document, or a handbook's cover and contents.
    pub fn whole(header: bool, even_footer: bool) -> Section {
        Section {
            header: header.then(|| HEADER_ID.to_string()),
            footer: FOOTER_ID.to_string(),
            even_footer,
            first: true,
        }
    }

    /// The section of a handbook's part `n` (from 1): its own header and footer.
    pub fn part(n: usize) -> Section {
        Section { header: Some(part_header_id(n)), footer: part_footer_id(n), even_footer: false, first: false }
    }
}

pub fn part_header_id(n: usize) -> String {
    format!("rIdPartHeader{n}")
}

pub fn part_footer_id(n: usize) -> String {
    format!("rIdPartFooter{n}")
}

/// A paragraph that ends a section (a handbook's cover, or a part) before
/// the next one begins on a new page.
pub fn section_break(out: String, opts: &DocxOptions, section: &Section) -> String {
    let mut w = Xml::continuing(out);
    w.open("w:p", &[]);
    w.open("w:pPr", &[]);
    section_properties(&mut w, opts, section);
    w.close("w:pPr");
    w.close("w:p");
    w.finish()
}

/// CT_SectPr order: headerReference, footerReference, pgSz, pgMar, cols.
fn section_properties(w: &mut Xml, opts: &DocxOptions, section: &Section) {
    let (width, height) = page_size(opts.page);
    let [top, right, bottom, left, header_at, footer_at] = margins(opts);
    w.open("w:sectPr", &[]);
    if let Some(id) = &section.header {
        w.empty("w:headerReference", &[("w:type", &"default"), ("r:id", &id.as_str())]);
    }
    w.empty("w:footerReference", &[("w:type", &"default"), ("r:id", &section.footer.as_str())]);
    if section.even_footer {
        w.empty("w:footerReference", &[("w:type", &"even"), ("r:id", &EVEN_FOOTER_ID)]);
    }
    w.empty("w:pgSz", &[("w:w", &width), ("w:h", &height)]);
    w.empty(
        "w:pgMar",
        &[
            ("w:top", &top),
            ("w:right", &right),
            ("w:bottom", &bottom),
            ("w:left", &left),
            ("w:header", &header_at),
            ("w:footer", &footer_at),
            ("w:gutter", &0usize),
        ],
    );
    w.empty("w:cols", &[("w:space", &425usize), ("w:num", &1usize)]);
    // A policy's first page is its cover: title, document control and
    // revisions, without a running header or page number. (An official
    // document numbers its first page too.)
    if section.first && opts.title_from_h1 && opts.style != PageStyle::Gbt9704 {
        w.empty("w:titlePg", &[]);
    }
    w.close("w:sectPr");
}

/// The header text, or `None` for a document without a header (an
/// official document has none).
pub fn header_text(opts: &DocxOptions) -> Option<&str> {
    Some(opts.header_text.trim()).filter(|t| !t.is_empty() && opts.style != PageStyle::Gbt9704)
}

/// `header1.xml`: the header text, right-aligned. `paragraphs` counts the
/// paragraph ids used so far.
pub fn header(text: &str, paragraphs: &mut u32) -> String {
    let mut w = Xml::part(1024);
    w.open("w:hdr", STORY_NAMESPACES);
    paragraph_start(&mut w, "Header", Some("right"), paragraphs);
    text_run(&mut w, text);
    w.close("w:p");
    w.close("w:hdr");
    w.finish()
}

/// `footer1.xml`: `v1.2 · page X of Y`, with PAGE and NUMPAGES fields; in
/// an official document, "— X —" on the right (odd pages).
pub fn footer(opts: &DocxOptions, paragraphs: &mut u32) -> String {
    footer_of(opts, &opts.version, paragraphs)
}

/// A footer with `version` in it: a handbook part's shows its policy's.
pub fn footer_of(opts: &DocxOptions, version: &str, paragraphs: &mut u32) -> String {
    if opts.style == PageStyle::Gbt9704 {
        return dashed_page_number("right", paragraphs);
    }
    // "page {page} of {pages}": the words around the two fields.
    let words = Message::new(keys::docx::FOOTER).render(opts.locale);
    let (before, rest) = words.split_once("{page}").unwrap_or((&words, ""));
    let (middle, after) = rest.split_once("{pages}").unwrap_or((rest, ""));
    let mut w = Xml::part(2048);
    w.open("w:ftr", STORY_NAMESPACES);
    paragraph_start(&mut w, "Footer", None, paragraphs);
    if !version.is_empty() {
        w.open("w:r", &[]);
        w.open("w:t", &[("xml:space", &"preserve")]);
        w.text("v");
        w.text(version);
        w.text(" · ");
        w.close("w:t");
        w.close("w:r");
    }
    text_run(&mut w, before);
    field(&mut w, "PAGE");
    text_run(&mut w, middle);
    field(&mut w, "NUMPAGES");
    text_run(&mut w, after);
    w.close("w:p");
    w.close("w:ftr");
    w.finish()
}

/// `footer2.xml`, even pages of an official document: "— X —" on the left.
pub fn even_footer(paragraphs: &mut u32) -> String {
    dashed_page_number("left", paragraphs)
}

/// GB/T 9704's page number: 4号 digits between em dashes, one character in
/// from the outer edge.
fn dashed_page_number(side: &str, paragraphs: &mut u32) -> String {
    let mut w = Xml::part(1024);
    w.open("w:ftr", STORY_NAMESPACES);
    *paragraphs += 1;
    w.open("w:p", &[("w14:paraId", &ParaId(*paragraphs))]);
    w.open("w:pPr", &[]);
    w.val("w:pStyle", &"Footer");
    let edge = if side == "right" { "w:right" } else { "w:left" };
    w.empty("w:ind", &[(edge, &280usize)]);
    w.val("w:jc", &side);
    w.close("w:pPr");
    text_run(&mut w, "— ");
    field(&mut w, "PAGE");
    text_run(&mut w, " —");
    w.close("w:p");
    w.close("w:ftr");
    w.finish()
}

/// `<w:p w14:paraId="…"><w:pPr>…</w:pPr>`, with the next paragraph id.
fn paragraph_start(w: &mut Xml, style: &str, align: Option<&str>, paragraphs: &mut u32) {
    *paragraphs += 1;
    w.open("w:p", &[("w14:paraId", &ParaId(*paragraphs))]);
    w.open("w:pPr", &[]);
    w.val("w:pStyle", &style);
    if let Some(jc) = align {
        w.val("w:jc", &jc);
    }
    w.close("w:pPr");
}

/// Paragraph ids are eight hex digits, below 0x80000000 as Word requires.
struct ParaId(u32);

impl super::xml::Value for ParaId {
    fn write_to(&self, out: &mut String) {
        use std::fmt::Write;
        let _ = write!(out, "{:08X}", self.0 & 0x7FFF_FFFF);
    }
}

/// A run of plain text; nothing for no text.
fn text_run(w: &mut Xml, text: &str) {
    if text.is_empty() {
        return;
    }
    w.open("w:r", &[]);
    w.text_element("w:t", &[("xml:space", &"preserve")], text);
    w.close("w:r");
}

/// A simple field in one run, showing 1 until a reader computes it.
fn field(w: &mut Xml, instruction: &str) {
    w.open("w:r", &[]);
    w.empty("w:fldChar", &[("w:fldCharType", &"begin")]);
    w.text_element("w:instrText", &[], instruction);
    w.empty("w:fldChar", &[("w:fldCharType", &"separate")]);
    w.text_element("w:t", &[("xml:space", &"preserve")], "1");
    w.empty("w:fldChar", &[("w:fldCharType", &"end")]);
    w.close("w:r");
}

/// `settings.xml`, CT_Settings order: zoom, defaultTabStop, updateFields,
/// compat.
pub fn settings(even_and_odd_footers: bool) -> String {
    let mut w = Xml::part(1536);
    w.open("w:settings", &[("xmlns:w", &W_NS)]);
    w.empty("w:zoom", &[("w:percent", &100usize)]);
    // Two Chinese characters of body text.
    w.val("w:defaultTabStop", &840usize);
    if even_and_odd_footers {
        w.empty("w:evenAndOddHeaders", &[]);
    }
    // Makes Word offer to refresh the TOC and page fields when the file opens.
    w.val("w:updateFields", &"true");
    w.open("w:compat", &[]);
    for flag in [
        "w:spaceForUL",
        "w:balanceSingleByteDoubleByteWidth",
        "w:doNotLeaveBackslashAlone",
        "w:ulTrailSpace",
        "w:doNotExpandShiftReturn",
        "w:useFELayout",
    ] {
        w.empty(flag, &[]);
    }
    // Word 2013 and later layout, without its newer surprises.
    for (name, val) in [
        ("compatibilityMode", "15"),
        ("overrideTableStyleFontSizeAndJustification", "1"),
        ("enableOpenTypeFeatures", "1"),
        ("doNotFlipMirrorIndents", "1"),
        ("differentiateMultirowTableHeaders", "1"),
        ("useWord2013TrackBottomHyphenation", "0"),
    ] {
        w.empty(
            "w:compatSetting",
            &[("w:name", &name), ("w:uri", &"http://schemas.microsoft.com/office/word"), ("w:val", &val)],
        );
    }
    w.close("w:compat");
    w.close("w:settings");
    w.finish()
}

/// `footnotes.xml` around the notes the body wrote.
pub fn footnotes(notes: &str) -> String {
    let mut w = Xml::part(notes.len() + 512);
    w.open("w:footnotes", STORY_NAMESPACES);
    w.raw(notes);
    w.close("w:footnotes");
    w.finish()
}
