//! What a vendor folder needs to take part in the built-in demo (`vendors/NAME/demo.rs`): the
//! [`DemoVendor`] trait, the people table row ([`DemoUser`]), and the pure request/answer types
//! and helpers of the demo server. No I/O here: every answer is unit-tested without a socket.

use std::borrow::Cow;
use std::time::SystemTime;

use percent_encoding::percent_decode_str;
use serde_json::Value;

use super::{LookupKind, VendorKind};

/// The ID (or key / identifier) that always answers 429 at a demo vendor, for trying the
/// rate-limit path; vendors whose IDs cannot take this form say which one they use instead.
pub const RATE_LIMITED_ID: &str = "rate-limited";

/// The demo person of `userscope find` (issue 11): one customer known under this email and
/// this product ID at four of the five demo vendors, with deliberate conflicts between them.
pub const EVERYWHERE_EMAIL: &str = "mara.lindqvist@example.org";
pub const EVERYWHERE_ID: &str = "acct-7781";

/// One vendor's demo: its key(s), its people and its answers.
pub trait DemoVendor: Sync {
    /// The key the demo server accepts (for token vendors: the ready access token).
    fn key(&self) -> &'static str;

    /// For vendors with a token exchange: the demo client id and secret it accepts.
    fn client_credentials(&self) -> Option<(&'static str, &'static str)> {
        None
    }

    /// The demo people; the first is the rich one the TUI shows first. Each vendor has
    /// "rich", "sparse", "non-Latin" and "300 attributes", in that order.
    fn users(&self) -> &'static [DemoUser];

    /// This vendor's record of the `find` demo person ([`EVERYWHERE_EMAIL`], [`EVERYWHERE_ID`]),
    /// if it knows them. Kept apart from [`DemoVendor::users`] so the start screen, the banner
    /// and the tests over the four classic people do not change; the responder finds them all.
    fn everywhere(&self) -> Option<&'static DemoUser> {
        None
    }

    /// Whether a known value matches an asked one. Emails compare case-insensitively, as
    /// every real service does; vendors with other rules (numeric ids) override this.
    fn same_value(&self, kind: LookupKind, known: &str, asked: &str) -> bool {
        match kind {
            LookupKind::Email => known.eq_ignore_ascii_case(asked),
            _ => known == asked,
        }
    }

    /// The lookup that always answers 429 (the vendor's default lookup kind).
    fn rate_limited(&self) -> (LookupKind, &'static str) {
        let kind = self.users().first().map_or(LookupKind::Id, |u| u.lookup);
        (kind, RATE_LIMITED_ID)
    }

    /// Whether this lookup is the rate-limited one (every kind the vendor has).
    fn is_rate_limited(&self, kind: LookupKind, value: &str) -> bool {
        let _ = kind;
        value == RATE_LIMITED_ID
    }

    /// The answer when the request is on one of this vendor's real paths; `None` otherwise
    /// (the vendors' paths do not collide, so all of them share one port).
    fn respond(&self, req: &DemoRequest<'_>) -> Option<DemoResponse>;
}

/// A person the demo vendors know.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DemoUser {
    /// The vendor's default lookup kind and value: what the TUI hints and the README list.
    pub lookup: LookupKind,
    pub value: &'static str,
    /// What this person exercises: "rich", "sparse", "non-Latin" or "300 attributes".
    pub label: &'static str,
    /// Other lookups that find the same person (e.g. an email next to a cookie key).
    pub also: &'static [(LookupKind, &'static str)],
    /// The vendor's 200 body, byte for byte as served (and as committed under `assets/demo/`).
    pub body: &'static str,
}

impl DemoUser {
    /// Whether this lookup finds the person, comparing values as the vendor does.
    fn matches(&self, demo: &dyn DemoVendor, kind: LookupKind, value: &str) -> bool {
        std::iter::once((self.lookup, self.value))
            .chain(self.also.iter().copied())
            .any(|(k, v)| k == kind && demo.same_value(kind, v, value))
    }
}

/// The demo people of a vendor; the first is the rich one the TUI shows first.
pub fn users(vendor: VendorKind) -> &'static [DemoUser] {
    vendor.adapter().demo().users()
}

/// The person this lookup finds, if any.
pub fn find(vendor: VendorKind, kind: LookupKind, value: &str) -> Option<&'static DemoUser> {
    let demo = vendor.adapter().demo();
    demo.users()
        .iter()
        .chain(demo.everywhere())
        .find(|u| u.matches(demo, kind, value))
}

/// This vendor's record of the `find` demo person, if it has one.
pub fn everywhere(vendor: VendorKind) -> Option<&'static DemoUser> {
    vendor.adapter().demo().everywhere()
}

