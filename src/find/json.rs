//! The stable JSON of a find (design §9): `query`, `results` (one object per connection) and
//! `merged`. Field names and status words are a contract; keep them exactly.

use serde_json::{Map, Value, json};

use super::FindReport;
use super::row::{Row, Status};

/// The whole document.
pub fn document(report: &FindReport) -> Value {
    json!({
        "query": report.query,
        "results": report.rows.iter().map(result).collect::<Vec<_>>(),
        "merged": report.merged,
    })
}

/// Pretty-printed, one trailing newline, invisible controls escaped (as `get` does: a
/// terminal may act on C1 controls and bidi overrides that JSON leaves raw).
pub fn render(report: &FindReport) -> Result<String, serde_json::Error> {
    let mut text =
        crate::output::escape_invisible_controls(&serde_json::to_string_pretty(&document(report))?);
    text.push('\n');
    Ok(text)
}

/// One `results` entry. Asked rows carry `by`, `value`, `via` and `elapsedMs`; found rows the
/// §3 profile and its warnings; errors `exitCode` and the one-line `error`; skipped and
/// no-key rows a `reason`.
pub fn result(row: &Row) -> Value {
    let mut out = Map::new();
    out.insert("connection".into(), json!(row.connection));
    out.insert("vendor".into(), json!(row.vendor.as_str()));
    let asked = !matches!(row.status, Status::Skipped { .. } | Status::NoKey { .. });
    if asked && let Some(lookup) = &row.lookup {
        out.insert("by".into(), json!(lookup.by.as_str()));
        out.insert("value".into(), json!(lookup.value));
        out.insert("via".into(), json!(row.via));
    }
    out.insert("status".into(), json!(row.status.word()));
    if let Some(elapsed) = row.status.elapsed() {
        let ms = u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX);
        out.insert("elapsedMs".into(), json!(ms));
    }
    match &row.status {
        Status::Found { outcome, .. } => {
            out.insert("profile".into(), json!(outcome.profile));
            out.insert("warnings".into(), json!(outcome.warnings));
        }
        Status::Error {
            exit_code, message, ..
        } => {
            out.insert("exitCode".into(), json!(exit_code));
            out.insert("error".into(), json!(message));
        }
        Status::Skipped { reason } | Status::NoKey { reason } => {
            out.insert("reason".into(), json!(reason));
        }
        Status::NotFound { .. } | Status::Waiting | Status::Running => {}
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::vendors::{Lookup, VendorKind};

    fn row(status: Status, lookup: Option<Lookup>) -> Row {
        Row {
            connection: "team-a".into(),
            vendor: VendorKind::first(),
            lookup,
            via: Some("email from b".into()),
            status,
        }
    }

    #[test]
    fn each_status_has_exactly_its_fields() {
        let vendor = VendorKind::first().as_str();
        let kind = VendorKind::first().default_lookup();
        let lookup = Some(Lookup::new(kind, "acct-1"));
        let skipped = result(&row(
            Status::Skipped {
                reason: "cannot".into(),
            },
            None,
        ));
        assert_eq!(
            skipped,
            json!({"connection": "team-a", "vendor": vendor, "status": "skipped", "reason": "cannot"})
        );
        let error = result(&row(
            Status::Error {
                elapsed: Duration::from_millis(41),
                exit_code: 6,
                message: "boom".into(),
            },
            lookup.clone(),
        ));
        assert_eq!(
            error,
            json!({"connection": "team-a", "vendor": vendor, "by": kind.as_str(), "value": "acct-1",
                   "via": "email from b", "status": "error", "elapsedMs": 41, "exitCode": 6, "error": "boom"})
        );
        let not_found = result(&row(
            Status::NotFound {
                elapsed: Duration::from_millis(7),
            },
            lookup,
        ));
        let keys: Vec<&String> = not_found.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "connection",
                "vendor",
                "by",
                "value",
                "via",
                "status",
                "elapsedMs"
            ]
        );
    }

    #[test]
    fn invisible_controls_are_escaped() {
        assert_eq!(
            crate::output::escape_invisible_controls("\"a\u{202e}b\u{85}\""),
            "\"a\\u202eb\\u0085\""
        );
    }
}
