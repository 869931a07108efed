//! Markdown → numbered Markdown and sanitised HTML.
//!
//! All readers of Markdown in Policywright use [`parser_options`], so the
//! preview, the HTML export and the DOCX writer agree on what a text means.

mod html;
mod numbering;

use pulldown_cmark::Options;

pub use html::to_html;
pub use numbering::{chinese_number, demote_headings, heading_number, number_headings};

/// CommonMark plus the GFM pieces policies use: tables, strikethrough,
/// footnotes and task lists. Heading attributes stay off so that a `{…}` at the
/// end of a user's title prints as written.
pub fn parser_options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES | Options::ENABLE_TASKLISTS
}
