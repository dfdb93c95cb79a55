//! The one HTTP client every lookup goes through: connect and total timeouts, a body-size cap
//! enforced while the body streams in, redirects kept on the connection's own origin, keys sent
//! only over TLS (or to loopback), and bounded waits on 429.
//!
//! Status codes are not judged here (except 3xx and 429): callers map them with
//! [`status_error`], because Coho's token exchange reads them differently from a data request.

use std::error::Error as StdError;
use std::time::{Duration, Instant, SystemTime};

use bytes::{Bytes, BytesMut};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;
use url::{Host, Position, Url};

use crate::config::HttpSettings;
use crate::error::LookupError;
use crate::lookup::LookupEvent;
use crate::sanitize::sanitize;
use crate::vendor::{AuthPlacement, VendorKind};

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

const USER_AGENT: &str = concat!("userscope/", env!("CARGO_PKG_VERSION"));

/// The shared client. Cheap to clone (reqwest's client is an `Arc` inside).
#[derive(Clone)]
pub struct HttpClient {
    /// For https and everything else: honours the system proxy settings.
    client: reqwest::Client,
    /// For plain http to loopback: never through a proxy, so a key sent in clear text
    /// cannot leave the machine through an `HTTP_PROXY`.
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
    pub fn new(settings: &HttpSettings) -> Result<HttpClient, LookupError> {
        let build = |direct: bool| {
            let mut builder = reqwest::Client::builder()
                .use_rustls_tls()
                .connect_timeout(settings.connect_timeout())
                .timeout(settings.timeout())
                .redirect(same_origin_redirects())
                .user_agent(USER_AGENT);
            if direct {
                builder = builder.no_proxy();
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
                wait_ms = wait.as_millis() as u64,
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

/// Keys travel only over https, or over plain http to this machine.
pub fn check_key_transport(url: &Url) -> Result<(), LookupError> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        _ => Err(LookupError::Usage(format!(
            "refusing to send the API key to {} over plain http: keys go only over https (plain http only to 127.0.0.1, ::1 or localhost); use an https:// base URL",
            sanitize(&url[..Position::AfterPort])
        ))),
    }
}

/// 127.0.0.0/8, ::1 (also as ::ffff:127.x), or the name `localhost`.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// `host[:port]` of a URL, for messages.
pub fn origin_text(url: &Url) -> String {
    sanitize(&url[Position::BeforeHost..Position::AfterPort]).into_owned()
}

fn build_headers(out: &Outgoing<'_>) -> Result<(HeaderMap, Vec<(String, String)>), LookupError> {
    let mut headers = HeaderMap::new();
    let mut shown = vec![("user-agent".to_owned(), USER_AGENT.to_owned())];
    for (name, value) in out.headers {
        let header_name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| LookupError::Usage(format!("invalid header name {name}")))?;
        let header_value = HeaderValue::from_str(value).map_err(|_| {
            LookupError::Usage(format!("the value of header {name} cannot be sent in HTTP"))
        })?;
        headers.insert(header_name, header_value);
        shown.push(((*name).to_owned(), sanitize(value).into_owned()));
    }
    if out.json_body.is_some() {
        headers.insert(
            reqwest::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        shown.push(("content-type".to_owned(), "application/json".to_owned()));
    }
    if let Some(auth) = out.auth {
        let name = HeaderName::from_bytes(auth.placement.header.as_bytes()).map_err(|_| {
            LookupError::Usage(format!("invalid header name {}", auth.placement.header))
        })?;
        // Never echo the key in this message: only say what is wrong with it.
        let mut value = HeaderValue::from_str(&auth.placement.header_value(auth.key)).map_err(|_| {
            LookupError::KeyStore(
                "the stored API key contains characters that cannot go in an HTTP header (a line break or control character?); set it again".to_owned(),
            )
        })?;
        value.set_sensitive(true);
        headers.insert(name, value);
        shown.push((
            auth.placement.header.to_owned(),
            auth.placement.header_value(REDACTED),
        ));
    }
    Ok((headers, shown))
}

/// Response headers for display: secret-looking names, and any value that echoes a secret,
/// are redacted; the rest is sanitized.
pub fn record_response_headers(headers: &HeaderMap, secrets: &[&str]) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            let name = name.as_str().to_owned();
            let text = String::from_utf8_lossy(value.as_bytes());
            let shown = if name_looks_secret(&name) || contains_secret(&text, secrets) {
                REDACTED.to_owned()
            } else {
                sanitize(&text).into_owned()
            };
            (name, shown)
        })
        .collect()
}

