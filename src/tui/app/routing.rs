//! Transitions between screens: the router brings a parked screen to the front, parks the one
//! that was there, and drops a comparison once it is left.

use crate::tui::keymap::Action;
use crate::tui::message::Effect;
use crate::tui::screens::compare::CompareState;
use crate::tui::screens::start::StartFocus;
use crate::tui::screens::{Ctx, Screen, ScreenKind, Step, Transition};

use super::App;

impl App {
    // ---- routing to the screen in front

    /// Run `f` on the screen in front with the runtime-wide parts it may use.
    pub(super) fn on_screen<R>(&mut self, f: impl FnOnce(&mut Screen, &mut Ctx) -> R) -> R {
        let mut ctx = Ctx {
            keymap: &self.keymap,
            clock: self.clock,
            size: self.size,
            demo: self.demo,
            notice: &mut self.notice,
            clipboard_warning: self.clipboard_warning.as_deref(),
            lookups: &mut self.lookups,
        };
        f(&mut self.screen, &mut ctx)
    }

    /// Enter on the start form (the start screen is in front when this is asked).
    pub(super) fn submit_start(&mut self) -> Vec<Effect> {
        let step = self.on_screen(|screen, ctx| match screen {
            Screen::Start(s) => s.apply(Action::Select, ctx),
            _ => Step::none(),
        });
        self.follow(step)
    }

    pub(super) fn follow(&mut self, step: Step) -> Vec<Effect> {
        match step {
            Step::Done(effects) => effects,
            Step::Go(t) => self.transition(t),
        }
    }

    pub(super) fn transition(&mut self, t: Transition) -> Vec<Effect> {
        match t {
            Transition::Lookup { conn_index, lookup } => self.start_lookup(conn_index, lookup),
            Transition::Recent { connection, lookup } => self
                .show_cached(&connection, &lookup)
                .unwrap_or_else(|| self.submit_start()),
            Transition::ToStart => {
                self.show_start(true);
                self.focus_start_input();
                Vec::new()
            }
            Transition::Back => {
                self.back();
                Vec::new()
            }
            Transition::Compare(a) => {
                let previous =
                    std::mem::replace(&mut self.screen, Screen::Compare(CompareState::new(a)));
                self.parked.put(previous);
                self.notice = None;
                Vec::new()
            }
            Transition::LookUpSideB => {
                self.show_start(true);
                self.focus_start_input();
                Vec::new()
            }
            Transition::Find { query } => self.start_find(query),
            Transition::OpenProfile(outcome) => {
                self.show_profile(crate::tui::view::ProfileView::new(outcome));
                self.notice = None;
                Vec::new()
            }
            Transition::Open(overlay) => {
                self.overlay = Some(overlay);
                Vec::new()
            }
            Transition::Quit(code) => self.quit(code),
        }
    }

    pub(super) fn focus_start_input(&mut self) {
        if let Some(s) = self.start_mut() {
            s.focus = StartFocus::Input;
        }
    }

    /// Bring the start screen to the front. A comparison in front is parked only when
    /// `keep_compare` (side B is looked up there); otherwise it is left for good.
    pub(super) fn show_start(&mut self, keep_compare: bool) {
        if self.screen.kind() == ScreenKind::Start {
            return;
        }
        let Some(start) = self.parked.start.take() else {
            return;
        };
        match std::mem::replace(&mut self.screen, Screen::Start(start)) {
            Screen::Compare(_) if !keep_compare => {}
            other => self.parked.put(other),
        }
    }

    /// Esc with nothing left to undo on the screen in front.
    pub(super) fn back(&mut self) {
        match self.screen.kind() {
            ScreenKind::Start => {
                if let Some(mut compare) = self.parked.compare.take() {
                    compare.back_to_picker();
                    self.bring(Screen::Compare(compare));
                    self.notice = None;
                } else if let Some(profile) = self.parked.profile.take() {
                    self.bring(Screen::Profile(profile));
                } else if let Some(find) = self.parked.find.take() {
                    self.bring(Screen::Find(find));
                } else {
                    self.lookups.error = None;
                    self.notice = None;
                }
            }
            // Leaving the comparison drops it: back to side A's profile.
            ScreenKind::Compare => {
                if let Some(next) = self
                    .parked
                    .take(ScreenKind::Profile)
                    .or_else(|| self.parked.take(ScreenKind::Start))
                {
                    self.screen = next;
                }
            }
            // A profile opened from the board: back to the board as it was.
            // (Without a board to return to, the start screen as Esc on any profile.)
            ScreenKind::Profile => match self.parked.find.take() {
                Some(find) => self.bring(Screen::Find(find)),
                None => {
                    self.show_start(true);
                    self.focus_start_input();
                }
            },
            ScreenKind::Find => {}
        }
    }

    /// Put `screen` in front, parking the one there.
    pub(super) fn bring(&mut self, screen: Screen) {
        let previous = std::mem::replace(&mut self.screen, screen);
        self.parked.put(previous);
    }
}
