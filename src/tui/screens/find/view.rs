//! The All-vendors board: what is asked and how far it got on top, then one row per
//! connection (status with a spinner while it runs, time, connection, name, and the email or
//! the reason / one-line error). The merged view (`M`) draws over the same screen. Every
//! vendor string passes `sanitize`; only the visible rows are drawn.

use std::time::Duration;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use crate::find::Status;
use crate::sanitize::sanitize;
use crate::tui::app::App;
use crate::tui::keymap::Action;
use crate::tui::screens::compare::view::hints_line;
use crate::tui::screens::find::{BoardRow, FindState, Phase};
use crate::tui::text::{fit, truncate, width};
use crate::tui::ui::status::SPINNER;
use crate::tui::ui::{chrome, status as status_line, table};
use crate::tui::view::PaneScroll;

pub type BoardAreas = crate::tui::ui::layout::HeaderBodyFooter;

pub fn areas(area: Rect) -> BoardAreas {
    crate::tui::ui::layout::header_body_footer(area, 2)
}

/// Rows of the board shown at once (the body minus borders and the column header).
pub fn board_rows(size: Rect) -> u16 {
    areas(size).body.height.saturating_sub(3)
}

pub fn render(app: &App, state: &FindState, frame: &mut Frame) {
    if state.merged_view.is_some() {
        super::merged_view::render(app, state, frame);
        return;
    }
    let area = frame.area();
    let a = areas(area);
    let buf = frame.buffer_mut();
    header(app, state, a.header, buf);
    body(app, state, a.body, buf);
    footer(app, state, a.footer, buf);
}

/// "All vendors · email mara@… " and the progress line.
pub(super) fn header(app: &App, state: &FindState, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let first = Line::from(vec![
        Span::styled(" All vendors ", theme.badge()),
        Span::styled(format!(" {} ", state.query.class), theme.muted()),
        Span::styled(sanitize(&state.query.value).into_owned(), theme.key()),
    ]);
    buf.set_line(area.x, area.y, &first, area.width);
    let (found, answered, asked) = state.counts();
    let all = state.rows.len();
    let elapsed = app.clock.instant.saturating_duration_since(state.started);
    let progress = match state.phase {
        Phase::Running if state.rows.is_empty() => "checking keys…".to_owned(),
        Phase::Running => format!(
            "{answered} of {asked} asked answered · {:.1} s · {} cancels all",
            elapsed.as_secs_f64(),
            app.keymap.key_for(Action::Back)
        ),
        Phase::Done => "every connection answered".to_owned(),
        Phase::Cancelled => "cancelled: rows without an answer say so".to_owned(),
    };
    let style = match (state.phase, found) {
        (Phase::Running, _) => theme.warning(),
        (_, 0) => theme.error(),
        _ => theme.ok(),
    };
    let second = Line::from(vec![
        Span::styled(format!(" found at {found} of {all}"), style),
        Span::styled(format!(" · {progress}"), theme.muted()),
    ]);
    if area.height > 1 {
        buf.set_line(area.x, area.y + 1, &second, area.width);
    }
}

/// Status cell text and style: spinner while running, a word once final.
fn status_cell(row: &BoardRow, app: &App) -> (String, Style) {
    let theme = &app.theme;
    let now = app.clock.instant;
    match &row.row.status {
        Status::Waiting => ("· waiting".to_owned(), theme.muted()),
        Status::Running => {
            let since = row.since.unwrap_or(now);
            let ms = now.saturating_duration_since(since).as_millis() / 100;
            let frame = SPINNER
                .get(usize::try_from(ms).unwrap_or(0) % SPINNER.len())
                .copied()
                .unwrap_or("·");
            (format!("{frame} running"), theme.warning())
        }
        Status::Found { .. } => ("✓ found".to_owned(), theme.ok()),
        Status::NotFound { .. } => ("✗ not found".to_owned(), theme.text()),
        Status::Error { .. } => ("! error".to_owned(), theme.error()),
        Status::Skipped { .. } => ("– skipped".to_owned(), theme.muted()),
        Status::NoKey { .. } => ("– no key".to_owned(), theme.muted()),
    }
}

