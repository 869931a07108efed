//! Reading and writing files and the clock, for the shells (the CLI and the
//! desktop app). The rest of the core never calls these: it takes text, dates
//! and times as arguments and returns bytes.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::model::MAX_INPUT_BYTES;
use crate::{Error, ErrorCode, Result};

pub fn read_text(path: &Path) -> Result<String> {
    let meta = fs::metadata(path).map_err(|e| Error::io("read", path, &e))?;
    if meta.is_dir() {
        return Err(Error::new(ErrorCode::Io, format!("{} is a folder, not a policy file", path.display())));
    }
    if meta.len() > MAX_INPUT_BYTES as u64 {
        return Err(Error::new(
            ErrorCode::InvalidJson,
            format!(
                "{} is {} MiB; a policy file may be at most {} MiB",
                path.display(),
                meta.len() >> 20,
                MAX_INPUT_BYTES >> 20
            ),
        ));
    }
    let bytes = fs::read(path).map_err(|e| Error::io("read", path, &e))?;
    String::from_utf8(bytes).map_err(|e| {
        Error::new(ErrorCode::InvalidJson, format!("{} is not UTF-8 text", path.display()))
            .with_detail(format!("the first bad byte is at offset {}", e.utf8_error().valid_up_to()))
            .with_detail("hint: save the file as UTF-8")
    })
}

/// Writes through a temporary file in the same folder and renames it into
/// place, so a failure never leaves a half-written file where a good one was.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&dir).map_err(|e| Error::io("create folder", &dir, &e))?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        Error::io("write", path, &e)
    })
}

/// Today's date in UTC as YYYY-MM-DD, for dating a blank policy.
pub fn today() -> String {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Now in UTC as `YYYY-MM-DDTHH:MM:SSZ`, for what the library records.
pub fn now() -> String {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
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

/// `--db`, then `POLICYWRIGHT_DB` (clap reads both), then the OS data folder.
/// Where the library lives: `db` when given, else
/// `$XDG_DATA_HOME/policywright/library.sqlite` (or `~/.local/share/…`).
pub fn library_path(db: Option<&Path>) -> Result<PathBuf> {
    if let Some(path) = db {
        return Ok(path.to_path_buf());
    }
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .ok_or_else(|| {
            Error::new(ErrorCode::Io, "cannot find a place for the library: neither XDG_DATA_HOME nor HOME is set")
                .with_detail("hint: pass --db FILE or set POLICYWRIGHT_DB")
        })?;
    let dir = base.join("policywright");
    std::fs::create_dir_all(&dir).map_err(|e| Error::io("create folder", &dir, &e))?;
    Ok(dir.join("library.sqlite"))
}

#[cfg(test)]
mod tests {
    use super::civil_from_days;

    #[test]
    fn epoch_days_to_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
    }
}
