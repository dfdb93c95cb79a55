//! The router: the runtime-wide state (keys, theme, clock, size, lookups, notice, exit) and the
//! screen in front, each screen owning its own state (`tui::screens`), with at most one
//! overlay over it (`tui::overlays`). `update` is the only place state changes; it does no
//! I/O: work in the outside world is returned as `Effect`s, and the time is state the runtime
//! sets, so every behaviour can be tested by feeding messages. Messages go to the overlay or
//! the screen in front; changes that involve another screen are `Transition`s made here.

use std::time::Instant;

use chrono::{DateTime, Utc};
use ratatui::layout::Rect;

use crate::lookup::LookupEvent;
use crate::sanitize::sanitize;
pub use crate::tui::error_view::{ErrorKind, ErrorView};
use crate::tui::keymap::{Context, KeyMap};
use crate::tui::lookups::RateWait;
pub use crate::tui::lookups::{ConnEntry, Lookups, RecentLookup};
use crate::tui::message::{Effect, Message};
use crate::tui::overlays::Overlay;
use crate::tui::screens::Parked;
use crate::tui::screens::compare::CompareState;
use crate::tui::screens::find::FindState;
use crate::tui::screens::profile::{ProfileState, WatchSetup};
pub use crate::tui::screens::start::{DemoHint, StartFocus, StartState};
pub use crate::tui::screens::{Screen, ScreenKind};
use crate::tui::ui::theme::Theme;
use crate::tui::view::{Pane, ProfileView};
use crate::vendors::{Connection, LookupKind, VendorKind};

mod avatar_flow;
pub use avatar_flow::{avatar_url, current_avatar};
mod find_flow;
mod input;
mod lookup_flow;
mod routing;
mod watch_flow;

#[derive(Clone, Copy, Debug)]
pub struct Clock {
    pub instant: Instant,
    pub wall: DateTime<Utc>,
}

impl Clock {
    pub fn now() -> Clock {
        Clock {
            instant: Instant::now(),
            wall: Utc::now(),
        }
    }
}

/// What the TUI starts with (built by `tui::run` from the arguments, config and key source).
#[derive(Clone, Debug, Default)]
pub struct AppInit {
    pub demo: bool,
    pub connections: Vec<ConnEntry>,
    pub demo_users: Vec<DemoHint>,
    pub selected: usize,
    pub kind: Option<LookupKind>,
    pub input: String,
    pub theme: Theme,
    pub keymap: KeyMap,
}

pub struct App {
    pub keymap: KeyMap,
    pub theme: Theme,
    pub demo: bool,
    pub clock: Clock,
    pub size: Rect,
    /// Connections, the lookup in flight, its error, recent lookups and cached profiles.
    pub lookups: Lookups,
    /// A one-line message (copied, exported, cancelled); most screens clear it on a key.
    pub notice: Option<String>,
    /// Added to every copy toast when the terminal probably ignores OSC 52.
    pub clipboard_warning: Option<String>,
    /// The screen in front.
    pub screen: Screen,
    /// The others, as they were left.
    parked: Parked,
    pub overlay: Option<Overlay>,
    /// Set when the app should end, with the process exit code.
    pub exit: Option<i32>,
    /// Printed after the terminal is restored (why a file could not be shown).
    pub exit_note: Option<String>,
    /// The next frame clears the terminal first and draws every cell (Ctrl-L, and a change of
    /// screen, so that no cell a terminal drew wider than ratatui counted stays behind).
    pub redraw_all: bool,
    /// What `w` starts a watch with (`[tui] watch_secs`, `[watch] ignore`; set by the runtime).
    pub watch_setup: WatchSetup,
    /// `[tui] avatars`: whether a profile's avatar loads when it opens (else only on `i`).
    pub avatar_setup: crate::tui::avatar::AvatarSetup,
}

impl App {
    pub fn new(init: AppInit, clock: Clock) -> App {
        let start = StartState::new(
            &init.connections,
            init.selected,
            init.kind,
            &init.input,
            init.demo_users,
        );
        App {
            keymap: init.keymap,
            theme: init.theme,
            demo: init.demo,
            clock,
            size: Rect::new(0, 0, 80, 24),
            lookups: Lookups::new(init.connections),
            notice: None,
            clipboard_warning: None,
            screen: Screen::Start(start),
            parked: Parked::default(),
            overlay: None,
            exit: None,
            exit_note: None,
            redraw_all: false,
            watch_setup: WatchSetup::default(),
            avatar_setup: Default::default(),
        }
    }

    /// Start with the stored history (newest first), saved back to `path` as lookups finish.
    pub fn load_history(&mut self, path: std::path::PathBuf, entries: &[crate::history::Entry]) {
        self.lookups.load_history(path, entries);
    }

