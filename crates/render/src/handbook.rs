//! Several policies bound into one handbook: its own title page and document
//! control, a list of the policies in it, one table of contents, then each
//! policy in full as a part of its own, numbered from the start again.
//!
//! Like the exporters, binding is pure: policies come in as values and the
//! result goes out as bytes.

use policywright_doc::docx::{self, DocxOptions, Meta, PartFrame};
use policywright_doc::{Doc, demote_headings, html, markdown, number_headings};
use policywright_i18n::{Error, ErrorKind, Key, Locale, Message, NumberingScheme, Result, keys, msg};
use policywright_model::validate::{MAX_FIELD_CHARS, is_iso_date, validate};
use policywright_model::{Policy, Sanitized, clean_text};
use serde::{Deserialize, Serialize};

use crate::policy::{Format, Input, Options, header_text, version};
use crate::templates::Templates;

/// What the handbook says about itself; the policies come separately.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct Handbook {
    pub title: String,
    #[serde(default)]
    pub company: String,
    /// Document number, e.g. `HR-HB-001`.
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub version: String,
    /// Date of issue, `YYYY-MM-DD`.
    pub date: String,
    pub locale: Locale,
    /// Every bound policy is numbered in this scheme, so the parts match.
    pub numbering: NumberingScheme,
}

/// One row of the handbook's list of policies.
#[derive(Serialize)]
struct Row<'a> {
    title: &'a str,
    number: &'a str,
    version: &'a str,
    effective_date: &'a str,
}

/// The policies as the handbook prints them, after checking that they can
/// be bound: at least one, all in the handbook's language, none with errors.
pub fn bind(handbook: &Handbook, policies: &[Input]) -> Result<(Handbook, Vec<Sanitized<Policy>>)> {
    let bad = |message: Message, hint: Key| Error::new(ErrorKind::InvalidPolicy, message).hint(Message::new(hint));
    if handbook.title.trim().is_empty() {
        return Err(bad(Message::new(keys::errors::HANDBOOK_NO_TITLE), keys::errors::HANDBOOK_NO_TITLE_HINT));
    }
    if !is_iso_date(&handbook.date) {
        return Err(bad(
            msg!(keys::errors::HANDBOOK_BAD_DATE, date = handbook.date.as_str()),
            keys::validation::DATE_HINT,
        ));
    }
    use keys::errors::handbook_field as field;
    for (name, text) in
        [(field::TITLE, &handbook.title), (field::COMPANY, &handbook.company), (field::NUMBER, &handbook.number)]
    {
        if text.chars().count() > MAX_FIELD_CHARS {
            return Err(bad(
                msg!(keys::errors::HANDBOOK_TOO_LONG, field = name, max = MAX_FIELD_CHARS),
                keys::errors::HANDBOOK_TOO_LONG_HINT,
            ));
        }
    }
    if policies.is_empty() {
        return Err(bad(Message::new(keys::errors::HANDBOOK_EMPTY), keys::errors::HANDBOOK_EMPTY_HINT));
    }
    let language = |l: Locale| match l {
        Locale::ZhCn => Message::new(keys::choices::locale::ZH_CN),
        Locale::En => Message::new(keys::choices::locale::EN),
    };
    let mut bound = Vec::with_capacity(policies.len());
    for (i, input) in policies.iter().enumerate() {
        let policy = &input.policy;
        let which = msg!(keys::errors::HANDBOOK_POLICY, n = i + 1, title = policy.document.title.as_str());
        if policy.document.locale != handbook.locale {
            return Err(bad(
                msg!(
                    keys::errors::HANDBOOK_LOCALE,
                    policy = which,
                    locale = language(policy.document.locale),
                    handbook = language(handbook.locale)
                ),
                keys::errors::HANDBOOK_LOCALE_HINT,
            )
            .in_locale(handbook.locale));
        }
        let report = validate(policy);
        if let Some(first) = report.errors().next() {
            let count = report.errors().count();
            return Err(Error::new(
                ErrorKind::InvalidPolicy,
                msg!(keys::errors::HANDBOOK_POLICY_ERRORS, policy = which, count = count),
            )
            .detail(msg!(keys::errors::FIRST_ERROR, path = first.path.as_str(), message = first.message.clone()))
            .hint(Message::new(keys::errors::HANDBOOK_POLICY_ERRORS_HINT))
            .in_locale(handbook.locale));
        }
        // A part that names no company is the handbook's company's policy.
        bound.push(policy.with_numbering(handbook.numbering).with_company_if_unset(&handbook.company));
    }
    let handbook = Handbook {
        title: clean_text(&handbook.title),
        company: clean_text(&handbook.company),
        number: clean_text(&handbook.number),
        version: clean_text(&handbook.version),
        ..handbook.clone()
    };
    Ok((handbook, bound))
}

