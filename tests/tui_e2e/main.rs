//! The real binary in a real terminal (tmux): start with `--demo --vendor coho --lookup`, see
//! the person, walk every pane, open the help, quit, and check the shell got its screen back.
//! Skips (with a message) when tmux is not installed; the CI script installs it.
//!
//! `tmux` is the harness; the tests are in `basics` (start, browse, quit, signals, panics,
//! bad arguments), `faults` (a faulty vendor server and a key that must never leak) and
//! `history_and_raw_tree` (the history file, a saved payload, filtering and folding), `find`
//! (All vendors: the board and the merged view), `cancel` (Esc on a slow lookup, then `q`) and
//! `paste_and_burst` (a 100 KB paste, Ctrl-C behind 10,000 keys).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_possible_wrap,
    clippy::cast_precision_loss,
    reason = "a test stops at its first broken expectation; its own numbers are not from the network"
)]

#[path = "../support/mod.rs"]
mod support;

mod basics;
mod cancel;
mod faults;
mod find;
mod history_and_raw_tree;
mod paste_and_burst;
mod tmux;
mod watch;

use std::process::{Command, Output};

use support::home::Home;

const BIN: &str = env!("CARGO_BIN_EXE_userscope");
const NAME: &str = "Hannah Okafor"; // the rich Coho demo user u-1001

fn tmux_available() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn launch_line(extra: &str) -> String {
    format!("{extra}'{BIN}' --demo --vendor coho --lookup u-1001; echo USERSCOPE_EXITED_$?")
}

fn run_without_terminal(args: &[&str]) -> Output {
    let home = Home::new();
    Command::new(BIN)
        .args(args)
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_STATE_HOME", home.path().join("state"))
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}
