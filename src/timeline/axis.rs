//! Where a timeline's moments go on an axis `width` cells wide, as a pure function: the mark
//! columns, the labels stacked onto as few lines as keep them apart (at 80 columns they stack;
//! at 200 they mostly sit on one line), the span's ends and the age of the last moment.

use chrono::{DateTime, Utc};
use unicode_width::UnicodeWidthStr;

use super::{Moment, Timeline};
use crate::display::relative_age;

/// Labels are at most this wide (a hostile key must not push every other label away).
const MAX_LABEL: usize = 40;

/// One moment on the axis.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    /// The axis cell of the moment (0-based from the axis' left).
    pub column: usize,
    /// The label line it is written on (0 = the first line under the axis).
    pub row: usize,
    /// Where its label starts; left of `column` when the label would run off the right edge.
    pub label_column: usize,
    /// `signUpDate 2024-03-01` (`createdAt +4 2023-04-12` for five moments in one cell),
    /// with `⚠ ` in front when out of order and `? ` when suspicious (the symbols say it
    /// without colour).
    pub text: String,
    pub out_of_order: bool,
    pub suspicious: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Axis {
    pub width: usize,
    pub marks: Vec<Mark>,
    /// Label lines under the axis.
    pub label_rows: usize,
    /// `2023-01-05 → 2024-03-04 · last: lastSeenDate, 3 days ago · +12 more`.
    pub summary: String,
    /// `left out: properties.updatedAt (0), …`, empty when nothing is.
    pub left_out: String,
}

/// A calendar date, the unit an operator reads a lifecycle in.
pub fn date(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d").to_string()
}

/// The column of `at` on an axis of `width` cells spanning `span` (saturating; a zero-length
/// span puts everything at the left).
pub fn column(at: DateTime<Utc>, span: (DateTime<Utc>, DateTime<Utc>), width: usize) -> usize {
    let (first, last) = span;
    let last_cell = i128::try_from(width.saturating_sub(1)).unwrap_or(0);
    let total = i128::from((last - first).num_milliseconds());
    if total <= 0 {
        return 0;
    }
    let offset = i128::from((at - first).num_milliseconds()).clamp(0, total);
    usize::try_from(offset * last_cell / total).unwrap_or(0)
}

/// The label of the moments sharing one cell (never empty: a group has a first member): the
/// most telling one's name, how many more, the date; `⚠ ` / `? ` in front when any is flagged.
fn label_text(members: &[&Moment]) -> String {
    // Named by the member that says most: one with a role (sign-up, last seen), else a
    // top-level key, else the first.
    let Some(first) = members
        .iter()
        .find(|m| m.role.is_some())
        .or_else(|| members.iter().find(|m| !m.label.contains(['.', '['])))
        .or_else(|| members.first())
    else {
        return String::new();
    };
    let flag = if members.iter().any(|m| m.out_of_order) {
        "⚠ "
    } else if members.iter().any(|m| m.suspicious.is_some()) {
        "? "
    } else {
        ""
    };
    let more = match members.len() {
        0 | 1 => String::new(),
        n => format!(" +{}", n - 1),
    };
    let name = truncate(&first.label, MAX_LABEL);
    format!("{flag}{name}{more} {}", date(first.at))
}

/// `text` cut to `cells` cells, with `…` when cut.
fn truncate(text: &str, cells: usize) -> String {
    if text.width() <= cells {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > cells {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// The axis of `timeline`, at most `cap` moments, `width` cells wide, ages as of `now`.
pub fn layout(timeline: &Timeline, width: usize, cap: usize, now: DateTime<Utc>) -> Axis {
    let (shown, more) = timeline.shown(cap);
    let mut axis = Axis {
        width,
        left_out: left_out_text(timeline),
        ..Axis::default()
    };
    let Some(span) = timeline.span() else {
        axis.summary = "no timestamps".to_owned();
        return axis;
    };
    // Moments in one cell share a mark and a label (`createdAt +4 2023-04-12`): five
    // timestamps of one sign-up must not take five lines.
    let mut groups: Vec<(usize, Vec<&Moment>)> = Vec::new();
    for m in shown {
        let column = column(m.placed, span, width);
        match groups.last_mut() {
            Some((c, members)) if *c == column => members.push(m),
            _ => groups.push((column, vec![m])),
        }
    }
    // Next free cell per label line (a gap of one cell keeps neighbours apart).
    let mut free: Vec<usize> = Vec::new();
    for (column, members) in groups {
        let text = truncate(&label_text(&members), width);
        let w = text.width();
        let label_column = if column + w <= width {
            column
        } else {
            width.saturating_sub(w)
        };
        let row = match free.iter().position(|next| *next <= label_column) {
            Some(row) => row,
            None => {
                free.push(0);
                free.len() - 1
            }
        };
        if let Some(next) = free.get_mut(row) {
            *next = label_column + w + 1;
        }
        axis.marks.push(Mark {
            column,
            row,
            label_column,
            text,
            out_of_order: members.iter().any(|m| m.out_of_order),
            suspicious: members.iter().any(|m| m.suspicious.is_some()),
        });
    }
    axis.label_rows = free.len();
    let mut summary = format!("{} → {}", date(span.0), date(span.1));
    if let Some(last) = timeline.last() {
        summary.push_str(&format!(
            " · last: {}, {}",
            last.label,
            relative_age(last.at, now)
        ));
    }
    if more > 0 {
        summary.push_str(&format!(" · +{more} more"));
    }
    axis.summary = summary;
    axis
}

fn left_out_text(timeline: &Timeline) -> String {
    if timeline.left_out.is_empty() {
        return String::new();
    }
    let listed: Vec<String> = timeline
        .left_out
        .iter()
        .map(|l| format!("{} ({})", l.path, l.why.as_str()))
        .collect();
    format!("left out: {}", listed.join(", "))
}
