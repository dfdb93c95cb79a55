//! The vendor registry. Each adapter is pure: `connection + lookup -> request`,
//! `body -> Normalized`, `error status + body -> the vendor's own message`.

use serde::Serialize;
use serde_json::Value;
use url::Url;

use crate::error::LookupError;
use crate::profile::{Normalized, Section};

pub mod chakra;
pub mod coho;
mod common;
pub mod foldspace;
pub mod usercom;
pub mod vemetric;

/// The five vendors. CLI names (`as_str`) are stable (design §2).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum VendorKind {
    Coho,
    Usercom,
    Foldspace,
    Chakra,
    Vemetric,
}

impl VendorKind {
    pub const ALL: [VendorKind; 5] = [
        VendorKind::Coho,
        VendorKind::Usercom,
        VendorKind::Foldspace,
        VendorKind::Chakra,
        VendorKind::Vemetric,
    ];

    /// The stable CLI name.
    pub fn as_str(self) -> &'static str {
        match self {
            VendorKind::Coho => "coho",
            VendorKind::Usercom => "usercom",
            VendorKind::Foldspace => "foldspace",
            VendorKind::Chakra => "chakra",
            VendorKind::Vemetric => "vemetric",
        }
    }

    /// The vendor's own spelling, for screens and messages.
    pub fn display_name(self) -> &'static str {
        match self {
            VendorKind::Coho => "Coho",
            VendorKind::Usercom => "User.com",
            VendorKind::Foldspace => "Foldspace",
            VendorKind::Chakra => "ChakraHQ",
            VendorKind::Vemetric => "Vemetric",
        }
    }

    pub fn parse(name: &str) -> Option<VendorKind> {
        VendorKind::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(name.trim()))
    }

    /// Lookup kinds this vendor supports; the first is the default.
    pub fn lookup_kinds(self) -> &'static [LookupKind] {
        match self {
            VendorKind::Coho | VendorKind::Chakra => &[LookupKind::Id],
            VendorKind::Usercom => &[LookupKind::Key, LookupKind::Id, LookupKind::Email],
            VendorKind::Foldspace => &[LookupKind::Identifier],
            VendorKind::Vemetric => &[LookupKind::Id, LookupKind::Identifier],
        }
    }

    pub fn default_lookup(self) -> LookupKind {
        self.lookup_kinds()[0]
    }

    /// The production base URL (scheme, host, port). Coho's depends on the region and
    /// User.com's on the account subdomain, so those are resolved in `config`.
    pub fn default_base_url(self) -> Option<&'static str> {
        match self {
            VendorKind::Coho => Some(coho::EU_BASE),
            VendorKind::Usercom => None,
            VendorKind::Foldspace => Some("https://api.foldspace.ai"),
            VendorKind::Chakra => Some("https://api.chakrahq.com"),
            VendorKind::Vemetric => Some("https://api.vemetric.com"),
        }
    }

    /// Whether the vendor's documented payload has this concept at all.
    pub fn provides(self, section: Section) -> bool {
        match (self, section) {
            (_, Section::Properties | Section::Attributes) => true,
            (VendorKind::Coho, _) => true,
            (VendorKind::Usercom, _) => true,
            (VendorKind::Foldspace, Section::Tags) => false,
            (VendorKind::Foldspace, _) => true,
            (VendorKind::Chakra, Section::Tags) => false,
            (VendorKind::Chakra, _) => true,
            (VendorKind::Vemetric, Section::Location) => true,
            (VendorKind::Vemetric, Section::Tags | Section::Segments) => false,
        }
    }

    pub fn adapter(self) -> &'static dyn VendorAdapter {
        match self {
            VendorKind::Coho => &coho::Coho,
            VendorKind::Usercom => &usercom::Usercom,
            VendorKind::Foldspace => &foldspace::Foldspace,
            VendorKind::Chakra => &chakra::Chakra,
            VendorKind::Vemetric => &vemetric::Vemetric,
        }
    }
}

impl std::fmt::Display for VendorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

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
    /// Scheme, host and port only; the adapter appends the vendor's documented path.
    pub base_url: Url,
    /// Coho only: where client id + secret are exchanged for an access token.
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
    pub fn header_value(&self, key: &str) -> String {
        match self.scheme {
            Some(scheme) => format!("{scheme} {key}"),
            None => key.to_owned(),
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

pub trait VendorAdapter: Sync {
    fn kind(&self) -> VendorKind;

    /// The documented request for this lookup. IDs are percent-encoded so that no input can
    /// change which endpoint is called; invalid input is `LookupError::Usage`.
    fn build_request(&self, conn: &Connection, lookup: &Lookup)
    -> Result<RequestSpec, LookupError>;

    /// Normalize a 2xx body (already parsed JSON). Departures from the contract become
    /// warnings; only a body whose top-level shape is unusable (not an object, or a wrapper
    /// without its object) is `WrongShape`, so nothing partial is shown as a profile.
    fn normalize(&self, body: Value) -> Result<Normalized, WrongShape>;

    /// The vendor's own human message from a documented error body, if any.
    fn error_message(&self, status: u16, body: &[u8]) -> Option<String>;
}
