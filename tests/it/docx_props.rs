//! Property tests: whatever Markdown or text comes in, every writer returns
//! well-formed output, never panics, and nothing in it is an XML-illegal
//! character, a script or an active link.

use proptest::prelude::*;

use policywright_doc::docx::{self, DocxOptions, TrackedBy};
use policywright_doc::is_safe_url;
use policywright_model::Locale;
use policywright_render::handbook::{self, Handbook};
use policywright_render::{Format, Input, Options, Templates};

use crate::docx::unzip;

fn assert_well_formed(bytes: &[u8]) -> Result<(), TestCaseError> {
    for (name, text) in unzip(bytes) {
        if (name.ends_with(".xml") || name.ends_with(".rels"))
            && let Err(e) = roxmltree::Document::parse(&text)
        {
            return Err(TestCaseError::fail(format!("{name} is not well-formed: {e}")));
        }
    }
    Ok(())
}

fn no_illegal_characters(name: &str, text: &str) -> Result<(), TestCaseError> {
    match text.chars().find(|&c| policywright_doc::is_xml_illegal(c)) {
        Some(c) => Err(TestCaseError::fail(format!("{name}: U+{:04X} got through", u32::from(c)))),
        None => Ok(()),
    }
}

/// HTML: every tag and attribute is one the writers use, and every link
/// target is a web, mail or in-page one. Text may say anything.
fn assert_inert_html(name: &str, html: &str) -> Result<(), TestCaseError> {
    no_illegal_characters(name, html)?;
    const TAGS: &[&str] = &[
        "!doctype",
        "html",
        "head",
        "meta",
        "title",
        "style",
        "body",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "p",
        "ul",
        "ol",
        "li",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "blockquote",
        "pre",
        "code",
        "hr",
        "br",
        "strong",
        "em",
        "del",
        "ins",
        "a",
        "sup",
        "section",
        "div",
        "article",
        "header",
        "footer",
        "main",
    ];
    const ATTRIBUTES: &[&str] =
        &["href", "class", "title", "style", "start", "id", "lang", "charset", "http-equiv", "content", "name"];
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        let end = rest[lt..].find('>').map_or(rest.len(), |g| lt + g);
        let tag = &rest[lt + 1..end];
        rest = &rest[end.min(rest.len())..];
        let tag = tag.trim_start_matches('/').trim_end_matches('/');
        let name_end = tag.find(char::is_whitespace).unwrap_or(tag.len());
        let tag_name = tag[..name_end].to_ascii_lowercase();
        if !TAGS.contains(&tag_name.as_str()) {
            return Err(TestCaseError::fail(format!("{name}: tag <{tag_name}> in the output")));
        }
        // Attributes: `name` or `name="value"`, values never containing `"`.
        let mut attrs = &tag[name_end..];
        loop {
            attrs = attrs.trim_start();
            if attrs.is_empty() {
                break;
            }
            let end = attrs.find(|c: char| c == '=' || c.is_whitespace()).unwrap_or(attrs.len());
            let attr_name = attrs[..end].to_ascii_lowercase();
            attrs = &attrs[end..];
            let mut value = "";
            if let Some(rest) = attrs.strip_prefix("=\"") {
                let close = rest.find('"').unwrap_or(rest.len());
                value = &rest[..close];
                attrs = &rest[(close + 1).min(rest.len())..];
            }
            if !ATTRIBUTES.contains(&attr_name.as_str()) && !tag_name.starts_with('!') {
                return Err(TestCaseError::fail(format!("{name}: attribute {attr_name} in <{tag_name}>")));
            }
            if attr_name == "href" && !is_safe_url(&value.replace("&amp;", "&")) {
                return Err(TestCaseError::fail(format!("{name}: unsafe link {value}")));
            }
        }
    }
    Ok(())
}

