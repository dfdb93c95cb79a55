//! The TUI as a specification: key sequences → state (pure `update`, no terminal), and screens
//! drawn on a `TestBackend` compared with reviewed snapshots. Profiles come from the demo
//! fixtures through each adapter's `normalize`, so no network is involved.
//!
//! One test binary (`tui`), one module per area; the harness is `support`.

mod compare;
mod errors;
mod export;
mod history;
mod hostile;
mod input_limits;
mod movements;
mod open_file;
mod raw_tree;
mod snapshots;
mod support;
mod themes;
