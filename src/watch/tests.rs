//! The watch engine as specs: the change list between versions, the ring, state kept across
//! refreshes, the header line, all on a fake clock (no sleeping).

use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use serde_json::{Value, json};

use super::*;
use crate::profile::{Field, Location, Segment, ValueHint};

fn person() -> Profile {
    Profile {
        id: Some("u-1".to_owned()),
        display_name: Some("Jane Doe".to_owned()),
        email: Some("jane@example.com".to_owned()),
        kind: Some("user".to_owned()),
        properties: vec![
            Field::new("plan", json!("pro")),
            Field::with_hint(
                "updateTime",
                json!("2026-11-30T14:00:00Z"),
                ValueHint::IsoTimestamp,
            ),
        ],
        tags: vec![Field::new("tier", json!("gold"))],
        segments: vec![Segment {
            id: Some("seg-1".to_owned()),
            name: Some("Power users".to_owned()),
            details: Vec::new(),
        }],
        attributes: vec![
            Field::new("ticks", json!(1)),
            Field::new("seats", json!(48)),
        ],
        location: Location {
            country: Some("Germany".to_owned()),
            ..Location::default()
        },
    }
}

fn changes(old: &Profile, new: &Profile) -> Vec<Change> {
    match diff(old, new, &Ignore::default()) {
        Diff::Fields(changes) => changes,
        other => panic!("expected field changes, got {other:?}"),
    }
}

fn change(path: &str, kind: ChangeKind, old: Option<Value>, new: Option<Value>) -> Change {
    Change {
        path: path.to_owned(),
        kind,
        old,
        new,
    }
}

fn attr<'a>(p: &'a mut Profile, key: &str) -> &'a mut Field {
    p.attributes.iter_mut().find(|f| f.key == key).unwrap()
}

fn at(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_796_047_200 + secs, 0).unwrap()
}

const S: fn(u64) -> Duration = Duration::from_secs;

// ------------------------------------------------------------------------------------------
// The change list
// ------------------------------------------------------------------------------------------

#[test]
fn the_same_profile_has_no_changes() {
    assert_eq!(changes(&person(), &person()), []);
    assert!(diff(&person(), &person(), &Ignore::default()).is_empty());
}

#[test]
fn changed_values_with_their_old_and_new_json() {
    let mut new = person();
    attr(&mut new, "ticks").value = json!(2);
    new.display_name = Some("Jane Smith".to_owned());
    new.location.country = Some("France".to_owned());
    assert_eq!(
        changes(&person(), &new),
        [
            change(
                "displayName",
                ChangeKind::Changed,
                Some(json!("Jane Doe")),
                Some(json!("Jane Smith"))
            ),
            change(
                "location.country",
                ChangeKind::Changed,
                Some(json!("Germany")),
                Some(json!("France"))
            ),
            change(
                "attributes.ticks",
                ChangeKind::Changed,
                Some(json!(1)),
                Some(json!(2))
            ),
        ]
    );
}

#[test]
fn added_and_removed_places() {
    let mut new = person();
    new.tags.clear();
    new.attributes
        .push(Field::new("company", json!({"name": "Acme"})));
    new.email = None;
    new.location.city = Some("Berlin".to_owned());
    new.segments.push(Segment {
        id: Some("seg-2".to_owned()),
        name: None,
        details: Vec::new(),
    });
    assert_eq!(
        changes(&person(), &new),
        [
            change(
                "email",
                ChangeKind::Removed,
                Some(json!("jane@example.com")),
                None
            ),
            change(
                "location.city",
                ChangeKind::Added,
                None,
                Some(json!("Berlin"))
            ),
            change(
                "attributes.company",
                ChangeKind::Added,
                None,
                Some(json!({"name": "Acme"}))
            ),
            change("tags.tier", ChangeKind::Removed, Some(json!("gold")), None),
            change(
                "segments.seg-2",
                ChangeKind::Added,
                None,
                Some(json!({"id": "seg-2", "name": null}))
            ),
        ]
    );
}