/// Markdown: read back, it has no raw HTML, no image and no unsafe link.
fn assert_inert_markdown(name: &str, md: &str) -> Result<(), TestCaseError> {
    use pulldown_cmark::{Event, Parser, Tag};
    no_illegal_characters(name, md)?;
    for event in Parser::new_ext(md, policywright_doc::markdown::parser_options()) {
        match event {
            Event::Html(h) | Event::InlineHtml(h) => return Err(TestCaseError::fail(format!("{name}: raw HTML {h}"))),
            Event::Start(Tag::Image { .. }) => return Err(TestCaseError::fail(format!("{name}: an image"))),
            Event::Start(Tag::Link { dest_url, .. }) if !is_safe_url(&dest_url) => {
                return Err(TestCaseError::fail(format!("{name}: unsafe link {dest_url}")));
            }
            _ => {}
        }
    }
    Ok(())
}

fn assert_inert(name: &str, format: Format, bytes: &[u8]) -> Result<(), TestCaseError> {
    match format {
        Format::Docx => assert_package_inert(name, bytes),
        Format::Html => assert_inert_html(name, &String::from_utf8_lossy(bytes)),
        Format::Md => assert_inert_markdown(name, &String::from_utf8_lossy(bytes)),
    }
}

/// A package: well-formed, no illegal character in any part, and every
/// external relationship (hyperlinks) to a safe target.
fn assert_package_inert(name: &str, bytes: &[u8]) -> Result<(), TestCaseError> {
    assert_well_formed(bytes)?;
    for (part, text) in unzip(bytes) {
        no_illegal_characters(&format!("{name} {part}"), &text)?;
        for relationship in text.split("<Relationship ").skip(1).filter(|r| r.contains("TargetMode=\"External\"")) {
            let target = relationship.split("Target=\"").nth(1).and_then(|t| t.split('"').next()).unwrap_or("");
            if !is_safe_url(&target.replace("&amp;", "&")) {
                return Err(TestCaseError::fail(format!("{name} {part}: unsafe link {target}")));
            }
        }
    }
    Ok(())
}

/// Markdown made of the constructs the writer handles, glued with arbitrary
/// text (control characters, CJK, emoji, RTL and lone combining marks included).
fn markdown() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("# ".to_string()),
        Just("## ".to_string()),
        Just("#### ".to_string()),
        Just("\n\n".to_string()),
        Just("\n".to_string()),
        Just("- ".to_string()),
        Just("  - ".to_string()),
        Just("1. ".to_string()),
        Just("3) ".to_string()),
        Just("> ".to_string()),
        Just("```\n".to_string()),
        Just("**".to_string()),
        Just("*".to_string()),
        Just("~~".to_string()),
        Just("`".to_string()),
        Just("[link](https://example.com/?a=1&b=<2>)".to_string()),
        Just("[bad](javascript:alert(1))".to_string()),
        Just("[local](file:///etc/passwd)".to_string()),
        Just("![img](x.png)".to_string()),
        Just("[^n]".to_string()),
        Just("\n[^n]: note\n".to_string()),
        Just("| a | b |\n|---|--:|\n| 1 | 2 |\n".to_string()),
        Just("<div>&amp;</div>".to_string()),
        Just("<script>alert(1)</script>".to_string()),
        Just("---\n".to_string()),
        Just("\\\n".to_string()),
        "[\\PC]{0,12}",
        "[\\u{0}-\\u{1f}\\u{fffe}\\u{ffff}]{1,3}",
        "[一-龥😀א-ת\\u{300}]{1,8}",
        // Private-use characters, which an older writer used as change marks.
        "[\\u{E000}-\\u{E01F}]{1,3}",
    ];
    prop::collection::vec(piece, 0..40).prop_map(|parts| parts.concat())
}

