//! History, profile cache and copy (issue 5 items 3 and 5)

use crate::support::*;

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
    let request = submit(&mut app, VendorKind::FOLDSPACE, "user-1");
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
    let outcome = rich_outcome(VendorKind::COHO);
    let request = submit(&mut app, VendorKind::COHO, &outcome.lookup.value.clone());
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
        vendor: VendorKind::USERCOM,
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
    assert_eq!(vendor, VendorKind::USERCOM);
    assert_eq!(lookup, Lookup::new(LookupKind::Email, "old@example.com"));
}

#[test]
fn d_twice_on_the_recent_list_clears_the_history() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.json");
    let mut app = app_with(false);
    app.load_history(path.clone(), &[]);
    let request = submit(&mut app, VendorKind::COHO, "u-1");
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
    let mut app = loaded(VendorKind::COHO);
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
    let mut app = loaded(VendorKind::COHO);
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
