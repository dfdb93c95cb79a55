//! The lifecycle timeline as drawn: under the Overview's rows, a heading, the axis with a mark
//! per moment, the labels stacked under it, then the span with the age of the last moment and
//! the timestamps left out. Where things go is `timeline::layout`'s (pure); this only paints.
//! Flags are symbols in the labels (`⚠` out of order, `?` suspicious), so NO_COLOR loses
//! nothing but the colour.

use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use crate::timeline::{Axis, Timeline, layout};
use crate::tui::text::truncate;
use crate::tui::ui::table;
use crate::tui::ui::theme::Theme;

use super::{Pane, ProfileView};

/// Moments drawn at most; the rest are counted ("+12 more").
pub const SHOWN: usize = 8;
/// Rows the Overview's table keeps before the timeline takes any.
const MIN_TABLE_ROWS: u16 = 6;

/// Lines the axis takes: the axis, its label lines, the summary, the left-out line if any.
pub fn height(axis: &Axis) -> u16 {
    let lines = 2 + axis.label_rows + usize::from(!axis.left_out.is_empty());
    u16::try_from(lines).unwrap_or(u16::MAX)
}

fn style_of(theme: &Theme, out_of_order: bool, suspicious: bool) -> Style {
    if out_of_order {
        theme.warning()
    } else if suspicious {
        theme.muted()
    } else {
        theme.key()
    }
}

/// Paint `axis` into `area` (one row per line; lines that do not fit are cut, the summary
/// is kept as the last line).
pub fn render_axis(axis: &Axis, area: Rect, theme: &Theme, buf: &mut Buffer) {
    if area.height == 0 || area.width == 0 {
        return;
    }
    let width = usize::from(area.width);
    let line = "─".repeat(width);
    buf.set_stringn(area.x, area.y, &line, width, theme.muted());
    // Label lines that fit between the axis and the summary (and the left-out line).
    let footer = 1 + u16::from(!axis.left_out.is_empty());
    let label_rows = area.height.saturating_sub(1 + footer);
    let y_of = |row: usize| -> Option<u16> {
        let row = u16::try_from(row).ok()?;
        (row < label_rows).then_some(area.y + 1 + row)
    };
    for mark in &axis.marks {
        let style = style_of(theme, mark.out_of_order, mark.suspicious);
        let Ok(column) = u16::try_from(mark.column) else {
            continue;
        };
        if column < area.width {
            let symbol = if mark.out_of_order { "◆" } else { "●" };
            buf.set_string(area.x + column, area.y, symbol, style);
        }
        if let (Some(y), Ok(x)) = (y_of(mark.row), u16::try_from(mark.label_column))
            && x < area.width
        {
            let room = usize::from(area.width - x);
            buf.set_stringn(area.x + x, y, &mark.text, room, style);
        }
    }
    // A thin line from each mark down to its label where the cells between are blank.
    for mark in &axis.marks {
        let Ok(column) = u16::try_from(mark.column) else {
            continue;
        };
        for row in 0..mark.row {
            if let Some(y) = y_of(row)
                && column < area.width
                && let Some(cell) = buf.cell_mut((area.x + column, y))
                && cell.symbol() == " "
            {
                cell.set_symbol("│").set_style(theme.muted());
            }
        }
    }
    let mut y = area.y + 1 + label_rows.min(u16::try_from(axis.label_rows).unwrap_or(0));
    for text in [&axis.summary, &axis.left_out] {
        if text.is_empty() || y >= area.bottom() {
            continue;
        }
        buf.set_stringn(area.x, y, truncate(text, width), width, theme.muted());
        y += 1;
    }
}

/// The axis of `timeline` for `width` cells as of `now`.
pub fn axis_for(timeline: &Timeline, width: u16, now: DateTime<Utc>) -> Axis {
    layout(&timeline.as_of(now), usize::from(width), SHOWN, now)
}

/// The Overview pane: its rows, and the timeline under them when the profile has any
/// timestamp and the pane has room for both.
/// Where the Overview's rows go in `area` (all of it when no timeline is drawn), so that
/// per-row decorations (the watch marks) line up with them.
pub fn table_rows(view: &ProfileView, area: Rect, now: DateTime<Utc>) -> Rect {
    split(view, area, now).map_or(area, |(rows, _)| rows)
}

/// The rows' part of `area` and the axis below them, or `None` when the profile has no
/// timeline or there is no room for one.
fn split(view: &ProfileView, area: Rect, now: DateTime<Utc>) -> Option<(Rect, Axis)> {
    if view.timeline.is_empty() || view.loading.is_some() {
        return None;
    }
    let axis = axis_for(&view.timeline, area.width, now);
    // The heading line plus the axis, cut to what leaves the table its rows.
    let wanted = 1 + height(&axis);
    let room = area.height.saturating_sub(MIN_TABLE_ROWS);
    let taken = wanted.min(room);
    if taken < 4 {
        return None;
    }
    Some((
        Rect::new(area.x, area.y, area.width, area.height - taken),
        axis,
    ))
}

pub fn render_overview(
    view: &ProfileView,
    area: Rect,
    focused: bool,
    theme: &Theme,
    now: DateTime<Utc>,
    buf: &mut Buffer,
) {
    let Some((rows, axis)) = split(view, area, now) else {
        table::render(view, Pane::Overview, area, focused, theme, now, buf);
        return;
    };
    let taken = area.height - rows.height;
    table::render(view, Pane::Overview, rows, focused, theme, now, buf);
    let y = rows.bottom();
    buf.set_stringn(
        area.x,
        y,
        "Timeline",
        usize::from(area.width),
        theme.heading(),
    );
    render_axis(
        &axis,
        Rect::new(area.x, y + 1, area.width, taken - 1),
        theme,
        buf,
    );
}
