//! Raw HTML in a Markdown file, read the way pandoc reads it: the text is
//! kept, the formatting Word has (`sup`, `sub`, `br`, `b`/`strong`,
//! `i`/`em`, `code`, `kbd`, `s`/`del`) and simple tables become the tree's
//! own, comments, scripts and styles go, and every other tag is dropped.
//!
//! Nothing here is ever markup again: what comes out is typed tree data and
//! text, which every writer escapes. A link is a link only to a safe target
//! ([`crate::is_safe_url`]); an image is its alt text.

use crate::tree::{Align, Block, Inline, Item, Row, Style, VertAlign};

/// A tag, as written between `<` and `>`.
#[derive(Debug, PartialEq, Eq)]
pub enum Tag<'a> {
    Open {
        name: String,
        attrs: &'a str,
    },
    Close {
        name: String,
    },
    /// A comment, a doctype, a processing instruction or CDATA.
    Other,
}

/// The tag of `text`, which begins with `<` and holds one whole tag.
pub fn tag(text: &str) -> Tag<'_> {
    let inner = text.trim().trim_start_matches('<').trim_end_matches('>');
    if let Some(name) = inner.strip_prefix('/') {
        return Tag::Close { name: name.trim().to_ascii_lowercase() };
    }
    if inner.starts_with(['!', '?']) {
        return Tag::Other;
    }
    let end = inner.find(|c: char| c.is_whitespace() || c == '/').unwrap_or(inner.len());
    Tag::Open { name: inner[..end].to_ascii_lowercase(), attrs: inner[end..].trim_end_matches('/') }
}

/// The value of attribute `name` in a tag's attribute text, entities decoded.
pub fn attr(attrs: &str, name: &str) -> Option<String> {
    let mut rest = attrs;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        if rest.is_empty() {
            return None;
        }
        let key_end = rest.find(|c: char| c.is_whitespace() || c == '=').unwrap_or(rest.len());
        let key = &rest[..key_end];
        rest = rest[key_end..].trim_start();
        let mut value = "";
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (v, r) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let body = &after[1..];
                    let close = body.find(q).unwrap_or(body.len());
                    (&body[..close], body.get(close + 1..).unwrap_or(""))
                }
                _ => {
                    let end = after.find(char::is_whitespace).unwrap_or(after.len());
                    (&after[..end], &after[end..])
                }
            };
            value = v;
            rest = r;
        }
        if key.eq_ignore_ascii_case(name) {
            return Some(decode(value));
        }
    }
}

/// Open formatting elements, counted, so that a stray close tag cannot
/// undo formatting Markdown opened or another element still holds.
#[derive(Debug, Default, Clone, Copy)]
pub struct Marks {
    bold: u16,
    italic: u16,
    strike: u16,
    code: u16,
    sup: u16,
    sub: u16,
}

impl Marks {
    /// Opens or closes the formatting an element names; whether it names any.
    pub fn apply(&mut self, name: &str, open: bool) -> bool {
        let count = match name {
            "b" | "strong" => &mut self.bold,
            "i" | "em" | "cite" | "var" | "dfn" => &mut self.italic,
            "s" | "strike" | "del" => &mut self.strike,
            "code" | "kbd" | "samp" | "tt" => &mut self.code,
            "sup" => &mut self.sup,
            "sub" => &mut self.sub,
            _ => return false,
        };
        *count = if open { count.saturating_add(1) } else { count.saturating_sub(1) };
        true
    }

    /// `base` with this formatting added.
    pub fn style(&self, base: Style) -> Style {
        Style {
            bold: base.bold || self.bold > 0,
            italic: base.italic || self.italic > 0,
            strike: base.strike || self.strike > 0,
            code: base.code || self.code > 0,
            vert: match (self.sup > 0, self.sub > 0) {
                (true, _) => VertAlign::Super,
                (false, true) => VertAlign::Sub,
                _ => base.vert,
            },
        }
    }
}

/// Elements whose start or end ends a paragraph.
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "center"
            | "section"
            | "article"
            | "aside"
            | "header"
            | "footer"
            | "nav"
            | "main"
            | "figure"
            | "figcaption"
            | "details"
            | "summary"
            | "blockquote"
            | "address"
            | "dl"
            | "dt"
            | "dd"
            | "form"
            | "fieldset"
            | "caption"
            | "picture"
    )
}

