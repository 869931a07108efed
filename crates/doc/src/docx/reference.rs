//! A reference document's styles (`convert --reference house.docx`).
//!
//! Its `word/styles.xml` is parsed once, when the reference is read, and
//! only its document defaults and style definitions are kept, written
//! again by our own writer. Whatever else the file holds (a DTD, comments,
//! processing instructions, latent styles, text after the root) never
//! reaches the package, and what does is well-formed by construction.

use std::collections::HashSet;
use std::io::Read;

use policywright_i18n::{Error, ErrorKind, Message, Result, keys, msg};
use roxmltree::{Document, Node, ParsingOptions};

use super::styles::W_NS;
use super::xml::Xml;

/// Word's own styles.xml runs to a few hundred KiB; past this it is not a
/// style sheet but a zip bomb or a mistake, and is refused before it is
/// unpacked.
pub const MAX_STYLES_BYTES: usize = 8 << 20;

/// The nodes (elements, text, comments) a reference's styles.xml may hold.
const MAX_NODES: u32 = 1 << 20;

const MC_NS: &str = "http://schemas.openxmlformats.org/markup-compatibility/2006";
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// The styles of a reference document, checked and re-serialised: its
/// styles win, ours fill in the style ids it lacks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReferenceStyles {
    /// Namespaces its styles use besides `w`, as (prefix, URI).
    namespaces: Vec<(String, String)>,
    /// The prefixes among them that the reference marks ignorable.
    ignorable: Vec<String>,
    /// Its `w:docDefaults` element, if it has one.
    doc_defaults: Option<String>,
    /// Its `w:style` elements, in its order.
    styles: String,
    /// Their style ids, sorted.
    ids: Vec<String>,
}

impl ReferenceStyles {
    /// Whether the reference defines a style with this id.
    pub fn defines(&self, id: &str) -> bool {
        self.ids.binary_search_by(|probe| probe.as_str().cmp(id)).is_ok()
    }

    /// The ids of the styles the reference defines, sorted.
    pub fn style_ids(&self) -> impl Iterator<Item = &str> {
        self.ids.iter().map(String::as_str)
    }

    /// Bytes of XML it adds to `styles.xml`.
    pub(super) fn len(&self) -> usize {
        self.styles.len() + self.doc_defaults.as_ref().map_or(0, String::len)
    }

    pub(super) fn doc_defaults(&self) -> Option<&str> {
        self.doc_defaults.as_deref()
    }

    pub(super) fn styles(&self) -> &str {
        &self.styles
    }

    /// The namespace declarations the styles need, on the `w:styles` root.
    pub(super) fn declare_namespaces(&self, w: &mut Xml) {
        for (prefix, uri) in &self.namespaces {
            w.attr(&format!("xmlns:{prefix}"), uri);
        }
        if !self.ignorable.is_empty() {
            // The mc prefix is ours: `parse` never gives it to another URI.
            if !self.namespaces.iter().any(|(_, uri)| uri == MC_NS) {
                w.attr("xmlns:mc", &MC_NS);
            }
            w.attr("mc:Ignorable", &self.ignorable.join(" "));
        }
    }
}

/// Reads the styles out of a `.docx` given as bytes; `source` names it in
/// errors.
pub fn reference_styles(docx: &[u8], source: &str) -> Result<ReferenceStyles> {
    let bad = |why: Message| {
        Error::new(ErrorKind::InvalidDocument, msg!(keys::errors::BAD_REFERENCE, source = source))
            .detail(why)
            .hint(Message::new(keys::errors::BAD_REFERENCE_HINT))
    };
    let unreadable = |reason: String| bad(msg!(keys::errors::REFERENCE_BAD_STYLES, reason = reason));
    let too_large = |size: u64| {
        bad(msg!(
            keys::errors::TOO_LARGE,
            path = "word/styles.xml",
            size = size >> 20,
            what = keys::errors::what::REFERENCE,
            max = MAX_STYLES_BYTES >> 20
        ))
    };
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx))
        .map_err(|e| bad(msg!(keys::errors::REFERENCE_NOT_ZIP, reason = e.to_string())))?;
    let part = zip.by_name("word/styles.xml").map_err(|_| bad(Message::new(keys::errors::REFERENCE_NO_STYLES)))?;
    // The size in the zip's directory may lie, so the reading stops at the
    // cap whatever it says.
    let cap = MAX_STYLES_BYTES as u64;
    if part.size() > cap {
        return Err(too_large(part.size()));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(part.size()).unwrap_or(0));
    part.take(cap + 1).read_to_end(&mut bytes).map_err(|e| unreadable(e.to_string()))?;
    if bytes.len() as u64 > cap {
        return Err(too_large(bytes.len() as u64));
    }
    let text = String::from_utf8(bytes).map_err(|e| unreadable(e.to_string()))?;
    parse(&text).map_err(|e| match e {
        Refusal::Dtd => bad(Message::new(keys::errors::REFERENCE_DTD)),
        Refusal::Other(reason) => unreadable(reason),
    })
}

/// Why a `styles.xml` cannot be used.
enum Refusal {
    /// It declares a DTD: entities, external or expanding, are never read.
    Dtd,
    Other(String),
}

impl From<String> for Refusal {
    fn from(reason: String) -> Refusal {
        Refusal::Other(reason)
    }
}

