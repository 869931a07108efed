//! The library at scale, whole process, as a user times it: the release
//! `policywright` against a library holding one policy with 10,000
//! versions: `save`, `list` and `history`, warm, and a handbook of 200
//! `@ID` sources against the same 200 policies as files.
//!
//! Needs the release binary (`cargo build --release`). The library is built
//! once into `target/bench/` and reused.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use policywright_model::{Locale, presets, to_json};
use policywright_sqlite::Sqlite;
use policywright_store::{Bump, Library};

const VERSIONS: usize = 10_000;
const RUNS: usize = 7;
const NOW: &str = "2027-01-01T00:00:00Z";

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// The median of `RUNS` runs after one unmeasured run (the warm cache).
fn time(make: impl Fn(usize) -> Command) -> Duration {
    let run = |i: usize| {
        let mut command = make(i);
        command.stdout(Stdio::null()).stderr(Stdio::null());
        let start = Instant::now();
        let status = command.status().expect("the command starts");
        assert!(status.success(), "{command:?} failed");
        start.elapsed()
    };
    run(usize::MAX);
    median((0..RUNS).map(run).collect())
}

fn library(path: &Path) {
    let count = |path: &Path| -> usize {
        Sqlite::open(path).map(|s| Library::new(Box::new(s))).and_then(|l| l.history(1)).map(|h| h.len()).unwrap_or(0)
    };
    if path.exists() && count(path) == VERSIONS {
        return;
    }
    let _ = std::fs::remove_file(path);
    eprintln!("building a library with {VERSIONS} versions of one policy (once)…");
    let mut policy = presets::preset("operations", Locale::ZhCn, "2027-01-01").expect("preset");
    let mut lib = Library::new(Box::new(Sqlite::open(path).expect("library")));
    let id = lib.import(&policy, NOW).expect("import");
    for i in 0..VERSIONS {
        policy.general.purpose = format!("目的，第 {i} 次修订。");
        lib.set_draft(id, &policy, NOW).expect("draft");
        lib.save_version(id, Bump::Minor, "人力资源部", "修订", NOW).expect("save");
    }
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let ours = root.join("target/release/policywright");
    if !ours.exists() {
        eprintln!("library_scale: build the release binary first (cargo build --release)");
        std::process::exit(2);
    }
    let dir = root.join("target/bench");
    std::fs::create_dir_all(&dir).expect("bench folder");
    let db = dir.join("scale.sqlite");
    library(&db);
    let cli = |args: Vec<String>| {
        let mut c = Command::new(&ours);
        c.arg("--db").arg(&db).args(args).current_dir(&dir).env_remove("POLICYWRIGHT_DB");
        c
    };

    // Two drafts that differ, so that every save makes a version.
    let mut policy = presets::preset("operations", Locale::ZhCn, "2027-01-01").expect("preset");
    let files: Vec<PathBuf> = (0..2)
        .map(|i| {
            policy.general.purpose = format!("目的，基准 {i}。");
            let file = dir.join(format!("scale-{i}.policy.json"));
            std::fs::write(&file, to_json(&policy)).expect("write");
            file
        })
        .collect();
    let save = time(|i| {
        let file = files[i % 2].display().to_string();
        cli(vec![
            "save".into(),
            "1".into(),
            "--from".into(),
            file,
            "--note".into(),
            "n".into(),
            "--author".into(),
            "a".into(),
        ])
    });
    let list = time(|_| cli(vec!["list".into()]));
    let history = time(|_| cli(vec!["history".into(), "1".into()]));
    let size = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
    println!("library_scale: one policy with {VERSIONS}+ versions, {:.1} MB on disk", size as f64 / 1e6);
    println!("  save a version   {}", ms(save));
    println!("  list             {}", ms(list));
    println!("  history          {}", ms(history));

    // 200 policies, bound by their library numbers and as files.
    let books = dir.join("books.sqlite");
    let _ = std::fs::remove_file(&books);
    let mut lib = Library::new(Box::new(Sqlite::open(&books).expect("library")));
    let mut sources_ids = Vec::new();
    let mut sources_files = Vec::new();
    for i in 0..200 {
        policy.document.title = format!("制度 {i}");
        let id = lib.import(&policy, NOW).expect("import");
        lib.save_version(id, Bump::Minor, "HR", "n", NOW).expect("save");
        sources_ids.push(format!("@{id}"));
        let file = dir.join(format!("book-{i}.policy.json"));
        std::fs::write(&file, to_json(&policy)).expect("write");
        sources_files.push(file.display().to_string());
    }
    drop(lib);
    let bind = |sources: &[String]| {
        let sources = sources.to_vec();
        let books = books.clone();
        let ours = ours.clone();
        let dir = dir.clone();
        time(move |_| {
            let mut c = Command::new(&ours);
            c.arg("--db").arg(&books).arg("handbook").args(&sources);
            c.args(["--title", "员工手册", "--format", "md", "-o", "/dev/null"]).current_dir(&dir);
            c
        })
    };
    let from_library = bind(&sources_ids);
    let from_files = bind(&sources_files);
    println!("  handbook of 200 @ID sources   {}", ms(from_library));
    println!("  handbook of the same 200 files {}", ms(from_files));
}
