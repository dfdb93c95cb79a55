//! The profile screen: identity header, pane tabs, the focused pane, key hints.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use crate::display::ABSENT;
use crate::sanitize::sanitize;
use crate::tui::app::App;
use crate::tui::screens::profile::ProfileState;
use crate::tui::text::{truncate, width};
use crate::tui::ui::{chrome, layout, raw, status, table};
use crate::tui::view::timeline::{render_overview as overview, table_rows};
use crate::tui::view::{Pane, ProfileView};

use super::marks;

pub fn render(app: &App, state: &ProfileState, frame: &mut Frame) {
    let area = frame.area();
    let view = &state.view;
    draw(app, state, area, frame.buffer_mut());
    if let Some(input) = state.filter_edit.as_ref().filter(|_| app.overlay.is_none()) {
        let footer = layout::profile(area, view.focus).footer;
        let before = input.cursor_cells(usize::from(footer.width));
        let x = usize::from(footer.x) + width(&status::filter_label(view.focus)) + before;
        let x = u16::try_from(x)
            .unwrap_or(u16::MAX)
            .min(footer.right().saturating_sub(1));
        frame.set_cursor_position((x, footer.y));
    }
}

fn draw(app: &App, state: &ProfileState, area: Rect, buf: &mut Buffer) {
    let view = &state.view;
    let theme = &app.theme;
    let areas = layout::profile(area, view.focus);
    header(app, state, areas.header, buf);
    tabs(app, view, areas.tabs, buf);
    // Wide: the Overview on the left, focused or not; a focused Overview has the companion
    // pane beside it (unfocused: a click or its digit focuses it).
    let overview_in_side = areas.side.is_some();
    if let Some(side) = areas.side {
        let focused = view.focus == Pane::Overview;
        let title = if focused { "Overview" } else { "1 Overview" };
        let block = chrome::pane_block(title, focused, theme);
        let inner = block.inner(side);
        block.render(side, buf);
        let inner = overview_gutter(app, state, inner, buf);
        overview(view, inner, focused, theme, app.clock.wall, buf);
        avatar(app, state, inner, buf);
    }

    let (pane, focused) = if overview_in_side && view.focus == Pane::Overview {
        (view.companion(), false)
    } else {
        (view.focus, true)
    };
    let count = view.row_count(pane);
    let mut title = match pane {
        Pane::Overview | Pane::Request => pane.title().to_owned(),
        Pane::Raw => raw::title(view, count),
        _ => format!("{} ({})", pane.title(), view.item_count(pane)),
    };
    if !focused {
        title = format!("{} {title}", pane.index() + 1);
    }
    if let Some(filter) = view.filter(pane) {
        title = format!(
            "{} ({count} of {}) · filter “{}”",
            pane.title(),
            view.unfiltered_count(pane),
            sanitize(&filter.query)
        );
    }
    let block = chrome::pane_block(title, focused, theme);
    let inner = block.inner(areas.body);
    block.render(areas.body, buf);
    match pane {
        Pane::Raw => raw::render(view, inner, theme, buf),
        Pane::Overview => {
            let inner = overview_gutter(app, state, inner, buf);
            overview(view, inner, focused, theme, app.clock.wall, buf);
            avatar(app, state, inner, buf);
        }
        _ => {
            let inner = marks::gutter(app, state, pane, inner, buf);
            table::render(view, pane, inner, focused, theme, app.clock.wall, buf);
        }
    }
    if let Some(w) = &state.watching
        && let Some(list) = w.changes
    {
        marks::changes_list(app, w, list, areas.body, buf);
    }
    let filter = state
        .filter_edit
        .as_ref()
        .map(|input| (status::filter_label(view.focus), input));
    status::footer(app, filter, areas.footer, buf);
}

fn header(app: &App, state: &ProfileState, area: Rect, buf: &mut Buffer) {
    let view = &state.view;
    let theme = &app.theme;
    let p = &view.outcome.profile;
    let name = sanitize(p.display_name.as_deref().unwrap_or(ABSENT)).into_owned();
    let warnings = view.outcome.warnings.len();
    let badge = match warnings {
        0 => String::new(),
        1 => " ⚠ 1 warning ".to_owned(),
        n => format!(" ⚠ {n} warnings "),
    };
    let badge_w = u16::try_from(width(&badge)).unwrap_or(0);
    let first_w = usize::from(area.width.saturating_sub(badge_w + 1));
    let mut first = vec![Span::styled(
        truncate(&name, first_w).into_owned(),
        theme.title(),
    )];
    let mut used = width(&name);
    let extras = [
        p.email.as_deref().map(|e| format!("  <{}>", sanitize(e))),
        p.kind.as_deref().map(|k| format!("  · {}", sanitize(k))),
    ];
    for extra in extras.into_iter().flatten() {
        if used + width(&extra) <= first_w {
            used += width(&extra);
            first.push(Span::styled(extra, theme.text()));
        }
    }
    buf.set_line(area.x, area.y, &Line::from(first), area.width);
    if warnings > 0 && area.width > badge_w {
        buf.set_string(area.right() - badge_w, area.y, &badge, theme.badge());
    }
    let o = &view.outcome;
    let second = if o.origin == crate::lookup::Origin::File {
        format!(
            "{} ({}) · ID {} · opened from {} · {} bytes",
            o.vendor.display_name(),
            sanitize(&o.connection),
            sanitize(p.id.as_deref().unwrap_or(ABSENT)),
            sanitize(&o.request.url),
            o.raw.len()
        )
    } else {
        format!(
            "{} ({}) · ID {} · looked up by {} {} · HTTP {} · {} ms",
            o.vendor.display_name(),
            sanitize(&o.connection),
            sanitize(p.id.as_deref().unwrap_or(ABSENT)),
            o.lookup.by,
            sanitize(&o.lookup.value),
            o.request.status,
            o.request.elapsed_ms
        )
    };
    if area.height < 2 {
        return;
    }
    // While watched, the second line says how the watch is doing (loudly when it failed or
    // the ID now answers with a different person); the vendor and ID are in the Overview.
    match &state.watching {
        Some(w) => {
            let (text, loud) = w.header(app.clock.instant);
            let style = if loud { theme.error() } else { theme.ok() };
            chrome::line_at(buf, area, 1, &format!("◉ {text}"), style);
        }
        None => chrome::line_at(buf, area, 1, &second, theme.muted()),
    }
}

fn tabs(app: &App, view: &ProfileView, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    for (pane, label, rect) in layout::tabs(area) {
        let style = if pane == view.focus {
            theme.tab_active()
        } else {
            theme.tab()
        };
        buf.set_stringn(rect.x, rect.y, &label, usize::from(rect.width), style);
    }
}

/// The avatar box over the Overview's top right, once asked for (`i`).
fn avatar(app: &App, state: &ProfileState, area: Rect, buf: &mut Buffer) {
    if let Some(slot) = crate::tui::app::current_avatar(state) {
        crate::tui::avatar::render_box(slot, area, app.size.width, &app.theme, buf);
    }
}

/// The watch marks beside the Overview's rows only (the timeline below them has none); the
/// whole area then narrows by the gutter.
fn overview_gutter(app: &App, state: &ProfileState, area: Rect, buf: &mut Buffer) -> Rect {
    let rows = table_rows(&state.view, area, app.clock.wall);
    let marked = marks::gutter(app, state, Pane::Overview, rows, buf);
    let gutter = marked.x - rows.x;
    Rect {
        x: marked.x,
        width: area.width - gutter,
        ..area
    }
}
