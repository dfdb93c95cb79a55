//! Foldspace — `GET {base}/v1/user/{identifyId}`, `X-FOLDSPACE-API-KEY: KEY`
//! (vendor-docs/foldspace-get-user.txt, notes/vendor-facts.md).

use serde_json::Value;

use crate::error::LookupError;
use crate::profile::Normalized;
use crate::vendors::common::{self, Builder, Expect, Ident, Item, Place};
use crate::vendors::{AuthPlacement, Connection, Lookup, RequestSpec, VendorKind, WrongShape};

pub struct Foldspace;

/// The key travels in a custom header, bare (no scheme word).
pub const AUTH: AuthPlacement = AuthPlacement {
    header: "x-foldspace-api-key",
    scheme: None,
};

/// The HTTP side of the adapter; `super` wires it into `VendorAdapter`.
impl Foldspace {
    pub(super) fn build_request(
        &self,
        conn: &Connection,
        lookup: &Lookup,
    ) -> Result<RequestSpec, LookupError> {
        common::check_kind(VendorKind::FOLDSPACE, lookup.by)?;
        common::check_value(VendorKind::FOLDSPACE, lookup)?;
        let path = format!("/v1/user/{}", common::encode_segment(&lookup.value)?);
        Ok(RequestSpec {
            method: "GET",
            url: common::vendor_url(conn, &path, None)?,
            headers: Vec::new(),
            auth: AUTH,
        })
    }

    /// `customAttributes` → attributes, `products` → segments, `location` + `timezone` →
    /// location, `userType` → kind, epoch-millisecond dates → properties.
    pub(super) fn normalize(&self, body: Value) -> Result<Normalized, WrongShape> {
        let body = common::expect_object(body, "the body")?;
        let mut b = Builder::new();
        b.require(&body, "", &["userType", "identifyId"]);
        for (key, value) in body {
            check_limits(&mut b, &key, &value);
            match key.as_str() {
                "id" => b.identity(Ident::Id, &key, value, Expect::Str),
                "userType" => {
                    check_user_type(&mut b, &value);
                    b.identity(Ident::Kind, &key, value, Expect::Str)
                }
                "email" => b.identity(Ident::Email, &key, value, Expect::Str),
                "name" => b.identity(Ident::DisplayName, &key, value, Expect::Str),
                "timezone" => b.location(Place::Timezone, &key, value),
                "location" => location(&mut b, value),
                "customAttributes" => b.attribute_map(&key, value, None),
                "products" => b.items(&key, value, product),
                "allSubscriptionIdentifiers" => b.string_items(&key, value),
                "leadDate" | "signUpDate" | "lastModifiedDate" | "firstVisitDate"
                | "lastSeenDate" => b.property(key, value, Expect::Epoch),
                "numberOfVisits" => b.property(key, value, Expect::Int),
                "pqlScore" => b.property(key, value, Expect::Num),
                "identifyId" | "role" | "phone" | "lastSubscriptionIdentifier" | "image" => {
                    b.property(key, value, Expect::Str)
                }
                _ => b.undocumented(key, value),
            }
        }
        let fallback = b
            .profile
            .email
            .clone()
            .or_else(|| b.property_text("identifyId"));
        b.fallback(Ident::DisplayName, fallback);
        Ok(b.finish())
    }

    /// Documented: `{"error": "User not found"}` (401, 404, 429, 500).
    pub(super) fn error_message(&self, _status: u16, body: &[u8]) -> Option<String> {
        let map = common::error_object(body)?;
        common::message_member(&map, "error").or_else(|| common::message_member(&map, "message"))
    }
}

const USER_TYPES: [&str; 3] = ["ANONYMOUS", "LEAD", "USER"];

