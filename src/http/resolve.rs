//! Name resolution for plain http: the loopback rule is enforced on the addresses reqwest
//! will connect to, not on the host name.
//!
//! A key may go over plain http only to this machine. Checking the *name* `localhost` is not
//! enough: a poisoned hosts file or an odd container resolver can map it anywhere. So the
//! client that carries plain-http requests resolves through [`LoopbackOnly`], which resolves
//! once, refuses the whole answer if any address is not loopback, and hands reqwest exactly
//! the addresses it checked: there is no second resolution between the check and the connect.
//! (IP literals never reach a resolver; `check_key_transport` checks those.)

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use thiserror::Error;

use crate::sanitize::sanitize;

/// Why a plain-http connection was refused at name resolution. Carried through reqwest's
/// error chain and turned into an exit-2 refusal by `errors::transport_error`.
#[derive(Debug, Error, PartialEq)]
pub enum PlainHttpRefused {
    #[error(
        "{host} resolves to {address}, which is not a loopback address (plain http goes only to 127.0.0.0/8 or ::1)"
    )]
    NotLoopback { host: String, address: IpAddr },
    #[error("{host} resolves to no address")]
    NoAddress { host: String },
}

/// 127.0.0.0/8, ::1, or 127.x written as an IPv4-mapped IPv6 address (::ffff:127.x).
pub fn is_loopback_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_loopback(),
        IpAddr::V6(v6) => {
            v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
    }
}

/// Accept a resolver's answer for `host` only when it is non-empty and EVERY address is
/// loopback: one stray address would be a connection candidate for reqwest's happy eyeballs.
pub fn require_loopback(host: &str, addrs: &[SocketAddr]) -> Result<(), PlainHttpRefused> {
    let host = || sanitize(host).into_owned();
    if addrs.is_empty() {
        return Err(PlainHttpRefused::NoAddress { host: host() });
    }
    match addrs.iter().find(|a| !is_loopback_ip(a.ip())) {
        Some(stray) => Err(PlainHttpRefused::NotLoopback {
            host: host(),
            address: stray.ip(),
        }),
        None => Ok(()),
    }
}

/// Wraps a resolver so that only all-loopback answers come out of it.
pub struct LoopbackOnly {
    inner: Arc<dyn Resolve>,
}

impl LoopbackOnly {
    pub fn new(inner: Arc<dyn Resolve>) -> Self {
        LoopbackOnly { inner }
    }
}

impl Resolve for LoopbackOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        let lookup = self.inner.resolve(name);
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = lookup.await?.collect();
            require_loopback(&host, &addrs)?;
            tracing::debug!(host = %sanitize(&host), ?addrs, "plain http: resolved to loopback only");
            let checked: Addrs = Box::new(addrs.into_iter());
            Ok(checked)
        })
    }
}

/// The operating system's resolver (getaddrinfo on a blocking thread), as reqwest's default
/// uses. Port 0 lets the URL's port (or the scheme's default) apply.
pub struct SystemResolver;

impl Resolve for SystemResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let found: Addrs = Box::new(addrs.into_iter());
            Ok(found)
        })
    }
}
