//! The pivot (`g`): a value seen anywhere (a profile row, a merged-view cell, a board row's
//! email) looked up at a vendor picked from a list of the connections. The kind is the
//! vendor's email kind for a value with `@`, else its default kind; the list says which.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::sanitize::sanitize;
use crate::tui::app::App;
use crate::tui::keymap::Action;
use crate::tui::lookups::ConnEntry;
use crate::tui::text::{fit, truncate};
use crate::tui::ui::{chrome, layout};
use crate::vendors::{FindClass, Lookup, LookupKind, VendorKind};

use super::OverlayStep;

/// One connection offered, with the lookup it would run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PivotChoice {
    pub conn_index: usize,
    pub label: String,
    pub lookup: Lookup,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pivot {
    /// The value as found (not sanitized: it is sent as the lookup value).
    pub value: String,
    pub choices: Vec<PivotChoice>,
    pub cursor: usize,
}

/// How `vendor` looks `value` up: its email kind for an email, else its default kind.
pub fn kind_for(vendor: VendorKind, value: &str) -> LookupKind {
    if !value.contains('@') {
        return vendor.default_lookup();
    }
    if vendor.lookup_kinds().contains(&LookupKind::Email) {
        return LookupKind::Email;
    }
    vendor
        .find_kind(FindClass::Email)
        .unwrap_or_else(|_| vendor.default_lookup())
}

impl Pivot {
    pub fn new(value: &str, connections: &[ConnEntry]) -> Pivot {
        let value = value.trim().to_owned();
        let choices = connections
            .iter()
            .enumerate()
            .map(|(conn_index, entry)| {
                let kind = kind_for(entry.vendor, &value);
                let mut name = entry.vendor.display_name().to_owned();
                if entry.name != entry.vendor.as_str() {
                    name = format!("{name} ({})", sanitize(&entry.name));
                }
                PivotChoice {
                    conn_index,
                    label: format!("{name} · by {kind}"),
                    lookup: Lookup::new(kind, value.clone()),
                }
            })
            .collect();
        Pivot {
            value,
            choices,
            cursor: 0,
        }
    }

    pub fn on_key(&mut self, action: Option<Action>) -> OverlayStep {
        let last = self.choices.len().saturating_sub(1);
        match action {
            Some(Action::Back | Action::Quit | Action::Pivot) => OverlayStep::Close,
            Some(Action::Up) => {
                self.cursor = self.cursor.saturating_sub(1);
                OverlayStep::Stay
            }
            Some(Action::Down) => {
                self.cursor = (self.cursor + 1).min(last);
                OverlayStep::Stay
            }
            Some(Action::Top | Action::PageUp) => {
                self.cursor = 0;
                OverlayStep::Stay
            }
            Some(Action::Bottom | Action::PageDown) => {
                self.cursor = last;
                OverlayStep::Stay
            }
            Some(Action::Select) => match self.choices.get(self.cursor) {
                Some(choice) => OverlayStep::Lookup {
                    conn_index: choice.conn_index,
                    lookup: choice.lookup.clone(),
                },
                None => OverlayStep::Close,
            },
            _ => OverlayStep::Stay,
        }
    }
}

pub fn render(app: &App, pivot: &Pivot, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let rows = u16::try_from(pivot.choices.len()).unwrap_or(u16::MAX);
    let h = rows.saturating_add(4).min(area.height.saturating_sub(2));
    let w = area.width.saturating_sub(8).min(64);
    let popup = layout::centered(area, w, h);
    let inner = chrome::popup(popup, "Look up at… · Enter runs · Esc closes", theme, buf);
    let text_w = usize::from(inner.width.saturating_sub(1));
    let value = format!("“{}”", sanitize(&pivot.value));
    chrome::line_at(
        buf,
        inner,
        0,
        &format!(" {}", truncate(&value, text_w.saturating_sub(1))),
        theme.key(),
    );
    let list = Rect::new(
        inner.x,
        inner.y.saturating_add(2),
        inner.width,
        inner.height.saturating_sub(2),
    );
    let visible = usize::from(list.height).max(1);
    let offset = layout::list_offset(pivot.cursor, visible);
    for (n, (i, choice)) in pivot
        .choices
        .iter()
        .enumerate()
        .skip(offset)
        .take(visible)
        .enumerate()
    {
        let y = list.y + u16::try_from(n).unwrap_or(u16::MAX);
        let marker = if i == pivot.cursor { "▶ " } else { "  " };
        let text = fit(
            &format!("{marker}{}", choice.label),
            usize::from(list.width),
        );
        buf.set_stringn(list.x, y, text, usize::from(list.width), theme.text());
        if i == pivot.cursor {
            buf.set_style(Rect::new(list.x, y, list.width, 1), theme.selected());
        }
    }
}
