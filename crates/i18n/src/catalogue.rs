//! The catalogues, compiled in and read once.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde_json::Value;

use crate::Locale;

const SOURCES: [(Locale, &str); 2] =
    [(Locale::ZhCn, include_str!("../catalogue/zh-CN.json")), (Locale::En, include_str!("../catalogue/en.json"))];

#[derive(Debug)]
pub(crate) enum Entry {
    Text(String),
    Plural { one: Option<String>, other: String },
}

struct Catalogue {
    tree: Value,
    /// Every message by its dotted key.
    flat: BTreeMap<String, Entry>,
}

fn catalogues() -> &'static [Catalogue; 2] {
    static CATALOGUES: OnceLock<[Catalogue; 2]> = OnceLock::new();
    CATALOGUES.get_or_init(|| SOURCES.map(|(_, text)| load(text)))
}

fn load(text: &str) -> Catalogue {
    // The catalogues are part of the build (build.rs reads the English one
    // too), and a test parses both; a broken one is a broken build.
    let tree: Value = serde_json::from_str(text).unwrap_or(Value::Null);
    let mut flat = BTreeMap::new();
    flatten(&tree, "", &mut flat);
    Catalogue { tree, flat }
}

fn flatten(value: &Value, prefix: &str, out: &mut BTreeMap<String, Entry>) {
    let Value::Object(map) = value else { return };
    for (key, value) in map {
        let path = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
        match value {
            Value::String(text) => {
                out.insert(path, Entry::Text(text.clone()));
            }
            Value::Object(forms) if forms.contains_key("other") && forms.keys().all(|k| k == "one" || k == "other") => {
                let text = |k: &str| forms.get(k).and_then(Value::as_str).map(str::to_string);
                out.insert(path, Entry::Plural { one: text("one"), other: text("other").unwrap_or_default() });
            }
            Value::Object(_) => flatten(value, &path, out),
            _ => {}
        }
    }
}

fn catalogue(locale: Locale) -> &'static Catalogue {
    let i = SOURCES.iter().position(|(l, _)| *l == locale).unwrap_or(0);
    &catalogues()[i]
}

pub(crate) fn entry(locale: Locale, key: &str) -> Option<&'static Entry> {
    catalogue(locale).flat.get(key)
}

/// A plain (not plural) message looked up by a key made at run time, such
/// as `fields.{name}` for a field of the policy; `None` when there is none.
pub fn lookup(locale: Locale, key: &str) -> Option<&'static str> {
    match entry(locale, key)? {
        Entry::Text(text) => Some(text.as_str()),
        Entry::Plural { other, .. } => Some(other.as_str()),
    }
}

/// A section of the catalogue as JSON, e.g. `document` for the templates.
pub fn section(locale: Locale, name: &str) -> &'static Value {
    static NULL: Value = Value::Null;
    catalogue(locale).tree.get(name).unwrap_or(&NULL)
}

/// Every key of a catalogue with its text (plural forms as `key#one`), for
/// checking that the languages agree.
pub fn texts(locale: Locale) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (key, entry) in &catalogue(locale).flat {
        match entry {
            Entry::Text(text) => out.push((key.clone(), text.clone())),
            Entry::Plural { one, other } => {
                if let Some(one) = one {
                    out.push((format!("{key}#one"), one.clone()));
                }
                out.push((format!("{key}#other"), other.clone()));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// `{name}` placeholders of a text.
    fn placeholders(text: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let mut rest = text.replace("{{", "").replace("}}", "");
        while let Some(i) = rest.find('{') {
            let Some(end) = rest[i..].find('}') else { break };
            out.insert(rest[i + 1..i + end].trim_end_matches(":lower").to_string());
            rest = rest[i + end + 1..].to_string();
        }
        out
    }

    #[test]
    fn both_catalogues_parse() {
        for (locale, text) in SOURCES {
            let parsed: Result<Value, _> = serde_json::from_str(text);
            assert!(parsed.is_ok(), "catalogue/{}.json: {parsed:?}", locale.code());
        }
    }

    #[test]
    fn every_message_exists_in_both_languages_with_the_same_placeholders() {
        let en: BTreeMap<String, String> = texts(Locale::En).into_iter().collect();
        let zh: BTreeMap<String, String> = texts(Locale::ZhCn).into_iter().collect();
        // Chinese has no plural forms: `#one` is English only.
        let base = |k: &String| k.trim_end_matches("#one").trim_end_matches("#other").to_string();
        let en_keys: BTreeSet<String> = en.keys().map(base).collect();
        let zh_keys: BTreeSet<String> = zh.keys().map(base).collect();
        let missing_zh: Vec<&String> = en_keys.difference(&zh_keys).collect();
        let missing_en: Vec<&String> = zh_keys.difference(&en_keys).collect();
        assert!(missing_zh.is_empty(), "missing in zh-CN.json: {missing_zh:?}");
        assert!(missing_en.is_empty(), "missing in en.json: {missing_en:?}");
        for (key, text) in &en {
            let other = zh.get(key).or_else(|| zh.get(&format!("{}#other", base(key)))).or_else(|| zh.get(&base(key)));
            let Some(other) = other else { continue };
            // A singular form may leave the count out ("one error" is fine).
            let (a, b) = (placeholders(text), placeholders(other));
            if key.ends_with("#one") {
                assert!(a.is_subset(&b), "{key}: {a:?} vs zh-CN {b:?}");
            } else {
                assert_eq!(a, b, "{key}: the two languages must use the same placeholders");
            }
        }
    }

    #[test]
    fn no_message_is_empty() {
        for locale in Locale::ALL {
            for (key, text) in texts(locale) {
                // Separators such as the English colon are allowed to be short.
                assert!(!text.is_empty() || key.starts_with("document."), "{}: {key} is empty", locale.code());
            }
        }
    }
}
