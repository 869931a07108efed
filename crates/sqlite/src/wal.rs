//! The write-ahead log beside a library, looked at before SQLite sees it.
//!
//! SQLite replays any valid `-wal` file next to a database into it: the log
//! names no database, so the log of another file, copied or left there by
//! mistake, would rewrite the library with someone else's pages. A log is
//! trusted only when it is the library's own:
//!
//! - another process has the library open now (it holds SQLite's lock in
//!   the `-shm` file), so the log is that process's; or
//! - no one has it open, and the `-shm` file, which SQLite keeps in step
//!   with the log, names the same log (its salts) and page size: a session
//!   that did not close, whose committed saves the log still holds.
//!
//! Any other log is moved aside, never replayed and never deleted.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

/// What was found beside the library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Log {
    /// No log, or one SQLite ignores (empty, or without a valid header).
    None,
    /// Another process has the library open: its log.
    Live,
    /// The log of a session that ended without closing the library.
    Left,
    /// A log that is not the library's, now at this path.
    SetAside { wal: PathBuf, moved: PathBuf },
}

/// Offsets in SQLite's file formats (sqlite.org/walformat.html).
const WAL_MAGIC: [u32; 2] = [0x377f_0682, 0x377f_0683];
const WAL_HEADER: usize = 32;
const WAL_SALTS: std::ops::Range<usize> = 16..24;
const SHM_HEADER: usize = 48;
const SHM_SALTS: std::ops::Range<usize> = 32..40;
/// The dead-man switch: every connection holds a read lock on this byte of
/// the `-shm` file while it has the database open.
#[cfg(unix)]
const SHM_DMS_BYTE: i64 = 128;

pub fn companion(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn head(path: &Path, len: usize) -> Option<Vec<u8>> {
    let mut bytes = Vec::with_capacity(len);
    fs::File::open(path).ok()?.take(len as u64).read_to_end(&mut bytes).ok()?;
    (bytes.len() == len).then_some(bytes)
}

/// Looks at the log beside `db`, whose page size is `page_size`, and moves
/// it aside when it is not the library's.
pub fn inspect(db: &Path, page_size: u32) -> std::io::Result<Log> {
    let wal = companion(db, "-wal");
    let shm = companion(db, "-shm");
    let Some(header) = head(&wal, WAL_HEADER) else {
        return Ok(Log::None);
    };
    let magic = u32::from_be_bytes([header[0], header[1], header[2], header[3]]);
    if !WAL_MAGIC.contains(&magic) {
        // SQLite resets a log whose header is not valid.
        return Ok(Log::None);
    }
    if in_use(&shm) {
        return Ok(Log::Live);
    }
    let wal_page_size = u32::from_be_bytes([header[8], header[9], header[10], header[11]]);
    let own = head(&shm, SHM_HEADER).is_some_and(|index| index[SHM_SALTS] == header[WAL_SALTS])
        && (page_size == 0 || wal_page_size == page_size);
    if own {
        return Ok(Log::Left);
    }
    let moved = free_name(&wal);
    fs::rename(&wal, &moved)?;
    // The index describes the log just moved; SQLite rebuilds it.
    if shm.exists() {
        let _ = fs::rename(&shm, free_name(&shm));
    }
    Ok(Log::SetAside { wal, moved })
}

/// `x.set-aside`, or `x.set-aside-2`, … whichever does not exist yet.
fn free_name(path: &Path) -> PathBuf {
    let first = companion(path, ".set-aside");
    if !first.exists() {
        return first;
    }
    (2..).map(|n| companion(path, &format!(".set-aside-{n}"))).find(|p| !p.exists()).unwrap_or(first)
}

/// Whether a process holds SQLite's lock in the `-shm` file, asked without
/// taking it.
#[cfg(unix)]
fn in_use(shm: &Path) -> bool {
    use nix::fcntl::{FcntlArg, fcntl};
    let Ok(file) = fs::OpenOptions::new().read(true).open(shm) else {
        return false;
    };
    // F_GETLK asks whether a write lock on the byte could be taken, and by
    // whom not, without taking it.
    let mut lock = libc::flock {
        l_type: libc::F_WRLCK as _,
        l_whence: libc::SEEK_SET as _,
        l_start: SHM_DMS_BYTE as _,
        l_len: 1,
        l_pid: 0,
    };
    fcntl(&file, FcntlArg::F_GETLK(&mut lock)).is_ok() && i32::from(lock.l_type) != libc::F_UNLCK
}

/// Elsewhere the log's own evidence decides alone.
#[cfg(not(unix))]
fn in_use(_shm: &Path) -> bool {
    false
}
