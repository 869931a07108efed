//! The version store: drafts, numbered immutable versions, the status
//! workflow, and what happens to the file when things go wrong: files that are
//! not libraries, read-only folders, a process killed mid-save, two writers.
//!
//! The tests of what the library keeps, whatever holds it, run on both
//! backends: each is a function of a [`Lib`], and `on_both!` makes a test of
//! it in `on_sqlite` and in `on_postgres` (a throw-away cluster, `crate::pg`).
//! What only a file can suffer (WAL, damaged pages, read-only folders)
//! stays SQLite's.
//!
//! The crash, concurrency and read-only tests run this test binary again as a
//! child process. The child is an ignored `#[test]` (`crash_child`, …) that
//! fails when it is run on its own, without the environment its parent sets,
//! so that it can never pass without testing anything.

use std::fmt::Debug;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use policywright_i18n::{Error, ErrorKind, Locale as Lang};
use policywright_model::{self as model, Locale, Policy};
use policywright_postgres::Postgres;
use policywright_sqlite::{SCHEMA_VERSION, Sqlite};
use policywright_store::{Bump, Library as Store, Status, VersionInfo};
use serde_json::json;

use crate::{edited, pg, preset};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Engine {
    Sqlite,
    Postgres,
}

/// One test's library, on either backend: opened as the app opens it, and
/// reached with raw SQL as another program (or a person with a SQL shell)
/// would.
struct Lib {
    engine: Engine,
    /// The SQLite file's folder; unused on PostgreSQL.
    dir: tempfile::TempDir,
    /// The file's path, or the server's address.
    address: String,
    /// The database's name on the server.
    db: String,
}

impl Lib {
    fn new(engine: Engine) -> Lib {
        let dir = tempdir();
        let (address, db) = match engine {
            Engine::Sqlite => (dir.path().join("library.sqlite").display().to_string(), String::new()),
            Engine::Postgres => {
                let address = pg::cluster().database();
                let db = address.split('/').nth(3).and_then(|s| s.split('?').next()).unwrap_or_default().to_string();
                (address, db)
            }
        };
        Lib { engine, dir, address, db }
    }

    fn open(&self) -> policywright_i18n::Result<Store> {
        match self.engine {
            Engine::Sqlite => open(Path::new(&self.address)),
            Engine::Postgres => Ok(Store::new(Box::new(Postgres::connect(&self.address)?))),
        }
    }

    /// How errors name the library: its path, or its address.
    fn shown(&self) -> String {
        match self.engine {
            Engine::Sqlite => self.address.clone(),
            Engine::Postgres => {
                format!("postgres://{}@/{}?host={}", pg::SUPERUSER, self.db, pg::cluster().socket_dir().display())
            }
        }
    }

    /// Runs raw SQL as the library's owner; the database's refusal as text.
    fn sql(&self, sql: &str) -> Result<(), String> {
        match self.engine {
            Engine::Sqlite => raw(Path::new(&self.address)).execute_batch(sql).map_err(|e| e.to_string()),
            Engine::Postgres => pg::cluster()
                .client(&self.db, pg::SUPERUSER)
                .batch_execute(sql)
                .map_err(|e| e.as_db_error().map_or_else(|| e.to_string(), |d| d.message().to_string())),
        }
    }

    /// The rows of a query of one text column.
    fn texts(&self, sql: &str) -> Vec<String> {
        match self.engine {
            Engine::Sqlite => {
                let conn = raw(Path::new(&self.address));
                let mut stmt = conn.prepare(sql).expect("prepare");
                stmt.query_map([], |r| r.get(0)).expect("query").collect::<Result<_, _>>().expect("rows")
            }
            Engine::Postgres => {
                let rows = pg::cluster().client(&self.db, pg::SUPERUSER).query(sql, &[]).expect(sql);
                rows.iter().map(|r| r.get(0)).collect()
            }
        }
    }

    /// Who the library records for a person who gave `name`: the name on
    /// SQLite, the database user on a server.
    fn who(&self, name: &str) -> String {
        match self.engine {
            Engine::Sqlite => name.to_string(),
            Engine::Postgres => pg::SUPERUSER.to_string(),
        }
    }

    /// A time the library recorded for an action the caller timed `given`:
    /// that on SQLite; on a server, its own clock, within the last minutes.
    fn assert_time(&self, found: &str, given: &str) {
        match self.engine {
            Engine::Sqlite => assert_eq!(found, given),
            Engine::Postgres => {
                assert_ne!(found, given, "the server's clock, not the caller's");
                let sql = format!(
                    "SELECT (length('{found}') = 20 AND '{found}'::timestamptz BETWEEN now() - interval '10 minutes'                      AND now())::text"
                );
                assert_eq!(self.texts(&sql), ["true"], "{found} is the server's time of the action");
            }
        }
    }
}

/// A test of each named function, on each backend.
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $( #[test] fn $name() { super::$name(super::Lib::new(super::Engine::Sqlite)) } )*
        }
        mod on_postgres {
            $( #[test] fn $name() { super::$name(super::Lib::new(super::Engine::Postgres)) } )*
        }
    };
}

on_both!(
    import_and_draft_round_trip,
    versions_are_numbered_1_0_then_minor_and_major_bumps,
    an_unchanged_draft_returns_the_latest_version,
    an_invalid_draft_is_kept_but_not_saved_as_a_version,
    unknown_policies_and_versions_are_named,
    status_moves_forward_and_publishing_supersedes,
    versions_and_status_events_cannot_be_changed_in_the_database,
    a_tampered_version_fails_its_hash_check,
    archive_hides_and_restore_shows_a_policy,
    a_newer_library_is_refused_and_left_unchanged,
    handbooks_are_saved_changed_and_deleted,
    a_draft_replaced_since_an_editor_opened_it_is_not_written_over,
);

#[test]
fn both_backends_have_one_schema_version() {
    assert_eq!(policywright_postgres::SCHEMA_VERSION, SCHEMA_VERSION);
}

/// A library file, as the app and the CLI open it.
fn open(path: &Path) -> policywright_i18n::Result<Store> {
    Ok(Store::new(Box::new(Sqlite::open(path)?)))
}

fn in_memory() -> policywright_i18n::Result<Store> {
    Ok(Store::new(Box::new(Sqlite::open_in_memory()?)))
}

/// The environment variable a child test needs, or a failure that says how
/// to run it: a child run on its own must not pass.
fn child_env(name: &str, parent: &str) -> std::ffi::OsString {
    std::env::var_os(name).unwrap_or_else(|| panic!("this test is run by `{parent}`, which sets {name}; run that one"))
}

const NOW: &str = "2027-01-01T09:00:00Z";

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

fn failure<T: Debug>(result: policywright_i18n::Result<T>) -> Error {
    result.expect_err("the call fails")
}

/// A preset whose title (and so whose content hash) is `title`.
fn titled(title: &str) -> Policy {
    let mut policy = preset(Locale::En);
    policy.document.title = title.to_string();
    policy
}

fn labels(history: &[VersionInfo]) -> Vec<String> {
    history.iter().map(|v| v.label.to_string()).collect()
}

fn raw(path: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).expect("raw connection")
}

fn integrity(path: &Path) -> String {
    raw(path).query_row("PRAGMA integrity_check", [], |row| row.get(0)).expect("integrity_check runs")
}

/// Every file in the folder with its size and sha256, to show that a refused
/// open wrote nothing, not even SQLite's -wal and -shm files.
fn snapshot(dir: &Path) -> Vec<(String, usize, String)> {
    use sha2::{Digest, Sha256};
    let mut files: Vec<(String, usize, String)> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| {
            let path = e.expect("dir entry").path();
            let bytes = std::fs::read(&path).expect("read file");
            let hash = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
            (path.display().to_string(), bytes.len(), hash)
        })
        .collect();
    files.sort();
    files
}

