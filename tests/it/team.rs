//! The team library on a server, as people use it: the CLI against the
//! throw-away cluster (`crate::pg`), with the same commands and the same
//! shape of output as on a file.

use std::path::Path;
use std::process::Output;

use crate::{pg, policywright_in, stderr, stdout};

/// `ops.policy.json`, the English preset as `new` writes it, and its JSON to edit.
fn new_policy(dir: &Path) -> serde_json::Value {
    let made = policywright_in(dir).args(["new", "--locale", "en", "-o", "ops.policy.json"]).output().expect("new");
    assert!(made.status.success(), "{}", stderr(&made));
    serde_json::from_str(&std::fs::read_to_string(dir.join("ops.policy.json")).expect("read")).expect("json")
}

fn run(dir: &Path, db: &str, args: &[&str]) -> Output {
    policywright_in(dir).args(["--db", db]).args(args).output().expect("runs")
}

fn ok(dir: &Path, db: &str, args: &[&str]) -> String {
    let out = run(dir, db, args);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
    stdout(&out)
}

/// Create a policy, edit it, save two versions, review one; the history.
fn workflow(dir: &Path, db: &str) -> String {
    assert_eq!(ok(dir, db, &["import", "ops.policy.json"]), "1\n");
    assert_eq!(ok(dir, db, &["save", "1", "--note", "First issue", "--author", "HR"]), "1.0\n");
    assert_eq!(
        ok(dir, db, &["draft", "1", "--from", "edited.policy.json"]),
        "draft of policy 1 replaced from edited.policy.json (revision 2)\n"
    );
    assert_eq!(ok(dir, db, &["save", "1", "--note", "Reweighted ability", "--author", "Legal"]), "1.1\n");
    assert_eq!(ok(dir, db, &["save", "1", "--note", "again", "--author", "Legal"]), "1.1\n");
    assert_eq!(
        ok(dir, db, &["status", "1", "1.1", "in-review", "--by", "Counsel"]),
        "version 1.1 of policy 1 is now in review\n"
    );
    ok(dir, db, &["history", "1"])
}

#[test]
fn the_library_workflow_on_a_server_reads_as_on_a_file() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    let mut v = new_policy(d);
    v["appraisal"]["indicators"][1]["children"][0]["weight"] = 20.into();
    v["appraisal"]["indicators"][1]["children"][1]["weight"] = 5.into();
    std::fs::write(d.join("edited.policy.json"), v.to_string()).expect("write");

    let on_file = workflow(d, "lib.sqlite");
    let address = pg::cluster().database();
    let on_server = workflow(d, &address);
    // The same lines, but who saved is the database user and when the
    // server's clock: the columns of names and times are set aside.
    let shape = |history: &str, who: &[&str]| -> Vec<String> {
        history
            .lines()
            .map(|line| {
                let mut line = line.to_string();
                for name in who {
                    line = line.replace(name, "WHO");
                }
                line.split_whitespace().filter(|w| !w.starts_with("20") || w.len() < 10).collect::<Vec<_>>().join(" ")
            })
            .collect()
    };
    assert_eq!(on_file.lines().count(), 2, "{on_file}");
    assert_eq!(shape(&on_server, &[pg::SUPERUSER]), shape(&on_file, &["HR", "Legal"]), "{on_file}\n{on_server}");
    assert!(on_server.contains(pg::SUPERUSER), "{on_server}");

    // The environment chooses the server as well as --db does.
    let listed = policywright_in(d).env("POLICYWRIGHT_DB", &address).arg("list").output().expect("runs");
    assert!(listed.status.success(), "{}", stderr(&listed));
    assert!(stdout(&listed).contains("Operations Staff Policy"), "{}", stdout(&listed));
    // An address is no path: no folder is made for it.
    assert!(!d.join("postgres:").exists());
    let checked = ok(d, &address, &["library", "check"]);
    assert!(checked.starts_with("postgres://postgres@/t"), "{checked}");
    assert!(checked.ends_with("the trail of its 1 policy are sound\n"), "{checked}");
}

