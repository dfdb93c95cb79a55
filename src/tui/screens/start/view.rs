//! The start screen: vendor picker (with key status), lookup input with kind toggle, status of
//! the running or failed lookup, demo users and recent lookups.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use crate::sanitize::sanitize;
use crate::secrets::KeyOrigin;
use crate::tui::app::App;
use crate::tui::keymap::Action;
use crate::tui::lookups::ConnEntry;
use crate::tui::message::KeyStatus;
use crate::tui::screens::start::{StartFocus, StartState, find_kind_of};
use crate::tui::text::{fit, truncate, width};
use crate::tui::ui::{chrome, layout, status};
use crate::vendors::LookupKind;

pub fn render(app: &App, state: &StartState, frame: &mut Frame) {
    let area = frame.area();
    let areas = layout::start(area, app.demo);
    let buf = frame.buffer_mut();
    title(app, state, areas.title, buf);
    vendors(app, state, areas.vendors, buf);
    if app.demo {
        demo_users(app, state, areas.users, buf);
    }
    let cursor = lookup(app, state, areas.lookup, buf);
    status_box(app, state, areas.status, buf);
    recent(app, state, areas.recent, buf);
    status::footer(app, None, areas.footer, buf);
    if let Some(pos) = cursor
        && app.overlay.is_none()
        && state.is_typing()
    {
        frame.set_cursor_position(pos);
    }
}

fn title(app: &App, _: &StartState, area: Rect, buf: &mut Buffer) {
    let mut spans = vec![Span::styled(" userscope ", app.theme.title())];
    spans.push(Span::styled("— look a person up", app.theme.muted()));
    if app.awaiting_side_b() {
        // This lookup is side B of a comparison, not a new profile.
        spans.push(Span::raw("  "));
        spans.push(Span::styled(
            format!(
                " COMPARE: look up side B · {} returns ",
                app.keymap.key_for(Action::Back)
            ),
            app.theme.badge(),
        ));
    }
    if app.demo {
        spans.push(Span::raw("  "));
        spans.push(Span::styled(
            " DEMO: built-in vendors, no network ",
            app.theme.demo_badge(),
        ));
    }
    buf.set_line(area.x, area.y, &Line::from(spans), area.width);
}

fn key_label(entry: &ConnEntry) -> (String, bool) {
    if entry.connection.is_err() {
        return ("needs setup".to_owned(), false);
    }
    match &entry.key {
        KeyStatus::Unknown => ("… checking".to_owned(), false),
        KeyStatus::Present(KeyOrigin::Env(_)) => ("✓ env".to_owned(), true),
        KeyStatus::Present(origin) => (format!("✓ {origin}"), true),
        KeyStatus::Missing => ("✗ no key".to_owned(), false),
        KeyStatus::Error(_) => ("! key store".to_owned(), false),
    }
}

fn vendors(app: &App, s: &StartState, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let focused = s.focus == StartFocus::Vendors;
    let block = chrome::pane_block("Vendor", focused, theme);
    let inner = block.inner(area);
    block.render(area, buf);
    let total = usize::from(inner.width);
    let rows = usize::from(inner.height);
    // Row 0 is All vendors; connection i is row i + 1.
    let offset = layout::list_offset(s.list_row(), rows);
    if offset == 0 && rows > 0 {
        all_vendors_row(app, s, inner, buf);
    }
    for (line, (i, entry)) in app
        .lookups
        .connections
        .iter()
        .enumerate()
        .skip(offset.saturating_sub(1))
        .take(rows.saturating_sub(usize::from(offset == 0)))
        .enumerate()
    {
        let line = line + usize::from(offset == 0);
        let y = inner.y + u16::try_from(line).unwrap_or(u16::MAX);
        let selected = !s.all_vendors && i == s.selected;
        let marker = if selected { "▶ " } else { "  " };
        let mut name = entry.vendor.display_name().to_owned();
        if entry.name != entry.vendor.as_str() {
            name = format!("{} ({})", name, sanitize(&entry.name));
        }
        let (key, ok) = key_label(entry);
        let key_w = width(&key);
        let name_w = total.saturating_sub(key_w + 3);
        let line = Line::from(vec![
            Span::styled(marker, theme.title()),
            Span::styled(
                fit(&name, name_w),
                if selected { theme.key() } else { theme.text() },
            ),
            Span::raw(" "),
            Span::styled(key, if ok { theme.ok() } else { theme.muted() }),
        ]);
        buf.set_line(inner.x, y, &line, inner.width);
        if selected {
            buf.set_style(Rect::new(inner.x, y, inner.width, 1), theme.selected());
        }
    }
}

