//! All vendors: Enter fans out (one `StartFind` effect), the board fills from the find's
//! events in any order, Esc cancels (later events are stale), Enter opens a profile and Esc
//! comes back to the board as it was, the merged view (`M`, `d`, `f`), the pivot (`g`), the
//! recent lookups, and the board and merged view as reviewed snapshots.

use crate::support::*;

use userscope::config::FindSettings;
use userscope::find::{FindEvent, FindReport, Plan, Query, Row, Status, Target};
use userscope::tui::screens::find::{FindState, MergedShown, Phase};
use userscope::vendors::FindClass;
use userscope::vendors::demo_kit::{EVERYWHERE_EMAIL, EVERYWHERE_ID, everywhere};

/// From the start screen (Coho selected): Up to All vendors, type `value`, Enter.
fn submit_find(app: &mut App, value: &str) -> Vec<Effect> {
    app.start_mut().unwrap().focus = StartFocus::Input;
    while !app.start().unwrap().all_vendors {
        press(app, "<Up>");
    }
    press(app, "<C-u>");
    for c in value.chars() {
        send(app, Message::Key(key(KeyCode::Char(c))));
    }
    press(app, "<Enter>")
}

/// The `StartFind` effect's request, query and targets.
fn started_find(effects: &[Effect]) -> Option<(RequestId, Query, Vec<Target>)> {
    effects.iter().find_map(|e| match e {
        Effect::StartFind {
            request,
            query,
            targets,
        } => Some((*request, query.clone(), targets.clone())),
        _ => None,
    })
}

fn event(app: &mut App, request: RequestId, event: FindEvent) -> Vec<Effect> {
    send(
        app,
        Message::FindProgress {
            request,
            event: Box::new(event),
        },
    )
}

fn board(app: &App) -> &FindState {
    app.find().expect("a find is on")
}

fn words(app: &App) -> Vec<&'static str> {
    board(app)
        .rows
        .iter()
        .map(|r| r.row.status.word())
        .collect()
}

/// The demo person's record at `vendor`, as that lookup would return it.
fn found(vendor: VendorKind, lookup: Lookup, ms: u64) -> Status {
    let body = everywhere(vendor).expect("the demo person is there").body;
    Status::Found {
        elapsed: Duration::from_millis(ms),
        outcome: Box::new(outcome_from_body(vendor, lookup, body)),
    }
}

fn row_of(app: &App, vendor: VendorKind) -> usize {
    board(app)
        .rows
        .iter()
        .position(|r| r.row.vendor == vendor)
        .unwrap()
}

/// A find by the demo person's product ID, planned as the runtime would plan it.
fn planned_app(demo: bool) -> (App, RequestId, Plan) {
    let mut app = app_with(demo);
    let effects = submit_find(&mut app, EVERYWHERE_ID);
    let (request, query, targets) = started_find(&effects).expect("Enter starts a find");
    let plan = Plan::new(query, targets, &FindSettings::default(), true);
    event(&mut app, request, FindEvent::Planned(plan.rows.clone()));
    (app, request, plan)
}

/// Every asked row answers: Coho, Foldspace and Vemetric by ID, User.com by the email
/// followed from Coho; ChakraHQ is skipped.
fn complete_app() -> (App, RequestId) {
    let (mut app, request, plan) = planned_app(true);
    let id = |vendor| plan.rows[row_of(&app, vendor)].lookup.clone().unwrap();
    let ids: Vec<(VendorKind, Lookup, u64)> = [
        (VendorKind::COHO, 41),
        (VendorKind::FOLDSPACE, 52),
        (VendorKind::VEMETRIC, 37),
    ]
    .into_iter()
    .map(|(v, ms)| (v, id(v), ms))
    .collect();
    for (vendor, lookup, ms) in ids {
        let row = row_of(&app, vendor);
        event(&mut app, request, FindEvent::Started { row });
        event(
            &mut app,
            request,
            FindEvent::Finished {
                row,
                status: found(vendor, lookup, ms),
            },
        );
    }
    let usercom = row_of(&app, VendorKind::USERCOM);
    let by_email = Lookup::new(LookupKind::Email, EVERYWHERE_EMAIL);
    event(
        &mut app,
        request,
        FindEvent::FollowUp {
            row: usercom,
            lookup: by_email.clone(),
            via: "email from coho".to_owned(),
        },
    );
    event(&mut app, request, FindEvent::Started { row: usercom });
    event(
        &mut app,
        request,
        FindEvent::Finished {
            row: usercom,
            status: found(VendorKind::USERCOM, by_email, 38),
        },
    );
    let rows: Vec<Row> = board(&app).rows.iter().map(|r| r.row.clone()).collect();
    let report = FindReport::new(board(&app).query.clone(), rows);
    event(&mut app, request, FindEvent::Done(Box::new(report)));
    (app, request)
}

