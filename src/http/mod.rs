//! The one HTTP client every lookup goes through: connect and total timeouts, a body-size cap
//! enforced while the body streams in, redirects kept on the connection's own origin, keys sent
//! only over TLS (or to loopback, judged by the addresses actually connected to), and bounded
//! waits on 429.
//!
//! Status codes are not judged here (except 3xx and 429): callers map them with
//! [`status_error`], because Coho's token exchange reads them differently from a data request.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use bytes::{Bytes, BytesMut};
use reqwest::header::HeaderMap;
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::config::HttpSettings;
use crate::error::LookupError;
use crate::vendors::{AuthPlacement, VendorKind};

mod answer;
mod errors;
mod headers;
mod resolve;
#[cfg(test)]
mod tests;
mod transport;

pub use answer::{excerpt, looks_like_html, rate_limit_wait, status_error};
pub use errors::human_cause;
pub use headers::{record_response_headers, redact};
pub use resolve::{
    LoopbackOnly, PlainHttpRefused, SystemResolver, is_loopback_ip, require_loopback,
};
pub use transport::{check_key_transport, is_loopback, origin_text};

use answer::truncate_chars;
use errors::{error_chain_text, transport_error};
use headers::build_headers;

/// Progress a caller may show while a request runs (the TUI's 429 countdown, `get`'s stderr).
#[derive(Clone, Debug, PartialEq)]
pub enum LookupEvent {
    /// Rate limited; the next try starts after `wait`. `attempt` counts from 1.
    RateLimitedWaiting { wait: Duration, attempt: u32 },
}

/// Same-origin redirects followed at most this many times in a row.
pub const MAX_REDIRECTS: usize = 5;
/// Tries of one request when the vendor answers 429 (the first one included).
pub const MAX_TRIES: u32 = 3;
/// All waiting on 429s together never exceeds this.
pub const MAX_RATE_LIMIT_WAIT: Duration = Duration::from_secs(60);
/// Wait when a 429 says nothing about when to come back.
pub const DEFAULT_RATE_LIMIT_WAIT: Duration = Duration::from_millis(1500);
/// Body excerpts in error messages are at most this many characters.
pub const EXCERPT_CHARS: usize = 200;
/// Shown instead of a secret.
pub const REDACTED: &str = "[redacted]";

pub(crate) const USER_AGENT: &str = concat!("userscope/", env!("CARGO_PKG_VERSION"));

/// The shared client. Cheap to clone (reqwest's client is an `Arc` inside).
#[derive(Clone)]
pub struct HttpClient {
    /// For https and everything else: honours the system proxy settings.
    client: reqwest::Client,
    /// For plain http to loopback: never through a proxy, so a key sent in clear text
    /// cannot leave the machine through an `HTTP_PROXY`, and host names resolved through
    /// [`LoopbackOnly`], so it cannot leave through a resolver that maps `localhost` elsewhere.
    direct: reqwest::Client,
    settings: HttpSettings,
}

/// The key and where it goes in the request.
#[derive(Clone, Copy)]
pub struct Auth<'a> {
    pub placement: AuthPlacement,
    pub key: &'a str,
}

/// One request to send. `secrets` are the strings that must never be shown (the key, a
/// client secret): they are redacted from recorded headers and error excerpts.
pub struct Outgoing<'a> {
    pub method: reqwest::Method,
    pub url: &'a Url,
    /// Non-secret headers, as the vendor wants them.
    pub headers: &'a [(&'static str, String)],
    pub auth: Option<Auth<'a>>,
    /// A JSON body (Coho's token exchange); it may hold a secret.
    pub json_body: Option<Vec<u8>>,
    pub secrets: &'a [&'a str],
}

impl Outgoing<'_> {
    fn carries_secret(&self) -> bool {
        self.auth.is_some() || self.json_body.is_some() || !self.secrets.is_empty()
    }
}

/// A complete response (any status except 3xx, and 429 only when the caller must judge it).
#[derive(Clone, Debug)]
pub struct Received {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// From sending the last try to the end of its body.
    pub elapsed: Duration,
    /// Request headers as sent, the key replaced by `[redacted]`.
    pub request_headers: Vec<(String, String)>,
    /// Response headers, secret-looking ones redacted, values sanitized.
    pub response_headers: Vec<(String, String)>,
}

impl Received {
    pub fn content_type(&self) -> Option<&str> {
        self.headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
    }

