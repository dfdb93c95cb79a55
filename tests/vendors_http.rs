//! The HTTP layer against mock vendors: exact requests, every documented error, 429 waits,
//! the body cap, faulty servers, redirects, the loopback rule, hostile IDs, Coho's token
//! exchange, and the real `userscope get` binary.
//!
//! wiremock serves well-behaved answers; the raw TCP `FaultServer` of `tests/support`
//! misbehaves in ways wiremock cannot (cut bodies, endless bodies, silence) and records raw
//! request lines.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_possible_wrap,
    clippy::cast_precision_loss,
    reason = "a test stops at its first broken expectation; its own numbers are not from the network"
)]

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use userscope::config::{Config, HttpSettings, Overrides};
use userscope::error::LookupError;
use userscope::lookup::{LookupEvent, LookupOutcome, Lookuper};
use userscope::secrets::EnvKeys;
use userscope::vendors::{Connection, Lookup, LookupKind, VendorKind};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

mod support;

use support::fault_server::{FaultServer, Step};
use support::home::Home;

const KEY: &str = "TESTKEY-0123456789abcdef";
const COHO_SECRET: &str = "coho-s3cr3t-DO-NOT-LEAK";

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn env_map(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// A connection for `vendor` whose base URL (and Coho auth URL) is `base`.
fn conn(vendor: VendorKind, base: &str) -> Connection {
    let overrides = Overrides {
        base_url: Some(base.to_owned()),
        ..Overrides::default()
    };
    let auth = base.to_owned();
    let env = move |var: &str| (var == "USERSCOPE_COHO_AUTH_URL").then(|| auth.clone());
    Config::default()
        .resolve(vendor.as_str(), &overrides, &env)
        .unwrap()
}

fn lookuper_with(settings: HttpSettings, env: HashMap<String, String>) -> Lookuper {
    let keys = EnvKeys::with_lookup(move |name: &str| env.get(name).cloned());
    Lookuper::new(settings, Arc::new(keys)).unwrap()
}

/// A lookuper holding `KEY` for every vendor.
fn lookuper() -> Lookuper {
    lookuper_settings(HttpSettings::default())
}

fn lookuper_settings(settings: HttpSettings) -> Lookuper {
    let env = VendorKind::all()
        .map(|v| {
            (
                format!("USERSCOPE_{}_API_KEY", v.as_str().to_uppercase()),
                KEY.to_owned(),
            )
        })
        .collect();
    lookuper_with(settings, env)
}

async fn run(
    l: &Lookuper,
    c: &Connection,
    by: LookupKind,
    value: &str,
) -> Result<LookupOutcome, LookupError> {
    l.run(c, &Lookup::new(by, value), None, CancellationToken::new())
        .await
}

async fn run_default(
    vendor: VendorKind,
    base: &str,
    value: &str,
) -> Result<LookupOutcome, LookupError> {
    run(
        &lookuper(),
        &conn(vendor, base),
        vendor.default_lookup(),
        value,
    )
    .await
}

fn json_response(status: u16, body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_string(), "application/json")
}

/// No header other than the auth header carries the key.
#[track_caller]
fn assert_key_only_in(req: &Request, auth_header: &str, expected: &str) {
    for (name, value) in req.headers.iter() {
        let value = value.to_str().unwrap_or_default();
        if name.as_str().eq_ignore_ascii_case(auth_header) {
            assert_eq!(value, expected);
        } else {
            assert!(!value.contains(KEY), "key leaked in header {name}");
        }
    }
    assert!(!req.url.as_str().contains(KEY), "key in the URL");
}

fn doc_body(vendor: VendorKind) -> serde_json::Value {
    match vendor {
        VendorKind::COHO => json!({
            "userProperties": {"userId": "u-42", "name": "Zoë Ångström", "email": "zoe@example.com",
                "signupTime": "2024-03-01T10:00:00Z", "country": "Germany", "city": "Berlin", "properties": {"plan": "pro"}},
            "calculatedProperties": [{"id": "c1", "name": "sessions", "timeframe": 30, "value": 12}],
            "tags": [{"key": "plan", "value": "pro"}],
            "segments": [{"segmentId": "seg-1", "segmentName": "Power users"}]
        }),
        VendorKind::USERCOM => json!({
            "id": 19678376, "key": "g3FaYocCy0U6", "name": "Jane Doe", "email": "example@email.com",
            "status": "visitor", "tags": [{"name": "tag", "id": 1441}], "lists": [],
            "attributes": [{"value": true, "name": "Example attr", "name_std": "example_attr", "id": 1109}],
            "country": null, "city": null
        }),
        VendorKind::FOLDSPACE => json!({
            "id": "f63d4158-0171-4f0d-bc62-29112c0fc82c", "userType": "USER",
            "identifyId": "bTMwUidOQiZhMazBDWGAAmuRnu9N2", "email": "alice.johnson@foldspace.io",
            "name": "Alice Johnson", "signUpDate": 1734539909141_u64, "location": null,
            "customAttributes": {"key1": "value1", "key2": 6}, "products": [{"product": "X7B69NRTTBM7", "environment": 1}]
        }),
        VendorKind::CHAKRA => json!({"_data": {
            "id": "9763caa1-cef3-497f-b3b2-f551456b2831", "firstName": "Ravi", "lastName": "Kumar",
            "middleName": "", "displayName": "Ravi K", "username": "ravi", "timezone": "Asia/Kolkata",
            "emails": [], "phones": [], "team": "t-1", "role": "r-1", "createdAt": 0, "dob": 0
        }}),
        VendorKind::VEMETRIC => json!({"user": {
            "id": "123", "identifier": "your-user-id", "displayName": "John Doe", "country": "US",
            "city": "Berlin", "lastSeenAt": "2026-01-19T12:30:00Z", "avatarUrl": null,
            "data": {"plan": "pro", "company": "Vemetric"}, "anonymous": false
        }}),
        other => panic!("no documented body for {other}: add one"),
    }
}

// ---------------------------------------------------------------------------------------------
// Exact requests
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn coho_sends_the_documented_request() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/data/user/u-42"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .respond_with(
            json_response(200, doc_body(VendorKind::COHO))
                .insert_header("x-echo", format!("you sent Bearer {KEY}").as_str())
                .insert_header("set-cookie", "session=abc")
                .insert_header(
                    "x-request-id",
                    wiremock::http::HeaderValue::from_bytes(b"req-\xc2\x9b31m-7").unwrap(),
                ),
        )
        .expect(1)
        .mount(&server)
        .await;
    let outcome = run_default(VendorKind::COHO, &server.uri(), "u-42")
        .await
        .unwrap();
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].url.query(), None);
    assert_key_only_in(&reqs[0], "authorization", &format!("Bearer {KEY}"));
    assert_eq!(outcome.request.method, "GET");
    assert_eq!(
        outcome.request.url,
        format!("{}/api/data/user/u-42", server.uri())
    );
    assert_eq!(outcome.request.status, 200);
    assert!(
        outcome
            .request
            .request_headers
            .contains(&("authorization".into(), "Bearer [redacted]".into()))
    );
    let shown = |name: &str| {
        outcome
            .request
            .response_headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(shown("x-echo").as_deref(), Some("[redacted]"));
    assert_eq!(shown("set-cookie").as_deref(), Some("[redacted]"));
    assert_eq!(shown("x-request-id").as_deref(), Some("req-<U+009B>31m-7"));
    assert!(!format!("{outcome:?}").contains(KEY));
}

