//! A comparison as the Compare screen lists it: which rows `d` and the filter let through,
//! with a heading before each group, and the selection kept off the headings. The diff itself
//! is computed once (`crate::compare`); this only chooses which of its rows are listed.

use crate::compare::{CompareRow, Comparison, Group, Status};
use crate::sanitize::sanitize;
use crate::tui::fuzzy::Needle;
use crate::tui::input::TextInput;
use crate::tui::keymap::Action;

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

    /// Comparison rows listed (headings not counted): what `d` and the filter let through.
    pub fn row_count(&self) -> usize {
        self.group_counts.iter().map(|(_, n)| n).sum()
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
    pub(super) fn off_heading(&mut self, forward: bool) {
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

    pub(super) fn move_by(&mut self, action: Action, page: usize) {
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
