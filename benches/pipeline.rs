//! preset → Markdown → document tree → HTML, step by step and whole.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};

use policywright_doc::{html, markdown, number_headings};
use policywright_model::{self as model, Locale, Sanitized, presets, validate::validate};
use policywright_render::Templates;

fn pipeline(c: &mut Criterion) {
    let templates = Templates::builtin();
    for locale in Locale::ALL {
        let policy = presets::preset("operations", locale, "2027-01-01").expect("preset");
        let json = model::to_json(&policy);
        let clean = Sanitized::new(&policy).expect("clean");
        let semantic = templates.render_markdown(&clean).expect("renders");
        let tree = markdown::parse(&semantic);
        let mut numbered = tree.clone();
        number_headings(&mut numbered, policy.document.numbering);
        let code = locale.code();

        c.bench_function(&format!("{code}/load json"), |b| b.iter(|| model::from_json(black_box(&json), "bench")));
        c.bench_function(&format!("{code}/validate"), |b| b.iter(|| validate(black_box(&policy))));
        c.bench_function(&format!("{code}/sanitise"), |b| b.iter(|| Sanitized::new(black_box(&policy))));
        c.bench_function(&format!("{code}/template → markdown"), |b| {
            b.iter(|| templates.render_markdown(black_box(&clean)))
        });
        c.bench_function(&format!("{code}/markdown → tree"), |b| b.iter(|| markdown::parse(black_box(&semantic))));
        c.bench_function(&format!("{code}/number headings"), |b| {
            b.iter(|| {
                let mut doc = tree.clone();
                number_headings(&mut doc, policy.document.numbering);
                doc
            })
        });
        c.bench_function(&format!("{code}/tree → html"), |b| {
            b.iter(|| html::write(black_box(&numbered), html::MoveTitles::default()))
        });
        c.bench_function(&format!("{code}/tree → markdown"), |b| b.iter(|| markdown::write(black_box(&numbered))));
        c.bench_function(&format!("{code}/preset → html page (whole)"), |b| {
            b.iter(|| policywright_render::html_page(black_box(&clean), &templates))
        });
    }
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
