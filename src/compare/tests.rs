use super::rows::field_cell;
use super::*;
use crate::lookup::outcome_for_tests as outcome;
use crate::profile::Location;
use crate::profile::{Field, Profile, Segment, ValueHint};
use serde_json::Value;
use serde_json::json;

fn field(key: &str, value: Value) -> Field {
    Field::new(key, value)
}

fn statuses(rows: &[CompareRow], group: Group) -> Vec<(String, Status)> {
    rows.iter()
        .filter(|r| r.group == group)
        .map(|r| (r.key.clone(), r.status))
        .collect()
}

fn s(key: &str, status: Status) -> (String, Status) {
    (key.to_owned(), status)
}

#[test]
fn fields_pair_by_exact_key_first_then_by_normalized_key() {
    let a = Profile {
        properties: vec![
            field("firstName", json!("Jane")),
            field("first_name", json!("Jane")),
            field("plan", json!("pro")),
            field("Last-Name", json!("Doe")),
            field("onlyHere", json!(1)),
        ],
        ..Profile::default()
    };
    let b = Profile {
        // In attributes on this side: properties and attributes form one pool.
        attributes: vec![
            field("first_name", json!("Jane")),
            field("FirstName", json!("Janet")),
            field("last name", json!("Doe")),
            field("plan", json!("team")),
            field("onlyThere", json!(2)),
        ],
        ..Profile::default()
    };
    let rows = diff(&a, &b);
    assert_eq!(
        statuses(&rows, Group::Fields),
        vec![
            // `first_name` took its exact twin, so `firstName` pairs with `FirstName`.
            s("firstName ~ FirstName", Status::Differs),
            s("first_name", Status::Same),
            s("plan", Status::Differs),
            s("Last-Name ~ last name", Status::Same),
            s("onlyHere", Status::OnlyA),
            s("onlyThere", Status::OnlyB),
        ]
    );
    let plan = rows.iter().find(|r| r.key == "plan").unwrap();
    assert_eq!(plan.a.as_ref().unwrap().path, "properties.plan");
    assert_eq!(plan.b.as_ref().unwrap().path, "attributes.plan");
    assert_eq!(plan.b.as_ref().unwrap().text, "team");
}

#[test]
fn normalized_keys_ignore_case_separators_and_camel_case() {
    for k in [
        "firstName",
        "first_name",
        "First Name",
        "first-name",
        "FIRST_NAME",
    ] {
        assert_eq!(normalized_key(k), "firstname", "{k}");
    }
    assert_ne!(normalized_key("first.name"), "firstname");
}

#[test]
fn values_compare_by_meaning() {
    let same = [
        (json!(1), json!(1.0)),
        (json!(48), json!("48")),
        (json!(2399.5), json!("2399.50")),
        (json!(" Jane@Example.COM "), json!("jane@example.com")),
        (json!(true), json!("TRUE")),
        (json!(null), json!("")),
        (json!(["a", 1]), json!(["a", 1.0])),
        (json!({"x": 1, "y": "q"}), json!({"y": "q", "x": 1.0})),
        (
            json!(18446744073709551557u64),
            json!(18446744073709551557u64),
        ),
    ];
    for (a, b) in same {
        assert!(values_equal(&a, &b), "{a} = {b}");
    }
    let different = [
        (json!("Jane"), json!("jane")),
        (json!(1), json!(2)),
        (json!(1), json!("one")),
        (json!(true), json!(1)),
        (json!(null), json!(0)),
        (json!(["a", "b"]), json!(["b", "a"])),
        (json!({"x": 1}), json!({"x": 1, "y": 2})),
        (json!("a@b.com"), json!("A@B.org")),
        // Beyond f64 precision these differ and must stay different.
        (
            json!(18446744073709551557u64),
            json!(18446744073709551556u64),
        ),
    ];
    for (a, b) in different {
        assert!(!values_equal(&a, &b), "{a} ≠ {b}");
    }
}

