//! The document tree: the one intermediate form between the text a template
//! writes and every file a reader opens (DOCX, HTML, Markdown), and what two
//! versions are compared on.
//!
//! Tracked changes are data on nodes ([`Change`]), never marks in the text:
//! no text, however hostile, can pose as a change.

use std::collections::BTreeMap;

/// What happened to a node between two versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Change {
    Inserted,
    Deleted,
    /// Moved away from here to the [`Change::MovedTo`] with the same number.
    MovedFrom(u32),
    /// Moved here from the [`Change::MovedFrom`] with the same number.
    MovedTo(u32),
}

impl Change {
    /// Whether the node is in the older version: deleted or moved away.
    pub fn is_old(self) -> bool {
        matches!(self, Change::Deleted | Change::MovedFrom(_))
    }

    /// Whether the node is in the newer version: inserted or moved here.
    pub fn is_new(self) -> bool {
        matches!(self, Change::Inserted | Change::MovedTo(_))
    }

    pub fn move_number(self) -> Option<u32> {
        match self {
            Change::MovedFrom(n) | Change::MovedTo(n) => Some(n),
            Change::Inserted | Change::Deleted => None,
        }
    }
}

/// Character formatting.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Style {
    pub bold: bool,
    pub italic: bool,
    pub strike: bool,
    pub code: bool,
    pub vert: VertAlign,
}

/// Text on the line, raised (a footnote mark, an exponent) or lowered (a
/// chemical formula's digits).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum VertAlign {
    #[default]
    Baseline,
    Super,
    Sub,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Inline {
    Text {
        text: String,
        style: Style,
        change: Option<Change>,
    },
    /// A link to a safe target (see [`crate::is_safe_url`]); any other link
    /// never became one and is only its text.
    Link {
        url: String,
        children: Vec<Inline>,
    },
    FootnoteRef {
        label: String,
        change: Option<Change>,
    },
    HardBreak {
        change: Option<Change>,
    },
}

impl Inline {
    pub fn text(text: impl Into<String>) -> Inline {
        Inline::Text { text: text.into(), style: Style::default(), change: None }
    }

    pub fn styled(text: impl Into<String>, style: Style) -> Inline {
        Inline::Text { text: text.into(), style, change: None }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Align {
    #[default]
    None,
    Left,
    Center,
    Right,
}

/// A table row. `change` says the row as a whole was inserted or deleted.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Row {
    pub cells: Vec<Vec<Inline>>,
    pub change: Option<Change>,
}

/// A list item: its blocks, the first of which carries the number or bullet.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Item {
    pub blocks: Vec<Block>,
}

/// `change` on a block says it was inserted, deleted or moved as a whole
/// (its paragraph mark too); its inlines carry their own changes, which for
/// a whole block are the same.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Block {
    Heading {
        level: u8,
        inlines: Vec<Inline>,
        change: Option<Change>,
    },
    Paragraph {
        inlines: Vec<Inline>,
        change: Option<Change>,
    },
    /// `start` is the first number of an ordered list; `None` for bullets.
    List {
        start: Option<u64>,
        items: Vec<Item>,
    },
    Table {
        align: Vec<Align>,
        head: Vec<Vec<Inline>>,
        rows: Vec<Row>,
    },
    Quote(Vec<Block>),
    Code {
        text: String,
        change: Option<Change>,
    },
    Rule,
}

impl Block {
    pub fn paragraph(inlines: Vec<Inline>) -> Block {
        Block::Paragraph { inlines, change: None }
    }

