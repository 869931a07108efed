//! Comparing two versions of a policy: a structural list of changes in the
//! terms a lawyer reads a policy in, and the two documents compared as trees.
//!
//! A [`Comparison`] holds both. Every report is a pure function of it: JSON
//! for programs, Markdown (CriticMarkup) and HTML for reading, and a Word
//! redline with real tracked changes, all made from the same merged tree.

mod align;
mod cite;
mod json;
mod structural;
mod tree;
mod words;

use std::borrow::Cow;

use policywright_doc::docx::{self, TrackedBy};
use policywright_doc::{Align, Block, Change as Mark, Doc, Inline, Row, Side as View, Style, html, markdown};
use policywright_i18n::{Error, Locale, Message, Result, keys, msg};
use policywright_model::{Policy, Sanitized};
use policywright_render::{SharedRoles, Templates, docx_options_of};
use serde::Serialize;

pub use structural::{Change, ChangeKind, structural};
pub use tree::diff as diff_trees;

/// One side of a comparison: a version, who made it when, and its content.
#[derive(Debug, Clone, Serialize)]
pub struct Side {
    pub label: String,
    pub author: String,
    /// `YYYY-MM-DD` or a full timestamp, as stored.
    pub date: String,
    pub content_hash: String,
    #[serde(skip)]
    pub policy: Sanitized<Policy>,
}

impl Side {
    /// A side whose texts are cleaned like the policy's.
    pub fn new(label: &str, author: &str, date: &str, policy: &Policy, content_hash: &str) -> Result<Side> {
        Ok(Side {
            label: Sanitized::text(label).as_str().to_string(),
            author: Sanitized::text(author).as_str().to_string(),
            date: Sanitized::text(date).as_str().to_string(),
            content_hash: content_hash.to_string(),
            policy: Sanitized::new(policy)?,
        })
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub title: String,
    pub from: Side,
    pub to: Side,
    pub changes: Vec<Change>,
    /// The newer document with the older one's deletions, changes marked.
    #[serde(skip)]
    pub document: Doc,
}

pub fn compare(from: Side, to: Side, templates: &Templates) -> Result<Comparison> {
    // Three pieces of work that need nothing of each other: the newer
    // version rendered, the structural changes, and the older version
    // rendered then merged with the newer. On a large policy each takes a
    // second, so they share the machine's cores. The older tree is the one
    // made here because the merge frees here what of it is not kept (its
    // deletions are moved into the result): freeing millions of nodes made
    // by a thread that has ended costs the allocator several times more
    // than freeing them on the thread that made them.
    //
    // The older version's roles are made into template values once, for
    // both renders: most roles are the same in both, and making them is a
    // large part of rendering a policy of many roles.
    let shared = SharedRoles::of(&from.policy);
    let (changes, document) = std::thread::scope(|s| {
        let changes = s.spawn(|| structural(&from.policy, &to.policy));
        let new = s.spawn(|| policywright_render::tree_sharing(&to.policy, templates, &shared));
        let old = policywright_render::tree_sharing(&from.policy, templates, &shared);
        let lost = || Error::internal("a comparison thread stopped");
        let new = new.join().map_err(|_| lost())?;
        let mut changes = changes.join().map_err(|_| lost())?;
        let document = match (old, new) {
            (Ok(old), Ok(new)) => {
                let doc = &to.policy.document;
                cite::cite(&mut changes, &old, &new, doc.numbering, doc.locale);
                tree::diff_owned(old, new)
            }
            (Err(e), _) | (_, Err(e)) => return Err(e),
        };
        Ok::<_, Error>((changes, document))
    })?;
    Ok(Comparison { title: to.policy.document.title.clone(), changes, document, from, to })
}

impl Comparison {
    /// The reports speak the newer version's language.
    pub fn locale(&self) -> Locale {
        self.to.policy.document.locale
    }

    fn say(&self, message: Message) -> String {
        message.render(self.locale())
    }

