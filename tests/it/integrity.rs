//! What keeps a library's record honest: a log beside the file that is not
//! its own, labels never given twice, the trail of versions and status
//! changes, the file's safeguards, and saves that take exactly what they
//! were given. Each test is a defect found by a fault campaign, reproduced.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use policywright_i18n::ErrorKind;
use policywright_model::Locale;
use policywright_sqlite::Sqlite;
use policywright_store::{Bump, Damage, Label, Library, Status};

use crate::{policywright_in, preset, stderr, stdout};

const NOW: &str = "2027-01-01T09:00:00Z";

fn open(path: &Path) -> Library {
    Library::new(Box::new(Sqlite::open(path).expect("the library opens")))
}

fn raw(path: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).expect("a raw connection")
}

fn cli(dir: &Path, args: &[&str]) -> Output {
    policywright_in(dir).args(["--db", "lib.sqlite"]).args(args).output().expect("runs")
}

/// A library with one policy and versions 1.0 and 1.1, 1.0 in review.
fn library(path: &Path) {
    let mut store = open(path);
    let mut policy = preset(Locale::En);
    let id = store.import(&policy, NOW).expect("imports");
    store.save_version(id, Bump::Minor, "HR", "first", NOW).expect("1.0");
    store.set_status(id, "1.0", Status::InReview, "Legal", NOW).expect("review");
    policy.document.company = "Acme".into();
    store.set_draft(id, &policy, NOW).expect("draft");
    store.save_version(id, Bump::Minor, "HR", "second", NOW).expect("1.1");
}

/// Runs `sql` on the file with triggers out of the way, then puts them
/// back exactly as they were: tampering that leaves the safeguards looking
/// intact.
fn behind_trigger(path: &Path, triggers: &str, sql: &str) {
    let conn = raw(path);
    let mut definitions = Vec::new();
    for trigger in triggers.split(',') {
        let definition: String = conn
            .query_row("SELECT sql FROM sqlite_schema WHERE name = ?1", [trigger], |r| r.get(0))
            .expect("the trigger exists");
        conn.execute_batch(&format!("DROP TRIGGER {trigger}")).expect("drops");
        definitions.push(definition);
    }
    conn.execute_batch(&format!("PRAGMA foreign_keys = OFF; {sql};")).expect("tampers");
    for definition in definitions {
        conn.execute_batch(&definition).expect("puts the trigger back");
    }
}

/// A log of `db` that SQLite leaves beside it: the connection writes with
/// automatic checkpoints off and closes without checkpointing.
fn leave_log(db: &Path, sql: &str) {
    let conn = raw(db);
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true).expect("config");
    conn.execute_batch(&format!("PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0; {sql};")).expect("writes");
}

fn wal(db: &Path) -> PathBuf {
    PathBuf::from(format!("{}-wal", db.display()))
}

/// Regression: another database's `-wal` beside a library was replayed
/// into it. `list` said "not a Policywright library … the file was left
/// unchanged" while the file shrank and its tables became the other
/// database's.
#[test]
fn a_log_of_another_database_is_set_aside_not_replayed() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    let path = d.join("lib.sqlite");
    library(&path);
    let other = d.join("other.sqlite");
    leave_log(&other, "CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('not yours')");
    assert!(std::fs::metadata(wal(&other)).expect("a log").len() > 0);
    std::fs::copy(wal(&other), wal(&path)).expect("a stray log");
    let before = std::fs::read(&path).expect("reads");

    let out = cli(d, &["list"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        format!(
            "warning: a log file beside the library, {0}-wal, did not belong to it and was moved to {0}-wal.set-aside; the library was opened without it\n  hint: if you copied the library together with that file, copy both again while Policywright is closed\n",
            "lib.sqlite"
        )
    );
    assert!(stdout(&out).contains("   1  HR-OPS-001  1.1       draft"), "{}", stdout(&out));
    assert_eq!(
        std::fs::read(d.join("lib.sqlite-wal.set-aside")).expect("kept"),
        std::fs::read(wal(&other)).expect("log")
    );
    // The library's own pages were never replaced.
    let conn = raw(&path);
    let tables: i64 =
        conn.query_row("SELECT count(*) FROM sqlite_schema WHERE name = 'notes'", [], |r| r.get(0)).expect("count");
    assert_eq!(tables, 0);
    drop(conn);
    assert!(std::fs::read(&path).expect("reads").len() >= before.len());
}

