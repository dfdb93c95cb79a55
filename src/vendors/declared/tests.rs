//! Unit tests of config-defined vendors: the adapter is built directly from a spec (never
//! through the process-wide registry, whose contents depend on which test ran first).

use serde_json::{Value, json};

use super::demo::{DEMO_KEY, DEMO_TOML, demo_spec};
use super::*;
use crate::profile::ValueHint;
use crate::vendors::{Connection, Lookup, VendorAdapter, VendorKind};

fn spec_of(text: &str) -> Spec {
    parse_section(text).unwrap().into_iter().next().unwrap()
}

/// A placeholder handle: these tests call the adapter directly, never through the registry.
fn adapter(text: &str) -> Declared {
    Declared::new(spec_of(text), VendorKind::first())
}

fn error(text: &str) -> String {
    parse_section_located(text, "c.toml").unwrap_err()
}

const MINIMAL: &str = "[vendors.acme]\nbase_url = \"https://api.acme.example\"\n[[vendors.acme.lookup]]\nby = \"id\"\npath = \"/u/{value}\"\n[vendors.acme.fields]\nid = \"/id\"\n";

#[test]
fn every_key_of_the_documented_example_is_read() {
    let spec = demo_spec().unwrap();
    assert_eq!(spec.name, "ledgerly");
    assert_eq!(spec.display_name, "Ledgerly");
    assert_eq!(spec.base_url.as_str(), "https://api.ledgerly.example/");
    assert_eq!(spec.auth, AuthStyle::Header("x-ledgerly-token".to_owned()));
    assert_eq!(spec.lookups.len(), 2);
    let (id, email) = (&spec.lookups[0], &spec.lookups[1]);
    assert_eq!(id.by, LookupKind::Id);
    assert_eq!(id.path.text(), "/api/v3/contacts/{value}");
    assert!(id.query.is_empty());
    assert_eq!(id.profile.as_str(), "/contact");
    assert_eq!(id.find, Some(FindClass::Id));
    assert_eq!(email.by, LookupKind::Email);
    assert_eq!(email.path.text(), "/api/v3/contacts");
    assert_eq!(email.query.len(), 1);
    assert_eq!(email.query[0].0, "email");
    assert_eq!(email.query[0].1.text(), "{value}");
    assert_eq!(email.profile.as_str(), "/results/0");
    assert_eq!(email.find, Some(FindClass::Email));
    let f = &spec.fields;
    let p = |s: &str| Pointer::parse(s, false).unwrap();
    assert_eq!(f.id, p("/id"));
    assert_eq!(f.email, Some(p("/email")));
    assert_eq!(f.name, Some(p("/profile/display")));
    assert_eq!(f.kind, Some(p("/type")));
    assert_eq!(
        f.tags,
        Some(TagsSpec {
            list: p("/labels"),
            key: p("/name"),
            value: Some(p("/value"))
        })
    );
    assert_eq!(
        f.segments,
        Some(SegmentsSpec {
            list: p("/groups"),
            id: Some(p("/gid")),
            name: Some(p("/title"))
        })
    );
    assert_eq!(f.attributes, Some(p("/custom")));
    assert_eq!(
        f.location,
        vec![
            (Place::Country, p("/geo/country")),
            (Place::CountryCode, p("/geo/country_code")),
            (Place::City, p("/geo/city")),
            (Place::Timezone, p("/geo/tz")),
        ]
    );
    assert_eq!(
        f.timestamps,
        vec![
            (p("/created"), TimeFormat::EpochS),
            (p("/last_active"), TimeFormat::Iso8601)
        ]
    );
    assert_eq!(spec.error_message, Some(p("/error/message")));
    // The README shows the same file.
    let readme = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"));
    for line in DEMO_TOML.lines().filter(|l| !l.is_empty()) {
        assert!(readme.contains(line), "README lacks: {line}");
    }
}