    /// A version's time as a reader writes it: `2026-12-02T16:24:31Z` is
    /// `2026-12-02, 16:24 UTC`. Anything else (a bare date) stays as it is.
    fn moment(&self, stamp: &str) -> String {
        let b = stamp.as_bytes();
        match (stamp.get(..10), stamp.get(11..16)) {
            (Some(date), Some(time)) if b.len() >= 17 && b[10] == b'T' && stamp.ends_with('Z') => {
                self.say(msg!(keys::diff::MOMENT, date = date, time = time))
            }
            _ => stamp.to_string(),
        }
    }

    /// "Changes to TITLE: v1.0 → v1.1", in the newer version's language.
    pub fn heading(&self) -> String {
        self.say(msg!(
            keys::diff::TITLE,
            title = self.title.as_str(),
            from = self.from.label.as_str(),
            to = self.to.label.as_str()
        ))
    }
}

/// One leaf of the merged document (paragraph, heading, list item, row) in
/// the JSON report. Its texts borrow the document's where a span is one
/// text, as nearly all are: the report of a large comparison is written
/// without a second copy of all its words.
#[derive(Serialize)]
struct Leaf<'a> {
    kind: &'static str,
    #[serde(rename = "move", skip_serializing_if = "Option::is_none")]
    move_number: Option<u32>,
    spans: Vec<Span<'a>>,
}

#[derive(Serialize)]
struct Span<'a> {
    kind: &'static str,
    text: Cow<'a, str>,
}

fn kind(change: Option<Mark>) -> &'static str {
    match change {
        None => "equal",
        Some(Mark::Inserted) => "inserted",
        Some(Mark::Deleted) => "deleted",
        Some(Mark::MovedFrom(_)) => "moved-from",
        Some(Mark::MovedTo(_)) => "moved-to",
    }
}

fn spans<'a>(inlines: &'a [Inline], out: &mut Vec<Span<'a>>) {
    for inline in inlines {
        let (text, change) = match inline {
            Inline::Text { text, change, .. } => (text.as_str(), *change),
            Inline::Link { children, .. } => {
                spans(children, out);
                continue;
            }
            Inline::HardBreak { change } => (" ", *change),
            Inline::FootnoteRef { .. } => continue,
        };
        match out.last_mut() {
            Some(last) if last.kind == kind(change) => last.text.to_mut().push_str(text),
            _ => out.push(Span { kind: kind(change), text: Cow::Borrowed(text) }),
        }
    }
}

fn leaf<'a>(change: Option<Mark>, inlines: &[&'a [Inline]]) -> Leaf<'a> {
    let mut out = Vec::new();
    for (i, cell) in inlines.iter().enumerate() {
        if i > 0 {
            out.push(Span { kind: "equal", text: Cow::Borrowed(" | ") });
        }
        spans(cell, &mut out);
    }
    // A row without a change of its own (a table's header) that is all
    // inserted or all deleted was inserted or deleted whole.
    let marked: Vec<&str> =
        out.iter().filter(|s| s.text != " | " && !s.text.trim().is_empty()).map(|s| s.kind).collect();
    let whole = |k: &str| !marked.is_empty() && marked.iter().all(|m| *m == k);
    let kind = match change {
        Some(c) => kind(Some(c)),
        None if whole("inserted") => "inserted",
        None if whole("deleted") => "deleted",
        None if marked.iter().any(|k| *k != "equal") => "changed",
        None => "equal",
    };
    Leaf { kind, move_number: change.and_then(Mark::move_number), spans: out }
}

fn leaves<'a>(blocks: &'a [Block], out: &mut Vec<Leaf<'a>>) {
    for block in blocks {
        match block {
            Block::Heading { inlines, change, .. } | Block::Paragraph { inlines, change } => {
                out.push(leaf(*change, &[inlines]))
            }
            Block::Code { text, change } => {
                // One text without marks of its own, as a code block reads.
                let mut leaf = leaf(*change, &[]);
                leaf.spans.push(Span { kind: "equal", text: Cow::Borrowed(text) });
                out.push(leaf);
            }
            Block::List { items, .. } => items.iter().for_each(|i| leaves(&i.blocks, out)),
            Block::Table { head, rows, .. } => {
                let head: Vec<&[Inline]> = head.iter().map(Vec::as_slice).collect();
                out.push(leaf(None, &head));
                for row in rows {
                    let cells: Vec<&[Inline]> = row.cells.iter().map(Vec::as_slice).collect();
                    out.push(leaf(row.change, &cells));
                }
            }
            Block::Quote(inner) => leaves(inner, out),
            Block::Rule => {}
        }
    }
}

