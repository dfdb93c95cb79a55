//! Fidelity to the vendor documents (issue 18, vendor half), against mock vendors on
//! loopback: ChakraHQ team/role names from its config endpoint, Coho's refresh token,
//! User.com's member checks, Foldspace environment labels, the Vemetric id wording, what a
//! 404 means (no such user vs no such endpoint), and base URLs with a path prefix.

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

use serde_json::json;
use tokio_util::sync::CancellationToken;
use userscope::config::{Config, HttpSettings, Overrides};
use userscope::error::LookupError;
use userscope::lookup::{LookupOutcome, Lookuper};
use userscope::secrets::EnvKeys;
use userscope::vendors::{Connection, Lookup, LookupKind, VendorKind};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

mod support;

use support::home::Home;

const KEY: &str = "TESTKEY-0123456789abcdef";
const COHO_SECRET: &str = "coho-s3cr3t-DO-NOT-LEAK";

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// A connection for `vendor` at `base` (the Coho auth URL too, when given).
fn conn_with(
    vendor: VendorKind,
    base: &str,
    auth: Option<&str>,
) -> Result<Connection, LookupError> {
    let overrides = Overrides {
        base_url: Some(base.to_owned()),
        ..Overrides::default()
    };
    let auth = auth.map(str::to_owned);
    let env = move |var: &str| {
        if var == "USERSCOPE_COHO_AUTH_URL" {
            auth.clone()
        } else {
            None
        }
    };
    Config::default().resolve(vendor.as_str(), &overrides, &env)
}

fn conn(vendor: VendorKind, base: &str) -> Connection {
    conn_with(vendor, base, None).unwrap()
}

fn lookuper_with(env: &[(&str, &str)]) -> Lookuper {
    let env: HashMap<String, String> = env
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let keys = EnvKeys::with_lookup(move |name: &str| env.get(name).cloned());
    Lookuper::new(HttpSettings::default(), Arc::new(keys)).unwrap()
}

/// `KEY` for every vendor.
fn lookuper() -> Lookuper {
    let vars: Vec<(String, String)> = VendorKind::all()
        .map(|v| {
            (
                format!("USERSCOPE_{}_API_KEY", v.as_str().to_uppercase()),
                KEY.to_owned(),
            )
        })
        .collect();
    let pairs: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    lookuper_with(&pairs)
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

fn json_response(status: u16, body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_string(), "application/json")
}

fn requests_to<'a>(reqs: &'a [Request], p: &str) -> Vec<&'a Request> {
    reqs.iter().filter(|r| r.url.path() == p).collect()
}

/// A small documented 200 body per vendor, and the lookup that fetches it.
fn doc_user(vendor: VendorKind) -> (LookupKind, &'static str, serde_json::Value) {
    match vendor {
        VendorKind::COHO => (
            LookupKind::Id,
            "u-42",
            json!({"userProperties": {"userId": "u-42", "name": "Zoë"}}),
        ),
        VendorKind::USERCOM => (
            LookupKind::Key,
            "g3FaYocCy0U6",
            json!({"id": 19678376, "key": "g3FaYocCy0U6", "name": "Jane Doe"}),
        ),
        VendorKind::FOLDSPACE => (
            LookupKind::Identifier,
            "bTMwUidOQiZhMazBDWGAAmuRnu9N2",
            json!({"userType": "USER", "identifyId": "bTMwUidOQiZhMazBDWGAAmuRnu9N2"}),
        ),
        VendorKind::CHAKRA => (
            LookupKind::Id,
            "9763caa1-cef3-497f-b3b2-f551456b2831",
            json!({"_data": {"id": "9763caa1-cef3-497f-b3b2-f551456b2831", "username": "ravi"}}),
        ),
        VendorKind::VEMETRIC => (
            LookupKind::Id,
            "123",
            json!({"user": {"id": "123", "displayName": "John Doe"}}),
        ),
        other => panic!("no documented body for {other}"),
    }
}

// ---------------------------------------------------------------------------------------------
// ChakraHQ: team and role names from GET /v1/ext/config
// ---------------------------------------------------------------------------------------------

const CHAKRA_ID: &str = "9763caa1-cef3-497f-b3b2-f551456b2831";
const TEAM: &str = "8e7d6c5b-4a39-4281-b0c1-d2e3f4a5b6c7";
const ROLE: &str = "1f2e3d4c-5b6a-4978-8a6b-5c4d3e2f1a0b";

