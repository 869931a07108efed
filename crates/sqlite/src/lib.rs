//! The library in one SQLite file, on the desktop.
//!
//! - WAL and `synchronous = FULL`: a commit is one append to the log, which
//!   a crash either completes or discards, and a save that returned survives
//!   a power cut.
//! - Writes begin with `BEGIN IMMEDIATE`, so two processes saving at once
//!   queue on the write lock (up to [`BUSY_TIMEOUT`]) instead of deadlocking,
//!   and past it get a busy error.
//! - Numbered migrations in `migrations/*.sql`; a newer, foreign or damaged
//!   file is refused and left untouched.
//! - Triggers make versions and status events immutable, for every program
//!   that opens the file.
//!
//! The rules (validation, numbering, hashes) are not here: they are
//! `policywright-store`'s, above the [`Backend`] trait this implements.

mod content;
mod migrate;
mod open;
mod wal;

use std::path::Path;
use std::time::Duration;

use policywright_i18n::{Message, Result, keys};
use policywright_store::{
    Backend, DraftStamp, Entry, HandbookId, HandbookRow, Head, Label, Link, Listing, NewStatusEvent, NewVersion,
    PolicyId, PolicySummary, Read, Status, StoredHandbook, VersionInfo, Write,
};
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};

pub use open::{BUSY_TIMEOUT, SCHEMA_VERSION};

/// An open library file.
#[derive(Debug)]
pub struct Sqlite {
    conn: Connection,
    /// How errors name the library: its path, or "(in memory)".
    at: String,
    /// What opening it found that the user should know.
    notices: Vec<policywright_i18n::Error>,
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

impl Sqlite {
    /// Opens the library at `path`, creating it if missing and bringing its
    /// schema up to date. A file that is not a library, is damaged or was
    /// written by a newer Policywright is refused and left untouched.
    ///
    /// Before a migration, a library with data is copied to
    /// `library.sqlite.vN.bak` (N its schema version).
    pub fn open(path: &Path) -> Result<Sqlite> {
        Sqlite::open_on(path, None)
    }

    /// [`Sqlite::open`], and on the first open of `today` (`YYYY-MM-DD`) the
    /// library is also copied to `library.sqlite.bak`.
    pub fn open_on(path: &Path, today: Option<&str>) -> Result<Sqlite> {
        let at = path.display().to_string();
        let opened = open::open_file(path, &at)?;
        let mut conn = opened.conn;
        let mut notices = opened.notices;
        if !opened.read_only {
            open::configure(&conn, &at)?;
            let before = open::user_version(&conn, &at)?;
            let backup = wal::companion(path, &format!(".v{before}.bak"));
            open::migrate(&mut conn, &at, Some(&backup))?;
        } else if open::user_version(&conn, &at)? < SCHEMA_VERSION {
            // An older library needs its migration, which needs writing.
            return Err(open::read_only_older(&at));
        }
        if !opened.schema_checked {
            open::check_schema(&conn, &at)?;
        }
        open::finish(&conn, &at)?;
        if let (Some(today), false) = (today, opened.read_only) {
            notices.extend(open::daily_backup(&conn, path, today, &at)?);
        }
        Ok(Sqlite { conn, at, notices })
    }

    /// A library that lives as long as the value, for tests and previews.
    pub fn open_in_memory() -> Result<Sqlite> {
        let at = Message::new(keys::errors::LIBRARY_IN_MEMORY).to_string();
        let mut conn = Connection::open_in_memory().db(&at)?;
        open::configure(&conn, &at)?;
        open::migrate(&mut conn, &at, None)?;
        Ok(Sqlite { conn, at, notices: Vec::new() })
    }

    /// Reads every page of the file (`PRAGMA integrity_check`), as
    /// `library check` does.
    pub fn check_pages(&self) -> Result<()> {
        open::quick_check(&self.conn, &self.at)
    }

