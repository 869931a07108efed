//! Checks a policy and reports every problem at once.
//!
//! Errors make a policy unfit to publish (weights that do not add up, a ladder
//! naming a role that does not exist). Warnings are what a reviewer would flag
//! but that does not break the document (a rule without a consequence).
//! Each finding names the JSON path of the offending value, what is wrong
//! and how to fix it, as messages: the shell renders them in the reader's
//! language (the policy's in the CLI, the UI's in the app).

use std::collections::{HashMap, HashSet};

use policywright_i18n::{Error, ErrorKind, Key, Locale, Message, keys, msg};
use serde::Serialize;

use super::text::{is_xml_illegal, walk_strings};
use super::{Indicator, Level, Policy, Weight};

/// Longest text accepted in one field. A clause longer than this is a sign of
/// pasted material that belongs in an appendix, and it would stall the preview.
pub const MAX_FIELD_CHARS: usize = 20_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem, in no language yet.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub severity: Severity,
    /// JSON path of the value, e.g. `appraisal.indicators[1].children`.
    pub path: String,
    pub message: Message,
    pub hint: Message,
}

impl Finding {
    pub fn render(&self, locale: Locale) -> Diagnostic {
        Diagnostic {
            severity: self.severity,
            path: self.path.clone(),
            message: self.message.render(locale),
            hint: self.hint.render(locale),
        }
    }
}

/// `path: message` in English, for logs and test failures; shells render
/// findings in their reader's language.
impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message.render(Locale::En))
    }
}

/// A finding in words, as the app and `validate --json` show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Diagnostic {
    pub severity: Severity,
    /// JSON path of the value, e.g. `appraisal.indicators[1].children`.
    pub path: String,
    pub message: String,
    pub hint: String,
}

/// Every finding about a policy.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Report {
    pub findings: Vec<Finding>,
}

/// A report in words: what `validate --json` prints and the app receives.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, rename = "Report"))]
pub struct ReportView {
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    pub fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|d| d.severity == Severity::Error)
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|d| d.severity == Severity::Warning)
    }

    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }

    pub fn render(&self, locale: Locale) -> ReportView {
        ReportView { diagnostics: self.findings.iter().map(|f| f.render(locale)).collect() }
    }

    /// `None` without errors; else an [`ErrorKind::InvalidPolicy`] error whose
    /// message is `key` with the count of errors, naming the first.
    pub fn refusal(&self, key: Key) -> Option<Error> {
        let first = self.errors().next()?;
        let count = self.errors().count();
        Some(Error::new(ErrorKind::InvalidPolicy, msg!(key, count = count)).detail(msg!(
            keys::errors::FIRST_ERROR,
            path = first.path.as_str(),
            message = first.message.clone()
        )))
    }

    fn error(&mut self, path: impl Into<String>, message: Message, hint: impl Into<Message>) {
        self.findings.push(Finding { severity: Severity::Error, path: path.into(), message, hint: hint.into() });
    }

    fn warning(&mut self, path: impl Into<String>, message: Message, hint: impl Into<Message>) {
        self.findings.push(Finding { severity: Severity::Warning, path: path.into(), message, hint: hint.into() });
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
    check_role_mentions(policy, &mut report);
    report
}

/// The chapters whose text may name a role: not the roles themselves (a
/// reporting line names a role outside the policy on purpose), nor the
/// career ladder, whose levels share their names with roles.
const MENTIONING: [&str; 6] = ["general", "workflow", "discipline", "appraisal", "training", "supplementary"];

/// A text that names a library role the policy does not have, as the preset's
/// texts do once a person picks other roles: the reader would look for a
/// role that is not there.
fn check_role_mentions(policy: &Policy, report: &mut Report) {
    let Ok(library) = crate::presets::roles(policy.document.locale) else { return };
    let fold = |text: &str| text.to_lowercase();
    // Every title, longest first, so that "New Media Operations Specialist"
    // is one mention and not also one of "Operations Specialist".
    let mut titles: Vec<(String, bool)> = policy
        .duties
        .roles
        .iter()
        .map(|r| (fold(&r.title), true))
        .chain(library.iter().map(|r| (fold(&r.title), false)))
        .filter(|(t, _)| !t.trim().is_empty())
        .collect();
    titles.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(b.1.cmp(&a.1)));
    titles.dedup_by(|a, b| a.0 == b.0);
    let Ok(value) = serde_json::to_value(policy) else { return };
    for chapter in MENTIONING {
        let mut path = chapter.to_string();
        walk_strings(&value[chapter], &mut path, &mut |path, text| {
            let text = fold(text);
            let mut at = 0;
            while at < text.len() {
                let rest = &text[at..];
                match titles.iter().find(|(t, _)| rest.starts_with(t.as_str())) {
                    Some((title, kept)) => {
                        if !kept {
                            let shown = library.iter().find(|r| fold(&r.title) == *title).map_or("", |r| &r.title);
                            report.warning(
                                path,
                                msg!(v::ROLE_NOT_IN_POLICY, title = shown),
                                v::ROLE_NOT_IN_POLICY_HINT,
                            );
                            return;
                        }
                        at += title.len();
                    }
                    None => at += rest.chars().next().map_or(1, char::len_utf8),
                }
            }
        });
    }
}

