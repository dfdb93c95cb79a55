use super::*;
use reqwest::header::HeaderValue;

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
