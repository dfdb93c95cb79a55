//! The one table of demo people: which lookups find whom, and the vendor body served for them.
//! Bodies are the files in `assets/demo/<vendor>/`, embedded so the demo needs no files at run time.

use crate::vendor::{LookupKind, VendorKind};

/// A person the demo vendors know.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DemoUser {
    /// The vendor's default lookup kind and value: what the TUI hints and the README list.
    pub lookup: LookupKind,
    pub value: &'static str,
    /// What this person exercises: "rich", "sparse", "non-Latin" or "300 attributes".
    pub label: &'static str,
    /// Other lookups that find the same person (User.com id and email, Vemetric identifier).
    pub also: &'static [(LookupKind, &'static str)],
    /// The vendor's 200 body, byte for byte as served (and as committed under `assets/demo/`).
    pub body: &'static str,
}

impl DemoUser {
    /// Whether this lookup finds the person. Emails compare case-insensitively, and Vemetric
    /// ids numerically (leading zeros do not matter), as the real services do.
    fn matches(&self, vendor: VendorKind, kind: LookupKind, value: &str) -> bool {
        std::iter::once((self.lookup, self.value))
            .chain(self.also.iter().copied())
            .any(|(k, v)| k == kind && same_value(vendor, kind, v, value))
    }
}

fn same_value(vendor: VendorKind, kind: LookupKind, known: &str, asked: &str) -> bool {
    match (vendor, kind) {
        (_, LookupKind::Email) => known.eq_ignore_ascii_case(asked),
        (VendorKind::Vemetric, LookupKind::Id) => {
            let trimmed = asked.trim_start_matches('0');
            known == if trimmed.is_empty() { "0" } else { trimmed }
        }
        _ => known == asked,
    }
}

/// The ID (or User.com key / Vemetric identifier) that always answers 429, for trying the
/// rate-limit path. Vemetric also rate-limits the numeric id [`VEMETRIC_RATE_LIMITED_ID`].
pub const RATE_LIMITED_ID: &str = "rate-limited";
/// Vemetric ids must be digits, so its rate-limited id is this one.
pub const VEMETRIC_RATE_LIMITED_ID: &str = "429";
/// User.com ids are numeric; this one answers 429 on `users/{id}/`.
pub const USERCOM_RATE_LIMITED_ID: &str = "429";

macro_rules! fixture {
    ($vendor:literal, $file:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/assets/demo/",
            $vendor,
            "/",
            $file,
            ".json"
        ))
    };
}

const COHO: &[DemoUser] = &[
    DemoUser {
        lookup: LookupKind::Id,
        value: "u-1001",
        label: "rich",
        also: &[],
        body: fixture!("coho", "u-1001-rich"),
    },
    DemoUser {
        lookup: LookupKind::Id,
        value: "u-1002",
        label: "sparse",
        also: &[],
        body: fixture!("coho", "u-1002-sparse"),
    },
    DemoUser {
        lookup: LookupKind::Id,
        value: "u-1003",
        label: "non-Latin",
        also: &[],
        body: fixture!("coho", "u-1003-non-latin"),
    },
    DemoUser {
        lookup: LookupKind::Id,
        value: "u-1004",
        label: "300 attributes",
        also: &[],
        body: fixture!("coho", "u-1004-300-attributes"),
    },
];

const USERCOM: &[DemoUser] = &[
    DemoUser {
        lookup: LookupKind::Key,
        value: "g3FaYocCy0U6",
        label: "rich",
        also: &[
            (LookupKind::Id, "19678376"),
            (LookupKind::Email, "jane.doe@brightpath.io"),
        ],
        body: fixture!("usercom", "g3FaYocCy0U6-rich"),
    },
    DemoUser {
        lookup: LookupKind::Key,
        value: "Vx7Qm2LpA9sD",
        label: "sparse",
        // An anonymous visitor: no email to search by.
        also: &[(LookupKind::Id, "19678377")],
        body: fixture!("usercom", "Vx7Qm2LpA9sD-sparse"),
    },
    DemoUser {
        lookup: LookupKind::Key,
        value: "Zk4Rt8NwE1bH",
        label: "non-Latin",
        also: &[
            (LookupKind::Id, "19678378"),
            (LookupKind::Email, "eleni.p@example.gr"),
        ],
        body: fixture!("usercom", "Zk4Rt8NwE1bH-non-latin"),
    },
    DemoUser {
        lookup: LookupKind::Key,
        value: "Pq9Lc3YvT6uJ",
        label: "300 attributes",
        also: &[
            (LookupKind::Id, "19678379"),
            (LookupKind::Email, "marek.nowak@initech.example"),
        ],
        body: fixture!("usercom", "Pq9Lc3YvT6uJ-300-attributes"),
    },
];