#[test]
fn defaults_auth_bearer_name_as_cli_name_profile_whole_body() {
    let spec = spec_of(MINIMAL);
    assert_eq!(spec.display_name, "acme");
    assert_eq!(spec.auth, AuthStyle::Bearer);
    assert_eq!(spec.lookups[0].profile, Pointer::whole());
    assert_eq!(spec.lookups[0].find, None);
    assert_eq!(spec.error_message, None);
    assert!(
        parse_section("[http]\ntimeout_secs = 3\n")
            .unwrap()
            .is_empty()
    );
}

/// Every mistake stops the file with its line and column (and a did-you-mean for a typo).
#[test]
fn every_error_says_file_line_and_column() {
    let with = |from: &str, to: &str| {
        assert!(MINIMAL.contains(from), "{from}");
        MINIMAL.replacen(from, to, 1)
    };
    let cases: Vec<(String, &str)> = vec![
        (
            with("path = ", "pth = "),
            "c.toml:5:1: unknown field `pth`, expected one of `by`, `path`, `query`, `profile`, `find` (did you mean `path`?)",
        ),
        (
            with("[vendors.acme]\n", "[vendors.acme]\nnmae = \"A\"\n"),
            "c.toml:2:1: unknown field `nmae`, expected one of `name`, `base_url`, `auth`, `lookup`, `fields`, `errors` (did you mean `name`?)",
        ),
        (
            with("base_url = \"https://api.acme.example\"\n", ""),
            "c.toml:1:1: missing field `base_url`",
        ),
        (
            with("id = \"/id\"\n", "email = \"/e\"\n"),
            "c.toml:6:1: missing field `id`",
        ),
        (
            with("id = \"/id\"", "id = \"id\""),
            "c.toml:7:6: `id` is not a JSON Pointer: it must start with `/` (RFC 6901), e.g. \"/id\"",
        ),
        (
            with("id = \"/id\"", "id = \"\""),
            "c.toml:7:6: a JSON Pointer must start with `/` (RFC 6901), e.g. \"/email\"",
        ),
        (
            with(
                "path = \"/u/{value}\"",
                "path = \"/u/{value}\"\nprofile = \"data\"",
            ),
            "c.toml:6:11: `data` is not a JSON Pointer: it must start with `/` (RFC 6901), e.g. \"/data\"; \"\" is the whole body",
        ),
        (
            with(
                "[vendors.acme]\n",
                "[vendors.acme]\nauth = { type = \"bearr\" }\n",
            ),
            "c.toml:2:17: unknown auth type `bearr`, expected one of `bearer`, `token`, `header`, `basic` (did you mean `bearer`?)",
        ),
        (
            with(
                "[vendors.acme]\n",
                "[vendors.acme]\nauth = { type = \"header\" }\n",
            ),
            "c.toml:2:17: auth type \"header\" needs `header = \"NAME\"` (the header the key goes in)",
        ),
        (
            with(
                "[vendors.acme]\n",
                "[vendors.acme]\nauth = { type = \"header\", header = \"X Key\" }\n",
            ),
            "c.toml:2:36: `X Key` is not an HTTP header name",
        ),
        (
            with(
                "[vendors.acme]\n",
                "[vendors.acme]\nauth = { type = \"bearer\", header = \"X\" }\n",
            ),
            "c.toml:2:36: `header` is only for auth type \"header\"",
        ),
        (
            with(
                "id = \"/id\"",
                "id = \"/id\"\ntimestamps = { \"/t\" = \"epoch_sec\" }",
            ),
            "c.toml:8:23: unknown timestamp format `epoch_sec`, expected one of `epoch_s`, `epoch_ms`, `iso8601` (did you mean `epoch_s`?)",
        ),
        (
            MINIMAL.replace("vendors.acme", "vendors.Acme"),
            "c.toml:1:10: vendor name `Acme` must be lowercase letters, digits and `-` ([a-z0-9-]+)",
        ),
        (
            with("path = \"/u/{value}\"", "path = \"/u\""),
            "c.toml:5:8: the lookup by id never sends the value: put {value} in `path` (one path segment) or in a `query` value",
        ),
        (
            with("path = \"/u/{value}\"", "path = \"/u/{id}\""),
            "c.toml:5:8: `/u/{id}`: the only placeholder is {value} (the looked-up value)",
        ),
        (
            with("by = \"id\"", "by = \"emial\""),
            "c.toml:4:6: unknown lookup kind `emial`, expected one of `id`, `key`, `email`, `identifier` (did you mean `email`?)",
        ),
        (
            with(
                "path = \"/u/{value}\"",
                "path = \"/u/{value}\"\nfind = \"mail\"",
            ),
            "c.toml:6:8: unknown find class `mail`, expected one of `email`, `id` (did you mean `email`?)",
        ),
        (
            with(
                "base_url = \"https://api.acme.example\"",
                "base_url = \"https://api.acme.example/v2/../admin\"",
            ),
            "c.toml:2:12: base_url: `https://api.acme.example/v2/../admin` is not a usable base URL (`.` and `..` path segments are not allowed); expected e.g. https://host:port or https://host/prefix",
        ),
        (
            with(
                "[vendors.acme.fields]",
                "[[vendors.acme.lookup]]\nby = \"id\"\npath = \"/v/{value}\"\n[vendors.acme.fields]",
            ),
            "c.toml:7:6: a second lookup by `id`; each kind may appear once",
        ),
        (
            with("id = \"/id\"", "id = \"/id\"\nlocation = { town = \"/t\" }"),
            "c.toml:8:14: unknown field `town`, expected one of `continent`, `country`, `countryCode`, `region`, `state`, `city`, `postalCode`, `timezone`",
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(error(&text), expected, "\n{text}");
    }
    // A built-in vendor's name (taken from the registry: only it may spell vendor names).
    let built_in = VendorKind::first();
    let clash = MINIMAL.replace("vendors.acme", &format!("vendors.{}", built_in.as_str()));
    assert_eq!(
        error(&clash),
        format!(
            "c.toml:1:10: vendor `{}` is built in ({}); give yours another name",
            built_in.as_str(),
            built_in.display_name()
        )
    );
    let no_lookup =
        "[vendors.acme]\nbase_url = \"https://a.example\"\n[vendors.acme.fields]\nid = \"/id\"\n";
    assert_eq!(error(no_lookup), "c.toml:1:1: missing field `lookup`");
}

fn conn(adapter: &Declared) -> Connection {
    Connection {
        name: adapter.name().to_owned(),
        vendor: VendorKind::first(),
        base_url: url::Url::parse("http://127.0.0.1:9").unwrap(),
        auth_url: None,
    }
}

#[test]
fn requests_encode_the_value_and_place_the_key() {
    let demo = Declared::new(demo_spec().unwrap(), VendorKind::first());
    let c = conn(&demo);
    let spec = demo
        .build_request(&c, &Lookup::new(LookupKind::Id, "a/b?c"))
        .unwrap();
    assert_eq!(spec.method, "GET");
    assert_eq!(
        spec.url.as_str(),
        "http://127.0.0.1:9/api/v3/contacts/a%2Fb%3Fc"
    );
    assert_eq!(spec.auth.header, "x-ledgerly-token");
    assert_eq!(spec.auth.header_value("k"), "k");
    let spec = demo
        .build_request(&c, &Lookup::new(LookupKind::Email, "a+b@x.org#frag"))
        .unwrap();
    assert_eq!(
        spec.url.as_str(),
        "http://127.0.0.1:9/api/v3/contacts?email=a%2Bb%40x.org%23frag"
    );
    assert_eq!(
        demo.build_request(&c, &Lookup::new(LookupKind::Key, "x"))
            .unwrap_err()
            .exit_code(),
        2
    );
    assert_eq!(
        demo.build_request(&c, &Lookup::new(LookupKind::Id, " "))
            .unwrap_err()
            .exit_code(),
        2
    );
    for (auth, header, value) in [
        ("{ type = \"bearer\" }", "authorization", "Bearer k"),
        ("{ type = \"token\" }", "authorization", "Token k"),
        (
            "{ type = \"header\", header = \"X-Api-Key\" }",
            "x-api-key",
            "k",
        ),
    ] {
        let text = MINIMAL.replace(
            "[vendors.acme]\n",
            &format!("[vendors.acme]\nauth = {auth}\n"),
        );
        let a = adapter(&text);
        let spec = a
            .build_request(&conn(&a), &Lookup::new(LookupKind::Id, "1"))
            .unwrap();
        assert_eq!(
            (spec.auth.header, spec.auth.header_value("k").as_str()),
            (header, value)
        );
    }
}

#[test]
fn lookup_kinds_find_kinds_and_sections_come_from_the_file() {
    let demo = Declared::new(demo_spec().unwrap(), VendorKind::first());
    assert_eq!(demo.lookup_kinds(), [LookupKind::Id, LookupKind::Email]);
    assert_eq!(demo.find_kind(FindClass::Id), Ok(LookupKind::Id));
    assert_eq!(demo.find_kind(FindClass::Email), Ok(LookupKind::Email));
    assert_eq!(
        demo.default_base_url(),
        Some("https://api.ledgerly.example")
    );
    assert_eq!((demo.name(), demo.display_name()), ("ledgerly", "Ledgerly"));
    let minimal = adapter(MINIMAL);
    assert!(minimal.find_kind(FindClass::Email).is_err());
    use crate::profile::Section;
    for section in [
        Section::Tags,
        Section::Segments,
        Section::Attributes,
        Section::Location,
    ] {
        assert!(
            demo.provides(section) && !minimal.provides(section),
            "{section:?}"
        );
    }
    assert!(minimal.provides(Section::Properties));
}

#[test]
fn mapped_fields_fill_their_slots_and_the_rest_are_dotted_properties() {
    let demo = Declared::new(demo_spec().unwrap(), VendorKind::first());
    let body: Value = serde_json::from_str(demo.demo().users()[0].body).unwrap();
    let n = demo.normalize(body).unwrap();
    let p = &n.profile;
    assert_eq!(n.warnings, Vec::<String>::new());
    assert_eq!(p.id.as_deref(), Some("acct-1001"));
    assert_eq!(p.display_name.as_deref(), Some("Zoë Ångström"));
    assert_eq!(p.email.as_deref(), Some("zoe.angstrom@example.com"));
    assert_eq!(p.kind.as_deref(), Some("customer"));
    let keys: Vec<(&str, &Value)> = p
        .properties
        .iter()
        .map(|f| (f.key.as_str(), &f.value))
        .collect();
    assert_eq!(
        keys,
        [
            ("profile.first_name", &json!("Zoë")),
            ("profile.last_name", &json!("Ångström")),
            ("created", &json!(1709287200)),
            ("last_active", &json!("2026-11-20T08:15:00Z")),
            ("balance.currency", &json!("EUR")),
            ("balance.amount", &json!(-12.5)),
            ("phones", &json!(["+49 30 1234567"])),
        ]
    );
    let hints: Vec<ValueHint> = p.properties.iter().map(|f| f.hint).collect();
    assert_eq!(hints[2], ValueHint::EpochSeconds);
    assert_eq!(hints[3], ValueHint::IsoTimestamp);
    assert_eq!(hints[0], ValueHint::Plain);
    let tags: Vec<(&str, &Value)> = p.tags.iter().map(|f| (f.key.as_str(), &f.value)).collect();
    assert_eq!(
        tags,
        [
            ("plan", &json!("pro")),
            ("vip", &json!(true)),
            ("seats", &json!(12))
        ]
    );
    assert_eq!(p.segments.len(), 2);
    assert_eq!(p.segments[0].id.as_deref(), Some("g-7"));
    assert_eq!(p.segments[0].name.as_deref(), Some("Annual billing"));
    assert_eq!(
        p.segments[0].details,
        [crate::profile::Field::new("since", json!("2023-01-01"))]
    );
    assert!(p.segments[1].details.is_empty());
    let attributes: Vec<&str> = p.attributes.iter().map(|f| f.key.as_str()).collect();
    assert_eq!(attributes, ["company", "mrr", "invoices_paid", "dunning"]);
    assert_eq!(p.attributes[1].value, json!(490.5));
    assert_eq!(p.location.country.as_deref(), Some("Germany"));
    assert_eq!(p.location.country_code.as_deref(), Some("DE"));
    assert_eq!(p.location.city.as_deref(), Some("Berlin"));
    assert_eq!(p.location.timezone.as_deref(), Some("Europe/Berlin"));
    // The email search's body is read through its own profile pointer.
    let search = json!({"results": [{"id": 7, "email": "a@b.example"}]});
    let n = demo.normalize(search).unwrap();
    assert_eq!(n.profile.id.as_deref(), Some("7"));
    assert_eq!(n.profile.display_name.as_deref(), Some("a@b.example"));
}

#[test]
fn wrong_shapes_warn_and_keep_the_value_missing_pointers_are_just_absent() {
    let demo = Declared::new(demo_spec().unwrap(), VendorKind::first());
    let body = json!({"contact": {
        "id": "x1", "email": {"work": "w@x.example"}, "labels": "vip", "groups": [1, {"gid": 2}],
        "custom": [1], "geo": {"country": 49}, "created": "yesterday", "last_active": "soon",
        "type": null
    }});
    let n = demo.normalize(body).unwrap();
    assert_eq!(
        n.warnings,
        [
            "fields.email `/email`: expected a string, got an object",
            "fields.tags.list `/labels`: expected an array, got a string",
            "groups[0]: expected a segment object, got a number",
            "fields.attributes `/custom`: expected an object, got an array",
            "geo.country: location value is a number, not a string",
            "created: configured as epoch seconds, got a string",
            "last_active: configured as an ISO 8601 timestamp, got a string that is not one",
        ]
    );
    let p = &n.profile;
    assert_eq!(p.id.as_deref(), Some("x1"));
    assert_eq!(p.display_name.as_deref(), Some("x1"));
    assert_eq!(p.email, None);
    assert_eq!(p.location.country.as_deref(), Some("49"));
    let keys: Vec<&str> = p.properties.iter().map(|f| f.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "email",
            "labels",
            "groups[0]",
            "custom",
            "created",
            "last_active",
            "type"
        ]
    );
    assert_eq!(p.segments.len(), 1);
    assert_eq!(p.segments[0].id.as_deref(), Some("2"));
    // No id: the body is not the configured shape, and the pointer is named.
    let err = demo
        .normalize(json!({"contact": {"email": "a@b.example"}}))
        .unwrap_err();
    assert_eq!(err.0, "fields.id `/id` finds nothing in the profile");
    let err = demo.normalize(json!({"contact": "x"})).unwrap_err();
    assert_eq!(
        err.0,
        "the profile at `/contact` is a string, not an object"
    );
    // Nobody under any profile pointer: not found.
    let empty = json!({"results": []});
    assert!(demo.finds_nobody(&empty));
    assert!(!demo.finds_nobody(&json!({"contact": {"id": 1}})));
    let err = demo.normalize(empty).unwrap_err();
    assert_eq!(
        err.0,
        "no person in the body: no lookup's profile pointer (`/contact`, `/results/0`) finds anything"
    );
}

