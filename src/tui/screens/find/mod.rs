//! The All-vendors board: one row per connection, filled in as `crate::find` reports (its
//! events reach the router as `Message::FindProgress` and are applied here), Enter opening a
//! found profile in the usual panes, `M` the merged view, `g` a pivot on the row's email, and
//! Esc cancelling everything while it runs (the find's later events are then stale).

use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::KeyEvent;

use crate::compare::merge::{Merged, Source, merge};
use crate::error::LookupError;
use crate::find::{FindEvent, Query, Row, Status};
use crate::history::Outcome;
use crate::lookup::LookupOutcome;
use crate::sanitize::sanitize;
use crate::tui::keymap::{Action, Context};
use crate::tui::message::{Effect, RequestId};
use crate::tui::overlays::{Overlay, pivot::Pivot};
use crate::tui::screens::{Ctx, Step, Transition};

pub mod merged;
mod merged_view;
mod timelines;
pub mod view;

pub use merged::{MergedShown, MergedView};

/// Where the find is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Asking (rows may still change).
    Running,
    /// Every row is final (the `Done` event came).
    Done,
    /// Esc stopped it; rows that had not answered say so, and later events are dropped.
    Cancelled,
}

/// One connection's row, as shown: the core's row, its found profile shared with the panes,
/// and when it started (for the running time) or must wait until (a 429).
#[derive(Clone, Debug)]
pub struct BoardRow {
    pub row: Row,
    pub outcome: Option<Arc<LookupOutcome>>,
    pub since: Option<Instant>,
    pub rate_limited_until: Option<Instant>,
}

impl BoardRow {
    fn new(row: Row) -> BoardRow {
        let outcome = row.found().map(|o| Arc::new(o.clone()));
        BoardRow {
            row,
            outcome,
            since: None,
            rate_limited_until: None,
        }
    }

    /// The found person's email, if any (the pivot's value on the board).
    pub fn email(&self) -> Option<&str> {
        self.outcome.as_ref()?.profile.email.as_deref()
    }
}

pub struct FindState {
    /// The find's request id: its events carry it.
    pub request: RequestId,
    pub query: Query,
    pub started: Instant,
    pub phase: Phase,
    /// Empty until the `Planned` event (keys are being checked).
    pub rows: Vec<BoardRow>,
    /// What the profiles found so far say together (recomputed as each one arrives).
    pub merged: Merged,
    pub selected: usize,
    pub offset: usize,
    /// `M`: the merged view, over the board until Esc.
    pub merged_view: Option<MergedView>,
}

/// What the router does when a find is over: the history entry's outcome and label.
pub struct FindSummary {
    pub outcome: Outcome,
    pub found: Option<String>,
}

impl FindState {
    pub fn new(request: RequestId, query: Query, now: Instant) -> FindState {
        FindState {
            request,
            query,
            started: now,
            phase: Phase::Running,
            rows: Vec::new(),
            merged: merge(&[]),
            selected: 0,
            offset: 0,
            merged_view: None,
        }
    }

    pub fn is_running(&self) -> bool {
        self.phase == Phase::Running
    }

    pub fn is_typing(&self) -> bool {
        self.merged_view
            .as_ref()
            .is_some_and(|m| m.filter_edit.is_some())
    }

    pub fn context(&self) -> Context {
        if self.merged_view.is_some() {
            Context::Merged
        } else {
            Context::Find
        }
    }

    /// The connections that found the person, in board order (the merged view's columns).
    pub fn found(&self) -> Vec<&BoardRow> {
        self.rows.iter().filter(|r| r.outcome.is_some()).collect()
    }

    /// For the progress line: (found, asked rows that answered, asked rows). Skipped and
    /// no-key rows are not asked (unless a follow-up asks them).
    pub fn counts(&self) -> (usize, usize, usize) {
        let found = self.found().len();
        let asked = || {
            self.rows
                .iter()
                .filter(|r| !matches!(r.row.status, Status::Skipped { .. } | Status::NoKey { .. }))
        };
        let answered = asked().filter(|r| r.row.status.is_final()).count();
        (found, answered, asked().count())
    }

