//! Languages, and every text a person reads.
//!
//! Policywright speaks Simplified Chinese and English. This crate is the one
//! place that knows how:
//!
//! - [`Locale`], and [`NumberingScheme`] with the Chinese numerals of
//!   company regulations (第一章, （一）);
//! - the message catalogue, one JSON file per language under `catalogue/`:
//!   document strings, validation, diff summaries, errors, CLI lines and the
//!   app's labels. [`keys`] names each message, checked by the compiler;
//! - [`Message`]: a key and its arguments, turned into text only when a shell
//!   knows whom it is talking to;
//! - [`Error`]: what went wrong ([`ErrorKind`]), where (an optional JSON path),
//!   how to fix it (a hint), and why (a source), all as messages.

mod catalogue;
mod error;
mod layout;
mod locale;
mod message;
mod numbering;

pub use catalogue::{lookup, section, texts};
pub use error::{Error, ErrorKind, ErrorView, Result, io_reason};
pub use layout::{Contents, PageStyle};
pub use locale::Locale;
pub use message::{Arg, Key, Message};
pub use numbering::{NumberingScheme, chinese_number, heading_number};

/// One constant per message, generated from `catalogue/en.json`.
#[allow(missing_docs)]
pub mod keys {
    include!(concat!(env!("OUT_DIR"), "/keys.rs"));
}

/// `msg!(keys::errors::NOT_UTF8, path = file)`: a message with its arguments.
#[macro_export]
macro_rules! msg {
    ($key:expr $(,)?) => {
        $crate::Message::new($key)
    };
    ($key:expr, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::Message::new($key)$(.arg(stringify!($name), $value))+
    };
}
