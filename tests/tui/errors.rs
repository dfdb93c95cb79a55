//! Errors as states: not found, a rejected or missing key (the key dialog), rate limits, signals.

use crate::support::*;

#[test]
fn not_found_keeps_the_lookup_editable() {
    let mut app = app_with(true);
    let request = submit(&mut app, VendorKind::COHO, "u-9999");
    finish(
        &mut app,
        request,
        Err(LookupError::NotFound {
            vendor: "Coho",
            message: Some("User not found".to_owned()),
        }),
    );
    let err = app.lookups.error.as_ref().unwrap();
    assert_eq!(
        (err.kind, err.title.as_str()),
        (ErrorKind::NotFound, "No such user at Coho")
    );
    assert_eq!(
        (app.screen.kind(), app.is_typing()),
        (ScreenKind::Start, true)
    );
    assert_eq!(app.lookups.recent[0].label(), "not found");
    press(&mut app, "<BS>1");
    assert_eq!(app.start().unwrap().input.text(), "u-9991");
}

#[test]
fn rejected_key_opens_a_masked_dialog_that_saves_and_retries() {
    let mut app = app_with(false);
    let request = submit(&mut app, VendorKind::FOLDSPACE, "user-1");
    finish(&mut app, request, Err(key_rejected()));
    assert!(matches!(&app.overlay, Some(Overlay::KeyDialog(d)) if d.state == DialogState::Editing));
    assert!(app.is_typing());
    press(&mut app, "sekret-KEY-123");
    let text = screen_text(&mut app, 80, 24);
    assert!(!text.contains("sekret"), "the key is masked:\n{text}");
    assert!(text.contains("••••••••••••••"), "{text}");
    let effects = press(&mut app, "<Enter>");
    match effects.as_slice() {
        [Effect::SaveKey { connection, key }] => {
            assert_eq!(connection.name, "foldspace");
            assert_eq!(key.expose(), "sekret-KEY-123");
            assert_eq!(format!("{key:?}"), "[redacted]");
        }
        other => panic!("expected SaveKey, got {other:?}"),
    }
    assert!(matches!(&app.overlay, Some(Overlay::KeyDialog(d)) if d.state == DialogState::Saving));
    let effects = send(
        &mut app,
        Message::KeySaved {
            connection: "foldspace".to_owned(),
            result: Ok(()),
        },
    );
    assert!(app.overlay.is_none());
    let (_, lookup, vendor) = started(&effects).expect("the failed lookup is retried");
    assert_eq!(
        (vendor, lookup.value.as_str()),
        (VendorKind::FOLDSPACE, "user-1")
    );
}

#[test]
fn a_failed_save_stays_in_the_dialog() {
    let mut app = app_with(false);
    let request = submit(&mut app, VendorKind::FOLDSPACE, "user-1");
    finish(&mut app, request, Err(key_rejected()));
    press(&mut app, "k<Enter>");
    send(
        &mut app,
        Message::KeySaved {
            connection: "foldspace".to_owned(),
            result: Err("the keyring is locked".to_owned()),
        },
    );
    assert!(
        matches!(&app.overlay, Some(Overlay::KeyDialog(d)) if d.state == DialogState::Failed("the keyring is locked".to_owned()))
    );
    press(&mut app, "<Esc>");
    assert!(app.overlay.is_none());
}

#[test]
fn no_key_opens_the_dialog_too_and_demo_keys_are_explained() {
    let mut app = app_with(false);
    let request = submit(&mut app, VendorKind::CHAKRA, "abc");
    finish(
        &mut app,
        request,
        Err(LookupError::NoKey {
            connection: "chakra".to_owned(),
            env_var: "USERSCOPE_CHAKRA_API_KEY".to_owned(),
        }),
    );
    assert_eq!(app.lookups.error.as_ref().unwrap().kind, ErrorKind::NoKey);
    assert!(matches!(app.overlay, Some(Overlay::KeyDialog(_))));

    let mut demo_app = app_with(true);
    let request = submit(&mut demo_app, VendorKind::FOLDSPACE, "x");
    finish(&mut demo_app, request, Err(key_rejected()));
    assert!(
        matches!(&demo_app.overlay, Some(Overlay::KeyDialog(d)) if d.state == DialogState::DemoFixed)
    );
    assert!(!demo_app.is_typing());
    let effects = press(&mut demo_app, "<Enter>");
    assert!(effects.is_empty());
    assert!(demo_app.overlay.is_none());
}

#[test]
fn rate_limit_counts_down_then_retries() {
    let mut app = app_with(true);
    let request = submit(&mut app, VendorKind::VEMETRIC, "123");
    send(
        &mut app,
        Message::LookupProgress {
            request,
            event: LookupEvent::RateLimitedWaiting {
                wait: Duration::from_secs(7),
                attempt: 1,
            },
        },
    );
    app.clock = clock_at(Duration::from_millis(2_100));
    let text = screen_text(&mut app, 80, 24);
    assert!(
        text.contains("Vemetric rate limited (try 1): retrying in 5 s"),
        "{text}"
    );
    finish(
        &mut app,
        request,
        Err(LookupError::RateLimited {
            vendor: "Vemetric",
            retry_in: Some(Duration::from_secs(30)),
            message: None,
        }),
    );
    assert!(app.animating(), "the countdown ticks");
    app.clock = clock_at(Duration::from_secs(20));
    assert!(send(&mut app, Message::Tick).is_empty());
    let text = screen_text(&mut app, 80, 24);
    assert!(text.contains("Retrying in 13 s"), "{text}");
    app.clock = clock_at(Duration::from_secs(33));
    let effects = send(&mut app, Message::Tick);
    let (_, lookup, vendor) = started(&effects).expect("retried when the countdown ends");
    assert_eq!(
        (vendor, lookup.value.as_str()),
        (VendorKind::VEMETRIC, "123")
    );
}

#[test]
fn terminate_signal_ends_the_app_and_cancels_the_lookup() {
    let mut app = app_with(true);
    let request = submit(&mut app, VendorKind::COHO, "u-1001");
    let effects = send(&mut app, Message::Terminate { exit_code: 143 });
    assert_eq!(app.exit, Some(143));
    assert!(matches!(effects.as_slice(), [Effect::CancelLookup { request: r }] if *r == request));
}

#[test]
fn key_statuses_arrive_after_start() {
    let mut app = app_with(false);
    let effects = app.initial_effects(false);
    assert!(matches!(&effects[..], [Effect::CheckKeys(c)] if c.len() == 5));
    send(
        &mut app,
        Message::KeyStatuses(vec![(
            "chakra".to_owned(),
            KeyStatus::Present(KeyOrigin::Keyring),
        )]),
    );
    assert_eq!(
        app.lookups.connections[3].key,
        KeyStatus::Present(KeyOrigin::Keyring)
    );
    let mut app = app_with(true);
    press(&mut app, "<C-u>u-1004");
    let effects = app.initial_effects(true);
    assert_eq!(
        started(&effects).unwrap().1,
        Lookup::new(LookupKind::Id, "u-1004")
    );
}
