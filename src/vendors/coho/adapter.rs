//! Coho — `GET {base}/api/data/user/{id}`, `Authorization: Bearer TOKEN`
//! (vendor-docs/coho-user-data-api.txt, notes/vendor-facts.md).

use serde_json::Value;

use crate::error::LookupError;
use crate::profile::Normalized;
use crate::vendors::common::{self, Builder, Expect, Ident, Item, MemberCheck, Place};
use crate::vendors::{AuthPlacement, Connection, Lookup, RequestSpec, VendorKind, WrongShape};

pub struct Coho;

/// The HTTP side of the adapter; `super` wires it into `VendorAdapter`.
impl Coho {
    pub(super) fn build_request(
        &self,
        conn: &Connection,
        lookup: &Lookup,
    ) -> Result<RequestSpec, LookupError> {
        common::check_kind(VendorKind::COHO, lookup.by)?;
        common::check_value(VendorKind::COHO, lookup)?;
        let path = format!("/api/data/user/{}", common::encode_segment(&lookup.value)?);
        Ok(RequestSpec {
            method: "GET",
            url: common::vendor_url(conn, &path, None)?,
            headers: Vec::new(),
            auth: AuthPlacement::bearer(),
        })
    }

    /// `userProperties` scalars → identity, location and properties; `userProperties.properties`
    /// and `calculatedProperties` → attributes; `tags` → tags; `segments` → segments.
    pub(super) fn normalize(&self, body: Value) -> Result<Normalized, WrongShape> {
        let body = common::expect_object(body, "the body")?;
        let mut b = Builder::new();
        b.profile.kind = Some("user".to_owned());
        if !body.contains_key("userProperties") {
            b.missing("userProperties");
        }
        for (key, value) in body {
            match key.as_str() {
                "userProperties" => user_properties(&mut b, value),
                "calculatedProperties" => {
                    if let Value::Array(items) = &value {
                        b.profile.attributes.reserve(items.len().saturating_mul(3));
                    }
                    b.items(&key, value, calculated_property)
                }
                "tags" => b.items(&key, value, tag),
                "segments" => b.items(&key, value, segment),
                _ => b.undocumented(key, value),
            }
        }
        let user_id = b.profile.id.clone();
        b.fallback(Ident::DisplayName, user_id);
        Ok(b.finish())
    }

    /// Documented: `{"error": "Unauthorized", "message": "Invalid API key"}`.
    pub(super) fn error_message(&self, _status: u16, body: &[u8]) -> Option<String> {
        let map = common::error_object(body)?;
        common::message_member(&map, "message").or_else(|| common::message_member(&map, "error"))
    }
}

/// `userProperties` fields in the doc, and where they go. `createdAt` is listed by some
/// copies of the page, so it is not an "undocumented" field.
fn user_properties(b: &mut Builder, value: Value) {
    let map = match value {
        Value::Object(map) if !map.is_empty() => map,
        other => return b.property("userProperties", other, Expect::Object),
    };
    for (key, value) in map {
        match key.as_str() {
            "userId" => b.identity(Ident::Id, &key, value, Expect::Str),
            "name" => b.identity(Ident::DisplayName, &key, value, Expect::Str),
            "email" => b.identity(Ident::Email, &key, value, Expect::Str),
            "continent" => b.location(Place::Continent, &key, value),
            "country" => b.location(Place::Country, &key, value),
            "city" => b.location(Place::City, &key, value),
            "firstVisitTime" | "signupTime" | "createdTime" | "updateTime" | "createdAt" => {
                b.property(key, value, Expect::Iso)
            }
            "appVersion"
            | "platform"
            | "os"
            | "browser"
            | "browserVersion"
            | "initialAppVersion"
            | "initialPlatform"
            | "initialOs"
            | "initialBrowser"
            | "initialBrowserVersion"
            | "initialContinent"
            | "initialCountry"
            | "initialCity" => b.property(key, value, Expect::Str),
            "properties" => b.attribute_map("userProperties.properties", value, None),
            _ => {
                let path = common::member_key("userProperties", &key);
                b.undocumented_at(&path, key, value)
            }
        }
    }
}

