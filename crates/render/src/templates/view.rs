//! The context handed to templates: the policy itself as `p`, the locale
//! strings as `t`, and a few values that are awkward to compute in a template.

use std::collections::{BTreeMap, HashMap};

use policywright_i18n::{Locale, section};
use policywright_model::{Duties, Indicator, LevelRequirements, PayPeriod, Policy, Role, Sanitized, Weight};
use serde::Serialize;
use serde_json::Value;
use tera::Context;
use tera::value::Key;

/// The words templates see as `t`: the catalogue's `document` section, with
/// each chapter's `title` from `sections` and the names of the fixed
/// choices from `choices`, so that a chapter or a sanction has one name in
/// the document, the app and the change summary.
pub fn document_strings(locale: Locale) -> Value {
    let mut t = section(locale, "document").clone();
    let Some(map) = t.as_object_mut() else { return t };
    if let Some(sections) = section(locale, "sections").as_object() {
        for (chapter, title) in sections {
            if let Some(Value::Object(entry)) = map.get_mut(chapter) {
                entry.insert("title".into(), title.clone());
            }
        }
    }
    let choices = section(locale, "choices");
    map.insert("consequences".into(), choices["consequence"].clone());
    map.insert("training_kinds".into(), choices["training_kind"].clone());
    t
}

/// One row of the flattened indicator table.
#[derive(Serialize)]
struct IndicatorRow<'a> {
    id: &'a str,
    name: &'a str,
    /// 0 for top-level indicators.
    depth: usize,
    /// Rendered weight, e.g. `30` or `12.5`.
    weight: String,
    description: &'a str,
}

/// One version's roles as template values, for the render of another
/// version of the same policy to take every role that is the same in both
/// rather than make it again: comparing two versions renders both, and
/// most roles are the same. Template values share what they hold, so a
/// role taken is not copied.
pub struct SharedRoles<'a> {
    by_id: HashMap<&'a str, (&'a Role, tera::Value)>,
}

