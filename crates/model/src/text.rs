//! Text hygiene shared by validation and every exporter.

use std::borrow::Cow;

/// Characters XML 1.0 cannot carry: C0 controls other than tab, line feed and
/// carriage return, and the non-characters U+FFFE and U+FFFF. Word refuses to
/// open a document that contains one, so none may reach an export.
pub fn is_xml_illegal(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
}

pub fn strip_xml_illegal(text: &str) -> Cow<'_, str> {
    if text.chars().any(is_xml_illegal) {
        Cow::Owned(text.chars().filter(|&c| !is_xml_illegal(c)).collect())
    } else {
        Cow::Borrowed(text)
    }
}

/// Visits every string in a JSON tree with its path, e.g. `duties.roles[0].title`.
pub(crate) fn walk_strings(value: &serde_json::Value, path: &mut String, visit: &mut dyn FnMut(&str, &str)) {
    match value {
        serde_json::Value::String(s) => visit(path, s),
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                walk_strings(item, path, visit);
                path.truncate(len);
            }
        }
        serde_json::Value::Object(map) => {
            for (key, item) in map {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                walk_strings(item, path, visit);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_only_what_xml_forbids() {
        assert_eq!(strip_xml_illegal("a\u{1}b\u{B}c\u{FFFE}"), "abc");
        assert_eq!(strip_xml_illegal("tab\tnl\ncr\r 中文 😀 עברית"), "tab\tnl\ncr\r 中文 😀 עברית");
    }
}