/// Two people edit one policy: the second to save is told who saved first
/// and when, and neither the draft nor a version takes their text until
/// they choose to go on from the newer draft.
fn a_draft_replaced_since_an_editor_opened_it_is_not_written_over(lib: Lib) {
    let mut store = lib.open().expect("opens");
    let id = store.import(&titled("Opened by both"), NOW).expect("imports");
    let opened = store.draft_stamp(id).expect("stamp");
    assert_eq!(opened.revision, 1);

    let later = "2027-01-01T09:05:00Z";
    let theirs = store.set_draft_from(id, &titled("Li Na's draft"), Some(opened.revision), "Li Na", later);
    let theirs = theirs.expect("the first save goes in");
    assert_eq!(theirs.revision, 2);
    assert_eq!(theirs.saved_by, lib.who("Li Na"));
    lib.assert_time(&theirs.saved_at, later);
    assert_eq!(store.draft_stamp(id).expect("stamp"), theirs);

    let err = failure(store.set_draft_from(id, &titled("Wang Fang's draft"), Some(opened.revision), "Wang Fang", NOW));
    assert_eq!(err.kind, ErrorKind::Conflict);
    let when = format!("{} {} UTC", &theirs.saved_at[..10], &theirs.saved_at[11..16]);
    assert_eq!(
        err.to_string(),
        format!(
            "{} saved a newer draft of policy {id} at {when}, after you opened it, so yours was not written over it\n  \
             hint: your text is kept on this computer; look at their draft, then keep yours or theirs",
            theirs.saved_by,
        )
    );
    let err = failure(store.save_as_version_from(
        id,
        &titled("Wang Fang's draft"),
        Some(opened.revision),
        Bump::Minor,
        "Wang Fang",
        "First issue",
        NOW,
    ));
    assert_eq!(err.kind, ErrorKind::Conflict);
    assert_eq!(store.draft(id).expect("draft").document.title, "Li Na's draft");
    assert!(store.history(id).expect("history").is_empty(), "no version was saved");

    // Having seen theirs, going on from it is allowed.
    let mine = store.set_draft_from(id, &titled("Wang Fang's draft"), Some(theirs.revision), "Wang Fang", NOW);
    assert_eq!(mine.expect("goes on from the newer draft").saved_by, lib.who("Wang Fang"));
    let saved = store
        .save_as_version_from(id, &titled("Wang Fang's draft"), Some(3), Bump::Minor, "Wang Fang", "First issue", NOW)
        .expect("saves");
    assert_eq!(saved.version.label.to_string(), "1.0");
}

fn import_and_draft_round_trip(lib: Lib) {
    let zh = preset(Locale::ZhCn);
    let id = {
        let mut store = lib.open().expect("creates the library");
        let id = store.import(&zh, NOW).expect("imports");
        assert_eq!(id, 1);
        assert_eq!(store.draft(id).expect("draft"), zh);
        id
    };

    match lib.engine {
        Engine::Sqlite => {
            let conn = raw(Path::new(&lib.address));
            let pragma = |name: &str| -> String {
                conn.query_row(&format!("SELECT CAST({name} AS TEXT) FROM pragma_{name}"), [], |row| row.get(0))
                    .expect("pragma")
            };
            assert_eq!(pragma("journal_mode"), "wal");
            assert_eq!(pragma("user_version"), SCHEMA_VERSION.to_string());
            assert_eq!(pragma("application_id"), 0x5057_4C42.to_string());
        }
        Engine::Postgres => {
            assert_eq!(lib.texts("SELECT version::text FROM policywright_schema"), [SCHEMA_VERSION.to_string()]);
        }
    }

    let mut store = lib.open().expect("reopens");
    assert_eq!(store.draft(id).expect("draft"), zh);
    // An invalid draft is stored as it is: autosave never refuses.
    let broken = edited(Locale::En, &[("document.title", json!("")), ("appraisal.indicators[0].weight", json!(1))]);
    assert!(model::validate::validate(&broken).has_errors());
    store.set_draft(id, &broken, "2027-01-02T10:00:00Z").expect("an invalid draft is saved");
    drop(store);
    let store = lib.open().expect("reopens");
    assert_eq!(store.draft(id).expect("draft"), broken);
    let list = store.list(false).expect("list");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].title, "");
    // A draft is stamped as versions are: on a server, by its clock.
    lib.assert_time(&list[0].updated_at, "2027-01-02T10:00:00Z");
}

fn versions_are_numbered_1_0_then_minor_and_major_bumps(lib: Lib) {
    let mut store = lib.open().expect("opens");
    let id = store.import(&titled("v0"), NOW).expect("imports");
    assert!(store.latest(id).expect("latest").is_none());
    assert!(store.history(id).expect("history").is_empty());

    // The first version is 1.0 whatever the bump.
    let steps =
        [(Bump::Major, "1.0"), (Bump::Minor, "1.1"), (Bump::Minor, "1.2"), (Bump::Major, "2.0"), (Bump::Minor, "2.1")];
    let mut saved = Vec::new();
    for (i, (bump, label)) in steps.into_iter().enumerate() {
        let mut policy = titled(&format!("v{i}"));
        policy.document.effective_date = format!("2027-0{}-01", i + 1);
        store.set_draft(id, &policy, NOW).expect("draft");
        let at = format!("2027-01-0{}T09:00:00Z", i + 1);
        let outcome = store.save_version(id, bump, "Wang Fang", &format!("note {i}"), &at).expect("saves");
        assert!(!outcome.unchanged);
        let v = &outcome.version;
        assert_eq!(v.label.to_string(), label);
        assert_eq!(v.status, Status::Draft);
        assert_eq!((v.author.as_str(), v.note.as_str()), (&*lib.who("Wang Fang"), &*format!("note {i}")));
        lib.assert_time(&v.created_at, &at);
        assert_eq!(v.effective_date, policy.document.effective_date);
        assert_eq!(v.content_hash, model::content_hash(&policy));
        // The preset's empty company name is a warning, which does not block.
        assert!(outcome.warnings.iter().any(|w| w.path == "document.company"), "{:?}", outcome.warnings);
        saved.push((v.clone(), policy));
    }

    let history = store.history(id).expect("history");
    assert_eq!(labels(&history), ["1.0", "1.1", "1.2", "2.0", "2.1"]);
    for (info, policy) in &saved {
        assert!(history.contains(info));
        let (read, content) = store.version(id, &info.label.to_string()).expect("reads the version");
        assert_eq!(&read, info);
        // A version stores the content; its revision history is the library's.
        let mut stored = policy.clone();
        stored.document.revisions.clear();
        assert_eq!(content, stored);
    }
    let (latest, content) = store.latest(id).expect("latest").expect("has versions");
    assert_eq!(latest.label.to_string(), "2.1");
    assert_eq!(content.document.title, "v4");
    assert_eq!(serde_json::to_value(latest.label).expect("serialises"), json!("2.1"));
    // Saving versions leaves the draft alone.
    assert_eq!(store.draft(id).expect("draft").document.title, "v4");
}

fn an_unchanged_draft_returns_the_latest_version(lib: Lib) {
    let mut store = lib.open().expect("opens");
    let id = store.import(&titled("same"), NOW).expect("imports");
    let first = store.save_version(id, Bump::Minor, "a", "first", NOW).expect("saves");
    assert!(!first.unchanged);

    for bump in [Bump::Minor, Bump::Major] {
        let again = store.save_version(id, bump, "b", "again", "2027-02-01T00:00:00Z").expect("saves");
        assert!(again.unchanged);
        assert_eq!(again.version, first.version, "the existing version, with its own author and note");
    }
    // Changing the draft and changing it back is still no change.
    store.set_draft(id, &titled("other"), NOW).expect("draft");
    store.set_draft(id, &titled("same"), NOW).expect("draft");
    assert!(store.save_version(id, Bump::Minor, "c", "back", NOW).expect("saves").unchanged);
    assert_eq!(labels(&store.history(id).expect("history")), ["1.0"]);

    store.set_draft(id, &titled("changed"), NOW).expect("draft");
    let next = store.save_version(id, Bump::Minor, "d", "changed", NOW).expect("saves");
    assert!(!next.unchanged);
    assert_eq!(next.version.label.to_string(), "1.1");
}

