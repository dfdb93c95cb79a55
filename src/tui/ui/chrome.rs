//! Shared pane chrome: one block style for every pane, focus shown the same way everywhere,
//! plus the footer of key hints (generated from the key table).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Widget};

use crate::tui::keymap::{Context, KeyMap};
use crate::tui::text::{truncate, width};
use crate::tui::ui::theme::Theme;

pub fn pane_block<'a>(title: impl Into<String>, focused: bool, theme: &Theme) -> Block<'a> {
    let title: String = title.into();
    let (border_style, border_type) = if focused {
        (theme.border_focused(), BorderType::Thick)
    } else {
        (theme.border(), BorderType::Rounded)
    };
    Block::new()
        .borders(Borders::ALL)
        .border_type(border_type)
        .border_style(border_style)
        .title(Span::styled(format!(" {title} "), theme.title()))
}

/// Clear the area and draw a focused block over it; returns the inside.
pub fn popup(area: Rect, title: &str, theme: &Theme, buf: &mut Buffer) -> Rect {
    Clear.render(area, buf);
    let block = pane_block(title, true, theme);
    let inner = block.inner(area);
    block.render(area, buf);
    inner
}

/// `key action  key action …`, cut to the width so it never wraps.
pub fn hints_line<'a>(keymap: &KeyMap, contexts: &[Context], theme: &Theme, max: u16) -> Line<'a> {
    let mut spans = Vec::new();
    let mut used = 0usize;
    for (key, hint) in keymap.hints(contexts) {
        let piece = width(&key) + width(hint) + 3;
        if used + piece > usize::from(max) {
            break;
        }
        spans.push(Span::styled(format!(" {key}"), theme.hint_key()));
        spans.push(Span::styled(format!(" {hint} "), theme.muted()));
        used += piece;
    }
    Line::from(spans)
}

/// Draw one line of text, truncated with `…` to the area width.
pub fn line_at(
    buf: &mut Buffer,
    area: Rect,
    y_offset: u16,
    text: &str,
    style: ratatui::style::Style,
) {
    if y_offset >= area.height {
        return;
    }
    let cut = truncate(text, usize::from(area.width));
    buf.set_stringn(
        area.x,
        area.y + y_offset,
        cut,
        usize::from(area.width),
        style,
    );
}
