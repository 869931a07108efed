//! A ~300-page policy handbook in Markdown, built from the presets: Chinese
//! and English parts, tables, nested lists and footnotes.

use policywright_model::{Locale, NumberingScheme, Sanitized, presets};
use policywright_render::Templates;

pub fn handbook_markdown() -> String {
    let templates = Templates::builtin();
    let mut parts = Vec::new();
    for i in 0..9 {
        for (locale, scheme) in [(Locale::ZhCn, NumberingScheme::ZhChapter), (Locale::En, NumberingScheme::Decimal)] {
            let mut policy = presets::preset("operations", locale, "2027-01-01").expect("preset");
            policy.document.numbering = scheme;
            policy.document.title = format!("{} ({})", policy.document.title, i + 1);
            let md = policywright_render::markdown_text(&Sanitized::new(&policy).expect("clean"), &templates)
                .expect("renders");
            parts.push(format!(
                "{md}\nPart {n} closes with a note on its sources.[^p{n}{l}]\n\n[^p{n}{l}]: Built from the {l} preset, part {n}.\n",
                n = i + 1,
                l = locale.code()
            ));
        }
    }
    parts.join("\n")
}