/// `{id, name, timeframe, value}` → attribute `NAME` = value, then `NAME.id` and
/// `NAME.timeframe`, so the number keeps its meaning next to it. Without a usable name (or
/// without a value to name) the item's index stands in (`calculatedProperties[3].value`).
fn calculated_property(b: &mut Builder, at: Item<'_>, item: Value) {
    const SCHEMA: [(&str, Expect); 4] = [
        ("id", Expect::Str),
        ("name", Expect::Str),
        ("timeframe", Expect::Num),
        ("value", Expect::Num),
    ];
    match item {
        Value::Object(map) if !map.is_empty() => {
            let check = MemberCheck::Schema(&SCHEMA);
            let before = b.profile.attributes.len();
            common::named_members(b, at, map, "value", check, Builder::attribute);
            // The doc types `timeframe` as "number (days)": shown as days, kept as a number.
            for field in b.profile.attributes.iter_mut().skip(before) {
                if field.key.ends_with(".timeframe") && field.value.is_number() {
                    field.hint = crate::profile::ValueHint::Days;
                }
            }
        }
        other => b.property(at.key(), other, Expect::Object),
    }
}

/// `{key, value}` → a tag. Anything else stays in properties, warned about.
fn tag(b: &mut Builder, at: Item<'_>, item: Value) {
    let mut map = match item {
        Value::Object(map) => map,
        other => return b.property(at.key(), other, Expect::Object),
    };
    if map.get("key").and_then(common::text_of).is_none() {
        b.warn(format!(
            "{}: documented as {{key, value}} with a string key",
            at.key()
        ));
        return b
            .profile
            .properties
            .push(crate::profile::Field::new(at.key(), Value::Object(map)));
    }
    let name = map
        .shift_remove("key")
        .and_then(common::into_text)
        .unwrap_or_default();
    let value = map.shift_remove("value").unwrap_or_else(|| {
        b.missing(&at.path("value"));
        Value::Null
    });
    b.check_at(|| at.path("value"), &value, Expect::Str);
    b.tag(name, value);
    for (key, value) in map {
        b.undocumented(at.path(&key), value);
    }
}

/// `{segmentId, segmentName}` → a segment; other members stay in its details.
fn segment(b: &mut Builder, at: Item<'_>, item: Value) {
    let map = match item {
        Value::Object(map) if !map.is_empty() => map,
        other => return b.property(at.key(), other, Expect::Object),
    };
    for (key, value) in &map {
        match key.as_str() {
            "segmentId" | "segmentName" => {
                b.check_at(|| at.path(key), value, Expect::Str);
            }
            _ => b.undocumented_warning(&at.path(key)),
        }
    }
    b.segment(common::segment_from(map, "segmentId", Some("segmentName")));
}

#[cfg(test)]
mod tests {
    use super::super::EU_BASE;
    use super::*;
    use crate::vendors::LookupKind;
    use url::Url;

    fn conn(base: &str) -> Connection {
        Connection {
            name: "coho".into(),
            vendor: VendorKind::COHO,
            base_url: Url::parse(base).unwrap(),
            auth_url: None,
        }
    }

    fn url_for(id: &str) -> String {
        let spec = Coho
            .build_request(&conn(EU_BASE), &Lookup::new(LookupKind::Id, id))
            .unwrap();
        spec.url.as_str().to_owned()
    }

    #[test]
    fn request_is_the_documented_one() {
        let spec = Coho
            .build_request(
                &conn("https://app.us.coho.ai/"),
                &Lookup::new(LookupKind::Id, "u-42"),
            )
            .unwrap();
        assert_eq!(spec.method, "GET");
        assert_eq!(
            spec.url.as_str(),
            "https://app.us.coho.ai/api/data/user/u-42"
        );
        assert!(spec.headers.is_empty());
        assert_eq!(
            spec.auth,
            AuthPlacement {
                header: "authorization",
                scheme: Some("Bearer")
            }
        );
        assert_eq!(spec.auth.header_value("tok"), "Bearer tok");
    }

