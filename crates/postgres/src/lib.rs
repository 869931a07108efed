//! The library on a PostgreSQL server, shared by a team.
//!
//! - One transaction per action. Reads are `REPEATABLE READ READ ONLY`, so
//!   an action sees one snapshot; writes first take one advisory lock
//!   ([`WRITE_LOCK`]), so that two people saving at once queue as they do
//!   on SQLite's write lock, and past [`LOCK_TIMEOUT`] get a busy error. A
//!   lost connection rolls the action back whole.
//! - Numbered migrations in `migrations/*.sql`, the same steps as SQLite's,
//!   to the same schema version; a newer database is refused untouched.
//! - Triggers make versions and status events immutable for every role, the
//!   owner's too, and record who and when from the server itself: the
//!   author or actor is the database user (`current_user`) and the time the
//!   server's clock, which [`Write::stamp`] reads before the store hashes
//!   the record, and which the triggers refuse to see replaced.
//! - After a lost connection (a server restart), the next action connects
//!   again.
//!
//! The rules (validation, numbering, hashes) are not here: they are
//! `policywright-store`'s, above the [`Backend`] trait this implements.

mod connect;
mod migrate;

use std::cell::RefCell;
use std::time::Duration;

use policywright_i18n::{Error, ErrorKind, Message, Result, keys, msg};
use policywright_store::{
    Backend, DraftStamp, Entry, HandbookId, HandbookRow, Head, Label, Link, Listing, NewStatusEvent, NewVersion,
    PolicyId, PolicySummary, Read, Stamp, Status, StoredHandbook, VersionInfo, Write,
};
use postgres::types::ToSql;
use postgres::{Client, IsolationLevel, Row, Transaction};

pub use connect::{Address, Parts, is_address};
pub use migrate::{SCHEMA_VERSION, WRITE_LOCK};

/// The setup of a team library's roles (`pw_reader`, `pw_author`,
/// `pw_reviewer`, `pw_publisher`), which `library init-server` prints or
/// runs: grants, and row-level security on the status log.
pub const ROLES_SCRIPT: &str = include_str!("roles.sql");

/// How long a write waits for another person's save before giving up with
/// a busy error, as SQLite's busy timeout does.
pub const LOCK_TIMEOUT: Duration = Duration::from_secs(5);

/// How long the check that a connection still stands may wait.
const VALID_TIMEOUT: Duration = Duration::from_secs(5);

/// A library on a server.
pub struct Postgres {
    address: Address,
    /// The connection; `RefCell` because the client needs `&mut` even to
    /// read, and [`Backend::read`] takes `&self`.
    client: RefCell<Client>,
}

impl std::fmt::Debug for Postgres {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Postgres").field("address", &self.address.shown).finish_non_exhaustive()
    }
}

impl Postgres {
    /// Connects to the library at `address` (`postgres://user@host/db`),
    /// creating its tables in an empty database and bringing an older
    /// schema up to date. A newer library, or a database with another
    /// program's tables, is refused and left untouched.
    pub fn connect(address: &str) -> Result<Postgres> {
        Postgres::connect_with(address, None)
    }

    /// Connects as [`Postgres::connect`] does, with a password kept apart
    /// from the address (the app keeps it in the system's keychain, so it is
    /// never written where the address is remembered).
    pub fn connect_with(address: &str, password: Option<&str>) -> Result<Postgres> {
        let mut address = Address::parse(address)?;
        if let Some(password) = password.filter(|p| !p.is_empty()) {
            address.config.password(password);
        }
        let mut client = address.connect()?;
        migrate::migrate(&mut client, &address.shown)?;
        Ok(Postgres { address, client: RefCell::new(client) })
    }

    /// How errors and messages name the library: its address, without a
    /// password.
    pub fn shown(&self) -> &str {
        &self.address.shown
    }

    /// Runs `sql` (several statements) in one transaction on this
    /// library's connection, as the connected user: the setup of roles.
    pub fn run_script(&mut self, sql: &str) -> Result<()> {
        let at = self.address.shown.clone();
        let client = self.client.get_mut();
        let mut tx = client.transaction().map_err(|e| connect::server_error(&at, &e))?;
        tx.batch_execute(sql).map_err(|e| connect::server_error(&at, &e))?;
        tx.commit().map_err(|e| connect::server_error(&at, &e))
    }