#[test]
fn a_different_json_type_is_a_type_change_even_when_the_meaning_is_equal() {
    let mut new = person();
    attr(&mut new, "seats").value = json!("48");
    attr(&mut new, "ticks").value = json!([1]);
    assert_eq!(
        changes(&person(), &new),
        [
            change(
                "attributes.ticks",
                ChangeKind::TypeChanged,
                Some(json!(1)),
                Some(json!([1]))
            ),
            change(
                "attributes.seats",
                ChangeKind::TypeChanged,
                Some(json!(48)),
                Some(json!("48"))
            ),
        ]
    );
    // A value appearing where there was null is a change of value, not of type.
    let mut old = person();
    attr(&mut old, "seats").value = Value::Null;
    assert_eq!(
        changes(&old, &person()),
        [change(
            "attributes.seats",
            ChangeKind::Changed,
            Some(Value::Null),
            Some(json!(48))
        )]
    );
}

#[test]
fn equal_by_meaning_is_no_change() {
    let mut new = person();
    new.email = Some("Jane@Example.com".to_owned());
    attr(&mut new, "seats").value = json!(48.0);
    // The same instant, spelled differently.
    new.properties[1].value = json!("2026-11-30T15:00:00+01:00");
    assert_eq!(changes(&person(), &new), []);
}

#[test]
fn a_key_that_moves_section_or_spelling_is_a_removal_and_an_addition() {
    let mut new = person();
    let plan = new.properties.remove(0);
    new.attributes.push(plan);
    attr(&mut new, "seats").key = "Seats".to_owned();
    let paths: Vec<(String, ChangeKind)> = changes(&person(), &new)
        .into_iter()
        .map(|c| (c.path, c.kind))
        .collect();
    assert_eq!(
        paths,
        [
            ("properties.plan".to_owned(), ChangeKind::Removed),
            ("attributes.seats".to_owned(), ChangeKind::Removed),
            ("attributes.Seats".to_owned(), ChangeKind::Added),
            ("attributes.plan".to_owned(), ChangeKind::Added),
        ]
    );
}

#[test]
fn reordered_and_repeated_keys_pair_by_key_in_order() {
    let mut old = person();
    old.tags = vec![
        Field::new("color", json!("red")),
        Field::new("color", json!("blue")),
        Field::new("size", json!("L")),
    ];
    let mut new = old.clone();
    new.tags = vec![
        Field::new("size", json!("L")),
        Field::new("color", json!("red")),
        Field::new("color", json!("green")),
    ];
    assert_eq!(
        changes(&old, &new),
        [change(
            "tags.color",
            ChangeKind::Changed,
            Some(json!("blue")),
            Some(json!("green"))
        )]
    );
}

#[test]
fn a_segment_renamed_under_the_same_id_is_changed() {
    let mut new = person();
    new.segments[0].name = Some("Champions".to_owned());
    assert_eq!(
        changes(&person(), &new),
        [change(
            "segments.seg-1",
            ChangeKind::Changed,
            Some(json!({"id": "seg-1", "name": "Power users"})),
            Some(json!({"id": "seg-1", "name": "Champions"}))
        )]
    );
}

#[test]
fn ignored_paths_never_count() {
    let mut new = person();
    new.properties[1].value = json!("2026-11-30T14:00:09Z");
    attr(&mut new, "ticks").value = json!(2);
    new.attributes.push(Field::new("lastSeen", json!(9)));
    let ignore = Ignore::new(["properties.updateTime", "attributes.last*"]);
    assert_eq!(
        diff(&person(), &new, &ignore),
        Diff::Fields(vec![change(
            "attributes.ticks",
            ChangeKind::Changed,
            Some(json!(1)),
            Some(json!(2))
        )])
    );
    let all = Ignore::new(["attributes.*", "properties.*"]);
    assert!(diff(&person(), &new, &all).is_empty());
}

