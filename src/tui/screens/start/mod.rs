//! The start screen's state and keys: pick a vendor, type who to look up (with the kind
//! toggle), or pick a demo user or a recent lookup. Running the lookup is the router's job.

use ratatui::layout::{Position, Rect};

use crate::tui::input::{Pasted, TextInput, cut_notice};
use crate::tui::keymap::Action;
use crate::tui::lookups::{ConnEntry, Lookups};
use crate::tui::message::Effect;
use crate::tui::screens::{Ctx, Step, Transition};
use crate::tui::ui::layout;
use crate::vendors::{Lookup, LookupKind, VendorKind};

pub mod view;

/// A demo user offered as a hint in `--demo`.
#[derive(Clone, Debug, PartialEq)]
pub struct DemoHint {
    pub vendor: VendorKind,
    pub lookup: Lookup,
    pub label: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StartFocus {
    Vendors,
    Input,
    /// Demo users (only in `--demo`).
    Users,
    Recent,
}

pub struct StartState {
    /// Index into the connections.
    pub selected: usize,
    pub kind: LookupKind,
    pub input: TextInput,
    pub focus: StartFocus,
    /// Cursor in the demo-users or recent list, whichever has focus.
    pub list_cursor: usize,
    /// `D` was pressed once on the recent list; a second `D` clears it.
    pub confirm_clear: bool,
    pub demo_users: Vec<DemoHint>,
}

impl StartState {
    pub fn new(
        connections: &[ConnEntry],
        selected: usize,
        kind: Option<LookupKind>,
        input: &str,
        demo_users: Vec<DemoHint>,
    ) -> StartState {
        let selected = selected.min(connections.len().saturating_sub(1));
        let mut state = StartState {
            selected,
            kind: LookupKind::Id,
            input: TextInput::new(input),
            focus: StartFocus::Input,
            list_cursor: 0,
            confirm_clear: false,
            demo_users,
        };
        if let Some(vendor) = state.vendor(connections) {
            state.kind = kind
                .filter(|k| vendor.lookup_kinds().contains(k))
                .unwrap_or_else(|| vendor.default_lookup());
        } else if let Some(k) = kind {
            state.kind = k;
        }
        state
    }

    /// The selected connection's vendor (`None` only without any connection).
    pub fn vendor(&self, connections: &[ConnEntry]) -> Option<VendorKind> {
        connections.get(self.selected).map(|c| c.vendor)
    }

    /// Demo users of the selected vendor.
    pub fn visible_demo_users(&self, connections: &[ConnEntry]) -> Vec<&DemoHint> {
        let vendor = self.vendor(connections);
        self.demo_users
            .iter()
            .filter(|u| Some(u.vendor) == vendor)
            .collect()
    }

    pub fn is_typing(&self) -> bool {
        self.focus == StartFocus::Input
    }

    fn list_len(&self, lookups: &Lookups) -> usize {
        match self.focus {
            StartFocus::Users => self.visible_demo_users(&lookups.connections).len(),
            StartFocus::Recent => lookups.recent.len(),
            _ => 0,
        }
    }

    /// Select connection `index`; each vendor starts at its own default kind.
    fn select(&mut self, index: usize, connections: &[ConnEntry]) {
        self.selected = index;
        if let Some(vendor) = self.vendor(connections) {
            self.kind = vendor.default_lookup();
        }
    }

    fn change_vendor(&mut self, down: bool, connections: &[ConnEntry]) {
        let n = connections.len();
        if n == 0 {
            return;
        }
        let next = if down {
            (self.selected + 1) % n
        } else {
            (self.selected + n - 1) % n
        };
        self.select(next, connections);
        self.list_cursor = 0;
    }

    fn cycle_focus(&mut self, forward: bool, demo: bool) {
        let mut order = vec![StartFocus::Vendors, StartFocus::Input];
        if demo {
            order.push(StartFocus::Users);
        }
        order.push(StartFocus::Recent);
        let pos = order.iter().position(|f| *f == self.focus).unwrap_or(0);
        let n = order.len();
        let next = if forward {
            (pos + 1) % n
        } else {
            (pos + n - 1) % n
        };
        self.focus = order.get(next).copied().unwrap_or(StartFocus::Input);
        self.list_cursor = 0;
    }

    /// Enter on the form: the lookup typed (or why not).
    fn submit(&mut self, ctx: &mut Ctx) -> Step {
        let value = self.input.text().trim().to_owned();
        if value.is_empty() {
            *ctx.notice = Some(format!("Type a {} to look up first", self.kind));
            self.focus = StartFocus::Input;
            return Step::none();
        }
        ctx.lookups.auto_retries = 0;
        Step::Go(Transition::Lookup {
            conn_index: self.selected,
            lookup: Lookup::new(self.kind, value),
        })
    }

    /// A character typed into the lookup field (a full field says so instead).
    pub fn type_char(&mut self, c: char, ctx: &mut Ctx) {
        *ctx.notice = (!self.input.insert(c)).then(cut_notice);
    }

    /// A paste into the lookup field; `None` when the field does not have focus.
    pub fn paste(&mut self, text: &str, ctx: &mut Ctx) -> Option<Pasted> {
        if !self.is_typing() {
            return None;
        }
        let pasted = self.input.paste(text);
        *ctx.notice = pasted.cut.then(cut_notice);
        Some(pasted)
    }