fn name_looks_secret(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name == "authorization"
        || name == "proxy-authorization"
        || name.contains("cookie")
        || name.contains("key")
        || name.contains("token")
        || name.contains("secret")
}

fn contains_secret(text: &str, secrets: &[&str]) -> bool {
    secrets.iter().any(|s| !s.is_empty() && text.contains(s))
}

/// Replace every occurrence of a secret with `[redacted]`.
pub fn redact(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_owned();
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        if out.contains(secret) {
            out = out.replace(secret, REDACTED);
        }
    }
    out
}

/// How long a 429 asks us to wait: `Retry-After` (seconds or an HTTP date), else Vemetric's
/// `X-RateLimit-Reset` (epoch seconds when > 10^9, else seconds from now).
pub fn rate_limit_wait(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    if let Some(value) = text("retry-after") {
        if let Some(secs) = parse_seconds(value) {
            return Some(secs);
        }
        if let Ok(date) = chrono::DateTime::parse_from_rfc2822(value) {
            let at = SystemTime::from(date);
            return Some(at.duration_since(now).unwrap_or(Duration::ZERO));
        }
    }
    if let Some(value) = text("x-ratelimit-reset") {
        let number: f64 = value
            .parse()
            .ok()
            .filter(|n: &f64| n.is_finite() && *n >= 0.0)?;
        if number > 1e9 {
            let at = SystemTime::UNIX_EPOCH + Duration::from_secs_f64(number.min(1e12));
            return Some(at.duration_since(now).unwrap_or(Duration::ZERO));
        }
        return Some(Duration::from_secs_f64(number.min(1e9)));
    }
    None
}

fn parse_seconds(value: &str) -> Option<Duration> {
    let n: f64 = value.parse().ok()?;
    (n.is_finite() && n >= 0.0).then(|| Duration::from_secs_f64(n.min(1e9)))
}

/// HTML by Content-Type, or a body that opens like a page. Such bodies are never dumped.
pub fn looks_like_html(content_type: Option<&str>, body: &[u8]) -> bool {
    if content_type.is_some_and(|ct| ct.trim().to_ascii_lowercase().starts_with("text/html")) {
        return true;
    }
    let start: Vec<u8> = body
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take(15)
        .map(u8::to_ascii_lowercase)
        .collect();
    start.starts_with(b"<!doctype")
        || start.starts_with(b"<html")
        || start.starts_with(b"<head")
        || start.starts_with(b"<body")
}

/// A short, one-line, sanitized excerpt of a body, secrets redacted; `None` when empty.
pub fn excerpt(body: &[u8], secrets: &[&str]) -> Option<String> {
    let head = body.get(..body.len().min(4096)).unwrap_or_default();
    let text = redact(&String::from_utf8_lossy(head), secrets);
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.is_empty() {
        return None;
    }
    let clean = sanitize(&one_line);
    let truncated = body.len() > head.len();
    let mut short = truncate_chars(&clean, EXCERPT_CHARS);
    if truncated && !short.ends_with('…') {
        short.push('…');
    }
    Some(short)
}

fn truncate_chars(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max).collect();
    out.push('…');
    out
}

