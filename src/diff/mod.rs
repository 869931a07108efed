//! Comparing two versions of a policy: a structural list of changes, and the
//! rendered text compared block by block and word by word.
//!
//! The outputs are pure functions of a [`Comparison`]: JSON for the app,
//! Markdown and HTML for reading.

mod structural;
mod text;

use serde::Serialize;

use crate::docx::escaped as escape;
use crate::docx::{
    self, DEL_END, DEL_START, INS_END, INS_START, MOVE_FROM_END, MOVE_FROM_START, MOVE_TO_END, MOVE_TO_START, TrackedBy,
};
use crate::error::Result;
use crate::markdown;
use crate::model::Policy;
use crate::template::Templates;
use crate::template::escape_inline;

pub use structural::{Change, ChangeKind, structural};
pub use text::{BlockDiff, Span, SpanKind, blocks, separator, text_diff};

/// One side of a comparison: a version and who made it when.
#[derive(Debug, Clone, Serialize)]
pub struct Side {
    pub label: String,
    pub author: String,
    /// `YYYY-MM-DD` or a full timestamp, as stored.
    pub date: String,
    #[serde(skip)]
    pub policy: Policy,
}

#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub title: String,
    pub from: Side,
    pub to: Side,
    pub changes: Vec<Change>,
    pub blocks: Vec<BlockDiff>,
}

pub fn compare(from: Side, to: Side, templates: &Templates) -> Result<Comparison> {
    let old = templates.render_markdown(&from.policy)?;
    let new = templates.render_markdown(&to.policy)?;
    Ok(Comparison {
        title: to.policy.document.title.clone(),
        changes: structural(&from.policy, &to.policy),
        blocks: text_diff(&old, &new),
        from,
        to,
    })
}

/// The words of the reports, in the newer version's language.
struct Labels {
    author: &'static str,
    date: &'static str,
    summary: &'static str,
    none: &'static str,
    marked: &'static str,
    inline: &'static str,
    side_by_side: &'static str,
    change: &'static str,
}

fn labels(c: &Comparison) -> Labels {
    match c.to.policy.document.locale {
        crate::model::Locale::ZhCn => Labels {
            author: "修订人",
            date: "日期",
            summary: "修改摘要",
            none: "无修改。",
            marked: "标注修改的全文",
            inline: "逐段对照",
            side_by_side: "左右对照",
            change: "修改",
        },
        crate::model::Locale::En => Labels {
            author: "Author",
            date: "Date",
            summary: "Summary of changes",
            none: "No changes.",
            marked: "The document with changes marked",
            inline: "Inline",
            side_by_side: "Side by side",
            change: "Change",
        },
    }
}

pub fn to_json(c: &Comparison) -> String {
    let mut text = serde_json::to_string_pretty(c).unwrap_or_default();
    text.push('\n');
    text
}

/// Wraps the content of one Markdown line in markers, after any heading,
/// list or quote marker, so the line keeps its meaning.
fn mark_line(line: &str, open: &str, close: &str) -> String {
    if line.trim_start().starts_with('|') {
        // Each table cell is marked, so the row stays a row.
        let cells: Vec<&str> = line.trim().trim_matches('|').split(" | ").collect();
        // The delimiter row is structure, not text.
        if cells.iter().all(|c| !c.trim().is_empty() && c.trim().chars().all(|ch| matches!(ch, '-' | ':'))) {
            return line.to_string();
        }
        let marked: Vec<String> = cells
            .iter()
            .map(|c| if c.trim().is_empty() { c.to_string() } else { format!("{open}{}{close}", c.trim()) })
            .collect();
        return format!("| {} |", marked.join(" | "));
    }
    let body_at = line.len() - line.trim_start().len();
    let (indent, rest) = line.split_at(body_at);
    let marker_len = rest
        .find(|c: char| c != '#' && c != '>' && c != '-' && c != ' ' && !c.is_ascii_digit() && c != '.')
        .unwrap_or(rest.len());
    let (marker, content) = rest.split_at(marker_len);
    if content.is_empty() {
        return line.to_string();
    }
    format!("{indent}{marker}{open}{content}{close}")
}

fn mark_block(text: &str, open: &str, close: &str) -> String {
    text.lines().map(|l| mark_line(l, open, close)).collect::<Vec<_>>().join("\n")
}

