//! The profile screen's state and keys: one looked-up (or opened) profile in panes, with the
//! focused pane's filter, the Raw pane's JSON tree, copies and exports.

use ratatui::layout::{Position, Rect};

use crate::sanitize::sanitize;
use crate::tui::input::TextInput;
use crate::tui::keymap::Action;
use crate::tui::message::Effect;
use crate::tui::overlays::{Overlay, detail::Detail};
use crate::tui::screens::{Ctx, Step, Transition};
use crate::tui::ui::layout;
use crate::tui::view::{Pane, PaneScroll, ProfileView};

mod filter;
pub mod keep_place;
mod marks;
pub mod warning_jump;
mod watch_keys;
pub mod watching;
pub use filter::{shown_query, smart_case};
pub use watching::{WatchSetup, Watching};
pub mod view;

pub struct ProfileState {
    pub view: ProfileView,
    /// The focused pane's filter (or the Raw search) while it is being typed (Enter keeps
    /// it, Esc clears it).
    pub filter_edit: Option<TextInput>,
    /// Opened from the All-vendors board: Esc returns there, as it was.
    pub from_find: bool,
    /// `w`: the profile is fetched again every few seconds and its changes marked.
    pub watching: Option<Watching>,
    /// The avatar asked for (`i`), by URL; kept across watch refreshes.
    pub avatar: Option<crate::tui::avatar::AvatarSlot>,
}

/// Rows of a pane on a screen of `size`.
fn page(size: Rect) -> usize {
    usize::from(layout::pane_rows(size)).max(1)
}

pub(crate) fn keep_visible(s: &mut PaneScroll, rows: usize) {
    if s.selected < s.offset {
        s.offset = s.selected;
    } else if s.selected >= s.offset + rows {
        s.offset = s.selected + 1 - rows;
    }
}

/// `attributes.company`: the section a row belongs to and its key, as `Y` copies it.
pub fn key_path(pane: Pane, key: &str) -> String {
    let section = match pane.section() {
        Some(section) => crate::tui::view::section_noun(section).to_owned(),
        None => pane.title().to_lowercase(),
    };
    let key = key.trim();
    if key.is_empty() {
        section
    } else {
        format!("{section}.{key}")
    }
}

impl ProfileState {
    pub fn new(view: ProfileView) -> ProfileState {
        ProfileState {
            view,
            filter_edit: None,
            from_find: false,
            watching: None,
            avatar: None,
        }
    }

    /// Show `outcome` (a newer version, an older one, a refresh) in place of the profile on
    /// show, keeping pane, filters, selections, scrolls, folds and search.
    pub fn show_version(
        &mut self,
        outcome: std::sync::Arc<crate::lookup::LookupOutcome>,
        index: Option<crate::json::RawIndex>,
        now: chrono::DateTime<chrono::Utc>,
    ) {
        let mut view = ProfileView::indexed(outcome, index);
        keep_place::carry_over(&self.view, &mut view, now);
        self.view = view;
    }

    pub fn is_typing(&self) -> bool {
        self.filter_edit.is_some()
    }

    /// A file's full view replaces the identity-only first one, keeping the pane and the
    /// selection the operator has moved to meanwhile.
    pub fn replace_keeping_place(&mut self, mut view: ProfileView) {
        let old = &self.view;
        view.focus = old.focus;
        for (pane, s) in Pane::ALL.iter().zip(old.scroll) {
            let rows = view.row_count(*pane);
            if let Some(new) = view.scroll_mut(*pane) {
                new.selected = s.selected.min(rows.saturating_sub(1));
                new.offset = s.offset.min(new.selected);
            }
        }
        self.view = view;
    }

    pub fn on_resize(&mut self, size: Rect) {
        let rows = page(size);
        for s in self.view.scroll.iter_mut() {
            keep_visible(s, rows);
        }
    }