#[tokio::test]
async fn usercom_sends_token_scheme_versioned_accept_and_trailing_slash() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/public/users/search/"))
        .and(query_param("key", "g3FaYocCy0U6"))
        .and(header("authorization", format!("Token {KEY}").as_str()))
        .and(header("accept", "*/*; version=2"))
        .respond_with(json_response(200, doc_body(VendorKind::USERCOM)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/public/users/19678376/"))
        .respond_with(json_response(200, doc_body(VendorKind::USERCOM)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/public/users/search/"))
        .and(query_param("email", "jane+x@example.com"))
        .respond_with(json_response(200, doc_body(VendorKind::USERCOM)))
        .expect(1)
        .mount(&server)
        .await;
    let l = lookuper();
    let c = conn(VendorKind::USERCOM, &server.uri());
    run(&l, &c, LookupKind::Key, "g3FaYocCy0U6").await.unwrap();
    run(&l, &c, LookupKind::Id, "19678376").await.unwrap();
    run(&l, &c, LookupKind::Email, "jane+x@example.com")
        .await
        .unwrap();
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 3);
    assert_eq!(reqs[0].url.query(), Some("key=g3FaYocCy0U6"));
    assert_eq!(reqs[1].url.query(), None);
    // `+` must arrive encoded, or the server would read a space.
    assert_eq!(reqs[2].url.query(), Some("email=jane%2Bx%40example.com"));
    for r in &reqs {
        assert_key_only_in(r, "authorization", &format!("Token {KEY}"));
        assert_eq!(r.headers.get("accept").unwrap(), "*/*; version=2");
    }
}

#[tokio::test]
async fn foldspace_sends_its_own_key_header_and_no_authorization() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/user/bTMwUidOQiZhMazBDWGAAmuRnu9N2"))
        .and(header("x-foldspace-api-key", KEY))
        .respond_with(json_response(200, doc_body(VendorKind::FOLDSPACE)))
        .expect(1)
        .mount(&server)
        .await;
    let outcome = run_default(
        VendorKind::FOLDSPACE,
        &server.uri(),
        "bTMwUidOQiZhMazBDWGAAmuRnu9N2",
    )
    .await
    .unwrap();
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 1);
    assert!(reqs[0].headers.get("authorization").is_none());
    assert_key_only_in(&reqs[0], "x-foldspace-api-key", KEY);
    assert!(
        outcome
            .request
            .request_headers
            .contains(&("x-foldspace-api-key".into(), "[redacted]".into()))
    );
}

#[tokio::test]
async fn chakra_sends_bearer_to_the_ext_user_path() {
    let server = MockServer::start().await;
    let id = "9763caa1-cef3-497f-b3b2-f551456b2831";
    Mock::given(method("GET"))
        .and(path(format!("/v1/ext/user/{id}")))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .respond_with(json_response(200, doc_body(VendorKind::CHAKRA)))
        .expect(1)
        .mount(&server)
        .await;
    run_default(VendorKind::CHAKRA, &server.uri(), id)
        .await
        .unwrap();
    let reqs = server.received_requests().await.unwrap();
    assert_key_only_in(&reqs[0], "authorization", &format!("Bearer {KEY}"));
}

#[tokio::test]
async fn vemetric_sends_id_or_identifier_and_refuses_non_digit_ids_before_sending() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/users/single"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .respond_with(json_response(200, doc_body(VendorKind::VEMETRIC)))
        .expect(2)
        .mount(&server)
        .await;
    let l = lookuper();
    let c = conn(VendorKind::VEMETRIC, &server.uri());
    run(&l, &c, LookupKind::Id, "18446744073709551617")
        .await
        .unwrap();
    run(&l, &c, LookupKind::Identifier, "your-user-id")
        .await
        .unwrap();
    let err = run(&l, &c, LookupKind::Id, "12a").await.unwrap_err();
    assert_eq!(err.exit_code(), 2);
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].url.query(), Some("id=18446744073709551617"));
    assert_eq!(reqs[1].url.query(), Some("identifier=your-user-id"));
    for r in &reqs {
        assert_key_only_in(r, "authorization", &format!("Bearer {KEY}"));
    }
}

// ---------------------------------------------------------------------------------------------
// Documented error statuses → exit codes and messages
// ---------------------------------------------------------------------------------------------

struct ErrorCase {
    vendor: VendorKind,
    status: u16,
    body: &'static str,
    content_type: &'static str,
    code: i32,
    message: &'static str,
}

const HTML_500: &str = "<!DOCTYPE html>\n<html><head><title>Server Error (500)</title></head><body><h1>Server Error (500)</h1></body></html>";

fn error_cases() -> Vec<ErrorCase> {
    let c = |vendor, status, body, content_type, code, message| ErrorCase {
        vendor,
        status,
        body,
        content_type,
        code,
        message,
    };
    let j = "application/json";
    vec![
        c(
            VendorKind::COHO,
            401,
            r#"{"error":"Unauthorized","message":"Invalid API key"}"#,
            j,
            4,
            "Coho rejected the key (HTTP 401): Invalid API key; check it, then run `userscope keys set coho`",
        ),
        c(
            VendorKind::COHO,
            404,
            r#"{"error":"Not Found","message":"User not found"}"#,
            j,
            3,
            "No such user at Coho: User not found",
        ),
        c(
            VendorKind::USERCOM,
            401,
            r#"{"detail":"Invalid token."}"#,
            j,
            4,
            "User.com rejected the key (HTTP 401): Invalid token.; check it, then run `userscope keys set usercom`",
        ),
        c(
            VendorKind::USERCOM,
            403,
            r#"{"detail":"You do not have permission to perform this action."}"#,
            j,
            4,
            "User.com rejected the key (HTTP 403): You do not have permission to perform this action.; check it, then run `userscope keys set usercom`",
        ),
        c(
            VendorKind::USERCOM,
            404,
            r#"{"detail":"Not found."}"#,
            j,
            3,
            "No such user at User.com: Not found.",
        ),
        c(
            VendorKind::USERCOM,
            500,
            HTML_500,
            "text/html; charset=utf-8",
            6,
            "User.com answered HTTP 500",
        ),
        c(
            VendorKind::USERCOM,
            502,
            "<html><body>Bad gateway</body></html>",
            "text/html",
            6,
            "User.com answered HTTP 502",
        ),
        c(
            VendorKind::FOLDSPACE,
            401,
            r#"{"error":"Unauthorized"}"#,
            j,
            4,
            "Foldspace rejected the key (HTTP 401): Unauthorized; check it, then run `userscope keys set foldspace`",
        ),
        c(
            VendorKind::FOLDSPACE,
            404,
            r#"{"error":"User not found"}"#,
            j,
            3,
            "No such user at Foldspace: User not found",
        ),
        c(
            VendorKind::FOLDSPACE,
            500,
            r#"{"error":"Internal server error"}"#,
            j,
            6,
            "Foldspace answered HTTP 500: Internal server error",
        ),
        c(
            VendorKind::CHAKRA,
            401,
            r#"{"_data":null,"_meta":{},"_errors":["Invalid token"]}"#,
            j,
            4,
            "ChakraHQ rejected the key (HTTP 401): Invalid token; check it, then run `userscope keys set chakra`",
        ),
        c(
            VendorKind::CHAKRA,
            404,
            r#"{"_data":null,"_meta":{},"_errors":[{"message":"User not found"}]}"#,
            j,
            3,
            "No such user at ChakraHQ: User not found",
        ),
        c(
            VendorKind::CHAKRA,
            503,
            "upstream connect error or disconnect/reset before headers",
            "text/plain",
            6,
            "ChakraHQ answered HTTP 503 — body: upstream connect error or disconnect/reset before headers",
        ),
        c(
            VendorKind::VEMETRIC,
            400,
            r#"{"error":{"code":"VALIDATION_ERROR","message":"Invalid request","details":[{"field":"identifier","message":"Required"}]}}"#,
            j,
            2,
            "Vemetric refused the lookup as invalid (HTTP 400): Invalid request (identifier: Required)",
        ),
        c(
            VendorKind::VEMETRIC,
            401,
            r#"{"error":{"code":"UNAUTHORIZED","message":"Invalid API key"}}"#,
            j,
            4,
            "Vemetric rejected the key (HTTP 401): Invalid API key; check it, then run `userscope keys set vemetric`",
        ),
        c(
            VendorKind::VEMETRIC,
            404,
            r#"{"error":{"code":"USER_NOT_FOUND","message":"User not found"}}"#,
            j,
            3,
            "No such user at Vemetric: User not found",
        ),
        c(
            VendorKind::VEMETRIC,
            500,
            r#"{"error":{"code":"INTERNAL_ERROR","message":"Something went wrong"}}"#,
            j,
            6,
            "Vemetric answered HTTP 500: Something went wrong",
        ),
    ]
}

