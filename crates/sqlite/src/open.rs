//! Opening a library: checking a file before anything writes to it, the
//! connection settings, the migrations, and turning SQLite errors into ours.

use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

use policywright_i18n::{Error, ErrorKind, Message, Result, keys, msg};

use crate::wal::{self, Log};

/// One part of a migration: SQL, or work SQLite cannot do (compressing,
/// hashing), done in Rust inside the same transaction.
enum Part {
    Sql(&'static str),
    Rust(fn(&Transaction<'_>, &str) -> Result<()>),
}

/// The schema, one step per entry. A library records how many it has run in
/// `PRAGMA user_version`; a newer file (a larger number) is refused unchanged.
const MIGRATIONS: &[&[Part]] = &[
    &[Part::Sql(include_str!("migrations/0001_init.sql"))],
    &[
        Part::Sql(include_str!("migrations/0002_trail.sql")),
        Part::Rust(crate::migrate::fill_trail),
        Part::Sql(include_str!("migrations/0002_trail_finish.sql")),
    ],
    &[Part::Sql(include_str!("migrations/0003_listing.sql"))],
    &[Part::Sql(include_str!("migrations/0004_handbooks.sql"))],
    &[Part::Sql(include_str!("migrations/0005_draft_by.sql"))],
];

/// The schema version this build writes and the newest it reads.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// `PRAGMA application_id` of a library: "PWLB" in ASCII, set by 0001_init.sql.
const APPLICATION_ID: i64 = 0x5057_4C42;

/// Long enough to outlast another process's save, short enough that a stuck
/// one turns into an error the user can act on.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// A library file as [`open_file`] found it.
pub struct Opened {
    pub conn: Connection,
    /// What the user should know: a log set aside, a read-only file.
    pub notices: Vec<Error>,
    pub read_only: bool,
    /// The schema was checked against ours already (it was current).
    pub schema_checked: bool,
}

/// Opens a library file, creating it if missing. An existing file is
/// checked before anything is written to it, so that a file we refuse (not
/// SQLite, another program's, damaged, altered, newer) stays byte-for-byte
/// as it was: until [`finish`], the connection does not checkpoint its log
/// into the file when it closes.
pub fn open_file(path: &Path, at: &str) -> Result<Opened> {
    let exists = path
        .try_exists()
        .map_err(|e| Error::new(ErrorKind::Io, msg!(keys::errors::LIBRARY_OPEN, path = at, reason = reason(&e))))?;
    let mut notices = Vec::new();
    let mut read_only = false;
    let mut log = Log::None;
    if exists {
        let meta = std::fs::metadata(path)
            .map_err(|e| Error::new(ErrorKind::Io, msg!(keys::errors::LIBRARY_OPEN, path = at, reason = reason(&e))))?;
        if meta.is_dir() {
            return Err(Error::new(ErrorKind::Io, msg!(keys::errors::LIBRARY_IS_FOLDER, path = at))
                .hint(Message::new(keys::errors::LIBRARY_IS_FOLDER_HINT)));
        }
        if !meta.is_file() {
            // SQLite would put a -journal beside /dev/null and write to it.
            return Err(Error::new(ErrorKind::NotAFile, msg!(keys::errors::LIBRARY_NOT_REGULAR, path = at))
                .hint(Message::new(keys::errors::LIBRARY_NOT_REGULAR_HINT)));
        }
        let page_size = check_header(path, at)?;
        log = wal::inspect(path, page_size)
            .map_err(|e| Error::new(ErrorKind::Io, msg!(keys::errors::LIBRARY_OPEN, path = at, reason = reason(&e))))?;
        if let Log::SetAside { wal, moved } = &log {
            notices.push(
                Error::new(
                    ErrorKind::InvalidLibrary,
                    msg!(
                        keys::errors::WAL_SET_ASIDE,
                        wal = wal.display().to_string(),
                        moved = moved.display().to_string()
                    ),
                )
                .hint(Message::new(keys::errors::WAL_SET_ASIDE_HINT)),
            );
        }
        // SQLite would open a write-protected file read-only without a word
        // and fail only at the first save; asking the OS tells us now, and
        // such a library is still opened to be read.
        if let Err(e) = std::fs::OpenOptions::new().read(true).write(true).open(path) {
            match e.kind() {
                std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem => {
                    read_only = true;
                    notices.push(
                        Error::new(ErrorKind::Io, msg!(keys::errors::LIBRARY_OPENED_READ_ONLY, path = at))
                            .hint(Message::new(keys::errors::LIBRARY_OPENED_READ_ONLY_HINT)),
                    );
                }
                _ => {
                    return Err(Error::new(
                        ErrorKind::Io,
                        msg!(keys::errors::LIBRARY_WRITE, path = at, reason = reason(&e)),
                    )
                    .hint(Message::new(keys::errors::LIBRARY_PERMISSIONS_HINT)));
                }
            }
        }
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
    // A log that was already there is not checkpointed into the file by a
    // connection closed on a refusal below; without one, closing has
    // nothing to write back and removes the work files it made.
    let keep_log = log != Log::None;
    let conn = if read_only { open_read_only(path, at)? } else { open_read_write(path, at, keep_log)? };
    conn.busy_timeout(BUSY_TIMEOUT).map_err(|e| db_error(at, e))?;
    // Only reads so far, and no checkpoint on close: a connection dropped on
    // an error path below leaves the file as it was.
    // The full check is for a session that did not close (it may have been
    // cut off mid-write); a clean close leaves no log, and a live process's
    // log is in use, not damaged.
    let schema_checked = inspect(&conn, at, log == Log::Left)?;
    Ok(Opened { conn, notices, read_only, schema_checked })
}

fn open_read_write(path: &Path, at: &str, keep_log: bool) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(|e| db_error(at, e))?;
    if keep_log {
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true).map_err(|e| db_error(at, e))?;
    }
    if conn.is_readonly(rusqlite::MAIN_DB).map_err(|e| db_error(at, e))? {
        return Err(read_only(at));
    }
    Ok(conn)
}

/// A library the user may not write. In WAL mode SQLite needs its `-shm`
/// file even to read; when that cannot be made either (a read-only folder
/// or share), the file is read as immutable, which a file nobody may write
/// is.
fn open_read_only(path: &Path, at: &str) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(|e| db_error(at, e))?;
    let readable = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get::<_, i64>(0)).is_ok();
    if readable {
        return Ok(conn);
    }
    drop(conn);
    let uri = format!("file:{}?immutable=1", uri_path(path));
    Connection::open_with_flags(uri, flags | OpenFlags::SQLITE_OPEN_URI).map_err(|e| db_error(at, e))
}

