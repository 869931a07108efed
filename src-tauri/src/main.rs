//! Policywright's desktop app: a window around the web UI in `ui/`.
//!
//! Every command is one call into [`commands::App`], which is one call into
//! the api. They run off the main thread (`async`), so the window never
//! waits on the library or an export. The shell owns what only it can do:
//! the native file dialogs, so that a file is read or written only where the
//! user chose, and asking before the window closes on unsaved work.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod dialogs;
mod keychain;

use commands::App;
use policywright_api::handbooks::{self, Definition};
use policywright_api::i18n::{ErrorView, Locale};
use policywright_api::library::{ComparisonView, Due, EditorDraft, Saved};
use policywright_api::model::Role;
use policywright_api::model::validate::ReportView;
use policywright_api::recovery::{Autosaved, Recovered};
use policywright_api::server::Server;
use policywright_api::settings::{Connected, ShellSettings};
use policywright_api::store::{Bump, DraftStamp, HandbookId, PolicyId, PolicySummary, Status, VersionInfo};
use policywright_api::{Format, NumberingScheme, Policy, PresetInfo};
use policywright_host::Os;
use serde_json::Value;
use tauri::{Manager, State, WindowEvent};
use tauri_plugin_dialog::{DialogExt, MessageDialogButtons, MessageDialogKind};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

type Answer<T> = Result<T, ErrorView>;

#[tauri::command(async)]
fn set_language(app: State<'_, App>, lang: Locale) {
    app.set_language(lang)
}

/// The UI says when its policy has unsaved changes.
#[tauri::command(async)]
fn set_unsaved(app: State<'_, App>, unsaved: bool) {
    app.set_unsaved(unsaved)
}

#[tauri::command(async)]
fn list_presets(app: State<'_, App>) -> Answer<Vec<PresetInfo>> {
    app.list_presets()
}

#[tauri::command(async)]
fn list_roles(app: State<'_, App>, locale: Locale) -> Answer<Vec<Role>> {
    app.list_roles(locale)
}

#[tauri::command(async)]
fn new_policy(
    app: State<'_, App>,
    preset: String,
    locale: Locale,
    numbering: Option<NumberingScheme>,
) -> Answer<Policy> {
    app.new_policy(&preset, locale, numbering)
}

#[tauri::command(async)]
fn handbook_list(app: State<'_, App>) -> Answer<Vec<handbooks::Entry>> {
    app.handbook_list()
}

#[tauri::command(async)]
fn handbook_new(app: State<'_, App>, locale: Locale) -> Definition {
    app.handbook_new(locale)
}

#[tauri::command(async)]
fn handbook_open(app: State<'_, App>, id: HandbookId) -> Answer<handbooks::Saved> {
    app.handbook_open(id)
}

#[tauri::command(async)]
fn handbook_plan(app: State<'_, App>, id: Option<HandbookId>, definition: Definition) -> Answer<handbooks::Plan> {
    app.handbook_plan(id, &definition)
}

#[tauri::command(async)]
fn handbook_preview(app: State<'_, App>, definition: Definition) -> Answer<String> {
    app.handbook_preview(&definition)
}

#[tauri::command(async)]
fn handbook_save(app: State<'_, App>, id: Option<HandbookId>, definition: Definition) -> Answer<HandbookId> {
    app.handbook_save(id, &definition)
}

#[tauri::command(async)]
fn handbook_delete(app: State<'_, App>, id: HandbookId) -> Answer<()> {
    app.handbook_delete(id)
}

#[tauri::command(async)]
fn handbook_export(app: State<'_, App>, id: HandbookId, format: Format) -> Answer<Option<String>> {
    app.handbook_export(id, format)
}

#[tauri::command(async)]
fn shell_settings(app: State<'_, App>) -> Answer<ShellSettings> {
    app.shell_settings()
}

#[tauri::command(async)]
fn library_open_other(app: State<'_, App>) -> Answer<Option<String>> {
    app.library_open_other()
}

#[tauri::command(async)]
fn library_create(app: State<'_, App>) -> Answer<Option<String>> {
    app.library_create()
}

#[tauri::command(async)]
fn library_use_default(app: State<'_, App>) -> Answer<String> {
    app.library_use_default()
}

/// A shared server, named field by field in Settings; the password goes to
/// the system's keychain.
#[tauri::command(async)]
fn library_connect(app: State<'_, App>, server: Server, password: String) -> Answer<Connected> {
    app.library_connect(&server, &password)
}

#[tauri::command(async)]
fn library_show_file(app: State<'_, App>) -> Answer<()> {
    app.library_show_file()
}

#[tauri::command(async)]
fn templates_choose(app: State<'_, App>) -> Answer<Option<String>> {
    app.templates_choose()
}

#[tauri::command(async)]
fn templates_clear(app: State<'_, App>) {
    app.templates_clear()
}

#[tauri::command(async)]
fn schema(app: State<'_, App>) -> String {
    app.schema()
}

#[tauri::command(async)]
fn check(app: State<'_, App>, policy: Value) -> Answer<ReportView> {
    app.check(&policy)
}