    pub fn apply(&mut self, action: Action, ctx: &mut Ctx) -> Step {
        if action != Action::ClearHistory {
            self.confirm_clear = false;
        }
        match action {
            Action::OpenLookup => self.focus = StartFocus::Input,
            Action::Back => {
                if ctx.lookups.loading.is_some() {
                    return ctx.cancel_lookup().into();
                }
                if self.focus != StartFocus::Input {
                    self.focus = StartFocus::Input;
                } else {
                    return Step::Go(Transition::Back);
                }
            }
            Action::NextPane => self.cycle_focus(true, ctx.demo),
            Action::PrevPane => self.cycle_focus(false, ctx.demo),
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom => {
                let down = matches!(action, Action::Down | Action::PageDown | Action::Bottom);
                match self.focus {
                    StartFocus::Vendors | StartFocus::Input => {
                        if matches!(action, Action::Up | Action::Down) {
                            self.change_vendor(down, &ctx.lookups.connections);
                        }
                    }
                    StartFocus::Users | StartFocus::Recent => {
                        let last = self.list_len(ctx.lookups).saturating_sub(1);
                        self.list_cursor = match action {
                            Action::Up => self.list_cursor.saturating_sub(1),
                            Action::Down => (self.list_cursor + 1).min(last),
                            Action::Top | Action::PageUp => 0,
                            _ => last,
                        };
                    }
                }
            }
            Action::Select => return self.select_focused(ctx),
            Action::ClearHistory if self.focus == StartFocus::Recent => {
                return self.clear_history(ctx).into();
            }
            Action::ToggleKind => {
                if let Some(vendor) = self.vendor(&ctx.lookups.connections) {
                    let kinds = vendor.lookup_kinds();
                    let pos = kinds.iter().position(|k| *k == self.kind).unwrap_or(0);
                    if let Some(k) = kinds.get((pos + 1) % kinds.len().max(1)) {
                        self.kind = *k;
                    }
                }
            }
            other => {
                if self.is_typing() {
                    self.input.edit(other);
                }
            }
        }
        Step::none()
    }

    fn select_focused(&mut self, ctx: &mut Ctx) -> Step {
        match self.focus {
            StartFocus::Vendors => self.focus = StartFocus::Input,
            StartFocus::Input => return self.submit(ctx),
            StartFocus::Users => {
                if let Some(user) = self
                    .visible_demo_users(&ctx.lookups.connections)
                    .get(self.list_cursor)
                    .map(|u| (*u).clone())
                {
                    self.kind = user.lookup.by;
                    self.input.set(&user.lookup.value);
                    self.focus = StartFocus::Input;
                    return self.submit(ctx);
                }
            }
            StartFocus::Recent => {
                if let Some(r) = ctx.lookups.recent.get(self.list_cursor).cloned()
                    && let Some(i) = ctx.lookups.position(&r.connection)
                {
                    self.selected = i;
                    self.kind = r.lookup.by;
                    self.input.set(&r.lookup.value);
                    self.focus = StartFocus::Input;
                    return Step::Go(Transition::Recent {
                        connection: r.connection,
                        lookup: r.lookup,
                    });
                }
            }
        }
        Step::none()
    }

    /// `D` twice on the recent list.
    fn clear_history(&mut self, ctx: &mut Ctx) -> Vec<Effect> {
        let recent = &mut ctx.lookups.recent;
        if recent.is_empty() {
            *ctx.notice = Some("No recent lookups to clear".to_owned());
        } else if self.confirm_clear {
            self.confirm_clear = false;
            let n = recent.len();
            recent.clear();
            self.list_cursor = 0;
            *ctx.notice = Some(format!("Cleared {n} recent lookups"));
            if let Some(path) = &ctx.lookups.history_path {
                return vec![Effect::ClearHistory { path: path.clone() }];
            }
        } else {
            self.confirm_clear = true;
            *ctx.notice = Some(format!(
                "Press {} again to clear all {} recent lookups",
                ctx.keymap.key_for(Action::ClearHistory),
                recent.len()
            ));
        }
        Vec::new()
    }

    /// The mouse wheel: moves in a list, else changes the vendor.
    pub fn wheel(&mut self, down: bool, lookups: &Lookups) {
        if matches!(self.focus, StartFocus::Users | StartFocus::Recent) {
            let last = self.list_len(lookups).saturating_sub(1);
            self.list_cursor = if down {
                (self.list_cursor + 1).min(last)
            } else {
                self.list_cursor.saturating_sub(1)
            };
        } else {
            self.change_vendor(down, &lookups.connections);
        }
    }

    /// A click focuses the box under the pointer and picks the row clicked.
    pub fn click(&mut self, at: Position, size: Rect, demo: bool, lookups: &Lookups) {
        let areas = layout::start(size, demo);
        if areas.vendors.contains(at) {
            self.focus = StartFocus::Vendors;
            let visible = usize::from(areas.vendors.height.saturating_sub(2));
            let row = layout::list_offset(self.selected, visible)
                + usize::from(at.y.saturating_sub(areas.vendors.y + 1));
            if at.y > areas.vendors.y && row < lookups.connections.len() && self.selected != row {
                self.select(row, &lookups.connections);
            }
        } else if areas.lookup.contains(at) {
            self.focus = StartFocus::Input;
        } else if demo && areas.users.contains(at) {
            self.click_list(StartFocus::Users, areas.users, at, lookups);
        } else if areas.recent.contains(at) {
            self.click_list(StartFocus::Recent, areas.recent, at, lookups);
        }
    }

    /// Focus a list box and select the row under the pointer (scrolled as drawn).
    fn click_list(&mut self, focus: StartFocus, area: Rect, at: Position, lookups: &Lookups) {
        let rows = usize::from(area.height.saturating_sub(2)).max(1);
        let offset = if self.focus == focus {
            layout::list_offset(self.list_cursor, rows)
        } else {
            0
        };
        self.focus = focus;
        let row = offset + usize::from(at.y.saturating_sub(area.y + 1));
        self.list_cursor = row.min(self.list_len(lookups).saturating_sub(1));
    }
}