    fn move_selection(&mut self, action: Action, size: Rect) {
        let rows = page(size);
        let view = &mut self.view;
        let pane = view.focus;
        let count = view.row_count(pane);
        let Some(s) = view.scroll_mut(pane) else {
            return;
        };
        let last = count.saturating_sub(1);
        s.selected = match action {
            Action::Up => s.selected.saturating_sub(1),
            Action::Down => (s.selected + 1).min(last),
            Action::PageUp => s.selected.saturating_sub(rows),
            Action::PageDown => (s.selected + rows).min(last),
            Action::Top => 0,
            Action::Bottom => last,
            _ => s.selected,
        };
        keep_visible(s, rows);
    }

    /// The mouse wheel.
    pub fn wheel(&mut self, down: bool, lines: usize, size: Rect) {
        for _ in 0..lines {
            self.move_selection(if down { Action::Down } else { Action::Up }, size);
        }
    }

    /// A click on a tab or the side Overview focuses it; in the pane it selects the row.
    pub fn click(&mut self, at: Position, size: Rect) {
        let view = &mut self.view;
        let areas = layout::profile(size, view.focus);
        if let Some(pane) = layout::tab_at(areas.tabs, at) {
            view.focus = pane;
        } else if areas.side.is_some_and(|side| side.contains(at)) {
            view.focus = Pane::Overview;
        } else if areas.body.contains(at) && areas.side.is_some() && view.focus == Pane::Overview {
            // Wide: beside a focused Overview the body shows its companion pane.
            view.focus = view.companion();
        } else if areas.body.contains(at) {
            let inner_top = areas.body.y + 1;
            if at.y >= inner_top {
                let pane = view.focus;
                let count = view.row_count(pane);
                if let Some(s) = view.scroll_mut(pane) {
                    let row = s.offset + usize::from(at.y - inner_top);
                    if row < count {
                        s.selected = row;
                    }
                }
            }
        }
    }

    /// The warning on the selected Overview row, if that row is one.
    fn selected_warning(&self, ctx: &Ctx) -> Option<String> {
        let view = &self.view;
        if view.focus != Pane::Overview {
            return None;
        }
        let row = view.row(
            Pane::Overview,
            view.scroll(Pane::Overview).selected,
            ctx.clock.wall,
        )?;
        (row.kind == crate::tui::view::RowKind::Warning).then_some(row.detail?)
    }

    /// Enter on a warning: the Raw pane at the path it names, or a notice saying why not.
    fn jump_to_warning(&mut self, ctx: &mut Ctx) {
        let Some(warning) = self.selected_warning(ctx) else {
            return;
        };
        let Some(path) = warning_jump::warning_path(&warning) else {
            *ctx.notice = Some("This warning names no path in the body".to_owned());
            return;
        };
        let view = &mut self.view;
        let Some(line) = warning_jump::find_line(&view.raw, path) else {
            *ctx.notice = Some(format!("{} is not in the raw body", sanitize(path)));
            return;
        };
        view.raw.reveal(line);
        view.focus = Pane::Raw;
        let row = view.raw.row_of(line);
        view.select_raw(row);
        if let Some(s) = view.scroll_mut(Pane::Raw) {
            keep_visible(s, page(ctx.size));
        }
        *ctx.notice = Some(format!(
            "Raw at {} (the warning's path)",
            sanitize(&view.raw.path(line))
        ));
    }

    /// Enter: the selected row's full value in a popup.
    fn detail(&self, ctx: &Ctx) -> Option<Overlay> {
        let view = &self.view;
        let pane = view.focus;
        let row = view.row(pane, view.scroll(pane).selected, ctx.clock.wall)?;
        let body = row.detail.clone().unwrap_or_else(|| row.value.clone());
        let lines = body.lines().map(|l| sanitize(l).into_owned()).collect();
        let title = if row.key.trim().is_empty() {
            pane.title().to_owned()
        } else {
            row.key.trim().to_owned()
        };
        Some(Overlay::Detail(Detail::new(title, lines)))
    }