/// Elements whose content is never text.
pub fn is_hidden(name: &str) -> bool {
    matches!(name, "script" | "style" | "template" | "head" | "title" | "noscript" | "iframe" | "object" | "svg")
}

/// Lists in lists, beyond which items are read into the deepest list; it
/// keeps every writer's recursion shallow, as the Markdown reader does.
const MAX_LIST_DEPTH: usize = 9;

struct ListBuild {
    start: Option<u64>,
    items: Vec<Item>,
}

#[derive(Default)]
struct TableBuild {
    rows: Vec<(Vec<Vec<Inline>>, bool)>,
    align: Vec<Align>,
    row: Vec<Vec<Inline>>,
    /// Whether every cell of the row so far is a header cell.
    row_all_head: bool,
    in_cell: bool,
}

/// Reads an HTML block into blocks.
#[derive(Default)]
struct Reader {
    out: Vec<Block>,
    inlines: Vec<Inline>,
    marks: Marks,
    heading: Option<u8>,
    lists: Vec<ListBuild>,
    /// Depth beyond [`MAX_LIST_DEPTH`] read into the deepest list.
    folded_lists: usize,
    table: Option<TableBuild>,
    /// Tables inside the table being read, read as its cells' text.
    inner_tables: usize,
    /// Open links: where their text starts in `inlines`, and a safe target.
    links: Vec<(usize, Option<String>)>,
    pre: Option<String>,
    hidden: Option<String>,
    /// Whether the last text ended in white space (or there is none yet).
    space: bool,
}

/// An HTML block (as the Markdown reader cut it out) as blocks.
pub fn blocks(html: &str) -> Vec<Block> {
    let mut r = Reader { space: true, ..Reader::default() };
    let mut rest = html;
    while !rest.is_empty() {
        if let Some(hidden) = &r.hidden {
            // Inside a script or style, only its end tag means anything.
            let close = format!("</{hidden}");
            match find_ascii_ci(rest, &close) {
                Some(at) => {
                    r.hidden = None;
                    rest = rest[at..].find('>').map_or("", |end| &rest[at + end + 1..]);
                }
                None => rest = "",
            }
            continue;
        }
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |end| &after[end + 3..]);
            continue;
        }
        if rest.starts_with('<')
            && rest[1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '!' || c == '?')
            && let Some(end) = tag_end(rest)
        {
            r.tag(&rest[..=end]);
            rest = &rest[end + 1..];
            continue;
        }
        // Text up to the next tag; the first character may be a `<` that
        // opens none, and may be any character.
        let first = rest.chars().next().map_or(1, char::len_utf8);
        let end = rest[first..].find('<').map_or(rest.len(), |i| i + first);
        r.text(&rest[..end]);
        rest = &rest[end..];
    }
    r.finish()
}

/// The index of the `>` that ends the tag `text` begins with, outside quotes.
fn tag_end(text: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in text.char_indices().skip(1) {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(i),
            (None, '<') => return None,
            _ => {}
        }
    }
    None
}

