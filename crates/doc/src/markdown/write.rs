//! The tree → Markdown, for the Markdown export and the diff's report.
//!
//! Text is escaped so that it reads back as the same tree: nothing in a text
//! node can become structure. A tree with changes can be written with them
//! marked in CriticMarkup (`{++inserted++}`, `{--deleted--}`).

use std::collections::BTreeMap;

use crate::tree::{Align, Block, Change, Doc, Inline, Item, Row, Style, VertAlign};

/// The words of a marked report for the comments CriticMarkup gives moves.
#[derive(Debug, Clone, Copy)]
pub struct Critic<'a> {
    pub moved_away: &'a str,
    pub moved_here: &'a str,
}

/// The tree as Markdown. Changes are not marked: a tree with changes is
/// written with both versions' text, so take a [`Doc::view`] of it first.
pub fn write(doc: &Doc) -> String {
    Writer { critic: None }.doc(doc)
}

/// The tree as Markdown with its changes marked in CriticMarkup.
pub fn write_marked(doc: &Doc, critic: &Critic<'_>) -> String {
    Writer { critic: Some(*critic) }.doc(doc)
}

/// [`write_marked`] of a document whose blocks are the pieces one after
/// another, without putting them into one document: a report puts its
/// summary before a compared document that is too large to copy.
pub fn write_marked_pieces(
    pieces: &[&[Block]],
    footnotes: &BTreeMap<String, Vec<Block>>,
    critic: &Critic<'_>,
) -> String {
    Writer { critic: Some(*critic) }.pieces(pieces.iter().flat_map(|p| p.iter()), footnotes)
}

struct Writer<'a> {
    critic: Option<Critic<'a>>,
}

/// Where in a block's text we are, for what needs escaping.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    /// A paragraph, list item or quote: a line could start a block here.
    Flow,
    Heading,
    Cell,
}

