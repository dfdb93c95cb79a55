//! Vemetric's registry entry, key shape and demo data.

use serde_json::Value;

use super::*;
use crate::vendors::demo_kit::{find, is_rate_limited, users};

#[test]
fn keys_want_prefix_and_32_lowercase_alphanumerics() {
    let good = format!("vem_{}", "a1".repeat(16));
    assert_eq!(Vemetric.key_shape_warning(&good), None);
    let upper = format!("vem_{}", "A1".repeat(16));
    let short = "vem_abc".to_owned();
    let no_prefix = "a1".repeat(18);
    for bad in [&upper, &short, &no_prefix] {
        let warning = Vemetric.key_shape_warning(bad).expect("a warning");
        assert!(
            !warning.contains(bad.as_str()),
            "the warning must not echo the key"
        );
    }
    assert!(
        Vemetric
            .key_shape_warning(&no_prefix)
            .unwrap()
            .contains("no vem_ prefix")
    );
    let vem = VEMETRIC_DEMO_KEY.strip_prefix("vem_").unwrap();
    assert_eq!(vem.len(), 32);
    assert!(
        vem.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    );
}

#[test]
fn demo_people_name_their_own_id_and_identifier() {
    let names = ["John Carter", "1001", "山田 花子 🌸", "Load Test Account"];
    for (user, name) in users(VendorKind::VEMETRIC).iter().zip(names) {
        let body: Value = serde_json::from_str(user.body).unwrap();
        assert_eq!(body["user"]["id"], user.value);
        for (kind, value) in user.also {
            assert_eq!(*kind, LookupKind::Identifier);
            assert_eq!(body["user"]["identifier"].as_str(), Some(*value));
        }
        let normalized = Vemetric.normalize(body).unwrap();
        assert_eq!(normalized.warnings, Vec::<String>::new(), "{}", user.value);
        assert_eq!(normalized.profile.display_name.as_deref(), Some(name));
    }
    let big: Value = serde_json::from_str(users(VendorKind::VEMETRIC)[3].body).unwrap();
    assert!(big["user"]["data"].as_object().unwrap().len() >= 300);
}

#[test]
fn ids_compare_numerically_and_rate_limit() {
    let big = find(
        VendorKind::VEMETRIC,
        LookupKind::Id,
        "0018446744073709551557",
    )
    .unwrap();
    assert_eq!(big.label, "300 attributes");
    assert_eq!(
        find(
            VendorKind::VEMETRIC,
            LookupKind::Identifier,
            "load-test-300"
        ),
        Some(big)
    );
    assert!(is_rate_limited(VendorKind::VEMETRIC, LookupKind::Id, "429"));
    assert!(is_rate_limited(
        VendorKind::VEMETRIC,
        LookupKind::Identifier,
        "rate-limited"
    ));
    assert!(!is_rate_limited(
        VendorKind::VEMETRIC,
        LookupKind::Id,
        "4290"
    ));
}
