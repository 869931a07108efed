//! The app's commands. Each is one call into the core; the shell adds only
//! the clock and, in `main.rs`, the file dialogs that choose where to read
//! and write. They take plain values, so tests call them without a window.

use std::path::Path;

use policywright::diff;
use policywright::export::{self, Format};
use policywright::model::validate::{Report, validate};
use policywright::model::{self, Locale, Policy};
use policywright::presets::{self, PresetInfo};
use policywright::store::{Bump, PolicyId, PolicySummary, SaveOutcome, Store, VersionInfo};
use policywright::template::Templates;
use policywright::{Result, files};
use serde_json::Value;

/// What the editor sends is checked like a file: a malformed policy is a
/// `{code, message, details}` error naming the JSON path, never a crash.
fn policy(value: &Value) -> Result<Policy> {
    model::from_json(&value.to_string(), "the policy being edited")
}

fn templates() -> &'static Templates {
    static TEMPLATES: std::sync::OnceLock<Templates> = std::sync::OnceLock::new();
    TEMPLATES.get_or_init(Templates::builtin)
}

pub fn list_presets() -> Result<Vec<PresetInfo>> {
    presets::list()
}

pub fn new_policy(preset: &str, locale: Locale) -> Result<Policy> {
    presets::preset(preset, locale, &files::today())
}

/// The JSON Schema the editor builds its forms from.
pub fn schema() -> String {
    model::schema_json()
}

pub fn check(value: &Value) -> Result<Report> {
    policy(value).map(|p| validate(&p))
}

pub fn preview(value: &Value) -> Result<String> {
    export::preview_html(&policy(value)?, templates())
}

pub fn open_policy(path: &Path) -> Result<Policy> {
    model::from_json(&files::read_text(path)?, &path.display().to_string())
}

pub fn save_policy(value: &Value, path: &Path) -> Result<()> {
    files::write_atomic(path, model::to_json(&policy(value)?).as_bytes())
}

pub fn export_policy(value: &Value, format: Format, path: &Path) -> Result<()> {
    files::write_atomic(path, &export::render_valid(&policy(value)?, format, templates())?)
}

/// The library the CLI uses too: `$POLICYWRIGHT_DB`, else the default place.
pub fn open_library() -> Result<Store> {
    Store::open(&files::library_path(std::env::var_os("POLICYWRIGHT_DB").as_deref().map(Path::new))?)
}

pub fn library_list(store: &Store) -> Result<Vec<PolicySummary>> {
    store.list(false)
}

pub fn library_add(store: &mut Store, value: &Value) -> Result<PolicyId> {
    store.import(&policy(value)?, &files::now())
}

pub fn library_draft(store: &Store, id: PolicyId) -> Result<Policy> {
    store.draft(id)
}

pub fn library_save_version(
    store: &mut Store,
    id: PolicyId,
    value: &Value,
    bump: Bump,
    author: &str,
    note: &str,
) -> Result<SaveOutcome> {
    store.save_as_version(id, &policy(value)?, bump, author, note, &files::now())
}

pub fn library_history(store: &Store, id: PolicyId) -> Result<Vec<VersionInfo>> {
    store.history(id)
}

/// Two versions side by side and inline, as sanitised HTML.
pub fn library_compare(store: &Store, id: PolicyId, from: &str, to: &str) -> Result<String> {
    Ok(diff::to_html_fragment(&diff::compare_versions(store, id, from, to, templates())?))
}

pub fn library_export_redline(store: &Store, id: PolicyId, from: &str, to: &str, path: &Path) -> Result<()> {
    files::write_atomic(path, &diff::to_docx(&diff::compare_versions(store, id, from, to, templates())?)?)
}

/// What to ask before the window closes on unsaved changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaveQuestion {
    pub message: String,
    pub discard: String,
    pub keep: String,
}

/// The question in the UI's language, or `None` when nothing would be lost.
pub fn leave_question(unsaved: bool, lang: &str) -> Option<LeaveQuestion> {
    let (message, discard, keep) = match lang {
        "zh-CN" => ("当前制度有未保存的修改。关闭窗口将丢失这些修改。", "放弃并关闭", "继续编辑"),
        _ => ("This policy has unsaved changes. Closing the window loses them.", "Discard and close", "Keep editing"),
    };
    unsaved.then(|| LeaveQuestion { message: message.into(), discard: discard.into(), keep: keep.into() })
}

#[cfg(test)]
mod tests {
    //! The commands as the window calls them, without a window.

    use super::*;
    use policywright::ErrorCode;

    fn preset(locale: Locale) -> Value {
        serde_json::to_value(new_policy("operations", locale).expect("preset")).expect("json")
    }

    #[test]
    fn a_preset_checks_clean_and_previews_its_title() {
        let policy = preset(Locale::ZhCn);
        let report = check(&policy).expect("checks");
        assert!(report.errors().next().is_none(), "{:?}", report.diagnostics);
        let html = preview(&policy).expect("previews");
        assert!(html.contains("运营人员岗位工作制度"), "{html}");
        assert!(!html.contains("<script"), "the preview is sanitised");
    }