fn find_ascii_ci(haystack: &str, needle: &str) -> Option<usize> {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    (0..h.len().saturating_sub(n.len() - 1)).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

impl Reader {
    fn text(&mut self, raw: &str) {
        let text = decode(raw);
        if let Some(pre) = &mut self.pre {
            pre.push_str(&text);
            return;
        }
        // HTML collapses white space; a paragraph starts at its first word.
        let mut collapsed = String::with_capacity(text.len());
        for c in text.chars() {
            if c.is_whitespace() {
                if !self.space {
                    collapsed.push(' ');
                    self.space = true;
                }
            } else {
                collapsed.push(c);
                self.space = false;
            }
        }
        if !collapsed.is_empty() {
            let style = self.marks.style(Style::default());
            push_text(&mut self.inlines, collapsed, style);
        }
    }

    fn tag(&mut self, text: &str) {
        let (name, open, attrs) = match tag(text) {
            Tag::Open { name, attrs } => (name, true, attrs),
            Tag::Close { name } => (name, false, ""),
            Tag::Other => return,
        };
        let self_closing = text.trim_end_matches('>').ends_with('/');
        if self.pre.is_some() && name != "pre" {
            return;
        }
        if self.marks.apply(&name, open) {
            return;
        }
        if open && is_hidden(&name) && !self_closing {
            self.hidden = Some(name);
            return;
        }
        match (name.as_str(), open) {
            ("br", _) => {
                self.inlines.push(Inline::HardBreak { change: None });
                self.space = true;
            }
            ("img", true) => {
                if let Some(alt) = attr(attrs, "alt").filter(|a| !a.trim().is_empty()) {
                    self.text(&escape_text(&alt));
                }
            }
            ("a", true) => {
                let url = attr(attrs, "href").map(|u| super::parse::clean(u.trim())).filter(|u| crate::is_safe_url(u));
                self.links.push((self.inlines.len(), url));
            }
            ("a", false) => self.close_link(),
            ("hr", true) if self.table.is_none() => {
                self.flush();
                self.push_block(Block::Rule);
            }
            ("pre", true) if self.table.is_none() => {
                self.flush();
                self.pre = Some(String::new());
            }
            ("pre", false) => {
                if let Some(text) = self.pre.take() {
                    let text = text.strip_prefix('\n').unwrap_or(&text).trim_end().to_string();
                    self.push_block(Block::Code { text: super::parse::clean(&text), change: None });
                    self.space = true;
                }
            }
            (h, _)
                if self.table.is_none()
                    && h.len() == 2
                    && h.starts_with('h')
                    && matches!(&h[1..], "1" | "2" | "3" | "4" | "5" | "6") =>
            {
                self.flush();
                self.heading = open.then(|| h.as_bytes()[1] - b'0');
            }
            ("table", true) => {
                if self.table.is_some() {
                    self.inner_tables += 1;
                } else {
                    self.flush();
                    self.table = Some(TableBuild::default());
                }
            }
            ("table", false) => {
                if self.inner_tables > 0 {
                    self.inner_tables -= 1;
                } else {
                    self.end_cell();
                    self.end_row();
                    self.end_table();
                }
            }
            ("tr", _) if self.inner_tables == 0 && self.table.is_some() => {
                self.end_cell();
                self.end_row();
            }
            ("td" | "th", _) if self.inner_tables == 0 && self.table.is_some() => {
                self.end_cell();
                if open && let Some(t) = &mut self.table {
                    if t.row.is_empty() {
                        t.row_all_head = true;
                    }
                    t.row_all_head &= name == "th";
                    t.in_cell = true;
                    if t.rows.is_empty() {
                        let align = match attr(attrs, "align").map(|a| a.to_ascii_lowercase()).as_deref() {
                            Some("left") => Align::Left,
                            Some("center") => Align::Center,
                            Some("right") => Align::Right,
                            _ => Align::None,
                        };
                        t.align.push(align);
                    }
                }
            }
            ("ul" | "ol", true) if self.table.is_none() => {
                self.flush();
                if self.lists.len() >= MAX_LIST_DEPTH {
                    self.folded_lists += 1;
                } else {
                    let start =
                        (name == "ol").then(|| attr(attrs, "start").and_then(|s| s.trim().parse().ok()).unwrap_or(1));
                    self.lists.push(ListBuild { start, items: Vec::new() });
                }
            }
            ("ul" | "ol", false) if self.table.is_none() => {
                self.flush();
                if self.folded_lists > 0 {
                    self.folded_lists -= 1;
                } else if let Some(list) = self.lists.pop()
                    && !list.items.is_empty()
                {
                    self.push_block(Block::List { start: list.start, items: list.items });
                }
            }
            ("li", true) if self.table.is_none() => {
                self.flush();
                if let Some(list) = self.lists.last_mut() {
                    list.items.push(Item::default());
                }
            }
            ("li", false) => self.flush(),
            (block, _) if is_block(block) => self.flush(),
            _ => {}
        }
    }

    fn close_link(&mut self) {
        let Some((at, url)) = self.links.pop() else { return };
        let Some(url) = url else { return };
        let at = at.min(self.inlines.len());
        let children: Vec<Inline> = self.inlines.split_off(at);
        if !children.is_empty() {
            self.inlines.push(Inline::Link { url, children });
        }
    }

    fn end_cell(&mut self) {
        let Some(t) = &mut self.table else { return };
        if !t.in_cell {
            return;
        }
        t.in_cell = false;
        let mut cell = std::mem::take(&mut self.inlines);
        trim_inlines(&mut cell);
        t.row.push(cell);
        self.links.clear();
        self.space = true;
    }

    fn end_row(&mut self) {
        let Some(t) = &mut self.table else { return };
        if !t.row.is_empty() {
            let row = std::mem::take(&mut t.row);
            t.rows.push((row, t.row_all_head));
        }
    }

    fn end_table(&mut self) {
        let Some(t) = self.table.take() else { return };
        let mut rows = t.rows.into_iter().peekable();
        let head = match rows.peek() {
            Some((_, true)) => rows.next().map(|(cells, _)| cells).unwrap_or_default(),
            _ => Vec::new(),
        };
        let rows: Vec<Row> = rows.map(|(cells, _)| Row { cells, change: None }).collect();
        if !head.is_empty() || !rows.is_empty() {
            self.push_block(Block::Table { align: t.align, head, rows });
        }
        self.space = true;
    }

    /// Ends the paragraph or heading being read. Inside a table cell, a
    /// paragraph's end is a line break in the cell.
    fn flush(&mut self) {
        if self.table.as_ref().is_some_and(|t| t.in_cell) {
            if self.inlines.last().is_some_and(|i| !matches!(i, Inline::HardBreak { .. })) {
                self.inlines.push(Inline::HardBreak { change: None });
            }
            self.space = true;
            return;
        }
        if self.table.is_some() {
            // Text between a table's cells is no cell's.
            self.inlines.clear();
        }
        self.links.clear();
        self.space = true;
        let mut inlines = std::mem::take(&mut self.inlines);
        trim_inlines(&mut inlines);
        let heading = self.heading.take();
        if inlines.is_empty() {
            return;
        }
        let block = match heading {
            Some(level) => Block::heading(level, inlines),
            None => Block::paragraph(inlines),
        };
        self.push_block(block);
    }

    fn push_block(&mut self, block: Block) {
        match self.lists.last_mut() {
            Some(list) => match list.items.last_mut() {
                Some(item) => item.blocks.push(block),
                None => list.items.push(Item { blocks: vec![block] }),
            },
            None => self.out.push(block),
        }
    }

    fn finish(mut self) -> Vec<Block> {
        // A block cut off inside an element keeps all it read.
        if let Some(text) = self.pre.take() {
            self.push_block(Block::Code { text: super::parse::clean(text.trim_end()), change: None });
        }
        self.end_cell();
        self.end_row();
        self.end_table();
        self.flush();
        while let Some(list) = self.lists.pop() {
            if !list.items.is_empty() {
                self.push_block(Block::List { start: list.start, items: list.items });
            }
        }
        self.out
    }
}

/// Adds text to inlines, joined to the last run when it has the same style.
pub fn push_text(inlines: &mut Vec<Inline>, text: String, style: Style) {
    if let Some(Inline::Text { text: last, style: last_style, change: None }) = inlines.last_mut()
        && *last_style == style
    {
        last.push_str(&text);
        return;
    }
    inlines.push(Inline::Text { text, style, change: None });
}

/// Without white space at either end, or breaks at the end.
fn trim_inlines(inlines: &mut Vec<Inline>) {
    while matches!(inlines.last(), Some(Inline::HardBreak { .. })) {
        inlines.pop();
    }
    if let Some(Inline::Text { text, .. }) = inlines.last_mut() {
        let end = text.trim_end().len();
        text.truncate(end);
    }
    if let Some(Inline::Text { text, .. }) = inlines.first_mut() {
        *text = text.trim_start().to_string();
    }
    inlines.retain(|i| !matches!(i, Inline::Text { text, .. } if text.is_empty()));
}

/// Text as it would be written in HTML, so that [`Reader::text`] reads it
/// back as it is.
fn escape_text(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;")
}

/// HTML text with its character references replaced, and characters Word
/// cannot store dropped. An unknown named reference stays as written.
pub fn decode(text: &str) -> String {
    if !text.contains('&') {
        return super::parse::clean(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest[1..].find(|c: char| !(c.is_ascii_alphanumeric() || c == '#')).map(|i| i + 1);
        let decoded = end.filter(|&e| rest[e..].starts_with(';')).and_then(|e| entity(&rest[1..e]).map(|c| (c, e)));
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    super::parse::clean(&out)
}

fn entity(name: &str) -> Option<char> {
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        // As HTML does: NUL and what is no character read as U+FFFD.
        return Some(char::from_u32(code).filter(|&c| c != '\0').unwrap_or('\u{FFFD}'));
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{A0}',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "mdash" => '—',
        "ndash" => '–',
        "hellip" => '…',
        "laquo" => '«',
        "raquo" => '»',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "bull" => '•',
        "middot" => '·',
        "times" => '×',
        "divide" => '÷',
        "deg" => '°',
        "plusmn" => '±',
        "sect" => '§',
        "para" => '¶',
        "euro" => '€',
        "pound" => '£',
        "yen" => '¥',
        "cent" => '¢',
        "larr" => '←',
        "rarr" => '→',
        "uarr" => '↑',
        "darr" => '↓',
        "harr" => '↔',
        "check" => '✓',
        "ensp" => '\u{2002}',
        "emsp" => '\u{2003}',
        "thinsp" => '\u{2009}',
        "zwj" => '\u{200D}',
        "zwnj" => '\u{200C}',
        "shy" => '\u{AD}',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use crate::markdown::{Reading, parse_with};
    use crate::tree::{Block, Doc, Inline, Style, VertAlign, block_text};

    fn read(md: &str) -> Doc {
        parse_with(md, Reading { html: true, autolinks: false })
    }

    fn inlines(doc: &Doc) -> &[Inline] {
        match &doc.blocks[..] {
            [Block::Paragraph { inlines, .. }, ..] => inlines,
            other => panic!("{other:?}"),
        }
    }

    fn styled(text: &str, style: Style) -> Inline {
        Inline::styled(text, style)
    }

    /// Regression: `<sup>7</sup>`, `<br>` and their kin printed as literal tags.
    #[test]
    fn inline_html_is_its_text_with_word_formatting() {
        let doc = read(
            "E = mc<sup>2</sup>, H<sub>2</sub>O, <b>bold</b> <em>it</em> <kbd>Ctrl</kbd><br>next <span class=x>plain</span>",
        );
        let sup = Style { vert: VertAlign::Super, ..Style::default() };
        let sub = Style { vert: VertAlign::Sub, ..Style::default() };
        let got = inlines(&doc);
        assert_eq!(got[0], Inline::text("E = mc"));
        assert_eq!(got[1], styled("2", sup));
        assert_eq!(got[3], styled("2", sub));
        assert!(got.contains(&styled("bold", Style { bold: true, ..Style::default() })), "{got:?}");
        assert!(got.contains(&styled("it", Style { italic: true, ..Style::default() })), "{got:?}");
        assert!(got.contains(&styled("Ctrl", Style { code: true, ..Style::default() })), "{got:?}");
        assert!(got.contains(&Inline::HardBreak { change: None }), "{got:?}");
        assert_eq!(crate::plain_text(got), "E = mc2, H2O, bold it Ctrl next plain");
        // A close tag without its open tag undoes nothing Markdown opened.
        let doc = read("a <script>alert(1)</script>b <style>p {}</style>c");
        assert_eq!(crate::plain_text(inlines(&doc)), "a b c", "inline scripts and styles go whole");
        let doc = read("**a </b>b**");
        assert!(inlines(&doc).iter().all(|i| matches!(i, Inline::Text { style, .. } if style.bold)));
    }

    /// Regression: comments printed, a multi-line one as several paragraphs.
    #[test]
    fn comments_are_dropped_inline_and_as_blocks() {
        let doc = read(
            "Before <!-- a note --> after.\n\n<!--\nA comment\n\nover lines\n-->\n\nText <!-- one\nmore --> end.\n",
        );
        let text: Vec<String> = doc.blocks.iter().map(block_text).collect();
        assert_eq!(text, ["Before  after.", "Text  end."]);
    }

    #[test]
    fn a_centred_image_block_prints_its_alt_text_and_no_tags() {
        let doc = read(
            "<p align=\"center\">\n  <img src=\"logo.png\" alt=\"Project &amp; logo\" width=\"200\">\n</p>\n\n<p align=\"center\"><img src=\"x.png\"></p>\n\nNext.\n",
        );
        let text: Vec<String> = doc.blocks.iter().map(block_text).collect();
        assert_eq!(text, ["Project & logo", "Next."]);
    }

    /// Regression: an HTML table printed as its tags.
    #[test]
    fn a_simple_html_table_is_a_table() {
        let doc = read(
            "<table>\n<tr><th>Key</th><th align=\"right\">Value</th></tr>\n<tr><td><code>a</code></td><td>1<br>2</td></tr>\n<tr><td>b &lt;c&gt;</td><td><a href=\"https://example.com\">x</a> <a href=\"javascript:alert(1)\">y</a></td></tr>\n</table>\n",
        );
        let [Block::Table { head, rows, align }] = &doc.blocks[..] else { panic!("{:?}", doc.blocks) };
        assert_eq!(head.iter().map(|c| crate::plain_text(c)).collect::<Vec<_>>(), ["Key", "Value"]);
        assert_eq!(align[1], crate::Align::Right);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].cells[0], vec![Inline::styled("a", Style { code: true, ..Style::default() })]);
        assert!(rows[0].cells[1].contains(&Inline::HardBreak { change: None }));
        assert_eq!(crate::plain_text(&rows[1].cells[0]), "b <c>");
        let links: Vec<&Inline> = rows[1].cells[1].iter().filter(|i| matches!(i, Inline::Link { .. })).collect();
        assert_eq!(links.len(), 1, "only the safe link: {:?}", rows[1].cells[1]);
        assert_eq!(crate::plain_text(&rows[1].cells[1]), "x y");
    }

    #[test]
    fn scripts_styles_and_unknown_tags_never_print() {
        let doc = read(
            "<div>\n<script>alert('x')</script><style>p{}</style><h2>Heading <i>too</i></h2><ul><li>one</li><li>two<ol><li>deep</li></ol></li></ul>\n</div>\n",
        );
        assert_eq!(
            doc.blocks[0],
            Block::heading(
                2,
                vec![Inline::text("Heading "), Inline::styled("too", Style { italic: true, ..Style::default() })]
            )
        );
        assert!(matches!(&doc.blocks[1], Block::List { start: None, items } if items.len() == 2));
        let all: String = doc.blocks.iter().map(block_text).collect::<Vec<_>>().join("|");
        assert_eq!(all, "Heading too|one two deep");
    }

    #[test]
    fn inline_html_links_are_links_only_to_safe_targets() {
        let doc = read(
            "<a href=\"https://example.com/a\">safe</a> <a href=\"javascript:alert(1)\">bad</a> <a href=\"https://x.io\">open\n\nnext",
        );
        let links: Vec<&Inline> = inlines(&doc).iter().filter(|i| matches!(i, Inline::Link { .. })).collect();
        assert_eq!(
            links,
            [&Inline::Link { url: "https://example.com/a".into(), children: vec![Inline::text("safe")] }]
        );
        assert_eq!(block_text(&doc.blocks[0]), "safe bad open");
        assert_eq!(block_text(&doc.blocks[1]), "next", "an unclosed <a> ends with its paragraph");
    }

    #[test]
    fn text_of_any_script_between_tags_is_read_whole() {
        let doc = read("ਨ<b>粗</b>𐆠 < 3 &amp;\n\n<div>ਨ 中文 <3</div>\n");
        assert_eq!(block_text(&doc.blocks[0]), "ਨ粗𐆠 < 3 &");
        assert_eq!(block_text(&doc.blocks[1]), "ਨ 中文 <3");
    }

    #[test]
    fn without_the_html_reading_raw_html_stays_literal_text() {
        let doc = crate::markdown::parse("a <sup>2</sup>\n\n<!-- c -->\n");
        assert_eq!(block_text(&doc.blocks[0]), "a <sup>2</sup>");
        assert_eq!(block_text(&doc.blocks[1]), "<!-- c -->");
    }
}
