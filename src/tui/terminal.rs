//! Taking over the terminal and always giving it back: on quit, on error, on panic (restore
//! first, then the panic message and where the log is), and via a guard on every other exit.

use std::io::{self, BufWriter, Stdout, stdout};
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

use crate::tui::size_guard::CappedBackend;

/// Frames go out in one write: `Stdout` alone flushes every kilobyte, and a terminal (or tmux)
/// that gets a frame in pieces may draw the pieces. Ratatui flushes after each frame. The
/// backend hides absurd terminal sizes from ratatui (`size_guard`): draw through
/// `size_guard::draw`.
pub type Term = Terminal<CappedBackend<CrosstermBackend<BufWriter<Stdout>>>>;

/// Large enough for a full frame of a big terminal with colours.
const FRAME_BUFFER_BYTES: usize = 256 * 1024;

/// Restores the terminal when dropped, however the TUI ends.
pub struct TerminalGuard;

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Whether the terminal is currently taken over. Restoring twice must not happen: leaving the
/// alternate screen a second time restores the saved cursor again and jumps back over whatever
/// was printed since (the panic message).
static ACTIVE: AtomicBool = AtomicBool::new(false);

pub fn setup() -> io::Result<(Term, TerminalGuard)> {
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    let guard = TerminalGuard;
    // Bracketed paste: a paste arrives as one event (one edit), not as thousands of keys that
    // could each run a command.
    execute!(
        stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste
    )?;
    let terminal = Terminal::new(CappedBackend::new(CrosstermBackend::new(
        BufWriter::with_capacity(FRAME_BUFFER_BYTES, stdout()),
    )))?;
    Ok((terminal, guard))
}

/// Leave the alternate screen, stop mouse capture and bracketed paste (a shell left with it on
/// shows `^[[200~` around every paste), show the cursor, cooked mode. Runs once per
/// setup however many exits call it; best effort: it runs from the panic hook, where there is
/// nobody to report a failure to.
pub fn restore() {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return;
    }
    let _ = execute!(
        stdout(),
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    let _ = disable_raw_mode();
}

/// Restore the terminal before the panic is printed (else it lands on the alternate screen and
/// vanishes), then chain to the previous hook, then say where the log is.
///
/// A panic on a worker thread (inside a lookup task) must not tear the screen down under a
/// running UI: it is logged, and the runtime turns the failed task into an error state.
pub fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().name() != Some("main") {
            tracing::error!("panic in a background task: {info}");
            return;
        }
        restore();
        tracing::error!("panic: {info}");
        previous(info);
        if let Some(path) = crate::logging::log_path() {
            eprintln!(
                "userscope crashed; details are in the log: {}",
                path.display()
            );
        }
    }));
}
