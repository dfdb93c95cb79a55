use super::*;
use crate::profile::Field;
use serde_json::json;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap()
}

fn paths(t: &Timeline) -> Vec<&str> {
    t.moments.iter().map(|m| m.path.as_str()).collect()
}

fn iso(key: &str, at: &str) -> Field {
    Field::with_hint(key, json!(at), ValueHint::IsoTimestamp)
}

fn profile(fields: Vec<Field>) -> Profile {
    Profile {
        properties: fields,
        ..Profile::default()
    }
}

#[test]
fn moments_are_ordered_by_instant_whatever_their_form() {
    let t = Timeline::of(
        &profile(vec![
            iso("b", "2024-03-02T00:00:00Z"),
            Field::with_hint("a", json!(1_709_251_200_000i64), ValueHint::EpochMillis),
            Field::with_hint("c", json!(1_709_424_000i64), ValueHint::EpochSeconds),
            Field::new("plain", json!("2020-01-01T00:00:00Z")),
        ]),
        now(),
    );
    // a = 2024-03-01, b = 2024-03-02, c = 2024-03-03; an unhinted string is not a moment.
    assert_eq!(paths(&t), ["properties.a", "properties.b", "properties.c"]);
}

#[test]
fn last_seen_before_sign_up_is_flagged_as_in_the_documented_example() {
    let t = Timeline::of(
        &profile(vec![
            Field::with_hint(
                "signUpDate",
                json!(1_700_000_000_000i64),
                ValueHint::EpochMillis,
            ),
            Field::with_hint(
                "lastSeenDate",
                json!(1_600_000_000_000i64),
                ValueHint::EpochMillis,
            ),
            Field::with_hint(
                "leadDate",
                json!(1_500_000_000_000i64),
                ValueHint::EpochMillis,
            ),
        ]),
        now(),
    );
    let flags: Vec<(&str, bool)> = t
        .moments
        .iter()
        .map(|m| (m.label.as_str(), m.out_of_order))
        .collect();
    assert_eq!(
        flags,
        [
            ("leadDate", false),
            ("lastSeenDate", true),
            ("signUpDate", false)
        ]
    );
    let axis = layout(&t, 80, 8, now());
    let seen = axis.marks.iter().find(|m| m.out_of_order).unwrap();
    assert_eq!(seen.text, "⚠ lastSeenDate 2020-09-13");
    // In order: nothing flagged.
    let ok = Timeline::of(
        &profile(vec![
            iso("created_at", "2024-01-01T00:00:00Z"),
            iso("last_seen", "2024-02-01T00:00:00Z"),
        ]),
        now(),
    );
    assert!(ok.moments.iter().all(|m| !m.out_of_order));
}

#[test]
fn zero_null_and_unparseable_are_left_out_and_listed() {
    let t = Timeline::of(
        &profile(vec![
            Field::with_hint("zero", json!(0), ValueHint::EpochMillis),
            Field::with_hint("null", json!(null), ValueHint::EpochMillis),
            iso("blank", " "),
            iso("soon", "soon"),
            Field::with_hint("text_ms", json!("yesterday"), ValueHint::EpochMillis),
            iso("ok", "2024-01-01T00:00:00Z"),
        ]),
        now(),
    );
    assert_eq!(paths(&t), ["properties.ok"]);
    let left: Vec<(&str, LeftOutWhy)> = t
        .left_out
        .iter()
        .map(|l| (l.path.as_str(), l.why))
        .collect();
    assert_eq!(
        left,
        [
            ("properties.zero", LeftOutWhy::Zero),
            ("properties.null", LeftOutWhy::Empty),
            ("properties.blank", LeftOutWhy::Empty),
            ("properties.soon", LeftOutWhy::Unparseable),
            ("properties.text_ms", LeftOutWhy::Unparseable),
        ]
    );
    assert_eq!(
        layout(&t, 80, 8, now()).left_out,
        "left out: properties.zero (0), properties.null (empty), properties.blank (empty), \
         properties.soon (unparseable), properties.text_ms (unparseable)"
    );
}

