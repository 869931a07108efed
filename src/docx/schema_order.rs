//! Puts the children of WordprocessingML property elements into the order the
//! schema requires.
//!
//! docx-rs 0.4.22 writes many property lists in its own order (`<w:sz>` before
//! `<w:rFonts>`, `<w:numId>` before `<w:ilvl>`, …). Word tolerates some of it,
//! strict validators none. Rather than patch each case, the parts are parsed
//! into a light tree and the children of the elements below are stably
//! sorted by their position in the schema's sequence.

/// CT_PPr (paragraph properties).
const PPR: &[&str] = &[
    "w:pStyle",
    "w:keepNext",
    "w:keepLines",
    "w:pageBreakBefore",
    "w:framePr",
    "w:widowControl",
    "w:numPr",
    "w:suppressLineNumbers",
    "w:pBdr",
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
];

/// CT_RPr (run properties).
const RPR: &[&str] = &[
    "w:rStyle",
    "w:rFonts",
    "w:b",
    "w:bCs",
    "w:i",
    "w:iCs",
    "w:caps",
    "w:smallCaps",
    "w:strike",
    "w:dstrike",
    "w:outline",
    "w:shadow",
    "w:emboss",
    "w:imprint",
    "w:noProof",
    "w:snapToGrid",
    "w:vanish",
    "w:webHidden",
    "w:color",
    "w:spacing",
    "w:w",
    "w:kern",
    "w:position",
    "w:sz",
    "w:szCs",
    "w:highlight",
    "w:u",
    "w:effect",
    "w:bdr",
    "w:shd",
    "w:fitText",
    "w:vertAlign",
    "w:rtl",
    "w:cs",
    "w:em",
    "w:lang",
    "w:eastAsianLayout",
    "w:specVanish",
    "w:oMath",
    "w:ins",
    "w:del",
    "w:rPrChange",
];

const NUMPR: &[&str] = &["w:ilvl", "w:numId", "w:numberingChange", "w:ins"];

const LVL: &[&str] = &[
    "w:start",
    "w:numFmt",
    "w:lvlRestart",
    "w:pStyle",
    "w:isLgl",
    "w:suff",
    "w:lvlText",
    "w:lvlPicBulletId",
    "w:legacy",
    "w:lvlJc",
    "w:pPr",
    "w:rPr",
];

const STYLE: &[&str] = &[
    "w:name",
    "w:aliases",
    "w:basedOn",
    "w:next",
    "w:link",
    "w:autoRedefine",
    "w:hidden",
    "w:uiPriority",
    "w:semiHidden",
    "w:unhideWhenUsed",
    "w:qFormat",
    "w:locked",
    "w:personal",
    "w:personalCompose",
    "w:personalReply",
    "w:rsid",
    "w:pPr",
    "w:rPr",
    "w:tblPr",
    "w:trPr",
    "w:tcPr",
    "w:tblStylePr",
];

const SECTPR: &[&str] = &[
    "w:headerReference",
    "w:footerReference",
    "w:footnotePr",
    "w:endnotePr",
    "w:type",
    "w:pgSz",
    "w:pgMar",
    "w:paperSrc",
    "w:pgBorders",
    "w:lnNumType",
    "w:pgNumType",
    "w:cols",
    "w:formProt",
    "w:vAlign",
    "w:noEndnote",
    "w:titlePg",
    "w:textDirection",
    "w:bidi",
    "w:rtlGutter",
    "w:docGrid",
    "w:printerSettings",
    "w:sectPrChange",
];

const TBLPR: &[&str] = &[
    "w:tblStyle",
    "w:tblpPr",
    "w:tblOverlap",
    "w:bidiVisual",
    "w:tblStyleRowBandSize",
    "w:tblStyleColBandSize",
    "w:tblW",
    "w:jc",
    "w:tblCellSpacing",
    "w:tblInd",
    "w:tblBorders",
    "w:shd",
    "w:tblLayout",
    "w:tblCellMar",
    "w:tblLook",
    "w:tblCaption",
    "w:tblDescription",
];

