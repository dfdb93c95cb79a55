//! ChakraHQ — `GET {base}/v1/ext/user/{userId}`, `Authorization: Bearer TOKEN`; every body is
//! wrapped in `{_data, _meta, _errors}` (vendor-docs/chakrahq-fetch-user.txt, notes/vendor-facts.md).

use serde_json::Value;

use crate::error::LookupError;
use crate::profile::Normalized;
use crate::vendors::common::{self, Builder, Expect, Ident, Place};
use crate::vendors::{AuthPlacement, Connection, Lookup, RequestSpec, VendorKind, WrongShape};

pub struct Chakra;

/// The HTTP side of the adapter; `super` wires it into `VendorAdapter`.
impl Chakra {
    pub(super) fn build_request(
        &self,
        conn: &Connection,
        lookup: &Lookup,
    ) -> Result<RequestSpec, LookupError> {
        common::check_kind(VendorKind::CHAKRA, lookup.by)?;
        common::check_value(VendorKind::CHAKRA, lookup)?;
        let path = format!("/v1/ext/user/{}", common::encode_segment(&lookup.value)?);
        Ok(RequestSpec {
            method: "GET",
            url: common::vendor_url(conn, &path, None)?,
            headers: Vec::new(),
            auth: AuthPlacement::bearer(),
        })
    }

    /// Unwraps `_data`: `data`, `onboardingData`, `profile` → attributes (`data.KEY`); `team`,
    /// `role` → segments; emails and phones → properties (`emails[0].email`); `timezone` →
    /// location. `_meta` and `_errors` stay in properties. The kind is derived from the flags:
    /// `deleted` when `isDeleted`, else `active` / `inactive` from `isActive` (the flags
    /// themselves stay in properties).
    pub(super) fn normalize(&self, body: Value) -> Result<Normalized, WrongShape> {
        let mut top = common::expect_object(body, "the body")?;
        let data = match top.shift_remove("_data") {
            Some(data) => common::expect_object(data, "`_data`")?,
            None => {
                return Err(WrongShape(
                    "expected the body to wrap the user in `_data`, but it has no `_data`"
                        .to_owned(),
                ));
            }
        };
        let mut b = Builder::new();
        b.require(&data, "", &REQUIRED);
        for (key, value) in data {
            user_field(&mut b, key, value);
        }
        for (key, value) in top {
            match key.as_str() {
                "_meta" => b.property(key, value, Expect::Any),
                "_errors" => {
                    if let Value::Array(errors) = &value {
                        let messages: Vec<String> = errors.iter().filter_map(error_text).collect();
                        if let Some(text) = common::one_line(&messages.join("; ")) {
                            b.warn(format!("_errors: ChakraHQ reported errors: {}", text));
                        }
                    }
                    b.property(key, value, Expect::Array)
                }
                _ => b.undocumented(key, value),
            }
        }
        derive_identity(&mut b);
        Ok(b.finish())
    }

    /// `{"_errors": ["..."]}` or `{"_errors": [{"message": "..."}]}`; all of them, joined.
    pub(super) fn error_message(&self, _status: u16, body: &[u8]) -> Option<String> {
        let map = common::error_object(body)?;
        let messages: Vec<String> = match map.get("_errors") {
            Some(Value::Array(errors)) => errors.iter().filter_map(error_text).collect(),
            Some(other) => error_text(other).into_iter().collect(),
            None => Vec::new(),
        };
        if messages.is_empty() {
            return common::message_member(&map, "message")
                .or_else(|| common::message_member(&map, "error"));
        }
        common::one_line(&messages.join("; "))
    }
}

/// Every member of `_data` in the doc; all are marked required.
const REQUIRED: [&str; 28] = [
    "phones",
    "emails",
    "id",
    "createdAt",
    "updatedAt",
    "username",
    "firstName",
    "lastName",
    "middleName",
    "displayName",
    "gender",
    "dob",
    "bio",
    "profileImageUrl",
    "coverImageUrl",
    "timezone",
    "data",
    "onboardingData",
    "isActive",
    "isDeleted",
    "deletedAt",
    "availabilityStatus",
    "team",
    "role",
    "primaryEmail",
    "primaryPhone",
    "profile",
    "reportees",
];

/// The members of an email object (`emails[i]`, `primaryEmail`).
const EMAIL: [(&str, Expect); 8] = [
    ("id", Expect::Str),
    ("createdAt", Expect::Epoch),
    ("updatedAt", Expect::Epoch),
    ("email", Expect::Str),
    ("normalizedEmail", Expect::Str),
    ("type", Expect::Str),
    ("isVerified", Expect::Bool),
    ("user", Expect::Str),
];