    pub fn apply(&mut self, action: Action, ctx: &mut Ctx) -> Step {
        // While a file's sections load, what would act on them waits (they are empty yet).
        if let Some(note) = self.view.loading.clone()
            && matches!(
                action,
                Action::Filter
                    | Action::Search
                    | Action::Copy
                    | Action::CopyPath
                    | Action::CopyCurl
                    | Action::CopyProfile
                    | Action::Export
                    | Action::ExportAs
                    | Action::Compare
            )
        {
            *ctx.notice = Some(note);
            return Step::none();
        }
        if self.watching.is_some()
            && let Some(step) = self.apply_watch(action, ctx)
        {
            return step;
        }
        let view = &mut self.view;
        match action {
            Action::Compare => return Transition::Compare(view.outcome.clone()).into(),
            Action::OpenLookup => return Transition::ToStart.into(),
            Action::Back => {
                if ctx.lookups.loading.is_some() {
                    return ctx.cancel_lookup().into();
                }
                // Esc first clears the focused pane's filter (or the Raw search), then goes back.
                if view.focus == Pane::Raw && view.raw.search().is_some() {
                    let _ = view.raw.set_search("");
                    return Step::none();
                }
                if view.filter(view.focus).is_some() {
                    view.set_filter(view.focus, "", ctx.clock.wall);
                    return Step::none();
                }
                if self.from_find {
                    return Transition::Back.into();
                }
                return Transition::ToStart.into();
            }
            Action::Filter => {
                if ProfileView::can_filter(view.focus) {
                    let current = view.filter(view.focus).map(|f| f.query.clone());
                    self.filter_edit = Some(TextInput::new(current.as_deref().unwrap_or("")));
                } else {
                    *ctx.notice = Some(
                        "The Raw pane folds instead of filtering: Space folds, s searches"
                            .to_owned(),
                    );
                }
            }
            Action::NextPane => view.focus = view.focus.next(),
            Action::PrevPane => view.focus = view.focus.prev(),
            Action::GoPane(i) => view.focus = Pane::from_index(i).unwrap_or(view.focus),
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom => self.move_selection(action, ctx.size),
            Action::Select => {
                if self.selected_warning(ctx).is_some() {
                    self.jump_to_warning(ctx);
                    return Step::none();
                }
                if let Some(overlay) = self.detail(ctx) {
                    return Transition::Open(overlay).into();
                }
            }
            Action::ToggleFold if view.focus == Pane::Raw => {
                view.toggle_fold();
                if let Some(s) = view.scroll_mut(Pane::Raw) {
                    keep_visible(s, page(ctx.size));
                }
            }
            Action::Fold
            | Action::Unfold
            | Action::FoldAll
            | Action::UnfoldAll
            | Action::Parent
            | Action::Search
            | Action::NextMatch
            | Action::PrevMatch => self.apply_raw(action, ctx),
            Action::Copy => return self.copy_selected(ctx).into(),
            Action::Pivot => return self.pivot(ctx),
            Action::CopyPath => {
                let path = if view.focus == Pane::Raw {
                    view.raw_selected_line()
                        .map(|line| sanitize(&view.raw.path(line)).into_owned())
                } else {
                    let selected = view.scroll(view.focus).selected;
                    view.row(view.focus, selected, ctx.clock.wall)
                        .map(|row| key_path(view.focus, &row.key))
                };
                if let Some(path) = path {
                    let toast = format!("Copied key path {path}");
                    return ctx.copy(path, toast).into();
                }
            }
            Action::CopyCurl => return self.copy_curl(ctx).into(),
            Action::CopyProfile => match crate::output::render_json(&view.outcome) {
                Ok(json) => {
                    let toast = format!("Copied the whole profile as JSON ({} bytes)", json.len());
                    return ctx.copy(json, toast).into();
                }
                Err(e) => *ctx.notice = Some(format!("Cannot copy the profile: {e}")),
            },
            Action::ExportAs => {
                let dialog = crate::tui::export::ExportDialog::new(&view.outcome, ctx.clock.wall);
                return Transition::Open(Overlay::Export(dialog)).into();
            }
            Action::Export => {
                let o = &view.outcome;
                match crate::output::render_json(o) {
                    Ok(json) => {
                        // The name the dialog (`e`) would propose.
                        let file_name = crate::tui::export::proposed_name(o, ctx.clock.wall);
                        return vec![Effect::Export { file_name, json }].into();
                    }
                    Err(e) => *ctx.notice = Some(format!("Cannot export: {e}")),
                }
            }
            Action::Retry => {
                let lookup = view.outcome.lookup.clone();
                if let Some(conn_index) = ctx.lookups.position(&view.outcome.connection) {
                    return Transition::Lookup { conn_index, lookup }.into();
                }
            }
            _ => {}
        }
        Step::none()
    }

