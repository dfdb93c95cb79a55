//! The Raw pane: the vendor's body as pretty, coloured JSON, drawing only the visible lines.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use crate::json::{JsonLine, JsonToken, Search};
use crate::sanitize::sanitize;
use crate::tui::text::{truncate, width};
use crate::tui::ui::table::{empty, scrollbar, visible_offset};
use crate::tui::ui::theme::Theme;
use crate::tui::view::{Pane, ProfileView};

/// Deep nesting is shown with the indent capped so the values stay on screen.
const MAX_INDENT_LEVELS: usize = 16;

/// A search match stands out in every theme (reversed, so it needs no colour of its own).
fn match_style(base: Style) -> Style {
    base.add_modifier(Modifier::REVERSED | Modifier::BOLD)
}

/// `text` as spans, with the parts the search regex matches highlighted.
fn highlighted(text: String, style: Style, search: Option<&Search>) -> Vec<Span<'static>> {
    let Some(regex) = search.map(|s| &s.regex) else {
        return vec![Span::styled(text, style)];
    };
    let mut spans = Vec::new();
    let mut at = 0;
    for m in regex.find_iter(&text) {
        if m.start() == m.end() {
            continue;
        }
        if m.start() > at {
            spans.push(Span::styled(text[at..m.start()].to_owned(), style));
        }
        spans.push(Span::styled(
            text[m.start()..m.end()].to_owned(),
            match_style(style),
        ));
        at = m.end();
    }
    if at < text.len() {
        spans.push(Span::styled(text[at..].to_owned(), style));
    }
    spans
}

/// A line's spans; `room` is the width left for it, so a long string ends in `…` on screen
/// (copies take the full value from the tree, never from here).
fn spans(
    line: &JsonLine,
    folded: Option<(usize, bool)>,
    search: Option<&Search>,
    room: usize,
    theme: &Theme,
) -> Vec<Span<'static>> {
    let indent = "  ".repeat(line.depth.min(MAX_INDENT_LEVELS));
    let mut used = indent.len();
    let mut spans = vec![Span::raw(indent)];
    if let Some(key) = &line.key {
        let key = sanitize(key).into_owned();
        used += width(&key) + 2;
        spans.extend(highlighted(key, theme.json_key(), search));
        spans.push(Span::styled(": ", theme.json_punct()));
    }
    let token = match &line.token {
        JsonToken::Open(c) => match folded {
            Some(_) => {
                let close = if *c == '{' { '}' } else { ']' };
                Span::styled(format!("{c} … {close}"), theme.json_punct())
            }
            None => Span::styled(c.to_string(), theme.json_punct()),
        },
        JsonToken::Close(c) => Span::styled(c.to_string(), theme.json_punct()),
        JsonToken::Empty(e) => Span::styled(*e, theme.json_punct()),
        JsonToken::Str(s) => {
            let shown = sanitize(s);
            // Keep a cell for the comma; a string never shrinks below a few characters.
            let room = room.saturating_sub(used + usize::from(line.comma)).max(8);
            let shown = truncate(&shown, room).into_owned();
            spans.extend(highlighted(shown, theme.json_string(), search));
            Span::raw("")
        }
        JsonToken::Num(n) => {
            spans.extend(highlighted(n.clone(), theme.json_number(), search));
            Span::raw("")
        }
        JsonToken::Bool(b) => Span::styled(if *b { "true" } else { "false" }, theme.json_literal()),
        JsonToken::Null => Span::styled("null", theme.json_literal()),
        JsonToken::Text(t) => Span::raw(sanitize(t).into_owned()),
    };
    if !token.content.is_empty() {
        spans.push(token);
    }
    let comma = match folded {
        Some((_, comma)) => comma,
        None => line.comma,
    };
    if comma {
        spans.push(Span::styled(",", theme.json_punct()));
    }
    if let Some((hidden, _)) = folded {
        spans.push(Span::styled(
            format!("  {hidden} lines folded"),
            theme.muted(),
        ));
    }
    spans
}

/// `Raw · 120 lines · /city/ 3 of 12 · $.tags[2].key`: the search with the selected match's
/// position, and the selected node's path (left out at the root, where it says nothing).
pub fn title(view: &ProfileView, count: usize) -> String {
    let mut title = format!("Raw · {count} lines");
    let line = view.raw_selected_line();
    // The search goes first: it is short, and a long path may be cut at the border.
    if let Some(search) = view.raw.search() {
        let total = search.matches.len();
        let query = sanitize(crate::tui::screens::profile::shown_query(&search.query));
        match line.and_then(|l| search.position(l)) {
            Some(n) => title.push_str(&format!(" · /{query}/ {n} of {total}")),
            None if total == 1 => title.push_str(&format!(" · /{query}/ 1 match")),
            None => title.push_str(&format!(" · /{query}/ {total} matches")),
        }
    }
    if let Some(line) = line {
        let path = view.raw.path(line);
        if path != "$" {
            title.push_str(" · ");
            title.push_str(&sanitize(&path));
        }
    }
    title
}

pub fn render(view: &ProfileView, area: Rect, theme: &Theme, buf: &mut Buffer) {
    if view.raw_line_count() == 0 {
        let text = view.loading.as_deref().unwrap_or("The body was empty");
        empty(area, text, theme, buf);
        return;
    }
    let count = view.row_count(Pane::Raw);
    let rows = usize::from(area.height);
    let scroll = view.scroll(Pane::Raw);
    let offset = visible_offset(scroll, count, rows);
    let usable = if count > rows {
        area.width.saturating_sub(1)
    } else {
        area.width
    };
    for (line_no, row) in (offset..count.min(offset + rows)).enumerate() {
        let Some((index, line, is_folded)) = view.raw_row(row) else {
            continue;
        };
        // A folded container shows the comma of its closing line and how much it hides.
        let folded = match (is_folded, line.end) {
            (true, Some(end)) => Some((
                end.saturating_sub(index + 1),
                view.raw_line(end).is_some_and(|l| l.comma),
            )),
            _ => None,
        };
        let y = area.y + u16::try_from(line_no).unwrap_or(u16::MAX);
        // Only lines that matched get the highlighting pass.
        let search = view
            .raw
            .search()
            .filter(|s| s.matches.binary_search(&index).is_ok());
        let line = Line::from(spans(&line, folded, search, usize::from(usable), theme));
        buf.set_line(area.x, y, &line, usable);
        if row == scroll.selected {
            buf.set_style(Rect::new(area.x, y, usable, 1), theme.selected());
        }
    }
    scrollbar(area, count, offset, buf);
}
