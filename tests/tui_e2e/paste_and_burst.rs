//! Input we are pasted (issue 17 item 2), in a real terminal: a 100 KB bracketed paste into the
//! lookup field is one capped edit (the UI stays responsive and says it cut the paste), and
//! Ctrl-C right after a burst of 10,000 keys ends the app at once with the terminal restored
//! (alternate screen left, bracketed paste off again).

use std::time::{Duration, Instant};

use crate::tmux::Tmux;
use crate::{BIN, tmux_available};

const CUT: &str = "Input cut at 4096 bytes";

/// Poll (every 5 ms, bounded) until `needle` is on screen; how long it took.
fn time_until(tmux: &Tmux, needle: &str, bound: Duration) -> Duration {
    let started = Instant::now();
    loop {
        let screen = tmux.screen();
        if screen.contains(needle) {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < bound,
            "{needle:?} not seen within {bound:?}; screen:\n{screen}"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// The demo on its start screen, the lookup field focused.
fn started(tag: &str) -> Tmux {
    let tmux = Tmux::start(tag);
    tmux.wait_for(&["e2e$"]);
    tmux.line(&format!("'{BIN}' --demo; echo USERSCOPE_EXITED_$?"));
    tmux.wait_for(&["press Enter"]);
    tmux
}

/// Ctrl-C ends the app quickly (from the Ctrl-C to the shell's echo), and the terminal is the
/// shell's again: normal screen, and no bracketed paste left on (a paste would otherwise arrive
/// wrapped in `ESC [200~`, shown by the shell as `^[[200~`).
fn ctrl_c_exits_and_restores(tmux: &Tmux, after: &str) {
    tmux.keys(&["C-c"]);
    let exit_time = time_until(tmux, "USERSCOPE_EXITED_130", Duration::from_secs(10));
    println!("exited {exit_time:?} after Ctrl-C {after}");
    assert!(exit_time < Duration::from_secs(2), "{exit_time:?}");
    assert!(!tmux.alternate_screen_on());
    assert!(
        tmux.run(&["set-buffer", "-b", "small", "echo PASTED_$((40+2))"])
            .status
            .success()
    );
    assert!(
        tmux.run(&["paste-buffer", "-p", "-b", "small", "-t", "e2e"])
            .status
            .success()
    );
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for(&["PASTED_42"]);
    assert!(!screen.contains("[200~"), "{screen}");
}

#[test]
fn a_100_kb_bracketed_paste_is_one_capped_edit() {
    if !tmux_available() {
        println!("SKIPPED: tmux is not installed (the CI script installs it)");
        return;
    }
    let tmux = started("paste");

    // 100 KB in lines: pasted without brackets, every newline would be an Enter (a lookup).
    let line = format!("{}\n", "p".repeat(99));
    let big = line.repeat(1024);
    assert_eq!(big.len(), 100 * 1024);
    let file = tmux.home().join("paste.txt");
    std::fs::write(&file, &big).unwrap();
    let file = file.display().to_string();
    assert!(
        tmux.run(&["load-buffer", "-b", "big", &file])
            .status
            .success()
    );
    let started = Instant::now();
    assert!(
        tmux.run(&["paste-buffer", "-p", "-b", "big", "-t", "e2e"])
            .status
            .success()
    );
    let screen = tmux.wait_for(&[CUT]);
    let paste_time = started.elapsed();
    println!("100 KB paste shown (cut notice on screen) after {paste_time:?}");
    assert!(paste_time < Duration::from_secs(5), "{paste_time:?}");
    assert!(screen.contains("› pppp"), "{screen}");
    assert!(!screen.contains("Looking up"), "no newline ran a lookup");
    // Still responsive: Ctrl-U clears the field at once.
    let started = Instant::now();
    tmux.keys(&["C-u"]);
    time_until(&tmux, "press Enter", Duration::from_secs(2));
    println!("Ctrl-U after the paste answered in {:?}", started.elapsed());
    ctrl_c_exits_and_restores(&tmux, "after a 100 KB paste");
}

/// Needs crossterm's `use-dev-tty` reader: its default (mio) reader reads 1 KiB per wake-up
/// of an edge-triggered poll and leaves the rest of a burst unread until more input arrives
/// (crossterm PR #1057), so the Ctrl-C behind 10,000 keys was never seen.
#[test]
fn ctrl_c_right_behind_a_10000_key_burst_quits_at_once() {
    if !tmux_available() {
        println!("SKIPPED: tmux is not installed (the CI script installs it)");
        return;
    }
    let tmux = started("burst");
    let burst = "k".repeat(10_000);
    assert!(
        tmux.run(&["send-keys", "-t", "e2e", "-l", &burst])
            .status
            .success()
    );
    ctrl_c_exits_and_restores(&tmux, "right behind a 10,000-key burst");
}
