//! Autosave: what the editor holds is kept on every pause in typing, so a
//! crash or a killed process loses at most the last moment's work.
//!
//! A library policy's edits become its draft in the library. Anything that
//! cannot go there (a policy not in the library yet, a file opened from
//! disk, or edits that do not parse as a policy) is kept as a recovered
//! draft: a file in a folder beside the library, one per open policy (a
//! "slot"), offered again on the start screen until it is opened or
//! dropped. Recovery files hold the editor's value as it was, parse or not,
//! so nothing typed is refused there.

use std::path::{Path, PathBuf};

use policywright_i18n::{Error, ErrorKind, Result, keys, msg};
use policywright_store::{DraftStamp, Library, PolicyId};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{FileKind, World, parse_policy};

/// The folder of recovered drafts for the library at `location`: beside a
/// file, `library.sqlite` → `library.recovery`, so that each library, and
/// each test's, has its own; for a library on a server, which has no folder
/// here, one in the app's data folder `data` named after the server, so that
/// work kept while the server was away is still this computer's.
pub fn folder(location: &Path, data: &Path) -> PathBuf {
    match crate::server::Server::of(location) {
        Some(server) => {
            let name: String = server
                .account()
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '.' { c } else { '_' })
                .collect();
            data.join("servers").join(format!("{name}.recovery"))
        }
        None => location.with_extension("recovery"),
    }
}

/// Where an autosave went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "kebab-case")]
pub enum SavedTo {
    /// The library policy's draft.
    Library,
    /// A recovered draft, offered on the next start.
    Recovery,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Autosaved {
    pub to: SavedTo,
    /// When, `YYYY-MM-DDTHH:MM:SSZ`.
    pub at: String,
    /// Where the library's draft stands after it took the edits.
    pub stamp: Option<DraftStamp>,
    /// Someone else replaced the library's draft since the editor's
    /// revision: their save, which the edits were not written over. The
    /// edits are then kept in the slot named [`conflict_slot`].
    pub taken: Option<DraftStamp>,
}

/// Where the edits of `slot` are kept when another person's newer draft
/// stands in the library: a slot of its own, so that the editor may take up
/// their draft (whose autosaves drop `slot`) and still find these later.
pub fn conflict_slot(slot: &str) -> String {
    format!("{}-conflict", slot.chars().take(55).collect::<String>())
}

/// A recovered draft as the start screen lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Recovered {
    pub slot: String,
    /// The policy's title, or empty when it has none.
    pub title: String,
    pub saved_at: String,
    /// The library policy it belongs to, if any.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub library: Option<PolicyId>,
}

/// What a recovery file holds.
#[derive(Serialize, Deserialize)]
struct Kept {
    saved_at: String,
    library: Option<PolicyId>,
    policy: Value,
}

/// A slot's file. Slot names come from the window, so only short names of
/// letters, digits and `-` are taken: never a path.
fn file(dir: &Path, slot: &str) -> Result<PathBuf> {
    let fine = !slot.is_empty() && slot.len() <= 64 && slot.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if !fine {
        return Err(Error::new(ErrorKind::InvalidArgument, msg!(keys::errors::RECOVERY_SLOT, slot = slot)));
    }
    Ok(dir.join(format!("{slot}.json")))
}

/// Keeps `value` in the library policy `id`'s draft when it is a policy the
/// library can take, else as the recovered draft `slot`. A draft that went
/// to the library drops the slot's older recovery, which it replaces.
///
/// `base` is the draft's revision the editor went on from: when another
/// person's save replaced it since, the library keeps theirs and `value`
/// goes to the slot [`conflict_slot`], with their save in `taken`. `by` is
/// the name the editor gives (a server records its own user instead).
#[allow(clippy::too_many_arguments)]
pub fn autosave(
    world: &dyn World,
    library: Option<&mut Library>,
    dir: &Path,
    slot: &str,
    id: Option<PolicyId>,
    base: Option<u64>,
    by: &str,
    value: &Value,
) -> Result<Autosaved> {
    let path = file(dir, slot)?;
    let mut taken = None;
    if let (Some(library), Some(id)) = (library, id)
        && let Ok(policy) = parse_policy(value, slot)
    {
        match library.set_draft_from(id, &policy, base, by, &world.now()) {
            Ok(stamp) => {
                world.remove(&path)?;
                return Ok(Autosaved { to: SavedTo::Library, at: world.now(), stamp: Some(stamp), taken: None });
            }
            Err(e) if e.kind == ErrorKind::Conflict => taken = library.draft_stamp(id).ok(),
            // The library is away or refuses: the edits wait here.
            Err(_) => {}
        }
    }
    let slot = if taken.is_some() { conflict_slot(slot) } else { slot.to_string() };
    let at = keep(world, dir, &slot, id, value)?;
    Ok(Autosaved { to: SavedTo::Recovery, at, stamp: None, taken })
}

