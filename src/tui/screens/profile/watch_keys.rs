//! The keys of a watched profile (`x`, `[`, `]`, `+`, `-`, `W`) and of its Changes list.
//! Starting and stopping the watch is the router's (`app::watch_flow`): it needs the config
//! and the connection.

use std::time::Duration;

use crate::sanitize::sanitize;
use crate::tui::keymap::Action;
use crate::tui::screens::{Ctx, Step};

use super::watching::{ChangesList, locate};
use super::{ProfileState, keep_visible, page};

/// `+`: one second at a time up to 10 s, then five (a watch of minutes is rare, not absurd).
pub fn slower(interval: Duration) -> Duration {
    let secs = interval.as_secs();
    Duration::from_secs(if secs < 10 { secs + 1 } else { secs + 5 })
}

/// `-`: the way back down; the engine keeps it at 2 s or more.
pub fn faster(interval: Duration) -> Duration {
    let secs = interval.as_secs();
    Duration::from_secs(if secs <= 10 {
        secs.saturating_sub(1)
    } else {
        secs - 5
    })
    .max(crate::watch::MIN_INTERVAL)
}

impl ProfileState {
    /// A key while watched: `Some` when it was a watch key (or went to the Changes list).
    pub(super) fn apply_watch(&mut self, action: Action, ctx: &mut Ctx) -> Option<Step> {
        let now = ctx.clock.wall;
        let watching = self.watching.as_mut()?;
        if watching.changes.is_some() {
            match action {
                Action::Up
                | Action::Down
                | Action::PageUp
                | Action::PageDown
                | Action::Top
                | Action::Bottom => {
                    let count = watching.change_line_count();
                    let rows = page(ctx.size).saturating_sub(2).max(1);
                    if let Some(list) = watching.changes.as_mut() {
                        move_in_list(list, action, count, rows);
                    }
                    return Some(Step::none());
                }
                Action::Back | Action::ShowChanges => {
                    watching.changes = None;
                    return Some(Step::none());
                }
                Action::Select => {
                    self.jump_to_change(ctx);
                    return Some(Step::none());
                }
                _ => {}
            }
        }
        match action {
            Action::ShowChanges => watching.changes = Some(ChangesList::default()),
            Action::ClearMarks => {
                watching.clear();
                *ctx.notice =
                    Some("Marks cleared (the versions stay: [ and ] step through them)".to_owned());
            }
            Action::WatchSlower | Action::WatchFaster => {
                let interval = watching.watch.schedule().interval();
                let next = if action == Action::WatchSlower {
                    slower(interval)
                } else {
                    faster(interval)
                };
                watching.watch.set_interval(next);
                let set = watching.watch.schedule().interval().as_secs();
                *ctx.notice = Some(
                    if action == Action::WatchFaster && set == interval.as_secs() {
                        format!("Every {set} s is the shortest interval")
                    } else {
                        format!("Fetching every {set} s")
                    },
                );
            }
            Action::OlderVersion | Action::NewerVersion => {
                let older = action == Action::OlderVersion;
                match watching.step(older) {
                    Some(outcome) => {
                        let live = watching.viewing.is_none();
                        self.show_version(outcome, None, now);
                        if live {
                            *ctx.notice =
                                Some("Live again: refreshes show as they come".to_owned());
                        }
                    }
                    None => {
                        *ctx.notice = Some(
                            if older {
                                "No older version kept (the last 50 are)"
                            } else {
                                "This is the live version"
                            }
                            .to_owned(),
                        );
                    }
                }
            }
            _ => return None,
        }
        Some(Step::none())
    }

    /// Enter in the Changes list: its row in its pane (the pane's filter is cleared when it
    /// hides the row), or why not.
    fn jump_to_change(&mut self, ctx: &mut Ctx) {
        let Some(watching) = self.watching.as_mut() else {
            return;
        };
        let selected = watching.changes.map_or(0, |l| l.selected);
        let line = watching.change_lines(selected, 1).into_iter().next();
        let Some(path) = line.and_then(|l| l.raw_path) else {
            *ctx.notice = Some("A different person has no row to jump to".to_owned());
            return;
        };
        let view = &mut self.view;
        let Some((pane, u)) = locate(view, &path) else {
            *ctx.notice = Some(format!(
                "{} is not in the version shown (removed)",
                sanitize(&path)
            ));
            return;
        };
        watching.changes = None;
        let row = match view.shown_index(pane, u) {
            Some(row) => row,
            None => {
                view.set_filter(pane, "", ctx.clock.wall);
                u
            }
        };
        view.focus = pane;
        if let Some(s) = view.scroll_mut(pane) {
            s.selected = row;
            keep_visible(s, page(ctx.size));
        }
    }
}

fn move_in_list(list: &mut ChangesList, action: Action, count: usize, rows: usize) {
    let last = count.saturating_sub(1);
    list.selected = match action {
        Action::Up => list.selected.saturating_sub(1),
        Action::Down => (list.selected + 1).min(last),
        Action::PageUp => list.selected.saturating_sub(rows),
        Action::PageDown => (list.selected + rows).min(last),
        Action::Top => 0,
        _ => last,
    };
    if list.selected < list.offset {
        list.offset = list.selected;
    } else if list.selected >= list.offset + rows {
        list.offset = list.selected + 1 - rows;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interval_steps_by_one_second_to_ten_then_by_five_never_under_two() {
        let s = Duration::from_secs;
        assert_eq!(slower(s(2)), s(3));
        assert_eq!(slower(s(9)), s(10));
        assert_eq!(slower(s(10)), s(15));
        assert_eq!(faster(s(15)), s(10));
        assert_eq!(faster(s(10)), s(9));
        assert_eq!(faster(s(3)), s(2));
        assert_eq!(faster(s(2)), s(2));
    }
}
