//! Opening a library: checking a file before anything writes to it, the
//! connection settings, the migrations, and turning SQLite errors into ours.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use policywright_i18n::{Error, ErrorKind, Message, Result, keys, msg};

/// The schema, one script per step. A library records how many it has run in
/// `PRAGMA user_version`; a newer file (a larger number) is refused unchanged.
const MIGRATIONS: &[&str] = &[include_str!("migrations/0001_init.sql")];

/// The schema version this build writes and the newest it reads.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// `PRAGMA application_id` of a library: "PWLB" in ASCII, set by 0001_init.sql.
const APPLICATION_ID: i64 = 0x5057_4C42;

/// Long enough to outlast another process's save, short enough that a stuck
/// one turns into an error the user can act on.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Opens a library file, creating it if missing. An existing file is
/// checked before anything is written to it, so that a file we refuse (not
/// SQLite, another program's, damaged, newer) stays byte-for-byte as it was.
pub fn open_file(path: &Path, at: &str) -> Result<Connection> {
    let exists = path
        .try_exists()
        .map_err(|e| Error::new(ErrorKind::Io, msg!(keys::errors::LIBRARY_OPEN, path = at, reason = reason(&e))))?;
    if exists {
        if path.is_dir() {
            return Err(Error::new(ErrorKind::Io, msg!(keys::errors::LIBRARY_IS_FOLDER, path = at))
                .hint(Message::new(keys::errors::LIBRARY_IS_FOLDER_HINT)));
        }
        check_header(path, at)?;
        // SQLite would silently open a write-protected file read-only and
        // fail only at the first save; asking the OS gives the reason now.
        std::fs::OpenOptions::new().read(true).write(true).open(path).map_err(|e| {
            Error::new(ErrorKind::Io, msg!(keys::errors::LIBRARY_WRITE, path = at, reason = reason(&e)))
                .hint(Message::new(keys::errors::LIBRARY_PERMISSIONS_HINT))
        })?;
    } else {
        // Creating the empty file ourselves (an empty file is an empty SQLite
        // database) reports a missing or read-only folder with the OS's reason.
        std::fs::OpenOptions::new().read(true).write(true).create_new(true).open(path).map_err(|e| {
            Error::new(ErrorKind::Io, msg!(keys::errors::LIBRARY_CREATE, path = at, reason = reason(&e))).hint(
                Message::new(match e.kind() {
                    std::io::ErrorKind::NotFound => keys::errors::LIBRARY_CREATE_MISSING_HINT,
                    _ => keys::errors::LIBRARY_CREATE_HINT,
                }),
            )
        })?;
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(|e| db_error(at, e))?;
    if conn.is_readonly(rusqlite::MAIN_DB).map_err(|e| db_error(at, e))? {
        return Err(read_only(at));
    }
    conn.busy_timeout(BUSY_TIMEOUT).map_err(|e| db_error(at, e))?;
    // Only reads so far: a connection that has not written leaves the file
    // as it was when it is dropped, also on the error paths below.
    inspect(&conn, at)?;
    Ok(conn)
}

/// The first 100 bytes of an SQLite file are its header; reading them
/// ourselves refuses a foreign or newer file before SQLite opens it at all.
fn check_header(path: &Path, at: &str) -> Result<()> {
    use std::io::Read;
    let mut header = Vec::with_capacity(100);
    std::fs::File::open(path)
        .and_then(|file| file.take(100).read_to_end(&mut header))
        .map_err(|e| Error::new(ErrorKind::Io, msg!(keys::errors::LIBRARY_OPEN, path = at, reason = reason(&e))))?;
    if header.is_empty() {
        // SQLite's view of an empty file: an empty database, a new library.
        return Ok(());
    }
    if header.len() < 100 || !header.starts_with(b"SQLite format 3\0") {
        return Err(not_a_library(at, keys::errors::NOT_SQLITE));
    }
    let field = |offset: usize| {
        i64::from(i32::from_be_bytes([header[offset], header[offset + 1], header[offset + 2], header[offset + 3]]))
    };
    // In WAL mode the header in the file may lag behind the log; `inspect`
    // and `migrate` read the current values again through SQLite.
    check_identity(at, field(60), field(68), None)
}

/// Refuses another program's database and a newer library. `tables` is the
/// number of tables, when known, to tell a fresh file from a foreign one.
fn check_identity(at: &str, version: i64, application_id: i64, tables: Option<i64>) -> Result<()> {
    let foreign = if version == 0 {
        application_id != 0 || tables.is_some_and(|n| n > 0)
    } else {
        application_id != APPLICATION_ID
    };
    if foreign {
        return Err(not_a_library(at, keys::errors::OTHER_PROGRAM));
    }
    if version > SCHEMA_VERSION {
        return Err(newer(at, version));
    }
    Ok(())
}

/// Checks an existing file through SQLite, reading only.
fn inspect(conn: &Connection, at: &str) -> Result<()> {
    let version: i64 =
        conn.pragma_query_value(None, "user_version", |row| row.get(0)).map_err(|e| inspect_error(at, e))?;
    let application_id: i64 =
        conn.pragma_query_value(None, "application_id", |row| row.get(0)).map_err(|e| inspect_error(at, e))?;
    let tables: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'", [], |row| row.get(0))
        .map_err(|e| inspect_error(at, e))?;
    check_identity(at, version, application_id, Some(tables))?;
    let problems: Vec<String> = conn
        .prepare("PRAGMA quick_check")
        .and_then(|mut stmt| stmt.query_map([], |row| row.get(0))?.collect())
        .map_err(|e| inspect_error(at, e))?;
    if problems != ["ok"] {
        // SQLite may put several problems in one row, under a heading line.
        let problems: Vec<&str> =
            problems.iter().flat_map(|p| p.lines()).filter(|line| !line.starts_with("*** ")).collect();
        const SHOWN: usize = 3;
        let mut err = Error::new(ErrorKind::InvalidLibrary, msg!(keys::errors::LIBRARY_DAMAGED, path = at))
            .details(problems.iter().take(SHOWN).map(|p| msg!(keys::errors::SQLITE_SAYS, text = *p)));
        if problems.len() > SHOWN {
            err = err.detail(msg!(keys::errors::MORE_PROBLEMS, count = problems.len() - SHOWN));
        }
        return Err(err.hint(Message::new(keys::errors::RESTORE_UNCHANGED_HINT)));
    }
    Ok(())
}

/// During inspection, a file SQLite cannot make sense of is a bad file rather
/// than a failed read.
fn inspect_error(at: &str, e: rusqlite::Error) -> Error {
    use rusqlite::ffi::ErrorCode as Sqlite;
    match e.sqlite_error_code() {
        Some(Sqlite::NotADatabase) => not_a_library(at, keys::errors::NOT_SQLITE),
        Some(Sqlite::DatabaseCorrupt) => {
            Error::new(ErrorKind::InvalidLibrary, msg!(keys::errors::LIBRARY_DAMAGED, path = at))
                .detail(msg!(keys::errors::SQLITE_SAYS, text = sqlite_message(&e)))
                .hint(Message::new(keys::errors::RESTORE_UNCHANGED_HINT))
        }
        _ => db_error(at, e),
    }
}

fn not_a_library(at: &str, what: policywright_i18n::Key) -> Error {
    Error::new(ErrorKind::InvalidLibrary, msg!(keys::errors::NOT_A_LIBRARY, path = at))
        .detail(Message::new(what))
        .hint(Message::new(keys::errors::NOT_A_LIBRARY_HINT))
}

pub fn newer(at: &str, version: i64) -> Error {
    Error::new(
        ErrorKind::UnsupportedSchema,
        msg!(keys::errors::NEWER_LIBRARY, path = at, version = version, max = SCHEMA_VERSION),
    )
    .hint(Message::new(keys::errors::NEWER_LIBRARY_HINT))
}

use policywright_i18n::io_reason as reason;

/// The settings every connection gets, file or memory.
pub fn configure(conn: &Connection, at: &str) -> Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT).map_err(|e| db_error(at, e))?;
    // WAL: readers never block the writer, and a commit is one append to the
    // log, which a crash either completes or discards. A filesystem without
    // shared memory keeps the rollback journal, which is just as safe, only
    // slower, so the answer is not checked.
    let _mode: String =
        conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0)).map_err(|e| db_error(at, e))?;
    // FULL syncs the log at every commit: a save that returned survives a
    // power cut, not just a crash of the process.
    conn.pragma_update(None, "synchronous", "FULL").map_err(|e| db_error(at, e))?;
    conn.pragma_update(None, "foreign_keys", "ON").map_err(|e| db_error(at, e))?;
    Ok(())
}

