//! The Compare screen's state and keys. `C` on a profile makes it side A and opens a picker:
//! side B is a profile from the in-memory cache or a new lookup (the router shows the start
//! screen for it, and its result opens the comparison instead of replacing the profile). The
//! diff is computed once when the comparison opens; `d`, `f` and the movement keys only choose
//! which of its rows are listed. Esc always goes one step back.

use std::sync::Arc;

use crossterm::event::KeyEvent;
use ratatui::layout::Position;

use crate::compare::{CompareRow, Comparison, Group};
use crate::lookup::LookupOutcome;
use crate::sanitize::sanitize;
use crate::tui::input::{Pasted, TextInput};
use crate::tui::keymap::{Action, Context};
use crate::tui::lookups::{CachedProfile, Lookups};
use crate::tui::overlays::{Overlay, detail::Detail};
use crate::tui::screens::{Ctx, Step, Transition};

pub mod rows;
pub mod view;

pub use rows::{CompareView, Shown, ViewLine};

/// Side A and how far choosing side B has got.
pub struct CompareState {
    pub a: Arc<LookupOutcome>,
    pub stage: Stage,
}

pub enum Stage {
    /// Choosing side B: row 0 is "new lookup", the rest are cached profiles.
    Picking {
        cursor: usize,
    },
    Ready(Box<CompareView>),
}

fn page(size: ratatui::layout::Rect) -> usize {
    usize::from(view::body_rows(size)).max(1)
}

impl CompareState {
    /// Side A chosen, side B not yet.
    pub fn new(a: Arc<LookupOutcome>) -> CompareState {
        CompareState {
            a,
            stage: Stage::Picking { cursor: 0 },
        }
    }