#[tokio::test]
async fn documented_error_statuses_map_to_exit_codes_and_messages() {
    for case in error_cases() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(case.status).set_body_raw(case.body, case.content_type),
            )
            .mount(&server)
            .await;
        let value = if case.vendor == VendorKind::USERCOM {
            "g3FaYocCy0U6"
        } else {
            "123"
        };
        let err = run_default(case.vendor, &server.uri(), value)
            .await
            .unwrap_err();
        assert_eq!(
            (err.exit_code(), err.to_string().as_str()),
            (case.code, case.message),
            "{} {}",
            case.vendor,
            case.status
        );
    }
}

#[tokio::test]
async fn a_key_echoed_in_an_error_body_is_redacted() {
    let server = MockServer::start().await;
    let body = format!("proxy error: bad header Authorization: Bearer {KEY}");
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(502)
                .set_body_raw(body, "text/plain")
                .insert_header("x-echo", format!("Bearer {KEY}").as_str()),
        )
        .mount(&server)
        .await;
    let err = run_default(VendorKind::CHAKRA, &server.uri(), "u1")
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "ChakraHQ answered HTTP 502 — body: proxy error: bad header Authorization: Bearer [redacted]"
    );
}

// ---------------------------------------------------------------------------------------------
// 429
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn rate_limited_then_ok_waits_per_retry_after_and_reports_the_wait() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            json_response(
                429,
                json!({"error": "Rate limit exceeded for subscription"}),
            )
            .insert_header("retry-after", "1"),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(json_response(200, doc_body(VendorKind::FOLDSPACE)))
        .mount(&server)
        .await;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let started = Instant::now();
    let outcome = lookuper()
        .run(
            &conn(VendorKind::FOLDSPACE, &server.uri()),
            &Lookup::new(LookupKind::Identifier, "x"),
            Some(tx),
            CancellationToken::new(),
        )
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(outcome.request.status, 200);
    assert_eq!(
        rx.recv().await,
        Some(LookupEvent::RateLimitedWaiting {
            wait: Duration::from_secs(1),
            attempt: 1
        })
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn vemetric_rate_limit_reset_is_honoured() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            json_response(
                429,
                json!({"error": {"code": "RATE_LIMIT_EXCEEDED", "message": "Too many requests"}}),
            )
            .insert_header("x-ratelimit-limit", "100")
            .insert_header("x-ratelimit-remaining", "0")
            .insert_header("x-ratelimit-reset", "1"),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(json_response(200, doc_body(VendorKind::VEMETRIC)))
        .mount(&server)
        .await;
    let started = Instant::now();
    run_default(VendorKind::VEMETRIC, &server.uri(), "123")
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1));
}

#[tokio::test]
async fn a_429_storm_gives_up_after_three_tries() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            json_response(
                429,
                json!({"error": {"code": "RATE_LIMIT_EXCEEDED", "message": "Too many requests"}}),
            )
            .insert_header("x-ratelimit-reset", "1"),
        )
        .mount(&server)
        .await;
    let err = run_default(VendorKind::VEMETRIC, &server.uri(), "123")
        .await
        .unwrap_err();
    assert_eq!(err.exit_code(), 5);
    assert_eq!(
        err.to_string(),
        "Vemetric: rate limited, retry in 1 s: Too many requests"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn an_absurd_retry_after_ends_at_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "999999"))
        .mount(&server)
        .await;
    let started = Instant::now();
    let err = run_default(VendorKind::CHAKRA, &server.uri(), "u1")
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(err.exit_code(), 5);
    assert_eq!(err.to_string(), "ChakraHQ: rate limited, retry in 999999 s");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn cancelling_stops_a_rate_limit_wait() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "30"))
        .mount(&server)
        .await;
    let cancel = CancellationToken::new();
    let trigger = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        trigger.cancel();
    });
    let started = Instant::now();
    let err = lookuper()
        .run(
            &conn(VendorKind::CHAKRA, &server.uri()),
            &Lookup::new(LookupKind::Id, "u1"),
            None,
            cancel,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, LookupError::Cancelled), "{err}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

// ---------------------------------------------------------------------------------------------
// Body cap, cut bodies, bad bodies
// ---------------------------------------------------------------------------------------------

/// How long a raw server accepts connections: a test server never outlives its test for long.
const RAW_SERVER_LIFETIME: Duration = Duration::from_secs(60);

/// The request lines (`GET /path HTTP/1.1`) `server` has seen, in arrival order.
fn request_lines(server: &FaultServer) -> Vec<String> {
    server.requests().into_iter().map(|r| r.line).collect()
}

fn small_cap() -> HttpSettings {
    HttpSettings {
        max_body_mib: 1,
        ..HttpSettings::default()
    }
}

#[tokio::test]
async fn a_declared_oversize_body_is_refused_before_reading() {
    let total = 64 * 1024 * 1024;
    // The body starts only after 3 s: an answer before that proves the client never waited for it.
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {total}\r\n\r\n"
    );
    let head_len = head.len() as u64;
    let server = FaultServer::start_for(RAW_SERVER_LIFETIME, move |_, _| {
        vec![
            Step::Write(head.clone().into_bytes()),
            Step::Sleep(Duration::from_secs(3)),
            Step::Flood(total),
        ]
    });
    let started = Instant::now();
    let err = run(
        &lookuper_settings(small_cap()),
        &conn(VendorKind::FOLDSPACE, &server.base_url()),
        LookupKind::Identifier,
        "x",
    )
    .await
    .unwrap_err();
    assert_eq!(err.exit_code(), 6);
    assert_eq!(
        err.to_string(),
        "Foldspace's response is larger than the 1 MiB limit; raise it with --max-body-mib"
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    // `written` counts the head too, once its write returns: a moment for that count to land.
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(server.written(), head_len);
    // Once the pause ends, the client has hung up: the writes fail early.
    tokio::time::sleep(Duration::from_millis(3400)).await;
    assert!(server.written() < total / 2);
}