#[test]
fn another_person_under_the_same_lookup_is_an_identity_change_not_a_field_list() {
    let mut other = person();
    other.id = Some("u-2".to_owned());
    other.display_name = Some("John Roe".to_owned());
    attr(&mut other, "ticks").value = json!(7);
    let d = diff(&person(), &other, &Ignore::default());
    assert_eq!(
        d,
        Diff::Identity {
            old: Some("u-1".to_owned()),
            new: Some("u-2".to_owned())
        }
    );
    assert_eq!((d.len(), d.changes()), (1, &[][..]));
    // An id that disappears is one too; blank counts as absent.
    let mut blank = person();
    blank.id = Some("  ".to_owned());
    assert!(matches!(
        diff(&person(), &blank, &Ignore::default()),
        Diff::Identity { new: None, .. }
    ));
}

#[test]
fn location_paths_are_the_json_names_the_config_accepts() {
    let mut new = person();
    new.location = Location {
        continent: Some("a".into()),
        country: Some("b".into()),
        country_code: Some("c".into()),
        region: Some("d".into()),
        state: Some("e".into()),
        city: Some("f".into()),
        postal_code: Some("g".into()),
        timezone: Some("h".into()),
    };
    let mut old = person();
    old.location = Location::default();
    let paths: Vec<String> = changes(&old, &new).into_iter().map(|c| c.path).collect();
    let expected: Vec<String> = crate::config::watch::LOCATION_FIELDS
        .iter()
        .map(|f| format!("location.{f}"))
        .collect();
    assert_eq!(paths, expected);
    for path in &paths {
        assert_eq!(crate::config::watch::check_ignore_path(path), Ok(()));
    }
}

// ------------------------------------------------------------------------------------------
// Events
// ------------------------------------------------------------------------------------------

#[test]
fn the_json_event_is_the_stable_form() {
    let d = Diff::Fields(vec![
        change(
            "attributes.ticks",
            ChangeKind::Changed,
            Some(json!(1)),
            Some(json!(2)),
        ),
        change("tags.new", ChangeKind::Added, None, Some(json!("x"))),
    ]);
    let lines: Vec<String> = events(at(3), &d).iter().map(json_line).collect();
    assert_eq!(
        lines,
        [
            r#"{"at":"2026-11-30T14:00:03Z","path":"attributes.ticks","old":1,"new":2}"#,
            r#"{"at":"2026-11-30T14:00:03Z","path":"tags.new","old":null,"new":"x"}"#,
        ]
    );
    let id = Diff::Identity {
        old: Some("u-1".into()),
        new: Some("u-2".into()),
    };
    assert_eq!(
        json_line(&events(at(3), &id)[0]),
        r#"{"at":"2026-11-30T14:00:03Z","path":"id","old":"u-1","new":"u-2"}"#
    );
}

#[test]
fn json_events_escape_what_a_terminal_would_act_on() {
    let d = Diff::Fields(vec![change(
        "attributes.x\u{202e}",
        ChangeKind::Added,
        None,
        Some(json!("a\u{1b}[31m\u{9b}")),
    )]);
    let line = json_line(&events(at(0), &d)[0]);
    assert_eq!(
        line,
        r#"{"at":"2026-11-30T14:00:00Z","path":"attributes.x\u202e","old":null,"new":"a\u001b[31m\u009b"}"#
    );
    let back: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(back["new"], json!("a\u{1b}[31m\u{9b}"));
}