const FOLDSPACE: &[DemoUser] = &[
    DemoUser {
        lookup: LookupKind::Identifier,
        value: "bTMwUidOQiZhMazBDWGAAmuRnu9N2",
        label: "rich",
        also: &[],
        body: fixture!("foldspace", "bTMwUidOQiZhMazBDWGAAmuRnu9N2-rich"),
    },
    DemoUser {
        lookup: LookupKind::Identifier,
        value: "anon-5c1e9b",
        label: "sparse",
        also: &[],
        body: fixture!("foldspace", "anon-5c1e9b-sparse"),
    },
    DemoUser {
        lookup: LookupKind::Identifier,
        value: "dmitry.privalov",
        label: "non-Latin",
        also: &[],
        body: fixture!("foldspace", "dmitry.privalov-non-latin"),
    },
    DemoUser {
        lookup: LookupKind::Identifier,
        value: "load-test-300",
        label: "300 attributes",
        also: &[],
        body: fixture!("foldspace", "load-test-300-300-attributes"),
    },
];

const CHAKRA: &[DemoUser] = &[
    DemoUser {
        lookup: LookupKind::Id,
        value: "9763caa1-cef3-497f-b3b2-f551456b2831",
        label: "rich",
        also: &[],
        body: fixture!("chakra", "9763caa1-cef3-497f-b3b2-f551456b2831-rich"),
    },
    DemoUser {
        lookup: LookupKind::Id,
        value: "3f2b8c1e-5d4a-4e7b-9a10-2c6d8e4f7a01",
        label: "sparse",
        also: &[],
        body: fixture!("chakra", "3f2b8c1e-5d4a-4e7b-9a10-2c6d8e4f7a01-sparse"),
    },
    DemoUser {
        lookup: LookupKind::Id,
        value: "b41d6e2a-8c3f-4a9e-b7d2-5e0f1a3c9b47",
        label: "non-Latin",
        also: &[],
        body: fixture!("chakra", "b41d6e2a-8c3f-4a9e-b7d2-5e0f1a3c9b47-non-latin"),
    },
    DemoUser {
        lookup: LookupKind::Id,
        value: "e7a9c3d5-1b2f-4c8e-a6d4-9f0b2e7c1a38",
        label: "300 attributes",
        also: &[],
        body: fixture!(
            "chakra",
            "e7a9c3d5-1b2f-4c8e-a6d4-9f0b2e7c1a38-300-attributes"
        ),
    },
];

const VEMETRIC: &[DemoUser] = &[
    DemoUser {
        lookup: LookupKind::Id,
        value: "4815162342",
        label: "rich",
        also: &[(LookupKind::Identifier, "acme-user-42")],
        body: fixture!("vemetric", "4815162342-rich"),
    },
    DemoUser {
        lookup: LookupKind::Id,
        value: "1001",
        label: "sparse",
        // Anonymous: Vemetric has no identifier for this visitor.
        also: &[],
        body: fixture!("vemetric", "1001-sparse"),
    },
    DemoUser {
        lookup: LookupKind::Id,
        value: "314159265358979",
        label: "non-Latin",
        also: &[(LookupKind::Identifier, "hanako.yamada")],
        body: fixture!("vemetric", "314159265358979-non-latin"),
    },
    DemoUser {
        // Above 2^63: IDs must stay strings end to end.
        lookup: LookupKind::Id,
        value: "18446744073709551557",
        label: "300 attributes",
        also: &[(LookupKind::Identifier, "load-test-300")],
        body: fixture!("vemetric", "18446744073709551557-300-attributes"),
    },
];

