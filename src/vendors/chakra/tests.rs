//! ChakraHQ's registry entry and demo data.

use serde_json::Value;

use super::*;
use crate::vendors::demo_kit::users;

#[test]
fn demo_people_name_their_own_id() {
    let names = [
        "Rahul Mehta",
        "field-agent-17",
        "अनन्या शर्मा 🎉",
        "Vikram Iyer",
    ];
    for (user, name) in users(VendorKind::CHAKRA).iter().zip(names) {
        let body: Value = serde_json::from_str(user.body).unwrap();
        assert_eq!(body["_data"]["id"], user.value);
        assert!(user.also.is_empty());
        let normalized = Chakra.normalize(body).unwrap();
        assert_eq!(normalized.warnings, Vec::<String>::new(), "{}", user.value);
        assert_eq!(normalized.profile.display_name.as_deref(), Some(name));
    }
    let big: Value = serde_json::from_str(users(VendorKind::CHAKRA)[3].body).unwrap();
    assert!(big["_data"]["data"].as_object().unwrap().len() >= 300);
    assert!(!Chakra.provides(Section::Tags));
    assert!(Chakra.provides(Section::Location));
}
