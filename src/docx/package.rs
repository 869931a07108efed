//! docx-rs parts → a finished, deterministic, compressed `.docx`.
//!
//! docx-rs 0.4.22 leaves out a few things Word users see (repeating table
//! headers, the document language, real core properties, the "update fields"
//! prompt for the TOC), stores zip entries uncompressed, and numbers
//! footnotes, hyperlinks and paragraphs from process-wide counters. Each part
//! is patched here, as text, before it is zipped.

use std::io::{Cursor, Write};

use docx_rs::XMLDocx;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use super::Meta;
use super::schema_order::{normalise, normalise_definitions, normalise_document};
use super::writer::HEADER_ROW_HEIGHT;
use crate::error::{Error, ErrorCode, Result};

pub fn package(xml: XMLDocx, meta: &Meta, reference_styles: Option<&str>) -> Result<Vec<u8>> {
    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).unwrap_or_default();

    let document = text(xml.document);
    let footnotes = text(xml.footnotes);
    let document_rels = text(xml.document_rels);
    let marker = format!("<w:trHeight w:val=\"{}\" w:hRule=\"atLeast\" />", HEADER_ROW_HEIGHT as u32);
    let (document, fixes) = normalise_document(&document, &marker);
    let footnotes = footnote_marks(&replace_ids(&footnotes, "<w:footnote w:id=\"", &fixes.footnotes));
    let mut document_rels = sort_links(&replace_ids(&document_rels, "Id=\"", &fixes.links));
    // Word expects a theme; docx-rs writes none.
    document_rels = document_rels.replace(
        "</Relationships>",
        r#"<Relationship Id="rIdTheme1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme" Target="theme/theme1.xml" /></Relationships>"#,
    );
    let content_types = text(xml.content_type).replace(
        "</Types>",
        r#"<Override PartName="/word/theme/theme1.xml" ContentType="application/vnd.openxmlformats-officedocument.theme+xml" /></Types>"#,
    );

    parts.push(("[Content_Types].xml".into(), content_types.into_bytes()));
    parts.push(("_rels/.rels".into(), xml.rels));
    parts.push(("docProps/app.xml".into(), xml.doc_props.app));
    parts.push(("docProps/core.xml".into(), core_properties(meta).into_bytes()));
    // docx-rs keeps custom properties in a hash map, so their order changes
    // from run to run; they are written here in the order given.
    parts.push(("docProps/custom.xml".into(), custom_properties(meta).into_bytes()));
    parts.push(("word/_rels/document.xml.rels".into(), document_rels.into_bytes()));
    parts.push(("word/document.xml".into(), document.into_bytes()));
    let styles = normalise_definitions(&patch_styles(&text(xml.styles), &meta.lang));
    let styles = match reference_styles {
        Some(reference) => merge_styles(&styles, reference),
        None => styles,
    };
    parts.push(("word/styles.xml".into(), styles.into_bytes()));
    parts.push(("word/settings.xml".into(), normalise(&patch_settings(&text(xml.settings))).into_bytes()));
    // Our own font table names the fonts the styles use, with the free
    // fonts a reader without them should substitute.
    drop(xml.font_table);
    parts.push(("word/fontTable.xml".into(), include_bytes!("parts/fontTable.xml").to_vec()));
    parts.push(("word/theme/theme1.xml".into(), include_bytes!("parts/theme1.xml").to_vec()));
    parts.push(("word/comments.xml".into(), xml.comments));
    parts.push(("word/numbering.xml".into(), normalise_definitions(&text(xml.numberings)).into_bytes()));
    parts.push(("word/commentsExtended.xml".into(), xml.comments_extended));
    parts.push(("word/footnotes.xml".into(), normalise(&footnotes).into_bytes()));
    for (i, h) in xml.headers.into_iter().enumerate() {
        parts.push((format!("word/header{}.xml", i + 1), normalise(&text(h)).into_bytes()));
        if let Some(rels) = xml.header_rels.get(i) {
            parts.push((format!("word/_rels/header{}.xml.rels", i + 1), rels.clone()));
        }
    }
    for (i, f) in xml.footers.into_iter().enumerate() {
        parts.push((format!("word/footer{}.xml", i + 1), normalise(&text(f)).into_bytes()));
        if let Some(rels) = xml.footer_rels.get(i) {
            parts.push((format!("word/_rels/footer{}.xml.rels", i + 1), rels.clone()));
        }
    }
    zip_parts(parts)
}