    /// Whether the body is an HTML page (by its Content-Type or its first bytes).
    pub fn is_html(&self) -> bool {
        looks_like_html(self.content_type(), &self.body)
    }
}

impl HttpClient {
    /// A client whose plain-http requests resolve host names with the system resolver.
    pub fn new(settings: &HttpSettings) -> Result<HttpClient, LookupError> {
        Self::with_resolver(settings, Arc::new(SystemResolver))
    }

    /// A client whose plain-http requests resolve host names with `resolver`, wrapped in
    /// [`LoopbackOnly`] (tests inject a resolver that maps `localhost` anywhere they like).
    /// https keeps reqwest's own system resolver.
    pub fn with_resolver(
        settings: &HttpSettings,
        resolver: Arc<dyn reqwest::dns::Resolve>,
    ) -> Result<HttpClient, LookupError> {
        let loopback_only = Arc::new(LoopbackOnly::new(resolver));
        let build = |direct: bool| {
            let mut builder = reqwest::Client::builder()
                .use_rustls_tls()
                .connect_timeout(settings.connect_timeout())
                .timeout(settings.timeout())
                .redirect(same_origin_redirects())
                .user_agent(USER_AGENT);
            if direct {
                builder = builder.no_proxy().dns_resolver(loopback_only.clone());
            }
            builder.build().map_err(|e| LookupError::Network {
                host: "the HTTP client".to_owned(),
                cause: format!("could not be set up: {}", error_chain_text(&e)),
            })
        };
        Ok(HttpClient {
            client: build(false)?,
            direct: build(true)?,
            settings: settings.clone(),
        })
    }

    pub fn settings(&self) -> &HttpSettings {
        &self.settings
    }

    /// Send `out`, waiting and retrying on 429 within the budget (3 tries, 60 s of waiting).
    /// Returns the response for every status except 3xx (an error: redirects that reach us
    /// were refused by the policy) and an exhausted 429 (`RateLimited`).
    pub async fn execute(
        &self,
        out: &Outgoing<'_>,
        vendor: VendorKind,
        events: Option<&UnboundedSender<LookupEvent>>,
        cancel: &CancellationToken,
    ) -> Result<Received, LookupError> {
        if out.carries_secret() {
            check_key_transport(out.url)?;
        }
        let mut waited = Duration::ZERO;
        let mut attempt = 1;
        loop {
            let received = tokio::select! {
                biased;
                _ = cancel.cancelled() => return Err(LookupError::Cancelled),
                r = self.attempt(out, vendor) => r?,
            };
            if (300..400).contains(&received.status) {
                return Err(redirect_refused(vendor, &received, out.secrets));
            }
            if received.status != 429 {
                return Ok(received);
            }
            let wait = rate_limit_wait(&received.headers, SystemTime::now())
                .unwrap_or(DEFAULT_RATE_LIMIT_WAIT);
            let exhausted = attempt >= MAX_TRIES || waited + wait > MAX_RATE_LIMIT_WAIT;
            if exhausted {
                let message = if received.is_html() {
                    None
                } else {
                    vendor
                        .adapter()
                        .error_message(429, &received.body)
                        .map(|m| redact(&m, out.secrets))
                };
                return Err(LookupError::RateLimited {
                    vendor: vendor.display_name(),
                    retry_in: Some(wait),
                    message,
                });
            }
            tracing::info!(
                vendor = vendor.as_str(),
                wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                attempt,
                "rate limited; waiting"
            );
            if let Some(tx) = events {
                // The receiver may be gone (the TUI moved on); the wait still applies.
                let _ = tx.send(LookupEvent::RateLimitedWaiting { wait, attempt });
            }
            tokio::select! {
                biased;
                _ = cancel.cancelled() => return Err(LookupError::Cancelled),
                _ = tokio::time::sleep(wait) => {}
            }
            waited += wait;
            attempt += 1;
        }
    }

    /// One try: send, then read the body under the cap. The total timeout covers both.
    async fn attempt(
        &self,
        out: &Outgoing<'_>,
        vendor: VendorKind,
    ) -> Result<Received, LookupError> {
        let host = origin_text(out.url);
        let timeout = self.settings.timeout();
        let started = Instant::now();
        let work = self.send_and_read(out, vendor, &host, started);
        match tokio::time::timeout(timeout, work).await {
            Ok(result) => result,
            Err(_) => Err(LookupError::Timeout {
                host,
                after: timeout,
            }),
        }
    }

