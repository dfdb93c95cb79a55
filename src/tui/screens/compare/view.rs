//! The Compare screen: both sides' identity and the verdict on top, then the rows side by side,
//! each marked `=` same, `≠` differs, `◀` only in A, `▶` only in B (colour too, but the symbol
//! alone says it under NO_COLOR). Only the visible rows are drawn.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use crate::compare::{Cell, CompareRow, SideInfo, Status};
use crate::display::ABSENT;
use crate::sanitize::sanitize;
use crate::tui::app::App;
use crate::tui::keymap::Action;
use crate::tui::screens::compare::{CompareState, CompareView, Stage, ViewLine};
use crate::tui::text::{fit, truncate, truncate_middle, width};
use crate::tui::ui::theme::Theme;
use crate::tui::ui::{chrome, status as status_line, table};
use crate::tui::view::PaneScroll;

pub type CompareAreas = crate::tui::ui::layout::HeaderBodyFooter;

pub fn areas(area: Rect) -> CompareAreas {
    crate::tui::ui::layout::header_body_footer(area, 3)
}

/// Rows of comparison shown at once (the body minus borders and the column header).
pub fn body_rows(size: Rect) -> u16 {
    areas(size).body.height.saturating_sub(3)
}

/// The list's area on a screen of `size`: inside the border, below the column header.
pub fn list_area(size: Rect) -> Rect {
    let body = areas(size).body;
    Rect::new(
        body.x.saturating_add(1),
        body.y.saturating_add(2),
        body.width.saturating_sub(2),
        body.height.saturating_sub(3),
    )
}

pub fn render(app: &App, state: &CompareState, frame: &mut Frame) {
    let area = frame.area();
    let a = areas(area);
    let buf = frame.buffer_mut();
    match &state.stage {
        Stage::Ready(view) => {
            if let Some(x) = render_view(app, view, &a, buf) {
                frame.set_cursor_position((x, a.footer.y));
            }
        }
        Stage::Picking { cursor } => render_picker(app, state, *cursor, &a, buf),
    }
}

fn side_line(letter: &str, side: &SideInfo) -> String {
    let mut text = format!(
        "{letter}  {} ({}) · ID {} · {}",
        side.vendor.display_name(),
        side.connection,
        side.id,
        side.name
    );
    if side.email != ABSENT {
        text.push_str(&format!(" <{}>", side.email));
    }
    text
}

fn header(view: &CompareView, area: Rect, theme: &Theme, buf: &mut Buffer) {
    let cmp = &view.cmp;
    chrome::line_at(buf, area, 0, &side_line("A", &cmp.a), theme.text());
    chrome::line_at(buf, area, 1, &side_line("B", &cmp.b), theme.text());
    chrome::line_at(buf, area, 2, &cmp.verdict, theme.title());
    // The side letters stand out like keys.
    for y in 0..2u16.min(area.height) {
        buf.set_style(
            Rect::new(area.x, area.y + y, 1.min(area.width), 1),
            theme.key(),
        );
    }
}

/// Style of a status's symbol and of its values (the merged view of All vendors too).
pub(crate) fn status_style(status: Status, theme: &Theme) -> Style {
    match status {
        Status::Same => theme.ok(),
        Status::Differs => theme.warning(),
        Status::OnlyA | Status::OnlyB => theme.heading(),
    }
}

/// Column widths for the inside width: (key, each value).
fn columns(view: &CompareView, total: usize) -> (usize, usize) {
    // Symbol, then two-space gaps before each of the three columns.
    let fixed = 1 + 2 + 2 + 2;
    let room = total.saturating_sub(fixed);
    let key_w = view.key_width.clamp(4, (room * 3 / 10).max(4)).min(room);
    let value_w = room.saturating_sub(key_w) / 2;
    (key_w, value_w)
}

