//! The DOCX writer alone, on a preset and on a ~300-page handbook.

#[path = "support/handbook.rs"]
mod handbook;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};

use policywright_doc::docx::{self, DocxOptions};
use policywright_model::{Locale, presets};
use policywright_render::{Format, Input, Options, Templates};

fn writer(c: &mut Criterion) {
    let policy = presets::preset("operations", Locale::ZhCn, "2027-01-01").expect("preset");
    let input = Input::new(&policy).expect("input");
    let templates = Templates::builtin();
    let opts = Options { format: Format::Docx, templates: &templates };
    c.bench_function("docx/zh-CN preset → docx (policy export)", |b| {
        b.iter(|| policywright_render::export(black_box(&input), &opts))
    });
    let markdown = handbook::handbook_markdown();
    let opts = DocxOptions::plain(Locale::ZhCn);
    let mut group = c.benchmark_group("docx");
    group.sample_size(10);
    group.bench_function("handbook markdown → docx (~370 pages)", |b| {
        b.iter(|| docx::from_markdown(black_box(&markdown), &opts))
    });
    group.finish();
}

criterion_group!(benches, writer);
criterion_main!(benches);
