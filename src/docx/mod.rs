//! Markdown → DOCX: the writer behind `render --format docx` and `convert`.
//!
//! One writer serves both. A policy's semantic Markdown (headings without
//! numbers) goes in with the policy's numbering scheme, and Word numbers the
//! headings itself; any other Markdown file goes in plain.

mod blocks;
mod frame;

pub use blocks::{
    DEL_END, DEL_START, INS_END, INS_START, MOVE_FROM_END, MOVE_FROM_START, MOVE_TO_END, MOVE_TO_START, is_change_mark,
    move_number,
};
pub use writer::escaped;
mod package;
mod schema_order;
mod styles;
mod writer;

use serde::Serialize;

use crate::error::Result;
use crate::model::{Locale, NumberingScheme, Policy};
use crate::template::Templates;

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
    /// BCP 47 tag, `zh-CN` or `en-US`.
    pub lang: String,
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
    /// A handbook: every `#` heading after the title begins a part (one
    /// bound policy), and its headings are numbered from the start again.
    pub parts: bool,
    pub header_text: String,
    /// Shown in the footer as `v1.2 · page X of Y`; empty for none.
    pub version: String,
    pub meta: Meta,
    /// `word/styles.xml` of a reference document: its styles win, ours fill
    /// in the ones it lacks.
    pub reference_styles: Option<String>,
    /// Who made the tracked changes in a redline, and when (W3CDTF).
    pub revision: Option<TrackedBy>,
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
            parts: false,
            header_text: String::new(),
            version: String::new(),
            meta: Meta {
                lang: lang_tag(locale).to_string(),
                date: "2000-01-01".to_string(),
                revision: 1,
                ..Meta::default()
            },
            reference_styles: None,
            revision: None,
        }
    }
}

/// Reads `word/styles.xml` out of a `.docx` given as bytes.
pub fn reference_styles(docx: &[u8], source: &str) -> Result<String> {
    use std::io::Read;
    let bad = |why: String| {
        crate::Error::new(crate::ErrorCode::InvalidDocument, format!("{source} cannot be used as a reference document"))
            .with_detail(why)
            .with_detail("hint: pass a .docx saved by Word, WPS or LibreOffice")
    };
    let mut zip =
        zip::ZipArchive::new(std::io::Cursor::new(docx)).map_err(|e| bad(format!("it is not a zip package: {e}")))?;
    let mut part = zip.by_name("word/styles.xml").map_err(|_| bad("it has no word/styles.xml".into()))?;
    let mut text = String::new();
    part.read_to_string(&mut text).map_err(|e| bad(format!("word/styles.xml is unreadable: {e}")))?;
    Ok(text)
}

/// The BCP 47 tag Word wants for a locale.
pub fn lang_tag(locale: Locale) -> &'static str {
    match locale {
        Locale::ZhCn => "zh-CN",
        Locale::En => "en-US",
    }
}

/// Any CommonMark/GFM text to a `.docx`.
pub fn markdown_to_docx(markdown: &str, opts: &DocxOptions) -> Result<Vec<u8>> {
    let doc = blocks::parse(markdown);
    // The body XML runs to about four times its Markdown. The guess is
    // capped: it only saves copies, and must never be an allocation failure.
    let body = writer::write(&doc, opts, markdown.len().saturating_mul(4).min(256 << 20));
    drop(doc);
    let frame = frame::frame(opts, &body.lists).build();
    package::package(frame, body, &opts.meta, opts.reference_styles.as_deref())
}

/// The page header: company and title, whichever are filled in.
pub fn header_text(company: &str, title: &str) -> String {
    [company.trim(), title.trim()].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join(" · ")
}

/// The options a policy's own export uses.
pub fn policy_options(policy: &Policy) -> DocxOptions {
    let doc = &policy.document;
    let locale = doc.locale;
    let version = doc.revisions.last().map(|r| r.version.clone()).unwrap_or_default();
    let date = doc.revisions.last().map(|r| r.date.clone()).unwrap_or_else(|| doc.effective_date.clone());
    let header_text = header_text(&doc.company, &doc.title);
    let mut custom = vec![
        ("Generator".to_string(), "Policywright".to_string()),
        ("PolicyNumber".to_string(), doc.number.clone()),
        ("PolicyVersion".to_string(), version.clone()),
        ("EffectiveDate".to_string(), doc.effective_date.clone()),
        ("ContentHash".to_string(), crate::model::content_hash(policy)),
    ];
    custom.retain(|(_, v)| !v.is_empty());
    DocxOptions {
        numbering: Some(doc.numbering),
        title_from_h1: true,
        toc: true,
        header_text,
        version: version.clone(),
        meta: Meta {
            title: doc.title.clone(),
            subject: doc.number.clone(),
            creator: if doc.approvals.prepared_by.is_empty() {
                doc.owner_department.clone()
            } else {
                doc.approvals.prepared_by.clone()
            },
            lang: lang_tag(locale).to_string(),
            date,
            revision: u32::try_from(doc.revisions.len()).unwrap_or(1).max(1),
            custom,
        },
        ..DocxOptions::plain(locale)
    }
}

/// A policy to a `.docx`, with Word numbering, TOC, header and footer.
pub fn policy_docx(policy: &Policy, templates: &Templates) -> Result<Vec<u8>> {
    let semantic = templates.render_markdown(policy)?;
    markdown_to_docx(&semantic, &policy_options(&policy.sanitized()))
}
