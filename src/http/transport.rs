//! Where a key may travel: https anywhere, plain http only to this machine.

use url::{Host, Position, Url};

use crate::error::LookupError;
use crate::sanitize::sanitize;

/// Keys travel only over https, or over plain http to this machine.
pub fn check_key_transport(url: &Url) -> Result<(), LookupError> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        _ => Err(LookupError::Usage(format!(
            "refusing to send the API key to {} over plain http: keys go only over https (plain http only to 127.0.0.1, ::1 or localhost); use an https:// base URL",
            sanitize(&url[..Position::AfterPort])
        ))),
    }
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

/// `host[:port]` of a URL, for messages.
pub fn origin_text(url: &Url) -> String {
    sanitize(&url[Position::BeforeHost..Position::AfterPort]).into_owned()
}
