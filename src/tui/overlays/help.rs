//! The `?` overlay, generated from the same key table that handles keys.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::tui::app::App;
use crate::tui::keymap::Context;
use crate::tui::text::fit;
use crate::tui::ui::{chrome, layout};

/// The help popup: only how far it is scrolled (its text comes from the key table).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Help {
    pub scroll: usize,
}

pub fn lines(app: &App) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let mut lines = Vec::new();
    let mut current: Option<Context> = None;
    for (context, keys, help) in app.keymap.help_rows() {
        if current != Some(context) {
            if current.is_some() {
                lines.push(Line::raw(""));
            }
            lines.push(Line::styled(context.title().to_owned(), theme.heading()));
            current = Some(context);
        }
        lines.push(Line::from(vec![
            Span::styled(format!("  {}", fit(&keys, 16)), theme.hint_key()),
            Span::styled(format!(" {help}"), theme.text()),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Mouse: the wheel scrolls, a click on a tab or a box focuses it.",
        theme.muted(),
    ));
    lines
}

pub fn render(app: &App, scroll: usize, area: Rect, buf: &mut Buffer) {
    let popup = layout::centered(area, 78, area.height.saturating_sub(2));
    let inner = chrome::popup(popup, "Keys · Esc, q or ? closes", &app.theme, buf);
    let lines = lines(app);
    let rows = usize::from(inner.height);
    let scroll = scroll.min(lines.len().saturating_sub(rows));
    for (n, line) in lines.iter().skip(scroll).take(rows).enumerate() {
        let y = inner.y + u16::try_from(n).unwrap_or(u16::MAX);
        buf.set_line(inner.x + 1, y, line, inner.width.saturating_sub(1));
    }
    crate::tui::ui::table::scrollbar(inner, lines.len(), scroll, buf);
}
