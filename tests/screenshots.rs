//! The README's screenshots, drawn from the real app so they never go stale: each screen is
//! driven with the demo data exactly as the TUI snapshot tests drive it (the same harness,
//! `tests/tui/support.rs`), drawn on a 120×36 `TestBackend` with a pinned clock, converted to
//! SVG (`tests/support/svg.rs`) and compared with `assets/screenshots/NAME.svg`.
//!
//! A screen that changed fails here, naming the file; to accept the new pictures, run
//! `USERSCOPE_UPDATE_SCREENSHOTS=1 cargo test --test screenshots` (it rewrites them), then look
//! at `git diff assets/screenshots` before committing.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_possible_wrap,
    clippy::cast_precision_loss,
    reason = "a test stops at its first broken expectation; its own numbers are not from the network"
)]

// The TUI tests' harness, used as it is so a screenshot is driven like its snapshot; this
// binary uses only part of it.
#[allow(dead_code, unused_imports)]
#[path = "tui/support.rs"]
mod support;
#[path = "support/svg.rs"]
mod svg;

use std::path::{Path, PathBuf};

use support::*;
use userscope::config::FindSettings;
use userscope::find::{FindEvent, FindReport, Plan, Row, Status};
use userscope::vendors::demo_kit::{EVERYWHERE_EMAIL, EVERYWHERE_ID, everywhere};

/// Wide enough for the profile's Overview beside the focused pane, short enough to read in a
/// README.
const WIDTH: u16 = 120;
const HEIGHT: u16 = 36;
const UPDATE_VAR: &str = "USERSCOPE_UPDATE_SCREENSHOTS";
const REGENERATE: &str = "USERSCOPE_UPDATE_SCREENSHOTS=1 cargo test --test screenshots";

/// One picture: its file name (without `.svg`), the screen it must show, and how to get there.
struct Screen {
    name: &'static str,
    kind: ScreenKind,
    drive: fn() -> App,
}

const SCREENS: [Screen; 6] = [
    Screen {
        name: "start",
        kind: ScreenKind::Start,
        drive: start,
    },
    Screen {
        name: "profile-overview",
        kind: ScreenKind::Profile,
        drive: profile_overview,
    },
    Screen {
        name: "profile-attributes",
        kind: ScreenKind::Profile,
        drive: profile_attributes,
    },
    Screen {
        name: "raw-tree",
        kind: ScreenKind::Profile,
        drive: raw_tree,
    },
    Screen {
        name: "compare",
        kind: ScreenKind::Compare,
        drive: compare_app,
    },
    Screen {
        name: "find-board",
        kind: ScreenKind::Find,
        drive: find_board,
    },
];

/// `userscope --demo` as it opens.
fn start() -> App {
    app_with(true)
}

/// Coho's rich demo user, on the Overview.
fn profile_overview() -> App {
    let mut app = loaded(VendorKind::COHO);
    app.profile_mut().unwrap().focus = Pane::Overview;
    app
}

/// The same profile on its Attributes pane (`5`), the Overview beside it.
fn profile_attributes() -> App {
    let mut app = loaded(VendorKind::COHO);
    press(&mut app, "5");
    assert_eq!(app.profile().unwrap().focus, Pane::Attributes);
    app
}

/// The Raw pane (`7`) as a JSON tree, searched for two keys (`s`), on the second match (`n`).
fn raw_tree() -> App {
    let mut app = loaded(VendorKind::COHO);
    press(&mut app, "7s^\"(city|plan)\"$<Enter>n");
    assert_eq!(app.profile().unwrap().focus, Pane::Raw);
    app
}

/// All vendors, looked up by the demo person's product ID: found at Coho, Foldspace and
/// Vemetric by ID, at User.com by the email followed from Coho, ChakraHQ skipped (it has no
/// product ID). Built from the find's events as `tests/tui/find.rs` builds its complete board.
fn find_board() -> App {
    let mut app = app_with(true);
    app.start_mut().unwrap().focus = StartFocus::Input;
    while !app.start().unwrap().all_vendors {
        press(&mut app, "<Up>");
    }
    let mut effects = Vec::new();
    for c in EVERYWHERE_ID.chars() {
        effects.extend(send(&mut app, Message::Key(key(KeyCode::Char(c)))));
    }
    effects.extend(press(&mut app, "<Enter>"));
    let (request, query, targets) = effects
        .iter()
        .find_map(|e| match e {
            Effect::StartFind {
                request,
                query,
                targets,
            } => Some((*request, query.clone(), targets.clone())),
            _ => None,
        })
        .expect("Enter on All vendors starts a find");
    let plan = Plan::new(query, targets, &FindSettings::default(), true);
    let event = |app: &mut App, event: FindEvent| {
        send(
            app,
            Message::FindProgress {
                request,
                event: Box::new(event),
            },
        );
    };
    event(&mut app, FindEvent::Planned(plan.rows.clone()));
    let row_of = |app: &App, vendor: VendorKind| {
        app.find()
            .unwrap()
            .rows
            .iter()
            .position(|r| r.row.vendor == vendor)
            .unwrap()
    };
    let found = |vendor: VendorKind, lookup: Lookup, ms: u64| Status::Found {
        elapsed: Duration::from_millis(ms),
        outcome: Box::new(outcome_from_body(
            vendor,
            lookup,
            everywhere(vendor).expect("the demo person is there").body,
        )),
    };
    for (vendor, ms) in [
        (VendorKind::COHO, 41),
        (VendorKind::FOLDSPACE, 52),
        (VendorKind::VEMETRIC, 37),
    ] {
        let row = row_of(&app, vendor);
        let lookup = plan.rows[row].lookup.clone().unwrap();
        event(&mut app, FindEvent::Started { row });
        event(
            &mut app,
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
        FindEvent::FollowUp {
            row: usercom,
            lookup: by_email.clone(),
            via: "email from coho".to_owned(),
        },
    );
    event(&mut app, FindEvent::Started { row: usercom });
    event(
        &mut app,
        FindEvent::Finished {
            row: usercom,
            status: found(VendorKind::USERCOM, by_email, 38),
        },
    );
    let find = app.find().unwrap();
    let rows: Vec<Row> = find.rows.iter().map(|r| r.row.clone()).collect();
    let report = FindReport::new(find.query.clone(), rows);
    event(&mut app, FindEvent::Done(Box::new(report)));
    app
}

fn screenshots_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/screenshots")
}

