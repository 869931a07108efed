//! Markdown in and out of the tree.
//!
//! Every reader of Markdown in Policywright uses [`parser_options`], so the
//! preview, the exports and the DOCX writer agree on what a text means.

mod autolink;
mod front;
mod html;
mod parse;
mod write;

use pulldown_cmark::Options;

use crate::tree::{Doc, TitleBlock};

pub use front::iso_day;
pub use parse::{Reading, parse, parse_with};
pub use write::{Critic, write, write_marked, write_marked_pieces};

/// CommonMark plus the GFM pieces policies use: tables, strikethrough,
/// footnotes and task lists. Heading attributes stay off so that a `{…}` at the
/// end of a user's title prints as written.
pub fn parser_options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES | Options::ENABLE_TASKLISTS
}

/// Any Markdown file, as `convert` reads one, the way GitHub and pandoc
/// read it: its front matter is its title block, not text; raw HTML is its
/// text and the formatting it names; bare web addresses are links. A
/// policy's own Markdown, which templates write, is read by [`parse`].
pub fn read(markdown: &str) -> (Option<TitleBlock>, Doc) {
    let markdown = markdown.strip_prefix('\u{FEFF}').unwrap_or(markdown);
    let (title, text) = front::split(markdown);
    (title, parse_with(text, Reading { html: true, autolinks: true }))
}
