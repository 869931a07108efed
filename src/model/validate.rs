//! Checks a policy and reports every problem at once.
//!
//! Errors make a policy unfit to publish (weights that do not add up, a ladder
//! naming a role that does not exist). Warnings are what a reviewer would flag
//! but that does not break the document (a rule without a consequence).
//! Each diagnostic names the JSON path of the offending value and a fix.

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::Serialize;

use super::text::{is_xml_illegal, walk_strings};
use super::{Indicator, Level, Policy, Weight};

/// Longest text accepted in one field. A clause longer than this is a sign of
/// pasted material that belongs in an appendix, and it would stall the preview.
pub const MAX_FIELD_CHARS: usize = 20_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// JSON path of the value, e.g. `appraisal.indicators[1].children`.
    pub path: String,
    pub message: String,
    pub hint: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{label}: {}: {}", self.path, self.message)?;
        if !self.hint.is_empty() {
            write!(f, "\n  hint: {}", self.hint)?;
        }
        Ok(())
    }
}

#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.severity == Severity::Error)
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.severity == Severity::Warning)
    }

    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }

    fn error(&mut self, path: impl Into<String>, message: impl Into<String>, hint: impl Into<String>) {
        self.push(Severity::Error, path.into(), message.into(), hint.into());
    }

    fn warning(&mut self, path: impl Into<String>, message: impl Into<String>, hint: impl Into<String>) {
        self.push(Severity::Warning, path.into(), message.into(), hint.into());
    }

    fn push(&mut self, severity: Severity, path: String, message: String, hint: String) {
        self.diagnostics.push(Diagnostic { severity, path, message, hint });
    }
}

pub fn validate(policy: &Policy) -> Report {
    let mut report = Report::default();
    check_text(policy, &mut report);
    check_document(policy, &mut report);
    check_ids(policy, &mut report);
    let roles: HashSet<&str> = policy.duties.roles.iter().map(|r| r.id.as_str()).collect();
    check_roles(policy, &roles, &mut report);
    check_workflow(policy, &roles, &mut report);
    check_discipline(policy, &mut report);
    check_appraisal(policy, &mut report);
    check_training(policy, &mut report);
    check_career(policy, &roles, &mut report);
    report
}

fn check_text(policy: &Policy, report: &mut Report) {
    let Ok(value) = serde_json::to_value(policy) else {
        return;
    };
    let mut path = String::new();
    walk_strings(&value, &mut path, &mut |path, text| {
        if let Some(c) = text.chars().find(|&c| is_xml_illegal(c)) {
            report.warning(
                path,
                format!("contains the control character U+{:04X}, which Word cannot store", u32::from(c)),
                "it is removed from every export; delete it from the text to silence this warning",
            );
        }
        let chars = text.chars().count();
        if chars > MAX_FIELD_CHARS {
            report.error(
                path,
                format!("is {chars} characters long; one field may hold at most {MAX_FIELD_CHARS}"),
                "shorten the text or split it into several items",
            );
        }
    });
}

fn check_document(policy: &Policy, report: &mut Report) {
    let doc = &policy.document;
    if doc.title.trim().is_empty() {
        report.error("document.title", "is empty", "give the policy a title");
    }
    if doc.company.trim().is_empty() {
        report.warning("document.company", "is empty", "fill in the company's name before publishing");
    }
    if !is_iso_date(&doc.effective_date) {
        report.error(
            "document.effective_date",
            format!("\"{}\" is not a valid date", doc.effective_date),
            "write the date as YYYY-MM-DD, e.g. 2027-01-01",
        );
    }
    for (i, rev) in doc.revisions.iter().enumerate() {
        if !is_iso_date(&rev.date) {
            report.error(
                format!("document.revisions[{i}].date"),
                format!("\"{}\" is not a valid date", rev.date),
                "write the date as YYYY-MM-DD, e.g. 2027-01-01",
            );
        }
        if rev.version.trim().is_empty() {
            report.error(
                format!("document.revisions[{i}].version"),
                "is empty",
                "give the revision a version such as 1.0",
            );
        }
    }
}

