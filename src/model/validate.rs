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
use super::{Indicator, Level, Locale, Policy, Weight};

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

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
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
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    /// Messages and hints are written in the policy's own language, like
    /// every other text about it; paths stay as they are in the JSON.
    #[serde(skip)]
    chinese: bool,
}

/// A message in both languages; the report keeps the policy's.
type Said<A, B> = (A, B);

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

    /// `None` without errors; else "`subject` has N errors`then`", naming
    /// the first, for refusing to go on with a policy that has errors.
    pub fn refusal(&self, subject: &str, then: &str) -> Option<crate::Error> {
        let first = self.errors().next()?;
        let count = self.errors().count();
        Some(
            crate::Error::new(
                crate::ErrorCode::InvalidPolicy,
                format!("{subject} has {count} error{}{then}", if count == 1 { "" } else { "s" }),
            )
            .with_detail(format!("the first: {}: {}", first.path, first.message)),
        )
    }

    fn error<A: Into<String>, B: Into<String>, C: Into<String>, D: Into<String>>(
        &mut self,
        path: impl Into<String>,
        message: Said<A, B>,
        hint: Said<C, D>,
    ) {
        self.push(Severity::Error, path.into(), message, hint);
    }

    fn warning<A: Into<String>, B: Into<String>, C: Into<String>, D: Into<String>>(
        &mut self,
        path: impl Into<String>,
        message: Said<A, B>,
        hint: Said<C, D>,
    ) {
        self.push(Severity::Warning, path.into(), message, hint);
    }

    fn push<A: Into<String>, B: Into<String>, C: Into<String>, D: Into<String>>(
        &mut self,
        severity: Severity,
        path: String,
        (message_en, message_zh): Said<A, B>,
        (hint_en, hint_zh): Said<C, D>,
    ) {
        let (message, hint) =
            if self.chinese { (message_zh.into(), hint_zh.into()) } else { (message_en.into(), hint_en.into()) };
        self.diagnostics.push(Diagnostic { severity, path, message, hint });
    }
}

pub fn validate(policy: &Policy) -> Report {
    let mut report = Report { chinese: policy.document.locale == Locale::ZhCn, ..Report::default() };
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
            let code = u32::from(c);
            report.warning(
                path,
                (
                    format!("contains the control character U+{code:04X}, which Word cannot store"),
                    format!("含有 Word 无法保存的控制字符 U+{code:04X}"),
                ),
                (
                    "it is removed from every export; delete it from the text to silence this warning",
                    "导出时会自动去掉该字符；从文本中删除它即可消除此警告",
                ),
            );
        }
        let chars = text.chars().count();
        if chars > MAX_FIELD_CHARS {
            report.error(
                path,
                (
                    format!("is {chars} characters long; one field may hold at most {MAX_FIELD_CHARS}"),
                    format!("长度为 {chars} 个字符，单个字段最多 {MAX_FIELD_CHARS} 个字符"),
                ),
                ("shorten the text or split it into several items", "请缩短文字，或拆分为多条"),
            );
        }
    });
}

fn check_document(policy: &Policy, report: &mut Report) {
    let doc = &policy.document;
    if doc.title.trim().is_empty() {
        report.error("document.title", ("is empty", "为空"), ("give the policy a title", "请填写制度名称"));
    }
    if doc.company.trim().is_empty() {
        report.warning(
            "document.company",
            ("is empty", "为空"),
            ("fill in the company's name before publishing", "发布前请填写公司名称"),
        );
    }
    if !is_iso_date(&doc.effective_date) {
        report.error("document.effective_date", not_a_date(&doc.effective_date), DATE_HINT);
    }
    for (i, rev) in doc.revisions.iter().enumerate() {
        if !is_iso_date(&rev.date) {
            report.error(format!("document.revisions[{i}].date"), not_a_date(&rev.date), DATE_HINT);
        }
        if rev.version.trim().is_empty() {
            report.error(
                format!("document.revisions[{i}].version"),
                ("is empty", "为空"),
                ("give the revision a version such as 1.0", "请填写版本号，如 1.0"),
            );
        }
    }
}

fn not_a_date(text: &str) -> Said<String, String> {
    (format!("\"{text}\" is not a valid date"), format!("“{text}”不是有效日期"))
}

