//! Watching a profile change (design §12, issue 14) in the TUI: `w`, refreshes on a fake clock
//! (the app's clock is set before each message, as the runtime does), 429s and errors without
//! sleeping, marks, the Changes list, `[` / `]`, state kept across refreshes, a different
//! person, and leaving the profile.

use crate::support::*;

const S: fn(u64) -> Duration = Duration::from_secs;

/// A loaded Coho profile watched every 5 s from t = 0.
fn watched() -> App {
    let mut app = loaded(VendorKind::COHO);
    app.watch_setup.interval = S(5);
    app.clock = clock_at(Duration::ZERO);
    assert!(press(&mut app, "w").is_empty());
    assert!(app.watching().is_some());
    app
}

/// A tick at `at` seconds after the start.
fn tick(app: &mut App, at: u64) -> Vec<Effect> {
    app.clock = clock_at(S(at));
    send(app, Message::Tick)
}

/// The lookup a due tick starts: its id (the same connection and lookup as the profile).
fn refresh_due(app: &mut App, at: u64) -> RequestId {
    let effects = tick(app, at);
    let (request, lookup, vendor) = started(&effects).expect("a refresh is due");
    let shown = &app.profile().unwrap().outcome;
    assert_eq!((lookup, vendor), (shown.lookup.clone(), shown.vendor));
    request
}

/// The rich Coho profile with its first attribute set to `value`.
fn with_first_attribute(value: serde_json::Value) -> LookupOutcome {
    let mut outcome = rich_outcome(VendorKind::COHO);
    outcome.profile.attributes[0].value = value;
    outcome
}

fn first_attribute_path() -> String {
    format!(
        "attributes.{}",
        rich_outcome(VendorKind::COHO).profile.attributes[0].key
    )
}

fn header(app: &App, at: u64) -> String {
    app.watching().unwrap().header(clock_at(S(at)).instant).0
}

/// A refresh at `at` answering `outcome`.
fn refresh(app: &mut App, at: u64, outcome: LookupOutcome) {
    let request = refresh_due(app, at);
    app.clock = clock_at(S(at));
    assert!(finish(app, request, Ok(outcome)).is_empty());
}

#[test]
fn w_refreshes_every_interval_through_the_lookup_effect_and_marks_what_changed() {
    let mut app = watched();
    assert!(tick(&mut app, 4).is_empty(), "not due before the interval");
    let request = refresh_due(&mut app, 5);
    assert!(tick(&mut app, 9).is_empty(), "one refresh at a time");
    assert!(tick(&mut app, 30).is_empty(), "one refresh at a time");
    app.clock = clock_at(S(6));
    finish(
        &mut app,
        request,
        Ok(with_first_attribute(json!("changed"))),
    );
    let w = app.watching().unwrap();
    assert_eq!(w.watch.change_count(), 1);
    assert!(w.watch.is_marked(&first_attribute_path()));
    assert_eq!(
        app.profile().unwrap().outcome.profile.attributes[0].value,
        json!("changed")
    );
    assert_eq!(
        header(&app, 8),
        "watching · every 5 s · 1 change · last 2 s ago"
    );
    // The next one is one interval after the answer, not after the start.
    assert!(tick(&mut app, 10).is_empty());
    refresh_due(&mut app, 11);
}

#[test]
fn a_429_and_an_error_back_off_keep_the_profile_and_the_next_success_resumes() {
    let mut app = watched();
    let before = app.profile().unwrap().outcome.clone();
    let request = refresh_due(&mut app, 5);
    app.clock = clock_at(S(5));
    let limited = LookupError::RateLimited {
        vendor: "Coho",
        retry_in: Some(S(60)),
        message: None,
    };
    finish(&mut app, request, Err(limited));
    let h = header(&app, 5);
    assert!(
        h.starts_with("watching · every 5 s · 0 changes · refresh failed: "),
        "{h}"
    );
    assert!(h.ends_with(" · retry in 60 s"), "{h}");
    assert!(
        app.watching().unwrap().header(clock_at(S(5)).instant).1,
        "loud"
    );
    assert!(std::sync::Arc::ptr_eq(
        &app.profile().unwrap().outcome,
        &before
    ));
    // The server asked for 60 s: nothing before that.
    assert!(tick(&mut app, 64).is_empty());
    let request = refresh_due(&mut app, 65);
    app.clock = clock_at(S(65));
    let down = LookupError::Network {
        host: "127.0.0.1".to_owned(),
        cause: "connection refused".to_owned(),
    };
    finish(&mut app, request, Err(down));
    // Second failure in a row: 4 × the interval.
    assert!(
        header(&app, 65).ends_with(
            "refresh failed: could not reach 127.0.0.1: connection refused · retry in 20 s"
        ),
        "{}",
        header(&app, 65)
    );
    assert!(std::sync::Arc::ptr_eq(
        &app.profile().unwrap().outcome,
        &before
    ));
    assert!(tick(&mut app, 84).is_empty());
    refresh(&mut app, 85, with_first_attribute(json!(7)));
    assert_eq!(
        header(&app, 85),
        "watching · every 5 s · 1 change · last 0 s ago"
    );
    assert!(!app.watching().unwrap().header(clock_at(S(85)).instant).1);
    refresh_due(&mut app, 90);
}

