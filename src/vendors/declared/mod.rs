//! Vendors defined in the config file (design §10): `[vendors.NAME]` tables describe a vendor's
//! base URL, auth header, lookups (path/query templates and where the person is in the body)
//! and where each profile field is (RFC 6901 JSON Pointers). One generic adapter
//! ([`Declared`]) serves them all through the same HTTP client, normalized model and exit
//! codes as the built-in vendors; the registry (`vendors/mod.rs`) appends them at start-up.
//!
//! - `schema.rs`: the TOML as written; `check.rs`: validation with `FILE:LINE:COLUMN` spans
//! - `pointer.rs`, `template.rs`: JSON Pointers and the encoded path/query templates
//! - `adapter.rs`: the `VendorAdapter`; `normalize.rs`: body → profile, nothing lost
//! - `demo.rs`: the demo responder any declared vendor gets, and the demo vendor's files

use url::Url;

use crate::config::ConfigError;
use crate::vendors::common::Place;
use crate::vendors::{FindClass, LookupKind};

mod adapter;
mod check;
pub mod demo;
mod normalize;
mod pointer;
mod schema;
mod template;
#[cfg(test)]
mod tests;

pub use adapter::Declared;
pub use pointer::Pointer;
pub use template::Template;

/// A validated `[vendors.NAME]` table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spec {
    /// The CLI name (`[a-z0-9-]+`, not a built-in's): also the default connection name.
    pub name: String,
    /// `name = "…"`, else the CLI name.
    pub display_name: String,
    /// Scheme, host and port (checked like any base URL).
    pub base_url: Url,
    pub auth: AuthStyle,
    /// In the order written; the first is the default lookup kind.
    pub lookups: Vec<LookupSpec>,
    pub fields: Fields,
    /// Where an error body keeps its human message.
    pub error_message: Option<Pointer>,
}

/// `auth = { type = … }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthStyle {
    /// `Authorization: Bearer KEY`
    Bearer,
    /// `Authorization: Token KEY`
    Token,
    /// `HEADER: KEY`, no scheme (the header name lower-cased).
    Header(String),
    /// `Authorization: Basic base64(KEY)`, the key being `user:password`.
    Basic,
}

impl AuthStyle {
    pub const TYPES: [&'static str; 4] = ["bearer", "token", "header", "basic"];

    pub fn describe(&self) -> String {
        match self {
            AuthStyle::Bearer => "Authorization: Bearer KEY".to_owned(),
            AuthStyle::Token => "Authorization: Token KEY".to_owned(),
            AuthStyle::Header(name) => format!("{name}: KEY"),
            AuthStyle::Basic => "Authorization: Basic (KEY is user:password)".to_owned(),
        }
    }
}

/// One `[[vendors.NAME.lookup]]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LookupSpec {
    pub by: LookupKind,
    pub path: Template,
    /// Query names with their value templates, in name order.
    pub query: Vec<(String, Template)>,
    /// Where the person is in the body; nothing there means not found.
    pub profile: Pointer,
    /// The `userscope find` class this lookup answers.
    pub find: Option<FindClass>,
}

/// `[vendors.NAME.fields]`: pointers relative to the profile object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fields {
    pub id: Pointer,
    pub email: Option<Pointer>,
    pub name: Option<Pointer>,
    pub kind: Option<Pointer>,
    pub tags: Option<TagsSpec>,
    pub segments: Option<SegmentsSpec>,
    /// An object: each member is one attribute.
    pub attributes: Option<Pointer>,
    pub location: Vec<(Place, Pointer)>,
    pub timestamps: Vec<(Pointer, TimeFormat)>,
}

/// `tags = { list, key, value }`: an array of objects; `key` and `value` are relative to each.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagsSpec {
    pub list: Pointer,
    pub key: Pointer,
    pub value: Option<Pointer>,
}

/// `segments = { list, id, name }`: an array of objects; `id` and `name` relative to each.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SegmentsSpec {
    pub list: Pointer,
    pub id: Option<Pointer>,
    pub name: Option<Pointer>,
}

/// How a `timestamps` entry is written by the vendor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeFormat {
    EpochS,
    EpochMs,
    Iso8601,
}

impl TimeFormat {
    pub const NAMES: [&'static str; 3] = ["epoch_s", "epoch_ms", "iso8601"];

    pub fn parse(text: &str) -> Option<TimeFormat> {
        match text {
            "epoch_s" => Some(TimeFormat::EpochS),
            "epoch_ms" => Some(TimeFormat::EpochMs),
            "iso8601" => Some(TimeFormat::Iso8601),
            _ => None,
        }
    }
}

/// The `[vendors.*]` tables of a config file, validated; errors carry the byte offset of the
/// mistake. Nothing is registered here (the caller does, once).
pub fn parse_section(text: &str) -> Result<Vec<Spec>, ConfigError> {
    check::parse_section(text)
}

/// [`parse_section`] with `FILE:LINE:COLUMN:` in front of the message.
pub fn parse_section_located(text: &str, file: &str) -> Result<Vec<Spec>, String> {
    parse_section(text).map_err(|e| crate::config::locate(text, file, &e))
}