const DATE_HINT: Said<&str, &str> =
    ("write the date as YYYY-MM-DD, e.g. 2027-01-01", "请按 YYYY-MM-DD 格式填写日期，如 2027-01-01");

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
    // (kind of item in both languages, [(path, id)])
    type Group<'a> = (Said<&'static str, &'static str>, Vec<(String, &'a str)>);
    let mut groups: Vec<Group<'_>> = Vec::new();
    fn list<'a>(prefix: &str, ids: Vec<&'a str>) -> Vec<(String, &'a str)> {
        ids.into_iter().enumerate().map(|(i, id)| (format!("{prefix}[{i}].id"), id)).collect()
    }
    groups.push((
        ("general principle", "基本原则"),
        list("general.principles", policy.general.principles.iter().map(|p| p.id.as_str()).collect()),
    ));
    groups.push((("role", "岗位"), list("duties.roles", policy.duties.roles.iter().map(|r| r.id.as_str()).collect())));
    groups.push((
        ("stage", "流程阶段"),
        list("workflow.stages", policy.workflow.stages.iter().map(|s| s.id.as_str()).collect()),
    ));
    groups.push((
        ("rule group", "规范类别"),
        list("discipline.groups", policy.discipline.groups.iter().map(|g| g.id.as_str()).collect()),
    ));
    let mut rules = Vec::new();
    for (g, group) in policy.discipline.groups.iter().enumerate() {
        for (r, rule) in group.rules.iter().enumerate() {
            rules.push((format!("discipline.groups[{g}].rules[{r}].id"), rule.id.as_str()));
        }
    }
    groups.push((("rule", "规范条目"), rules));
    groups.push((
        ("appraisal principle", "考核原则"),
        list("appraisal.principles", policy.appraisal.principles.iter().map(|p| p.id.as_str()).collect()),
    ));
    let mut indicators = Vec::new();
    collect_indicator_ids(&policy.appraisal.indicators, "appraisal.indicators", &mut indicators);
    groups.push((("indicator", "考核指标"), indicators));
    groups.push((
        ("cycle", "考核周期"),
        list("appraisal.cycles", policy.appraisal.cycles.iter().map(|c| c.id.as_str()).collect()),
    ));
    groups.push((
        ("use of results", "结果运用"),
        list("appraisal.uses", policy.appraisal.uses.iter().map(|u| u.id.as_str()).collect()),
    ));
    let mut levels = list("career.levels", policy.career.levels.iter().map(|l| l.id.as_str()).collect());
    if let Some(track) = &policy.career.professional_track {
        levels.extend(list("career.professional_track.levels", track.levels.iter().map(|l| l.id.as_str()).collect()));
    }
    groups.push((("career level", "职级"), levels));
    for (r, role) in policy.duties.roles.iter().enumerate() {
        let prefix = format!("duties.roles[{r}].skill_levels");
        groups.push((
            ("skill level", "技能等级"),
            list(&prefix, role.skill_levels.iter().map(|l| l.id.as_str()).collect()),
        ));
    }

    for ((kind, kind_zh), ids) in &groups {
        let mut seen: HashMap<&str, &str> = HashMap::new();
        for (path, id) in ids {
            if id.trim().is_empty() {
                report.error(
                    path.as_str(),
                    (format!("{kind} id is empty"), format!("{kind_zh}的 id 为空")),
                    (
                        "give it a short unique id such as `data-analyst`",
                        "请填写一个简短且唯一的 id，如 `data-analyst`",
                    ),
                );
            } else if id.chars().any(char::is_whitespace) {
                report.error(
                    path.as_str(),
                    (format!("{kind} id \"{id}\" contains spaces"), format!("{kind_zh}的 id “{id}”含有空格")),
                    ("use hyphens instead of spaces", "请用连字符代替空格"),
                );
            } else if let Some(first) = seen.get(id) {
                report.error(
                    path.as_str(),
                    (
                        format!("{kind} id \"{id}\" is already used at {first}"),
                        format!("{kind_zh}的 id “{id}”已在 {first} 使用"),
                    ),
                    ("give each item its own id", "请为每一项设置不同的 id"),
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
            ("no roles are defined", "尚未设置任何岗位"),
            (
                "add at least one role, e.g. from `policywright presets`",
                "请至少添加一个岗位，可从 `policywright presets` 中选取",
            ),
        );
    }
    for (i, role) in policy.duties.roles.iter().enumerate() {
        let path = format!("duties.roles[{i}]");
        if role.title.trim().is_empty() {
            report.error(format!("{path}.title"), ("is empty", "为空"), ("give the role a title", "请填写岗位名称"));
        }
        if role.duties.is_empty() {
            report.warning(
                format!("{path}.duties"),
                (format!("role \"{}\" has no duties", role.title), format!("岗位“{}”没有列出职责", role.title)),
                ("list what the role is responsible for", "请列出该岗位负责的工作"),
            );
        }
        if role.reports_to == role.id {
            report.error(
                format!("{path}.reports_to"),
                (
                    format!("role \"{}\" reports to itself", role.title),
                    format!("岗位“{}”的汇报对象是它自己", role.title),
                ),
                ("name the role it reports to", "请填写它的上级岗位"),
            );
        }
        if let Some(band) = &role.salary_band
            && band.min > band.max
        {
            report.error(
                format!("{path}.salary_band"),
                (
                    format!("the minimum {} is above the maximum {}", band.min, band.max),
                    format!("下限 {} 高于上限 {}", band.min, band.max),
                ),
                ("swap the two values", "请交换这两个数值"),
            );
        }
    }
    for (i, id) in policy.general.scope_roles.iter().enumerate() {
        if !roles.contains(id.as_str()) {
            report.error(
                format!("general.scope_roles[{i}]"),
                unknown_role(id),
                (
                    "add the role to the duties chapter or remove it from the scope",
                    "请在岗位职责一章中添加该岗位，或将其移出适用范围",
                ),
            );
        }
    }
}

fn unknown_role(id: &str) -> Said<String, String> {
    (
        format!("names role \"{id}\", which is not defined in duties.roles"),
        format!("引用的岗位“{id}”未在 duties.roles 中定义"),
    )
}

fn check_workflow(policy: &Policy, roles: &HashSet<&str>, report: &mut Report) {
    for (i, stage) in policy.workflow.stages.iter().enumerate() {
        if !stage.owner.is_empty() && !roles.contains(stage.owner.as_str()) {
            report.error(
                format!("workflow.stages[{i}].owner"),
                unknown_role(&stage.owner),
                ("use the id of a role from the duties chapter", "请使用岗位职责一章中某个岗位的 id"),
            );
        }
        if stage.steps.is_empty() {
            report.warning(
                format!("workflow.stages[{i}].steps"),
                (format!("stage \"{}\" has no steps", stage.name), format!("流程阶段“{}”没有步骤", stage.name)),
                ("list what happens in this stage", "请列出该阶段要做的事"),
            );
        }
    }
}

fn check_discipline(policy: &Policy, report: &mut Report) {
    for (g, group) in policy.discipline.groups.iter().enumerate() {
        if group.rules.is_empty() {
            report.warning(
                format!("discipline.groups[{g}].rules"),
                (format!("rule group \"{}\" has no rules", group.name), format!("规范类别“{}”下没有条目", group.name)),
                ("add rules or remove the group", "请添加条目，或删除该类别"),
            );
        }
        for (r, rule) in group.rules.iter().enumerate() {
            let path = format!("discipline.groups[{g}].rules[{r}]");
            if rule.text.trim().is_empty() {
                report.error(
                    format!("{path}.text"),
                    ("is empty", "为空"),
                    ("write the rule or remove it", "请填写规范内容，或删除该条"),
                );
            }
            if rule.consequence.is_none() {
                report.warning(
                    format!("{path}.consequence"),
                    (
                        format!("rule \"{}\" says nothing about the consequence of a breach", rule.id),
                        format!("规范条目“{}”没有写明违反后果", rule.id),
                    ),
                    (
                        "choose one of reminder, written-warning, demerit, dismissal",
                        "请选择 reminder（提醒）、written-warning（书面警告）、demerit（记过）或 dismissal（解除劳动合同）",
                    ),
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
            ("no appraisal indicators are defined", "尚未设置考核指标"),
            ("add indicators whose weights add up to 100", "请添加考核指标，权重合计为 100"),
        );
    } else {
        let total = Weight::sum(appraisal.indicators.iter().map(|i| &i.weight));
        if total != Weight::HUNDRED {
            report.error(
                "appraisal.indicators",
                (
                    format!("the top-level weights add up to {total}, not 100"),
                    format!("一级指标的权重合计为 {total}，不是 100"),
                ),
                ("change the weights so that they add up to 100", "请调整权重，使合计为 100"),
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
                (
                    format!("grade \"{}\" runs from {} down to {}", rating.grade, rating.min_score, rating.max_score),
                    format!("等级“{}”的分数从 {} 降到 {}", rating.grade, rating.min_score, rating.max_score),
                ),
                ("make min_score the lower end of the range", "min_score 应为区间的下限"),
            );
            continue;
        }
        if rating.max_score > 100 {
            report.error(
                path.clone(),
                (
                    format!("grade \"{}\" goes up to {}, above 100", rating.grade, rating.max_score),
                    format!("等级“{}”的上限 {} 超过了 100", rating.grade, rating.max_score),
                ),
                ("scores run from 0 to 100", "分数范围为 0 到 100"),
            );
        }
        if let Some((j, _, _)) = ranges.iter().find(|(_, lo, hi)| rating.min_score <= *hi && *lo <= rating.max_score) {
            let other = &appraisal.rating_scale[*j].grade;
            report.error(
                path,
                (
                    format!("grade \"{}\" overlaps grade \"{other}\"", rating.grade),
                    format!("等级“{}”与等级“{other}”的分数区间重叠", rating.grade),
                ),
                ("make the score ranges of the grades disjoint", "请让各等级的分数区间互不重叠"),
            );
        }
        ranges.push((i, rating.min_score, rating.max_score));
    }
}

fn check_indicator_children(nodes: &[Indicator], prefix: &str, report: &mut Report) {
    for (i, node) in nodes.iter().enumerate() {
        let path = format!("{prefix}[{i}]");
        if node.name.trim().is_empty() {
            report.error(format!("{path}.name"), ("is empty", "为空"), ("name the indicator", "请填写指标名称"));
        }
        if node.children.is_empty() {
            continue;
        }
        let total = Weight::sum(node.children.iter().map(|c| &c.weight));
        if total != node.weight {
            let (name, weight) = (&node.name, &node.weight);
            report.error(
                format!("{path}.children"),
                (
                    format!("the weights under \"{name}\" add up to {total}, but \"{name}\" has weight {weight}"),
                    format!("“{name}”下的指标权重合计为 {total}，但“{name}”的权重是 {weight}"),
                ),
                (
                    format!("make the weights under \"{name}\" add up to {weight}, or set its weight to {total}"),
                    format!("请让“{name}”下的权重合计为 {weight}，或把它的权重改为 {total}"),
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
            ("no training hours are required", "未规定培训学时"),
            ("set the minimum hours each employee trains per year, e.g. 40", "请设置每人每年最少培训学时，如 40"),
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
            report.error(format!("{path}.name"), ("is empty", "为空"), ("name the level", "请填写职级名称"));
        } else if let Some(first) = names.get(level.name.as_str()) {
            report.error(
                format!("{path}.name"),
                (
                    format!("level name \"{}\" is already used at {prefix}[{first}]", level.name),
                    format!("职级名称“{}”已在 {prefix}[{first}] 使用", level.name),
                ),
                ("give each level its own name", "请为每个职级取不同的名称"),
            );
        } else {
            names.insert(level.name.as_str(), i);
        }
        if i > 0 && level.grade <= levels[i - 1].grade {
            let before = &levels[i - 1];
            report.error(
                format!("{path}.grade"),
                (
                    format!(
                        "grade {} of \"{}\" is not above grade {} of \"{}\" before it",
                        level.grade, level.name, before.grade, before.name
                    ),
                    format!(
                        "“{}”的级别 {} 不高于它前面“{}”的级别 {}",
                        level.name, level.grade, before.name, before.grade
                    ),
                ),
                (
                    "list levels from lowest to highest, with strictly increasing grades",
                    "请从低到高排列职级，级别数字逐级递增",
                ),
            );
        }
        for (r, role) in level.roles.iter().enumerate() {
            if !roles.contains(role.as_str()) {
                report.error(
                    format!("{path}.roles[{r}]"),
                    unknown_role(role),
                    (
                        "add the role to the duties chapter or remove it from the level",
                        "请在岗位职责一章中添加该岗位，或将其从该职级中移除",
                    ),
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
