//! A policy's exports: pure functions from a policy to the bytes of a file.
//! Writing the bytes somewhere is the shell's business.

use policywright_doc::docx::{DocxOptions, Meta, PageSize};
use policywright_doc::{Doc, docx, html, markdown, number_headings};
use policywright_i18n::{PageStyle, Result};
use policywright_model::{Policy, Sanitized, content_hash};
use serde::{Deserialize, Serialize};

use crate::templates::{SharedRoles, Templates};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Md,
    Html,
    Docx,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Md, Format::Html, Format::Docx];

    pub fn extension(self) -> &'static str {
        match self {
            Format::Md => "md",
            Format::Html => "html",
            Format::Docx => "docx",
        }
    }

    pub fn parse(text: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.extension() == text)
    }
}

/// What an exporter takes: a sanitised policy, and the content hash of the
/// policy it was made from, which the DOCX carries.
#[derive(Debug, Clone)]
pub struct Input {
    pub policy: Sanitized<Policy>,
    /// sha256 of the canonical JSON of the policy as the user wrote it (or as
    /// the library stored it), before sanitising.
    pub content_hash: String,
}

impl Input {
    pub fn new(policy: &Policy) -> Result<Input> {
        Ok(Input { policy: Sanitized::new(policy)?, content_hash: content_hash(policy) })
    }

    /// A stored version: the library's hash is the one to carry.
    pub fn stored(policy: &Policy, content_hash: &str) -> Result<Input> {
        Ok(Input { policy: Sanitized::new(policy)?, content_hash: content_hash.to_string() })
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    pub format: Format,
    pub templates: &'a Templates,
}

/// The exporter: the same input and options give the same bytes.
pub fn export(input: &Input, opts: &Options<'_>) -> Result<Vec<u8>> {
    Ok(match opts.format {
        Format::Md => markdown_text(&input.policy, opts.templates)?.into_bytes(),
        Format::Html => html_page(&input.policy, opts.templates)?.into_bytes(),
        Format::Docx => docx::write(&tree(&input.policy, opts.templates)?, &docx_options(input))?,
    })
}

/// The policy as a document tree, headings without numbers.
pub fn tree(policy: &Sanitized<Policy>, templates: &Templates) -> Result<Doc> {
    Ok(markdown::parse(&templates.render_markdown(policy)?))
}

/// [`tree`] of one of two versions being compared, with the roles the two
/// share made once (see [`SharedRoles`]).
pub fn tree_sharing(policy: &Sanitized<Policy>, templates: &Templates, shared: &SharedRoles<'_>) -> Result<Doc> {
    Ok(markdown::parse(&templates.render_markdown_sharing(policy, Some(shared))?))
}

/// The tree with its headings numbered in the policy's scheme, as text.
pub fn numbered_tree(policy: &Sanitized<Policy>, templates: &Templates) -> Result<Doc> {
    let mut doc = tree(policy, templates)?;
    number_headings(&mut doc, policy.document.numbering);
    Ok(doc)
}

/// The Markdown a reader sees: headings numbered in the policy's scheme.
pub fn markdown_text(policy: &Sanitized<Policy>, templates: &Templates) -> Result<String> {
    Ok(markdown::write(&numbered_tree(policy, templates)?))
}

/// The live preview: the policy as sanitised HTML, without the page around it.
pub fn preview_html(policy: &Sanitized<Policy>, templates: &Templates) -> Result<String> {
    Ok(html::write(&numbered_tree(policy, templates)?, html::MoveTitles::default()))
}

/// A standalone, sanitised HTML page.
pub fn html_page(policy: &Sanitized<Policy>, templates: &Templates) -> Result<String> {
    let body = preview_html(policy, templates)?;
    templates.render_page_for(&policy.document.title, policy.document.locale, &body)
}

/// The page header: company and title, whichever are filled in.
pub fn header_text(company: &str, title: &str) -> String {
    [company.trim(), title.trim()].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join(" · ")
}

/// The version a policy's document shows: that of its latest revision.
pub fn version(policy: &Policy) -> &str {
    policy.document.revisions.last().map_or("", |r| r.version.as_str())
}

/// The Word options of a policy's own export.
pub fn docx_options(input: &Input) -> DocxOptions {
    docx_options_of(&input.policy, &input.content_hash)
}

/// [`docx_options`] for a policy and its content hash, without an
/// [`Input`] that would own a copy of the policy.
pub fn docx_options_of(policy: &Policy, content_hash: &str) -> DocxOptions {
    let doc = &policy.document;
    let locale = doc.locale;
    let version = version(policy).to_string();
    let date = doc.revisions.last().map(|r| r.date.clone()).unwrap_or_else(|| doc.effective_date.clone());
    let mut custom = vec![
        ("Generator".to_string(), "Policywright".to_string()),
        ("PolicyNumber".to_string(), doc.number.clone()),
        ("PolicyVersion".to_string(), version.clone()),
        ("EffectiveDate".to_string(), doc.effective_date.clone()),
        ("ContentHash".to_string(), content_hash.to_string()),
    ];
    custom.retain(|(_, v)| !v.is_empty());
    let layout = doc.layout;
    DocxOptions {
        numbering: Some(doc.numbering),
        title_from_h1: true,
        toc: layout.contents.depth() > 0,
        toc_depth: layout.contents.depth(),
        chapter_breaks: layout.chapter_breaks,
        style: layout.style,
        // An official document is on A4 whatever its language.
        page: if layout.style == PageStyle::Gbt9704 { PageSize::A4 } else { DocxOptions::plain(locale).page },
        header_text: header_text(&doc.company, &doc.title),
        version,
        meta: Meta {
            title: doc.title.clone(),
            subject: doc.number.clone(),
            creator: if doc.approvals.prepared_by.is_empty() {
                doc.owner_department.clone()
            } else {
                doc.approvals.prepared_by.clone()
            },
            date,
            revision: u32::try_from(doc.revisions.len()).unwrap_or(1).max(1),
            custom,
        },
        ..DocxOptions::plain(locale)
    }
}
