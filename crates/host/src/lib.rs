//! The machine Policywright runs on, for its two shells: files (read with
//! care, written whole), the clock, the environment, and where the library
//! lives on Windows, macOS and Linux. [`System`] is the api's [`World`].

use std::ffi::OsString;
use std::fs;
use std::io::{Read, Write as _};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use policywright_api::i18n::{Error, ErrorKind, Message, keys, msg};
use policywright_api::{FileKind, Locale, Result, World};

/// The real machine.
#[derive(Debug, Default, Clone, Copy)]
pub struct System;

impl System {
    /// The language of the environment (`LC_ALL`, `LC_MESSAGES`, `LANG`),
    /// for messages that concern no policy.
    pub fn locale(&self) -> Locale {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|name| std::env::var(name).ok())
            .find(|value| !value.is_empty())
            .map_or(Locale::En, |value| Locale::from_posix(&value))
    }
}

use policywright_api::i18n::io_reason as reason;

fn io_error(key: policywright_api::i18n::Key, path: &Path, e: &std::io::Error) -> Error {
    Error::new(ErrorKind::Io, msg!(key, path = path.display().to_string(), reason = reason(e)))
}

impl World for System {
    fn now(&self) -> String {
        let secs = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        timestamp(secs)
    }

    fn read(&self, path: &Path, kind: FileKind) -> Result<Vec<u8>> {
        // Asked before opening: opening a pipe would wait for a writer, and
        // a device never ends.
        let meta = fs::metadata(path).map_err(|e| {
            let err = io_error(keys::errors::READ, path, &e);
            if e.kind() == std::io::ErrorKind::NotFound { err.hint(Message::new(keys::errors::READ_HINT)) } else { err }
        })?;
        let shown = path.display().to_string();
        if meta.is_dir() {
            return Err(Error::new(
                ErrorKind::NotAFile,
                msg!(keys::errors::IS_FOLDER, path = shown, what = kind.what()),
            )
            .hint(Message::new(keys::errors::IS_FOLDER_HINT)));
        }
        if !meta.is_file() {
            return Err(Error::new(
                ErrorKind::NotAFile,
                msg!(keys::errors::NOT_REGULAR, path = shown, what = kind.what()),
            )
            .hint(Message::new(keys::errors::NOT_REGULAR_HINT)));
        }
        let too_large = |size: u64| {
            Error::new(
                ErrorKind::FileTooLarge,
                msg!(
                    keys::errors::TOO_LARGE,
                    path = shown.as_str(),
                    size = size >> 20,
                    what = kind.what(),
                    max = kind.limit() >> 20
                ),
            )
            .hint(Message::new(keys::errors::TOO_LARGE_HINT))
        };
        let limit = kind.limit() as u64;
        if meta.len() > limit {
            return Err(too_large(meta.len()));
        }
        let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
        let file = fs::File::open(path).map_err(|e| io_error(keys::errors::READ, path, &e))?;
        // A file that grows while it is read still stops at the limit.
        file.take(limit + 1).read_to_end(&mut bytes).map_err(|e| io_error(keys::errors::READ, path, &e))?;
        if bytes.len() as u64 > limit {
            return Err(too_large(bytes.len() as u64));
        }
        Ok(bytes)
    }

