use super::*;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::header::HeaderValue;

fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
}

#[test]
fn loopback_rule() {
    for ok in [
        "https://api.example.com",
        "http://127.0.0.1:8080",
        "http://127.9.9.9",
        "http://[::1]:1",
        "http://localhost:3000",
        "http://LOCALHOST",
    ] {
        assert!(check_key_transport(&url(ok)).is_ok(), "{ok}");
    }
    for bad in [
        "http://api.example.com",
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
fn the_refusal_names_scheme_host_and_port_but_never_userinfo() {
    let err =
        check_key_transport(&url("http://alice:PW-S3CRET@10.0.0.1:8080/api?k=v")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "refusing to send the API key to http://10.0.0.1:8080 over plain http: keys go only over https (plain http only to 127.0.0.1, ::1 or localhost); use an https:// base URL"
    );
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn addrs(list: &[&str]) -> Vec<SocketAddr> {
    list.iter().map(|a| SocketAddr::new(ip(a), 0)).collect()
}

#[test]
fn loopback_addresses_v4_v6_and_v4_mapped() {
    for yes in [
        "127.0.0.1",
        "127.0.0.2",
        "127.255.255.254",
        "::1",
        "::ffff:127.0.0.1",
        "::ffff:127.9.8.7",
    ] {
        assert!(is_loopback_ip(ip(yes)), "{yes}");
    }
    for no in [
        "192.0.2.2",
        "0.0.0.0",
        "10.0.0.1",
        "128.0.0.1",
        "126.255.255.255",
        "::",
        "::2",
        "fe80::1",
        "2001:db8::1",
        "::ffff:192.0.2.2",
        // IPv4-compatible (deprecated) form of 127.0.0.1: not loopback to the kernel.
        "::127.0.0.1",
    ] {
        assert!(!is_loopback_ip(ip(no)), "{no}");
    }
}

#[test]
fn every_resolved_address_must_be_loopback() {
    assert_eq!(
        require_loopback("localhost", &addrs(&["127.0.0.1"])),
        Ok(())
    );
    assert_eq!(
        require_loopback(
            "localhost",
            &addrs(&["::1", "127.0.0.1", "::ffff:127.0.0.1"])
        ),
        Ok(())
    );
    // One stray address among loopback ones is enough to refuse, and it is the one named.
    assert_eq!(
        require_loopback(
            "localhost",
            &addrs(&["127.0.0.1", "::1", "192.0.2.2", "127.0.0.2"])
        ),
        Err(PlainHttpRefused::NotLoopback {
            host: "localhost".to_owned(),
            address: ip("192.0.2.2"),
        })
    );
    assert_eq!(
        require_loopback("localhost", &addrs(&["::1", "2001:db8::2"])),
        Err(PlainHttpRefused::NotLoopback {
            host: "localhost".to_owned(),
            address: ip("2001:db8::2"),
        })
    );
    assert_eq!(
        require_loopback("localhost", &addrs(&["::ffff:192.0.2.2"])),
        Err(PlainHttpRefused::NotLoopback {
            host: "localhost".to_owned(),
            address: ip("::ffff:192.0.2.2"),
        })
    );
    assert_eq!(
        require_loopback("localhost", &[]),
        Err(PlainHttpRefused::NoAddress {
            host: "localhost".to_owned()
        })
    );
    assert_eq!(
        PlainHttpRefused::NotLoopback {
            host: "localhost".to_owned(),
            address: ip("192.0.2.2"),
        }
        .to_string(),
        "localhost resolves to 192.0.2.2, which is not a loopback address (plain http goes only to 127.0.0.0/8 or ::1)"
    );
}

/// Answers every name with fixed addresses (no I/O at all).
struct Fixed(Vec<SocketAddr>);

impl Resolve for Fixed {
    fn resolve(&self, _: Name) -> Resolving {
        let found: Addrs = Box::new(self.0.clone().into_iter());
        Box::pin(std::future::ready(Ok(found)))
    }
}

async fn resolve_through_filter(answer: &[&str]) -> Result<Vec<SocketAddr>, String> {
    let filter = LoopbackOnly::new(Arc::new(Fixed(addrs(answer))));
    match filter.resolve(Name::from_str("localhost").unwrap()).await {
        Ok(found) => Ok(found.collect()),
        Err(e) => Err(e.to_string()),
    }
}

#[tokio::test]
async fn the_filter_passes_loopback_answers_unchanged_and_refuses_mixed_ones() {
    assert_eq!(
        resolve_through_filter(&["127.0.0.1", "::1"]).await,
        Ok(addrs(&["127.0.0.1", "::1"]))
    );
    assert_eq!(
        resolve_through_filter(&["::1", "192.0.2.2"]).await,
        Err("localhost resolves to 192.0.2.2, which is not a loopback address (plain http goes only to 127.0.0.0/8 or ::1)".to_owned())
    );
}

#[test]
fn retry_after_seconds_date_and_ratelimit_reset() {
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