/// The comparison for programs: both sides, the changes, and every leaf of
/// the merged document with its pieces of text, each equal, inserted or
/// deleted.
pub fn to_json(c: &Comparison) -> String {
    let mut blocks = Vec::new();
    leaves(&c.document.blocks, &mut blocks);
    // Written from the comparison itself, not through a copy as a JSON
    // tree: a report of 100,000 roles would hold it all twice.
    #[derive(Serialize)]
    struct Report<'a> {
        title: &'a str,
        from: &'a Side,
        to: &'a Side,
        changes: &'a [Change],
        blocks: Vec<Leaf<'a>>,
    }
    // Room for the whole report at once, a little more than it takes: a
    // buffer that doubles as it fills writes the report twice over into
    // fresh memory, and room never written costs nothing.
    let room = 4096
        + c.changes.iter().map(|ch| 2 * (ch.summary.len() + ch.path.len()) + 256).sum::<usize>()
        + blocks.iter().map(|l| 96 + l.spans.iter().map(|s| 2 * s.text.len() + 64).sum::<usize>()).sum::<usize>();
    let report = Report { title: &c.title, from: &c.from, to: &c.to, changes: &c.changes, blocks };
    let mut text = Vec::with_capacity(room);
    if serde_json::to_writer_pretty(&mut text, &report).is_err() {
        text.clear();
    }
    drop(report);
    text.push(b'\n');
    String::from_utf8(text).unwrap_or_default()
}

fn bold(text: String) -> Inline {
    Inline::styled(text, Style { bold: true, ..Style::default() })
}

/// The report's head as a tree: the title, who and when, the summary.
fn summary_tree(c: &Comparison) -> Vec<Block> {
    let from = format!("v{}", c.from.label);
    let to = format!("v{}", c.to.label);
    let row = |key, old: &str, new: &str| Row {
        cells: vec![
            vec![Inline::text(c.say(Message::new(key)))],
            vec![Inline::text(old.to_string())],
            vec![Inline::text(new.to_string())],
        ],
        change: None,
    };
    let mut blocks = vec![
        Block::heading(1, vec![Inline::text(c.heading())]),
        Block::Table {
            align: vec![Align::None; 3],
            head: vec![vec![], vec![Inline::text(from)], vec![Inline::text(to)]],
            rows: vec![
                row(keys::diff::AUTHOR, &c.from.author, &c.to.author),
                row(keys::diff::DATE, &c.moment(&c.from.date), &c.moment(&c.to.date)),
            ],
        },
        Block::heading(
            2,
            vec![Inline::text(format!("{} ({})", c.say(Message::new(keys::diff::SUMMARY)), c.changes.len()))],
        ),
    ];
    if c.changes.is_empty() {
        blocks.push(Block::paragraph(vec![Inline::text(c.say(Message::new(keys::diff::NONE)))]));
    } else {
        blocks.push(Block::List {
            start: None,
            items: c
                .changes
                .iter()
                .map(|ch| policywright_doc::Item {
                    blocks: vec![Block::paragraph(vec![Inline::text(ch.summary.clone())])],
                })
                .collect(),
        });
    }
    blocks
}

/// A change summary, then the document with insertions `{++ ++}` and
/// deletions `{-- --}` marked (CriticMarkup).
pub fn to_markdown(c: &Comparison) -> String {
    let mut head = summary_tree(c);
    head.push(Block::heading(2, vec![Inline::text(c.say(Message::new(keys::diff::MARKED)))]));
    let (away, here) = (c.say(Message::new(keys::diff::MOVED_AWAY)), c.say(Message::new(keys::diff::MOVED_HERE)));
    // The document is written after the summary, not copied behind it.
    let critic = markdown::Critic { moved_away: &away, moved_here: &here };
    markdown::write_marked_pieces(&[&head, &c.document.blocks], &c.document.footnotes, &critic)
}

