//! The version store: a library of policies in one SQLite file.
//!
//! Each policy has a *draft*, its working copy, which autosave overwrites at
//! will and which may be invalid, and *versions*: validated, numbered snapshots
//! (canonical JSON and its sha256) that the database itself refuses to change
//! or delete. A version moves through a sign-off workflow, draft → in-review →
//! approved → published → superseded, recorded in an append-only log.
//!
//! Every operation is one transaction. Writes begin with `BEGIN IMMEDIATE`, so
//! two processes saving at once queue on the write lock (up to
//! [`BUSY_TIMEOUT`]) instead of deadlocking, and past it get a
//! [`ErrorCode::Busy`] error. A crash at any moment leaves every version whose
//! save returned, and the last draft whose save returned or a newer one.
//!
//! The store is the one part of the core that touches the disk, because SQLite
//! owns the file. Times still come in as arguments (`now`).

mod open;
mod types;

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, Row, Transaction, TransactionBehavior, params};

use crate::error::{Error, ErrorCode, Result};
use crate::model::validate::{Report, validate};
use crate::model::{Policy, Revision};

pub use open::{BUSY_TIMEOUT, SCHEMA_VERSION};
pub use types::{Bump, Label, PolicyId, PolicySummary, SaveOutcome, Status, VersionInfo};

/// An open library. Reads take `&self`; writes take `&mut self` and are each
/// one transaction.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    /// How errors name the library: its path, or "(in memory)".
    at: String,
}

/// `?` for SQLite results, naming the library in the error.
trait OrDb<T> {
    fn db(self, at: &str) -> Result<T>;
}

impl<T> OrDb<T> for rusqlite::Result<T> {
    fn db(self, at: &str) -> Result<T> {
        self.map_err(|e| open::db_error(at, e))
    }
}

/// The columns of `version_list` that make a [`VersionInfo`], in the order
/// `version_info_row` reads them.
const INFO_COLUMNS: &str = "policy_id, major, minor, status, author, note, created_at, effective_date, content_hash";

impl Store {
    /// Opens the library at `path`, creating it if missing and bringing its
    /// schema up to date. A file that is not a library, is damaged or was
    /// written by a newer Policywright is refused and left untouched.
    pub fn open(path: &Path) -> Result<Store> {
        let at = path.display().to_string();
        let mut conn = open::open_file(path, &at)?;
        open::configure(&conn, &at)?;
        open::migrate(&mut conn, &at)?;
        Ok(Store { conn, at })
    }

    /// A library that lives as long as the value, for tests and previews.
    pub fn open_in_memory() -> Result<Store> {
        let at = "(in memory)".to_string();
        let mut conn = Connection::open_in_memory().db(&at)?;
        open::configure(&conn, &at)?;
        open::migrate(&mut conn, &at)?;
        Ok(Store { conn, at })
    }

    /// How long a write waits for another process's save before giving up
    /// with [`ErrorCode::Busy`]; [`BUSY_TIMEOUT`] unless changed.
    pub fn set_busy_timeout(&self, timeout: Duration) -> Result<()> {
        self.conn.busy_timeout(timeout).db(&self.at)
    }

    /// Adds a policy to the library; its content becomes the draft.
    pub fn import(&mut self, policy: &Policy, now: &str) -> Result<PolicyId> {
        let draft = draft_json(policy)?;
        self.write(|tx, at| {
            tx.execute(
                "INSERT INTO policies (title, draft, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)",
                params![policy.document.title, draft, now],
            )
            .db(at)?;
            Ok(tx.last_insert_rowid())
        })
    }

    /// Replaces the draft. Never refused for what the policy says: autosave
    /// must not lose work, and a draft is allowed to be invalid.
    pub fn set_draft(&mut self, id: PolicyId, policy: &Policy, now: &str) -> Result<()> {
        let draft = draft_json(policy)?;
        self.write(|tx, at| {
            let changed = tx
                .execute(
                    "UPDATE policies SET title = ?2, draft = ?3, updated_at = ?4 WHERE id = ?1",
                    params![id, policy.document.title, draft, now],
                )
                .db(at)?;
            if changed == 0 {
                return Err(no_policy(id));
            }
            Ok(())
        })
    }