/// Regression: the log of another Policywright library was merged into
/// this one without a word, exit 0.
#[test]
fn a_log_of_another_library_is_set_aside_too() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    let path = d.join("lib.sqlite");
    library(&path);
    let other = d.join("other.sqlite");
    library(&other);
    leave_log(&other, "UPDATE policies SET title = 'Merged from elsewhere'");
    std::fs::copy(wal(&other), wal(&path)).expect("a stray log");
    let store = Library::new(Box::new(Sqlite::open(&path).expect("opens")));
    assert_eq!(store.notices().len(), 1, "{:?}", store.notices());
    assert_eq!(store.notices()[0].kind, ErrorKind::InvalidLibrary);
    assert_eq!(store.list(false).expect("lists")[0].title, "Operations Staff Policy");
}

/// A session that ended without closing leaves its own log, whose saves
/// are committed: that one is replayed, with the full check it calls for.
#[test]
fn the_log_of_a_session_that_did_not_close_is_kept() {
    let tmp = tempfile::tempdir().expect("tmp");
    let path = tmp.path().join("lib.sqlite");
    library(&path);
    leave_log(&path, "UPDATE policies SET archived = 1");
    assert!(std::fs::metadata(wal(&path)).expect("a log").len() > 0);
    let store = Library::new(Box::new(Sqlite::open(&path).expect("opens")));
    assert!(store.notices().is_empty(), "{:?}", store.notices());
    assert!(store.list(false).expect("lists").is_empty(), "the committed change is there");
    assert_eq!(store.list(true).expect("lists").len(), 1);
}

/// Regression: after the newest version (1.1) was deleted by hand, the
/// next save handed out 1.1 again for different content.
#[test]
fn a_version_whose_content_was_removed_is_damaged_not_unknown() {
    let tmp = tempfile::tempdir().expect("tmp");
    let path = tmp.path().join("lib.sqlite");
    library(&path);
    behind_trigger(&path, "version_contents_no_delete", "DELETE FROM version_contents WHERE version_id = 2");

    let store = open(&path);
    let err = store.version(1, "1.1").expect_err("no content to give");
    assert_eq!(err.kind, ErrorKind::InvalidLibrary);
    assert!(
        err.to_string().starts_with("version 1.1 of policy 1 is damaged: its content does not match its hash\n"),
        "{err}"
    );
    assert_eq!(store.version(1, "1.0").expect("1.0 is untouched").0.label, Label::FIRST);
    assert_eq!(store.check(1).expect("checks"), [Damage::ContentChanged(Label { major: 1, minor: 1 })]);
}

#[test]
fn a_number_once_given_is_never_given_again() {
    let tmp = tempfile::tempdir().expect("tmp");
    let path = tmp.path().join("lib.sqlite");
    library(&path);
    behind_trigger(
        &path,
        "versions_no_delete,version_contents_no_delete",
        "DELETE FROM version_contents WHERE version_id = 2; DELETE FROM versions WHERE minor = 1",
    );

    let mut store = open(&path);
    let history = store.history(1).expect("history");
    assert_eq!(history.len(), 1);
    assert_eq!(
        store.check(1).expect("checks"),
        [Damage::MissingAtEnd, Damage::MissingVersion(Label { major: 1, minor: 1 })]
    );
    assert!(store.list(false).expect("lists")[0].damaged);

    let mut policy = preset(Locale::En);
    policy.document.company = "Other".into();
    store.set_draft(1, &policy, NOW).expect("draft");
    let saved = store.save_version(1, Bump::Minor, "HR", "third", NOW).expect("saves");
    assert_eq!(saved.version.label.to_string(), "1.2");
    assert_eq!(store.check(1).expect("checks"), [Damage::MissingBefore(Label { major: 1, minor: 2 })]);

    // The database refuses the number too, whoever writes.
    let conn = raw(&path);
    let err = conn
        .execute(
            "INSERT INTO versions (policy_id, seq, major, minor, author, note, created_at, effective_date,
                                   content_hash, chain_hash)
             VALUES (1, 5, 1, 1, 'x', 'x', 'x', 'x', ?1, ?1)",
            ["0".repeat(64)],
        )
        .expect_err("a number given before");
    assert_eq!(err.to_string(), "a version number is never given twice");
}

