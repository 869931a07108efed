//! Handbooks saved in the library: which policies they bind, each at which
//! version, and their cover. A saved handbook is built again from that, and
//! says which of its parts changed since it was last exported.

use policywright_i18n::{Error, ErrorKind, Message, Result, keys, msg};
use policywright_render::handbook::{self, Handbook};
use policywright_render::{Format, Input, Options, Templates};
use policywright_store::{HandbookId, HandbookRow, Library, PolicyId, Status, VersionInfo};
use serde::{Deserialize, Serialize};

use crate::{Policy, World, file_name};

/// Which version of a policy a handbook binds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, rename = "VersionPick"))]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Pick {
    /// That version, whatever comes after it.
    Version { label: String },
    /// The newest saved version, whatever its status (`@ID` in the CLI).
    Newest,
    /// The newest version that is approved or published (`@ID:released`).
    Released,
}

/// One policy of a handbook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, rename = "HandbookPart"))]
#[serde(deny_unknown_fields)]
pub struct Part {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub policy: PolicyId,
    pub pick: Pick,
}

/// What a saved handbook is: its cover, and its policies in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, rename = "HandbookDefinition"))]
#[serde(deny_unknown_fields)]
pub struct Definition {
    pub cover: Handbook,
    pub parts: Vec<Part>,
}

/// A part as an export bound it, kept to tell later what changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, rename = "BoundPart"))]
pub struct Bound {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub policy: PolicyId,
    pub title: String,
    pub label: String,
    pub content_hash: String,
}

/// How a part compares with what the last export bound.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum SinceBuild {
    /// The handbook was never exported.
    NeverBuilt,
    Unchanged,
    /// Not in the last export.
    Added,
    /// Another version than the last export bound.
    Changed {
        label: String,
    },
}

/// A part as it binds now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, rename = "ResolvedPart"))]
pub struct Resolved {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub policy: PolicyId,
    pub title: String,
    pub label: String,
    pub status: Status,
    pub since_build: SinceBuild,
}

/// What a handbook binds now, and what changed since its last export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, rename = "HandbookPlan"))]
pub struct Plan {
    pub parts: Vec<Resolved>,
    /// Policies the last export bound that the handbook no longer has.
    pub dropped: Vec<Bound>,
    pub built_at: Option<String>,
}

/// A saved handbook as the app opens it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, rename = "OpenHandbook"))]
pub struct Saved {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: HandbookId,
    pub definition: Definition,
    pub plan: Plan,
}

/// A handbook made for a file, and what it bound.
pub struct Built {
    pub bytes: Vec<u8>,
    /// `TITLE_vVERSION.docx`, or `TITLE_DATE.docx` without a version.
    pub file_name: String,
    pub bound: Vec<Bound>,
}

/// A saved handbook of the library's list, and how far its last export is
/// behind what it names today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, rename = "HandbookEntry"))]
pub struct Entry {
    #[serde(flatten)]
    #[cfg_attr(feature = "ts", ts(flatten))]
    pub row: HandbookRow,
    pub parts: usize,
    /// Parts changed, added or taken out since the last export.
    pub changed: usize,
    /// Why what it names cannot be bound today (a policy without an
    /// approved version, say), if so.
    pub problem: Option<String>,
}

/// The saved handbooks with what changed in each, the text of a problem in
/// `locale`: one that cannot be bound today is listed with the reason.
pub fn entries(library: &Library, locale: policywright_i18n::Locale) -> Result<Vec<Entry>> {
    let mut entries = Vec::new();
    for row in library.handbooks()? {
        let (parts, changed, problem) = match open(library, row.id) {
            Ok(saved) => (saved.plan.parts.len(), saved.plan.changed(), None),
            Err(e) => (0, 0, Some(e.message.render(locale))),
        };
        entries.push(Entry { row, parts, changed, problem });
    }
    Ok(entries)
}

/// A new handbook's definition: today's date, the language's usual
/// numbering, a title in that language, no policies yet.
pub fn blank(world: &dyn World, locale: policywright_i18n::Locale) -> Definition {
    Definition {
        cover: Handbook {
            title: Message::new(keys::ui::handbook::NEW_TITLE).render(locale),
            company: String::new(),
            number: String::new(),
            version: "1.0".into(),
            date: world.today(),
            locale,
            numbering: match locale {
                policywright_i18n::Locale::ZhCn => policywright_i18n::NumberingScheme::ZhChapter,
                policywright_i18n::Locale::En => policywright_i18n::NumberingScheme::Decimal,
            },
        },
        parts: Vec::new(),
    }
}

impl Plan {
    /// Parts changed, added or taken out since the last export.
    pub fn changed(&self) -> usize {
        let moved =
            self.parts.iter().filter(|p| matches!(p.since_build, SinceBuild::Changed { .. } | SinceBuild::Added));
        moved.count() + self.dropped.len()
    }
}

/// Saves a handbook's definition (a new one with `None`), once every policy
/// in it is in the library; returns its number.
pub fn save(
    world: &dyn World,
    library: &mut Library,
    id: Option<HandbookId>,
    definition: &Definition,
) -> Result<HandbookId> {
    if definition.cover.title.trim().is_empty() {
        return Err(Error::new(ErrorKind::InvalidPolicy, Message::new(keys::errors::HANDBOOK_NO_TITLE))
            .hint(Message::new(keys::errors::HANDBOOK_NO_TITLE_HINT)));
    }
    for part in &definition.parts {
        library.history(part.policy)?;
    }
    let json = serde_json::to_string(definition)
        .map_err(|e| Error::internal(format!("a handbook could not be written as JSON: {e}")))?;
    library.save_handbook(id, definition.cover.title.trim(), &json, &world.now())
}