    /// The connection, connected again when the last one was lost: a
    /// server restart costs the action it interrupted, not the session.
    fn client(&self) -> Result<std::cell::RefMut<'_, Client>> {
        let mut client =
            self.client.try_borrow_mut().map_err(|_| Error::internal("a library action ran inside another"))?;
        // Asked at each action (one round trip): a connection the server
        // dropped, in a restart, is known only when used, and the action
        // that finds out should not be the one that fails.
        if client.is_closed() || client.is_valid(VALID_TIMEOUT).is_err() {
            *client = self.address.connect()?;
        }
        Ok(client)
    }
}

impl Backend for Postgres {
    fn read(&self, action: &mut dyn FnMut(&dyn Read) -> Result<()>) -> Result<()> {
        let at = self.address.shown.as_str();
        let mut client = self.client()?;
        let tx = client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .map_err(|e| connect::server_error(at, &e))?;
        let tx = Tx { tx: RefCell::new(tx), at };
        action(&tx)?;
        tx.tx.into_inner().commit().map_err(|e| connect::server_error(at, &e))
    }

    fn write(&mut self, action: &mut dyn FnMut(&mut dyn Write) -> Result<()>) -> Result<()> {
        let at = self.address.shown.as_str();
        let mut client = self.client()?;
        let mut tx = client.transaction().map_err(|e| connect::server_error(at, &e))?;
        // Taken at once, as SQLite's BEGIN IMMEDIATE: every write reads the
        // trail's head and then extends it, which two at once must not do.
        let timeout = format!("SET LOCAL lock_timeout = '{}ms'", LOCK_TIMEOUT.as_millis());
        tx.batch_execute(&timeout).map_err(|e| connect::server_error(at, &e))?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK]).map_err(|e| connect::server_error(at, &e))?;
        let mut w = Tx { tx: RefCell::new(tx), at };
        action(&mut w)?;
        // Dropped without commit on an error above: the server rolls back.
        w.tx.into_inner().commit().map_err(|e| connect::server_error(at, &e))
    }
}

struct Tx<'a, 'c> {
    tx: RefCell<Transaction<'c>>,
    at: &'a str,
}

/// A value the database holds but our types refuse: only a hand-edited or
/// damaged library gets here.
fn unexpected(at: &str, reason: String) -> Error {
    Error::new(ErrorKind::InvalidLibrary, msg!(keys::errors::LIBRARY_DAMAGED, path = at))
        .detail(msg!(keys::errors::LIBRARY_UNEXPECTED, reason = reason))
        .hint(Message::new(keys::errors::RESTORE_HINT))
}

/// Reads the columns of one row, naming the library in any error.
struct Cols<'r> {
    row: &'r Row,
    at: &'r str,
}

impl Cols<'_> {
    fn get<'v, T: postgres::types::FromSql<'v>>(&'v self, i: usize) -> Result<T> {
        self.row.try_get(i).map_err(|e| unexpected(self.at, e.to_string()))
    }

    fn count(&self, i: usize) -> Result<u64> {
        let n: i64 = self.get(i)?;
        u64::try_from(n).map_err(|_| unexpected(self.at, format!("negative count {n}")))
    }

    fn label(&self, major: usize, minor: usize) -> Result<Label> {
        let part = |i: usize| -> Result<u32> {
            let n: i32 = self.get(i)?;
            u32::try_from(n).map_err(|_| unexpected(self.at, format!("negative version number {n}")))
        };
        Ok(Label { major: part(major)?, minor: part(minor)? })
    }

    fn status(&self, i: usize) -> Result<Status> {
        let text: String = self.get(i)?;
        Status::parse(&text).ok_or_else(|| unexpected(self.at, format!("unknown status \"{text}\"")))
    }
}

/// The columns that make a [`VersionInfo`], in the order `version_info`
/// reads them; the status is that of the version's last change.
const INFO: &str = "v.policy_id, v.major, v.minor,
    coalesce((SELECT e.to_status FROM status_events e WHERE e.version_id = v.id ORDER BY e.seq DESC LIMIT 1),
             'draft'),
    v.author, v.note, v.created_at, v.effective_date, v.content_hash, v.author_name";

fn version_info(c: &Cols<'_>) -> Result<VersionInfo> {
    Ok(VersionInfo {
        policy: c.get(0)?,
        label: c.label(1, 2)?,
        status: c.status(3)?,
        author: c.get(4)?,
        display_name: {
            let (author, name): (String, String) = (c.get(4)?, c.get(9)?);
            if name == author { String::new() } else { name }
        },
        note: c.get(5)?,
        created_at: c.get(6)?,
        effective_date: c.get(7)?,
        content_hash: c.get(8)?,
        damaged: false,
        steps: Vec::new(),
    })
}