/// A path as a `file:` URI path: `%`, `?` and `#` escaped.
fn uri_path(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3f"),
            '#' => out.push_str("%23"),
            c => out.push(c),
        }
    }
    if out.starts_with('/') { out } else { format!("/{out}") }
}

/// Once the library is known to be sound: its log may be checkpointed into
/// it again when the connection closes.
pub fn finish(conn: &Connection, at: &str) -> Result<()> {
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, false).map_err(|e| db_error(at, e))?;
    Ok(())
}

/// The first 100 bytes of an SQLite file are its header; reading them
/// ourselves refuses a foreign or newer file before SQLite opens it at all.
/// Returns the page size (0 for an empty file).
fn check_header(path: &Path, at: &str) -> Result<u32> {
    use std::io::Read;
    let mut header = Vec::with_capacity(100);
    std::fs::File::open(path)
        .and_then(|file| file.take(100).read_to_end(&mut header))
        .map_err(|e| Error::new(ErrorKind::Io, msg!(keys::errors::LIBRARY_OPEN, path = at, reason = reason(&e))))?;
    if header.is_empty() {
        // SQLite's view of an empty file: an empty database, a new library.
        return Ok(0);
    }
    if header.len() < 100 || !header.starts_with(b"SQLite format 3\0") {
        return Err(not_a_library(at, keys::errors::NOT_SQLITE));
    }
    let field = |offset: usize| {
        i64::from(i32::from_be_bytes([header[offset], header[offset + 1], header[offset + 2], header[offset + 3]]))
    };
    // In WAL mode the header in the file may lag behind the log; `inspect`
    // and `migrate` read the current values again through SQLite.
    check_identity(at, field(60), field(68), None)?;
    let page_size = u32::from(u16::from_be_bytes([header[16], header[17]]));
    Ok(if page_size == 1 { 65_536 } else { page_size })
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

/// Checks an existing file through SQLite, reading only: what it is, its
/// safeguards when its schema is current (the answer), and with `full` every
/// page.
fn inspect(conn: &Connection, at: &str, full: bool) -> Result<bool> {
    let version: i64 =
        conn.pragma_query_value(None, "user_version", |row| row.get(0)).map_err(|e| inspect_error(at, e))?;
    let application_id: i64 =
        conn.pragma_query_value(None, "application_id", |row| row.get(0)).map_err(|e| inspect_error(at, e))?;
    let tables: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'", [], |row| row.get(0))
        .map_err(|e| inspect_error(at, e))?;
    check_identity(at, version, application_id, Some(tables))?;
    let schema_checked = version == SCHEMA_VERSION;
    if schema_checked {
        check_schema(conn, at)?;
    }
    if full {
        quick_check(conn, at)?;
    }
    Ok(schema_checked)
}

/// `PRAGMA quick_check`: every page of the file, read. A library of
/// hundreds of megabytes takes seconds, so it runs after a session that did
/// not close, and when asked for (`library check`), not at every open.
pub fn quick_check(conn: &Connection, at: &str) -> Result<()> {
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

/// One object of a schema: its type, name, table and SQL.
type SchemaRow = (String, String, String, Option<String>);

fn schema_rows(conn: &Connection) -> rusqlite::Result<Vec<SchemaRow>> {
    let mut stmt = conn.prepare(
        "SELECT type, name, tbl_name, sql FROM sqlite_schema
         WHERE name NOT IN ('sqlite_sequence') AND name NOT LIKE 'sqlite_stat%'
         ORDER BY type, name",
    )?;
    let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)))?;
    rows.collect()
}

