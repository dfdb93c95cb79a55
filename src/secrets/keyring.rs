//! The OS keyring as a `KeySource`: one entry per connection, service `userscope`, account = the
//! connection name.
//!
//! Storage goes through `keyring-core` and one store crate per platform (the `keyring` 4 crate is
//! only a shim over these, and its docs tell applications that pick their own stores to use them
//! directly). Entries are always built through a store object, never the process-global default
//! store, so tests inject `keyring_core::mock::Store` without touching each other.
//!
//! Entry format: a plain key is stored as its UTF-8 text. Coho client credentials are stored as
//! ONE entry holding `{"clientId":"…","secret":"…"}`, so setting or deleting them is atomic (no
//! half-configured connection with an id but no secret) and one item per connection shows in
//! the keyring UI and in `secret-tool search service userscope`.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use keyring_core::{CredentialStore, Entry, Error as StoreError};
use zeroize::{Zeroize, Zeroizing};

use super::{ApiKey, Credential, KeyError, KeyOrigin, KeySource};
use crate::vendor::{Connection, VendorKind};

/// The keyring service name of every userscope entry.
pub const SERVICE: &str = "userscope";

/// Longest stored value accepted when reading (keys are short; this bounds a corrupt item).
const MAX_STORED_BYTES: usize = 64 * 1024;

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
/// `Config::resolve` does, so `keys set Coho-EU` and `get coho-eu` meet.
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
            "the {kind} is not available on this platform: set USERSCOPE_<CONNECTION>_API_KEY (e.g. USERSCOPE_COHO_API_KEY) instead"
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

/// The stored form of Coho client credentials (one entry, see the module docs).
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CohoClientEntry<'a> {
    #[serde(borrow)]
    client_id: Cow<'a, str>,
    #[serde(borrow)]
    secret: Cow<'a, str>,
}

/// The bytes stored for a credential. Written into a buffer sized for the worst case so
/// serde_json never reallocates (a reallocation leaves an unwiped copy in freed memory).
fn encode(credential: &Credential) -> Zeroizing<Vec<u8>> {
    match credential {
        Credential::Key(key) => {
            let mut bytes = Zeroizing::new(Vec::with_capacity(key.expose().len()));
            bytes.extend_from_slice(key.expose().as_bytes());
            bytes
        }
        Credential::CohoClient { client_id, secret } => {
            // Each byte escapes to at most 6 (`\u00XX`); plus the fixed keys and punctuation.
            let worst = 32 + 6 * (client_id.len() + secret.expose().len());
            let mut bytes = Zeroizing::new(Vec::with_capacity(worst));
            let entry = CohoClientEntry {
                client_id: Cow::Borrowed(client_id),
                secret: Cow::Borrowed(secret.expose()),
            };
            // Writing plain strings into a Vec cannot fail.
            if serde_json::to_writer(&mut *bytes, &entry).is_err() {
                bytes.clear();
            }
            bytes
        }
    }
}

