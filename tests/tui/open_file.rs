//! `userscope open`: identity first

use crate::support::*;

/// A saved Coho payload with more members than the sample keeps, so the first screen (from
/// the sample) and the full one differ. Only its name is shown (the bytes are passed in).
fn big_coho_file() -> (std::path::PathBuf, bytes::Bytes) {
    let properties: serde_json::Map<String, serde_json::Value> = (0..500)
        .map(|i| (format!("p{i:03}"), serde_json::json!(i)))
        .collect();
    let body = serde_json::json!({
        "userProperties": {"userId": "u-big", "name": "Big File", "email": "big@example.com",
                           "city": "Oslo", "properties": properties},
        "tags": [{"key": "vip", "value": "yes"}]
    });
    let bytes = bytes::Bytes::from(serde_json::to_vec(&body).unwrap());
    (std::path::PathBuf::from("saved/big.json"), bytes)
}

fn opening_app(bytes: &bytes::Bytes, path: &std::path::Path) -> App {
    let identity = userscope::open::load_identity(bytes, VendorKind::COHO, "coho", path).unwrap();
    assert_eq!(identity.request.url, path.display().to_string());
    let mut app = app_with(false);
    app.show_profile(userscope::tui::view::ProfileView::loading(
        identity,
        "Loading the rest of the file (6 KB)…".to_owned(),
    ));
    app
}

#[test]
fn an_opened_file_shows_who_it_is_first_then_every_pane() {
    let (file, bytes) = big_coho_file();
    let mut app = opening_app(&bytes, &file);
    // The identity is there; no count pretends to be final while the rest loads.
    let view = app.profile().unwrap();
    assert_eq!(
        view.outcome.profile.display_name.as_deref(),
        Some("Big File")
    );
    assert_eq!(
        view.outcome.profile.email.as_deref(),
        Some("big@example.com")
    );
    assert!(view.outcome.profile.attributes.is_empty());
    let text = screen_text(&mut app, 80, 24);
    assert!(text.contains("Attributes    loading…"), "{text}");
    assert!(text.contains("Tags          loading…"), "{text}");
    assert!(!text.contains("No tags"), "{text}");
    assert_snapshot(
        "open_identity_first_80x24",
        draw(&mut app, 80, 24).backend(),
    );
    // Panes say the file is loading rather than "none"; acting on them waits.
    press(&mut app, "5");
    let text = screen_text(&mut app, 80, 24);
    assert!(
        text.contains("Loading the rest of the file (6 KB)…"),
        "{text}"
    );
    assert!(
        press(&mut app, "c").is_empty(),
        "no copy of a half-read profile"
    );
    assert_eq!(
        app.notice.as_deref(),
        Some("Loading the rest of the file (6 KB)…")
    );
    press(&mut app, "<Down><Down>");
    // The full view arrives: same pane, every section filled, selection kept in range.
    let full = userscope::tui::view::load_view(userscope::open::FileJob {
        bytes: bytes.clone(),
        vendor: VendorKind::COHO,
        connection: "coho".to_owned(),
        path: file.clone(),
    })
    .unwrap();
    send(
        &mut app,
        Message::FileLoaded(Box::new(userscope::tui::message::LoadedFile(Ok(full)))),
    );
    let view = app.profile().unwrap();
    assert!(view.loading.is_none());
    assert_eq!(view.focus, Pane::Attributes);
    assert_eq!(view.outcome.profile.attributes.len(), 500);
    assert_eq!(view.outcome.profile.tags.len(), 1);
    assert_eq!(
        view.scroll(Pane::Attributes).selected,
        0,
        "nothing to keep yet"
    );
    let text = screen_text(&mut app, 80, 24);
    assert!(text.contains("p000"), "{text}");
    press(&mut app, "1");
    let text = screen_text(&mut app, 80, 24);
    assert!(text.contains("Attributes    500"), "{text}");
}

#[test]
fn a_file_that_fails_to_load_fully_ends_with_the_reason() {
    let (file, bytes) = big_coho_file();
    let mut app = opening_app(&bytes, &file);
    let error = userscope::open::OpenError::NotJson {
        path: "big.json".to_owned(),
        cause: "EOF while parsing".to_owned(),
    };
    send(
        &mut app,
        Message::FileLoaded(Box::new(userscope::tui::message::LoadedFile(Err(error)))),
    );
    assert_eq!(app.exit, Some(6));
    assert_eq!(
        app.exit_note.as_deref(),
        Some("big.json is not JSON: EOF while parsing")
    );
}

#[test]
fn compare_rows_are_selected_by_a_click_and_a_second_click_opens_them() {
    let mut app = compare_app();
    let text = screen_text(&mut app, 120, 40);
    // Find the drawn row of "Email" (the first line of the snapshot text is row 0).
    let email_row = text
        .lines()
        .position(|l| l.contains("≠ Email"))
        .expect("the Email row is on screen");
    let click = |row: usize| mouse_click(10, u16::try_from(row).unwrap());
    send(&mut app, Message::Mouse(click(email_row)));
    assert_eq!(compare_selected(&app).0, "Email");
    assert!(app.overlay.is_none(), "a first click only selects");
    send(&mut app, Message::Mouse(click(email_row)));
    assert!(
        matches!(app.overlay, Some(Overlay::Detail(_))),
        "a second click opens both values"
    );
    press(&mut app, "<Esc>");
    // A click on the header lines above the list changes nothing.
    send(&mut app, Message::Mouse(click(1)));
    assert_eq!(compare_selected(&app).0, "Email");
    assert!(app.overlay.is_none());
}