/// The documented limits of top-level fields: lengths, the name pattern, list sizes and
/// uniqueness, the PQL score range. Each breach is a warning; the value is kept as sent.
fn check_limits(b: &mut Builder, key: &str, value: &Value) {
    let max = match key {
        "identifyId" | "email" | "name" | "role" | "lastSubscriptionIdentifier" | "image" => 255,
        "phone" => 20,
        "timezone" => 50,
        "allSubscriptionIdentifiers" => return check_list(b, key, value, 100),
        "products" => return check_list(b, key, value, 20),
        "pqlScore" => {
            if let Some(score) = value.as_f64()
                && !(0.0..=100.0).contains(&score)
            {
                b.warn(format!("pqlScore: documented as 0.0 to 100.0, got {score}"));
            }
            return;
        }
        _ => return,
    };
    common::check_max_chars(b, key, value, max);
    if key == "name"
        && let Value::String(name) = value
        && !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | ' ' | '-' | '(' | ')'))
    {
        b.warn("name: documented as letters, digits, spaces and _-() only".to_owned());
    }
}

/// A documented list with at most `max` unique items.
fn check_list(b: &mut Builder, key: &str, value: &Value, max: usize) {
    let Value::Array(items) = value else { return };
    if items.len() > max {
        b.warn(format!(
            "{key}: documented as at most {max} items, got {}",
            items.len()
        ));
    }
    // Pairwise is fine within the documented sizes; past them it is already a warning, and
    // a hostile body with 100k items must not cost 10^10 comparisons.
    let duplicated = items.len() <= max
        && items
            .iter()
            .enumerate()
            .any(|(i, item)| items[..i].contains(item));
    if duplicated {
        b.warn(format!("{key}: documented as unique items, got duplicates"));
    }
}

fn check_user_type(b: &mut Builder, value: &Value) {
    if let Value::String(text) = value
        && !USER_TYPES.contains(&text.as_str())
    {
        b.warn(format!(
            "userType: unknown value \"{}\" (documented: ANONYMOUS, LEAD, USER)",
            common::one_line(text).unwrap_or_default()
        ));
    }
}

/// `location` (may be null) → the location section; undocumented members stay in properties.
fn location(b: &mut Builder, value: Value) {
    let map = match value {
        Value::Object(map) if !map.is_empty() => map,
        other => return b.property("location", other, Expect::Object),
    };
    for (key, value) in map {
        let path = common::member_key("location", &key);
        let place = match key.as_str() {
            "country" => Place::Country,
            "region" => Place::Region,
            "state" => Place::State,
            "city" => Place::City,
            "postalCode" => Place::PostalCode,
            "countryCode" => Place::CountryCode,
            _ => {
                b.undocumented(path, value);
                continue;
            }
        };
        let max = if place == Place::CountryCode { 8 } else { 128 };
        common::check_max_chars(b, &path, &value, max);
        b.location(place, &path, value);
    }
}

/// The documented environment codes: 1=prod, 2=stage, 3=test, 4=dev.
fn environment_label(code: &Value) -> Option<&'static str> {
    match code.as_i64()? {
        1 => Some("prod"),
        2 => Some("stage"),
        3 => Some("test"),
        4 => Some("dev"),
        _ => None,
    }
}

