//! The Markdown escape that Tera applies to every `{{ value }}` in a `.md`
//! template.
//!
//! User text may carry inline Markdown (bold, italics, links, inline code) but
//! must never create structure: no heading, list, quote, table cell, code
//! block, raw HTML, image or footnote. Each value is escaped as if it began a
//! line, because an empty value before it can put it at the start of one.
//! Nor may it forge a tracked change: the private-use characters a redline
//! uses as change marks are removed.

use std::io::{self, Write};

/// Adapter with the signature `Tera::set_escape_fn` expects.
pub fn tera_escape(text: &str, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(escape_inline(text).as_bytes())
}

pub fn escape_inline(text: &str) -> String {
    // Line breaks would let a value start new blocks, so a value is one line.
    let flat: String = text.chars().map(|c| if matches!(c, '\n' | '\r' | '\t') { ' ' } else { c }).collect();
    // Four leading spaces would start an indented code block; one cannot, and
    // keeps the gap a locale string like " per month" needs.
    let value = flat.trim_start_matches(' ');
    let chars: Vec<char> = value.chars().collect();
    let mut out = String::with_capacity(value.len() + 8);
    if value.len() < flat.len() {
        out.push(' ');
    }

    if is_break_line(value) {
        // `---`, `===`, `***`, `___` would be a rule or a setext underline.
        for c in chars {
            if c != ' ' {
                out.push('\\');
            }
            out.push(c);
        }
        return out;
    }

    let block_marker_end = block_marker(&chars);
    let trailing_hashes = chars.iter().rev().take_while(|&&c| c == '#').count();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            let run = chars[i..].iter().take_while(|&&c| c == '`').count();
            if let Some(close) = find_backtick_run(&chars, i + run, run) {
                // A complete code span: copy it, but a pipe would still split a table cell.
                for &c in &chars[i..close + run] {
                    if c == '|' {
                        out.push('\\');
                    }
                    out.push(c);
                }
                i = close + run;
                continue;
            }
            for _ in 0..run {
                out.push_str("\\`");
            }
            i += run;
            continue;
        }
        let escape = match c {
            '|' | '<' => true,
            '#' => i == 0 || i >= chars.len() - trailing_hashes,
            '!' => chars.get(i + 1) == Some(&'['),
            '[' => chars.get(i + 1) == Some(&'^') || (i == 0 && is_link_definition(&chars)),
            '>' => i == 0,
            // Three tildes open a fenced code block; two are strikethrough.
            '~' => i == 0 && value.starts_with("~~~"),
            _ => Some(i) == block_marker_end,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
        i += 1;
    }
    out
}

/// Index of the character that makes the start of `chars` a list marker:
/// `-`, `+` or `*` followed by a space, or the `.`/`)` after 1–9 digits.
fn block_marker(chars: &[char]) -> Option<usize> {
    let space_after = |i: usize| chars.get(i + 1).is_none_or(|&c| c == ' ');
    match chars.first() {
        Some('-' | '+' | '*') if space_after(0) => Some(0),
        Some(c) if c.is_ascii_digit() => {
            let digits = chars.iter().take_while(|c| c.is_ascii_digit()).count();
            let marker = chars.get(digits);
            (digits <= 9 && matches!(marker, Some('.' | ')')) && space_after(digits)).then_some(digits)
        }
        _ => None,
    }
}

fn is_break_line(value: &str) -> bool {
    let marks: Vec<char> = value.chars().filter(|&c| c != ' ').collect();
    !marks.is_empty() && marks.iter().all(|&c| matches!(c, '-' | '=' | '_' | '*'))
}

/// `[label]: destination` at the start of a line defines a link reference and
/// would vanish from the output.
fn is_link_definition(chars: &[char]) -> bool {
    chars.iter().position(|&c| c == ']').is_some_and(|end| chars.get(end + 1) == Some(&':'))
}

fn find_backtick_run(chars: &[char], from: usize, len: usize) -> Option<usize> {
    let mut i = from;
    while i < chars.len() {
        if chars[i] == '`' {
            let run = chars[i..].iter().take_while(|&&c| c == '`').count();
            if run == len {
                return Some(i);
            }
            i += run;
        } else {
            i += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::escape_inline;

    #[test]
    fn block_syntax_is_neutralised() {
        assert_eq!(escape_inline("# heading"), "\\# heading");
        assert_eq!(escape_inline("1. item"), "1\\. item");
        assert_eq!(escape_inline("- item"), "\\- item");
        assert_eq!(escape_inline("> quote"), "\\> quote");
        assert_eq!(escape_inline("| a | b |"), "\\| a \\| b \\|");
        assert_eq!(escape_inline("---"), "\\-\\-\\-");
        assert_eq!(escape_inline("a\n# b"), "a # b");
        assert_eq!(escape_inline("    indented"), " indented");
        assert_eq!(escape_inline("   # heading"), " \\# heading");
        assert_eq!(escape_inline("<script>x</script>"), "\\<script>x\\</script>");
        assert_eq!(escape_inline("![x](http://e/x.png)"), "\\![x](http://e/x.png)");
        assert_eq!(escape_inline("[a]: http://x"), "\\[a]: http://x");
        assert_eq!(escape_inline("``` code"), "\\`\\`\\` code");
    }

    #[test]
    fn inline_markdown_survives() {
        assert_eq!(escape_inline("**bold** and *it*"), "**bold** and *it*");
        assert_eq!(escape_inline("see [docs](https://example.com)"), "see [docs](https://example.com)");
        assert_eq!(escape_inline("run `a|b <c>`"), "run `a\\|b <c>`");
        assert_eq!(escape_inline("2024. 年度"), "2024\\. 年度");
        assert_eq!(escape_inline("3.5 倍"), "3.5 倍");
        assert_eq!(escape_inline("C# 工程师"), "C# 工程师");
        assert_eq!(escape_inline("{{ x }}"), "{{ x }}");
    }
}
