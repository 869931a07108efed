//! Text fit for every export, by type.
//!
//! An exporter takes a [`Sanitized`] value, and the only way to make one is
//! to clean it here: every string loses the characters XML 1.0 cannot carry
//! (which would make Word refuse the file). The rest of what user text must
//! never do (become structure, markup, an active link) is the renderer's and
//! the document tree's job, each in one place.

use std::ops::Deref;

use policywright_i18n::{Error, Result};
use serde_json::Value;

use crate::Policy;
use crate::text::strip_xml_illegal;

/// A value whose every string has been cleaned. It derefs to the value;
/// there is no way to build one except [`Sanitized::new`] and
/// [`Sanitized::text`], and none to change it afterwards.
#[derive(Debug, Clone, PartialEq)]
pub struct Sanitized<T>(T);

impl<T> Deref for Sanitized<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl Sanitized<Policy> {
    /// A clean copy of the policy.
    pub fn new(policy: &Policy) -> Result<Sanitized<Policy>> {
        // Nearly every policy is clean already: its compact JSON, which
        // costs no tree to make (and is looked through as it is written,
        // not kept), shows whether any string could hold a character to
        // strip, and a clean policy is only copied.
        let mut scan = Scan::default();
        serde_json::to_writer(&mut scan, policy).map_err(|e| Error::internal(format!("sanitising: {e}")))?;
        let mut clean = if scan.found {
            // Through JSON, so that every string of every field is reached,
            // including fields added later: nothing has to list them.
            let mut value = serde_json::to_value(policy).map_err(|e| Error::internal(format!("sanitising: {e}")))?;
            clean_strings(&mut value);
            serde_json::from_value(value).map_err(|e| Error::internal(format!("sanitising: {e}")))?
        } else {
            policy.clone()
        };
        crate::blank::leave_out_blank_items(&mut clean);
        Ok(Sanitized(clean))
    }

    /// The same policy with other document-control settings, for a handbook
    /// that numbers every part in its own scheme. A scheme is not text, so
    /// the copy stays clean.
    pub fn with_numbering(&self, numbering: crate::NumberingScheme) -> Sanitized<Policy> {
        let mut policy = self.0.clone();
        policy.document.numbering = numbering;
        Sanitized(policy)
    }

    /// The same policy naming `company` where it names none: a handbook's
    /// company fills each bound policy's document control. The name is
    /// cleaned on the way in.
    pub fn with_company_if_unset(&self, company: &str) -> Sanitized<Policy> {
        let mut policy = self.0.clone();
        if policy.document.company.trim().is_empty() {
            policy.document.company = clean_text(company);
        }
        Sanitized(policy)
    }

    /// The same policy with a revision history from the library, whose
    /// texts are cleaned on the way in.
    pub fn with_revisions(&self, revisions: Vec<crate::Revision>) -> Sanitized<Policy> {
        let mut policy = self.0.clone();
        policy.document.revisions = revisions
            .into_iter()
            .map(|r| crate::Revision {
                version: clean_text(&r.version),
                date: clean_text(&r.date),
                author: clean_text(&r.author),
                summary: clean_text(&r.summary),
            })
            .collect();
        Sanitized(policy)
    }
}

