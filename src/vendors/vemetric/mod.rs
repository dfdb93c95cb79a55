//! Vemetric: `GET https://api.vemetric.com/v1/users/single?id=…` or `?identifier=…`,
//! `Authorization: Bearer vem_…`; rate limits come as `X-RateLimit-*` headers.

use super::common::{self, Missing};
use super::demo_kit::DemoVendor;
use super::{
    Connection, FindClass, Lookup, LookupKind, RequestSpec, VendorAdapter, VendorKind, WrongShape,
};
use crate::error::LookupError;
use crate::profile::{Normalized, Section};

mod adapter;
mod demo;

pub use adapter::Vemetric;
pub use demo::VemetricDemo;

/// Vemetric: `vem_` + 32 lowercase letters and digits.
pub const VEMETRIC_DEMO_KEY: &str = "vem_demomxg9edn581u33xtplpft75v2seh6";
pub use demo::VEMETRIC_RATE_LIMITED_ID;

/// Vemetric API keys are `vem_` followed by 32 lowercase letters or digits.
const KEY_PREFIX: &str = "vem_";
const KEY_BODY_LEN: usize = 32;

impl VendorAdapter for Vemetric {
    /// The documented avatar field.
    fn avatar_field(&self) -> Option<&'static str> {
        Some("avatarUrl")
    }

    fn kind(&self) -> VendorKind {
        VendorKind::VEMETRIC
    }
    fn name(&self) -> &'static str {
        "vemetric"
    }
    fn display_name(&self) -> &'static str {
        "Vemetric"
    }
    fn lookup_kinds(&self) -> &'static [LookupKind] {
        &[LookupKind::Id, LookupKind::Identifier]
    }
    fn default_base_url(&self) -> Option<&'static str> {
        Some("https://api.vemetric.com")
    }
    /// No tags and no segments in the documented payload.
    fn provides(&self, section: Section) -> bool {
        !matches!(section, Section::Tags | Section::Segments)
    }
    fn key_shape_warning(&self, key: &str) -> Option<String> {
        let body = key.strip_prefix(KEY_PREFIX);
        let well_formed = body.is_some_and(|b| {
            b.len() == KEY_BODY_LEN
                && b.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        });
        (!well_formed).then(|| {
            format!(
                "Vemetric API keys look like `{KEY_PREFIX}` followed by {KEY_BODY_LEN} lowercase letters or digits; this one does not ({} characters{})",
                key.chars().count(),
                if body.is_none() { ", no vem_ prefix" } else { "" }
            )
        })
    }
    fn find_kind(&self, class: FindClass) -> Result<LookupKind, &'static str> {
        // Vemetric's `identifier` is whatever the product identified the person with: its
        // user ID or its email.
        let _ = class;
        Ok(LookupKind::Identifier)
    }
    fn demo(&self) -> &'static dyn DemoVendor {
        &VemetricDemo
    }
    fn build_request(
        &self,
        conn: &Connection,
        lookup: &Lookup,
    ) -> Result<RequestSpec, LookupError> {
        Vemetric::build_request(self, conn, lookup)
    }
    fn normalize(&self, body: serde_json::Value) -> Result<Normalized, WrongShape> {
        Vemetric::normalize(self, body)
    }
    fn error_message(&self, status: u16, body: &[u8]) -> Option<String> {
        Vemetric::error_message(self, status, body)
    }
    /// Documented: `{"error": {"code": "USER_NOT_FOUND", …}}`. Its router (open source)
    /// answers an unknown path with code `NOT_FOUND` ("Route not found"): a wrong base URL.
    fn not_found_meaning(&self, content_type: Option<&str>, body: &[u8]) -> Missing {
        let code = common::error_object(body).and_then(|map| {
            map.get("error")
                .and_then(|e| e.get("code"))
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned)
        });
        match code.as_deref() {
            Some("NOT_FOUND") => Missing::Endpoint,
            _ => common::missing_by_default(content_type, body),
        }
    }
}

#[cfg(test)]
mod tests;
