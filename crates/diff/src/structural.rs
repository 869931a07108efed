//! What changed between two versions, in the terms a lawyer reads a policy:
//! "Appraisal › Ability › Professional skill: weight 15 % → 20 %".
//!
//! Items that carry an `id` are matched by it, never by position, so a role
//! moved within the list is reported as moved and not as two rewritten roles.

use std::collections::HashMap;

use crate::align::{self, Step};
use crate::json::{self, Json, NULL};
use policywright_i18n::{Locale, Message, NumberingScheme, chinese_number, keys, lookup, msg};
use policywright_model::Policy;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
    Moved,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub kind: ChangeKind,
    /// Where, from the section down, e.g. `["Appraisal", "Ability", "Professional skill"]`.
    pub place: Vec<String>,
    /// JSON path of the value in the newer version (the older one for removals).
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// The change in one line of plain words, in the newer version's language.
    pub summary: String,
    /// The summary without its place: "duty 3 reworded", and the words
    /// around the change.
    #[serde(skip)]
    pub what: String,
}

/// A chapter's name, as the document, the app and this summary all call it.
fn section_label(key: &str, locale: Locale) -> String {
    lookup(locale, &format!("sections.{key}")).unwrap_or(key).to_string()
}

/// A readable name for a field, as the app's form labels it; lowercase in
/// English, where it stands inside a sentence.
fn field_label(key: &str, locale: Locale) -> String {
    match lookup(locale, &format!("fields.{key}")) {
        Some(label) if locale == Locale::En => lowercase_first(label),
        Some(label) => label.to_string(),
        None => key.replace('_', " "),
    }
}

