//! The `policywright` command: every action of the app, from a terminal.
//!
//! A thin shell over `policywright-api`: it parses arguments, asks the api,
//! and writes what comes back to files or to standard output. Errors are
//! printed in the language of the policy they concern, or of the
//! environment; exit codes are 0 ok, 1 invalid input, 2 usage or I/O error.
//! A reader that stops reading (`policywright presets | head -1`) ends the
//! output, which is a success, never a crash.
//!
//! [`run`] takes the arguments, the world and the two output streams, so
//! other programs (the app's tests) can run a command in-process.

mod args;
mod commands;

use std::ffi::OsString;
use std::io::Write;

use clap::Parser;
use policywright_api::i18n::{Error, Locale, Message, keys, msg};
use policywright_api::{Result, World};

/// Standard output and error, with a broken pipe remembered rather than
/// raised: once the reader has gone, nothing more is written.
pub struct Out<'a> {
    out: &'a mut dyn Write,
    err: &'a mut dyn Write,
    closed: bool,
    /// The environment's language, for words that concern no policy.
    pub locale: Locale,
}

impl<'a> Out<'a> {
    pub fn new(out: &'a mut dyn Write, err: &'a mut dyn Write, locale: Locale) -> Out<'a> {
        Out { out, err, closed: false, locale }
    }

    /// A line on standard output. Messages carry text from policies and
    /// the library (titles, notes, authors), so control characters are
    /// shown, not sent: an escape sequence in a note must not set the
    /// terminal's title or write the clipboard (OSC 52).
    pub fn line(&mut self, text: &str) -> Result<()> {
        self.bytes(format!("{}\n", shown(text)).as_bytes())
    }

    /// Lines on standard output, shown as [`Out::line`] shows one, written
    /// at once: a history of ten thousand versions is one write, not ten
    /// thousand.
    pub fn lines(&mut self, lines: &[String]) -> Result<()> {
        let mut text = String::with_capacity(lines.iter().map(|l| l.len() + 1).sum());
        for line in lines {
            text.push_str(&shown(line));
            text.push('\n');
        }
        self.bytes(text.as_bytes())
    }

    /// Bytes on standard output, as they are.
    pub fn bytes(&mut self, bytes: &[u8]) -> Result<()> {
        if self.closed {
            return Ok(());
        }
        match self.out.write_all(bytes).and_then(|()| self.out.flush()) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            Err(e) => Err(Error::new(
                policywright_api::i18n::ErrorKind::Io,
                msg!(keys::errors::WRITE, path = "-", reason = Message::verbatim(e.to_string())),
            )),
        }
    }

    /// A line on standard error, with control characters shown as in
    /// [`Out::line`]. A closed standard error has nobody to tell.
    pub fn note(&mut self, text: &str) {
        let _ = writeln!(self.err, "{}", shown(text));
    }

    /// A message in `locale`, or the environment's.
    pub fn say(&self, message: Message, locale: Option<Locale>) -> String {
        message.render(locale.unwrap_or(self.locale))
    }
}

/// `text` with every character a terminal would act on written out as an
/// escape (`\u{1b}`): C0 controls other than line feed and tab, DEL, the C1
/// controls, and the bidirectional overrides that make text read in
/// another order than it is stored.
pub fn shown(text: &str) -> std::borrow::Cow<'_, str> {
    let acts = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
    };
    if !text.chars().any(acts) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if acts(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// One field of a table line: its line breaks and tabs shown too, so that
/// a note cannot start a line of its own.
pub fn cell(text: &str) -> std::borrow::Cow<'_, str> {
    match shown(text) {
        std::borrow::Cow::Borrowed(text) if !text.contains(['\n', '\t']) => std::borrow::Cow::Borrowed(text),
        shown => std::borrow::Cow::Owned(shown.replace('\n', "\\n").replace('\t', "\\t")),
    }
}

/// A finding as `validate` prints it: `error: path: message`, then its hint.
pub fn diagnostic(d: &policywright_api::model::validate::Finding, locale: Locale) -> String {
    use policywright_api::model::validate::Severity;
    let severity = Message::new(match d.severity {
        Severity::Error => keys::cli::ERROR,
        Severity::Warning => keys::cli::WARNING,
    });
    let mut text =
        msg!(keys::cli::DIAGNOSTIC, severity = severity, path = d.path.as_str(), message = d.message.clone())
            .render(locale);
    let hint = d.hint.render(locale);
    if !hint.is_empty() {
        text.push_str("\n  ");
        text.push_str(&msg!(keys::errors::HINT, hint = hint).render(locale));
    }
    text
}

/// Runs one command line (`args[0]` is the program name) and returns the
/// exit code.
pub fn run(args: impl IntoIterator<Item = OsString>, world: &dyn World, out: &mut Out<'_>) -> u8 {
    let cli = match args::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(err) => {
            // clap prints help and version to stdout with status 0, and usage errors with 2.
            let text = err.render().to_string();
            if err.use_stderr() {
                out.note(text.trim_end());
                return 2;
            }
            return match out.bytes(text.as_bytes()) {
                Ok(()) => 0,
                Err(_) => 2,
            };
        }
    };
    match commands::run(cli, world, out) {
        Ok(code) => code,
        Err(err) => {
            let locale = err.locale.unwrap_or(out.locale);
            let line = msg!(keys::cli::ERROR_LINE, message = err.render(locale)).render(locale);
            out.note(&line);
            err.kind.exit_code()
        }
    }
}
