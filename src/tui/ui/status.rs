//! The line at the bottom: what is running (spinner, elapsed time, 429 countdown) or key hints.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::sanitize::sanitize;
use crate::tui::app::App;
use crate::tui::input::TextInput;
use crate::tui::ui::chrome;
use crate::tui::view::Pane;

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

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

/// After the filter being typed: what its keys do, or a notice set while typing (a paste that
/// was cut), which would otherwise stay hidden behind the filter line.
pub fn filter_hint(app: &App) -> Span<'static> {
    match &app.notice {
        Some(notice) => Span::styled(format!("   {notice}"), app.theme.warning()),
        None => Span::styled("   Enter keeps · Esc clears", app.theme.muted()),
    }
}

/// `filter`: the pane filter being typed, with its label (it takes the whole line).
pub fn footer(app: &App, filter: Option<(String, &TextInput)>, area: Rect, buf: &mut Buffer) {
    if let Some((label, input)) = filter {
        let line = Line::from(vec![
            Span::styled(label, app.theme.hint_key()),
            // Only what the line can show: a full field costs no more than a short one.
            Span::styled(input.head(usize::from(area.width)), app.theme.text()),
            filter_hint(app),
        ]);
        buf.set_line(area.x, area.y, &line, area.width);
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