    fn list_dir(&self, dir: &Path) -> Result<Vec<(String, PathBuf)>> {
        let shown = dir.display().to_string();
        let meta = fs::metadata(dir).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                Error::new(ErrorKind::Io, msg!(keys::errors::NO_TEMPLATE_FOLDER, path = shown.as_str()))
                    .hint(Message::new(keys::errors::TEMPLATE_FOLDER_HINT))
            }
            _ => io_error(keys::errors::READ_FOLDER, dir, &e),
        })?;
        if !meta.is_dir() {
            return Err(Error::new(ErrorKind::NotAFile, msg!(keys::errors::TEMPLATE_FOLDER_IS_FILE, path = shown))
                .hint(Message::new(keys::errors::TEMPLATE_FOLDER_HINT)));
        }
        let root = fs::canonicalize(dir).map_err(|e| io_error(keys::errors::READ_FOLDER, dir, &e))?;
        let mut out = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(folder) = stack.pop() {
            let entries = fs::read_dir(&folder).map_err(|e| io_error(keys::errors::READ_FOLDER, &folder, &e))?;
            for entry in entries {
                let entry = entry.map_err(|e| io_error(keys::errors::READ_FOLDER, &folder, &e))?;
                let path = entry.path();
                let kind = entry.file_type().map_err(|e| io_error(keys::errors::READ_FOLDER, &path, &e))?;
                if kind.is_dir() {
                    stack.push(path);
                    continue;
                }
                if kind.is_symlink() {
                    // Links are followed only to files inside the folder, and
                    // never to folders, which could loop back on themselves.
                    let Ok(target) = fs::canonicalize(&path) else { continue };
                    if !target.starts_with(&root) {
                        return Err(Error::new(
                            ErrorKind::Io,
                            msg!(
                                keys::errors::LINK_OUTSIDE,
                                path = path.display().to_string(),
                                target = target.display().to_string()
                            ),
                        )
                        .hint(Message::new(keys::errors::LINK_OUTSIDE_HINT)));
                    }
                    if target.is_dir() {
                        continue;
                    }
                }
                let name = path
                    .strip_prefix(dir)
                    .unwrap_or(&path)
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                out.push((name, path));
            }
        }
        out.sort();
        Ok(out)
    }

    /// Writes through a temporary file in the same folder and renames it into
    /// place, so a failure never leaves a half-written file where a good one
    /// was. Only a new path or an existing regular file the user may write is
    /// written: a device, a pipe, a folder or a read-only file is refused,
    /// and a link is written through to the file it points to, never replaced.
    fn write(&self, path: &Path, bytes: &[u8]) -> Result<()> {
        let target = writable_target(path)?;
        write_atomic(&target, bytes)
    }

    fn write_folder(&self, dir: &Path, files: &[(String, Vec<u8>)], force: bool) -> Result<Vec<PathBuf>> {
        // Nothing is written unless everything can be: every file is checked
        // first, and written into a folder of its own before it moves in.
        let mut targets = Vec::with_capacity(files.len());
        for (name, _) in files {
            let path = dir.join(name);
            if !force && fs::symlink_metadata(&path).is_ok() {
                return Err(Error::new(ErrorKind::Io, msg!(keys::errors::EXISTS, path = path.display().to_string()))
                    .hint(Message::new(keys::errors::EXISTS_HINT)));
            }
            targets.push(writable_target(&path)?);
        }
        // The folder named may be new, but not the folder it goes in: a
        // typing mistake must not create a tree of folders nobody chose.
        let parent = existing_folder(dir)?;
        let leaf = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let staging = parent.join(format!(".{leaf}.{}.tmp", std::process::id()));
        let staged = (|| -> Result<()> {
            for (name, bytes) in files {
                let path = staging.join(name);
                if let Some(folder) = path.parent() {
                    fs::create_dir_all(folder).map_err(|e| io_error(keys::errors::CREATE_FOLDER, folder, &e))?;
                }
                let mut file = fs::File::create(&path).map_err(|e| io_error(keys::errors::WRITE, &path, &e))?;
                file.write_all(bytes)
                    .and_then(|()| file.sync_all())
                    .map_err(|e| io_error(keys::errors::WRITE, &path, &e))?;
            }
            Ok(())
        })();
        if let Err(e) = staged {
            let _ = fs::remove_dir_all(&staging);
            return Err(e);
        }
        // A new folder moves in whole; into an existing one, file by file.
        if fs::symlink_metadata(dir).is_err() && fs::rename(&staging, dir).is_ok() {
            return Ok(files.iter().map(|(name, _)| dir.join(name)).collect());
        }
        for ((name, _), target) in files.iter().zip(&targets) {
            if let Some(folder) = target.parent() {
                fs::create_dir_all(folder).map_err(|e| io_error(keys::errors::CREATE_FOLDER, folder, &e))?;
            }
            fs::rename(staging.join(name), target).map_err(|e| io_error(keys::errors::WRITE, target, &e))?;
        }
        let _ = fs::remove_dir_all(&staging);
        Ok(files.iter().map(|(name, _)| dir.join(name)).collect())
    }

    fn exists(&self, path: &Path) -> bool {
        path.exists()
    }

    fn make_folder(&self, dir: &Path) -> Result<()> {
        fs::create_dir_all(dir).map_err(|e| io_error(keys::errors::CREATE_FOLDER, dir, &e))
    }

    fn remove(&self, path: &Path) -> Result<()> {
        match fs::remove_file(path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io_error(keys::errors::REMOVE, path, &e)),
            _ => Ok(()),
        }
    }

    fn data_folder(&self) -> Result<PathBuf> {
        app_folder(Os::CURRENT, &|name| std::env::var_os(name), Kept::Data)
    }

    fn default_library(&self) -> Result<PathBuf> {
        let path = library_location(Os::CURRENT, &|name| std::env::var_os(name))?;
        // A server's address has no folder to make.
        if policywright_api::library::server_address(&path).is_some() {
            return Ok(path);
        }
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| io_error(keys::errors::CREATE_FOLDER, dir, &e))?;
        }
        Ok(path)
    }
}