    /// Apply one event of this find (the router checked the request id). Returns the summary
    /// once the find is done.
    pub fn on_event(&mut self, event: FindEvent, now: Instant) -> Option<FindSummary> {
        match event {
            FindEvent::Planned(rows) => {
                self.rows = rows.into_iter().map(BoardRow::new).collect();
                self.selected = self.selected.min(self.rows.len().saturating_sub(1));
            }
            FindEvent::Started { row } => {
                if let Some(r) = self.rows.get_mut(row) {
                    r.row.status = Status::Running;
                    r.since = Some(now);
                }
            }
            FindEvent::RateLimited { row, wait } => {
                if let Some(r) = self.rows.get_mut(row) {
                    r.rate_limited_until = Some(now + wait);
                }
            }
            FindEvent::FollowUp { row, lookup, via } => {
                if let Some(r) = self.rows.get_mut(row) {
                    r.row.lookup = Some(lookup);
                    r.row.via = Some(via);
                    r.row.status = Status::Waiting;
                    r.since = None;
                }
            }
            FindEvent::Finished { row, status } => {
                if let Some(r) = self.rows.get_mut(row) {
                    r.row.status = status;
                    r.rate_limited_until = None;
                    r.outcome = r.row.found().map(|o| Arc::new(o.clone()));
                    if r.outcome.is_some() {
                        self.remerge();
                    }
                }
            }
            FindEvent::Done(report) => {
                // The report's rows are the same rows, final; the board keeps its own (with
                // their shared profiles) unless an event went missing.
                if report.rows.len() != self.rows.len() {
                    self.rows = report.rows.into_iter().map(BoardRow::new).collect();
                }
                self.merged = report.merged;
                if let Some(view) = self.merged_view.as_mut() {
                    view.rebuild(&self.merged);
                }
                self.phase = Phase::Done;
                return Some(self.summary());
            }
        }
        None
    }

    fn remerge(&mut self) {
        let sources: Vec<Source<'_>> = self
            .rows
            .iter()
            .filter_map(|r| {
                r.outcome.as_ref().map(|o| Source {
                    connection: &r.row.connection,
                    profile: &o.profile,
                })
            })
            .collect();
        self.merged = merge(&sources);
        if let Some(view) = self.merged_view.as_mut() {
            view.rebuild(&self.merged);
        }
    }

    /// The history entry's outcome: found somewhere, nobody has them, or the worst error.
    fn summary(&self) -> FindSummary {
        let rows: Vec<Row> = self.rows.iter().map(|r| r.row.clone()).collect();
        let found = self.found();
        let outcome = match crate::find::exit_code(&rows) {
            0 => Outcome::Ok,
            3 => Outcome::NotFound,
            code => Outcome::Error {
                kind: format!("exit {code}"),
            },
        };
        let label = found.first().map(|r| {
            let name = r
                .outcome
                .as_ref()
                .and_then(|o| o.profile.display_name.clone())
                .unwrap_or_else(|| r.row.connection.clone());
            format!("{} · found at {} of {}", name, found.len(), self.rows.len())
        });
        FindSummary {
            outcome,
            found: label,
        }
    }

    /// Esc while it runs: stop every lookup; rows without an answer become "cancelled"
    /// errors (never "absent"), as the core would end them.
    fn cancel(&mut self, now: Instant) -> Vec<Effect> {
        self.phase = Phase::Cancelled;
        for r in &mut self.rows {
            if !r.row.status.is_final() {
                let elapsed = r
                    .since
                    .map_or(Duration::ZERO, |s| now.saturating_duration_since(s));
                r.row.status = Status::Error {
                    elapsed,
                    exit_code: LookupError::Cancelled.exit_code(),
                    message: LookupError::Cancelled.to_string(),
                };
                r.rate_limited_until = None;
            }
        }
        vec![Effect::CancelLookup {
            request: self.request,
        }]
    }

    fn selected_row(&self) -> Option<&BoardRow> {
        self.rows.get(self.selected)
    }

    fn move_selection(&mut self, action: Action, page: usize) {
        let last = self.rows.len().saturating_sub(1);
        self.selected = match action {
            Action::Up => self.selected.saturating_sub(1),
            Action::Down => (self.selected + 1).min(last),
            Action::PageUp => self.selected.saturating_sub(page),
            Action::PageDown => (self.selected + page).min(last),
            Action::Top => 0,
            Action::Bottom => last,
            _ => self.selected,
        };
        let page = page.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + page {
            self.offset = self.selected + 1 - page;
        }
    }

    /// The mouse wheel moves the selection (board or merged view).
    pub fn wheel(&mut self, down: bool, lines: usize, ctx: &mut Ctx) {
        for _ in 0..lines {
            let _ = self.apply(if down { Action::Down } else { Action::Up }, ctx);
        }
    }

    pub fn apply(&mut self, action: Action, ctx: &mut Ctx) -> Step {
        let page = usize::from(view::board_rows(ctx.size)).max(1);
        if self.merged_view.is_some() {
            return self.apply_merged(action, ctx);
        }
        match action {
            Action::Back => {
                if self.is_running() {
                    *ctx.notice =
                        Some(format!("Find of {} cancelled", sanitize(&self.query.value)));
                    return self.cancel(ctx.clock.instant).into();
                }
                return Transition::ToStart.into();
            }
            Action::OpenLookup => return Transition::ToStart.into(),
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom => self.move_selection(action, page),
            Action::Select => {
                let Some(row) = self.selected_row() else {
                    return Step::none();
                };
                match &row.outcome {
                    Some(outcome) => return Transition::OpenProfile(outcome.clone()).into(),
                    None => {
                        *ctx.notice = Some(format!(
                            "{} has no profile to open ({})",
                            sanitize(&row.row.connection),
                            row.row.status.word().replace('_', " ")
                        ));
                    }
                }
            }
            Action::Merged => {
                if self.merged.found == 0 {
                    *ctx.notice = Some(if self.is_running() {
                        "Nobody found yet: the merged view needs a found profile".to_owned()
                    } else {
                        "Nobody found: there is nothing to merge".to_owned()
                    });
                } else {
                    self.merged_view = Some(MergedView::new(&self.merged));
                }
            }
            Action::Pivot => {
                let email = self.selected_row().and_then(BoardRow::email);
                match email {
                    Some(email) => {
                        let pivot = Pivot::new(email, &ctx.lookups.connections);
                        return Transition::Open(Overlay::Pivot(pivot)).into();
                    }
                    None => {
                        *ctx.notice = Some("This row has no email to look up".to_owned());
                    }
                }
            }
            _ => {}
        }
        Step::none()
    }

