//! The policy document: one serde type tree, stored as `NAME.policy.json`.
//!
//! Every collection whose items a reviewer may reorder, add or remove carries a
//! stable `id`, so that later comparisons match items by identity rather than by
//! position. Text fields hold inline Markdown only; block structure (headings,
//! lists, tables) comes from the templates, never from user text.

mod blank;
mod canonical;
pub mod dates;
mod literals;
mod load;
pub mod presets;
mod sanitize;
mod text;
pub mod validate;
mod weight;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use canonical::{canonical_json, content_hash, sha256_hex};
pub use load::{MAX_INPUT_BYTES, SCHEMA_VERSION, from_json, schema_json, to_json};
pub use policywright_i18n::{Contents, Error, ErrorKind, Locale, NumberingScheme, PageStyle, Result};
pub use sanitize::{Sanitized, clean_text};
pub use text::{is_xml_illegal, strip_xml_illegal};
pub use weight::Weight;

/// A whole policy document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Format version of this file; newer files are refused rather than misread.
    pub schema_version: u32,
    pub document: DocumentControl,
    pub general: General,
    pub duties: Duties,
    pub workflow: Workflow,
    pub discipline: Discipline,
    pub appraisal: Appraisal,
    pub training: Training,
    pub career: Career,
    pub supplementary: Supplementary,
}

/// Who owns the document, how it is identified and who signed it off.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct DocumentControl {
    pub title: String,
    /// The company's legal name; presets leave it empty for the user to fill in.
    #[serde(default)]
    pub company: String,
    /// Document number, e.g. `HR-OPS-001`.
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub owner_department: String,
    pub locale: Locale,
    pub numbering: NumberingScheme,
    /// ISO date `YYYY-MM-DD`.
    #[schemars(extend("format" = "date"))]
    pub effective_date: String,
    /// Months from taking effect to the next review; 0 when the policy has
    /// no fixed review cycle.
    #[serde(default = "twelve_months")]
    #[schemars(range(max = 120))]
    pub review_months: u32,
    /// How the pages look. The canonical form leaves it out when it is the
    /// default, so that policies stored before it keep their content hash.
    #[serde(default)]
    pub layout: Layout,
    #[serde(default)]
    pub approvals: Approvals,
    #[serde(default)]
    pub revisions: Vec<Revision>,
}

/// The document's page layout: a choice of its owner, like its numbering.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct Layout {
    #[serde(default)]
    pub style: PageStyle,
    #[serde(default)]
    pub contents: Contents,
    /// Each chapter starts on a new page, as printed regulations do.
    #[serde(default = "yes")]
    pub chapter_breaks: bool,
}

impl Default for Layout {
    fn default() -> Layout {
        Layout { style: PageStyle::Company, contents: Contents::ChaptersAndArticles, chapter_breaks: true }
    }
}

impl Layout {
    pub fn is_default(&self) -> bool {
        *self == Layout::default()
    }
}

fn yes() -> bool {
    true
}

impl DocumentControl {
    /// When the policy is next due for review: one cycle after it takes
    /// effect. The effective date rules when there is one, so the date the
    /// document states and the date the library keeps are the same; the day
    /// of publishing stands in for a policy without one.
    pub fn review_due(&self, published: Option<dates::Day>) -> Option<dates::Day> {
        if self.review_months == 0 {
            return None;
        }
        dates::Day::parse(&self.effective_date).or(published).map(|from| from.add_months(self.review_months))
    }
}

/// A policy is reviewed once a year unless it says otherwise.
pub const DEFAULT_REVIEW_MONTHS: u32 = 12;

fn twelve_months() -> u32 {
    DEFAULT_REVIEW_MONTHS
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct Approvals {
    #[serde(default)]
    pub prepared_by: String,
    #[serde(default)]
    pub reviewed_by: String,
    #[serde(default)]
    pub approved_by: String,
}

/// One row of the revision-history table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct Revision {
    pub version: String,
    /// ISO date `YYYY-MM-DD`.
    #[schemars(extend("format" = "date"))]
    pub date: String,
    #[serde(default)]
    pub author: String,
    #[serde(default)]
    pub summary: String,
}

/// A named principle with its explanation, used by general provisions and appraisal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct Principle {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub explanation: String,
}

/// Chapter 1: purpose, scope and basic principles.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct General {
    #[serde(default)]
    pub purpose: String,
    /// Sentence describing who the policy applies to.
    #[serde(default)]
    pub scope: String,
    /// Ids of the roles in `duties.roles` the policy covers.
    #[serde(default)]
    pub scope_roles: Vec<String>,
    #[serde(default)]
    pub principles: Vec<Principle>,
    /// Further articles of the chapter, after the principles: an
    /// equal-opportunity or at-will statement, say.
    // Left out when empty, so that a policy stored before the field existed
    // keeps its canonical form and content hash.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub articles: Vec<Clause>,
}

