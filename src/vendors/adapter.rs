//! What an adapter is: the trait every vendor implements, and the vendor-neutral types it
//! speaks (lookups, connections, requests). Nothing here knows a particular vendor.

use serde::Serialize;
use serde_json::Value;
use url::Url;

use super::VendorKind;
use super::auth::TokenExchange;
use super::common::{Missing, NameDirectory};
use super::demo_kit::DemoVendor;
use crate::error::LookupError;
use crate::profile::{Normalized, Section};

/// How the person is looked up. CLI names (`--by`) are stable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LookupKind {
    Id,
    Key,
    Email,
    Identifier,
}

impl LookupKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LookupKind::Id => "id",
            LookupKind::Key => "key",
            LookupKind::Email => "email",
            LookupKind::Identifier => "identifier",
        }
    }

    pub fn parse(s: &str) -> Option<LookupKind> {
        [
            LookupKind::Id,
            LookupKind::Key,
            LookupKind::Email,
            LookupKind::Identifier,
        ]
        .into_iter()
        .find(|k| k.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

impl std::fmt::Display for LookupKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An identity class `userscope find` routes (design §9): an email address, or the person's ID
/// in *your* product (which most tools store as their external or identify ID). CLI names
/// (`--as`) and config keys (`[find]`) are stable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FindClass {
    Email,
    Id,
}

impl FindClass {
    pub const ALL: [FindClass; 2] = [FindClass::Email, FindClass::Id];

    pub fn as_str(self) -> &'static str {
        match self {
            FindClass::Email => "email",
            FindClass::Id => "id",
        }
    }

    pub fn parse(s: &str) -> Option<FindClass> {
        FindClass::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

impl std::fmt::Display for FindClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Lookup {
    pub by: LookupKind,
    pub value: String,
}

impl Lookup {
    pub fn new(by: LookupKind, value: impl Into<String>) -> Self {
        Self {
            by,
            value: value.into(),
        }
    }
}

/// A resolved connection: which vendor, under which name (keyring account), and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Connection {
    /// Keyring account and env-var stem; defaults to the vendor name.
    pub name: String,
    pub vendor: VendorKind,
    /// Scheme, host, port and an optional path prefix (path `/` when none, else without a
    /// trailing `/`); the adapter appends the vendor's documented path to it.
    pub base_url: Url,
    /// Where client id + secret are exchanged for an access token (vendors with a token
    /// exchange only).
    pub auth_url: Option<Url>,
}

/// Where the key goes: header name and optional scheme word (`Bearer`, `Token`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AuthPlacement {
    pub header: &'static str,
    pub scheme: Option<&'static str>,
}

impl AuthPlacement {
    pub const fn bearer() -> Self {
        Self {
            header: "authorization",
            scheme: Some("Bearer"),
        }
    }

    /// The header value for a key. Callers must mark it sensitive and never log it.
    /// `Basic` takes the key as `user:password` and sends it base64-encoded (RFC 7617).
    pub fn header_value(&self, key: &str) -> String {
        use base64::Engine as _;
        match self.scheme {
            Some("Basic") => format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(key)
            ),
            Some(scheme) => format!("{scheme} {key}"),
            None => key.to_owned(),
        }
    }

    /// The header value as shown in the Request pane and logs: the scheme word, then the
    /// placeholder as is (never the encoding of a placeholder).
    pub fn shown_value(&self, placeholder: &str) -> String {
        match self.scheme {
            Some(scheme) => format!("{scheme} {placeholder}"),
            None => placeholder.to_owned(),
        }
    }
}

/// A request ready to send, minus the key (so it can be shown and logged as is).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestSpec {
    pub method: &'static str,
    pub url: Url,
    /// Non-secret headers the vendor wants (e.g. User.com's `Accept`).
    pub headers: Vec<(&'static str, String)>,
    pub auth: AuthPlacement,
}

/// A 2xx body that is JSON but not the documented top-level shape (e.g. an array or `null`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct WrongShape(pub String);

/// A connection setting a vendor reads (e.g. a region or an account subdomain): the key in
/// `[connections.X]`, the `--KEY` flag and `USERSCOPE_<CONNECTION>_<KEY>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Setting {
    pub key: &'static str,
    /// One line for `--help` (no final period, like clap's own).
    pub help: &'static str,
}

/// A connection's settings as given (flag, then env var, then config file), not yet
/// interpreted: the vendor decides what they mean.
pub struct ConnectionSettings<'a> {
    /// The connection name, lower-cased (for messages).
    pub connection: &'a str,
    /// `USERSCOPE_<STEM>_…` of this connection (for messages).
    pub env_stem: &'a str,
    pub lookup: &'a dyn Fn(&str) -> Option<String>,
}

impl ConnectionSettings<'_> {
    /// The setting's value, if given anywhere.
    pub fn get(&self, key: &str) -> Option<String> {
        (self.lookup)(key)
    }
}

/// Where a connection points when no base URL is given. The base URL is a `Result` because
/// a missing setting (e.g. an account subdomain) only matters when nothing overrides it.
#[derive(Debug)]
pub struct Endpoint {
    pub base_url: Result<Url, LookupError>,
    /// Where client credentials are exchanged for tokens, for vendors that do that.
    pub auth_url: Option<Url>,
}

impl Endpoint {
    /// A fixed production host, no auth URL.
    pub fn fixed(base_url: &str) -> Result<Endpoint, LookupError> {
        Ok(Endpoint {
            base_url: Ok(crate::config::parse_base_url(base_url, "built-in")?),
            auth_url: None,
        })
    }
}

