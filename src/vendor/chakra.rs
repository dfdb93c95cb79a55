//! Chakra adapter — SKELETON, being written (see vendor-docs).

use serde_json::Value;

use super::{WrongShape, Connection, Lookup, RequestSpec, VendorAdapter, VendorKind};
use crate::error::LookupError;
use crate::profile::Normalized;

pub struct Chakra;

impl VendorAdapter for Chakra {
    fn kind(&self) -> VendorKind {
        VendorKind::Chakra
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