    pub fn heading(level: u8, inlines: Vec<Inline>) -> Block {
        Block::Heading { level, inlines, change: None }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Doc {
    pub blocks: Vec<Block>,
    /// Footnote definitions by label, wherever they stood in the text.
    pub footnotes: BTreeMap<String, Vec<Block>>,
}

/// What a document says of itself before its text: a converted file's
/// front matter. Written as the document's title block and properties,
/// never as a heading of its text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TitleBlock {
    pub title: String,
    pub authors: Vec<String>,
    /// As written; only a `YYYY-MM-DD` is also a timestamp.
    pub date: String,
}

/// The plain text of some inlines, for table widths, bookmarks, the TOC and
/// comparing.
pub fn plain_text(inlines: &[Inline]) -> String {
    let mut out = String::new();
    push_plain(inlines, &mut out);
    out
}

fn push_plain(inlines: &[Inline], out: &mut String) {
    for inline in inlines {
        match inline {
            Inline::Text { text, .. } => out.push_str(text),
            Inline::Link { children, .. } => push_plain(children, out),
            Inline::HardBreak { .. } => out.push(' '),
            Inline::FootnoteRef { .. } => {}
        }
    }
}

/// The plain text of a block and everything in it, items and rows joined by
/// spaces.
pub fn block_text(block: &Block) -> String {
    match block {
        Block::Heading { inlines, .. } | Block::Paragraph { inlines, .. } => plain_text(inlines),
        Block::List { items, .. } => {
            items.iter().flat_map(|i| i.blocks.iter()).map(block_text).collect::<Vec<_>>().join(" ")
        }
        Block::Table { head, rows, .. } => head
            .iter()
            .chain(rows.iter().flat_map(|r| r.cells.iter()))
            .map(|c| plain_text(c))
            .collect::<Vec<_>>()
            .join(" "),
        Block::Quote(blocks) => blocks.iter().map(block_text).collect::<Vec<_>>().join(" "),
        Block::Code { text, .. } => text.clone(),
        Block::Rule => String::new(),
    }
}

impl Doc {
    /// The document as one version saw it: `Old` keeps what was deleted or
    /// moved away and drops what was inserted; `New` the reverse. Changes of
    /// the kept side stay marked.
    pub fn view(&self, side: Side) -> Doc {
        Doc {
            blocks: view_blocks(&self.blocks, side),
            footnotes: self.footnotes.iter().map(|(k, v)| (k.clone(), view_blocks(v, side))).collect(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Old,
    New,
}

fn dropped(change: Option<Change>, side: Side) -> bool {
    match (change, side) {
        (Some(c), Side::Old) => c.is_new(),
        (Some(c), Side::New) => c.is_old(),
        (None, _) => false,
    }
}

fn view_inlines(inlines: &[Inline], side: Side) -> Vec<Inline> {
    inlines
        .iter()
        .filter_map(|inline| match inline {
            Inline::Text { change, .. } | Inline::FootnoteRef { change, .. } | Inline::HardBreak { change }
                if dropped(*change, side) =>
            {
                None
            }
            Inline::Link { url, children } => {
                let children = view_inlines(children, side);
                (!children.is_empty()).then(|| Inline::Link { url: url.clone(), children })
            }
            other => Some(other.clone()),
        })
        .collect()
}

fn view_blocks(blocks: &[Block], side: Side) -> Vec<Block> {
    blocks
        .iter()
        .filter_map(|block| match block {
            Block::Heading { change, .. } | Block::Paragraph { change, .. } | Block::Code { change, .. }
                if dropped(*change, side) =>
            {
                None
            }
            Block::Heading { level, inlines, change } => {
                Some(Block::Heading { level: *level, inlines: view_inlines(inlines, side), change: *change })
            }
            Block::Paragraph { inlines, change } => {
                Some(Block::Paragraph { inlines: view_inlines(inlines, side), change: *change })
            }
            Block::List { start, items } => {
                let items: Vec<Item> = items
                    .iter()
                    .map(|i| Item { blocks: view_blocks(&i.blocks, side) })
                    .filter(|i| !i.blocks.is_empty())
                    .collect();
                (!items.is_empty()).then_some(Block::List { start: *start, items })
            }
            Block::Table { align, head, rows } => Some(Block::Table {
                align: align.clone(),
                head: head.iter().map(|c| view_inlines(c, side)).collect(),
                rows: rows
                    .iter()
                    .filter(|r| !dropped(r.change, side))
                    .map(|r| Row { cells: r.cells.iter().map(|c| view_inlines(c, side)).collect(), change: r.change })
                    .collect(),
            }),
            Block::Quote(inner) => {
                let inner = view_blocks(inner, side);
                (!inner.is_empty()).then_some(Block::Quote(inner))
            }
            other => Some(other.clone()),
        })
        .collect()
}
