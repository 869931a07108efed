//! The Markdown → DOCX writer alone, on a preset and on a ~300-page handbook.

#[path = "support/handbook.rs"]
mod handbook;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};

use policywright::docx::{self, DocxOptions};
use policywright::model::Locale;
use policywright::presets;
use policywright::template::Templates;

fn writer(c: &mut Criterion) {
    let policy = presets::preset("operations", Locale::ZhCn, "2027-01-01").expect("preset");
    c.bench_function("docx/zh-CN preset → docx (policy export)", |b| {
        b.iter(|| docx::policy_docx(black_box(&policy), &Templates::builtin()))
    });
    let markdown = handbook::handbook_markdown();
    let opts = DocxOptions::plain(Locale::ZhCn);
    let mut group = c.benchmark_group("docx");
    group.sample_size(10);
    group.bench_function("handbook markdown → docx (~370 pages)", |b| {
        b.iter(|| docx::markdown_to_docx(black_box(&markdown), &opts))
    });
    group.finish();
}

criterion_group!(benches, writer);
criterion_main!(benches);
