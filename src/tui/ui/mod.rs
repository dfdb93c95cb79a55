//! Drawing: a pure function of `&App` into a frame. No I/O, no awaiting, only visible rows built.

use ratatui::Frame;

use crate::tui::app::{App, Overlay, Screen};

pub mod chrome;
pub mod compare;
pub mod dialog;
pub mod export;
pub mod help;
pub mod layout;
pub mod profile;
pub mod raw;
pub mod start;
pub mod status;
pub mod table;
pub mod theme;

/// Below this the panes cannot be laid out meaningfully; a message asks for more room.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 10;

pub fn render(app: &App, frame: &mut Frame) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let text = format!(
            "Terminal too small ({}×{}); userscope needs {MIN_WIDTH}×{MIN_HEIGHT}. q quits.",
            area.width, area.height
        );
        frame.render_widget(
            ratatui::widgets::Paragraph::new(text).wrap(ratatui::widgets::Wrap { trim: true }),
            area,
        );
        return;
    }
    match (app.screen, app.profile.as_ref()) {
        (Screen::Profile, Some(view)) => {
            profile::render(app, view, area, frame.buffer_mut());
            if let Some(input) = app.filter_edit.as_ref().filter(|_| app.overlay.is_none()) {
                let footer = layout::profile(area, view.focus).footer;
                let before = crate::sanitize::sanitize(input.before_cursor());
                let x = usize::from(footer.x)
                    + crate::tui::text::width(&status::filter_label(app))
                    + crate::tui::text::width(&before);
                let x = u16::try_from(x)
                    .unwrap_or(u16::MAX)
                    .min(footer.right().saturating_sub(1));
                frame.set_cursor_position((x, footer.y));
            }
        }
        (Screen::Compare, _) if app.compare.is_some() => compare::render(app, frame),
        _ => start::render(app, frame),
    }
    match &app.overlay {
        None => {}
        Some(Overlay::Help { scroll }) => help::render(app, *scroll, area, frame.buffer_mut()),
        Some(Overlay::Detail {
            title,
            lines,
            scroll,
        }) => {
            dialog::detail(app, title, lines, *scroll, area, frame.buffer_mut());
        }
        Some(Overlay::KeyDialog(d)) => {
            if let Some(pos) = dialog::key_dialog(app, d, area, frame.buffer_mut()) {
                frame.set_cursor_position(pos);
            }
        }
        Some(Overlay::Export(d)) => {
            if let Some(pos) = export::render(app, d, area, frame.buffer_mut()) {
                frame.set_cursor_position(pos);
            }
        }
    }
}