/// A stored value back to a credential. Coho entries that look like JSON must be the
/// structured client entry; everything else is a plain key. Errors say what is wrong, never
/// what the value is.
fn decode(bytes: &[u8], vendor: VendorKind) -> Result<Credential, String> {
    if bytes.len() > MAX_STORED_BYTES {
        return Err(format!(
            "the stored value is {} bytes, more than a key can be",
            bytes.len()
        ));
    }
    let text =
        std::str::from_utf8(bytes).map_err(|_| "the stored value is not UTF-8 text".to_owned())?;
    let text = text.trim();
    if text.is_empty() {
        return Err("the stored value is empty".into());
    }
    if vendor == VendorKind::Coho && text.starts_with('{') {
        let entry: CohoClientEntry = serde_json::from_str(text).map_err(|_| {
            "the stored Coho entry is not {\"clientId\": …, \"secret\": …}".to_owned()
        })?;
        let client_id = entry.client_id.trim().to_owned();
        let secret = ApiKey::from_secret_str(entry.secret.trim());
        if let Cow::Owned(mut unescaped) = entry.secret {
            unescaped.zeroize();
        }
        if client_id.is_empty() || secret.expose().is_empty() {
            return Err("the stored Coho client id or secret is empty".into());
        }
        return Ok(Credential::CohoClient { client_id, secret });
    }
    Ok(Credential::Key(ApiKey::from_secret_str(text)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use keyring_core::mock;
    use std::sync::atomic::{AtomicBool, Ordering};

    fn mock_store() -> Arc<CredentialStore> {
        mock::Store::new().unwrap()
    }

    /// Make the next call on the mock entry for `account` fail with `err`.
    fn inject(store: &Arc<CredentialStore>, account: &str, err: StoreError) {
        let entry = store.build(SERVICE, account, None).unwrap();
        let cred: &mock::Cred = entry.as_any().downcast_ref().unwrap();
        cred.set_error(err);
    }

    fn raw_secret(store: &Arc<CredentialStore>, account: &str) -> Vec<u8> {
        store
            .build(SERVICE, account, None)
            .unwrap()
            .get_secret()
            .unwrap()
    }

    fn key_of(cred: Option<Credential>) -> String {
        match cred {
            Some(Credential::Key(k)) => k.expose().to_owned(),
            other => panic!("expected a plain key, got {other:?}"),
        }
    }

    #[test]
    fn set_get_delete_round_trip() {
        let store = mock_store();
        let keys = KeyringKeys::with_store(store.clone());
        assert!(
            keys.credential_for("foldspace", VendorKind::Foldspace)
                .unwrap()
                .is_none()
        );
        let kind = keys
            .store("foldspace", &Credential::Key(ApiKey::new("fs-secret-1")))
            .unwrap();
        assert_eq!(kind, StoreKind::Injected);
        assert_eq!(raw_secret(&store, "foldspace"), b"fs-secret-1");
        assert_eq!(
            key_of(
                keys.credential_for("foldspace", VendorKind::Foldspace)
                    .unwrap()
            ),
            "fs-secret-1"
        );
        // Replacing keeps one entry with the new value.
        keys.store("foldspace", &Credential::Key(ApiKey::new("fs-secret-2")))
            .unwrap();
        assert_eq!(
            key_of(
                keys.credential_for("foldspace", VendorKind::Foldspace)
                    .unwrap()
            ),
            "fs-secret-2"
        );
        keys.delete("foldspace").unwrap();
        assert!(
            keys.credential_for("foldspace", VendorKind::Foldspace)
                .unwrap()
                .is_none()
        );
        assert_eq!(
            keys.delete("foldspace").unwrap_err(),
            KeyError::NotFound {
                connection: "foldspace".into()
            }
        );
    }

    #[test]
    fn account_is_the_lower_cased_connection_name() {
        let store = mock_store();
        let keys = KeyringKeys::with_store(store.clone());
        keys.store(" Coho-EU ", &Credential::Key(ApiKey::new("tok")))
            .unwrap();
        assert_eq!(raw_secret(&store, "coho-eu"), b"tok");
        assert_eq!(
            key_of(keys.credential_for("coho-eu", VendorKind::Coho).unwrap()),
            "tok"
        );
        // Another connection of the same vendor has its own entry.
        assert!(
            keys.credential_for("coho-us", VendorKind::Coho)
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn coho_client_credentials_are_one_structured_entry() {
        let store = mock_store();
        let keys = KeyringKeys::with_store(store.clone());
        let cred = Credential::CohoClient {
            client_id: "client-123".into(),
            secret: ApiKey::new("s3cr\"et\\x"),
        };
        keys.store("coho", &cred).unwrap();
        assert_eq!(
            String::from_utf8(raw_secret(&store, "coho")).unwrap(),
            r#"{"clientId":"client-123","secret":"s3cr\"et\\x"}"#
        );
        match keys.credential_for("coho", VendorKind::Coho).unwrap() {
            Some(Credential::CohoClient { client_id, secret }) => {
                assert_eq!(client_id, "client-123");
                assert_eq!(secret.expose(), "s3cr\"et\\x");
            }
            other => panic!("expected client credentials, got {other:?}"),
        }
        // A plain token under a Coho connection stays a token.
        keys.store("coho-us", &Credential::Key(ApiKey::new("eyJtoken")))
            .unwrap();
        assert_eq!(
            key_of(keys.credential_for("coho-us", VendorKind::Coho).unwrap()),
            "eyJtoken"
        );
    }

    #[test]
    fn unusable_stored_values_are_bad_data_without_the_value() {
        let store = mock_store();
        let keys = KeyringKeys::with_store(store.clone());
        let entry = store.build(SERVICE, "coho", None).unwrap();
        entry.set_secret(br#"{"clientId":"x"}"#).unwrap();
        let err = keys.credential_for("coho", VendorKind::Coho).unwrap_err();
        assert!(
            matches!(&err, KeyError::BadData { connection, .. } if connection == "coho"),
            "{err:?}"
        );
        assert!(err.to_string().contains("userscope keys set coho"), "{err}");
        store
            .build(SERVICE, "chakra", None)
            .unwrap()
            .set_secret(&[0xff, 0xfe])
            .unwrap();
        let err = keys
            .credential_for("chakra", VendorKind::Chakra)
            .unwrap_err();
        assert!(err.to_string().contains("not UTF-8"), "{err}");
        store
            .build(SERVICE, "vemetric", None)
            .unwrap()
            .set_secret(b"  \n")
            .unwrap();
        let err = keys
            .credential_for("vemetric", VendorKind::Vemetric)
            .unwrap_err();
        assert!(err.to_string().contains("empty"), "{err}");
    }

    #[test]
    fn locked_keyring_is_not_reported_as_no_key() {
        let store = mock_store();
        let locked = Arc::new(AtomicBool::new(true));
        let flag = locked.clone();
        let keys = KeyringKeys::with_store_and_check(store, move || {
            if flag.load(Ordering::SeqCst) {
                Err(KeyError::Locked {
                    detail: "collection locked".into(),
                })
            } else {
                Ok(())
            }
        });
        let err = keys
            .credential_for("foldspace", VendorKind::Foldspace)
            .unwrap_err();
        assert!(matches!(err, KeyError::Locked { .. }), "{err:?}");
        assert!(matches!(
            keys.delete("foldspace").unwrap_err(),
            KeyError::Locked { .. }
        ));
        locked.store(false, Ordering::SeqCst);
        assert!(
            keys.credential_for("foldspace", VendorKind::Foldspace)
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn injected_store_errors_map_to_distinct_key_errors() {
        let store = mock_store();
        let keys = KeyringKeys::with_store(store.clone());
        let read = |err: StoreError| {
            inject(&store, "chakra", err);
            keys.credential_for("chakra", VendorKind::Chakra)
                .unwrap_err()
        };
        let denied = read(StoreError::NoStorageAccess(Box::new(
            std::io::Error::other("user said no"),
        )));
        assert_eq!(
            denied,
            KeyError::PermissionDenied {
                detail: "user said no".into(),
                hint: permission_hint(StoreKind::Injected)
            }
        );
        assert!(
            denied
                .to_string()
                .starts_with("the keyring refused access (user said no): unlock"),
            "{denied}"
        );
        let garbled = read(StoreError::BadEncoding(vec![0xff, 0x00]));
        assert!(matches!(garbled, KeyError::BadData { .. }), "{garbled:?}");
        let failed = read(StoreError::PlatformFailure(Box::new(
            std::io::Error::other("boom"),
        )));
        assert_eq!(
            failed,
            KeyError::Unavailable("the keyring failed: Platform failure: boom".into())
        );
        // Errors on write and delete go through the same mapping.
        inject(
            &store,
            "chakra",
            StoreError::NoStorageAccess(Box::new(std::io::Error::other("no"))),
        );
        assert!(matches!(
            keys.store("chakra", &Credential::Key(ApiKey::new("k")))
                .unwrap_err(),
            KeyError::PermissionDenied { .. }
        ));
        inject(&store, "chakra", StoreError::Ambiguous(vec![]));
        let ambiguous = keys.delete("chakra").unwrap_err();
        assert!(
            ambiguous
                .to_string()
                .contains("secret-tool clear service userscope username chakra"),
            "{ambiguous}"
        );
    }

    #[test]
    fn a_store_that_cannot_open_reports_why_and_is_retried() {
        let attempts = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = attempts.clone();
        let keys = KeyringKeys {
            kind: StoreKind::SecretService,
            opener: Box::new(move || {
                counter.fetch_add(1, Ordering::SeqCst);
                Err(KeyError::NoSessionBus {
                    detail: "no bus".into(),
                })
            }),
            opened: Mutex::new(None),
        };
        for _ in 0..2 {
            let err = keys.credential_for("coho", VendorKind::Coho).unwrap_err();
            assert!(err.to_string().starts_with("no D-Bus session bus"), "{err}");
        }
        assert_eq!(attempts.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn a_broken_connection_is_reopened_on_the_next_call() {
        let store = mock_store();
        let opens = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let (counter, shared) = (opens.clone(), store.clone());
        let keys = KeyringKeys {
            kind: StoreKind::SecretService,
            opener: Box::new(move || {
                counter.fetch_add(1, Ordering::SeqCst);
                Ok(OpenStore::new(shared.clone(), false, Arc::new(|| Ok(()))))
            }),
            opened: Mutex::new(None),
        };
        assert!(
            keys.credential_for("coho", VendorKind::Coho)
                .unwrap()
                .is_none()
        );
        assert!(
            keys.credential_for("coho", VendorKind::Coho)
                .unwrap()
                .is_none()
        );
        assert_eq!(opens.load(Ordering::SeqCst), 1, "an open store is kept");
        inject(
            &store,
            "coho",
            StoreError::PlatformFailure(Box::new(std::io::Error::other("bus gone"))),
        );
        assert!(matches!(
            keys.credential_for("coho", VendorKind::Coho).unwrap_err(),
            KeyError::Unavailable(_)
        ));
        assert!(
            keys.credential_for("coho", VendorKind::Coho)
                .unwrap()
                .is_none()
        );
        assert_eq!(
            opens.load(Ordering::SeqCst),
            2,
            "reconnected after the failure"
        );
    }

    #[test]
    fn keyring_choice_from_the_environment() {
        assert_eq!(choose_store(None).unwrap(), platform_default());
        assert_eq!(choose_store(Some(" ")).unwrap(), platform_default());
        #[cfg(target_os = "linux")]
        assert_eq!(
            choose_store(Some("keyutils")).unwrap(),
            StoreKind::KernelKeyutils
        );
        let err = choose_store(Some("vault")).unwrap_err();
        assert!(err.to_string().contains("use `keyutils`"), "{err}");
    }
}