#[tauri::command(async)]
fn preview(app: State<'_, App>, policy: Value, id: Option<PolicyId>) -> Answer<String> {
    app.preview(&policy, id)
}

#[tauri::command(async)]
fn open_policy(app: State<'_, App>) -> Answer<Option<Policy>> {
    app.open_policy()
}

#[tauri::command(async)]
fn save_policy(app: State<'_, App>, policy: Value, name: String) -> Answer<Option<String>> {
    app.save_policy(&policy, &name)
}

#[tauri::command(async)]
fn export_policy(app: State<'_, App>, policy: Value, format: Format, name: String) -> Answer<Option<String>> {
    app.export_policy(&policy, format, &name)
}

#[tauri::command(async)]
fn library_export(
    app: State<'_, App>,
    id: PolicyId,
    version: Option<String>,
    format: Format,
) -> Answer<Option<String>> {
    app.library_export(id, version.as_deref(), format)
}

#[tauri::command(async)]
fn library_list(app: State<'_, App>) -> Answer<Vec<PolicySummary>> {
    app.library_list()
}

#[tauri::command(async)]
fn open_link(app: State<'_, App>, url: String) -> Answer<()> {
    app.open_link(&url)
}

#[tauri::command(async)]
fn library_export_packet(app: State<'_, App>, id: PolicyId, from: String, to: String) -> Answer<Option<String>> {
    app.library_export_packet(id, &from, &to)
}

#[tauri::command(async)]
fn reveal(app: State<'_, App>, path: String, how: commands::Reveal) -> Answer<()> {
    app.reveal(&path, how)
}

#[tauri::command(async)]
fn library_notices(app: State<'_, App>) -> Answer<Vec<ErrorView>> {
    app.library_notices()
}

#[tauri::command(async)]
fn library_add(app: State<'_, App>, policy: Value) -> Answer<PolicyId> {
    app.library_add(&policy)
}

#[tauri::command(async)]
fn autosave(
    app: State<'_, App>,
    policy: Value,
    id: Option<PolicyId>,
    slot: String,
    base: Option<u64>,
    by: String,
) -> Answer<Autosaved> {
    app.autosave(&policy, id, &slot, base, &by)
}

#[tauri::command(async)]
fn recovered_drafts(app: State<'_, App>) -> Answer<Vec<Recovered>> {
    app.recovered_drafts()
}

#[tauri::command(async)]
fn open_recovered(app: State<'_, App>, slot: String) -> Answer<policywright_api::recovery::Draft> {
    app.open_recovered(&slot)
}

#[tauri::command(async)]
fn discard_recovered(app: State<'_, App>, slot: String) -> Answer<()> {
    app.discard_recovered(&slot)
}

/// The UI closes the window once it has kept its work (see `CloseRequested`).
#[tauri::command(async)]
fn close_window(window: tauri::Window) {
    let _ = window.destroy();
}

#[tauri::command(async)]
fn library_draft(app: State<'_, App>, id: PolicyId) -> Answer<EditorDraft> {
    app.library_draft(id)
}

#[tauri::command(async)]
fn library_draft_stamp(app: State<'_, App>, id: PolicyId) -> Answer<DraftStamp> {
    app.library_draft_stamp(id)
}

#[tauri::command(async)]
fn library_save_version(
    app: State<'_, App>,
    id: PolicyId,
    policy: Value,
    bump: Bump,
    author: String,
    note: String,
    base: Option<u64>,
) -> Answer<Saved> {
    app.library_save_version(id, &policy, base, bump, &author, &note)
}

#[tauri::command(async)]
fn library_history(app: State<'_, App>, id: PolicyId) -> Answer<Vec<VersionInfo>> {
    app.library_history(id)
}

#[tauri::command(async)]
fn library_due(app: State<'_, App>, within_days: u32) -> Answer<Vec<Due>> {
    app.library_due(within_days)
}

#[tauri::command(async)]
fn library_archive(app: State<'_, App>, id: PolicyId) -> Answer<()> {
    app.library_archive(id)
}

#[tauri::command(async)]
fn library_restore(app: State<'_, App>, id: PolicyId) -> Answer<()> {
    app.library_restore(id)
}

#[tauri::command(async)]
fn library_duplicate(app: State<'_, App>, id: PolicyId) -> Answer<PolicyId> {
    app.library_duplicate(id)
}

#[tauri::command(async)]
fn library_set_status(app: State<'_, App>, id: PolicyId, version: String, status: Status, by: String) -> Answer<()> {
    app.library_set_status(id, &version, status, &by)
}

#[tauri::command(async)]
fn library_compare(app: State<'_, App>, id: PolicyId, from: String, to: String) -> Answer<ComparisonView> {
    app.library_compare(id, &from, &to)
}

#[tauri::command(async)]
fn library_export_redline(app: State<'_, App>, id: PolicyId, from: String, to: String) -> Answer<Option<String>> {
    app.library_export_redline(id, &from, &to)
}