/// The first row of the vendor list: every connection at once (a find).
fn all_vendors_row(app: &App, s: &StartState, inner: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let selected = s.all_vendors;
    let marker = if selected { "▶ " } else { "  " };
    let note = "email / id";
    let name_w = usize::from(inner.width).saturating_sub(width(note) + 3);
    let line = Line::from(vec![
        Span::styled(marker, theme.title()),
        Span::styled(
            fit("All vendors", name_w),
            if selected { theme.key() } else { theme.text() },
        ),
        Span::raw(" "),
        Span::styled(note, theme.muted()),
    ]);
    buf.set_line(inner.x, inner.y, &line, inner.width);
    if selected {
        buf.set_style(
            Rect::new(inner.x, inner.y, inner.width, 1),
            theme.selected(),
        );
    }
}

/// Draws the lookup box; returns where the text cursor goes.
fn lookup(app: &App, s: &StartState, area: Rect, buf: &mut Buffer) -> Option<Position> {
    let theme = &app.theme;
    let vendor = s.vendor(&app.lookups.connections);
    let focused = s.focus == StartFocus::Input;
    let title = match vendor {
        _ if s.all_vendors => "Find at all vendors".to_owned(),
        Some(v) => format!("Look up at {}", v.display_name()),
        None => "Look up (no vendor configured)".to_owned(),
    };
    let block = chrome::pane_block(title, focused, theme);
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.height == 0 {
        return None;
    }
    let mut kinds = vec![Span::styled("by ", theme.muted())];
    let find_kinds = [LookupKind::Email, LookupKind::Id];
    let (kinds_offered, current) = if s.all_vendors {
        (&find_kinds[..], find_kind_of(s.effective_class()))
    } else {
        (vendor.map_or(&[][..], |v| v.lookup_kinds()), s.kind)
    };
    for kind in kinds_offered {
        let style = if *kind == current {
            theme.tab_active()
        } else {
            theme.tab()
        };
        kinds.push(Span::styled(format!(" {kind} "), style));
        kinds.push(Span::raw(" "));
    }
    if kinds_offered.len() > 1 {
        kinds.push(Span::styled(
            format!(" {} changes", app.keymap.key_for(Action::ToggleKind)),
            theme.muted(),
        ));
    }
    buf.set_line(inner.x, inner.y, &Line::from(kinds), inner.width);
    if inner.height < 2 {
        return None;
    }
    // Scroll the field horizontally so the cursor stays visible (only the visible part of
    // the text is looked at: a full field costs no more than a short one).
    let avail = usize::from(inner.width.saturating_sub(3));
    let shown = s.input.window(avail);
    let y = inner.y + 1;
    buf.set_string(inner.x, y, "› ", theme.title());
    if s.input.is_empty() {
        let hint = if s.all_vendors {
            "type an email or your product's user ID and press Enter".to_owned()
        } else {
            format!("type the {} and press Enter", s.kind)
        };
        buf.set_stringn(inner.x + 2, y, hint, avail, theme.muted());
    } else {
        buf.set_stringn(
            inner.x + 2,
            y,
            truncate(&shown.text, avail),
            avail,
            theme.text(),
        );
    }
    let x = inner.x + 2 + u16::try_from(shown.cursor_cells).unwrap_or(0);
    Some(Position::new(x.min(inner.right().saturating_sub(1)), y))
}

fn status_box(app: &App, s: &StartState, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let mut lines: Vec<Line> = Vec::new();
    let title = if let Some(text) = status::loading_text(app) {
        lines.push(Line::styled(text, theme.warning()));
        "Status".to_owned()
    } else if let Some(err) = &app.lookups.error {
        lines.push(Line::styled(err.title.clone(), theme.error()));
        lines.push(Line::styled(err.message.clone(), theme.text()));
        if let Some(fix) = &err.fix {
            lines.push(Line::styled(format!("→ {fix}"), theme.ok()));
        }
        if let Some(at) = err.retry_at {
            let left = at.saturating_duration_since(app.clock.instant);
            let secs = left.as_secs() + u64::from(left.subsec_millis() > 0);
            lines.push(Line::styled(
                format!("Retrying in {secs} s…"),
                theme.warning(),
            ));
        }
        match err.status {
            Some(s) => format!("Error · HTTP {s}"),
            None => "Error".to_owned(),
        }
    } else {
        if let Some(notice) = &app.notice {
            lines.push(Line::styled(notice.clone(), theme.ok()));
        }
        // `?` is typed while the field has focus: say how to get to where it works.
        let keys_hint = if s.is_typing() {
            "Pick a vendor with ↑/↓, type who to look up, press Enter. Tab moves between boxes; Esc leaves the field, then ? lists every key."
        } else {
            "Pick a vendor with ↑/↓, type who to look up, press Enter. Tab moves between boxes; ? lists every key."
        };
        lines.push(Line::styled(keys_hint, theme.muted()));
        if app.demo {
            lines.push(Line::styled(
                "Demo mode: the built-in demo vendors answer with their fixed demo keys; nothing leaves this machine.",
                theme.muted(),
            ));
        }
        "Status".to_owned()
    };
    let block = chrome::pane_block(title, false, theme);
    Paragraph::new(lines)
        .block(block)
        .wrap(Wrap { trim: false })
        .render(area, buf);
}

