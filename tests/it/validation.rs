//! Each folder in `tests/fixtures/validate/` is one case: `edits.json` changes
//! a preset, `expected.txt` is the exact report `policywright validate` prints.

use std::fs;

use policywright_model::validate::validate;
use policywright_model::{Locale, Policy};

use crate::{edited, fixtures};

#[derive(serde::Deserialize)]
struct Case {
    locale: String,
    edits: Vec<(String, serde_json::Value)>,
}

fn load_case(dir: &std::path::Path) -> Policy {
    let text = fs::read_to_string(dir.join("edits.json")).expect("edits.json");
    let case: Case = serde_json::from_str(&text).expect("edits.json parses");
    let locale = Locale::parse(&case.locale).expect("known locale");
    // A filled-in company keeps the "company is empty" warning out of every case.
    let mut edits: Vec<(&str, serde_json::Value)> = vec![("document.company", "Acme Ltd.".into())];
    edits.extend(case.edits.iter().map(|(p, v)| (p.as_str(), v.clone())));
    edited(locale, &edits)
}

/// The report as `policywright validate` prints it, in the policy's language.
fn report_text(policy: &Policy) -> String {
    let locale = policy.document.locale;
    validate(policy).findings.iter().map(|d| format!("{}\n", policywright::diagnostic(d, locale))).collect()
}

#[test]
fn every_fixture_reports_exactly_what_it_expects() {
    let root = fixtures("validate");
    let mut dirs: Vec<_> = fs::read_dir(&root).expect("fixture folder").map(|e| e.expect("entry").path()).collect();
    dirs.sort();
    assert!(dirs.len() >= 10, "the validation fixtures went missing");
    let mut failures = Vec::new();
    for dir in dirs {
        let actual = report_text(&load_case(&dir));
        let expected_path = dir.join("expected.txt");
        if std::env::var_os("UPDATE_EXPECTED").is_some() {
            fs::write(&expected_path, &actual).expect("write expected");
        }
        let expected =
            fs::read_to_string(&expected_path).unwrap_or_else(|_| format!("(missing {})", expected_path.display()));
        if actual != expected {
            failures.push(format!("{}\n--- expected\n{expected}--- actual\n{actual}", dir.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_weight_error_names_the_path_and_the_fix() {
    let policy = edited(Locale::En, &[("appraisal.indicators[1].children[0].weight", 20.into())]);
    let report = validate(&policy);
    let error = report.errors().next().expect("one error").render(Locale::En);
    assert_eq!(error.path, "appraisal.indicators[1].children");
    assert_eq!(error.message, "the weights under \"Ability\" add up to 35, but \"Ability\" has weight 30");
    assert_eq!(error.hint, "make the weights under \"Ability\" add up to 30, or set its weight to 35");
    // The same finding in the other language, for a reader of the other language.
    let zh = report.errors().next().expect("one error").render(Locale::ZhCn);
    assert_eq!(zh.message, "“Ability”下的指标权重合计为 35，但“Ability”的权重是 30");
}

#[test]
fn huge_text_is_an_error_not_a_hang() {
    let huge = "字".repeat(policywright_model::validate::MAX_FIELD_CHARS + 1);
    // Messages are in the policy's language; the path is the same in both.
    for (locale, expected) in [
        (
            Locale::ZhCn,
            "错误：general.purpose：长度为 20001 个字符，单个字段最多 20000 个字符\n  提示：请缩短文字，或拆分为多条",
        ),
        (
            Locale::En,
            "error: general.purpose: is 20001 characters long; one field may hold at most 20000\n  hint: shorten the text or split it into several items",
        ),
    ] {
        let policy = edited(locale, &[("general.purpose", huge.clone().into())]);
        let errors: Vec<String> = validate(&policy).errors().map(|d| policywright::diagnostic(d, locale)).collect();
        assert_eq!(errors, [expected]);
    }
}

#[test]
fn a_valid_policy_has_no_errors() {
    for locale in Locale::ALL {
        let report = validate(&crate::preset(locale));
        let errors: Vec<String> = report.errors().map(|d| policywright::diagnostic(d, locale)).collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", locale.code());
    }
}
