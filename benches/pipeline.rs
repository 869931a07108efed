//! preset → Markdown → HTML, step by step and whole.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};

use policywright::export;
use policywright::markdown::{number_headings, to_html};
use policywright::model::{self, Locale, validate::validate};
use policywright::presets;
use policywright::template::Templates;

fn pipeline(c: &mut Criterion) {
    let templates = Templates::builtin();
    for locale in Locale::ALL {
        let policy = presets::preset("operations", locale, "2027-01-01").expect("preset");
        let json = model::to_json(&policy);
        let semantic = templates.render_markdown(&policy).expect("renders");
        let numbered = number_headings(&semantic, policy.document.numbering);
        let code = locale.code();

        c.bench_function(&format!("{code}/load json"), |b| b.iter(|| model::from_json(black_box(&json), "bench")));
        c.bench_function(&format!("{code}/validate"), |b| b.iter(|| validate(black_box(&policy))));
        c.bench_function(&format!("{code}/template → markdown"), |b| {
            b.iter(|| templates.render_markdown(black_box(&policy)))
        });
        c.bench_function(&format!("{code}/number headings"), |b| {
            b.iter(|| number_headings(black_box(&semantic), policy.document.numbering))
        });
        c.bench_function(&format!("{code}/markdown → html"), |b| b.iter(|| to_html(black_box(&numbered))));
        c.bench_function(&format!("{code}/preset → html page (whole)"), |b| {
            b.iter(|| export::html(black_box(&policy), &templates))
        });
    }
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