#[test]
fn a_rate_limit_wait_inside_the_lookup_is_said_in_the_header() {
    let mut app = watched();
    let request = refresh_due(&mut app, 5);
    send(
        &mut app,
        Message::LookupProgress {
            request,
            event: LookupEvent::RateLimitedWaiting {
                wait: S(3),
                attempt: 1,
            },
        },
    );
    assert_eq!(
        header(&app, 5),
        "watching · every 5 s · 0 changes · last 5 s ago · rate limited: waiting 3 s"
    );
}

#[test]
fn pane_selection_scroll_and_filter_survive_every_refresh() {
    let mut outcome = many_attributes(300);
    outcome.profile.attributes[150].value = json!("before");
    let mut app = loaded_with(outcome.clone(), true);
    app.watch_setup.interval = S(5);
    app.clock = clock_at(Duration::ZERO);
    press(&mut app, "w");
    // Attributes, filtered on "attr-1", the 40th match selected.
    press(&mut app, "5fattr-1<Enter>");
    for _ in 0..40 {
        press(&mut app, "j");
    }
    let view = app.profile().unwrap();
    let (focus, scroll) = (view.focus, view.scroll(Pane::Attributes));
    assert_eq!(focus, Pane::Attributes);
    assert_eq!(scroll.selected, 40);
    assert!(scroll.offset > 0);
    let matches = view.row_count(Pane::Attributes);
    let mut next = outcome;
    next.profile.attributes[150].value = json!("after");
    refresh(&mut app, 5, next);
    let view = app.profile().unwrap();
    assert_eq!(view.outcome.profile.attributes[150].value, json!("after"));
    assert_eq!(view.focus, focus);
    assert_eq!(view.scroll(Pane::Attributes), scroll);
    assert_eq!(view.filter(Pane::Attributes).unwrap().query, "attr-1");
    assert_eq!(view.row_count(Pane::Attributes), matches);
}

#[test]
fn brackets_step_through_the_versions_with_their_own_diffs_and_back_to_live() {
    let mut app = watched();
    let path = first_attribute_path();
    refresh(&mut app, 5, with_first_attribute(json!(1)));
    refresh(&mut app, 10, with_first_attribute(json!(2)));
    refresh(&mut app, 15, with_first_attribute(json!(2)));
    let value = |app: &App| {
        app.profile().unwrap().outcome.profile.attributes[0]
            .value
            .clone()
    };
    assert_eq!(value(&app), json!(2));
    press(&mut app, "[");
    // Version 3 of 4 is the one that set 2.
    assert!(
        header(&app, 15).starts_with("version 3 of 4 · 12:00:00 · 1 change · "),
        "{}",
        header(&app, 15)
    );
    assert!(app.watching().unwrap().is_marked(&path));
    press(&mut app, "[");
    assert_eq!(value(&app), json!(1));
    press(&mut app, "[");
    assert!(header(&app, 15).starts_with("version 1 of 4 · 12:00:00 · 0 changes"));
    assert!(
        !app.watching().unwrap().is_marked(&path),
        "the first version changed nothing"
    );
    press(&mut app, "[");
    assert_eq!(
        app.notice.as_deref(),
        Some("No older version kept (the last 50 are)")
    );
    // A refresh while reading an old version is kept, not shown.
    refresh(&mut app, 20, with_first_attribute(json!(3)));
    assert!(header(&app, 20).starts_with("version 1 of 5 "));
    press(&mut app, "]]]");
    assert!(header(&app, 20).starts_with("version 4 of 5 "));
    press(&mut app, "]");
    assert_eq!(value(&app), json!(3));
    assert!(header(&app, 20).starts_with("watching · every 5 s · 3 changes"));
    press(&mut app, "]");
    assert_eq!(app.notice.as_deref(), Some("This is the live version"));
}

#[test]
fn x_clears_the_marks_and_the_count_and_interval_keys_stop_at_two_seconds() {
    let mut app = watched();
    refresh(&mut app, 5, with_first_attribute(json!(1)));
    assert!(
        app.watching()
            .unwrap()
            .watch
            .is_marked(&first_attribute_path())
    );
    press(&mut app, "x");
    let w = app.watching().unwrap();
    assert_eq!(w.watch.change_count(), 0);
    assert!(w.watch.marked().is_empty());
    assert_eq!(w.watch.versions().len(), 2, "the versions stay");
    press(&mut app, "----");
    assert_eq!(app.watching().unwrap().watch.schedule().interval(), S(2));
    assert_eq!(
        app.notice.as_deref(),
        Some("Every 2 s is the shortest interval")
    );
    press(&mut app, "+++++++++");
    assert_eq!(app.watching().unwrap().watch.schedule().interval(), S(15));
    assert_eq!(app.notice.as_deref(), Some("Fetching every 15 s"));
}

