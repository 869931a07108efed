//! Heading numbers as text, for the Markdown and HTML exports.
//!
//! Level-2 headings are chapters, level 3 articles, level 4 clauses. The DOCX
//! writer numbers the same headings with Word's own numbering instead, so this
//! pass runs only for text outputs.

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag};

use crate::model::NumberingScheme;

/// Inserts the number of every level 2–4 heading into its text.
pub fn number_headings(markdown: &str, scheme: NumberingScheme) -> String {
    let mut counters = [0u32; 3];
    let mut inserts: Vec<(usize, String)> = Vec::new();
    for (event, range) in Parser::new_ext(markdown, super::parser_options()).into_offset_iter() {
        let Event::Start(Tag::Heading { level, .. }) = event else {
            continue;
        };
        let depth = match level {
            HeadingLevel::H2 => 0,
            HeadingLevel::H3 => 1,
            HeadingLevel::H4 => 2,
            _ => continue,
        };
        // Only ATX headings can be numbered in place; templates write no others.
        let Some(at) = atx_content_start(markdown, range.start) else {
            continue;
        };
        counters[depth] += 1;
        // Articles of a Chinese regulation run on across chapters (第一条 … 第三十条);
        // every other level restarts under its parent.
        let keep_articles = scheme == NumberingScheme::ZhChapter && depth == 0;
        for (i, counter) in counters.iter_mut().enumerate().skip(depth + 1) {
            if !(keep_articles && i == 1) {
                *counter = 0;
            }
        }
        inserts.push((at, heading_number(scheme, depth, &counters)));
    }
    let mut out = String::with_capacity(markdown.len() + inserts.len() * 12);
    let mut last = 0;
    for (at, number) in inserts {
        out.push_str(&markdown[last..at]);
        out.push_str(&number);
        last = at;
    }
    out.push_str(&markdown[last..]);
    out
}

/// Every ATX heading one level down (`#` → `##`, to at most `######`), so a
/// whole document can sit under another's title. Other lines are untouched.
pub fn demote_headings(markdown: &str) -> String {
    let mut inserts: Vec<usize> = Vec::new();
    for (event, range) in Parser::new_ext(markdown, super::parser_options()).into_offset_iter() {
        if let Event::Start(Tag::Heading { level, .. }) = event
            && level != HeadingLevel::H6
            && atx_content_start(markdown, range.start).is_some()
        {
            inserts.push(range.start);
        }
    }
    let mut out = String::with_capacity(markdown.len() + inserts.len());
    let mut last = 0;
    for at in inserts {
        // The heading's `#` run starts at its first non-space character.
        let hashes = at + markdown[at..].find('#').unwrap_or(0);
        out.push_str(&markdown[last..hashes]);
        out.push('#');
        last = hashes;
    }
    out.push_str(&markdown[last..]);
    out
}

/// The number text, separator included, for a heading at `depth` (0-based)
/// given the counters of all levels.
pub fn heading_number(scheme: NumberingScheme, depth: usize, counters: &[u32; 3]) -> String {
    let n = counters[depth];
    match (scheme, depth) {
        (NumberingScheme::ZhChapter, 0) => format!("第{}章\u{3000}", chinese_number(n)),
        (NumberingScheme::ZhChapter, 1) => format!("第{}条\u{3000}", chinese_number(n)),
        (NumberingScheme::ZhChapter, _) => format!("{}、", chinese_number(n)),
        (NumberingScheme::ZhOutline, 0) => format!("{}、", chinese_number(n)),
        (NumberingScheme::ZhOutline, 1) => format!("（{}）", chinese_number(n)),
        (NumberingScheme::ZhOutline, _) => format!("{n}. "),
        (NumberingScheme::Decimal, _) => {
            let parts: Vec<String> = counters[..=depth].iter().map(u32::to_string).collect();
            format!("{} ", parts.join("."))
        }
    }
}

fn atx_content_start(markdown: &str, line_start: usize) -> Option<usize> {
    let line = &markdown[line_start..];
    let indent = line.len() - line.trim_start_matches(' ').len();
    let rest = &line[indent..];
    let hashes = rest.len() - rest.trim_start_matches('#').len();
    if hashes == 0 {
        return None;
    }
    let after = &rest[hashes..];
    let spaces = after.len() - after.trim_start_matches([' ', '\t']).len();
    Some(line_start + indent + hashes + spaces)
}

/// Chinese numerals as used in regulations: 一, 十, 十一, 二十, 一百零五.
pub fn chinese_number(n: u32) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    const UNITS: [&str; 4] = ["", "十", "百", "千"];
    if n == 0 {
        return DIGITS[0].to_string();
    }
    if n >= 10_000 {
        // Beyond any real document; plain digits are clearer than 万-grouping.
        return n.to_string();
    }
    let digits: Vec<usize> = n.to_string().bytes().map(|b| usize::from(b - b'0')).collect();
    let mut out = String::new();
    let mut pending_zero = false;
    for (i, &d) in digits.iter().enumerate() {
        let unit = digits.len() - 1 - i;
        if d == 0 {
            pending_zero = !out.is_empty();
            continue;
        }
        if pending_zero {
            out.push_str(DIGITS[0]);
            pending_zero = false;
        }
        // 十一, not 一十一, when ten is the leading unit.
        if !(d == 1 && unit == 1 && out.is_empty()) {
            out.push_str(DIGITS[d]);
        }
        out.push_str(UNITS[unit]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demoting_moves_headings_only() {
        let md = "# Title\n\nText with # inside.\n\n## Chapter\n\n    # code\n\n###### Deepest\n";
        assert_eq!(
            demote_headings(md),
            "## Title\n\nText with # inside.\n\n### Chapter\n\n    # code\n\n###### Deepest\n"
        );
    }

    #[test]
    fn chinese_numerals() {
        let cases = [
            (1, "一"),
            (10, "十"),
            (11, "十一"),
            (20, "二十"),
            (23, "二十三"),
            (100, "一百"),
            (105, "一百零五"),
            (110, "一百一十"),
            (1001, "一千零一"),
        ];
        for (n, text) in cases {
            assert_eq!(chinese_number(n), text, "{n}");
        }
    }

    #[test]
    fn zh_chapter_articles_run_across_chapters() {
        let md = "# T\n\n## A\n\n### a1\n\n### a2\n\n## B\n\n### b1\n";
        let out = number_headings(md, NumberingScheme::ZhChapter);
        assert!(out.contains("## 第一章\u{3000}A"), "{out}");
        assert!(out.contains("### 第二条\u{3000}a2"), "{out}");
        assert!(out.contains("## 第二章\u{3000}B"), "{out}");
        assert!(out.contains("### 第三条\u{3000}b1"), "{out}");
        assert!(out.contains("# T\n"), "the title is not numbered: {out}");
    }

    #[test]
    fn decimal_and_outline_restart_under_parent() {
        let md = "## A\n\n### a1\n\n#### x\n\n## B\n\n### b1\n";
        let dec = number_headings(md, NumberingScheme::Decimal);
        assert!(dec.contains("#### 1.1.1 x") && dec.contains("### 2.1 b1"), "{dec}");
        let outline = number_headings(md, NumberingScheme::ZhOutline);
        assert!(
            outline.contains("## 二、B") && outline.contains("### （一）b1") && outline.contains("#### 1. x"),
            "{outline}"
        );
    }
}
