//! What the window can ask for. Each method is one call into the api; the
//! shell adds only the world (clock, files) and the answer of a file dialog.
//! They take plain values, so tests call them without a window.
//!
//! Errors reach the UI as `{code, message, path, hint, details}`, in the
//! UI's language.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use policywright_api::handbooks::{self, Definition};
use policywright_api::i18n::{Error, ErrorKind, ErrorView, Locale, Message, io_reason, keys, msg};
use policywright_api::library::{self, ComparisonView, Due, EditorDraft, Saved};
use policywright_api::model::Role;
use policywright_api::model::validate::ReportView;
use policywright_api::recovery::{self, Autosaved, Recovered};
use policywright_api::server::Server;
use policywright_api::settings::{self, AppSettings, Connected, ShellSettings};
use policywright_api::store::HandbookId;
use policywright_api::store::{Bump, DraftStamp, Library, PolicyId, PolicySummary, Status, VersionInfo};
use policywright_api::{Format, NumberingScheme, Policy, PresetInfo, Result, Templates, World};
use policywright_host::System;
use serde_json::Value;

/// What the app asks of the desktop around it: where the user chose to read
/// or write a file (`None` when they cancelled), and the system browser for
/// a link they chose to follow.
pub trait Dialogs: Send + Sync {
    fn open(&self, filter: &str, extensions: &[&str]) -> Option<PathBuf>;
    /// Asks where to write `name`, starting in `folder` (the last one the
    /// user chose), or in the user's documents when there is none yet.
    fn save(&self, filter: &str, extensions: &[&str], name: &str, folder: Option<&Path>) -> Option<PathBuf>;
    /// Asks for a folder to write several files into, starting as `save` does.
    fn pick_folder(&self, folder: Option<&Path>) -> Option<PathBuf>;
    fn browse(&self, url: &str) -> std::io::Result<()>;
    /// Opens a file the app wrote in the system's app for it.
    fn open_file(&self, path: &Path) -> std::io::Result<()>;
    /// Shows a file the app wrote in the system's file manager.
    fn show_in_folder(&self, path: &Path) -> std::io::Result<()>;
}

/// Where a team library's password is kept between runs: the system's
/// keychain. Failures come back as the keychain's own words, which the app
/// says and then goes on without it.
pub trait Keychain: Send + Sync {
    /// The password kept for `account`; `Ok(None)` when none is.
    fn password(&self, account: &str) -> std::result::Result<Option<String>, String>;
    fn keep(&self, account: &str, password: &str) -> std::result::Result<(), String>;
    fn forget(&self, account: &str) -> std::result::Result<(), String>;
}

/// What to do with a file the app has just written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reveal {
    Open,
    Folder,
}

/// The app's state: the world, the library (opened on first use), the UI's
/// language and the file dialogs.
pub struct App {
    world: Box<dyn World + Send + Sync>,
    /// The library in use, when the user chose one; `None` for the default place.
    library_path: Mutex<Option<PathBuf>>,
    library: Mutex<Option<Library>>,
    /// Whether the library in use must be there already: one remembered
    /// from an earlier run is never silently made anew (a share that is not
    /// mounted would otherwise start an empty library in its place).
    library_must_exist: Mutex<bool>,
    /// Where the paths the user chose are remembered across restarts; `None`
    /// keeps them for this run only.
    settings_file: Option<PathBuf>,
    settings: Mutex<AppSettings>,
    /// What went wrong reading or writing the settings file, shown in
    /// Settings until a choice is kept.
    settings_problem: Mutex<Option<Error>>,
    /// Why the remembered template folder is not in use.
    templates_problem: Mutex<Option<Error>>,
    lang: Mutex<Locale>,
    unsaved: Mutex<bool>,
    /// When the page was last asked to keep its work and close the window.
    close_asked: Mutex<Option<Instant>>,
    dialogs: Box<dyn Dialogs>,
    /// The built-in templates, or a folder of the user's laid over them.
    templates: Mutex<Arc<Templates>>,
    /// The files written this session: only these may be opened or shown,
    /// so the page cannot ask the desktop to open anything else.
    written: Mutex<Vec<PathBuf>>,
    /// Where a server's password is kept between runs.
    keychain: Box<dyn Keychain>,
    /// The password given this run for a server (by its keychain account),
    /// so that opening it again does not depend on the keychain.
    password: Mutex<Option<(String, String)>>,
}

/// What to ask before the window closes on unsaved changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaveQuestion {
    pub message: String,
    pub discard: String,
    pub keep: String,
}

type Answer<T> = std::result::Result<T, ErrorView>;