    /// The current draft.
    pub fn draft(&self, id: PolicyId) -> Result<Policy> {
        self.read(|conn, at| read_draft(conn, at, id))
    }

    /// Hides a policy from [`Store::list`]; its draft and versions stay, and
    /// it can still be edited and saved (an open window may be autosaving it).
    pub fn archive(&mut self, id: PolicyId) -> Result<()> {
        self.set_archived(id, true)
    }

    /// Undoes [`Store::archive`].
    pub fn restore(&mut self, id: PolicyId) -> Result<()> {
        self.set_archived(id, false)
    }

    fn set_archived(&mut self, id: PolicyId, archived: bool) -> Result<()> {
        self.write(|tx, at| {
            let changed =
                tx.execute("UPDATE policies SET archived = ?2 WHERE id = ?1", params![id, archived]).db(at)?;
            if changed == 0 {
                return Err(no_policy(id));
            }
            Ok(())
        })
    }

    /// The policies in the library by number, with their newest version.
    pub fn list(&self, include_archived: bool) -> Result<Vec<PolicySummary>> {
        self.read(|conn, at| {
            let mut stmt = conn
                .prepare(
                    "SELECT p.id, p.title, p.archived, p.updated_at, l.major, l.minor, l.status
                     FROM policies p
                     LEFT JOIN version_list l ON l.id = (
                         SELECT v.id FROM versions v WHERE v.policy_id = p.id
                         ORDER BY v.major DESC, v.minor DESC LIMIT 1)
                     WHERE ?1 OR p.archived = 0
                     ORDER BY p.id",
                )
                .db(at)?;
            let rows = stmt.query_map([include_archived], |row| {
                let major: Option<u32> = row.get(4)?;
                let minor: Option<u32> = row.get(5)?;
                Ok(PolicySummary {
                    id: row.get(0)?,
                    title: row.get(1)?,
                    archived: row.get(2)?,
                    updated_at: row.get(3)?,
                    latest: major.zip(minor).map(|(major, minor)| Label { major, minor }),
                    status: row.get(6)?,
                })
            });
            rows.and_then(Iterator::collect).db(at)
        })
    }

    /// Saves the draft as a new version, numbered from the latest with
    /// `bump` (the first is 1.0). Refused with [`ErrorCode::InvalidPolicy`]
    /// when the draft has validation errors; the draft itself stays. When the
    /// draft equals the latest version, nothing is saved and that version is
    /// returned with `unchanged: true`.
    pub fn save_version(
        &mut self,
        id: PolicyId,
        bump: Bump,
        author: &str,
        note: &str,
        now: &str,
    ) -> Result<SaveOutcome> {
        self.write(|tx, at| {
            let policy = read_draft(tx, at, id)?;
            let report = validate(&policy);
            if report.has_errors() {
                return Err(invalid_draft(id, &report));
            }
            let warnings = report.warnings().cloned().collect();
            // The text `model::content_hash` hashes, made once for both the
            // hash and the stored content (the tests check that they agree).
            let content = canonical_json(&policy)?;
            let hash = sha256_hex(&content);
            let latest = tx
                .query_row(
                    "SELECT major, minor, content_hash FROM versions WHERE policy_id = ?1
                     ORDER BY major DESC, minor DESC LIMIT 1",
                    [id],
                    |row| Ok((Label { major: row.get(0)?, minor: row.get(1)? }, row.get::<_, String>(2)?)),
                )
                .optional()
                .db(at)?;
            // Comparing hashes is enough: equal hashes mean equal canonical JSON.
            if let Some((label, latest_hash)) = &latest
                && *latest_hash == hash
            {
                let version = version_info(tx, at, id, *label)?.ok_or_else(|| no_version(tx, id, *label))?;
                return Ok(SaveOutcome { version, unchanged: true, warnings });
            }
            let label = latest.map_or(Label::FIRST, |(label, _)| label.bumped(bump));
            let effective_date = policy.document.effective_date.clone();
            tx.execute(
                "INSERT INTO versions
                     (policy_id, major, minor, author, note, created_at, effective_date, content_hash, content)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![id, label.major, label.minor, author, note, now, effective_date, hash, content],
            )
            .db(at)?;
            tx.execute("UPDATE policies SET updated_at = ?2 WHERE id = ?1", params![id, now]).db(at)?;
            let version = VersionInfo {
                policy: id,
                label,
                status: Status::Draft,
                author: author.to_string(),
                note: note.to_string(),
                created_at: now.to_string(),
                effective_date,
                content_hash: hash,
            };
            Ok(SaveOutcome { version, unchanged: false, warnings })
        })
    }

