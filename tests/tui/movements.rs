//! Movements: key sequences and the (pane, row) they lead to; typing, lookups, the mouse.

use crate::support::*;

/// jless-style: each step is a key sequence and the (pane, selected row) it must lead to.
#[track_caller]
fn assert_movements(app: &mut App, steps: &[(&str, Pane, usize)]) {
    for (spec, pane, row) in steps {
        press(app, spec);
        let view = app.profile().unwrap();
        assert_eq!(
            (view.focus, view.scroll(view.focus).selected),
            (*pane, *row),
            "after keys {spec:?}"
        );
    }
}

#[test]
fn pane_switching_with_tab_shift_tab_and_digits() {
    let mut app = loaded(VendorKind::COHO);
    assert_movements(
        &mut app,
        &[
            ("", Pane::Overview, 0),
            ("<Tab>", Pane::Properties, 0),
            ("<Tab><Tab>", Pane::Segments, 0),
            ("<BackTab>", Pane::Tags, 0),
            ("8", Pane::Request, 0),
            ("<Tab>", Pane::Overview, 0),
            ("<BackTab>", Pane::Request, 0),
            ("1", Pane::Overview, 0),
            ("7", Pane::Raw, 0),
            ("5", Pane::Attributes, 0),
            ("9", Pane::Attributes, 0),
        ],
    );
}

#[test]
fn row_movement_keys_clamp_and_page() {
    let mut app = loaded(VendorKind::COHO);
    let n = app.profile().unwrap().row_count(Pane::Properties);
    assert!(n > 10, "the rich Coho user has many properties");
    let last = n - 1;
    // 80×24: 24 - header 2 - tabs 1 - footer 1 - borders 2 = 18 rows per page.
    let page = 18;
    assert_movements(
        &mut app,
        &[
            ("2", Pane::Properties, 0),
            ("k", Pane::Properties, 0),
            ("jjj", Pane::Properties, 3),
            ("<Down><Up>", Pane::Properties, 3),
            ("G", Pane::Properties, last),
            ("j", Pane::Properties, last),
            // `g` looks the value up elsewhere in the profile (the pivot, tests/tui/find.rs);
            // Home goes to the first row.
            ("<Home>", Pane::Properties, 0),
            ("<End>", Pane::Properties, last),
            ("<Home>", Pane::Properties, 0),
            ("<PgDn>", Pane::Properties, page.min(last)),
            ("<PgUp>", Pane::Properties, 0),
            // Each pane keeps its own position.
            ("j3", Pane::Tags, 0),
            ("2", Pane::Properties, 1),
        ],
    );
}

#[test]
fn scrolling_keeps_the_selection_visible_and_survives_resize() {
    let mut app = loaded_with(many_attributes(500), true);
    press(&mut app, "5G");
    let s = app.profile().unwrap().scroll(Pane::Attributes);
    assert_eq!((s.selected, s.offset), (499, 499 + 1 - 18));
    send(
        &mut app,
        Message::Resize {
            width: 80,
            height: 12,
        },
    );
    let s = app.profile().unwrap().scroll(Pane::Attributes);
    assert_eq!((s.selected, s.offset), (499, 499 + 1 - 6));
    let text = screen_text(&mut app, 80, 12);
    assert!(text.contains("attr-499"), "{text}");
}

#[test]
fn q_quits_except_while_typing_and_ctrl_c_always_quits() {
    let mut app = app_with(true);
    assert!(app.is_typing());
    press(&mut app, "q");
    assert_eq!((app.exit, app.start().unwrap().input.text()), (None, "q"));
    press(&mut app, "<Tab>");
    assert_eq!(app.start().unwrap().focus, StartFocus::Users);
    press(&mut app, "q");
    assert_eq!(app.exit, Some(0));

    let mut app = app_with(true);
    press(&mut app, "abc<C-c>");
    assert_eq!(app.exit, Some(130));

    let mut app = loaded(VendorKind::CHAKRA);
    press(&mut app, "q");
    assert_eq!(app.exit, Some(0));
}

#[test]
fn text_editing_keys() {
    let mut app = app_with(true);
    press(&mut app, "u-1O01<BS><BS><BS>001");
    assert_eq!(app.start().unwrap().input.text(), "u-1001");
    press(&mut app, "<Home>x");
    assert_eq!(app.start().unwrap().input.text(), "xu-1001");
    press(&mut app, "<C-u>");
    assert_eq!(app.start().unwrap().input.text(), "");
    // Digits and j/k are typed, not pane keys.
    press(&mut app, "jk12");
    assert_eq!(app.start().unwrap().input.text(), "jk12");
}