#[test]
fn enter_on_all_vendors_fans_out_once_with_every_connection() {
    let mut app = app_with(true);
    press(&mut app, "<Up>");
    assert!(app.start().unwrap().all_vendors);
    assert_eq!(app.selected_vendor(), None);
    let effects = submit_find(&mut app, "  Mara.Lindqvist@Example.org ");
    assert_eq!(
        effects
            .iter()
            .filter(|e| matches!(e, Effect::StartFind { .. }))
            .count(),
        1
    );
    let (request, query, targets) = started_find(&effects).unwrap();
    assert_eq!(
        query,
        Query {
            value: "Mara.Lindqvist@Example.org".to_owned(),
            class: FindClass::Email
        }
    );
    let names: Vec<&str> = targets.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        ["coho", "usercom", "foldspace", "chakra", "vemetric"]
    );
    assert_eq!(app.screen.kind(), ScreenKind::Find);
    assert_eq!(board(&app).request, request);
    assert!(app.animating(), "the board ticks while it runs");
    // Down from All vendors is the first connection again; Up from it wraps to the last.
    press(&mut app, "<Esc><Esc>");
    assert_eq!(app.screen.kind(), ScreenKind::Start);
    press(&mut app, "<Down>");
    assert_eq!(app.selected_vendor(), Some(VendorKind::COHO));
    press(&mut app, "<Up><Up>");
    assert_eq!(app.selected_vendor(), Some(VendorKind::VEMETRIC));
}

#[test]
fn ctrl_t_chooses_the_class_and_bad_input_sends_nothing() {
    let mut app = app_with(true);
    // An ID (no @) toggled to email is refused before anything is sent.
    press(&mut app, "<Up>");
    assert_eq!(app.start().unwrap().effective_class(), FindClass::Id);
    press(&mut app, "<C-t>");
    assert_eq!(app.start().unwrap().find_class, Some(FindClass::Email));
    let effects = submit_find(&mut app, "acct-7781");
    assert!(started_find(&effects).is_none());
    assert_eq!(app.screen.kind(), ScreenKind::Start);
    assert_eq!(
        app.notice.as_deref(),
        Some("`acct-7781` is not an email (no @); drop --as email to find it as an ID")
    );
    // Toggled back to ID, the same value is a find by ID.
    press(&mut app, "<C-t>");
    let (_, query, _) = started_find(&press(&mut app, "<Enter>")).unwrap();
    assert_eq!(query.class, FindClass::Id);
    // Whitespace only: nothing sent either.
    press(&mut app, "<Esc><Esc>");
    let effects = submit_find(&mut app, "   ");
    assert!(started_find(&effects).is_none());
    assert_eq!(
        app.notice.as_deref(),
        Some("the value to find is empty: give an email or your product's user ID")
    );
}

#[test]
fn the_demo_users_box_offers_the_find_person_under_all_vendors() {
    let mut app = app_with(true);
    press(&mut app, "<Up><Tab>");
    assert_eq!(app.start().unwrap().focus, StartFocus::Users);
    let (_, query, _) = started_find(&press(&mut app, "<Enter>")).unwrap();
    assert_eq!(
        query,
        Query {
            value: EVERYWHERE_EMAIL.to_owned(),
            class: FindClass::Email
        }
    );
}