/// `41 ms` under a second, `1.3 s` from there.
fn seconds(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{} ms", d.as_millis())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// The time cell: the lookup's time once answered, the running time while it runs.
fn time_cell(row: &BoardRow, app: &App) -> String {
    match (&row.row.status, row.since) {
        (Status::Running, Some(since)) => {
            seconds(app.clock.instant.saturating_duration_since(since))
        }
        (status, _) => status.elapsed().map(seconds).unwrap_or_default(),
    }
}

/// Name and the last column (email, or the reason / one-line error), sanitized.
fn detail_cells(row: &BoardRow, app: &App) -> (String, String, Style) {
    let theme = &app.theme;
    let via = row
        .row
        .via
        .as_ref()
        .map(|v| format!(" · via {}", sanitize(v)))
        .unwrap_or_default();
    let one_line = |s: &str| sanitize(s.lines().next().unwrap_or("")).into_owned();
    match &row.row.status {
        Status::Found { .. } => {
            let profile = row.outcome.as_ref().map(|o| &o.profile);
            let name = profile
                .and_then(|p| p.display_name.as_deref())
                .map_or_else(String::new, one_line);
            let email = profile
                .and_then(|p| p.email.as_deref())
                .map_or_else(String::new, one_line);
            (name, format!("{email}{via}"), theme.text())
        }
        Status::Skipped { reason } | Status::NoKey { reason } => {
            (String::new(), one_line(reason), theme.muted())
        }
        Status::Error { message, .. } => (String::new(), one_line(message), theme.error()),
        Status::Running => {
            let wait = row
                .rate_limited_until
                .map(|until| until.saturating_duration_since(app.clock.instant))
                .filter(|left| !left.is_zero());
            let asked = row
                .row
                .lookup
                .as_ref()
                .map(|l| format!("by {} {}", l.by, sanitize(&l.value)))
                .unwrap_or_default();
            match wait {
                Some(left) => (
                    String::new(),
                    format!(
                        "rate limited: retrying in {} s{via}",
                        left.as_secs() + u64::from(left.subsec_millis() > 0)
                    ),
                    theme.warning(),
                ),
                None => (String::new(), format!("{asked}{via}"), theme.muted()),
            }
        }
        Status::Waiting | Status::NotFound { .. } => {
            let asked = row
                .row
                .lookup
                .as_ref()
                .map(|l| format!("by {} {}", l.by, sanitize(&l.value)))
                .unwrap_or_default();
            (String::new(), format!("{asked}{via}"), theme.muted())
        }
    }
}

/// Column widths inside `total`: (status, time, connection, name); the rest is the last one.
fn columns(state: &FindState, total: usize) -> (usize, usize, usize, usize) {
    let status_w = 11;
    let time_w = 6;
    let conn_w = state
        .rows
        .iter()
        .map(|r| width(&sanitize(&r.row.connection)))
        .max()
        .unwrap_or(0)
        .clamp(10, 16);
    let rest = total.saturating_sub(status_w + time_w + conn_w + 8);
    let name_w = (rest * 2 / 5).clamp(8, 28).min(rest);
    (status_w, time_w, conn_w, name_w)
}

fn body(app: &App, state: &FindState, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let title = format!("Board · {} connections", state.rows.len());
    let block = chrome::pane_block(title, true, theme);
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let list = Rect::new(inner.x, inner.y + 1, inner.width, inner.height - 1);
    let count = state.rows.len();
    let rows = usize::from(list.height);
    let usable = if count > rows {
        inner.width.saturating_sub(1)
    } else {
        inner.width
    };
    let total = usize::from(usable);
    let (status_w, time_w, conn_w, name_w) = columns(state, total);
    let last_w = total.saturating_sub(status_w + time_w + conn_w + name_w + 8);
    let column_header = format!(
        "{}  {}  {}  {}  {}",
        fit("Status", status_w),
        fit("Time", time_w),
        fit("Connection", conn_w),
        fit("Name", name_w),
        truncate("Email · or why not", last_w)
    );
    chrome::line_at(
        buf,
        Rect::new(inner.x, inner.y, usable, 1),
        0,
        &column_header,
        theme.muted().add_modifier(ratatui::style::Modifier::BOLD),
    );
    if count == 0 {
        let text = if state.phase == Phase::Running {
            "Checking which connections have a key…"
        } else {
            "No connection to ask: add one in the config file"
        };
        table::empty(list, text, theme, buf);
        return;
    }
    let scroll = PaneScroll {
        selected: state.selected,
        offset: state.offset,
    };
    let offset = table::visible_offset(scroll, count, rows);
    for (n, i) in (offset..count.min(offset + rows)).enumerate() {
        let Some(row) = state.rows.get(i) else {
            continue;
        };
        let y = list.y + u16::try_from(n).unwrap_or(u16::MAX);
        let (status, status_style) = status_cell(row, app);
        let (name, last, last_style) = detail_cells(row, app);
        let line = Line::from(vec![
            Span::styled(fit(&status, status_w), status_style),
            Span::raw("  "),
            Span::styled(fit(&time_cell(row, app), time_w), theme.muted()),
            Span::raw("  "),
            Span::styled(fit(&sanitize(&row.row.connection), conn_w), theme.key()),
            Span::raw("  "),
            Span::styled(fit(&name, name_w), theme.text()),
            Span::raw("  "),
            Span::styled(truncate(&last, last_w).into_owned(), last_style),
        ]);
        buf.set_line(list.x, y, &line, usable);
        if i == state.selected {
            buf.set_style(Rect::new(list.x, y, usable, 1), theme.selected());
        }
    }
    table::scrollbar(list, count, offset, buf);
}

fn footer(app: &App, _state: &FindState, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    if let Some(text) = status_line::loading_text(app) {
        chrome::line_at(buf, area, 0, &text, theme.warning());
        return;
    }
    if let Some(notice) = &app.notice {
        let line = Line::from(Span::styled(format!(" {notice} "), theme.ok()));
        buf.set_line(area.x, area.y, &line, area.width);
        return;
    }
    let k = |action| app.keymap.key_for(action);
    let hints = [
        (k(Action::Select), "profile"),
        (k(Action::Merged), "merged"),
        (k(Action::Pivot), "look up elsewhere"),
        (k(Action::Back), "cancel / back"),
        (k(Action::Help), "help"),
        (k(Action::Quit), "quit"),
    ];
    hints_line(&hints, theme, area, buf);
}
