//! The frame's parts (from docx-rs) and the body (from `writer`) → a
//! finished, deterministic, compressed `.docx`.
//!
//! docx-rs 0.4.22 leaves out a few things Word users see (the document
//! language, real core properties, the "update fields" prompt for the TOC,
//! a theme), writes some property lists out of schema order, and stores zip
//! entries uncompressed. Each part is patched here, as text, before it is
//! zipped.

use std::io::{Cursor, Write};

use docx_rs::XMLDocx;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use super::Meta;
use super::schema_order::{normalise, normalise_definitions};
use super::writer::{Body, escape_into, escaped as escape};
use crate::error::{Error, ErrorCode, Result};

const HYPERLINK: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink";

pub fn package(xml: XMLDocx, body: Body, meta: &Meta, reference_styles: Option<&str>) -> Result<Vec<u8>> {
    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).unwrap_or_default();

    // The frame's body holds only the section properties; ours goes before them.
    let frame = normalise(&text(xml.document));
    let at = frame.find("<w:body>").map_or(0, |i| i + "<w:body>".len());
    let mut document = String::with_capacity(frame.len() + body.xml.len());
    document.push_str(&frame[..at]);
    document.push_str(&body.xml);
    document.push_str(&frame[at..]);

    let mut relationships = String::new();
    // Word expects a theme; docx-rs writes none.
    relationships.push_str(r#"<Relationship Id="rIdTheme1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme" Target="theme/theme1.xml" />"#);
    let mut overrides = String::from(
        r#"<Override PartName="/word/theme/theme1.xml" ContentType="application/vnd.openxmlformats-officedocument.theme+xml" />"#,
    );
    if !body.footnotes.is_empty() {
        relationships.push_str(r#"<Relationship Id="rIdFootnotes1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml" />"#);
        overrides.push_str(r#"<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml" />"#);
    }
    relationships.push_str(&link_relationships(&body.links));
    let document_rels =
        text(xml.document_rels).replace("</Relationships>", &format!("{relationships}</Relationships>"));
    let content_types = text(xml.content_type).replace("</Types>", &format!("{overrides}</Types>"));

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
    if !body.footnotes.is_empty() {
        parts.push(("word/footnotes.xml".into(), footnotes(&body.footnotes).into_bytes()));
        if !body.note_links.is_empty() {
            let rels = format!(
                "{}{}</Relationships>",
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
                link_relationships(&body.note_links)
            );
            parts.push(("word/_rels/footnotes.xml.rels".into(), rels.into_bytes()));
        }
    }
    // docx-rs numbers header and footer paragraphs from a per-thread counter;
    // they continue the body's ids instead, so every export is the same.
    let mut paragraphs = body.paragraphs;
    for (i, h) in xml.headers.into_iter().enumerate() {
        let h = renumber_paragraphs(&normalise(&text(h)), &mut paragraphs);
        parts.push((format!("word/header{}.xml", i + 1), h.into_bytes()));
        if let Some(rels) = xml.header_rels.get(i) {
            parts.push((format!("word/_rels/header{}.xml.rels", i + 1), rels.clone()));
        }
    }
    for (i, f) in xml.footers.into_iter().enumerate() {
        let f = renumber_paragraphs(&normalise(&text(f)), &mut paragraphs);
        parts.push((format!("word/footer{}.xml", i + 1), f.into_bytes()));
        if let Some(rels) = xml.footer_rels.get(i) {
            parts.push((format!("word/_rels/footer{}.xml.rels", i + 1), rels.clone()));
        }
    }
    zip_parts(parts)
}

fn link_relationships(links: &[String]) -> String {
    let mut out = String::new();
    for (i, url) in links.iter().enumerate() {
        out.push_str(&format!(r#"<Relationship Id="rIdLink{}" Type="{HYPERLINK}" Target=""#, i + 1));
        escape_into(&mut out, url, true);
        out.push_str(r#"" TargetMode="External" />"#);
    }
    out
}

fn footnotes(notes: &str) -> String {
    let mut out = String::with_capacity(notes.len() + 600);
    out.push_str(concat!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
        r#"<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" "#,
        r#"xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" "#,
        r#"xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" "#,
        r#"xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" mc:Ignorable="w14">"#,
    ));
    out.push_str(notes);
    out.push_str("</w:footnotes>");
    out
}

fn renumber_paragraphs(xml: &str, next: &mut u32) -> String {
    rewrite_values(xml, "w14:paraId=\"", |_| {
        *next += 1;
        format!("{:08X}", *next & 0x7FFF_FFFF)
    })
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