#[test]
fn a_server_that_is_not_there_is_a_clear_error() {
    let tmp = tempfile::tempdir().expect("tmp");
    let missing = tmp.path().join("no-server");
    std::fs::create_dir(&missing).expect("folder");
    let address = format!("postgres://hr@/policies?host={}", missing.display());
    let out = run(tmp.path(), &address, &["list"]);
    assert_eq!(out.status.code(), Some(2));
    let text = stderr(&out);
    assert!(text.starts_with(&format!("error: cannot reach the library server {address}: ")), "{text}");
    assert!(text.contains("hint: check that the server is running and the address is right"), "{text}");
    // Nothing was made where a file would have been.
    assert_eq!(std::fs::read_dir(tmp.path()).expect("dir").count(), 1);
}

#[test]
fn init_server_prints_the_roles_script() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = ok(tmp.path(), "lib.sqlite", &["library", "init-server"]);
    for role in ["pw_reader", "pw_author", "pw_reviewer", "pw_publisher"] {
        assert!(out.contains(&format!("'{role}'")), "{role}: {out}");
    }
    assert!(out.contains("CREATE POLICY reviewers_decide ON status_events FOR INSERT TO pw_reviewer"), "{out}");
    // Running it needs a server.
    let refused = run(tmp.path(), "lib.sqlite", &["library", "init-server", "--run"]);
    assert_eq!(refused.status.code(), Some(2));
    assert_eq!(
        stderr(&refused),
        "error: lib.sqlite is a library file, not a server; roles are set up on a library server\n  \
         hint: name the server as its owner: --db postgres://owner@host/database\n"
    );
}

/// The database refuses, whoever asks: as the CLI sees it.
fn denied(out: &Output, what: &str) {
    assert_eq!(out.status.code(), Some(2), "{what}: {}", stderr(out));
    let text = stderr(out);
    assert!(text.contains("does not allow this user to do that"), "{what}: {text}");
    assert!(text.contains("hint: ask the server's administrator for the role it needs"), "{what}: {text}");
}

