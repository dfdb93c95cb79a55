//! Drawing a watched profile's changes: the one-column gutter that marks changed rows (a
//! glyph, so it reads without colour too) and the Changes list drawn over the pane.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::tui::app::App;
use crate::tui::text::{fit, truncate, truncate_middle, width};
use crate::tui::ui::{chrome, table};
use crate::tui::view::Pane;

use super::ProfileState;
use super::watching::{ChangesList, Watching};

/// The mark of a changed row.
pub const MARK: &str = "●";

/// While watched, take a column on the left of a pane's rows for the marks and draw them;
/// returns where the rows go. Unwatched, the pane is drawn as it always was.
pub fn gutter(app: &App, state: &ProfileState, pane: Pane, inner: Rect, buf: &mut Buffer) -> Rect {
    let Some(w) = &state.watching else {
        return inner;
    };
    if inner.width < 2 {
        return inner;
    }
    let view = &state.view;
    let count = view.row_count(pane);
    let rows = usize::from(inner.height);
    let offset = table::visible_offset(view.scroll(pane), count, rows);
    let now = app.clock.wall;
    for (line, i) in (offset..count.min(offset + rows)).enumerate() {
        if w.row_marked(view, pane, i, now) {
            let y = inner.y + u16::try_from(line).unwrap_or(u16::MAX);
            buf.set_string(inner.x, y, MARK, app.theme.warning());
        }
    }
    Rect {
        x: inner.x + 1,
        width: inner.width - 1,
        ..inner
    }
}

/// The Changes list over `area` (the pane): newest first, `time  path  old → new`.
pub fn changes_list(app: &App, w: &Watching, list: ChangesList, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let count = w.change_line_count();
    let title = format!("Changes ({count}, newest first) · Enter jumps to the row · Esc closes");
    let inner = chrome::popup(area, &title, theme, buf);
    if count == 0 {
        table::empty(
            inner,
            "No changes yet: the profile was the same at every refresh",
            theme,
            buf,
        );
        return;
    }
    let rows = usize::from(inner.height);
    let offset = list.offset.min(list.selected);
    let offset = if list.selected >= offset + rows {
        list.selected + 1 - rows
    } else {
        offset
    };
    let lines = w.change_lines(offset, rows);
    let total = usize::from(inner.width.saturating_sub(1));
    let path_w = lines
        .iter()
        .map(|l| l.path.as_deref().map_or(0, width))
        .max()
        .unwrap_or(0)
        .min(total * 2 / 5);
    for (n, line) in lines.iter().enumerate() {
        let y = inner.y + u16::try_from(n).unwrap_or(u16::MAX);
        let text_w = total.saturating_sub(10 + path_w + 2);
        let mut spans = vec![Span::styled(format!("{}  ", line.time), theme.muted())];
        match &line.path {
            Some(path) => {
                spans.push(Span::styled(
                    format!("{}  ", fit(&truncate_middle(path, path_w), path_w)),
                    theme.key(),
                ));
                spans.push(Span::styled(
                    truncate(&line.text, text_w).into_owned(),
                    theme.text(),
                ));
            }
            None => spans.push(Span::styled(
                truncate(&line.text, total.saturating_sub(10)).into_owned(),
                theme.error(),
            )),
        }
        buf.set_line(
            inner.x + 1,
            y,
            &Line::from(spans),
            inner.width.saturating_sub(1),
        );
        if offset + n == list.selected {
            buf.set_style(Rect::new(inner.x, y, inner.width, 1), theme.selected());
        }
    }
    table::scrollbar(inner, count, offset, buf);
}