#[test]
fn lookup_kind_toggle_follows_the_vendor() {
    let mut app = app_with(true);
    assert_eq!(app.start().unwrap().kind, LookupKind::Id);
    press(&mut app, "<C-t>");
    assert_eq!(
        app.start().unwrap().kind,
        LookupKind::Id,
        "Coho only looks up by id"
    );
    press(&mut app, "<Down>");
    assert_eq!(
        (app.selected_vendor(), app.start().unwrap().kind),
        (Some(VendorKind::USERCOM), LookupKind::Key)
    );
    press(&mut app, "<C-t>");
    assert_eq!(app.start().unwrap().kind, LookupKind::Id);
    press(&mut app, "<C-t>");
    assert_eq!(app.start().unwrap().kind, LookupKind::Email);
    press(&mut app, "<C-t>");
    assert_eq!(app.start().unwrap().kind, LookupKind::Key);
    press(&mut app, "<Down><Down>");
    assert_eq!(
        (app.selected_vendor(), app.start().unwrap().kind),
        (Some(VendorKind::CHAKRA), LookupKind::Id)
    );
    press(&mut app, "<Down><C-t>");
    assert_eq!(
        (app.selected_vendor(), app.start().unwrap().kind),
        (Some(VendorKind::VEMETRIC), LookupKind::Identifier)
    );
    press(&mut app, "<C-t>");
    assert_eq!(app.start().unwrap().kind, LookupKind::Id);
}

#[test]
fn enter_runs_the_typed_lookup_and_the_result_opens_the_profile() {
    let mut app = app_with(true);
    press(&mut app, "<Down><C-t><C-t>");
    let effects = press(&mut app, " zoe@example.com <Enter>");
    let (request, lookup, vendor) = started(&effects).unwrap();
    assert_eq!(vendor, VendorKind::USERCOM);
    assert_eq!(lookup, Lookup::new(LookupKind::Email, "zoe@example.com"));
    assert!(app.lookups.loading.is_some());
    // The UI keeps working while the request is in flight.
    press(&mut app, "x<BS>");
    assert_eq!(app.start().unwrap().input.text(), " zoe@example.com ");
    finish(&mut app, request, Ok(rich_outcome(VendorKind::USERCOM)));
    assert_eq!(app.screen.kind(), ScreenKind::Profile);
    assert!(app.lookups.loading.is_none());
    assert_eq!(app.lookups.recent.len(), 1);
    assert!(app.lookups.recent[0].outcome.is_ok());
}

#[test]
fn empty_input_does_not_start_a_lookup() {
    let mut app = app_with(true);
    let effects = press(&mut app, "   <Enter>");
    assert!(started(&effects).is_none());
    assert_eq!(app.notice.as_deref(), Some("Type the id to look up first"));
}

#[test]
fn esc_cancels_and_the_late_result_is_dropped() {
    let mut app = app_with(true);
    let request = submit(&mut app, VendorKind::COHO, "u-1001");
    let effects = press(&mut app, "<Esc>");
    assert!(matches!(effects.as_slice(), [Effect::CancelLookup { request: r }] if *r == request));
    assert!(app.lookups.loading.is_none());
    finish(&mut app, request, Ok(rich_outcome(VendorKind::COHO)));
    assert!(
        app.profile().is_none(),
        "a cancelled lookup's result must not show"
    );
    assert_eq!(app.screen.kind(), ScreenKind::Start);
}

#[test]
fn a_new_lookup_replaces_the_running_one() {
    let mut app = app_with(true);
    let first = submit(&mut app, VendorKind::COHO, "u-1002");
    press(&mut app, "<C-u>u-1001");
    let effects = press(&mut app, "<Enter>");
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::CancelLookup { request } if *request == first))
    );
    let (second, lookup, _) = started(&effects).unwrap();
    assert_ne!(first, second);
    assert_eq!(lookup.value, "u-1001");
    // The first answer arrives late: stale, dropped.
    finish(
        &mut app,
        first,
        Err(LookupError::NotFound {
            vendor: "Coho",
            message: None,
        }),
    );
    assert!(app.lookups.error.is_none());
    assert!(app.lookups.loading.is_some());
    finish(&mut app, second, Ok(rich_outcome(VendorKind::COHO)));
    assert_eq!(app.screen.kind(), ScreenKind::Profile);
}

