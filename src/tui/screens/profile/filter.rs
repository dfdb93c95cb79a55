//! Typing in the profile screen: a pane's filter (rows narrow with every keystroke) and the Raw
//! pane's regex search (runs on Enter), plus the Raw pane's tree keys.

use crossterm::event::KeyEvent;

use crate::sanitize::sanitize;
use crate::tui::input::{Pasted, TextInput};
use crate::tui::keymap::{Action, Context};
use crate::tui::screens::{Ctx, Step, Transition};
use crate::tui::view::Pane;

use super::{ProfileState, keep_visible, page};

impl ProfileState {
    /// The Raw pane's tree keys (only bound while it has focus).
    pub(super) fn apply_raw(&mut self, action: Action, ctx: &mut Ctx) {
        let rows = page(ctx.size);
        let view = &mut self.view;
        if view.focus != Pane::Raw {
            return;
        }
        let selected = view.scroll(Pane::Raw).selected;
        match action {
            Action::Fold => view.fold_selected(Some(true)),
            Action::Unfold => view.fold_selected(Some(false)),
            Action::FoldAll | Action::UnfoldAll => {
                let line = view.raw_selected_line().unwrap_or(0);
                if action == Action::FoldAll {
                    view.raw.fold_all();
                } else {
                    view.raw.unfold_all();
                }
                let row = view.raw.row_of(line);
                view.select_raw(row);
            }
            Action::Parent => {
                if let Some(row) = view.raw.parent_row(selected) {
                    view.select_raw(row);
                }
            }
            Action::Search => {
                let current = view.raw.search().map(|s| shown_query(&s.query).to_owned());
                self.filter_edit = Some(TextInput::new(current.as_deref().unwrap_or("")));
            }
            Action::NextMatch | Action::PrevMatch => {
                match view.raw.next_match(selected, action == Action::NextMatch) {
                    Some(row) => view.select_raw(row),
                    None => {
                        *ctx.notice = Some(match view.raw.search() {
                            Some(s) => {
                                format!("No match for /{}/", sanitize(shown_query(&s.query)))
                            }
                            None => "No search yet: s searches the Raw pane".to_owned(),
                        })
                    }
                }
            }
            _ => {}
        }
        if let Some(s) = self.view.scroll_mut(Pane::Raw) {
            keep_visible(s, rows);
        }
    }

    /// Enter in the Raw search prompt: search every line, jump to the first match from the
    /// selection on. An invalid regex keeps the prompt open and says why.
    fn run_raw_search(&mut self, query: &str, ctx: &mut Ctx) {
        let rows = page(ctx.size);
        let view = &mut self.view;
        match view.raw.set_search(&smart_case(query)) {
            Err(e) => {
                let why = e.to_string();
                let first = why.lines().last().unwrap_or("invalid").trim().to_owned();
                *ctx.notice = Some(format!("Invalid regex: {}", sanitize(&first)));
                return;
            }
            Ok(0) if !query.is_empty() => {
                *ctx.notice = Some(format!("No match for /{}/", sanitize(query)));
            }
            Ok(_) => {
                let selected = view.scroll(Pane::Raw).selected;
                if let Some(row) = view.raw.match_from(selected) {
                    view.select_raw(row);
                }
            }
        }
        self.filter_edit = None;
        if let Some(s) = self.view.scroll_mut(Pane::Raw) {
            keep_visible(s, rows);
        }
    }

    /// A paste into the filter being typed (as typing it would: the rows narrow at once, the
    /// Raw search waits for Enter); `None` when no filter is being typed.
    pub fn paste(&mut self, text: &str, ctx: &mut Ctx) -> Option<Pasted> {
        let input = self.filter_edit.as_mut()?;
        let pasted = input.paste(text);
        if pasted.changed && self.view.focus != Pane::Raw {
            let query = input.text().to_owned();
            self.view
                .set_filter(self.view.focus, &query, ctx.clock.wall);
        }
        Some(pasted)
    }

