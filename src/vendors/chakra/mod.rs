//! ChakraHQ: `GET https://api.chakrahq.com/v1/ext/user/{userId}`, `Authorization: Bearer KEY`;
//! every body is wrapped in `{_data, _meta, _errors}`.

use super::demo_kit::DemoVendor;
use super::{
    Connection, FindClass, Lookup, LookupKind, RequestSpec, VendorAdapter, VendorKind, WrongShape,
};
use crate::error::LookupError;
use crate::profile::{Normalized, Section};

mod adapter;
mod config;
mod demo;

pub use adapter::Chakra;
pub use config::{CONFIG_PATH, ChakraConfig};
pub use demo::ChakraDemo;

pub const CHAKRA_DEMO_KEY: &str = "chk_demo_f219e9cb0eb53f16947ccf25ec84d8dbc7425477";

impl VendorAdapter for Chakra {
    /// The documented avatar field.
    fn avatar_field(&self) -> Option<&'static str> {
        Some("profileImageUrl")
    }

    fn kind(&self) -> VendorKind {
        VendorKind::CHAKRA
    }
    fn name(&self) -> &'static str {
        "chakra"
    }
    fn display_name(&self) -> &'static str {
        "ChakraHQ"
    }
    fn lookup_kinds(&self) -> &'static [LookupKind] {
        &[LookupKind::Id]
    }
    fn default_base_url(&self) -> Option<&'static str> {
        Some("https://api.chakrahq.com")
    }
    fn provides(&self, section: Section) -> bool {
        section != Section::Tags
    }
    fn find_kind(&self, class: FindClass) -> Result<LookupKind, &'static str> {
        let _ = class;
        Err("ChakraHQ looks people up by its own user ID only")
    }
    fn name_directory(&self) -> Option<&'static dyn super::common::NameDirectory> {
        Some(&ChakraConfig)
    }
    fn demo(&self) -> &'static dyn DemoVendor {
        &ChakraDemo
    }
    fn build_request(
        &self,
        conn: &Connection,
        lookup: &Lookup,
    ) -> Result<RequestSpec, LookupError> {
        Chakra::build_request(self, conn, lookup)
    }
    fn normalize(&self, body: serde_json::Value) -> Result<Normalized, WrongShape> {
        Chakra::normalize(self, body)
    }
    fn error_message(&self, status: u16, body: &[u8]) -> Option<String> {
        Chakra::error_message(self, status, body)
    }
}

#[cfg(test)]
mod tests;
