//! Compare two profiles (issue 5 item 7)

use crate::support::*;

#[test]
fn compare_picks_side_b_from_the_profile_cache() {
    let mut app = loaded(VendorKind::USERCOM);
    let request = submit(&mut app, VendorKind::COHO, "u-1001");
    finish(&mut app, request, Ok(rich_outcome(VendorKind::COHO)));
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
        (VendorKind::COHO, VendorKind::USERCOM)
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
    assert_eq!(app.profile().unwrap().outcome.vendor, VendorKind::COHO);
}

#[test]
fn compare_runs_a_new_lookup_for_side_b_and_keeps_the_profile() {
    let mut app = loaded(VendorKind::COHO);
    press(&mut app, "C<Enter>");
    assert_eq!(app.screen.kind(), ScreenKind::Start);
    assert_eq!(app.start().unwrap().focus, StartFocus::Input);
    assert!(app.awaiting_side_b());
    // The start screen says what the lookup is for.
    let text = screen_text(&mut app, 80, 24);
    assert!(text.contains("COMPARE"), "{text}");
    let request = submit(&mut app, VendorKind::USERCOM, "g3FaYocCy0U6");
    let effects = finish(&mut app, request, Ok(rich_outcome(VendorKind::USERCOM)));
    // Recorded like any lookup (history), but the result opens the comparison.
    assert!(
        effects.is_empty()
            || effects
                .iter()
                .all(|e| matches!(e, Effect::SaveHistory { .. }))
    );
    assert_eq!(app.screen.kind(), ScreenKind::Compare);
    assert_eq!(compared(&app).cmp.b.vendor, VendorKind::USERCOM);
    assert_eq!(
        app.profile().unwrap().outcome.vendor,
        VendorKind::COHO,
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
    let mut app = loaded(VendorKind::COHO);
    // Picker → profile.
    press(&mut app, "C");
    press(&mut app, "<Esc>");
    assert_eq!(app.screen.kind(), ScreenKind::Profile);
    assert!(app.compare().is_none());
    // Compare-mode lookup → picker → profile.
    press(&mut app, "C<Enter>");
    assert_eq!(app.screen.kind(), ScreenKind::Start);
    // The first Esc leaves the lookup field, the second goes back.
    press(&mut app, "<Esc>");
    assert_eq!(app.screen.kind(), ScreenKind::Start);
    assert!(!app.is_typing());
    press(&mut app, "<Esc>");
    assert_eq!(app.screen.kind(), ScreenKind::Compare);
    assert!(matches!(
        app.compare().unwrap().stage,
        CmpStage::Picking { .. }
    ));
    press(&mut app, "<Esc>");
    assert_eq!(app.screen.kind(), ScreenKind::Profile);
    // A normal lookup afterwards replaces the profile as usual.
    let request = submit(&mut app, VendorKind::USERCOM, "g3FaYocCy0U6");
    finish(&mut app, request, Ok(rich_outcome(VendorKind::USERCOM)));
    assert_eq!(app.screen.kind(), ScreenKind::Profile);
    assert_eq!(app.profile().unwrap().outcome.vendor, VendorKind::USERCOM);
    // A failed side-B lookup stays on the start screen, still in compare mode.
    let mut app = loaded(VendorKind::COHO);
    press(&mut app, "C<Enter>");
    let request = submit(&mut app, VendorKind::COHO, "nobody");
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
    let mut app = loaded(VendorKind::COHO);
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
        assert_snapshot(
            format!("compare_coho_vs_usercom_{w}x{h}"),
            screen_text(&mut app, w, h),
        );
    }
    press(&mut app, "dd");
    assert_snapshot(
        "compare_conflicts_only_120x40",
        screen_text(&mut app, 120, 40),
    );
    press(&mut app, "C");
    assert_snapshot("compare_picker_80x24", screen_text(&mut app, 80, 24));
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
    assert_snapshot("compare_no_color_80x24", styled_screen(&terminal));
}

#[test]
fn compare_hostile_strings_never_reach_the_buffer() {
    let mut app = loaded_with(hostile_outcome(), true);
    let request = submit(&mut app, VendorKind::COHO, "u-1001");
    finish(&mut app, request, Ok(rich_outcome(VendorKind::COHO)));
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
    let request = submit(&mut app, VendorKind::COHO, "u-1001");
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

#[test]
fn the_detail_popup_draws_json_with_its_indentation() {
    let mut app = compare_app();
    press(&mut app, "fbilling<Enter><Enter>");
    let text = screen_text(&mut app, 80, 24);
    assert!(text.contains("┃ {"), "{text}");
    assert!(text.contains("┃   \"cycle\": \"annual\","), "{text}");
    assert!(text.contains("┃   \"currency\": \"EUR\""), "{text}");
}

#[test]
fn same_connection_columns_name_vendor_connection_and_value_and_counts_follow_d() {
    // Two Coho users: the columns say which is which, not `A · A` / `B · B`.
    let mut app = loaded(VendorKind::COHO);
    let other = {
        let user = userscope::vendors::demo_kit::users(VendorKind::COHO)
            .iter()
            .find(|u| u.label == "sparse")
            .unwrap();
        outcome_from_body(
            VendorKind::COHO,
            Lookup::new(user.lookup, user.value),
            user.body,
        )
    };
    let value_b = other.lookup.value.clone();
    let request = submit(&mut app, VendorKind::COHO, &value_b);
    finish(&mut app, request, Ok(other));
    press(&mut app, "C<Down><Enter>");
    assert_eq!(app.screen.kind(), ScreenKind::Compare);
    let text = screen_text(&mut app, 120, 40);
    let a = format!("A · Coho (coho) {value_b}");
    assert!(text.contains(&a), "{text}");
    assert!(text.contains("B · Coho (coho) u-1001"), "{text}");
    assert!(!text.contains("A · A"), "{text}");
    // The title counts what the mode lists.
    let view = compared(&app);
    let total = view.cmp.rows.len();
    assert!(text.contains(&format!("Compare · {total} rows")), "{text}");
    press(&mut app, "d");
    let view = compared(&app);
    let differences = view
        .cmp
        .rows
        .iter()
        .filter(|r| r.status != userscope::compare::Status::Same)
        .count();
    assert!(differences > 0 && differences < total);
    assert_eq!(view.row_count(), differences);
    let text = screen_text(&mut app, 120, 40);
    assert!(
        text.contains(&format!(
            "Compare · {differences} of {total} rows · differences only"
        )),
        "{text}"
    );
}