use keys::validation as v;

/// Nothing to print: only spaces, or characters no export keeps.
fn blank(text: &str) -> bool {
    text.chars().all(|c| c.is_whitespace() || is_xml_illegal(c))
}

fn empty() -> Message {
    Message::new(v::EMPTY)
}

fn check_text(policy: &Policy, report: &mut Report) {
    let Ok(value) = serde_json::to_value(policy) else {
        return;
    };
    let mut path = String::new();
    walk_strings(&value, &mut path, &mut |path, text| {
        if let Some(c) = text.chars().find(|&c| is_xml_illegal(c)) {
            let code = format!("{:04X}", u32::from(c));
            report.warning(path, msg!(v::CONTROL_CHAR, code = code), v::CONTROL_CHAR_HINT);
        }
        let chars = text.chars().count();
        if chars > MAX_FIELD_CHARS {
            report.error(path, msg!(v::TOO_LONG, chars = chars, max = MAX_FIELD_CHARS), v::TOO_LONG_HINT);
        }
    });
}

/// Ten years: a policy not looked at for longer is not being kept up.
const MAX_REVIEW_MONTHS: u32 = 120;

fn check_document(policy: &Policy, report: &mut Report) {
    let doc = &policy.document;
    if blank(&doc.title) {
        report.error("document.title", empty(), v::TITLE_HINT);
    }
    if blank(&doc.company) {
        report.warning("document.company", empty(), v::COMPANY_HINT);
    }
    if !is_iso_date(&doc.effective_date) {
        report.error("document.effective_date", not_a_date(&doc.effective_date), v::DATE_HINT);
    }
    if doc.review_months > MAX_REVIEW_MONTHS {
        report.error(
            "document.review_months",
            msg!(v::REVIEW_TOO_LONG, months = doc.review_months, max = MAX_REVIEW_MONTHS),
            v::REVIEW_HINT,
        );
    }
    for (i, rev) in doc.revisions.iter().enumerate() {
        if !is_iso_date(&rev.date) {
            report.error(format!("document.revisions[{i}].date"), not_a_date(&rev.date), v::DATE_HINT);
        }
        if blank(&rev.version) {
            report.error(format!("document.revisions[{i}].version"), empty(), v::REVISION_VERSION_HINT);
        }
    }
}

fn not_a_date(text: &str) -> Message {
    msg!(v::NOT_A_DATE, text = text)
}

/// `YYYY-MM-DD` naming a real calendar day.
pub fn is_iso_date(text: &str) -> bool {
    text.len() == 10 && crate::dates::Day::parse(text).is_some()
}

