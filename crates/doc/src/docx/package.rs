//! The body (from `body`) and every part around it → a finished,
//! deterministic, compressed `.docx`: content types, relationships,
//! document properties, and the zip itself.

use std::borrow::Cow;
use std::fmt::Write as _;

use policywright_i18n::{Error, Locale, Result};

use super::body::Body;
use super::xml::Xml;
use super::zip::{Piece, Zip};
use super::{DocxOptions, Meta, frame, styles};

const RELATIONSHIPS_NS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const VT_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes";

/// A relationship type of the Office document namespace.
macro_rules! rel {
    ($kind:literal) => {
        concat!("http://schemas.openxmlformats.org/officeDocument/2006/relationships/", $kind)
    };
}

/// A content type of a WordprocessingML part.
macro_rules! wordml {
    ($kind:literal) => {
        concat!("application/vnd.openxmlformats-officedocument.wordprocessingml.", $kind)
    };
}

/// One part: its name in the zip and its bytes.
type Part = (Cow<'static, str>, Cow<'static, [u8]>);

/// `meta` is the document's properties: the options', or a converted
/// file's own. `pieces` is the start of `document.xml`, deflated, and the
/// body's `xml` the rest.
pub fn package(body: Body, pieces: Vec<Piece>, opts: &DocxOptions, meta: &Meta) -> Result<Vec<u8>> {
    let header_text = frame::header_text(opts);
    let notes = !body.footnotes.is_empty();
    // Header and footer paragraphs continue the body's ids, so every export
    // of a document is the same.
    let mut paragraphs = body.paragraphs;
    let header = header_text.map(|text| frame::header(text, &mut paragraphs));
    let footer = frame::footer(opts, &mut paragraphs);
    // Official documents put the page number on the outer side, so even
    // pages have a footer of their own.
    let even_footer = frame::has_even_footer(opts).then(|| frame::even_footer(&mut paragraphs));
    let even = even_footer.is_some();
    // A handbook's parts: a header and footer each, naming the policy.
    let frames: Vec<(String, String)> = opts
        .part_frames
        .iter()
        .map(|f| (frame::header(&f.header_text, &mut paragraphs), frame::footer_of(opts, &f.version, &mut paragraphs)))
        .collect();
    let owned = |text: String| Cow::Owned(text.into_bytes());

    let mut parts: Vec<Part> = Vec::with_capacity(20);
    parts.push(("[Content_Types].xml".into(), owned(content_types(header.is_some(), even, notes, frames.len()))));
    parts.push(("_rels/.rels".into(), owned(package_relationships())));
    parts.push(("docProps/app.xml".into(), owned(app_properties())));
    parts.push(("docProps/core.xml".into(), owned(core_properties(meta, opts.locale))));
    parts.push(("docProps/custom.xml".into(), owned(custom_properties(meta))));
    parts.push((
        "word/_rels/document.xml.rels".into(),
        owned(document_relationships(&body, header.is_some(), even, frames.len())),
    ));
    let Body { xml, footnotes, note_links, lists, .. } = body;
    parts.push(("word/document.xml".into(), owned(frame::document_end(xml, opts, header.is_some(), even))));
    parts.push(("word/styles.xml".into(), owned(styles::write_styles(opts))));
    parts.push(("word/settings.xml".into(), owned(frame::settings(even))));
    // Our own font table names the fonts the styles use, with the free
    // fonts a reader without them should substitute.
    parts.push(("word/fontTable.xml".into(), Cow::Borrowed(include_bytes!("parts/fontTable.xml"))));
    parts.push(("word/theme/theme1.xml".into(), Cow::Borrowed(include_bytes!("parts/theme1.xml"))));
    parts.push(("word/numbering.xml".into(), owned(styles::write_numbering(opts, &lists))));
    if notes {
        parts.push(("word/footnotes.xml".into(), owned(frame::footnotes(&footnotes))));
        if !note_links.is_empty() {
            let mut w = relationships();
            links(&mut w, &note_links);
            w.close("Relationships");
            parts.push(("word/_rels/footnotes.xml.rels".into(), owned(w.finish())));
        }
    }
    if let Some(header) = header {
        parts.push(("word/header1.xml".into(), owned(header)));
    }
    parts.push(("word/footer1.xml".into(), owned(footer)));
    if let Some(footer) = even_footer {
        parts.push(("word/footer2.xml".into(), owned(footer)));
    }
    for (n, (header, footer)) in frames.into_iter().enumerate() {
        parts.push((part_header_name(n + 1).into(), owned(header)));
        parts.push((part_footer_name(n + 1).into(), owned(footer)));
    }
    zip_parts(parts, pieces)
}

