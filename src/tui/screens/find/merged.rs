//! The merged view as listed: which fields `d` and the filter let through (conflicts first),
//! the selected field and column. The merge itself is `crate::compare::merge`; this only
//! chooses which of its fields are listed, and is rebuilt when a new profile arrives.

use crate::compare::merge::{Merged, MergedField};
use crate::sanitize::sanitize;
use crate::tui::fuzzy::Needle;
use crate::tui::input::TextInput;
use crate::tui::keymap::Action;

/// Which fields `d` lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MergedShown {
    All,
    /// Only fields the connections disagree on (`≠`).
    Conflicts,
}

impl MergedShown {
    pub fn label(self) -> &'static str {
        match self {
            MergedShown::All => "all fields",
            MergedShown::Conflicts => "conflicts only (≠)",
        }
    }
}

pub struct MergedView {
    pub shown: MergedShown,
    /// The filter on field names in force (`f`).
    pub filter: Option<String>,
    pub filter_edit: Option<TextInput>,
    /// Index into the listed fields.
    pub selected: usize,
    pub offset: usize,
    /// The selected column (a found connection), for `g`.
    pub column: usize,
    /// Indices into `Merged::fields`: conflicts first, each group in the merge's order.
    lines: Vec<usize>,
}

impl MergedView {
    pub fn new(merged: &Merged) -> MergedView {
        let mut view = MergedView {
            shown: MergedShown::All,
            filter: None,
            filter_edit: None,
            selected: 0,
            offset: 0,
            column: 0,
            lines: Vec::new(),
        };
        view.rebuild(merged);
        view
    }

    pub fn line_count(&self) -> usize {
        self.lines.len()
    }

    /// The field on listed line `i`.
    pub fn field<'m>(&self, merged: &'m Merged, i: usize) -> Option<&'m MergedField> {
        merged.fields.get(*self.lines.get(i)?)
    }

    pub fn selected_field<'m>(&self, merged: &'m Merged) -> Option<&'m MergedField> {
        self.field(merged, self.selected)
    }

    /// `d`: all fields → conflicts only → all fields.
    pub fn cycle_shown(&mut self, merged: &Merged) {
        self.shown = match self.shown {
            MergedShown::All => MergedShown::Conflicts,
            MergedShown::Conflicts => MergedShown::All,
        };
        self.selected = 0;
        self.rebuild(merged);
    }

    /// Narrow the fields to those whose name fuzzily matches `query` (empty: no filter).
    pub fn set_filter(&mut self, query: &str, merged: &Merged) {
        self.filter = Some(query.to_owned()).filter(|q| !q.trim().is_empty());
        self.selected = 0;
        self.rebuild(merged);
    }

    /// What the list says when it has no lines.
    pub fn empty_text(&self) -> Option<String> {
        if !self.lines.is_empty() {
            return None;
        }
        Some(match (&self.filter, self.shown) {
            (Some(q), _) => format!("No field matches “{}” (Esc clears the filter)", sanitize(q)),
            (None, MergedShown::Conflicts) => {
                "No conflicts: every connection that has a field agrees on it".to_owned()
            }
            (None, MergedShown::All) => "No field to line up yet".to_owned(),
        })
    }

    /// List what passes `d` and the filter, conflicts first; the selection is kept in range.
    pub fn rebuild(&mut self, merged: &Merged) {
        let needle = self.filter.as_deref().and_then(Needle::new);
        let passes = |f: &MergedField| {
            (self.shown == MergedShown::All || !f.agree)
                && needle.as_ref().is_none_or(|n| n.matches(&f.field))
        };
        let indexed = || merged.fields.iter().enumerate().filter(|(_, f)| passes(f));
        self.lines = indexed()
            .filter(|(_, f)| !f.agree)
            .chain(indexed().filter(|(_, f)| f.agree))
            .map(|(i, _)| i)
            .collect();
        self.selected = self.selected.min(self.lines.len().saturating_sub(1));
        self.offset = self.offset.min(self.selected);
    }

    pub fn move_by(&mut self, action: Action, page: usize) {
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
        let page = page.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + page {
            self.offset = self.selected + 1 - page;
        }
    }
}

/// What `connection` said about `field`, as text (strings as they are, anything else as
/// the display shows it); `None` when it said nothing. Not sanitized: callers draw it through
/// `sanitize` or send it as a lookup value.
pub fn value_of(field: &MergedField, connection: &str) -> Option<String> {
    let value = field
        .values
        .iter()
        .find(|v| v.from.iter().any(|c| c == connection))?;
    Some(match &value.value {
        serde_json::Value::String(s) => s.clone(),
        other => crate::display::value_text(other),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::merge::MergedValue;
    use serde_json::json;

    fn field(name: &str, values: &[(serde_json::Value, &[&str])]) -> MergedField {
        MergedField {
            field: name.into(),
            agree: values.len() < 2,
            values: values
                .iter()
                .map(|(v, from)| MergedValue {
                    value: v.clone(),
                    from: from.iter().map(|s| (*s).to_owned()).collect(),
                })
                .collect(),
        }
    }

    fn merged() -> Merged {
        let fields = vec![
            field("email", &[(json!("m@x.org"), &["a", "b"])]),
            field(
                "displayName",
                &[(json!("Mara L"), &["a"]), (json!("Mara K"), &["b"])],
            ),
            field("seats", &[(json!(25), &["a"]), (json!(30), &["b"])]),
        ];
        Merged {
            found: 2,
            conflicts: vec!["displayName".into(), "seats".into()],
            fields,
        }
    }

    #[test]
    fn conflicts_come_first_then_d_lists_only_them_and_f_filters_names() {
        let m = merged();
        let mut view = MergedView::new(&m);
        let names = |v: &MergedView| -> Vec<String> {
            (0..v.line_count())
                .map(|i| v.field(&m, i).unwrap().field.clone())
                .collect()
        };
        assert_eq!(names(&view), ["displayName", "seats", "email"]);
        view.cycle_shown(&m);
        assert_eq!(names(&view), ["displayName", "seats"]);
        view.set_filter("seat", &m);
        assert_eq!(names(&view), ["seats"]);
        view.set_filter("nothing-like-it", &m);
        assert_eq!(
            view.empty_text().unwrap(),
            "No field matches “nothing-like-it” (Esc clears the filter)"
        );
        view.set_filter("", &m);
        view.cycle_shown(&m);
        assert_eq!(view.line_count(), 3);
    }

    #[test]
    fn a_cell_is_what_that_connection_said() {
        let m = merged();
        let seats = m.field("seats").unwrap();
        assert_eq!(value_of(seats, "b").as_deref(), Some("30"));
        assert_eq!(value_of(seats, "c"), None);
        let email = m.field("email").unwrap();
        assert_eq!(value_of(email, "b").as_deref(), Some("m@x.org"));
    }
}
