//! What a person sees and keeps: a saved payload opened without a network, the history file
//! after a real run (the lookups, never the key), and filtering and folding in the panes.

use crate::faults::{PERSON, VendorEnv, canary_key, fault_script, serve_by_target};
use crate::support::leaks::files_containing;
use crate::tmux::Tmux;
use crate::{BIN, NAME, launch_line, run_without_terminal, tmux_available};

/// `userscope open FILE --vendor coho`: a saved payload in the TUI without any network; the Raw
/// pane folds, searches and shows paths; bad files exit 2 (missing) or 6 (not JSON).
#[test]
fn open_a_saved_payload_fold_and_search_the_raw_tree() {
    let missing = run_without_terminal(&["open", "/nonexistent/saved.json", "--vendor", "coho"]);
    assert_eq!(missing.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(
        stderr.contains("cannot read /nonexistent/saved.json"),
        "{stderr}"
    );
    if !tmux_available() {
        println!("SKIPPED: tmux is not installed (the CI script installs it)");
        return;
    }
    let tmux = Tmux::start("open");
    let file = tmux.home().join("saved.json");
    std::fs::write(
        &file,
        r#"{"userProperties": {"userId": "u-7", "name": "Ada Saved", "city": "Oslo", "properties": {"plan": "pro"}}, "calculatedProperties": {"score": 7}}"#,
    )
    .unwrap();
    let not_json = tmux.home().join("page.html");
    std::fs::write(&not_json, "<html>oops</html>").unwrap();

    tmux.line(&format!(
        "'{BIN}' open '{}' --vendor coho; echo USERSCOPE_EXITED_$?",
        file.display()
    ));
    tmux.wait_for(&["Ada Saved", "opened from", "saved.json"]);
    tmux.keys(&["8"]);
    tmux.wait_for(&["Source", "none: no request was made"]);
    tmux.keys(&["7"]);
    tmux.wait_for(&["Raw · 13 lines"]);
    tmux.keys(&["H"]);
    tmux.wait_for(&[
        "Raw · 4 lines",
        "\"userProperties\": { … },  6 lines folded",
    ]);
    tmux.keys(&["s"]);
    tmux.wait_for(&["Search Raw (regex):"]);
    tmux.line("plan");
    tmux.wait_for(&[
        "/plan/ 1 of 1 · $.userProperties.properties.plan",
        "\"plan\": \"pro\"",
    ]);
    tmux.keys(&["p"]);
    tmux.wait_for(&["$.userProperties.properties "]);
    tmux.keys(&["q"]);
    tmux.wait_for(&["USERSCOPE_EXITED_0"]);

    tmux.line(&format!(
        "'{BIN}' open '{}' --vendor coho; echo USERSCOPE_EXITED_$?",
        not_json.display()
    ));
    let screen = tmux.wait_for(&["USERSCOPE_EXITED_6"]);
    assert!(screen.contains("page.html is not JSON"), "{screen}");

    // A larger file: who it is first (from a sample), then every pane once it is all read.
    let big = tmux.home().join("big.json");
    let properties: serde_json::Map<String, serde_json::Value> = (0..40_000)
        .map(|i| {
            (
                format!("prop-{i:05}"),
                serde_json::json!(format!("value {i}")),
            )
        })
        .collect();
    let body = serde_json::json!({"userProperties": {"userId": "u-big", "name": "Big Saved",
        "email": "big@example.com", "properties": properties}});
    std::fs::write(&big, serde_json::to_vec(&body).unwrap()).unwrap();
    // As on a Linux console, which has no OSC 52 clipboard.
    tmux.line(&format!(
        "TERM=linux '{BIN}' open '{}' --vendor coho; echo USERSCOPE_EXITED_$?",
        big.display()
    ));
    tmux.wait_for(&["Big Saved", "<big@example.com>", "opened from"]);
    tmux.wait_for(&["Attributes    40000"]);
    tmux.keys(&["5"]);
    tmux.wait_for(&["prop-00000", "value 0"]);
    // A copy says it may not arrive (checked after the first frame, off the UI thread).
    tmux.keys(&["y"]);
    tmux.wait_for(&[
        "Copied 7 characters",
        "(but this terminal (linux) has no OSC 52 clipboard)",
    ]);
    tmux.keys(&["q"]);
    tmux.wait_for(&["USERSCOPE_EXITED_0"]);
}

/// The key's base64 in both alphabets and at the three byte alignments it can have inside a
/// longer encoded text (the edge characters, which mix in neighbouring bytes, left out).
fn base64_forms(key: &str) -> Vec<String> {
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
    let mut forms = Vec::new();
    for pad in 0..3 {
        let mut bytes = vec![b'x'; pad];
        bytes.extend_from_slice(key.as_bytes());
        for engine in [&STANDARD_NO_PAD, &URL_SAFE_NO_PAD] {
            let encoded = engine.encode(&bytes);
            let inner = encoded.get(4..encoded.len() - 4).unwrap().to_owned();
            assert!(inner.len() > 20, "the key is long enough to recognize");
            forms.push(inner);
        }
    }
    forms
}

/// A real run with a canary key in the environment: a rejected lookup (whose answer echoes the
/// key), then a found one, then `q`. The history file holds both lookups — connection,
/// vendor, kind, value, outcome — and neither the key nor its base64, nor the person's data.
#[test]
fn the_history_file_after_a_real_run_holds_the_lookups_and_never_the_key() {
    if !tmux_available() {
        println!("SKIPPED: tmux is not installed (the CI script installs it)");
        return;
    }
    let key = canary_key("hist");
    let decoy = serve_by_target(|_| Vec::new());
    let server = serve_by_target(fault_script(key.clone(), decoy.addr()));
    let env = VendorEnv::new(&key, &server.base_url(), "", "");
    let tmux = Tmux::start("history");
    tmux.wait_for(&["e2e$"]);
    tmux.line(&env.source_line());
    tmux.line(&format!(
        "'{BIN}' --vendor coho --lookup echo-401; echo USERSCOPE_EXITED_$?"
    ));
    tmux.wait_for(&["Key rejected", "API key · Coho"]);
    tmux.keys(&["Escape"]);
    tmux.wait_gone("API key · Coho");
    tmux.keys(&["C-u"]);
    tmux.line("u-ok");
    tmux.wait_for(&[PERSON, "8 Request"]);
    tmux.keys(&["q"]);
    tmux.wait_for(&["USERSCOPE_EXITED_0"]);

    let path = tmux.home().join("state/userscope/history.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("no history at {}: {e}", path.display()));
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let entries: Vec<serde_json::Value> = doc["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            // `at` is the run's time; checked for shape, then left out of the comparison.
            let at = e["at"].as_str().unwrap();
            assert!(chrono::DateTime::parse_from_rfc3339(at).is_ok(), "{at}");
            let mut e = e.clone();
            e.as_object_mut().unwrap().remove("at");
            e
        })
        .collect();
    assert_eq!(doc["version"], 1);
    assert_eq!(
        entries,
        vec![
            serde_json::json!({"connection": "coho", "vendor": "coho", "by": "id",
                               "value": "u-ok", "outcome": {"status": "ok"}}),
            serde_json::json!({"connection": "coho", "vendor": "coho", "by": "id",
                               "value": "echo-401",
                               "outcome": {"status": "error", "kind": "HTTP 401"}}),
        ],
        "{text}"
    );
    assert!(!text.contains(&key), "the key is in the history:\n{text}");
    // The detector finds the key encoded inside a longer base64 text, at any alignment.
    for prefix in ["Bearer ", "Token:", "k="] {
        use base64::Engine as _;
        let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{prefix}{key}"));
        assert!(
            base64_forms(&key).iter().any(|f| encoded.contains(f)),
            "{prefix}"
        );
    }
    for form in base64_forms(&key) {
        assert!(
            !text.contains(&form),
            "the key's base64 {form} is in the history"
        );
    }
    // Nor the person (vendor data stays out of the file).
    assert!(
        !text.contains(PERSON) && !text.contains("ann@example.com"),
        "{text}"
    );
    // And no other file under the state dir (log, temporary files) holds the key.
    let hits = files_containing(&tmux.home().join("state"), &key);
    assert!(hits.is_empty(), "key in {hits:?}");
}

/// The rows the focused pane shows (its borders are the heavy `┃`), whitespace runs collapsed.
fn focused_pane_rows(screen: &str) -> Vec<String> {
    screen
        .lines()
        .filter_map(|line| line.split('┃').nth(1))
        .map(|row| {
            row.trim_end_matches('█')
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|row| !row.is_empty())
        .collect()
}

/// As a person would: open a demo profile, filter the Attributes pane with `f`, clear it with
/// Esc, then fold and unfold a node of the Raw tree with Space, `h` and `l`.
#[test]
fn filter_the_attributes_pane_then_fold_the_raw_tree() {
    if !tmux_available() {
        println!("SKIPPED: tmux is not installed (the CI script installs it)");
        return;
    }
    let tmux = Tmux::start("filterfold");
    tmux.wait_for(&["e2e$"]);
    tmux.line(&launch_line(""));
    tmux.wait_for(&[NAME, "8 Request"]);

    // Attributes: 22 rows; `f` and "timefr" leave the four `….timeframe` rows.
    tmux.keys(&["5"]);
    let all = tmux.wait_for(&["Attributes (22)"]);
    let rows = focused_pane_rows(&all);
    assert_eq!(rows.len(), 22, "{all}");
    assert_eq!(rows[0], "company Northwind Logistics");
    tmux.keys(&["f"]);
    tmux.wait_for(&["Filter Attributes:", "Enter keeps · Esc clears"]);
    assert!(
        tmux.run(&["send-keys", "-t", "e2e", "-l", "timefr"])
            .status
            .success()
    );
    let filtered = tmux.wait_for(&[
        "Attributes (4 of 22) · filter “timefr”",
        "Filter Attributes: timefr",
    ]);
    assert_eq!(
        focused_pane_rows(&filtered),
        [
            "Sessions (30 days).timeframe 30 days",
            "Reports creat…ays).timeframe 7 days",
            "Active days (…ays).timeframe 90 days",
            "CSV exports (…ays).timeframe 30 days",
        ],
        "{filtered}"
    );
    assert!(!filtered.contains("Northwind Logistics"), "{filtered}");
    // Esc clears: every row is back.
    tmux.keys(&["Escape"]);
    let cleared = tmux.wait_for(&["Attributes (22)"]);
    assert!(!cleared.contains("filter “"), "{cleared}");
    assert_eq!(focused_pane_rows(&cleared), rows);

    // Raw: the second line is `"userProperties": {`; Space folds it, its children go.
    tmux.keys(&["7"]);
    tmux.wait_for(&["Raw · 103 lines", "\"name\": \"Hannah Okafor\","]);
    tmux.keys(&["j"]);
    tmux.wait_for(&["Raw · 103 lines · $.userProperties ━"]);
    tmux.keys(&["Space"]);
    let folded = tmux.wait_for(&[
        "Raw · 61 lines · $.userProperties ━",
        "\"userProperties\": { … },  41 lines folded",
    ]);
    let raw_rows = focused_pane_rows(&folded);
    assert_eq!(
        raw_rows[..4],
        [
            "{",
            "\"userProperties\": { … }, 41 lines folded",
            "\"calculatedProperties\": [",
            "{",
        ],
        "{folded}"
    );
    for child in ["\"userId\": \"u-1001\",", "\"name\": \"Hannah Okafor\","] {
        assert!(!folded.contains(child), "{child} is folded away:\n{folded}");
    }
    // `l` unfolds: the children are back in place.
    tmux.keys(&["l"]);
    let unfolded = tmux.wait_for(&["Raw · 103 lines · $.userProperties ━"]);
    assert_eq!(
        focused_pane_rows(&unfolded)[..4],
        [
            "{",
            "\"userProperties\": {",
            "\"userId\": \"u-1001\",",
            "\"name\": \"Hannah Okafor\",",
        ],
        "{unfolded}"
    );
    // `h` folds again and Space unfolds.
    tmux.keys(&["h"]);
    tmux.wait_for(&[
        "Raw · 61 lines",
        "\"userProperties\": { … },  41 lines folded",
    ]);
    tmux.keys(&["Space"]);
    tmux.wait_for(&["Raw · 103 lines", "\"userId\": \"u-1001\","]);

    tmux.keys(&["q"]);
    tmux.wait_for(&["USERSCOPE_EXITED_0"]);
}
