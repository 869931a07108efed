//! Reading and writing `*.policy.json`.

use policywright_i18n::{Error, ErrorKind, Message, Result, keys, msg};

use super::Policy;

/// The format version this build writes and the newest it reads.
pub const SCHEMA_VERSION: u32 = 1;

/// Larger inputs are refused before parsing: no real policy comes near it, and
/// a runaway file should not exhaust memory in the app.
pub const MAX_INPUT_BYTES: usize = 16 * 1024 * 1024;

/// Parses a policy, naming `source` (usually the file name) in every error.
pub fn from_json(text: &str, source: &str) -> Result<Policy> {
    // Windows editors often save UTF-8 with a byte-order mark; it is not text.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.len() > MAX_INPUT_BYTES {
        return Err(Error::new(
            ErrorKind::FileTooLarge,
            msg!(
                keys::errors::TOO_LARGE,
                path = source,
                size = text.len() >> 20,
                what = keys::errors::what::POLICY,
                max = MAX_INPUT_BYTES >> 20
            ),
        )
        .hint(Message::new(keys::errors::TOO_LARGE_HINT)));
    }
    // A first, untyped pass gives syntax errors with their line and column, and
    // lets us refuse a newer format before its unknown fields cause confusion.
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        Error::new(ErrorKind::InvalidJson, msg!(keys::errors::INVALID_JSON, source = source))
            .detail(msg!(
                keys::errors::JSON_POSITION,
                line = e.line(),
                column = e.column(),
                reason = strip_position(&e)
            ))
            .hint(Message::new(keys::errors::INVALID_JSON_HINT))
            .source(e)
    })?;
    check_schema_version(&value, source)?;
    check_weights(text, source)?;

    let mut de = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.inner();
        let error = Error::new(ErrorKind::InvalidJson, msg!(keys::errors::BAD_SHAPE, source = source))
            .detail(msg!(
                keys::errors::BAD_SHAPE_DETAIL,
                reason = strip_position(inner),
                line = inner.line(),
                column = inner.column()
            ))
            .hint(Message::new(keys::errors::BAD_SHAPE_HINT));
        if path == "." { error } else { error.at(path) }
    })
}

/// Every weight as written: a number with at most two decimals, read from
/// its text rather than from the float serde would see.
fn check_weights(text: &str, source: &str) -> Result<()> {
    for (path, literal, offset) in crate::literals::weights(text) {
        let problem = if literal.starts_with('"') {
            Some(msg!(keys::errors::weight::TEXT, text = literal.as_str()))
        } else {
            crate::Weight::read(&literal).err()
        };
        if let Some(problem) = problem {
            let before = &text[..offset];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            return Err(Error::new(ErrorKind::InvalidJson, msg!(keys::errors::BAD_SHAPE, source = source))
                .at(path)
                .detail(msg!(keys::errors::BAD_SHAPE_DETAIL, reason = problem, line = line, column = column))
                .hint(Message::new(keys::errors::weight::HINT)));
        }
    }
    Ok(())
}

fn check_schema_version(value: &serde_json::Value, source: &str) -> Result<()> {
    let Some(obj) = value.as_object() else {
        return Err(Error::new(ErrorKind::InvalidJson, msg!(keys::errors::BAD_SHAPE, source = source))
            .detail(Message::new(keys::errors::NOT_AN_OBJECT)));
    };
    match obj.get("schema_version").and_then(serde_json::Value::as_u64) {
        Some(v) if v > u64::from(SCHEMA_VERSION) => Err(Error::new(
            ErrorKind::UnsupportedSchema,
            msg!(keys::errors::NEWER_FILE, source = source, version = v, max = SCHEMA_VERSION),
        )
        .hint(Message::new(keys::errors::NEWER_FILE_HINT))),
        Some(0) => Err(Error::new(ErrorKind::InvalidJson, msg!(keys::errors::SCHEMA_ZERO, source = source))
            .at("schema_version")
            .hint(msg!(keys::errors::SCHEMA_ZERO_HINT, version = SCHEMA_VERSION))),
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
    // Every field of the model serialises: there are no maps with non-string
    // keys and no types that refuse, so this cannot fail.
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
