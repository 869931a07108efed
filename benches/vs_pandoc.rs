//! Whole-process comparison with pandoc on the same ~300-page handbook:
//! `policywright convert` against `pandoc`, both reading Markdown from disk
//! and writing a .docx, timed as a user would time them.
//!
//! Needs the release binary (`cargo build --release`) and pandoc, taken from
//! `$PANDOC`, the docx-check venv, or `PATH`.

#[path = "support/handbook.rs"]
mod handbook;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const RUNS: usize = 5;

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn time(mut command: Command) -> Duration {
    let mut times = Vec::new();
    for _ in 0..RUNS {
        let start = Instant::now();
        let status = command.status().expect("the command starts");
        assert!(status.success(), "{command:?} failed");
        times.push(start.elapsed());
    }
    median(times)
}

fn pandoc() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PANDOC") {
        return Some(p.into());
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/docx-check/.venv/bin/python");
    let out = Command::new(venv).args(["-c", "import pypandoc; print(pypandoc.get_pandoc_path())"]).output().ok()?;
    let path = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!path.is_empty()).then(|| path.into()).or_else(|| Some("pandoc".into()))
}

fn main() {
    // `cargo bench` passes --bench; criterion-style filters are not used here.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("target/bench");
    std::fs::create_dir_all(&dir).expect("bench folder");
    let input = dir.join("handbook.md");
    let markdown = handbook::handbook_markdown();
    std::fs::write(&input, &markdown).expect("write handbook");
    let ours = root.join("target/release/policywright");
    if !ours.exists() {
        eprintln!("vs_pandoc: build the release binary first (cargo build --release)");
        std::process::exit(2);
    }
    let Some(pandoc) = pandoc() else {
        eprintln!("vs_pandoc: no pandoc found; run .ci/docx-check/setup or set PANDOC");
        std::process::exit(2);
    };
    let version = Command::new(&pandoc)
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).lines().next().unwrap_or("").to_string())
        .unwrap_or_default();

    let mut pw = Command::new(&ours);
    pw.args(["convert", "--locale", "zh-CN"]).arg(&input).arg("-o").arg(dir.join("handbook-policywright.docx"));
    pw.stdout(std::process::Stdio::null());
    let mut pd = Command::new(&pandoc);
    pd.arg(&input).arg("-o").arg(dir.join("handbook-pandoc.docx"));

    let ours_time = time(pw);
    let pandoc_time = time(pd);
    let size = |name: &str| std::fs::metadata(dir.join(name)).map(|m| m.len() / 1024).unwrap_or(0);
    println!("handbook: {} KiB of Markdown ({} lines)", markdown.len() / 1024, markdown.lines().count());
    println!(
        "policywright convert: {:>8.1} ms (median of {RUNS}), {} KiB docx",
        ours_time.as_secs_f64() * 1000.0,
        size("handbook-policywright.docx")
    );
    println!(
        "{version:<20}: {:>8.1} ms (median of {RUNS}), {} KiB docx",
        pandoc_time.as_secs_f64() * 1000.0,
        size("handbook-pandoc.docx")
    );
    println!("ratio: policywright is {:.1}x faster than pandoc", pandoc_time.as_secs_f64() / ours_time.as_secs_f64());
}
