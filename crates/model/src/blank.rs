//! Items added and left empty. A person adds a duty, a rule or a principle
//! and fills it in later; until then it is in the policy but has nothing to
//! say, and a document must not show it as `****:` or an empty numbered
//! line. Every export, the preview and the comparison leave such items out
//! (they work on a [`crate::Sanitized`] copy, which is made without them);
//! validation still sees them, so a required text still reads as missing.
//!
//! What counts is the text a reader would see: ids, numbers and fixed
//! choices (a rule's consequence, a training method's kind) alone are not
//! content, since the form fills them in by itself.

use crate::{
    Career, Clause, Cycle, Level, Meeting, NamedStep, Policy, Principle, Rating, ResultUse, Role, Rule, RuleGroup,
    SkillLevel, Stage, TrainingArea, TrainingMethod,
};

fn empty(text: &str) -> bool {
    text.trim().is_empty()
}

trait Blank {
    fn is_blank(&self) -> bool;
}

fn all_blank<T: Blank>(items: &[T]) -> bool {
    items.iter().all(Blank::is_blank)
}

impl Blank for String {
    fn is_blank(&self) -> bool {
        empty(self)
    }
}

impl Blank for Principle {
    fn is_blank(&self) -> bool {
        empty(&self.name) && empty(&self.explanation)
    }
}

impl Blank for Clause {
    fn is_blank(&self) -> bool {
        empty(&self.title) && empty(&self.text)
    }
}

impl Blank for NamedStep {
    fn is_blank(&self) -> bool {
        empty(&self.name) && empty(&self.description)
    }
}

impl Blank for SkillLevel {
    fn is_blank(&self) -> bool {
        empty(&self.name) && all_blank(&self.eligibility)
    }
}

impl Blank for Role {
    fn is_blank(&self) -> bool {
        empty(&self.title)
            && empty(&self.summary)
            && all_blank(&self.duties)
            && all_blank(&self.requirements.skills)
            && all_blank(&self.requirements.qualifications)
            && self.salary_band.is_none()
            && all_blank(&self.skill_levels)
    }
}

impl Blank for Stage {
    fn is_blank(&self) -> bool {
        empty(&self.name) && all_blank(&self.steps)
    }
}

impl Blank for Meeting {
    fn is_blank(&self) -> bool {
        empty(&self.name) && empty(&self.frequency) && empty(&self.participants) && empty(&self.purpose)
    }
}

impl Blank for Rule {
    fn is_blank(&self) -> bool {
        empty(&self.text)
    }
}

impl Blank for RuleGroup {
    fn is_blank(&self) -> bool {
        empty(&self.name) && all_blank(&self.rules)
    }
}

impl Blank for Cycle {
    fn is_blank(&self) -> bool {
        empty(&self.name) && empty(&self.timing) && empty(&self.scope)
    }
}

impl Blank for Rating {
    fn is_blank(&self) -> bool {
        empty(&self.grade) && empty(&self.meaning)
    }
}

impl Blank for ResultUse {
    fn is_blank(&self) -> bool {
        empty(&self.name) && empty(&self.description)
    }
}

impl Blank for TrainingArea {
    fn is_blank(&self) -> bool {
        empty(&self.name) && empty(&self.description)
    }
}

impl Blank for TrainingMethod {
    fn is_blank(&self) -> bool {
        empty(&self.description)
    }
}

impl Blank for Level {
    fn is_blank(&self) -> bool {
        empty(&self.name)
            && self.roles.iter().all(|r| empty(r))
            && empty(&self.requirements.appraisal)
            && all_blank(&self.requirements.skills)
            && all_blank(&self.requirements.certificates)
    }
}

fn keep<T: Blank>(items: &mut Vec<T>) {
    items.retain(|item| !item.is_blank());
}

fn levels(levels: &mut Vec<Level>) {
    for level in levels.iter_mut() {
        level.roles.retain(|r| !empty(r));
        keep(&mut level.requirements.skills);
        keep(&mut level.requirements.certificates);
    }
    keep(levels);
}

fn career(career: &mut Career) {
    levels(&mut career.levels);
    keep(&mut career.promotion);
    if let Some(track) = &mut career.professional_track {
        levels(&mut track.levels);
    }
}

/// Leaves out every item with nothing to say, inner lists first, so that a
/// group whose only rule is empty goes too. Indicators and revisions stay:
/// a weight and a version mean something even without words.
pub(crate) fn leave_out_blank_items(policy: &mut Policy) {
    keep(&mut policy.general.scope_roles);
    keep(&mut policy.general.principles);
    keep(&mut policy.general.articles);
    keep(&mut policy.supplementary.articles);
    for role in &mut policy.duties.roles {
        keep(&mut role.duties);
        keep(&mut role.requirements.skills);
        keep(&mut role.requirements.qualifications);
        for level in &mut role.skill_levels {
            keep(&mut level.eligibility);
        }
        keep(&mut role.skill_levels);
    }
    keep(&mut policy.duties.roles);
    let workflow = &mut policy.workflow;
    for stage in &mut workflow.stages {
        keep(&mut stage.steps);
    }
    keep(&mut workflow.stages);
    keep(&mut workflow.routines.daily);
    keep(&mut workflow.routines.weekly);
    keep(&mut workflow.routines.monthly);
    keep(&mut workflow.emergency.steps);
    keep(&mut workflow.communication.meetings);
    keep(&mut workflow.communication.channels);
    for group in &mut policy.discipline.groups {
        keep(&mut group.rules);
    }
    keep(&mut policy.discipline.groups);
    let appraisal = &mut policy.appraisal;
    keep(&mut appraisal.principles);
    keep(&mut appraisal.cycles);
    keep(&mut appraisal.process);
    keep(&mut appraisal.rating_scale);
    keep(&mut appraisal.uses);
    keep(&mut policy.training.goals);
    keep(&mut policy.training.content);
    keep(&mut policy.training.methods);
    career(&mut policy.career);
}
