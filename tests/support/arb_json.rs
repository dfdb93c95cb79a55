//! A proptest generator of JSON for fuzzing vendor parsers: numbers at the edges of i64/u64,
//! hostile strings, and object keys that are mostly ones the vendors document, so random
//! bodies often land in documented slots instead of being ignored wholesale.

use proptest::prelude::*;
use serde_json::Value;

use super::hostile::HOSTILE;

/// Short strings: any chars, plain words, the hostile string, empty, a date, an ID.
pub fn arb_string() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,12}",
        "[a-zA-Z0-9_ -]{0,12}",
        Just(HOSTILE.to_owned()),
        Just(String::new()),
        Just("2024-03-01T10:00:00Z".to_owned()),
        Just("u-1001".to_owned()),
    ]
}

/// Any finite number, with the i64/u64 edges, 0, -1 and a millisecond timestamp as likely.
pub fn arb_number() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        Just(Value::from(0)),
        Just(Value::from(i64::MAX)),
        Just(Value::from(i64::MIN)),
        Just(Value::from(u64::MAX)),
        Just(Value::from(1_700_000_000_000i64)),
        Just(Value::from(-1)),
    ]
}

/// Keys the vendors document, so that random JSON often lands in documented slots.
pub const KEYS: &[&str] = &[
    "_data",
    "_meta",
    "_errors",
    "user",
    "userId",
    "id",
    "identifier",
    "identifyId",
    "name",
    "email",
    "displayName",
    "firstName",
    "middleName",
    "lastName",
    "username",
    "userProperties",
    "properties",
    "calculatedProperties",
    "tags",
    "segments",
    "attributes",
    "lists",
    "data",
    "customAttributes",
    "products",
    "location",
    "timezone",
    "country",
    "city",
    "continent",
    "region",
    "userType",
    "anonymous",
    "status",
    "key",
    "value",
    "timeframe",
    "signUpDate",
    "createdAt",
    "lastSeen",
    "team",
    "role",
    "profile",
    "onboardingData",
    "phones",
    "emails",
    "message",
    "error",
    "detail",
    "details",
    "code",
    "field",
    "name_std",
    "countryCode",
];

/// JSON up to 5 levels deep: three in four object keys come from [`KEYS`].
pub fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        arb_number(),
        arb_string().prop_map(Value::from),
    ];
    leaf.prop_recursive(5, 96, 8, |inner| {
        let key = prop_oneof![3 => proptest::sample::select(KEYS).prop_map(str::to_owned), 1 => arb_string()];
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((key, inner), 0..8)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}
