//! Comparing versions in which many roles moved, whole process, as a user
//! times it: the release `policywright diff` between two versions of one
//! policy, the second with the first half of its roles in reverse order, in
//! every format. Moves used to cost quadratic time (10,000 roles took 4.7 s,
//! 100,000 more than 300 s).
//!
//! Needs the release binary (`cargo build --release`). The libraries are
//! built once into `target/bench/` and reused.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use policywright_model::{Locale, Policy, from_json, presets};
use policywright_sqlite::Sqlite;
use policywright_store::{Bump, Library};
use serde_json::{Value, json};

const RUNS: usize = 5;
const NOW: &str = "2027-01-01T00:00:00Z";

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// The operations preset with `n` more roles before its own, and the same
/// with the first half of those reversed.
fn policies(n: usize) -> (Policy, Policy) {
    let preset = presets::preset("operations", Locale::En, "2027-01-01").expect("preset");
    let mut value = serde_json::to_value(&preset).expect("json");
    value["document"]["company"] = json!("Acme");
    let own = value["duties"]["roles"].as_array().cloned().unwrap_or_default();
    let made: Vec<Value> = (0..n)
        .map(|i| json!({"id": format!("r{i}"), "title": format!("Role {i}"), "summary": format!("Role {i}."), "duties": [format!("Duty {i}.")]}))
        .collect();
    let with = |roles: Vec<Value>| {
        let mut v = value.clone();
        v["duties"]["roles"] = Value::Array(roles.into_iter().chain(own.iter().cloned()).collect());
        from_json(&v.to_string(), "bench").expect("a valid policy")
    };
    let mut moved = made.clone();
    moved[..n / 2].reverse();
    (with(made), with(moved))
}

fn library(path: &Path, n: usize) {
    let ready =
        Sqlite::open(path).map(|s| Library::new(Box::new(s))).and_then(|l| l.history(1)).is_ok_and(|h| h.len() == 2);
    if ready {
        return;
    }
    let _ = std::fs::remove_file(path);
    eprintln!("building a library with two versions of {n} roles (once)…");
    let (old, new) = policies(n);
    let mut lib = Library::new(Box::new(Sqlite::open(path).expect("library")));
    let id = lib.import(&old, NOW).expect("import");
    lib.save_version(id, Bump::Minor, "HR", "first", NOW).expect("save");
    lib.set_draft(id, &new, NOW).expect("draft");
    lib.save_version(id, Bump::Minor, "HR", "half reversed", NOW).expect("save");
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let ours = root.join("target/release/policywright");
    if !ours.exists() {
        eprintln!("diff_scale: build the release binary first (cargo build --release)");
        std::process::exit(2);
    }
    let dir = root.join("target/bench");
    std::fs::create_dir_all(&dir).expect("bench folder");
    println!("diff_scale: the first half of the roles reversed, median of {RUNS} runs");
    for n in [10_000, 100_000] {
        let db = dir.join(format!("moves-{n}.sqlite"));
        library(&db, n);
        for format in ["json", "md", "html", "docx"] {
            let out = dir.join(format!("moves-{n}.{format}"));
            let run = || {
                let _ = std::fs::remove_file(&out);
                let mut c = Command::new(&ours);
                c.arg("--db").arg(&db).args(["diff", "1", "1.0", "1.1", "--format", format, "-o"]).arg(&out);
                c.stdout(Stdio::null()).stderr(Stdio::null()).env_remove("POLICYWRIGHT_DB");
                let start = Instant::now();
                let status = c.status().expect("the command starts");
                assert!(status.success(), "{c:?} failed");
                start.elapsed()
            };
            let time = median((0..RUNS).map(|_| run()).collect());
            let size = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
            let _ = std::fs::remove_file(&out);
            println!("  {n:>7} roles  {format:<4}  {:>7.2} s  ({:.1} MB)", time.as_secs_f64(), size as f64 / 1e6);
        }
    }
}
