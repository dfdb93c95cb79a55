//! How a change is written: the stable JSON event of design §12
//! (`{"at": "2026-11-30T14:00:03Z", "path": "attributes.ticks", "old": 1, "new": 2}`, one per
//! line) and the readable line of `--format text`.
//!
//! `old` is `null` for an added place and `new` is `null` for a removed one (the text line
//! says which). An identity change is one event with the path `id` and the two profile ids.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use serde_json::Value;

use super::change::{Change, ChangeKind, Diff, type_name};
use crate::sanitize::sanitize;

/// The path an identity change is reported under.
pub const IDENTITY_PATH: &str = "id";

/// One change as the stable JSON event. Field order is the contract's.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Event<'a> {
    pub at: String,
    pub path: &'a str,
    pub old: Value,
    pub new: Value,
}

/// ISO 8601 UTC to the second, as every `at` is written.
pub fn at_text(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The events of one refresh, in the diff's order.
pub fn events(at: DateTime<Utc>, diff: &Diff) -> Vec<Event<'_>> {
    let stamp = at_text(at);
    match diff {
        Diff::Identity { old, new } => vec![Event {
            at: stamp,
            path: IDENTITY_PATH,
            old: old.clone().map_or(Value::Null, Value::String),
            new: new.clone().map_or(Value::Null, Value::String),
        }],
        Diff::Fields(changes) => changes
            .iter()
            .map(|c| Event {
                at: stamp.clone(),
                path: &c.path,
                old: c.old.clone().unwrap_or(Value::Null),
                new: c.new.clone().unwrap_or(Value::Null),
            })
            .collect(),
    }
}

/// One event as one line of JSON (no newline). Invisible controls are escaped as in every JSON
/// output, so the line is safe on a terminal and still the same values.
pub fn json_line(event: &Event<'_>) -> String {
    let text = serde_json::to_string(event).unwrap_or_else(|_| "{}".to_owned());
    crate::output::escape_invisible_controls(&text)
}

/// A value as it reads in a text line: compact JSON (strings quoted, so the type shows),
/// sanitized, shortened past `MAX_VALUE_CHARS`.
pub fn value_text(v: &Value) -> String {
    const MAX_VALUE_CHARS: usize = 200;
    let text = serde_json::to_string(v).unwrap_or_default();
    let text = sanitize(&text);
    if text.chars().count() > MAX_VALUE_CHARS {
        let cut: String = text.chars().take(MAX_VALUE_CHARS).collect();
        format!("{cut}…")
    } else {
        text.into_owned()
    }
}

/// One change as a readable line (no newline), every vendor string sanitized:
/// `14:00:03  changed  attributes.ticks: 1 → 2`.
pub fn text_line(at: DateTime<Utc>, change: &Change) -> String {
    let path = sanitize(&change.path);
    let stamp = at_text(at);
    let word = change.kind.word();
    let old = change.old.as_ref().map(value_text);
    let new = change.new.as_ref().map(value_text);
    match (change.kind, old, new) {
        (ChangeKind::Added, _, Some(new)) => format!("{stamp}  {word}  {path}: {new}"),
        (ChangeKind::Removed, Some(old), _) => format!("{stamp}  {word}  {path} (was {old})"),
        (ChangeKind::TypeChanged, Some(old), Some(new)) => {
            let types = match (&change.old, &change.new) {
                (Some(a), Some(b)) => format!(" ({} → {})", type_name(a), type_name(b)),
                _ => String::new(),
            };
            format!("{stamp}  {word}  {path}: {old} → {new}{types}")
        }
        (_, old, new) => format!(
            "{stamp}  {word}  {path}: {} → {}",
            old.as_deref().unwrap_or("null"),
            new.as_deref().unwrap_or("null")
        ),
    }
}

/// An identity change, loudly: the ID now answers with someone else.
pub fn identity_line(at: DateTime<Utc>, old: Option<&str>, new: Option<&str>) -> String {
    let id = |v: Option<&str>| v.map_or_else(|| "none".to_owned(), |s| sanitize(s).into_owned());
    format!(
        "{}  IDENTITY CHANGED: this lookup now finds a different person (id {} → {})",
        at_text(at),
        id(old),
        id(new)
    )
}

/// The text lines of one refresh.
pub fn text_lines(at: DateTime<Utc>, diff: &Diff) -> Vec<String> {
    match diff {
        Diff::Identity { old, new } => vec![identity_line(at, old.as_deref(), new.as_deref())],
        Diff::Fields(changes) => changes.iter().map(|c| text_line(at, c)).collect(),
    }
}