fn an_invalid_draft_is_kept_but_not_saved_as_a_version(lib: Lib) {
    let mut store = lib.open().expect("opens");
    let id = store.import(&preset(Locale::En), NOW).expect("imports");
    let broken = edited(Locale::En, &[("document.title", json!("")), ("document.effective_date", json!("2027-02-30"))]);
    store.set_draft(id, &broken, NOW).expect("an invalid draft is accepted");

    let err = failure(store.save_version(id, Bump::Minor, "a", "n", NOW));
    assert_eq!(err.kind, ErrorKind::InvalidPolicy);
    assert_eq!(
        err.to_string(),
        "policy 1 cannot be saved as a version: its draft has 2 errors
  document.title: is empty
  hint: give the policy a title
  document.effective_date: \"2027-02-30\" is not a valid date
  hint: write the date as YYYY-MM-DD, e.g. 2027-01-01
  the draft is kept as it is; fix it, then save again"
    );
    assert_eq!(store.draft(id).expect("draft"), broken);
    assert!(store.history(id).expect("history").is_empty());
}

fn unknown_policies_and_versions_are_named(lib: Lib) {
    let mut store = lib.open().expect("opens");
    let id = store.import(&preset(Locale::En), NOW).expect("imports");

    let err = failure(store.draft(42));
    assert_eq!(err.kind, ErrorKind::NotFound);
    assert_eq!(
        err.to_string(),
        "there is no policy 42 in the library\n  hint: list the library to see the numbers of its policies"
    );
    assert_eq!(
        failure(store.set_draft(42, &preset(Locale::En), NOW)).message.to_string(),
        "there is no policy 42 in the library"
    );
    assert_eq!(
        failure(store.save_version(42, Bump::Minor, "a", "n", NOW)).message.to_string(),
        "there is no policy 42 in the library"
    );
    assert_eq!(failure(store.history(42)).message.to_string(), "there is no policy 42 in the library");
    assert_eq!(failure(store.archive(42)).message.to_string(), "there is no policy 42 in the library");

    assert_eq!(
        failure(store.set_status(id, "1.0", Status::InReview, "a", NOW)).to_string(),
        "policy 1 has no version 1.0\n  hint: it has no versions yet; save the draft as a version first"
    );
    store.save_version(id, Bump::Minor, "a", "n", NOW).expect("saves");
    let err = failure(store.version(id, "9.9"));
    assert_eq!(err.kind, ErrorKind::NotFound);
    assert_eq!(err.to_string(), "policy 1 has no version 9.9\n  hint: its only version is 1.0; the history lists it");
    assert_eq!(
        failure(store.version(id, "1.01")).to_string(),
        "\"1.01\" is not a version number\n  hint: write it as MAJOR.MINOR, e.g. 1.2"
    );
}

fn status_moves_forward_and_publishing_supersedes(lib: Lib) {
    let mut store = lib.open().expect("opens");
    let id = store.import(&titled("a"), NOW).expect("imports");
    store.save_version(id, Bump::Minor, "a", "n", NOW).expect("1.0");
    store.set_draft(id, &titled("b"), NOW).expect("draft");
    store.save_version(id, Bump::Minor, "a", "n", NOW).expect("1.1");

    let status = |store: &Store| -> Vec<(String, Status)> {
        store.history(id).expect("history").into_iter().map(|v| (v.label.to_string(), v.status)).collect()
    };
    let steps = [
        ("1.0", Status::InReview, "t1"),
        ("1.0", Status::Draft, "t2"),
        ("1.0", Status::InReview, "t3"),
        ("1.0", Status::Approved, "t4"),
        ("1.0", Status::Published, "t5"),
        ("1.1", Status::InReview, "t6"),
        ("1.1", Status::Approved, "t7"),
    ];
    for (label, to, at) in steps {
        store.set_status(id, label, to, "Li Lei", at).expect("allowed step");
    }
    assert_eq!(status(&store), [("1.0".to_string(), Status::Published), ("1.1".to_string(), Status::Approved)]);
    let summary = &store.list(false).expect("list")[0];
    assert_eq!(
        (summary.latest.map(|l| l.to_string()), summary.status),
        (Some("1.1".to_string()), Some(Status::Approved))
    );
    lib.assert_time(&summary.updated_at, "t7");

    store.set_status(id, "1.1", Status::Published, "Zhao Min", "t8").expect("publishes");
    assert_eq!(status(&store), [("1.0".to_string(), Status::Superseded), ("1.1".to_string(), Status::Published)]);

    let err = failure(store.set_status(id, "1.0", Status::Published, "x", "t9"));
    assert_eq!(err.kind, ErrorKind::InvalidTransition);
    assert_eq!(
        err.to_string(),
        "version 1.0 of policy 1 cannot go from superseded to published
  superseded is the final status; it does not change any more
  hint: to change an approved text, edit the draft and save a new version"
    );
    store.set_draft(id, &titled("c"), NOW).expect("draft");
    store.save_version(id, Bump::Major, "a", "n", NOW).expect("2.0");
    assert_eq!(
        failure(store.set_status(id, "2.0", Status::Approved, "x", "t9")).to_string(),
        "version 2.0 of policy 1 cannot go from draft to approved\n  from draft it can go to: in review"
    );
    assert_eq!(
        failure(store.set_status(id, "1.1", Status::Draft, "x", "t9")).to_string(),
        "version 1.1 of policy 1 cannot go from published to draft
  from published it can go to: superseded
  hint: to change an approved text, edit the draft and save a new version"
    );
    store.set_status(id, "2.0", Status::InReview, "x", "t10").expect("review");
    assert_eq!(
        failure(store.set_status(id, "2.0", Status::InReview, "x", "t11")).to_string(),
        "version 2.0 of policy 1 cannot go from in review to in review\n  from in review it can go to: approved, draft"
    );
    drop(store);

    // The log holds every step, the automatic one included, in order:
    // each under the name given, or on a server its user and its time.
    let events = lib.texts(
        "SELECT v.major || '.' || v.minor || ' ' || e.from_status || '>' || e.to_status || ' ' || e.changed_by
         FROM status_events e JOIN versions v ON v.id = e.version_id ORDER BY e.id",
    );
    let times = lib.texts("SELECT changed_at FROM status_events ORDER BY id");
    let expected = [
        ("1.0 draft>in-review", "Li Lei", "t1"),
        ("1.0 in-review>draft", "Li Lei", "t2"),
        ("1.0 draft>in-review", "Li Lei", "t3"),
        ("1.0 in-review>approved", "Li Lei", "t4"),
        ("1.0 approved>published", "Li Lei", "t5"),
        ("1.1 draft>in-review", "Li Lei", "t6"),
        ("1.1 in-review>approved", "Li Lei", "t7"),
        ("1.0 published>superseded", "Zhao Min", "t8"),
        ("1.1 approved>published", "Zhao Min", "t8"),
        ("2.0 draft>in-review", "x", "t10"),
    ];
    assert_eq!(events, expected.map(|(step, who, _)| format!("{step} {}", lib.who(who))));
    assert_eq!(times.len(), expected.len());
    for (time, (_, _, given)) in times.iter().zip(expected) {
        lib.assert_time(time, given);
    }
    if lib.engine == Engine::Postgres {
        // The name the person typed stays beside the server's user.
        let names = lib.texts("SELECT changed_by_name FROM status_events ORDER BY id");
        assert_eq!(names, expected.map(|(_, who, _)| who.to_string()));
    }
}

