//! Exporters: pure functions from a policy to the bytes of a file.
//! Writing the bytes somewhere is the shell's business.

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::markdown;
use crate::model::Policy;
use crate::template::Templates;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Md,
    Html,
    Docx,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Md => "md",
            Format::Html => "html",
            Format::Docx => "docx",
        }
    }
}

/// The Markdown a reader sees: headings numbered in the policy's scheme.
pub fn markdown(policy: &Policy, templates: &Templates) -> Result<String> {
    let semantic = templates.render_markdown(policy)?;
    Ok(markdown::number_headings(&semantic, policy.document.numbering))
}

/// The live preview: the policy as sanitised HTML, without the page around it.
pub fn preview_html(policy: &Policy, templates: &Templates) -> Result<String> {
    Ok(markdown::to_html(&markdown(&policy.sanitized(), templates)?))
}

/// A standalone, sanitised HTML page.
pub fn html(policy: &Policy, templates: &Templates) -> Result<String> {
    let body = markdown::to_html(&markdown(policy, templates)?);
    templates.render_page(policy, &body)
}

/// `render` for a policy that passes validation; one with errors is refused,
/// so that no exported document ever has weights that do not add up.
pub fn render_valid(policy: &Policy, format: Format, templates: &Templates) -> Result<Vec<u8>> {
    if let Some(refusal) =
        crate::model::validate::validate(policy).refusal("the policy", "; fix them, then export again")
    {
        return Err(refusal);
    }
    render(policy, format, templates)
}

pub fn render(policy: &Policy, format: Format, templates: &Templates) -> Result<Vec<u8>> {
    Ok(match format {
        Format::Md => markdown(policy, templates)?.into_bytes(),
        Format::Html => html(policy, templates)?.into_bytes(),
        Format::Docx => crate::docx::policy_docx(policy, templates)?,
    })
}
