//! The context handed to templates: the policy itself as `p`, the locale
//! strings as `t`, and a few values that are awkward to compute in a template.

use std::collections::BTreeMap;

use policywright_i18n::{Locale, section};
use policywright_model::{Indicator, LevelRequirements, PayPeriod, Policy, Sanitized, Weight};
use serde::Serialize;
use serde_json::Value;
use tera::Context;

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

pub fn context(policy: &Sanitized<Policy>, strings: &Value) -> Context {
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
                    "currency": band.currency,
                    "period": per(band.period),
                    "note": band.note,
                }),
            ))
        })
        .collect();

    let mut level_roles = BTreeMap::new();
    let mut level_requirements = BTreeMap::new();
    let track_levels = policy.career.professional_track.iter().flat_map(|t| t.levels.iter());
    for level in policy.career.levels.iter().chain(track_levels) {
        let titles: Vec<&str> =
            level.roles.iter().map(|id| role_title.get(id.as_str()).copied().unwrap_or(id)).collect();
        level_roles.insert(level.id.as_str(), titles.join(text(strings, "list_sep")));
        level_requirements.insert(level.id.as_str(), requirements_text(&level.requirements, strings));
    }

    let version = policy.document.revisions.last().map(|r| r.version.clone()).unwrap_or_default();

    ctx.insert("t", strings);
    ctx.insert("version", &version);
    ctx.insert("review_cycle", &review_cycle(policy.document.review_months, strings));
    ctx.insert("next_review", &policy.document.review_due(None).map(|day| day.to_string()).unwrap_or_default());
    ctx.insert("role_title", &role_title);
    ctx.insert("scope_roles", &scope_roles);
    ctx.insert("indicator_rows", &indicator_rows);
    ctx.insert("indicator_total", &indicator_total);
    ctx.insert("salary", &salary);
    ctx.insert("level_roles", &level_roles);
    ctx.insert("level_requirements", &level_requirements);
    ctx.insert("p", policy);
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

fn text<'a>(strings: &'a Value, path: &str) -> &'a str {
    path.split('.').fold(strings, |v, key| &v[key]).as_str().unwrap_or("")
}

/// One cell of the ladder table: "at least 2 years in the level below; appraisal: …".
fn requirements_text(req: &LevelRequirements, strings: &Value) -> String {
    let colon = text(strings, "colon");
    let list_sep = text(strings, "list_sep");
    let mut parts = Vec::new();
    if req.tenure_years > 0 {
        parts.push(format!(
            "{}{}{}",
            text(strings, "career.tenure_before"),
            req.tenure_years,
            text(strings, if req.tenure_years == 1 { "career.tenure_after_one" } else { "career.tenure_after" })
        ));
    }
    if !req.appraisal.is_empty() {
        parts.push(format!("{}{colon}{}", text(strings, "career.appraisal"), req.appraisal));
    }
    if !req.skills.is_empty() {
        parts.push(format!("{}{colon}{}", text(strings, "career.skills"), req.skills.join(list_sep)));
    }
    if !req.certificates.is_empty() {
        parts.push(format!("{}{colon}{}", text(strings, "career.certificates"), req.certificates.join(list_sep)));
    }
    parts.join(text(strings, "sentence_sep"))
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
