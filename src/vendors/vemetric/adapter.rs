//! Vemetric — `GET {base}/v1/users/single?id=…` (digits) or `?identifier=…`, exactly one;
//! `Authorization: Bearer KEY`; body wrapped in `user` (vendor-docs/vemetric-get-user.txt).

use serde_json::Value;

use crate::error::LookupError;
use crate::profile::Normalized;
use crate::vendors::common::{self, Builder, Expect, Ident, Place};
use crate::vendors::{
    AuthPlacement, Connection, Lookup, LookupKind, RequestSpec, VendorKind, WrongShape,
};

pub struct Vemetric;

/// The HTTP side of the adapter; `super` wires it into `VendorAdapter`.
impl Vemetric {
    pub(super) fn build_request(
        &self,
        conn: &Connection,
        lookup: &Lookup,
    ) -> Result<RequestSpec, LookupError> {
        common::check_kind(VendorKind::VEMETRIC, lookup.by)?;
        common::check_value(VendorKind::VEMETRIC, lookup)?;
        let param = if lookup.by == LookupKind::Id {
            // The API answers a non-digit id with 400; say so before spending a request.
            common::check_digits(
                &lookup.value,
                "Vemetric ids are all digits; to look up by your own user identifier use --by identifier",
            )?;
            "id"
        } else {
            "identifier"
        };
        let query = format!("{param}={}", common::encode_query_value(&lookup.value));
        Ok(RequestSpec {
            method: "GET",
            url: common::vendor_url(conn, "/v1/users/single", Some(&query))?,
            headers: Vec::new(),
            auth: AuthPlacement::bearer(),
        })
    }

    /// Unwraps `user`: `data` → attributes, `country` (ISO alpha-2) → location.countryCode,
    /// `city` → location.city, `anonymous` → kind `anonymous` / `identified` (the flag itself
    /// stays in properties). The id stays a string: it can exceed 2^63.
    pub(super) fn normalize(&self, body: Value) -> Result<Normalized, WrongShape> {
        let mut top = common::expect_object(body, "the body")?;
        let user = match top.shift_remove("user") {
            Some(user) => common::expect_object(user, "`user`")?,
            None => {
                return Err(WrongShape(
                    "expected the body to wrap the user in `user`, but it has no `user`".to_owned(),
                ));
            }
        };
        let mut b = Builder::new();
        b.require(&user, "", &["id"]);
        for (key, value) in user {
            match key.as_str() {
                "id" => {
                    // The doc only says "string" (example "123"); the digits rule is how the
                    // vendor's API behaves (its open-source server refuses other ids with 400).
                    if let Value::String(id) = &value
                        && !id.bytes().all(|c| c.is_ascii_digit())
                    {
                        b.warn(
                            "id: got other characters than digits; Vemetric's API only accepts digit ids (its server's rule; the doc says string, e.g. \"123\")"
                                .to_owned(),
                        );
                    }
                    b.identity(Ident::Id, &key, value, Expect::Str)
                }
                "displayName" => b.identity(Ident::DisplayName, &key, value, Expect::Str),
                "country" => {
                    if let Value::String(code) = &value
                        && !(code.len() == 2 && code.bytes().all(|c| c.is_ascii_alphabetic()))
                    {
                        b.warn(
                            "country: documented as an ISO 3166 alpha-2 code, got another string"
                                .to_owned(),
                        );
                    }
                    b.location(Place::CountryCode, &key, value)
                }
                "city" => b.location(Place::City, &key, value),
                "lastSeenAt" => {
                    if let Value::String(at) = &value
                        && crate::display::parse_iso(at).is_some()
                        && !is_whole_second_utc(at)
                    {
                        b.warn("lastSeenAt: documented as YYYY-MM-DDTHH:MM:SSZ, got another ISO 8601 form".to_owned());
                    }
                    b.property(key, value, Expect::Iso)
                }
                "data" => b.attribute_map(&key, value, None),
                "anonymous" => b.property(key, value, Expect::Bool),
                "identifier" | "avatarUrl" => b.property(key, value, Expect::Str),
                _ => b.undocumented(key, value),
            }
        }
        for (key, value) in top {
            b.undocumented(key, value);
        }
        let kind = b
            .profile
            .properties
            .iter()
            .find(|f| f.key == "anonymous")
            .and_then(|f| f.value.as_bool())
            .map(|anonymous| if anonymous { "anonymous" } else { "identified" }.to_owned());
        b.fallback(Ident::Kind, kind);
        let name = b
            .property_text("identifier")
            .or_else(|| b.profile.id.clone());
        b.fallback(Ident::DisplayName, name);
        Ok(b.finish())
    }

