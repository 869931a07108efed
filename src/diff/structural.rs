//! What changed between two versions, in the terms a lawyer reads a policy:
//! "Appraisal › Ability › Professional skill: weight 15 % → 20 %".
//!
//! Items that carry an `id` are matched by it, never by position, so a role
//! moved within the list is reported as moved and not as two rewritten roles.

use serde::Serialize;
use serde_json::Value;
use similar::{Algorithm, DiffOp, capture_diff_slices};

use crate::model::{Locale, Policy};

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
    /// The change in one line of plain words.
    pub summary: String,
}

/// Section names for breadcrumbs, in the newer version's language.
fn section_label(key: &str, locale: Locale) -> String {
    let (en, zh) = match key {
        "document" => ("Document control", "文件控制"),
        "general" => ("General provisions", "总则"),
        "duties" => ("Duties", "岗位职责"),
        "workflow" => ("Workflow", "工作流程"),
        "discipline" => ("Work norms", "工作规范"),
        "appraisal" => ("Appraisal", "绩效考核"),
        "training" => ("Training", "培训与发展"),
        "career" => ("Career ladder", "职业发展"),
        "supplementary" => ("Supplementary provisions", "附则"),
        other => (other, other),
    };
    match locale {
        Locale::ZhCn => zh.to_string(),
        Locale::En => en.to_string(),
    }
}

/// A readable name for a field: `hours_per_year` → `hours per year`.
fn field_label(key: &str) -> String {
    key.replace('_', " ")
}

/// The singular noun for an item of a list field, for "duty 3 reworded".
fn item_noun(list: &str) -> String {
    match list {
        "duties" => "duty".into(),
        "steps" => "step".into(),
        "skills" => "skill".into(),
        "qualifications" => "qualification".into(),
        "goals" => "goal".into(),
        "channels" => "channel".into(),
        "daily" | "weekly" | "monthly" => format!("{list} task"),
        "certificates" => "certificate".into(),
        "eligibility" => "eligibility rule".into(),
        "roles" | "scope_roles" => "role".into(),
        "indicators" | "children" => "indicator".into(),
        "levels" => "level".into(),
        "rules" => "rule".into(),
        "groups" => "rule group".into(),
        "principles" => "principle".into(),
        "stages" => "stage".into(),
        "cycles" => "cycle".into(),
        "uses" => "use of results".into(),
        "revisions" => "revision".into(),
        "meetings" => "meeting".into(),
        "process" | "promotion" => "step".into(),
        "rating_scale" => "grade".into(),
        "content" => "training area".into(),
        "methods" => "training method".into(),
        other => field_label(other),
    }
}

/// The name a person would use for an item: its name, title or grade.
fn item_name(item: &Value) -> Option<String> {
    ["name", "title", "grade", "version", "text", "id"]
        .iter()
        .find_map(|k| item.get(*k).and_then(Value::as_str))
        .map(str::to_string)
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "—".into(),
        other => other.to_string(),
    }
}

/// Texts longer than this are "reworded" rather than quoted in full.
const QUOTE_LIMIT: usize = 40;

