//! The library and the comparison: saving a version, reading the history of a
//! policy with 10k versions, and diffing and redlining handbook-sized text.

#[path = "support/handbook.rs"]
mod handbook;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};

use policywright::diff::{self, Side};
use policywright::model::Locale;
use policywright::presets;
use policywright::store::{Bump, Store};
use policywright::template::Templates;

fn store(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tmp");
    let mut policy = presets::preset("operations", Locale::ZhCn, "2027-01-01").expect("preset");
    let mut lib = Store::open(&dir.path().join("bench.sqlite")).expect("library");
    let id = lib.import(&policy, "2027-01-01T00:00:00Z").expect("import");

    let mut n = 0u64;
    c.bench_function("store/save a version (validate, hash, fsync)", |b| {
        b.iter(|| {
            n += 1;
            policy.general.purpose = format!("Purpose, revision {n}.");
            lib.set_draft(id, &policy, "2027-01-01T00:00:00Z").expect("draft");
            lib.save_version(id, Bump::Minor, "HR", "edit", "2027-01-01T00:00:00Z").expect("save")
        })
    });
    c.bench_function("store/save an unchanged draft (deduplicated)", |b| {
        b.iter(|| lib.save_version(id, Bump::Minor, "HR", "again", "2027-01-01T00:00:00Z").expect("save"))
    });

    // A policy with 10k versions, built in one go outside the measurement.
    let big = tempfile::tempdir().expect("tmp");
    let mut lib = Store::open(&big.path().join("history.sqlite")).expect("library");
    let id = lib.import(&policy, "2027-01-01T00:00:00Z").expect("import");
    for i in 0..10_000 {
        policy.general.purpose = format!("Purpose {i}.");
        lib.set_draft(id, &policy, "2027-01-01T00:00:00Z").expect("draft");
        lib.save_version(id, Bump::Minor, "HR", "edit", "2027-01-01T00:00:00Z").expect("save");
    }
    c.bench_function("store/history of a policy with 10k versions", |b| {
        b.iter(|| lib.history(black_box(id)).expect("history"))
    });
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
    group.bench_function("text diff of a ~370-page handbook", |b| {
        b.iter(|| diff::text_diff(black_box(&old), black_box(&new)))
    });

    let policy = presets::preset("operations", Locale::ZhCn, "2027-01-01").expect("preset");
    let mut edited = policy.clone();
    edited.appraisal.indicators[1].children[0].weight = policywright::model::Weight::from_hundredths(2000);
    edited.appraisal.indicators[1].children[1].weight = policywright::model::Weight::from_hundredths(500);
    let side =
        |label: &str, p| Side { label: label.into(), author: "Legal".into(), date: "2027-01-01".into(), policy: p };
    let comparison = diff::compare(side("1.0", policy.clone()), side("1.1", edited.clone()), &Templates::builtin())
        .expect("compare");
    group.bench_function("compare two versions of the preset", |b| {
        b.iter(|| diff::compare(side("1.0", policy.clone()), side("1.1", edited.clone()), &Templates::builtin()))
    });
    group.bench_function("redline docx of the preset", |b| b.iter(|| diff::to_docx(black_box(&comparison))));
    // The handbook's text diff, written as a redline.
    let mut handbook = comparison.clone();
    handbook.blocks = diff::text_diff(&old, &new);
    group.bench_function("redline docx of a ~370-page handbook", |b| b.iter(|| diff::to_docx(black_box(&handbook))));
    group.finish();
}

criterion_group!(benches, store, compare);
criterion_main!(benches);
