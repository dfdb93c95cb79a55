//! Vendors defined in the config file (design §10, issue 12), end to end: the config's two
//! parse phases and registration, connections naming a config vendor, each auth type's exact
//! request against a mock vendor on loopback, every status's exit code, hostile IDs, nothing
//! lost in normalization (a property test), and the real binary (`vendors`, `vendors check`,
//! `keys list`, `get --demo`, bulk, `find --demo`).
//!
//! Every test here registers the same [`CONFIG`] (registration is once per process, and a
//! second registration must name the same vendors), so the order tests run in does not matter.

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
use std::time::Duration;

use proptest::prelude::*;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;
use userscope::config::{Config, HttpSettings, Overrides};
use userscope::error::LookupError;
use userscope::lookup::{LookupOutcome, Lookuper};
use userscope::secrets::EnvKeys;
use userscope::vendors::{Connection, FindClass, Lookup, LookupKind, VendorAdapter, VendorKind};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

mod support;
use support::home::Home;

const KEY: &str = "TESTKEY-0123456789abcdef";

/// One vendor per auth type, with the same lookups and fields, and a connection naming one.
const CONFIG: &str = r#"
[connections.books-eu]
vendor = "books-header"

[find]
email = ["books-bearer:email"]

[vendors.books-bearer]
name = "Books (bearer)"
base_url = "https://api.books.example"
auth = { type = "bearer" }
[[vendors.books-bearer.lookup]]
by = "id"
path = "/v2/people/{value}"
profile = "/person"
find = "id"
[[vendors.books-bearer.lookup]]
by = "email"
path = "/v2/people/search"
query = { email = "{value}", limit = "1" }
profile = "/hits/0"
find = "email"
[vendors.books-bearer.fields]
id = "/id"
email = "/email"
name = "/name"
timestamps = { "/joined" = "epoch_ms" }
[vendors.books-bearer.errors]
message = "/error"

[vendors.books-token]
base_url = "https://api.books.example"
auth = { type = "token" }
[[vendors.books-token.lookup]]
by = "id"
path = "/v2/people/{value}"
profile = "/person"
[vendors.books-token.fields]
id = "/id"

[vendors.books-header]
base_url = "https://api.books.example"
auth = { type = "header", header = "X-Books-Key" }
[[vendors.books-header.lookup]]
by = "id"
path = "/v2/people/{value}/card"
profile = "/person"
[vendors.books-header.fields]
id = "/id"

[vendors.books-basic]
base_url = "https://api.books.example"
auth = { type = "basic" }
[[vendors.books-basic.lookup]]
by = "identifier"
path = "/v2/lookup"
query = { ref = "{value}" }
[vendors.books-basic.fields]
id = "/id"
"#;

fn config() -> Config {
    Config::parse_located(CONFIG, "config.toml").unwrap()
}

fn vendor(name: &str) -> VendorKind {
    config();
    VendorKind::parse(name).unwrap()
}

fn conn(name: &str, base: &str) -> Connection {
    let overrides = Overrides {
        base_url: Some(base.to_owned()),
        ..Overrides::default()
    };
    config().resolve(name, &overrides, &|_| None).unwrap()
}

fn lookuper() -> Lookuper {
    config();
    let env: HashMap<String, String> = VendorKind::all()
        .map(|v| (userscope::secrets::api_key_var(v.as_str()), KEY.to_owned()))
        .chain([(userscope::secrets::api_key_var("books-eu"), KEY.to_owned())])
        .collect();
    let keys = EnvKeys::with_lookup(move |name: &str| env.get(name).cloned());
    Lookuper::new(HttpSettings::default(), Arc::new(keys)).unwrap()
}

async fn get(
    name: &str,
    base: &str,
    by: LookupKind,
    value: &str,
) -> Result<LookupOutcome, LookupError> {
    lookuper()
        .run(
            &conn(name, base),
            &Lookup::new(by, value),
            None,
            CancellationToken::new(),
        )
        .await
}