fn versions_and_status_events_cannot_be_changed_in_the_database(lib: Lib) {
    let mut store = lib.open().expect("opens");
    let id = store.import(&preset(Locale::En), NOW).expect("imports");
    store.save_version(id, Bump::Minor, "a", "n", NOW).expect("saves");
    store.set_status(id, "1.0", Status::InReview, "a", NOW).expect("review");

    // A second connection, as another program would open the library.
    let refused = |sql: &str| lib.sql(sql).expect_err(sql);
    let pg = lib.engine == Engine::Postgres;
    assert_eq!(refused("UPDATE versions SET note = 'rewritten'"), "versions are immutable; save a new version instead");
    assert_eq!(refused("DELETE FROM versions"), "versions are immutable; they cannot be deleted");
    assert_eq!(refused("UPDATE status_events SET to_status = 'published'"), "status events are append-only");
    assert_eq!(refused("DELETE FROM status_events"), "status events are append-only");
    if pg {
        // TRUNCATE passes row triggers by; it has triggers of its own.
        assert_eq!(refused("TRUNCATE versions CASCADE"), "versions are immutable; they cannot be deleted");
        assert_eq!(refused("TRUNCATE status_events"), "status events are append-only");
    } else {
        assert_eq!(
            refused("UPDATE version_contents SET content = x'00'"),
            "versions are immutable; save a new version instead"
        );
        assert_eq!(refused("DELETE FROM version_contents"), "versions are immutable; they cannot be deleted");
    }
    // On a server, who and when must be the server's own.
    let (by, at) = if pg { ("current_user", "policywright_now()") } else { ("'x'", "'y'") };
    let event = |from: &str, to: &str, seq: u32| {
        format!(
            "INSERT INTO status_events (version_id, policy_id, seq, from_status, to_status, changed_by, changed_at,
                                        chain_hash)
             VALUES (1, 1, {seq}, '{from}', '{to}', {by}, {at}, '{}')",
            "0".repeat(64)
        )
    };
    let forbidden = refused(&event("in-review", "published", 3));
    let check =
        if pg { "new row for relation \"status_events\" violates check constraint" } else { "CHECK constraint failed" };
    assert!(forbidden.starts_with(check), "a step the workflow forbids is refused: {forbidden}");
    // Regression: `'approved' → 'published'` was accepted for a version in
    // review, and `history` then showed it as published.
    assert_eq!(refused(&event("approved", "published", 3)), "a status change starts from the version's current status");
    assert_eq!(
        refused(&event("in-review", "approved", 9)),
        "a status change takes the next place in its policy's trail"
    );
    if pg {
        let forged = event("in-review", "approved", 3).replace("current_user", "'Director Li'");
        assert_eq!(refused(&forged), "a status change is recorded under the database user and the server's time");
        let backdated = event("in-review", "approved", 3).replace("policywright_now()", "'2020-01-01T00:00:00Z'");
        assert_eq!(refused(&backdated), "a status change is recorded under the database user and the server's time");
    }
    assert_eq!(refused("UPDATE policies SET trail_seq = 0"), "the trail of a policy only moves forward");
    assert_eq!(
        refused("UPDATE policies SET issued_minor = 0, issued_major = 0"),
        "the trail of a policy only moves forward"
    );
    // Even with foreign keys off, as they are in a raw SQLite connection.
    let deleted = refused("DELETE FROM policies");
    if pg {
        assert!(deleted.contains("violates foreign key constraint"), "{deleted}");
    } else {
        assert_eq!(deleted, "a policy with versions cannot be deleted; archive it instead");
    }
    let (info, _) = store.version(id, "1.0").expect("the version is intact");
    assert_eq!(info.note, "n");
}

fn a_tampered_version_fails_its_hash_check(lib: Lib) {
    let mut store = lib.open().expect("opens");
    let id = store.import(&titled("Original"), NOW).expect("imports");
    store.save_version(id, Bump::Minor, "a", "n", NOW).expect("1.0");
    store.set_draft(id, &titled("Second"), NOW).expect("draft");
    let saved = store.save_version(id, Bump::Minor, "a", "n", NOW).expect("1.1").version;
    drop(store);
    let content = match lib.engine {
        Engine::Sqlite => tamper_sqlite(Path::new(&lib.address)),
        Engine::Postgres => {
            // The owner switches the trigger off and on again around it.
            lib.sql(
                "ALTER TABLE versions DISABLE TRIGGER versions_no_update;
                 UPDATE versions SET content = replace(content, '\"Second\"', '\"Forged\"') WHERE id = 2;
                 ALTER TABLE versions ENABLE TRIGGER versions_no_update;",
            )
            .expect("tampers");
            lib.texts("SELECT content FROM versions WHERE id = 2").remove(0)
        }
    };
    assert!(content.contains("\"Forged\""));
    let actual = {
        use sha2::{Digest, Sha256};
        Sha256::digest(content.as_bytes()).iter().map(|b| format!("{b:02x}")).collect::<String>()
    };

    let store = lib.open().expect("the library itself is sound");
    let expected = format!(
        "version 1.1 of policy 1 is damaged: its content does not match its hash
  recorded sha256 {}, content hashes to {actual}
  hint: restore the library from a backup",
        saved.content_hash
    );
    let err = failure(store.version(id, "1.1"));
    assert_eq!(err.kind, ErrorKind::InvalidLibrary);
    assert_eq!(err.to_string(), expected);
    assert_eq!(failure(store.latest(id)).to_string(), expected);
    assert_eq!(store.version(id, "1.0").expect("1.0 is untouched").1.document.title, "Original");
    // The content alone changed, so the trail is intact; `library check`
    // reads every version and finds it.
    assert!(store.history(id).expect("history").iter().all(|v| !v.damaged));
    assert_eq!(store.check(id).expect("checks"), [policywright_store::Damage::ContentChanged(saved.label)]);
}

/// Rewrites the content of version 2 in a SQLite file; the tamperer puts
/// the trigger back as it was, so the file's safeguards look intact.
/// Returns the forged content.
fn tamper_sqlite(path: &Path) -> String {
    let conn = raw(path);
    let trigger: String = conn
        .query_row("SELECT sql FROM sqlite_schema WHERE name = 'version_contents_no_update'", [], |r| r.get(0))
        .expect("the trigger");
    let packed: Vec<u8> =
        conn.query_row("SELECT content FROM version_contents WHERE version_id = 2", [], |r| r.get(0)).expect("content");
    let mut content = String::new();
    std::io::Read::read_to_string(&mut flate2::read::DeflateDecoder::new(&packed[..]), &mut content).expect("inflates");
    let content = content.replace("\"Second\"", "\"Forged\"");
    let mut forged = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    forged.write_all(content.as_bytes()).expect("deflates");
    conn.execute_batch("DROP TRIGGER version_contents_no_update").expect("drops");
    conn.execute("UPDATE version_contents SET content = ?1 WHERE version_id = 2", [forged.finish().expect("deflates")])
        .expect("tampers");
    conn.execute_batch(&trigger).expect("puts the trigger back");
    content
}

fn archive_hides_and_restore_shows_a_policy(lib: Lib) {
    let mut store = lib.open().expect("opens");
    let a = store.import(&titled("A"), "t1").expect("imports");
    let b = store.import(&titled("B"), "t2").expect("imports");
    let c = store.import(&titled("C"), "t3").expect("imports");
    assert_eq!((a, b, c), (1, 2, 3));
    store.save_version(a, Bump::Minor, "x", "n", "t4").expect("saves");

    let ids = |store: &Store, all: bool| -> Vec<(i64, bool)> {
        store.list(all).expect("list").into_iter().map(|p| (p.id, p.archived)).collect()
    };
    store.archive(b).expect("archives");
    store.archive(b).expect("archiving twice is harmless");
    assert_eq!(ids(&store, false), [(1, false), (3, false)]);
    assert_eq!(ids(&store, true), [(1, false), (2, true), (3, false)]);
    // An archived policy keeps working: an open window may still autosave it.
    store.set_draft(b, &titled("B2"), "t5").expect("draft");
    assert_eq!(store.draft(b).expect("draft").document.title, "B2");

    store.restore(b).expect("restores");
    let list = store.list(false).expect("list");
    assert_eq!(list.len(), 3);
    let mut json = serde_json::to_value(&list).expect("serialises");
    // Saving the version touched policy 1, at the server's time on a server.
    lib.assert_time(json[0]["updated_at"].as_str().expect("a time"), "t4");
    json[0]["updated_at"] = json!("t4");
    lib.assert_time(json[1]["updated_at"].as_str().expect("a time"), "t5");
    json[1]["updated_at"] = json!("t5");
    assert_eq!(
        json,
        json!([
            {"id": 1, "title": "A", "number": "HR-OPS-001", "archived": false, "latest": "1.0", "status": "draft",
             "effective_date": "2027-01-01", "next_review": null, "updated_at": "t4", "damaged": false},
            {"id": 2, "title": "B2", "number": "HR-OPS-001", "archived": false, "latest": null, "status": null,
             "effective_date": null, "next_review": null, "updated_at": "t5", "damaged": false},
            {"id": 3, "title": "C", "number": "HR-OPS-001", "archived": false, "latest": null, "status": null,
             "effective_date": null, "next_review": null, "updated_at": "t3", "damaged": false},
        ])
    );
}