/// Runs `f` on a thread of its own. The PostgreSQL client blocks on a
/// runtime of its own at every call (and when it is dropped), which tokio
/// refuses on the threads of Tauri's async runtime, where the commands run;
/// a plain thread has none. Costs a thread start per library action.
fn off_runtime<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| match scope.spawn(f).join() {
        Ok(value) => value,
        Err(panic) => std::panic::resume_unwind(panic),
    })
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl App {
    pub fn new(dialogs: Box<dyn Dialogs>, library_path: Option<PathBuf>) -> App {
        App::with_world(Box::new(System), dialogs, library_path)
    }

    pub fn with_world(
        world: Box<dyn World + Send + Sync>,
        dialogs: Box<dyn Dialogs>,
        library_path: Option<PathBuf>,
    ) -> App {
        App {
            world,
            library_path: Mutex::new(library_path),
            library: Mutex::new(None),
            library_must_exist: Mutex::new(false),
            settings_file: None,
            settings: Mutex::new(AppSettings::default()),
            settings_problem: Mutex::new(None),
            templates_problem: Mutex::new(None),
            lang: Mutex::new(System.locale()),
            unsaved: Mutex::new(false),
            close_asked: Mutex::new(None),
            dialogs,
            templates: Mutex::new(Arc::new(Templates::builtin())),
            written: Mutex::new(Vec::new()),
            keychain: Box::new(crate::keychain::ThisRun::default()),
            password: Mutex::new(None),
        }
    }

    /// Keeps servers' passwords in `keychain` (the system's, in the app).
    pub fn with_keychain(mut self, keychain: Box<dyn Keychain>) -> App {
        self.keychain = keychain;
        self
    }

    /// Remembers the user's choices in `file` from now on, and takes up
    /// those it holds: the library chosen last (unless one was named when
    /// the app started), the last export folder and the template folder.
    /// A settings file or template folder that cannot be used is said in
    /// Settings, never a reason not to start.
    pub fn remembering(mut self, file: PathBuf) -> App {
        let (kept, problem) = settings::load(self.world.as_ref(), &file);
        *lock(&self.settings_problem) = problem;
        let path = self.library_path.get_mut().unwrap_or_else(PoisonError::into_inner);
        if path.is_none() && kept.library.is_some() {
            path.clone_from(&kept.library);
            *lock(&self.library_must_exist) = true;
        }
        if let Some(dir) = &kept.templates {
            match self.load_templates(dir) {
                Ok(templates) => *lock(&self.templates) = Arc::new(templates),
                Err(e) => *lock(&self.templates_problem) = Some(e),
            }
        }
        *lock(&self.settings) = kept;
        self.settings_file = Some(file);
        self
    }

    /// Keeps a changed choice in the settings file. A file that cannot be
    /// written does not undo the choice, which holds for this run; Settings
    /// says why it will not be remembered.
    fn remember(&self, change: impl FnOnce(&mut AppSettings)) {
        let mut kept = lock(&self.settings);
        change(&mut kept);
        let Some(file) = &self.settings_file else { return };
        *lock(&self.settings_problem) = settings::save(self.world.as_ref(), file, &kept).err();
    }

    fn templates(&self) -> Arc<Templates> {
        Arc::clone(&lock(&self.templates))
    }

    /// The built-in templates with `dir` laid over them, tried on the
    /// built-in policies in every format so that a broken template is found
    /// when the folder is chosen, not at the next export.
    fn load_templates(&self, dir: &Path) -> Result<Templates> {
        let (templates, _) = policywright_api::load_templates(self.world.as_ref(), dir)?;
        policywright_api::try_templates(self.world.as_ref(), &templates)?;
        Ok(templates)
    }

    fn lang(&self) -> Locale {
        *lock(&self.lang)
    }

    /// An api result as the UI receives it.
    fn answer<T>(&self, result: Result<T>) -> Answer<T> {
        result.map_err(|e| self.view(e))
    }

    fn view(&self, e: Error) -> ErrorView {
        e.view(self.lang())
    }

    fn with_library<T: Send>(&self, f: impl FnOnce(&mut Library) -> Result<T> + Send) -> Answer<T> {
        off_runtime(|| self.with_library_here(f))
    }

    fn with_library_here<T>(&self, f: impl FnOnce(&mut Library) -> Result<T>) -> Answer<T> {
        let mut slot = lock(&self.library);
        if slot.is_none() {
            let path = lock(&self.library_path).clone();
            if let Some(path) = path.as_deref().filter(|p| {
                *lock(&self.library_must_exist) && library::server_address(p).is_none() && !self.world.exists(p)
            }) {
                return Err(self.view(self.missing_library(path)));
            }
            let password = path.as_deref().and_then(|p| self.server_password(p));
            *slot = Some(self.answer(library::open_library_with(
                self.world.as_ref(),
                path.as_deref(),
                password.as_deref(),
            ))?);
        }
        let result = match slot.as_mut() {
            Some(lib) => f(lib),
            None => Err(Error::internal(Message::new(keys::errors::NOT_OPEN).to_string())),
        };
        self.answer(result)
    }

    fn policy(&self, value: &Value) -> Result<Policy> {
        policywright_api::parse_policy(value, &Message::new(keys::ui::EDITED_POLICY).render(self.lang()))
    }

    fn chosen(&self, path: Option<PathBuf>, write: impl FnOnce(&Path) -> Result<()>) -> Answer<Option<String>> {
        let Some(path) = path else { return Ok(None) };
        self.answer(write(&path))?;
        let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).map(Path::to_path_buf);
        self.remember(|s| s.export_folder = folder);
        let shown = path.display().to_string();
        lock(&self.written).push(path);
        Ok(Some(shown))
    }

    /// The save dialog, starting where the user last wrote a file.
    fn ask_save(&self, filter: &str, extensions: &[&str], name: &str) -> Option<PathBuf> {
        let folder = lock(&self.settings).export_folder.clone();
        self.dialogs.save(filter, extensions, name, folder.as_deref())
    }

    /// Opens a file the app wrote this session, or shows it in its folder.
    /// Any other path is refused: the page names only what it was told.
    pub fn reveal(&self, path: &str, how: Reveal) -> Answer<()> {
        let known = lock(&self.written).iter().rev().find(|p| p.display().to_string() == path).cloned();
        let Some(file) = known else {
            return Err(
                self.view(Error::new(ErrorKind::InvalidArgument, msg!(keys::errors::NOT_WRITTEN_HERE, path = path)))
            );
        };
        let done = match how {
            Reveal::Open => self.dialogs.open_file(&file),
            Reveal::Folder => self.dialogs.show_in_folder(&file),
        };
        done.map_err(|e| {
            self.view(
                Error::new(ErrorKind::Io, msg!(keys::errors::REVEAL_FAILED, path = path, reason = io_reason(&e)))
                    .hint(Message::new(keys::errors::REVEAL_HINT)),
            )
        })
    }

    pub fn set_language(&self, lang: Locale) {
        *lock(&self.lang) = lang;
    }

    pub fn set_unsaved(&self, unsaved: bool) {
        *lock(&self.unsaved) = unsaved;
        if !unsaved {
            *lock(&self.close_asked) = None;
        }
    }

    /// Whether a close request at `now` is the first of a row: the page
    /// was asked to keep its work and close less than a few seconds ago,
    /// and did not, then this one asks the user instead.
    pub fn first_close_request(&self, now: Instant) -> bool {
        let mut asked = lock(&self.close_asked);
        let first = asked.is_none_or(|at| now.duration_since(at) > Duration::from_secs(5));
        if first {
            *asked = Some(now);
        }
        first
    }

    /// The question in the UI's language, or `None` when nothing would be lost.
    pub fn leave_question(&self) -> Option<LeaveQuestion> {
        let lang = self.lang();
        let say = |key| Message::new(key).render(lang);
        lock(&self.unsaved).then(|| LeaveQuestion {
            message: say(keys::ui::LEAVE_QUESTION),
            discard: say(keys::ui::LEAVE_DISCARD),
            keep: say(keys::ui::LEAVE_KEEP),
        })
    }

    pub fn list_presets(&self) -> Answer<Vec<PresetInfo>> {
        self.answer(policywright_api::list_presets())
    }

    /// The built-in role library in one language.
    pub fn list_roles(&self, locale: Locale) -> Answer<Vec<Role>> {
        self.answer(policywright_api::list_roles(locale))
    }

    /// A new policy, as `policywright new --preset P --locale L [--numbering N]` writes it.
    pub fn new_policy(&self, preset: &str, locale: Locale, numbering: Option<NumberingScheme>) -> Answer<Policy> {
        self.answer(policywright_api::new_policy(self.world.as_ref(), preset, locale, &[], numbering))
    }

    /// The JSON Schema the editor builds its forms from.
    pub fn schema(&self) -> String {
        policywright_api::schema()
    }

    /// Every problem, in the UI's language.
    pub fn check(&self, value: &Value) -> Answer<ReportView> {
        let source = Message::new(keys::ui::EDITED_POLICY).render(self.lang());
        self.answer(policywright_api::check_edited(value, &source).map(|r| r.render(self.lang())))
    }

    /// The preview of what the editor holds; a library policy shows the
    /// library's revision history.
    pub fn preview(&self, value: &Value, id: Option<PolicyId>) -> Answer<String> {
        let policy = self.answer(self.policy(value))?;
        let policy = match id {
            // A server that is away costs the preview only the library's
            // revision record: the editor's own is shown, not an error.
            Some(id) => match self.with_library(|lib| library::draft_with_history(lib, id, &policy)) {
                Ok(with_history) => with_history,
                Err(e) if e.code == ErrorKind::Unreachable => policy,
                Err(e) => return Err(e),
            },
            None => policy,
        };
        self.answer(policywright_api::preview(&policy, &self.templates()))
    }

    pub fn open_policy(&self) -> Answer<Option<Policy>> {
        let path = self.dialogs.open(&self.filter(keys::ui::FILTER_POLICY), &["json"]);
        path.map(|p| self.answer(policywright_api::open_policy(self.world.as_ref(), &p))).transpose()
    }

    pub fn save_policy(&self, value: &Value, name: &str) -> Answer<Option<String>> {
        let policy = self.answer(self.policy(value))?;
        let path = self.ask_save(&self.filter(keys::ui::FILTER_POLICY), &["json"], name);
        self.chosen(path, |p| policywright_api::save_policy(self.world.as_ref(), &policy, p))
    }

    /// A policy that is not in the library, as the editor holds it.
    pub fn export_policy(&self, value: &Value, format: Format, name: &str) -> Answer<Option<String>> {
        let policy = self.answer(self.policy(value))?;
        // Refused before the dialog opens: nobody should choose a place for
        // a file that will not be written.
        let bytes = self.answer(policywright_api::export(&policy, format, &self.templates()))?;
        let path = self.ask_save(&self.format_filter(format), &[format.extension()], name);
        self.chosen(path, |p| self.world.write(p, &bytes))
    }

    /// A saved version of a library policy (the newest with `None`): the same
    /// file `policywright export` writes.
    pub fn library_export(&self, id: PolicyId, version: Option<&str>, format: Format) -> Answer<Option<String>> {
        let exported = self.with_library(|lib| library::export_version(lib, id, version, format, &self.templates()))?;
        let path = self.ask_save(&self.format_filter(format), &[format.extension()], &exported.file_name);
        self.chosen(path, |p| self.world.write(p, &exported.bytes))
    }

    /// Opens a link of the preview in the system browser, after the user
    /// said so. Only web and e-mail links: the preview's own anchors (`#…`)
    /// scroll the preview, and nothing else leaves the app.
    pub fn open_link(&self, url: &str) -> Answer<()> {
        let url = url.trim();
        if url.starts_with('#') || !policywright_api::doc::is_safe_url(url) {
            return Err(self.view(Error::new(ErrorKind::InvalidArgument, msg!(keys::errors::LINK_REFUSED, url = url))));
        }
        self.dialogs.browse(url).map_err(|e| {
            self.view(Error::new(ErrorKind::Io, msg!(keys::errors::LINK_FAILED, url = url, reason = io_reason(&e))))
        })
    }

    /// Every policy, archived ones too: the library screen shows those on
    /// request, and says they are there.
    pub fn library_list(&self) -> Answer<Vec<PolicySummary>> {
        self.with_library(|lib| lib.list(true))
    }

    /// What `policywright due --within DAYS` lists.
    pub fn library_due(&self, within_days: u32) -> Answer<Vec<Due>> {
        self.with_library(|lib| library::due(self.world.as_ref(), lib, i64::from(within_days)))
    }

    pub fn library_archive(&self, id: PolicyId) -> Answer<()> {
        self.with_library(|lib| lib.archive(id))
    }

    pub fn library_restore(&self, id: PolicyId) -> Answer<()> {
        self.with_library(|lib| lib.restore(id))
    }

    /// A new policy from another's draft, as `policywright duplicate` makes it.
    pub fn library_duplicate(&self, id: PolicyId) -> Answer<PolicyId> {
        self.with_library(|lib| library::duplicate(self.world.as_ref(), lib, id))
    }

    /// What opening the library found that the user should know (a log set
    /// aside, a read-only file), in the interface's language.
    pub fn library_notices(&self) -> Answer<Vec<ErrorView>> {
        let lang = self.lang();
        self.with_library(|lib| Ok(lib.notices().iter().map(|n| n.view(lang)).collect()))
    }

    pub fn library_add(&self, value: &Value) -> Answer<PolicyId> {
        let policy = self.answer(self.policy(value))?;
        self.with_library(|lib| library::import_policy(self.world.as_ref(), lib, &policy))
    }

    /// The library file in use.
    fn library_file(&self) -> Result<PathBuf> {
        match lock(&self.library_path).clone() {
            Some(path) => Ok(path),
            None => self.world.default_library(),
        }
    }

    /// The password for the server at `location`: the one given this run,
    /// else the keychain's. A keychain that cannot be asked is no password;
    /// the server then says it wants one, where the user can give it.
    fn server_password(&self, location: &Path) -> Option<String> {
        let account = Server::of(location)?.account();
        if let Some((kept_for, password)) = lock(&self.password).as_ref()
            && *kept_for == account
        {
            return Some(password.clone());
        }
        self.keychain.password(&account).ok().flatten()
    }

    /// Connects to a shared server from Settings → Library and uses it from
    /// now on; the password goes to the keychain, never into the settings
    /// file. Until it connects, the library in use stays.
    pub fn library_connect(&self, server: &Server, password: &str) -> Answer<Connected> {
        off_runtime(|| self.connect_here(server, password))
    }

    fn connect_here(&self, server: &Server, password: &str) -> Answer<Connected> {
        let location = self.answer(server.location())?;
        let password = Some(password).filter(|p| !p.is_empty());
        let opened = self.answer(library::open_library_with(self.world.as_ref(), Some(&location), password))?;
        let account = server.account();
        let kept = match password {
            Some(password) => self.keychain.keep(&account, password),
            None => self.keychain.forget(&account),
        };
        *lock(&self.password) = password.map(|p| (account, p.to_string()));
        *lock(&self.library) = Some(opened);
        *lock(&self.library_path) = Some(location.clone());
        *lock(&self.library_must_exist) = false;
        self.remember(|s| s.library = Some(location.clone()));
        Ok(Connected {
            library: library::shown_location(&location),
            keychain_problem: kept
                .err()
                .map(|reason| self.view(Error::new(ErrorKind::Io, msg!(keys::errors::KEYCHAIN, reason = reason)))),
        })
    }

    /// The folder of recovered drafts, beside the library.
    fn recovery_dir(&self) -> Result<PathBuf> {
        Ok(recovery::folder(&self.library_file()?, &self.world.data_folder()?))
    }

    /// The choices of Settings the shell keeps, and what went wrong with them.
    pub fn shell_settings(&self) -> Answer<ShellSettings> {
        let lang = self.lang();
        let library = self.answer(self.library_file())?;
        Ok(ShellSettings {
            server: Server::of(&library),
            library: library::shown_location(&library),
            library_is_default: lock(&self.library_path).is_none(),
            templates: lock(&self.settings).templates.as_ref().map(|p| p.display().to_string()),
            problems: [&self.settings_problem, &self.templates_problem]
                .into_iter()
                .filter_map(|p| lock(p).as_ref().map(|e| e.view(lang)))
                .collect(),
        })
    }

    /// Uses the library at `path` from now on, once it opened; until then
    /// (and when it cannot be opened) the one in use stays.
    fn use_library(&self, path: Option<PathBuf>) -> Answer<String> {
        off_runtime(|| self.use_library_here(path))
    }

    fn use_library_here(&self, path: Option<PathBuf>) -> Answer<String> {
        let file = match &path {
            Some(path) => path.clone(),
            None => self.answer(self.world.default_library())?,
        };
        let opened = self.answer(library::open_library(self.world.as_ref(), Some(&file)))?;
        *lock(&self.library) = Some(opened);
        *lock(&self.library_path) = path.clone();
        *lock(&self.library_must_exist) = false;
        self.remember(|s| s.library = path);
        Ok(file.display().to_string())
    }

    /// Another library file the user picks (`None` when they cancelled).
    pub fn library_open_other(&self) -> Answer<Option<String>> {
        let Some(path) = self.dialogs.open(&self.filter(keys::ui::FILTER_LIBRARY), &["sqlite", "db"]) else {
            return Ok(None);
        };
        // Opening a file that is not there would make a new library, which
        // is not what "open" asks for.
        if !self.world.exists(&path) {
            return Err(self.view(self.missing_library(&path)));
        }
        self.use_library(Some(path)).map(Some)
    }

    /// A new, empty library where the user chooses; never over another file.
    pub fn library_create(&self) -> Answer<Option<String>> {
        let documents = lock(&self.settings).export_folder.clone();
        let name = Message::new(keys::ui::NEW_LIBRARY_NAME).render(self.lang());
        let filter = self.filter(keys::ui::FILTER_LIBRARY);
        let Some(path) = self.dialogs.save(&filter, &["sqlite"], &name, documents.as_deref()) else {
            return Ok(None);
        };
        if self.world.exists(&path) {
            return Err(self.view(
                Error::new(
                    ErrorKind::InvalidArgument,
                    msg!(keys::errors::LIBRARY_EXISTS, path = path.display().to_string()),
                )
                .hint(Message::new(keys::errors::LIBRARY_EXISTS_HINT)),
            ));
        }
        self.use_library(Some(path)).map(Some)
    }

    fn missing_library(&self, path: &Path) -> Error {
        Error::new(ErrorKind::NotFound, msg!(keys::errors::LIBRARY_MISSING, path = path.display().to_string()))
            .hint(Message::new(keys::errors::LIBRARY_MISSING_HINT))
    }

    /// Back to the default library of this computer.
    pub fn library_use_default(&self) -> Answer<String> {
        self.use_library(None)
    }

    /// Shows the library file in use in the file manager: it is the app's
    /// own, so the page may ask for it without naming it.
    pub fn library_show_file(&self) -> Answer<()> {
        let file = self.answer(self.library_file())?;
        self.dialogs.show_in_folder(&file).map_err(|e| {
            self.view(
                Error::new(
                    ErrorKind::Io,
                    msg!(keys::errors::REVEAL_FAILED, path = file.display().to_string(), reason = io_reason(&e)),
                )
                .hint(Message::new(keys::errors::REVEAL_HINT)),
            )
        })
    }

    /// A template folder the user picks, used once every template in it
    /// renders the built-in policies; a broken one is refused with where
    /// and why, and the templates in use stay.
    pub fn templates_choose(&self) -> Answer<Option<String>> {
        let current = lock(&self.settings).templates.clone();
        let Some(dir) = self.dialogs.pick_folder(current.as_deref()) else { return Ok(None) };
        let templates = self.answer(self.load_templates(&dir))?;
        *lock(&self.templates) = Arc::new(templates);
        *lock(&self.templates_problem) = None;
        let shown = dir.display().to_string();
        self.remember(|s| s.templates = Some(dir));
        Ok(Some(shown))
    }

    /// Back to the built-in templates.
    pub fn templates_clear(&self) {
        *lock(&self.templates) = Arc::new(Templates::builtin());
        *lock(&self.templates_problem) = None;
        self.remember(|s| s.templates = None);
    }

    /// Keeps what the editor holds: a library policy's draft when the
    /// library takes it, else a recovered draft. Work is never refused here.
    /// `base`: the draft's revision the editor went on from; `by`: the name
    /// Settings gives.
    pub fn autosave(
        &self,
        value: &Value,
        id: Option<PolicyId>,
        slot: &str,
        base: Option<u64>,
        by: &str,
    ) -> Answer<Autosaved> {
        let dir = self.answer(self.recovery_dir())?;
        let world = self.world.as_ref();
        if id.is_some()
            && let Ok(saved) =
                self.with_library(|lib| recovery::autosave(world, Some(lib), &dir, slot, id, base, by, value))
        {
            return Ok(saved);
        }
        self.answer(recovery::autosave(world, None, &dir, slot, id, base, by, value))
    }

    pub fn recovered_drafts(&self) -> Answer<Vec<Recovered>> {
        self.answer(self.recovery_dir().and_then(|dir| recovery::list(self.world.as_ref(), &dir)))
    }

    pub fn open_recovered(&self, slot: &str) -> Answer<recovery::Draft> {
        self.answer(self.recovery_dir().and_then(|dir| recovery::open(self.world.as_ref(), &dir, slot)).map(|(v, _)| v))
    }

    pub fn discard_recovered(&self, slot: &str) -> Answer<()> {
        self.answer(self.recovery_dir().and_then(|dir| recovery::discard(self.world.as_ref(), &dir, slot)))
    }

    pub fn library_draft(&self, id: PolicyId) -> Answer<EditorDraft> {
        self.with_library(|lib| library::editor_draft(lib, id))
    }

    /// Where the draft stands: the editor asks now and then, to see another
    /// person's save while it is open.
    pub fn library_draft_stamp(&self, id: PolicyId) -> Answer<DraftStamp> {
        self.with_library(|lib| lib.draft_stamp(id))
    }

    pub fn library_save_version(
        &self,
        id: PolicyId,
        value: &Value,
        base: Option<u64>,
        bump: Bump,
        author: &str,
        note: &str,
    ) -> Answer<Saved> {
        let policy = self.answer(self.policy(value))?;
        let lang = self.lang();
        self.with_library(|lib| {
            library::save_for_editor(self.world.as_ref(), lib, id, &policy, base, bump, author, note, lang)
        })
    }

    pub fn library_history(&self, id: PolicyId) -> Answer<Vec<VersionInfo>> {
        self.with_library(|lib| lib.history(id))
    }

    /// Moves a saved version through the sign-off workflow, as
    /// `policywright status` does, in the name of `by`.
    pub fn library_set_status(&self, id: PolicyId, version: &str, to: Status, by: &str) -> Answer<()> {
        self.with_library(|lib| library::set_status(self.world.as_ref(), lib, id, version, to, by))
    }

    /// Two versions compared: the change summary, and the views inline and
    /// side by side as sanitised HTML.
    pub fn library_compare(&self, id: PolicyId, from: &str, to: &str) -> Answer<ComparisonView> {
        self.with_library(|lib| {
            library::compare(lib, id, from, to, &self.templates()).map(|c| library::comparison_view(&c))
        })
    }

    pub fn library_export_redline(&self, id: PolicyId, from: &str, to: &str) -> Answer<Option<String>> {
        let redline = self.with_library(|lib| library::redline(lib, id, from, to, &self.templates()))?;
        let path = self.ask_save(&self.format_filter(Format::Docx), &["docx"], &redline.file_name);
        self.chosen(path, |p| self.world.write(p, &redline.bytes))
    }

    /// The legal packet of two versions (both as Word files, the redline and
    /// the change summary), in a folder `TITLE_v1.0-v1.1_packet` made in the
    /// folder the user picks: what `diff --packet` writes. Returns the
    /// packet's folder, which can then be opened.
    pub fn library_export_packet(&self, id: PolicyId, from: &str, to: &str) -> Answer<Option<String>> {
        let packet = self.with_library(|lib| library::packet(lib, id, from, to, &self.templates()))?;
        let folder = lock(&self.settings).export_folder.clone();
        let Some(parent) = self.dialogs.pick_folder(folder.as_deref()) else { return Ok(None) };
        let dir = parent.join(&packet.folder_name);
        self.answer(self.world.write_folder(&dir, &packet.files, false))?;
        self.remember(|s| s.export_folder = Some(parent));
        let shown = dir.display().to_string();
        lock(&self.written).push(dir);
        Ok(Some(shown))
    }

    /// The saved handbooks, with what changed in each since its last export.
    pub fn handbook_list(&self) -> Answer<Vec<handbooks::Entry>> {
        let lang = self.lang();
        self.with_library(|lib| handbooks::entries(lib, lang))
    }

    /// A new handbook's definition, in `locale`: nothing saved yet.
    pub fn handbook_new(&self, locale: Locale) -> Definition {
        handbooks::blank(self.world.as_ref(), locale)
    }

    pub fn handbook_open(&self, id: HandbookId) -> Answer<handbooks::Saved> {
        self.with_library(|lib| handbooks::open(lib, id))
    }

    /// What a definition being edited binds now, against the last export
    /// of the saved handbook `id`.
    pub fn handbook_plan(&self, id: Option<HandbookId>, definition: &Definition) -> Answer<handbooks::Plan> {
        self.with_library(|lib| handbooks::plan_for(lib, id, definition))
    }

    pub fn handbook_preview(&self, definition: &Definition) -> Answer<String> {
        self.with_library(|lib| handbooks::preview(lib, definition, &self.templates()))
    }

    /// Saves a definition (a new handbook with `None`); returns its number.
    pub fn handbook_save(&self, id: Option<HandbookId>, definition: &Definition) -> Answer<HandbookId> {
        self.with_library(|lib| handbooks::save(self.world.as_ref(), lib, id, definition))
    }

    pub fn handbook_delete(&self, id: HandbookId) -> Answer<()> {
        self.with_library(|lib| lib.delete_handbook(id))
    }

    /// A saved handbook built as `policywright rebuild ID` builds it, written
    /// where the user chooses; what it bound is kept once the file is written.
    pub fn handbook_export(&self, id: HandbookId, format: Format) -> Answer<Option<String>> {
        let built = self.with_library(|lib| {
            handbooks::build(lib, &handbooks::open(lib, id)?.definition, format, &self.templates())
        })?;
        let path = self.ask_save(&self.format_filter(format), &[format.extension()], &built.file_name);
        let written = self.chosen(path, |p| self.world.write(p, &built.bytes))?;
        if written.is_some() {
            self.with_library(|lib| handbooks::record_build(self.world.as_ref(), lib, id, &built.bound))?;
        }
        Ok(written)
    }

    fn filter(&self, key: policywright_api::i18n::Key) -> String {
        Message::new(key).render(self.lang())
    }

    fn format_filter(&self, format: Format) -> String {
        self.filter(match format {
            Format::Docx => keys::ui::FILTER_DOCX,
            Format::Md => keys::ui::FILTER_MD,
            Format::Html => keys::ui::FILTER_HTML,
        })
    }
}

