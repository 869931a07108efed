//! The tree → HTML that can be shown safely in a web view or a browser.
//!
//! Every text is escaped, so nothing in the tree becomes markup; links are
//! already safe (the tree holds no other), and there are no images. Changes
//! become `<ins>` and `<del>`.

use std::collections::HashMap;

use crate::tree::{Align, Block, Change, Doc, Inline, Row, Style};

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
    let mut w = Writer { doc, titles, out: String::with_capacity(4096), notes: HashMap::new(), order: Vec::new() };
    w.blocks(&doc.blocks);
    w.footnotes();
    w.out
}

struct Writer<'a> {
    doc: &'a Doc,
    titles: MoveTitles<'a>,
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
                self.out.push_str(&format!("<h{level}{}>", class(*change)));
                self.inlines(inlines);
                self.out.push_str(&format!("</h{level}>\n"));
            }
            Block::Paragraph { inlines, change } => {
                self.out.push_str(&format!("<p{}>", class(*change)));
                self.inlines(inlines);
                self.out.push_str("</p>\n");
            }
            Block::List { start, items } => {
                match start {
                    Some(1) => self.out.push_str("<ol>\n"),
                    Some(n) => self.out.push_str(&format!("<ol start=\"{n}\">\n")),
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
                self.out.push_str(&format!("<pre{}><code>", class(*change)));
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
            self.out.push_str(&format!("<th{}>", style(c)));
            if let Some(cell) = head.get(c) {
                self.inlines(cell);
            }
            self.out.push_str("</th>");
        }
        self.out.push_str("</tr></thead>\n<tbody>\n");
        for row in rows {
            self.out.push_str(&format!("<tr{}>", class(row.change)));
            for c in 0..columns {
                self.out.push_str(&format!("<td{}>", style(c)));
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
                    let (open, close) = self.change_tags(*change);
                    self.out.push_str(&open);
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
                    let (open, close) = self.change_tags(*change);
                    self.out.push_str(&open);
                    self.out.push_str(&format!("<sup class=\"footnote-reference\"><a href=\"#fn-{n}\">{n}</a></sup>"));
                    self.out.push_str(close);
                }
                Inline::HardBreak { .. } => self.out.push_str("<br />\n"),
            }
        }
    }

    fn change_tags(&self, change: Option<Change>) -> (String, &'static str) {
        match change {
            None => (String::new(), ""),
            Some(Change::Inserted) => ("<ins>".into(), "</ins>"),
            Some(Change::Deleted) => ("<del>".into(), "</del>"),
            Some(Change::MovedFrom(_)) => {
                (format!("<del class=\"moved\" title=\"{}\">", attr(self.titles.moved_away)), "</del>")
            }
            Some(Change::MovedTo(_)) => {
                (format!("<ins class=\"moved\" title=\"{}\">", attr(self.titles.moved_here)), "</ins>")
            }
        }
    }

    fn footnotes(&mut self) {
        if self.order.is_empty() {
            return;
        }
        self.out.push_str("<section class=\"footnotes\">\n<ol>\n");
        let order = std::mem::take(&mut self.order);
        for (i, label) in order.iter().enumerate() {
            self.out.push_str(&format!("<li id=\"fn-{}\">", i + 1));
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
    let tags: Vec<&str> = [(style.strike, "del"), (style.bold, "strong"), (style.italic, "em"), (style.code, "code")]
        .into_iter()
        .filter_map(|(on, tag)| on.then_some(tag))
        .collect();
    for tag in &tags {
        out.push_str(&format!("<{tag}>"));
    }
    escape_into(out, text);
    for tag in tags.iter().rev() {
        out.push_str(&format!("</{tag}>"));
    }
}

/// Escapes text for HTML text and attribute values.
pub fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

fn attr(text: &str) -> String {
    let mut out = String::new();
    escape_into(&mut out, text);
    out
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
