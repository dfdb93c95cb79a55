//! The harness shared by every module of this binary: building an app, sending keys and
//! messages, finishing lookups, drawing on a `TestBackend`, the snapshot assertion, and the
//! helpers more than one area uses.

pub(crate) use chrono::{TimeZone, Utc};
pub(crate) use crossterm::event::{
    KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
pub(crate) use ratatui::Terminal;
pub(crate) use ratatui::backend::TestBackend;
pub(crate) use serde_json::json;
pub(crate) use std::sync::OnceLock;
pub(crate) use std::time::{Duration, Instant};
pub(crate) use url::Url;
pub(crate) use userscope::demo;
pub(crate) use userscope::error::LookupError;
pub(crate) use userscope::lookup::{LookupEvent, LookupOutcome, RequestInfo};
pub(crate) use userscope::profile::{Field, Location, Profile, Segment};
pub(crate) use userscope::secrets::KeyOrigin;
pub(crate) use userscope::tui::app::{
    App, AppInit, Clock, ConnEntry, ErrorKind, ScreenKind, update,
};
pub(crate) use userscope::tui::message::{Effect, KeyStatus, Message, RequestId};
pub(crate) use userscope::tui::overlays::{Detail, DialogState, Help, Overlay};
pub(crate) use userscope::tui::screens::start::StartFocus;
pub(crate) use userscope::tui::services::demo_hints;
pub(crate) use userscope::tui::ui::{self, theme::Theme};
pub(crate) use userscope::tui::view::Pane;
pub(crate) use userscope::vendors::{Connection, Lookup, LookupKind, VendorKind};

pub(crate) use userscope::compare::Status as CmpStatus;
pub(crate) use userscope::tui::screens::compare::{
    CompareView, Shown, Stage as CmpStage, ViewLine,
};

/// Every snapshot of this binary under the name and in the folder it has always had
/// (`tests/snapshots/tui__NAME.snap`), whichever module asserts it: insta would otherwise put
/// each module's snapshots in its own folder, under a longer name.
pub(crate) fn assert_snapshot(name: impl Into<String>, value: impl std::fmt::Display) {
    let name = format!("tui__{}", name.into());
    let value = value.to_string();
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!(name, value));
}

pub(crate) fn base_instant() -> Instant {
    static BASE: OnceLock<Instant> = OnceLock::new();
    *BASE.get_or_init(Instant::now)
}

/// A fixed "now" so relative ages in snapshots never change.
pub(crate) fn clock_at(offset: Duration) -> Clock {
    Clock {
        instant: base_instant() + offset,
        wall: Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap(),
    }
}

pub(crate) fn base_url(vendor: VendorKind) -> Url {
    let s = match vendor {
        VendorKind::USERCOM => "https://acme.user.com",
        other => other.default_base_url().unwrap(),
    };
    Url::parse(s).unwrap()
}

pub(crate) fn conn(vendor: VendorKind) -> Connection {
    Connection {
        name: vendor.as_str().to_owned(),
        vendor,
        base_url: base_url(vendor),
        auth_url: None,
    }
}

