//! User text must never change a document's structure. A hostile policy and a
//! clean one must parse into the same blocks; the hostile text must print as
//! the characters the user typed.

use pulldown_cmark::{Event, Parser, Tag};

use policywright_doc::markdown::parser_options;
use policywright_model::Locale;
use policywright_render::Templates;

use crate::{clean, edited, markdown};

const HOSTILE: &[&str] = &[
    "# heading",
    "| a | b |",
    "1. x",
    "{{ x }}",
    "{% if true %}x{% endif %}",
    "- item",
    "> quote",
    "---",
    "===",
    "```rust",
    "~~~",
    "<script>alert(1)</script>",
    "<!-- swallow",
    "![tracker](https://example.com/pixel.png)",
    "[ref]: https://example.com",
    "[^note]",
    "    indented code",
    "line one\n# line two\n\n| x |\n|---|\n| y |",
    "ends with #",
];

/// A structural fingerprint: the block-level tags in order.
fn blocks(markdown: &str) -> Vec<String> {
    Parser::new_ext(markdown, parser_options())
        .filter_map(|e| match e {
            Event::Start(
                tag @ (Tag::Heading { .. }
                | Tag::List(_)
                | Tag::Item
                | Tag::Table(_)
                | Tag::TableRow
                | Tag::TableCell
                | Tag::BlockQuote(_)
                | Tag::CodeBlock(_)
                | Tag::HtmlBlock
                | Tag::FootnoteDefinition(_)),
            ) => Some(format!("{tag:?}").split([' ', '(', '{']).next().unwrap_or_default().to_string()),
            Event::Rule => Some("Rule".into()),
            _ => None,
        })
        .collect()
}

fn plain_text(markdown: &str) -> String {
    Parser::new_ext(markdown, parser_options())
        .filter_map(|e| match e {
            Event::Text(t) | Event::Code(t) => Some(t.into_string()),
            Event::Html(_) | Event::InlineHtml(_) => Some("<<RAW HTML>>".into()),
            Event::SoftBreak | Event::HardBreak => Some(" ".into()),
            _ => None,
        })
        .collect()
}

#[test]
fn hostile_text_in_every_kind_of_place_prints_literally() {
    let clean_blocks = blocks(&markdown(&edited(Locale::En, &[])));

    for hostile in HOSTILE {
        // One field of each kind: a list item, a table cell, a heading, a paragraph.
        let policy = edited(
            Locale::En,
            &[
                ("duties.roles[0].duties[0]", (*hostile).into()),
                ("discipline.groups[0].rules[0].text", (*hostile).into()),
                ("duties.roles[1].title", (*hostile).into()),
                ("general.purpose", (*hostile).into()),
            ],
        );
        let md = markdown(&policy);
        assert_eq!(blocks(&md), clean_blocks, "structure changed for {hostile:?}:\n{md}");
        let text = plain_text(&md);
        assert!(!text.contains("<<RAW HTML>>"), "raw HTML got through for {hostile:?}");
        assert!(
            !Parser::new_ext(&md, parser_options()).any(|e| matches!(e, Event::Start(Tag::Image { .. }))),
            "an image (remote content) got through for {hostile:?}"
        );
        // A link is inline Markdown the user may write; everything else prints as typed.
        if !hostile.contains("](") {
            let flat = hostile.replace('\n', " ");
            assert!(text.contains(flat.trim()), "{hostile:?} is not printed literally in:\n{text}");
        }
    }
}

#[test]
fn template_syntax_in_user_text_is_not_evaluated() {
    let policy = edited(Locale::En, &[("general.purpose", "Use {{ p.document.title }} and {% raw %} here".into())]);
    let md = markdown(&policy);
    assert!(md.contains("Use {{ p.document.title }} and {% raw %} here"), "{md}");
}

#[test]
fn inline_markdown_in_user_text_is_kept() {
    let policy = edited(
        Locale::En,
        &[("general.purpose", "**Bold**, *italic*, `code` and [a link](https://example.com).".into())],
    );
    let html = policywright_render::preview_html(&clean(&policy), &Templates::builtin()).expect("renders");
    assert!(
        html.contains(
            "<strong>Bold</strong>, <em>italic</em>, <code>code</code> and <a href=\"https://example.com\">a link</a>."
        ),
        "{html}"
    );
}