    /// Keys while typing a pane filter: the rows narrow with every keystroke; arrows still
    /// move; Enter keeps the filter, Esc clears it.
    pub fn on_filter_key(&mut self, key: &KeyEvent, ctx: &mut Ctx) -> Step {
        let action = ctx.keymap.action_for(key, &[Context::Typing], true);
        let now = ctx.clock.wall;
        let raw = self.view.focus == Pane::Raw;
        let Some(input) = self.filter_edit.as_mut() else {
            return Step::none();
        };
        let changed = match action {
            Some(Action::ForceQuit) => return Transition::Quit(130).into(),
            Some(Action::Select) if raw => {
                let query = input.text().to_owned();
                self.run_raw_search(&query, ctx);
                return Step::none();
            }
            Some(Action::Select) => {
                self.filter_edit = None;
                return Step::none();
            }
            Some(Action::Back) if raw => {
                self.filter_edit = None;
                let _ = self.view.raw.set_search("");
                return Step::none();
            }
            Some(Action::Back) => {
                self.filter_edit = None;
                self.view.set_filter(self.view.focus, "", now);
                return Step::none();
            }
            Some(a @ (Action::Up | Action::Down | Action::PageUp | Action::PageDown)) => {
                self.move_selection(a, ctx.size);
                return Step::none();
            }
            a => input.type_key(a, key),
        };
        // The Raw search runs on Enter: a regex half typed is usually invalid, and a 50 MB
        // payload should not be rescanned per keystroke.
        if changed && !raw {
            let query = input.text().to_owned();
            self.view.set_filter(self.view.focus, &query, now);
        }
        Step::none()
    }
}

/// The flag smart case puts in front of an all-lower-case query.
const CASE_INSENSITIVE: &str = "(?i)";

/// Smart case, as in ripgrep and vim: a query without an upper-case letter matches either case
/// (`enterprise` finds `Enterprise`); one with an upper-case letter matches exactly. Letters
/// in escapes (`\S`, `\D`, `\P{Lu}`) are regex syntax, not text, and do not count.
pub fn smart_case(query: &str) -> std::borrow::Cow<'_, str> {
    let mut chars = query.chars();
    let mut has_upper = false;
    while let Some(c) = chars.next() {
        if c == '\\' {
            // `\pL` names a one-letter class, `\p{Lu}` a longer one: skip the name too.
            if matches!(chars.next(), Some('p' | 'P')) && chars.next() == Some('{') {
                for n in chars.by_ref() {
                    if n == '}' {
                        break;
                    }
                }
            }
            continue;
        }
        has_upper |= c.is_uppercase();
    }
    if has_upper || query.is_empty() {
        std::borrow::Cow::Borrowed(query)
    } else {
        std::borrow::Cow::Owned(format!("{CASE_INSENSITIVE}{query}"))
    }
}

/// The query as the operator typed it (without the flag smart case added).
pub fn shown_query(query: &str) -> &str {
    query.strip_prefix(CASE_INSENSITIVE).unwrap_or(query)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_case_queries_ignore_case_and_upper_case_ones_do_not() {
        assert_eq!(smart_case("enterprise"), "(?i)enterprise");
        assert_eq!(smart_case("Enterprise"), "Enterprise");
        assert_eq!(smart_case("plan.*pro"), "(?i)plan.*pro");
        assert_eq!(smart_case(r"\S+@\D"), r"(?i)\S+@\D");
        assert_eq!(smart_case(r"\p{Lu}x"), r"(?i)\p{Lu}x");
        assert_eq!(smart_case(r"\PLx"), r"(?i)\PLx");
        assert_eq!(smart_case(r"\p{Lu}X"), r"\p{Lu}X");
        assert_eq!(smart_case("zoë"), "(?i)zoë");
        assert_eq!(smart_case("ZOË"), "ZOË");
        assert_eq!(smart_case(""), "");
        assert_eq!(shown_query(&smart_case("enterprise")), "enterprise");
        assert_eq!(shown_query("Enterprise"), "Enterprise");
    }
}
