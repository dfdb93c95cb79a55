//! Logs go to a file in the state dir, never to the terminal (the TUI owns it).

use std::path::PathBuf;

/// The log file: `<state dir>/userscope.log`.
pub fn log_path() -> Option<PathBuf> {
    crate::config::state_dir().map(|d| d.join("userscope.log"))
}

/// Keeps the log file open; logging stops when dropped.
pub struct LogGuard;

/// Log to the file at `log_path()` (level from `USERSCOPE_LOG`, default `info`). Logging is
/// best effort: when the state dir cannot be written the app runs without a log. At `info`
/// nothing a lookup was for (an ID, an email, a URL with them) is logged; `debug` may.
pub fn init() -> Option<LogGuard> {
    use tracing_subscriber::EnvFilter;
    let path = log_path()?;
    // Private (0600 in a 0700 dir) and never appended through a symlink: the log names the
    // connections and vendors an operator works with.
    let file = match crate::fsio::open_log(&path) {
        Ok(file) => file,
        Err(e) => {
            // Before the TUI takes the terminal, so it is seen; the app runs on without a log.
            eprintln!(
                "userscope: not logging to {}: {e}",
                crate::fsio::shown(&path)
            );
            return None;
        }
    };
    let filter =
        EnvFilter::try_from_env("USERSCOPE_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(std::sync::Mutex::new(file))
        .try_init()
        .ok()?;
    Some(LogGuard)
}