async fn chakra_server(config: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/ext/user/{CHAKRA_ID}")))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .respond_with(json_response(
            200,
            json!({"_data": {"id": CHAKRA_ID, "username": "ravi", "team": TEAM, "role": ROLE}}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/ext/config"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .respond_with(config)
        .mount(&server)
        .await;
    server
}

/// The warnings other than the sparse test bodies' missing required fields.
fn name_warnings(outcome: &LookupOutcome) -> Vec<&str> {
    outcome
        .warnings
        .iter()
        .map(String::as_str)
        .filter(|w| !w.ends_with(": required field missing"))
        .collect()
}

fn segment_pairs(outcome: &LookupOutcome) -> Vec<(Option<String>, Option<String>)> {
    outcome
        .profile
        .segments
        .iter()
        .map(|s| (s.id.clone(), s.name.clone()))
        .collect()
}

#[tokio::test]
async fn chakra_names_come_from_the_config_once_per_connection() {
    // The shape is not published: names are matched wherever an object has id + name.
    let config = json!({"_data": {
        "teams": [{"id": TEAM, "name": "Customer Success", "members": 4}],
        "org": {"roles": {"am": {"id": ROLE, "name": "Account Manager"}}}
    }, "_meta": {}, "_errors": []});
    let server = chakra_server(json_response(200, config)).await;
    let l = lookuper();
    let c = conn(VendorKind::CHAKRA, &server.uri());
    let first = run(&l, &c, LookupKind::Id, CHAKRA_ID).await.unwrap();
    let second = run(&l.clone(), &c, LookupKind::Id, CHAKRA_ID)
        .await
        .unwrap();
    for outcome in [&first, &second] {
        assert_eq!(
            segment_pairs(outcome),
            [
                (Some(TEAM.to_owned()), Some("Customer Success".to_owned())),
                (Some(ROLE.to_owned()), Some("Account Manager".to_owned())),
            ]
        );
        assert_eq!(name_warnings(outcome), Vec::<&str>::new());
    }
    // The stable JSON keeps the UUID as the segment id; the name fills `name`.
    let segments = serde_json::to_value(&first.profile).unwrap()["segments"].clone();
    assert_eq!(segments[0]["id"], TEAM);
    assert_eq!(segments[0]["name"], "Customer Success");
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(requests_to(&reqs, "/v1/ext/config").len(), 1);
    assert_eq!(
        requests_to(&reqs, &format!("/v1/ext/user/{CHAKRA_ID}")).len(),
        2
    );
}

#[tokio::test]
async fn chakra_config_failing_keeps_uuids_with_a_warning_and_the_lookup_succeeds() {
    let server = chakra_server(json_response(
        500,
        json!({"_data": null, "_meta": {}, "_errors": ["boom"]}),
    ))
    .await;
    let l = lookuper();
    let c = conn(VendorKind::CHAKRA, &server.uri());
    let outcome = run(&l, &c, LookupKind::Id, CHAKRA_ID).await.unwrap();
    assert_eq!(
        segment_pairs(&outcome),
        [(Some(TEAM.to_owned()), None), (Some(ROLE.to_owned()), None)]
    );
    assert_eq!(
        name_warnings(&outcome),
        ["team, role: names not available (/v1/ext/config: HTTP 500: boom); shown as ids"]
    );
    // A failure is remembered for a while too: the next lookup does not ask again at once.
    let again = run(&l, &c, LookupKind::Id, CHAKRA_ID).await.unwrap();
    assert_eq!(again.warnings, outcome.warnings);
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(requests_to(&reqs, "/v1/ext/config").len(), 1);
}

#[tokio::test]
async fn chakra_an_id_the_config_does_not_name_stays_an_id_with_a_warning() {
    let config = json!({"_data": {"teams": [{"id": TEAM, "name": "Customer Success"}]}});
    let server = chakra_server(json_response(200, config)).await;
    let outcome = run(
        &lookuper(),
        &conn(VendorKind::CHAKRA, &server.uri()),
        LookupKind::Id,
        CHAKRA_ID,
    )
    .await
    .unwrap();
    assert_eq!(
        segment_pairs(&outcome),
        [
            (Some(TEAM.to_owned()), Some("Customer Success".to_owned())),
            (Some(ROLE.to_owned()), None)
        ]
    );
    assert_eq!(
        name_warnings(&outcome),
        [format!(
            "role: {ROLE} is not named in ChakraHQ's config (/v1/ext/config); shown as its id"
        )
        .as_str()]
    );
}

// ---------------------------------------------------------------------------------------------
// Coho: the refresh token before the client secret
// ---------------------------------------------------------------------------------------------

const EXCHANGE: &str = "/auth/identity/resources/auth/v2/api-token";
const REFRESH: &str = "/auth/identity/resources/auth/v2/api-token/token/refresh";

fn coho_lookuper() -> Lookuper {
    lookuper_with(&[
        ("USERSCOPE_COHO_CLIENT_ID", "client-1"),
        ("USERSCOPE_COHO_SECRET", COHO_SECRET),
    ])
}

/// A token answer; `expires_in: 30` is stale at once (tokens are renewed 30 s early).
fn token(access: &str, refresh: &str, expires_in: u64) -> ResponseTemplate {
    json_response(
        200,
        json!({"access_token": access, "refresh_token": refresh, "expires_in": expires_in}),
    )
}

async fn coho_data(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/api/data/user/u-42"))
        .respond_with(json_response(
            200,
            json!({"userProperties": {"userId": "u-42"}}),
        ))
        .mount(server)
        .await;
}

fn data_auths(reqs: &[Request]) -> Vec<String> {
    requests_to(reqs, "/api/data/user/u-42")
        .iter()
        .map(|r| {
            r.headers
                .get("authorization")
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

#[tokio::test]
async fn coho_expiry_is_one_refresh_call_and_no_second_secret_exchange() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(EXCHANGE))
        .and(body_json(
            json!({"clientId": "client-1", "secret": COHO_SECRET}),
        ))
        .respond_with(token("tok-1", "r-1", 30))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(REFRESH))
        .and(body_json(json!({"refreshToken": "r-1"})))
        .respond_with(token("tok-2", "r-2", 3600))
        .mount(&server)
        .await;
    coho_data(&server).await;
    let l = coho_lookuper();
    // The auth URL carries a path prefix too: both auth paths go under it.
    let auth = format!("{}/auth", server.uri());
    let c = conn_with(VendorKind::COHO, &server.uri(), Some(&auth)).unwrap();
    for _ in 0..3 {
        run(&l, &c, LookupKind::Id, "u-42").await.unwrap();
    }
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(requests_to(&reqs, EXCHANGE).len(), 1);
    assert_eq!(requests_to(&reqs, REFRESH).len(), 1);
    assert_eq!(
        data_auths(&reqs),
        ["Bearer tok-1", "Bearer tok-2", "Bearer tok-2"]
    );
    assert_eq!((l.token_exchanges(), l.token_refreshes()), (1, 1));
    let refresh_body = String::from_utf8_lossy(&requests_to(&reqs, REFRESH)[0].body).into_owned();
    assert!(!refresh_body.contains(COHO_SECRET), "{refresh_body}");
}

#[tokio::test]
async fn coho_a_failing_refresh_falls_back_to_the_secret_once() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(EXCHANGE))
        .respond_with(token("tok-1", "r-1", 30))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(EXCHANGE))
        .respond_with(token("tok-3", "r-3", 3600))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(REFRESH))
        .respond_with(json_response(
            401,
            json!({"error": "Unauthorized", "message": "Invalid refresh token"}),
        ))
        .mount(&server)
        .await;
    coho_data(&server).await;
    let l = coho_lookuper();
    let auth = format!("{}/auth", server.uri());
    let c = conn_with(VendorKind::COHO, &server.uri(), Some(&auth)).unwrap();
    run(&l, &c, LookupKind::Id, "u-42").await.unwrap();
    run(&l, &c, LookupKind::Id, "u-42").await.unwrap();
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(requests_to(&reqs, REFRESH).len(), 1);
    assert_eq!(requests_to(&reqs, EXCHANGE).len(), 2);
    assert_eq!(data_auths(&reqs), ["Bearer tok-1", "Bearer tok-3"]);
    assert_eq!((l.token_exchanges(), l.token_refreshes()), (2, 0));
}

