//! User.com — `GET {base}/api/public/users/search/?key=…` (default), `users/{id}/`,
//! `users/search/?email=…`; `Authorization: Token KEY`, `Accept: */*; version=2`
//! (vendor-docs/usercom-find-user-by-key.txt, notes/vendor-facts.md).

use serde_json::Value;

use crate::error::LookupError;
use crate::profile::Normalized;
use crate::vendors::common::{self, Builder, Expect, Ident, Item, MemberCheck, Place};
use crate::vendors::{
    AuthPlacement, Connection, Lookup, LookupKind, RequestSpec, VendorKind, WrongShape,
};

pub struct Usercom;

pub const AUTH: AuthPlacement = AuthPlacement {
    header: "authorization",
    scheme: Some("Token"),
};

/// The API version header every documented example sends.
pub const ACCEPT: &str = "*/*; version=2";

/// The HTTP side of the adapter; `super` wires it into `VendorAdapter`.
impl Usercom {
    pub(super) fn build_request(
        &self,
        conn: &Connection,
        lookup: &Lookup,
    ) -> Result<RequestSpec, LookupError> {
        common::check_kind(VendorKind::USERCOM, lookup.by)?;
        common::check_value(VendorKind::USERCOM, lookup)?;
        let value = &lookup.value;
        let url = match lookup.by {
            LookupKind::Id => {
                common::check_digits(
                    value,
                    "User.com user ids are numbers; for the cookie value use --by key, for an email --by email",
                )?;
                let path = format!("/api/public/users/{}/", common::encode_segment(value)?);
                common::vendor_url(conn, &path, None)?
            }
            by => {
                let param = if by == LookupKind::Email {
                    "email"
                } else {
                    "key"
                };
                let query = format!("{param}={}", common::encode_query_value(value));
                common::vendor_url(conn, "/api/public/users/search/", Some(&query))?
            }
        };
        Ok(RequestSpec {
            method: "GET",
            url,
            headers: vec![("accept", ACCEPT.to_owned())],
            auth: AUTH,
        })
    }

    /// `attributes` → attributes, `tags` → tags, `lists` → segments, country/region/city/
    /// timezone → location, `status` → kind, the rest → properties.
    pub(super) fn normalize(&self, body: Value) -> Result<Normalized, WrongShape> {
        let body = common::expect_object(body, "the body")?;
        let mut b = Builder::new();
        for (key, value) in body {
            match key.as_str() {
                "id" => b.identity(Ident::Id, &key, value, Expect::Int),
                "name" => b.identity(Ident::DisplayName, &key, value, Expect::Str),
                "email" => b.identity(Ident::Email, &key, value, Expect::Str),
                "status" => b.identity(Ident::Kind, &key, value, Expect::Str),
                "country" => b.location(Place::Country, &key, value),
                "region" => b.location(Place::Region, &key, value),
                "city" => b.location(Place::City, &key, value),
                "timezone" => b.location(Place::Timezone, &key, value),
                "tags" => b.items(&key, value, tag),
                "lists" => b.items(&key, value, list),
                "attributes" => {
                    reserve_for(&mut b.profile.attributes, &value, 3);
                    b.items(&key, value, attribute)
                }
                "created_at" | "updated_at" | "first_seen" | "last_seen" | "last_contacted" => {
                    b.property(key, value, Expect::Iso)
                }
                "notifications" | "unsubscribed" => b.property(key, value, Expect::Bool),
                "page_views" => b.property(key, value, Expect::Int),
                "score" => b.property(key, value, Expect::Num),
                "key" | "chat_id" | "linkedin_url" | "facebook_url" | "gender" | "last_ip"
                | "gravatar_url" | "os_type" | "browser" | "twitter_url" | "resolution"
                | "browser_language" | "google_url" | "phone_number" => {
                    b.property(key, value, Expect::Str)
                }
                _ => b.undocumented(key, value),
            }
        }
        let fallback = b
            .profile
            .email
            .clone()
            .or_else(|| b.property_text("key"))
            .or_else(|| b.profile.id.clone());
        b.fallback(Ident::DisplayName, fallback);
        Ok(b.finish())
    }

