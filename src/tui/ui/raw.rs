//! The Raw pane: the vendor's body as pretty, coloured JSON, drawing only the visible lines.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::sanitize::sanitize;
use crate::tui::json::{JsonLine, JsonToken};
use crate::tui::ui::table::{empty, scrollbar, visible_offset};
use crate::tui::ui::theme::Theme;
use crate::tui::view::{Pane, ProfileView};

/// Deep nesting is shown with the indent capped so the values stay on screen.
const MAX_INDENT_LEVELS: usize = 16;

fn spans(line: &JsonLine, folded: Option<(usize, bool)>, theme: &Theme) -> Vec<Span<'static>> {
    let mut spans = vec![Span::raw("  ".repeat(line.depth.min(MAX_INDENT_LEVELS)))];
    if let Some(key) = &line.key {
        spans.push(Span::styled(sanitize(key).into_owned(), theme.json_key()));
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
        JsonToken::Str(s) => Span::styled(sanitize(s).into_owned(), theme.json_string()),
        JsonToken::Num(n) => Span::styled(n.clone(), theme.json_number()),
        JsonToken::Bool(b) => Span::styled(if *b { "true" } else { "false" }, theme.json_literal()),
        JsonToken::Null => Span::styled("null", theme.json_literal()),
        JsonToken::Text(t) => Span::raw(sanitize(t).into_owned()),
    };
    spans.push(token);
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

pub fn render(view: &ProfileView, area: Rect, theme: &Theme, buf: &mut Buffer) {
    let lines = view.raw_lines();
    if lines.is_empty() {
        empty(area, "The body was empty", theme, buf);
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
        buf.set_line(area.x, y, &Line::from(spans(line, folded, theme)), usable);
        if row == scroll.selected {
            buf.set_style(Rect::new(area.x, y, usable, 1), theme.selected());
        }
    }
    scrollbar(area, count, offset, buf);
}