fn a_newer_library_is_refused_and_left_unchanged(lib: Lib) {
    {
        let mut store = lib.open().expect("opens");
        store.import(&preset(Locale::En), NOW).expect("imports");
    }
    // Every file in the folder, or every row and object of the database.
    let state = || match lib.engine {
        Engine::Sqlite => format!("{:?}", snapshot(lib.dir.path())),
        Engine::Postgres => lib
            .texts(
                "SELECT (SELECT string_agg(s::text, ',') FROM policywright_schema s) || ' '
                     || (SELECT string_agg(p::text, ',' ORDER BY id) FROM policies p) || ' '
                     || (SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class
                         WHERE relnamespace = 'public'::regnamespace) || ' '
                     || (SELECT string_agg(tgname, ',' ORDER BY tgname) FROM pg_trigger)",
            )
            .join(""),
    };
    let newer = match lib.engine {
        Engine::Sqlite => "PRAGMA user_version = 99",
        Engine::Postgres => "UPDATE policywright_schema SET version = 99",
    };
    lib.sql(newer).expect("a newer Policywright was here");
    let before = state();

    let err = failure(lib.open());
    assert_eq!(err.kind, ErrorKind::UnsupportedSchema);
    assert_eq!(err.kind.exit_code(), 1);
    assert_eq!(
        err.to_string(),
        format!(
            "the library {} was written by a newer Policywright (schema version 99; this build reads up to {SCHEMA_VERSION})
  hint: update Policywright to open this library; it was left unchanged",
            lib.shown()
        )
    );
    assert_eq!(state(), before);
}

fn handbooks_are_saved_changed_and_deleted(lib: Lib) {
    let mut store = lib.open().expect("opens");
    let definition = r#"{"cover":{"title":"Staff handbook"},"parts":[]}"#;
    let id = store.save_handbook(None, "Staff handbook", definition, "t1").expect("saves");
    let stored = store.handbook(id).expect("reads");
    // Kept as it came, byte for byte.
    assert_eq!(
        (stored.row.title.as_str(), stored.definition.as_str(), stored.last_build),
        ("Staff handbook", definition, None)
    );
    let changed = r#"{"cover":{"title":"Handbook 2027"},"parts":[{"policy":1}]}"#;
    assert_eq!(store.save_handbook(Some(id), "Handbook 2027", changed, "t2").expect("changes"), id);
    store.record_handbook_build(id, r#"{"parts":[]}"#, "t3").expect("records the build");
    let rows = store.handbooks().expect("lists");
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0].title.as_str(), rows[0].created_at.as_str(), rows[0].updated_at.as_str(), rows[0].built_at.as_deref()),
        ("Handbook 2027", "t1", "t2", Some("t3"))
    );
    assert_eq!(store.handbook(id).expect("reads").last_build.as_deref(), Some(r#"{"parts":[]}"#));
    let missing = failure(store.save_handbook(Some(id + 1), "x", definition, "t4"));
    assert_eq!(missing.kind, ErrorKind::NotFound);
    store.delete_handbook(id).expect("deletes");
    assert_eq!(failure(store.handbook(id)).kind, ErrorKind::NotFound);
    assert!(store.handbooks().expect("lists").is_empty());
}

#[test]
fn a_file_that_is_not_a_library_is_refused_and_left_unchanged() {
    let dir = tempdir();
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "These are meeting notes, not a database.\n".repeat(200)).expect("writes");
    let json = dir.path().join("ops.policy.json");
    std::fs::write(&json, model::to_json(&preset(Locale::En))).expect("writes");
    let other = dir.path().join("other.sqlite");
    raw(&other).execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('hello');").expect("other db");
    let before = snapshot(dir.path());

    for path in [&text, &json] {
        let err = failure(open(path));
        assert_eq!(err.kind, ErrorKind::InvalidLibrary);
        assert_eq!(err.kind.exit_code(), 1);
        assert_eq!(
            err.to_string(),
            format!(
                "{} is not a Policywright library
  it is not an SQLite database
  hint: check the path, or give a new file name to start a new library; the file was left unchanged",
                path.display()
            )
        );
    }
    assert_eq!(
        failure(open(&other)).to_string(),
        format!(
            "{} is not a Policywright library
  it is an SQLite database, but of another program
  hint: check the path, or give a new file name to start a new library; the file was left unchanged",
            other.display()
        )
    );
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn a_damaged_library_is_refused_and_left_unchanged() {
    let dir = tempdir();
    let path = dir.path().join("library.sqlite");
    {
        let mut store = open(&path).expect("opens");
        let id = store.import(&titled("t0"), NOW).expect("imports");
        for i in 1..40 {
            store.set_draft(id, &titled(&format!("t{i}")), NOW).expect("draft");
            store.save_version(id, Bump::Minor, "a", "n", NOW).expect("saves");
        }
    }
    let whole = std::fs::read(&path).expect("reads");
    assert!(whole.len() > 16 * 4096, "the library spans many pages ({} bytes)", whole.len());

    // Garbage over whole pages is what a bad disk sector looks like.
    let overwritten = |pages: std::ops::Range<usize>| {
        let mut bytes = whole.clone();
        bytes[pages.start * 4096..pages.end * 4096].fill(0x5A);
        bytes
    };
    let middle = whole.len() / 4096 / 2;
    let cases = [
        ("truncated", whole[..whole.len() / 2].to_vec()),
        ("schema pages overwritten", overwritten(1..3)),
        ("data pages overwritten", overwritten(middle..middle + 2)),
    ];
    for (what, bytes) in cases {
        std::fs::write(&path, &bytes).expect("damages");
        let before = snapshot(dir.path());
        // Pages the opening reads are checked then; others by `library
        // check`, which reads every page (a clean file is not read whole at
        // every open).
        let err = match open(&path) {
            Err(err) => err,
            Ok(store) => failure(store.check_all()),
        };
        assert_eq!(err.kind, ErrorKind::InvalidLibrary, "{what}: {err}");
        let view = err.view(Lang::En);
        assert_eq!(view.message, format!("the library {} is damaged", path.display()), "{what}");
        assert!(view.details.first().is_some_and(|d| d.starts_with("sqlite: ")), "{what}: {err}");
        assert!(view.details.iter().all(|d| !d.contains('\n')), "{what}: one problem a line: {err}");
        assert_eq!(view.hint.as_deref(), Some("restore the file from a backup; it was left unchanged"), "{what}");
        assert_eq!(snapshot(dir.path()), before, "{what}: the file was changed");
    }
}

#[test]
fn a_busy_library_gives_a_busy_error() {
    let dir = tempdir();
    let path = dir.path().join("library.sqlite");
    let sqlite = Sqlite::open(&path).expect("opens");
    sqlite.set_busy_timeout(Duration::from_millis(100)).expect("timeout");
    let mut store = Store::new(Box::new(sqlite));
    let id = store.import(&preset(Locale::En), NOW).expect("imports");

    let other = raw(&path);
    other.execute_batch("BEGIN IMMEDIATE").expect("another writer takes the lock");
    let started = Instant::now();
    let err = failure(store.set_draft(id, &titled("waiting"), NOW));
    assert!(started.elapsed() >= Duration::from_millis(100), "it waited for the lock first");
    assert_eq!(err.kind, ErrorKind::Busy);
    assert_eq!(err.kind.exit_code(), 2);
    assert_eq!(
        err.to_string(),
        "the library is busy (another Policywright is saving); try again
  hint: wait a moment, then repeat the last step; nothing was changed"
    );
    // Reading does not wait for writers.
    assert_eq!(store.draft(id).expect("reads"), preset(Locale::En));
    other.execute_batch("COMMIT").expect("releases");
    store.set_draft(id, &titled("waiting"), NOW).expect("saves once the lock is free");
}

// ---------------------------------------------------------------------------
// Child processes

/// Runs one `#[test]` of this binary in a child process.
fn child(test: &str) -> Command {
    let mut cmd = Command::new(std::env::current_exe().expect("the test binary"));
    cmd.args([test, "--exact", "--ignored", "--nocapture", "--test-threads=1", "-q"]);
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    cmd
}

/// Collects a child's output on threads, so that a full pipe never stalls it,
/// and passes each line of stdout on as it arrives.
struct Output {
    stdout: std::thread::JoinHandle<String>,
    stderr: std::thread::JoinHandle<String>,
    lines: std::sync::mpsc::Receiver<String>,
}

impl Output {
    fn of(child: &mut Child) -> Output {
        let (sender, lines) = std::sync::mpsc::channel();
        let stdout = child.stdout.take().expect("piped stdout");
        let stdout = std::thread::spawn(move || {
            let mut all = String::new();
            for line in std::io::BufRead::lines(std::io::BufReader::new(stdout)) {
                let Ok(line) = line else { break };
                all.push_str(&line);
                all.push('\n');
                let _ = sender.send(line);
            }
            all
        });
        let mut stderr_pipe = child.stderr.take().expect("piped stderr");
        let stderr = std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = stderr_pipe.read_to_end(&mut bytes);
            String::from_utf8_lossy(&bytes).into_owned()
        });
        Output { stdout, stderr, lines }
    }

    /// Waits until the child prints `line`; false if it never does.
    #[cfg(unix)]
    fn wait_for(&self, line: &str, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(got) if got == line => return true,
                Ok(_) => {}
                Err(_) => return false,
            }
        }
        false
    }

    fn join(self) -> (String, String) {
        (self.stdout.join().expect("stdout reader"), self.stderr.join().expect("stderr reader"))
    }
}

