//! Coho's data API wants a short-lived access token, obtained from a client id + secret
//! (vendor-facts: `POST {auth}/identity/resources/auth/v2/api-token`). Tokens are cached in
//! memory per connection and client id until shortly before they expire.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde::Deserialize;
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use crate::error::LookupError;
use crate::http::LookupEvent;
use crate::http::{HttpClient, Outgoing, origin_text};
use crate::secrets::ApiKey;
use crate::vendor::{Connection, VendorKind};

pub const TOKEN_PATH: &str = "/identity/resources/auth/v2/api-token";
/// A token is renewed this long before Coho says it expires, so it never dies mid-request.
pub const SAFETY_MARGIN: Duration = Duration::from_secs(30);
/// Used when the answer does not say how long the token lives.
const ASSUMED_LIFETIME: Duration = Duration::from_secs(300);

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

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: Option<String>,
    expires_in: Option<serde_json::Value>,
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
                "connection {} has no Coho auth URL for the token exchange",
                conn.name
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
        let (token, lifetime) = exchange(http, conn, client_id, secret, events, cancel).await?;
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

/// One exchange of client id + secret for an access token and its lifetime.
async fn exchange(
    http: &HttpClient,
    conn: &Connection,
    client_id: &str,
    secret: &ApiKey,
    events: Option<&UnboundedSender<LookupEvent>>,
    cancel: &CancellationToken,
) -> Result<(ApiKey, Duration), LookupError> {
    let auth_url = conn
        .auth_url
        .as_ref()
        .ok_or_else(|| LookupError::Usage("no Coho auth URL".to_owned()))?;
    let url = auth_url
        .join(TOKEN_PATH)
        .map_err(|e| LookupError::Usage(format!("Coho auth URL: {e}")))?;
    let body = serde_json::to_vec(&serde_json::json!({
        "clientId": client_id,
        "secret": secret.expose(),
    }))
    .map_err(|e| LookupError::Usage(format!("cannot encode the token request: {e}")))?;
    let headers = [("accept", "application/json".to_owned())];
    let secrets = [secret.expose()];
    let out = Outgoing {
        method: reqwest::Method::POST,
        url: &url,
        headers: &headers,
        auth: None,
        json_body: Some(body),
        secrets: &secrets,
    };
    let received = http.execute(&out, VendorKind::Coho, events, cancel).await?;
    tracing::info!(
        vendor = "coho",
        url = %url,
        status = received.status,
        elapsed_ms = received.elapsed.as_millis() as u64,
        "token exchange"
    );
    let fail = |message: String| LookupError::Server {
        vendor: VendorKind::Coho.display_name(),
        status: received.status,
        message: Some(message),
        excerpt: None,
    };
    match received.status {
        200..=299 => {}
        401 | 403 => {
            return Err(LookupError::KeyRejected {
                vendor: VendorKind::Coho.display_name(),
                connection: conn.name.clone(),
                status: received.status,
                message: Some("Coho rejected the client id / secret".to_owned()),
            });
        }
        _ => {
            return Err(LookupError::Server {
                vendor: VendorKind::Coho.display_name(),
                status: received.status,
                message: Some(format!(
                    "the token exchange at {} failed",
                    origin_text(&url)
                )),
                excerpt: if received.is_html() {
                    None
                } else {
                    crate::http::excerpt(&received.body, &secrets)
                },
            });
        }
    }
    // The answer holds the token itself: never quote it in an error.
    let answer: TokenAnswer = serde_json::from_slice(&received.body).map_err(|_| {
        fail(
            "the token exchange answered with something that is not the documented JSON".to_owned(),
        )
    })?;
    let token = answer
        .access_token
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| fail("the token exchange answered without an access_token".to_owned()))?;
    let lifetime = answer
        .expires_in
        .as_ref()
        .and_then(|v| {
            v.as_f64()
                .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
        })
        .filter(|secs| secs.is_finite() && *secs >= 0.0)
        .map(|secs| Duration::from_secs_f64(secs.min(86_400.0 * 365.0)))
        .unwrap_or(ASSUMED_LIFETIME);
    Ok((ApiKey::new(token), lifetime))
}