/// The schema our migrations make, from an empty database in memory, once.
fn expected_schema() -> &'static [SchemaRow] {
    static EXPECTED: OnceLock<Vec<SchemaRow>> = OnceLock::new();
    EXPECTED.get_or_init(|| {
        let made = (|| -> Result<Vec<SchemaRow>> {
            let mut conn = Connection::open_in_memory().map_err(|e| db_error("", e))?;
            migrate(&mut conn, "", None)?;
            schema_rows(&conn).map_err(|e| db_error("", e))
        })();
        // Our own scripts on an empty database: a failure is a broken
        // build, which every test of this crate shows at once.
        made.unwrap_or_default()
    })
}

/// The sha256 of [`fingerprint`] over the schema our migrations make. A
/// library whose schema has it is checked without building the expected
/// schema in memory, which costs more than the rest of opening; a test
/// keeps it current, and a stale one only makes opening slower.
const EXPECTED_FINGERPRINT: &str = "07830a03922be5327df7f1c28d57823073f8401c1abd2a36c7910247308d5c09";

/// A hash of every object of a schema, each field with its length before
/// it, so that no two schemas share one by moving text between fields.
fn fingerprint(rows: &[SchemaRow]) -> String {
    let mut bytes = Vec::new();
    for (kind, name, table, sql) in rows {
        for field in [Some(kind), Some(name), Some(table), sql.as_ref()] {
            match field {
                Some(text) => {
                    bytes.extend_from_slice(&(text.len() as u64).to_le_bytes());
                    bytes.extend_from_slice(text.as_bytes());
                }
                None => bytes.extend_from_slice(&u64::MAX.to_le_bytes()),
            }
        }
    }
    policywright_model::sha256_hex(&bytes)
}