#[test]
fn timestamps_read_as_dates_for_each_format() {
    use chrono::TimeZone;
    let now = chrono::Utc.with_ymd_and_hms(2024, 3, 4, 10, 0, 0).unwrap();
    let text = |v: Value, hint| crate::display::timestamp_text(&v, hint, now);
    assert_eq!(
        text(json!(1709287200), ValueHint::EpochSeconds).as_deref(),
        Some("2024-03-01T10:00:00Z (3 days ago)")
    );
    assert_eq!(
        text(json!(0), ValueHint::EpochSeconds).as_deref(),
        Some("unknown")
    );
    assert_eq!(text(json!("1709287200"), ValueHint::EpochSeconds), None);
    assert_eq!(text(json!(i64::MAX), ValueHint::EpochSeconds), None);
    let text_ms = MINIMAL.replace("id = \"/id\"", "id = \"/id\"\ntimestamps = { \"/a\" = \"epoch_ms\", \"/b\" = \"iso8601\", \"/c/d\" = \"epoch_s\" }");
    let n = adapter(&text_ms)
        .normalize(
            json!({"id": 1, "a": 1709287200000i64, "b": "2024-03-01T10:00:00Z", "c": {"d": 5}}),
        )
        .unwrap();
    let hints: Vec<(&str, ValueHint)> = n
        .profile
        .properties
        .iter()
        .map(|f| (f.key.as_str(), f.hint))
        .collect();
    assert_eq!(
        hints,
        [
            ("a", ValueHint::EpochMillis),
            ("b", ValueHint::IsoTimestamp),
            ("c.d", ValueHint::EpochSeconds)
        ]
    );
    assert!(n.warnings.is_empty());
}

