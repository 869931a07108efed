//! DOCX export. Every file produced here is also written, with what an
//! outside reader must find in it, to `target/tmp/docx-check/`; `make test`
//! then runs LibreOffice, pandoc, python-docx and openxml-audit over them
//! (`.ci/docx-check/check.py`).

use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use policywright_doc::docx::{self, DocxOptions};
use policywright_doc::markdown::parser_options;
use policywright_model::{Locale, NumberingScheme, Policy};
use policywright_render::{Format, Input, Options, Templates};

use crate::{clean, edited, fixtures, markdown, preset};

pub fn check_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("docx-check");
    std::fs::create_dir_all(&dir).expect("docx-check folder");
    dir
}

/// The parts of a `.docx`, by name.
pub fn unzip(bytes: &[u8]) -> BTreeMap<String, String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip package");
    let mut parts = BTreeMap::new();
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).expect("entry");
        let mut text = String::new();
        file.read_to_string(&mut text).expect("utf-8 part");
        parts.insert(file.name().to_string(), text);
    }
    parts
}

/// What readers must find, computed from the Markdown the DOCX was made from.
#[derive(Default, serde::Serialize)]
struct Expect {
    headings: Vec<serde_json::Value>,
    list_items: Vec<String>,
    table_cells: Vec<String>,
    footnotes: Vec<String>,
    pdf_contains: Vec<String>,
    /// Regular expressions on the PDF text with whitespace removed.
    pdf_matches: Vec<String>,
}