/// The screen driven, drawn and converted; the screen kind is checked so a changed key
/// binding cannot silently turn a screenshot into a picture of the wrong screen.
fn render(screen: &Screen) -> String {
    let mut app = (screen.drive)();
    assert_eq!(app.screen.kind(), screen.kind, "{}", screen.name);
    let terminal = draw(&mut app, WIDTH, HEIGHT);
    svg::to_svg(terminal.backend().buffer())
}

/// Why the file on disk is not the picture: missing, or the first line that differs.
fn difference(on_disk: Option<&str>, fresh: &str) -> Option<String> {
    let Some(on_disk) = on_disk else {
        return Some("missing".to_owned());
    };
    if on_disk == fresh {
        return None;
    }
    let line = on_disk
        .lines()
        .zip(fresh.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| on_disk.lines().count().min(fresh.lines().count()));
    Some(format!("differs from line {}", line + 1))
}

fn updating() -> bool {
    std::env::var_os(UPDATE_VAR).is_some_and(|v| v == "1")
}

#[test]
fn every_screenshot_is_up_to_date() {
    let dir = screenshots_dir();
    let mut stale = Vec::new();
    for screen in &SCREENS {
        let fresh = render(screen);
        let path = dir.join(format!("{}.svg", screen.name));
        let on_disk = std::fs::read_to_string(&path).ok();
        let Some(why) = difference(on_disk.as_deref(), &fresh) else {
            continue;
        };
        if updating() {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &fresh).unwrap();
        } else {
            stale.push(format!("  assets/screenshots/{}.svg: {why}", screen.name));
        }
    }
    assert!(
        stale.is_empty(),
        "screenshots out of date (the screens changed):\n{}\nregenerate them with\n  {REGENERATE}\n\
         and review `git diff assets/screenshots` before committing",
        stale.join("\n")
    );
}

/// A screenshot renamed or dropped here must not stay in the README's folder; regenerating
/// removes it.
#[test]
fn no_screenshot_is_left_over() {
    let names: Vec<String> = SCREENS.iter().map(|s| format!("{}.svg", s.name)).collect();
    let Ok(entries) = std::fs::read_dir(screenshots_dir()) else {
        assert!(
            updating(),
            "assets/screenshots is missing; run {REGENERATE}"
        );
        return;
    };
    let mut extra = Vec::new();
    for entry in entries {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if names.contains(&name) {
            continue;
        }
        if updating() && name.ends_with(".svg") {
            std::fs::remove_file(entry.path()).unwrap();
        } else {
            extra.push(name);
        }
    }
    assert!(
        extra.is_empty(),
        "assets/screenshots holds files no screen draws: {extra:?}; run {REGENERATE}"
    );
}

#[test]
fn the_readme_shows_every_screenshot_and_how_to_regenerate_them() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    for screen in &SCREENS {
        let link = format!("(assets/screenshots/{}.svg)", screen.name);
        assert!(readme.contains(&link), "README does not show {link}");
    }
    assert!(
        readme.contains(REGENERATE),
        "README does not give `{REGENERATE}`"
    );
}

/// The same screen gives the same bytes every time (a pinned clock, nothing from the host),
/// and no path of the machine that drew it shows.
#[test]
fn screenshots_are_deterministic_and_hold_no_host_path() {
    let mut host: Vec<String> = vec![env!("CARGO_MANIFEST_DIR").to_owned()];
    host.extend(std::env::var("HOME").ok().filter(|h| h.len() > 1));
    host.extend(["/home/", "/tmp/", "/root"].map(str::to_owned));
    for screen in &SCREENS {
        let svg = render(screen);
        assert_eq!(svg, render(screen), "{} is not deterministic", screen.name);
        for path in &host {
            assert!(
                !svg.contains(path),
                "{} shows the host path {path}",
                screen.name
            );
        }
    }
}

/// Each screenshot shows what its name says (the driving reached the intended state).
#[test]
fn each_screenshot_shows_its_screen() {
    let expected = [
        ("start", "All vendors"),
        ("profile-overview", "Looked up by"),
        ("profile-attributes", "Attributes (22)"),
        ("raw-tree", "\"city\""),
        ("compare", "User.com"),
        ("find-board", "email from coho"),
    ];
    for screen in &SCREENS {
        let (_, text) = expected
            .iter()
            .find(|(name, _)| *name == screen.name)
            .unwrap();
        let mut app = (screen.drive)();
        let shown = screen_text(&mut app, WIDTH, HEIGHT);
        assert!(
            shown.contains(text),
            "{}: {text:?} not in\n{shown}",
            screen.name
        );
    }
}