/// Regression: rewriting a version's content and hash together, or its
/// author or note, or deleting a status change, went unnoticed, and
/// `history` showed the forged record as true.
#[test]
fn the_trail_shows_rewritten_and_missing_records() {
    let cases: [(&str, &str, &[Damage]); 4] = [
        (
            "versions_no_update",
            "UPDATE versions SET note = 'approved by the board' WHERE minor = 0",
            &[Damage::VersionChanged(Label::FIRST)],
        ),
        (
            "versions_no_update",
            "UPDATE versions SET author = 'CEO' WHERE minor = 1",
            &[Damage::VersionChanged(Label { major: 1, minor: 1 })],
        ),
        (
            "status_events_no_delete",
            "DELETE FROM status_events",
            &[Damage::MissingBefore(Label { major: 1, minor: 1 })],
        ),
        (
            "versions_no_update,version_contents_no_update",
            "UPDATE version_contents SET content = (SELECT content FROM version_contents WHERE version_id = 2)
             WHERE version_id = 1;
             UPDATE versions SET content_hash = (SELECT content_hash FROM versions WHERE minor = 1) WHERE minor = 0",
            &[Damage::VersionChanged(Label::FIRST)],
        ),
    ];
    for (trigger, sql, expected) in cases {
        let tmp = tempfile::tempdir().expect("tmp");
        let path = tmp.path().join("lib.sqlite");
        library(&path);
        behind_trigger(&path, trigger, sql);
        let store = open(&path);
        assert_eq!(store.check(1).expect("checks"), expected, "{sql}");
        let damaged: Vec<String> =
            store.history(1).expect("history").iter().filter(|v| v.damaged).map(|v| v.label.to_string()).collect();
        let expected_labels: Vec<String> = expected.iter().filter_map(|d| d.label()).map(|l| l.to_string()).collect();
        assert_eq!(damaged, expected_labels, "{sql}");
        assert!(store.list(false).expect("lists")[0].damaged, "{sql}");
    }
}

/// The same, as a user sees it: `history` and `list` mark the damage, and
/// `library check` says what it is, exit 1; a sound library checks clean.
#[test]
fn history_list_and_check_tell_the_user() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    library(&d.join("lib.sqlite"));
    let clean = cli(d, &["library", "check"]);
    assert_eq!(clean.status.code(), Some(0), "{}", stderr(&clean));
    assert_eq!(stdout(&clean), "lib.sqlite: the file and the trail of its 1 policy are sound\n");

    behind_trigger(&d.join("lib.sqlite"), "versions_no_update", "UPDATE versions SET note = 'forged' WHERE minor = 0");
    let history = cli(d, &["history", "1"]);
    assert_eq!(history.status.code(), Some(0));
    let lines: Vec<String> = stdout(&history).lines().map(String::from).collect();
    assert!(lines[0].ends_with("forged  [damaged]"), "{lines:?}");
    assert!(lines[1].ends_with("second"), "{lines:?}");
    assert_eq!(
        stderr(&history),
        "versions marked [damaged] do not match the library's trail; `policywright library check` says what is wrong\n"
    );
    assert!(stdout(&cli(d, &["list"])).contains("Operations Staff Policy  [damaged]"));
    let check = cli(d, &["library", "check"]);
    assert_eq!(check.status.code(), Some(1));
    assert_eq!(
        stdout(&check),
        "version 1.0 of policy 1 was changed outside Policywright: its content hash, author, note or dates no longer match the trail\n"
    );
    assert_eq!(
        stderr(&check),
        "lib.sqlite: 1 problem found\n  hint: restore the library from a backup (library.sqlite.bak is made each day), or export what is sound first\n"
    );
}