#[test]
fn text_lines_say_what_happened() {
    let d = Diff::Fields(vec![
        change(
            "attributes.ticks",
            ChangeKind::Changed,
            Some(json!(1)),
            Some(json!(2)),
        ),
        change("tags.plan", ChangeKind::Added, None, Some(json!("pro"))),
        change("tags.old", ChangeKind::Removed, Some(json!("x")), None),
        change(
            "attributes.seats",
            ChangeKind::TypeChanged,
            Some(json!(48)),
            Some(json!("48")),
        ),
        change(
            "email",
            ChangeKind::Changed,
            Some(Value::Null),
            Some(json!("\u{1b}]52;c;x\u{7}")),
        ),
    ]);
    assert_eq!(
        text_lines(at(3), &d),
        [
            "2026-11-30T14:00:03Z  changed  attributes.ticks: 1 → 2",
            "2026-11-30T14:00:03Z  added  tags.plan: \"pro\"",
            "2026-11-30T14:00:03Z  removed  tags.old (was \"x\")",
            "2026-11-30T14:00:03Z  type changed  attributes.seats: 48 → \"48\" (number → string)",
            "2026-11-30T14:00:03Z  changed  email: null → \"\\u001b]52;c;x\\u0007\"",
        ]
    );
    let id = Diff::Identity {
        old: Some("u-1".into()),
        new: None,
    };
    assert_eq!(
        text_lines(at(3), &id),
        [
            "2026-11-30T14:00:03Z  IDENTITY CHANGED: this lookup now finds a different person (id u-1 → none)"
        ]
    );
}

// ------------------------------------------------------------------------------------------
// The ring and the state kept across refreshes
// ------------------------------------------------------------------------------------------

#[test]
fn the_ring_keeps_the_last_50_with_stable_sequence_numbers() {
    let mut ring = Ring::new(RING_CAPACITY, at(0), 0u32);
    for i in 1..=120u32 {
        ring.push(at(i64::from(i)), i, Diff::Fields(Vec::new()));
    }
    assert_eq!(ring.len(), 50);
    assert_eq!(ring.latest().seq, 120);
    assert_eq!(ring.iter().next().unwrap().seq, 71);
    assert_eq!(ring.get(70), None);
    assert_eq!(ring.get(71).unwrap().value, 71);
    assert_eq!(ring.older(100).unwrap().seq, 99);
    assert_eq!(ring.newer(100).unwrap().seq, 101);
    assert_eq!(ring.newer(120), None);
    assert_eq!(ring.older(71), None);
    let one = Ring::new(1, at(0), 'a');
    assert_eq!((one.len(), one.latest().value), (1, 'a'));
}

#[test]
fn a_watch_diffs_each_version_against_the_last_and_marks_cumulatively() {
    let t0 = Instant::now();
    let mut w = Watch::new(person(), at(0), t0, S(10), Ignore::default());
    assert!(!w.due(t0));
    assert!(w.begin(t0 + S(10)));
    let mut v1 = person();
    attr(&mut v1, "ticks").value = json!(2);
    let version = w.on_success(t0 + S(10), at(10), v1.clone());
    assert_eq!(version.seq, 1);
    assert_eq!(
        version.diff.changes(),
        [change(
            "attributes.ticks",
            ChangeKind::Changed,
            Some(json!(1)),
            Some(json!(2))
        )]
    );
    // An unchanged refresh: nothing new, the marks stay.
    assert!(w.begin(t0 + S(20)));
    assert!(w.on_success(t0 + S(20), at(20), v1.clone()).diff.is_empty());
    let mut v3 = v1.clone();
    v3.tags.push(Field::new("vip", json!(true)));
    assert!(w.begin(t0 + S(30)));
    w.on_success(t0 + S(30), at(30), v3);
    assert!(w.is_marked("attributes.ticks"));
    assert!(w.is_marked("tags.vip"));
    assert!(!w.is_marked("attributes.seats"));
    assert_eq!(w.change_count(), 2);
    let list: Vec<(u64, &str)> = w.changes().map(|(v, c)| (v.seq, c.path.as_str())).collect();
    assert_eq!(list, [(3, "tags.vip"), (1, "attributes.ticks")]);
    assert_eq!(
        w.summary(t0 + S(42)),
        "watching · every 10 s · 2 changes · last 12 s ago"
    );
    w.clear();
    assert!(!w.is_marked("tags.vip"));
    assert_eq!(w.change_count(), 0);
    assert_eq!(w.versions().len(), 4, "clearing keeps the versions");
}

