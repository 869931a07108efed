//! Rendered Markdown of the presets, pinned by snapshots, and the properties
//! every export must have.

use policywright::export;
use policywright::markdown::to_html;
use policywright::model::{Locale, NumberingScheme};
use policywright::template::Templates;

use crate::{edited, preset};

fn markdown_with(locale: Locale, scheme: NumberingScheme) -> String {
    let mut policy = preset(locale);
    policy.document.numbering = scheme;
    export::markdown(&policy, &Templates::builtin()).expect("preset renders")
}

#[test]
fn operations_zh_cn_markdown() {
    insta::assert_snapshot!(markdown_with(Locale::ZhCn, NumberingScheme::ZhChapter));
}

#[test]
fn operations_en_markdown() {
    insta::assert_snapshot!(markdown_with(Locale::En, NumberingScheme::Decimal));
}

#[test]
fn every_numbering_scheme_numbers_chapters_and_articles() {
    let chapter = markdown_with(Locale::ZhCn, NumberingScheme::ZhChapter);
    assert!(chapter.contains("## 第一章\u{3000}总则\n"));
    assert!(chapter.contains("### 第一条\u{3000}目的\n"));
    // Articles run on across chapters: the first article of chapter 2 is 第四条.
    assert!(chapter.contains("## 第二章\u{3000}岗位职责\n"));
    assert!(chapter.contains("### 第四条\u{3000}运营经理\n"));
    assert!(chapter.contains("## 第八章\u{3000}附则\n"));

    let outline = markdown_with(Locale::ZhCn, NumberingScheme::ZhOutline);
    assert!(outline.contains("## 一、总则\n"));
    assert!(outline.contains("## 二、岗位职责\n"));
    assert!(outline.contains("### （一）运营经理\n"));

    let decimal = markdown_with(Locale::En, NumberingScheme::Decimal);
    assert!(decimal.contains("## 1 General provisions\n"));
    assert!(decimal.contains("### 2.1 Operations Manager\n"));
    assert!(decimal.contains("## 8 Supplementary provisions\n"));
}

#[test]
fn the_semantic_markdown_carries_no_numbers() {
    let policy = preset(Locale::ZhCn);
    let semantic = Templates::builtin().render_markdown(&policy).expect("renders");
    assert!(semantic.contains("## 总则\n"), "{semantic}");
    assert!(!semantic.contains("第一章"));
}

#[test]
fn exports_are_deterministic() {
    let templates = Templates::builtin();
    for locale in Locale::ALL {
        let policy = preset(locale);
        for format in [export::Format::Md, export::Format::Html] {
            let a = export::render(&policy, format, &templates).expect("renders");
            let b = export::render(&policy, format, &templates).expect("renders");
            assert_eq!(a, b, "{locale:?} {format:?}");
        }
    }
}

#[test]
fn html_page_is_standalone_and_safe() {
    let page = export::html(&preset(Locale::En), &Templates::builtin()).expect("renders");
    assert!(page.contains("<html lang=\"en\">"));
    assert!(page.contains("<title>Operations Staff Policy</title>"));
    assert!(page.contains("<h1>Operations Staff Policy</h1>"));
    assert!(page.contains("<th>Indicator</th>"));
    assert!(page.contains("<td><strong>Work results</strong></td>"));
    // Nothing is fetched from anywhere: no links to stylesheets, scripts or fonts.
    for needle in ["<script", "<link", "@import", "url(", "http://", "src="] {
        assert!(!page.contains(needle), "{needle} found in the page");
    }
}

#[test]
fn missing_optional_values_print_a_placeholder() {
    let policy = edited(Locale::En, &[("document.number", "".into())]);
    let md = export::markdown(&policy, &Templates::builtin()).expect("renders");
    assert!(md.contains("| Document number | (not set) |"), "{md}");
    assert!(md.contains("| Company | (not set) |"), "{md}");
}

#[test]
fn the_html_fragment_renders_gfm_tables() {
    let html = to_html("| a | b |\n| --- | ---: |\n| 1 | 2 |\n");
    assert!(html.contains("<th>a</th>"), "{html}");
    assert!(html.contains("<td style=\"text-align: right\">2</td>"), "{html}");
}