#[tokio::test]
async fn an_endless_chunked_body_is_cut_at_the_cap() {
    let total = 64 * 1024 * 1024;
    let server = FaultServer::start_for(RAW_SERVER_LIFETIME, move |_, _| {
        vec![
            Step::Write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                    .to_vec(),
            ),
            Step::FloodChunked { fill: b'[', total },
        ]
    });
    let err = run(
        &lookuper_settings(small_cap()),
        &conn(VendorKind::CHAKRA, &server.base_url()),
        LookupKind::Id,
        "x",
    )
    .await
    .unwrap_err();
    assert_eq!(err.exit_code(), 6);
    assert!(
        matches!(
            err,
            LookupError::TooLarge {
                limit_bytes: 1048576,
                ..
            }
        ),
        "{err}"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    let written = server.written();
    assert!(written >= 1024 * 1024, "{written}");
    assert!(written < total / 2, "{written}");
}

#[tokio::test]
async fn a_body_shorter_than_its_content_length_is_an_error() {
    let server = FaultServer::start_for(RAW_SERVER_LIFETIME, |_, _| {
        vec![Step::Write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"id\":\"x\",".to_vec(),
        )]
    });
    let err = run_default(VendorKind::FOLDSPACE, &server.base_url(), "x")
        .await
        .unwrap_err();
    assert_eq!(err.exit_code(), 6);
    assert_eq!(
        err.to_string(),
        "Foldspace sent a body userscope cannot use (HTTP 200): the body was cut short: the connection closed after 10 bytes of 100"
    );
}

#[tokio::test]
async fn invalid_json_truncated_json_html_and_wrong_shapes_are_exit_6() {
    let cases: Vec<(&str, &str, &str)> = vec![
        ("{not json", "application/json", "Chakra sent"),
        (
            "{\"_data\": {\"id\": \"x\"",
            "application/json",
            "truncated",
        ),
        (
            "<html><body>Maintenance</body></html>",
            "text/html",
            "HTML page",
        ),
        ("[1, 2]", "application/json", "wrong shape"),
        ("null", "application/json", "wrong shape"),
        ("\"just a string\"", "application/json", "wrong shape"),
    ];
    for (body, content_type, expect) in cases {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(body, content_type))
            .mount(&server)
            .await;
        let err = run_default(VendorKind::CHAKRA, &server.uri(), "x")
            .await
            .unwrap_err();
        let text = err.to_string();
        assert_eq!(err.exit_code(), 6, "{body}: {text}");
        assert!(
            text.starts_with("ChakraHQ sent a body userscope cannot use (HTTP 200): "),
            "{text}"
        );
        let expect = if expect == "Chakra sent" {
            "key must be a string"
        } else {
            expect
        };
        assert!(text.contains(expect), "{body}: {text}");
        assert!(!text.contains("<html>"), "{text}");
    }
}

#[tokio::test]
async fn invalid_utf8_and_nul_bytes_are_exit_6() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            b"{\"_data\": {\"id\": \"\xff\xfe\x00\"}}".to_vec(),
            "application/json",
        ))
        .mount(&server)
        .await;
    let err = run_default(VendorKind::CHAKRA, &server.uri(), "x")
        .await
        .unwrap_err();
    assert_eq!(err.exit_code(), 6);
    assert!(!err.to_string().contains('\0'));
}

#[tokio::test]
async fn a_gzip_body_is_never_expanded() {
    // userscope asks for no compression and never inflates: a gzip "bomb" stays its small
    // compressed self and is rejected as not JSON.
    let gzip = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xed\xc1\x01\x0d\x00\x00\x00".to_vec();
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(gzip, "application/json")
                .insert_header("content-encoding", "gzip"),
        )
        .mount(&server)
        .await;
    let err = run_default(VendorKind::CHAKRA, &server.uri(), "x")
        .await
        .unwrap_err();
    assert_eq!(err.exit_code(), 6);
    assert!(matches!(err, LookupError::InvalidBody { .. }), "{err}");
    let reqs = server.received_requests().await.unwrap();
    assert!(reqs[0].headers.get("accept-encoding").is_none());
}

// ---------------------------------------------------------------------------------------------
// Network faults
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn silence_and_trickling_bodies_end_at_the_timeout() {
    let settings = HttpSettings {
        timeout_secs: 1.0,
        ..HttpSettings::default()
    };
    let silent = FaultServer::start_for(RAW_SERVER_LIFETIME, |_, _| {
        vec![Step::Sleep(Duration::from_secs(20))]
    });
    let started = Instant::now();
    let err = run(
        &lookuper_settings(settings.clone()),
        &conn(VendorKind::CHAKRA, &silent.base_url()),
        LookupKind::Id,
        "x",
    )
    .await
    .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(4));
    let base = silent.base_url();
    let host = base.trim_start_matches("http://");
    assert_eq!(
        err.to_string(),
        format!("{host} did not answer within 1 s (timeout); raise it with --timeout")
    );
    assert_eq!(err.exit_code(), 6);

    let every = Duration::from_millis(400);
    let trickle = FaultServer::start_for(RAW_SERVER_LIFETIME, move |_, _| {
        vec![
            Step::Write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
                    .to_vec(),
            ),
            Step::Sleep(every),
            Step::Drip(vec![b' '; 100], every),
        ]
    });
    let started = Instant::now();
    let err = run(
        &lookuper_settings(settings),
        &conn(VendorKind::CHAKRA, &trickle.base_url()),
        LookupKind::Id,
        "x",
    )
    .await
    .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(4));
    assert!(matches!(err, LookupError::Timeout { .. }), "{err}");
}

