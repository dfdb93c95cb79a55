//! The merged view's timelines: one lane per connection that found the person, all on ONE
//! shared axis (the earliest to the latest moment of any of them), so "Coho last saw her in
//! March, Vemetric yesterday" is seen at a glance. Each lane ends with the age of its last
//! moment. Out-of-order moments are `◆` (not `●`), so NO_COLOR keeps the flag.

use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::display::relative_age;
use crate::sanitize::sanitize;
use crate::timeline::{Timeline, axis};
use crate::tui::screens::find::BoardRow;
use crate::tui::text::{fit, truncate};
use crate::tui::ui::theme::Theme;

/// Cells of the lane name (`coho · Coho`) and of the age after the lane.
const NAME_CELLS: usize = 22;
const AGE_CELLS: usize = 16;

/// The heading line (with the shared span) and one lane per found row, in `area`.
pub fn render(
    found: &[&BoardRow],
    area: Rect,
    theme: &Theme,
    now: DateTime<Utc>,
    buf: &mut Buffer,
) {
    let timelines: Vec<Option<Timeline>> = found
        .iter()
        .map(|r| {
            r.outcome
                .as_ref()
                .map(|o| Timeline::collect(&o.profile).as_of(now))
        })
        .collect();
    let span = timelines
        .iter()
        .flatten()
        .filter_map(Timeline::span)
        .reduce(|(a0, a1), (b0, b1)| (a0.min(b0), a1.max(b1)));
    let width = usize::from(area.width);
    let heading = match span {
        Some((first, last)) => format!("Timelines · {} → {}", axis::date(first), axis::date(last)),
        None => "Timelines · no timestamps".to_owned(),
    };
    buf.set_stringn(area.x, area.y, &heading, width, theme.heading());
    let lane_cells = width.saturating_sub(NAME_CELLS + AGE_CELLS + 2);
    for (i, (row, timeline)) in found.iter().zip(&timelines).enumerate() {
        let Some(y) = u16::try_from(i + 1).ok().map(|d| area.y + d) else {
            break;
        };
        if y >= area.bottom() {
            break;
        }
        let name = format!(
            "{} · {}",
            sanitize(&row.row.connection),
            row.row.vendor.display_name()
        );
        buf.set_stringn(
            area.x,
            y,
            fit(&truncate(&name, NAME_CELLS), NAME_CELLS),
            width,
            theme.key(),
        );
        let lane_x = area.x + u16::try_from(NAME_CELLS + 1).unwrap_or(0);
        let (Some(timeline), Some(span)) = (timeline, span) else {
            continue;
        };
        if lane_cells == 0 {
            continue;
        }
        if timeline.moments.is_empty() {
            buf.set_stringn(lane_x, y, "no timestamps", lane_cells, theme.muted());
            continue;
        }
        buf.set_stringn(lane_x, y, "─".repeat(lane_cells), lane_cells, theme.muted());
        for m in &timeline.moments {
            let Ok(column) = u16::try_from(axis::column(m.placed, span, lane_cells)) else {
                continue;
            };
            let (symbol, style) = if m.out_of_order {
                ("◆", theme.warning())
            } else {
                ("●", theme.key())
            };
            buf.set_string(lane_x + column, y, symbol, style);
        }
        if let Some(last) = timeline.last() {
            let age_x = lane_x + u16::try_from(lane_cells + 1).unwrap_or(0);
            let age = truncate(&relative_age(last.at, now), AGE_CELLS).into_owned();
            buf.set_stringn(age_x, y, age, AGE_CELLS, theme.text());
        }
    }
}
