//! The tree → HTML that can be shown safely in a web view or a browser.
//!
//! Every text is escaped, so nothing in the tree becomes markup; links are
//! already safe (the tree holds no other), and there are no images. Changes
//! become `<ins>` and `<del>`.

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::tree::{Align, Block, Change, Doc, Inline, Row, Style, VertAlign};

/// Titles of the two ends of a move, shown on hover.
#[derive(Debug, Clone, Copy)]
pub struct MoveTitles<'a> {
    pub moved_away: &'a str,
    pub moved_here: &'a str,
}

impl Default for MoveTitles<'_> {
    fn default() -> Self {
        MoveTitles { moved_away: "moved", moved_here: "moved here" }
    }
}

/// An HTML fragment of the whole tree.
pub fn write(doc: &Doc, titles: MoveTitles<'_>) -> String {
    // Each move's two ends carry their title, escaped once here rather than
    // at every run of a moved paragraph.
    let moved = [titles.moved_away, titles.moved_here].map(|title| {
        let mut out = String::new();
        escape_into(&mut out, title);
        out
    });
    let mut w = Writer { doc, moved, out: String::with_capacity(4096), notes: HashMap::new(), order: Vec::new() };
    w.blocks(&doc.blocks);
    w.footnotes();
    w.out
}

// Writing into a `String` cannot fail, so the `write!` results are let go.
struct Writer<'a> {
    doc: &'a Doc,
    /// The escaped titles of a move's old and new place.
    moved: [String; 2],
    out: String,
    /// Footnote numbers by label, in order of first reference.
    notes: HashMap<String, usize>,
    order: Vec<String>,
}

impl Writer<'_> {
    fn blocks(&mut self, blocks: &[Block]) {
        for block in blocks {
            self.block(block);
        }
    }

    fn block(&mut self, block: &Block) {
        match block {
            Block::Heading { level, inlines, change } => {
                let level = (*level).clamp(1, 6);
                let _ = write!(self.out, "<h{level}{}>", class(*change));
                self.inlines(inlines);
                let _ = writeln!(self.out, "</h{level}>");
            }
            Block::Paragraph { inlines, change } => {
                self.out.push_str("<p");
                self.out.push_str(class(*change));
                self.out.push('>');
                self.inlines(inlines);
                self.out.push_str("</p>\n");
            }
            Block::List { start, items } => {
                match start {
                    Some(1) => self.out.push_str("<ol>\n"),
                    Some(n) => {
                        let _ = writeln!(self.out, "<ol start=\"{n}\">");
                    }
                    None => self.out.push_str("<ul>\n"),
                }
                for item in items {
                    self.out.push_str("<li>");
                    // A one-paragraph item reads as a tight list item.
                    match &item.blocks[..] {
                        [Block::Paragraph { inlines, change: None }] => self.inlines(inlines),
                        [Block::Paragraph { inlines, change: None }, rest @ ..] => {
                            self.inlines(inlines);
                            self.out.push('\n');
                            self.blocks(rest);
                        }
                        blocks => self.blocks(blocks),
                    }
                    self.out.push_str("</li>\n");
                }
                self.out.push_str(if start.is_some() { "</ol>\n" } else { "</ul>\n" });
            }
            Block::Table { align, head, rows } => self.table(align, head, rows),
            Block::Quote(blocks) => {
                self.out.push_str("<blockquote>\n");
                self.blocks(blocks);
                self.out.push_str("</blockquote>\n");
            }
            Block::Code { text, change } => {
                let _ = write!(self.out, "<pre{}><code>", class(*change));
                escape_into(&mut self.out, text);
                self.out.push_str("\n</code></pre>\n");
            }
            Block::Rule => self.out.push_str("<hr />\n"),
        }
    }

    fn table(&mut self, align: &[Align], head: &[Vec<Inline>], rows: &[Row]) {
        let columns = head.len().max(rows.iter().map(|r| r.cells.len()).max().unwrap_or(0));
        let style = |c: usize| match align.get(c).copied().unwrap_or_default() {
            Align::None => "",
            Align::Left => " style=\"text-align: left\"",
            Align::Center => " style=\"text-align: center\"",
            Align::Right => " style=\"text-align: right\"",
        };
        self.out.push_str("<table>\n<thead><tr>");
        for c in 0..columns {
            let _ = write!(self.out, "<th{}>", style(c));
            if let Some(cell) = head.get(c) {
                self.inlines(cell);
            }
            self.out.push_str("</th>");
        }
        self.out.push_str("</tr></thead>\n<tbody>\n");
        for row in rows {
            let _ = write!(self.out, "<tr{}>", class(row.change));
            for c in 0..columns {
                let _ = write!(self.out, "<td{}>", style(c));
                if let Some(cell) = row.cells.get(c) {
                    self.inlines(cell);
                }
                self.out.push_str("</td>");
            }
            self.out.push_str("</tr>\n");
        }
        self.out.push_str("</tbody>\n</table>\n");
    }

    fn inlines(&mut self, inlines: &[Inline]) {
        for inline in inlines {
            match inline {
                Inline::Text { text, style, change } => {
                    let close = self.open_change(*change);
                    styled(&mut self.out, text, *style);
                    self.out.push_str(close);
                }
                Inline::Link { url, children } => {
                    self.out.push_str("<a href=\"");
                    escape_into(&mut self.out, url);
                    self.out.push_str("\">");
                    self.inlines(children);
                    self.out.push_str("</a>");
                }
                Inline::FootnoteRef { label, change } => {
                    if !self.doc.footnotes.contains_key(label) {
                        // An undefined note prints as written, like any reader does.
                        escape_into(&mut self.out, &format!("[^{label}]"));
                        continue;
                    }
                    let next = self.notes.len() + 1;
                    let n = *self.notes.entry(label.clone()).or_insert(next);
                    if n == next {
                        self.order.push(label.clone());
                    }
                    let close = self.open_change(*change);
                    let _ = write!(self.out, "<sup class=\"footnote-reference\"><a href=\"#fn-{n}\">{n}</a></sup>");
                    self.out.push_str(close);
                }
                Inline::HardBreak { .. } => self.out.push_str("<br />\n"),
            }
        }
    }

    /// Opens the tag of a change and gives the one that closes it.
    fn open_change(&mut self, change: Option<Change>) -> &'static str {
        let (open, title, close) = match change {
            None => return "",
            Some(Change::Inserted) => ("<ins>", None, "</ins>"),
            Some(Change::Deleted) => ("<del>", None, "</del>"),
            Some(Change::MovedFrom(_)) => ("<del class=\"moved\" title=\"", Some(0), "</del>"),
            Some(Change::MovedTo(_)) => ("<ins class=\"moved\" title=\"", Some(1), "</ins>"),
        };
        self.out.push_str(open);
        if let Some(k) = title {
            self.out.push_str(&self.moved[k]);
            self.out.push_str("\">");
        }
        close
    }

    fn footnotes(&mut self) {
        if self.order.is_empty() {
            return;
        }
        self.out.push_str("<section class=\"footnotes\">\n<ol>\n");
        let order = std::mem::take(&mut self.order);
        for (i, label) in order.iter().enumerate() {
            let _ = write!(self.out, "<li id=\"fn-{}\">", i + 1);
            if let Some(blocks) = self.doc.footnotes.get(label) {
                let blocks = blocks.clone();
                self.blocks(&blocks);
            }
            self.out.push_str("</li>\n");
        }
        self.out.push_str("</ol>\n</section>\n");
    }
}

