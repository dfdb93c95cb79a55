//! Request headers as sent and response headers as recorded, with every secret redacted.

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::{Outgoing, REDACTED, USER_AGENT};
use crate::error::LookupError;
use crate::sanitize::sanitize;

pub(super) fn build_headers(
    out: &Outgoing<'_>,
) -> Result<(HeaderMap, Vec<(String, String)>), LookupError> {
    let mut headers = HeaderMap::new();
    let mut shown = vec![("user-agent".to_owned(), USER_AGENT.to_owned())];
    for (name, value) in out.headers {
        let header_name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| LookupError::Usage(format!("invalid header name {name}")))?;
        let header_value = HeaderValue::from_str(value).map_err(|_| {
            LookupError::Usage(format!("the value of header {name} cannot be sent in HTTP"))
        })?;
        headers.insert(header_name, header_value);
        shown.push(((*name).to_owned(), sanitize(value).into_owned()));
    }
    if out.json_body.is_some() {
        headers.insert(
            reqwest::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        shown.push(("content-type".to_owned(), "application/json".to_owned()));
    }
    if let Some(auth) = out.auth {
        let name = HeaderName::from_bytes(auth.placement.header.as_bytes()).map_err(|_| {
            LookupError::Usage(format!("invalid header name {}", auth.placement.header))
        })?;
        // Never echo the key in this message: only say what is wrong with it.
        let mut value = HeaderValue::from_str(&auth.placement.header_value(auth.key)).map_err(|_| {
            LookupError::KeyStore(
                "the stored API key contains characters that cannot go in an HTTP header (a line break or control character?); set it again".to_owned(),
            )
        })?;
        value.set_sensitive(true);
        headers.insert(name, value);
        shown.push((
            auth.placement.header.to_owned(),
            auth.placement.shown_value(REDACTED),
        ));
    }
    Ok((headers, shown))
}

/// Response headers for display: secret-looking names, and any value that echoes a secret,
/// are redacted; the rest is sanitized.
pub fn record_response_headers(headers: &HeaderMap, secrets: &[&str]) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            let name = name.as_str().to_owned();
            let text = String::from_utf8_lossy(value.as_bytes());
            let shown = if name_looks_secret(&name) || contains_secret(&text, secrets) {
                REDACTED.to_owned()
            } else {
                sanitize(&text).into_owned()
            };
            (name, shown)
        })
        .collect()
}

fn name_looks_secret(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name == "authorization"
        || name == "proxy-authorization"
        || name.contains("cookie")
        || name.contains("key")
        || name.contains("token")
        || name.contains("secret")
}

fn contains_secret(text: &str, secrets: &[&str]) -> bool {
    secrets.iter().any(|s| !s.is_empty() && text.contains(s))
}

/// Replace every occurrence of a secret with `[redacted]`.
pub fn redact(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_owned();
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        if out.contains(secret) {
            out = out.replace(secret, REDACTED);
        }
    }
    out
}