const TCPR: &[&str] = &[
    "w:cnfStyle",
    "w:tcW",
    "w:gridSpan",
    "w:hMerge",
    "w:vMerge",
    "w:tcBorders",
    "w:shd",
    "w:noWrap",
    "w:tcMar",
    "w:textDirection",
    "w:tcFitText",
    "w:vAlign",
    "w:hideMark",
];

/// CT_TrPr: the row properties, then tracked insertion or deletion of the row.
const TRPR: &[&str] = &[
    "w:cnfStyle",
    "w:divId",
    "w:gridBefore",
    "w:gridAfter",
    "w:wBefore",
    "w:wAfter",
    "w:cantSplit",
    "w:trHeight",
    "w:tblHeader",
    "w:tblCellSpacing",
    "w:jc",
    "w:hidden",
    "w:ins",
    "w:del",
    "w:trPrChange",
];

const BORDERS: &[&str] = &[
    "w:top",
    "w:left",
    "w:start",
    "w:bottom",
    "w:right",
    "w:end",
    "w:insideH",
    "w:insideV",
    "w:tl2br",
    "w:tr2bl",
    "w:between",
    "w:bar",
];

const SETTINGS: &[&str] = &[
    "w:writeProtection",
    "w:view",
    "w:zoom",
    "w:removePersonalInformation",
    "w:removeDateAndTime",
    "w:doNotDisplayPageBoundaries",
    "w:displayBackgroundShape",
    "w:printPostScriptOverText",
    "w:printFractionalCharacterWidth",
    "w:printFormsData",
    "w:embedTrueTypeFonts",
    "w:embedSystemFonts",
    "w:saveSubsetFonts",
    "w:saveFormsData",
    "w:mirrorMargins",
    "w:alignBordersAndEdges",
    "w:bordersDoNotSurroundHeader",
    "w:bordersDoNotSurroundFooter",
    "w:gutterAtTop",
    "w:hideSpellingErrors",
    "w:hideGrammaticalErrors",
    "w:activeWritingStyle",
    "w:proofState",
    "w:formsDesign",
    "w:attachedTemplate",
    "w:linkStyles",
    "w:stylePaneFormatFilter",
    "w:stylePaneSortMethod",
    "w:documentType",
    "w:mailMerge",
    "w:revisionView",
    "w:trackRevisions",
    "w:doNotTrackMoves",
    "w:doNotTrackFormatting",
    "w:documentProtection",
    "w:autoFormatOverride",
    "w:styleLockTheme",
    "w:styleLockQFSet",
    "w:defaultTabStop",
    "w:autoHyphenation",
    "w:consecutiveHyphenLimit",
    "w:hyphenationZone",
    "w:doNotHyphenateCaps",
    "w:showEnvelope",
    "w:summaryLength",
    "w:clickAndTypeStyle",
    "w:defaultTableStyle",
    "w:evenAndOddHeaders",
    "w:bookFoldRevPrinting",
    "w:bookFoldPrinting",
    "w:bookFoldPrintingSheets",
    "w:drawingGridHorizontalSpacing",
    "w:drawingGridVerticalSpacing",
    "w:displayHorizontalDrawingGridEvery",
    "w:displayVerticalDrawingGridEvery",
    "w:doNotUseMarginsForDrawingGridOrigin",
    "w:drawingGridHorizontalOrigin",
    "w:drawingGridVerticalOrigin",
    "w:doNotShadeFormData",
    "w:noPunctuationKerning",
    "w:characterSpacingControl",
    "w:printTwoOnOne",
    "w:strictFirstAndLastChars",
    "w:noLineBreaksAfter",
    "w:noLineBreaksBefore",
    "w:savePreviewPicture",
    "w:doNotValidateAgainstSchema",
    "w:saveInvalidXml",
    "w:ignoreMixedContent",
    "w:alwaysShowPlaceholderText",
    "w:doNotDemarcateInvalidXml",
    "w:saveXmlDataOnly",
    "w:useXSLTWhenSaving",
    "w:saveThroughXslt",
    "w:showXMLTags",
    "w:alwaysMergeEmptyNamespace",
    "w:updateFields",
    "w:hdrShapeDefaults",
    "w:footnotePr",
    "w:endnotePr",
    "w:compat",
    "w:docVars",
    "w:rsids",
    "m:mathPr",
    "w:attachedSchema",
    "w:themeFontLang",
    "w:clrSchemeMapping",
    "w:doNotIncludeSubdocsInStats",
    "w:doNotAutoCompressPictures",
    "w:forceUpgrade",
    "w:captions",
    "w:readModeInkLockDown",
    "w:smartTagType",
    "sl:schemaLibrary",
    "w:shapeDefaults",
    "w:doNotEmbedSmartTags",
    "w:decimalSymbol",
    "w:listSeparator",
];