fn class(change: Option<Change>) -> &'static str {
    match change {
        None => "",
        Some(Change::Inserted) => " class=\"ins\"",
        Some(Change::Deleted) => " class=\"del\"",
        Some(Change::MovedFrom(_)) => " class=\"del moved\"",
        Some(Change::MovedTo(_)) => " class=\"ins moved\"",
    }
}

fn styled(out: &mut String, text: &str, style: Style) {
    let tags = [
        (style.vert == VertAlign::Super, "sup"),
        (style.vert == VertAlign::Sub, "sub"),
        (style.strike, "del"),
        (style.bold, "strong"),
        (style.italic, "em"),
        (style.code, "code"),
    ];
    for (_, tag) in tags.iter().filter(|(on, _)| *on) {
        let _ = write!(out, "<{tag}>");
    }
    escape_into(out, text);
    for (_, tag) in tags.iter().rev().filter(|(on, _)| *on) {
        let _ = write!(out, "</{tag}>");
    }
}

/// Escapes text for HTML text and attribute values.
pub fn escape_into(out: &mut String, text: &str) {
    // Runs without a special character are copied whole; they are nearly
    // all of a document.
    let mut plain = 0;
    for (i, byte) in text.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&text[plain..i]);
        out.push_str(entity);
        plain = i + 1;
    }
    out.push_str(&text[plain..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::parse;

    fn html(md: &str) -> String {
        write(&parse(md), MoveTitles::default())
    }

    #[test]
    fn raw_html_is_inert() {
        let out = html("<script>alert(1)</script>\n\nhi <img src=x onerror=alert(1)>");
        assert!(!out.contains("<script"), "{out}");
        assert!(!out.contains("<img"), "{out}");
        assert!(out.contains("&lt;script&gt;"), "{out}");
    }

    /// Raw HTML read as formatting comes out as only the tags it maps to,
    /// its text escaped: nothing a file says becomes active HTML.
    #[test]
    fn html_read_as_formatting_writes_only_known_tags() {
        let md = "x<sup>2 &lt;script&gt;</sup> H<sub>2</sub>O <img src=x onerror=alert(1)> <b onclick=\"evil()\">b</b>\n\n<div onmouseover=\"evil()\"><script>alert(1)</script>&lt;i&gt;</div>\n";
        let (_, doc) = crate::markdown::read(md);
        let out = write(&doc, MoveTitles::default());
        assert!(out.contains("x<sup>2 &lt;script&gt;</sup> H<sub>2</sub>O"), "{out}");
        assert!(out.contains("<strong>b</strong>"), "{out}");
        assert!(out.contains("<p>&lt;i&gt;</p>"), "{out}");
        for bad in ["<img", "<script", "onclick", "onmouseover", "onerror", "<div"] {
            assert!(!out.contains(bad), "{bad} in {out}");
        }
    }

    #[test]
    fn dangerous_links_and_images_are_removed() {
        let out = html(
            "[x](javascript:alert(1)) [y](JaVaScRiPt:1) ![pic](https://example.com/a.png) [ok](https://example.com)",
        );
        assert!(!out.to_lowercase().contains("javascript"), "{out}");
        assert!(!out.contains("<img"), "{out}");
        assert!(out.contains("pic"), "alt text is kept: {out}");
        assert!(out.contains(r#"<a href="https://example.com">ok</a>"#), "{out}");
    }

    #[test]
    fn structure_is_whole() {
        let out = html("# T\n\n1. a\n2. b\n\n| x | y |\n| --- | ---: |\n| 1 | 2 |\n\nA[^n].\n\n[^n]: Note.\n");
        assert!(out.contains("<h1>T</h1>"), "{out}");
        assert!(out.contains("<ol>\n<li>a</li>\n<li>b</li>\n</ol>"), "{out}");
        assert!(out.contains("<td style=\"text-align: right\">2</td>"), "{out}");
        assert!(out.contains("<li id=\"fn-1\"><p>Note.</p>\n</li>"), "{out}");
    }
}
