//! The OS keyring as a `KeySource`: one entry per connection, service `userscope`, account = the
//! connection name.
//!
//! Storage goes through `keyring-core` and one store crate per platform (the `keyring` 4 crate is
//! only a shim over these, and its docs tell applications that pick their own stores to use them
//! directly). Entries are always built through a store object, never the process-global default
//! store, so tests inject `keyring_core::mock::Store` without touching each other.
//!
//! Entry format (`entry.rs`): a plain key is stored as its UTF-8 text; client credentials as ONE
//! entry holding `{"clientId":"…","secret":"…"}`.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use keyring_core::{CredentialStore, Entry, Error as StoreError};
use zeroize::{Zeroize, Zeroizing};

use super::{Credential, KeyError, KeyOrigin, KeySource};
use crate::vendors::{Connection, VendorKind};

mod entry;
use entry::{decode, encode};

/// The keyring service name of every userscope entry.
pub const SERVICE: &str = "userscope";

/// Which credential store holds the keys, for messages ("Stored … in the macOS Keychain").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoreKind {
    SecretService,
    KernelKeyutils,
    MacKeychain,
    WindowsCredentialManager,
    /// A store handed in by the caller (tests).
    Injected,
}

impl fmt::Display for StoreKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            StoreKind::SecretService => "Secret Service keyring",
            StoreKind::KernelKeyutils => "keyutils kernel keyring",
            StoreKind::MacKeychain => "macOS Keychain",
            StoreKind::WindowsCredentialManager => "Windows Credential Manager",
            StoreKind::Injected => "keyring",
        })
    }
}

/// A usable store plus the check that makes "no such item" trustworthy: a locked Secret
/// Service answers reads with `NoEntry`, so before believing it we ask whether it is locked.
#[derive(Clone)]
pub struct OpenStore {
    store: Arc<CredentialStore>,
    /// Whether entries get a human-readable label (the mock store rejects modifiers).
    labelled: bool,
    no_entry_is_trustworthy: Arc<dyn Fn() -> Result<(), KeyError> + Send + Sync>,
}

impl OpenStore {
    pub(super) fn new(
        store: Arc<CredentialStore>,
        labelled: bool,
        no_entry_is_trustworthy: Arc<dyn Fn() -> Result<(), KeyError> + Send + Sync>,
    ) -> Self {
        OpenStore {
            store,
            labelled,
            no_entry_is_trustworthy,
        }
    }
}

type Opener = Box<dyn Fn() -> Result<OpenStore, KeyError> + Send + Sync>;

/// Keys in the OS keyring. Opened lazily and kept open once it works; a failed open is retried
/// on the next call (the user may unlock or start the keyring daemon meanwhile).
pub struct KeyringKeys {
    kind: StoreKind,
    opener: Opener,
    opened: Mutex<Option<OpenStore>>,
}

impl KeyringKeys {
    /// The platform's keyring; on Linux `USERSCOPE_KEYRING=keyutils` picks the kernel keyring.
    pub fn os() -> Self {
        let choice = std::env::var("USERSCOPE_KEYRING").ok();
        match choose_store(choice.as_deref()) {
            Ok(kind) => KeyringKeys {
                kind,
                opener: Box::new(move || open_platform_store(kind)),
                opened: Mutex::new(None),
            },
            Err(err) => KeyringKeys {
                kind: platform_default(),
                opener: Box::new(move || Err(err.clone())),
                opened: Mutex::new(None),
            },
        }
    }

    /// Keys in a given store (tests pass `keyring_core::mock::Store::new()`); "no entry" is
    /// taken at its word.
    pub fn with_store(store: Arc<CredentialStore>) -> Self {
        KeyringKeys::with_store_and_check(store, || Ok(()))
    }

    /// Keys in a given store, with the check run whenever the store says "no entry" (tests
    /// use it to simulate a locked keyring).
    pub fn with_store_and_check(
        store: Arc<CredentialStore>,
        check: impl Fn() -> Result<(), KeyError> + Send + Sync + 'static,
    ) -> Self {
        let open = OpenStore::new(store, false, Arc::new(check));
        KeyringKeys {
            kind: StoreKind::Injected,
            opener: Box::new(move || Ok(open.clone())),
            opened: Mutex::new(None),
        }
    }

    /// The store these keys live in (known before it is opened).
    pub fn kind(&self) -> StoreKind {
        self.kind
    }

