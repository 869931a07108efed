//! The library and the comparison: saving a version, reading the history of a
//! policy with 10k versions, on a SQLite file and on a PostgreSQL server (a
//! throw-away cluster started here, with the server's own durability
//! settings, and stopped at the end), and diffing and redlining
//! handbook-sized text.

#[path = "support/handbook.rs"]
mod handbook;
#[path = "support/pg_cluster.rs"]
mod pg_cluster;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};

use policywright_diff::{self as diff, Side};
use policywright_model::{Locale, Policy, Weight, presets};
use policywright_postgres::Postgres;
use policywright_render::Templates;
use policywright_sqlite::Sqlite;
use policywright_store::{Bump, Library};

fn open(path: &std::path::Path) -> Library {
    Library::new(Box::new(Sqlite::open(path).expect("library")))
}

fn connect(cluster: &pg_cluster::Cluster) -> Library {
    Library::new(Box::new(Postgres::connect(&cluster.database()).expect("server")))
}

/// Saving into an empty library: a new version each time, then the same
/// draft again. `name` says what a save waits for on this backend.
fn saves(c: &mut Criterion, prefix: &str, name: &str, mut lib: Library, policy: &mut Policy) {
    let id = lib.import(policy, "2027-01-01T00:00:00Z").expect("import");
    let mut n = 0u64;
    c.bench_function(&format!("{prefix}save a version ({name})"), |b| {
        b.iter(|| {
            n += 1;
            policy.general.purpose = format!("Purpose, revision {n}.");
            lib.set_draft(id, policy, "2027-01-01T00:00:00Z").expect("draft");
            lib.save_version(id, Bump::Minor, "HR", "edit", "2027-01-01T00:00:00Z").expect("save")
        })
    });
    c.bench_function(&format!("{prefix}save an unchanged draft (deduplicated)"), |b| {
        b.iter(|| lib.save_version(id, Bump::Minor, "HR", "again", "2027-01-01T00:00:00Z").expect("save"))
    });
}

fn history(c: &mut Criterion, prefix: &str, lib: &Library) {
    let id = lib.list(true).expect("list").first().expect("a policy").id;
    assert_eq!(lib.history(id).expect("history").len(), 10_000);
    c.bench_function(&format!("{prefix}history of a policy with 10k versions"), |b| {
        b.iter(|| lib.history(black_box(id)).expect("history"))
    });
}

fn store(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tmp");
    let mut policy = presets::preset("operations", Locale::ZhCn, "2027-01-01").expect("preset");
    saves(c, "store/", "validate, hash, fsync", open(&dir.path().join("bench.sqlite")), &mut policy);

    // A policy with 10k versions, built in one go outside the measurement.
    let big = tempfile::tempdir().expect("tmp");
    let mut lib = open(&big.path().join("history.sqlite"));
    let id = lib.import(&policy, "2027-01-01T00:00:00Z").expect("import");
    for i in 0..10_000 {
        policy.general.purpose = format!("Purpose {i}.");
        lib.set_draft(id, &policy, "2027-01-01T00:00:00Z").expect("draft");
        lib.save_version(id, Bump::Minor, "HR", "edit", "2027-01-01T00:00:00Z").expect("save");
    }
    history(c, "store/", &lib);

    // The same on a server on this machine, reached on its Unix socket. The
    // 10k versions arrive as `library copy` brings them, in one transaction,
    // rather than in 10k commits that would only slow the setup down.
    let cluster = pg_cluster::Cluster::start_durable();
    saves(c, "store/postgres/", "validate, hash, commit", connect(&cluster), &mut policy);
    let mut server = connect(&cluster);
    lib.copy_to(&mut server).expect("copies the 10k versions");
    history(c, "store/postgres/", &server);
    drop(server);
    drop(cluster);
}

fn compare(c: &mut Criterion) {
    let old = handbook::handbook_markdown();
    let new = old.replacen("全体在岗人员", "全部在岗人员", 3).replacen("weight", "weighting", 5).replacen(
        "\n\n",
        "\n\nAn inserted paragraph.\n\n",
        4,
    );
    let mut group = c.benchmark_group("diff");
    group.sample_size(10);
    let (old_tree, new_tree) = (policywright_doc::markdown::parse(&old), policywright_doc::markdown::parse(&new));
    group.bench_function("tree diff of a ~370-page handbook", |b| {
        b.iter(|| diff::diff_trees(black_box(&old_tree), black_box(new_tree.clone())))
    });

    let policy = presets::preset("operations", Locale::ZhCn, "2027-01-01").expect("preset");
    let mut edited = policy.clone();
    edited.appraisal.indicators[1].children[0].weight = Weight::from_hundredths(2000);
    edited.appraisal.indicators[1].children[1].weight = Weight::from_hundredths(500);
    let side =
        |label: &str, p: &policywright_model::Policy| Side::new(label, "Legal", "2027-01-01", p, "").expect("side");
    let comparison = diff::compare(side("1.0", &policy), side("1.1", &edited), &Templates::builtin()).expect("compare");
    group.bench_function("compare two versions of the preset", |b| {
        b.iter(|| diff::compare(side("1.0", &policy), side("1.1", &edited), &Templates::builtin()))
    });
    group.bench_function("redline docx of the preset", |b| b.iter(|| diff::to_docx(black_box(&comparison))));
    // The handbook's tree diff, written as a redline.
    let mut handbook = comparison.clone();
    handbook.document = diff::diff_trees(&old_tree, new_tree.clone());
    group.bench_function("redline docx of a ~370-page handbook", |b| b.iter(|| diff::to_docx(black_box(&handbook))));
    group.finish();
}

criterion_group!(benches, store, compare);
criterion_main!(benches);