#[test]
fn each_role_may_do_its_part_and_no_more() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    let mut v = new_policy(d);
    v["document"]["title"] = "Edited".into();
    std::fs::write(d.join("edited.policy.json"), v.to_string()).expect("write");

    let cluster = pg::cluster();
    let owner = cluster.database();
    let db = pg::db_name(&owner);
    let ready = ok(d, &owner, &["library", "init-server", "--run"]);
    assert!(ready.starts_with("the library server postgres://postgres@/"), "{ready}");
    // Safe to run again, as after an upgrade.
    assert_eq!(ok(d, &owner, &["library", "init-server", "--run"]), ready);
    // People: a login each, in their role (roles are the server's, so the
    // names are this database's own).
    let person = |role: &str| -> String {
        let name = format!("{}_{db}", role.trim_start_matches("pw_"));
        let mut admin = cluster.client(&db, pg::SUPERUSER);
        admin.batch_execute(&format!("CREATE ROLE {name} LOGIN IN ROLE {role}")).expect("creates a login");
        name
    };
    let (author, reviewer, publisher, reader) =
        (person("pw_author"), person("pw_reviewer"), person("pw_publisher"), person("pw_reader"));
    let at = |user: &str| cluster.address(&db, user);

    assert_eq!(ok(d, &at(&author), &["import", "ops.policy.json"]), "1\n");
    assert_eq!(ok(d, &at(&author), &["save", "1", "--note", "First issue", "--author", "HR"]), "1.0\n");
    ok(d, &at(&author), &["status", "1", "1.0", "in-review", "--by", "HR"]);
    denied(&run(d, &at(&author), &["status", "1", "1.0", "approved", "--by", "HR"]), "an author approves");

    // Nor through SQL of one's own, with every field as the triggers want it.
    let mut raw = cluster.client(&db, &author);
    let approve = format!(
        "INSERT INTO status_events (version_id, policy_id, seq, from_status, to_status, changed_by, changed_at,
                                    chain_hash)
         SELECT v.id, 1, p.trail_seq + 1, 'in-review', 'approved', current_user, policywright_now(), '{}'
         FROM versions v JOIN policies p ON p.id = v.policy_id WHERE v.policy_id = 1",
        "0".repeat(64)
    );
    let err = raw.batch_execute(&approve).expect_err("an author's SQL approves");
    let db_err = err.as_db_error().expect("the server refuses");
    assert_eq!(db_err.message(), "new row violates row-level security policy for table \"status_events\"");

    // Saying it is a copy from another library does not help: only the
    // owner may keep other names and times.
    let forged = format!(
        "SET policywright.copy = 'on'; {}",
        approve.replace("'in-review', 'approved', current_user", "'in-review', 'approved', 'Director Li'")
    );
    let err = raw.batch_execute(&forged).expect_err("an author forges a copy");
    assert_eq!(
        err.as_db_error().map(|e| e.message()),
        Some("a status change is recorded under the database user and the server's time")
    );

    ok(d, &at(&reviewer), &["status", "1", "1.0", "approved", "--by", "Legal"]);
    denied(&run(d, &at(&author), &["status", "1", "1.0", "published", "--by", "HR"]), "an author publishes");
    denied(&run(d, &at(&reviewer), &["status", "1", "1.0", "published", "--by", "Legal"]), "a reviewer publishes");
    assert_eq!(
        ok(d, &at(&publisher), &["status", "1", "1.0", "published", "--by", "Director"]),
        "version 1.0 of policy 1 is now published\n"
    );

    // A reader reads, and can neither edit a draft nor save one.
    assert!(ok(d, &at(&reader), &["list"]).contains("Operations Staff Policy"));
    denied(&run(d, &at(&reader), &["draft", "1", "--from", "edited.policy.json"]), "a reader edits");
    ok(d, &at(&author), &["draft", "1", "--from", "edited.policy.json"]);
    denied(&run(d, &at(&reader), &["save", "1", "--note", "mine", "--author", "R"]), "a reader saves");

    // Who did what is each one's login, whatever name they typed.
    let history = ok(d, &at(&reader), &["history", "1"]);
    assert!(history.starts_with("1.0     published") && history.contains(&author), "{history}");
    let steps = cluster
        .client(&db, pg::SUPERUSER)
        .query("SELECT changed_by || ' ' || changed_by_name || ' ' || to_status FROM status_events ORDER BY seq", &[])
        .expect("reads")
        .iter()
        .map(|r| r.get::<_, String>(0))
        .collect::<Vec<_>>();
    assert_eq!(
        steps,
        [
            format!("{author} HR in-review"),
            format!("{reviewer} Legal approved"),
            format!("{publisher} Director published")
        ]
    );

    // No role may change or delete a version or a status change.
    for user in [&author, &reviewer, &publisher, &reader] {
        let mut raw = cluster.client(&db, user);
        for sql in [
            "UPDATE versions SET note = 'rewritten'",
            "DELETE FROM versions",
            "UPDATE status_events SET to_status = 'draft'",
            "DELETE FROM status_events",
        ] {
            let err = raw.batch_execute(sql).expect_err(sql);
            let message = err.as_db_error().map(|e| e.message().to_string()).unwrap_or_default();
            assert!(message.starts_with("permission denied for table"), "{user}: {sql}: {message}");
        }
    }
}

/// Everything a reader of a library sees, the same on any backend.
fn contents(store: &policywright_store::Library) -> Vec<String> {
    let mut out = Vec::new();
    for p in store.list(true).expect("list") {
        out.push(format!(
            "{} {} {} {:?} {:?} {:?} {}",
            p.title, p.number, p.archived, p.latest, p.status, p.next_review, p.updated_at
        ));
        out.push(serde_json::to_string(&store.draft(p.id).expect("draft")).expect("json"));
        for v in store.history(p.id).expect("history") {
            out.push(format!(
                "{} {} {} {} {} {:?} {}",
                v.label, v.author, v.note, v.created_at, v.content_hash, v.steps, v.damaged
            ));
            let (_, policy) = store.version(p.id, &v.label.to_string()).expect("checked against its hash");
            out.push(policywright_model::content_hash(&policy));
        }
    }
    for h in store.handbooks().expect("handbooks") {
        let stored = store.handbook(h.id).expect("handbook");
        out.push(format!("{:?} {} {:?}", h, stored.definition, stored.last_build));
    }
    out
}

