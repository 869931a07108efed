//! Template overrides and template errors, as `render --templates DIR` sees them.

use std::path::Path;
use std::process::Command;

use policywright_i18n::Locale as Lang;
use policywright_model::Locale;
use policywright_render::Templates;

use crate::{clean, fixtures, preset};

fn markdown_with(templates: &Templates) -> policywright_i18n::Result<String> {
    policywright_render::markdown_text(&clean(&preset(Locale::En)), templates)
}

fn overlay_dir(dir: &Path) -> Templates {
    let mut templates = Templates::builtin();
    for entry in walk(dir) {
        let name = entry.strip_prefix(dir).expect("under dir").to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(&entry).expect("template text");
        templates.overlay(&name, text, entry);
    }
    templates
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn an_override_replaces_one_template_by_name_and_keeps_the_rest() {
    let templates = overlay_dir(&fixtures("templates/override"));
    let md = markdown_with(&templates).expect("renders");
    assert!(md.contains("## 6 Learning at Acme\n"), "{md}");
    assert!(md.contains("Acme expects 40 hours of learning a year."), "{md}");
    // Untouched templates still render, numbering still applies.
    assert!(md.contains("## 5 Performance appraisal\n"), "{md}");
    assert!(!md.contains("### 6.1 Goals"), "{md}");
}

#[test]
fn a_locale_override_changes_the_words_but_not_the_templates() {
    let mut templates = Templates::builtin();
    // The words as `policywright templates` writes them, one of them edited.
    let strings = Templates::builtin_text("locales/en.json")
        .expect("en strings")
        .replace("\"General provisions\"", "\"Scope and principles\"");
    templates.overlay("locales/en.json", strings, "mine/locales/en.json".into());
    let md = markdown_with(&templates).expect("renders");
    assert!(md.contains("## 1 Scope and principles\n"), "{md}");
    // A file that names only the words it changes keeps all the others.
    let mut templates = Templates::builtin();
    templates.overlay("locales/en.json", r#"{"general": {"purpose": "Why"}}"#.into(), "mine/locales/en.json".into());
    let md = markdown_with(&templates).expect("renders");
    assert!(md.contains("### 1.1 Why\n") && md.contains("## 1 General provisions\n"), "{md}");
}

#[test]
fn a_syntax_error_names_the_file_line_and_column() {
    let dir = fixtures("templates/syntax-error");
    let err = markdown_with(&overlay_dir(&dir)).expect_err("broken template").view(Lang::En);
    let path = dir.join("sections/training.md");
    assert_eq!(
        err.message,
        format!("template error in {} at line 5, column 1: unexpected end of input", path.display())
    );
    assert!(err.details.iter().any(|l| l.contains("sections/training.md:5:1")), "{:#?}", err.details);
    assert_eq!(err.hint.as_deref(), Some("fix the template, or remove it from the folder to use the built-in one"));
}

#[test]
fn a_missing_variable_is_an_error_not_an_empty_string() {
    let dir = fixtures("templates/missing-variable");
    let err = markdown_with(&overlay_dir(&dir)).expect_err("undefined variable").view(Lang::En);
    let path = dir.join("sections/training.md");
    assert_eq!(
        err.message,
        format!(
            "template error in {} at line 3, column 31: field `hours_per_week` is not defined. Available fields: content, goals, hours_per_year, methods",
            path.display()
        )
    );
}

#[test]
fn the_cli_reports_template_errors_with_exit_code_1() {
    let dir = tempfile::tempdir().expect("tmp");
    let status = Command::new(env!("CARGO_BIN_EXE_policywright"))
        .args(["new", "--locale", "en", "-o"])
        .arg(dir.path().join("p.policy.json"))
        .status()
        .expect("runs");
    assert!(status.success());
    let out = Command::new(env!("CARGO_BIN_EXE_policywright"))
        .arg("render")
        .arg(dir.path().join("p.policy.json"))
        .args(["--format", "md", "--templates"])
        .arg(fixtures("templates/missing-variable"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("error: template error in "), "{err}");
    assert!(
        err.contains(
            "missing-variable/sections/training.md at line 3, column 31: field `hours_per_week` is not defined"
        ),
        "{err}"
    );
}

#[test]
fn the_templates_command_writes_every_builtin_for_editing() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = Command::new(env!("CARGO_BIN_EXE_policywright"))
        .args(["templates", "--out"])
        .arg(dir.path())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    for name in Templates::builtin_names() {
        assert_eq!(
            std::fs::read_to_string(dir.path().join(&name)).expect("written"),
            Templates::builtin_text(&name).expect("builtin")
        );
    }
    // A second run must not overwrite edits.
    let again = Command::new(env!("CARGO_BIN_EXE_policywright"))
        .args(["templates", "--out"])
        .arg(dir.path())
        .output()
        .expect("runs");
    assert_eq!(again.status.code(), Some(2));
}