/// Writes the recovered draft `slot`; returns when.
pub fn keep(world: &dyn World, dir: &Path, slot: &str, library: Option<PolicyId>, value: &Value) -> Result<String> {
    let path = file(dir, slot)?;
    world.make_folder(dir)?;
    let saved_at = world.now();
    let kept = Kept { saved_at: saved_at.clone(), library, policy: value.clone() };
    let bytes = serde_json::to_vec(&kept).map_err(|e| Error::internal(e.to_string()))?;
    world.write(&path, &bytes)?;
    Ok(saved_at)
}

fn read(world: &dyn World, path: &Path) -> Result<Kept> {
    let bytes = world.read(path, FileKind::Policy)?;
    serde_json::from_slice(&bytes).map_err(|e| {
        Error::new(
            ErrorKind::InvalidJson,
            msg!(keys::errors::RECOVERY_READ, path = path.display().to_string(), reason = e.to_string()),
        )
    })
}

/// The recovered drafts, newest first. A file that cannot be read is left
/// where it is, for a person to look at, and not offered.
pub fn list(world: &dyn World, dir: &Path) -> Result<Vec<Recovered>> {
    if !world.exists(dir) {
        return Ok(Vec::new());
    }
    let mut out: Vec<Recovered> = world
        .list_dir(dir)?
        .into_iter()
        .filter_map(|(name, path)| {
            let slot = name.strip_suffix(".json").filter(|s| !s.contains('/'))?.to_string();
            let kept = read(world, &path).ok()?;
            let title = kept.policy.pointer("/document/title").and_then(Value::as_str).unwrap_or_default();
            let title = policywright_model::Sanitized::text(title).as_str().chars().take(200).collect();
            Some(Recovered { slot, title, saved_at: kept.saved_at, library: kept.library })
        })
        .collect();
    out.sort_by(|a, b| b.saved_at.cmp(&a.saved_at).then_with(|| a.slot.cmp(&b.slot)));
    Ok(out)
}

/// A recovered draft as the editor is given it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Draft {
    /// It reads as a policy: sent as one, its fields in the order the model
    /// declares them. The kept JSON went through a map that sorts its keys,
    /// and the editor lays a form out in its value's order.
    Policy(Box<policywright_model::Policy>),
    /// It does not (typing was caught half-way): sent as it was kept, for
    /// the editor to show with its problems.
    Kept(Value),
}

impl Draft {
    /// The draft as JSON, whichever it is.
    pub fn to_value(&self) -> Value {
        match self {
            Draft::Policy(p) => serde_json::to_value(p).unwrap_or(Value::Null),
            Draft::Kept(v) => v.clone(),
        }
    }
}

/// The editor's value kept in `slot`, and the library policy it belongs to.
pub fn open(world: &dyn World, dir: &Path, slot: &str) -> Result<(Draft, Option<PolicyId>)> {
    let kept = read(world, &file(dir, slot)?)?;
    let draft = match serde_json::from_value::<policywright_model::Policy>(kept.policy.clone()) {
        Ok(policy) => Draft::Policy(Box::new(policy)),
        Err(_) => Draft::Kept(kept.policy),
    };
    Ok((draft, kept.library))
}

/// Drops the recovered draft `slot`: it was saved elsewhere or let go.
pub fn discard(world: &dyn World, dir: &Path, slot: &str) -> Result<()> {
    world.remove(&file(dir, slot)?)
}
