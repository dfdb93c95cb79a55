//! API keys: a redacting wrapper and the one small interface every key store sits behind.
//!
//! Resolution order (design §5): `USERSCOPE_<CONNECTION>_API_KEY` in the environment first, then
//! the OS keyring (service `userscope`, account = connection name). [`default_key_source`] builds
//! exactly that chain; `get`, `vendors`, `keys` and the TUI all use it.

use std::fmt;
use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroize;

use crate::error::LookupError;
use crate::vendors::{Connection, VendorKind};

mod keyring;
#[cfg(target_os = "linux")]
mod linux;
mod shape;

pub use keyring::{KeyringKeys, SERVICE, StoreKind};
pub use shape::{control_character_refusal, shape_warning};

/// An API key (or secret). `Debug`/`Display` print `[redacted]`; memory is zeroized on drop.
#[derive(Clone)]
pub struct ApiKey(SecretString);

impl ApiKey {
    /// Takes ownership of the string, copies it into the zeroizing box and wipes the original.
    pub fn new(key: impl Into<String>) -> Self {
        let mut owned: String = key.into();
        let key = ApiKey::from_secret_str(&owned);
        owned.zeroize();
        key
    }

    /// Copies a borrowed secret straight into the zeroizing box. The copy is allocated with the
    /// exact length so `SecretString::from` does not reallocate (a reallocation would leave an
    /// unwiped copy behind in freed memory).
    pub fn from_secret_str(key: &str) -> Self {
        let mut exact = String::with_capacity(key.len());
        exact.push_str(key);
        ApiKey(SecretString::from(exact))
    }

    /// The key itself. Only for building the auth header or storing it in the keyring.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// What a connection authenticates with.
#[derive(Clone, Debug)]
pub enum Credential {
    /// A key (or a ready access token) sent as is.
    Key(ApiKey),
    /// A client id + secret, exchanged for short-lived tokens by vendors that take them
    /// (`VendorKind::accepts_client_credentials`).
    ClientCredentials { client_id: String, secret: ApiKey },
}

impl Credential {
    /// A few words for messages: "API key" or "client id + secret" (never the value).
    pub fn kind_text(&self) -> &'static str {
        match self {
            Credential::Key(_) => "API key",
            Credential::ClientCredentials { .. } => "client id + secret",
        }
    }
}

/// The generic name of a connection's key variable, for messages written before the
/// connection is known; [`KeyError::for_connection`] puts the real name in its place.
pub const GENERIC_KEY_VAR: &str = "USERSCOPE_<CONNECTION>_API_KEY";

/// The first registered vendor's key variable (`USERSCOPE_<VENDOR>_API_KEY`), for examples
/// that are about no connection in particular.
pub fn example_key_var() -> String {
    VendorKind::all().next().map_or_else(
        || "USERSCOPE_VENDOR_API_KEY".to_owned(),
        |v| api_key_var(v.as_str()),
    )
}

/// Where a credential was found, for `keys list` and messages (never the value).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyOrigin {
    Env(String),
    Keyring,
    Demo,
}

impl fmt::Display for KeyOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyOrigin::Env(var) => write!(f, "env {var}"),
            KeyOrigin::Keyring => f.write_str("keyring"),
            KeyOrigin::Demo => f.write_str("demo key"),
        }
    }
}