fn person(id: &str) -> Value {
    json!({"person": {"id": id, "email": "ada@books.example", "name": "Ada", "joined": 1709287200000i64, "plan": {"tier": "gold"}}})
}

// ---------------------------------------------------------------------------------------------
// Config: two phases, registration, connections
// ---------------------------------------------------------------------------------------------

#[test]
fn config_vendors_are_registered_after_the_built_ins_and_connections_may_name_them() {
    let config = config();
    let names: Vec<&str> = config.vendors.kinds.iter().map(|v| v.as_str()).collect();
    assert_eq!(
        names,
        ["books-basic", "books-bearer", "books-header", "books-token"]
    );
    let all: Vec<&str> = VendorKind::all().map(VendorKind::as_str).collect();
    assert_eq!(
        all,
        [
            "coho",
            "usercom",
            "foldspace",
            "chakra",
            "vemetric",
            "books-basic",
            "books-bearer",
            "books-header",
            "books-token"
        ]
    );
    assert!(config.vendors.kinds.iter().all(|v| v.is_declared()));
    assert!(!VendorKind::COHO.is_declared());
    let books = vendor("books-bearer");
    assert_eq!(books.display_name(), "Books (bearer)");
    assert_eq!(books.lookup_kinds(), [LookupKind::Id, LookupKind::Email]);
    assert_eq!(books.find_kind(FindClass::Email), Ok(LookupKind::Email));
    assert_eq!(books.find_kind(FindClass::Id), Ok(LookupKind::Id));
    assert!(vendor("books-token").find_kind(FindClass::Email).is_err());
    // A named connection of a config vendor, and each vendor's default connection.
    let eu = config
        .resolve("books-eu", &Overrides::default(), &|_| None)
        .unwrap();
    assert_eq!(
        (eu.name.as_str(), eu.vendor),
        ("books-eu", vendor("books-header"))
    );
    assert_eq!(eu.base_url.as_str(), "https://api.books.example/");
    let names = config.connection_names();
    for expected in [
        "books-eu",
        "books-bearer",
        "books-token",
        "books-header",
        "books-basic",
        "coho",
    ] {
        assert!(names.iter().any(|n| n == expected), "{expected}: {names:?}");
    }
    // [find] may route to a config vendor's lookup.
    let route = format!("{:?}", config.find);
    assert!(route.contains("books-bearer"), "{route}");
    // Reading the same file again is fine; a changed definition is refused, never half-loaded.
    assert!(Config::parse(CONFIG).is_ok());
    let changed = CONFIG.replace("name = \"Books (bearer)\"", "name = \"Other\"");
    let err = Config::parse_located(&changed, "config.toml").unwrap_err();
    assert_eq!(
        err,
        "config file config.toml: vendor `books-bearer` differs from the one this process registered at start-up; run the command again"
    );
    assert_eq!(vendor("books-bearer").display_name(), "Books (bearer)");
}