/// Appends the body, footnotes, hyperlinks and list instances of `rest`
/// (the second half of a document) to `main`.
pub fn merge(mut main: XMLDocx, rest: XMLDocx) -> XMLDocx {
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    let insert_before = |target: &mut Vec<u8>, marker: &str, extra: &str, last: bool| {
        let t = text(target);
        let at = if last { t.rfind(marker) } else { t.find(marker) };
        if let Some(at) = at {
            *target = format!("{}{extra}{}", &t[..at], &t[at..]).into_bytes();
        }
    };
    // Body: everything inside <w:body> up to its section properties.
    let doc = text(&rest.document);
    let body = doc
        .find("<w:body>")
        .and_then(|start| doc.rfind("<w:sectPr").map(|end| &doc[start + "<w:body>".len()..end]))
        .unwrap_or("");
    insert_before(&mut main.document, "<w:sectPr", body, true);
    // Footnotes: every note element of the second half.
    let notes = text(&rest.footnotes);
    let extra_notes: String = elements(&notes, "<w:footnote ", "</w:footnote>").concat();
    insert_before(&mut main.footnotes, "</w:footnotes>", &extra_notes, true);
    // Hyperlinks: the second half's external relationships.
    let rels = text(&rest.document_rels);
    let links: String =
        elements(&rels, "<Relationship ", "/>").into_iter().filter(|r| r.contains("TargetMode=\"External\"")).collect();
    insert_before(&mut main.document_rels, "</Relationships>", &links, true);
    // List instances: the second half's own (ids from SECOND_HALF_LISTS up).
    let numbering = text(&rest.numberings);
    let nums: String = elements(&numbering, "<w:num ", "</w:num>")
        .into_iter()
        .filter(|n| {
            n.split("w:numId=\"")
                .nth(1)
                .and_then(|r| r.split('"').next())
                .and_then(|id| id.parse::<usize>().ok())
                .is_some_and(|id| id >= 1_000_000)
        })
        .collect();
    insert_before(&mut main.numberings, "</w:numbering>", &nums, true);
    main
}

/// Word prints a note's number only where the note says so: each note's
/// first paragraph starts with a `w:footnoteRef` (docx-rs writes none) and a
/// space before the text.
fn footnote_marks(xml: &str) -> String {
    const MARK: &str = concat!(
        r#"<w:r><w:rPr><w:rStyle w:val="FootnoteReference" /></w:rPr><w:footnoteRef /></w:r>"#,
        r#"<w:r><w:t xml:space="preserve"> </w:t></w:r>"#
    );
    let mut out = String::with_capacity(xml.len() + 256);
    let mut rest = xml;
    while let Some(i) = rest.find("<w:footnote w:id=\"") {
        // After the first paragraph's properties (or its opening tag).
        let note = &rest[i..];
        let at = match (note.find("</w:pPr>"), note.find("<w:p ")) {
            (Some(ppr), Some(p)) if ppr > p && !note[..ppr].contains("</w:p>") => ppr + "</w:pPr>".len(),
            (_, Some(p)) => note[p..].find('>').map(|e| p + e + 1).unwrap_or(0),
            _ => 0,
        };
        out.push_str(&rest[..i + at]);
        if at > 0 {
            out.push_str(MARK);
        }
        rest = &rest[i + at.max(1)..];
    }
    out.push_str(rest);
    out
}

/// docx-rs lists hyperlink relationships in hash-map order; they are put in
/// the order of their (renumbered) ids, after the other relationships.
fn sort_links(rels: &str) -> String {
    let all = elements(rels, "<Relationship ", "/>");
    let Some(first) = all.first().and_then(|f| rels.find(f)) else { return rels.to_string() };
    let end = all.last().and_then(|l| rels.rfind(l).map(|i| i + l.len())).unwrap_or(rels.len());
    let link_no =
        |r: &str| r.split("Id=\"rIdLink").nth(1).and_then(|x| x.split('"').next()).and_then(|n| n.parse::<u32>().ok());
    let (mut links, others): (Vec<&str>, Vec<&str>) = all.iter().partition(|r| link_no(r).is_some());
    links.sort_by_key(|r| link_no(r));
    format!("{}{}{}{}", &rels[..first], others.concat(), links.concat(), &rels[end..])
}

/// Every `open…close` element of `xml`, as slices.
fn elements<'a>(xml: &'a str, open: &str, close: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find(open) {
        let Some(len) = rest[i..].find(close) else { break };
        let end = i + len + close.len();
        out.push(&rest[i..end]);
        rest = &rest[end..];
    }
    out
}

fn zip_parts(parts: Vec<(String, Vec<u8>)>) -> Result<Vec<u8>> {
    let fail = |e: &dyn std::fmt::Display| Error::new(ErrorCode::Io, format!("cannot assemble the docx package: {e}"));
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    // A fixed timestamp: the same document must give the same bytes.
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        // The fastest level: a policy's XML is repetitive enough that it
        // still shrinks about tenfold.
        .compression_level(Some(1))
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644);
    for (name, bytes) in parts {
        zip.start_file(name, options).map_err(|e| fail(&e))?;
        zip.write_all(&bytes).map_err(|e| fail(&e))?;
    }
    let cursor = zip.finish().map_err(|e| fail(&e))?;
    Ok(cursor.into_inner())
}