#[test]
fn timestamps_compare_as_instants_only_when_both_are_hinted() {
    let iso = Field::with_hint(
        "signup",
        json!("2024-02-11T09:21:47.000+01:00"),
        ValueHint::IsoTimestamp,
    );
    let millis = Field::with_hint(
        "signup",
        json!(1_707_639_707_000i64),
        ValueHint::EpochMillis,
    );
    assert!(fields_equal(&iso, &millis));
    let later = Field::with_hint(
        "signup",
        json!(1_707_639_708_000i64),
        ValueHint::EpochMillis,
    );
    assert!(!fields_equal(&iso, &later));
    // Microseconds below the millisecond do not make two instants differ.
    let micros = Field::with_hint(
        "signup",
        json!("2024-02-11T08:21:47.000400Z"),
        ValueHint::IsoTimestamp,
    );
    assert!(fields_equal(&iso, &micros));
    // Without a hint on both sides, the text is compared.
    let plain = Field::new("signup", json!("2024-02-11T08:21:47Z"));
    assert!(!fields_equal(&iso, &plain));
    // The shown text is the instant, not the raw number; the raw is in the detail.
    let cell = field_cell("properties", &millis);
    assert_eq!(cell.text, "2024-02-11T08:21:47Z");
    assert_eq!(
        cell.full.as_deref(),
        Some("2024-02-11T08:21:47Z\nraw: 1707639707000")
    );
    assert_eq!(
        field_cell("attributes", &micros).text,
        "2024-02-11T08:21:47Z",
        "below a millisecond is not shown either"
    );
    let ms = Field::with_hint("t", json!(1_707_639_707_042i64), ValueHint::EpochMillis);
    assert_eq!(
        field_cell("properties", &ms).text,
        "2024-02-11T08:21:47.042Z"
    );
}

#[test]
fn identity_compares_email_without_case_and_names_without_spacing() {
    let a = Profile {
        id: Some("u-1".into()),
        display_name: Some("Jane  DOE".into()),
        email: Some(" Jane@Example.com".into()),
        ..Profile::default()
    };
    let b = Profile {
        id: Some("19678376".into()),
        display_name: Some("jane doe".into()),
        email: Some("jane@example.com".into()),
        kind: Some("user".into()),
        ..Profile::default()
    };
    assert_eq!(
        statuses(&diff(&a, &b), Group::Identity),
        vec![
            s("ID", Status::Differs),
            s("Name", Status::Same),
            s("Email", Status::Same),
            s("Kind", Status::OnlyB),
        ]
    );
}

#[test]
fn location_lists_only_entries_either_side_has() {
    let a = Profile {
        location: Location {
            country: Some("Netherlands".into()),
            city: Some("Rotterdam".into()),
            ..Location::default()
        },
        ..Profile::default()
    };
    let b = Profile {
        location: Location {
            country: Some("netherlands".into()),
            city: Some("Amsterdam".into()),
            timezone: Some("Europe/Amsterdam".into()),
            ..Location::default()
        },
        ..Profile::default()
    };
    let rows = diff(&a, &b);
    assert_eq!(
        statuses(&rows, Group::Location),
        vec![
            s("Country", Status::Same),
            s("City", Status::Differs),
            s("Timezone", Status::OnlyB),
        ]
    );
    assert_eq!(
        rows.iter()
            .find(|r| r.key == "City")
            .unwrap()
            .a
            .as_ref()
            .unwrap()
            .path,
        "location.city"
    );
}

#[test]
fn tags_and_segments_compare_as_sets() {
    let seg = |id: Option<&str>, name: Option<&str>| Segment {
        id: id.map(Into::into),
        name: name.map(Into::into),
        details: vec![],
    };
    let a = Profile {
        tags: vec![field("plan", json!("pro")), field("vip", json!("yes"))],
        segments: vec![
            seg(Some("s1"), Some("Power users")),
            seg(Some("s2"), Some("Beta")),
            seg(Some("s9"), Some("Newsletter — EU")),
            seg(Some("s4"), Some("Gone")),
        ],
        ..Profile::default()
    };
    let b = Profile {
        // Order does not matter.
        tags: vec![
            field("VIP", json!("yes")),
            field("churn-risk", json!("low")),
        ],
        segments: vec![
            seg(Some("311"), Some("newsletter  — eu")),
            seg(Some("s2"), Some("Beta testers")),
            seg(Some("s1"), Some("Power users")),
            seg(None, Some("New")),
        ],
        ..Profile::default()
    };
    let rows = diff(&a, &b);
    assert_eq!(
        statuses(&rows, Group::Tags),
        vec![
            s("plan", Status::OnlyA),
            s("vip ~ VIP", Status::Same),
            s("churn-risk", Status::OnlyB),
        ]
    );
    assert_eq!(
        statuses(&rows, Group::Segments),
        vec![
            s("Power users", Status::Same),
            // Same id, renamed: the same segment, but the names differ.
            s("Beta", Status::Differs),
            // Different ids (another vendor), same name.
            s("Newsletter — EU", Status::Same),
            s("Gone", Status::OnlyA),
            s("New", Status::OnlyB),
        ]
    );
}