/// The report's body: the summary, the inline view and the side-by-side
/// view, as sanitised HTML without a page around it (for the app). Every
/// text is escaped by the tree's HTML writer; nothing from the policy can
/// become markup.
pub fn to_html_fragment(c: &Comparison) -> String {
    let mut out = String::new();
    html_fragment_into(&mut out, c);
    out
}

/// The comparison's three renderings as sanitised HTML: the merged
/// document with its changes marked, the older version alone (its
/// deletions marked) and the newer alone (its insertions marked).
pub struct HtmlViews {
    pub inline: String,
    pub old: String,
    pub new: String,
}

pub fn html_views(c: &Comparison) -> HtmlViews {
    let (away, here) = (c.say(Message::new(keys::diff::MOVED_AWAY)), c.say(Message::new(keys::diff::MOVED_HERE)));
    let titles = html::MoveTitles { moved_away: &away, moved_here: &here };
    let write = |doc: &Doc| html::write(doc, titles);
    // The three renderings of a large comparison are each a second's work,
    // and need nothing of each other. A panic in one is passed on as it is.
    std::thread::scope(|s| {
        let old = s.spawn(|| write(&c.document.view(View::Old)));
        let new = s.spawn(|| write(&c.document.view(View::New)));
        let inline = write(&c.document);
        let joined =
            |t: std::thread::ScopedJoinHandle<'_, String>| t.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
        HtmlViews { inline, old: joined(old), new: joined(new) }
    })
}

impl Comparison {
    /// "v1.0 (HR, 2026-12-02, 16:24 UTC) → v1.1 (…)": who made each side, and when.
    pub fn sides(&self) -> String {
        self.say(msg!(
            keys::diff::SIDES,
            from = self.from.label.as_str(),
            from_author = self.from.author.as_str(),
            from_date = self.moment(&self.from.date),
            to = self.to.label.as_str(),
            to_author = self.to.author.as_str(),
            to_date = self.moment(&self.to.date)
        ))
    }
}

fn html_fragment_into(out: &mut String, c: &Comparison) {
    let HtmlViews { inline, old, new } = html_views(c);
    let text = |out: &mut String, text: &str| html::escape_into(out, text);
    let sides = c.sides();
    out.reserve(inline.len() + old.len() + new.len() + 128 * c.changes.len() + 1024);
    out.push_str("<h1>");
    text(out, &c.heading());
    out.push_str("</h1>\n<p>");
    text(out, &sides);
    out.push_str("</p>\n<h2>");
    text(out, &c.say(Message::new(keys::diff::SUMMARY)));
    out.push_str(&format!(" ({})</h2>\n<ul>", c.changes.len()));
    for change in &c.changes {
        let class = match change.kind {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Changed => "changed",
            ChangeKind::Moved => "moved",
        };
        out.push_str("<li class=\"");
        out.push_str(class);
        out.push_str("\">");
        text(out, &change.summary);
        out.push_str("</li>");
    }
    out.push_str("</ul>\n<h2>");
    text(out, &c.say(Message::new(keys::diff::INLINE)));
    out.push_str("</h2>\n<div class=\"inline\">");
    out.push_str(&inline);
    drop(inline);
    out.push_str("</div>\n<h2>");
    text(out, &c.say(Message::new(keys::diff::SIDE_BY_SIDE)));
    out.push_str("</h2>\n<table class=\"side\"><tr><th>v");
    text(out, &c.from.label);
    out.push_str("</th><th>v");
    text(out, &c.to.label);
    out.push_str("</th></tr><tr><td>");
    out.push_str(&old);
    out.push_str("</td><td>");
    out.push_str(&new);
    out.push_str("</td></tr></table>\n");
}

