//! Raw pane as a JSON tree

use crate::support::*;

/// 25 pretty lines: 0 `{`, 1 `"userProperties": {`, 4 `"city"`, 5 `"first name"`,
/// 6 `"properties": {`, 10 `"tags": [`, 12/15/18 `"key"`, 21 `"calculatedProperties": {`, 24 `}`.
const TREE_BODY: &str = r#"{"userProperties": {"userId": "u-1", "name": "Ada", "city": "Oslo", "first name": "Ada", "properties": {"plan": "pro"}}, "tags": [{"key": "a"}, {"key": "b"}, {"key": "vip"}], "calculatedProperties": {"score": 7}}"#;

fn tree_app() -> App {
    let outcome = outcome_from_body(
        VendorKind::COHO,
        Lookup::new(LookupKind::Id, "u-1"),
        TREE_BODY,
    );
    let mut app = loaded_with(outcome, true);
    press(&mut app, "7");
    app
}

/// (selected row, visible rows, path of the selected node) of the Raw pane.
fn raw_state(app: &App) -> (usize, usize, String) {
    let view = app.profile().unwrap();
    let line = view.raw_selected_line().unwrap();
    (
        view.scroll(Pane::Raw).selected,
        view.row_count(Pane::Raw),
        view.raw.path(line),
    )
}

#[test]
fn raw_tree_keys_fold_unfold_and_jump_to_parent() {
    let cases: &[(&str, (usize, usize, &str))] = &[
        ("", (0, 25, "$")),
        ("jjjj", (4, 25, "$.userProperties.city")),
        ("jjjjj", (5, 25, "$.userProperties[\"first name\"]")),
        ("Gkkkkkk", (18, 25, "$.tags[2].key")),
        // p: to the container; at the root (or its closing line) it stays.
        ("jjjjjp", (1, 25, "$.userProperties")),
        ("jjjjjpp", (0, 25, "$")),
        ("Gp", (24, 25, "$")),
        // h / ← fold the selected container; l / → unfold; on a scalar nothing happens.
        ("jh", (1, 17, "$.userProperties")),
        ("j<Left>", (1, 17, "$.userProperties")),
        ("jhl", (1, 25, "$.userProperties")),
        ("jh<Right>", (1, 25, "$.userProperties")),
        ("jjh", (2, 25, "$.userProperties.userId")),
        // h on a closing bracket folds its container and selects its opening line.
        ("jjjjjjjjjh", (1, 17, "$.userProperties")),
        // H folds everything below the top level; the selection moves to what hides it.
        ("H", (0, 5, "$")),
        ("jjjjH", (1, 5, "$.userProperties")),
        ("HjjL", (10, 25, "$.tags")),
        ("HL", (0, 25, "$")),
        // Space / z still toggle.
        ("j  ", (1, 25, "$.userProperties")),
        ("jz", (1, 17, "$.userProperties")),
    ];
    for (keys, (row, rows, path)) in cases {
        let mut app = tree_app();
        press(&mut app, keys);
        assert_eq!(
            raw_state(&app),
            (*row, *rows, path.to_string()),
            "keys {keys:?}"
        );
    }
}