fn order_for(parent: &str, grandparent: &str) -> Option<&'static [&'static str]> {
    Some(match parent {
        "w:pPr" => PPR,
        "w:rPr" => RPR,
        "w:numPr" => NUMPR,
        "w:lvl" => LVL,
        "w:style" => STYLE,
        "w:sectPr" => SECTPR,
        "w:tblPr" => TBLPR,
        "w:tcPr" => TCPR,
        "w:trPr" => TRPR,
        "w:tblBorders" | "w:tcBorders" | "w:pBdr" => BORDERS,
        "w:settings" => SETTINGS,
        "w:docDefaults" => &["w:rPrDefault", "w:pPrDefault"],
        _ => {
            let _ = grandparent;
            return None;
        }
    })
}

#[derive(Debug)]
enum Node {
    /// Raw markup kept as written: declarations, text, closing tags.
    Raw(String),
    Element {
        name: String,
        open: String,
        children: Vec<Node>,
        close: String,
    },
}

impl Node {
    fn name(&self) -> &str {
        match self {
            Node::Element { name, .. } => name,
            Node::Raw(_) => "",
        }
    }
}

/// Parses the regular XML docx-rs writes: no comments, CDATA or DTDs.
fn parse(xml: &str) -> Vec<Node> {
    let mut stack: Vec<(String, String, Vec<Node>)> = vec![(String::new(), String::new(), Vec::new())];
    let mut rest = xml;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            push(&mut stack, Node::Raw(rest.to_string()));
            break;
        };
        if lt > 0 {
            push(&mut stack, Node::Raw(rest[..lt].to_string()));
        }
        let gt = match rest[lt..].find('>') {
            Some(g) => lt + g,
            None => {
                push(&mut stack, Node::Raw(rest[lt..].to_string()));
                break;
            }
        };
        let tag = &rest[lt..=gt];
        rest = &rest[gt + 1..];
        if tag.starts_with("<?") || tag.starts_with("<!") {
            push(&mut stack, Node::Raw(tag.to_string()));
        } else if let Some(name) = tag.strip_prefix("</") {
            let name = name.trim_end_matches('>').trim();
            if stack.len() > 1 && stack.last().is_some_and(|(n, _, _)| n == name) {
                let Some((name, open, children)) = stack.pop() else { break };
                push(&mut stack, Node::Element { name, open, children, close: tag.to_string() });
            } else {
                push(&mut stack, Node::Raw(tag.to_string()));
            }
        } else {
            let name: String = tag[1..].chars().take_while(|c| !c.is_whitespace() && *c != '/' && *c != '>').collect();
            if tag.ends_with("/>") {
                push(
                    &mut stack,
                    Node::Element { name, open: tag.to_string(), children: Vec::new(), close: String::new() },
                );
            } else {
                stack.push((name, tag.to_string(), Vec::new()));
            }
        }
    }
    // Unbalanced input is left as it was found.
    while stack.len() > 1 {
        let Some((_, open, children)) = stack.pop() else { break };
        push(&mut stack, Node::Raw(open));
        for child in children {
            push(&mut stack, child);
        }
    }
    stack.pop().map(|(_, _, nodes)| nodes).unwrap_or_default()
}