#[cfg(test)]
mod tests {
    //! The commands as the window calls them, without a window.

    use std::io::Read as _;
    use std::sync::Arc;

    use super::*;
    use policywright_api::i18n::ErrorKind;

    /// A dialog that answers with one path, and remembers the name it offered.
    #[derive(Clone, Default)]
    struct Chooser(Arc<Mutex<(Option<PathBuf>, Vec<String>)>>);

    impl Chooser {
        fn answer(&self, path: Option<PathBuf>) {
            lock(&self.0).0 = path;
        }
        fn offered(&self) -> Vec<String> {
            lock(&self.0).1.clone()
        }
    }

    impl Dialogs for Chooser {
        fn open(&self, _: &str, _: &[&str]) -> Option<PathBuf> {
            lock(&self.0).0.clone()
        }
        fn save(&self, _: &str, _: &[&str], name: &str, folder: Option<&Path>) -> Option<PathBuf> {
            let mut state = lock(&self.0);
            // The folder it starts in first, so the name offered stays last.
            if let Some(folder) = folder {
                state.1.push(format!("in {}", folder.display()));
            }
            state.1.push(name.to_string());
            state.0.clone()
        }
        fn pick_folder(&self, folder: Option<&Path>) -> Option<PathBuf> {
            let mut state = lock(&self.0);
            state.1.push(format!("folder in {}", folder.map(|f| f.display().to_string()).unwrap_or_default()));
            state.0.clone()
        }
        fn open_file(&self, path: &Path) -> std::io::Result<()> {
            lock(&self.0).1.push(format!("open {}", path.display()));
            Ok(())
        }
        fn show_in_folder(&self, path: &Path) -> std::io::Result<()> {
            lock(&self.0).1.push(format!("show {}", path.display()));
            Ok(())
        }
        fn browse(&self, url: &str) -> std::io::Result<()> {
            lock(&self.0).1.push(format!("browse {url}"));
            Ok(())
        }
    }

