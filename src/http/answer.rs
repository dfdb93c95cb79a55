//! Reading an answer: 429 waits, HTML and excerpts, and a status that is an error.

use std::time::{Duration, SystemTime};

use reqwest::header::HeaderMap;
use url::Url;

use super::headers::redact;
use super::{EXCERPT_CHARS, Received};
use crate::error::LookupError;
use crate::sanitize::sanitize;
use crate::vendors::VendorKind;
use crate::vendors::common::{Missing, shown_base};

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

pub(super) fn truncate_chars(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max).collect();
    out.push('…');
    out
}

/// The error for a non-2xx status of a data request (design §4), or `None` for 2xx. The one
/// place that decides what a status means, so `get`, the TUI, `find` and bulk agree: a 404 is
/// "no such user" only when the adapter recognises the body as its vendor's not-found
/// answer; otherwise nothing answers at `base_url` for that path (exit 6).
pub fn status_error(
    vendor: VendorKind,
    connection: &str,
    base_url: &Url,
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
    let adapter = vendor.adapter();
    Some(match status {
        404 if adapter.not_found_meaning(received.content_type(), &received.body)
            == Missing::Endpoint =>
        {
            no_such_endpoint(name, base_url, received, html, secrets)
        }
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

/// A 404 that is not the vendor's "no such user": the base URL (or its prefix) is wrong.
/// The body is quoted (unless it is a page) so the operator sees what answered instead.
fn no_such_endpoint(
    vendor: &'static str,
    base_url: &Url,
    received: &Received,
    html: bool,
    secrets: &[&str],
) -> LookupError {
    LookupError::Server {
        vendor,
        status: received.status,
        message: Some(format!(
            "no such endpoint at {}: check the base URL",
            shown_base(base_url)
        )),
        excerpt: if html {
            None
        } else {
            excerpt(&received.body, secrets)
        },
    }
}