impl<'a> SharedRoles<'a> {
    pub fn of(policy: &'a Policy) -> SharedRoles<'a> {
        let mut by_id = HashMap::with_capacity(policy.duties.roles.len());
        for role in &policy.duties.roles {
            by_id.entry(role.id.as_str()).or_insert_with(|| (role, tera::Value::from_serializable(role)));
        }
        SharedRoles { by_id }
    }

    /// The policy as templates see it (`p`), with every role the same as
    /// one of ours taken from us.
    fn policy_value(&self, policy: &Policy) -> tera::Value {
        let hollow = Policy {
            schema_version: policy.schema_version,
            document: policy.document.clone(),
            general: policy.general.clone(),
            duties: Duties { intro: policy.duties.intro.clone(), roles: Vec::new() },
            workflow: policy.workflow.clone(),
            discipline: policy.discipline.clone(),
            appraisal: policy.appraisal.clone(),
            training: policy.training.clone(),
            career: policy.career.clone(),
            supplementary: policy.supplementary.clone(),
        };
        let roles: Vec<tera::Value> = policy
            .duties
            .roles
            .iter()
            .map(|role| match self.by_id.get(role.id.as_str()) {
                Some((ours, value)) if *ours == role => value.clone(),
                _ => tera::Value::from_serializable(role),
            })
            .collect();
        let Some(mut p) = tera::Value::from_serializable(&hollow).into_map() else {
            return tera::Value::from_serializable(policy);
        };
        let Some(mut duties) = p.remove(&Key::from("duties")).and_then(tera::Value::into_map) else {
            return tera::Value::from_serializable(policy);
        };
        duties.insert(Key::from("roles"), tera::Value::from(roles));
        p.insert(Key::from("duties"), tera::Value::from(duties));
        tera::Value::from(p)
    }
}

pub fn context(policy: &Sanitized<Policy>, strings: &Value, shared: Option<&SharedRoles<'_>>) -> Context {
    let policy: &Policy = policy;
    let mut ctx = Context::new();

    // A role not named yet is still referred to, by the placeholder its
    // heading shows.
    let not_set = text(strings, "not_set");
    let role_title: BTreeMap<&str, &str> = policy
        .duties
        .roles
        .iter()
        .map(|r| (r.id.as_str(), if r.title.trim().is_empty() { not_set } else { r.title.as_str() }))
        .collect();
    let scope_roles: Vec<&str> =
        policy.general.scope_roles.iter().map(|id| role_title.get(id.as_str()).copied().unwrap_or(id)).collect();

    let mut indicator_rows = Vec::new();
    flatten(&policy.appraisal.indicators, 0, &mut indicator_rows);
    let indicator_total = Weight::sum(policy.appraisal.indicators.iter().map(|i| &i.weight)).to_string();

    let per = |period: PayPeriod| match period {
        PayPeriod::Month => "month",
        PayPeriod::Year => "year",
    };
    let salary: BTreeMap<&str, serde_json::Value> = policy
        .duties
        .roles
        .iter()
        .filter_map(|r| {
            let band = r.salary_band.as_ref()?;
            Some((
                r.id.as_str(),
                serde_json::json!({
                    "min": group_thousands(band.min),
                    "max": group_thousands(band.max),
                    "currency": currency_word(&band.currency, strings),
                    "period": per(band.period),
                    "note": band.note,
                }),
            ))
        })
        .collect();

    let mut level_roles = BTreeMap::new();
    let mut level_requirements = BTreeMap::new();
    // Each level's requirements name the level below it, the one a person
    // is promoted from: on the ladder, and on each track of its own.
    let ladders =
        std::iter::once(&policy.career.levels).chain(policy.career.professional_track.iter().map(|t| &t.levels));
    for levels in ladders {
        for (i, level) in levels.iter().enumerate() {
            let titles: Vec<&str> =
                level.roles.iter().map(|id| role_title.get(id.as_str()).copied().unwrap_or(id)).collect();
            level_roles.insert(level.id.as_str(), titles.join(text(strings, "list_sep")));
            // A track's first level is reached from the ladder's level one grade down.
            let below = match i.checked_sub(1) {
                Some(b) => Some(&levels[b]),
                None => policy.career.levels.iter().find(|l| l.grade.checked_add(1) == Some(level.grade)),
            };
            let below = below.map(|l| l.name.as_str()).filter(|n| !n.trim().is_empty());
            level_requirements.insert(level.id.as_str(), requirements_text(&level.requirements, below, strings));
        }
    }

    // Who may sit each skill level's assessment: whole sentences, numbered
    // when there are several, never glued with a separator after their
    // own full stop.
    let skill_eligibility: BTreeMap<&str, Vec<String>> = policy
        .duties
        .roles
        .iter()
        .map(|r| (r.id.as_str(), r.skill_levels.iter().map(|l| numbered_items(&l.eligibility, strings)).collect()))
        .collect();

    let version = policy.document.revisions.last().map(|r| r.version.clone()).unwrap_or_default();

    let effective_on = policywright_model::dates::Day::parse(&policy.document.effective_date)
        .map(|day| text(strings, "supplementary.effective_on").replace("{date}", &long_date(day, strings)))
        .unwrap_or_default();

    ctx.insert("t", strings);
    ctx.insert("version", &version);
    ctx.insert("effective_on", &effective_on);
    ctx.insert("review_cycle", &review_cycle(policy.document.review_months, strings));
    ctx.insert("next_review", &policy.document.review_due(None).map(|day| day.to_string()).unwrap_or_default());
    ctx.insert("role_title", &role_title);
    ctx.insert("scope_roles", &scope_roles);
    ctx.insert("indicator_rows", &indicator_rows);
    ctx.insert("indicator_total", &indicator_total);
    ctx.insert("salary", &salary);
    ctx.insert("level_roles", &level_roles);
    ctx.insert("level_requirements", &level_requirements);
    ctx.insert("skill_eligibility", &skill_eligibility);
    match shared {
        Some(shared) => ctx.insert_value("p", shared.policy_value(policy)),
        None => ctx.insert("p", policy),
    }
    ctx
}

/// "Every 12 months from the effective date", for the document-control table.
fn review_cycle(months: u32, strings: &Value) -> String {
    match months {
        0 => text(strings, "control.review_none").to_string(),
        1 => text(strings, "control.review_monthly").to_string(),
        n => text(strings, "control.review_every").replace("{months}", &n.to_string()),
    }
}

/// "January 1, 2027" or "2027年1月1日": how a sentence states a day.
fn long_date(day: policywright_model::dates::Day, strings: &Value) -> String {
    let (year, month, day) = day.parts();
    text(strings, "long_date")
        .replace("{year}", &year.to_string())
        .replace("{month}", text(strings, &format!("months.m{month}")))
        .replace("{day}", &day.to_string())
}

fn text<'a>(strings: &'a Value, path: &str) -> &'a str {
    path.split('.').fold(strings, |v, key| &v[key]).as_str().unwrap_or("")
}

