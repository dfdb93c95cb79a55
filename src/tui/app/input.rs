//! Keys and the mouse: to the overlay when one is open, else to the screen in front, after the
//! keys that work everywhere (quit, help, the key dialog).

use crossterm::event::{KeyEvent, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

use crate::sanitize::sanitize;
use crate::tui::input::{cut_notice, typed_char};
use crate::tui::keymap::Action;
use crate::tui::message::Effect;
use crate::tui::overlays::{DialogState, Overlay, OverlayStep};
use crate::tui::screens::{Screen, ScreenKind, Step};
use crate::tui::ui::layout;

use super::App;

impl App {
    // ---- input

    pub(super) fn apply(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Quit => return self.quit(0),
            Action::ForceQuit => return self.quit(130),
            Action::Help => {
                self.overlay = Some(Overlay::Help(Default::default()));
                return Vec::new();
            }
            Action::Redraw => {
                self.redraw_all = true;
                return Vec::new();
            }
            Action::ToggleWatch => return self.toggle_watch(),
            Action::LoadAvatar => return self.request_avatar(),
            Action::SetKey => {
                let selected = self.start().map_or(0, |s| s.selected);
                let index = match &self.screen {
                    Screen::Profile(p) => self
                        .lookups
                        .position(&p.view.outcome.connection)
                        .unwrap_or(selected),
                    Screen::Start(s) if s.all_vendors => {
                        self.notice = Some(
                            "Pick one vendor to set its key (All vendors uses each one's)"
                                .to_owned(),
                        );
                        return Vec::new();
                    }
                    // The board: the selected row's connection.
                    Screen::Find(f) => f
                        .rows
                        .get(f.selected)
                        .and_then(|r| self.lookups.position(&r.row.connection))
                        .unwrap_or(selected),
                    Screen::Start(_) | Screen::Compare(_) => selected,
                };
                self.open_key_dialog(index, None);
                return Vec::new();
            }
            _ => {}
        }
        let step = self.on_screen(|screen, ctx| match screen {
            Screen::Start(s) => s.apply(action, ctx),
            Screen::Profile(p) => p.apply(action, ctx),
            Screen::Compare(c) => c.apply(action, ctx),
            Screen::Find(f) => f.apply(action, ctx),
        });
        self.follow(step)
    }

    pub(super) fn on_overlay_key(&mut self, key: &KeyEvent) -> Vec<Effect> {
        let page = usize::from(layout::pane_rows(self.size)).max(1);
        let Some(overlay) = self.overlay.as_mut() else {
            return Vec::new();
        };
        match overlay.on_key(key, &self.keymap, page) {
            OverlayStep::Stay => Vec::new(),
            OverlayStep::Close => {
                self.overlay = None;
                Vec::new()
            }
            OverlayStep::Quit(code) => self.quit(code),
            OverlayStep::Effects(effects) => effects,
            OverlayStep::Lookup { conn_index, lookup } => {
                self.overlay = None;
                self.start_lookup(conn_index, lookup)
            }
            OverlayStep::SaveKey { conn_index, key } => {
                match self
                    .lookups
                    .connections
                    .get(conn_index)
                    .map(|c| c.connection.clone())
                {
                    Some(Ok(connection)) => return vec![Effect::SaveKey { connection, key }],
                    Some(Err(why)) => {
                        if let Some(Overlay::KeyDialog(d)) = self.overlay.as_mut() {
                            d.state = DialogState::Failed(sanitize(&why).into_owned());
                        }
                    }
                    None => self.overlay = None,
                }
                Vec::new()
            }
        }
    }

    pub(super) fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if key.kind == crossterm::event::KeyEventKind::Release {
            return Vec::new();
        }
        if self.overlay.is_some() {
            return self.on_overlay_key(&key);
        }
        if self.screen.kind() != ScreenKind::Start {
            // A notice (copied, exported) lasts until the next key.
            self.notice = None;
        }
        let step = self.on_screen(|screen, ctx| match screen {
            Screen::Profile(p) if p.is_typing() => Some(p.on_filter_key(&key, ctx)),
            Screen::Compare(c) if c.is_typing() => Some(c.on_filter_key(&key, ctx)),
            Screen::Find(f) if f.is_typing() => Some(f.on_filter_key(&key, ctx)),
            _ => None,
        });
        if let Some(step) = step {
            return self.follow(step);
        }
        let typing = self.is_typing();
        match self.keymap.action_for(&key, &self.contexts(), typing) {
            Some(action) => self.apply(action),
            None => {
                if typing && let Some(c) = typed_char(&key) {
                    self.on_screen(|screen, ctx| {
                        if let Screen::Start(s) = screen {
                            s.type_char(c, ctx);
                        }
                    });
                }
                Vec::new()
            }
        }
    }

    /// A bracketed paste: one edit of the focused text field (none focused: ignored, rather
    /// than replayed as keys that could run commands). A cut is said in the notice line.
    pub(super) fn on_paste(&mut self, text: &str) -> Vec<Effect> {
        let pasted = match self.overlay.as_mut() {
            Some(overlay) => overlay.paste(text),
            None => self.on_screen(|screen, ctx| match screen {
                Screen::Start(s) => s.paste(text, ctx),
                Screen::Profile(p) => p.paste(text, ctx),
                Screen::Compare(c) => c.paste(text),
                Screen::Find(f) => f.paste(text),
            }),
        };
        if pasted.is_some_and(|p| p.cut) {
            self.notice = Some(cut_notice());
        }
        Vec::new()
    }

    pub(super) fn on_mouse(&mut self, mouse: MouseEvent) -> Vec<Effect> {
        let at = Position::new(mouse.column, mouse.row);
        let down = match mouse.kind {
            MouseEventKind::ScrollDown => true,
            MouseEventKind::ScrollUp => false,
            MouseEventKind::Down(MouseButton::Left) => return self.on_click(at),
            _ => return Vec::new(),
        };
        if let Some(overlay) = self.overlay.as_mut() {
            overlay.wheel(down);
            return Vec::new();
        }
        self.on_screen(|screen, ctx| match screen {
            Screen::Profile(p) => p.wheel(down, 3, ctx.size),
            Screen::Compare(c) => c.wheel(down, 3, ctx),
            Screen::Start(s) => s.wheel(down, ctx.lookups),
            Screen::Find(f) => f.wheel(down, 3, ctx),
        });
        Vec::new()
    }

    pub(super) fn on_click(&mut self, at: Position) -> Vec<Effect> {
        if self.overlay.is_some() {
            return Vec::new();
        }
        let step = self.on_screen(|screen, ctx| match screen {
            Screen::Compare(c) => c.click(at, ctx.size),
            Screen::Profile(p) => {
                p.click(at, ctx.size);
                Step::none()
            }
            Screen::Start(s) => {
                s.click(at, ctx.size, ctx.demo, ctx.lookups);
                Step::none()
            }
            Screen::Find(_) => Step::none(),
        });
        self.follow(step)
    }

    pub(super) fn on_resize(&mut self, width: u16, height: u16) {
        self.size = Rect::new(0, 0, width, height);
        let size = self.size;
        if let Some(p) = self.profile_state_mut() {
            p.on_resize(size);
        }
    }
}