#[test]
fn a_broken_vendor_table_stops_the_whole_file_with_its_place() {
    config();
    let bad = CONFIG.replace(
        "path = \"/v2/people/{value}/card\"",
        "pth = \"/v2/people/{value}/card\"",
    );
    let err = Config::parse_located(&bad, "config.toml").unwrap_err();
    assert_eq!(
        err,
        "config.toml:46:1: unknown field `pth`, expected one of `by`, `path`, `query`, `profile`, `find` (did you mean `path`?)"
    );
    let unknown_vendor = "[connections.x]\nvendor = \"books-bearr\"\n";
    let err = Config::parse_located(unknown_vendor, "c.toml").unwrap_err();
    assert!(
        err.starts_with("c.toml:2:10: unknown variant `books-bearr`"),
        "{err}"
    );
    assert!(err.ends_with("(did you mean `books-bearer`?)"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Requests: each auth type, exactly
// ---------------------------------------------------------------------------------------------

/// The one request the mock saw.
async fn only_request(server: &MockServer) -> Request {
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1, "{requests:?}");
    requests.into_iter().next().unwrap()
}

#[tokio::test]
async fn bearer_found_by_id_exact_request() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/people/p-1"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(person("p-1")))
        .mount(&server)
        .await;
    let outcome = get("books-bearer", &server.uri(), LookupKind::Id, "p-1")
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.path(), "/v2/people/p-1");
    assert_eq!(request.url.query(), None);
    assert_eq!(request.headers.get("accept").unwrap(), "application/json");
    let p = &outcome.profile;
    assert_eq!(
        (
            p.id.as_deref(),
            p.email.as_deref(),
            p.display_name.as_deref()
        ),
        (Some("p-1"), Some("ada@books.example"), Some("Ada"))
    );
    let keys: Vec<&str> = p.properties.iter().map(|f| f.key.as_str()).collect();
    assert_eq!(keys, ["joined", "plan.tier"]);
    assert_eq!(
        p.properties[0].hint,
        userscope::profile::ValueHint::EpochMillis
    );
    assert_eq!(p.properties[0].value, json!(1709287200000i64));
    assert_eq!(outcome.request.status, 200);
    assert!(outcome.warnings.is_empty());
}

#[tokio::test]
async fn bearer_found_by_email_search_exact_query() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/people/search"))
        .and(query_param("email", "ada+x@books.example"))
        .and(query_param("limit", "1"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"hits": [person("p-1")["person"]]})),
        )
        .mount(&server)
        .await;
    let outcome = get(
        "books-bearer",
        &server.uri(),
        LookupKind::Email,
        "ada+x@books.example",
    )
    .await
    .unwrap();
    let request = only_request(&server).await;
    assert_eq!(
        request.url.query(),
        Some("email=ada%2Bx%40books.example&limit=1")
    );
    assert_eq!(outcome.profile.id.as_deref(), Some("p-1"));
}

#[tokio::test]
async fn token_and_header_auth_exact_headers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(person("p-2")))
        .mount(&server)
        .await;
    get("books-token", &server.uri(), LookupKind::Id, "p-2")
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_eq!(
        request.headers.get("authorization").unwrap(),
        format!("Token {KEY}").as_str()
    );
    assert_eq!(request.url.path(), "/v2/people/p-2");
    server.reset().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(person("p-3")))
        .mount(&server)
        .await;
    // Through the named connection: its own key (USERSCOPE_BOOKS_EU_API_KEY).
    get("books-eu", &server.uri(), LookupKind::Id, "p-3")
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_eq!(request.headers.get("x-books-key").unwrap(), KEY);
    assert!(request.headers.get("authorization").is_none());
    assert_eq!(request.url.path(), "/v2/people/p-3/card");
}

/// `basic`: the key is `user:password`, sent base64-encoded (RFC 7617).
#[tokio::test]
async fn basic_auth_exact_header() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "r-1"})))
        .mount(&server)
        .await;
    get("books-basic", &server.uri(), LookupKind::Identifier, "r 1")
        .await
        .unwrap();
    let request = only_request(&server).await;
    use base64::Engine;
    let expected = base64::engine::general_purpose::STANDARD.encode(KEY);
    assert_eq!(
        request.headers.get("authorization").unwrap(),
        format!("Basic {expected}").as_str()
    );
    assert_eq!(request.url.query(), Some("ref=r%201"));
}

#[tokio::test]
async fn basic_auth_request_shape() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "r-1"})))
        .mount(&server)
        .await;
    let outcome = get("books-basic", &server.uri(), LookupKind::Identifier, "r 1")
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_eq!(request.url.path(), "/v2/lookup");
    assert_eq!(request.url.query(), Some("ref=r%201"));
    assert!(
        request
            .headers
            .get("authorization")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("Basic ")
    );
    // profile = "" (the default): the whole body is the person.
    assert_eq!(outcome.profile.id.as_deref(), Some("r-1"));
}

