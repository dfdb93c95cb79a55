//! Coho's registry entry, settings, demo data and the checks whose messages name it
//! (moved here from the shared modules so they stay vendor-neutral).

use serde_json::Value;

use super::*;
use crate::vendors::common::{MAX_ID_BYTES, check_kind, check_value};
use crate::vendors::demo_kit::{find, is_rate_limited, users};

fn no_settings(_: &str) -> Option<String> {
    None
}

fn settings<'a>(lookup: &'a dyn Fn(&str) -> Option<String>) -> ConnectionSettings<'a> {
    ConnectionSettings {
        connection: "coho",
        env_stem: "COHO",
        lookup,
    }
}

#[test]
fn kind_error_names_supported_kinds() {
    let err = check_kind(VendorKind::COHO, LookupKind::Email).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Coho cannot look users up by email; it supports id — use --by id"
    );
}

#[test]
fn values_empty_blank_or_too_long_are_refused() {
    let lookup = |v: &str| Lookup::new(LookupKind::Id, v);
    assert!(check_value(VendorKind::COHO, &lookup("")).is_err());
    let err = check_value(VendorKind::COHO, &lookup(" \t")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the id to look up is empty; give the Coho user's id, e.g. `userscope get coho VALUE --by id`"
    );
    assert!(check_value(VendorKind::COHO, &lookup(&"a".repeat(MAX_ID_BYTES))).is_ok());
    let err = check_value(VendorKind::COHO, &lookup(&"a".repeat(MAX_ID_BYTES + 1))).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the id is 2049 bytes long, over the 2048-byte limit; check what was pasted"
    );
}

#[test]
fn region_picks_data_and_auth_hosts() {
    let eu = Coho.endpoint(&settings(&no_settings)).unwrap();
    assert_eq!(eu.base_url.unwrap().as_str(), "https://app.coho.ai/");
    assert_eq!(eu.auth_url.unwrap().as_str(), "https://auth.app.coho.ai/");
    let us_lookup = |key: &str| (key == "region").then(|| " US ".to_owned());
    let us = Coho.endpoint(&settings(&us_lookup)).unwrap();
    assert_eq!(us.base_url.unwrap().as_str(), "https://app.us.coho.ai/");
    assert_eq!(
        us.auth_url.unwrap().as_str(),
        "https://auth.app.us.coho.ai/"
    );
    let bad = |key: &str| (key == "region").then(|| "mars".to_owned());
    let err = Coho.endpoint(&settings(&bad)).unwrap_err();
    assert_eq!(err.to_string(), "unknown Coho region `mars`: use eu or us");
    assert_eq!(err.exit_code(), 2);
    assert_eq!(
        Coho.check_setting("region", "mars").unwrap_err(),
        "unknown Coho region `mars`: use eu or us"
    );
    assert_eq!(Coho.check_setting("region", "eu"), Ok(()));
}

#[test]
fn demo_token_has_the_jwt_shape_and_client_credentials_are_offered() {
    assert_eq!(COHO_DEMO_TOKEN.split('.').count(), 3);
    assert_eq!(
        CohoDemo.client_credentials(),
        Some((COHO_DEMO_CLIENT_ID, COHO_DEMO_SECRET))
    );
    assert!(VendorKind::COHO.accepts_client_credentials());
}

#[test]
fn demo_people_name_their_own_id_and_normalize_without_warnings() {
    let names = ["Hannah Okafor", "u-1002", "李小龙 🎉", "Priya Raman"];
    for (user, name) in users(VendorKind::COHO).iter().zip(names) {
        let body: Value = serde_json::from_str(user.body).unwrap();
        assert_eq!(body["userProperties"]["userId"], user.value);
        assert!(user.also.is_empty());
        let normalized = Coho.normalize(body).unwrap();
        assert_eq!(normalized.warnings, Vec::<String>::new(), "{}", user.value);
        assert_eq!(normalized.profile.display_name.as_deref(), Some(name));
    }
    let big: Value = serde_json::from_str(users(VendorKind::COHO)[3].body).unwrap();
    let count = big["userProperties"]["properties"]
        .as_object()
        .unwrap()
        .len();
    assert!(count >= 300, "{count}");
}

#[test]
fn demo_lookups_match_exactly_and_rate_limit() {
    assert_eq!(find(VendorKind::COHO, LookupKind::Id, "u-1001 "), None);
    assert!(find(VendorKind::COHO, LookupKind::Id, "u-1001").is_some());
    assert!(is_rate_limited(
        VendorKind::COHO,
        LookupKind::Id,
        "rate-limited"
    ));
}
