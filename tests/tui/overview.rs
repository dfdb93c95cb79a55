//! What the panes say about values: an empty string is not absent; titles count items.

use userscope::profile::{Field, Segment};

use crate::support::*;

#[test]
fn an_empty_string_reads_as_quotes_and_null_as_a_dash() {
    let mut outcome = rich_outcome(VendorKind::USERCOM);
    outcome.profile.properties = vec![
        Field::new("nickname", serde_json::json!("")),
        Field::new("middle_name", serde_json::Value::Null),
    ];
    let mut app = loaded_with(outcome, true);
    press(&mut app, "2");
    let view = app.profile().unwrap();
    let values: Vec<String> = (0..2)
        .map(|i| view.row(Pane::Properties, i, app.clock.wall).unwrap().value)
        .collect();
    assert_eq!(values, ["\"\"", "—"]);
    let text = screen_text(&mut app, 80, 24);
    assert!(text.contains("nickname     \"\""), "{text}");
    assert!(text.contains("middle_name  —"), "{text}");
}

#[test]
fn the_segments_title_counts_segments_not_rows() {
    let mut outcome = rich_outcome(VendorKind::FOLDSPACE);
    outcome.profile.segments = (1..=3)
        .map(|i| Segment {
            id: Some(format!("p-{i}")),
            name: None,
            details: vec![Field::new("environment", serde_json::json!(i))],
        })
        .collect();
    let mut app = loaded_with(outcome, true);
    press(&mut app, "4");
    assert_eq!(app.profile().unwrap().row_count(Pane::Segments), 6);
    let text = screen_text(&mut app, 80, 24);
    assert!(text.contains("┏ Segments (3) "), "{text}");
    press(&mut app, "1");
    let text = screen_text(&mut app, 80, 24);
    assert!(text.contains("Segments       p-1, p-2, p-3"), "{text}");
}