    /// `{"error": {"code", "message", "details": [{"field", "message"}]}}`; validation details
    /// are listed after the message: `Invalid query (id: must be digits; identifier: …)`.
    /// Both `INTERNAL_SERVER_ERROR` (docs) and `INTERNAL_ERROR` (source) have this shape.
    pub(super) fn error_message(&self, _status: u16, body: &[u8]) -> Option<String> {
        let map = common::error_object(body)?;
        let error = match map.get("error") {
            Some(Value::Object(error)) => error,
            Some(Value::String(s)) => return common::one_line(s),
            _ => return common::message_member(&map, "message"),
        };
        let message = common::message_member(error, "message")
            .or_else(|| common::message_member(error, "code"));
        let details: Vec<String> = match error.get("details") {
            Some(Value::Array(details)) => details.iter().filter_map(detail_text).collect(),
            _ => Vec::new(),
        };
        match (message, details.is_empty()) {
            (Some(m), true) => Some(m),
            (Some(m), false) => common::one_line(&format!("{m} ({})", details.join("; "))),
            (None, false) => common::one_line(&details.join("; ")),
            (None, true) => None,
        }
    }
}

/// The documented pattern `^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$`.
fn is_whole_second_utc(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 20
        && bytes.iter().enumerate().all(|(i, &c)| match i {
            4 | 7 => c == b'-',
            10 => c == b'T',
            13 | 16 => c == b':',
            19 => c == b'Z',
            _ => c.is_ascii_digit(),
        })
}

