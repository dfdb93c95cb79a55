//! Coho's data API wants a short-lived access token, obtained from a client id + secret
//! (vendor-facts: `POST {auth}/identity/resources/auth/v2/api-token`) and renewed with the
//! answer's `refresh_token` at `…/api-token/token/refresh`. The generic cache in
//! `vendors::auth` keeps tokens until shortly before they expire and decides when to refresh;
//! this is the exchange and the refresh themselves.

use std::time::Duration;

use futures::future::BoxFuture;
use serde::Deserialize;
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::error::LookupError;
use crate::http::{HttpClient, LookupEvent, Outgoing, origin_text};
use crate::secrets::ApiKey;
use crate::vendors::auth::{ExchangeRequest, RefreshRequest, Token, TokenExchange};
use crate::vendors::common::join_path;
use crate::vendors::{Connection, VendorKind};

pub const TOKEN_PATH: &str = "/identity/resources/auth/v2/api-token";
/// Where a refresh token renews the access token (appended to the auth URL, like `TOKEN_PATH`).
pub const REFRESH_PATH: &str = "/identity/resources/auth/v2/api-token/token/refresh";
/// Used when the answer does not say how long the token lives.
const ASSUMED_LIFETIME: Duration = Duration::from_secs(300);

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: Option<String>,
    refresh_token: Option<String>,
    expires_in: Option<serde_json::Value>,
}

/// Coho's token exchange, for the lookup's token cache.
pub struct CohoTokens;

impl TokenExchange for CohoTokens {
    fn token_name(&self) -> &'static str {
        "access token"
    }

    fn exchange<'a>(
        &'a self,
        request: ExchangeRequest<'a>,
    ) -> BoxFuture<'a, Result<Token, LookupError>> {
        Box::pin(exchange(request))
    }

    fn refresh<'a>(
        &'a self,
        request: RefreshRequest<'a>,
    ) -> Option<BoxFuture<'a, Result<Token, LookupError>>> {
        Some(Box::pin(refresh(request)))
    }
}

/// One exchange of client id + secret for an access token, its lifetime and refresh token.
async fn exchange(request: ExchangeRequest<'_>) -> Result<Token, LookupError> {
    let body = serde_json::json!({
        "clientId": request.client_id,
        "secret": request.secret.expose(),
    });
    let post = TokenPost {
        http: request.http,
        conn: request.conn,
        url: auth_endpoint(request.auth_url, TOKEN_PATH)?,
        what: "token exchange",
        rejected: "Coho rejected the client id / secret",
        events: request.events,
        cancel: request.cancel,
    };
    post.send(&body, request.secret).await
}

/// One refresh: the refresh token of an earlier answer for a fresh access token.
async fn refresh(request: RefreshRequest<'_>) -> Result<Token, LookupError> {
    let body = serde_json::json!({ "refreshToken": request.refresh_token.expose() });
    let post = TokenPost {
        http: request.http,
        conn: request.conn,
        url: auth_endpoint(request.auth_url, REFRESH_PATH)?,
        what: "token refresh",
        rejected: "Coho rejected the refresh token",
        events: request.events,
        cancel: request.cancel,
    };
    post.send(&body, request.refresh_token).await
}

/// The auth URL (which may carry a path prefix) + one of Coho's auth paths.
fn auth_endpoint(auth_url: &Url, path: &str) -> Result<Url, LookupError> {
    join_path(auth_url, path, None).map_err(|_| {
        LookupError::Usage(format!(
            "cannot build the Coho auth URL from {}; check the auth URL",
            crate::vendors::common::shown_base(auth_url)
        ))
    })
}

/// A POST to one of Coho's token endpoints and the reading of its answer.
struct TokenPost<'a> {
    http: &'a HttpClient,
    conn: &'a Connection,
    url: Url,
    /// "token exchange" / "token refresh", for the log and messages.
    what: &'static str,
    /// The message of a 401/403.
    rejected: &'static str,
    events: Option<&'a UnboundedSender<LookupEvent>>,
    cancel: &'a CancellationToken,
}

impl TokenPost<'_> {
    /// Send `body` (which holds `secret`), then read the token answer. Neither the secret
    /// nor the answer's tokens ever appear in an error.
    async fn send(self, body: &serde_json::Value, secret: &ApiKey) -> Result<Token, LookupError> {
        let body = serde_json::to_vec(body)
            .map_err(|e| LookupError::Usage(format!("cannot encode the {}: {e}", self.what)))?;
        let headers = [("accept", "application/json".to_owned())];
        let secrets = [secret.expose()];
        let out = Outgoing {
            method: reqwest::Method::POST,
            url: &self.url,
            headers: &headers,
            auth: None,
            json_body: Some(body),
            secrets: &secrets,
        };
        let received = self
            .http
            .execute(&out, VendorKind::COHO, self.events, self.cancel)
            .await?;
        tracing::info!(
            vendor = "coho",
            url = %self.url,
            status = received.status,
            elapsed_ms = u64::try_from(received.elapsed.as_millis()).unwrap_or(u64::MAX),
            "{}",
            self.what
        );
        let fail = |message: String| LookupError::Server {
            vendor: VendorKind::COHO.display_name(),
            status: received.status,
            message: Some(message),
            excerpt: None,
        };
        match received.status {
            200..=299 => {}
            401 | 403 => {
                return Err(LookupError::KeyRejected {
                    vendor: VendorKind::COHO.display_name(),
                    connection: self.conn.name.clone(),
                    status: received.status,
                    message: Some(self.rejected.to_owned()),
                });
            }
            _ => {
                return Err(LookupError::Server {
                    vendor: VendorKind::COHO.display_name(),
                    status: received.status,
                    message: Some(format!(
                        "the {} at {} failed",
                        self.what,
                        origin_text(&self.url)
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
            fail(format!(
                "the {} answered with something that is not the documented JSON",
                self.what
            ))
        })?;
        let access = answer
            .access_token
            .filter(|t| !t.trim().is_empty())
            .ok_or_else(|| {
                fail(format!(
                    "the {} answered without an access_token",
                    self.what
                ))
            })?;
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
        Ok(Token {
            access: ApiKey::new(access),
            lifetime,
            refresh: answer
                .refresh_token
                .filter(|t| !t.trim().is_empty())
                .map(ApiKey::new),
        })
    }
}
