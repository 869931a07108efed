//! A team library on a server, as Settings → Library names it: host,
//! database, user and TLS, field by field, never an address to type. The
//! password is not part of it: the app keeps it in the system's keychain
//! and hands it over only to connect.

use std::path::{Path, PathBuf};

use policywright_i18n::{Error, ErrorKind, Message, Result, keys, msg};
use policywright_postgres::Address;
use serde::{Deserialize, Serialize};

use keys::errors::server as k;

/// Whether the connection is encrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "kebab-case")]
pub enum Tls {
    /// Always encrypted; the connection fails rather than go in the clear.
    Require,
    /// Encrypted when the server offers it.
    Prefer,
    /// Never encrypted: a server on this computer or a network you trust.
    Disable,
}

impl Tls {
    fn code(self) -> &'static str {
        match self {
            Tls::Require => "require",
            Tls::Prefer => "prefer",
            Tls::Disable => "disable",
        }
    }
}

/// The shared server of Settings → Library.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Server {
    /// A host name or IP address, or the folder of a Unix socket (`/run/postgresql`).
    pub host: String,
    /// `None` for PostgreSQL's usual port, 5432.
    pub port: Option<u16>,
    pub database: String,
    pub user: String,
    pub tls: Tls,
}

impl Server {
    /// The server a library location names, when it names one.
    pub fn of(location: &Path) -> Option<Server> {
        let address = Address::parse(crate::library::server_address(location)?).ok()?;
        let parts = address.parts();
        let tls = match parts.tls {
            "disable" => Tls::Disable,
            "require" => Tls::Require,
            _ => Tls::Prefer,
        };
        Some(Server { host: parts.host, port: parts.port, database: parts.database, user: parts.user, tls })
    }

    /// The library location for this server, `postgres://user@host/db?…`,
    /// each field checked: a form's mistake is said at its field.
    pub fn location(&self) -> Result<PathBuf> {
        let host = field(&self.host, k::FIELD_HOST)?;
        let database = field(&self.database, k::FIELD_DATABASE)?;
        let user = field(&self.user, k::FIELD_USER)?;
        if self.port == Some(0) {
            return Err(Error::new(ErrorKind::InvalidArgument, Message::new(k::PORT_BAD))
                .at("server.port")
                .hint(Message::new(k::PORT_BAD_HINT)));
        }
        let mut text = format!("postgres://{}@", escape(user));
        let socket = host.starts_with('/');
        if !socket {
            // An IPv6 address goes in brackets, as in a URL.
            if host.contains(':') && !host.starts_with('[') {
                text.push_str(&format!("[{host}]"));
            } else {
                text.push_str(&escape(host));
            }
            if let Some(port) = self.port {
                text.push_str(&format!(":{port}"));
            }
        }
        text.push('/');
        text.push_str(&escape(database));
        text.push_str(&format!("?sslmode={}", self.tls.code()));
        if socket {
            text.push_str(&format!("&host={}", escape(host)));
            if let Some(port) = self.port {
                text.push_str(&format!("&port={port}"));
            }
        }
        // Parsed back as the library will be opened, so that anything the
        // fields cannot mean is said now, not at the first save.
        Address::parse(&text)?;
        Ok(PathBuf::from(text))
    }

    /// The keychain's name for this server's password: the user, where, and
    /// the database, as `user@host:port/database`.
    pub fn account(&self) -> String {
        let port = self.port.unwrap_or(5432);
        format!("{}@{}:{port}/{}", self.user.trim(), self.host.trim(), self.database.trim())
    }
}

fn bad_field(name: policywright_i18n::Key, path: &str) -> Error {
    Error::new(ErrorKind::InvalidArgument, msg!(k::FIELD_BAD, field = Message::new(name)))
        .at(path)
        .hint(Message::new(k::FIELD_BAD_HINT))
}

/// A field's text without the spaces around it; empty text, spaces inside
/// or control characters are refused.
fn field(text: &str, name: policywright_i18n::Key) -> Result<&str> {
    let path = match name {
        k::FIELD_HOST => "server.host",
        k::FIELD_DATABASE => "server.database",
        _ => "server.user",
    };
    let text = text.trim();
    if text.is_empty() {
        return Err(Error::new(ErrorKind::InvalidArgument, msg!(k::FIELD_EMPTY, field = Message::new(name)))
            .at(path)
            .hint(Message::new(k::FIELD_EMPTY_HINT)));
    }
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad_field(name, path));
    }
    Ok(text)
}

/// Percent-encodes what a URL's user, host, database or query value cannot
/// hold as it is.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use policywright_i18n::Locale;

    fn server(host: &str, port: Option<u16>, database: &str, user: &str, tls: Tls) -> Server {
        Server { host: host.into(), port, database: database.into(), user: user.into(), tls }
    }

    #[test]
    fn a_server_becomes_a_location_and_back() {
        for s in [
            server("db.example.com", None, "policies", "hr_wang", Tls::Require),
            server("10.0.0.7", Some(6543), "policies", "legal", Tls::Prefer),
            server("/run/postgresql", None, "policies", "hr", Tls::Disable),
            server("/tmp/pw-socket", Some(5433), "hr-library", "wang.fang", Tls::Disable),
        ] {
            let location = s.location().expect("a location");
            assert_eq!(Server::of(&location).as_ref(), Some(&s), "{}", location.display());
        }
        let location = server("db.example.com", None, "policies", "hr_wang", Tls::Require).location().expect("ok");
        assert_eq!(location, PathBuf::from("postgres://hr_wang@db.example.com/policies?sslmode=require"));
        assert_eq!(Server::of(Path::new("/home/hr/library.sqlite")), None);
    }

    #[test]
    fn a_fields_mistake_is_said_at_the_field() {
        let err = server(" ", None, "policies", "hr", Tls::Prefer).location().expect_err("no host");
        assert_eq!(err.path.as_deref(), Some("server.host"));
        assert_eq!(err.message.render(Locale::En), "the server's host is empty");
        assert_eq!(err.message.render(Locale::ZhCn), "服务器地址未填写");
        let err = server("db", None, "my policies", "hr", Tls::Prefer).location().expect_err("a space");
        assert_eq!(err.path.as_deref(), Some("server.database"));
        assert_eq!(
            err.message.render(Locale::En),
            "the server's database name cannot hold spaces or control characters"
        );
        let err = server("db", Some(0), "p", "hr", Tls::Prefer).location().expect_err("port 0");
        assert_eq!(err.path.as_deref(), Some("server.port"));
    }

    #[test]
    fn the_keychain_names_a_password_by_user_server_and_database() {
        let s = server("db.example.com", None, "policies", "hr_wang", Tls::Require);
        assert_eq!(s.account(), "hr_wang@db.example.com:5432/policies");
    }
}