#[test]
fn library_copy_moves_a_file_to_a_server_and_back_and_a_second_run_copies_nothing() {
    use policywright_store::{Bump, Status};
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    let file = d.join("desk.sqlite");
    {
        let mut store =
            policywright_store::Library::new(Box::new(policywright_sqlite::Sqlite::open(&file).expect("opens")));
        let mut policy = crate::preset(policywright_model::Locale::En);
        let a = store.import(&policy, "2026-01-05T09:00:00Z").expect("imports");
        store.save_version(a, Bump::Minor, "Wang Fang", "First issue", "2026-01-06T09:00:00Z").expect("1.0");
        for (to, who, at) in [
            (Status::InReview, "Wang Fang", "2026-01-07T09:00:00Z"),
            (Status::Approved, "Legal", "2026-01-08T09:00:00Z"),
            (Status::Published, "Director", "2026-01-09T09:00:00Z"),
        ] {
            store.set_status(a, "1.0", to, who, at).expect("moves");
        }
        policy.document.title = "Second edition".into();
        store.set_draft(a, &policy, "2026-02-01T09:00:00Z").expect("draft");
        store.save_version(a, Bump::Major, "Wang Fang", "Rewritten", "2026-02-02T09:00:00Z").expect("2.0");
        policy.document.title = "Work in progress".into();
        store.set_draft(a, &policy, "2026-02-03T09:00:00Z").expect("draft");
        let b = store.import(&crate::preset(policywright_model::Locale::ZhCn), "2026-03-01T09:00:00Z").expect("b");
        store.archive(b).expect("archives");
        store
            .save_handbook(None, "Staff handbook", r#"{"cover":{"title":"Staff"},"parts":[]}"#, "2026-03-02T09:00:00Z")
            .expect("handbook");
    }
    let address = pg::cluster().database();
    let first = ok(d, "unused.sqlite", &["library", "copy", "--from", "desk.sqlite", "--to", &address]);
    assert!(first.ends_with(": 2 policies, 2 versions, 3 status changes, 1 handbooks; 0 already there\n"), "{first}");
    let again = ok(d, "unused.sqlite", &["library", "copy", "--from", "desk.sqlite", "--to", &address]);
    assert!(again.ends_with(": 0 policies, 0 versions, 0 status changes, 0 handbooks; 3 already there\n"), "{again}");

    let open_file = |path: &Path| {
        policywright_store::Library::new(Box::new(policywright_sqlite::Sqlite::open(path).expect("opens")))
    };
    let source = open_file(&file);
    let server = policywright_store::Library::new(Box::new(
        policywright_postgres::Postgres::connect(&address).expect("connects"),
    ));
    // Every author and time as they were, every hash the same, nothing damaged.
    assert_eq!(contents(&server), contents(&source));
    assert!(server.check_all().expect("checks").is_empty());

    // And back, into a new file: the same library again.
    let back = d.join("back.sqlite");
    ok(d, "unused.sqlite", &["library", "copy", "--from", &address, "--to", back.to_str().expect("utf-8")]);
    assert_eq!(contents(&open_file(&back)), contents(&source));

    // A file that is not there is not made into an empty library.
    let missing = run(d, "unused.sqlite", &["library", "copy", "--from", "nowhere.sqlite", "--to", &address]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).starts_with("error: there is no library at nowhere.sqlite"), "{}", stderr(&missing));
    assert!(!d.join("nowhere.sqlite").exists());
}