/// `{product, environment}` → a segment whose id is the product code and whose name says
/// the environment in words (`X7B69NRTTBM7 (prod)`); the raw environment number stays in
/// its details, so JSON keeps what the vendor sent. An undocumented number gets no label
/// (the range warning says why) and the segment stays unnamed.
fn product(b: &mut Builder, at: Item<'_>, item: Value) {
    let map = match item {
        Value::Object(map) if !map.is_empty() => map,
        other => return b.property(at.key(), other, Expect::Object),
    };
    for (key, value) in &map {
        match key.as_str() {
            "product" => {
                b.check_at(|| at.path(key), value, Expect::Str);
                common::check_max_chars(b, &at.path(key), value, 16);
            }
            "environment" => {
                if b.check_at(|| at.path(key), value, Expect::Int)
                    && let Some(n) = value.as_i64()
                    && !(1..=4).contains(&n)
                {
                    b.warn(format!("{}: documented as 1 to 4, got {n}", at.path(key)));
                }
            }
            _ => b.undocumented_warning(&at.path(key)),
        }
    }
    let label = map.get("environment").and_then(environment_label);
    let mut segment = common::segment_from(map, "product", None);
    segment.name = match (&segment.id, label) {
        (Some(product), Some(label)) => Some(format!("{product} ({label})")),
        (None, Some(label)) => Some(label.to_owned()),
        (_, None) => None,
    };
    b.segment(segment);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vendors::LookupKind;
    use url::Url;

    fn conn() -> Connection {
        Connection {
            name: "foldspace".into(),
            vendor: VendorKind::FOLDSPACE,
            base_url: Url::parse("https://api.foldspace.ai").unwrap(),
            auth_url: None,
        }
    }

    #[test]
    fn request_is_the_documented_one() {
        let lookup = Lookup::new(LookupKind::Identifier, "bTMwUidOQiZhMazBDWGAAmuRnu9N2");
        let spec = Foldspace.build_request(&conn(), &lookup).unwrap();
        assert_eq!(spec.method, "GET");
        assert_eq!(
            spec.url.as_str(),
            "https://api.foldspace.ai/v1/user/bTMwUidOQiZhMazBDWGAAmuRnu9N2"
        );
        assert!(spec.headers.is_empty());
        assert_eq!(
            spec.auth,
            AuthPlacement {
                header: "x-foldspace-api-key",
                scheme: None
            }
        );
        assert_eq!(spec.auth.header_value("k"), "k");
    }

    #[test]
    fn hostile_ids_stay_one_path_segment() {
        let cases = [
            ("a/../b", "a%2F..%2Fb"),
            ("../admin", "..%2Fadmin"),
            ("x?y=1#z", "x%3Fy%3D1%23z"),
            ("100%", "100%25"),
            ("a b", "a%20b"),
            ("Zoë 李 🎉", "Zo%C3%AB%20%E6%9D%8E%20%F0%9F%8E%89"),
            ("a\r\nb\0c", "a%0D%0Ab%00c"),
        ];
        for (id, encoded) in cases {
            let spec = Foldspace
                .build_request(&conn(), &Lookup::new(LookupKind::Identifier, id))
                .unwrap();
            assert_eq!(
                spec.url.as_str(),
                format!("https://api.foldspace.ai/v1/user/{encoded}"),
                "{id:?}"
            );
        }
        for id in [".", "..", "", "\n"] {
            let err = Foldspace
                .build_request(&conn(), &Lookup::new(LookupKind::Identifier, id))
                .unwrap_err();
            assert_eq!(err.exit_code(), 2, "{id:?}");
        }
        let err = Foldspace
            .build_request(&conn(), &Lookup::new(LookupKind::Id, "1"))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "Foldspace cannot look users up by id; it supports identifier — use --by identifier"
        );
    }

    #[test]
    fn error_message_reads_documented_bodies() {
        for (status, text) in [
            (401, "Unauthorized"),
            (404, "User not found"),
            (429, "Rate limit exceeded for subscription"),
            (500, "Internal server error"),
        ] {
            let body = serde_json::json!({ "error": text }).to_string();
            assert_eq!(
                Foldspace.error_message(status, body.as_bytes()).as_deref(),
                Some(text)
            );
        }
        assert_eq!(Foldspace.error_message(500, b"\"oops\""), None);
        assert_eq!(Foldspace.error_message(500, b"not json"), None);
    }
}

#[cfg(test)]
mod normalize_tests {
    use super::*;
    use crate::profile::{Field, Location, Profile, Segment, ValueHint};
    use serde_json::json;

