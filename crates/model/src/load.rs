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
                column = e.column().max(1),
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
        let reason = strip_position(inner);
        let error = Error::new(ErrorKind::InvalidJson, msg!(keys::errors::BAD_SHAPE, source = source))
            .detail(msg!(
                keys::errors::BAD_SHAPE_DETAIL,
                reason = reason.clone(),
                line = inner.line(),
                column = inner.column().max(1)
            ))
            .hint(Message::new(keys::errors::BAD_SHAPE_HINT));
        if path == "." { error } else { error.at_field(path, reason) }
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
                .at_field(path, problem.clone())
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

/// serde_json's reason in the reader's language. serde_json appends
/// " at line X column Y", which we report ourselves; its sentences are
/// matched by their fixed wording, and one we do not know stays as it is.
fn strip_position(e: &serde_json::Error) -> Message {
    let text = e.to_string();
    let text = match text.rfind(" at line ") {
        Some(i) => &text[..i],
        None => text.as_str(),
    };
    json_reason(text)
}

fn json_reason(text: &str) -> Message {
    use keys::errors::json as j;
    use keys::errors::json::thing as t;
    let fixed = match text {
        "EOF while parsing a value" => Some(msg!(j::EOF, what = t::VALUE)),
        "EOF while parsing an object" => Some(msg!(j::EOF, what = t::OBJECT)),
        "EOF while parsing a list" => Some(msg!(j::EOF, what = t::LIST)),
        "EOF while parsing a string" => Some(msg!(j::EOF, what = t::TEXT)),
        "expected value" | "expected ident" => Some(msg!(j::EXPECTED, what = t::VALUE)),
        "expected `:`" => Some(msg!(j::EXPECTED, what = t::COLON)),
        "expected `,` or `}`" => Some(msg!(j::EXPECTED, what = t::COMMA_OR_BRACE)),
        "expected `,` or `]`" => Some(msg!(j::EXPECTED, what = t::COMMA_OR_BRACKET)),
        "expected `\"`" => Some(msg!(j::EXPECTED, what = t::QUOTE)),
        "trailing comma" => Some(Message::new(j::TRAILING_COMMA)),
        "trailing characters" => Some(Message::new(j::TRAILING_CHARACTERS)),
        "key must be a string" => Some(Message::new(j::KEY_NOT_STRING)),
        "control character (\\u0000-\\u001F) found while parsing a string" => Some(Message::new(j::CONTROL_CHARACTER)),
        "invalid escape" | "unexpected end of hex escape" => Some(Message::new(j::INVALID_ESCAPE)),
        "invalid number" => Some(Message::new(j::INVALID_NUMBER)),
        "number out of range" => Some(Message::new(j::NUMBER_OUT_OF_RANGE)),
        "invalid unicode code point" | "lone leading surrogate in hex escape" => Some(Message::new(j::INVALID_UNICODE)),
        "recursion limit exceeded" => Some(Message::new(j::RECURSION)),
        _ => None,
    };
    if let Some(message) = fixed {
        return message;
    }
    let between = |prefix: &str| text.strip_prefix(prefix).and_then(|rest| rest.split_once(", expected "));
    if let Some((found, expected)) = between("invalid type: ") {
        return msg!(j::INVALID_TYPE, found = json_thing(found), expected = json_thing(expected));
    }
    if let Some((found, expected)) = between("invalid value: ") {
        return msg!(j::INVALID_VALUE, found = json_thing(found), expected = json_thing(expected));
    }
    if let Some((field, list)) = between("unknown field ") {
        return msg!(j::UNKNOWN_FIELD, field = field, list = expected_list(list));
    }
    if let Some((value, list)) = between("unknown variant ") {
        return msg!(j::UNKNOWN_VARIANT, value = value, list = expected_list(list));
    }
    if let Some(field) = text.strip_prefix("missing field ") {
        return msg!(j::MISSING_FIELD, field = field);
    }
    if let Some(field) = text.strip_prefix("duplicate field ") {
        return msg!(j::DUPLICATE_FIELD, field = field);
    }
    Message::verbatim(text)
}

/// "one of `a`, `b`" or "`a`", as a list in the reader's language.
fn expected_list(text: &str) -> Message {
    let items = text.strip_prefix("one of ").unwrap_or(text);
    let items: Vec<Message> = items.split(", ").map(Message::verbatim).collect();
    msg!(keys::errors::json::thing::CHOICES, list = items)
}

