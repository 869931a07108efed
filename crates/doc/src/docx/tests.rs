//! The writer's output, part by part: well-formed, in schema order, the
//! same every time, and readable by another DOCX reader.

use std::collections::BTreeMap;
use std::io::{Read, Write};

use policywright_i18n::{ErrorKind, Locale, Message, NumberingScheme, keys};
use roxmltree::{Document, Node};

use super::{DocxOptions, Meta, PageSize, TrackedBy, from_markdown, reference_styles, write};
use crate::tree::{Block, Change, Inline, Row};

const TORTURE: &str = include_str!("../../../../tests/fixtures/docx/torture.md");
const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// A policy as the templates write one: chapters, articles, a list, a
/// table, a footnote and links.
const POLICY: &str = "# Operations Staff Policy

## General provisions

### Purpose

This policy sets out duties.[^basis] See [the handbook](https://example.com/h?a=1&b=2).

### Scope

1. Every operations employee
2. Every contractor

## Duties

### Manager

| Duty | Weight |
| --- | ---: |
| Plan | 60% |
| Report | 40% |

### Specialist

- Keeps records, see [records](https://example.com/records).

[^basis]: Adopted under the [staff rules](https://example.org/rules).
";

fn unzip(bytes: &[u8]) -> BTreeMap<String, String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut parts = BTreeMap::new();
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).expect("an entry");
        let mut text = String::new();
        file.read_to_string(&mut text).expect("UTF-8 part");
        parts.insert(file.name().to_string(), text);
    }
    parts
}

fn policy_options(locale: Locale, scheme: NumberingScheme) -> DocxOptions {
    let mut opts = DocxOptions::plain(locale);
    opts.numbering = Some(scheme);
    opts.title_from_h1 = true;
    opts.toc = true;
    opts.header_text = "Example & Co. · Operations Staff Policy".into();
    opts.version = "1.2".into();
    opts.meta = Meta {
        title: "Operations Staff Policy".into(),
        subject: "HR-OPS-001".into(),
        creator: "Human <Resources>".into(),
        date: "2026-12-01".into(),
        revision: 3,
        custom: vec![
            ("Generator".into(), "Policywright".into()),
            ("Zeta".into(), "last & <first>".into()),
            ("Alpha".into(), "1.2".into()),
        ],
    };
    opts
}

/// A redline: the policy with changes on paragraphs, runs and table rows.
fn redline() -> (crate::tree::Doc, DocxOptions) {
    let mut doc = crate::markdown::parse(POLICY);
    for (n, block) in doc.blocks.iter_mut().enumerate() {
        let change = [Some(Change::Inserted), Some(Change::Deleted), Some(Change::MovedFrom(1)), None][n % 4];
        match block {
            Block::Paragraph { inlines, change: c } | Block::Heading { inlines, change: c, .. } => {
                *c = change;
                for inline in inlines {
                    if let Inline::Text { change: ic, .. } = inline {
                        *ic = change;
                    }
                }
            }
            Block::Table { rows, .. } => {
                rows.push(Row { cells: vec![vec![Inline::text("Audit")], vec![Inline::text("0%")]], change: None });
                for (i, row) in rows.iter_mut().enumerate() {
                    row.change = [Some(Change::Inserted), Some(Change::Deleted), None][i % 3];
                }
            }
            _ => {}
        }
    }
    doc.blocks.push(Block::Paragraph { inlines: vec![Inline::text("Moved here")], change: Some(Change::MovedTo(1)) });
    let mut opts = policy_options(Locale::En, NumberingScheme::Decimal);
    opts.revision = Some(TrackedBy { author: "A & <B>".into(), date: "2027-01-01T00:00:00Z".into() });
    (doc, opts)
}

fn handbook_options() -> DocxOptions {
    let mut opts = policy_options(Locale::ZhCn, NumberingScheme::ZhChapter);
    opts.parts = true;
    opts.header_text = String::new();
    opts
}

const HANDBOOK: &str =
    "# 员工手册\n\n# 运营制度\n\n## 总则\n\n### 目的\n\n正文。\n\n# 考勤制度\n\n## 总则\n\n### 适用\n\n1. 一\n2. 二\n";

/// Every kind of document the writer makes, by name.
fn documents() -> Vec<(&'static str, Vec<u8>)> {
    let (doc, redline_opts) = redline();
    let mut referenced = DocxOptions::plain(Locale::En);
    referenced.reference_styles = Some(reference_styles(&house_reference(), "house.docx").expect("a good reference"));
    vec![
        ("torture en", from_markdown(TORTURE, &DocxOptions::plain(Locale::En)).expect("converts")),
        ("torture zh", from_markdown(TORTURE, &DocxOptions::plain(Locale::ZhCn)).expect("converts")),
        ("zh-chapter", from_markdown(POLICY, &policy_options(Locale::ZhCn, NumberingScheme::ZhChapter)).expect("ok")),
        ("zh-outline", from_markdown(POLICY, &policy_options(Locale::ZhCn, NumberingScheme::ZhOutline)).expect("ok")),
        ("decimal", from_markdown(POLICY, &policy_options(Locale::En, NumberingScheme::Decimal)).expect("ok")),
        ("handbook", from_markdown(HANDBOOK, &handbook_options()).expect("converts")),
        ("redline", write(&doc, &redline_opts).expect("converts")),
        ("reference", from_markdown(TORTURE, &referenced).expect("converts")),
    ]
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in entries {
        zip.start_file(*name, options).expect("entry");
        zip.write_all(bytes).expect("write");
    }
    zip.finish().expect("zip").into_inner()
}

