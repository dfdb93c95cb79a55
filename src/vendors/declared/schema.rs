//! The `[vendors.NAME]` tables as written (design §10, the schema is stable): serde structs
//! that refuse unknown keys, with `Spanned` wherever a later check must say where it failed.
//! `check.rs` turns them into a validated [`super::Spec`].

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

/// The config file seen only for its vendors: every other key is read by `Config` later.
#[derive(Debug, Default, Deserialize)]
pub struct VendorsOnly {
    #[serde(default)]
    pub vendors: BTreeMap<Spanned<String>, RawVendor>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVendor {
    pub name: Option<Spanned<String>>,
    pub base_url: Spanned<String>,
    pub auth: Option<RawAuth>,
    pub lookup: Spanned<Vec<RawLookup>>,
    pub fields: RawFields,
    pub errors: Option<RawErrors>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAuth {
    #[serde(rename = "type")]
    pub kind: Spanned<String>,
    pub header: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLookup {
    pub by: Spanned<String>,
    pub path: Spanned<String>,
    pub query: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
    pub profile: Option<Spanned<String>>,
    pub find: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFields {
    pub id: Spanned<String>,
    pub email: Option<Spanned<String>>,
    pub name: Option<Spanned<String>>,
    pub kind: Option<Spanned<String>>,
    pub tags: Option<RawTags>,
    pub segments: Option<RawSegments>,
    pub attributes: Option<Spanned<String>>,
    pub location: Option<RawLocation>,
    pub timestamps: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTags {
    pub list: Spanned<String>,
    pub key: Spanned<String>,
    pub value: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSegments {
    pub list: Spanned<String>,
    pub id: Option<Spanned<String>>,
    pub name: Option<Spanned<String>>,
}

/// The §3 location fields, under their JSON names.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RawLocation {
    pub continent: Option<Spanned<String>>,
    pub country: Option<Spanned<String>>,
    pub country_code: Option<Spanned<String>>,
    pub region: Option<Spanned<String>>,
    pub state: Option<Spanned<String>>,
    pub city: Option<Spanned<String>>,
    pub postal_code: Option<Spanned<String>>,
    pub timezone: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawErrors {
    pub message: Option<Spanned<String>>,
}