/// A change summary, then the document with insertions `{++ ++}` and
/// deletions `{-- --}` marked (CriticMarkup).
pub fn to_markdown(c: &Comparison) -> String {
    let l = labels(c);
    let mut out = String::new();
    out.push_str(&format!("# {}: v{} → v{}\n\n", escape_inline(&c.title), c.from.label, c.to.label));
    out.push_str(&format!("| | v{} | v{} |\n| --- | --- | --- |\n", c.from.label, c.to.label));
    out.push_str(&format!("| {} | {} | {} |\n", l.author, escape_inline(&c.from.author), escape_inline(&c.to.author)));
    out.push_str(&format!("| {} | {} | {} |\n\n", l.date, c.from.date, c.to.date));
    out.push_str(&format!("## {} ({})\n\n", l.summary, c.changes.len()));
    if c.changes.is_empty() {
        out.push_str(l.none);
        out.push('\n');
    }
    for change in &c.changes {
        out.push_str(&format!("- {}\n", escape_inline(&change.summary)));
    }
    out.push_str(&format!("\n## {}\n\n", l.marked));
    let mut prev = String::new();
    for block in &c.blocks {
        let text = match block {
            BlockDiff::Equal { text } => text.clone(),
            BlockDiff::Inserted { text } => mark_block(text, "{++", "++}"),
            BlockDiff::Deleted { text } => mark_block(text, "{--", "--}"),
            // CriticMarkup has no moves: a moved block is a deletion and an
            // insertion, each with a comment saying so.
            BlockDiff::MovedFrom { text, .. } => mark_block(text, "{--", "--}{>>moved<<}"),
            BlockDiff::MovedTo { text, .. } => mark_block(text, "{++", "++}{>>moved here<<}"),
            BlockDiff::Changed { spans } => spans
                .iter()
                .map(|s| match s.kind {
                    SpanKind::Equal => s.text.clone(),
                    SpanKind::Inserted => format!("{{++{}++}}", s.text),
                    SpanKind::Deleted => format!("{{--{}--}}", s.text),
                })
                .collect(),
        };
        if !prev.is_empty() {
            out.push_str(separator(&prev, &text));
        }
        out.push_str(&text);
        prev = text;
    }
    out.push('\n');
    out
}

/// The report's body: the summary, the inline view and the side-by-side
/// view, as sanitised HTML without a page around it (for the app). Every
/// piece of text is escaped or goes through the sanitising Markdown
/// renderer; nothing from the policy can become markup.
pub fn to_html_fragment(c: &Comparison) -> String {
    let inline = marked_html(c, View::Both);
    let side = format!("<tr><td>{}</td><td>{}</td></tr>", marked_html(c, View::Old), marked_html(c, View::New));
    let mut summary = String::new();
    summary.push_str("<ul>");
    for change in &c.changes {
        summary.push_str(&format!(
            "<li class=\"{}\">{}</li>",
            serde_json::to_value(change.kind).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default(),
            escape(&change.summary)
        ));
    }
    summary.push_str("</ul>");
    format!(
        concat!(
            "<h1>{title}: v{from} → v{to}</h1>\n",
            "<p>v{from}: {from_author}, {from_date}. v{to}: {to_author}, {to_date}.</p>\n",
            "<h2>{l_summary} ({count})</h2>\n{summary}\n",
            "<h2>{l_inline}</h2>\n<div class=\"inline\">{inline}</div>\n",
            "<h2>{l_side}</h2>\n<table class=\"side\"><tr><th>v{from}</th><th>v{to}</th></tr>{side}</table>\n"
        ),
        title = escape(&c.title),
        from = escape(&c.from.label),
        to = escape(&c.to.label),
        from_author = escape(&c.from.author),
        from_date = escape(&c.from.date),
        to_author = escape(&c.to.author),
        to_date = escape(&c.to.date),
        count = c.changes.len(),
        l_summary = labels(c).summary,
        l_inline = labels(c).inline,
        l_side = labels(c).side_by_side,
        summary = summary,
        inline = inline,
        side = side,
    )
}

/// A standalone HTML page of the comparison.
pub fn to_html(c: &Comparison) -> String {
    format!(
        concat!(
            "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n",
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n",
            "<title>{title}: v{from} → v{to}</title>\n<style>\n",
            "body{{font:15px/1.6 \"Noto Sans CJK SC\",\"Microsoft YaHei\",Arial,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1.5rem;color:#1f2328}}\n",
            "ins,.ins{{background:#dafbe1;text-decoration:none}} del,.del{{background:#ffebe9;text-decoration:line-through}}\n",
            "ins.moved,del.moved{{background:#f3e8ff}}\n",
            ".chg{{background:#fff8c5}} table{{border-collapse:collapse;width:100%}} td,th{{border:1px solid #d0d7de;padding:.3rem .6rem;vertical-align:top}} th{{background:#eef1f4}} table.side>tbody>tr>td{{width:50%}}\n",
            "li.added{{color:#1a7f37}} li.removed{{color:#cf222e}} li.moved{{color:#8250df}}\n",
            "</style>\n</head>\n<body>\n{body}</body>\n</html>\n"
        ),
        lang = c.to.policy.document.locale.code(),
        title = escape(&c.title),
        from = escape(&c.from.label),
        to = escape(&c.to.label),
        body = to_html_fragment(c),
    )
}

