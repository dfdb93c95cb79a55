//! `userscope find --format text`: the status board (connection, status, time, name, email or
//! the reason / error), then the conflicts, then the agreeing fields. Every vendor string is
//! sanitized; a pure function of the report.

use std::fmt::Write as _;

use unicode_width::UnicodeWidthStr;

use crate::compare::merge::MergedField;
use crate::display::{ABSENT, value_text};
use crate::sanitize::sanitize;

use super::FindReport;
use super::row::{Row, Status};

/// Columns wider than this are cut with `…` so one long name does not push the board apart.
const MAX_CELL: usize = 32;

pub fn render(report: &FindReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Find {} ({})\n",
        sanitize(&report.query.value),
        report.query.class
    );
    board(&mut out, &report.rows);
    let (conflicts, agreeing): (Vec<&MergedField>, Vec<&MergedField>) =
        report.merged.fields.iter().partition(|f| !f.agree);
    // A field only one connection has agrees with nobody: it is in the JSON, not listed here.
    let agreeing: Vec<&MergedField> = agreeing
        .into_iter()
        .filter(|f| f.values.first().is_some_and(|v| v.from.len() >= 2))
        .collect();
    if report.merged.found >= 2 {
        let _ = writeln!(out, "\nConflicts ({})", conflicts.len());
        if conflicts.is_empty() {
            let _ = writeln!(
                out,
                "  none: the found profiles agree on every shared field"
            );
        }
        for field in &conflicts {
            let _ = writeln!(out, "  {}", sanitize(&field.field));
            for value in &field.values {
                let _ = writeln!(
                    out,
                    "    {}  {}",
                    pad(&cell(&value_text(&value.value)), MAX_CELL),
                    sanitize(&value.from.join(", "))
                );
            }
        }
    }
    if !agreeing.is_empty() {
        let _ = writeln!(
            out,
            "\nAgreeing fields ({}, said by two or more)",
            agreeing.len()
        );
        let width = agreeing
            .iter()
            .map(|f| cell(&f.field).width())
            .max()
            .unwrap_or(0);
        for field in agreeing {
            let value = field
                .values
                .first()
                .map_or_else(|| ABSENT.to_owned(), |v| cell(&value_text(&v.value)));
            let from = field
                .values
                .first()
                .map(|v| v.from.join(", "))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {}  {}  {}",
                pad(&cell(&field.field), width),
                pad(&value, MAX_CELL),
                sanitize(&from)
            );
        }
    }
    out
}

fn board(out: &mut String, rows: &[Row]) {
    let header = ["CONNECTION", "STATUS", "TIME", "NAME", "EMAIL / REASON"];
    let lines: Vec<[String; 5]> = rows.iter().map(line).collect();
    let mut widths = header.map(UnicodeWidthStr::width);
    for l in &lines {
        for (w, c) in widths.iter_mut().zip(l.iter()) {
            *w = (*w).max(c.width());
        }
    }
    let mut write = |cells: [&str; 5]| {
        let mut text = String::new();
        for (i, (c, w)) in cells.iter().zip(widths).enumerate() {
            if i + 1 == cells.len() {
                text.push_str(c);
            } else if i == 2 {
                // Times line up on the right.
                let _ = write!(text, "{}{c}  ", " ".repeat(w.saturating_sub(c.width())));
            } else {
                let _ = write!(text, "{}  ", pad(c, w));
            }
        }
        let _ = writeln!(out, "{}", text.trim_end());
    };
    write(header);
    for l in &lines {
        write([&l[0], &l[1], &l[2], &l[3], &l[4]]);
    }
}

/// One board line: connection, status, time, name, and the email or the reason / error.
fn line(row: &Row) -> [String; 5] {
    let time = row
        .status
        .elapsed()
        .map(|d| format!("{} ms", d.as_millis()))
        .unwrap_or_default();
    let via = row
        .via
        .as_deref()
        .map(|v| format!(" (via {})", sanitize(v)))
        .unwrap_or_default();
    let (name, last) = match &row.status {
        Status::Found { outcome, .. } => {
            let p = &outcome.profile;
            let name = p
                .display_name
                .as_deref()
                .filter(|s| !s.trim().is_empty())
                .or(p.id.as_deref())
                .unwrap_or(ABSENT);
            (
                cell(name),
                format!("{}{via}", cell(p.email.as_deref().unwrap_or(ABSENT))),
            )
        }
        Status::NotFound { .. } => (String::new(), format!("no such user{via}")),
        Status::Error { message, .. } => (String::new(), format!("{}{via}", sanitize(message))),
        Status::Skipped { reason } | Status::NoKey { reason } => {
            (String::new(), sanitize(reason).into_owned())
        }
        Status::Waiting | Status::Running => (String::new(), String::new()),
    };
    [
        cell(&row.connection),
        row.status.word().to_owned(),
        time,
        name,
        last,
    ]
}

/// Sanitized and cut to `MAX_CELL` columns.
fn cell(text: &str) -> String {
    let clean = sanitize(text);
    if clean.width() <= MAX_CELL {
        return clean.into_owned();
    }
    let mut cut = String::new();
    for c in clean.chars() {
        if cut.width() + unicode_width::UnicodeWidthChar::width(c).unwrap_or(0) > MAX_CELL - 1 {
            break;
        }
        cut.push(c);
    }
    cut.push('…');
    cut
}

fn pad(text: &str, width: usize) -> String {
    format!("{text}{}", " ".repeat(width.saturating_sub(text.width())))
}
