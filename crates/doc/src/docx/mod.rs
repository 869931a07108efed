//! The tree → a `.docx`: the writer behind every Word file Policywright makes.
//!
//! A policy's tree comes in with the policy's numbering scheme, and Word
//! numbers the headings itself; any other Markdown comes in plain.
//!
//! Every part is written by our own code in the order the schema requires,
//! never re-sorted afterwards: the body by `body`, styles and numbering by
//! `styles`, the rest of the WordprocessingML by `frame`, the package around
//! it by `package`. All but the body go through the one small writer in
//! `xml`; the body, most of the bytes, pushes its fixed markup directly.

mod body;
mod frame;
mod package;
mod reference;
mod styles;
#[cfg(test)]
mod tests;
mod xml;
mod zip;

use policywright_i18n::{Locale, NumberingScheme, PageStyle, Result};
use serde::Serialize;

use std::collections::BTreeMap;

use crate::tree::{Block, Doc, TitleBlock};

pub use reference::{MAX_STYLES_BYTES, ReferenceStyles, reference_styles};
pub use xml::escaped;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageSize {
    A4,
    Letter,
}

/// Document properties, written to `docProps/core.xml` and `custom.xml`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Meta {
    pub title: String,
    pub subject: String,
    pub creator: String,
    /// `YYYY-MM-DD`; created and modified times are this day, 00:00 UTC.
    pub date: String,
    pub revision: u32,
    /// Extra name/value pairs for `docProps/custom.xml`.
    pub custom: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct DocxOptions {
    pub locale: Locale,
    pub page: PageSize,
    /// Real Word numbering for headings 1–3; `None` leaves them unnumbered.
    pub numbering: Option<NumberingScheme>,
    /// The first `#` heading is the document's Title, and `##` is Heading 1.
    pub title_from_h1: bool,
    /// A table of contents before the first heading.
    pub toc: bool,
    /// How many heading levels it lists (chapters, or chapters and articles).
    pub toc_depth: usize,
    /// With a numbering scheme, each chapter starts on a new page.
    pub chapter_breaks: bool,
    /// The house style of the pages.
    pub style: PageStyle,
    /// A handbook's parts, each in a section of its own whose header and
    /// footer name the bound policy; empty for one frame throughout.
    pub part_frames: Vec<PartFrame>,
    /// A handbook: every `#` heading after the title begins a part (one
    /// bound policy), and its headings are numbered from the start again.
    pub parts: bool,
    pub header_text: String,
    /// Shown in the footer as `v1.2 · page X of Y`; empty for none.
    pub version: String,
    pub meta: Meta,
    /// The styles of a reference document ([`reference_styles`]): its styles
    /// win, ours fill in the ones it lacks.
    pub reference_styles: Option<ReferenceStyles>,
    /// Who made the tracked changes in a redline, and when (W3CDTF).
    pub revision: Option<TrackedBy>,
}

/// What a handbook part's header and footer say.
#[derive(Debug, Clone, Default)]
pub struct PartFrame {
    pub header_text: String,
    /// Shown as `v1.2 · page X of Y`; empty for none.
    pub version: String,
}

#[derive(Debug, Clone)]
pub struct TrackedBy {
    pub author: String,
    pub date: String,
}

impl DocxOptions {
    /// Plain conversion of any Markdown file.
    pub fn plain(locale: Locale) -> DocxOptions {
        DocxOptions {
            locale,
            page: match locale {
                Locale::ZhCn => PageSize::A4,
                Locale::En => PageSize::Letter,
            },
            numbering: None,
            title_from_h1: false,
            toc: false,
            toc_depth: 2,
            chapter_breaks: true,
            style: PageStyle::Company,
            part_frames: Vec::new(),
            parts: false,
            header_text: String::new(),
            version: String::new(),
            meta: Meta { date: "2000-01-01".to_string(), revision: 1, ..Meta::default() },
            reference_styles: None,
            revision: None,
        }
    }
}

/// The document tree as a `.docx`.
pub fn write(doc: &Doc, opts: &DocxOptions) -> Result<Vec<u8>> {
    write_sized(&[&doc.blocks], &doc.footnotes, None, opts, &opts.meta, size_hint(doc.blocks.len()))
}

/// A document of the pieces of `blocks` one after another, with the notes
/// of `footnotes`, as a `.docx`: a redline puts its summary into the
/// compared document this way, without copying the document.
pub fn write_pieces(
    blocks: &[&[Block]],
    footnotes: &BTreeMap<String, Vec<Block>>,
    opts: &DocxOptions,
) -> Result<Vec<u8>> {
    write_sized(blocks, footnotes, None, opts, &opts.meta, size_hint(blocks.iter().map(|piece| piece.len()).sum()))
}

/// Room for the body XML of so many top-level blocks. Room not written
/// to is never touched, so a generous guess costs nothing, while growing a
/// body of hundreds of megabytes by doubling copies it again and again. The
/// guess is capped: it must never be an allocation failure.
fn size_hint(blocks: usize) -> usize {
    blocks.saturating_mul(2048).clamp(64 << 10, 256 << 20)
}

/// Any CommonMark/GFM file as a `.docx`, read as [`crate::markdown::read`]
/// reads one. Its front matter is the title block and fills the document
/// properties it names: title, creator and, for a `YYYY-MM-DD` date, the
/// created and modified dates.
pub fn from_markdown(markdown: &str, opts: &DocxOptions) -> Result<Vec<u8>> {
    let (title, doc) = crate::markdown::read(markdown);
    let mut meta = opts.meta.clone();
    if let Some(t) = &title {
        if !t.title.is_empty() {
            meta.title = t.title.clone();
        }
        if !t.authors.is_empty() {
            meta.creator = t.authors.join("; ");
        }
        if let Some(day) = crate::markdown::iso_day(&t.date) {
            meta.date = day.to_string();
        }
    }
    // The body XML runs to about four times its Markdown. The guess is
    // capped: it only saves copies, and must never be an allocation failure.
    let hint = markdown.len().saturating_mul(4).min(256 << 20);
    write_sized(&[&doc.blocks], &doc.footnotes, title.as_ref(), opts, &meta, hint)
}

fn write_sized(
    blocks: &[&[Block]],
    footnotes: &BTreeMap<String, Vec<Block>>,
    title: Option<&TitleBlock>,
    opts: &DocxOptions,
    meta: &Meta,
    size_hint: usize,
) -> Result<Vec<u8>> {
    // Growing a multi-megabyte string by doubling copies it several times.
    let start = frame::document_start(size_hint.min(body::PIECE * 2));
    let (body, pieces) = zip::deflate_while(|sink| body::write(blocks, footnotes, title, opts, start, sink))
        .ok_or_else(|| {
            policywright_i18n::Error::internal("assembling the docx package: a part of the body was not compressed")
        })?;
    package::package(body, pieces, opts, meta)
}
