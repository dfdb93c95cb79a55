//! The rows of the key/value panes, sanitized and ready to draw: the small panes' builders
//! (Overview, Segments, Location, Request) and how one profile field becomes a row.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::display::{ABSENT, EMPTY_STRING, field_text, timestamp_text};
use crate::lookup::{LookupOutcome, Origin};
use crate::profile::{Field, Section, ValueHint};
use crate::sanitize::sanitize;
use crate::vendors::VendorKind;

pub fn section_noun(section: Section) -> &'static str {
    match section {
        Section::Properties => "properties",
        Section::Tags => "tags",
        Section::Segments => "segments",
        Section::Attributes => "attributes",
        Section::Location => "location",
    }
}

/// "Vemetric has no tags" (the vendor has no such concept) vs "No tags for this user".
pub fn empty_text(vendor: VendorKind, section: Section) -> String {
    if vendor.provides(section) {
        format!("No {} for this user", section_noun(section))
    } else {
        format!("{} has no {}", vendor.display_name(), section_noun(section))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowKind {
    Normal,
    Heading,
    Warning,
    Muted,
}

/// One row of a key/value pane, sanitized and ready to draw.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub key: String,
    pub value: String,
    pub kind: RowKind,
    /// Shown in the detail popup instead of `value` when set (pretty JSON, raw timestamp).
    pub detail: Option<String>,
    /// A timestamp fact of the Overview: its value is formatted again as the row is drawn,
    /// so its age ("3 minutes ago") follows the clock.
    pub live: Option<Box<Field>>,
}

impl Row {
    pub(super) fn new(key: impl AsRef<str>, value: impl AsRef<str>) -> Row {
        Row {
            key: sanitize(key.as_ref()).into_owned(),
            value: sanitize(value.as_ref()).into_owned(),
            kind: RowKind::Normal,
            detail: None,
            live: None,
        }
    }

    /// The row as drawn at `now` (a live timestamp gets its current age).
    pub fn at(mut self, now: DateTime<Utc>) -> Row {
        if let Some(field) = &self.live {
            self.value = sanitize(&super::facts::fact_text(field, now)).into_owned();
        }
        self
    }

    fn kind(mut self, kind: RowKind) -> Row {
        self.kind = kind;
        self
    }

    fn opt(key: &str, value: Option<&str>) -> Row {
        Row::new(key, value.filter(|v| !v.is_empty()).unwrap_or(ABSENT))
    }
}

/// `display::field_text` (what the row shows, before sanitizing), borrowed from the field
/// where it can be and otherwise written into `buf`, which is reused from row to row.
pub(super) fn field_match_text<'a>(
    field: &'a Field,
    now: DateTime<Utc>,
    buf: &'a mut String,
) -> &'a str {
    if field.hint != ValueHint::Plain
        && let Some(text) = timestamp_text(&field.value, field.hint, now)
    {
        *buf = text;
        return buf;
    }
    match &field.value {
        Value::Null => ABSENT,
        Value::String(s) if s.is_empty() => EMPTY_STRING,
        Value::String(s) => s,
        Value::Bool(true) => "true",
        Value::Bool(false) => "false",
        other => {
            use std::fmt::Write as _;
            buf.clear();
            // Writing to a String cannot fail.
            let _ = write!(buf, "{other}");
            buf
        }
    }
}

pub(super) fn field_row(field: &Field, now: DateTime<Utc>) -> Row {
    let text = field_text(field, now);
    let mut row = Row::new(&field.key, &text);
    row.detail = match &field.value {
        Value::Array(_) | Value::Object(_) => serde_json::to_string_pretty(&field.value).ok(),
        Value::String(s) if *s != text => Some(format!("{text}\nraw: {s}")),
        Value::Number(n) if n.to_string() != text => Some(format!("{text}\nraw: {n}")),
        _ => None,
    };
    row
}

/// What a count says while `userscope open` is still reading the file.
const LOADING: &str = "loading…";

/// How many tags the Overview names before "and N more".
const OVERVIEW_TAGS: usize = 5;

