//! Transport failures (before any answer) in human words: timeouts, refusals, TLS, DNS.

use std::error::Error as StdError;
use std::time::Duration;

use super::EXCERPT_CHARS;
use super::answer::truncate_chars;
use super::resolve::PlainHttpRefused;
use super::transport::plain_http_refusal;
use crate::error::LookupError;
use crate::sanitize::sanitize;

/// Map a reqwest error that happened before a response arrived.
pub(super) fn transport_error(
    error: &reqwest::Error,
    host: &str,
    timeout: Duration,
) -> LookupError {
    // The loopback-only resolver refused: the same refusal (exit 2) as a non-loopback URL,
    // since the key would have gone in clear text to another machine.
    if let Some(refused) = find_in_chain::<PlainHttpRefused>(error) {
        return plain_http_refusal(&format!("http://{host}"), &refused.to_string());
    }
    if error.is_timeout() || chain_has_io_kind(error, std::io::ErrorKind::TimedOut) {
        return LookupError::Timeout {
            host: host.to_owned(),
            after: timeout,
        };
    }
    // A connector error never got as far as a connection; anything else reached the host.
    if error.is_connect() {
        LookupError::Network {
            host: host.to_owned(),
            cause: human_cause(error),
        }
    } else {
        LookupError::NotHttp {
            host: host.to_owned(),
            cause: human_cause(error),
        }
    }
}

/// The first error of type `T` in the `source()` chain (the error itself included).
fn find_in_chain<'e, T: StdError + 'static>(error: &'e (dyn StdError + 'static)) -> Option<&'e T> {
    let mut current: Option<&(dyn StdError + 'static)> = Some(error);
    while let Some(err) = current {
        if let Some(found) = err.downcast_ref::<T>() {
            return Some(found);
        }
        current = err.source();
    }
    None
}

fn chain_has_io_kind(error: &(dyn StdError + 'static), kind: std::io::ErrorKind) -> bool {
    let mut current: Option<&(dyn StdError + 'static)> = Some(error);
    while let Some(err) = current {
        if err
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == kind)
        {
            return true;
        }
        current = err.source();
    }
    false
}

/// Every message of an error's `source()` chain, joined.
pub(super) fn error_chain_text(error: &(dyn StdError + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current: Option<&(dyn StdError + 'static)> = Some(error);
    while let Some(err) = current {
        let text = err.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        current = err.source();
    }
    parts.join(": ")
}

/// A human cause from a transport error, classified by walking `source()`.
pub fn human_cause(error: &(dyn StdError + 'static)) -> String {
    use std::io::ErrorKind;
    let all = error_chain_text(error);
    let lower = all.to_ascii_lowercase();
    let innermost = {
        let mut current: &(dyn StdError + 'static) = error;
        while let Some(next) = current.source() {
            current = next;
        }
        current.to_string()
    };
    let cause = if chain_has_io_kind(error, ErrorKind::ConnectionRefused)
        || lower.contains("connection refused")
    {
        "connection refused".to_owned()
    } else if lower.contains("dns error")
        || lower.contains("failed to lookup address")
        || lower.contains("name or service not known")
        || lower.contains("no address associated")
    {
        "DNS lookup failed (no such host?)".to_owned()
    } else if lower.contains("certificate")
        || lower.contains("tls")
        || lower.contains("handshake")
        || lower.contains("peer sent")
        || lower.contains("corrupt message")
        || lower.contains("fatal alert")
        || lower.contains("peer is incompatible")
        || lower.contains("peer misbehaved")
        || lower.contains("unexpected message")
        || chain_has_io_kind(error, ErrorKind::InvalidData)
    {
        format!("TLS handshake failed: {innermost}")
    } else if chain_has_io_kind(error, ErrorKind::ConnectionReset)
        || lower.contains("connection reset")
    {
        "the connection was reset".to_owned()
    } else if lower.contains("connection closed before message completed")
        || lower.contains("incomplete")
    {
        "the server closed the connection without a complete answer".to_owned()
    } else if chain_has_io_kind(error, ErrorKind::NetworkUnreachable)
        || chain_has_io_kind(error, ErrorKind::HostUnreachable)
        || lower.contains("unreachable")
    {
        "the network or host is unreachable".to_owned()
    } else {
        innermost
    };
    truncate_chars(&sanitize(&cause), EXCERPT_CHARS)
}