// ---------------------------------------------------------------------------------------------
// Statuses and exit codes
// ---------------------------------------------------------------------------------------------

async fn answer(
    template: ResponseTemplate,
    by: LookupKind,
    value: &str,
) -> Result<LookupOutcome, LookupError> {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(template)
        .mount(&server)
        .await;
    get("books-bearer", &server.uri(), by, value).await
}

#[tokio::test]
async fn statuses_map_to_the_documented_exit_codes() {
    let json_error = |status: u16, message: &str| {
        ResponseTemplate::new(status).set_body_json(json!({"error": message}))
    };
    let err = answer(json_error(404, "no such person"), LookupKind::Id, "p-9")
        .await
        .unwrap_err();
    assert_eq!(err.exit_code(), 3);
    assert_eq!(
        err.to_string(),
        "No such user at Books (bearer): no such person"
    );
    let err = answer(json_error(401, "bad key"), LookupKind::Id, "p-9")
        .await
        .unwrap_err();
    assert_eq!(err.exit_code(), 4);
    assert!(
        err.to_string()
            .starts_with("Books (bearer) rejected the key (HTTP 401): bad key"),
        "{err}"
    );
    let err = answer(json_error(500, "down"), LookupKind::Id, "p-9")
        .await
        .unwrap_err();
    assert_eq!(err.exit_code(), 6);
    let garbage = ResponseTemplate::new(200).set_body_string("<<not json>>");
    assert_eq!(
        answer(garbage, LookupKind::Id, "p-9")
            .await
            .unwrap_err()
            .exit_code(),
        6
    );
    // A body without fields.id is not the configured shape: exit 6, the pointer named.
    let err = answer(
        ResponseTemplate::new(200).set_body_json(json!({"person": {"email": "a@b"}})),
        LookupKind::Id,
        "p-9",
    )
    .await
    .unwrap_err();
    assert_eq!(err.exit_code(), 6);
    assert!(
        err.to_string()
            .contains("fields.id `/id` finds nothing in the profile"),
        "{err}"
    );
}

/// An empty search result is "not found" (design §10), exit 3, even on HTTP 200.
#[tokio::test]
async fn an_empty_search_is_not_found() {
    let err = answer(
        ResponseTemplate::new(200).set_body_json(json!({"hits": []})),
        LookupKind::Email,
        "no@books.example",
    )
    .await
    .unwrap_err();
    assert_eq!(err.exit_code(), 3, "{err}");
    assert_eq!(err.to_string(), "No such user at Books (bearer)", "{err}");
}

#[tokio::test]
async fn a_429_then_200_is_retried_after_retry_after() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(person("p-1")))
        .mount(&server)
        .await;
    let started = std::time::Instant::now();
    let outcome = get("books-bearer", &server.uri(), LookupKind::Id, "p-1")
        .await
        .unwrap();
    assert_eq!(outcome.profile.id.as_deref(), Some("p-1"));
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn the_key_never_goes_over_plain_http_off_loopback() {
    let err = get(
        "books-bearer",
        "http://books.example",
        LookupKind::Id,
        "p-1",
    )
    .await
    .unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert!(
        err.to_string()
            .starts_with("refusing to send the API key to http://books.example"),
        "{err}"
    );
}

