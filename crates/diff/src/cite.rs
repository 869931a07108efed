//! Where a change is, the way a lawyer cites it: "第六条（数据分析员）",
//! "Article 2.3 (Data Analyst)". The article is found in the rendered
//! document, not worked out from the policy's fields, so that it is the
//! article the reader sees, whatever the templates make of the fields.

use std::cell::OnceCell;

use policywright_doc::{Block, Doc, block_text, plain_text};
use policywright_i18n::{Locale, Message, NumberingScheme, heading_number, keys, msg};

use crate::structural::{Change, ChangeKind};

/// One article of a rendered policy: its chapter, number, heading and what
/// its paragraphs, lists and tables say.
struct Article {
    chapter: String,
    number: String,
    chapter_number: String,
    title: String,
    text: String,
}

/// The articles of a policy document: level 2 headings are chapters,
/// level 3 headings articles (level 1 is the title).
fn articles(doc: &Doc, scheme: NumberingScheme) -> Vec<Article> {
    let mut out: Vec<Article> = Vec::new();
    let mut counters = [0u32; 3];
    let (mut chapter, mut chapter_number) = (String::new(), String::new());
    for block in &doc.blocks {
        match block {
            Block::Heading { level: 2, inlines, .. } => {
                counters[0] += 1;
                counters[2] = 0;
                if !scheme.articles_run_on() {
                    counters[1] = 0;
                }
                chapter = plain_text(inlines);
                chapter_number = heading_number(scheme, 0, &counters).trim().to_string();
            }
            Block::Heading { level: 3, inlines, .. } => {
                counters[1] += 1;
                counters[2] = 0;
                out.push(Article {
                    chapter: chapter.clone(),
                    number: heading_number(scheme, 1, &counters).trim().to_string(),
                    chapter_number: chapter_number.clone(),
                    title: plain_text(inlines),
                    text: String::new(),
                });
            }
            Block::Heading { level: 1, .. } => {}
            other => {
                if let Some(article) = out.last_mut() {
                    article.text.push('\n');
                    article.text.push_str(&block_text(other));
                }
            }
        }
    }
    out
}

/// Names the article of each change at the start of its summary, where one
/// is found: first by the names on its way down (a role, a stage, a rule
/// group is an article of its own), then by its text.
pub(crate) fn cite(changes: &mut [Change], old: &Doc, new: &Doc, scheme: NumberingScheme, locale: Locale) {
    // Each document's articles are read when a change first needs them: a
    // change named by its place alone (a role moved) needs none, and the
    // articles hold a copy of every text.
    let (old_articles, new_articles) = (OnceCell::new(), OnceCell::new());
    for change in changes.iter_mut() {
        let kind = change.kind;
        let doc = || match kind {
            ChangeKind::Removed => old_articles.get_or_init(|| articles(old, scheme)),
            _ => new_articles.get_or_init(|| articles(new, scheme)),
        };
        let Some(chapter) = change.place.first() else { continue };
        let in_chapter = || doc().iter().filter(|a| &a.chapter == chapter);
        let by_name = change.place.iter().skip(1).rev().find_map(|name| in_chapter().find(|a| &a.title == name));
        let text = if change.kind == ChangeKind::Removed { &change.before } else { &change.after };
        let by_text = || {
            let text = text.as_deref().filter(|t| t.chars().count() >= 4)?;
            in_chapter().find(|a| a.text.contains(text) || a.title == text)
        };
        // A name below an article (an indicator in its table) finds it too.
        let by_named_text = || {
            change
                .place
                .iter()
                .skip(1)
                .rev()
                .filter(|n| n.chars().count() >= 2)
                .find_map(|name| in_chapter().find(|a| a.text.contains(name.as_str())))
        };
        let Some(article) = by_name.or_else(by_text).or_else(by_named_text) else { continue };
        let key = match scheme {
            NumberingScheme::ZhOutline => keys::diff::CITE_OUTLINE,
            _ => keys::diff::CITE,
        };
        let number = match scheme {
            NumberingScheme::ZhOutline => format!("{}{}", article.chapter_number, article.number),
            _ => article.number.clone(),
        };
        let place = msg!(key, number = number, title = article.title.as_str()).render(locale);
        let colon = Message::new(keys::diff::CRUMB_COLON).render(locale);
        // What lies below the article stays in words: "Article 2.3 (Data
        // Analyst): duty 3 reworded".
        let names = &change.place[1..];
        let below: Vec<&str> = match names.iter().position(|n| *n == article.title) {
            Some(at) => names[at + 1..].iter().map(String::as_str).collect(),
            None => names.iter().map(String::as_str).collect(),
        };
        let mut summary = place;
        for name in below {
            // 第十五条（考勤与工作纪律）第（一）项规定: a Chinese citation
            // runs on into the item; other names stand apart.
            if !(locale == Locale::ZhCn && name.starts_with('第')) {
                summary.push_str(" › ");
            }
            summary.push_str(name);
        }
        summary.push_str(&colon);
        summary.push_str(&change.what);
        change.summary = summary;
    }
}
