//! Foldspace's registry entry and demo data.

use serde_json::Value;

use super::*;
use crate::vendors::demo_kit::users;

#[test]
fn demo_people_name_their_own_identify_id() {
    let names = [
        "Alice Johnson",
        "anon-5c1e9b",
        "Dmitry Privalov",
        "Art Vandelay",
    ];
    for (user, name) in users(VendorKind::FOLDSPACE).iter().zip(names) {
        let body: Value = serde_json::from_str(user.body).unwrap();
        assert_eq!(body["identifyId"], user.value);
        assert!(user.also.is_empty());
        let normalized = Foldspace.normalize(body).unwrap();
        assert_eq!(normalized.warnings, Vec::<String>::new(), "{}", user.value);
        assert_eq!(normalized.profile.display_name.as_deref(), Some(name));
    }
    let big: Value = serde_json::from_str(users(VendorKind::FOLDSPACE)[3].body).unwrap();
    assert!(big["customAttributes"].as_object().unwrap().len() >= 300);
    assert!(!Foldspace.provides(Section::Tags));
    assert!(Foldspace.provides(Section::Segments));
}

#[test]
fn undocumented_key_format_gets_no_shape_warning() {
    assert_eq!(Foldspace.key_shape_warning("anything-goes"), None);
}