/// Where writing `path` really writes: the path itself, or the file a link
/// points to; refused for anything that is not a regular file the user may
/// write.
fn writable_target(path: &Path) -> Result<PathBuf> {
    let shown = path.display().to_string();
    let Ok(meta) = fs::symlink_metadata(path) else {
        return Ok(path.to_path_buf());
    };
    let target = if meta.file_type().is_symlink() {
        match fs::canonicalize(path) {
            Ok(target) => target,
            // A link to nothing yet: the file it names is created.
            Err(_) => fs::read_link(path)
                .map(|t| path.parent().map_or(t.clone(), |p| p.join(&t)))
                .map_err(|e| io_error(keys::errors::WRITE, path, &e))?,
        }
    } else {
        path.to_path_buf()
    };
    let Ok(meta) = fs::metadata(&target) else {
        return Ok(target);
    };
    if !meta.is_file() {
        return Err(Error::new(ErrorKind::NotAFile, msg!(keys::errors::NOT_WRITABLE, path = shown))
            .hint(Message::new(keys::errors::NOT_WRITABLE_HINT)));
    }
    if meta.permissions().readonly() {
        return Err(Error::new(ErrorKind::Io, msg!(keys::errors::READ_ONLY_FILE, path = shown))
            .hint(Message::new(keys::errors::READ_ONLY_FILE_HINT)));
    }
    Ok(target)
}

/// The folder `path` goes in, which must exist.
fn existing_folder(path: &Path) -> Result<PathBuf> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.is_dir() {
        return Err(Error::new(
            ErrorKind::Io,
            msg!(keys::errors::NO_FOLDER, path = path.display().to_string(), folder = dir.display().to_string()),
        )
        .hint(Message::new(keys::errors::NO_FOLDER_HINT)));
    }
    Ok(dir)
}

fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = existing_folder(path)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    // A file that is replaced keeps its permissions.
    let permissions = fs::metadata(path).ok().map(|m| m.permissions());
    let result = (|| {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        if let Some(permissions) = permissions {
            file.set_permissions(permissions)?;
        }
        file.sync_all()?;
        fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        io_error(keys::errors::WRITE, path, &e)
    })
}

/// The operating systems whose data folders differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Os {
    Windows,
    MacOs,
    /// Linux and the other Unixes: the XDG base directories.
    Unix,
}

impl Os {
    pub const CURRENT: Os = if cfg!(windows) {
        Os::Windows
    } else if cfg!(target_os = "macos") {
        Os::MacOs
    } else {
        Os::Unix
    };
}

