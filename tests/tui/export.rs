//! Export dialog (issue 5 item 4)

use crate::support::*;

#[test]
fn e_exports_the_normalized_profile_or_the_raw_body_under_an_editable_name() {
    use userscope::tui::export::{ExportError, ExportState, write};
    let dir = tempfile::tempdir().unwrap();
    let mut app = loaded(VendorKind::COHO);
    let outcome = app.profile().unwrap().outcome.clone();
    assert!(press(&mut app, "e").is_empty());
    let Some(Overlay::Export(dialog)) = &app.overlay else {
        panic!("e opens the export dialog");
    };
    assert_eq!(dialog.name.text(), "coho-u-1001-20261123-120000.json");
    assert_snapshot("export_dialog_80x24", draw(&mut app, 80, 24).backend());

    // Enter writes the normalized profile: exactly what `get --format json` prints.
    let effects = press(&mut app, "<Enter>");
    let [
        Effect::WriteExport {
            file_name,
            bytes,
            overwrite: false,
        },
    ] = effects.as_slice()
    else {
        panic!("expected a write, got {effects:?}");
    };
    assert_eq!(file_name, "coho-u-1001-20261123-120000.json");
    assert_eq!(
        bytes,
        &userscope::output::render_json(&outcome)
            .unwrap()
            .into_bytes()
    );
    let path = write(dir.path(), file_name, bytes, false).unwrap();
    let written = std::fs::read(&path).unwrap();
    assert_eq!(&written, bytes);
    let text = String::from_utf8(written).unwrap();
    for secret in [
        userscope::vendors::coho::COHO_DEMO_TOKEN,
        userscope::vendors::coho::COHO_DEMO_SECRET,
        "Bearer",
    ] {
        assert!(!text.contains(secret), "{secret} in the export");
    }
    send(&mut app, Message::Exported(Ok(path.clone())));
    assert!(app.overlay.is_none(), "a written export closes the dialog");
    assert!(app.notice.as_deref().unwrap().starts_with("Exported to "));

    // Again, renamed, as the raw body; the name exists, so Enter asks, and Enter again replaces.
    press(&mut app, "e<C-u>same.json<Tab>");
    let effects = press(&mut app, "<Enter>");
    let [Effect::WriteExport { bytes, .. }] = effects.as_slice() else {
        panic!("expected a write, got {effects:?}");
    };
    assert_eq!(bytes.as_slice(), outcome.raw.as_ref());
    write(dir.path(), "same.json", b"old", false).unwrap();
    assert_eq!(
        write(dir.path(), "same.json", bytes, false),
        Err(ExportError::Exists("same.json".to_owned()))
    );
    send(&mut app, Message::ExportExists("same.json".to_owned()));
    let Some(Overlay::Export(dialog)) = &app.overlay else {
        panic!("the dialog stays open");
    };
    assert_eq!(dialog.state, ExportState::ConfirmOverwrite);
    assert!(screen_text(&mut app, 80, 24).contains("same.json exists: Enter replaces it"));
    let effects = press(&mut app, "<Enter>");
    let [
        Effect::WriteExport {
            file_name,
            bytes,
            overwrite: true,
        },
    ] = effects.as_slice()
    else {
        panic!("expected an overwrite, got {effects:?}");
    };
    let path = write(dir.path(), file_name, bytes, true).unwrap();
    assert_eq!(std::fs::read(path).unwrap(), outcome.raw.as_ref());
    // A name with a directory is refused in the dialog.
    press(&mut app, "<Esc>e<C-u>../x.json");
    assert!(press(&mut app, "<Enter>").is_empty());
    let Some(Overlay::Export(dialog)) = &app.overlay else {
        panic!("the dialog stays open");
    };
    assert!(matches!(dialog.state, ExportState::Failed(_)));
}

#[test]
fn the_filter_is_fuzzy_on_key_and_value_and_highlights_the_matched_characters() {
    use ratatui::style::Modifier;
    let mut outcome = rich_outcome(VendorKind::COHO);
    outcome.profile.attributes = vec![
        Field::new("company", json!("Northwind Logistics")),
        Field::new("city", json!("Hamburg")),
        Field::new("plan", json!("enterprise")),
    ];
    let mut app = loaded_with(outcome, true);
    press(&mut app, "5fcmpny");
    let view = app.profile().unwrap();
    assert_eq!(view.row_count(Pane::Attributes), 1);
    // On the value too, several words all matching.
    press(&mut app, "<C-u>nrth lgst");
    let view = app.profile().unwrap();
    assert_eq!(view.row_count(Pane::Attributes), 1);
    press(&mut app, "<C-u>cmpny");
    let terminal = draw(&mut app, 80, 24);
    let text = terminal.backend().to_string();
    assert!(text.contains("Attributes (1 of 3)"), "{text}");
    let buffer = terminal.backend().buffer();
    // Row 4 (first row inside the pane): `company`, with c, m, p, n, y marked.
    let row: String = (1..8u16)
        .map(|x| buffer[(x, 4u16)].symbol().to_owned())
        .collect();
    assert_eq!(row, "company");
    let marked: Vec<bool> = (1..8u16)
        .map(|x| buffer[(x, 4u16)].modifier.contains(Modifier::UNDERLINED))
        .collect();
    assert_eq!(marked, [true, false, true, true, false, true, true]);
    // Esc clears it, and with it the highlight.
    press(&mut app, "<Esc>");
    let terminal = draw(&mut app, 80, 24);
    let buffer = terminal.backend().buffer();
    assert!(!(1..8u16).any(|x| buffer[(x, 4u16)].modifier.contains(Modifier::UNDERLINED)));
    assert_eq!(app.profile().unwrap().row_count(Pane::Attributes), 3);
}