/// Refuses a library whose tables, triggers, views or indexes are not the
/// ones our migrations made: a dropped or rewritten trigger would let a
/// version be changed or a status be forged.
pub fn check_schema(conn: &Connection, at: &str) -> Result<()> {
    let found = schema_rows(conn).map_err(|e| inspect_error(at, e))?;
    if fingerprint(&found) == EXPECTED_FINGERPRINT {
        return Ok(());
    }
    let expected = expected_schema();
    let mut problems = Vec::new();
    for row in expected {
        match found.iter().find(|f| f.0 == row.0 && f.1 == row.1) {
            None => problems.push(msg!(keys::errors::SCHEMA_MISSING, kind = row.0.as_str(), name = row.1.as_str())),
            Some(f) if f != row => {
                problems.push(msg!(keys::errors::SCHEMA_CHANGED, kind = row.0.as_str(), name = row.1.as_str()));
            }
            Some(_) => {}
        }
    }
    for row in &found {
        if !expected.iter().any(|e| e.0 == row.0 && e.1 == row.1) {
            problems.push(msg!(keys::errors::SCHEMA_ADDED, kind = row.0.as_str(), name = row.1.as_str()));
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(Error::new(ErrorKind::InvalidLibrary, msg!(keys::errors::LIBRARY_ALTERED, path = at))
        .details(problems)
        .hint(msg!(keys::errors::RESTORE_BACKUP_HINT, backup = format!("{at}.bak"))))
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
/// A library with data is first copied to `backup` (when given), so that
/// no migration can cost what was saved.
pub fn migrate(conn: &mut Connection, at: &str, backup: Option<&Path>) -> Result<()> {
    // The common case, an up-to-date library, takes no write lock.
    let before = user_version(conn, at)?;
    if before == SCHEMA_VERSION {
        return Ok(());
    }
    if let Some(path) = backup.filter(|_| before >= 1) {
        back_up(conn, path).map_err(|e| {
            Error::new(ErrorKind::Io, msg!(keys::errors::BACKUP_FAILED, path = path.display().to_string(), reason = e))
                .hint(Message::new(keys::errors::BACKUP_FAILED_HINT))
        })?;
    }
    for (step, parts) in (1..).zip(MIGRATIONS) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(|e| db_error(at, e))?;
        // Read again under the lock: another process may have migrated meanwhile.
        let current = user_version(&tx, at)?;
        if current > SCHEMA_VERSION {
            return Err(newer(at, current));
        }
        if current >= step {
            continue;
        }
        for part in *parts {
            match part {
                Part::Sql(sql) => tx.execute_batch(sql).map_err(|e| db_error(at, e))?,
                Part::Rust(work) => work(&tx, at)?,
            }
        }
        tx.pragma_update(None, "user_version", step).map_err(|e| db_error(at, e))?;
        tx.commit().map_err(|e| db_error(at, e))?;
    }
    Ok(())
}

/// Copies the library, as one consistent snapshot, to `path`: into a
/// temporary file first, so a failed copy never replaces a good backup.
pub fn back_up(conn: &Connection, path: &Path) -> std::result::Result<(), String> {
    // A name of this process's own: two processes opening the library on
    // the same morning both make the day's backup.
    let tmp = wal::companion(path, &format!(".{}.tmp", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    let copied = (|| {
        let mut dst = Connection::open(&tmp)?;
        // All pages in one step, under one read lock: a consistent copy
        // that a save in between cannot make start over.
        let backup = rusqlite::backup::Backup::new(conn, &mut dst)?;
        match backup.step(-1)? {
            rusqlite::backup::StepResult::Done => Ok(()),
            _ => Err(rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY), None)),
        }
    })()
    .map_err(|e| sqlite_message(&e));
    let copied = copied.and_then(|()| std::fs::rename(&tmp, path).map_err(|e| e.to_string()));
    if copied.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    copied
}

/// The daily backup: once a day, at the first open, the library is copied
/// to `library.sqlite.bak`. A failure is told, not fatal: the library itself
/// is sound.
pub fn daily_backup(conn: &Connection, path: &Path, today: &str, at: &str) -> Result<Option<Error>> {
    let last: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = 'backup_day'", [], |row| row.get(0))
        .map(Some)
        .or_else(|e| if e == rusqlite::Error::QueryReturnedNoRows { Ok(None) } else { Err(e) })
        .map_err(|e| db_error(at, e))?;
    if last.as_deref() == Some(today) {
        return Ok(None);
    }
    let backup = wal::companion(path, ".bak");
    if let Err(reason) = back_up(conn, &backup) {
        return Ok(Some(
            Error::new(
                ErrorKind::Io,
                msg!(keys::errors::BACKUP_FAILED, path = backup.display().to_string(), reason = reason),
            )
            .hint(Message::new(keys::errors::BACKUP_FAILED_HINT)),
        ));
    }
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('backup_day', ?1) ON CONFLICT (key) DO UPDATE SET value = ?1",
        [today],
    )
    .map_err(|e| db_error(at, e))?;
    Ok(None)
}

pub fn user_version(conn: &Connection, at: &str) -> Result<i64> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0)).map_err(|e| db_error(at, e))
}

/// A read-only library of an older schema: it cannot be brought up to date.
pub fn read_only_older(at: &str) -> Error {
    Error::new(ErrorKind::Io, msg!(keys::errors::LIBRARY_READ_ONLY, path = at))
        .hint(Message::new(keys::errors::LIBRARY_OPENED_READ_ONLY_HINT))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_expected_fingerprint_is_that_of_the_migrations() {
        let found = fingerprint(expected_schema());
        assert!(!expected_schema().is_empty(), "the migrations make a schema");
        assert_eq!(
            found, EXPECTED_FINGERPRINT,
            "the migrations changed the schema: set EXPECTED_FINGERPRINT in crates/sqlite/src/open.rs to \"{found}\""
        );
    }

    #[test]
    fn a_changed_trigger_changes_the_fingerprint() {
        let mut rows = expected_schema().to_vec();
        let trigger = rows.iter_mut().find(|r| r.0 == "trigger").expect("a trigger");
        trigger.3 = trigger.3.as_ref().map(|sql| sql.replacen("RAISE", "SELECT 1 WHERE 0 AND RAISE", 1));
        assert_ne!(fingerprint(&rows), fingerprint(expected_schema()));
        // Text moved from one field to the next is a different schema.
        let a = [("table".to_string(), "ab".to_string(), "c".to_string(), None)];
        let b = [("table".to_string(), "a".to_string(), "bc".to_string(), None)];
        assert_ne!(fingerprint(&a), fingerprint(&b));
    }
}
