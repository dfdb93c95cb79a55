//! One lookup end to end: resolve the key, build the request, send it (with Coho's token
//! exchange and bounded 429 retries), normalize the answer. Shared by `get` and the TUI.
//! SKELETON: types are the contract; `Lookuper::run` is being written.

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

use crate::error::LookupError;
use crate::profile::Profile;
use crate::secrets::KeySource;
use crate::vendor::{Connection, Lookup, VendorKind};

/// What was sent and what came back, for the Request pane and `--format json`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestInfo {
    pub method: String,
    pub url: String,
    pub status: u16,
    pub elapsed_ms: u64,
    /// Response headers, secrets redacted. Not part of the stable JSON.
    #[serde(skip)]
    pub response_headers: Vec<(String, String)>,
    /// Request headers as sent, with the key shown as `[redacted]`. Not part of the stable JSON.
    #[serde(skip)]
    pub request_headers: Vec<(String, String)>,
}

/// A successful lookup: the normalized profile plus everything needed to show the raw payload.
#[derive(Clone, Debug)]
pub struct LookupOutcome {
    pub vendor: VendorKind,
    pub connection: String,
    pub lookup: Lookup,
    pub request: RequestInfo,
    pub profile: Profile,
    /// The body exactly as received.
    pub raw: bytes::Bytes,
    pub warnings: Vec<String>,
}

/// Progress a caller may show while a lookup runs (the TUI's 429 countdown).
#[derive(Clone, Debug, PartialEq)]
pub enum LookupEvent {
    /// Rate limited; the next try starts after `wait`. `attempt` counts from 1.
    RateLimitedWaiting { wait: Duration, attempt: u32 },
}

/// Runs lookups; cheap to clone and share between tasks (one HTTP client, one token cache).
#[derive(Clone)]
pub struct Lookuper {
    pub keys: Arc<dyn KeySource>,
}
