//! Reaching the server: the address as a user writes it, TLS, and turning
//! the client's errors into ours.

use std::str::FromStr;
use std::time::Duration;

use policywright_i18n::{Error, ErrorKind, Message, Result, keys, msg};
use postgres::config::{Host, SslMode};
use postgres::error::SqlState;
use postgres::{Client, Config};
use postgres_native_tls::MakeTlsConnector;

use keys::errors::server as k;

/// How long connecting may take before the user hears the server is not
/// there, when the address does not say.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Whether `text` names a library server rather than a file: a
/// `postgres://` or `postgresql://` address.
pub fn is_address(text: &str) -> bool {
    let text = text.trim_start();
    text.starts_with("postgres://") || text.starts_with("postgresql://")
}

/// A parsed address, what errors call it, and the TLS it connects with.
#[derive(Clone)]
pub struct Address {
    pub config: Config,
    /// How messages name the library: the address without its password.
    pub shown: String,
    /// `None` when no connection of this address can use TLS (only Unix
    /// sockets, or `sslmode=disable`): building a connector reads the whole
    /// system trust store, which took most of a CLI command's time.
    tls: Option<MakeTlsConnector>,
}

impl std::fmt::Debug for Address {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown)
    }
}

impl Address {
    /// Reads `postgres://user@host:port/database?sslmode=…`. A Unix socket
    /// is a host that is a path (`?host=/run/postgresql`).
    pub fn parse(text: &str) -> Result<Address> {
        let bad = |reason: String| {
            // The address as typed may hold a password; it is not repeated.
            Error::new(ErrorKind::InvalidArgument, msg!(k::BAD_ADDRESS, text = without_password(text), reason = reason))
                .hint(Message::new(k::BAD_ADDRESS_HINT))
        };
        let mut config = Config::from_str(text.trim()).map_err(|e| bad(e.to_string()))?;
        if config.get_user().is_none() {
            return Err(bad("no user is named".to_string()));
        }
        if config.get_hosts().is_empty() {
            return Err(bad("no host is named".to_string()));
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        config.application_name("policywright");
        let shown = shown(&config);
        let tcp = config.get_hosts().iter().any(|h| matches!(h, Host::Tcp(_)));
        let tls = if tcp && config.get_ssl_mode() != SslMode::Disable {
            let connector = native_tls::TlsConnector::new().map_err(|e| {
                Error::new(ErrorKind::Io, msg!(k::TLS, at = shown.as_str(), reason = e.to_string()))
                    .hint(Message::new(k::TLS_HINT))
            })?;
            Some(MakeTlsConnector::new(connector))
        } else {
            None
        };
        Ok(Address { config, shown, tls })
    }

    /// The TLS mode the address asks for: `disable`, `prefer` (the
    /// default) or `require`.
    pub fn ssl_mode(&self) -> SslMode {
        self.config.get_ssl_mode()
    }

    /// What the address names, field by field, as a form shows it.
    pub fn parts(&self) -> Parts {
        let host = match self.config.get_hosts().first() {
            Some(Host::Tcp(host)) => host.clone(),
            Some(Host::Unix(dir)) => dir.display().to_string(),
            None => String::new(),
        };
        let user = self.config.get_user().unwrap_or_default().to_string();
        Parts {
            host,
            port: self.config.get_ports().first().copied().filter(|p| *p != 5432),
            database: self.config.get_dbname().map_or_else(|| user.clone(), str::to_string),
            user,
            tls: match self.ssl_mode() {
                SslMode::Disable => "disable",
                SslMode::Require => "require",
                _ => "prefer",
            },
        }
    }

    pub fn connect(&self) -> Result<Client> {
        // Without a connector, a Unix socket is asked for TLS all the same
        // (the server says no) and `require` fails as it would with one.
        match &self.tls {
            Some(tls) => self.config.connect(tls.clone()),
            None => self.config.connect(postgres::NoTls),
        }
        .map_err(|e| server_error(&self.shown, &e))
    }
}

/// An address taken apart ([`Address::parts`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parts {
    /// A host name or address, or the folder of a Unix socket.
    pub host: String,
    /// `None` for PostgreSQL's usual port, 5432.
    pub port: Option<u16>,
    pub database: String,
    pub user: String,
    /// `disable`, `prefer` or `require`.
    pub tls: &'static str,
}

