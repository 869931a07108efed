//! The library of policies, and the rules it keeps whatever holds the data.
//!
//! Each policy has a *draft*, its working copy, which autosave overwrites at
//! will and which may be invalid, and *versions*: validated, numbered
//! snapshots (the canonical JSON and its sha256) that no one may change or
//! delete. A version moves through a sign-off workflow, draft → in-review →
//! approved → published → superseded, recorded in an append-only log.
//!
//! [`Library`] is the one place of the rules: validation before a version is
//! saved, version numbers, an unchanged draft saving nothing, publishing
//! superseding the published version, and checking every stored text
//! against its hash before it is used. Below it, a [`Backend`] only stores
//! and finds rows, each action in one transaction. SQLite is the backend on
//! a desktop (`policywright-sqlite`); a shared server's (`policywright-postgres`)
//! implements the same traits, and answers [`Write::stamp`] with its own
//! user and clock.

mod copy;
pub mod trail;
mod types;

use policywright_i18n::{Error, ErrorKind, Message, Result, keys, msg};
use policywright_model::dates::Day;
use policywright_model::validate::{Finding, Report, Severity, validate};
use policywright_model::{Policy, Revision, Sanitized, canonical_json, sha256_hex};

pub use copy::Copied;
pub use trail::{Damage, Entry, Head, Link};
pub use types::{
    Bump, DraftStamp, HandbookId, HandbookRow, Label, NewStatusEvent, NewVersion, PolicyId, PolicySummary, SaveOutcome,
    Stamp, Status, StatusStep, StoredHandbook, VersionInfo,
};

/// What the list of policies shows of a draft, copied out of it at each
/// save so that listing reads no drafts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listing<'a> {
    pub title: &'a str,
    pub number: &'a str,
}

