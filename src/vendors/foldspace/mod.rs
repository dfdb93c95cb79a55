//! Foldspace: `GET https://api.foldspace.ai/v1/user/{identifyId}`, `X-FOLDSPACE-API-KEY: KEY`.

use super::demo_kit::DemoVendor;
use super::{
    Connection, FindClass, Lookup, LookupKind, RequestSpec, VendorAdapter, VendorKind, WrongShape,
};
use crate::error::LookupError;
use crate::profile::{Normalized, Section};

mod adapter;
mod demo;

pub use adapter::Foldspace;
pub use demo::FoldspaceDemo;

pub const FOLDSPACE_DEMO_KEY: &str = "fsk_demo_AkWvj7FAc9QeWJKY40uvSwMFLZDe1f8r";

impl VendorAdapter for Foldspace {
    /// The documented avatar field.
    fn avatar_field(&self) -> Option<&'static str> {
        Some("image")
    }

    fn kind(&self) -> VendorKind {
        VendorKind::FOLDSPACE
    }
    fn name(&self) -> &'static str {
        "foldspace"
    }
    fn display_name(&self) -> &'static str {
        "Foldspace"
    }
    fn lookup_kinds(&self) -> &'static [LookupKind] {
        &[LookupKind::Identifier]
    }
    fn default_base_url(&self) -> Option<&'static str> {
        Some("https://api.foldspace.ai")
    }
    fn provides(&self, section: Section) -> bool {
        section != Section::Tags
    }
    fn find_kind(&self, class: FindClass) -> Result<LookupKind, &'static str> {
        match class {
            FindClass::Id => Ok(LookupKind::Identifier),
            FindClass::Email => Err("Foldspace looks people up by your product's identify ID only"),
        }
    }
    fn demo(&self) -> &'static dyn DemoVendor {
        &FoldspaceDemo
    }
    fn build_request(
        &self,
        conn: &Connection,
        lookup: &Lookup,
    ) -> Result<RequestSpec, LookupError> {
        Foldspace::build_request(self, conn, lookup)
    }
    fn normalize(&self, body: serde_json::Value) -> Result<Normalized, WrongShape> {
        Foldspace::normalize(self, body)
    }
    fn error_message(&self, status: u16, body: &[u8]) -> Option<String> {
        Foldspace::error_message(self, status, body)
    }
}

#[cfg(test)]
mod tests;