/// The demo people of a vendor; the first is the rich one the TUI shows first.
pub fn users(vendor: VendorKind) -> &'static [DemoUser] {
    match vendor {
        VendorKind::Coho => COHO,
        VendorKind::Usercom => USERCOM,
        VendorKind::Foldspace => FOLDSPACE,
        VendorKind::Chakra => CHAKRA,
        VendorKind::Vemetric => VEMETRIC,
    }
}

/// The person this lookup finds, if any.
pub fn find(vendor: VendorKind, kind: LookupKind, value: &str) -> Option<&'static DemoUser> {
    users(vendor)
        .iter()
        .find(|u| u.matches(vendor, kind, value))
}

/// The lookup that always answers 429 at this vendor (its default lookup kind).
pub fn rate_limited(vendor: VendorKind) -> (LookupKind, &'static str) {
    match vendor {
        VendorKind::Vemetric => (LookupKind::Id, VEMETRIC_RATE_LIMITED_ID),
        other => (other.default_lookup(), RATE_LIMITED_ID),
    }
}

/// Whether this lookup is the rate-limited one (every kind the vendor has).
pub fn is_rate_limited(vendor: VendorKind, kind: LookupKind, value: &str) -> bool {
    match (vendor, kind) {
        (VendorKind::Vemetric, LookupKind::Id) => {
            same_value(vendor, kind, VEMETRIC_RATE_LIMITED_ID, value)
        }
        (VendorKind::Usercom, LookupKind::Id) => value == USERCOM_RATE_LIMITED_ID,
        (VendorKind::Usercom, LookupKind::Email) => {
            value.eq_ignore_ascii_case("rate-limited@example.com")
        }
        _ => value == RATE_LIMITED_ID,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn every_vendor_has_the_four_kinds_of_people_in_order() {
        for vendor in VendorKind::ALL {
            let labels: Vec<_> = users(vendor).iter().map(|u| u.label).collect();
            assert_eq!(
                labels,
                ["rich", "sparse", "non-Latin", "300 attributes"],
                "{vendor}"
            );
            for user in users(vendor) {
                assert_eq!(
                    user.lookup,
                    vendor.default_lookup(),
                    "{vendor} {}",
                    user.value
                );
            }
        }
    }

    #[test]
    fn every_body_is_json_of_the_documented_top_level_shape_and_names_its_own_id() {
        for vendor in VendorKind::ALL {
            for user in users(vendor) {
                let body: Value = serde_json::from_str(user.body).unwrap();
                let id = match vendor {
                    VendorKind::Coho => &body["userProperties"]["userId"],
                    VendorKind::Usercom => &body["key"],
                    VendorKind::Foldspace => &body["identifyId"],
                    VendorKind::Chakra => &body["_data"]["id"],
                    VendorKind::Vemetric => &body["user"]["id"],
                };
                assert_eq!(id, user.value, "{vendor}");
                assert!(
                    user.body.len() < 100_000,
                    "{vendor} {} is too big",
                    user.value
                );
                for (kind, value) in user.also {
                    let found = match (vendor, kind) {
                        (VendorKind::Usercom, LookupKind::Id) => body["id"].to_string(),
                        (VendorKind::Usercom, LookupKind::Email) => {
                            body["email"].as_str().unwrap().to_owned()
                        }
                        (VendorKind::Vemetric, LookupKind::Identifier) => {
                            body["user"]["identifier"].as_str().unwrap().to_owned()
                        }
                        other => panic!("unexpected alias {other:?}"),
                    };
                    assert_eq!(&found, value);
                }
            }
        }
    }

    /// The fixtures follow each vendor's documented contract: its adapter finds nothing to warn
    /// about, and the profile names the person the table says.
    #[test]
    fn every_fixture_normalizes_without_warnings() {
        let expected_names: [(VendorKind, [&str; 4]); 5] = [
            (
                VendorKind::Coho,
                ["Hannah Okafor", "u-1002", "李小龙 🎉", "Priya Raman"],
            ),
            (
                VendorKind::Usercom,
                [
                    "Jane Doe",
                    "Vx7Qm2LpA9sD",
                    "Ελένη Παπαδοπούλου 🎉",
                    "Marek Nowak",
                ],
            ),
            (
                VendorKind::Foldspace,
                [
                    "Alice Johnson",
                    "anon-5c1e9b",
                    "Dmitry Privalov",
                    "Art Vandelay",
                ],
            ),
            (
                VendorKind::Chakra,
                [
                    "Rahul Mehta",
                    "field-agent-17",
                    "अनन्या शर्मा 🎉",
                    "Vikram Iyer",
                ],
            ),
            (
                VendorKind::Vemetric,
                ["John Carter", "1001", "山田 花子 🌸", "Load Test Account"],
            ),
        ];
        for (vendor, names) in expected_names {
            for (user, name) in users(vendor).iter().zip(names) {
                let body: Value = serde_json::from_str(user.body).unwrap();
                let normalized = vendor.adapter().normalize(body).unwrap();
                assert_eq!(
                    normalized.warnings,
                    Vec::<String>::new(),
                    "{vendor} {}",
                    user.value
                );
                assert_eq!(
                    normalized.profile.display_name.as_deref(),
                    Some(name),
                    "{vendor}"
                );
            }
        }
    }

    #[test]
    fn the_300_attribute_people_have_over_300_custom_keys() {
        let count = |vendor: VendorKind| {
            let body: Value = serde_json::from_str(users(vendor)[3].body).unwrap();
            let bag = match vendor {
                VendorKind::Coho => body["userProperties"]["properties"]
                    .as_object()
                    .map(|o| o.len()),
                VendorKind::Usercom => body["attributes"].as_array().map(|a| a.len()),
                VendorKind::Foldspace => body["customAttributes"].as_object().map(|o| o.len()),
                VendorKind::Chakra => body["_data"]["data"].as_object().map(|o| o.len()),
                VendorKind::Vemetric => body["user"]["data"].as_object().map(|o| o.len()),
            };
            bag.unwrap()
        };
        for vendor in VendorKind::ALL {
            assert!(count(vendor) >= 300, "{vendor}: {}", count(vendor));
        }
    }

    #[test]
    fn lookups_resolve_aliases_and_nothing_else() {
        let jane = find(
            VendorKind::Usercom,
            LookupKind::Email,
            "Jane.Doe@BrightPath.io",
        )
        .unwrap();
        assert_eq!(jane.value, "g3FaYocCy0U6");
        assert_eq!(
            find(VendorKind::Usercom, LookupKind::Id, "19678376"),
            Some(jane)
        );
        assert_eq!(
            find(VendorKind::Usercom, LookupKind::Id, "g3FaYocCy0U6"),
            None
        );
        assert_eq!(
            find(VendorKind::Usercom, LookupKind::Key, "g3fayoccy0u6"),
            None
        );
        let big = find(
            VendorKind::Vemetric,
            LookupKind::Id,
            "0018446744073709551557",
        )
        .unwrap();
        assert_eq!(big.label, "300 attributes");
        assert_eq!(
            find(
                VendorKind::Vemetric,
                LookupKind::Identifier,
                "load-test-300"
            ),
            Some(big)
        );
        assert_eq!(find(VendorKind::Coho, LookupKind::Id, "u-1001 "), None);
    }

    #[test]
    fn rate_limited_lookups() {
        assert!(is_rate_limited(
            VendorKind::Coho,
            LookupKind::Id,
            "rate-limited"
        ));
        assert!(is_rate_limited(VendorKind::Vemetric, LookupKind::Id, "429"));
        assert!(is_rate_limited(
            VendorKind::Vemetric,
            LookupKind::Identifier,
            "rate-limited"
        ));
        assert!(!is_rate_limited(
            VendorKind::Vemetric,
            LookupKind::Id,
            "4290"
        ));
        assert_eq!(
            rate_limited(VendorKind::Usercom),
            (LookupKind::Key, "rate-limited")
        );
    }
}