#[test]
fn after_a_server_restart_the_next_action_connects_again() {
    let cluster = pg::Cluster::start();
    let address = cluster.database();
    let mut store = policywright_store::Library::new(Box::new(
        policywright_postgres::Postgres::connect(&address).expect("connects"),
    ));
    let id = store.import(&crate::preset(policywright_model::Locale::En), "t1").expect("imports");
    store.save_version(id, policywright_store::Bump::Minor, "HR", "First", "t2").expect("saves");
    cluster.restart();
    // The same session, its connection cut: nothing acknowledged is lost.
    assert_eq!(store.history(id).expect("reads after the restart").len(), 1);
    let mut policy = crate::preset(policywright_model::Locale::En);
    policy.document.title = "After the restart".into();
    store.set_draft(id, &policy, "t3").expect("writes after the restart");
    assert_eq!(
        store
            .save_version(id, policywright_store::Bump::Minor, "HR", "n", "t4")
            .expect("saves")
            .version
            .label
            .to_string(),
        "1.1"
    );
}

#[test]
fn a_connection_lost_mid_save_leaves_nothing_half_written() {
    use policywright_store::Bump;
    let cluster = pg::cluster();
    let address = cluster.database();
    let db = pg::db_name(&address);
    let mut store = policywright_store::Library::new(Box::new(
        policywright_postgres::Postgres::connect(&address).expect("connects"),
    ));
    let id = store.import(&crate::preset(policywright_model::Locale::En), "t1").expect("imports");

    // Another session holds the policy's row, so the save stops inside its
    // insert (the trigger waits for the row); then its connection is cut.
    let mut holder = cluster.client(&db, pg::SUPERUSER);
    let mut hold = holder.transaction().expect("begins");
    hold.batch_execute("SELECT 1 FROM policies WHERE id = 1 FOR UPDATE").expect("holds the row");
    let saver = std::thread::spawn(move || {
        let outcome = store.save_version(id, Bump::Minor, "HR", "cut off", "t2");
        (store, outcome)
    });
    let mut admin = cluster.client(&db, pg::SUPERUSER);
    let waiting =
        "SELECT pid FROM pg_stat_activity WHERE application_name = 'policywright' AND wait_event_type = 'Lock'";
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(4);
    let pid: i32 = loop {
        if let Some(row) = admin.query(waiting, &[]).expect("asks").first() {
            break row.get(0);
        }
        assert!(std::time::Instant::now() < deadline, "the save never reached the row");
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    admin.execute("SELECT pg_terminate_backend($1)", &[&pid]).expect("cuts the connection");
    let (mut store, outcome) = saver.join().expect("the saver returns");
    let err = outcome.expect_err("the save fails");
    assert_eq!(err.kind, policywright_i18n::ErrorKind::Unreachable);
    assert!(err.to_string().starts_with("cannot reach the library server postgres://"), "{err}");
    assert!(err.to_string().contains("either all there or not there at all"), "{err}");
    hold.rollback().expect("lets go");

    // Nothing of it is there, and the next save connects again and works.
    assert!(store.history(id).expect("history").is_empty());
    assert_eq!(admin.query_one("SELECT count(*) FROM versions", &[]).expect("counts").get::<_, i64>(0), 0);
    let saved = store.save_version(id, Bump::Minor, "HR", "again", "t3").expect("saves");
    assert_eq!(saved.version.label.to_string(), "1.0");
}

#[test]
fn a_library_whose_triggers_were_dropped_or_switched_off_is_refused() {
    let cluster = pg::cluster();
    let address = cluster.database();
    let db = pg::db_name(&address);
    drop(policywright_postgres::Postgres::connect(&address).expect("makes the library"));
    let mut owner = cluster.client(&db, pg::SUPERUSER);
    owner.batch_execute("ALTER TABLE versions DISABLE TRIGGER versions_no_update").expect("switches one off");
    owner.batch_execute("DROP TRIGGER status_events_no_delete ON status_events").expect("drops one");
    let err = policywright_postgres::Postgres::connect(&address).expect_err("refused");
    assert_eq!(err.kind, policywright_i18n::ErrorKind::InvalidLibrary);
    let shown = format!("postgres://{}@/{db}?host={}", pg::SUPERUSER, cluster.socket_dir().display());
    assert_eq!(
        err.to_string(),
        format!(
            "the library {shown} was altered outside Policywright: its safeguards are not the ones Policywright put there
  the trigger status_events.status_events_no_delete is missing
  the trigger versions.versions_no_update is missing
  hint: ask the server's administrator to restore the database from a backup; it was left unchanged"
        )
    );
}
