//! The TUI as a specification: key sequences → state (pure `update`, no terminal), and screens
//! drawn on a `TestBackend` compared with reviewed snapshots. Profiles come from the demo
//! fixtures through each adapter's `normalize`, so no network is involved.
//!
//! One test binary (`tui`), one module per area; the harness is `support`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_possible_wrap,
    clippy::cast_precision_loss,
    reason = "a test stops at its first broken expectation; its own numbers are not from the network"
)]

mod avatar;
mod compare;
mod curl;
mod errors;
mod export;
mod find;
mod history;
mod hostile;
mod input_limits;
mod input_rules;
mod movements;
mod open_file;
mod overview;
mod raw_tree;
mod snapshots;
mod stale_cells;
mod support;
mod themes;
mod watch;
