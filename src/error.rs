//! The one error type of the core: a stable code, one lowercase sentence, and
//! optional detail lines (one per problem, with where and how to fix it).
//!
//! Shells decide how to show it: the CLI prints the sentence and the details to
//! stderr and maps the code to an exit status; the app will serialise it as
//! `{code, message, details}`.

use std::fmt;
use std::path::Path;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The input is not well-formed JSON, or not the shape of a policy.
    InvalidJson,
    /// The policy parsed but fails validation.
    InvalidPolicy,
    /// A file that should be a .docx is not a usable one.
    InvalidDocument,
    /// The file was written by a newer Policywright.
    UnsupportedSchema,
    /// A template failed to parse or render.
    Template,
    /// A name (preset, role, locale, format) that does not exist.
    NotFound,
    /// Reading or writing a file failed.
    Io,
    /// A library file that is not SQLite, belongs to another program, or is
    /// damaged, including a version whose content no longer matches its hash.
    InvalidLibrary,
    /// A version status change the workflow does not allow.
    InvalidTransition,
    /// Another process holds the library's write lock for longer than we wait.
    Busy,
}

impl ErrorCode {
    /// Exit status for the CLI: 1 for bad input, 2 for usage and I/O problems.
    pub fn exit_code(self) -> u8 {
        match self {
            ErrorCode::Io | ErrorCode::NotFound | ErrorCode::Busy => 2,
            _ => 1,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Error {
    pub code: ErrorCode,
    pub message: String,
    /// Location and hint lines; empty when there are none.
    pub details: Vec<String>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Error {
        Error { code, message: message.into(), details: Vec::new() }
    }

    pub fn with_detail(mut self, line: impl Into<String>) -> Error {
        self.details.push(line.into());
        self
    }

    pub fn with_details(mut self, lines: impl IntoIterator<Item = String>) -> Error {
        self.details.extend(lines);
        self
    }

    pub fn io(action: &str, path: &Path, err: &std::io::Error) -> Error {
        let reason = match err.kind() {
            std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
            _ => err.to_string(),
        };
        Error::new(ErrorCode::Io, format!("cannot {action} {}: {reason}", path.display()))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        for line in &self.details {
            write!(f, "\n  {line}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}
