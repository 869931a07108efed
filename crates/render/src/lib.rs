//! A policy → the document tree → the files a reader opens.
//!
//! ```text
//! Sanitized<Policy> ──Tera──▶ semantic Markdown ──parse──▶ Doc ──▶ md / html / docx
//! ```
//!
//! Templates write Markdown because people edit templates; the tree made
//! from it is what every exporter writes from. Every `{{ value }}` of a
//! `.md` template goes through the Markdown escape, so user text cannot
//! become structure. Exporters are pure: an [`Input`] and [`Options`] in,
//! bytes out.

pub mod handbook;
mod policy;
mod templates;

pub use policy::{
    Format, Input, Options, docx_options, docx_options_of, export, header_text, html_page, markdown_text,
    numbered_tree, preview_html, tree, tree_sharing, version,
};
pub use templates::{Limits, SharedRoles, Templates, escape_inline};