    #[test]
    fn the_legal_packet_is_the_clis_packet_in_a_folder_of_its_own() {
        let dir = tempfile::tempdir().expect("tmp");
        let (app, chooser) = app(dir.path());
        let (id, _) = retitled(&app);
        let legal = dir.path().join("legal");
        std::fs::create_dir(&legal).expect("folder");
        chooser.answer(Some(legal.clone()));
        let written = app.library_export_packet(id, "1.0", "1.1").expect("writes").expect("a folder");
        let packet = legal.join("Operations Staff Policy, revised_v1.0-v1.1_packet");
        assert_eq!(written, packet.display().to_string());
        let from_cli = dir.path().join("from-cli");
        let (code, _, err) = cli(dir.path(), &["diff", "1", "1.0", "1.1", "--packet", &from_cli.display().to_string()]);
        assert_eq!(code, 0, "{err}");
        let files = |folder: &Path| {
            let mut names: Vec<_> =
                std::fs::read_dir(folder).expect("a folder").map(|e| e.expect("entry").file_name()).collect();
            names.sort();
            names
                .into_iter()
                .map(|n| (n.to_string_lossy().into_owned(), std::fs::read(folder.join(&n)).expect("read")))
                .collect::<Vec<_>>()
        };
        let (ours, theirs): (Vec<_>, Vec<_>) = (files(&packet), files(&from_cli));
        assert_eq!(
            ours.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
            [
                "Operations Staff Policy, revised_v1.0-v1.1_changes.md",
                "Operations Staff Policy, revised_v1.0-v1.1_redline.docx",
                "Operations Staff Policy, revised_v1.1.docx",
                "Operations Staff Policy_v1.0.docx",
            ]
        );
        assert!(ours == theirs, "the app and the CLI wrote different packets");
        app.reveal(&written, Reveal::Folder).expect("shows");

        // Again into the same folder: refused, and what is there is kept.
        let err = app.library_export_packet(id, "1.0", "1.1").expect_err("refused");
        assert!(err.message.contains("already exists"), "{}", err.message);
        assert!(files(&packet) == ours);
        // Versions that are not there: said before any dialog opens.
        let asked = chooser.offered().len();
        assert_eq!(app.library_export_packet(id, "1.0", "7.0").expect_err("no such version").code, ErrorKind::NotFound);
        assert_eq!(app.library_export_packet(9, "1.0", "1.1").expect_err("no such policy").code, ErrorKind::NotFound);
        assert_eq!(chooser.offered().len(), asked, "no dialog opened");
    }

    /// Regression: the export dialog opened in the process's working
    /// folder, and nothing offered to open what was written.
    #[test]
    fn an_export_can_be_opened_or_shown_and_the_next_dialog_starts_beside_it() {
        let dir = tempfile::tempdir().expect("tmp");
        let (app, chooser) = app(dir.path());
        let policy = preset(&app, Locale::En);
        let out = dir.path().join("out").join("policy.docx");
        std::fs::create_dir(dir.path().join("out")).expect("folder");
        chooser.answer(Some(out.clone()));
        let written = app.export_policy(&policy, Format::Docx, "policy.docx").expect("exports").expect("a path");
        assert_eq!(chooser.offered(), ["policy.docx"], "the first dialog starts in the system's default place");
        app.export_policy(&policy, Format::Md, "policy.md").expect("exports");
        assert_eq!(
            chooser.offered()[1..],
            [format!("in {}", out.parent().expect("folder").display()), "policy.md".into()]
        );

        app.reveal(&written, Reveal::Open).expect("opens");
        app.reveal(&written, Reveal::Folder).expect("shows");
        assert_eq!(chooser.offered()[3..], [format!("open {}", out.display()), format!("show {}", out.display())]);
        // Only a file the app wrote: the page cannot have the desktop open
        // anything else.
        let err = app.reveal("/etc/passwd", Reveal::Open).expect_err("refused");
        assert_eq!(err.code, ErrorKind::InvalidArgument);
        assert_eq!(
            err.message,
            "/etc/passwd was not written by Policywright in this session, so it is not opened from here"
        );
        assert_eq!(chooser.offered().len(), 5, "nothing was opened");
    }

    /// The app as the shell starts it: the default library named by the
    /// world (here `default.sqlite` in `dir`) and choices remembered in
    /// `dir/config/settings.json`.
    fn started(dir: &Path) -> (App, Chooser) {
        let chooser = Chooser::default();
        let world = Box::new(Elsewhere(dir.join("default.sqlite")));
        let app = App::with_world(world, Box::new(chooser.clone()), None)
            .remembering(dir.join("config").join("settings.json"));
        app.set_language(Locale::En);
        (app, chooser)
    }

    /// A keychain the test can look into, shared with the app.
    #[derive(Clone, Default)]
    struct Keys(Arc<crate::keychain::ThisRun>);

    impl Keychain for Keys {
        fn password(&self, account: &str) -> std::result::Result<Option<String>, String> {
            self.0.password(account)
        }
        fn keep(&self, account: &str, password: &str) -> std::result::Result<(), String> {
            self.0.keep(account, password)
        }
        fn forget(&self, account: &str) -> std::result::Result<(), String> {
            self.0.forget(account)
        }
    }

    #[test]
    fn a_shared_server_is_chosen_in_settings_and_its_password_kept_in_the_keychain_not_the_settings_file() {
        let cluster = crate::pg::Cluster::start();
        let mut admin = cluster.client("postgres", crate::pg::SUPERUSER);
        admin.batch_execute("CREATE ROLE hr_wang LOGIN PASSWORD 'correct horse'").expect("a user with a password");
        admin.batch_execute("CREATE DATABASE team OWNER hr_wang").expect("their database");
        // This user must give the password; the cluster trusts everyone else.
        let hba = cluster.socket_dir().join("data").join("pg_hba.conf");
        let rules = std::fs::read_to_string(&hba).expect("pg_hba.conf");
        std::fs::write(&hba, format!("local all hr_wang scram-sha-256\n{rules}")).expect("writes pg_hba.conf");
        drop(admin);
        cluster.restart();

        let dir = tempfile::tempdir().expect("tmp");
        let keys = Keys::default();
        let start = || {
            let world = Box::new(Elsewhere(dir.path().join("default.sqlite")));
            let app = App::with_world(world, Box::new(Chooser::default()), None)
                .with_keychain(Box::new(keys.clone()))
                .remembering(dir.path().join("config").join("settings.json"));
            app.set_language(Locale::En);
            app
        };
        let app = start();
        let socket = cluster.socket_dir().display().to_string();
        let server = Server {
            host: socket.clone(),
            port: None,
            database: "team".into(),
            user: "hr_wang".into(),
            tls: policywright_api::server::Tls::Disable,
        };
        let shown = format!("postgres://hr_wang@/team?host={socket}");

        let missing = Server { database: " ".into(), ..server.clone() };
        let err = app.library_connect(&missing, "correct horse").expect_err("no database named");
        assert_eq!(
            (err.message.as_str(), err.path.as_deref()),
            ("the server's database name is empty", Some("server.database"))
        );

        let err = app.library_connect(&server, "wrong").expect_err("a wrong password");
        assert!(
            err.message.starts_with(&format!("the library server {shown} did not let the user in")),
            "{}",
            err.message
        );
        assert_eq!(app.shell_settings().expect("settings").server, None, "the library in use stays");

        let connected = app.library_connect(&server, "correct horse").expect("connects");
        assert_eq!(connected.library, shown);
        assert!(connected.keychain_problem.is_none());
        let account = format!("hr_wang@{socket}:5432/team");
        assert_eq!(keys.password(&account), Ok(Some("correct horse".to_string())));
        let remembered = std::fs::read_to_string(dir.path().join("config").join("settings.json")).expect("settings");
        assert!(!remembered.contains("correct horse"), "{remembered}");
        assert!(remembered.contains("postgres://hr_wang@/team?sslmode=disable"), "{remembered}");
        let shell = app.shell_settings().expect("settings");
        assert_eq!((shell.server.as_ref(), shell.library.as_str()), (Some(&server), shown.as_str()));

        // The server records who saved, whatever name the window gave.
        let policy = preset(&app, Locale::En);
        let id = app.library_add(&policy).expect("adds to the server");
        app.library_save_version(id, &policy, None, Bump::Minor, "Wang Fang", "First issue").expect("saves");
        let saved = &app.library_history(id).expect("history")[0];
        assert_eq!((saved.author.as_str(), saved.display_name.as_str()), ("hr_wang", "Wang Fang"));
        let stamp = app.library_draft_stamp(id).expect("stamp");
        assert_eq!(stamp.saved_by, "hr_wang", "the server records who saved the draft");
        drop(app);

        // The next start opens the server with the keychain's password, on
        // a thread of the async runtime as the window's commands run.
        // Regression: the client's own runtime panicked there, and
        // "Connecting…" never ended.
        let again = Arc::new(start());
        let on_runtime = Arc::clone(&again);
        let listed = tauri::async_runtime::block_on(tauri::async_runtime::spawn(async move {
            let listed = on_runtime.library_list().map(|l| l.len());
            let draft = on_runtime.library_draft_stamp(id).map(|s| s.revision);
            (listed, draft)
        }))
        .expect("the command ran");
        assert_eq!((listed.0.expect("lists the server's policies"), listed.1.is_ok()), (1, true));
        drop(again);

        // Without it, the server's refusal is what the start screen says,
        // and a remembered server is never taken for a missing file.
        keys.forget(&account).expect("forgets");
        let err = start().library_list().expect_err("no password");
        assert_eq!(err.message, format!("the library server {shown} asks for a password, and none was given"));
        assert_eq!(err.code, ErrorKind::Denied);
    }

