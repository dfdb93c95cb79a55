//! The Compare screen's state and keys. `C` on a profile makes it side A and opens a picker:
//! side B is a profile from the in-memory cache or a new lookup (the start screen in "compare
//! mode", whose result opens the comparison instead of replacing the profile). The diff is
//! computed once when the comparison opens; `d`, `f` and the movement keys only choose which of
//! its rows are listed. Esc always goes one step back.

use std::sync::Arc;

use crossterm::event::KeyEvent;

use crate::compare::{CompareRow, Comparison, Group, Status};
use crate::lookup::LookupOutcome;
use crate::sanitize::sanitize;
use crate::tui::app::{App, CachedProfile, Overlay, Screen, StartFocus};
use crate::tui::fuzzy::Needle;
use crate::tui::input::TextInput;
use crate::tui::keymap::{Action, Context};
use crate::tui::message::Effect;

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
    /// The start screen runs the lookup for side B.
    LookingUp,
    Ready(Box<CompareView>),
}

/// One listed line: a group heading or a row of the comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ViewLine {
    Heading(Group),
    Row(usize),
}

/// Which rows `d` lists: it cycles through these.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shown {
    All,
    /// Every row that is not the same (`≠`, `◀`, `▶`).
    Differences,
    /// Only values both sides have and disagree on (`≠`): across vendors most rows are on
    /// one side only, and the conflicts are what decides "same person?".
    Conflicts,
}

impl Shown {
    pub fn next(self) -> Shown {
        match self {
            Shown::All => Shown::Differences,
            Shown::Differences => Shown::Conflicts,
            Shown::Conflicts => Shown::All,
        }
    }

    pub fn shows(self, status: Status) -> bool {
        match self {
            Shown::All => true,
            Shown::Differences => status != Status::Same,
            Shown::Conflicts => status == Status::Differs,
        }
    }

    /// For the pane title (`None`: every row).
    pub fn label(self) -> Option<&'static str> {
        match self {
            Shown::All => None,
            Shown::Differences => Some("differences only (≠ ◀ ▶)"),
            Shown::Conflicts => Some("conflicts only (≠)"),
        }
    }
}

pub struct CompareView {
    pub cmp: Comparison,
    /// `d`: which rows are listed.
    pub shown: Shown,
    /// The fuzzy filter in force (`f`).
    pub filter: Option<String>,
    /// The filter while it is being typed.
    pub filter_edit: Option<TextInput>,
    /// Index into the listed lines.
    pub selected: usize,
    pub offset: usize,
    /// Widest key, measured once, to size the key column.
    pub key_width: usize,
    lines: Vec<ViewLine>,
    /// Visible rows per group, for the headings.
    group_counts: Vec<(Group, usize)>,
}

impl CompareView {
    pub fn new(cmp: Comparison) -> CompareView {
        let key_width = cmp
            .rows
            .iter()
            .map(|r| crate::tui::text::width(&r.key))
            .max()
            .unwrap_or(0);
        let mut view = CompareView {
            cmp,
            shown: Shown::All,
            filter: None,
            filter_edit: None,
            selected: 0,
            offset: 0,
            key_width,
            lines: Vec::new(),
            group_counts: Vec::new(),
        };
        view.rebuild();
        view
    }

    pub fn line_count(&self) -> usize {
        self.lines.len()
    }

    pub fn line(&self, i: usize) -> Option<ViewLine> {
        self.lines.get(i).copied()
    }

    pub fn row(&self, index: usize) -> Option<&CompareRow> {
        self.cmp.rows.get(index)
    }

    /// The selected comparison row (`None` on a heading).
    pub fn selected_row(&self) -> Option<&CompareRow> {
        match self.line(self.selected)? {
            ViewLine::Row(i) => self.row(i),
            ViewLine::Heading(_) => None,
        }
    }

    /// Rows listed under a group's heading.
    pub fn group_count(&self, group: Group) -> usize {
        self.group_counts
            .iter()
            .find(|(g, _)| *g == group)
            .map_or(0, |(_, n)| *n)
    }

    /// `d`: all rows → differences → conflicts → all rows.
    pub fn cycle_shown(&mut self) {
        self.shown = self.shown.next();
        self.rebuild();
    }