impl<'a> Listing<'a> {
    pub fn of(policy: &'a Policy) -> Listing<'a> {
        Listing { title: &policy.document.title, number: &policy.document.number }
    }
}

/// Reading, in one transaction: every read of an action sees one snapshot.
pub trait Read {
    /// The draft's JSON, as stored; `None` for a policy that does not exist.
    fn draft(&self, id: PolicyId) -> Result<Option<String>>;
    fn policy_exists(&self, id: PolicyId) -> Result<bool>;
    /// The policies by number, with their newest version and its status.
    fn list(&self, include_archived: bool) -> Result<Vec<PolicySummary>>;
    /// Every version of a policy, oldest first.
    fn history(&self, id: PolicyId) -> Result<Vec<VersionInfo>>;
    /// A version and its stored content; the newest with `None`.
    fn version(&self, id: PolicyId, label: Option<Label>) -> Result<Option<(VersionInfo, String)>>;
    /// The number of the newest version, if any.
    fn newest_label(&self, id: PolicyId) -> Result<Option<Label>>;
    /// The number and content hash of the newest version, if any, without
    /// reading its content: the check that a draft is unchanged.
    fn newest_hash(&self, id: PolicyId) -> Result<Option<(Label, String)>>;
    /// The draft's revision (1 when imported, one more at each
    /// replacement), and who replaced it last and when.
    fn draft_stamp(&self, id: PolicyId) -> Result<Option<DraftStamp>>;
    /// How far the policy's trail has come, as its policy row says.
    fn trail_head(&self, id: PolicyId) -> Result<Option<Head>>;
    /// Every record of the policy's trail, in place order.
    fn trail(&self, id: PolicyId) -> Result<Vec<Link>>;
    /// The saved handbooks by number.
    fn handbooks(&self) -> Result<Vec<HandbookRow>>;
    fn handbook(&self, id: HandbookId) -> Result<Option<StoredHandbook>>;
}

/// Writing, in one transaction that commits only when the action succeeds.
pub trait Write: Read {
    fn insert_policy(&mut self, listing: &Listing<'_>, draft: &str, now: &str) -> Result<PolicyId>;
    /// Replaces the draft, recording who (`by`) and when; the draft's new
    /// revision, or `None` when there is no such policy.
    fn update_draft(
        &mut self,
        id: PolicyId,
        listing: &Listing<'_>,
        draft: &str,
        by: &str,
        now: &str,
    ) -> Result<Option<u64>>;
    /// `false` when there is no such policy.
    fn set_archived(&mut self, id: PolicyId, archived: bool) -> Result<bool>;
    /// The date (`YYYY-MM-DD`) the policy is next due for review; "" for none.
    fn set_next_review(&mut self, id: PolicyId, date: &str) -> Result<()>;
    fn touch(&mut self, id: PolicyId, now: &str) -> Result<()>;
    /// Who and when a version or status change is recorded under, asked
    /// once per action: the name and time the caller gave, by default. A
    /// database that knows its user and keeps its own clock answers with
    /// those, and refuses any other, so that no client can forge them.
    fn stamp(&mut self, by: &str, now: &str) -> Result<Stamp> {
        Ok(Stamp { by: by.to_string(), at: now.to_string() })
    }
    /// Records written in the rest of this transaction are copies from
    /// another library (`library copy`), which keep their own authors and
    /// times: nothing to do by default; a server checks that the user owns
    /// the library, and otherwise refuses them as forged.
    fn keep_history(&mut self) -> Result<()> {
        Ok(())
    }
    fn insert_version(&mut self, version: &NewVersion<'_>) -> Result<()>;
    fn insert_status_event(&mut self, event: &NewStatusEvent<'_>) -> Result<()>;
    fn insert_handbook(&mut self, title: &str, definition: &str, now: &str) -> Result<HandbookId>;
    /// `false` when there is no such handbook.
    fn update_handbook(&mut self, id: HandbookId, title: &str, definition: &str, now: &str) -> Result<bool>;
    /// What an export bound, kept to say later which parts changed since.
    fn record_handbook_build(&mut self, id: HandbookId, build: &str, now: &str) -> Result<bool>;
    fn delete_handbook(&mut self, id: HandbookId) -> Result<bool>;
}

/// Where a library's rows live. Each call of `read` or `write` is one
/// transaction around `action`; an error from `action` rolls it back.
pub trait Backend: Send {
    fn read(&self, action: &mut dyn FnMut(&dyn Read) -> Result<()>) -> Result<()>;
    fn write(&mut self, action: &mut dyn FnMut(&mut dyn Write) -> Result<()>) -> Result<()>;

    /// What opening the library found that the user should know, such as
    /// a file opened read-only; none by default.
    fn notices(&self) -> Vec<Error> {
        Vec::new()
    }

    /// Checks the storage itself, below the rows (every page of a file);
    /// nothing to check by default.
    fn check_storage(&self) -> Result<()> {
        Ok(())
    }
}

/// A library: the rules over a backend.
pub struct Library {
    backend: Box<dyn Backend>,
}

impl std::fmt::Debug for Library {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Library").finish_non_exhaustive()
    }
}

impl Library {
    pub fn new(backend: Box<dyn Backend>) -> Library {
        Library { backend }
    }

    /// What opening the library found that the user should know.
    pub fn notices(&self) -> Vec<Error> {
        self.backend.notices()
    }

    /// The whole library checked: the storage, then every policy's trail
    /// and every version's content. The policies with damage, with it.
    pub fn check_all(&self) -> Result<Vec<(PolicyId, Vec<Damage>)>> {
        self.backend.check_storage()?;
        let mut found = Vec::new();
        for p in self.read(|tx| tx.list(true))? {
            let damage = self.check(p.id)?;
            if !damage.is_empty() {
                found.push((p.id, damage));
            }
        }
        Ok(found)
    }

    /// Adds a policy to the library; its content becomes the draft.
    pub fn import(&mut self, policy: &Policy, now: &str) -> Result<PolicyId> {
        let draft = draft_json(policy)?;
        self.write(|tx| tx.insert_policy(&Listing::of(policy), &draft, now))
    }

    /// Replaces the draft and returns its new revision. Never refused for
    /// what the policy says: autosave must not lose work, and a draft is
    /// allowed to be invalid.
    pub fn set_draft(&mut self, id: PolicyId, policy: &Policy, now: &str) -> Result<u64> {
        Ok(self.set_draft_from(id, policy, None, "", now)?.revision)
    }

    /// Replaces the draft as an editor that opened it at revision `base`
    /// does: refused with [`ErrorKind::Conflict`], naming who saved and
    /// when, if someone else replaced it since; `None` replaces it whatever
    /// it is now. `by` is the name the editor gives (a server records its
    /// own user instead). Returns where the draft stands now.
    pub fn set_draft_from(
        &mut self,
        id: PolicyId,
        policy: &Policy,
        base: Option<u64>,
        by: &str,
        now: &str,
    ) -> Result<DraftStamp> {
        let draft = draft_json(policy)?;
        self.write(|tx| {
            check_base(tx, id, base)?;
            replace_draft(tx, id, policy, &draft, by, now)?;
            draft_stamp(tx, id)
        })
    }

    /// The draft's revision, which [`Library::save_revision`] names.
    pub fn draft_revision(&self, id: PolicyId) -> Result<u64> {
        Ok(self.draft_stamp(id)?.revision)
    }

    /// Where the draft stands: its revision, who replaced it last and when.
    pub fn draft_stamp(&self, id: PolicyId) -> Result<DraftStamp> {
        self.read(|tx| draft_stamp(tx, id))
    }

    /// The current draft.
    pub fn draft(&self, id: PolicyId) -> Result<Policy> {
        self.read(|tx| read_draft(tx, id))
    }

    /// The current draft and where it stands, read together: the revision
    /// an editor goes on from is the one of the text it shows.
    pub fn draft_and_stamp(&self, id: PolicyId) -> Result<(Policy, DraftStamp)> {
        self.read(|tx| Ok((read_draft(tx, id)?, draft_stamp(tx, id)?)))
    }

    /// Hides a policy from [`Library::list`]; its draft and versions stay, and
    /// it can still be edited and saved (an open window may be autosaving it).
    pub fn archive(&mut self, id: PolicyId) -> Result<()> {
        self.set_archived(id, true)
    }

    /// Undoes [`Library::archive`].
    pub fn restore(&mut self, id: PolicyId) -> Result<()> {
        self.set_archived(id, false)
    }

    fn set_archived(&mut self, id: PolicyId, archived: bool) -> Result<()> {
        self.write(|tx| if tx.set_archived(id, archived)? { Ok(()) } else { Err(no_policy(id)) })
    }

    /// The saved handbooks by number.
    pub fn handbooks(&self) -> Result<Vec<HandbookRow>> {
        self.read(|tx| tx.handbooks())
    }

    pub fn handbook(&self, id: HandbookId) -> Result<StoredHandbook> {
        self.read(|tx| tx.handbook(id)?.ok_or_else(|| no_handbook(id)))
    }

    /// Saves a handbook's definition: a new one with `None`, else over the
    /// one numbered `id`. Its title is what the list shows.
    pub fn save_handbook(
        &mut self,
        id: Option<HandbookId>,
        title: &str,
        definition: &str,
        now: &str,
    ) -> Result<HandbookId> {
        self.write(|tx| match id {
            None => tx.insert_handbook(title, definition, now),
            Some(id) if tx.update_handbook(id, title, definition, now)? => Ok(id),
            Some(id) => Err(no_handbook(id)),
        })
    }

    pub fn record_handbook_build(&mut self, id: HandbookId, build: &str, now: &str) -> Result<()> {
        self.write(|tx| if tx.record_handbook_build(id, build, now)? { Ok(()) } else { Err(no_handbook(id)) })
    }

    /// Deletes a handbook's definition; the policies in it stay as they are.
    pub fn delete_handbook(&mut self, id: HandbookId) -> Result<()> {
        self.write(|tx| if tx.delete_handbook(id)? { Ok(()) } else { Err(no_handbook(id)) })
    }

    /// The policies in the library by number, with their newest version,
    /// each marked when its trail is damaged.
    pub fn list(&self, include_archived: bool) -> Result<Vec<PolicySummary>> {
        self.read(|tx| {
            let mut policies = tx.list(include_archived)?;
            for p in &mut policies {
                p.damaged = !trail_damage(tx, p.id)?.is_empty();
            }
            Ok(policies)
        })
    }

    /// Saves the stored draft as a new version, numbered from the latest
    /// with `bump` (the first is 1.0). Refused with
    /// [`ErrorKind::InvalidPolicy`] when the draft has validation errors; the
    /// draft itself stays. When the draft equals the latest version, nothing
    /// is saved and that version is returned with `unchanged: true`.
    pub fn save_version(
        &mut self,
        id: PolicyId,
        bump: Bump,
        author: &str,
        note: &str,
        now: &str,
    ) -> Result<SaveOutcome> {
        let author = person(author, keys::errors::AUTHOR_EMPTY)?;
        let author = author.as_str();
        self.write(|tx| {
            let policy = read_draft(tx, id)?;
            freeze(tx, id, &policy, bump, author, note, now)
        })
    }

    /// Saves the draft as [`Library::save_version`] does, but only if it is
    /// still at `revision`: a draft another process replaced meanwhile is
    /// not saved under this note and author.
    pub fn save_revision(
        &mut self,
        id: PolicyId,
        revision: u64,
        bump: Bump,
        author: &str,
        note: &str,
        now: &str,
    ) -> Result<SaveOutcome> {
        let author = person(author, keys::errors::AUTHOR_EMPTY)?;
        let author = author.as_str();
        self.write(|tx| {
            let stamp = draft_stamp(tx, id)?;
            if stamp.revision != revision {
                return Err(Error::new(
                    ErrorKind::Conflict,
                    msg!(
                        keys::errors::DRAFT_CONFLICT,
                        id = id,
                        current = stamp.revision,
                        expected = revision,
                        by = saved_by(&stamp),
                        at = saved_at(&stamp)
                    ),
                )
                .hint(msg!(keys::errors::DRAFT_CONFLICT_HINT, id = id)));
            }
            let policy = read_draft(tx, id)?;
            freeze(tx, id, &policy, bump, author, note, now)
        })
    }

    /// The editor's way to save: the policy becomes the draft and then a
    /// version, in one transaction, so that what is saved is exactly what
    /// the editor showed. A refused version still keeps the draft.
    pub fn save_as_version(
        &mut self,
        id: PolicyId,
        policy: &Policy,
        bump: Bump,
        author: &str,
        note: &str,
        now: &str,
    ) -> Result<SaveOutcome> {
        self.save_as_version_from(id, policy, None, bump, author, note, now)
    }

    /// [`Library::save_as_version`] by an editor that opened the draft at
    /// revision `base`: refused as [`Library::set_draft_from`] refuses, and
    /// then nothing is written, neither draft nor version.
    #[allow(clippy::too_many_arguments)]
    pub fn save_as_version_from(
        &mut self,
        id: PolicyId,
        policy: &Policy,
        base: Option<u64>,
        bump: Bump,
        author: &str,
        note: &str,
        now: &str,
    ) -> Result<SaveOutcome> {
        let author = person(author, keys::errors::AUTHOR_EMPTY)?;
        let author = author.as_str();
        let draft = draft_json(policy)?;
        self.write(|tx| {
            check_base(tx, id, base)?;
            replace_draft(tx, id, policy, &draft, author, now)?;
            // A refusal must not roll the draft back: it is returned, not
            // raised, inside the transaction. Any other failure rolls back.
            match freeze(tx, id, policy, bump, author, note, now) {
                Err(e) if e.kind == ErrorKind::InvalidPolicy => Ok(Err(e)),
                other => other.map(Ok),
            }
        })?
    }

    /// Moves version `label` to status `to`, recording who and when.
    /// Publishing a version supersedes the policy's other published version.
    pub fn set_status(&mut self, id: PolicyId, label: &str, to: Status, by: &str, now: &str) -> Result<()> {
        let label = parse_label(label)?;
        let by = person(by, keys::errors::BY_EMPTY)?;
        let by = by.as_str();
        self.write(|tx| {
            ensure_policy(tx, id)?;
            let history = tx.history(id)?;
            let from =
                history.iter().find(|v| v.label == label).map(|v| v.status).ok_or_else(|| no_version(tx, id, label))?;
            if !from.can_go_to(to) {
                return Err(bad_transition(id, label, from, to));
            }
            if to == Status::Published {
                for other in history.iter().filter(|v| v.status == Status::Published && v.label != label) {
                    record_status(tx, id, other.label, Status::Published, Status::Superseded, by, now)?;
                }
            }
            // The time the library recorded, which on a server is its clock.
            let stamp = record_status(tx, id, label, from, to, by, now)?;
            let now = stamp.at.as_str();
            match (from, to) {
                (_, Status::Published) => {
                    let (_, policy) = checked_version(tx, id, Some(label))?.ok_or_else(|| no_version(tx, id, label))?;
                    tx.set_next_review(id, &next_review(now, &policy.document))?;
                }
                // Withdrawn with nothing published in its place.
                (Status::Published, Status::Superseded) => tx.set_next_review(id, "")?,
                _ => {}
            }
            tx.touch(id, now)
        })
    }

    /// Every version of the policy, oldest first, each marked when its
    /// record or a status change of it does not match the trail.
    pub fn history(&self, id: PolicyId) -> Result<Vec<VersionInfo>> {
        self.read(|tx| {
            // The trail holds every field of the history, so it is read
            // once, for both.
            let head = tx.trail_head(id)?.ok_or_else(|| no_policy(id))?;
            let links = tx.trail(id)?;
            let damage = trail::verify(id, &head, &links);
            let mut history = trail::versions(id, links);
            for v in &mut history {
                v.damaged = damage.iter().any(|d| d.label() == Some(v.label));
            }
            Ok(history)
        })
    }

    /// Everything wrong with a policy's trail and stored content: each
    /// link, the end of the trail, and every version's content against its
    /// hash. It reads every version, so it is for `library check`, not for
    /// each listing.
    pub fn check(&self, id: PolicyId) -> Result<Vec<Damage>> {
        self.read(|tx| {
            ensure_policy(tx, id)?;
            let mut damage = trail_damage(tx, id)?;
            for v in tx.history(id)? {
                let intact = match tx.version(id, Some(v.label))? {
                    Some((info, content)) => sha256_hex(content.as_bytes()) == info.content_hash,
                    None => false,
                };
                if !intact {
                    damage.push(Damage::ContentChanged(v.label));
                }
            }
            Ok(damage)
        })
    }

    /// One version and its content, checked against its hash.
    pub fn version(&self, id: PolicyId, label: &str) -> Result<(VersionInfo, Policy)> {
        let label = parse_label(label)?;
        self.read(|tx| {
            ensure_policy(tx, id)?;
            checked_version(tx, id, Some(label))?.ok_or_else(|| no_version(tx, id, label))
        })
    }

    /// The newest version and its content, checked against its hash; `None`
    /// before the first save.
    pub fn latest(&self, id: PolicyId) -> Result<Option<(VersionInfo, Policy)>> {
        self.read(|tx| {
            ensure_policy(tx, id)?;
            checked_version(tx, id, None)
        })
    }

    /// A version's policy with the revision history taken from the stored
    /// versions up to and including it, so every export tells the same
    /// history; the newest with `None`.
    pub fn version_with_history(&self, id: PolicyId, label: Option<&str>) -> Result<(VersionInfo, Policy)> {
        let label = label.map(parse_label).transpose()?;
        self.read(|tx| {
            ensure_policy(tx, id)?;
            let (info, mut policy) = match label {
                Some(label) => checked_version(tx, id, Some(label))?.ok_or_else(|| no_version(tx, id, label))?,
                None => checked_version(tx, id, None)?.ok_or_else(|| {
                    Error::new(ErrorKind::NotFound, msg!(keys::errors::NO_SAVED_VERSION, id = id))
                        .hint(Message::new(keys::errors::NO_SAVED_VERSION_HINT))
                })?,
            };
            policy.document.revisions = revisions(&tx.history(id)?, info.label);
            Ok((info, policy))
        })
    }

    fn write<T>(&mut self, op: impl FnOnce(&mut dyn Write) -> Result<T>) -> Result<T> {
        let mut once = Once::new(op);
        self.backend.write(&mut |tx| once.call(tx))?;
        once.into_result()
    }

    fn read<T>(&self, op: impl FnOnce(&dyn Read) -> Result<T>) -> Result<T> {
        let mut once = Once::new(op);
        self.backend.read(&mut |tx| once.call(tx))?;
        once.into_result()
    }
}

/// An action a backend runs through a `dyn FnMut`, and what it returned.
struct Once<F, T> {
    op: Option<F>,
    out: Option<T>,
}

impl<F, T> Once<F, T> {
    fn new(op: F) -> Once<F, T> {
        Once { op: Some(op), out: None }
    }

    fn call<A>(&mut self, tx: A) -> Result<()>
    where
        F: FnOnce(A) -> Result<T>,
    {
        if let Some(op) = self.op.take() {
            self.out = Some(op(tx)?);
        }
        Ok(())
    }

    fn into_result(self) -> Result<T> {
        self.out.ok_or_else(|| Error::internal("a library action did not run"))
    }
}

/// The revision history as of `upto`, from the library's record of versions.
pub fn revisions(history: &[VersionInfo], upto: Label) -> Vec<Revision> {
    history
        .iter()
        .filter(|v| v.label <= upto)
        .map(|v| Revision {
            version: v.label.to_string(),
            date: v.created_at.chars().take(10).collect(),
            // The document names the person as they gave their name; a
            // server's login is for the trail, not for the page.
            author: if v.display_name.is_empty() { v.author.clone() } else { v.display_name.clone() },
            summary: v.note.clone(),
        })
        .collect()
}

fn replace_draft(tx: &mut dyn Write, id: PolicyId, policy: &Policy, draft: &str, by: &str, now: &str) -> Result<u64> {
    let stamp = tx.stamp(by, now)?;
    tx.update_draft(id, &Listing::of(policy), draft, &stamp.by, &stamp.at)?.ok_or_else(|| no_policy(id))
}

fn draft_stamp(tx: &dyn Read, id: PolicyId) -> Result<DraftStamp> {
    tx.draft_stamp(id)?.ok_or_else(|| no_policy(id))
}

/// Refuses to go on from revision `base` of the draft when someone else
/// replaced it since, saying who and when.
fn check_base(tx: &dyn Read, id: PolicyId, base: Option<u64>) -> Result<()> {
    let Some(base) = base else { return Ok(()) };
    let now = draft_stamp(tx, id)?;
    if now.revision == base {
        return Ok(());
    }
    Err(Error::new(
        ErrorKind::Conflict,
        msg!(keys::errors::DRAFT_TAKEN, id = id, by = saved_by(&now), at = saved_at(&now)),
    )
    .hint(Message::new(keys::errors::DRAFT_TAKEN_HINT)))
}

/// Who replaced a draft, as a conflict names them.
fn saved_by(stamp: &DraftStamp) -> Message {
    if stamp.saved_by.is_empty() {
        Message::new(keys::errors::DRAFT_TAKEN_SOMEONE)
    } else {
        Message::verbatim(stamp.saved_by.clone())
    }
}

/// When, as a conflict says it: `2026-12-03T16:09:15Z` reads as
/// `2026-12-03 16:09 UTC`.
fn saved_at(stamp: &DraftStamp) -> String {
    match stamp.saved_at.split_once('T') {
        Some((day, time)) if stamp.saved_at.ends_with('Z') && time.len() >= 5 => format!("{day} {} UTC", &time[..5]),
        _ => stamp.saved_at.clone(),
    }
}

fn trail_damage(tx: &dyn Read, id: PolicyId) -> Result<Vec<Damage>> {
    let head = tx.trail_head(id)?.ok_or_else(|| no_policy(id))?;
    Ok(trail::verify(id, &head, &tx.trail(id)?))
}

/// Where the next record of a policy goes: its place, and the hash it
/// chains to.
fn next_place(tx: &dyn Read, id: PolicyId) -> Result<(u64, Head)> {
    let head = tx.trail_head(id)?.ok_or_else(|| no_policy(id))?;
    Ok((head.seq + 1, head))
}

#[allow(clippy::too_many_arguments)]
fn record_status(
    tx: &mut dyn Write,
    id: PolicyId,
    label: Label,
    from: Status,
    to: Status,
    by: &str,
    now: &str,
) -> Result<Stamp> {
    let (seq, head) = next_place(tx, id)?;
    let stamp = tx.stamp(by, now)?;
    let entry = Entry::Status { label, from, to, by: stamp.by.clone(), at: stamp.at.clone() };
    let chain_hash = trail::chain(&head.hash, id, seq, &entry);
    tx.insert_status_event(&NewStatusEvent {
        policy: id,
        seq,
        chain_hash: &chain_hash,
        label,
        from,
        to,
        by: &stamp.by,
        display_name: by,
        at: &stamp.at,
    })?;
    Ok(stamp)
}

/// Validates `policy` and stores it as the next version, unless it equals
/// the newest one.
fn freeze(
    tx: &mut dyn Write,
    id: PolicyId,
    policy: &Policy,
    bump: Bump,
    author: &str,
    note: &str,
    now: &str,
) -> Result<SaveOutcome> {
    let report = validate(policy);
    if report.has_errors() {
        return Err(invalid_draft(id, &report).in_locale(policy.document.locale));
    }
    let mut warnings: Vec<Finding> = report.warnings().cloned().collect();
    let content = canonical_json(policy);
    let hash = sha256_hex(content.as_bytes());
    let newest = tx.newest_hash(id)?;
    if let Some((label, newest_hash)) = &newest
        && *newest_hash == hash
    {
        // Equal hashes mean equal canonical JSON: nothing new to save.
        let (version, _) = tx.version(id, Some(*label))?.ok_or_else(|| no_version(tx, id, *label))?;
        return Ok(SaveOutcome { version, unchanged: true, warnings });
    }
    // Numbered after the highest number ever given, which the trail keeps
    // even if a version went missing: a number is never given twice.
    let (seq, head) = next_place(tx, id)?;
    let label = match (head.issued, newest.map(|(l, _)| l)) {
        (None, None) => Label::FIRST,
        (issued, newest) => issued.max(newest).unwrap_or(Label::FIRST).bumped(bump),
    };
    let effective_date = policy.document.effective_date.as_str();
    let stamp = tx.stamp(author, now)?;
    if let Some(replaced) = replaced_entry(policy, label, note, &stamp.at) {
        warnings.push(replaced);
    }
    let (display_name, author, now) = (author, stamp.by.as_str(), stamp.at.as_str());
    let chain_hash = trail::chain(
        &head.hash,
        id,
        seq,
        &Entry::Version {
            label,
            author: author.to_string(),
            note: note.to_string(),
            created_at: now.to_string(),
            effective_date: effective_date.to_string(),
            content_hash: hash.clone(),
        },
    );
    tx.insert_version(&NewVersion {
        policy: id,
        seq,
        chain_hash: &chain_hash,
        label,
        author,
        display_name,
        note,
        created_at: now,
        effective_date,
        content_hash: &hash,
        content: &content,
    })?;
    tx.touch(id, now)?;
    let version = VersionInfo {
        policy: id,
        label,
        status: Status::Draft,
        display_name: if display_name == author { String::new() } else { display_name.to_string() },
        author: author.to_string(),
        note: note.to_string(),
        created_at: now.to_string(),
        effective_date: effective_date.to_string(),
        content_hash: hash,
        damaged: false,
        steps: Vec::new(),
    };
    Ok(SaveOutcome { version, unchanged: false, warnings })
}

/// A revision entry the user wrote for the version being saved, which the
/// library's record (the save's day and note) takes the place of in every
/// export: said, so that it is not lost without a word. The app offers the
/// entry's note and author before saving.
fn replaced_entry(policy: &Policy, label: Label, note: &str, at: &str) -> Option<Finding> {
    let version = label.to_string();
    let (i, entry) = policy.document.revisions.iter().enumerate().find(|(_, r)| r.version == version)?;
    // The day is the library's by design; words the user wrote and would
    // not find again are what is worth a warning.
    if entry.summary.trim().is_empty() || entry.summary.trim() == note.trim() {
        return None;
    }
    let today: String = at.chars().take(10).collect();
    Some(Finding {
        severity: Severity::Warning,
        path: format!("document.revisions[{i}]"),
        message: msg!(
            keys::validation::REVISION_ENTRY_REPLACED,
            version = version.as_str(),
            date = entry.date.as_str(),
            summary = entry.summary.as_str(),
            today = today.as_str(),
            note = note
        ),
        hint: Message::new(keys::validation::REVISION_ENTRY_REPLACED_HINT),
    })
}

fn draft_json(policy: &Policy) -> Result<String> {
    serde_json::to_string(policy)
        .map_err(|e| Error::new(ErrorKind::Internal, msg!(keys::errors::NOT_SERIALISABLE, reason = e.to_string())))
}

fn read_draft(tx: &dyn Read, id: PolicyId) -> Result<Policy> {
    let text = tx.draft(id)?.ok_or_else(|| no_policy(id))?;
    // Not `from_json`: the draft was written by us, so a failure here means
    // a damaged library, not a typo to point at.
    serde_json::from_str(&text).map_err(|e| {
        Error::new(ErrorKind::InvalidLibrary, msg!(keys::errors::DRAFT_UNREADABLE, id = id))
            .detail(Message::verbatim(e.to_string()))
            .hint(Message::new(keys::errors::DRAFT_UNREADABLE_HINT))
    })
}

fn ensure_policy(tx: &dyn Read, id: PolicyId) -> Result<()> {
    if tx.policy_exists(id)? { Ok(()) } else { Err(no_policy(id)) }
}

/// A version whose stored text still hashes to its recorded hash, parsed.
fn checked_version(tx: &dyn Read, id: PolicyId, label: Option<Label>) -> Result<Option<(VersionInfo, Policy)>> {
    let Some((info, content)) = tx.version(id, label)? else {
        return Ok(None);
    };
    let actual = sha256_hex(content.as_bytes());
    if actual != info.content_hash {
        return Err(Error::new(
            ErrorKind::InvalidLibrary,
            msg!(keys::errors::VERSION_DAMAGED, label = info.label.to_string(), id = id),
        )
        .detail(msg!(keys::errors::VERSION_HASHES, recorded = info.content_hash.as_str(), actual = actual))
        .hint(Message::new(keys::errors::RESTORE_HINT)));
    }
    let policy = serde_json::from_str(&content).map_err(|e| {
        Error::new(
            ErrorKind::InvalidLibrary,
            msg!(keys::errors::VERSION_UNREADABLE, label = info.label.to_string(), id = id),
        )
        .detail(Message::verbatim(e.to_string()))
        .hint(Message::new(keys::errors::VERSION_UNREADABLE_HINT))
    })?;
    Ok(Some((info, policy)))
}

/// Reads `MAJOR.MINOR`, or says how to write it.
/// The day a version published at `now` is due for review: its review
/// interval later, or none for a policy without a fixed cycle.
/// The library keeps the review date the published document states (see
/// `DocumentControl::review_due`), counted from the day of publishing only
/// when the policy has no effective date.
fn next_review(now: &str, document: &policywright_model::DocumentControl) -> String {
    document.review_due(Day::parse(now)).map(|day| day.to_string()).unwrap_or_default()
}

/// The name of who saves a version or changes a status, as the trail keeps
/// it: one line, without control characters, and never empty, since a
/// sign-off nobody can be named for is worth nothing.
fn person(name: &str, empty: policywright_i18n::Key) -> Result<String> {
    let name = Sanitized::text(name).as_str().split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err(Error::new(ErrorKind::InvalidArgument, Message::new(empty))
            .hint(Message::new(keys::errors::NAME_EMPTY_HINT)));
    }
    Ok(name)
}

pub fn parse_label(text: &str) -> Result<Label> {
    Label::parse(text).ok_or_else(|| {
        Error::new(ErrorKind::InvalidVersionLabel, msg!(keys::errors::NOT_A_LABEL, text = text))
            .hint(Message::new(keys::errors::NOT_A_LABEL_HINT))
    })
}

fn no_handbook(id: HandbookId) -> Error {
    Error::new(ErrorKind::NotFound, msg!(keys::errors::NO_HANDBOOK, id = id))
        .hint(Message::new(keys::errors::NO_HANDBOOK_HINT))
}

fn no_policy(id: PolicyId) -> Error {
    Error::new(ErrorKind::NotFound, msg!(keys::errors::NO_POLICY, id = id))
        .hint(Message::new(keys::errors::NO_POLICY_HINT))
}

/// Names the newest version, so the user sees which numbers exist.
fn no_version(tx: &dyn Read, id: PolicyId, label: Label) -> Error {
    let hint = match tx.newest_label(id) {
        Ok(Some(newest)) if newest == Label::FIRST => msg!(keys::errors::ONLY_VERSION, newest = newest.to_string()),
        Ok(Some(newest)) => msg!(keys::errors::VERSIONS_RUN, newest = newest.to_string()),
        _ => Message::new(keys::errors::NO_VERSIONS_YET),
    };
    Error::new(ErrorKind::NotFound, msg!(keys::errors::NO_VERSION, id = id, label = label.to_string())).hint(hint)
}

fn invalid_draft(id: PolicyId, report: &Report) -> Error {
    let count = report.errors().count();
    let mut err = Error::new(ErrorKind::InvalidPolicy, msg!(keys::errors::DRAFT_HAS_ERRORS, id = id, count = count));
    for d in report.errors() {
        err = err.detail(msg!(keys::errors::DIAGNOSTIC_LINE, path = d.path.as_str(), message = d.message.clone()));
        err = err.detail(msg!(keys::errors::HINT, hint = d.hint.clone()));
    }
    err.detail(Message::new(keys::errors::DRAFT_KEPT))
}

/// A status in words: "In review", "审核中".
pub fn status_word(status: Status) -> Message {
    use keys::choices::status as s;
    Message::new(match status {
        Status::Draft => s::DRAFT,
        Status::InReview => s::IN_REVIEW,
        Status::Approved => s::APPROVED,
        Status::Published => s::PUBLISHED,
        Status::Superseded => s::SUPERSEDED,
    })
}

fn bad_transition(id: PolicyId, label: Label, from: Status, to: Status) -> Error {
    let next = from.next();
    let allowed = if next.is_empty() {
        msg!(keys::errors::TRANSITION_FINAL, from = status_word(from))
    } else {
        let choices: Vec<Message> = next.iter().map(|s| msg!(keys::nouns::STATUS, word = status_word(*s))).collect();
        msg!(keys::errors::TRANSITION_NEXT, from = status_word(from), list = choices)
    };
    let err = Error::new(
        ErrorKind::InvalidTransition,
        msg!(
            keys::errors::BAD_TRANSITION,
            label = label.to_string(),
            id = id,
            from = status_word(from),
            to = status_word(to)
        ),
    )
    .detail(allowed);
    match from {
        Status::Approved | Status::Published | Status::Superseded => {
            err.hint(Message::new(keys::errors::TRANSITION_HINT))
        }
        Status::Draft | Status::InReview => err,
    }
}