/// The defaults and styles of a `styles.xml`, or why it cannot be used.
fn parse(xml: &str) -> std::result::Result<ReferenceStyles, Refusal> {
    let xml = xml.strip_prefix('\u{feff}').unwrap_or(xml);
    // No DTD (the default), so no entity expansion; and a bound on nodes, so
    // that a style sheet of empty elements cannot take gigabytes to hold.
    // Word's own, with every latent style, has some tens of thousands.
    let options = ParsingOptions { allow_dtd: false, nodes_limit: MAX_NODES, ..ParsingOptions::default() };
    let doc = Document::parse_with_options(xml, options).map_err(|e| match e {
        roxmltree::Error::DtdDetected => Refusal::Dtd,
        e => Refusal::Other(e.to_string()),
    })?;
    let root = doc.root_element();
    if root.tag_name().namespace() != Some(W_NS) || root.tag_name().name() != "styles" {
        return Err(Refusal::Other("its root element is not w:styles".to_string()));
    }
    let ignorable_uris: Vec<&str> = root
        .attribute((MC_NS, "Ignorable"))
        .unwrap_or("")
        .split_whitespace()
        .filter_map(|prefix| root.lookup_namespace_uri(Some(prefix)))
        .collect();
    let mut out = ReferenceStyles::default();
    let mut seen = HashSet::new();
    let mut names = Names::default();
    let mut styles = Xml::fragment(xml.len());
    for child in root.children().filter(Node::is_element) {
        if child.tag_name().namespace() != Some(W_NS) {
            continue;
        }
        match child.tag_name().name() {
            "docDefaults" if out.doc_defaults.is_none() => {
                let mut defaults = Xml::fragment(1024);
                copy(child, &mut names, &mut defaults);
                out.doc_defaults = Some(defaults.finish());
            }
            "style" => {
                // A second definition of an id would never be used.
                if let Some(id) = child.attribute((W_NS, "styleId")) {
                    if !seen.insert(id) {
                        continue;
                    }
                    out.ids.push(id.to_string());
                }
                copy(child, &mut names, &mut styles);
            }
            _ => {}
        }
    }
    out.styles = styles.finish();
    out.ids.sort_unstable();
    for (uri, prefix) in names.used {
        if ignorable_uris.contains(&uri.as_str()) {
            out.ignorable.push(prefix.clone());
        }
        out.namespaces.push((prefix, uri));
    }
    Ok(out)
}

/// Prefixes for the namespaces the copied elements and attributes use: `w`
/// and `mc` for theirs, else the reference's own where it is free.
#[derive(Default)]
struct Names {
    /// (URI, prefix), except `w` and `xml`, which need no declaration.
    used: Vec<(String, String)>,
    /// The qualified name being written, reused.
    name: String,
}

impl Names {
    fn prefix<'a>(&'a mut self, node: Node<'_, '_>, uri: &str) -> &'a str {
        match uri {
            W_NS => return "w",
            XML_NS => return "xml",
            _ => {}
        }
        if let Some(i) = self.used.iter().position(|(u, _)| u == uri) {
            return &self.used[i].1;
        }
        // `mc` is kept for markup compatibility: the root's mc:Ignorable needs it.
        let taken = |p: &str, used: &[(String, String)]| {
            matches!(p, "w" | "xml" | "xmlns" | "mc") || used.iter().any(|(_, q)| q == p)
        };
        let prefix = match node.lookup_prefix(uri) {
            _ if uri == MC_NS => "mc".to_string(),
            Some(p) if !p.is_empty() && !taken(p, &self.used) => p.to_string(),
            // A default namespace, or a prefix already ours for another URI.
            _ => (1..).map(|n| format!("ns{n}")).find(|p| !taken(p, &self.used)).unwrap_or_default(),
        };
        self.used.push((uri.to_string(), prefix));
        &self.used[self.used.len() - 1].1
    }

    /// `prefix:local` (or `local` outside any namespace) in `self.name`.
    fn qualify(&mut self, node: Node<'_, '_>, uri: Option<&str>, local: &str) {
        let mut name = std::mem::take(&mut self.name);
        name.clear();
        if let Some(uri) = uri {
            name.push_str(self.prefix(node, uri));
            name.push(':');
        }
        name.push_str(local);
        self.name = name;
    }
}

/// Writes `element` and everything in it: elements, attributes and text.
/// Comments and processing instructions are left out, and so is the
/// indentation between elements. The walk is iterative, so no nesting
/// depth can exhaust the stack.
fn copy(element: Node<'_, '_>, names: &mut Names, w: &mut Xml) {
    let mut node = element;
    'walk: loop {
        if node.is_element() {
            let tag = node.tag_name();
            names.qualify(node, tag.namespace(), tag.name());
            w.start_tag(&names.name);
            for a in node.attributes() {
                names.qualify(node, a.namespace(), a.name());
                w.attr(&names.name, &a.value());
            }
            w.end_start_tag(!node.has_children());
            if let Some(child) = node.first_child() {
                node = child;
                continue;
            }
        } else if node.is_text() {
            let text = node.text().unwrap_or("");
            let between_elements = node.prev_sibling().is_some_and(|n| n.is_element())
                || node.next_sibling().is_some_and(|n| n.is_element());
            if !(between_elements && text.trim().is_empty()) {
                w.text(text);
            }
        }
        // `node` is written whole: on to its next sibling, closing every
        // element on the way up that has none.
        loop {
            if node == element {
                break 'walk;
            }
            if let Some(next) = node.next_sibling() {
                node = next;
                continue 'walk;
            }
            let Some(parent) = node.parent() else { break 'walk };
            node = parent;
            let tag = node.tag_name();
            names.qualify(node, tag.namespace(), tag.name());
            w.close(&names.name);
        }
    }
}