impl Writer<'_> {
    fn doc(&self, doc: &Doc) -> String {
        self.pieces(doc.blocks.iter(), &doc.footnotes)
    }

    fn pieces<'b>(&self, blocks: impl Iterator<Item = &'b Block>, footnotes: &BTreeMap<String, Vec<Block>>) -> String {
        let mut out = self.blocks(blocks);
        // Only notes that are cited print; define them after the text.
        for (label, blocks) in footnotes {
            let body = self.blocks(blocks);
            if !out.is_empty() {
                out.push_str("\n\n");
            }
            out.push_str(&format!("[^{label}]: "));
            out.push_str(&indent_rest(&body, "    "));
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out
    }

    fn blocks<'b>(&self, blocks: impl IntoIterator<Item = &'b Block>) -> String {
        let mut out = String::new();
        for block in blocks {
            let text = self.block(block);
            if text.is_empty() {
                continue;
            }
            if !out.is_empty() {
                out.push_str("\n\n");
            }
            out.push_str(&text);
        }
        out
    }

    /// Opening and closing CriticMarkup for a change, with a move's comment.
    fn marks(&self, change: Option<Change>) -> Option<(&'static str, String)> {
        let critic = self.critic?;
        Some(match change? {
            Change::Inserted => ("{++", "++}".to_string()),
            Change::Deleted => ("{--", "--}".to_string()),
            Change::MovedFrom(_) => ("{--", format!("--}}{{>>{}<<}}", critic.moved_away)),
            Change::MovedTo(_) => ("{++", format!("++}}{{>>{}<<}}", critic.moved_here)),
        })
    }

    /// Content wrapped whole in the marks of its block's change; the runs
    /// inside are then written without marks of their own.
    fn wrapped(&self, change: Option<Change>, inlines: &[Inline], context: Context) -> String {
        match self.marks(change) {
            Some((open, close)) => {
                let inner = Writer { critic: None }.inlines(inlines, context);
                if inner.is_empty() { inner } else { format!("{open}{inner}{close}") }
            }
            None => self.inlines(inlines, context),
        }
    }

    fn block(&self, block: &Block) -> String {
        match block {
            Block::Heading { level, inlines, change } => {
                let hashes = "#".repeat(usize::from((*level).clamp(1, 6)));
                let text = self.wrapped(*change, inlines, Context::Heading);
                if text.is_empty() { hashes } else { format!("{hashes} {text}") }
            }
            Block::Paragraph { inlines, change } => self.wrapped(*change, inlines, Context::Flow),
            Block::List { start, items } => self.list(*start, items),
            Block::Table { align, head, rows } => self.table(align, head, rows),
            Block::Quote(blocks) => {
                let inner = self.blocks(blocks);
                inner
                    .lines()
                    .map(|l| if l.is_empty() { ">".to_string() } else { format!("> {l}") })
                    .collect::<Vec<_>>()
                    .join("\n")
            }
            Block::Code { text, change } => {
                let run = longest_run(text, '`').max(2) + 1;
                let fence = "`".repeat(run);
                let code = format!("{fence}\n{text}\n{fence}");
                match self.marks(*change) {
                    Some((open, close)) => format!("{open}\n{code}\n{close}"),
                    None => code,
                }
            }
            Block::Rule => "---".to_string(),
        }
    }

    fn list(&self, start: Option<u64>, items: &[Item]) -> String {
        let mut out = String::new();
        for (i, item) in items.iter().enumerate() {
            let marker = match start {
                Some(n) => format!("{}. ", n.saturating_add(i as u64)),
                None => "- ".to_string(),
            };
            let mut body = String::new();
            for (j, block) in item.blocks.iter().enumerate() {
                let text = self.block(block);
                if text.is_empty() {
                    continue;
                }
                if j > 0 && !body.is_empty() {
                    // A nested list follows its item's text directly, as in a tight list.
                    body.push_str(if matches!(block, Block::List { .. }) { "\n" } else { "\n\n" });
                }
                body.push_str(&text);
            }
            if i > 0 {
                out.push('\n');
            }
            out.push_str(marker.trim_end());
            if !body.is_empty() {
                out.push(' ');
                out.push_str(&indent_rest(&body, &" ".repeat(marker.len())));
            }
        }
        out
    }

    fn table(&self, align: &[Align], head: &[Vec<Inline>], rows: &[Row]) -> String {
        let columns = head.len().max(rows.iter().map(|r| r.cells.len()).max().unwrap_or(0)).max(1);
        let line = |cells: Vec<String>| {
            let mut out = String::from("|");
            for cell in cells {
                if cell.is_empty() {
                    out.push_str(" |");
                } else {
                    out.push(' ');
                    out.push_str(&cell);
                    out.push_str(" |");
                }
            }
            out
        };
        let mut out = Vec::with_capacity(rows.len() + 2);
        out.push(line(
            (0..columns).map(|c| head.get(c).map_or_else(String::new, |h| self.inlines(h, Context::Cell))).collect(),
        ));
        out.push(line(
            (0..columns)
                .map(|c| match align.get(c).copied().unwrap_or_default() {
                    Align::None => "---",
                    Align::Left => ":---",
                    Align::Center => ":---:",
                    Align::Right => "---:",
                })
                .map(str::to_string)
                .collect(),
        ));
        for row in rows {
            out.push(line(
                (0..columns)
                    .map(|c| {
                        row.cells.get(c).map_or_else(String::new, |cell| self.wrapped(row.change, cell, Context::Cell))
                    })
                    .collect(),
            ));
        }
        out.join("\n")
    }

    fn inlines(&self, inlines: &[Inline], context: Context) -> String {
        let mut out = String::new();
        let mut i = 0;
        while i < inlines.len() {
            match &inlines[i] {
                Inline::Text { style, .. } => {
                    // Runs of one style are one emphasis span, with any change
                    // marks inside it, so that no marker splits a `**`.
                    let style = *style;
                    let end = inlines[i..]
                        .iter()
                        .position(|n| !matches!(n, Inline::Text { style: s, .. } if *s == style))
                        .map_or(inlines.len(), |p| i + p);
                    let at_start = out.is_empty();
                    out.push_str(&self.span(&inlines[i..end], style, context, at_start));
                    i = end;
                }
                Inline::Link { url, children } => {
                    let text = self.inlines(children, Context::Cell);
                    out.push_str(&format!("[{text}]({})", link_destination(url)));
                    i += 1;
                }
                Inline::FootnoteRef { label, change } => {
                    let reference = format!("[^{label}]");
                    match self.marks(*change) {
                        Some((open, close)) => out.push_str(&format!("{open}{reference}{close}")),
                        None => out.push_str(&reference),
                    }
                    i += 1;
                }
                Inline::HardBreak { .. } => {
                    out.push_str("\\\n");
                    i += 1;
                }
            }
        }
        out
    }

    /// Text runs of one style: `**…**`, `*…*`, `~~…~~`, or a code span.
    fn span(&self, runs: &[Inline], style: Style, context: Context, at_start: bool) -> String {
        // Markdown has no raised or lowered text; GitHub, pandoc and
        // `markdown::read` all read these two HTML elements as such.
        let tag = match style.vert {
            VertAlign::Baseline => None,
            VertAlign::Super => Some("sup"),
            VertAlign::Sub => Some("sub"),
        };
        if let Some(tag) = tag {
            let inner = self.span(runs, Style { vert: VertAlign::Baseline, ..style }, context, false);
            return format!("<{tag}>{inner}</{tag}>");
        }
        // Neighbouring runs with the same change are escaped as one text, so
        // that "1" and ". x" cannot meet as an unescaped "1. x".
        let mut pieces: Vec<(String, Option<Change>)> = Vec::new();
        for run in runs {
            let Inline::Text { text, change, .. } = run else { continue };
            let change = if self.critic.is_some() { *change } else { None };
            match pieces.last_mut() {
                Some((last, c)) if *c == change => last.push_str(text),
                _ => pieces.push((text.clone(), change)),
            }
        }
        let mut content = String::new();
        for (text, change) in pieces {
            let text = text.replace(['\n', '\r'], " ");
            let piece = if style.code { text } else { escape(&text, context, at_start && content.is_empty()) };
            match self.marks(change) {
                Some((open, close)) => {
                    content.push_str(open);
                    content.push_str(&piece);
                    content.push_str(&close);
                }
                None => content.push_str(&piece),
            }
        }
        if style.code {
            let run = longest_run(&content, '`') + 1;
            let ticks = "`".repeat(run);
            let pad = content.starts_with('`') || content.ends_with('`');
            let content = if context == Context::Cell { content.replace('|', "\\|") } else { content };
            return if pad { format!("{ticks} {content} {ticks}") } else { format!("{ticks}{content}{ticks}") };
        }
        let mut open = String::new();
        if style.strike {
            open.push_str("~~");
        }
        if style.bold {
            open.push_str("**");
        }
        if style.italic {
            open.push('*');
        }
        if open.is_empty() {
            return content;
        }
        let close: String = open.chars().rev().collect();
        // A delimiter next to a space does not open or close: keep the
        // spaces outside it.
        let trimmed = content.trim_matches(' ');
        if trimmed.is_empty() {
            return content;
        }
        let lead = &content[..content.len() - content.trim_start_matches(' ').len()];
        let trail = &content[content.trim_end_matches(' ').len()..];
        format!("{lead}{open}{trimmed}{close}{trail}")
    }
}