fn without_password(text: &str) -> String {
    // `scheme://user:password@host…`: the part between the first ':' after
    // the scheme and the '@' goes.
    let Some((scheme, rest)) = text.split_once("://") else { return text.to_string() };
    match rest.split_once('@') {
        Some((user, host)) if user.contains(':') => {
            let name = user.split(':').next().unwrap_or_default();
            format!("{scheme}://{name}:…@{host}")
        }
        _ => text.to_string(),
    }
}

/// `postgres://user@host:port/database`, the address without its password.
fn shown(config: &Config) -> String {
    let user = config.get_user().unwrap_or_default();
    let db = config.get_dbname().unwrap_or(user);
    let port = config.get_ports().first().copied();
    match config.get_hosts().first() {
        Some(Host::Tcp(host)) => match port {
            Some(port) if port != 5432 => format!("postgres://{user}@{host}:{port}/{db}"),
            _ => format!("postgres://{user}@{host}/{db}"),
        },
        Some(Host::Unix(dir)) => format!("postgres://{user}@/{db}?host={}", dir.display()),
        None => format!("postgres://{user}@/{db}"),
    }
}

/// Maps a client or server failure to our error. `at` names the library.
pub fn server_error(at: &str, e: &postgres::Error) -> Error {
    let Some(db) = e.as_db_error() else {
        // No answer from the server: it is down, unreachable, or the
        // connection broke mid-action (the transaction then never commits).
        let reason = e.to_string();
        // The client finds this out itself, before the server is asked.
        let cause = std::error::Error::source(e).map(|c| c.to_string()).unwrap_or_default();
        if cause.contains("password missing") {
            return Error::new(ErrorKind::Denied, msg!(k::PASSWORD_NEEDED, at = at))
                .hint(Message::new(k::PASSWORD_NEEDED_HINT));
        }
        if reason.contains("tls") || reason.contains("TLS") || reason.contains("certificate") {
            return Error::new(ErrorKind::Io, msg!(k::TLS, at = at, reason = reason)).hint(Message::new(k::TLS_HINT));
        }
        return Error::new(ErrorKind::Unreachable, msg!(k::UNREACHABLE, at = at, reason = reason))
            .hint(Message::new(k::UNREACHABLE_HINT));
    };
    let reason = db.message().to_string();
    let code = db.code();
    if *code == SqlState::INSUFFICIENT_PRIVILEGE {
        return Error::new(ErrorKind::Denied, msg!(k::DENIED, at = at, reason = reason))
            .hint(Message::new(k::DENIED_HINT));
    }
    if *code == SqlState::INVALID_PASSWORD || *code == SqlState::INVALID_AUTHORIZATION_SPECIFICATION {
        return Error::new(ErrorKind::Io, msg!(k::LOGIN, at = at, reason = reason)).hint(Message::new(k::LOGIN_HINT));
    }
    if *code == SqlState::INVALID_CATALOG_NAME {
        let name = at.rsplit('/').next().unwrap_or_default().split('?').next().unwrap_or_default().to_string();
        return Error::new(ErrorKind::Io, msg!(k::NO_DATABASE, at = at, name = name))
            .hint(Message::new(k::NO_DATABASE_HINT));
    }
    if [SqlState::LOCK_NOT_AVAILABLE, SqlState::T_R_SERIALIZATION_FAILURE, SqlState::T_R_DEADLOCK_DETECTED]
        .contains(code)
    {
        return Error::new(ErrorKind::Busy, Message::new(keys::errors::BUSY))
            .hint(Message::new(keys::errors::BUSY_HINT));
    }
    if [SqlState::ADMIN_SHUTDOWN, SqlState::CRASH_SHUTDOWN, SqlState::CANNOT_CONNECT_NOW].contains(code) {
        return Error::new(ErrorKind::Unreachable, msg!(k::UNREACHABLE, at = at, reason = reason))
            .hint(Message::new(k::UNREACHABLE_HINT));
    }
    if code.code().starts_with("23") {
        // Our triggers and constraints: a change the library's rules forbid.
        return Error::new(ErrorKind::InvalidLibrary, msg!(k::REFUSED, at = at, reason = reason))
            .hint(Message::new(k::REFUSED_HINT));
    }
    if *code == SqlState::DISK_FULL {
        return Error::new(ErrorKind::Io, msg!(keys::errors::DISK_FULL, path = at))
            .hint(Message::new(keys::errors::DISK_FULL_HINT));
    }
    Error::new(ErrorKind::Io, msg!(keys::errors::LIBRARY_UNUSABLE, path = at, reason = reason))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_told_from_files() {
        assert!(is_address("postgres://hr@db/policies"));
        assert!(is_address("postgresql://hr@db/policies"));
        assert!(!is_address("postgres.sqlite"));
        assert!(!is_address("/home/hr/postgres://x"));
    }

    #[test]
    fn the_tls_mode_is_read_from_the_address() {
        for (text, mode) in [
            ("postgres://hr@db.example.com/policies?sslmode=disable", SslMode::Disable),
            ("postgres://hr@db.example.com/policies?sslmode=prefer", SslMode::Prefer),
            ("postgres://hr@db.example.com/policies?sslmode=require", SslMode::Require),
            ("postgres://hr@db.example.com/policies", SslMode::Prefer),
        ] {
            assert_eq!(Address::parse(text).expect(text).ssl_mode(), mode, "{text}");
        }
        let err = Address::parse("postgres://hr@db/policies?sslmode=sometimes").expect_err("an unknown mode");
        assert_eq!(err.kind, ErrorKind::InvalidArgument);
        assert!(
            err.to_string().starts_with("postgres://hr@db/policies?sslmode=sometimes is not a library server address"),
            "{err}"
        );
    }

    /// Regression: every address read the system trust store, which took
    /// 85 ms of a 130 ms CLI command on a Unix socket, where TLS is never
    /// used; eight people saving at once spent most of their time on it.
    #[test]
    fn an_address_that_cannot_use_tls_reads_no_trust_store() {
        for text in [
            "postgres://hr@/policies?host=/run/postgresql",
            "postgres://hr@/policies?host=/run/postgresql&sslmode=require",
            "postgres://hr@db.example.com/policies?sslmode=disable",
        ] {
            assert!(Address::parse(text).expect(text).tls.is_none(), "{text}");
        }
        for text in [
            "postgres://hr@db.example.com/policies",
            "postgres://hr@db.example.com/policies?sslmode=require",
            "host=/run/postgresql,db.example.com user=hr dbname=policies",
        ] {
            assert!(Address::parse(text).expect(text).tls.is_some(), "{text}");
        }
    }

    #[test]
    fn an_address_is_shown_without_its_password() {
        let address = Address::parse("postgres://hr:s3cret@db.example.com:6543/policies").expect("parses");
        assert_eq!(address.shown, "postgres://hr@db.example.com:6543/policies");
        let err = Address::parse("postgres://hr:s3cret@db.example.com/policies?bogus=1").expect_err("unknown option");
        assert!(!err.to_string().contains("s3cret"), "{err}");
        let err = Address::parse("postgres://db.example.com/policies").expect_err("no user");
        assert!(err.to_string().contains("no user is named"), "{err}");
        let socket = Address::parse("postgres://hr@/policies?host=/run/postgresql").expect("parses");
        assert_eq!(socket.shown, "postgres://hr@/policies?host=/run/postgresql");
    }
}