    /// Cached profiles that can be side B (every one but side A itself), newest first.
    pub fn candidates<'a>(&self, lookups: &'a Lookups) -> Vec<&'a CachedProfile> {
        lookups
            .cache
            .iter()
            .filter(|c| !(c.connection == self.a.connection && c.lookup == self.a.lookup))
            .collect()
    }

    /// Compare side A with `b` and show the result.
    pub fn open_with(&mut self, b: &LookupOutcome) {
        let cmp = Comparison::new(&self.a, b);
        self.stage = Stage::Ready(Box::new(CompareView::new(cmp)));
    }

    /// Back to choosing side B.
    pub fn back_to_picker(&mut self) {
        self.stage = Stage::Picking { cursor: 0 };
    }

    pub fn ready(&self) -> Option<&CompareView> {
        match &self.stage {
            Stage::Ready(view) => Some(view),
            Stage::Picking { .. } => None,
        }
    }

    fn ready_mut(&mut self) -> Option<&mut CompareView> {
        match &mut self.stage {
            Stage::Ready(view) => Some(view),
            Stage::Picking { .. } => None,
        }
    }

    pub fn is_typing(&self) -> bool {
        self.ready().is_some_and(|v| v.filter_edit.is_some())
    }

    /// An action on the Compare screen (picker or comparison).
    pub fn apply(&mut self, action: Action, ctx: &mut Ctx) -> Step {
        let page = page(ctx.size);
        if let Stage::Picking { cursor } = self.stage {
            let count = self.candidates(ctx.lookups).len() + 1;
            let next = match action {
                Action::Back => return Transition::Back.into(),
                Action::OpenLookup => return Transition::LookUpSideB.into(),
                Action::Select if cursor == 0 => return Transition::LookUpSideB.into(),
                Action::Select => {
                    let chosen = self
                        .candidates(ctx.lookups)
                        .get(cursor - 1)
                        .map(|c| c.outcome.clone());
                    if let Some(b) = chosen {
                        self.open_with(&b);
                        *ctx.notice = None;
                    }
                    return Step::none();
                }
                Action::Up => cursor.saturating_sub(1),
                Action::Down => (cursor + 1).min(count - 1),
                Action::PageUp | Action::Top => 0,
                Action::PageDown | Action::Bottom => count - 1,
                _ => cursor,
            };
            self.stage = Stage::Picking { cursor: next };
            return Step::none();
        }
        match action {
            Action::Back => {
                if let Some(view) = self.ready_mut()
                    && view.filter.is_some()
                {
                    view.set_filter("");
                    return Step::none();
                }
                return Transition::Back.into();
            }
            Action::Compare => self.back_to_picker(),
            Action::OpenLookup => return Transition::LookUpSideB.into(),
            Action::DiffOnly => {
                if let Some(view) = self.ready_mut() {
                    view.cycle_shown();
                    let rows: usize = [
                        Group::Identity,
                        Group::Location,
                        Group::Fields,
                        Group::Tags,
                        Group::Segments,
                    ]
                    .into_iter()
                    .map(|g| view.group_count(g))
                    .sum();
                    let what = view.shown.label().unwrap_or("all rows");
                    *ctx.notice = Some(format!("Listing {what}: {rows} rows"));
                }
            }
            Action::Filter => {
                if let Some(view) = self.ready_mut() {
                    view.filter_edit = Some(TextInput::new(view.filter.as_deref().unwrap_or("")));
                }
            }
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom => {
                if let Some(view) = self.ready_mut() {
                    view.move_by(action, page);
                }
            }
            Action::Select => {
                if let Some(overlay) = self.detail() {
                    return Transition::Open(overlay).into();
                }
            }
            Action::Copy => {
                if let Some(view) = self.ready()
                    && let Some(row) = view.selected_row()
                {
                    let text = row_text(&view.cmp, row);
                    let toast = format!(
                        "Copied {} characters to the clipboard: {} in both profiles",
                        text.chars().count(),
                        row.key
                    );
                    return ctx.copy(text, toast).into();
                }
            }
            _ => {}
        }
        Step::none()
    }

    /// The mouse wheel moves the selection (or the picker's cursor).
    pub fn wheel(&mut self, down: bool, lines: usize, ctx: &mut Ctx) {
        for _ in 0..lines {
            // Up and Down never leave the screen.
            let _ = self.apply(if down { Action::Down } else { Action::Up }, ctx);
        }
    }

    /// A click on a row selects it (a heading selects the row after it); a second click on
    /// the selected row opens both full values, as Enter does.
    pub fn click(&mut self, at: Position, size: ratatui::layout::Rect) -> Step {
        let list = view::list_area(size);
        let rows = usize::from(list.height);
        let Some(view) = self.ready_mut() else {
            return Step::none();
        };
        if !list.contains(at) {
            return Step::none();
        }
        let scroll = crate::tui::view::PaneScroll {
            selected: view.selected,
            offset: view.offset,
        };
        let offset = crate::tui::ui::table::visible_offset(scroll, view.line_count(), rows);
        let line = offset + usize::from(at.y - list.y);
        if line >= view.line_count() {
            return Step::none();
        }
        let again = line == view.selected;
        view.selected = line;
        view.offset = offset;
        view.off_heading(true);
        if again && let Some(overlay) = self.detail() {
            return Transition::Open(overlay).into();
        }
        Step::none()
    }

    /// Enter: both full values in the detail popup.
    fn detail(&self) -> Option<Overlay> {
        let view = self.ready()?;
        let row = view.selected_row()?;
        let mut lines = vec![
            format!("{} {}", row.status.symbol(), row.status.word()),
            String::new(),
        ];
        for (a, cell) in [(true, &row.a), (false, &row.b)] {
            let path = cell.as_ref().map_or("", |c| c.path.as_str());
            lines.push(format!("{} · {path}", side_title(&view.cmp, a)));
            match cell {
                Some(c) => lines.extend(c.full_text().lines().map(|l| sanitize(l).into_owned())),
                None => lines.push("(absent)".to_owned()),
            }
            lines.push(String::new());
        }
        lines.pop();
        Some(Overlay::Detail(Detail::new(row.key.clone(), lines)))
    }

    /// A paste into the filter being typed; `None` when no filter is being typed.
    pub fn paste(&mut self, text: &str) -> Option<Pasted> {
        let view = self.ready_mut()?;
        let input = view.filter_edit.as_mut()?;
        let pasted = input.paste(text);
        if pasted.changed {
            let query = input.text().to_owned();
            view.set_filter(&query);
        }
        Some(pasted)
    }

    /// Keys while typing the filter: rows narrow with every keystroke; Enter keeps the filter,
    /// Esc clears it, arrows still move.
    pub fn on_filter_key(&mut self, key: &KeyEvent, ctx: &mut Ctx) -> Step {
        let action = ctx.keymap.action_for(key, &[Context::Typing], true);
        if action == Some(Action::ForceQuit) {
            return Transition::Quit(130).into();
        }
        let page = page(ctx.size);
        let Some(view) = self.ready_mut() else {
            return Step::none();
        };
        let Some(input) = view.filter_edit.as_mut() else {
            return Step::none();
        };
        let changed = match action {
            Some(Action::Select) => {
                view.filter_edit = None;
                return Step::none();
            }
            Some(Action::Back) => {
                view.filter_edit = None;
                view.set_filter("");
                return Step::none();
            }
            Some(a @ (Action::Up | Action::Down | Action::PageUp | Action::PageDown)) => {
                view.move_by(a, page);
                return Step::none();
            }
            a => input.type_key(a, key),
        };
        if changed {
            let query = input.text().to_owned();
            view.set_filter(&query);
        }
        Step::none()
    }
}

fn side_title(cmp: &Comparison, a: bool) -> String {
    format!("{} · {}", if a { "A" } else { "B" }, side_name(cmp, a))
}

/// A side by vendor and connection (`Coho (coho)`), and by the value looked up when both
/// sides are the same connection, so the two columns never read alike (`A · A`).
pub fn side_name(cmp: &Comparison, a: bool) -> String {
    let side = if a { &cmp.a } else { &cmp.b };
    let mut name = format!("{} ({})", side.vendor.display_name(), side.connection);
    if cmp.a.vendor == cmp.b.vendor && cmp.a.connection == cmp.b.connection {
        name.push_str(&format!(" {}", side.lookup.value));
    }
    name
}

/// The row as text for a ticket: key and verdict, then each side's value in full.
pub fn row_text(cmp: &Comparison, row: &CompareRow) -> String {
    let value = |c: &Option<crate::compare::Cell>| match c {
        Some(cell) => cell
            .full_text()
            .split('\n')
            .map(sanitize)
            .collect::<Vec<_>>()
            .join("\n"),
        None => "(absent)".to_owned(),
    };
    format!(
        "{} {} ({})\n{} [{}]: {}\n{} [{}]: {}",
        row.status.symbol(),
        row.key,
        row.status.word(),
        side_title(cmp, true),
        row.a.as_ref().map_or("", |c| c.path.as_str()),
        value(&row.a),
        side_title(cmp, false),
        row.b.as_ref().map_or("", |c| c.path.as_str()),
        value(&row.b),
    )
}
