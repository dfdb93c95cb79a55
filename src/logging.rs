//! Logs go to a file in the state dir, never to the terminal (the TUI owns it).

use std::path::PathBuf;

/// The log file: `<state dir>/userscope.log`.
pub fn log_path() -> Option<PathBuf> {
    crate::config::state_dir().map(|d| d.join("userscope.log"))
}

/// Keeps the log file open; logging stops when dropped.
pub struct LogGuard;

/// Log to the file at `log_path()` (level from `USERSCOPE_LOG`, default `info`). Logging is
/// best effort: when the state dir cannot be written the app runs without a log.
pub fn init() -> Option<LogGuard> {
    use tracing_subscriber::EnvFilter;
    let path = log_path()?;
    let dir = path.parent()?;
    std::fs::create_dir_all(dir).ok()?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .ok()?;
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
