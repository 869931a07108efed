//! YAML front matter: the `---` block at the very start of a file that
//! names its title, authors and date, as pandoc, Jekyll and Hugo read it.
//!
//! Only those three keys mean anything to a document, so only they are read,
//! from the small part of YAML they are written in: plain, quoted and block
//! scalars, and lists in either form. Other keys are skipped whatever they
//! hold. Anything that is not front matter, however close, stays the text it
//! is: a block without its closing line, or a line that is no YAML key,
//! is left to the Markdown reader.

use crate::tree::TitleBlock;

/// The title block of `markdown`'s front matter, if it has any, and the
/// text after it; a file without front matter is all text.
pub fn split(markdown: &str) -> (Option<TitleBlock>, &str) {
    match front_matter(markdown) {
        Some((block, rest)) => (block, rest),
        None => (None, markdown),
    }
}

/// `None` when the file does not begin with well-formed front matter.
fn front_matter(markdown: &str) -> Option<(Option<TitleBlock>, &str)> {
    let (first, mut rest) = next_line(markdown)?;
    if first.trim_end() != "---" {
        return None;
    }
    let mut lines = Vec::new();
    loop {
        let (line, after) = next_line(rest)?;
        rest = after;
        let end = line.trim_end();
        if end == "---" || end == "..." {
            break;
        }
        lines.push(line);
    }
    // `---` and a blank line is a rule, as pandoc reads it.
    if lines.first().is_none_or(|l| l.trim().is_empty()) {
        return None;
    }
    Some((title_block(&fields(&lines)?), rest))
}

/// The title block the fields name, `None` if they name none of its parts.
fn title_block(fields: &[(String, Vec<String>)]) -> Option<TitleBlock> {
    let mut block = TitleBlock::default();
    for (key, values) in fields {
        // Text Word cannot store is dropped here too.
        let values: Vec<String> = values.iter().map(|v| super::parse::clean(v)).filter(|v| !v.is_empty()).collect();
        match key.to_ascii_lowercase().as_str() {
            "title" => block.title = values.join(" "),
            "author" | "authors" => block.authors = values,
            "date" => block.date = values.join(" "),
            _ => {}
        }
    }
    (!block.title.is_empty() || !block.authors.is_empty() || !block.date.is_empty()).then_some(block)
}

/// The next line without its line ending, and the text after it; `None` at
/// the end of the text.
fn next_line(text: &str) -> Option<(&str, &str)> {
    if text.is_empty() {
        return None;
    }
    Some(match text.find('\n') {
        Some(i) => (text[..i].strip_suffix('\r').unwrap_or(&text[..i]), &text[i + 1..]),
        None => (text, ""),
    })
}

/// Each top-level key with its values (a scalar is one value, a list one
/// per item); `None` when a top-level line is no `key:`.
fn fields(lines: &[&str]) -> Option<Vec<(String, Vec<String>)>> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    // Whether the current key's value is a block scalar (`|` or `>`),
    // whose indented lines are its text.
    let mut block_scalar = false;
    for line in lines {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indented = line.starts_with([' ', '\t']);
        if indented || trimmed.starts_with("- ") || trimmed == "-" {
            // An item or a continuation of the key above; a nested map
            // under an unknown key is skipped with it.
            let (_, values) = out.last_mut()?;
            if block_scalar {
                values.push(trimmed.to_string());
            } else if let Some(item) = trimmed.strip_prefix('-') {
                values.push(scalar(item.trim()));
            } else if let Some(last) = values.last_mut() {
                // A plain scalar folded over lines.
                last.push(' ');
                last.push_str(&scalar(trimmed));
            }
            continue;
        }
        let (key, value) = line.split_once(':')?;
        let valid_key = !key.is_empty() && key.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | ' '));
        if !valid_key || !(value.is_empty() || value.starts_with([' ', '\t'])) {
            return None;
        }
        let value = value.trim();
        block_scalar = matches!(value.chars().next(), Some('|' | '>'));
        let values = if value.is_empty() || block_scalar {
            Vec::new()
        } else if let Some(list) = value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
            list.split(',').map(|v| scalar(v.trim())).filter(|v| !v.is_empty()).collect()
        } else {
            vec![scalar(value)]
        };
        out.push((key.trim().to_string(), values));
    }
    Some(out)
}

/// A scalar without its quotes, and without a trailing comment when plain.
fn scalar(value: &str) -> String {
    if let Some(inner) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        return inner.replace("\\\"", "\"").replace("\\\\", "\\");
    }
    if let Some(inner) = value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')) {
        return inner.replace("''", "'");
    }
    match value.find(" #") {
        Some(i) => value[..i].trim_end().to_string(),
        None => value.to_string(),
    }
}

/// The `YYYY-MM-DD` a date begins with, if it is one; a date written any
/// other way ("Spring 2026") is shown, not stored as a timestamp.
pub fn iso_day(date: &str) -> Option<&str> {
    let day = date.trim().get(..10)?;
    let b = day.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if !(digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10)) {
        return None;
    }
    let month: u32 = day[5..7].parse().ok()?;
    let dom: u32 = day[8..10].parse().ok()?;
    ((1..=12).contains(&month) && (1..=31).contains(&dom)).then_some(day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_author_and_date_are_read_and_the_rest_is_text() {
        let md = "---\ntitle: \"A: Handbook\"\nauthor:\n  - Ann Lee\n  - 'Bo O''Neil'\ndate: 2026-12-03\ntags: [a, b]\nextra:\n  nested: yes\n---\n# Body\n";
        let (block, rest) = split(md);
        let block = block.expect("a title block");
        assert_eq!(block.title, "A: Handbook");
        assert_eq!(block.authors, ["Ann Lee", "Bo O'Neil"]);
        assert_eq!(block.date, "2026-12-03");
        assert_eq!(rest, "# Body\n");
        assert_eq!(iso_day(&block.date), Some("2026-12-03"));
        let (block, _) = split("---\ntitle: >\n  Folded\n  title\nauthor: [A, B]\n...\ntext");
        assert_eq!(block.map(|b| (b.title, b.authors)), Some(("Folded title".into(), vec!["A".into(), "B".into()])));
    }

    #[test]
    fn anything_that_is_not_front_matter_stays_text() {
        for md in [
            "---\ntitle: never closed\n",
            "---\n\ntitle: a rule, then text\n---\n",
            "---\nthis is no key\n---\n",
            "---\nurl:http://x\n---\n",
            "text\n---\ntitle: not at the start\n---\n",
            "---",
            "",
        ] {
            assert_eq!(split(md), (None, md), "{md:?}");
        }
        // Front matter of only unknown keys goes, and names no title.
        assert_eq!(split("---\nlayout: post\n---\nBody"), (None, "Body"));
        assert_eq!(iso_day("Spring 2026"), None);
        assert_eq!(iso_day("2026-13-01"), None);
        assert_eq!(iso_day("2026-12-03T10:00:00Z"), Some("2026-12-03"));
    }
}