/// A saved handbook, and what it binds now.
pub fn open(library: &Library, id: HandbookId) -> Result<Saved> {
    let stored = library.handbook(id)?;
    let unreadable = |e: serde_json::Error| {
        Error::new(ErrorKind::InvalidLibrary, msg!(keys::errors::HANDBOOK_UNREADABLE, id = id, reason = e.to_string()))
            .hint(Message::new(keys::errors::HANDBOOK_UNREADABLE_HINT))
    };
    let definition: Definition = serde_json::from_str(&stored.definition).map_err(unreadable)?;
    let last: Option<Vec<Bound>> =
        stored.last_build.as_deref().map(serde_json::from_str).transpose().map_err(unreadable)?;
    let plan = plan(library, &definition, last.as_deref(), stored.row.built_at)?;
    Ok(Saved { id, definition, plan })
}

/// What `definition` (as the app edits it) binds now, against the last
/// export of the saved handbook `id`, if it is one.
pub fn plan_for(library: &Library, id: Option<HandbookId>, definition: &Definition) -> Result<Plan> {
    let Some(id) = id else { return plan(library, definition, None, None) };
    let stored = library.handbook(id)?;
    let last: Option<Vec<Bound>> = stored.last_build.as_deref().and_then(|b| serde_json::from_str(b).ok());
    plan(library, definition, last.as_deref(), stored.row.built_at)
}

/// What `definition` binds now, against the parts an export bound last.
pub fn plan(
    library: &Library,
    definition: &Definition,
    last: Option<&[Bound]>,
    built_at: Option<String>,
) -> Result<Plan> {
    let mut parts = Vec::with_capacity(definition.parts.len());
    for part in &definition.parts {
        let (info, policy) = resolve(library, part)?;
        let since_build = match last {
            None => SinceBuild::NeverBuilt,
            Some(last) => match last.iter().find(|b| b.policy == part.policy) {
                None => SinceBuild::Added,
                Some(b) if b.content_hash == info.content_hash => SinceBuild::Unchanged,
                Some(b) => SinceBuild::Changed { label: b.label.clone() },
            },
        };
        parts.push(Resolved {
            policy: part.policy,
            title: policy.document.title.clone(),
            label: info.label.to_string(),
            status: info.status,
            since_build,
        });
    }
    let dropped = last
        .unwrap_or_default()
        .iter()
        .filter(|b| !definition.parts.iter().any(|p| p.policy == b.policy))
        .cloned()
        .collect();
    Ok(Plan { parts, dropped, built_at })
}

/// The version a part binds, with the revision history its export tells.
pub fn resolve(library: &Library, part: &Part) -> Result<(VersionInfo, Policy)> {
    match &part.pick {
        Pick::Version { label } => library.version_with_history(part.policy, Some(label)),
        Pick::Newest => library.version_with_history(part.policy, None),
        Pick::Released => {
            let history = library.history(part.policy)?;
            let released = history.iter().rev().find(|v| matches!(v.status, Status::Approved | Status::Published));
            match released {
                Some(v) => library.version_with_history(part.policy, Some(&v.label.to_string())),
                None => {
                    let title = library.draft(part.policy)?.document.title;
                    Err(Error::new(ErrorKind::NotFound, msg!(keys::errors::NOTHING_RELEASED, title = title))
                        .hint(Message::new(keys::errors::NOTHING_RELEASED_HINT)))
                }
            }
        }
    }
}

fn inputs(library: &Library, definition: &Definition) -> Result<(Vec<Input>, Vec<Bound>)> {
    let mut inputs = Vec::with_capacity(definition.parts.len());
    let mut bound = Vec::with_capacity(definition.parts.len());
    for part in &definition.parts {
        let (info, policy) = resolve(library, part)?;
        inputs.push(Input::stored(&policy, &info.content_hash)?);
        bound.push(Bound {
            policy: part.policy,
            title: policy.document.title.clone(),
            label: info.label.to_string(),
            content_hash: info.content_hash,
        });
    }
    Ok((inputs, bound))
}

/// The handbook as the app previews it: sanitised HTML, no page around it.
pub fn preview(library: &Library, definition: &Definition, templates: &Templates) -> Result<String> {
    let (inputs, _) = inputs(library, definition)?;
    handbook::preview_html(&definition.cover, &inputs, templates)
}

/// The handbook as a file: what `policywright rebuild ID` writes.
pub fn build(library: &Library, definition: &Definition, format: Format, templates: &Templates) -> Result<Built> {
    let (inputs, bound) = inputs(library, definition)?;
    let bytes = handbook::export(&definition.cover, &inputs, &Options { format, templates })?;
    let cover = &definition.cover;
    let suffix =
        if cover.version.trim().is_empty() { cover.date.clone() } else { format!("v{}", cover.version.trim()) };
    Ok(Built { bytes, file_name: file_name(&cover.title, &suffix, format.extension()), bound })
}

/// Keeps what an export bound, once its file is written.
pub fn record_build(world: &dyn World, library: &mut Library, id: HandbookId, bound: &[Bound]) -> Result<()> {
    let json = serde_json::to_string(bound)
        .map_err(|e| Error::internal(format!("a handbook's parts could not be written as JSON: {e}")))?;
    library.record_handbook_build(id, &json, &world.now())
}
