//! The bytes stored in a keyring entry. A plain key is stored as its UTF-8 text. Client
//! credentials (for vendors with a token exchange) are stored as ONE entry holding
//! `{"clientId":"…","secret":"…"}`, so setting or deleting them is atomic (no half-configured
//! connection with an id but no secret) and one item per connection shows in the keyring UI and
//! in `secret-tool search service userscope`. The format is fixed: existing keyrings hold it.

use std::borrow::Cow;

use zeroize::{Zeroize, Zeroizing};

use crate::secrets::{ApiKey, Credential};
use crate::vendors::VendorKind;

/// Longest stored value accepted when reading (keys are short; this bounds a corrupt item).
pub(super) const MAX_STORED_BYTES: usize = 64 * 1024;

/// The stored form of client credentials (one entry, see the module docs).
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ClientEntry<'a> {
    #[serde(borrow)]
    client_id: Cow<'a, str>,
    #[serde(borrow)]
    secret: Cow<'a, str>,
}

/// The bytes stored for a credential. Written into a buffer sized for the worst case so
/// serde_json never reallocates (a reallocation leaves an unwiped copy in freed memory).
pub(super) fn encode(credential: &Credential) -> Zeroizing<Vec<u8>> {
    match credential {
        Credential::Key(key) => {
            let mut bytes = Zeroizing::new(Vec::with_capacity(key.expose().len()));
            bytes.extend_from_slice(key.expose().as_bytes());
            bytes
        }
        Credential::ClientCredentials { client_id, secret } => {
            // Each byte escapes to at most 6 (`\u00XX`); plus the fixed keys and punctuation.
            let worst = 32 + 6 * (client_id.len() + secret.expose().len());
            let mut bytes = Zeroizing::new(Vec::with_capacity(worst));
            let entry = ClientEntry {
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

/// A stored value back to a credential. For vendors that take client credentials, entries that
/// look like JSON must be the structured client entry; everything else is a plain key. Errors say what is wrong, never
/// what the value is.
pub(super) fn decode(bytes: &[u8], vendor: VendorKind) -> Result<Credential, String> {
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
    if vendor.accepts_client_credentials() && text.starts_with('{') {
        let entry: ClientEntry = serde_json::from_str(text).map_err(|_| {
            format!(
                "the stored {} entry is not {{\"clientId\": …, \"secret\": …}}",
                vendor.display_name()
            )
        })?;
        let client_id = entry.client_id.trim().to_owned();
        let secret = ApiKey::from_secret_str(entry.secret.trim());
        if let Cow::Owned(mut unescaped) = entry.secret {
            unescaped.zeroize();
        }
        if client_id.is_empty() || secret.expose().is_empty() {
            return Err(format!(
                "the stored {} client id or secret is empty",
                vendor.display_name()
            ));
        }
        return Ok(Credential::ClientCredentials { client_id, secret });
    }
    Ok(Credential::Key(ApiKey::from_secret_str(text)))
}
