//! The line at the bottom: what is running (spinner, elapsed time, 429 countdown) or key hints.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::sanitize::sanitize;
use crate::tui::app::App;
use crate::tui::input::TextInput;
use crate::tui::ui::chrome;
use crate::tui::view::Pane;

/// The braille spinner, one frame per 100 ms (the status line and the find board).
pub const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// "⠋ Looking up id u-42 at Coho… 1.2 s · Esc cancels", or the 429 countdown.
pub fn loading_text(app: &App) -> Option<String> {
    let l = app.lookups.loading.as_ref()?;
    let now = app.clock.instant;
    let elapsed = now.saturating_duration_since(l.started);
    let frame = SPINNER
        .get((elapsed.as_millis() / 100) as usize % SPINNER.len())
        .copied()
        .unwrap_or("·");
    let what = format!("{} {}", l.lookup.by, sanitize(&l.lookup.value));
    let cancel = app.keymap.key_for(crate::tui::keymap::Action::Back);
    Some(match l.rate_limit {
        Some(wait) => {
            let left = wait.until.saturating_duration_since(now);
            format!(
                "{frame} {} rate limited (try {}): retrying in {} s · {cancel} cancels",
                l.vendor.display_name(),
                wait.attempt,
                left.as_secs() + u64::from(left.subsec_millis() > 0)
            )
        }
        None => format!(
            "{frame} Looking up {what} at {}… {:.1} s · {cancel} cancels",
            l.vendor.display_name(),
            elapsed.as_secs_f64()
        ),
    })
}

/// The label before the filter text in the footer (also used to place the cursor).
pub fn filter_label(focus: Pane) -> String {
    let pane = focus.title();
    if focus == Pane::Raw {
        // The Raw pane searches (regex) instead of filtering.
        return " Search Raw (regex): ".to_owned();
    }
    format!(" Filter {pane}: ")
}

/// The filter being typed: label, text (only what the line can show: a full field costs no
/// more than a short one) and its keys. A notice set while typing (a paste that was cut) is
/// drawn over the right end of the line, where a long text cannot push it out of sight.
pub fn filter_line(app: &App, label: &str, input: &TextInput, area: Rect, buf: &mut Buffer) {
    let line = Line::from(vec![
        Span::styled(label.to_owned(), app.theme.hint_key()),
        Span::styled(input.head(usize::from(area.width)), app.theme.text()),
        Span::styled("   Enter keeps · Esc clears", app.theme.muted()),
    ]);
    buf.set_line(area.x, area.y, &line, area.width);
    if let Some(notice) = &app.notice {
        let notice = format!(" {notice} ");
        let w = u16::try_from(crate::tui::text::width(&notice))
            .unwrap_or(u16::MAX)
            .min(area.width);
        buf.set_stringn(
            area.right().saturating_sub(w),
            area.y,
            &notice,
            usize::from(w),
            app.theme.warning(),
        );
    }
}

/// `filter`: the pane filter being typed, with its label (it takes the whole line).
pub fn footer(app: &App, filter: Option<(String, &TextInput)>, area: Rect, buf: &mut Buffer) {
    if let Some((label, input)) = filter {
        filter_line(app, &label, input, area, buf);
        return;
    }
    if let Some(text) = loading_text(app) {
        chrome::line_at(buf, area, 0, &text, app.theme.warning());
        return;
    }
    if let Some(notice) = &app.notice {
        let line = Line::from(vec![Span::styled(format!(" {notice} "), app.theme.ok())]);
        buf.set_line(area.x, area.y, &line, area.width);
        return;
    }
    let line = chrome::hints_line(&app.keymap, &app.contexts(), &app.theme, area.width);
    buf.set_line(area.x, area.y, &line, area.width);
}