/// What serde found or expected, in words: `integer \`-5\``, `u32`, `a string`.
fn json_thing(text: &str) -> Message {
    use keys::errors::json::thing as t;
    let quoted = |prefix: &str| text.strip_prefix(prefix).map(str::to_string);
    if let Some(n) = quoted("integer ").or_else(|| quoted("floating point ")) {
        return msg!(t::INTEGER, text = n);
    }
    if let Some(s) = quoted("string ") {
        return msg!(t::STRING, text = s);
    }
    if let Some(b) = quoted("boolean ") {
        return msg!(t::BOOLEAN, text = b);
    }
    let key = match text {
        "u8" | "u16" | "u32" | "u64" | "usize" => t::WHOLE_NUMBER,
        "f32" | "f64" | "a number" => t::NUMBER,
        "a string" | "string" | "a borrowed string" | "char" => t::TEXT,
        "a boolean" | "bool" => t::YES_NO,
        "a sequence" | "sequence" | "a list" => t::LIST,
        "a map" | "map" | "unit" => t::OBJECT,
        "null" => t::NULL,
        _ if text.starts_with("struct ") || text.starts_with("an object") => t::OBJECT,
        _ => return Message::verbatim(text),
    };
    Message::new(key)
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

#[cfg(test)]
mod tests {
    use super::*;
    use policywright_i18n::Locale;

    /// serde_json's wording is matched as text: if an update changes it,
    /// this fails rather than Chinese readers getting English again.
    #[test]
    fn serde_json_reasons_are_put_in_the_readers_words() {
        let cases = [
            ("{", "文件在对象中间意外结束"),
            ("[1,", "文件在一个值中间意外结束"),
            ("\"ab", "文件在文本中间意外结束"),
            ("{\"a\" 1}", "此处应为冒号（:）"),
            ("{\"a\": 1 \"b\"}", "此处应为逗号或右花括号（, 或 }）"),
            ("[1 2]", "此处应为逗号或右方括号（, 或 ]）"),
            ("nope", "此处应为一个值"),
            ("[1,]", "右括号前多了一个逗号"),
            ("{} x", "JSON 结束后还有多余的内容"),
            ("{1: 2}", "键必须是带双引号的文本"),
            ("\"a\u{1}\"", "文本中含有控制字符，请改用转义写法，例如 \\n"),
            ("\"\\q\"", "反斜杠后的转义写法无效"),
            ("1e999", "数字太大"),
        ];
        for (json, expected) in cases {
            let e = serde_json::from_str::<serde_json::Value>(json).expect_err(json);
            assert_eq!(strip_position(&e).render(Locale::ZhCn), expected, "{json}");
        }
        let typed = [
            (serde_json::from_str::<u32>("-5").expect_err("-5"), "此处应为非负整数，实际是数字 `-5`"),
            (serde_json::from_str::<String>("true").expect_err("bool"), "此处应为文本，实际是`true`"),
            (serde_json::from_str::<Vec<u8>>("\"x\"").expect_err("str"), "此处应为列表，实际是文本 \"x\""),
        ];
        for (e, expected) in typed {
            assert_eq!(strip_position(&e).render(Locale::ZhCn), expected);
        }
    }

    #[test]
    fn field_errors_name_the_field_and_the_choices() {
        let policy = crate::presets::preset("operations", Locale::ZhCn, "2027-01-01").expect("preset");
        let mut value = serde_json::to_value(&policy).expect("value");
        value["document"]["titel"] = "x".into();
        let err = from_json(&value.to_string(), "a.json").expect_err("unknown field");
        let detail = err.details[0].render(Locale::ZhCn);
        assert!(detail.starts_with("未知字段 `titel`；此处可用的字段有 `title`、`"), "{detail}");
        value["document"].as_object_mut().expect("object").remove("titel");
        value["document"].as_object_mut().expect("object").remove("title");
        let err = from_json(&value.to_string(), "a.json").expect_err("missing field");
        assert!(err.details[0].render(Locale::ZhCn).starts_with("缺少字段 `title`（第 1 行"), "{err:?}");
        assert!(err.details[0].render(Locale::En).starts_with("the field `title` is missing (line 1"), "{err:?}");
    }
}