/// Regression: a dropped or rewritten trigger went unnoticed, and with it
/// every rule the database enforces.
#[test]
fn a_library_whose_safeguards_were_changed_is_refused_unchanged() {
    let cases = [
        ("DROP TRIGGER versions_no_update", "the trigger versions_no_update is missing"),
        (
            "DROP TRIGGER status_events_follow_the_workflow;
             CREATE TRIGGER status_events_follow_the_workflow BEFORE INSERT ON status_events BEGIN SELECT 1; END",
            "the trigger status_events_follow_the_workflow was changed",
        ),
        ("CREATE TRIGGER sneaky AFTER INSERT ON versions BEGIN SELECT 1; END", "a trigger sneaky was added"),
    ];
    for (sql, detail) in cases {
        let tmp = tempfile::tempdir().expect("tmp");
        let path = tmp.path().join("lib.sqlite");
        library(&path);
        raw(&path).execute_batch(sql).expect("alters");
        let before = std::fs::read(&path).expect("reads");
        let err = Sqlite::open(&path).expect_err("refused");
        assert_eq!(err.kind, ErrorKind::InvalidLibrary);
        assert_eq!(
            err.to_string(),
            format!(
                "the library {0} was altered outside Policywright: its safeguards are not the ones Policywright put there\n  {detail}\n  hint: restore the library from its backup ({0}.bak) or another copy; it was left unchanged",
                path.display()
            )
        );
        assert_eq!(std::fs::read(&path).expect("reads"), before, "{sql}");
    }
}

/// Regression: four processes running `draft` then `save` on one policy
/// saved 86 of 277 versions with another process's draft under their own
/// note and author. `save --from` takes exactly its file, in one
/// transaction; `save --revision` refuses a draft replaced meanwhile.
#[test]
fn concurrent_saves_keep_each_note_with_its_content() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    let mut policy = preset(Locale::En);
    std::fs::write(d.join("p.policy.json"), policywright_model::to_json(&policy)).expect("write");
    assert_eq!(stdout(&cli(d, &["import", "p.policy.json"])), "1\n");
    const WRITERS: usize = 4;
    const SAVES: usize = 12;
    for w in 0..WRITERS {
        for i in 0..SAVES {
            policy.document.company = format!("writer {w} save {i}");
            std::fs::write(d.join(format!("w{w}-{i}.policy.json")), policywright_model::to_json(&policy))
                .expect("write");
        }
    }
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let dir = d.to_path_buf();
            std::thread::spawn(move || {
                for i in 0..SAVES {
                    let file = format!("w{w}-{i}.policy.json");
                    let note = format!("writer {w} save {i}");
                    let out = cli(&dir, &["save", "1", "--from", &file, "--note", &note, "--author", &format!("w{w}")]);
                    assert_eq!(out.status.code(), Some(0), "{file}: {}", stderr(&out));
                }
            })
        })
        .collect();
    for writer in writers {
        writer.join().expect("a writer finished");
    }
    let store = open(&d.join("lib.sqlite"));
    let history = store.history(1).expect("history");
    assert_eq!(history.len(), WRITERS * SAVES);
    for v in &history {
        let (_, saved) = store.version(1, &v.label.to_string()).expect("reads");
        assert_eq!(saved.document.company, v.note, "version {} holds another writer's draft", v.label);
    }
    assert_eq!(store.check(1).expect("checks"), []);

    // A draft replaced since it was read is not saved under this note.
    let drafted = stdout(&cli(d, &["draft", "1", "--from", "w0-0.policy.json"]));
    let revision = drafted.trim_end().rsplit("revision ").next().and_then(|r| r.strip_suffix(')')).expect("revision");
    cli(d, &["draft", "1", "--from", "w1-0.policy.json"]);
    let late = cli(d, &["save", "1", "--revision", revision, "--note", "mine", "--author", "w0"]);
    assert_eq!(late.status.code(), Some(1));
    let current: u64 = revision.parse::<u64>().expect("number") + 1;
    let said = stderr(&late);
    let when = said
        .split_once("), by someone at ")
        .and_then(|(_, rest)| rest.split_once(';'))
        .map(|(at, _)| at)
        .unwrap_or_default();
    assert!(when.len() == 20 && when.ends_with(" UTC"), "a time is named: {said}");
    assert_eq!(
        said,
        format!(
            "error: the draft of policy 1 was replaced meanwhile (it is at revision {current}, not {revision}), by someone at {when}; nothing was saved\n  hint: look at the draft again, or save exactly your file with `policywright save 1 --from FILE`\n"
        )
    );
    let on_time =
        cli(d, &["save", "1", "--revision", &current.to_string(), "--note", "writer 1 save 0", "--author", "w1"]);
    assert_eq!(on_time.status.code(), Some(0), "{}", stderr(&on_time));
}