/// Where the library lives: `$POLICYWRIGHT_DB` when set and not empty (a
/// file, or a library server as `postgres://user@host/database`, which
/// `api::open_library` tells apart), else a file in the data folder of the
/// user on `os`:
///
/// - Windows: `%APPDATA%\Policywright\library.sqlite`;
/// - macOS: `~/Library/Application Support/Policywright/library.sqlite`;
/// - others: `$XDG_DATA_HOME/policywright/library.sqlite` (or
///   `~/.local/share/…`).
pub fn library_location(os: Os, env: &dyn Fn(&str) -> Option<OsString>) -> Result<PathBuf> {
    if let Some(path) = env("POLICYWRIGHT_DB").filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    Ok(app_folder(os, env, Kept::Data)?.join("library.sqlite"))
}

/// Where the desktop app keeps what the user chose once (the library in
/// use, the last export folder, a template folder): `settings.json` in the
/// configuration folder of the user on `os`:
///
/// - Windows: `%APPDATA%\Policywright\settings.json`;
/// - macOS: `~/Library/Application Support/Policywright/settings.json`;
/// - others: `$XDG_CONFIG_HOME/policywright/settings.json` (or
///   `~/.config/…`).
pub fn settings_location(os: Os, env: &dyn Fn(&str) -> Option<OsString>) -> Result<PathBuf> {
    Ok(app_folder(os, env, Kept::Config)?.join("settings.json"))
}

/// What a folder of the app's own holds: data (the library) or settings.
/// Only the XDG base directories tell them apart.
#[derive(Clone, Copy)]
enum Kept {
    Data,
    Config,
}

fn app_folder(os: Os, env: &dyn Fn(&str) -> Option<OsString>, kept: Kept) -> Result<PathBuf> {
    let var = |name: &str| env(name).filter(|v| !v.is_empty());
    let missing = |variable: &str| {
        Error::new(ErrorKind::Io, msg!(keys::errors::NO_DATA_FOLDER, variable = variable))
            .hint(Message::new(keys::errors::NO_DATA_FOLDER_HINT))
    };
    let (xdg, under_home) = match kept {
        Kept::Data => ("XDG_DATA_HOME", ".local/share"),
        Kept::Config => ("XDG_CONFIG_HOME", ".config"),
    };
    Ok(match os {
        Os::Windows => PathBuf::from(var("APPDATA").ok_or_else(|| missing("APPDATA"))?).join("Policywright"),
        Os::MacOs => {
            PathBuf::from(var("HOME").ok_or_else(|| missing("HOME"))?).join("Library/Application Support/Policywright")
        }
        Os::Unix => var(xdg)
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .or_else(|| var("HOME").map(|h| PathBuf::from(h).join(under_home)))
            .ok_or_else(|| missing("HOME"))?
            .join("policywright"),
    })
}

/// Seconds since 1970 as `YYYY-MM-DDTHH:MM:SSZ`.
fn timestamp(secs: u64) -> String {
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let (y, m, d) = civil_from_days(days);
    let rest = secs % 86_400;
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rest / 3600, rest / 60 % 60, rest % 60)
}