    /// The system, with the default library somewhere of the test's own.
    struct Elsewhere(PathBuf);

    impl World for Elsewhere {
        fn now(&self) -> String {
            System.now()
        }
        fn read(&self, path: &Path, kind: policywright_api::FileKind) -> Result<Vec<u8>> {
            System.read(path, kind)
        }
        fn list_dir(&self, dir: &Path) -> Result<Vec<(String, PathBuf)>> {
            System.list_dir(dir)
        }
        fn write(&self, path: &Path, bytes: &[u8]) -> Result<()> {
            System.write(path, bytes)
        }
        fn write_folder(&self, dir: &Path, files: &[(String, Vec<u8>)], force: bool) -> Result<Vec<PathBuf>> {
            System.write_folder(dir, files, force)
        }
        fn make_folder(&self, dir: &Path) -> Result<()> {
            System.make_folder(dir)
        }
        fn remove(&self, path: &Path) -> Result<()> {
            System.remove(path)
        }
        fn exists(&self, path: &Path) -> bool {
            System.exists(path)
        }
        fn default_library(&self) -> Result<PathBuf> {
            Ok(self.0.clone())
        }
        fn data_folder(&self) -> Result<PathBuf> {
            Ok(self.0.parent().map(Path::to_path_buf).unwrap_or_default())
        }
    }

    #[test]
    fn a_new_policy_is_what_the_clis_new_writes_numbered_as_settings_say() {
        let dir = tempfile::tempdir().expect("tmp");
        let (app, _) = app(dir.path());
        for (preset, locale, numbering) in [
            ("blank", Locale::En, "zh-outline"),
            ("operations", Locale::ZhCn, "decimal"),
            ("operations", Locale::En, ""),
        ] {
            let scheme = NumberingScheme::parse(numbering);
            let ours = app.new_policy(preset, locale, scheme).expect("new");
            let mut args = vec!["new", "--preset", preset, "--locale", locale.code()];
            if !numbering.is_empty() {
                args.extend(["--numbering", numbering]);
            }
            let (code, theirs, err) = cli(dir.path(), &args);
            assert_eq!(code, 0, "{err}");
            assert!(policywright_api::model::to_json(&ours) == theirs, "{args:?} differ");
            if let Some(scheme) = scheme {
                assert_eq!(ours.document.numbering, scheme);
            }
        }
    }

    #[test]
    fn a_handbook_of_two_policies_is_saved_exported_as_the_cli_rebuilds_it_and_tells_what_changed() {
        use policywright_api::handbooks::{Part, Pick, SinceBuild};
        let dir = tempfile::tempdir().expect("tmp");
        let (app, chooser) = app(dir.path());
        let (ops, _) = retitled(&app);
        let mut care = preset(&app, Locale::En);
        care["document"]["title"] = "Customer Care Policy".into();
        let care_id = app.library_add(&care).expect("adds");
        app.library_save_version(care_id, &care, None, Bump::Minor, "HR", "First issue").expect("saves");
        for step in [Status::InReview, Status::Approved] {
            app.library_set_status(ops, "1.0", step, "Legal").expect("sign-off");
        }
        let mut definition = app.handbook_new(Locale::En);
        assert_eq!((definition.cover.title.as_str(), definition.cover.version.as_str()), ("Staff Handbook", "1.0"));
        definition.cover.company = "Acme".into();
        definition.parts = vec![
            Part { policy: ops, pick: Pick::Released },
            Part { policy: care_id, pick: Pick::Version { label: "1.0".into() } },
        ];
        // The approved 1.0, not the newer draft-status 1.1.
        let plan = app.handbook_plan(None, &definition).expect("plans");
        let bound: Vec<_> = plan.parts.iter().map(|p| (p.title.as_str(), p.label.as_str())).collect();
        assert_eq!(bound, [("Operations Staff Policy", "1.0"), ("Customer Care Policy", "1.0")]);
        let preview = app.handbook_preview(&definition).expect("previews");
        assert!(preview.contains("Staff Handbook") && preview.contains("Customer Care Policy"), "{preview}");
        let id = app.handbook_save(None, &definition).expect("saves");
        let [entry] = &app.handbook_list().expect("lists")[..] else { panic!("one handbook") };
        assert_eq!((entry.row.title.as_str(), entry.parts, entry.row.built_at.as_deref()), ("Staff Handbook", 2, None));

        let out = dir.path().join("handbook.docx");
        chooser.answer(Some(out.clone()));
        assert_eq!(app.handbook_export(id, Format::Docx).expect("exports"), Some(out.display().to_string()));
        assert_eq!(chooser.offered().last().map(String::as_str), Some("Staff Handbook_v1.0.docx"));
        let from_cli = dir.path().join("from-cli.docx");
        let (code, _, err) =
            cli(dir.path(), &["rebuild", &id.to_string(), "--format", "docx", "-o", &from_cli.display().to_string()]);
        assert_eq!(code, 0, "{err}");
        assert!(
            std::fs::read(&out).expect("read") == std::fs::read(&from_cli).expect("read"),
            "the app and the CLI built different files"
        );
        assert!(
            app.handbook_open(id).expect("opens").plan.parts.iter().all(|p| p.since_build == SinceBuild::Unchanged)
        );

        // 1.1 is approved: the saved handbook now binds it, and says so.
        for step in [Status::InReview, Status::Approved] {
            app.library_set_status(ops, "1.1", step, "Legal").expect("sign-off");
        }
        let saved = app.handbook_open(id).expect("opens");
        assert_eq!(saved.plan.parts[0].since_build, SinceBuild::Changed { label: "1.0".into() });
        assert_eq!(saved.plan.parts[1].since_build, SinceBuild::Unchanged);
        assert_eq!(app.handbook_list().expect("lists")[0].changed, 1);

        // Hostile input: a clear error each, nothing saved.
        assert_eq!(
            app.handbook_open(9).expect_err("no such handbook").message,
            "there is no handbook 9 in the library"
        );
        let mut stray = definition.clone();
        stray.parts.push(Part { policy: 42, pick: Pick::Newest });
        assert_eq!(app.handbook_save(Some(id), &stray).expect_err("no such policy").code, ErrorKind::NotFound);
        stray.parts = vec![Part { policy: care_id, pick: Pick::Version { label: "3.0".into() } }];
        assert_eq!(app.handbook_preview(&stray).expect_err("no such version").code, ErrorKind::NotFound);
        stray.cover.title = " ".into();
        assert_eq!(app.handbook_save(None, &stray).expect_err("untitled").code, ErrorKind::InvalidPolicy);
        assert_eq!(app.handbook_list().expect("lists").len(), 1);
        app.handbook_delete(id).expect("deletes");
        assert!(app.handbook_list().expect("lists").is_empty());
        assert_eq!(app.handbook_delete(id).expect_err("gone").code, ErrorKind::NotFound);
    }

    /// Regression: on a corrupt library the app showed a banner in English,
    /// said the library was empty, and offered no way to another library.
    #[test]
    fn a_corrupt_library_is_left_alone_and_a_new_one_is_created_and_remembered() {
        let dir = tempfile::tempdir().expect("tmp");
        let corrupt = dir.path().join("default.sqlite");
        let garbage = b"this is not a library, but somebody's notes".repeat(100);
        std::fs::write(&corrupt, &garbage).expect("write");
        let (app, chooser) = started(dir.path());
        let err = app.library_list().expect_err("not a library");
        assert_eq!(err.code, ErrorKind::InvalidLibrary);
        assert_eq!(err.message, format!("{} is not a Policywright library", corrupt.display()));
        app.set_language(Locale::ZhCn);
        assert_eq!(
            app.library_list().expect_err("still").message,
            format!("{} 不是 Policywright 制度库", corrupt.display())
        );
        app.set_language(Locale::En);

        app.library_show_file().expect("shows");
        assert_eq!(chooser.offered().last().map(String::as_str), Some(format!("show {}", corrupt.display()).as_str()));
        // A new library is never made over another file, the bad one least.
        chooser.answer(Some(corrupt.clone()));
        let err = app.library_create().expect_err("refused");
        assert_eq!(
            err.message,
            format!("{} already exists, and a new library is never made over another file", corrupt.display())
        );
        let made = dir.path().join("mine").join("Policies.sqlite");
        std::fs::create_dir(dir.path().join("mine")).expect("folder");
        chooser.answer(Some(made.clone()));
        assert_eq!(app.library_create().expect("creates"), Some(made.display().to_string()));
        assert!(chooser.offered().contains(&"Policies.sqlite".to_string()), "{:?}", chooser.offered());
        assert!(app.library_list().expect("opens").is_empty());
        let id = app.library_add(&preset(&app, Locale::En)).expect("adds");
        assert_eq!(std::fs::read(&corrupt).expect("read"), garbage, "the bad file is untouched");

        // The next start opens the library chosen, and Settings says which.
        drop(app);
        let (app, _) = started(dir.path());
        assert_eq!(app.library_list().expect("opens").iter().map(|p| p.id).collect::<Vec<_>>(), [id]);
        let shown = app.shell_settings().expect("settings");
        assert_eq!((shown.library.as_str(), shown.library_is_default), (made.display().to_string().as_str(), false));
        assert!(shown.problems.is_empty(), "{:?}", shown.problems);
        // And back to the default one, which is still the bad file.
        assert!(app.library_use_default().is_err());
        assert!(!app.shell_settings().expect("settings").library_is_default, "a library that cannot open is not taken");
        assert_eq!(app.library_list().expect("still the chosen one").len(), 1);
    }

