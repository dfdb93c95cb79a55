//! Property tests: for arbitrary JSON placed into each vendor's documented body shape,
//! `normalize` never panics and loses no leaf (design §3 "Nothing is lost").
//!
//! Cases per property default to 256; `PROPTEST_CASES=5000 cargo test --test normalize_props`
//! raises them.

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

use proptest::prelude::*;
use proptest::test_runner::Config;
use serde_json::{Map, Number, Value};
use userscope::profile::Normalized;
use userscope::vendors::VendorKind;

// ------------------------------------------------------------------------------------------
// Leaves
// ------------------------------------------------------------------------------------------

/// A leaf of a JSON document: scalars (numbers by their text) and empty containers.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Leaf {
    Null,
    Bool(bool),
    Num(String),
    Str(String),
    EmptyArray,
    EmptyObject,
}

fn input_leaves(value: &Value, out: &mut Vec<Leaf>) {
    match value {
        Value::Null => out.push(Leaf::Null),
        Value::Bool(b) => out.push(Leaf::Bool(*b)),
        Value::Number(n) => out.push(Leaf::Num(n.to_string())),
        Value::String(s) => out.push(Leaf::Str(s.clone())),
        Value::Array(items) if items.is_empty() => out.push(Leaf::EmptyArray),
        Value::Object(map) if map.is_empty() => out.push(Leaf::EmptyObject),
        Value::Array(items) => items.iter().for_each(|item| input_leaves(item, out)),
        Value::Object(map) => map.values().for_each(|item| input_leaves(item, out)),
    }
}

/// The leaves of a body. The top-level object and the wrapper's object (Chakra `_data`,
/// Vemetric `user`) are the profile itself, so when empty they are not leaves.
fn body_leaves(vendor: VendorKind, body: &Value) -> Vec<Leaf> {
    let mut out = Vec::new();
    let wrapper = match vendor {
        VendorKind::CHAKRA => Some("_data"),
        VendorKind::VEMETRIC => Some("user"),
        _ => None,
    };
    match body {
        Value::Object(map) => {
            for (key, value) in map {
                match (wrapper, value) {
                    (Some(w), Value::Object(inner)) if w == key => {
                        inner.values().for_each(|v| input_leaves(v, &mut out))
                    }
                    _ => input_leaves(value, &mut out),
                }
            }
        }
        other => input_leaves(other, &mut out),
    }
    out
}

/// Where a leaf can live in the output: identity and location strings, segment ids and
/// names, and every field (its key too: tag names and attribute names are vendor leaves
/// that become keys) with the leaves of its value.
fn output_leaves(normalized: &Normalized) -> HashMap<Leaf, usize> {
    let mut counts = HashMap::new();
    let mut add = |leaf: Leaf| *counts.entry(leaf).or_insert(0) += 1;
    let profile = &normalized.profile;
    let mut fields: Vec<&userscope::profile::Field> = Vec::new();
    fields.extend(&profile.properties);
    fields.extend(&profile.tags);
    fields.extend(&profile.attributes);
    for segment in &profile.segments {
        segment
            .id
            .iter()
            .chain(&segment.name)
            .for_each(|s| add(Leaf::Str(s.clone())));
        fields.extend(&segment.details);
    }
    for field in fields {
        add(Leaf::Str(field.key.clone()));
        let mut leaves = Vec::new();
        input_leaves(&field.value, &mut leaves);
        leaves.into_iter().for_each(&mut add);
    }
    let identity = [
        &profile.id,
        &profile.display_name,
        &profile.email,
        &profile.kind,
    ];
    let location = profile
        .location
        .entries()
        .map(|(_, v)| v.map(str::to_owned));
    for text in identity.into_iter().cloned().chain(location).flatten() {
        add(Leaf::Str(text));
    }
    counts
}

/// Every input leaf is matched by a distinct output leaf; a number may have become its
/// decimal text (an ID or location documented as a string).
fn assert_lossless(
    vendor: VendorKind,
    body: &Value,
    normalized: &Normalized,
) -> Result<(), TestCaseError> {
    let wanted = body_leaves(vendor, body);
    let mut available = output_leaves(normalized);
    for leaf in wanted {
        let mut take = |leaf: &Leaf| match available.get_mut(leaf) {
            Some(n) if *n > 0 => {
                *n -= 1;
                true
            }
            _ => false,
        };
        let found = take(&leaf)
            || match &leaf {
                Leaf::Num(text) => take(&Leaf::Str(text.clone())),
                _ => false,
            };
        prop_assert!(
            found,
            "{vendor}: leaf {leaf:?} lost\nbody: {body}\nprofile: {:#?}",
            normalized.profile
        );
    }
    for warning in &normalized.warnings {
        prop_assert!(
            !warning.chars().any(char::is_control),
            "{vendor}: warning is not one safe line: {warning:?}"
        );
    }
    Ok(())
}