/// The singular noun for an item of a list field, for "duty 3 reworded".
fn item_noun(list: &str, locale: Locale) -> String {
    lookup(locale, &format!("nouns.{list}")).map_or_else(|| field_label(list, locale), str::to_string)
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The sentences of a change summary, in the newer version's language.
/// The language, and the numbering, which the items of a Chinese article
/// follow: an item is cited as 第（三）项, as the document numbers it.
struct Words(Locale, NumberingScheme);

impl Words {
    fn say(&self, message: Message) -> String {
        message.render(self.0)
    }
    fn weight(&self, before: &str, after: &str) -> String {
        self.say(msg!(keys::diff::WEIGHT, before = before, after = after))
    }
    fn reworded(&self, label: &str) -> String {
        self.say(msg!(keys::diff::REWORDED, label = label))
    }
    fn changed(&self, label: &str, before: &str, after: &str) -> String {
        self.say(msg!(keys::diff::CHANGED, label = label, before = before, after = after))
    }
    fn added(&self, noun: &str, name: &str) -> String {
        self.say(msg!(keys::diff::ADDED, noun = noun, name = name))
    }
    fn removed(&self, noun: &str, name: &str) -> String {
        self.say(msg!(keys::diff::REMOVED, noun = noun, name = name))
    }
    fn moved(&self, noun: &str, name: &str, other: Option<(&str, bool)>) -> String {
        self.say(match other {
            Some((o, true)) => msg!(keys::diff::MOVED_ABOVE, noun = noun, name = name, other = o),
            Some((o, false)) => msg!(keys::diff::MOVED_BELOW, noun = noun, name = name, other = o),
            None => msg!(keys::diff::MOVED_ELSEWHERE, noun = noun, name = name),
        })
    }
    /// What breaking a new rule leads to, or the rules of a new group: a
    /// reader of the summary needs the sanction as much as the rule.
    fn consequences(&self, item: &Json<'_>) -> String {
        let rules = item.get("rules").and_then(Json::as_array).map_or_else(|| vec![item], |r| r.iter().collect());
        let mut words: Vec<String> = Vec::new();
        for code in rules.iter().filter_map(|r| r.get("consequence").and_then(Json::as_str)) {
            let word = lookup(self.0, &format!("choices.consequence.{code}")).unwrap_or(code).to_string();
            if !words.contains(&word) {
                words.push(word);
            }
        }
        if words.is_empty() {
            return String::new();
        }
        let sep = lookup(self.0, "document.list_sep").unwrap_or(", ");
        self.say(msg!(keys::diff::CONSEQUENCES, list = words.join(sep)))
    }

    /// An item's number as the document prints it.
    fn item(&self, n: usize) -> String {
        match self.1 {
            NumberingScheme::ZhChapter => format!("（{}）", chinese_number(u32::try_from(n).unwrap_or(u32::MAX))),
            NumberingScheme::ZhOutline => format!("（{n}）"),
            NumberingScheme::Decimal => n.to_string(),
        }
    }
    fn nth(&self, noun: &str, n: usize, what: ChangeKind, reworded: bool) -> String {
        let key = match (what, reworded) {
            (ChangeKind::Added, _) => keys::diff::NTH_ADDED,
            (ChangeKind::Removed, _) => keys::diff::NTH_REMOVED,
            (_, true) => keys::diff::NTH_REWORDED,
            (_, false) => keys::diff::NTH_CHANGED,
        };
        self.say(msg!(key, noun = noun, n = self.item(n)))
    }
    fn nth_name(&self, noun: &str, n: usize) -> String {
        self.say(msg!(keys::diff::NTH_NAME, noun = noun, n = self.item(n)))
    }
}

/// The name a person would use for an item: its name, title or grade.
fn item_name(item: &Json<'_>) -> Option<String> {
    ["name", "title", "grade", "version", "text", "id"]
        .iter()
        .find_map(|k| item.get(k).and_then(Json::as_str))
        .map(str::to_string)
}

/// The catalogue's word for a fixed choice, by the field that holds it.
fn choice_word(key: &str, value: &Json<'_>, locale: Locale) -> Option<String> {
    let group = match key {
        "consequence" => "consequence",
        "kind" => "training_kind",
        "period" => "pay_period",
        "numbering" => "numbering",
        "locale" => "locale",
        "style" => "page_style",
        "contents" => "contents",
        _ => return None,
    };
    lookup(locale, &format!("choices.{group}.{}", value.as_str()?)).map(str::to_string)
}

fn scalar_text(v: &Json<'_>) -> String {
    match v {
        Json::String(s) => s.to_string(),
        Json::Null => "—".into(),
        // As serde_json writes it: a number, or a whole object or list
        // where the other side has a value.
        other => other.to_value().to_string(),
    }
}

/// Texts longer than this are "reworded" rather than quoted in full.
const QUOTE_LIMIT: usize = 40;

fn long(text: &str) -> bool {
    text.chars().count() > QUOTE_LIMIT
}

/// A field's text as the document prints it: its inline Markdown (emphasis,
/// a link) read, not quoted as source.
fn as_read(text: &str) -> String {
    // Escaped as the templates escape a field, so it reads as it prints.
    let doc = policywright_doc::markdown::parse(&policywright_render::escape_inline(text));
    doc.blocks.iter().map(policywright_doc::block_text).collect::<Vec<_>>().join(" ")
}

/// Characters of context kept on each side of a change in an excerpt.
const CONTEXT: usize = 12;

/// Both texts cut down to the part that differs, with a little of what
/// stays the same on each side and "…" where text was left out.
fn excerpt(before: &str, after: &str) -> (String, String) {
    let (b, a): (Vec<char>, Vec<char>) = (before.chars().collect(), after.chars().collect());
    let head = b.iter().zip(&a).take_while(|(x, y)| x == y).count();
    let tail = b[head..].iter().rev().zip(a[head..].iter().rev()).take_while(|(x, y)| x == y).count();
    let cut = |text: &[char]| {
        let start = head.saturating_sub(CONTEXT);
        let start = start.min(text.len());
        // A long rewrite shows its start: the summary is one line.
        let mut end = (text.len() - tail + CONTEXT).min(text.len()).min(head + CONTEXT * 4);
        // Whole words at either end, where words have spaces between them.
        let mut start = start;
        while start > 0 && start < head && text[start - 1].is_ascii_alphanumeric() {
            start += 1;
        }
        while end < text.len() && text[end - 1].is_ascii_alphanumeric() && text[end].is_ascii_alphanumeric() {
            end += 1;
        }
        let mut out = String::new();
        if start > 0 {
            out.push('…');
        }
        out.extend(&text[start..end]);
        if end < text.len() {
            out.push('…');
        }
        out
    };
    (cut(&b), cut(&a))
}

struct Walker {
    changes: Vec<Change>,
    words: Words,
}

impl Walker {
    fn push(
        &mut self,
        kind: ChangeKind,
        place: &[String],
        path: &str,
        before: Option<String>,
        after: Option<String>,
        what: String,
    ) {
        let crumbs = place.join(" › ");
        let colon = self.words.say(Message::new(keys::diff::CRUMB_COLON));
        // A long text reworded is quoted around the change, so the summary
        // says what changed and not only that something did.
        let what = match (&before, &after) {
            (Some(b), Some(a)) if kind == ChangeKind::Changed && (long(b) || long(a)) => {
                let (b, a) = excerpt(&as_read(b), &as_read(a));
                format!("{what}{}", self.words.say(msg!(keys::diff::EXCERPT, before = b, after = a)))
            }
            _ => what,
        };
        let summary = if crumbs.is_empty() { what.clone() } else { format!("{crumbs}{colon}{what}") };
        self.changes.push(Change { kind, place: place.to_vec(), path: path.to_string(), before, after, summary, what });
    }

    fn value(&mut self, key: &str, a: &Json<'_>, b: &Json<'_>, place: &[String], path: &str) {
        if a == b {
            return;
        }
        match (a, b) {
            (Json::Object(ma), Json::Object(mb)) => {
                let keys = mb.iter().map(|(k, _)| k).chain(ma.iter().map(|(k, _)| k).filter(|k| b.get(k).is_none()));
                for k in keys {
                    let va = a.get(k).unwrap_or(&NULL);
                    let vb = b.get(k).unwrap_or(&NULL);
                    self.value(k, va, vb, place, &join(path, k));
                }
            }
            (Json::Array(la), Json::Array(lb)) => self.list(key, la, lb, place, path),
            _ => self.scalar(key, a, b, place, path),
        }
    }

    fn scalar(&mut self, key: &str, a: &Json<'_>, b: &Json<'_>, place: &[String], path: &str) {
        // A fixed choice (a sanction, a kind of training) in the words the
        // document uses, never its code.
        let word = |v: &Json<'_>| choice_word(key, v, self.words.0).unwrap_or_else(|| scalar_text(v));
        let (before, after) = (word(a), word(b));
        let label = field_label(key, self.words.0);
        let what = if key == "weight" {
            self.words.weight(&before, &after)
        } else if before.chars().count() > QUOTE_LIMIT || after.chars().count() > QUOTE_LIMIT {
            self.words.reworded(&label)
        } else {
            self.words.changed(&label, &before, &after)
        };
        // The values themselves stay as stored, for programs.
        self.push(ChangeKind::Changed, place, path, Some(scalar_text(a)), Some(scalar_text(b)), what);
    }

    fn list(&mut self, key: &str, a: &[Json<'_>], b: &[Json<'_>], place: &[String], path: &str) {
        let keyed = |l: &[Json<'_>]| !l.is_empty() && l.iter().all(|v| v.get("id").and_then(Json::as_str).is_some());
        if keyed(a) || keyed(b) {
            self.keyed_list(key, a, b, place, path);
        } else {
            self.plain_list(key, a, b, place, path);
        }
    }

    /// Lists of items with ids: matched by id; order compared separately.
    fn keyed_list(&mut self, key: &str, a: &[Json<'_>], b: &[Json<'_>], place: &[String], path: &str) {
        let noun = item_noun(key, self.words.0);
        let ids_a: Vec<&str> = a.iter().map(item_id).collect();
        let ids_b: Vec<&str> = b.iter().map(item_id).collect();
        let (in_a, in_b) = (first_places(&ids_a), first_places(&ids_b));
        for (i, item) in b.iter().enumerate() {
            let old = in_a.get(ids_b[i]).map(|&j| &a[j]);
            // Most items of a long list are unchanged: they cost one
            // comparison, not a name, a path and a place.
            if old == Some(item) {
                continue;
            }
            let item_path = format!("{path}[{i}]");
            let name = item_name(item).unwrap_or_default();
            match old {
                None => {
                    let what = format!("{}{}", self.words.added(&noun, &name), self.words.consequences(item));
                    self.push(ChangeKind::Added, place, &item_path, None, Some(name.clone()), what)
                }
                Some(old) => {
                    let mut inner = place.to_vec();
                    // An item known by its text alone (a rule) is cited by
                    // its number, as the document numbers it.
                    let by_text =
                        item.get("name").is_none() && item.get("title").is_none() && item.get("text").is_some();
                    inner.push(match () {
                        _ if by_text => self.words.nth_name(&noun, i + 1),
                        _ if name.is_empty() => ids_b[i].to_string(),
                        _ => name,
                    });
                    self.value(key, old, item, &inner, &item_path);
                }
            }
        }
        for (j, item) in a.iter().enumerate() {
            if !in_b.contains_key(ids_a[j]) {
                let name = item_name(item).unwrap_or_default();
                self.push(
                    ChangeKind::Removed,
                    place,
                    &format!("{path}[{j}]"),
                    Some(name.clone()),
                    None,
                    self.words.removed(&noun, &name),
                );
            }
        }
        // Moves: among ids in both, those outside the longest common order
        // moved, each named beside the item it now stands above (or below,
        // at the end).
        let common_a: Vec<&str> = ids_a.iter().copied().filter(|x| in_b.contains_key(x)).collect();
        let common_b: Vec<&str> = ids_b.iter().copied().filter(|x| in_a.contains_key(x)).collect();
        if common_a == common_b {
            return;
        }
        let named = |id: &str| {
            let i = in_b.get(id).copied().unwrap_or(0);
            (i, item_name(&b[i]).unwrap_or_else(|| id.to_string()))
        };
        for step in align::steps(&common_a, &common_b) {
            let moved = match step {
                Step::Came(k) => vec![k],
                Step::Rewritten(_, ks) => ks,
                Step::Same(..) | Step::Gone(_) => continue,
            };
            for k in moved {
                let (i, name) = named(common_b[k]);
                let other: Option<(String, bool)> = match common_b.get(k + 1) {
                    Some(next) => Some((named(next).1, true)),
                    None => k.checked_sub(1).and_then(|p| common_b.get(p)).map(|prev| (named(prev).1, false)),
                };
                let what = self.words.moved(&noun, &name, other.as_ref().map(|(o, above)| (o.as_str(), *above)));
                self.push(ChangeKind::Moved, place, &format!("{path}[{i}]"), None, None, what);
            }
        }
    }

    /// Lists of plain values (duties, steps): aligned by content.
    fn plain_list(&mut self, key: &str, a: &[Json<'_>], b: &[Json<'_>], place: &[String], path: &str) {
        let noun = item_noun(key, self.words.0);
        let ta: Vec<String> = a.iter().map(scalar_text).collect();
        let tb: Vec<String> = b.iter().map(scalar_text).collect();
        // Item k (0-based) of the old list gone, or of the new list come.
        let removed = |w: &mut Self, k: usize| {
            let what = w.words.nth(&noun, k + 1, ChangeKind::Removed, false);
            w.push(ChangeKind::Removed, place, &format!("{path}[{k}]"), Some(ta[k].clone()), None, what);
        };
        let added = |w: &mut Self, k: usize| {
            let what = w.words.nth(&noun, k + 1, ChangeKind::Added, false);
            w.push(ChangeKind::Added, place, &format!("{path}[{k}]"), None, Some(tb[k].clone()), what);
        };
        for step in align::steps(&ta, &tb) {
            match step {
                Step::Same(..) => {}
                Step::Gone(k) => removed(self, k),
                Step::Came(k) => added(self, k),
                Step::Rewritten(xs, ys) => {
                    let pairs = xs.len().min(ys.len());
                    for (&o, &n) in xs.iter().zip(&ys) {
                        let reworded = !(a[o].is_object() || b[n].is_object());
                        let what = self.words.nth(&noun, n + 1, ChangeKind::Changed, reworded);
                        if a[o].is_object() && b[n].is_object() {
                            let mut inner = place.to_vec();
                            inner.push(item_name(&b[n]).unwrap_or_else(|| self.words.nth_name(&noun, n + 1)));
                            self.value(key, &a[o], &b[n], &inner, &format!("{path}[{n}]"));
                        } else {
                            self.push(
                                ChangeKind::Changed,
                                place,
                                &format!("{path}[{n}]"),
                                Some(ta[o].clone()),
                                Some(tb[n].clone()),
                                what,
                            );
                        }
                    }
                    xs[pairs..].iter().for_each(|&k| removed(self, k));
                    ys[pairs..].iter().for_each(|&k| added(self, k));
                }
            }
        }
    }
}

fn item_id<'v>(item: &'v Json<'_>) -> &'v str {
    item.get("id").and_then(Json::as_str).unwrap_or("")
}

/// Where each id first stands: an id given twice (which validation
/// refuses) matches its first item, as a reader would look it up.
fn first_places<'s>(ids: &[&'s str]) -> HashMap<&'s str, usize, foldhash::fast::RandomState> {
    let mut at = HashMap::with_capacity_and_hasher(ids.len(), foldhash::fast::RandomState::default());
    for (i, id) in ids.iter().enumerate() {
        at.entry(*id).or_insert(i);
    }
    at
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_string() } else { format!("{path}.{key}") }
}