#[test]
fn rows_fill_in_as_answers_arrive_in_any_order() {
    let (mut app, request, plan) = planned_app(true);
    assert_eq!(
        words(&app),
        ["waiting", "skipped", "waiting", "skipped", "waiting"]
    );
    let vemetric = row_of(&app, VendorKind::VEMETRIC);
    let coho = row_of(&app, VendorKind::COHO);
    let foldspace = row_of(&app, VendorKind::FOLDSPACE);
    // Vemetric answers first, Coho is still running, Foldspace fails.
    for row in [coho, vemetric, foldspace] {
        event(&mut app, request, FindEvent::Started { row });
    }
    let lookup = plan.rows[vemetric].lookup.clone().unwrap();
    event(
        &mut app,
        request,
        FindEvent::Finished {
            row: vemetric,
            status: found(VendorKind::VEMETRIC, lookup, 30),
        },
    );
    event(
        &mut app,
        request,
        FindEvent::Finished {
            row: foldspace,
            status: Status::Error {
                elapsed: Duration::from_millis(12),
                exit_code: 6,
                message: "api.foldspace.io answered 500 Internal Server Error".to_owned(),
            },
        },
    );
    assert_eq!(
        words(&app),
        ["running", "skipped", "error", "skipped", "found"]
    );
    assert_eq!(board(&app).merged.found, 1);
    assert_eq!(board(&app).phase, Phase::Running);
    app.clock = clock_at(Duration::from_millis(1_500));
    let text = screen_text(&mut app, 120, 40);
    assert!(text.contains("Mara Lindqvist"), "{text}");
    assert!(text.contains("api.foldspace.io answered 500"), "{text}");
    assert!(text.contains("2 of 3 asked answered"), "{text}");
    // An event with an index past the rows changes nothing.
    event(&mut app, request, FindEvent::Started { row: 99 });
    assert_eq!(board(&app).rows.len(), 5);
}

#[test]
fn esc_cancels_everything_and_later_events_are_stale() {
    let (mut app, request, plan) = planned_app(true);
    let coho = row_of(&app, VendorKind::COHO);
    event(&mut app, request, FindEvent::Started { row: coho });
    app.clock = clock_at(Duration::from_millis(700));
    let effects = press(&mut app, "<Esc>");
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::CancelLookup { request: r } if *r == request))
    );
    assert_eq!(board(&app).phase, Phase::Cancelled);
    assert_eq!(
        app.screen.kind(),
        ScreenKind::Find,
        "the board stays to be read"
    );
    match &board(&app).rows[coho].row.status {
        Status::Error {
            exit_code, elapsed, ..
        } => assert_eq!((*exit_code, *elapsed), (130, Duration::from_millis(700))),
        other => panic!("{other:?}"),
    }
    assert!(!app.animating());
    // The find's late answer is dropped: the row stays cancelled, nothing is merged.
    let lookup = plan.rows[coho].lookup.clone().unwrap();
    event(
        &mut app,
        request,
        FindEvent::Finished {
            row: coho,
            status: found(VendorKind::COHO, lookup, 900),
        },
    );
    assert_eq!(board(&app).rows[coho].row.status.word(), "error");
    assert_eq!(board(&app).merged.found, 0);
    // The second Esc goes back to the start screen.
    press(&mut app, "<Esc>");
    assert_eq!(app.screen.kind(), ScreenKind::Start);
}

#[test]
fn a_new_find_replaces_the_running_one_whose_events_are_then_dropped() {
    let (mut app, first, _) = planned_app(true);
    press(&mut app, "/");
    let effects = submit_find(&mut app, EVERYWHERE_EMAIL);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::CancelLookup { request } if *request == first))
    );
    let (second, ..) = started_find(&effects).unwrap();
    assert_ne!(first, second);
    event(&mut app, first, FindEvent::Planned(Vec::new()));
    assert_eq!(board(&app).request, second);
    assert!(board(&app).rows.is_empty());
}

#[test]
fn enter_opens_a_found_profile_and_esc_returns_to_the_board_as_it_was() {
    let (mut app, _) = complete_app();
    assert_eq!(board(&app).phase, Phase::Done);
    let foldspace = row_of(&app, VendorKind::FOLDSPACE);
    for _ in 0..foldspace {
        press(&mut app, "j");
    }
    press(&mut app, "<Enter>");
    assert_eq!(app.screen.kind(), ScreenKind::Profile);
    assert_eq!(app.profile().unwrap().outcome.vendor, VendorKind::FOLDSPACE);
    press(&mut app, "3");
    press(&mut app, "<Esc>");
    assert_eq!(app.screen.kind(), ScreenKind::Find);
    assert_eq!(board(&app).selected, foldspace);
    // K on the board is the selected row's connection's key.
    press(&mut app, "K");
    match &app.overlay {
        Some(Overlay::KeyDialog(d)) => assert_eq!(
            app.lookups.connections[d.conn_index].vendor,
            VendorKind::FOLDSPACE
        ),
        other => panic!("{other:?}"),
    }
    press(&mut app, "<Esc>");
    // A skipped row has no profile: Enter says so and stays.
    let chakra = row_of(&app, VendorKind::CHAKRA);
    press(&mut app, "<Home>");
    for _ in 0..chakra {
        press(&mut app, "j");
    }
    press(&mut app, "<Enter>");
    assert_eq!(app.screen.kind(), ScreenKind::Find);
    assert_eq!(
        app.notice.as_deref(),
        Some("chakra has no profile to open (skipped)")
    );
    // Done: Esc goes back to the start screen.
    press(&mut app, "<Esc>");
    assert_eq!(app.screen.kind(), ScreenKind::Start);
}