/// The hostile-ID table (tests/support/hostile.rs, also run by the hardening tests): each ID stays one encoded path
/// segment or one query value on the configured endpoint, or is refused before sending.
#[tokio::test]
async fn hostile_ids_stay_one_segment_or_one_query_value() {
    let ids = support::hostile::HOSTILE_IDS.iter().copied();
    let books = vendor("books-bearer").adapter();
    let c = conn("books-bearer", "http://127.0.0.1:9");
    for id in ids {
        match books.build_request(&c, &Lookup::new(LookupKind::Id, id)) {
            Ok(spec) => {
                assert_eq!(spec.url.host_str(), Some("127.0.0.1"), "{id}");
                let rest = spec.url.path().strip_prefix("/v2/people/").unwrap();
                assert!(
                    !rest.contains('/') && spec.url.query().is_none(),
                    "{id}: {}",
                    spec.url
                );
                let decoded: Vec<u8> = percent_encoding::percent_decode_str(rest).collect();
                assert_eq!(decoded, id.as_bytes(), "{id}");
            }
            Err(e) => assert_eq!(e.exit_code(), 2, "{id}"),
        }
        let spec = books.build_request(&c, &Lookup::new(LookupKind::Email, id));
        if let Ok(spec) = spec {
            assert_eq!(spec.url.path(), "/v2/people/search", "{id}");
            let pairs: Vec<(String, String)> = spec.url.query_pairs().into_owned().collect();
            assert_eq!(
                pairs,
                [
                    ("email".to_owned(), id.to_owned()),
                    ("limit".to_owned(), "1".to_owned())
                ],
                "{id}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Nothing is lost
// ---------------------------------------------------------------------------------------------

/// A leaf: scalars (numbers by their text) and empty containers.
fn leaves(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Array(items) if !items.is_empty() => items.iter().for_each(|v| leaves(v, out)),
        Value::Object(map) if !map.is_empty() => map.values().for_each(|v| leaves(v, out)),
        Value::String(s) => out.push(format!("s:{s}")),
        Value::Number(n) => out.push(format!("s:{n}")),
        other => out.push(other.to_string()),
    }
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        "[a-z@. ]{0,6}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        let keys = prop_oneof![
            Just("id".to_owned()),
            Just("email".to_owned()),
            Just("name".to_owned()),
            Just("labels".to_owned()),
            Just("k".to_owned()),
            Just("v".to_owned()),
            Just("geo".to_owned()),
            Just("city".to_owned()),
            Just("custom".to_owned()),
            "[a-z]{1,3}",
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((keys, inner), 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    /// Every leaf of the profile object lands exactly once (identity, location, tags, segments,
    /// attributes or properties), whatever the shapes.
    #[test]
    fn every_leaf_lands_exactly_once(mut profile in prop::collection::vec(("[a-z]{1,3}|id|email|name|labels|geo|custom|groups", arb_json()), 0..8), id in "[a-z0-9]{1,6}") {
        const TEXT: &str = r#"[vendors.prop]
base_url = "https://p.example"
[[vendors.prop.lookup]]
by = "id"
path = "/p/{value}"
[vendors.prop.fields]
id = "/id"
email = "/email"
name = "/name"
tags = { list = "/labels", key = "/k", value = "/v" }
segments = { list = "/groups", id = "/k", name = "/v" }
attributes = "/custom"
location = { city = "/geo/city" }
"#;
        let spec = userscope::vendors::declared::parse_section(TEXT).unwrap().remove(0);
        let adapter = userscope::vendors::declared::Declared::new(spec, VendorKind::first());
        profile.retain(|(k, _)| k != "id");
        profile.push(("id".to_owned(), Value::from(id)));
        let body = Value::Object(profile.into_iter().collect());
        let mut wanted = Vec::new();
        leaves(&body, &mut wanted);
        let n = adapter.normalize(body.clone()).unwrap();
        let p = &n.profile;
        let mut got = Vec::new();
        let mut fields: Vec<&userscope::profile::Field> = p.properties.iter().chain(&p.attributes).collect();
        for tag in &p.tags {
            got.push(format!("s:{}", tag.key));
            leaves(&tag.value, &mut got);
        }
        for s in &p.segments {
            got.extend(s.id.iter().chain(&s.name).map(|t| format!("s:{t}")));
            fields.extend(&s.details);
        }
        for f in fields {
            leaves(&f.value, &mut got);
        }
        let identity = [&p.id, &p.email, &p.location.city];
        got.extend(identity.into_iter().flatten().map(|t| format!("s:{t}")));
        // The display name is a copy when it fell back to the email or the ID.
        let named = body.get("name").and_then(|v| match v { Value::String(s) if !s.is_empty() => Some(s.clone()), Value::Number(n) => Some(n.to_string()), _ => None });
        if let (Some(shown), Some(_)) = (&p.display_name, &named) {
            got.push(format!("s:{shown}"));
        }
        // A tag without a value pointer's leaf gets `null`: not from the body.
        let mut wanted_sorted = wanted.clone();
        wanted_sorted.sort();
        let mut extra_nulls = 0usize;
        for tag in &p.tags {
            if tag.value.is_null() { extra_nulls += 1; }
        }
        let mut got_sorted = got.clone();
        got_sorted.sort();
        // Remove the fabricated nulls (at most one per tag) before comparing.
        for _ in 0..extra_nulls {
            let wanted_nulls = wanted_sorted.iter().filter(|l| *l == "null").count();
            let got_nulls = got_sorted.iter().filter(|l| *l == "null").count();
            if got_nulls > wanted_nulls {
                let at = got_sorted.iter().position(|l| l == "null").unwrap();
                got_sorted.remove(at);
            }
        }
        prop_assert_eq!(got_sorted, wanted_sorted, "body: {}\nprofile: {:#?}", body, p);
    }
}

// ---------------------------------------------------------------------------------------------
// The real binary
// ---------------------------------------------------------------------------------------------

fn home_with_config() -> (Home, std::path::PathBuf) {
    let home = Home::new();
    let file = home.path().join("config.toml");
    std::fs::write(&file, CONFIG).unwrap();
    (home, file)
}

fn run(
    home: &Home,
    file: &std::path::Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> (i32, String, String) {
    let out = home
        .command(args)
        .env("USERSCOPE_CONFIG", file)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn vendors_and_keys_list_show_config_vendors() {
    let (home, file) = home_with_config();
    let env = [("USERSCOPE_BOOKS_TOKEN_API_KEY", KEY)];
    let (code, out, err) = run(&home, &file, &["vendors", "--json"], &env);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains(KEY));
    let list: Vec<Value> = serde_json::from_str(&out).unwrap();
    let token = list
        .iter()
        .find(|e| e["connection"] == "books-token")
        .unwrap();
    assert_eq!(token["vendor"], "books-token");
    assert_eq!(token["vendorName"], "books-token");
    assert_eq!(token["source"], "config");
    assert_eq!(token["keySet"], true);
    assert_eq!(token["lookupKinds"], json!(["id"]));
    assert_eq!(token["endpoint"], "https://api.books.example");
    let coho = list.iter().find(|e| e["connection"] == "coho").unwrap();
    assert_eq!(coho["source"], "built-in");
    let eu = list.iter().find(|e| e["connection"] == "books-eu").unwrap();
    assert_eq!(
        (eu["vendor"].as_str(), eu["source"].as_str()),
        (Some("books-header"), Some("config"))
    );
    let (code, out, _) = run(&home, &file, &["vendors"], &env);
    assert_eq!(code, 0);
    let line = out
        .lines()
        .find(|l| l.starts_with("books-bearer "))
        .unwrap();
    assert!(
        line.contains("Books (bearer) (config)") && line.contains("id, email"),
        "{line}"
    );
    // The test HOME has no D-Bus session, so the keyring is unreadable: `keys list` says so
    // with exit 4 and still lists every connection.
    let (code, out, err) = run(&home, &file, &["keys", "list", "--json"], &env);
    assert_eq!(code, 4, "{err}");
    assert!(
        out.contains("\"books-token\"") && out.contains("\"books-basic\""),
        "{out}"
    );
    assert!(!out.contains(KEY));
}

#[test]
fn vendors_check_lists_lookups_and_points_at_mistakes() {
    let (home, file) = home_with_config();
    let (code, out, err) = run(&home, &file, &["vendors", "check"], &[]);
    assert_eq!(code, 0, "{err}");
    let shown = file.display().to_string();
    assert!(
        out.starts_with(&format!("{shown}: valid; 4 vendors\n")),
        "{out}"
    );
    assert!(out.contains("\nbooks-bearer (Books (bearer))  https://api.books.example\n  auth    Authorization: Bearer KEY\n  by id (default)  GET /v2/people/{value}  person at /person, find id\n  by email  GET /v2/people/search?email={value}&limit=1  person at /hits/0, find email\n"), "{out}");
    assert!(
        out.contains("  by identifier (default)  GET /v2/lookup?ref={value}  person the body\n"),
        "{out}"
    );
    let bad = home.path().join("bad.toml");
    std::fs::write(
        &bad,
        CONFIG.replace("by = \"identifier\"", "by = \"identifer\""),
    )
    .unwrap();
    let (code, out, err) = run(
        &home,
        &file,
        &["vendors", "check", bad.to_str().unwrap()],
        &[],
    );
    assert_eq!((code, out.as_str()), (2, ""));
    assert_eq!(
        err,
        format!(
            "userscope: {}:55:6: unknown lookup kind `identifer`, expected one of `id`, `key`, `email`, `identifier` (did you mean `identifier`?)\n",
            bad.display()
        )
    );
    // A broken vendor stops every command, not only the check.
    std::fs::copy(&bad, &file).unwrap();
    let (code, _, err) = run(
        &home,
        &file,
        &["get", "books-token", "p-1"],
        &[("USERSCOPE_BOOKS_TOKEN_API_KEY", KEY)],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains(":55:6: unknown lookup kind `identifer`"),
        "{err}"
    );
}

#[test]
fn the_demo_vendor_answers_get_bulk_and_find() {
    let home = Home::new();
    let out = home
        .command(&["get", "ledgerly", "acct-1001", "--demo", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["vendor"], "ledgerly");
    assert_eq!(doc["profile"]["displayName"], "Zoë Ångström");
    assert_eq!(
        doc["profile"]["properties"][2],
        json!({"key": "created", "value": 1709287200})
    );
    let out = home
        .command(&["get", "ledgerly", "acct-1001", "--demo", "--format", "raw"])
        .output()
        .unwrap();
    let fixture = include_str!("../assets/demo/ledgerly/acct-1001.json");
    assert_eq!(String::from_utf8(out.stdout).unwrap(), fixture);
    let out = home
        .command(&["get", "ledgerly", "acct-1001", "--demo"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("created             2024-03-01T10:00:00Z ("),
        "{text}"
    );
    let out = home
        .command(&["get", "ledgerly", "acct-0000", "--demo"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    // Bulk.
    let ids = home.path().join("ids.txt");
    std::fs::write(&ids, "acct-1001\nacct-0000\n").unwrap();
    let out = home
        .command(&["get", "ledgerly", "--demo", "--from", ids.to_str().unwrap()])
        .output()
        .unwrap();
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let statuses: Vec<&str> = lines
        .iter()
        .map(|l| l["status"].as_str().unwrap())
        .collect();
    let mut sorted = statuses.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, ["found", "not_found"]);
    // find: the demo person, by email and by ID.
    for value in [
        userscope::vendors::demo_kit::EVERYWHERE_EMAIL,
        userscope::vendors::demo_kit::EVERYWHERE_ID,
    ] {
        let out = home
            .command(&["find", value, "--demo", "--format", "json"])
            .output()
            .unwrap();
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        let ledgerly = doc["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["connection"] == "ledgerly")
            .unwrap();
        assert_eq!(ledgerly["status"], "found", "{value}: {ledgerly}");
        assert_eq!(ledgerly["profile"]["id"], "acct-7781");
    }
}