/// Runs the migrations this library lacks, each in its own transaction with
/// its `user_version`, so a crash leaves the schema at one step or the next.
pub fn migrate(conn: &mut Connection, at: &str) -> Result<()> {
    // The common case, an up-to-date library, takes no write lock.
    if user_version(conn, at)? == SCHEMA_VERSION {
        return Ok(());
    }
    for (step, sql) in (1..).zip(MIGRATIONS) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(|e| db_error(at, e))?;
        // Read again under the lock: another process may have migrated meanwhile.
        let current = user_version(&tx, at)?;
        if current > SCHEMA_VERSION {
            return Err(newer(at, current));
        }
        if current >= step {
            continue;
        }
        tx.execute_batch(sql).map_err(|e| db_error(at, e))?;
        tx.pragma_update(None, "user_version", step).map_err(|e| db_error(at, e))?;
        tx.commit().map_err(|e| db_error(at, e))?;
    }
    Ok(())
}

fn user_version(conn: &Connection, at: &str) -> Result<i64> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0)).map_err(|e| db_error(at, e))
}

fn read_only(at: &str) -> Error {
    Error::new(ErrorKind::Io, msg!(keys::errors::LIBRARY_READ_ONLY, path = at))
        .hint(Message::new(keys::errors::LIBRARY_READ_ONLY_HINT))
}