#[test]
fn raw_tree_search_counts_moves_with_n_and_unfolds() {
    let cases: &[(&str, (usize, usize, &str), &str)] = &[
        (
            "s\"key\"<Enter>",
            (12, 25, "$.tags[0].key"),
            "/\"key\"/ 1 of 3",
        ),
        (
            "<C-f>\"key\"<Enter>n",
            (15, 25, "$.tags[1].key"),
            "/\"key\"/ 2 of 3",
        ),
        ("s\"key\"<Enter>nn", (18, 25, "$.tags[2].key"), "3 of 3"),
        ("s\"key\"<Enter>nnn", (12, 25, "$.tags[0].key"), "1 of 3"),
        ("s\"key\"<Enter>N", (18, 25, "$.tags[2].key"), "3 of 3"),
        // From the selection on: the first match at or below it.
        (
            "Gkkkkkks\"key\"<Enter>",
            (18, 25, "$.tags[2].key"),
            "3 of 3",
        ),
        // A match inside folded containers opens them (and only them).
        ("Hsvip<Enter>", (6, 11, "$.tags[2].key"), "/vip/ 1 of 1"),
        // Keys and values both match; `n` on another line says which match it is not.
        (
            "s^\"(city|plan)\"$<Enter>",
            (4, 25, "$.userProperties.city"),
            "1 of 2",
        ),
        (
            "s^\"(city|plan)\"$<Enter>k",
            (3, 25, "$.userProperties.name"),
            "2 matches",
        ),
    ];
    for (keys, (row, rows, path), title) in cases {
        let mut app = tree_app();
        press(&mut app, keys);
        assert!(
            app.profile_state().unwrap().filter_edit.is_none(),
            "Enter closes the prompt ({keys:?})"
        );
        assert_eq!(
            raw_state(&app),
            (*row, *rows, path.to_string()),
            "keys {keys:?}"
        );
        let text = screen_text(&mut app, 120, 40);
        assert!(text.contains(title), "{keys:?}: {title} in\n{text}");
    }
    // The prompt is labelled; Esc leaves it and ends the search; Esc again goes back.
    let mut app = tree_app();
    press(&mut app, "s");
    assert!(app.is_typing());
    press(&mut app, "vip");
    assert!(screen_text(&mut app, 80, 24).contains("Search Raw (regex): vip"));
    press(&mut app, "<Enter>");
    assert!(app.profile().unwrap().raw.search().is_some());
    press(&mut app, "<Esc>");
    assert!(app.profile().unwrap().raw.search().is_none());
    assert_eq!(app.screen.kind(), ScreenKind::Profile);
    // An invalid regex keeps the prompt open and says so.
    let mut app = tree_app();
    press(&mut app, "s(<Enter>");
    assert!(app.profile_state().unwrap().filter_edit.is_some());
    assert!(
        app.notice.as_deref().unwrap().starts_with("Invalid regex"),
        "{:?}",
        app.notice
    );
    // No match: a notice, the selection stays.
    let mut app = tree_app();
    press(&mut app, "jsnobody<Enter>");
    assert_eq!(app.notice.as_deref(), Some("No match for /nobody/"));
    assert_eq!(raw_state(&app).0, 1);
    // n before any search explains itself; tree keys do nothing outside the Raw pane.
    let mut app = tree_app();
    press(&mut app, "n");
    assert_eq!(
        app.notice.as_deref(),
        Some("No search yet: s searches the Raw pane")
    );
    press(&mut app, "2H");
    assert_eq!(app.profile().unwrap().row_count(Pane::Raw), 25);
}

#[test]
fn raw_tree_copies_the_full_value_and_truncates_only_on_screen() {
    let long = "x".repeat(300);
    let body = format!(
        r#"{{"userProperties": {{"userId": "u-1", "bio": "{long}", "properties": {{"plan": "pro"}}}}}}"#
    );
    let outcome = outcome_from_body(VendorKind::COHO, Lookup::new(LookupKind::Id, "u-1"), &body);
    let mut app = loaded_with(outcome, true);
    press(&mut app, "7jjj");
    let text = screen_text(&mut app, 80, 24);
    let shown = text.lines().find(|l| l.contains("\"bio\"")).unwrap();
    assert!(shown.contains("xxx…"), "{shown}");
    match press(&mut app, "y").as_slice() {
        [Effect::Copy(text)] => assert_eq!(*text, long),
        other => panic!("expected a copy, got {other:?}"),
    }
    assert!(
        app.notice.as_deref().unwrap().contains("300 characters"),
        "{:?}",
        app.notice
    );
    assert!(
        app.notice
            .as_deref()
            .unwrap()
            .contains("$.userProperties.bio")
    );
    match press(&mut app, "jy").as_slice() {
        [Effect::Copy(text)] => assert_eq!(text, "{\n  \"plan\": \"pro\"\n}"),
        other => panic!("expected a copy, got {other:?}"),
    }
}

