//! One lookup end to end: resolve the key, build the request, send it (with the vendor's token
//! exchange where it has one, and bounded 429 retries), normalize the answer. Shared by `get`
//! and the TUI.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use crate::config::HttpSettings;
use crate::error::LookupError;
pub use crate::http::LookupEvent;
use crate::http::{Auth, HttpClient, Outgoing, Received, check_key_transport, status_error};
use crate::profile::{Normalized, Profile};
use crate::secrets::{ApiKey, Credential, KeySource, api_key_var};
use crate::vendors::auth::TokenCache;
use crate::vendors::common::{NameDirectory, Names, collect_names};
use crate::vendors::{Connection, Lookup, VendorKind};

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
    /// Whether a request was made, or the body was read from a saved file (`userscope open`,
    /// where `request.url` holds the file's path and nothing was sent).
    pub origin: Origin,
}

/// A found profile with a placeholder request and no body, for unit tests of what is built
/// from a profile.
#[cfg(test)]
pub(crate) fn outcome_for_tests(
    vendor: VendorKind,
    connection: &str,
    profile: crate::profile::Profile,
) -> LookupOutcome {
    LookupOutcome {
        vendor,
        connection: connection.into(),
        lookup: Lookup::new(crate::vendors::LookupKind::Id, "x"),
        request: RequestInfo {
            method: "GET".into(),
            url: "http://127.0.0.1/".into(),
            status: 200,
            elapsed_ms: 1,
            response_headers: vec![],
            request_headers: vec![],
        },
        profile,
        raw: bytes::Bytes::new(),
        warnings: vec![],
        origin: Origin::Request,
    }
}

/// Where a profile's body came from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Origin {
    /// A request to the vendor (the Request pane shows it).
    #[default]
    Request,
    /// A saved file: no request was made.
    File,
}

/// Runs lookups; cheap to clone and share between tasks (one HTTP client, one token cache).
#[derive(Clone)]
pub struct Lookuper {
    pub keys: Arc<dyn KeySource>,
    inner: Arc<Inner>,
}

struct Inner {
    http: HttpClient,
    tokens: TokenCache,
    names: NameCache,
}

impl Lookuper {
    pub fn new(settings: HttpSettings, keys: Arc<dyn KeySource>) -> Result<Self, LookupError> {
        Ok(Lookuper {
            keys,
            inner: Arc::new(Inner {
                http: HttpClient::new(&settings)?,
                tokens: TokenCache::new(),
                names: NameCache::default(),
            }),
        })
    }

    pub fn settings(&self) -> &HttpSettings {
        self.inner.http.settings()
    }

    /// How many token exchanges (client id + secret for a token) this lookuper made.
    pub fn token_exchanges(&self) -> u64 {
        self.inner.tokens.exchange_count()
    }

    /// How many expired tokens this lookuper renewed with a refresh token (no secret sent).
    pub fn token_refreshes(&self) -> u64 {
        self.inner.tokens.refresh_count()
    }

