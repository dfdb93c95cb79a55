//! How `userscope get` prints an outcome: `text` for a person, `json` in the stable model of
//! design §3, `raw` as the body byte for byte. Pure functions of the outcome (and the clock).

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::value::RawValue;
use unicode_width::UnicodeWidthStr;

use crate::display::{ABSENT, field_text};
use crate::lookup::{LookupOutcome, RequestInfo};
use crate::profile::{Field, Profile, Section, Segment};
use crate::sanitize::sanitize;
use crate::vendors::{Lookup, VendorKind};

/// Keys wider than this do not push every value in a section to the right.
const MAX_KEY_COLUMN: usize = 40;
const INDENT: &str = "  ";

/// The stable JSON document (design §3).
#[derive(Serialize)]
struct JsonDocument<'a> {
    vendor: &'static str,
    lookup: &'a Lookup,
    request: &'a RequestInfo,
    profile: &'a Profile,
    raw: &'a RawValue,
    warnings: &'a [String],
}

/// `--format json`: pretty-printed, `raw` the vendor's body verbatim.
pub fn render_json(outcome: &LookupOutcome) -> Result<String, serde_json::Error> {
    let raw: &RawValue = serde_json::from_slice(&outcome.raw)?;
    let doc = JsonDocument {
        vendor: outcome.vendor.as_str(),
        lookup: &outcome.lookup,
        request: &outcome.request,
        profile: &outcome.profile,
        raw,
        warnings: &outcome.warnings,
    };
    let mut text = escape_invisible_controls(&serde_json::to_string_pretty(&doc)?);
    text.push('\n');
    Ok(text)
}

/// serde_json (and the verbatim `raw`) leave C1 controls, DEL and bidi overrides unescaped,
/// and a terminal may act on them. Outside strings JSON has no such characters, so writing them
/// as `\uXXXX` keeps the document valid and its values equal.
pub fn escape_invisible_controls(json: &str) -> String {
    let needs = |c: char| matches!(c, '\u{7f}'..='\u{9f}' | '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}');
    if !json.chars().any(needs) {
        return json.to_owned();
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if needs(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// `--format text`: a readable summary. Every vendor string is sanitized.
pub fn render_text(outcome: &LookupOutcome, now: DateTime<Utc>) -> String {
    let vendor = outcome.vendor;
    let p = &outcome.profile;
    let mut out = String::new();

    let title = p
        .display_name
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .or(p.id.as_deref())
        .unwrap_or(ABSENT);
    let _ = writeln!(out, "{}", sanitize(title));
    let vendor_text = format!(
        "{} ({})",
        vendor.display_name(),
        sanitize(&outcome.connection)
    );
    let lookup_text = format!("{} {}", outcome.lookup.by, sanitize(&outcome.lookup.value));
    let header = [
        ("Email", opt_text(p.email.as_deref())),
        ("Kind", opt_text(p.kind.as_deref())),
        ("Vendor", vendor_text),
        ("ID", opt_text(p.id.as_deref())),
        ("Lookup", lookup_text),
    ];
    write_rows(
        &mut out,
        header.iter().map(|(k, v)| (k.to_string(), v.clone())),
    );

    section(
        &mut out,
        "Properties",
        vendor,
        Section::Properties,
        fields(&p.properties, now),
    );
    section(
        &mut out,
        "Tags",
        vendor,
        Section::Tags,
        fields(&p.tags, now),
    );
    section(
        &mut out,
        "Segments",
        vendor,
        Section::Segments,
        segments(&p.segments, now),
    );
    section(
        &mut out,
        "Attributes",
        vendor,
        Section::Attributes,
        fields(&p.attributes, now),
    );
    let location: Vec<(String, String)> = p
        .location
        .entries()
        .into_iter()
        .filter_map(|(label, value)| value.map(|v| (label.to_owned(), opt_text(Some(v)))))
        .collect();
    section(&mut out, "Location", vendor, Section::Location, location);

    if !outcome.warnings.is_empty() {
        let _ = writeln!(out, "\nWarnings");
        for warning in &outcome.warnings {
            let _ = writeln!(out, "{INDENT}- {}", sanitize(warning));
        }
    }
    let r = &outcome.request;
    let _ = writeln!(
        out,
        "\n{} {} → {} in {} ms",
        r.method,
        sanitize(&r.url),
        r.status,
        r.elapsed_ms
    );
    out
}

fn opt_text(value: Option<&str>) -> String {
    match value {
        Some(v) if !v.is_empty() => sanitize(v).into_owned(),
        _ => ABSENT.to_owned(),
    }
}

fn fields(list: &[Field], now: DateTime<Utc>) -> Vec<(String, String)> {
    list.iter()
        .map(|f| {
            (
                sanitize(&f.key).into_owned(),
                sanitize(&field_text(f, now)).into_owned(),
            )
        })
        .collect()
}

/// A segment as `name (id)` plus its further details on the same line.
fn segments(list: &[Segment], now: DateTime<Utc>) -> Vec<(String, String)> {
    list.iter()
        .map(|s| {
            let name = opt_text(s.name.as_deref());
            let id =
                s.id.as_deref()
                    .filter(|id| !id.is_empty())
                    .map(|id| format!("id {}", sanitize(id)));
            let details: Vec<String> = s
                .details
                .iter()
                .map(|f| format!("{}: {}", sanitize(&f.key), sanitize(&field_text(f, now))))
                .collect();
            let rest: Vec<String> = id.into_iter().chain(details).collect();
            (name, rest.join(", "))
        })
        .collect()
}

fn section(
    out: &mut String,
    title: &str,
    vendor: VendorKind,
    which: Section,
    rows: Vec<(String, String)>,
) {
    let _ = writeln!(out, "\n{title}");
    if !vendor.provides(which) {
        let _ = writeln!(
            out,
            "{INDENT}{} does not provide {}",
            vendor.display_name(),
            title.to_lowercase()
        );
    } else if rows.is_empty() {
        let _ = writeln!(out, "{INDENT}none");
    } else {
        write_rows(out, rows.into_iter());
    }
}

/// `key  value` rows with the values aligned by display width (CJK and emoji count double).
fn write_rows(out: &mut String, rows: impl Iterator<Item = (String, String)>) {
    let rows: Vec<(String, String)> = rows.collect();
    let column = rows
        .iter()
        .map(|(k, _)| k.width())
        .filter(|w| *w <= MAX_KEY_COLUMN)
        .max()
        .unwrap_or(0);
    for (key, value) in rows {
        let pad = column.saturating_sub(key.width());
        if value.is_empty() {
            let _ = writeln!(out, "{INDENT}{key}");
        } else {
            let _ = writeln!(out, "{INDENT}{key}{}  {value}", " ".repeat(pad));
        }
    }
}