    /// Django REST Framework errors are `{"detail": "..."}`; a 500 may be an HTML page,
    /// which gives `None` so the caller reports the status instead of dumping markup.
    pub(super) fn error_message(&self, _status: u16, body: &[u8]) -> Option<String> {
        let map = common::error_object(body)?;
        common::message_member(&map, "detail")
            .or_else(|| common::message_member(&map, "message"))
            .or_else(|| common::message_member(&map, "error"))
    }
}

/// The documented members of a `tags` item (the example: `{"name": "tag", "id": 1441}`).
const TAG: [(&str, Expect); 2] = [("name", Expect::Str), ("id", Expect::Int)];

/// The documented members of an `attributes` item. `value` is whatever the attribute holds
/// (the example has a boolean and a string).
const ATTRIBUTE: [(&str, Expect); 4] = [
    ("value", Expect::Any),
    ("name", Expect::Str),
    ("name_std", Expect::Str),
    ("id", Expect::Int),
];

/// The members of a `lists` item. The doc's example list is empty; lists are named objects
/// with a numeric id like tags, so that is the shape checked.
const LIST: [(&str, Expect); 2] = [("id", Expect::Int), ("name", Expect::Str)];

/// `{name, id}` → tag `NAME` = id (the tag's numeric id). Other shapes stay in properties.
fn tag(b: &mut Builder, at: Item<'_>, item: Value) {
    named_item(b, at, item, "id", &TAG, Builder::tag)
}

/// `{value, name, name_std, id}` → attribute `NAME` = value, then `NAME.name_std` and `NAME.id`.
fn attribute(b: &mut Builder, at: Item<'_>, item: Value) {
    named_item(b, at, item, "value", &ATTRIBUTE, Builder::attribute)
}

/// Shared shape of tags and attributes: an object with a `name`, whose `main` member is
/// stored under the name and whose other members follow as `NAME.member`. Without a usable
/// name (or without a main member to name) the index stands in (`attributes[2].value`).
/// Every member is checked against `schema`: a wrong type or an extra member is a warning
/// naming its path (`attributes[3].id`).
fn named_item(
    b: &mut Builder,
    at: Item<'_>,
    item: Value,
    main: &str,
    schema: &[(&str, Expect)],
    put: fn(&mut Builder, String, Value),
) {
    match item {
        Value::Object(map) if !map.is_empty() => {
            common::named_members(b, at, map, main, MemberCheck::Schema(schema), put)
        }
        other => b.property(at.key(), other, Expect::Object),
    }
}

/// Room for `per_item` fields per array item, so a body with thousands of attributes
/// does not grow (and copy) the list a dozen times.
fn reserve_for(fields: &mut Vec<crate::profile::Field>, value: &Value, per_item: usize) {
    if let Value::Array(items) = value {
        fields.reserve(items.len().saturating_mul(per_item));
    }
}