/// The app's own pages: `tauri://localhost` (Linux, macOS),
/// `http(s)://tauri.localhost` (Windows), and the development server of a
/// debug build.
fn own_page(url: &tauri::Url) -> bool {
    match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" => {
            url.host_str() == Some("tauri.localhost")
                || (cfg!(debug_assertions) && url.host_str() == Some("localhost") && url.port() == Some(1420))
        }
        _ => false,
    }
}

fn main() {
    let app = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        // The window shows the app and nothing else: a link that would take
        // it away (and the unsaved work with it) is refused here, whatever
        // the page does.
        .plugin(
            tauri::plugin::Builder::<tauri::Wry>::new("navigation-guard").on_navigation(|_, url| own_page(url)).build(),
        )
        .setup(|app| {
            let shell = App::new(dialogs::for_app(app.handle().clone()), None).with_keychain(keychain::for_app());
            // The user's choices are remembered where their system keeps an
            // app's settings; without such a place they hold for this run.
            let shell = match policywright_host::settings_location(Os::CURRENT, &|name| std::env::var_os(name)) {
                Ok(file) => shell.remembering(file),
                Err(_) => shell,
            };
            app.manage(shell);
            Ok(())
        })
        // Closing the window with work not yet kept keeps it first: the UI
        // autosaves, then closes the window. Should the page not answer (it
        // is stuck), the next close asks instead: work is never lost to a
        // stray click, and a window is never impossible to close.
        .on_window_event(|window, event| {
            let WindowEvent::CloseRequested { api, .. } = event else { return };
            let app = window.state::<App>();
            let Some(q) = app.leave_question() else { return };
            api.prevent_close();
            if app.first_close_request(std::time::Instant::now())
                && let Some(page) = window.get_webview_window(window.label())
                && page.eval("window.dispatchEvent(new Event('policywright:close'))").is_ok()
            {
                return;
            }
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
            set_language,
            set_unsaved,
            list_presets,
            list_roles,
            new_policy,
            schema,
            check,
            preview,
            open_policy,
            save_policy,
            export_policy,
            library_export,
            library_list,
            library_notices,
            open_link,
            reveal,
            library_add,
            autosave,
            recovered_drafts,
            open_recovered,
            discard_recovered,
            close_window,
            library_draft,
            library_draft_stamp,
            library_save_version,
            library_history,
            library_due,
            library_archive,
            library_restore,
            library_duplicate,
            library_set_status,
            library_compare,
            library_export_redline,
            library_export_packet,
            shell_settings,
            library_open_other,
            library_create,
            library_use_default,
            library_connect,
            library_show_file,
            templates_choose,
            templates_clear,
            handbook_list,
            handbook_new,
            handbook_open,
            handbook_plan,
            handbook_preview,
            handbook_save,
            handbook_delete,
            handbook_export
        ])
        .run(tauri::generate_context!());
    if let Err(e) = app {
        eprintln!("error: the window could not be opened: {e}");
        std::process::exit(2);
    }
}

#[cfg(test)]
mod tests {
    /// Regression: a link in the preview navigated the window away from
    /// the app, and the unsaved draft with it.
    #[test]
    fn the_window_stays_on_the_apps_own_pages() {
        let own = |url: &str| super::own_page(&tauri::Url::parse(url).expect("a url"));
        assert!(own("tauri://localhost/"));
        assert!(own("tauri://localhost/index.html#x"));
        assert!(own("http://tauri.localhost/"));
        for away in [
            "https://example.com/",
            "http://localhost.example.com/",
            "tauri://evil/",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "data:text/html,hi",
            "http://tauri.localhost.evil.com/",
        ] {
            assert!(!own(away), "{away}");
        }
    }

    /// The page chooses a library or a template folder only through a
    /// dialog the shell opens: those commands take nothing from it.
    #[test]
    fn the_page_names_no_path_to_choose_a_library_or_templates() {
        let source = include_str!("main.rs");
        for command in
            ["library_open_other", "library_create", "library_use_default", "library_show_file", "templates_choose"]
        {
            let signature = format!("fn {command}(app: State<'_, App>) ->");
            assert!(source.contains(&signature), "{command} takes more than the app state");
        }
    }

    /// Every command runs off the main thread, and is one call into the app
    /// state, which is one call into the api: the shell stays thin.
    #[test]
    fn every_command_is_async_and_one_line() {
        let source = include_str!("main.rs");
        let source = &source[..source.find("#[cfg(test)]").unwrap_or(source.len())];
        let mut commands = 0;
        for chunk in source.split("#[tauri::command").skip(1) {
            commands += 1;
            assert!(chunk.starts_with("(async)]"), "a command is not async: {}", &chunk[..chunk.len().min(80)]);
            let body = chunk.split_once(" {\n").map(|(_, b)| b).unwrap_or("");
            let body = body.split("\n}").next().unwrap_or("");
            assert_eq!(body.lines().count(), 1, "a command is more than one line: {body}");
        }
        assert!(commands >= 18, "{commands} commands found");
    }
}

/// The throw-away PostgreSQL cluster of the integration tests, for the
/// commands that connect to a shared server.
#[cfg(test)]
#[path = "../../benches/support/pg_cluster.rs"]
mod pg;