/// `2027-01-01` → `2027-01-01T00:00:00Z`; a full timestamp stays as it is.
fn w3c_date(date: &str) -> String {
    if date.len() == 10 { format!("{date}T00:00:00Z") } else { date.to_string() }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum View {
    /// Both versions in one text: insertions, deletions and moves marked.
    Both,
    /// The older version, with what was deleted or moved away marked.
    Old,
    /// The newer version, with what was inserted or moved here marked.
    New,
}

/// Each block as Markdown with change marks (private-use characters) for
/// one view; blocks absent from that view are left out.
fn marked_blocks(c: &Comparison, view: View) -> Vec<String> {
    let ins = (INS_START.to_string(), INS_END.to_string());
    let del = (DEL_START.to_string(), DEL_END.to_string());
    let old = view != View::New;
    let new = view != View::Old;
    c.blocks
        .iter()
        .filter_map(|block| match block {
            BlockDiff::Equal { text } => Some(text.clone()),
            BlockDiff::Inserted { text } => new.then(|| mark_block(text, &ins.0, &ins.1)),
            BlockDiff::Deleted { text } => old.then(|| mark_block(text, &del.0, &del.1)),
            // A move's start mark carries its number, so the DOCX can pair its ends.
            BlockDiff::MovedFrom { text, id } => old.then(|| {
                mark_block(text, &format!("{MOVE_FROM_START}{}", docx::move_number(*id)), &MOVE_FROM_END.to_string())
            }),
            BlockDiff::MovedTo { text, id } => new.then(|| {
                mark_block(text, &format!("{MOVE_TO_START}{}", docx::move_number(*id)), &MOVE_TO_END.to_string())
            }),
            BlockDiff::Changed { spans } => Some(
                spans
                    .iter()
                    .filter_map(|s| match s.kind {
                        SpanKind::Equal => Some(s.text.clone()),
                        SpanKind::Inserted => new.then(|| format!("{}{}{}", ins.0, s.text, ins.1)),
                        SpanKind::Deleted => old.then(|| format!("{}{}{}", del.0, s.text, del.1)),
                    })
                    .collect(),
            ),
        })
        .collect()
}

/// One view as sanitised HTML: the Markdown is rendered as a whole (so
/// tables and lists stay whole), then the change marks become `<ins>`/`<del>`.
fn marked_html(c: &Comparison, view: View) -> String {
    let mut md = String::new();
    let mut prev = String::new();
    for text in marked_blocks(c, view) {
        if !prev.is_empty() {
            md.push_str(separator(&prev, &text));
        }
        md.push_str(&text);
        prev = text;
    }
    markdown::to_html(&md)
        .replace(INS_START, "<ins>")
        .replace(INS_END, "</ins>")
        .replace(DEL_START, "<del>")
        .replace(DEL_END, "</del>")
        .replace(MOVE_FROM_START, "<del class=\"moved\" title=\"moved\">")
        .replace(MOVE_FROM_END, "</del>")
        .replace(MOVE_TO_START, "<ins class=\"moved\" title=\"moved here\">")
        .replace(MOVE_TO_END, "</ins>")
        .replace(docx::is_change_mark, "")
}

/// The newer version's document as Markdown with change marks: a summary table
/// after the title, then every block with its insertions and deletions.
fn redline_markdown(c: &Comparison) -> String {
    let mut out = String::new();
    let mut summary_written = false;
    let l = labels(c);
    let summary = {
        let mut s = format!(
            "**{} v{} → v{}**\n\n| # | {} |\n| ---: | --- |\n",
            l.summary,
            escape_inline(&c.from.label),
            escape_inline(&c.to.label),
            l.change
        );
        if c.changes.is_empty() {
            s.push_str(&format!("| — | {} |\n", l.none));
        }
        for (i, change) in c.changes.iter().enumerate() {
            s.push_str(&format!("| {} | {} |\n", i + 1, escape_inline(&change.summary)));
        }
        s
    };
    let mut prev = String::new();
    for text in marked_blocks(c, View::Both) {
        if !prev.is_empty() {
            out.push_str(separator(&prev, &text));
        }
        out.push_str(&text);
        // The summary comes right after the title.
        if !summary_written && text.starts_with("# ") {
            out.push_str("\n\n");
            out.push_str(&summary);
            summary_written = true;
            prev.clear();
            out.push('\n');
            continue;
        }
        prev = text;
    }
    if !summary_written {
        out.insert_str(0, &format!("{summary}\n"));
    }
    out
}

/// Two saved versions of a library policy, each with the revision history
/// as of that version.
pub fn compare_versions(
    store: &crate::store::Store,
    id: crate::store::PolicyId,
    from: &str,
    to: &str,
    templates: &Templates,
) -> Result<Comparison> {
    let side = |label: &str| -> Result<Side> {
        let (info, policy) = store.version_with_history(id, Some(label))?;
        Ok(Side { label: info.label.to_string(), author: info.author, date: info.created_at, policy })
    };
    compare(side(from)?, side(to)?, templates)
}

/// The newer version as a Word document in which every insertion is a
/// tracked `w:ins` and every deletion a `w:del`, by the newer version's
/// author on its date, so legal can accept or reject each in Word.
pub fn to_docx(c: &Comparison) -> Result<Vec<u8>> {
    let mut opts = docx::policy_options(&c.to.policy.sanitized());
    opts.toc = false;
    opts.revision = Some(TrackedBy { author: c.to.author.clone(), date: w3c_date(&c.to.date) });
    opts.meta.title = format!("{} (v{} → v{})", c.title, c.from.label, c.to.label);
    opts.version = format!("{} → v{}", c.from.label, c.to.label);
    docx::markdown_to_docx(&redline_markdown(c), &opts)
}
