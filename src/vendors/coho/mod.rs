//! Coho: `GET {base}/api/data/user/{id}` with `Authorization: Bearer TOKEN`. The token is
//! short-lived and obtained from a client id + secret (`token.rs`); the base and auth hosts
//! depend on the account's region (`eu`, the default, or `us`).

use super::auth::TokenExchange;
use super::demo_kit::DemoVendor;
use super::{
    Connection, ConnectionSettings, Endpoint, FindClass, Lookup, LookupKind, RequestSpec, Setting,
    VendorAdapter, VendorKind, WrongShape,
};
use crate::error::LookupError;
use crate::profile::Normalized;

mod adapter;
mod demo;
mod token;

pub use adapter::Coho;
pub use demo::{CohoDemo, TOKEN_LIFETIME_SECS};
pub use token::{CohoTokens, REFRESH_PATH, TOKEN_PATH};

pub const EU_BASE: &str = "https://app.coho.ai";
pub const US_BASE: &str = "https://app.us.coho.ai";

/// A ready Coho access token (a JWT, like the real ones).
pub const COHO_DEMO_TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2Vyc2NvcGUtZGVtbyIsImlzcyI6InVzZXJzY29wZSBkZW1vIHNlcnZlciIsInJvbGVzIjpbIkRhdGEgQVBJIFVzZXIiXX0.ZGVtby1zaWduYXR1cmUtbm90LWEtc2VjcmV0LTAwMDA";
/// Coho API-token client id, exchanged with [`COHO_DEMO_SECRET`] for [`COHO_DEMO_TOKEN`].
pub const COHO_DEMO_CLIENT_ID: &str = "0d3c5e2a-7b41-4f6e-9c28-5a1b3d7e9f60";
pub const COHO_DEMO_SECRET: &str = "5f8e2c1d-9a34-4b7e-8d60-2e1f4c9b7a35";
/// What the token exchange answers as `refresh_token`; the refresh endpoint accepts it.
pub const COHO_DEMO_REFRESH_TOKEN: &str = "rt_demo_aF1LlqsajAIxNKu8iS2G8NPRVdD53X83RZJzzzzg";

/// Where a Coho account lives.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Region {
    #[default]
    Eu,
    Us,
}

impl Region {
    pub fn parse(s: &str) -> Result<Region, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "eu" => Ok(Region::Eu),
            "us" => Ok(Region::Us),
            other => Err(format!(
                "unknown Coho region `{}`: use eu or us",
                crate::sanitize::sanitize(other)
            )),
        }
    }

    pub fn base(self) -> &'static str {
        match self {
            Region::Eu => EU_BASE,
            Region::Us => US_BASE,
        }
    }

    pub fn auth_base(self) -> &'static str {
        match self {
            Region::Eu => "https://auth.app.coho.ai",
            Region::Us => "https://auth.app.us.coho.ai",
        }
    }
}

const SETTINGS: &[Setting] = &[Setting {
    key: "region",
    help: "Coho region: eu or us",
}];

impl VendorAdapter for Coho {
    fn kind(&self) -> VendorKind {
        VendorKind::COHO
    }
    fn name(&self) -> &'static str {
        "coho"
    }
    fn display_name(&self) -> &'static str {
        "Coho"
    }
    fn lookup_kinds(&self) -> &'static [LookupKind] {
        &[LookupKind::Id]
    }
    fn default_base_url(&self) -> Option<&'static str> {
        Some(EU_BASE)
    }
    fn settings(&self) -> &'static [Setting] {
        SETTINGS
    }
    fn check_setting(&self, key: &str, value: &str) -> Result<(), String> {
        match key {
            "region" => Region::parse(value).map(|_| ()),
            _ => Ok(()),
        }
    }
    /// The region picks both the data host and the auth host.
    fn endpoint(&self, settings: &ConnectionSettings<'_>) -> Result<Endpoint, LookupError> {
        let region = match settings.get("region") {
            Some(text) => Region::parse(&text).map_err(LookupError::Usage)?,
            None => Region::default(),
        };
        Ok(Endpoint {
            base_url: Ok(crate::config::parse_base_url(region.base(), "built-in")?),
            auth_url: Some(crate::config::parse_base_url(
                region.auth_base(),
                "built-in",
            )?),
        })
    }
    fn token_exchange(&self) -> Option<&'static dyn TokenExchange> {
        Some(&CohoTokens)
    }
    fn find_kind(&self, class: FindClass) -> Result<LookupKind, &'static str> {
        match class {
            FindClass::Id => Ok(LookupKind::Id),
            FindClass::Email => Err("Coho looks people up by your product's user ID only"),
        }
    }
    fn demo(&self) -> &'static dyn DemoVendor {
        &CohoDemo
    }
    fn build_request(
        &self,
        conn: &Connection,
        lookup: &Lookup,
    ) -> Result<RequestSpec, LookupError> {
        Coho::build_request(self, conn, lookup)
    }
    fn normalize(&self, body: serde_json::Value) -> Result<Normalized, WrongShape> {
        Coho::normalize(self, body)
    }
    fn error_message(&self, status: u16, body: &[u8]) -> Option<String> {
        Coho::error_message(self, status, body)
    }
}

#[cfg(test)]
mod tests;
