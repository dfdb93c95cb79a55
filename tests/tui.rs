//! The TUI as a specification: key sequences → state (pure `update`, no terminal), and screens
//! drawn on a `TestBackend` compared with reviewed snapshots. Profiles come from the demo
//! fixtures through each adapter's `normalize`, so no network is involved.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::json;
use url::Url;

use userscope::demo;
use userscope::error::LookupError;
use userscope::lookup::{LookupEvent, LookupOutcome, RequestInfo};
use userscope::profile::{Field, Location, Profile, Segment};
use userscope::secrets::KeyOrigin;
use userscope::tui::app::{App, AppInit, Clock, ConnEntry, ErrorKind, ScreenKind, update};
use userscope::tui::message::{Effect, KeyStatus, Message, RequestId};
use userscope::tui::overlays::{Detail, DialogState, Help, Overlay};
use userscope::tui::screens::start::StartFocus;
use userscope::tui::services::demo_hints;
use userscope::tui::ui::{self, theme::Theme};
use userscope::tui::view::Pane;
use userscope::vendor::{Connection, Lookup, LookupKind, VendorKind};

// ---------------------------------------------------------------- harness

fn base_instant() -> Instant {
    static BASE: OnceLock<Instant> = OnceLock::new();
    *BASE.get_or_init(Instant::now)
}

/// A fixed "now" so relative ages in snapshots never change.
fn clock_at(offset: Duration) -> Clock {
    Clock {
        instant: base_instant() + offset,
        wall: Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap(),
    }
}

fn base_url(vendor: VendorKind) -> Url {
    let s = match vendor {
        VendorKind::Usercom => "https://acme.user.com",
        other => other.default_base_url().unwrap(),
    };
    Url::parse(s).unwrap()
}

fn conn(vendor: VendorKind) -> Connection {
    Connection {
        name: vendor.as_str().to_owned(),
        vendor,
        base_url: base_url(vendor),
        auth_url: None,
    }
}

fn app_with(demo: bool) -> App {
    let connections = VendorKind::ALL
        .into_iter()
        .map(|v| ConnEntry {
            name: v.as_str().to_owned(),
            vendor: v,
            connection: Ok(conn(v)),
            key: if demo {
                KeyStatus::Present(KeyOrigin::Demo)
            } else {
                match v {
                    VendorKind::Coho => KeyStatus::Present(KeyOrigin::Keyring),
                    VendorKind::Usercom => {
                        KeyStatus::Present(KeyOrigin::Env("USERSCOPE_USERCOM_API_KEY".to_owned()))
                    }
                    VendorKind::Vemetric => KeyStatus::Error("keyring locked".to_owned()),
                    _ => KeyStatus::Missing,
                }
            },
        })
        .collect();
    let init = AppInit {
        demo,
        connections,
        demo_users: if demo { demo_hints() } else { Vec::new() },
        selected: 0,
        kind: None,
        input: String::new(),
        theme: Theme::default(),
        keymap: Default::default(),
    };
    let mut app = App::new(init, clock_at(Duration::ZERO));
    send(
        &mut app,
        Message::Resize {
            width: 80,
            height: 24,
        },
    );
    app
}

fn send(app: &mut App, message: Message) -> Vec<Effect> {
    update(app, message)
}

fn mouse(kind: MouseEventKind, column: u16, row: u16) -> MouseEvent {
    MouseEvent {
        kind,
        column,
        row,
        modifiers: KeyModifiers::NONE,
    }
}

fn mouse_click(column: u16, row: u16) -> MouseEvent {
    mouse(MouseEventKind::Down(MouseButton::Left), column, row)
}

fn mouse_wheel_down(column: u16, row: u16) -> MouseEvent {
    mouse(MouseEventKind::ScrollDown, column, row)
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

/// `"jj<Tab>G<Esc>"` → key events; `<...>` names a special key.
fn keys(spec: &str) -> Vec<KeyEvent> {
    let mut out = Vec::new();
    let mut chars = spec.chars();
    while let Some(c) = chars.next() {
        if c != '<' {
            out.push(key(KeyCode::Char(c)));
            continue;
        }
        let name: String = chars.by_ref().take_while(|c| *c != '>').collect();
        out.push(match name.as_str() {
            "Tab" => key(KeyCode::Tab),
            "BackTab" => KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT),
            "Enter" => key(KeyCode::Enter),
            "Esc" => key(KeyCode::Esc),
            "Up" => key(KeyCode::Up),
            "Down" => key(KeyCode::Down),
            "PgUp" => key(KeyCode::PageUp),
            "PgDn" => key(KeyCode::PageDown),
            "Home" => key(KeyCode::Home),
            "End" => key(KeyCode::End),
            "BS" => key(KeyCode::Backspace),
            "C-c" => ctrl('c'),
            "C-t" => ctrl('t'),
            "C-u" => ctrl('u'),
            "C-f" => ctrl('f'),
            "Left" => key(KeyCode::Left),
            "Right" => key(KeyCode::Right),
            other => panic!("unknown key <{other}>"),
        });
    }
    out
}

fn press(app: &mut App, spec: &str) -> Vec<Effect> {
    keys(spec)
        .into_iter()
        .flat_map(|k| send(app, Message::Key(k)))
        .collect()
}

fn started(effects: &[Effect]) -> Option<(RequestId, Lookup, VendorKind)> {
    effects.iter().find_map(|e| match e {
        Effect::StartLookup {
            request,
            lookup,
            connection,
        } => Some((*request, lookup.clone(), connection.vendor)),
        _ => None,
    })
}

fn rich_user(vendor: VendorKind) -> &'static demo::DemoUser {
    demo::users(vendor)
        .iter()
        .find(|u| u.label == "rich")
        .unwrap()
}

/// What `Lookuper::run` would return for this body, built offline with the adapter.
fn outcome_from_body(vendor: VendorKind, lookup: Lookup, body: &str) -> LookupOutcome {
    let normalized = vendor
        .adapter()
        .normalize(serde_json::from_str(body).unwrap())
        .unwrap();
    let url = vendor
        .adapter()
        .build_request(&conn(vendor), &lookup)
        .unwrap()
        .url;
    LookupOutcome {
        vendor,
        connection: vendor.as_str().to_owned(),
        lookup,
        request: RequestInfo {
            method: "GET".to_owned(),
            url: url.to_string(),
            status: 200,
            elapsed_ms: 87,
            response_headers: vec![
                ("content-type".to_owned(), "application/json".to_owned()),
                ("x-ratelimit-remaining".to_owned(), "99".to_owned()),
                ("set-cookie".to_owned(), "session=abc".to_owned()),
            ],
            request_headers: vec![("authorization".to_owned(), "Bearer [redacted]".to_owned())],
        },
        profile: normalized.profile,
        raw: bytes::Bytes::copy_from_slice(body.as_bytes()),
        warnings: normalized.warnings,
        origin: userscope::lookup::Origin::Request,
    }
}