/// Escapes what would otherwise be Markdown syntax. `line_start` is true
/// for the first text of a block, where `#`, `>`, `-`, `+` and `1.` would
/// start a heading, quote or list.
fn escape(text: &str, context: Context, line_start: bool) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    let digits = chars.iter().take_while(|c| c.is_ascii_digit()).count();
    for (i, &c) in chars.iter().enumerate() {
        let first = line_start && i == 0;
        let escape = match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '&' | '|' | '~' => true,
            // A `!` before a link, which starts the next run, would make it an image.
            '!' => chars.get(i + 1).is_none_or(|&c| c == '['),
            '#' => first || context == Context::Heading,
            '>' | '-' | '+' | '=' => first && context == Context::Flow,
            '.' | ')' => line_start && context == Context::Flow && i == digits && (1..=9).contains(&digits),
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn longest_run(text: &str, c: char) -> usize {
    let mut longest = 0;
    let mut run = 0;
    for ch in text.chars() {
        if ch == c {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    longest
}

/// A link target as Markdown reads it back whole.
fn link_destination(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            _ => out.push(c),
        }
    }
    out
}

/// Every line after the first indented by `indent` (blank lines stay blank).
fn indent_rest(text: &str, indent: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
            if !line.is_empty() {
                out.push_str(indent);
            }
        }
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::parse;

    /// Markdown has no raised or lowered text: it is written as the HTML
    /// that GitHub, pandoc and `markdown::read` read back.
    #[test]
    fn superscript_and_subscript_are_written_as_html_and_read_back() {
        let (_, doc) = crate::markdown::read("E = mc<sup>2</sup> and H<sub>2</sub>O, <sup>*a*</sup>\n");
        let md = write(&doc);
        assert_eq!(md, "E = mc<sup>2</sup> and H<sub>2</sub>O, <sup>*a*</sup>\n");
        assert_eq!(crate::markdown::read(&md).1, doc);
    }

    fn round_trip(md: &str) {
        let doc = parse(md);
        let written = write(&doc);
        assert_eq!(parse(&written), doc, "written:\n{written}");
    }

    #[test]
    fn policy_shapes_read_back_the_same() {
        round_trip(
            "# Title\n\n**Reports to**: the manager\n\n1. one\n2. two\n   - nested\n\n| a | b |\n| --- | ---: |\n| x \\| y | 3 |\n",
        );
        round_trip("Text with *it*, **bold**, `co|de`, ~~gone~~ and [a link](https://example.com/a b).\n");
        round_trip("> quoted\n>\n> twice\n\n```\ncode ``` inside\n```\n\n---\n\nA note[^n].\n\n[^n]: The note.\n");
        round_trip("**说明：**内容\n\n- 岗位\n\n1. 第一\n");
    }

    #[test]
    fn text_that_looks_like_syntax_stays_text() {
        for text in [
            "a!",
            "# not a heading",
            "1. not a list",
            "- not a list",
            "> not a quote",
            "| not | a table |",
            "<b>x</b>",
            "*x*",
            "&amp;",
            "---",
            "[x]: y",
            "![x](y)",
            "a\\b",
        ] {
            let doc = Doc { blocks: vec![Block::paragraph(vec![Inline::text(text)])], ..Doc::default() };
            let written = write(&doc);
            assert_eq!(parse(&written), doc, "{text:?} was written as {written:?}");
        }
    }

    #[test]
    fn text_next_to_a_link_stays_text() {
        let doc = Doc {
            blocks: vec![Block::paragraph(vec![
                Inline::text("see!"),
                Inline::Link { url: "https://example.com".into(), children: vec![Inline::text("x")] },
            ])],
            ..Doc::default()
        };
        assert_eq!(parse(&write(&doc)), doc, "{}", write(&doc));
        let split =
            Doc { blocks: vec![Block::paragraph(vec![Inline::text("1"), Inline::text(". x")])], ..Doc::default() };
        assert!(matches!(parse(&write(&split)).blocks[..], [Block::Paragraph { .. }]), "{}", write(&split));
    }

    #[test]
    fn changes_are_marked_inside_one_emphasis_span() {
        let bold = Style { bold: true, ..Style::default() };
        let doc = Doc {
            blocks: vec![Block::paragraph(vec![
                Inline::styled("Reports ", bold),
                Inline::Text { text: "to".into(), style: bold, change: Some(Change::Inserted) },
                Inline::Text { text: " x".into(), style: Style::default(), change: Some(Change::Deleted) },
            ])],
            ..Doc::default()
        };
        let critic = Critic { moved_away: "moved", moved_here: "moved here" };
        assert_eq!(write_marked(&doc, &critic), "**Reports {++to++}**{-- x--}\n");
        assert_eq!(write(&doc), "**Reports to** x\n");
    }
}