/// `YYYY-MM-DD` naming a real calendar day.
pub fn is_iso_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| {
        text.get(r).filter(|s| s.bytes().all(|b| b.is_ascii_digit())).and_then(|s| s.parse::<u32>().ok())
    };
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    y >= 1900 && (1..=days).contains(&d)
}

/// Every id list must be free of blanks and duplicates, since later tools match
/// items between versions by id.
fn check_ids(policy: &Policy, report: &mut Report) {
    let mut groups: Vec<(&str, Vec<(String, &str)>)> = Vec::new();
    fn list<'a>(prefix: &str, ids: Vec<&'a str>) -> Vec<(String, &'a str)> {
        ids.into_iter().enumerate().map(|(i, id)| (format!("{prefix}[{i}].id"), id)).collect()
    }
    groups.push((
        "general principle",
        list("general.principles", policy.general.principles.iter().map(|p| p.id.as_str()).collect()),
    ));
    groups.push(("role", list("duties.roles", policy.duties.roles.iter().map(|r| r.id.as_str()).collect())));
    groups.push(("stage", list("workflow.stages", policy.workflow.stages.iter().map(|s| s.id.as_str()).collect())));
    groups.push((
        "rule group",
        list("discipline.groups", policy.discipline.groups.iter().map(|g| g.id.as_str()).collect()),
    ));
    let mut rules = Vec::new();
    for (g, group) in policy.discipline.groups.iter().enumerate() {
        for (r, rule) in group.rules.iter().enumerate() {
            rules.push((format!("discipline.groups[{g}].rules[{r}].id"), rule.id.as_str()));
        }
    }
    groups.push(("rule", rules));
    groups.push((
        "appraisal principle",
        list("appraisal.principles", policy.appraisal.principles.iter().map(|p| p.id.as_str()).collect()),
    ));
    let mut indicators = Vec::new();
    collect_indicator_ids(&policy.appraisal.indicators, "appraisal.indicators", &mut indicators);
    groups.push(("indicator", indicators));
    groups.push(("cycle", list("appraisal.cycles", policy.appraisal.cycles.iter().map(|c| c.id.as_str()).collect())));
    groups.push((
        "use of results",
        list("appraisal.uses", policy.appraisal.uses.iter().map(|u| u.id.as_str()).collect()),
    ));
    let mut levels = list("career.levels", policy.career.levels.iter().map(|l| l.id.as_str()).collect());
    if let Some(track) = &policy.career.professional_track {
        levels.extend(list("career.professional_track.levels", track.levels.iter().map(|l| l.id.as_str()).collect()));
    }
    groups.push(("career level", levels));
    for (r, role) in policy.duties.roles.iter().enumerate() {
        let prefix = format!("duties.roles[{r}].skill_levels");
        groups.push(("skill level", list(&prefix, role.skill_levels.iter().map(|l| l.id.as_str()).collect())));
    }

    for (kind, ids) in &groups {
        let mut seen: HashMap<&str, &str> = HashMap::new();
        for (path, id) in ids {
            if id.trim().is_empty() {
                report.error(
                    path.as_str(),
                    format!("{kind} id is empty"),
                    "give it a short unique id such as `data-analyst`",
                );
            } else if id.chars().any(char::is_whitespace) {
                report.error(
                    path.as_str(),
                    format!("{kind} id \"{id}\" contains spaces"),
                    "use hyphens instead of spaces",
                );
            } else if let Some(first) = seen.get(id) {
                report.error(
                    path.as_str(),
                    format!("{kind} id \"{id}\" is already used at {first}"),
                    "give each item its own id",
                );
            } else {
                seen.insert(id, path.as_str());
            }
        }
    }
}

fn collect_indicator_ids<'a>(nodes: &'a [Indicator], prefix: &str, out: &mut Vec<(String, &'a str)>) {
    for (i, node) in nodes.iter().enumerate() {
        let path = format!("{prefix}[{i}]");
        out.push((format!("{path}.id"), node.id.as_str()));
        collect_indicator_ids(&node.children, &format!("{path}.children"), out);
    }
}