/// The error for a non-2xx status of a data request (design §4), or `None` for 2xx.
pub fn status_error(
    vendor: VendorKind,
    connection: &str,
    received: &Received,
    secrets: &[&str],
) -> Option<LookupError> {
    let status = received.status;
    if (200..300).contains(&status) {
        return None;
    }
    let html = received.is_html();
    let message = if html {
        None
    } else {
        vendor
            .adapter()
            .error_message(status, &received.body)
            .map(|m| redact(&m, secrets))
    };
    let name = vendor.display_name();
    Some(match status {
        404 => LookupError::NotFound {
            vendor: name,
            message,
        },
        401 | 403 => LookupError::KeyRejected {
            vendor: name,
            connection: connection.to_owned(),
            status,
            message,
        },
        429 => LookupError::RateLimited {
            vendor: name,
            retry_in: rate_limit_wait(&received.headers, SystemTime::now()),
            message,
        },
        // The vendor says the request itself is invalid: for a lookup that is the ID.
        400 | 422 => LookupError::Usage(format!(
            "{name} refused the lookup as invalid (HTTP {status}){}",
            match message {
                Some(m) => format!(": {}", sanitize(&m)),
                None => String::new(),
            }
        )),
        _ => {
            let excerpt = if html || message.is_some() {
                None
            } else {
                excerpt(&received.body, secrets)
            };
            LookupError::Server {
                vendor: name,
                status,
                message,
                excerpt,
            }
        }
    })
}

/// Map a reqwest error that happened before a response arrived.
fn transport_error(error: &reqwest::Error, host: &str, timeout: Duration) -> LookupError {
    if error.is_timeout() || chain_has_io_kind(error, std::io::ErrorKind::TimedOut) {
        return LookupError::Timeout {
            host: host.to_owned(),
            after: timeout,
        };
    }
    // A connector error never got as far as a connection; anything else reached the host.
    if error.is_connect() {
        LookupError::Network {
            host: host.to_owned(),
            cause: human_cause(error),
        }
    } else {
        LookupError::NotHttp {
            host: host.to_owned(),
            cause: human_cause(error),
        }
    }
}