pub fn busy() -> Error {
    Error::new(ErrorKind::Busy, Message::new(keys::errors::BUSY)).hint(Message::new(keys::errors::BUSY_HINT))
}

/// SQLite's own message, without rusqlite's wrapping.
fn sqlite_message(e: &rusqlite::Error) -> String {
    match e {
        rusqlite::Error::SqliteFailure(_, Some(message)) => message.clone(),
        rusqlite::Error::SqliteFailure(err, None) => err.to_string(),
        other => other.to_string(),
    }
}

/// Maps an SQLite failure to our error. `at` names the library.
pub fn db_error(at: &str, e: rusqlite::Error) -> Error {
    use rusqlite::ffi::ErrorCode as Sqlite;
    let message = sqlite_message(&e);
    match e.sqlite_error_code() {
        Some(Sqlite::DatabaseBusy | Sqlite::DatabaseLocked) => busy(),
        Some(Sqlite::ReadOnly) => read_only(at),
        Some(Sqlite::CannotOpen | Sqlite::PermissionDenied) => {
            Error::new(ErrorKind::Io, msg!(keys::errors::LIBRARY_OPEN, path = at, reason = message))
                .hint(Message::new(keys::errors::LIBRARY_WORK_FILES_HINT))
        }
        Some(Sqlite::DiskFull) => Error::new(ErrorKind::Io, msg!(keys::errors::DISK_FULL, path = at))
            .hint(Message::new(keys::errors::DISK_FULL_HINT)),
        Some(Sqlite::DatabaseCorrupt | Sqlite::NotADatabase) => {
            Error::new(ErrorKind::InvalidLibrary, msg!(keys::errors::LIBRARY_DAMAGED, path = at))
                .detail(msg!(keys::errors::SQLITE_SAYS, text = message))
                .hint(Message::new(keys::errors::RESTORE_HINT))
        }
        Some(Sqlite::SystemIoFailure) => {
            Error::new(ErrorKind::Io, msg!(keys::errors::LIBRARY_IO, path = at, reason = message))
        }
        _ => match e {
            // A value SQLite holds but our types refuse: only a hand-edited
            // or damaged file gets here.
            rusqlite::Error::FromSqlConversionFailure(..) | rusqlite::Error::IntegralValueOutOfRange(..) => {
                Error::new(ErrorKind::InvalidLibrary, msg!(keys::errors::LIBRARY_DAMAGED, path = at))
                    .detail(msg!(keys::errors::LIBRARY_UNEXPECTED, reason = e.to_string()))
                    .hint(Message::new(keys::errors::RESTORE_HINT))
            }
            _ => Error::new(ErrorKind::Io, msg!(keys::errors::LIBRARY_UNUSABLE, path = at, reason = message)),
        },
    }
}
