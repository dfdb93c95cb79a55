//! The terminal UI: pick a vendor, look a person up, browse the profile in panes.
//!
//! Layout: `app` (state + pure `update`), `message` (messages and effects), `keymap` (keys as
//! data), `runtime` (the event loop), `terminal` (setup/restore), `services` (lookups, keys,
//! demo server), `view` (a profile prepared for the panes), `ui` (drawing).

use std::io::IsTerminal;
use std::time::Instant;

use crate::cli::TuiArgs;

pub mod app;
pub mod clipboard;
pub mod error_view;
pub mod export;
pub mod fuzzy;
pub mod input;
pub mod json;
pub mod keymap;
pub mod message;
pub mod runtime;
pub mod services;
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
    let theme = ui::theme::Theme::from_env();
    // Bad arguments are reported first, terminal or not.
    let (services, init) = match services::prepare(&args, theme).await {
        Ok(prepared) => prepared,
        Err(e) => {
            eprintln!("userscope: {e}");
            return e.exit_code();
        }
    };
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        eprintln!(
            "userscope: the terminal UI needs a terminal; for scripts use `userscope get VENDOR ID`"
        );
        return 2;
    }
    let mut app = app::App::new(init, app::Clock::now());
    app.clipboard_warning = clipboard::support_warning(
        |n| std::env::var(n).ok(),
        clipboard::tmux_set_clipboard().as_deref(),
    );
    // `--demo` lookups are not real people: they stay out of the stored history.
    if !args.demo
        && let Some(path) = crate::history::default_path()
    {
        let entries = crate::history::load(&path);
        app.load_history(path, &entries);
    }
    let initial = app.initial_effects(args.lookup.is_some());
    let bench = std::env::var_os(BENCH_STARTUP_ENV).is_some();

    terminal::install_panic_hook();
    let (mut term, guard) = match terminal::setup() {
        Ok(t) => t,
        Err(e) => {
            terminal::restore();
            eprintln!("userscope: cannot set up the terminal: {e}");
            return 1;
        }
    };
    let options = runtime::RunOptions {
        exit_after_first_frame: bench.then_some(started),
    };
    let end = runtime::run(&mut term, &mut app, &services, initial, options).await;
    drop(guard);
    match end {
        Ok(runtime::RunEnd::Quit(code)) => code,
        Ok(runtime::RunEnd::FirstFrame(elapsed)) => {
            println!("first frame after {:.3} ms", elapsed.as_secs_f64() * 1000.0);
            0
        }
        Err(e) => {
            tracing::error!("terminal error: {e}");
            eprintln!("userscope: terminal error: {e}");
            1
        }
    }
}