/// A house style sheet as another program might save it: pretty-printed,
/// with comments, latent styles, Word 2010 markup and a namespace of its own.
const HOUSE_STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!-- saved by a word processor -->
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
          xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"
          xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml"
          xmlns:house="urn:example:house"
          mc:Ignorable="w14 house">
  <w:docDefaults>
    <w:rPrDefault><w:rPr><w:rFonts w:ascii="Georgia" w:hAnsi="Georgia"/><w:sz w:val="24"/></w:rPr></w:rPrDefault>
  </w:docDefaults>
  <w:latentStyles w:defLockedState="0" w:count="1"><w:lsdException w:name="Normal" w:qFormat="1"/></w:latentStyles>
  <?house-tool keep?>
  <w:style w:type="paragraph" w:default="1" w:styleId="Normal">
    <w:name w:val="Normal"/>
    <w:rPr><w:rFonts w:ascii="Georgia" w:hAnsi="Georgia"/><w:color w:val="112233"/><w14:ligatures w14:val="standard"/></w:rPr>
  </w:style>
  <w:style w:type="paragraph" w:styleId="Heading1" house:origin="brand &amp; &quot;co&quot;">
    <w:name w:val="heading 1"/><w:basedOn w:val="Normal"/>
    <w:rPr><w:b/><w:sz w:val="40"/></w:rPr>
  </w:style>
  <w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="a second heading 1"/></w:style>
  <w:style w:type="character" w:styleId="HouseMark"><w:name w:val="House Mark"/></w:style>
</w:styles>
"#;

fn house_reference() -> Vec<u8> {
    zip_of(&[("word/styles.xml", HOUSE_STYLES.as_bytes()), ("word/document.xml", b"<w:document/>")])
}

fn element_children<'a, 'i>(node: Node<'a, 'i>) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children().filter(Node::is_element)
}

fn qname(node: Node<'_, '_>) -> String {
    let tag = node.tag_name();
    let prefix = tag.namespace().and_then(|ns| node.lookup_prefix(ns)).unwrap_or("");
    if prefix.is_empty() { tag.name().to_string() } else { format!("{prefix}:{}", tag.name()) }
}

#[test]
fn every_part_is_well_formed_and_declared() {
    for (name, bytes) in documents() {
        let parts = unzip(&bytes);
        for (part, text) in &parts {
            if part.ends_with(".xml") || part.ends_with(".rels") {
                Document::parse(text).unwrap_or_else(|e| panic!("{name}: {part} is not well-formed: {e}"));
            }
        }
        // The empty comment parts docx-rs added are gone.
        assert!(!parts.keys().any(|p| p.contains("comments")), "{name}: a comments part ships");
        let types = Document::parse(&parts["[Content_Types].xml"]).expect("content types");
        let overrides: Vec<&str> = types
            .descendants()
            .filter(|n| n.has_tag_name("Override"))
            .filter_map(|n| n.attribute("PartName"))
            .collect();
        assert!(!parts["[Content_Types].xml"].contains("comments"), "{name}");
        for part in parts.keys().filter(|p| p.ends_with(".xml") && *p != "[Content_Types].xml") {
            assert!(overrides.contains(&format!("/{part}").as_str()), "{name}: {part} has no content type");
        }
        for o in &overrides {
            assert!(parts.contains_key(&o[1..]), "{name}: {o} is declared but missing");
        }
        // Every internal relationship points at a part that exists.
        for (rels, dir) in [("_rels/.rels", ""), ("word/_rels/document.xml.rels", "word/")] {
            let doc = Document::parse(&parts[rels]).expect("relationships");
            for r in doc.descendants().filter(|n| n.has_tag_name("Relationship")) {
                if r.attribute("TargetMode") != Some("External") {
                    let target = format!("{dir}{}", r.attribute("Target").unwrap_or(""));
                    assert!(parts.contains_key(&target), "{name}: {rels} points at missing {target}");
                }
            }
            assert!(!parts[rels].contains("comments"), "{name}: {rels}");
        }
    }
}

#[test]
fn the_same_input_gives_the_same_bytes_on_any_thread() {
    for (name, bytes) in documents() {
        let again = std::thread::scope(|s| s.spawn(documents).join()).expect("thread");
        let (_, other) = again.into_iter().find(|(n, _)| *n == name).expect("same names");
        assert!(bytes == other, "{name} differs between runs");
    }
}

/// Schema sequences (ECMA-376 part 1, transitional) of the property lists
/// the writer emits.
fn sequence(parent: &str) -> Option<&'static [&'static str]> {
    Some(match parent {
        "w:pPr" => &[
            "w:pStyle",
            "w:keepNext",
            "w:keepLines",
            "w:pageBreakBefore",
            "w:numPr",
            "w:pBdr",
            "w:shd",
            "w:tabs",
            "w:spacing",
            "w:ind",
            "w:jc",
            "w:outlineLvl",
            "w:rPr",
        ],
        "w:rPr" => &[
            "w:rStyle",
            "w:rFonts",
            "w:b",
            "w:bCs",
            "w:i",
            "w:iCs",
            "w:strike",
            "w:color",
            "w:sz",
            "w:szCs",
            "w:u",
            "w:vertAlign",
            "w:lang",
            "w:ins",
            "w:del",
            "w:moveFrom",
            "w:moveTo",
        ],
        "w:numPr" => &["w:ilvl", "w:numId"],
        "w:style" => &[
            "w:name",
            "w:basedOn",
            "w:next",
            "w:uiPriority",
            "w:semiHidden",
            "w:unhideWhenUsed",
            "w:qFormat",
            "w:pPr",
            "w:rPr",
            "w:tblPr",
        ],
        "w:styles" => &["w:docDefaults", "w:style"],
        "w:docDefaults" => &["w:rPrDefault", "w:pPrDefault"],
        "w:numbering" => &["w:abstractNum", "w:num"],
        "w:lvl" => &["w:start", "w:numFmt", "w:pStyle", "w:suff", "w:lvlText", "w:lvlJc", "w:pPr"],
        "w:num" => &["w:abstractNumId", "w:lvlOverride"],
        "w:sectPr" => &["w:headerReference", "w:footerReference", "w:pgSz", "w:pgMar", "w:cols", "w:titlePg"],
        "w:settings" => &["w:zoom", "w:defaultTabStop", "w:updateFields", "w:compat"],
        "w:tblPr" => &["w:tblStyle", "w:tblW", "w:jc", "w:tblBorders", "w:tblLayout"],
        "w:tblBorders" => &["w:top", "w:left", "w:bottom", "w:right", "w:insideH", "w:insideV"],
        "w:trPr" => &["w:cantSplit", "w:trHeight", "w:tblHeader", "w:ins", "w:del"],
        "w:tcPr" => &["w:tcW", "w:vMerge", "w:shd", "w:vAlign"],
        _ => return None,
    })
}

