//! Popups over the screen: the full value of a row, and the API-key entry dialog.

use ratatui::buffer::Buffer;
use ratatui::layout::Position;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget, Wrap};

use crate::tui::app::{App, DialogState, KeyDialog};
use crate::tui::text::{truncate, wrap};
use crate::tui::ui::{chrome, layout, table};

pub fn detail(
    app: &App,
    title: &str,
    text: &[String],
    scroll: usize,
    area: Rect,
    buf: &mut Buffer,
) {
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

/// The key-entry dialog; returns the cursor position while typing.
pub fn key_dialog(app: &App, dialog: &KeyDialog, area: Rect, buf: &mut Buffer) -> Option<Position> {
    let theme = &app.theme;
    let entry = app.connections.get(dialog.conn_index)?;
    let popup = layout::centered(area, 64, 13);
    let title = format!("API key · {} ({})", entry.vendor.display_name(), entry.name);
    let inner = chrome::popup(popup, &title, theme, buf);
    let mut lines: Vec<Line> = Vec::new();
    if let Some(reason) = &dialog.reason {
        lines.push(Line::styled(reason.clone(), theme.error()));
        lines.push(Line::raw(""));
    }
    if dialog.state == DialogState::DemoFixed {
        lines.push(Line::raw(
            "Demo mode uses the demo server's built-in keys. They are fixed and cannot be changed here.",
        ));
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            "Run userscope without --demo to enter your own key. Enter or Esc closes.",
            theme.muted(),
        ));
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .render(inner.inner(ratatui::layout::Margin::new(1, 0)), buf);
        return None;
    }
    let explain = format!(
        "Paste the key for {}. It is saved to the OS keyring (service userscope, account {}), never to a file.",
        entry.vendor.display_name(),
        entry.name
    );
    let text_area = inner.inner(ratatui::layout::Margin::new(1, 0));
    let text_w = usize::from(text_area.width);
    let reason_rows = dialog
        .reason
        .as_ref()
        .map_or(0, |r| wrap(r, text_w).len() + 1);
    let used = u16::try_from(reason_rows + wrap(&explain, text_w).len()).unwrap_or(u16::MAX);
    lines.push(Line::raw(explain));
    // Hard-wrapped like `wrap` counts, so the field lands right below the text.
    let wrapped: Vec<Line> = lines
        .iter()
        .flat_map(|l| {
            let style = l.style;
            let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
            wrap(&text, text_w)
                .into_iter()
                .map(move |t| Line::styled(t, style))
        })
        .collect();
    Paragraph::new(wrapped).render(text_area, buf);
    let field_y = text_area.y + used + 1;
    if field_y >= text_area.bottom() {
        return None;
    }
    // Masked: one bullet per character, capped to the field.
    let avail = usize::from(text_area.width.saturating_sub(2));
    let dots: String = "•".repeat(dialog.input.len().min(avail));
    buf.set_string(text_area.x, field_y, "› ", theme.title());
    buf.set_stringn(text_area.x + 2, field_y, &dots, avail, theme.text());
    let state_line = match &dialog.state {
        DialogState::Editing => ("Enter saves · Esc cancels".to_owned(), theme.muted()),
        DialogState::Saving => ("Saving to the keyring…".to_owned(), theme.warning()),
        DialogState::Failed(why) => (why.clone(), theme.error()),
        DialogState::DemoFixed => (String::new(), theme.muted()),
    };
    let state_area = Rect::new(
        text_area.x,
        field_y + 2,
        text_area.width,
        text_area.bottom().saturating_sub(field_y + 2),
    );
    Paragraph::new(Line::styled(state_line.0, state_line.1))
        .wrap(Wrap { trim: false })
        .render(state_area, buf);
    let x = text_area.x + 2 + u16::try_from(dots.chars().count()).unwrap_or(0);
    Some(Position::new(
        x.min(text_area.right().saturating_sub(1)),
        field_y,
    ))
}
