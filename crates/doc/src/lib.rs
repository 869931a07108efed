//! The document tree and its formats.
//!
//! ```text
//! Markdown ──parse──▶ Doc ──▶ DOCX
//!                      │ ──▶ HTML
//!                      │ ──▶ Markdown
//!                      └── (two of them) ──diff──▶ Doc with changes
//! ```
//!
//! [`Doc`] is the one intermediate form: a policy's template output is
//! parsed into it once, and every file is written from it. Changes between
//! two versions are data on its nodes ([`Change`]). Every writer is pure:
//! a tree and options in, text or bytes out.

pub mod docx;
pub mod html;
pub mod markdown;
mod number;
mod tree;

pub use number::{demote_headings, number_headings};
pub use tree::{
    Align, Block, Change, Doc, Inline, Item, Row, Side, Style, TitleBlock, VertAlign, block_text, plain_text,
};

/// Characters XML 1.0 cannot carry: C0 controls other than tab, line feed and
/// carriage return, and the non-characters U+FFFE and U+FFFF. Word refuses to
/// open a document that contains one, so the parser drops them.
pub fn is_xml_illegal(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
}

/// The one rule for links, in every format: a link may go to a web page
/// (`http`, `https`), an e-mail address (`mailto`), or a place in the same
/// document (`#…`). Anything else (`javascript:`, `file:`, `data:`, a
/// relative path, `//host`) stays text, so no document opens a local file or
/// runs a script from a click.
pub fn is_safe_url(url: &str) -> bool {
    let url = url.trim();
    if url.chars().any(|c| c.is_control()) {
        return false;
    }
    if url.starts_with('#') {
        return true;
    }
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    ["http://", "https://", "mailto:"].iter().any(|p| lower.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::is_safe_url;

    #[test]
    fn only_web_mail_and_in_page_links_are_safe() {
        for ok in ["https://example.com", "HTTP://x", "mailto:a@b.c", "#top", " https://x "] {
            assert!(is_safe_url(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:1",
            "file:///etc/passwd",
            "data:text/html,x",
            "//evil.com",
            "notes.md",
            "java\tscript:x",
            "vbscript:x",
            "",
        ] {
            assert!(!is_safe_url(bad), "{bad}");
        }
    }
}