/// Regression: `--db /dev/null` was taken as an empty library and left a
/// `-journal` beside it.
#[cfg(unix)]
#[test]
fn a_device_is_not_a_library() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = Command::new(env!("CARGO_BIN_EXE_policywright"))
        .args(["--db", "/dev/null", "list"])
        .current_dir(tmp.path())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: cannot open the library /dev/null: it is not a regular file (it is a device, a pipe or a socket)\n  hint: give the path of a library file, e.g. library.sqlite\n"
    );
    assert!(!Path::new("/dev/null-journal").exists());
    assert!(!Path::new("/dev/null-wal").exists());
}

/// A library made by the first schema keeps every version, status and
/// hash through the migration that adds the trail, and is backed up first.
#[test]
fn a_first_schema_library_is_migrated_after_a_backup() {
    let tmp = tempfile::tempdir().expect("tmp");
    let path = tmp.path().join("lib.sqlite");
    let conn = raw(&path);
    conn.execute_batch(include_str!("../../crates/sqlite/src/migrations/0001_init.sql")).expect("schema 1");
    conn.pragma_update(None, "user_version", 1).expect("version");
    conn.pragma_update(None, "journal_mode", "WAL").expect("wal");
    let mut policy = preset(Locale::En);
    let draft = serde_json::to_string(&policy).expect("json");
    conn.execute(
        "INSERT INTO policies (title, draft, created_at, updated_at) VALUES (?1, ?2, 't0', 't0')",
        [&policy.document.title, &draft],
    )
    .expect("policy");
    let mut hashes = Vec::new();
    for (minor, company, at) in [(0, "", "t1"), (1, "Acme", "t3")] {
        policy.document.company = company.into();
        let content = policywright_model::canonical_json(&policy);
        let hash = policywright_model::sha256_hex(content.as_bytes());
        conn.execute(
            "INSERT INTO versions (policy_id, major, minor, author, note, created_at, effective_date, content_hash, content)
             VALUES (1, 1, ?1, 'HR', ?2, ?3, '2027-01-01', ?4, ?5)",
            rusqlite::params![minor, format!("note {minor}"), at, hash, content],
        )
        .expect("version");
        hashes.push(hash);
    }
    conn.execute(
        "INSERT INTO status_events (version_id, from_status, to_status, changed_by, changed_at)
         VALUES (1, 'draft', 'in-review', 'Legal', 't2')",
        [],
    )
    .expect("event");
    drop(conn);
    let before = std::fs::read(&path).expect("reads");

    let mut store = open(&path);
    let backup = tmp.path().join("lib.sqlite.v1.bak");
    let copy = rusqlite::Connection::open(&backup).expect("the backup opens");
    let version: i64 = copy.pragma_query_value(None, "user_version", |r| r.get(0)).expect("version");
    assert_eq!(version, 1, "the backup is of the library before the migration");
    drop(copy);
    assert!(std::fs::read(&backup).expect("reads").len() >= before.len() / 2);

    let history = store.history(1).expect("history");
    let rows: Vec<(String, Status, String, bool)> =
        history.iter().map(|v| (v.label.to_string(), v.status, v.content_hash.clone(), v.damaged)).collect();
    assert_eq!(
        rows,
        [
            ("1.0".to_string(), Status::InReview, hashes[0].clone(), false),
            ("1.1".to_string(), Status::Draft, hashes[1].clone(), false)
        ]
    );
    assert_eq!(store.check(1).expect("checks"), []);
    assert_eq!(store.version(1, "1.1").expect("reads").1.document.company, "Acme");
    store.set_status(1, "1.0", Status::Approved, "Legal", NOW).expect("the workflow goes on");
    assert_eq!(store.save_version(1, Bump::Major, "HR", "n", NOW).expect("saves").version.label.to_string(), "2.0");
}

