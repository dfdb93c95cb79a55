//! How values read on screen and in `get --format text`: one line, absent as `—`,
//! timestamps as ISO 8601 UTC plus a relative age. SKELETON: being written.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::profile::{Field, ValueHint};

/// Shown for absent values (never the words `null`/`None`).
pub const ABSENT: &str = "—";

/// One-line text of a JSON value: strings as is, numbers in decimal, null as `—`,
/// arrays/objects as compact JSON. Not sanitized: callers sanitize before drawing.
pub fn value_text(value: &Value) -> String {
    match value {
        Value::Null => ABSENT.to_owned(),
        Value::String(s) if s.is_empty() => ABSENT.to_owned(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A timestamp as `2024-03-01T10:00:00Z (3 days ago)`, or `None` when the value is not one.
pub fn timestamp_text(_value: &Value, _hint: ValueHint, _now: DateTime<Utc>) -> Option<String> {
    None
}

/// The text of a field's value, timestamps humanized.
pub fn field_text(field: &Field, now: DateTime<Utc>) -> String {
    timestamp_text(&field.value, field.hint, now).unwrap_or_else(|| value_text(&field.value))
}