    #[test]
    fn what_the_editor_sends_is_checked_like_a_file() {
        let mut policy = preset(Locale::En);
        policy["appraisal"]["indicators"][0]["weight"] = "sixty".into();
        let err = check(&policy).expect_err("malformed");
        assert_eq!(err.code, ErrorCode::InvalidJson);
        assert!(err.details[0].starts_with("appraisal.indicators[0].weight: "), "{err}");
        // It reaches the UI as {code, message, details}.
        let json = serde_json::to_value(&err).expect("serialises");
        assert_eq!(json["code"], "invalid_json");
        assert_eq!(json["message"], "the policy being edited does not have the shape of a policy");
    }

    #[test]
    fn saving_and_opening_round_trip_and_export_writes_a_docx() {
        let dir = tempfile::tempdir().expect("tmp");
        let policy = preset(Locale::En);
        let file = dir.path().join("ops.policy.json");
        save_policy(&policy, &file).expect("saves");
        let opened = open_policy(&file).expect("opens");
        assert_eq!(serde_json::to_value(&opened).expect("json"), policy);
        let docx = dir.path().join("ops.docx");
        export_policy(&policy, Format::Docx, &docx).expect("exports");
        let bytes = std::fs::read(&docx).expect("written");
        assert!(bytes.starts_with(b"PK"), "a zip package");
    }

    #[test]
    fn closing_asks_only_when_work_would_be_lost() {
        assert_eq!(leave_question(false, "zh-CN"), None);
        assert_eq!(leave_question(true, "zh-CN").map(|q| q.keep), Some("继续编辑".to_string()));
        assert_eq!(leave_question(true, "en").map(|q| q.discard), Some("Discard and close".to_string()));
    }

    #[test]
    fn the_library_saves_versions_and_compares_them() {
        let dir = tempfile::tempdir().expect("tmp");
        let mut store = Store::open(&dir.path().join("lib.sqlite")).expect("opens");
        let mut policy = preset(Locale::En);
        let id = library_add(&mut store, &policy).expect("adds");
        let first = library_save_version(&mut store, id, &policy, Bump::Minor, "HR", "First issue").expect("saves");
        assert_eq!(first.version.label.to_string(), "1.0");
        policy["document"]["title"] = "Operations Staff Policy, revised".into();
        let second = library_save_version(&mut store, id, &policy, Bump::Minor, "Legal", "Retitled").expect("saves");
        assert_eq!(second.version.label.to_string(), "1.1");
        let history = library_history(&store, id).expect("history");
        assert_eq!(history.iter().map(|v| v.note.as_str()).collect::<Vec<_>>(), ["First issue", "Retitled"]);
        assert_eq!(library_list(&store).expect("list")[0].title, "Operations Staff Policy, revised");
        let html = library_compare(&store, id, "1.0", "1.1").expect("compares");
        assert!(html.contains("<ins>") && html.contains("revised"), "{html}");
        let out = dir.path().join("redline.docx");
        library_export_redline(&store, id, "1.0", "1.1", &out).expect("redline");
        assert!(std::fs::read(&out).expect("written").starts_with(b"PK"));
        // A policy with errors still becomes the draft, but not a version.
        policy["appraisal"]["indicators"][0]["weight"] = 10.into();
        let err = library_save_version(&mut store, id, &policy, Bump::Minor, "HR", "Broken").expect_err("refused");
        assert_eq!(err.code, policywright::ErrorCode::InvalidPolicy);
        assert_eq!(library_draft(&store, id).expect("draft").appraisal.indicators[0].weight.to_string(), "10");
        assert_eq!(library_history(&store, id).expect("history").len(), 2);
    }

    #[test]
    fn bad_files_and_unknown_policies_are_clear_errors() {
        let dir = tempfile::tempdir().expect("tmp");
        let corrupt = dir.path().join("corrupt.policy.json");
        std::fs::write(&corrupt, b"\xff\xfe not text").expect("write");
        let err = open_policy(&corrupt).expect_err("refused");
        assert_eq!(err.code, ErrorCode::InvalidJson);
        assert!(err.message.ends_with("corrupt.policy.json is not UTF-8 text"), "{err}");
        let newer = dir.path().join("newer.policy.json");
        std::fs::write(&newer, r#"{"schema_version": 99}"#).expect("write");
        assert_eq!(open_policy(&newer).expect_err("refused").code, ErrorCode::UnsupportedSchema);
        // A file from a newer Policywright is left as it was.
        assert_eq!(std::fs::read_to_string(&newer).expect("read"), r#"{"schema_version": 99}"#);
        let mut store = Store::open(&dir.path().join("lib.sqlite")).expect("opens");
        assert_eq!(library_draft(&store, 42).expect_err("no such policy").code, ErrorCode::NotFound);
        let policy = preset(Locale::En);
        let id = library_add(&mut store, &policy).expect("adds");
        assert_eq!(library_compare(&store, id, "1.0", "1.1").expect_err("no versions").code, ErrorCode::NotFound);
    }

    #[test]
    fn a_policy_with_errors_is_not_exported() {
        let dir = tempfile::tempdir().expect("tmp");
        let mut policy = preset(Locale::En);
        policy["appraisal"]["indicators"][0]["weight"] = 50.into();
        let out = dir.path().join("ops.docx");
        let err = export_policy(&policy, Format::Docx, &out).expect_err("refused");
        assert_eq!(err.code, ErrorCode::InvalidPolicy);
        assert_eq!(err.message, "the policy has 2 errors; fix them, then export again");
        assert!(!out.exists(), "no file is written");
    }
}
