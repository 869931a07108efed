//! The schema: numbered migrations, the version they reach, and refusing a
//! database that is newer than this build or belongs to another program.

use policywright_i18n::{Error, ErrorKind, Message, Result, keys, msg};
use postgres::{Client, GenericClient};

use crate::connect::server_error;

/// The schema, one step per file, the same steps as SQLite's, so that the
/// two backends have one schema version.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_init.sql"),
    include_str!("migrations/0002_trail.sql"),
    include_str!("migrations/0003_listing.sql"),
    include_str!("migrations/0004_handbooks.sql"),
    include_str!("migrations/0005_draft_by.sql"),
];

/// The schema version this build writes and the newest it reads.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The advisory lock that queues migrations and writes, as SQLite's write
/// lock does: "PWLB", the SQLite library's application id.
pub const WRITE_LOCK: i64 = 0x5057_4C42;

/// What the database holds: its schema version, `None` for an empty
/// database, or a refusal for another program's or a newer library.
fn found_version(db: &mut impl GenericClient, at: &str) -> Result<Option<i64>> {
    let err = |e: postgres::Error| server_error(at, &e);
    let marked: bool = db.query_one("SELECT to_regclass('policywright_schema') IS NOT NULL", &[]).map_err(err)?.get(0);
    if !marked {
        let tables: i64 = db
            .query_one("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()", &[])
            .map_err(err)?
            .get(0);
        if tables > 0 {
            return Err(Error::new(ErrorKind::InvalidLibrary, msg!(keys::errors::NOT_A_LIBRARY, path = at))
                .detail(Message::new(keys::errors::server::OTHER_TABLES))
                .hint(Message::new(keys::errors::NOT_A_LIBRARY_HINT)));
        }
        return Ok(None);
    }
    let version: Option<i32> = db.query_one("SELECT max(version) FROM policywright_schema", &[]).map_err(err)?.get(0);
    let version = i64::from(version.unwrap_or(0));
    if version > SCHEMA_VERSION {
        return Err(newer(at, version));
    }
    Ok(Some(version))
}

pub fn newer(at: &str, version: i64) -> Error {
    Error::new(
        ErrorKind::UnsupportedSchema,
        msg!(keys::errors::NEWER_LIBRARY, path = at, version = version, max = SCHEMA_VERSION),
    )
    .hint(Message::new(keys::errors::NEWER_LIBRARY_HINT))
}

/// Brings the schema up to date. The common case, a current library, only
/// reads, so that a reader's role may open it; a newer one is refused
/// before anything is written. The migrations run in one transaction (DDL
/// is transactional here), under the write lock, so that two programs
/// opening a new library at once migrate it once.
pub fn migrate(client: &mut Client, at: &str) -> Result<()> {
    let err = |e: postgres::Error| server_error(at, &e);
    {
        let mut tx = client.build_transaction().read_only(true).start().map_err(err)?;
        if found_version(&mut tx, at)? == Some(SCHEMA_VERSION) {
            check_safeguards(&mut tx, at)?;
            return tx.commit().map_err(err);
        }
    }
    let mut tx = client.transaction().map_err(err)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK]).map_err(err)?;
    // Read again under the lock: another program may have migrated meanwhile.
    let current = found_version(&mut tx, at)?.unwrap_or(0);
    for (step, sql) in (1..).zip(MIGRATIONS) {
        if current >= step {
            continue;
        }
        tx.batch_execute(sql).map_err(err)?;
        let step = i32::try_from(step).unwrap_or(i32::MAX);
        tx.execute("UPDATE policywright_schema SET version = $1", &[&step]).map_err(err)?;
    }
    tx.commit().map_err(err)
}

/// The triggers the migrations make, by table: what keeps versions and
/// status changes immutable and records who and when.
const SAFEGUARDS: &[&str] = &[
    "policies.policies_no_truncate",
    "policies.policies_trail_moves_forward",
    "status_events.status_events_arrive",
    "status_events.status_events_no_delete",
    "status_events.status_events_no_truncate",
    "status_events.status_events_no_update",
    "versions.versions_arrive",
    "versions.versions_no_delete",
    "versions.versions_no_truncate",
    "versions.versions_no_update",
];

/// Refuses a library whose triggers were dropped or switched off: the
/// owner can do either, and a version could then be changed or a status
/// forged. (The bodies of the functions are not compared yet.)
fn check_safeguards(db: &mut impl GenericClient, at: &str) -> Result<()> {
    let rows = db
        .query(
            "SELECT c.relname || '.' || t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
             WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' AND c.relnamespace = current_schema()::regnamespace",
            &[],
        )
        .map_err(|e| server_error(at, &e))?;
    let found: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
    let missing: Vec<Message> = SAFEGUARDS
        .iter()
        .filter(|name| !found.iter().any(|f| f == *name))
        .map(|name| msg!(keys::errors::SCHEMA_MISSING, kind = "trigger", name = *name))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(Error::new(ErrorKind::InvalidLibrary, msg!(keys::errors::LIBRARY_ALTERED, path = at))
        .details(missing)
        .hint(Message::new(keys::errors::server::ALTERED_HINT)))
}