    /// Moves version `label` to status `to`, recording who and when.
    /// Publishing a version supersedes the policy's other published version.
    pub fn set_status(&mut self, id: PolicyId, label: &str, to: Status, by: &str, now: &str) -> Result<()> {
        let label = parse_label(label)?;
        self.write(|tx, at| {
            ensure_policy(tx, at, id)?;
            let (version_id, from): (i64, Status) = tx
                .query_row(
                    "SELECT id, status FROM version_list WHERE policy_id = ?1 AND major = ?2 AND minor = ?3",
                    params![id, label.major, label.minor],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()
                .db(at)?
                .ok_or_else(|| no_version(tx, id, label))?;
            if !from.can_go_to(to) {
                return Err(bad_transition(id, label, from, to));
            }
            let record = |version: i64, from: Status, to: Status| {
                tx.execute(
                    "INSERT INTO status_events (version_id, from_status, to_status, changed_by, changed_at)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![version, from.code(), to.code(), by, now],
                )
                .db(at)
            };
            if to == Status::Published {
                let published: Vec<i64> = tx
                    .prepare("SELECT id FROM version_list WHERE policy_id = ?1 AND status = 'published' AND id <> ?2")
                    .and_then(|mut stmt| stmt.query_map(params![id, version_id], |row| row.get(0))?.collect())
                    .db(at)?;
                for other in published {
                    record(other, Status::Published, Status::Superseded)?;
                }
            }
            record(version_id, from, to)?;
            tx.execute("UPDATE policies SET updated_at = ?2 WHERE id = ?1", params![id, now]).db(at)?;
            Ok(())
        })
    }

    /// Every version of the policy, oldest first.
    pub fn history(&self, id: PolicyId) -> Result<Vec<VersionInfo>> {
        self.read(|conn, at| {
            ensure_policy(conn, at, id)?;
            let mut stmt = conn
                .prepare(&format!("SELECT {INFO_COLUMNS} FROM version_list WHERE policy_id = ?1 ORDER BY major, minor"))
                .db(at)?;
            let rows = stmt.query_map([id], version_info_row);
            rows.and_then(Iterator::collect).db(at)
        })
    }

    /// One version and its content, checked against its hash.
    pub fn version(&self, id: PolicyId, label: &str) -> Result<(VersionInfo, Policy)> {
        let label = parse_label(label)?;
        self.read(|conn, at| {
            ensure_policy(conn, at, id)?;
            read_version(conn, at, id, Some(label))?.ok_or_else(|| no_version(conn, id, label))
        })
    }

    /// The editor's way to save: the policy becomes the draft, then a
    /// version, in that order, so that a refused version still keeps the draft.
    pub fn save_as_version(
        &mut self,
        id: PolicyId,
        policy: &Policy,
        bump: Bump,
        author: &str,
        note: &str,
        now: &str,
    ) -> Result<SaveOutcome> {
        self.set_draft(id, policy, now)?;
        self.save_version(id, bump, author, note, now)
    }

    /// A version's policy with the revision history taken from the stored
    /// versions up to and including it, so every export tells the same history.
    pub fn version_with_history(&self, id: PolicyId, label: Option<&str>) -> Result<(VersionInfo, Policy)> {
        let (info, mut policy) = match label {
            Some(label) => self.version(id, label)?,
            None => self.latest(id)?.ok_or_else(|| {
                Error::new(ErrorCode::NotFound, format!("policy {id} has no saved version"))
                    .with_detail(format!("hint: save one first with `policywright save {id} --note … --author …`"))
            })?,
        };
        policy.document.revisions = self
            .history(id)?
            .into_iter()
            .filter(|v| v.label <= info.label)
            .map(|v| Revision {
                version: v.label.to_string(),
                date: v.created_at.chars().take(10).collect(),
                author: v.author,
                summary: v.note,
            })
            .collect();
        Ok((info, policy))
    }

    /// The newest version and its content, checked against its hash; `None`
    /// before the first save.
    pub fn latest(&self, id: PolicyId) -> Result<Option<(VersionInfo, Policy)>> {
        self.read(|conn, at| {
            ensure_policy(conn, at, id)?;
            read_version(conn, at, id, None)
        })
    }

    /// Runs `op` in a write transaction, taken at once (`BEGIN IMMEDIATE`):
    /// a transaction that read first and wrote later could meet another
    /// writer in between and fail without waiting.
    fn write<T>(&mut self, op: impl FnOnce(&Transaction<'_>, &str) -> Result<T>) -> Result<T> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).db(&self.at)?;
        let value = op(&tx, &self.at)?;
        tx.commit().db(&self.at)?;
        Ok(value)
    }

    /// Runs `op` in a read transaction, so that its queries see one snapshot.
    fn read<T>(&self, op: impl FnOnce(&Connection, &str) -> Result<T>) -> Result<T> {
        let tx = self.conn.unchecked_transaction().db(&self.at)?;
        let value = op(&tx, &self.at)?;
        tx.commit().db(&self.at)?;
        Ok(value)
    }
}

fn draft_json(policy: &Policy) -> Result<String> {
    serde_json::to_string(policy).map_err(|e| {
        Error::new(ErrorCode::InvalidJson, "the policy cannot be written as JSON").with_detail(e.to_string())
    })
}

/// The form a version is stored in: what `model::content_hash` hashes.
fn canonical_json(policy: &Policy) -> Result<String> {
    serde_json::to_value(policy).map(|value| value.to_string()).map_err(|e| {
        Error::new(ErrorCode::InvalidJson, "the policy cannot be written as JSON").with_detail(e.to_string())
    })
}

fn sha256_hex(text: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

fn read_draft(conn: &Connection, at: &str, id: PolicyId) -> Result<Policy> {
    let text: String = conn
        .query_row("SELECT draft FROM policies WHERE id = ?1", [id], |row| row.get(0))
        .optional()
        .db(at)?
        .ok_or_else(|| no_policy(id))?;
    // Not `model::from_json`: the draft was serialised by us, so a failure
    // here means a damaged file, not a typo to point at.
    serde_json::from_str(&text).map_err(|e| {
        Error::new(ErrorCode::InvalidLibrary, format!("the draft of policy {id} cannot be read"))
            .with_detail(e.to_string())
            .with_detail("hint: restore the library from a backup, or import the policy again")
    })
}

fn ensure_policy(conn: &Connection, at: &str, id: PolicyId) -> Result<()> {
    let found = conn.query_row("SELECT 1 FROM policies WHERE id = ?1", [id], |_| Ok(())).optional().db(at)?;
    found.ok_or_else(|| no_policy(id))
}

fn version_info_row(row: &Row<'_>) -> rusqlite::Result<VersionInfo> {
    Ok(VersionInfo {
        policy: row.get(0)?,
        label: Label { major: row.get(1)?, minor: row.get(2)? },
        status: row.get(3)?,
        author: row.get(4)?,
        note: row.get(5)?,
        created_at: row.get(6)?,
        effective_date: row.get(7)?,
        content_hash: row.get(8)?,
    })
}

fn version_info(conn: &Connection, at: &str, id: PolicyId, label: Label) -> Result<Option<VersionInfo>> {
    conn.query_row(
        &format!("SELECT {INFO_COLUMNS} FROM version_list WHERE policy_id = ?1 AND major = ?2 AND minor = ?3"),
        params![id, label.major, label.minor],
        version_info_row,
    )
    .optional()
    .db(at)
}

/// Reads version `label` of a policy, or its newest with `None`, and checks
/// the stored text against the stored hash before parsing it.
fn read_version(
    conn: &Connection,
    at: &str,
    id: PolicyId,
    label: Option<Label>,
) -> Result<Option<(VersionInfo, Policy)>> {
    let which = if label.is_some() { "l.major = ?2 AND l.minor = ?3" } else { "?2 IS NULL AND ?3 IS NULL" };
    let columns = INFO_COLUMNS.split(", ").map(|c| format!("l.{c}")).collect::<Vec<_>>().join(", ");
    let found = conn
        .query_row(
            &format!(
                "SELECT {columns}, v.content FROM version_list l JOIN versions v ON v.id = l.id
                 WHERE l.policy_id = ?1 AND {which}
                 ORDER BY l.major DESC, l.minor DESC LIMIT 1"
            ),
            params![id, label.map(|l| l.major), label.map(|l| l.minor)],
            |row| Ok((version_info_row(row)?, row.get::<_, String>(9)?)),
        )
        .optional()
        .db(at)?;
    let Some((info, content)) = found else {
        return Ok(None);
    };
    let actual = sha256_hex(&content);
    if actual != info.content_hash {
        return Err(Error::new(
            ErrorCode::InvalidLibrary,
            format!("version {} of policy {id} is damaged: its content does not match its hash", info.label),
        )
        .with_detail(format!("recorded sha256 {}, content hashes to {actual}", info.content_hash))
        .with_detail("hint: restore the library from a backup"));
    }
    let policy = serde_json::from_str(&content).map_err(|e| {
        Error::new(ErrorCode::InvalidLibrary, format!("version {} of policy {id} cannot be read", info.label))
            .with_detail(e.to_string())
            .with_detail("hint: it may come from a newer Policywright; update Policywright to read it")
    })?;
    Ok(Some((info, policy)))
}

fn parse_label(text: &str) -> Result<Label> {
    Label::parse(text).ok_or_else(|| {
        Error::new(ErrorCode::NotFound, format!("\"{text}\" is not a version number"))
            .with_detail("hint: write it as MAJOR.MINOR, e.g. 1.2")
    })
}

fn no_policy(id: PolicyId) -> Error {
    Error::new(ErrorCode::NotFound, format!("there is no policy {id} in the library"))
        .with_detail("hint: list the library to see the numbers of its policies")
}

/// Names the newest version, so the user sees which numbers exist.
fn no_version(conn: &Connection, id: PolicyId, label: Label) -> Error {
    let newest = conn
        .query_row(
            "SELECT major, minor FROM versions WHERE policy_id = ?1 ORDER BY major DESC, minor DESC LIMIT 1",
            [id],
            |row| Ok(Label { major: row.get(0)?, minor: row.get(1)? }),
        )
        .optional();
    let detail = match newest {
        Ok(Some(newest)) => format!("hint: its versions run from 1.0 to {newest}; the history lists them"),
        Ok(None) => "hint: it has no versions yet; save the draft as a version first".to_string(),
        Err(_) => "hint: the history lists its versions".to_string(),
    };
    Error::new(ErrorCode::NotFound, format!("policy {id} has no version {label}")).with_detail(detail)
}

fn invalid_draft(id: PolicyId, report: &Report) -> Error {
    let count = report.errors().count();
    let plural = if count == 1 { "" } else { "s" };
    let mut err = Error::new(
        ErrorCode::InvalidPolicy,
        format!("policy {id} cannot be saved as a version: its draft has {count} error{plural}"),
    );
    for d in report.errors() {
        err = err.with_detail(format!("{}: {}", d.path, d.message));
        if !d.hint.is_empty() {
            err = err.with_detail(format!("hint: {}", d.hint));
        }
    }
    err.with_detail("the draft is kept as it is; fix it, then save again")
}

fn bad_transition(id: PolicyId, label: Label, from: Status, to: Status) -> Error {
    let next = from.next();
    let allowed = if next.is_empty() {
        format!("{from} is the final status; it does not change any more")
    } else {
        let names: Vec<&str> = next.iter().map(|s| s.code()).collect();
        format!("from {from} it can go to: {}", names.join(", "))
    };
    let err = Error::new(
        ErrorCode::InvalidTransition,
        format!("version {label} of policy {id} cannot go from {from} to {to}"),
    )
    .with_detail(allowed);
    match from {
        Status::Approved | Status::Published | Status::Superseded => {
            err.with_detail("hint: to change an approved text, edit the draft and save a new version")
        }
        Status::Draft | Status::InReview => err,
    }
}