#[test]
fn every_copy_toast_warns_when_osc52_may_not_arrive() {
    let body = r#"{"userProperties": {"userId": "u-1", "city": "Oslo"}}"#;
    let outcome = outcome_from_body(VendorKind::COHO, Lookup::new(LookupKind::Id, "u-1"), body);
    let mut app = loaded_with(outcome, true);
    // The check runs off the UI thread after the first frame and reports back.
    assert!(app.clipboard_warning.is_none());
    send(
        &mut app,
        Message::ClipboardChecked(Some(
            "inside tmux the clipboard needs `set -g set-clipboard on`".to_owned(),
        )),
    );
    let but = " (but inside tmux the clipboard needs `set -g set-clipboard on`)";
    // Raw pane: `y` on the "city" line, then `Y`.
    press(&mut app, "7jjj");
    match press(&mut app, "y").as_slice() {
        [Effect::Copy(text)] => assert_eq!(text, "Oslo"),
        other => panic!("expected a copy, got {other:?}"),
    }
    assert_eq!(
        app.notice.as_deref(),
        Some(
            format!("Copied 4 characters to the clipboard: value of $.userProperties.city{but}")
                .as_str()
        )
    );
    press(&mut app, "Y");
    assert_eq!(
        app.notice.as_deref(),
        Some(format!("Copied key path $.userProperties.city{but}").as_str())
    );
    // A table pane: `y` on the Overview's first row (Name: the user ID, as no name was sent).
    press(&mut app, "1");
    match press(&mut app, "y").as_slice() {
        [Effect::Copy(text)] => assert_eq!(text, "u-1"),
        other => panic!("expected a copy, got {other:?}"),
    }
    assert_eq!(
        app.notice.as_deref(),
        Some(format!("Copied 3 characters to the clipboard: value of Name{but}").as_str())
    );
    // Without a warning the toast is the bare message.
    app.clipboard_warning = None;
    press(&mut app, "7y");
    assert_eq!(
        app.notice.as_deref(),
        Some("Copied 4 characters to the clipboard: value of $.userProperties.city")
    );
}

#[test]
fn raw_tree_search_highlights_the_matched_text() {
    let mut app = loaded(VendorKind::COHO);
    press(&mut app, "7sRotterdam<Enter>");
    let terminal = draw(&mut app, 120, 40);
    let buf = terminal.backend().buffer();
    let (mut highlighted, mut plain) = (String::new(), String::new());
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            let cell = &buf[(x, y)];
            if cell.modifier.contains(ratatui::style::Modifier::REVERSED) {
                highlighted.push_str(cell.symbol());
            } else if y > 3 {
                plain.push_str(cell.symbol());
            }
        }
    }
    assert_eq!(highlighted, "Rotterdam");
    assert!(
        plain.contains("\"city\": \"\""),
        "the rest of the line is not highlighted"
    );
}

#[test]
fn snapshot_raw_tree_folded_and_searched() {
    for (w, h) in SIZES {
        let mut app = loaded(VendorKind::COHO);
        press(&mut app, "7H");
        assert_snapshot(
            format!("raw_tree_folded_{w}x{h}"),
            draw(&mut app, w, h).backend(),
        );
        let mut app = loaded(VendorKind::COHO);
        press(&mut app, "7Hs^\"(city|plan)\"$<Enter>n");
        assert_snapshot(
            format!("raw_tree_search_{w}x{h}"),
            draw(&mut app, w, h).backend(),
        );
    }
}

#[test]
fn raw_search_is_smart_case() {
    let outcome = rich_outcome(VendorKind::COHO);
    let body = String::from_utf8(outcome.raw.to_vec()).unwrap();
    assert!(body.contains("\"Enterprise\""));
    let search = |query: &str| {
        let mut app = loaded_with(rich_outcome(VendorKind::COHO), true);
        press(&mut app, "7s");
        press(&mut app, query);
        press(&mut app, "<Enter>");
        let view = app.profile().unwrap();
        let title = userscope::tui::ui::raw::title(view, view.row_count(Pane::Raw));
        (
            view.raw.search().map(|s| s.matches.len()),
            view.raw.path(view.raw_selected_line().unwrap()),
            title,
        )
    };
    // All lower case: either case matches (`Enterprise`, `enterprise`, `…-enterprise`,
    // `EMEA enterprise`), the first from the top being the plan.
    let (matches, path, title) = search("enterprise");
    assert_eq!(matches, Some(4));
    assert_eq!(path, "$.userProperties.properties.plan");
    assert!(title.contains(" · /enterprise/ 1 of 4"), "{title}");
    // An upper-case letter: exactly as typed.
    let (matches, path, title) = search("Enterprise");
    assert_eq!(matches, Some(1));
    assert_eq!(path, "$.userProperties.properties.plan");
    assert!(title.contains(" · /Enterprise/ 1 of 1"), "{title}");
    assert_eq!(search("ENTERPRISE").0, Some(0));
    assert_eq!(search("EMEA enterprise").0, Some(1));
}

