//! Markdown in and out of the tree.
//!
//! Every reader of Markdown in Policywright uses [`parser_options`], so the
//! preview, the exports and the DOCX writer agree on what a text means.

mod parse;
mod write;

use pulldown_cmark::Options;

pub use parse::parse;
pub use write::{Critic, write, write_marked};

/// CommonMark plus the GFM pieces policies use: tables, strikethrough,
/// footnotes and task lists. Heading attributes stay off so that a `{…}` at the
/// end of a user's title prints as written.
pub fn parser_options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES | Options::ENABLE_TASKLISTS
}