/// `[Content_Types].xml`: every part's type.
/// The file names of handbook part `n`'s header and footer (from 1).
fn part_header_name(n: usize) -> String {
    format!("word/header-part{n}.xml")
}

fn part_footer_name(n: usize) -> String {
    format!("word/footer-part{n}.xml")
}

fn content_types(header: bool, even_footer: bool, notes: bool, part_frames: usize) -> String {
    let mut w = Xml::part(2048);
    w.open("Types", &[("xmlns", &"http://schemas.openxmlformats.org/package/2006/content-types")]);
    w.empty(
        "Default",
        &[("Extension", &"rels"), ("ContentType", &"application/vnd.openxmlformats-package.relationships+xml")],
    );
    w.empty("Default", &[("Extension", &"xml"), ("ContentType", &"application/xml")]);
    let mut part = |name: &str, kind: &str| w.empty("Override", &[("PartName", &name), ("ContentType", &kind)]);
    part("/docProps/app.xml", "application/vnd.openxmlformats-officedocument.extended-properties+xml");
    part("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml");
    part("/docProps/custom.xml", "application/vnd.openxmlformats-officedocument.custom-properties+xml");
    part("/word/document.xml", wordml!("document.main+xml"));
    part("/word/styles.xml", wordml!("styles+xml"));
    part("/word/settings.xml", wordml!("settings+xml"));
    part("/word/fontTable.xml", wordml!("fontTable+xml"));
    part("/word/theme/theme1.xml", "application/vnd.openxmlformats-officedocument.theme+xml");
    part("/word/numbering.xml", wordml!("numbering+xml"));
    if notes {
        part("/word/footnotes.xml", wordml!("footnotes+xml"));
    }
    if header {
        part("/word/header1.xml", wordml!("header+xml"));
    }
    part("/word/footer1.xml", wordml!("footer+xml"));
    if even_footer {
        part("/word/footer2.xml", wordml!("footer+xml"));
    }
    for n in 1..=part_frames {
        part(&format!("/{}", part_header_name(n)), wordml!("header+xml"));
        part(&format!("/{}", part_footer_name(n)), wordml!("footer+xml"));
    }
    w.close("Types");
    w.finish()
}

/// An open `Relationships` element.
fn relationships() -> Xml {
    let mut w = Xml::part(1024);
    w.open("Relationships", &[("xmlns", &RELATIONSHIPS_NS)]);
    w
}

fn relationship(w: &mut Xml, id: &str, kind: &str, target: &str) {
    w.empty("Relationship", &[("Id", &id), ("Type", &kind), ("Target", &target)]);
}

/// `_rels/.rels`: the package's own parts.
fn package_relationships() -> String {
    let mut w = relationships();
    let core = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties";
    relationship(&mut w, "rId1", core, "docProps/core.xml");
    relationship(&mut w, "rId2", rel!("extended-properties"), "docProps/app.xml");
    relationship(&mut w, "rId3", rel!("officeDocument"), "word/document.xml");
    relationship(&mut w, "rId4", rel!("custom-properties"), "docProps/custom.xml");
    w.close("Relationships");
    w.finish()
}

/// `word/_rels/document.xml.rels`: the parts the document uses, and one
/// relationship per hyperlink target (`rIdLinkN`, as the body numbers them).
fn document_relationships(body: &Body, header: bool, even_footer: bool, part_frames: usize) -> String {
    let mut w = relationships();
    relationship(&mut w, "rId1", rel!("styles"), "styles.xml");
    relationship(&mut w, "rId2", rel!("fontTable"), "fontTable.xml");
    relationship(&mut w, "rId3", rel!("settings"), "settings.xml");
    relationship(&mut w, "rId4", rel!("numbering"), "numbering.xml");
    if header {
        relationship(&mut w, frame::HEADER_ID, rel!("header"), "header1.xml");
    }
    relationship(&mut w, frame::FOOTER_ID, rel!("footer"), "footer1.xml");
    if even_footer {
        relationship(&mut w, frame::EVEN_FOOTER_ID, rel!("footer"), "footer2.xml");
    }
    for n in 1..=part_frames {
        let (header, footer) = (part_header_name(n), part_footer_name(n));
        relationship(&mut w, &frame::part_header_id(n), rel!("header"), header.trim_start_matches("word/"));
        relationship(&mut w, &frame::part_footer_id(n), rel!("footer"), footer.trim_start_matches("word/"));
    }
    // Word expects a theme.
    relationship(&mut w, "rIdTheme1", rel!("theme"), "theme/theme1.xml");
    if !body.footnotes.is_empty() {
        relationship(&mut w, "rIdFootnotes1", rel!("footnotes"), "footnotes.xml");
    }
    links(&mut w, &body.links);
    w.close("Relationships");
    w.finish()
}