#[test]
fn enter_on_a_warning_jumps_to_its_path_in_raw() {
    let user = rich_user(VendorKind::FOLDSPACE);
    let mut body: serde_json::Value = serde_json::from_str(user.body).unwrap();
    body["signUpDate"] = serde_json::json!("yesterday");
    let outcome = outcome_from_body(
        VendorKind::FOLDSPACE,
        Lookup::new(user.lookup, user.value),
        &body.to_string(),
    );
    let warning = outcome
        .warnings
        .iter()
        .find(|w| w.starts_with("signUpDate: "))
        .cloned()
        .unwrap();
    let mut app = loaded_with(outcome, true);
    // The warning rows end the Overview: select the one about signUpDate.
    press(&mut app, "G");
    while app
        .profile()
        .unwrap()
        .row(
            Pane::Overview,
            app.profile().unwrap().scroll(Pane::Overview).selected,
            app.clock.wall,
        )
        .unwrap()
        .value
        != warning
    {
        press(&mut app, "k");
    }
    press(&mut app, "<Enter>");
    assert!(app.overlay.is_none(), "no popup repeating the text");
    let view = app.profile().unwrap();
    assert_eq!(view.focus, Pane::Raw);
    assert_eq!(
        view.raw.path(view.raw_selected_line().unwrap()),
        "$.signUpDate"
    );
    assert_eq!(
        app.notice.as_deref(),
        Some("Raw at $.signUpDate (the warning's path)")
    );
}

#[test]
fn enter_on_a_warning_without_a_path_says_so() {
    let mut outcome = rich_outcome(VendorKind::FOLDSPACE);
    outcome.warnings = vec!["the vendor reported errors: boom".to_owned()];
    let mut app = loaded_with(outcome, true);
    let view = app.profile().unwrap();
    let warning_row = (0..view.row_count(Pane::Overview))
        .find(|i| {
            view.row(Pane::Overview, *i, app.clock.wall).unwrap().kind
                == userscope::tui::view::RowKind::Warning
        })
        .unwrap();
    app.profile_mut()
        .unwrap()
        .scroll_mut(Pane::Overview)
        .unwrap()
        .selected = warning_row;
    press(&mut app, "<Enter>");
    assert_eq!(app.profile().unwrap().focus, Pane::Overview);
    assert!(app.overlay.is_none());
    assert_eq!(
        app.notice.as_deref(),
        Some("This warning names no path in the body")
    );
}

/// A lookup's answer arrives with its Raw index built on the lookup's task (so a big body is
/// not indexed on the UI thread): the Raw pane is the one the UI thread would have built.
#[test]
fn an_answer_indexed_off_the_ui_thread_shows_the_same_raw_pane() {
    let vendor = VendorKind::COHO;
    let shown = |index: bool| {
        let outcome = rich_outcome(vendor);
        let mut app = app_with(true);
        while app.selected_vendor() != Some(vendor) {
            press(&mut app, "<Down>");
        }
        let request = submit(&mut app, vendor, &outcome.lookup.value.clone());
        let index = index.then(|| Box::new(userscope::json::index(&outcome.raw)));
        send(
            &mut app,
            Message::LookupDone {
                request,
                result: Box::new(Ok(outcome)),
                index,
            },
        );
        press(&mut app, "7");
        screen_text(&mut app, 120, 40)
    };
    let indexed = shown(true);
    assert!(indexed.contains("\"userProperties\""), "{indexed}");
    assert_eq!(indexed, shown(false));
}