fn push(stack: &mut [(String, String, Vec<Node>)], node: Node) {
    if let Some((_, _, children)) = stack.last_mut() {
        children.push(node);
    }
}

fn write(nodes: &[Node], out: &mut String) {
    for node in nodes {
        match node {
            Node::Raw(text) => out.push_str(text),
            Node::Element { open, children, close, .. } => {
                out.push_str(open);
                write(children, out);
                out.push_str(close);
            }
        }
    }
}

/// Removes children named `child` of elements named `parent`.
fn drop_children(nodes: &mut Vec<Node>, parent: &str, child: &str, inside: bool) {
    if inside {
        nodes.retain(|n| n.name() != child);
    }
    for node in nodes.iter_mut() {
        if let Node::Element { name, children, .. } = node {
            let is_parent = name == parent;
            drop_children(children, parent, child, is_parent);
        }
    }
}

/// Keeps the last of several `<w:style>` elements with the same id: ours come
/// after docx-rs's defaults.
fn dedupe_styles(nodes: &mut [Node]) {
    for node in nodes.iter_mut() {
        if let Node::Element { name, children, .. } = node {
            if name == "w:styles" {
                let id_of = |n: &Node| match n {
                    Node::Element { name, open, .. } if name == "w:style" => {
                        open.split("w:styleId=\"").nth(1).and_then(|r| r.split('"').next()).map(str::to_string)
                    }
                    _ => None,
                };
                let ids: Vec<Option<String>> = children.iter().map(id_of).collect();
                let mut keep = vec![true; children.len()];
                for (i, id) in ids.iter().enumerate() {
                    if let Some(id) = id
                        && ids[i + 1..].iter().any(|later| later.as_deref() == Some(id))
                    {
                        keep[i] = false;
                    }
                }
                let mut k = keep.into_iter();
                children.retain(|_| k.next().unwrap_or(true));
            } else {
                dedupe_styles(children);
            }
        }
    }
}

/// Orders every property list in `xml` by the schema.
///
/// Runs over the whole body of a handbook, so it works on slices: text and
/// markup outside property lists are copied through untouched, and a list
/// already in order is copied as it is.
pub fn normalise(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len() + 64);
    normalise_into(xml, "", &mut out);
    out
}

fn normalise_into(xml: &str, parent: &str, out: &mut String) {
    let mut pos = 0;
    let bytes = xml.as_bytes();
    while let Some(rel) = xml[pos..].find('<') {
        let start = pos + rel;
        let Some(tag_end) = xml[start..].find('>').map(|e| start + e + 1) else { break };
        let tag = &xml[start..tag_end];
        let closing = bytes.get(start + 1).is_some_and(|b| matches!(b, b'/' | b'?' | b'!'));
        let name = tag_name(tag);
        if !closing
            && !tag.ends_with("/>")
            && order_for(name, parent).is_some()
            && let Some(end) = matching_close(xml, tag_end, name)
        {
            out.push_str(&xml[pos..start]);
            sorted_element(&xml[start..end], name, tag.len(), out);
            pos = end;
            continue;
        }
        out.push_str(&xml[pos..tag_end]);
        pos = tag_end;
    }
    out.push_str(&xml[pos..]);
}

fn tag_name(tag: &str) -> &str {
    let bytes = tag.as_bytes();
    let from = if bytes.get(1) == Some(&b'/') { 2 } else { 1 };
    let len = bytes[from..]
        .iter()
        .position(|b| matches!(b, b' ' | b'/' | b'>' | b'\t' | b'\n' | b'\r'))
        .unwrap_or(bytes.len() - from);
    &tag[from..from + len]
}

/// Index just past the `</name>` that closes an element whose start tag ends
/// at `from`, counting nested elements of the same name.
fn matching_close(xml: &str, from: usize, name: &str) -> Option<usize> {
    let mut depth = 1usize;
    let mut pos = from;
    while let Some(rel) = xml[pos..].find('<') {
        let start = pos + rel;
        let end = xml[start..].find('>').map(|e| start + e + 1)?;
        let tag = &xml[start..end];
        if tag_name(tag) == name {
            if tag.starts_with("</") {
                depth -= 1;
                if depth == 0 {
                    return Some(end);
                }
            } else if !tag.ends_with("/>") {
                depth += 1;
            }
        }
        pos = end;
    }
    None
}

