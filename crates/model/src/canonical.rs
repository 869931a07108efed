//! The one canonical form of a policy's content, and its hash.
//!
//! The canonical JSON is what the library stores for a version and what
//! its sha256 is taken of; a DOCX carries the same hash, so a file can be
//! matched to the stored version it came from. Its rules:
//!
//! - object keys sorted by their UTF-8 bytes, at every level, by this code
//!   (not by whatever order a JSON map type happens to keep);
//! - no whitespace; strings escaped as JSON requires and nothing more;
//! - the revision history left out: it is made from the library's record
//!   of versions when a version is read, so it is not part of the content;
//! - `document.review_months` left out when it is the default, 12: the
//!   field came after versions were stored, and a policy that says nothing
//!   of its review cycle is the same content as one that says the default;
//! - `document.layout` left out when it is the default, for the same reason.

use serde_json::Value;

use crate::Policy;

/// The canonical JSON of a policy's content.
pub fn canonical_json(policy: &Policy) -> String {
    // The model serialises without fail (see `to_json`).
    let mut value = serde_json::to_value(policy).unwrap_or(Value::Null);
    if let Some(document) = value.get_mut("document").and_then(Value::as_object_mut) {
        document.remove("revisions");
        if document.get("review_months").and_then(Value::as_u64) == Some(u64::from(crate::DEFAULT_REVIEW_MONTHS)) {
            document.remove("review_months");
        }
        if policy.document.layout.is_default() {
            document.remove("layout");
        }
    }
    let mut out = String::with_capacity(16 * 1024);
    write(&value, &mut out);
    out
}

/// sha256 of the canonical JSON, as lowercase hex.
pub fn content_hash(policy: &Policy) -> String {
    sha256_hex(canonical_json(policy).as_bytes())
}

/// sha256 of some bytes as lowercase hex, the form every hash is shown in.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    // By table, not by `format!`: a history of ten thousand versions
    // checks as many hashes, and formatting cost more than hashing.
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    out
}

fn write(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push('{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(key, out);
                out.push(':');
                write(item, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(item, out);
            }
            out.push(']');
        }
        Value::String(s) => write_string(s, out),
        // Numbers, booleans and null have one JSON text each in serde_json.
        other => out.push_str(&other.to_string()),
    }
}

fn write_string(s: &str, out: &mut String) {
    // serde_json's string escaping is the JSON standard's minimum.
    out.push_str(&Value::String(s.to_string()).to_string());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_sorted_at_every_level_and_revisions_left_out() {
        let value: Value = serde_json::from_str(r#"{"b":1,"a":{"z":[{"y":2,"x":"é\n"}],"c":null}}"#).expect("json");
        let mut out = String::new();
        write(&value, &mut out);
        assert_eq!(out, r#"{"a":{"c":null,"z":[{"x":"é\n","y":2}]},"b":1}"#);
    }
}