/// Regression: the child tests passed, testing nothing, in every normal
/// run. Run on their own they now fail, saying which test runs them.
#[test]
fn a_child_test_run_on_its_own_fails() {
    for (name, parent) in [
        ("store::crash_child", "a_killed_saver_loses_nothing_it_reported"),
        ("store::concurrent_child", "two_processes_saving_at_once_lose_nothing"),
    ] {
        let out = child(name).env_remove(CRASH_ENV).env_remove(CONCURRENT_ENV).output().expect("runs");
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(!out.status.success(), "{name} passed on its own:\n{stdout}");
        assert!(
            stdout.contains(parent) || stderr.contains(parent),
            "{name} does not name its parent:\n{stdout}\n{stderr}"
        );
    }
}

/// A tiny xorshift generator: the test needs varied kill times, not quality.
#[cfg(unix)]
struct Rng(u64);

#[cfg(unix)]
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

const CRASH_ENV: &str = "POLICYWRIGHT_TEST_CRASH_LIBRARY";
const RUN_ENV: &str = "POLICYWRIGHT_TEST_RUN";
#[cfg(unix)]
const KILLS: u64 = 100;
/// A new library every tenth run, and every fifth run killed early, so that
/// some kills land while a library is being created, migrated or opened.
#[cfg(unix)]
const RUNS_PER_LIBRARY: u64 = 10;
#[cfg(unix)]
const EARLY_EVERY: u64 = 5;

/// The child of `a_killed_saver_loses_nothing_it_reported`: edits the draft
/// and saves a version, over and over, reporting each step once it returned.
#[test]
#[ignore = "a child process of a_killed_saver_loses_nothing_it_reported"]
fn crash_child() {
    let path = child_env(CRASH_ENV, "a_killed_saver_loses_nothing_it_reported");
    let run = std::env::var(RUN_ENV).expect("run number");
    let mut store = open(Path::new(&path)).expect("the child opens the library");
    let id = match store.list(true).expect("list").first() {
        Some(policy) => policy.id,
        None => store.import(&preset(Locale::En), NOW).expect("imports"),
    };
    let mut out = std::io::stdout().lock();
    let mut report = |line: String| writeln!(out, "{line}").and_then(|()| out.flush()).expect("reports");
    report("ready".to_string());
    let base = preset(Locale::En);
    for k in 0u64.. {
        let mut policy = base.clone();
        policy.document.title = format!("crash {run}-{k}");
        policy.general.purpose = format!("{} ({run}-{k})", base.general.purpose);
        store.set_draft(id, &policy, NOW).expect("sets the draft");
        report(format!("draft {k}"));
        let bump = if k % 7 == 6 { Bump::Major } else { Bump::Minor };
        let saved = store.save_version(id, bump, "crash", &format!("run {run}"), NOW).expect("saves");
        assert!(!saved.unchanged);
        report(format!("saved {} {}", saved.version.label, saved.version.content_hash));
    }
}

#[cfg(unix)]
#[test]
fn a_killed_saver_loses_nothing_it_reported() {
    let started = Instant::now();
    let dir = tempdir();
    let seed =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0x9E37_79B9, |d| d.as_nanos() as u64)
            | 1;
    let mut rng = Rng(seed);
    let base_title = preset(Locale::En).document.title;

    let mut path = PathBuf::new();
    let mut title = String::new();
    let mut versions = 0;
    let (mut in_loop, mut unreported, mut total_saved) = (0, 0, 0);
    for run in 0..KILLS {
        if run % RUNS_PER_LIBRARY == 0 {
            path = dir.path().join(format!("crash-{run}.sqlite"));
            title = base_title.clone();
            versions = 0;
        }
        let context = format!("seed {seed}, run {run}");
        let mut proc =
            child("store::crash_child").env(CRASH_ENV, &path).env(RUN_ENV, run.to_string()).spawn().expect("spawns");
        let output = Output::of(&mut proc);
        if run % EARLY_EVERY == 0 {
            // Somewhere in start-up, opening, creating or migrating.
            std::thread::sleep(Duration::from_millis(rng.below(60)));
        } else {
            // Somewhere in the save loop, whatever the machine's speed.
            // A child that fails before it is ready shows up in the exit
            // status check below.
            output.wait_for("ready", Duration::from_secs(20));
            std::thread::sleep(Duration::from_millis(rng.below(100)));
        }
        proc.kill().expect("kills");
        let status = proc.wait().expect("waits");
        let (stdout, stderr) = output.join();
        {
            use std::os::unix::process::ExitStatusExt;
            assert_eq!(status.signal(), Some(9), "{context}: the child ended by itself\n{stdout}\n{stderr}");
        }

        let mut last_draft: Option<u64> = None;
        let mut saved: Vec<(String, String)> = Vec::new();
        for line in stdout.lines() {
            if let Some(k) = line.strip_prefix("draft ") {
                last_draft = Some(k.parse().expect("draft number"));
            } else if let Some(rest) = line.strip_prefix("saved ") {
                let (label, hash) = rest.split_once(' ').expect("label and hash");
                saved.push((label.to_string(), hash.to_string()));
            }
        }
        in_loop += usize::from(last_draft.is_some());
        total_saved += saved.len();

        if !path.exists() {
            assert!(last_draft.is_none(), "{context}: drafts reported, but there is no library");
            continue;
        }
        assert_eq!(integrity(&path), "ok", "{context}");
        let store = open(&path).unwrap_or_else(|e| panic!("{context}: reopening fails: {e}"));
        let list = store.list(true).expect("list");
        let Some(policy) = list.first() else {
            assert!(last_draft.is_none(), "{context}: drafts reported, but the policy is gone");
            continue;
        };
        assert_eq!(list.len(), 1, "{context}");
        let id = policy.id;

        // Every reported version is there, with the reported hash, and reads
        // back intact; at most one more (saved, then killed before reporting).
        let history = store.history(id).expect("history");
        for (label, hash) in &saved {
            let (info, content) =
                store.version(id, label).unwrap_or_else(|e| panic!("{context}: reported version {label}: {e}"));
            assert_eq!(&info.content_hash, hash, "{context}: version {label}");
            assert_eq!(model::content_hash(&content), *hash, "{context}: version {label}");
        }
        let added = history.len() - versions;
        assert!(
            (saved.len()..=saved.len() + 1).contains(&added),
            "{context}: {} versions reported, {added} added",
            saved.len()
        );
        if let Some(extra) = history.get(versions + saved.len()) {
            store
                .version(id, &extra.label.to_string())
                .unwrap_or_else(|e| panic!("{context}: unreported version: {e}"));
            unreported += 1;
        }
        versions = history.len();

        // The draft is the last one reported, or the one after it.
        let draft = store.draft(id).unwrap_or_else(|e| panic!("{context}: draft: {e}"));
        let allowed = match last_draft {
            Some(k) => vec![format!("crash {run}-{k}"), format!("crash {run}-{}", k + 1)],
            None => vec![title.clone(), format!("crash {run}-0")],
        };
        assert!(
            allowed.contains(&draft.document.title),
            "{context}: draft {:?}, expected one of {allowed:?}",
            draft.document.title
        );
        if allowed.get(1) == Some(&draft.document.title) {
            unreported += 1;
        }
        assert!(!model::validate::validate(&draft).has_errors(), "{context}: the draft is whole");
        title = draft.document.title;
    }
    eprintln!(
        "{KILLS} kills in {:.1} s (seed {seed}): {in_loop} in the save loop, {total_saved} versions reported, \
         {unreported} commits that the kill kept from being reported",
        started.elapsed().as_secs_f64()
    );
    assert!(in_loop >= (KILLS / 2) as usize, "too few kills landed in the save loop: {in_loop}");
}