    #[test]
    fn base_override_path_is_a_prefix() {
        let spec = Coho
            .build_request(
                &conn("http://127.0.0.1:9000/some/prefix"),
                &Lookup::new(LookupKind::Id, "7"),
            )
            .unwrap();
        assert_eq!(
            spec.url.as_str(),
            "http://127.0.0.1:9000/some/prefix/api/data/user/7"
        );
    }

    #[test]
    fn hostile_ids_stay_one_path_segment() {
        let cases = [
            ("a/../b", "a%2F..%2Fb"),
            ("../admin", "..%2Fadmin"),
            ("x?y=1#z", "x%3Fy%3D1%23z"),
            ("100%", "100%25"),
            ("%2e%2e", "%252e%252e"),
            ("a b", "a%20b"),
            ("Zoë 李 🎉", "Zo%C3%AB%20%E6%9D%8E%20%F0%9F%8E%89"),
            ("a\r\nb\0c", "a%0D%0Ab%00c"),
            ("...", "..."),
            ("a\\b", "a%5Cb"),
        ];
        for (id, encoded) in cases {
            let url = url_for(id);
            assert_eq!(
                url,
                format!("https://app.coho.ai/api/data/user/{encoded}"),
                "id {id:?}"
            );
            let reparsed = Url::parse(&url).unwrap();
            assert_eq!(reparsed.path_segments().unwrap().count(), 4, "id {id:?}");
            assert_eq!(reparsed.query(), None);
            let last = reparsed.path_segments().unwrap().next_back().unwrap();
            assert_eq!(
                percent_encoding::percent_decode_str(last)
                    .decode_utf8()
                    .unwrap(),
                id
            );
        }
    }