fn user_field(b: &mut Builder, key: String, value: Value) {
    match key.as_str() {
        "id" => b.identity(Ident::Id, &key, value, Expect::Str),
        "displayName" => b.identity(Ident::DisplayName, &key, value, Expect::Str),
        "primaryEmail" => primary_email(b, value),
        "emails" => b.items(&key, value, |b, at, item| {
            b.flatten(&at.key(), item, &EMAIL)
        }),
        "phones" | "reportees" => b.string_items(&key, value),
        "createdAt" | "updatedAt" | "dob" => b.property(key, value, Expect::Epoch),
        "username" | "firstName" | "lastName" | "middleName" | "gender" | "bio"
        | "profileImageUrl" | "coverImageUrl" | "availabilityStatus" => {
            b.property(key, value, Expect::Str)
        }
        "timezone" => b.location(Place::Timezone, &key, value),
        "data" | "onboardingData" | "profile" => b.attribute_map(&key, value, Some(&key)),
        "isActive" | "isDeleted" => b.property(key, value, Expect::Bool),
        "deletedAt" | "primaryPhone" => b.property(key, value, Expect::Any),
        "team" | "role" => membership(b, key, value),
        _ => b.undocumented(key, value),
    }
}

/// `primaryEmail` → its `email` fills the identity, the rest `primaryEmail.MEMBER`. The v2
/// ("humanized") API sends a plain string; that is taken as the email, with a warning.
fn primary_email(b: &mut Builder, value: Value) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, value) in map {
                let path = common::member_key("primaryEmail", &key);
                if key == "email" {
                    b.identity(Ident::Email, &path, value, Expect::Str);
                } else {
                    b.schema_member("primaryEmail", key, value, &EMAIL);
                }
            }
        }
        Value::String(_) => {
            b.check("primaryEmail", &value, Expect::Object);
            b.identity(Ident::Email, "primaryEmail", value, Expect::Any);
        }
        other => b.property("primaryEmail", other, Expect::Object),
    }
}

/// `team` / `role` are UUIDs (names come from `/v1/ext/config`, not fetched here): a segment
/// with that id and `type` team/role in its details.
fn membership(b: &mut Builder, key: String, value: Value) {
    match common::text_of(&value) {
        Some(id) if value.is_string() => b.segment(crate::profile::Segment {
            id: Some(id),
            name: None,
            details: vec![crate::profile::Field::new("type", Value::String(key))],
        }),
        _ => b.property(key, value, Expect::Str),
    }
}

/// Display name `displayName` → `firstName [middleName] lastName` → `username` → `id`; email
/// falls back to the first of `emails`; kind from the active/deleted flags.
fn derive_identity(b: &mut Builder) {
    let full_name: Vec<String> = ["firstName", "middleName", "lastName"]
        .into_iter()
        .filter_map(|key| b.property_text(key))
        .map(|part| part.trim().to_owned())
        .filter(|part| !part.is_empty())
        .collect();
    let fallback = Some(full_name.join(" "))
        .filter(|name| !name.is_empty())
        .or_else(|| b.property_text("username"))
        .or_else(|| b.profile.id.clone());
    b.fallback(Ident::DisplayName, fallback);
    let email = b.property_text("emails[0].email");
    b.fallback(Ident::Email, email);
    let flag = |b: &Builder, key: &str| {
        b.profile
            .properties
            .iter()
            .find(|f| f.key == key)
            .and_then(|f| f.value.as_bool())
    };
    let kind = match (flag(b, "isDeleted"), flag(b, "isActive")) {
        (Some(true), _) => Some("deleted"),
        (_, Some(true)) => Some("active"),
        (_, Some(false)) => Some("inactive"),
        _ => None,
    };
    b.fallback(Ident::Kind, kind.map(str::to_owned));
}