struct Walker {
    changes: Vec<Change>,
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
        let summary = if crumbs.is_empty() { what } else { format!("{crumbs}: {what}") };
        self.changes.push(Change { kind, place: place.to_vec(), path: path.to_string(), before, after, summary });
    }

    fn value(&mut self, key: &str, a: &Value, b: &Value, place: &[String], path: &str) {
        if a == b {
            return;
        }
        match (a, b) {
            (Value::Object(ma), Value::Object(mb)) => {
                let keys: Vec<&String> = mb.keys().chain(ma.keys().filter(|k| !mb.contains_key(*k))).collect();
                for k in keys {
                    let va = ma.get(k).unwrap_or(&Value::Null);
                    let vb = mb.get(k).unwrap_or(&Value::Null);
                    self.value(k, va, vb, place, &join(path, k));
                }
            }
            (Value::Array(la), Value::Array(lb)) => self.list(key, la, lb, place, path),
            _ => self.scalar(key, a, b, place, path),
        }
    }

    fn scalar(&mut self, key: &str, a: &Value, b: &Value, place: &[String], path: &str) {
        let (before, after) = (scalar_text(a), scalar_text(b));
        let label = field_label(key);
        let what = if key == "weight" {
            format!("weight {before} % → {after} %")
        } else if before.chars().count() > QUOTE_LIMIT || after.chars().count() > QUOTE_LIMIT {
            format!("{label} reworded")
        } else {
            format!("{label} \"{before}\" → \"{after}\"")
        };
        self.push(ChangeKind::Changed, place, path, Some(before), Some(after), what);
    }

    fn list(&mut self, key: &str, a: &[Value], b: &[Value], place: &[String], path: &str) {
        let keyed = |l: &[Value]| !l.is_empty() && l.iter().all(|v| v.get("id").and_then(Value::as_str).is_some());
        if keyed(a) || keyed(b) {
            self.keyed_list(key, a, b, place, path);
        } else {
            self.plain_list(key, a, b, place, path);
        }
    }

    /// Lists of items with ids: matched by id; order compared separately.
    fn keyed_list(&mut self, key: &str, a: &[Value], b: &[Value], place: &[String], path: &str) {
        let id = |v: &Value| v.get("id").and_then(Value::as_str).unwrap_or("").to_string();
        let noun = item_noun(key);
        let ids_a: Vec<String> = a.iter().map(id).collect();
        let ids_b: Vec<String> = b.iter().map(id).collect();
        for (i, item) in b.iter().enumerate() {
            let item_path = format!("{path}[{i}]");
            let name = item_name(item).unwrap_or_default();
            match ids_a.iter().position(|x| *x == ids_b[i]) {
                None => self.push(
                    ChangeKind::Added,
                    place,
                    &item_path,
                    None,
                    Some(name.clone()),
                    format!("{noun} \"{name}\" added"),
                ),
                Some(j) => {
                    let mut inner = place.to_vec();
                    inner.push(if name.is_empty() { ids_b[i].clone() } else { name.clone() });
                    self.value(key, &a[j], item, &inner, &item_path);
                }
            }
        }
        for (j, item) in a.iter().enumerate() {
            if !ids_b.contains(&ids_a[j]) {
                let name = item_name(item).unwrap_or_default();
                self.push(
                    ChangeKind::Removed,
                    place,
                    &format!("{path}[{j}]"),
                    Some(name.clone()),
                    None,
                    format!("{noun} \"{name}\" removed"),
                );
            }
        }
        // Moves: among ids in both, those outside the longest common order moved.
        let common_a: Vec<&String> = ids_a.iter().filter(|x| ids_b.contains(x)).collect();
        let common_b: Vec<&String> = ids_b.iter().filter(|x| ids_a.contains(x)).collect();
        if common_a == common_b {
            return;
        }
        let ops = capture_diff_slices(Algorithm::Myers, &common_a, &common_b);
        for op in ops {
            if let DiffOp::Insert { new_index, new_len, .. } = op {
                for k in new_index..new_index + new_len {
                    let moved = common_b[k];
                    let i = ids_b.iter().position(|x| x == moved).unwrap_or(0);
                    let name = item_name(&b[i]).unwrap_or_else(|| moved.clone());
                    let where_ = match common_b.get(k + 1) {
                        Some(next) => {
                            let n = ids_b.iter().position(|x| x == *next).unwrap_or(0);
                            format!("above \"{}\"", item_name(&b[n]).unwrap_or_else(|| (*next).clone()))
                        }
                        None => match k.checked_sub(1).and_then(|p| common_b.get(p)) {
                            Some(prev) => {
                                let n = ids_b.iter().position(|x| x == *prev).unwrap_or(0);
                                format!("below \"{}\"", item_name(&b[n]).unwrap_or_else(|| (*prev).clone()))
                            }
                            None => "to another place".into(),
                        },
                    };
                    self.push(
                        ChangeKind::Moved,
                        place,
                        &format!("{path}[{i}]"),
                        None,
                        None,
                        format!("{noun} \"{name}\" moved {where_}"),
                    );
                }
            }
        }
    }

    /// Lists of plain values (duties, steps): aligned by content.
    fn plain_list(&mut self, key: &str, a: &[Value], b: &[Value], place: &[String], path: &str) {
        let noun = item_noun(key);
        let ta: Vec<String> = a.iter().map(scalar_text).collect();
        let tb: Vec<String> = b.iter().map(scalar_text).collect();
        for op in capture_diff_slices(Algorithm::Patience, &ta, &tb) {
            match op {
                DiffOp::Equal { .. } => {}
                DiffOp::Delete { old_index, old_len, .. } => {
                    for (k, text) in ta.iter().enumerate().skip(old_index).take(old_len) {
                        self.push(
                            ChangeKind::Removed,
                            place,
                            &format!("{path}[{k}]"),
                            Some(text.clone()),
                            None,
                            format!("{noun} {} removed", k + 1),
                        );
                    }
                }
                DiffOp::Insert { new_index, new_len, .. } => {
                    for (k, text) in tb.iter().enumerate().skip(new_index).take(new_len) {
                        self.push(
                            ChangeKind::Added,
                            place,
                            &format!("{path}[{k}]"),
                            None,
                            Some(text.clone()),
                            format!("{noun} {} added", k + 1),
                        );
                    }
                }
                DiffOp::Replace { old_index, old_len, new_index, new_len } => {
                    let pairs = old_len.min(new_len);
                    for k in 0..pairs {
                        let (o, n) = (old_index + k, new_index + k);
                        let what = if a[o].is_object() || b[n].is_object() {
                            format!("{noun} {} changed", n + 1)
                        } else {
                            format!("{noun} {} reworded", n + 1)
                        };
                        if a[o].is_object() && b[n].is_object() {
                            let mut inner = place.to_vec();
                            inner.push(item_name(&b[n]).unwrap_or_else(|| format!("{noun} {}", n + 1)));
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
                    for k in pairs..old_len {
                        let o = old_index + k;
                        self.push(
                            ChangeKind::Removed,
                            place,
                            &format!("{path}[{o}]"),
                            Some(ta[o].clone()),
                            None,
                            format!("{noun} {} removed", o + 1),
                        );
                    }
                    for k in pairs..new_len {
                        let n = new_index + k;
                        self.push(
                            ChangeKind::Added,
                            place,
                            &format!("{path}[{n}]"),
                            None,
                            Some(tb[n].clone()),
                            format!("{noun} {} added", n + 1),
                        );
                    }
                }
            }
        }
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_string() } else { format!("{path}.{key}") }
}

/// Every change from `old` to `new`, section by section in document order.
pub fn structural(old: &Policy, new: &Policy) -> Vec<Change> {
    let (Ok(a), Ok(b)) = (serde_json::to_value(old), serde_json::to_value(new)) else {
        return Vec::new();
    };
    let locale = new.document.locale;
    let mut walker = Walker { changes: Vec::new() };
    // Document order, not the alphabetical order of the JSON map.
    for section in
        ["document", "general", "duties", "workflow", "discipline", "appraisal", "training", "career", "supplementary"]
    {
        // The revision history records versions; it is not a change to the policy.
        let (mut va, mut vb) = (a[section].clone(), b[section].clone());
        if section == "document" {
            for v in [&mut va, &mut vb] {
                if let Some(m) = v.as_object_mut() {
                    m.remove("revisions");
                }
            }
        }
        walker.value(section, &va, &vb, &[section_label(section, locale)], section);
    }
    walker.changes
}
