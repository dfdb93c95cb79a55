//! How values read on screen and in `get --format text`: one line, absent as `—`,
//! timestamps as ISO 8601 UTC plus a relative age.

use chrono::{DateTime, NaiveDateTime, Timelike, Utc};
use serde_json::Value;

use crate::profile::{Field, ValueHint};

/// Shown for absent values (never the words `null`/`None`).
pub const ABSENT: &str = "—";

/// Shown for a value the vendor sent as an empty string: it did say something (unlike null or
/// a missing field), so it must not read as `—`.
pub const EMPTY_STRING: &str = "\"\"";

/// One-line text of a JSON value: strings as is (the empty string as `""`), numbers in
/// decimal, null as `—`, arrays/objects as compact JSON. Not sanitized: callers sanitize
/// before drawing.
pub fn value_text(value: &Value) -> String {
    match value {
        Value::Null => ABSENT.to_owned(),
        Value::String(s) if s.is_empty() => EMPTY_STRING.to_owned(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A timestamp as `2024-03-01T10:00:00Z (3 days ago)`, or `None` when the value is not one
/// (the caller then shows the raw text). Epoch `0` is `unknown`, never 1970 (design §3).
pub fn timestamp_text(value: &Value, hint: ValueHint, now: DateTime<Utc>) -> Option<String> {
    let at = match (hint, value) {
        (ValueHint::IsoTimestamp, Value::String(s)) => parse_iso(s)?,
        (ValueHint::EpochMillis, Value::Number(n)) => {
            let millis = n.as_i64()?;
            if millis == 0 {
                return Some("unknown".to_owned());
            }
            DateTime::from_timestamp_millis(millis)?
        }
        (ValueHint::EpochSeconds, Value::Number(n)) => {
            let seconds = n.as_i64()?;
            if seconds == 0 {
                return Some("unknown".to_owned());
            }
            DateTime::from_timestamp(seconds, 0)?
        }
        _ => return None,
    };
    // Age from the second shown, so "10:00:00Z" is never "2 days" ago when the text says 3.
    let at = at.with_nanosecond(0).unwrap_or(at);
    Some(format!(
        "{} ({})",
        at.format("%Y-%m-%dT%H:%M:%SZ"),
        relative_age(at, now)
    ))
}

/// An ISO 8601 timestamp as UTC. Accepts RFC 3339 (any offset, `Z`, fractions) and, because
/// some vendors omit the offset, a date-time without one, read as UTC.
pub fn parse_iso(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.with_timezone(&Utc));
    }
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        .map(|naive| naive.and_utc())
}

/// "just now", "5 minutes ago", "in 2 days": the largest whole unit, months as 30 days and
/// years as 365 (a glance, not a calendar).
pub fn relative_age(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let seconds = (now - at).num_seconds();
    let span = seconds.unsigned_abs();
    const MINUTE: u64 = 60;
    const HOUR: u64 = 60 * MINUTE;
    const DAY: u64 = 24 * HOUR;
    if span < MINUTE {
        return "just now".to_owned();
    }
    let (count, unit) = if span < HOUR {
        (span / MINUTE, "minute")
    } else if span < DAY {
        (span / HOUR, "hour")
    } else if span < 30 * DAY {
        (span / DAY, "day")
    } else if span < 365 * DAY {
        (span / (30 * DAY), "month")
    } else {
        (span / (365 * DAY), "year")
    };
    let plural = if count == 1 { "" } else { "s" };
    if seconds >= 0 {
        format!("{count} {unit}{plural} ago")
    } else {
        format!("in {count} {unit}{plural}")
    }
}

/// The text of a field's value, timestamps humanized.
pub fn field_text(field: &Field, now: DateTime<Utc>) -> String {
    if let (ValueHint::Days, Some(days)) = (field.hint, field.value.as_f64()) {
        return days_text(days);
    }
    timestamp_text(&field.value, field.hint, now).unwrap_or_else(|| value_text(&field.value))
}

/// A number of days as words: `1 day`, `30 days`, `0.5 days`.
fn days_text(days: f64) -> String {
    let unit = if days == 1.0 { "day" } else { "days" };
    format!("{days} {unit}")
}

/// A segment's summary line followed by its further members as pretty JSON, for the detail
/// popup; `None` when it has no further members.
pub fn segment_detail(s: &crate::profile::Segment, summary: &str) -> Option<String> {
    if s.details.is_empty() {
        return None;
    }
    let details: serde_json::Map<String, serde_json::Value> = s
        .details
        .iter()
        .map(|f| (f.key.clone(), f.value.clone()))
        .collect();
    serde_json::to_string_pretty(&details)
        .ok()
        .map(|d| format!("{summary}\n{d}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use serde_json::json;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 3, 4, 10, 0, 0).unwrap()
    }

    fn iso(text: &str) -> Option<String> {
        timestamp_text(&json!(text), ValueHint::IsoTimestamp, now())
    }

    #[test]
    fn iso_timestamps_are_utc_with_seconds_and_an_age() {
        assert_eq!(
            iso("2024-03-01T10:00:00Z").as_deref(),
            Some("2024-03-01T10:00:00Z (3 days ago)")
        );
        assert_eq!(
            iso("2024-03-01T11:00:00.987+01:00").as_deref(),
            Some("2024-03-01T10:00:00Z (3 days ago)")
        );
        assert_eq!(
            iso("2017-06-07T10:29:15.955873Z").as_deref(),
            Some("2017-06-07T10:29:15Z (6 years ago)")
        );
        assert_eq!(
            iso("2024-03-04T09:55:00").as_deref(),
            Some("2024-03-04T09:55:00Z (5 minutes ago)")
        );
        assert_eq!(iso("not a date"), None);
        assert_eq!(iso(""), None);
        assert_eq!(
            timestamp_text(&json!(5), ValueHint::IsoTimestamp, now()),
            None
        );
    }

    #[test]
    fn epoch_millis_are_shown_and_zero_is_unknown() {
        let at = Utc
            .with_ymd_and_hms(2024, 3, 4, 7, 0, 0)
            .unwrap()
            .timestamp_millis();
        assert_eq!(
            timestamp_text(&json!(at), ValueHint::EpochMillis, now()).as_deref(),
            Some("2024-03-04T07:00:00Z (3 hours ago)")
        );
        assert_eq!(
            timestamp_text(&json!(0), ValueHint::EpochMillis, now()).as_deref(),
            Some("unknown")
        );
        assert_eq!(
            timestamp_text(&json!("1700000000000"), ValueHint::EpochMillis, now()),
            None
        );
        assert_eq!(
            timestamp_text(&json!(1.5), ValueHint::EpochMillis, now()),
            None
        );
        assert_eq!(
            timestamp_text(&json!(i64::MAX), ValueHint::EpochMillis, now()),
            None
        );
        assert_eq!(
            timestamp_text(&json!(null), ValueHint::EpochMillis, now()),
            None
        );
    }

    #[test]
    fn an_empty_string_is_not_absent() {
        assert_eq!(value_text(&json!("")), "\"\"");
        assert_eq!(value_text(&json!(null)), "—");
        assert_eq!(value_text(&json!("x")), "x");
        assert_eq!(value_text(&json!([])), "[]");
    }

    #[test]
    fn plain_values_are_not_timestamps() {
        assert_eq!(
            timestamp_text(&json!("2024-03-01T10:00:00Z"), ValueHint::Plain, now()),
            None
        );
    }

    #[test]
    fn relative_age_uses_the_largest_whole_unit() {
        let ago = |seconds: i64| relative_age(now() - chrono::Duration::seconds(seconds), now());
        assert_eq!(ago(0), "just now");
        assert_eq!(ago(59), "just now");
        assert_eq!(ago(60), "1 minute ago");
        assert_eq!(ago(5 * 60), "5 minutes ago");
        assert_eq!(ago(3 * 3600), "3 hours ago");
        assert_eq!(ago(86_400), "1 day ago");
        assert_eq!(ago(3 * 86_400), "3 days ago");
        assert_eq!(ago(65 * 86_400), "2 months ago");
        assert_eq!(ago(4 * 366 * 86_400), "4 years ago");
        assert_eq!(ago(-2 * 86_400), "in 2 days");
        assert_eq!(ago(-30), "just now");
    }

    #[test]
    fn days_read_as_days() {
        let days = |v: Value| field_text(&Field::with_hint("t", v, ValueHint::Days), now());
        assert_eq!(days(json!(30)), "30 days");
        assert_eq!(days(json!(1)), "1 day");
        assert_eq!(days(json!(0.5)), "0.5 days");
        assert_eq!(days(json!("soon")), "soon");
    }

    #[test]
    fn field_text_humanizes_only_hinted_timestamps() {
        let field = Field::with_hint("signUpDate", json!(0), ValueHint::EpochMillis);
        assert_eq!(field_text(&field, now()), "unknown");
        let field = Field::with_hint("t", json!("soon"), ValueHint::IsoTimestamp);
        assert_eq!(field_text(&field, now()), "soon");
        assert_eq!(field_text(&Field::new("n", json!(null)), now()), "—");
    }
}
