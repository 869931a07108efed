//! Copying one library into another (`library copy`): a desktop's file to a
//! team's server. Every policy with its draft, archive flag and next review
//! date, every version and status change with its own author and time, and
//! every handbook, in one transaction on the target, checked on arrival.
//!
//! A policy the target already holds with the same draft and the same
//! trail, or a handbook with the same title and definition, is not copied
//! again, so a second run is a no-op. Policies get the target's next
//! numbers; their trails are chained again under those numbers, each record
//! with the same fields.

use policywright_i18n::{Error, ErrorKind, Message, Result, keys, msg};
use policywright_model::sha256_hex;

use crate::trail::{self, Entry, Head, Link};
use crate::{Label, Library, Listing, NewStatusEvent, NewVersion, PolicyId, PolicySummary, Read, Write};

/// What a copy did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Copied {
    pub policies: usize,
    pub versions: usize,
    pub events: usize,
    pub handbooks: usize,
    /// Policies and handbooks the target held already.
    pub skipped: usize,
}

/// One policy as the source holds it.
struct Source {
    summary: PolicySummary,
    draft: String,
    entries: Vec<Entry>,
    /// The content of each version, by label.
    contents: Vec<(Label, String)>,
}

struct Book {
    title: String,
    definition: String,
    created_at: String,
    updated_at: String,
    build: Option<(String, String)>,
}

impl Library {
    /// Copies this library into `to` (see the module's documentation). A
    /// damaged source is refused before anything is written.
    pub fn copy_to(&self, to: &mut Library) -> Result<Copied> {
        for (id, damage) in self.check_all()? {
            if let Some(first) = damage.first() {
                return Err(Error::new(ErrorKind::InvalidLibrary, first.message(id))
                    .hint(Message::new(keys::errors::RESTORE_DAMAGED_HINT)));
            }
        }
        let (policies, books) = self.read(|tx| Ok((read_policies(tx)?, read_books(tx)?)))?;
        to.write(|tx| {
            tx.keep_history()?;
            let mut copied = Copied::default();
            let held = held_policies(tx)?;
            for policy in &policies {
                if held.iter().any(|(draft, entries)| *draft == policy.draft && *entries == policy.entries) {
                    copied.skipped += 1;
                    continue;
                }
                write_policy(tx, policy, &mut copied)?;
            }
            let held = tx.handbooks()?;
            for book in &books {
                let mut there = false;
                for row in &held {
                    if row.title == book.title
                        && tx.handbook(row.id)?.is_some_and(|stored| stored.definition == book.definition)
                    {
                        there = true;
                    }
                }
                if there {
                    copied.skipped += 1;
                    continue;
                }
                let id = tx.insert_handbook(&book.title, &book.definition, &book.created_at)?;
                tx.update_handbook(id, &book.title, &book.definition, &book.updated_at)?;
                if let Some((build, at)) = &book.build {
                    tx.record_handbook_build(id, build, at)?;
                }
                copied.handbooks += 1;
            }
            Ok(copied)
        })
    }
}

fn read_policies(tx: &dyn Read) -> Result<Vec<Source>> {
    let mut out = Vec::new();
    for summary in tx.list(true)? {
        let id = summary.id;
        let draft = tx.draft(id)?.ok_or_else(|| Error::internal("a listed policy has no draft"))?;
        let entries: Vec<Entry> = tx.trail(id)?.into_iter().map(|l| l.entry).collect();
        let mut contents = Vec::new();
        for entry in &entries {
            if let Entry::Version { label, .. } = entry {
                let (_, content) = tx.version(id, Some(*label))?.ok_or_else(|| missing(id, *label))?;
                contents.push((*label, content));
            }
        }
        out.push(Source { summary, draft, entries, contents });
    }
    Ok(out)
}

