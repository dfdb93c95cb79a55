//! Popups over a screen: the key help (`?`), a row's full value, the API-key dialog, the
//! export dialog and the pivot's vendor picker (`g`). Each has its own state, key handling and drawing; while one is open it gets
//! every key. What it needs of the app (saving a key, closing) it asks the router for.

use crossterm::event::KeyEvent;
use ratatui::Frame;

use crate::secrets::ApiKey;
use crate::tui::app::App;
use crate::tui::input::Pasted;
use crate::tui::keymap::{Action, Context, KeyMap};
use crate::tui::message::Effect;

pub mod detail;
pub mod export;
pub mod help;
pub mod key_dialog;
pub mod pivot;

pub use detail::Detail;
pub use help::Help;
pub use key_dialog::{DialogState, KeyDialog};

#[derive(Clone, Debug)]
pub enum Overlay {
    Help(Help),
    Detail(Detail),
    KeyDialog(KeyDialog),
    Export(crate::tui::export::ExportDialog),
    Pivot(pivot::Pivot),
}

/// What an overlay asks of the router after a key.
pub enum OverlayStep {
    Stay,
    Close,
    Quit(i32),
    Effects(Vec<Effect>),
    /// Save `key` for connection `conn_index` (the router knows the connections).
    SaveKey {
        conn_index: usize,
        key: ApiKey,
    },
    /// Run `lookup` with connection `conn_index` (the pivot).
    Lookup {
        conn_index: usize,
        lookup: crate::vendors::Lookup,
    },
}

impl Overlay {
    /// Whether keys go into a text field (then `q` and digits are typed, not commands).
    pub fn is_typing(&self) -> bool {
        match self {
            Overlay::KeyDialog(d) => d.state != DialogState::DemoFixed,
            Overlay::Export(_) => true,
            Overlay::Help(_) | Overlay::Detail(_) | Overlay::Pivot(_) => false,
        }
    }

    /// `page`: rows a page key moves in a scrolled popup.
    pub fn on_key(&mut self, key: &KeyEvent, keymap: &KeyMap, page: usize) -> OverlayStep {
        let typing = self.is_typing();
        let contexts: &[Context] = if typing { &[Context::Typing] } else { &[] };
        let action = keymap.action_for(key, contexts, typing);
        if action == Some(Action::ForceQuit) {
            return OverlayStep::Quit(130);
        }
        match self {
            Overlay::Help(Help { scroll }) | Overlay::Detail(Detail { scroll, .. }) => match action
            {
                Some(Action::Back | Action::Quit | Action::Help | Action::Select) => {
                    OverlayStep::Close
                }
                Some(a) => {
                    *scroll = scrolled(*scroll, a, page);
                    OverlayStep::Stay
                }
                None => OverlayStep::Stay,
            },
            Overlay::KeyDialog(dialog) => dialog.on_key(key, action),
            Overlay::Export(dialog) => export::on_key(dialog, key, action),
            Overlay::Pivot(pivot) => pivot.on_key(action),
        }
    }

    /// A paste into the dialog's text field; `None` when it has none (help, detail).
    pub fn paste(&mut self, text: &str) -> Option<Pasted> {
        match self {
            Overlay::KeyDialog(d) => d.paste(text),
            Overlay::Export(d) => export::paste(d, text),
            Overlay::Help(_) | Overlay::Detail(_) | Overlay::Pivot(_) => None,
        }
    }

    /// The mouse wheel scrolls a popup with text.
    pub fn wheel(&mut self, down: bool) {
        if let Overlay::Help(Help { scroll }) | Overlay::Detail(Detail { scroll, .. }) = self {
            *scroll = if down {
                *scroll + 3
            } else {
                scroll.saturating_sub(3)
            };
        }
    }

    pub fn render(&self, app: &App, frame: &mut Frame) {
        let area = frame.area();
        let cursor = match self {
            Overlay::Help(h) => {
                help::render(app, h.scroll, area, frame.buffer_mut());
                None
            }
            Overlay::Detail(d) => {
                detail::render(app, d, area, frame.buffer_mut());
                None
            }
            Overlay::KeyDialog(d) => key_dialog::render(app, d, area, frame.buffer_mut()),
            Overlay::Export(d) => export::render(app, d, area, frame.buffer_mut()),
            Overlay::Pivot(p) => {
                pivot::render(app, p, area, frame.buffer_mut());
                None
            }
        };
        if let Some(pos) = cursor {
            frame.set_cursor_position(pos);
        }
    }
}

fn scrolled(scroll: usize, action: Action, page: usize) -> usize {
    match action {
        Action::Up => scroll.saturating_sub(1),
        Action::Down => scroll + 1,
        Action::PageUp => scroll.saturating_sub(page),
        Action::PageDown => scroll + page,
        Action::Top => 0,
        // The overlay clamps this to its content when drawn.
        Action::Bottom => usize::MAX / 2,
        _ => scroll,
    }
}