    fn open(&self) -> Result<OpenStore, KeyError> {
        let mut slot = self.opened.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(open) = slot.as_ref() {
            return Ok(open.clone());
        }
        let open = (self.opener)()?;
        *slot = Some(open.clone());
        Ok(open)
    }

    /// A store error as a `KeyError`. When the connection itself is in doubt (bus gone,
    /// provider restarted), the cached store is dropped so the next call connects afresh: the
    /// TUI keeps one key source for its whole run.
    fn failed(&self, err: StoreError, account: &str) -> KeyError {
        let err = classify(err, self.kind, account);
        if matches!(
            err,
            KeyError::NoSessionBus { .. } | KeyError::NoProvider { .. } | KeyError::Unavailable(_)
        ) {
            *self.opened.lock().unwrap_or_else(PoisonError::into_inner) = None;
        }
        err
    }

    fn entry(&self, open: &OpenStore, account: &str) -> Result<Entry, KeyError> {
        let label = format!("userscope API key for {account}");
        let modifiers = HashMap::from([("label", label.as_str())]);
        open.store
            .build(SERVICE, account, open.labelled.then_some(&modifiers))
            .map_err(|e| self.failed(e, account))
    }

    /// The stored credential of a connection; `Ok(None)` only when the store is known to be
    /// readable and has no item (a locked keyring is an error, never "no key").
    pub fn credential_for(
        &self,
        connection: &str,
        vendor: VendorKind,
    ) -> Result<Option<Credential>, KeyError> {
        self.read(connection, vendor)
            .map_err(|e| e.for_connection(connection))
    }

    fn read(&self, connection: &str, vendor: VendorKind) -> Result<Option<Credential>, KeyError> {
        let account = account_name(connection);
        let open = self.open()?;
        let entry = self.entry(&open, &account)?;
        match entry.get_secret() {
            Ok(bytes) => {
                let bytes = Zeroizing::new(bytes);
                decode(&bytes, vendor)
                    .map(Some)
                    .map_err(|why| KeyError::BadData {
                        connection: account,
                        why,
                    })
            }
            Err(StoreError::NoEntry) => {
                (open.no_entry_is_trustworthy)()?;
                Ok(None)
            }
            Err(e) => Err(self.failed(e, &account)),
        }
    }

    /// Store (or replace) a connection's credential. Returns where it went.
    pub fn store(&self, connection: &str, credential: &Credential) -> Result<StoreKind, KeyError> {
        let account = account_name(connection);
        if account.is_empty() {
            return Err(KeyError::Unavailable(
                "a connection name is needed to store a key".into(),
            ));
        }
        let open = self.open()?;
        let entry = self.entry(&open, &account)?;
        let bytes = encode(credential);
        entry
            .set_secret(&bytes)
            .map_err(|e| self.failed(e, &account))?;
        Ok(self.kind)
    }

    /// Delete a connection's credential; `KeyError::NotFound` when there was none.
    pub fn delete(&self, connection: &str) -> Result<StoreKind, KeyError> {
        let account = account_name(connection);
        let open = self.open()?;
        let entry = self.entry(&open, &account)?;
        match entry.delete_credential() {
            Ok(()) => Ok(self.kind),
            Err(StoreError::NoEntry) => {
                (open.no_entry_is_trustworthy)()?;
                Err(KeyError::NotFound {
                    connection: account,
                })
            }
            Err(e) => Err(self.failed(e, &account)),
        }
    }
}

impl KeySource for KeyringKeys {
    fn credential(&self, conn: &Connection) -> Result<Option<(Credential, KeyOrigin)>, KeyError> {
        Ok(self
            .credential_for(&conn.name, conn.vendor)?
            .map(|c| (c, KeyOrigin::Keyring)))
    }
}

/// The keyring account of a connection: its name, trimmed and lower-cased like
/// `Config::resolve` does, so `keys set CRM-EU` and `get crm-eu` meet.
fn account_name(connection: &str) -> String {
    connection.trim().to_ascii_lowercase()
}

fn platform_default() -> StoreKind {
    if cfg!(target_os = "macos") {
        StoreKind::MacKeychain
    } else if cfg!(target_os = "windows") {
        StoreKind::WindowsCredentialManager
    } else {
        StoreKind::SecretService
    }
}