    /// Show `view` on the profile screen (`userscope open`: a file instead of a lookup).
    pub fn show_profile(&mut self, view: ProfileView) {
        let filter_edit = self.profile_state_mut().and_then(|p| p.filter_edit.take());
        self.parked.profile = None;
        let from_find = self.screen.kind() == ScreenKind::Find;
        let state = ProfileState {
            view,
            filter_edit,
            from_find,
            watching: None,
            avatar: None,
        };
        // A profile in front or a comparison of an older one is replaced; the start screen
        // and the All-vendors board wait behind (Esc returns to the board it came from).
        match std::mem::replace(&mut self.screen, Screen::Profile(state)) {
            Screen::Start(start) => self.parked.start = Some(start),
            Screen::Find(find) => self.parked.find = Some(find),
            Screen::Profile(_) | Screen::Compare(_) => {}
        }
        self.parked.compare = None;
    }

    // ---- where each screen's state is (in front or parked)

    pub fn start(&self) -> Option<&StartState> {
        match &self.screen {
            Screen::Start(s) => Some(s),
            _ => self.parked.start.as_ref(),
        }
    }

    pub fn start_mut(&mut self) -> Option<&mut StartState> {
        match &mut self.screen {
            Screen::Start(s) => Some(s),
            _ => self.parked.start.as_mut(),
        }
    }

    pub fn profile_state(&self) -> Option<&ProfileState> {
        match &self.screen {
            Screen::Profile(p) => Some(p),
            _ => self.parked.profile.as_ref(),
        }
    }

    pub fn profile_state_mut(&mut self) -> Option<&mut ProfileState> {
        match &mut self.screen {
            Screen::Profile(p) => Some(p),
            _ => self.parked.profile.as_mut(),
        }
    }

    /// The profile on show (or behind the start or compare screen).
    pub fn profile(&self) -> Option<&ProfileView> {
        self.profile_state().map(|p| &p.view)
    }

    pub fn profile_mut(&mut self) -> Option<&mut ProfileView> {
        self.profile_state_mut().map(|p| &mut p.view)
    }

    /// The comparison, in front or waiting for side B.
    pub fn compare(&self) -> Option<&CompareState> {
        match &self.screen {
            Screen::Compare(c) => Some(c),
            _ => self.parked.compare.as_ref(),
        }
    }

    /// The All-vendors find, in front or parked behind a profile it opened.
    pub fn find(&self) -> Option<&FindState> {
        match &self.screen {
            Screen::Find(f) => Some(f),
            _ => self.parked.find.as_ref(),
        }
    }

    pub fn find_mut(&mut self) -> Option<&mut FindState> {
        match &mut self.screen {
            Screen::Find(f) => Some(f),
            _ => self.parked.find.as_mut(),
        }
    }

    /// Whether the start screen is looking up side B (its result opens the comparison).
    pub fn awaiting_side_b(&self) -> bool {
        self.screen.kind() == ScreenKind::Start && self.parked.compare.is_some()
    }

    pub fn selected_vendor(&self) -> Option<VendorKind> {
        self.start()?.vendor(&self.lookups.connections)
    }

    /// Whether keys go into a text field (then `q` and digits are typed, not commands).
    pub fn is_typing(&self) -> bool {
        match &self.overlay {
            Some(o) => o.is_typing(),
            None => match &self.screen {
                Screen::Start(s) => s.is_typing(),
                Screen::Profile(p) => p.is_typing(),
                Screen::Compare(c) => c.is_typing(),
                Screen::Find(f) => f.is_typing(),
            },
        }
    }

    /// Whether something on screen moves with time (spinner, countdown): the runtime ticks then.
    pub fn animating(&self) -> bool {
        self.lookups.loading.is_some()
            || self.find().is_some_and(FindState::is_running)
            || self
                .lookups
                .error
                .as_ref()
                .is_some_and(|e| e.retry_at.is_some())
    }

    pub fn contexts(&self) -> Vec<Context> {
        let mut contexts = Vec::new();
        if self.is_typing() {
            contexts.push(Context::Typing);
        }
        if let Screen::Profile(p) = &self.screen {
            match p.view.focus {
                Pane::Raw => contexts.push(Context::Raw),
                Pane::Request => contexts.push(Context::Request),
                _ => {}
            }
            if p.watching.is_some() {
                contexts.push(Context::Watch);
            }
        }
        contexts.push(match self.screen.kind() {
            ScreenKind::Start => Context::Start,
            ScreenKind::Profile => Context::Profile,
            ScreenKind::Compare => Context::Compare,
            ScreenKind::Find => match &self.screen {
                Screen::Find(f) => f.context(),
                _ => Context::Find,
            },
        });
        contexts
    }

    /// Effects to run at start: check which connections have a key; with `--lookup`, look up.
    pub fn initial_effects(&mut self, run_lookup: bool) -> Vec<Effect> {
        let conns: Vec<Connection> = self
            .lookups
            .connections
            .iter()
            .filter_map(|c| c.connection.as_ref().ok().cloned())
            .collect();
        let mut effects = vec![Effect::CheckKeys(conns)];
        if run_lookup {
            effects.extend(self.submit_start());
        }
        effects
    }

    pub(crate) fn quit(&mut self, code: i32) -> Vec<Effect> {
        self.exit = Some(code);
        self.lookups.take_running()
    }

