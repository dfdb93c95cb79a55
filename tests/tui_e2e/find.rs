//! All vendors in a real terminal: `userscope --demo`, All vendors (it heads the list), the
//! demo person's email, the board filling from the demo vendors, `M` showing the name spelled
//! differently at one vendor, `q`.

use crate::tmux::Tmux;
use crate::{BIN, tmux_available};

const EMAIL: &str = "mara.lindqvist@example.org";

#[test]
fn all_vendors_board_then_merged_view_shows_the_name_conflict() {
    if !tmux_available() {
        println!("SKIPPED: tmux is not installed (the CI script installs it)");
        return;
    }
    let tmux = Tmux::start("find");
    tmux.wait_for(&["e2e$"]);
    tmux.line(&format!("'{BIN}' --demo; echo USERSCOPE_EXITED_$?"));
    tmux.wait_for(&["All vendors", "▶ Coho", "Look up at Coho"]);
    // All vendors heads the list: one Up from the first vendor.
    tmux.keys(&["Up"]);
    tmux.wait_for(&["▶ All vendors", "Find at all vendors", "by  email   id"]);
    tmux.line(EMAIL);
    // By email: User.com, Vemetric and the demo's config-defined vendor are asked, the others
    // say why not.
    let board = tmux.wait_for(&[
        "Board · 6 connections",
        "every connection answered",
        "Mara Lindquist",
    ]);
    assert!(board.contains("found at 3 of 6"), "{board}");
    for needle in [
        "– skipped",
        "Coho looks people up by your product's user ID only",
        "ChakraHQ looks people up by its own user ID only",
    ] {
        assert!(board.contains(needle), "{needle}:\n{board}");
    }
    tmux.keys(&["M"]);
    let merged = tmux.wait_for(&["Merged · 3 found", "≠ displayName"]);
    let name_row = merged
        .lines()
        .find(|l| l.contains("≠ displayName"))
        .unwrap();
    assert!(
        name_row.contains("Mara Lindquist") && name_row.contains("Mara Lindqvist"),
        "both spellings side by side: {name_row}"
    );
    assert!(merged.contains("usercom · User.com"), "{merged}");
    assert!(merged.contains("vemetric · Vemetric"), "{merged}");
    tmux.keys(&["q"]);
    tmux.wait_for(&["USERSCOPE_EXITED_0"]);
    assert!(!tmux.alternate_screen_on(), "the shell has its screen back");
}