#[test]
fn error_messages_come_from_the_configured_pointer() {
    let demo = Declared::new(demo_spec().unwrap(), VendorKind::first());
    assert_eq!(
        demo.error_message(404, br#"{"error": {"message": "no  such\ncontact"}}"#)
            .as_deref(),
        Some("no such contact")
    );
    assert_eq!(demo.error_message(500, b"<html>"), None);
    assert_eq!(demo.error_message(500, br#"{"error": "x"}"#), None);
    assert_eq!(
        adapter(MINIMAL).error_message(404, br#"{"error": {"message": "x"}}"#),
        None
    );
}

#[test]
fn the_demo_responder_serves_its_own_paths_with_its_key() {
    use crate::vendors::demo_kit::DemoRequest;
    let demo = Declared::new(demo_spec().unwrap(), VendorKind::first());
    let responder = demo.demo();
    let ask = |path: &str, query: Option<&str>, key: &str| {
        let headers = [("x-ledgerly-token", key)];
        responder.respond(&DemoRequest {
            method: "GET",
            path,
            query,
            headers: &headers,
            body: b"",
            now: std::time::SystemTime::UNIX_EPOCH,
        })
    };
    let first = &responder.users()[0];
    let found = ask("/api/v3/contacts/acct-1001", None, DEMO_KEY).unwrap();
    assert_eq!((found.status, found.body.as_ref()), (200, first.body));
    let by_email = ask(
        "/api/v3/contacts",
        Some("email=ZOE.angstrom%40example.com"),
        DEMO_KEY,
    )
    .unwrap();
    let doc: Value = serde_json::from_str(&by_email.body).unwrap();
    let fixture: Value = serde_json::from_str(first.body).unwrap();
    assert_eq!(doc, json!({"results": [fixture["contact"]]}));
    let nobody = ask("/api/v3/contacts", Some("email=no%40x.example"), DEMO_KEY).unwrap();
    assert_eq!(
        (nobody.status, nobody.body.as_ref()),
        (404, r#"{"error":{"message":"no such contact"}}"#)
    );
    assert_eq!(
        ask("/api/v3/contacts/acct-9", None, DEMO_KEY)
            .unwrap()
            .status,
        404
    );
    assert_eq!(
        ask("/api/v3/contacts/acct-1001", None, "wrong")
            .unwrap()
            .status,
        401
    );
    let limited = ask("/api/v3/contacts/rate-limited", None, DEMO_KEY).unwrap();
    assert_eq!(
        (limited.status, limited.header("retry-after")),
        (429, Some("2"))
    );
    assert!(ask("/api/v3/other", None, DEMO_KEY).is_none());
    assert!(ask("/api/v3/contacts/a/b", None, DEMO_KEY).is_none());
    let labels: Vec<&str> = responder.users().iter().map(|u| u.label).collect();
    assert_eq!(labels, ["rich", "sparse", "non-Latin", "300 attributes"]);
    let everyone = responder.everywhere().unwrap();
    assert_eq!(everyone.value, crate::vendors::demo_kit::EVERYWHERE_ID);
    // Any other declared vendor knows nobody, under its own demo key.
    let other = adapter(MINIMAL);
    assert!(other.demo().users().is_empty());
    assert_eq!(other.demo().key(), "demo-acme-key");
}
