//! The export dialog: the file name (editable), what to write, and what happened. The dialog's
//! state and the safe writer live in `tui::export`; this is its key handling and drawing.

use crossterm::event::KeyEvent;
use ratatui::buffer::Buffer;
use ratatui::layout::{Margin, Position, Rect};

use crate::tui::app::App;
use crate::tui::export::{ExportDialog, ExportKind, ExportState, check_name, contents};
use crate::tui::input::{Pasted, cut_notice, typed_char};
use crate::tui::keymap::Action;
use crate::tui::message::Effect;
use crate::tui::text::truncate;
use crate::tui::ui::{chrome, layout};

/// Keys in the export dialog: typing edits the name, Tab switches between the normalized
/// profile and the raw body, Enter writes (again, after "exists", replaces), Esc cancels.
pub(super) fn on_key(
    dialog: &mut ExportDialog,
    key: &KeyEvent,
    action: Option<Action>,
) -> super::OverlayStep {
    use super::OverlayStep;
    if dialog.state == ExportState::Writing {
        if action == Some(Action::Back) {
            return OverlayStep::Close;
        }
        return OverlayStep::Stay;
    }
    match action {
        Some(Action::Back) => return OverlayStep::Close,
        Some(Action::NextPane | Action::PrevPane) => {
            dialog.kind = match dialog.kind {
                ExportKind::Normalized => ExportKind::Raw,
                ExportKind::Raw => ExportKind::Normalized,
            };
        }
        Some(Action::Select) => {
            let overwrite = dialog.state == ExportState::ConfirmOverwrite;
            let name = match check_name(dialog.name.text()) {
                Ok(name) => name.to_owned(),
                Err(e) => {
                    dialog.state = ExportState::Failed(e.to_string());
                    return OverlayStep::Stay;
                }
            };
            match contents(&dialog.outcome, dialog.kind) {
                Ok(bytes) => {
                    dialog.state = ExportState::Writing;
                    return OverlayStep::Effects(vec![Effect::WriteExport {
                        file_name: name,
                        bytes,
                        overwrite,
                    }]);
                }
                Err(why) => dialog.state = ExportState::Failed(why),
            }
        }
        Some(a) => {
            if dialog.name.edit(a) {
                dialog.state = ExportState::Editing;
            }
        }
        None => {
            if let Some(c) = typed_char(key) {
                dialog.name.insert(c);
                dialog.state = ExportState::Editing;
            }
        }
    }
    OverlayStep::Stay
}

/// A paste into the file name (not while writing).
pub(super) fn paste(dialog: &mut ExportDialog, text: &str) -> Option<Pasted> {
    if dialog.state == ExportState::Writing {
        return None;
    }
    let pasted = dialog.name.paste(text);
    if pasted.cut {
        dialog.state = ExportState::Failed(cut_notice());
    } else if pasted.changed {
        dialog.state = ExportState::Editing;
    }
    Some(pasted)
}

/// Draw the dialog; returns the cursor position in the name field.
pub fn render(app: &App, dialog: &ExportDialog, area: Rect, buf: &mut Buffer) -> Option<Position> {
    let theme = &app.theme;
    let popup = layout::centered(area, 70, 10);
    let inner = chrome::popup(popup, "Export to the current directory", theme, buf);
    let text = inner.inner(Margin::new(1, 0));
    let w = usize::from(text.width);
    let mut y = text.y;
    let line = |buf: &mut Buffer, y: &mut u16, s: &str, style| {
        if *y < text.bottom() {
            buf.set_stringn(text.x, *y, truncate(s, w), w, style);
        }
        *y += 1;
    };
    line(buf, &mut y, "File name:", theme.muted());
    let field_y = y;
    // Only what the dialog can show of the name (it is cut to the width below anyway).
    let name = dialog.name.head(w);
    line(buf, &mut y, &format!("› {name}"), theme.text());
    y += 1;
    for kind in [ExportKind::Normalized, ExportKind::Raw] {
        let mark = if dialog.kind == kind { "(•)" } else { "( )" };
        let style = if dialog.kind == kind {
            theme.key()
        } else {
            theme.muted()
        };
        line(buf, &mut y, &format!("{mark} {}", kind.label()), style);
    }
    y += 1;
    let (status, style) = match &dialog.state {
        ExportState::Editing => (
            "Enter writes · Tab switches profile/raw · Esc cancels".to_owned(),
            theme.muted(),
        ),
        ExportState::Writing => ("Writing…".to_owned(), theme.warning()),
        ExportState::ConfirmOverwrite => (
            format!("{name} exists: Enter replaces it, Esc keeps it"),
            theme.warning(),
        ),
        ExportState::Failed(why) => (why.clone(), theme.error()),
    };
    line(buf, &mut y, &status, style);
    if field_y >= text.bottom() {
        return None;
    }
    let x = usize::from(text.x) + 2 + dialog.name.cursor_cells(w);
    let x = u16::try_from(x)
        .unwrap_or(u16::MAX)
        .min(text.right().saturating_sub(1));
    Some(Position::new(x, field_y))
}
