//! Watching a profile change in the real binary (issue 14): the live demo person (`u-live`,
//! whose `ticks` attribute moves every 3 s), `w`, the interval down to 2 s with `-`, and a
//! marked row with the header counting changes.

use crate::tmux::Tmux;
use crate::{BIN, tmux_available};

#[test]
fn w_on_the_live_demo_person_marks_a_changed_row() {
    if !tmux_available() {
        println!("SKIPPED: tmux is not installed (the CI script installs it)");
        return;
    }
    let tmux = Tmux::start("watch");
    tmux.wait_for(&["e2e$"]);
    tmux.line(&format!(
        "'{BIN}' --demo --vendor coho --lookup u-live; echo USERSCOPE_EXITED_$?"
    ));
    tmux.wait_for(&["Inès Moreau", "1 Overview"]);
    tmux.keys(&["w"]);
    tmux.wait_for(&["◉ watching · every 10 s · 0 changes"]);
    // Every 2 s (the floor): a further `-` says so.
    tmux.keys(&["-", "-", "-", "-", "-", "-", "-", "-", "-"]);
    tmux.wait_for(&["every 2 s", "Every 2 s is the shortest interval"]);
    // The Attributes pane: `ticks` marked once a refresh saw it move.
    tmux.keys(&["5"]);
    let screen = tmux.wait_for(&["●ticks"]);
    assert!(screen.contains("◉ watching · every 2 s · "), "{screen}");
    assert!(!screen.contains(" 0 changes"), "{screen}");
    // The Changes list names the path.
    tmux.keys(&["W"]);
    tmux.wait_for(&["Changes (", "attributes.ticks"]);
    // Apart: an Esc and a `q` sent together read as Alt-q.
    tmux.keys(&["Escape"]);
    tmux.wait_gone("Changes (");
    tmux.keys(&["q"]);
    tmux.wait_for(&["USERSCOPE_EXITED_0"]);
    assert!(!tmux.alternate_screen_on());
}