fn render_view(app: &App, view: &CompareView, a: &CompareAreas, buf: &mut Buffer) -> Option<u16> {
    let theme = &app.theme;
    header(view, a.header, theme, buf);
    let count = view.line_count();
    // The count follows what is listed: with `d` or a filter, the rows that pass of all.
    let total = view.cmp.rows.len();
    let listed = view.row_count();
    let mut title = if listed == total {
        format!("Compare · {total} rows")
    } else {
        format!("Compare · {listed} of {total} rows")
    };
    if let Some(label) = view.shown.label() {
        title.push_str(&format!(" · {label}"));
    }
    if let Some(q) = &view.filter {
        title.push_str(&format!(" · filter “{}”", sanitize(q)));
    }
    let block = chrome::pane_block(title, true, theme);
    let inner = block.inner(a.body);
    block.render(a.body, buf);
    if inner.height == 0 || inner.width == 0 {
        return footer(app, view, a.footer, buf);
    }
    let list = Rect::new(inner.x, inner.y + 1, inner.width, inner.height - 1);
    let rows = usize::from(list.height);
    let usable = if count > rows {
        inner.width.saturating_sub(1)
    } else {
        inner.width
    };
    let total = usize::from(usable);
    let (key_w, value_w) = columns(view, total);
    let column_header = format!(
        "  {}  {}  {}",
        fit("Key", key_w),
        fit(
            &format!("A · {}", super::side_name(&view.cmp, true)),
            value_w
        ),
        truncate(
            &format!("B · {}", super::side_name(&view.cmp, false)),
            value_w
        )
    );
    chrome::line_at(
        buf,
        Rect::new(inner.x, inner.y, usable, 1),
        0,
        &column_header,
        theme.muted().add_modifier(ratatui::style::Modifier::BOLD),
    );
    if let Some(text) = view.empty_text() {
        table::empty(list, &text, theme, buf);
        return footer(app, view, a.footer, buf);
    }
    let scroll = PaneScroll {
        selected: view.selected,
        offset: view.offset,
    };
    let offset = table::visible_offset(scroll, count, rows);
    for (n, i) in (offset..count.min(offset + rows)).enumerate() {
        let y = list.y + u16::try_from(n).unwrap_or(u16::MAX);
        let line = match view.line(i) {
            Some(ViewLine::Heading(group)) => Line::from(vec![
                Span::styled(format!("{} ", group.title()), theme.heading()),
                Span::styled(format!("({})", view.group_count(group)), theme.muted()),
            ]),
            Some(ViewLine::Row(r)) => match view.row(r) {
                Some(row) => row_line(row, key_w, value_w, theme),
                None => continue,
            },
            None => continue,
        };
        buf.set_line(list.x, y, &line, usable);
        if i == view.selected {
            buf.set_style(Rect::new(list.x, y, usable, 1), theme.selected());
        }
    }
    table::scrollbar(list, count, offset, buf);
    footer(app, view, a.footer, buf)
}

fn cell_span(cell: Option<&Cell>, w: usize, style: Style, theme: &Theme) -> Span<'static> {
    match cell {
        Some(c) => Span::styled(fit(&c.text, w), style),
        None => Span::styled(fit(ABSENT, w), theme.muted()),
    }
}

fn row_line(row: &CompareRow, key_w: usize, value_w: usize, theme: &Theme) -> Line<'static> {
    let style = status_style(row.status, theme);
    let value_style = match row.status {
        Status::Same => theme.text(),
        _ => style,
    };
    Line::from(vec![
        Span::styled(row.status.symbol(), style),
        Span::raw(" "),
        Span::styled(fit(&truncate_middle(&row.key, key_w), key_w), theme.key()),
        Span::raw("  "),
        cell_span(row.a.as_ref(), value_w, value_style, theme),
        Span::raw("  "),
        cell_span(row.b.as_ref(), value_w, value_style, theme),
    ])
}

/// The footer: the filter being typed (returns the cursor column), a notice, or key hints.
fn footer(app: &App, view: &CompareView, area: Rect, buf: &mut Buffer) -> Option<u16> {
    let theme = &app.theme;
    if let Some(input) = &view.filter_edit {
        let label = " Filter rows: ";
        status_line::filter_line(app, label, input, area, buf);
        let x = usize::from(area.x) + width(label) + input.cursor_cells(usize::from(area.width));
        return Some(
            u16::try_from(x)
                .unwrap_or(u16::MAX)
                .min(area.right().saturating_sub(1)),
        );
    }
    if let Some(notice) = &app.notice {
        let line = Line::from(Span::styled(format!(" {notice} "), theme.ok()));
        buf.set_line(area.x, area.y, &line, area.width);
        return None;
    }
    let k = |action| app.keymap.key_for(action);
    let hints = [
        (k(Action::DiffOnly), "differences"),
        (k(Action::Filter), "filter"),
        (k(Action::Select), "both values"),
        (k(Action::Copy), "copy"),
        (k(Action::Compare), "other B"),
        (k(Action::Back), "back"),
        (k(Action::Help), "help"),
        (k(Action::Quit), "quit"),
    ];
    hints_line(&hints, theme, area, buf);
    None
}

