//! Reviewed snapshots of every screen (start, panes of every vendor, errors, help, dialogs).

use crate::support::*;

#[test]
fn snapshot_start_screen() {
    for (w, h) in SIZES {
        let mut app = app_with(true);
        assert_snapshot(
            format!("start_demo_{w}x{h}"),
            draw(&mut app, w, h).backend(),
        );
        let mut app = app_with(false);
        assert_snapshot(
            format!("start_keys_{w}x{h}"),
            draw(&mut app, w, h).backend(),
        );
    }
}

/// With a stored history (not `--demo`), the empty recent list says where lookups are kept.
#[test]
fn snapshot_start_screen_empty_history_says_where_it_is_kept() {
    let mut app = app_with(false);
    app.load_history("/home/ana/.local/state/userscope/history.json".into(), &[]);
    let terminal = draw(&mut app, 80, 24);
    let text = terminal.backend().to_string();
    assert!(text.contains("│No lookups yet. They are kept in"), "{text}");
    assert!(
        text.contains("│/home/ana/.local/state/userscope/history.json"),
        "{text}"
    );
    assert_snapshot("start_history_empty_80x24", terminal.backend());
}

#[test]
fn snapshot_start_screen_with_recent_lookups_and_spinner() {
    let mut app = app_with(true);
    let r = submit(&mut app, VendorKind::COHO, "u-1001");
    finish(&mut app, r, Ok(rich_outcome(VendorKind::COHO)));
    let r = submit(&mut app, VendorKind::COHO, "nobody");
    finish(
        &mut app,
        r,
        Err(LookupError::NotFound {
            vendor: "Coho",
            message: None,
        }),
    );
    app.clock = clock_at(Duration::from_secs(1));
    submit(&mut app, VendorKind::COHO, "u-1002");
    app.clock = clock_at(Duration::from_millis(2_300));
    assert_snapshot("start_loading_80x24", draw(&mut app, 80, 24).backend());
}

#[test]
fn snapshot_every_pane_of_every_vendor_rich_user() {
    for vendor in VendorKind::all() {
        for (w, h) in SIZES {
            let mut app = loaded(vendor);
            for pane in Pane::ALL {
                app.profile_mut().unwrap().focus = pane;
                let name = format!(
                    "{}_{}_{w}x{h}",
                    vendor.as_str(),
                    pane.title().to_lowercase()
                );
                assert_snapshot(name, draw(&mut app, w, h).backend());
            }
        }
    }
}

/// The Overview dashboard on a wide terminal: beside the pane with most of the profile, and
/// kept on the left (wider) when another pane is focused.
#[test]
fn snapshot_wide_overview_of_every_vendor_rich_user() {
    for vendor in VendorKind::all() {
        let mut app = loaded(vendor);
        for pane in [Pane::Overview, Pane::Request] {
            app.profile_mut().unwrap().focus = pane;
            let name = format!("{}_{}_200x60", vendor.as_str(), pane.title().to_lowercase());
            assert_snapshot(name, draw(&mut app, 200, 60).backend());
        }
    }
}

#[test]
fn snapshot_error_states() {
    let cases: Vec<(&str, VendorKind, LookupError)> = vec![
        (
            "not_found",
            VendorKind::COHO,
            LookupError::NotFound {
                vendor: "Coho",
                message: Some("User not found".to_owned()),
            },
        ),
        ("key_rejected", VendorKind::FOLDSPACE, key_rejected()),
        (
            "no_key",
            VendorKind::CHAKRA,
            LookupError::NoKey {
                connection: "chakra".to_owned(),
                env_var: "USERSCOPE_CHAKRA_API_KEY".to_owned(),
            },
        ),
        (
            "rate_limited",
            VendorKind::VEMETRIC,
            LookupError::RateLimited {
                vendor: "Vemetric",
                retry_in: Some(Duration::from_secs(42)),
                message: Some("Too many requests".to_owned()),
            },
        ),
        (
            "network",
            VendorKind::COHO,
            LookupError::Network {
                host: "app.coho.ai".to_owned(),
                cause: "connection refused".to_owned(),
            },
        ),
        (
            "server",
            VendorKind::USERCOM,
            LookupError::Server {
                vendor: "User.com",
                status: 502,
                message: None,
                excerpt: Some("<html><body>Bad gateway\u{1b}[2J</body></html>".to_owned()),
            },
        ),
        (
            "invalid_body",
            VendorKind::VEMETRIC,
            LookupError::InvalidBody {
                vendor: "Vemetric",
                status: 200,
                cause: "EOF while parsing an object at line 1 column 19".to_owned(),
                excerpt: Some("{\"user\": {\"id\": 12".to_owned()),
            },
        ),
        (
            "timeout",
            VendorKind::CHAKRA,
            LookupError::Timeout {
                host: "api.chakrahq.com".to_owned(),
                after: Duration::from_secs(30),
            },
        ),
    ];
    for (name, vendor, err) in cases {
        for (w, h) in SIZES {
            let mut app = error_app(clone_error(&err), vendor, "u-42");
            assert_snapshot(
                format!("error_{name}_{w}x{h}"),
                draw(&mut app, w, h).backend(),
            );
        }
    }
}