    /// Run one lookup. Invalid input fails before anything is sent; a key never goes over
    /// plain http to another machine; client credentials are exchanged through the vendor's
    /// token exchange (and refreshed once after a 401).
    pub async fn run(
        &self,
        conn: &Connection,
        lookup: &Lookup,
        events: Option<UnboundedSender<LookupEvent>>,
        cancel: CancellationToken,
    ) -> Result<LookupOutcome, LookupError> {
        let vendor = conn.vendor;
        let adapter = vendor.adapter();
        let spec = adapter.build_request(conn, lookup)?;
        check_key_transport(&spec.url)?;
        // The auth URL is checked by the HTTP layer when an exchange actually happens.
        // Keyring reads block on D-Bus: keep them off the async workers.
        let found = if self.keys.answers_from_memory() {
            Ok(self.keys.credential(conn))
        } else {
            let keys = self.keys.clone();
            let for_keys = conn.clone();
            tokio::select! {
                biased;
                _ = cancel.cancelled() => return Err(LookupError::Cancelled),
                found = tokio::task::spawn_blocking(move || keys.credential(&for_keys)) => found,
            }
        };
        let (credential, _origin) = found
            .map_err(|_| {
                LookupError::KeyStore(format!("reading the key for {} failed", conn.name))
            })?
            .map_err(|e| {
                LookupError::KeyStore(format!("cannot read the key for {}: {e}", conn.name))
            })?
            .ok_or_else(|| LookupError::NoKey {
                connection: conn.name.clone(),
                env_var: api_key_var(&conn.name),
            })?;
        let method = reqwest::Method::from_bytes(spec.method.as_bytes())
            .map_err(|_| LookupError::Usage(format!("invalid HTTP method {}", spec.method)))?;
        let http = &self.inner.http;
        let events = events.as_ref();

        let mut rejected: Option<ApiKey> = None;
        let (received, key) = loop {
            let key = match &credential {
                Credential::Key(key) => key.clone(),
                Credential::ClientCredentials { client_id, secret } => {
                    let exchanger = adapter.token_exchange().ok_or_else(|| {
                        LookupError::Usage(format!(
                            "{} takes an API key, not a client id + secret: store its key with `userscope keys set {}`",
                            vendor.display_name(),
                            conn.name
                        ))
                    })?;
                    self.inner
                        .tokens
                        .token(
                            exchanger,
                            http,
                            conn,
                            client_id,
                            secret,
                            rejected.as_ref(),
                            events,
                            &cancel,
                        )
                        .await?
                }
            };
            let mut secrets: Vec<&str> = vec![key.expose()];
            if let Credential::ClientCredentials { secret, .. } = &credential {
                secrets.push(secret.expose());
            }
            let out = Outgoing {
                method: method.clone(),
                url: &spec.url,
                headers: &spec.headers,
                auth: Some(Auth {
                    placement: spec.auth,
                    key: key.expose(),
                }),
                json_body: None,
                secrets: &secrets,
            };
            let received = http.execute(&out, vendor, events, &cancel).await?;
            // The URL holds what was looked up (an ID, an email): only at debug level, so the
            // default log never names a person.
            tracing::info!(
                vendor = vendor.as_str(),
                status = received.status,
                elapsed_ms = u64::try_from(received.elapsed.as_millis()).unwrap_or(u64::MAX),
                "lookup"
            );
            tracing::debug!(url = %spec.url, "lookup url");
            let may_refresh =
                matches!(credential, Credential::ClientCredentials { .. }) && rejected.is_none();
            if received.status == 401 && may_refresh {
                // The cached token may have been revoked or expired early: one fresh token, one retry.
                rejected = Some(key);
                continue;
            }
            break (received, key);
        };

        let mut secrets: Vec<&str> = vec![key.expose()];
        if let Credential::ClientCredentials { secret, .. } = &credential {
            secrets.push(secret.expose());
        }
        if let Some(error) = status_error(vendor, &conn.name, &conn.base_url, &received, &secrets) {
            return Err(error);
        }
        let mut normalized = parse_and_normalize(vendor, &received, &secrets)?;
        if let Some(directory) = adapter.name_directory()
            && directory.wanted(&normalized)
        {
            let names = self
                .names(directory, conn, &key, &secrets, events, &cancel)
                .await?;
            directory.apply(names.as_deref().map_err(String::as_str), &mut normalized);
        }
        let Normalized { profile, warnings } = normalized;
        Ok(LookupOutcome {
            vendor,
            connection: conn.name.clone(),
            lookup: lookup.clone(),
            request: RequestInfo {
                method: spec.method.to_owned(),
                url: spec.url.to_string(),
                status: received.status,
                elapsed_ms: u64::try_from(received.elapsed.as_millis()).unwrap_or(u64::MAX),
                response_headers: received.response_headers.clone(),
                request_headers: received.request_headers.clone(),
            },
            profile,
            raw: received.body,
            warnings,
            origin: Origin::Request,
        })
    }
}

/// How long a directory that could not be read is left alone before the next lookup tries
/// again: long enough that a bulk run does not double its requests against a failing
/// endpoint, short enough that a blip does not hide names for the rest of a TUI session.
const NAMES_RETRY_AFTER: Duration = Duration::from_secs(60);

/// Names from the vendors' name directories, per connection (and base URL), kept for the
/// session: fetched once, whatever the number of lookups.
#[derive(Default)]
struct NameCache {
    entries: tokio::sync::Mutex<HashMap<String, NamesEntry>>,
}

enum NamesEntry {
    Ready(Arc<Names>),
    /// Why the directory could not be read, and when that was found out.
    Failed {
        why: String,
        at: Instant,
    },
}