    /// vendor-docs/foldspace-get-user.txt, "Example Response", verbatim.
    const DOC_EXAMPLE: &str = r#"{
"id": "f63d4158-0171-4f0d-bc62-29112c0fc82c",
"userType": "USER",
"identifyId": "bTMwUidOQiZhMazBDWGAAmuRnu9N2",
"email": "alice.johnson@foldspace.io",
"name": "Alice Johnson",
"role": null,
"phone": null,
"timezone": null,
"leadDate": null,
"signUpDate": 1734539909141,
"lastModifiedDate": 1731863535216,
"firstVisitDate": 1734539909141,
"lastSeenDate": 1731863535216,
"lastSubscriptionIdentifier": "3a7d6f3b-8f1e-46b5-8731-c3e981e9abf7",
"allSubscriptionIdentifiers": [
"3a7d6f3b-8f1e-46b5-8731-c3e981e9abf7",
"562e6da7-13ad-4c16-adfc-572932ed3749"
],
"location": null,
"customAttributes": {
"key1": "value1",
"key2": 6
},
"products": [
{
"product": "X7B69NRTTBM7",
"environment": 1
}
],
"numberOfVisits": 77,
"image": "https://lh3.googleusercontent.com/a/AcBcqILXSthaPBfUYlnMPF9msfBbPUojM0_BYjtq0dG8vJshWF_wg=s96-c",
"pqlScore": null
}"#;

    fn plain(key: &str, value: Value) -> Field {
        Field::new(key, value)
    }

    fn epoch(key: &str, value: Value) -> Field {
        Field::with_hint(key, value, ValueHint::EpochMillis)
    }

    #[test]
    fn doc_example_is_normalized_field_by_field() {
        let body: Value = serde_json::from_str(DOC_EXAMPLE).unwrap();
        let normalized = Foldspace.normalize(body).unwrap();
        let expected = Profile {
            id: Some("f63d4158-0171-4f0d-bc62-29112c0fc82c".into()),
            display_name: Some("Alice Johnson".into()),
            email: Some("alice.johnson@foldspace.io".into()),
            kind: Some("USER".into()),
            properties: vec![
                plain("identifyId", json!("bTMwUidOQiZhMazBDWGAAmuRnu9N2")),
                plain("role", json!(null)),
                plain("phone", json!(null)),
                plain("timezone", json!(null)),
                epoch("leadDate", json!(null)),
                epoch("signUpDate", json!(1734539909141u64)),
                epoch("lastModifiedDate", json!(1731863535216u64)),
                epoch("firstVisitDate", json!(1734539909141u64)),
                epoch("lastSeenDate", json!(1731863535216u64)),
                plain(
                    "lastSubscriptionIdentifier",
                    json!("3a7d6f3b-8f1e-46b5-8731-c3e981e9abf7"),
                ),
                plain(
                    "allSubscriptionIdentifiers[0]",
                    json!("3a7d6f3b-8f1e-46b5-8731-c3e981e9abf7"),
                ),
                plain(
                    "allSubscriptionIdentifiers[1]",
                    json!("562e6da7-13ad-4c16-adfc-572932ed3749"),
                ),
                plain("location", json!(null)),
                plain("numberOfVisits", json!(77)),
                plain(
                    "image",
                    json!(
                        "https://lh3.googleusercontent.com/a/AcBcqILXSthaPBfUYlnMPF9msfBbPUojM0_BYjtq0dG8vJshWF_wg=s96-c"
                    ),
                ),
                plain("pqlScore", json!(null)),
            ],
            tags: vec![],
            segments: vec![Segment {
                id: Some("X7B69NRTTBM7".into()),
                name: Some("X7B69NRTTBM7 (prod)".into()),
                details: vec![plain("environment", json!(1))],
            }],
            attributes: vec![plain("key1", json!("value1")), plain("key2", json!(6))],
            location: Location::default(),
        };
        assert_eq!(normalized.profile, expected);
        assert_eq!(normalized.warnings, Vec::<String>::new());
    }

    #[test]
    fn location_object_and_timezone_fill_the_location() {
        let body = json!({
            "userType": "LEAD", "identifyId": "lead-1", "timezone": "Asia/Tokyo",
            "location": {"country": "Japan", "region": "Kanto", "state": "Tokyo", "city": "Shibuya",
                         "postalCode": "150-0002", "countryCode": "JP", "geo": [35.6, 139.7]}
        });
        let normalized = Foldspace.normalize(body).unwrap();
        assert_eq!(
            normalized.profile.location,
            Location {
                continent: None,
                country: Some("Japan".into()),
                country_code: Some("JP".into()),
                region: Some("Kanto".into()),
                state: Some("Tokyo".into()),
                city: Some("Shibuya".into()),
                postal_code: Some("150-0002".into()),
                timezone: Some("Asia/Tokyo".into()),
            }
        );
        assert_eq!(
            normalized.profile.display_name.as_deref(),
            Some("lead-1"),
            "name → email → identifyId"
        );
        assert_eq!(
            normalized.profile.properties.last(),
            Some(&plain("location.geo", json!([35.6, 139.7])))
        );
        assert_eq!(
            normalized.warnings,
            ["location.geo: not in the documented payload"]
        );
    }

    #[test]
    fn departures_are_warnings() {
        let body = json!({
            "userType": "ADMIN", "signUpDate": "2024-12-18", "products": [{"product": "P", "environment": 9}],
            "customAttributes": {}, "email": "", "name": null
        });
        let normalized = Foldspace.normalize(body).unwrap();
        let p = &normalized.profile;
        assert_eq!(p.kind.as_deref(), Some("ADMIN"));
        assert_eq!(p.display_name, None);
        assert_eq!(
            p.properties,
            vec![
                epoch("signUpDate", json!("2024-12-18")),
                plain("customAttributes", json!({})),
                plain("email", json!("")),
                plain("name", json!(null)),
            ]
        );
        assert_eq!(
            normalized.warnings,
            [
                "identifyId: required field missing",
                "userType: unknown value \"ADMIN\" (documented: ANONYMOUS, LEAD, USER)",
                "signUpDate: documented as epoch milliseconds, got a string",
                "products[0].environment: documented as 1 to 4, got 9",
            ]
        );
    }

    #[test]
    fn documented_limits_are_warnings() {
        let body = json!({
            "userType": "USER", "identifyId": "x".repeat(256), "name": "Zoë 🎉", "phone": "+".repeat(21),
            "timezone": "t".repeat(51), "pqlScore": 100.5,
            "allSubscriptionIdentifiers": ["a", "b", "a"],
            "products": [{"product": "P".repeat(17), "environment": 2}],
            "location": {"countryCode": "ABCDEFGHI", "city": "c".repeat(129)}
        });
        let normalized = Foldspace.normalize(body).unwrap();
        assert_eq!(
            normalized.profile.display_name.as_deref(),
            Some("Zoë 🎉"),
            "kept as sent"
        );
        assert_eq!(
            normalized.warnings,
            [
                "identifyId: documented as at most 255 characters, got 256",
                "name: documented as letters, digits, spaces and _-() only",
                "phone: documented as at most 20 characters, got 21",
                "timezone: documented as at most 50 characters, got 51",
                "pqlScore: documented as 0.0 to 100.0, got 100.5",
                "allSubscriptionIdentifiers: documented as unique items, got duplicates",
                "products[0].product: documented as at most 16 characters, got 17",
                "location.countryCode: documented as at most 8 characters, got 9",
                "location.city: documented as at most 128 characters, got 129",
            ]
        );
    }

    #[test]
    fn oversized_lists_are_warned_without_quadratic_work() {
        let ids: Vec<String> = (0..100_000).map(|i| format!("sub-{i}")).collect();
        let body =
            json!({"userType": "USER", "identifyId": "x", "allSubscriptionIdentifiers": ids});
        let normalized = Foldspace.normalize(body).unwrap();
        assert_eq!(
            normalized.warnings,
            ["allSubscriptionIdentifiers: documented as at most 100 items, got 100000"]
        );
        assert_eq!(normalized.profile.properties.len(), 100_001);
    }

    #[test]
    fn missing_user_type_and_wrong_shape() {
        let normalized = Foldspace.normalize(json!({"identifyId": "x"})).unwrap();
        assert_eq!(normalized.warnings, ["userType: required field missing"]);
        assert_eq!(
            Foldspace
                .normalize(json!([{"identifyId": "x"}]))
                .unwrap_err()
                .0,
            "expected the body to be a JSON object, got an array"
        );
    }
}
