//! The one error type: a kind that means one thing, a message, and where
//! and how to fix it, all in words a shell renders in the reader's language.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

use crate::{Locale, Message, keys};

/// What kind of failure it is. A shell picks exit codes and icons by it; a
/// test matches on it. Each kind means one thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorKind {
    /// The text is not well-formed JSON, or not the shape of a policy.
    InvalidJson,
    /// An input is larger than Policywright reads.
    FileTooLarge,
    /// An input that should be a regular file is a folder, a device, a pipe
    /// or a socket.
    NotAFile,
    /// An input is not UTF-8 text.
    NotUtf8,
    /// The policy parsed but fails validation.
    InvalidPolicy,
    /// A file that should be a .docx is not a usable one.
    InvalidDocument,
    /// A file or library written by a newer Policywright.
    UnsupportedSchema,
    /// A template failed to parse or render.
    Template,
    /// A preset, role, policy or version that does not exist.
    NotFound,
    /// A version number that is not written as MAJOR.MINOR.
    InvalidVersionLabel,
    /// An argument that cannot mean anything: a policy id that is not a
    /// number, an unknown status or format.
    InvalidArgument,
    /// Reading or writing a file failed.
    Io,
    /// A library file that is not a library, or is damaged, including a
    /// version whose content no longer matches its hash.
    InvalidLibrary,
    /// A status change the sign-off workflow does not allow.
    InvalidTransition,
    /// Another process holds the library's write lock for longer than we wait.
    Busy,
    /// What the caller based a change on was changed by someone else first.
    Conflict,
    /// The library server does not let this user do that (its roles decide).
    Denied,
    /// The library server cannot be reached, or the connection broke: the
    /// action did not happen, and the next one connects again.
    Unreachable,
    /// A fault of Policywright itself; the message says what to report.
    Internal,
}