#[test]
fn merged_view_lists_conflicts_first_and_d_and_f_narrow_it() {
    let (mut app, _) = complete_app();
    press(&mut app, "M");
    let state = board(&app);
    let view = state.merged_view.as_ref().expect("M opens the merged view");
    assert_eq!(state.merged.found, 4);
    let first = view.field(&state.merged, 0).unwrap();
    assert_eq!(first.field, "displayName");
    assert!(!first.agree);
    let names = |app: &App| -> Vec<String> {
        let s = board(app);
        let v = s.merged_view.as_ref().unwrap();
        (0..v.line_count())
            .map(|i| v.field(&s.merged, i).unwrap().field.clone())
            .collect()
    };
    let all = names(&app);
    assert!(all.len() > state.merged.conflicts.len());
    press(&mut app, "d");
    assert_eq!(
        board(&app).merged_view.as_ref().unwrap().shown,
        MergedShown::Conflicts
    );
    assert_eq!(names(&app), board(&app).merged.conflicts);
    assert!(names(&app).contains(&"location.city".to_owned()));
    press(&mut app, "d");
    assert_eq!(names(&app), all);
    // f: a fuzzy filter on field names, kept with Enter, cleared by Esc.
    press(&mut app, "fseats<Enter>");
    assert_eq!(names(&app), ["attributes.seats"]);
    press(&mut app, "<Esc>");
    assert_eq!(names(&app), all);
    // Esc leaves the merged view for the board.
    press(&mut app, "<Esc>");
    assert!(board(&app).merged_view.is_none());
    assert_eq!(app.screen.kind(), ScreenKind::Find);
}

#[test]
fn m_before_anyone_is_found_says_why() {
    let (mut app, ..) = planned_app(true);
    press(&mut app, "M");
    assert!(board(&app).merged_view.is_none());
    assert_eq!(
        app.notice.as_deref(),
        Some("Nobody found yet: the merged view needs a found profile")
    );
}

fn pivot_choice(app: &mut App, vendor: VendorKind) -> (Connection, Lookup) {
    let Some(Overlay::Pivot(pivot)) = &app.overlay else {
        panic!("g opens the pivot picker");
    };
    let index = pivot
        .choices
        .iter()
        .position(|c| app.lookups.connections[c.conn_index].vendor == vendor)
        .unwrap();
    for _ in 0..index {
        press(app, "j");
    }
    let effects = press(app, "<Enter>");
    assert!(app.overlay.is_none());
    effects
        .into_iter()
        .find_map(|e| match e {
            Effect::StartLookup {
                connection, lookup, ..
            } => Some((connection, lookup)),
            _ => None,
        })
        .expect("Enter in the picker starts the lookup")
}

