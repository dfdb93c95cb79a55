//! Vendors whose API wants short-lived tokens obtained from a client id + secret: the hook
//! their folder implements ([`TokenExchange`]) and the cache a lookup keeps them in, per
//! connection and client id, until shortly before they expire.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;
use url::Url;

use super::Connection;
use crate::error::LookupError;
use crate::http::{HttpClient, LookupEvent};
use crate::secrets::ApiKey;

/// A token is renewed this long before the vendor says it expires, so it never dies mid-request.
pub const SAFETY_MARGIN: Duration = Duration::from_secs(30);

/// What one exchange needs. The secret goes only into the request body; never log it.
pub struct ExchangeRequest<'a> {
    pub http: &'a HttpClient,
    pub conn: &'a Connection,
    /// Scheme, host and port of the vendor's auth service (`Connection::auth_url`).
    pub auth_url: &'a Url,
    pub client_id: &'a str,
    pub secret: &'a ApiKey,
    pub events: Option<&'a UnboundedSender<LookupEvent>>,
    pub cancel: &'a CancellationToken,
}

/// The auth hook of a vendor that trades client credentials for short-lived tokens.
pub trait TokenExchange: Sync {
    /// What the ready token is called in prompts ("access token").
    fn token_name(&self) -> &'static str;

    /// One exchange: a fresh token and how long it lives.
    fn exchange<'a>(
        &'a self,
        request: ExchangeRequest<'a>,
    ) -> BoxFuture<'a, Result<(ApiKey, Duration), LookupError>>;
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct CacheKey {
    connection: String,
    auth_url: String,
    client_id: String,
}

struct Cached {
    token: ApiKey,
    fresh_until: Instant,
}

/// The token cache. One lock serializes exchanges, so concurrent lookups share one token.
#[derive(Default)]
pub struct TokenCache {
    entries: tokio::sync::Mutex<HashMap<CacheKey, Cached>>,
    exchanges: std::sync::atomic::AtomicU64,
}

impl TokenCache {
    pub fn new() -> Self {
        Self::default()
    }

    /// How many exchanges were made (for tests and the log).
    pub fn exchange_count(&self) -> u64 {
        self.exchanges.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// A fresh token for the connection; `rejected` is a token the data API just refused
    /// with 401, which must not be handed out again.
    #[allow(clippy::too_many_arguments)]
    pub async fn token(
        &self,
        exchanger: &dyn TokenExchange,
        http: &HttpClient,
        conn: &Connection,
        client_id: &str,
        secret: &ApiKey,
        rejected: Option<&ApiKey>,
        events: Option<&UnboundedSender<LookupEvent>>,
        cancel: &CancellationToken,
    ) -> Result<ApiKey, LookupError> {
        let auth_url = conn.auth_url.as_ref().ok_or_else(|| {
            LookupError::Usage(format!(
                "connection {} has no {} auth URL for the token exchange",
                conn.name,
                conn.vendor.display_name()
            ))
        })?;
        let key = CacheKey {
            connection: conn.name.clone(),
            auth_url: auth_url.as_str().to_owned(),
            client_id: client_id.to_owned(),
        };
        let mut entries = tokio::select! {
            biased;
            _ = cancel.cancelled() => return Err(LookupError::Cancelled),
            guard = self.entries.lock() => guard,
        };
        if let Some(cached) = entries.get(&key) {
            let refused = rejected.is_some_and(|r| r.expose() == cached.token.expose());
            if !refused && Instant::now() < cached.fresh_until {
                return Ok(cached.token.clone());
            }
            entries.remove(&key);
        }
        let request = ExchangeRequest {
            http,
            conn,
            auth_url,
            client_id,
            secret,
            events,
            cancel,
        };
        let (token, lifetime) = exchanger.exchange(request).await?;
        self.exchanges
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        entries.insert(
            key,
            Cached {
                token: token.clone(),
                fresh_until: Instant::now() + lifetime.saturating_sub(SAFETY_MARGIN),
            },
        );
        Ok(token)
    }
}
