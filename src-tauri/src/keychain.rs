//! Where a team library's password is kept: the system's keychain (macOS
//! Keychain, Windows Credential Manager, the Secret Service on Linux), or,
//! for end-to-end tests and a desktop without one, this run's memory.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::commands::Keychain;

/// The name entries go under in the system's keychain.
const SERVICE: &str = "Policywright";

/// The system's keychain, unless the end-to-end tests' dialog seam is in use
/// (`POLICYWRIGHT_DIALOG_ANSWERS`): a test must not write into the keychain
/// of the person running it.
pub fn for_app() -> Box<dyn Keychain> {
    match std::env::var_os("POLICYWRIGHT_DIALOG_ANSWERS").filter(|v| !v.is_empty()) {
        Some(_) => Box::new(ThisRun::default()),
        None => Box::new(System),
    }
}

struct System;

impl Keychain for System {
    fn password(&self, account: &str) -> Result<Option<String>, String> {
        let entry = keyring::Entry::new(SERVICE, account).map_err(|e| e.to_string())?;
        match entry.get_password() {
            Ok(password) => Ok(Some(password)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(e.to_string()),
        }
    }

    fn keep(&self, account: &str, password: &str) -> Result<(), String> {
        let entry = keyring::Entry::new(SERVICE, account).map_err(|e| e.to_string())?;
        entry.set_password(password).map_err(|e| e.to_string())
    }

    fn forget(&self, account: &str) -> Result<(), String> {
        let entry = keyring::Entry::new(SERVICE, account).map_err(|e| e.to_string())?;
        match entry.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(e.to_string()),
        }
    }
}

/// Passwords held for this run only, never written anywhere.
#[derive(Default)]
pub struct ThisRun(Mutex<HashMap<String, String>>);

impl Keychain for ThisRun {
    fn password(&self, account: &str) -> Result<Option<String>, String> {
        Ok(self.0.lock().map_err(|e| e.to_string())?.get(account).cloned())
    }

    fn keep(&self, account: &str, password: &str) -> Result<(), String> {
        self.0.lock().map_err(|e| e.to_string())?.insert(account.to_string(), password.to_string());
        Ok(())
    }

    fn forget(&self, account: &str) -> Result<(), String> {
        self.0.lock().map_err(|e| e.to_string())?.remove(account);
        Ok(())
    }
}