/// The lookup that always answers 429 at this vendor.
pub fn rate_limited(vendor: VendorKind) -> (LookupKind, &'static str) {
    vendor.adapter().demo().rate_limited()
}

/// Whether this lookup is the rate-limited one.
pub fn is_rate_limited(vendor: VendorKind, kind: LookupKind, value: &str) -> bool {
    vendor.adapter().demo().is_rate_limited(kind, value)
}

/// The key the demo server accepts for this vendor.
pub fn demo_key(vendor: VendorKind) -> &'static str {
    vendor.adapter().demo().key()
}

/// A demo body from `assets/demo/<vendor>/<file>.json`, embedded in the binary.
#[macro_export]
#[doc(hidden)]
macro_rules! demo_fixture {
    ($vendor:literal, $file:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/assets/demo/",
            $vendor,
            "/",
            $file,
            ".json"
        ))
    };
}

/// A request as the demo server sees it. `path` and `query` are still percent-encoded.
#[derive(Clone, Copy, Debug)]
pub struct DemoRequest<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: Option<&'a str>,
    /// Header names in lowercase; values that are not UTF-8 are left out (they match no key).
    pub headers: &'a [(&'a str, &'a str)],
    pub body: &'a [u8],
    /// The clock, for answers that depend on time (rate-limit resets, token expiry).
    pub now: SystemTime,
}

impl<'a> DemoRequest<'a> {
    /// The first value of a header (name in lowercase).
    pub fn header(&self, name: &str) -> Option<&'a str> {
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| *v)
    }

    /// The first value of a query parameter, form-decoded (`+` is a space).
    pub fn query_param(&self, name: &str) -> Option<String> {
        let query = self.query?;
        url::form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }

    pub fn is_get(&self) -> bool {
        self.method == "GET"
    }
}

/// Status, headers and body to send. Fixture bodies are borrowed, so `raw` output can be compared
/// byte for byte with the committed file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoResponse {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Cow<'static, str>,
}

impl DemoResponse {
    pub fn json(status: u16, body: &Value) -> Self {
        DemoResponse {
            status,
            headers: Vec::new(),
            body: Cow::Owned(body.to_string()),
        }
    }

    pub fn fixture(body: &'static str) -> Self {
        DemoResponse {
            status: 200,
            headers: Vec::new(),
            body: Cow::Borrowed(body),
        }
    }

    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// The header's value, if set (tests).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Seconds a rate-limited demo lookup asks the client to wait (small: tests wait it out).
pub const RETRY_AFTER_SECS: u64 = 2;

pub fn only_get(req: &DemoRequest<'_>, handler: impl FnOnce() -> DemoResponse) -> DemoResponse {
    if req.is_get() {
        handler()
    } else {
        method_not_allowed("GET")
    }
}

pub fn method_not_allowed(allow: &'static str) -> DemoResponse {
    DemoResponse::json(405, &serde_json::json!({"error": "Method Not Allowed"}))
        .with_header("allow", allow)
}

/// The one path segment a route ends with, percent-decoded. `None` when it is empty, has more
/// segments, or does not decode to UTF-8: no such user.
pub fn last_segment(rest: &str) -> Option<String> {
    if rest.is_empty() || rest.contains('/') {
        return None;
    }
    percent_decode_str(rest)
        .decode_utf8()
        .ok()
        .map(Cow::into_owned)
}

/// The token of `Authorization: <scheme> <token>`; the scheme word is case-insensitive (RFC 9110).
pub fn scheme_token<'a>(req: &DemoRequest<'a>, scheme: &str) -> Option<&'a str> {
    let value = req.header("authorization")?.trim();
    let (word, token) = value.split_once(' ')?;
    word.eq_ignore_ascii_case(scheme).then(|| token.trim())
}

#[cfg(test)]
pub(crate) mod test_util {
    use super::*;

    /// Build and answer a request; the clock is fixed at 2026-11-23T12:00:00Z.
    pub fn call(
        method: &str,
        path_and_query: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> DemoResponse {
        let (path, query) = match path_and_query.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (path_and_query, None),
        };
        crate::demo::respond(&DemoRequest {
            method,
            path,
            query,
            headers,
            body,
            now: SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(NOW_SECS),
        })
    }

    pub const NOW_SECS: u64 = 1_795_435_200;

    pub fn get(path_and_query: &str, headers: &[(&str, &str)]) -> DemoResponse {
        call("GET", path_and_query, headers, b"")
    }

    pub fn body_json(resp: &DemoResponse) -> Value {
        serde_json::from_str(&resp.body).unwrap()
    }
}