/// The Overview as a dashboard: who it is, then what an operator asks first (created, last
/// seen, plan or status, where, segments, the first tags, warnings), then the counts. While
/// `loading`, every count says so instead of "none".
pub(super) fn overview_rows(o: &LookupOutcome, loading: bool) -> Vec<Row> {
    let p = &o.profile;
    let vendor = o.vendor;
    let count = |section: Section, n: usize| {
        if loading {
            LOADING.to_owned()
        } else if n == 0 {
            empty_text(vendor, section)
        } else {
            n.to_string()
        }
    };
    let mut rows = vec![
        Row::opt("Name", p.display_name.as_deref()),
        Row::opt("Email", p.email.as_deref()),
        Row::opt("Kind", p.kind.as_deref()),
        Row::opt("ID", p.id.as_deref()),
        Row::new(
            "Vendor",
            format!("{} (connection {})", vendor.display_name(), o.connection),
        ),
        Row::new(
            "Looked up by",
            format!("{} = {}", o.lookup.by, o.lookup.value),
        ),
    ];
    // The facts (timestamps are drawn with their age at the time of drawing: `Row::at`).
    for fact in super::facts::fact_fields(p) {
        let mut row = Row::new(fact.label, crate::display::value_text(&fact.field.value));
        row.detail = Some(format!(
            "{} (from {} {})",
            crate::display::value_text(&fact.field.value),
            fact.section,
            fact.field.key
        ));
        row.live = Some(Box::new(fact.field.clone()));
        rows.push(row);
    }
    rows.push(Row::new(
        "Location",
        super::facts::location_line(&p.location).unwrap_or_else(|| count(Section::Location, 0)),
    ));
    if !p.segments.is_empty() {
        let names: Vec<&str> = p
            .segments
            .iter()
            .filter_map(|s| s.name.as_deref().or(s.id.as_deref()))
            .collect();
        rows.push(Row::new("Segments", names.join(", ")));
    }
    if !p.tags.is_empty() {
        let mut shown: Vec<String> = p
            .tags
            .iter()
            .take(OVERVIEW_TAGS)
            .map(|t| match &t.value {
                Value::String(v) if !v.is_empty() && *v != t.key => format!("{}={v}", t.key),
                _ => t.key.clone(),
            })
            .collect();
        if p.tags.len() > OVERVIEW_TAGS {
            shown.push(format!("and {} more", p.tags.len() - OVERVIEW_TAGS));
        }
        rows.push(Row::new("Tags", shown.join(", ")));
    }
    if loading {
        rows.push(Row::new("Warnings", LOADING));
    } else if o.warnings.is_empty() {
        rows.push(
            Row::new(
                "Warnings",
                "none: the payload matches the documented contract",
            )
            .kind(RowKind::Muted),
        );
    } else {
        rows.push(
            Row::new(
                format!("Warnings ({})", o.warnings.len()),
                "Enter on one shows it in Raw",
            )
            .kind(RowKind::Heading),
        );
        for w in &o.warnings {
            let mut row = Row::new("⚠", w).kind(RowKind::Warning);
            row.detail = Some(w.clone());
            rows.push(row);
        }
    }
    rows.push(Row::new("Counts", "").kind(RowKind::Heading));
    rows.extend([
        Row::new("Properties", count(Section::Properties, p.properties.len())),
        Row::new("Tags", count(Section::Tags, p.tags.len())),
        Row::new("Segments", count(Section::Segments, p.segments.len())),
        Row::new("Attributes", count(Section::Attributes, p.attributes.len())),
        if o.origin == Origin::File {
            Row::new("Request", format!("none: opened from {}", o.request.url))
        } else {
            Row::new(
                "Request",
                format!(
                    "{} → HTTP {} in {} ms",
                    o.request.method, o.request.status, o.request.elapsed_ms
                ),
            )
        },
    ]);
    rows
}

pub(super) fn segment_rows(o: &LookupOutcome) -> Vec<Row> {
    let mut rows = Vec::new();
    for s in &o.profile.segments {
        let name = s.name.as_deref().or(s.id.as_deref()).unwrap_or(ABSENT);
        let id =
            s.id.as_deref()
                .map(|id| format!("id {id}"))
                .unwrap_or_default();
        let mut row = Row::new(name, id).kind(RowKind::Heading);
        row.detail = crate::display::segment_detail(s, &row.value);
        rows.push(row);
        for f in &s.details {
            let mut detail = Row::new(format!("  {}", f.key), crate::display::value_text(&f.value));
            if matches!(f.value, Value::Array(_) | Value::Object(_)) {
                detail.detail = serde_json::to_string_pretty(&f.value).ok();
            }
            rows.push(detail);
        }
    }
    rows
}

pub(super) fn location_rows(o: &LookupOutcome) -> Vec<Row> {
    if o.profile.location.is_empty() {
        return Vec::new();
    }
    o.profile
        .location
        .entries()
        .iter()
        .map(|(label, value)| Row::opt(label, *value))
        .collect()
}

pub(super) fn request_rows(o: &LookupOutcome) -> Vec<Row> {
    let r = &o.request;
    if o.origin == Origin::File {
        return vec![
            Row::new("Source", format!("opened from {}", r.url)),
            Row::new("Body size", format!("{} bytes", o.raw.len())),
            Row::new("Network", "none: no request was made").kind(RowKind::Muted),
        ];
    }
    let mut rows = vec![
        Row::new("Method", &r.method),
        Row::new("URL", &r.url),
        Row::new("Status", r.status.to_string()),
        Row::new("Elapsed", format!("{} ms", r.elapsed_ms)),
        Row::new("Body size", format!("{} bytes", o.raw.len())),
    ];
    if !r.request_headers.is_empty() {
        rows.push(Row::new("Request headers", "").kind(RowKind::Heading));
        rows.extend(r.request_headers.iter().map(|(k, v)| header_row(k, v)));
    }
    rows.push(Row::new("Response headers", "").kind(RowKind::Heading));
    if r.response_headers.is_empty() {
        rows.push(Row::new("  —", "none recorded").kind(RowKind::Muted));
    }
    rows.extend(r.response_headers.iter().map(|(k, v)| header_row(k, v)));
    rows
}

/// Headers arrive redacted from the lookup; redact again here so a header added later can never
/// show a secret on screen.
fn header_row(name: &str, value: &str) -> Row {
    let lower = name.to_ascii_lowercase();
    // The same names `http::record_response_headers` redacts (any `key`, e.g. `X-Echo-Key`).
    let secret = ["authorization", "cookie", "key", "token", "secret"]
        .iter()
        .any(|s| lower.contains(s));
    let shown = if secret && !value.ends_with("[redacted]") {
        "[redacted]"
    } else {
        value
    };
    Row::new(format!("  {name}"), shown)
}