#[test]
fn a_different_person_is_said_loudly() {
    let mut app = watched();
    let mut other = rich_outcome(VendorKind::COHO);
    let old_id = other.profile.id.clone().unwrap();
    other.profile.id = Some("u-someone-else".to_owned());
    refresh(&mut app, 5, other);
    let (text, loud) = app.watching().unwrap().header(clock_at(S(5)).instant);
    assert_eq!(
        text,
        format!(
            "watching · every 5 s · DIFFERENT PERSON: id {old_id} → u-someone-else · 1 change · last 0 s ago"
        )
    );
    assert!(loud);
    assert!(screen_text(&mut app, 120, 40).contains("DIFFERENT PERSON"));
}

#[test]
fn enter_in_the_changes_list_jumps_to_the_row_clearing_a_filter_that_hides_it() {
    let mut app = watched();
    let mut next = rich_outcome(VendorKind::COHO);
    let last = next.profile.attributes.len() - 1;
    next.profile.attributes[last].value = json!("moved");
    let key = next.profile.attributes[last].key.clone();
    refresh(&mut app, 5, next);
    press(&mut app, "2fzzzz-nothing<Enter>W");
    assert!(app.watching().unwrap().changes.is_some());
    press(&mut app, "<Enter>");
    let view = app.profile().unwrap();
    assert!(app.watching().unwrap().changes.is_none());
    assert_eq!(view.focus, Pane::Attributes);
    assert_eq!(view.scroll(Pane::Attributes).selected, last);
    let row = view
        .row(Pane::Attributes, last, clock_at(S(5)).wall)
        .unwrap();
    assert_eq!(row.key, key);
    // Properties kept their filter; Attributes had none to clear.
    assert!(view.filter(Pane::Properties).is_some());
}

#[test]
fn leaving_the_profile_stops_the_watch_and_cancels_its_refresh() {
    let mut app = watched();
    let request = refresh_due(&mut app, 5);
    let effects = press(&mut app, "<Esc>");
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::CancelLookup { request: r } if *r == request)),
        "{effects:?}"
    );
    assert!(app.profile_state().unwrap().watching.is_none());
    // Its late answer changes nothing.
    finish(&mut app, request, Ok(with_first_attribute(json!(9))));
    assert_ne!(
        app.profile().unwrap().outcome.profile.attributes[0].value,
        json!(9)
    );
    assert!(tick(&mut app, 60).is_empty());
}

#[test]
fn w_again_stops_and_a_file_cannot_be_watched() {
    let mut app = watched();
    let request = refresh_due(&mut app, 5);
    let effects = press(&mut app, "w");
    assert!(matches!(effects.as_slice(), [Effect::CancelLookup { request: r }] if *r == request));
    assert!(app.watching().is_none());
    assert_eq!(app.notice.as_deref(), Some("Stopped watching"));
    let mut file = rich_outcome(VendorKind::COHO);
    file.origin = userscope::lookup::Origin::File;
    let mut app = loaded_with(file, true);
    press(&mut app, "w");
    assert!(app.watching().is_none());
    assert_eq!(
        app.notice.as_deref(),
        Some("Nothing to watch: this profile was opened from a file, not looked up")
    );
}

#[test]
fn snapshot_marked_rows_and_the_changes_list() {
    let mut app = watched();
    let mut next = rich_outcome(VendorKind::COHO);
    next.profile.attributes[0].value = json!("enterprise");
    next.profile.attributes[2].value = json!(99);
    next.profile.display_name = Some("Hannah O.".to_owned());
    refresh(&mut app, 5, next);
    app.clock = clock_at(S(12));
    assert_snapshot("watch_overview_marked_80x24", screen_text(&mut app, 80, 24));
    press(&mut app, "5");
    assert_snapshot(
        "watch_attributes_marked_80x24",
        screen_text(&mut app, 80, 24),
    );
    press(&mut app, "W");
    assert_snapshot("watch_changes_list_80x24", screen_text(&mut app, 80, 24));
}

#[test]
fn r_replaces_the_profile_in_place_like_a_refresh() {
    let outcome = many_attributes(300);
    let mut app = loaded_with(outcome.clone(), true);
    press(&mut app, "5fattr-1<Enter>jjj");
    let effects = press(&mut app, "r");
    let (request, _, _) = started(&effects).expect("r looks up again");
    let mut next = outcome;
    next.profile.attributes[0].value = json!("fresh");
    finish(&mut app, request, Ok(next));
    let view = app.profile().unwrap();
    assert_eq!(view.outcome.profile.attributes[0].value, json!("fresh"));
    assert_eq!(view.focus, Pane::Attributes);
    assert_eq!(view.filter(Pane::Attributes).unwrap().query, "attr-1");
    assert_eq!(view.scroll(Pane::Attributes).selected, 3);
}
