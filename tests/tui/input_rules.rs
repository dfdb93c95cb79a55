//! The lookup field as an operator meets it: Esc leaves it (a second Esc goes back), `q` and
//! `?` act whenever no text is being typed, readline editing keys, Ctrl-L redraws, and the
//! hints offer only keys that work where the focus is.

use userscope::tui::app::{ScreenKind, StartFocus};
use userscope::tui::keymap::Context;
use userscope::tui::message::Message;
use userscope::tui::overlays::Overlay;
use userscope::vendors::VendorKind;

use crate::support::*;

fn field(app: &userscope::tui::app::App) -> (String, usize) {
    let input = &app.start().unwrap().input;
    (input.text().to_owned(), input.cursor())
}

#[test]
fn esc_leaves_the_field_then_q_quits_and_nothing_was_typed() {
    let mut app = app_with(true);
    press(&mut app, "u-1");
    assert!(app.is_typing());
    press(&mut app, "<Esc>");
    assert_eq!(app.start().unwrap().focus, StartFocus::Vendors);
    assert!(!app.is_typing());
    press(&mut app, "q");
    assert_eq!(app.exit, Some(0));
    assert_eq!(field(&app).0, "u-1");
}

#[test]
fn while_typing_q_and_question_mark_are_text_and_after_esc_they_act() {
    let mut app = app_with(true);
    press(&mut app, "q?");
    assert_eq!(field(&app).0, "q?");
    assert_eq!(app.exit, None);
    assert!(app.overlay.is_none());
    press(&mut app, "<Esc>?");
    assert!(matches!(app.overlay, Some(Overlay::Help(_))));
    // Back into the field: `/` (or Tab / Enter on the vendor list), and typing goes on.
    press(&mut app, "<Esc>/x");
    assert_eq!(field(&app).0, "q?x");
}

#[test]
fn a_second_esc_goes_back_to_the_profile_it_came_from() {
    let mut app = loaded(VendorKind::COHO);
    press(&mut app, "/");
    assert_eq!(app.screen.kind(), ScreenKind::Start);
    press(&mut app, "<Esc>");
    assert_eq!(app.screen.kind(), ScreenKind::Start);
    press(&mut app, "<Esc>");
    assert_eq!(app.screen.kind(), ScreenKind::Profile);
}

#[test]
fn esc_cancelling_a_lookup_also_leaves_the_field_so_q_quits() {
    let mut app = app_with(true);
    let request = submit(&mut app, VendorKind::COHO, "rate-limited");
    assert!(app.lookups.loading.is_some());
    let effects = press(&mut app, "<Esc>");
    assert!(
        effects.iter().any(|e| matches!(
            e,
            userscope::tui::message::Effect::CancelLookup { request: r } if *r == request
        )),
        "{effects:?}"
    );
    assert!(app.lookups.loading.is_none());
    assert_eq!(
        app.notice.as_deref(),
        Some("Lookup of rate-limited cancelled")
    );
    assert!(!app.is_typing());
    press(&mut app, "q");
    assert_eq!(app.exit, Some(0));
}

#[test]
fn readline_keys_edit_the_lookup_field() {
    let mut app = app_with(true);
    press(&mut app, "jane.doe@example.com");
    press(&mut app, "<M-BS>");
    assert_eq!(field(&app), ("jane.doe@example.".to_owned(), 17));
    press(&mut app, "<M-BS><M-BS>");
    assert_eq!(field(&app), ("jane.".to_owned(), 5));
    press(&mut app, "<C-a>");
    assert_eq!(field(&app), ("jane.".to_owned(), 0));
    press(&mut app, "x<C-e>y");
    assert_eq!(field(&app), ("xjane.y".to_owned(), 7));
    press(&mut app, " two words<C-w>");
    assert_eq!(field(&app), ("xjane.y two ".to_owned(), 12));
    press(&mut app, "<C-w>");
    assert_eq!(field(&app), ("xjane.y ".to_owned(), 8));
    press(&mut app, "<C-w>");
    assert_eq!(field(&app), (String::new(), 0));
    press(&mut app, "ab<C-u>");
    assert_eq!(field(&app), (String::new(), 0));
}

#[test]
fn ctrl_l_and_a_new_screen_ask_for_a_full_redraw() {
    let mut app = app_with(true);
    app.redraw_all = false;
    press(&mut app, "ab<C-l>");
    assert!(app.redraw_all, "Ctrl-L works while typing");
    assert_eq!(field(&app).0, "ab", "and types nothing");
    app.redraw_all = false;
    press(&mut app, "c<Down>");
    assert!(!app.redraw_all, "the same screen is only diffed");
    let request = submit(&mut app, VendorKind::COHO, "u-1001");
    finish(&mut app, request, Ok(rich_outcome(VendorKind::COHO)));
    assert_eq!(app.screen.kind(), ScreenKind::Profile);
    assert!(app.redraw_all);
}

#[test]
fn hints_offer_only_keys_that_work_in_the_focused_box() {
    let mut app = app_with(true);
    let hints = |app: &userscope::tui::app::App| -> Vec<String> {
        app.keymap
            .hints(&app.contexts())
            .into_iter()
            .map(|(k, h)| format!("{k} {h}"))
            .collect()
    };
    assert!(app.contexts().contains(&Context::Typing));
    assert_eq!(
        hints(&app),
        [
            "Ctrl-C quit",
            "Esc back",
            "Tab next",
            "Enter open",
            "Ctrl-T lookup kind",
            "Ctrl-K set key"
        ]
    );
    press(&mut app, "<Esc>");
    let shown = hints(&app);
    assert!(shown.contains(&"q quit".to_owned()), "{shown:?}");
    assert!(shown.contains(&"? help".to_owned()), "{shown:?}");
    assert!(shown.contains(&"K set key".to_owned()), "{shown:?}");
    // The status box says how to reach the help while the field has focus.
    send(
        &mut app,
        Message::Resize {
            width: 120,
            height: 40,
        },
    );
    press(&mut app, "/");
    let text = screen_text(&mut app, 120, 40);
    assert!(
        text.contains("Esc leaves the field, then ? lists every key"),
        "{text}"
    );
}
