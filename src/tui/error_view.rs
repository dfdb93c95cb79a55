//! A failed lookup as a screen state: what happened, the status, and how to fix it.

use std::time::{Duration, Instant};

use crate::error::LookupError;
use crate::sanitize::sanitize;
use crate::tui::keymap::{Action, KeyMap};

/// How long to wait before an automatic retry when the vendor did not say.
const DEFAULT_RETRY_WAIT: Duration = Duration::from_secs(10);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    Usage,
    NotFound,
    NoKey,
    KeyRejected,
    KeyStore,
    RateLimited,
    Network,
    Timeout,
    Server,
    InvalidBody,
    TooLarge,
}

/// A failed lookup as a screen state: what happened and how to fix it.
#[derive(Clone, Debug)]
pub struct ErrorView {
    pub kind: ErrorKind,
    pub title: String,
    /// The full one-line message (sanitized).
    pub message: String,
    pub fix: Option<String>,
    pub status: Option<u16>,
    /// Rate limited: when the automatic retry starts.
    pub retry_at: Option<Instant>,
}

impl ErrorView {
    pub fn from_error(err: &LookupError, keymap: &KeyMap, now: Instant) -> ErrorView {
        let set_key = keymap.key_for(Action::SetKey);
        let (kind, title, fix, status) = match err {
            LookupError::Usage(_) => (ErrorKind::Usage, "Cannot run this lookup".to_owned(), None, None),
            LookupError::NotFound { vendor, .. } => (
                ErrorKind::NotFound,
                format!("No such user at {vendor}"),
                Some(format!(
                    "Check the value and the lookup kind ({} changes it), then press Enter.",
                    keymap.key_for(Action::ToggleKind)
                )),
                Some(404),
            ),
            LookupError::NoKey { .. } => (
                ErrorKind::NoKey,
                "No API key".to_owned(),
                Some(format!("Enter the key in the dialog ({set_key} opens it); it is saved to the OS keyring.")),
                None,
            ),
            LookupError::KeyRejected { status, .. } => (
                ErrorKind::KeyRejected,
                "Key rejected".to_owned(),
                Some(format!("Enter a new key in the dialog ({set_key} opens it); it replaces the stored one.")),
                Some(*status),
            ),
            LookupError::KeyStore(_) => (
                ErrorKind::KeyStore,
                "Key store unavailable".to_owned(),
                Some("Unlock or start the OS keyring, or set the USERSCOPE_<VENDOR>_API_KEY variable.".to_owned()),
                None,
            ),
            LookupError::RateLimited { .. } => (
                ErrorKind::RateLimited,
                "Rate limited".to_owned(),
                Some("The lookup is retried when the countdown ends; Enter retries now.".to_owned()),
                Some(429),
            ),
            LookupError::Network { .. } => (
                ErrorKind::Network,
                "Network error".to_owned(),
                Some("Check the network and the connection's base URL; Enter retries.".to_owned()),
                None,
            ),
            LookupError::NotHttp { .. } => (
                ErrorKind::Network,
                "No HTTP answer".to_owned(),
                Some("Something answered that is not an HTTP server: check the connection's base URL and port; Enter retries.".to_owned()),
                None,
            ),
            LookupError::Timeout { .. } => (
                ErrorKind::Timeout,
                "Timed out".to_owned(),
                Some("Enter retries; a longer limit goes in the config file ([http] timeout_secs).".to_owned()),
                None,
            ),
            // A 404 reaches `Server` only when it was not the vendor's "no such user" (see
            // `http::status_error`): the endpoint is missing at this base URL.
            LookupError::Server { status: 404, .. } => (
                ErrorKind::Server,
                "No such endpoint (HTTP 404)".to_owned(),
                Some("Check the connection's base URL and its path prefix (--base-url, USERSCOPE_<CONNECTION>_BASE_URL or base_url in [connections.X]).".to_owned()),
                Some(404),
            ),
            LookupError::Server { status, .. } => (
                ErrorKind::Server,
                format!("Server error (HTTP {status})"),
                Some("The vendor failed; try again later. Enter retries.".to_owned()),
                Some(*status),
            ),
            LookupError::InvalidBody { status, .. } => (
                ErrorKind::InvalidBody,
                format!("Invalid response (HTTP {status})"),
                Some("The vendor sent something that is not the documented JSON; Enter retries.".to_owned()),
                Some(*status),
            ),
            LookupError::TooLarge { .. } => (
                ErrorKind::TooLarge,
                "Response too large".to_owned(),
                Some("Raise [http] max_body_mib in the config file if this profile is expected to be this big.".to_owned()),
                None,
            ),
            LookupError::Cancelled => (ErrorKind::Usage, "Cancelled".to_owned(), None, None),
        };
        let retry_at = match err {
            // A vendor asking for more than the HTTP client's whole wait budget (e.g.
            // `Retry-After: 999999`) gets no automatic retry: the message says when, `r` retries.
            LookupError::RateLimited { retry_in, .. } => {
                let wait = retry_in.unwrap_or(DEFAULT_RETRY_WAIT);
                (wait <= crate::http::MAX_RATE_LIMIT_WAIT).then(|| now + wait)
            }
            _ => None,
        };
        ErrorView {
            kind,
            title,
            message: sanitize(&err.to_string()).into_owned(),
            fix,
            status,
            retry_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate_limited(secs: u64) -> LookupError {
        LookupError::RateLimited {
            vendor: "Some vendor",
            retry_in: Some(Duration::from_secs(secs)),
            message: None,
        }
    }

    #[test]
    fn retries_by_itself_only_within_the_wait_budget() {
        let now = Instant::now();
        let keymap = KeyMap::default();
        let soon = ErrorView::from_error(&rate_limited(2), &keymap, now);
        assert_eq!(soon.retry_at, Some(now + Duration::from_secs(2)));
        let absurd = ErrorView::from_error(&rate_limited(999_999), &keymap, now);
        assert_eq!(absurd.retry_at, None);
        assert!(
            absurd.message.contains("retry in 999999 s"),
            "{}",
            absurd.message
        );
    }

    #[test]
    fn a_404_that_is_not_no_such_user_points_at_the_base_url() {
        let keymap = KeyMap::default();
        let missing = LookupError::Server {
            vendor: "Some vendor",
            status: 404,
            message: Some("no such endpoint at https://h/api: check the base URL".to_owned()),
            excerpt: None,
        };
        let view = ErrorView::from_error(&missing, &keymap, Instant::now());
        assert_eq!(view.title, "No such endpoint (HTTP 404)");
        assert!(
            view.fix
                .as_deref()
                .unwrap()
                .starts_with("Check the connection's base URL")
        );
        let failed = LookupError::Server {
            vendor: "Some vendor",
            status: 503,
            message: None,
            excerpt: None,
        };
        let view = ErrorView::from_error(&failed, &keymap, Instant::now());
        assert_eq!(view.title, "Server error (HTTP 503)");
    }
}