/// A list the user is on. The shape is not documented (the example is empty); an object's
/// `id`/`name` fill the segment, a bare id is taken as the id.
fn list(b: &mut Builder, at: Item<'_>, item: Value) {
    match item {
        Value::Object(map) if map.is_empty() => {
            b.property(at.key(), Value::Object(map), Expect::Any)
        }
        Value::Object(map) => {
            for (key, value) in &map {
                match LIST.iter().find(|(member, _)| member == key) {
                    Some((_, expect)) => {
                        b.check_at(|| at.path(key), value, *expect);
                    }
                    None => b.undocumented_warning(&at.path(key)),
                }
            }
            b.segment(common::segment_from(map, "id", Some("name")))
        }
        item @ (Value::String(_) | Value::Number(_)) if common::text_of(&item).is_some() => b
            .segment(crate::profile::Segment {
                id: common::into_text(item),
                ..Default::default()
            }),
        other => {
            b.warn(format!(
                "{}: expected a list object or id, got {}",
                at.key(),
                common::type_name(&other)
            ));
            b.profile
                .properties
                .push(crate::profile::Field::new(at.key(), other));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use url::Url;

    fn conn() -> Connection {
        Connection {
            name: "usercom".into(),
            vendor: VendorKind::USERCOM,
            base_url: Url::parse("https://acme.user.com").unwrap(),
            auth_url: None,
        }
    }

    fn url_for(by: LookupKind, value: &str) -> String {
        Usercom
            .build_request(&conn(), &Lookup::new(by, value))
            .unwrap()
            .url
            .as_str()
            .to_owned()
    }

    #[test]
    fn key_lookup_is_the_documented_request() {
        let spec = Usercom
            .build_request(&conn(), &Lookup::new(LookupKind::Key, "g3FaYocCy0U6"))
            .unwrap();
        assert_eq!(spec.method, "GET");
        assert_eq!(
            spec.url.as_str(),
            "https://acme.user.com/api/public/users/search/?key=g3FaYocCy0U6"
        );
        assert_eq!(spec.headers, vec![("accept", "*/*; version=2".to_owned())]);
        assert_eq!(
            spec.auth,
            AuthPlacement {
                header: "authorization",
                scheme: Some("Token")
            }
        );
        assert_eq!(spec.auth.header_value("k"), "Token k");
    }

    #[test]
    fn id_and_email_lookups_keep_trailing_slashes() {
        assert_eq!(
            url_for(LookupKind::Id, "19678376"),
            "https://acme.user.com/api/public/users/19678376/"
        );
        assert_eq!(
            url_for(LookupKind::Email, "jane+test@example.com"),
            "https://acme.user.com/api/public/users/search/?email=jane%2Btest%40example.com"
        );
    }

    #[test]
    fn hostile_values_stay_one_query_value() {
        let cases = [
            ("a/../b", "a%2F..%2Fb"),
            ("../admin", "..%2Fadmin"),
            ("x?y=1#z", "x%3Fy%3D1%23z"),
            ("k&email=x", "k%26email%3Dx"),
            ("100%", "100%25"),
            ("a b", "a%20b"),
            ("Zoë 李 🎉", "Zo%C3%AB%20%E6%9D%8E%20%F0%9F%8E%89"),
            ("a\r\nb\0c", "a%0D%0Ab%00c"),
            (".", "."),
            ("..", ".."),
        ];
        for (key, encoded) in cases {
            let url = url_for(LookupKind::Key, key);
            assert_eq!(
                url,
                format!("https://acme.user.com/api/public/users/search/?key={encoded}"),
                "{key:?}"
            );
            let parsed = Url::parse(&url).unwrap();
            assert_eq!(parsed.path(), "/api/public/users/search/");
            let pairs: Vec<(String, String)> = parsed.query_pairs().into_owned().collect();
            assert_eq!(pairs, vec![("key".to_owned(), key.to_owned())], "{key:?}");
            assert_eq!(parsed.fragment(), None);
        }
    }

    #[test]
    fn non_numeric_id_is_a_usage_error() {
        for id in ["abc", "12a", "../1", "-1", "１２"] {
            let err = Usercom
                .build_request(&conn(), &Lookup::new(LookupKind::Id, id))
                .unwrap_err();
            assert_eq!(
                err.to_string(),
                "User.com user ids are numbers; for the cookie value use --by key, for an email --by email"
            );
            assert_eq!(err.exit_code(), 2);
        }
        let err = Usercom
            .build_request(&conn(), &Lookup::new(LookupKind::Identifier, "x"))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "User.com cannot look users up by identifier; it supports key, id, email — use --by key|id|email"
        );
        assert!(
            Usercom
                .build_request(&conn(), &Lookup::new(LookupKind::Email, " "))
                .is_err()
        );
    }

    #[test]
    fn error_message_reads_drf_detail_and_ignores_html() {
        let body = br#"{"detail": "Invalid token."}"#;
        assert_eq!(
            Usercom.error_message(401, body).as_deref(),
            Some("Invalid token.")
        );
        let body = br#"{"detail": "Request was throttled.\n Expected available in 3 seconds."}"#;
        assert_eq!(
            Usercom.error_message(429, body).as_deref(),
            Some("Request was throttled. Expected available in 3 seconds.")
        );
        let html = b"<!DOCTYPE html><html><body><h1>Server Error (500)</h1></body></html>";
        assert_eq!(Usercom.error_message(500, html), None);
        assert_eq!(Usercom.error_message(404, b""), None);
        assert_eq!(Usercom.error_message(404, br#"{"detail": 5}"#), None);
    }
}

#[cfg(test)]
mod normalize_tests {
    use super::*;
    use crate::profile::{Field, Location, Profile, Segment, ValueHint};
    use serde_json::json;

    /// vendor-docs/usercom-find-user-by-key.txt, "Example response", verbatim.
    const DOC_EXAMPLE: &str = r#"{
"first_seen": null,
"notifications": true,
"city": null,
"tags": [
{
"name": "tag",
"id": 1441
}
],
"last_contacted": null,
"page_views": 0,
"status": "visitor",
"chat_id": "Chat ID is deprecated and will be removed in future",
"linkedin_url": null,
"facebook_url": null,
"gender": "unknown",
"last_seen": null,
"last_ip": null,
"updated_at": "2017-06-07T10:29:15.955873Z",
"gravatar_url": null,
"id": 19678376,
"os_type": null,
"browser": null,
"twitter_url": null,
"lists": [],
"created_at": "2017-06-07T09:41:13.466897Z",
"name": "Jane Doe",
"resolution": null,
"timezone": null,
"unsubscribed": false,
"browser_language": null,
"country": null,
"google_url": null,
"key": "g3FaYocCy0U6",
"email": "example@email.com",
"score": 0,
"attributes": [
{
"value": true,
"name": "Example attr",
"name_std": "example_attr",
"id": 1109
},
{
"value": "attribute value",
"name": "My string attr",
"name_std": "my_string_attr",
"id": 2429
}
],
"region": null,
"phone_number": null
}"#;

    fn plain(key: &str, value: Value) -> Field {
        Field::new(key, value)
    }

    fn iso(key: &str, value: Value) -> Field {
        Field::with_hint(key, value, ValueHint::IsoTimestamp)
    }

    #[test]
    fn doc_example_is_normalized_field_by_field() {
        let body: Value = serde_json::from_str(DOC_EXAMPLE).unwrap();
        let normalized = Usercom.normalize(body).unwrap();
        let expected = Profile {
            id: Some("19678376".into()),
            display_name: Some("Jane Doe".into()),
            email: Some("example@email.com".into()),
            kind: Some("visitor".into()),
            properties: vec![
                iso("first_seen", json!(null)),
                plain("notifications", json!(true)),
                plain("city", json!(null)),
                iso("last_contacted", json!(null)),
                plain("page_views", json!(0)),
                plain(
                    "chat_id",
                    json!("Chat ID is deprecated and will be removed in future"),
                ),
                plain("linkedin_url", json!(null)),
                plain("facebook_url", json!(null)),
                plain("gender", json!("unknown")),
                iso("last_seen", json!(null)),
                plain("last_ip", json!(null)),
                iso("updated_at", json!("2017-06-07T10:29:15.955873Z")),
                plain("gravatar_url", json!(null)),
                plain("os_type", json!(null)),
                plain("browser", json!(null)),
                plain("twitter_url", json!(null)),
                plain("lists", json!([])),
                iso("created_at", json!("2017-06-07T09:41:13.466897Z")),
                plain("resolution", json!(null)),
                plain("timezone", json!(null)),
                plain("unsubscribed", json!(false)),
                plain("browser_language", json!(null)),
                plain("country", json!(null)),
                plain("google_url", json!(null)),
                plain("key", json!("g3FaYocCy0U6")),
                plain("score", json!(0)),
                plain("region", json!(null)),
                plain("phone_number", json!(null)),
            ],
            tags: vec![plain("tag", json!(1441))],
            segments: vec![],
            attributes: vec![
                plain("Example attr", json!(true)),
                plain("Example attr.name_std", json!("example_attr")),
                plain("Example attr.id", json!(1109)),
                plain("My string attr", json!("attribute value")),
                plain("My string attr.name_std", json!("my_string_attr")),
                plain("My string attr.id", json!(2429)),
            ],
            location: Location::default(),
        };
        assert_eq!(normalized.profile, expected);
        assert_eq!(normalized.warnings, Vec::<String>::new());
    }

    #[test]
    fn location_lists_and_fallbacks() {
        let body = json!({
            "id": 7, "name": "", "email": null, "key": "ck", "status": "user",
            "country": "Poland", "region": "Mazovia", "city": "Warsaw", "timezone": "Europe/Warsaw",
            "lists": [{"id": 3, "name": "Newsletter"}, 12, true],
            "attributes": [{"value": 1, "name_std": "no_name"}]
        });
        let normalized = Usercom.normalize(body).unwrap();
        let p = &normalized.profile;
        assert_eq!(p.id.as_deref(), Some("7"));
        assert_eq!(p.display_name.as_deref(), Some("ck"), "name → email → key");
        assert_eq!(p.email, None);
        assert_eq!(
            p.location,
            Location {
                country: Some("Poland".into()),
                region: Some("Mazovia".into()),
                city: Some("Warsaw".into()),
                timezone: Some("Europe/Warsaw".into()),
                ..Location::default()
            }
        );
        assert_eq!(
            p.segments,
            vec![
                Segment {
                    id: Some("3".into()),
                    name: Some("Newsletter".into()),
                    details: vec![]
                },
                Segment {
                    id: Some("12".into()),
                    name: None,
                    details: vec![]
                },
            ]
        );
        assert_eq!(
            p.properties,
            vec![
                plain("name", json!("")),
                plain("email", json!(null)),
                plain("key", json!("ck")),
                plain("lists[2]", json!(true)),
            ]
        );
        assert_eq!(
            p.attributes,
            vec![
                plain("attributes[0].value", json!(1)),
                plain("attributes[0].name_std", json!("no_name"))
            ]
        );
        assert_eq!(
            normalized.warnings,
            ["lists[2]: expected a list object or id, got a boolean"]
        );
    }

    #[test]
    fn display_name_falls_back_to_email_then_id() {
        let normalized = Usercom
            .normalize(json!({"id": 5, "email": "a@b.c"}))
            .unwrap();
        assert_eq!(normalized.profile.display_name.as_deref(), Some("a@b.c"));
        let normalized = Usercom.normalize(json!({"id": 5, "key": ""})).unwrap();
        assert_eq!(normalized.profile.display_name.as_deref(), Some("5"));
    }

    #[test]
    fn departures_are_warnings() {
        let body = json!({"id": "x1", "created_at": "yesterday", "page_views": "3", "vip": true});
        let normalized = Usercom.normalize(body).unwrap();
        assert_eq!(normalized.profile.id.as_deref(), Some("x1"));
        assert_eq!(
            normalized.warnings,
            [
                "id: documented as an integer, got a string",
                "created_at: documented as an ISO 8601 timestamp, got a string that is not one",
                "page_views: documented as an integer, got a string",
                "vip: not in the documented payload",
            ]
        );
        assert_eq!(
            normalized.profile.properties.last(),
            Some(&plain("vip", json!(true)))
        );
    }

    #[test]
    fn wrong_shape_is_refused() {
        assert_eq!(
            Usercom.normalize(json!("text")).unwrap_err().0,
            "expected the body to be a JSON object, got a string"
        );
    }
}
