//! Exporters: pure functions from a policy to the bytes of a file.
//! Writing the bytes somewhere is the shell's business.

use serde::Serialize;

use crate::error::Result;
use crate::markdown;
use crate::model::Policy;
use crate::template::Templates;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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

/// A standalone, sanitised HTML page.
pub fn html(policy: &Policy, templates: &Templates) -> Result<String> {
    let body = markdown::to_html(&markdown(policy, templates)?);
    templates.render_page(policy, &body)
}

pub fn render(policy: &Policy, format: Format, templates: &Templates) -> Result<Vec<u8>> {
    Ok(match format {
        Format::Md => markdown(policy, templates)?.into_bytes(),
        Format::Html => html(policy, templates)?.into_bytes(),
        Format::Docx => crate::docx::policy_docx(policy, templates)?,
    })
}