/// `USERSCOPE_KEYRING`: unset (or `default`) = the platform keyring; `keyutils` = the Linux
/// kernel keyring (explicit opt-in for headless servers); `secret-service` = the Linux default.
fn choose_store(setting: Option<&str>) -> Result<StoreKind, KeyError> {
    let value = setting
        .map(str::trim)
        .unwrap_or_default()
        .to_ascii_lowercase();
    match value.as_str() {
        "" | "default" => Ok(platform_default()),
        "keyutils" if cfg!(target_os = "linux") => Ok(StoreKind::KernelKeyutils),
        "secret-service" | "secretservice" if cfg!(target_os = "linux") => {
            Ok(StoreKind::SecretService)
        }
        "keyutils" | "secret-service" | "secretservice" => Err(KeyError::Unavailable(format!(
            "USERSCOPE_KEYRING={value} works only on Linux: unset it to use the {}",
            platform_default()
        ))),
        _ => Err(KeyError::Unavailable(format!(
            "USERSCOPE_KEYRING=`{}` is not a known keyring: use `keyutils` (Linux kernel keyring) or unset it",
            crate::sanitize::sanitize(&value)
        ))),
    }
}

fn open_platform_store(kind: StoreKind) -> Result<OpenStore, KeyError> {
    match kind {
        #[cfg(target_os = "linux")]
        StoreKind::SecretService => super::linux::open_secret_service(),
        #[cfg(target_os = "linux")]
        StoreKind::KernelKeyutils => super::linux::open_keyutils(),
        #[cfg(target_os = "macos")]
        StoreKind::MacKeychain => {
            let store = apple_native_keyring_store::keychain::Store::new()
                .map_err(|e| classify(e, kind, ""))?;
            Ok(OpenStore::new(store, false, Arc::new(|| Ok(()))))
        }
        #[cfg(target_os = "windows")]
        StoreKind::WindowsCredentialManager => {
            let store =
                windows_native_keyring_store::Store::new().map_err(|e| classify(e, kind, ""))?;
            Ok(OpenStore::new(store, false, Arc::new(|| Ok(()))))
        }
        _ => Err(KeyError::Unavailable(format!(
            "the {kind} is not available on this platform: set {} instead",
            super::GENERIC_KEY_VAR
        ))),
    }
}

/// A store error as one of the distinct, actionable `KeyError`s.
pub(super) fn classify(err: StoreError, kind: StoreKind, connection: &str) -> KeyError {
    #[cfg(target_os = "linux")]
    if let Some(known) = super::linux::classify(&err) {
        return known;
    }
    match err {
        StoreError::NoEntry => KeyError::NotFound {
            connection: connection.to_owned(),
        },
        StoreError::NoStorageAccess(e) => KeyError::PermissionDenied {
            detail: e.to_string(),
            hint: permission_hint(kind),
        },
        StoreError::BadEncoding(mut bytes) => {
            bytes.zeroize();
            KeyError::BadData {
                connection: connection.to_owned(),
                why: "the stored value is not UTF-8 text".into(),
            }
        }
        StoreError::BadDataFormat(mut bytes, _) => {
            bytes.zeroize();
            KeyError::BadData {
                connection: connection.to_owned(),
                why: "the store could not decode the stored value".into(),
            }
        }
        StoreError::Ambiguous(items) => KeyError::Unavailable(format!(
            "{} items in the {kind} match service `{SERVICE}`, account `{connection}`: remove the extra ones (on Linux: `secret-tool clear service {SERVICE} username {connection}`), then run `userscope keys set {connection}`",
            items.len()
        )),
        other => KeyError::Unavailable(format!("the {kind} failed: {other}")),
    }
}

fn permission_hint(kind: StoreKind) -> String {
    match kind {
        StoreKind::KernelKeyutils => "the process may not use the kernel keyring: run userscope as the user who owns the keys (in a CI shell: `keyctl session - userscope …`), or unset USERSCOPE_KEYRING".into(),
        StoreKind::MacKeychain => "allow userscope to use its items in Keychain Access (or unlock the login keychain), then try again".into(),
        StoreKind::WindowsCredentialManager => "run userscope as the user who owns the credential, then try again".into(),
        StoreKind::SecretService | StoreKind::Injected => "unlock the keyring and allow userscope to use it, or set USERSCOPE_<CONNECTION>_API_KEY instead".into(),
    }
}

#[cfg(test)]
mod tests;