fn detail_text(detail: &Value) -> Option<String> {
    let detail = detail.as_object()?;
    let message = common::message_member(detail, "message");
    let field = common::message_member(detail, "field");
    match (field, message) {
        (Some(f), Some(m)) => Some(format!("{f}: {m}")),
        (None, Some(m)) => Some(m),
        (Some(f), None) => Some(f),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use url::Url;

    fn conn() -> Connection {
        Connection {
            name: "vemetric".into(),
            vendor: VendorKind::VEMETRIC,
            base_url: Url::parse("https://api.vemetric.com").unwrap(),
            auth_url: None,
        }
    }

    fn url_for(by: LookupKind, value: &str) -> String {
        Vemetric
            .build_request(&conn(), &Lookup::new(by, value))
            .unwrap()
            .url
            .as_str()
            .to_owned()
    }

    #[test]
    fn request_is_the_documented_one() {
        let spec = Vemetric
            .build_request(&conn(), &Lookup::new(LookupKind::Id, "123"))
            .unwrap();
        assert_eq!(spec.method, "GET");
        assert_eq!(
            spec.url.as_str(),
            "https://api.vemetric.com/v1/users/single?id=123"
        );
        assert!(spec.headers.is_empty());
        assert_eq!(spec.auth, AuthPlacement::bearer());
        assert_eq!(
            url_for(LookupKind::Identifier, "your-user-id"),
            "https://api.vemetric.com/v1/users/single?identifier=your-user-id"
        );
        assert_eq!(
            url_for(LookupKind::Id, "18446744073709551616123"),
            "https://api.vemetric.com/v1/users/single?id=18446744073709551616123"
        );
    }

    #[test]
    fn hostile_identifiers_stay_one_query_value() {
        let cases = [
            ("a/../b", "a%2F..%2Fb"),
            ("../admin", "..%2Fadmin"),
            ("x?y=1#z", "x%3Fy%3D1%23z"),
            ("u&id=1", "u%26id%3D1"),
            ("100%", "100%25"),
            ("a b", "a%20b"),
            ("Zoë 李 🎉", "Zo%C3%AB%20%E6%9D%8E%20%F0%9F%8E%89"),
            ("a\r\nb\0c", "a%0D%0Ab%00c"),
            ("..", ".."),
        ];
        for (identifier, encoded) in cases {
            let url = url_for(LookupKind::Identifier, identifier);
            assert_eq!(
                url,
                format!("https://api.vemetric.com/v1/users/single?identifier={encoded}")
            );
            let parsed = Url::parse(&url).unwrap();
            assert_eq!(parsed.path(), "/v1/users/single");
            let pairs: Vec<(String, String)> = parsed.query_pairs().into_owned().collect();
            assert_eq!(
                pairs,
                vec![("identifier".to_owned(), identifier.to_owned())]
            );
        }
    }

    #[test]
    fn non_digit_id_is_refused_before_sending() {
        for id in ["12a", "abc", " 1", "1.0", "-5", "٣"] {
            let err = Vemetric
                .build_request(&conn(), &Lookup::new(LookupKind::Id, id))
                .unwrap_err();
            assert_eq!(
                err.to_string(),
                "Vemetric ids are all digits; to look up by your own user identifier use --by identifier"
            );
            assert_eq!(err.exit_code(), 2);
        }
        let err = Vemetric
            .build_request(&conn(), &Lookup::new(LookupKind::Email, "a@b"))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "Vemetric cannot look users up by email; it supports id, identifier — use --by id|identifier"
        );
    }

    #[test]
    fn error_message_lists_validation_details() {
        let body = br#"{"error":{"code":"VALIDATION_ERROR","message":"Invalid request","details":[{"field":"id","message":"Must contain only digits"},{"field":"identifier","message":"Provide either id or identifier"}]}}"#;
        assert_eq!(
            Vemetric.error_message(400, body).as_deref(),
            Some(
                "Invalid request (id: Must contain only digits; identifier: Provide either id or identifier)"
            )
        );
        let body = br#"{"error":{"code":"UNAUTHORIZED","message":"Invalid API key"}}"#;
        assert_eq!(
            Vemetric.error_message(401, body).as_deref(),
            Some("Invalid API key")
        );
        let body = br#"{"error":{"code":"USER_NOT_FOUND","message":"User not found"}}"#;
        assert_eq!(
            Vemetric.error_message(404, body).as_deref(),
            Some("User not found")
        );
        for code in ["INTERNAL_SERVER_ERROR", "INTERNAL_ERROR"] {
            let body =
                format!(r#"{{"error":{{"code":"{code}","message":"Something went wrong"}}}}"#);
            assert_eq!(
                Vemetric.error_message(500, body.as_bytes()).as_deref(),
                Some("Something went wrong")
            );
            let body = format!(r#"{{"error":{{"code":"{code}"}}}}"#);
            assert_eq!(
                Vemetric.error_message(500, body.as_bytes()).as_deref(),
                Some(code)
            );
        }
        assert_eq!(Vemetric.error_message(500, b"{\"error\":{}}"), None);
        assert_eq!(Vemetric.error_message(500, b"\x00\x01"), None);
    }
}

#[cfg(test)]
mod normalize_tests {
    use super::*;
    use crate::profile::{Field, Location, Profile, ValueHint};
    use serde_json::json;

    /// Every field of vendor-docs/vemetric-get-user.txt with the doc's own example value
    /// (`identifier` has none on the page; the query example `your-user-id` stands in).
    const DOC_EXAMPLE: &str = r#"{"user": {
        "id": "123",
        "identifier": "your-user-id",
        "displayName": "John Doe",
        "country": "US",
        "city": "Berlin",
        "lastSeenAt": "2026-01-19T12:30:00Z",
        "avatarUrl": "https://cdn.example.com/avatar.png",
        "data": {"plan":"pro","company":"Vemetric"},
        "anonymous": false
    }}"#;

    fn plain(key: &str, value: Value) -> Field {
        Field::new(key, value)
    }

    #[test]
    fn doc_example_is_normalized_field_by_field() {
        let body: Value = serde_json::from_str(DOC_EXAMPLE).unwrap();
        let normalized = Vemetric.normalize(body).unwrap();
        let expected = Profile {
            id: Some("123".into()),
            display_name: Some("John Doe".into()),
            email: None,
            kind: Some("identified".into()),
            properties: vec![
                plain("identifier", json!("your-user-id")),
                Field::with_hint(
                    "lastSeenAt",
                    json!("2026-01-19T12:30:00Z"),
                    ValueHint::IsoTimestamp,
                ),
                plain("avatarUrl", json!("https://cdn.example.com/avatar.png")),
                plain("anonymous", json!(false)),
            ],
            tags: vec![],
            segments: vec![],
            attributes: vec![
                plain("plan", json!("pro")),
                plain("company", json!("Vemetric")),
            ],
            location: Location {
                country_code: Some("US".into()),
                city: Some("Berlin".into()),
                ..Location::default()
            },
        };
        assert_eq!(normalized.profile, expected);
        assert_eq!(normalized.warnings, Vec::<String>::new());
    }

    #[test]
    fn anonymous_user_with_nulls_falls_back_to_id() {
        let body = json!({"user": {"id": "98765432109876543210987", "identifier": null, "displayName": null,
                                   "country": null, "city": null, "lastSeenAt": null, "avatarUrl": null,
                                   "data": {}, "anonymous": true}});
        let normalized = Vemetric.normalize(body).unwrap();
        let p = &normalized.profile;
        assert_eq!(
            p.id.as_deref(),
            Some("98765432109876543210987"),
            "ids above 2^63 stay exact"
        );
        assert_eq!(p.display_name.as_deref(), Some("98765432109876543210987"));
        assert_eq!(p.kind.as_deref(), Some("anonymous"));
        assert!(p.location.is_empty());
        assert!(p.attributes.is_empty());
        assert_eq!(
            p.properties.len(),
            8,
            "every null and the empty data are kept: {:?}",
            p.properties
        );
        assert!(normalized.warnings.is_empty(), "{:?}", normalized.warnings);
    }

    #[test]
    fn identifier_is_the_name_fallback_and_numbers_become_text() {
        let body = json!({"user": {"id": 123, "identifier": "cust-9", "displayName": ""}});
        let normalized = Vemetric.normalize(body).unwrap();
        assert_eq!(normalized.profile.id.as_deref(), Some("123"));
        assert_eq!(normalized.profile.display_name.as_deref(), Some("cust-9"));
        assert_eq!(
            normalized.warnings,
            ["id: documented as a string, got a number"]
        );
    }

    #[test]
    fn departures_are_warnings() {
        let body = json!({"user": {"id": "12x", "country": "Germany", "city": ["Berlin"],
                                   "anonymous": "no", "data": [1], "email": "a@b.c"},
                          "meta": 1});
        let normalized = Vemetric.normalize(body).unwrap();
        assert_eq!(
            normalized.profile.location.country_code.as_deref(),
            Some("Germany")
        );
        assert_eq!(normalized.profile.kind, None);
        assert_eq!(
            normalized.warnings,
            [
                "id: got other characters than digits; Vemetric's API only accepts digit ids (its server's rule; the doc says string, e.g. \"123\")",
                "country: documented as an ISO 3166 alpha-2 code, got another string",
                "city: location value is an array, not a string",
                "anonymous: documented as a boolean, got a string",
                "data: documented as an object, got an array",
                "email: not in the documented payload",
                "meta: not in the documented payload",
            ]
        );
        let keys: Vec<&str> = normalized
            .profile
            .properties
            .iter()
            .map(|f| f.key.as_str())
            .collect();
        assert_eq!(keys, ["city", "anonymous", "data", "email", "meta"]);
    }

    #[test]
    fn last_seen_must_be_whole_seconds_utc() {
        for (at, warned) in [
            ("2026-01-19T12:30:00Z", false),
            ("2026-01-19T12:30:00.123Z", true),
            ("2026-01-19T13:30:00+01:00", true),
        ] {
            let body = json!({"user": {"id": "1", "lastSeenAt": at}});
            let warnings = Vemetric.normalize(body).unwrap().warnings;
            let expected: Vec<&str> = if warned {
                vec!["lastSeenAt: documented as YYYY-MM-DDTHH:MM:SSZ, got another ISO 8601 form"]
            } else {
                vec![]
            };
            assert_eq!(warnings, expected, "{at}");
        }
        let body = json!({"user": {"id": "1", "lastSeenAt": "last week"}});
        assert_eq!(
            Vemetric.normalize(body).unwrap().warnings,
            ["lastSeenAt: documented as an ISO 8601 timestamp, got a string that is not one"]
        );
    }

    #[test]
    fn missing_id_and_wrong_shapes() {
        let normalized = Vemetric.normalize(json!({"user": {}})).unwrap();
        assert_eq!(normalized.warnings, ["id: required field missing"]);
        assert_eq!(
            Vemetric.normalize(json!({"id": "1"})).unwrap_err().0,
            "expected the body to wrap the user in `user`, but it has no `user`"
        );
        assert_eq!(
            Vemetric.normalize(json!({"user": "1"})).unwrap_err().0,
            "expected `user` to be a JSON object, got a string"
        );
    }
}