    #[test]
    fn a_remembered_library_that_is_gone_is_said_not_made_anew() {
        let dir = tempfile::tempdir().expect("tmp");
        let (app, chooser) = started(dir.path());
        let other = dir.path().join("share.sqlite");
        chooser.answer(Some(other.clone()));
        app.library_create().expect("creates");
        drop(app);
        std::fs::remove_file(&other).expect("gone");
        let (app, chooser) = started(dir.path());
        let err = app.library_list().expect_err("gone");
        assert_eq!(err.code, ErrorKind::NotFound);
        assert_eq!(err.message, format!("there is no library at {}", other.display()));
        assert!(!other.exists(), "no empty library in its place");
        // Opening a file that is not there is refused the same way.
        chooser.answer(Some(dir.path().join("nothing.sqlite")));
        assert_eq!(app.library_open_other().expect_err("missing").code, ErrorKind::NotFound);
        assert!(!dir.path().join("nothing.sqlite").exists());
        chooser.answer(None);
        assert_eq!(app.library_open_other().expect("cancelled"), None);
        assert_eq!(
            app.library_use_default().expect("default"),
            dir.path().join("default.sqlite").display().to_string()
        );
        assert!(app.library_list().expect("opens").is_empty());
    }

    #[test]
    fn a_broken_template_folder_is_refused_with_its_file_and_a_good_one_is_remembered() {
        let dir = tempfile::tempdir().expect("tmp");
        let (app, chooser) = started(dir.path());
        let policy = preset(&app, Locale::En);
        let broken = dir.path().join("broken");
        std::fs::create_dir_all(broken.join("sections")).expect("folder");
        std::fs::write(broken.join("sections/training.md"), "{% if %}\n").expect("write");
        chooser.answer(Some(broken.clone()));
        let err = app.templates_choose().expect_err("broken");
        assert_eq!(err.code, ErrorKind::Template);
        assert!(
            err.message.starts_with(&format!("template error in {}", broken.join("sections/training.md").display())),
            "{}",
            err.message
        );
        assert!(app.preview(&policy, None).is_ok(), "the templates in use stay");
        assert_eq!(app.shell_settings().expect("settings").templates, None);

        let good = dir.path().join("good");
        std::fs::create_dir_all(good.join("sections")).expect("folder");
        let training = policywright_api::Templates::builtin_text("sections/training.md").expect("builtin");
        std::fs::write(good.join("sections/training.md"), format!("Our own words on training.\n\n{training}"))
            .expect("write");
        chooser.answer(Some(good.clone()));
        assert_eq!(app.templates_choose().expect("chosen"), Some(good.display().to_string()));
        assert!(app.preview(&policy, None).expect("previews").contains("Our own words on training."));
        // An export writes where the user chose; the next start remembers
        // that folder and the templates.
        let out = dir.path().join("out");
        std::fs::create_dir(&out).expect("folder");
        chooser.answer(Some(out.join("p.md")));
        app.export_policy(&policy, Format::Md, "p.md").expect("exports");
        drop(app);
        let (app, chooser) = started(dir.path());
        assert_eq!(app.shell_settings().expect("settings").templates, Some(good.display().to_string()));
        assert!(app.preview(&policy, None).expect("previews").contains("Our own words on training."));
        chooser.answer(None);
        app.export_policy(&policy, Format::Md, "p.md").expect("cancelled");
        assert_eq!(chooser.offered(), [format!("in {}", out.display()), "p.md".into()]);

        // The folder broke meanwhile: the built-in templates, and Settings says why.
        std::fs::write(good.join("sections/training.md"), "{{ nothing(").expect("write");
        drop(app);
        let (app, _) = started(dir.path());
        assert!(!app.preview(&policy, None).expect("previews").contains("Our own words"));
        let problems = app.shell_settings().expect("settings").problems;
        assert!(problems.len() == 1 && problems[0].code == ErrorKind::Template, "{problems:?}");
        app.templates_clear();
        assert!(app.shell_settings().expect("settings").problems.is_empty());
    }

    #[test]
    fn a_settings_file_that_cannot_be_read_is_said_and_replaced_by_the_next_choice() {
        let dir = tempfile::tempdir().expect("tmp");
        std::fs::create_dir(dir.path().join("config")).expect("folder");
        let file = dir.path().join("config/settings.json");
        std::fs::write(&file, "{ \"library\": ").expect("write");
        let (app, chooser) = started(dir.path());
        let problems = app.shell_settings().expect("settings").problems;
        let [p] = &problems[..] else { panic!("{problems:?}") };
        assert!(
            p.message.starts_with(&format!("the app's settings in {} could not be read: ", file.display())),
            "{}",
            p.message
        );
        assert_eq!(
            p.hint.as_deref(),
            Some(
                "the app started with its defaults; choose the library and folders again in Settings, which replaces the file"
            )
        );
        assert!(app.library_list().expect("the default library").is_empty());
        chooser.answer(Some(dir.path().join("new.sqlite")));
        app.library_create().expect("creates");
        assert!(app.shell_settings().expect("settings").problems.is_empty());
        let kept: Value = serde_json::from_slice(&std::fs::read(&file).expect("read")).expect("json");
        assert_eq!(kept["library"], dir.path().join("new.sqlite").display().to_string());
    }

    fn app(dir: &Path) -> (App, Chooser) {
        let chooser = Chooser::default();
        let app = App::new(Box::new(chooser.clone()), Some(dir.join("lib.sqlite")));
        app.set_language(Locale::En);
        (app, chooser)
    }

    /// A library policy with two versions: 1.0, then 1.1 with a new title.
    fn retitled(app: &App) -> (PolicyId, Value) {
        let mut policy = preset(app, Locale::En);
        let id = app.library_add(&policy).expect("adds");
        app.library_save_version(id, &policy, None, Bump::Minor, "HR", "First issue").expect("saves");
        policy["document"]["title"] = "Operations Staff Policy, revised".into();
        app.library_save_version(id, &policy, None, Bump::Minor, "Legal", "Retitled").expect("saves");
        (id, policy)
    }

    fn preset(app: &App, locale: Locale) -> Value {
        serde_json::to_value(app.new_policy("operations", locale, None).expect("preset")).expect("json")
    }

    /// The editor's autosave: a policy not in the library is offered on the
    /// next start; once in the library, its draft holds the edits.
    #[test]
    fn autosave_keeps_work_beside_the_library_then_in_it() {
        let dir = tempfile::tempdir().expect("tmp");
        let (app, _) = app(dir.path());
        let mut policy = preset(&app, Locale::En);
        policy["document"]["title"] = "Typed before a crash".into();
        let saved = app.autosave(&policy, None, "draft-1", None, "").expect("keeps");
        assert_eq!(saved.to, recovery::SavedTo::Recovery);
        assert!(dir.path().join("lib.recovery/draft-1.json").is_file());

        // The next start: a new app on the same library.
        let (app, _) = super::tests::app(dir.path());
        let drafts = app.recovered_drafts().expect("lists");
        assert_eq!(drafts.iter().map(|d| d.title.as_str()).collect::<Vec<_>>(), ["Typed before a crash"]);
        assert_eq!(app.open_recovered("draft-1").expect("opens").to_value(), policy);

        let id = app.library_add(&policy).expect("adds");
        app.discard_recovered("draft-1").expect("drops");
        policy["document"]["title"] = "Typed in the library".into();
        let saved = app.autosave(&policy, Some(id), &format!("library-{id}"), None, "").expect("keeps");
        assert_eq!(saved.to, recovery::SavedTo::Library);
        assert_eq!(app.library_draft(id).expect("draft").policy.document.title, "Typed in the library");
        assert!(app.recovered_drafts().expect("lists").is_empty());

        let err = app.open_recovered("../lib").expect_err("not a slot");
        assert_eq!(err.message, "“../lib” is not the name of a recovered draft");
    }

