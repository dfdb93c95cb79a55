//! A row's full value (or both sides of a compared row) in a scrolled popup.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::tui::app::App;
use crate::tui::text::{truncate, wrap};
use crate::tui::ui::{chrome, layout, table};

/// Sanitized lines under a title; Esc, Enter, q or ? closes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Detail {
    pub title: String,
    pub lines: Vec<String>,
    pub scroll: usize,
}

impl Detail {
    pub fn new(title: String, lines: Vec<String>) -> Detail {
        Detail {
            title,
            lines,
            scroll: 0,
        }
    }
}

pub fn render(app: &App, detail: &Detail, area: Rect, buf: &mut Buffer) {
    let (title, text, scroll) = (&detail.title, &detail.lines, detail.scroll);
    let w = area.width.saturating_sub(6).min(100);
    let text_w = usize::from(w.saturating_sub(4)).max(1);
    let lines: Vec<String> = text.iter().flat_map(|l| wrap(l, text_w)).collect();
    // As tall as the text needs, within the screen.
    let wanted = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .saturating_add(2)
        .max(5);
    let h = wanted.min(area.height.saturating_sub(4));
    let popup = layout::centered(area, w, h);
    let title = format!(
        "{} · Esc closes",
        truncate(title, usize::from(w.saturating_sub(16)))
    );
    let inner = chrome::popup(popup, &title, &app.theme, buf);
    let rows = usize::from(inner.height);
    let scroll = scroll.min(lines.len().saturating_sub(rows));
    for (n, line) in lines.iter().skip(scroll).take(rows).enumerate() {
        let y = inner.y + u16::try_from(n).unwrap_or(u16::MAX);
        buf.set_stringn(inner.x + 1, y, line, text_w, app.theme.text());
    }
    table::scrollbar(inner, lines.len(), scroll, buf);
}
