//! Hostile vendor strings never reach the buffer; colours, hints, folding, sizes, copy, filter.

use crate::support::*;

#[test]
fn hostile_strings_never_reach_the_buffer() {
    let mut app = loaded_with(hostile_outcome(), true);
    for pane in Pane::ALL {
        app.profile_mut().unwrap().focus = pane;
        for (w, h) in SIZES {
            let terminal = draw(&mut app, w, h);
            assert_clean(&terminal, pane.title());
        }
        press(&mut app, "<Enter>");
        assert_clean(&draw(&mut app, 80, 24), &format!("{} detail", pane.title()));
        press(&mut app, "<Esc>");
    }
    app.profile_mut().unwrap().focus = Pane::Overview;
    let terminal = draw(&mut app, 80, 24);
    let text = terminal.backend().to_string();
    assert!(
        text.contains("Eve␛[2J␛]52;c;ZXZpbA==␇␍<U+202E>gnp.exe<U+009B>31m␀"),
        "{text}"
    );
    assert_snapshot("hostile_overview_80x24", text);
    // The lookup screen shows the hostile value in the recent list and input.
    press(&mut app, "/");
    assert_clean(&draw(&mut app, 80, 24), "start screen");
    let err = LookupError::Server {
        vendor: "Coho",
        status: 500,
        message: Some("\u{1b}[31mboom\u{202e}".to_owned()),
        excerpt: Some("\u{1b}]52;c;x\u{7}".to_owned()),
    };
    let mut app = error_app(err, VendorKind::COHO, "x\u{1b}");
    assert_clean(&draw(&mut app, 80, 24), "error state");
}

#[test]
fn no_color_theme_uses_no_colours_but_still_marks_focus() {
    use ratatui::style::{Color, Modifier};
    let mut app = loaded(VendorKind::COHO);
    app.theme = Theme {
        color: false,
        ..Theme::default()
    };
    press(&mut app, "2j");
    let terminal = draw(&mut app, 80, 24);
    let buffer = terminal.backend().buffer();
    for cell in buffer.content() {
        assert_eq!(
            (cell.fg, cell.bg),
            (Color::Reset, Color::Reset),
            "colour in {:?}",
            cell.symbol()
        );
    }
    // The selected row (second property, screen row 5) is shown in reverse video.
    assert!(buffer[(10u16, 5u16)].modifier.contains(Modifier::REVERSED));
    assert!(!buffer[(10u16, 4u16)].modifier.contains(Modifier::REVERSED));
    // With colour on, the same screen does use colour.
    app.theme = Theme::default();
    let terminal = draw(&mut app, 80, 24);
    assert!(
        terminal
            .backend()
            .buffer()
            .content()
            .iter()
            .any(|c| c.fg != Color::Reset)
    );
}

#[test]
fn footer_hints_come_from_the_key_table() {
    let mut app = app_with(true);
    let text = screen_text(&mut app, 120, 40);
    let footer = text.lines().last().unwrap();
    assert!(
        footer.contains("Ctrl-C quit"),
        "typing: Ctrl-C is offered, not q: {footer}"
    );
    assert!(!footer.contains(" q quit"), "{footer}");
    press(&mut app, "<Tab>");
    let text = screen_text(&mut app, 120, 40);
    let footer = text.lines().last().unwrap();
    assert!(
        footer.contains("q quit") && footer.contains("? help"),
        "{footer}"
    );
}

#[test]
fn ctrl_k_opens_the_key_dialog_even_while_typing() {
    let mut app = app_with(false);
    press(&mut app, "<Down><Down>");
    send(&mut app, Message::Key(ctrl('k')));
    match &app.overlay {
        Some(Overlay::KeyDialog(d)) => {
            assert_eq!((d.conn_index, &d.state), (2, &DialogState::Editing))
        }
        other => panic!("expected the key dialog, got {other:?}"),
    }
    press(&mut app, "<Esc>");
    assert!(app.overlay.is_none());
}

