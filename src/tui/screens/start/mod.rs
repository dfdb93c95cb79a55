//! The start screen's state and keys: pick a vendor (or All vendors, which heads the list),
//! type who to look up (with the kind toggle: for All vendors, email or ID), or pick a demo
//! user or a recent lookup. Running the lookup or the find is the router's job.

use ratatui::layout::{Position, Rect};

use crate::find::Query;
use crate::tui::input::{Pasted, TextInput, cut_notice};
use crate::tui::keymap::Action;
use crate::tui::lookups::FIND_CONNECTION;
use crate::tui::lookups::{ConnEntry, Lookups};
use crate::tui::message::Effect;
use crate::tui::screens::{Ctx, Step, Transition};
use crate::tui::ui::layout;
use crate::vendors::{FindClass, Lookup, LookupKind, VendorKind};

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
    /// Index into the connections (kept while All vendors is chosen, for going back down).
    pub selected: usize,
    /// "All vendors" (the first row of the list) is chosen: Enter finds the person everywhere.
    pub all_vendors: bool,
    /// The class Ctrl-T chose for All vendors; `None` takes it from the value (`@`: email).
    pub find_class: Option<FindClass>,
    pub kind: LookupKind,
    pub input: TextInput,
    pub focus: StartFocus,
    /// Cursor in the demo-users or recent list, whichever has focus.
    pub list_cursor: usize,
    /// `D` was pressed once on the recent list; a second `D` clears it.
    pub confirm_clear: bool,
    pub demo_users: Vec<DemoHint>,
    /// `--demo`: the person every demo vendor but one knows, offered under All vendors.
    find_hints: Vec<DemoHint>,
}

/// The demo person of `userscope find`, by email and by product ID (only in `--demo`).
fn find_demo_hints() -> Vec<DemoHint> {
    use crate::vendors::demo_kit::{EVERYWHERE_EMAIL, EVERYWHERE_ID};
    [
        (LookupKind::Email, EVERYWHERE_EMAIL, "known at four vendors"),
        (
            LookupKind::Id,
            EVERYWHERE_ID,
            "the same person by product ID",
        ),
    ]
    .into_iter()
    .map(|(by, value, label)| DemoHint {
        vendor: VendorKind::first(),
        lookup: Lookup::new(by, value),
        label: label.to_owned(),
    })
    .collect()
}

/// The lookup kind a history entry of a find stores for its class (and back).
pub fn find_kind_of(class: FindClass) -> LookupKind {
    match class {
        FindClass::Email => LookupKind::Email,
        FindClass::Id => LookupKind::Id,
    }
}

pub fn find_class_of(kind: LookupKind) -> FindClass {
    match kind {
        LookupKind::Email => FindClass::Email,
        _ => FindClass::Id,
    }
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
        let find_hints = if demo_users.is_empty() {
            Vec::new()
        } else {
            find_demo_hints()
        };
        let mut state = StartState {
            selected,
            all_vendors: false,
            find_class: None,
            find_hints,
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

    /// The selected connection's vendor (`None` for All vendors or without any connection).
    pub fn vendor(&self, connections: &[ConnEntry]) -> Option<VendorKind> {
        if self.all_vendors {
            return None;
        }
        connections.get(self.selected).map(|c| c.vendor)
    }

    /// The class an All-vendors find takes: Ctrl-T's choice, else `@` in the value says email.
    pub fn effective_class(&self) -> FindClass {
        self.find_class
            .unwrap_or(if self.input.text().contains('@') {
                FindClass::Email
            } else {
                FindClass::Id
            })
    }

    /// The row of the vendor list that is highlighted: All vendors is row 0.
    pub fn list_row(&self) -> usize {
        if self.all_vendors {
            0
        } else {
            self.selected + 1
        }
    }

    /// Demo users of the selected vendor (All vendors: the find demo person).
    pub fn visible_demo_users(&self, connections: &[ConnEntry]) -> Vec<&DemoHint> {
        if self.all_vendors {
            return self.find_hints.iter().collect();
        }
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
        self.all_vendors = false;
        self.selected = index;
        if let Some(vendor) = self.vendor(connections) {
            self.kind = vendor.default_lookup();
        }
    }

    /// Up / Down in the vendor list: All vendors, then each connection, wrapping around.
    fn change_vendor(&mut self, down: bool, connections: &[ConnEntry]) {
        let n = connections.len() + 1;
        let row = self.list_row();
        let next = if down {
            (row + 1) % n
        } else {
            (row + n - 1) % n
        };
        self.select_row(next, connections);
        self.list_cursor = 0;
    }

    /// Choose row `row` of the vendor list (0: All vendors).
    fn select_row(&mut self, row: usize, connections: &[ConnEntry]) {
        match row.checked_sub(1) {
            None => self.all_vendors = true,
            Some(i) if i < connections.len() => self.select(i, connections),
            Some(_) => {}
        }
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
        if self.all_vendors {
            return self.submit_find(ctx);
        }
        let value = self.input.text().trim().to_owned();
        if value.is_empty() {
            *ctx.notice = Some(format!("Type the {} to look up first", self.kind));
            self.focus = StartFocus::Input;
            return Step::none();
        }
        ctx.lookups.auto_retries = 0;
        Step::Go(Transition::Lookup {
            conn_index: self.selected,
            lookup: Lookup::new(self.kind, value),
        })
    }

    /// Enter with All vendors: the find (an empty value or an email without `@` is refused
    /// here, before anything is sent).
    fn submit_find(&mut self, ctx: &mut Ctx) -> Step {
        match Query::parse(self.input.text(), self.find_class) {
            Ok(query) => {
                *ctx.notice = None;
                Step::Go(Transition::Find { query })
            }
            Err(e) => {
                *ctx.notice = Some(e.to_string());
                self.focus = StartFocus::Input;
                Step::none()
            }
        }
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
                // Esc leaves the field (so `q` and `?` act again), also when it cancels a
                // lookup; from anywhere else it goes back.
                let leave_field = self.focus == StartFocus::Input;
                if leave_field {
                    self.focus = StartFocus::Vendors;
                }
                if ctx.lookups.loading.is_some() {
                    return ctx.cancel_lookup().into();
                }
                if !leave_field {
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
            Action::ToggleKind if self.all_vendors => {
                self.find_class = Some(match self.effective_class() {
                    FindClass::Email => FindClass::Id,
                    FindClass::Id => FindClass::Email,
                });
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
                    if self.all_vendors {
                        self.find_class = Some(find_class_of(user.lookup.by));
                    } else {
                        self.kind = user.lookup.by;
                    }
                    self.input.set(&user.lookup.value);
                    self.focus = StartFocus::Input;
                    return self.submit(ctx);
                }
            }
            StartFocus::Recent => {
                let recent = ctx.lookups.recent.get(self.list_cursor).cloned();
                if let Some(r) = recent.as_ref().filter(|r| r.connection == FIND_CONNECTION) {
                    // A find of an earlier run: run it again.
                    self.all_vendors = true;
                    self.find_class = Some(find_class_of(r.lookup.by));
                    self.input.set(&r.lookup.value);
                    self.focus = StartFocus::Input;
                    return self.submit_find(ctx);
                }
                if let Some(r) = recent
                    && let Some(i) = ctx.lookups.position(&r.connection)
                {
                    self.selected = i;
                    self.all_vendors = false;
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
            let row = layout::list_offset(self.list_row(), visible)
                + usize::from(at.y.saturating_sub(areas.vendors.y + 1));
            if at.y > areas.vendors.y && row != self.list_row() {
                self.select_row(row, &lookups.connections);
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