/// Text a user might type into a field, hostile or not.
fn field_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "\\PC{0,20}",
        "[\\u{0}-\\u{1f}\\u{fffe}]{1,3}",
        Just("<script>alert(1)</script>".to_string()),
        Just("<img src=x onerror=alert(1)>".to_string()),
        Just("[click](javascript:alert(1))".to_string()),
        Just("[open](file:///etc/passwd)".to_string()),
        Just("[web](https://example.com)".to_string()),
        Just("{++forged++}".to_string()),
        Just("\u{E000}mark\u{E001}".to_string()),
        Just("# | - 1. > ```".to_string()),
    ];
    prop::collection::vec(piece, 1..4).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_markdown_converts_to_well_formed_parts(md in markdown()) {
        for locale in Locale::ALL {
            let bytes = docx::from_markdown(&md, &DocxOptions::plain(locale))
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            assert_package_inert("convert", &bytes)?;
        }
        let doc = policywright_doc::markdown::parse(&md);
        assert_inert_html("html", &policywright_doc::html::write(&doc, Default::default()))?;
        assert_inert_markdown("markdown", &policywright_doc::markdown::write(&doc))?;
    }

    /// The same in a redline, whatever the two texts.
    #[test]
    fn any_two_texts_make_a_well_formed_redline(old in markdown(), new in markdown()) {
        let merged = policywright_diff::diff_trees(&policywright_doc::markdown::parse(&old), policywright_doc::markdown::parse(&new));
        let mut opts = DocxOptions::plain(Locale::En);
        opts.revision = Some(TrackedBy { author: "A & <B>".into(), date: "2027-01-01T00:00:00Z".into() });
        let bytes = docx::write(&merged, &opts).map_err(|e| TestCaseError::fail(e.to_string()))?;
        assert_package_inert("redline", &bytes)?;
    }

    /// Every output a policy can become: its exports, a handbook, and the
    /// comparison's reports and redline.
    #[test]
    fn any_text_in_a_policy_is_inert_in_every_output(text in field_text(), title in field_text()) {
        let old = crate::preset(Locale::ZhCn);
        let policy = crate::edited(Locale::ZhCn, &[
            ("general.purpose", text.clone().into()),
            ("duties.roles[0].title", title.clone().into()),
            ("duties.roles[0].duties[0]", text.clone().into()),
            ("discipline.groups[0].rules[0].text", text.clone().into()),
        ]);
        let templates = Templates::builtin();
        let input = Input::new(&policy).map_err(|e| TestCaseError::fail(e.to_string()))?;
        for format in Format::ALL {
            let bytes = policywright_render::export(&input, &Options { format, templates: &templates })
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            assert_inert("export", format, &bytes)?;
        }
        let book = Handbook {
            title: title.clone(),
            company: text.clone(),
            number: String::new(),
            version: "1.0".into(),
            date: "2027-01-01".into(),
            locale: Locale::ZhCn,
            numbering: policywright_model::NumberingScheme::ZhChapter,
        };
        // A handbook binds only valid policies; an invalid one is refused (tested elsewhere).
        let valid = !policywright_model::validate::validate(&policy).has_errors();
        if valid && !title.trim().is_empty() {
            for format in Format::ALL {
                let bytes = handbook::export(&book, std::slice::from_ref(&input), &Options { format, templates: &templates })
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                assert_inert("handbook", format, &bytes)?;
            }
        }
        let side = |label: &str, p: &policywright_model::Policy| {
            policywright_diff::Side::new(label, &title, "2027-01-01", p, "").map_err(|e| TestCaseError::fail(e.to_string()))
        };
        let c = policywright_diff::compare(side("1.0", &old)?, side("1.1", &policy)?, &templates)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        assert_inert("diff md", Format::Md, policywright_diff::to_markdown(&c).as_bytes())?;
        assert_inert("diff html", Format::Html, policywright_diff::to_html(&c).as_bytes())?;
        assert_inert_html("diff fragment", &policywright_diff::to_html_fragment(&c))?;
        // What the app's comparison shows: three renderings, and the summary
        // as text the window escapes itself.
        let views = policywright_diff::html_views(&c);
        for (name, html) in [("inline view", &views.inline), ("older view", &views.old), ("newer view", &views.new)] {
            assert_inert_html(name, html)?;
        }
        // JSON is data, not a document: it must only carry no illegal character.
        no_illegal_characters("diff json", &policywright_diff::to_json(&c))?;
        let redline = policywright_diff::to_docx(&c).map_err(|e| TestCaseError::fail(e.to_string()))?;
        assert_package_inert("redline", &redline)?;
    }
}