/// Writes one property list with its children in schema order. Children are
/// slices of the input; nothing is copied twice.
fn sorted_element(element: &str, name: &str, open_len: usize, out: &mut String) {
    let close_start = element.len() - name.len() - 3;
    let inner = &element[open_len..close_start];
    let order = order_for(name, "").unwrap_or(&[]);
    // (rank, start, end, has children of its own)
    let mut children: Vec<(usize, usize, usize, bool)> = Vec::with_capacity(8);
    let mut pos = 0;
    while let Some(rel) = inner[pos..].find('<') {
        let start = pos + rel;
        let Some(tag_end) = inner[start..].find('>').map(|e| start + e + 1) else { break };
        let tag = &inner[start..tag_end];
        let child = tag_name(tag);
        let self_closing = tag.ends_with("/>");
        let end = if self_closing { tag_end } else { matching_close(inner, tag_end, child).unwrap_or(inner.len()) };
        let rank = order.iter().position(|o| *o == child).unwrap_or(order.len());
        // docx-rs opens every paragraph's properties with an empty `<w:rPr />`,
        // out of schema order; an empty one means nothing.
        if !(name == "w:pPr" && tag == "<w:rPr />") {
            // Anything with children may hold a property list further down.
            children.push((rank, pos, end, !self_closing));
        }
        pos = end;
    }
    if !children.windows(2).all(|w| w[0].0 <= w[1].0) {
        children.sort_by_key(|c| c.0);
    }
    out.push_str(&element[..open_len]);
    for &(_, start, end, nested) in &children {
        if nested {
            normalise_into(&inner[start..end], name, out);
        } else {
            out.push_str(&inner[start..end]);
        }
    }
    out.push_str(&inner[pos..]);
    out.push_str(&element[close_start..]);
}

/// For styles.xml and numbering.xml: their paragraph properties are
/// CT_PPrGeneral, which has no `w:rPr`, and a style id must be unique.
pub fn normalise_definitions(xml: &str) -> String {
    let mut nodes = parse(xml);
    drop_children(&mut nodes, "w:pPr", "w:rPr", false);
    dedupe_styles(&mut nodes);
    let mut out = String::with_capacity(xml.len());
    write(&nodes, &mut out);
    // Properties left empty once their `w:rPr` is gone say nothing.
    normalise(&out.replace("<w:pPr></w:pPr>", "").replace("<w:pPr />", ""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_run_properties_and_keeps_text() {
        let xml = r#"<w:r><w:rPr><w:sz w:val="22" /><w:rFonts w:ascii="A" /></w:rPr><w:t xml:space="preserve">a &lt; b</w:t></w:r>"#;
        assert_eq!(
            normalise(xml),
            r#"<w:r><w:rPr><w:rFonts w:ascii="A" /><w:sz w:val="22" /></w:rPr><w:t xml:space="preserve">a &lt; b</w:t></w:r>"#
        );
    }

    #[test]
    fn numbering_properties_put_the_level_first() {
        let xml = r#"<w:numPr><w:numId w:val="3" /><w:ilvl w:val="0" /></w:numPr>"#;
        assert_eq!(normalise(xml), r#"<w:numPr><w:ilvl w:val="0" /><w:numId w:val="3" /></w:numPr>"#);
    }

    #[test]
    fn later_styles_win() {
        let xml = r#"<w:styles><w:style w:styleId="Normal"><w:name w:val="a" /></w:style><w:style w:styleId="Normal"><w:name w:val="b" /></w:style></w:styles>"#;
        assert_eq!(
            normalise_definitions(xml),
            r#"<w:styles><w:style w:styleId="Normal"><w:name w:val="b" /></w:style></w:styles>"#
        );
    }
}
