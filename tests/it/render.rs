//! Rendered Markdown of the presets, pinned by snapshots, and the properties
//! every export must have.

use policywright_model::{Locale, NumberingScheme};
use policywright_render::{Format, Input, Options, Templates};

use crate::{clean, edited, markdown, preset};

fn markdown_with(locale: Locale, scheme: NumberingScheme) -> String {
    let mut policy = preset(locale);
    policy.document.numbering = scheme;
    markdown(&policy)
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
    assert!(decimal.contains("## 1 About this policy\n"));
    assert!(decimal.contains("### 2.1 Operations Manager\n"));
    assert!(decimal.contains("## 8 Administration of this policy\n"));
}

#[test]
fn the_semantic_markdown_carries_no_numbers() {
    let policy = preset(Locale::ZhCn);
    let semantic = Templates::builtin().render_markdown(&clean(&policy)).expect("renders");
    assert!(semantic.contains("## 总则\n"), "{semantic}");
    assert!(!semantic.contains("第一章"));
}

#[test]
fn exports_are_deterministic() {
    let templates = Templates::builtin();
    for locale in Locale::ALL {
        let input = Input::new(&preset(locale)).expect("input");
        for format in [Format::Md, Format::Html, Format::Docx] {
            let opts = Options { format, templates: &templates };
            let a = policywright_render::export(&input, &opts).expect("renders");
            let b = policywright_render::export(&input, &opts).expect("renders");
            assert!(a == b, "{locale:?} {format:?}");
        }
    }
}

#[test]
fn html_page_is_standalone_and_safe() {
    let page = policywright_render::html_page(&clean(&preset(Locale::En)), &Templates::builtin()).expect("renders");
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
    let md = markdown(&policy);
    assert!(md.contains("| Document number | (not set) |"), "{md}");
    assert!(md.contains("| Company | (not set) |"), "{md}");
}

#[test]
fn the_markdown_export_reads_back_as_the_same_document() {
    // The export is written from the document tree; reading it back gives
    // the same tree, so nothing in it is structure that was not meant.
    for locale in Locale::ALL {
        let md = markdown(&preset(locale));
        let doc = policywright_doc::markdown::parse(&md);
        assert_eq!(policywright_doc::markdown::write(&doc), md, "{}", locale.code());
    }
}

/// Regression: one chapter had three English names ("Work norms and
/// discipline" in the document, "Work norms" in the change summary, "Work
/// discipline" in the app). Each chapter now has one name, from the
/// catalogue, which the app's list of chapters reads too.
#[test]
fn each_chapter_has_one_name_in_the_document_the_summary_and_the_app() {
    use policywright_doc::{Block, plain_text};
    let keys = ["general", "duties", "workflow", "discipline", "appraisal", "training", "career", "supplementary"];
    for locale in Locale::ALL {
        let names: Vec<String> = keys
            .iter()
            .map(|k| policywright_i18n::lookup(locale, &format!("sections.{k}")).expect("a name").to_string())
            .collect();
        let tree = policywright_render::tree(&clean(&preset(locale)), &Templates::builtin()).expect("renders");
        let chapters: Vec<String> = tree
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading { level: 2, inlines, .. } => Some(plain_text(inlines)),
                _ => None,
            })
            .collect();
        assert_eq!(chapters, names, "{}", locale.code());
        let mut changed = preset(locale);
        changed.discipline.intro.push_str(" x");
        changed.career.intro.push_str(" x");
        let side = |label: &str, p: &policywright_model::Policy| {
            policywright_diff::Side::new(label, "HR", "2027-01-01", p, "").expect("side")
        };
        let c = policywright_diff::compare(side("1.0", &preset(locale)), side("1.1", &changed), &Templates::builtin())
            .expect("compares");
        let places: Vec<&str> = c.changes.iter().map(|ch| ch.place[0].as_str()).collect();
        assert_eq!(places, [names[3].as_str(), names[6].as_str()], "{}", locale.code());
    }
}