fn number(at: &str, n: u32) -> Result<i32> {
    i32::try_from(n).map_err(|_| unexpected(at, format!("version number {n} is too large")))
}

fn place(at: &str, n: u64) -> Result<i64> {
    i64::try_from(n).map_err(|_| unexpected(at, format!("place {n} is too large")))
}

impl Tx<'_, '_> {
    fn rows(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>> {
        let mut tx = self.tx.try_borrow_mut().map_err(|_| Error::internal("a library query ran inside another"))?;
        tx.query(sql, params).map_err(|e| connect::server_error(self.at, &e))
    }

    fn row(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Option<Row>> {
        Ok(self.rows(sql, params)?.into_iter().next())
    }

    fn exec(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<u64> {
        let mut tx = self.tx.try_borrow_mut().map_err(|_| Error::internal("a library query ran inside another"))?;
        tx.execute(sql, params).map_err(|e| connect::server_error(self.at, &e))
    }

    fn cols<'r>(&'r self, row: &'r Row) -> Cols<'r> {
        Cols { row, at: self.at }
    }

    fn newest(&self, id: PolicyId) -> Result<Option<(Label, String)>> {
        let row = self.row(
            "SELECT major, minor, content_hash FROM versions WHERE policy_id = $1
             ORDER BY major DESC, minor DESC LIMIT 1",
            &[&id],
        )?;
        row.map(|row| {
            let c = self.cols(&row);
            Ok((c.label(0, 1)?, c.get(2)?))
        })
        .transpose()
    }
}

impl Read for Tx<'_, '_> {
    fn draft(&self, id: PolicyId) -> Result<Option<String>> {
        self.row("SELECT draft FROM policies WHERE id = $1", &[&id])?.map(|row| self.cols(&row).get(0)).transpose()
    }

    fn policy_exists(&self, id: PolicyId) -> Result<bool> {
        Ok(self.row("SELECT 1 FROM policies WHERE id = $1", &[&id])?.is_some())
    }

    fn list(&self, include_archived: bool) -> Result<Vec<PolicySummary>> {
        let rows = self.rows(
            "SELECT p.id, p.title, p.archived, p.updated_at, l.major, l.minor, l.status, p.number,
                    l.effective_date, p.next_review
             FROM policies p
             LEFT JOIN LATERAL (
                 SELECT v.major, v.minor, v.effective_date,
                        coalesce((SELECT e.to_status FROM status_events e WHERE e.version_id = v.id
                                  ORDER BY e.seq DESC LIMIT 1), 'draft') AS status
                 FROM versions v WHERE v.policy_id = p.id ORDER BY v.major DESC, v.minor DESC LIMIT 1
             ) l ON true
             WHERE $1 OR NOT p.archived
             ORDER BY p.id",
            &[&include_archived],
        )?;
        rows.iter()
            .map(|row| {
                let c = self.cols(row);
                let major: Option<i32> = c.get(4)?;
                let status: Option<String> = c.get(6)?;
                let next_review: String = c.get(9)?;
                Ok(PolicySummary {
                    id: c.get(0)?,
                    title: c.get(1)?,
                    archived: c.get(2)?,
                    updated_at: c.get(3)?,
                    latest: if major.is_some() { Some(c.label(4, 5)?) } else { None },
                    status: if status.is_some() { Some(c.status(6)?) } else { None },
                    damaged: false,
                    number: c.get(7)?,
                    effective_date: c.get(8)?,
                    next_review: Some(next_review).filter(|d| !d.is_empty()),
                })
            })
            .collect()
    }

    fn history(&self, id: PolicyId) -> Result<Vec<VersionInfo>> {
        let rows = self
            .rows(&format!("SELECT {INFO} FROM versions v WHERE v.policy_id = $1 ORDER BY v.major, v.minor"), &[&id])?;
        rows.iter().map(|row| version_info(&self.cols(row))).collect()
    }

    fn version(&self, id: PolicyId, label: Option<Label>) -> Result<Option<(VersionInfo, String)>> {
        let label = match label {
            Some(label) => label,
            None => match self.newest(id)? {
                Some((label, _)) => label,
                None => return Ok(None),
            },
        };
        let (major, minor) = (number(self.at, label.major)?, number(self.at, label.minor)?);
        let row = self.row(
            &format!(
                "SELECT {INFO}, v.content FROM versions v WHERE v.policy_id = $1 AND v.major = $2 AND v.minor = $3"
            ),
            &[&id, &major, &minor],
        )?;
        row.map(|row| {
            let c = self.cols(&row);
            Ok((version_info(&c)?, c.get(10)?))
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
        self.row("SELECT draft_revision, draft_by, updated_at FROM policies WHERE id = $1", &[&id])?
            .map(|row| {
                let c = self.cols(&row);
                Ok(DraftStamp { revision: c.count(0)?, saved_by: c.get(1)?, saved_at: c.get(2)? })
            })
            .transpose()
    }

    fn trail_head(&self, id: PolicyId) -> Result<Option<Head>> {
        let row =
            self.row("SELECT trail_seq, trail_head, issued_major, issued_minor FROM policies WHERE id = $1", &[&id])?;
        row.map(|row| {
            let c = self.cols(&row);
            let issued = c.label(2, 3)?;
            Ok(Head { seq: c.count(0)?, hash: c.get(1)?, issued: (issued.major >= 1).then_some(issued) })
        })
        .transpose()
    }

    fn trail(&self, id: PolicyId) -> Result<Vec<Link>> {
        let versions = self.rows(
            "SELECT seq, major, minor, author, note, created_at, effective_date, content_hash, chain_hash, author_name
             FROM versions WHERE policy_id = $1 ORDER BY seq",
            &[&id],
        )?;
        let events = self.rows(
            "SELECT e.seq, v.major, v.minor, e.from_status, e.to_status, e.changed_by, e.changed_at, e.chain_hash,
                    e.changed_by_name
             FROM status_events e JOIN versions v ON v.id = e.version_id
             WHERE e.policy_id = $1 ORDER BY e.seq",
            &[&id],
        )?;
        let mut links = Vec::with_capacity(versions.len() + events.len());
        for row in &versions {
            let c = self.cols(row);
            links.push(Link {
                seq: c.count(0)?,
                entry: Entry::Version {
                    label: c.label(1, 2)?,
                    author: c.get(3)?,
                    note: c.get(4)?,
                    created_at: c.get(5)?,
                    effective_date: c.get(6)?,
                    content_hash: c.get(7)?,
                },
                chain_hash: c.get(8)?,
                shown_as: c.get(9)?,
            });
        }
        for row in &events {
            let c = self.cols(row);
            links.push(Link {
                seq: c.count(0)?,
                entry: Entry::Status {
                    label: c.label(1, 2)?,
                    from: c.status(3)?,
                    to: c.status(4)?,
                    by: c.get(5)?,
                    at: c.get(6)?,
                },
                chain_hash: c.get(7)?,
                shown_as: c.get(8)?,
            });
        }
        links.sort_by_key(|l| l.seq);
        Ok(links)
    }

    fn handbooks(&self) -> Result<Vec<HandbookRow>> {
        let rows = self.rows("SELECT id, title, created_at, updated_at, built_at FROM handbooks ORDER BY id", &[])?;
        rows.iter().map(|row| handbook_row(&self.cols(row))).collect()
    }

    fn handbook(&self, id: HandbookId) -> Result<Option<StoredHandbook>> {
        let row = self.row(
            "SELECT id, title, created_at, updated_at, built_at, definition, last_build FROM handbooks WHERE id = $1",
            &[&id],
        )?;
        row.map(|row| {
            let c = self.cols(&row);
            Ok(StoredHandbook { row: handbook_row(&c)?, definition: c.get(5)?, last_build: c.get(6)? })
        })
        .transpose()
    }
}

fn handbook_row(c: &Cols<'_>) -> Result<HandbookRow> {
    Ok(HandbookRow {
        id: c.get(0)?,
        title: c.get(1)?,
        created_at: c.get(2)?,
        updated_at: c.get(3)?,
        built_at: c.get(4)?,
    })
}

impl Write for Tx<'_, '_> {
    fn insert_policy(&mut self, listing: &Listing<'_>, draft: &str, now: &str) -> Result<PolicyId> {
        let row = self.row(
            "INSERT INTO policies (title, number, draft, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
             RETURNING id",
            &[&listing.title, &listing.number, &draft, &now],
        )?;
        let row = row.ok_or_else(|| Error::internal("an insert returned no id"))?;
        self.cols(&row).get(0)
    }

    fn update_draft(
        &mut self,
        id: PolicyId,
        listing: &Listing<'_>,
        draft: &str,
        by: &str,
        now: &str,
    ) -> Result<Option<u64>> {
        self.row(
            "UPDATE policies SET title = $2, number = $3, draft = $4, updated_at = $5, draft_by = $6,
                 draft_revision = draft_revision + 1
             WHERE id = $1 RETURNING draft_revision",
            &[&id, &listing.title, &listing.number, &draft, &now, &by],
        )?
        .map(|row| self.cols(&row).count(0))
        .transpose()
    }

    fn set_archived(&mut self, id: PolicyId, archived: bool) -> Result<bool> {
        Ok(self.exec("UPDATE policies SET archived = $2 WHERE id = $1", &[&id, &archived])? > 0)
    }

    fn set_next_review(&mut self, id: PolicyId, date: &str) -> Result<()> {
        self.exec("UPDATE policies SET next_review = $2 WHERE id = $1", &[&id, &date])?;
        Ok(())
    }

    fn touch(&mut self, id: PolicyId, now: &str) -> Result<()> {
        self.exec("UPDATE policies SET updated_at = $2 WHERE id = $1", &[&id, &now])?;
        Ok(())
    }

    /// The database user and the server's clock: what the triggers check.
    fn stamp(&mut self, _by: &str, _now: &str) -> Result<Stamp> {
        let row = self.row("SELECT current_user::text, policywright_now()", &[])?;
        let row = row.ok_or_else(|| Error::internal("the server named no user"))?;
        let c = self.cols(&row);
        Ok(Stamp { by: c.get(0)?, at: c.get(1)? })
    }

    /// Only the tables' owner may: the triggers check it.
    fn keep_history(&mut self) -> Result<()> {
        self.row("SELECT set_config('policywright.copy', 'on', true)", &[])?;
        Ok(())
    }

    fn insert_version(&mut self, v: &NewVersion<'_>) -> Result<()> {
        let (major, minor, seq) =
            (number(self.at, v.label.major)?, number(self.at, v.label.minor)?, place(self.at, v.seq)?);
        self.exec(
            "INSERT INTO versions (policy_id, major, minor, author, author_name, note, created_at, effective_date,
                                   content_hash, content, seq, chain_hash)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            &[
                &v.policy,
                &major,
                &minor,
                &v.author,
                &v.display_name,
                &v.note,
                &v.created_at,
                &v.effective_date,
                &v.content_hash,
                &v.content,
                &seq,
                &v.chain_hash,
            ],
        )?;
        Ok(())
    }

    fn insert_status_event(&mut self, e: &NewStatusEvent<'_>) -> Result<()> {
        let (major, minor, seq) =
            (number(self.at, e.label.major)?, number(self.at, e.label.minor)?, place(self.at, e.seq)?);
        let inserted = self.exec(
            "INSERT INTO status_events (version_id, policy_id, seq, from_status, to_status, changed_by,
                                        changed_by_name, changed_at, chain_hash)
             SELECT v.id, $1, $4, $5, $6, $7, $8, $9, $10 FROM versions v
             WHERE v.policy_id = $1 AND v.major = $2 AND v.minor = $3",
            &[
                &e.policy,
                &major,
                &minor,
                &seq,
                &e.from.code(),
                &e.to.code(),
                &e.by,
                &e.display_name,
                &e.at,
                &e.chain_hash,
            ],
        )?;
        if inserted == 0 {
            return Err(unexpected(self.at, format!("policy {} has no version {}", e.policy, e.label)));
        }
        Ok(())
    }

    fn insert_handbook(&mut self, title: &str, definition: &str, now: &str) -> Result<HandbookId> {
        let row = self.row(
            "INSERT INTO handbooks (title, definition, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING id",
            &[&title, &definition, &now],
        )?;
        let row = row.ok_or_else(|| Error::internal("an insert returned no id"))?;
        self.cols(&row).get(0)
    }

    fn update_handbook(&mut self, id: HandbookId, title: &str, definition: &str, now: &str) -> Result<bool> {
        let changed = self.exec(
            "UPDATE handbooks SET title = $2, definition = $3, updated_at = $4 WHERE id = $1",
            &[&id, &title, &definition, &now],
        )?;
        Ok(changed > 0)
    }

    fn record_handbook_build(&mut self, id: HandbookId, build: &str, now: &str) -> Result<bool> {
        let changed =
            self.exec("UPDATE handbooks SET last_build = $2, built_at = $3 WHERE id = $1", &[&id, &build, &now])?;
        Ok(changed > 0)
    }

    fn delete_handbook(&mut self, id: HandbookId) -> Result<bool> {
        Ok(self.exec("DELETE FROM handbooks WHERE id = $1", &[&id])? > 0)
    }
}