    /// Narrow the rows to those whose key or either value fuzzily matches `query` (empty:
    /// no filter).
    pub fn set_filter(&mut self, query: &str) {
        self.filter = Some(query.to_owned()).filter(|q| !q.trim().is_empty());
        // A new filter starts at its first match, as the profile panes do.
        self.selected = 0;
        self.rebuild();
    }

    /// What the list says when it has no lines.
    pub fn empty_text(&self) -> Option<String> {
        if !self.lines.is_empty() {
            return None;
        }
        Some(match (&self.filter, self.shown) {
            (Some(q), _) => format!("No rows match “{}” (Esc clears the filter)", sanitize(q)),
            (None, Shown::Differences) if !self.cmp.rows.is_empty() => {
                "No differences: every row is the same".to_owned()
            }
            (None, Shown::Conflicts) if !self.cmp.rows.is_empty() => {
                "No conflicts: no value is different on the two sides".to_owned()
            }
            _ => "Nothing to compare: both profiles are empty".to_owned(),
        })
    }

    /// List the rows that pass `d` and the filter, a heading before each group; the selection
    /// stays on the same row when it is still listed, else on the next one (from a heading:
    /// the first row).
    fn rebuild(&mut self) {
        let was = match self.line(self.selected) {
            Some(ViewLine::Row(i)) => Some(i),
            _ => None,
        };
        let needle = self.filter.as_deref().and_then(Needle::new);
        let mut lines = Vec::new();
        let mut counts: Vec<(Group, usize)> = Vec::new();
        for (i, row) in self.cmp.rows.iter().enumerate() {
            if !self.shown.shows(row.status) {
                continue;
            }
            let text = |c: &Option<crate::compare::Cell>| {
                c.as_ref()
                    .is_some_and(|c| needle.as_ref().is_some_and(|n| n.matches(&c.text)))
            };
            if let Some(n) = &needle
                && !(n.matches(&row.key) || text(&row.a) || text(&row.b))
            {
                continue;
            }
            match counts.last_mut() {
                Some((g, n)) if *g == row.group => *n += 1,
                _ => {
                    counts.push((row.group, 1));
                    lines.push(ViewLine::Heading(row.group));
                }
            }
            lines.push(ViewLine::Row(i));
        }
        let old = was.unwrap_or(0);
        self.selected = lines
            .iter()
            .position(|l| matches!(l, ViewLine::Row(i) if *i >= old))
            .unwrap_or(lines.len().saturating_sub(1));
        self.offset = 0;
        self.lines = lines;
        self.group_counts = counts;
    }

    /// Headings are not selectable: step over one in the direction of travel (or back, at
    /// the top).
    fn off_heading(&mut self, forward: bool) {
        let is_row = |v: &CompareView, i: usize| matches!(v.line(i), Some(ViewLine::Row(_)));
        if is_row(self, self.selected) {
            return;
        }
        let last = self.lines.len().saturating_sub(1);
        let ahead = if forward {
            (self.selected..=last).find(|i| is_row(self, *i))
        } else {
            (0..=self.selected).rev().find(|i| is_row(self, *i))
        };
        let behind = if forward {
            (0..=self.selected).rev().find(|i| is_row(self, *i))
        } else {
            (self.selected..=last).find(|i| is_row(self, *i))
        };
        if let Some(i) = ahead.or(behind) {
            self.selected = i;
        }
    }

    fn move_by(&mut self, action: Action, page: usize) {
        let last = self.lines.len().saturating_sub(1);
        self.selected = match action {
            Action::Up => self.selected.saturating_sub(1),
            Action::Down => (self.selected + 1).min(last),
            Action::PageUp => self.selected.saturating_sub(page),
            Action::PageDown => (self.selected + page).min(last),
            Action::Top => 0,
            Action::Bottom => last,
            _ => self.selected,
        };
        let forward = matches!(action, Action::Down | Action::PageDown | Action::Bottom);
        self.off_heading(forward);
        let page = page.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + page {
            self.offset = self.selected + 1 - page;
        }
    }
}