fn clone_error(err: &LookupError) -> LookupError {
    match err {
        LookupError::NotFound { vendor, message } => LookupError::NotFound {
            vendor,
            message: message.clone(),
        },
        LookupError::KeyRejected {
            vendor,
            connection,
            status,
            message,
        } => LookupError::KeyRejected {
            vendor,
            connection: connection.clone(),
            status: *status,
            message: message.clone(),
        },
        LookupError::NoKey {
            connection,
            env_var,
        } => LookupError::NoKey {
            connection: connection.clone(),
            env_var: env_var.clone(),
        },
        LookupError::RateLimited {
            vendor,
            retry_in,
            message,
        } => LookupError::RateLimited {
            vendor,
            retry_in: *retry_in,
            message: message.clone(),
        },
        LookupError::Network { host, cause } => LookupError::Network {
            host: host.clone(),
            cause: cause.clone(),
        },
        LookupError::Server {
            vendor,
            status,
            message,
            excerpt,
        } => LookupError::Server {
            vendor,
            status: *status,
            message: message.clone(),
            excerpt: excerpt.clone(),
        },
        LookupError::InvalidBody {
            vendor,
            status,
            cause,
            excerpt,
        } => LookupError::InvalidBody {
            vendor,
            status: *status,
            cause: cause.clone(),
            excerpt: excerpt.clone(),
        },
        LookupError::Timeout { host, after } => LookupError::Timeout {
            host: host.clone(),
            after: *after,
        },
        other => panic!("not used here: {other}"),
    }
}

#[test]
fn snapshot_help_overlay() {
    for (w, h) in SIZES {
        let mut app = loaded(VendorKind::COHO);
        press(&mut app, "?");
        assert_snapshot(format!("help_{w}x{h}"), draw(&mut app, w, h).backend());
    }
}

#[test]
fn snapshot_key_dialog() {
    for (w, h) in SIZES {
        let mut app = app_with(false);
        // K is typed while in the lookup field; from the recent list it opens the dialog.
        press(&mut app, "K<Tab>K");
        assert_eq!(app.start().unwrap().input.text(), "K");
        press(&mut app, "abcdef");
        assert_snapshot(
            format!("key_dialog_{w}x{h}"),
            draw(&mut app, w, h).backend(),
        );
        let mut demo_app = app_with(true);
        press(&mut demo_app, "<Tab>K");
        assert_snapshot(
            format!("key_dialog_demo_{w}x{h}"),
            draw(&mut demo_app, w, h).backend(),
        );
    }
}

#[test]
fn snapshot_detail_popup_and_not_provided_panes() {
    let mut app = loaded(VendorKind::VEMETRIC);
    press(&mut app, "3");
    let text = screen_text(&mut app, 80, 24);
    assert!(text.contains("Vemetric has no tags"), "{text}");
    press(&mut app, "4");
    assert!(screen_text(&mut app, 80, 24).contains("Vemetric has no segments"));
    press(&mut app, "2<Enter>");
    assert_snapshot("detail_vemetric_80x24", draw(&mut app, 80, 24).backend());

    // A vendor that has tags, a user who has none.
    let sparse = demo::users(VendorKind::USERCOM)
        .iter()
        .find(|u| u.label == "sparse")
        .unwrap();
    let outcome = outcome_from_body(
        VendorKind::USERCOM,
        Lookup::new(sparse.lookup, sparse.value),
        sparse.body,
    );
    assert!(
        outcome.profile.tags.is_empty(),
        "the sparse User.com user has no tags"
    );
    let mut app = loaded_with(outcome, true);
    press(&mut app, "3");
    let text = screen_text(&mut app, 80, 24);
    assert!(text.contains("No tags for this user"), "{text}");
}

#[test]
fn wide_characters_keep_columns_aligned() {
    let mut outcome = rich_outcome(VendorKind::COHO);
    outcome.profile.attributes = vec![
        Field::new("名前", json!("山田 花子 🎉 ".repeat(20))),
        Field::new("city", json!("東京")),
        Field::new("emoji🎉key", json!("OK")),
    ];
    let mut app = loaded_with(outcome, true);
    press(&mut app, "5");
    let terminal = draw(&mut app, 80, 24);
    let buffer = terminal.backend().buffer();
    // The value column starts at the same cell on every row, and the border is intact.
    let value_col = |y: u16| {
        (1..79u16).find(|x| {
            let s = buffer[(*x, y)].symbol();
            s == "山" || s == "東" || s == "O"
        })
    };
    assert_eq!(value_col(4), value_col(5));
    assert_eq!(value_col(5), value_col(6));
    for y in 4..22 {
        assert_eq!(buffer[(79u16, y)].symbol(), "┃", "right border at row {y}");
    }
    let text = terminal.backend().to_string();
    assert!(
        text.contains('…'),
        "long values are truncated with an ellipsis:\n{text}"
    );
    assert_snapshot("wide_chars_80x24", text);
}