// ------------------------------------------------------------------------------------------
// Arbitrary JSON
// ------------------------------------------------------------------------------------------

fn arb_string() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::collection::vec(any::<char>(), 0..12).prop_map(String::from_iter),
        1 => "[ -~]{0,8}",
        1 => prop_oneof![
            Just(String::new()),
            Just("0".to_owned()),
            Just("null".to_owned()),
            Just("Zoë 李 🎉\u{202E}\r\n\0".to_owned()),
            Just("18446744073709551616123".to_owned()),
        ],
    ]
}

fn arb_scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        Just(Value::from(u64::MAX)),
        any::<f64>()
            .prop_filter_map("finite", Number::from_f64)
            .prop_map(Value::Number),
        arb_string().prop_map(Value::String),
    ]
}

fn arb_json() -> BoxedStrategy<Value> {
    arb_scalar()
        .prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::vec((arb_string(), inner), 0..4)
                    .prop_map(|members| Value::Object(members.into_iter().collect())),
            ]
        })
        .boxed()
}

// ------------------------------------------------------------------------------------------
// Documented shapes
// ------------------------------------------------------------------------------------------

/// The documented shape of a body part: a value of the documented scalar type, an object of
/// documented members, an array of documented items, or a free-form map.
#[derive(Clone)]
enum Shape {
    Str,
    Int,
    Bool,
    Obj(Vec<(&'static str, Shape)>),
    Arr(Box<Shape>),
    Map,
}

fn obj(members: &[(&'static str, Shape)]) -> Shape {
    Shape::Obj(members.to_vec())
}

fn arr(item: Shape) -> Shape {
    Shape::Arr(Box::new(item))
}

fn strs(names: &[&'static str], shape: Shape) -> Vec<(&'static str, Shape)> {
    names.iter().map(|n| (*n, shape.clone())).collect()
}

/// A value for a shape: mostly the documented type, sometimes anything at all (to check the
/// warnings path), sometimes absent (for object members).
fn shaped(shape: &Shape) -> BoxedStrategy<Value> {
    let documented: BoxedStrategy<Value> = match shape {
        Shape::Str => prop_oneof![arb_string().prop_map(Value::String), Just(Value::Null)].boxed(),
        Shape::Int => prop_oneof![
            any::<i64>().prop_map(Value::from),
            Just(Value::from(0)),
            Just(Value::Null)
        ]
        .boxed(),
        Shape::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
        Shape::Map => proptest::collection::vec((arb_string(), arb_json()), 0..5)
            .prop_map(|m| Value::Object(m.into_iter().collect()))
            .boxed(),
        Shape::Arr(item) => proptest::collection::vec(shaped(item), 0..4)
            .prop_map(Value::Array)
            .boxed(),
        Shape::Obj(members) => object(members, true),
    };
    prop_oneof![6 => documented, 1 => arb_json()].boxed()
}

/// An object with each documented member present (documented or arbitrary value) or absent,
/// plus up to three undocumented members.
fn object(members: &[(&'static str, Shape)], extras: bool) -> BoxedStrategy<Value> {
    let members: Vec<BoxedStrategy<Option<(String, Value)>>> = members
        .iter()
        .map(|(name, shape)| {
            let name = name.to_string();
            proptest::option::weighted(0.85, shaped(shape))
                .prop_map(move |value| value.map(|v| (name.clone(), v)))
                .boxed()
        })
        .collect();
    let extra_count = if extras { 0..3usize } else { 0..1usize };
    (
        members,
        proptest::collection::vec((arb_string(), arb_json()), extra_count),
    )
        .prop_map(|(members, extras)| {
            let mut map: Map<String, Value> = members.into_iter().flatten().collect();
            for (key, value) in extras {
                map.entry(key).or_insert(value);
            }
            Value::Object(map)
        })
        .boxed()
}

fn coho_body() -> BoxedStrategy<Value> {
    let mut user = strs(
        &[
            "userId",
            "name",
            "email",
            "appVersion",
            "platform",
            "os",
            "browser",
            "browserVersion",
            "continent",
            "city",
            "initialAppVersion",
            "initialPlatform",
            "initialOs",
            "initialBrowser",
            "initialBrowserVersion",
            "initialContinent",
            "initialCountry",
            "initialCity",
            "country",
            "firstVisitTime",
            "signupTime",
            "createdTime",
            "updateTime",
            "createdAt",
        ],
        Shape::Str,
    );
    user.push(("properties", Shape::Map));
    let calculated = obj(&[
        ("id", Shape::Str),
        ("name", Shape::Str),
        ("timeframe", Shape::Int),
        ("value", Shape::Int),
    ]);
    object(
        &[
            ("userProperties", Shape::Obj(user)),
            ("calculatedProperties", arr(calculated)),
            (
                "tags",
                arr(obj(&[("key", Shape::Str), ("value", Shape::Str)])),
            ),
            (
                "segments",
                arr(obj(&[
                    ("segmentId", Shape::Str),
                    ("segmentName", Shape::Str),
                ])),
            ),
        ],
        true,
    )
}

fn usercom_body() -> BoxedStrategy<Value> {
    let mut members = strs(
        &[
            "first_seen",
            "city",
            "last_contacted",
            "status",
            "chat_id",
            "linkedin_url",
            "facebook_url",
            "gender",
            "last_seen",
            "last_ip",
            "updated_at",
            "gravatar_url",
            "os_type",
            "browser",
            "twitter_url",
            "created_at",
            "name",
            "resolution",
            "timezone",
            "browser_language",
            "country",
            "google_url",
            "key",
            "email",
            "region",
            "phone_number",
        ],
        Shape::Str,
    );
    members.extend(strs(&["id", "page_views", "score"], Shape::Int));
    members.extend(strs(&["notifications", "unsubscribed"], Shape::Bool));
    members.push((
        "tags",
        arr(obj(&[("name", Shape::Str), ("id", Shape::Int)])),
    ));
    members.push((
        "lists",
        arr(obj(&[("id", Shape::Int), ("name", Shape::Str)])),
    ));
    members.push((
        "attributes",
        arr(obj(&[
            ("value", Shape::Str),
            ("name", Shape::Str),
            ("name_std", Shape::Str),
            ("id", Shape::Int),
        ])),
    ));
    object(&members, true)
}

fn foldspace_body() -> BoxedStrategy<Value> {
    let mut members = strs(
        &[
            "id",
            "userType",
            "identifyId",
            "email",
            "name",
            "role",
            "phone",
            "timezone",
            "lastSubscriptionIdentifier",
            "image",
        ],
        Shape::Str,
    );
    members.extend(strs(
        &[
            "leadDate",
            "signUpDate",
            "lastModifiedDate",
            "firstVisitDate",
            "lastSeenDate",
            "numberOfVisits",
            "pqlScore",
        ],
        Shape::Int,
    ));
    members.push(("allSubscriptionIdentifiers", arr(Shape::Str)));
    members.push((
        "location",
        Shape::Obj(strs(
            &[
                "country",
                "region",
                "state",
                "city",
                "postalCode",
                "countryCode",
            ],
            Shape::Str,
        )),
    ));
    members.push(("customAttributes", Shape::Map));
    members.push((
        "products",
        arr(obj(&[("product", Shape::Str), ("environment", Shape::Int)])),
    ));
    object(&members, true)
}

fn chakra_email() -> Shape {
    let mut members = strs(
        &["id", "email", "normalizedEmail", "type", "user"],
        Shape::Str,
    );
    members.extend(strs(&["createdAt", "updatedAt"], Shape::Int));
    members.push(("isVerified", Shape::Bool));
    Shape::Obj(members)
}

fn chakra_body() -> BoxedStrategy<Value> {
    let mut members = strs(
        &[
            "id",
            "username",
            "firstName",
            "lastName",
            "middleName",
            "displayName",
            "gender",
            "bio",
            "profileImageUrl",
            "coverImageUrl",
            "timezone",
            "availabilityStatus",
            "team",
            "role",
            "deletedAt",
            "primaryPhone",
        ],
        Shape::Str,
    );
    members.extend(strs(&["createdAt", "updatedAt", "dob"], Shape::Int));
    members.extend(strs(&["isActive", "isDeleted"], Shape::Bool));
    members.extend(strs(&["data", "onboardingData", "profile"], Shape::Map));
    members.push(("phones", arr(Shape::Str)));
    members.push(("reportees", arr(Shape::Str)));
    members.push(("emails", arr(chakra_email())));
    members.push(("primaryEmail", chakra_email()));
    let data = object(&members, true);
    (
        data,
        proptest::option::of(arb_json()),
        proptest::option::of(arb_json()),
        proptest::collection::vec((arb_string(), arb_json()), 0..2),
    )
        .prop_map(|(data, meta, errors, extras)| {
            let mut top = Map::new();
            top.insert("_data".to_owned(), data);
            meta.map(|m| top.insert("_meta".to_owned(), m));
            errors.map(|e| top.insert("_errors".to_owned(), e));
            for (key, value) in extras {
                top.entry(key).or_insert(value);
            }
            Value::Object(top)
        })
        .boxed()
}

fn vemetric_body() -> BoxedStrategy<Value> {
    let mut members = strs(
        &[
            "id",
            "identifier",
            "displayName",
            "country",
            "city",
            "lastSeenAt",
            "avatarUrl",
        ],
        Shape::Str,
    );
    members.push(("data", Shape::Map));
    members.push(("anonymous", Shape::Bool));
    let user = object(&members, true);
    (
        user,
        proptest::collection::vec((arb_string(), arb_json()), 0..2),
    )
        .prop_map(|(user, extras)| {
            let mut top = Map::new();
            top.insert("user".to_owned(), user);
            for (key, value) in extras {
                top.entry(key).or_insert(value);
            }
            Value::Object(top)
        })
        .boxed()
}

// ------------------------------------------------------------------------------------------
// Properties
// ------------------------------------------------------------------------------------------

fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(256);
    // Failures print the minimal body; no regression files are written into the tree.
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

fn check(vendor: VendorKind, body: Value) -> Result<(), TestCaseError> {
    let normalized = vendor.adapter().normalize(body.clone());
    match normalized {
        Ok(normalized) => assert_lossless(vendor, &body, &normalized),
        Err(e) => Err(TestCaseError::fail(format!(
            "{vendor}: documented shape refused: {e}\nbody: {body}"
        ))),
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn coho_loses_no_leaf(body in coho_body()) {
        check(VendorKind::COHO, body)?;
    }

    #[test]
    fn usercom_loses_no_leaf(body in usercom_body()) {
        check(VendorKind::USERCOM, body)?;
    }

    #[test]
    fn foldspace_loses_no_leaf(body in foldspace_body()) {
        check(VendorKind::FOLDSPACE, body)?;
    }

    #[test]
    fn chakra_loses_no_leaf(body in chakra_body()) {
        check(VendorKind::CHAKRA, body)?;
    }

    #[test]
    fn vemetric_loses_no_leaf(body in vemetric_body()) {
        check(VendorKind::VEMETRIC, body)?;
    }

    /// Any JSON at all: never a panic; an object is a profile (or, for the wrapped vendors,
    /// a wrong shape when the wrapper is missing), anything else is a wrong shape.
    #[test]
    fn any_json_never_panics(body in arb_json()) {
        for vendor in VendorKind::all() {
            let result = vendor.adapter().normalize(body.clone());
            match (&body, vendor) {
                (Value::Object(map), VendorKind::CHAKRA) =>
                    prop_assert_eq!(result.is_ok(), map.get("_data").is_some_and(Value::is_object)),
                (Value::Object(map), VendorKind::VEMETRIC) =>
                    prop_assert_eq!(result.is_ok(), map.get("user").is_some_and(Value::is_object)),
                (Value::Object(_), _) => prop_assert!(result.is_ok()),
                _ => prop_assert!(result.is_err()),
            }
            if let Ok(normalized) = result {
                assert_lossless(vendor, &body, &normalized)?;
            }
        }
    }

    /// Arbitrary bytes as an error body: never a panic, at most one line of ~300 characters.
    #[test]
    fn error_message_never_panics(body in proptest::collection::vec(any::<u8>(), 0..64), json in arb_json(), status in 400u16..600) {
        let json_bytes = serde_json::to_vec(&json).unwrap();
        for vendor in VendorKind::all() {
            for bytes in [&body, &json_bytes] {
                if let Some(message) = vendor.adapter().error_message(status, bytes) {
                    prop_assert!(!message.contains('\n') && !message.is_empty());
                    prop_assert!(message.chars().count() <= 301, "{message}");
                }
            }
        }
    }
}

/// The wrappers carry the user: Chakra's `_meta`/`_errors` and Vemetric's extra members are
/// leaves too, and must land somewhere.
#[test]
fn wrapper_siblings_are_kept() {
    let body =
        serde_json::json!({"_data": {"id": "u"}, "_meta": {"page": 1}, "_errors": [], "x": true});
    let normalized = VendorKind::CHAKRA
        .adapter()
        .normalize(body.clone())
        .unwrap();
    assert_lossless(VendorKind::CHAKRA, &body, &normalized).unwrap();
    let keys: Vec<&str> = normalized
        .profile
        .properties
        .iter()
        .map(|f| f.key.as_str())
        .collect();
    assert_eq!(keys, ["_meta", "_errors", "x"]);
}