impl Lookuper {
    /// The names of `directory` for this connection: from the cache, else fetched with the
    /// lookup's key. `Ok(Err(why))` when the directory cannot be read (the lookup goes on
    /// with ids and a warning); only cancelling is an error.
    async fn names(
        &self,
        directory: &dyn NameDirectory,
        conn: &Connection,
        key: &ApiKey,
        secrets: &[&str],
        events: Option<&UnboundedSender<LookupEvent>>,
        cancel: &CancellationToken,
    ) -> Result<Result<Arc<Names>, String>, LookupError> {
        let cache_key = format!("{}\n{}", conn.name, conn.base_url);
        let mut entries = tokio::select! {
            biased;
            _ = cancel.cancelled() => return Err(LookupError::Cancelled),
            guard = self.inner.names.entries.lock() => guard,
        };
        match entries.get(&cache_key) {
            Some(NamesEntry::Ready(names)) => return Ok(Ok(names.clone())),
            Some(NamesEntry::Failed { why, at }) if at.elapsed() < NAMES_RETRY_AFTER => {
                return Ok(Err(why.clone()));
            }
            _ => {}
        }
        let fetched = self
            .fetch_names(directory, conn, key, secrets, events, cancel)
            .await?;
        let entry = match &fetched {
            Ok(names) => NamesEntry::Ready(names.clone()),
            Err(why) => NamesEntry::Failed {
                why: why.clone(),
                at: Instant::now(),
            },
        };
        entries.insert(cache_key, entry);
        Ok(fetched)
    }

    async fn fetch_names(
        &self,
        directory: &dyn NameDirectory,
        conn: &Connection,
        key: &ApiKey,
        secrets: &[&str],
        events: Option<&UnboundedSender<LookupEvent>>,
        cancel: &CancellationToken,
    ) -> Result<Result<Arc<Names>, String>, LookupError> {
        let vendor = conn.vendor;
        let spec = match directory.request(conn) {
            Ok(spec) => spec,
            Err(e) => return Ok(Err(e.to_string())),
        };
        let Ok(method) = reqwest::Method::from_bytes(spec.method.as_bytes()) else {
            return Ok(Err(format!("invalid HTTP method {}", spec.method)));
        };
        let out = Outgoing {
            method,
            url: &spec.url,
            headers: &spec.headers,
            auth: Some(Auth {
                placement: spec.auth,
                key: key.expose(),
            }),
            json_body: None,
            secrets,
        };
        let received = match self.inner.http.execute(&out, vendor, events, cancel).await {
            Ok(received) => received,
            Err(LookupError::Cancelled) => return Err(LookupError::Cancelled),
            Err(e) => return Ok(Err(e.to_string())),
        };
        tracing::info!(
            vendor = vendor.as_str(),
            status = received.status,
            "name directory"
        );
        let status = received.status;
        if !(200..300).contains(&status) {
            let message = if received.is_html() {
                None
            } else {
                vendor
                    .adapter()
                    .error_message(status, &received.body)
                    .map(|m| crate::http::redact(&m, secrets))
            };
            return Ok(Err(match message {
                Some(m) => format!("HTTP {status}: {m}"),
                None => format!("HTTP {status}"),
            }));
        }
        Ok(
            match serde_json::from_slice::<serde_json::Value>(&received.body) {
                Ok(body) => Ok(Arc::new(collect_names(&body))),
                Err(_) => Err(format!("HTTP {status} with a body that is not JSON")),
            },
        )
    }
}

/// A 2xx body to a profile: must be JSON (not an HTML page), of the documented top-level shape.
fn parse_and_normalize(
    vendor: VendorKind,
    received: &Received,
    secrets: &[&str],
) -> Result<Normalized, LookupError> {
    let invalid = |cause: String, excerpt: Option<String>| LookupError::InvalidBody {
        vendor: vendor.display_name(),
        status: received.status,
        cause,
        excerpt,
    };
    if received.is_html() {
        return Err(invalid("it is an HTML page, not JSON".to_owned(), None));
    }
    // userscope never asks for compression, so an encoded body is not JSON; an excerpt of
    // compressed bytes would only be noise.
    if let Some(encoding) = received
        .headers
        .get(reqwest::header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.trim().is_empty() && !v.trim().eq_ignore_ascii_case("identity"))
    {
        return Err(invalid(
            format!(
                "the body is compressed (Content-Encoding: {}), which userscope did not ask for",
                crate::sanitize::sanitize(encoding.trim())
            ),
            None,
        ));
    }
    let value: serde_json::Value = serde_json::from_slice(&received.body).map_err(|e| {
        let cause = if received.body.is_empty() {
            "the body is empty".to_owned()
        } else if e.is_eof() {
            format!(
                "the JSON ends early (truncated?) after {} bytes",
                received.body.len()
            )
        } else {
            format!("not JSON: {e}")
        };
        invalid(cause, crate::http::excerpt(&received.body, secrets))
    })?;
    if vendor.adapter().finds_nobody(&value) {
        return Err(LookupError::NotFound {
            vendor: vendor.display_name(),
            message: None,
        });
    }
    let normalized = vendor
        .adapter()
        .normalize(value)
        .map_err(|shape| invalid(format!("JSON of the wrong shape: {shape}"), None))?;
    Ok(normalized)
}