// ---------------------------------------------------------------------------------------------
// User.com members, Foldspace environments, the Vemetric id
// ---------------------------------------------------------------------------------------------

async fn normalized_from(vendor: VendorKind, body: serde_json::Value) -> LookupOutcome {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(json_response(200, body))
        .mount(&server)
        .await;
    let (by, value, _) = doc_user(vendor);
    run(&lookuper(), &conn(vendor, &server.uri()), by, value)
        .await
        .unwrap()
}

#[tokio::test]
async fn usercom_each_wrong_member_type_and_extra_member_is_a_warning_naming_its_path() {
    let body = json!({
        "id": 19678376, "key": "g3FaYocCy0U6",
        "attributes": [
            {"value": "pro", "name": "Plan", "name_std": 7, "id": "1109", "color": "red"},
            {"value": true, "name": ["x"], "name_std": "flag", "id": 2.5}
        ],
        "tags": [{"name": "vip", "id": "1441", "since": "2020"}],
        "lists": [{"id": "7", "name": 3, "color": "blue"}, {"id": 8, "name": "Newsletter"}]
    });
    let outcome = normalized_from(VendorKind::USERCOM, body).await;
    assert_eq!(
        outcome.warnings,
        [
            "attributes[0].name_std: documented as a string, got a number",
            "attributes[0].id: documented as an integer, got a string",
            "attributes[0].color: not in the documented payload",
            "attributes[1].name: documented as a string, got an array",
            "attributes[1].id: documented as an integer, got a fractional number",
            "tags[0].id: documented as an integer, got a string",
            "tags[0].since: not in the documented payload",
            "lists[0].id: documented as an integer, got a string",
            "lists[0].name: documented as a string, got a number",
            "lists[0].color: not in the documented payload",
        ]
    );
    // Nothing is dropped for being off-contract.
    let p = &outcome.profile;
    assert!(
        p.attributes
            .iter()
            .any(|f| f.key == "Plan.color" && f.value == json!("red"))
    );
    assert_eq!(p.segments.len(), 2);
}