fn check_roles(policy: &Policy, roles: &HashSet<&str>, report: &mut Report) {
    if policy.duties.roles.is_empty() {
        report.warning(
            "duties.roles",
            "no roles are defined",
            "add at least one role, e.g. from `policywright presets`",
        );
    }
    for (i, role) in policy.duties.roles.iter().enumerate() {
        let path = format!("duties.roles[{i}]");
        if role.title.trim().is_empty() {
            report.error(format!("{path}.title"), "is empty", "give the role a title");
        }
        if role.duties.is_empty() {
            report.warning(
                format!("{path}.duties"),
                format!("role \"{}\" has no duties", role.title),
                "list what the role is responsible for",
            );
        }
        if role.reports_to == role.id {
            report.error(
                format!("{path}.reports_to"),
                format!("role \"{}\" reports to itself", role.title),
                "name the role it reports to",
            );
        }
        if let Some(band) = &role.salary_band
            && band.min > band.max
        {
            report.error(
                format!("{path}.salary_band"),
                format!("the minimum {} is above the maximum {}", band.min, band.max),
                "swap the two values",
            );
        }
    }
    for (i, id) in policy.general.scope_roles.iter().enumerate() {
        if !roles.contains(id.as_str()) {
            report.error(
                format!("general.scope_roles[{i}]"),
                format!("names role \"{id}\", which is not defined in duties.roles"),
                "add the role to the duties chapter or remove it from the scope",
            );
        }
    }
}

fn check_workflow(policy: &Policy, roles: &HashSet<&str>, report: &mut Report) {
    for (i, stage) in policy.workflow.stages.iter().enumerate() {
        if !stage.owner.is_empty() && !roles.contains(stage.owner.as_str()) {
            report.error(
                format!("workflow.stages[{i}].owner"),
                format!("names role \"{}\", which is not defined in duties.roles", stage.owner),
                "use the id of a role from the duties chapter",
            );
        }
        if stage.steps.is_empty() {
            report.warning(
                format!("workflow.stages[{i}].steps"),
                format!("stage \"{}\" has no steps", stage.name),
                "list what happens in this stage",
            );
        }
    }
}

fn check_discipline(policy: &Policy, report: &mut Report) {
    for (g, group) in policy.discipline.groups.iter().enumerate() {
        if group.rules.is_empty() {
            report.warning(
                format!("discipline.groups[{g}].rules"),
                format!("rule group \"{}\" has no rules", group.name),
                "add rules or remove the group",
            );
        }
        for (r, rule) in group.rules.iter().enumerate() {
            let path = format!("discipline.groups[{g}].rules[{r}]");
            if rule.text.trim().is_empty() {
                report.error(format!("{path}.text"), "is empty", "write the rule or remove it");
            }
            if rule.consequence.is_none() {
                report.warning(
                    format!("{path}.consequence"),
                    format!("rule \"{}\" says nothing about the consequence of a breach", rule.id),
                    "choose one of reminder, written-warning, demerit, dismissal",
                );
            }
        }
    }
}

fn check_appraisal(policy: &Policy, report: &mut Report) {
    let appraisal = &policy.appraisal;
    if appraisal.indicators.is_empty() {
        report.warning(
            "appraisal.indicators",
            "no appraisal indicators are defined",
            "add indicators whose weights add up to 100",
        );
    } else {
        let total = Weight::sum(appraisal.indicators.iter().map(|i| &i.weight));
        if total != Weight::HUNDRED {
            report.error(
                "appraisal.indicators",
                format!("the top-level weights add up to {total}, not 100"),
                "change the weights so that they add up to 100",
            );
        }
        check_indicator_children(&appraisal.indicators, "appraisal.indicators", report);
    }

    let mut ranges: Vec<(usize, u32, u32)> = Vec::new();
    for (i, rating) in appraisal.rating_scale.iter().enumerate() {
        let path = format!("appraisal.rating_scale[{i}]");
        if rating.min_score > rating.max_score {
            report.error(
                path,
                format!("grade \"{}\" runs from {} down to {}", rating.grade, rating.min_score, rating.max_score),
                "make min_score the lower end of the range",
            );
            continue;
        }
        if rating.max_score > 100 {
            report.error(
                path.clone(),
                format!("grade \"{}\" goes up to {}, above 100", rating.grade, rating.max_score),
                "scores run from 0 to 100",
            );
        }
        if let Some((j, _, _)) = ranges.iter().find(|(_, lo, hi)| rating.min_score <= *hi && *lo <= rating.max_score) {
            report.error(
                path,
                format!("grade \"{}\" overlaps grade \"{}\"", rating.grade, appraisal.rating_scale[*j].grade),
                "make the score ranges of the grades disjoint",
            );
        }
        ranges.push((i, rating.min_score, rating.max_score));
    }
}

