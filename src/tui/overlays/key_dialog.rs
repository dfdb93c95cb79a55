//! The API-key dialog: opened by Ctrl-K or by a lookup that failed for want of a key; the key
//! is typed masked and saved to the keyring by the router's effect, never shown or logged.

use ratatui::buffer::Buffer;
use ratatui::layout::Position;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget, Wrap};

use crossterm::event::KeyEvent;

use crate::secrets::ApiKey;
use crate::tui::app::App;
use crate::tui::input::{Pasted, TextInput, cut_notice, typed_char};
use crate::tui::keymap::Action;
use crate::tui::text::wrap;
use crate::tui::ui::{chrome, layout};

use super::OverlayStep;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DialogState {
    Editing,
    Saving,
    Failed(String),
    /// `--demo`: the demo server accepts only its built-in keys, which are always used.
    DemoFixed,
}

#[derive(Clone, Debug)]
pub struct KeyDialog {
    pub conn_index: usize,
    /// Why it opened ("the vendor rejected the key (HTTP 401)").
    pub reason: Option<String>,
    pub input: TextInput,
    pub state: DialogState,
}

impl KeyDialog {
    pub fn new(conn_index: usize, reason: Option<String>, demo: bool) -> KeyDialog {
        KeyDialog {
            conn_index,
            reason,
            input: TextInput::masked(),
            state: if demo {
                DialogState::DemoFixed
            } else {
                DialogState::Editing
            },
        }
    }

    pub(super) fn on_key(&mut self, key: &KeyEvent, action: Option<Action>) -> OverlayStep {
        match (action, &self.state) {
            (Some(Action::Back), _) => return OverlayStep::Close,
            (_, DialogState::DemoFixed) => {
                if matches!(action, Some(Action::Select | Action::Quit)) {
                    return OverlayStep::Close;
                }
            }
            (_, DialogState::Saving) => {}
            (Some(Action::Select), _) => {
                let key = self.input.text().trim().to_owned();
                if key.is_empty() {
                    self.state = DialogState::Failed("Type or paste the key first".to_owned());
                } else {
                    self.state = DialogState::Saving;
                    return OverlayStep::SaveKey {
                        conn_index: self.conn_index,
                        key: ApiKey::new(key),
                    };
                }
            }
            (Some(a), _) if self.input.edit(a) => {}
            (None, _) => {
                if let Some(c) = typed_char(key) {
                    self.input.insert(c);
                    if matches!(self.state, DialogState::Failed(_)) {
                        self.state = DialogState::Editing;
                    }
                }
            }
            _ => {}
        }
        OverlayStep::Stay
    }
}

impl KeyDialog {
    /// A pasted key (the usual way a key arrives). A cut paste is not the key: the dialog says
    /// so instead of letting it be saved unnoticed.
    pub(super) fn paste(&mut self, text: &str) -> Option<Pasted> {
        if !matches!(self.state, DialogState::Editing | DialogState::Failed(_)) {
            return None;
        }
        let pasted = self.input.paste(text);
        if pasted.cut {
            self.state = DialogState::Failed(cut_notice());
        } else if pasted.changed {
            self.state = DialogState::Editing;
        }
        Some(pasted)
    }
}

/// The key-entry dialog; returns the cursor position while typing.
pub fn render(app: &App, dialog: &KeyDialog, area: Rect, buf: &mut Buffer) -> Option<Position> {
    let theme = &app.theme;
    let entry = app.lookups.connections.get(dialog.conn_index)?;
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