fn error_text(error: &Value) -> Option<String> {
    match error {
        Value::String(s) => common::one_line(s),
        Value::Object(map) => common::message_member(map, "message")
            .or_else(|| common::message_member(map, "error"))
            .or_else(|| common::message_member(map, "code")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vendors::LookupKind;
    use url::Url;

    fn conn() -> Connection {
        Connection {
            name: "chakra".into(),
            vendor: VendorKind::CHAKRA,
            base_url: Url::parse("https://api.chakrahq.com").unwrap(),
            auth_url: None,
        }
    }

    #[test]
    fn request_is_the_documented_one() {
        let lookup = Lookup::new(LookupKind::Id, "9763caa1-cef3-497f-b3b2-f551456b2831");
        let spec = Chakra.build_request(&conn(), &lookup).unwrap();
        assert_eq!(spec.method, "GET");
        assert_eq!(
            spec.url.as_str(),
            "https://api.chakrahq.com/v1/ext/user/9763caa1-cef3-497f-b3b2-f551456b2831"
        );
        assert!(spec.headers.is_empty());
        assert_eq!(spec.auth, AuthPlacement::bearer());
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
            let spec = Chakra
                .build_request(&conn(), &Lookup::new(LookupKind::Id, id))
                .unwrap();
            assert_eq!(
                spec.url.as_str(),
                format!("https://api.chakrahq.com/v1/ext/user/{encoded}"),
                "{id:?}"
            );
        }
        for id in [".", "..", "", " "] {
            assert!(
                Chakra
                    .build_request(&conn(), &Lookup::new(LookupKind::Id, id))
                    .is_err(),
                "{id:?}"
            );
        }
        let err = Chakra
            .build_request(&conn(), &Lookup::new(LookupKind::Key, "k"))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "ChakraHQ cannot look users up by key; it supports id — use --by id"
        );
    }

    #[test]
    fn error_message_reads_errors_list() {
        let body = br#"{"_data": null, "_meta": {}, "_errors": ["User not found"]}"#;
        assert_eq!(
            Chakra.error_message(404, body).as_deref(),
            Some("User not found")
        );
        let body = br#"{"_errors": [{"code": "E401", "message": "Invalid token"}, {"message": "Role lacks access"}]}"#;
        assert_eq!(
            Chakra.error_message(401, body).as_deref(),
            Some("Invalid token; Role lacks access")
        );
        let body = br#"{"_errors": [{"code": "E500"}, 3, null]}"#;
        assert_eq!(Chakra.error_message(500, body).as_deref(), Some("E500"));
        assert_eq!(Chakra.error_message(500, br#"{"_errors": []}"#), None);
        assert_eq!(Chakra.error_message(500, b"<html/>"), None);
    }
}

#[cfg(test)]
mod normalize_tests {
    use super::*;
    use crate::profile::{Field, Location, Profile, Segment, ValueHint};
    use serde_json::json;

    /// vendor-docs/chakrahq-fetch-user.txt, "Example", verbatim.
    const DOC_EXAMPLE: &str = r#"{
"_data": {
"phones": [
"string"
],
"emails": [
{
"id": "string",
"createdAt": 0,
"updatedAt": 0,
"email": "string",
"normalizedEmail": "string",
"type": "string",
"isVerified": true,
"user": "string"
}
],
"id": "string",
"createdAt": 0,
"updatedAt": 0,
"username": "string",
"firstName": "string",
"lastName": "string",
"middleName": "string",
"displayName": "string",
"gender": "string",
"dob": 0,
"bio": "string",
"profileImageUrl": "string",
"coverImageUrl": "string",
"timezone": "string",
"data": null,
"onboardingData": null,
"isActive": true,
"isDeleted": true,
"deletedAt": null,
"availabilityStatus": "string",
"team": "string",
"role": "string",
"primaryEmail": {
"id": "string",
"createdAt": 0,
"updatedAt": 0,
"email": "string",
"normalizedEmail": "string",
"type": "string",
"isVerified": true,
"user": "string"
},
"primaryPhone": null,
"profile": null,
"reportees": [
"string"
]
}
}"#;

    fn plain(key: &str, value: Value) -> Field {
        Field::new(key, value)
    }

    fn epoch(key: &str, value: Value) -> Field {
        Field::with_hint(key, value, ValueHint::EpochMillis)
    }

    fn email_fields(prefix: &str, skip_email: bool) -> Vec<Field> {
        let mut fields = vec![
            plain(&format!("{prefix}.id"), json!("string")),
            epoch(&format!("{prefix}.createdAt"), json!(0)),
            epoch(&format!("{prefix}.updatedAt"), json!(0)),
            plain(&format!("{prefix}.email"), json!("string")),
            plain(&format!("{prefix}.normalizedEmail"), json!("string")),
            plain(&format!("{prefix}.type"), json!("string")),
            plain(&format!("{prefix}.isVerified"), json!(true)),
            plain(&format!("{prefix}.user"), json!("string")),
        ];
        if skip_email {
            fields.remove(3);
        }
        fields
    }

    fn membership(id: &str, kind: &str) -> Segment {
        Segment {
            id: Some(id.into()),
            name: None,
            details: vec![plain("type", json!(kind))],
        }
    }

    #[test]
    fn doc_example_is_normalized_field_by_field() {
        let body: Value = serde_json::from_str(DOC_EXAMPLE).unwrap();
        let normalized = Chakra.normalize(body).unwrap();
        let mut properties = vec![plain("phones[0]", json!("string"))];
        properties.extend(email_fields("emails[0]", false));
        properties.extend([
            epoch("createdAt", json!(0)),
            epoch("updatedAt", json!(0)),
            plain("username", json!("string")),
            plain("firstName", json!("string")),
            plain("lastName", json!("string")),
            plain("middleName", json!("string")),
            plain("gender", json!("string")),
            epoch("dob", json!(0)),
            plain("bio", json!("string")),
            plain("profileImageUrl", json!("string")),
            plain("coverImageUrl", json!("string")),
            plain("data", json!(null)),
            plain("onboardingData", json!(null)),
            plain("isActive", json!(true)),
            plain("isDeleted", json!(true)),
            plain("deletedAt", json!(null)),
            plain("availabilityStatus", json!("string")),
        ]);
        properties.extend(email_fields("primaryEmail", true));
        properties.extend([
            plain("primaryPhone", json!(null)),
            plain("profile", json!(null)),
            plain("reportees[0]", json!("string")),
        ]);
        let expected = Profile {
            id: Some("string".into()),
            display_name: Some("string".into()),
            email: Some("string".into()),
            kind: Some("deleted".into()),
            properties,
            tags: vec![],
            segments: vec![membership("string", "team"), membership("string", "role")],
            attributes: vec![],
            location: Location {
                timezone: Some("string".into()),
                ..Location::default()
            },
        };
        assert_eq!(normalized.profile, expected);
        assert_eq!(normalized.warnings, Vec::<String>::new());
    }

    #[test]
    fn attributes_meta_errors_and_fallbacks() {
        let body = json!({
            "_data": {
                "id": "9763caa1-cef3-497f-b3b2-f551456b2831", "displayName": "",
                "firstName": "Ada", "middleName": "", "lastName": "Lovelace", "username": "ada",
                "isActive": false, "isDeleted": false,
                "data": {"plan": "pro"}, "onboardingData": {}, "profile": {"bio2": {"x": 1}},
                "primaryEmail": null, "emails": [{"email": "ada@example.com"}],
                "team": "", "role": 5
            },
            "_meta": {"requestId": "r-1"},
            "_errors": [{"message": "partial data"}]
        });
        let normalized = Chakra.normalize(body).unwrap();
        let p = &normalized.profile;
        assert_eq!(p.display_name.as_deref(), Some("Ada Lovelace"));
        assert_eq!(
            p.email.as_deref(),
            Some("ada@example.com"),
            "first of emails"
        );
        assert_eq!(p.kind.as_deref(), Some("inactive"));
        assert_eq!(
            p.attributes,
            vec![
                plain("data.plan", json!("pro")),
                plain("profile.bio2", json!({"x": 1}))
            ]
        );
        assert!(p.segments.is_empty());
        let keys: Vec<&str> = p.properties.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "displayName",
                "firstName",
                "middleName",
                "lastName",
                "username",
                "isActive",
                "isDeleted",
                "onboardingData",
                "primaryEmail",
                "emails[0].email",
                "team",
                "role",
                "_meta",
                "_errors"
            ]
        );
        assert_eq!(
            p.properties[12],
            plain("_meta", json!({"requestId": "r-1"}))
        );
        assert_eq!(normalized.warnings.len(), 15, "{:?}", normalized.warnings);
        assert_eq!(normalized.warnings[0], "phones: required field missing");
        assert_eq!(
            normalized.warnings[13],
            "role: documented as a string, got a number"
        );
        assert_eq!(
            normalized.warnings[14],
            "_errors: ChakraHQ reported errors: partial data"
        );
    }

    #[test]
    fn name_falls_back_to_username_then_id() {
        let normalized = Chakra
            .normalize(json!({"_data": {"id": "u1", "username": "neo"}}))
            .unwrap();
        assert_eq!(normalized.profile.display_name.as_deref(), Some("neo"));
        let normalized = Chakra
            .normalize(json!({"_data": {"id": "u1", "firstName": " "}}))
            .unwrap();
        assert_eq!(normalized.profile.display_name.as_deref(), Some("u1"));
        assert_eq!(normalized.profile.kind, None);
    }

    #[test]
    fn primary_email_as_a_string_is_taken_with_a_warning() {
        let normalized = Chakra
            .normalize(json!({"_data": {"primaryEmail": "v2@example.com"}}))
            .unwrap();
        assert_eq!(normalized.profile.email.as_deref(), Some("v2@example.com"));
        assert!(
            normalized
                .warnings
                .contains(&"primaryEmail: documented as an object, got a string".to_owned()),
            "{:?}",
            normalized.warnings
        );
    }

    #[test]
    fn wrapper_must_hold_an_object() {
        assert_eq!(
            Chakra.normalize(json!({"id": "x"})).unwrap_err().0,
            "expected the body to wrap the user in `_data`, but it has no `_data`"
        );
        assert_eq!(
            Chakra.normalize(json!({"_data": [1]})).unwrap_err().0,
            "expected `_data` to be a JSON object, got an array"
        );
        assert_eq!(
            Chakra
                .normalize(json!({"_data": null, "_errors": ["x"]}))
                .unwrap_err()
                .0,
            "expected `_data` to be a JSON object, got null"
        );
        assert_eq!(
            Chakra.normalize(json!(3)).unwrap_err().0,
            "expected the body to be a JSON object, got a number"
        );
    }
}