#[test]
fn property_lists_follow_schema_order() {
    let mut checked = 0;
    for (name, bytes) in documents() {
        let parts = unzip(&bytes);
        for part in
            ["word/document.xml", "word/styles.xml", "word/numbering.xml", "word/settings.xml"].into_iter().chain(
                ["word/header1.xml", "word/footer1.xml", "word/footnotes.xml"]
                    .into_iter()
                    .filter(|p| parts.contains_key(*p)),
            )
        {
            let doc = Document::parse(&parts[part]).expect("well-formed");
            for parent in doc.descendants().filter(Node::is_element) {
                let parent_name = qname(parent);
                // The reference's own styles are copied as they were written.
                if name == "reference" && part == "word/styles.xml" && parent_name != "w:styles" {
                    continue;
                }
                let Some(order) = sequence(&parent_name) else { continue };
                let ranks: Vec<(usize, String)> = element_children(parent)
                    .map(|c| {
                        let child = qname(c);
                        let rank = order.iter().position(|o| *o == child);
                        (
                            rank.unwrap_or_else(|| panic!("{name} {part}: <{child}> unexpected in <{parent_name}>")),
                            child,
                        )
                    })
                    .collect();
                assert!(
                    ranks.windows(2).all(|w| w[0].0 <= w[1].0),
                    "{name} {part}: children of <{parent_name}> out of order: {:?}",
                    ranks.iter().map(|(_, c)| c.as_str()).collect::<Vec<_>>()
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 1000, "only {checked} property lists checked");
}

#[test]
fn a_style_says_what_it_always_said() {
    let parts = unzip(&from_markdown(POLICY, &policy_options(Locale::ZhCn, NumberingScheme::ZhChapter)).expect("ok"));
    let styles = &parts["word/styles.xml"];
    let heading1 = styles.split(r#"w:styleId="Heading1">"#).nth(1).and_then(|s| s.split("</w:style>").next());
    assert_eq!(
        heading1,
        Some(concat!(
            r#"<w:name w:val="heading 1" /><w:basedOn w:val="Normal" /><w:next w:val="Normal" /><w:qFormat />"#,
            r#"<w:pPr><w:keepNext /><w:keepLines /><w:numPr><w:ilvl w:val="0" /><w:numId w:val="2" /></w:numPr>"#,
            r#"<w:spacing w:before="360" w:after="120" /><w:jc w:val="center" /><w:outlineLvl w:val="0" /></w:pPr>"#,
            r#"<w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial" w:cs="Arial" w:eastAsia="SimHei" /><w:b /><w:bCs />"#,
            r#"<w:sz w:val="32" /><w:szCs w:val="32" /></w:rPr>"#
        ))
    );
    assert!(styles.contains(concat!(
        r#"<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" "#,
        r#"w:cs="Times New Roman" w:eastAsia="SimSun" /><w:sz w:val="24" /><w:szCs w:val="24" />"#,
        r#"<w:lang w:val="zh-CN" w:eastAsia="zh-CN" w:bidi="ar-SA" /></w:rPr></w:rPrDefault></w:docDefaults>"#
    )));
    // Chinese body text: 小四, 1.5 lines, justified, two characters in.
    assert!(styles.contains(concat!(
        r#"<w:style w:type="paragraph" w:styleId="BodyText"><w:name w:val="Body Text" /><w:basedOn w:val="Normal" />"#,
        r#"<w:qFormat /><w:pPr><w:ind w:left="0" w:right="0" w:firstLine="480" w:firstLineChars="200" />"#,
        r#"<w:jc w:val="both" /></w:pPr></w:style>"#
    )), "{styles}");
    assert!(styles.contains(r#"<w:spacing w:after="120" w:line="360" />"#));
    // Articles and items number in a list of their own (第…条, 一、).
    assert!(styles.contains(r#"<w:numPr><w:ilvl w:val="0" /><w:numId w:val="5" /></w:numPr>"#));
    assert!(styles.contains(r#"<w:numPr><w:ilvl w:val="1" /><w:numId w:val="5" /></w:numPr>"#));
    assert!(styles.contains(concat!(
        r#"<w:style w:type="table" w:styleId="TableNormal"><w:name w:val="Normal Table" />"#,
        r#"<w:uiPriority w:val="99" /><w:semiHidden /><w:unhideWhenUsed /><w:qFormat /><w:tblPr>"#
    )));
    assert!(styles.contains(r#"<w:rPr><w:vertAlign w:val="superscript" /></w:rPr>"#));
    let doc = Document::parse(styles).expect("styles");
    let ids: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name((W, "style")))
        .filter_map(|n| n.attribute((W, "styleId")))
        .collect();
    assert_eq!(
        ids,
        [
            "Normal",
            "BodyText",
            "Title",
            "PartTitle",
            "Subtitle",
            "Author",
            "Date",
            "Heading1",
            "Heading2",
            "Heading3",
            "Heading4",
            "Heading5",
            "Heading6",
            "ListParagraph",
            "Caption",
            "Quote",
            "Code",
            "TableText",
            "TOCHeading",
            "TOC1",
            "TOC2",
            "TOC3",
            "Header",
            "Footer",
            "FootnoteText",
            "TableNormal",
            "TableGrid",
            "Hyperlink",
            "FootnoteReference",
            "CodeChar"
        ]
    );
    // English text, and no heading numbers without a scheme.
    let en = unzip(&from_markdown(TORTURE, &DocxOptions::plain(Locale::En)).expect("ok"));
    assert!(en["word/styles.xml"].contains(r#"<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA" />"#));
    assert!(!en["word/styles.xml"].contains("<w:numPr>"));
    assert!(en["word/styles.xml"].contains(r#"w:ascii="Calibri Light""#));
}

#[test]
fn every_list_a_paragraph_uses_is_defined_and_restarts() {
    for (name, bytes) in documents() {
        let parts = unzip(&bytes);
        let numbering = Document::parse(&parts["word/numbering.xml"]).expect("numbering");
        let abstracts: Vec<&str> = numbering
            .descendants()
            .filter(|n| n.has_tag_name((W, "abstractNum")))
            .filter_map(|n| n.attribute((W, "abstractNumId")))
            .collect();
        let mut nums = Vec::new();
        for num in numbering.descendants().filter(|n| n.has_tag_name((W, "num"))) {
            let of = element_children(num).find(|c| c.has_tag_name((W, "abstractNumId")));
            let abstract_id = of.and_then(|c| c.attribute((W, "val"))).expect("an abstract list");
            assert!(abstracts.contains(&abstract_id), "{name}: w:num of undefined list {abstract_id}");
            nums.push(num.attribute((W, "numId")).expect("an id"));
        }
        for part in ["word/document.xml", "word/styles.xml"] {
            for used in parts[part].split("<w:numId w:val=\"").skip(1).map(|r| r.split('"').next().unwrap_or("")) {
                assert!(nums.contains(&used), "{name}: {part} uses undefined list {used}");
            }
        }
    }
    let torture = unzip(&from_markdown(TORTURE, &DocxOptions::plain(Locale::En)).expect("ok"));
    let numbering = &torture["word/numbering.xml"];
    assert!(numbering.contains(r#"<w:abstractNum w:abstractNumId="3"><w:lvl w:ilvl="0"><w:start w:val="1" />"#));
    assert!(numbering.contains(concat!(
        r#"<w:lvl w:ilvl="1"><w:start w:val="1" /><w:numFmt w:val="lowerLetter" /><w:lvlText w:val="%2." />"#,
        r#"<w:lvlJc w:val="left" /><w:pPr><w:ind w:left="840" w:right="0" w:hanging="400" /></w:pPr></w:lvl>"#
    )));
    assert_eq!(numbering.matches("<w:startOverride").count(), 5, "one per ordered list");
    assert!(numbering.contains(concat!(
        r#"<w:num w:numId="12"><w:abstractNumId w:val="4" /><w:lvlOverride w:ilvl="2">"#,
        r#"<w:startOverride w:val="1" /></w:lvlOverride></w:num>"#
    )));
    assert!(numbering.contains(r#"<w:startOverride w:val="3" />"#));
    // A handbook's second part numbers its chapters and articles from 1 again.
    let handbook = unzip(&from_markdown(HANDBOOK, &handbook_options()).expect("ok"));
    let numbering = &handbook["word/numbering.xml"];
    assert!(
        numbering.contains(r#"<w:lvlText w:val="第%1章" />"#) && numbering.contains(r#"<w:lvlText w:val="第%1条" />"#)
    );
    for abstract_id in ["2", "5"] {
        let restart = format!(
            r#"<w:abstractNumId w:val="{abstract_id}" /><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1" />"#
        );
        assert!(numbering.contains(&restart), "part lists of {abstract_id}");
    }
}

#[test]
fn header_and_footer_paragraph_ids_follow_the_body() {
    let parts = unzip(&from_markdown(POLICY, &policy_options(Locale::En, NumberingScheme::Decimal)).expect("ok"));
    let ids = |part: &str| -> Vec<u32> {
        parts[part]
            .split("w14:paraId=\"")
            .skip(1)
            .map(|r| u32::from_str_radix(r.split('"').next().unwrap_or(""), 16).expect("hex id"))
            .collect()
    };
    let mut body: Vec<u32> = ids("word/document.xml");
    body.extend(ids("word/footnotes.xml"));
    body.sort_unstable();
    let last = body.len() as u32;
    assert_eq!(body, (1..=last).collect::<Vec<_>>(), "the body counts its ids from 1");
    assert_eq!(ids("word/header1.xml"), [last + 1]);
    assert_eq!(ids("word/footer1.xml"), [last + 2]);
    // Without a header the footer comes straight after the body.
    let plain = unzip(&from_markdown(POLICY, &DocxOptions::plain(Locale::En)).expect("ok"));
    let body_ids = plain["word/document.xml"].matches("w14:paraId").count()
        + plain["word/footnotes.xml"].matches("w14:paraId").count();
    assert!(plain["word/footer1.xml"].contains(&format!("w14:paraId=\"{:08X}\"", body_ids + 1)));
    assert!(!plain.contains_key("word/header1.xml"));
}

#[test]
fn header_footer_and_section_carry_the_policy() {
    let parts = unzip(&from_markdown(POLICY, &policy_options(Locale::ZhCn, NumberingScheme::ZhChapter)).expect("ok"));
    let header = &parts["word/header1.xml"];
    assert!(header.contains(r#"<w:pStyle w:val="Header" /><w:jc w:val="right" /></w:pPr>"#));
    assert!(header.contains(">Example &amp; Co. · Operations Staff Policy</w:t>"));
    let footer = &parts["word/footer1.xml"];
    assert!(
        footer.contains(r#"<w:pStyle w:val="Footer" /></w:pPr><w:r><w:t xml:space="preserve">v1.2 · </w:t></w:r>"#)
    );
    let words = Message::new(keys::docx::FOOTER).render(Locale::ZhCn);
    let before = words.split("{page}").next().unwrap_or("");
    assert!(!before.is_empty() && footer.contains(&format!(">{before}</w:t>")), "{footer}");
    for field in ["PAGE", "NUMPAGES"] {
        assert!(footer.contains(&format!(
            concat!(
                r#"<w:r><w:fldChar w:fldCharType="begin" /><w:instrText>{}</w:instrText>"#,
                r#"<w:fldChar w:fldCharType="separate" /><w:t xml:space="preserve">1</w:t>"#,
                r#"<w:fldChar w:fldCharType="end" /></w:r>"#
            ),
            field
        )));
    }
    let document = &parts["word/document.xml"];
    assert!(document.ends_with(concat!(
        r#"<w:sectPr><w:headerReference w:type="default" r:id="rIdHeader1" />"#,
        r#"<w:footerReference w:type="default" r:id="rIdFooter1" /><w:pgSz w:w="11906" w:h="16838" />"#,
        r#"<w:pgMar w:top="1440" w:right="1588" w:bottom="1440" w:left="1588" w:header="720" w:footer="720" w:gutter="0" />"#,
        r#"<w:cols w:space="425" w:num="1" /><w:titlePg /></w:sectPr></w:body></w:document>"#
    )), "the cover has neither header nor page number");
    // TOC entries link to their headings and give their pages in PAGEREF
    // fields, which LibreOffice computes at layout (it keeps a TOC field's
    // text as written, so the entries are not in one).
    assert!(!document.contains(" TOC "), "no TOC field");
    let first = document.split("<w:bookmarkStart ").nth(1).expect("a bookmarked heading");
    assert!(first.starts_with(r#"w:id="1000001" w:name="_Toc00000001" />"#), "{first}");
    assert!(document.contains(r#"<w:hyperlink w:anchor="_Toc00000001" w:history="1">"#));
    assert!(document.contains(r#"<w:instrText xml:space="preserve"> PAGEREF _Toc00000001 \h </w:instrText>"#));
    assert_eq!(document.matches("<w:bookmarkStart ").count(), document.matches(" PAGEREF ").count());
    assert!(parts["word/settings.xml"].contains(r#"<w:defaultTabStop w:val="840" /><w:updateFields w:val="true" />"#));
    let mut letter = DocxOptions::plain(Locale::ZhCn);
    letter.page = PageSize::Letter;
    let letter = unzip(&from_markdown(POLICY, &letter).expect("ok"));
    assert!(letter["word/document.xml"].contains(r#"<w:pgSz w:w="12240" w:h="15840" />"#));
    assert!(letter["word/document.xml"].contains(r#"w:right="1440""#));
    assert!(!letter["word/document.xml"].contains("headerReference"));
    assert!(!letter["word/footer1.xml"].contains(" · "), "no version, no version text");
}

#[test]
fn properties_are_the_documents_own_in_the_order_given() {
    let parts = unzip(&from_markdown(POLICY, &policy_options(Locale::ZhCn, NumberingScheme::ZhChapter)).expect("ok"));
    let core = &parts["docProps/core.xml"];
    assert!(core.contains("<dc:title>Operations Staff Policy</dc:title><dc:subject>HR-OPS-001</dc:subject>"));
    assert!(core.contains("<dc:creator>Human &lt;Resources&gt;</dc:creator><dc:language>zh-CN</dc:language>"));
    assert!(core.contains("<cp:revision>3</cp:revision>"));
    assert!(core.contains(r#"<dcterms:modified xsi:type="dcterms:W3CDTF">2026-12-01T00:00:00Z</dcterms:modified>"#));
    let custom = Document::parse(&parts["docProps/custom.xml"]).expect("custom");
    let props: Vec<(&str, &str, &str)> = custom
        .descendants()
        .filter(|n| n.has_tag_name("property"))
        .map(|p| {
            let value = p.first_element_child().and_then(|v| v.text()).unwrap_or("");
            (p.attribute("pid").unwrap_or(""), p.attribute("name").unwrap_or(""), value)
        })
        .collect();
    assert_eq!(props, [("2", "Generator", "Policywright"), ("3", "Zeta", "last & <first>"), ("4", "Alpha", "1.2")]);
}

#[test]
fn links_and_notes_have_their_relationships() {
    let parts = unzip(&from_markdown(POLICY, &DocxOptions::plain(Locale::En)).expect("ok"));
    let rels = &parts["word/_rels/document.xml.rels"];
    assert!(rels.contains(concat!(
        r#"<Relationship Id="rIdLink1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" "#,
        r#"Target="https://example.com/h?a=1&amp;b=2" TargetMode="External" />"#
    )));
    assert!(rels.contains(r#"Id="rIdLink2""#) && rels.contains(r#"Target="footnotes.xml""#));
    assert!(parts["word/_rels/footnotes.xml.rels"].contains(r#"Id="rIdLink1""#));
    assert!(parts["word/_rels/footnotes.xml.rels"].contains("https://example.org/rules"));
    let notes = Document::parse(&parts["word/footnotes.xml"]).expect("footnotes");
    let text: String = notes.descendants().filter(|n| n.has_tag_name((W, "t"))).filter_map(|n| n.text()).collect();
    assert!(text.contains("Adopted under the staff rules."), "{text}");
    // A document without notes or links has neither.
    let bare = unzip(&from_markdown("# Title\n\nText.", &DocxOptions::plain(Locale::En)).expect("ok"));
    assert!(!bare.contains_key("word/footnotes.xml") && !bare.contains_key("word/_rels/footnotes.xml.rels"));
    assert!(!bare["word/_rels/document.xml.rels"].contains("rIdLink"));
    assert!(!bare["[Content_Types].xml"].contains("footnotes"));
}

#[test]
fn a_reference_lends_its_styles_and_ours_fill_the_gaps() {
    let reference = reference_styles(&house_reference(), "house.docx").expect("a good reference");
    assert_eq!(reference.style_ids().collect::<Vec<_>>(), ["Heading1", "HouseMark", "Normal"]);
    let mut opts = DocxOptions::plain(Locale::En);
    opts.reference_styles = Some(reference);
    let parts = unzip(&from_markdown(TORTURE, &opts).expect("converts"));
    let styles = &parts["word/styles.xml"];
    let doc = Document::parse(styles).expect("re-serialised styles are well-formed");
    let ids: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name((W, "style")))
        .filter_map(|n| n.attribute((W, "styleId")))
        .collect();
    // Theirs first, in their order and once each; then ours they lack.
    assert_eq!(&ids[..3], ["Normal", "Heading1", "HouseMark"]);
    for id in ["Heading2", "Title", "Hyperlink", "FootnoteReference", "TableGrid"] {
        assert_eq!(ids.iter().filter(|i| **i == id).count(), 1, "{id}");
    }
    assert_eq!(ids.iter().filter(|i| **i == "Normal" || **i == "Heading1").count(), 2);
    // Their defaults win; what is not a default or a style stays behind.
    assert!(styles.contains(r#"<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Georgia" w:hAnsi="Georgia" />"#));
    assert!(!styles.contains("Times New Roman") && !styles.contains(r#"w:val="en-US""#));
    for gone in ["latentStyles", "<!--", "<?house-tool", "a second heading 1", "\n"] {
        assert!(!styles.contains(gone), "{gone} was copied");
    }
    // Attributes and their namespaces survive, escaped again.
    assert!(styles.contains(r#"<w:style w:type="paragraph" w:default="1" w:styleId="Normal">"#));
    assert!(styles.contains(r#"house:origin="brand &amp; &quot;co&quot;""#));
    assert!(styles.contains(r#"<w14:ligatures w14:val="standard" />"#));
    let root = doc.root_element();
    assert_eq!(root.lookup_namespace_uri(Some("house")), Some("urn:example:house"));
    assert_eq!(root.lookup_namespace_uri(Some("w14")), Some("http://schemas.microsoft.com/office/word/2010/wordml"));
    assert_eq!(
        root.attribute(("http://schemas.openxmlformats.org/markup-compatibility/2006", "Ignorable")),
        Some("w14 house")
    );
    // Our own documents work as references, as `convert --reference` uses them.
    let ours = from_markdown(POLICY, &policy_options(Locale::ZhCn, NumberingScheme::ZhChapter)).expect("ok");
    let mut opts = DocxOptions::plain(Locale::En);
    opts.reference_styles = Some(reference_styles(&ours, "ours.docx").expect("our own styles"));
    let parts = unzip(&from_markdown(TORTURE, &opts).expect("converts"));
    assert_eq!(parts["word/styles.xml"].matches(r#"w:styleId="Heading1""#).count(), 1);
    assert!(parts["word/styles.xml"].contains(r#"w:eastAsia="SimHei""#));
}

/// The error a bad reference gives: invalid, and why.
fn refusal(docx: &[u8]) -> (ErrorKind, Vec<&'static str>) {
    let err = reference_styles(docx, "house.docx").expect_err("refused");
    let key = |m: &Message| match m {
        Message::Keyed { key, .. } => key.name(),
        Message::Verbatim(_) => "verbatim",
    };
    assert_eq!(key(&err.message), keys::errors::BAD_REFERENCE.name());
    assert_eq!(err.hint.as_ref().map(key), Some(keys::errors::BAD_REFERENCE_HINT.name()));
    assert!(err.render(Locale::En).contains("house.docx cannot be used as a reference document"));
    (err.kind, err.details.iter().map(key).collect())
}

fn with_styles(styles: &str) -> Vec<u8> {
    zip_of(&[("word/styles.xml", styles.as_bytes())])
}

#[test]
fn a_reference_with_a_dtd_is_refused() {
    let laughs = r#"<?xml version="1.0"?>
<!DOCTYPE w:styles [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:style w:styleId="Normal"><w:name w:val="&lol3;"/></w:style></w:styles>"#;
    let (kind, details) = refusal(&with_styles(laughs));
    assert_eq!((kind, details), (ErrorKind::InvalidDocument, vec![keys::errors::REFERENCE_DTD.name()]));
    let external = r#"<!DOCTYPE w:styles SYSTEM "file:///etc/passwd"><w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>"#;
    assert_eq!(refusal(&with_styles(external)).1, [keys::errors::REFERENCE_DTD.name()]);
}

#[test]
fn a_reference_that_is_not_a_style_sheet_is_refused() {
    let bad_styles = vec![keys::errors::REFERENCE_BAD_STYLES.name()];
    let root = r#"<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:style w:styleId="A"/></w:styles>"#;
    for junk in ["<w:styles/>", "trailing text", "<!-- fine --><x/>"] {
        assert_eq!(refusal(&with_styles(&format!("{root}{junk}"))).1, bad_styles, "junk after the root: {junk}");
    }
    assert_eq!(refusal(&with_styles(&root[..root.len() - 3])).1, bad_styles, "cut short");
    assert_eq!(refusal(&with_styles("<document/>")).1, bad_styles, "not w:styles");
    assert_eq!(refusal(&zip_of(&[("word/styles.xml", b"\xff\xfe<")])).1, bad_styles, "not UTF-8");
    assert_eq!(
        refusal(&zip_of(&[("word/document.xml", root.as_bytes())])).1,
        [keys::errors::REFERENCE_NO_STYLES.name()]
    );
    assert_eq!(refusal(b"# not a docx").1, [keys::errors::REFERENCE_NOT_ZIP.name()]);
    // A styles.xml past the cap is refused before it is parsed: a zip bomb
    // of a few KiB would unpack to gigabytes.
    let huge = format!("{root}{}", " ".repeat(super::MAX_STYLES_BYTES));
    let (kind, details) = refusal(&with_styles(&huge));
    assert_eq!((kind, details), (ErrorKind::InvalidDocument, vec![keys::errors::TOO_LARGE.name()]));
    // So is one of a million empty elements, small as it is.
    let crowded = format!("{}{}</w:styles>", &root[..root.len() - "</w:styles>".len()], "<w:x/>".repeat(1 << 20));
    assert!(crowded.len() < super::MAX_STYLES_BYTES);
    assert_eq!(refusal(&with_styles(&crowded)).1, bad_styles, "too many nodes");
    // Just under the cap is still a style sheet.
    let padded = format!("{}{}", " ".repeat(super::MAX_STYLES_BYTES - root.len()), root);
    assert!(reference_styles(&with_styles(&padded), "big.docx").is_ok());
}

#[test]
fn another_reader_reads_our_documents_back() {
    let torture =
        docx_rs::read_docx(&from_markdown(TORTURE, &DocxOptions::plain(Locale::En)).expect("ok")).expect("reads");
    let json = torture.json();
    for text in ["Markdown torture test", "Deepest ordered", "工作业绩", "code block", "עברית"] {
        assert!(json.contains(text), "{text} lost");
    }
    assert!(torture.styles.styles.iter().any(|s| s.style_id == "Heading1"));
    assert_eq!(torture.numberings.abstract_nums.iter().map(|a| a.id).collect::<Vec<_>>(), [3, 4]);
    assert!(json.contains("https://example.com/policy?a=1&b=2"), "the hyperlink's target");

    let mut opts = policy_options(Locale::ZhCn, NumberingScheme::ZhChapter);
    opts.parts = true;
    let (doc, _) = redline();
    opts.revision = Some(TrackedBy { author: "Reviewer".into(), date: "2027-01-01T00:00:00Z".into() });
    let bytes = write(&doc, &opts).expect("converts");
    let read = docx_rs::read_docx(&bytes).expect("reads");
    let json = read.json();
    for text in
        ["General provisions", "Every contractor", "Report", "Moved here", "Reviewer", "chineseCounting", "第%1条"]
    {
        assert!(json.contains(text), "{text} lost");
    }
    assert!(json.contains("https://example.com/records"));
    assert!(read.styles.styles.iter().any(|s| s.style_id == "TOCHeading"));
    assert!(read.numberings.numberings.len() > 3);
    assert!(json.contains("Example & Co. · Operations Staff Policy"), "the header");
    assert!(json.contains("v1.2 · "), "the footer");
    assert!(json.contains("Policywright"), "custom properties");
    let paragraphs =
        read.document.children.iter().filter(|c| matches!(c, docx_rs::DocumentChild::Paragraph(_))).count();
    assert!(paragraphs > 10, "{paragraphs} paragraphs");
}

/// Items inside Chinese articles printed "1./a./i." and could not be cited
/// as 第…条第（三）项.
#[test]
fn chinese_items_number_as_articles_are_cited() {
    let chapter = unzip(&from_markdown(POLICY, &policy_options(Locale::ZhCn, NumberingScheme::ZhChapter)).expect("ok"));
    let numbering = &chapter["word/numbering.xml"];
    let ordered = numbering
        .split(r#"<w:abstractNum w:abstractNumId="4">"#)
        .nth(1)
        .and_then(|s| s.split("</w:abstractNum>").next())
        .expect("ordered list");
    for (level, format, text) in [(0, "chineseCounting", "（%1）"), (1, "decimal", "%2."), (2, "decimal", "（%3）")]
    {
        let expected = format!(
            r#"<w:lvl w:ilvl="{level}"><w:start w:val="1" /><w:numFmt w:val="{format}" /><w:suff w:val="nothing" /><w:lvlText w:val="{text}" />"#
        );
        assert!(ordered.contains(&expected), "{expected}\n{ordered}");
    }
    assert!(ordered.contains(r#"<w:ind w:left="0" w:right="0" w:firstLine="480" w:firstLineChars="200" />"#));
    let outline = unzip(&from_markdown(POLICY, &policy_options(Locale::ZhCn, NumberingScheme::ZhOutline)).expect("ok"));
    assert!(
        outline["word/numbering.xml"]
            .contains(r#"<w:numFmt w:val="decimal" /><w:suff w:val="nothing" /><w:lvlText w:val="（%1）" />"#)
    );
    let english = unzip(&from_markdown(POLICY, &policy_options(Locale::En, NumberingScheme::Decimal)).expect("ok"));
    assert!(english["word/numbering.xml"].contains(r#"<w:numFmt w:val="lowerLetter" /><w:lvlText w:val="%2." />"#));
}

/// The ladder's empty 对应岗位 / Positions column got about 1 cm, and its
/// header wrapped one character per line ("对/应/岗/位", "Position s").
#[test]
fn an_empty_column_is_as_wide_as_its_header() {
    let long = "At least two years as Operations Specialist, an annual rating of B or better, and the ability to run a project. ".repeat(3);
    for (head, locale) in [("Positions", Locale::En), ("对应岗位", Locale::ZhCn)] {
        let md = format!(
            "| Level | Grade | {head} | Requirements |\n| --- | ---: | --- | --- |\n| Supervisor | 3 | | {long} |\n| Manager | 4 | | {long} |\n"
        );
        let parts = unzip(&from_markdown(&md, &DocxOptions::plain(locale)).expect("ok"));
        let grid: Vec<usize> = parts["word/document.xml"]
            .split("<w:gridCol w:w=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next()?.parse().ok())
            .collect();
        assert_eq!(grid.len(), 4, "{grid:?}");
        // Nine letters of bold 11-point text, or four characters, and margins.
        assert!(grid[2] >= 1_400, "{head}: {grid:?}");
        assert!(grid[3] > grid[2] * 2, "the long column still gets the room: {grid:?}");
    }
}

/// Regression: each line of a code block was a paragraph of its own with no
/// space after, so the block had no frame and the next paragraph touched it.
#[test]
fn a_code_block_is_one_shaded_paragraph_with_breaks_and_space_after() {
    let md = "Before.\n\n```\nfn main() {\n\tprintln!(\"<hi>\");\n\n}\n```\nAfter.\n";
    let parts = unzip(&from_markdown(md, &DocxOptions::plain(Locale::En)).expect("converts"));
    let document = Document::parse(&parts["word/document.xml"]).expect("xml");
    let code: Vec<Node<'_, '_>> = document
        .descendants()
        .filter(|n| n.has_tag_name((W, "p")))
        .filter(|p| p.descendants().any(|d| d.has_tag_name((W, "pStyle")) && d.attribute((W, "val")) == Some("Code")))
        .collect();
    assert_eq!(code.len(), 1, "one paragraph for the whole block");
    let breaks = code[0].descendants().filter(|d| d.has_tag_name((W, "br"))).count();
    assert_eq!(breaks, 3, "a break between each of the four lines, the empty one too");
    let text: String = code[0].descendants().filter(|d| d.has_tag_name((W, "t"))).filter_map(|t| t.text()).collect();
    assert_eq!(text, "fn main() {    println!(\"<hi>\");}");
    let styles = Document::parse(&parts["word/styles.xml"]).expect("xml");
    let style = styles
        .descendants()
        .find(|n| n.has_tag_name((W, "style")) && n.attribute((W, "styleId")) == Some("Code"))
        .expect("the Code style");
    let fill = style.descendants().find(|n| n.has_tag_name((W, "shd"))).and_then(|n| n.attribute((W, "fill")));
    assert_eq!(fill, Some("F2F2F2"), "lightly shaded");
    let after = style.descendants().find(|n| n.has_tag_name((W, "spacing"))).and_then(|n| n.attribute((W, "after")));
    assert!(after.and_then(|a| a.parse::<u32>().ok()).is_some_and(|a| a >= 120), "space after: {after:?}");
}

/// Regression: YAML front matter became a heading and a paragraph of the
/// text ("title: …") instead of the document's title block and properties.
#[test]
fn front_matter_is_the_title_block_and_the_core_properties() {
    let md = "---\ntitle: Field Guide\nauthor:\n  - Ann Lee\n  - Bo Chen\ndate: 2026-11-30\nlayout: page\n---\n\n# First chapter\n\nText.\n";
    let parts = unzip(&from_markdown(md, &DocxOptions::plain(Locale::En)).expect("converts"));
    let document = &parts["word/document.xml"];
    let styled = |style: &str, text: &str| {
        document.contains(&format!(
            "<w:pStyle w:val=\"{style}\" /></w:pPr><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>"
        ))
    };
    assert!(styled("Title", "Field Guide") && styled("Author", "Ann Lee") && styled("Author", "Bo Chen"));
    assert!(styled("Date", "2026-11-30") && styled("Heading1", "First chapter"), "{document}");
    for gone in ["title:", "layout", "---"] {
        assert!(!document.contains(gone), "{gone} printed");
    }
    let core = &parts["docProps/core.xml"];
    assert!(core.contains("<dc:title>Field Guide</dc:title>"), "{core}");
    assert!(core.contains("<dc:creator>Ann Lee; Bo Chen</dc:creator>"), "{core}");
    assert!(core.contains(">2026-11-30T00:00:00Z</dcterms:created>"), "{core}");

    // Malformed front matter is text, and a date that is no day is no timestamp.
    let parts = unzip(&from_markdown("---\ntitle: never closed\n", &DocxOptions::plain(Locale::En)).expect("ok"));
    assert!(parts["word/document.xml"].contains("title: never closed"));
    let parts =
        unzip(&from_markdown("---\ndate: Spring 2026\n---\nText", &DocxOptions::plain(Locale::En)).expect("ok"));
    assert!(parts["word/document.xml"].contains(">Spring 2026<"));
    assert!(parts["docProps/core.xml"].contains(">2000-01-01T00:00:00Z</dcterms:created>"));
}

/// Regression: raw HTML printed as literal tags ("<sup>7</sup>"); it is now
/// its text with Word's formatting, and an HTML table a Word table.
#[test]
fn raw_html_is_word_formatting_not_tags() {
    let md = "Note<sup>7</sup> and H<sub>2</sub>O<br>next <!-- hidden -->\n\n<table><tr><th>K</th></tr><tr><td>v</td></tr></table>\n";
    let parts = unzip(&from_markdown(md, &DocxOptions::plain(Locale::En)).expect("converts"));
    let document = &parts["word/document.xml"];
    assert!(
        document.contains(
            r#"<w:r><w:rPr><w:vertAlign w:val="superscript" /></w:rPr><w:t xml:space="preserve">7</w:t></w:r>"#
        )
    );
    assert!(document.contains(r#"<w:vertAlign w:val="subscript" />"#));
    assert!(document.contains("<w:br />"));
    assert!(document.contains("<w:tbl>") && document.contains("<w:tblHeader />"));
    for literal in ["&lt;", "hidden", "sup&gt;"] {
        assert!(!document.contains(literal), "{literal} printed");
    }
}

/// Regression: a heading in a block quote took the Quote style, and a
/// quote in a quote was laid out as one quote.
#[test]
fn headings_in_quotes_keep_their_style_and_nested_quotes_their_indent() {
    let md = "> ## Quoted heading\n>\n> Outer text.\n>\n> > Inner text.\n";
    let parts = unzip(&from_markdown(md, &DocxOptions::plain(Locale::En)).expect("converts"));
    let document = &parts["word/document.xml"];
    assert!(document.contains(concat!(
        r#"<w:pStyle w:val="Heading2" /><w:ind w:left="720" /></w:pPr>"#,
        r#"<w:r><w:t xml:space="preserve">Quoted heading</w:t>"#
    )));
    assert!(document.contains(r#"<w:pStyle w:val="Quote" /></w:pPr><w:r><w:t xml:space="preserve">Outer text."#));
    assert!(document.contains(
        r#"<w:pStyle w:val="Quote" /><w:ind w:left="1440" /></w:pPr><w:r><w:t xml:space="preserve">Inner text."#
    ));
}

/// Regression: bare URLs (GFM autolinks) were plain text in DOCX.
#[test]
fn bare_urls_are_hyperlinks_and_unsafe_links_stay_text() {
    let md = "Visit https://example.com/x, www.example.org. or javascript:alert(1) and [run](javascript:alert(1)).\n\n`https://code.example`\n";
    let parts = unzip(&from_markdown(md, &DocxOptions::plain(Locale::En)).expect("converts"));
    let rels = &parts["word/_rels/document.xml.rels"];
    assert!(rels.contains(r#"Target="https://example.com/x" TargetMode="External""#), "{rels}");
    assert!(rels.contains(r#"Target="http://www.example.org" TargetMode="External""#), "{rels}");
    assert!(!rels.contains("javascript") && !rels.contains("code.example"), "{rels}");
    let document = &parts["word/document.xml"];
    assert_eq!(document.matches("<w:hyperlink ").count(), 2);
    assert!(
        document.contains(r#"<w:rStyle w:val="Hyperlink" /></w:rPr><w:t xml:space="preserve">www.example.org</w:t>"#)
    );
}

/// A body long enough to be deflated in pieces while it is written reads
/// back whole, footnotes too, and gives the same bytes every time.
#[test]
fn a_body_deflated_in_pieces_reads_back_whole_and_the_same() {
    let md: String = (0..6000)
        .map(|i| format!("## Section {i}\n\nParagraph {i} with a note.[^n{i}] 中文段落 {i}.\n\n[^n{i}]: Note {i}.\n\n"))
        .collect();
    let opts = DocxOptions::plain(Locale::En);
    let bytes = from_markdown(&md, &opts).expect("converts");
    let parts = unzip(&bytes);
    let document = &parts["word/document.xml"];
    assert!(document.len() > 4 * super::body::PIECE, "{} bytes: not in pieces", document.len());
    Document::parse(document).expect("well-formed across the pieces");
    assert!(document.contains(">Section 0<") && document.contains(">Section 5999<"));
    assert_eq!(document.matches("<w:footnoteReference").count(), 6000);
    assert!(parts["word/footnotes.xml"].contains("Note 5999."));
    let again = std::thread::scope(|s| s.spawn(|| from_markdown(&md, &opts)).join()).expect("thread").expect("again");
    assert!(bytes == again, "the same text gives the same bytes");
}

/// Regression: two tables one after the other were written with nothing
/// between them, which Word and LibreOffice show as one table.
#[test]
fn two_tables_in_a_row_stay_two_tables() {
    let md = "| a |\n| - |\n| 1 |\n\n<table><tr><th>b</th></tr><tr><td>2</td></tr></table>\n";
    let parts = unzip(&from_markdown(md, &DocxOptions::plain(Locale::En)).expect("converts"));
    let document = &parts["word/document.xml"];
    assert_eq!(document.matches("<w:tbl>").count(), 2);
    assert!(!document.contains("</w:tbl><w:tbl>"), "a paragraph between them");
}
