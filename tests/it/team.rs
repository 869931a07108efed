//! The team library on a server, as people use it: the CLI against the
//! throw-away cluster (`crate::pg`), with the same commands and the same
//! shape of output as on a file.

use std::path::Path;
use std::process::Output;

use crate::{pg, policywright_in, stderr, stdout};

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
    let made = policywright_in(d).args(["new", "--locale", "en", "-o", "ops.policy.json"]).output().expect("new");
    assert!(made.status.success(), "{}", stderr(&made));
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("ops.policy.json")).expect("read")).expect("json");
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