fn check_indicator_children(nodes: &[Indicator], prefix: &str, report: &mut Report) {
    for (i, node) in nodes.iter().enumerate() {
        let path = format!("{prefix}[{i}]");
        if node.name.trim().is_empty() {
            report.error(format!("{path}.name"), "is empty", "name the indicator");
        }
        if node.children.is_empty() {
            continue;
        }
        let total = Weight::sum(node.children.iter().map(|c| &c.weight));
        if total != node.weight {
            report.error(
                format!("{path}.children"),
                format!(
                    "the weights under \"{}\" add up to {total}, but \"{}\" has weight {}",
                    node.name, node.name, node.weight
                ),
                format!(
                    "make the weights under \"{}\" add up to {}, or set its weight to {total}",
                    node.name, node.weight
                ),
            );
        }
        check_indicator_children(&node.children, &format!("{path}.children"), report);
    }
}

fn check_training(policy: &Policy, report: &mut Report) {
    if policy.training.hours_per_year == 0 {
        report.warning(
            "training.hours_per_year",
            "no training hours are required",
            "set the minimum hours each employee trains per year, e.g. 40",
        );
    }
}

fn check_career(policy: &Policy, roles: &HashSet<&str>, report: &mut Report) {
    check_ladder(&policy.career.levels, "career.levels", roles, report);
    if let Some(track) = &policy.career.professional_track {
        check_ladder(&track.levels, "career.professional_track.levels", roles, report);
    }
}

fn check_ladder(levels: &[Level], prefix: &str, roles: &HashSet<&str>, report: &mut Report) {
    let mut names: HashMap<&str, usize> = HashMap::new();
    for (i, level) in levels.iter().enumerate() {
        let path = format!("{prefix}[{i}]");
        if level.name.trim().is_empty() {
            report.error(format!("{path}.name"), "is empty", "name the level");
        } else if let Some(first) = names.get(level.name.as_str()) {
            report.error(
                format!("{path}.name"),
                format!("level name \"{}\" is already used at {prefix}[{first}]", level.name),
                "give each level its own name",
            );
        } else {
            names.insert(level.name.as_str(), i);
        }
        if i > 0 && level.grade <= levels[i - 1].grade {
            report.error(
                format!("{path}.grade"),
                format!(
                    "grade {} of \"{}\" is not above grade {} of \"{}\" before it",
                    level.grade,
                    level.name,
                    levels[i - 1].grade,
                    levels[i - 1].name
                ),
                "list levels from lowest to highest, with strictly increasing grades",
            );
        }
        for (r, role) in level.roles.iter().enumerate() {
            if !roles.contains(role.as_str()) {
                report.error(
                    format!("{path}.roles[{r}]"),
                    format!("names role \"{role}\", which is not defined in duties.roles"),
                    "add the role to the duties chapter or remove it from the level",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_iso_date;

    #[test]
    fn dates_must_exist_on_the_calendar() {
        assert!(is_iso_date("2024-02-29"));
        assert!(!is_iso_date("2023-02-29"));
        assert!(!is_iso_date("2027-13-01"));
        assert!(!is_iso_date("2027-1-01"));
        assert!(!is_iso_date("２０２７-01-01"));
    }
}