/// Two different vendors, whichever the registry lists first.
fn two_vendors() -> (VendorKind, VendorKind) {
    let mut all = VendorKind::all();
    (all.next().unwrap(), all.next().unwrap())
}

#[test]
fn the_verdict_counts_rows_outside_identity_and_names_the_sides() {
    let a = Profile {
        id: Some("u-1".into()),
        display_name: Some("Jane Doe".into()),
        email: Some("jane@example.com".into()),
        properties: vec![
            field("plan", json!("pro")),
            field("seats", json!(3)),
            field("a1", json!(1)),
            field("a2", json!(1)),
        ],
        tags: vec![field("vip", json!(true))],
        ..Profile::default()
    };
    let b = Profile {
        id: Some("77".into()),
        display_name: Some("Jane Roe".into()),
        email: Some("JANE@example.com".into()),
        properties: vec![field("plan", json!("team")), field("seats", json!("3"))],
        attributes: vec![field("b1", json!(1))],
        tags: vec![field("vip", json!("true"))],
        ..Profile::default()
    };
    let (va, vb) = two_vendors();
    let cmp = Comparison::new(
        &outcome(va, "crm", a.clone()),
        &outcome(vb, "helpdesk", b.clone()),
    );
    assert_eq!(
        cmp.counts,
        Counts {
            same: 2,
            differs: 1,
            only_a: 2,
            only_b: 1
        }
    );
    assert_eq!(
        cmp.verdict,
        format!(
            "Same email · different name · 2 same · 1 differs · 2 only in {} · 1 only in {}",
            va.display_name(),
            vb.display_name()
        )
    );
    assert_eq!(
        (cmp.a.label.as_str(), cmp.b.label.as_str()),
        (va.display_name(), vb.display_name())
    );
    // One vendor, two connections: the connections name the sides, and the ID counts.
    let cmp = Comparison::new(&outcome(va, "crm-eu", a.clone()), &outcome(va, "crm-us", b));
    assert!(
        cmp.verdict
            .starts_with("Different ID · same email · different name · 2 same"),
        "{}",
        cmp.verdict
    );
    assert!(cmp.verdict.ends_with("2 only in crm-eu · 1 only in crm-us"));
    let cmp = Comparison::new(&outcome(va, "crm", a.clone()), &outcome(va, "crm", a));
    assert_eq!(cmp.verdict, "Same ID · same email · same name · 5 same");
    let empty = Comparison::new(
        &outcome(va, "crm", Profile::default()),
        &outcome(va, "crm", Profile::default()),
    );
    assert_eq!(empty.verdict, "Nothing to compare: both profiles are empty");
    assert!(empty.rows.is_empty());
}

#[test]
fn vendor_text_is_sanitized_in_every_cell() {
    let evil = "x\u{1b}[2J\u{202e}y";
    let a = Profile {
        display_name: Some(evil.into()),
        properties: vec![field(evil, json!(evil))],
        segments: vec![Segment {
            id: Some(evil.into()),
            name: Some(evil.into()),
            details: vec![],
        }],
        ..Profile::default()
    };
    let cmp = Comparison::new(
        &outcome(VendorKind::first(), evil, a),
        &outcome(VendorKind::first(), "crm", Profile::default()),
    );
    let mut texts = vec![
        cmp.a.name.clone(),
        cmp.a.connection.clone(),
        cmp.a.label.clone(),
    ];
    for row in &cmp.rows {
        texts.push(row.key.clone());
        for cell in [&row.a, &row.b].into_iter().flatten() {
            texts.push(cell.text.clone());
            texts.push(cell.path.clone());
        }
    }
    for t in texts {
        assert!(!t.contains('\u{1b}') && !t.contains('\u{202e}'), "{t:?}");
    }
}