fn rich_outcome(vendor: VendorKind) -> LookupOutcome {
    let user = rich_user(vendor);
    outcome_from_body(vendor, Lookup::new(user.lookup, user.value), user.body)
}

/// Select `vendor`, type `value`, press Enter; returns the request id the lookup got.
fn submit(app: &mut App, vendor: VendorKind, value: &str) -> RequestId {
    if app.screen.kind() != ScreenKind::Start {
        // `/` opens the lookup form from the profile.
        press(app, "/");
    }
    app.start_mut().unwrap().focus = StartFocus::Input;
    while app.selected_vendor() != Some(vendor) {
        press(app, "<Down>");
    }
    press(app, "<C-u>");
    let mut effects = Vec::new();
    for c in value.chars() {
        effects.extend(send(app, Message::Key(key(KeyCode::Char(c)))));
    }
    effects.extend(press(app, "<Enter>"));
    started(&effects).expect("Enter starts a lookup").0
}

fn finish(
    app: &mut App,
    request: RequestId,
    result: Result<LookupOutcome, LookupError>,
) -> Vec<Effect> {
    send(
        app,
        Message::LookupDone {
            request,
            result: Box::new(result),
        },
    )
}

fn loaded_with(outcome: LookupOutcome, demo: bool) -> App {
    let mut app = app_with(demo);
    while app.selected_vendor() != Some(outcome.vendor) {
        press(&mut app, "<Down>");
    }
    app.start_mut().unwrap().kind = outcome.lookup.by;
    let request = submit(&mut app, outcome.vendor, &outcome.lookup.value.clone());
    finish(&mut app, request, Ok(outcome));
    assert_eq!(app.screen.kind(), ScreenKind::Profile);
    app
}

fn loaded(vendor: VendorKind) -> App {
    loaded_with(rich_outcome(vendor), true)
}

fn draw(app: &mut App, width: u16, height: u16) -> Terminal<TestBackend> {
    send(app, Message::Resize { width, height });
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| ui::render(app, f)).unwrap();
    terminal
}

fn screen_text(app: &mut App, width: u16, height: u16) -> String {
    draw(app, width, height).backend().to_string()
}

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

// ---------------------------------------------------------------- update: movements

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
    let mut app = loaded(VendorKind::Coho);
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
    let mut app = loaded(VendorKind::Coho);
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
            ("g", Pane::Properties, 0),
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

    let mut app = loaded(VendorKind::Chakra);
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
        (Some(VendorKind::Usercom), LookupKind::Key)
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
        (Some(VendorKind::Chakra), LookupKind::Id)
    );
    press(&mut app, "<Down><C-t>");
    assert_eq!(
        (app.selected_vendor(), app.start().unwrap().kind),
        (Some(VendorKind::Vemetric), LookupKind::Identifier)
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
    assert_eq!(vendor, VendorKind::Usercom);
    assert_eq!(lookup, Lookup::new(LookupKind::Email, "zoe@example.com"));
    assert!(app.lookups.loading.is_some());
    // The UI keeps working while the request is in flight.
    press(&mut app, "x<BS>");
    assert_eq!(app.start().unwrap().input.text(), " zoe@example.com ");
    finish(&mut app, request, Ok(rich_outcome(VendorKind::Usercom)));
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
    assert_eq!(app.notice.as_deref(), Some("Type a id to look up first"));
}

#[test]
fn esc_cancels_and_the_late_result_is_dropped() {
    let mut app = app_with(true);
    let request = submit(&mut app, VendorKind::Coho, "u-1001");
    let effects = press(&mut app, "<Esc>");
    assert!(matches!(effects.as_slice(), [Effect::CancelLookup { request: r }] if *r == request));
    assert!(app.lookups.loading.is_none());
    finish(&mut app, request, Ok(rich_outcome(VendorKind::Coho)));
    assert!(
        app.profile().is_none(),
        "a cancelled lookup's result must not show"
    );
    assert_eq!(app.screen.kind(), ScreenKind::Start);
}

#[test]
fn a_new_lookup_replaces_the_running_one() {
    let mut app = app_with(true);
    let first = submit(&mut app, VendorKind::Coho, "u-1002");
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
    finish(&mut app, second, Ok(rich_outcome(VendorKind::Coho)));
    assert_eq!(app.screen.kind(), ScreenKind::Profile);
}

#[test]
fn slash_opens_the_lookup_from_the_profile_and_esc_returns() {
    let mut app = loaded(VendorKind::Foldspace);
    press(&mut app, "4/");
    assert_eq!(
        (
            app.screen.kind(),
            app.start().unwrap().focus,
            app.is_typing()
        ),
        (ScreenKind::Start, StartFocus::Input, true)
    );
    press(&mut app, "<Esc>");
    assert_eq!(app.screen.kind(), ScreenKind::Profile);
    assert_eq!(app.profile().unwrap().focus, Pane::Segments);
}

#[test]
fn help_overlay_opens_scrolls_and_closes() {
    let mut app = loaded(VendorKind::Coho);
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
    let mut outcome = rich_outcome(VendorKind::Coho);
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
    let mut app = loaded(VendorKind::Coho);
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
    // Vendor list starts at row 1 (title) + 1 (border); ChakraHQ is the 4th.
    let click = mouse_click(5, 5);
    send(&mut app, Message::Mouse(click));
    assert_eq!(
        (app.selected_vendor(), app.start().unwrap().focus),
        (Some(VendorKind::Chakra), StartFocus::Vendors)
    );
}

// ---------------------------------------------------------------- update: errors as states

#[test]
fn not_found_keeps_the_lookup_editable() {
    let mut app = app_with(true);
    let request = submit(&mut app, VendorKind::Coho, "u-9999");
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

fn key_rejected() -> LookupError {
    LookupError::KeyRejected {
        vendor: "Foldspace",
        connection: "foldspace".to_owned(),
        status: 401,
        message: Some("Unauthorized".to_owned()),
    }
}

#[test]
fn rejected_key_opens_a_masked_dialog_that_saves_and_retries() {
    let mut app = app_with(false);
    let request = submit(&mut app, VendorKind::Foldspace, "user-1");
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
        (VendorKind::Foldspace, "user-1")
    );
}

#[test]
fn a_failed_save_stays_in_the_dialog() {
    let mut app = app_with(false);
    let request = submit(&mut app, VendorKind::Foldspace, "user-1");
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
    let request = submit(&mut app, VendorKind::Chakra, "abc");
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
    let request = submit(&mut demo_app, VendorKind::Foldspace, "x");
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
    let request = submit(&mut app, VendorKind::Vemetric, "123");
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
        (VendorKind::Vemetric, "123")
    );
}

