//! Where a key may travel: https anywhere, plain http only to this machine.
//!
//! This is the check on the URL (scheme, and the host as written). The addresses a loopback
//! *name* resolves to are checked where the connection is made (`resolve::LoopbackOnly`).

use url::{Host, Position, Url};

use crate::error::LookupError;
use crate::sanitize::sanitize;

/// Keys travel only over https, or over plain http to this machine.
pub fn check_key_transport(url: &Url) -> Result<(), LookupError> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        scheme => Err(plain_http_refusal(
            &format!("{scheme}://{}", origin_text(url)),
            "keys go only over https (plain http only to 127.0.0.1, ::1 or localhost)",
        )),
    }
}

/// The refusal to send a key to `target` (scheme, host and port; never userinfo), exit 2.
pub(super) fn plain_http_refusal(target: &str, why: &str) -> LookupError {
    LookupError::Usage(format!(
        "refusing to send the API key to {} over plain http: {why}; use an https:// base URL",
        sanitize(target)
    ))
}

/// 127.0.0.0/8, ::1 (also as ::ffff:127.x), or the name `localhost`.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// `host[:port]` of a URL, for messages (userinfo is left out).
pub fn origin_text(url: &Url) -> String {
    sanitize(&url[Position::BeforeHost..Position::AfterPort]).into_owned()
}