/// One cell of the ladder table, in sentences: "At least 2 years as
/// Operations Specialist. Appraisal: …. Skills: …; …."
fn requirements_text(req: &LevelRequirements, below: Option<&str>, strings: &Value) -> String {
    let colon = text(strings, "colon");
    let item_sep = text(strings, "career.item_sep");
    let end = text(strings, "career.clause_end");
    let mut clauses = Vec::new();
    if req.tenure_years > 0 {
        let one = req.tenure_years == 1;
        let key = match (below, one) {
            (Some(_), true) => "career.tenure_one",
            (Some(_), false) => "career.tenure_other",
            (None, true) => "career.tenure_first_one",
            (None, false) => "career.tenure_first_other",
        };
        clauses.push(
            text(strings, key)
                .replace("{below}", below.unwrap_or(""))
                .replace("{years}", &req.tenure_years.to_string()),
        );
    }
    let labelled = |label: &str, body: String| format!("{}{colon}{}", text(strings, label), body);
    if !req.appraisal.trim().is_empty() {
        clauses.push(labelled("career.appraisal", req.appraisal.trim().to_string()));
    }
    if !req.skills.is_empty() {
        clauses.push(labelled("career.skills", joined(&req.skills, item_sep)));
    }
    if !req.certificates.is_empty() {
        clauses.push(labelled("career.certificates", joined(&req.certificates, item_sep)));
    }
    let ended: Vec<String> = clauses.into_iter().map(|c| ended(&c, end)).collect();
    ended.join(text(strings, "career.clause_sep"))
}

/// Items of a list inside one clause, without the full stop each may end with.
fn joined(items: &[String], sep: &str) -> String {
    let trimmed: Vec<&str> =
        items.iter().map(|i| i.trim().trim_end_matches(['.', '。', ';', '；'])).filter(|i| !i.is_empty()).collect();
    trimmed.join(sep)
}

/// A clause closed by `end`, unless it already ends a sentence.
fn ended(clause: &str, end: &str) -> String {
    let clause = clause.trim_end();
    if clause.ends_with(['.', '。', '!', '！', '?', '？']) { clause.to_string() } else { format!("{clause}{end}") }
}

/// Sentences in one cell: as they are when there is one, else numbered
/// "（1）…。（2）…。" or "(1) …. (2) …." and each closed.
fn numbered_items(items: &[String], strings: &Value) -> String {
    let end = text(strings, "career.clause_end");
    let items: Vec<&str> = items.iter().map(|i| i.trim()).filter(|i| !i.is_empty()).collect();
    match items[..] {
        [] => String::new(),
        [one] => one.to_string(),
        _ => {
            let number = text(strings, "item_number");
            let all: Vec<String> = items
                .iter()
                .enumerate()
                .map(|(n, item)| format!("{}{}", number.replace("{n}", &(n + 1).to_string()), ended(item, end)))
                .collect();
            all.join(text(strings, "item_sep"))
        }
    }
}

/// A currency as the document's language writes it after an amount: 元 in
/// Chinese; the code otherwise, or as given when it is not a known one.
fn currency_word(code: &str, strings: &Value) -> String {
    let word = text(strings, &format!("currency.{code}"));
    if word.is_empty() { code.to_string() } else { word.to_string() }
}

fn flatten<'a>(nodes: &'a [Indicator], depth: usize, out: &mut Vec<IndicatorRow<'a>>) {
    for node in nodes {
        out.push(IndicatorRow {
            id: &node.id,
            name: &node.name,
            depth,
            weight: node.weight.to_string(),
            description: &node.description,
        });
        flatten(&node.children, depth + 1, out);
    }
}

/// `4500` → `4,500`: pay figures read more easily grouped.
fn group_thousands(n: u32) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