#[test]
fn an_error_keeps_the_last_good_version_and_says_so_in_the_header() {
    let t0 = Instant::now();
    let mut w = Watch::new(person(), at(0), t0, S(10), Ignore::default());
    assert!(w.begin(t0 + S(10)));
    let revoked = LookupError::KeyRejected {
        vendor: "Vendor",
        connection: "vendor".to_owned(),
        status: 401,
        message: None,
    };
    assert_eq!(w.on_error(t0 + S(10), &revoked), S(20));
    assert_eq!(w.latest().value, person());
    assert_eq!(
        w.summary(t0 + S(15)),
        "watching · every 10 s · 0 changes · refresh failed: Vendor rejected the key (HTTP 401); check it, then run `userscope keys set vendor` · retry in 15 s"
    );
    assert!(w.begin(t0 + S(30)));
    assert!(w.summary(t0 + S(31)).ends_with("· retrying…"));
    let mut v1 = person();
    attr(&mut v1, "ticks").value = json!(5);
    w.on_success(t0 + S(31), at(31), v1);
    assert_eq!(
        w.summary(t0 + S(31)),
        "watching · every 10 s · 1 change · last 0 s ago"
    );
}

#[test]
fn an_identity_change_clears_the_marks_and_is_shown_until_cleared() {
    let t0 = Instant::now();
    let mut w = Watch::new(person(), at(0), t0, S(10), Ignore::default());
    let mut v1 = person();
    attr(&mut v1, "ticks").value = json!(2);
    assert!(w.begin(t0 + S(10)));
    w.on_success(t0 + S(10), at(10), v1);
    let mut other = person();
    other.id = Some("u-9".to_owned());
    assert!(w.begin(t0 + S(20)));
    w.on_success(t0 + S(20), at(20), other);
    assert!(w.marked().is_empty());
    assert_eq!(
        w.identity_change()
            .map(|c| (c.old.as_deref(), c.new.as_deref())),
        Some((Some("u-1"), Some("u-9")))
    );
    assert_eq!(
        w.summary(t0 + S(20)),
        "watching · every 10 s · DIFFERENT PERSON: id u-1 → u-9 · 2 changes · last 0 s ago"
    );
    w.clear();
    assert_eq!(w.identity_change(), None);
}

#[test]
fn memory_stays_bounded_after_10000_refreshes() {
    // Each refresh moves a counter and adds a key never seen before (the worst case for the
    // marks); the clock is fake, so this runs in milliseconds.
    let t0 = Instant::now();
    let mut w = Watch::new(person(), at(0), t0, S(2), Ignore::default());
    let mut now = t0;
    for i in 1..=10_000u64 {
        now += S(2);
        assert!(w.begin(now), "refresh {i} was due");
        let mut next = person();
        attr(&mut next, "ticks").value = json!(i);
        next.attributes
            .push(Field::new(format!("fresh-{i}"), json!(i)));
        let seconds = i64::try_from(i * 2).unwrap();
        let version = w.on_success(now, at(seconds), next);
        assert_eq!(version.diff.len(), if i == 1 { 1 } else { 3 });
    }
    assert_eq!(w.versions().len(), RING_CAPACITY);
    assert_eq!(w.latest().seq, 10_000);
    // Marks: the latest profile's places plus the kept diffs' paths, not 10,000 keys.
    let latest = &w.latest().value;
    let places = 3 + 8 + latest.properties.len() + latest.attributes.len() + latest.tags.len();
    let bound = places + latest.segments.len() + w.changes().count();
    assert_eq!(bound, 168);
    assert!(w.marked().len() <= bound, "{} marks", w.marked().len());
    assert!(w.is_marked("attributes.ticks"));
    assert!(w.is_marked("attributes.fresh-10000"));
    assert!(w.is_marked("attributes.fresh-9951"), "still in a kept diff");
    assert!(!w.is_marked("attributes.fresh-9000"));
    assert_eq!(w.changes().count(), 150);
    assert_eq!(w.change_count(), 29_998);
}
