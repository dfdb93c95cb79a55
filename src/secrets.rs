//! API keys: a redacting wrapper and the one small interface every key store sits behind.
//! The env source lives here; the OS keyring plugs in as another `KeySource`.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};

use crate::vendor::{Connection, VendorKind};

/// An API key (or secret). `Debug`/`Display` print `[redacted]`; memory is zeroized on drop.
#[derive(Clone)]
pub struct ApiKey(SecretString);

impl ApiKey {
    pub fn new(key: impl Into<String>) -> Self {
        ApiKey(SecretString::from(key.into()))
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
    /// A key (or a ready Coho access token) sent as is.
    Key(ApiKey),
    /// Coho: exchanged for a short-lived access token.
    CohoClient { client_id: String, secret: ApiKey },
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

/// Why a key store could not answer. Distinct states so a locked keyring is never "no key".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("{0}")]
    Unavailable(String),
}

/// One small interface for every key source (env, OS keyring, demo keys).
pub trait KeySource: Send + Sync {
    /// `Ok(None)`: this source has no key for the connection.
    fn credential(&self, conn: &Connection) -> Result<Option<(Credential, KeyOrigin)>, KeyError>;
}

/// The env-var stem of a connection: `coho-eu` → `COHO_EU`.
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

/// Keys from `USERSCOPE_<CONNECTION>_API_KEY` (and Coho's `_CLIENT_ID` + `_SECRET`).
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
        (self.lookup)(name).filter(|v| !v.trim().is_empty())
    }
}

impl<F: Fn(&str) -> Option<String> + Send + Sync> KeySource for EnvKeys<F> {
    fn credential(&self, conn: &Connection) -> Result<Option<(Credential, KeyOrigin)>, KeyError> {
        let key_var = api_key_var(&conn.name);
        if let Some(key) = self.non_empty(&key_var) {
            return Ok(Some((Credential::Key(ApiKey::new(key.trim())), KeyOrigin::Env(key_var))));
        }
        if conn.vendor == VendorKind::Coho {
            let stem = env_stem(&conn.name);
            let id_var = format!("USERSCOPE_{stem}_CLIENT_ID");
            let secret_var = format!("USERSCOPE_{stem}_SECRET");
            if let (Some(client_id), Some(secret)) = (self.non_empty(&id_var), self.non_empty(&secret_var)) {
                return Ok(Some((
                    Credential::CohoClient {
                        client_id: client_id.trim().to_owned(),
                        secret: ApiKey::new(secret.trim()),
                    },
                    KeyOrigin::Env(format!("{id_var} + {secret_var}")),
                )));
            }
        }
        Ok(None)
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
        let cred = Credential::CohoClient {
            client_id: "cid".into(),
            secret: key,
        };
        assert!(!format!("{cred:?}").contains("supersecret"));
    }

    #[test]
    fn env_var_names_follow_the_connection() {
        assert_eq!(api_key_var("coho"), "USERSCOPE_COHO_API_KEY");
        assert_eq!(api_key_var("coho-eu"), "USERSCOPE_COHO_EU_API_KEY");
    }
}