#[tokio::test]
async fn refused_connections_dns_and_tls_failures_name_the_cause() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let err = run_default(VendorKind::CHAKRA, &format!("http://127.0.0.1:{port}"), "x")
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("could not reach 127.0.0.1:{port}: connection refused")
    );
    assert_eq!(err.exit_code(), 6);

    let err = run_default(VendorKind::CHAKRA, "https://no-such-host.invalid", "x")
        .await
        .unwrap_err();
    assert_eq!(err.exit_code(), 6);
    assert_eq!(
        err.to_string(),
        "could not reach no-such-host.invalid: DNS lookup failed (no such host?)"
    );

    // A plain-HTTP server on an https:// URL: it answers the ClientHello with HTTP, so the
    // TLS handshake cannot succeed.
    let plain = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let https = format!("https://{}", plain.local_addr().unwrap());
    tokio::spawn(async move {
        if let Ok((mut socket, _)) = plain.accept().await {
            let mut buf = [0u8; 512];
            let _ = socket.read(&mut buf).await;
            let _ = socket
                .write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
                .await;
        }
    });
    let err = run_default(VendorKind::CHAKRA, &https, "x")
        .await
        .unwrap_err();
    assert_eq!(err.exit_code(), 6);
    assert!(
        err.to_string().contains(": TLS handshake failed: "),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------------
// Redirects and the loopback rule
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_redirect_to_another_host_is_not_followed_and_the_key_stays_home() {
    let home = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    let target = format!("{}/v1/user/x", elsewhere.uri());
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", target.as_str()))
        .mount(&home)
        .await;
    Mock::given(method("GET"))
        .respond_with(json_response(200, doc_body(VendorKind::FOLDSPACE)))
        .mount(&elsewhere)
        .await;
    let err = run_default(VendorKind::FOLDSPACE, &home.uri(), "x")
        .await
        .unwrap_err();
    assert_eq!(err.exit_code(), 6);
    assert_eq!(
        err.to_string(),
        format!(
            "Foldspace answered HTTP 302: redirect to {target} not followed (userscope follows redirects only within the same scheme, host and port, at most 5 in a row)"
        )
    );
    assert!(elsewhere.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn same_origin_redirects_are_followed_but_loops_stop() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/user/old"))
        .respond_with(ResponseTemplate::new(301).insert_header("location", "/v1/user/new"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/user/new"))
        .and(header("x-foldspace-api-key", KEY))
        .respond_with(json_response(200, doc_body(VendorKind::FOLDSPACE)))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/user/loop"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", "/v1/user/loop"))
        .mount(&server)
        .await;
    run_default(VendorKind::FOLDSPACE, &server.uri(), "old")
        .await
        .unwrap();
    let err = run_default(VendorKind::FOLDSPACE, &server.uri(), "loop")
        .await
        .unwrap_err();
    assert_eq!(err.exit_code(), 6);
    assert!(
        err.to_string()
            .starts_with("Foldspace answered HTTP 307: redirect to /v1/user/loop not followed"),
        "{err}"
    );
    let loops = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/v1/user/loop")
        .count();
    assert_eq!(loops, 6, "the first request plus 5 hops");
}

#[tokio::test]
async fn keys_never_go_over_plain_http_to_another_machine() {
    for base in [
        "http://10.255.255.1",
        "http://example.com:8080",
        "http://localhost.example.com",
    ] {
        let err = run_default(VendorKind::FOLDSPACE, base, "x")
            .await
            .unwrap_err();
        assert_eq!(err.exit_code(), 2, "{base}");
        assert!(
            err.to_string().starts_with(&format!(
                "refusing to send the API key to {base} over plain http"
            )),
            "{err}"
        );
    }
    // Coho's token exchange follows the same rule.
    let l = lookuper_with(
        HttpSettings::default(),
        env_map(&[
            ("USERSCOPE_COHO_CLIENT_ID", "cid"),
            ("USERSCOPE_COHO_SECRET", COHO_SECRET),
        ]),
    );
    let mut c = conn(VendorKind::COHO, "https://app.coho.ai");
    c.auth_url = Some(url::Url::parse("http://auth.example.com").unwrap());
    let err = run(&l, &c, LookupKind::Id, "u").await.unwrap_err();
    assert_eq!(err.exit_code(), 2);
}

// ---------------------------------------------------------------------------------------------
// Hostile IDs reach the documented endpoint as one encoded segment / query value
// ---------------------------------------------------------------------------------------------

const HOSTILE_IDS: &[&str] = &[
    "a/b",
    "a?b=1",
    "x#frag",
    "100%",
    "%2e%2e",
    "../admin",
    "a/../../b",
    "..%2Fadmin",
    "with space",
    "Zoë 李 🎉",
    "a&id=1",
    "+plus+",
];

fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .unwrap()
        .into_owned()
}

#[tokio::test]
async fn hostile_ids_are_encoded_into_the_documented_endpoint() {
    // Each vendor's documented not-found body, so every lookup ends as "no such user".
    let server = FaultServer::start_for(RAW_SERVER_LIFETIME, |seen, _| {
        let body = if seen.target.starts_with("/v1/users/single") {
            r#"{"error":{"code":"USER_NOT_FOUND","message":"User not found"}}"#
        } else if seen.target.starts_with("/v1/ext/user/") {
            r#"{"_data":null,"_meta":{},"_errors":["User not found"]}"#
        } else {
            r#"{"error":"Not Found","message":"User not found"}"#
        };
        vec![Step::Write(
            format!(
                "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            )
            .into_bytes(),
        )]
    });
    let l = lookuper();
    let cases: [(VendorKind, LookupKind, &str); 6] = [
        (VendorKind::COHO, LookupKind::Id, "/api/data/user/"),
        (VendorKind::FOLDSPACE, LookupKind::Identifier, "/v1/user/"),
        (VendorKind::CHAKRA, LookupKind::Id, "/v1/ext/user/"),
        (
            VendorKind::USERCOM,
            LookupKind::Key,
            "/api/public/users/search/?key=",
        ),
        (
            VendorKind::USERCOM,
            LookupKind::Email,
            "/api/public/users/search/?email=",
        ),
        (
            VendorKind::VEMETRIC,
            LookupKind::Identifier,
            "/v1/users/single?identifier=",
        ),
    ];
    let mut expected_count = 0;
    for (vendor, by, prefix) in cases {
        let c = conn(vendor, &server.base_url());
        for id in HOSTILE_IDS {
            let err = run(&l, &c, by, id).await.unwrap_err();
            assert_eq!(err.exit_code(), 3, "{vendor} {id}: {err}");
            expected_count += 1;
            let lines = request_lines(&server);
            assert_eq!(lines.len(), expected_count);
            let line = lines.last().unwrap();
            let target = line
                .strip_prefix("GET ")
                .and_then(|l| l.strip_suffix(" HTTP/1.1"))
                .unwrap_or_else(|| panic!("{line}"));
            let rest = target
                .strip_prefix(prefix)
                .unwrap_or_else(|| panic!("{vendor} {id}: {target} is not under {prefix}"));
            assert!(
                !rest.contains(['/', '?', '#', '&', ' ', '+']),
                "{vendor} {id}: {target}"
            );
            assert!(rest.is_ascii(), "{target}");
            assert_eq!(decode(rest), *id, "{vendor}: {target}");
        }
    }
    // A few exact spellings, so the decoding check above cannot hide a double encoding.
    let lines = request_lines(&server);
    assert!(
        lines.contains(&"GET /api/data/user/..%2Fadmin HTTP/1.1".to_owned()),
        "{lines:?}"
    );
    assert!(
        lines.contains(&"GET /v1/user/100%25 HTTP/1.1".to_owned()),
        "{lines:?}"
    );
    assert!(
        lines.contains(&"GET /v1/ext/user/Zo%C3%AB%20%E6%9D%8E%20%F0%9F%8E%89 HTTP/1.1".to_owned()),
        "{lines:?}"
    );
    // `.` and `..` alone cannot be one path segment: refused before sending.
    for id in [".", ".."] {
        let err = run(
            &l,
            &conn(VendorKind::FOLDSPACE, &server.base_url()),
            LookupKind::Identifier,
            id,
        )
        .await
        .unwrap_err();
        assert_eq!(err.exit_code(), 2, "{id}");
    }
    assert_eq!(request_lines(&server).len(), expected_count);
}

// ---------------------------------------------------------------------------------------------
// Coho token exchange
// ---------------------------------------------------------------------------------------------

fn coho_lookuper() -> Lookuper {
    lookuper_with(
        HttpSettings::default(),
        env_map(&[
            ("USERSCOPE_COHO_CLIENT_ID", "client-1"),
            ("USERSCOPE_COHO_SECRET", COHO_SECRET),
        ]),
    )
}

async fn mount_token(server: &MockServer, token: &str, times: Option<u64>) {
    let mock = Mock::given(method("POST"))
        .and(path("/identity/resources/auth/v2/api-token"))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({"clientId": "client-1", "secret": COHO_SECRET})))
        .respond_with(json_response(
            200,
            json!({"access_token": token, "refresh_token": "r-1", "expires_in": 3600, "expires": "2099-01-01T00:00:00Z"}),
        ));
    match times {
        Some(n) => mock.up_to_n_times(n).with_priority(1).mount(server).await,
        None => mock.mount(server).await,
    }
}