    /// How long a write waits for another process's save before giving up
    /// with a busy error; [`BUSY_TIMEOUT`] unless changed.
    pub fn set_busy_timeout(&self, timeout: Duration) -> Result<()> {
        self.conn.busy_timeout(timeout).db(&self.at)
    }
}

impl Backend for Sqlite {
    fn notices(&self) -> Vec<policywright_i18n::Error> {
        self.notices.clone()
    }

    fn check_storage(&self) -> Result<()> {
        self.check_pages()
    }

    fn read(&self, action: &mut dyn FnMut(&dyn Read) -> Result<()>) -> Result<()> {
        // A read transaction, so that the action's queries see one snapshot.
        let tx = self.conn.unchecked_transaction().db(&self.at)?;
        action(&Tx { conn: &tx, at: &self.at })?;
        tx.commit().db(&self.at)
    }

    fn write(&mut self, action: &mut dyn FnMut(&mut dyn Write) -> Result<()>) -> Result<()> {
        // Taken at once: a transaction that read first and wrote later could
        // meet another writer in between and fail without waiting.
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).db(&self.at)?;
        action(&mut Tx { conn: &tx, at: &self.at })?;
        tx.commit().db(&self.at)
    }
}

struct Tx<'a> {
    conn: &'a Connection,
    at: &'a str,
}

/// The columns of `version_list` that make a [`VersionInfo`], in the order
/// `version_info` reads them.
const INFO_COLUMNS: &str = "policy_id, major, minor, status, author, note, created_at, effective_date, content_hash";

fn version_info(row: &Row<'_>) -> rusqlite::Result<VersionInfo> {
    Ok(VersionInfo {
        policy: row.get(0)?,
        label: Label { major: row.get(1)?, minor: row.get(2)? },
        status: status(row, 3)?,
        author: row.get(4)?,
        display_name: String::new(),
        note: row.get(5)?,
        created_at: row.get(6)?,
        effective_date: row.get(7)?,
        content_hash: row.get(8)?,
        damaged: false,
        steps: Vec::new(),
    })
}

/// A status column; a word the workflow does not know means a damaged file.
fn status(row: &Row<'_>, i: usize) -> rusqlite::Result<Status> {
    let text: String = row.get(i)?;
    Status::parse(&text).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Text,
            format!("unknown status \"{text}\"").into(),
        )
    })
}

impl Tx<'_> {
    fn version_id(&self, id: PolicyId, label: Label) -> Result<i64> {
        self.conn
            .query_row(
                "SELECT id FROM versions WHERE policy_id = ?1 AND major = ?2 AND minor = ?3",
                params![id, label.major, label.minor],
                |row| row.get(0),
            )
            .db(self.at)
    }
}

