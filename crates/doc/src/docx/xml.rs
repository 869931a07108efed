//! The one XML writer behind every part of a `.docx`.
//!
//! Elements, attributes and text go straight into one string in the order
//! the code calls for them; nothing is buffered, parsed or re-sorted later.
//! Schema order is therefore the code's order: each part's writer follows
//! its ECMA-376 sequence (CT_Styles, CT_PPr, CT_RPr, …) element by element.
//! Empty elements are written `<name a="v" />`, as the body is.

use std::fmt::Write as _;

/// An attribute value: text, escaped when written, or a number.
pub trait Value {
    fn write_to(&self, out: &mut String);
}

impl Value for &str {
    fn write_to(&self, out: &mut String) {
        escape_into(out, self, true);
    }
}

impl Value for String {
    fn write_to(&self, out: &mut String) {
        escape_into(out, self, true);
    }
}

macro_rules! number_value {
    ($($t:ty),*) => {$(
        impl Value for $t {
            fn write_to(&self, out: &mut String) {
                let _ = write!(out, "{self}");
            }
        }
    )*};
}
number_value!(i32, u32, usize);

/// Attributes in the order written: `&[("w:val", &"left"), ("w:pos", &720)]`.
pub type Attrs<'a> = [(&'a str, &'a dyn Value)];

/// The declaration every part starts with.
pub const DECLARATION: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#;

pub struct Xml {
    out: String,
}

impl Xml {
    /// A part: the XML declaration, then whatever is written.
    pub fn part(capacity: usize) -> Xml {
        let mut out = String::with_capacity(capacity.max(DECLARATION.len()));
        out.push_str(DECLARATION);
        Xml { out }
    }

    /// A fragment to be written into a part later, without a declaration.
    pub fn fragment(capacity: usize) -> Xml {
        Xml { out: String::with_capacity(capacity) }
    }

    /// Goes on writing at the end of text that is already XML.
    pub fn continuing(out: String) -> Xml {
        Xml { out }
    }

    pub fn finish(self) -> String {
        self.out
    }

    fn tag(&mut self, name: &str, attrs: &Attrs<'_>) {
        self.out.push('<');
        self.out.push_str(name);
        for (key, value) in attrs {
            self.attr(key, *value);
        }
    }

    /// ` key="value"`, inside a start tag begun by [`Xml::start_tag`].
    pub fn attr(&mut self, key: &str, value: &dyn Value) {
        self.out.push(' ');
        self.out.push_str(key);
        self.out.push_str("=\"");
        value.write_to(&mut self.out);
        self.out.push('"');
    }

    /// `<name`, for start tags whose attributes are only known one by one;
    /// [`Xml::end_start_tag`] finishes it.
    pub fn start_tag(&mut self, name: &str) {
        self.out.push('<');
        self.out.push_str(name);
    }

    /// Ends a tag begun by [`Xml::start_tag`]: `>`, or ` />` when `empty`.
    pub fn end_start_tag(&mut self, empty: bool) {
        self.out.push_str(if empty { " />" } else { ">" });
    }

    /// `<name …>`; the element's children follow, then [`Xml::close`].
    pub fn open(&mut self, name: &str, attrs: &Attrs<'_>) {
        self.tag(name, attrs);
        self.out.push('>');
    }

    pub fn close(&mut self, name: &str) {
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
    }

    /// `<name … />`
    pub fn empty(&mut self, name: &str, attrs: &Attrs<'_>) {
        self.tag(name, attrs);
        self.out.push_str(" />");
    }

    /// `<name w:val="value" />`, WordprocessingML's usual property.
    pub fn val(&mut self, name: &str, value: &dyn Value) {
        self.empty(name, &[("w:val", value)]);
    }

    /// `<name>text</name>`
    pub fn text_element(&mut self, name: &str, attrs: &Attrs<'_>, text: &str) {
        self.open(name, attrs);
        self.text(text);
        self.close(name);
    }

    /// Character data, escaped.
    pub fn text(&mut self, text: &str) {
        escape_into(&mut self.out, text, false);
    }

    /// Markup that is already XML: the body, or a fragment written before.
    pub fn raw(&mut self, xml: &str) {
        self.out.push_str(xml);
    }
}

/// Escapes XML text; `attribute` also escapes quotes. The text has already
/// lost the characters XML cannot hold (`markdown::parse` drops them).
pub fn escape_into(out: &mut String, text: &str, attribute: bool) {
    let bytes = text.as_bytes();
    let mut from = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' if attribute => "&quot;",
            _ => continue,
        };
        // The bytes matched are ASCII, so `i` is on a character boundary.
        out.push_str(&text[from..i]);
        out.push_str(entity);
        from = i + 1;
    }
    out.push_str(&text[from..]);
}

/// `text` escaped for XML or HTML text and attribute values.
pub fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text, true);
    out
}

#[cfg(test)]
mod tests {
    use super::Xml;

    #[test]
    fn writes_in_call_order_and_escapes() {
        let mut w = Xml::fragment(64);
        w.open("w:p", &[("w14:paraId", &"0000000A")]);
        w.val("w:jc", &"right");
        w.empty("w:ind", &[("w:left", &720), ("w:right", &0usize)]);
        w.text_element("w:t", &[("xml:space", &"preserve")], "a < b & \"c\"");
        w.close("w:p");
        w.empty("x", &[("k", &String::from("\"<&>\""))]);
        assert_eq!(
            w.finish(),
            concat!(
                r#"<w:p w14:paraId="0000000A"><w:jc w:val="right" /><w:ind w:left="720" w:right="0" />"#,
                r#"<w:t xml:space="preserve">a &lt; b &amp; "c"</w:t></w:p><x k="&quot;&lt;&amp;&gt;&quot;" />"#
            )
        );
    }
}
