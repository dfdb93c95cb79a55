//! The key/value table of a pane. Virtualized: only the rows on screen are formatted, so a
//! profile with 100,000 attributes draws as fast as one with 100.

use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Paragraph, Scrollbar, ScrollbarOrientation, ScrollbarState, StatefulWidget, Widget, Wrap,
};

use crate::tui::text::{fit, truncate, truncate_middle};
use crate::tui::ui::theme::Theme;
use crate::tui::view::{Pane, PaneScroll, ProfileView, RowKind};

/// The first row to draw so that `selected` is on screen, given the stored offset.
pub fn visible_offset(scroll: PaneScroll, count: usize, rows: usize) -> usize {
    let rows = rows.max(1);
    let mut offset = scroll.offset.min(count.saturating_sub(rows));
    if scroll.selected < offset {
        offset = scroll.selected;
    } else if scroll.selected >= offset + rows {
        offset = scroll.selected + 1 - rows;
    }
    offset
}

pub fn scrollbar(area: Rect, count: usize, offset: usize, buf: &mut Buffer) {
    if count <= usize::from(area.height) {
        return;
    }
    let mut state = ScrollbarState::new(count.saturating_sub(usize::from(area.height)))
        .position(offset)
        .viewport_content_length(usize::from(area.height));
    Scrollbar::new(ScrollbarOrientation::VerticalRight)
        .begin_symbol(None)
        .end_symbol(None)
        .render(area, buf, &mut state);
}

/// An empty pane's message, centred-ish and wrapped.
pub fn empty(area: Rect, text: &str, theme: &Theme, buf: &mut Buffer) {
    let y = area.y + area.height.saturating_sub(1) / 3;
    let area = Rect::new(
        area.x + 1,
        y,
        area.width.saturating_sub(2),
        area.bottom().saturating_sub(y),
    );
    Paragraph::new(Line::styled(text.to_owned(), theme.muted()))
        .wrap(Wrap { trim: true })
        .centered()
        .render(area, buf);
}

/// Draw the rows of a key/value pane inside `area` (already inside the borders); the selected
/// row is highlighted only in the focused pane.
pub fn render(
    view: &ProfileView,
    pane: Pane,
    area: Rect,
    focused: bool,
    theme: &Theme,
    now: DateTime<Utc>,
    buf: &mut Buffer,
) {
    let count = view.row_count(pane);
    if count == 0 {
        empty(area, &view.empty_text(pane).unwrap_or_default(), theme, buf);
        return;
    }
    let rows = usize::from(area.height);
    let scroll = view.scroll(pane);
    let offset = visible_offset(scroll, count, rows);
    // Leave a column for the scrollbar when there is one.
    let usable = if count > rows {
        area.width.saturating_sub(1)
    } else {
        area.width
    };
    let total = usize::from(usable);
    let key_w = view
        .key_width(pane)
        .min((total * 2 / 5).max(10))
        .min(total.saturating_sub(4));
    let value_w = total.saturating_sub(key_w + 2);
    // Built once per frame; only the drawn rows are matched again, for their highlights.
    let mut fuzzy = view.filter_query(pane);
    for (line_no, i) in (offset..count.min(offset + rows)).enumerate() {
        let Some(row) = view.row(pane, i, now) else {
            continue;
        };
        let y = area.y + u16::try_from(line_no).unwrap_or(u16::MAX);
        let (key_style, value_style) = match row.kind {
            RowKind::Normal => (theme.key(), theme.text()),
            RowKind::Heading => (theme.heading(), theme.muted()),
            RowKind::Warning => (theme.warning(), theme.warning()),
            RowKind::Muted => (theme.key(), theme.muted()),
        };
        let key_text = fit(&truncate_middle(&row.key, key_w), key_w);
        let value_text = truncate(&row.value, value_w).into_owned();
        let mut spans = Vec::new();
        match fuzzy.as_mut() {
            Some(q) => {
                let hl = theme.matched();
                let key_pos = q.positions(&row.key).unwrap_or_default();
                let value_pos = q.positions(&row.value).unwrap_or_default();
                spans.extend(highlighted(&key_text, &row.key, &key_pos, key_style, hl));
                spans.push(Span::raw("  "));
                spans.extend(highlighted(
                    &value_text,
                    &row.value,
                    &value_pos,
                    value_style,
                    hl,
                ));
            }
            None => {
                spans.push(Span::styled(key_text, key_style));
                spans.push(Span::raw("  "));
                spans.push(Span::styled(value_text, value_style));
            }
        }
        let line = Line::from(spans);
        let row_area = Rect::new(area.x, y, usable, 1);
        buf.set_line(area.x, y, &line, usable);
        if focused && i == scroll.selected {
            // Keep the highlight across the whole row after the spans set their own styles.
            buf.set_style(row_area, theme.selected());
        }
    }
    scrollbar(area, count, offset, buf);
}

/// `shown` split into spans with the characters at `positions` (char indices into `original`)
/// in `hl`. A position is marked only where the shown text still has the original character
/// there (truncation may have cut or shifted the rest).
pub fn highlighted(
    shown: &str,
    original: &str,
    positions: &[usize],
    base: ratatui::style::Style,
    hl: ratatui::style::Style,
) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    let mut run = String::new();
    let mut run_hl = false;
    let mut originals = original.chars();
    for (i, c) in shown.chars().enumerate() {
        let same = originals.next() == Some(c);
        let mark = same && positions.binary_search(&i).is_ok();
        if mark != run_hl && !run.is_empty() {
            spans.push(Span::styled(
                std::mem::take(&mut run),
                if run_hl { hl } else { base },
            ));
        }
        run_hl = mark;
        run.push(c);
    }
    if !run.is_empty() {
        spans.push(Span::styled(run, if run_hl { hl } else { base }));
    }
    spans
}
