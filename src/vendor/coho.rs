//! Coho adapter — SKELETON, being written (see vendor-docs).

use serde_json::Value;

use super::{WrongShape, Connection, Lookup, RequestSpec, VendorAdapter, VendorKind};
use crate::error::LookupError;
use crate::profile::Normalized;

pub struct Coho;

impl VendorAdapter for Coho {
    fn kind(&self) -> VendorKind {
        VendorKind::Coho
    }

    fn build_request(&self, _conn: &Connection, _lookup: &Lookup) -> Result<RequestSpec, LookupError> {
        Err(LookupError::Usage("not yet implemented".into()))
    }

    fn normalize(&self, _body: Value) -> Result<Normalized, WrongShape> {
        Ok(Normalized::default())
    }

    fn error_message(&self, _status: u16, _body: &[u8]) -> Option<String> {
        None
    }
}

pub const EU_BASE: &str = "https://app.coho.ai";
pub const US_BASE: &str = "https://app.us.coho.ai";

pub fn base_for(region: crate::config::CohoRegion) -> &'static str {
    match region {
        crate::config::CohoRegion::Eu => EU_BASE,
        crate::config::CohoRegion::Us => US_BASE,
    }
}

pub fn auth_base_for(region: crate::config::CohoRegion) -> &'static str {
    match region {
        crate::config::CohoRegion::Eu => "https://auth.app.coho.ai",
        crate::config::CohoRegion::Us => "https://auth.app.us.coho.ai",
    }
}