impl Read for Tx<'_> {
    fn draft(&self, id: PolicyId) -> Result<Option<String>> {
        self.conn.query_row("SELECT draft FROM policies WHERE id = ?1", [id], |row| row.get(0)).optional().db(self.at)
    }

    fn policy_exists(&self, id: PolicyId) -> Result<bool> {
        let found = self.conn.query_row("SELECT 1 FROM policies WHERE id = ?1", [id], |_| Ok(())).optional();
        Ok(found.db(self.at)?.is_some())
    }

    fn list(&self, include_archived: bool) -> Result<Vec<PolicySummary>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT p.id, p.title, p.archived, p.updated_at, l.major, l.minor, l.status,
                     p.number, l.effective_date, p.next_review
                 FROM policies p
                 LEFT JOIN version_list l ON l.id = (
                     SELECT v.id FROM versions v WHERE v.policy_id = p.id
                     ORDER BY v.major DESC, v.minor DESC LIMIT 1)
                 WHERE ?1 OR p.archived = 0
                 ORDER BY p.id",
            )
            .db(self.at)?;
        let rows = stmt.query_map([include_archived], |row| {
            let major: Option<u32> = row.get(4)?;
            let minor: Option<u32> = row.get(5)?;
            let status = match row.get::<_, Option<String>>(6)? {
                Some(_) => Some(status(row, 6)?),
                None => None,
            };
            Ok(PolicySummary {
                id: row.get(0)?,
                title: row.get(1)?,
                archived: row.get(2)?,
                updated_at: row.get(3)?,
                latest: major.zip(minor).map(|(major, minor)| Label { major, minor }),
                status,
                damaged: false,
                number: row.get(7)?,
                effective_date: row.get(8)?,
                next_review: Some(row.get::<_, String>(9)?).filter(|d| !d.is_empty()),
            })
        });
        rows.and_then(Iterator::collect).db(self.at)
    }

    fn history(&self, id: PolicyId) -> Result<Vec<VersionInfo>> {
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT {INFO_COLUMNS} FROM version_list WHERE policy_id = ?1 ORDER BY major, minor"))
            .db(self.at)?;
        let rows = stmt.query_map([id], version_info);
        rows.and_then(Iterator::collect).db(self.at)
    }

    fn version(&self, id: PolicyId, label: Option<Label>) -> Result<Option<(VersionInfo, String)>> {
        // The newest is found on the table's index first: through the view,
        // with its status of every version, it would cost a scan.
        let label = match label {
            Some(label) => label,
            None => match self.newest(id)? {
                Some((label, _)) => label,
                None => return Ok(None),
            },
        };
        let columns = INFO_COLUMNS.split(", ").map(|c| format!("l.{c}")).collect::<Vec<_>>().join(", ");
        self.conn
            .query_row(
                &format!(
                    "SELECT {columns}, c.content FROM version_list l LEFT JOIN version_contents c ON c.version_id = l.id
                     WHERE l.policy_id = ?1 AND l.major = ?2 AND l.minor = ?3"
                ),
                params![id, label.major, label.minor],
                |row| Ok((version_info(row)?, row.get::<_, Option<Vec<u8>>>(9)?)),
            )
            .optional()
            .db(self.at)?
            // A version whose content was taken out of the file reads as
            // empty, which fails its hash: it is damaged, not unknown.
            .map(|(info, packed)| {
                Ok((info, packed.map(|p| content::unpack(&p, self.at)).transpose()?.unwrap_or_default()))
            })
            .transpose()
    }

    fn newest_label(&self, id: PolicyId) -> Result<Option<Label>> {
        Ok(self.newest(id)?.map(|(label, _)| label))
    }

    fn newest_hash(&self, id: PolicyId) -> Result<Option<(Label, String)>> {
        self.newest(id)
    }

    fn draft_stamp(&self, id: PolicyId) -> Result<Option<DraftStamp>> {
        self.conn
            .query_row("SELECT draft_revision, draft_by, updated_at FROM policies WHERE id = ?1", [id], |row| {
                Ok(DraftStamp { revision: row.get(0)?, saved_by: row.get(1)?, saved_at: row.get(2)? })
            })
            .optional()
            .db(self.at)
    }

    fn trail_head(&self, id: PolicyId) -> Result<Option<Head>> {
        self.conn
            .query_row(
                "SELECT trail_seq, trail_head, issued_major, issued_minor FROM policies WHERE id = ?1",
                [id],
                |row| {
                    let major: u32 = row.get(2)?;
                    Ok(Head {
                        seq: row.get(0)?,
                        hash: row.get(1)?,
                        issued: (major >= 1).then(|| Label { major, minor: row.get(3).unwrap_or(0) }),
                    })
                },
            )
            .optional()
            .db(self.at)
    }

    fn trail(&self, id: PolicyId) -> Result<Vec<Link>> {
        // Each kind of record in place order on its own index, merged here:
        // one query over both would sort them all again.
        let mut versions = self
            .conn
            .prepare(
                "SELECT seq, major, minor, author, note, created_at, effective_date, content_hash, chain_hash
                 FROM versions WHERE policy_id = ?1 ORDER BY seq",
            )
            .db(self.at)?;
        let versions: Vec<Link> = versions
            .query_map([id], |row| {
                Ok(Link {
                    seq: row.get(0)?,
                    entry: Entry::Version {
                        label: Label { major: row.get(1)?, minor: row.get(2)? },
                        author: row.get(3)?,
                        note: row.get(4)?,
                        created_at: row.get(5)?,
                        effective_date: row.get(6)?,
                        content_hash: row.get(7)?,
                    },
                    chain_hash: row.get(8)?,
                    shown_as: String::new(),
                })
            })
            .and_then(Iterator::collect)
            .db(self.at)?;
        let mut events = self
            .conn
            .prepare(
                "SELECT e.seq, v.major, v.minor, e.from_status, e.to_status, e.changed_by, e.changed_at, e.chain_hash
                 FROM status_events e JOIN versions v ON v.id = e.version_id
                 WHERE e.policy_id = ?1 ORDER BY e.seq",
            )
            .db(self.at)?;
        let events: Vec<Link> = events
            .query_map([id], |row| {
                Ok(Link {
                    seq: row.get(0)?,
                    entry: Entry::Status {
                        label: Label { major: row.get(1)?, minor: row.get(2)? },
                        from: status(row, 3)?,
                        to: status(row, 4)?,
                        by: row.get(5)?,
                        at: row.get(6)?,
                    },
                    chain_hash: row.get(7)?,
                    shown_as: String::new(),
                })
            })
            .and_then(Iterator::collect)
            .db(self.at)?;
        let mut merged = Vec::with_capacity(versions.len() + events.len());
        let (mut v, mut e) = (versions.into_iter().peekable(), events.into_iter().peekable());
        loop {
            let take_version = match (v.peek(), e.peek()) {
                (Some(a), Some(b)) => a.seq <= b.seq,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            merged.extend(if take_version { v.next() } else { e.next() });
        }
        Ok(merged)
    }

    fn handbooks(&self) -> Result<Vec<HandbookRow>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, title, created_at, updated_at, built_at FROM handbooks ORDER BY id")
            .db(self.at)?;
        let rows = stmt.query_map([], handbook_row).db(self.at)?;
        rows.collect::<rusqlite::Result<Vec<_>>>().db(self.at)
    }

    fn handbook(&self, id: HandbookId) -> Result<Option<StoredHandbook>> {
        self.conn
            .query_row(
                "SELECT id, title, created_at, updated_at, built_at, definition, last_build FROM handbooks WHERE id = ?1",
                [id],
                |row| Ok(StoredHandbook { row: handbook_row(row)?, definition: row.get(5)?, last_build: row.get(6)? }),
            )
            .optional()
            .db(self.at)
    }
}