/// Every id list must be free of blanks and duplicates, since later tools match
/// items between versions by id.
fn check_ids(policy: &Policy, report: &mut Report) {
    // (kind of item, [(path, id)])
    type Group<'a> = (Key, Vec<(String, &'a str)>);
    let mut groups: Vec<Group<'_>> = Vec::new();
    fn list<'a>(prefix: &str, ids: Vec<&'a str>) -> Vec<(String, &'a str)> {
        ids.into_iter().enumerate().map(|(i, id)| (format!("{prefix}[{i}].id"), id)).collect()
    }
    use keys::validation::kinds as k;
    groups.push((
        k::GENERAL_PRINCIPLE,
        list("general.principles", policy.general.principles.iter().map(|p| p.id.as_str()).collect()),
    ));
    groups
        .push((k::ARTICLE, list("general.articles", policy.general.articles.iter().map(|a| a.id.as_str()).collect())));
    groups.push((
        k::ARTICLE,
        list("supplementary.articles", policy.supplementary.articles.iter().map(|a| a.id.as_str()).collect()),
    ));
    groups.push((k::ROLE, list("duties.roles", policy.duties.roles.iter().map(|r| r.id.as_str()).collect())));
    groups.push((k::STAGE, list("workflow.stages", policy.workflow.stages.iter().map(|s| s.id.as_str()).collect())));
    groups.push((
        k::RULE_GROUP,
        list("discipline.groups", policy.discipline.groups.iter().map(|g| g.id.as_str()).collect()),
    ));
    let mut rules = Vec::new();
    for (g, group) in policy.discipline.groups.iter().enumerate() {
        for (r, rule) in group.rules.iter().enumerate() {
            rules.push((format!("discipline.groups[{g}].rules[{r}].id"), rule.id.as_str()));
        }
    }
    groups.push((k::RULE, rules));
    groups.push((
        k::APPRAISAL_PRINCIPLE,
        list("appraisal.principles", policy.appraisal.principles.iter().map(|p| p.id.as_str()).collect()),
    ));
    let mut indicators = Vec::new();
    collect_indicator_ids(&policy.appraisal.indicators, "appraisal.indicators", &mut indicators);
    groups.push((k::INDICATOR, indicators));
    groups.push((k::CYCLE, list("appraisal.cycles", policy.appraisal.cycles.iter().map(|c| c.id.as_str()).collect())));
    groups.push((k::USE, list("appraisal.uses", policy.appraisal.uses.iter().map(|u| u.id.as_str()).collect())));
    let mut levels = list("career.levels", policy.career.levels.iter().map(|l| l.id.as_str()).collect());
    if let Some(track) = &policy.career.professional_track {
        levels.extend(list("career.professional_track.levels", track.levels.iter().map(|l| l.id.as_str()).collect()));
    }
    groups.push((k::CAREER_LEVEL, levels));
    for (r, role) in policy.duties.roles.iter().enumerate() {
        let prefix = format!("duties.roles[{r}].skill_levels");
        groups.push((k::SKILL_LEVEL, list(&prefix, role.skill_levels.iter().map(|l| l.id.as_str()).collect())));
    }

    for (kind, ids) in &groups {
        let mut seen: HashMap<&str, &str> = HashMap::new();
        for (path, id) in ids {
            if blank(id) {
                report.error(path.as_str(), msg!(v::ID_EMPTY, kind = *kind), v::ID_EMPTY_HINT);
            } else if id.chars().any(char::is_whitespace) {
                report.error(path.as_str(), msg!(v::ID_SPACES, kind = *kind, id = *id), v::ID_SPACES_HINT);
            } else if let Some(first) = seen.get(id) {
                report.error(
                    path.as_str(),
                    msg!(v::ID_TAKEN, kind = *kind, id = *id, first = *first),
                    v::ID_TAKEN_HINT,
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
        report.warning("duties.roles", Message::new(v::NO_ROLES), v::NO_ROLES_HINT);
    }
    for (i, role) in policy.duties.roles.iter().enumerate() {
        let path = format!("duties.roles[{i}]");
        if blank(&role.title) {
            report.error(format!("{path}.title"), empty(), v::ROLE_TITLE_HINT);
        }
        if role.duties.is_empty() {
            report.warning(
                format!("{path}.duties"),
                msg!(v::ROLE_NO_DUTIES, title = role.title.as_str()),
                v::ROLE_NO_DUTIES_HINT,
            );
        }
        if role.reports_to == role.id {
            report.error(
                format!("{path}.reports_to"),
                msg!(v::REPORTS_TO_SELF, title = role.title.as_str()),
                v::REPORTS_TO_SELF_HINT,
            );
        }
        if let Some(band) = &role.salary_band
            && band.min > band.max
        {
            report.error(
                format!("{path}.salary_band"),
                msg!(v::SALARY_REVERSED, min = band.min, max = band.max),
                v::SALARY_REVERSED_HINT,
            );
        }
    }
    for (i, id) in policy.general.scope_roles.iter().enumerate() {
        if !roles.contains(id.as_str()) {
            report.error(format!("general.scope_roles[{i}]"), unknown_role(id), v::UNKNOWN_SCOPE_ROLE_HINT);
        }
    }
}

fn unknown_role(id: &str) -> Message {
    msg!(v::UNKNOWN_ROLE, id = id)
}

fn check_workflow(policy: &Policy, roles: &HashSet<&str>, report: &mut Report) {
    for (i, stage) in policy.workflow.stages.iter().enumerate() {
        if !stage.owner.is_empty() && !roles.contains(stage.owner.as_str()) {
            report.error(format!("workflow.stages[{i}].owner"), unknown_role(&stage.owner), v::UNKNOWN_OWNER_HINT);
        }
        if stage.steps.is_empty() {
            report.warning(
                format!("workflow.stages[{i}].steps"),
                msg!(v::STAGE_NO_STEPS, name = stage.name.as_str()),
                v::STAGE_NO_STEPS_HINT,
            );
        }
    }
}

fn check_discipline(policy: &Policy, report: &mut Report) {
    for (g, group) in policy.discipline.groups.iter().enumerate() {
        if group.rules.is_empty() {
            report.warning(
                format!("discipline.groups[{g}].rules"),
                msg!(v::GROUP_NO_RULES, name = group.name.as_str()),
                v::GROUP_NO_RULES_HINT,
            );
        }
        for (r, rule) in group.rules.iter().enumerate() {
            let path = format!("discipline.groups[{g}].rules[{r}]");
            if blank(&rule.text) {
                report.error(format!("{path}.text"), empty(), v::RULE_TEXT_HINT);
            }
            if rule.consequence.is_none() {
                report.warning(
                    format!("{path}.consequence"),
                    msg!(v::NO_CONSEQUENCE, id = rule.id.as_str()),
                    v::NO_CONSEQUENCE_HINT,
                );
            }
        }
    }
}

fn check_appraisal(policy: &Policy, report: &mut Report) {
    let appraisal = &policy.appraisal;
    if appraisal.indicators.is_empty() {
        report.warning("appraisal.indicators", Message::new(v::NO_INDICATORS), v::NO_INDICATORS_HINT);
    } else {
        let total = Weight::sum(appraisal.indicators.iter().map(|i| &i.weight));
        if total != Weight::HUNDRED {
            report.error("appraisal.indicators", msg!(v::TOP_WEIGHTS, total = total.to_string()), v::TOP_WEIGHTS_HINT);
        }
        check_indicator_children(&appraisal.indicators, "appraisal.indicators", report);
    }

    let mut ranges: Vec<(usize, u32, u32)> = Vec::new();
    for (i, rating) in appraisal.rating_scale.iter().enumerate() {
        let path = format!("appraisal.rating_scale[{i}]");
        let grade = rating.grade.as_str();
        if rating.min_score > rating.max_score {
            report.error(
                path,
                msg!(v::GRADE_REVERSED, grade = grade, min = rating.min_score, max = rating.max_score),
                v::GRADE_REVERSED_HINT,
            );
            continue;
        }
        if rating.max_score > 100 {
            report.error(path.clone(), msg!(v::GRADE_OVER, grade = grade, max = rating.max_score), v::GRADE_OVER_HINT);
        }
        if let Some((j, _, _)) = ranges.iter().find(|(_, lo, hi)| rating.min_score <= *hi && *lo <= rating.max_score) {
            let other = appraisal.rating_scale[*j].grade.as_str();
            report.error(path, msg!(v::GRADE_OVERLAP, grade = grade, other = other), v::GRADE_OVERLAP_HINT);
        }
        ranges.push((i, rating.min_score, rating.max_score));
    }
}

fn check_indicator_children(nodes: &[Indicator], prefix: &str, report: &mut Report) {
    for (i, node) in nodes.iter().enumerate() {
        let path = format!("{prefix}[{i}]");
        if blank(&node.name) {
            report.error(format!("{path}.name"), empty(), v::INDICATOR_NAME_HINT);
        }
        if node.children.is_empty() {
            continue;
        }
        let sum = Weight::sum(node.children.iter().map(|c| &c.weight));
        if sum != node.weight {
            let (name, total, weight) = (node.name.as_str(), sum.to_string(), node.weight.to_string());
            report.error(
                format!("{path}.children"),
                msg!(v::CHILD_WEIGHTS, name = name, total = total.as_str(), weight = weight.as_str()),
                msg!(v::CHILD_WEIGHTS_HINT, name = name, total = total.as_str(), weight = weight.as_str()),
            );
        }
        check_indicator_children(&node.children, &format!("{path}.children"), report);
    }
}

fn check_training(policy: &Policy, report: &mut Report) {
    if policy.training.hours_per_year == 0 {
        report.warning("training.hours_per_year", Message::new(v::NO_HOURS), v::NO_HOURS_HINT);
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
        if blank(&level.name) {
            report.error(format!("{path}.name"), empty(), v::LEVEL_NAME_HINT);
        } else if let Some(first) = names.get(level.name.as_str()) {
            report.error(
                format!("{path}.name"),
                msg!(v::LEVEL_NAME_TAKEN, name = level.name.as_str(), first = format!("{prefix}[{first}]")),
                v::LEVEL_NAME_TAKEN_HINT,
            );
        } else {
            names.insert(level.name.as_str(), i);
        }
        if i > 0 && level.grade <= levels[i - 1].grade {
            let before = &levels[i - 1];
            report.error(
                format!("{path}.grade"),
                msg!(
                    v::GRADE_ORDER,
                    grade = level.grade,
                    name = level.name.as_str(),
                    before_grade = before.grade,
                    before = before.name.as_str()
                ),
                v::GRADE_ORDER_HINT,
            );
        }
        for (r, role) in level.roles.iter().enumerate() {
            if !roles.contains(role.as_str()) {
                report.error(format!("{path}.roles[{r}]"), unknown_role(role), v::UNKNOWN_LEVEL_ROLE_HINT);
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
