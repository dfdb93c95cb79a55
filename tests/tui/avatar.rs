//! The avatar in the profile screen (issue 16, item 3): `i` asks for it (nothing is fetched
//! otherwise), `[tui] avatars = true` asks on open, the runtime's task (`tui::avatar::load`)
//! fetches it from a loopback mock, and the box at the Overview's top right shows the
//! half-block picture, "loading avatar…", or the one-line note of a failure.

use crate::support::*;
use userscope::avatar::Transport;
use userscope::config::HttpSettings;
use userscope::tui::app::current_avatar;
use userscope::tui::avatar::{AvatarState, Picture};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A 40×40 PNG in four quadrants: red, green / blue, white.
fn quadrants_png() -> Vec<u8> {
    let img = image::RgbaImage::from_fn(40, 40, |x, y| match (x < 20, y < 20) {
        (true, true) => image::Rgba([255, 0, 0, 255]),
        (false, true) => image::Rgba([0, 255, 0, 255]),
        (true, false) => image::Rgba([0, 0, 255, 255]),
        (false, false) => image::Rgba([255, 255, 255, 255]),
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A PNG of under 100 bytes claiming 50,000×50,000 pixels (10 GB decoded).
fn bomb_png() -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for b in bytes {
            crc ^= u32::from(*b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut out = (data.len() as u32).to_be_bytes().to_vec();
        let mut typed = kind.to_vec();
        typed.extend_from_slice(data);
        out.extend_from_slice(&typed);
        out.extend_from_slice(&crc32(&typed).to_be_bytes());
        out
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = 50_000u32.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&50_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    png.extend(chunk(b"IHDR", &ihdr));
    png.extend(chunk(
        b"IDAT",
        &[
            0x78, 0x01, 0x01, 0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x01,
        ],
    ));
    png.extend(chunk(b"IEND", &[]));
    png
}

/// The rich Vemetric profile, its `avatarUrl` replaced by `url`.
fn vemetric_with_avatar(url: &str) -> LookupOutcome {
    let vendor = VendorKind::VEMETRIC;
    let user = rich_user(vendor);
    let original = vendor
        .adapter()
        .avatar_url(&rich_outcome(vendor).profile)
        .unwrap();
    let body = user.body.replace(&original, url);
    assert_ne!(body, user.body, "the rich Vemetric user has an avatarUrl");
    outcome_from_body(vendor, Lookup::new(user.lookup, user.value), &body)
}

fn load_avatars(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::LoadAvatar { url, .. } => Some(url.clone()),
            _ => None,
        })
        .collect()
}

async fn mock(route: &str, response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(route))
        .respond_with(response)
        .mount(&server)
        .await;
    assert!(server.uri().starts_with("http://127.0.0.1:"));
    server
}

/// What the runtime does with `Effect::LoadAvatar` (the same task), with plain http allowed
/// to the loopback mock only.
async fn perform(url: &str, transport: Transport) -> Message {
    let client = userscope::avatar::client(&HttpSettings::default()).map_err(|e| e.to_string());
    userscope::tui::avatar::load(
        client,
        url.to_owned(),
        transport,
        VendorKind::VEMETRIC,
        userscope::tui::avatar::halfblocks(),
    )
    .await
}

fn slot_state(app: &App) -> Option<AvatarState> {
    let state = app.profile_state()?;
    current_avatar(state).map(|s| s.state.clone())
}

fn note(app: &App) -> String {
    match slot_state(app) {
        Some(AvatarState::Failed(note)) => note,
        other => panic!("expected a failure note, got {other:?}"),
    }
}

/// A profile loaded from a mock that would answer, keys of every pane pressed and the
/// screen drawn at both sizes: no `Effect::LoadAvatar`, and the mock gets no request.
#[tokio::test]
async fn nothing_is_fetched_without_i() {
    let server = mock(
        "/me.png",
        ResponseTemplate::new(200).set_body_bytes(quadrants_png()),
    )
    .await;
    let url = format!("{}/me.png", server.uri());
    let mut app = loaded_with(vemetric_with_avatar(&url), true);
    let mut effects = Vec::new();
    for spec in [
        "<Tab>", "j", "k", "2", "3", "1", "<Down>", "G", "g", "<Tab>",
    ] {
        effects.extend(press(&mut app, spec));
        for (w, h) in SIZES {
            draw(&mut app, w, h);
        }
        effects.extend(send(&mut app, Message::Tick));
    }
    assert_eq!(load_avatars(&effects), Vec::<String>::new());
    assert!(slot_state(&app).is_none());
    assert!(!screen_text(&mut app, 120, 40).contains("avatar"));
    assert_eq!(server.received_requests().await.unwrap().len(), 0);
}

/// `i` → one effect for the profile's URL → "loading avatar…" → the real task against the
/// mock → the picture; `i` again asks nothing more.
#[tokio::test]
async fn i_loads_the_avatar_through_the_effect() {
    let server = mock(
        "/me.png",
        ResponseTemplate::new(200).set_body_bytes(quadrants_png()),
    )
    .await;
    let url = format!("{}/me.png", server.uri());
    let mut app = loaded_with(vemetric_with_avatar(&url), true);
    let effects = press(&mut app, "i");
    assert_eq!(load_avatars(&effects), vec![url.clone()]);
    assert!(matches!(slot_state(&app), Some(AvatarState::Loading)));
    assert!(screen_text(&mut app, 120, 40).contains("loading avatar…"));

    let message = perform(&url, Transport::AllowLoopbackHttp).await;
    assert!(send(&mut app, message).is_empty());
    assert!(matches!(slot_state(&app), Some(AvatarState::Shown(_))));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    let text = screen_text(&mut app, 120, 40);
    assert!(!text.contains("loading avatar…"));
    assert!(text.contains('▀') || text.contains('▄'), "{text}");

    assert_eq!(load_avatars(&press(&mut app, "i")), Vec::<String>::new());
}

/// The runtime's transport: a plain-http URL is refused before any request, with its note.
#[tokio::test]
async fn the_app_loads_only_https() {
    let server = mock(
        "/me.png",
        ResponseTemplate::new(200).set_body_bytes(quadrants_png()),
    )
    .await;
    let url = format!("{}/me.png", server.uri());
    let mut app = loaded_with(vemetric_with_avatar(&url), true);
    press(&mut app, "i");
    send(&mut app, perform(&url, Transport::HttpsOnly).await);
    assert_eq!(
        note(&app),
        "no avatar: only https URLs are loaded (this one is http)"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 0);
}

/// 404, a body that is not an image, a decompression bomb: the note in the box, the rest of
/// the screen drawn, and the next key still works.
#[tokio::test]
async fn failures_are_a_note_in_the_box_and_the_app_goes_on() {
    let cases: [(ResponseTemplate, &str, &str); 3] = [
        (
            ResponseTemplate::new(404),
            "no avatar: the host answered HTTP 404",
            "404",
        ),
        (
            ResponseTemplate::new(200).set_body_string("<html>not a picture</html>"),
            "no avatar: not a PNG, JPEG, GIF or WebP image",
            "WebP",
        ),
        (
            ResponseTemplate::new(200).set_body_bytes(bomb_png()),
            "no avatar: 50000×50000 pixels is more than 4096×4096",
            "50000×50000",
        ),
    ];
    for (response, expected, visible) in cases {
        let server = mock("/me.png", response).await;
        let url = format!("{}/me.png", server.uri());
        let mut app = loaded_with(vemetric_with_avatar(&url), true);
        press(&mut app, "i");
        send(&mut app, perform(&url, Transport::AllowLoopbackHttp).await);
        assert_eq!(note(&app), expected);
        let text = screen_text(&mut app, 120, 40);
        assert!(text.contains(visible), "{expected}\n{text}");
        assert!(text.contains("Overview"), "{text}");
        // Still responsive: Tab moves the focus off the Overview.
        let before = app.profile().unwrap().focus;
        press(&mut app, "<Tab>");
        assert_ne!(app.profile().unwrap().focus, before);
        // `i` after a failure tries again.
        assert_eq!(load_avatars(&press(&mut app, "i")), vec![url]);
    }
}

/// `[tui] avatars = true`: the avatar is asked for when the profile opens, once; off (the
/// default), opening asks nothing.
#[test]
fn the_config_switch_loads_on_open() {
    for auto in [false, true] {
        let outcome = rich_outcome(VendorKind::VEMETRIC);
        let expected = VendorKind::VEMETRIC
            .adapter()
            .avatar_url(&outcome.profile)
            .unwrap();
        let mut app = app_with(true);
        app.avatar_setup.auto = auto;
        app.start_mut().unwrap().kind = outcome.lookup.by;
        let request = submit(
            &mut app,
            VendorKind::VEMETRIC,
            &outcome.lookup.value.clone(),
        );
        let effects = finish(&mut app, request, Ok(outcome));
        assert_eq!(app.screen.kind(), ScreenKind::Profile);
        let wanted = if auto { vec![expected] } else { Vec::new() };
        assert_eq!(load_avatars(&effects), wanted, "auto = {auto}");
        assert_eq!(
            load_avatars(&send(&mut app, Message::Tick)),
            Vec::<String>::new()
        );
    }
}

/// Coho sends no picture URL: `i` says so and asks nothing.
#[test]
fn no_url_no_fetch() {
    let mut app = loaded(VendorKind::COHO);
    assert!(load_avatars(&press(&mut app, "i")).is_empty());
    assert_eq!(
        app.notice.as_deref(),
        Some("No avatar: Coho sent no picture URL for this profile")
    );
}

/// The half-block picture in the Overview's top right at 120×40 and 80×24 (decoded bytes
/// injected through the message, so the URL in the snapshot is the demo's fixed one), and a
/// watch refresh with the same URL keeps it.
#[test]
fn half_block_avatar_snapshot() {
    let mut app = loaded(VendorKind::VEMETRIC);
    let url = load_avatars(&press(&mut app, "i")).pop().unwrap();
    let image = userscope::avatar::decode(&quadrants_png()).unwrap();
    let picture = Picture::new(&userscope::tui::avatar::halfblocks(), image);
    send(
        &mut app,
        Message::AvatarLoaded {
            url,
            result: Ok(picture),
        },
    );
    for (w, h) in SIZES {
        let terminal = draw(&mut app, w, h);
        assert_snapshot(
            format!("avatar_halfblocks_{w}x{h}"),
            styled_screen(&terminal),
        );
    }
    let now = app.clock.wall;
    let again = std::sync::Arc::new(rich_outcome(VendorKind::VEMETRIC));
    app.profile_state_mut()
        .unwrap()
        .show_version(again, None, now);
    assert!(matches!(slot_state(&app), Some(AvatarState::Shown(_))));
}

/// `i` typed into a filter is text, not a fetch; while the profile is watched `i` still loads.
#[test]
fn i_in_a_filter_is_typed_and_works_while_watching() {
    let mut app = loaded(VendorKind::VEMETRIC);
    let mut effects = press(&mut app, "f");
    effects.extend(press(&mut app, "i"));
    assert_eq!(load_avatars(&effects), Vec::<String>::new());
    assert!(app.profile_state().unwrap().filter_edit.is_some());
    press(&mut app, "<Esc>");
    assert!(app.profile_state().unwrap().filter_edit.is_none());

    press(&mut app, "w");
    assert!(app.watching().is_some());
    assert_eq!(load_avatars(&press(&mut app, "i")).len(), 1);
    assert!(matches!(slot_state(&app), Some(AvatarState::Loading)));
}
