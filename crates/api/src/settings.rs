//! What the desktop app remembers between runs that only the shell may
//! know: the paths the user chose in a dialog (the library in use, the last
//! export folder, a template folder). The page keeps its own preferences
//! (language, name, layout); a path never comes from it, so the page cannot
//! point the app at a file the user did not choose.

use std::path::{Path, PathBuf};

use policywright_i18n::{Error, ErrorKind, ErrorView, Message, keys, msg};
use serde::{Deserialize, Serialize};

use crate::{FileKind, Result, World, read_text};

/// The settings file's contents. Every field is optional, and a field this
/// build does not know (written by a newer one) is ignored, never an error.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AppSettings {
    /// The library the user opened or created last; `None` for the default.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub library: Option<PathBuf>,
    /// Where the last export was written, for the next save dialog.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub export_folder: Option<PathBuf>,
    /// A folder of templates laid over the built-in ones.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub templates: Option<PathBuf>,
}

/// The settings at `path`: the defaults when there is no file yet, and the
/// defaults with the reason when the file cannot be read or understood
/// (the app still starts; the file is left as it is until a choice is made).
pub fn load(world: &dyn World, path: &Path) -> (AppSettings, Option<Error>) {
    if !world.exists(path) {
        return (AppSettings::default(), None);
    }
    let parsed = read_text(world, path, FileKind::Settings).and_then(|text| {
        serde_json::from_str::<AppSettings>(text.trim_start_matches('\u{feff}')).map_err(|e| {
            Error::new(
                ErrorKind::InvalidJson,
                msg!(keys::errors::SETTINGS_UNREADABLE, path = path.display().to_string(), reason = e.to_string()),
            )
        })
    });
    match parsed {
        Ok(settings) => (settings, None),
        Err(e) => (AppSettings::default(), Some(e.hint(Message::new(keys::errors::SETTINGS_UNREADABLE_HINT)))),
    }
}

/// Writes the settings whole (never half a file), making their folder first.
pub fn save(world: &dyn World, path: &Path, settings: &AppSettings) -> Result<()> {
    let hint = |e: Error| e.hint(Message::new(keys::errors::SETTINGS_WRITE_HINT));
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        world.make_folder(dir).map_err(hint)?;
    }
    let mut text = serde_json::to_string_pretty(settings)
        .map_err(|e| Error::internal(format!("the settings could not be written as JSON: {e}")))?;
    text.push('\n');
    world.write(path, text.as_bytes()).map_err(hint)
}

/// The choices of Settings that only the shell knows, as the window shows them.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ShellSettings {
    /// The library in use: its path, or a server's address.
    pub library: String,
    /// The shared server in use, field by field; `None` for a file.
    pub server: Option<crate::server::Server>,
    /// Whether it is the default one of this computer.
    pub library_is_default: bool,
    /// The template folder laid over the built-in templates, if any.
    pub templates: Option<String>,
    /// What went wrong with the settings file or the template folder.
    pub problems: Vec<ErrorView>,
}

/// A shared server connected to from Settings → Library.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Connected {
    /// How the library is named now, `postgres://user@host/database`.
    pub library: String,
    /// Why the password could not be kept for the next run, if it could not.
    pub keychain_problem: Option<ErrorView>,
}