    fn on_exported(&mut self, result: Result<std::path::PathBuf, String>) {
        use crate::tui::export::ExportState;
        if let Some(Overlay::Export(d)) = self.overlay.as_mut() {
            match &result {
                Ok(_) => self.overlay = None,
                Err(why) => d.state = ExportState::Failed(sanitize(why).into_owned()),
            }
        }
        self.notice = Some(match result {
            Ok(path) => format!("Exported to {}", sanitize(&path.display().to_string())),
            Err(why) => format!("Export failed: {}", sanitize(&why)),
        });
    }

    /// A history save finished: the first failure (of a run of them) is shown, every one is
    /// logged by the runtime.
    fn on_history_saved(&mut self, result: Result<(), String>) {
        match result {
            Ok(()) => self.lookups.history_save_failed = false,
            Err(why) => {
                if !std::mem::replace(&mut self.lookups.history_save_failed, true) {
                    self.notice = Some(format!("Recent lookups not saved: {}", sanitize(&why)));
                }
            }
        }
    }

    /// `userscope open`: the file's full view replaces the identity-only first screen.
    fn on_file_loaded(&mut self, result: Result<ProfileView, crate::open::OpenError>) {
        match result {
            Ok(view) => match self.profile_state_mut() {
                Some(p) => p.replace_keeping_place(view),
                None => self.parked.profile = Some(ProfileState::new(view)),
            },
            Err(e) => {
                self.exit_note = Some(e.to_string());
                self.exit = Some(e.exit_code());
            }
        }
    }
}

/// The one place the TUI's state changes. Returns the work to do outside (no I/O here).
pub fn update(app: &mut App, message: Message) -> Vec<Effect> {
    let before = app.screen.kind();
    let watch_before = app.watch_request();
    let done = match &message {
        Message::LookupDone { request, .. } => Some(*request),
        _ => None,
    };
    let mut effects = update_screen(app, message);
    let stopped = app.stop_hidden_watch(watch_before, done, &effects);
    effects.extend(stopped);
    effects.extend(app.auto_avatar());
    if app.screen.kind() != before {
        // A terminal may have drawn a wide glyph (a flag, a skin-tone emoji) over more cells
        // than ratatui counted; a new screen is drawn on a cleared terminal so none stays.
        app.redraw_all = true;
    }
    effects
}

fn update_screen(app: &mut App, message: Message) -> Vec<Effect> {
    match message {
        Message::FileLoaded(loaded) => {
            app.on_file_loaded(loaded.0);
            Vec::new()
        }
        Message::ClipboardChecked(warning) => {
            app.clipboard_warning = warning;
            Vec::new()
        }
        Message::Key(key) => app.on_key(key),
        Message::Paste(text) => app.on_paste(&text.0),
        Message::HistorySaved(result) => {
            app.on_history_saved(result);
            Vec::new()
        }
        Message::Mouse(mouse) => app.on_mouse(mouse),
        Message::Resize { width, height } => {
            app.on_resize(width, height);
            Vec::new()
        }
        Message::Tick => {
            let mut effects = app.on_tick();
            effects.extend(app.watch_tick());
            effects
        }
        Message::LookupProgress { request, event } if app.is_watch_request(request) => {
            app.on_watch_progress(&event);
            Vec::new()
        }
        Message::LookupDone {
            request,
            result,
            index,
        } if app.is_watch_request(request) => app.on_watch_done(*result, index.map(|i| *i)),
        Message::LookupProgress { request, event } => {
            let now = app.clock.instant;
            if let Some(loading) = app
                .lookups
                .loading
                .as_mut()
                .filter(|l| l.request == request)
            {
                match event {
                    LookupEvent::RateLimitedWaiting { wait, attempt } => {
                        loading.rate_limit = Some(RateWait {
                            until: now + wait,
                            attempt,
                        });
                    }
                }
            }
            Vec::new()
        }
        Message::LookupDone {
            request,
            result,
            index,
        } => app.on_lookup_done(request, *result, index.map(|i| *i)),
        Message::FindProgress { request, event } => app.on_find_progress(request, *event),
        Message::KeyStatuses(statuses) => {
            for (name, status) in statuses {
                if let Some(entry) = app.lookups.connections.iter_mut().find(|c| c.name == name) {
                    entry.key = status;
                }
            }
            Vec::new()
        }
        Message::KeySaved { connection, result } => app.on_key_saved(connection, result),
        Message::ExportExists(name) => {
            if let Some(Overlay::Export(d)) = app.overlay.as_mut() {
                d.state = crate::tui::export::ExportState::ConfirmOverwrite;
            } else {
                app.notice = Some(format!("Not exported: {} exists", sanitize(&name)));
            }
            Vec::new()
        }
        Message::Exported(result) => {
            app.on_exported(result);
            Vec::new()
        }
        Message::AvatarLoaded { url, result } => {
            app.on_avatar_loaded(&url, result);
            Vec::new()
        }
        Message::Terminate { exit_code } => app.quit(exit_code),
    }
}
