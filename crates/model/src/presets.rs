//! Built-in starting points: complete policies and a library of roles, in
//! every locale, compiled into the binary from `templates/presets/` and
//! `templates/roles/`.

use policywright_i18n::{Error, ErrorKind, Locale, NumberingScheme, Result, keys, msg};
use serde::Serialize;

use crate::{self as model, Policy, Role};

struct PresetSource {
    id: &'static str,
    locale: Locale,
    json: &'static str,
}

const PRESETS: &[PresetSource] = &[
    PresetSource {
        id: "operations",
        locale: Locale::ZhCn,
        json: include_str!("../../../templates/presets/operations.zh-CN.json"),
    },
    PresetSource {
        id: "operations",
        locale: Locale::En,
        json: include_str!("../../../templates/presets/operations.en.json"),
    },
];

const ROLES: &[(Locale, &str)] = &[
    (Locale::ZhCn, include_str!("../../../templates/roles/zh-CN.json")),
    (Locale::En, include_str!("../../../templates/roles/en.json")),
];

/// The preset that starts from nothing but a title.
pub const BLANK: &str = "blank";

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct PresetInfo {
    pub id: String,
    pub locale: Locale,
    pub title: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct RoleInfo {
    pub id: String,
    pub locale: Locale,
    pub title: String,
}

/// Every preset in every locale, `blank` last.
pub fn list() -> Result<Vec<PresetInfo>> {
    let mut out = Vec::new();
    for src in PRESETS {
        let policy = parse_preset(src)?;
        out.push(PresetInfo { id: src.id.to_string(), locale: src.locale, title: policy.document.title });
    }
    for locale in Locale::ALL {
        out.push(PresetInfo { id: BLANK.to_string(), locale, title: blank(locale, "2000-01-01").document.title });
    }
    Ok(out)
}

/// A copy of a preset. `today` (YYYY-MM-DD) dates a blank policy; presets carry their own dates.
pub fn preset(id: &str, locale: Locale, today: &str) -> Result<Policy> {
    if id == BLANK {
        return Ok(blank(locale, today));
    }
    let src = PRESETS.iter().find(|p| p.id == id && p.locale == locale).ok_or_else(|| {
        let mut ids: Vec<&str> = PRESETS.iter().map(|p| p.id).collect();
        ids.push(BLANK);
        ids.dedup();
        let language = msg!(keys::choices::locale::EN);
        let language = if locale == Locale::ZhCn { msg!(keys::choices::locale::ZH_CN) } else { language };
        Error::new(ErrorKind::NotFound, msg!(keys::errors::NO_PRESET, id = id, locale = language))
            .detail(msg!(keys::errors::AVAILABLE_PRESETS, list = ids.join(", ")))
    })?;
    parse_preset(src)
}

fn parse_preset(src: &PresetSource) -> Result<Policy> {
    model::from_json(src.json, &format!("built-in preset {}.{}", src.id, src.locale.code()))
}

/// The role library in one locale, in a stable order.
pub fn roles(locale: Locale) -> Result<Vec<Role>> {
    let json = ROLES.iter().find(|(l, _)| *l == locale).map(|(_, j)| *j).unwrap_or("[]");
    serde_json::from_str(json).map_err(|e| Error::internal(format!("the built-in {} role library: {e}", locale.code())))
}

pub fn role_list() -> Result<Vec<RoleInfo>> {
    let mut out = Vec::new();
    for locale in Locale::ALL {
        out.extend(roles(locale)?.into_iter().map(|r| RoleInfo { id: r.id, locale, title: r.title }));
    }
    Ok(out)
}

/// Replaces the policy's roles with the named roles from the library, in the
/// order given, and drops references to roles that are no longer there so the
/// result still validates.
pub fn with_roles(mut policy: Policy, ids: &[String]) -> Result<Policy> {
    let library = roles(policy.document.locale)?;
    let mut picked = Vec::new();
    let mut unknown = Vec::new();
    for id in ids {
        match library.iter().find(|r| &r.id == id) {
            Some(role) if !picked.iter().any(|r: &Role| &r.id == id) => picked.push(role.clone()),
            Some(_) => {}
            None => unknown.push(id.as_str()),
        }
    }
    if !unknown.is_empty() {
        let available = library.iter().map(|r| r.id.as_str()).collect::<Vec<_>>().join(", ");
        return Err(Error::new(ErrorKind::NotFound, msg!(keys::errors::NO_ROLE, list = quote_list(&unknown)))
            .detail(msg!(keys::errors::AVAILABLE_ROLES, list = available)));
    }
    // A reporting line to a role that was not picked stays readable as a title.
    for role in &mut picked {
        if !role.reports_to.is_empty()
            && !ids.contains(&role.reports_to)
            && let Some(boss) = library.iter().find(|r| r.id == role.reports_to)
        {
            role.reports_to = boss.title.clone();
        }
    }
    let kept = |id: &str| picked.iter().any(|r| r.id == id);
    policy.general.scope_roles = picked.iter().map(|r| r.id.clone()).collect();
    // A stage whose owner was not picked goes to the most senior role that
    // was: the first one reporting to nobody among the picked.
    let head = picked.iter().find(|r| !kept(&r.reports_to)).or(picked.first()).map(|r| r.id.clone());
    for stage in &mut policy.workflow.stages {
        if !kept(&stage.owner) {
            stage.owner = head.clone().unwrap_or_default();
        }
    }
    let track_levels = policy.career.professional_track.iter_mut().flat_map(|t| t.levels.iter_mut());
    for level in policy.career.levels.iter_mut().chain(track_levels) {
        level.roles.retain(|id| kept(id));
    }
    policy.duties.roles = picked;
    Ok(policy)
}

fn quote_list(items: &[&str]) -> String {
    items.iter().map(|s| format!("\"{s}\"")).collect::<Vec<_>>().join(", ")
}

/// An empty policy: a title and the document settings, nothing else.
pub fn blank(locale: Locale, today: &str) -> Policy {
    let (title, numbering) = match locale {
        Locale::ZhCn => ("新制度", NumberingScheme::ZhChapter),
        Locale::En => ("New policy", NumberingScheme::Decimal),
    };
    Policy {
        schema_version: model::SCHEMA_VERSION,
        document: model::DocumentControl {
            title: title.to_string(),
            company: String::new(),
            number: String::new(),
            owner_department: String::new(),
            locale,
            numbering,
            effective_date: today.to_string(),
            review_months: model::DEFAULT_REVIEW_MONTHS,
            layout: model::Layout::default(),
            approvals: model::Approvals::default(),
            revisions: Vec::new(),
        },
        general: Default::default(),
        duties: Default::default(),
        workflow: Default::default(),
        discipline: Default::default(),
        appraisal: Default::default(),
        training: Default::default(),
        career: Default::default(),
        supplementary: Default::default(),
    }
}
