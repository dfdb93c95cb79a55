//! Equality by meaning: emails ignore case, `1` equals `1.0` and `"1"`, and two timestamps
//! (ISO text, epoch seconds or milliseconds) are equal when they name the same millisecond.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::display::parse_iso;
use crate::profile::{Field, ValueHint};

pub(super) fn is_timestamp(hint: ValueHint) -> bool {
    matches!(
        hint,
        ValueHint::IsoTimestamp | ValueHint::EpochMillis | ValueHint::EpochSeconds
    )
}

/// The instant a hinted timestamp names, to the millisecond (epoch `0` means unknown: none).
pub fn instant(value: &Value, hint: ValueHint) -> Option<DateTime<Utc>> {
    let at = match (hint, value) {
        (ValueHint::IsoTimestamp, Value::String(s)) => parse_iso(s)?,
        (ValueHint::EpochMillis, Value::Number(n)) => {
            let millis = n.as_i64().filter(|m| *m != 0)?;
            DateTime::from_timestamp_millis(millis)?
        }
        (ValueHint::EpochSeconds, Value::Number(n)) => {
            let secs = n.as_i64().filter(|s| *s != 0)?;
            DateTime::from_timestamp(secs, 0)?
        }
        _ => return None,
    };
    DateTime::from_timestamp_millis(at.timestamp_millis())
}

/// Two fields' values by meaning: both hinted as timestamps → the same instant; otherwise
/// `values_equal`.
pub fn fields_equal(a: &Field, b: &Field) -> bool {
    if is_timestamp(a.hint)
        && is_timestamp(b.hint)
        && let (Some(x), Some(y)) = (instant(&a.value, a.hint), instant(&b.value, b.hint))
    {
        return x == y;
    }
    values_equal(&a.value, &b.value)
}

/// JSON values by meaning: strings trimmed (emails without case), numbers as numbers (also
/// when one side sent `"48"`), booleans also as `"true"`, null equal to a blank string;
/// arrays in order and objects by key, recursively.
pub fn values_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Null, Value::String(s)) | (Value::String(s), Value::Null) => s.trim().is_empty(),
        (Value::String(x), Value::String(y)) => strings_equal(x, y),
        (Value::Number(x), Value::Number(y)) => numbers_equal(x, y),
        (Value::Number(n), Value::String(s)) | (Value::String(s), Value::Number(n)) => s
            .trim()
            .parse::<serde_json::Number>()
            .is_ok_and(|parsed| numbers_equal(n, &parsed)),
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Bool(x), Value::String(s)) | (Value::String(s), Value::Bool(x)) => s
            .trim()
            .eq_ignore_ascii_case(if *x { "true" } else { "false" }),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| values_equal(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| values_equal(v, w)))
        }
        _ => false,
    }
}

fn looks_like_email(s: &str) -> bool {
    let mut parts = s.split('@');
    matches!(
        (parts.next(), parts.next(), parts.next()),
        (Some(user), Some(domain), None) if !user.is_empty() && domain.contains('.') && !s.contains(char::is_whitespace)
    )
}

fn strings_equal(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim(), b.trim());
    a == b || (looks_like_email(a) && looks_like_email(b) && a.eq_ignore_ascii_case(b))
}

/// Integers exactly (IDs above 2⁵³ must not round together); anything else as `f64`, so `1`
/// equals `1.0`.
fn numbers_equal(a: &serde_json::Number, b: &serde_json::Number) -> bool {
    if let (Some(x), Some(y)) = (a.as_i64(), b.as_i64()) {
        return x == y;
    }
    if let (Some(x), Some(y)) = (a.as_u64(), b.as_u64()) {
        return x == y;
    }
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => a.to_string() == b.to_string(),
    }
}