/// `text` as a regular expression for the checker: as it compares PDF text
/// (full-width forms as ASCII, the way NFKC has them, and no whitespace),
/// with ASCII punctuation escaped.
fn pdf_pattern(text: &str) -> String {
    let ascii = |c: char| match u32::from(c) {
        full @ 0xFF01..=0xFF5E => char::from_u32(full - 0xFEE0).unwrap_or(c),
        _ => c,
    };
    let mut out = String::new();
    for c in text.chars().map(ascii).filter(|c| !c.is_whitespace()) {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn expectations(semantic: &str, numbered: Option<&str>, title_from_h1: bool) -> Expect {
    let mut expect = Expect::default();
    let mut text = String::new();
    let mut depth_stack: Vec<&'static str> = Vec::new();
    let mut in_heading = None;
    let mut first_h1 = title_from_h1;
    let mut item_started = false;
    for event in Parser::new_ext(semantic, parser_options()) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                text.clear();
                in_heading = Some(level as usize);
            }
            Event::End(TagEnd::Heading(_)) => {
                let md_level = in_heading.take().unwrap_or(1);
                let level = if first_h1 && md_level == 1 {
                    first_h1 = false;
                    0
                } else if title_from_h1 {
                    md_level - 1
                } else {
                    md_level
                };
                expect.headings.push(serde_json::json!({"level": level, "text": text.trim()}));
            }
            Event::Start(Tag::Item) => {
                text.clear();
                item_started = true;
                depth_stack.push("item");
            }
            Event::Start(Tag::List(_)) if item_started => {
                expect.list_items.push(text.trim().to_string());
                item_started = false;
            }
            Event::End(TagEnd::Item) => {
                if item_started {
                    expect.list_items.push(text.trim().to_string());
                }
                item_started = false;
                depth_stack.pop();
            }
            Event::Start(Tag::TableCell | Tag::FootnoteDefinition(_)) => text.clear(),
            Event::End(TagEnd::TableCell) if !text.trim().is_empty() => {
                expect.table_cells.push(text.trim().to_string());
            }
            Event::End(TagEnd::FootnoteDefinition) => expect.footnotes.push(text.trim().to_string()),
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    // Task-list markers are drawn as boxes, which readers render differently.
    expect.list_items.retain(|i| !i.is_empty());
    // The PDF must show every chapter and article heading with its number,
    // which only Word numbering puts there.
    if let Some(numbered) = numbered {
        let mut heading: Option<String> = None;
        for event in Parser::new_ext(numbered, parser_options()) {
            match event {
                Event::Start(Tag::Heading { level, .. }) if level as usize >= 2 => heading = Some(String::new()),
                Event::Text(t) => {
                    if let Some(h) = &mut heading {
                        h.push_str(&t);
                    }
                }
                Event::End(TagEnd::Heading(_)) => {
                    if let Some(h) = heading.take() {
                        expect.pdf_contains.push(h);
                    }
                }
                _ => {}
            }
        }
    }
    expect
}

fn write_for_check(name: &str, bytes: &[u8], expect: &Expect) {
    let dir = check_dir();
    std::fs::write(dir.join(format!("{name}.docx")), bytes).expect("write docx");
    std::fs::write(dir.join(format!("{name}.expect.json")), serde_json::to_string_pretty(expect).expect("json"))
        .expect("write expectations");
}

fn policy_docx(policy: &Policy) -> Vec<u8> {
    let input = Input::new(policy).expect("input");
    policywright_render::export(&input, &Options { format: Format::Docx, templates: &Templates::builtin() })
        .expect("policy renders to docx")
}

fn with_scheme(locale: Locale, scheme: NumberingScheme) -> Policy {
    let mut p = preset(locale);
    p.document.numbering = scheme;
    p.document.company = match locale {
        Locale::ZhCn => "示例科技有限公司".into(),
        Locale::En => "Example Ltd.".into(),
    };
    p
}

#[test]
fn presets_in_every_scheme_export_for_outside_readers() {
    let templates = Templates::builtin();
    for locale in Locale::ALL {
        for scheme in NumberingScheme::ALL {
            let policy = with_scheme(locale, scheme);
            let bytes = policy_docx(&policy);
            let semantic = templates.render_markdown(&clean(&policy)).expect("markdown");
            let numbered = markdown(&policy);
            let mut expect = expectations(&semantic, Some(&numbered), true);
            expect.pdf_contains.push(policy.document.company.clone());
            expect.pdf_contains.push("v1.0".into());
            // The TOC gives the last article's real page: LibreOffice computed
            // it, since the written one is empty and the body is pages long.
            // (What follows the entry is the footer's "v1.0", never a digit.)
            let last = numbered.lines().rfind(|l| l.starts_with("### ")).expect("an article");
            expect.pdf_matches.push(format!(r"{}\.{{3,}}(?:[4-9]|[1-9][0-9])\D", pdf_pattern(&last[4..])));
            write_for_check(&format!("preset-{}-{}", locale.code(), scheme.code()), &bytes, &expect);

            let parts = unzip(&bytes);
            let numbering = &parts["word/numbering.xml"];
            match scheme {
                NumberingScheme::ZhChapter => {
                    assert!(numbering.contains(r#"<w:numFmt w:val="chineseCounting" />"#));
                    assert!(numbering.contains(r#"<w:lvlText w:val="第%1章" />"#));
                    assert!(numbering.contains(r#"<w:lvlText w:val="第%1条" />"#));
                }
                NumberingScheme::ZhOutline => assert!(numbering.contains(r#"<w:lvlText w:val="（%2）" />"#)),
                NumberingScheme::Decimal => assert!(numbering.contains(r#"<w:lvlText w:val="%1.%2.%3" />"#)),
            }
            // Headings are numbered by Word, not by typed digits.
            let document = &parts["word/document.xml"];
            let heading = document.split(r#"<w:pStyle w:val="Heading1" />"#).nth(1).expect("a chapter heading");
            let text = heading.split("<w:t xml:space=\"preserve\">").nth(1).and_then(|t| t.split('<').next());
            let expected = if locale == Locale::ZhCn { "总则" } else { "About this policy" };
            assert_eq!(text, Some(expected), "{locale:?} {scheme:?}");
        }
    }
}

#[test]
fn the_torture_fixture_exports_for_outside_readers() {
    let markdown = std::fs::read_to_string(fixtures("docx").join("torture.md")).expect("fixture");
    for locale in Locale::ALL {
        let bytes = docx::from_markdown(&markdown, &DocxOptions::plain(locale)).expect("converts");
        let expect = expectations(&markdown, None, false);
        assert!(expect.footnotes.len() == 2 && expect.table_cells.len() >= 12, "fixture lost content");
        write_for_check(&format!("torture-{}", locale.code()), &bytes, &expect);
    }
}

#[test]
fn styles_fonts_and_language_are_word_grade() {
    let parts = unzip(&policy_docx(&with_scheme(Locale::ZhCn, NumberingScheme::ZhChapter)));
    let styles = &parts["word/styles.xml"];
    for (id, name) in [
        ("Title", "Title"),
        ("Heading1", "heading 1"),
        ("Heading2", "heading 2"),
        ("Heading3", "heading 3"),
        ("Heading4", "heading 4"),
        ("Normal", "Normal"),
        ("ListParagraph", "List Paragraph"),
        ("Caption", "caption"),
        ("Quote", "Quote"),
        ("Code", "Code"),
        ("Hyperlink", "Hyperlink"),
        ("TableText", "Table Text"),
        ("TableGrid", "Table Grid"),
        ("TableNormal", "Normal Table"),
    ] {
        assert!(styles.contains(&format!(r#"w:styleId="{id}""#)), "style {id} missing");
        assert!(styles.contains(&format!(r#"<w:name w:val="{name}" />"#)), "style name {name} missing");
    }
    assert!(styles.contains(r#"<w:outlineLvl w:val="0" />"#));
    assert!(styles.contains(r#"w:eastAsia="SimSun""#) && styles.contains(r#"w:eastAsia="SimHei""#));
    assert!(styles.contains(r#"<w:lang w:val="zh-CN" w:eastAsia="zh-CN" w:bidi="ar-SA" />"#));
    assert_eq!(styles.matches(r#"w:styleId="Normal""#).count(), 1, "one Normal style");
    // Readers without SimSun or SimHei are told which free fonts stand in.
    let fonts = &parts["word/fontTable.xml"];
    assert!(fonts.contains(r#"<w:font w:name="SimSun"><w:altName w:val="Noto Serif CJK SC" />"#));
    assert!(fonts.contains(r#"<w:font w:name="SimHei"><w:altName w:val="Noto Sans CJK SC" />"#));
    assert!(parts["word/document.xml"].contains(r#"<w:tblStyle w:val="TableGrid" />"#));

    let en = unzip(&policy_docx(&with_scheme(Locale::En, NumberingScheme::Decimal)));
    assert!(en["word/styles.xml"].contains(r#"<w:lang w:val="en-US""#));
    // A4 for Chinese, Letter for English.
    assert!(parts["word/document.xml"].contains(r#"<w:pgSz w:w="11906" w:h="16838" />"#));
    assert!(en["word/document.xml"].contains(r#"<w:pgSz w:w="12240" w:h="15840" />"#));
}

#[test]
fn lists_tables_and_inline_elements_are_real_word_structures() {
    let markdown = std::fs::read_to_string(fixtures("docx").join("torture.md")).expect("fixture");
    let parts = unzip(&docx::from_markdown(&markdown, &DocxOptions::plain(Locale::En)).expect("converts"));
    let document = &parts["word/document.xml"];
    let numbering = &parts["word/numbering.xml"];
    assert!(numbering.contains(r#"<w:abstractNum w:abstractNumId="3">"#));
    assert!(numbering.contains(r#"<w:lvlText w:val="•" />"#));
    // Every ordered list is its own w:num restarting at its first number.
    let restarts = numbering.matches("<w:startOverride").count();
    assert_eq!(restarts, 5, "one per ordered list (three at the top, two nested)");
    assert!(numbering.contains(r#"<w:startOverride w:val="3" />"#));
    // Three levels of nesting.
    assert!(document.contains(r#"<w:ilvl w:val="2" />"#));
    // Table: header row repeats and is marked as such.
    assert_eq!(document.matches("<w:tblHeader />").count(), 1);
    assert!(document.contains("<w:tblBorders>"));
    // Inline: bold, italic, strike, code, hyperlink with its style, footnotes.
    for needle in
        ["<w:b />", "<w:i />", "<w:strike />", r#"<w:rStyle w:val="CodeChar" />"#, r#"<w:rStyle w:val="Hyperlink" />"#]
    {
        assert!(document.contains(needle), "{needle} missing");
    }
    assert!(parts["word/_rels/document.xml.rels"].contains(r#"Target="https://example.com/policy?a=1&amp;b=2""#));
    assert_eq!(document.matches("<w:footnoteReference").count(), 2);
    assert!(parts["word/footnotes.xml"].contains("The first footnote, with "));
    // Raw HTML is its text and formatting, never markup nor literal tags.
    assert!(document.contains(">raw block<") && !document.contains("&lt;div"));
    assert!(document.contains(r#"<w:rPr><w:b /><w:bCs /></w:rPr><w:t xml:space="preserve">HTML</w:t>"#));
    assert!(document.contains("😀") && document.contains("עברית"));
}

#[test]
fn policy_documents_carry_toc_header_footer_and_properties() {
    let policy = with_scheme(Locale::En, NumberingScheme::Decimal);
    let parts = unzip(&policy_docx(&policy));
    let document = &parts["word/document.xml"];
    assert!(
        document.contains(r#"<w:instrText xml:space="preserve"> PAGEREF _Toc00000001 \h </w:instrText>"#),
        "page refs"
    );
    assert!(document.contains(">1 About this policy<"), "pre-filled TOC entry");
    assert!(parts["word/settings.xml"].contains(r#"<w:updateFields w:val="true" />"#));
    let header = parts.iter().find(|(k, _)| k.starts_with("word/header")).map(|(_, v)| v).expect("header");
    assert!(header.contains("Example Ltd. · Operations Staff Policy"));
    let footer = parts.iter().find(|(k, _)| k.starts_with("word/footer")).map(|(_, v)| v).expect("footer");
    assert!(footer.contains("v1.0 · ") && footer.contains("PAGE") && footer.contains("NUMPAGES"));
    let core = &parts["docProps/core.xml"];
    assert!(core.contains("<dc:title>Operations Staff Policy</dc:title>"));
    assert!(core.contains("<dc:creator>Human Resources</dc:creator>"));
    assert!(core.contains(">2026-12-01T00:00:00Z</dcterms:created>"));
    let custom = &parts["docProps/custom.xml"];
    assert!(custom.contains("PolicyVersion") && custom.contains("ContentHash"));
    assert!(custom.contains(&policywright_model::content_hash(&policy)));
}

#[test]
fn exports_are_byte_identical_and_compressed() {
    let policy = with_scheme(Locale::ZhCn, NumberingScheme::ZhChapter);
    let a = policy_docx(&policy);
    let b = policy_docx(&policy);
    if a != b {
        let (pa, pb) = (unzip(&a), unzip(&b));
        let differing: Vec<&String> = pa.keys().filter(|k| pa.get(*k) != pb.get(*k)).collect();
        panic!("the same policy gave different bytes; parts that differ: {differing:?}");
    }
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&a)).expect("zip");
    for i in 0..zip.len() {
        let file = zip.by_index(i).expect("entry");
        assert_eq!(file.compression(), zip::CompressionMethod::Deflated, "{} stored", file.name());
    }
    let document = unzip(&a)["word/document.xml"].len();
    assert!(a.len() * 3 < document, "{} bytes zipped for a {document}-byte document.xml", a.len());
}

#[test]
fn control_characters_never_reach_the_package() {
    let policy = edited(Locale::En, &[("general.purpose", "Bad\u{1}text\u{B}here\u{FFFE}.".into())]);
    let parts = unzip(&policy_docx(&policy));
    assert!(parts["word/document.xml"].contains("Badtexthere."));
    let markdown = "# Title\u{0}\n\nA\u{1F}B\u{C}C";
    let parts = unzip(&docx::from_markdown(markdown, &DocxOptions::plain(Locale::En)).expect("converts"));
    assert!(parts["word/document.xml"].contains("ABC"));
}

/// An element on one line: `name(attr=value …)[children …]`, namespace
/// prefixes dropped, text in quotes.
fn flat(node: roxmltree::Node<'_, '_>) -> String {
    if node.is_text() {
        return format!("{:?}", node.text().unwrap_or(""));
    }
    let mut out = node.tag_name().name().to_string();
    let attrs: Vec<String> = node.attributes().map(|a| format!("{}={}", a.name(), a.value())).collect();
    if !attrs.is_empty() {
        out.push_str(&format!("({})", attrs.join(" ")));
    }
    let children: Vec<String> = node.children().filter(|c| c.is_element() || c.is_text()).map(flat).collect();
    if !children.is_empty() {
        out.push_str(&format!("[{}]", children.join(" ")));
    }
    out
}

/// The styles part, one style a line.
fn styles_outline(xml: &str) -> String {
    let doc = roxmltree::Document::parse(xml).expect("styles.xml");
    doc.root_element().children().filter(|n| n.is_element()).map(|n| flat(n) + "\n").collect()
}

/// The numbering part, one list level or list instance a line.
fn numbering_outline(xml: &str) -> String {
    let doc = roxmltree::Document::parse(xml).expect("numbering.xml");
    let mut out = String::new();
    for node in doc.root_element().children().filter(|n| n.is_element()) {
        let id: Vec<String> = node.attributes().map(|a| format!("{}={}", a.name(), a.value())).collect();
        let head = format!("{}({})", node.tag_name().name(), id.join(" "));
        let levels: Vec<roxmltree::Node<'_, '_>> = node.children().filter(|c| c.has_tag_name((W, "lvl"))).collect();
        if levels.is_empty() {
            out.push_str(&format!("{}\n", flat(node)));
        } else {
            for level in levels {
                out.push_str(&format!("{head} {}\n", flat(level)));
            }
        }
    }
    out
}

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// The document up to its second chapter, one paragraph or table row a
/// line: its style, list or tracked-change marks, and its text.
fn document_outline(xml: &str) -> String {
    let doc = roxmltree::Document::parse(xml).expect("document.xml");
    let body = doc.root_element().children().find(|n| n.has_tag_name((W, "body"))).expect("body");
    let text = |n: roxmltree::Node<'_, '_>| -> String {
        let t: String = n
            .descendants()
            .filter(|d| d.has_tag_name((W, "t")) || d.has_tag_name((W, "delText")))
            .filter_map(|d| d.text())
            .collect();
        t.chars().take(48).collect()
    };
    let attr = |n: roxmltree::Node<'_, '_>, tag: &str| {
        n.descendants().find(|d| d.has_tag_name((W, tag))).and_then(|d| d.attribute((W, "val"))).map(str::to_string)
    };
    let mut out = String::new();
    let mut chapters = 0;
    for node in body.children().filter(|n| n.is_element()) {
        if node.has_tag_name((W, "p")) {
            let style = attr(node, "pStyle").unwrap_or_default();
            if style == "Heading1" {
                chapters += 1;
                if chapters == 2 {
                    break;
                }
            }
            let list = attr(node, "numId")
                .map(|id| format!(" list={id}/{}", attr(node, "ilvl").unwrap_or_default()))
                .unwrap_or_default();
            out.push_str(&format!("{style}{list}: {}\n", text(node)));
        } else if node.has_tag_name((W, "tbl")) {
            for row in node.children().filter(|r| r.has_tag_name((W, "tr"))) {
                let cells: Vec<String> = row.children().filter(|c| c.has_tag_name((W, "tc"))).map(text).collect();
                let header = if row.descendants().any(|d| d.has_tag_name((W, "tblHeader"))) { " header" } else { "" };
                out.push_str(&format!("  row{header}: {}\n", cells.join(" | ")));
            }
        } else {
            out.push_str(&format!("{}\n", node.tag_name().name()));
        }
    }
    out
}

#[test]
fn snapshot_operations_zh_cn_parts() {
    let parts = unzip(&policy_docx(&preset(Locale::ZhCn)));
    insta::assert_snapshot!("zh_cn_document_outline", document_outline(&parts["word/document.xml"]));
    insta::assert_snapshot!("zh_cn_styles", styles_outline(&parts["word/styles.xml"]));
    insta::assert_snapshot!("zh_cn_numbering", numbering_outline(&parts["word/numbering.xml"]));
}

#[test]
fn snapshot_operations_en_parts() {
    let parts = unzip(&policy_docx(&preset(Locale::En)));
    insta::assert_snapshot!("en_document_outline", document_outline(&parts["word/document.xml"]));
    insta::assert_snapshot!("en_styles", styles_outline(&parts["word/styles.xml"]));
    insta::assert_snapshot!("en_numbering", numbering_outline(&parts["word/numbering.xml"]));
}

#[test]
fn hostile_markdown_converts_without_crashing() {
    let deep_quotes = format!("{}deep quote", "> ".repeat(5000));
    let deep_lists: String = (0..300).map(|i| format!("{}- level {i}\n", "  ".repeat(i))).collect();
    let self_citing = "Text[^n].\n\n[^n]: This note cites itself[^n] and an unknown one[^x].\n".to_string();
    let huge_line = "长".repeat(400_000);
    for (name, markdown, must_contain) in [
        ("deep quotes", deep_quotes, "deep quote"),
        ("deep lists", deep_lists, "level 299"),
        ("self-citing footnote", self_citing, "[^n]"),
        ("huge line", huge_line, "长长长长"),
    ] {
        let bytes = docx::from_markdown(&markdown, &DocxOptions::plain(Locale::En)).expect(name);
        let parts = unzip(&bytes);
        let all_text =
            format!("{}{}", parts["word/document.xml"], parts.get("word/footnotes.xml").map_or("", String::as_str));
        assert!(all_text.contains(must_contain), "{name}: text lost");
    }
}

#[test]
fn convert_writes_the_path_and_refuses_a_bad_reference_without_leaving_a_file() {
    let dir = tempfile::tempdir().expect("tmp");
    let input = fixtures("docx").join("torture.md");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_policywright"))
            .args(args)
            .current_dir(dir.path())
            .output()
            .expect("runs")
    };
    let out = run(&["convert", input.to_str().expect("utf-8 path"), "-o", "t.docx"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "wrote t.docx\n");

    // A reference document lends its styles; ours fill the gaps.
    let styled = run(&["convert", input.to_str().expect("utf-8 path"), "-o", "styled.docx", "--reference", "t.docx"]);
    assert_eq!(styled.status.code(), Some(0), "{}", String::from_utf8_lossy(&styled.stderr));
    let styles = &unzip(&std::fs::read(dir.path().join("styled.docx")).expect("read"))["word/styles.xml"];
    assert_eq!(styles.matches(r#"w:styleId="Heading1""#).count(), 1);

    let bad = run(&[
        "convert",
        input.to_str().expect("utf-8 path"),
        "-o",
        "bad.docx",
        "--reference",
        input.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(bad.status.code(), Some(1));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("cannot be used as a reference document"), "{err}");
    assert!(err.contains("hint: pass a .docx saved by Word, WPS or LibreOffice"), "{err}");
    assert!(!dir.path().join("bad.docx").exists(), "no partial file");
    let leftovers: Vec<_> =
        std::fs::read_dir(dir.path()).expect("dir").filter_map(Result::ok).map(|e| e.file_name()).collect();
    assert_eq!(leftovers.len(), 2, "only t.docx and styled.docx: {leftovers:?}");
}

/// A long document holds everything exactly once, every id it uses is
/// defined, and it comes out the same every time, on any thread.
#[test]
fn a_long_document_is_whole_and_the_same_every_time() {
    let mut md = String::from("# Handbook\n\n");
    for i in 0..120 {
        md.push_str(&format!(
            "## Part {i}\n\nSee [site {i}](https://example.com/{i}) and note {i}.[^n{i}]\n\n1. first {i}\n2. second {i}\n\n- bullet {i}\n\n| Key | Value |\n| --- | --- |\n| k{i} | v{i} |\n\n[^n{i}]: Footnote number {i}, from [source {i}](https://example.org/{i}).\n\n"
        ));
    }
    let opts = DocxOptions::plain(Locale::En);
    let bytes = docx::from_markdown(&md, &opts).expect("converts");
    // Paragraph ids are counted per document; the export must not depend on the thread.
    let again =
        std::thread::scope(|s| s.spawn(|| docx::from_markdown(&md, &opts)).join()).expect("thread").expect("again");
    let parts = unzip(&bytes);
    if bytes != again {
        let other = unzip(&again);
        let differing: Vec<&String> = parts.keys().filter(|k| parts.get(*k) != other.get(*k)).collect();
        let first = differing.first().map(|k| {
            let (a, b) = (&parts[*k], &other[*k]);
            let at = a.bytes().zip(b.bytes()).position(|(x, y)| x != y).unwrap_or(0);
            format!(
                "{k} at {at}: {:?} vs {:?}",
                &a[at.saturating_sub(80)..(at + 80).min(a.len())],
                &b[at.saturating_sub(80)..(at + 80).min(b.len())]
            )
        });
        panic!("not deterministic: {differing:?} {first:?}");
    }
    let document = &parts["word/document.xml"];
    assert_eq!(document.matches("<w:footnoteReference").count(), 120);
    assert_eq!(parts["word/footnotes.xml"].matches("<w:footnote ").count(), 120);
    assert!(parts["word/footnotes.xml"].contains("Footnote number 119, from "));
    // Every hyperlink and every list a paragraph uses is defined, links in
    // notes among the notes' own relationships.
    for (part, rels) in
        [("word/document.xml", "word/_rels/document.xml.rels"), ("word/footnotes.xml", "word/_rels/footnotes.xml.rels")]
    {
        let (xml, rels) = (&parts[part], &parts[rels]);
        let ids: Vec<&str> =
            xml.split("<w:hyperlink r:id=\"").skip(1).map(|r| r.split('"').next().unwrap_or("")).collect();
        assert_eq!(ids.len(), 120, "{part}");
        for id in ids {
            assert!(rels.contains(&format!("Id=\"{id}\"")), "{part}: hyperlink {id} has no relationship");
        }
    }
    assert!(parts["word/_rels/footnotes.xml.rels"].contains("https://example.org/119"));
    // Paragraph ids are unique across the parts that hold paragraphs.
    let mut para_ids: Vec<&str> = ["word/document.xml", "word/footnotes.xml", "word/footer1.xml"]
        .iter()
        .flat_map(|p| parts[*p].split("w14:paraId=\"").skip(1).map(|r| r.split('"').next().unwrap_or("")))
        .collect();
    let all = para_ids.len();
    para_ids.sort_unstable();
    para_ids.dedup();
    assert_eq!(para_ids.len(), all, "a paragraph id is used twice");
    let numbering = &parts["word/numbering.xml"];
    for id in document.split("<w:numId w:val=\"").skip(1).map(|r| r.split('"').next().unwrap_or("")) {
        assert!(numbering.contains(&format!("<w:num w:numId=\"{id}\">")), "list {id} is not defined");
    }
    assert!(document.contains(">second 119<") && document.contains(">k119<"));
    let expect = serde_json::json!({
        "headings": [{"level": 1, "text": "Handbook"}, {"level": 2, "text": "Part 0"}, {"level": 2, "text": "Part 119"}],
        "list_items": ["first 0", "second 119", "bullet 119"],
        "table_cells": ["k0", "v119"],
        "footnotes": ["Footnote number 0, from source 0.", "Footnote number 119, from source 119."],
    });
    let dir = check_dir();
    std::fs::write(dir.join("long-document.docx"), &bytes).expect("write");
    std::fs::write(dir.join("long-document.expect.json"), expect.to_string()).expect("write");
}

#[test]
fn the_official_document_style_follows_gbt9704() {
    let mut policy = with_scheme(Locale::ZhCn, NumberingScheme::ZhChapter);
    policy.document.layout.style = policywright_model::PageStyle::Gbt9704;
    let bytes = policy_docx(&policy);
    let parts = unzip(&bytes);
    let document = &parts["word/document.xml"];
    // A4, 37 mm from the top, 28 mm from the binding edge; no running header.
    assert!(document.contains(r#"<w:pgSz w:w="11906" w:h="16838" />"#));
    assert!(document.contains(r#"<w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1588""#));
    assert!(!document.contains("headerReference") && !parts.contains_key("word/header1.xml"));
    // 三号 仿宋 on an exact pitch of 22 lines; 黑体, then 楷体 headings.
    let styles = &parts["word/styles.xml"];
    let style = |id: &str| {
        styles.split(&format!(r#"w:styleId="{id}">"#)).nth(1).and_then(|s| s.split("</w:style>").next()).expect(id)
    };
    assert!(style("Normal").contains(r#"w:eastAsia="FangSong""#) && style("Normal").contains(r#"<w:sz w:val="32" />"#));
    assert!(style("Normal").contains(r#"w:line="579" w:lineRule="exact""#), "{}", style("Normal"));
    assert!(style("Heading1").contains(r#"w:eastAsia="SimHei""#) && !style("Heading1").contains("<w:b />"));
    assert!(style("Heading2").contains(r#"w:eastAsia="KaiTi""#));
    assert!(style("Title").contains(r#"<w:sz w:val="44" />"#));
    // "— 1 —" on the outer side: right on odd pages, left on even ones.
    assert!(parts["word/settings.xml"].contains("<w:evenAndOddHeaders />"));
    assert!(document.contains(r#"<w:footerReference w:type="even" r:id="rIdFooter2" />"#));
    for (part, side) in [("word/footer1.xml", "right"), ("word/footer2.xml", "left")] {
        let footer = &parts[part];
        assert!(footer.contains(&format!(r#"<w:jc w:val="{side}" />"#)), "{footer}");
        assert!(footer.contains(">— <") && footer.contains("> —<") && footer.contains("PAGE"), "{footer}");
        assert!(!footer.contains("v1.0"), "{footer}");
    }
    let mut expect = expectations(
        &Templates::builtin().render_markdown(&clean(&policy)).expect("markdown"),
        Some(&markdown(&policy)),
        true,
    );
    expect.pdf_contains.extend(["— 5 —".to_string(), "— 6 —".to_string()]);
    write_for_check("preset-zh-CN-gbt9704", &bytes, &expect);
}

#[test]
fn the_contents_and_chapter_breaks_follow_the_layout() {
    use policywright_model::Contents;
    let mut policy = with_scheme(Locale::En, NumberingScheme::Decimal);
    let chapters = policy_docx(&policy);
    let chapters = &unzip(&chapters)["word/document.xml"];
    let breaks = chapters.matches("<w:pageBreakBefore />").count();
    assert!(breaks >= 9, "the TOC and each of 8 chapters start a page: {breaks}");

    policy.document.layout.contents = Contents::ChaptersOnly;
    policy.document.layout.chapter_breaks = false;
    let document = &unzip(&policy_docx(&policy))["word/document.xml"];
    assert_eq!(document.matches(" PAGEREF ").count(), 8, "one entry per chapter");
    assert!(!document.contains(r#"<w:pStyle w:val="TOC2" />"#));
    // Only the TOC starts a page of its own.
    assert_eq!(document.matches("<w:pageBreakBefore />").count(), 1);

    policy.document.layout.contents = Contents::NoContents;
    let document = &unzip(&policy_docx(&policy))["word/document.xml"];
    assert!(!document.contains("TOCHeading") && !document.contains("PAGEREF") && !document.contains("_Toc"));
}

/// The indicator table listed sub-indicators as typed "– " rows under one
/// "Indicator" column; appraisal forms merge each category down its rows.
#[test]
fn the_appraisal_table_merges_each_category_down_its_indicators() {
    for locale in Locale::ALL {
        let document = &unzip(&policy_docx(&preset(locale)))["word/document.xml"];
        let table_at = document.find(if locale == Locale::ZhCn { ">一级指标<" } else { ">Category<" }).expect("table");
        let table = &document[table_at..];
        let table = &table[..table.find("</w:tbl>").expect("end")];
        // Three categories, each merged over itself and its indicators: the
        // category and its weight, 2 + 3 + 2 indicators below.
        assert_eq!(table.matches(r#"<w:vMerge w:val="restart" />"#).count(), 6, "{locale:?}");
        assert_eq!(table.matches("<w:vMerge />").count(), 14, "{locale:?}");
        assert!(!table.contains("– "), "{locale:?}: no typed dashes");
        // The rest of the document has no merges.
        assert_eq!(document.matches("w:vMerge").count(), 20, "{locale:?}");
    }
}

/// Regression (issue 12, `convert` on real-world Markdown): raw HTML printed
/// as tags, front matter became a heading, a heading in a quote lost its
/// style, a quote in a quote was flattened, bare URLs were no links, and
/// code lines touched the next paragraph. The fixture has each of them. What
/// outside readers must find in it (`real-world.expect.json`) is pandoc's
/// reading of the source, made by `.ci/docx-check/expect_from_pandoc.py`;
/// `make test` checks pandoc's reading of our DOCX against it.
#[test]
fn real_world_markdown_converts_as_pandoc_reads_it() {
    let dir = fixtures("docx");
    let markdown = std::fs::read_to_string(dir.join("real-world.md")).expect("fixture");
    let bytes = docx::from_markdown(&markdown, &DocxOptions::plain(Locale::En)).expect("converts");
    let check = check_dir();
    std::fs::write(check.join("convert-real-world.docx"), &bytes).expect("write docx");
    std::fs::copy(dir.join("real-world.expect.json"), check.join("convert-real-world.expect.json")).expect("copy");

    let parts = unzip(&bytes);
    let document = &parts["word/document.xml"];
    // No tag, comment, script or front matter prints; the code's own text does.
    for literal in [
        "&lt;sup",
        "&lt;sub",
        "&lt;br",
        "&lt;kbd",
        "&lt;b&gt;",
        "&lt;code",
        "&lt;!--",
        "&lt;p",
        "&lt;img",
        "&lt;table",
        "&lt;td",
        "&lt;a ",
        "&lt;script",
        "Maintainers",
        "inline comment",
        "never",
        "title:",
        "layout",
        "handbook",
    ] {
        assert!(!document.contains(literal), "{literal} printed");
    }
    assert!(
        document.contains("println!(&quot;&lt;hello&gt;&quot;);") || document.contains("println!(\"&lt;hello&gt;\");")
    );
    // The title block, and the core properties from the front matter.
    for (style, text) in [
        ("Title", "Field Guide: Converting Real-World Markdown"),
        ("Author", "Ann Lee"),
        ("Author", "陈博"),
        ("Date", "2026-11-30"),
    ] {
        let paragraph =
            format!(r#"<w:pStyle w:val="{style}" /></w:pPr><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>"#);
        assert!(document.contains(&paragraph), "{style} {text}");
    }
    let core = &parts["docProps/core.xml"];
    assert!(core.contains("<dc:title>Field Guide: Converting Real-World Markdown</dc:title>"), "{core}");
    assert!(core.contains("<dc:creator>Ann Lee; 陈博</dc:creator>"), "{core}");
    assert!(core.contains(">2026-11-30T00:00:00Z</dcterms:modified>"), "{core}");
    // Raw HTML: raised and lowered text, keys as code, breaks, alt text.
    let run = |props: &str, text: &str| format!(r#"<w:rPr>{props}</w:rPr><w:t xml:space="preserve">{text}</w:t>"#);
    assert!(document.contains(&run(r#"<w:vertAlign w:val="superscript" />"#, "2")));
    assert!(document.contains(&run(r#"<w:vertAlign w:val="superscript" />"#, "rd")));
    assert!(document.contains(&run(r#"<w:vertAlign w:val="subscript" />"#, "2")));
    assert!(document.contains(&run(r#"<w:rStyle w:val="CodeChar" />"#, "Ctrl")));
    assert!(
        document.contains(&run("<w:b /><w:bCs />", "bold")) && document.contains(&run("<w:i /><w:iCs />", "italic"))
    );
    assert!(document.contains(">Field Guide logo<"), "the image's alt text");
    // Two tables, each with its header row: the Markdown one and the HTML one.
    assert_eq!(document.matches("<w:tbl>").count(), 2);
    assert_eq!(document.matches("<w:tblHeader />").count(), 2);
    // The heading in the quote keeps its style; the inner quote is deeper.
    assert!(document.contains(r#"<w:pStyle w:val="Heading3" /><w:ind w:left="720" />"#));
    assert!(document.contains(r#"<w:pStyle w:val="Quote" /><w:ind w:left="1440" /></w:pPr><w:r><w:t xml:space="preserve">Quoted text at the second level."#));
    // The code block is one paragraph, its three lines joined by breaks.
    let code = document.split(r#"<w:pStyle w:val="Code" />"#).nth(1).and_then(|c| c.split("</w:p>").next());
    assert_eq!(code.map(|c| c.matches("<w:br />").count()), Some(2), "{code:?}");
    // Bare addresses and the HTML link are hyperlinks; javascript: is text.
    let rels = &parts["word/_rels/document.xml.rels"];
    for target in
        ["https://example.com/guide", "http://www.example.org", "https://example.cn/zh", "https://example.com/a"]
    {
        assert!(rels.contains(&format!(r#"Target="{target}" TargetMode="External""#)), "{target}: {rels}");
    }
    assert!(!rels.contains("javascript") && document.contains("javascript:alert(1) stays text"));
    assert_eq!(document.matches("<w:hyperlink ").count(), 4);
    insta::assert_snapshot!("convert_real_world_outline", document_outline(document));
}

/// Regression: a UTF-8 byte-order mark before `# Heading` made the first
/// heading a plain paragraph, through `convert` as a user runs it.
#[test]
fn convert_keeps_the_first_heading_after_a_byte_order_mark() {
    let dir = tempfile::tempdir().expect("tmp");
    let input = fixtures("docx").join("real-world-bom.md");
    assert!(std::fs::read(&input).expect("fixture").starts_with(b"\xEF\xBB\xBF#"), "the fixture starts with a BOM");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_policywright"))
        .args(["convert", input.to_str().expect("utf-8 path"), "-o", "bom.docx"])
        .current_dir(dir.path())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let bytes = std::fs::read(dir.path().join("bom.docx")).expect("written");
    let document = &unzip(&bytes)["word/document.xml"];
    assert!(document.contains(concat!(
        r#"<w:pStyle w:val="Heading1" /></w:pPr>"#,
        r#"<w:r><w:t xml:space="preserve">Heading after a byte-order mark</w:t>"#
    )));
    assert!(!document.contains('\u{FEFF}'));
    let expect = Expect {
        headings: vec![serde_json::json!({"level": 1, "text": "Heading after a byte-order mark"})],
        ..Expect::default()
    };
    write_for_check("convert-bom", &bytes, &expect);
}