impl ErrorKind {
    /// The stable code the app receives, e.g. `invalid_json`.
    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::InvalidJson => "invalid_json",
            ErrorKind::FileTooLarge => "file_too_large",
            ErrorKind::NotAFile => "not_a_file",
            ErrorKind::NotUtf8 => "not_utf8",
            ErrorKind::InvalidPolicy => "invalid_policy",
            ErrorKind::InvalidDocument => "invalid_document",
            ErrorKind::UnsupportedSchema => "unsupported_schema",
            ErrorKind::Template => "template",
            ErrorKind::NotFound => "not_found",
            ErrorKind::InvalidVersionLabel => "invalid_version_label",
            ErrorKind::InvalidArgument => "invalid_argument",
            ErrorKind::Io => "io",
            ErrorKind::InvalidLibrary => "invalid_library",
            ErrorKind::InvalidTransition => "invalid_transition",
            ErrorKind::Busy => "busy",
            ErrorKind::Conflict => "conflict",
            ErrorKind::Denied => "denied",
            ErrorKind::Unreachable => "unreachable",
            ErrorKind::Internal => "internal",
        }
    }

    /// Exit status for the CLI: 1 for bad input, 2 for usage and I/O problems.
    pub fn exit_code(self) -> u8 {
        match self {
            ErrorKind::Io
            | ErrorKind::NotFound
            | ErrorKind::Busy
            | ErrorKind::Denied
            | ErrorKind::Unreachable
            | ErrorKind::NotAFile
            | ErrorKind::InvalidVersionLabel
            | ErrorKind::InvalidArgument => 2,
            _ => 1,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: Message,
    /// JSON path of the value at fault, e.g. `appraisal.indicators[0].weight`.
    pub path: Option<String>,
    /// What is wrong with the value at `path`, on its own, for showing at
    /// its field (the message names the file, which a form does not need).
    pub at_field: Option<Message>,
    /// How to fix it.
    pub hint: Option<Message>,
    /// Further lines: where exactly, what else, an excerpt.
    pub details: Vec<Message>,
    /// The language of the policy the error is about, when there is one.
    /// The CLI speaks it; the app speaks the UI's language.
    pub locale: Option<Locale>,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, message: Message) -> Error {
        Error { kind, message, path: None, at_field: None, hint: None, details: Vec::new(), locale: None, source: None }
    }

    pub fn at(mut self, path: impl Into<String>) -> Error {
        self.path = Some(path.into());
        self
    }

    /// The value at `path` is at fault, for this reason.
    pub fn at_field(mut self, path: impl Into<String>, reason: Message) -> Error {
        self.path = Some(path.into());
        self.at_field = Some(reason);
        self
    }

    pub fn hint(mut self, hint: Message) -> Error {
        self.hint = Some(hint);
        self
    }

    pub fn detail(mut self, line: Message) -> Error {
        self.details.push(line);
        self
    }

    pub fn details(mut self, lines: impl IntoIterator<Item = Message>) -> Error {
        self.details.extend(lines);
        self
    }

    /// The error concerns a policy in `locale`; the CLI will speak it.
    pub fn in_locale(mut self, locale: Locale) -> Error {
        self.locale.get_or_insert(locale);
        self
    }

    pub fn source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Error {
        self.source = Some(Arc::new(source));
        self
    }

    /// A fault of ours, named so that the user can report it.
    pub fn internal(what: impl Into<String>) -> Error {
        Error::new(ErrorKind::Internal, crate::msg!(keys::errors::INTERNAL, what = what.into()))
            .hint(Message::new(keys::errors::INTERNAL_HINT))
    }

    /// The error as the app receives it, in `locale`.
    pub fn view(&self, locale: Locale) -> ErrorView {
        ErrorView {
            code: self.kind,
            message: self.message.render(locale),
            path: self.path.clone(),
            hint: self.hint.as_ref().map(|h| h.render(locale)),
            details: self.details.iter().map(|d| d.render(locale)).collect(),
        }
    }

    /// The message, the detail lines and the hint, as a terminal shows them:
    /// the first line alone, the others indented under it.
    pub fn render(&self, locale: Locale) -> String {
        let mut out = self.message.render(locale);
        if let Some(path) = &self.path {
            out.push_str("\n  ");
            out.push_str(&crate::msg!(keys::errors::AT_PATH, path = path.as_str()).render(locale));
        }
        for line in &self.details {
            out.push_str("\n  ");
            out.push_str(&line.render(locale));
        }
        if let Some(hint) = &self.hint {
            out.push_str("\n  ");
            out.push_str(&crate::msg!(keys::errors::HINT, hint = hint.render(locale)).render(locale));
        }
        out
    }
}

/// English, or the policy's language; shells call [`Error::render`].
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(self.locale.unwrap_or(Locale::En)))
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// An error as the app receives it: `{code, message, path, hint, details}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, rename = "CoreError"))]
pub struct ErrorView {
    pub code: ErrorKind,
    pub message: String,
    pub path: Option<String>,
    pub hint: Option<String>,
    pub details: Vec<String>,
}

/// The operating system's reason for a failed file operation, in words a
/// person reads in their language; the system's own words when there is no
/// better.
pub fn io_reason(e: &std::io::Error) -> Message {
    use crate::keys::errors::reason as r;
    use std::io::ErrorKind as Io;
    let key = match e.kind() {
        Io::NotFound => r::NOT_FOUND,
        Io::PermissionDenied => r::PERMISSION_DENIED,
        Io::IsADirectory => r::IS_A_FOLDER,
        Io::NotADirectory => r::NOT_A_FOLDER,
        Io::ReadOnlyFilesystem => r::READ_ONLY_FS,
        Io::StorageFull => r::DISK_FULL,
        Io::QuotaExceeded => r::QUOTA,
        Io::AlreadyExists => r::EXISTS,
        Io::FileTooLarge => r::FILE_TOO_LARGE,
        Io::InvalidFilename => r::INVALID_NAME,
        Io::ResourceBusy | Io::ExecutableFileBusy => r::BUSY,
        _ => return crate::msg!(r::OTHER, text = e.to_string()),
    };
    Message::new(key)
}
