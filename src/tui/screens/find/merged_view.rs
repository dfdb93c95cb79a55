//! The merged view (`M` on the board): one row per merged field, one column per connection
//! that found the person (header: connection · vendor). A conflict is marked `≠` and
//! coloured as in Compare, agreement `=`; under NO_COLOR the symbol alone says it. A
//! connection that said nothing about a field shows `—`. Only the visible rows are drawn.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use crate::compare::Status as CmpStatus;
use crate::display::ABSENT;
use crate::sanitize::sanitize;
use crate::tui::app::App;
use crate::tui::keymap::Action;
use crate::tui::screens::compare::view::{hints_line, status_style};
use crate::tui::screens::find::{FindState, merged};
use crate::tui::text::{fit, truncate_middle, width};
use crate::tui::ui::{chrome, status as status_line, table};
use crate::tui::view::PaneScroll;

use super::view::{areas, header};

/// Field rows the merged view keeps before the timelines take any.
const MIN_FIELD_ROWS: u16 = 4;

/// Fields shown at once (the body minus borders and the column header).
pub fn body_rows(size: Rect) -> u16 {
    super::view::board_rows(size)
}

pub fn render(app: &App, state: &FindState, frame: &mut Frame) {
    let area = frame.area();
    let a = areas(area);
    let buf = frame.buffer_mut();
    header(app, state, a.header, buf);
    body(app, state, a.body, buf);
    if let Some(x) = footer(app, state, a.footer, buf) {
        frame.set_cursor_position((x, a.footer.y));
    }
}

fn body(app: &App, state: &FindState, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let Some(view) = state.merged_view.as_ref() else {
        return;
    };
    let merged = &state.merged;
    let mut title = format!(
        "Merged · {} found · {} conflicts",
        merged.found,
        merged.conflicts.len()
    );
    if view.shown != merged::MergedShown::All {
        title.push_str(&format!(" · {}", view.shown.label()));
    }
    if let Some(q) = &view.filter {
        title.push_str(&format!(" · filter “{}”", sanitize(q)));
    }
    let block = chrome::pane_block(title, true, theme);
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let mut list = Rect::new(inner.x, inner.y + 1, inner.width, inner.height - 1);
    // The timelines take the last lines when the rows keep some room.
    let found = state.found();
    let lanes = u16::try_from(found.len())
        .unwrap_or(u16::MAX)
        .saturating_add(1);
    if found.iter().any(|r| r.outcome.is_some()) && list.height >= lanes + MIN_FIELD_ROWS {
        list.height -= lanes;
        let area = Rect::new(list.x, list.bottom(), list.width, lanes);
        super::timelines::render(&found, area, theme, app.clock.wall, buf);
    }
    let count = view.line_count();
    let rows = usize::from(list.height);
    let usable = if count > rows {
        inner.width.saturating_sub(1)
    } else {
        inner.width
    };
    let total = usize::from(usable);
    let n = found.len().max(1);
    // Symbol and space, the field column, then two spaces before each connection's column.
    let room = total.saturating_sub(2 + 2 * n);
    let key_w = merged
        .fields
        .iter()
        .map(|f| width(&f.field))
        .max()
        .unwrap_or(0)
        .clamp(5, (room * 3 / 10).max(5))
        .min(room);
    let value_w = room.saturating_sub(key_w) / n;
    let mut column_header = vec![Span::raw("  "), Span::raw(fit("Field", key_w))];
    for (c, row) in found.iter().enumerate() {
        let label = format!(
            "{} · {}",
            sanitize(&row.row.connection),
            row.row.vendor.display_name()
        );
        let style = if c == view.column {
            theme.key().add_modifier(Modifier::BOLD)
        } else {
            theme.muted().add_modifier(Modifier::BOLD)
        };
        column_header.push(Span::raw("  "));
        column_header.push(Span::styled(fit(&label, value_w), style));
    }
    buf.set_line(inner.x, inner.y, &Line::from(column_header), usable);
    if let Some(text) = view.empty_text() {
        table::empty(list, &text, theme, buf);
        return;
    }
    let scroll = PaneScroll {
        selected: view.selected,
        offset: view.offset,
    };
    let offset = table::visible_offset(scroll, count, rows);
    for (line_no, i) in (offset..count.min(offset + rows)).enumerate() {
        let Some(field) = view.field(merged, i) else {
            continue;
        };
        let y = list.y + u16::try_from(line_no).unwrap_or(u16::MAX);
        let status = if field.agree {
            CmpStatus::Same
        } else {
            CmpStatus::Differs
        };
        let style = status_style(status, theme);
        let value_style = if field.agree { theme.text() } else { style };
        let mut spans = vec![
            Span::styled(status.symbol(), style),
            Span::raw(" "),
            Span::styled(
                fit(&truncate_middle(&sanitize(&field.field), key_w), key_w),
                theme.key(),
            ),
        ];
        for (c, row) in found.iter().enumerate() {
            spans.push(Span::raw("  "));
            let cell = merged::value_of(field, &row.row.connection);
            let mut span = match cell {
                Some(text) => {
                    let one_line = sanitize(text.lines().next().unwrap_or("")).into_owned();
                    Span::styled(fit(&one_line, value_w), value_style)
                }
                None => Span::styled(fit(ABSENT, value_w), theme.muted()),
            };
            // The selected cell (`g` looks it up) is underlined on the selected row.
            if i == view.selected && c == view.column {
                span = span
                    .patch_style(ratatui::style::Style::new().add_modifier(Modifier::UNDERLINED));
            }
            spans.push(span);
        }
        buf.set_line(list.x, y, &Line::from(spans), usable);
        if i == view.selected {
            buf.set_style(Rect::new(list.x, y, usable, 1), theme.selected());
        }
    }
    table::scrollbar(list, count, offset, buf);
}

/// The filter being typed (returns the cursor column), a running lookup, a notice, or hints.
fn footer(app: &App, state: &FindState, area: Rect, buf: &mut Buffer) -> Option<u16> {
    let theme = &app.theme;
    if let Some(input) = state
        .merged_view
        .as_ref()
        .and_then(|v| v.filter_edit.as_ref())
    {
        let label = " Filter fields: ";
        status_line::filter_line(app, label, input, area, buf);
        let x = usize::from(area.x) + width(label) + input.cursor_cells(usize::from(area.width));
        return Some(
            u16::try_from(x)
                .unwrap_or(u16::MAX)
                .min(area.right().saturating_sub(1)),
        );
    }
    if let Some(text) = status_line::loading_text(app) {
        chrome::line_at(buf, area, 0, &text, theme.warning());
        return None;
    }
    if let Some(notice) = &app.notice {
        let line = Line::from(Span::styled(format!(" {notice} "), theme.ok()));
        buf.set_line(area.x, area.y, &line, area.width);
        return None;
    }
    let k = |action| app.keymap.key_for(action);
    let hints = [
        (k(Action::DiffOnly), "conflicts"),
        (k(Action::Filter), "filter"),
        (
            format!("{}{}", k(Action::ColumnLeft), k(Action::ColumnRight)),
            "column",
        ),
        (k(Action::Pivot), "look up"),
        (k(Action::Select), "values"),
        (k(Action::Back), "board"),
        (k(Action::Help), "help"),
    ];
    hints_line(&hints, theme, area, buf);
    None
}