/// `C` on the profile: the shown profile becomes side A and the picker opens.
pub fn start(app: &mut App) {
    let Some(view) = app.profile.as_ref() else {
        return;
    };
    app.compare = Some(CompareState {
        a: view.outcome.clone(),
        stage: Stage::Picking { cursor: 0 },
    });
    app.screen = Screen::Compare;
    app.notice = None;
}

/// Cached profiles that can be side B (every one but side A itself), newest first.
pub fn candidates(app: &App) -> Vec<&CachedProfile> {
    let Some(state) = app.compare.as_ref() else {
        return Vec::new();
    };
    app.profile_cache
        .iter()
        .filter(|c| !(c.connection == state.a.connection && c.lookup == state.a.lookup))
        .collect()
}

/// Whether the start screen is looking up side B (its result opens the comparison).
pub fn awaiting_side_b(app: &App) -> bool {
    matches!(
        app.compare.as_ref().map(|c| &c.stage),
        Some(Stage::LookingUp)
    )
}

/// Compare side A with `b` and show the result.
pub fn open_with(app: &mut App, b: &LookupOutcome) {
    let Some(state) = app.compare.as_mut() else {
        return;
    };
    let cmp = Comparison::new(&state.a, b);
    state.stage = Stage::Ready(Box::new(CompareView::new(cmp)));
    app.screen = Screen::Compare;
    app.notice = None;
}

/// Esc on the start screen while looking up side B: back to choosing it.
pub fn back_to_picker(app: &mut App) {
    if let Some(state) = app.compare.as_mut() {
        state.stage = Stage::Picking { cursor: 0 };
        app.screen = Screen::Compare;
        app.notice = None;
    }
}

/// The start screen, to look up side B with any vendor.
fn new_lookup(app: &mut App) {
    if let Some(state) = app.compare.as_mut() {
        state.stage = Stage::LookingUp;
    }
    app.screen = Screen::Start;
    app.start_focus = StartFocus::Input;
}

/// Leave the Compare screen for side A's profile.
fn leave(app: &mut App) {
    app.compare = None;
    app.screen = if app.profile.is_some() {
        Screen::Profile
    } else {
        Screen::Start
    };
}

pub fn is_editing(app: &App) -> bool {
    ready(app).is_some_and(|v| v.filter_edit.is_some())
}

pub fn ready(app: &App) -> Option<&CompareView> {
    match &app.compare.as_ref()?.stage {
        Stage::Ready(view) => Some(view),
        _ => None,
    }
}

fn ready_mut(app: &mut App) -> Option<&mut CompareView> {
    match &mut app.compare.as_mut()?.stage {
        Stage::Ready(view) => Some(view),
        _ => None,
    }
}

fn page(app: &App) -> usize {
    usize::from(crate::tui::ui::compare::body_rows(app.size)).max(1)
}

/// An action on the Compare screen (picker or comparison).
pub fn apply(app: &mut App, action: Action) -> Vec<Effect> {
    let page = page(app);
    let picking = match app.compare.as_ref().map(|c| &c.stage) {
        Some(Stage::Picking { cursor }) => Some(*cursor),
        Some(Stage::Ready(_)) => None,
        // Nothing to show here (a stale state): go back to the profile.
        Some(Stage::LookingUp) | None => {
            leave(app);
            return Vec::new();
        }
    };
    if let Some(cursor) = picking {
        let count = candidates(app).len() + 1;
        let next = match action {
            Action::Back => {
                leave(app);
                return Vec::new();
            }
            Action::OpenLookup => {
                new_lookup(app);
                return Vec::new();
            }
            Action::Select if cursor == 0 => {
                new_lookup(app);
                return Vec::new();
            }
            Action::Select => {
                let chosen = candidates(app).get(cursor - 1).map(|c| c.outcome.clone());
                if let Some(b) = chosen {
                    open_with(app, &b);
                }
                return Vec::new();
            }
            Action::Up => cursor.saturating_sub(1),
            Action::Down => (cursor + 1).min(count - 1),
            Action::PageUp | Action::Top => 0,
            Action::PageDown | Action::Bottom => count - 1,
            _ => cursor,
        };
        if let Some(state) = app.compare.as_mut() {
            state.stage = Stage::Picking { cursor: next };
        }
        return Vec::new();
    }
    match action {
        Action::Back => {
            if let Some(view) = ready_mut(app)
                && view.filter.is_some()
            {
                view.set_filter("");
                return Vec::new();
            }
            leave(app);
        }
        Action::Compare => {
            if let Some(state) = app.compare.as_mut() {
                state.stage = Stage::Picking { cursor: 0 };
            }
        }
        Action::OpenLookup => new_lookup(app),
        Action::DiffOnly => {
            if let Some(view) = ready_mut(app) {
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
                app.notice = Some(format!("Listing {what}: {rows} rows"));
            }
        }
        Action::Filter => {
            if let Some(view) = ready_mut(app) {
                view.filter_edit = Some(TextInput::new(view.filter.as_deref().unwrap_or("")));
            }
        }
        Action::Up
        | Action::Down
        | Action::PageUp
        | Action::PageDown
        | Action::Top
        | Action::Bottom => {
            if let Some(view) = ready_mut(app) {
                view.move_by(action, page);
            }
        }
        Action::Select => open_detail(app),
        Action::Copy => {
            if let Some(view) = ready(app)
                && let Some(row) = view.selected_row()
            {
                let text = row_text(&view.cmp, row);
                let toast = format!(
                    "Copied {} characters to the clipboard: {} in both profiles",
                    text.chars().count(),
                    row.key
                );
                return app.copy(text, toast);
            }
        }
        _ => {}
    }
    Vec::new()
}