/// Everything one vendor knows. Each vendor folder implements this once; the registry
/// (`vendors/mod.rs`) lists the implementations. The HTTP methods are pure:
/// `connection + lookup -> request`, `body -> Normalized`, `error status + body -> message`.
pub trait VendorAdapter: Sync {
    /// This vendor's handle in the registry.
    fn kind(&self) -> VendorKind;

    /// The stable CLI name (design §2): lowercase, also the default connection name.
    fn name(&self) -> &'static str;

    /// The vendor's own spelling, for screens and messages.
    fn display_name(&self) -> &'static str;

    /// Lookup kinds this vendor supports; the first is the default.
    fn lookup_kinds(&self) -> &'static [LookupKind];

    /// What a lookup kind is called in messages ("the {…} to look up is empty").
    fn describe_kind(&self, kind: LookupKind) -> &'static str {
        kind.as_str()
    }

    /// The production base URL (scheme, host and port) when it is the same for everyone;
    /// `None` when it depends on a connection setting (see [`VendorAdapter::endpoint`]).
    fn default_base_url(&self) -> Option<&'static str>;

    /// Whether the vendor's documented payload has this concept at all.
    fn provides(&self, section: Section) -> bool {
        let _ = section;
        true
    }

    /// The connection settings this vendor reads.
    fn settings(&self) -> &'static [Setting] {
        &[]
    }

    /// Refuse a setting value from the config file early (with the file's line), if the
    /// vendor can tell it is wrong without anything else.
    fn check_setting(&self, key: &str, value: &str) -> Result<(), String> {
        let _ = (key, value);
        Ok(())
    }

    /// Where a connection points by default, given its settings.
    fn endpoint(&self, settings: &ConnectionSettings<'_>) -> Result<Endpoint, LookupError> {
        let _ = settings;
        Endpoint::fixed(self.default_base_url().unwrap_or_default())
    }

    /// A warning when `key` does not look like the vendor's documented key format (describing
    /// the shape, never the key).
    fn key_shape_warning(&self, key: &str) -> Option<String> {
        let _ = key;
        None
    }

    /// For vendors whose API wants short-lived tokens: how a client id + secret is exchanged
    /// for one. `None`: the vendor takes a plain API key only.
    fn token_exchange(&self) -> Option<&'static dyn TokenExchange> {
        None
    }

    /// Which of this vendor's lookup kinds finds a person by an identity class in
    /// `userscope find` (design §9), or the one-line reason none does (shown as `skipped`).
    /// Only kinds that take *that* value qualify: a vendor's own internal IDs do not.
    fn find_kind(&self, class: FindClass) -> Result<LookupKind, &'static str> {
        let _ = class;
        Err("this vendor does not say which of its lookups finds a person")
    }

    /// Where the vendor names what its profiles refer to by id only (ChakraHQ's team and
    /// role UUIDs), fetched once per connection per session by the lookup; `None`: the
    /// profile names everything itself.
    fn name_directory(&self) -> Option<&'static dyn NameDirectory> {
        None
    }

    /// The demo vendor: keys, people and the responder of the built-in demo server.
    fn demo(&self) -> &'static dyn DemoVendor;

    /// The documented request for this lookup. IDs are percent-encoded so that no input can
    /// change which endpoint is called; invalid input is `LookupError::Usage`.
    fn build_request(&self, conn: &Connection, lookup: &Lookup)
    -> Result<RequestSpec, LookupError>;

    /// Whether a 2xx body says that nobody matched (e.g. an empty search result): not found,
    /// exit 3, rather than a body of the wrong shape.
    fn finds_nobody(&self, body: &Value) -> bool {
        let _ = body;
        false
    }

    /// The documented field holding the URL of the person's picture, if the vendor has one
    /// (vendor knowledge: which field is the avatar).
    fn avatar_field(&self) -> Option<&'static str> {
        None
    }

    /// The URL of the person's picture in a normalized profile (from [`Self::avatar_field`]).
    /// Loaded only on request (`i`).
    fn avatar_url(&self, profile: &crate::profile::Profile) -> Option<String> {
        string_field(profile, self.avatar_field()?)
    }

    /// Normalize a 2xx body (already parsed JSON). Departures from the contract become
    /// warnings; only a body whose top-level shape is unusable (not an object, or a wrapper
    /// without its object) is `WrongShape`, so nothing partial is shown as a profile.
    fn normalize(&self, body: Value) -> Result<Normalized, WrongShape>;

    /// The vendor's own human message from a documented error body, if any.
    fn error_message(&self, status: u16, body: &[u8]) -> Option<String>;

    /// What a 404 with this body means. A vendor with a documented not-found body overrides
    /// this to accept that shape only. The default fits a JSON API that documents nothing
    /// more (config-defined vendors): JSON, or an empty body, is the vendor's "no such user"
    /// unless its message names a missing route; HTML or plain text comes from something
    /// else at that address (a web server, a proxy), so the endpoint is missing.
    fn not_found_meaning(&self, content_type: Option<&str>, body: &[u8]) -> Missing {
        super::common::missing_by_default(content_type, body)
    }
}

/// A non-empty string field named `key` (or `….key`), from the properties then the
/// attributes: where the adapters put a documented avatar URL.
pub fn string_field(profile: &crate::profile::Profile, key: &str) -> Option<String> {
    let dotted = format!(".{key}");
    profile
        .properties
        .iter()
        .chain(&profile.attributes)
        .filter(|f| f.key == key || f.key.ends_with(&dotted))
        .find_map(|f| f.value.as_str().map(str::trim).filter(|s| !s.is_empty()))
        .map(str::to_owned)
}
