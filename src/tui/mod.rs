//! The terminal UI: pick a vendor, look a person up, browse the profile in panes.
//!
//! Layout: `app` (the router: runtime-wide state, the screen in front, the overlay, and the
//! pure `update`), `screens/{start,profile,compare,find}` (each: its state, keys and `view`;
//! `find` is the All-vendors board and its merged view), `overlays` (help, detail, key
//! dialog, export, the pivot's vendor picker), `lookups` (connections, the lookup in flight,
//! recent lookups, profile cache), `message` (messages and effects), `keymap` (keys as data),
//! `view` (a profile prepared for the panes, from the pane table `view::PANES`), `ui` (drawing
//! shared by screens: chrome, layout, table, JSON tree, status line, themes), `runtime` (the
//! event loop), `terminal` (setup/restore), `size_guard` (no frame allocated for an absurd
//! terminal size), `services` (lookups, keys, demo server).

use std::io::IsTerminal;
use std::time::Instant;

use crate::cli::TuiArgs;

pub mod app;
pub mod avatar;
pub mod clipboard;
pub mod error_view;
pub mod export;
pub mod fuzzy;
pub mod input;
pub mod keymap;
pub mod lookups;
pub mod message;
pub mod overlays;
pub mod runtime;
pub mod screens;
pub mod services;
pub mod size_guard;
pub mod terminal;
pub mod text;
pub mod ui;
pub mod view;

/// Set to any value: draw the first frame, restore the terminal, print the milliseconds from
/// the start of `run` to the first frame, and exit (for the startup benchmark).
pub const BENCH_STARTUP_ENV: &str = "USERSCOPE_BENCH_STARTUP";

/// Run the TUI until the operator quits; returns the process exit code.
pub async fn run(args: TuiArgs) -> i32 {
    let started = Instant::now();
    // Bad arguments are reported first, terminal or not.
    let (mut services, init) = match prepare_or_report(&args).await {
        Ok(prepared) => prepared,
        Err(code) => return code,
    };
    if let Err(code) = require_terminal("`userscope get VENDOR ID`") {
        return code;
    }
    let mut app = app::App::new(init, app::Clock::now());
    // `--demo` lookups are not real people: they stay out of the stored history.
    if !args.demo
        && let Some(path) = crate::history::default_path()
    {
        let entries = crate::history::load(&path);
        app.load_history(path, &entries);
    }
    let mut initial = app.initial_effects(args.lookup.is_some());
    initial.push(message::Effect::CheckClipboard);
    let bench = std::env::var_os(BENCH_STARTUP_ENV).is_some();

    let (mut term, guard) = match take_terminal() {
        Ok(t) => t,
        Err(code) => return code,
    };
    // The graphics query talks to the terminal: after the alternate screen, before the event
    // stream reads (else the answer arrives as keys).
    let vendors = app.lookups.connections.iter().map(|c| c.vendor);
    if !bench && avatar::may_be_used(services.avatars, vendors) {
        services.picker = avatar::query_terminal();
    }
    let options = runtime::RunOptions {
        exit_after_first_frame: bench.then_some(started),
    };
    let end = runtime::run(&mut term, &mut app, &services, initial, options).await;
    drop(guard);
    exit_code(end, "first frame")
}

/// Load the config and resolve the startup arguments, printing a usage error before the
/// terminal is taken over. Shared by `userscope` and `userscope open`; `Err` is the exit code.
pub(crate) async fn prepare_or_report(
    args: &TuiArgs,
) -> Result<(services::Services, app::AppInit), i32> {
    let report = |e: crate::error::LookupError| {
        eprintln!("userscope: {e}");
        e.exit_code()
    };
    let config = crate::config::Config::load().map_err(report)?;
    services::prepare(args, ui::theme::Theme::from_env(), &config)
        .await
        .map_err(report)
}

/// The TUI needs a terminal on both ends; scripts are pointed at `for_scripts` instead.
pub(crate) fn require_terminal(for_scripts: &str) -> Result<(), i32> {
    if std::io::stdout().is_terminal() && std::io::stdin().is_terminal() {
        return Ok(());
    }
    eprintln!("userscope: the terminal UI needs a terminal; for scripts use {for_scripts}");
    Err(2)
}

/// Install the panic hook, then switch to the alternate screen in raw mode.
pub(crate) fn take_terminal() -> Result<(terminal::Term, terminal::TerminalGuard), i32> {
    terminal::install_panic_hook();
    terminal::setup().map_err(|e| {
        terminal::restore();
        eprintln!("userscope: cannot set up the terminal: {e}");
        1
    })
}

/// The process exit code once the event loop has ended (terminal already restored).
pub(crate) fn exit_code(end: std::io::Result<runtime::RunEnd>, first_frame: &str) -> i32 {
    match end {
        Ok(runtime::RunEnd::Quit(code)) => code,
        Ok(runtime::RunEnd::FirstFrame(elapsed)) => {
            println!(
                "{first_frame} after {:.3} ms",
                elapsed.as_secs_f64() * 1000.0
            );
            0
        }
        Err(e) => {
            tracing::error!("terminal error: {e}");
            eprintln!("userscope: terminal error: {e}");
            1
        }
    }
}