#[test]
fn raw_json_folds_and_unfolds() {
    let mut app = loaded(VendorKind::COHO);
    press(&mut app, "7");
    let total = app.profile().unwrap().row_count(Pane::Raw);
    // Line 1 is `"userProperties": {`; fold it.
    press(&mut app, "j ");
    let view = app.profile().unwrap();
    let folded_rows = view.row_count(Pane::Raw);
    assert!(folded_rows < total - 10, "{folded_rows} of {total}");
    assert_eq!(view.scroll(Pane::Raw).selected, 1);
    let text = screen_text(&mut app, 80, 24);
    let folded_line = text.lines().nth(5).unwrap();
    assert!(folded_line.contains("\"userProperties\": { … },"), "{text}");
    assert!(folded_line.contains("lines folded"), "{text}");
    // The whole document folds from its last line too, and unfolds again.
    press(&mut app, "G ");
    assert_eq!(app.profile().unwrap().row_count(Pane::Raw), 1);
    press(&mut app, "z");
    assert_eq!(app.profile().unwrap().row_count(Pane::Raw), folded_rows);
    press(&mut app, "gj ");
    assert_eq!(app.profile().unwrap().row_count(Pane::Raw), total);
    // Space does nothing outside the Raw pane.
    press(&mut app, "2 ");
    assert_eq!(app.profile().unwrap().row_count(Pane::Raw), total);
}

#[test]
fn tiny_and_odd_terminal_sizes_never_panic() {
    let sizes = [
        (1, 1),
        (2, 2),
        (10, 3),
        (20, 5),
        (39, 9),
        (40, 10),
        (41, 11),
        (45, 12),
        (60, 14),
        (79, 23),
        (300, 10),
        (40, 80),
    ];
    for (w, h) in sizes {
        let mut app = app_with(true);
        draw(&mut app, w, h);
        press(&mut app, "?");
        draw(&mut app, w, h);
        press(&mut app, "<Esc><Tab>K");
        draw(&mut app, w, h);
        let mut app = app_with(false);
        let request = submit(&mut app, VendorKind::COHO, "u-1");
        finish(&mut app, request, Err(key_rejected()));
        draw(&mut app, w, h);
        let mut app = loaded_with(hostile_outcome(), true);
        for pane in Pane::ALL {
            app.profile_mut().unwrap().focus = pane;
            press(&mut app, "G");
            draw(&mut app, w, h);
            press(&mut app, "<Enter>");
            draw(&mut app, w, h);
            press(&mut app, "<Esc>");
        }
        let mut app = loaded_with(many_attributes(50), true);
        press(&mut app, "5G<PgUp>");
        send(
            &mut app,
            Message::Mouse(mouse_click(w.saturating_sub(1), h.saturating_sub(1))),
        );
        draw(&mut app, w, h);
    }
}

#[test]
fn every_screen_draws_at_a_sweep_of_sizes() {
    let mut start = app_with(true);
    let mut profile = loaded(VendorKind::USERCOM);
    let mut dialog = app_with(false);
    press(&mut dialog, "<Tab>K");
    for w in (40..=130).step_by(7) {
        for h in (10..=46).step_by(3) {
            draw(&mut start, w, h);
            draw(&mut dialog, w, h);
            for pane in Pane::ALL {
                profile.profile_mut().unwrap().focus = pane;
                draw(&mut profile, w, h);
            }
            press(&mut profile, "?");
            draw(&mut profile, w, h);
            press(&mut profile, "<Esc>");
        }
    }
}

#[test]
fn y_copies_the_selected_value_and_shift_e_exports_the_profile_at_once() {
    let mut app = loaded(VendorKind::COHO);
    let effects = press(&mut app, "1jy");
    match effects.as_slice() {
        [Effect::Copy(text)] => assert_eq!(text, "hannah.okafor@northwind-logistics.com"),
        other => panic!("expected a copy, got {other:?}"),
    }
    assert!(screen_text(&mut app, 80, 24).contains("Copied 37 characters to the clipboard"));
    press(&mut app, "j");
    assert!(app.notice.is_none(), "the notice goes with the next key");

    // `E`: no dialog, the name `e` would propose.
    let effects = press(&mut app, "E");
    assert!(app.overlay.is_none());
    match effects.as_slice() {
        [Effect::Export { file_name, json }] => {
            assert_eq!(file_name, "coho-u-1001-20261123-120000.json");
            let doc: serde_json::Value = serde_json::from_str(json).unwrap();
            assert_eq!(doc["vendor"], "coho");
            assert_eq!(doc["profile"]["displayName"], "Hannah Okafor");
            assert_eq!(doc["lookup"], json!({"by": "id", "value": "u-1001"}));
        }
        other => panic!("expected an export, got {other:?}"),
    }
    send(
        &mut app,
        Message::Exported(Ok("/tmp/x/coho-u-1001-20261123-120000.json".into())),
    );
    assert!(
        screen_text(&mut app, 80, 24)
            .contains("Exported to /tmp/x/coho-u-1001-20261123-120000.json")
    );
    // A hostile ID cannot choose the directory or hide the file.
    assert_eq!(
        userscope::tui::export::safe_component("../../.ssh/x\u{1b}"),
        "_______ssh_x_"
    );
}