const CONCURRENT_ENV: &str = "POLICYWRIGHT_TEST_CONCURRENT_LIBRARY";
const TAG_ENV: &str = "POLICYWRIGHT_TEST_TAG";
const ROUNDS: usize = 40;

/// The child of `two_processes_saving_at_once_lose_nothing`: edits the shared
/// policy's draft and saves it, reporting busy errors instead of failing.
#[test]
#[ignore = "a child process of two_processes_saving_at_once_lose_nothing"]
fn concurrent_child() {
    let path = child_env(CONCURRENT_ENV, "two_processes_saving_at_once_lose_nothing");
    let tag = std::env::var(TAG_ENV).expect("tag");
    let mut out = std::io::stdout().lock();
    let mut report = |line: String| writeln!(out, "{line}").and_then(|()| out.flush()).expect("reports");
    let busy = |e: &Error| e.kind == ErrorKind::Busy;
    let mut store = match open(Path::new(&path)) {
        Ok(store) => store,
        Err(e) if busy(&e) => return report(format!("busy {e}")),
        Err(e) => panic!("{e}"),
    };
    for k in 0..ROUNDS {
        match store.set_draft(1, &titled(&format!("{tag} {k}")), NOW) {
            Ok(_) => {}
            Err(e) if busy(&e) => {
                report(format!("busy {e}"));
                continue;
            }
            Err(e) => panic!("{e}"),
        }
        match store.save_version(1, Bump::Minor, &tag, "race", NOW) {
            Ok(s) => report(format!("saved {} {} {}", s.version.label, s.version.content_hash, s.unchanged)),
            Err(e) if busy(&e) => report(format!("busy {e}")),
            Err(e) => panic!("{e}"),
        }
    }
}

#[test]
fn two_processes_saving_at_once_lose_nothing() {
    let dir = tempdir();
    let path = dir.path().join("library.sqlite");
    open(&path).expect("opens").import(&titled("start"), NOW).expect("imports");

    let mut procs: Vec<(Child, Output)> = ["a", "b"]
        .into_iter()
        .map(|tag| {
            let mut proc =
                child("store::concurrent_child").env(CONCURRENT_ENV, &path).env(TAG_ENV, tag).spawn().expect("spawns");
            let output = Output::of(&mut proc);
            (proc, output)
        })
        .collect();
    let mut lines = Vec::new();
    for (mut proc, output) in procs.drain(..) {
        let status = proc.wait().expect("waits");
        let (stdout, stderr) = output.join();
        assert!(status.success(), "a child failed:\n{stdout}\n{stderr}");
        lines.extend(stdout.lines().filter(|l| l.starts_with("saved ") || l.starts_with("busy ")).map(str::to_string));
    }

    // Each label was created by exactly one save; an unchanged save names an
    // existing version with the same hash.
    let mut created = std::collections::BTreeMap::new();
    let mut seen = Vec::new();
    for line in &lines {
        if let Some(busy) = line.strip_prefix("busy ") {
            assert_eq!(busy, "the library is busy (another Policywright is saving); try again");
            continue;
        }
        let parts: Vec<&str> = line.split(' ').collect();
        let [_, label, hash, unchanged] = parts[..] else { panic!("bad line {line}") };
        seen.push((label.to_string(), hash.to_string()));
        if unchanged == "false" {
            assert!(created.insert(label.to_string(), hash.to_string()).is_none(), "{label} was created twice");
        }
    }
    assert!(!created.is_empty(), "nothing was saved:\n{}", lines.join("\n"));
    let busy = lines.iter().filter(|l| l.starts_with("busy ")).count();
    eprintln!("{} versions created, {} saves unchanged, {busy} busy errors", created.len(), seen.len() - created.len());

    assert_eq!(integrity(&path), "ok");
    let store = open(&path).expect("reopens");
    let history = store.history(1).expect("history");
    let stored: std::collections::BTreeMap<String, String> =
        history.iter().map(|v| (v.label.to_string(), v.content_hash.clone())).collect();
    assert_eq!(stored, created, "the library holds exactly the versions the children created");
    for (label, hash) in &seen {
        assert_eq!(stored.get(label), Some(hash), "{label}");
        store.version(1, label).expect("reads back intact");
    }
    // How much the two interleaved: the number of times the author changes.
    let switches = history.windows(2).filter(|w| w[0].author != w[1].author).count();
    eprintln!("{switches} changes of author along the history");
}

#[cfg(unix)]
const READ_ONLY_ENV: &str = "POLICYWRIGHT_TEST_READ_ONLY_FOLDER";

/// The checks of `a_read_only_folder_gives_an_io_error`, run in a child
/// without root's power to write anywhere when the tests run as root.
#[cfg(unix)]
#[test]
#[ignore = "a child process of a_read_only_folder_gives_an_io_error"]
fn read_only_child() {
    let dir = child_env(READ_ONLY_ENV, "a_read_only_folder_gives_an_io_error");
    read_only_checks(Path::new(&dir));
}

#[cfg(unix)]
fn read_only_checks(dir: &Path) {
    let fresh = dir.join("new.sqlite");
    let err = failure(open(&fresh));
    assert_eq!(err.kind, ErrorKind::Io);
    assert_eq!(err.kind.exit_code(), 2);
    assert_eq!(
        err.to_string(),
        format!(
            "cannot create the library {}: permission denied\n  hint: choose a folder you can write to, or change its permissions",
            fresh.display()
        )
    );
    assert!(!fresh.exists());
    let nowhere = dir.join("missing").join("new.sqlite");
    assert_eq!(
        failure(open(&nowhere)).to_string(),
        format!(
            "cannot create the library {}: no such file or directory\n  hint: create its folder first, or choose another location",
            nowhere.display()
        )
    );

    // A library nobody may write, in a folder nobody may write: it still
    // opens to be read, says so, and refuses only a save.
    let existing = dir.join("existing.sqlite");
    let before = std::fs::read(&existing).expect("reads");
    let mut store = open(&existing).expect("a read-only library opens to be read");
    let notices: Vec<String> = store.notices().iter().map(|n| n.to_string()).collect();
    assert_eq!(
        notices,
        [format!(
            "the library {} is read-only: you can list, compare and export, but not save\n  hint: to save, make the file writable or copy it to a folder you can write to",
            existing.display()
        )]
    );
    assert_eq!(store.list(false).expect("lists").len(), 1);
    assert_eq!(store.version(1, "1.0").expect("reads a version").1.document.locale, Locale::En);
    let err = failure(store.set_draft(1, &titled("Changed"), NOW));
    assert_eq!(err.kind, ErrorKind::Io);
    assert_eq!(
        err.to_string(),
        format!(
            "cannot write to the library {}: it is read-only\n  hint: check the permissions of the file and of its folder",
            existing.display()
        )
    );
    drop(store);
    assert_eq!(std::fs::read(&existing).expect("reads"), before);
}