fn read_books(tx: &dyn Read) -> Result<Vec<Book>> {
    let mut out = Vec::new();
    for row in tx.handbooks()? {
        let Some(stored) = tx.handbook(row.id)? else { continue };
        let build = stored.last_build.zip(stored.row.built_at.clone());
        out.push(Book {
            title: stored.row.title,
            definition: stored.definition,
            created_at: stored.row.created_at,
            updated_at: stored.row.updated_at,
            build,
        });
    }
    Ok(out)
}

/// The target's policies as drafts and trails, to know what it holds.
fn held_policies(tx: &dyn Read) -> Result<Vec<(String, Vec<Entry>)>> {
    let mut out = Vec::new();
    for p in tx.list(true)? {
        let draft = tx.draft(p.id)?.unwrap_or_default();
        out.push((draft, tx.trail(p.id)?.into_iter().map(|l| l.entry).collect()));
    }
    Ok(out)
}

fn write_policy(tx: &mut dyn Write, policy: &Source, copied: &mut Copied) -> Result<()> {
    let s = &policy.summary;
    let listing = Listing { title: &s.title, number: &s.number };
    let id = tx.insert_policy(&listing, &policy.draft, &s.updated_at)?;
    let mut prev = String::new();
    for (seq, entry) in (1..).zip(&policy.entries) {
        let chain_hash = trail::chain(&prev, id, seq, entry);
        match entry {
            Entry::Version { label, author, note, created_at, effective_date, content_hash } => {
                let content = policy.contents.iter().find(|(l, _)| l == label).map(|(_, c)| c.as_str());
                let content = content.ok_or_else(|| missing(s.id, *label))?;
                tx.insert_version(&NewVersion {
                    policy: id,
                    seq,
                    chain_hash: &chain_hash,
                    label: *label,
                    author,
                    display_name: author,
                    note,
                    created_at,
                    effective_date,
                    content_hash,
                    content,
                })?;
                copied.versions += 1;
            }
            Entry::Status { label, from, to, by, at } => {
                tx.insert_status_event(&NewStatusEvent {
                    policy: id,
                    seq,
                    chain_hash: &chain_hash,
                    label: *label,
                    from: *from,
                    to: *to,
                    by,
                    display_name: by,
                    at,
                })?;
                copied.events += 1;
            }
        }
        prev = chain_hash;
    }
    tx.set_archived(id, s.archived)?;
    tx.set_next_review(id, s.next_review.as_deref().unwrap_or_default())?;
    tx.touch(id, &s.updated_at)?;
    check_arrival(tx, id, policy)?;
    copied.policies += 1;
    Ok(())
}

/// What arrived is what left: every version's content hashes to its
/// recorded hash and equals the source's, and the new trail is whole.
fn check_arrival(tx: &dyn Read, id: PolicyId, policy: &Source) -> Result<()> {
    for (label, content) in &policy.contents {
        let (info, stored) = tx.version(id, Some(*label))?.ok_or_else(|| missing(id, *label))?;
        let actual = sha256_hex(stored.as_bytes());
        if actual != info.content_hash || stored != *content {
            return Err(Error::new(
                ErrorKind::InvalidLibrary,
                msg!(keys::errors::VERSION_DAMAGED, label = label.to_string(), id = id),
            )
            .detail(msg!(keys::errors::VERSION_HASHES, recorded = info.content_hash.as_str(), actual = actual))
            .hint(Message::new(keys::errors::RESTORE_HINT)));
        }
    }
    let head: Head = tx.trail_head(id)?.unwrap_or_default();
    let links: Vec<Link> = tx.trail(id)?;
    if let Some(damage) = trail::verify(id, &head, &links).first() {
        return Err(
            Error::new(ErrorKind::InvalidLibrary, damage.message(id)).hint(Message::new(keys::errors::RESTORE_HINT))
        );
    }
    Ok(())
}

fn missing(id: PolicyId, label: Label) -> Error {
    Error::new(ErrorKind::NotFound, msg!(keys::errors::NO_VERSION, id = id, label = label.to_string()))
        .hint(Message::new(keys::errors::RESTORE_HINT))
}