#[tokio::test]
async fn usercom_the_documented_example_items_raise_no_warning() {
    let body = json!({
        "id": 19678376, "key": "g3FaYocCy0U6",
        "tags": [{"name": "tag", "id": 1441}],
        "attributes": [
            {"value": true, "name": "Example attr", "name_std": "example_attr", "id": 1109},
            {"value": "attribute value", "name": "My string attr", "name_std": "my_string_attr", "id": 2429}
        ],
        "lists": [{"id": 3, "name": "Customers"}]
    });
    let outcome = normalized_from(VendorKind::USERCOM, body).await;
    assert_eq!(outcome.warnings, Vec::<String>::new());
}

#[tokio::test]
async fn foldspace_environments_are_labelled_and_the_raw_number_is_kept() {
    let body = json!({
        "userType": "USER", "identifyId": "bTMwUidOQiZhMazBDWGAAmuRnu9N2",
        "products": [
            {"product": "A1", "environment": 1}, {"product": "B2", "environment": 2},
            {"product": "C3", "environment": 3}, {"product": "D4", "environment": 4},
            {"product": "E5", "environment": 7}
        ]
    });
    let outcome = normalized_from(VendorKind::FOLDSPACE, body).await;
    let names: Vec<Option<&str>> = outcome
        .profile
        .segments
        .iter()
        .map(|s| s.name.as_deref())
        .collect();
    assert_eq!(
        names,
        [
            Some("A1 (prod)"),
            Some("B2 (stage)"),
            Some("C3 (test)"),
            Some("D4 (dev)"),
            None
        ]
    );
    let raw: Vec<&serde_json::Value> = outcome
        .profile
        .segments
        .iter()
        .map(|s| &s.details[0].value)
        .collect();
    assert_eq!(raw, [&json!(1), &json!(2), &json!(3), &json!(4), &json!(7)]);
    assert_eq!(
        outcome.warnings,
        ["products[4].environment: documented as 1 to 4, got 7"]
    );
}

#[tokio::test]
async fn vemetric_id_warning_credits_the_vendor_not_the_doc() {
    let outcome = normalized_from(
        VendorKind::VEMETRIC,
        json!({"user": {"id": "12a", "displayName": "J"}}),
    )
    .await;
    assert_eq!(
        outcome.warnings,
        [
            "id: got other characters than digits; Vemetric's API only accepts digit ids (its server's rule; the doc says string, e.g. \"123\")"
        ]
    );
    assert!(!outcome.warnings[0].contains("documented as digits"));
}