/// Days since 1970-01-01 to a Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_days_to_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(timestamp(1_700_000_000), "2023-11-14T22:13:20Z");
    }

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<OsString> {
        move |name| pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| OsString::from(v))
    }

    #[test]
    fn the_library_lives_in_each_systems_data_folder() {
        let windows = library_location(Os::Windows, &env(&[("APPDATA", r"C:\Users\wang\AppData\Roaming")]));
        assert_eq!(
            windows.expect("windows"),
            PathBuf::from(r"C:\Users\wang\AppData\Roaming").join("Policywright").join("library.sqlite")
        );
        let mac = library_location(Os::MacOs, &env(&[("HOME", "/Users/wang")]));
        assert_eq!(
            mac.expect("macos"),
            PathBuf::from("/Users/wang/Library/Application Support/Policywright/library.sqlite")
        );
        let xdg = library_location(Os::Unix, &env(&[("XDG_DATA_HOME", "/data"), ("HOME", "/home/wang")]));
        assert_eq!(xdg.expect("xdg"), PathBuf::from("/data/policywright/library.sqlite"));
        let home = library_location(Os::Unix, &env(&[("XDG_DATA_HOME", "relative"), ("HOME", "/home/wang")]));
        assert_eq!(home.expect("home"), PathBuf::from("/home/wang/.local/share/policywright/library.sqlite"));
    }

    #[test]
    fn the_apps_settings_live_in_each_systems_configuration_folder() {
        let windows = settings_location(Os::Windows, &env(&[("APPDATA", r"C:\Users\wang\AppData\Roaming")]));
        assert_eq!(
            windows.expect("windows"),
            PathBuf::from(r"C:\Users\wang\AppData\Roaming").join("Policywright").join("settings.json")
        );
        let xdg = settings_location(Os::Unix, &env(&[("XDG_CONFIG_HOME", "/cfg"), ("XDG_DATA_HOME", "/data")]));
        assert_eq!(xdg.expect("xdg"), PathBuf::from("/cfg/policywright/settings.json"));
        // The library's variable names the library, never the settings.
        let home = settings_location(Os::Unix, &env(&[("POLICYWRIGHT_DB", "/x.sqlite"), ("HOME", "/home/wang")]));
        assert_eq!(home.expect("home"), PathBuf::from("/home/wang/.config/policywright/settings.json"));
    }

    #[test]
    fn the_environment_can_name_the_library_but_not_with_an_empty_value() {
        let named = library_location(Os::Windows, &env(&[("POLICYWRIGHT_DB", "team.sqlite"), ("APPDATA", "C:\\x")]));
        assert_eq!(named.expect("named"), PathBuf::from("team.sqlite"));
        let server = library_location(Os::Unix, &env(&[("POLICYWRIGHT_DB", "postgres://hr@db.example.com/policies")]));
        let server = server.expect("an address");
        assert_eq!(server, PathBuf::from("postgres://hr@db.example.com/policies"));
        assert_eq!(policywright_api::library::server_address(&server), Some("postgres://hr@db.example.com/policies"));
        let empty = library_location(Os::Unix, &env(&[("POLICYWRIGHT_DB", ""), ("HOME", "/home/wang")]));
        assert_eq!(empty.expect("home"), PathBuf::from("/home/wang/.local/share/policywright/library.sqlite"));
        let none = library_location(Os::Windows, &env(&[]));
        assert_eq!(
            none.expect_err("no APPDATA").message.render(Locale::En),
            "cannot find a place for the library: the APPDATA environment variable is not set"
        );
    }

    #[cfg(unix)]
    #[test]
    fn special_files_are_refused_before_they_are_opened() {
        let err = System.read(Path::new("/dev/zero"), FileKind::Markdown).expect_err("a device");
        assert_eq!(err.kind, ErrorKind::NotAFile);
        assert_eq!(
            err.message.render(Locale::En),
            "/dev/zero is not a regular file (it is a device, a pipe or a socket), so it cannot be read as a Markdown file"
        );
        let dir = tempfile::tempdir().expect("tmp");
        let fifo = dir.path().join("pipe.md");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
        assert!(made.success());
        let err = System.read(&fifo, FileKind::Template).expect_err("a pipe");
        assert_eq!(err.kind, ErrorKind::NotAFile);
        let err = System.read(dir.path(), FileKind::Policy).expect_err("a folder");
        assert!(err.message.render(Locale::En).ends_with("is a folder, not a policy file"), "{err}");
    }

    #[test]
    fn a_templates_path_that_is_a_file_is_an_error() {
        let dir = tempfile::tempdir().expect("tmp");
        let file = dir.path().join("general.md");
        std::fs::write(&file, "x").expect("write");
        let err = System.list_dir(&file).expect_err("a file");
        assert_eq!(err.kind, ErrorKind::NotAFile);
        assert!(
            err.message.render(Locale::En).ends_with("general.md is a file; --templates takes a folder of templates"),
            "{err}"
        );
    }
}