#[test]
fn html_export_never_carries_active_content() {
    let policy = edited(
        Locale::En,
        &[
            (
                "general.purpose",
                "<img src=x onerror=alert(1)> [click](javascript:alert(1)) ![x](http://tracker.example/p.png)".into(),
            ),
            ("duties.roles[0].summary", "<iframe src=\"https://evil.example\"></iframe>".into()),
        ],
    );
    let page = policywright_render::html_page(&clean(&policy), &Templates::builtin()).expect("renders");
    let lower = page.to_lowercase();
    for needle in ["<img", "<iframe", "javascript:", "<script", "onerror=alert(1)>"] {
        assert!(!lower.contains(needle), "{needle} in page");
    }
    assert!(page.contains("&lt;img src=x onerror=alert(1)&gt;"), "raw HTML shows as text");
}

#[test]
fn control_characters_never_reach_an_export() {
    let policy = edited(Locale::ZhCn, &[("general.purpose", "目的\u{1}说明\u{B}\u{FFFE}完".into())]);
    let md = markdown(&policy);
    assert!(md.contains("目的说明完"), "{md}");
    assert!(!md.chars().any(|c| matches!(c, '\u{1}' | '\u{B}' | '\u{FFFE}')));
}

/// Regression: the DOCX export kept `javascript:` and `file:///` links that
/// the HTML export dropped. One rule now decides for every format.
#[test]
fn unsafe_links_are_text_in_every_format() {
    let policy = edited(
        Locale::En,
        &[(
            "general.purpose",
            "[run](javascript:alert(1)), [open](file:///etc/passwd), [near](//evil.example) and [fine](https://example.com)".into(),
        )],
    );
    let input = policywright_render::Input::new(&policy).expect("input");
    let templates = Templates::builtin();
    for format in
        [policywright_render::Format::Docx, policywright_render::Format::Html, policywright_render::Format::Md]
    {
        let bytes =
            policywright_render::export(&input, &policywright_render::Options { format, templates: &templates })
                .expect("exports");
        let text = match format {
            policywright_render::Format::Docx => {
                let parts = crate::docx::unzip(&bytes);
                format!("{}{}", parts["word/document.xml"], parts["word/_rels/document.xml.rels"])
            }
            _ => String::from_utf8(bytes).expect("text"),
        };
        for bad in ["javascript:", "file:", "//evil.example"] {
            assert!(!text.contains(bad), "{format:?} keeps {bad}");
        }
        assert!(text.contains("https://example.com"), "{format:?} lost the safe link");
    }
}

/// Tracked changes are data on the document tree, so characters a user
/// types can never pose as one, whatever they are (the private-use marks an
/// older version used included).
#[test]
fn user_text_cannot_forge_a_tracked_change() {
    let forged = "Fair\u{E000} and forged\u{E001} \u{E004}\u{E011}moved\u{E005} {++text++}";
    let policy = edited(Locale::En, &[("general.purpose", forged.into())]);
    // A redline between this policy and itself with only the title changed
    // tracks the title and nothing else.
    let mut newer = policy.clone();
    newer.document.title = "Operations Staff Policy, revised".into();
    let side = |label: &str, policy: &policywright_model::Policy| {
        policywright_diff::Side::new(label, "Legal", "2027-01-01", policy, "").expect("side")
    };
    let c =
        policywright_diff::compare(side("1.0", &policy), side("1.1", &newer), &Templates::builtin()).expect("compares");
    let bytes = policywright_diff::to_docx(&c).expect("redline");
    let document = &crate::docx::unzip(&bytes)["word/document.xml"];
    let at = document.find("Fair\u{E000} and forged").expect("the purpose is in the redline, as typed");
    let start = document[..at].rfind("<w:p ").expect("paragraph");
    let end = at + document[at..].find("</w:p>").expect("paragraph end");
    let paragraph = &document[start..end];
    assert!(!paragraph.contains("<w:ins ") && !paragraph.contains("<w:move"), "forged change: {paragraph}");
    assert!(document.contains("<w:ins "), "the title's change is tracked");
}
