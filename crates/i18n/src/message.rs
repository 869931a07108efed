//! A message: a catalogue key and its arguments, rendered late.
//!
//! Code below the shells never decides a language. It says *which* message
//! and with what values; a shell renders it in the language of the person
//! reading: the UI's, the policy's, or the terminal's.

use std::fmt;

use crate::Locale;
use crate::catalogue::{self, Entry};

/// The dotted name of a message in the catalogue, e.g. `errors.not_utf8`.
/// The constants in [`crate::keys`] are the only ones code should use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key(pub &'static str);

impl Key {
    pub fn name(self) -> &'static str {
        self.0
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Text(String),
    Number(i64),
    /// A message rendered in the same language as the one it is part of,
    /// such as the kind of an item ("rule group", "规范类别").
    Message(Box<Message>),
    /// Messages joined with the language's list separator (", " or "、").
    List(Vec<Message>),
}

impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::Text(s.to_string())
    }
}
impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::Text(s)
    }
}
impl From<&String> for Arg {
    fn from(s: &String) -> Arg {
        Arg::Text(s.clone())
    }
}
impl From<Message> for Arg {
    fn from(m: Message) -> Arg {
        Arg::Message(Box::new(m))
    }
}
impl From<Vec<Message>> for Arg {
    fn from(list: Vec<Message>) -> Arg {
        Arg::List(list)
    }
}
impl From<Key> for Arg {
    fn from(k: Key) -> Arg {
        Arg::Message(Box::new(Message::new(k)))
    }
}
macro_rules! number_arg {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(n: $t) -> Arg {
                Arg::Number(i64::try_from(n).unwrap_or(i64::MAX))
            }
        }
    )*};
}
number_arg!(u8, u16, u32, u64, usize, i32, i64);

impl From<Key> for Message {
    fn from(key: Key) -> Message {
        Message::new(key)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    Keyed {
        key: Key,
        args: Vec<(&'static str, Arg)>,
    },
    /// Text that is the same in every language: a file name, SQLite's own
    /// words, a template excerpt.
    Verbatim(String),
}

impl Message {
    pub fn new(key: Key) -> Message {
        Message::Keyed { key, args: Vec::new() }
    }

    pub fn verbatim(text: impl Into<String>) -> Message {
        Message::Verbatim(text.into())
    }

    pub fn arg(mut self, name: &'static str, value: impl Into<Arg>) -> Message {
        if let Message::Keyed { args, .. } = &mut self {
            args.push((name, value.into()));
        }
        self
    }

    pub fn key(&self) -> Option<Key> {
        match self {
            Message::Keyed { key, .. } => Some(*key),
            Message::Verbatim(_) => None,
        }
    }

    /// The text in `locale`. `{name}` takes the argument of that name; a
    /// plural message picks `one` when `count` is 1. A key missing from the
    /// catalogue renders as itself (a test keeps that from shipping).
    pub fn render(&self, locale: Locale) -> String {
        let (key, args) = match self {
            Message::Verbatim(text) => return text.clone(),
            Message::Keyed { key, args } => (key, args),
        };
        let Some(entry) = catalogue::entry(locale, key.0) else {
            return key.0.to_string();
        };
        let count = args.iter().find(|(n, _)| *n == "count").and_then(|(_, a)| match a {
            Arg::Number(n) => Some(*n),
            _ => None,
        });
        let pattern = match entry {
            Entry::Text(text) => text.as_str(),
            Entry::Plural { one, other } => match (count, one) {
                (Some(1), Some(one)) => one.as_str(),
                _ => other.as_str(),
            },
        };
        fill(pattern, args, locale)
    }
}

/// Replaces `{name}` with its argument; `{{` and `}}` are literal braces.
fn fill(pattern: &str, args: &[(&'static str, Arg)], locale: Locale) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut rest = pattern;
    while let Some(i) = rest.find(['{', '}']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            out.push_str(&tail[..1]);
            rest = &tail[2..];
            continue;
        }
        if let (true, Some(end)) = (tail.starts_with('{'), tail.find('}')) {
            // `{name:lower}` lowercases the value's first letter, for a word
            // that is a label on its own but stands inside an English sentence.
            let (name, lower) = match tail[1..end].strip_suffix(":lower") {
                Some(name) => (name, true),
                None => (&tail[1..end], false),
            };
            let value = match args.iter().find(|(n, _)| *n == name) {
                Some((_, Arg::Text(t))) => Some(t.clone()),
                Some((_, Arg::Number(n))) => Some(n.to_string()),
                Some((_, Arg::Message(m))) => Some(m.render(locale)),
                Some((_, Arg::List(items))) => {
                    let separator = Message::new(crate::keys::nouns::LIST_SEPARATOR).render(locale);
                    Some(items.iter().map(|m| m.render(locale)).collect::<Vec<_>>().join(&separator))
                }
                None => None,
            };
            match value {
                Some(v) if lower => {
                    let mut chars = v.chars();
                    if let Some(first) = chars.next() {
                        out.extend(first.to_lowercase());
                        out.push_str(chars.as_str());
                    }
                }
                Some(v) => out.push_str(&v),
                None => out.push_str(&tail[..=end]),
            }
            rest = &tail[end + 1..];
        } else {
            out.push_str(&tail[..1]);
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

/// English, for logs and `{:?}`-style output; shells call [`Message::render`].
impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Locale::En))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys;

    #[test]
    fn arguments_fill_their_places_in_each_language() {
        let m = crate::msg!(keys::errors::NOT_UTF8, source = "a.json");
        assert_eq!(m.render(Locale::En), "a.json is not UTF-8 text");
        assert_eq!(m.render(Locale::ZhCn), "a.json 不是 UTF-8 文本");
    }

    #[test]
    fn plurals_follow_the_count() {
        let one = crate::msg!(keys::cli::ERROR_COUNT, count = 1);
        let two = crate::msg!(keys::cli::ERROR_COUNT, count = 2);
        assert_eq!((one.render(Locale::En), two.render(Locale::En)), ("1 error".into(), "2 errors".into()));
        assert_eq!(two.render(Locale::ZhCn), "2 个错误");
    }

    #[test]
    fn a_label_can_stand_inside_a_sentence() {
        assert_eq!(fill("from {s:lower} on", &[("s", Arg::Text("Draft".into()))], Locale::En), "from draft on");
    }

    #[test]
    fn braces_and_unknown_names_are_left_as_written() {
        assert_eq!(fill("{{x}} {y} {", &[], Locale::En), "{x} {y} {");
    }
}