/// An article of its own, with a heading and its text: what a chapter says
/// beyond its fixed parts (an English handbook's at-will statement, a Chinese
/// policy's democratic procedure and publication).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct Clause {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub text: String,
}

/// Chapter 2: the roles and what each must do.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct Duties {
    #[serde(default)]
    pub intro: String,
    #[serde(default)]
    pub roles: Vec<Role>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct Role {
    /// Stable identifier, lowercase ASCII with hyphens, e.g. `data-analyst`.
    pub id: String,
    pub title: String,
    /// Id of the role this one reports to, or a free-text position outside the policy.
    #[serde(default)]
    pub reports_to: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub duties: Vec<String>,
    #[serde(default)]
    pub requirements: Requirements,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salary_band: Option<SalaryBand>,
    /// Skill levels recognised for the role, lowest first (e.g. the four
    /// levels of the all-media operator occupation).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skill_levels: Vec<SkillLevel>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct Requirements {
    #[serde(default)]
    pub skills: Vec<String>,
    #[serde(default)]
    pub qualifications: Vec<String>,
}

/// A pay range, in whole currency units per period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct SalaryBand {
    pub min: u32,
    pub max: u32,
    /// ISO 4217 code, e.g. `CNY`.
    pub currency: String,
    pub period: PayPeriod,
    /// Where and when the range was observed, e.g. "Beijing market, 2024".
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "kebab-case")]
pub enum PayPeriod {
    Month,
    Year,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct SkillLevel {
    pub id: String,
    pub name: String,
    /// Who may sit the assessment for this level.
    #[serde(default)]
    pub eligibility: Vec<String>,
}

/// Chapter 3: how the work flows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct Workflow {
    #[serde(default)]
    pub stages: Vec<Stage>,
    #[serde(default)]
    pub routines: Routines,
    #[serde(default)]
    pub emergency: Emergency,
    #[serde(default)]
    pub communication: Communication,
}

/// One stage of the work cycle, e.g. planning or execution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct Stage {
    pub id: String,
    pub name: String,
    /// Id of the role that owns the stage.
    #[serde(default)]
    pub owner: String,
    #[serde(default)]
    pub steps: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct Routines {
    #[serde(default)]
    pub daily: Vec<String>,
    #[serde(default)]
    pub weekly: Vec<String>,
    #[serde(default)]
    pub monthly: Vec<String>,
}

/// The procedure for incidents: identify, collect and analyse, plan, implement, feed back.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct Emergency {
    #[serde(default)]
    pub intro: String,
    #[serde(default)]
    pub steps: Vec<NamedStep>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct NamedStep {
    pub name: String,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct Communication {
    #[serde(default)]
    pub meetings: Vec<Meeting>,
    #[serde(default)]
    pub channels: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct Meeting {
    pub name: String,
    /// e.g. "every Monday".
    #[serde(default)]
    pub frequency: String,
    #[serde(default)]
    pub participants: String,
    #[serde(default)]
    pub purpose: String,
}

/// Chapter 4: work norms, grouped (attendance, confidentiality, …).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct Discipline {
    #[serde(default)]
    pub intro: String,
    #[serde(default)]
    pub groups: Vec<RuleGroup>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct RuleGroup {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub rules: Vec<Rule>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub id: String,
    pub text: String,
    /// What a breach leads to; a reviewer flags a rule without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consequence: Option<Consequence>,
}

/// The graded scale of sanctions, mildest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "kebab-case")]
pub enum Consequence {
    Reminder,
    WrittenWarning,
    Demerit,
    Dismissal,
}

impl Consequence {
    pub const ALL: [Consequence; 4] =
        [Consequence::Reminder, Consequence::WrittenWarning, Consequence::Demerit, Consequence::Dismissal];

    pub fn code(self) -> &'static str {
        match self {
            Consequence::Reminder => "reminder",
            Consequence::WrittenWarning => "written-warning",
            Consequence::Demerit => "demerit",
            Consequence::Dismissal => "dismissal",
        }
    }
}

/// Chapter 5: performance appraisal.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct Appraisal {
    #[serde(default)]
    pub principles: Vec<Principle>,
    /// Top-level indicators; their weights add up to 100 and every node's
    /// children add up to the node's own weight.
    #[serde(default)]
    pub indicators: Vec<Indicator>,
    #[serde(default)]
    pub cycles: Vec<Cycle>,
    #[serde(default)]
    pub process: Vec<NamedStep>,
    #[serde(default)]
    pub rating_scale: Vec<Rating>,
    #[serde(default)]
    pub uses: Vec<ResultUse>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub id: String,
    pub name: String,
    /// Percent of the total score, at most two decimal places.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub weight: Weight,
    #[serde(default)]
    pub description: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Indicator>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct Cycle {
    pub id: String,
    pub name: String,
    /// When the appraisal takes place, e.g. "first two weeks after quarter end".
    #[serde(default)]
    pub timing: String,
    #[serde(default)]
    pub scope: String,
}

/// One grade of the rating scale, e.g. A for scores 90 to 100.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct Rating {
    pub grade: String,
    pub min_score: u32,
    pub max_score: u32,
    #[serde(default)]
    pub meaning: String,
}