#[cfg(unix)]
#[test]
fn a_read_only_folder_gives_an_io_error() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempdir();
    let folder = dir.path().join("read-only");
    std::fs::create_dir(&folder).expect("mkdir");
    let mut existing = open(&folder.join("existing.sqlite")).expect("opens");
    existing.import(&preset(Locale::En), NOW).expect("imports");
    existing.save_version(1, Bump::Minor, "HR", "first", NOW).expect("saves");
    drop(existing);
    std::fs::set_permissions(folder.join("existing.sqlite"), std::fs::Permissions::from_mode(0o444)).expect("chmod");
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o555)).expect("chmod");

    // Root writes through permissions; check as nobody (uid 65534) then.
    let probe = folder.join("probe");
    let is_root = std::fs::write(&probe, b"").is_ok();
    if is_root {
        std::fs::remove_file(&probe).expect("rm probe");
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
        use std::os::unix::process::CommandExt;
        // A copy of this test binary that nobody can run, wherever the build
        // folder is and whatever its permissions: the check is never skipped.
        let binary = dir.path().join("it");
        // Copied by `cp`, not by this process: a thread here that forks
        // while a file of ours is open for writing hands the child that
        // descriptor until it execs, and running the copy then fails with
        // "text file busy".
        let copied = Command::new("cp")
            .arg(std::env::current_exe().expect("the test binary"))
            .arg(&binary)
            .status()
            .expect("cp runs");
        assert!(copied.success(), "copies the binary");
        std::fs::set_permissions(&binary, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let mut cmd = Command::new(&binary);
        cmd.args(["store::read_only_child", "--exact", "--ignored", "--nocapture", "--test-threads=1"]);
        cmd.env(READ_ONLY_ENV, &folder).uid(65534).gid(65534);
        let out = cmd.output().expect("the test binary runs as nobody");
        let stdout = String::from_utf8_lossy(&out.stdout);
        // "1 passed": the child ran the checks, not zero tests.
        assert!(
            out.status.success() && stdout.contains(" 1 passed"),
            "as nobody:\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    } else {
        read_only_checks(&folder);
    }
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).expect("chmod back for cleanup");
}

/// Publishing sets when the policy is next due for review, from the
/// published version's own cycle; withdrawing it clears the date, and a
/// policy without a fixed cycle has none.
#[test]
fn publishing_sets_the_next_review_and_withdrawing_clears_it() {
    let mut store = in_memory().expect("opens");
    let mut policy = titled("Reviewed");
    policy.document.effective_date = "2026-12-02".into();
    let id = store.import(&policy, NOW).expect("imports");
    store.save_version(id, Bump::Minor, "HR", "First", NOW).expect("saves");
    let review = |store: &Store| store.list(false).expect("list")[0].next_review.clone();
    let publish = |store: &mut Store, label: &str, at: &str| {
        for to in [Status::InReview, Status::Approved, Status::Published] {
            store.set_status(id, label, to, "Legal", at).expect("moves");
        }
    };
    assert_eq!(review(&store), None);
    publish(&mut store, "1.0", "2026-12-02T16:24:31Z");
    assert_eq!(review(&store).as_deref(), Some("2027-12-02"));
    // The next version's cycle counts from its own effective date.
    policy.document.review_months = 6;
    policy.document.effective_date = "2027-01-31".into();
    store.set_draft(id, &policy, NOW).expect("draft");
    store.save_version(id, Bump::Minor, "HR", "Half-yearly", NOW).expect("saves");
    publish(&mut store, "1.1", "2027-01-31T08:00:00Z");
    assert_eq!(review(&store).as_deref(), Some("2027-07-31"));
    store.set_status(id, "1.1", Status::Superseded, "Legal", "2027-03-01T08:00:00Z").expect("withdraws");
    assert_eq!(review(&store), None, "nothing published, nothing to review");
    policy.document.review_months = 0;
    store.set_draft(id, &policy, NOW).expect("draft");
    store.save_version(id, Bump::Minor, "HR", "No cycle", NOW).expect("saves");
    publish(&mut store, "1.2", "2027-04-01T08:00:00Z");
    assert_eq!(review(&store), None, "no fixed cycle");
    // Published months before it takes effect, or years after: the cycle
    // runs from the effective date, the date the document states.
    policy.document.review_months = 12;
    policy.document.effective_date = "2027-09-01".into();
    store.set_draft(id, &policy, NOW).expect("draft");
    store.save_version(id, Bump::Minor, "HR", "Takes effect in September", NOW).expect("saves");
    publish(&mut store, "1.3", "2027-05-01T08:00:00Z");
    assert_eq!(review(&store).as_deref(), Some("2028-09-01"));
    policy.document.effective_date = "2020-03-01".into();
    store.set_draft(id, &policy, NOW).expect("draft");
    store.save_version(id, Bump::Minor, "HR", "Backdated", NOW).expect("saves");
    publish(&mut store, "1.4", "2027-06-01T08:00:00Z");
    assert_eq!(review(&store).as_deref(), Some("2021-03-01"), "overdue the day it is published");
    // A cycle longer than ten years is a problem at its field.
    policy.document.review_months = 121;
    let report = policywright_model::validate::validate(&policy);
    let problem = report.findings.iter().find(|d| d.path == "document.review_months").expect("flagged");
    assert_eq!(problem.message.render(Lang::En), "a review every 121 months is too far apart; at most 120 months");
}

/// Regression: an entry the user wrote in the revision record for the
/// version being saved was replaced by the save's day and note without a
/// word. It is said now, unless the note is the entry's own words.
#[test]
fn a_revision_entry_written_for_the_version_being_saved_is_said_when_the_record_replaces_it() {
    let mut store = in_memory().expect("opens");
    let mut policy = titled("First");
    let id = store.import(&policy, NOW).expect("imports");
    store.save_version(id, Bump::Minor, "HR", "First issue", NOW).expect("1.0");
    policy.document.title = "Second".into();
    policy.document.revisions.push(model::Revision {
        version: "1.1".into(),
        date: "2026-12-15".into(),
        author: "Li Na".into(),
        summary: "Corrected the scope".into(),
    });
    store.set_draft(id, &policy, NOW).expect("draft");
    let saved = store.save_version(id, Bump::Minor, "HR", "Scope", NOW).expect("1.1");
    let said: Vec<String> = saved.warnings.iter().map(|w| w.render(Lang::En).message).collect();
    assert!(
        said.contains(
            &"the revision record's entry you wrote for 1.1 (2026-12-15, “Corrected the scope”) reads “2027-01-01, Scope” in the library's record, which every export shows"
                .to_string()
        ),
        "{said:?}"
    );
    policy.document.title = "Third".into();
    policy.document.revisions.push(model::Revision {
        version: "1.2".into(),
        date: "2027-01-01".into(),
        author: "HR".into(),
        summary: "Typos".into(),
    });
    store.set_draft(id, &policy, NOW).expect("draft");
    let saved = store.save_version(id, Bump::Minor, "HR", "Typos", NOW).expect("1.2");
    assert!(saved.warnings.iter().all(|w| !w.path.starts_with("document.revisions")), "{:?}", saved.warnings);
}