// ---------------------------------------------------------------------------------------------
// 404: no such user, or no such endpoint
// ---------------------------------------------------------------------------------------------

fn documented_not_found(vendor: VendorKind) -> &'static str {
    match vendor {
        VendorKind::COHO => r#"{"error":"Not Found","message":"User not found"}"#,
        VendorKind::USERCOM => r#"{"detail":"Not found."}"#,
        VendorKind::FOLDSPACE => r#"{"error":"User not found"}"#,
        VendorKind::CHAKRA => {
            r#"{"_data":null,"_meta":{},"_errors":[{"message":"User not found"}]}"#
        }
        VendorKind::VEMETRIC => r#"{"error":{"code":"USER_NOT_FOUND","message":"User not found"}}"#,
        other => panic!("{other}"),
    }
}

const ROUTE_JSON: &str =
    r#"{"error":{"code":"NOT_FOUND","message":"Route not found: GET /v1/users/single"}}"#;
const HTML_404: &str = "<!DOCTYPE html><html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>";
const TEXT_404: &str = "404 page not found";

async fn answer_404(body: &str, content_type: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_raw(body, content_type))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_404_is_no_such_user_only_in_the_vendors_not_found_shape() {
    for vendor in VendorKind::all() {
        let (by, value, _) = doc_user(vendor);
        let server = answer_404(documented_not_found(vendor), "application/json").await;
        let err = run(&lookuper(), &conn(vendor, &server.uri()), by, value)
            .await
            .unwrap_err();
        assert_eq!(err.exit_code(), 3, "{vendor}: {err}");
        assert!(err.to_string().starts_with("No such user at "), "{err}");

        let cases = [
            (ROUTE_JSON, "application/json", Some(ROUTE_JSON)),
            (HTML_404, "text/html; charset=utf-8", None),
            (TEXT_404, "text/plain", Some(TEXT_404)),
        ];
        for (body, content_type, excerpt) in cases {
            let server = answer_404(body, content_type).await;
            let base = format!("{}/prefix", server.uri());
            let err = run(&lookuper(), &conn(vendor, &base), by, value)
                .await
                .unwrap_err();
            let expected = format!(
                "{} answered HTTP 404: no such endpoint at {base}: check the base URL{}",
                vendor.display_name(),
                excerpt.map(|e| format!(" — body: {e}")).unwrap_or_default()
            );
            assert_eq!(
                (err.exit_code(), err.to_string()),
                (6, expected),
                "{vendor} {content_type}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Base URLs with a path prefix
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_base_url_prefix_comes_before_every_vendors_documented_path() {
    let cases: [(VendorKind, LookupKind, &str, &str, Option<&str>); 7] = [
        (
            VendorKind::COHO,
            LookupKind::Id,
            "u-42",
            "/api/data/user/u-42",
            None,
        ),
        (
            VendorKind::USERCOM,
            LookupKind::Key,
            "g3FaYocCy0U6",
            "/api/public/users/search/",
            Some("key=g3FaYocCy0U6"),
        ),
        (
            VendorKind::USERCOM,
            LookupKind::Id,
            "19678376",
            "/api/public/users/19678376/",
            None,
        ),
        (
            VendorKind::FOLDSPACE,
            LookupKind::Identifier,
            "bTMwUidOQiZhMazBDWGAAmuRnu9N2",
            "/v1/user/bTMwUidOQiZhMazBDWGAAmuRnu9N2",
            None,
        ),
        (
            VendorKind::CHAKRA,
            LookupKind::Id,
            CHAKRA_ID,
            "/v1/ext/user/9763caa1-cef3-497f-b3b2-f551456b2831",
            None,
        ),
        (
            VendorKind::VEMETRIC,
            LookupKind::Id,
            "123",
            "/v1/users/single",
            Some("id=123"),
        ),
        (
            VendorKind::VEMETRIC,
            LookupKind::Identifier,
            "a b",
            "/v1/users/single",
            Some("identifier=a%20b"),
        ),
    ];
    for (vendor, by, value, documented, query) in cases {
        let server = MockServer::start().await;
        let (_, _, body) = doc_user(vendor);
        Mock::given(method("GET"))
            .respond_with(json_response(200, body))
            .mount(&server)
            .await;
        // A trailing slash on the prefix is the same prefix.
        let c = conn(vendor, &format!("{}/self-hosted/api/", server.uri()));
        let outcome = run(&lookuper(), &c, by, value).await.unwrap();
        let reqs = server.received_requests().await.unwrap();
        let first = &reqs[0];
        let expected_path = format!("/self-hosted/api{documented}");
        assert_eq!(
            (first.url.path(), first.url.query()),
            (expected_path.as_str(), query),
            "{vendor} {by}"
        );
        let mut expected_url = format!("{}{expected_path}", server.uri());
        if let Some(q) = query {
            expected_url = format!("{expected_url}?{q}");
        }
        assert_eq!(outcome.request.url, expected_url);
    }
}

#[tokio::test]
async fn a_chakra_prefix_also_holds_the_config_endpoint() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/gw/v1/ext/user/{CHAKRA_ID}")))
        .respond_with(json_response(
            200,
            json!({"_data": {"id": CHAKRA_ID, "team": TEAM, "role": ROLE}}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/gw/v1/ext/config"))
        .respond_with(json_response(
            200,
            json!({"_data": {"teams": [{"id": TEAM, "name": "CS"}], "roles": [{"id": ROLE, "name": "AM"}]}}),
        ))
        .mount(&server)
        .await;
    let c = conn(VendorKind::CHAKRA, &format!("{}/gw", server.uri()));
    let outcome = run(&lookuper(), &c, LookupKind::Id, CHAKRA_ID)
        .await
        .unwrap();
    assert_eq!(name_warnings(&outcome), Vec::<&str>::new());
    assert_eq!(outcome.profile.segments[1].name.as_deref(), Some("AM"));
}

#[test]
fn a_prefix_with_dot_segments_a_query_a_fragment_or_userinfo_is_refused() {
    for base in [
        "http://127.0.0.1:9/api/../admin",
        "http://127.0.0.1:9/api/%2E%2e/admin",
        "http://127.0.0.1:9/./api",
        "http://127.0.0.1:9/api?x=1",
        "http://127.0.0.1:9/api?",
        "http://127.0.0.1:9/api#top",
        "http://user:pw@127.0.0.1:9/api",
        "http://127.0.0.1:9/a//b",
    ] {
        for vendor in VendorKind::all() {
            let err = conn_with(vendor, base, None).unwrap_err();
            assert_eq!(err.exit_code(), 2, "{vendor} {base}: {err}");
            assert!(!err.to_string().contains("pw@"), "{err}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The real binary: `get` and `find` say the same
// ---------------------------------------------------------------------------------------------

struct CliRun {
    code: i32,
    stdout: String,
    stderr: String,
}

async fn cli(args: &[&str], env: &[(&str, &str)]) -> CliRun {
    let args: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    tokio::task::spawn_blocking(move || {
        let home = Home::new();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut cmd = assert_cmd::Command::from_std(home.command(&args));
        cmd.timeout(std::time::Duration::from_secs(60));
        for (k, v) in &env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        CliRun {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn cli_get_and_find_report_a_missing_endpoint_with_exit_6() {
    let server = answer_404(ROUTE_JSON, "application/json").await;
    let base = format!("{}/api", server.uri());
    let key = [("USERSCOPE_VEMETRIC_API_KEY", KEY)];
    let got = cli(&["get", "vemetric", "123", "--base-url", &base], &key).await;
    assert_eq!(got.code, 6, "{}", got.stderr);
    let hint = format!("no such endpoint at {base}: check the base URL");
    assert!(got.stderr.contains(&hint), "{}", got.stderr);

    let env = [
        ("USERSCOPE_VEMETRIC_API_KEY", KEY),
        ("USERSCOPE_VEMETRIC_BASE_URL", base.as_str()),
    ];
    let found = cli(
        &[
            "find", "acct-1", "--as", "id", "--only", "vemetric", "--format", "json",
        ],
        &env,
    )
    .await;
    assert_eq!(found.code, 6, "{}", found.stderr);
    let report: serde_json::Value = serde_json::from_str(&found.stdout).unwrap();
    let result = &report["results"][0];
    assert_eq!(result["status"], "error");
    assert!(
        result["error"].as_str().unwrap().contains(&hint),
        "{result}"
    );

    let refused = cli(
        &[
            "get",
            "vemetric",
            "123",
            "--base-url",
            "http://127.0.0.1:9/api/../x",
        ],
        &key,
    )
    .await;
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(refused.stderr.contains("`..`"), "{}", refused.stderr);
}