/// A standalone HTML page of the comparison.
pub fn to_html(c: &Comparison) -> String {
    let mut out = String::from("<!DOCTYPE html>\n<html lang=\"");
    out.push_str(c.locale().code());
    out.push_str("\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str(concat!(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n",
        "<title>"
    ));
    html::escape_into(&mut out, &c.heading());
    out.push_str(concat!(
        "</title>\n<style>\n",
        "body{font:15px/1.6 \"Noto Sans CJK SC\",\"Microsoft YaHei\",Arial,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1.5rem;color:#1f2328}\n",
        "ins{background:#dafbe1;text-decoration:none} del{background:#ffebe9;text-decoration:line-through}\n",
        "ins.moved,del.moved{background:#f3e8ff}\n",
        "table{border-collapse:collapse;width:100%} td,th{border:1px solid #d0d7de;padding:.3rem .6rem;vertical-align:top} th{background:#eef1f4} table.side>tbody>tr>td{width:50%}\n",
        "li.added{color:#1a7f37} li.removed{color:#cf222e} li.moved{color:#8250df}\n",
        "</style>\n</head>\n<body>\n"
    ));
    // The body is written into the page, not into a string of its own
    // that is then copied: a large comparison's is a hundred megabytes.
    html_fragment_into(&mut out, c);
    out.push_str("</body>\n</html>\n");
    out
}

/// `2027-01-01` → `2027-01-01T00:00:00Z`; a full timestamp stays as it is.
fn w3c_date(date: &str) -> String {
    if date.len() == 10 { format!("{date}T00:00:00Z") } else { date.to_string() }
}

/// What a redline puts right after the compared document's title: a
/// summary table of the changes.
fn redline_summary(c: &Comparison) -> Vec<Block> {
    let mut summary = vec![Block::paragraph(vec![bold(format!(
        "{} v{} → v{}",
        c.say(Message::new(keys::diff::SUMMARY)),
        c.from.label,
        c.to.label
    ))])];
    let rows = if c.changes.is_empty() {
        vec![Row {
            cells: vec![vec![Inline::text("—")], vec![Inline::text(c.say(Message::new(keys::diff::NONE)))]],
            change: None,
        }]
    } else {
        c.changes
            .iter()
            .enumerate()
            .map(|(i, ch)| Row {
                cells: vec![vec![Inline::text((i + 1).to_string())], vec![Inline::text(ch.summary.clone())]],
                change: None,
            })
            .collect()
    };
    summary.push(Block::Table {
        align: vec![Align::Right, Align::None],
        head: vec![vec![Inline::text("#")], vec![Inline::text(c.say(Message::new(keys::diff::CHANGE)))]],
        rows,
    });
    summary
}

/// The newer version as a Word document in which every insertion is a
/// tracked `w:ins` and every deletion a `w:del`, by the newer version's
/// author on its date, so legal can accept or reject each in Word.
pub fn to_docx(c: &Comparison) -> Result<Vec<u8>> {
    let mut opts = docx_options_of(&c.to.policy, &c.to.content_hash);
    opts.toc = false;
    opts.revision = Some(TrackedBy { author: c.to.author.clone(), date: w3c_date(&c.to.date) });
    opts.meta.title = c.say(msg!(
        keys::diff::REDLINE_TITLE,
        title = c.title.as_str(),
        from = c.from.label.as_str(),
        to = c.to.label.as_str()
    ));
    opts.version = format!("{} → v{}", c.from.label, c.to.label);
    // A redline is neither version: it names both, with their hashes.
    opts.meta.custom.retain(|(name, _)| !matches!(name.as_str(), "PolicyVersion" | "ContentHash"));
    opts.meta.custom.extend([
        ("FromVersion".to_string(), c.from.label.clone()),
        ("FromContentHash".to_string(), c.from.content_hash.clone()),
        ("ToVersion".to_string(), c.to.label.clone()),
        ("ToContentHash".to_string(), c.to.content_hash.clone()),
    ]);
    opts.meta.custom.retain(|(_, v)| !v.is_empty());
    let summary = redline_summary(c);
    // The summary goes after the title; the document itself is not copied.
    let blocks = &c.document.blocks;
    let at = blocks.iter().position(|b| matches!(b, Block::Heading { level: 1, .. })).map_or(0, |i| i + 1);
    docx::write_pieces(&[&blocks[..at], &summary, &blocks[at..]], &c.document.footnotes, &opts)
}
