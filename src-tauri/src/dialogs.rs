//! The file dialogs: the system's own, or, for end-to-end tests that a
//! WebDriver cannot reach a native dialog for, answers read from a file.

use std::path::PathBuf;

use tauri::AppHandle;
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

    fn save(&self, filter: &str, extensions: &[&str], name: &str) -> Option<PathBuf> {
        let file = self.0.dialog().file().add_filter(filter, extensions).set_file_name(name).blocking_save_file()?;
        file.into_path().ok()
    }

    fn browse(&self, url: &str) -> std::io::Result<()> {
        open::that_detached(url)
    }
}

/// Answers from a file, the seam end-to-end tests drive.
pub struct Answers(pub PathBuf);

impl Answers {
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

    fn save(&self, _filter: &str, _extensions: &[&str], _name: &str) -> Option<PathBuf> {
        self.next()
    }

    /// Links are written, one a line, to the answers file's name plus
    /// `.links`, for the test to read, instead of starting a browser.
    fn browse(&self, url: &str) -> std::io::Result<()> {
        use std::io::Write;
        let mut name = self.0.clone().into_os_string();
        name.push(".links");
        let mut file = std::fs::OpenOptions::new().create(true).append(true).open(PathBuf::from(name))?;
        writeln!(file, "{url}")
    }
}