/// Why a key store could not answer. Distinct states so a locked keyring is never "no key",
/// and each message says how to fix it. `detail` fields keep the platform's own words for logs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// No D-Bus session bus (Linux Secret Service).
    #[error(
        "no D-Bus session bus, so the Secret Service keyring cannot be reached: run userscope in a desktop session (or inside `dbus-run-session` with a keyring daemon), set {var} instead, or on a headless server opt in to the kernel keyring with USERSCOPE_KEYRING=keyutils",
        var = key_var_text(.key_var)
    )]
    NoSessionBus {
        detail: String,
        /// The connection's own key variable once known (`for_connection`).
        key_var: Option<String>,
    },

    /// A session bus, but nothing provides `org.freedesktop.secrets`.
    #[error(
        "no Secret Service provider on the session bus (nothing answers org.freedesktop.secrets): install and start one (e.g. `apt install gnome-keyring`, then log in again or run `gnome-keyring-daemon --start --components=secrets`), or set {var} instead",
        var = key_var_text(.key_var)
    )]
    NoProvider {
        detail: String,
        /// The connection's own key variable once known (`for_connection`).
        key_var: Option<String>,
    },

    /// The keyring is locked (or its default collection has not been created yet). Reads from a
    /// locked Secret Service find nothing, so this is checked explicitly.
    #[error(
        "the keyring is locked (or not set up yet), so userscope cannot read or store keys: unlock it (log in to the desktop session, or run `gnome-keyring-daemon --unlock` and type the keyring password on stdin) and try again"
    )]
    Locked { detail: String },

    /// The item does not exist (only an error where an item is required, e.g. `keys delete`).
    #[error(
        "no key stored for `{connection}` in the keyring: store one with `userscope keys set {connection}`"
    )]
    NotFound { connection: String },

    /// The store refused access.
    #[error("the keyring refused access ({detail}): {hint}")]
    PermissionDenied { detail: String, hint: String },

    /// The stored value cannot be used (not UTF-8, malformed client-credentials entry, empty).
    #[error(
        "the keyring item for `{connection}` is not usable ({why}): store the key again with `userscope keys set {connection}`"
    )]
    BadData { connection: String, why: String },

    /// Anything else the store reported; the message names the store and its error.
    #[error("{0}")]
    Unavailable(String),
}

fn key_var_text(key_var: &Option<String>) -> &str {
    key_var.as_deref().unwrap_or(GENERIC_KEY_VAR)
}

impl KeyError {
    /// The same error with its hint naming this connection's own variable
    /// (`USERSCOPE_USERCOM_API_KEY` for `usercom`), so the fix can be pasted as it is.
    #[must_use]
    pub fn for_connection(self, connection: &str) -> KeyError {
        let var = api_key_var(connection.trim());
        let named = |text: String| text.replace(GENERIC_KEY_VAR, &var);
        match self {
            KeyError::NoSessionBus { detail, .. } => KeyError::NoSessionBus {
                detail,
                key_var: Some(var),
            },
            KeyError::NoProvider { detail, .. } => KeyError::NoProvider {
                detail,
                key_var: Some(var),
            },
            KeyError::PermissionDenied { detail, hint } => KeyError::PermissionDenied {
                detail,
                hint: named(hint),
            },
            KeyError::Unavailable(text) => KeyError::Unavailable(named(text)),
            other => other,
        }
    }
}

impl From<KeyError> for LookupError {
    /// Every key-store failure ends `get` with exit code 4 (design §4).
    fn from(err: KeyError) -> Self {
        LookupError::KeyStore(err.to_string())
    }
}

/// One small interface for every key source (env, OS keyring, demo keys).
pub trait KeySource: Send + Sync {
    /// `Ok(None)`: this source has no key for the connection.
    fn credential(&self, conn: &Connection) -> Result<Option<(Credential, KeyOrigin)>, KeyError>;

    /// Whether `credential` answers from memory, never blocking: callers may then skip the
    /// blocking-thread hop (which, once per lookup, grew tokio's pool on long bulk runs).
    fn answers_from_memory(&self) -> bool {
        false
    }
}

/// The key source every command and the TUI use: the environment first, then the OS keyring
/// (Secret Service on Linux, or the kernel keyring with `USERSCOPE_KEYRING=keyutils`; Keychain
/// on macOS; Credential Manager on Windows). The keyring is opened lazily, on the first lookup
/// the environment cannot answer, so scripts that use env vars never touch D-Bus.
///
/// Keyring reads block (D-Bus round trips); async callers should call `credential` from
/// `tokio::task::spawn_blocking` where a stall matters.
pub fn default_key_source() -> Arc<dyn KeySource> {
    Arc::new(ChainedKeys(vec![
        Box::new(EnvKeys::from_process_env()),
        Box::new(KeyringKeys::os()),
    ]))
}

/// Store a plain API key (or ready access token) for a connection in the OS keyring.
/// `connection` is the connection or vendor name (the keyring account; lower-cased).
/// Returns the store it went to, for the confirmation message. Blocks (D-Bus).
pub fn store_key(connection: &str, key: &ApiKey) -> Result<StoreKind, KeyError> {
    KeyringKeys::os().store(connection, &Credential::Key(key.clone()))
}

