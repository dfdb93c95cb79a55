//! The event loop: one queue of messages from the terminal, finished tasks, ticks and signals;
//! `update` on each; effects run as spawned tasks that report back as messages. The screen is
//! redrawn only when the queue is drained and something changed, so the UI never waits on I/O.
//!
//! Each wake-up takes every terminal event that is ready (a burst of thousands of keys is one
//! batch, drawn once), and a quit anywhere in the batch is handled before the rest of it, so
//! Ctrl-C ends the app at once whatever was typed or pasted before it.

use std::collections::{HashMap, VecDeque};
use std::io;
use std::time::{Duration, Instant};

use crossterm::event::{Event, EventStream, KeyEventKind, MouseEventKind};
use futures::StreamExt;
use ratatui::layout::Rect;
use tokio::sync::mpsc::{self, UnboundedSender};
use tokio_util::sync::CancellationToken;

use crate::error::LookupError;
use crate::tui::app::{App, Clock, update};
use crate::tui::keymap::{Action, Context};
use crate::tui::message::{Effect, LoadedFile, Message, PastedText, RequestId};
use crate::tui::services::{self, Services};
use crate::tui::terminal::Term;
use crate::tui::ui;

/// Debug builds: panic right after the first frame, or with the value `profile` after the first
/// frame that shows a profile (for the panic-hook end-to-end tests).
pub const TEST_PANIC_ENV: &str = "USERSCOPE_TEST_PANIC_AFTER_FIRST_FRAME";

const ANIMATION_TICK: Duration = Duration::from_millis(100);
/// Relative ages ("3 minutes ago") refresh this often when nothing else happens.
const IDLE_TICK: Duration = Duration::from_secs(30);
/// While a profile is watched: how often the app is asked whether a refresh is due, and the
/// header's "last 12 s ago" moves (the minimum interval is 2 s, so a refresh is at most this
/// late).
const WATCH_TICK: Duration = Duration::from_millis(500);

/// Messages handled between two looks for more terminal input inside one long batch (a quit
/// typed while a huge batch is worked through is seen after at most this many).
const CHECK_INPUT_EVERY: usize = 256;

/// Turn a terminal event into a message; `None` for events that change nothing (key releases,
/// mouse motion), so they cause no redraw.
pub fn from_terminal(event: Event) -> Option<Message> {
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => Some(Message::Key(key)),
        Event::Paste(text) => Some(Message::Paste(PastedText(text))),
        Event::Mouse(m) => match m.kind {
            MouseEventKind::Moved | MouseEventKind::Drag(_) | MouseEventKind::Up(_) => None,
            _ => Some(Message::Mouse(m)),
        },
        Event::Resize(width, height) => Some(Message::Resize { width, height }),
        _ => None,
    }
}

/// Whether `message` ends the app whatever comes before it: the force-quit key (Ctrl-C, quits
/// in every context, typing or not) or a signal.
fn is_quit(app: &App, message: &Message) -> bool {
    match message {
        Message::Terminate { .. } => true,
        Message::Key(key) => {
            app.keymap.action_for(key, &[Context::Global], false) == Some(Action::ForceQuit)
        }
        _ => false,
    }
}

/// Queue `message` for this batch: a quit goes to the front, so that it is handled before
/// the thousands of keys that may be queued ahead of it.
pub fn enqueue(app: &App, batch: &mut VecDeque<Message>, message: Message) {
    if is_quit(app, &message) {
        batch.push_front(message);
    } else {
        batch.push_back(message);
    }
}

/// How long one look for more input may wait. Not zero: crossterm's `/dev/tty` reader does
/// not look at the terminal at all for a zero timeout, only at what it parsed before.
const READY_NOW: Duration = Duration::from_micros(1);

/// Every terminal event ready now, without waiting: looked for until none is left (a bracketed
/// paste is one event).
fn drain_terminal(app: &App, batch: &mut VecDeque<Message>) -> io::Result<()> {
    while crossterm::event::poll(READY_NOW)? {
        if let Some(message) = from_terminal(crossterm::event::read()?) {
            enqueue(app, batch, message);
        }
    }
    Ok(())
}

