//! Wide glyphs leave no stale cells on the next screen.
//!
//! A terminal may draw a flag or a skin-tone emoji wider than ratatui counts it (as its code
//! points: 👍🏽 as four cells, not two). The extra cells change on the terminal behind ratatui's
//! back, and ratatui, diffing against what it believes is there, never writes them again: they
//! stay until a resize. The model below is a `TestBackend` kept between frames, like a real
//! terminal, where each glyph's spill is written as a terminal would leave it. A new screen is
//! drawn on a cleared terminal (`ui::draw` after a change of screen), so none survives.

use ratatui::buffer::Cell;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
use userscope::tui::size_guard::CappedBackend;

use crate::support::*;

/// The flag-and-skin-tone profile: every wide glyph a terminal may count differently.
fn emoji_profile() -> App {
    let mut outcome = rich_outcome(VendorKind::VEMETRIC);
    outcome.profile.display_name = Some("Zoë 🇩🇪 👍🏽".to_owned());
    outcome.profile.location.city = Some("Berlin 🇩🇪".to_owned());
    outcome.profile.attributes = vec![
        Field::new("flags", json!("🇩🇪🇫🇷🇯🇵")),
        Field::new("thumbs", json!("👍🏽👍🏿")),
        Field::new("family", json!("👨‍👩‍👧")),
    ];
    loaded_with(outcome, true)
}

/// What a terminal that counts code points leaves behind each glyph: its extra cells hold the
/// glyph's tail (the marks ratatui did not count). Only cells ratatui believes blank are
/// changed, as those are the ones it would never write again.
fn spill_like_a_terminal(terminal: &mut Terminal<CappedBackend<TestBackend>>) -> usize {
    let buffer = terminal.backend().inner().buffer().clone();
    let area = buffer.area;
    let mut spilled = Vec::new();
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            let symbol = buffer[(x, y)].symbol();
            let counted = UnicodeWidthStr::width(symbol);
            let drawn: usize = symbol
                .chars()
                .map(|c| UnicodeWidthChar::width(c).unwrap_or(0))
                .sum();
            for extra in counted..drawn {
                let at = x + u16::try_from(extra).unwrap();
                if at < area.right() && buffer[(at, y)].symbol() == " " {
                    spilled.push((at, y));
                }
            }
        }
    }
    let n = spilled.len();
    let cell = Cell::new("▒");
    let backend = terminal.backend_mut().inner_mut();
    ratatui::backend::Backend::draw(backend, spilled.iter().map(|(x, y)| (*x, *y, &cell))).unwrap();
    n
}

fn stale_cells(terminal: &Terminal<CappedBackend<TestBackend>>) -> usize {
    let buffer = terminal.backend().inner().buffer();
    buffer
        .content()
        .iter()
        .filter(|c| c.symbol() == "▒")
        .count()
}

/// The profile, then Esc and Esc to the start screen, on one terminal kept between frames.
fn profile_then_start(clear_on_new_screen: bool) -> Terminal<CappedBackend<TestBackend>> {
    let mut app = emoji_profile();
    send(
        &mut app,
        Message::Resize {
            width: 80,
            height: 24,
        },
    );
    let mut terminal = Terminal::new(CappedBackend::new(TestBackend::new(80, 24))).unwrap();
    press(&mut app, "5");
    ui::draw(&mut terminal, &mut app).unwrap();
    assert!(
        spill_like_a_terminal(&mut terminal) > 0,
        "the model spilled nothing"
    );
    press(&mut app, "<Esc>");
    assert_eq!(app.screen.kind(), ScreenKind::Start);
    if !clear_on_new_screen {
        app.redraw_all = false;
    }
    ui::draw(&mut terminal, &mut app).unwrap();
    terminal
}

#[test]
fn a_flag_profile_then_the_start_screen_leaves_no_stale_cell() {
    // The model is faithful: diffing alone leaves the spilled cells on the start screen.
    assert!(stale_cells(&profile_then_start(false)) > 0);
    let terminal = profile_then_start(true);
    assert_eq!(stale_cells(&terminal), 0);
    assert_snapshot(
        "stale_cells_start_after_emoji_profile_80x24",
        terminal.backend().inner(),
    );
}

#[test]
fn ctrl_l_redraws_every_cell() {
    let mut app = emoji_profile();
    send(
        &mut app,
        Message::Resize {
            width: 80,
            height: 24,
        },
    );
    let mut terminal = Terminal::new(CappedBackend::new(TestBackend::new(80, 24))).unwrap();
    press(&mut app, "5");
    ui::draw(&mut terminal, &mut app).unwrap();
    app.redraw_all = false;
    assert!(spill_like_a_terminal(&mut terminal) > 0);
    ui::draw(&mut terminal, &mut app).unwrap();
    assert!(stale_cells(&terminal) > 0, "a plain frame keeps them");
    press(&mut app, "<C-l>");
    ui::draw(&mut terminal, &mut app).unwrap();
    assert_eq!(stale_cells(&terminal), 0);
}