/// Regression: an item added in the editor and not filled in yet showed as
/// `****:` or an empty numbered line in the preview and every export.
#[test]
fn items_added_and_left_empty_are_left_out_and_a_half_filled_one_reads_well() {
    let empty_step = serde_json::json!({ "name": "", "description": "" });
    let policy = edited(
        Locale::ZhCn,
        &[
            ("general.principles[0].name", "".into()),
            ("general.principles[1].name", "".into()),
            ("general.principles[1].explanation", "".into()),
            ("general.principles[2].explanation", "".into()),
            ("workflow.emergency.steps[0]", empty_step.clone()),
            ("career.promotion[0]", empty_step),
            ("duties.roles[0].duties[0]", "  ".into()),
            ("discipline.groups[0].rules[0].text", "".into()),
            ("duties.roles[1].title", "".into()),
        ],
    );
    let original = preset(Locale::ZhCn);
    let md = markdown(&policy);
    assert!(!md.contains("****"), "{md}");
    assert!(!md.lines().any(|l| matches!(l.trim(), "-" | "1." | "- ：" | "1. ：")), "an empty item:\n{md}");
    // A principle with only its explanation reads as a sentence, and one with
    // only its name as a name, neither with a dangling colon.
    let p = &original.general.principles;
    assert!(md.contains(&format!("\n- {}\n", p[0].explanation)), "{md}");
    assert!(md.contains(&format!("\n- **{}**\n", p[2].name)), "{md}");
    // Numbered lists count only what is there.
    let steps = &original.workflow.emergency.steps;
    assert!(md.contains(&format!("1. **{}**", steps[1].name)), "{md}");
    // A role that has duties but no title yet is shown, with a placeholder.
    assert!(md.contains("### 第五条　（未填写）"), "{md}");
    // Validation still sees what is missing.
    let report = policywright_model::validate::validate(&policy);
    let paths: Vec<&str> = report.findings.iter().map(|f| f.path.as_str()).collect();
    assert!(paths.contains(&"discipline.groups[0].rules[0].text"), "{paths:?}");
}

/// Regression: every ladder level needed "N years at the next level"
/// (在下一职级任职满N年), and the English cells were glued fragments.
#[test]
fn the_ladder_names_the_level_a_person_is_promoted_from_in_sentences() {
    let zh = markdown(&preset(Locale::ZhCn));
    assert!(!zh.contains("下一职级"), "{zh}");
    assert!(zh.contains("| 运营专员 | 2 | 运营专员、数据分析员 | 在运营助理职级任职满1年。考核要求："), "{zh}");
    // A track's first level is reached from the ladder, one grade down.
    assert!(zh.contains("| 运营专家 | 3 | | 在运营专员职级任职满2年。"), "{zh}");
    let en = markdown(&preset(Locale::En));
    assert!(!en.contains("in the level below") && !en.contains("; appraisal:"), "{en}");
    assert!(en.contains("| At least 2 years as Operations Specialist. Appraisal: "), "{en}");
}

/// Regression: the zh-CN pay line read "4,500–6,000 CNY/月".
#[test]
fn chinese_pay_is_in_yuan() {
    let zh = markdown(&preset(Locale::ZhCn));
    assert!(zh.contains("4,500–6,000 元/月") && !zh.contains("CNY"), "{zh}");
}

/// Regression: the all-media operator's skill levels joined their
/// sentences with "。；".
#[test]
fn several_eligibility_sentences_are_numbered_not_glued() {
    let roles = ["all-media-operator".to_string()];
    let policy = policywright_model::presets::with_roles(preset(Locale::ZhCn), &roles).expect("roles");
    let zh = markdown(&policy);
    assert!(!zh.contains("。；"), "{zh}");
    assert!(zh.contains("| 四级（中级工） | （1）在本职业或相关职业累计工作满3年者，可申报本级。（2）"), "{zh}");
}
