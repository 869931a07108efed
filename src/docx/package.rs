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
use super::schema_order::{normalise, normalise_definitions};
use super::writer::HEADER_ROW_HEIGHT;
use crate::error::{Error, ErrorCode, Result};

pub fn package(xml: XMLDocx, meta: &Meta, reference_styles: Option<&str>) -> Result<Vec<u8>> {
    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).unwrap_or_default();

    let mut document = text(xml.document);
    let mut footnotes = text(xml.footnotes);
    let mut document_rels = text(xml.document_rels);
    renumber(&mut document, &mut footnotes, &mut document_rels);
    document = normalise(&patch_document(&document));
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
    parts.push(("word/footnotes.xml".into(), normalise(&patch_pprs(&footnotes)).into_bytes()));
    for (i, h) in xml.headers.into_iter().enumerate() {
        parts.push((format!("word/header{}.xml", i + 1), normalise(&patch_pprs(&text(h))).into_bytes()));
        if let Some(rels) = xml.header_rels.get(i) {
            parts.push((format!("word/_rels/header{}.xml.rels", i + 1), rels.clone()));
        }
    }
    for (i, f) in xml.footers.into_iter().enumerate() {
        parts.push((format!("word/footer{}.xml", i + 1), normalise(&patch_pprs(&text(f))).into_bytes()));
        if let Some(rels) = xml.footer_rels.get(i) {
            parts.push((format!("word/_rels/footer{}.xml.rels", i + 1), rels.clone()));
        }
    }
    zip_parts(parts)
}

fn zip_parts(parts: Vec<(String, Vec<u8>)>) -> Result<Vec<u8>> {
    let fail = |e: &dyn std::fmt::Display| Error::new(ErrorCode::Io, format!("cannot assemble the docx package: {e}"));
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    // A fixed timestamp: the same document must give the same bytes.
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(6))
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644);
    for (name, bytes) in parts {
        zip.start_file(name, options).map_err(|e| fail(&e))?;
        zip.write_all(&bytes).map_err(|e| fail(&e))?;
    }
    let cursor = zip.finish().map_err(|e| fail(&e))?;
    Ok(cursor.into_inner())
}

/// Gives footnotes, hyperlink relationships and paragraph ids numbers that
/// depend only on the document, not on what the process rendered before.
fn renumber(document: &mut String, footnotes: &mut String, rels: &mut String) {
    // Footnotes: ids 1, 2, … in order of reference (-1 and 0 are the separators).
    let mut map: Vec<(String, String)> = Vec::new();
    for id in attribute_values(document, "<w:footnoteReference w:id=\"") {
        if !map.iter().any(|(old, _)| *old == id) {
            let new = (map.len() + 1).to_string();
            map.push((id, new));
        }
    }
    *document = replace_ids(document, "<w:footnoteReference w:id=\"", &map);
    *footnotes = replace_ids(footnotes, "<w:footnote w:id=\"", &map);

    let mut links: Vec<(String, String)> = Vec::new();
    for id in attribute_values(document, "<w:hyperlink r:id=\"") {
        if !links.iter().any(|(old, _)| *old == id) {
            let new = format!("rIdLink{}", links.len() + 1);
            links.push((id, new));
        }
    }
    *document = replace_ids(document, "<w:hyperlink r:id=\"", &links);
    *rels = replace_ids(rels, "Id=\"", &links);

    let mut n = 0u32;
    *document = rewrite_values(document, "w14:paraId=\"", |_| {
        n += 1;
        format!("{n:08X}")
    });
}

fn attribute_values(xml: &str, prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find(prefix) {
        rest = &rest[i + prefix.len()..];
        if let Some(end) = rest.find('"') {
            out.push(rest[..end].to_string());
            rest = &rest[end..];
        }
    }
    out
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

/// docx-rs writes an empty `<w:rPr />` first in every paragraph's
/// properties, which is out of schema order; an empty one means nothing.
fn patch_pprs(xml: &str) -> String {
    xml.replace("<w:pPr><w:rPr /></w:pPr>", "").replace("<w:pPr><w:rPr />", "<w:pPr>")
}

fn patch_document(xml: &str) -> String {
    let marker = format!("<w:trHeight w:val=\"{}\" w:hRule=\"atLeast\" />", HEADER_ROW_HEIGHT as u32);
    // The header row repeats on every page a table runs over.
    let xml = patch_pprs(xml).replace(&marker, &format!("{marker}<w:tblHeader />"));
    // CT_TblGridCol has no type attribute; docx-rs adds one.
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml.as_str();
    while let Some(i) = rest.find("<w:gridCol ") {
        out.push_str(&rest[..i]);
        let end = rest[i..].find('>').map(|e| i + e + 1).unwrap_or(rest.len());
        out.push_str(&rest[i..end].replace(" w:type=\"dxa\"", ""));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

fn patch_styles(xml: &str, lang: &str) -> String {
    let lang_el = format!("<w:lang w:val=\"{lang}\" w:eastAsia=\"zh-CN\" w:bidi=\"ar-SA\" />");
    let xml = patch_pprs(xml);
    // The document language lives in the default run properties.
    match xml.find("<w:rPrDefault><w:rPr>") {
        Some(i) => {
            let at = i + "<w:rPrDefault><w:rPr>".len();
            let end = xml[at..].find("</w:rPr>").map(|e| at + e).unwrap_or(at);
            format!("{}{lang_el}{}", &xml[..end], &xml[end..])
        }
        None => xml,
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