/// How an appraisal result is used: pay, promotion, training or reassignment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct ResultUse {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
}

/// Chapter 6: training and development.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct Training {
    #[serde(default)]
    pub goals: Vec<String>,
    #[serde(default)]
    pub content: Vec<TrainingArea>,
    #[serde(default)]
    pub methods: Vec<TrainingMethod>,
    /// Minimum training hours each employee completes per year.
    #[serde(default)]
    pub hours_per_year: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct TrainingArea {
    pub name: String,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct TrainingMethod {
    pub kind: TrainingKind,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "kebab-case")]
pub enum TrainingKind {
    Internal,
    External,
    Online,
    Practice,
}

impl TrainingKind {
    pub fn code(self) -> &'static str {
        match self {
            TrainingKind::Internal => "internal",
            TrainingKind::External => "external",
            TrainingKind::Online => "online",
            TrainingKind::Practice => "practice",
        }
    }
}

/// Chapter 7: the career ladder.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct Career {
    #[serde(default)]
    pub intro: String,
    /// Lowest level first; grades strictly increase along the list.
    #[serde(default)]
    pub levels: Vec<Level>,
    #[serde(default)]
    pub promotion: Vec<NamedStep>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub professional_track: Option<Track>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct Level {
    pub id: String,
    pub name: String,
    /// Pay grade; must increase strictly from one level to the next.
    pub grade: u32,
    /// Ids of roles in `duties.roles` that sit at this level.
    #[serde(default)]
    pub roles: Vec<String>,
    #[serde(default)]
    pub requirements: LevelRequirements,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct LevelRequirements {
    /// Minimum years in the level below.
    #[serde(default)]
    pub tenure_years: u32,
    /// e.g. "two consecutive annual ratings of B or better".
    #[serde(default)]
    pub appraisal: String,
    #[serde(default)]
    pub skills: Vec<String>,
    #[serde(default)]
    pub certificates: Vec<String>,
}

/// A parallel ladder for specialists who do not manage people.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct Track {
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub levels: Vec<Level>,
}

/// Closing provisions: who interprets the policy, when it takes effect, what it replaces.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct Supplementary {
    #[serde(default)]
    pub interpretation: String,
    /// Further articles, after the interpretation and before the effective
    /// date: how the policy was adopted and made known to staff, say.
    // Left out when empty, so that a policy stored before the field existed
    // keeps its canonical form and content hash.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub articles: Vec<Clause>,
    /// Conditions of entry into force; the effective date itself is the
    /// document's, and the documents state it.
    #[serde(default)]
    pub effective: String,
    #[serde(default)]
    pub supersedes: String,
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use policywright_i18n::{Locale, lookup};
    use serde_json::Value;

    /// Every property name and every fixed value of the JSON Schema.
    fn names(value: &Value, fields: &mut BTreeSet<String>, choices: &mut BTreeSet<String>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::Object(props)) = map.get("properties") {
                    fields.extend(props.keys().cloned());
                }
                for key in ["enum", "const"] {
                    match map.get(key) {
                        Some(Value::Array(items)) => {
                            choices.extend(items.iter().filter_map(Value::as_str).map(String::from))
                        }
                        Some(Value::String(s)) => {
                            choices.insert(s.clone());
                        }
                        _ => {}
                    }
                }
                map.values().for_each(|v| names(v, fields, choices));
            }
            Value::Array(items) => items.iter().for_each(|v| names(v, fields, choices)),
            _ => {}
        }
    }

    /// The app labels every field and choice from the catalogue: none may be
    /// missing in either language, or the form would show a raw key.
    #[test]
    fn every_field_and_choice_has_words_in_both_languages() {
        let schema: Value = serde_json::from_str(&crate::schema_json()).expect("schema");
        let (mut fields, mut choices) = (BTreeSet::new(), BTreeSet::new());
        names(&schema, &mut fields, &mut choices);
        assert!(fields.len() > 60 && choices.len() > 10, "the schema walk found too little");
        for locale in Locale::ALL {
            let groups = policywright_i18n::section(locale, "choices");
            for field in &fields {
                assert!(
                    lookup(locale, &format!("fields.{field}")).is_some(),
                    "{}: no label for {field}",
                    locale.code()
                );
            }
            for choice in &choices {
                let found = groups.as_object().is_some_and(|g| g.values().any(|group| group.get(choice).is_some()));
                assert!(found, "{}: no words for the choice {choice}", locale.code());
            }
        }
    }
}
