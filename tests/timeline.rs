//! The lifecycle timeline of every vendor's richest demo user (issue 16): the documented
//! moments collected by their hints, in order, and moments sharing a cell sharing a label.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_possible_wrap,
    clippy::cast_precision_loss,
    reason = "a test stops at its first broken expectation; its own numbers are not from the network"
)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use userscope::profile::Profile;
use userscope::timeline::{Role, Timeline, layout};
use userscope::vendors::VendorKind;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap()
}

fn rich(vendor: VendorKind) -> Profile {
    let user = userscope::demo::users(vendor)
        .iter()
        .find(|u| u.label == "rich")
        .unwrap();
    vendor
        .adapter()
        .normalize(serde_json::from_str(user.body).unwrap())
        .unwrap()
        .profile
}

fn paths(t: &Timeline) -> Vec<&str> {
    t.moments.iter().map(|m| m.path.as_str()).collect()
}

#[test]
fn every_vendor_rich_user_has_its_documented_moments_in_order() {
    let expected: [(&str, &[&str]); 5] = [
        (
            "coho",
            &[
                "properties.firstVisitTime",
                "properties.createdTime",
                "properties.signupTime",
                "properties.updateTime",
            ],
        ),
        (
            "usercom",
            &[
                "properties.first_seen",
                "properties.created_at",
                "properties.last_contacted",
                "properties.last_seen",
                "properties.updated_at",
            ],
        ),
        (
            "foldspace",
            &[
                "properties.firstVisitDate",
                "properties.leadDate",
                "properties.signUpDate",
                "properties.lastModifiedDate",
                "properties.lastSeenDate",
            ],
        ),
        (
            "chakra",
            &[
                "properties.dob",
                "properties.emails[0].createdAt",
                "properties.emails[0].updatedAt",
                "properties.createdAt",
                "properties.primaryEmail.createdAt",
                "properties.primaryEmail.updatedAt",
                "properties.emails[1].createdAt",
                "properties.emails[1].updatedAt",
                "properties.updatedAt",
            ],
        ),
        ("vemetric", &["properties.lastSeenAt"]),
    ];
    for (name, want) in expected {
        let vendor = VendorKind::parse(name).unwrap();
        let t = Timeline::of(&rich(vendor), now());
        assert_eq!(paths(&t), want, "{name}");
        assert!(t.left_out.is_empty(), "{name}: {:?}", t.left_out);
        assert!(
            t.moments
                .iter()
                .all(|m| !m.out_of_order && m.suspicious.is_none())
        );
    }
    let foldspace = Timeline::of(&rich(VendorKind::parse("foldspace").unwrap()), now());
    let last = foldspace.last().unwrap();
    assert_eq!(last.label, "lastSeenDate");
    assert_eq!(last.role, Some(Role::LastSeen));
    assert_eq!(
        last.at,
        Utc.with_ymd_and_hms(2026, 11, 21, 22, 5, 11).unwrap() + Duration::milliseconds(216)
    );
}

#[test]
fn moments_in_one_cell_share_a_label_named_by_the_most_telling() {
    let t = Timeline::of(&rich(VendorKind::parse("chakra").unwrap()), now());
    let axis = layout(&t, 80, 20, now());
    let texts: Vec<&str> = axis.marks.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "dob 1990-08-15",
            "createdAt +4 2023-04-12",
            "emails[1].createdAt +1 2024-01-02",
            "updatedAt 2026-11-21"
        ]
    );
}