fn requests_to<'a>(reqs: &'a [Request], p: &str) -> Vec<&'a Request> {
    reqs.iter().filter(|r| r.url.path() == p).collect()
}

#[tokio::test]
async fn coho_token_is_obtained_once_and_reused() {
    let server = MockServer::start().await;
    mount_token(&server, "tok-1", None).await;
    Mock::given(method("GET"))
        .and(path("/api/data/user/u-42"))
        .and(header("authorization", "Bearer tok-1"))
        .respond_with(json_response(200, doc_body(VendorKind::COHO)))
        .mount(&server)
        .await;
    let l = coho_lookuper();
    let c = conn(VendorKind::COHO, &server.uri());
    let first = run(&l, &c, LookupKind::Id, "u-42").await.unwrap();
    let second = run(&l.clone(), &c, LookupKind::Id, "u-42").await.unwrap();
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(
        requests_to(&reqs, "/identity/resources/auth/v2/api-token").len(),
        1
    );
    assert_eq!(requests_to(&reqs, "/api/data/user/u-42").len(), 2);
    assert_eq!(l.token_exchanges(), 1);
    for outcome in [first, second] {
        let debug = format!("{outcome:?}");
        assert!(
            !debug.contains(COHO_SECRET) && !debug.contains("tok-1"),
            "{debug}"
        );
    }
}

#[tokio::test]
async fn coho_token_is_refreshed_once_after_a_401() {
    let server = MockServer::start().await;
    mount_token(&server, "tok-old", Some(1)).await;
    mount_token(&server, "tok-new", None).await;
    Mock::given(method("GET"))
        .and(header("authorization", "Bearer tok-old"))
        .respond_with(json_response(
            401,
            json!({"error": "Unauthorized", "message": "Invalid API key"}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(header("authorization", "Bearer tok-new"))
        .respond_with(json_response(200, doc_body(VendorKind::COHO)))
        .mount(&server)
        .await;
    let l = coho_lookuper();
    let c = conn(VendorKind::COHO, &server.uri());
    run(&l, &c, LookupKind::Id, "u-42").await.unwrap();
    let reqs = server.received_requests().await.unwrap();
    let auths: Vec<&str> = requests_to(&reqs, "/api/data/user/u-42")
        .iter()
        .map(|r| r.headers.get("authorization").unwrap().to_str().unwrap())
        .collect();
    assert_eq!(auths, ["Bearer tok-old", "Bearer tok-new"]);
    assert_eq!(
        requests_to(&reqs, "/identity/resources/auth/v2/api-token").len(),
        2
    );
    // The fresh token is cached for the next lookup.
    run(&l, &c, LookupKind::Id, "u-42").await.unwrap();
    assert_eq!(l.token_exchanges(), 2);
}

#[tokio::test]
async fn coho_second_401_after_refresh_is_key_rejected_without_more_exchanges() {
    let server = MockServer::start().await;
    mount_token(&server, "tok-x", None).await;
    Mock::given(method("GET"))
        .respond_with(json_response(
            401,
            json!({"error": "Unauthorized", "message": "Invalid API key"}),
        ))
        .mount(&server)
        .await;
    let l = coho_lookuper();
    let err = run(
        &l,
        &conn(VendorKind::COHO, &server.uri()),
        LookupKind::Id,
        "u-42",
    )
    .await
    .unwrap_err();
    assert_eq!(err.exit_code(), 4);
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(
        requests_to(&reqs, "/identity/resources/auth/v2/api-token").len(),
        2
    );
    assert_eq!(requests_to(&reqs, "/api/data/user/u-42").len(), 2);
}

#[tokio::test]
async fn coho_exchange_failures_never_show_the_secret() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(json_response(
            401,
            json!({"error": "bad secret", "echo": COHO_SECRET}),
        ))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(500)
                .set_body_raw(format!("boom for secret={COHO_SECRET}"), "text/plain"),
        )
        .mount(&server)
        .await;
    let l = coho_lookuper();
    let c = conn(VendorKind::COHO, &server.uri());
    let err = run(&l, &c, LookupKind::Id, "u-42").await.unwrap_err();
    assert_eq!(err.exit_code(), 4);
    assert_eq!(
        err.to_string(),
        "Coho rejected the key (HTTP 401): Coho rejected the client id / secret; check it, then run `userscope keys set coho`"
    );
    let err = run(&l, &c, LookupKind::Id, "u-42").await.unwrap_err();
    assert_eq!(err.exit_code(), 6);
    let text = format!("{err} {err:?}");
    assert!(!text.contains(COHO_SECRET), "{text}");
    assert!(text.contains("secret=[redacted]"), "{text}");
}

#[tokio::test]
async fn a_ready_coho_token_is_used_as_is() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header("authorization", "Bearer ready-token"))
        .respond_with(json_response(200, doc_body(VendorKind::COHO)))
        .mount(&server)
        .await;
    let l = lookuper_with(
        HttpSettings::default(),
        env_map(&[("USERSCOPE_COHO_API_KEY", "ready-token")]),
    );
    run(
        &l,
        &conn(VendorKind::COHO, &server.uri()),
        LookupKind::Id,
        "u-42",
    )
    .await
    .unwrap();
    assert_eq!(l.token_exchanges(), 0);
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn no_key_names_the_env_var() {
    let l = lookuper_with(HttpSettings::default(), HashMap::new());
    let err = run(
        &l,
        &conn(VendorKind::CHAKRA, "http://127.0.0.1:9"),
        LookupKind::Id,
        "x",
    )
    .await
    .unwrap_err();
    assert_eq!(err.exit_code(), 4);
    assert_eq!(
        err.to_string(),
        "no API key for chakra: set USERSCOPE_CHAKRA_API_KEY or run `userscope keys set chakra`"
    );
}

// ---------------------------------------------------------------------------------------------
// The real binary
// ---------------------------------------------------------------------------------------------

struct CliRun {
    code: i32,
    stdout: Vec<u8>,
    stderr: String,
}