/// Handle a batch in order (its quits first); stops as soon as the app is to end. Between
/// every `CHECK_INPUT_EVERY` messages `more` may add what arrived meanwhile.
pub fn handle_batch(
    app: &mut App,
    batch: &mut VecDeque<Message>,
    mut run: impl FnMut(&mut App, Effect),
    mut more: impl FnMut(&App, &mut VecDeque<Message>) -> io::Result<()>,
) -> io::Result<()> {
    let mut handled = 0usize;
    while let Some(message) = batch.pop_front() {
        app.clock = Clock::now();
        for effect in update(app, message) {
            run(app, effect);
        }
        if app.exit.is_some() {
            batch.clear();
            return Ok(());
        }
        handled += 1;
        if handled.is_multiple_of(CHECK_INPUT_EVERY) {
            more(app, batch)?;
        }
    }
    Ok(())
}

struct Executor<'a> {
    services: &'a Services,
    tx: UnboundedSender<Message>,
    tokens: HashMap<RequestId, CancellationToken>,
}

impl Executor<'_> {
    fn run(&mut self, effect: Effect) {
        match effect {
            Effect::StartLookup {
                request,
                connection,
                lookup,
            } => {
                let token = CancellationToken::new();
                self.tokens.insert(request, token.clone());
                let lookuper = self.services.lookuper.clone();
                let tx = self.tx.clone();
                tracing::info!(request, vendor = %connection.vendor, by = %lookup.by, "lookup started");
                tokio::spawn(async move {
                    let (events_tx, mut events_rx) = mpsc::unbounded_channel();
                    let progress_tx = tx.clone();
                    let forward = tokio::spawn(async move {
                        while let Some(event) = events_rx.recv().await {
                            let _ = progress_tx.send(Message::LookupProgress { request, event });
                        }
                    });
                    // Run in its own task so that a panic becomes an error state, not a
                    // spinner that never stops.
                    let task = tokio::spawn(async move {
                        lookuper
                            .run(&connection, &lookup, Some(events_tx), token)
                            .await
                    });
                    let result = task.await.unwrap_or_else(|e| {
                        let log = crate::logging::log_path()
                            .map(|p| p.display().to_string())
                            .unwrap_or_else(|| "the log".to_owned());
                        Err(LookupError::Usage(format!(
                            "internal error while looking up ({}); details are in {log}",
                            if e.is_panic() {
                                "a bug: it panicked"
                            } else {
                                "the task was stopped"
                            }
                        )))
                    });
                    let _ = forward.await;
                    let index = match &result {
                        Ok(outcome) => {
                            let raw = outcome.raw.clone();
                            tokio::task::spawn_blocking(move || crate::json::index(&raw))
                                .await
                                .ok()
                                .map(Box::new)
                        }
                        Err(_) => None,
                    };
                    let _ = tx.send(Message::LookupDone {
                        request,
                        result: Box::new(result),
                        index,
                    });
                });
            }
            Effect::StartFind {
                request,
                query,
                targets,
            } => {
                let token = CancellationToken::new();
                self.tokens.insert(request, token.clone());
                let plan = crate::find::Plan::new(query, targets, &self.services.find, true);
                tracing::info!(request, class = %plan.query.class, rows = plan.rows.len(), "find started");
                let tx = self.tx.clone();
                let lookuper = self.services.lookuper.clone();
                tokio::spawn(async move {
                    let mut events = crate::find::start(plan, lookuper, token);
                    while let Some(event) = events.recv().await {
                        let message = Message::FindProgress {
                            request,
                            event: Box::new(event),
                        };
                        if tx.send(message).is_err() {
                            break;
                        }
                    }
                });
            }
            Effect::LoadAvatar { url, vendor } => {
                let tx = self.tx.clone();
                let client = self.services.avatar_client.clone();
                let picker = self.services.picker.clone();
                tracing::info!(vendor = %vendor, "avatar requested");
                tokio::spawn(async move {
                    let message = crate::tui::avatar::load(
                        client,
                        url,
                        crate::avatar::Transport::HttpsOnly,
                        vendor,
                        picker,
                    )
                    .await;
                    let _ = tx.send(message);
                });
            }
            Effect::CheckClipboard => {
                let tx = self.tx.clone();
                tokio::task::spawn_blocking(move || {
                    let warning = crate::tui::clipboard::support_warning(
                        |n| std::env::var(n).ok(),
                        crate::tui::clipboard::tmux_set_clipboard().as_deref(),
                    );
                    let _ = tx.send(Message::ClipboardChecked(warning));
                });
            }
            Effect::LoadFile(job) => {
                let tx = self.tx.clone();
                tokio::task::spawn_blocking(move || {
                    let loaded = crate::tui::view::load_view(job);
                    let _ = tx.send(Message::FileLoaded(Box::new(LoadedFile(loaded))));
                });
            }
            Effect::CancelLookup { request } => {
                if let Some(token) = self.tokens.remove(&request) {
                    tracing::info!(request, "lookup cancelled");
                    token.cancel();
                }
            }
            Effect::CheckKeys(connections) => {
                let keys = self.services.keys.clone();
                let tx = self.tx.clone();
                tokio::task::spawn_blocking(move || {
                    let statuses = services::key_statuses(keys.as_ref(), &connections);
                    let _ = tx.send(Message::KeyStatuses(statuses));
                });
            }
            Effect::Copy(text) => {
                // OSC 52: the terminal puts the base64 payload on the clipboard. Written between
                // frames, never inside one.
                let sequence = crate::tui::clipboard::osc52(&text);
                let mut out = std::io::stdout();
                if let Err(e) = std::io::Write::write_all(&mut out, &sequence)
                    .and_then(|()| std::io::Write::flush(&mut out))
                {
                    tracing::warn!("copy to clipboard failed: {e}");
                }
                // On a local desktop also the system clipboard, for terminals without OSC 52.
                crate::tui::clipboard::system_copy(&text);
            }
            Effect::Export { file_name, json } => {
                let tx = self.tx.clone();
                tokio::task::spawn_blocking(move || {
                    // Same safe writer as the export dialog: never through a symlink, never
                    // over an existing file.
                    let dir = std::env::current_dir().unwrap_or_else(|_| ".".into());
                    use crate::tui::export::{ExportError, write};
                    let message = match write(&dir, &file_name, json.as_bytes(), false) {
                        Ok(path) => Message::Exported(Ok(path)),
                        Err(ExportError::Exists(name)) => Message::ExportExists(name),
                        Err(e) => Message::Exported(Err(e.to_string())),
                    };
                    let _ = tx.send(message);
                });
            }
            Effect::SaveHistory { path, entries } => {
                let tx = self.tx.clone();
                tokio::task::spawn_blocking(move || {
                    let result = crate::history::save(&path, &entries).map_err(|e| {
                        tracing::warn!(path = %path.display(), "cannot write the history: {e}");
                        e.to_string()
                    });
                    let _ = tx.send(Message::HistorySaved(result));
                });
            }
            Effect::WriteExport {
                file_name,
                bytes,
                overwrite,
            } => {
                let tx = self.tx.clone();
                tokio::task::spawn_blocking(move || {
                    let dir = std::env::current_dir().unwrap_or_else(|_| ".".into());
                    use crate::tui::export::{ExportError, write};
                    let message = match write(&dir, &file_name, &bytes, overwrite) {
                        Ok(path) => Message::Exported(Ok(path)),
                        Err(ExportError::Exists(name)) => Message::ExportExists(name),
                        Err(e) => Message::Exported(Err(e.to_string())),
                    };
                    let _ = tx.send(message);
                });
            }
            Effect::ClearHistory { path } => {
                tokio::task::spawn_blocking(move || {
                    if let Err(e) = crate::history::clear(&path) {
                        tracing::warn!(path = %path.display(), "cannot clear the history: {e}");
                    }
                });
            }
            Effect::SaveKey { connection, key } => {
                let tx = self.tx.clone();
                tokio::task::spawn_blocking(move || {
                    let result = services::save_key(&connection, &key);
                    if let Err(e) = &result {
                        tracing::warn!(connection = %connection.name, "saving the key failed: {e}");
                    }
                    let _ = tx.send(Message::KeySaved {
                        connection: connection.name.clone(),
                        result,
                    });
                });
            }
        }
    }
}

