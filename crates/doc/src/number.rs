//! Heading numbers as text, for the Markdown and HTML outputs.
//!
//! Level-2 headings are chapters, level 3 articles, level 4 clauses. The DOCX
//! writer numbers the same headings with Word's own numbering instead, so this
//! pass runs only for text outputs.

use policywright_i18n::{NumberingScheme, heading_number};

use crate::tree::{Block, Doc, Inline};

/// Puts the number of every level 2–4 heading in front of its text.
pub fn number_headings(doc: &mut Doc, scheme: NumberingScheme) {
    let mut counters = [0u32; 3];
    for block in &mut doc.blocks {
        let Block::Heading { level, inlines, .. } = block else { continue };
        let depth = match level {
            2 => 0,
            3 => 1,
            4 => 2,
            _ => continue,
        };
        counters[depth] += 1;
        // Articles of a Chinese regulation run on across chapters (第一条 … 第三十条);
        // every other level restarts under its parent.
        let keep_articles = scheme.articles_run_on() && depth == 0;
        for (i, counter) in counters.iter_mut().enumerate().skip(depth + 1) {
            if !(keep_articles && i == 1) {
                *counter = 0;
            }
        }
        inlines.insert(0, Inline::text(heading_number(scheme, depth, &counters)));
    }
}

/// Every heading one level down (`#` → `##`, to at most `######`), so a
/// whole document can sit under another's title.
pub fn demote_headings(doc: &mut Doc) {
    for block in &mut doc.blocks {
        if let Block::Heading { level, .. } = block {
            *level = (*level + 1).min(6);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown;

    fn numbered(md: &str, scheme: NumberingScheme) -> String {
        let mut doc = markdown::parse(md);
        number_headings(&mut doc, scheme);
        markdown::write(&doc)
    }

    #[test]
    fn zh_chapter_articles_run_across_chapters() {
        let out = numbered("# T\n\n## A\n\n### a1\n\n### a2\n\n## B\n\n### b1\n", NumberingScheme::ZhChapter);
        assert!(out.contains("## 第一章\u{3000}A"), "{out}");
        assert!(out.contains("### 第二条\u{3000}a2"), "{out}");
        assert!(out.contains("### 第三条\u{3000}b1"), "{out}");
    }

    #[test]
    fn decimal_restarts_under_each_chapter() {
        let out = numbered("## A\n\n### a1\n\n## B\n\n### b1\n\n#### x\n", NumberingScheme::Decimal);
        assert!(out.contains("### 2.1 b1"), "{out}");
        assert!(out.contains("#### 2.1.1 x"), "{out}");
    }

    #[test]
    fn demoting_moves_headings_only() {
        let mut doc = markdown::parse("# Title\n\nText with # inside.\n\n###### Deepest\n");
        demote_headings(&mut doc);
        assert_eq!(markdown::write(&doc), "## Title\n\nText with # inside.\n\n###### Deepest\n");
    }
}