/// A screen's own hints (Compare, the All-vendors board): its keys first (the global ones
/// are in `?`), as bound.
pub(crate) fn hints_line(hints: &[(String, &str)], theme: &Theme, area: Rect, buf: &mut Buffer) {
    let mut spans = Vec::new();
    let mut used = 0;
    for (key, hint) in hints {
        let piece = width(key) + width(hint) + 3;
        if key.is_empty() || used + piece > usize::from(area.width) {
            continue;
        }
        used += piece;
        spans.push(Span::styled(format!(" {key}"), theme.hint_key()));
        spans.push(Span::styled(format!(" {hint} "), theme.muted()));
    }
    buf.set_line(area.x, area.y, &Line::from(spans), area.width);
}

fn render_picker(
    app: &App,
    state: &CompareState,
    cursor: usize,
    a: &CompareAreas,
    buf: &mut Buffer,
) {
    let theme = &app.theme;
    let side_a = &state.a;
    let p = &side_a.profile;
    let first = format!(
        "Compare  A: {} ({}) · ID {} · {}",
        side_a.vendor.display_name(),
        sanitize(&side_a.connection),
        sanitize(p.id.as_deref().unwrap_or(ABSENT)),
        sanitize(p.display_name.as_deref().unwrap_or(ABSENT)),
    );
    chrome::line_at(buf, a.header, 0, &first, theme.title());
    chrome::line_at(
        buf,
        a.header,
        1,
        "Side B: a profile from this session (instant) or a new lookup in any vendor",
        theme.muted(),
    );
    let candidates = state.candidates(&app.lookups);
    let title = format!("Compare with… ({} in memory)", candidates.len());
    let block = chrome::pane_block(title, true, theme);
    let inner = block.inner(a.body);
    block.render(a.body, buf);
    let rows = usize::from(inner.height);
    let mut items = vec![format!(
        "+ New lookup… (same or another vendor; {} opens it)",
        app.keymap.key_for(Action::OpenLookup)
    )];
    items.extend(candidates.iter().map(|c| {
        let o = &c.outcome;
        format!(
            "{} ({}) · {} {} · {} · {}",
            o.vendor.display_name(),
            sanitize(&c.connection),
            c.lookup.by,
            sanitize(&c.lookup.value),
            sanitize(o.profile.display_name.as_deref().unwrap_or(ABSENT)),
            c.fetched.format("%H:%M:%S UTC")
        )
    }));
    let offset = crate::tui::ui::layout::list_offset(cursor, rows);
    let w = usize::from(inner.width);
    for (n, (i, item)) in items.iter().enumerate().skip(offset).take(rows).enumerate() {
        let y = inner.y + u16::try_from(n).unwrap_or(u16::MAX);
        let style = if i == 0 { theme.key() } else { theme.text() };
        buf.set_stringn(inner.x, y, fit(&format!(" {item}"), w), w, style);
        if i == cursor {
            buf.set_style(Rect::new(inner.x, y, inner.width, 1), theme.selected());
        }
    }
    if let Some(notice) = &app.notice {
        chrome::line_at(buf, a.footer, 0, &format!(" {notice} "), theme.ok());
        return;
    }
    let k = |action| app.keymap.key_for(action);
    let hints = [
        (format!("{} {}", k(Action::Up), k(Action::Down)), "choose"),
        (k(Action::Select), "compare"),
        (k(Action::OpenLookup), "new lookup"),
        (k(Action::Back), "back to the profile"),
        (k(Action::Help), "help"),
    ];
    hints_line(&hints, theme, a.footer, buf);
}