fn replace_ids(xml: &str, prefix: &str, map: &[(String, String)]) -> String {
    rewrite_values(xml, prefix, |old| {
        map.iter().find(|(o, _)| o == old).map(|(_, new)| new.clone()).unwrap_or_else(|| old.to_string())
    })
}

fn rewrite_values(xml: &str, prefix: &str, mut f: impl FnMut(&str) -> String) -> String {
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    while let Some(i) = rest.find(prefix) {
        out.push_str(&rest[..i + prefix.len()]);
        rest = &rest[i + prefix.len()..];
        let end = rest.find('"').unwrap_or(rest.len());
        out.push_str(&f(&rest[..end]));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

fn patch_styles(xml: &str, lang: &str) -> String {
    let lang_el = format!("<w:lang w:val=\"{lang}\" w:eastAsia=\"zh-CN\" w:bidi=\"ar-SA\" />");
    // The document language lives in the default run properties.
    match xml.find("<w:rPrDefault><w:rPr>") {
        Some(i) => {
            let at = i + "<w:rPrDefault><w:rPr>".len();
            let end = xml[at..].find("</w:rPr>").map(|e| at + e).unwrap_or(at);
            format!("{}{lang_el}{}", &xml[..end], &xml[end..])
        }
        None => xml.to_string(),
    }
}

fn patch_settings(xml: &str) -> String {
    // updateFields makes Word offer to refresh the TOC and page fields when
    // the file is opened. It must stand before these in CT_Settings order.
    let update = "<w:updateFields w:val=\"true\" />";
    let later = [
        "<w:hdrShapeDefaults",
        "<w:footnotePr",
        "<w:endnotePr",
        "<w:compat",
        "<w:docVars",
        "<w:rsids",
        "<w:themeFontLang",
    ];
    match later.iter().filter_map(|tag| xml.find(tag)).min() {
        Some(i) => format!("{}{update}{}", &xml[..i], &xml[i..]),
        None => xml.replace("</w:settings>", &format!("{update}</w:settings>")),
    }
}

/// The reference document's styles, plus each of ours it does not define,
/// so every paragraph still finds its style.
fn merge_styles(ours: &str, reference: &str) -> String {
    let id_of =
        |element: &str| element.split("w:styleId=\"").nth(1).and_then(|r| r.split('"').next()).map(str::to_string);
    let mut theirs = Vec::new();
    let mut rest = reference;
    while let Some(i) = rest.find("<w:style ") {
        rest = &rest[i + 1..];
        if let Some(id) = id_of(rest.split('>').next().unwrap_or("")) {
            theirs.push(id);
        }
    }
    let mut missing = String::new();
    let mut rest = ours;
    while let Some(i) = rest.find("<w:style ") {
        let end = rest[i..].find("</w:style>").map(|e| i + e + "</w:style>".len()).unwrap_or(rest.len());
        let element = &rest[i..end];
        if let Some(id) = id_of(element.split('>').next().unwrap_or(""))
            && !theirs.contains(&id)
        {
            missing.push_str(element);
        }
        rest = &rest[end..];
    }
    match reference.rfind("</w:styles>") {
        Some(at) => format!("{}{missing}{}", &reference[..at], &reference[at..]),
        None => ours.to_string(),
    }
}

fn custom_properties(meta: &Meta) -> String {
    let mut out = String::from(concat!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
        r#"<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" "#,
        r#"xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">"#
    ));
    for (i, (name, value)) in meta.custom.iter().enumerate() {
        out.push_str(&format!(
            r#"<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{}" name="{}"><vt:lpwstr>{}</vt:lpwstr></property>"#,
            i + 2,
            escape(name),
            escape(value)
        ));
    }
    out.push_str("</Properties>");
    out
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Core properties from the document's own data; the timestamps are the
/// version's date, never the clock.
fn core_properties(meta: &Meta) -> String {
    let stamp = format!("{}T00:00:00Z", meta.date);
    format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" "#,
            r#"xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" "#,
            r#"xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
            "<dc:title>{title}</dc:title><dc:subject>{subject}</dc:subject><dc:creator>{creator}</dc:creator>",
            "<dc:language>{lang}</dc:language>",
            "<cp:lastModifiedBy>{creator}</cp:lastModifiedBy><cp:revision>{revision}</cp:revision>",
            r#"<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>"#,
            r#"<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>"#,
            "</cp:coreProperties>"
        ),
        title = escape(&meta.title),
        subject = escape(&meta.subject),
        creator = escape(&meta.creator),
        lang = escape(&meta.lang),
        revision = meta.revision,
        stamp = stamp,
    )
}