/// A library from before the list showed document numbers and review dates
/// gets both in the migration: the number from each draft, and for a
/// policy still published, a review a year after it was published.
#[test]
fn an_older_library_gets_its_numbers_and_review_dates() {
    let tmp = tempfile::tempdir().expect("tmp");
    let path = tmp.path().join("lib.sqlite");
    let conn = raw(&path);
    conn.execute_batch(include_str!("../../crates/sqlite/src/migrations/0001_init.sql")).expect("schema 1");
    conn.pragma_update(None, "user_version", 1).expect("version");
    let mut policy = preset(Locale::En);
    policy.document.number = "HR-CS-007".into();
    for title in ["Published", "Withdrawn", "Never published"] {
        policy.document.title = title.into();
        let draft = serde_json::to_string(&policy).expect("json");
        conn.execute(
            "INSERT INTO policies (title, draft, created_at, updated_at) VALUES (?1, ?2, 't0', 't0')",
            [title, draft.as_str()],
        )
        .expect("policy");
        let content = policywright_model::canonical_json(&policy);
        let hash = policywright_model::sha256_hex(content.as_bytes());
        conn.execute(
            "INSERT INTO versions (policy_id, major, minor, author, note, created_at, effective_date, content_hash, content)
             VALUES ((SELECT max(id) FROM policies), 1, 0, 'HR', 'First', '2026-01-05T09:00:00Z', '2027-01-01', ?1, ?2)",
            [hash, content],
        )
        .expect("version");
    }
    let steps: &[(i64, &str, &str, &str)] = &[
        (1, "draft", "in-review", "2026-02-01T09:00:00Z"),
        (1, "in-review", "approved", "2026-02-02T09:00:00Z"),
        (1, "approved", "published", "2024-02-29T09:00:00Z"),
        (2, "draft", "in-review", "2026-02-01T09:00:00Z"),
        (2, "in-review", "approved", "2026-02-02T09:00:00Z"),
        (2, "approved", "published", "2026-02-03T09:00:00Z"),
        (2, "published", "superseded", "2026-06-01T09:00:00Z"),
    ];
    for (version, from, to, at) in steps {
        conn.execute(
            "INSERT INTO status_events (version_id, from_status, to_status, changed_by, changed_at)
             VALUES (?1, ?2, ?3, 'Legal', ?4)",
            rusqlite::params![version, from, to, at],
        )
        .expect("event");
    }
    drop(conn);
    let store = open(&path);
    let listed: Vec<(String, String, Option<String>)> =
        store.list(false).expect("lists").into_iter().map(|p| (p.title, p.number, p.next_review)).collect();
    assert_eq!(
        listed,
        [
            ("Published".to_string(), "HR-CS-007".to_string(), Some("2025-02-28".to_string())),
            ("Withdrawn".to_string(), "HR-CS-007".to_string(), None),
            ("Never published".to_string(), "HR-CS-007".to_string(), None),
        ]
    );
}