impl Tx<'_> {
    fn newest(&self, id: PolicyId) -> Result<Option<(Label, String)>> {
        self.conn
            .query_row(
                "SELECT major, minor, content_hash FROM versions WHERE policy_id = ?1
                 ORDER BY major DESC, minor DESC LIMIT 1",
                [id],
                |row| Ok((Label { major: row.get(0)?, minor: row.get(1)? }, row.get(2)?)),
            )
            .optional()
            .db(self.at)
    }
}

impl Write for Tx<'_> {
    fn insert_policy(&mut self, listing: &Listing<'_>, draft: &str, now: &str) -> Result<PolicyId> {
        self.conn
            .execute(
                "INSERT INTO policies (title, number, draft, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
                params![listing.title, listing.number, draft, now],
            )
            .db(self.at)?;
        Ok(self.conn.last_insert_rowid())
    }

    fn update_draft(
        &mut self,
        id: PolicyId,
        listing: &Listing<'_>,
        draft: &str,
        by: &str,
        now: &str,
    ) -> Result<Option<u64>> {
        self.conn
            .query_row(
                "UPDATE policies SET title = ?2, number = ?3, draft = ?4, updated_at = ?5, draft_by = ?6,
                     draft_revision = draft_revision + 1
                 WHERE id = ?1 RETURNING draft_revision",
                params![id, listing.title, listing.number, draft, now, by],
                |row| row.get(0),
            )
            .optional()
            .db(self.at)
    }

    fn set_archived(&mut self, id: PolicyId, archived: bool) -> Result<bool> {
        let changed =
            self.conn.execute("UPDATE policies SET archived = ?2 WHERE id = ?1", params![id, archived]).db(self.at)?;
        Ok(changed > 0)
    }

    fn set_next_review(&mut self, id: PolicyId, date: &str) -> Result<()> {
        self.conn.execute("UPDATE policies SET next_review = ?2 WHERE id = ?1", params![id, date]).db(self.at)?;
        Ok(())
    }

    fn touch(&mut self, id: PolicyId, now: &str) -> Result<()> {
        self.conn.execute("UPDATE policies SET updated_at = ?2 WHERE id = ?1", params![id, now]).db(self.at)?;
        Ok(())
    }

    fn insert_version(&mut self, v: &NewVersion<'_>) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO versions
                     (policy_id, major, minor, author, note, created_at, effective_date, content_hash, seq, chain_hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    v.policy,
                    v.label.major,
                    v.label.minor,
                    v.author,
                    v.note,
                    v.created_at,
                    v.effective_date,
                    v.content_hash,
                    v.seq,
                    v.chain_hash
                ],
            )
            .db(self.at)?;
        self.conn
            .execute(
                "INSERT INTO version_contents (version_id, content) VALUES (?1, ?2)",
                params![self.conn.last_insert_rowid(), content::pack(v.content)],
            )
            .db(self.at)?;
        Ok(())
    }

    fn insert_status_event(&mut self, e: &NewStatusEvent<'_>) -> Result<()> {
        let version = self.version_id(e.policy, e.label)?;
        self.conn
            .execute(
                "INSERT INTO status_events
                     (version_id, policy_id, seq, from_status, to_status, changed_by, changed_at, chain_hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![version, e.policy, e.seq, e.from.code(), e.to.code(), e.by, e.at, e.chain_hash],
            )
            .db(self.at)?;
        Ok(())
    }

    fn insert_handbook(&mut self, title: &str, definition: &str, now: &str) -> Result<HandbookId> {
        self.conn
            .execute(
                "INSERT INTO handbooks (title, definition, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)",
                params![title, definition, now],
            )
            .db(self.at)?;
        Ok(self.conn.last_insert_rowid())
    }

    fn update_handbook(&mut self, id: HandbookId, title: &str, definition: &str, now: &str) -> Result<bool> {
        let changed = self
            .conn
            .execute(
                "UPDATE handbooks SET title = ?2, definition = ?3, updated_at = ?4 WHERE id = ?1",
                params![id, title, definition, now],
            )
            .db(self.at)?;
        Ok(changed > 0)
    }

    fn record_handbook_build(&mut self, id: HandbookId, build: &str, now: &str) -> Result<bool> {
        let changed = self
            .conn
            .execute("UPDATE handbooks SET last_build = ?2, built_at = ?3 WHERE id = ?1", params![id, build, now])
            .db(self.at)?;
        Ok(changed > 0)
    }

    fn delete_handbook(&mut self, id: HandbookId) -> Result<bool> {
        Ok(self.conn.execute("DELETE FROM handbooks WHERE id = ?1", [id]).db(self.at)? > 0)
    }
}

fn handbook_row(row: &Row<'_>) -> rusqlite::Result<HandbookRow> {
    Ok(HandbookRow {
        id: row.get(0)?,
        title: row.get(1)?,
        created_at: row.get(2)?,
        updated_at: row.get(3)?,
        built_at: row.get(4)?,
    })
}