    async fn send_and_read(
        &self,
        out: &Outgoing<'_>,
        vendor: VendorKind,
        host: &str,
        started: Instant,
    ) -> Result<Received, LookupError> {
        let (headers, request_headers) = build_headers(out)?;
        // Every plain-http request that may carry a secret passed `check_key_transport`, so
        // it is to a loopback name or IP and takes the loopback-only client.
        let client = if out.url.scheme() == "http" && is_loopback(out.url) {
            &self.direct
        } else {
            &self.client
        };
        let mut request = client
            .request(out.method.clone(), out.url.clone())
            .headers(headers);
        if let Some(body) = &out.json_body {
            request = request.body(body.clone());
        }
        let mut response = request
            .send()
            .await
            .map_err(|e| transport_error(&e, host, self.settings.timeout()))?;
        let status = response.status().as_u16();
        let response_headers_raw = response.headers().clone();

        let cap = self.settings.max_body_bytes();
        let expected = response.content_length();
        if expected.is_some_and(|len| len > cap) {
            // Refuse before reading a byte; dropping the response closes the connection.
            return Err(LookupError::TooLarge {
                vendor: vendor.display_name(),
                limit_bytes: cap,
            });
        }
        let initial = expected.unwrap_or(16 * 1024).min(cap).min(1024 * 1024);
        let mut body = BytesMut::with_capacity(usize::try_from(initial).unwrap_or(16 * 1024));
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if (body.len() as u64).saturating_add(chunk.len() as u64) > cap {
                        return Err(LookupError::TooLarge {
                            vendor: vendor.display_name(),
                            limit_bytes: cap,
                        });
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) if e.is_timeout() => {
                    return Err(LookupError::Timeout {
                        host: host.to_owned(),
                        after: self.settings.timeout(),
                    });
                }
                Err(_) => {
                    return Err(cut_short(vendor, status, body.len() as u64, expected));
                }
            }
        }
        if let Some(len) = expected
            && (body.len() as u64) < len
        {
            return Err(cut_short(vendor, status, body.len() as u64, expected));
        }
        let response_headers = record_response_headers(&response_headers_raw, out.secrets);
        Ok(Received {
            status,
            headers: response_headers_raw,
            body: body.freeze(),
            elapsed: started.elapsed(),
            request_headers,
            response_headers,
        })
    }
}

/// Follow a redirect only to the same scheme, host and port as the first URL, at most
/// `MAX_REDIRECTS` times. Stopping hands the 3xx back to us, which `execute` reports.
/// (reqwest strips `Authorization` on a cross-host redirect, but not custom headers such as
/// `X-FOLDSPACE-API-KEY`, so keys are kept safe here instead.)
fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let Some(first) = attempt.previous().first() else {
            return attempt.stop();
        };
        let same_origin = first.scheme() == attempt.url().scheme()
            && first.host() == attempt.url().host()
            && first.port_or_known_default() == attempt.url().port_or_known_default();
        // `previous` holds the first URL plus every hop so far.
        if !same_origin || attempt.previous().len() > MAX_REDIRECTS {
            attempt.stop()
        } else {
            attempt.follow()
        }
    })
}

fn redirect_refused(vendor: VendorKind, received: &Received, secrets: &[&str]) -> LookupError {
    let target = received
        .headers
        .get(reqwest::header::LOCATION)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let message = match target {
        Some(target) => format!(
            "redirect to {} not followed (userscope follows redirects only within the same scheme, host and port, at most {MAX_REDIRECTS} in a row)",
            truncate_chars(&redact(&target, secrets), EXCERPT_CHARS)
        ),
        None => "a redirect without a Location header".to_owned(),
    };
    LookupError::Server {
        vendor: vendor.display_name(),
        status: received.status,
        message: Some(message),
        excerpt: None,
    }
}

fn cut_short(vendor: VendorKind, status: u16, got: u64, expected: Option<u64>) -> LookupError {
    let cause = match expected {
        Some(total) => {
            format!("the body was cut short: the connection closed after {got} bytes of {total}")
        }
        None => format!("the body was cut short: the connection closed after {got} bytes"),
    };
    LookupError::InvalidBody {
        vendor: vendor.display_name(),
        status,
        cause,
        excerpt: None,
    }
}
