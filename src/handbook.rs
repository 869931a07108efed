//! Several policies bound into one handbook: its own title page and document
//! control, a list of the policies in it, one table of contents, then each
//! policy in full as a part of its own, numbered from the start again.
//!
//! Like the exporters, binding is pure: policies come in as values and the
//! result goes out as bytes.

use serde::{Deserialize, Serialize};

use crate::docx::{self, DocxOptions, Meta};
use crate::error::{Error, ErrorCode, Result};
use crate::export::Format;
use crate::markdown;
use crate::model::validate::{MAX_FIELD_CHARS, is_iso_date, validate};
use crate::model::{Locale, NumberingScheme, Policy, strip_xml_illegal};
use crate::template::Templates;

/// What the handbook says about itself; the policies come separately.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
pub fn bind(handbook: &Handbook, policies: &[Policy]) -> Result<(Handbook, Vec<Policy>)> {
    let bad = |message: String, hint: &str| {
        Error::new(ErrorCode::InvalidPolicy, message).with_detail(format!("hint: {hint}"))
    };
    if handbook.title.trim().is_empty() {
        return Err(bad("the handbook has no title".into(), "give it one with --title"));
    }
    if !is_iso_date(&handbook.date) {
        return Err(bad(
            format!("the handbook's date \"{}\" is not a valid date", handbook.date),
            "write the date as YYYY-MM-DD, e.g. 2027-01-01",
        ));
    }
    for (name, text) in [("title", &handbook.title), ("company", &handbook.company), ("number", &handbook.number)] {
        if text.chars().count() > MAX_FIELD_CHARS {
            return Err(bad(
                format!("the handbook's {name} is longer than {MAX_FIELD_CHARS} characters"),
                "shorten it",
            ));
        }
    }
    if policies.is_empty() {
        return Err(bad("a handbook needs at least one policy".into(), "name the policy files to bind"));
    }
    let mut bound = Vec::with_capacity(policies.len());
    for (i, policy) in policies.iter().enumerate() {
        let which = format!("policy {} (\"{}\")", i + 1, policy.document.title);
        if policy.document.locale != handbook.locale {
            return Err(bad(
                format!(
                    "{which} is in {}, but the handbook is in {}",
                    policy.document.locale.code(),
                    handbook.locale.code()
                ),
                "bind policies of one language, or set the handbook's language with --locale",
            ));
        }
        if let Some(refusal) = validate(policy).refusal(&which, "") {
            return Err(
                refusal.with_detail("hint: run `policywright validate` on it to see them all, and fix them first")
            );
        }
        let mut policy = policy.sanitized();
        policy.document.numbering = handbook.numbering;
        bound.push(policy);
    }
    let clean = |text: &str| strip_xml_illegal(text).into_owned();
    let handbook = Handbook {
        title: clean(&handbook.title),
        company: clean(&handbook.company),
        number: clean(&handbook.number),
        version: clean(&handbook.version),
        ..handbook.clone()
    };
    Ok((handbook, bound))
}

fn version(policy: &Policy) -> &str {
    policy.document.revisions.last().map_or("", |r| r.version.as_str())
}

/// The handbook's own pages, as semantic Markdown.
fn cover(handbook: &Handbook, policies: &[Policy], templates: &Templates) -> Result<String> {
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

/// Semantic Markdown of the whole handbook: the cover, then each policy
/// with its own `#` title, which begins a part.
pub fn semantic_markdown(handbook: &Handbook, policies: &[Policy], templates: &Templates) -> Result<String> {
    let (handbook, policies) = bind(handbook, policies)?;
    semantic_bound(&handbook, &policies, templates)
}

fn semantic_bound(handbook: &Handbook, policies: &[Policy], templates: &Templates) -> Result<String> {
    let mut out = cover(handbook, policies, templates)?;
    for policy in policies {
        out.push_str("\n\n");
        out.push_str(&templates.render_markdown(policy)?);
    }
    Ok(out)
}

/// The Markdown a reader sees: the handbook title on top, each policy one
/// level down, its headings numbered from the start again.
pub fn markdown(handbook: &Handbook, policies: &[Policy], templates: &Templates) -> Result<String> {
    let (handbook, policies) = bind(handbook, policies)?;
    markdown_bound(&handbook, &policies, templates)
}

fn markdown_bound(handbook: &Handbook, policies: &[Policy], templates: &Templates) -> Result<String> {
    let mut out = cover(handbook, policies, templates)?;
    for policy in policies {
        let numbered = markdown::number_headings(&templates.render_markdown(policy)?, handbook.numbering);
        out.push_str("\n\n");
        out.push_str(&markdown::demote_headings(&numbered));
    }
    Ok(out)
}

/// A standalone, sanitised HTML page.
pub fn html(handbook: &Handbook, policies: &[Policy], templates: &Templates) -> Result<String> {
    let (handbook, policies) = bind(handbook, policies)?;
    let body = markdown::to_html(&markdown_bound(&handbook, &policies, templates)?);
    templates.render_page_for(&handbook.title, handbook.locale, &body)
}

/// The handbook as a `.docx`: Word numbering that starts again in each part,
/// one TOC of parts and chapters, the handbook's version in the footer.
pub fn docx(handbook: &Handbook, policies: &[Policy], templates: &Templates) -> Result<Vec<u8>> {
    let (handbook, policies) = bind(handbook, policies)?;
    let semantic = semantic_bound(&handbook, &policies, templates)?;
    let header_text = docx::header_text(&handbook.company, &handbook.title);
    let mut custom = vec![
        ("Generator".to_string(), "Policywright".to_string()),
        ("HandbookNumber".to_string(), handbook.number.clone()),
        ("HandbookVersion".to_string(), handbook.version.clone()),
    ];
    custom.retain(|(_, v)| !v.is_empty());
    let opts = DocxOptions {
        numbering: Some(handbook.numbering),
        title_from_h1: true,
        toc: true,
        parts: true,
        header_text,
        version: handbook.version.clone(),
        meta: Meta {
            title: handbook.title.clone(),
            subject: handbook.number.clone(),
            creator: handbook.company.clone(),
            lang: docx::lang_tag(handbook.locale).to_string(),
            date: handbook.date.clone(),
            revision: 1,
            custom,
        },
        ..DocxOptions::plain(handbook.locale)
    };
    docx::markdown_to_docx(&semantic, &opts)
}

pub fn render(handbook: &Handbook, policies: &[Policy], format: Format, templates: &Templates) -> Result<Vec<u8>> {
    Ok(match format {
        Format::Md => markdown(handbook, policies, templates)?.into_bytes(),
        Format::Html => html(handbook, policies, templates)?.into_bytes(),
        Format::Docx => docx(handbook, policies, templates)?,
    })
}