#[test]
fn far_future_and_pre_1990_are_clamped_and_marked_suspicious() {
    let t = Timeline::of(
        &profile(vec![
            iso("ancient", "1970-01-02T00:00:00Z"),
            iso("fine", "2024-01-01T00:00:00Z"),
            Field::with_hint(
                "future",
                json!(32_503_680_000_000i64),
                ValueHint::EpochMillis,
            ),
            iso("tomorrow_ish", "2026-11-24T06:00:00Z"),
        ]),
        now(),
    );
    let got: Vec<(&str, DateTime<Utc>, Option<Suspicion>)> = t
        .moments
        .iter()
        .map(|m| (m.label.as_str(), m.placed, m.suspicious))
        .collect();
    assert_eq!(
        got,
        [
            ("ancient", earliest_believable(), Some(Suspicion::Ancient)),
            (
                "fine",
                Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap(),
                None
            ),
            // Within a day of now: clocks drift, not suspicious.
            (
                "tomorrow_ish",
                Utc.with_ymd_and_hms(2026, 11, 24, 6, 0, 0).unwrap(),
                None
            ),
            ("future", now(), Some(Suspicion::Future)),
        ]
    );
    assert_eq!(
        t.span(),
        Some((
            earliest_believable(),
            Utc.with_ymd_and_hms(2026, 11, 24, 6, 0, 0).unwrap()
        ))
    );
    let axis = layout(&t, 200, 8, now());
    assert_eq!(axis.marks.first().unwrap().text, "? ancient 1970-01-02");
    assert!(axis.marks.first().unwrap().suspicious);
    assert_eq!(axis.marks.last().unwrap().text, "? future 3000-01-01");
}

#[test]
fn thousands_of_moments_show_the_first_and_the_last_with_a_count() {
    let fields: Vec<Field> = (0..3000i64)
        .map(|i| {
            Field::with_hint(
                format!("t{i}"),
                json!(1_600_000_000_000i64 + i * 86_400_000),
                ValueHint::EpochMillis,
            )
        })
        .collect();
    let t = Timeline::of(&profile(fields), now());
    let (shown, more) = t.shown(8);
    let labels: Vec<&str> = shown.iter().map(|m| m.label.as_str()).collect();
    assert_eq!(labels, ["t0", "t1", "t2", "t3", "t4", "t5", "t6", "t2999"]);
    assert_eq!(more, 2992);
    let axis = layout(&t, 80, 8, now());
    assert!(axis.summary.ends_with(" · +2992 more"), "{}", axis.summary);
    assert!(axis.marks.len() <= 8);
    assert!(
        axis.marks
            .iter()
            .all(|m| m.column < 80 && m.label_column < 80)
    );
}

/// Two moments a year apart plus one in the middle, labelled 21 cells each.
fn three() -> Timeline {
    Timeline::of(
        &profile(vec![
            iso("created_at", "2024-01-01T00:00:00Z"),
            iso("lead_date_", "2024-07-02T00:00:00Z"),
            iso("last_seen_", "2024-12-31T00:00:00Z"),
        ]),
        now(),
    )
}

fn placed(axis: &Axis) -> Vec<(usize, usize, usize)> {
    axis.marks
        .iter()
        .map(|m| (m.column, m.row, m.label_column))
        .collect()
}

#[test]
fn the_axis_uses_the_full_width_at_200_columns_on_one_line() {
    let axis = layout(&three(), 200, 8, now());
    // 2024 has 366 days: July 2 is day 183 → 183/365 of 199 cells.
    assert_eq!(placed(&axis), [(0, 0, 0), (99, 0, 99), (199, 0, 179)]);
    assert_eq!(axis.label_rows, 1);
    assert_eq!(
        axis.summary,
        "2024-01-01 → 2024-12-31 · last: last_seen_, 1 year ago"
    );
}

#[test]
fn the_axis_stacks_labels_at_80_and_narrower() {
    let axis = layout(&three(), 80, 8, now());
    assert_eq!(placed(&axis), [(0, 0, 0), (39, 0, 39), (79, 1, 59)]);
    assert_eq!(axis.label_rows, 2);
    let axis = layout(&three(), 40, 8, now());
    assert_eq!(placed(&axis), [(0, 0, 0), (19, 1, 19), (39, 2, 19)]);
    assert_eq!(axis.label_rows, 3);
    // Narrower than a label: cut with an ellipsis, never past the edge.
    let axis = layout(&three(), 12, 8, now());
    assert!(axis.marks.iter().all(|m| m.text.ends_with('…')));
    assert!(
        axis.marks
            .iter()
            .all(|m| m.label_column + unicode_width::UnicodeWidthStr::width(m.text.as_str()) <= 12)
    );
}

#[test]
fn an_empty_profile_has_no_axis() {
    let t = Timeline::of(&Profile::default(), now());
    assert!(t.is_empty());
    let axis = layout(&t, 80, 8, now());
    assert_eq!(axis.marks, []);
    assert_eq!(axis.summary, "no timestamps");
}