/// Every change from `old` to `new`, section by section in document order.
pub fn structural(old: &Policy, new: &Policy) -> Vec<Change> {
    // Each policy's compact JSON, read as a tree that borrows its strings
    // (see `json`): the walk reads the policy as JSON, so that every field
    // is compared, fields added later too, without a list of them.
    let (Ok(old), Ok(new_text)) = (serde_json::to_vec(old), serde_json::to_vec(new)) else {
        return Vec::new();
    };
    let (Ok(mut a), Ok(mut b)) = (json::parse(&old), json::parse(&new_text)) else {
        return Vec::new();
    };
    // The revision history records versions; it is not a change to the policy.
    for v in [&mut a, &mut b] {
        if let Json::Object(fields) = v
            && let Some((_, Json::Object(document))) = fields.iter_mut().find(|(k, _)| k == "document")
        {
            document.retain(|(k, _)| k != "revisions");
        }
    }
    let locale = new.document.locale;
    let mut walker = Walker { changes: Vec::new(), words: Words(locale, new.document.numbering) };
    // Document order, not the alphabetical order of the JSON map.
    for section in
        ["document", "general", "duties", "workflow", "discipline", "appraisal", "training", "career", "supplementary"]
    {
        let (va, vb) = (a.get(section).unwrap_or(&NULL), b.get(section).unwrap_or(&NULL));
        walker.value(section, va, vb, &[section_label(section, locale)], section);
    }
    walker.changes
}
