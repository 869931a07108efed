//! A policy as a JSON tree whose strings borrow the policy's compact JSON
//! text, for the structural walk.
//!
//! `serde_json::Value` owns every key and string, and keeps each object in
//! a tree map of its own: for a policy of 100,000 roles the two versions'
//! trees took more memory, and more time to make and free, than the walk
//! that reads them. This tree holds the same values, with each object's
//! keys in the order a `serde_json::Map` keeps them (sorted), so the walk
//! meets the fields, and reports the changes, in the same order.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Number, Value};

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Json<'a> {
    Null,
    Bool(bool),
    Number(Number),
    String(Cow<'a, str>),
    Array(Vec<Json<'a>>),
    /// Sorted by key, as `serde_json::Map` orders them.
    Object(Vec<(Cow<'a, str>, Json<'a>)>),
}

/// What a missing field reads as, as `serde_json::Value` indexes.
pub(crate) const NULL: Json<'static> = Json::Null;

impl<'a> Json<'a> {
    pub(crate) fn get(&self, key: &str) -> Option<&Json<'a>> {
        match self {
            Json::Object(fields) => fields.binary_search_by(|(k, _)| k.as_ref().cmp(key)).ok().map(|at| &fields[at].1),
            _ => None,
        }
    }

    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn as_array(&self) -> Option<&[Json<'a>]> {
        match self {
            Json::Array(items) => Some(items),
            _ => None,
        }
    }

    pub(crate) fn is_object(&self) -> bool {
        matches!(self, Json::Object(_))
    }

    /// The same value as `serde_json::Value`, for the rare change whose
    /// report quotes a whole object or list as JSON.
    pub(crate) fn to_value(&self) -> Value {
        match self {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Number(n) => Value::Number(n.clone()),
            Json::String(s) => Value::String(s.to_string()),
            Json::Array(items) => Value::Array(items.iter().map(Json::to_value).collect()),
            Json::Object(fields) => Value::Object(fields.iter().map(|(k, v)| (k.to_string(), v.to_value())).collect()),
        }
    }
}

/// JSON text read as a [`Json`] tree that borrows its strings.
pub(crate) fn parse(text: &[u8]) -> serde_json::Result<Json<'_>> {
    serde_json::from_slice(text)
}

/// A string that borrows the text where it has no escapes.
struct Str<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Str<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Str<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Owned(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(V)
    }
}

impl<'de> Deserialize<'de> for Json<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Json<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_unit<E>(self) -> Result<Json<'de>, E> {
                Ok(Json::Null)
            }
            fn visit_bool<E>(self, v: bool) -> Result<Json<'de>, E> {
                Ok(Json::Bool(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Json<'de>, E> {
                Ok(Json::Number(v.into()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Json<'de>, E> {
                Ok(Json::Number(v.into()))
            }
            // As serde_json does: a number that is not finite is null.
            fn visit_f64<E>(self, v: f64) -> Result<Json<'de>, E> {
                Ok(Number::from_f64(v).map_or(Json::Null, Json::Number))
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Json<'de>, E> {
                Ok(Json::String(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Json<'de>, E> {
                Ok(Json::String(Cow::Owned(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<Json<'de>, E> {
                Ok(Json::String(Cow::Owned(v)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json<'de>, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Json::Array(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json<'de>, A::Error> {
                let mut fields: Vec<(Cow<'de, str>, Json<'de>)> = Vec::with_capacity(map.size_hint().unwrap_or(8));
                while let Some((Str(key), value)) = map.next_entry()? {
                    fields.push((key, value));
                }
                // A key given twice keeps its last value, as in a map.
                fields.reverse();
                fields.sort_by(|(a, _), (b, _)| a.cmp(b));
                fields.dedup_by(|(a, _), (b, _)| a == b);
                Ok(Json::Object(fields))
            }
        }
        deserializer.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tree_holds_what_serde_json_holds_in_the_same_order() {
        let text = r#"{"b":[1,-2,3.5,1.0,true,null],"a":{"z":"x\ny","y":"plain"},"b2":"é","a":{"k":1}}"#;
        let ours = parse(text.as_bytes()).expect("json");
        let theirs: Value = serde_json::from_str(text).expect("json");
        assert_eq!(ours.to_value(), theirs);
        assert_eq!(ours.to_value().to_string(), theirs.to_string());
        let Json::Object(fields) = &ours else { panic!("{ours:?}") };
        let keys: Vec<&str> = fields.iter().map(|(k, _)| k.as_ref()).collect();
        let theirs: Vec<&str> = theirs.as_object().expect("object").keys().map(String::as_str).collect();
        assert_eq!(keys, theirs);
        assert_eq!(ours.get("a").and_then(|a| a.get("k")), Some(&Json::Number(1.into())));
        assert!(matches!(ours.get("b2"), Some(Json::String(Cow::Borrowed("é")))));
    }
}