async fn cli(args: &[&str], env: &[(&str, &str)]) -> CliRun {
    let args: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    tokio::task::spawn_blocking(move || {
        // A fresh HOME and nothing of the developer's environment (no USERSCOPE_*, no D-Bus).
        let home = Home::new();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut cmd = assert_cmd::Command::from_std(home.command(&args));
        cmd.timeout(Duration::from_secs(60));
        for (k, v) in &env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        // The log file, history and anything else written under HOME never hold a secret.
        for file in home.files() {
            let content = String::from_utf8_lossy(&std::fs::read(&file).unwrap()).into_owned();
            for secret in [KEY, COHO_SECRET, "tok-cli"] {
                assert!(
                    !content.contains(secret),
                    "{} holds a secret",
                    file.display()
                );
            }
        }
        CliRun {
            code: out.status.code().unwrap_or(-1),
            stdout: out.stdout,
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    })
    .await
    .unwrap()
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or_default()
}

#[tokio::test]
async fn cli_get_formats_and_exit_codes() {
    let server = MockServer::start().await;
    let body = serde_json::to_string_pretty(&doc_body(VendorKind::FOLDSPACE)).unwrap();
    Mock::given(method("GET"))
        .and(path("/v1/user/alice"))
        .and(header("x-foldspace-api-key", KEY))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body.clone(), "application/json"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/user/nobody"))
        .respond_with(json_response(404, json!({"error": "User not found"})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/user/busy"))
        .respond_with(
            json_response(
                429,
                json!({"error": "Rate limit exceeded for subscription"}),
            )
            .insert_header("retry-after", "999999"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/user/broken"))
        .respond_with(json_response(
            500,
            json!({"error": "Internal server error"}),
        ))
        .mount(&server)
        .await;
    let uri = server.uri();
    let key = [("USERSCOPE_FOLDSPACE_API_KEY", KEY)];
    let get = |id: &'static str, format: &'static str| {
        let uri = uri.clone();
        async move {
            cli(
                &[
                    "get",
                    "foldspace",
                    id,
                    "--base-url",
                    &uri,
                    "--format",
                    format,
                ],
                &key,
            )
            .await
        }
    };

    let raw = get("alice", "raw").await;
    assert_eq!((raw.code, raw.stderr.as_str()), (0, ""));
    assert_eq!(raw.stdout, body.as_bytes(), "raw is byte for byte");

    let json_run = get("alice", "json").await;
    assert_eq!(json_run.code, 0, "{}", json_run.stderr);
    let doc: serde_json::Value = serde_json::from_slice(&json_run.stdout).unwrap();
    assert_eq!(doc["vendor"], "foldspace");
    assert_eq!(doc["lookup"], json!({"by": "identifier", "value": "alice"}));
    assert_eq!(doc["request"]["url"], format!("{uri}/v1/user/alice"));
    assert_eq!(doc["request"]["status"], 200);
    assert_eq!(doc["raw"], doc_body(VendorKind::FOLDSPACE));
    assert!(doc["request"]["elapsedMs"].is_u64());

    let text = get("alice", "text").await;
    assert_eq!(text.code, 0, "{}", text.stderr);
    let stdout = String::from_utf8(text.stdout).unwrap();
    assert!(
        stdout.contains("\nTags\n  Foldspace does not provide tags\n"),
        "{stdout}"
    );
    assert!(stdout.trim_end().ends_with(" ms"), "{stdout}");
    assert!(
        stdout.contains(&format!("GET {uri}/v1/user/alice → 200 in ")),
        "{stdout}"
    );

    let cases = [
        ("nobody", 3, "userscope: No such user at Foldspace: User not found".to_owned()),
        ("busy", 5, "userscope: Foldspace: rate limited, retry in 999999 s: Rate limit exceeded for subscription".to_owned()),
        ("broken", 6, "userscope: Foldspace answered HTTP 500: Internal server error".to_owned()),
    ];
    for (id, code, line) in cases {
        let r = get(id, "text").await;
        assert_eq!(
            (r.code, first_line(&r.stderr)),
            (code, line.as_str()),
            "{id}"
        );
        assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
        assert!(r.stdout.is_empty());
    }

    let all_output = |r: &CliRun| format!("{}{}", String::from_utf8_lossy(&r.stdout), r.stderr);
    assert!(!all_output(&raw).contains(KEY));
}

#[tokio::test]
async fn cli_usage_key_and_network_errors() {
    // Unknown --by lists the vendor's kinds.
    let r = cli(
        &[
            "get",
            "vemetric",
            "123",
            "--by",
            "email",
            "--base-url",
            "http://127.0.0.1:9",
        ],
        &[],
    )
    .await;
    assert_eq!(
        (r.code, first_line(&r.stderr)),
        (
            2,
            "userscope: Vemetric cannot look users up by `email`; use --by id, identifier"
        )
    );
    // No key: either "no API key" or, with no keyring reachable (no D-Bus here), the keyring's
    // own error; both exit 4 and name the env var that fixes it.
    let r = cli(
        &["get", "chakra", "u1", "--base-url", "http://127.0.0.1:9"],
        &[],
    )
    .await;
    assert_eq!(r.code, 4, "{}", r.stderr);
    let line = first_line(&r.stderr);
    assert!(
        line == "userscope: no API key for chakra: set USERSCOPE_CHAKRA_API_KEY or run `userscope keys set chakra`"
            || (line.starts_with("userscope: cannot read the key for chakra: ")
                && line.contains("USERSCOPE_")),
        "{line}"
    );
    assert_eq!(r.stderr.lines().count(), 1);
    // Plain http to another machine.
    let r = cli(
        &["get", "chakra", "u1", "--base-url", "http://10.255.255.1"],
        &[("USERSCOPE_CHAKRA_API_KEY", KEY)],
    )
    .await;
    assert_eq!(r.code, 2);
    assert!(
        first_line(&r.stderr).starts_with(
            "userscope: refusing to send the API key to http://10.255.255.1 over plain http"
        ),
        "{}",
        r.stderr
    );
    // A key the vendor rejects.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(json_response(
            401,
            json!({"error": {"code": "UNAUTHORIZED", "message": "Invalid API key"}}),
        ))
        .mount(&server)
        .await;
    let r = cli(
        &["get", "vemetric", "123", "--base-url", &server.uri()],
        &[("USERSCOPE_VEMETRIC_API_KEY", KEY)],
    )
    .await;
    assert_eq!(
        (r.code, first_line(&r.stderr)),
        (
            4,
            "userscope: Vemetric rejected the key (HTTP 401): Invalid API key; check it, then run `userscope keys set vemetric`"
        )
    );
    // Connection refused.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let r = cli(
        &[
            "get",
            "chakra",
            "u1",
            "--base-url",
            &format!("http://127.0.0.1:{port}"),
        ],
        &[("USERSCOPE_CHAKRA_API_KEY", KEY)],
    )
    .await;
    assert_eq!(
        (r.code, first_line(&r.stderr).to_owned()),
        (
            6,
            format!("userscope: could not reach 127.0.0.1:{port}: connection refused")
        )
    );
    // Unknown vendor.
    let r = cli(&["get", "nosuch", "x"], &[]).await;
    assert_eq!(r.code, 2);
    assert!(
        first_line(&r.stderr).starts_with("userscope: unknown vendor or connection `nosuch`"),
        "{}",
        r.stderr
    );
}

#[tokio::test]
async fn cli_vendors_lists_every_vendor_without_keys() {
    let r = cli(&["vendors"], &[("USERSCOPE_VEMETRIC_API_KEY", KEY)]).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = String::from_utf8(r.stdout).unwrap();
    assert!(!out.contains(KEY));
    let line = |name: &str| {
        out.lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("{out}"))
            .to_owned()
    };
    assert!(
        line("vemetric").contains("set via env USERSCOPE_VEMETRIC_API_KEY"),
        "{out}"
    );
    assert!(line("vemetric").contains("id, identifier"), "{out}");
    assert!(line("usercom").ends_with("needs subdomain"), "{out}");
    assert!(
        line("chakra").ends_with("https://api.chakrahq.com"),
        "{out}"
    );
}

// ---------------------------------------------------------------------------------------------
// Normalized values come through (the adapters' own tests check every field)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn each_vendor_body_arrives_normalized() {
    let server = MockServer::start().await;
    for (vendor, prefix) in [
        (VendorKind::COHO, "/api/data/user/"),
        (VendorKind::USERCOM, "/api/public/users/search/"),
        (VendorKind::FOLDSPACE, "/v1/user/"),
        (VendorKind::CHAKRA, "/v1/ext/user/"),
        (VendorKind::VEMETRIC, "/v1/users/single"),
    ] {
        Mock::given(method("GET"))
            .and(wiremock::matchers::path_regex(format!("^{prefix}")))
            .respond_with(json_response(200, doc_body(vendor)))
            .mount(&server)
            .await;
    }
    let l = lookuper();
    let get = |vendor: VendorKind, value: &'static str| {
        let l = l.clone();
        let c = conn(vendor, &server.uri());
        async move { run(&l, &c, vendor.default_lookup(), value).await.unwrap() }
    };
    let has = |fields: &[userscope::profile::Field], value: serde_json::Value| {
        fields.iter().any(|f| f.value == value)
    };

    let coho = get(VendorKind::COHO, "u-42").await;
    assert_eq!(coho.profile.display_name.as_deref(), Some("Zoë Ångström"));
    assert_eq!(coho.profile.email.as_deref(), Some("zoe@example.com"));
    assert_eq!(coho.profile.location.city.as_deref(), Some("Berlin"));
    assert!(
        has(&coho.profile.tags, json!("pro")),
        "{:?}",
        coho.profile.tags
    );
    assert_eq!(
        coho.profile.segments[0].name.as_deref(),
        Some("Power users")
    );

    let usercom = get(VendorKind::USERCOM, "g3FaYocCy0U6").await;
    assert_eq!(usercom.profile.display_name.as_deref(), Some("Jane Doe"));
    assert_eq!(usercom.profile.id.as_deref(), Some("19678376"));
    assert_eq!(usercom.profile.kind.as_deref(), Some("visitor"));

    let foldspace = get(VendorKind::FOLDSPACE, "bTMwUidOQiZhMazBDWGAAmuRnu9N2").await;
    assert_eq!(
        foldspace.profile.display_name.as_deref(),
        Some("Alice Johnson")
    );
    assert_eq!(foldspace.profile.kind.as_deref(), Some("USER"));
    assert!(
        has(&foldspace.profile.attributes, json!("value1")),
        "{:?}",
        foldspace.profile.attributes
    );

    let chakra = get(VendorKind::CHAKRA, "9763caa1-cef3-497f-b3b2-f551456b2831").await;
    assert_eq!(chakra.profile.display_name.as_deref(), Some("Ravi K"));
    assert_eq!(
        chakra.profile.location.timezone.as_deref(),
        Some("Asia/Kolkata")
    );

    let vemetric = get(VendorKind::VEMETRIC, "123").await;
    assert_eq!(vemetric.profile.display_name.as_deref(), Some("John Doe"));
    assert_eq!(
        vemetric.profile.location.country_code.as_deref(),
        Some("US")
    );
    assert!(
        has(&vemetric.profile.attributes, json!("Vemetric")),
        "{:?}",
        vemetric.profile.attributes
    );
    // The raw body is kept byte for byte.
    assert_eq!(
        vemetric.raw,
        doc_body(VendorKind::VEMETRIC).to_string().as_bytes()
    );
}