/// The n-th target (from 1) is relationship `rIdLinkn`, as the body numbers them.
fn links(w: &mut Xml, targets: &[String]) {
    let mut id = String::with_capacity(16);
    for (i, url) in targets.iter().enumerate() {
        id.clear();
        let _ = write!(id, "rIdLink{}", i + 1);
        w.empty(
            "Relationship",
            &[("Id", &id), ("Type", &rel!("hyperlink")), ("Target", url), ("TargetMode", &"External")],
        );
    }
}

/// `docProps/app.xml`: nothing to say, but Word expects the part.
fn app_properties() -> String {
    let mut w = Xml::part(256);
    w.empty(
        "Properties",
        &[
            ("xmlns", &"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"),
            ("xmlns:vt", &VT_NS),
        ],
    );
    w.finish()
}

/// Core properties from the document's own data; the timestamps are the
/// version's date, never the clock.
fn core_properties(meta: &Meta, locale: Locale) -> String {
    let stamp = format!("{}T00:00:00Z", meta.date);
    let mut w = Xml::part(1024);
    w.open(
        "cp:coreProperties",
        &[
            ("xmlns:cp", &"http://schemas.openxmlformats.org/package/2006/metadata/core-properties"),
            ("xmlns:dc", &"http://purl.org/dc/elements/1.1/"),
            ("xmlns:dcterms", &"http://purl.org/dc/terms/"),
            ("xmlns:dcmitype", &"http://purl.org/dc/dcmitype/"),
            ("xmlns:xsi", &"http://www.w3.org/2001/XMLSchema-instance"),
        ],
    );
    w.text_element("dc:title", &[], &meta.title);
    w.text_element("dc:subject", &[], &meta.subject);
    w.text_element("dc:creator", &[], &meta.creator);
    w.text_element("dc:language", &[], locale.tag());
    w.text_element("cp:lastModifiedBy", &[], &meta.creator);
    w.text_element("cp:revision", &[], &meta.revision.to_string());
    w.text_element("dcterms:created", &[("xsi:type", &"dcterms:W3CDTF")], &stamp);
    w.text_element("dcterms:modified", &[("xsi:type", &"dcterms:W3CDTF")], &stamp);
    w.close("cp:coreProperties");
    w.finish()
}

/// Custom properties in the order given; property ids start at 2, as Word's do.
fn custom_properties(meta: &Meta) -> String {
    let mut w = Xml::part(512 + meta.custom.len() * 160);
    w.open(
        "Properties",
        &[("xmlns", &"http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"), ("xmlns:vt", &VT_NS)],
    );
    for (i, (name, value)) in meta.custom.iter().enumerate() {
        w.open("property", &[("fmtid", &"{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"), ("pid", &(i + 2)), ("name", name)]);
        w.text_element("vt:lpwstr", &[], value);
        w.close("property");
    }
    w.close("Properties");
    w.finish()
}

fn zip_parts(parts: Vec<Part>, mut document_pieces: Vec<Piece>) -> Result<Vec<u8>> {
    let fail = |_| Error::internal("assembling the docx package: a part is larger than 4 GiB");
    // A policy's XML deflates about tenfold; room for that saves copies.
    let size: usize = parts.iter().map(|(_, bytes)| bytes.len()).sum();
    let deflated: usize = document_pieces.iter().map(Piece::deflated_len).sum();
    let mut zip = Zip::new(size / 6 + deflated + 4096);
    for (name, bytes) in parts {
        if name == "word/document.xml" {
            zip.add_pieces(name, std::mem::take(&mut document_pieces), &bytes).map_err(fail)?;
        } else {
            zip.add(name, &bytes).map_err(fail)?;
        }
    }
    zip.finish().map_err(fail)
}
