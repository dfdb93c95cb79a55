//! The router: the runtime-wide state (keys, theme, clock, size, lookups, notice, exit) and the
//! screen in front, each screen owning its own state (`tui::screens`), with at most one
//! overlay over it (`tui::overlays`). `update` is the only place state changes; it does no
//! I/O: work in the outside world is returned as `Effect`s, and the time is state the runtime
//! sets, so every behaviour can be tested by feeding messages. Messages go to the overlay or
//! the screen in front; changes that involve another screen are `Transition`s made here.

use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Utc};
use crossterm::event::{KeyEvent, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

use crate::error::LookupError;
use crate::history::Outcome;
use crate::lookup::{LookupEvent, LookupOutcome};
use crate::sanitize::sanitize;
use crate::secrets::KeyOrigin;
pub use crate::tui::error_view::{ErrorKind, ErrorView};
use crate::tui::input::typed_char;
use crate::tui::keymap::{Action, Context, KeyMap};
pub use crate::tui::lookups::{ConnEntry, Lookups, RecentLookup};
use crate::tui::lookups::{MAX_AUTO_RETRIES, RateWait, Started};
use crate::tui::message::{Effect, KeyStatus, Message};
use crate::tui::overlays::{DialogState, KeyDialog, Overlay, OverlayStep};
use crate::tui::screens::compare::CompareState;
use crate::tui::screens::profile::ProfileState;
pub use crate::tui::screens::start::{DemoHint, StartFocus, StartState};
use crate::tui::screens::{Ctx, Parked, Step, Transition};
pub use crate::tui::screens::{Screen, ScreenKind};
use crate::tui::ui::layout;
use crate::tui::ui::theme::Theme;
use crate::tui::view::{Pane, ProfileView};
use crate::vendor::{Connection, LookupKind, VendorKind};

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
        let state = ProfileState { view, filter_edit };
        // A profile in front or a comparison of an older one is replaced; the start screen
        // waits behind.
        if let Screen::Start(start) = std::mem::replace(&mut self.screen, Screen::Profile(state)) {
            self.parked.start = Some(start);
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
            },
        }
    }

    /// Whether something on screen moves with time (spinner, countdown): the runtime ticks then.
    pub fn animating(&self) -> bool {
        self.lookups.loading.is_some()
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
        if let Screen::Profile(p) = &self.screen
            && p.view.focus == Pane::Raw
        {
            contexts.push(Context::Raw);
        }
        contexts.push(match self.screen.kind() {
            ScreenKind::Start => Context::Start,
            ScreenKind::Profile => Context::Profile,
            ScreenKind::Compare => Context::Compare,
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

    // ---- routing to the screen in front

    /// Run `f` on the screen in front with the runtime-wide parts it may use.
    fn on_screen<R>(&mut self, f: impl FnOnce(&mut Screen, &mut Ctx) -> R) -> R {
        let mut ctx = Ctx {
            keymap: &self.keymap,
            clock: self.clock,
            size: self.size,
            demo: self.demo,
            notice: &mut self.notice,
            clipboard_warning: self.clipboard_warning.as_deref(),
            lookups: &mut self.lookups,
        };
        f(&mut self.screen, &mut ctx)
    }

    /// Enter on the start form (the start screen is in front when this is asked).
    fn submit_start(&mut self) -> Vec<Effect> {
        let step = self.on_screen(|screen, ctx| match screen {
            Screen::Start(s) => s.apply(Action::Select, ctx),
            _ => Step::none(),
        });
        self.follow(step)
    }

    fn follow(&mut self, step: Step) -> Vec<Effect> {
        match step {
            Step::Done(effects) => effects,
            Step::Go(t) => self.transition(t),
        }
    }

    fn transition(&mut self, t: Transition) -> Vec<Effect> {
        match t {
            Transition::Lookup { conn_index, lookup } => self.start_lookup(conn_index, lookup),
            Transition::Recent { connection, lookup } => self
                .show_cached(&connection, &lookup)
                .unwrap_or_else(|| self.submit_start()),
            Transition::ToStart => {
                self.show_start(true);
                self.focus_start_input();
                Vec::new()
            }
            Transition::Back => {
                self.back();
                Vec::new()
            }
            Transition::Compare(a) => {
                let previous =
                    std::mem::replace(&mut self.screen, Screen::Compare(CompareState::new(a)));
                self.parked.put(previous);
                self.notice = None;
                Vec::new()
            }
            Transition::LookUpSideB => {
                self.show_start(true);
                self.focus_start_input();
                Vec::new()
            }
            Transition::Open(overlay) => {
                self.overlay = Some(overlay);
                Vec::new()
            }
            Transition::Quit(code) => self.quit(code),
        }
    }

    fn focus_start_input(&mut self) {
        if let Some(s) = self.start_mut() {
            s.focus = StartFocus::Input;
        }
    }

    /// Bring the start screen to the front. A comparison in front is parked only when
    /// `keep_compare` (side B is looked up there); otherwise it is left for good.
    fn show_start(&mut self, keep_compare: bool) {
        if self.screen.kind() == ScreenKind::Start {
            return;
        }
        let Some(start) = self.parked.start.take() else {
            return;
        };
        match std::mem::replace(&mut self.screen, Screen::Start(start)) {
            Screen::Compare(_) if !keep_compare => {}
            other => self.parked.put(other),
        }
    }

    /// Esc with nothing left to undo on the screen in front.
    fn back(&mut self) {
        match self.screen.kind() {
            ScreenKind::Start => {
                if let Some(mut compare) = self.parked.compare.take() {
                    compare.back_to_picker();
                    self.bring(Screen::Compare(compare));
                    self.notice = None;
                } else if let Some(profile) = self.parked.profile.take() {
                    self.bring(Screen::Profile(profile));
                } else {
                    self.lookups.error = None;
                    self.notice = None;
                }
            }
            // Leaving the comparison drops it: back to side A's profile.
            ScreenKind::Compare => {
                if let Some(next) = self
                    .parked
                    .take(ScreenKind::Profile)
                    .or_else(|| self.parked.take(ScreenKind::Start))
                {
                    self.screen = next;
                }
            }
            ScreenKind::Profile => {}
        }
    }

    /// Put `screen` in front, parking the one there.
    fn bring(&mut self, screen: Screen) {
        let previous = std::mem::replace(&mut self.screen, screen);
        self.parked.put(previous);
    }

    // ---- lookups

    fn start_lookup(&mut self, conn_index: usize, lookup: crate::vendor::Lookup) -> Vec<Effect> {
        if conn_index < self.lookups.connections.len() {
            self.notice = None;
        }
        match self.lookups.start(conn_index, lookup, self.clock.instant) {
            Started::Running(effects) => effects,
            Started::Unusable(effects) => {
                self.show_start(false);
                effects
            }
        }
    }

    /// Compare the waiting side A with `b` and show the comparison.
    fn open_side_b(&mut self, b: &LookupOutcome) {
        if let Some(mut compare) = self.parked.compare.take() {
            compare.open_with(b);
            self.bring(Screen::Compare(compare));
            self.notice = None;
        }
    }

    /// Show a cached profile for this lookup, if one is in memory; `r` fetches it again.
    fn show_cached(
        &mut self,
        connection: &str,
        lookup: &crate::vendor::Lookup,
    ) -> Option<Vec<Effect>> {
        let cached = self.lookups.cached(connection, lookup).cloned()?;
        let effects = self.lookups.take_running();
        self.lookups.error = None;
        if self.awaiting_side_b() {
            self.open_side_b(&cached.outcome);
            return Some(effects);
        }
        self.show_profile(ProfileView::new(cached.outcome));
        self.notice = Some(format!(
            "Cached result from {} — {} refreshes",
            cached.fetched.format("%H:%M:%S UTC"),
            self.keymap.key_for(Action::Retry)
        ));
        Some(effects)
    }

    fn on_lookup_done(
        &mut self,
        request: crate::tui::message::RequestId,
        result: Result<LookupOutcome, LookupError>,
    ) -> Vec<Effect> {
        // A result for a lookup that was replaced or cancelled is stale: drop it.
        if self.lookups.loading.as_ref().map(|l| l.request) != Some(request) {
            tracing::debug!(request, "dropping a stale lookup result");
            return Vec::new();
        }
        let Some(loading) = self.lookups.loading.take() else {
            return Vec::new();
        };
        let at = self.clock.wall;
        match result {
            Ok(outcome) => {
                let name = outcome
                    .profile
                    .display_name
                    .clone()
                    .or_else(|| outcome.profile.id.clone())
                    .unwrap_or_else(|| loading.lookup.value.clone());
                let effects = self.lookups.record(
                    loading.conn_index,
                    &loading.lookup,
                    Outcome::Ok,
                    Some(name),
                    at,
                );
                let outcome = Arc::new(outcome);
                self.lookups.cache_profile(&outcome, at);
                self.lookups.error = None;
                self.lookups.auto_retries = 0;
                if self.awaiting_side_b() {
                    // Side B of a comparison: the profile on show stays side A.
                    self.open_side_b(&outcome);
                } else {
                    self.show_profile(ProfileView::new(outcome));
                }
                effects
            }
            Err(LookupError::Cancelled) => {
                self.notice = Some("Lookup cancelled".to_owned());
                Vec::new()
            }
            Err(err) => {
                tracing::info!(vendor = %loading.vendor, error = %err, "lookup failed");
                let view = ErrorView::from_error(&err, &self.keymap, self.clock.instant);
                let outcome = match view.kind {
                    ErrorKind::NotFound => Outcome::NotFound,
                    _ => Outcome::Error {
                        kind: match view.status {
                            Some(s) => format!("HTTP {s}"),
                            None => view.title.to_lowercase(),
                        },
                    },
                };
                let effects =
                    self.lookups
                        .record(loading.conn_index, &loading.lookup, outcome, None, at);
                let wants_key = matches!(view.kind, ErrorKind::NoKey | ErrorKind::KeyRejected);
                self.lookups.error = Some(view);
                self.show_start(false);
                self.focus_start_input();
                if wants_key {
                    self.open_key_dialog(
                        loading.conn_index,
                        Some(sanitize(&err.to_string()).into_owned()),
                    );
                }
                effects
            }
        }
    }

    fn open_key_dialog(&mut self, conn_index: usize, reason: Option<String>) {
        self.overlay = Some(Overlay::KeyDialog(KeyDialog::new(
            conn_index, reason, self.demo,
        )));
    }

    fn on_tick(&mut self) -> Vec<Effect> {
        let lookups = &mut self.lookups;
        let due = lookups
            .error
            .as_ref()
            .and_then(|e| e.retry_at)
            .is_some_and(|at| at <= self.clock.instant);
        if due && lookups.loading.is_none() {
            if let Some(e) = lookups.error.as_mut() {
                e.retry_at = None;
            }
            if lookups.auto_retries < MAX_AUTO_RETRIES
                && let Some(last) = lookups.recent.first().cloned()
                && let Some(index) = lookups.position(&last.connection)
            {
                lookups.auto_retries += 1;
                return self.start_lookup(index, last.lookup);
            }
        }
        Vec::new()
    }

    // ---- input

    fn apply(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Quit => return self.quit(0),
            Action::ForceQuit => return self.quit(130),
            Action::Help => {
                self.overlay = Some(Overlay::Help(Default::default()));
                return Vec::new();
            }
            Action::SetKey => {
                let selected = self.start().map_or(0, |s| s.selected);
                let index = match &self.screen {
                    Screen::Profile(p) => self
                        .lookups
                        .position(&p.view.outcome.connection)
                        .unwrap_or(selected),
                    Screen::Start(_) | Screen::Compare(_) => selected,
                };
                self.open_key_dialog(index, None);
                return Vec::new();
            }
            _ => {}
        }
        let step = self.on_screen(|screen, ctx| match screen {
            Screen::Start(s) => s.apply(action, ctx),
            Screen::Profile(p) => p.apply(action, ctx),
            Screen::Compare(c) => c.apply(action, ctx),
        });
        self.follow(step)
    }

    fn on_overlay_key(&mut self, key: &KeyEvent) -> Vec<Effect> {
        let page = usize::from(layout::pane_rows(self.size)).max(1);
        let Some(overlay) = self.overlay.as_mut() else {
            return Vec::new();
        };
        match overlay.on_key(key, &self.keymap, page) {
            OverlayStep::Stay => Vec::new(),
            OverlayStep::Close => {
                self.overlay = None;
                Vec::new()
            }
            OverlayStep::Quit(code) => self.quit(code),
            OverlayStep::Effects(effects) => effects,
            OverlayStep::SaveKey { conn_index, key } => {
                match self
                    .lookups
                    .connections
                    .get(conn_index)
                    .map(|c| c.connection.clone())
                {
                    Some(Ok(connection)) => return vec![Effect::SaveKey { connection, key }],
                    Some(Err(why)) => {
                        if let Some(Overlay::KeyDialog(d)) = self.overlay.as_mut() {
                            d.state = DialogState::Failed(sanitize(&why).into_owned());
                        }
                    }
                    None => self.overlay = None,
                }
                Vec::new()
            }
        }
    }

    fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if key.kind == crossterm::event::KeyEventKind::Release {
            return Vec::new();
        }
        if self.overlay.is_some() {
            return self.on_overlay_key(&key);
        }
        if self.screen.kind() != ScreenKind::Start {
            // A notice (copied, exported) lasts until the next key.
            self.notice = None;
        }
        let step = self.on_screen(|screen, ctx| match screen {
            Screen::Profile(p) if p.is_typing() => Some(p.on_filter_key(&key, ctx)),
            Screen::Compare(c) if c.is_typing() => Some(c.on_filter_key(&key, ctx)),
            _ => None,
        });
        if let Some(step) = step {
            return self.follow(step);
        }
        let typing = self.is_typing();
        match self.keymap.action_for(&key, &self.contexts(), typing) {
            Some(action) => self.apply(action),
            None => {
                if typing && let Some(c) = typed_char(&key) {
                    self.on_screen(|screen, ctx| {
                        if let Screen::Start(s) = screen {
                            s.type_char(c, ctx);
                        }
                    });
                }
                Vec::new()
            }
        }
    }

    fn on_mouse(&mut self, mouse: MouseEvent) -> Vec<Effect> {
        let at = Position::new(mouse.column, mouse.row);
        let down = match mouse.kind {
            MouseEventKind::ScrollDown => true,
            MouseEventKind::ScrollUp => false,
            MouseEventKind::Down(MouseButton::Left) => return self.on_click(at),
            _ => return Vec::new(),
        };
        if let Some(overlay) = self.overlay.as_mut() {
            overlay.wheel(down);
            return Vec::new();
        }
        self.on_screen(|screen, ctx| match screen {
            Screen::Profile(p) => p.wheel(down, 3, ctx.size),
            Screen::Compare(c) => c.wheel(down, 3, ctx),
            Screen::Start(s) => s.wheel(down, ctx.lookups),
        });
        Vec::new()
    }

    fn on_click(&mut self, at: Position) -> Vec<Effect> {
        if self.overlay.is_some() {
            return Vec::new();
        }
        let step = self.on_screen(|screen, ctx| match screen {
            Screen::Compare(c) => c.click(at, ctx.size),
            Screen::Profile(p) => {
                p.click(at, ctx.size);
                Step::none()
            }
            Screen::Start(s) => {
                s.click(at, ctx.size, ctx.demo, ctx.lookups);
                Step::none()
            }
        });
        self.follow(step)
    }

    fn on_resize(&mut self, width: u16, height: u16) {
        self.size = Rect::new(0, 0, width, height);
        let size = self.size;
        if let Some(p) = self.profile_state_mut() {
            p.on_resize(size);
        }
    }

    fn on_key_saved(&mut self, connection: String, result: Result<(), String>) -> Vec<Effect> {
        let index = self.lookups.position(&connection);
        match result {
            Ok(()) => {
                if let Some(entry) = index.and_then(|i| self.lookups.connections.get_mut(i)) {
                    entry.key = KeyStatus::Present(KeyOrigin::Keyring);
                }
                self.overlay = None;
                self.notice = Some(format!("Key for {connection} saved to the keyring"));
                // Retry what failed for want of a key.
                if self.lookups.failed_for_key()
                    && let Some(last) = self.lookups.recent.first().cloned()
                    && last.connection == connection
                    && let Some(i) = index
                {
                    return self.start_lookup(i, last.lookup);
                }
            }
            Err(why) => {
                if let Some(Overlay::KeyDialog(d)) = self.overlay.as_mut() {
                    d.state = DialogState::Failed(sanitize(&why).into_owned());
                }
            }
        }
        Vec::new()
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
        Message::Mouse(mouse) => app.on_mouse(mouse),
        Message::Resize { width, height } => {
            app.on_resize(width, height);
            Vec::new()
        }
        Message::Tick => app.on_tick(),
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
        Message::LookupDone { request, result } => app.on_lookup_done(request, *result),
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
        Message::Terminate { exit_code } => app.quit(exit_code),
    }
}