// ---------------------------------------------------------------------------------------------
// `get --demo`: the in-process demo vendors
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn cli_get_demo_prints_text_json_and_raw() {
    let rich = userscope::demo::find(
        VendorKind::FOLDSPACE,
        LookupKind::Identifier,
        "bTMwUidOQiZhMazBDWGAAmuRnu9N2",
    )
    .unwrap();
    let raw = cli(
        &[
            "get",
            "foldspace",
            "bTMwUidOQiZhMazBDWGAAmuRnu9N2",
            "--demo",
            "--format",
            "raw",
        ],
        &[],
    )
    .await;
    assert_eq!(raw.code, 0, "{}", raw.stderr);
    assert_eq!(raw.stdout, rich.body.as_bytes());

    let json_run = cli(
        &[
            "get",
            "vemetric",
            "4815162342",
            "--demo",
            "--format",
            "json",
        ],
        &[],
    )
    .await;
    assert_eq!(json_run.code, 0, "{}", json_run.stderr);
    let doc: serde_json::Value = serde_json::from_slice(&json_run.stdout).unwrap();
    assert_eq!(doc["vendor"], "vemetric");
    assert_eq!(doc["lookup"], json!({"by": "id", "value": "4815162342"}));
    assert_eq!(doc["request"]["status"], 200);
    assert!(
        doc["request"]["url"]
            .as_str()
            .unwrap()
            .ends_with("/v1/users/single?id=4815162342")
    );
    assert!(doc["profile"]["displayName"].is_string());

    let text = cli(&["get", "coho", "u-1001", "--demo"], &[]).await;
    assert_eq!(text.code, 0, "{}", text.stderr);
    let stdout = String::from_utf8(text.stdout).unwrap();
    for section in [
        "\nProperties\n",
        "\nTags\n",
        "\nSegments\n",
        "\nAttributes\n",
        "\nLocation\n",
    ] {
        assert!(stdout.contains(section), "{section}: {stdout}");
    }
    assert!(
        stdout.contains("/api/data/user/u-1001 → 200 in "),
        "{stdout}"
    );

    let missing = cli(&["get", "chakra", "00000000-no-such-user", "--demo"], &[]).await;
    assert_eq!(missing.code, 3, "{}", missing.stderr);
    assert!(
        first_line(&missing.stderr).starts_with("userscope: No such user at ChakraHQ"),
        "{}",
        missing.stderr
    );
}

#[tokio::test]
async fn cli_get_coho_with_client_credentials_never_shows_the_secret() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/identity/resources/auth/v2/api-token"))
        .and(body_json(
            json!({"clientId": "client-cli", "secret": COHO_SECRET}),
        ))
        .respond_with(json_response(
            200,
            json!({"access_token": "tok-cli", "expires_in": 3600}),
        ))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/data/user/u-42"))
        .and(header("authorization", "Bearer tok-cli"))
        .respond_with(json_response(200, doc_body(VendorKind::COHO)))
        .expect(2)
        .mount(&server)
        .await;
    let uri = server.uri();
    let env = [
        ("USERSCOPE_COHO_CLIENT_ID", "client-cli"),
        ("USERSCOPE_COHO_SECRET", COHO_SECRET),
        ("USERSCOPE_COHO_AUTH_URL", uri.as_str()),
        ("USERSCOPE_LOG", "trace"),
    ];
    for format in ["text", "json"] {
        let r = cli(
            &[
                "get",
                "coho",
                "u-42",
                "--base-url",
                &uri,
                "--format",
                format,
            ],
            &env,
        )
        .await;
        assert_eq!(r.code, 0, "{}", r.stderr);
        let all = format!("{}{}", String::from_utf8_lossy(&r.stdout), r.stderr);
        assert!(
            !all.contains(COHO_SECRET) && !all.contains("tok-cli"),
            "{all}"
        );
        assert!(all.contains("Zoë Ångström"), "{all}");
    }
}