#[test]
fn slash_opens_the_lookup_from_the_profile_and_esc_returns() {
    let mut app = loaded(VendorKind::FOLDSPACE);
    press(&mut app, "4/");
    assert_eq!(
        (
            app.screen.kind(),
            app.start().unwrap().focus,
            app.is_typing()
        ),
        (ScreenKind::Start, StartFocus::Input, true)
    );
    // Esc leaves the field (nothing typed is lost), a second Esc returns.
    press(&mut app, "<Esc>");
    assert_eq!(
        (
            app.screen.kind(),
            app.start().unwrap().focus,
            app.is_typing()
        ),
        (ScreenKind::Start, StartFocus::Vendors, false)
    );
    press(&mut app, "<Esc>");
    assert_eq!(app.screen.kind(), ScreenKind::Profile);
    assert_eq!(app.profile().unwrap().focus, Pane::Segments);
}

#[test]
fn help_overlay_opens_scrolls_and_closes() {
    let mut app = loaded(VendorKind::COHO);
    press(&mut app, "?");
    assert!(matches!(
        app.overlay,
        Some(Overlay::Help(Help { scroll: 0 }))
    ));
    press(&mut app, "jj");
    assert!(matches!(
        app.overlay,
        Some(Overlay::Help(Help { scroll: 2 }))
    ));
    press(&mut app, "q");
    assert!(app.overlay.is_none());
    assert_eq!(app.exit, None, "q closes the help first");
    press(&mut app, "?<Esc>");
    assert!(app.overlay.is_none());
}

#[test]
fn enter_on_a_row_shows_the_full_value() {
    let long = "x".repeat(300);
    let mut outcome = rich_outcome(VendorKind::COHO);
    outcome
        .profile
        .attributes
        .insert(0, Field::new("longValue", json!(long)));
    outcome
        .profile
        .attributes
        .insert(1, Field::new("nested", json!({"a": [1, 2]})));
    let mut app = loaded_with(outcome, true);
    press(&mut app, "5<Enter>");
    match &app.overlay {
        Some(Overlay::Detail(Detail { title, lines, .. })) => {
            assert_eq!(title, "longValue");
            assert_eq!(lines, &vec![long.clone()]);
        }
        other => panic!("expected the detail popup, got {other:?}"),
    }
    let text = screen_text(&mut app, 80, 24);
    assert!(text.contains("longValue · Esc closes"), "{text}");
    press(&mut app, "<Esc>j<Enter>");
    match &app.overlay {
        Some(Overlay::Detail(Detail { lines, .. })) => {
            assert_eq!(lines.join("\n"), "{\n  \"a\": [\n    1,\n    2\n  ]\n}")
        }
        other => panic!("expected the detail popup, got {other:?}"),
    }
}

#[test]
fn mouse_click_focuses_a_pane_and_the_wheel_scrolls() {
    let mut app = loaded(VendorKind::COHO);
    // Tabs are on row 2; find the column of "Tags" as drawn.
    let text = screen_text(&mut app, 120, 40);
    let tab_row = text.lines().nth(2).unwrap();
    let col = tab_row.find("3 Tags").unwrap() - 1; // the line starts with a quote
    let click = mouse_click(u16::try_from(col).unwrap(), 2);
    send(&mut app, Message::Mouse(click));
    assert_eq!(app.profile().unwrap().focus, Pane::Tags);
    press(&mut app, "2");
    let wheel = mouse_wheel_down(10, 10);
    send(&mut app, Message::Mouse(wheel));
    assert_eq!(app.profile().unwrap().scroll(Pane::Properties).selected, 3);
    // A click on a row selects it (row 4 is the first row inside the pane border).
    // At 120 columns the Overview sits on the left (46 cells); the focused pane is right of it.
    let row_click = mouse_click(60, 6);
    send(&mut app, Message::Mouse(row_click));
    assert_eq!(app.profile().unwrap().scroll(Pane::Properties).selected, 2);
    let side_click = mouse_click(10, 6);
    send(&mut app, Message::Mouse(side_click));
    assert_eq!(app.profile().unwrap().focus, Pane::Overview);
}

#[test]
fn mouse_click_on_the_start_screen_picks_a_vendor() {
    let mut app = app_with(true);
    // Vendor list starts at row 1 (title) + 1 (border); All vendors heads it, so ChakraHQ
    // is the 5th row.
    let click = mouse_click(5, 6);
    send(&mut app, Message::Mouse(click));
    assert_eq!(
        (app.selected_vendor(), app.start().unwrap().focus),
        (Some(VendorKind::CHAKRA), StartFocus::Vendors)
    );
    send(&mut app, Message::Mouse(mouse_click(5, 2)));
    let start = app.start().unwrap();
    assert_eq!((app.selected_vendor(), start.all_vendors), (None, true));
}
