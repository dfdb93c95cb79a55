//! A new version of the profile on show replaces the old one without losing the operator's
//! place: the focused pane, every pane's filter, selection and scroll, the Raw pane's folds,
//! search and selected line. Used by watch refreshes, `[` / `]`, `r` and `userscope open`.
//!
//! Field panes keep their selection by position (clamped), which is the row the eye is on
//! when a value changes in place. The Raw pane keeps its folds and selection by JSON path,
//! because one added key shifts every line after it.

use chrono::{DateTime, Utc};

use crate::tui::view::{Pane, PaneScroll, ProfileView};

use super::warning_jump::find_line;

/// Move `old`'s place onto `new` (which then replaces it).
pub fn carry_over(old: &ProfileView, new: &mut ProfileView, now: DateTime<Utc>) {
    new.focus = old.focus;
    for pane in Pane::ALL {
        // `carry_filter` resets the pane's scroll: the old one is put back below.
        new.carry_filter(old, pane, now);
    }
    carry_raw(old, new);
    for pane in Pane::ALL {
        if pane == Pane::Raw {
            continue;
        }
        let rows = new.row_count(pane);
        let s = old.scroll(pane);
        if let Some(scroll) = new.scroll_mut(pane) {
            *scroll = clamped(s, rows);
        }
    }
}

fn clamped(s: PaneScroll, rows: usize) -> PaneScroll {
    let selected = s.selected.min(rows.saturating_sub(1));
    PaneScroll {
        selected,
        offset: s.offset.min(selected),
    }
}

/// Folds (the folded containers in sight), the search and the selected line, by path.
fn carry_raw(old: &ProfileView, new: &mut ProfileView) {
    let old_tree = &old.raw;
    // Nothing folded (every line is a row): no walk over a body of 100,000 lines.
    let any_folded = old_tree.row_count() < old_tree.line_count();
    let folded: Vec<String> = (0..if any_folded { old_tree.row_count() } else { 0 })
        .filter_map(|row| old_tree.row(row))
        .filter(|(_, _, folded)| *folded)
        .map(|(line, _, _)| old_tree.path(line))
        .collect();
    // Bottom up: folding a container never hides one folded after it in document order.
    for path in folded.iter().rev() {
        if let Some(line) = line_of(new, path) {
            let row = new.raw.row_of(line);
            let _ = new.raw.fold_at(row, Some(true));
        }
    }
    if let Some(search) = old_tree.search() {
        // The query compiled before; a failure here leaves the pane unsearched.
        let _ = new.raw.set_search(&search.query);
    }
    let old_scroll = old.scroll(Pane::Raw);
    let selected = old
        .raw_selected_line()
        .filter(|line| *line > 0)
        .map(|line| old_tree.path(line))
        .and_then(|path| line_of(new, &path))
        .map(|line| new.raw.row_of(line));
    let rows = new.raw.row_count();
    let scroll = match selected {
        Some(row) => PaneScroll {
            selected: row,
            // The selected line stays where it was on screen when it can.
            offset: row.saturating_sub(old_scroll.selected.saturating_sub(old_scroll.offset)),
        },
        None => clamped(old_scroll, rows),
    };
    if let Some(s) = new.scroll_mut(Pane::Raw) {
        *s = scroll;
    }
}

/// The line of the new body at `path` (`$.user.plan`), when it is still there.
fn line_of(view: &ProfileView, path: &str) -> Option<usize> {
    let line = find_line(&view.raw, path)?;
    (view.raw.path(line) == path).then_some(line)
}