impl Sanitized<String> {
    pub fn text(text: &str) -> Sanitized<String> {
        Sanitized(clean_text(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `text` without the characters XML cannot carry.
pub fn clean_text(text: &str) -> String {
    strip_xml_illegal(text).into_owned()
}

/// Whether JSON written by serde_json may hold an XML-illegal character: a
/// C0 control other than tab, line feed and carriage return is written as
/// `\b`, `\f` or `\u00XX`, and U+FFFE and U+FFFF as their UTF-8 bytes. A
/// backslash escaped itself (`\\u`) answers yes too, which costs only the
/// slow path.
fn maybe_illegal(json: &[u8]) -> bool {
    json.windows(2).any(|w| matches!(w, [b'\\', b'u' | b'b' | b'f']))
        || json.windows(3).any(|w| matches!(w, [0xEF, 0xBF, 0xBE | 0xBF]))
}

/// Looks through JSON for what [`maybe_illegal`] looks for as serde_json
/// writes it, without keeping it: a large policy's JSON is megabytes.
#[derive(Default)]
struct Scan {
    /// The last two bytes written (`kept` of them), for a sign that spans
    /// two writes.
    tail: [u8; 2],
    kept: usize,
    found: bool,
}

impl std::io::Write for Scan {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.found || buf.is_empty() {
            return Ok(buf.len());
        }
        // The seam: what came before and the start of this write.
        let mut seam = [0u8; 4];
        seam[..self.kept].copy_from_slice(&self.tail[..self.kept]);
        let head = buf.len().min(2);
        seam[self.kept..self.kept + head].copy_from_slice(&buf[..head]);
        self.found = maybe_illegal(&seam[..self.kept + head]) || maybe_illegal(buf);
        let joined = &seam[..self.kept + head];
        let last: &[u8] =
            if buf.len() >= 2 { &buf[buf.len() - 2..] } else { &joined[joined.len().saturating_sub(2)..] };
        self.tail[..last.len()].copy_from_slice(last);
        self.kept = last.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn clean_strings(value: &mut Value) {
    match value {
        Value::String(s) => {
            if let std::borrow::Cow::Owned(clean) = strip_xml_illegal(s) {
                *s = clean;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(clean_strings),
        Value::Object(map) => map.values_mut().for_each(clean_strings),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    /// Looking through the JSON as it is written, in pieces of any size,
    /// finds what looking through it whole finds.
    #[test]
    fn the_scan_as_written_finds_what_the_whole_text_shows() {
        for text in [&b"ab\\u0001cd"[..], b"\\", b"x\\", b"\xEF\xBF\xBEz", b"a\xEF\xBF", b"plain text", b"\\n"] {
            for size in 1..=text.len().max(1) {
                let mut scan = Scan::default();
                for piece in text.chunks(size) {
                    scan.write_all(piece).expect("scan");
                }
                assert_eq!(scan.found, maybe_illegal(text), "{text:?} in pieces of {size}");
            }
        }
    }

    use super::*;
    use crate::text::is_xml_illegal;
    use crate::{Locale, presets};

    /// The quick look that lets a clean policy be copied must never call a
    /// string clean that holds a character to strip.
    #[test]
    fn the_quick_look_sees_every_illegal_character() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let json = serde_json::to_vec(&format!("a{c}b")).expect("json");
            if is_xml_illegal(c) {
                assert!(maybe_illegal(&json), "U+{:04X}", u32::from(c));
            } else if c != '\\' {
                assert!(!maybe_illegal(&json), "U+{:04X}", u32::from(c));
            }
        }
        let preset = presets::preset("operations", Locale::ZhCn, "2027-01-01").expect("preset");
        assert!(!maybe_illegal(&serde_json::to_vec(&preset).expect("json")));
        assert_eq!(Sanitized::new(&preset).expect("clean").document, preset.document);
    }

    /// Regression: sanitising fell back to the unsanitised policy when its
    /// round trip failed, silently. Every string of every field is cleaned.
    #[test]
    fn every_string_of_every_field_is_cleaned() {
        let policy = presets::preset("operations", Locale::En, "2027-01-01").expect("preset");
        let mut value = serde_json::to_value(&policy).expect("json");
        fn dirty(v: &mut Value, n: &mut usize) {
            match v {
                Value::String(s) => {
                    s.push_str("\u{1}\u{B}\u{FFFE}");
                    *n += 1;
                }
                Value::Array(items) => items.iter_mut().for_each(|i| dirty(i, n)),
                Value::Object(map) => map.values_mut().for_each(|i| dirty(i, n)),
                _ => {}
            }
        }
        let mut strings = 0;
        dirty(&mut value, &mut strings);
        // The locale and the numbering are strings too, but not free text:
        // a dirty one would not parse, so they are put back.
        value["document"]["locale"] = "en".into();
        value["document"]["numbering"] = "decimal".into();
        value["document"]["layout"]["style"] = "company".into();
        value["document"]["layout"]["contents"] = "chapters-only".into();
        for group in value["discipline"]["groups"].as_array_mut().expect("groups") {
            for rule in group["rules"].as_array_mut().expect("rules") {
                if rule.get("consequence").is_some() {
                    rule["consequence"] = "reminder".into();
                }
            }
        }
        for method in value["training"]["methods"].as_array_mut().expect("methods") {
            method["kind"] = "internal".into();
        }
        for role in value["duties"]["roles"].as_array_mut().expect("roles") {
            if let Some(band) = role.get_mut("salary_band").filter(|b| b.is_object()) {
                band["period"] = "month".into();
            }
        }
        let policy: Policy = serde_json::from_value(value).expect("still a policy");
        let clean = Sanitized::new(&policy).expect("sanitises");
        let text = serde_json::to_string(&*clean).expect("json");
        assert!(strings > 100, "the walk found {strings} strings");
        assert!(!text.contains("\\u0001") && !text.contains("\\u000b") && !text.contains('\u{FFFE}'), "{text}");
    }
}