    fn apply_merged(&mut self, action: Action, ctx: &mut Ctx) -> Step {
        let page = usize::from(merged_view::body_rows(ctx.size)).max(1);
        let columns = self.found().len();
        let Some(view) = self.merged_view.as_mut() else {
            return Step::none();
        };
        match action {
            Action::Back => {
                if view.filter.is_some() {
                    view.set_filter("", &self.merged);
                } else {
                    self.merged_view = None;
                }
            }
            Action::OpenLookup => return Transition::ToStart.into(),
            Action::DiffOnly => {
                view.cycle_shown(&self.merged);
                *ctx.notice = Some(format!(
                    "Listing {}: {} fields",
                    view.shown.label(),
                    view.line_count()
                ));
            }
            Action::Filter => {
                view.filter_edit = Some(crate::tui::input::TextInput::new(
                    view.filter.as_deref().unwrap_or(""),
                ));
            }
            Action::ColumnLeft => view.column = view.column.saturating_sub(1),
            Action::ColumnRight => {
                view.column = (view.column + 1).min(columns.saturating_sub(1));
            }
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom => view.move_by(action, page),
            Action::Select => {
                if let Some(overlay) = self.merged_detail() {
                    return Transition::Open(overlay).into();
                }
            }
            Action::Pivot => match self.selected_cell() {
                Some(value) => {
                    let pivot = Pivot::new(&value, &ctx.lookups.connections);
                    return Transition::Open(Overlay::Pivot(pivot)).into();
                }
                None => {
                    *ctx.notice = Some(
                        "This connection said nothing about this field: no value to look up"
                            .to_owned(),
                    );
                }
            },
            _ => {}
        }
        Step::none()
    }

    /// The value the selected connection (column) gave for the selected field, as text.
    pub fn selected_cell(&self) -> Option<String> {
        let view = self.merged_view.as_ref()?;
        let field = view.selected_field(&self.merged)?;
        let found = self.found();
        let column = found.get(view.column)?;
        merged::value_of(field, &column.row.connection)
    }

    /// Enter in the merged view: every value of the field with who said it.
    fn merged_detail(&self) -> Option<Overlay> {
        let view = self.merged_view.as_ref()?;
        let field = view.selected_field(&self.merged)?;
        let mut lines = vec![
            if field.agree {
                "= the connections agree".to_owned()
            } else {
                "≠ conflict: the connections disagree".to_owned()
            },
            String::new(),
        ];
        for value in &field.values {
            let text = crate::display::value_text(&value.value);
            lines.extend(text.lines().map(|l| sanitize(l).into_owned()));
            lines.push(format!(
                "  from {}",
                value
                    .from
                    .iter()
                    .map(|c| sanitize(c).into_owned())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        Some(Overlay::Detail(crate::tui::overlays::Detail::new(
            sanitize(&field.field).into_owned(),
            lines,
        )))
    }

    /// Keys while the merged view's filter is typed: fields narrow with every keystroke;
    /// Enter keeps the filter, Esc clears it.
    pub fn on_filter_key(&mut self, key: &KeyEvent, ctx: &mut Ctx) -> Step {
        let action = ctx.keymap.action_for(key, &[Context::Typing], true);
        if action == Some(Action::ForceQuit) {
            return Transition::Quit(130).into();
        }
        let page = usize::from(merged_view::body_rows(ctx.size)).max(1);
        let merged = &self.merged;
        let Some(view) = self.merged_view.as_mut() else {
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
                view.set_filter("", merged);
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
            view.set_filter(&query, merged);
        }
        Step::none()
    }

    /// A paste into the merged view's filter; `None` when no filter is being typed.
    pub fn paste(&mut self, text: &str) -> Option<crate::tui::input::Pasted> {
        let merged = &self.merged;
        let view = self.merged_view.as_mut()?;
        let input = view.filter_edit.as_mut()?;
        let pasted = input.paste(text);
        if pasted.changed {
            let query = input.text().to_owned();
            view.set_filter(&query, merged);
        }
        Some(pasted)
    }
}