/// Store any credential (e.g. a client id + secret) for a connection in the OS keyring.
pub fn store_credential(connection: &str, credential: &Credential) -> Result<StoreKind, KeyError> {
    KeyringKeys::os().store(connection, credential)
}

/// Remove a connection's key from the OS keyring; `KeyError::NotFound` when there was none.
pub fn delete_key(connection: &str) -> Result<StoreKind, KeyError> {
    KeyringKeys::os().delete(connection)
}

/// The env-var stem of a connection: `crm-eu` → `CRM_EU`.
pub fn env_stem(connection_name: &str) -> String {
    connection_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// `USERSCOPE_<CONNECTION>_API_KEY`.
pub fn api_key_var(connection_name: &str) -> String {
    format!("USERSCOPE_{}_API_KEY", env_stem(connection_name))
}

/// `USERSCOPE_<CONNECTION>_CLIENT_ID`: the client id of vendors with a token exchange.
pub fn client_id_var(connection_name: &str) -> String {
    format!("USERSCOPE_{}_CLIENT_ID", env_stem(connection_name))
}

/// The client-secret variables, in the order they are read: `_CLIENT_SECRET`, then `_SECRET`.
pub fn client_secret_vars(connection_name: &str) -> [String; 2] {
    let stem = env_stem(connection_name);
    [
        format!("USERSCOPE_{stem}_CLIENT_SECRET"),
        format!("USERSCOPE_{stem}_SECRET"),
    ]
}

/// Keys from `USERSCOPE_<CONNECTION>_API_KEY` (and `_CLIENT_ID` + `_CLIENT_SECRET`, or the older
/// `_SECRET`, for vendors that take client credentials).
pub struct EnvKeys<F = fn(&str) -> Option<String>> {
    lookup: F,
}

impl EnvKeys {
    pub fn from_process_env() -> Self {
        EnvKeys {
            lookup: |name| std::env::var(name).ok(),
        }
    }
}

impl<F: Fn(&str) -> Option<String>> EnvKeys<F> {
    /// An env source over any lookup function (tests pass a map).
    pub fn with_lookup(lookup: F) -> Self {
        EnvKeys { lookup }
    }

    fn non_empty(&self, name: &str) -> Option<String> {
        let mut value = (self.lookup)(name)?;
        if value.trim().is_empty() {
            value.zeroize();
            return None;
        }
        Some(value)
    }

    /// The env credential of a connection by name and vendor (no URL needed; `keys list`).
    pub fn credential_for(
        &self,
        connection: &str,
        vendor: VendorKind,
    ) -> Option<(Credential, KeyOrigin)> {
        let key_var = api_key_var(connection);
        if let Some(mut key) = self.non_empty(&key_var) {
            let found = Credential::Key(ApiKey::from_secret_str(key.trim()));
            key.zeroize();
            return Some((found, KeyOrigin::Env(key_var)));
        }
        if vendor.accepts_client_credentials() {
            let id_var = client_id_var(connection);
            let client_id = self.non_empty(&id_var)?;
            // `_CLIENT_SECRET` is the name people guess first; `_SECRET` was the only one read
            // before and keeps working.
            let (mut secret, secret_var) = client_secret_vars(connection)
                .into_iter()
                .find_map(|var| self.non_empty(&var).map(|value| (value, var)))?;
            let found = Credential::ClientCredentials {
                client_id: client_id.trim().to_owned(),
                secret: ApiKey::from_secret_str(secret.trim()),
            };
            secret.zeroize();
            return Some((found, KeyOrigin::Env(format!("{id_var} + {secret_var}"))));
        }
        None
    }
}

impl<F: Fn(&str) -> Option<String> + Send + Sync> KeySource for EnvKeys<F> {
    fn credential(&self, conn: &Connection) -> Result<Option<(Credential, KeyOrigin)>, KeyError> {
        Ok(self.credential_for(&conn.name, conn.vendor))
    }
}

/// Sources asked in order; the first that has a key wins (env before keyring, design §5).
pub struct ChainedKeys(pub Vec<Box<dyn KeySource>>);

impl KeySource for ChainedKeys {
    fn credential(&self, conn: &Connection) -> Result<Option<(Credential, KeyOrigin)>, KeyError> {
        for source in &self.0 {
            if let Some(found) = source.credential(conn)? {
                return Ok(Some(found));
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_redact() {
        let key = ApiKey::new("vem_supersecret");
        assert_eq!(format!("{key:?} {key}"), "[redacted] [redacted]");
        let cred = Credential::ClientCredentials {
            client_id: "cid".into(),
            secret: key,
        };
        assert!(!format!("{cred:?}").contains("supersecret"));
    }

    #[test]
    fn api_key_keeps_the_exact_value() {
        let mut with_spare_capacity = String::with_capacity(64);
        with_spare_capacity.push_str("abc");
        assert_eq!(ApiKey::new(with_spare_capacity).expose(), "abc");
        assert_eq!(ApiKey::from_secret_str("").expose(), "");
    }

    #[test]
    fn env_var_names_follow_the_connection() {
        assert_eq!(api_key_var("crm"), "USERSCOPE_CRM_API_KEY");
        assert_eq!(api_key_var("crm-eu.2"), "USERSCOPE_CRM_EU_2_API_KEY");
        let first = VendorKind::all().next().unwrap();
        assert_eq!(example_key_var(), api_key_var(first.as_str()));
    }

    /// A vendor that takes only plain keys, and one that also takes client credentials.
    fn plain_vendor() -> VendorKind {
        VendorKind::all()
            .find(|v| !v.accepts_client_credentials())
            .unwrap()
    }

    fn client_vendor() -> VendorKind {
        VendorKind::all()
            .find(|v| v.accepts_client_credentials())
            .unwrap()
    }

    #[test]
    fn env_keys_trim_and_ignore_blank_values() {
        let env = EnvKeys::with_lookup(|name: &str| match name {
            "USERSCOPE_CRM_API_KEY" => Some("  crm-key \n".to_owned()),
            "USERSCOPE_BLANK_API_KEY" => Some("   ".to_owned()),
            "USERSCOPE_CRM_EU_CLIENT_ID" => Some("cid".to_owned()),
            "USERSCOPE_CRM_EU_SECRET" => Some("csecret".to_owned()),
            _ => None,
        });
        let (cred, origin) = env.credential_for("crm", plain_vendor()).unwrap();
        assert!(matches!(&cred, Credential::Key(k) if k.expose() == "crm-key"));
        assert_eq!(origin, KeyOrigin::Env("USERSCOPE_CRM_API_KEY".into()));
        assert!(env.credential_for("blank", plain_vendor()).is_none());
        let (cred, origin) = env.credential_for("crm-eu", client_vendor()).unwrap();
        assert!(
            matches!(&cred, Credential::ClientCredentials { client_id, secret } if client_id == "cid" && secret.expose() == "csecret")
        );
        assert_eq!(
            origin,
            KeyOrigin::Env("USERSCOPE_CRM_EU_CLIENT_ID + USERSCOPE_CRM_EU_SECRET".into())
        );
        // Vendors that take only plain keys ignore client credentials in the environment.
        assert!(env.credential_for("crm-eu", plain_vendor()).is_none());
    }

    fn connection(name: &str, vendor: VendorKind) -> Connection {
        Connection {
            name: name.into(),
            vendor,
            base_url: url::Url::parse("http://127.0.0.1:1").unwrap(),
            auth_url: None,
        }
    }

    #[test]
    fn resolution_order_is_env_then_keyring() {
        let store: Arc<keyring_core::CredentialStore> = keyring_core::mock::Store::new().unwrap();
        let keyring = KeyringKeys::with_store(store.clone());
        keyring
            .store("crm", &Credential::Key(ApiKey::new("from-keyring")))
            .unwrap();
        keyring
            .store(
                "helpdesk",
                &Credential::Key(ApiKey::new("helpdesk-keyring")),
            )
            .unwrap();
        let env = EnvKeys::with_lookup(|name: &str| {
            (name == "USERSCOPE_CRM_API_KEY").then(|| "from-env".to_owned())
        });
        let chain = ChainedKeys(vec![
            Box::new(env),
            Box::new(KeyringKeys::with_store(store.clone())),
        ]);
        let found = |name: &str, vendor| {
            let (cred, origin) = chain
                .credential(&connection(name, vendor))
                .unwrap()
                .unwrap();
            match cred {
                Credential::Key(k) => (k.expose().to_owned(), origin),
                other => panic!("{other:?}"),
            }
        };
        assert_eq!(
            found("crm", plain_vendor()),
            (
                "from-env".into(),
                KeyOrigin::Env("USERSCOPE_CRM_API_KEY".into())
            )
        );
        assert_eq!(
            found("helpdesk", plain_vendor()),
            ("helpdesk-keyring".into(), KeyOrigin::Keyring)
        );
        assert!(
            chain
                .credential(&connection("analytics", plain_vendor()))
                .unwrap()
                .is_none()
        );
        // A keyring failure is reported, not taken as "no key"; env still wins without asking it.
        let entry = store.build(SERVICE, "helpdesk", None).unwrap();
        let mock: &keyring_core::mock::Cred = entry.as_any().downcast_ref().unwrap();
        mock.set_error(keyring_core::Error::NoStorageAccess(Box::new(
            std::io::Error::other("denied"),
        )));
        let err = chain
            .credential(&connection("helpdesk", plain_vendor()))
            .unwrap_err();
        assert!(matches!(err, KeyError::PermissionDenied { .. }), "{err:?}");
    }

    #[test]
    fn client_secret_is_read_from_client_secret_first_then_secret() {
        let both = EnvKeys::with_lookup(|name: &str| match name {
            "USERSCOPE_CRM_US_CLIENT_ID" => Some("cid".to_owned()),
            "USERSCOPE_CRM_US_CLIENT_SECRET" => Some("new".to_owned()),
            "USERSCOPE_CRM_US_SECRET" => Some("old".to_owned()),
            _ => None,
        });
        let (cred, origin) = both.credential_for("crm-us", client_vendor()).unwrap();
        assert!(
            matches!(&cred, Credential::ClientCredentials { secret, .. } if secret.expose() == "new")
        );
        assert_eq!(
            origin,
            KeyOrigin::Env("USERSCOPE_CRM_US_CLIENT_ID + USERSCOPE_CRM_US_CLIENT_SECRET".into())
        );
        let only_client_secret = EnvKeys::with_lookup(|name: &str| match name {
            "USERSCOPE_CRM_CLIENT_ID" => Some("cid".to_owned()),
            "USERSCOPE_CRM_CLIENT_SECRET" => Some("s".to_owned()),
            _ => None,
        });
        assert!(
            only_client_secret
                .credential_for("crm", client_vendor())
                .is_some()
        );
        let no_id = EnvKeys::with_lookup(|name: &str| {
            (name == "USERSCOPE_CRM_CLIENT_SECRET").then(|| "s".to_owned())
        });
        assert!(no_id.credential_for("crm", client_vendor()).is_none());
    }

    #[test]
    fn keyring_hints_name_the_connections_own_variable() {
        let generic = KeyError::NoSessionBus {
            detail: "no bus".into(),
            key_var: None,
        };
        assert!(
            generic
                .to_string()
                .contains("set USERSCOPE_<CONNECTION>_API_KEY instead")
        );
        let named = generic.for_connection("crm-us").to_string();
        assert!(
            named.contains("set USERSCOPE_CRM_US_API_KEY instead"),
            "{named}"
        );
        let provider = KeyError::NoProvider {
            detail: String::new(),
            key_var: None,
        }
        .for_connection("help-desk");
        assert!(
            provider
                .to_string()
                .contains("or set USERSCOPE_HELP_DESK_API_KEY instead")
        );
        let unavailable = KeyError::Unavailable(format!("set {GENERIC_KEY_VAR} instead"));
        assert_eq!(
            unavailable.for_connection("crm").to_string(),
            "set USERSCOPE_CRM_API_KEY instead"
        );
    }

    #[test]
    fn key_errors_become_exit_code_4_with_the_fix() {
        let err: LookupError = KeyError::Locked {
            detail: "Locked".into(),
        }
        .into();
        assert_eq!(err.exit_code(), 4);
        assert!(err.to_string().contains("the keyring is locked"), "{err}");
        assert!(
            err.to_string().contains("gnome-keyring-daemon --unlock"),
            "{err}"
        );
    }
}
