//! Coho's data API wants a short-lived access token, obtained from a client id + secret
//! (vendor-facts: `POST {auth}/identity/resources/auth/v2/api-token`). The generic cache in
//! `vendors::auth` keeps tokens until shortly before they expire; this is the exchange itself.

use std::time::Duration;

use futures::future::BoxFuture;
use serde::Deserialize;

use crate::error::LookupError;
use crate::http::{Outgoing, origin_text};
use crate::secrets::ApiKey;
use crate::vendors::VendorKind;
use crate::vendors::auth::{ExchangeRequest, TokenExchange};

pub const TOKEN_PATH: &str = "/identity/resources/auth/v2/api-token";
/// Used when the answer does not say how long the token lives.
const ASSUMED_LIFETIME: Duration = Duration::from_secs(300);

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: Option<String>,
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
    ) -> BoxFuture<'a, Result<(ApiKey, Duration), LookupError>> {
        Box::pin(exchange(request))
    }
}

/// One exchange of client id + secret for an access token and its lifetime.
async fn exchange(request: ExchangeRequest<'_>) -> Result<(ApiKey, Duration), LookupError> {
    let ExchangeRequest {
        http,
        conn,
        auth_url,
        client_id,
        secret,
        events,
        cancel,
    } = request;
    let url = crate::vendors::common::join_path(auth_url, TOKEN_PATH, None)
        .map_err(|e| LookupError::Usage(format!("Coho auth URL: {e:?}")))?;
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
    let received = http.execute(&out, VendorKind::COHO, events, cancel).await?;
    tracing::info!(
        vendor = "coho",
        url = %url,
        status = received.status,
        elapsed_ms = u64::try_from(received.elapsed.as_millis()).unwrap_or(u64::MAX),
        "token exchange"
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
                connection: conn.name.clone(),
                status: received.status,
                message: Some("Coho rejected the client id / secret".to_owned()),
            });
        }
        _ => {
            return Err(LookupError::Server {
                vendor: VendorKind::COHO.display_name(),
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
