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
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
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
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct Part {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub policy: PolicyId,
    pub pick: Pick,
}

/// What a saved handbook is: its cover, and its policies in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct Definition {
    pub cover: Handbook,
    pub parts: Vec<Part>,
}

/// A part as an export bound it, kept to tell later what changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
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
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
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
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Plan {
    pub parts: Vec<Resolved>,
    /// Policies the last export bound that the handbook no longer has.
    pub dropped: Vec<Bound>,
    pub built_at: Option<String>,
}

/// A saved handbook as the app opens it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
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

/// The saved handbooks by number.
pub fn list(library: &Library) -> Result<Vec<HandbookRow>> {
    library.handbooks()
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
