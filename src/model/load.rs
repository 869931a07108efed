//! Reading and writing `*.policy.json`.

use crate::error::{Error, ErrorCode, Result};

use super::Policy;
use super::text::{map_strings, strip_xml_illegal};

/// The format version this build writes and the newest it reads.
pub const SCHEMA_VERSION: u32 = 1;

/// Larger inputs are refused before parsing: no real policy comes near it, and
/// a runaway file should not exhaust memory in the app.
pub const MAX_INPUT_BYTES: usize = 16 * 1024 * 1024;

/// Parses a policy, naming `source` (usually the file name) in every error.
pub fn from_json(text: &str, source: &str) -> Result<Policy> {
    if text.len() > MAX_INPUT_BYTES {
        return Err(Error::new(
            ErrorCode::InvalidJson,
            format!(
                "{source} is {} MiB; a policy file may be at most {} MiB",
                text.len() / (1024 * 1024),
                MAX_INPUT_BYTES / (1024 * 1024)
            ),
        )
        .with_detail("hint: check that this is a policy file and not another document"));
    }
    // A first, untyped pass gives syntax errors with their line and column, and
    // lets us refuse a newer format before its unknown fields cause confusion.
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        Error::new(ErrorCode::InvalidJson, format!("{source} is not valid JSON"))
            .with_detail(format!("at line {}, column {}: {}", e.line(), e.column(), strip_position(&e)))
            .with_detail("hint: fix the JSON syntax there, or regenerate the file with `policywright new`")
    })?;
    check_schema_version(&value, source)?;

    let mut de = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.inner();
        Error::new(ErrorCode::InvalidJson, format!("{source} does not have the shape of a policy"))
            .with_detail(format!(
                "{}: {} (line {}, column {})",
                if path == "." { "(top level)".to_string() } else { path },
                strip_position(inner),
                inner.line(),
                inner.column()
            ))
            .with_detail("hint: `policywright schema` prints the expected structure")
    })
}

fn check_schema_version(value: &serde_json::Value, source: &str) -> Result<()> {
    let Some(obj) = value.as_object() else {
        return Err(Error::new(ErrorCode::InvalidJson, format!("{source} does not have the shape of a policy"))
            .with_detail("(top level): expected a JSON object"));
    };
    match obj.get("schema_version").and_then(serde_json::Value::as_u64) {
        Some(v) if v > u64::from(SCHEMA_VERSION) => Err(Error::new(
            ErrorCode::UnsupportedSchema,
            format!("{source} was written by a newer Policywright (schema version {v}; this build reads up to {SCHEMA_VERSION})"),
        )
        .with_detail("hint: update Policywright to open this file; it was left unchanged")),
        Some(0) => Err(Error::new(ErrorCode::InvalidJson, format!("{source} has schema_version 0"))
            .with_detail(format!("hint: set schema_version to {SCHEMA_VERSION}"))),
        _ => Ok(()),
    }
}

/// serde_json appends " at line X column Y"; we report the position ourselves.
fn strip_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// Pretty JSON with a final newline, the form written to disk.
pub fn to_json(policy: &Policy) -> String {
    let mut text = serde_json::to_string_pretty(policy).unwrap_or_default();
    text.push('\n');
    text
}

/// The JSON Schema of a policy file, generated from the Rust types.
pub fn schema_json() -> String {
    let schema = schemars::schema_for!(Policy);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

impl Policy {
    /// A copy with every XML-illegal character removed; exporters work on this.
    pub fn sanitized(&self) -> Policy {
        let Ok(mut value) = serde_json::to_value(self) else {
            return self.clone();
        };
        map_strings(&mut value, &|s| match strip_xml_illegal(s) {
            std::borrow::Cow::Borrowed(_) => None,
            std::borrow::Cow::Owned(clean) => Some(clean),
        });
        serde_json::from_value(value).unwrap_or_else(|_| self.clone())
    }
}

/// sha256 of the canonical JSON (sorted keys, no whitespace), as lowercase
/// hex: the identity of a policy's content, independent of file formatting.
pub fn content_hash(policy: &Policy) -> String {
    use sha2::{Digest, Sha256};
    // serde_json's default map keeps keys sorted, which makes this canonical.
    let value = serde_json::to_value(policy).unwrap_or_default();
    let digest = Sha256::digest(value.to_string().as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}