#[test]
fn terminate_signal_ends_the_app_and_cancels_the_lookup() {
    let mut app = app_with(true);
    let request = submit(&mut app, VendorKind::Coho, "u-1001");
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

// ---------------------------------------------------------------- snapshots

#[test]
fn snapshot_start_screen() {
    for (w, h) in SIZES {
        let mut app = app_with(true);
        insta::assert_snapshot!(
            format!("start_demo_{w}x{h}"),
            draw(&mut app, w, h).backend()
        );
        let mut app = app_with(false);
        insta::assert_snapshot!(
            format!("start_keys_{w}x{h}"),
            draw(&mut app, w, h).backend()
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
    insta::assert_snapshot!("start_history_empty_80x24", terminal.backend());
}

#[test]
fn snapshot_start_screen_with_recent_lookups_and_spinner() {
    let mut app = app_with(true);
    let r = submit(&mut app, VendorKind::Coho, "u-1001");
    finish(&mut app, r, Ok(rich_outcome(VendorKind::Coho)));
    let r = submit(&mut app, VendorKind::Coho, "nobody");
    finish(
        &mut app,
        r,
        Err(LookupError::NotFound {
            vendor: "Coho",
            message: None,
        }),
    );
    app.clock = clock_at(Duration::from_secs(1));
    submit(&mut app, VendorKind::Coho, "u-1002");
    app.clock = clock_at(Duration::from_millis(2_300));
    insta::assert_snapshot!("start_loading_80x24", draw(&mut app, 80, 24).backend());
}

#[test]
fn snapshot_every_pane_of_every_vendor_rich_user() {
    for vendor in VendorKind::ALL {
        for (w, h) in SIZES {
            let mut app = loaded(vendor);
            for pane in Pane::ALL {
                app.profile_mut().unwrap().focus = pane;
                let name = format!(
                    "{}_{}_{w}x{h}",
                    vendor.as_str(),
                    pane.title().to_lowercase()
                );
                insta::assert_snapshot!(name, draw(&mut app, w, h).backend());
            }
        }
    }
}

fn error_app(err: LookupError, vendor: VendorKind, value: &str) -> App {
    let mut app = app_with(false);
    let request = submit(&mut app, vendor, value);
    finish(&mut app, request, Err(err));
    app
}

#[test]
fn snapshot_error_states() {
    let cases: Vec<(&str, VendorKind, LookupError)> = vec![
        (
            "not_found",
            VendorKind::Coho,
            LookupError::NotFound {
                vendor: "Coho",
                message: Some("User not found".to_owned()),
            },
        ),
        ("key_rejected", VendorKind::Foldspace, key_rejected()),
        (
            "no_key",
            VendorKind::Chakra,
            LookupError::NoKey {
                connection: "chakra".to_owned(),
                env_var: "USERSCOPE_CHAKRA_API_KEY".to_owned(),
            },
        ),
        (
            "rate_limited",
            VendorKind::Vemetric,
            LookupError::RateLimited {
                vendor: "Vemetric",
                retry_in: Some(Duration::from_secs(42)),
                message: Some("Too many requests".to_owned()),
            },
        ),
        (
            "network",
            VendorKind::Coho,
            LookupError::Network {
                host: "app.coho.ai".to_owned(),
                cause: "connection refused".to_owned(),
            },
        ),
        (
            "server",
            VendorKind::Usercom,
            LookupError::Server {
                vendor: "User.com",
                status: 502,
                message: None,
                excerpt: Some("<html><body>Bad gateway\u{1b}[2J</body></html>".to_owned()),
            },
        ),
        (
            "invalid_body",
            VendorKind::Vemetric,
            LookupError::InvalidBody {
                vendor: "Vemetric",
                status: 200,
                cause: "EOF while parsing an object at line 1 column 19".to_owned(),
                excerpt: Some("{\"user\": {\"id\": 12".to_owned()),
            },
        ),
        (
            "timeout",
            VendorKind::Chakra,
            LookupError::Timeout {
                host: "api.chakrahq.com".to_owned(),
                after: Duration::from_secs(30),
            },
        ),
    ];
    for (name, vendor, err) in cases {
        for (w, h) in SIZES {
            let mut app = error_app(clone_error(&err), vendor, "u-42");
            insta::assert_snapshot!(
                format!("error_{name}_{w}x{h}"),
                draw(&mut app, w, h).backend()
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
        let mut app = loaded(VendorKind::Coho);
        press(&mut app, "?");
        insta::assert_snapshot!(format!("help_{w}x{h}"), draw(&mut app, w, h).backend());
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
        insta::assert_snapshot!(
            format!("key_dialog_{w}x{h}"),
            draw(&mut app, w, h).backend()
        );
        let mut demo_app = app_with(true);
        press(&mut demo_app, "<Tab>K");
        insta::assert_snapshot!(
            format!("key_dialog_demo_{w}x{h}"),
            draw(&mut demo_app, w, h).backend()
        );
    }
}

#[test]
fn snapshot_detail_popup_and_not_provided_panes() {
    let mut app = loaded(VendorKind::Vemetric);
    press(&mut app, "3");
    let text = screen_text(&mut app, 80, 24);
    assert!(text.contains("Vemetric has no tags"), "{text}");
    press(&mut app, "4");
    assert!(screen_text(&mut app, 80, 24).contains("Vemetric has no segments"));
    press(&mut app, "2<Enter>");
    insta::assert_snapshot!("detail_vemetric_80x24", draw(&mut app, 80, 24).backend());

    // A vendor that has tags, a user who has none.
    let sparse = demo::users(VendorKind::Usercom)
        .iter()
        .find(|u| u.label == "sparse")
        .unwrap();
    let outcome = outcome_from_body(
        VendorKind::Usercom,
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

fn many_attributes(n: usize) -> LookupOutcome {
    let mut outcome = rich_outcome(VendorKind::Coho);
    outcome.profile.attributes = (0..n)
        .map(|i| Field::new(format!("attr-{i}"), json!(i)))
        .collect();
    outcome
}

#[test]
fn wide_characters_keep_columns_aligned() {
    let mut outcome = rich_outcome(VendorKind::Coho);
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
    insta::assert_snapshot!("wide_chars_80x24", text);
}

// ---------------------------------------------------------------- hostile strings

fn hostile_outcome() -> LookupOutcome {
    let evil = "Eve\u{1b}[2J\u{1b}]52;c;ZXZpbA==\u{7}\r\u{202e}gnp.exe\u{9b}31m\u{0}";
    let body = json!({
        "userProperties": {"userId": evil, "name": evil, "email": evil},
        "tags": {evil: evil},
    })
    .to_string();
    let profile = Profile {
        id: Some(evil.to_owned()),
        display_name: Some(evil.to_owned()),
        email: Some(evil.to_owned()),
        kind: Some(evil.to_owned()),
        properties: vec![
            Field::new(evil, json!(evil)),
            Field::new("line\nbreak", json!("a\r\nb")),
        ],
        tags: vec![Field::new(evil, json!(evil))],
        segments: vec![Segment {
            id: Some(evil.to_owned()),
            name: Some(evil.to_owned()),
            details: vec![Field::new(evil, json!({evil: evil}))],
        }],
        attributes: vec![Field::new(evil, json!([evil]))],
        location: Location {
            city: Some(evil.to_owned()),
            timezone: Some(evil.to_owned()),
            ..Location::default()
        },
    };
    LookupOutcome {
        vendor: VendorKind::Coho,
        connection: "coho".to_owned(),
        lookup: Lookup::new(LookupKind::Id, evil),
        request: RequestInfo {
            method: "GET".to_owned(),
            url: "https://app.coho.ai/api/data/user/x".to_owned(),
            status: 200,
            elapsed_ms: 3,
            response_headers: vec![(evil.to_owned(), evil.to_owned())],
            request_headers: vec![],
        },
        profile,
        raw: bytes::Bytes::from(body),
        warnings: vec![evil.to_owned()],
        origin: userscope::lookup::Origin::Request,
    }
}

fn is_dangerous(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[track_caller]
fn assert_clean(terminal: &Terminal<TestBackend>, what: &str) {
    for cell in terminal.backend().buffer().content() {
        let bad: Vec<char> = cell.symbol().chars().filter(|c| is_dangerous(*c)).collect();
        assert!(
            bad.is_empty(),
            "{what}: control character {bad:?} in a cell"
        );
    }
}

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
    insta::assert_snapshot!("hostile_overview_80x24", text);
    // The lookup screen shows the hostile value in the recent list and input.
    press(&mut app, "/");
    assert_clean(&draw(&mut app, 80, 24), "start screen");
    let err = LookupError::Server {
        vendor: "Coho",
        status: 500,
        message: Some("\u{1b}[31mboom\u{202e}".to_owned()),
        excerpt: Some("\u{1b}]52;c;x\u{7}".to_owned()),
    };
    let mut app = error_app(err, VendorKind::Coho, "x\u{1b}");
    assert_clean(&draw(&mut app, 80, 24), "error state");
}

#[test]
fn no_color_theme_uses_no_colours_but_still_marks_focus() {
    use ratatui::style::{Color, Modifier};
    let mut app = loaded(VendorKind::Coho);
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
    let mut app = loaded(VendorKind::Coho);
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
        let request = submit(&mut app, VendorKind::Coho, "u-1");
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
    let mut profile = loaded(VendorKind::Usercom);
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
    let mut app = loaded(VendorKind::Coho);
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
    press(&mut app, "<Esc>7f");
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
        (VendorKind::Coho, Lookup::new(LookupKind::Id, "u-1002"))
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

// ---- History, profile cache and copy (issue 5 items 3 and 5) ----

fn saved_history(
    effects: &[Effect],
) -> Option<(std::path::PathBuf, Vec<userscope::history::Entry>)> {
    effects.iter().rev().find_map(|e| match e {
        Effect::SaveHistory { path, entries } => Some((path.clone(), entries.clone())),
        _ => None,
    })
}

#[test]
fn the_history_file_holds_lookups_and_outcomes_but_never_the_key_or_the_payload() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.json");
    let mut app = app_with(false);
    app.load_history(path.clone(), &[]);
    const KEY: &str = "fs-RECOGNIZABLE-KEY-7f3a9c";
    // A rejected key, then the key typed into the dialog, saved, and the lookup retried.
    let request = submit(&mut app, VendorKind::Foldspace, "user-1");
    let effects = finish(&mut app, request, Err(key_rejected()));
    let (_, entries) = saved_history(&effects).expect("a finished lookup saves the history");
    assert_eq!(
        entries[0].outcome,
        userscope::history::Outcome::Error {
            kind: "HTTP 401".to_owned()
        }
    );
    userscope::history::save(&path, &entries).unwrap();
    let mut effects = Vec::new();
    for c in KEY.chars() {
        effects.extend(send(&mut app, Message::Key(key(KeyCode::Char(c)))));
    }
    effects.extend(press(&mut app, "<Enter>"));
    assert!(matches!(effects.as_slice(), [Effect::SaveKey { .. }]));
    let effects = send(
        &mut app,
        Message::KeySaved {
            connection: "foldspace".to_owned(),
            result: Ok(()),
        },
    );
    let (retry, _, _) = started(&effects).expect("the failed lookup is retried");
    let outcome = rich_outcome(VendorKind::Coho);
    let request = submit(&mut app, VendorKind::Coho, &outcome.lookup.value.clone());
    let _ = finish(&mut app, retry, Err(LookupError::Cancelled));
    let effects = finish(&mut app, request, Ok(outcome.clone()));
    let (saved_to, entries) = saved_history(&effects).unwrap();
    assert_eq!(saved_to, path);
    userscope::history::save(&path, &entries).unwrap();

    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        !text.contains(KEY),
        "the key leaked into the history:\n{text}"
    );
    assert!(!text.contains("RECOGNIZABLE"), "{text}");
    // Nothing from the vendor's answer either: not the name, not the e-mail.
    assert!(!text.contains("Hannah"), "{text}");
    assert!(!text.contains("northwind"), "{text}");
    let stored = userscope::history::load(&path);
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[0].value, outcome.lookup.value);
    assert_eq!(stored[0].outcome, userscope::history::Outcome::Ok);
    assert_eq!(stored[1].value, "user-1");
    assert_eq!(stored[1].connection, "foldspace");
}

#[test]
fn stored_history_is_listed_newest_first_and_enter_reruns_it() {
    let dir = tempfile::tempdir().unwrap();
    let entry = |value: &str, outcome| userscope::history::Entry {
        connection: "usercom".to_owned(),
        vendor: VendorKind::Usercom,
        by: LookupKind::Email,
        value: value.to_owned(),
        at: Utc.with_ymd_and_hms(2026, 11, 20, 9, 30, 0).unwrap(),
        outcome,
    };
    let mut app = app_with(false);
    app.load_history(
        dir.path().join("history.json"),
        &[
            entry("zoe@example.com", userscope::history::Outcome::Ok),
            entry("old@example.com", userscope::history::Outcome::NotFound),
        ],
    );
    press(&mut app, "<Tab>");
    assert_eq!(app.start().unwrap().focus, StartFocus::Recent);
    let screen = screen_text(&mut app, 120, 40);
    assert!(
        screen.contains("11-20 09:30 usercom email zoe@example.com → found"),
        "{screen}"
    );
    assert!(screen.contains("old@example.com → not found"), "{screen}");
    let effects = press(&mut app, "j<Enter>");
    let (_, lookup, vendor) = started(&effects).expect("Enter re-runs the lookup");
    assert_eq!(vendor, VendorKind::Usercom);
    assert_eq!(lookup, Lookup::new(LookupKind::Email, "old@example.com"));
}

#[test]
fn d_twice_on_the_recent_list_clears_the_history() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.json");
    let mut app = app_with(false);
    app.load_history(path.clone(), &[]);
    let request = submit(&mut app, VendorKind::Coho, "u-1");
    finish(
        &mut app,
        request,
        Err(LookupError::NotFound {
            vendor: "Coho",
            message: None,
        }),
    );
    assert_eq!(app.lookups.recent.len(), 1);
    // On the input field `D` is typed.
    press(&mut app, "D");
    assert_eq!(app.start().unwrap().input.text(), "u-1D");
    press(&mut app, "<Tab>D");
    assert_eq!(app.lookups.recent.len(), 1, "the first D only asks");
    assert_eq!(
        app.notice.as_deref(),
        Some("Press D again to clear all 1 recent lookups")
    );
    // Anything else in between cancels the question.
    press(&mut app, "j");
    assert!(press(&mut app, "D").is_empty());
    assert_eq!(app.lookups.recent.len(), 1);
    let effects = press(&mut app, "D");
    assert!(app.lookups.recent.is_empty());
    match effects.as_slice() {
        [Effect::ClearHistory { path: p }] => assert_eq!(p, &path),
        other => panic!("expected ClearHistory, got {other:?}"),
    }
    assert_eq!(app.notice.as_deref(), Some("Cleared 1 recent lookups"));
}

#[test]
fn a_recent_lookup_seen_this_session_opens_instantly_from_the_cache_and_r_refreshes() {
    let mut app = loaded(VendorKind::Coho);
    let value = app.lookups.recent[0].lookup.value.clone();
    // The profile left behind looks at the Properties pane; the one from the cache is new.
    press(&mut app, "2<Esc>");
    assert_eq!(app.screen.kind(), ScreenKind::Start);
    assert_eq!(app.profile().unwrap().focus, Pane::Properties);
    let effects = press(&mut app, "<Tab><Tab><Enter>");
    assert_eq!(app.start().unwrap().focus, StartFocus::Input);
    assert!(started(&effects).is_none(), "no request: {effects:?}");
    assert_eq!(app.screen.kind(), ScreenKind::Profile);
    assert_eq!(app.profile().unwrap().focus, Pane::Overview);
    let view = app.profile().unwrap();
    assert_eq!(view.outcome.lookup.value, value);
    let notice = app.notice.clone().unwrap();
    assert!(notice.starts_with("Cached result from "), "{notice}");
    assert!(notice.ends_with("r refreshes"), "{notice}");
    let effects = press(&mut app, "r");
    let (_, lookup, _) = started(&effects).expect("r looks it up again");
    assert_eq!(lookup.value, value);
}

#[test]
fn shift_y_copies_the_key_path_and_c_the_whole_profile_json() {
    let mut app = loaded(VendorKind::Coho);
    press(&mut app, "5");
    let effects = press(&mut app, "Y");
    let Some(Effect::Copy(path)) = effects.first() else {
        panic!("expected a copy, got {effects:?}");
    };
    let view = app.profile().unwrap();
    let first = view
        .row(Pane::Attributes, 0, Utc::now())
        .unwrap()
        .key
        .trim()
        .to_owned();
    assert_eq!(path, &format!("attributes.{first}"));
    assert_eq!(
        app.notice.as_deref(),
        Some(format!("Copied key path attributes.{first}").as_str())
    );
    let expected = userscope::output::render_json(&app.profile().unwrap().outcome).unwrap();
    app.clipboard_warning = Some("this terminal (linux) has no OSC 52 clipboard".to_owned());
    let effects = press(&mut app, "c");
    match effects.as_slice() {
        [Effect::Copy(json)] => assert_eq!(json, &expected),
        other => panic!("expected a copy, got {other:?}"),
    }
    assert_eq!(
        app.notice.clone().unwrap(),
        format!(
            "Copied the whole profile as JSON ({} bytes) (but this terminal (linux) has no OSC 52 clipboard)",
            expected.len()
        )
    );
}

// ---------------------------------------------------------------- Raw pane as a JSON tree

/// 25 pretty lines: 0 `{`, 1 `"userProperties": {`, 4 `"city"`, 5 `"first name"`,
/// 6 `"properties": {`, 10 `"tags": [`, 12/15/18 `"key"`, 21 `"calculatedProperties": {`, 24 `}`.
const TREE_BODY: &str = r#"{"userProperties": {"userId": "u-1", "name": "Ada", "city": "Oslo", "first name": "Ada", "properties": {"plan": "pro"}}, "tags": [{"key": "a"}, {"key": "b"}, {"key": "vip"}], "calculatedProperties": {"score": 7}}"#;

fn tree_app() -> App {
    let outcome = outcome_from_body(
        VendorKind::Coho,
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
    let outcome = outcome_from_body(VendorKind::Coho, Lookup::new(LookupKind::Id, "u-1"), &body);
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
    let outcome = outcome_from_body(VendorKind::Coho, Lookup::new(LookupKind::Id, "u-1"), body);
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
    let mut app = loaded(VendorKind::Coho);
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
        let mut app = loaded(VendorKind::Coho);
        press(&mut app, "7H");
        insta::assert_snapshot!(
            format!("raw_tree_folded_{w}x{h}"),
            draw(&mut app, w, h).backend()
        );
        let mut app = loaded(VendorKind::Coho);
        press(&mut app, "7Hs^\"(city|plan)\"$<Enter>n");
        insta::assert_snapshot!(
            format!("raw_tree_search_{w}x{h}"),
            draw(&mut app, w, h).backend()
        );
    }
}

// ---- Themes (issue 5 item 6) ----

/// The screen's text, then the same grid with one letter per distinct style and the legend, so
/// a snapshot shows the colours too (the plain `TestBackend` text would look the same in every
/// theme).
fn styled_screen(terminal: &Terminal<TestBackend>) -> String {
    let buffer = terminal.backend().buffer();
    let area = buffer.area;
    let mut styles: Vec<(
        ratatui::style::Color,
        ratatui::style::Color,
        ratatui::style::Modifier,
    )> = Vec::new();
    let mut grid = String::new();
    for y in 0..area.height {
        for x in 0..area.width {
            let cell = &buffer[(x, y)];
            let style = (cell.fg, cell.bg, cell.modifier);
            let index = match styles.iter().position(|s| *s == style) {
                Some(i) => i,
                None => {
                    styles.push(style);
                    styles.len() - 1
                }
            };
            let letters = b"._abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
            grid.push(char::from(*letters.get(index).unwrap_or(&b'?')));
        }
        grid.push('\n');
    }
    let legend: Vec<String> = styles
        .iter()
        .enumerate()
        .map(|(i, (fg, bg, m))| {
            let letters = b"._abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
            format!(
                "{} fg={fg:?} bg={bg:?} mod={m:?}",
                char::from(*letters.get(i).unwrap_or(&b'?'))
            )
        })
        .collect();
    format!("{}\n{grid}\n{}", terminal.backend(), legend.join("\n"))
}

#[test]
fn snapshot_light_and_high_contrast_themes() {
    use userscope::tui::ui::theme::ThemeName;
    for name in [ThemeName::Light, ThemeName::HighContrast] {
        let theme = Theme { color: true, name };
        let mut app = app_with(true);
        app.theme = theme;
        insta::assert_snapshot!(
            format!("theme_{}_start_80x24", name.as_str()),
            styled_screen(&draw(&mut app, 80, 24))
        );
        let mut app = loaded(VendorKind::Coho);
        app.theme = theme;
        press(&mut app, "2j");
        insta::assert_snapshot!(
            format!("theme_{}_profile_80x24", name.as_str()),
            styled_screen(&draw(&mut app, 80, 24))
        );
    }
}

// ---- Export dialog (issue 5 item 4) ----

#[test]
fn e_exports_the_normalized_profile_or_the_raw_body_under_an_editable_name() {
    use userscope::tui::export::{ExportError, ExportState, write};
    let dir = tempfile::tempdir().unwrap();
    let mut app = loaded(VendorKind::Coho);
    let outcome = app.profile().unwrap().outcome.clone();
    assert!(press(&mut app, "e").is_empty());
    let Some(Overlay::Export(dialog)) = &app.overlay else {
        panic!("e opens the export dialog");
    };
    assert_eq!(dialog.name.text(), "coho-u-1001-20261123-120000.json");
    insta::assert_snapshot!("export_dialog_80x24", draw(&mut app, 80, 24).backend());

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
        userscope::demo::COHO_DEMO_TOKEN,
        userscope::demo::COHO_DEMO_SECRET,
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
    let mut outcome = rich_outcome(VendorKind::Coho);
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

// ---- Compare two profiles (issue 5 item 7) ----

use userscope::compare::Status as CmpStatus;
use userscope::tui::screens::compare::{CompareView, Shown, Stage as CmpStage, ViewLine};

/// Coho's rich user as side A, compared with User.com's rich user picked from the cache.
fn compare_app() -> App {
    let mut app = loaded(VendorKind::Usercom);
    let coho = rich_outcome(VendorKind::Coho);
    let request = submit(&mut app, VendorKind::Coho, "u-1001");
    finish(&mut app, request, Ok(coho));
    assert_eq!(app.screen.kind(), ScreenKind::Profile);
    press(&mut app, "C<Down><Enter>");
    assert_eq!(app.screen.kind(), ScreenKind::Compare);
    app
}

fn compared(app: &App) -> &CompareView {
    app.compare()
        .and_then(|c| c.ready())
        .expect("the comparison is open")
}

/// The key and status of the selected row.
fn compare_selected(app: &App) -> (String, CmpStatus) {
    let row = compared(app).selected_row().expect("a row is selected");
    (row.key.clone(), row.status)
}

#[test]
fn compare_picks_side_b_from_the_profile_cache() {
    let mut app = loaded(VendorKind::Usercom);
    let request = submit(&mut app, VendorKind::Coho, "u-1001");
    finish(&mut app, request, Ok(rich_outcome(VendorKind::Coho)));
    let effects = press(&mut app, "C");
    assert!(effects.is_empty());
    assert_eq!(app.screen.kind(), ScreenKind::Compare);
    // The picker offers every cached profile but side A itself.
    let offered: Vec<String> = app
        .compare()
        .unwrap()
        .candidates(&app.lookups)
        .iter()
        .map(|c| c.lookup.value.clone())
        .collect();
    assert_eq!(offered, ["g3FaYocCy0U6"]);
    assert!(matches!(
        app.compare().unwrap().stage,
        CmpStage::Picking { cursor: 0 }
    ));
    // Picking from the cache starts no lookup: the comparison opens at once.
    let effects = press(&mut app, "<Down><Enter>");
    assert!(effects.is_empty(), "{effects:?}");
    let view = compared(&app);
    assert_eq!(
        (view.cmp.a.vendor, view.cmp.b.vendor),
        (VendorKind::Coho, VendorKind::Usercom)
    );
    assert_eq!(
        view.cmp.verdict,
        "Different email · different name · 7 differ · 42 only in Coho · 47 only in User.com"
    );
    // The first row, not the Identity heading, is selected.
    assert_eq!(
        compare_selected(&app),
        ("ID".to_owned(), CmpStatus::Differs)
    );
    // The profile on show is still side A.
    assert_eq!(app.profile().unwrap().outcome.vendor, VendorKind::Coho);
}

#[test]
fn compare_runs_a_new_lookup_for_side_b_and_keeps_the_profile() {
    let mut app = loaded(VendorKind::Coho);
    press(&mut app, "C<Enter>");
    assert_eq!(app.screen.kind(), ScreenKind::Start);
    assert_eq!(app.start().unwrap().focus, StartFocus::Input);
    assert!(app.awaiting_side_b());
    // The start screen says what the lookup is for.
    let text = screen_text(&mut app, 80, 24);
    assert!(text.contains("COMPARE"), "{text}");
    let request = submit(&mut app, VendorKind::Usercom, "g3FaYocCy0U6");
    let effects = finish(&mut app, request, Ok(rich_outcome(VendorKind::Usercom)));
    // Recorded like any lookup (history), but the result opens the comparison.
    assert!(
        effects.is_empty()
            || effects
                .iter()
                .all(|e| matches!(e, Effect::SaveHistory { .. }))
    );
    assert_eq!(app.screen.kind(), ScreenKind::Compare);
    assert_eq!(compared(&app).cmp.b.vendor, VendorKind::Usercom);
    assert_eq!(
        app.profile().unwrap().outcome.vendor,
        VendorKind::Coho,
        "side A stays the profile"
    );
    assert_eq!(app.lookups.cache.len(), 2, "side B is cached too");
    assert_eq!(
        app.lookups.recent.first().unwrap().lookup.value,
        "g3FaYocCy0U6"
    );
    // A recent lookup that is cached opens the comparison from the cache as well.
    press(&mut app, "C<Enter>");
    app.start_mut().unwrap().focus = StartFocus::Recent;
    app.start_mut().unwrap().list_cursor = 0;
    let effects = press(&mut app, "<Enter>");
    assert!(started(&effects).is_none(), "no new request: {effects:?}");
    assert_eq!(app.screen.kind(), ScreenKind::Compare);
    assert_eq!(compared(&app).cmp.b.lookup.value, "g3FaYocCy0U6");
}

#[test]
fn compare_esc_backs_out_one_step_at_a_time() {
    let mut app = loaded(VendorKind::Coho);
    // Picker → profile.
    press(&mut app, "C");
    press(&mut app, "<Esc>");
    assert_eq!(app.screen.kind(), ScreenKind::Profile);
    assert!(app.compare().is_none());
    // Compare-mode lookup → picker → profile.
    press(&mut app, "C<Enter>");
    assert_eq!(app.screen.kind(), ScreenKind::Start);
    press(&mut app, "<Esc>");
    assert_eq!(app.screen.kind(), ScreenKind::Compare);
    assert!(matches!(
        app.compare().unwrap().stage,
        CmpStage::Picking { .. }
    ));
    press(&mut app, "<Esc>");
    assert_eq!(app.screen.kind(), ScreenKind::Profile);
    // A normal lookup afterwards replaces the profile as usual.
    let request = submit(&mut app, VendorKind::Usercom, "g3FaYocCy0U6");
    finish(&mut app, request, Ok(rich_outcome(VendorKind::Usercom)));
    assert_eq!(app.screen.kind(), ScreenKind::Profile);
    assert_eq!(app.profile().unwrap().outcome.vendor, VendorKind::Usercom);
    // A failed side-B lookup stays on the start screen, still in compare mode.
    let mut app = loaded(VendorKind::Coho);
    press(&mut app, "C<Enter>");
    let request = submit(&mut app, VendorKind::Coho, "nobody");
    finish(
        &mut app,
        request,
        Err(LookupError::NotFound {
            vendor: "Coho",
            message: None,
        }),
    );
    assert_eq!(app.screen.kind(), ScreenKind::Start);
    assert!(app.awaiting_side_b());
    // Comparison: Esc clears the filter first, then returns to side A's profile.
    let mut app = compare_app();
    press(&mut app, "fcity<Enter>");
    assert_eq!(compared(&app).filter.as_deref(), Some("city"));
    press(&mut app, "<Esc>");
    assert_eq!(compared(&app).filter, None);
    press(&mut app, "<Esc>");
    assert_eq!(app.screen.kind(), ScreenKind::Profile);
    assert!(app.compare().is_none());
}

#[test]
fn compare_d_cycles_differences_and_conflicts_and_keeps_the_selection() {
    let mut app = compare_app();
    let all = compared(&app).line_count();
    // 100 rows under 5 headings.
    assert_eq!(all, 105);
    press(&mut app, "jjj");
    // Kind is the same on both sides: `d` moves on to the next listed row.
    assert_eq!(compare_selected(&app), ("Kind".to_owned(), CmpStatus::Same));
    press(&mut app, "d");
    let view = compared(&app);
    assert_eq!(view.shown, Shown::Differences);
    assert_eq!(view.line_count(), 99 + 5);
    assert_eq!(
        compare_selected(&app),
        ("Continent".to_owned(), CmpStatus::OnlyA)
    );
    assert_eq!(
        app.notice.as_deref(),
        Some("Listing differences only (≠ ◀ ▶): 99 rows")
    );
    press(&mut app, "d");
    let view = compared(&app);
    assert_eq!(view.shown, Shown::Conflicts);
    // ID, name, email, Country, City and the 5 field conflicts, under 3 headings.
    assert_eq!(view.line_count(), 10 + 3);
    assert!((0..view.line_count()).all(|i| match view.line(i).unwrap() {
        ViewLine::Row(r) => view.row(r).unwrap().status == CmpStatus::Differs,
        ViewLine::Heading(_) => true,
    }));
    assert_eq!(
        compare_selected(&app),
        ("Country".to_owned(), CmpStatus::Differs)
    );
    press(&mut app, "G");
    assert_eq!(
        compare_selected(&app),
        ("mrr ~ MRR".to_owned(), CmpStatus::Differs)
    );
    press(&mut app, "d");
    assert_eq!(compared(&app).shown, Shown::All);
    assert_eq!(compared(&app).line_count(), all);
    assert_eq!(compare_selected(&app).0, "mrr ~ MRR");
}

#[test]
fn compare_moves_skip_headings_and_page() {
    let mut app = compare_app();
    // Down from Kind steps over the Location heading.
    press(&mut app, "jjj");
    assert_eq!(compare_selected(&app).0, "Kind");
    press(&mut app, "j");
    assert_eq!(compare_selected(&app).0, "Continent");
    press(&mut app, "k");
    assert_eq!(compare_selected(&app).0, "Kind");
    press(&mut app, "G");
    assert_eq!(compare_selected(&app).0, "Product updates");
    press(&mut app, "g");
    assert_eq!(compare_selected(&app).0, "ID");
    // Up at the top stays on the first row (the heading above it is not selectable).
    press(&mut app, "k");
    assert_eq!(compare_selected(&app).0, "ID");
    press(&mut app, "<PgDn>");
    let page = usize::from(userscope::tui::screens::compare::view::body_rows(app.size));
    // From line 1 (ID) one page down; that line is a row, not a heading.
    assert_eq!(compared(&app).selected, 1 + page);
    // The filter narrows as it is typed, on keys and on both values.
    press(&mut app, "fkrak");
    let view = compared(&app);
    assert_eq!(view.line_count(), 2, "the Location heading and City");
    assert_eq!(compare_selected(&app).0, "City");
    press(&mut app, "<C-u>rotterdam<Enter>");
    assert_eq!(compare_selected(&app).0, "City");
    assert!(compared(&app).filter_edit.is_none());
}

#[test]
fn compare_enter_shows_both_values_and_y_copies_the_row() {
    let mut app = compare_app();
    press(&mut app, "fbilling<Enter>");
    assert_eq!(compare_selected(&app).0, "billing");
    press(&mut app, "<Enter>");
    match &app.overlay {
        Some(Overlay::Detail(Detail { title, lines, .. })) => {
            assert_eq!(title, "billing");
            assert_eq!(
                lines,
                &[
                    "◀ only A",
                    "",
                    "A · Coho (coho) · attributes.billing",
                    "{",
                    "  \"cycle\": \"annual\",",
                    "  \"currency\": \"EUR\"",
                    "}",
                    "",
                    "B · User.com (usercom) · ",
                    "(absent)",
                ]
            );
        }
        other => panic!("expected the detail popup, got {other:?}"),
    }
    assert_clean(&draw(&mut app, 80, 24), "detail");
    press(&mut app, "<Esc>");
    assert!(app.overlay.is_none());
    assert_eq!(app.screen.kind(), ScreenKind::Compare);
    press(&mut app, "<Esc>fcompany<Enter>");
    let effects = press(&mut app, "y");
    let copied: Vec<&String> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Copy(text) => Some(text),
            _ => None,
        })
        .collect();
    assert_eq!(
        copied,
        [&"≠ company ~ Company (differs)\n\
           A · Coho (coho) [attributes.company]: Northwind Logistics\n\
           B · User.com (usercom) [attributes.Company]: BrightPath Sp. z o.o."
            .to_owned()]
    );
    assert_eq!(
        app.notice,
        Some(format!(
            "Copied {} characters to the clipboard: company ~ Company in both profiles",
            copied[0].chars().count()
        ))
    );
}

#[test]
fn compare_keys_follow_the_key_table_and_config() {
    use userscope::tui::keymap::{Action, Context, KeyMap};
    let tui: userscope::config::TuiSettings =
        toml::from_str("[keys]\ncompare = \"=\"\ndiff_only = \"x\"\nfilter = \"F\"\n").unwrap();
    let mut app = loaded(VendorKind::Coho);
    app.keymap = KeyMap::with_overrides(&tui).unwrap();
    press(&mut app, "C");
    assert_eq!(app.screen.kind(), ScreenKind::Profile, "C is rebound");
    press(&mut app, "=");
    assert_eq!(app.screen.kind(), ScreenKind::Compare);
    let text = screen_text(&mut app, 80, 24);
    assert!(text.contains("Compare with… (0 in memory)"), "{text}");
    // The help lists the Compare screen's keys as bound.
    let rows = app.keymap.help_rows();
    assert!(
        rows.iter()
            .any(|(c, k, h)| *c == Context::Compare && k == "x" && h.starts_with("list all rows"))
    );
    assert!(
        rows.iter()
            .any(|(c, k, _)| *c == Context::Compare && k == "F")
    );
    assert!(
        rows.iter()
            .any(|(c, k, _)| *c == Context::Profile && k == "F")
    );
    assert_eq!(app.keymap.key_for(Action::Compare), "=");
}

#[test]
fn snapshot_compare_screens() {
    let mut app = compare_app();
    for (w, h) in SIZES {
        insta::assert_snapshot!(
            format!("compare_coho_vs_usercom_{w}x{h}"),
            screen_text(&mut app, w, h)
        );
    }
    press(&mut app, "dd");
    insta::assert_snapshot!(
        "compare_conflicts_only_120x40",
        screen_text(&mut app, 120, 40)
    );
    press(&mut app, "C");
    insta::assert_snapshot!("compare_picker_80x24", screen_text(&mut app, 80, 24));
}

#[test]
fn compare_without_colour_marks_rows_by_symbol() {
    use ratatui::style::Color;
    let mut app = compare_app();
    app.theme = Theme {
        color: false,
        ..Theme::default()
    };
    press(&mut app, "jj");
    let terminal = draw(&mut app, 80, 24);
    for cell in terminal.backend().buffer().content() {
        assert_eq!(
            (cell.fg, cell.bg),
            (Color::Reset, Color::Reset),
            "colour in {:?}",
            cell.symbol()
        );
    }
    insta::assert_snapshot!("compare_no_color_80x24", styled_screen(&terminal));
}

#[test]
fn compare_hostile_strings_never_reach_the_buffer() {
    let mut app = loaded_with(hostile_outcome(), true);
    let request = submit(&mut app, VendorKind::Coho, "u-1001");
    finish(&mut app, request, Ok(rich_outcome(VendorKind::Coho)));
    // Side A is the rich Coho user; the picker lists the hostile one.
    press(&mut app, "C");
    for (w, h) in SIZES {
        assert_clean(&draw(&mut app, w, h), "picker");
    }
    press(&mut app, "<Down><Enter>");
    assert_eq!(app.screen.kind(), ScreenKind::Compare);
    let lines = compared(&app).line_count();
    assert!(lines > 10);
    for (w, h) in SIZES {
        assert_clean(&draw(&mut app, w, h), "comparison");
    }
    for _ in 0..lines {
        press(&mut app, "<Enter>");
        assert_clean(&draw(&mut app, 80, 24), "detail");
        press(&mut app, "<Esc>j");
    }
    // Copies are sanitized too.
    press(&mut app, "g");
    for _ in 0..lines {
        for effect in press(&mut app, "yj") {
            if let Effect::Copy(text) = effect {
                assert!(
                    !text.chars().any(|c| is_dangerous(c) && c != '\n'),
                    "{text:?}"
                );
            }
        }
    }
    press(&mut app, "f\u{1b}x");
    assert_clean(&draw(&mut app, 80, 24), "filter");
}

#[test]
fn compare_handles_100k_attributes_per_side() {
    let n = 100_000;
    let a = many_attributes(n);
    let mut b = many_attributes(n);
    // Every tenth value differs; `attr-0` is only in A and `extra` only in B.
    for (i, f) in b.profile.attributes.iter_mut().enumerate() {
        if i % 10 == 0 {
            f.value = json!(i + 1);
        }
    }
    b.profile.attributes.remove(0);
    b.profile.attributes.push(Field::new("extra", json!(1)));
    b.lookup = Lookup::new(LookupKind::Id, "u-other");
    let mut app = loaded_with(b, true);
    let request = submit(&mut app, VendorKind::Coho, "u-1001");
    finish(&mut app, request, Ok(a));
    press(&mut app, "C<Down><Enter>");
    let counts = compared(&app).cmp.counts;
    assert_eq!(counts.differs, n / 10 - 1);
    assert_eq!((counts.only_a, counts.only_b), (1, 1));
    draw(&mut app, 120, 40);
    press(&mut app, "dd");
    // Conflicts only: the heading and every `≠` row.
    let conflicts = compared(&app).line_count();
    assert_eq!(conflicts, n / 10 - 1 + 1);
    press(&mut app, "fattr-9999");
    draw(&mut app, 120, 40);
    let filtered = compared(&app).line_count();
    assert!(
        0 < filtered && filtered < conflicts,
        "the filter narrows the conflicts: {filtered} of {conflicts}"
    );
}

// ---------------------------------------------------------------- `userscope open`: identity first

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
    let identity = userscope::open::load_identity(bytes, VendorKind::Coho, "coho", path).unwrap();
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
    insta::assert_snapshot!(
        "open_identity_first_80x24",
        draw(&mut app, 80, 24).backend()
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
        vendor: VendorKind::Coho,
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