fn chain_has_io_kind(error: &(dyn StdError + 'static), kind: std::io::ErrorKind) -> bool {
    let mut current: Option<&(dyn StdError + 'static)> = Some(error);
    while let Some(err) = current {
        if err
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == kind)
        {
            return true;
        }
        current = err.source();
    }
    false
}

/// Every message of an error's `source()` chain, joined.
fn error_chain_text(error: &(dyn StdError + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current: Option<&(dyn StdError + 'static)> = Some(error);
    while let Some(err) = current {
        let text = err.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        current = err.source();
    }
    parts.join(": ")
}

/// A human cause from a transport error, classified by walking `source()`.
pub fn human_cause(error: &(dyn StdError + 'static)) -> String {
    use std::io::ErrorKind;
    let all = error_chain_text(error);
    let lower = all.to_ascii_lowercase();
    let innermost = {
        let mut current: &(dyn StdError + 'static) = error;
        while let Some(next) = current.source() {
            current = next;
        }
        current.to_string()
    };
    let cause = if chain_has_io_kind(error, ErrorKind::ConnectionRefused)
        || lower.contains("connection refused")
    {
        "connection refused".to_owned()
    } else if lower.contains("dns error")
        || lower.contains("failed to lookup address")
        || lower.contains("name or service not known")
        || lower.contains("no address associated")
    {
        "DNS lookup failed (no such host?)".to_owned()
    } else if lower.contains("certificate")
        || lower.contains("tls")
        || lower.contains("handshake")
        || lower.contains("peer sent")
        || lower.contains("corrupt message")
        || lower.contains("fatal alert")
        || lower.contains("peer is incompatible")
        || lower.contains("peer misbehaved")
        || lower.contains("unexpected message")
        || chain_has_io_kind(error, ErrorKind::InvalidData)
    {
        format!("TLS handshake failed: {innermost}")
    } else if chain_has_io_kind(error, ErrorKind::ConnectionReset)
        || lower.contains("connection reset")
    {
        "the connection was reset".to_owned()
    } else if lower.contains("connection closed before message completed")
        || lower.contains("incomplete")
    {
        "the server closed the connection without a complete answer".to_owned()
    } else if chain_has_io_kind(error, ErrorKind::NetworkUnreachable)
        || chain_has_io_kind(error, ErrorKind::HostUnreachable)
        || lower.contains("unreachable")
    {
        "the network or host is unreachable".to_owned()
    } else {
        innermost
    };
    truncate_chars(&sanitize(&cause), EXCERPT_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn loopback_rule() {
        for ok in [
            "https://api.foldspace.ai",
            "http://127.0.0.1:8080",
            "http://127.9.9.9",
            "http://[::1]:1",
            "http://localhost:3000",
            "http://LOCALHOST",
        ] {
            assert!(check_key_transport(&url(ok)).is_ok(), "{ok}");
        }
        for bad in [
            "http://api.foldspace.ai",
            "http://10.0.0.1",
            "http://localhost.evil.com",
            "http://[::2]",
            "http://0.0.0.0",
        ] {
            let err = check_key_transport(&url(bad)).unwrap_err();
            assert_eq!(err.exit_code(), 2, "{bad}");
            assert!(
                err.to_string()
                    .starts_with("refusing to send the API key to http://"),
                "{err}"
            );
        }
    }

    #[test]
    fn retry_after_seconds_date_and_vemetric_reset() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let mut h = HeaderMap::new();
        assert_eq!(rate_limit_wait(&h, now), None);
        h.insert("x-ratelimit-reset", HeaderValue::from_static("1700000007"));
        assert_eq!(rate_limit_wait(&h, now), Some(Duration::from_secs(7)));
        h.insert("x-ratelimit-reset", HeaderValue::from_static("12"));
        assert_eq!(rate_limit_wait(&h, now), Some(Duration::from_secs(12)));
        h.insert("x-ratelimit-reset", HeaderValue::from_static("1600000000"));
        assert_eq!(rate_limit_wait(&h, now), Some(Duration::ZERO));
        h.insert("retry-after", HeaderValue::from_static("3"));
        assert_eq!(rate_limit_wait(&h, now), Some(Duration::from_secs(3)));
        // 1_700_000_000 is Tue, 14 Nov 2023 22:13:20 GMT.
        h.insert(
            "retry-after",
            HeaderValue::from_static("Tue, 14 Nov 2023 22:13:30 GMT"),
        );
        assert_eq!(rate_limit_wait(&h, now), Some(Duration::from_secs(10)));
        h.insert("retry-after", HeaderValue::from_static("999999"));
        assert_eq!(rate_limit_wait(&h, now), Some(Duration::from_secs(999_999)));
    }

    #[test]
    fn excerpts_are_short_one_line_sanitized_and_redacted() {
        let body = format!(
            "line one\n\tkey=SECRET123 \u{1b}[31mred {}",
            "x".repeat(500)
        );
        let e = excerpt(body.as_bytes(), &["SECRET123"]).unwrap();
        assert!(e.starts_with("line one key=[redacted] ␛[31mred xxx"), "{e}");
        assert_eq!(e.chars().count(), EXCERPT_CHARS + 1);
        assert!(e.ends_with('…'));
        assert_eq!(excerpt(b"  \n ", &[]), None);
    }

    #[test]
    fn response_headers_are_redacted_by_name_and_by_value() {
        let mut h = HeaderMap::new();
        h.insert("set-cookie", HeaderValue::from_static("sid=1"));
        h.insert("x-api-key-echo", HeaderValue::from_static("abc"));
        h.insert("x-echo", HeaderValue::from_static("Bearer KEY42"));
        h.insert("x-request-id", HeaderValue::from_static("r-1"));
        let shown = record_response_headers(&h, &["KEY42"]);
        let get = |n: &str| shown.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str());
        assert_eq!(get("set-cookie"), Some(REDACTED));
        assert_eq!(get("x-api-key-echo"), Some(REDACTED));
        assert_eq!(get("x-echo"), Some(REDACTED));
        assert_eq!(get("x-request-id"), Some("r-1"));
    }

    #[test]
    fn html_is_recognised() {
        assert!(looks_like_html(Some("text/html; charset=utf-8"), b"{}"));
        assert!(looks_like_html(None, b"\n <!DOCTYPE html><html>"));
        assert!(looks_like_html(None, b"<html><body>500</body></html>"));
        assert!(!looks_like_html(Some("application/json"), b"{\"a\":1}"));
    }
}