pub(crate) fn app_with(demo: bool) -> App {
    let connections = VendorKind::all()
        .map(|v| ConnEntry {
            name: v.as_str().to_owned(),
            vendor: v,
            connection: Ok(conn(v)),
            key: if demo {
                KeyStatus::Present(KeyOrigin::Demo)
            } else {
                match v {
                    VendorKind::COHO => KeyStatus::Present(KeyOrigin::Keyring),
                    VendorKind::USERCOM => {
                        KeyStatus::Present(KeyOrigin::Env("USERSCOPE_USERCOM_API_KEY".to_owned()))
                    }
                    VendorKind::VEMETRIC => KeyStatus::Error("keyring locked".to_owned()),
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

pub(crate) fn send(app: &mut App, message: Message) -> Vec<Effect> {
    update(app, message)
}

pub(crate) fn mouse(kind: MouseEventKind, column: u16, row: u16) -> MouseEvent {
    MouseEvent {
        kind,
        column,
        row,
        modifiers: KeyModifiers::NONE,
    }
}

pub(crate) fn mouse_click(column: u16, row: u16) -> MouseEvent {
    mouse(MouseEventKind::Down(MouseButton::Left), column, row)
}

pub(crate) fn mouse_wheel_down(column: u16, row: u16) -> MouseEvent {
    mouse(MouseEventKind::ScrollDown, column, row)
}

pub(crate) fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

pub(crate) fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

/// `"jj<Tab>G<Esc>"` → key events; `<...>` names a special key.
pub(crate) fn keys(spec: &str) -> Vec<KeyEvent> {
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
            "C-w" => ctrl('w'),
            "C-a" => ctrl('a'),
            "C-e" => ctrl('e'),
            "C-l" => ctrl('l'),
            "M-BS" => KeyEvent::new(KeyCode::Backspace, KeyModifiers::ALT),
            "Left" => key(KeyCode::Left),
            "Right" => key(KeyCode::Right),
            other => panic!("unknown key <{other}>"),
        });
    }
    out
}

pub(crate) fn press(app: &mut App, spec: &str) -> Vec<Effect> {
    keys(spec)
        .into_iter()
        .flat_map(|k| send(app, Message::Key(k)))
        .collect()
}

pub(crate) fn started(effects: &[Effect]) -> Option<(RequestId, Lookup, VendorKind)> {
    effects.iter().find_map(|e| match e {
        Effect::StartLookup {
            request,
            lookup,
            connection,
        } => Some((*request, lookup.clone(), connection.vendor)),
        _ => None,
    })
}

pub(crate) fn rich_user(vendor: VendorKind) -> &'static demo::DemoUser {
    demo::users(vendor)
        .iter()
        .find(|u| u.label == "rich")
        .unwrap()
}

/// What `Lookuper::run` would return for this body, built offline with the adapter.
pub(crate) fn outcome_from_body(vendor: VendorKind, lookup: Lookup, body: &str) -> LookupOutcome {
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

pub(crate) fn rich_outcome(vendor: VendorKind) -> LookupOutcome {
    let user = rich_user(vendor);
    outcome_from_body(vendor, Lookup::new(user.lookup, user.value), user.body)
}

/// Select `vendor`, type `value`, press Enter; returns the request id the lookup got.
pub(crate) fn submit(app: &mut App, vendor: VendorKind, value: &str) -> RequestId {
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

pub(crate) fn finish(
    app: &mut App,
    request: RequestId,
    result: Result<LookupOutcome, LookupError>,
) -> Vec<Effect> {
    send(
        app,
        Message::LookupDone {
            request,
            result: Box::new(result),
            index: None,
        },
    )
}

pub(crate) fn loaded_with(outcome: LookupOutcome, demo: bool) -> App {
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

pub(crate) fn loaded(vendor: VendorKind) -> App {
    loaded_with(rich_outcome(vendor), true)
}

pub(crate) fn draw(app: &mut App, width: u16, height: u16) -> Terminal<TestBackend> {
    send(app, Message::Resize { width, height });
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| ui::render(app, f)).unwrap();
    terminal
}

pub(crate) fn screen_text(app: &mut App, width: u16, height: u16) -> String {
    draw(app, width, height).backend().to_string()
}

pub(crate) const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

pub(crate) fn key_rejected() -> LookupError {
    LookupError::KeyRejected {
        vendor: "Foldspace",
        connection: "foldspace".to_owned(),
        status: 401,
        message: Some("Unauthorized".to_owned()),
    }
}

pub(crate) fn error_app(err: LookupError, vendor: VendorKind, value: &str) -> App {
    let mut app = app_with(false);
    let request = submit(&mut app, vendor, value);
    finish(&mut app, request, Err(err));
    app
}

pub(crate) fn many_attributes(n: usize) -> LookupOutcome {
    let mut outcome = rich_outcome(VendorKind::COHO);
    outcome.profile.attributes = (0..n)
        .map(|i| Field::new(format!("attr-{i}"), json!(i)))
        .collect();
    outcome
}

pub(crate) fn hostile_outcome() -> LookupOutcome {
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
        vendor: VendorKind::COHO,
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

pub(crate) fn is_dangerous(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[track_caller]
pub(crate) fn assert_clean(terminal: &Terminal<TestBackend>, what: &str) {
    for cell in terminal.backend().buffer().content() {
        let bad: Vec<char> = cell.symbol().chars().filter(|c| is_dangerous(*c)).collect();
        assert!(
            bad.is_empty(),
            "{what}: control character {bad:?} in a cell"
        );
    }
}

/// The screen's text, then the same grid with one letter per distinct style and the legend, so
/// a snapshot shows the colours too (the plain `TestBackend` text would look the same in every
/// theme).
pub(crate) fn styled_screen(terminal: &Terminal<TestBackend>) -> String {
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

/// The key and status of the selected row.
pub(crate) fn compare_selected(app: &App) -> (String, CmpStatus) {
    let row = compared(app).selected_row().expect("a row is selected");
    (row.key.clone(), row.status)
}

/// Coho's rich user as side A, compared with User.com's rich user picked from the cache.
pub(crate) fn compare_app() -> App {
    let mut app = loaded(VendorKind::USERCOM);
    let coho = rich_outcome(VendorKind::COHO);
    let request = submit(&mut app, VendorKind::COHO, "u-1001");
    finish(&mut app, request, Ok(coho));
    assert_eq!(app.screen.kind(), ScreenKind::Profile);
    press(&mut app, "C<Down><Enter>");
    assert_eq!(app.screen.kind(), ScreenKind::Compare);
    app
}

pub(crate) fn compared(app: &App) -> &CompareView {
    app.compare()
        .and_then(|c| c.ready())
        .expect("the comparison is open")
}