/// What the loop was asked to do besides running the app (the startup benchmark hook).
#[derive(Clone, Copy, Debug, Default)]
pub struct RunOptions {
    /// Stop right after the first frame and return how long it took from this instant.
    pub exit_after_first_frame: Option<Instant>,
}

pub enum RunEnd {
    Quit(i32),
    FirstFrame(Duration),
}

pub async fn run(
    terminal: &mut Term,
    app: &mut App,
    services: &Services,
    initial: Vec<Effect>,
    options: RunOptions,
) -> io::Result<RunEnd> {
    let (tx, mut rx) = mpsc::unbounded_channel::<Message>();
    let mut exec = Executor {
        services,
        tx,
        tokens: HashMap::new(),
    };
    // The real size, not the one the capped backend gives ratatui.
    let size = terminal.backend().real_size()?;
    app.size = Rect::new(0, 0, size.width, size.height);
    app.watch_setup = services.watch.clone();
    app.avatar_setup = services.avatars;
    // Started once the first frame is out, so that it gets the machine to itself.
    let mut initial = Some(initial);
    let mut events = EventStream::new();
    let mut animation = tokio::time::interval(ANIMATION_TICK);
    animation.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut watch = tokio::time::interval(WATCH_TICK);
    watch.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut idle = tokio::time::interval(IDLE_TICK);
    idle.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut signals = Signals::new()?;
    let mut dirty = true;

    loop {
        if dirty {
            ui::draw(terminal, app)?;
            dirty = false;
            for effect in initial.take().into_iter().flatten() {
                exec.run(effect);
            }
            if let Some(start) = options.exit_after_first_frame {
                return Ok(RunEnd::FirstFrame(start.elapsed()));
            }
            // Debug builds only: lets the end-to-end test prove that a panic restores the
            // terminal and prints the message and the log path on the normal screen. With the
            // value `profile` it waits for a finished lookup, so the crash happens while a key
            // and a vendor's answer are in memory.
            if cfg!(debug_assertions)
                && let Some(when) = std::env::var_os(TEST_PANIC_ENV)
                && (when != "profile" || app.profile().is_some())
            {
                panic!("test panic requested by {TEST_PANIC_ENV}");
            }
        }
        if let Some(code) = app.exit {
            for (_, token) in exec.tokens.drain() {
                token.cancel();
            }
            return Ok(RunEnd::Quit(code));
        }
        let message = tokio::select! {
            event = events.next() => match event {
                Some(Ok(event)) => from_terminal(event),
                Some(Err(e)) => return Err(e),
                None => Some(Message::Terminate { exit_code: 1 }),
            },
            Some(message) = rx.recv() => Some(message),
            _ = animation.tick(), if app.animating() => Some(Message::Tick),
            _ = watch.tick(), if app.watching().is_some() => Some(Message::Tick),
            _ = idle.tick() => Some(Message::Tick),
            code = signals.next() => Some(Message::Terminate { exit_code: code }),
        };
        // This wake-up's batch: what woke us, every terminal event ready, every finished task.
        let mut batch = VecDeque::new();
        if let Some(message) = message {
            enqueue(app, &mut batch, message);
        }
        drain_terminal(app, &mut batch)?;
        while let Ok(next) = rx.try_recv() {
            enqueue(app, &mut batch, next);
        }
        if batch.is_empty() {
            continue;
        }
        // A finished lookup has nothing left to cancel.
        for message in &batch {
            match message {
                Message::LookupDone { request, .. } => {
                    exec.tokens.remove(request);
                }
                Message::FindProgress { request, event }
                    if matches!(**event, crate::find::FindEvent::Done(_)) =>
                {
                    exec.tokens.remove(request);
                }
                _ => {}
            }
        }
        handle_batch(
            app,
            &mut batch,
            |_, effect| exec.run(effect),
            drain_terminal,
        )?;
        dirty = true;
    }
}

/// SIGTERM, SIGHUP and SIGINT (Ctrl-C arrives as a key in raw mode; a SIGINT from `kill` does
/// not) end the app through the normal path, so the terminal is restored.
struct Signals {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    hup: tokio::signal::unix::Signal,
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
}

impl Signals {
    #[cfg(unix)]
    fn new() -> io::Result<Signals> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Signals {
            term: signal(SignalKind::terminate())?,
            hup: signal(SignalKind::hangup())?,
            int: signal(SignalKind::interrupt())?,
        })
    }

    #[cfg(not(unix))]
    fn new() -> io::Result<Signals> {
        Ok(Signals {})
    }

    /// The exit code for the next signal (128 + signal number).
    #[cfg(unix)]
    async fn next(&mut self) -> i32 {
        tokio::select! {
            _ = self.term.recv() => 143,
            _ = self.hup.recv() => 129,
            _ = self.int.recv() => 130,
        }
    }

    #[cfg(not(unix))]
    async fn next(&mut self) -> i32 {
        let _ = tokio::signal::ctrl_c().await;
        130
    }
}
