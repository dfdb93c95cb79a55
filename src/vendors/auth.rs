//! Vendors whose API wants short-lived tokens obtained from a client id + secret: the hook
//! their folder implements ([`TokenExchange`]) and the cache a lookup keeps them in, per
//! connection and client id, until shortly before they expire. An expired token is renewed
//! with the refresh token of the last answer where the vendor has one, so the client secret
//! travels only when nothing else works.

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

/// What one refresh needs: the refresh token of an earlier answer (a secret too).
pub struct RefreshRequest<'a> {
    pub http: &'a HttpClient,
    pub conn: &'a Connection,
    pub auth_url: &'a Url,
    pub refresh_token: &'a ApiKey,
    pub events: Option<&'a UnboundedSender<LookupEvent>>,
    pub cancel: &'a CancellationToken,
}

/// A token as the vendor handed it out.
pub struct Token {
    pub access: ApiKey,
    /// How long `access` lives.
    pub lifetime: Duration,
    /// What renews `access` without the client secret, when the vendor gave one.
    pub refresh: Option<ApiKey>,
}

/// The auth hook of a vendor that trades client credentials for short-lived tokens.
pub trait TokenExchange: Sync {
    /// What the ready token is called in prompts ("access token").
    fn token_name(&self) -> &'static str;

    /// One exchange of client id + secret: a fresh token, how long it lives, and a refresh
    /// token if the vendor gives one.
    fn exchange<'a>(
        &'a self,
        request: ExchangeRequest<'a>,
    ) -> BoxFuture<'a, Result<Token, LookupError>>;

    /// Renew an expired token with a refresh token; `None` when the vendor has no refresh
    /// (then the client secret is exchanged again).
    fn refresh<'a>(
        &'a self,
        request: RefreshRequest<'a>,
    ) -> Option<BoxFuture<'a, Result<Token, LookupError>>> {
        let _ = request;
        None
    }
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
    /// Kept after `token` expires: it renews the token without the secret.
    refresh: Option<ApiKey>,
}

/// The token cache. One lock serializes exchanges, so concurrent lookups share one token.
#[derive(Default)]
pub struct TokenCache {
    entries: tokio::sync::Mutex<HashMap<CacheKey, Cached>>,
    exchanges: std::sync::atomic::AtomicU64,
    refreshes: std::sync::atomic::AtomicU64,
}

impl TokenCache {
    pub fn new() -> Self {
        Self::default()
    }

    /// How many exchanges of client id + secret were made (for tests and the log).
    pub fn exchange_count(&self) -> u64 {
        self.exchanges.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// How many successful refreshes were made (for tests and the log).
    pub fn refresh_count(&self) -> u64 {
        self.refreshes.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// A fresh token for the connection; `rejected` is a token the data API just refused
    /// with 401, which must not be handed out again. An expired token is renewed with its
    /// refresh token first (one try); a failed refresh, or a rejected token, falls back to
    /// one exchange of the client secret. A rejected token is not refreshed: the data API
    /// refused it before it expired, so the grant behind it (and its refresh token) is
    /// suspect, and the secret is the stronger re-authentication.
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
        let mut refresh_with = None;
        if let Some(cached) = entries.remove(&key) {
            let refused = rejected.is_some_and(|r| r.expose() == cached.token.expose());
            if !refused && Instant::now() < cached.fresh_until {
                let token = cached.token.clone();
                entries.insert(key, cached);
                return Ok(token);
            }
            if !refused {
                refresh_with = cached.refresh;
            }
        }
        if let Some(refresh_token) = &refresh_with {
            let request = RefreshRequest {
                http,
                conn,
                auth_url,
                refresh_token,
                events,
                cancel,
            };
            if let Some(renewal) = exchanger.refresh(request) {
                match renewal.await {
                    Ok(token) => {
                        self.refreshes
                            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        // A vendor that does not rotate refresh tokens keeps the old one valid.
                        return Ok(Self::store(&mut entries, key, token, refresh_with.clone()));
                    }
                    Err(LookupError::Cancelled) => return Err(LookupError::Cancelled),
                    Err(error) => tracing::info!(
                        vendor = conn.vendor.as_str(),
                        %error,
                        "token refresh failed; exchanging the client secret instead"
                    ),
                }
            }
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
        let token = exchanger.exchange(request).await?;
        self.exchanges
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(Self::store(&mut entries, key, token, None))
    }

    /// Cache a new token (with its refresh token, else `previous_refresh`) and hand it out.
    fn store(
        entries: &mut HashMap<CacheKey, Cached>,
        key: CacheKey,
        token: Token,
        previous_refresh: Option<ApiKey>,
    ) -> ApiKey {
        let access = token.access.clone();
        entries.insert(
            key,
            Cached {
                token: token.access,
                fresh_until: Instant::now() + token.lifetime.saturating_sub(SAFETY_MARGIN),
                refresh: token.refresh.or(previous_refresh),
            },
        );
        access
    }
}
