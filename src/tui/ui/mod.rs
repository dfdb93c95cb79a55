//! Drawing: a pure function of `&App` into a frame. No I/O, no awaiting, only visible rows built.
//! Each screen and overlay draws itself (`screens::*::view`, `overlays::*`); this module holds
//! what they share: pane chrome, layout, the key/value table, the JSON tree, the status line
//! and the themes.

use ratatui::Frame;

use crate::tui::app::{App, Screen};

pub mod chrome;
pub mod layout;
pub mod raw;
pub mod status;
pub mod table;
pub mod theme;

/// Below this the panes cannot be laid out meaningfully; a message asks for more room.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 10;

/// One frame of the app on `terminal`: cleared first when the app asks for it (Ctrl-L, a new
/// screen), so every cell is written again rather than only those ratatui thinks changed.
pub fn draw<B: ratatui::backend::Backend>(
    terminal: &mut ratatui::Terminal<crate::tui::size_guard::CappedBackend<B>>,
    app: &mut App,
) -> Result<(), B::Error> {
    if std::mem::take(&mut app.redraw_all) {
        terminal.clear()?;
    }
    crate::tui::size_guard::draw(terminal, |frame| render(app, frame))
}

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
    match &app.screen {
        Screen::Profile(p) => crate::tui::screens::profile::view::render(app, p, frame),
        Screen::Compare(c) => crate::tui::screens::compare::view::render(app, c, frame),
        Screen::Start(s) => crate::tui::screens::start::view::render(app, s, frame),
        Screen::Find(f) => crate::tui::screens::find::view::render(app, f, frame),
    }
    if let Some(overlay) = &app.overlay {
        overlay.render(app, frame);
    }
}