    /// Runs the CLI in-process against the same library, as a user would in a terminal.
    fn cli(dir: &Path, args: &[&str]) -> (u8, String, String) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let mut streams = policywright::Out::new(&mut out, &mut err, Locale::En);
        let mut argv: Vec<std::ffi::OsString> =
            vec!["policywright".into(), "--db".into(), dir.join("lib.sqlite").into()];
        argv.extend(args.iter().map(Into::into));
        let code = policywright::run(argv, &System, &mut streams);
        (code, String::from_utf8_lossy(&out).into_owned(), String::from_utf8_lossy(&err).into_owned())
    }

    fn part(docx: &[u8], name: &str) -> String {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("a zip package");
        let mut text = String::new();
        zip.by_name(name).expect("part").read_to_string(&mut text).expect("utf-8");
        text
    }

    #[test]
    fn a_preset_checks_clean_and_previews_its_title() {
        let dir = tempfile::tempdir().expect("tmp");
        let (app, _) = app(dir.path());
        let policy = preset(&app, Locale::ZhCn);
        let report = app.check(&policy).expect("checks");
        assert!(report.diagnostics.iter().all(|d| d.severity != policywright_api::model::validate::Severity::Error));
        let html = app.preview(&policy, None).expect("previews");
        assert!(html.contains("运营人员岗位工作制度"), "{html}");
        assert!(!html.contains("<script"), "the preview is sanitised");
    }

    #[test]
    fn what_the_editor_sends_is_checked_like_a_file_and_answered_in_the_uis_language() {
        let dir = tempfile::tempdir().expect("tmp");
        let (app, _) = app(dir.path());
        let mut policy = preset(&app, Locale::En);
        policy["appraisal"]["indicators"][0]["weight"] = "sixty".into();
        // The check names the field, in the UI's language.
        let at_field = |app: &App| {
            let report = app.check(&policy).expect("a report");
            let [d] = &report.diagnostics[..] else { panic!("{report:?}") };
            assert_eq!(d.path, "appraisal.indicators[0].weight");
            d.message.clone()
        };
        assert_eq!(at_field(&app), "weight \"sixty\" is written as text; write the number without quotes");
        app.set_language(Locale::ZhCn);
        assert!(at_field(&app).contains("\"sixty\""), "{}", at_field(&app));
        // The preview cannot show such a policy, and says why, in the UI's language.
        let err = app.preview(&policy, None).expect_err("malformed");
        assert_eq!(err.code, ErrorKind::InvalidJson);
        assert_eq!(err.path.as_deref(), Some("appraisal.indicators[0].weight"));
        assert_eq!(err.message, "正在编辑的制度 的结构不符合制度文件格式");
        app.set_language(Locale::En);
        let err = app.preview(&policy, None).expect_err("malformed");
        assert_eq!(err.message, "the policy being edited does not have the shape of a policy");
        // It reaches the UI as {code, message, path, hint, details}.
        let json = serde_json::to_value(&err).expect("serialises");
        assert_eq!(json["code"], "invalid_json");
        assert!(json["hint"].is_string() && json["details"].is_array(), "{json}");
    }

    #[test]
    fn check_speaks_the_uis_language_whatever_the_policys() {
        let dir = tempfile::tempdir().expect("tmp");
        let (app, _) = app(dir.path());
        let mut policy = preset(&app, Locale::En);
        policy["appraisal"]["indicators"][0]["weight"] = 50.into();
        app.set_language(Locale::ZhCn);
        let report = app.check(&policy).expect("checks");
        assert!(report.diagnostics.iter().any(|d| d.message == "一级指标的权重合计为 90，不是 100"), "{report:?}");
    }

    /// Regression: a weight with three decimals failed the whole form with
    /// a developer's message naming a line and column, while the footer said
    /// there were no errors.
    #[test]
    fn a_weight_the_core_refuses_is_a_problem_at_its_field() {
        let dir = tempfile::tempdir().expect("tmp");
        let (app, _) = app(dir.path());
        let mut policy = preset(&app, Locale::ZhCn);
        policy["appraisal"]["indicators"][0]["weight"] = serde_json::json!(15.555);
        app.set_language(Locale::En);
        let report = app.check(&policy).expect("a report, not a failure");
        let [d] = &report.diagnostics[..] else { panic!("{report:?}") };
        assert_eq!(d.path, "appraisal.indicators[0].weight");
        assert_eq!(d.severity, policywright_api::model::validate::Severity::Error);
        assert_eq!(d.message, "weight 15.555 has more than two decimal places");
        assert!(d.hint.contains("at most two decimals"), "{d:?}");
        // A value of the wrong kind is one too, without the CLI's hint.
        policy["appraisal"]["indicators"][0]["weight"] = serde_json::json!(60);
        policy["career"]["levels"][0]["grade"] = serde_json::json!("one");
        let report = app.check(&policy).expect("a report, not a failure");
        let [d] = &report.diagnostics[..] else { panic!("{report:?}") };
        assert_eq!(d.path, "career.levels[0].grade");
        assert_eq!(d.hint, "");
    }

    /// What is no policy at all, or hostile text in a field, ends in a clear
    /// answer, never a panic.
    #[test]
    fn the_editors_check_answers_hostile_values_clearly() {
        let dir = tempfile::tempdir().expect("tmp");
        let (app, _) = app(dir.path());
        app.set_language(Locale::En);
        let err = app.check(&serde_json::json!([1, 2])).expect_err("not a policy");
        assert_eq!(err.code, ErrorKind::InvalidJson);
        assert_eq!(err.message, "the policy being edited does not have the shape of a policy");
        assert_eq!(err.details, ["expected a JSON object at the top level"]);
        let mut policy = preset(&app, Locale::En);
        policy["appraisal"]["indicators"][0]["weight"] = serde_json::json!("\u{1b}]52;c2VjcmV0\u{7}<script>");
        let report = app.check(&policy).expect("a report");
        let [d] = &report.diagnostics[..] else { panic!("{report:?}") };
        assert_eq!(d.path, "appraisal.indicators[0].weight");
        assert!(
            d.message.starts_with("weight \"")
                && d.message.ends_with("is written as text; write the number without quotes"),
            "{d:?}"
        );
        policy["appraisal"]["indicators"][0]["weight"] = serde_json::json!(1e300);
        let report = app.check(&policy).expect("a report");
        let [d] = &report.diagnostics[..] else { panic!("{report:?}") };
        assert_eq!(d.path, "appraisal.indicators[0].weight");
    }

    #[test]
    fn saving_and_opening_round_trip_and_export_writes_a_docx() {
        let dir = tempfile::tempdir().expect("tmp");
        let (app, chooser) = app(dir.path());
        let policy = preset(&app, Locale::En);
        let file = dir.path().join("ops.policy.json");
        chooser.answer(Some(file.clone()));
        assert_eq!(app.save_policy(&policy, "ops.policy.json").expect("saves"), Some(file.display().to_string()));
        let opened = app.open_policy().expect("opens").expect("chosen");
        assert_eq!(serde_json::to_value(&opened).expect("json"), policy);
        let docx = dir.path().join("ops.docx");
        chooser.answer(Some(docx.clone()));
        app.export_policy(&policy, Format::Docx, "ops.docx").expect("exports");
        assert!(std::fs::read(&docx).expect("written").starts_with(b"PK"), "a zip package");
        // Cancelling writes nothing and is no error.
        chooser.answer(None);
        assert_eq!(app.export_policy(&policy, Format::Md, "ops.md").expect("cancelled"), None);
    }

    #[test]
    fn closing_asks_only_when_work_would_be_lost() {
        let dir = tempfile::tempdir().expect("tmp");
        let (app, _) = app(dir.path());
        assert_eq!(app.leave_question(), None);
        app.set_unsaved(true);
        app.set_language(Locale::ZhCn);
        assert_eq!(app.leave_question().map(|q| q.keep), Some("继续编辑".to_string()));
        app.set_language(Locale::En);
        assert_eq!(app.leave_question().map(|q| q.discard), Some("Discard and close".to_string()));
    }

    /// Regression: the app exported a library policy saved as 2.0 as
    /// `…_v1.0.docx`, with PolicyVersion 1.0 and a history of 1.0 only, and
    /// its preview still said 1.0; the CLI's export was right.
    #[test]
    fn the_app_and_the_cli_export_the_same_version_with_the_same_history() {
        let dir = tempfile::tempdir().expect("tmp");
        let (app, chooser) = app(dir.path());
        let mut policy = preset(&app, Locale::En);
        let id = app.library_add(&policy).expect("adds");
        let first = app.library_save_version(id, &policy, None, Bump::Minor, "HR", "First issue").expect("saves");
        assert_eq!(first.version.label.to_string(), "1.0");
        policy["document"]["title"] = "Operations Staff Policy, revised".into();
        let second = app.library_save_version(id, &policy, None, Bump::Major, "Legal", "Retitled").expect("saves");
        assert_eq!(second.version.label.to_string(), "2.0");
        // The draft the editor now holds, and its preview, name 2.0.
        let draft = serde_json::to_value(&second.draft).expect("json");
        assert_eq!(
            second.draft.document.revisions.iter().map(|r| r.version.as_str()).collect::<Vec<_>>(),
            ["1.0", "2.0"]
        );
        let preview = app.preview(&draft, Some(id)).expect("previews");
        assert!(preview.contains("<td>2.0</td>"), "{preview}");

        let from_app = dir.path().join("app.docx");
        chooser.answer(Some(from_app.clone()));
        app.library_export(id, None, Format::Docx).expect("exports");
        assert_eq!(chooser.offered().last().map(String::as_str), Some("Operations Staff Policy, revised_v2.0.docx"));
        let from_cli = dir.path().join("cli.docx");
        let cli_path = from_cli.to_str().expect("utf-8 path");
        let (code, _, err) = cli(dir.path(), &["export", &id.to_string(), "--format", "docx", "-o", cli_path]);
        assert_eq!(code, 0, "{err}");
        let app_bytes = std::fs::read(&from_app).expect("app file");
        let cli_bytes = std::fs::read(&from_cli).expect("cli file");
        assert!(app_bytes == cli_bytes, "the app and the CLI wrote different files");
        let custom = part(&app_bytes, "docProps/custom.xml");
        assert!(custom.contains("name=\"PolicyVersion\"><vt:lpwstr>2.0</vt:lpwstr>"), "{custom}");
        let document = part(&app_bytes, "word/document.xml");
        for note in ["First issue", "Retitled"] {
            assert!(document.contains(note), "the revision history lacks {note}");
        }
        // The history the app lists is the one the CLI prints.
        let history = app.library_history(id).expect("history");
        let (code, printed, _) = cli(dir.path(), &["history", &id.to_string()]);
        assert_eq!(code, 0);
        let labels: Vec<String> =
            printed.lines().map(|l| l.split_whitespace().next().unwrap_or("").to_string()).collect();
        assert_eq!(history.iter().map(|v| v.label.to_string()).collect::<Vec<_>>(), labels);
        // The DOCX carries the library's hash of that version.
        let hash = &history.last().expect("2.0").content_hash;
        assert!(custom.contains(&format!("name=\"ContentHash\"><vt:lpwstr>{hash}</vt:lpwstr>")), "{custom}");
    }

    #[test]
    fn the_library_saves_versions_and_compares_them() {
        let dir = tempfile::tempdir().expect("tmp");
        let (app, chooser) = app(dir.path());
        let (id, mut policy) = retitled(&app);
        let history = app.library_history(id).expect("history");
        assert_eq!(history.iter().map(|v| v.note.as_str()).collect::<Vec<_>>(), ["First issue", "Retitled"]);
        assert_eq!(app.library_list().expect("list")[0].title, "Operations Staff Policy, revised");
        let shown = app.library_compare(id, "1.0", "1.1").expect("compares");
        assert_eq!(shown.heading, "Operations Staff Policy, revised: v1.0 → v1.1");
        // The summary is data: each change with where it is, for the window
        // to lead to it.
        let [change] = &shown.changes[..] else { panic!("{:?}", shown.changes) };
        assert_eq!((change.kind, change.place.clone()), ("changed", vec!["Document control".to_string()]));
        assert_eq!(
            (change.before.as_deref(), change.after.as_deref()),
            (Some("Operations Staff Policy"), Some("Operations Staff Policy, revised"))
        );
        assert!(shown.inline.contains("<ins>") && shown.new.contains("revised") && !shown.old.contains("revised"));
        let out = dir.path().join("redline.docx");
        chooser.answer(Some(out.clone()));
        app.library_export_redline(id, "1.0", "1.1").expect("redline");
        // Regression: the default name was `TITLE_v1.0.v1.0-v2.0.redline.docx`.
        // The file is the one the api (and so `diff --format docx`) makes.
        assert_eq!(
            chooser.offered().last().map(String::as_str),
            Some("Operations Staff Policy, revised_v1.0-v1.1_redline.docx")
        );
        let made = app.with_library(|lib| library::redline(lib, id, "1.0", "1.1", &app.templates())).expect("redline");
        assert_eq!(std::fs::read(&out).expect("written"), made.bytes);
        // A policy with errors still becomes the draft, but not a version.
        policy["appraisal"]["indicators"][0]["weight"] = 10.into();
        let err = app.library_save_version(id, &policy, None, Bump::Minor, "HR", "Broken").expect_err("refused");
        assert_eq!(err.code, ErrorKind::InvalidPolicy);
        assert_eq!(app.library_draft(id).expect("draft").policy.appraisal.indicators[0].weight.to_string(), "10");
        assert_eq!(app.library_history(id).expect("history").len(), 2);
    }

    /// A version taken through sign-off in the app has the trail the CLI
    /// prints, and a step the workflow does not allow, an unknown version
    /// or a missing name is refused in the UI's language.
    #[test]
    fn sign_off_in_the_app_is_the_clis_sign_off() {
        let dir = tempfile::tempdir().expect("tmp");
        let (app, _) = app(dir.path());
        let policy = preset(&app, Locale::En);
        let id = app.library_add(&policy).expect("adds");
        app.library_save_version(id, &policy, None, Bump::Minor, "Ana Ruiz", "First issue").expect("saves");
        for (to, by) in
            [(Status::InReview, "Ana Ruiz"), (Status::Approved, " Lee\u{7}  Chen "), (Status::Published, "Lee Chen")]
        {
            app.library_set_status(id, "1.0", to, by).expect("moves");
        }
        let history = app.library_history(id).expect("history");
        let steps: Vec<(Status, Status, &str)> =
            history[0].steps.iter().map(|s| (s.from, s.to, s.by.as_str())).collect();
        assert_eq!(
            steps,
            [
                (Status::Draft, Status::InReview, "Ana Ruiz"),
                (Status::InReview, Status::Approved, "Lee Chen"),
                (Status::Approved, Status::Published, "Lee Chen")
            ]
        );
        assert_eq!(history[0].status, Status::Published);
        // The same steps through the CLI on a second version end the same way.
        let mut policy = policy;
        policy["document"]["title"] = "Operations Staff Policy, revised".into();
        app.library_save_version(id, &policy, None, Bump::Major, "Ana Ruiz", "Retitled").expect("saves");
        for status in ["in-review", "approved", "published"] {
            let (code, _, err) = cli(dir.path(), &["status", &id.to_string(), "2.0", status, "--by", "Lee Chen"]);
            assert_eq!(code, 0, "{err}");
        }
        let history = app.library_history(id).expect("history");
        assert_eq!(history.iter().map(|v| v.status).collect::<Vec<_>>(), [Status::Superseded, Status::Published]);
        assert_eq!(history[0].steps.last().map(|s| (s.to, s.by.as_str())), Some((Status::Superseded, "Lee Chen")));
        let (_, printed, _) = cli(dir.path(), &["history", &id.to_string()]);
        assert!(printed.lines().next().is_some_and(|l| l.contains("superseded")), "{printed}");

        app.set_language(Locale::ZhCn);
        let err = app.library_set_status(id, "2.0", Status::Draft, "Lee Chen").expect_err("published is not sent back");
        assert_eq!(err.code, ErrorKind::InvalidTransition);
        assert_eq!(err.message, "制度 1 的版本 2.0 不能从“已发布”变为“草稿”");
        app.set_language(Locale::En);
        let err = app.library_set_status(id, "3.0", Status::InReview, "Lee Chen").expect_err("no 3.0");
        assert_eq!(err.code, ErrorKind::NotFound);
        let err = app.library_set_status(id, "2.0", Status::Superseded, " \t ").expect_err("nobody");
        assert_eq!(err.code, ErrorKind::InvalidArgument);
        assert_eq!(err.message, "a status change needs the name of who makes it, and none was given");
        let err = app.library_set_status(99, "1.0", Status::InReview, "Lee Chen").expect_err("no policy");
        assert_eq!(err.code, ErrorKind::NotFound);
        let err = app.library_save_version(id, &policy, None, Bump::Minor, "", "Nobody").expect_err("nobody");
        assert_eq!(err.message, "a version needs the name of who saves it, and none was given");
        assert_eq!(app.library_history(id).expect("history").len(), 2, "nothing was saved");
    }

    /// Regression: a policy archived with the CLI disappeared from the app,
    /// whose start screen then said the library was empty. The app lists it
    /// as archived, restores it, and archives, duplicates and lists what is
    /// due as the CLI does.
    #[test]
    fn archive_restore_duplicate_and_due_are_the_clis() {
        let dir = tempfile::tempdir().expect("tmp");
        let (app, _) = app(dir.path());
        let mut policy = preset(&app, Locale::En);
        policy["document"]["number"] = "HR-CS-007".into();
        let id = app.library_add(&policy).expect("adds");
        app.library_save_version(id, &policy, None, Bump::Minor, "HR", "First issue").expect("saves");
        let (code, _, err) = cli(dir.path(), &["archive", &id.to_string()]);
        assert_eq!(code, 0, "{err}");
        let listed = app.library_list().expect("lists");
        assert_eq!(listed.iter().map(|p| (p.id, p.archived)).collect::<Vec<_>>(), [(id, true)]);
        assert_eq!(listed[0].number, "HR-CS-007");
        assert_eq!(listed[0].effective_date.as_deref(), Some("2027-01-01"));
        app.library_restore(id).expect("restores");
        let (_, printed, _) = cli(dir.path(), &["list"]);
        assert!(printed.contains("Operations Staff Policy") && !printed.contains("archived"), "{printed}");
        app.library_archive(id).expect("archives");
        let (_, printed, err) = cli(dir.path(), &["list"]);
        assert_eq!(printed, "");
        assert!(err.contains("1 is archived"), "{err}");
        app.library_restore(id).expect("restores");

        let copy = app.library_duplicate(id).expect("duplicates");
        let listed = app.library_list().expect("lists");
        assert_eq!(listed[1].id, copy);
        assert_eq!(listed[1].title, "Operations Staff Policy (copy)");
        assert_eq!(listed[1].latest, None, "a copy starts without versions");
        assert_eq!(listed[1].number, "", "a copy does not take the original's number");

        for to in [Status::InReview, Status::Approved, Status::Published] {
            app.library_set_status(id, "1.0", to, "Legal").expect("moves");
        }
        assert_eq!(app.library_due(30).expect("due"), []);
        let due = app.library_due(5000).expect("due");
        assert_eq!(due.iter().map(|d| d.policy.id).collect::<Vec<_>>(), [id]);
        // A year after the preset's effective date, the date its document states.
        let effective = due[0].policy.effective_date.as_deref().expect("an effective date");
        let year: u32 = effective[..4].parse().expect("a year");
        let date = due[0].policy.next_review.as_deref().expect("a review date");
        assert_eq!(date, format!("{}{}", year + 1, &effective[4..]));
        let (_, printed, _) = cli(dir.path(), &["due", "--within", "5000"]);
        assert!(printed.contains(date) && printed.contains(&format!("due in {} days", due[0].days)), "{printed}");

        app.set_language(Locale::ZhCn);
        let err = app.library_duplicate(99).expect_err("no such policy");
        assert_eq!(err.code, ErrorKind::NotFound);
        assert_eq!(err.message, "制度库中没有编号为 99 的制度");
        assert_eq!(app.library_archive(99).expect_err("no such policy").code, ErrorKind::NotFound);
    }

    #[test]
    fn bad_files_and_unknown_policies_are_clear_errors() {
        let dir = tempfile::tempdir().expect("tmp");
        let (app, chooser) = app(dir.path());
        let corrupt = dir.path().join("corrupt.policy.json");
        std::fs::write(&corrupt, b"\xff\xfe not text").expect("write");
        chooser.answer(Some(corrupt));
        let err = app.open_policy().expect_err("refused");
        assert_eq!(err.code, ErrorKind::NotUtf8);
        assert!(err.message.ends_with("corrupt.policy.json is not UTF-8 text"), "{err:?}");
        let newer = dir.path().join("newer.policy.json");
        std::fs::write(&newer, r#"{"schema_version": 99}"#).expect("write");
        chooser.answer(Some(newer.clone()));
        assert_eq!(app.open_policy().expect_err("refused").code, ErrorKind::UnsupportedSchema);
        // A file from a newer Policywright is left as it was.
        assert_eq!(std::fs::read_to_string(&newer).expect("read"), r#"{"schema_version": 99}"#);
        assert_eq!(app.library_draft(42).expect_err("no such policy").code, ErrorKind::NotFound);
        let policy = preset(&app, Locale::En);
        let id = app.library_add(&policy).expect("adds");
        assert_eq!(app.library_compare(id, "1.0", "1.1").expect_err("no versions").code, ErrorKind::NotFound);
        assert_eq!(
            app.library_compare(id, "1.x", "1.1").expect_err("not a label").code,
            ErrorKind::InvalidVersionLabel
        );
    }

    #[test]
    fn a_policy_with_errors_is_not_exported_and_no_dialog_opens() {
        let dir = tempfile::tempdir().expect("tmp");
        let (app, chooser) = app(dir.path());
        let mut policy = preset(&app, Locale::En);
        policy["appraisal"]["indicators"][0]["weight"] = 50.into();
        let out = dir.path().join("ops.docx");
        chooser.answer(Some(out.clone()));
        let err = app.export_policy(&policy, Format::Docx, "ops.docx").expect_err("refused");
        assert_eq!(err.code, ErrorKind::InvalidPolicy);
        assert_eq!(err.message, "the policy has 2 errors; fix them, then export again");
        assert!(chooser.offered().is_empty(), "the dialog did not open");
        assert!(!out.exists(), "no file is written");
    }

    /// Only web and e-mail links leave the app, and only to the browser.
    #[test]
    fn a_link_opens_in_the_browser_only_when_it_is_a_web_link() {
        let dir = tempfile::tempdir().expect("tmp");
        let (app, chooser) = app(dir.path());
        app.open_link(" https://example.com/handbook ").expect("opens");
        app.open_link("mailto:hr@example.com").expect("opens");
        for refused in
            ["javascript:alert(1)", "file:///etc/passwd", "#section-2", "//evil.example/x", "https://x/\u{1b}"]
        {
            let err = app.open_link(refused).expect_err(refused);
            assert_eq!(err.code, ErrorKind::InvalidArgument, "{refused}");
            assert_eq!(
                err.message,
                format!("only web and e-mail links are opened, not {}", refused.trim()),
                "{refused}"
            );
        }
        assert_eq!(chooser.offered(), ["browse https://example.com/handbook", "browse mailto:hr@example.com"]);
    }
}