/// The mouse wheel on the Compare screen.
/// A click on a row selects it (a heading selects the row after it); a second click on the
/// selected row opens both full values, as Enter does.
pub fn click(app: &mut App, at: ratatui::layout::Position) {
    let list = crate::tui::ui::compare::list_area(app.size);
    let rows = usize::from(list.height);
    let Some(view) = ready_mut(app) else {
        return;
    };
    if !list.contains(at) {
        return;
    }
    let scroll = crate::tui::view::PaneScroll {
        selected: view.selected,
        offset: view.offset,
    };
    let offset = crate::tui::ui::table::visible_offset(scroll, view.line_count(), rows);
    let line = offset + usize::from(at.y - list.y);
    if line >= view.line_count() {
        return;
    }
    let again = line == view.selected;
    view.selected = line;
    view.offset = offset;
    view.off_heading(true);
    if again {
        open_detail(app);
    }
}

pub fn scroll(app: &mut App, down: bool, lines: usize) {
    for _ in 0..lines {
        apply(app, if down { Action::Down } else { Action::Up });
    }
}

fn side_title(cmp: &Comparison, a: bool) -> String {
    let side = if a { &cmp.a } else { &cmp.b };
    format!(
        "{} · {} ({})",
        if a { "A" } else { "B" },
        side.vendor.display_name(),
        side.connection
    )
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

/// Enter: both full values in the detail popup.
fn open_detail(app: &mut App) {
    let Some(view) = ready(app) else {
        return;
    };
    let Some(row) = view.selected_row() else {
        return;
    };
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
    app.overlay = Some(Overlay::Detail {
        title: row.key.clone(),
        lines,
        scroll: 0,
    });
}

/// Keys while typing the filter: rows narrow with every keystroke; Enter keeps the filter,
/// Esc clears it, arrows still move.
pub fn on_filter_key(app: &mut App, key: &KeyEvent) -> Vec<Effect> {
    let action = app.keymap.action_for(key, &[Context::Typing], true);
    if action == Some(Action::ForceQuit) {
        return app.quit(130);
    }
    let page = page(app);
    let Some(view) = ready_mut(app) else {
        return Vec::new();
    };
    let Some(input) = view.filter_edit.as_mut() else {
        return Vec::new();
    };
    let changed = match action {
        Some(Action::Select) => {
            view.filter_edit = None;
            return Vec::new();
        }
        Some(Action::Back) => {
            view.filter_edit = None;
            view.set_filter("");
            return Vec::new();
        }
        Some(a @ (Action::Up | Action::Down | Action::PageUp | Action::PageDown)) => {
            view.move_by(a, page);
            return Vec::new();
        }
        a => input.type_key(a, key),
    };
    if changed {
        let query = input.text().to_owned();
        view.set_filter(&query);
    }
    Vec::new()
}
