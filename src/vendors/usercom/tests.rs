//! User.com's registry entry, subdomain setting, key shape, demo data and the checks whose
//! messages name it.

use serde_json::Value;

use super::*;
use crate::vendors::ConnectionSettings;
use crate::vendors::common::check_kind;
use crate::vendors::demo_kit::{find, rate_limited, users};

#[test]
fn kind_error_names_supported_kinds() {
    let err = check_kind(VendorKind::USERCOM, LookupKind::Identifier).unwrap_err();
    assert_eq!(
        err.to_string(),
        "User.com cannot look users up by identifier; it supports key, id, email — use --by key|id|email"
    );
}

#[test]
fn subdomain_is_required_and_must_be_one_label() {
    let none = |_: &str| None;
    let settings = |lookup| ConnectionSettings {
        connection: "acme",
        env_stem: "ACME",
        lookup,
    };
    let err = Usercom
        .endpoint(&settings(&none))
        .unwrap()
        .base_url
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "User.com needs your account subdomain: pass --subdomain, set USERSCOPE_ACME_SUBDOMAIN, or add `subdomain = \"…\"` to [connections.acme] in the config file"
    );
    let evil = |_: &str| Some("evil.com/x".to_owned());
    let err = Usercom
        .endpoint(&settings(&evil))
        .unwrap()
        .base_url
        .unwrap_err();
    assert_eq!(err.exit_code(), 2);
    let acme = |_: &str| Some("Acme".to_owned());
    let endpoint = Usercom.endpoint(&settings(&acme)).unwrap();
    assert_eq!(
        endpoint.base_url.unwrap().as_str(),
        "https://acme.user.com/"
    );
    assert_eq!(endpoint.auth_url, None);
}

#[test]
fn keys_are_64_characters() {
    assert_eq!(Usercom.key_shape_warning(&"a".repeat(64)), None);
    assert_eq!(
        Usercom.key_shape_warning(&"a".repeat(63)).as_deref(),
        Some("User.com API keys are 64 characters long; this one has 63")
    );
    assert_eq!(USERCOM_DEMO_KEY.len(), 64);
    assert!(USERCOM_DEMO_KEY.chars().all(|c| c.is_ascii_alphanumeric()));
}

#[test]
fn demo_people_name_their_own_key_id_and_email() {
    let names = [
        "Jane Doe",
        "Vx7Qm2LpA9sD",
        "Ελένη Παπαδοπούλου 🎉",
        "Marek Nowak",
    ];
    for (user, name) in users(VendorKind::USERCOM).iter().zip(names) {
        let body: Value = serde_json::from_str(user.body).unwrap();
        assert_eq!(body["key"], user.value);
        for (kind, value) in user.also {
            let found = match kind {
                LookupKind::Id => body["id"].to_string(),
                LookupKind::Email => body["email"].as_str().unwrap().to_owned(),
                other => panic!("unexpected alias {other:?}"),
            };
            assert_eq!(&found, value);
        }
        let normalized = Usercom.normalize(body).unwrap();
        assert_eq!(normalized.warnings, Vec::<String>::new(), "{}", user.value);
        assert_eq!(normalized.profile.display_name.as_deref(), Some(name));
    }
    let big: Value = serde_json::from_str(users(VendorKind::USERCOM)[3].body).unwrap();
    assert!(big["attributes"].as_array().unwrap().len() >= 300);
}

#[test]
fn demo_lookups_resolve_aliases_and_nothing_else() {
    let jane = find(
        VendorKind::USERCOM,
        LookupKind::Email,
        "Jane.Doe@BrightPath.io",
    )
    .unwrap();
    assert_eq!(jane.value, "g3FaYocCy0U6");
    assert_eq!(
        find(VendorKind::USERCOM, LookupKind::Id, "19678376"),
        Some(jane)
    );
    assert_eq!(
        find(VendorKind::USERCOM, LookupKind::Id, "g3FaYocCy0U6"),
        None
    );
    assert_eq!(
        find(VendorKind::USERCOM, LookupKind::Key, "g3fayoccy0u6"),
        None
    );
    assert_eq!(
        rate_limited(VendorKind::USERCOM),
        (LookupKind::Key, "rate-limited")
    );
}