    /// `g`: the selected value looked up at a vendor picked from a list. In the Raw pane a
    /// string is taken without its quotes; objects and arrays are not values to look up.
    fn pivot(&self, ctx: &mut Ctx) -> Step {
        let view = &self.view;
        let value = if view.focus == Pane::Raw {
            view.raw_selected_line().and_then(|line| {
                let text = view.raw.value_text(line);
                match serde_json::from_str::<serde_json::Value>(&text) {
                    Ok(serde_json::Value::String(s)) => Some(s),
                    Ok(serde_json::Value::Number(n)) => Some(n.to_string()),
                    _ => None,
                }
            })
        } else {
            let selected = view.scroll(view.focus).selected;
            view.row(view.focus, selected, ctx.clock.wall)
                .map(|row| row.value)
                .filter(|v| {
                    !v.trim().is_empty()
                        && v != crate::display::ABSENT
                        && v != crate::display::EMPTY_STRING
                })
        };
        match value {
            Some(value) => {
                let pivot =
                    crate::tui::overlays::pivot::Pivot::new(&value, &ctx.lookups.connections);
                Transition::Open(Overlay::Pivot(pivot)).into()
            }
            None => {
                *ctx.notice = Some("No value on this row to look up".to_owned());
                Step::none()
            }
        }
    }

    /// `Y` in the Request pane: the request as a curl command, the key as its variable.
    fn copy_curl(&self, ctx: &mut Ctx) -> Vec<Effect> {
        let o = &self.view.outcome;
        if o.origin == crate::lookup::Origin::File {
            *ctx.notice =
                Some("No request to copy: this profile was opened from a file".to_owned());
            return Vec::new();
        }
        let command = crate::curl::curl_command(&o.request, &o.connection);
        let toast = format!(
            "Copied the request as curl ({} characters; the key is ${})",
            command.chars().count(),
            crate::secrets::api_key_var(&o.connection)
        );
        ctx.copy(command, toast)
    }

    /// `y`: the selected value (the Raw pane: the whole value under the selected line).
    fn copy_selected(&self, ctx: &mut Ctx) -> Vec<Effect> {
        let view = &self.view;
        if view.focus == Pane::Raw
            && let Some(line) = view.raw_selected_line()
        {
            // The full value, never the on-screen truncation. Control characters are
            // sanitized like every other copy, line by line so that a pretty-printed
            // object keeps its newlines.
            let text = view
                .raw
                .value_text(line)
                .split('\n')
                .map(sanitize)
                .collect::<Vec<_>>()
                .join("\n");
            let toast = format!(
                "Copied {} characters to the clipboard: value of {}",
                text.chars().count(),
                sanitize(&view.raw.path(line))
            );
            return ctx.copy(text, toast);
        }
        let pane = view.focus;
        let selected = view.scroll(pane).selected;
        let Some(row) = view.row(pane, selected, ctx.clock.wall) else {
            return Vec::new();
        };
        // The sanitized text: what is on screen is what gets pasted.
        let name = row.key.trim().to_owned();
        let (what, text) = if row.value.is_empty() {
            ("key", row.key)
        } else {
            ("value", row.value)
        };
        let toast = format!(
            "Copied {} characters to the clipboard: {what} of {name}",
            text.chars().count()
        );
        ctx.copy(text, toast)
    }
}