#[allow(clippy::too_many_arguments)]
fn list_box(
    app: &App,
    s: &StartState,
    area: Rect,
    title: &str,
    focus: StartFocus,
    items: Vec<Line<'static>>,
    empty: &str,
    buf: &mut Buffer,
) {
    let theme = &app.theme;
    let focused = s.focus == focus;
    let block = chrome::pane_block(title, focused, theme);
    let inner = block.inner(area);
    block.render(area, buf);
    if items.is_empty() {
        for (y, line) in (0u16..).zip(empty.lines()) {
            chrome::line_at(buf, inner, y, line, theme.muted());
        }
        return;
    }
    let rows = usize::from(inner.height).max(1);
    let offset = if focused {
        layout::list_offset(s.list_cursor, rows)
    } else {
        0
    };
    for (n, (i, line)) in items.iter().enumerate().skip(offset).take(rows).enumerate() {
        let y = inner.y + u16::try_from(n).unwrap_or(u16::MAX);
        buf.set_line(inner.x, y, line, inner.width);
        if focused && i == s.list_cursor {
            buf.set_style(Rect::new(inner.x, y, inner.width, 1), theme.selected());
        }
    }
}

fn demo_users(app: &App, s: &StartState, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let items = s
        .visible_demo_users(&app.lookups.connections)
        .into_iter()
        .map(|u| {
            Line::from(vec![
                Span::styled(format!("{} ", u.lookup.by), theme.muted()),
                Span::styled(sanitize(&u.lookup.value).into_owned(), theme.key()),
                Span::styled(format!(" {}", sanitize(&u.label)), theme.text()),
            ])
        })
        .collect();
    let vendor = s.vendor(&app.lookups.connections);
    let title = format!(
        "Demo users · {}",
        match vendor {
            _ if s.all_vendors => "All vendors",
            Some(v) => v.display_name(),
            None => "no vendor",
        }
    );
    list_box(
        app,
        s,
        area,
        &title,
        StartFocus::Users,
        items,
        "No demo users",
        buf,
    );
}

fn recent(app: &App, s: &StartState, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    // While the list is browsed each row also says when it ran (from this or an earlier run).
    let browsing = s.focus == StartFocus::Recent;
    let items = app
        .lookups
        .recent
        .iter()
        .map(|r| {
            let when = if browsing {
                format!("{} ", r.at.format("%m-%d %H:%M"))
            } else {
                String::new()
            };
            Line::from(vec![
                Span::styled(when, theme.muted()),
                Span::styled(
                    if r.is_find() {
                        "all vendors ".to_owned()
                    } else {
                        format!("{} ", sanitize(&r.connection))
                    },
                    theme.muted(),
                ),
                Span::styled(format!("{} ", r.lookup.by), theme.muted()),
                Span::styled(sanitize(&r.lookup.value).into_owned(), theme.key()),
                Span::styled(" → ", theme.muted()),
                Span::styled(
                    sanitize(&r.label()).into_owned(),
                    if r.outcome.is_ok() {
                        theme.ok()
                    } else {
                        theme.error()
                    },
                ),
            ])
        })
        .collect();
    list_box(
        app,
        s,
        area,
        "Recent lookups",
        StartFocus::Recent,
        items,
        &no_recent_text(app),
        buf,
    );
}

/// What the empty recent list says: where lookups are kept across runs, or why they are not.
fn no_recent_text(app: &App) -> String {
    match &app.lookups.history_path {
        Some(path) => format!(
            "No lookups yet. They are kept in\n{}",
            sanitize(&path.display().to_string())
        ),
        None if app.demo => "None yet (demo lookups are not kept)".to_owned(),
        None => "None yet (not kept: no state directory)".to_owned(),
    }
}