    #[test]
    fn unusable_ids_are_usage_errors() {
        for id in ["", "   ", ".", ".."] {
            let err = Coho
                .build_request(&conn(EU_BASE), &Lookup::new(LookupKind::Id, id))
                .unwrap_err();
            assert_eq!(err.exit_code(), 2, "id {id:?}");
        }
        let err = Coho
            .build_request(&conn(EU_BASE), &Lookup::new(LookupKind::Email, "a@b.c"))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "Coho cannot look users up by email; it supports id — use --by id"
        );
    }

    #[test]
    fn error_message_reads_documented_bodies() {
        let body = br#"{"error": "Unauthorized", "message": "Invalid API key"}"#;
        assert_eq!(
            Coho.error_message(401, body).as_deref(),
            Some("Invalid API key")
        );
        let body = br#"{"error": "Not Found", "message": "User not found"}"#;
        assert_eq!(
            Coho.error_message(404, body).as_deref(),
            Some("User not found")
        );
        assert_eq!(
            Coho.error_message(500, br#"{"error": "Boom"}"#).as_deref(),
            Some("Boom")
        );
        assert_eq!(
            Coho.error_message(500, br#"{"error": "", "message": " "}"#),
            None
        );
        assert_eq!(Coho.error_message(502, b"<html>bad gateway</html>"), None);
        assert_eq!(Coho.error_message(500, b"\xff\xfe\x00"), None);
        assert_eq!(Coho.error_message(500, b"[1,2]"), None);
    }
}

#[cfg(test)]
mod normalize_tests {
    use super::*;
    use crate::profile::{Field, Location, Profile, Segment, ValueHint};
    use serde_json::json;

    fn plain(key: &str, value: Value) -> Field {
        Field::new(key, value)
    }

    fn iso(key: &str, value: &str) -> Field {
        Field::with_hint(key, json!(value), ValueHint::IsoTimestamp)
    }

    /// The doc shows a schema with type names; this is an instance with every documented field.
    fn documented_instance() -> Value {
        json!({
            "userProperties": {
                "userId": "u-42",
                "name": "Zoë Ångström",
                "email": "zoe@example.com",
                "firstVisitTime": "2024-02-28T08:15:00Z",
                "signupTime": "2024-03-01T10:00:00Z",
                "appVersion": "5.2.1",
                "platform": "web",
                "os": "macOS",
                "browser": "Firefox",
                "browserVersion": "123.0",
                "continent": "Europe",
                "city": "Berlin",
                "initialAppVersion": "5.0.0",
                "initialPlatform": "web",
                "initialOs": "Windows",
                "initialBrowser": "Chrome",
                "initialBrowserVersion": "121.0",
                "initialContinent": "Europe",
                "initialCountry": "France",
                "initialCity": "Paris",
                "createdTime": "2024-02-28T08:15:02.123Z",
                "updateTime": "2024-03-04T16:45:00+01:00",
                "country": "Germany",
                "properties": {"company": "Acme", "seats": 12, "beta": true, "teams": ["a", "b"]}
            },
            "calculatedProperties": [
                {"id": "cp-1", "name": "Sessions", "timeframe": 30, "value": 17},
                {"id": "cp-2", "name": "Revenue", "timeframe": 7, "value": 99.5}
            ],
            "tags": [{"key": "plan", "value": "pro"}, {"key": "source", "value": "ads"}],
            "segments": [
                {"segmentId": "seg-1", "segmentName": "Power users"},
                {"segmentId": "seg-2", "segmentName": "EU"}
            ]
        })
    }

    #[test]
    fn documented_instance_is_normalized_field_by_field() {
        let normalized = Coho.normalize(documented_instance()).unwrap();
        let expected = Profile {
            id: Some("u-42".into()),
            display_name: Some("Zoë Ångström".into()),
            email: Some("zoe@example.com".into()),
            kind: Some("user".into()),
            properties: vec![
                iso("firstVisitTime", "2024-02-28T08:15:00Z"),
                iso("signupTime", "2024-03-01T10:00:00Z"),
                plain("appVersion", json!("5.2.1")),
                plain("platform", json!("web")),
                plain("os", json!("macOS")),
                plain("browser", json!("Firefox")),
                plain("browserVersion", json!("123.0")),
                plain("initialAppVersion", json!("5.0.0")),
                plain("initialPlatform", json!("web")),
                plain("initialOs", json!("Windows")),
                plain("initialBrowser", json!("Chrome")),
                plain("initialBrowserVersion", json!("121.0")),
                plain("initialContinent", json!("Europe")),
                plain("initialCountry", json!("France")),
                plain("initialCity", json!("Paris")),
                iso("createdTime", "2024-02-28T08:15:02.123Z"),
                iso("updateTime", "2024-03-04T16:45:00+01:00"),
            ],
            tags: vec![plain("plan", json!("pro")), plain("source", json!("ads"))],
            segments: vec![
                Segment {
                    id: Some("seg-1".into()),
                    name: Some("Power users".into()),
                    details: vec![],
                },
                Segment {
                    id: Some("seg-2".into()),
                    name: Some("EU".into()),
                    details: vec![],
                },
            ],
            attributes: vec![
                plain("company", json!("Acme")),
                plain("seats", json!(12)),
                plain("beta", json!(true)),
                plain("teams", json!(["a", "b"])),
                plain("Sessions", json!(17)),
                plain("Sessions.id", json!("cp-1")),
                Field::with_hint("Sessions.timeframe", json!(30), ValueHint::Days),
                plain("Revenue", json!(99.5)),
                plain("Revenue.id", json!("cp-2")),
                Field::with_hint("Revenue.timeframe", json!(7), ValueHint::Days),
            ],
            location: Location {
                continent: Some("Europe".into()),
                country: Some("Germany".into()),
                city: Some("Berlin".into()),
                ..Location::default()
            },
        };
        assert_eq!(normalized.profile, expected);
        assert_eq!(normalized.warnings, Vec::<String>::new());
    }

    #[test]
    fn created_at_from_some_doc_copies_is_not_a_departure() {
        let body = json!({"userProperties": {"userId": "u", "createdAt": "2024-01-01T00:00:00Z"}});
        let normalized = Coho.normalize(body).unwrap();
        assert_eq!(
            normalized.profile.properties,
            vec![iso("createdAt", "2024-01-01T00:00:00Z")]
        );
        assert!(normalized.warnings.is_empty(), "{:?}", normalized.warnings);
    }

    #[test]
    fn empty_name_falls_back_to_user_id_and_keeps_the_empty_string() {
        let body = json!({"userProperties": {"userId": 123, "name": "", "email": ""}});
        let normalized = Coho.normalize(body).unwrap();
        let p = &normalized.profile;
        assert_eq!(p.id.as_deref(), Some("123"));
        assert_eq!(p.display_name.as_deref(), Some("123"));
        assert_eq!(p.email, None);
        assert_eq!(
            p.properties,
            vec![plain("name", json!("")), plain("email", json!(""))]
        );
        assert_eq!(
            normalized.warnings,
            ["userId: documented as a string, got a number"]
        );
    }

    #[test]
    fn departures_are_warnings_and_nothing_is_dropped() {
        let body = json!({
            "userProperties": {"userId": "u", "signupTime": 1700000000000u64, "city": 7,
                               "favourite": {"x": 1}, "properties": []},
            "calculatedProperties": [{"value": "3", "extra": null}, 5],
            "tags": [{"value": "orphan"}, {"key": "k", "value": 1, "color": "red"}],
            "segments": [{"segmentId": 9, "segmentName": null, "size": 3}, "seg"],
            "meta": {"v": 2}
        });
        let normalized = Coho.normalize(body).unwrap();
        let p = &normalized.profile;
        assert_eq!(
            p.properties,
            vec![
                Field::with_hint(
                    "signupTime",
                    json!(1700000000000u64),
                    ValueHint::IsoTimestamp
                ),
                plain("favourite", json!({"x": 1})),
                plain("userProperties.properties", json!([])),
                plain("calculatedProperties[1]", json!(5)),
                plain("tags[0]", json!({"value": "orphan"})),
                plain("tags[1].color", json!("red")),
                plain("segments[1]", json!("seg")),
                plain("meta", json!({"v": 2})),
            ]
        );
        assert_eq!(p.location.city.as_deref(), Some("7"));
        assert_eq!(
            p.attributes,
            vec![
                plain("calculatedProperties[0].value", json!("3")),
                plain("calculatedProperties[0].extra", json!(null))
            ]
        );
        assert_eq!(p.tags, vec![plain("k", json!(1))]);
        assert_eq!(
            p.segments,
            vec![Segment {
                id: Some("9".into()),
                name: None,
                details: vec![plain("segmentName", json!(null)), plain("size", json!(3))]
            }]
        );
        assert_eq!(
            normalized.warnings,
            [
                "signupTime: documented as an ISO 8601 timestamp, got a number",
                "city: location value is a number, not a string",
                "userProperties.favourite: not in the documented payload",
                "userProperties.properties: documented as an object, got an array",
                "calculatedProperties[0].value: documented as a number, got a string",
                "calculatedProperties[0].extra: not in the documented payload",
                "calculatedProperties[1]: documented as an object, got a number",
                "tags[0]: documented as {key, value} with a string key",
                "tags[1].value: documented as a string, got a number",
                "tags[1].color: not in the documented payload",
                "segments[0].segmentId: documented as a string, got a number",
                "segments[0].size: not in the documented payload",
                "segments[1]: documented as an object, got a string",
                "meta: not in the documented payload",
            ]
        );
    }

    #[test]
    fn missing_user_properties_is_a_warning() {
        let normalized = Coho.normalize(json!({})).unwrap();
        assert_eq!(
            normalized.warnings,
            ["userProperties: required field missing"]
        );
        assert_eq!(normalized.profile.kind.as_deref(), Some("user"));
    }

    #[test]
    fn wrong_top_level_shape_is_refused() {
        let err = Coho.normalize(json!([1])).unwrap_err();
        assert_eq!(err.0, "expected the body to be a JSON object, got an array");
        assert_eq!(
            Coho.normalize(json!(null)).unwrap_err().0,
            "expected the body to be a JSON object, got null"
        );
    }
}