#[test]
fn f_filters_the_focused_pane_as_you_type() {
    let mut app = loaded_with(many_attributes(300), true);
    press(&mut app, "5f");
    assert!(app.is_typing(), "the filter takes text");
    press(&mut app, "attr-29");
    let view = app.profile().unwrap();
    // Fuzzy: `2` then `9` anywhere after `attr-`: attr-29, attr-129, attr-209, attr-219, …,
    // attr-290..=attr-299 (21 keys), in their original order.
    assert_eq!(view.row_count(Pane::Attributes), 21);
    let text = screen_text(&mut app, 80, 24);
    assert!(
        text.contains("Attributes (21 of 300) · filter “attr-29”"),
        "{text}"
    );
    assert!(text.contains(" Filter Attributes: attr-29"), "{text}");
    // Arrows move within the matches while typing; Enter keeps the filter.
    press(&mut app, "<Down><Down><Enter>");
    assert!(!app.is_typing());
    let view = app.profile().unwrap();
    assert_eq!(
        view.row(
            Pane::Attributes,
            view.scroll(Pane::Attributes).selected,
            app.clock.wall
        )
        .unwrap()
        .key,
        "attr-209"
    );
    // Each pane has its own filter.
    press(&mut app, "2");
    assert_eq!(app.profile().unwrap().filter(Pane::Properties), None);
    press(&mut app, "5");
    // Values match too, case-insensitively; no match says so.
    press(&mut app, "f<C-u>zzz");
    assert!(screen_text(&mut app, 80, 24).contains("No attributes match “zzz”"));
    // Esc while typing clears the filter.
    press(&mut app, "<Esc>");
    assert_eq!(app.profile().unwrap().row_count(Pane::Attributes), 300);
    // Esc on a kept filter clears it before leaving the profile.
    press(&mut app, "f1<Enter>");
    assert!(app.profile().unwrap().filter(Pane::Attributes).is_some());
    press(&mut app, "<Esc>");
    assert_eq!(
        (
            app.screen.kind(),
            app.profile().unwrap().filter(Pane::Attributes)
        ),
        (ScreenKind::Profile, None)
    );
    press(&mut app, "<Esc>");
    assert_eq!(app.screen.kind(), ScreenKind::Start);
    // The Raw pane folds instead.
    press(&mut app, "<Esc><Esc>7f");
    assert!(app.profile_state().unwrap().filter_edit.is_none());
    assert!(app.notice.as_deref().unwrap().contains("Space folds"));
}

#[test]
fn a_demo_user_is_picked_by_click_and_run_with_enter() {
    let mut app = app_with(true);
    // 80×24 demo layout: the demo-user box starts at row 10 (title 1 + vendor box 9); its
    // second entry is on row 12.
    let click = mouse_click(5, 12);
    send(&mut app, Message::Mouse(click));
    assert_eq!(
        (app.start().unwrap().focus, app.start().unwrap().list_cursor),
        (StartFocus::Users, 1)
    );
    let effects = press(&mut app, "<Enter>");
    let (_, lookup, vendor) = started(&effects).unwrap();
    assert_eq!(
        (vendor, lookup),
        (VendorKind::COHO, Lookup::new(LookupKind::Id, "u-1002"))
    );
    assert_eq!(app.start().unwrap().input.text(), "u-1002");
}

/// The Request pane redacts secret-looking header names again, even when a header reaches it
/// unredacted (the lookup redacts first; this is the second line of defence), and shows bidi /
/// C1 characters in header values as visible stand-ins.
#[test]
fn request_pane_redacts_secret_header_names_and_shows_hostile_values_visibly() {
    let mut outcome = hostile_outcome();
    outcome.request.response_headers = vec![
        ("X-Echo-Key".to_owned(), "CANARY-header-key".to_owned()),
        ("X-Auth-Token".to_owned(), "CANARY-header-token".to_owned()),
        ("Set-Cookie".to_owned(), "CANARY-header-cookie".to_owned()),
        (
            "X-Bidi".to_owned(),
            "abc\u{202e}fed\u{9b}31m\u{1b}[2J".to_owned(),
        ),
    ];
    let mut app = loaded_with(outcome, true);
    app.profile_mut().unwrap().focus = Pane::Request;
    let terminal = draw(&mut app, 120, 40);
    assert_clean(&terminal, "Request pane");
    let text = terminal.backend().to_string();
    assert!(!text.contains("CANARY-header"), "{text}");
    assert_eq!(text.matches("[redacted]").count(), 3, "{text}");
    assert!(text.contains("abc<U+202E>fed<U+009B>31m␛[2J"), "{text}");
}
