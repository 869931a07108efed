//! Property tests: whatever Markdown or text comes in, the writer returns a
//! package whose every XML part is well-formed, and never panics.

use proptest::prelude::*;

use policywright::docx::{self, DocxOptions};
use policywright::model::Locale;
use policywright::template::Templates;

use crate::docx::unzip;

fn assert_well_formed(bytes: &[u8]) -> Result<(), TestCaseError> {
    for (name, text) in unzip(bytes) {
        if (name.ends_with(".xml") || name.ends_with(".rels"))
            && let Err(e) = roxmltree::Document::parse(&text)
        {
            return Err(TestCaseError::fail(format!("{name} is not well-formed: {e}")));
        }
    }
    Ok(())
}

/// Markdown made of the constructs the writer handles, glued with arbitrary
/// text (control characters, CJK, emoji, RTL and lone combining marks included).
fn markdown() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("# ".to_string()),
        Just("## ".to_string()),
        Just("#### ".to_string()),
        Just("\n\n".to_string()),
        Just("\n".to_string()),
        Just("- ".to_string()),
        Just("  - ".to_string()),
        Just("1. ".to_string()),
        Just("3) ".to_string()),
        Just("> ".to_string()),
        Just("```\n".to_string()),
        Just("**".to_string()),
        Just("*".to_string()),
        Just("~~".to_string()),
        Just("`".to_string()),
        Just("[link](https://example.com/?a=1&b=<2>)".to_string()),
        Just("![img](x.png)".to_string()),
        Just("[^n]".to_string()),
        Just("\n[^n]: note\n".to_string()),
        Just("| a | b |\n|---|--:|\n| 1 | 2 |\n".to_string()),
        Just("<div>&amp;</div>".to_string()),
        Just("---\n".to_string()),
        Just("\\\n".to_string()),
        "[\\PC]{0,12}",
        "[\\u{0}-\\u{1f}\\u{fffe}\\u{ffff}]{1,3}",
        "[一-龥😀א-ת\\u{300}]{1,8}",
        // The redline's change marks and move digits, in any order.
        "[\\u{E000}-\\u{E01F}]{1,3}",
    ];
    prop::collection::vec(piece, 0..40).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_markdown_converts_to_well_formed_parts(md in markdown()) {
        for locale in Locale::ALL {
            let bytes = docx::markdown_to_docx(&md, &DocxOptions::plain(locale))
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            assert_well_formed(&bytes)?;
        }
    }

    /// The same in a redline, where change marks become tracked changes and
    /// move ranges, however they are nested or left open.
    #[test]
    fn any_marked_markdown_makes_a_well_formed_redline(md in markdown()) {
        let mut opts = DocxOptions::plain(Locale::En);
        opts.revision = Some(docx::TrackedBy { author: "A & <B>".into(), date: "2027-01-01T00:00:00Z".into() });
        let bytes = docx::markdown_to_docx(&md, &opts).map_err(|e| TestCaseError::fail(e.to_string()))?;
        assert_well_formed(&bytes)?;
    }

    #[test]
    fn any_text_in_a_policy_exports_to_well_formed_parts(text in "\\PC{0,40}|[\\u{0}-\\u{1f}]{1,5}", title in "\\PC{1,20}") {
        let policy = crate::edited(Locale::ZhCn, &[
            ("general.purpose", text.clone().into()),
            ("duties.roles[0].title", title.into()),
            ("discipline.groups[0].rules[0].text", text.into()),
        ]);
        let bytes = docx::policy_docx(&policy, &Templates::builtin()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        assert_well_formed(&bytes)?;
    }
}