/// The handbook's own pages, as semantic Markdown.
fn cover(handbook: &Handbook, policies: &[Sanitized<Policy>], templates: &Templates) -> Result<String> {
    let rows: Vec<Row<'_>> = policies
        .iter()
        .map(|p| Row {
            title: &p.document.title,
            number: &p.document.number,
            version: version(p),
            effective_date: &p.document.effective_date,
        })
        .collect();
    templates.render_handbook(handbook.locale, handbook, &rows)
}

/// The whole handbook as one tree: the cover, then each policy with its
/// own `#` title, which begins a part. With `numbered`, headings carry their
/// numbers as text and each policy sits one level down (for Markdown and
/// HTML); without, Word numbers them.
fn tree(handbook: &Handbook, policies: &[Sanitized<Policy>], templates: &Templates, numbered: bool) -> Result<Doc> {
    let mut doc = markdown::parse(&cover(handbook, policies, templates)?);
    for policy in policies {
        let mut part = markdown::parse(&templates.render_markdown(policy)?);
        if numbered {
            number_headings(&mut part, handbook.numbering);
            demote_headings(&mut part);
        }
        doc.blocks.append(&mut part.blocks);
        doc.footnotes.append(&mut part.footnotes);
    }
    Ok(doc)
}

/// The Markdown a reader sees: the handbook title on top, each policy one
/// level down, its headings numbered from the start again.
pub fn markdown_text(handbook: &Handbook, policies: &[Input], templates: &Templates) -> Result<String> {
    let (handbook, policies) = bind(handbook, policies)?;
    Ok(markdown::write(&tree(&handbook, &policies, templates, true)?))
}

/// The handbook's body as sanitised HTML without a page around it, for the
/// app's preview: what [`html_page`] puts inside its page.
pub fn preview_html(handbook: &Handbook, policies: &[Input], templates: &Templates) -> Result<String> {
    let (handbook, policies) = bind(handbook, policies)?;
    Ok(html::write(&tree(&handbook, &policies, templates, true)?, html::MoveTitles::default()))
}

/// A standalone, sanitised HTML page.
pub fn html_page(handbook: &Handbook, policies: &[Input], templates: &Templates) -> Result<String> {
    let (handbook, policies) = bind(handbook, policies)?;
    let body = html::write(&tree(&handbook, &policies, templates, true)?, html::MoveTitles::default());
    templates.render_page_for(&handbook.title, handbook.locale, &body)
}

/// The handbook as a `.docx`: Word numbering that starts again in each part,
/// one TOC of parts and chapters, the handbook's version in the footer.
pub fn docx_bytes(handbook: &Handbook, policies: &[Input], templates: &Templates) -> Result<Vec<u8>> {
    let (handbook, policies) = bind(handbook, policies)?;
    let doc = tree(&handbook, &policies, templates, false)?;
    let mut custom = vec![
        ("Generator".to_string(), "Policywright".to_string()),
        ("HandbookNumber".to_string(), handbook.number.clone()),
        ("HandbookVersion".to_string(), handbook.version.clone()),
    ];
    custom.retain(|(_, v)| !v.is_empty());
    // Each bound policy is a section whose header and footer name it: its
    // company, title and number, and its own version.
    let part_frames = policies
        .iter()
        .map(|p| {
            let doc = &p.document;
            let header_text = header_text(&header_text(&doc.company, &doc.title), &doc.number);
            PartFrame { header_text, version: version(p).to_string() }
        })
        .collect();
    let opts = DocxOptions {
        numbering: Some(handbook.numbering),
        title_from_h1: true,
        toc: true,
        parts: true,
        part_frames,
        header_text: header_text(&handbook.company, &handbook.title),
        version: handbook.version.clone(),
        meta: Meta {
            title: handbook.title.clone(),
            subject: handbook.number.clone(),
            creator: handbook.company.clone(),
            date: handbook.date.clone(),
            revision: 1,
            custom,
        },
        ..DocxOptions::plain(handbook.locale)
    };
    docx::write(&doc, &opts)
}

/// The exporter of handbooks: the same policies and options give the same bytes.
pub fn export(handbook: &Handbook, policies: &[Input], opts: &Options<'_>) -> Result<Vec<u8>> {
    Ok(match opts.format {
        Format::Md => markdown_text(handbook, policies, opts.templates)?.into_bytes(),
        Format::Html => html_page(handbook, policies, opts.templates)?.into_bytes(),
        Format::Docx => docx_bytes(handbook, policies, opts.templates)?,
    })
}
