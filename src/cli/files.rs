//! The CLI's own file handling: printing or writing an export, and reading
//! a template folder. Reading, atomic writing and the clock are shared with
//! the desktop app (`policywright::files`).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

pub use policywright::files::{library_path, now, read_text, today, write_atomic};
use policywright::{Error, ErrorCode, Result};

/// Writes `bytes` to `output` and says so, or prints them when no file was named.
pub fn deliver(output: Option<&Path>, bytes: &[u8]) -> Result<()> {
    match output {
        Some(path) => {
            write_atomic(path, bytes)?;
            println!("wrote {}", path.display());
        }
        None => {
            std::io::stdout().write_all(bytes).map_err(|e| Error::io("write", Path::new("standard output"), &e))?;
        }
    }
    Ok(())
}

/// Every template file under `dir`, as (name relative to `dir`, text, path).
pub fn read_template_dir(dir: &Path) -> Result<Vec<(String, String, PathBuf)>> {
    if !dir.is_dir() {
        return Err(Error::new(ErrorCode::Io, format!("template folder {} does not exist", dir.display())));
    }
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        let entries = fs::read_dir(&folder).map_err(|e| Error::io("read folder", &folder, &e))?;
        for entry in entries {
            let path = entry.map_err(|e| Error::io("read folder", &folder, &e))?.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let is_template = matches!(path.extension().and_then(|e| e.to_str()), Some("md" | "html" | "json"));
            if !is_template {
                continue;
            }
            let name = path
                .strip_prefix(dir)
                .unwrap_or(&path)
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let text = read_text(&path)?;
            out.push((name, text, path));
        }
    }
    out.sort();
    Ok(out)
}
