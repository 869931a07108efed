//! The file dialogs: the system's own, or, for end-to-end tests that a
//! WebDriver cannot reach a native dialog for, answers read from a file.

use std::path::{Path, PathBuf};

use tauri::{AppHandle, Manager};
use tauri_plugin_dialog::DialogExt;

use crate::commands::Dialogs;

/// The native dialogs, unless `POLICYWRIGHT_DIALOG_ANSWERS` names a file of
/// answers (one path per line, taken in order; an empty line cancels).
pub fn for_app(app: AppHandle) -> Box<dyn Dialogs> {
    match std::env::var_os("POLICYWRIGHT_DIALOG_ANSWERS").filter(|v| !v.is_empty()) {
        Some(file) => Box::new(Answers(PathBuf::from(file))),
        None => Box::new(Native(app)),
    }
}

struct Native(AppHandle);

impl Dialogs for Native {
    fn open(&self, filter: &str, extensions: &[&str]) -> Option<PathBuf> {
        let file = self.0.dialog().file().add_filter(filter, extensions).blocking_pick_file()?;
        file.into_path().ok()
    }

    fn save(&self, filter: &str, extensions: &[&str], name: &str, folder: Option<&Path>) -> Option<PathBuf> {
        // Never the process's working folder, which means nothing to a
        // person who started the app from a menu.
        let folder = folder.map(Path::to_path_buf).or_else(|| self.0.path().document_dir().ok());
        let mut dialog = self.0.dialog().file().add_filter(filter, extensions).set_file_name(name);
        if let Some(folder) = folder.filter(|f| f.is_dir()) {
            dialog = dialog.set_directory(folder);
        }
        dialog.blocking_save_file()?.into_path().ok()
    }

    fn pick_folder(&self, folder: Option<&Path>) -> Option<PathBuf> {
        let folder = folder.map(Path::to_path_buf).or_else(|| self.0.path().document_dir().ok());
        let mut dialog = self.0.dialog().file();
        if let Some(folder) = folder.filter(|f| f.is_dir()) {
            dialog = dialog.set_directory(folder);
        }
        dialog.blocking_pick_folder()?.into_path().ok()
    }

    fn browse(&self, url: &str) -> std::io::Result<()> {
        open::that_detached(url)
    }

    fn open_file(&self, path: &Path) -> std::io::Result<()> {
        open::that_detached(path)
    }

    fn show_in_folder(&self, path: &Path) -> std::io::Result<()> {
        reveal_in_file_manager(path)
    }
}

/// The file selected in its folder where the system can do that, and
/// otherwise the folder opened.
#[cfg(target_os = "windows")]
fn reveal_in_file_manager(path: &Path) -> std::io::Result<()> {
    let mut select = std::ffi::OsString::from("/select,");
    select.push(path);
    std::process::Command::new("explorer").arg(select).spawn().map(drop)
}

#[cfg(target_os = "macos")]
fn reveal_in_file_manager(path: &Path) -> std::io::Result<()> {
    std::process::Command::new("open").arg("-R").arg(path).spawn().map(drop)
}

#[cfg(not(any(target_os = "windows", target_os = "macos")))]
fn reveal_in_file_manager(path: &Path) -> std::io::Result<()> {
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    open::that_detached(folder)
}

/// Answers from a file, the seam end-to-end tests drive.
pub struct Answers(pub PathBuf);

impl Answers {
    fn record(&self, suffix: &str, line: &str) -> std::io::Result<()> {
        use std::io::Write;
        let mut name = self.0.clone().into_os_string();
        name.push(".");
        name.push(suffix);
        let mut file = std::fs::OpenOptions::new().create(true).append(true).open(PathBuf::from(name))?;
        writeln!(file, "{line}")
    }

    fn next(&self) -> Option<PathBuf> {
        let text = std::fs::read_to_string(&self.0).ok()?;
        let mut lines = text.lines();
        let first = lines.next()?.trim().to_string();
        let rest: Vec<&str> = lines.collect();
        std::fs::write(&self.0, rest.join("\n")).ok()?;
        (!first.is_empty()).then(|| PathBuf::from(first))
    }
}

impl Dialogs for Answers {
    fn open(&self, _filter: &str, _extensions: &[&str]) -> Option<PathBuf> {
        self.next()
    }

    fn save(&self, _filter: &str, _extensions: &[&str], _name: &str, _folder: Option<&Path>) -> Option<PathBuf> {
        self.next()
    }

    fn pick_folder(&self, _folder: Option<&Path>) -> Option<PathBuf> {
        self.next()
    }

    /// Written to the answers file's name plus `.opened`, one line each
    /// (`open PATH` or `show PATH`), instead of starting another program.
    fn open_file(&self, path: &Path) -> std::io::Result<()> {
        self.record("opened", &format!("open {}", path.display()))
    }

    fn show_in_folder(&self, path: &Path) -> std::io::Result<()> {
        self.record("opened", &format!("show {}", path.display()))
    }

    /// Links are written, one a line, to the answers file's name plus
    /// `.links`, for the test to read, instead of starting a browser.
    fn browse(&self, url: &str) -> std::io::Result<()> {
        self.record("links", url)
    }
}
