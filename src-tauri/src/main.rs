//! Policywright's desktop app: a window around the web UI in `ui/`.
//!
//! Every command is one call into the core (`commands.rs`). The shell owns
//! what only it can do: the native file dialogs, so that a file is read or
//! written only where the user chose, and errors go to the UI as
//! `{code, message, details}`.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;

use policywright::export::Format;
use policywright::model::validate::Report;
use policywright::model::{Locale, Policy};
use policywright::presets::PresetInfo;
use policywright::store::{Bump, PolicyId, PolicySummary, SaveOutcome, Store, VersionInfo};
use policywright::{Error, ErrorCode, Result};
use serde_json::Value;
use std::sync::Mutex;

use tauri::{AppHandle, Manager, State, WindowEvent};
use tauri_plugin_dialog::{DialogExt, MessageDialogButtons, MessageDialogKind};

/// Whether the editor holds changes not yet saved, and the words to ask with
/// before the window closes on them.
#[derive(Default)]
struct Unsaved(Mutex<Option<commands::LeaveQuestion>>);

/// The library, opened on first use and kept open.
#[derive(Default)]
struct Library(Mutex<Option<Store>>);

impl Library {
    fn with<T>(&self, f: impl FnOnce(&mut Store) -> Result<T>) -> Result<T> {
        let mut slot = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if slot.is_none() {
            *slot = Some(commands::open_library()?);
        }
        match slot.as_mut() {
            Some(store) => f(store),
            None => Err(Error::new(ErrorCode::InvalidLibrary, "the library is not open")),
        }
    }
}

#[tauri::command]
fn library_list(library: State<'_, Library>) -> Result<Vec<PolicySummary>> {
    library.with(|s| commands::library_list(s))
}

#[tauri::command]
fn library_add(library: State<'_, Library>, policy: Value) -> Result<PolicyId> {
    library.with(|s| commands::library_add(s, &policy))
}

#[tauri::command]
fn library_draft(library: State<'_, Library>, id: PolicyId) -> Result<Policy> {
    library.with(|s| commands::library_draft(s, id))
}

#[tauri::command]
fn library_save_version(
    library: State<'_, Library>,
    id: PolicyId,
    policy: Value,
    bump: Bump,
    author: String,
    note: String,
) -> Result<SaveOutcome> {
    library.with(|s| commands::library_save_version(s, id, &policy, bump, &author, &note))
}

#[tauri::command]
fn library_history(library: State<'_, Library>, id: PolicyId) -> Result<Vec<VersionInfo>> {
    library.with(|s| commands::library_history(s, id))
}

#[tauri::command]
fn library_compare(library: State<'_, Library>, id: PolicyId, from: String, to: String) -> Result<String> {
    library.with(|s| commands::library_compare(s, id, &from, &to))
}

/// Asks where to write the redline; `None` when the user cancels.
#[tauri::command]
async fn library_export_redline(
    app: AppHandle,
    id: PolicyId,
    from: String,
    to: String,
    name: String,
) -> Result<Option<String>> {
    let chosen = app.dialog().file().add_filter("docx", &["docx"]).set_file_name(&name).blocking_save_file();
    let library = app.state::<Library>();
    chosen
        .map(|file| {
            path(file).and_then(|p| {
                library
                    .with(|s| commands::library_export_redline(s, id, &from, &to, &p))
                    .map(|()| p.display().to_string())
            })
        })
        .transpose()
}

/// The UI says when its policy has unsaved changes, in the UI's language.
#[tauri::command]
fn set_unsaved(state: State<'_, Unsaved>, unsaved: bool, lang: String) {
    *state.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = commands::leave_question(unsaved, &lang);
}

#[tauri::command]
fn list_presets() -> Result<Vec<PresetInfo>> {
    commands::list_presets()
}

#[tauri::command]
fn new_policy(preset: String, locale: Locale) -> Result<Policy> {
    commands::new_policy(&preset, locale)
}

#[tauri::command]
fn schema() -> String {
    commands::schema()
}

#[tauri::command]
fn check(policy: Value) -> Result<Report> {
    commands::check(&policy)
}

#[tauri::command]
fn preview(policy: Value) -> Result<String> {
    commands::preview(&policy)
}

/// Asks where to read; `None` when the user cancels.
#[tauri::command]
async fn open_policy(app: AppHandle) -> Result<Option<Policy>> {
    let chosen = app.dialog().file().add_filter("Policy", &["json"]).blocking_pick_file();
    chosen.map(|file| commands::open_policy(&path(file)?)).transpose()
}

/// Asks where to write; `None` when the user cancels, else the path written.
#[tauri::command]
async fn save_policy(app: AppHandle, policy: Value, name: String) -> Result<Option<String>> {
    let chosen = app.dialog().file().add_filter("Policy", &["json"]).set_file_name(&name).blocking_save_file();
    chosen
        .map(|file| path(file).and_then(|p| commands::save_policy(&policy, &p).map(|()| p.display().to_string())))
        .transpose()
}

#[tauri::command]
async fn export_policy(app: AppHandle, policy: Value, format: Format, name: String) -> Result<Option<String>> {
    let chosen = app
        .dialog()
        .file()
        .add_filter(format.extension(), &[format.extension()])
        .set_file_name(&name)
        .blocking_save_file();
    chosen
        .map(|file| {
            path(file).and_then(|p| commands::export_policy(&policy, format, &p).map(|()| p.display().to_string()))
        })
        .transpose()
}

fn path(file: tauri_plugin_dialog::FilePath) -> Result<std::path::PathBuf> {
    file.into_path().map_err(|e| Error::new(ErrorCode::Io, format!("the chosen file cannot be used: {e}")))
}

fn main() {
    let app = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(Unsaved::default())
        .manage(Library::default())
        // Closing the window with unsaved changes asks first: work is never
        // lost to a stray click.
        .on_window_event(|window, event| {
            let WindowEvent::CloseRequested { api, .. } = event else { return };
            let question = window.state::<Unsaved>().0.lock().map(|q| q.clone()).unwrap_or_default();
            let Some(q) = question else { return };
            api.prevent_close();
            let window = window.clone();
            window
                .dialog()
                .message(q.message)
                .kind(MessageDialogKind::Warning)
                .buttons(MessageDialogButtons::OkCancelCustom(q.discard, q.keep))
                .show(move |discard| {
                    if discard {
                        let _ = window.destroy();
                    }
                });
        })
        .invoke_handler(tauri::generate_handler![
            list_presets,
            new_policy,
            schema,
            check,
            preview,
            open_policy,
            set_unsaved,
            library_list,
            library_add,
            library_draft,
            library_save_version,
            library_history,
            library_compare,
            library_export_redline,
            save_policy,
            export_policy
        ])
        .run(tauri::generate_context!());
    if let Err(e) = app {
        eprintln!("error: the window could not be opened: {e}");
        std::process::exit(2);
    }
}