#[test]
fn g_looks_a_value_up_at_the_vendor_picked() {
    // A board row's email, at Vemetric: its email kind is `identifier`.
    let (mut app, _) = complete_app();
    press(&mut app, "g");
    let Some(Overlay::Pivot(pivot)) = &app.overlay else {
        panic!("g opens the pivot picker");
    };
    assert_eq!(pivot.value, EVERYWHERE_EMAIL);
    let (conn, lookup) = pivot_choice(&mut app, VendorKind::VEMETRIC);
    assert_eq!(conn.vendor, VendorKind::VEMETRIC);
    assert_eq!(
        lookup,
        Lookup::new(LookupKind::Identifier, EVERYWHERE_EMAIL)
    );
    // The pivot's result opens in the panes; Esc returns to the board it came from.
    let request = app.lookups.loading.as_ref().unwrap().request;
    let body = everywhere(VendorKind::VEMETRIC).unwrap().body;
    finish(
        &mut app,
        request,
        Ok(outcome_from_body(VendorKind::VEMETRIC, lookup, body)),
    );
    assert_eq!(app.screen.kind(), ScreenKind::Profile);
    press(&mut app, "<Esc>");
    assert_eq!(app.screen.kind(), ScreenKind::Find);

    // A merged-view cell: the selected column's value (User.com's spelling of the name).
    press(&mut app, "M");
    let usercom_column = board(&app)
        .found()
        .iter()
        .position(|r| r.row.vendor == VendorKind::USERCOM)
        .unwrap();
    for _ in 0..usercom_column {
        press(&mut app, "l");
    }
    assert_eq!(
        board(&app).selected_cell().as_deref(),
        Some("Mara Lindquist")
    );
    press(&mut app, "g");
    let (conn, lookup) = pivot_choice(&mut app, VendorKind::COHO);
    assert_eq!(conn.vendor, VendorKind::COHO);
    assert_eq!(lookup, Lookup::new(LookupKind::Id, "Mara Lindquist"));
    // Esc closes the picker without a lookup.
    press(&mut app, "<Esc>");
    press(&mut app, "g<Esc>");
    assert!(app.overlay.is_none());

    // A profile pane row: the email on the Overview, at User.com by email.
    let mut app = loaded(VendorKind::COHO);
    let email = app
        .profile()
        .unwrap()
        .outcome
        .profile
        .email
        .clone()
        .unwrap();
    let rows = app.profile().unwrap().row_count(Pane::Overview);
    let now = app.clock.wall;
    let at = (0..rows)
        .find(|i| {
            app.profile()
                .unwrap()
                .row(Pane::Overview, *i, now)
                .unwrap()
                .value
                == email
        })
        .expect("the Overview shows the email");
    for _ in 0..at {
        press(&mut app, "j");
    }
    press(&mut app, "g");
    let (conn, lookup) = pivot_choice(&mut app, VendorKind::USERCOM);
    assert_eq!(conn.vendor, VendorKind::USERCOM);
    assert_eq!(lookup, Lookup::new(LookupKind::Email, email));
}

#[test]
fn a_find_is_kept_in_the_recent_lookups_and_enter_runs_it_again() {
    let mut app = app_with(false);
    app.load_history("/tmp/userscope-test-history.json".into(), &[]);
    let effects = submit_find(&mut app, EVERYWHERE_ID);
    let (request, query, targets) = started_find(&effects).unwrap();
    let plan = Plan::new(query.clone(), targets, &FindSettings::default(), false);
    let coho = plan
        .rows
        .iter()
        .position(|r| r.vendor == VendorKind::COHO)
        .unwrap();
    let lookup = plan.rows[coho].lookup.clone().unwrap();
    let mut rows = plan.rows.clone();
    rows[coho].status = found(VendorKind::COHO, lookup, 10);
    event(&mut app, request, FindEvent::Planned(plan.rows.clone()));
    let saved = event(
        &mut app,
        request,
        FindEvent::Done(Box::new(FindReport::new(query, rows))),
    );
    let Some(Effect::SaveHistory { entries, .. }) = saved.first() else {
        panic!("the find is saved: {saved:?}");
    };
    assert_eq!(
        (
            entries[0].connection.as_str(),
            entries[0].by,
            entries[0].value.as_str()
        ),
        ("*", LookupKind::Id, EVERYWHERE_ID)
    );
    // Back on the start screen, the recent entry runs the find again.
    press(&mut app, "<Esc>");
    app.start_mut().unwrap().focus = StartFocus::Recent;
    let text = screen_text(&mut app, 80, 24);
    assert!(text.contains("all vendors id acct-7781"), "{text}");
    let (_, again, _) = started_find(&press(&mut app, "<Enter>")).unwrap();
    assert_eq!(
        again,
        Query {
            value: EVERYWHERE_ID.to_owned(),
            class: FindClass::Id
        }
    );
}

