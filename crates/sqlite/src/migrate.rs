//! The Rust half of migration 0002: the versions and status events of each
//! policy copied into the new tables, with their content compressed and
//! their trail (places and chain hashes) computed.

use policywright_i18n::{Error, ErrorKind, Message, Result, keys, msg};
use policywright_store::{Entry, Label, Status, trail};
use rusqlite::{Transaction, params};

use crate::content;
use crate::open::db_error;

struct OldVersion {
    id: i64,
    label: Label,
    author: String,
    note: String,
    created_at: String,
    effective_date: String,
    content_hash: String,
    content: String,
}

struct OldEvent {
    id: i64,
    version_id: i64,
    label: Label,
    from: String,
    to: String,
    by: String,
    at: String,
}

pub fn fill_trail(tx: &Transaction<'_>, at: &str) -> Result<()> {
    let db = |e| db_error(at, e);
    let ids: Vec<i64> = {
        let mut stmt = tx.prepare("SELECT id FROM policies ORDER BY id").map_err(db)?;
        stmt.query_map([], |row| row.get(0)).and_then(Iterator::collect).map_err(db)?
    };
    for policy in ids {
        let versions: Vec<OldVersion> = {
            let mut stmt = tx
                .prepare(
                    "SELECT id, major, minor, author, note, created_at, effective_date, content_hash, content
                     FROM versions WHERE policy_id = ?1 ORDER BY id",
                )
                .map_err(db)?;
            stmt.query_map([policy], |row| {
                Ok(OldVersion {
                    id: row.get(0)?,
                    label: Label { major: row.get(1)?, minor: row.get(2)? },
                    author: row.get(3)?,
                    note: row.get(4)?,
                    created_at: row.get(5)?,
                    effective_date: row.get(6)?,
                    content_hash: row.get(7)?,
                    content: row.get(8)?,
                })
            })
            .and_then(Iterator::collect)
            .map_err(db)?
        };
        let events: Vec<OldEvent> = {
            let mut stmt = tx
                .prepare(
                    "SELECT e.id, e.version_id, v.major, v.minor, e.from_status, e.to_status, e.changed_by,
                            e.changed_at
                     FROM status_events e JOIN versions v ON v.id = e.version_id
                     WHERE v.policy_id = ?1 ORDER BY e.id",
                )
                .map_err(db)?;
            stmt.query_map([policy], |row| {
                Ok(OldEvent {
                    id: row.get(0)?,
                    version_id: row.get(1)?,
                    label: Label { major: row.get(2)?, minor: row.get(3)? },
                    from: row.get(4)?,
                    to: row.get(5)?,
                    by: row.get(6)?,
                    at: row.get(7)?,
                })
            })
            .and_then(Iterator::collect)
            .map_err(db)?
        };

        // The records in the order they happened: each event after its own
        // version and after every version saved before it.
        let mut seq = 0u64;
        let mut prev = String::new();
        let mut issued = None;
        let mut next_version = 0;
        let place_version = |v: &OldVersion, seq: &mut u64, prev: &mut String| -> Result<()> {
            *seq += 1;
            let entry = Entry::Version {
                label: v.label,
                author: v.author.clone(),
                note: v.note.clone(),
                created_at: v.created_at.clone(),
                effective_date: v.effective_date.clone(),
                content_hash: v.content_hash.clone(),
            };
            let hash = trail::chain(prev, policy, *seq, &entry);
            tx.execute(
                "INSERT INTO versions_2 (id, policy_id, seq, major, minor, author, note, created_at, effective_date,
                                         content_hash, chain_hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                params![
                    v.id,
                    policy,
                    *seq,
                    v.label.major,
                    v.label.minor,
                    v.author,
                    v.note,
                    v.created_at,
                    v.effective_date,
                    v.content_hash,
                    hash
                ],
            )
            .map_err(|e| db_error(at, e))?;
            tx.execute(
                "INSERT INTO version_contents (version_id, content) VALUES (?1, ?2)",
                params![v.id, content::pack(&v.content)],
            )
            .map_err(|e| db_error(at, e))?;
            *prev = hash;
            Ok(())
        };
        for event in &events {
            while let Some(v) = versions.get(next_version) {
                if v.id > event.version_id && v.created_at > event.at {
                    break;
                }
                place_version(v, &mut seq, &mut prev)?;
                issued = issued.max(Some(v.label));
                next_version += 1;
            }
            let status = |text: &str| {
                Status::parse(text).ok_or_else(|| {
                    Error::new(ErrorKind::InvalidLibrary, msg!(keys::errors::LIBRARY_DAMAGED, path = at))
                        .detail(msg!(keys::errors::LIBRARY_UNEXPECTED, reason = format!("unknown status \"{text}\"")))
                        .hint(Message::new(keys::errors::RESTORE_HINT))
                })
            };
            seq += 1;
            let entry = Entry::Status {
                label: event.label,
                from: status(&event.from)?,
                to: status(&event.to)?,
                by: event.by.clone(),
                at: event.at.clone(),
            };
            let hash = trail::chain(&prev, policy, seq, &entry);
            tx.execute(
                "INSERT INTO status_events_2 (id, version_id, policy_id, seq, from_status, to_status, changed_by,
                                              changed_at, chain_hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![event.id, event.version_id, policy, seq, event.from, event.to, event.by, event.at, hash],
            )
            .map_err(db)?;
            prev = hash;
        }
        for v in &versions[next_version..] {
            place_version(v, &mut seq, &mut prev)?;
            issued = issued.max(Some(v.label));
        }
        let issued = issued.unwrap_or(Label { major: 0, minor: 0 });
        tx.execute(
            "UPDATE policies SET trail_seq = ?2, trail_head = ?3, issued_major = ?4, issued_minor = ?5 WHERE id = ?1",
            params![policy, seq, prev, issued.major, issued.minor],
        )
        .map_err(db)?;
    }
    Ok(())
}