/// The board while filling: two found (one a follow-up), one running, one waiting.
fn filling_app() -> App {
    let (mut app, request, plan) = planned_app(true);
    let coho = row_of(&app, VendorKind::COHO);
    let foldspace = row_of(&app, VendorKind::FOLDSPACE);
    let vemetric = row_of(&app, VendorKind::VEMETRIC);
    event(&mut app, request, FindEvent::Started { row: coho });
    event(&mut app, request, FindEvent::Started { row: vemetric });
    let lookup = plan.rows[coho].lookup.clone().unwrap();
    app.clock = clock_at(Duration::from_millis(400));
    event(
        &mut app,
        request,
        FindEvent::Finished {
            row: coho,
            status: found(VendorKind::COHO, lookup, 41),
        },
    );
    let _ = foldspace;
    app.clock = clock_at(Duration::from_millis(1_300));
    app
}

#[test]
fn snapshot_find_board_filling_complete_and_with_errors() {
    for (w, h) in SIZES {
        let mut app = filling_app();
        let terminal = draw(&mut app, w, h);
        assert_clean(&terminal, "filling");
        assert_snapshot(format!("find_board_filling_{w}x{h}"), terminal.backend());

        let (mut app, _) = complete_app();
        assert_snapshot(
            format!("find_board_complete_{w}x{h}"),
            draw(&mut app, w, h).backend(),
        );

        let (mut app, request, _) = planned_app(false);
        for (vendor, status) in [
            (
                VendorKind::COHO,
                Status::Error {
                    elapsed: Duration::from_millis(240),
                    exit_code: 4,
                    message: "Coho rejected the key (HTTP 401): Unauthorized".to_owned(),
                },
            ),
            (
                VendorKind::FOLDSPACE,
                Status::NotFound {
                    elapsed: Duration::from_millis(88),
                },
            ),
            (
                VendorKind::VEMETRIC,
                Status::Error {
                    elapsed: Duration::from_millis(10_000),
                    exit_code: 6,
                    message: "api.vemetric.com did not answer within 10 s\nsecond line".to_owned(),
                },
            ),
        ] {
            let row = row_of(&app, vendor);
            event(&mut app, request, FindEvent::Finished { row, status });
        }
        let rows: Vec<Row> = board(&app).rows.iter().map(|r| r.row.clone()).collect();
        let report = FindReport::new(board(&app).query.clone(), rows);
        event(&mut app, request, FindEvent::Done(Box::new(report)));
        let terminal = draw(&mut app, w, h);
        let text = terminal.backend().to_string();
        assert!(!text.contains("second line"), "one line per error: {text}");
        assert_snapshot(format!("find_board_errors_{w}x{h}"), terminal.backend());
    }
}

#[test]
fn snapshot_find_merged_view() {
    for (w, h) in SIZES {
        let (mut app, _) = complete_app();
        press(&mut app, "M");
        let terminal = draw(&mut app, w, h);
        let text = terminal.backend().to_string();
        assert!(text.contains("≠ displayName"), "{text}");
        assert_snapshot(format!("find_merged_{w}x{h}"), terminal.backend());
    }
    // NO_COLOR: the symbol alone says it.
    let (mut app, _) = complete_app();
    app.theme = Theme {
        color: false,
        ..Theme::default()
    };
    press(&mut app, "M");
    let terminal = draw(&mut app, 80, 24);
    for cell in terminal.backend().buffer().content() {
        assert_eq!(
            (cell.fg, cell.bg),
            (ratatui::style::Color::Reset, ratatui::style::Color::Reset),
            "colour in {:?}",
            cell.symbol()
        );
    }
    assert_snapshot("find_merged_no_color_80x24", styled_screen(&terminal));
}

#[test]
fn hostile_vendor_strings_are_sanitized_on_the_board_and_in_the_merged_view() {
    let (mut app, request, _) = planned_app(true);
    let evil = hostile_outcome();
    let coho = row_of(&app, VendorKind::COHO);
    event(
        &mut app,
        request,
        FindEvent::Finished {
            row: coho,
            status: Status::Found {
                elapsed: Duration::from_millis(3),
                outcome: Box::new(evil),
            },
        },
    );
    let vemetric = row_of(&app, VendorKind::VEMETRIC);
    event(
        &mut app,
        request,
        FindEvent::Finished {
            row: vemetric,
            status: Status::Error {
                elapsed: Duration::ZERO,
                exit_code: 6,
                message: "bad\u{1b}[2J\u{9b}31m\u{202e}".to_owned(),
            },
        },
    );
    for (w, h) in SIZES {
        assert_clean(&draw(&mut app, w, h), "board");
    }
    press(&mut app, "M");
    for (w, h) in SIZES {
        assert_clean(&draw(&mut app, w, h), "merged");
    }
}
